/*
 * v1-render.c - old benchstat's text, CSV and HTML tables (cstat -v1).
 *
 * Text (benchstat FormatText): column widths are shared by all tables, the
 * heading's middle columns are left-aligned, data right-aligned, and a
 * final "(p=...)" note left-aligned; group headers are printed when the
 * group changes.  CSV (FormatCSV): one record list per table, blank lines
 * between, "%.5E" means and "%.0f%%" ranges, trailing empty fields
 * trimmed.  HTML (FormatHTML): the fixed page and the template's exact
 * whitespace.
 *
 * Nothing is kept per cell: the text output formats its rows twice, once
 * to measure the columns and once to print them, and everything goes out
 * through the one output stream (ostream.h), which keeps the first error;
 * each entry point closes it and returns that error once.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "ostream.h"
#include "v1.h"

/* Old benchstat's cells, cut to this size less one (as they always were). */
#define CELL_SIZE 512

/* The most columns a row has: name, cells, delta, note. */
#define EXTRA_COLS 3

/* The stream's spaces, for column padding. */
static void
pad(struct cstat__ostream *o, size_t n)
{
	cstat__os_fill(o, ' ', n);
}

/*
 * Ends the output: written out, and the first error once (rc, the
 * stream's, or CSTAT_EIO when the caller's FILE has its error flag set,
 * as a full stdio buffer that failed to flush leaves it).
 */
static int
out_end(struct cstat__ostream *o, FILE *f, int rc)
{
	int err = cstat__os_close(o);

	if (!rc)
		rc = err;
	if (!rc && ferror(f))
		rc = CSTAT_EIO;
	return rc;
}

/* A string and its length. */
struct str {
	const char *s;
	size_t len;
};

static const struct cstat__v1_metrics *
cell(const struct cstat__v1_table *t, const struct cstat__v1_row *r, size_t k)
{
	return cstat__v1_row_cell(t, r, k);
}

/*
 * The value a row's scaler is chosen from: the mean of its first cell
 * (the geomean row's cells are its geomeans), as old benchstat chose it;
 * 0 when the row has none (no cell then needs it).
 */
static double
row_scale(const struct cstat__v1_view *v, const struct cstat__v1_table *t,
	  const struct cstat__v1_row *r)
{
	for (size_t k = 0; k < v->nconfigs; k++)
		if (cell(t, r, k))
			return cell(t, r, k)->mean;
	return 0;
}

/* A cell's text as the text and HTML tables show it ("" if empty), in the
 * scale of scale_val (row_scale()). */
static size_t
cell_text(const struct cstat__v1_table *t, double scale_val,
	  const struct cstat__v1_metrics *m, char *buf)
{
	char text[CSTAT__SCALE_SIZE + CSTAT__GO_FIXED_SIZE(0) + 16];
	char diff[CSTAT__GO_FIXED_SIZE(0) + 2];

	if (!m || m->unit == UINT32_MAX) {
		buf[0] = '\0';
		return 0;
	}
	size_t n = cstat__v1_scale_fmt(t->scale_kind, scale_val, m->mean, text);
	size_t d = cstat__v1_metric_range(m, diff);
	if (!d) {
		memcpy(text + n, "     ", 5);
		n += 5;
	} else {
		memcpy(text + n, " \u00b1", 3);
		n += 3;
		/* "%3s" */
		for (size_t i = d; i < 3; i++)
			text[n++] = ' ';
		memcpy(text + n, diff, d);
		n += d;
	}
	if (n > CELL_SIZE - 1)
		n = CELL_SIZE - 1;
	memcpy(buf, text, n);
	buf[n] = '\0';
	return n;
}

/* The delta column's text. */
static size_t
delta_text(const struct cstat__v1_table *t, const struct cstat__v1_row *r,
	   char *buf)
{
	switch (r->delta) {
	case CSTAT__V1_DELTA_TILDE:
		memcpy(buf, "~", 2);
		return 1;
	case CSTAT__V1_DELTA_ZERO:
		memcpy(buf, "0.00%", 6);
		return 5;
	case CSTAT__V1_DELTA_PCT: {
		size_t n = cstat__fmt_go_fixed(buf + 1, CSTAT__GO_FIXED_SIZE(2),
					       cstat__v1_row_pct(t, r), 2);
		char *s = buf + 1;
		if (s[0] != '-' && s[0] != '+') {
			s = buf;
			s[0] = '+';
			n++;
		} else {
			memmove(buf, buf + 1, n);
		}
		buf[n] = '%';
		buf[n + 1] = '\0';
		return n + 1;
	}
	default:
		buf[0] = '\0';
		return 0;
	}
}

