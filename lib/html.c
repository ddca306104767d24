/*
 * html.c - the page around the content, the style sheet and the SVG
 * helpers that libcstat's HTML pages share (html.h).
 *
 * Markup goes through an output stream (ostream.c), which escapes the
 * text from the input on the way in (invalid UTF-8 and control characters
 * become U+FFFD).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "numfmt.h"

void
cstat__html_name(struct cstat__ostream *p, const char *s)
{
	const char *slash;

	while ((slash = strchr(s, '/')) != NULL && slash[1] != '\0') {
		cstat__os_html_text(p, s, (size_t)(slash - s) + 1);
		cstat__os_adds(p, "<wbr>");
		s = slash + 1;
	}
	cstat__html_text(p, s);
}

/* Whether some byte of w is zero (exact: Mycroft's test). */
static inline uint64_t
has_zero(uint64_t w)
{
	return (w - 0x0101010101010101u) & ~w & 0x8080808080808080u;
}

/* Whether byte c stands for itself in cstat__html_is_plain()'s sense. */
static inline bool
plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '&' && c != '\'' &&
	       c != '<' && c != '>';
}

bool
cstat__html_is_plain(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101u;
	size_t i = 0;

	/* Eight bytes at a time: none at or above 0x7f, none below 0x20
	 * (each byte plus 0x60 stays below 0x80), none of the five. */
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, sizeof(w));
		if ((w | (w + 0x0101010101010101u)) & 0x8080808080808080u ||
		    ~(w + 0x6060606060606060u) & 0x8080808080808080u ||
		    has_zero(w ^ ('"' * ones)) || has_zero(w ^ ('&' * ones)) ||
		    has_zero(w ^ ('\'' * ones)) || has_zero(w ^ ('<' * ones)) ||
		    has_zero(w ^ ('>' * ones)))
			return false;
	}
	for (; i < n; i++)
		if (!plain_byte((unsigned char)s[i]))
			return false;
	return true;
}

void
cstat__html_name_plain(struct cstat__ostream *p, const char *s, size_t n)
{
	char *at = cstat__os_room(p, 6 * n);

	if (at)
		cstat__os_commit(
			p, (size_t)(cstat__html_name_plain_at(at, s, n) - at));
}

long
cstat__html_round_slow(double v)
{
	return lround(v);
}

size_t
cstat__html_tenths_text_slow(char *buf, long tenths)
{
	size_t n = cstat__fmt_uint(buf, (uint64_t)(tenths / 10));
	if (tenths % 10 != 0) {
		buf[n++] = '.';
		buf[n++] = (char)('0' + tenths % 10);
	}
	return n;
}

void
cstat__html_line(struct cstat__ostream *p, const char *cls, double x1,
		 double x2, double y1, double y2)
{
	cstat__os_put(p, CSTAT__LIT("<line class=\""));
	cstat__os_adds(p, cls);
	cstat__os_put(p, CSTAT__LIT("\" x1=\""));
	cstat__html_coord(p, x1);
	cstat__os_put(p, CSTAT__LIT("\" x2=\""));
	cstat__html_coord(p, x2);
	cstat__os_put(p, CSTAT__LIT("\" y1=\""));
	cstat__html_coord(p, y1);
	cstat__os_put(p, CSTAT__LIT("\" y2=\""));
	cstat__html_coord(p, y2);
	cstat__os_put(p, CSTAT__LIT("\"/>"));
}

/* ------------------------------------------------------------------------
 * Configuration, as the tables' keys give it.
 */
int
cstat__html_common_keys(const struct cstat_tables *t, bool **common)
{
	*common = NULL;
	if (t->nkey_fields == 0)
		return 0;
	*common = malloc(t->nkey_fields * sizeof(**common));
	if (!*common)
		return CSTAT_ENOMEM;
	for (size_t f = 0; f < t->nkey_fields; f++) {
		bool same = true;
		for (size_t i = 1; i < t->ntables && same; i++)
			same = cstat__table_key(t, &t->tables[i], f) ==
			       cstat__table_key(t, &t->tables[0], f);
		(*common)[f] = same;
	}
	return 0;
}

void
cstat__html_config(struct cstat__ostream *p, const struct cstat_tables *t,
		   const bool *common)
{
	bool any = false;

	for (size_t f = 0; f < t->nkey_fields; f++) {
		if ((int)f == t->unit_field || !common[f])
			continue;
		if (!any)
			cstat__os_adds(p, "<dl class=\"config\" "
					  "aria-label=\"configuration\">\n");
		any = true;
		cstat__os_adds(p, "<dt>");
		cstat__html_text(p, cstat__tstr(t, t->key_fields[f]));
		cstat__os_adds(p, "</dt><dd>");
		cstat__html_text(
			p,
			cstat__tstr(t, cstat__table_key(t, &t->tables[0], f)));
		cstat__os_adds(p, "</dd>\n");
	}
	if (any)
		cstat__os_adds(p, "</dl>\n");
}

void
cstat__html_table_key(struct cstat__ostream *p, const struct cstat_tables *t,
		      const struct cstat__table *tb, const bool *common)
{
	for (size_t f = 0; f < t->nkey_fields; f++) {
		if ((int)f == t->unit_field || common[f])
			continue;
		cstat__os_adds(p, " <span class=\"cfg\">");
		cstat__html_text(p, cstat__tstr(t, t->key_fields[f]));
		cstat__os_adds(p, ": ");
		cstat__html_text(p, cstat__tstr(t, cstat__table_key(t, tb, f)));
		cstat__os_adds(p, "</span>");
	}
}

