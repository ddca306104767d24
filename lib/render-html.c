/*
 * render-html.c - the tables as one self-contained HTML page.
 *
 * The page says what the text output says (render-text.c): the
 * configuration, then for every table a section headed by its unit (and
 * the configuration it does not share with the others), a table whose
 * cells hold the same strings ("1.718µ", "± 1%", "-17.20%", "~",
 * "(p=0.000 n=10)"), a geomean row and numbered footnotes.  On top of that,
 * significant changes are marked better or worse for the unit, by colour
 * and by an arrow and a word for those who cannot see the colour, and
 * each row ends with a small plot of every sample of the row.
 *
 * Everything is inline (CSS and SVG); the page needs no script and loads
 * nothing.  All text from the input is escaped, and invalid UTF-8 becomes
 * U+FFFD.  The page is written as it is made, through a small buffer that
 * is flushed as it fills, so a table of 100,000 rows costs time in
 * proportion to its size and memory in proportion to one row.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "tables.h"
#include "units.h"

/* Flush the page buffer once it holds this many bytes. */
#define FLUSH_AT 65536

/* The plot of a row: PLOT_W wide, a strip of STRIP_H per column. */
#define PLOT_W 160
#define PLOT_PAD 4
#define STRIP_H 14

/* Colours of the plot strips, cycled over the columns. */
#define NPALETTE 4

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

struct page {
	FILE *out;
	struct cstat__buf b;
	int err;
};

static void
flush(struct page *p)
{
	if (p->b.len && !p->err &&
	    fwrite(p->b.data, 1, p->b.len, p->out) != p->b.len)
		p->err = CSTAT_EIO;
	p->b.len = 0;
}

/* Adds len bytes of markup; errors stick in p->err. */
static void
add(struct page *p, const char *s, size_t len)
{
	if (p->err)
		return;
	if (cstat__buf_add(&p->b, s, len)) {
		p->err = CSTAT_ENOMEM;
		return;
	}
	if (p->b.len >= FLUSH_AT)
		flush(p);
}

static void
adds(struct page *p, const char *s)
{
	add(p, s, strlen(s));
}

static void addf(struct page *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
addf(struct page *p, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	/* Only short markup with numbers comes through here. */
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		if (!p->err)
			p->err = CSTAT_EINVAL;
		return;
	}
	add(p, buf, (size_t)n);
}

/*
 * Whether code point c may not appear in an HTML document as is: the
 * controls other than tab, line feed and carriage return (C0, DEL, C1).
 */
static bool
is_control(unsigned long c)
{
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
	       (c >= 0x7f && c <= 0x9f);
}

/*
 * Adds the n bytes at s as text or an attribute value: the five
 * characters HTML gives meaning to become references, and bytes that are
 * not UTF-8 (or encode a control character) become U+FFFD.
 */
static void
text_n(struct page *p, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t start = 0, i = 0;

	while (i < n) {
		const char *rep = NULL;
		unsigned long c;
		size_t len = cstat__utf8_decode(u + i, n - i, &c);

		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			/* A valid U+FFFD is three bytes; one is an error. */
			if ((c == 0xfffd && len == 1) || is_control(c))
				rep = replacement;
		}
		if (rep) {
			add(p, s + start, i - start);
			adds(p, rep);
			start = i + len;
		}
		i += len;
	}
	add(p, s + start, n - start);
}

static void
text(struct page *p, const char *s)
{
	text_n(p, s, strlen(s));
}

/*
 * Adds a benchmark name as text that may wrap after each '/' (a <wbr>),
 * so that long names of sub-benchmarks break between their parts.
 */
static void
name(struct page *p, const char *s)
{
	const char *slash;

	while ((slash = strchr(s, '/')) != NULL && slash[1] != '\0') {
		text_n(p, s, (size_t)(slash - s) + 1);
		adds(p, "<wbr>");
		s = slash + 1;
	}
	text(p, s);
}

