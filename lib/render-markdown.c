/*
 * render-markdown.c - the tables as GitHub-flavoured Markdown, for a
 * pull-request comment or $GITHUB_STEP_SUMMARY.
 *
 * Each benchstat table becomes what the text output says, in Markdown:
 *
 *   - goos: linux                    the configuration lines that changed,
 *                                    as a list (one item per line, so a
 *                                    diff of two reports stays readable)
 *
 *   |  | old<br>sec/op | new<br>sec/op | vs base |
 *   |:--|--:|--:|--:|
 *   | Enc | 1.718µ ± 1% | 1.422µ ± 2% | **-17.20%** better (p=0.000 n=10) |
 *   | geomean | 1.718µ | 1.422µ | -17.20% |
 *
 *   1. need >= 6 samples ...         the footnotes, numbered as the
 *                                    superscripts in the cells
 *
 * The numbers are the very strings the text output prints (the same row
 * scaling, range, delta and test note), so the two can be compared by
 * eye or by grep.  With -stats each column's center cell is followed by
 * one cell per statistic.  Tables are separated by a blank line, which is
 * also what ends a GFM table.  Every name that comes from the input is
 * escaped so it can neither break the table nor turn into markup.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "ostream.h"
#include "tables.h"
#include "units.h"

/* The output, and its first error (m->os.err). */
struct md {
	struct cstat__ostream os;
};

static void
add(struct md *m, const char *s, size_t len)
{
	cstat__os_put(&m->os, s, len);
}

static void
adds(struct md *m, const char *s)
{
	cstat__os_adds(&m->os, s);
}

/* Ends the line. */
static void
emit(struct md *m)
{
	cstat__os_put(&m->os, "\n", 1);
}

/*
 * Adds s escaped as Markdown text.  A byte that is not UTF-8 becomes
 * U+FFFD: GitHub renders a table with one as a paragraph from that row on.
 */
static void
add_esc(struct md *m, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), run = 0, i = 0;

	while (i < len) {
		const char *rep = NULL;
		unsigned long c = 0;
		size_t n = 1;

		if (p[i] >= 0x80) {
			n = cstat__utf8_decode(p + i, len - i, &c);
			if (c == 0xfffd && n == 1)
				rep = "\xef\xbf\xbd";
		} else {
			rep = cstat__md_escape(s[i]);
		}
		if (rep) {
			add(m, s + run, i - run);
			adds(m, rep);
			run = i + n;
		}
		i += n;
	}
	add(m, s + run, len - run);
}

/*
 * Adds s escaped as the first text of a list item, where "#", "+", "-",
 * "=" or "1." would start a heading, a nested list or a rule.  Config
 * keys never start so (Go's format wants a lower-case letter), but
 * projections name keys too.
 */
static void
add_esc_start(struct md *m, const char *s)
{
	size_t digits = strspn(s, "0123456789");

	if (digits == 0 &&
	    (s[0] == '#' || s[0] == '+' || s[0] == '-' || s[0] == '=')) {
		adds(m, "\\");
	} else if (digits > 0 && (s[digits] == '.' || s[digits] == ')')) {
		add(m, s, digits);
		adds(m, "\\");
		s += digits;
	}
	add_esc(m, s);
}

/* Starts a table row. */
static void
row_open(struct md *m)
{
	adds(m, "|");
}

/* Ends the cell whose text was just added. */
static void
cell_close(struct md *m)
{
	adds(m, " |");
}

/* Adds a whole cell of text that needs no escaping (numbers, our words). */
static void
cell(struct md *m, const char *s)
{
	adds(m, " ");
	adds(m, s);
	cell_close(m);
}

/* ---------------------------------------------------------------------- */
/* Footnotes, numbered by cstat__number_footnotes() as in the text output */

/*
 * Adds " ¹ ²" for these warnings: the superscripts the text output uses,
 * which need no escaping and read as footnote marks in any viewer.
 */
