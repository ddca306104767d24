/*
 * stats-cpd.c - the statistical acceptance test of change-point detection
 * (lib/cpd.c) at its default settings, on simulated run medians: each run
 * median is level * (1 + e) with e normal of standard deviation cv (the
 * "run noise"), or level * exp(cv * N(0, 1)) (lognormal noise).
 *
 * False positives: the share of stationary series that report any change,
 * at 12, 30, 60 and 200 runs, in 5% noise plain, with one run 5x slower at
 * a random run, and with three consecutive runs 20% slower in the middle,
 * and that spike in 2% noise too.  Each must be at most 1%.
 *
 * Power: the share of series with a planted step where a change is
 * reported near it (each line also prints the share with any change and
 * with one within 5 runs):
 *  - a 5% step in 5% noise at 60 runs, at run 31 (the middle), within 2
 *    runs (target 50%, gate STEP5_2), and at a random run in 11..51;
 *  - a 3% step in 2% noise at 60 runs, at run 31, within 5 runs >= 90%,
 *    and within 2 (gate STEP3_2);
 *  - a step 5 runs from the end: +15% in 5% noise at run 56 of 60 within
 *    1 run >= 70%, +10% in 1% noise at run 36 of 40 exactly >= 95%;
 *  - 12 runs, a step at run 7 to 2x (slower) or to 2% of the level (98%
 *    faster), with one run 5x slower at a random run other than 6 and 7
 *    (next to the step the run it belongs to cannot be told): the change
 *    must be found exactly at run 7 in >= 95%.
 * And the same input must give the same output, bit for bit.
 *
 * Every setting has its own fixed seed (printed), so the rates are the
 * same on every run; the sample sizes are printed with them.  The test
 * fails when any rate misses its target.  It belongs to the meson suite
 * "statistics" (not "unit", which runs under valgrind).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpd.h"
#include "cpdsim.h"

/*
 * The gates.  Where a target of the design is beyond what the data allow,
 * the gate is the measured rate less a margin, and the target is named
 * (docs/cbaseline.md has the rates measured with 5 times the samples, and
 * why).  The 5%/5% step in the middle: target 50% within 2 runs, measured
 * over 10,000 series 53.1% (normal noise, seed 1032) and 52.0% (lognormal,
 * seed 1039), 55.0% and 51.2% over the 2,000 here; before a change found
 * in the middle was placed by its evidence within 2 runs (lib/cpd.c),
 * 49.2% and 48.2%.  At a random run in 11..51 the step is placed within 2
 * runs in 31% and 32% (an oracle that knows sigma: 37%).  The 3%/2% step:
 * target 90% within 5 runs, measured 97%; within 2 runs 89%.
 */
#define STEP5_2 0.50	  /* the target */
#define STEP5_RANDOM 0.25 /* no target; the oracle's 37% */
#define STEP3_2 0.80	  /* within 5 runs: target 90% */

/* Uniform in [lo, hi]. */
static size_t
rng_between(struct rng *r, size_t lo, size_t hi)
{
	return lo + (size_t)(rng_uniform(r) * (double)(hi - lo + 1));
}

static const char *const noise_name[] = {"normal", "lognormal"};

/* What is planted in a series (run numbers are 0-based here). */
struct plant {
	size_t n;
	enum noise kind;
	double cv;
	size_t step_at; /* n: no step */
	double factor;	/* the level from step_at on */
	size_t outlier; /* a run 5x slower; n: none */
	size_t spike;	/* the first of 3 runs 20% slower; n: none */
};

static void
simulate(struct rng *r, double *x, const struct plant *p)
{
	for (size_t i = 0; i < p->n; i++) {
		double level = i >= p->step_at ? 100 * p->factor : 100;

		x[i] = rng_noisy(r, p->kind, level, p->cv);
		if (i == p->outlier)
			x[i] *= 5;
		if (i >= p->spike && i < p->spike + 3)
			x[i] *= 1.2;
	}
}

/* The distance from the step to the nearest change reported, or SIZE_MAX
 * when none is. */
static size_t
nearest(const struct cstat__cpd_point *pts, size_t np, size_t at)
{
	size_t best = SIZE_MAX;

	for (size_t k = 0; k < np; k++) {
		size_t d = pts[k].index > at ? pts[k].index - at
					     : at - pts[k].index;
		if (d < best)
			best = d;
	}
	return best;
}

static int failures;
static size_t scale = 1; /* the samples' sizes are multiplied by this */

static void
verdict(const char *what, size_t hits, size_t count, double want, bool atmost,
	uint64_t seed)
{
	double rate = (double)hits / (double)count;
	bool ok = atmost ? rate <= want : rate >= want;

	printf("%-58s %5zu / %5zu = %6.2f%%  (%s %.3g%%, seed %llu)%s\n", what,
	       hits, count, 100 * rate, atmost ? "<=" : ">=", 100 * want,
	       (unsigned long long)seed, ok ? "" : "  FAIL");
	if (!ok)
		failures++;
}

enum shape { PLAIN, OUTLIER, SPIKE };
static const char *const shape_name[] = {"plain", "one run 5x", "3 runs +20%"};

