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
 * proportion to its size and memory in proportion to one row.  The page
 * writer, the escaping, the style sheet and the SVG line helper are
 * html.c's, shared with the history dashboard (history-html.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "numfmt.h"
#include "tables.h"
#include "units.h"

/* The plot of a row: PLOT_W wide, a strip of STRIP_H per column. */
#define PLOT_W 160
#define PLOT_PAD 4
#define STRIP_H 14

/* Colours of the plot strips, cycled over the columns. */
#define NPALETTE 4

static void
tstr(struct cstat__html *p, const struct cstat_tables *t, uint32_t id)
{
	cstat__html_text(p, cstat__tstr(t, id));
}

/* ------------------------------------------------------------------------
 * Footnotes, numbered by cstat__number_footnotes() as in the text output.
 */

/* Adds the footnote markers for these warnings (possibly none). */
static void
markers(struct cstat__html *p, size_t tno, const struct cstat__footnotes *fn,
	const uint32_t *ids, size_t n)
{
	if (n == 0)
		return;
	cstat__html_adds(p, "<sup class=\"fn\">");
	for (size_t k = 0; k < n; k++) {
		size_t i;
		for (i = 0; i < fn->n && fn->ids[i] != ids[k]; i++)
			;
		cstat__html_addf(p,
				 "%s<a href=\"#t%zu-n%zu\" aria-label=\"note "
				 "%zu\">%zu</a>",
				 k ? " " : "", tno, i + 1, i + 1, i + 1);
	}
	cstat__html_adds(p, "</sup>");
}

/* ------------------------------------------------------------------------
 * The page around the tables.
 */
/* The page's title: the first table's column labels, "old vs new". */
static void
page_title(struct cstat__html *p, const struct cstat_tables *t)
{
	cstat__html_adds(p, "<title>");
	if (t->ntables > 0 && t->ncol_fields > 0) {
		const struct cstat__table *tb = &t->tables[0];
		for (size_t c = 0; c < tb->ncols; c++) {
			if (c)
				cstat__html_adds(p, " vs ");
			tstr(p, t,
			     tb->col_vals[c * t->ncol_fields + t->ncol_fields -
					  1]);
		}
		cstat__html_adds(p, " \xe2\x80\x94 ");
	}
	cstat__html_adds(p, "cstat benchmark comparison</title>\n");
}

static void
head(struct cstat__html *p, const struct cstat_tables *t)
{
	cstat__html_begin(p);
	page_title(p, t);
	cstat__html_body(p, NULL);
	cstat__html_adds(p, "<h1>Benchmark comparison</h1>\n");
}

