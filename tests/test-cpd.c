/*
 * test-cpd.c - change-point detection (lib/cpd.c): quick checks of the
 * calibration on simulated histories (stationary series must rarely report
 * a change, a planted step must be found where it was planted), wild runs,
 * the within-run guard, and the behaviour on small, constant, exact and
 * invalid series.  The full statistical acceptance test, with every rate
 * the design promises, is tests/stats-cpd.c (suite "statistics").
 *
 * The simulated series come from a fixed-seed splitmix64 generator and
 * Box-Muller normals (cpdsim.h, shared with stats-cpd.c), so every run of
 * the test sees the same numbers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <math.h>

#include "cpd.h"
#include "cpdsim.h"
#include "testutil.h"

/*
 * Fill x[0..n) with level * (1 + step) from run at on (step 0: no change)
 * and noise: normal with standard deviation cv * the level, or lognormal,
 * the level times exp(sigma * N(0, 1)).
 */
static void
simulate(struct rng *r, double *x, size_t n, enum noise kind, double spread,
	 size_t at, double step)
{
	for (size_t i = 0; i < n; i++) {
		double level = i >= at ? 100 * (1 + step) : 100;

		x[i] = rng_noisy(r, kind, level, spread);
	}
}

/* Runs the detection and checks it succeeds. */
static struct cstat__cpd_point *
detect(const double *x, size_t n, const struct cstat__cpd_opts *o, size_t *np)
{
	struct cstat__cpd_point *p = (struct cstat__cpd_point *)1;

	assert_int_equal(cstat__cpd(x, NULL, n, o, &p, np), 0);
	if (*np == 0)
		assert_null(p);
	for (size_t i = 1; i < *np; i++)
		assert_true(p[i - 1].index < p[i].index);
	return p;
}

/* ---------------------------------------------------------------------- */
/* Calibration of the defaults. */

/*
 * How many of count stationary series of 60 runs report any change at the
 * default settings.
 */
static size_t
false_positives(uint64_t seed, size_t count, enum noise kind, double spread)
{
	struct rng r = {seed};
	double x[60];
	size_t hits = 0;

	for (size_t s = 0; s < count; s++) {
		struct cstat__cpd_point *p;
		size_t np;

		simulate(&r, x, 60, kind, spread, 60, 0);
		p = detect(x, 60, NULL, &np);
		hits += np > 0;
		free(p);
	}
	return hits;
}

/*
 * The bound: over 1,000 stationary series of 60 runs at the default
 * settings, at most 1% (10) report a change.  Normal noise of 3% (the
 * level is 0.5% per series; tests/stats-cpd.c measures it at 12 to 200
 * runs).
 */
static void
test_cpd_stationary_normal_rarely_reports_a_change(void **state)
{
	size_t hits = false_positives(1, 1000, NORMAL, 0.03);

	(void)state;
	print_message("normal 3%%: %zu of 1000 stationary series changed\n",
		      hits);
	assert_true(hits <= 10);
}

/*
 * The same with lognormal noise: sigma 0.03 (near normal) and 0.3
 * (strongly skewed: the permutation test does not assume a shape).
 */
static void
test_cpd_stationary_lognormal_rarely_reports_a_change(void **state)
{
	size_t mild = false_positives(2, 1000, LOGNORMAL, 0.03);
	size_t skewed = false_positives(3, 1000, LOGNORMAL, 0.3);

	(void)state;
	print_message("lognormal 0.03: %zu, 0.3: %zu of 1000 changed\n", mild,
		      skewed);
	assert_true(mild <= 10);
	assert_true(skewed <= 10);
}

/* Where the planted steps of count series were found. */
struct step_result {
	size_t exact, within1, within3, missed;
	size_t off3;  /* |change - step| > 0.03 for the point nearest */
	double worst; /* largest |change - step| of the point nearest */
};

static struct step_result
planted_steps(uint64_t seed, size_t count, double cv, double step)
{
	struct step_result res = {0, 0, 0, 0, 0, 0};
	struct rng r = {seed};
	double x[60];

	for (size_t s = 0; s < count; s++) {
		struct cstat__cpd_point *p;
		size_t np, best = 0, dist;

		simulate(&r, x, 60, NORMAL, cv, 30, step);
		p = detect(x, 60, NULL, &np);
		if (np == 0) {
			res.missed++;
			continue;
		}
		for (size_t i = 1; i < np; i++)
			if (labs((long)p[i].index - 30) <
			    labs((long)p[best].index - 30))
				best = i;
		dist = (size_t)labs((long)p[best].index - 30);
		res.exact += dist == 0;
		res.within1 += dist <= 1;
		res.within3 += dist <= 3;
		res.off3 += fabs(p[best].change - step) > 0.03;
		if (fabs(p[best].change - step) > res.worst)
			res.worst = fabs(p[best].change - step);
		assert_true(p[best].p <= CSTAT_CPD_ALPHA);
		assert_true(p[best].stat > 0);
		free(p);
	}
	return res;
}

