/*
 * test-stats.c - unit tests for lib/stats.c: Go-compatible sorting, the R8
 * quantile, quantile confidence intervals, the median and mode summaries,
 * the geometric mean, the sample-size thresholds and the helpers behind
 * them.
 *
 * Every expected value names where it comes from: the table of order
 * statistics that Go's benchmath.QuantileCI gives (golang.org/x/perf, run
 * for every n and level and copied below as ci_table, so the test
 * reads nothing at run time), the conformance expectations in
 * testdata/conformance/NAME/stdout, a hand calculation shown in the
 * comment, or, for a few bit patterns, Go 1.19.8 running the same
 * go-moremath code ("the Go reference" below).
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

/* ------------------------------------------------------------------ */

/* Go's insertionSort as written in sort/zsortinterface.go: swaps. */
static void
go_insertion_sort(double *d, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && (d[j] < d[j - 1] ||
					     (isnan(d[j]) && !isnan(d[j - 1])));
		     j--) {
			double t = d[j];
			d[j] = d[j - 1];
			d[j - 1] = t;
		}
}

static void
test_sort_doubles_short_inputs_match_go_swaps(void **state)
{
	/* Expected: Go's insertion sort (above), which sort.Float64s uses
	 * up to 12 values; 50,000 arrays of 1..12 values drawn from five
	 * (-0, +0, NaN, 1, 2) so that equal values are the rule; xorshift,
	 * seed 16.  The same bits in the same places. */
	uint64_t r = 16;

	(void)state;
	for (int it = 0; it < 50000; it++) {
		double x[12], y[12];
		size_t n = 1 + (size_t)(it % 12);

		for (size_t i = 0; i < n; i++) {
			r ^= r << 13;
			r ^= r >> 7;
			r ^= r << 17;
			const double pick[] = {-0.0, 0.0, NAN, 1, 2};
			x[i] = y[i] = pick[r % 5];
		}
		cstat__sort_doubles(x, n);
		go_insertion_sort(y, n);
		assert_memory_equal(x, y, n * sizeof x[0]);
	}
}

static void
test_sort_doubles_puts_nan_first(void **state)
{
	(void)state;
	/* Hand: Go's Float64Slice.Less orders NaN before every number. */
	double x[] = {3, NAN, -INFINITY, 1, NAN, INFINITY, -2};
	double want[] = {NAN, NAN, -INFINITY, -2, 1, 3, INFINITY};

	cstat__sort_doubles(x, 7);
	for (size_t i = 0; i < 7; i++)
		assert_same(x[i], want[i]);
}

static void
test_sort_doubles_short_input_is_stable(void **state)
{
	(void)state;
	/* Hand: Go insertion-sorts up to 12 elements, which keeps -0 and
	 * +0 in input order. */
	double x[] = {0.0, -0.0, 1, 0.0, -1, -0.0};

	cstat__sort_doubles(x, 6);
	assert_same(x[0], -1);
	assert_same(x[1], 0.0);
	assert_same(x[2], -0.0);
	assert_same(x[3], 0.0);
	assert_same(x[4], -0.0);
	assert_same(x[5], 1);
}

static void
test_sort_doubles_places_signed_zeros_like_go(void **state)
{
	(void)state;
	/* Input and result from the Go reference (sort.Float64s): above 12
	 * elements pdqsort is not stable, so the -0/+0 order below is
	 * Go's, not the input's. */
	const double z = 0.0, m = -0.0;
	/* clang-format off */
	double x[] = {1,   m,   -1,  2, z,   z, NAN, z,   1,   NAN,
		      z,   NAN, m,   z, z,   -1, -1, z,   m,   z,
		      NAN, -1,  z,   NAN, z, m, 2,   2,   NAN, z,
		      NAN, NAN, -1,  z, m,   z, NAN, m,   1,   -1};
	/* clang-format on */
	const double want_zeros[] = {z, z, z, m, m, z, m, z, m, z,
				     m, z, z, z, z, z, m, z, z};
	size_t n = sizeof(x) / sizeof(x[0]);

	cstat__sort_doubles(x, n);
	for (size_t i = 0; i < 9; i++)
		assert_true(isnan(x[i]));
	for (size_t i = 9; i < 15; i++)
		assert_same(x[i], -1);
	for (size_t i = 0; i < 19; i++)
		assert_same(x[15 + i], want_zeros[i]);
	for (size_t i = 34; i < 37; i++)
		assert_same(x[i], 1);
	for (size_t i = 37; i < 40; i++)
		assert_same(x[i], 2);
}

static void
test_sort_doubles_sorts_long_patterns(void **state)
{
	(void)state;
	/* Hand: ascending, descending, sawtooth, random and organ-pipe
	 * inputs, long enough for every pdqsort path (ninther, pattern
	 * breaking, partial insertion sort, heapsort), come out
	 * ascending. */
	enum { N = 1000 };
	static double x[N];

	for (int pattern = 0; pattern < 5; pattern++) {
		uint64_t r = 12345;

		for (int i = 0; i < N; i++) {
			r ^= r << 13;
			r ^= r >> 7;
			r ^= r << 17;
			switch (pattern) {
			case 0:
				x[i] = i;
				break;
			case 1:
				x[i] = N - i;
				break;
			case 2:
				x[i] = i % 17;
				break;
			case 3:
				x[i] = (double)(r % 1000);
				break;
			default:
				x[i] = i < N / 2 ? i : N - i;
			}
		}
		cstat__sort_doubles(x, N);
		for (int i = 1; i < N; i++)
			assert_true(x[i - 1] <= x[i]);
	}
	cstat__sort_doubles(NULL, 0);
}