/* The note column's text. */
static size_t
note_text(const struct cstat__v1_table *t, const struct cstat__v1_row *r,
	  char *buf)
{
	static const char *const fixed[] = {
		[CSTAT__V1_TOO_FEW + 1] = "(too few samples)",
		[CSTAT__V1_ZERO_VAR + 1] = "(zero variance)",
		[CSTAT__V1_ALL_EQUAL + 1] = "(all equal)",
	};
	size_t n;

	if (r->note == 0) {
		buf[0] = '\0';
		return 0;
	}
	if (r->note != CSTAT__V1_OK + 1) {
		n = strlen(fixed[r->note]);
		memcpy(buf, fixed[r->note], n + 1);
		return n;
	}
	memcpy(buf, "(p=", 3);
	n = 3 + cstat__fmt_go_fixed(buf + 3, CSTAT__GO_FIXED_SIZE(3), r->p, 3);
	memcpy(buf + n, " n=", 3);
	n += 3;
	n += cstat__fmt_uint(buf + n, cell(t, r, 0)->nr);
	buf[n++] = '+';
	n += cstat__fmt_uint(buf + n, cell(t, r, 1)->nr);
	buf[n++] = ')';
	buf[n] = '\0';
	return n;
}

static const char *
row_name(const struct cstat__v1_view *v, const struct cstat__v1_row *r,
	 size_t *len)
{
	if (r->gb == UINT32_MAX) {
		*len = 10;
		return "[Geo mean]";
	}
	*len = cstat__strtab_len(v->strs, v->gbs[r->gb].bench);
	return cstat__strtab_str(v->strs, v->gbs[r->gb].bench);
}

/* Room for the texts of one row's columns. */
struct rowbuf {
	char delta[CSTAT__GO_FIXED_SIZE(2) + 4];
	char note[CSTAT__GO_FIXED_SIZE(3) + 64];
	char cells[][CELL_SIZE];
};

static struct rowbuf *
rowbuf_new(size_t nconfigs)
{
	return malloc(sizeof(struct rowbuf) + nconfigs * CELL_SIZE);
}

/* Drops the trailing empty columns (toText and FormatCSV do). */
static size_t
trim_cols(const struct str *cols, size_t n)
{
	while (n > 0 && cols[n - 1].len == 0)
		n--;
	return n;
}

/* toText's columns of a data row; the number of them. */
static size_t
row_cols(const struct cstat__v1_view *v, const struct cstat__v1_table *t,
	 const struct cstat__v1_row *r, struct rowbuf *rb, struct str *cols)
{
	size_t n = 0;

	double scale = row_scale(v, t, r);

	cols[n].s = row_name(v, r, &cols[n].len);
	n++;
	for (size_t k = 0; k < v->nconfigs; k++, n++) {
		cols[n].s = rb->cells[k];
		cols[n].len = cell_text(t, scale, cell(t, r, k), rb->cells[k]);
	}
	if (v->nconfigs == 2) {
		cols[n].s = rb->delta;
		cols[n].len = delta_text(t, r, rb->delta);
		if (r->delta == CSTAT__V1_DELTA_TILDE) {
			cols[n].s = "~   ";
			cols[n].len = 4;
		}
		n++;
		cols[n].s = rb->note;
		cols[n].len = note_text(t, r, rb->note);
		n++;
	}
	return trim_cols(cols, n);
}

/* toText's heading of a table; its strings live in buf and the view. */
static size_t
head_cols(const struct cstat__v1_view *v, const struct cstat__v1_table *t,
	  struct rowbuf *rb, struct str *cols)
{
	size_t n = 0;