static void
tstr(struct page *p, const struct cstat_tables *t, uint32_t id)
{
	text(p, cstat__tstr(t, id));
}

/*
 * Adds a plot coordinate (0 to a few hundred) with one decimal, or none
 * when it is whole.  Integer arithmetic: the page must not depend on the
 * C locale's decimal point.
 */
static void
coord(struct page *p, double x)
{
	long tenths = lround(x * 10);

	if (tenths < 0)
		tenths = 0;
	if (tenths % 10 == 0)
		addf(p, "%ld", tenths / 10);
	else
		addf(p, "%ld.%ld", tenths / 10, tenths % 10);
}

/* A number as Go prints it ("0.05", "95"), whatever the locale. */
static void
go_float(struct page *p, double v)
{
	char buf[CSTAT__GO_FLOAT_SIZE];

	add(p, buf, cstat__fmt_go_float(buf, v));
}

/* ------------------------------------------------------------------------
 * Footnotes, numbered by cstat__number_footnotes() as in the text output.
 */

/* Adds the footnote markers for these warnings (possibly none). */
static void
markers(struct page *p, size_t tno, const struct cstat__footnotes *fn,
	const uint32_t *ids, size_t n)
{
	if (n == 0)
		return;
	adds(p, "<sup class=\"fn\">");
	for (size_t k = 0; k < n; k++) {
		size_t i;
		for (i = 0; i < fn->n && fn->ids[i] != ids[k]; i++)
			;
		addf(p,
		     "%s<a href=\"#t%zu-n%zu\" aria-label=\"note %zu\">%zu</a>",
		     k ? " " : "", tno, i + 1, i + 1, i + 1);
	}
	adds(p, "</sup>");
}

/* ------------------------------------------------------------------------
 * The page around the tables.
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

/* The page's title: the first table's column labels, "old vs new". */
static void
page_title(struct page *p, const struct cstat_tables *t)
{
	adds(p, "<title>");
	if (t->ntables > 0 && t->ncol_fields > 0) {
		const struct cstat__table *tb = &t->tables[0];
		for (size_t c = 0; c < tb->ncols; c++) {
			if (c)
				adds(p, " vs ");
			tstr(p, t,
			     tb->col_vals[c * t->ncol_fields + t->ncol_fields -
					  1]);
		}
		adds(p, " \xe2\x80\x94 ");
	}
	adds(p, "cstat benchmark comparison</title>\n");
}

static void
head(struct page *p, const struct cstat_tables *t)
{
	adds(p, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
		"<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" "
		"content=\"width=device-width, initial-scale=1\">\n");
	page_title(p, t);
	adds(p, "<style>\n");
	adds(p, style);
	adds(p, "</style>\n</head>\n<body>\n<main>\n"
		"<h1>Benchmark comparison</h1>\n");
}

/* Whether key field f has the same value in every table. */
static bool
is_common(const struct cstat_tables *t, size_t f)
{
	for (size_t i = 1; i < t->ntables; i++)
		if (t->tables[i].key_vals[f] != t->tables[0].key_vals[f])
			return false;
	return true;
}

/* The configuration every table shares, as "key: value" lines. */
static void
config(struct page *p, const struct cstat_tables *t, const bool *common)
{
	bool any = false;

	for (size_t f = 0; f < t->nkey_fields; f++) {
		if ((int)f == t->unit_field || !common[f])
			continue;
		if (!any)
			adds(p,
			     "<dl class=\"config\" aria-label=\"configuration"
			     "\">\n");
		any = true;
		adds(p, "<dt>");
		tstr(p, t, t->key_fields[f]);
		adds(p, "</dt><dd>");
		tstr(p, t, t->tables[0].key_vals[f]);
		adds(p, "</dd>\n");
	}
	if (any)
		adds(p, "</dl>\n");
}