/* ------------------------------------------------------------------ */

static void
test_quantile_sorted_odd_median_is_middle(void **state)
{
	(void)state;
	/* Hand: N=5, 1/3 + 0.5*(5 + 1/3) = 3.0 exactly: x[2]. */
	double x[] = {1, 2, 3, 4, 50};

	assert_same(cstat__quantile_sorted(x, 5, 0.5), 3);
}

static void
test_quantile_sorted_even_median_interpolates(void **state)
{
	(void)state;
	/* Hand: N=4, position 2.5: x[1] + 0.5*(x[2] - x[1]). */
	double x[] = {1, 2, 4, 8};
	/* Hand: N=2 near the top of the range, where (a+b)/2 would
	 * overflow but a + 0.5*(b-a) does not. */
	double big[] = {1e308, 1.7e308};

	assert_same(cstat__quantile_sorted(x, 4, 0.5), 3);
	assert_same(cstat__quantile_sorted(big, 2, 0.5),
		    1e308 + 0.5 * (1.7e308 - 1e308));
	assert_true(isfinite(cstat__quantile_sorted(big, 2, 0.5)));
}

static void
test_quantile_sorted_one_value_is_that_value(void **state)
{
	(void)state;
	/* Hand: N=1, position 1.0 gives k = 1 >= N: x[0]. */
	double x[] = {-0.0};

	assert_same(cstat__quantile_sorted(x, 1, 0.5), -0.0);
	assert_same(cstat__quantile_sorted(x, 1, 0.1), -0.0);
}

static void
test_quantile_sorted_other_quantiles_use_r8(void **state)
{
	(void)state;
	/* Hand: N=4, q=0.25: 1/3 + 0.25*(4 + 1/3) = 1.41666..., so
	 * x[0] + 0.41666...*(x[1] - x[0]); q <= 0 is the minimum and
	 * q >= 1 the maximum; q=0.99 puts the position past N. */
	double x[] = {10, 22, 30, 40};
	double pos = 1 / 3.0 + 0.25 * (4 + 1 / 3.0);

	assert_same(cstat__quantile_sorted(x, 4, 0.25),
		    10 + (pos - 1) * (22 - 10));
	assert_same(cstat__quantile_sorted(x, 4, 0), 10);
	assert_same(cstat__quantile_sorted(x, 4, -1), 10);
	assert_same(cstat__quantile_sorted(x, 4, 1), 40);
	assert_same(cstat__quantile_sorted(x, 4, 0.99), 40);
}

static void
test_quantile_sorted_empty_is_nan(void **state)
{
	(void)state;
	/* Hand: go-moremath returns NaN for an empty sample. */
	assert_true(isnan(cstat__quantile_sorted(NULL, 0, 0.5)));
}

/* ------------------------------------------------------------------ */

/*
 * ci_table: Go's benchmath.QuantileCI(n, 0.5, conf) as Go printed
 * it, in its columns conf, n, LoOrder, HiOrder, actualConfidence,
 * ambiguous.
 */
