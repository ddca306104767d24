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
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpd.h"
#include "history.h"
#include "numfmt.h"
#include "ostream.h"
#include "store.h"
#include "stats.h"

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
 * Fills tmp[0..m) with the m smallest |v[i] - med| in ascending order, v
 * sorted ascending, med finite and m <= n: the distances fall towards med
 * and rise after it, so walking out from med both ways and taking the
 * nearer side first sorts them in one pass.  All are >= +0, so this is
 * the start of the very array a sort gives.
 */
static void
sorted_deviations(const double *v, size_t n, double med, double *tmp, size_t m)
{
	size_t lo = 0, hi, k = 0;

	while (lo < n && v[lo] < med)
		lo++;
	hi = lo;
	while (k < m) {
		double l = lo > 0 ? fabs(v[lo - 1] - med) : INFINITY;
		double r = hi < n ? fabs(v[hi] - med) : INFINITY;

		/* Without a branch: which side is nearer is a coin toss. */
		size_t right = (size_t)(hi < n) &
			       ((size_t)(lo == 0) | (size_t)(r <= l));

		tmp[k++] = right ? r : l;
		hi += right;
		lo -= 1 - right;
	}
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
	if (isfinite(med) && !isnan(v[0])) {
		/* The median of n >= 3 reads no further than n / 2 + 1. */
		sorted_deviations(v, n, med, tmp, n / 2 + 2);
	} else {
		for (size_t i = 0; i < n; i++)
			tmp[i] = fabs(v[i] - med);
		cstat__sort_doubles(tmp, n);
	}
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

/*
 * How many runs the series of row r of table i has from the runs numbered
 * above minrun and up to maxrun: the length series() gives it.
 */
static size_t
series_length(const struct cstat__history *h, size_t i, size_t r, size_t minrun,
	      size_t maxrun)
{
	size_t m = 0;

	for (size_t c = 0; c < h->t->tables[i].ncols; c++) {
		const struct cstat__cell *ce = cstat__history_cell(h, i, r, c);
		size_t run = h->run[h->off[i] + c];
		m += run > minrun && run <= maxrun && ce->present &&
		     isfinite(ce->center);
	}
	return m;
}

/*
 * The length most series have (the shortest of equals; 0 when there are
 * none), whose permutations the threads share.  counts has room for
 * maxcols + 1.
 */
static size_t
common_length(const struct cstat__history *h, size_t minrun, size_t maxrun,
	      size_t maxcols, size_t *counts)
{
	size_t best = 0;

	memset(counts, 0, (maxcols + 1) * sizeof(*counts));
	for (size_t i = 0; i < h->t->ntables; i++)
		for (size_t r = 0; r < h->t->tables[i].nrows; r++)
			counts[series_length(h, i, r, minrun, maxrun)]++;
	for (size_t m = 1; m <= maxcols; m++)
		if (counts[m] > counts[best] || best == 0)
			best = counts[m] ? m : best;
	return best;
}

/* The change points of the series (numbered across tables) one thread
 * takes from the shared counter: its own scratch and results. */
struct changes_job {
	const struct cstat__history *h;
	const struct cstat__cpd_opts *o;
	size_t minrun, maxrun, maxcols, nseries;
	size_t chunk;			 /* series taken at a time */
	atomic_size_t *next;		 /* the next series no thread took */
	struct cstat__cpd_cache *shared; /* the common length's orders */
	struct cstat__cpd_cache cache;	 /* this thread's orders */
	double *x, *se, *tmp;		 /* scratch for CHANGES_CHUNK series */
	size_t *cols, tmpcap;
	struct cstat_change *res;
	size_t nres, cap;
	struct pending *pend; /* series whose first test is put off */
	size_t npend, pcap;
	int rc;
};

/* A series whose whole test waits for the rounds past the shared cache. */
struct pending {
	size_t s;
	struct cstat__cpd_defer d;
};

/* Series a thread takes at a time, of many (of a few long ones, one at a
 * time: each is costly).  Their whole tests over the shared cache are
 * counted together (cstat__cpd_many()). */
#define CHANGES_CHUNK 16

/*
 * Adds the changes of the series s0 .. s0 + cnt - 1 (cnt at most
 * CHANGES_CHUNK), in table *i or later ones, to j's, in series order.
 */
static int
series_changes(struct changes_job *j, size_t s0, size_t cnt, size_t *i)
{
	const struct cstat__history *h = j->h;
	size_t n = j->maxcols + 1, tab[CHANGES_CHUNK], row[CHANGES_CHUNK];
	size_t m[CHANGES_CHUNK] = {0}, np[CHANGES_CHUNK];
	struct cstat__cpd_point *pts[CHANGES_CHUNK] = {0};
	struct cstat__cpd_defer d[CHANGES_CHUNK], *dp[CHANGES_CHUNK] = {0};
	const double *x[CHANGES_CHUNK] = {0}, *se[CHANGES_CHUNK] = {0};
	int rc;

	for (size_t k = 0; k < cnt; k++) {
		size_t s = s0 + k;

		while (h->srow[*i + 1] <= s)
			(*i)++;
		tab[k] = *i;
		row[k] = s - h->srow[*i];
		m[k] = series(h, *i, row[k], j->minrun, j->maxrun, j->x + k * n,
			      j->se + k * n, j->cols + k * n, &j->tmp,
			      &j->tmpcap);
		if (m[k] == (size_t)-1)
			return CSTAT_ENOMEM;
		x[k] = j->x + k * n;
		se[k] = j->se + k * n;
		d[k] = (struct cstat__cpd_defer){.state = CSTAT__CPD_MAY_DEFER};
		dp[k] = &d[k];
	}
	rc = cstat__cpd_many(x, se, m, cnt, j->o, &j->cache, dp,
			     CSTAT__CPD_DRAW_BEST, pts, np);
	for (size_t k = 0; k < cnt && !rc; k++) {
		if (d[k].state == CSTAT__CPD_DEFERRED) {
			if (cstat__grow((void **)&j->pend, &j->pcap,
					j->npend + 1, sizeof(*j->pend)))
				rc = CSTAT_ENOMEM;
			else
				j->pend[j->npend++] =
					(struct pending){s0 + k, d[k]};
			continue;
		}
		rc = add_changes(&j->res, &j->nres, &j->cap, pts[k], np[k], h,
				 tab[k], row[k], j->cols + k * n);
	}
	for (size_t k = 0; k < cnt; k++)
		free(pts[k]);
	return rc;
}

/* Deferred series finished at a time: each holds its scores and limits
 * (3 arrays of its length) while the rounds past the cache are drawn,
 * and a group draws them again. */
#define FINISH_GROUP 64

/*
 * Finishes the series a and b put off (pend[0..np), in series order):
 * their whole tests over the rounds past the shared cache, drawn once for
 * up to FINISH_GROUP of them, then their searches, whose changes go to
 * out's.  @return 0; CSTAT_ENOMEM.
 */
static int
finish_pending(struct changes_job *out, struct pending *pend, size_t np)
{
	const struct cstat__history *h = out->h;
	size_t n = out->maxcols + 1, i = 0;
	size_t ng = np < FINISH_GROUP ? np : FINISH_GROUP;
	double *x[FINISH_GROUP] = {0}, *se[FINISH_GROUP] = {0};
	struct cstat__cpd_defer *d[FINISH_GROUP];
	int rc = 0;

	out->cols = malloc(n * sizeof(*out->cols));
	for (size_t g = 0; g < ng; g++) {
		x[g] = malloc(n * sizeof(**x));
		se[g] = malloc(n * sizeof(**se));
		if (!x[g] || !se[g])
			rc = CSTAT_ENOMEM;
	}
	if (!out->cols)
		rc = CSTAT_ENOMEM;
	for (size_t k0 = 0; !rc && k0 < np; k0 += FINISH_GROUP) {
		size_t cnt = np - k0 < FINISH_GROUP ? np - k0 : FINISH_GROUP;

		for (size_t g = 0; g < cnt && !rc; g++) {
			size_t s = pend[k0 + g].s;

			while (h->srow[i + 1] <= s)
				i++;
			if (series(h, i, s - h->srow[i], out->minrun,
				   out->maxrun, x[g], se[g], out->cols,
				   &out->tmp, &out->tmpcap) == (size_t)-1)
				rc = CSTAT_ENOMEM;
			d[g] = &pend[k0 + g].d;
		}
		if (!rc)
			rc = cstat__cpd_finish((const double *const *)x,
					       (const double *const *)se,
					       out->o, out->shared, d, cnt);
		for (size_t g = 0; g < cnt && !rc; g++) {
			struct cstat__cpd_point *pts = NULL;
			size_t s = pend[k0 + g].s, np2 = 0, m;

			i = 0;
			while (h->srow[i + 1] <= s)
				i++;
			m = series(h, i, s - h->srow[i], out->minrun,
				   out->maxrun, x[0], se[0], out->cols,
				   &out->tmp, &out->tmpcap);
			if (m == (size_t)-1) {
				rc = CSTAT_ENOMEM;
				break;
			}
			rc = cstat__cpd_deferred(x[0], se[0], m, out->o, NULL,
						 d[g], &pts, &np2);
			if (!rc)
				rc = add_changes(&out->res, &out->nres,
						 &out->cap, pts, np2, h, i,
						 s - h->srow[i], out->cols);
			free(pts);
		}
	}
	for (size_t g = 0; g < ng; g++) {
		free(x[g]);
		free(se[g]);
	}
	free(out->cols);
	free(out->tmp);
	return rc;
}

/*
 * One thread's search: series CHANGES_CHUNK at a time, in order, from the
 * counter the threads share, until none is left.  Taking them as they go
 * balances the threads, whose series differ in cost (a segment near alpha
 * costs 10,000 permutations, one without a change a hundred).
 */
static void *
changes_main(void *arg)
{
	struct changes_job *j = arg;
	size_t i = 0, n = j->maxcols + 1;
	/* Series of other lengths than the common one reuse their
	 * permutations while the length stays (4 MB: 2,000 rounds of 1,000
	 * runs). */
	bool cached = cstat__cpd_cache_init(&j->cache, (size_t)4 << 20, 0,
					    j->shared) == 0;

	j->x = malloc(CHANGES_CHUNK * n * sizeof(*j->x));
	j->se = malloc(CHANGES_CHUNK * n * sizeof(*j->se));
	j->cols = malloc(CHANGES_CHUNK * n * sizeof(*j->cols));
	j->rc = j->x && j->se && j->cols && cached ? 0 : CSTAT_ENOMEM;
	while (!j->rc) {
		size_t s0 = atomic_fetch_add(j->next, j->chunk);
		if (s0 >= j->nseries)
			break;
		j->rc = series_changes(
			j, s0,
			j->nseries - s0 < j->chunk ? j->nseries - s0 : j->chunk,
			&i);
	}
	free(j->x);
	free(j->se);
	free(j->tmp);
	free(j->cols);
	if (cached)
		cstat__cpd_cache_release(&j->cache);
	return NULL;
}

/* The series of change c, numbered across tables. */
static size_t
change_series(const struct cstat__history *h, const struct cstat_change *c)
{
	return h->srow[c->table] + c->row;
}

/*
 * Merges b's changes into a's: each in the order of its series, which the
 * two threads took in turns, so that a's are then those of one thread.
 * @return 0; CSTAT_ENOMEM.
 */
static int
merge_changes(const struct cstat__history *h, struct changes_job *a,
	      const struct changes_job *b)
{
	size_t n = a->nres + b->nres, ia = 0, ib = 0;
	struct cstat_change *m;

	if (!b->nres)
		return 0;
	m = malloc(n * sizeof(*m));
	if (!m)
		return CSTAT_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		bool from_a =
			ib == b->nres ||
			(ia < a->nres && change_series(h, &a->res[ia]) <
						 change_series(h, &b->res[ib]));
		m[k] = from_a ? a->res[ia++] : b->res[ib++];
	}
	free(a->res);
	a->res = m;
	a->nres = a->cap = n;
	return 0;
}

