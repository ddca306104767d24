/*
 * diagnose.c - data-quality diagnostics: what in a benchmark's own values
 * makes its comparison unreliable.
 *
 * Results arrive one at a time from a reader; each value goes to its cell
 * (input, benchmark name, unit) in the order it was read, which is the
 * run order for Go text (docs/analyses.md says for which other formats).
 * The built tables cannot serve: they keep each cell's values sorted.
 *
 * Each cell then gets five checks, each a finding with what to do:
 *   - a trend over the runs: the Mann-Kendall test, exact (Mahonian
 *     numbers) for n <= 10 without ties, else normal with the ties
 *     correction and a continuity correction; and where the trend lies,
 *     from the split of the runs whose rank sums differ most;
 *   - two modes: the widest gap between sorted values, with enough values
 *     on each side, against the wider side's range (a gap test: simple,
 *     exact to compute, and calibrated by simulation in the tests; the
 *     dip test needs tabled critical values and is weak at n = 10);
 *   - values beyond Tukey's fences (1.5 IQR), and far out (3 IQR);
 *   - a coefficient of variation that hides a change of the threshold:
 *     the normal-theory detectable change at 80% power scaled by the U
 *     test's asymptotic relative efficiency 3/pi;
 *   - too few values: the exact U test's smallest two-sided p, 2/C(n1+n2,
 *     n1), above alpha.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include "cstat.h"
#include "containers.h"
#include "diagnose.h"
#include "stats.h"

struct dcell {
	char *key; /* input NUL name NUL unit NUL */
	size_t klen;
	size_t input; /* index of the input, in order first seen */
	double *v;    /* run order */
	size_t n, cap;
};

#define DG_RECENT 8
/* The step test's shortcut covers cells of up to 2 * DG_STEP_K values. */
#define DG_STEP_K 32

struct cstat_diagnose {
	struct cstat_diagnose_opts o;
	/* Worked out once from o.alpha: the noise check's power factor
	 * (power_factor()), and for each count kmax of splits the step
	 * test tries, the |t| below which its normal bound cannot be
	 * significant at any p (step_test()). */
	double power;
	double step_t[DG_STEP_K + 1];
	/* For a fed diagnose's screen (may_find()): the |S| from which
	 * Mann-Kendall's exact p (n = 4 .. 10) reaches the level, the z
	 * from which its normal p does, and the |t| from which the step
	 * test's normal bound does for each kmax. */
	long mk_smin[7];
	double mk_zmin;
	double step_lvl[DG_STEP_K + 1];
	/* The same for a strong trend (may_strong()): Mann-Kendall at a
	 * tenth of the level, the step test at a thousandth. */
	long mk_smin_strong[7];
	double mk_zmin_strong;
	double step_lvl_strong[DG_STEP_K + 1];
	struct dcell *cells;
	size_t ncells, cap;
	size_t *slots; /* open addressing: cell index + 1, 0 empty */
	size_t nslots;
	char *first_input; /* the baseline input's label */
	size_t ninputs;
	char *last_input;
	struct cstat_diagnosis *out; /* after run */
	/* The cell each of a result's first DG_RECENT values went to last. */
	size_t recent[DG_RECENT];
	/* Fed by a builder (cstat_builder_diagnose()): the cells with a
	 * finding, their diagnoses and their place (table, row, column),
	 * kept as the build threads find them and ordered by place when
	 * run.  strong: only the cells with a strong finding are kept
	 * (cstat_builder_diagnose_strong()). */
	bool fed, strong;
	struct cstat_diagnosis *kept;
	size_t (*place)[3];
};

static uint64_t
hash_bytes(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 1099511628211u;
	return h;
}

static bool
bad_setting(double x, bool below1)
{
	return isnan(x) || x < 0 || (below1 && x >= 1);
}

static double power_factor(double alpha);
static double mk_exact_p(size_t n, double s);

/* For Mann-Kendall's p at most lv: the |S| from which the exact p
 * (n = 4 .. 10, into smin[n - 4]) reaches it, and the z from which the
 * normal p does.  The exact p falls as |S| grows: the first |S| down from
 * the largest whose p is above lv ends the run of significant ones. */
static void
mk_bounds(double lv, long smin[7], double *zmin)
{
	for (size_t n = 4; n <= 10; n++) {
		long m = (long)(n * (n - 1) / 2), sm = m + 1;
		for (long sv = m; sv >= 0; sv -= 2) {
			if (mk_exact_p(n, (double)sv) > lv)
				break;
			sm = sv;
		}
		smin[n - 4] = sm;
	}
	*zmin = gsl_cdf_ugaussian_Qinv(lv / 2) * (1 - 1e-9);
}

/* For the step test's p at most lv: for each kmax, the |t| from which
 * its normal bound 2 Q(|t|) kmax does (Student's tail is never below the
 * normal's, so a smaller |t| cannot). */
static void
step_bounds(double lv, double tmin[DG_STEP_K + 1])
{
	tmin[0] = 0;
	for (size_t k = 1; k <= DG_STEP_K; k++)
		tmin[k] = gsl_cdf_ugaussian_Qinv(lv / (2 * (double)k)) *
			  (1 - 1e-9);
}

/* What every cell's checks would otherwise work out again: libm and GSL
 * calls that took a fifth of the checks' time. */
static void
precompute(cstat_diagnose *dg)
{
	dg->power = power_factor(dg->o.alpha);
	dg->step_t[0] = 0;
	/* Q(|t|) * 2 * kmax >= 1 >= the best p so far below this |t|; the
	 * margin keeps the shortcut on the safe side of Q's rounding. */
	for (size_t k = 1; k <= DG_STEP_K; k++)
		dg->step_t[k] =
			gsl_cdf_ugaussian_Qinv(0.5 / (double)k) * (1 - 1e-9);
	double lv = dg->o.level;
	mk_bounds(lv, dg->mk_smin, &dg->mk_zmin);
	step_bounds(lv, dg->step_lvl);
	mk_bounds(lv / 10, dg->mk_smin_strong, &dg->mk_zmin_strong);
	step_bounds(lv / 1000, dg->step_lvl_strong);
}

