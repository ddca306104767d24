/*
 * utest.c - the Mann-Whitney U test that benchstat uses to compare samples.
 *
 * This is a port of go-moremath's MannWhitneyUTest with the
 * LocationDiffers (two-sided) alternative, and of the UDist distribution
 * behind it: Mann and Whitney's 1947 recurrence when the merged sample has
 * no ties, and Cheung and Klotz's 1997 counting of rank configurations when
 * it does.  Large samples use the normal approximation with tie and
 * continuity corrections.  Sums are accumulated in the order Go accumulates
 * them and exp, lgamma and erfc are ports of Go's own (in stats.c), so the
 * p-values are Go's to the last bit, with one deliberate exception.
 *
 * The exception is the exact test with ties.  Go (and so both generations
 * of benchstat) doubles P(U1 <= min(U1, U2)) of U1's distribution under
 * the observed tie pattern.  With ties that distribution is not symmetric,
 * so when U1 > U2 Go reads the wrong tail, and p can pass 1: {1, 1, 1}
 * against {1, 0.5} gets p = 0 one way round and 0.8 the other.  Here the
 * two-sided p is min(1, 2 min(P(U <= U1), P(U >= U1))) under the observed
 * tie pattern (1 when U1 = U2), the same for either order of the samples;
 * the upper tail is counted as the lower tail of the reversed tie pattern,
 * never as 1 - CDF.  Without ties, and on the normal approximation,
 * nothing changed.
 *
 * Speed comes from reuse and from exact arithmetic, not from different
 * answers.  The exact distribution without ties depends only on the two
 * sample sizes, so a cache object keeps its running sums per pair of sizes
 * (Go's own prefix sums, computed once) along with the scratch memory of
 * the test, and a run of tests allocates nothing after the first few.
 * With ties on at most 20 values in all, every number in Go's computation
 * is an exact integer, so a direct count in integers stands in for Go's
 * memo tables and gives the same double much faster.
 */
#include "stats.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Sample sizes up to this get a slot in the cache's table of sums. */
#define LIMIT CSTAT_UTEST_EXACT_LIMIT

/* Binomial coefficients up to this n (the most the exact test with ties
 * can ask for) are memoized in the cache. */
#define CHOOSE_MAX (2 * CSTAT_UTEST_TIES_EXACT_LIMIT)

/* One (k, n1, 2U) triple of the Cheung-Klotz memo and its count. */
struct umemo_entry {
	int k;
	int n1;
	int two_u;
	double count;
};

struct cstat__ucache {
	/*
	 * cdf[n * (LIMIT + 1) + m] for n <= m: the running sums of the exact
	 * U distribution for samples of sizes n and m without ties, from
	 * U = 0 up to n * m / 2, or NULL until first needed.
	 */
	double *cdf[(LIMIT + 1) * (LIMIT + 1)];

	/* C(n, k) for n <= 20 in exact integers. */
	uint32_t pascal[21][21];

	/* Memoized cstat__choose(n, k); NaN until first needed. */
	double choose[(CHOOSE_MAX + 1) * (CHOOSE_MAX + 1)];

	/* Sorted copies of both samples, then the merged sample. */
	double *values;
	size_t values_cap;
	/* Which sample each merged value came from (1 or 2). */
	unsigned char *labels;
	size_t labels_cap;
	/* The tie vector T, then Cheung-Klotz's a[] and bounds tables. */
	int *ints;
	size_t ints_cap;

	/* The Cheung-Klotz memo: every level's entries, one after another. */
	struct umemo_entry *pool;
	size_t pool_cap;
	/* (k, n1, 2U) -> 1 + position in pool, 0 when absent.  All zero
	 * between tests. */
	uint32_t *index;
	size_t index_cap;
	/* Where each level starts and ends in pool. */
	size_t *levels;
	size_t levels_cap;

	/* Scratch for the Mann-Whitney recurrence. */
	double *dp;
	size_t dp_cap;
	/* Scratch for the exact count with ties on small samples. */
	uint32_t *counts;
	size_t counts_cap;

	/*
	 * Mann and Whitney's counts without ties in exact integers, for
	 * m + n <= 20: mw[mw_at[m][n] + u] arrangements of m and n distinct
	 * values have at most u pairs with the second sample's value below
	 * the first's (u <= m n).  They stand for the runs of untied values
	 * at both ends of a tie vector (count_ties_small()).
	 */
	uint32_t *mw;
	uint32_t mw_at[21][21];
};

/*
 * Make room for need elements of size elem in *buf.  Contents are kept
 * unless zero is set, in which case the whole buffer is zeroed whenever it
 * is replaced.
 */
static int
reserve(void **buf, size_t *cap, size_t need, size_t elem, bool zero)
{
	if (need <= *cap)
		return 0;

	size_t ncap = *cap ? *cap : 16;

	while (ncap < need)
		ncap *= 2;
	if (ncap > SIZE_MAX / elem)
		return CSTAT_ENOMEM;

	void *p;

	if (zero) {
		p = calloc(ncap, elem);
		if (p == NULL)
			return CSTAT_ENOMEM;
		free(*buf);
	} else {
		p = realloc(*buf, ncap * elem);
		if (p == NULL)
			return CSTAT_ENOMEM;
	}
	*buf = p;
	*cap = ncap;
	return 0;
}

