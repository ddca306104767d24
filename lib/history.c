/*
 * history.c - looking at a history of runs: its change points, and the
 * history as CSV or JSON (the HTML dashboard is history-html.c).
 *
 * The input is the tables cstat_history_build() makes: a column per run,
 * labelled with the run's number, and a row per benchmark, in a table per
 * configuration and unit.  A series is one row: the run medians in run
 * order, leaving out runs without results, with each run's standard error
 * of its median from its own values.  Change points come from cpd.c (a
 * CUSUM of robust scores, tested by permutation with a fixed seed), one
 * series at a time, and are mapped back from positions in the series to
 * runs.
 *
 * Every writer streams through a buffer that is written out as it fills,
 * so time and memory grow linearly with the history: the tables are
 * already in memory, and nothing else of size is kept.
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpd.h"
#include "history.h"
#include "numfmt.h"
#include "store.h"
#include "stats.h"

/* Write the output buffer out once it holds this many bytes. */
#define FLUSH_AT 65536

/* ------------------------------------------------------------------------
 * Tables as series of runs.
 */

/*
 * Parses a column label as a run number: decimal digits without a leading
 * zero, 1 or more.  @return the number, or 0 when it is not one.
 */
static size_t
run_number(const char *s)
{
	size_t v = 0;

	if (*s < '1' || *s > '9')
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || v > (SIZE_MAX - 9) / 10)
			return 0;
		v = v * 10 + (size_t)(*s - '0');
	}
	return v;
}

struct col_run {
	size_t run, col;
};

static int
cmp_col_run(const void *a, const void *b)
{
	const struct col_run *x = a, *y = b;

	return (x->run > y->run) - (x->run < y->run);
}

/* Fills table i's run numbers and run order; pairs is scratch. */
static int
table_runs(struct cstat__history *h, size_t i, struct col_run *pairs)
{
	const struct cstat_tables *t = h->t;
	const struct cstat__table *tb = &t->tables[i];
	size_t base = h->off[i];
	bool sorted = true;

	for (size_t c = 0; c < tb->ncols; c++) {
		uint32_t id =
			tb->col_vals[c * t->ncol_fields + t->ncol_fields - 1];
		size_t run = run_number(cstat__tstr(t, id));
		if (run == 0)
			return CSTAT_EINVAL;
		h->run[base + c] = run;
		pairs[c] = (struct col_run){run, c};
		if (c && run <= pairs[c - 1].run)
			sorted = false;
		if (run > h->maxrun)
			h->maxrun = run;
	}
	/* The builder keeps the runs' order; sort in case it did not. */
	if (!sorted)
		qsort(pairs, tb->ncols, sizeof(*pairs), cmp_col_run);
	for (size_t c = 0; c < tb->ncols; c++) {
		if (c && pairs[c].run == pairs[c - 1].run)
			return CSTAT_EINVAL; /* one run in two columns */
		h->order[base + c] = pairs[c].col;
	}
	return 0;
}

int
cstat__history_init(struct cstat__history *h, const struct cstat_tables *t)
{
	size_t ncols = 0, maxcols = 0;
	struct col_run *pairs = NULL;
	int rc = 0;

	memset(h, 0, sizeof(*h));
	h->t = t;
	if (t->ntables && t->ncol_fields == 0)
		return CSTAT_EINVAL; /* no column labels: not a history */
	h->off = malloc((t->ntables + 1) * sizeof(*h->off));
	h->srow = malloc((t->ntables + 1) * sizeof(*h->srow));
	if (!h->off || !h->srow) {
		rc = CSTAT_ENOMEM;
		goto out_release;
	}
	h->off[0] = h->srow[0] = 0;
	for (size_t i = 0; i < t->ntables; i++) {
		ncols += t->tables[i].ncols;
		h->off[i + 1] = ncols;
		h->srow[i + 1] = h->srow[i] + t->tables[i].nrows;
		if (t->tables[i].ncols > maxcols)
			maxcols = t->tables[i].ncols;
	}
	h->nseries = h->srow[t->ntables];
	h->order = malloc((ncols + 1) * sizeof(*h->order));
	h->run = malloc((ncols + 1) * sizeof(*h->run));
	h->chstart = calloc(h->nseries + 1, sizeof(*h->chstart));
	pairs = malloc((maxcols + 1) * sizeof(*pairs));
	if (!h->order || !h->run || !h->chstart || !pairs) {
		rc = CSTAT_ENOMEM;
		goto out_release;
	}
	for (size_t i = 0; i < t->ntables && !rc; i++)
		rc = table_runs(h, i, pairs);
out_release:
	free(pairs);
	if (rc)
		cstat__history_release(h);
	return rc;
}