static const struct ci_row {
	double conf;
	size_t n;
	long lo, hi;
	double actual;
	bool ambiguous;
} ci_table[] = {
	{0.9, 1, 0, 2, 1, false},
	{0.9, 2, 0, 3, 1, false},
	{0.9, 3, 0, 4, 1, false},
	{0.9, 4, 0, 4, 0.9375, true},
	{0.9, 5, 1, 5, 0.9375, false},
	{0.9, 6, 1, 6, 0.96875, false},
	{0.9, 7, 1, 6, 0.9296875, true},
	{0.9, 8, 2, 7, 0.9296875, false},
	{0.9, 9, 2, 8, 0.9609375, false},
	{0.9, 10, 2, 8, 0.9345703125, true},
	{0.9, 11, 3, 9, 0.9345703125, false},
	{0.9, 12, 3, 9, 0.90771484375, true},
	{0.9, 13, 4, 10, 0.90771484375, false},
	{0.9, 14, 4, 11, 0.942626953125, false},
	{0.9, 15, 4, 11, 0.923187255859375, true},
	{0.9, 16, 5, 12, 0.923187255859375, false},
	{0.9, 17, 5, 12, 0.90374755859375, true},
	{0.9, 18, 6, 13, 0.90374755859375, false},
	{0.9, 19, 6, 14, 0.936431884765625, false},
	{0.9, 20, 6, 14, 0.9216461181640625, true},
	{0.9, 21, 7, 15, 0.9216461181640659, false},
	{0.9, 22, 8, 16, 0.9068603515624998, false},
	{0.9, 23, 8, 16, 0.9068603515625008, false},
	{0.9, 24, 8, 17, 0.9360853433608919, false},
	{0.9, 25, 8, 17, 0.9244813024997721, false},
	{0.9, 26, 9, 18, 0.9244813024997669, false},
	{0.9, 27, 9, 18, 0.912841446697702, true},
	{0.9, 28, 10, 19, 0.9128414466977142, false},
	{0.9, 29, 11, 20, 0.9012628532946142, false},
	{0.9, 30, 11, 20, 0.9012628532946163, false},
	{0.9, 31, 11, 21, 0.9275139149131535, false},
	{0.9, 32, 11, 21, 0.918279152241899, true},
	{0.9, 33, 12, 22, 0.9182772477013406, false},
	{0.9, 34, 12, 22, 0.9090288507722754, true},
	{0.9, 35, 13, 23, 0.9090310520246423, false},
	{0.9, 36, 13, 24, 0.9332469848303655, false},
	{0.9, 37, 13, 24, 0.9256509837467406, true},
	{0.9, 38, 14, 25, 0.9256470946314364, false},
	{0.9, 39, 14, 25, 0.9180107439498292, true},
	{0.9, 40, 15, 26, 0.918009678999617, false},
	{0.9, 41, 15, 26, 0.9103657482423275, true},
	{0.9, 42, 16, 27, 0.9103670057321109, false},
	{0.9, 43, 16, 27, 0.9027424160593649, true},
	{0.9, 44, 17, 28, 0.9027455715609967, false},
	{0.9, 45, 17, 29, 0.9263617298796973, false},
	{0.9, 46, 17, 29, 0.9199483582326943, true},
	{0.9, 47, 18, 30, 0.9199472176424206, false},
	{0.9, 48, 18, 30, 0.913523416298765, true},
	{0.9, 49, 19, 31, 0.9135237345063343, false},
	{0.9, 50, 19, 31, 0.9071065072573671, true},
	{0.9, 51, 20, 32, 0.9071080591162946, false},
	{0.9, 52, 20, 32, 0.9007117748350667, true},
	{0.9, 53, 21, 33, 0.9007143652286422, false},
	{0.9, 54, 21, 34, 0.9231187950912947, false},
	{0.9, 55, 21, 34, 0.9176481708537931, true},
	{0.9, 56, 22, 35, 0.9176477849471933, false},
	{0.9, 57, 22, 35, 0.9121744352998115, true},
	{0.9, 58, 23, 36, 0.9121749043698051, false},
	{0.9, 59, 23, 36, 0.9067088342752131, true},
	{0.9, 60, 24, 37, 0.9067100438163953, false},
	{0.9, 61, 24, 37, 0.901259913514465, true},
	{0.9, 62, 25, 38, 0.9012617622253751, false},
	{0.9, 63, 25, 39, 0.9222401035606704, false},
	{0.9, 64, 25, 39, 0.917522358819519, true},
	{0.9, 65, 26, 40, 0.9175221125267903, false},
	{0.9, 66, 26, 40, 0.9128026331126239, true},
	{0.9, 67, 27, 41, 0.9128029355097886, false},
	{0.9, 68, 27, 41, 0.9080881637940779, true},
	{0.9, 69, 28, 42, 0.9080889510046402, false},
	{0.9, 70, 28, 42, 0.9033845770165361, true},
	{0.9, 71, 29, 43, 0.9033857915521477, false},
	{0.9, 72, 29, 44, 0.9229001282564582, false},
	{0.9, 73, 29, 44, 0.9187914205401857, true},
	{0.9, 74, 30, 45, 0.9187911284718013, false},
	{0.9, 75, 30, 45, 0.9146797516852169, true},
	{0.9, 76, 31, 46, 0.914679835764538, false},
	{0.9, 77, 31, 46, 0.9105702189367378, true},
	{0.9, 78, 32, 47, 0.9105706409710064, false},
	{0.9, 79, 32, 47, 0.9064667621886974, true},
	{0.9, 80, 33, 48, 0.9064674873109069, false},
	{0.9, 81, 33, 48, 0.9023729130838278, true},
	{0.9, 82, 34, 49, 0.9023739095064636, false},
	{0.9, 83, 34, 50, 0.9209505417484523, false},
	{0.9, 84, 34, 50, 0.9173378577633714, true},
	{0.9, 85, 35, 51, 0.9173377479432814, false},
	{0.9, 86, 35, 51, 0.913724293574776, true},
	{0.9, 87, 36, 52, 0.9137244304174705, false},
	{0.9, 88, 36, 52, 0.9101131163023763, true},
	{0.9, 89, 37, 53, 0.9101134775602162, false},
	{0.9, 90, 37, 53, 0.9065069511672165, true},
	{0.9, 91, 38, 54, 0.9065075163101644, false},
	{0.9, 92, 38, 54, 0.9029081823011389, true},
	{0.9, 93, 39, 55, 0.9029089324035229, false},
	{0.9, 94, 39, 56, 0.9204693937726114, false},
	{0.9, 95, 39, 56, 0.9172690538327511, true},
	{0.9, 96, 40, 57, 0.9172689776848975, false},
	{0.9, 97, 40, 57, 0.9140681043708156, true},
	{0.9, 98, 41, 58, 0.9140681997800504, false},
	{0.9, 99, 41, 58, 0.910868821283972, true},
	{0.9, 100, 42, 59, 0.910869074482914, false},
	{0.95, 1, 0, 2, 1, false},
	{0.95, 2, 0, 3, 1, false},
	{0.95, 3, 0, 4, 1, false},
	{0.95, 4, 0, 5, 1, false},
	{0.95, 5, 0, 5, 0.96875, true},
	{0.95, 6, 1, 6, 0.96875, false},
	{0.95, 7, 1, 7, 0.984375, false},
	{0.95, 8, 1, 7, 0.9609375, true},
	{0.95, 9, 2, 8, 0.9609375, false},
	{0.95, 10, 2, 9, 0.978515625, false},
	{0.95, 11, 2, 9, 0.96142578125, true},
	{0.95, 12, 3, 10, 0.96142578125, false},
	{0.95, 13, 3, 11, 0.9775390625, false},
	{0.95, 14, 3, 11, 0.96484375, true},
	{0.95, 15, 4, 12, 0.96484375, false},
	{0.95, 16, 4, 12, 0.950958251953125, true},
	{0.95, 17, 5, 13, 0.950958251953125, false},
	{0.95, 18, 5, 14, 0.9691162109375, false},
	{0.95, 19, 5, 14, 0.9586105346679688, true},
	{0.95, 20, 6, 15, 0.9586105346679688, false},
	{0.95, 21, 6, 16, 0.9733963012695351, false},
	{0.95, 22, 6, 16, 0.9653103351593018, false},
	{0.95, 23, 7, 17, 0.9653103351593026, false},
	{0.95, 24, 8, 18, 0.9567147493362336, false},
	{0.95, 25, 8, 18, 0.9567147493362438, false},
	{0.95, 26, 8, 19, 0.9710407257080036, false},
	{0.95, 27, 8, 19, 0.9643018618225948, false},
	{0.95, 28, 9, 20, 0.9643018618226076, false},
	{0.95, 29, 9, 20, 0.9572260547429357, true},
	{0.95, 30, 10, 21, 0.9572260547429379, false},
	{0.95, 31, 10, 22, 0.9688587894042033, false},
	{0.95, 32, 10, 22, 0.9633069030110369, true},
	{0.95, 33, 11, 23, 0.9632861436372959, false},
	{0.95, 34, 11, 23, 0.957494209247624, true},
	{0.95, 35, 12, 24, 0.9574775220019482, false},
	{0.95, 36, 12, 24, 0.9514933524049469, true},
	{0.95, 37, 13, 25, 0.9514802617197493, false},
	{0.95, 38, 13, 26, 0.9650449273563695, false},
	{0.95, 39, 13, 26, 0.9601806924076353, true},
	{0.95, 40, 14, 27, 0.9601673807552584, false},
	{0.95, 41, 14, 27, 0.9551486716722726, true},
	{0.95, 42, 15, 28, 0.9551377288470853, false},
	{0.95, 43, 15, 29, 0.9672373549211402, false},
	{0.95, 44, 15, 29, 0.9631225446321499, true},
	{0.95, 45, 16, 30, 0.9631115742929501, false},
	{0.95, 46, 16, 30, 0.9588687165256626, true},
	{0.95, 47, 17, 31, 0.9588593670279739, false},
	{0.95, 48, 17, 31, 0.9545076041557081, true},
	{0.95, 49, 18, 32, 0.9544997361036416, false},
	{0.95, 50, 18, 32, 0.9500565457079816, true},
	{0.95, 51, 19, 33, 0.9500500235452536, false},
	{0.95, 52, 19, 34, 0.96248599838446, false},
	{0.95, 53, 19, 34, 0.9587801974639717, true},
	{0.95, 54, 20, 35, 0.9587731666628363, false},
	{0.95, 55, 20, 35, 0.9549851696293085, true},
	{0.95, 56, 21, 36, 0.9549791189974615, false},
	{0.95, 57, 21, 36, 0.9511205148596136, true},
	{0.95, 58, 22, 37, 0.9511153660838187, false},
	{0.95, 59, 22, 38, 0.9627508341931661, false},
	{0.95, 60, 22, 38, 0.9595033432179895, true},
	{0.95, 61, 23, 39, 0.9594977844173931, false},
	{0.95, 62, 23, 39, 0.9561850885443841, true},
	{0.95, 63, 24, 40, 0.9561802071973251, false},
	{0.95, 64, 24, 40, 0.9528103317862898, true},
	{0.95, 65, 25, 41, 0.9528060807389849, false},
	{0.95, 66, 25, 42, 0.9636111337992914, false},
	{0.95, 67, 25, 42, 0.9607542273038677, true},
	{0.95, 68, 26, 43, 0.9607496695323072, false},
	{0.95, 69, 26, 43, 0.9578391420426192, true},
	{0.95, 70, 27, 44, 0.957835068746637, false},
	{0.95, 71, 27, 44, 0.9548766692704096, true},
	{0.95, 72, 28, 45, 0.9548730511113239, false},
	{0.95, 73, 28, 45, 0.9518721779431024, true},
	{0.95, 74, 29, 46, 0.9518689862189382, false},
	{0.95, 75, 29, 47, 0.9623330777713712, false},
	{0.95, 76, 29, 47, 0.95976480381017, true},
	{0.95, 77, 30, 48, 0.9597613228802406, false},
	{0.95, 78, 30, 48, 0.9571520236487479, true},
	{0.95, 79, 31, 49, 0.9571488799234578, false},
	{0.95, 80, 31, 49, 0.954502561111936, true},
	{0.95, 81, 32, 50, 0.9544997361036416, false},
	{0.95, 82, 32, 50, 0.9518201823921467, true},
	{0.95, 83, 33, 51, 0.9518176580066078, false},
	{0.95, 84, 33, 52, 0.96183423054117, false},
	{0.95, 85, 33, 52, 0.9595233144051426, true},
	{0.95, 86, 34, 53, 0.9595205438867898, false},
	{0.95, 87, 34, 53, 0.9571769184317389, true},
	{0.95, 88, 35, 54, 0.9571743907691086, false},
	{0.95, 89, 35, 54, 0.9548009438242712, true},
	{0.95, 90, 36, 55, 0.9547986470234779, false},
	{0.95, 91, 36, 55, 0.9523981229779536, true},
	{0.95, 92, 37, 56, 0.9523960452721285, false},
	{0.95, 93, 37, 57, 0.9619117157937078, false},
	{0.95, 94, 37, 57, 0.9598284077021532, true},
	{0.95, 95, 38, 58, 0.9598261297114878, false},
	{0.95, 96, 38, 58, 0.9577158832312611, true},
	{0.95, 97, 39, 59, 0.9577137851300292, false},
	{0.95, 98, 39, 59, 0.9555787413441117, true},
	{0.95, 99, 40, 60, 0.9555768151499939, false},
	{0.95, 100, 40, 60, 0.9534190196211817, true},
	{0.99, 1, 0, 2, 1, false},
	{0.99, 2, 0, 3, 1, false},
	{0.99, 3, 0, 4, 1, false},
	{0.99, 4, 0, 5, 1, false},
	{0.99, 5, 0, 6, 1, false},
	{0.99, 6, 0, 7, 1, false},
	{0.99, 7, 0, 7, 0.9921875, true},
	{0.99, 8, 1, 8, 0.9921875, false},
	{0.99, 9, 1, 9, 0.99609375, false},
	{0.99, 10, 1, 10, 0.998046875, false},
	{0.99, 11, 1, 10, 0.99365234375, true},
	{0.99, 12, 2, 11, 0.99365234375, false},
	{0.99, 13, 2, 12, 0.99658203125, false},
	{0.99, 14, 2, 12, 0.99261474609375, true},
	{0.99, 15, 3, 13, 0.99261474609375, false},
	{0.99, 16, 3, 14, 0.995819091796875, false},
	{0.99, 17, 3, 14, 0.992462158203125, true},
	{0.99, 18, 4, 15, 0.992462158203125, false},
	{0.99, 19, 4, 16, 0.995574951171875, false},
	{0.99, 20, 4, 16, 0.992802619934082, true},
	{0.99, 21, 5, 17, 0.9928026199340859, false},
	{0.99, 22, 5, 18, 0.9956564903259277, false},
	{0.99, 23, 5, 18, 0.9933892488479623, true},
	{0.99, 24, 6, 19, 0.9933892488479521, false},
	{0.99, 25, 6, 19, 0.9906446933746351, false},
	{0.99, 26, 7, 20, 0.9906446933746296, false},
	{0.99, 27, 7, 21, 0.9940753877162829, false},
	{0.99, 28, 8, 22, 0.9918699413538005, false},
	{0.99, 29, 8, 22, 0.9918699413538014, false},
	{0.99, 30, 8, 23, 0.9947771206498202, false},
	{0.99, 31, 8, 23, 0.9920109312353573, true},
	{0.99, 32, 9, 24, 0.9919900576701199, false},
	{0.99, 33, 9, 25, 0.994651229479518, false},
	{0.99, 34, 9, 25, 0.9931756102723934, true},
	{0.99, 35, 10, 26, 0.993159141564171, false},
	{0.99, 36, 10, 26, 0.991487068542528, true},
	{0.99, 37, 11, 27, 0.9914711478459481, false},
	{0.99, 38, 11, 28, 0.9941801830459902, false},
	{0.99, 39, 11, 28, 0.9928233141371114, true},
	{0.99, 40, 12, 29, 0.992810482749835, false},
	{0.99, 41, 12, 29, 0.9913005115745673, true},
	{0.99, 42, 13, 30, 0.9912880870376204, false},
	{0.99, 43, 13, 31, 0.9939484357116128, false},
	{0.99, 44, 13, 31, 0.9927198233210659, true},
	{0.99, 45, 14, 32, 0.9927096419084644, false},
	{0.99, 46, 14, 32, 0.9913594829624439, true},
	{0.99, 47, 15, 33, 0.9913495941049024, false},
	{0.99, 48, 15, 34, 0.9939010540687856, false},
	{0.99, 49, 15, 34, 0.9927986377452184, true},
	{0.99, 50, 16, 35, 0.9927904292352574, false},
	{0.99, 51, 16, 35, 0.9915899573771132, true},
	{0.99, 52, 17, 36, 0.9915819559346479, false},
	{0.99, 53, 17, 36, 0.9902860093641044, true},
	{0.99, 54, 18, 37, 0.9902782576877582, false},
	{0.99, 55, 18, 38, 0.9929990580105514, false},
	{0.99, 56, 18, 38, 0.9919350760692022, true},
	{0.99, 57, 19, 39, 0.9919285125747319, false},
	{0.99, 58, 19, 39, 0.9907861486158477, true},
	{0.99, 59, 20, 40, 0.9907797601085775, false},
	{0.99, 60, 20, 41, 0.9932937243921944, false},
	{0.99, 61, 20, 41, 0.9923523390789968, true},
	{0.99, 62, 21, 42, 0.9923468935451607, false},
	{0.99, 63, 21, 42, 0.9913404266829181, true},
	{0.99, 64, 22, 43, 0.9913351032739748, false},
	{0.99, 65, 22, 43, 0.9902650608261281, true},
	{0.99, 66, 23, 44, 0.990259877594728, false},
	{0.99, 67, 23, 45, 0.9928059981143127, false},
	{0.99, 68, 23, 45, 0.991919222897904, true},
	{0.99, 69, 24, 46, 0.9919147464072926, false},
	{0.99, 70, 24, 46, 0.9909744673322068, true},
	{0.99, 71, 25, 47, 0.9909700892373074, false},
	{0.99, 72, 25, 48, 0.9932833544973791, false},
	{0.99, 73, 25, 48, 0.9925017437857108, true},
	{0.99, 74, 26, 49, 0.9924979507803404, false},
	{0.99, 75, 26, 49, 0.9916709727587323, true},
	{0.99, 76, 27, 50, 0.9916672482608198, false},
	{0.99, 77, 27, 50, 0.9907957455966186, true},
	{0.99, 78, 28, 51, 0.9907920988170151, false},
	{0.99, 79, 28, 52, 0.9930704479890431, false},
	{0.99, 80, 28, 52, 0.9923424263146812, true},
	{0.99, 81, 29, 53, 0.9923392388648204, false},
	{0.99, 82, 29, 53, 0.991573086150581, true},
	{0.99, 83, 30, 54, 0.9915699531215294, false},
	{0.99, 84, 30, 54, 0.990766336714956, true},
	{0.99, 85, 31, 55, 0.9907632645131934, false},
	{0.99, 86, 31, 56, 0.9929784260468233, false},
	{0.99, 87, 31, 56, 0.9923040768735777, true},
	{0.99, 88, 32, 57, 0.9923013727182926, false},
	{0.99, 89, 32, 57, 0.9915946668012455, true},
	{0.99, 90, 33, 58, 0.9915920054227507, false},
	{0.99, 91, 33, 58, 0.9908534663962398, true},
	{0.99, 92, 34, 59, 0.9908508524204063, false},
	{0.99, 93, 34, 59, 0.9900810580371844, true},
	{0.99, 94, 35, 60, 0.9900784954617312, false},
	{0.99, 95, 35, 61, 0.9923592051752901, false},
	{0.99, 96, 35, 61, 0.9917092316558278, true},
	{0.99, 97, 36, 62, 0.9917069513678378, false},
	{0.99, 98, 36, 62, 0.9910296948341416, true},
	{0.99, 99, 37, 63, 0.9910274514038824, false},
	{0.99, 100, 37, 63, 0.9903233608711832, true},
};