int
cstat_diagnose_new(const struct cstat_diagnose_opts *opts, cstat_diagnose **out)
{
	struct cstat_diagnose_opts o = {0.05, 0.05, 0.01};

	if (!out)
		return CSTAT_EINVAL;
	*out = NULL;
	if (opts) {
		if (bad_setting(opts->alpha, true) ||
		    bad_setting(opts->threshold, false) ||
		    bad_setting(opts->level, true))
			return CSTAT_EINVAL;
		if (opts->alpha > 0)
			o.alpha = opts->alpha;
		if (opts->threshold > 0)
			o.threshold = opts->threshold;
		if (opts->level > 0)
			o.level = opts->level;
	}
	cstat_diagnose *dg = calloc(1, sizeof(*dg));
	if (!dg)
		return CSTAT_ENOMEM;
	dg->o = o;
	for (size_t i = 0; i < DG_RECENT; i++)
		dg->recent[i] = SIZE_MAX;
	precompute(dg);
	*out = dg;
	return 0;
}

void
cstat_diagnose_free(cstat_diagnose *dg)
{
	if (!dg)
		return;
	for (size_t i = 0; i < dg->ncells; i++) {
		free(dg->cells[i].key);
		free(dg->cells[i].v);
	}
	free(dg->cells);
	free(dg->slots);
	free(dg->first_input);
	free(dg->last_input);
	free(dg->out);
	free(dg->kept);
	free(dg->place);
	free(dg);
}

/* Doubles the hash table (kept at most half full). */
static int
grow_slots(cstat_diagnose *dg)
{
	size_t ns = dg->nslots ? dg->nslots * 2 : 64;
	size_t *s = calloc(ns, sizeof(*s));

	if (!s)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < dg->ncells; i++) {
		size_t j = (size_t)hash_bytes(dg->cells[i].key,
					      dg->cells[i].klen) &
			   (ns - 1);
		while (s[j])
			j = (j + 1) & (ns - 1);
		s[j] = i + 1;
	}
	free(dg->slots);
	dg->slots = s;
	dg->nslots = ns;
	return 0;
}

/* The cell of key, or SIZE_MAX. */
static size_t
find_cell(const cstat_diagnose *dg, const char *key, size_t klen)
{
	if (!dg->nslots)
		return SIZE_MAX;
	size_t j = (size_t)hash_bytes(key, klen) & (dg->nslots - 1);
	for (; dg->slots[j]; j = (j + 1) & (dg->nslots - 1)) {
		const struct dcell *c = &dg->cells[dg->slots[j] - 1];
		if (c->klen == klen && memcmp(c->key, key, klen) == 0)
			return dg->slots[j] - 1;
	}
	return SIZE_MAX;
}

static int
new_cell(cstat_diagnose *dg, char *key, size_t klen, size_t *idx)
{
	if ((dg->ncells + 1) * 2 > dg->nslots && grow_slots(dg))
		return CSTAT_ENOMEM;
	if (dg->ncells == dg->cap) {
		size_t nc = dg->cap ? dg->cap * 2 : 16;
		struct dcell *c = realloc(dg->cells, nc * sizeof(*c));
		if (!c)
			return CSTAT_ENOMEM;
		dg->cells = c;
		dg->cap = nc;
	}
	char *k = malloc(klen);
	if (!k)
		return CSTAT_ENOMEM;
	memcpy(k, key, klen);
	dg->cells[dg->ncells] =
		(struct dcell){k, klen, dg->ninputs - 1, NULL, 0, 0};
	size_t j = (size_t)hash_bytes(key, klen) & (dg->nslots - 1);
	while (dg->slots[j])
		j = (j + 1) & (dg->nslots - 1);
	dg->slots[j] = dg->ncells + 1;
	*idx = dg->ncells++;
	return 0;
}

static int
push_value(struct dcell *c, double x)
{
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 16;
		double *v = realloc(c->v, nc * sizeof(*v));
		if (!v)
			return CSTAT_ENOMEM;
		c->v = v;
		c->cap = nc;
	}
	c->v[c->n++] = x;
	return 0;
}

/* Counts the inputs as they change; the first is the baseline. */
static int
note_input(cstat_diagnose *dg, const char *file)
{
	if (dg->last_input && strcmp(dg->last_input, file) == 0)
		return 0;
	char *s = strdup(file);
	if (!s)
		return CSTAT_ENOMEM;
	if (!dg->first_input) {
		dg->first_input = strdup(file);
		if (!dg->first_input) {
			free(s);
			return CSTAT_ENOMEM;
		}
	}
	free(dg->last_input);
	dg->last_input = s;
	dg->ninputs++;
	return 0;
}

