/*
 * correlate-write.c - the metric correlation's report (correlate.c
 * computes it): a sentence per strong pair, and text, CSV, Markdown, JSON
 * and HTML (a scatter plot of the changes per pair) through the one
 * output stream.  Text, Markdown and HTML show the same cells; CSV and
 * JSON carry every number, each benchmark's rho within too.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correlate.h"
#include "cstat.h"
#include "html.h"
#include "numfmt.h"
#include "ostream.h"
#include "plotframe.h" /* the SVG plot's frame */

#define CELL 256
#define ACOLS 7
#define WCOLS 8

static const char *const across_heads[ACOLS] = {
	"inputs", "unit a", "unit b", "rho", "interval", "benchmarks", ""};
static const char *const within_heads[WCOLS] = {
	"input",      "unit a",	 "unit b",  "benchmarks",
	"median rho", "above 0", "below 0", "strong"};

/* Two decimals in the "C" locale, never "-0.00". */
static void
num2(char *buf, size_t size, double v)
{
	cstat__fmt_c(buf, size, "%.2f", fabs(v) < 0.005 ? 0.0 : v);
}

static const char *
status_words(const struct cstat_rho *r)
{
	if (r->status == CSTAT_RHO_FEW)
		return "fewer than 3 benchmarks";
	if (r->status == CSTAT_RHO_CONSTANT)
		return "one unit never changes";
	return r->strong ? "strong" : "";
}

size_t
cstat_correlate_pair_text(const struct cstat_correlate_pair *p, char *buf,
			  size_t size)
{
	char r[32], lo[32], hi[32];

	if (size)
		buf[0] = '\0';
	if (!p || p->r.status != CSTAT_RHO_OK)
		return 0;
	num2(r, sizeof(r), p->r.rho);
	num2(lo, sizeof(lo), p->r.lo);
	num2(hi, sizeof(hi), p->r.hi);
	int n = snprintf(buf, size,
			 "%s changes %s %s changes, rho = %s [%s, %s], %zu "
			 "benchmarks",
			 p->a, p->r.rho < 0 ? "move against" : "follow", p->b,
			 r, lo, hi, p->r.n);
	return n < 0 ? 0 : (size_t)n;
}

/* "old -> new": the inputs of pair p. */
static void
inputs_cell(const cstat_correlate *c, size_t j, char *buf)
{
	snprintf(buf, CELL, "%s -> %s", cstat_correlate_label(c, 0),
		 cstat_correlate_label(c, j));
}

static void
across_cells(const cstat_correlate *c, size_t i, char cells[][CELL])
{
	const struct cstat_correlate_pair *p = cstat_correlate_get(c, i);
	char lo[32], hi[32];

	inputs_cell(c, p->input, cells[0]);
	snprintf(cells[1], CELL, "%s", p->a);
	snprintf(cells[2], CELL, "%s", p->b);
	cells[3][0] = cells[4][0] = 0;
	if (p->r.status == CSTAT_RHO_OK) {
		num2(cells[3], CELL, p->r.rho);
		num2(lo, sizeof(lo), p->r.lo);
		num2(hi, sizeof(hi), p->r.hi);
		snprintf(cells[4], CELL, "[%s, %s]", lo, hi);
	}
	snprintf(cells[5], CELL, "%zu", p->r.n);
	if (p->r.dropped)
		snprintf(cells[6], CELL,
			 "%s%s%zu left out (a median of 0 or less)",
			 status_words(&p->r), *status_words(&p->r) ? "; " : "",
			 p->r.dropped);
	else
		snprintf(cells[6], CELL, "%s", status_words(&p->r));
}