	if (v->nconfigs == 1 || v->nconfigs == 2) {
		cols[n++] = (struct str){"name", 4};
	} else {
		snprintf(rb->cells[0], CELL_SIZE, "name \\ %s", t->metric);
		cols[n].s = rb->cells[0];
		cols[n++].len = strlen(rb->cells[0]);
	}
	if (v->nconfigs == 1) {
		cols[n].s = t->metric;
		cols[n++].len = strlen(t->metric);
	} else if (v->nconfigs == 2) {
		snprintf(rb->cells[0], CELL_SIZE, "old %s", t->metric);
		snprintf(rb->cells[1], CELL_SIZE, "new %s", t->metric);
		for (size_t k = 0; k < 2; k++) {
			cols[n].s = rb->cells[k];
			cols[n++].len = strlen(rb->cells[k]);
		}
		cols[n++] = (struct str){"delta", 5};
	} else {
		for (size_t k = 0; k < v->nconfigs; k++, n++) {
			cols[n].s = cstat__strtab_str(v->strs, v->configs[k]);
			cols[n].len = cstat__strtab_len(v->strs, v->configs[k]);
		}
	}
	return trim_cols(cols, n);
}

static size_t
runes(const struct str *s)
{
	return cstat__utf8_runes(s->s, s->len);
}

static void
widen(size_t *max, const struct str *cols, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		size_t w = runes(&cols[j]);
		if (w > max[j])
			max[j] = w;
	}
}

static void
text_head(struct cstat__ostream *o, const size_t *max, const struct str *h,
	  size_t n)
{
	for (size_t j = 0; j < n; j++) {
		if (j == 0) {
			cstat__os_put(o, h[j].s, h[j].len);
			pad(o, max[j] - runes(&h[j]));
		} else {
			cstat__os_put(o, "  ", 2);
			cstat__os_put(o, h[j].s, h[j].len);
			if (j == n - 1)
				cstat__os_addc(o, '\n');
			else
				pad(o, max[j] - runes(&h[j]));
		}
	}
}

static void
text_row(struct cstat__ostream *o, const size_t *max, const struct str *c,
	 size_t n)
{
	for (size_t j = 0; j < n; j++) {
		if (j == 0) {
			/* A name alone is not padded. */
			cstat__os_put(o, c[j].s, c[j].len);
			if (n > 1)
				pad(o, max[j] - runes(&c[j]));
		} else if (j == n - 1 && c[j].len && c[j].s[0] == '(') {
			cstat__os_put(o, "  ", 2);
			cstat__os_put(o, c[j].s, c[j].len);
		} else {
			cstat__os_put(o, "  ", 2);
			pad(o, max[j] - runes(&c[j]));
			cstat__os_put(o, c[j].s, c[j].len);
		}
	}
	cstat__os_addc(o, '\n');
}

/* The group a row is printed under when there are groups: "" for the
 * geomean row. */
static uint32_t
row_group(const struct cstat__v1_view *v, const struct cstat__v1_row *r)
{
	return r->gb == UINT32_MAX ? 0 : v->gbs[r->gb].group;
}

/*
 * The widest text of each column over part of the rows: of every table,
 * its heading and its rows from the share lo/2 to hi/2 of them (0 to 1:
 * the first half; 1 to 2: the second).
 */
struct measure {
	const struct cstat__v1_view *v;
	unsigned lo, hi;
	size_t *max;
	int rc;
};

static void *
measure_run(void *arg)
{
	struct measure *m = arg;
	const struct cstat__v1_view *v = m->v;
	size_t ncols = v->nconfigs + EXTRA_COLS;
	struct str *cols = calloc(ncols, sizeof(*cols));
	struct rowbuf *rb = rowbuf_new(v->nconfigs + 2);

	m->rc = cols && rb ? 0 : CSTAT_ENOMEM;
	for (size_t t = 0; t < v->ntables && !m->rc; t++) {
		const struct cstat__v1_table *tab = &v->tables[t];
		widen(m->max, cols, head_cols(v, tab, rb, cols));
		size_t end = tab->nrows * m->hi / 2;
		for (size_t i = tab->nrows * m->lo / 2; i < end; i++)
			widen(m->max, cols,
			      row_cols(v, tab, &tab->rows[i], rb, cols));
	}
	free(cols);
	free(rb);
	return NULL;
}

/* Rows from which the columns are measured on two threads, if there are. */
#define TWO_THREAD_ROWS 4096

/*
 * The text's column widths, shared by all tables (max, ncols of them):
 * every row formatted once to measure it, the second half of each table
 * on a second thread when the view allows two and the tables are large.
 */
