/*
 * gate.c - the regression gate's judge: a verdict for every comparison of
 * built tables.
 *
 * For each row of each table and each later column against the first, it
 * takes the medians and the U test cstat prints, corrects the p-values for
 * the number of comparisons (Holm or Benjamini-Hochberg), finds the
 * threshold that applies and the unit's direction, and decides:
 * regression, improvement, unchanged or inconclusive.  The effect size
 * comes with a distribution-free interval: the Hodges-Lehmann shift (the
 * median of all pairwise differences new - base) and the order statistics
 * of those differences that the U distribution gives, divided by the
 * baseline median.  Everything is deterministic: no resampling.
 */
/* lgamma_r(): min_p() is called on the measuring threads. */
#define _DEFAULT_SOURCE
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "gate.h"
#include "numfmt.h"
#include "stats.h"
#include "tables.h"

/* ---------------------------------------------------------------------- */
/* The k-th smallest pairwise difference, without forming the pairs. */

/* Maps doubles to integers in the same order (-0 and +0 both to 0). */
static int64_t
dkey(double v)
{
	int64_t b;

	memcpy(&b, &v, sizeof(b));
	return b < 0 ? INT64_MIN - b : b;
}

static double
dval(int64_t k)
{
	int64_t b = k < 0 ? INT64_MIN - k : k;
	double v;

	memcpy(&v, &b, sizeof(v));
	return v;
}

/*
 * The number of pairs with y[j] - x[i] <= t, x and y sorted ascending.  The
 * computed difference falls (weakly) as x[i] grows and rises as y[j]
 * grows, so for each j the pairs that qualify are a suffix of x that
 * shrinks as j grows.
 */
static uint64_t
count_le(const double *x, size_t nx, const double *y, size_t ny, double t)
{
	uint64_t count = 0;
	size_t i = 0;

	for (size_t j = 0; j < ny; j++) {
		while (i < nx && y[j] - x[i] > t)
			i++;
		count += nx - i;
	}
	return count;
}

/*
 * The k-th smallest (1-based) of the nx * ny differences y[j] - x[i]: the
 * least double t with count_le(t) >= k, found by bisecting the doubles'
 * order, which ends on a difference itself.
 */
static double
kth_difference(const double *x, size_t nx, const double *y, size_t ny,
	       uint64_t k)
{
	int64_t lo = dkey(y[0] - x[nx - 1]), hi = dkey(y[ny - 1] - x[0]);

	while (lo < hi) {
		int64_t mid = lo + (int64_t)(((uint64_t)hi - (uint64_t)lo) / 2);

		if (count_le(x, nx, y, ny, dval(mid)) >= k)
			hi = mid;
		else
			lo = mid + 1;
	}
	return dval(lo);
}

/*
 * The number of the order statistic that bounds the interval from below:
 * the largest k with P(U <= k - 1) <= (1 - confidence) / 2 under the null
 * distribution of U, exact up to CSTAT_UTEST_EXACT_LIMIT values a side and
 * the normal approximation beyond.  0 means no interval can be had.
 */
static int
hl_order(struct cstat__ucache *uc, size_t nx, size_t ny, double confidence,
	 uint64_t *k)
{
	double tail = (1 - confidence) / 2;
	uint64_t nm = (uint64_t)nx * ny;

	*k = 0;
	if (nx <= CSTAT_UTEST_EXACT_LIMIT && ny <= CSTAT_UTEST_EXACT_LIMIT) {
		for (uint64_t u = 0; u < nm; u++) {
			double p;
			int rc = cstat__udist_cdf(uc, (long)nx, (long)ny,
						  (double)u, &p);
			if (rc)
				return rc;
			if (p > tail)
				break;
			*k = u + 1;
		}
		return 0;
	}
	double sd = sqrt((double)nx * (double)ny * (double)(nx + ny + 1) / 12);
	double c = (double)nm / 2 - gsl_cdf_ugaussian_Qinv(tail) * sd;
	*k = c < 1 ? 0 : (uint64_t)floor(c);
	return 0;
}

/* Where the interval's ends were, in the matrix of the last walk: the
 * log-ratio interval of the same samples starts its walks from the same
 * pairs, whose log differences are close to its ends. */
struct hl_hint {
	bool set;
	size_t lo_i, lo_j, hi_i, hi_j;
};

/*
 * What the judge keeps from one comparison to the next: the U
 * distributions, and the interval's order statistic for the last sample
 * sizes (comparisons mostly share them), with the normal quantile of its
 * rank that guesses where it lies.
 */
struct hl_memo {
	struct cstat__ucache *uc;
	size_t nx, ny;
	double confidence;
	uint64_t k;
	double z;
	bool set;
	struct hl_hint hint; /* from the shift's walk to the ratio's */
};

/* The interval's order statistic k for nx + ny values (hl_order()). */
static int
memo_order(struct hl_memo *m, size_t nx, size_t ny, double confidence)
{
	int rc;

	if (m->set && m->nx == nx && m->ny == ny && m->confidence == confidence)
		return 0;
	m->set = false;
	rc = hl_order(m->uc, nx, ny, confidence, &m->k);
	if (rc)
		return rc;
	m->z = m->k ? gsl_cdf_ugaussian_Pinv(((double)m->k - 0.5) /
					     ((double)nx * (double)ny))
		    : 0;
	m->nx = nx;
	m->ny = ny;
	m->confidence = confidence;
	m->set = true;
	return 0;
}

/* Up to this many pairs, the differences are formed and sorted. */
#define HL_DIRECT 4096

/*
 * The order statistics without sorting the pairs: the differences y[j] -
 * x[i] form a matrix whose rows (i) rise with j and whose columns fall
 * with i, so the ones <= t are a prefix of each row, a staircase counted
 * in nx + ny steps.  From the staircase at a guess t near the wanted rank
 * k, the k-th smallest is reached by stepping over the few differences
 * between: taking out the largest of the rows' last included ones, or
 * adding the least of their first excluded ones.  Every value it returns
 * is one of the differences, computed as the sort computed it, so it is
 * the same double.  For 10 + 10 values a rank costs a count of 20 steps
 * and a few steps of 10 comparisons, against a sort of 100.
 */
#define WALK_ROWS 64
#define WALK_MAX 32

/* Up to this many pairs, stair_count() compares every one: without a
 * branch to mispredict, and vectorized, that is faster than stepping. */
#define COUNT_ALL 256

/*
 * The number of y[q] - xi <= t, q < ny.  The compiler does not vectorize
 * the plain loop (a C comparison may trap), so with SSE2 two pairs go at a
 * time: the same subtraction and the same ordered comparison (false on a
 * NaN), so the very count, at a third of the instructions.
 */
static uint32_t
row_count(const double *y, size_t ny, double xi, double t)
{
	uint32_t n = 0;
	size_t q = 0;

#if defined(__SSE2__)
	__m128d vx = _mm_set1_pd(xi), vt = _mm_set1_pd(t);
	__m128i acc = _mm_setzero_si128();
	for (; q + 2 <= ny; q += 2) {
		__m128d d = _mm_sub_pd(_mm_loadu_pd(y + q), vx);
		/* All ones where d <= t: subtracting it counts one. */
		acc = _mm_sub_epi64(acc, _mm_castpd_si128(_mm_cmple_pd(d, vt)));
	}
	n = (uint32_t)(_mm_cvtsi128_si64(acc) +
		       _mm_cvtsi128_si64(_mm_unpackhi_epi64(acc, acc)));
#endif
	for (; q < ny; q++)
		n += y[q] - xi <= t;
	return n;
}

/* c[i] = the number of differences <= t in row i; returns their sum.  A
 * later row has at least as many (its x is larger). */
static uint64_t
stair_count(const double *x, size_t nx, const double *y, size_t ny, double t,
	    uint32_t *c)
{
	uint64_t total = 0;
	size_t j = 0;

	if (nx * ny <= COUNT_ALL) {
		for (size_t i = 0; i < nx; i++) {
			uint32_t n = row_count(y, ny, x[i], t);
			c[i] = n;
			total += n;
		}
		return total;
	}
	for (size_t i = 0; i < nx; i++) {
		while (j < ny && y[j] - x[i] <= t)
			j++;
		c[i] = (uint32_t)j;
		total += j;
	}
	return total;
}

/*
 * A walk from a staircase: for each row, the column of its last included
 * difference (going down) or of its first excluded one (going up), and
 * that difference, or a sentinel past the row's end (the walk runs on
 * finite differences, so a sentinel never ties with one).
 */
struct walk {
	const double *x, *y;
	size_t nx, ny;
	bool down;
	long at[WALK_ROWS];
	double v[WALK_ROWS];
	size_t bi, bj; /* where the last group taken starts */
};

static double
walk_cell(const struct walk *w, size_t i)
{
	long j = w->at[i];

	if (w->down)
		return j >= 0 ? w->y[j] - w->x[i] : -INFINITY;
	return (size_t)j < w->ny ? w->y[j] - w->x[i] : INFINITY;
}

static void
walk_init(struct walk *w, const double *x, size_t nx, const double *y,
	  size_t ny, const uint32_t *c, bool down)
{
	w->x = x;
	w->y = y;
	w->nx = nx;
	w->ny = ny;
	w->down = down;
	for (size_t i = 0; i < nx; i++) {
		w->at[i] = down ? (long)c[i] - 1 : (long)c[i];
		w->v[i] = walk_cell(w, i);
	}
}

/* Takes out (adds) every difference equal to the largest included (least
 * excluded) one: returns it, with their number in *same. */
static double
walk_group(struct walk *w, uint64_t *same)
{
	double best = w->v[0];
	size_t b = w->nx;

	/* Max and min without a branch; then the rows at it. */
	if (w->down)
		for (size_t i = 1; i < w->nx; i++)
			best = w->v[i] > best ? w->v[i] : best;
	else
		for (size_t i = 1; i < w->nx; i++)
			best = w->v[i] < best ? w->v[i] : best;
	*same = 0;
	for (size_t i = 0; i < w->nx; i++)
		while (w->v[i] == best) {
			if (b == w->nx) {
				b = i;
				w->bi = i;
				w->bj = (size_t)w->at[i];
			}
			++*same;
			w->at[i] += w->down ? -1 : 1;
			w->v[i] = walk_cell(w, i);
		}
	return best;
}

/*
 * The difference left groups further on, and (when next is not NULL) the
 * one after it; false after WALK_MAX groups.
 */
static bool
walk_rank(struct walk *w, uint64_t left, double *out, double *next)
{
	uint64_t same;

	for (int step = 0; step < WALK_MAX; step++) {
		double best = walk_group(w, &same);
		if (same > left) {
			*out = best;
			if (next)
				*next = same > left + 1 ? best
							: walk_group(w, &same);
			return true;
		}
		left -= same;
	}
	return false;
}

/*
 * The k-th smallest difference, and (when next is not NULL) the (k+1)-th,
 * from the staircase at t; *i, *j receive where the k-th is.
 */