/* c->mw[mw_at[m][n] + u], 0 below u = 0 and every arrangement above m n. */
static uint32_t
mw_cum(const struct cstat__ucache *c, long m, long n, long u)
{
	if (u < 0)
		return 0;
	if (u > m * n)
		u = m * n;
	return c->mw[c->mw_at[m][n] + (size_t)u];
}

/*
 * Fill c->mw: the arrangements of m and n values with at most u such
 * pairs are those whose greatest value is the first sample's (n pairs
 * with it) with at most u - n among the rest, and those whose greatest is
 * the second sample's with at most u among the rest.  About 9,000 counts
 * (36 KB), made once per cache.
 */
static int
mw_counts(struct cstat__ucache *c)
{
	size_t size = 0;

	for (long m = 0; m <= 20; m++)
		for (long n = 0; m + n <= 20; n++) {
			c->mw_at[m][n] = (uint32_t)size;
			size += (size_t)(m * n) + 1;
		}
	c->mw = malloc(size * sizeof(*c->mw));
	if (!c->mw)
		return CSTAT_ENOMEM;
	for (long sum = 0; sum <= 20; sum++)
		for (long m = 0; m <= sum; m++) {
			long n = sum - m;
			uint32_t *f = c->mw + c->mw_at[m][n];

			for (long u = 0; u <= m * n; u++)
				f[u] = m == 0 || n == 0
					       ? 1
					       : mw_cum(c, m - 1, n, u - n) +
							 mw_cum(c, m, n - 1, u);
		}
	return 0;
}

int
cstat__ucache_new(struct cstat__ucache **out)
{
	struct cstat__ucache *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (c == NULL)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < sizeof(c->choose) / sizeof(c->choose[0]); i++)
		c->choose[i] = NAN;
	for (size_t n = 0; n <= 20; n++) {
		c->pascal[n][0] = 1;
		for (size_t k = 1; k <= n; k++)
			c->pascal[n][k] =
				c->pascal[n - 1][k - 1] + c->pascal[n - 1][k];
	}
	if (mw_counts(c)) {
		free(c);
		return CSTAT_ENOMEM;
	}
	*out = c;
	return 0;
}

void
cstat__ucache_free(struct cstat__ucache *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < sizeof(c->cdf) / sizeof(c->cdf[0]); i++)
		free(c->cdf[i]);
	free(c->values);
	free(c->labels);
	free(c->ints);
	free(c->pool);
	free(c->index);
	free(c->levels);
	free(c->dp);
	free(c->counts);
	free(c->mw);
	free(c);
}

/* cstat__choose(n, k), remembered in the cache for small n. */
static double
choose(struct cstat__ucache *c, long n, long k)
{
	if (n < 0 || n > CHOOSE_MAX || k < 0 || k > n)
		return cstat__choose(n, k);

	double *slot = &c->choose[n * (CHOOSE_MAX + 1) + k];

	if (isnan(*slot))
		*slot = cstat__choose(n, k);
	return *slot;
}

/* The larger of a and b. */
static long
max_long(long a, long b)
{
	return a > b ? a : b;
}

/* The smaller of a and b. */
static long
min_long(long a, long b)
{
	return a < b ? a : b;
}

/* a / b rounded down, for b > 0 (C rounds toward zero). */
static long
floor_div(long a, long b)
{
	long q = a / b;

	return a % b < 0 ? q - 1 : q;
}

/* ---------------------------------------------------------------------
 * The exact distribution without ties (UDist.p and UDist.CDF).
 */

/*
 * Build the running sums of p_{n,m}(U) for U = 0..n*m/2 by the recurrence
 *
 *   p_{n,m}(U) = (n p_{n-1,m}(U-m) + m p_{n,m-1}(U)) / (n+m),
 *
 * one row of m at a time with each U slice overwritten in place from the
 * top, exactly as UDist.p does.  A value at U depends only on values at U
 * and below, so computing up to n*m/2 once gives the same numbers as Go's
 * computing up to each test's own U.
 */
static int
build_cdf(struct cstat__ucache *c, long big_n, long big_m, double **out)
{
	long umax = big_n * big_m / 2;
	size_t width = (size_t)umax + 1;
	size_t cells = ((size_t)big_n + 1) * width;
	int err = reserve((void **)&c->dp, &c->dp_cap, cells, sizeof(double),
			  false);

	if (err)
		return err;

	double *memo = c->dp;
	double *sums = malloc(width * sizeof(double));

	if (sums == NULL)
		return CSTAT_ENOMEM;
	memset(memo, 0, cells * sizeof(double));

	for (long m = 0; m <= big_m; m++) {
		/* p_{0,m} is zero except at U = 0. */
		memo[0] = 1;

		long nlim = min_long(big_n, m);

		for (long n = 1; n <= nlim; n++) {
			const double *lp = memo + (size_t)(n - 1) * width;
			/* p_{n,m-1}, or p_{m-1,n} by symmetry when n == m. */
			const double *rp =
				memo + (size_t)(n <= m - 1 ? n : m - 1) * width;
			double *o = memo + (size_t)n * width;
			long ulim = min_long(n * m, umax);
			double nplusm = (double)(n + m);

			for (long u = ulim; u >= 0; u--) {
				double l = 0.0;

				if (u - m >= 0)
					l = (double)n * lp[u - m];

				double r = (double)m * rp[u];

				o[u] = (l + r) / nplusm;
			}
		}
	}

	const double *pdf = memo + (size_t)big_n * width;
	double p = 0.0;

	for (size_t u = 0; u < width; u++) {
		p += pdf[u];
		sums[u] = p;
	}
	*out = sums;
	return 0;
}

