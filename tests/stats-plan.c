/*
 * stats-plan.c - run planning's promise, measured (meson suite
 * "statistics"): at the -count per side a plan recommends, the real gate
 * (Go text read by cstat's reader, built into tables, judged by
 * cstat_gate_new()) flags the planned change in about the planned share
 * of fresh comparisons.
 *
 * For each case a pilot run of 10 lognormal values with a log-sd of
 * exactly s (drawn, then standardized, so that the test measures the
 * planning and not the luck of one pilot) is planned for a change C at a
 * threshold; then REPS fresh comparisons of count + count lognormal
 * values (sd s, the new side times 1 + C) are judged and the regressions
 * counted.
 *
 * How "within +-20%" of the issue is read: the measured power at the
 * recommended count lies within 80% +- 20% of 80%, [64%, 96%] (the
 * power); and, where the count is at least 10 so that 20% of it is two
 * runs or more, the 80% point lies within +-20% of the count: the power
 * measured at 0.8 x count (rounded down) is below 80% and at 1.2 x count
 * (rounded up) at least 80% (the count).  The suite case plans four
 * benchmarks at once (the level is alpha / 4), and checks each one's
 * measured power at the suite's count, one benchmark changed per
 * comparison among four, against its planned power there (+-20% of it),
 * and the mean against the plan's expected share.
 *
 * Usage: stats-plan (no arguments).  Prints every rate with its sample
 * size and seed; exits 1 when one misses.
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstat.h"
#include "gateutil.h"

#define REPS 400
#define SEED 0x91a7c0u
#define PILOT 10

static int failures;

static void
die(const char *what)
{
	fprintf(stderr, "stats-plan: %s\n", what);
	exit(2);
}

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
	failures += !ok;
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

/* Reads the texts as files base (and new), builds the tables. */
static cstat_tables *
tables(const struct text *base, const struct text *new, cstat_reader **r)
{
	const struct text *files[2] = {base, new};
	const char *names[2] = {"base", "new"};
	cstat_builder *b;
	cstat_tables *t;
	struct cstat_diag d;
	const struct cstat_result *res;
	int rc;

	if (cstat_reader_new(r) || cstat_builder_new(&b, NULL, &d))
		die("setup");
	for (int i = 0; i < (new ? 2 : 1); i++) {
		if (cstat_reader_open_mem(*r, files[i]->s, files[i]->len,
					  names[i]))
			die("open");
		while ((rc = cstat_reader_next(*r, &res, &d)) == 1)
			if (cstat_builder_add(b, res))
				die("add");
		if (rc)
			die("read");
	}
	struct cstat_stats_opts o = {0.05, 0.95, *r, 1};
	if (cstat_builder_build(b, &o, &t))
		die("build");
	cstat_builder_free(b);
	return t;
}

static cstat_gate_config *
config(double threshold, bool interval)
{
	cstat_gate_config *c;
	struct cstat_diag d;
	char pct[32];

	snprintf(pct, sizeof(pct), "%g%%", 100 * threshold);
	if (cstat_gate_config_new(&c) ||
	    cstat_gate_config_set(c, "threshold", pct, &d) ||
	    cstat_gate_config_set(c, "threshold_on",
				  interval ? "interval" : "estimate", &d))
		die("config");
	return c;
}

/* PILOT values of benchmark name with a log-sd of exactly sd. */
static void
pilot(struct text *t, const char *name, double sd, struct rng *g)
{
	double z[PILOT], mean = 0, ss = 0;

	for (int i = 0; i < PILOT; i++)
		mean += z[i] = normal(g);
	mean /= PILOT;
	for (int i = 0; i < PILOT; i++)
		ss += (z[i] - mean) * (z[i] - mean);
	for (int i = 0; i < PILOT; i++)
		addv(t, name, 100 * exp(sd * (z[i] - mean) / sqrt(ss / 9)));
}

/* The plan of a pilot text (freed by the caller). */
static cstat_plan *
plan_of(const struct text *pilot_text, const cstat_gate_config *c,
	double change, size_t at)
{
	cstat_reader *r;
	cstat_tables *t = tables(pilot_text, NULL, &r);
	struct cstat_plan_opts o = {change, 0, 0, at};
	cstat_plan *p;

	if (cstat_plan_new(&p, t, c, &o))
		die("plan");
	cstat_tables_free(t);
	cstat_reader_free(r);
	return p;
}

/*
 * The share of REPS comparisons of n + n values in which the gate flags
 * benchmark k of nb (sds sd[]) as a regression when k alone changes by
 * change (k = -1: each in turn, counted in hits[]).
 */
