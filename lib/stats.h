/*
 * stats.h - the statistics behind cstat's summaries and comparisons.
 *
 * These are faithful C ports of what Go's benchstat computes through
 * golang.org/x/perf/benchmath and github.com/aclements/go-moremath/stats:
 * the R8 sample quantile, the order-statistic confidence interval of a
 * quantile (QuantileCI), the median and mode summaries, the geometric mean,
 * the sample-size thresholds behind benchstat's "need >= N samples"
 * warnings, and the two-sided Mann-Whitney U test with its exact
 * distribution (Mann-Whitney 1947 without ties, Cheung-Klotz 1997 with ties)
 * or the normal approximation.  Arithmetic is done in the same order as Go,
 * on ports of Go's own exp, log, lgamma and erfc, so that results are
 * bit-identical to Go's (on amd64, where benchstat's expectations come
 * from) wherever Go's own result is deterministic.
 *
 * Everything here is internal to libcstat (the cstat__ prefix).  No function
 * keeps global state, prints or exits.  Functions that can fail return 0 (or
 * a documented positive value) on success and a negative CSTAT_E* code from
 * cstat.h on failure.
 */
#ifndef CSTAT_STATS_H
#define CSTAT_STATS_H

#include <stdbool.h>
#include <stddef.h>

#include "cstat.h"

/*
 * A positive, non-error result of cstat__mann_whitney(): every value in both
 * samples is equal, so the test is meaningless.  benchstat reports this as
 * P=1 with the warning "all samples are equal".
 */
#define CSTAT_SAMPLES_EQUAL 1

/* The largest sample size for which the U test uses the exact distribution
 * when there are no ties (go-moremath MannWhitneyExactLimit). */
#define CSTAT_UTEST_EXACT_LIMIT 50

/* The same limit when the merged sample has ties
 * (go-moremath MannWhitneyTiesExactLimit). */
#define CSTAT_UTEST_TIES_EXACT_LIMIT 25

/*
 * Sort x[0..n) ascending exactly as Go 1.19's sort.Float64s does: NaNs
 * first, then the numbers in ascending order, with the same
 * pattern-defeating quicksort, so even values that compare equal (-0 and
 * +0) end up in the same places as in Go.
 *
 * @param x  the values, sorted in place; may be NULL when n is 0.
 * @param n  the number of values.
 */
void cstat__sort_doubles(double *x, size_t n);

/*
 * The q-th quantile of the sorted sample x[0..n) by Hyndman and Fan's
 * definition R8, evaluated exactly as go-moremath's Sample.Quantile does on
 * a sorted, unweighted sample.  q <= 0 gives x[0] and q >= 1 gives x[n-1].
 *
 * @param x  the sample, sorted by cstat__sort_doubles(); borrowed.
 * @param n  its size.
 * @param q  the quantile, 0.5 for the median.
 * @return the quantile, or NaN when n is 0.
 */
double cstat__quantile_sorted(const double *x, size_t n, double q);

/*
 * The median of x[0..n) (no NaN) exactly as cstat__quantile_sorted() of
 * the sorted values gives it for q = 0.5, bit for bit, found by
 * quickselect (O(n) on average) instead of a sort: it reads only the two
 * order statistics around the middle, which are the same values whatever
 * the order of equal ones (and -0 beside +0 gives +0 either way).
 *
 * @param x  the sample, reordered in place.
 * @param n  its size.
 * @return the median, or NaN when n is 0.
 */
double cstat__median_select(double *x, size_t n);

/*
 * The result of a quantile confidence interval (go-moremath
 * QuantileCIResult).
 */
struct cstat__quantile_ci_result {
	/* 1-based order statistics bounding the interval.  lo_order < 1
	 * means the lower bound is -infinity, hi_order > n means the upper
	 * bound is +infinity. */
	long lo_order;
	long hi_order;
	/* The actual confidence of the interval, >= the one requested. */
	double confidence;
	/* Whether the interval one order higher on both sides has the same
	 * confidence. */
	bool ambiguous;
};

