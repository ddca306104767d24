/*
 * stats-gate.c - the regression gate's statistical promises, measured
 * (meson suite "statistics"): every rate below comes from simulated
 * benchmark runs judged by the library itself (text read by cstat's
 * reader, built into tables, judged by cstat_gate_new()), with fixed
 * seeds, and the test fails when a target is missed.
 *
 *   1. Coverage of the change's 95% interval (the ratio interval on the
 *      log scale) at true ratios 1, 1.2, 2 and 10, n = 10 and 20 per side,
 *      normal (CV 10%) and lognormal (sd 0.25) noise, new = ratio x a draw
 *      from the base distribution: at least 0.94 each.  The old additive
 *      interval (the difference's interval over the base median) is
 *      measured on the same data and printed, not held to the target.
 *   2. The detectable change of -aa has 80% power: for benchmarks whose
 *      halves have a log-sd of exactly 2% (10 values, 5 + 5), 50 of them,
 *      the reported change planted into fresh comparisons of 10 + 10
 *      lognormal values (sd 2%) among 49 unchanged benchmarks is flagged
 *      in 80% +- 3% of them, at threshold 0%, at 5% on the estimate and at
 *      5% on the interval.  What -aa says on random data (CV 2% normal,
 *      n = 10, 50 benchmarks) is printed.
 *   3. -threshold-on: a true 5% change at a 5% threshold (n = 20 + 20, CV
 *      2%) is flagged in 45-55% of runs on the estimate and in at most 3%
 *      on the interval; a true 10% change in at least 99% in both.
 *
 * Usage: stats-gate (no arguments).  Prints every rate with its sample
 * size and seed.
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstat.h"
#include "gate.h"
#include "stats.h"
#include "gateutil.h"

static int failures;

static void
check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "ok  " : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		failures++;
}

static void
die(const char *what)
{
	fprintf(stderr, "stats-gate: %s\n", what);
	exit(2);
}

/* A growing text buffer for generated input files. */
struct text {
	char *s;
	size_t len, cap;
};

static void
addv(struct text *t, const char *name, double v)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "Benchmark%s 1 %.17g ns/op\n",
			 name, v);

	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = 2 * (t->len + (size_t)n + 1);
		t->s = realloc(t->s, t->cap);
		if (!t->s)
			die("out of memory");
	}
	memcpy(t->s + t->len, line, (size_t)n + 1);
	t->len += (size_t)n;
}

struct run {
	cstat_reader *r;
	cstat_tables *t;
	cstat_gate_config *c;
	cstat_gate *g;
};

/* Reads base and new, builds and judges them with settings kv[]. */
static void
judge(struct run *run, const struct text *base, const struct text *new,
      const char *const *kv, bool calibrate)
{
	const struct text *files[2] = {base, new};
	const char *names[2] = {"base", "new"};
	cstat_builder *b;
	struct cstat_diag d;
	const struct cstat_result *res;
	int rc;

	if (cstat_reader_new(&run->r) || cstat_builder_new(&b, NULL, &d))
		die("setup");
	for (int i = 0; i < 2; i++) {
		if (cstat_reader_open_mem(run->r, files[i]->s, files[i]->len,
					  names[i]))
			die("open");
		while ((rc = cstat_reader_next(run->r, &res, &d)) == 1)
			if (cstat_builder_add(b, res))
				die("add");
		if (rc)
			die("read");
	}
	struct cstat_stats_opts o = {0.05, 0.95, run->r, 1};
	if (cstat_builder_build(b, &o, &run->t))
		die("build");
	cstat_builder_free(b);
	if (cstat_gate_config_new(&run->c))
		die("config");
	for (size_t i = 0; kv && kv[i]; i += 2)
		if (cstat_gate_config_set(run->c, kv[i], kv[i + 1], &d))
			die(d.message);
	if (cstat_gate_new(&run->g, run->t, run->c, run->r, calibrate))
		die("gate");
}

static void
done(struct run *run)
{
	cstat_gate_free(run->g);
	cstat_gate_config_free(run->c);
	cstat_tables_free(run->t);
	cstat_reader_free(run->r);
}

/* ---------------------------------------------------------------------- */
/* 1. Coverage */

#define COVER_REPS 2000

/* One draw of the base distribution: normal with CV 10%, or lognormal
 * with log-sd 0.25. */
static double
draw(struct rng *r, bool lognormal)
{
	return lognormal ? 100 * exp(0.25 * normal(r))
			 : 100 * (1 + 0.1 * normal(r));
}

/*
 * Each replicate is one benchmark of one gate run (the interval of a
 * comparison does not depend on the others): COVER_REPS benchmarks whose
 * new side is ratio x a base draw.
 */