void
cstat__history_release(struct cstat__history *h)
{
	free(h->off);
	free(h->order);
	free(h->run);
	free(h->srow);
	free(h->ch);
	free(h->chstart);
	h->off = h->order = h->run = h->srow = h->chstart = NULL;
	h->ch = NULL;
	h->nch = 0;
}

static int
cmp_change(const void *a, const void *b)
{
	const struct cstat_change *x = a, *y = b;

	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	return (x->run > y->run) - (x->run < y->run);
}

int
cstat__history_set_changes(struct cstat__history *h,
			   const struct cstat_change *ch, size_t nch)
{
	const struct cstat_tables *t = h->t;

	for (size_t k = 0; k < nch; k++) {
		const struct cstat_change *c = &ch[k];
		if (c->table >= t->ntables ||
		    c->row >= t->tables[c->table].nrows ||
		    c->col >= t->tables[c->table].ncols ||
		    h->run[h->off[c->table] + c->col] != c->run)
			return CSTAT_EINVAL;
	}
	h->ch = malloc((nch + 1) * sizeof(*h->ch));
	if (!h->ch)
		return CSTAT_ENOMEM;
	if (nch)
		memcpy(h->ch, ch, nch * sizeof(*ch));
	h->nch = nch;
	qsort(h->ch, nch, sizeof(*h->ch), cmp_change);
	/* Count the changes per series, then turn counts into starts. */
	memset(h->chstart, 0, (h->nseries + 1) * sizeof(*h->chstart));
	for (size_t k = 0; k < nch; k++)
		h->chstart[h->srow[h->ch[k].table] + h->ch[k].row + 1]++;
	for (size_t s = 0; s < h->nseries; s++)
		h->chstart[s + 1] += h->chstart[s];
	return 0;
}

/* ------------------------------------------------------------------------
 * Change points.
 */

/* Appends the changes of one series; *cap is the capacity of *out. */
static int
add_changes(struct cstat_change **out, size_t *n, size_t *cap,
	    const struct cstat__cpd_point *pts, size_t np,
	    const struct cstat__history *h, size_t i, size_t r,
	    const size_t *cols)
{
	if (np && cstat__grow((void **)out, cap, *n + np, sizeof(**out)))
		return CSTAT_ENOMEM;
	for (size_t k = 0; k < np; k++) {
		size_t c = cols[pts[k].index];
		(*out)[(*n)++] = (struct cstat_change){
			.table = i,
			.row = r,
			.col = c,
			.run = h->run[h->off[i] + c],
			.before = pts[k].before,
			.after = pts[k].after,
			.change = pts[k].change,
			.p = pts[k].p,
		};
	}
	return 0;
}

/*
 * The standard error of a run's median from its own sorted values: the
 * normal-theory sqrt(pi/2) * sd / sqrt(n), with the sd estimated robustly
 * as 1.4826 * MAD; 0 (unknown) with fewer than 3 values.  tmp has room for
 * n values.
 */