static int
measure_columns(const struct cstat__v1_view *v, size_t *max, size_t ncols)
{
	struct measure first = {v, 0, 2, max, 0}, second = {v, 1, 2, NULL, 0};
	size_t rows = 0;
	pthread_t tid;
	bool two = false;

	for (size_t t = 0; t < v->ntables; t++)
		rows += v->tables[t].nrows;
	if (v->threads > 1 && rows >= TWO_THREAD_ROWS &&
	    (second.max = calloc(ncols, sizeof(*second.max))) != NULL) {
		two = !pthread_create(&tid, NULL, measure_run, &second);
		if (two)
			first.hi = 1;
	}
	measure_run(&first);
	if (two) {
		pthread_join(tid, NULL);
		for (size_t j = 0; j < ncols; j++)
			if (second.max[j] > max[j])
				max[j] = second.max[j];
	}
	free(second.max);
	return first.rc ? first.rc : two ? second.rc : 0;
}

/* What printing rows needs of its thread: its columns and their texts. */
struct printer {
	const struct cstat__v1_view *v;
	const size_t *max;
	struct str *cols;
	struct rowbuf *rb;
};

/* Prints rows [lo, hi) of table tab, with the group lines before them
 * (a group line where a row's group differs from the row's before it,
 * or from "" at the top of the table). */
static void
print_rows(const struct printer *p, const struct cstat__v1_table *tab,
	   size_t lo, size_t hi, struct cstat__ostream *o)
{
	const struct cstat__v1_view *v = p->v;
	uint32_t group = lo > 0 ? row_group(v, &tab->rows[lo - 1]) : 0;

	for (size_t i = lo; i < hi; i++) {
		const struct cstat__v1_row *r = &tab->rows[i];
		if (v->groups && row_group(v, r) != group) {
			group = row_group(v, r);
			cstat__os_adds(o, cstat__strtab_str(v->strs, group));
			cstat__os_addc(o, '\n');
		}
		text_row(o, p->max, p->cols,
			 row_cols(v, tab, r, p->rb, p->cols));
	}
}

/*
 * Printing on two threads: the rows go in chunks of CHUNK_ROWS, the
 * even chunks (counted over all tables) printed by the calling thread
 * straight to the output, the odd ones by a second thread into one of
 * two memory streams, which the calling thread copies out in turn.  The
 * bytes are those of one thread; at most two chunks (about 90 kB) wait.
 */
#define CHUNK_ROWS 512

struct chunks {
	const struct printer *p;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct cstat__ostream slot[2];
	bool full[2];
};

/* The second thread: every odd chunk, in order, into the free slot. */
static void *
print_odd_chunks(void *arg)
{
	struct chunks *ch = arg;
	const struct cstat__v1_view *v = ch->p->v;
	size_t k = 0;

	for (size_t t = 0; t < v->ntables; t++) {
		const struct cstat__v1_table *tab = &v->tables[t];
		for (size_t lo = 0; lo < tab->nrows; lo += CHUNK_ROWS, k++) {
			if (k % 2 == 0)
				continue;
			struct cstat__ostream *o = &ch->slot[k / 2 % 2];
			pthread_mutex_lock(&ch->mu);
			while (ch->full[k / 2 % 2])
				pthread_cond_wait(&ch->cv, &ch->mu);
			pthread_mutex_unlock(&ch->mu);
			o->len = 0;
			size_t hi = lo + CHUNK_ROWS < tab->nrows
					    ? lo + CHUNK_ROWS
					    : tab->nrows;
			print_rows(ch->p, tab, lo, hi, o);
			pthread_mutex_lock(&ch->mu);
			ch->full[k / 2 % 2] = true;
			pthread_cond_broadcast(&ch->cv);
			pthread_mutex_unlock(&ch->mu);
		}
	}
	return NULL;
}

/* Copies out odd chunk k once the second thread has printed it. */
static void
take_chunk(struct chunks *ch, size_t k, struct cstat__ostream *o)
{
	struct cstat__ostream *s = &ch->slot[k / 2 % 2];

	pthread_mutex_lock(&ch->mu);
	while (!ch->full[k / 2 % 2])
		pthread_cond_wait(&ch->cv, &ch->mu);
	pthread_mutex_unlock(&ch->mu);
	cstat__os_fail(o, s->err);
	cstat__os_put(o, s->data, s->len);
	pthread_mutex_lock(&ch->mu);
	ch->full[k / 2 % 2] = false;
	pthread_cond_broadcast(&ch->cv);
	pthread_mutex_unlock(&ch->mu);
}