static void
coverage(double ratio, size_t n, bool lognormal, uint64_t seed)
{
	struct text a = {0}, b = {0};
	struct rng r = {seed};
	struct run run;
	struct cstat__ucache *uc;
	size_t cover = 0, cover_old = 0, additive = 0;
	char name[32];

	for (int i = 0; i < COVER_REPS; i++) {
		snprintf(name, sizeof(name), "R%04d", i);
		for (size_t j = 0; j < n; j++)
			addv(&a, name, draw(&r, lognormal));
		for (size_t j = 0; j < n; j++)
			addv(&b, name, ratio * draw(&r, lognormal));
	}
	judge(&run, &a, &b, NULL, false);
	if (cstat__ucache_new(&uc))
		die("ucache");
	for (size_t i = 0; i < cstat_gate_count(run.g); i++) {
		const struct cstat_check *k = cstat_gate_get(run.g, i);
		size_t nx, ny;
		const double *x = cstat_table_cell_values(run.t, k->table,
							  k->row, 0, &nx);
		const double *y = cstat_table_cell_values(run.t, k->table,
							  k->row, k->col, &ny);
		double lo, hi, truth = ratio - 1;

		additive += k->additive;
		cover += k->change_lo <= truth && truth <= k->change_hi;
		if (cstat__gate_interval(uc, x, nx, y, ny, k->base_center, 0.95,
					 true, &lo, &hi))
			die("interval");
		cover_old += lo <= truth && truth <= hi;
	}
	double c = (double)cover / COVER_REPS;
	check(c >= 0.94 && additive == 0 &&
		      cstat_gate_count(run.g) == COVER_REPS,
	      "coverage ratio %-4g n=%zu+%zu %-9s: ratio interval %.3f, "
	      "old additive %.3f  (%d replicates, seed %llu)",
	      ratio, n, n, lognormal ? "lognormal" : "normal", c,
	      (double)cover_old / COVER_REPS, COVER_REPS,
	      (unsigned long long)seed);
	cstat__ucache_free(uc);
	done(&run);
	free(a.s);
	free(b.s);
}

/* ---------------------------------------------------------------------- */
/* 2. The detectable change */

#define POWER_BENCH 50
#define POWER_REPS 2000

/* n values exp(sd z) * center whose z have mean 0 and sample sd 1. */
static void
add_exact(struct text *t, struct rng *r, const char *name, size_t n,
	  double center, double sd)
{
	double z[64], mean = 0, ss = 0;

	for (size_t j = 0; j < n; j++)
		mean += (z[j] = normal(r)) / (double)n;
	for (size_t j = 0; j < n; j++)
		ss += (z[j] - mean) * (z[j] - mean);
	for (size_t j = 0; j < n; j++)
		addv(t, name,
		     center * exp(sd * (z[j] - mean) /
				  sqrt(ss / (double)(n - 1))));
}

/* The detectable change -aa reports for POWER_BENCH benchmarks of 10
 * values (halves 5 + 5) whose log values have a within-half sd of exactly
 * 2%, under settings kv. */
static double
detectable_exact(const char *const *kv, uint64_t seed)
{
	struct text a = {0}, b = {0};
	struct rng r = {seed};
	struct run run;
	char name[32];
	double d;

	for (int i = 0; i < POWER_BENCH; i++) {
		snprintf(name, sizeof(name), "D%02d", i);
		add_exact(&a, &r, name, 5, 100, 0.02);
		add_exact(&b, &r, name, 5, 100, 0.02);
	}
	judge(&run, &a, &b, kv, true);
	d = cstat_gate_detectable(run.g, 0);
	for (size_t i = 1; i < cstat_gate_count(run.g); i++)
		if (fabs(cstat_gate_detectable(run.g, i) - d) > 1e-9 * d)
			die("the same noise gave different detectable changes");
	done(&run);
	free(a.s);
	free(b.s);
	return d;
}

/* The share of POWER_REPS gate runs of POWER_BENCH benchmarks (10 + 10
 * lognormal values, sd 2%) in which the first, carrying change d, is a
 * regression. */
static double
flag_rate(const char *const *kv, double d, uint64_t seed)
{
	struct rng r = {seed};
	size_t hits = 0;
	char name[32];

	for (int rep = 0; rep < POWER_REPS; rep++) {
		struct text a = {0}, b = {0};
		struct run run;

		for (int i = 0; i < POWER_BENCH; i++) {
			snprintf(name, sizeof(name), "D%02d", i);
			for (int j = 0; j < 10; j++)
				addv(&a, name, 100 * exp(0.02 * normal(&r)));
			for (int j = 0; j < 10; j++)
				addv(&b, name,
				     (i ? 100 : 100 * (1 + d)) *
					     exp(0.02 * normal(&r)));
		}
		judge(&run, &a, &b, kv, false);
		hits += cstat_gate_get(run.g, 0)->verdict == CSTAT_REGRESSION;
		done(&run);
		free(a.s);
		free(b.s);
	}
	return (double)hits / POWER_REPS;
}