static void
test_quantile_ci_matches_order_table(void **state)
{
	(void)state;
	size_t rows = sizeof(ci_table) / sizeof(ci_table[0]);

	assert_int_equal(rows, 300);
	for (size_t i = 0; i < rows; i++) {
		const struct ci_row *r = &ci_table[i];
		long lo, hi;

		cstat__quantile_ci(r->n, 0.5, r->conf, &lo, &hi);
		assert_int_equal(lo, r->lo);
		assert_int_equal(hi, r->hi);
	}
}

static void
test_quantile_ci_full_matches_confidence_bits(void **state)
{
	(void)state;
	/* Same table: Go printed each confidence so that it reads back as
	 * the same double, so the binomial sums (n <= 30) and the normal
	 * band (n > 30) must agree with Go's to the last bit. */
	for (size_t i = 0; i < sizeof(ci_table) / sizeof(ci_table[0]); i++) {
		const struct ci_row *r = &ci_table[i];
		struct cstat__quantile_ci_result res;

		cstat__quantile_ci_full(r->n, 0.5, r->conf, &res);
		assert_int_equal(res.lo_order, r->lo);
		assert_int_equal(res.hi_order, r->hi);
		assert_same(res.confidence, r->actual);
		assert_int_equal(res.ambiguous, r->ambiguous);
	}
}