/*
 * A +10% step at run 30 of 60 in 3% noise is always found, near run 30,
 * with about the right size.  The issue asked for "exactly at run 30 in at
 * least 95 of 100" and "within 3 points of +10% in all", which is more
 * than the data allow.  Run 29 looks like it belongs after the step when
 * it is above 105, which it is 4.8% of the time (z = 5/3), and run 30 looks
 * like it belongs before when it is below 105, 6.5% of the time (z =
 * 5/3.3), so even an estimator that knew both levels would place the step
 * exactly in only about 89% of the series.  (The E-divisive detector this
 * one replaced placed it exactly in 87.6% of 10,000 such series, within
 * one run in 97.7%.)  The change reported, a ratio of two medians of 30
 * runs, has an error of about 1 point.  So this asks for what a sound
 * estimator meets with room to spare: 80 exact, 95 within one run, 99
 * within three, and the change within 3 points in 98 and within 5 in all.
 * The next test has the noise at which 95 exact and "all within one run"
 * hold.
 */
static void
test_cpd_step_in_3pct_noise_is_found(void **state)
{
	struct step_result res = planted_steps(4, 100, 0.03, 0.10);

	(void)state;
	print_message("10%% step, 3%% noise: exact %zu, +-1 %zu, +-3 %zu, "
		      "missed %zu, change off by > 3 points %zu, worst %.4f\n",
		      res.exact, res.within1, res.within3, res.missed, res.off3,
		      res.worst);
	assert_int_equal(res.missed, 0);
	assert_true(res.exact >= 80);
	assert_true(res.within1 >= 95);
	assert_true(res.within3 >= 99);
	assert_true(res.off3 <= 2);
	assert_true(res.worst <= 0.05);
}

/*
 * With 2% noise the boundary runs are misread 0.6% and 1.3% of the time
 * (z = 2.5 and 2.27): over 10,000 series the step was found exactly at
 * run 30 in 98.3% and within one run in 99.96%, and the change was never
 * off by 4 points.  Here, exactly in at least 95 series and within one run
 * and 3 points in all (as the issue asks).
 */
static void
test_cpd_step_in_2pct_noise_is_found_exactly(void **state)
{
	struct step_result res = planted_steps(5, 100, 0.02, 0.10);

	(void)state;
	print_message("10%% step, 2%% noise: exact %zu, +-1 %zu, missed %zu, "
		      "worst change error %.4f\n",
		      res.exact, res.within1, res.missed, res.worst);
	assert_int_equal(res.missed, 0);
	assert_true(res.exact >= 95);
	assert_int_equal(res.within1, 100);
	assert_true(res.worst <= 0.03);
}

static void
test_cpd_defaults(void **state)
{
	struct cstat__cpd_opts o;

	(void)state;
	cstat__cpd_defaults(&o);
	assert_true(o.alpha == 0.005);
	assert_int_equal(o.min_size, 5);
	assert_int_equal(o.max_points, 100);
}

/* ---------------------------------------------------------------------- */
/* Shapes of series. */

/* Steps up 10% at run 20 and down to 95 at run 40, in 1% noise. */
static void
test_cpd_two_steps_are_both_found(void **state)
{
	struct rng r = {6};
	struct cstat__cpd_point *p;
	double x[60];
	size_t np;

	(void)state;
	simulate(&r, x, 60, NORMAL, 0.01, 20, 0.10);
	for (size_t i = 40; i < 60; i++)
		x[i] = 95 * (1 + 0.01 * rng_normal(&r));
	p = detect(x, 60, NULL, &np);
	assert_int_equal(np, 2);
	assert_int_equal(p[0].index, 20);
	assert_int_equal(p[1].index, 40);
	assert_close(p[0].before, 100, 0.01);
	assert_close(p[0].after, 110, 0.01);
	assert_close(p[1].before, 110, 0.01);
	assert_close(p[1].after, 95, 0.01);
	/* The medians describe the final segments: the level between the
	 * changes is reported once. */
	assert_same(p[0].after, p[1].before);
	assert_close(p[0].change, 0.10, 0.1);
	assert_close(p[1].change, 95.0 / 110 - 1, 0.1);
	free(p);
}

/* A step min_size runs from either end is still found. */
static void
test_cpd_step_at_the_edge_is_found(void **state)
{
	struct cstat__cpd_opts o;
	struct rng r = {7};
	struct cstat__cpd_point *p;
	double x[40];
	size_t np;

	(void)state;
	cstat__cpd_defaults(&o);
	assert_int_equal(o.min_size, 5);
	simulate(&r, x, 40, NORMAL, 0.01, 5, 0.10);
	p = detect(x, 40, &o, &np);
	assert_int_equal(np, 1);
	assert_int_equal(p[0].index, 5);
	free(p);

	simulate(&r, x, 40, NORMAL, 0.01, 35, -0.10);
	p = detect(x, 40, &o, &np);
	assert_int_equal(np, 1);
	assert_int_equal(p[0].index, 35);
	assert_close(p[0].change, -0.10, 0.2);
	free(p);

	/* One run closer to the edge than min_size is not a change. */
	simulate(&r, x, 40, NORMAL, 0.01, 4, 0.10);
	p = detect(x, 40, &o, &np);
	for (size_t i = 0; i < np; i++)
		assert_true(p[i].index >= 5);
	free(p);
}

/* Fewer than 2 * min_size runs: no change, whatever the values. */
static void
test_cpd_tiny_series_have_no_change(void **state)
{
	const double jump[10] = {1, 1, 1, 1, 1, 9, 9, 9, 9, 9};
	struct cstat__cpd_point *p;
	size_t np;

	(void)state;
	p = detect(NULL, 0, NULL, &np);
	assert_int_equal(np, 0);
	p = detect(jump, 1, NULL, &np);
	assert_int_equal(np, 0);
	p = detect(jump + 1, 9, NULL, &np);
	assert_int_equal(np, 0);
	/* Ten runs are enough for a certain change at the middle. */
	p = detect(jump, 10, NULL, &np);
	assert_int_equal(np, 1);
	assert_int_equal(p[0].index, 5);
	assert_same(p[0].p, 0);
	free(p);
}