/* Every table: its heading, then its rows, the odd chunks taken from ch
 * when there is one. */
static void
print_tables(const struct printer *p, struct chunks *ch,
	     struct cstat__ostream *o)
{
	const struct cstat__v1_view *v = p->v;
	size_t k = 0;

	for (size_t t = 0; t < v->ntables; t++) {
		const struct cstat__v1_table *tab = &v->tables[t];
		if (t > 0)
			cstat__os_addc(o, '\n');
		text_head(o, p->max, p->cols,
			  head_cols(v, tab, p->rb, p->cols));
		if (!ch) {
			print_rows(p, tab, 0, tab->nrows, o);
			continue;
		}
		for (size_t lo = 0; lo < tab->nrows; lo += CHUNK_ROWS, k++) {
			size_t hi = lo + CHUNK_ROWS < tab->nrows
					    ? lo + CHUNK_ROWS
					    : tab->nrows;
			if (k % 2)
				take_chunk(ch, k, o);
			else
				print_rows(p, tab, lo, hi, o);
		}
	}
}

/* Prints the tables, on two threads when the view allows two and the
 * tables are large (as measure_columns() decides). */
static void
print_text(const struct printer *p, struct cstat__ostream *o)
{
	const struct cstat__v1_view *v = p->v;
	size_t ncols = v->nconfigs + EXTRA_COLS, rows = 0;
	struct chunks ch = {0};
	struct printer second = *p;
	pthread_t tid;

	for (size_t t = 0; t < v->ntables; t++)
		rows += v->tables[t].nrows;
	second.cols = calloc(ncols, sizeof(*second.cols));
	second.rb = rowbuf_new(v->nconfigs + 2);
	ch.p = &second;
	bool two = v->threads > 1 && rows >= TWO_THREAD_ROWS && second.cols &&
		   second.rb && !pthread_mutex_init(&ch.mu, NULL);
	if (two && pthread_cond_init(&ch.cv, NULL)) {
		pthread_mutex_destroy(&ch.mu);
		two = false;
	}
	if (two && pthread_create(&tid, NULL, print_odd_chunks, &ch)) {
		pthread_cond_destroy(&ch.cv);
		pthread_mutex_destroy(&ch.mu);
		two = false;
	}
	print_tables(p, two ? &ch : NULL, o);
	if (two) {
		pthread_join(tid, NULL);
		pthread_cond_destroy(&ch.cv);
		pthread_mutex_destroy(&ch.mu);
	}
	cstat__os_release(&ch.slot[0]);
	cstat__os_release(&ch.slot[1]);
	free(second.cols);
	free(second.rb);
}

int
cstat__v1_write_text(const struct cstat__v1_view *v, FILE *f)
{
	size_t ncols = v->nconfigs + EXTRA_COLS;
	struct str *cols = calloc(ncols, sizeof(*cols));
	size_t *max = calloc(ncols, sizeof(*max));
	struct rowbuf *rb = rowbuf_new(v->nconfigs + 2);
	struct cstat__ostream os, *o = &os;
	int rc = 0;

	cstat__os_file(o, f);
	if (!cols || !max || !rb) {
		rc = CSTAT_ENOMEM;
		goto out;
	}
	if ((rc = measure_columns(v, max, ncols)))
		goto out;
	struct printer p = {v, max, cols, rb};
	print_text(&p, o);
out:
	free(cols);
	free(max);
	free(rb);
	return out_end(o, f, rc);
}

/* ------------------------------------------------------------------------
 * CSV.
 */

/*
 * One field as Go's encoding/csv writes it, quoted under the stream's Go
 * rule (which quotes a field that is exactly "\." too).  Not
 * cstat__os_csv(): a name may hold a NUL byte, written as it is, and old
 * benchstat had no formula guard.
 */
static void
csv_field(struct cstat__ostream *o, const char *s, size_t len)
{
	if (!cstat__csv_needs_quotes(CSTAT__CSV_GO, s, len)) {
		cstat__os_put(o, s, len);
		return;
	}
	cstat__os_addc(o, '"');
	for (const char *q; (q = memchr(s, '"', len)) != NULL;) {
		size_t k = (size_t)(q - s) + 1;
		cstat__os_put(o, s, k);
		cstat__os_addc(o, '"');
		s += k;
		len -= k;
	}
	cstat__os_put(o, s, len);
	cstat__os_addc(o, '"');
}