static void
test_quantile_ci_documented_examples(void **state)
{
	(void)state;
	/* benchmath's QuantileCI (the table above): at 0.95, n <= 5 is
	 * infinite, n=6 -> (1,6), n=10 -> (2,9), n=20 -> (6,15),
	 * n=30 -> (10,21). */
	static const long want[][3] = {
		{5, 0, 5}, {6, 1, 6}, {10, 2, 9}, {20, 6, 15}, {30, 10, 21},
	};

	for (size_t i = 0; i < 5; i++) {
		long lo, hi;

		cstat__quantile_ci((size_t)want[i][0], 0.5, 0.95, &lo, &hi);
		assert_int_equal(lo, want[i][1]);
		assert_int_equal(hi, want[i][2]);
	}
}

static void
test_quantile_ci_confidence_one_is_whole_range(void **state)
{
	(void)state;
	/* Hand: go-moremath returns orders 0 and n+1 for confidence >= 1
	 * (BENCHSTAT.md: "-confidence 1 always gives ±∞"). */
	struct cstat__quantile_ci_result res;

	for (size_t n = 1; n <= 100; n++) {
		cstat__quantile_ci_full(n, 0.5, 1, &res);
		assert_int_equal(res.lo_order, 0);
		assert_int_equal(res.hi_order, (long)n + 1);
		assert_same(res.confidence, 1);
		assert_false(res.ambiguous);
	}
}