static void
test_cpd_constant_series_have_no_change(void **state)
{
	double x[100];
	struct cstat__cpd_point *p;
	size_t np;

	(void)state;
	for (size_t i = 0; i < 100; i++)
		x[i] = 42.5;
	p = detect(x, 100, NULL, &np);
	assert_int_equal(np, 0);
	assert_null(p);
	memset(x, 0, sizeof(x));
	p = detect(x, 100, NULL, &np);
	assert_int_equal(np, 0);
	assert_null(p);
}

/*
 * Exact counts, such as allocations per operation going from 10 to 11:
 * both sides are constant, so the change is certain (p = 0).
 */
static void
test_cpd_exact_counts_jump_is_found(void **state)
{
	double x[60];
	struct cstat__cpd_point *p;
	size_t np;

	(void)state;
	for (size_t i = 0; i < 60; i++)
		x[i] = i < 37 ? 10 : 11;
	p = detect(x, 60, NULL, &np);
	assert_int_equal(np, 1);
	assert_int_equal(p[0].index, 37);
	assert_same(p[0].before, 10);
	assert_same(p[0].after, 11);
	assert_close(p[0].change, 0.1, 1e-15);
	assert_same(p[0].p, 0);
	assert_true(p[0].stat > 0);
	free(p);

	/* And back down, with one stray value in the middle segment. */
	for (size_t i = 0; i < 60; i++)
		x[i] = i < 20 || i >= 45 ? 10 : 11;
	x[30] = 12;
	p = detect(x, 60, NULL, &np);
	assert_int_equal(np, 2);
	assert_int_equal(p[0].index, 20);
	assert_int_equal(p[1].index, 45);
	assert_same(p[0].after, 11);
	assert_same(p[1].after, 10);
	free(p);
}

/*
 * The medians by hand.  Before: 9, 9.5, 10, 10, 10.5, 11, 11.5, 12 sorted,
 * median (10 + 10.5) / 2; after: 18, 19, 19.5, 20, 20.5, 21, 22, 23,
 * median (20 + 20.5) / 2.
 */
static void
test_cpd_reports_medians_and_change(void **state)
{
	const double x[16] = {10, 12, 9,  11, 10.5, 9.5,  11.5, 10,
			      20, 21, 19, 22, 18,   20.5, 19.5, 23};
	struct cstat__cpd_point *p;
	size_t np;

	(void)state;
	p = detect(x, 16, NULL, &np);
	assert_int_equal(np, 1);
	assert_int_equal(p[0].index, 8);
	assert_same(p[0].before, 10.25);
	assert_same(p[0].after, 20.25);
	assert_same(p[0].change, 20.25 / 10.25 - 1);
	/* 16 runs are too few for the union bound: a permutation p, at
	 * least 1/100,000, and about 2/C(16,8) = 1.6e-4 here (the two
	 * orders that separate the halves completely, of C(16,8)). */
	assert_true(p[0].p >= 1e-5 && p[0].p < 1e-3);
	free(p);
}

/*
 * The test looks at the shape of the series, not its units: multiplying
 * every value by 1000 gives the same changes, and p and stat equal but
 * for rounding (the logarithms differ by log 1000).
 */
static void
test_cpd_is_scale_free(void **state)
{
	struct rng r = {10};
	struct cstat__cpd_point *a, *b;
	double x[40], y[40];
	size_t na, nb;

	(void)state;
	simulate(&r, x, 40, NORMAL, 0.02, 22, 0.08);
	for (size_t i = 0; i < 40; i++)
		y[i] = x[i] * 1000;
	a = detect(x, 40, NULL, &na);
	b = detect(y, 40, NULL, &nb);
	assert_int_equal(na, 1);
	assert_int_equal(nb, 1);
	assert_int_equal(a[0].index, 22);
	assert_int_equal(b[0].index, 22);
	assert_close(a[0].p, b[0].p, 1e-9);
	assert_close(a[0].stat, b[0].stat, 1e-9);
	assert_close(b[0].before, 1000 * a[0].before, 1e-12);
	free(a);
	free(b);
}

/*
 * One wild run does not make a change, nor hide one.  Twelve runs near
 * 100 with run 4 five times slower: nothing.  Twelve runs, 100 then 200
 * from run 7 (index 6), with run 3 five times slower on the wrong side of
 * the step: the step is found at run 7, where a t-test of 6 runs against
 * 6 (and any rank test) cannot see it.  And the 98% speed-up, from 100 to
 * 2, with the same wild run.
 */
static void
test_cpd_wild_run_neither_makes_nor_hides_a_change(void **state)
{
	double flat[12] = {101, 97,  103, 500, 99, 98,
			   102, 100, 96,  104, 99, 101};
	double up[12] = {101, 97,  510, 103, 99,  98,
			 205, 190, 210, 199, 202, 195};
	double down[12] = {101,	 97,  510, 103,	 99,   98,
			   2.05, 1.9, 2.1, 1.99, 2.02, 1.95};
	struct cstat__cpd_point *p;
	size_t np;

	(void)state;
	p = detect(flat, 12, NULL, &np);
	assert_int_equal(np, 0);
	p = detect(up, 12, NULL, &np);
	assert_int_equal(np, 1);
	assert_int_equal(p[0].index, 6);
	assert_close(p[0].change, 1, 0.05);
	free(p);
	p = detect(down, 12, NULL, &np);
	assert_int_equal(np, 1);
	assert_int_equal(p[0].index, 6);
	assert_close(p[0].change, -0.98, 0.01);
	free(p);
}