int
cstat_diagnose_add(cstat_diagnose *dg, const struct cstat_result *res)
{
	if (!dg || !res || !res->file || !res->name)
		return CSTAT_EINVAL;
	if (dg->out || dg->fed)
		return CSTAT_ESTATE;
	if (note_input(dg, res->file))
		return CSTAT_ENOMEM;
	size_t lf = strlen(res->file) + 1, ln = strlen(res->name) + 1;
	for (size_t k = 0; k < res->nvalues; k++) {
		const char *unit = res->values[k].unit;
		size_t lu = strlen(unit) + 1, klen = lf + ln + lu, idx;
		char stack[256];
		char *key = klen <= sizeof(stack) ? stack : malloc(klen);
		if (!key)
			return CSTAT_ENOMEM;
		memcpy(key, res->file, lf);
		memcpy(key + lf, res->name, ln);
		memcpy(key + lf + ln, unit, lu);
		/* Runs of one benchmark usually come one after another: try
		 * the cell this value's place had last time first. */
		idx = k < DG_RECENT ? dg->recent[k] : SIZE_MAX;
		if (idx >= dg->ncells || dg->cells[idx].klen != klen ||
		    memcmp(dg->cells[idx].key, key, klen) != 0)
			idx = find_cell(dg, key, klen);
		int rc = idx == SIZE_MAX ? new_cell(dg, key, klen, &idx) : 0;
		if (key != stack)
			free(key);
		if (!rc && k < DG_RECENT)
			dg->recent[k] = idx;
		if (!rc)
			rc = push_value(&dg->cells[idx], res->values[k].value);
		if (rc)
			return rc;
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Mann-Kendall.
 */

/*
 * The Mahonian numbers: row n - 4 holds how many permutations of n values
 * (4 <= n <= 10) have 0, 1, ... n(n-1)/2 inversions (OEIS A008302), the
 * exact null distribution of Mann-Kendall's S = n(n-1)/2 - 2I without
 * ties.  A constant table: building the rows per cell cost more than the
 * rest of the check.
 */
static const double mahonian[7][46] = {
	{1, 3, 5, 6, 5, 3, 1},
	{1, 4, 9, 15, 20, 22, 20, 15, 9, 4, 1},
	{1, 5, 14, 29, 49, 71, 90, 101, 101, 90, 71, 49, 29, 14, 5, 1},
	{1,   6,   20,	49,  98,  169, 259, 359, 455, 531, 573,
	 573, 531, 455, 359, 259, 169, 98,  49,	 20,  6,   1},
	{1,    7,    27,   76,	 174,  343,  602,  961,	 1415, 1940,
	 2493, 3017, 3450, 3736, 3836, 3736, 3450, 3017, 2493, 1940,
	 1415, 961,  602,  343,	 174,  76,   27,   7,	 1},
	{1,	8,     35,    111,   285,   628,   1230,  2191,	 3606,	5545,
	 8031,	11021, 14395, 17957, 21450, 24584, 27073, 28675, 29228, 28675,
	 27073, 24584, 21450, 17957, 14395, 11021, 8031,  5545,	 3606,	2191,
	 1230,	628,   285,   111,   35,    8,	   1},
	{1,	 9,	 44,	 155,	 440,	 1068,	 2298,	 4489,
	 8095,	 13640,	 21670,	 32683,	 47043,	 64889,	 86054,	 110010,
	 135853, 162337, 187959, 211089, 230131, 243694, 250749, 250749,
	 243694, 230131, 211089, 187959, 162337, 135853, 110010, 86054,
	 64889,	 47043,	 32683,	 21670,	 13640,	 8095,	 4489,	 2298,
	 1068,	 440,	 155,	 44,	 9,	 1},
};

/* The exact two-sided p of S for 4 <= n <= 10 values without ties. */
static double
mk_exact_p(size_t n, double s)
{
	const double *cnt = mahonian[n - 4];
	size_t m = n * (n - 1) / 2;
	double tail = 0, total = 0, as = fabs(s);

	for (size_t i = 0; i <= m; i++) {
		double si = (double)m - 2.0 * (double)i;
		total += cnt[i];
		if (fabs(si) >= as - 1e-9)
			tail += cnt[i];
	}
	return tail / total;
}

/* The ties correction's sum of t(t - 1)(2t + 5) over the runs of equal
 * values in the sorted s[0..n). */
static double
tie_sum(const double *s, size_t n)
{
	double tsum = 0;

	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && s[j] == s[i]; j++)
			;
		double t = (double)(j - i);
		tsum += t * (t - 1) * (2 * t + 5);
	}
	return tsum;
}

/* Mann-Kendall's S over v[0..n), summing signs as integers; *ties says
 * whether two values are equal.  Two pairs at a time where there is SSE2
 * (the screen runs it on every timing cell): the comparisons' masks are
 * -1 or 0, so lt - gt adds sign(v[j] - v[i]) to each lane, and NaN
 * compares false either way, as in the scalar loop. */
static long
mk_sum(const double *v, size_t n, bool *ties)
{
	long s = 0;
	bool t = false;
#ifdef __SSE2__
	/* The lanes add up over every row and are summed once at the end
	 * (integers: in any order, the same S). */
	__m128i acc = _mm_setzero_si128();
	__m128d eq = _mm_setzero_pd();
#endif

	for (size_t i = 0; i < n; i++) {
		size_t j = i + 1;
#ifdef __SSE2__
		__m128d vi = _mm_set1_pd(v[i]);
		for (; j + 2 <= n; j += 2) {
			__m128d vj = _mm_loadu_pd(v + j);
			__m128i gt = _mm_castpd_si128(_mm_cmpgt_pd(vj, vi));
			__m128i lt = _mm_castpd_si128(_mm_cmplt_pd(vj, vi));
			acc = _mm_add_epi64(acc, _mm_sub_epi64(lt, gt));
			eq = _mm_or_pd(eq, _mm_cmpeq_pd(vj, vi));
		}
#endif
		for (; j < n; j++) {
			s += (v[j] > v[i]) - (v[j] < v[i]);
			t |= v[j] == v[i];
		}
	}
#ifdef __SSE2__
	int64_t lanes[2];
	_mm_storeu_si128((__m128i *)lanes, acc);
	s += (long)(lanes[0] + lanes[1]);
	t |= _mm_movemask_pd(eq) != 0;
#endif
	*ties = t;
	return s;
}

/* The normal approximation's z for S over n values whose sorted copy
 * has the ties correction tsum; 0 or less gives p = 1. */
static double
mk_z(long s, size_t n, double tsum)
{
	double dn = (double)n;
	double var = (dn * (dn - 1) * (2 * dn + 5) - tsum) / 18;

	if (var <= 0)
		return 0;
	return (fabs((double)s) - 1) / sqrt(var);
}

/* S over v[0..n) and its two-sided p; *exact says which way.  sorted is
 * v sorted, or NULL to sort a copy when the ties need counting. */
static double
mann_kendall(const double *v, size_t n, const double *sorted, double *s_out,
	     bool *exact)
{
	bool ties;

	*exact = false;
	*s_out = 0;
	if (n < 4)
		return 1;
	long s = mk_sum(v, n, &ties);
	*s_out = (double)s;
	if (n <= 10 && !ties) {
		*exact = true;
		return mk_exact_p(n, (double)s);
	}
	double tsum;
	if (sorted) {
		tsum = tie_sum(sorted, n);
	} else {
		double *w = malloc(n * sizeof(*w));
		if (!w)
			return NAN;
		memcpy(w, v, n * sizeof(*w));
		cstat__sort_doubles(w, n);
		tsum = tie_sum(w, n);
		free(w);
	}
	double z = mk_z(s, n, tsum);
	if (z <= 0)
		return 1;
	return fmin(1, 2 * gsl_cdf_ugaussian_Q(z));
}

/* Midranks of v[0..n) into r. */
static void
midranks(const double *v, size_t n, double *r)
{
	for (size_t i = 0; i < n; i++) {
		double below = 0, same = 0;
		for (size_t j = 0; j < n; j++) {
			below += v[j] < v[i];
			same += v[j] == v[i];
		}
		r[i] = below + (same + 1) / 2;
	}
}

/* The split k (first k runs against the rest) whose rank sums differ
 * most, in standard deviations. */
static size_t
best_split(const double *r, size_t n)
{
	double sum = 0, best = -1, dn = (double)n;
	size_t bk = 1;

	for (size_t k = 1; k < n; k++) {
		sum += r[k - 1];
		double dk = (double)k;
		double e = dk * (dn + 1) / 2;
		double sd = sqrt(dk * (dn - dk) * (dn + 1) / 12);
		double z = fabs(sum - e) / sd;
		if (z > best) {
			best = z;
			bk = k;
		}
	}
	return bk;
}