static bool
walk_kth(const double *x, size_t nx, const double *y, size_t ny, double t,
	 uint64_t k, double *out, double *next, size_t *i, size_t *j)
{
	uint32_t c[WALK_ROWS];
	uint64_t total = stair_count(x, nx, y, ny, t, c);
	uint64_t want = next ? k + 1 : k;
	struct walk w;

	if (total >= want) {
		/* Down to the (k+1)-th, whose group or the next one below
		 * holds the k-th. */
		walk_init(&w, x, nx, y, ny, c, true);
		if (!walk_rank(&w, total - want, next ? next : out,
			       next ? out : NULL))
			return false;
	} else if (total < k) {
		walk_init(&w, x, nx, y, ny, c, false);
		if (!walk_rank(&w, k - total - 1, out, next))
			return false;
	} else {
		/* total == k and next: the largest included, then the least
		 * excluded. */
		walk_init(&w, x, nx, y, ny, c, true);
		if (!walk_rank(&w, 0, out, NULL))
			return false;
		size_t bi = w.bi, bj = w.bj;
		walk_init(&w, x, nx, y, ny, c, false);
		if (!walk_rank(&w, 0, next, NULL))
			return false;
		w.bi = bi;
		w.bj = bj;
	}
	/* Going down to a pair of ranks, the last group is the k-th's only
	 * when it held both; either way the place is a hint, not a rank. */
	*i = w.bi;
	*j = w.bj;
	return true;
}

static double
mean(const double *v, size_t n)
{
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += v[i];
	return sum / (double)n;
}

/* Population variance of v[0..n). */
static double
variance(const double *v, size_t n)
{
	double m = mean(v, n), ss = 0;

	for (size_t i = 0; i < n; i++)
		ss += (v[i] - m) * (v[i] - m);
	return ss / (double)n;
}

static double median_sorted(const double *v, size_t n);

/*
 * The shift (when shift is not NULL) and the k-th and (nm + 1 - k)-th
 * differences by walking; false when the walk does not apply (more rows
 * than it keeps, a difference that overflows, a -0 that could make a
 * zero difference's sign depend on the order) or strays too far.  The
 * ends start from hint's pairs when it is set, else from the normal
 * quantiles z sd around the shift; where they end is left in hint.
 */
static bool
hl_walk(const double *x, size_t nx, const double *y, size_t ny, uint64_t k,
	double z, struct hl_hint *hint, double *shift, double *lo, double *hi)
{
	uint64_t nm = (uint64_t)nx * ny;
	double t0, sd, tlo, thi, a, b;
	size_t i, j;

	if (nx > WALK_ROWS || !isfinite(y[0] - x[nx - 1]) ||
	    !isfinite(y[ny - 1] - x[0]))
		return false;
	for (size_t q = 0; q < ny; q++)
		if (y[q] == 0 && signbit(y[q]))
			return false;
	if (x[0] == x[nx - 1] && y[0] == y[ny - 1]) {
		/* One value a side: every difference is the same double. */
		a = y[0] - x[0];
		if (shift)
			*shift = nm % 2 ? a : (a + a) / 2;
		*lo = *hi = a;
		hint->set = false;
		return true;
	}
	/* Between the difference of the medians and that of the means: for
	 * 10 + 10 values with 2% normal noise (rounded to two decimals,
	 * 20,000 samples) the median pair is then 3.0 steps away on average
	 * instead of 4.7.  A guess far off costs time, not exactness. */
	t0 = (median_sorted(y, ny) - median_sorted(x, nx) + mean(y, ny) -
	      mean(x, nx)) /
	     2;
	if (shift) {
		if (nm % 2) {
			if (!walk_kth(x, nx, y, ny, t0, nm / 2 + 1, &b, NULL,
				      &i, &j))
				return false;
			*shift = b;
		} else {
			if (!walk_kth(x, nx, y, ny, t0, nm / 2, &a, &b, &i, &j))
				return false;
			*shift = (a + b) / 2;
		}
		t0 = *shift;
	}
	if (k == 0)
		return true;
	if (hint->set && hint->lo_i < nx && hint->hi_i < nx &&
	    hint->lo_j < ny && hint->hi_j < ny) {
		tlo = y[hint->lo_j] - x[hint->lo_i];
		thi = y[hint->hi_j] - x[hint->hi_i];
	} else {
		sd = sqrt(variance(x, nx) + variance(y, ny));
		tlo = t0 + z * sd;
		thi = t0 - z * sd;
	}
	hint->set = false;
	if (!walk_kth(x, nx, y, ny, tlo, k, lo, NULL, &hint->lo_i,
		      &hint->lo_j) ||
	    !walk_kth(x, nx, y, ny, thi, nm + 1 - k, hi, NULL, &hint->hi_i,
		      &hint->hi_j))
		return false;
	hint->set = true;
	return true;
}

/* The k-th smallest difference (1-based), from the sorted ones if there
 * are (d), else by bisection. */
static double
kth(const double *d, const double *x, size_t nx, const double *y, size_t ny,
    uint64_t k)
{
	return d ? d[k - 1] : kth_difference(x, nx, y, ny, k);
}

/* The shift and interval by sorting the differences (or bisecting). */
static void
hl_sorted(const double *x, size_t nx, const double *y, size_t ny, uint64_t k,
	  double *shift, double *lo, double *hi)
{
	uint64_t nm = (uint64_t)nx * ny;
	double direct[HL_DIRECT], *d = NULL;

	if (nm <= HL_DIRECT) {
		d = direct;
		for (size_t i = 0; i < nx; i++)
			for (size_t j = 0; j < ny; j++)
				d[i * ny + j] = y[j] - x[i];
		cstat__sort_doubles(d, (size_t)nm);
	}
	if (shift && nm % 2)
		*shift = kth(d, x, nx, y, ny, nm / 2 + 1);
	else if (shift)
		*shift = (kth(d, x, nx, y, ny, nm / 2) +
			  kth(d, x, nx, y, ny, nm / 2 + 1)) /
			 2;
	if (k) {
		*lo = kth(d, x, nx, y, ny, k);
		*hi = kth(d, x, nx, y, ny, nm + 1 - k);
	}
}

/*
 * The Hodges-Lehmann shift of y against x (unless shift is NULL) and its
 * interval, x and y sorted ascending.
 */
static int
hodges_lehmann(struct hl_memo *m, const double *x, size_t nx, const double *y,
	       size_t ny, double confidence, double *shift, double *lo,
	       double *hi)
{
	int rc;

	if (shift) {
		*shift = NAN;
		m->hint.set = false; /* a new comparison */
	}
	*lo = *hi = NAN;
	for (size_t i = 0; i < nx; i++)
		if (!isfinite(x[i]))
			return 0;
	for (size_t j = 0; j < ny; j++)
		if (!isfinite(y[j]))
			return 0;
	rc = memo_order(m, nx, ny, confidence);
	if (rc)
		return rc;
	if (!hl_walk(x, nx, y, ny, m->k, m->z, &m->hint, shift, lo, hi)) {
		hl_sorted(x, nx, y, ny, m->k, shift, lo, hi);
		m->hint.set = false;
	}
	if (m->k == 0) {
		*lo = -INFINITY;
		*hi = INFINITY;
	}
	return 0;
}

int
cstat__gate_hodges_lehmann(struct cstat__ucache *uc, const double *x, size_t nx,
			   const double *y, size_t ny, double confidence,
			   double *shift, double *lo, double *hi)
{
	struct hl_memo m = {.uc = uc};

	if (!nx || !ny || !shift || !lo || !hi)
		return CSTAT_EINVAL;
	return hodges_lehmann(&m, x, nx, y, ny, confidence, shift, lo, hi);
}

/* An additive interval [lo, hi] of y - x relative to the base median
 * (NaN when that median is 0 or not finite). */
static void
per_base(double base_center, double *lo, double *hi)
{
	if (base_center == 0 || !isfinite(base_center)) {
		*lo = *hi = NAN;
		return;
	}
	*lo /= fabs(base_center);
	*hi /= fabs(base_center);
}

/* The logarithms of small samples stay on the stack. */
#define LOG_DIRECT 256

/* out[i] = log(v[i]) for sorted v; a side of one value (as most
 * counts are) has one logarithm. */