static void
legend(struct cstat__html *p, const struct cstat_tables *t)
{
	cstat__html_adds(
		p, "<p class=\"legend\">Each cell is the median with its ");
	cstat__html_go_float(p, t->confidence * 100);
	cstat__html_adds(
		p,
		"% confidence interval (\xc2\xb1). Against the first column, "
		"\xe2\x80\x9c~\xe2\x80\x9d means no significant difference at "
		"\xce\xb1 = ");
	cstat__html_go_float(p, t->alpha);
	cstat__html_adds(
		p,
		"; a significant change is marked \xe2\x96\xb2 (up) or "
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
unit_header(struct cstat__html *p, const struct tctx *x)
{
	const struct cstat_tables *t = x->t;
	const struct cstat__table *tb = x->tb;

	cstat__html_adds(p, "<tr><th scope=\"col\">benchmark</th>");
	for (size_t c = 0; c < tb->ncols; c++) {
		cstat__html_adds(p, "<th scope=\"col\" colspan=\"2\">");
		tstr(p, t, tb->unit);
		cstat__html_adds(p, "</th>");
		for (size_t k = 0; k < t->nstats; k++) {
			cstat__html_adds(p, "<th scope=\"col\">");
			cstat__html_text(p, t->stats[k].name);
			cstat__html_adds(p, "</th>");
		}
		if (c > 0)
			cstat__html_adds(
				p,
				"<th scope=\"col\" colspan=\"2\">vs base</th>");
	}
	if (t->ncol_fields == 0)
		cstat__html_adds(p, "<th scope=\"col\">samples</th>");
	cstat__html_adds(p, "</tr>\n");
}

/*
 * The header: one row per column field, each value spanning the run of
 * columns that agree on it and on every field before it (as the text
 * header nests them), then the unit row.  The plot column's header spans
 * them all from the first row.
 */
static void
header(struct cstat__html *p, const struct tctx *x)
{
	const struct cstat_tables *t = x->t;
	const struct cstat__table *tb = x->tb;
	size_t nf = t->ncol_fields;

	cstat__html_adds(p, "<thead>\n");
	for (size_t f = 0; f < nf; f++) {
		cstat__html_adds(p, "<tr>");
		if (f == 0)
			cstat__html_addf(p, "<td rowspan=\"%zu\"></td>", nf);
		size_t start = 0, span = 0;
		for (size_t c = 0; c < tb->ncols; c++) {
			span += col_width(x, c);
			bool boundary = c + 1 == tb->ncols;
			for (size_t g = 0; g <= f && !boundary; g++)
				boundary = tb->col_vals[(c + 1) * nf + g] !=
					   tb->col_vals[c * nf + g];
			if (!boundary)
				continue;
			cstat__html_addf(
				p, "<th scope=\"colgroup\" colspan=\"%zu\">",
				span);
			tstr(p, t, tb->col_vals[start * nf + f]);
			cstat__html_adds(p, "</th>");
			start = c + 1;
			span = 0;
		}
		if (f == 0)
			cstat__html_addf(p,
					 "<th scope=\"col\" "
					 "rowspan=\"%zu\">samples</th>",
					 nf + 1);
		cstat__html_adds(p, "</tr>\n");
	}
	unit_header(p, x);
	cstat__html_adds(p, "</thead>\n");
}

/* Column c's name: its column fields, outermost first. */
static void
col_label(struct cstat__html *p, const struct tctx *x, size_t c)
{
	size_t nf = x->t->ncol_fields;

	if (nf == 0)
		cstat__html_addf(p, "column %zu", c + 1);
	for (size_t f = 0; f < nf; f++) {
		if (f)
			cstat__html_adds(p, " ");
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

/* The plot's description: every column's count and median, the axis. */
static void
plot_title(struct cstat__html *p, const struct tctx *x, size_t r,
	   const struct cstat__scaler *sc, const struct axis *a)
{
	const struct cstat__cell *row = &x->tb->cells[r * x->tb->ncols];
	char num[CSTAT__SCALE_SIZE];

	cstat__html_adds(p, "<title>");
	tstr(p, x->t, x->tb->row_labels[r]);
	cstat__html_adds(p, " (");
	tstr(p, x->t, x->tb->unit);
	cstat__html_adds(p, "): ");
	for (size_t c = 0; c < x->tb->ncols; c++) {
		const struct cstat__cell *ce = &row[c];
		if (c)
			cstat__html_adds(p, "; ");
		col_label(p, x, c);
		if (!ce->present) {
			cstat__html_adds(p, " no values");
			continue;
		}
		cstat__html_addf(p, " %lu value%s, median ",
				 (unsigned long)ce->n, ce->n == 1 ? "" : "s");
		cstat__scaler_format(sc, ce->center, num, sizeof(num));
		cstat__html_text(p, num);
	}
	if (a->any) {
		cstat__html_adds(p, "; scale from ");
		cstat__scaler_format(sc, a->min, num, sizeof(num));
		cstat__html_text(p, num);
		cstat__html_adds(p, " to ");
		cstat__scaler_format(sc, a->max, num, sizeof(num));
		cstat__html_text(p, num);
	}
	cstat__html_adds(p, "</title>");
}

/*
 * One column's strip: the median's confidence interval as a bar (clipped
 * to the axis; dashed when a side is unbounded), a dot per finite value
 * and a tick at the median.
 */
static void
strip(struct cstat__html *p, const struct cstat__cell *ce, size_t c,
      const struct axis *a)
{
	double yc = (double)(c * STRIP_H) + STRIP_H / 2.0;

	cstat__html_addf(p, "<g class=\"s%zu\">", c % NPALETTE);
	if (!ce->present || !a->any) {
		cstat__html_adds(p, "</g>");
		return;
	}
	if (!isnan(ce->lo) && !isnan(ce->hi)) {
		bool open = isinf(ce->lo) || isinf(ce->hi);
		cstat__html_line(p, open ? "ci open" : "ci", xpos(a, ce->lo),
				 xpos(a, ce->hi), yc, yc);
	}
	for (uint32_t j = 0; j < ce->n; j++) {
		if (!isfinite(ce->values[j]))
			continue;
		cstat__html_adds(p, "<circle cx=\"");
		cstat__html_coord(p, xpos(a, ce->values[j]));
		cstat__html_adds(p, "\" cy=\"");
		cstat__html_coord(p, yc + jitter(j));
		cstat__html_adds(p, "\" r=\"2\"/>");
	}
	if (isfinite(ce->center)) {
		double xm = xpos(a, ce->center);
		cstat__html_adds(p, "<line class=\"md\" x1=\"");
		cstat__html_coord(p, xm);
		cstat__html_adds(p, "\" x2=\"");
		cstat__html_coord(p, xm);
		cstat__html_adds(p, "\" y1=\"");
		cstat__html_coord(p, yc - 5);
		cstat__html_adds(p, "\" y2=\"");
		cstat__html_coord(p, yc + 5);
		cstat__html_adds(p, "\"/>");
	}
	cstat__html_adds(p, "</g>");
}

static void
plot(struct cstat__html *p, const struct tctx *x, size_t r,
     const struct cstat__scaler *sc)
{
	const struct cstat__cell *row = &x->tb->cells[r * x->tb->ncols];
	size_t h = x->tb->ncols * STRIP_H;
	struct axis a;

	axis_of(&a, row, x->tb->ncols);
	cstat__html_addf(
		p,
		"<svg class=\"plot\" role=\"img\" width=\"%d\" height=\"%zu\" "
		"viewBox=\"0 0 %d %zu\">",
		PLOT_W, h, PLOT_W, h);
	plot_title(p, x, r, sc, &a);
	/* The strips' axis lines, as one path. */
	cstat__html_adds(p, "<path class=\"ax\" d=\"");
	for (size_t c = 0; c < x->tb->ncols; c++)
		cstat__html_addf(p, "M%d %zuH%d", PLOT_PAD,
				 c * STRIP_H + STRIP_H / 2, PLOT_W - PLOT_PAD);
	cstat__html_adds(p, "\"/>");
	for (size_t c = 0; c < x->tb->ncols; c++)
		strip(p, &row[c], c, &a);
	cstat__html_adds(p, "</svg>");
}

/*
 * The delta cell.  A significant change is better or worse for the
 * unit: the class colours it, an arrow shows its direction, and the word
 * is in the title and, for screen readers, in the cell.
 */
static void
delta(struct cstat__html *p, const struct tctx *x, const struct cstat__cell *ce,
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
		cstat__html_adds(p, "<td class=\"delta\">");
		cstat__html_text(p, num);
		cstat__html_adds(p, "</td>");
		return;
	}
	const char *word =
		(dir > 0) == x->tb->higher_better ? "better" : "worse";
	cstat__html_addf(p,
			 "<td class=\"delta %s\" title=\"%s: %s is better for ",
			 word, word, x->tb->higher_better ? "higher" : "lower");
	tstr(p, x->t, x->tb->unit);
	cstat__html_adds(p, "\"><span aria-hidden=\"true\">");
	cstat__html_adds(p, dir > 0 ? "\xe2\x96\xb2 " : "\xe2\x96\xbc ");
	cstat__html_adds(p, "</span>");
	cstat__html_text(p, num);
	cstat__html_addf(p, "<span class=\"sr\"> (%s)</span></td>", word);
}

static void
data_row(struct cstat__html *p, struct tctx *x, size_t r)
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

	cstat__html_adds(p, "<tr><th scope=\"row\">");
	cstat__html_name(p, cstat__tstr(t, tb->row_labels[r]));
	cstat__html_adds(p, "</th>");
	for (size_t c = 0; c < tb->ncols; c++) {
		const struct cstat__cell *ce = &row[c];
		if (!ce->present) {
			for (size_t w = col_width(x, c); w > 0; w--)
				cstat__html_adds(p, "<td></td>");
			continue;
		}
		cstat__scaler_format(&sc, ce->center, num, sizeof(num));
		cstat__html_adds(p, "<td class=\"ctr\">");
		cstat__html_text(p, num);
		cstat__html_adds(p, "</td><td class=\"ci\">\xc2\xb1 ");
		cstat__pct_range(ce, txt, sizeof(txt));
		cstat__html_text(p, txt);
		markers(p, x->tno, &x->fn, ce->warn, ce->nwarn);
		cstat__html_adds(p, "</td>");
		for (size_t k = 0; k < t->nstats; k++) {
			/* In the row's scale, as the text output has them. */
			cstat__stat_format(t, tb, k, cstat__cell_stat(t, ce, k),
					   &sc, num, sizeof(num));
			cstat__html_adds(p, "<td class=\"st\">");
			cstat__html_text(p, num);
			cstat__html_adds(p, "</td>");
		}
		if (c == 0)
			continue;
		if (!ce->has_cmp) {
			cstat__html_adds(p, "<td></td><td></td>");
			continue;
		}
		delta(p, x, ce, row[0].center);
		cstat__format_cmp(ce, row[0].n, txt, sizeof(txt));
		cstat__html_adds(p, "<td class=\"note\">(");
		cstat__html_text(p, txt);
		cstat__html_adds(p, ")");
		markers(p, x->tno, &x->fn, ce->cmpwarn, ce->ncmpwarn);
		cstat__html_adds(p, "</td>");
	}
	cstat__html_adds(p, "<td class=\"plot\">");
	plot(p, x, r, &sc);
	cstat__html_adds(p, "</td></tr>\n");
}

/* The geomean row: each column's geomean, and its ratio to the first. */
static void
geomean_row(struct cstat__html *p, const struct tctx *x)
{
	const struct cstat__table *tb = x->tb;
	char num[CSTAT__SCALE_SIZE];

	cstat__html_adds(
		p, "<tr class=\"geomean\"><th scope=\"row\">geomean</th>");
	for (size_t c = 0; c < tb->ncols; c++) {
		const struct cstat__summary *s = &tb->summary[c];
		cstat__html_adds(p, "<td class=\"ctr\">");
		if (s->has_summary) {
			cstat__scale_format(s->summary, x->class, num,
					    sizeof(num));
			cstat__html_text(p, num);
		}
		/* The geomean's footnotes end its column, as in the text. */
		cstat__html_adds(p, "</td><td class=\"ci\">");
		if (c == 0)
			markers(p, x->tno, &x->fn, s->warn, s->nwarn);
		cstat__html_adds(p, "</td>");
		for (size_t k = 0; k < x->t->nstats; k++)
			cstat__html_adds(p, "<td></td>");
		if (c == 0)
			continue;
		cstat__html_adds(p, "<td class=\"delta\">");
		if (s->has_ratio) {
			cstat__fmt_percent(num, sizeof(num),
					   (s->ratio - 1) * 100);
			cstat__html_text(p, num);
		} else {
			cstat__html_adds(p, "?");
		}
		cstat__html_adds(p, "</td><td class=\"note\">");
		markers(p, x->tno, &x->fn, s->warn, s->nwarn);
		cstat__html_adds(p, "</td>");
	}
	cstat__html_adds(p, "<td class=\"plot\"></td></tr>\n");
}

static void
footnote_list(struct cstat__html *p, const struct tctx *x)
{
	if (x->fn.n == 0)
		return;
	cstat__html_adds(p, "<ol class=\"notes\" aria-label=\"notes\">\n");
	for (size_t i = 0; i < x->fn.n; i++) {
		cstat__html_addf(p, "<li id=\"t%zu-n%zu\">", x->tno, i + 1);
		tstr(p, x->t, x->fn.ids[i]);
		cstat__html_adds(p, "</li>\n");
	}
	cstat__html_adds(p, "</ol>\n");
}

/* The heading: the unit, then the configuration not every table shares. */
static void
heading(struct cstat__html *p, const struct tctx *x, const bool *common)
{
	const struct cstat_tables *t = x->t;

	cstat__html_addf(p, "<h2 id=\"t%zu\">", x->tno);
	tstr(p, t, x->tb->unit);
	cstat__html_table_key(p, t, x->tb, common);
	cstat__html_adds(p, "</h2>\n");
}

static int
render_table(struct cstat__html *p, const struct cstat_tables *t, size_t i,
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
	cstat__html_addf(p, "<section aria-labelledby=\"t%zu\">\n", x.tno);
	heading(p, &x, common);
	cstat__html_addf(
		p,
		"<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
		"aria-labelledby=\"t%zu\">\n<table aria-labelledby=\"t%zu\">\n",
		x.tno, x.tno);
	header(p, &x);
	cstat__html_adds(p, "<tbody>\n");
	for (size_t r = 0; r < x.tb->nrows && !p->err; r++)
		data_row(p, &x, r);
	if (x.tb->nrows > 1)
		geomean_row(p, &x);
	cstat__html_adds(p, "</tbody>\n</table>\n</div>\n");
	footnote_list(p, &x);
	cstat__html_adds(p, "</section>\n");
out_free:
	free(x.centers);
	free(x.fn.ids);
	return rc;
}

int
cstat__render_html(const struct cstat_tables *t, FILE *out)
{
	struct cstat__html p = {.out = out};
	bool *common;
	int rc = cstat__html_common_keys(t, &common);

	if (rc)
		return rc;
	head(&p, t);
	if (t->ntables > 0) {
		cstat__html_config(&p, t, common);
		legend(&p, t);
	} else {
		cstat__html_adds(&p, "<p>No benchmark results.</p>\n");
	}
	for (size_t i = 0; i < t->ntables && !rc && !p.err; i++)
		rc = render_table(&p, t, i, common);
	int err = cstat__html_end(&p);
	free(common);
	return rc ? rc : err;
}
