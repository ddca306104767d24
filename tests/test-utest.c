/*
 * test-utest.c - unit tests for lib/utest.c, the two-sided Mann-Whitney U
 * test: the exact distribution without ties, the exact distribution with
 * ties (both the small-sample count and the Cheung-Klotz memo), the normal
 * approximation beyond the exact limits, the "all samples are equal" and
 * refusal paths, and the cache.  The exact test, with and without ties,
 * is also checked against brute force: every one of the C(n1+n2, n1)
 * arrangements of thousands of random samples (fixed seeds), the p-value
 * both ways round and the CDF with ties.
 *
 * Every expected value names where it comes from: the conformance
 * expectations in testdata/conformance/NAME/stdout (their inputs are
 * copied below, so the test reads nothing at run time), a hand calculation
 * or a brute-force count over every arrangement, shown in the comment, or,
 * for exact bit patterns, Go 1.19.8 running go-moremath's MannWhitneyUTest
 * on the same input ("the Go reference" below).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include <math.h>

#include "stats.h"

/* Fail unless p prints as the given "%.3f" text, as benchstat shows it. */
static void
assert_p_text_at(double p, const char *want, const char *file, int line)
{
	char got[32];

	snprintf(got, sizeof(got), "%.3f", p);
	if (strcmp(got, want) == 0)
		return;
	print_error("p=%s (%.17g), want p=%s\n", got, p, want);
	_fail(file, line);
}

#define assert_p_text(p, want) assert_p_text_at((p), (want), __FILE__, __LINE__)

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Run the test with a fresh cache and with none; both must agree. */
static int
utest(const double *x1, size_t n1, const double *x2, size_t n2, double *p)
{
	struct cstat__ucache *c;
	double p2 = -1;
	int rc, rc2;

	assert_int_equal(cstat__ucache_new(&c), 0);
	rc = cstat__mann_whitney(c, x1, n1, x2, n2, p);
	cstat__ucache_free(c);
	rc2 = cstat__mann_whitney(NULL, x1, n1, x2, n2, &p2);
	assert_int_equal(rc, rc2);
	if (rc == 0)
		assert_same(*p, p2);
	return rc;
}

/* testdata/conformance/edge-big/big1.txt and big2.txt: the
 * BenchmarkBig and BenchmarkBigTies values, in file order. */
/* clang-format off */
static const double big1[] = {
	1012.882, 1014.494, 1000.663, 992.355, 989.078, 1000.313, 989.779,
	985.632, 1001.993, 1001.334, 1005.465, 990.860, 1000.050, 999.353,
	984.942, 1005.380, 1003.207, 1023.891, 1002.030, 998.553, 1012.328,
	1001.988, 1009.090, 996.345, 1002.182, 1010.243, 1006.962, 1001.285,
	989.177, 1004.452, 1000.769, 1007.205, 1002.162, 1010.882, 999.484,
	1002.020, 1006.668, 989.131, 995.983, 995.000, 1019.806, 999.071,
	1006.522, 1006.194, 997.191, 984.492, 1009.648, 995.928, 1007.180,
	986.947, 995.620, 1012.568, 1014.310, 986.975, 986.672, 999.557,
	1007.282, 1001.605, 1003.036, 990.112,
};

static const double big2[] = {
	995.425, 1008.186, 1008.367, 995.360, 1015.377, 995.119, 990.474,
	992.777, 988.315, 1016.163, 1025.661, 996.362, 997.755, 1002.587,
	1004.162, 996.318, 1013.888, 999.441, 994.607, 1012.551, 1012.627,
	999.259, 1007.010, 993.463, 1015.463, 1003.124, 1005.036, 994.266,
	988.372, 992.392, 994.656, 993.491, 1004.847, 1006.975, 984.472,
	996.847, 1005.331, 1001.920, 1006.585, 1001.673, 1010.422, 994.902,
	1003.212, 994.877, 1000.912, 1020.744, 1006.307, 1010.592, 1006.805,
	1009.668, 1016.961, 998.653, 998.014, 996.298, 999.564, 991.801,
	1009.516, 1008.686, 993.129, 1017.855,
};

static const double bigties1[] = {
	3, 6, 9, 6, 2, 8, 9, 2, 3, 9, 7, 6, 8, 1, 8, 1, 5, 10, 10, 10, 7, 3,
	3, 9, 4, 1, 4, 9, 9, 4,
};

static const double bigties2[] = {
	6, 3, 6, 10, 5, 11, 8, 2, 5, 2, 8, 4, 2, 4, 9, 10, 8, 10, 5, 10, 9, 5,
	10, 2, 8, 11, 7, 8, 2, 6,
};
/* clang-format on */