static double
median_se(const double *v, size_t n, double *tmp)
{
	double med, mad;

	if (n < 3)
		return 0;
	med = cstat__quantile_sorted(v, n, 0.5);
	for (size_t i = 0; i < n; i++)
		tmp[i] = fabs(v[i] - med);
	cstat__sort_doubles(tmp, n);
	mad = cstat__quantile_sorted(tmp, n, 0.5);
	return 1.2533141373155003 * 1.4826 * mad / sqrt((double)n);
}

/*
 * The series of row r of table i from the runs numbered above minrun and
 * up to maxrun:
 * x[] gets the centers, se[] their standard errors from each run's values
 * and cols[] their columns.  tmp is scratch for the largest cell.
 * @return the length, or (size_t)-1 when out of memory.
 */
static size_t
series(const struct cstat__history *h, size_t i, size_t r, size_t minrun,
       size_t maxrun, double *x, double *se, size_t *cols, double **tmp,
       size_t *tmpcap)
{
	size_t m = 0;

	for (size_t k = h->off[i]; k < h->off[i + 1]; k++) {
		size_t c = h->order[k];
		const struct cstat__cell *ce = cstat__history_cell(h, i, r, c);
		size_t run = h->run[h->off[i] + c];
		if (run <= minrun || run > maxrun || !ce->present ||
		    !isfinite(ce->center))
			continue;
		if (ce->n > *tmpcap &&
		    cstat__grow((void **)tmp, tmpcap, ce->n, sizeof(**tmp)))
			return (size_t)-1;
		x[m] = ce->center;
		se[m] = ce->values ? median_se(ce->values, ce->n, *tmp) : 0;
		if (!isfinite(se[m]))
			se[m] = 0;
		cols[m++] = c;
	}
	return m;
}

/* The change points of series [s0, s1) (numbered across tables), for
 * one thread: its own scratch and results. */
struct changes_job {
	const struct cstat__history *h;
	const struct cstat__cpd_opts *o;
	size_t minrun, maxrun, maxcols, s0, s1;
	struct cstat_change *res;
	size_t nres, cap;
	int rc;
};

static void *
changes_main(void *arg)
{
	struct changes_job *j = arg;
	const struct cstat__history *h = j->h;
	double *x = malloc((j->maxcols + 1) * sizeof(*x));
	double *se = malloc((j->maxcols + 1) * sizeof(*se));
	size_t *cols = malloc((j->maxcols + 1) * sizeof(*cols));
	double *tmp = NULL;
	size_t tmpcap = 0, i = 0;
	int rc = x && se && cols ? 0 : CSTAT_ENOMEM;
	/* Series of one length share their permutations (4 MB: 2,000
	 * rounds of 1,000 runs). */
	struct cstat__cpd_cache cache = {.cap_bytes = (size_t)4 << 20};

	for (size_t s = j->s0; s < j->s1 && !rc; s++) {
		struct cstat__cpd_point *pts = NULL;
		size_t np = 0;
		while (h->srow[i + 1] <= s)
			i++;
		size_t r = s - h->srow[i];
		size_t m = series(h, i, r, j->minrun, j->maxrun, x, se, cols,
				  &tmp, &tmpcap);
		if (m == (size_t)-1) {
			rc = CSTAT_ENOMEM;
			break;
		}
		rc = cstat__cpd_cached(x, se, m, j->o, &cache, &pts, &np);
		if (!rc)
			rc = add_changes(&j->res, &j->nres, &j->cap, pts, np, h,
					 i, r, cols);
		free(pts);
	}
	free(x);
	free(se);
	free(tmp);
	free(cols);
	cstat__cpd_cache_release(&cache);
	j->rc = rc;
	return NULL;
}

/*
 * Series are independent and each one's search is deterministic (its
 * permutations are seeded by its length), so two threads take half the
 * series each and their results, in order, are those of one thread.  The
 * search is most of detect's time (1.2 s of CPU for 500 series of 1,000
 * runs); below this many series one thread is enough.
 */