static void
legend(struct page *p, const struct cstat_tables *t)
{
	adds(p, "<p class=\"legend\">Each cell is the median with its ");
	go_float(p, t->confidence * 100);
	adds(p, "% confidence interval (\xc2\xb1). Against the first column, "
		"\xe2\x80\x9c~\xe2\x80\x9d means no significant difference at "
		"\xce\xb1 = ");
	go_float(p, t->alpha);
	adds(p, "; a significant change is marked \xe2\x96\xb2 (up) or "
		"\xe2\x96\xbc (down), in <span class=\"better\">green "
		"when better</span> and <span class=\"worse\">red when "
		"worse</span> for the unit (hover for the word). Plots show "
		"every value of the row on one scale: a dot per value, a tick "
		"at the median and a bar for its confidence interval (dashed "
		"when unbounded).</p>\n");
}

/* ------------------------------------------------------------------------
 * One table.
 */
struct tctx {
	const struct cstat_tables *t;
	const struct cstat__table *tb;
	size_t tno; /* 1-based, for ids */
	int class;  /* the unit's scaling class */
	struct cstat__footnotes fn;
	double *centers; /* scratch: a row's centers */
};

/* The number of <td>s column c takes in a row. */
static size_t
col_width(const struct tctx *x, size_t c)
{
	return 2 + x->t->nstats + (c > 0 ? 2 : 0);
}

/*
 * The unit row: the benchmark column, then the unit over each center and
 * its interval, the statistics, and "vs base" over each comparison.  With
 * no column fields it is the only header row and ends with the plot
 * column's header.
 */
static void
unit_header(struct page *p, const struct tctx *x)
{
	const struct cstat_tables *t = x->t;
	const struct cstat__table *tb = x->tb;

	adds(p, "<tr><th scope=\"col\">benchmark</th>");
	for (size_t c = 0; c < tb->ncols; c++) {
		adds(p, "<th scope=\"col\" colspan=\"2\">");
		tstr(p, t, tb->unit);
		adds(p, "</th>");
		for (size_t k = 0; k < t->nstats; k++) {
			adds(p, "<th scope=\"col\">");
			text(p, t->stats[k].name);
			adds(p, "</th>");
		}
		if (c > 0)
			adds(p, "<th scope=\"col\" colspan=\"2\">vs base</th>");
	}
	if (t->ncol_fields == 0)
		adds(p, "<th scope=\"col\">samples</th>");
	adds(p, "</tr>\n");
}

/*
 * The header: one row per column field, each value spanning the run of
 * columns that agree on it and on every field before it (as the text
 * header nests them), then the unit row.  The plot column's header spans
 * them all from the first row.
 */
static void
header(struct page *p, const struct tctx *x)
{
	const struct cstat_tables *t = x->t;
	const struct cstat__table *tb = x->tb;
	size_t nf = t->ncol_fields;

	adds(p, "<thead>\n");
	for (size_t f = 0; f < nf; f++) {
		adds(p, "<tr>");
		if (f == 0)
			addf(p, "<td rowspan=\"%zu\"></td>", nf);
		size_t start = 0, span = 0;
		for (size_t c = 0; c < tb->ncols; c++) {
			span += col_width(x, c);
			bool boundary = c + 1 == tb->ncols;
			for (size_t g = 0; g <= f && !boundary; g++)
				boundary = tb->col_vals[(c + 1) * nf + g] !=
					   tb->col_vals[c * nf + g];
			if (!boundary)
				continue;
			addf(p, "<th scope=\"colgroup\" colspan=\"%zu\">",
			     span);
			tstr(p, t, tb->col_vals[start * nf + f]);
			adds(p, "</th>");
			start = c + 1;
			span = 0;
		}
		if (f == 0)
			addf(p,
			     "<th scope=\"col\" rowspan=\"%zu\">samples</th>",
			     nf + 1);
		adds(p, "</tr>\n");
	}
	unit_header(p, x);
	adds(p, "</thead>\n");
}