static void
add_marks(struct md *m, const struct cstat__footnotes *fn, const uint32_t *ids,
	  size_t n)
{
	static const char *const digits[] = {
		"\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074",
		"\u2075", "\u2076", "\u2077", "\u2078", "\u2079",
	};

	for (size_t k = 0; k < n; k++) {
		size_t i, num, nd = 0;
		char d[24];
		for (i = 0; i < fn->n && fn->ids[i] != ids[k]; i++)
			;
		num = i + 1;
		do {
			d[nd++] = (char)(num % 10);
			num /= 10;
		} while (num > 0);
		adds(m, " ");
		while (nd > 0)
			adds(m, digits[(int)d[--nd]]);
	}
}

/* ---------------------------------------------------------------------- */
/* The table */

static void
header(struct md *m, const struct cstat_tables *t,
       const struct cstat__table *tb)
{
	size_t nf = t->ncol_fields;

	/* benchstat leaves the row labels' header empty; so do we. */
	row_open(m);
	cell(m, "");
	for (size_t c = 0; c < tb->ncols; c++) {
		/*
		 * GFM has one header row, so the column's fields (the text
		 * output's header rows) and the unit share one cell.
		 */
		adds(m, " ");
		for (size_t f = 0; f < nf; f++) {
			add_esc(m, cstat__tstr(t, tb->col_vals[c * nf + f]));
			adds(m, "<br>");
		}
		add_esc(m, cstat__tstr(t, tb->unit));
		cell_close(m);
		for (size_t k = 0; k < t->nstats; k++) {
			adds(m, " ");
			add_esc(m, t->stats[k].name);
			cell_close(m);
		}
		if (c > 0)
			cell(m, "vs base");
	}
	emit(m);
	/* Labels to the left, numbers to the right. */
	row_open(m);
	adds(m, ":--|");
	for (size_t c = 0; c < tb->ncols; c++)
		for (size_t k = 0; k < 1 + t->nstats + (c > 0); k++)
			adds(m, "--:|");
	emit(m);
}

/*
 * The comparison cell: the delta, bold when significant, and the test,
 * as the text output prints them ("~ (p=0.446 n=10)").  A significant
 * change also says "better" or "worse": the sign alone does not tell,
 * since higher is better for throughput, and a word survives where
 * colour does not (plain-text logs, screen readers, diffs).
 */
static void
cmp_cell(struct md *m, const struct cstat__table *tb,
	 const struct cstat__cell *ce, const struct cstat__cell *base,
	 const struct cstat__footnotes *fn)
{
	char num[CSTAT__SCALE_SIZE], txt[64];
	double b = base->center;

	cstat__format_delta(ce, b, num, sizeof(num));
	adds(m, " ");
	if (ce->significant) {
		adds(m, "**");
		adds(m, num);
		adds(m, "**");
		if (ce->center != b && b != 0 && !isnan(b) &&
		    !isnan(ce->center)) {
			bool up = ce->center > b;
			adds(m, up == tb->higher_better ? " better" : " worse");
		}
	} else {
		adds(m, num);
	}
	cstat__format_cmp(ce, base->n, txt, sizeof(txt));
	adds(m, " (");
	adds(m, txt);
	adds(m, ")");
	add_marks(m, fn, ce->cmpwarn, ce->ncmpwarn);
	cell_close(m);
}

static int
data_row(struct md *m, const struct cstat_tables *t,
	 const struct cstat__table *tb, size_t r, int class,
	 const struct cstat__footnotes *fn)
{
	const struct cstat__cell *row = &tb->cells[r * tb->ncols];
	char num[CSTAT__SCALE_SIZE], txt[64];
	struct cstat__scaler sc;
	size_t n = 0;
	double *cv;

	/* One scale for the row, as benchstat (and render-text.c). */
	cv = malloc((tb->ncols ? tb->ncols : 1) * sizeof(*cv));
	if (!cv)
		return CSTAT_ENOMEM;
	for (size_t c = 0; c < tb->ncols; c++)
		if (row[c].present)
			cv[n++] = row[c].center;
	cstat__scaler_common(&sc, cv, n, class);
	free(cv);

	row_open(m);
	adds(m, " ");
	add_esc(m, cstat__tstr(t, tb->row_labels[r]));
	cell_close(m);
	for (size_t c = 0; c < tb->ncols; c++) {
		const struct cstat__cell *ce = &row[c];
		adds(m, " ");
		if (ce->present) {
			cstat__scaler_format(&sc, ce->center, num, sizeof(num));
			cstat__pct_range(ce, txt, sizeof(txt));
			adds(m, num);
			adds(m, " \u00b1 ");
			adds(m, txt);
			add_marks(m, fn, ce->warn, ce->nwarn);
		}
		cell_close(m);
		for (size_t k = 0; k < t->nstats; k++) {
			num[0] = '\0';
			if (ce->present)
				cstat__stat_format(t, tb, k,
						   cstat__cell_stat(t, ce, k),
						   &sc, num, sizeof(num));
			cell(m, num);
		}
		if (c == 0)
			continue;
		if (ce->present && ce->has_cmp)
			cmp_cell(m, tb, ce, &row[0], fn);
		else
			cell(m, "");
	}
	emit(m);
	return m->os.err;
}

