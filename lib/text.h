/*
 * text.h - UTF-8 and text (text.c): decoding as Go does, white space,
 * code points and terminal columns, invalid bytes replaced, the escapes of
 * Markdown and the spreadsheet-formula test of CSV, a truncating copy and
 * trimming.
 */
#ifndef CSTAT_TEXT_H
#define CSTAT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "containers.h"

/*
 * Decodes the UTF-8 character at s (n >= 1 bytes) as Go's utf8.DecodeRune:
 * *c gets the code point and the length is returned; an invalid, overlong,
 * surrogate or truncated sequence gives U+FFFD and length 1.
 */
size_t cstat__utf8_decode(const unsigned char *s, size_t n, unsigned long *c);

/* Whether c is white space by Go's unicode.IsSpace. */
bool cstat__unicode_space(unsigned long c);

/* Number of UTF-8 code points in s[0..len). */
size_t cstat__utf8_runes(const char *s, size_t len);

/*
 * The columns NUL-terminated UTF-8 text s takes on a terminal: a column a
 * character ("µ", "±", "▁" one each), none for combining marks and
 * zero-width characters, two for East Asian wide and fullwidth ones; a
 * byte that is not UTF-8 one column (shown as U+FFFD).  The tables that
 * benchstat lays out count code points instead (texttab.c), as Go does.
 */
size_t cstat__text_width(const char *s);

/*
 * Appends s[0..len) to b with every byte that is not valid UTF-8 replaced
 * by U+FFFD; b->data is NUL-terminated after it, also when len is 0.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__utf8_repair(struct cstat__buf *b, const char *s, size_t len);

/*
 * The escape of an ASCII byte in GitHub-flavoured Markdown text (table
 * cells included: "|" becomes "\\|"), or NULL to keep it as it is.
 */
const char *cstat__md_escape(char ch);

/*
 * Whether a CSV field of s would start a formula in a spreadsheet: s
 * starts with '=', '+', '-', '@', a tab or a CR (OWASP's list) and is not
 * a plain number such as "-0.5" or "-12.34%".  Such a field is written
 * quoted with a "'" before s, which spreadsheets show as text.
 */
bool cstat__csv_formula(const char *s);

/*
 * Copies src into dst (size bytes, NUL included), cut short as snprintf
 * would cut it.  Renderers compose into a local buffer whose bound the
 * compiler can see, then copy.  @return strlen(src).
 */
size_t cstat__strlcpy(char *dst, const char *src, size_t size);

/*
 * s without its leading and trailing ASCII white space: the start, and
 * the length in *len.  Reports show configuration values trimmed (Go's
 * "cpu:" line can end in spaces) while the tables keep them as read, as
 * benchstat does.
 */
const char *cstat__trim(const char *s, size_t *len);

#endif /* CSTAT_TEXT_H */