static void
csv_record(struct cstat__ostream *o, const struct str *cols, size_t n)
{
	n = trim_cols(cols, n);
	for (size_t j = 0; j < n; j++) {
		if (j)
			cstat__os_addc(o, ',');
		csv_field(o, cols[j].s, cols[j].len);
	}
	cstat__os_addc(o, '\n');
}

/* The length of the configs' common prefix, cut back to a '/'. */
static size_t
common_prefix(const struct cstat__v1_view *v)
{
	const char *first = cstat__strtab_str(v->strs, v->configs[0]);
	size_t n = strlen(first);

	for (size_t k = 1; k < v->nconfigs; k++) {
		const char *s = cstat__strtab_str(v->strs, v->configs[k]);
		size_t i = 0;
		while (i < n && s[i] == first[i])
			i++;
		n = i;
	}
	while (n > 0 && first[n - 1] != '/')
		n--;
	return n;
}

static size_t
sci(double x, char *buf, size_t size)
{
	if (x != x)
		return (size_t)snprintf(buf, size, "NaN");
	if (x > 1e308 * 10)
		return (size_t)snprintf(buf, size, "+Inf");
	if (x < -1e308 * 10)
		return (size_t)snprintf(buf, size, "-Inf");
	return cstat__fmt_c(buf, size, "%.5E", x);
}

/* A column's text kept in rb->cells[k]. */
static struct str
keep(struct rowbuf *rb, size_t k, const char *s)
{
	cstat__strlcpy(rb->cells[k], s, CELL_SIZE);
	return (struct str){rb->cells[k], strlen(rb->cells[k])};
}

static void
csv_head(const struct cstat__v1_view *v, const struct cstat__v1_table *t,
	 bool norange, struct cstat__ostream *o, struct rowbuf *rb,
	 struct str *cols)
{
	const char *unit = cstat__strtab_str(v->strs, t->unit);
	const struct str pm = {"\u00b1", 2};
	char buf[CELL_SIZE];
	size_t n = 0;

	if (v->nconfigs <= 2) {
		cols[n++] = (struct str){"name", 4};
		for (size_t k = 0; k < v->nconfigs; k++) {
			snprintf(buf, sizeof(buf), "%s%s (%s)",
				 v->nconfigs == 1 ? ""
				 : k == 0	  ? "old "
						  : "new ",
				 t->metric, unit);
			cols[n++] = keep(rb, k, buf);
			if (!norange)
				cols[n++] = pm;
		}
		if (v->nconfigs == 2) {
			cols[n++] = (struct str){"delta", 5};
			if (!norange)
				cols[n++] = pm;
		}
	} else {
		size_t pre = common_prefix(v);
		snprintf(buf, sizeof(buf), "name \\ %s (%s)", t->metric, unit);
		cols[n++] = keep(rb, 0, buf);
		for (size_t k = 0; k < v->nconfigs; k++) {
			cols[n].s =
				cstat__strtab_str(v->strs, v->configs[k]) + pre;
			cols[n].len = strlen(cols[n].s);
			n++;
			if (!norange)
				cols[n++] = pm;
		}
	}
	csv_record(o, cols, n);
}

static void
csv_row(const struct cstat__v1_view *v, const struct cstat__v1_table *t,
	const struct cstat__v1_row *r, bool norange, struct cstat__ostream *o,
	struct rowbuf *rb, struct str *cols)
{
	size_t n = 0;

	cols[n].s = row_name(v, r, &cols[n].len);
	n++;
	for (size_t k = 0; k < v->nconfigs; k++) {
		const struct cstat__v1_metrics *m = cell(t, r, k);
		char *b = rb->cells[k];
		struct str mean = {"", 0}, range = {"", 0};
		if (m && m->unit != UINT32_MAX) {
			mean.len = sci(m->mean, b, 32);
			mean.s = b;
			range.s = b + 32;
			range.len = cstat__v1_metric_range(m, b + 32);
		}
		cols[n++] = mean;
		if (!norange)
			cols[n++] = range;
	}
	if (v->nconfigs == 2) {
		cols[n].s = rb->delta;
		cols[n++].len = delta_text(t, r, rb->delta);
		cols[n].s = rb->note;
		cols[n++].len = note_text(t, r, rb->note);
	}
	csv_record(o, cols, n);
}

