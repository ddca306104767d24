/*
 * test-utest.c - unit tests for lib/utest.c, the two-sided Mann-Whitney U
 * test: the exact distribution without ties, the exact distribution with
 * ties (both the small-sample count and the Cheung-Klotz memo), the normal
 * approximation beyond the exact limits, the "all samples are equal" and
 * refusal paths, and the cache.
 *
 * Every expected value names where it comes from: the conformance
 * expectations in ../shared/conformance/cases/NAME/stdout (their inputs are
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

/* ../shared/conformance/cases/edge-big/big1.txt and big2.txt: the
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
	 * the Go reference.)  ../shared/conformance/cases/edge-few/stdout
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
	/* ../shared/conformance/cases/edge-ties/stdout: "p=0.035 n=10".
	 * A brute-force count over all C(20,10) = 184756 arrangements with
	 * mid-ranks finds 3198 with U <= 22 (the observed smaller U), so
	 * p = 2 * 3198/184756 = 123/3553, which the Go reference computes
	 * as 3198/184756*2 = 0.03461863214185196. */
	static const double t1[] = {1, 1, 2, 2, 3, 3, 3, 4, 5, 5};
	static const double t2[] = {2, 3, 3, 4, 4, 5, 6, 6, 6, 7};
	/* ../shared/conformance/cases/edge-mismatch/stdout: B-8 is
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

	/* ../shared/conformance/cases/edge-big/stdout: "Big ... ~
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
	/* ../shared/conformance/cases/edge-equal: every value equal gives
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
		cmocka_unit_test(test_ucache_free_null_is_noop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