/* UDist{n1, n2}.CDF(u) for samples without ties. */
static int
cdf_no_ties(struct cstat__ucache *c, long n1, long n2, double u, double *out)
{
	long nm = n1 * n2;

	if (u < 0) {
		*out = 0;
		return 0;
	}
	if (u >= (double)nm) {
		*out = 1;
		return 0;
	}

	long big_n = min_long(n1, n2), big_m = max_long(n1, n2);
	double **slot = &c->cdf[big_n * (LIMIT + 1) + big_m];

	if (*slot == NULL) {
		int err = build_cdf(c, big_n, big_m, slot);

		if (err)
			return err;
	}

	/* The distribution is symmetric about n1*n2/2: sum the smaller
	 * tail. */
	long ui = (long)floor(u);
	bool flip = ui >= (nm + 1) / 2;

	if (flip)
		ui = nm - ui - 1;

	double p = (*slot)[ui];

	*out = flip ? 1 - p : p;
	return 0;
}

/* ---------------------------------------------------------------------
 * The exact distribution with ties (UDist.CDF through makeUmemo).
 */

/*
 * The state of one Cheung-Klotz count.  t[0..K) is the tie vector, a[1..K]
 * the doubled mid-ranks less one, and lo/hi[k][n1] the least and greatest
 * 2U that n1 values of the first sample can have among the ranks t[0..k).
 */
struct klotz {
	struct cstat__ucache *c;
	const int *t;
	long big_k;
	long n1max;
	long top; /* 2U of the whole problem; every memo key is <= it */
	const int *a;
	const int *lo;
	const int *hi;
	size_t npool;
};

/* Entry [k][n1] of a bounds table made by klotz_bounds(). */
static int
bound_at(const int *table, const struct klotz *kz, long k, long n1)
{
	return table[(size_t)k * (size_t)(kz->n1max + 1) + (size_t)n1];
}

/* Where the key (k, n1, 2U) lives in the dense index. */
static size_t
index_slot(const struct klotz *kz, long k, long n1, long two_u)
{
	return ((size_t)k * (size_t)(kz->n1max + 1) + (size_t)n1) *
		       (size_t)(kz->top + 1) +
	       (size_t)two_u;
}

/*
 * Fill a[] and the twoUmin/twoUmax tables (go-moremath twoUmin, twoUmax):
 * n1 values placed on the lowest (highest) ranks of t[0..k), each placed
 * value in group j adding a[j], less n1^2.  Go recomputes a bound from
 * scratch each time; one table row follows from the previous one.
 */
static void
klotz_bounds(const int *t, long big_k, long n1max, int *a, int *lo, int *hi)
{
	size_t w = (size_t)n1max + 1;
	long below = 0; /* ranks in groups before k */

	a[1] = t[0];
	for (long k = 2; k <= big_k; k++)
		a[k] = a[k - 1] + t[k - 2] + t[k - 1];

	for (long n1 = 0; n1 <= n1max; n1++)
		lo[n1] = hi[n1] = (int)(-n1 * n1);
	for (long k = 1; k <= big_k; k++) {
		int *lo_k = lo + (size_t)k * w, *hi_k = hi + (size_t)k * w;
		const int *lo_prev = lo_k - w, *hi_prev = hi_k - w;

		for (long n1 = 0; n1 <= n1max; n1++) {
			/* Lowest first: group k gets what groups < k left. */
			long take = min_long(max_long(0, n1 - below), t[k - 1]);

			lo_k[n1] = lo_prev[n1] + (int)(take * a[k]);

			/* Highest first: group k fills up, the rest goes
			 * below it. */
			long rest = n1 - min_long(n1, t[k - 1]);

			hi_k[n1] = hi_prev[rest] + (int)(rest * rest) -
				   (int)(n1 * n1) + (int)((n1 - rest) * a[k]);
		}
		below += t[k - 1];
	}
}

/* Add the key (k, n1, 2U) to the memo unless it is there already. */
static int
klotz_insert(struct klotz *kz, long k, long n1, long two_u)
{
	struct cstat__ucache *c = kz->c;
	size_t slot = index_slot(kz, k, n1, two_u);

	if (c->index[slot] != 0)
		return 0;

	int err = reserve((void **)&c->pool, &c->pool_cap, kz->npool + 1,
			  sizeof(*c->pool), false);

	if (err)
		return err;
	c->pool[kz->npool] = (struct umemo_entry){
		.k = (int)k, .n1 = (int)n1, .two_u = (int)two_u, .count = 0};
	kz->npool++;
	c->index[slot] = (uint32_t)kz->npool;
	return 0;
}

