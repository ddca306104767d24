/*
 * render-html.c - the tables as one self-contained HTML page.
 *
 * The page says what the text output says (render-text.c): the
 * configuration, then for every table a section headed by its unit (and
 * the configuration it does not share with the others), a table whose
 * cells hold the same strings ("1.718µ", "± 1%", "-17.20%", "~",
 * "(p=0.000 n=10)"), a geomean row and numbered footnotes.  On top of that:
 *
 * - the changes are judged as the gate judges them (cstat_gate_new() with
 *   its defaults: Holm's correction over every comparison of the page and
 *   a 5% threshold), because benchstat's column tests each row alone and,
 *   on hundreds of rows, marks noise as changes.  A summary at the top
 *   counts the verdicts and links to every changed row (each row has an
 *   anchor); a checkbox and a CSS rule show only the changed rows.
 *   Changes the gate keeps are marked better or worse for the unit, by
 *   colour and by an arrow and a word for those who cannot see colour;
 *   those only benchstat's column calls significant get a dagger that
 *   says why, explained in a footnote at the end;
 * - each row ends with a plot of every sample of the row that reads on
 *   its own: a strip per input named by its column label, the median and
 *   its interval, and an axis with ticks in the table's scale for the
 *   row, logarithmic when the values span more than ten times.
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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "html.h"
#include "numfmt.h"
#include "tables.h"
#include "units.h"

/*
 * The plot of a row, in SVG units: PLOT_W wide (the style sheet scales it
 * with the page), the columns' labels left of PLOT_X0, a strip of STRIP_H
 * per column under PLOT_TOP, then the axis (AXIS_H) with its ticks.
 */
#define PLOT_W 440
#define PLOT_X0 104
#define PLOT_PAD 8
#define PLOT_TOP 4
#define STRIP_H 16
#define AXIS_H 22
/* Characters of a column's label in the plot's legend. */
#define LABEL_CHARS 15
/* At most this many ticks on an axis. */
#define MAX_TICKS 12
/* A row whose values span more than this ratio is plotted on a log scale. */
#define LOG_SPAN 10.0

/* Colours of the plot strips, cycled over the columns. */
#define NPALETTE 4

static void
tstr(struct cstat__ostream *p, const struct cstat_tables *t, uint32_t id)
{
	cstat__html_text(p, cstat__tstr(t, id));
}

/*
 * Writing into room reserved once with cstat__os_room() for the most a
 * part of a row can take: each copy is then a move and an add, with no
 * test of the room, and the part is taken with one cstat__os_commit().
 * Each returns where the next byte goes.
 */
static inline char *
put_at(char *w, const char *src, size_t n)
{
	memcpy(w, src, n);
	return w + n;
}
#define PUT_LIT(w, str) put_at(w, str, sizeof(str) - 1)

/* v in decimal into reserved room (20 bytes): one or two digits without
 * cstat__fmt_uint()'s loops, as most of a page's numbers are. */
static inline char *
uint_at(char *w, uint64_t v)
{
	if (v < 10) {
		*w = (char)('0' + v);
		return w + 1;
	}
	if (v < 100) {
		w[0] = (char)('0' + v / 10);
		w[1] = (char)('0' + v % 10);
		return w + 2;
	}
	return w + cstat__fmt_uint(w, v);
}

/* ------------------------------------------------------------------------
 * Footnotes, numbered by cstat__number_footnotes() as in the text output.
 */

/* Adds the footnote markers for these warnings (possibly none). */
static void
markers(struct cstat__ostream *p, size_t tno, const struct cstat__footnotes *fn,
	const uint32_t *ids, size_t n)
{
	if (n == 0)
		return;
	/* No printf: a large table has a marker on most rows. */
	char *at = cstat__os_room(
		     p,
		     sizeof("<sup class=\"fn\"></sup>") +
			     n * (sizeof(" <a href=\"#t-n\" aria-label=\"note "
					 "\"></a>") +
				  4 * 20)),
	     *w = at;
	if (!at)
		return;
	w = PUT_LIT(w, "<sup class=\"fn\">");
	for (size_t k = 0; k < n; k++) {
		size_t i;
		for (i = 0; i < fn->n && fn->ids[i] != ids[k]; i++)
			;
		w = k == 0 ? PUT_LIT(w, "<a href=\"#t")
			   : PUT_LIT(w, " <a href=\"#t");
		w = uint_at(w, tno);
		w = PUT_LIT(w, "-n");
		w = uint_at(w, i + 1);
		w = PUT_LIT(w, "\" aria-label=\"note ");
		w = uint_at(w, i + 1);
		w = PUT_LIT(w, "\">");
		w = uint_at(w, i + 1);
		w = PUT_LIT(w, "</a>");
	}
	w = PUT_LIT(w, "</sup>");
	cstat__os_commit(p, (size_t)(w - at));
}

/* ------------------------------------------------------------------------
 * The page around the tables.
 */
/* The page's title: the first table's column labels, "old vs new". */
static void
page_title(struct cstat__ostream *p, const struct cstat_tables *t)
{
	cstat__os_adds(p, "<title>");
	if (t->ntables > 0 && t->ncol_fields > 0) {
		const struct cstat__table *tb = &t->tables[0];
		for (size_t c = 0; c < tb->ncols; c++) {
			if (c)
				cstat__os_adds(p, " vs ");
			tstr(p, t,
			     tb->col_vals[c * t->ncol_fields + t->ncol_fields -
					  1]);
		}
		cstat__os_adds(p, " \xe2\x80\x94 ");
	}
	cstat__os_adds(p, "cstat benchmark comparison</title>\n");
}

/* What the report adds to the shared style sheet. */
static const char report_css[] =
	"nav.summary{margin:.5rem 0 1rem}nav.summary p{margin:.25rem 0}\n"
	"ul.changes{margin:.25rem 0;padding-left:1.25rem;columns:26rem}\n"
	"ul.changes a{overflow-wrap:anywhere}\n"
	"label[for=only-changed]{margin-left:.5em;padding:.1rem .5rem;"
	"border:1px solid var(--line);border-radius:6px;cursor:pointer;"
	"white-space:nowrap}\n"
	"#only-changed:checked~nav label[for=only-changed]{"
	"background:var(--head);font-weight:600}\n"
	"#only-changed:focus-visible~nav label[for=only-changed]{"
	"outline:2px solid var(--s0)}\n"
	"#only-changed:checked~section tbody tr:not(.chg):not(.geomean){"
	"display:none}\n"
	"tr:target th,tr:target td{outline:2px solid var(--s0);"
	"outline-offset:-2px}\n"
	"td.delta.doubt{color:var(--muted)}\n"
	"svg.plot{width:clamp(300px,calc(100vw - 12rem - var(--cells,6) * "
	"5.5rem),600px);height:auto}\n"
	".plot .tk{stroke:var(--axis);stroke-width:1}\n"
	".plot text{font-size:11px;stroke:none;fill:var(--muted)}\n"
	".plot .lg{text-anchor:end;font-weight:600}\n"
	".plot .s0 .lg{fill:var(--s0)}.plot .s1 .lg{fill:var(--s1)}"
	".plot .s2 .lg{fill:var(--s2)}.plot .s3 .lg{fill:var(--s3)}\n"
	".plot .tl{text-anchor:middle}.plot .un{text-anchor:end}\n";

static void
head(struct cstat__ostream *p, const struct cstat_tables *t)
{
	cstat__html_begin(p);
	page_title(p, t);
	cstat__html_body(p, report_css);
	cstat__os_adds(p, "<h1>Benchmark comparison</h1>\n");
}

static void
legend(struct cstat__ostream *p, const struct cstat_tables *t)
{
	cstat__os_adds(p,
		       "<p class=\"legend\">Each cell is the median with its ");
	cstat__os_go_float(p, t->confidence * 100);
	cstat__os_adds(
		p,
		"% confidence interval (\xc2\xb1). Against the first column, "
		"\xe2\x80\x9c~\xe2\x80\x9d means no significant difference at "
		"\xce\xb1 = ");
	cstat__os_go_float(p, t->alpha);
	cstat__os_adds(
		p,
		"; a change the gate keeps (see \xe2\x80\xa0 below) is marked "
		"\xe2\x96\xb2 (up) or "
		"\xe2\x96\xbc (down), in <span class=\"better\">green "
		"when better</span> and <span class=\"worse\">red when "
		"worse</span> for the unit (hover for the word). Plots show "
		"every value of the row on one axis, in the table\xe2\x80\x99s "
		"scale (a log scale when the values span more than ten "
		"times): a strip per input, named on its left, with a dot per "
		"value, a tick at the median and a bar for its confidence "
		"interval (dashed when unbounded).</p>\n");
}

/* ------------------------------------------------------------------------
 * One table.
 */
/* A piece of a table's templates: where in tmpl.s, and how long. */
struct piece {
	size_t off, len;
};

/* Room for a dot's cy piece, copied whole (see struct colpieces). */
#define CY_MAX 32
/* The most bytes a dot takes: '<circle cx="', its x, its cy piece. */
#define DOT_MAX (12 + CSTAT__HTML_COORD_SIZE + CY_MAX)
/* Dots written in one reservation of the page's buffer. */
#define DOT_BLOCK 64

/* The pieces of column c's strip in every row's plot. */
struct colpieces {
	struct piece open;  /* <g class="sK"> and the strip's legend */
	struct piece label; /* the column's label, for the plot's title */
	struct piece ci_y;  /* '" y1="YC" y2="YC"/>' ending the interval */
	struct piece md_y;  /* the same ending the median's tick */
	struct piece cy[7]; /* '" cy="Y" r="2.5"/>' for value j, by j % 7 */
	/* The same, each padded to CY_MAX bytes, so that a dot copies a
	 * fixed size; cy_fits is false when one is longer. */
	char cyt[7][CY_MAX];
	unsigned char cyn[7];
	bool cy_fits;
	/* The strip of a cell whose values are all finite, as is its
	 * interval, in a flat row (every x the middle): its head (the legend
	 * and the interval), seven dots, its tail (the median's tick), and
	 * how long the first k of those dots are. */
	struct piece flat_head, flat_dots, flat_tail;
	size_t flat_dot_end[8];
};