/*
 * Finishes the series a and b (may be NULL) put off, in series order, and
 * merges their changes into a's.  @return 0; CSTAT_ENOMEM.
 */
static int
finish_all(const struct cstat__history *h, struct changes_job *a,
	   const struct changes_job *b)
{
	size_t nb = b ? b->npend : 0, n = a->npend + nb, ia = 0, ib = 0;
	struct pending *all = malloc(n * sizeof(*all));
	struct changes_job p = *a;
	int rc;

	if (!all)
		return CSTAT_ENOMEM;
	for (size_t k = 0; k < n; k++)
		all[k] = ib == nb || (ia < a->npend &&
				      a->pend[ia].s < b->pend[ib].s)
				 ? a->pend[ia++]
				 : b->pend[ib++];
	p.res = NULL;
	p.nres = p.cap = 0;
	p.tmp = NULL;
	p.tmpcap = 0;
	rc = finish_pending(&p, all, n);
	if (!rc)
		rc = merge_changes(h, a, &p);
	free(p.res);
	free(all);
	return rc;
}

/*
 * Series are independent and each one's search is deterministic (its
 * permutations are seeded by its length), so two threads share the
 * series and their results, merged in order, are those of one thread.
 * The search is most of detect's time; below this many series one thread
 * is enough, unless they hold this many runs in all (the 8 series of one
 * benchmark over 10,000 runs: 0.1 s of search).
 */
