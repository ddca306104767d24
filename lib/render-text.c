/*
 * render-text.c - benchstat's text tables (benchtab Tables.ToText).
 *
 * Each table gets its configuration lines when they change, a header of
 * column names and units framed by "│", one row per benchmark with the
 * center, its "± x%" interval, the delta against the baseline column and
 * the test note, a geomean row when there is more than one benchmark, and
 * footnotes numbered in order of first use.  The layout itself is texttab's.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "tables.h"
#include "texttab.h"
#include "units.h"

#define DELTA_COLS 3 /* delta, (p=... n=...), footnotes */

/* A column's center cells: center, interval, footnotes, then one cell per
 * extra statistic (-stats). */
static size_t
center_cols(const struct cstat_tables *t)
{
	return 3 + t->nstats;
}

/* The layout column where input column exp starts (0 is the labels). */
static size_t
start_col(const struct cstat_tables *t, size_t exp)
{
	return exp == 0 ? 1
			: 1 + center_cols(t) +
				  (exp - 1) * (center_cols(t) + DELTA_COLS);
}

static void
superscript(struct cstat__buf *b, size_t i)
{
	static const char *const digits[] = {
		"\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074",
		"\u2075", "\u2076", "\u2077", "\u2078", "\u2079",
	};
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)(i % 10);
		i /= 10;
	} while (i > 0);
	while (n > 0)
		cstat__buf_adds(b, digits[(int)tmp[--n]]);
}

/*
 * Adds the footnote cell for these warnings (possibly none), numbered as
 * fn says; text is the calling thread's scratch.
 */
static int
warn(struct cstat__ttab *o, const struct cstat__footnotes *fn,
     struct cstat__buf *text, size_t col, const uint32_t *ids, size_t n)
{
	/*
	 * An empty footnote cell has no margin and no width, so it changes
	 * neither the layout nor the output: leave it out of the table.
	 */
	if (n == 0)
		return 0;
	text->len = 0;
	if (cstat__buf_reserve(text, 0))
		return CSTAT_ENOMEM;
	text->data[0] = '\0';
	for (size_t k = 0; k < n; k++) {
		size_t i;
		for (i = 0; i < fn->n && fn->ids[i] != ids[k]; i++)
			;
		if (k > 0)
			cstat__buf_addc(text, ' ');
		superscript(text, i + 1);
	}
	return cstat__ttab_cell(o, col, 1, text->data, text->len,
				CSTAT__TTAB_LEFT, NULL);
}

static int
cell(struct cstat__ttab *o, size_t col, size_t span, const char *s,
     enum cstat__ttab_align align, const char *margin)
{
	return cstat__ttab_cell(o, col, span, s, strlen(s), align, margin);
}

/* The column header: one row per column field (benchproc.KeyHeader). */
static int
header(struct cstat__ttab *o, const struct cstat_tables *t,
       const struct cstat__table *tb)
{
	size_t nf = t->ncol_fields, redge = start_col(t, tb->ncols + 1);
	int rc = 0;

	/*
	 * A node of level f is a maximal run of columns that agree on fields
	 * 0..f; runs at level f never cross a boundary of level f - 1.
	 */
	for (size_t f = 0; f < nf && !rc; f++) {
		cstat__ttab_row(o);
		size_t start = 0;
		for (size_t c = 1; c <= tb->ncols && !rc; c++) {
			bool boundary = c == tb->ncols;
			for (size_t g = 0; g <= f && !boundary; g++)
				boundary = tb->col_vals[c * nf + g] !=
					   tb->col_vals[(c - 1) * nf + g];
			if (!boundary)
				continue;
			size_t l = start_col(t, start), r = start_col(t, c);
			rc = cell(o, l, r - l,
				  cstat__tstr(t, tb->col_vals[start * nf + f]),
				  CSTAT__TTAB_CENTER, " \u2502 ");
			start = c;
		}
		if (!rc)
			rc = cell(o, redge, 1, "", CSTAT__TTAB_LEFT, " \u2502");
	}
	if (rc)
		return rc;
	cstat__ttab_row(o);
	for (size_t i = 0; i < tb->ncols && !rc; i++) {
		size_t l = start_col(t, i);
		rc = cell(o, l, 3, cstat__tstr(t, tb->unit), CSTAT__TTAB_CENTER,
			  " \u2502 ");
		for (size_t k = 0; k < t->nstats && !rc; k++)
			rc = cell(o, l + 3 + k, 1, t->stats[k].name,
				  CSTAT__TTAB_RIGHT, "  ");
		if (!rc && i > 0)
			rc = cell(o, CSTAT__TTAB_HERE, DELTA_COLS, "vs base",
				  CSTAT__TTAB_LEFT, "  ");
		for (size_t j = l + 1; j < cstat__ttab_cur_col(o) && !rc; j++)
			rc = cstat__ttab_set_shrink(o, j, true);
	}
	if (!rc)
		rc = cell(o, redge, 1, "", CSTAT__TTAB_LEFT, " \u2502");
	return rc;
}