/* ------------------------------------------------------------------ */

static void
test_mann_whitney_exact_no_ties_hand(void **state)
{
	(void)state;
	double p;
	/* Hand: the samples do not overlap, so U = 0 and the lower tail is
	 * the one arrangement of C(6,3) = 20: p = 2/20.  (The exact sum
	 * gives 0.05000000000000001, so p is 0.10000000000000002, as in
	 * the Go reference.)  testdata/conformance/edge-few/stdout
	 * prints it as "p=0.100 n=3". */
	static const double f1[] = {100, 101, 102}, f2[] = {200, 201, 202};
	/* Hand: U1 = #(x1 > x2) = 1 (3 > 2); for n = m = 2 the U counts
	 * for U = 0..4 are 1, 1, 2, 1, 1, so CDF(1) = 2/6, p = 4/6. */
	static const double a1[] = {1, 3}, a2[] = {2, 4};
	/* Hand: 2 vs 3 values, no overlap: p = 2/C(5,2) = 0.2. */
	static const double b1[] = {5, 4}, b2[] = {1, 3, 2};

	assert_int_equal(utest(f1, 3, f2, 3, &p), 0);
	assert_close(p, 0.1, 1e-15);
	assert_same(p, 0.10000000000000002);
	assert_p_text(p, "0.100");
	assert_int_equal(utest(a1, 2, a2, 2, &p), 0);
	assert_close(p, 4 / 6.0, 1e-15);
	assert_int_equal(utest(b1, 2, b2, 3, &p), 0);
	assert_close(p, 0.2, 1e-15);
}

static void
test_mann_whitney_equal_u_gives_one(void **state)
{
	(void)state;
	/* Hand: U1 = U2 = n1*n2/2 means the observed U is the centre of a
	 * symmetric distribution: go-moremath returns exactly 1. */
	static const double x1[] = {1, 4}, x2[] = {2, 3};
	double p;

	assert_int_equal(utest(x1, 2, x2, 2, &p), 0);
	assert_same(p, 1);
}

static void
test_mann_whitney_largest_exact_no_ties(void **state)
{
	(void)state;
	/* Hand: 50 values against 50 larger ones, the largest exact case:
	 * p = 2/C(100, 50), tiny but not zero.  Both orders of the
	 * samples give the same p. */
	double x1[50], x2[50], p, q;

	for (int i = 0; i < 50; i++) {
		x1[i] = i;
		x2[i] = 100 + i;
	}
	assert_int_equal(utest(x1, 50, x2, 50, &p), 0);
	assert_close(p, 2 / 1.0089134454556418e29, 1e-9);
	assert_int_equal(utest(x2, 50, x1, 50, &q), 0);
	assert_same(p, q);
}

static void
test_mann_whitney_exact_ties_small_count(void **state)
{
	(void)state;
	double p;
	/* testdata/conformance/edge-ties/stdout: "p=0.035 n=10".
	 * A brute-force count over all C(20,10) = 184756 arrangements with
	 * mid-ranks finds 3198 with U <= 22 (the observed smaller U), so
	 * p = 2 * 3198/184756 = 123/3553, which the Go reference computes
	 * as 3198/184756*2 = 0.03461863214185196. */
	static const double t1[] = {1, 1, 2, 2, 3, 3, 3, 4, 5, 5};
	static const double t2[] = {2, 3, 3, 4, 4, 5, 6, 6, 6, 7};
	/* testdata/conformance/edge-mismatch/stdout: B-8 is
	 * "p=0.002 n=6".  Hand: the samples do not overlap, so only the
	 * one arrangement of C(12,6) = 924 has U = 0: p = 2/924, which is
	 * also benchmath's uTestMinP[6] = 0.0021645021645021645. */
	static const double m1[] = {20, 21, 22, 20, 21, 22};
	static const double m2[] = {30, 31, 32, 30, 31, 32};

	assert_int_equal(utest(t1, 10, t2, 10, &p), 0);
	assert_same(p, 3198.0 / 184756.0 * 2);
	assert_same(p, 0.03461863214185196);
	assert_p_text(p, "0.035");
	assert_int_equal(utest(m1, 6, m2, 6, &p), 0);
	assert_same(p, 1.0 / 924.0 * 2);
	assert_same(p, 0.0021645021645021645);
	assert_p_text(p, "0.002");
}