static void
test_quantile_ci_other_quantiles(void **state)
{
	(void)state;
	/* Hand: Binomial(10, 0.25) has its mode at ceil(11/4) - 1 = 2 with
	 * PMF 0.2816; adding PMF(3) = 0.2503, PMF(1) = 0.1877 and
	 * PMF(4) = 0.1460 reaches 0.8656 >= 0.8 over gaps [1, 5). */
	long lo, hi;

	cstat__quantile_ci(10, 0.25, 0.8, &lo, &hi);
	assert_int_equal(lo, 1);
	assert_int_equal(hi, 5);
	/* Hand: q = 0 starts at gap 0, whose probability is 1. */
	cstat__quantile_ci(10, 0, 0.95, &lo, &hi);
	assert_int_equal(lo, 0);
	assert_int_equal(hi, 1);
}

static void
test_quantile_ci_orders_stay_in_range(void **state)
{
	(void)state;
	/* Hand: whatever the level, orders stay within [0, n+1] (a NaN
	 * level, where Go panics, included). */
	static const double confs[] = {0, 0.1, 0.5, 0.9, 0.999999, -1, NAN};

	for (size_t n = 0; n <= 200; n++) {
		for (size_t c = 0; c < sizeof(confs) / sizeof(confs[0]); c++) {
			long lo, hi;

			cstat__quantile_ci(n, 0.5, confs[c], &lo, &hi);
			assert_true(lo >= 0 && lo <= (long)n + 1);
			assert_true(hi <= (long)n + 1);
		}
	}
}