/* ------------------------------------------------------------------------
 * The page around the content.  The style sheet is cstat's report's; the
 * dashboard adds rules of its own after it.
 */
static const char style[] =
	":root{color-scheme:light dark;--fg:#1f2328;--bg:#fff;"
	"--muted:#59636e;--line:#d1d9e0;--head:#f6f8fa;--stripe:#f6f8fa;"
	"--better:#116329;--better-bg:#dafbe1;--worse:#a40e26;"
	"--worse-bg:#ffebe9;--s0:#0550ae;--s1:#bc4c00;--s2:#8250df;"
	"--s3:#1a7f37;--axis:#d1d9e0}\n"
	"@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;"
	"--muted:#9198a1;--line:#3d444d;--head:#151b23;--stripe:#151b23;"
	"--better:#56d364;--better-bg:#0f2d19;--worse:#ff8182;"
	"--worse-bg:#3c1618;--s0:#79c0ff;--s1:#ffa657;--s2:#d2a8ff;"
	"--s3:#56d364;--axis:#3d444d}}\n"
	"body{margin:0;padding:1rem;color:var(--fg);background:var(--bg);"
	"font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,"
	"\"Noto Sans\",\"Liberation Sans\",\"DejaVu Sans\",Arial,sans-serif}\n"
	"h1{font-size:1.35rem;margin:0 0 .5rem}\n"
	"h2{font-size:1.1rem;margin:1.75rem 0 .5rem}\n"
	"h2 .cfg{font-weight:normal;color:var(--muted);margin-left:.75em}\n"
	"dl.config{margin:.5rem 0;display:grid;"
	"grid-template-columns:max-content 1fr;gap:0 .5em}\n"
	"dl.config dt{color:var(--muted)}dl.config dt::after{content:\":\"}\n"
	"dl.config dd{margin:0;overflow-wrap:anywhere}\n"
	".legend{color:var(--muted);max-width:60rem;margin:.5rem 0}\n"
	".scroll{overflow-x:auto;width:fit-content;max-width:100%;"
	"border:1px solid var(--line);border-radius:6px}\n"
	".scroll:focus-visible{outline:2px solid var(--s0)}\n"
	"table{border-collapse:collapse;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}\n"
	"th,td{padding:.2rem .45rem;text-align:right;vertical-align:middle}\n"
	"thead th{background:var(--head);text-align:center;font-weight:600;"
	"border-bottom:1px solid var(--line)}\n"
	"thead td{background:var(--head)}\n"
	"tbody th{text-align:left;font-weight:normal;white-space:normal;"
	"overflow-wrap:break-word;position:sticky;left:0;z-index:1;"
	"background:var(--bg)}\n"
	"tbody tr:nth-child(even) th,tbody tr:nth-child(even) td{"
	"background:var(--stripe)}\n"
	"td.ci{text-align:left;padding-left:0;color:var(--muted)}\n"
	"td.delta{position:relative}\n"
	"td.note{text-align:left;color:var(--muted)}\n"
	"td.st{color:var(--muted)}\n"
	".better{color:var(--better)}.worse{color:var(--worse)}\n"
	"td.delta.better,tbody tr:nth-child(even) td.delta.better{"
	"color:var(--better);background:var(--better-bg);font-weight:600}\n"
	"td.delta.worse,tbody tr:nth-child(even) td.delta.worse{"
	"color:var(--worse);background:var(--worse-bg);font-weight:700}\n"
	"tr.geomean th,tr.geomean td{border-top:1px solid var(--line);"
	"font-weight:600}\n"
	"td.plot{padding:1px .45rem}\n"
	"svg.plot{display:block}\n"
	".plot .ax{stroke:var(--axis);stroke-width:1;fill:none}\n"
	".plot .ci{stroke-width:4;stroke-opacity:.35;stroke-linecap:round}\n"
	".plot .ci.open{stroke-width:2;stroke-dasharray:2 3}\n"
	".plot .md{stroke:var(--fg);stroke-width:2}\n"
	".plot circle{fill-opacity:.7}\n"
	".s0{stroke:var(--s0);fill:var(--s0)}.s1{stroke:var(--s1);"
	"fill:var(--s1)}.s2{stroke:var(--s2);fill:var(--s2)}"
	".s3{stroke:var(--s3);fill:var(--s3)}\n"
	"sup.fn{line-height:0}sup.fn a{color:inherit}\n"
	"ol.notes{margin:.5rem 0;padding-left:1.75rem}\n"
	"footer{margin-top:2rem;color:var(--muted);font-size:.85rem}\n"
	".sr{position:absolute;width:1px;height:1px;overflow:hidden;"
	"clip:rect(0 0 0 0);white-space:nowrap}\n"
	"@media (max-width:600px){body{padding:.5rem;font-size:14px}"
	"th,td{padding:.15rem .3rem}}\n";

void
cstat__html_begin(struct cstat__ostream *p)
{
	cstat__os_adds(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			  "<meta charset=\"utf-8\">\n"
			  "<meta name=\"viewport\" "
			  "content=\"width=device-width, initial-scale=1\">\n");
}

void
cstat__html_body(struct cstat__ostream *p, const char *extra_css)
{
	cstat__os_adds(p, "<style>\n");
	cstat__os_adds(p, style);
	if (extra_css)
		cstat__os_adds(p, extra_css);
	cstat__os_adds(p, "</style>\n</head>\n<body>\n<main>\n");
}

int
cstat__html_end(struct cstat__ostream *p)
{
	cstat__os_adds(p, "</main>\n<footer>Made by cstat " CSTAT_VERSION_STRING
			  ".</footer>\n</body>\n</html>\n");
	return cstat__os_close(p);
}