/* Column c's name: its column fields, outermost first. */
static void
col_label(struct page *p, const struct tctx *x, size_t c)
{
	size_t nf = x->t->ncol_fields;

	if (nf == 0)
		addf(p, "column %zu", c + 1);
	for (size_t f = 0; f < nf; f++) {
		if (f)
			adds(p, " ");
		tstr(p, x->t, x->tb->col_vals[c * nf + f]);
	}
}

/* The x-axis of a row's plot: from the smallest to the largest value. */
struct axis {
	double min, max;
	bool any; /* the row has a finite value */
};

static void
axis_of(struct axis *a, const struct cstat__cell *row, size_t ncols)
{
	a->min = a->max = 0;
	a->any = false;
	for (size_t c = 0; c < ncols; c++) {
		const struct cstat__cell *ce = &row[c];
		if (!ce->present)
			continue;
		/* Values are sorted, but NaN and infinities sort anywhere. */
		for (uint32_t j = 0; j < ce->n; j++) {
			double v = ce->values[j];
			if (!isfinite(v))
				continue;
			if (!a->any || v < a->min)
				a->min = v;
			if (!a->any || v > a->max)
				a->max = v;
			a->any = true;
		}
	}
}

/*
 * The x coordinate of v: the axis spread over the plot's width less its
 * padding, or the middle when every value is the same.  Halves keep the
 * arithmetic finite for values near the largest double.
 */
static double
xpos(const struct axis *a, double v)
{
	double lo = PLOT_PAD, hi = PLOT_W - PLOT_PAD;
	double span = a->max / 2 - a->min / 2;

	if (!(span > 0))
		return PLOT_W / 2.0;
	double x = lo + (v / 2 - a->min / 2) / span * (hi - lo);
	if (isnan(x))
		return PLOT_W / 2.0;
	return x < lo ? lo : x > hi ? hi : x;
}

/*
 * The vertical offset of value j in its strip, in pixels: a fixed
 * pattern of seven offsets, so that equal values stay apart and the same
 * input always draws the same picture.
 */
static double
jitter(size_t j)
{
	return (double)((int)(j * 3 % 7) - 3);
}

static void
hline(struct page *p, const char *cls, double x1, double x2, double y)
{
	addf(p, "<line class=\"%s\" x1=\"", cls);
	coord(p, x1);
	adds(p, "\" x2=\"");
	coord(p, x2);
	adds(p, "\" y1=\"");
	coord(p, y);
	adds(p, "\" y2=\"");
	coord(p, y);
	adds(p, "\"/>");
}

/* The plot's description: every column's count and median, the axis. */
static void
plot_title(struct page *p, const struct tctx *x, size_t r,
	   const struct cstat__scaler *sc, const struct axis *a)
{
	const struct cstat__cell *row = &x->tb->cells[r * x->tb->ncols];
	char num[CSTAT__SCALE_SIZE];

	adds(p, "<title>");
	tstr(p, x->t, x->tb->row_labels[r]);
	adds(p, " (");
	tstr(p, x->t, x->tb->unit);
	adds(p, "): ");
	for (size_t c = 0; c < x->tb->ncols; c++) {
		const struct cstat__cell *ce = &row[c];
		if (c)
			adds(p, "; ");
		col_label(p, x, c);
		if (!ce->present) {
			adds(p, " no values");
			continue;
		}
		addf(p, " %lu value%s, median ", (unsigned long)ce->n,
		     ce->n == 1 ? "" : "s");
		cstat__scaler_format(sc, ce->center, num, sizeof(num));
		text(p, num);
	}
	if (a->any) {
		adds(p, "; scale from ");
		cstat__scaler_format(sc, a->min, num, sizeof(num));
		text(p, num);
		adds(p, " to ");
		cstat__scaler_format(sc, a->max, num, sizeof(num));
		text(p, num);
	}
	adds(p, "</title>");
}