/*
 * Walk the recurrence downwards from the whole problem at level K to find
 * every (k, n1, 2U) it needs, keeping only keys inside their level's
 * bounds, as makeUmemo's first loop does.
 */
static int
klotz_keys(struct klotz *kz)
{
	struct cstat__ucache *c = kz->c;
	size_t *lv = c->levels;
	long tsum = 0;

	for (long k = 0; k < kz->big_k; k++)
		tsum += kz->t[k];

	for (long k = kz->big_k - 1; k >= 2; k--) {
		tsum -= kz->t[k];
		lv[2 * k] = kz->npool;
		for (size_t e = lv[2 * (k + 1)]; e < lv[2 * (k + 1) + 1]; e++) {
			long n1 = c->pool[e].n1, two_u = c->pool[e].two_u;
			long rk_low = max_long(0, n1 - tsum);
			long rk_high = min_long(n1, kz->t[k]);

			for (long rk = rk_low; rk <= rk_high; rk++) {
				long tu = two_u -
					  rk * (kz->a[k + 1] - 2 * n1 + rk);
				long nk = n1 - rk;

				if (tu < bound_at(kz->lo, kz, k, nk) ||
				    tu > bound_at(kz->hi, kz, k, nk))
					continue;
				/* Lower bounds are >= 0 and 2U only falls
				 * going down, but stay inside the index. */
				if (tu < 0 || tu > kz->top)
					continue;

				int err = klotz_insert(kz, k, nk, tu);

				if (err)
					return err;
			}
		}
		lv[2 * k + 1] = kz->npool;
	}
	return 0;
}

/* The count behind level k-1's key (n1, 2U), as makeUmemo looks it up. */
static double
klotz_lookup(const struct klotz *kz, long k, long tsum, long n1, long two_u)
{
	if (two_u > bound_at(kz->hi, kz, k - 1, n1))
		/* Every arrangement has a smaller U. */
		return choose(kz->c, tsum, n1);
	if (two_u < bound_at(kz->lo, kz, k - 1, n1) || two_u < 0 ||
	    two_u > kz->top)
		return 0;

	uint32_t at = kz->c->index[index_slot(kz, k - 1, n1, two_u)];

	return at ? kz->c->pool[at - 1].count : 0;
}

/* Fill in the counts from level 2 upwards (makeUmemo's second part). */
static void
klotz_counts(struct klotz *kz)
{
	struct cstat__ucache *c = kz->c;
	const size_t *lv = c->levels;
	const int *t = kz->t;
	long n_2 = t[0] + t[1];

	for (size_t e = lv[4]; e < lv[5]; e++) {
		long n1 = c->pool[e].n1, two_u = c->pool[e].two_u;
		long r2_low = max_long(0, n1 - t[0]);
		/* Floor, not C's (and Go's) truncation toward zero: below
		 * the lowest attainable 2U the quotient is negative, and
		 * truncating it to 0 would count the r2 = 0 arrangements. */
		long r2_high = floor_div(two_u - n1 * (t[0] - n1), n_2);
		double sum = 0.0;

		for (long r2 = r2_low; r2 <= r2_high; r2++)
			sum += choose(c, t[0], n1 - r2) * choose(c, t[1], r2);
		c->pool[e].count = sum;
	}

	long tsum = t[0];

	for (long k = 3; k <= kz->big_k; k++) {
		tsum += t[k - 2];
		for (size_t e = lv[2 * k]; e < lv[2 * k + 1]; e++) {
			long n1 = c->pool[e].n1, two_u = c->pool[e].two_u;
			long rk_low = max_long(0, n1 - tsum);
			long rk_high = min_long(n1, t[k - 1]);
			double sum = 0.0;

			for (long rk = rk_low; rk <= rk_high; rk++) {
				long tu = two_u - rk * (kz->a[k] - 2 * n1 + rk);
				double x =
					klotz_lookup(kz, k, tsum, n1 - rk, tu);

				sum += x * choose(c, t[k - 1], rk);
			}
			c->pool[e].count = sum;
		}
	}
}

/*
 * The count behind UDist.CDF for samples with ties when n1 + n2 <= 20, by
 * direct dynamic programming over the tie groups in exact integers.  Every
 * number Go's Cheung-Klotz memo handles is then an exact integer (its
 * binomial coefficients are exact up to n = 20 and every sum is a count of
 * at most C(20, 10) arrangements), and for more than two groups its
 * recurrence counts exactly the arrangements with 2U <= top, so Go's
 * floating-point count equals the true count and this much faster count
 * gives the identical double.
 *
 * cnt[j][v] is the number of ways to place j values of the first sample
 * among the groups seen so far with 2U = v, where each placed value adds
 * twice the second-sample values below it plus those tied with it.  2U
 * never falls, so a state whose least possible final 2U exceeds top is
 * dropped, and one whose greatest possible final 2U is within top is
 * counted at once with all its completions, as Go's memo does with
 * C(tsum, n1).  Only the undecided band in between is carried forward.
 */