static void
within_cells(const cstat_correlate *c, size_t i, char cells[][CELL])
{
	const struct cstat_correlate_within *w =
		cstat_correlate_within_get(c, i);

	snprintf(cells[0], CELL, "%s", cstat_correlate_label(c, w->input));
	snprintf(cells[1], CELL, "%s", w->a);
	snprintf(cells[2], CELL, "%s", w->b);
	snprintf(cells[3], CELL, "%zu (%zu with a rho)", w->nbench, w->nrho);
	if (w->nrho)
		num2(cells[4], CELL, w->median);
	else
		cells[4][0] = 0;
	snprintf(cells[5], CELL, "%zu", w->npos);
	snprintf(cells[6], CELL, "%zu", w->nneg);
	snprintf(cells[7], CELL, "%zu", w->nstrong);
}

/* A table of cells: ncols heads, nrows rows. */
struct tab {
	size_t ncols, nrows;
	size_t skip; /* leading columns not shown */
	const char *const *heads;
	char (*cells)[CELL]; /* row r, column k at cells[r * ncols + k] */
};

/* The across (which 0) or within (1) table; cells NULL when out of
 * memory. */
static struct tab
make_tab(const cstat_correlate *c, int which)
{
	struct tab t = {which ? WCOLS : ACOLS, 0, 0,
			which ? within_heads : across_heads, NULL};

	t.nrows = which ? cstat_correlate_within_count(c)
			: cstat_correlate_count(c);
	t.cells = malloc((t.nrows * t.ncols + 1) * sizeof(*t.cells));
	for (size_t i = 0; t.cells && i < t.nrows; i++) {
		if (which)
			within_cells(c, i, t.cells + i * t.ncols);
		else
			across_cells(c, i, t.cells + i * t.ncols);
	}
	/* With two inputs the title names them: no column for them. */
	if (!which && cstat__correlate_inputs(c) <= 2)
		t.skip = 1;
	return t;
}

static const char *
tab_cell(const struct tab *t, size_t r, size_t k)
{
	k += t->skip;
	return r ? t->cells[(r - 1) * t->ncols + k] : t->heads[k];
}

static void
text_tab(struct cstat__ostream *o, const struct tab *t)
{
	size_t w[WCOLS] = {0};

	for (size_t k = 0; k + t->skip < t->ncols; k++)
		for (size_t r = 0; r <= t->nrows; r++)
			if (strlen(tab_cell(t, r, k)) > w[k])
				w[k] = strlen(tab_cell(t, r, k));
	for (size_t r = 0; r <= t->nrows; r++) {
		size_t pad = 0;
		for (size_t k = 0; k + t->skip < t->ncols; k++) {
			const char *s = tab_cell(t, r, k);
			if (!*s) {
				pad += w[k] + 2;
				continue;
			}
			cstat__os_fill(o, ' ', pad);
			cstat__os_adds(o, s);
			pad = w[k] - strlen(s) + 2;
		}
		cstat__os_addc(o, '\n');
	}
}

/* Adds s as it is (text), escaped for Markdown or for HTML. */
typedef void put_fn(struct cstat__ostream *o, const char *s);

static void
put_plain(struct cstat__ostream *o, const char *s)
{
	cstat__os_adds(o, s);
}

static void
put_md(struct cstat__ostream *o, const char *s)
{
	for (; *s; s++) {
		if (strchr("|\\*_`[]", *s))
			cstat__os_addc(o, '\\');
		if (*s == '<')
			cstat__os_adds(o, "&lt;");
		else if (*s == '&')
			cstat__os_adds(o, "&amp;");
		else
			cstat__os_addc(o, *s == '\n' ? ' ' : *s);
	}
}

/* The method in a sentence, and the inputs on a line ("\n" between them
 * written by sep). */
static void
title_lines(const cstat_correlate *c, struct cstat__ostream *o, put_fn *put,
	    const char *sep)
{
	char level[CSTAT__FMT_C_SIZE];

	cstat__fmt_c(level, sizeof(level), "%g",
		     cstat_correlate_confidence(c) * 100);
	cstat__os_printf(o,
			 "metric correlation: Spearman's rho, %s%% interval "
			 "(Fisher z, Bonett-Wright); strong: |rho| >= 0.7 "
			 "and the interval excludes 0",
			 level);
	for (size_t j = 0; j < cstat__correlate_inputs(c); j++) {
		cstat__os_adds(o, j ? " -> " : sep);
		cstat__os_adds(o, j ? "" : "inputs: ");
		put(o, cstat_correlate_label(c, j));
	}
}