/*
 * The within-run guard: a step the run medians show clearly is not
 * reported when each run's own standard error says the medians are far
 * less precise than that (the step is 1%, each median +-5%); with small
 * standard errors, or none given, it is.
 */
static void
test_cpd_within_run_noise_guards(void **state)
{
	struct rng r = {11};
	struct cstat__cpd_point *p;
	double x[40], se[40];
	size_t np;

	(void)state;
	simulate(&r, x, 40, NORMAL, 0.001, 20, 0.01);
	for (size_t i = 0; i < 40; i++)
		se[i] = 5;
	assert_int_equal(cstat__cpd(x, se, 40, NULL, &p, &np), 0);
	assert_int_equal(np, 0);
	assert_null(p);
	for (size_t i = 0; i < 40; i++)
		se[i] = 0.05;
	assert_int_equal(cstat__cpd(x, se, 40, NULL, &p, &np), 0);
	assert_int_equal(np, 1);
	assert_int_equal(p[0].index, 20);
	free(p);
	p = detect(x, 40, NULL, &np);
	assert_int_equal(np, 1);
	free(p);
	/* Negative or non-finite standard errors are refused. */
	se[3] = -1;
	assert_int_equal(cstat__cpd(x, se, 40, NULL, &p, &np), CSTAT_EINVAL);
	se[3] = NAN;
	assert_int_equal(cstat__cpd(x, se, 40, NULL, &p, &np), CSTAT_EINVAL);
}

/* A zero median before the change gives an infinite relative change. */
static void
test_cpd_change_from_zero_is_infinite(void **state)
{
	double x[20];
	struct cstat__cpd_point *p;
	size_t np;

	(void)state;
	for (size_t i = 0; i < 20; i++)
		x[i] = i < 10 ? 0 : 3;
	p = detect(x, 20, NULL, &np);
	assert_int_equal(np, 1);
	assert_true(isinf(p[0].change) && p[0].change > 0);
	free(p);
}

/* The answer depends on the input only; NULL settings are the defaults. */
static void
test_cpd_is_deterministic(void **state)
{
	struct cstat__cpd_opts o;
	struct cstat__cpd_point *a, *b;
	struct rng r = {8};
	double x[300];
	size_t na, nb;

	(void)state;
	simulate(&r, x, 300, LOGNORMAL, 0.05, 100, 0.08);
	for (size_t i = 200; i < 300; i++)
		x[i] *= 0.9;
	cstat__cpd_defaults(&o);
	a = detect(x, 300, NULL, &na);
	b = detect(x, 300, &o, &nb);
	assert_int_equal(na, nb);
	assert_true(na >= 2);
	assert_memory_equal(a, b, na * sizeof(*a));
	free(a);
	free(b);
}

/* cstat__cpd_cached() of x[0..n) with cache, which must succeed, the
 * same as cstat__cpd() without one, bit for bit.  @return the changes. */
static size_t
cached_as_uncached(const double *x, size_t n, struct cstat__cpd_cache *cache)
{
	struct cstat__cpd_point *a, *b;
	size_t na, nb;

	a = detect(x, n, NULL, &na);
	assert_int_equal(cstat__cpd_cached(x, NULL, n, NULL, cache, &b, &nb),
			 0);
	assert_int_equal(na, nb);
	if (na)
		assert_memory_equal(a, b, na * sizeof(*a));
	free(a);
	free(b);
	return na;
}

/*
 * The permutations kept in a cache give the changes found without one,
 * bit for bit: read from a shared cache for the length, from a thread's
 * own cache for another length, and past the end of either (caps of 3
 * and 50 rounds of 60 runs, where the test draws up to 9,999).  The
 * p-values of the changes found here come from the permutations
 * (multiples of 1 / 10,000), so the orders matter.
 */
static void
test_cpd_cache_gives_the_same_changes(void **state)
{
	const size_t caps[] = {3, 50, 20000}; /* rounds of 60 runs */
	struct rng r = {21};
	double x[8][60];
	size_t perm_p = 0;

	(void)state;
	/* Hand-picked: modest steps in 3% noise, p near alpha, and none. */
	for (size_t k = 0; k < 8; k++)
		simulate(&r, x[k], 60, NORMAL, 0.03, 20 + 3 * k,
			 k % 4 == 3 ? 0 : 0.02 + 0.005 * (double)k);
	for (size_t c = 0; c < 3; c++) {
		struct cstat__cpd_cache shared, own;
		size_t bytes = caps[c] * 60 * sizeof(uint16_t);

		assert_int_equal(
			cstat__cpd_cache_init(&shared, bytes, 60, NULL), 0);
		assert_int_equal(cstat__cpd_cache_init(&own, bytes, 0, &shared),
				 0);
		for (size_t k = 0; k < 8; k++) {
			struct cstat__cpd_point *p;
			size_t np;

			cached_as_uncached(x[k], 60, &own);
			cached_as_uncached(x[k], 50, &own); /* own cache */
			p = detect(x[k], 60, NULL, &np);
			for (size_t i = 0; i < np; i++)
				perm_p += p[i].p * 1e4 == round(p[i].p * 1e4);
			free(p);
		}
		cstat__cpd_cache_release(&own);
		cstat__cpd_cache_release(&shared);
	}
	assert_true(perm_p >= 3);
}