static int
count_ties_small(struct cstat__ucache *c, long n1, long n, long big_k, long top,
		 double *out)
{
	const int *t = c->ints;
	long w = top + 1;
	size_t rows = (size_t)n1 + 1;
	/* The counts are all zero between calls; each call clears what it
	 * used on the way out. */
	int err = reserve((void **)&c->counts, &c->counts_cap, rows * (size_t)w,
			  sizeof(uint32_t), true);

	if (err)
		return err;

	uint32_t *cnt = c->counts;
	/* The range of v where each row may be non-zero; empty when
	 * first > last. */
	long first[CSTAT_UTEST_EXACT_LIMIT + 1],
		last[CSTAT_UTEST_EXACT_LIMIT + 1];
	uint64_t total = 0;
	long seen = 0, jlow = 0;

	for (size_t j = 0; j < rows; j++) {
		first[j] = w;
		last[j] = -1;
	}

	/* Only the groups from the first tied one to the last are walked:
	 * the untied values before and after them are counted at once. */
	long kf = 0, kl = big_k - 1;

	while (kf < big_k && t[kf] == 1)
		kf++;
	while (kl > kf && t[kl] == 1)
		kl--;
	seen = kf;
	jlow = max_long(0, n1 - (n - seen));
	for (long j = jlow; j <= min_long(n1, seen); j++) {
		/* j of the first kf values: 2U is twice Mann and Whitney's
		 * U of j against seen - j values. */
		long umax = min_long(j * (seen - j), top / 2);

		for (long u = 0; u <= umax; u++)
			cnt[j * w + 2 * u] = mw_cum(c, j, seen - j, u) -
					     mw_cum(c, j, seen - j, u - 1);
		first[j] = 0;
		last[j] = 2 * umax;
	}
	for (long k = kf; k <= kl; k++) {
		long tk = t[k];
		long rem = n - seen - tk;
		long jhigh = min_long(n1, seen + tk);
		long jnext = max_long(0, n1 - rem);

		/* Rows jlow.. are live going in; rows below jnext won't be
		 * coming out. */
		for (long jn = jhigh; jn >= jnext && jn >= 1; jn--) {
			uint32_t *row = cnt + jn * w;
			long rlow = max_long(1, jn - seen);
			long rhigh = min_long(tk, jn - jlow);

			for (long r = rlow; r <= rhigh; r++) {
				long j = jn - r;
				long add = r * (2 * (seen - j) + (tk - r));
				long from = first[j];
				long to = min_long(last[j], top - add);

				if (from > to)
					continue;

				const uint32_t *src = cnt + j * w;
				uint32_t ways = c->pascal[tk][r];

				for (long v = from; v <= to; v++)
					row[v + add] += ways * src[v];
				first[jn] = min_long(first[jn], from + add);
				last[jn] = max_long(last[jn], to + add);
			}
		}
		seen += tk;

		/* Rows that can no longer reach n1 are cleared and
		 * dropped. */
		for (; jlow < jnext; jlow++) {
			uint32_t *row = cnt + jlow * w;

			for (long v = first[jlow]; v <= last[jlow]; v++)
				row[v] = 0;
			first[jlow] = w;
			last[jlow] = -1;
		}

		for (long j = jlow; j <= jhigh; j++) {
			if (first[j] > last[j])
				continue;

			uint32_t *row = cnt + j * w;
			long need = n1 - j;
			/* Each value still to come adds at least twice the
			 * second-sample values seen so far, and at most twice
			 * those plus all still to come. */
			long fmin = 2 * (seen - j) * need;
			long fmax = fmin + 2 * need * (rem - need);
			long lo = first[j], hi = last[j];
			long decided = min_long(hi, top - fmax);
			long alive = min_long(hi, top - fmin);

			if (decided >= lo) {
				uint64_t sum = 0;

				for (long v = lo; v <= decided; v++)
					sum += row[v];
				total += sum * c->pascal[rem][need];
				memset(row + lo, 0,
				       (size_t)(decided - lo + 1) *
					       sizeof(*row));
				lo = decided + 1;
			}
			if (alive < hi) {
				long from = max_long(lo, alive + 1);

				memset(row + from, 0,
				       (size_t)(hi - from + 1) * sizeof(*row));
				hi = max_long(alive, lo - 1);
			}
			first[j] = lo;
			last[j] = hi;
		}
	}
	/* The rem untied values after group kl: a state's need values among
	 * them add twice the seen - j values below each, and twice their own
	 * Mann-Whitney U.  Every state is counted here and cleared. */
	long rem = n - seen;

	for (long j = jlow; j <= n1; j++) {
		long need = n1 - j, fmin = 2 * (seen - j) * need;

		for (long v = first[j]; v <= last[j]; v++) {
			uint32_t *at = cnt + j * w + v;
			long x = top - v - fmin;

			if (*at && x >= 0)
				total += (uint64_t)*at *
					 mw_cum(c, need, rem - need, x / 2);
			*at = 0;
		}
	}
	*out = (double)total;
	return 0;
}

/*
 * UDist{n1, n2, T}.CDF(u) for samples with ties, where the tie vector T of
 * big_k runs is at the start of c->ints: the number of ways to place the
 * first sample on the tied ranks with 2U <= 2u, over C(n1+n2, n1).
 */