/* ------------------------------------------------------------------ */

static void
test_median_summary_needs_six_samples_at_95(void **state)
{
	(void)state;
	/* testdata/conformance/edge-few/stdout: n=3 prints
	 * "101.0n ± ∞". */
	double few[] = {100, 101, 102};
	/* testdata/conformance/edge-mismatch/stdout: A-8 is
	 * "11.00n ± 9%": n=6 uses orders (1,6) and 12/11 - 1 rounds to 9%. */
	double six[] = {10, 10, 11, 11, 12, 12};
	double c, lo, hi;

	cstat__median_summary(few, 3, 0.95, &c, &lo, &hi);
	assert_same(c, 101);
	assert_true(isinf(lo) && lo < 0);
	assert_true(isinf(hi) && hi > 0);

	cstat__median_summary(six, 6, 0.95, &c, &lo, &hi);
	assert_same(c, 11);
	assert_same(lo, 10);
	assert_same(hi, 12);
}

static void
test_median_summary_uses_ci_orders_for_ties(void **state)
{
	(void)state;
	/* testdata/conformance/edge-ties/stdout: ties1 is
	 * "3.000n ± 67%": n=10 uses orders (2,9), so lo=1, hi=5 and
	 * max(5/3 - 1, 1 - 1/3) = 0.667. */
	double t1[] = {1, 1, 2, 2, 3, 3, 3, 4, 5, 5};
	double c, lo, hi;

	cstat__median_summary(t1, 10, 0.95, &c, &lo, &hi);
	assert_same(c, 3);
	assert_same(lo, 1);
	assert_same(hi, 5);
	assert_close(fmax(hi / c - 1, 1 - lo / c), 2 / 3.0, 1e-15);
}

static void
test_median_summary_empty_is_nan_and_infinite(void **state)
{
	(void)state;
	/* Hand: no values, no median, and no order statistic in range. */
	double c, lo, hi;

	cstat__median_summary(NULL, 0, 0.95, &c, &lo, &hi);
	assert_true(isnan(c));
	assert_true(isinf(lo) && isinf(hi));
}

static void
test_mode_summary_ties_go_to_first_run(void **state)
{
	(void)state;
	/* Hand (benchmath assumeExact): the mode needs a strictly longer
	 * run to move, so of two runs of two the first one wins. */
	double a[] = {1, 1, 2, 2};
	double b[] = {1, 2, 2, 3, 3, 3};
	double e[] = {7, 7, 7};
	double c, lo, hi;

	cstat__mode_summary(a, 4, &c, &lo, &hi);
	assert_same(c, 1);
	assert_same(lo, 1);
	assert_same(hi, 2);
	cstat__mode_summary(b, 6, &c, &lo, &hi);
	assert_same(c, 3);
	assert_same(lo, 1);
	assert_same(hi, 3);
	cstat__mode_summary(e, 3, &c, &lo, &hi);
	assert_same(c, 7);
	assert_same(lo, 7);
	assert_same(hi, 7);
}

static void
test_mode_summary_reports_first_value_of_run(void **state)
{
	(void)state;
	/* Hand: -0 == +0, so they form one run, reported by its first
	 * value; one value is its own mode; no values give NaN. */
	double z[] = {-0.0, 0.0, 0.0, 1};
	double one[] = {42};
	double c, lo, hi;

	cstat__mode_summary(z, 4, &c, &lo, &hi);
	assert_same(c, -0.0);
	cstat__mode_summary(one, 1, &c, &lo, &hi);
	assert_same(c, 42);
	assert_same(lo, 42);
	assert_same(hi, 42);
	cstat__mode_summary(NULL, 0, &c, &lo, &hi);
	assert_true(isnan(c) && isnan(lo) && isnan(hi));
}

/* ------------------------------------------------------------------ */

static void
test_geomean_matches_benchstat_csv(void **state)
{
	(void)state;
	/* testdata/conformance/edge-csv/stdout: the geomean row of
	 * centers 1.1000000000000001e-08 and 2.1000000000000003e-08 is
	 * 1.5198684153570684e-08, and of 3.1e-08 and 4.1e-08 is
	 * 3.565108693995174e-08, to the last digit. */
	double a[] = {1.1000000000000001e-08, 2.1000000000000003e-08};
	double b[] = {3.1e-08, 4.1e-08};

	assert_same(cstat__geomean(a, 2), 1.5198684153570684e-08);
	assert_same(cstat__geomean(b, 2), 3.565108693995174e-08);
}

static void
test_geomean_of_powers_of_two(void **state)
{
	(void)state;
	/* Hand: the running mean of log 1, log 2, log 4 is log 2. */
	double x[] = {1, 2, 4};

	assert_close(cstat__geomean(x, 3), 2, 1e-15);
	assert_close(cstat__geomean(x + 1, 1), 2, 1e-15);
}

static void
test_geomean_nonpositive_or_empty_is_nan(void **state)
{
	(void)state;
	/* Hand (go-moremath GeoMean): any x <= 0 gives NaN, and so does an
	 * empty list. */
	double zero[] = {1, 0, 4};
	double neg[] = {1, 2, -4};
	double negzero[] = {-0.0};

	assert_true(isnan(cstat__geomean(zero, 3)));
	assert_true(isnan(cstat__geomean(neg, 3)));
	assert_true(isnan(cstat__geomean(negzero, 1)));
	assert_true(isnan(cstat__geomean(NULL, 0)));
}