/* One round of the permutations' orders as defined: a Fisher-Yates pass
 * from the end, swapping run i with the one below i + 1 that the next
 * splitmix64 value picks by Lemire's multiply of its high half. */
static void
plain_round(uint16_t *ix, size_t len, struct rng *r)
{
	for (size_t i = len - 1; i > 0; i--) {
		size_t j = (size_t)(((rng_next(r) >> 32) * (i + 1)) >> 32);
		uint16_t t = ix[i];

		ix[i] = ix[j];
		ix[j] = t;
	}
}

/*
 * Whether cstat__cpd_shuffle() draws the way how on this processor; when
 * it does, three rounds of each length from each seed are asserted to be
 * plain_round()'s, order and generator state; when it does not, it is
 * asserted to leave both as they were.
 */
static bool
draw_agrees(enum cstat__cpd_draw how, uint16_t *want, uint16_t *got)
{
	/* 1 and 2, odd lengths, and each side of the vector widths (4
	 * and 8) and of the blocks the indexes are drawn in (512). */
	const size_t lens[] = {1,    2,	   3,	 4,	5,     7,    8,	  9,
			       15,   16,   17,	 63,	511,   512,  513, 1023,
			       1024, 1025, 1537, 10000, 65535, 65536};
	/* The search's seed for 10,000 runs, and a state that wraps past
	 * 2^64 within a round. */
	const uint64_t seeds[] = {0x63707464u ^ (uint64_t)10000 << 32,
				  UINT64_MAX - 1000};
	uint64_t s = 7;

	for (size_t i = 0; i < 9; i++)
		got[i] = (uint16_t)i;
	if (!cstat__cpd_shuffle(got, 9, &s, how)) {
		assert_int_equal(s, 7);
		for (size_t i = 0; i < 9; i++)
			assert_int_equal(got[i], i);
		return false;
	}
	for (size_t l = 0; l < sizeof(lens) / sizeof(*lens); l++) {
		for (size_t e = 0; e < sizeof(seeds) / sizeof(*seeds); e++) {
			size_t len = lens[l];
			struct rng r = {seeds[e]};

			s = seeds[e];
			for (size_t i = 0; i < len; i++)
				want[i] = got[i] = (uint16_t)i;
			for (int round = 0; round < 3; round++) {
				plain_round(want, len, &r);
				assert_true(
					cstat__cpd_shuffle(got, len, &s, how));
				assert_int_equal(s, r.s);
				assert_memory_equal(got, want,
						    len * sizeof(*got));
			}
		}
	}
	return true;
}

/*
 * Every way of drawing a round of the permutations gives the orders of
 * their definition, bit for bit, and moves the generator on as far; the
 * plain way and the best are there everywhere, the vector ways where the
 * processor has them.
 */
static void
test_cpd_draws_agree(void **state)
{
	uint16_t *want = malloc(65536 * sizeof(*want)),
		 *got = malloc(65536 * sizeof(*got));

	(void)state;
	assert_non_null(want);
	assert_non_null(got);
	assert_true(draw_agrees(CSTAT__CPD_DRAW_PLAIN, want, got));
	assert_true(draw_agrees(CSTAT__CPD_DRAW_BEST, want, got));
	draw_agrees(CSTAT__CPD_DRAW_AVX2, want, got);
	draw_agrees(CSTAT__CPD_DRAW_AVX512, want, got);
	free(want);
	free(got);
}

/*
 * Tests put off where a shared cache ends (cstat__cpd_deferred()) and
 * finished together over the rounds past it (cstat__cpd_finish()) give
 * the changes found without a cache, bit for bit; a cache with room for
 * every round asked for puts none off.
 */