static void
test_mann_whitney_exact_ties_two_groups(void **state)
{
	(void)state;
	/* Hand: with two distinct values (T = {4, 2}) the first sample
	 * {1, 1} has U = 0.5*2*2 = 2 against {1, 1, 2, 2}.  Placing r of
	 * its two values among the 2s gives 2U = 4, 10 or 16 for r = 0, 1,
	 * 2, so the arrangements with 2U <= 4 are the C(4,2) = 6 with
	 * r = 0, of C(6,2) = 15: p = 2*6/15. */
	static const double x1[] = {1, 1}, x2[] = {1, 1, 2, 2};
	double p;

	assert_int_equal(utest(x1, 2, x2, 4, &p), 0);
	assert_close(p, 12 / 15.0, 1e-15);
}

static void
test_mann_whitney_exact_ties_memo(void **state)
{
	(void)state;
	/* 11 + 11 values with ties: past 20 values in all, so the
	 * Cheung-Klotz memo runs with Go's inexact binomials.  A
	 * brute-force count over all C(22,11) = 705432 arrangements gives
	 * p = 865/10374 = 0.0833815307499518; the Go reference gives
	 * 0.08338153074995164, a few ulps away. */
	static const double x1[] = {1, 2, 2, 3, 5, 5, 6, 8, 9, 9, 10};
	static const double x2[] = {2, 4, 5, 5, 7, 9, 11, 12, 12, 13, 14};
	double p;

	assert_int_equal(utest(x1, 11, x2, 11, &p), 0);
	assert_close(p, 865.0 / 10374.0, 1e-12);
	assert_same(p, 0.08338153074995164);
}

static void
test_mann_whitney_ties_at_the_exact_limit(void **state)
{
	(void)state;
	/* Hand: with ties, 25 values per sample is still exact and 26 is
	 * not.  The normal approximation for 26+26 (T = {13, 26, 13},
	 * sum t^3 - t = 2*2184 + 17550 = 21918, U1 = 13*13/2 = 84.5,
	 * sigma = sqrt(676*(53 - 21918/2652)/12) = 50.2005) gives
	 * 2*Phi((84.5 - 338 + 0.5)/sigma) = 4.660370846897449e-07. */
	double x1[26], x2[26], p;

	for (int i = 0; i < 26; i++) {
		x1[i] = i < 13 ? 1 : 2;
		x2[i] = i < 13 ? 2 : 3;
	}
	assert_int_equal(utest(x1, 26, x2, 26, &p), 0);
	assert_close(p, 4.660370846897449e-07, 1e-12);

	/* At 25+25 (12 1s and 13 2s against 13 2s and 12 3s) the exact
	 * distribution applies.  Counting arrangements group by group in
	 * exact integers gives 10400600 of C(50,25) with U <= 84.5, so
	 * p = 2*10400600/126410606437752; the Go reference (the memo, with
	 * inexact binomials) gives 1.6455264780525537e-07. */
	assert_int_equal(utest(x1 + 1, 25, x2, 25, &p), 0);
	assert_close(p, 2 * 10400600 / 126410606437752.0, 1e-12);
	assert_same(p, 1.6455264780525537e-07);
}

static void
test_mann_whitney_normal_beyond_limit(void **state)
{
	(void)state;
	double x1[51], x2[51], p;

	/* Hand: 51+51 without ties, no overlap: U1 = 0, mu = 1300.5,
	 * sigma = sqrt(2601*103/12) = 149.41636456559903, continuity
	 * correction to -1300, p = 2*Phi(-1300/sigma) =
	 * 3.303681501666192e-18. */
	for (int i = 0; i < 51; i++) {
		x1[i] = i + 1;
		x2[i] = i + 52;
	}
	assert_int_equal(utest(x1, 51, x2, 51, &p), 0);
	assert_close(p, 3.303681501666192e-18, 1e-12);

	/* Hand: interleaved, U1 = 1275, numer = -25.5 + 0.5 = -25,
	 * p = 2*Phi(-25/sigma) = 0.867120090828166. */
	for (int i = 0; i < 51; i++) {
		x1[i] = 2 * i + 1;
		x2[i] = 2 * i + 2;
	}
	assert_int_equal(utest(x1, 51, x2, 51, &p), 0);
	assert_close(p, 0.867120090828166, 1e-12);
}

static void
test_mann_whitney_edge_big_conformance(void **state)
{
	(void)state;
	double p;

	/* testdata/conformance/edge-big/stdout: "Big ... ~
	 * (p=0.548 n=60)" (n > 50: normal approximation); the Go reference
	 * gives 0.5478605382101782. */
	assert_int_equal(utest(big1, LEN(big1), big2, LEN(big2), &p), 0);
	assert_p_text(p, "0.548");
	assert_same(p, 0.5478605382101782);

	/* Same file: "BigTies ... ~ (p=0.405 n=30)" (ties and n > 25:
	 * normal approximation with tie correction); the Go reference
	 * gives 0.4050095411355944. */
	assert_int_equal(
		utest(bigties1, LEN(bigties1), bigties2, LEN(bigties2), &p), 0);
	assert_p_text(p, "0.405");
	assert_same(p, 0.4050095411355944);
}