/* The number of strong pairs across benchmarks. */
static size_t
strong_pairs(const cstat_correlate *c)
{
	size_t n = 0;

	for (size_t i = 0; i < cstat_correlate_count(c); i++)
		n += cstat_correlate_get(c, i)->r.strong != 0;
	return n;
}

/* Calls f for each strong pair's sentence. */
static void
each_sentence(const cstat_correlate *c,
	      void (*f)(struct cstat__ostream *o, const char *s),
	      struct cstat__ostream *o)
{
	char buf[512];

	for (size_t i = 0; i < cstat_correlate_count(c); i++) {
		const struct cstat_correlate_pair *p =
			cstat_correlate_get(c, i);
		if (!p->r.strong)
			continue;
		cstat_correlate_pair_text(p, buf, sizeof(buf));
		f(o, buf);
	}
}

static void
text_sentence(struct cstat__ostream *o, const char *s)
{
	cstat__os_adds(o, s);
	cstat__os_addc(o, '\n');
}

static int
write_text(const cstat_correlate *c, struct cstat__ostream *o)
{
	struct tab a = make_tab(c, 0), w = make_tab(c, 1);
	int rc = a.cells && w.cells ? 0 : CSTAT_ENOMEM;

	if (!rc) {
		title_lines(c, o, put_plain, "\n");
		cstat__os_adds(o, "\n\nacross benchmarks: each benchmark's "
				  "change is the log ratio of its medians\n");
		if (a.nrows)
			text_tab(o, &a);
		else
			cstat__os_adds(o, "(needs two inputs with a unit pair "
					  "in common)\n");
		if (strong_pairs(c))
			cstat__os_addc(o, '\n');
		each_sentence(c, text_sentence, o);
		cstat__os_adds(o, "\nwithin benchmarks: values of one result "
				  "line paired, in run order\n");
		if (w.nrows)
			text_tab(o, &w);
		else
			cstat__os_adds(o, "(no result line holds two units)\n");
	}
	free(a.cells);
	free(w.cells);
	return rc;
}

/* A Markdown cell. */
static void
md_cell(struct cstat__ostream *o, const char *s)
{
	cstat__os_adds(o, "| ");
	put_md(o, s);
	cstat__os_addc(o, ' ');
}

static void
md_tab(struct cstat__ostream *o, const struct tab *t)
{
	for (size_t r = 0; r <= t->nrows; r++) {
		for (size_t k = 0; k + t->skip < t->ncols; k++)
			md_cell(o, tab_cell(t, r, k));
		cstat__os_adds(o, "|\n");
		if (r)
			continue;
		for (size_t k = 0; k + t->skip < t->ncols; k++)
			cstat__os_adds(o,
				       k + t->skip < 3 ? "| :--- " : "| ---: ");
		cstat__os_adds(o, "|\n");
	}
}

static void
md_sentence(struct cstat__ostream *o, const char *s)
{
	cstat__os_adds(o, "- ");
	put_md(o, s);
	cstat__os_addc(o, '\n');
}

static int
write_markdown(const cstat_correlate *c, struct cstat__ostream *o)
{
	struct tab a = make_tab(c, 0), w = make_tab(c, 1);
	int rc = a.cells && w.cells ? 0 : CSTAT_ENOMEM;

	if (!rc) {
		title_lines(c, o, put_md, "\n\n");
		cstat__os_adds(o, "\n\n**Across benchmarks** (each "
				  "benchmark's change: the log ratio of its "
				  "medians)\n\n");
		if (a.nrows)
			md_tab(o, &a);
		cstat__os_addc(o, '\n');
		each_sentence(c, md_sentence, o);
		cstat__os_adds(o, "\n**Within benchmarks** (values of one "
				  "result line paired)\n\n");
		if (w.nrows)
			md_tab(o, &w);
	}
	free(a.cells);
	free(w.cells);
	return rc;
}