static void
test_cpd_deferred_tests_give_the_same_changes(void **state)
{
	const size_t caps[] = {3, 50, 20000}; /* rounds of 60 runs */
	struct rng r = {21};
	double x[8][60];

	(void)state;
	for (size_t k = 0; k < 8; k++)
		simulate(&r, x[k], 60, NORMAL, 0.03, 20 + 3 * k,
			 k % 4 == 3 ? 0 : 0.02 + 0.005 * (double)k);
	for (size_t c = 0; c < 3; c++) {
		struct cstat__cpd_cache shared, own;
		struct cstat__cpd_defer d[8], *dp[8];
		const double *xp[8], *sp[8];
		size_t bytes = caps[c] * 60 * sizeof(uint16_t), nd = 0;

		assert_int_equal(
			cstat__cpd_cache_init(&shared, bytes, 60, NULL), 0);
		assert_int_equal(cstat__cpd_cache_init(&own, bytes, 0, &shared),
				 0);
		for (size_t k = 0; k < 8; k++) {
			struct cstat__cpd_point *a, *b;
			size_t na, nb;

			d[k] = (struct cstat__cpd_defer){
				.state = CSTAT__CPD_MAY_DEFER};
			assert_int_equal(cstat__cpd_deferred(x[k], NULL, 60,
							     NULL, &own, &d[k],
							     &b, &nb),
					 0);
			if (d[k].state == CSTAT__CPD_DEFERRED) {
				assert_null(b);
				assert_int_equal(nb, 0);
				assert_true(d[k].b == caps[c] + 1);
				xp[nd] = x[k];
				sp[nd] = NULL;
				dp[nd++] = &d[k];
				continue;
			}
			a = detect(x[k], 60, NULL, &na);
			assert_int_equal(na, nb);
			if (na)
				assert_memory_equal(a, b, na * sizeof(*a));
			free(a);
			free(b);
		}
		assert_int_equal(
			cstat__cpd_finish(xp, sp, NULL, &shared, dp, nd), 0);
		for (size_t k = 0; k < nd; k++) {
			struct cstat__cpd_point *a, *b;
			size_t na, nb;

			assert_int_equal(dp[k]->state, CSTAT__CPD_DONE);
			assert_int_equal(cstat__cpd_deferred(xp[k], NULL, 60,
							     NULL, NULL, dp[k],
							     &b, &nb),
					 0);
			a = detect(xp[k], 60, NULL, &na);
			assert_int_equal(na, nb);
			if (na)
				assert_memory_equal(a, b, na * sizeof(*a));
			free(a);
			free(b);
		}
		/* Three rounds are too few for the tests that need
		 * permutations here (3 of the 8); 20,000 enough for all. */
		if (c == 0)
			assert_true(nd >= 2);
		if (c == 2)
			assert_int_equal(nd, 0);
		cstat__cpd_cache_release(&own);
		cstat__cpd_cache_release(&shared);
	}
}

/*
 * The series of test_cpd_many_*: most of the shared length len (no
 * change, modest steps whose p lies near alpha, clear steps, one
 * constant, one two-level count), and among them series of len - 10 and
 * len + 10 runs (their own length: never in the lanes of the others) and
 * of 8 (too short to test); series of fewer than 30 runs get larger steps.
 */
#define MANY 48
static void
many_series(double x[MANY][70], size_t *n, size_t len)
{
	struct rng r = {33};
	/* Short series need larger steps to be called. */
	double big = len < 30 ? 3 : 1;

	for (size_t k = 0; k < MANY; k++) {
		n[k] = k % 12 == 5   ? len - 10
		       : k % 12 == 9 ? len + 10
		       : k == 17     ? 8
				     : len;
		simulate(&r, x[k], n[k], k % 2 ? NORMAL : LOGNORMAL, 0.03,
			 n[k] / 3 + k % 7,
			 k % 5 == 0   ? 0
			 : k % 5 == 1 ? 0.08
				      : big * (0.01 + 0.004 * (double)(k % 9)));
	}
	for (size_t i = 0; i < len; i++) {
		x[20][i] = 7;
		x[21][i] = i < len / 2 ? 10 : 11;
	}
}

/*
 * cstat__cpd_many() gives each series what cstat__cpd_deferred() gives it
 * alone, bit for bit: its changes, whether its test is put off, and where
 * (the round and the orders counted so far); over a shared cache of 3, 50
 * and 20,000 rounds, in batches of 1 to MANY series (3, 5 and MANY for
 * the short ones, whose tests are long), each way of adding the lanes.
 * Two settings: series of 60 runs at the defaults, and of 24 (under 30:
 * 99,999 rounds, no union bound) at alpha 0.3, where most tests run past
 * the small caches and are put off with their counts.  So a lane counted
 * with another series' answers, or a series of another length in a lane,
 * shows (both checked by breaking the code), and so does a test stopped
 * at another round wherever its count or p is reported.  Then the tests
 * put off, finished together (their lanes, cstat__cpd_finish()), give the
 * changes found without a cache.
 */