static void
test_mann_whitney_all_equal_is_samples_equal(void **state)
{
	(void)state;
	/* testdata/conformance/edge-equal: every value equal gives
	 * "all samples are equal" (len(T) == 1 on the exact path, and
	 * sigma == 0 on the normal path beyond 50 values). */
	double x[60], p = 42;

	for (int i = 0; i < 60; i++)
		x[i] = 100;
	assert_int_equal(utest(x, 6, x, 6, &p), CSTAT_SAMPLES_EQUAL);
	assert_int_equal(utest(x, 1, x, 1, &p), CSTAT_SAMPLES_EQUAL);
	assert_int_equal(utest(x, 60, x, 55, &p), CSTAT_SAMPLES_EQUAL);
	assert_int_equal(utest(x, 30, x, 30, &p), CSTAT_SAMPLES_EQUAL);
	/* Untouched on that path. */
	assert_same(p, 42);
}

static void
test_mann_whitney_refuses_empty_sample(void **state)
{
	(void)state;
	/* Hand: go-moremath returns ErrSampleSize for an empty sample. */
	static const double x[] = {1, 2, 3};
	double p;

	assert_int_equal(utest(x, 3, NULL, 0, &p), CSTAT_EINVAL);
	assert_int_equal(utest(NULL, 0, x, 3, &p), CSTAT_EINVAL);
}

static void
test_mann_whitney_leaves_inputs_alone(void **state)
{
	(void)state;
	/* Hand: unsorted inputs are copied before sorting; the answer is
	 * the one for the sorted samples (edge-few again: p = 0.1). */
	double x1[] = {102, 100, 101}, x2[] = {201, 202, 200};
	double p;

	assert_int_equal(utest(x1, 3, x2, 3, &p), 0);
	assert_p_text(p, "0.100");
	assert_same(x1[0], 102);
	assert_same(x1[1], 100);
	assert_same(x2[2], 200);
}

static void
test_mann_whitney_nan_does_not_hang(void **state)
{
	(void)state;
	/* Hand: Go never advances past a NaN when it groups ties and loops
	 * forever; here each NaN is a group of its own and the test ends
	 * with some probability. */
	static const double x1[] = {NAN, 1, 2}, x2[] = {3, NAN, 4};
	double p;

	assert_int_equal(utest(x1, 3, x2, 3, &p), 0);
	assert_true(p >= 0 && p <= 1);
}

static void
test_ucache_reuse_gives_same_answers(void **state)
{
	(void)state;
	/* Hand: one cache across many tests of assorted sizes and tie
	 * patterns gives the answers of a fresh cache each time (which
	 * utest() compares with the uncached call). */
	struct cstat__ucache *c;
	double x1[30], x2[30];
	uint64_t r = 99;

	assert_int_equal(cstat__ucache_new(&c), 0);
	for (int round = 0; round < 300; round++) {
		size_t n1 = 1 + (size_t)(round % 30),
		       n2 = 1 + (size_t)(round % 13);
		int levels = 2 + round % 40;
		double p, q;

		for (size_t i = 0; i < 30; i++) {
			r ^= r << 13;
			r ^= r >> 7;
			r ^= r << 17;
			x1[i] = (double)(r % (uint64_t)levels);
			x2[i] = (double)((r >> 20) % (uint64_t)levels) + 1;
		}
		int rc = cstat__mann_whitney(c, x1, n1, x2, n2, &p);
		int rc2 = utest(x1, n1, x2, n2, &q);

		assert_int_equal(rc, rc2);
		if (rc == 0)
			assert_same(p, q);
	}
	cstat__ucache_free(c);
}

/* ------------------------------------------------------------------
 * The exact test with ties against brute force.
 */