#define CHANGES_THREADS_FROM 64
#define CHANGES_THREADS_RUNS 64000

/*
 * The orders of the common length, shared by the threads, up to 20 MB:
 * the 9,999 rounds a segment of 1,000 runs can need at the default alpha,
 * which otherwise both threads draw, and draw again for every segment
 * that needs more than they keep.  Only the rounds drawn take memory.
 * The tests give cstat__history_changes_opts() a few rounds' worth, so
 * that series are put off (tests/test-history-defer.c).
 */
#define SHARED_CACHE_BYTES ((size_t)20 << 20)

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
	return cstat__history_changes_opts(t, since, until, alpha,
					   SHARED_CACHE_BYTES, NULL, out, n);
}

int
cstat__history_changes_opts(const cstat_tables *t, size_t since, size_t until,
			    double alpha, size_t cache_bytes, size_t *deferred,
			    struct cstat_change **out, size_t *n)
{
	struct cstat__history h;
	struct cstat__cpd_opts o;
	struct changes_job a = {0}, b;
	struct cstat__cpd_cache shared;
	atomic_size_t next;
	size_t maxcols = 0, *counts;
	pthread_t th;
	bool two = false;
	int rc;

	if (out)
		*out = NULL;
	if (n)
		*n = 0;
	if (deferred)
		*deferred = 0;
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
	atomic_init(&next, 0);
	a = (struct changes_job){
		.h = &h,
		.o = &o,
		.minrun = since && since < top ? top - since : 0,
		.maxrun = top,
		.maxcols = maxcols,
		.nseries = h.nseries,
		.chunk = h.nseries >= CHANGES_THREADS_FROM ? CHANGES_CHUNK : 1,
		.next = &next,
	};
	counts = malloc((maxcols + 1) * sizeof(*counts));
	if (!counts ||
	    cstat__cpd_cache_init(
		    &shared, cache_bytes,
		    common_length(&h, a.minrun, top, maxcols, counts), NULL)) {
		free(counts);
		cstat__history_release(&h);
		return CSTAT_ENOMEM;
	}
	free(counts);
	a.shared = &shared;
	b = a;
	if (h.nseries >= CHANGES_THREADS_FROM ||
	    (h.nseries >= 2 && h.nseries * maxcols >= CHANGES_THREADS_RUNS))
		two = pthread_create(&th, NULL, changes_main, &b) == 0;
	changes_main(&a);
	rc = a.rc;
	if (two) {
		pthread_join(th, NULL);
		if (!rc)
			rc = b.rc;
		if (!rc)
			rc = merge_changes(&h, &a, &b);
		free(b.res);
	}
	size_t npend = a.npend + (two ? b.npend : 0);
	if (!rc && npend)
		rc = finish_all(&h, &a, two ? &b : NULL);
	free(a.pend);
	if (two)
		free(b.pend);
	cstat__cpd_cache_release(&shared);
	cstat__history_release(&h);
	if (rc) {
		free(a.res);
		return rc;
	}
	*out = a.res;
	*n = a.nres;
	if (deferred)
		*deferred = npend;
	return 0;
}