static void
measure(size_t n, size_t nb, const double *sd, double change,
	const cstat_gate_config *c, struct rng *g, double *power)
{
	size_t hits[8] = {0}, tries[8] = {0};

	for (int r = 0; r < REPS * (int)nb; r++) {
		struct text base = {0}, new = {0};
		size_t k = (size_t)r % nb;
		char name[8];
		for (size_t b = 0; b < nb; b++) {
			snprintf(name, sizeof(name), "B%zu", b);
			for (size_t i = 0; i < n; i++) {
				addv(&base, name, 100 * exp(sd[b] * normal(g)));
				addv(&new, name,
				     100 * (b == k ? 1 + change : 1) *
					     exp(sd[b] * normal(g)));
			}
		}
		cstat_reader *rd;
		cstat_tables *t = tables(&base, &new, &rd);
		cstat_gate *gt;
		if (cstat_gate_new(&gt, t, c, rd, false))
			die("gate");
		snprintf(name, sizeof(name), "B%zu", k);
		for (size_t i = 0; i < cstat_gate_count(gt); i++) {
			const struct cstat_check *ck = cstat_gate_get(gt, i);
			if (strcmp(ck->name, name) == 0)
				hits[k] += ck->verdict == CSTAT_REGRESSION;
		}
		tries[k]++;
		cstat_gate_free(gt);
		cstat_tables_free(t);
		cstat_reader_free(rd);
		free(base.s);
		free(new.s);
	}
	for (size_t b = 0; b < nb; b++)
		power[b] = (double)hits[b] / (double)tries[b];
}

struct one {
	double sd, change, threshold;
	bool interval;
};

static void
single(const struct one *cs, struct rng *g)
{
	struct text pt = {0};
	cstat_gate_config *c = config(cs->threshold, cs->interval);
	char what[160];

	pilot(&pt, "B0", cs->sd, g);
	cstat_plan *p = plan_of(&pt, c, cs->change, 0);
	const struct cstat_plan_row *w = cstat_plan_get(p, 0);
	snprintf(what, sizeof(what),
		 "noise %.3g%%, change %.3g%%, threshold %.3g%% on the %s",
		 100 * cs->sd, 100 * cs->change, 100 * cs->threshold,
		 cs->interval ? "interval" : "estimate");
	if (w->status != CSTAT_PLAN_OK)
		die("a case's plan found no count");
	size_t n = w->count;
	double pw;
	measure(n, 1, &cs->sd, cs->change, c, g, &pw);
	check(pw >= 0.64 && pw <= 0.96,
	      "%s: count %zu (planned power %.3f): measured %.3f over %d "
	      "comparisons (target [0.64, 0.96])",
	      what, n, w->power, pw, REPS);
	if (n >= 10) {
		size_t lo = (size_t)floor(0.8 * (double)n);
		size_t hi = (size_t)ceil(1.2 * (double)n);
		double plo, phi;
		measure(lo, 1, &cs->sd, cs->change, c, g, &plo);
		measure(hi, 1, &cs->sd, cs->change, c, g, &phi);
		check(plo < 0.8 && phi >= 0.8,
		      "%s: the 80%% point within +-20%% of count %zu: "
		      "measured %.3f at %zu (want < 0.8), %.3f at %zu (want "
		      ">= 0.8), %d comparisons each",
		      what, n, plo, lo, phi, hi, REPS);
	}
	cstat_plan_free(p);
	cstat_gate_config_free(c);
	free(pt.s);
}

/* Four benchmarks planned together; each measured at the suite's count
 * with the other three unchanged. */
static void
suite(struct rng *g)
{
	const double sd[4] = {0.005, 0.01, 0.02, 0.03};
	const double change = 0.05;
	struct text pt = {0};
	cstat_gate_config *c = config(0.01, false);
	double pw[4], mean = 0;
	char name[8];

	for (size_t b = 0; b < 4; b++) {
		snprintf(name, sizeof(name), "B%zu", b);
		pilot(&pt, name, sd[b], g);
	}
	cstat_plan *p0 = plan_of(&pt, c, change, 0);
	size_t n = cstat_plan_suite(p0)->count;
	cstat_plan_free(p0);
	if (n == 0)
		die("the suite's plan found no count");
	cstat_plan *p = plan_of(&pt, c, change, n);
	measure(n, 4, sd, change, c, g, pw);
	for (size_t b = 0; b < 4; b++) {
		const struct cstat_plan_row *w = cstat_plan_get(p, b);
		check(w->power_at >= 0.8 &&
			      fabs(pw[b] - w->power_at) <= 0.2 * w->power_at,
		      "suite of 4 (level 0.0125), change 5%%, threshold 1%%: "
		      "%s noise %.3g%% at the suite's count %zu: planned %.3f, "
		      "measured %.3f over %d comparisons (want within 20%%)",
		      w->name, 100 * sd[b], n, w->power_at, pw[b], REPS);
		mean += pw[b] / 4;
	}
	double share = cstat_plan_suite(p)->share;
	check(fabs(mean - share) <= 0.2 * share,
	      "suite: expected share %.3f at count %zu, measured %.3f over "
	      "%d comparisons (want within 20%%)",
	      share, n, mean, 4 * REPS);
	cstat_plan_free(p);
	cstat_gate_config_free(c);
	free(pt.s);
}

int
main(void)
{
	const struct one cases[] = {
		{0.01, 0.03, 0.02, false}, {0.02, 0.05, 0.02, false},
		{0.05, 0.10, 0.05, false}, {0.02, 0.03, 0.0, false},
		{0.03, 0.10, 0.05, true},  {0.005, 0.02, 0.01, true},
		{0.03, 0.03, 0.0, false},  {0.05, 0.08, 0.03, false},
		{0.04, 0.08, 0.03, true},
	};
	struct rng g = {SEED};

	printf("seed %#x, %d comparisons per rate, pilots of %d values\n", SEED,
	       REPS, PILOT);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		single(&cases[i], &g);
	suite(&g);
	printf("%s\n", failures ? "FAILED" : "all rates within their targets");
	return failures ? 1 : 0;
}
