/*
 * html.h - what libcstat's HTML pages share: the page around the content,
 * the style sheet, and a few SVG helpers, all written to an output stream
 * (ostream.h), which also escapes the text from the input.
 *
 * cstat's report (render-html.c) and the history dashboard
 * (history-html.c) are both built on it, so they look alike and escape
 * alike.  Every page is self-contained: inline CSS and SVG, no script,
 * nothing loaded from elsewhere.  Output never depends on the C locale.
 *
 * Errors stick in the stream: the first failure is kept and later writes
 * do nothing, so a page is written without checking every call and the
 * error is returned once, by cstat__html_end().
 */
#ifndef CSTAT_HTML_H
#define CSTAT_HTML_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "ostream.h"
#include "tables.h"

/* Adds the NUL-terminated s as text or an attribute value (html_text). */
static inline void
cstat__html_text(struct cstat__ostream *p, const char *s)
{
	cstat__os_html_text(p, s, strlen(s));
}
/*
 * Adds a benchmark name as text that may wrap after each '/' (a <wbr>),
 * so that long names of sub-benchmarks break between their parts.
 */
void cstat__html_name(struct cstat__ostream *p, const char *s);
/*
 * Whether the n bytes at s are printable ASCII other than the five that
 * need a reference ('&', '<', '>', '"', '\''): text that
 * cstat__os_html_text() would copy unchanged, so it may be put as it is.
 */
bool cstat__html_is_plain(const char *s, size_t n);
/* cstat__html_name() of the n bytes at s, which cstat__html_is_plain()
 * accepts: the same bytes, without the escaper. */
void cstat__html_name_plain(struct cstat__ostream *p, const char *s, size_t n);
/*
 * cstat__html_name_plain() written at w, which has room for 6 n bytes
 * (reserved with cstat__os_room()).  @return the end of what it wrote.
 */
static inline char *
cstat__html_name_plain_at(char *w, const char *s, size_t n)
{
	/* As cstat__html_name(): a <wbr> after each '/' but a last one. */
	for (size_t i = 0; i < n; i++) {
		*w++ = s[i];
		if (s[i] == '/' && i + 1 < n) {
			memcpy(w, "<wbr>", 5);
			w += 5;
		}
	}
	return w;
}
/* A buffer this large holds any cstat__html_coord_text(). */
#define CSTAT__HTML_COORD_SIZE 24

/* The text of a coordinate of tenths tenths (>= 0): one decimal, or none
 * when it is whole; its length (no NUL). */
size_t cstat__html_tenths_text_slow(char *buf, long tenths);

/* cstat__html_tenths_text_slow() without a division loop below 1000. */
static inline size_t
cstat__html_tenths_text(char *buf, long tenths)
{
	if (tenths >= 10000)
		return cstat__html_tenths_text_slow(buf, tenths);
	long w = tenths / 10, d = tenths % 10;
	size_t n = 0;
	if (w >= 100)
		buf[n++] = (char)('0' + w / 100);
	if (w >= 10)
		buf[n++] = (char)('0' + w / 10 % 10);
	buf[n++] = (char)('0' + w % 10);
	buf[n] = '.';
	buf[n + 1] = (char)('0' + d);
	return d ? n + 2 : n;
}

/* lround(v), without the call where v is small and not negative (the
 * fraction of such a v is exact). */
long cstat__html_round_slow(double v);

/* x in whole tenths as cstat__html_coord() rounds it (0 if negative). */
static inline long
cstat__html_tenths(double x)
{
	double v = x * 10;
	long tenths;

	if (v >= 0 && v < 0x1p31) {
		long t = (long)v;
		tenths = t + (v - (double)t >= 0.5);
	} else {
		tenths = cstat__html_round_slow(v);
	}
	return tenths < 0 ? 0 : tenths;
}

/* The text cstat__html_coord() adds, at buf (no NUL); its length. */
static inline size_t
cstat__html_coord_text(char *buf, double x)
{
	return cstat__html_tenths_text(buf, cstat__html_tenths(x));
}

/*
 * Adds an SVG coordinate with one decimal, or none when it is whole;
 * negative values become 0.  Integer arithmetic: the page must not depend
 * on the C locale's decimal point.
 */
static inline void
cstat__html_coord(struct cstat__ostream *p, double x)
{
	char *at = cstat__os_room(p, CSTAT__HTML_COORD_SIZE);

	if (at)
		cstat__os_commit(p, cstat__html_coord_text(at, x));
}
/* Adds <line class="cls" x1 x2 y1 y2/>. */
void cstat__html_line(struct cstat__ostream *p, const char *cls, double x1,
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
void cstat__html_config(struct cstat__ostream *p, const struct cstat_tables *t,
			const bool *common);
/*
 * Adds the key fields of table tb that not every table shares, each as
 * ' <span class="cfg">key: value</span>', for a heading.
 */
void cstat__html_table_key(struct cstat__ostream *p,
			   const struct cstat_tables *t,
			   const struct cstat__table *tb, const bool *common);

/*
 * Starts a page: the doctype, <html lang="en">, <head>, the charset and
 * the viewport.  The caller adds its <title> next, then calls
 * cstat__html_body().
 */
void cstat__html_begin(struct cstat__ostream *p);
/*
 * Ends the head with the shared style sheet followed by extra_css (may be
 * NULL), and opens <body> and <main>.
 */
void cstat__html_body(struct cstat__ostream *p, const char *extra_css);
/*
 * Closes <main>, adds the footer ("Made by cstat VERSION."), closes the
 * page and the stream (cstat__os_close()).
 * @return 0 or the first error (CSTAT_ENOMEM, CSTAT_EIO, CSTAT_EINVAL).
 */
int cstat__html_end(struct cstat__ostream *p);

#endif /* CSTAT_HTML_H */