/* The share of stationary series that report a change. */
static void
false_positives(size_t n, enum noise kind, double cv, enum shape shape,
		double want, size_t count, uint64_t seed)
{
	struct rng r = {seed};
	struct plant p = {n, kind, cv, n, 1, n, n};
	double x[200];
	size_t hits = 0;
	char what[128];

	count *= scale;
	for (size_t s = 0; s < count; s++) {
		struct cstat__cpd_point *pts;
		size_t np;

		if (shape == OUTLIER)
			p.outlier = rng_between(&r, 0, n - 1);
		if (shape == SPIKE)
			p.spike = n / 2 - 1;
		simulate(&r, x, &p);
		if (cstat__cpd(x, NULL, n, NULL, &pts, &np) != 0) {
			failures++;
			return;
		}
		hits += np > 0;
		free(pts);
	}
	snprintf(what, sizeof(what),
		 "false positives, %3zu runs, %s %.0f%%, %s", n,
		 noise_name[kind], 100 * cv, shape_name[shape]);
	verdict(what, hits, count, want, true, seed);
}

/*
 * The share of series with a step where a change is reported within tol
 * runs of it.  The step is at at, or at a random run in [lo, hi] when at
 * is SIZE_MAX; with outlier, one random run is 5x slower.
 */
static void
power(const char *what, size_t n, enum noise kind, double cv, double factor,
      size_t at, size_t lo, size_t hi, bool outlier, size_t tol, double want,
      size_t count, uint64_t seed)
{
	struct rng r = {seed};
	struct plant p = {n, kind, cv, at, factor, n, n};
	double x[200];
	size_t hits = 0, any = 0, near5 = 0;
	char label[128];

	count *= scale;
	for (size_t s = 0; s < count; s++) {
		struct cstat__cpd_point *pts;
		size_t np;

		if (at == SIZE_MAX)
			p.step_at = rng_between(&r, lo, hi);
		if (outlier) {
			/* Not next to the step, where the run it was in
			 * cannot be told from the data. */
			p.outlier = rng_between(&r, 0, n - 3);
			if (p.outlier >= p.step_at - 1)
				p.outlier += 2;
		}
		simulate(&r, x, &p);
		if (cstat__cpd(x, NULL, n, NULL, &pts, &np) != 0) {
			failures++;
			return;
		}
		hits += nearest(pts, np, p.step_at) <= tol;
		near5 += nearest(pts, np, p.step_at) <= 5;
		any += np > 0;
		free(pts);
	}
	snprintf(label, sizeof(label), "%s, %s", what, noise_name[kind]);
	verdict(label, hits, count, want, false, seed);
	printf("    (a change reported: %.2f%%, within 5 runs: %.2f%%)\n",
	       100.0 * (double)any / (double)count,
	       100.0 * (double)near5 / (double)count);
}

/* The same series twice: the same changes, bit for bit. */
static void
deterministic(void)
{
	struct rng r = {99};
	struct plant p = {200, LOGNORMAL, 0.05, 80, 1.04, 150, 30};
	struct cstat__cpd_point *a, *b;
	double x[200];
	size_t na, nb;
	bool same;

	simulate(&r, x, &p);
	if (cstat__cpd(x, NULL, 200, NULL, &a, &na) ||
	    cstat__cpd(x, NULL, 200, NULL, &b, &nb)) {
		failures++;
		return;
	}
	same = na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0);
	printf("deterministic: %zu changes, twice the same: %s\n", na,
	       same ? "yes" : "NO  FAIL");
	failures += !same;
	free(a);
	free(b);
}

/*
 * With an argument k, every sample is k times larger (for the figures in
 * the docs; the test runs with k = 1).
 */
int
main(int argc, char **argv)
{
	static const size_t lens[] = {12, 30, 60, 200};
	uint64_t seed = 1000;

	if (argc > 1)
		scale = strtoul(argv[1], NULL, 10);
	if (scale == 0)
		scale = 1;

	for (size_t l = 0; l < 4; l++) {
		for (int k = NORMAL; k <= LOGNORMAL; k++) {
			for (int sh = PLAIN; sh <= SPIKE; sh++)
				false_positives(lens[l], (enum noise)k, 0.05,
						(enum shape)sh, 0.01, 2000,
						seed++);
			false_positives(lens[l], (enum noise)k, 0.02, SPIKE,
					0.01, 2000, seed++);
		}
	}
	for (int k = NORMAL; k <= LOGNORMAL; k++) {
		enum noise kn = (enum noise)k;

		power("5% step, 5% noise, 60 runs, at run 31, +-2", 60, kn,
		      0.05, 1.05, 30, 0, 0, false, 2, STEP5_2, 2000, seed++);
		power("5% step, 5% noise, 60 runs, at runs 11-51, +-2", 60, kn,
		      0.05, 1.05, SIZE_MAX, 10, 50, false, 2, STEP5_RANDOM,
		      2000, seed++);
		power("3% step, 2% noise, 60 runs, at run 31, +-5", 60, kn,
		      0.02, 1.03, 30, 0, 0, false, 5, 0.90, 2000, seed);
		power("3% step, 2% noise, 60 runs, at run 31, +-2", 60, kn,
		      0.02, 1.03, 30, 0, 0, false, 2, STEP3_2, 2000, seed++);
		power("5% noise, 60 runs, +15% at run 56, +-1", 60, kn, 0.05,
		      1.15, 55, 0, 0, false, 1, 0.70, 1000, seed++);
		power("1% noise, 40 runs, +10% at run 36, exactly", 40, kn,
		      0.01, 1.10, 35, 0, 0, false, 0, 0.95, 500, seed++);
		power("12 runs, 2x at run 7, one run 5x, exactly", 12, kn, 0.05,
		      2, 6, 0, 0, true, 0, 0.95, 1000, seed++);
		power("12 runs, to 2% at run 7, one run 5x, exactly", 12, kn,
		      0.05, 0.02, 6, 0, 0, true, 0, 0.95, 1000, seed++);
	}
	deterministic();
	printf("%s\n", failures ? "FAILED" : "all targets met");
	return failures ? 1 : 0;
}