static int
data_row(struct cstat__ttab *o, const struct cstat_tables *t,
	 const struct cstat__table *tb, size_t r, int class,
	 const struct cstat__footnotes *fn, struct cstat__buf *text)
{
	const struct cstat__cell *row = &tb->cells[r * tb->ncols];
	double centers[64], *cv = centers;
	char num[512], txt[64];
	size_t n = 0;
	int rc;

	cstat__ttab_row(o);
	rc = cell(o, CSTAT__TTAB_HERE, 1, cstat__tstr(t, tb->row_labels[r]),
		  CSTAT__TTAB_LEFT, NULL);
	if (rc)
		return rc;
	if (tb->ncols > 64) {
		cv = malloc(tb->ncols * sizeof(*cv));
		if (!cv)
			return CSTAT_ENOMEM;
	}
	for (size_t c = 0; c < tb->ncols; c++)
		if (row[c].present)
			cv[n++] = row[c].center;
	struct cstat__scaler sc;
	cstat__scaler_common(&sc, cv, n, class);
	if (cv != centers)
		free(cv);
	for (size_t c = 0; c < tb->ncols && !rc; c++) {
		const struct cstat__cell *ce = &row[c];
		if (!ce->present)
			continue;
		size_t nl =
			cstat__scaler_format(&sc, ce->center, num, sizeof(num));
		size_t col = start_col(t, c);
		/* The formatter's length saves a strlen per cell. */
		rc = cstat__ttab_cell(o, col, 1, num,
				      nl < sizeof(num) ? nl : strlen(num),
				      CSTAT__TTAB_RIGHT, NULL);
		cstat__pct_range(ce, txt, sizeof(txt));
		if (!rc)
			rc = cell(o, col + 1, 1, txt, CSTAT__TTAB_RIGHT,
				  " \u00b1 ");
		if (!rc)
			rc = warn(o, fn, text, col + 2, ce->warn, ce->nwarn);
		for (size_t k = 0; k < t->nstats && !rc; k++) {
			/* Values in the row's scale, beside its centers. */
			cstat__stat_format(t, tb, k, cstat__cell_stat(t, ce, k),
					   &sc, num, sizeof(num));
			rc = cell(o, col + 3 + k, 1, num, CSTAT__TTAB_RIGHT,
				  "  ");
		}
		col += center_cols(t) - 3;
		if (rc || c == 0 || !ce->has_cmp)
			continue;
		cstat__format_delta(ce, row[0].center, num, sizeof(num));
		rc = cell(o, col + 3, 1, num, CSTAT__TTAB_RIGHT, NULL);
		txt[0] = '(';
		cstat__format_cmp(ce, row[0].n, txt + 1, sizeof(txt) - 2);
		strcat(txt, ")");
		if (!rc)
			rc = cell(o, col + 4, 1, txt, CSTAT__TTAB_LEFT, NULL);
		if (!rc)
			rc = warn(o, fn, text, col + 5, ce->cmpwarn,
				  ce->ncmpwarn);
	}
	return rc;
}

static int
summary_row(struct cstat__ttab *o, const struct cstat_tables *t,
	    const struct cstat__table *tb, int class,
	    const struct cstat__footnotes *fn, struct cstat__buf *text)
{
	char num[512];
	int rc;

	(void)t;
	cstat__ttab_row(o);
	rc = cell(o, CSTAT__TTAB_HERE, 1, "geomean", CSTAT__TTAB_LEFT, NULL);
	for (size_t c = 0; c < tb->ncols && !rc; c++) {
		const struct cstat__summary *s = &tb->summary[c];
		if (s->has_summary) {
			cstat__scale_format(s->summary, class, num,
					    sizeof(num));
			rc = cell(o, start_col(t, c), 1, num, CSTAT__TTAB_RIGHT,
				  NULL);
		}
		if (!rc && c > 0) {
			if (s->has_ratio) {
				cstat__fmt_percent(num, sizeof(num),
						   (s->ratio - 1) * 100);
				rc = cell(o, start_col(t, c) + center_cols(t),
					  1, num, CSTAT__TTAB_RIGHT, NULL);
			} else {
				rc = cell(o, start_col(t, c) + center_cols(t),
					  1, "?", CSTAT__TTAB_LEFT, NULL);
			}
		}
		if (!rc)
			rc = warn(o, fn, text,
				  c == 0 ? start_col(t, 0) + 2
					 : start_col(t, c + 1) - 1,
				  s->warn, s->nwarn);
	}
	return rc;
}

/* Cells a share of rows will need, for cstat__ttab_reserve(). */
static size_t
cells_for(const struct cstat_tables *t, const struct cstat__table *tb,
	  size_t nrows)
{
	/* The label, three cells in the baseline column and five in each
	 * other column (footnote cells only when there are footnotes), and
	 * the extra statistics. */
	return (nrows + 1) * (1 + 3 + (tb->ncols ? tb->ncols - 1 : 0) * 5 +
			      tb->ncols * t->nstats);
}

/* Rows a part of a large table's layout holds: the two threads take
 * parts as they come free, so that one slowed by the machine leaves the
 * other at most a part to finish alone. */