/* A number as Go's shortest, or empty (CSV) / null (JSON) when not
 * finite. */
static void
csv_num(struct cstat__ostream *o, double v)
{
	cstat__os_addc(o, ',');
	if (isfinite(v))
		cstat__os_go_float(o, v);
}

static void
csv_rho(struct cstat__ostream *o, const struct cstat_rho *r)
{
	cstat__os_addc(o, ',');
	cstat__os_uint(o, r->n);
	cstat__os_addc(o, ',');
	cstat__os_uint(o, r->dropped);
	csv_num(o, r->rho);
	csv_num(o, r->lo);
	csv_num(o, r->hi);
	cstat__os_adds(o, r->strong > 0	  ? ",1,"
			  : r->strong < 0 ? ",-1,"
					  : ",0,");
	cstat__os_adds(o, r->status == CSTAT_RHO_OK    ? "ok"
			  : r->status == CSTAT_RHO_FEW ? "few"
						       : "constant");
	cstat__os_adds(o, "\r\n");
}

static void
csv_text(struct cstat__ostream *o, const char *s, bool comma)
{
	if (comma)
		cstat__os_addc(o, ',');
	cstat__os_csv(o, s, CSTAT__CSV_RFC4180, true);
}

static int
write_csv(const cstat_correlate *c, struct cstat__ostream *o)
{
	cstat__os_adds(o, "kind,input,baseline,benchmark,unit_a,unit_b,n,"
			  "dropped,rho,lo,hi,strong,status\r\n");
	for (size_t i = 0; i < cstat_correlate_count(c); i++) {
		const struct cstat_correlate_pair *p =
			cstat_correlate_get(c, i);
		cstat__os_adds(o, "across");
		csv_text(o, cstat_correlate_label(c, p->input), true);
		csv_text(o, cstat_correlate_label(c, 0), true);
		cstat__os_addc(o, ',');
		csv_text(o, p->a, true);
		csv_text(o, p->b, true);
		csv_rho(o, &p->r);
	}
	for (size_t i = 0; i < cstat_correlate_within_count(c); i++) {
		const struct cstat_correlate_within *w =
			cstat_correlate_within_get(c, i);
		for (size_t k = 0; k < w->nbench; k++) {
			cstat__os_adds(o, "within");
			csv_text(o, cstat_correlate_label(c, w->input), true);
			cstat__os_addc(o, ',');
			csv_text(o, w->bench[k].name, true);
			csv_text(o, w->a, true);
			csv_text(o, w->b, true);
			csv_rho(o, &w->bench[k].r);
		}
	}
	return 0;
}

static void
json_key(struct cstat__ostream *o, const char *k)
{
	cstat__os_printf(o, ",\"%s\":", k);
}

static void
json_num(struct cstat__ostream *o, const char *k, double v)
{
	json_key(o, k);
	if (isfinite(v))
		cstat__os_go_float(o, v);
	else
		cstat__os_adds(o, "null");
}

static void
json_str(struct cstat__ostream *o, const char *k, const char *s)
{
	json_key(o, k);
	cstat__os_json_str(o, s, strlen(s));
}

static void
json_rho(struct cstat__ostream *o, const struct cstat_rho *r)
{
	json_str(o, "status",
		 r->status == CSTAT_RHO_OK    ? "ok"
		 : r->status == CSTAT_RHO_FEW ? "few"
					      : "constant");
	cstat__os_printf(o, ",\"n\":%zu,\"dropped\":%zu", r->n, r->dropped);
	json_num(o, "rho", r->rho);
	json_num(o, "lo", r->lo);
	json_num(o, "hi", r->hi);
	cstat__os_printf(o, ",\"strong\":%d", r->strong);
}