#define CHANGES_THREADS_FROM 64

int
cstat_history_changes(const cstat_tables *t, size_t since, double alpha,
		      struct cstat_change **out, size_t *n)
{
	return cstat_history_changes_until(t, since, 0, alpha, out, n);
}

int
cstat_history_changes_until(const cstat_tables *t, size_t since, size_t until,
			    double alpha, struct cstat_change **out, size_t *n)
{
	struct cstat__history h;
	struct cstat__cpd_opts o;
	struct changes_job a = {0}, b;
	size_t maxcols = 0;
	pthread_t th;
	bool two = false;
	int rc;

	if (out)
		*out = NULL;
	if (n)
		*n = 0;
	if (!out || !n || !t || !(alpha >= 0 && alpha <= 1))
		return CSTAT_EINVAL;
	cstat__cpd_defaults(&o);
	if (alpha > 0)
		o.alpha = alpha;
	rc = cstat__history_init(&h, t);
	if (rc)
		return rc;
	for (size_t i = 0; i < t->ntables; i++)
		if (t->tables[i].ncols > maxcols)
			maxcols = t->tables[i].ncols;
	size_t top = until && until < h.maxrun ? until : h.maxrun;
	a = (struct changes_job){
		.h = &h,
		.o = &o,
		.minrun = since && since < top ? top - since : 0,
		.maxrun = top,
		.maxcols = maxcols,
		.s1 = h.nseries,
	};
	b = a;
	if (h.nseries >= CHANGES_THREADS_FROM) {
		a.s1 = b.s0 = h.nseries / 2;
		two = pthread_create(&th, NULL, changes_main, &b) == 0;
		if (!two)
			a.s1 = h.nseries; /* no second thread: all here */
	}
	changes_main(&a);
	if (two) {
		pthread_join(th, NULL);
		rc = a.rc ? a.rc : b.rc;
		if (!rc && b.nres &&
		    cstat__grow((void **)&a.res, &a.cap, a.nres + b.nres,
				sizeof(*a.res)))
			rc = CSTAT_ENOMEM;
		if (!rc && b.nres) {
			memcpy(a.res + a.nres, b.res, b.nres * sizeof(*b.res));
			a.nres += b.nres;
		}
		free(b.res);
	} else {
		rc = a.rc;
	}
	cstat__history_release(&h);
	if (rc) {
		free(a.res);
		return rc;
	}
	*out = a.res;
	*n = a.nres;
	return 0;
}

/* ------------------------------------------------------------------------
 * Output shared by CSV and JSON: a buffer written out as it fills.
 */
struct writer {
	FILE *out;
	struct cstat__buf b;
	int err;
};

static void
w_flush(struct writer *w)
{
	if (w->b.len && !w->err &&
	    fwrite(w->b.data, 1, w->b.len, w->out) != w->b.len)
		w->err = CSTAT_EIO;
	w->b.len = 0;
}

static void
w_add(struct writer *w, const char *s, size_t len)
{
	if (w->err)
		return;
	if (cstat__buf_add(&w->b, s, len))
		w->err = CSTAT_ENOMEM;
	else if (w->b.len >= FLUSH_AT)
		w_flush(w);
}

static void
w_adds(struct writer *w, const char *s)
{
	w_add(w, s, strlen(s));
}

static void
w_size(struct writer *w, size_t v)
{
	char b[32];

	w_add(w, b, (size_t)snprintf(b, sizeof(b), "%zu", v));
}

/* Ends the output: writes out the rest, frees the buffer. */
static int
w_end(struct writer *w)
{
	w_flush(w);
	cstat__buf_release(&w->b);
	return w->err;
}

/* The run's metadata key, or "". */
static const char *
meta(const struct cstat__history *h, size_t run, const char *key)
{
	const char *v = cstat__history_meta(h, run, key);

	return v ? v : "";
}