/*
 * The confidence interval of the q-th quantile of a sample of size n, as
 * go-moremath's QuantileCI(n, q, confidence): for n <= 30 the exact binomial
 * distribution, summed outwards from the mode with a left bias; above that
 * the normal approximation (Acklam's inverse CDF with one Newton step, a
 * continuity correction, and a band one narrower on the right taken if it
 * still reaches the confidence).  confidence >= 1 gives the whole range.
 *
 * @param n           the sample size.
 * @param q           the quantile, in [0, 1].
 * @param confidence  the confidence level, e.g. 0.95.
 * @param res         receives the result; must not be NULL.
 */
void cstat__quantile_ci_full(size_t n, double q, double confidence,
			     struct cstat__quantile_ci_result *res);

/*
 * Just the order statistics of cstat__quantile_ci_full().
 *
 * @param lo_order  receives the 1-based lower order; < 1 means -infinity.
 * @param hi_order  receives the 1-based upper order; > n means +infinity.
 */
void cstat__quantile_ci(size_t n, double q, double confidence, long *lo_order,
			long *hi_order);

/*
 * The AssumeNothing summary of a sorted sample: its R8 median and the
 * order-statistic confidence interval of the median at the given level.
 * A bound whose order statistic falls outside the sample is -INFINITY or
 * +INFINITY.  (Go panics on a NaN confidence; here it gives infinite
 * bounds.)
 *
 * @param sorted  the sample, sorted by cstat__sort_doubles(); borrowed.
 * @param n       its size; 0 gives a NaN center and infinite bounds.
 * @param center  receives the median.
 * @param lo      receives the lower bound.
 * @param hi      receives the upper bound.
 */
void cstat__median_summary(const double *sorted, size_t n, double confidence,
			   double *center, double *lo, double *hi);

/*
 * The AssumeExact summary of a sorted sample (benchmath assumeExact): the
 * mode, with ties going to the first (lowest) run and the run's first value
 * reported, and the range [min, max] = [sorted[0], sorted[n-1]].
 *
 * @param sorted  the sample, sorted by cstat__sort_doubles(); borrowed.
 * @param n       its size; 0 gives NaN for all three.
 */
void cstat__mode_summary(const double *sorted, size_t n, double *center,
			 double *lo, double *hi);

/*
 * The geometric mean of x[0..n) as go-moremath's GeoMean computes it: the
 * running mean m += (log(x) - m)/(i+1), then exp(m).
 *
 * @return the geometric mean; NaN when n is 0 or any x is <= 0 (or NaN).
 */
double cstat__geomean(const double *x, size_t n);

/*
 * The smallest sample size that gives a finite confidence interval of the
 * median at this level (benchmath medianSamples): the first n in 2..50 whose
 * interval has 0 < lo_order and hi_order <= n.
 *
 * @return that n, or -1 if there is none (benchstat then says "need > 50").
 */
int cstat__median_samples(double confidence);

/*
 * The smallest sample size at which a U test of two samples of that size
 * can reach significance at level alpha (benchmath uTestSamples): the first
 * n in 1..9 with uTestMinP[n] <= alpha.
 *
 * @return that n, or -1 if there is none (benchstat then says "need > 10").
 */
int cstat__utest_samples(double alpha);

/*
 * The binomial coefficient as go-moremath's mathx.Choose computes it: exact
 * integer arithmetic for n <= 20, exp(lgamma(n+1) - lgamma(k+1) -
 * lgamma(n-k+1)) above that.
 *
 * @return C(n, k); 1 when k is 0 or n, 0 when k < 0 or k > n.
 */
double cstat__choose(long n, long k);

/*
 * The normal distribution's CDF as go-moremath's NormalDist{mu,
 * sigma}.CDF(x) computes it, erfc(-(x - mu)/(sigma*sqrt(2)))/2, with a port
 * of Go's own erfc and exp so that the result is Go's to the last bit.
 */
double cstat__normal_cdf(double mu, double sigma, double x);