static void
logs(const double *v, size_t n, double *out)
{
	if (v[0] == v[n - 1]) {
		double l = log(v[0]);
		for (size_t i = 0; i < n; i++)
			out[i] = l;
		return;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = log(v[i]);
}

/* The ratio's interval (cstat__gate_interval() with additive false). */
static int
log_interval(struct hl_memo *m, const double *x, size_t nx, const double *y,
	     size_t ny, double confidence, double *lo, double *hi)
{
	double direct[LOG_DIRECT], *lx = direct;
	int rc;

	if (!(x[0] > 0 && y[0] > 0))
		return CSTAT_EINVAL;
	if (nx + ny > LOG_DIRECT) {
		lx = malloc((nx + ny) * sizeof(double));
		if (!lx)
			return CSTAT_ENOMEM;
	}
	/* log keeps the order, so the logs are sorted too. */
	logs(x, nx, lx);
	logs(y, ny, lx + nx);
	rc = hodges_lehmann(m, lx, nx, lx + nx, ny, confidence, NULL, lo, hi);
	if (lx != direct)
		free(lx);
	*lo = expm1(*lo);
	*hi = expm1(*hi);
	return rc;
}

/*
 * The interval of the ratio y / x on the log scale: the Hodges-Lehmann
 * interval of log(y_j) - log(x_i), whose ends are order statistics of the
 * pairwise log ratios, so exp(.) of them is a distribution-free interval
 * of the ratio under a scale shift (new = ratio * a base draw), and can
 * never fall below -100%.  The additive interval divides the interval of
 * y - x by the base median, whose own noise it ignores.
 */
int
cstat__gate_interval(struct cstat__ucache *uc, const double *x, size_t nx,
		     const double *y, size_t ny, double base_center,
		     double confidence, bool additive, double *lo, double *hi)
{
	struct hl_memo m = {.uc = uc};
	int rc;

	*lo = *hi = NAN;
	if (!nx || !ny)
		return CSTAT_EINVAL;
	if (!additive)
		return log_interval(&m, x, nx, y, ny, confidence, lo, hi);
	rc = hodges_lehmann(&m, x, nx, y, ny, confidence, NULL, lo, hi);
	if (rc) {
		*lo = *hi = NAN;
		return rc;
	}
	per_base(base_center, lo, hi);
	return 0;
}

/* ---------------------------------------------------------------------- */

/* The smallest two-sided p-value a U test of n1 and n2 values can give:
 * every value of one sample below every value of the other. */
static double
min_p(size_t n1, size_t n2)
{
	int sign;
	double lc = lgamma_r((double)(n1 + n2 + 1), &sign) -
		    lgamma_r((double)(n1 + 1), &sign) -
		    lgamma_r((double)(n2 + 1), &sign);
	double p = 2 * exp(-lc);

	return p > 1 ? 1 : p;
}

/* The level a lone change must reach: alpha shared among m comparisons. */
static double
lone_level(const cstat_gate_config *c, size_t m)
{
	if (c->correction == CSTAT_CORRECTION_NONE || m == 0)
		return c->alpha;
	return c->alpha / (double)m;
}

size_t
cstat__gate_samples_needed(double level)
{
	for (size_t n = 1; n <= 1000; n++)
		if (min_p(n, n) <= level)
			return n;
	return 0;
}

struct order {
	double p;
	size_t i;
};

static int
order_cmp(const void *a, const void *b)
{
	const struct order *x = a, *y = b;

	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* The bits of a p-value >= 0 (a -0 as 0): ordered as the p-values. */
static uint64_t
p_key(double p)
{
	uint64_t k;

	if (p == 0)
		return 0;
	memcpy(&k, &p, sizeof(k));
	return k;
}

/*
 * Sorts o[0..m) as qsort() with order_cmp() does, by p and then by index,
 * when o is in the order of its indices and no p is below 0: a stable
 * radix sort on p's bits, a byte at a time (bytes that all keys share
 * skipped), without a call per comparison.  False when it does not apply
 * or memory runs out; o is then unchanged.
 */
static bool
radix_order(struct order *o, size_t m)
{
	uint64_t same = ~(uint64_t)0, first = m ? p_key(o[0].p) : 0;

	for (size_t j = 0; j < m; j++) {
		if (!(o[j].p >= 0))
			return false;
		same &= ~(p_key(o[j].p) ^ first);
	}
	struct order *tmp = malloc((m ? m : 1) * sizeof(*tmp)), *a = o,
		     *b = tmp;
	if (!tmp)
		return false;
	for (unsigned shift = 0; shift < 64; shift += 8) {
		size_t count[257] = {0};
		if (((same >> shift) & 0xff) == 0xff)
			continue; /* every key has the same byte here */
		for (size_t j = 0; j < m; j++)
			count[(p_key(a[j].p) >> shift & 0xff) + 1]++;
		for (size_t d = 1; d < 257; d++)
			count[d] += count[d - 1];
		for (size_t j = 0; j < m; j++)
			b[count[p_key(a[j].p) >> shift & 0xff]++] = a[j];
		struct order *t = a;
		a = b;
		b = t;
	}
	if (a != o)
		memcpy(o, a, m * sizeof(*o));
	free(tmp);
	return true;
}

/*
 * Whether a comparison belongs to the family the correction is over: it
 * was tested, its unit is not exact (no test: a difference is certain),
 * and its values are not all equal (the test can then only give p = 1:
 * as in Tarone's procedure for discrete tests, a test that cannot reject
 * need not share alpha).
 */
static bool
in_family(const cstat_gate *g, size_t i)
{
	const struct cstat_check *k = &g->checks[i];

	return !isnan(k->p) && !k->exact && !g->equal[i];
}

/* Sets p_adjusted of every tested check, and the family's size. */
static int
correct(cstat_gate *g)
{
	struct order *o;
	size_t m = 0;

	g->family = 0;
	if (g->n == 0)
		return 0;
	o = malloc(g->n * sizeof(*o));
	if (!o)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < g->n; i++)
		if (in_family(g, i))
			o[m++] = (struct order){g->checks[i].p, i};
	g->family = m;
	if (!radix_order(o, m))
		qsort(o, m, sizeof(*o), order_cmp);
	switch (g->c->correction) {
	case CSTAT_CORRECTION_HOLM: {
		double run = 0;
		for (size_t j = 0; j < m; j++) {
			double a = (double)(m - j) * o[j].p;
			if (a > 1)
				a = 1;
			if (a > run)
				run = a;
			g->checks[o[j].i].p_adjusted = run;
		}
		break;
	}
	case CSTAT_CORRECTION_BH: {
		double run = 1;
		for (size_t j = m; j-- > 0;) {
			double a = (double)m / (double)(j + 1) * o[j].p;
			if (a < run)
				run = a;
			g->checks[o[j].i].p_adjusted = run;
		}
		break;
	}
	default:
		for (size_t j = 0; j < m; j++)
			g->checks[o[j].i].p_adjusted = o[j].p;
		break;
	}
	free(o);
	return 0;
}

static char *
sdup(cstat_gate *g, const char *s)
{
	return cstat__arena_strndup(&g->strs, s, strlen(s));
}

static char *sprintf_dup(cstat_gate *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static char *
sprintf_dup(cstat_gate *g, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return sdup(g, buf);
}

/* The direction of unit and where it comes from. */
static const char *
direction(const cstat_gate_config *c, const cstat_reader *units,
	  const char *unit, int cls, bool *higher)
{
	const char *src, *meta;
	int b = cstat__gate_better(c, unit, &src);

	if (b >= 0) {
		*higher = b == 1;
		return "the settings";
	}
	meta = units ? cstat_reader_unit_meta(units, unit, "better") : NULL;
	if (meta &&
	    (strcmp(meta, "higher") == 0 || strcmp(meta, "lower") == 0)) {
		*higher = strcmp(meta, "higher") == 0;
		return "Unit metadata";
	}
	*higher = cls == CSTAT_CLASS_THROUGHPUT;
	return "unit class";
}

/* Room for the g->n comparisons judge_plan_make() counted, at once. */
static int
reserve_checks(cstat_gate *g)
{
	if (g->n == 0)
		return 0;
	if (g->n <= SIZE_MAX / sizeof(*g->checks)) {
		g->checks = cstat__big_alloc(g->n * sizeof(*g->checks));
		g->equal = malloc(g->n * sizeof(*g->equal));
	}
	if (!g->checks || !g->equal) {
		g->n = 0; /* none to be had */
		return CSTAT_ENOMEM;
	}
	return 0;
}

static int
add_ignored(cstat_gate *g, size_t *cap, const struct cstat_check *k,
	    const struct cstat__ignore *ig)
{
	if (g->nignored == *cap) {
		int rc = cstat__grow((void **)&g->ignored, cap, g->nignored + 1,
				     sizeof(*g->ignored));
		if (rc)
			return rc;
	}
	g->ignored[g->nignored++] = (struct cstat__ignored){
		k->name, k->unit, NULL, ig->pattern, ig->source, k->table};
	return 0;
}

/* Whether every value on both sides is the same: nothing changed, and no
 * number of samples would say otherwise. */
static bool
all_equal(const double *x, size_t nx, const double *y, size_t ny)
{
	return x && y && x[0] == x[nx - 1] && y[0] == y[ny - 1] && x[0] == y[0];
}

/*
 * The U test's p-value of base against new: the one the builder already
 * computed for the cell when it did (the same test of the same values),
 * else computed here.
 */
static int
u_test(struct hl_memo *m, const struct cstat_cell *nc, const double *x,
       size_t nx, const double *y, size_t ny, double *p)
{
	if (nc->has_comparison) {
		*p = nc->p;
		return 0;
	}
	int rc = cstat__mann_whitney(m->uc, x, nx, y, ny, p);
	if (rc < 0)
		return rc;
	if (rc == CSTAT_SAMPLES_EQUAL)
		*p = 1;
	return 0;
}

/* Measures one comparison whose sides are both present. */
static int
measure(cstat_gate *g, struct hl_memo *m, struct cstat_check *k)
{
	const cstat_gate_config *c = g->c;
	size_t nx, ny;
	const double *x =
		cstat_table_cell_values(g->t, k->table, k->row, 0, &nx);
	const double *y =
		cstat_table_cell_values(g->t, k->table, k->row, k->col, &ny);
	struct cstat_cell bc, nc;
	/* p_min was had for these sizes as the comparison was set up. */
	bool have_p_min = k->n_base == nx && k->n_new == ny;

	cstat_table_cell(g->t, k->table, k->row, 0, &bc);
	cstat_table_cell(g->t, k->table, k->row, k->col, &nc);
	k->n_base = nx;
	k->n_new = ny;
	/* Whether all values are the same, while they are at hand. */
	g->equal[k - g->checks] = all_equal(x, nx, y, ny);
	k->base_center = bc.center;
	k->new_center = nc.center;
	if (bc.center == nc.center)
		k->change = 0;
	else
		k->change = nc.center / bc.center - 1;
	if (k->exact) {
		/* Values are exact: a different mode is a certain change. */
		k->p = bc.center == nc.center ? 1 : 0;
		k->p_min = 0;
		k->shift = k->shift_lo = k->shift_hi = nc.center - bc.center;
	} else {
		int rc = u_test(m, &nc, x, nx, y, ny, &k->p);
		if (rc)
			return rc;
		if (!have_p_min)
			k->p_min = min_p(nx, ny);
	}
	k->p_adjusted = k->p;
	if (k->exact) {
		if (bc.center != 0 && isfinite(bc.center))
			k->change_lo = k->change_hi =
				k->shift / fabs(bc.center);
		return 0;
	}
	/* A ratio needs positive values on both sides (sorted: the first
	 * is the least). */
	k->additive = !(x[0] > 0 && y[0] > 0);
	/* Verdicts read the intervals only when the threshold is on them:
	 * for the page alone, they are left NaN. */
	if (g->verdicts_only && c->threshold_on != CSTAT__ON_INTERVAL)
		return 0;
	int rc = hodges_lehmann(m, x, nx, y, ny, c->confidence, &k->shift,
				&k->shift_lo, &k->shift_hi);
	if (rc)
		return rc;
	if (k->additive) {
		/* The interval of y - x is the one just had: no second
		 * Hodges-Lehmann pass. */
		k->change_lo = k->shift_lo;
		k->change_hi = k->shift_hi;
		per_base(bc.center, &k->change_lo, &k->change_hi);
		return 0;
	}
	return log_interval(m, x, nx, y, ny, c->confidence, &k->change_lo,
			    &k->change_hi);
}

/* The change a comparison must exceed: its threshold, or the run-to-run
 * noise the history shows when that is larger (NaN: no history). */
static double
effective_threshold(const struct cstat_check *k)
{
	return k->noise > k->threshold ? k->noise : k->threshold;
}

/*
 * Which side of the threshold the change is on: 1 above +threshold, -1
 * below -threshold, 0 within.  On the estimate, the change itself (so a
 * true change at the threshold is past it about half the time); on the
 * interval, its whole confidence interval (a change then needs to be
 * shown larger than the threshold).
 */
static int
beyond_threshold(const cstat_gate_config *c, const struct cstat_check *k)
{
	double lo = k->change, hi = k->change, t = effective_threshold(k);

	if (c->threshold_on == CSTAT__ON_INTERVAL) {
		lo = k->change_lo;
		hi = k->change_hi;
	}
	if (lo > t)
		return 1;
	if (hi < -t)
		return -1;
	return 0;
}

/*
 * What decide() shares across comparisons: the level a lone change must
 * reach, the samples it needs, and the last "too few samples" reason,
 * which comparisons of the same sizes share rather than each formatting
 * and keeping its own copy.
 */
struct verdicts {
	double level;
	size_t need;
	char lv[40];
	size_t n_base, n_new;
	const char *few;
};

static void
verdicts_init(struct verdicts *v, const cstat_gate *g, size_t m)
{
	memset(v, 0, sizeof(*v));
	v->level = lone_level(g->c, m);
	v->need = cstat__gate_samples_needed(v->level);
	cstat__fmt_c(v->lv, sizeof(v->lv), "%.3g", v->level);
}

/* "too few samples: ..." for k's sizes. */
static const char *
too_few(cstat_gate *g, struct verdicts *v, const struct cstat_check *k)
{
	if (v->few && v->n_base == k->n_base && v->n_new == k->n_new)
		return v->few;
	if (v->need)
		v->few = sprintf_dup(g,
				     "too few samples: n=%zu+%zu cannot reach "
				     "p <= %s; need >= %zu each",
				     k->n_base, k->n_new, v->lv, v->need);
	else
		v->few = sprintf_dup(g,
				     "too few samples: n=%zu+%zu "
				     "cannot reach p <= %s",
				     k->n_base, k->n_new, v->lv);
	v->n_base = k->n_base;
	v->n_new = k->n_new;
	return v->few;
}

static int
decide(cstat_gate *g, struct verdicts *v, struct cstat_check *k)
{
	const cstat_gate_config *c = g->c;

	if (k->n_base == 0 || k->n_new == 0) {
		k->verdict = CSTAT_INCONCLUSIVE;
		k->reason = sprintf_dup(g, "missing in %s",
					k->n_base == 0 ? k->base_label
						       : k->new_label);
		return k->reason ? 0 : CSTAT_ENOMEM;
	}
	bool significant = !(k->p_adjusted > c->alpha);
	int side = beyond_threshold(c, k);
	bool worse = k->higher_better ? side < 0 : side > 0;
	if (significant && side) {
		k->verdict = worse ? CSTAT_REGRESSION : CSTAT_IMPROVEMENT;
		return 0;
	}
	if (!k->exact && k->p_min > v->level && !g->equal[k - g->checks]) {
		k->verdict = CSTAT_INCONCLUSIVE;
		k->reason = too_few(g, v, k);
		return k->reason ? 0 : CSTAT_ENOMEM;
	}
	k->verdict = CSTAT_UNCHANGED;
	return 0;
}

/* ---------------------------------------------------------------------- */
/*
 * The detectable change: the least change in the worse direction that the
 * gate flags in 80% of comparisons of two runs like this one (each with as
 * many values as the comparison's two sides together), at the level a lone
 * change must reach and with the threshold rule in force.
 *
 * The noise is taken as lognormal with the pooled within-side standard
 * deviation s of the log values (or, when a value is <= 0, as normal with
 * the standard deviation relative to the base median).  The U test and the
 * intervals are invariant to the scale, so one simulation per sample size
 * serves every comparison: R replicates of two standard normal samples
 * (fixed seed), and for each the least shift e (in units of s) at which
 * the U test reaches the level, the difference of the medians, and the
 * lower end of the Hodges-Lehmann interval.  A replicate is flagged at
 * shift e when e passes the test's point and the threshold rule's
 * (threshold / s minus the median difference, or the interval's lower
 * end): the 80% point is a quantile of those.  Nothing is resampled from
 * the data, so the same inputs always give the same number.
 */

#define POWER 0.8
#define POWER_REPLICATES 10000
#define POWER_SIMS 8
#define POWER_SEED 0x6a09e667f3bcc908u

/* The standardized replicates for one sample size per side. */
struct power_sim {
	size_t n;
	double *test; /* least shift at which the U test reaches the level */
	double *med;  /* median(y) - median(x) */
	double *low;  /* the lower end of the Hodges-Lehmann interval */
};

/* splitmix64, and normal deviates by Box-Muller: no global state. */
static double
sim_uniform(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	z ^= z >> 31;
	return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static double
sim_normal(uint64_t *s)
{
	double u = sim_uniform(s), v = sim_uniform(s);

	return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* The p-value of the gate's U test for n1 + n2 distinct values of which u
 * pairs have the second sample's value larger. */
static int
p_at_u(struct cstat__ucache *uc, size_t n1, size_t n2, uint64_t u, double *buf,
       double *p)
{
	double *x = buf, *y = buf + n1;

	for (size_t i = 0; i < n1; i++)
		x[i] = 2 * (double)i;
	for (size_t j = 0; j < n2; j++) {
		uint64_t c = u < n1 ? u : n1;
		/* Above exactly c of the x, and apart from the other y. */
		y[j] = 2 * (double)c - 1 + (double)j / (2 * (double)n2);
		u -= c;
	}
	int rc = cstat__mann_whitney(uc, x, n1, y, n2, p);
	return rc < 0 ? rc : 0;
}

/* The least U (pairs with the second sample larger) at which the U test of
 * n + n values reaches level; 0 when none does. */
static int
critical_u(struct cstat__ucache *uc, size_t n, double level, uint64_t *out)
{
	uint64_t nn = (uint64_t)n * n, lo = (nn + 1) / 2, hi = nn;
	double *buf = malloc(2 * n * sizeof(double)), p;
	int rc;

	*out = 0;
	if (!buf)
		return CSTAT_ENOMEM;
	rc = p_at_u(uc, n, n, hi, buf, &p);
	if (!rc && p <= level) {
		/* p falls as U moves away from its mean. */
		while (lo < hi && !rc) {
			uint64_t mid = lo + (hi - lo) / 2;
			rc = p_at_u(uc, n, n, mid, buf, &p);
			if (p <= level)
				hi = mid;
			else
				lo = mid + 1;
		}
		*out = hi;
	}
	free(buf);
	return rc;
}

static double
median_sorted(const double *v, size_t n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void
power_sim_free(struct power_sim *s)
{
	free(s->test);
	free(s->med);
	free(s->low);
}

/* Simulates reps replicates for n values per side. */
static int
power_sim_reps(struct cstat__ucache *uc, size_t n, double level,
	       double confidence, size_t reps, struct power_sim *s)
{
	uint64_t seed = POWER_SEED ^ n, ucrit, k;
	double *v = malloc(2 * n * sizeof(double));
	int rc;

	memset(s, 0, sizeof(*s));
	s->n = n;
	s->test = malloc(reps * sizeof(double));
	s->med = malloc(reps * sizeof(double));
	s->low = malloc(reps * sizeof(double));
	rc = !v || !s->test || !s->med || !s->low ? CSTAT_ENOMEM : 0;
	if (!rc)
		rc = critical_u(uc, n, level, &ucrit);
	if (!rc)
		rc = hl_order(uc, n, n, confidence, &k);
	for (size_t r = 0; r < reps && !rc; r++) {
		double *x = v, *y = v + n;
		for (size_t i = 0; i < 2 * n; i++)
			v[i] = sim_normal(&seed);
		cstat__sort_doubles(x, n);
		cstat__sort_doubles(y, n);
		/* y + e has U >= ucrit once e passes the ucrit-th smallest
		 * x[i] - y[j]. */
		s->test[r] =
			ucrit ? kth_difference(y, n, x, n, ucrit) : INFINITY;
		s->med[r] = median_sorted(y, n) - median_sorted(x, n);
		s->low[r] = k ? kth_difference(x, n, y, n, k) : -INFINITY;
	}
	free(v);
	if (rc)
		power_sim_free(s);
	return rc;
}

static int
power_sim_new(struct cstat__ucache *uc, size_t n, double level,
	      double confidence, struct power_sim *s)
{
	return power_sim_reps(uc, n, level, confidence, POWER_REPLICATES, s);
}

int
cstat__gate_power_sim(struct cstat__ucache *uc, size_t n, double level,
		      double confidence, size_t reps, double **test,
		      double **med, double **low)
{
	struct power_sim s;
	int rc = power_sim_reps(uc, n, level, confidence, reps, &s);

	*test = rc ? NULL : s.test;
	*med = rc ? NULL : s.med;
	*low = rc ? NULL : s.low;
	return rc;
}

/* The k-th smallest (0-based) of a[0..n), reordering a: Hoare's selection
 * with the middle element as the pivot, O(n) on average, so a comparison
 * costs no sort of the replicates. */
static double
select_kth(double *a, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		double pivot = a[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				double t = a[i];
				a[i] = a[j];
				a[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return a[k];
	}
	return a[k];
}

/*
 * The pooled within-side standard deviation of the log values (of the
 * values relative to the base median when additive): the noise of one
 * value.  NaN when it cannot be had.
 */
static double
noise_sd(const double *x, size_t nx, const double *y, size_t ny,
	 double base_center, bool additive)
{
	const double *side[2] = {x, y};
	size_t n[2] = {nx, ny};
	double ss = 0, scale = additive ? fabs(base_center) : 1;

	if (nx + ny < 3 || !(scale > 0) || !isfinite(scale))
		return NAN;
	for (int h = 0; h < 2; h++) {
		double mean = 0;
		for (size_t i = 0; i < n[h]; i++)
			mean += additive ? side[h][i] : log(side[h][i]);
		mean /= (double)n[h];
		for (size_t i = 0; i < n[h]; i++) {
			double d = (additive ? side[h][i] : log(side[h][i])) -
				   mean;
			ss += d * d;
		}
	}
	return sqrt(ss / (double)(nx + ny - 2)) / scale;
}

/* The 80%-power change of a comparison with noise sd, from sim. */
static double
power_change(const cstat_gate_config *c, const struct cstat_check *k,
	     const struct power_sim *sim, double sd, double *need)
{
	double t = k->threshold, tau;
	size_t q = (size_t)ceil(POWER * POWER_REPLICATES) - 1;

	/* The threshold as a shift of the log values (or as it is). */
	if (k->additive)
		tau = t;
	else if (k->higher_better)
		tau = t < 1 ? -log1p(-t) : INFINITY;
	else
		tau = log1p(t);
	if (sd == 0) /* no noise: any change past the threshold shows */
		return isinf(sim->test[0]) ? NAN : t;
	for (size_t r = 0; r < POWER_REPLICATES; r++) {
		double rule = tau / sd - (c->threshold_on == CSTAT__ON_INTERVAL
						  ? sim->low[r]
						  : sim->med[r]);
		need[r] = sim->test[r] > rule ? sim->test[r] : rule;
		if (isnan(need[r])) /* an infinite threshold, say */
			need[r] = INFINITY;
	}
	double e = select_kth(need, POWER_REPLICATES, q);
	if (!isfinite(e))
		return NAN;
	if (k->additive)
		return sd * e;
	return k->higher_better ? -expm1(-sd * e) : expm1(sd * e);
}

/* The detectable change of comparison k (see above); sims caches the
 * simulations by sample size, need is scratch of POWER_REPLICATES. */
static int
detectable(cstat_gate *g, struct cstat__ucache *uc, const struct cstat_check *k,
	   size_t m, struct power_sim *sims, size_t *nsims, double *need,
	   double *out)
{
	size_t nx, ny;
	const double *x =
		cstat_table_cell_values(g->t, k->table, k->row, 0, &nx);
	const double *y =
		cstat_table_cell_values(g->t, k->table, k->row, k->col, &ny);
	struct power_sim *sim = NULL;
	double sd;
	int rc = 0;

	*out = NAN;
	if (!x || !y)
		return 0;
	if (k->exact) {
		*out = k->threshold;
		return 0;
	}
	sd = noise_sd(x, nx, y, ny, k->base_center, k->additive);
	if (isnan(sd))
		return 0;
	for (size_t i = 0; i < *nsims; i++)
		if (sims[i].n == nx + ny)
			sim = &sims[i];
	if (!sim) {
		if (*nsims == POWER_SIMS) /* a rare mix of sizes: recycle */
			power_sim_free(&sims[--*nsims]);
		sim = &sims[*nsims];
		rc = power_sim_new(uc, nx + ny, lone_level(g->c, m),
				   g->c->confidence, sim);
		if (rc)
			return rc;
		++*nsims;
	}
	*out = power_change(g->c, k, sim, sd, need);
	return 0;
}

/* min_p() of the last sizes asked for, kept for the next comparison. */
struct p_min_memo {
	size_t n1, n2; /* 0 0 at first */
	double p;
};

/* min_p() of k's sizes, memoized for the next comparison (each measuring
 * thread has its own memo). */
static double
sizes_p_min(struct p_min_memo *pm, const struct cstat_check *k)
{
	if (pm->n1 != k->n_base || pm->n2 != k->n_new) {
		pm->p = min_p(k->n_base, k->n_new);
		pm->n1 = k->n_base;
		pm->n2 = k->n_new;
	}
	return pm->p;
}

/* What every comparison of one table shares (judge()). */
struct judge_table {
	const char *unit;
	const char *from; /* where its direction comes from */
	const char *base_label;
	size_t ncols;
	int cls;
	bool higher, exact;
};

/*
 * Where judge()'s comparisons come from, so that the measuring threads
 * set them up (each the chunks it measures) and the memory of 60,000
 * comparisons is first written on both threads: the tables' rows in
 * order, flattened (row r of table i is row_at[i] + r), and the index
 * of each row's first comparison (first[nrows] is their count; an
 * ignored row has none here).
 */
struct judge_plan {
	struct judge_table *tab;
	size_t *row_at; /* ntables + 1 */
	size_t *first;	/* nrows + 1 */
	size_t ntables, nrows;
};

static void
judge_plan_release(struct judge_plan *jp)
{
	free(jp->tab);
	free(jp->row_at);
	free(jp->first);
}

/* The fields of comparison k (column col against column 0 of row r of
 * table i) that an ignored comparison has too. */
static void
set_up_check(const cstat_gate *g, const struct judge_table *jt, size_t i,
	     size_t r, size_t col, const char *name, struct cstat_check *k)
{
	memset(k, 0, sizeof(*k));
	k->reason = "";
	k->name = name;
	k->unit = jt->unit;
	/* Written when asked for (cstat_gate_get()). */
	k->config = NULL;
	k->base_label = jt->base_label;
	k->new_label = cstat_table_col_label(g->t, i, col);
	if (!k->new_label)
		k->new_label = "";
	k->table = i;
	k->row = r;
	k->col = col;
	k->unit_class = jt->cls;
	k->higher_better = jt->higher;
	k->direction_from = jt->from;
	k->exact = jt->exact;
	k->change = k->change_lo = k->change_hi = NAN;
	k->shift = k->shift_lo = k->shift_hi = NAN;
	k->p = k->p_adjusted = k->p_min = NAN;
	k->noise = k->noise_spread = NAN;
}

/* Whether row r of table i has a comparison in column col. */
static bool
has_check(const struct cstat__table *tb, size_t r, size_t col)
{
	const struct cstat__cell *row = &tb->cells[r * tb->ncols];

	return row[0].present || row[col].present;
}

/*
 * Plans judge()'s comparisons (above) and notes the ignored ones, which
 * are few: the rows are counted here, on one thread, reading only the
 * cells' presence.  @return 0 or CSTAT_ENOMEM.
 */
static int
judge_plan_make(cstat_gate *g, const cstat_reader *units, struct judge_plan *jp)
{
	const cstat_tables *t = g->t;
	size_t icap = 0, n = 0;

	memset(jp, 0, sizeof(*jp));
	jp->ntables = cstat_tables_count(t);
	jp->tab = calloc(jp->ntables + 1, sizeof(*jp->tab));
	jp->row_at = malloc((jp->ntables + 1) * sizeof(*jp->row_at));
	if (!jp->tab || !jp->row_at)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < jp->ntables; i++) {
		struct judge_table *jt = &jp->tab[i];
		jt->unit = cstat_table_unit(t, i);
		jt->cls = cstat_unit_class_of(jt->unit);
		jt->from =
			direction(g->c, units, jt->unit, jt->cls, &jt->higher);
		jt->ncols = cstat_table_cols(t, i);
		jt->exact = cstat_table_exact(t, i);
		jt->base_label = cstat_table_col_label(t, i, 0);
		if (!jt->base_label)
			jt->base_label = "";
		jp->row_at[i] = jp->nrows;
		jp->nrows += cstat_table_rows(t, i);
	}
	jp->row_at[jp->ntables] = jp->nrows;
	jp->first = malloc((jp->nrows + 1) * sizeof(*jp->first));
	if (!jp->first)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < jp->ntables; i++) {
		const struct judge_table *jt = &jp->tab[i];
		const struct cstat__table *tb = &t->tables[i];
		for (size_t r = 0; r < tb->nrows; r++) {
			const char *name = NULL;
			const struct cstat__ignore *ig = NULL;
			jp->first[jp->row_at[i] + r] = n;
			if (g->c->nignores) {
				name = cstat_table_row_label(t, i, r);
				ig = cstat__gate_ignored_by(g->c, name);
			}
			for (size_t col = 1; col < jt->ncols; col++) {
				if (!has_check(tb, r, col))
					continue;
				if (!ig) {
					n++;
					continue;
				}
				struct cstat_check k;
				set_up_check(g, jt, i, r, col, name, &k);
				int rc = add_ignored(g, &icap, &k, ig);
				if (rc)
					return rc;
			}
		}
	}
	jp->first[jp->nrows] = n;
	g->n = n;
	return 0;
}

/*
 * Sets up comparisons [from, to) of the plan: each row's threshold and
 * rule, its sides' sizes and centers and the smallest p-value those
 * sizes allow (memoized in pm), as measure() expects them.
 */
static void
judge_plan_fill(cstat_gate *g, const struct judge_plan *jp,
		struct p_min_memo *pm, size_t from, size_t to)
{
	const cstat_tables *t = g->t;
	size_t lo = 0, hi = jp->nrows - 1;

	/* The row of comparison from: the last whose first is at most it
	 * (rows before it without comparisons share its first). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;
		if (jp->first[mid] <= from)
			lo = mid;
		else
			hi = mid - 1;
	}
	size_t k = lo, at = jp->first[k], i = 0;
	lo = 0;
	hi = jp->ntables - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo + 1) / 2;
		if (jp->row_at[mid] <= k)
			lo = mid;
		else
			hi = mid - 1;
	}
	i = lo;
	for (; at < to && k < jp->nrows; k++) {
		while (k >= jp->row_at[i + 1])
			i++;
		if (jp->first[k + 1] == jp->first[k])
			continue;
		const struct judge_table *jt = &jp->tab[i];
		size_t r = k - jp->row_at[i];
		const char *name = cstat_table_row_label(t, i, r);
		long rule = cstat__gate_rule_for(g->c, name, jt->unit, jt->cls);
		struct cstat_cell base;
		cstat_table_cell(t, i, r, 0, &base);
		for (size_t col = 1; col < jt->ncols && at < to; col++) {
			struct cstat_cell cell;
			cstat_table_cell(t, i, r, col, &cell);
			if (!base.present && !cell.present)
				continue;
			if (at < from) {
				at++;
				continue;
			}
			struct cstat_check *c = &g->checks[at];
			g->equal[at++] = false;
			set_up_check(g, jt, i, r, col, name, c);
			c->threshold = rule < 0 ? g->c->threshold
						: g->c->rules[rule].threshold;
			c->rule = rule < 0 ? "default" : g->c->rules[rule].text;
			c->n_base = base.present ? base.n : 0;
			c->n_new = cell.present ? cell.n : 0;
			c->base_center = base.present ? base.center : NAN;
			c->new_center = cell.present ? cell.center : NAN;
			if (!c->exact && c->n_base && c->n_new)
				c->p_min = sizes_p_min(pm, c);
			/* Measured next, when both sides are present. */
		}
	}
}

/* The comparisons taken a chunk at a time by each thread of
 * measure_all() (the next from *next), measured with its own caches. */
struct measure_job {
	cstat_gate *g;
	const struct judge_plan *plan; /* sets up each chunk first */
	atomic_size_t *next;
	int rc;
};

/* Checks a thread takes at a time: few enough to share the work out
 * evenly, many enough that taking them costs nothing. */
#define MEASURE_CHUNK 64

static void *
measure_main(void *arg)
{
	struct measure_job *j = arg;
	struct hl_memo memo = {0};
	struct p_min_memo pm = {0};

	j->rc = cstat__ucache_new(&memo.uc);
	while (!j->rc) {
		size_t from = atomic_fetch_add(j->next, MEASURE_CHUNK);
		if (from >= j->g->n)
			break;
		size_t to = j->g->n - from < MEASURE_CHUNK
				    ? j->g->n
				    : from + MEASURE_CHUNK;
		judge_plan_fill(j->g, j->plan, &pm, from, to);
		for (size_t i = from; i < to && !j->rc; i++) {
			struct cstat_check *k = &j->g->checks[i];
			if (k->n_base && k->n_new)
				j->rc = measure(j->g, &memo, k);
		}
	}
	cstat__ucache_free(memo.uc);
	return NULL;
}

/*
 * Measures every comparison with both sides: on two threads when asked
 * and when there are enough, each taking the next chunk of comparisons
 * when done with one, since their cost is not spread evenly (a table of
 * times that differ, then byte counts that are all the same).  A
 * comparison depends on nothing but its own values, so the results are
 * the same.
 */
static int
measure_all(cstat_gate *g, const struct judge_plan *jp, unsigned threads)
{
	atomic_size_t next;
	struct measure_job a = {g, jp, &next, 0}, b = a;
	pthread_t th;

	atomic_init(&next, 0);
	if (threads < 2 || g->n < 2048 ||
	    pthread_create(&th, NULL, measure_main, &b)) {
		/* One thread, or no second to be had: all of it here. */
		measure_main(&a);
		return a.rc;
	}
	measure_main(&a);
	pthread_join(th, NULL);
	return a.rc ? a.rc : b.rc;
}

/*
 * Matching checks to the history's series.  A series is found by its
 * config text without the fingerprint keys, its unit and its name; the
 * text of a table of n keys is n long, so it is written only for a check
 * whose unit and name some series has (a hash of them, looked up first),
 * once per table, into one buffer.
 */
struct noise_match {
	const cstat_gate_config *c;
	struct cstat__u64map series; /* hash of unit and name -> 1 */
	struct cstat__buf text;	     /* table's config without fingerprint */
	size_t table;		     /* whose text is in text; SIZE_MAX none */
};

static uint64_t
series_hash(const char *unit, const char *name)
{
	uint64_t h = cstat__hash_bytes(
		name, strlen(name),
		cstat__hash_bytes(unit, strlen(unit), 0x6e6f697365ULL));

	/* All ones is the map's empty slot. */
	return h == UINT64_MAX ? h - 1 : h;
}

static void
noise_match_init(struct noise_match *nm, const cstat_gate_config *c)
{
	memset(nm, 0, sizeof(*nm));
	nm->c = c;
	nm->table = SIZE_MAX;
	cstat__u64map_init(&nm->series);
}

/* Notes the unit and name of every series of the history, if any.
 * @return 0 or CSTAT_ENOMEM. */
static int
noise_match_index(struct noise_match *nm)
{
	const cstat_gate_config *c = nm->c;
	int rc = 0;

	for (size_t i = 0; c->noise_from && i < c->nnoise && !rc; i++)
		rc = cstat__u64map_put(
			&nm->series,
			series_hash(c->noise[i].unit, c->noise[i].name), 1);
	return rc;
}

/* cstat__gate_noise_apply() to k, with its table's text when a series
 * may match.  @return 0 or CSTAT_ENOMEM. */
static int
noise_match_apply(struct noise_match *nm, const cstat_gate *g,
		  struct cstat_check *k, size_t m)
{
	const char *config = NULL;

	if (nm->c->noise_from &&
	    cstat__u64map_get(&nm->series, series_hash(k->unit, k->name)) !=
		    UINT32_MAX) {
		if (nm->table != k->table) {
			nm->table = SIZE_MAX;
			int rc = cstat__gate_table_config_buf(
				g->t, k->table,
				cstat_gate_config_fingerprint(nm->c),
				&nm->text);
			if (rc)
				return rc;
			nm->table = k->table;
		}
		config = nm->text.data;
	}
	cstat__gate_noise_apply(nm->c, config, k, m);
	return 0;
}

static void
noise_match_release(struct noise_match *nm)
{
	cstat__u64map_release(&nm->series);
	cstat__buf_release(&nm->text);
}

static int
judge(cstat_gate *g, const cstat_reader *units, bool calibrate,
      unsigned threads)
{
	struct judge_plan jp = {0};
	struct cstat__ucache *uc;
	int rc = cstat__ucache_new(&uc);

	if (rc)
		return rc;
	rc = judge_plan_make(g, units, &jp);
	if (!rc)
		rc = reserve_checks(g);
	if (!rc)
		rc = measure_all(g, &jp, threads);
	judge_plan_release(&jp);
	if (!rc)
		rc = correct(g);
	size_t m = g->family;
	struct verdicts v;
	struct noise_match nm;
	verdicts_init(&v, g, m);
	noise_match_init(&nm, g->c);
	if (!rc)
		rc = noise_match_index(&nm);
	for (size_t i = 0; i < g->n && !rc; i++) {
		rc = noise_match_apply(&nm, g, &g->checks[i], m);
		if (!rc)
			rc = decide(g, &v, &g->checks[i]);
		if (!rc)
			g->tally[g->checks[i].verdict]++;
	}
	noise_match_release(&nm);
	if (!rc && calibrate && g->n) {
		struct power_sim sims[POWER_SIMS];
		size_t nsims = 0;
		double *need = malloc(POWER_REPLICATES * sizeof(double));
		g->detectable = malloc(g->n * sizeof(double));
		if (!g->detectable || !need)
			rc = CSTAT_ENOMEM;
		for (size_t i = 0; i < g->n && !rc; i++)
			rc = detectable(g, uc, &g->checks[i], m, sims, &nsims,
					need, &g->detectable[i]);
		while (nsims)
			power_sim_free(&sims[--nsims]);
		free(need);
	}
	cstat__ucache_free(uc);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* The tables' config texts, written when asked for */

static int
texts_new(struct cstat__gate_texts **out, size_t ntables)
{
	struct cstat__gate_texts *x = calloc(1, sizeof(*x));

	*out = NULL;
	if (!x)
		return CSTAT_ENOMEM;
	x->by_table = calloc(ntables ? ntables : 1, sizeof(*x->by_table));
	if (!x->by_table || pthread_mutex_init(&x->lock, NULL)) {
		free(x->by_table);
		free(x);
		return CSTAT_ENOMEM;
	}
	cstat__arena_init(&x->strs);
	*out = x;
	return 0;
}

static void
texts_free(struct cstat__gate_texts *x)
{
	if (!x)
		return;
	pthread_mutex_destroy(&x->lock);
	cstat__arena_release(&x->strs);
	free(x->by_table);
	free(x);
}

/* Table i's text, written now if it was not; NULL when out of memory.
 * The caller holds x->lock. */
static const char *
table_text(const cstat_gate *g, struct cstat__gate_texts *x, size_t i)
{
	struct cstat__buf b = {0};

	if (i >= cstat_tables_count(g->t))
		return NULL;
	if (!x->by_table[i] &&
	    cstat__gate_table_config_buf(g->t, i, NULL, &b) == 0)
		x->by_table[i] = cstat__arena_strndup(&x->strs, b.data, b.len);
	cstat__buf_release(&b);
	return x->by_table[i];
}

/* The texts that could not be written so far. */
static size_t
texts_failed(const cstat_gate *g)
{
	size_t n = 0;

	if (g->texts) {
		pthread_mutex_lock(&g->texts->lock);
		n = g->texts->failed;
		pthread_mutex_unlock(&g->texts->lock);
	}
	return n;
}

/* Table i's text for a report: "" when it cannot be written. */
static const char *
shown_text(const cstat_gate *g, size_t i)
{
	struct cstat__gate_texts *x = g->texts;
	const char *s;

	pthread_mutex_lock(&x->lock);
	s = table_text(g, x, i);
	if (!s)
		x->failed++;
	pthread_mutex_unlock(&x->lock);
	return s ? s : "";
}

const char *
cstat__gate_config(const cstat_gate *g, const struct cstat_check *k)
{
	if (!g->texts)
		return k->config ? k->config : "";
	return shown_text(g, k->table);
}

const char *
cstat__gate_ignored_config(const cstat_gate *g, const struct cstat__ignored *ig)
{
	if (!g->texts)
		return ig->config ? ig->config : "";
	return shown_text(g, ig->table);
}

bool
cstat__gate_same_config(const cstat_gate *g, const struct cstat_check *a,
			const struct cstat_check *b)
{
	if (!g->texts)
		return a->config == b->config ||
		       strcmp(a->config ? a->config : "",
			      b->config ? b->config : "") == 0;
	return cstat__gate_same_table_config(g->t, a->table, b->table);
}

/* cstat_gate_new_threaded(), or cstat__gate_new_verdicts() when
 * verdicts_only is set. */
static int
gate_new(cstat_gate **out, const cstat_tables *t, const cstat_gate_config *c,
	 const cstat_reader *units, bool calibrate, unsigned threads,
	 bool verdicts_only)
{
	cstat_gate *g;
	int rc;

	if (!out)
		return CSTAT_EINVAL;
	*out = NULL;
	if (!t)
		return CSTAT_EINVAL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return CSTAT_ENOMEM;
	g->t = t;
	g->c = c;
	g->verdicts_only = verdicts_only;
	g->threads = threads > 1 ? 2 : 1;
	cstat__arena_init(&g->strs);
	rc = texts_new(&g->texts, cstat_tables_count(t));
	if (rc) {
		free(g);
		return rc;
	}
	/* No settings means the defaults, which the gate then owns. */
	rc = c ? 0 : cstat_gate_config_new(&g->own_c);
	if (!c)
		g->c = g->own_c;
	if (!rc)
		rc = judge(g, units, calibrate, threads);
	if (rc) {
		cstat_gate_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

int
cstat_gate_new_threaded(cstat_gate **out, const cstat_tables *t,
			const cstat_gate_config *c, const cstat_reader *units,
			bool calibrate, unsigned threads)
{
	return gate_new(out, t, c, units, calibrate, threads, false);
}

int
cstat__gate_new_verdicts(cstat_gate **out, const cstat_tables *t,
			 const cstat_gate_config *c, unsigned threads)
{
	return gate_new(out, t, c, NULL, false, threads, true);
}

int
cstat_gate_new(cstat_gate **out, const cstat_tables *t,
	       const cstat_gate_config *c, const cstat_reader *units,
	       bool calibrate)
{
	return cstat_gate_new_threaded(out, t, c, units, calibrate, 1);
}

void
cstat_gate_free(cstat_gate *g)
{
	if (!g)
		return;
	free(g->checks);
	free(g->equal);
	free(g->detectable);
	free(g->ignored);
	texts_free(g->texts);
	free(g->scal);
	free(g->warn);
	cstat__arena_release(&g->strs);
	cstat_gate_config_free(g->own_c);
	free(g);
}

size_t
cstat_gate_count(const cstat_gate *g)
{
	return g ? g->n : 0;
}

const struct cstat_check *
cstat_gate_get(const cstat_gate *g, size_t i)
{
	struct cstat__gate_texts *x;
	struct cstat_check *k;

	if (!g || i >= g->n)
		return NULL;
	k = &g->checks[i];
	if (!(x = g->texts))
		return k;
	/* The config is written the first time the check is asked for:
	 * under the lock, as another thread may ask for it too. */
	pthread_mutex_lock(&x->lock);
	if (!k->config)
		k->config = table_text(g, x, k->table);
	pthread_mutex_unlock(&x->lock);
	return k->config ? k : NULL;
}

size_t
cstat_gate_tally(const cstat_gate *g, int verdict)
{
	if (!g || verdict < 0 || verdict > CSTAT_INCONCLUSIVE)
		return 0;
	return g->tally[verdict];
}

size_t
cstat_gate_ignored(const cstat_gate *g)
{
	return g ? g->nignored : 0;
}

double
cstat_gate_detectable(const cstat_gate *g, size_t i)
{
	if (!g || !g->detectable || i >= g->n)
		return NAN;
	return g->detectable[i];
}

int
cstat_gate_status(const cstat_gate *g, bool strict)
{
	if (!g)
		return 0;
	if (g->tally[CSTAT_REGRESSION] || g->scal_tally[CSTAT_REGRESSION])
		return 1;
	return strict && g->tally[CSTAT_INCONCLUSIVE] ? 1 : 0;
}

/* ---------------------------------------------------------------------- */
/* explain */

static bool
name_matches(const char *pattern, const char *name)
{
	return strcmp(pattern, name) == 0 ||
	       cstat__gate_glob_matches(pattern, name);
}

/*
 * The noise-aware threshold: the spread, the runs, the quantile and the
 * bound, and the threshold that applied; or why there is none.
 */
static int
explain_noise(const cstat_gate *g, const struct cstat_check *k, size_t m,
	      FILE *out)
{
	const cstat_gate_config *c = g->c;
	struct cstat__buf match = {0};
	const struct cstat__noise *e = NULL;
	char lv[40];

	/* The series are matched by the config without the fingerprint. */
	if (!g->t) {
		e = cstat__gate_noise_find(c, k->config ? k->config : "", k);
	} else {
		int rc = cstat__gate_table_config_buf(
			g->t, k->table, cstat_gate_config_fingerprint(c),
			&match);

		if (!rc)
			e = cstat__gate_noise_find(c, match.data, k);
		cstat__buf_release(&match);
		if (rc)
			return rc;
	}
	if (!e)
		return fprintf(out, "  noise: none: not in %s\n",
			       c->noise_from) < 0;
	if (k->exact || e->exact)
		return fprintf(out, "  noise: none: the unit is exact\n") < 0;
	if (isnan(k->noise))
		return fprintf(out,
			       "  noise: none: %zu usable run%s in %s since "
			       "its last change (need %d)\n",
			       e->runs, e->runs == 1 ? "" : "s", c->noise_from,
			       CSTAT__NOISE_MIN_RUNS) < 0;
	snprintf(lv, sizeof(lv), "%.3g", c->noise_alpha / (double)(m ? m : 1));
	return fprintf(out,
		       "  noise: %.3g%% in the worse direction: spread (SD of "
		       "the log run medians) %.3g%% over %zu runs of %s from "
		       "run %zu (%zu set aside); one-sided t bound at %s, %zu "
		       "df: t=%.3g, x sqrt 2\n"
		       "  effective threshold: %.3g%% (the larger of "
		       "threshold and noise)\n",
		       k->noise * 100, k->noise_spread * 100, e->runs,
		       c->noise_from, e->first, e->set_aside, lv, e->runs - 1,
		       cstat__gate_noise_quantile(c, e->runs, m),
		       effective_threshold(k) * 100) < 0;
}

static int
explain_one(const cstat_gate *g, const struct cstat_check *k, size_t m,
	    FILE *out)
{
	const cstat_gate_config *c = g->c;
	char a[64], b[64], ch[160], s0[64], s1[64], s2[64], lv[40];
	/* Numbers as the C locale prints them, whatever the program's. */
	char th[40], conf[40], p[40], padj[40], alpha[40], pmin[40];
	bool io = false;

	cstat__fmt_c(th, sizeof(th), "%g", k->threshold * 100);
	cstat__fmt_c(conf, sizeof(conf), "%g", c->confidence * 100);
	cstat__fmt_c(p, sizeof(p), "%.4g", k->p);
	cstat__fmt_c(padj, sizeof(padj), "%.4g", k->p_adjusted);
	cstat__fmt_c(alpha, sizeof(alpha), "%g", c->alpha);
	cstat__fmt_c(pmin, sizeof(pmin), "%.3g", k->p_min);
	cstat__fmt_c(lv, sizeof(lv), "%.3g", lone_level(c, m));

	const char *config = cstat__gate_config(g, k);

	io |= fprintf(out, "%s  %s", k->name, k->unit) < 0;
	if (*config)
		io |= fprintf(out, "  [%s]", config) < 0;
	io |= fprintf(out, "  %s vs %s\n", k->new_label, k->base_label) < 0;
	io |= fprintf(out, "  verdict: %s%s%s\n",
		      cstat_verdict_name(k->verdict), *k->reason ? ": " : "",
		      k->reason) < 0;
	io |= fprintf(out, "  direction: %s is better (from %s%s%s)\n",
		      k->higher_better ? "higher" : "lower", k->direction_from,
		      strcmp(k->direction_from, "unit class") == 0 ? " " : "",
		      strcmp(k->direction_from, "unit class") == 0
			      ? cstat_unit_class_name(k->unit_class)
			      : "") < 0;
	io |= fprintf(out, "  threshold: %s%% (%s), applied to the %s\n", th,
		      k->rule,
		      c->threshold_on == CSTAT__ON_INTERVAL ? "whole interval"
							    : "estimate") < 0;
	if (io ||
	    cstat__gate_explain_rules(c, k->name, k->unit, k->unit_class, out))
		return CSTAT_EIO;
	if (c->noise_from) {
		int rc = explain_noise(g, k, m, out);

		/* CSTAT_ENOMEM, or 1 for a failed write. */
		if (rc)
			return rc < 0 ? rc : CSTAT_EIO;
	}
	if (k->n_base && k->n_new) {
		cstat__gate_fmt_value(k->base_center, k->unit, a, sizeof(a));
		cstat__gate_fmt_value(k->new_center, k->unit, b, sizeof(b));
		cstat__gate_fmt_change_ci(k, ch, sizeof(ch));
		cstat__gate_fmt_value(k->shift, k->unit, s0, sizeof(s0));
		cstat__gate_fmt_value(k->shift_lo, k->unit, s1, sizeof(s1));
		cstat__gate_fmt_value(k->shift_hi, k->unit, s2, sizeof(s2));
		io |= fprintf(out,
			      "  change: %s at %s%% confidence (medians %s -> "
			      "%s; Hodges-Lehmann shift %s%s [%s, %s])\n",
			      ch, conf, a, b, k->shift > 0 ? "+" : "", s0, s1,
			      s2) < 0;
		if (cstat__gate_shows_additive(k))
			io |= fprintf(out, "  %s\n",
				      CSTAT__GATE_ADDITIVE_FOOTNOTE) < 0;
		if (k->exact)
			io |= fprintf(out, "  test: none, the unit is exact "
					   "(assume=exact): any change is "
					   "real\n") < 0;
		else
			io |= fprintf(out,
				      "  test: Mann-Whitney U p=%s, %s-"
				      "adjusted %s over %zu tested "
				      "comparison%s; "
				      "alpha %s: %s\n",
				      p, cstat_correction_name(c->correction),
				      padj, m, m == 1 ? "" : "s", alpha,
				      k->p_adjusted > c->alpha
					      ? "not significant"
					      : "significant") < 0;
		io |= fprintf(out,
			      "  samples: n=%zu+%zu; smallest possible p %s "
			      "(a lone change needs p <= %s)\n",
			      k->n_base, k->n_new, pmin, lv) < 0;
	}
	io |= fputs("\n", out) == EOF;
	return io ? CSTAT_EIO : 0;
}

int
cstat_gate_explain(const cstat_gate *g, const char *pattern, FILE *out)
{
	int count = 0;
	size_t m, failed;

	if (!g || !pattern || !out)
		return CSTAT_EINVAL;
	m = g->family;
	failed = texts_failed(g);
	for (size_t i = 0; i < g->n; i++) {
		const struct cstat_check *k = &g->checks[i];
		if (!name_matches(pattern, k->name))
			continue;
		int rc = explain_one(g, k, m, out);

		if (rc)
			return rc;
		count++;
	}
	for (size_t i = 0; i < g->nignored; i++) {
		const struct cstat__ignored *ig = &g->ignored[i];
		if (!name_matches(pattern, ig->name))
			continue;
		if (fprintf(out, "%s  %s\n  ignored: matches \"%s\" (%s)\n\n",
			    ig->name, ig->unit, ig->pattern, ig->source) < 0)
			return CSTAT_EIO;
		count++;
	}
	return texts_failed(g) == failed ? count : CSTAT_ENOMEM;
}

/* ---------------------------------------------------------------------- */
/* Globs that match nothing, and the names closest to them. */

/* The length of name without a "-N" GOMAXPROCS suffix. */
static size_t
base_len(const char *name)
{
	size_t n = strlen(name), k = n;

	while (k > 0 && name[k - 1] >= '0' && name[k - 1] <= '9')
		k--;
	return k < n && k >= 2 && name[k - 1] == '-' ? k - 1 : n;
}

/*
 * One unit of a glob at p: its length in bytes, and whether it matches any
 * one character ('?', a bracket expression) or any run ('*').
 */
static size_t
glob_unit(const char *p, bool *any, bool *star)
{
	*any = *star = false;
	if (*p == '*') {
		*star = true;
		return 1;
	}
	if (*p == '?') {
		*any = true;
		return 1;
	}
	if (*p == '[') {
		const char *q = p + 1;
		if (*q == '!' || *q == '^')
			q++;
		if (*q == ']')
			q++;
		q = strchr(q, ']');
		if (q) {
			*any = true;
			return (size_t)(q - p) + 1;
		}
	}
	if (*p == '\\' && p[1])
		return 2;
	return 1;
}

/*
 * The fewest single-character edits (insert, delete, substitute) of the
 * n bytes at s that make them match the glob pattern: Levenshtein's
 * distance with '*' matching any run and '?' any character for free.
 * row has n + 1 entries of scratch.
 */
static size_t
glob_distance(const char *pattern, const char *s, size_t n, size_t *row)
{
	for (size_t j = 0; j <= n; j++)
		row[j] = j; /* the empty glob: delete all */
	for (const char *p = pattern; *p;) {
		bool any, star;
		size_t len = glob_unit(p, &any, &star);
		char c = len == 2 ? p[1] : p[0];
		size_t diag = row[0];
		/* A '*' may match nothing, else the unit is inserted. */
		row[0] += star ? 0 : 1;
		for (size_t j = 1; j <= n; j++) {
			size_t up = row[j], best;
			if (star) {
				best = up < row[j - 1] ? up : row[j - 1];
			} else {
				best = diag + (any || s[j - 1] == c ? 0 : 1);
				if (up + 1 < best)
					best = up + 1;
				if (row[j - 1] + 1 < best)
					best = row[j - 1] + 1;
			}
			diag = up;
			row[j] = best;
		}
		p += len;
	}
	return row[n];
}

/* A candidate name: the row label and its length without "-N". */
struct near {
	const char *name;
	size_t len, dist;
};

/* Adds every distinct row label of g's tables (without "-N") to *v. */
static int
collect_names(const cstat_gate *g, struct near **v, size_t *n)
{
	size_t cap = 0;

	*v = NULL;
	*n = 0;
	for (size_t i = 0; i < cstat_tables_count(g->t); i++) {
		for (size_t r = 0; r < cstat_table_rows(g->t, i); r++) {
			const char *name = cstat_table_row_label(g->t, i, r);
			size_t len = name ? base_len(name) : 0, k;
			for (k = 0; k < *n; k++)
				if ((*v)[k].len == len &&
				    memcmp((*v)[k].name, name, len) == 0)
					break;
			if (!name || k < *n)
				continue;
			if (cstat__grow((void **)v, &cap, *n + 1, sizeof(**v)))
				return CSTAT_ENOMEM;
			(*v)[(*n)++] = (struct near){name, len, 0};
		}
	}
	return 0;
}

/* Whether some row label of g's tables matches pattern. */
static bool
any_name_matches(const cstat_gate *g, const char *pattern)
{
	for (size_t i = 0; i < cstat_tables_count(g->t); i++)
		for (size_t r = 0; r < cstat_table_rows(g->t, i); r++) {
			const char *name = cstat_table_row_label(g->t, i, r);
			if (name && cstat__gate_glob_matches(pattern, name))
				return true;
		}
	return false;
}

int
cstat_gate_closest(const cstat_gate *g, const char *pattern, size_t max,
		   char *buf, size_t size)
{
	struct cstat__buf out = {0};
	struct near *v;
	size_t n, longest = 0, *row = NULL;
	int rc;

	if (!g || !pattern)
		return CSTAT_EINVAL;
	rc = collect_names(g, &v, &n);
	for (size_t i = 0; i < n; i++)
		longest = v[i].len > longest ? v[i].len : longest;
	if (!rc && !(row = malloc((longest + 1) * sizeof(*row))))
		rc = CSTAT_ENOMEM;
	for (size_t i = 0; i < n && !rc; i++)
		v[i].dist = glob_distance(pattern, v[i].name, v[i].len, row);
	/* A name is close when a third of the glob's characters (at least
	 * 2) would be edits; without one, the closest are named all the same.
	 */
	size_t literal = 0;
	for (const char *p = pattern; *p; p++)
		literal += *p != '*';
	size_t close = literal / 3 > 2 ? literal / 3 : 2;
	/* The max closest, by a selection sort that keeps ties in order. */
	size_t shown = 0;
	for (size_t i = 0; i < n && !rc && shown < max; i++) {
		size_t best = i;
		for (size_t j = i + 1; j < n; j++)
			if (v[j].dist < v[best].dist)
				best = j;
		if (i > 0 && v[best].dist > close && v[best].dist > v[0].dist)
			break;
		struct near t = v[best];
		memmove(v + i + 1, v + i, (best - i) * sizeof(*v));
		v[i] = t;
		rc = cstat__buf_printf(&out, "%s%.*s", shown ? ", " : "",
				       (int)t.len, t.name);
		shown++;
	}
	if (!rc && buf && size)
		snprintf(buf, size, "%s", out.data ? out.data : "");
	cstat__buf_release(&out);
	free(row);
	free(v);
	return rc ? rc : (int)shown;
}

/* How many closest names a warning about a glob gives. */
#define CLOSEST_SHOWN 3

int
cstat_gate_check_rules(const cstat_gate *g,
		       void (*warn)(void *ctx, const struct cstat_diag *d),
		       void *ctx)
{
	int count = 0;

	if (!g)
		return CSTAT_EINVAL;
	for (size_t i = 0; i < g->c->nrules; i++) {
		const struct cstat__rule *r = &g->c->rules[i];
		char closest[256];
		struct cstat_diag d;
		if (!r->bench || any_name_matches(g, r->bench))
			continue;
		count++;
		if (!warn)
			continue;
		int n = cstat_gate_closest(g, r->bench, CLOSEST_SHOWN, closest,
					   sizeof(closest));
		if (n < 0)
			return n;
		bool flag = strcmp(r->source, "flag") == 0;
		cstat__diag_set(&d, NULL, 0, 0,
				"threshold rule \"%s\"%s%s%s matches no "
				"benchmark%s%s",
				r->text, flag ? "" : " (",
				flag ? "" : r->source, flag ? "" : ")",
				n > 0 ? "; closest: " : "",
				n > 0 ? closest : "");
		warn(ctx, &d);
	}
	return count;
}

/* ---------------------------------------------------------------------- */
/* The A/A calibration report. */

/* Pads s to width columns (as displayed: cstat__text_width()). */
static bool
put_cell(FILE *out, const char *s, size_t width, bool last)
{
	size_t w = cstat__text_width(s);

	if (fputs(s, out) == EOF)
		return false;
	if (last)
		return true;
	for (; w < width + 2; w++)
		if (putc(' ', out) == EOF)
			return false;
	return true;
}

#define CAL_COLS 7

static void
cal_row(const cstat_gate *g, size_t i, char cells[CAL_COLS][192])
{
	const struct cstat_check *k = &g->checks[i];
	double d = g->detectable ? g->detectable[i] : NAN;

	snprintf(cells[0], 192, "%s", k->name);
	snprintf(cells[1], 192, "%s", k->unit);
	snprintf(cells[2], 192, "%zu+%zu", k->n_base, k->n_new);
	cstat__gate_fmt_change_ci(k, cells[3], 192);
	if (isnan(k->p))
		snprintf(cells[4], 192, "-");
	else
		cstat__fmt_c(cells[4], 192, "%.3f", k->p);
	snprintf(cells[5], 192, "%s", cstat_verdict_name(k->verdict));
	if (isnan(d)) {
		snprintf(cells[6], 192, "none");
	} else {
		cstat__fmt_c(cells[6], 191, "%.1f", d * 100);
		strcat(cells[6], "%");
	}
}

static int
write_calibration(const cstat_gate *g, FILE *out)
{
	static const char *const head[CAL_COLS] = {
		"benchmark",	   "unit", "n",
		"A/A change [CI]", "p",	   "verdict",
		"detectable (80%)"};
	char cells[CAL_COLS][192], alpha[40], rate[CSTAT__FMT_C_SIZE];
	size_t width[CAL_COLS], alarms;
	bool ok = true;

	if (!g->detectable)
		return CSTAT_EINVAL;
	cstat__fmt_c(alpha, sizeof(alpha), "%g", g->c->alpha);
	for (int j = 0; j < CAL_COLS; j++)
		width[j] = strlen(head[j]);
	for (size_t i = 0; i < g->n; i++) {
		cal_row(g, i, cells);
		for (int j = 0; j < CAL_COLS; j++) {
			size_t w = cstat__text_width(cells[j]);
			if (w > width[j])
				width[j] = w;
		}
	}
	ok &= fprintf(out,
		      "A/A calibration: each benchmark's results alternate "
		      "between halves A and B\n"
		      "(1st, 3rd, ... against 2nd, 4th, ...); alpha %s, %s "
		      "over %zu tested comparison%s.\n\n",
		      alpha, cstat_correction_name(g->c->correction), g->family,
		      g->family == 1 ? "" : "s") >= 0;
	for (int j = 0; j < CAL_COLS && ok; j++)
		ok &= put_cell(out, head[j], width[j], j == CAL_COLS - 1);
	ok &= ok && putc('\n', out) != EOF;
	for (size_t i = 0; i < g->n && ok; i++) {
		cal_row(g, i, cells);
		for (int j = 0; j < CAL_COLS && ok; j++)
			ok &= put_cell(out, cells[j], width[j],
				       j == CAL_COLS - 1);
		ok &= ok && putc('\n', out) != EOF;
	}
	alarms = g->tally[CSTAT_REGRESSION] + g->tally[CSTAT_IMPROVEMENT];
	cstat__fmt_c(rate, sizeof(rate), "%.1f",
		     g->n ? 100.0 * (double)alarms / (double)g->n : 0.0);
	ok &= ok &&
	      fprintf(out,
		      "\nfalse alarms: %zu of %zu comparison%s (%s%%) "
		      "called a regression or an improvement; %zu "
		      "inconclusive.\n"
		      "detectable (80%%): the least change in the worse "
		      "direction that the gate calls\n"
		      "a regression in 80%% of comparisons of two runs like "
		      "this one (at the level a\n"
		      "lone change needs, with the threshold rule, for "
		      "lognormal noise of the\n"
		      "measured spread).  Smaller changes are missed more "
		      "often than not, or always.\n",
		      alarms, g->n, g->n == 1 ? "" : "s", rate,
		      g->tally[CSTAT_INCONCLUSIVE]) >= 0;
	for (size_t i = 0; i < g->n && ok; i++)
		if (cstat__gate_shows_additive(&g->checks[i])) {
			ok &= fprintf(out, "%s\n",
				      CSTAT__GATE_ADDITIVE_FOOTNOTE) >= 0;
			break;
		}
	return ok ? 0 : CSTAT_EIO;
}

/* The gate's reports, one row per enum cstat_report (the index), so a new
 * report is one row here; cstat_report_parse() reads the names from it.
 * strict only matters to the formats that have failures. */
typedef int (*report_writer)(const cstat_gate *g, bool strict, FILE *out);

static int
report_text(const cstat_gate *g, bool strict, FILE *out)
{
	(void)strict;
	return cstat__gate_write_text(g, out);
}

static int
report_markdown(const cstat_gate *g, bool strict, FILE *out)
{
	(void)strict;
	return cstat__gate_write_markdown(g, out);
}

static int
report_json(const cstat_gate *g, bool strict, FILE *out)
{
	(void)strict;
	return cstat__gate_write_json(g, out);
}

static int
report_calibration(const cstat_gate *g, bool strict, FILE *out)
{
	(void)strict;
	return write_calibration(g, out);
}

static const struct {
	const char *name;
	report_writer write;
} reports[] = {
	[CSTAT_REPORT_TEXT] = {"text", report_text},
	[CSTAT_REPORT_MARKDOWN] = {"markdown", report_markdown},
	[CSTAT_REPORT_JSON] = {"json", report_json},
	[CSTAT_REPORT_JUNIT] = {"junit", cstat__gate_write_junit},
	[CSTAT_REPORT_GITHUB] = {"github", cstat__gate_write_github},
	[CSTAT_REPORT_CALIBRATION] = {"calibration", report_calibration},
};

int
cstat_report_parse(const char *name, enum cstat_report *out)
{
	if (!name || !out)
		return CSTAT_EINVAL;
	if (strcmp(name, "md") == 0) { /* the short name cregress takes */
		*out = CSTAT_REPORT_MARKDOWN;
		return 0;
	}
	for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++)
		if (strcmp(reports[i].name, name) == 0) {
			*out = (enum cstat_report)i;
			return 0;
		}
	return CSTAT_EINVAL;
}

int
cstat_gate_write(const cstat_gate *g, enum cstat_report format, bool strict,
		 FILE *out)
{
	if (!g || !out)
		return CSTAT_EINVAL;
	if ((unsigned)format >= sizeof reports / sizeof reports[0])
		return CSTAT_EINVAL;
	size_t failed = texts_failed(g);
	int rc = reports[format].write(g, strict, out);
	/* A config the report could not write makes it wrong. */
	return rc || texts_failed(g) == failed ? rc : CSTAT_ENOMEM;
}