/* ------------------------------------------------------------------------
 * CSV: one record per run, benchmark and unit, fields quoted as RFC 4180
 * says (when they hold a comma, a quote or a line break), and a text field
 * that a spreadsheet would take for a formula quoted with a "'" before it
 * (cstat__csv_formula()).
 */
static void
csv_field(struct writer *w, const char *s, bool first)
{
	bool formula = cstat__csv_formula(s);

	if (!first)
		w_add(w, ",", 1);
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		w_adds(w, s);
		return;
	}
	/* A name or branch such as "=HYPERLINK(...)" must stay text. */
	w_add(w, formula ? "\"'" : "\"", formula ? 2 : 1);
	for (const char *q; (q = strchr(s, '"')) != NULL; s = q + 1) {
		w_add(w, s, (size_t)(q - s) + 1);
		w_add(w, "\"", 1);
	}
	w_adds(w, s);
	w_add(w, "\"", 1);
}

static void
csv_num(struct writer *w, double v)
{
	char b[CSTAT__GO_FLOAT_SIZE];

	w_add(w, ",", 1);
	w_add(w, b, cstat__fmt_go_float(b, v));
}

/* Table i's key but its unit, "k:v k:v" as cregress prints it. */
static int
table_config(const struct cstat_tables *t, size_t i, struct cstat__buf *b)
{
	b->len = 0;
	if (cstat__buf_adds(b, ""))
		return CSTAT_ENOMEM;
	for (size_t f = 0; f < t->nkey_fields; f++) {
		if ((int)f == t->unit_field)
			continue;
		/* Shown trimmed (Go pads its cpu: line); the tables keep
		 * what was read. */
		size_t vl;
		const char *v = cstat__trim(
			cstat__tstr(t, cstat__table_key(t, &t->tables[i], f)),
			&vl);
		if ((b->len && cstat__buf_addc(b, ' ')) ||
		    cstat__buf_printf(b, "%s:%.*s",
				      cstat__tstr(t, t->key_fields[f]), (int)vl,
				      v))
			return CSTAT_ENOMEM;
	}
	return 0;
}

static void
csv_series(struct writer *w, const struct cstat__history *h, size_t i, size_t r,
	   const char *config)
{
	const struct cstat_tables *t = h->t;
	const struct cstat__table *tb = &t->tables[i];
	size_t s = h->srow[i] + r, k = h->chstart[s];

	for (size_t j = h->off[i]; j < h->off[i + 1] && !w->err; j++) {
		size_t c = h->order[j], run = h->run[h->off[i] + c];
		const struct cstat__cell *ce = cstat__history_cell(h, i, r, c);
		if (!ce->present)
			continue;
		csv_field(w, config, true);
		csv_field(w, cstat__tstr(t, tb->row_labels[r]), false);
		csv_field(w, cstat__tstr(t, tb->unit), false);
		w_add(w, ",", 1);
		w_size(w, run);
		csv_field(w, meta(h, run, "commit"), false);
		csv_field(w, meta(h, run, "branch"), false);
		csv_field(w, meta(h, run, "created"), false);
		w_add(w, ",", 1);
		w_size(w, ce->n);
		csv_num(w, ce->center);
		csv_num(w, ce->lo);
		csv_num(w, ce->hi);
		while (k < h->chstart[s + 1] && h->ch[k].run < run)
			k++;
		if (k < h->chstart[s + 1] && h->ch[k].run == run)
			csv_num(w, h->ch[k].change);
		else
			w_add(w, ",", 1);
		w_add(w, "\n", 1);
	}
}