/*
 * One column's strip: the median's confidence interval as a bar (clipped
 * to the axis; dashed when a side is unbounded), a dot per finite value
 * and a tick at the median.
 */
static void
strip(struct page *p, const struct cstat__cell *ce, size_t c,
      const struct axis *a)
{
	double yc = (double)(c * STRIP_H) + STRIP_H / 2.0;

	addf(p, "<g class=\"s%zu\">", c % NPALETTE);
	if (!ce->present || !a->any) {
		adds(p, "</g>");
		return;
	}
	if (!isnan(ce->lo) && !isnan(ce->hi)) {
		bool open = isinf(ce->lo) || isinf(ce->hi);
		hline(p, open ? "ci open" : "ci", xpos(a, ce->lo),
		      xpos(a, ce->hi), yc);
	}
	for (uint32_t j = 0; j < ce->n; j++) {
		if (!isfinite(ce->values[j]))
			continue;
		adds(p, "<circle cx=\"");
		coord(p, xpos(a, ce->values[j]));
		adds(p, "\" cy=\"");
		coord(p, yc + jitter(j));
		adds(p, "\" r=\"2\"/>");
	}
	if (isfinite(ce->center)) {
		double xm = xpos(a, ce->center);
		adds(p, "<line class=\"md\" x1=\"");
		coord(p, xm);
		adds(p, "\" x2=\"");
		coord(p, xm);
		adds(p, "\" y1=\"");
		coord(p, yc - 5);
		adds(p, "\" y2=\"");
		coord(p, yc + 5);
		adds(p, "\"/>");
	}
	adds(p, "</g>");
}

static void
plot(struct page *p, const struct tctx *x, size_t r,
     const struct cstat__scaler *sc)
{
	const struct cstat__cell *row = &x->tb->cells[r * x->tb->ncols];
	size_t h = x->tb->ncols * STRIP_H;
	struct axis a;

	axis_of(&a, row, x->tb->ncols);
	addf(p,
	     "<svg class=\"plot\" role=\"img\" width=\"%d\" height=\"%zu\" "
	     "viewBox=\"0 0 %d %zu\">",
	     PLOT_W, h, PLOT_W, h);
	plot_title(p, x, r, sc, &a);
	/* The strips' axis lines, as one path. */
	adds(p, "<path class=\"ax\" d=\"");
	for (size_t c = 0; c < x->tb->ncols; c++)
		addf(p, "M%d %zuH%d", PLOT_PAD, c * STRIP_H + STRIP_H / 2,
		     PLOT_W - PLOT_PAD);
	adds(p, "\"/>");
	for (size_t c = 0; c < x->tb->ncols; c++)
		strip(p, &row[c], c, &a);
	adds(p, "</svg>");
}

/*
 * The delta cell.  A significant change is better or worse for the
 * unit: the class colours it, an arrow shows its direction, and the word
 * is in the title and, for screen readers, in the cell.
 */
static void
delta(struct page *p, const struct tctx *x, const struct cstat__cell *ce,
      double base)
{
	char num[64];
	int dir = 0;

	cstat__format_delta(ce, base, num, sizeof(num));
	if (ce->significant && ce->center > base)
		dir = 1;
	else if (ce->significant && ce->center < base)
		dir = -1;
	if (dir == 0) {
		adds(p, "<td class=\"delta\">");
		text(p, num);
		adds(p, "</td>");
		return;
	}
	const char *word =
		(dir > 0) == x->tb->higher_better ? "better" : "worse";
	addf(p, "<td class=\"delta %s\" title=\"%s: %s is better for ", word,
	     word, x->tb->higher_better ? "higher" : "lower");
	tstr(p, x->t, x->tb->unit);
	adds(p, "\"><span aria-hidden=\"true\">");
	adds(p, dir > 0 ? "\xe2\x96\xb2 " : "\xe2\x96\xbc ");
	adds(p, "</span>");
	text(p, num);
	addf(p, "<span class=\"sr\"> (%s)</span></td>", word);
}