static void
power(const char *label, const char *const *kv, uint64_t seed)
{
	double d = detectable_exact(kv, seed);
	double rate = flag_rate(kv, d, seed + 1);

	check(fabs(rate - 0.8) <= 0.03,
	      "detectable (80%%) %-22s: %.2f%%, flagged in %.3f of %d runs of "
	      "%d benchmarks, n=10+10 (seeds %llu, %llu)",
	      label, 100 * d, rate, POWER_REPS, POWER_BENCH,
	      (unsigned long long)seed, (unsigned long long)seed + 1);
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/* What -aa says on random data: 50 benchmarks of 10 values, CV 2% normal,
 * halves 5 + 5. */
static void
aa_random(const char *label, const char *const *kv, uint64_t seed)
{
	struct text a = {0}, b = {0};
	struct rng r = {seed};
	struct run run;
	char name[32];
	double d[POWER_BENCH];

	for (int i = 0; i < POWER_BENCH; i++) {
		snprintf(name, sizeof(name), "A%02d", i);
		for (int j = 0; j < 5; j++) {
			addv(&a, name, 100 * (1 + 0.02 * normal(&r)));
			addv(&b, name, 100 * (1 + 0.02 * normal(&r)));
		}
	}
	judge(&run, &a, &b, kv, true);
	for (int i = 0; i < POWER_BENCH; i++)
		d[i] = cstat_gate_detectable(run.g, (size_t)i);
	qsort(d, POWER_BENCH, sizeof(double), cmp_double);
	printf("info -aa on 50 benchmarks, n=10 (5+5), CV 2%% normal, %s "
	       "(seed %llu): detectable median %.2f%%, range %.2f%% .. "
	       "%.2f%%\n",
	       label, (unsigned long long)seed, 100 * d[POWER_BENCH / 2],
	       100 * d[0], 100 * d[POWER_BENCH - 1]);
	done(&run);
	free(a.s);
	free(b.s);
}

/* ---------------------------------------------------------------------- */
/* 3. -threshold-on */

#define RULE_REPS 2000

/* The share of RULE_REPS single-benchmark runs (n + n values, CV 2%
 * normal, new = ratio x a base draw) flagged a regression under kv. */
static double
rule_rate(const char *const *kv, double ratio, size_t n, uint64_t seed)
{
	struct rng r = {seed};
	size_t hits = 0;

	for (int rep = 0; rep < RULE_REPS; rep++) {
		struct text a = {0}, b = {0};
		struct run run;

		for (size_t j = 0; j < n; j++)
			addv(&a, "T", 100 * (1 + 0.02 * normal(&r)));
		for (size_t j = 0; j < n; j++)
			addv(&b, "T", ratio * 100 * (1 + 0.02 * normal(&r)));
		judge(&run, &a, &b, kv, false);
		hits += cstat_gate_get(run.g, 0)->verdict == CSTAT_REGRESSION;
		done(&run);
		free(a.s);
		free(b.s);
	}
	return (double)hits / RULE_REPS;
}

static void
threshold_on(void)
{
	static const char *const est[] = {"threshold_on", "estimate", NULL};
	static const char *const itv[] = {"threshold_on", "interval", NULL};
	double e5 = rule_rate(est, 1.05, 20, 301);
	double i5 = rule_rate(itv, 1.05, 20, 301);
	double e10 = rule_rate(est, 1.10, 20, 302);
	double i10 = rule_rate(itv, 1.10, 20, 302);

	check(e5 >= 0.45 && e5 <= 0.55,
	      "true +5%%, threshold 5%% on the estimate: flagged %.3f of %d "
	      "(n=20+20, CV 2%%, seed 301)",
	      e5, RULE_REPS);
	check(i5 <= 0.03,
	      "true +5%%, threshold 5%% on the interval: flagged %.3f of %d "
	      "(n=20+20, CV 2%%, seed 301)",
	      i5, RULE_REPS);
	check(e10 >= 0.99,
	      "true +10%%, threshold 5%% on the estimate: flagged %.3f of %d "
	      "(n=20+20, CV 2%%, seed 302)",
	      e10, RULE_REPS);
	check(i10 >= 0.99,
	      "true +10%%, threshold 5%% on the interval: flagged %.3f of %d "
	      "(n=20+20, CV 2%%, seed 302)",
	      i10, RULE_REPS);
}

int
main(void)
{
	static const double ratios[] = {1.0, 1.2, 2.0, 10.0};
	static const size_t sizes[] = {10, 20};
	static const char *const t0[] = {"threshold", "0%", NULL};
	static const char *const t5[] = {"threshold", "5%", NULL};
	static const char *const t5i[] = {"threshold", "5%", "threshold_on",
					  "interval", NULL};
	uint64_t seed = 100;

	for (int ln = 0; ln < 2; ln++)
		for (size_t s = 0; s < 2; s++)
			for (size_t i = 0; i < 4; i++)
				coverage(ratios[i], sizes[s], ln, seed++);
	power("threshold 0%", t0, 201);
	power("threshold 5% (estimate)", t5, 203);
	power("threshold 5% (interval)", t5i, 205);
	aa_random("threshold 0%", t0, 207);
	aa_random("threshold 5%", t5, 207);
	threshold_on();
	printf("%s\n", failures ? "FAILED" : "all targets met");
	return failures ? 1 : 0;
}