static int
write_csv(const struct cstat__history *h, FILE *out)
{
	const struct cstat_tables *t = h->t;
	struct writer w = {.out = out};
	struct cstat__buf config = {0};

	w_adds(&w, "config,benchmark,unit,run,commit,branch,created,n,median,"
		   "lo,hi,change\n");
	for (size_t i = 0; i < t->ntables && !w.err; i++) {
		if (table_config(t, i, &config)) {
			w.err = CSTAT_ENOMEM;
			break;
		}
		for (size_t r = 0; r < t->tables[i].nrows && !w.err; r++)
			csv_series(&w, h, i, r, config.data);
	}
	cstat__buf_release(&config);
	return w_end(&w);
}

/* ------------------------------------------------------------------------
 * JSON, schema "cstat-history/1" (docs/cbaseline.md).  Strings are valid
 * UTF-8 (invalid bytes become U+FFFD); numbers are Go's shortest text
 * that reads back to the same double, and null when not finite.
 */
static void
json_str(struct writer *w, const char *s)
{
	if (w->err)
		return;
	if (cstat__json_quote(&w->b, s, strlen(s)))
		w->err = CSTAT_ENOMEM;
	else if (w->b.len >= FLUSH_AT)
		w_flush(w);
}

/* A string or null. */
static void
json_opt(struct writer *w, const char *s)
{
	if (s)
		json_str(w, s);
	else
		w_adds(w, "null");
}

static void
json_num(struct writer *w, double v)
{
	char b[CSTAT__GO_FLOAT_SIZE];

	if (!isfinite(v))
		w_adds(w, "null");
	else
		w_add(w, b, cstat__fmt_go_float(b, v));
}

/* ", \"key\": " (or without the comma for the first key). */
static void
json_key(struct writer *w, const char *k, bool first)
{
	if (!first)
		w_add(w, ", ", 2);
	json_str(w, k);
	w_add(w, ": ", 2);
}

static void
json_runs(struct writer *w, const struct cstat__history *h)
{
	static const char *const keys[] = {"commit", "branch", "created",
					   "env.host"};

	w_adds(w, "  \"runs\": [");
	for (size_t run = 1; run <= h->nruns && !w->err; run++) {
		w_adds(w, run > 1 ? ",\n    {" : "\n    {");
		json_key(w, "run", true);
		w_size(w, run);
		for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			/* "env.host" is "host" in the document. */
			json_key(w, keys[k] + (k == 3 ? 4 : 0), false);
			json_opt(w, cstat__history_meta(h, run, keys[k]));
		}
		w_add(w, "}", 1);
	}
	w_adds(w, h->nruns ? "\n  ],\n" : "],\n");
}

static void
json_points(struct writer *w, const struct cstat__history *h, size_t i,
	    size_t r)
{
	bool first = true;

	w_adds(w, "     \"points\": [");
	for (size_t j = h->off[i]; j < h->off[i + 1] && !w->err; j++) {
		size_t c = h->order[j];
		const struct cstat__cell *ce = cstat__history_cell(h, i, r, c);
		if (!ce->present)
			continue;
		w_adds(w, first ? "\n      {" : ",\n      {");
		first = false;
		json_key(w, "run", true);
		w_size(w, h->run[h->off[i] + c]);
		json_key(w, "n", false);
		w_size(w, ce->n);
		json_key(w, "median", false);
		json_num(w, ce->center);
		json_key(w, "lo", false);
		json_num(w, ce->lo);
		json_key(w, "hi", false);
		json_num(w, ce->hi);
		w_add(w, "}", 1);
	}
	w_adds(w, first ? "],\n" : "\n     ],\n");
}

static void
json_changes(struct writer *w, const struct cstat__history *h, size_t s)
{
	w_adds(w, "     \"changes\": [");
	for (size_t k = h->chstart[s]; k < h->chstart[s + 1]; k++) {
		const struct cstat_change *c = &h->ch[k];
		w_adds(w, k > h->chstart[s] ? ",\n      {" : "\n      {");
		json_key(w, "run", true);
		w_size(w, c->run);
		json_key(w, "before", false);
		json_num(w, c->before);
		json_key(w, "after", false);
		json_num(w, c->after);
		json_key(w, "change", false);
		json_num(w, c->change);
		json_key(w, "p", false);
		json_num(w, c->p);
		w_add(w, "}", 1);
	}
	w_adds(w, h->chstart[s + 1] > h->chstart[s] ? "\n     ]}" : "]}");
}