static void
data_row(struct page *p, struct tctx *x, size_t r)
{
	const struct cstat_tables *t = x->t;
	const struct cstat__table *tb = x->tb;
	const struct cstat__cell *row = &tb->cells[r * tb->ncols];
	char num[CSTAT__SCALE_SIZE], txt[64];
	struct cstat__scaler sc;
	size_t n = 0;

	/* One scale for the row's centers, as the text output has. */
	for (size_t c = 0; c < tb->ncols; c++)
		if (row[c].present)
			x->centers[n++] = row[c].center;
	cstat__scaler_common(&sc, x->centers, n, x->class);

	adds(p, "<tr><th scope=\"row\">");
	name(p, cstat__tstr(t, tb->row_labels[r]));
	adds(p, "</th>");
	for (size_t c = 0; c < tb->ncols; c++) {
		const struct cstat__cell *ce = &row[c];
		if (!ce->present) {
			for (size_t w = col_width(x, c); w > 0; w--)
				adds(p, "<td></td>");
			continue;
		}
		cstat__scaler_format(&sc, ce->center, num, sizeof(num));
		adds(p, "<td class=\"ctr\">");
		text(p, num);
		adds(p, "</td><td class=\"ci\">\xc2\xb1 ");
		cstat__pct_range(ce, txt, sizeof(txt));
		text(p, txt);
		markers(p, x->tno, &x->fn, ce->warn, ce->nwarn);
		adds(p, "</td>");
		for (size_t k = 0; k < t->nstats; k++) {
			double v = cstat__cell_stat(t, ce, k);
			int kind = t->stats[k].kind;
			/* In the row's scale, as the text output has them. */
			if (kind == CSTAT__STAT_N || kind == CSTAT__STAT_CV ||
			    isnan(v))
				cstat__stat_format(t, tb, k, v, num,
						   sizeof(num));
			else
				cstat__scaler_format(&sc, v, num, sizeof(num));
			adds(p, "<td class=\"st\">");
			text(p, num);
			adds(p, "</td>");
		}
		if (c == 0)
			continue;
		if (!ce->has_cmp) {
			adds(p, "<td></td><td></td>");
			continue;
		}
		delta(p, x, ce, row[0].center);
		cstat__format_cmp(ce, row[0].n, txt, sizeof(txt));
		adds(p, "<td class=\"note\">(");
		text(p, txt);
		adds(p, ")");
		markers(p, x->tno, &x->fn, ce->cmpwarn, ce->ncmpwarn);
		adds(p, "</td>");
	}
	adds(p, "<td class=\"plot\">");
	plot(p, x, r, &sc);
	adds(p, "</td></tr>\n");
}

/* The geomean row: each column's geomean, and its ratio to the first. */
static void
geomean_row(struct page *p, const struct tctx *x)
{
	const struct cstat__table *tb = x->tb;
	char num[CSTAT__SCALE_SIZE];

	adds(p, "<tr class=\"geomean\"><th scope=\"row\">geomean</th>");
	for (size_t c = 0; c < tb->ncols; c++) {
		const struct cstat__summary *s = &tb->summary[c];
		adds(p, "<td class=\"ctr\">");
		if (s->has_summary) {
			cstat__scale_format(s->summary, x->class, num,
					    sizeof(num));
			text(p, num);
		}
		/* The geomean's footnotes end its column, as in the text. */
		adds(p, "</td><td class=\"ci\">");
		if (c == 0)
			markers(p, x->tno, &x->fn, s->warn, s->nwarn);
		adds(p, "</td>");
		for (size_t k = 0; k < x->t->nstats; k++)
			adds(p, "<td></td>");
		if (c == 0)
			continue;
		adds(p, "<td class=\"delta\">");
		if (s->has_ratio) {
			cstat__fmt_percent(num, sizeof(num),
					   (s->ratio - 1) * 100);
			text(p, num);
		} else {
			adds(p, "?");
		}
		adds(p, "</td><td class=\"note\">");
		markers(p, x->tno, &x->fn, s->warn, s->nwarn);
		adds(p, "</td>");
	}
	adds(p, "<td class=\"plot\"></td></tr>\n");
}