/* splitmix64: the tests' own small RNG with a fixed seed. */
static uint64_t
next_random(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* A uniform integer in [lo, hi]. */
static int
random_in(uint64_t *s, int lo, int hi)
{
	return lo + (int)(next_random(s) % (uint64_t)(hi - lo + 1));
}

/* The most values one brute-force sample holds. */
#define ENUM_MAX 32

/*
 * One sample pair and the brute-force distribution of 2U under its tie
 * pattern: hist[v] arrangements of the C(n1+n2, n1) have 2U = v, where U
 * counts the pairs in which the first sample's value is larger, a tie
 * counting one half.
 */
struct enum_case {
	double x[ENUM_MAX], y[ENUM_MAX];
	int n1, n2;
	int t[ENUM_MAX]; /* the tie vector */
	int nties;
	int two_u1; /* 2U1 of the sample as drawn */
	uint64_t hist[2 * 16 * 32 + 1];
	uint64_t total;
};

/* Add every way to pick left more of the n doubled mid-ranks from start. */
static void
enumerate(const int *rank2, int n, int start, int left, int sum, uint64_t *hist)
{
	if (left == 0) {
		hist[sum]++;
		return;
	}
	for (int i = start; i <= n - left; i++)
		enumerate(rank2, n, i + 1, left - 1, sum + rank2[i], hist);
}

/*
 * Fill in the tie vector, 2U1 by comparing every pair, and the histogram
 * by placing the first sample on every n1-subset of the sorted pooled
 * sample, each value counting twice its mid-rank (an integer): 2U is that
 * sum less n1 (n1 + 1).
 */
static void
enum_fill(struct enum_case *e)
{
	int n = e->n1 + e->n2, rank2[ENUM_MAX];
	double pool[ENUM_MAX];

	memcpy(pool, e->x, (size_t)e->n1 * sizeof(double));
	memcpy(pool + e->n1, e->y, (size_t)e->n2 * sizeof(double));
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && pool[j - 1] > pool[j]; j--) {
			double v = pool[j];

			pool[j] = pool[j - 1];
			pool[j - 1] = v;
		}
	e->nties = 0;
	for (int i = 0; i < n;) {
		int j = i;

		while (j < n && pool[j] == pool[i])
			j++;
		/* Ranks i+1..j share the mid-rank (i+1+j)/2. */
		for (int k = i; k < j; k++)
			rank2[k] = i + 1 + j;
		e->t[e->nties++] = j - i;
		i = j;
	}
	e->two_u1 = 0;
	for (int i = 0; i < e->n1; i++)
		for (int j = 0; j < e->n2; j++)
			e->two_u1 += e->x[i] > e->y[j]	  ? 2
				     : e->x[i] == e->y[j] ? 1
							  : 0;
	memset(e->hist, 0, sizeof(e->hist));
	enumerate(rank2, n, 0, e->n1, -e->n1 * (e->n1 + 1), e->hist);
	e->total = 0;
	for (int v = 0; v <= 2 * e->n1 * e->n2; v++)
		e->total += e->hist[v];
}

/* The arrangements with 2U <= v. */
static uint64_t
enum_at_most(const struct enum_case *e, int v)
{
	uint64_t sum = 0;

	for (int w = 0; w <= v && w <= 2 * e->n1 * e->n2; w++)
		sum += e->hist[w];
	return sum;
}

/* The arrangements with 2U >= v. */
static uint64_t
enum_at_least(const struct enum_case *e, int v)
{
	uint64_t sum = 0;

	for (int w = v < 0 ? 0 : v; w <= 2 * e->n1 * e->n2; w++)
		sum += e->hist[w];
	return sum;
}

/* The two-sided p by the definition: min(1, 2 min(P(U <= U1), P(U >= U1)))
 * under the tie pattern, 1 when U1 = U2. */
static double
enum_p(const struct enum_case *e)
{
	uint64_t lo = enum_at_most(e, e->two_u1);
	uint64_t hi = enum_at_least(e, e->two_u1);

	if (2 * e->two_u1 == 2 * e->n1 * e->n2)
		return 1;
	return fmin(1, 2 * (double)(lo < hi ? lo : hi) / (double)e->total);
}

/* go-moremath's p: twice U1's lower tail at min(U1, U2). */
static double
enum_go_p(const struct enum_case *e)
{
	int two_u2 = 2 * e->n1 * e->n2 - e->two_u1;
	int small = e->two_u1 < two_u2 ? e->two_u1 : two_u2;

	if (e->two_u1 == two_u2)
		return 1;
	return 2 * (double)enum_at_most(e, small) / (double)e->total;
}

/*
 * Check one case against brute force: the p-value both ways round (the
 * same double), never above 1, and with ties the CDF at the given 2U
 * values.  Returns 1 when go-moremath's p would have been different.
 */