/*
 * The markup of a table's plots that is the same in every row, made once
 * per table by the functions that would write it per row (so the bytes
 * cannot differ) and copied into each row with memcpy.
 */
struct tmpl {
	struct cstat__ostream s; /* every piece, one after another */
	struct piece svg;	 /* <svg ...> */
	struct piece unit;	 /* ' (unit): ' in the title */
	struct piece axis;	 /* <g class="axis"> and its line */
	struct piece tick_mid;	 /* a tick's line after x2, to its label's x */
	struct piece tick_end;	 /* after the tick label's x, to its text */
	struct piece un, un_log; /* the unit under the axis, </g> */
	struct colpieces *col;	 /* per column */
	/* The most bytes a row's title takes, less its label's, and a
	 * tick of its axis: room reserved once (see put_at()). */
	size_t title_room, tick_room;
};

/*
 * The text of every x a plot can have, in tenths from 0 to PLOT_W, made
 * once per page by cstat__html_tenths_text() (so the same bytes): per row
 * a coordinate is then a copy of eight bytes, not a division loop.  Byte
 * 7 of each holds its length (at most "439.9": 5).
 */
#define COORD_TENTHS (PLOT_W * 10)
struct coords {
	char s[COORD_TENTHS + 1][8];
};

/* Makes the table of coordinates.  @return it, or NULL (no memory). */
static struct coords *
coords_new(void)
{
	struct coords *co = malloc(sizeof(*co));

	for (long t = 0; co && t <= COORD_TENTHS; t++) {
		char buf[CSTAT__HTML_COORD_SIZE];
		size_t n = cstat__html_tenths_text(buf, t);
		memcpy(co->s[t], buf, 7);
		co->s[t][7] = (char)n;
	}
	return co;
}

/* cstat__html_coord_text() at buf (8 bytes or more) from the table. */
static inline size_t
coord_text(const struct coords *co, char *buf, double x)
{
	long t = cstat__html_tenths(x);

	if (t > COORD_TENTHS)
		return cstat__html_tenths_text(buf, t);
	memcpy(buf, co->s[t], 8);
	return (unsigned char)co->s[t][7];
}

/* cstat__html_coord() from the table. */
static inline void
coord(struct cstat__ostream *p, const struct coords *co, double x)
{
	char *at = cstat__os_room(p, CSTAT__HTML_COORD_SIZE);

	if (at)
		cstat__os_commit(p, coord_text(co, at, x));
}

/* A number's text and its length, as its formatter returned them. */
struct ctext {
	char s[CSTAT__SCALE_SIZE];
	size_t n;
};

/*
 * What the page knows of a row's label (a string id): its length and
 * whether it needs no escaping, found once per page, not in each table
 * that has the row.
 */
struct label {
	uint32_t n;
	bool plain, known;
};