static int
cdf_ties(struct cstat__ucache *c, long n1, long n2, long big_k, double u,
	 double *out)
{
	if (u < 0) {
		*out = 0;
		return 0;
	}
	if (u >= (double)(n1 * n2)) {
		*out = 1;
		return 0;
	}

	long top = (long)(2 * u);

	if (big_k > 2 && n1 + n2 <= 20) {
		double count;
		int err = count_ties_small(c, n1, n1 + n2, big_k, top, &count);

		if (err)
			return err;
		*out = count / choose(c, n1 + n2, n1);
		return 0;
	}

	size_t w = (size_t)n1 + 1;
	size_t nbounds = (size_t)(big_k + 1) * w;
	int err = reserve((void **)&c->ints, &c->ints_cap,
			  2 * (size_t)big_k + 1 + 2 * nbounds, sizeof(int),
			  false);

	if (!err)
		err = reserve((void **)&c->index, &c->index_cap,
			      nbounds * (size_t)(top + 1), sizeof(*c->index),
			      true);
	if (!err)
		err = reserve((void **)&c->levels, &c->levels_cap,
			      2 * (size_t)(big_k + 1), sizeof(size_t), false);
	if (!err)
		err = reserve((void **)&c->pool, &c->pool_cap, 1,
			      sizeof(*c->pool), false);
	if (err)
		return err;

	/* ints holds T, then a[0..K], then the two bounds tables. */
	int *a = c->ints + big_k;
	int *lo = a + big_k + 1;
	int *hi = lo + nbounds;
	struct klotz kz = {
		.c = c,
		.t = c->ints,
		.big_k = big_k,
		.n1max = n1,
		.top = top,
		.a = a,
		.lo = lo,
		.hi = hi,
		.npool = 1,
	};

	klotz_bounds(kz.t, big_k, n1, a, lo, hi);

	/* Level K holds just the whole problem; it is never looked up, so
	 * it stays out of the index. */
	c->pool[0] = (struct umemo_entry){
		.k = (int)big_k, .n1 = (int)n1, .two_u = (int)top, .count = 0};
	c->levels[2 * big_k] = 0;
	c->levels[2 * big_k + 1] = 1;

	err = klotz_keys(&kz);
	if (!err) {
		klotz_counts(&kz);
		*out = c->pool[0].count / choose(c, n1 + n2, n1);
	}

	/* Leave the index all zero for the next test. */
	for (size_t e = 1; e < kz.npool; e++)
		c->index[index_slot(&kz, c->pool[e].k, c->pool[e].n1,
				    c->pool[e].two_u)] = 0;
	return err;
}

/* ---------------------------------------------------------------------
 * The test.
 */

/* Go's math.Min for values that are never NaN: -0 is below +0. */
static double
go_min(double x, double y)
{
	if (x == y)
		return signbit(x) ? x : y;
	return x < y ? x : y;
}

/* mathSign: -1, 0 or 1 (NaN for NaN). */
static double
go_sign(double x)
{
	if (x == 0)
		return 0;
	if (x < 0)
		return -1;
	if (x > 0)
		return 1;
	return NAN;
}

/*
 * Copy and sort both samples into the cache, then merge them into one
 * sorted sample, remembering which sample each value came from.  Equal
 * values take the second sample's first, as Go's labeledMerge does.
 */
static int
merge_samples(struct cstat__ucache *c, const double *x1, size_t n1,
	      const double *x2, size_t n2, double **merged,
	      const unsigned char **labels)
{
	size_t n = n1 + n2;
	int err = reserve((void **)&c->values, &c->values_cap, 2 * n,
			  sizeof(double), false);

	if (!err)
		err = reserve((void **)&c->labels, &c->labels_cap, n, 1, false);
	if (err)
		return err;

	double *s1 = c->values, *s2 = c->values + n1, *m = c->values + n;
	unsigned char *lab = c->labels;
	size_t i = 0, j = 0, o = 0;

	memcpy(s1, x1, n1 * sizeof(double));
	memcpy(s2, x2, n2 * sizeof(double));
	cstat__sort_doubles(s1, n1);
	cstat__sort_doubles(s2, n2);
	while (i < n1 && j < n2) {
		if (s1[i] < s2[j]) {
			m[o] = s1[i++];
			lab[o++] = 1;
		} else {
			m[o] = s2[j++];
			lab[o++] = 2;
		}
	}
	while (i < n1) {
		m[o] = s1[i++];
		lab[o++] = 1;
	}
	while (j < n2) {
		m[o] = s2[j++];
		lab[o++] = 2;
	}
	*merged = m;
	*labels = lab;
	return 0;
}

/*
 * Rank the merged sample: the rank sum of the first sample with mid-ranks
 * for ties, and the tie vector T of run lengths, written to c->ints.
 */