static void
json_pair(const cstat_correlate *c, size_t i, struct cstat__ostream *o)
{
	const struct cstat_correlate_pair *p = cstat_correlate_get(c, i);
	char buf[512];

	cstat__os_printf(o, "%s\n{\"input\":%zu", i ? "," : "", p->input);
	json_str(o, "unit_a", p->a);
	json_str(o, "unit_b", p->b);
	json_rho(o, &p->r);
	cstat_correlate_pair_text(p, buf, sizeof(buf));
	json_str(o, "text", buf);
	cstat__os_adds(o, "}");
}

static void
json_within(const cstat_correlate *c, size_t i, struct cstat__ostream *o)
{
	const struct cstat_correlate_within *w =
		cstat_correlate_within_get(c, i);

	cstat__os_printf(o, "%s\n{\"input\":%zu", i ? "," : "", w->input);
	json_str(o, "unit_a", w->a);
	json_str(o, "unit_b", w->b);
	cstat__os_printf(o,
			 ",\"benchmarks\":%zu,\"with_rho\":%zu,\"above\":%zu,"
			 "\"below\":%zu,\"strong\":%zu",
			 w->nbench, w->nrho, w->npos, w->nneg, w->nstrong);
	json_num(o, "median", w->median);
	cstat__os_adds(o, ",\"each\":[");
	for (size_t k = 0; k < w->nbench; k++) {
		cstat__os_adds(o, k ? ",{\"name\":" : "{\"name\":");
		cstat__os_json_str(o, w->bench[k].name,
				   strlen(w->bench[k].name));
		json_rho(o, &w->bench[k].r);
		cstat__os_addc(o, '}');
	}
	cstat__os_adds(o, "]}");
}

static int
write_json(const cstat_correlate *c, struct cstat__ostream *o)
{
	cstat__os_adds(o, "{\"schema\":\"cstat-correlate/1\"");
	json_num(o, "confidence", cstat_correlate_confidence(c));
	json_num(o, "strong_rho", CSTAT_RHO_STRONG);
	json_str(o, "interval", "fisher-z, bonett-wright");
	cstat__os_adds(o, ",\"inputs\":[");
	for (size_t j = 0; j < cstat__correlate_inputs(c); j++) {
		const char *l = cstat_correlate_label(c, j);
		if (j)
			cstat__os_addc(o, ',');
		cstat__os_json_str(o, l, strlen(l));
	}
	cstat__os_adds(o, "],\"across\":[");
	for (size_t i = 0; i < cstat_correlate_count(c); i++)
		json_pair(c, i, o);
	cstat__os_adds(o, "],\"within\":[");
	for (size_t i = 0; i < cstat_correlate_within_count(c); i++)
		json_within(c, i, o);
	cstat__os_adds(o, "]}\n");
	return 0;
}

static void
html_tab(struct cstat__ostream *o, const struct tab *t)
{
	cstat__os_adds(o, "<table>\n<tr>");
	for (size_t k = 0; k + t->skip < t->ncols; k++) {
		cstat__os_adds(o, "<th>");
		cstat__html_text(o, tab_cell(t, 0, k));
		cstat__os_adds(o, "</th>");
	}
	cstat__os_adds(o, "</tr>\n");
	for (size_t r = 1; r <= t->nrows; r++) {
		cstat__os_adds(o, "<tr>");
		for (size_t k = 0; k + t->skip < t->ncols; k++) {
			cstat__os_adds(o, "<td>");
			cstat__html_text(o, tab_cell(t, r, k));
			cstat__os_adds(o, "</td>");
		}
		cstat__os_adds(o, "</tr>\n");
	}
	cstat__os_adds(o, "</table>\n");
}

static void
html_sentence(struct cstat__ostream *o, const char *s)
{
	cstat__os_adds(o, "<li>");
	cstat__html_text(o, s);
	cstat__os_adds(o, "</li>\n");
}