/* The rest of the runs counts as flat when its own trend has p above. */
#define FLAT 0.1

/* Where the trend lies: the first runs (warm-up), the last (a late
 * change), or all of them (drift). */
static void
locate_trend(struct cstat_diagnosis *g, const double *v)
{
	size_t n = g->n;
	double *r = malloc(n * sizeof(*r)), s;
	bool ex;

	g->trend_from = 1;
	g->trend_to = n;
	if (!r)
		return;
	midranks(v, n, r);
	size_t k = best_split(r, n);
	free(r);
	if (k <= n / 2 && mann_kendall(v + k, n - k, NULL, &s, &ex) > FLAT) {
		g->trend_to = k;
	} else if (k > n / 2 && mann_kendall(v, k, NULL, &s, &ex) > FLAT) {
		g->trend_from = k + 1;
	}
}

/*
 * The step test: whether the first k runs (k = 1 .. n/2) differ from the
 * rest in level.  For each k, t = (mean of the first k - mean of the
 * rest) / (s * sqrt(1/k + 1/(n - k))), s the standard deviation of the
 * rest alone (a warm-up must not widen the yardstick it is measured
 * with); for normal values that do not change, t follows Student's t
 * with n - k - 1 degrees of freedom exactly (the first runs are
 * independent of the rest, and the rest's mean of its spread).  The p is
 * the smallest two-sided p over k times the number of k tried
 * (Bonferroni), so at most the level on stationary normal data.  Unlike
 * Mann-Kendall, it sees how far the first runs are, not only their ranks:
 * ranks cannot single out 3 slow runs of 10 (their smallest p is then
 * 1/120 before any correction).  Only the k whose first runs all lie on
 * one side of the rest's mean count: one outlier among them is not a
 * step (skipping some k can only lower the chance of a false finding).
 * Needs n >= 6.
 */
/* The step test's t for the first k runs of v[0..n) against the rest,
 * with the first runs' mean in *head and the rest's in *mean; NAN where
 * k does not count (a constant rest, or first runs on both sides). */
static double
step_stat(const double *v, size_t n, size_t k, double *head_out,
	  double *mean_out)
{
	double head = 0, mean = 0, ss = 0;
	size_t m = n - k;

	for (size_t i = 0; i < k; i++)
		head += v[i];
	head /= (double)k;
	for (size_t i = k; i < n; i++)
		mean += v[i];
	mean /= (double)m;
	for (size_t i = k; i < n; i++)
		ss += (v[i] - mean) * (v[i] - mean);
	double sd = sqrt(ss / (double)(m - 1));
	if (!(sd > 0))
		return NAN; /* a constant rest: no scale to judge by */
	/* A step moves every one of the first runs: one outlier among them
	 * is not a warm-up (the outlier check says it). */
	size_t above = 0;
	for (size_t i = 0; i < k; i++)
		above += v[i] > mean;
	if (above != 0 && above != k)
		return NAN;
	*head_out = head;
	*mean_out = mean;
	return (head - mean) / (sd * sqrt(1 / (double)k + 1 / (double)m));
}

static void
step_test(struct cstat_diagnosis *g, const double *v, const cstat_diagnose *dg)
{
	size_t n = g->n, kmax = n / 2;
	double tmin = kmax <= DG_STEP_K ? dg->step_t[kmax] : 0;

	g->step_p = 1;
	g->step_k = 0;
	if (n < 6)
		return;
	for (size_t k = 1; k <= kmax; k++) {
		double head, mean, t = step_stat(v, n, k, &head, &mean);
		/* Below tmin even the normal's bound is above 1 (most k of
		 * most cells): no call to Q. */
		if (isnan(t) || fabs(t) < tmin)
			continue;
		/* Student's tail is never below the normal's: skip the t
		 * distribution where even the normal's cannot beat the best
		 * p so far (most k of most cells: t within +-2). */
		if (2 * gsl_cdf_ugaussian_Q(fabs(t)) * (double)kmax >=
		    g->step_p)
			continue;
		double p = 2 * gsl_cdf_tdist_Q(fabs(t), (double)(n - k - 1));
		if (p * (double)kmax < g->step_p) {
			g->step_p = p * (double)kmax;
			g->step_k = k;
			g->step_dir = head > mean ? -1 : 1;
		}
	}
}

static void
check_trend(struct cstat_diagnosis *g, const double *v, const double *sorted,
	    const cstat_diagnose *dg)
{
	const struct cstat_diagnose_opts *o = &dg->o;

	g->trend_p =
		mann_kendall(v, g->n, sorted, &g->trend_s, &g->trend_exact);
	step_test(g, v, dg);
	if (g->trend_p <= o->level) {
		g->trend_dir = g->trend_s > 0 ? 1 : -1;
		g->findings |= CSTAT_DIAG_TREND;
		if (g->trend_p <= o->level / 10)
			g->strong |= CSTAT_DIAG_TREND;
		locate_trend(g, v);
		return;
	}
	if (!(g->step_p <= o->level))
		return;
	/* A step at the start that Mann-Kendall missed: a short warm-up. */
	g->findings |= CSTAT_DIAG_TREND;
	/* Strong only a hundredth of the level: its p is exact for normal
	 * values only (heavier tails make it smaller), where Mann-Kendall's
	 * holds for any distribution. */
	if (g->step_p <= o->level / 1000)
		g->strong |= CSTAT_DIAG_TREND;
	g->trend_dir = g->step_dir;
	g->trend_by_step = true;
	g->trend_from = 1;
	g->trend_to = g->step_k;
}

/* ------------------------------------------------------------------------
 * The other checks, on the sorted values s.
 */

/*
 * A cell has two modes when its gap ratio reaches GAP_RATIO / n (strong:
 * GAP_STRONG / n); a gap under GAP_MIN_REL of the median never counts.
 * The ratio's upper quantiles on normal samples fall as 1/n: its 99.5th
 * percentile is 5.2, 4.1, 2.7, 2.0 and 0.97 at n = 8, 10, 15, 20, 40,
 * its 99.9th 7.7, 5.6, 3.6, 2.6, 1.2 (20,000 samples each, seed 7);
 * tests/stats-diagnose.c measures the rates.
 */