static int
rank_samples(struct cstat__ucache *c, const double *merged,
	     const unsigned char *labels, size_t n, double *r1, long *nties,
	     bool *has_ties)
{
	int err =
		reserve((void **)&c->ints, &c->ints_cap, n, sizeof(int), false);

	if (err)
		return err;

	double sum = 0.0;
	long k = 0;

	*has_ties = false;
	for (size_t i = 0; i < n;) {
		size_t rank1 = i + 1;
		double v1 = merged[i];
		long nx1 = 0;

		/* Consume the run of values equal to v1.  Go never advances
		 * past a NaN here and loops forever; make it a run of one. */
		do {
			if (labels[i] == 1)
				nx1++;
			i++;
		} while (i < n && merged[i] == v1);

		if (nx1 != 0) {
			double rank = (double)(i + rank1) / 2;

			sum += rank * (double)nx1;
		}
		c->ints[k++] = (int)(i - rank1 + 1);
		if (i > rank1)
			*has_ties = true;
	}
	*r1 = sum;
	*nties = k;
	return 0;
}

/*
 * rank_samples() of the merge of two sorted samples, without writing the
 * merge down: the values are taken in merge_samples()'s order (the second
 * sample's first among equal ones) as the runs are counted.
 */
static int
rank_sorted(struct cstat__ucache *c, const double *s1, size_t n1,
	    const double *s2, size_t n2, double *r1, long *nties,
	    bool *has_ties)
{
	size_t n = n1 + n2;
	int err =
		reserve((void **)&c->ints, &c->ints_cap, n, sizeof(int), false);

	if (err)
		return err;

	double sum = 0.0;
	size_t i = 0, j = 0, pos = 0;
	long k = 0;

	*has_ties = false;
	while (pos < n) {
		size_t rank1 = pos + 1;
		bool from1 = j >= n2 || (i < n1 && s1[i] < s2[j]);
		double v1 = from1 ? s1[i] : s2[j];
		long nx1 = 0;

		/* The run of values equal to v1 (a NaN is a run of one). */
		do {
			if (from1) {
				i++;
				nx1++;
			} else {
				j++;
			}
			pos++;
			if (pos == n)
				break;
			from1 = j >= n2 || (i < n1 && s1[i] < s2[j]);
		} while ((from1 ? s1[i] : s2[j]) == v1);

		if (nx1 != 0) {
			double rank = (double)(pos + rank1) / 2;

			sum += rank * (double)nx1;
		}
		c->ints[k++] = (int)(pos - rank1 + 1);
		if (pos > rank1)
			*has_ties = true;
	}
	*r1 = sum;
	*nties = k;
	return 0;
}

/* The normal approximation with tie and continuity corrections. */
static int
normal_approx(const int *t, long nties, long n1, long n2, double u1, double *p)
{
	/* Go sums t^3 - t in a wrapping 64-bit int; do the same without
	 * signed overflow. */
	uint64_t tie_sum = 0;

	for (long i = 0; i < nties; i++) {
		uint64_t ti = (uint64_t)t[i];

		tie_sum += ti * ti * ti - ti;
	}

	double tc = (double)(int64_t)tie_sum;
	double big_n = (double)(n1 + n2);
	double mu = (double)(n1 * n2) / 2;
	double sigma = sqrt((double)(n1 * n2) *
			    ((big_n + 1) - tc / (big_n * (big_n - 1))) / 12);

	if (sigma == 0)
		return CSTAT_SAMPLES_EQUAL;

	double numer = u1 - mu;

	numer -= go_sign(numer) * 0.5;

	double z = numer / sigma;
	double lo = cstat__normal_cdf(0, 1, z);
	double hi = 1 - cstat__normal_cdf(0, 1, z);

	/* math.Min propagates a NaN. */
	if (isnan(lo) || isnan(hi))
		*p = NAN;
	else
		*p = 2 * go_min(lo, hi);
	return 0;
}

/* Reverse the first n values of t. */
static void
reverse_ints(int *t, long n)
{
	for (long i = 0, j = n - 1; i < j; i++, j--) {
		int x = t[i];

		t[i] = t[j];
		t[j] = x;
	}
}

/*
 * The exact two-sided p-value with ties, where the tie vector T of nties
 * runs is at the start of c->ints and u1 != u2:
 * min(1, 2 min(P(U <= u1), P(U >= u1))) under T.
 *
 * go-moremath doubles P(U <= min(u1, u2)) of U1's distribution instead.
 * With ties that distribution is not symmetric, so when u1 > u2 Go reads
 * the wrong tail (and p can pass 1).  Here the sample with the smaller U
 * goes first, so both orders of the inputs do the same arithmetic and get
 * the same double, and when u1 < u2 the lower tail is Go's number.  The
 * upper tail is the lower tail of the same sample with the pooled values
 * reversed: that turns T around and makes the sample's U the other one,
 * u2.  Counting it directly, rather than as 1 - CDF, keeps small upper
 * tails exact.  The two tails add up to 1 + P(U = u1), so when the lower
 * one is below 1/2 it is the smaller and the upper one is not needed.
 */
static int
exact_ties_p(struct cstat__ucache *c, long n1, long n2, long nties, double u1,
	     double u2, double *p)
{
	if (u1 > u2) {
		long n = n1;
		double u = u1;

		n1 = n2;
		n2 = n;
		u1 = u2;
		u2 = u;
	}

	double lower, upper;
	int err = cdf_ties(c, n1, n2, nties, u1, &lower);

	if (err)
		return err;
	if (lower < 0.5) {
		*p = 2 * lower;
		return 0;
	}
	reverse_ints(c->ints, nties);
	err = cdf_ties(c, n1, n2, nties, u2, &upper);
	reverse_ints(c->ints, nties);
	if (err)
		return err;
	*p = fmin(1, 2 * fmin(lower, upper));
	return 0;
}