static void
test_cpd_many_gives_the_same_changes(void **state)
{
	const size_t caps[] = {3, 50, 20000}; /* rounds */
	const size_t batch[] = {1, 3, 4, 5, 16, MANY};
	const size_t lens[] = {60, 24};
	const enum cstat__cpd_draw ways[] = {CSTAT__CPD_DRAW_PLAIN,
					     CSTAT__CPD_DRAW_BEST};
	double x[MANY][70];
	size_t n[MANY], perm_p = 0, deferred = 0;
	const double *xp[MANY];
	/* Without a cache, and one series at a time with one. */
	struct cstat__cpd_point *ref[MANY], *one[MANY];
	size_t nref[MANY], none[MANY];
	struct cstat__cpd_defer d1[MANY];

	(void)state;
	for (size_t k = 0; k < MANY; k++)
		xp[k] = x[k];
	for (size_t ln = 0; ln < 2; ln++) {
		struct cstat__cpd_opts o;
		size_t len = lens[ln];

		cstat__cpd_defaults(&o);
		if (ln) {
			o.alpha = 0.3;
			o.min_size = 3;
		}
		many_series(x, n, len);
		for (size_t k = 0; k < MANY; k++) {
			ref[k] = detect(x[k], n[k], &o, &nref[k]);
			for (size_t i = 0; i < nref[k]; i++)
				perm_p += ref[k][i].p * 1e4 ==
					  round(ref[k][i].p * 1e4);
		}
		for (size_t c = 0; c < 3; c++) {
			size_t bytes = caps[c] * len * sizeof(uint16_t);
			struct cstat__cpd_cache shared1, own1;

			assert_int_equal(cstat__cpd_cache_init(&shared1, bytes,
							       len, NULL),
					 0);
			assert_int_equal(cstat__cpd_cache_init(&own1, bytes, 0,
							       &shared1),
					 0);
			for (size_t k = 0; k < MANY; k++) {
				d1[k] = (struct cstat__cpd_defer){
					.state = CSTAT__CPD_MAY_DEFER};
				assert_int_equal(
					cstat__cpd_deferred(x[k], NULL, n[k],
							    &o, &own1, &d1[k],
							    &one[k], &none[k]),
					0);
			}
			cstat__cpd_cache_release(&own1);
			cstat__cpd_cache_release(&shared1);
			for (size_t w = 0; w < 2; w++) {
				for (size_t bs = ln; bs < 6; bs += 1 + ln) {
					struct cstat__cpd_cache shared, own;
					struct cstat__cpd_defer d[MANY],
						*dp[MANY], *fd[MANY];
					struct cstat__cpd_point *out[MANY];
					const double *fx[MANY], *fs[MANY];
					size_t nout[MANY], nd = 0;

					assert_int_equal(cstat__cpd_cache_init(
								 &shared, bytes,
								 len, NULL),
							 0);
					assert_int_equal(cstat__cpd_cache_init(
								 &own, bytes, 0,
								 &shared),
							 0);
					for (size_t k = 0; k < MANY; k++) {
						d[k] = (struct
							cstat__cpd_defer){
							.state =
								CSTAT__CPD_MAY_DEFER};
						dp[k] = &d[k];
					}
					for (size_t k0 = 0; k0 < MANY;
					     k0 += batch[bs]) {
						size_t cnt =
							MANY - k0 < batch[bs]
								? MANY - k0
								: batch[bs];

						assert_int_equal(
							cstat__cpd_many(
								xp + k0, NULL,
								n + k0, cnt, &o,
								&own, dp + k0,
								ways[w],
								out + k0,
								nout + k0),
							0);
					}
					for (size_t k = 0; k < MANY; k++) {
						assert_int_equal(d[k].state,
								 d1[k].state);
						assert_int_equal(nout[k],
								 none[k]);
						if (none[k])
							assert_memory_equal(
								out[k], one[k],
								none[k] *
									sizeof(**out));
						free(out[k]);
						if (d[k].state !=
						    CSTAT__CPD_DEFERRED)
							continue;
						assert_int_equal(d[k].b,
								 d1[k].b);
						assert_int_equal(d[k].x,
								 d1[k].x);
						assert_int_equal(n[k], len);
						fx[nd] = x[k];
						fs[nd] = NULL;
						fd[nd++] = &d[k];
					}
					deferred += nd;
					assert_int_equal(
						cstat__cpd_finish(fx, fs, &o,
								  &shared, fd,
								  nd),
						0);
					for (size_t i = 0, k = 0; i < nd;
					     i++, k++) {
						struct cstat__cpd_point *b;
						size_t nb;

						while (fd[i] != &d[k])
							k++;
						assert_int_equal(
							fd[i]->state,
							CSTAT__CPD_DONE);
						assert_int_equal(
							cstat__cpd_deferred(
								fx[i], NULL,
								len, &o, NULL,
								fd[i], &b, &nb),
							0);
						assert_int_equal(nref[k], nb);
						if (nb)
							assert_memory_equal(
								ref[k], b,
								nb * sizeof(*b));
						free(b);
					}
					if (c == 2 && ln == 0)
						assert_int_equal(nd, 0);
					cstat__cpd_cache_release(&own);
					cstat__cpd_cache_release(&shared);
				}
			}
			for (size_t k = 0; k < MANY; k++)
				free(one[k]);
		}
		for (size_t k = 0; k < MANY; k++)
			free(ref[k]);
	}
	/* Changes whose p the permutations gave, and tests put off at the
	 * end of the small caches, in every batch and way. */
	assert_true(perm_p >= 3);
	assert_true(deferred >= 2 * 6 * 4);
}

/* cstat__cpd_many()'s arguments and its empty batch. */
static void
test_cpd_many_rejects_bad_input(void **state)
{
	struct cstat__cpd_point *out[1];
	size_t nout[1], n[1] = {60};
	double x[60] = {0};
	const double *xp[1] = {x};

	(void)state;
	assert_int_equal(cstat__cpd_many(NULL, NULL, NULL, 0, NULL, NULL, NULL,
					 CSTAT__CPD_DRAW_BEST, out, nout),
			 0);
	assert_int_equal(cstat__cpd_many(xp, NULL, n, 1, NULL, NULL, NULL,
					 CSTAT__CPD_DRAW_BEST, NULL, nout),
			 CSTAT_EINVAL);
	assert_int_equal(cstat__cpd_many(NULL, NULL, n, 1, NULL, NULL, NULL,
					 CSTAT__CPD_DRAW_BEST, out, nout),
			 CSTAT_EINVAL);
	x[3] = NAN;
	assert_int_equal(cstat__cpd_many(xp, NULL, n, 1, NULL, NULL, NULL,
					 CSTAT__CPD_DRAW_BEST, out, nout),
			 CSTAT_EINVAL);
	assert_null(out[0]);
	assert_int_equal(nout[0], 0);
}