#define TEXT_CHUNK 512

/* The data rows of a large table, parts[1 + k] holding chunk k's. */
struct rows_job {
	const struct cstat_tables *t;
	const struct cstat__table *tb;
	const struct cstat__footnotes *fn;
	struct cstat__ttab **parts;
	size_t nchunks;
	atomic_size_t *next; /* the next chunk no thread took */
	int class;
	int rc;
};

static void *
rows_main(void *arg)
{
	struct rows_job *j = arg;
	struct cstat__buf text = {0};
	int rc = 0;

	while (!rc) {
		size_t k = atomic_fetch_add(j->next, 1);
		if (k >= j->nchunks)
			break;
		size_t r0 = k * TEXT_CHUNK;
		size_t r1 = j->tb->nrows - r0 > TEXT_CHUNK ? r0 + TEXT_CHUNK
							   : j->tb->nrows;
		struct cstat__ttab *o = j->parts[1 + k];
		size_t cells = cells_for(j->t, j->tb, r1 - r0);
		rc = cstat__ttab_reserve(o, cells, cells * 16);
		for (size_t r = r0; r < r1 && !rc; r++)
			rc = data_row(o, j->t, j->tb, r, j->class, j->fn,
				      &text);
	}
	cstat__buf_release(&text);
	j->rc = rc;
	return NULL;
}

/*
 * Lays out one table.  A large table's rows are formatted on two threads
 * into parts of TEXT_CHUNK rows after the header's; footnotes are
 * numbered first, so every part agrees on them.
 */
static int
render_table(const struct cstat_tables *t, const struct cstat__table *tb,
	     FILE *out)
{
	struct cstat__ttab *one[1] = {NULL}, **parts = one;
	struct cstat__footnotes fn = {0};
	struct cstat__buf text = {0};
	int class = cstat__unit_scaling(cstat__tstr(t, tb->unit));
	size_t nchunks = 0, nparts = 1;
	atomic_size_t next;
	pthread_t th;
	bool threaded = false;
	int rc;

	if (t->threads > 1 && tb->nrows >= 2048) {
		nchunks = (tb->nrows + TEXT_CHUNK - 1) / TEXT_CHUNK;
		nparts = 1 + nchunks;
		parts = calloc(nparts, sizeof(*parts));
		if (!parts)
			return CSTAT_ENOMEM;
	}
	rc = cstat__number_footnotes(tb, &fn);
	for (size_t k = 0; k < nparts && !rc; k++)
		rc = cstat__ttab_new(&parts[k]);
	/* The header's cells, and the rows' when they go here too. */
	size_t first = cells_for(t, tb, nchunks ? 0 : tb->nrows);
	if (!rc)
		rc = cstat__ttab_reserve(parts[0],
					 first + (t->ncol_fields + 1) *
							 (2 * tb->ncols + 2),
					 first * 16);
	if (!rc)
		rc = header(parts[0], t, tb);
	struct rows_job job = {t, tb, &fn, parts, nchunks, &next, class, 0};
	struct rows_job second = job;
	atomic_init(&next, 0);
	if (!rc && nchunks) {
		threaded = pthread_create(&th, NULL, rows_main, &second) == 0;
		rows_main(&job);
		if (threaded)
			pthread_join(th, NULL);
		rc = job.rc ? job.rc : second.rc;
	}
	for (size_t r = 0; r < tb->nrows && !rc && !nchunks; r++)
		rc = data_row(parts[0], t, tb, r, class, &fn, &text);
	if (!rc && tb->nrows > 1)
		rc = summary_row(parts[nparts - 1], t, tb, class, &fn, &text);
	if (!rc)
		rc = cstat__ttab_write_parts(parts, nparts, out);
	for (size_t i = 0; i < fn.n && !rc; i++) {
		text.len = 0;
		superscript(&text, i + 1);
		if (fprintf(out, "%s %s\n", text.data,
			    cstat__tstr(t, fn.ids[i])) < 0)
			rc = CSTAT_EIO;
	}
	for (size_t k = 0; k < nparts; k++)
		cstat__ttab_free(parts[k]);
	if (parts != one)
		free(parts);
	free(fn.ids);
	cstat__buf_release(&text);
	return rc;
}

int
cstat__render_text(const struct cstat_tables *t, FILE *out)
{
	int rc = 0;

	for (size_t i = 0; i < t->ntables && !rc; i++) {
		const struct cstat__table *tb = &t->tables[i];
		if (i > 0 && fputs("\n", out) == EOF)
			return CSTAT_EIO;
		for (size_t f = cstat__table_key_change(t, i, 0);
		     f < t->nkey_fields;
		     f = cstat__table_key_change(t, i, f + 1)) {
			if ((int)f == t->unit_field)
				continue;
			uint32_t v = cstat__table_key(t, tb, f);
			if (fprintf(out, "%s: %s\n",
				    cstat__tstr(t, t->key_fields[f]),
				    cstat__tstr(t, v)) < 0)
				return CSTAT_EIO;
		}
		rc = render_table(t, tb, out);
	}
	return rc;
}