static void
json_series(struct writer *w, const struct cstat__history *h, size_t i,
	    size_t r)
{
	const struct cstat_tables *t = h->t;
	const struct cstat__table *tb = &t->tables[i];
	bool first = true;

	w_adds(w, "    {\"config\": {");
	for (size_t f = 0; f < t->nkey_fields; f++) {
		if ((int)f == t->unit_field)
			continue;
		json_key(w, cstat__tstr(t, t->key_fields[f]), first);
		size_t vl;
		const char *v = cstat__trim(
			cstat__tstr(t, cstat__table_key(t, tb, f)), &vl);
		if (!w->err && cstat__json_quote(&w->b, v, vl))
			w->err = CSTAT_ENOMEM;
		first = false;
	}
	w_adds(w, "},\n     ");
	json_key(w, "name", true);
	json_str(w, cstat__tstr(t, tb->row_labels[r]));
	json_key(w, "unit", false);
	json_str(w, cstat__tstr(t, tb->unit));
	json_key(w, "exact", false);
	w_adds(w, tb->exact ? "true" : "false");
	json_key(w, "better", false);
	json_str(w, tb->higher_better ? "higher" : "lower");
	w_adds(w, ",\n");
	json_points(w, h, i, r);
	json_changes(w, h, h->srow[i] + r);
}

static int
write_json(const struct cstat__history *h, FILE *out)
{
	const struct cstat_tables *t = h->t;
	struct writer w = {.out = out};
	bool first = true;

	w_adds(&w, "{\n  \"schema\": \"cstat-history/1\",\n  \"name\": ");
	json_opt(&w,
		 h->nruns ? cstat__history_meta(h, h->nruns, "name") : NULL);
	w_adds(&w, ",\n  \"confidence\": ");
	json_num(&w, t->confidence);
	w_adds(&w, ",\n");
	json_runs(&w, h);
	w_adds(&w, "  \"series\": [");
	for (size_t i = 0; i < t->ntables && !w.err; i++) {
		for (size_t r = 0; r < t->tables[i].nrows && !w.err; r++) {
			w_adds(&w, first ? "\n" : ",\n");
			first = false;
			json_series(&w, h, i, r);
		}
	}
	w_adds(&w, first ? "]\n}\n" : "\n  ]\n}\n");
	return w_end(&w);
}

/* ------------------------------------------------------------------------
 * The entry point.
 */
int
cstat_history_write(cstat_run *const *runs, size_t n, const cstat_tables *t,
		    const struct cstat_change *ch, size_t nch,
		    enum cstat_format fmt, FILE *out)
{
	struct cstat__history h;
	int rc;

	if (!cstat__runs_ok(runs, n) || !t || (!ch && nch) || !out)
		return CSTAT_EINVAL;
	if (fmt != CSTAT_FORMAT_CSV && fmt != CSTAT_FORMAT_JSON &&
	    fmt != CSTAT_FORMAT_HTML)
		return CSTAT_EINVAL;
	rc = cstat__history_init(&h, t);
	if (rc)
		return rc;
	h.runs = runs;
	h.nruns = n;
	if (h.maxrun > n)
		rc = CSTAT_EINVAL; /* a column of a run we were not given */
	if (!rc)
		rc = cstat__history_set_changes(&h, ch, nch);
	if (!rc && fmt == CSTAT_FORMAT_CSV)
		rc = write_csv(&h, out);
	else if (!rc && fmt == CSTAT_FORMAT_JSON)
		rc = write_json(&h, out);
	else if (!rc)
		rc = cstat__history_html(&h, out);
	cstat__history_release(&h);
	return rc;
}