/* The p-value from the ranks: rank sum r1 of the first sample and the
 * tie vector at the start of c->ints. */
static int
p_from_ranks(struct cstat__ucache *c, size_t n1, size_t n2, double r1,
	     long nties, bool has_ties, double *p)
{
	int err;
	long l1 = (long)n1, l2 = (long)n2;
	double u1 = r1 - (double)(l1 * (l1 + 1)) / 2;
	double u2 = (double)(l1 * l2) - u1;
	/* Midranks of n1 + n2 values put U1 in [0, n1 n2]; outside, the
	 * ranking (NaNs, ties) is broken and every p-value below is wrong. */
	assert(u1 >= 0 && u2 >= 0);
	double usmall = go_min(u1, u2);
	bool exact = has_ties ? (l1 <= CSTAT_UTEST_TIES_EXACT_LIMIT &&
				 l2 <= CSTAT_UTEST_TIES_EXACT_LIMIT)
			      : (l1 <= CSTAT_UTEST_EXACT_LIMIT &&
				 l2 <= CSTAT_UTEST_EXACT_LIMIT);

	if (!exact)
		return normal_approx(c->ints, nties, l1, l2, u1, p);
	if (nties == 1)
		/* All values are equal: the test is meaningless. */
		return CSTAT_SAMPLES_EQUAL;
	if (u1 == u2) {
		/* Doubling the CDF at the centre would count its mass
		 * twice; the whole distribution is the answer. */
		*p = 1;
		return 0;
	}

	if (has_ties)
		return exact_ties_p(c, l1, l2, nties, u1, u2, p);

	double cdf = 0;

	err = cdf_no_ties(c, l1, l2, usmall, &cdf);
	if (err)
		return err;
	/* Go's running sum can pass 1/2 by a rounding step (9 + 3 values,
	 * U = 13 gives 1 + 2^-52 doubled); a probability stops at 1. */
	*p = fmin(1, cdf * 2);
	return 0;
}

/* cstat__mann_whitney() on a cache that is not NULL. */
static int
mann_whitney(struct cstat__ucache *c, const double *x1, size_t n1,
	     const double *x2, size_t n2, double *p)
{
	double *merged;
	const unsigned char *labels;
	int err = merge_samples(c, x1, n1, x2, n2, &merged, &labels);

	if (err)
		return err;

	double r1;
	long nties;
	bool has_ties;

	err = rank_samples(c, merged, labels, n1 + n2, &r1, &nties, &has_ties);
	if (err)
		return err;
	return p_from_ranks(c, n1, n2, r1, nties, has_ties, p);
}

int
cstat__mann_whitney_sorted(struct cstat__ucache *cache, const double *x1,
			   size_t n1, const double *x2, size_t n2, double *p)
{
	double r1;
	long nties;
	bool has_ties;

	if (n1 == 0 || n2 == 0 || cache == NULL)
		return CSTAT_EINVAL;

	int err = rank_sorted(cache, x1, n1, x2, n2, &r1, &nties, &has_ties);

	if (err)
		return err;
	return p_from_ranks(cache, n1, n2, r1, nties, has_ties, p);
}

int
cstat__mann_whitney(struct cstat__ucache *cache, const double *x1, size_t n1,
		    const double *x2, size_t n2, double *p)
{
	if (n1 == 0 || n2 == 0)
		return CSTAT_EINVAL;
	if (cache != NULL)
		return mann_whitney(cache, x1, n1, x2, n2, p);

	struct cstat__ucache *tmp;
	int err = cstat__ucache_new(&tmp);

	if (err)
		return err;
	err = mann_whitney(tmp, x1, n1, x2, n2, p);
	cstat__ucache_free(tmp);
	return err;
}

int
cstat__udist_cdf(struct cstat__ucache *c, long n1, long n2, double u,
		 double *out)
{
	if (!c || n1 < 1 || n2 < 1 || n1 > LIMIT || n2 > LIMIT || !out)
		return CSTAT_EINVAL;
	return cdf_no_ties(c, n1, n2, u, out);
}

int
cstat__udist_cdf_ties(struct cstat__ucache *c, long n1, long n2, const int *t,
		      long nties, double u, double *out)
{
	long sum = 0;

	if (!c || !t || !out || n1 < 1 || n2 < 1 ||
	    n1 > CSTAT_UTEST_TIES_EXACT_LIMIT ||
	    n2 > CSTAT_UTEST_TIES_EXACT_LIMIT || nties < 2 || isnan(u))
		return CSTAT_EINVAL;
	for (long i = 0; i < nties; i++) {
		if (t[i] < 1)
			return CSTAT_EINVAL;
		sum += t[i];
	}
	if (sum != n1 + n2)
		return CSTAT_EINVAL;

	int err = reserve((void **)&c->ints, &c->ints_cap, (size_t)nties,
			  sizeof(int), false);

	if (err)
		return err;
	memcpy(c->ints, t, (size_t)nties * sizeof(int));
	return cdf_ties(c, n1, n2, nties, u, out);
}