/* ------------------------------------------------------------------------
 * Output shared by CSV and JSON: the output stream (ostream.h).  The hot
 * paths (a record per run and benchmark) append to it directly: no
 * printf, no call per byte.
 */
struct writer {
	struct cstat__ostream os;
	struct memo *memo; /* MEMO_SIZE entries, or NULL */
};

/*
 * The text of a number written recently.  A series repeats its numbers
 * (a run's interval ends are two of its values, and values of whole
 * nanoseconds repeat from run to run), so a small table by the bits of
 * the double saves most of the formatting.
 */
struct memo {
	uint64_t bits;
	uint8_t len; /* 0: empty */
	char text[CSTAT__GO_FLOAT_SIZE];
};

#define MEMO_BITS 10
#define MEMO_SIZE ((size_t)1 << MEMO_BITS)

static void
w_add(struct writer *w, const char *s, size_t len)
{
	cstat__os_put(&w->os, s, len);
}

static void
w_adds(struct writer *w, const char *s)
{
	cstat__os_adds(&w->os, s);
}

static void
w_size(struct writer *w, size_t v)
{
	cstat__os_uint(&w->os, v);
}

/* v as Go prints it (cstat__fmt_go_float()). */
static void
w_float(struct writer *w, double v)
{
	uint64_t bits;

	if (!w->memo) {
		cstat__os_go_float(&w->os, v);
		return;
	}
	memcpy(&bits, &v, sizeof(bits));
	struct memo *e =
		&w->memo[(bits * 0x9e3779b97f4a7c15u) >> (64 - MEMO_BITS)];
	if (e->len == 0 || e->bits != bits) {
		e->bits = bits;
		e->len = (uint8_t)cstat__fmt_go_float(e->text, v);
	}
	/* A copy of constant size is a few moves; of e->len, a loop. */
	char *p = cstat__os_room(&w->os, sizeof(e->text));
	if (p) {
		memcpy(p, e->text, sizeof(e->text));
		cstat__os_commit(&w->os, e->len);
	}
}