static bool
plot_frame(const struct cstat__corr_points *p, struct frame *f)
{
	bool any = false;

	*f = (struct frame){0, 0, 0, 0};
	for (size_t i = 0; i < p->n; i++) {
		if (!isfinite(p->x[i]) || !isfinite(p->y[i]))
			continue;
		f->x0 = fmin(f->x0, p->x[i]);
		f->x1 = fmax(f->x1, p->x[i]);
		f->y0 = fmin(f->y0, p->y[i]);
		f->y1 = fmax(f->y1, p->y[i]);
		any = true;
	}
	/* A margin, and a span for a unit that never changes. */
	double mx = fmax((f->x1 - f->x0) * 0.05, 1e-3),
	       my = fmax((f->y1 - f->y0) * 0.05, 1e-3);
	f->x0 -= mx, f->x1 += mx, f->y0 -= my, f->y1 += my;
	return any;
}

/* A change (log ratio) as a percentage, "+12.3%". */
static const char *
pct(char *buf, double d)
{
	cstat__fmt_c(buf, CSTAT__FMT_C_SIZE, "%+.1f", 100 * expm1(d));
	strcat(buf, "%");
	return buf;
}

static void
svg_text(struct cstat__ostream *o, double x, double y, const char *anchor,
	 const char *s)
{
	cstat__os_adds(o, "<text x=\"");
	cstat__html_coord(o, x);
	cstat__os_adds(o, "\" y=\"");
	cstat__html_coord(o, y);
	cstat__os_printf(o, "\" text-anchor=\"%s\">", anchor);
	cstat__html_text(o, s);
	cstat__os_adds(o, "</text>\n");
}

static void
plot_axes(struct cstat__ostream *o, const struct frame *f,
	  const struct cstat_correlate_pair *p)
{
	char a[CSTAT__FMT_C_SIZE], b[CSTAT__FMT_C_SIZE];

	cstat__os_adds(o, "<svg class=\"corr\" width=\"480\" height=\"300\" "
			  "viewBox=\"0 0 480 300\" role=\"img\">\n"
			  "<rect x=\"60\" y=\"20\" width=\"400\" "
			  "height=\"240\" fill=\"none\" stroke=\"#999\"/>\n");
	cstat__os_adds(o, "<line x1=\"");
	cstat__html_coord(o, px(f, 0));
	cstat__os_adds(o, "\" x2=\"");
	cstat__html_coord(o, px(f, 0));
	cstat__os_adds(o, "\" y1=\"20\" y2=\"260\" stroke=\"#ccc\"/>\n"
			  "<line x1=\"60\" x2=\"460\" y1=\"");
	cstat__html_coord(o, py(f, 0));
	cstat__os_adds(o, "\" y2=\"");
	cstat__html_coord(o, py(f, 0));
	cstat__os_adds(o, "\" stroke=\"#ccc\"/>\n");
	svg_text(o, 60, 276, "start", pct(a, f->x0));
	svg_text(o, 460, 276, "end", pct(b, f->x1));
	svg_text(o, 56, 260, "end", pct(a, f->y0));
	svg_text(o, 56, 28, "end", pct(b, f->y1));
	snprintf(a, sizeof(a), "%s change (log scale)", p->a);
	svg_text(o, 260, 294, "middle", a);
	snprintf(b, sizeof(b), "%s change (log scale)", p->b);
	svg_text(o, 64, 14, "start", b);
}

/* Pair i's scatter plot: one point per benchmark, its name and both
 * changes in its tooltip. */
static void
html_plot(const cstat_correlate *c, size_t i, struct cstat__ostream *o)
{
	const struct cstat_correlate_pair *p = cstat_correlate_get(c, i);
	const struct cstat__corr_points *pts = cstat__correlate_points(c, i);
	char a[CSTAT__FMT_C_SIZE], b[CSTAT__FMT_C_SIZE];
	struct frame f;

	if (!plot_frame(pts, &f))
		return;
	plot_axes(o, &f, p);
	for (size_t k = 0; k < pts->n; k++) {
		if (!isfinite(pts->x[k]) || !isfinite(pts->y[k]))
			continue;
		cstat__os_adds(o, "<circle cx=\"");
		cstat__html_coord(o, px(&f, pts->x[k]));
		cstat__os_adds(o, "\" cy=\"");
		cstat__html_coord(o, py(&f, pts->y[k]));
		cstat__os_adds(o, "\" r=\"3\" fill=\"#1f77b4\" "
				  "fill-opacity=\"0.6\"><title>");
		cstat__html_text(o, pts->bench[k]);
		cstat__os_printf(o, ": %s %s, %s %s", p->a, pct(a, pts->x[k]),
				 p->b, pct(b, pts->y[k]));
		cstat__os_adds(o, "</title></circle>\n");
	}
	cstat__os_adds(o, "</svg>\n");
}