#define GAP_RATIO 40.0
#define GAP_STRONG 80.0
#define GAP_MIN_REL 0.005
/* A value this many IQRs beyond its quartile makes a strong finding:
 * on normal samples the farthest value's 99.9th percentile is 8.8, 5.6,
 * 4.6 and 3.9 IQRs at n = 10, 15, 20, 40 (as above). */
#define FAR_STRONG 6.0

/* The pooled standard deviation of the two sides of a split at i. */
static double
pooled_sd(const double *s, size_t n, size_t i)
{
	double ml = gsl_stats_mean(s, 1, i),
	       mh = gsl_stats_mean(s + i, 1, n - i);
	double ss = 0;

	for (size_t j = 0; j < n; j++) {
		double d = s[j] - (j < i ? ml : mh);
		ss += d * d;
	}
	return sqrt(ss / (double)(n - 2));
}

static void
check_modes(struct cstat_diagnosis *g, const double *s)
{
	size_t n = g->n, m = (n + 4) / 5;

	if (n < 8)
		return;
	if (m < 3)
		m = 3;
	for (size_t i = m; i + m <= n; i++) {
		double gap = s[i] - s[i - 1];
		if (gap < GAP_MIN_REL * fabs(g->median) || gap <= 0)
			continue;
		double sd = pooled_sd(s, n, i);
		double ratio = sd > 0 ? gap / sd : INFINITY;
		if (ratio > g->gap_ratio) {
			g->gap_ratio = ratio;
			g->gap_low = i;
		}
	}
	if (g->gap_ratio >= GAP_RATIO / (double)n)
		g->findings |= CSTAT_DIAG_MODES;
	if (g->gap_ratio >= GAP_STRONG / (double)n)
		g->strong |= CSTAT_DIAG_MODES;
}

static void
check_outliers(struct cstat_diagnosis *g, const double *v, const double *s)
{
	size_t n = g->n;

	if (n < 4)
		return;
	double q1 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.25);
	double q3 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.75);
	double iqr = q3 - q1;
	g->fence_lo = q1 - 1.5 * iqr;
	g->fence_hi = q3 + 1.5 * iqr;
	for (size_t i = 0; i < n; i++) {
		if (v[i] >= g->fence_lo && v[i] <= g->fence_hi)
			continue;
		if (g->noutliers < CSTAT_DIAG_MAX_RUNS)
			g->outlier_runs[g->noutliers] = i + 1;
		g->noutliers++;
		double far = v[i] < q1 ? q1 - v[i] : v[i] - q3;
		if (far > 3 * iqr)
			g->nfar++;
		if (far > g->outlier_iqrs * iqr)
			g->outlier_iqrs = iqr > 0 ? far / iqr : INFINITY;
	}
	if (g->noutliers)
		g->findings |= CSTAT_DIAG_OUTLIERS;
	/* Within 1% of the median no outlier is strong: a B/op that is
	 * the same but once (IQR 0) is no reason to warn by default. */
	if (g->outlier_iqrs >= FAR_STRONG &&
	    g->outlier_iqrs * iqr > 0.01 * fabs(g->median))
		g->strong |= CSTAT_DIAG_OUTLIERS;
}

/* (z_{1-alpha/2} + z_{0.8}) * sqrt(pi/3): the U test's detectable change
 * in units of the noise over sqrt(2/n). */
static double
power_factor(double alpha)
{
	return (gsl_cdf_ugaussian_Qinv(alpha / 2) +
		gsl_cdf_ugaussian_Qinv(0.2)) *
	       sqrt(3.14159265358979323846 / 3);
}

static void
check_noise(struct cstat_diagnosis *g, const double *v, bool flat,
	    const cstat_diagnose *dg)
{
	const struct cstat_diagnose_opts *o = &dg->o;

	g->cv = NAN;
	g->detectable = NAN;
	if (g->n < 2)
		return;
	/* A constant cell's running mean is its value, exactly, and its
	 * deviation 0: GSL's two passes would say the same. */
	double mean = flat ? v[0] : gsl_stats_mean(v, 1, g->n);
	double sd = flat ? 0 : gsl_stats_sd_m(v, 1, g->n, mean);
	if (mean == 0)
		return;
	g->cv = sd / fabs(mean);
	double k = dg->power * g->cv;
	g->detectable = k * sqrt(2.0 / (double)g->n);
	g->count_needed =
		(size_t)ceil(2 * (k / o->threshold) * (k / o->threshold));
	if (g->detectable > o->threshold)
		g->findings |= CSTAT_DIAG_NOISY;
	if (g->detectable > 2 * o->threshold)
		g->strong |= CSTAT_DIAG_NOISY;
}

/* 2 / C(a + b, a), the exact U test's smallest two-sided p, at most 1. */
static double
min_u_p(size_t a, size_t b)
{
	double c = 1;

	for (size_t i = 1; i <= b; i++)
		c = c * (double)(a + i) / (double)i;
	return fmin(1, 2 / c);
}

static void
check_few(const cstat_diagnose *dg, size_t idx, struct cstat_diagnosis *g)
{
	const struct dcell *c = &dg->cells[idx];

	g->min_p = NAN;
	if (c->input == 0)
		return;
	size_t lf = strlen(c->key) + 1, lb = strlen(dg->first_input) + 1;
	size_t klen = c->klen - lf + lb;
	char *key = malloc(klen);
	if (!key)
		return;
	memcpy(key, dg->first_input, lb);
	memcpy(key + lb, c->key + lf, c->klen - lf);
	size_t b = find_cell(dg, key, klen);
	free(key);
	if (b == SIZE_MAX)
		return;
	g->min_p = min_u_p(dg->cells[b].n, c->n);
	if (g->min_p > dg->o.alpha)
		g->findings |= CSTAT_DIAG_FEW, g->strong |= CSTAT_DIAG_FEW;
}

/* Whether v[0..n) are n copies of one finite value, bit for bit. */
static bool
constant_cell(const double *v, size_t n)
{
	if (!n || !isfinite(v[0]))
		return false;
	for (size_t i = 1; i < n; i++)
		if (memcmp(&v[i], &v[0], sizeof(*v)) != 0)
			return false;
	return true;
}

/*
 * The trend checks of n copies of x without running them: no sign
 * differs, so S = 0 and its variance with the one tie of n is 0 (p = 1);
 * every sum of the step test is exact when x is an integer of at most
 * 2^53 / n, so the rest is constant and no k is tried (p = 1).  False
 * (nothing set) when the sums could round: step_test() then decides.
 */