static int
enum_check(struct cstat__ucache *c, const struct enum_case *e,
	   const int *two_us, int nus)
{
	double p, q, want = enum_p(e);
	int rc = cstat__mann_whitney(c, e->x, (size_t)e->n1, e->y,
				     (size_t)e->n2, &p);

	if (e->nties == 1) {
		assert_int_equal(rc, CSTAT_SAMPLES_EQUAL);
		return 0;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(cstat__mann_whitney(c, e->y, (size_t)e->n2, e->x,
					     (size_t)e->n1, &q),
			 0);
	assert_close(p, want, 1e-12);
	assert_same(p, q);
	/* Without ties Go's running sum can reach 1/2 plus one ulp at the
	 * centre (9+3 values, U1 = 13); the p-value still stops at 1. */
	assert_true(p > 0 && p <= 1);
	for (int i = 0; i < nus; i++) {
		double cdf, cwant;
		uint64_t below = two_us[i] < 0 ? 0 : enum_at_most(e, two_us[i]);

		cwant = (double)below / (double)e->total;
		assert_int_equal(cstat__udist_cdf_ties(c, e->n1, e->n2, e->t,
						       e->nties,
						       two_us[i] / 2.0, &cdf),
				 0);
		if (cwant == 0)
			assert_same(cdf, 0);
		else
			assert_close(cdf, cwant, 1e-12);
	}
	return fabs(enum_go_p(e) - want) > 1e-12 * want;
}

/*
 * Draw n1 + n2 values from levels distinct ones (levels = 0: all
 * distinct), each level used at least once when levels <= n1 + n2.
 */
static void
enum_draw(struct enum_case *e, uint64_t *rng, int n1, int n2, int levels)
{
	int n = n1 + n2;
	double pool[ENUM_MAX];

	for (int i = 0; i < n; i++)
		pool[i] = levels == 0  ? i
			  : i < levels ? i
				       : random_in(rng, 0, levels - 1);
	/* Shuffle, then deal the first n1 to x. */
	for (int i = n - 1; i > 0; i--) {
		int j = random_in(rng, 0, i);
		double v = pool[i];

		pool[i] = pool[j];
		pool[j] = v;
	}
	e->n1 = n1;
	e->n2 = n2;
	memcpy(e->x, pool, (size_t)n1 * sizeof(double));
	memcpy(e->y, pool + n1, (size_t)n2 * sizeof(double));
	enum_fill(e);
}

/* The lowest 2U with at least one arrangement. */
static int
enum_lowest(const struct enum_case *e)
{
	int v = 0;

	while (e->hist[v] == 0)
		v++;
	return v;
}

/*
 * Run count cases of n1, n2 drawn from [lo, hi] (n1 from [lo1, hi1]) with
 * the given kind of values: 0 ties of any pattern, 2 two distinct values,
 * -1 no ties.  With ties, check the CDF just below the lowest attainable
 * 2U, at it, at the observed 2U and at three random 2U (every 2U for two
 * distinct values).  Prints the sizes and how often Go's p was wrong.
 */
static void
enum_run(const char *what, int count, int lo1, int hi1, int lo2, int hi2,
	 int kind, uint64_t seed)
{
	struct cstat__ucache *c;
	struct enum_case *e = malloc(sizeof(*e));
	uint64_t rng = seed, leaves = 0;
	int go_wrong = 0, all_equal = 0;

	assert_non_null(e);
	assert_int_equal(cstat__ucache_new(&c), 0);
	for (int i = 0; i < count; i++) {
		int n1 = random_in(&rng, lo1, hi1),
		    n2 = random_in(&rng, lo2, hi2);
		int n = n1 + n2, levels = 0;
		int us[2 * 16 * 32 + 8] = {0}, nus = 0;

		if (kind == 2)
			levels = 2;
		else if (kind == 0)
			/* Fewer levels than values: some value repeats. */
			levels = n <= 2 ? 1 : random_in(&rng, 1, n - 1);
		enum_draw(e, &rng, n1, n2, levels);
		leaves += e->total;
		if (e->nties == 1)
			all_equal++;
		if (kind == 2) {
			for (int v = -2; v <= 2 * n1 * n2 + 1; v++)
				us[nus++] = v;
		} else if (kind == 0 && e->nties > 1) {
			int low = enum_lowest(e);

			us[nus++] = low - 1;
			us[nus++] = low;
			us[nus++] = e->two_u1;
			for (int k = 0; k < 3; k++)
				us[nus++] = random_in(&rng, 0, 2 * n1 * n2);
		}
		go_wrong += enum_check(c, e, us, nus);
	}
	print_message("%s: %d samples (n1 %d..%d, n2 %d..%d, seed %llu), "
		      "%llu arrangements enumerated, %d all equal, "
		      "go-moremath's p wrong in %d\n",
		      what, count, lo1, hi1, lo2, hi2, (unsigned long long)seed,
		      (unsigned long long)leaves, all_equal, go_wrong);
	if (kind == -1)
		/* Without ties the two agree: the distribution is
		 * symmetric. */
		assert_int_equal(go_wrong, 0);
	else
		/* Brute force finds Go's wrong tail, or the test is weak. */
		assert_true(go_wrong > 0);
	cstat__ucache_free(c);
	free(e);
}

static void
test_mann_whitney_ties_match_enumeration(void **state)
{
	(void)state;
	/* Brute force (see enum_fill): random tie patterns, every 2U from
	 * C(n1+n2, n1) arrangements, p = min(1, 2 min(lower, upper)). */
	enum_run("ties", 3000, 1, 10, 1, 10, 0, 20261205);
}

static void
test_mann_whitney_two_values_match_enumeration(void **state)
{
	(void)state;
	/* Brute force: two distinct values, the Cheung-Klotz count, the
	 * CDF at every 2U from below the least to above the greatest. */
	enum_run("two values", 1000, 1, 10, 1, 10, 2, 7);
}

static void
test_mann_whitney_ties_memo_match_enumeration(void **state)
{
	(void)state;
	/* Brute force: more than 20 values in all, so the Cheung-Klotz
	 * memo (with Go's inexact binomials past n = 20) counts; a small
	 * first sample keeps the enumeration short. */
	enum_run("ties, memo", 300, 1, 3, 18, 25, 0, 11);
}

static void
test_mann_whitney_no_ties_match_enumeration(void **state)
{
	(void)state;
	/* Brute force without ties: Mann and Whitney's recurrence. */
	enum_run("no ties", 500, 1, 10, 1, 10, -1, 3);
}

static void
test_mann_whitney_ties_either_order(void **state)
{
	(void)state;
	/* Hand: pooled {0.5, 1, 1, 1, 1}.  The sample {1, 1, 1} has
	 * U = 4.5 when the 0.5 is in the other sample (C(4,3) = 4 of the
	 * C(5,3) = 10 arrangements) and U = 2 otherwise (6 of 10), so
	 * P(U >= 4.5) = 0.4 and p = 0.8 in either order.  go-moremath
	 * gives 0 for ({1,1,1}, {1,0.5}): U1's lower tail at 1.5. */
	static const double x[] = {1, 1, 1}, y[] = {1, 0.5};
	/* Hand: throughput 3 3 3 against 3 2 is the same pattern. */
	static const double a[] = {3, 3, 3}, b[] = {3, 2};
	double p, q;

	assert_int_equal(utest(x, 3, y, 2, &p), 0);
	assert_int_equal(utest(y, 2, x, 3, &q), 0);
	assert_close(p, 0.8, 1e-15);
	assert_same(p, q);
	assert_int_equal(utest(a, 3, b, 2, &p), 0);
	assert_int_equal(utest(b, 2, a, 3, &q), 0);
	assert_close(p, 0.8, 1e-15);
	assert_same(p, q);
}

static void
test_udist_cdf_ties_below_lowest(void **state)
{
	(void)state;
	/* Hand: T = {3, 2}, n1 = 2.  The least 2U puts both values among
	 * the three low ones: 2U = 2*(3-2) = 2 for all C(3,2) = 3 of the
	 * C(5,2) = 10 arrangements.  Just below it (U = 0.5) the CDF is 0;
	 * Go's truncating division counted those 3 there. */
	struct cstat__ucache *c;
	static const int t[] = {3, 2};
	double cdf;

	assert_int_equal(cstat__ucache_new(&c), 0);
	assert_int_equal(cstat__udist_cdf_ties(c, 2, 3, t, 2, 0.5, &cdf), 0);
	assert_same(cdf, 0);
	assert_int_equal(cstat__udist_cdf_ties(c, 2, 3, t, 2, 1, &cdf), 0);
	assert_close(cdf, 0.3, 1e-15);
	/* Hand: the refusals: a tie vector that does not add up, one run,
	 * an empty run, too large a sample. */
	static const int bad[] = {3, 0, 2};
	assert_int_equal(cstat__udist_cdf_ties(c, 2, 2, t, 2, 1, &cdf),
			 CSTAT_EINVAL);
	assert_int_equal(cstat__udist_cdf_ties(c, 2, 3, t, 1, 1, &cdf),
			 CSTAT_EINVAL);
	assert_int_equal(cstat__udist_cdf_ties(c, 2, 3, bad, 3, 1, &cdf),
			 CSTAT_EINVAL);
	assert_int_equal(cstat__udist_cdf_ties(c, 26, 1, t, 2, 1, &cdf),
			 CSTAT_EINVAL);
	cstat__ucache_free(c);
}

/*
 * Without ties, Go's running sum of the U distribution of 9 + 3 values
 * passes 1/2 by one rounding step at U1 = 13 (ranks of the 3 values
 * {5, 7, 8}: U1 = 58 - 45), so doubling it gives 1 + 2^-52.  A
 * probability stops at 1.
 */
static void
test_mann_whitney_no_ties_p_at_most_one(void **state)
{
	const double x[] = {1, 2, 3, 4, 6, 9, 10, 11, 12};
	const double y[] = {5, 7, 8};
	double p = 0, q = 0;

	(void)state;
	assert_int_equal(cstat__mann_whitney(NULL, x, 9, y, 3, &p), 0);
	assert_int_equal(cstat__mann_whitney(NULL, y, 3, x, 9, &q), 0);
	assert_true(p == 1);
	assert_true(q == 1);
}

/* One value of a sorted-input test: few distinct values so that ties are
 * common, now and then a NaN, -0 or +0. */
static double
random_value(uint64_t *s)
{
	switch (random_in(s, 0, 19)) {
	case 0:
		return NAN;
	case 1:
		return -0.0;
	case 2:
		return 0.0;
	default:
		return random_in(s, 1, 12) / 4.0;
	}
}

static void
test_mann_whitney_sorted_matches_unsorted(void **state)
{
	/* Expected: cstat__mann_whitney() on the same samples unsorted; the
	 * sorted entry must give the same result and the same double for
	 * every size (exact, exact with ties, normal) and tie pattern.
	 * 20,000 pairs, sizes 1..60, seed 16. */
	struct cstat__ucache *c;
	uint64_t seed = 16;
	double x[60], y[60], xs[60], ys[60], p0 = 0;
	int equal = 0;

	(void)state;
	assert_int_equal(cstat__ucache_new(&c), 0);
	for (int it = 0; it < 20000; it++) {
		size_t n1 = (size_t)random_in(&seed, 1, it % 4 ? 12 : 60);
		size_t n2 = (size_t)random_in(&seed, 1, it % 4 ? 12 : 60);
		double p = -1, q = -1;

		for (size_t i = 0; i < n1; i++)
			x[i] = xs[i] = random_value(&seed);
		for (size_t i = 0; i < n2; i++)
			y[i] = ys[i] = random_value(&seed);
		cstat__sort_doubles(xs, n1);
		cstat__sort_doubles(ys, n2);
		int a = cstat__mann_whitney(c, x, n1, y, n2, &p);
		int b = cstat__mann_whitney_sorted(c, xs, n1, ys, n2, &q);
		assert_int_equal(a, b);
		if (a == 0)
			assert_memory_equal(&p, &q, sizeof p);
		else
			equal++;
	}
	printf("sorted = unsorted on 20000 pairs (%d all equal)\n", equal);
	assert_true(equal > 0 && equal < 20000);
	assert_int_equal(cstat__mann_whitney_sorted(NULL, x, 1, y, 1, &p0),
			 CSTAT_EINVAL);
	cstat__ucache_free(c);
}

static void
test_ucache_free_null_is_noop(void **state)
{
	(void)state;
	/* Hand: the house rule for destructors. */
	cstat__ucache_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mann_whitney_exact_no_ties_hand),
		cmocka_unit_test(test_mann_whitney_equal_u_gives_one),
		cmocka_unit_test(test_mann_whitney_largest_exact_no_ties),
		cmocka_unit_test(test_mann_whitney_exact_ties_small_count),
		cmocka_unit_test(test_mann_whitney_exact_ties_two_groups),
		cmocka_unit_test(test_mann_whitney_exact_ties_memo),
		cmocka_unit_test(test_mann_whitney_ties_at_the_exact_limit),
		cmocka_unit_test(test_mann_whitney_normal_beyond_limit),
		cmocka_unit_test(test_mann_whitney_edge_big_conformance),
		cmocka_unit_test(test_mann_whitney_all_equal_is_samples_equal),
		cmocka_unit_test(test_mann_whitney_refuses_empty_sample),
		cmocka_unit_test(test_mann_whitney_leaves_inputs_alone),
		cmocka_unit_test(test_mann_whitney_nan_does_not_hang),
		cmocka_unit_test(test_ucache_reuse_gives_same_answers),
		cmocka_unit_test(test_mann_whitney_ties_match_enumeration),
		cmocka_unit_test(
			test_mann_whitney_two_values_match_enumeration),
		cmocka_unit_test(test_mann_whitney_ties_memo_match_enumeration),
		cmocka_unit_test(test_mann_whitney_no_ties_match_enumeration),
		cmocka_unit_test(test_mann_whitney_ties_either_order),
		cmocka_unit_test(test_udist_cdf_ties_below_lowest),
		cmocka_unit_test(test_mann_whitney_no_ties_p_at_most_one),
		cmocka_unit_test(test_mann_whitney_sorted_matches_unsorted),
		cmocka_unit_test(test_ucache_free_null_is_noop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
