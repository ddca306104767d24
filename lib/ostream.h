/*
 * ostream.h - the one output stream every libcstat writer goes through,
 * and the escapers that write into it (HTML, JSON, CSV).
 *
 * A stream is a buffer over a FILE *, over a file descriptor, or kept
 * whole in memory.  It is written out in large blocks (once it holds
 * CSTAT__OS_FLUSH_AT bytes, and at cstat__os_close()), so a writer costs
 * memory in proportion to the largest piece it adds at once, and the
 * number of write calls in proportion to its bytes, never to its pieces.
 *
 * Errors stick, as in redis's rio and curl's dynbuf: the FIRST failure
 * (CSTAT_ENOMEM, CSTAT_EIO, CSTAT_ENOSPC, CSTAT_EINVAL) is kept in err,
 * and from then on nothing more is written, to the buffer or to the
 * target.  A writer therefore appends without checking each call and
 * returns the error once, from cstat__os_close().
 *
 * The appends are fast: bytes by memcpy, unsigned integers and Go's
 * shortest floats by integer arithmetic (no printf, no locale).
 */
#ifndef CSTAT_OSTREAM_H
#define CSTAT_OSTREAM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Where a stream's bytes go.  A stream of all zero bytes is in memory. */
enum cstat__os_target {
	CSTAT__OS_MEMORY, /* kept whole in data, never written out */
	CSTAT__OS_FILE,	  /* fwrite() to file */
	CSTAT__OS_FD,	  /* write() to fd */
};

struct cstat__ostream {
	char *data;	 /* the buffered bytes */
	size_t len, cap; /* cap > len while data is not NULL */
	enum cstat__os_target target;
	FILE *file; /* the target of CSTAT__OS_FILE */
	int fd;	    /* the target of CSTAT__OS_FD */
	int err;    /* the first error, or 0 */
	/* Written out when len reaches it: CSTAT__OS_FLUSH_AT, or SIZE_MAX
	 * in memory (0 until a stream of zero bytes first grows). */
	size_t limit;
};

/* The buffer is written out once it holds this many bytes. */
#define CSTAT__OS_FLUSH_AT 65536

/* Starts a stream into f (never closed by the stream). */
void cstat__os_file(struct cstat__ostream *s, FILE *f);
/* Starts a stream into the file descriptor fd (never closed by it). */
void cstat__os_fd(struct cstat__ostream *s, int fd);
/*
 * Starts a stream kept in memory: everything added stays in s->data
 * (s->len bytes) until cstat__os_release().  A stream initialized to
 * all zero bytes ({0}) is such a stream too.
 */
void cstat__os_memory(struct cstat__ostream *s);

/*
 * Sets the stream's error to err unless it already has one: the first
 * error is the one kept.  err 0 does nothing.
 */
void cstat__os_fail(struct cstat__ostream *s, int err);

/*
 * Writes out what is buffered (nothing for a memory stream), and for a
 * FILE * target flushes the FILE too when flush_file is set.
 * @return 0 or the stream's first error.
 */
int cstat__os_flush(struct cstat__ostream *s, bool flush_file);
/*
 * Writes out what is buffered and frees the buffer (a memory stream's
 * data too).  The stream may be started again.
 * @return 0 or the stream's first error.
 */
int cstat__os_close(struct cstat__ostream *s);
/* Frees the buffer without writing it out (a memory stream's data). */
void cstat__os_release(struct cstat__ostream *s);
/*
 * A memory stream's bytes as a NUL-terminated string ("" when empty or
 * after an error), valid until the next append or the release.
 */
const char *cstat__os_cstr(struct cstat__ostream *s);

/* cstat__os_room() when the buffer is too small: grows it. */
char *cstat__os_grow(struct cstat__ostream *s, size_t n);
/* Writes the buffer out (cstat__os_commit() at the flush mark). */
void cstat__os_drain(struct cstat__ostream *s);

/*
 * Room for n more bytes at the end of the buffer, to be written there and
 * taken with cstat__os_commit(); NULL after an error (write nothing then).
 */
static inline char *
cstat__os_room(struct cstat__ostream *s, size_t n)
{
	if (s->cap - s->len > n && !s->err)
		return s->data + s->len;
	return cstat__os_grow(s, n);
}