/*
 * A cache of exact U distributions (without ties) keyed by the pair of
 * sample sizes, plus scratch memory, so that a run of many U tests on
 * samples of the same sizes costs one distribution and no allocations.  One
 * cache must not be used by two threads at once.
 */
struct cstat__ucache;

/*
 * Create an empty cache.
 *
 * @param out  receives the cache, to be freed with cstat__ucache_free(), or
 *             NULL on failure.
 * @return 0, or CSTAT_ENOMEM.
 */
int cstat__ucache_new(struct cstat__ucache **out);

/* Free a cache and everything it holds.  Freeing NULL is a harmless no-op. */
void cstat__ucache_free(struct cstat__ucache *c);

/*
 * The two-sided Mann-Whitney U test of x1 against x2, as go-moremath's
 * MannWhitneyUTest(x1, x2, LocationDiffers): mid-ranks for ties, the exact
 * distribution when (no ties and n1, n2 <= 50) or (ties and n1, n2 <= 25),
 * otherwise the normal approximation with tie and continuity corrections.
 * One difference: the exact test with ties takes twice the smaller tail,
 * min(1, 2 min(P(U <= U1), P(U >= U1))), where Go doubles the lower tail at
 * min(U1, U2) and so reads the wrong tail when U1 > U2.  The p-value does
 * not depend on the order of x1 and x2.
 * The inputs are not modified and need not be sorted.  (Go loops forever if
 * a sample holds a NaN; here each NaN is a rank of its own.)
 *
 * @param cache  a cache from cstat__ucache_new(), or NULL to use a
 *               temporary one (slower).
 * @param x1     the first sample; borrowed.
 * @param n1     its size, > 0.
 * @param x2     the second sample; borrowed.
 * @param n2     its size, > 0.
 * @param p      receives the p-value on success.
 * @return 0; CSTAT_SAMPLES_EQUAL (positive) if all values of both samples
 *         are equal, and then *p is not set; CSTAT_EINVAL if a sample is
 *         empty; CSTAT_ENOMEM.
 */
int cstat__mann_whitney(struct cstat__ucache *cache, const double *x1,
			size_t n1, const double *x2, size_t n2, double *p);

/*
 * cstat__mann_whitney() of two samples already in cstat__sort_doubles()'s
 * order, which the builder has after summarizing them: the same p-value,
 * without copying, sorting and merging them first (their ranks are counted
 * in one walk of both).
 *
 * @param cache  a cache from cstat__ucache_new(); not NULL.
 * @return as cstat__mann_whitney(); CSTAT_EINVAL also when cache is NULL.
 */
int cstat__mann_whitney_sorted(struct cstat__ucache *cache, const double *x1,
			       size_t n1, const double *x2, size_t n2,
			       double *p);

/*
 * The exact null distribution of the U statistic (the number of pairs in
 * which the second sample's value is larger) for samples of n1 and n2
 * values without ties: P(U <= u).  Used for the Hodges-Lehmann interval.
 *
 * @return 0; CSTAT_EINVAL unless 1 <= n1, n2 <= CSTAT_UTEST_EXACT_LIMIT;
 *         CSTAT_ENOMEM.
 */
int cstat__udist_cdf(struct cstat__ucache *c, long n1, long n2, double u,
		     double *out);

/*
 * The exact null distribution of the first sample's U statistic for samples
 * of n1 and n2 values with ties: P(U <= u), where t[0..nties) is the tie
 * vector, the sizes of the runs of equal values in the sorted pooled
 * sample, lowest first.  The count behind cstat__mann_whitney()'s exact
 * test with ties; exposed for tests.
 *
 * @return 0; CSTAT_EINVAL unless 1 <= n1, n2 <= CSTAT_UTEST_TIES_EXACT_LIMIT,
 *         nties >= 2, every t[i] >= 1, the t[i] add up to n1 + n2 and u is
 *         not NaN; CSTAT_ENOMEM.
 */
int cstat__udist_cdf_ties(struct cstat__ucache *c, long n1, long n2,
			  const int *t, long nties, double u, double *out);

#endif /* CSTAT_STATS_H */
