/*
 * stats-noise.c - the noise-aware threshold measured: how often a gate over
 * 300 benchmarks fails on unchanged code when every run moves every
 * benchmark's level a little, without and with a history, and how often a
 * real 10% regression is still caught with it.
 *
 * The model (docs/cregress.md, "Noise-aware threshold"): benchmark b's
 * values in run r are L_b * exp(o_rb + e), e ~ N(0, 1%) independently
 * for each of the 10 values (within-run CV 1%), and o_rb the run's offset:
 *   independent  o_rb ~ N(0, 1%) for every run and benchmark;
 *   shared       o_rb = s_r + u_rb, s_r ~ N(0, 0.7%) shared by every
 *                benchmark of the run, u_rb ~ N(0, 0.7%) (1% in all).
 * A history holds 30 runs; the baseline is its last run (cbaseline record
 * and save of the same results), the new run a 31st.  The history's tables
 * hold each run's median as its one value (the same centers the full runs
 * give: the R8 median of 10 values is the mean of the middle two), which
 * keeps the simulation lean.
 *
 * Fails when the rate with the history is above 1%, when the rate without
 * it is not clearly above it (the data must be able to fail the gate), or
 * when the power falls below 80%.  Prints every rate with its sample size.
 * Fixed seeds; no global state.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstat.h"
#include "gateutil.h"

#define NBENCH 300
#define NVALUES 10
#define NRUNS 30
#define SUITES 400

struct model {
	double shared, own; /* sd of the shared and per-benchmark offsets */
	double within;	    /* sd of the log values within a run */
};