int
cstat__v1_write_csv(const struct cstat__v1_view *v, bool norange, FILE *f)
{
	size_t ncols = 2 * v->nconfigs + 4;
	struct str *cols = calloc(ncols, sizeof(*cols));
	struct rowbuf *rb = rowbuf_new(v->nconfigs + 2);
	struct cstat__ostream os, *o = &os;
	int rc = 0;

	cstat__os_file(o, f);
	if (!cols || !rb) {
		rc = CSTAT_ENOMEM;
		goto out;
	}
	for (size_t t = 0; t < v->ntables; t++) {
		const struct cstat__v1_table *tab = &v->tables[t];
		if (t > 0)
			cstat__os_addc(o, '\n');
		csv_head(v, tab, norange, o, rb, cols);
		uint32_t group = 0;
		for (size_t i = 0; i < tab->nrows; i++) {
			const struct cstat__v1_row *r = &tab->rows[i];
			if (v->groups && row_group(v, r) != group) {
				group = row_group(v, r);
				csv_field(o, cstat__strtab_str(v->strs, group),
					  cstat__strtab_len(v->strs, group));
				cstat__os_addc(o, '\n');
			}
			csv_row(v, tab, r, norange, o, rb, cols);
		}
	}
out:
	free(cols);
	free(rb);
	return out_end(o, f, rc);
}

/* ------------------------------------------------------------------------
 * HTML.
 */

static const char html_header[] =
	"<!doctype html>\n"
	"<html>\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<title>Performance Result Comparison</title>\n"
	"<style>\n"
	".benchstat { border-collapse: collapse; }\n"
	".benchstat th:nth-child(1) { text-align: left; }\n"
	".benchstat tbody td:nth-child(1n+2):not(.note) { text-align: right; "
	"padding: 0em 1em; }\n"
	".benchstat tr:not(.configs) th { border-top: 1px solid #666; "
	"border-bottom: 1px solid #ccc; }\n"
	".benchstat .nodelta { text-align: center !important; }\n"
	".benchstat .better td.delta { font-weight: bold; }\n"
	".benchstat .worse td.delta { font-weight: bold; color: #c00; }\n"
	"</style>\n"
	"</head>\n"
	"<body>\n";

static const char html_footer[] = "</body>\n</html>\n";

/*
 * Text escaped for an HTML text node as Go's html/template does, which is
 * not the stream's HTML escaper: '"' is "&#34;", a NUL byte is dropped and
 * other bytes pass as they are.  '-' becomes U+2212 when minus is set (the
 * delta column).
 */
static void
html_text(struct cstat__ostream *o, const char *s, size_t len, bool minus)
{
	size_t run = 0;

	for (size_t i = 0; i < len; i++) {
		const char *e;
		switch (s[i]) {
		case '&':
			e = "&amp;";
			break;
		case '<':
			e = "&lt;";
			break;
		case '>':
			e = "&gt;";
			break;
		case '"':
			e = "&#34;";
			break;
		case '\'':
			e = "&#39;";
			break;
		case '\0':
			e = "";
			break;
		case '-':
			if (minus) {
				e = "\u2212";
				break;
			}
			continue;
		default:
			continue;
		}
		cstat__os_put(o, s + run, i - run);
		cstat__os_adds(o, e);
		run = i + 1;
	}
	cstat__os_put(o, s + run, len - run);
}

static void
html_str(struct cstat__ostream *o, const char *s)
{
	html_text(o, s, strlen(s), false);
}

/* A count as %zu. */
static void
put_count(struct cstat__ostream *o, size_t n)
{
	char num[24];

	cstat__os_put(o, num, cstat__fmt_uint(num, n));
}

/*
 * Where the row's group differs from the one before it (*group, "" at the
 * top of a table), a header row naming it, as the text output prints a
 * group line.  The template puts it on the same line as the row it heads,
 * spanning the name, the configurations and the delta.
 */