/* Takes the n bytes written at cstat__os_room() into the stream. */
static inline void
cstat__os_commit(struct cstat__ostream *s, size_t n)
{
	s->len += n;
	if (s->len >= s->limit)
		cstat__os_drain(s);
}

/* Adds the len bytes at p. */
void cstat__os_add(struct cstat__ostream *s, const void *p, size_t len);

/*
 * cstat__os_add() inline for the hot paths: a copy when the buffer has
 * room below the flush mark, the call otherwise.
 */
static inline void
cstat__os_put(struct cstat__ostream *s, const void *p, size_t len)
{
	if (s->cap - s->len > len && s->len + len < s->limit && !s->err) {
		memcpy(s->data + s->len, p, len);
		s->len += len;
	} else {
		cstat__os_add(s, p, len);
	}
}

/* Adds the NUL-terminated string str. */
static inline void
cstat__os_adds(struct cstat__ostream *s, const char *str)
{
	cstat__os_put(s, str, strlen(str));
}

/* A literal: its bytes and length, for cstat__os_put(s, LIT("...")). */
#define CSTAT__LIT(str) str, sizeof(str) - 1

/* Adds the byte c. */
void cstat__os_addc(struct cstat__ostream *s, char c);
/* Adds n copies of the byte c. */
void cstat__os_fill(struct cstat__ostream *s, char c, size_t n);
/* Adds v in decimal ("%ju" without printf). */
void cstat__os_uint(struct cstat__ostream *s, uint64_t v);
/* Adds v as Go prints it with 'g' and precision -1 (cstat__fmt_go_float). */
void cstat__os_go_float(struct cstat__ostream *s, double v);
/*
 * Adds formatted text, of any length (printf; for the rare and short
 * pieces: headings, counts in sentences).  A formatting failure sets
 * CSTAT_EINVAL.
 */
void cstat__os_printf(struct cstat__ostream *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ------------------------------------------------------------------------
 * Escapers.
 */

/*
 * Adds the len bytes at p as HTML text: '&', '<', '>', '"' and '\'' become
 * references, and bytes that are not UTF-8 (or encode a control character
 * other than tab and line breaks) become U+FFFD.  Since both quotes are
 * escaped, the same text is safe inside an attribute value too.
 */
void cstat__os_html_text(struct cstat__ostream *s, const char *p, size_t len);
/* The same, for the value of an attribute (quoted with either quote). */
static inline void
cstat__os_html_attr(struct cstat__ostream *s, const char *p, size_t len)
{
	cstat__os_html_text(s, p, len);
}

/*
 * Adds the len bytes at p as a quoted JSON string: '"', '\\' and the
 * controls escaped (\n, \t... or \u00XX), bytes that are not UTF-8
 * replaced by U+FFFD, so the document is valid UTF-8 whatever p holds.
 */
void cstat__os_json_str(struct cstat__ostream *s, const char *p, size_t len);

/* Which rule decides that a CSV field is quoted. */
enum cstat__csv_rule {
	/*
	 * Go's encoding/csv (Writer.fieldNeedsQuotes): a field that is not
	 * empty and holds a comma, a quote, a CR or a LF, or is exactly
	 * "\.", or starts with a Unicode space (unicode.IsSpace).
	 */
	CSTAT__CSV_GO,
	/* RFC 4180: a field that holds a comma, a quote, a CR or a LF. */
	CSTAT__CSV_RFC4180,
};

/* Whether a field of the len bytes at p is quoted under rule. */
bool cstat__csv_needs_quotes(enum cstat__csv_rule rule, const char *p,
			     size_t len);

/*
 * Adds the NUL-terminated field f as CSV under rule: as it is, or quoted
 * with its quotes doubled.  With text set, f is text from the input (a
 * name, a label, a configuration value): when a spreadsheet would take it
 * for a formula (cstat__csv_formula()) it is quoted with a "'" before it.
 * No separator is added.
 */
void cstat__os_csv(struct cstat__ostream *s, const char *f,
		   enum cstat__csv_rule rule, bool text);

#endif /* CSTAT_OSTREAM_H */