static bool
constant_trend(struct cstat_diagnosis *g, double x)
{
	if (x != floor(x) || fabs(x) * (double)g->n > 9007199254740992.0)
		return false;
	g->trend_p = 1;
	g->trend_s = 0;
	g->trend_exact = false;
	g->step_p = 1;
	g->step_k = 0;
	return true;
}

/*
 * The screen's step statistics from sums: step_stat() takes three passes
 * over the rest for each k; here one pass makes the sums of d = v - c and
 * of d^2 over every rest, s1[k] and s2[k] (c: a middle value, so that d
 * is of the spread's size), and each k's mean and deviation come from
 * them.  Their rounding is bounded: for n values the sums are within
 * about 3 n eps of the rest's sum of d^2, so where the rest's own sum of
 * squares is above a millionth of that (and that is neither near
 * underflow nor overflow) the t is within 1e-7 of the exact one; and
 * step_stat()'s is within 1e-5 of it where the rest's deviation is above
 * 1e-8 of the values (its sums round by about n eps of them).
 */
static void
step_sums(const double *v, size_t n, double c, double *s1, double *s2)
{
	double a = 0, b = 0;

	for (size_t i = n; i-- > 0;) {
		double d = v[i] - c;
		a += d;
		b += d * d;
		s1[i] = a;
		s2[i] = b;
	}
}

/* For the first k runs, whose sum of d is head: the t's numerator and
 * the square of its denominator, or false where the sums' rounding could
 * matter (a rest far from c for its spread, constant, or not finite). */
static bool
step_from_sums(const double *s1, const double *s2, size_t n, size_t k, double c,
	       double head, double *num, double *var)
{
	double m = (double)(n - k), mean = s1[k] / m;
	double ss = s2[k] - s1[k] * mean;

	if (!(ss > 1e-6 * s2[k]) || !(s2[k] > 1e-250) || !(s2[k] < 1e300))
		return false;
	/* step_stat()'s own sums round by about n eps of the values: with a
	 * spread within 1e-8 of them its t is that rounding, which only it
	 * can say. */
	if (!(ss / (m - 1) > 1e-16 * c * c))
		return false;
	*num = head / (double)k - mean;
	*var = ss / (m - 1) * (1 / (double)k + 1 / m);
	return true;
}

/*
 * The screen's step part: whether the step test's |t| reaches tmin for
 * some k = 1 .. n/2 (n <= 2 * DG_STEP_K + 1), from step_from_sums() with
 * a 1% margin, or step_stat() where that declines.  The first runs' sides
 * are not checked: leaving that out only lets more cells through.
 */
static bool
may_step(const double *v, size_t n, double c, double tmin)
{
	double s1[2 * DG_STEP_K + 2], s2[2 * DG_STEP_K + 2], head = 0;

	step_sums(v, n, c, s1, s2);
	for (size_t k = 1; k <= n / 2; k++) {
		double num, var;
		head += v[k - 1] - c;
		if (!step_from_sums(s1, s2, n, k, c, head, &num, &var)) {
			double h, mu, t = step_stat(v, n, k, &h, &mu);
			if (!isnan(t) && fabs(t) >= tmin)
				return true;
			continue;
		}
		/* |t| < 0.99 tmin, squared: no square roots. */
		if (!(num * num < 0.9801 * tmin * tmin * var))
			return true;
	}
	return false;
}

double
cstat__diagnose_step_t(const double *v, size_t n, size_t k, bool sums)
{
	double s1[2 * DG_STEP_K + 2], s2[2 * DG_STEP_K + 2], head = 0;
	double num, var, h, mu;

	if (!sums)
		return step_stat(v, n, k, &h, &mu);
	if (n > 2 * DG_STEP_K + 1 || k < 1 || k > n / 2)
		return NAN;
	double *w = malloc(n * sizeof(*w));
	if (!w)
		return NAN;
	memcpy(w, v, n * sizeof(*w));
	cstat__sort_doubles(w, n);
	double c = w[n / 2];
	free(w);
	step_sums(v, n, c, s1, s2);
	for (size_t i = 0; i < k; i++)
		head += v[i] - c;
	if (!step_from_sums(s1, s2, n, k, c, head, &num, &var))
		return NAN;
	return num / sqrt(var);
}

/* The screen's trend part: Mann-Kendall's and the step test's
 * statistics as the checks compute them, against critical values worked
 * out once: smin and zmin for Mann-Kendall (mk_bounds()), tmin for the
 * step test (step_bounds()). */
static bool
may_trend(const double *v, const double *s, size_t n, const long smin[7],
	  double zmin, const double tmin[DG_STEP_K + 1])
{
	size_t kmax = n / 2;
	bool ties;

	if (n >= 4) {
		long sum = mk_sum(v, n, &ties);
		if (n <= 10 && !ties) {
			if (labs(sum) >= smin[n - 4])
				return true;
		} else if (mk_z(sum, n, tie_sum(s, n)) >= zmin) {
			return true;
		}
	}
	if (n < 6)
		return false;
	if (kmax > DG_STEP_K)
		return true;
	return may_step(v, n, s[n / 2], tmin[kmax]);
}

/* The pooled standard deviation of pooled_sd() in plain double sums;
 * 0 when it is within rounding of the values (the exact one decides). */
static double
pooled_sd_fast(const double *s, size_t n, size_t i)
{
	double sl = 0, sh = 0, ss = 0;

	for (size_t j = 0; j < i; j++)
		sl += s[j];
	for (size_t j = i; j < n; j++)
		sh += s[j];
	double ml = sl / (double)i, mh = sh / (double)(n - i);
	for (size_t j = 0; j < n; j++) {
		double d = s[j] - (j < i ? ml : mh);
		ss += d * d;
	}
	double sd = sqrt(ss / (double)(n - 2));
	return sd > 1e-9 * (fabs(ml) + fabs(mh)) ? sd : 0;
}

/* The screen's modes part: check_modes() with the fast deviation,
 * against a gap ratio of ratio / n (with a 10% margin). */
static bool
may_modes(const double *s, size_t n, double median, double ratio)
{
	size_t m = (n + 4) / 5;

	if (n < 8)
		return false;
	if (m < 3)
		m = 3;
	for (size_t i = m; i + m <= n; i++) {
		double gap = s[i] - s[i - 1];
		if (gap < GAP_MIN_REL * fabs(median) || gap <= 0)
			continue;
		double sd = pooled_sd_fast(s, n, i);
		if (!(sd > 0) || gap / sd >= 0.9 * ratio / (double)n)
			return true;
	}
	return false;
}