/* One run: NBENCH x NVALUES values; factor multiplies benchmark 0. */
static void
sim_run(struct rng *r, const struct model *m, double factor, double *v)
{
	double s = m->shared * normal(r);

	for (size_t b = 0; b < NBENCH; b++) {
		double level = 1e-6 * (1 + 0.01 * (double)b) *
			       exp(s + m->own * normal(r));
		for (size_t i = 0; i < NVALUES; i++)
			v[b * NVALUES + i] = level *
					     exp(m->within * normal(r)) *
					     (b == 0 ? factor : 1);
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median10(const double *v)
{
	double s[NVALUES];

	memcpy(s, v, sizeof(s));
	qsort(s, NVALUES, sizeof(double), cmp_double);
	return (s[4] + s[5]) / 2;
}

static void
die(const char *what, int rc)
{
	fprintf(stderr, "stats-noise: %s: %s\n", what, cstat_strerror(rc));
	exit(1);
}

/* Adds n values of benchmark b from column label. */
static void
add(cstat_builder *bld, const char *label, size_t b, const double *v, size_t n)
{
	char name[32];
	struct cstat_value vals[NVALUES];
	int len = snprintf(name, sizeof(name), "B%03zu", b);

	for (size_t i = 0; i < n; i++)
		vals[i] = (struct cstat_value){v[i], "sec/op", v[i], "sec/op"};
	struct cstat_result res = {
		.file = label,
		.name = name,
		.name_len = (size_t)len,
		.values = vals,
		.nvalues = n,
		.line = 1,
	};
	int rc = cstat_builder_add(bld, &res);
	if (rc)
		die("add", rc);
}

static cstat_tables *
build(cstat_builder *bld)
{
	struct cstat_stats_opts o = {0.05, 0.95, NULL, 1};
	cstat_tables *t;
	int rc = cstat_builder_build(bld, &o, &t);

	if (rc)
		die("build", rc);
	cstat_builder_free(bld);
	return t;
}

static cstat_builder *
builder(void)
{
	struct cstat_diag d;
	cstat_builder *bld;
	int rc = cstat_builder_new(&bld, NULL, &d);

	if (rc)
		die("builder", rc);
	return bld;
}

/* The history's tables: a column per run, each run's median as value. */
static cstat_tables *
history_tables(const double *runs)
{
	cstat_builder *bld = builder();
	char labels[NRUNS][8];

	for (size_t r = 0; r < NRUNS; r++) {
		snprintf(labels[r], sizeof(labels[r]), "%zu", r + 1);
		for (size_t b = 0; b < NBENCH; b++) {
			double med =
				median10(&runs[(r * NBENCH + b) * NVALUES]);
			add(bld, labels[r], b, &med, 1);
		}
	}
	return build(bld);
}

static cstat_tables *
gate_tables(const double *base, const double *new)
{
	cstat_builder *bld = builder();

	for (size_t b = 0; b < NBENCH; b++) {
		add(bld, "base", b, &base[b * NVALUES], NVALUES);
		add(bld, "new", b, &new[b * NVALUES], NVALUES);
	}
	return build(bld);
}

/* Judges t under c: *failed gets the exit status, *caught whether B000
 * (the planted one) is a regression. */
static void
judge(const cstat_tables *t, const cstat_gate_config *c, int *failed,
      int *caught, size_t *above)
{
	cstat_gate *g;
	int rc = cstat_gate_new(&g, t, c, NULL, false);

	if (rc)
		die("gate", rc);
	*failed = cstat_gate_status(g, false);
	*caught = 0;
	for (size_t i = 0; i < cstat_gate_count(g); i++) {
		const struct cstat_check *k = cstat_gate_get(g, i);
		if (strcmp(k->name, "B000") == 0)
			*caught = k->verdict == CSTAT_REGRESSION;
		/* The bound's own calibration: changes above it, whatever
		 * the U test says. */
		if (above && k->change > k->noise)
			++*above;
	}
	cstat_gate_free(g);
}

struct tally {
	size_t fail_plain, fail_noise, caught_plain, caught_noise, suites;
	size_t above; /* same-code changes above their noise threshold */
};

static void
simulate(const struct model *m, uint64_t seed, size_t suites, struct tally *t)
{
	struct rng r = {seed};
	double *runs = malloc((NRUNS + 2) * NBENCH * NVALUES * sizeof(double));
	double *fresh = runs + NRUNS * NBENCH * NVALUES;
	double *planted = fresh + NBENCH * NVALUES;
	const double *base = runs + (NRUNS - 1) * NBENCH * NVALUES;
	cstat_gate_config *plain, *noisy;

	if (!runs || cstat_gate_config_new(&plain) ||
	    cstat_gate_config_new(&noisy))
		die("setup", CSTAT_ENOMEM);
	memset(t, 0, sizeof(*t));
	for (size_t s = 0; s < suites; s++) {
		int f, c;

		for (size_t k = 0; k < NRUNS; k++)
			sim_run(&r, m, 1, runs + k * NBENCH * NVALUES);
		sim_run(&r, m, 1, fresh);
		sim_run(&r, m, 1.10, planted);
		cstat_tables *h = history_tables(runs);
		int rc = cstat_gate_config_set_history(noisy, h, "sim");
		if (rc)
			die("history", rc);
		cstat_tables_free(h);

		cstat_tables *same = gate_tables(base, fresh);
		judge(same, plain, &f, &c, NULL);
		t->fail_plain += (size_t)f;
		judge(same, noisy, &f, &c, &t->above);
		t->fail_noise += (size_t)f;
		cstat_tables_free(same);

		cstat_tables *reg = gate_tables(base, planted);
		judge(reg, plain, &f, &c, NULL);
		t->caught_plain += (size_t)c;
		judge(reg, noisy, &f, &c, NULL);
		t->caught_noise += (size_t)c;
		cstat_tables_free(reg);
	}
	t->suites = suites;
	cstat_gate_config_free(plain);
	cstat_gate_config_free(noisy);
	free(runs);
}

static double
pct(size_t k, size_t n)
{
	return 100.0 * (double)k / (double)n;
}

/* Reports one model; returns the number of targets missed.  The power
 * target applies when power is set. */
static int
report(const char *what, const struct model *m, uint64_t seed, size_t suites,
       bool power)
{
	struct tally t;
	int missed = 0;

	simulate(m, seed, suites, &t);
	printf("%s (seed %#llx, %zu suite runs of %d benchmarks, n=%d per "
	       "run, within-run CV %.0f%%, %d-run history):\n",
	       what, (unsigned long long)seed, t.suites, NBENCH, NVALUES,
	       m->within * 100, NRUNS);
	printf("  same code, gate fails: without history %zu/%zu = %.2f%%, "
	       "with history %zu/%zu = %.2f%% (target <= 1%%)\n",
	       t.fail_plain, t.suites, pct(t.fail_plain, t.suites),
	       t.fail_noise, t.suites, pct(t.fail_noise, t.suites));
	printf("  same-code changes above their noise threshold: %zu of %zu "
	       "(%.1f expected at noise-alpha 0.005 per suite run)\n",
	       t.above, t.suites * NBENCH, 0.005 * (double)t.suites);
	printf("  +10%% on B000 caught: without history %zu/%zu = %.1f%%, "
	       "with history %zu/%zu = %.1f%%%s\n",
	       t.caught_plain, t.suites, pct(t.caught_plain, t.suites),
	       t.caught_noise, t.suites, pct(t.caught_noise, t.suites),
	       power ? " (target >= 80%)" : "");
	if (pct(t.fail_noise, t.suites) > 1.0) {
		printf("  FAIL: the rate with the history is above 1%%\n");
		missed++;
	}
	if (pct(t.fail_plain, t.suites) < 3.0) {
		printf("  FAIL: without the history the data hardly fail the "
		       "gate: the test cannot show anything\n");
		missed++;
	}
	if (power && pct(t.caught_noise, t.suites) < 80.0) {
		printf("  FAIL: power with the history below 80%%\n");
		missed++;
	}
	return missed;
}

int
main(int argc, char **argv)
{
	size_t suites = argc > 1 ? (size_t)strtoul(argv[1], NULL, 10) : SUITES;
	const struct model independent = {0, 0.01, 0.01};
	const struct model shared = {0.007, 0.007, 0.01};
	const struct model noisier = {0, 0.01, 0.02};
	int missed = 0;

	missed += report("independent 1% offsets", &independent, 0x5eed0001u,
			 suites, true);
	missed += report("shared 0.7% + own 0.7% offsets", &shared, 0x5eed0002u,
			 suites, true);
	missed += report("independent 1% offsets, within-run CV 2%", &noisier,
			 0x5eed0003u, suites, false);
	return missed ? 1 : 0;
}