/* max_points stops the search; the result is still in index order. */
static void
test_cpd_max_points_limits_the_changes(void **state)
{
	struct cstat__cpd_opts o;
	struct cstat__cpd_point *p;
	double x[80];
	size_t np;

	(void)state;
	for (size_t i = 0; i < 80; i++)
		x[i] = (double)(i / 10) * 10 + (double)(i % 3);
	cstat__cpd_defaults(&o);
	p = detect(x, 80, &o, &np);
	assert_int_equal(np, 7);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(p[i].index, 10 * (i + 1));
	free(p);
	o.max_points = 2;
	p = detect(x, 80, &o, &np);
	assert_int_equal(np, 2);
	free(p);
	o.max_points = 0;
	p = detect(x, 80, &o, &np);
	assert_int_equal(np, 0);
}

/* Huge and negative values: differences must not overflow. */
static void
test_cpd_extreme_values(void **state)
{
	struct rng r = {9};
	struct cstat__cpd_point *p;
	double x[40];
	size_t np;

	(void)state;
	simulate(&r, x, 40, NORMAL, 0.01, 20, 0.10);
	for (size_t i = 0; i < 40; i++)
		x[i] *= i % 2 ? 1e306 : -1e306;
	/* Alternating signs make a series with no level change... */
	p = detect(x, 40, NULL, &np);
	free(p);
	/* ...while the same magnitudes all positive have one at run 20. */
	for (size_t i = 0; i < 40; i++)
		x[i] = fabs(x[i]);
	p = detect(x, 40, NULL, &np);
	assert_int_equal(np, 1);
	assert_int_equal(p[0].index, 20);
	assert_close(p[0].change, 0.10, 0.2);
	free(p);
}

static void
test_cpd_rejects_bad_input(void **state)
{
	struct cstat__cpd_opts o;
	struct cstat__cpd_point *p = (struct cstat__cpd_point *)1;
	double x[20];
	size_t np = 7;

	(void)state;
	for (size_t i = 0; i < 20; i++)
		x[i] = i < 10 ? 1 : 2;
	x[13] = NAN;
	assert_int_equal(cstat__cpd(x, NULL, 20, NULL, &p, &np), CSTAT_EINVAL);
	assert_null(p);
	assert_int_equal(np, 0);
	x[13] = INFINITY;
	assert_int_equal(cstat__cpd(x, NULL, 20, NULL, &p, &np), CSTAT_EINVAL);
	x[13] = -INFINITY;
	assert_int_equal(cstat__cpd(x, NULL, 20, NULL, &p, &np), CSTAT_EINVAL);
	x[13] = 2;
	assert_int_equal(cstat__cpd(NULL, NULL, 20, NULL, &p, &np),
			 CSTAT_EINVAL);
	assert_int_equal(cstat__cpd(x, NULL, 20, NULL, NULL, &np),
			 CSTAT_EINVAL);
	assert_int_equal(cstat__cpd(x, NULL, 20, NULL, &p, NULL), CSTAT_EINVAL);

	cstat__cpd_defaults(&o);
	o.alpha = 0;
	assert_int_equal(cstat__cpd(x, NULL, 20, &o, &p, &np), CSTAT_EINVAL);
	o.alpha = NAN;
	assert_int_equal(cstat__cpd(x, NULL, 20, &o, &p, &np), CSTAT_EINVAL);
	o.alpha = 1.5;
	assert_int_equal(cstat__cpd(x, NULL, 20, &o, &p, &np), CSTAT_EINVAL);
	o.alpha = 1;
	o.min_size = 1;
	assert_int_equal(cstat__cpd(x, NULL, 20, &o, &p, &np), CSTAT_EINVAL);
	o.min_size = 2;
	assert_int_equal(cstat__cpd(x, NULL, 20, &o, &p, &np), 0);
	assert_int_equal(np, 1);
	assert_int_equal(p[0].index, 10);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpd_defaults),
		cmocka_unit_test(
			test_cpd_stationary_normal_rarely_reports_a_change),
		cmocka_unit_test(
			test_cpd_stationary_lognormal_rarely_reports_a_change),
		cmocka_unit_test(test_cpd_step_in_3pct_noise_is_found),
		cmocka_unit_test(test_cpd_step_in_2pct_noise_is_found_exactly),
		cmocka_unit_test(test_cpd_two_steps_are_both_found),
		cmocka_unit_test(test_cpd_step_at_the_edge_is_found),
		cmocka_unit_test(test_cpd_tiny_series_have_no_change),
		cmocka_unit_test(test_cpd_constant_series_have_no_change),
		cmocka_unit_test(test_cpd_exact_counts_jump_is_found),
		cmocka_unit_test(test_cpd_reports_medians_and_change),
		cmocka_unit_test(test_cpd_is_scale_free),
		cmocka_unit_test(
			test_cpd_wild_run_neither_makes_nor_hides_a_change),
		cmocka_unit_test(test_cpd_within_run_noise_guards),
		cmocka_unit_test(test_cpd_change_from_zero_is_infinite),
		cmocka_unit_test(test_cpd_is_deterministic),
		cmocka_unit_test(test_cpd_cache_gives_the_same_changes),
		cmocka_unit_test(test_cpd_deferred_tests_give_the_same_changes),
		cmocka_unit_test(test_cpd_many_gives_the_same_changes),
		cmocka_unit_test(test_cpd_many_rejects_bad_input),
		cmocka_unit_test(test_cpd_draws_agree),
		cmocka_unit_test(test_cpd_max_points_limits_the_changes),
		cmocka_unit_test(test_cpd_extreme_values),
		cmocka_unit_test(test_cpd_rejects_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