/* The screen's noise part: check_noise()'s detectable change from a
 * plain mean and deviation, against limit (with a 10% margin). */
static bool
may_noise(const cstat_diagnose *dg, const double *v, const double *s, size_t n,
	  double limit)
{
	double sum = 0, ss = 0;

	if (n < 2)
		return false;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	double mean = sum / (double)n;
	double big = fmax(fabs(s[0]), fabs(s[n - 1]));
	if (!(fabs(mean) > 1e-9 * big))
		return true;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - mean) * (v[i] - mean);
	double cv = sqrt(ss / (double)(n - 1)) / fabs(mean);
	double det = dg->power * cv * sqrt(2.0 / (double)n);
	return !(det <= 0.9 * limit);
}

/*
 * The screen of a fed diagnose: false only when no check can find
 * anything in v[0..n) (sorted: s), so that the builder, which keeps only
 * cells with a finding, can skip the p-values' libm and GSL calls for
 * the seven cells in ten that have none.  The outlier check runs for
 * good, into g (zeroed but for n and median).  Every other bound errs
 * towards true: the trend statistics are the checks' own arithmetic,
 * compared with critical values worked out once (with a margin for Q's
 * rounding); two modes and the noise are estimated in double with a 10%
 * margin, and anything near rounding (a spread or a mean within 1e-9 of
 * the values) counts as a finding, for the exact checks to decide.
 */
static bool
may_find(const cstat_diagnose *dg, const double *v, const double *s, size_t n,
	 struct cstat_diagnosis *g)
{
	check_outliers(g, v, s);
	return g->findings ||
	       may_trend(v, s, n, dg->mk_smin, dg->mk_zmin, dg->step_lvl) ||
	       may_modes(s, n, g->median, GAP_RATIO) ||
	       may_noise(dg, v, s, n, dg->o.threshold);
}

/*
 * The screen's outlier part for a strong finding: check_outliers() finds
 * one only when the farthest value lies at least FAR_STRONG IQRs beyond
 * its quartile and more than 1% of the median from it, and the farthest
 * value is one of the ends of the sorted s.  The quartiles are
 * check_outliers()' own; the bounds have a 2% margin for the rounding of
 * the distance over the IQR.  An IQR of exactly 0 is never strong (the
 * check's product is then 0 or NaN); any NaN or infinity errs towards
 * true.
 */
static bool
may_far(const double *s, size_t n, double median)
{
	if (n < 4)
		return false;
	double q1 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.25);
	double q3 = gsl_stats_quantile_from_sorted_data(s, 1, n, 0.75);
	double iqr = q3 - q1;
	if (iqr == 0)
		return false; /* outlier_iqrs * iqr is NaN or 0 */
	double lo = q1 - s[0], hi = s[n - 1] - q3;
	if (!isfinite(lo) || !isfinite(hi) || !isfinite(iqr) ||
	    !isfinite(median))
		return true;
	double far = lo > hi ? lo : hi;
	return far >= 0.98 * FAR_STRONG * iqr && far >= 0.0098 * fabs(median);
}

/*
 * The screen of a diagnose that keeps only strong findings
 * (cstat_builder_diagnose_strong()): false only when no check can find
 * a strong one in v[0..n) (sorted: s), each part as may_find()'s with
 * the strong finding's bounds: Mann-Kendall at a tenth of the level, the
 * step test at a thousandth (it makes a strong trend only when
 * Mann-Kendall finds none, so its bound alone is looser than the
 * finding's), two modes from GAP_STRONG / n, a detectable change above
 * twice the threshold, and the far outlier of may_far().
 */
static bool
may_strong(const cstat_diagnose *dg, const double *v, const double *s, size_t n,
	   double median)
{
	return may_far(s, n, median) || may_modes(s, n, median, GAP_STRONG) ||
	       may_noise(dg, v, s, n, 2 * dg->o.threshold) ||
	       may_trend(v, s, n, dg->mk_smin_strong, dg->mk_zmin_strong,
			 dg->step_lvl_strong);
}

/* Every check but "too few values" (which needs the other input's cell)
 * on v[0..n) in run order; g's labels are left alone.  A constant cell
 * (most B/op and allocs/op) is its own sorted copy and skips the trend
 * tests when their outcome is certain; the fields are the same. */
int
cstat__diagnose_values(const cstat_diagnose *dg, const double *v, size_t n,
		       struct cstat_diagnosis *g)
{
	return cstat__diagnose_sorted(dg, v, NULL, n, g);
}

int
cstat__diagnose_sorted(const cstat_diagnose *dg, const double *v,
		       const double *sorted, size_t n,
		       struct cstat_diagnosis *g)
{
	double stack[64], *buf = NULL;
	bool flat = constant_cell(v, n);
	const double *s = v;

	if (!flat && sorted) {
		s = sorted;
	} else if (!flat) {
		buf = n <= 64 ? stack : malloc(n * sizeof(*buf));
		if (!buf)
			return CSTAT_ENOMEM;
		memcpy(buf, v, n * sizeof(*buf));
		cstat__sort_doubles(buf, n);
		s = buf;
	}
	g->n = n;
	g->alpha = dg->o.alpha;
	g->threshold = dg->o.threshold;
	g->median = gsl_stats_median_from_sorted_data(s, 1, n);
	g->min_p = NAN;
	bool screened = dg->fed && !dg->strong && !flat;
	if (dg->strong && (flat ? constant_trend(g, v[0])
				: !may_strong(dg, v, s, n, g->median))) {
		/* A constant cell without a trend has no strong finding:
		 * its spread and gaps are 0, and a quartile rounded off its
		 * value is within an ulp of it, not 1% of the median. */
		g->findings = g->strong = 0;
		free(buf != stack ? buf : NULL);
		return 0;
	}
	if (screened && !may_find(dg, v, s, n, g)) {
		g->findings = g->strong = 0;
		free(buf != stack ? buf : NULL);
		return 0;
	}
	if (!flat || !constant_trend(g, v[0]))
		check_trend(g, v, s, dg);
	check_modes(g, s);
	if (!screened)
		check_outliers(g, v, s);
	check_noise(g, v, flat, dg);
	if (buf != stack)
		free(buf);
	return isnan(g->trend_p) ? CSTAT_ENOMEM : 0;
}

