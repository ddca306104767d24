/*
 * html.h - what libcstat's HTML pages share: a page writer that streams
 * markup through a small buffer, escaping of text from the input, the
 * style sheet, and a few SVG helpers.
 *
 * cstat's report (render-html.c) and the history dashboard
 * (history-html.c) are both built on it, so they look alike and escape
 * alike.  Every page is self-contained: inline CSS and SVG, no script,
 * nothing loaded from elsewhere.  Output never depends on the C locale.
 *
 * Errors stick: the first failure (CSTAT_ENOMEM, CSTAT_EIO, or
 * CSTAT_EINVAL for markup too long for cstat__html_addf()) is kept in
 * err and later writes do nothing, so a page is written without checking
 * every call and the error is returned once at the end.
 */
#ifndef CSTAT_HTML_H
#define CSTAT_HTML_H

#include <stdio.h>
#include <string.h>

#include "tables.h"

/* A page, or with out NULL a fragment kept whole in b (never flushed). */
struct cstat__html {
	FILE *out;
	struct cstat__buf b;
	int err;
};

/* Adds len bytes of markup. */
void cstat__html_add(struct cstat__html *p, const char *s, size_t len);

/* The buffer is written out once it holds this many bytes. */
#define CSTAT__HTML_FLUSH_AT 65536

/*
 * cstat__html_add() inline for the hot paths: a copy when the buffer has
 * room and stays below the flush mark, the function otherwise.
 */
static inline void
cstat__html_put(struct cstat__html *p, const char *s, size_t len)
{
	if (!p->err && p->b.cap - p->b.len > len &&
	    p->b.len + len < CSTAT__HTML_FLUSH_AT) {
		memcpy(p->b.data + p->b.len, s, len);
		p->b.len += len;
		p->b.data[p->b.len] = '\0';
	} else {
		cstat__html_add(p, s, len);
	}
}
/* Adds a NUL-terminated string of markup. */
void cstat__html_adds(struct cstat__html *p, const char *s);
/*
 * Room for n more bytes at the end of the page's buffer, to be written
 * there and taken with cstat__html_commit(); NULL after an error (then
 * write nothing).  For the hot paths, which append without a call per
 * piece.
 */
char *cstat__html_room(struct cstat__html *p, size_t n);
/* Takes the n bytes written at cstat__html_room() into the page. */
void cstat__html_commit(struct cstat__html *p, size_t n);
/* Adds v in decimal ("%zu" without printf). */
void cstat__html_size(struct cstat__html *p, size_t v);
/* Adds short formatted markup (at most 255 bytes: tags and numbers). */
void cstat__html_addf(struct cstat__html *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Adds the n bytes at s as text or an attribute value: '&', '<', '>', '"'
 * and '\'' become references, and bytes that are not UTF-8 (or encode a
 * control character other than tab and line breaks) become U+FFFD.
 */
void cstat__html_text_n(struct cstat__html *p, const char *s, size_t n);
/* The same for a NUL-terminated string. */
void cstat__html_text(struct cstat__html *p, const char *s);
/*
 * Adds a benchmark name as text that may wrap after each '/' (a <wbr>),
 * so that long names of sub-benchmarks break between their parts.
 */
void cstat__html_name(struct cstat__html *p, const char *s);
/* Adds v as Go prints it ("0.05", "95", "1e-06"), whatever the locale. */
void cstat__html_go_float(struct cstat__html *p, double v);

/*
 * Adds an SVG coordinate with one decimal, or none when it is whole;
 * negative values become 0.  Integer arithmetic: the page must not depend
 * on the C locale's decimal point.
 */
void cstat__html_coord(struct cstat__html *p, double x);
/* A buffer this large holds any cstat__html_coord_text(). */
#define CSTAT__HTML_COORD_SIZE 24
/* The text cstat__html_coord() adds, at buf (no NUL); its length. */
size_t cstat__html_coord_text(char *buf, double x);
/* x in whole tenths as cstat__html_coord() rounds it (0 if negative). */
long cstat__html_tenths(double x);
/* The text of a coordinate of tenths tenths (>= 0), as above. */
size_t cstat__html_tenths_text(char *buf, long tenths);
/* Adds <line class="cls" x1 x2 y1 y2/>. */
void cstat__html_line(struct cstat__html *p, const char *cls, double x1,
		      double x2, double y1, double y2);

/*
 * Which key fields of t (t->key_fields) have one value in every table:
 * *common gets an array of t->nkey_fields flags to free(), or NULL when
 * there are no key fields.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__html_common_keys(const struct cstat_tables *t, bool **common);
/*
 * Adds the configuration every table shares (the common key fields but
 * the unit) as a <dl class="config"> of "key: value" lines; nothing when
 * there is none.
 */
void cstat__html_config(struct cstat__html *p, const struct cstat_tables *t,
			const bool *common);
/*
 * Adds the key fields of table tb that not every table shares, each as
 * ' <span class="cfg">key: value</span>', for a heading.
 */
void cstat__html_table_key(struct cstat__html *p, const struct cstat_tables *t,
			   const struct cstat__table *tb, const bool *common);

/*
 * Starts a page: the doctype, <html lang="en">, <head>, the charset and
 * the viewport.  The caller adds its <title> next, then calls
 * cstat__html_body().
 */
void cstat__html_begin(struct cstat__html *p);
/*
 * Ends the head with the shared style sheet followed by extra_css (may be
 * NULL), and opens <body> and <main>.
 */
void cstat__html_body(struct cstat__html *p, const char *extra_css);
/*
 * Closes <main>, adds the footer ("Made by cstat VERSION."), closes the
 * page, writes out what is buffered and frees the buffer.
 * @return 0 or the first error (CSTAT_ENOMEM, CSTAT_EIO, CSTAT_EINVAL).
 */
int cstat__html_end(struct cstat__html *p);

#endif /* CSTAT_HTML_H */