struct tctx {
	const struct cstat_tables *t;
	const struct cstat__table *tb;
	size_t tno; /* 1-based, for ids */
	int class;  /* the unit's scaling class */
	struct cstat__footnotes fn;
	double *centers; /* scratch: a row's centers */
	/* Scratch: the text of each column's center in the row's scale,
	 * made for its cell and used again in the plot's title. */
	struct ctext *ctext;
	/* The gate's verdict of each cell (row-major), NULL where none. */
	const struct cstat_check **ck;
	double alpha; /* the gate's */
	struct tmpl m;
	const struct coords *co; /* the page's, shared by the threads */
	/* The row's label, in its cell and its plot's title: its length, and
	 * whether it needs no escaping (checked once, not in each place). */
	const char *label;
	size_t label_n;
	bool label_plain;
	struct label *labels; /* the page's, by string id */
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
unit_header(struct cstat__ostream *p, const struct tctx *x)
{
	const struct cstat_tables *t = x->t;
	const struct cstat__table *tb = x->tb;

	cstat__os_adds(p, "<tr><th scope=\"col\">benchmark</th>");
	for (size_t c = 0; c < tb->ncols; c++) {
		cstat__os_adds(p, "<th scope=\"col\" colspan=\"2\">");
		tstr(p, t, tb->unit);
		cstat__os_adds(p, "</th>");
		for (size_t k = 0; k < t->nstats; k++) {
			cstat__os_adds(p, "<th scope=\"col\">");
			cstat__html_text(p, t->stats[k].name);
			cstat__os_adds(p, "</th>");
		}
		if (c > 0)
			cstat__os_adds(
				p,
				"<th scope=\"col\" colspan=\"2\">vs base</th>");
	}
	if (t->ncol_fields == 0)
		cstat__os_adds(p, "<th scope=\"col\">samples</th>");
	cstat__os_adds(p, "</tr>\n");
}

/*
 * The header: one row per column field, each value spanning the run of
 * columns that agree on it and on every field before it (as the text
 * header nests them), then the unit row.  The plot column's header spans
 * them all from the first row.
 */
static void
header(struct cstat__ostream *p, const struct tctx *x)
{
	const struct cstat_tables *t = x->t;
	const struct cstat__table *tb = x->tb;
	size_t nf = t->ncol_fields;

	cstat__os_adds(p, "<thead>\n");
	for (size_t f = 0; f < nf; f++) {
		cstat__os_adds(p, "<tr>");
		if (f == 0)
			cstat__os_printf(p, "<td rowspan=\"%zu\"></td>", nf);
		size_t start = 0, span = 0;
		for (size_t c = 0; c < tb->ncols; c++) {
			span += col_width(x, c);
			bool boundary = c + 1 == tb->ncols;
			for (size_t g = 0; g <= f && !boundary; g++)
				boundary = tb->col_vals[(c + 1) * nf + g] !=
					   tb->col_vals[c * nf + g];
			if (!boundary)
				continue;
			cstat__os_printf(
				p, "<th scope=\"colgroup\" colspan=\"%zu\">",
				span);
			tstr(p, t, tb->col_vals[start * nf + f]);
			cstat__os_adds(p, "</th>");
			start = c + 1;
			span = 0;
		}
		if (f == 0)
			cstat__os_printf(p,
					 "<th scope=\"col\" "
					 "rowspan=\"%zu\">samples</th>",
					 nf + 1);
		cstat__os_adds(p, "</tr>\n");
	}
	unit_header(p, x);
	cstat__os_adds(p, "</thead>\n");
}

/* Column c's name: its column fields, outermost first. */
static void
col_label(struct cstat__ostream *p, const struct tctx *x, size_t c)
{
	size_t nf = x->t->ncol_fields;

	if (nf == 0)
		cstat__os_printf(p, "column %zu", c + 1);
	for (size_t f = 0; f < nf; f++) {
		if (f)
			cstat__os_adds(p, " ");
		tstr(p, x->t, x->tb->col_vals[c * nf + f]);
	}
}

/*
 * The x-axis of a row's plot: from the smallest to the largest value, on
 * a log scale when they are all positive and span more than LOG_SPAN
 * times (a 40x speed-up then reads as a distance, not as a pile at one
 * edge).
 */
struct axis {
	double min, max;
	double log_span; /* log(max / min) on a log axis */
	/* min / 2 and max / 2 - min / 2, the linear axis' origin and span
	 * as xpos() works with them: made once per row, not per dot. */
	double half_min, half_span;
	bool any; /* the row has a finite value */
	bool log;
	/* Every x is the plot's middle (a linear axis of one value): the
	 * strips are then the same in every such row (flat_strip()). */
	bool flat;
	/* Bit c: column c (< 64) has values, all finite. */
	uint64_t finite;
};

/*
 * Whether none of the n values is a NaN or an infinity: an exponent of
 * all ones, which adding 1 to it carries into the sign bit.  Integer
 * operations only, so the loop needs no branch per value.
 */
static bool
all_finite(const double *v, uint32_t n)
{
	const uint64_t exp = 0x7ff0000000000000u;
	uint64_t bad = 0;

	for (uint32_t j = 0; j < n; j++) {
		uint64_t b;
		memcpy(&b, &v[j], sizeof(b));
		bad |= (b & exp) + (UINT64_C(1) << 52);
	}
	return !(bad >> 63);
}

/* Takes v into the axis' range as the values come (the first of equal
 * values is kept: -0 and 0 print apart). */
static inline void
axis_take(struct axis *a, double lo, double hi)
{
	if (!a->any || lo < a->min)
		a->min = lo;
	if (!a->any || hi > a->max)
		a->max = hi;
	a->any = true;
}

static void
axis_of(struct axis *a, const struct cstat__cell *row, size_t ncols)
{
	a->min = a->max = 0;
	a->any = a->log = a->flat = false;
	a->finite = 0;
	for (size_t c = 0; c < ncols; c++) {
		const struct cstat__cell *ce = &row[c];
		if (!ce->present)
			continue;
		/* Values are sorted, but NaN and infinities sort anywhere:
		 * when there are none, the ends are the least and the most
		 * (the last is the first of its value unless it is a zero,
		 * which may follow a -0). */
		uint32_t n = ce->n;
		if (n > 0 && all_finite(ce->values, n) &&
		    ce->values[n - 1] != 0) {
			axis_take(a, ce->values[0], ce->values[n - 1]);
			if (c < 64)
				a->finite |= UINT64_C(1) << c;
			continue;
		}
		for (uint32_t j = 0; j < n; j++) {
			double v = ce->values[j];
			if (isfinite(v))
				axis_take(a, v, v);
		}
	}
	a->log = a->any && a->min > 0 && a->max / a->min > LOG_SPAN;
	/* Once per row, not per dot: the same doubles either way. */
	a->log_span = a->log ? log(a->max / a->min) : 0;
	a->half_min = a->min / 2;
	a->half_span = a->max / 2 - a->half_min;
	a->flat = a->any && !a->log && !(a->half_span > 0);
}

/*
 * The x coordinate of v: the axis spread over the plot area, or its
 * middle when every value is the same.  Halves keep the arithmetic finite
 * for values near the largest double.
 */
static inline double
xpos(const struct axis *a, double v)
{
	double lo = PLOT_X0, hi = PLOT_W - PLOT_PAD, f;

	if (a->log) {
		f = v > 0 ? log(v / a->min) / a->log_span : (v < 0 ? -1 : 0);
	} else {
		if (!(a->half_span > 0))
			return (lo + hi) / 2;
		f = (v / 2 - a->half_min) / a->half_span;
	}
	double x = lo + f * (hi - lo);
	if (isnan(x))
		return (lo + hi) / 2;
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

/* ------------------------------------------------------------------------
 * The templates of a table's plots.
 */

/* The vertical centre of column c's strip. */
static double
strip_y(size_t c)
{
	return (double)(c * STRIP_H) + STRIP_H / 2.0 + PLOT_TOP;
}

/* The y of a plot's axis line, under the strips of ncols columns. */
static double
axis_y(size_t ncols)
{
	return (double)(PLOT_TOP + ncols * STRIP_H) + 2;
}

/* Starts a piece at the end of the templates. */
static void
piece_begin(struct tmpl *m, struct piece *pc)
{
	pc->off = m->s.len;
}

/* Ends the piece begun with piece_begin(). */
static void
piece_end(struct tmpl *m, struct piece *pc)
{
	pc->len = m->s.len - pc->off;
}

/*
 * Adds the n bytes at src, which has SHORT_MAX bytes that may be read:
 * short pieces (a row has about a hundred) are copied at a fixed size,
 * which the compiler makes a few vector moves, not a call to memcpy with
 * its branches on the length; the stream keeps only n of them.
 */
#define SHORT_MAX 64
static inline void
put_short(struct cstat__ostream *p, const char *src, size_t n)
{
	char *at;

	if (n > SHORT_MAX || !(at = cstat__os_room(p, SHORT_MAX))) {
		cstat__os_put(p, src, n);
		return;
	}
	memcpy(at, src, SHORT_MAX);
	cstat__os_commit(p, n);
}

/* Copies a piece of the templates into the page (the templates end with
 * SHORT_MAX bytes of padding, for put_short()). */
static inline void
put_piece(struct cstat__ostream *p, const struct tmpl *m, struct piece pc)
{
	put_short(p, m->s.data + pc.off, pc.len);
}

/* put_short() into reserved room (SHORT_MAX of it past the end). */
static inline char *
short_at(char *w, const char *src, size_t n)
{
	if (n > SHORT_MAX)
		return put_at(w, src, n);
	memcpy(w, src, SHORT_MAX);
	return w + n;
}

/* put_piece() into reserved room. */
static inline char *
piece_at(char *w, const struct tmpl *m, struct piece pc)
{
	return short_at(w, m->s.data + pc.off, pc.len);
}

/*
 * The legend of strip c: its column's label, left of the strip in the
 * strip's colour, cut to LABEL_CHARS characters (the <title> and the
 * table's header have it whole).
 */
static void
strip_label(struct cstat__ostream *p, const struct tctx *x, size_t c, double yc)
{
	struct cstat__ostream s = {0};
	size_t n = 0, cut = 0;

	col_label(&s, x, c);
	if (s.err) {
		cstat__os_fail(p, s.err);
		cstat__os_release(&s);
		return;
	}
	const char *t = cstat__os_cstr(&s);
	/* Count characters (not bytes, not continuation bytes). */
	for (size_t i = 0; t[i]; i++) {
		if (((unsigned char)t[i] & 0xc0) == 0x80)
			continue;
		if (n++ == LABEL_CHARS - 1)
			cut = i;
	}
	cstat__os_adds(p, "<text class=\"lg\" x=\"");
	cstat__html_coord(p, PLOT_X0 - 6);
	cstat__os_adds(p, "\" y=\"");
	cstat__html_coord(p, yc + 4);
	cstat__os_adds(p, "\">");
	/* The markup is already escaped: cut only outside a reference. */
	if (n > LABEL_CHARS) {
		size_t amp = cut;
		while (amp > 0 && t[amp] != '&' && t[amp] != ';')
			amp--;
		if (t[amp] == '&')
			cut = amp;
		cstat__os_put(p, t, cut);
		cstat__os_adds(p, "\xe2\x80\xa6");
	} else {
		cstat__os_adds(p, t);
	}
	cstat__os_adds(p, "</text>");
	cstat__os_release(&s);
}

/* The end of a line from y1 to y2, after its x2: '" y1="Y1" y2="Y2"/>'. */
static void
line_end(struct cstat__ostream *p, double y1, double y2)
{
	cstat__os_adds(p, "\" y1=\"");
	cstat__html_coord(p, y1);
	cstat__os_adds(p, "\" y2=\"");
	cstat__html_coord(p, y2);
	cstat__os_adds(p, "\"/>");
}

/* The pieces of column c. */
static void
column_pieces(struct tctx *x, size_t c)
{
	struct tmpl *m = &x->m;
	struct colpieces *cp = &m->col[c];
	double yc = strip_y(c);

	piece_begin(m, &cp->open);
	cstat__os_adds(&m->s, "<g class=\"s");
	cstat__os_uint(&m->s, c % NPALETTE);
	cstat__os_adds(&m->s, "\">");
	strip_label(&m->s, x, c, yc);
	piece_end(m, &cp->open);
	piece_begin(m, &cp->label);
	col_label(&m->s, x, c);
	piece_end(m, &cp->label);
	piece_begin(m, &cp->ci_y);
	line_end(&m->s, yc, yc);
	piece_end(m, &cp->ci_y);
	piece_begin(m, &cp->md_y);
	line_end(&m->s, yc - 6, yc + 6);
	piece_end(m, &cp->md_y);
	cp->cy_fits = true;
	for (size_t j = 0; j < 7; j++) {
		piece_begin(m, &cp->cy[j]);
		cstat__os_adds(&m->s, "\" cy=\"");
		cstat__html_coord(&m->s, yc + jitter(j));
		cstat__os_adds(&m->s, "\" r=\"2.5\"/>");
		piece_end(m, &cp->cy[j]);
		if (cp->cy[j].len > CY_MAX || m->s.err) {
			cp->cy_fits = false;
			continue;
		}
		memcpy(cp->cyt[j], m->s.data + cp->cy[j].off, cp->cy[j].len);
		cp->cyn[j] = (unsigned char)cp->cy[j].len;
	}
}

/* The unit under the axis and the end of the axis' group. */
static void
unit_piece(struct tctx *x, struct piece *pc, bool log)
{
	struct tmpl *m = &x->m;

	piece_begin(m, pc);
	cstat__os_adds(&m->s, "<text class=\"un\" x=\"");
	cstat__html_coord(&m->s, PLOT_X0 - 6);
	cstat__os_adds(&m->s, "\" y=\"");
	cstat__html_coord(&m->s, axis_y(x->tb->ncols) + 14);
	cstat__os_adds(&m->s, "\">");
	tstr(&m->s, x->t, x->tb->unit);
	if (log)
		cstat__os_adds(&m->s, ", log");
	cstat__os_adds(&m->s, "</text></g>");
	piece_end(m, pc);
}

/* Appends the bytes of the memory stream s from off to the templates as a
 * piece. */
static void
flat_piece(struct tmpl *m, struct piece *pc, struct cstat__ostream *s,
	   size_t off)
{
	piece_begin(m, pc);
	if (!s->err)
		cstat__os_put(&m->s, s->data + off, s->len - off);
	piece_end(m, pc);
}

static bool strip_head(struct cstat__ostream *p, const struct tctx *x,
		       const struct cstat__cell *ce, size_t c,
		       const struct axis *a);
static void dots(struct cstat__ostream *p, const struct tctx *x,
		 const struct colpieces *cp, const struct cstat__cell *ce,
		 const struct axis *a);
static void strip_tail(struct cstat__ostream *p, const struct tctx *x,
		       const struct cstat__cell *ce, size_t c,
		       const struct axis *a);

/*
 * Makes column c's flat_strip() pieces by writing, with strip()'s own
 * parts, the strip of a cell of seven equal values on a flat axis (so
 * the bytes are strip()'s), into a stream of their own: the templates
 * they read from are the stream the pieces go to.
 */
static void
flat_pieces(struct tctx *x, size_t c)
{
	struct tmpl *m = &x->m;
	struct colpieces *cp = &m->col[c];
	static const double seven[7] = {1, 1, 1, 1, 1, 1, 1};
	struct cstat__cell ce = {
		.values = (double *)seven,
		.center = 1,
		.lo = 1,
		.hi = 1,
		.present = true,
	};
	struct axis a = {.min = 1, .max = 1, .half_min = 0.5, .any = true};
	struct cstat__ostream s = {0};

	a.flat = true;
	strip_head(&s, x, &ce, c, &a);
	flat_piece(m, &cp->flat_head, &s, 0);
	for (uint32_t k = 0; k <= 7; k++) {
		size_t at = s.len;
		ce.n = k;
		dots(&s, x, cp, &ce, &a);
		cp->flat_dot_end[k] = s.len - at;
		if (k == 7)
			flat_piece(m, &cp->flat_dots, &s, at);
	}
	size_t at = s.len;
	strip_tail(&s, x, &ce, c, &a);
	flat_piece(m, &cp->flat_tail, &s, at);
	cstat__os_fail(&m->s, s.err);
	cstat__os_release(&s);
}

/* The most bytes of a title (less the row's label): tmpl.title_room. */
static size_t
title_room(const struct tmpl *m, size_t ncols)
{
	size_t n = sizeof("<title></title>; log scale from  to ") +
		   m->unit.len + 2 * CSTAT__SCALE_SIZE + SHORT_MAX;

	for (size_t c = 0; c < ncols; c++)
		n += sizeof("; ") + m->col[c].label.len +
		     sizeof("  values, median  no values") + 20 +
		     CSTAT__SCALE_SIZE;
	return n;
}

/* The most bytes of a tick and its label: tmpl.tick_room. */
static size_t
tick_room(const struct tmpl *m)
{
	return sizeof("<line class=\"tk\" x1=\"\" x2=\"</text>") +
	       3 * SHORT_MAX + m->tick_mid.len + m->tick_end.len +
	       CSTAT__SCALE_SIZE + SHORT_MAX;
}

/* Makes table x->tb's templates in x->m.  @return 0 or CSTAT_ENOMEM. */
static int
tmpl_make(struct tctx *x)
{
	struct tmpl *m = &x->m;
	size_t ncols = x->tb->ncols;
	size_t h = PLOT_TOP + ncols * STRIP_H + AXIS_H;
	double y = axis_y(ncols);

	m->col = calloc(ncols ? ncols : 1, sizeof(*m->col));
	if (!m->col)
		return CSTAT_ENOMEM;
	piece_begin(m, &m->svg);
	cstat__os_printf(&m->s,
			 "<svg class=\"plot\" role=\"img\" width=\"%d\" "
			 "height=\"%zu\" viewBox=\"0 0 %d %zu\">",
			 PLOT_W, h, PLOT_W, h);
	piece_end(m, &m->svg);
	piece_begin(m, &m->unit);
	cstat__os_adds(&m->s, " (");
	tstr(&m->s, x->t, x->tb->unit);
	cstat__os_adds(&m->s, "): ");
	piece_end(m, &m->unit);
	piece_begin(m, &m->axis);
	cstat__os_adds(&m->s, "<g class=\"axis\">");
	cstat__html_line(&m->s, "ax", PLOT_X0, PLOT_W - PLOT_PAD, y, y);
	piece_end(m, &m->axis);
	piece_begin(m, &m->tick_mid);
	line_end(&m->s, PLOT_TOP, y + 3);
	cstat__os_adds(&m->s, "<text class=\"tl\" x=\"");
	piece_end(m, &m->tick_mid);
	piece_begin(m, &m->tick_end);
	cstat__os_adds(&m->s, "\" y=\"");
	cstat__html_coord(&m->s, y + 14);
	cstat__os_adds(&m->s, "\">");
	piece_end(m, &m->tick_end);
	unit_piece(x, &m->un, false);
	unit_piece(x, &m->un_log, true);
	for (size_t c = 0; c < ncols; c++)
		column_pieces(x, c);
	m->title_room = title_room(m, ncols);
	m->tick_room = tick_room(m);
	/* Readable bytes after the last piece, for put_short(), which
	 * flat_pieces() uses, and again after its pieces. */
	cstat__os_fill(&m->s, '\0', SHORT_MAX);
	for (size_t c = 0; c < ncols && !m->s.err; c++)
		flat_pieces(x, c);
	cstat__os_fill(&m->s, '\0', SHORT_MAX);
	return m->s.err;
}

/* ------------------------------------------------------------------------
 * A row's plot.
 */

/* Adds " N value(s), median " for a cell of n values. */
static void
put_count(struct cstat__ostream *p, size_t n)
{
	cstat__os_put(p, " ", 1);
	cstat__os_uint(p, n);
	if (n == 1)
		cstat__os_put(p, CSTAT__LIT(" value, median "));
	else
		cstat__os_put(p, CSTAT__LIT(" values, median "));
}

/*
 * Adds the text cstat__scaler_format() wrote in buf (of size bytes): len
 * is what it returned, as snprintf (no strlen).  Not escaped, because it
 * cannot need it: the formatter writes cstat__fmt_go_fixed()'s text
 * (digits, '-', '.', or "NaN", "+Inf", "-Inf") and a prefix of numfmt.c's
 * tables ("k", "Mi", "\xc2\xb5"...: ASCII letters, or the UTF-8 of
 * U+00B5, not a control), and CSTAT__SCALE_SIZE holds all of it, so no
 * character is cut.  cstat__os_html_text() copies every such byte as it
 * is (test_scaled_text_plain checks it on random values).
 */
static void
put_num(struct cstat__ostream *p, const char *buf, size_t len, size_t size)
{
	put_short(p, buf, len < size ? len : size - 1); /* size >= SHORT_MAX */
}

/*
 * Adds the text of cstat__pct_range(), cstat__format_delta() or
 * cstat__format_cmp() (cellfmt.c), not escaped, because it cannot need
 * it: they write cstat__fmt_go_fixed()'s digits, '-' and '.', and '+',
 * '%', ' ', "p=", "n=", "~", "?", "NaN", "Inf" or "\xe2\x88\x9e" (U+221E);
 * a cut to the buffer's size only ever cuts ASCII.  cstat__os_html_text()
 * copies all of them as they are (test_cell_text_plain checks it on
 * random cells).
 */
static void
put_cell_text(struct cstat__ostream *p, const char *s)
{
	cstat__os_adds(p, s);
}

/* Whether a and b have the same bits (so the same text in one scale). */
static bool
same_bits(double a, double b)
{
	uint64_t x, y;

	memcpy(&x, &a, sizeof(x));
	memcpy(&y, &b, sizeof(y));
	return x == y;
}

/*
 * Adds v in the row's scale, escaped.  When v is a column's center (the
 * axis' ends and lone tick of a row whose values are all one, as most
 * byte and allocation counts are), its text data_row() made is used.
 */
static void
put_scaled(struct cstat__ostream *p, const struct tctx *x,
	   const struct cstat__cell *row, const struct cstat__scaler *sc,
	   double v)
{
	char num[CSTAT__SCALE_SIZE];

	for (size_t c = 0; c < x->tb->ncols; c++)
		if (row[c].present && same_bits(row[c].center, v)) {
			put_short(p, x->ctext[c].s, x->ctext[c].n);
			return;
		}
	put_num(p, num, cstat__scaler_format(sc, v, num, sizeof(num)),
		sizeof(num));
}

/*
 * plot_title() of a label that needs escaping, or when the room cannot
 * be had (the stream then has its error).
 */
static void
plot_title_escaped(struct cstat__ostream *p, const struct tctx *x, size_t r,
		   const struct cstat__scaler *sc, const struct axis *a)
{
	const struct cstat__cell *row = &x->tb->cells[r * x->tb->ncols];

	cstat__os_put(p, CSTAT__LIT("<title>"));
	if (x->label_plain)
		cstat__os_put(p, x->label, x->label_n);
	else
		cstat__os_html_text(p, x->label, x->label_n);
	put_piece(p, &x->m, x->m.unit);
	for (size_t c = 0; c < x->tb->ncols; c++) {
		const struct cstat__cell *ce = &row[c];
		if (c)
			cstat__os_put(p, CSTAT__LIT("; "));
		put_piece(p, &x->m, x->m.col[c].label);
		if (!ce->present) {
			cstat__os_put(p, CSTAT__LIT(" no values"));
			continue;
		}
		put_count(p, ce->n);
		/* Made by data_row() (put_num()'s text). */
		put_short(p, x->ctext[c].s, x->ctext[c].n);
	}
	if (a->any) {
		cstat__os_adds(p,
			       a->log ? "; log scale from " : "; scale from ");
		put_scaled(p, x, row, sc, a->min);
		cstat__os_put(p, CSTAT__LIT(" to "));
		put_scaled(p, x, row, sc, a->max);
	}
	cstat__os_put(p, CSTAT__LIT("</title>"));
}

/* put_scaled() into reserved room (CSTAT__SCALE_SIZE and SHORT_MAX). */
static char *
scaled_at(char *w, const struct tctx *x, const struct cstat__cell *row,
	  const struct cstat__scaler *sc, double v)
{
	for (size_t c = 0; c < x->tb->ncols; c++)
		if (row[c].present && same_bits(row[c].center, v))
			return short_at(w, x->ctext[c].s, x->ctext[c].n);
	size_t len = cstat__scaler_format(sc, v, w, CSTAT__SCALE_SIZE);
	return w + (len < CSTAT__SCALE_SIZE ? len : CSTAT__SCALE_SIZE - 1);
}

/* The plot's description: every column's count and median, the axis. */
static void
plot_title(struct cstat__ostream *p, const struct tctx *x, size_t r,
	   const struct cstat__scaler *sc, const struct axis *a)
{
	const struct cstat__cell *row = &x->tb->cells[r * x->tb->ncols];
	char *at = x->label_plain
			   ? cstat__os_room(p, x->m.title_room + x->label_n)
			   : NULL,
	     *w = at;

	if (!at) {
		plot_title_escaped(p, x, r, sc, a);
		return;
	}
	w = PUT_LIT(w, "<title>");
	w = put_at(w, x->label, x->label_n);
	w = piece_at(w, &x->m, x->m.unit);
	for (size_t c = 0; c < x->tb->ncols; c++) {
		const struct cstat__cell *ce = &row[c];
		if (c)
			w = PUT_LIT(w, "; ");
		w = piece_at(w, &x->m, x->m.col[c].label);
		if (!ce->present) {
			w = PUT_LIT(w, " no values");
			continue;
		}
		*w++ = ' ';
		w = uint_at(w, ce->n);
		w = ce->n == 1 ? PUT_LIT(w, " value, median ")
			       : PUT_LIT(w, " values, median ");
		/* Made by data_row() (put_num()'s text). */
		w = short_at(w, x->ctext[c].s, x->ctext[c].n);
	}
	if (a->any) {
		w = a->log ? PUT_LIT(w, "; log scale from ")
			   : PUT_LIT(w, "; scale from ");
		w = scaled_at(w, x, row, sc, a->min);
		w = PUT_LIT(w, " to ");
		w = scaled_at(w, x, row, sc, a->max);
	}
	w = PUT_LIT(w, "</title>");
	cstat__os_commit(p, (size_t)(w - at));
}

/*
 * A dot per finite value of a cell, DOT_BLOCK dots at a time written
 * straight into the buffer: a cell's dots are most of the page's bytes.
 */
static void
dots(struct cstat__ostream *p, const struct tctx *x, const struct colpieces *cp,
     const struct cstat__cell *ce, const struct axis *a)
{
	if (!cp->cy_fits) {
		for (uint32_t j = 0; j < ce->n; j++) {
			if (!isfinite(ce->values[j]))
				continue;
			cstat__os_put(p, CSTAT__LIT("<circle cx=\""));
			coord(p, x->co, xpos(a, ce->values[j]));
			put_piece(p, &x->m, cp->cy[j % 7]);
		}
		return;
	}
	/* The values are sorted, and most cells repeat one (the byte and
	 * allocation counts): a value with the bits of the one before has
	 * its x, whose text is kept, not worked out again. */
	char xt[CSTAT__HTML_COORD_SIZE] = {0};
	size_t xn = 0, jm = 0; /* jm: j % 7, kept as j goes */
	uint64_t prev = 0;
	for (uint32_t j = 0; j < ce->n;) {
		uint32_t k = ce->n - j < DOT_BLOCK ? ce->n - j : DOT_BLOCK;
		char *at = cstat__os_room(p, k * DOT_MAX), *w = at;
		if (!at)
			return;
		for (; k > 0; k--, j++, jm = jm == 6 ? 0 : jm + 1) {
			double v = ce->values[j];
			uint64_t bits;
			if (!isfinite(v))
				continue;
			memcpy(&bits, &v, sizeof(bits));
			if (xn == 0 || bits != prev) {
				xn = coord_text(x->co, xt, xpos(a, v));
				prev = bits;
			}
			memcpy(w, "<circle cx=\"", 12);
			memcpy(w + 12, xt, sizeof(xt));
			w += 12 + xn;
			memcpy(w, cp->cyt[jm], CY_MAX);
			w += cp->cyn[jm];
		}
		cstat__os_commit(p, (size_t)(w - at));
	}
}

/*
 * The start of column c's strip: its group and legend, and the median's
 * confidence interval as a bar (clipped to the axis; dashed when a side
 * is unbounded).  @return false when the strip has nothing more (then
 * it is closed).
 */
static bool
strip_head(struct cstat__ostream *p, const struct tctx *x,
	   const struct cstat__cell *ce, size_t c, const struct axis *a)
{
	const struct colpieces *cp = &x->m.col[c];
	char *at = cstat__os_room(p, cp->open.len + cp->ci_y.len +
					     sizeof("<line class=\"ci open\" "
						    "x1=\"\" x2=\"</g>") +
					     3 * SHORT_MAX),
	     *w = at;

	if (!at)
		return false;
	w = piece_at(w, &x->m, cp->open);
	if (!ce->present || !a->any) {
		w = PUT_LIT(w, "</g>");
		cstat__os_commit(p, (size_t)(w - at));
		return false;
	}
	if (!isnan(ce->lo) && !isnan(ce->hi)) {
		if (isinf(ce->lo) || isinf(ce->hi))
			w = PUT_LIT(w, "<line class=\"ci open\" x1=\"");
		else
			w = PUT_LIT(w, "<line class=\"ci\" x1=\"");
		w += coord_text(x->co, w, xpos(a, ce->lo));
		w = PUT_LIT(w, "\" x2=\"");
		w += coord_text(x->co, w, xpos(a, ce->hi));
		w = piece_at(w, &x->m, cp->ci_y);
	}
	cstat__os_commit(p, (size_t)(w - at));
	return true;
}

/* The end of column c's strip: a tick at the median, and the group's. */
static void
strip_tail(struct cstat__ostream *p, const struct tctx *x,
	   const struct cstat__cell *ce, size_t c, const struct axis *a)
{
	const struct colpieces *cp = &x->m.col[c];
	char *at = cstat__os_room(p, cp->md_y.len +
					     sizeof("<line class=\"md\" "
						    "x1=\"\" x2=\"</g>") +
					     3 * SHORT_MAX),
	     *w = at;

	if (!at)
		return;
	if (isfinite(ce->center)) {
		char xs[CSTAT__HTML_COORD_SIZE]; /* copied whole */
		size_t n = coord_text(x->co, xs, xpos(a, ce->center));
		w = PUT_LIT(w, "<line class=\"md\" x1=\"");
		memcpy(w, xs, sizeof(xs));
		w = PUT_LIT(w + n, "\" x2=\"");
		memcpy(w, xs, sizeof(xs));
		w = piece_at(w + n, &x->m, cp->md_y);
	}
	w = PUT_LIT(w, "</g>");
	cstat__os_commit(p, (size_t)(w - at));
}

/*
 * One column's strip: the median's confidence interval as a bar, a dot
 * per finite value and a tick at the median.  Only the x coordinates are
 * made per row.
 */
static void
strip(struct cstat__ostream *p, const struct tctx *x,
      const struct cstat__cell *ce, size_t c, const struct axis *a)
{
	if (!strip_head(p, x, ce, c, a))
		return;
	dots(p, x, &x->m.col[c], ce, a);
	strip_tail(p, x, ce, c, a);
}

/*
 * Whether strip() of cell c of a row on axis a is flat_strip()'s: a
 * flat row, and a cell of finite values with a finite interval and
 * median, so that the strip depends on its column and count alone.
 */
static bool
strip_is_flat(const struct cstat__cell *ce, size_t c, const struct axis *a)
{
	return a->flat && c < 64 && (a->finite >> c & 1) && ce->present &&
	       isfinite(ce->lo) && isfinite(ce->hi) && isfinite(ce->center);
}

/*
 * strip() of a cell strip_is_flat() accepts, of n values, from the
 * pieces made by strip() itself (flat_pieces()): one reservation of the
 * buffer and a few copies, where a dot would cost its coordinate.
 */
static void
flat_strip(struct cstat__ostream *p, const struct tmpl *m,
	   const struct colpieces *cp, uint32_t n)
{
	const char *d = m->s.data;
	size_t q = n / 7, r = n % 7;
	size_t len = cp->flat_head.len + q * cp->flat_dots.len +
		     cp->flat_dot_end[r] + cp->flat_tail.len;
	char *at = cstat__os_room(p, len), *w = at;

	if (!at)
		return;
	memcpy(w, d + cp->flat_head.off, cp->flat_head.len);
	w += cp->flat_head.len;
	for (; q > 0; q--, w += cp->flat_dots.len)
		memcpy(w, d + cp->flat_dots.off, cp->flat_dots.len);
	memcpy(w, d + cp->flat_dots.off, cp->flat_dot_end[r]);
	w += cp->flat_dot_end[r];
	memcpy(w, d + cp->flat_tail.off, cp->flat_tail.len);
	cstat__os_commit(p, len);
}

/*
 * Ticks of a linear axis: multiples of 1, 2 or 5 times a power of ten,
 * about four across; *step gets the spacing.  Returns how many (at most
 * MAX_TICKS) are put in v.
 */
static size_t
linear_ticks(const struct axis *a, double *v, double *step)
{
	double span = a->max - a->min;

	if (!(span > 0) || !isfinite(span)) {
		v[0] = a->min;
		*step = 0; /* one value: label it as the table does */
		return 1;
	}
	double raw = span / 4, mag = pow(10, floor(log10(raw)));
	double s = raw / mag < 1.5   ? 1
		   : raw / mag < 3.5 ? 2
		   : raw / mag < 7.5 ? 5
				     : 10;
	*step = s * mag;
	size_t n = 0;
	for (double k = ceil(a->min / *step); n < MAX_TICKS; k++) {
		double t = k * *step;
		if (t > a->max + *step * 1e-9)
			break;
		v[n++] = t;
	}
	return n;
}

/*
 * Ticks of a log axis: the powers of ten in it, and 2 and 5 times them
 * when there are fewer than three.  Returns how many are put in v.
 */
static size_t
log_ticks(const struct axis *a, double *v)
{
	static const double mult[] = {1, 2, 5};
	double lo = floor(log10(a->min)), hi = ceil(log10(a->max));
	size_t n = 0, powers = 0;

	for (double e = lo; e <= hi; e++)
		powers += pow(10, e) >= a->min * (1 - 1e-9) &&
			  pow(10, e) <= a->max * (1 + 1e-9);
	size_t nmult = powers < 3 ? 3 : 1;
	for (double e = lo; e <= hi && n < MAX_TICKS; e++)
		for (size_t m = 0; m < nmult && n < MAX_TICKS; m++) {
			double t = mult[m] * pow(10, e);
			if (t >= a->min * (1 - 1e-9) &&
			    t <= a->max * (1 + 1e-9))
				v[n++] = t;
		}
	return n;
}

/*
 * A tick's label in the row's scale (the table's prefix), with as many
 * decimals as the spacing of the ticks needs and no more; a lone tick
 * (step 0) as the table prints it.
 * It is written into room reserved for it (CSTAT__SCALE_SIZE).
 */
static char *
tick_label_at(char *w, const struct tctx *x, const struct cstat__cell *row,
	      const struct cstat__scaler *sc, double v, double step)
{
	struct cstat__scaler s = *sc;
	double d = step / s.factor;
	int prec = 0;

	if (!(step > 0))
		return scaled_at(w, x, row, sc, v);
	/* pow(10, prec), which is exact for these, without the call. */
	static const double p10[] = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};

	while (prec < 6 && d * p10[prec] < 0.9995)
		prec++;
	s.prec = prec;
	size_t len = cstat__scaler_format(&s, v, w, CSTAT__SCALE_SIZE);
	return w + (len < CSTAT__SCALE_SIZE ? len : CSTAT__SCALE_SIZE - 1);
}

/* The axis under the strips: a line, ticks with labels, and the unit. */
static void
axis_line(struct cstat__ostream *p, const struct tctx *x,
	  const struct cstat__cell *row, const struct cstat__scaler *sc,
	  const struct axis *a)
{
	double v[MAX_TICKS], step = 0;
	size_t n = 0;

	if (a->any)
		n = a->log ? log_ticks(a, v) : linear_ticks(a, v, &step);
	char *at = cstat__os_room(p, x->m.axis.len + x->m.un_log.len +
					     (n + 1) * x->m.tick_room),
	     *w = at;
	if (!at)
		return;
	w = piece_at(w, &x->m, x->m.axis);
	for (size_t i = 0; i < n; i++) {
		char xs[CSTAT__HTML_COORD_SIZE]; /* copied whole */
		double xt = xpos(a, v[i]), xl = xt;
		size_t len = coord_text(x->co, xs, xt);
		w = PUT_LIT(w, "<line class=\"tk\" x1=\"");
		memcpy(w, xs, sizeof(xs));
		w = PUT_LIT(w + len, "\" x2=\"");
		memcpy(w, xs, sizeof(xs));
		w += len;
		w = piece_at(w, &x->m, x->m.tick_mid);
		/* Keep the labels inside the plot. */
		if (xl < PLOT_X0 + 14)
			xl = PLOT_X0 + 14;
		if (xl > PLOT_W - 16)
			xl = PLOT_W - 16;
		w += coord_text(x->co, w, xl);
		w = piece_at(w, &x->m, x->m.tick_end);
		w = tick_label_at(w, x, row, sc, v[i], a->log ? v[i] : step);
		w = PUT_LIT(w, "</text>");
	}
	w = piece_at(w, &x->m, a->log ? x->m.un_log : x->m.un);
	cstat__os_commit(p, (size_t)(w - at));
}

static void
plot(struct cstat__ostream *p, const struct tctx *x, size_t r,
     const struct cstat__scaler *sc)
{
	const struct cstat__cell *row = &x->tb->cells[r * x->tb->ncols];
	struct axis a;

	axis_of(&a, row, x->tb->ncols);
	put_piece(p, &x->m, x->m.svg);
	plot_title(p, x, r, sc, &a);
	axis_line(p, x, row, sc, &a);
	for (size_t c = 0; c < x->tb->ncols; c++) {
		if (strip_is_flat(&row[c], c, &a))
			flat_strip(p, &x->m, &x->m.col[c], row[c].n);
		else
			strip(p, x, &row[c], c, &a);
	}
	cstat__os_put(p, CSTAT__LIT("</svg>"));
}

/*
 * Why the gate does not call a change what benchstat's column calls
 * significant, or NULL when they agree: the mark's title.
 */
static const char *
gate_doubt(const struct cstat__cell *ce, const struct cstat_check *k,
	   double alpha)
{
	if (!k || !ce->significant || k->verdict == CSTAT_IMPROVEMENT ||
	    k->verdict == CSTAT_REGRESSION)
		return NULL;
	if (k->verdict == CSTAT_INCONCLUSIVE)
		return "inconclusive for the gate";
	if (k->p_adjusted > alpha && !k->exact)
		return "not significant after the correction for multiple "
		       "comparisons";
	return "within the gate's threshold";
}

/*
 * The delta cell.  A change the gate would call one (significant after
 * the correction for multiple comparisons, and past the threshold) is
 * better or worse for the unit: the class colours it, an arrow shows its
 * direction, and the word is in the title and, for screen readers, in the
 * cell.  A change benchstat's column alone calls significant gets a dagger
 * that says why the gate does not (the page's last footnote explains).
 */
static void
delta(struct cstat__ostream *p, const struct tctx *x,
      const struct cstat__cell *ce, double base, const struct cstat_check *k)
{
	char num[64];
	int dir = 0;
	const char *doubt = gate_doubt(ce, k, x->alpha);
	bool sig = ce->significant && !doubt;

	cstat__format_delta(ce, base, num, sizeof(num));
	if (sig && ce->center > base)
		dir = 1;
	else if (sig && ce->center < base)
		dir = -1;
	char *at;
	if (dir == 0 && !doubt && (at = cstat__os_room(p, 3 * SHORT_MAX))) {
		char *w = PUT_LIT(at, "<td class=\"delta\">");
		w = short_at(w, num, strlen(num)); /* put_cell_text() */
		w = PUT_LIT(w, "</td>");
		cstat__os_commit(p, (size_t)(w - at));
		return;
	}
	if (dir == 0) {
		cstat__os_adds(p, doubt ? "<td class=\"delta doubt\">"
					: "<td class=\"delta\">");
		put_cell_text(p, num);
		if (doubt) {
			cstat__os_put(p, CSTAT__LIT("<sup class=\"fn\"><a "
						    "href=\"#gate\" title=\""));
			cstat__os_adds(p, doubt);
			cstat__os_put(p, CSTAT__LIT("\" aria-label=\""));
			cstat__os_adds(p, doubt);
			cstat__os_put(p,
				      CSTAT__LIT("\">\xe2\x80\xa0</a></sup>"));
		}
		cstat__os_adds(p, "</td>");
		return;
	}
	const char *word =
		(dir > 0) == x->tb->higher_better ? "better" : "worse";
	cstat__os_printf(p,
			 "<td class=\"delta %s\" title=\"%s: %s is better for ",
			 word, word, x->tb->higher_better ? "higher" : "lower");
	tstr(p, x->t, x->tb->unit);
	cstat__os_adds(p, "\"><span aria-hidden=\"true\">");
	cstat__os_adds(p, dir > 0 ? "\xe2\x96\xb2 " : "\xe2\x96\xbc ");
	cstat__os_adds(p, "</span>");
	put_cell_text(p, num);
	cstat__os_printf(p, "<span class=\"sr\"> (%s)</span></td>", word);
}

/* Whether the gate calls some change of row r one. */
static bool
row_changed(const struct tctx *x, size_t r)
{
	for (size_t c = 1; c < x->tb->ncols; c++) {
		const struct cstat_check *k = x->ck[r * x->tb->ncols + c];
		if (k && (k->verdict == CSTAT_IMPROVEMENT ||
			  k->verdict == CSTAT_REGRESSION))
			return true;
	}
	return false;
}

/*
 * Asks for the gate's records of row r's cells ahead: 60,000 of them
 * spread over 16 MB, each read once by its row, a cache miss apiece.
 */
static void
prefetch_checks(const struct tctx *x, size_t r)
{
	if (r >= x->tb->nrows)
		return;
	for (size_t c = 1; c < x->tb->ncols; c++) {
		const struct cstat_check *k = x->ck[r * x->tb->ncols + c];
		if (k)
			__builtin_prefetch(k);
	}
}

static void
data_row(struct cstat__ostream *p, struct tctx *x, size_t r)
{
	const struct cstat_tables *t = x->t;
	const struct cstat__table *tb = x->tb;
	const struct cstat__cell *row = &tb->cells[r * tb->ncols];
	char num[CSTAT__SCALE_SIZE], txt[64];
	struct cstat__scaler sc;
	size_t n = 0;

	prefetch_checks(x, r + 1);
	/* One scale for the row's centers, as the text output has. */
	for (size_t c = 0; c < tb->ncols; c++)
		if (row[c].present)
			x->centers[n++] = row[c].center;
	cstat__scaler_common(&sc, x->centers, n, x->class);

	char *at = cstat__os_room(p, sizeof("<tr id=\"t-r\" class=\"chg\"><th "
					    "scope=\"row\">") +
					     2 * 20),
	     *w = at;
	if (at) {
		w = PUT_LIT(w, "<tr id=\"t");
		w = uint_at(w, x->tno);
		w = PUT_LIT(w, "-r");
		w = uint_at(w, r + 1);
		if (row_changed(x, r))
			w = PUT_LIT(w, "\" class=\"chg");
		w = PUT_LIT(w, "\"><th scope=\"row\">");
		cstat__os_commit(p, (size_t)(w - at));
	}
	x->label = cstat__tstr(t, tb->row_labels[r]);
	x->label_n = x->labels[tb->row_labels[r]].n;
	x->label_plain = x->labels[tb->row_labels[r]].plain;
	if (x->label_plain && (at = cstat__os_room(p, 6 * x->label_n + 8))) {
		w = cstat__html_name_plain_at(at, x->label, x->label_n);
		w = PUT_LIT(w, "</th>");
		cstat__os_commit(p, (size_t)(w - at));
	} else {
		cstat__html_name(p, x->label);
		cstat__os_adds(p, "</th>");
	}
	for (size_t c = 0; c < tb->ncols; c++) {
		const struct cstat__cell *ce = &row[c];
		if (!ce->present) {
			for (size_t k = col_width(x, c); k > 0; k--)
				cstat__os_adds(p, "<td></td>");
			continue;
		}
		struct ctext *ct = &x->ctext[c];
		size_t same = 0;
		/* A center equal to an earlier column's has its text. */
		while (same < c && !(row[same].present &&
				     same_bits(row[same].center, ce->center)))
			same++;
		if (same < c) {
			ct->n = x->ctext[same].n;
			memcpy(ct->s, x->ctext[same].s, ct->n);
		} else {
			size_t len = cstat__scaler_format(&sc, ce->center,
							  ct->s, sizeof(ct->s));
			ct->n = len < sizeof(ct->s) ? len : sizeof(ct->s) - 1;
		}
		if ((at = cstat__os_room(p, ct->n + 4 * SHORT_MAX))) {
			w = PUT_LIT(at, "<td class=\"ctr\">");
			w = short_at(w, ct->s, ct->n); /* put_num()'s text */
			w = PUT_LIT(w, "</td><td class=\"ci\">\xc2\xb1 ");
			cstat__pct_range(ce, txt, sizeof(txt));
			w = short_at(w, txt, strlen(txt)); /* put_cell_text() */
			cstat__os_commit(p, (size_t)(w - at));
		}
		markers(p, x->tno, &x->fn, ce->warn, ce->nwarn);
		cstat__os_adds(p, "</td>");
		for (size_t k = 0; k < t->nstats; k++) {
			/* In the row's scale, as the text output has them. */
			cstat__stat_format(t, tb, k, cstat__cell_stat(t, ce, k),
					   &sc, num, sizeof(num));
			cstat__os_adds(p, "<td class=\"st\">");
			cstat__html_text(p, num);
			cstat__os_adds(p, "</td>");
		}
		if (c == 0)
			continue;
		if (!ce->has_cmp) {
			cstat__os_adds(p, "<td></td><td></td>");
			continue;
		}
		delta(p, x, ce, row[0].center, x->ck[r * tb->ncols + c]);
		if ((at = cstat__os_room(p, 3 * SHORT_MAX))) {
			cstat__format_cmp(ce, row[0].n, txt, sizeof(txt));
			w = PUT_LIT(at, "<td class=\"note\">(");
			w = short_at(w, txt, strlen(txt)); /* put_cell_text() */
			w = PUT_LIT(w, ")");
			cstat__os_commit(p, (size_t)(w - at));
		}
		markers(p, x->tno, &x->fn, ce->cmpwarn, ce->ncmpwarn);
		cstat__os_adds(p, "</td>");
	}
	cstat__os_adds(p, "<td class=\"plot\">");
	plot(p, x, r, &sc);
	cstat__os_adds(p, "</td></tr>\n");
}

/* The geomean row: each column's geomean, and its ratio to the first. */
static void
geomean_row(struct cstat__ostream *p, const struct tctx *x)
{
	const struct cstat__table *tb = x->tb;
	char num[CSTAT__SCALE_SIZE];

	cstat__os_adds(p,
		       "<tr class=\"geomean\"><th scope=\"row\">geomean</th>");
	for (size_t c = 0; c < tb->ncols; c++) {
		const struct cstat__summary *s = &tb->summary[c];
		cstat__os_adds(p, "<td class=\"ctr\">");
		if (s->has_summary) {
			cstat__scale_format(s->summary, x->class, num,
					    sizeof(num));
			cstat__html_text(p, num);
		}
		/* The geomean's footnotes end its column, as in the text. */
		cstat__os_adds(p, "</td><td class=\"ci\">");
		if (c == 0)
			markers(p, x->tno, &x->fn, s->warn, s->nwarn);
		cstat__os_adds(p, "</td>");
		for (size_t k = 0; k < x->t->nstats; k++)
			cstat__os_adds(p, "<td></td>");
		if (c == 0)
			continue;
		cstat__os_adds(p, "<td class=\"delta\">");
		if (s->has_ratio) {
			cstat__fmt_percent(num, sizeof(num),
					   (s->ratio - 1) * 100);
			cstat__html_text(p, num);
		} else {
			cstat__os_adds(p, "?");
		}
		cstat__os_adds(p, "</td><td class=\"note\">");
		markers(p, x->tno, &x->fn, s->warn, s->nwarn);
		cstat__os_adds(p, "</td>");
	}
	cstat__os_adds(p, "<td class=\"plot\"></td></tr>\n");
}

static void
footnote_list(struct cstat__ostream *p, const struct tctx *x)
{
	if (x->fn.n == 0)
		return;
	cstat__os_adds(p, "<ol class=\"notes\" aria-label=\"notes\">\n");
	for (size_t i = 0; i < x->fn.n; i++) {
		cstat__os_printf(p, "<li id=\"t%zu-n%zu\">", x->tno, i + 1);
		tstr(p, x->t, x->fn.ids[i]);
		cstat__os_adds(p, "</li>\n");
	}
	cstat__os_adds(p, "</ol>\n");
}

/* The heading: the unit, then the configuration not every table shares. */
static void
heading(struct cstat__ostream *p, const struct tctx *x, const bool *common)
{
	const struct cstat_tables *t = x->t;

	cstat__os_printf(p, "<h2 id=\"t%zu\">", x->tno);
	tstr(p, t, x->tb->unit);
	cstat__html_table_key(p, t, x->tb, common);
	cstat__os_adds(p, "</h2>\n");
}

/*
 * How many cells a row has left of its plot: the style sheet sizes the
 * plot from the page's width less that many cells, so that a table with
 * many columns still fits beside a readable plot.
 */
static size_t
table_cells(const struct tctx *x)
{
	size_t n = 0;

	for (size_t c = 0; c < x->tb->ncols; c++)
		n += col_width(x, c);
	return n;
}

/*
 * Points x->ck at the gate's verdict of each of table i's cells.  The
 * gate lists its checks in table order: *next is where table i's start,
 * or later, and is left after them.
 */
static int
table_checks(struct tctx *x, const cstat_gate *g, size_t i, size_t *next)
{
	size_t n = x->tb->nrows * x->tb->ncols;

	x->ck = calloc(n ? n : 1, sizeof(*x->ck));
	if (!x->ck)
		return CSTAT_ENOMEM;
	/* The checks as the gate keeps them: cstat_gate_get() would write
	 * each one's config text, which the page never prints. */
	for (; g && *next < cstat_gate_count(g); ++*next) {
		const struct cstat_check *k = &g->checks[*next];
		if (k->table > i)
			break;
		if (k->table == i && k->row < x->tb->nrows &&
		    k->col < x->tb->ncols)
			x->ck[k->row * x->tb->ncols + k->col] = k;
	}
	return 0;
}

/*
 * The rows of a large table on two threads: the table is cut into chunks
 * of CHUNK_ROWS rows; this thread makes the even ones straight into the
 * page, a helper the odd ones into a buffer of its own that this thread
 * copies into the page in turn.  Memory stays one chunk, the bytes are
 * those of one thread, and each thread has its own scratch.
 */
#define CHUNK_ROWS 256

struct helper {
	struct tctx x;		   /* the table's, with its own scratch */
	struct cstat__ostream out; /* the chunk made (in memory) */
	bool full;		   /* out holds a chunk not yet taken */
	bool stop;		   /* this thread wants no more */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

/* Rows [r0, r1) of chunk k of a table of nrows rows. */
static void
chunk_rows(size_t k, size_t nrows, size_t *r0, size_t *r1)
{
	*r0 = k * CHUNK_ROWS;
	*r1 = *r0 + CHUNK_ROWS < nrows ? *r0 + CHUNK_ROWS : nrows;
}

static void *
helper_main(void *arg)
{
	struct helper *h = arg;
	size_t nrows = h->x.tb->nrows, r0, r1;

	for (size_t k = 1; k * CHUNK_ROWS < nrows; k += 2) {
		pthread_mutex_lock(&h->mu);
		while (h->full && !h->stop)
			pthread_cond_wait(&h->cv, &h->mu);
		bool stop = h->stop;
		pthread_mutex_unlock(&h->mu);
		if (stop)
			break;
		chunk_rows(k, nrows, &r0, &r1);
		for (size_t r = r0; r < r1; r++)
			data_row(&h->out, &h->x, r);
		pthread_mutex_lock(&h->mu);
		h->full = true;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
	}
	return NULL;
}

/* Takes the helper's chunk into the page, and lets it make the next. */
static void
take_chunk(struct cstat__ostream *p, struct helper *h)
{
	pthread_mutex_lock(&h->mu);
	while (!h->full)
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
	cstat__os_fail(p, h->out.err);
	/* Not cstat__os_put(): a chunk (half a megabyte) would fit under the
	 * page's PAGE_FLUSH_AT and be copied; cstat__os_add() writes it out
	 * as it is, after what the page holds. */
	cstat__os_add(p, h->out.data, h->out.len);
	h->out.len = 0;
	pthread_mutex_lock(&h->mu);
	h->full = false;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

/* The rows of x->tb: on two threads when the tables were built so and the
 * table is large.  @return 0 or CSTAT_ENOMEM. */
static int
rows(struct cstat__ostream *p, struct tctx *x)
{
	size_t nrows = x->tb->nrows, r0, r1;
	struct helper h = {.x = *x};
	pthread_t th;
	bool threaded = false;

	if (x->t->threads > 1 && nrows >= 2048) {
		size_t nc = x->tb->ncols ? x->tb->ncols : 1;
		h.x.centers = malloc(nc * sizeof(double));
		h.x.ctext = malloc(nc * sizeof(*h.x.ctext));
		if (!h.x.centers || !h.x.ctext) {
			free(h.x.centers);
			free(h.x.ctext);
			return CSTAT_ENOMEM;
		}
		pthread_mutex_init(&h.mu, NULL);
		pthread_cond_init(&h.cv, NULL);
		threaded = pthread_create(&th, NULL, helper_main, &h) == 0;
	}
	for (size_t k = 0; k * CHUNK_ROWS < nrows && !p->err; k++) {
		if (threaded && k % 2) {
			take_chunk(p, &h);
			continue;
		}
		chunk_rows(k, nrows, &r0, &r1);
		for (size_t r = r0; r < r1; r++)
			data_row(p, x, r);
	}
	if (x->t->threads > 1 && nrows >= 2048) {
		if (threaded) {
			pthread_mutex_lock(&h.mu);
			h.stop = true;
			pthread_cond_broadcast(&h.cv);
			pthread_mutex_unlock(&h.mu);
			pthread_join(th, NULL);
		}
		pthread_cond_destroy(&h.cv);
		pthread_mutex_destroy(&h.mu);
		cstat__os_release(&h.out);
		free(h.x.centers);
		free(h.x.ctext);
	}
	return 0;
}

/* Fills in x->labels for the labels of x->tb's rows that earlier tables
 * did not have (before the rows' threads start). */
static void
label_info(const struct tctx *x)
{
	for (size_t r = 0; r < x->tb->nrows; r++) {
		struct label *lb = &x->labels[x->tb->row_labels[r]];
		if (lb->known)
			continue;
		const char *s = cstat__tstr(x->t, x->tb->row_labels[r]);
		size_t n = strlen(s);
		lb->n = (uint32_t)n;
		lb->plain = cstat__html_is_plain(s, n);
		lb->known = true;
	}
}

static int
render_table(struct cstat__ostream *p, const struct cstat_tables *t, size_t i,
	     const bool *common, const cstat_gate *g, size_t *next,
	     const struct coords *co, struct label *labels)
{
	struct tctx x = {
		.labels = labels,
		.co = co,
		.t = t,
		.tb = &t->tables[i],
		.tno = i + 1,
		.class = cstat__unit_scaling(cstat__tstr(t, t->tables[i].unit)),
		.alpha = g ? g->c->alpha : t->alpha,
	};
	int rc = cstat__number_footnotes(x.tb, &x.fn);

	if (!rc)
		rc = table_checks(&x, g, i, next);
	if (rc)
		goto out_free;
	x.centers = malloc((x.tb->ncols ? x.tb->ncols : 1) * sizeof(double));
	x.ctext = malloc((x.tb->ncols ? x.tb->ncols : 1) * sizeof(*x.ctext));
	rc = x.centers && x.ctext ? tmpl_make(&x) : CSTAT_ENOMEM;
	if (rc)
		goto out_free;
	cstat__os_printf(p, "<section aria-labelledby=\"t%zu\">\n", x.tno);
	heading(p, &x, common);
	cstat__os_printf(
		p,
		"<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
		"aria-labelledby=\"t%zu\">\n<table aria-labelledby=\"t%zu\" "
		"style=\"--cells:%zu\">\n",
		x.tno, x.tno, table_cells(&x));
	header(p, &x);
	cstat__os_adds(p, "<tbody>\n");
	label_info(&x);
	rc = rows(p, &x);
	if (x.tb->nrows > 1)
		geomean_row(p, &x);
	cstat__os_adds(p, "</tbody>\n</table>\n</div>\n");
	footnote_list(p, &x);
	cstat__os_adds(p, "</section>\n");
out_free:
	cstat__os_release(&x.m.s);
	free(x.m.col);
	free(x.centers);
	free(x.ctext);
	free(x.ck);
	free(x.fn.ids);
	return rc;
}

/* ------------------------------------------------------------------------
 * The summary on top and the gate's footnote at the end.
 */

/*
 * The gate's verdicts under its defaults (Holm's correction, 5%
 * threshold) at the tables' alpha, or NULL in *out when there is nothing
 * to judge.  The page's colours follow it, not benchstat's uncorrected
 * column: on many benchmarks that column marks noise as changes.
 */
static int
judge(const struct cstat_tables *t, cstat_gate_config **c, cstat_gate **out)
{
	int rc = cstat_gate_config_new(c);

	*out = NULL;
	if (rc)
		return rc;
	if (t->alpha > 0 && t->alpha < 1)
		(*c)->alpha = t->alpha;
	/* On as many threads as the tables were built with: the verdicts are
	 * the same, and judging 60,000 comparisons is most of a large page. */
	rc = cstat__gate_new_verdicts(out, t, *c, t->threads);
	if (!rc && cstat_gate_count(*out) == 0) {
		/* One column: nothing compared, nothing to sum up. */
		cstat_gate_free(*out);
		*out = NULL;
	}
	/* Tables the gate cannot judge are still a page. */
	return rc == CSTAT_EINVAL ? 0 : rc;
}

/* The link to the changed row of check k, with its change and word. */
static void
summary_link(struct cstat__ostream *p, const struct cstat_tables *t,
	     const struct cstat_check *k)
{
	const struct cstat__table *tb = &t->tables[k->table];
	const struct cstat__cell *row = &tb->cells[k->row * tb->ncols];
	const char *word = k->verdict == CSTAT_IMPROVEMENT ? "better" : "worse";
	char num[64];

	cstat__format_delta(&row[k->col], row[0].center, num, sizeof(num));
	cstat__os_printf(p, "<li class=\"%s\"><a href=\"#t%zu-r%zu\">", word,
			 k->table + 1, k->row + 1);
	cstat__html_text(p, k->name);
	cstat__os_adds(p, "</a> ");
	cstat__html_text(p, k->unit);
	if (tb->ncols > 2) {
		cstat__os_adds(p, " (");
		cstat__html_text(p, k->new_label);
		cstat__os_adds(p, ")");
	}
	cstat__os_adds(p, " <b>");
	cstat__html_text(p, num);
	cstat__os_printf(p, "</b> %s</li>\n", word);
}

/* How many cells benchstat's column marks significant. */
static size_t
count_significant(const struct cstat_tables *t)
{
	size_t n = 0;

	for (size_t i = 0; i < t->ntables; i++) {
		const struct cstat__table *tb = &t->tables[i];
		for (size_t j = 0; j < tb->nrows * tb->ncols; j++)
			n += tb->cells[j].significant;
	}
	return n;
}

/*
 * The summary: how many comparisons are better, worse and unchanged for
 * the gate, a link to every changed row, and the switch (a checkbox and
 * CSS, no script) that hides the other rows.
 */
static void
summary(struct cstat__ostream *p, const struct cstat_tables *t,
	const cstat_gate *g)
{
	size_t better = cstat_gate_tally(g, CSTAT_IMPROVEMENT),
	       worse = cstat_gate_tally(g, CSTAT_REGRESSION),
	       same = cstat_gate_tally(g, CSTAT_UNCHANGED),
	       inc = cstat_gate_tally(g, CSTAT_INCONCLUSIVE);

	cstat__os_adds(p, "<input type=\"checkbox\" id=\"only-changed\" "
			  "class=\"sr\">\n<nav class=\"summary\" "
			  "aria-label=\"summary\">\n<p class=\"counts\">");
	cstat__os_printf(p,
			 "<span class=\"better\">%zu better</span>, "
			 "<span class=\"worse\">%zu worse</span>, "
			 "%zu unchanged",
			 better, worse, same);
	if (inc)
		cstat__os_printf(p, ", %zu inconclusive", inc);
	cstat__os_printf(p,
			 " of %zu comparisons, as the gate judges them "
			 "(<a href=\"#gate\">how</a>).",
			 cstat_gate_count(g));
	if (better + worse > 0)
		cstat__os_adds(p, " <label for=\"only-changed\">Show only "
				  "the changed rows</label>");
	cstat__os_adds(p, "</p>\n");
	if (better + worse == 0) {
		cstat__os_adds(p, "</nav>\n");
		return;
	}
	cstat__os_adds(p, "<ul class=\"changes\">\n");
	for (size_t j = 0; j < cstat_gate_count(g); j++) {
		const struct cstat_check *k = &g->checks[j];
		if (k->verdict == CSTAT_IMPROVEMENT ||
		    k->verdict == CSTAT_REGRESSION)
			summary_link(p, t, k);
	}
	cstat__os_adds(p, "</ul>\n</nav>\n");
}

/* The footnote that says how the gate judges, with the page's numbers. */
static void
gate_note(struct cstat__ostream *p, const struct cstat_tables *t,
	  const cstat_gate *g)
{
	size_t sig = count_significant(t),
	       kept = cstat_gate_tally(g, CSTAT_IMPROVEMENT) +
		      cstat_gate_tally(g, CSTAT_REGRESSION);

	cstat__os_adds(p, "<p class=\"legend\" id=\"gate\">"
			  "\xe2\x80\xa0 Better and worse are the "
			  "gate\xe2\x80\x99s verdicts (cregress with its "
			  "defaults): a change counts when its U test is "
			  "significant at \xce\xb1 = ");
	cstat__os_go_float(p, g->c->alpha);
	cstat__os_printf(p,
			 " after Holm\xe2\x80\x99s correction for the %zu "
			 "comparison%s tested together, and the change of the "
			 "medians is larger than ",
			 g->family, g->family == 1 ? "" : "s");
	cstat__os_go_float(p, g->c->threshold * 100);
	cstat__os_printf(p,
			 "%%. Benchstat\xe2\x80\x99s column tests each row "
			 "alone: it marks %zu change%s significant here, %zu "
			 "of which the gate keeps; a dagger marks the others "
			 "(hover it for why).</p>\n",
			 sig, sig == 1 ? "" : "s", kept);
}

/*
 * The page goes out in blocks of this many bytes, far more than stdio's
 * buffer (the tool's is 64 KiB): fwrite() then hands most of each block
 * to write(2) as it is.  At the stream's usual 64 KiB it copied every
 * byte of the page into that buffer first (116 MB on a large page, 64 M
 * instructions and as much memory traffic, on the thread that writes).
 */
#define PAGE_FLUSH_AT ((size_t)1 << 20)

int
cstat__render_html(const struct cstat_tables *t, FILE *out)
{
	struct cstat__ostream p;
	cstat_gate_config *gc = NULL;
	cstat_gate *g = NULL;
	struct coords *co = NULL;
	struct label *labels = NULL;
	bool *common;
	size_t next = 0;
	int rc = cstat__html_common_keys(t, &common);

	cstat__os_file(&p, out);
	p.limit = PAGE_FLUSH_AT;
	if (!rc)
		rc = judge(t, &gc, &g);
	if (!rc && t->ntables > 0 &&
	    (!(co = coords_new()) ||
	     !(labels = calloc(t->strs.count + 1, sizeof(*labels)))))
		rc = CSTAT_ENOMEM;
	if (rc) {
		free(co);
		free(common);
		cstat_gate_free(g);
		cstat_gate_config_free(gc);
		return rc;
	}
	head(&p, t);
	if (t->ntables > 0) {
		if (g)
			summary(&p, t, g);
		if (t->diag)
			cstat__html_warnings(&p, t->diag);
		cstat__html_config(&p, t, common);
		legend(&p, t);
	} else {
		cstat__os_adds(&p, "<p>No benchmark results.</p>\n");
	}
	for (size_t i = 0; i < t->ntables && !rc && !p.err; i++)
		rc = render_table(&p, t, i, common, g, &next, co, labels);
	if (g && t->ntables > 0)
		gate_note(&p, t, g);
	int err = cstat__html_end(&p);
	free(labels);
	free(co);
	free(common);
	cstat_gate_free(g);
	cstat_gate_config_free(gc);
	return rc ? rc : err;
}