/* The geomean row; its warnings go where the text output puts them, at
 * the end of each column's cells. */
static void
summary_row(struct md *m, const struct cstat_tables *t,
	    const struct cstat__table *tb, int class,
	    const struct cstat__footnotes *fn)
{
	char num[CSTAT__SCALE_SIZE];

	row_open(m);
	cell(m, "geomean");
	for (size_t c = 0; c < tb->ncols; c++) {
		const struct cstat__summary *s = &tb->summary[c];
		adds(m, " ");
		if (s->has_summary) {
			cstat__scale_format(s->summary, class, num,
					    sizeof(num));
			adds(m, num);
		}
		if (c == 0)
			add_marks(m, fn, s->warn, s->nwarn);
		cell_close(m);
		for (size_t k = 0; k < t->nstats; k++)
			cell(m, "");
		if (c == 0)
			continue;
		adds(m, " ");
		if (s->has_ratio) {
			cstat__fmt_percent(num, sizeof(num),
					   (s->ratio - 1) * 100);
			adds(m, num);
		} else {
			adds(m, "?");
		}
		add_marks(m, fn, s->warn, s->nwarn);
		cell_close(m);
	}
	emit(m);
}

static int
render_table(struct md *m, const struct cstat_tables *t,
	     const struct cstat__table *tb)
{
	struct cstat__footnotes fn = {0};
	int class = cstat__unit_scaling(cstat__tstr(t, tb->unit));
	int rc;

	rc = cstat__number_footnotes(tb, &fn);
	if (rc)
		goto out_free;
	header(m, t, tb);
	for (size_t r = 0; r < tb->nrows && !m->os.err; r++)
		data_row(m, t, tb, r, class, &fn);
	if (tb->nrows > 1)
		summary_row(m, t, tb, class, &fn);
	if (fn.n > 0)
		emit(m);
	for (size_t i = 0; i < fn.n; i++) {
		cstat__os_uint(&m->os, i + 1);
		add(m, ". ", 2);
		add_esc(m, cstat__tstr(t, fn.ids[i]));
		emit(m);
	}
	rc = m->os.err;
out_free:
	free(fn.ids);
	return rc;
}

/* The configuration lines the text output prints before table i. */
static void
config(struct md *m, const struct cstat_tables *t, size_t i)
{
	const struct cstat__table *tb = &t->tables[i];
	bool any = false;

	for (size_t f = cstat__table_key_change(t, i, 0); f < t->nkey_fields;
	     f = cstat__table_key_change(t, i, f + 1)) {
		if ((int)f == t->unit_field)
			continue;
		uint32_t v = cstat__table_key(t, tb, f);
		adds(m, "- ");
		add_esc_start(m, cstat__tstr(t, t->key_fields[f]));
		adds(m, ":");
		if (*cstat__tstr(t, v)) {
			adds(m, " ");
			add_esc(m, cstat__tstr(t, v));
		}
		emit(m);
		any = true;
	}
	/* A blank line ends the list; the table must not join it. */
	if (any)
		emit(m);
}

int
cstat__render_markdown(const struct cstat_tables *t, FILE *out)
{
	struct md m;
	int rc = 0;

	cstat__os_file(&m.os, out);
	for (size_t i = 0; i < t->ntables && !rc && !m.os.err; i++) {
		if (i > 0)
			emit(&m);
		config(&m, t, i);
		rc = render_table(&m, t, &t->tables[i]);
	}
	int err = cstat__os_close(&m.os);
	return rc ? rc : err;
}