/* Starts the output to out (the memo is optional: without it, numbers
 * are formatted each time). */
static void
w_begin(struct writer *w, FILE *out)
{
	cstat__os_file(&w->os, out);
	w->memo = calloc(MEMO_SIZE, sizeof(*w->memo));
}

/* Ends the output: writes out the rest, frees the buffer. */
static int
w_end(struct writer *w)
{
	free(w->memo);
	return cstat__os_close(&w->os);
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
 * says (when they hold a comma, a quote or a line break: the stream's
 * CSTAT__CSV_RFC4180 rule), and a text field that a spreadsheet would take
 * for a formula quoted with a "'" before it (cstat__csv_formula()).  A record
 * repeats its series' fields and its run's, so each is quoted once, into the
 * text that every record of the series or the run copies.
 */
static void
csv_field(struct cstat__ostream *b, const char *s, bool first)
{
	if (!first)
		cstat__os_put(b, ",", 1);
	cstat__os_csv(b, s, CSTAT__CSV_RFC4180, true);
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

/*
 * Every run's fields, ",run,commit,branch,created", one after another in
 * b: run r's from off[r - 1] to off[r].  off gets h->nruns + 1 entries.
 */
static int
csv_runs(const struct cstat__history *h, struct cstat__ostream *b, size_t **off)
{
	static const char *const keys[] = {"commit", "branch", "created"};

	*off = malloc((h->nruns + 1) * sizeof(**off));
	if (!*off)
		return CSTAT_ENOMEM;
	(*off)[0] = 0;
	for (size_t run = 1; run <= h->nruns && !b->err; run++) {
		cstat__os_put(b, ",", 1);
		cstat__os_uint(b, run);
		for (size_t k = 0; k < 3; k++)
			csv_field(b, meta(h, run, keys[k]), false);
		(*off)[run] = b->len;
	}
	return b->err;
}

/* The records of row r of table i; lead is its "config,benchmark,unit"
 * and runs, off its runs' fields (csv_runs()). */
static void
csv_series(struct writer *w, const struct cstat__history *h, size_t i, size_t r,
	   const struct cstat__ostream *lead, const char *runs,
	   const size_t *off)
{
	size_t s = h->srow[i] + r, k = h->chstart[s];

	for (size_t j = h->off[i]; j < h->off[i + 1] && !w->os.err; j++) {
		size_t c = h->order[j], run = h->run[h->off[i] + c];
		const struct cstat__cell *ce = cstat__history_cell(h, i, r, c);
		if (!ce->present)
			continue;
		w_add(w, lead->data, lead->len);
		w_add(w, runs + off[run - 1], off[run] - off[run - 1]);
		w_add(w, ",", 1);
		w_size(w, ce->n);
		w_add(w, ",", 1);
		w_float(w, ce->center);
		w_add(w, ",", 1);
		w_float(w, ce->lo);
		w_add(w, ",", 1);
		w_float(w, ce->hi);
		w_add(w, ",", 1);
		while (k < h->chstart[s + 1] && h->ch[k].run < run)
			k++;
		if (k < h->chstart[s + 1] && h->ch[k].run == run)
			w_float(w, h->ch[k].change);
		w_add(w, "\n", 1);
	}
}

static int
write_csv(const struct cstat__history *h, FILE *out)
{
	const struct cstat_tables *t = h->t;
	struct writer w;
	struct cstat__buf config = {0};
	struct cstat__ostream lead = {0}, runs = {0}; /* in memory */
	size_t *off = NULL;
	int rc;

	w_begin(&w, out);
	w_adds(&w, "config,benchmark,unit,run,commit,branch,created,n,median,"
		   "lo,hi,change\n");
	rc = csv_runs(h, &runs, &off);
	for (size_t i = 0; i < t->ntables && !rc && !w.os.err; i++) {
		const struct cstat__table *tb = &t->tables[i];
		rc = table_config(t, i, &config);
		for (size_t r = 0; r < tb->nrows && !rc && !w.os.err; r++) {
			lead.len = 0;
			csv_field(&lead, config.data, true);
			csv_field(&lead, cstat__tstr(t, tb->row_labels[r]),
				  false);
			csv_field(&lead, cstat__tstr(t, tb->unit), false);
			rc = lead.err;
			if (!rc)
				csv_series(&w, h, i, r, &lead, runs.data, off);
		}
	}
	cstat__os_fail(&w.os, rc);
	free(off);
	cstat__os_release(&runs);
	cstat__os_release(&lead);
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
	cstat__os_json_str(&w->os, s, strlen(s));
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
	if (!isfinite(v))
		w_adds(w, "null");
	else
		w_float(w, v);
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

/* A literal: its bytes and length, for keys that need no quoting. */
#define LIT(s) s, sizeof(s) - 1

static void
json_runs(struct writer *w, const struct cstat__history *h)
{
	static const char *const keys[] = {"commit", "branch", "created",
					   "env.host"};

	w_adds(w, "  \"runs\": [");
	for (size_t run = 1; run <= h->nruns && !w->os.err; run++) {
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
	for (size_t j = h->off[i]; j < h->off[i + 1] && !w->os.err; j++) {
		size_t c = h->order[j];
		const struct cstat__cell *ce = cstat__history_cell(h, i, r, c);
		if (!ce->present)
			continue;
		if (first)
			w_add(w, LIT("\n      {\"run\": "));
		else
			w_add(w, LIT(",\n      {\"run\": "));
		first = false;
		w_size(w, h->run[h->off[i] + c]);
		w_add(w, LIT(", \"n\": "));
		w_size(w, ce->n);
		w_add(w, LIT(", \"median\": "));
		json_num(w, ce->center);
		w_add(w, LIT(", \"lo\": "));
		json_num(w, ce->lo);
		w_add(w, LIT(", \"hi\": "));
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
		cstat__os_json_str(&w->os, v, vl);
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
	struct writer w;
	bool first = true;

	w_begin(&w, out);
	w_adds(&w, "{\n  \"schema\": \"cstat-history/1\",\n  \"name\": ");
	json_opt(&w,
		 h->nruns ? cstat__history_meta(h, h->nruns, "name") : NULL);
	w_adds(&w, ",\n  \"confidence\": ");
	json_num(&w, t->confidence);
	w_adds(&w, ",\n");
	json_runs(&w, h);
	w_adds(&w, "  \"series\": [");
	for (size_t i = 0; i < t->ntables && !w.os.err; i++) {
		for (size_t r = 0; r < t->tables[i].nrows && !w.os.err; r++) {
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
/* The history writers by enum cstat_format (the index; an empty row is a
 * format the history has not), so a new format is one row here; repo only
 * matters to the dashboard. */
typedef int (*history_writer)(const struct cstat__history *h, const char *repo,
			      FILE *out);

static int
history_csv(const struct cstat__history *h, const char *repo, FILE *out)
{
	(void)repo;
	return write_csv(h, out);
}

static int
history_json(const struct cstat__history *h, const char *repo, FILE *out)
{
	(void)repo;
	return write_json(h, out);
}

static const history_writer history_formats[] = {
	[CSTAT_FORMAT_CSV] = history_csv,
	[CSTAT_FORMAT_JSON] = history_json,
	[CSTAT_FORMAT_HTML] = cstat__history_html,
};

/* Writes the history as fmt, the dashboard with commit links to repo. */
static int
write_history(cstat_run *const *runs, size_t n, const cstat_tables *t,
	      const struct cstat_change *ch, size_t nch, enum cstat_format fmt,
	      const char *repo, FILE *out)
{
	struct cstat__history h;
	int rc;

	if (!cstat__runs_ok(runs, n) || !t || (!ch && nch) || !out)
		return CSTAT_EINVAL;
	if ((unsigned)fmt >=
		    sizeof history_formats / sizeof history_formats[0] ||
	    !history_formats[fmt])
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
	if (!rc)
		rc = history_formats[fmt](&h, repo, out);
	cstat__history_release(&h);
	return rc;
}

int
cstat_history_write(cstat_run *const *runs, size_t n, const cstat_tables *t,
		    const struct cstat_change *ch, size_t nch,
		    enum cstat_format fmt, FILE *out)
{
	return write_history(runs, n, t, ch, nch, fmt, NULL, out);
}

int
cstat_history_write_html(cstat_run *const *runs, size_t n,
			 const cstat_tables *t, const struct cstat_change *ch,
			 size_t nch, const char *repo_url, FILE *out)
{
	if (repo_url && !cstat__repo_url_ok(repo_url))
		return CSTAT_EINVAL;
	return write_history(runs, n, t, ch, nch, CSTAT_FORMAT_HTML, repo_url,
			     out);
}