static void
html_group(const struct cstat__v1_view *v, const struct cstat__v1_table *t,
	   const struct cstat__v1_row *r, uint32_t *group,
	   struct cstat__ostream *o)
{
	if (!v->groups || row_group(v, r) == *group)
		return;
	*group = row_group(v, r);
	if (cstat__strtab_len(v->strs, *group) == 0)
		return;
	cstat__os_adds(o, "<tr class='group'><th colspan='");
	put_count(o, v->nconfigs + (t->oldnew ? 2 : 1));
	cstat__os_adds(o, "'>");
	html_text(o, cstat__strtab_str(v->strs, *group),
		  cstat__strtab_len(v->strs, *group), false);
}

static void
html_row(const struct cstat__v1_view *v, const struct cstat__v1_table *t,
	 const struct cstat__v1_row *r, struct rowbuf *rb,
	 struct cstat__ostream *o)
{
	size_t len;

	if (t->oldnew) {
		cstat__os_adds(o, "<tr class='");
		cstat__os_adds(o, r->change == 1    ? "better"
				  : r->change == -1 ? "worse"
						    : "unchanged");
		cstat__os_adds(o, "'>");
	} else {
		cstat__os_adds(o, "<tr>");
	}
	cstat__os_adds(o, "<td>");
	const char *name = row_name(v, r, &len);
	html_text(o, name, len, false);
	double scale = row_scale(v, t, r);
	for (size_t k = 0; k < v->nconfigs; k++) {
		len = cell_text(t, scale, cell(t, r, k), rb->cells[0]);
		cstat__os_adds(o, "<td>");
		html_text(o, rb->cells[0], len, false);
	}
	if (t->oldnew) {
		cstat__os_adds(o, r->delta == CSTAT__V1_DELTA_TILDE
					  ? "<td class='nodelta'>"
					  : "<td class='delta'>");
		html_text(o, rb->delta, delta_text(t, r, rb->delta), true);
		cstat__os_adds(o, "<td class='note'>");
		html_text(o, rb->note, note_text(t, r, rb->note), false);
	}
	cstat__os_addc(o, '\n');
}

static void
html_table(const struct cstat__v1_view *v, const struct cstat__v1_table *t,
	   struct rowbuf *rb, struct cstat__ostream *o)
{
	cstat__os_adds(o, "\n<tbody>\n");
	if (v->nconfigs == 1) {
		cstat__os_adds(o, "\n<tr><th><th>");
		html_str(o, t->metric);
		cstat__os_adds(o, "\n");
	} else {
		cstat__os_adds(o, "<tr><th><th colspan='");
		put_count(o, v->nconfigs);
		cstat__os_adds(o, "' class='metric'>");
		html_str(o, t->metric);
		if (t->oldnew)
			cstat__os_adds(o, "<th>delta");
		cstat__os_adds(o, "\n");
	}
	uint32_t group = 0;
	for (size_t i = 0; i < t->nrows; i++) {
		html_group(v, t, &t->rows[i], &group, o);
		html_row(v, t, &t->rows[i], rb, o);
	}
	cstat__os_adds(o, "<tr><td>&nbsp;\n</tbody>\n");
}

int
cstat__v1_write_html(const struct cstat__v1_view *v, FILE *f)
{
	struct rowbuf *rb = rowbuf_new(1);
	struct cstat__ostream os, *o = &os;
	int rc = 0;

	cstat__os_file(o, f);
	if (!rb) {
		rc = CSTAT_ENOMEM;
		goto out;
	}
	cstat__os_adds(o, html_header);
	if (v->ntables > 0) {
		cstat__os_adds(o,
			       v->tables[0].oldnew
				       ? "\n<table class='benchstat oldnew'>\n"
				       : "\n<table class='benchstat '>\n");
		if (v->nconfigs != 1) {
			cstat__os_adds(o, "<tr class='configs'><th>");
			for (size_t k = 0; k < v->nconfigs; k++) {
				cstat__os_adds(o, "<th>");
				html_str(o, cstat__strtab_str(v->strs,
							      v->configs[k]));
			}
			cstat__os_adds(o, "\n");
		}
		cstat__os_adds(o, "\n");
		for (size_t t = 0; t < v->ntables; t++)
			html_table(v, &v->tables[t], rb, o);
		cstat__os_adds(o, "\n</table>\n");
	}
	cstat__os_adds(o, html_footer);
out:
	free(rb);
	return out_end(o, f, rc);
}