static void
html_plots(const cstat_correlate *c, const struct tab *t,
	   struct cstat__ostream *o)
{
	for (size_t i = 0; i < t->nrows; i++) {
		cstat__os_adds(o, "<h3>");
		char(*row)[CELL] = t->cells + i * t->ncols;
		cstat__html_text(o, row[1]);
		cstat__os_adds(o, " and ");
		cstat__html_text(o, row[2]);
		cstat__os_adds(o, " (");
		cstat__html_text(o, row[0]);
		cstat__os_adds(o, "): rho ");
		cstat__html_text(o, *row[3] ? row[3] : "none");
		cstat__os_adds(o, " ");
		cstat__html_text(o, row[4]);
		cstat__os_adds(o, "</h3>\n");
		html_plot(c, i, o);
	}
}

static int
write_html(const cstat_correlate *c, struct cstat__ostream *o)
{
	struct tab a = make_tab(c, 0), w = make_tab(c, 1);
	int rc = a.cells && w.cells ? 0 : CSTAT_ENOMEM;

	if (!rc) {
		cstat__html_begin(o);
		cstat__os_adds(o, "<title>cstat: metric correlation</title>\n");
		cstat__html_body(o, "svg.corr text{font-size:11px}\n");
		cstat__os_adds(o, "<p>");
		title_lines(c, o, cstat__html_text, "</p>\n<p>");
		cstat__os_adds(o, "</p>\n<h2>Across benchmarks</h2>\n<p>Each "
				  "benchmark's change is the log ratio of its "
				  "medians.</p>\n");
		if (a.nrows)
			html_tab(o, &a);
		cstat__os_adds(o, "<ul>\n");
		each_sentence(c, html_sentence, o);
		cstat__os_adds(o, "</ul>\n");
		html_plots(c, &a, o);
		cstat__os_adds(o, "<h2>Within benchmarks</h2>\n<p>Values of "
				  "one result line paired, in run "
				  "order.</p>\n");
		if (w.nrows)
			html_tab(o, &w);
	}
	free(a.cells);
	free(w.cells);
	return rc;
}

/* The correlation writers by enum cstat_format (the index), so a new
 * format is one row here. */
static int (*const correlate_formats[])(const cstat_correlate *c,
					struct cstat__ostream *o) = {
	[CSTAT_FORMAT_TEXT] = write_text,
	[CSTAT_FORMAT_CSV] = write_csv,
	[CSTAT_FORMAT_HTML] = write_html,
	[CSTAT_FORMAT_MARKDOWN] = write_markdown,
	[CSTAT_FORMAT_JSON] = write_json,
};

int
cstat_correlate_write(const cstat_correlate *c, enum cstat_format fmt,
		      FILE *out)
{
	struct cstat__ostream o;

	if (!c || !out)
		return CSTAT_EINVAL;
	if (!cstat__correlate_built(c))
		return CSTAT_ESTATE;
	if ((unsigned)fmt >=
		    sizeof correlate_formats / sizeof correlate_formats[0] ||
	    !correlate_formats[fmt])
		return CSTAT_EINVAL;
	cstat__os_file(&o, out);
	int rc = correlate_formats[fmt](c, &o);
	if (rc) {
		cstat__os_release(&o);
		return rc;
	}
	/* html ends the page and closes the stream itself. */
	if (fmt == CSTAT_FORMAT_HTML)
		return cstat__html_end(&o);
	return cstat__os_close(&o);
}