static int
diagnose_cell(const cstat_diagnose *dg, size_t idx, struct cstat_diagnosis *g)
{
	const struct dcell *c = &dg->cells[idx];

	g->input = c->key;
	g->name = c->key + strlen(c->key) + 1;
	g->unit = g->name + strlen(g->name) + 1;
	if (cstat__diagnose_values(dg, c->v, c->n, g))
		return CSTAT_ENOMEM;
	check_few(dg, idx, g);
	return 0;
}

int
cstat__diagnose_feed(cstat_diagnose *dg, bool strong)
{
	if (!dg)
		return CSTAT_EINVAL;
	if (dg->out || dg->ncells || dg->ninputs)
		return CSTAT_ESTATE;
	dg->fed = true;
	dg->strong = strong;
	return 0;
}

bool
cstat__diagnose_keeps(const cstat_diagnose *dg, const struct cstat_diagnosis *g)
{
	return dg->strong ? g->strong != 0 : g->findings != 0;
}

/* The most cells cstat__diagnose_expect() makes room for at once: 256 MB
 * of address space for their diagnoses, of which only what is kept is
 * ever touched; a larger build grows the arrays as it keeps. */
#define EXPECT_MAX (((size_t)256 << 20) / sizeof(struct cstat_diagnosis))

int
cstat__diagnose_expect(cstat_diagnose *dg, size_t ncells)
{
	if (dg->cap || ncells == 0 || ncells > EXPECT_MAX)
		return 0;
	dg->kept = cstat__big_alloc(ncells * sizeof(*dg->kept));
	dg->cells = malloc(ncells * sizeof(*dg->cells));
	dg->place = malloc(ncells * sizeof(*dg->place));
	if (!dg->kept || !dg->cells || !dg->place) {
		free(dg->kept);
		free(dg->cells);
		free(dg->place);
		dg->kept = NULL;
		dg->cells = NULL;
		dg->place = NULL;
		return CSTAT_ENOMEM;
	}
	dg->cap = ncells;
	return 0;
}

int
cstat__diagnose_keep(cstat_diagnose *dg, const struct cstat_diagnosis *g,
		     const char *input, const char *name, const char *unit,
		     size_t table, size_t row, size_t col)
{
	size_t li = strlen(input) + 1, ln = strlen(name) + 1;
	size_t klen = li + ln + strlen(unit) + 1;

	if (dg->ncells == dg->cap) {
		size_t nc = dg->cap ? dg->cap * 2 : 16;
		struct dcell *c = realloc(dg->cells, nc * sizeof(*c));
		if (c)
			dg->cells = c;
		struct cstat_diagnosis *k =
			c ? realloc(dg->kept, nc * sizeof(*k)) : NULL;
		if (k)
			dg->kept = k;
		size_t(*pl)[3] =
			k ? realloc(dg->place, nc * sizeof(*pl)) : NULL;
		if (!pl)
			return CSTAT_ENOMEM;
		dg->place = pl;
		dg->cap = nc;
	}
	char *key = malloc(klen);
	if (!key)
		return CSTAT_ENOMEM;
	memcpy(key, input, li);
	memcpy(key + li, name, ln);
	memcpy(key + li + ln, unit, klen - li - ln);
	dg->cells[dg->ncells] = (struct dcell){key, klen, col, NULL, g->n, 0};
	dg->kept[dg->ncells] = *g;
	dg->place[dg->ncells][0] = table;
	dg->place[dg->ncells][1] = row;
	dg->place[dg->ncells][2] = col;
	dg->ncells++;
	return 0;
}

static int
cmp_place(const void *a, const void *b)
{
	const size_t *x = *(const size_t *const *)a;
	const size_t *y = *(const size_t *const *)b;

	for (int i = 0; i < 3; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

/* Moves kept[ord[i]] and cells[ord[i]] to place i for every i, in place,
 * following each cycle of the permutation (ord ends as the identity). */
static void
permute_kept(cstat_diagnose *dg, size_t *ord, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (ord[i] == i)
			continue;
		struct cstat_diagnosis g = dg->kept[i];
		struct dcell c = dg->cells[i];
		size_t j = i;
		while (ord[j] != i) {
			size_t k = ord[j];
			dg->kept[j] = dg->kept[k];
			dg->cells[j] = dg->cells[k];
			ord[j] = j;
			j = k;
		}
		dg->kept[j] = g;
		dg->cells[j] = c;
		ord[j] = j;
	}
}

/* A fed diagnose: the kept cells in table, row, column order, whatever
 * order the build threads found them in.  They are sorted where they
 * are, not copied: the page and cregress hold them to the end, and a
 * copy was 3 MB of the large input's peak. */
static int
run_fed(cstat_diagnose *dg)
{
	size_t n = dg->ncells;
	const size_t **by = malloc((n ? n : 1) * sizeof(*by));
	size_t *ord = malloc((n ? n : 1) * sizeof(*ord));

	if (!by || !ord ||
	    (!n && !dg->kept && !(dg->kept = calloc(1, sizeof(*dg->kept))))) {
		free(by);
		free(ord);
		return CSTAT_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		by[i] = dg->place[i];
	qsort(by, n, sizeof(*by), cmp_place);
	for (size_t i = 0; i < n; i++)
		ord[i] = (size_t)(by[i] - dg->place[0]) / 3;
	free(by);
	permute_kept(dg, ord, n);
	free(ord);
	free(dg->place);
	dg->place = NULL;
	dg->out = dg->kept;
	dg->kept = NULL;
	for (size_t i = 0; i < n; i++) {
		struct cstat_diagnosis *g = &dg->out[i];
		g->input = dg->cells[i].key;
		g->name = g->input + strlen(g->input) + 1;
		g->unit = g->name + strlen(g->name) + 1;
	}
	return 0;
}

int
cstat_diagnose_run(cstat_diagnose *dg)
{
	if (!dg)
		return CSTAT_EINVAL;
	if (dg->out)
		return CSTAT_ESTATE;
	if (dg->fed)
		return run_fed(dg);
	dg->out = calloc(dg->ncells ? dg->ncells : 1, sizeof(*dg->out));
	if (!dg->out)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < dg->ncells; i++)
		if (diagnose_cell(dg, i, &dg->out[i])) {
			free(dg->out);
			dg->out = NULL;
			return CSTAT_ENOMEM;
		}
	return 0;
}

size_t
cstat_diagnose_count(const cstat_diagnose *dg)
{
	return dg ? dg->ncells : 0;
}

const struct cstat_diagnosis *
cstat_diagnose_get(const cstat_diagnose *dg, size_t i)
{
	if (!dg || !dg->out || i >= dg->ncells)
		return NULL;
	return &dg->out[i];
}