/* ------------------------------------------------------------------ */

static void
test_median_samples_levels(void **state)
{
	(void)state;
	/* ci_table (above): the first n >= 2 with
	 * LoOrder > 0 and HiOrder <= n is 5 at 0.9, 6 at 0.95, 8 at 0.99;
	 * edge-few/stdout says "need >= 6 samples ... at level 0.95". */
	assert_int_equal(cstat__median_samples(0.95), 6);
	assert_int_equal(cstat__median_samples(0.9), 5);
	assert_int_equal(cstat__median_samples(0.99), 8);
	/* Hand: at level 1 no n gives a finite interval ("need > 50"). */
	assert_int_equal(cstat__median_samples(1), -1);
}

static void
test_utest_samples_levels(void **state)
{
	(void)state;
	/* testdata/conformance/edge-few/stdout: "need >= 4 samples
	 * to detect a difference at alpha level 0.05"; the others from
	 * benchmath's uTestMinP table (1, 1/3, 0.1, 0.0286, 0.0079, ...,
	 * 4.1e-05 for n = 1..9). */
	assert_int_equal(cstat__utest_samples(0.05), 4);
	assert_int_equal(cstat__utest_samples(0.01), 5);
	assert_int_equal(cstat__utest_samples(0.001), 7);
	assert_int_equal(cstat__utest_samples(1), 1);
	assert_int_equal(cstat__utest_samples(0.3333333333333333), 2);
	assert_int_equal(cstat__utest_samples(1e-9), -1);
	assert_int_equal(cstat__utest_samples(NAN), -1);
}

static void
test_choose_small_and_large(void **state)
{
	(void)state;
	/* Hand: exact up to n = 20; k out of range gives 0. */
	assert_same(cstat__choose(20, 10), 184756);
	assert_same(cstat__choose(12, 6), 924);
	assert_same(cstat__choose(5, 0), 1);
	assert_same(cstat__choose(5, 5), 1);
	assert_same(cstat__choose(5, 6), 0);
	assert_same(cstat__choose(5, -1), 0);
	/* Hand: above 20 Go uses exp(lgamma...), close to the integer but
	 * not always equal to it. */
	for (long n = 21; n <= 60; n++) {
		double c = 1;

		for (long k = 0; k <= n; k++) {
			assert_close(cstat__choose(n, k), c, 1e-12);
			c = c * (double)(n - k) / (double)(k + 1);
		}
	}
	/* The Go reference: mathx.Choose(21, 3) is 0x1.4c8000000002fp+10
	 * and mathx.Choose(40, 20) is 0x1.00c258d9a002cp+37. */
	assert_same(cstat__choose(21, 3), 0x1.4c8000000002fp+10);
	assert_same(cstat__choose(40, 20), 0x1.00c258d9a002cp+37);
}

static void
test_normal_cdf_known_points(void **state)
{
	(void)state;
	/* Hand: Phi(0) = 1/2 exactly; Phi(1.959963984540054) = 0.975. */
	assert_same(cstat__normal_cdf(0, 1, 0), 0.5);
	assert_close(cstat__normal_cdf(0, 1, 1.959963984540054), 0.975, 1e-14);
	assert_close(cstat__normal_cdf(10, 2, 10 - 2 * 1.959963984540054),
		     0.025, 1e-13);
	assert_same(cstat__normal_cdf(0, 1, INFINITY), 1);
	assert_same(cstat__normal_cdf(0, 1, -INFINITY), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort_doubles_short_inputs_match_go_swaps),
		cmocka_unit_test(test_sort_doubles_puts_nan_first),
		cmocka_unit_test(test_sort_doubles_short_input_is_stable),
		cmocka_unit_test(test_sort_doubles_places_signed_zeros_like_go),
		cmocka_unit_test(test_sort_doubles_sorts_long_patterns),
		cmocka_unit_test(test_quantile_sorted_odd_median_is_middle),
		cmocka_unit_test(test_quantile_sorted_even_median_interpolates),
		cmocka_unit_test(test_quantile_sorted_one_value_is_that_value),
		cmocka_unit_test(test_quantile_sorted_other_quantiles_use_r8),
		cmocka_unit_test(test_quantile_sorted_empty_is_nan),
		cmocka_unit_test(test_quantile_ci_matches_order_table),
		cmocka_unit_test(test_quantile_ci_full_matches_confidence_bits),
		cmocka_unit_test(test_quantile_ci_documented_examples),
		cmocka_unit_test(
			test_quantile_ci_confidence_one_is_whole_range),
		cmocka_unit_test(test_quantile_ci_other_quantiles),
		cmocka_unit_test(test_quantile_ci_orders_stay_in_range),
		cmocka_unit_test(test_median_summary_needs_six_samples_at_95),
		cmocka_unit_test(test_median_summary_uses_ci_orders_for_ties),
		cmocka_unit_test(test_median_summary_empty_is_nan_and_infinite),
		cmocka_unit_test(test_mode_summary_ties_go_to_first_run),
		cmocka_unit_test(test_mode_summary_reports_first_value_of_run),
		cmocka_unit_test(test_geomean_matches_benchstat_csv),
		cmocka_unit_test(test_geomean_of_powers_of_two),
		cmocka_unit_test(test_geomean_nonpositive_or_empty_is_nan),
		cmocka_unit_test(test_median_samples_levels),
		cmocka_unit_test(test_utest_samples_levels),
		cmocka_unit_test(test_choose_small_and_large),
		cmocka_unit_test(test_normal_cdf_known_points),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