static void
footnote_list(struct page *p, const struct tctx *x)
{
	if (x->fn.n == 0)
		return;
	adds(p, "<ol class=\"notes\" aria-label=\"notes\">\n");
	for (size_t i = 0; i < x->fn.n; i++) {
		addf(p, "<li id=\"t%zu-n%zu\">", x->tno, i + 1);
		tstr(p, x->t, x->fn.ids[i]);
		adds(p, "</li>\n");
	}
	adds(p, "</ol>\n");
}

/* The heading: the unit, then the configuration not every table shares. */
static void
heading(struct page *p, const struct tctx *x, const bool *common)
{
	const struct cstat_tables *t = x->t;

	addf(p, "<h2 id=\"t%zu\">", x->tno);
	tstr(p, t, x->tb->unit);
	for (size_t f = 0; f < t->nkey_fields; f++) {
		if ((int)f == t->unit_field || common[f])
			continue;
		adds(p, " <span class=\"cfg\">");
		tstr(p, t, t->key_fields[f]);
		adds(p, ": ");
		tstr(p, t, x->tb->key_vals[f]);
		adds(p, "</span>");
	}
	adds(p, "</h2>\n");
}

static int
render_table(struct page *p, const struct cstat_tables *t, size_t i,
	     const bool *common)
{
	struct tctx x = {
		.t = t,
		.tb = &t->tables[i],
		.tno = i + 1,
		.class = cstat__unit_class(cstat__tstr(t, t->tables[i].unit)),
	};
	int rc = cstat__number_footnotes(x.tb, &x.fn);

	if (rc)
		goto out_free;
	x.centers = malloc((x.tb->ncols ? x.tb->ncols : 1) * sizeof(double));
	if (!x.centers) {
		rc = CSTAT_ENOMEM;
		goto out_free;
	}
	addf(p, "<section aria-labelledby=\"t%zu\">\n", x.tno);
	heading(p, &x, common);
	addf(p,
	     "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
	     "aria-labelledby=\"t%zu\">\n<table aria-labelledby=\"t%zu\">\n",
	     x.tno, x.tno);
	header(p, &x);
	adds(p, "<tbody>\n");
	for (size_t r = 0; r < x.tb->nrows && !p->err; r++)
		data_row(p, &x, r);
	if (x.tb->nrows > 1)
		geomean_row(p, &x);
	adds(p, "</tbody>\n</table>\n</div>\n");
	footnote_list(p, &x);
	adds(p, "</section>\n");
out_free:
	free(x.centers);
	free(x.fn.ids);
	return rc;
}

int
cstat__render_html(const struct cstat_tables *t, FILE *out)
{
	struct page p = {.out = out};
	bool *common = NULL;
	int rc = 0;

	if (t->nkey_fields) {
		common = malloc(t->nkey_fields * sizeof(*common));
		if (!common)
			return CSTAT_ENOMEM;
		for (size_t f = 0; f < t->nkey_fields; f++)
			common[f] = is_common(t, f);
	}
	head(&p, t);
	if (t->ntables > 0) {
		config(&p, t, common);
		legend(&p, t);
	} else {
		adds(&p, "<p>No benchmark results.</p>\n");
	}
	for (size_t i = 0; i < t->ntables && !rc && !p.err; i++)
		rc = render_table(&p, t, i, common);
	adds(&p, "</main>\n<footer>Made by cstat " CSTAT_VERSION_STRING
		 ".</footer>\n</body>\n</html>\n");
	flush(&p);
	cstat__buf_release(&p.b);
	free(common);
	return rc ? rc : p.err;
}
