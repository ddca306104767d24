/*
 * stats-forecast.c - the forecasts' statistical promises, measured on
 * simulated series with a fixed seed (statistics suite):
 *
 *   - flat series (no drift): a significant trend, hence a forecast, in
 *     under 5% of them (the design level is 1%: Sen's 99% interval);
 *   - planted drifts of 0.2% and 0.5% a run: found (significant, in the
 *     right direction) in at least 80% and 99% of the series, with the
 *     median estimated rate within 10% of the planted one;
 *   - the 95% prediction interval of the next run holds it in 93% to 97%
 *     of the series, and that of the run 10 ahead in 92% to 98%;
 *   - the crossing of +10% at 0.2% a run, 18.7 runs after the last run
 *     (by hand: 1 + ln 1.1 / ln 1.002 - 30), estimated with a median
 *     within 20% of that.
 *
 * And through a whole history, change points first (cstat_history_forecast()
 * on HSERIES benchmarks x HRUNS runs of 5 values each, run noise 2%, noise
 * within a run 0.5%): false forecasts on a flat history and after a step
 * of 5% or 10% at run 21 (no drift) under 5%, a drift of 0.5% a run found
 * in at least 80% of its series (the change-point search cuts such a
 * drift into steps, about 3 a series, which the trend must explain).
 *
 * Each series has 30 runs since its change point (runs 1..30), run
 * medians 100 * (1 + drift)^run with log-normal noise of 2% (sd of the log
 * median): a noisy CI machine's run-to-run spread.  N series per drift;
 * xoshiro256** seeded by splitmix64 from SEED.  Prints every rate with its
 * N; fails when one misses its target.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cstat.h"

#define SEED 20261205u
#define N 4000	   /* series per drift */
#define RUNS 30	   /* runs since the change point */
#define NOISE 0.02 /* sd of the log run median */
#define HSERIES 200
#define HRUNS 40

static uint64_t s[4];

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
next(void)
{
	uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return r;
}

/* Uniform in (0, 1). */
static double
uniform(void)
{
	return ((double)(next() >> 11) + 0.5) / 9007199254740992.0;
}

/* A standard normal draw (Box-Muller; the second value dropped). */
static double
normal(void)
{
	return sqrt(-2 * log(uniform())) * cos(6.283185307179586 * uniform());
}

/* The run median of run k of a series drifting by drift a run. */
static double
median_at(double drift, double k)
{
	return 100 * pow(1 + drift, k) * exp(NOISE * normal());
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct tally {
	size_t found, cover1, cover10, fitted;
	double *rates, *cross;
	size_t ncross;
};

/* One series of the drift: fitted, tallied. */
static int
one(double drift, struct tally *t)
{
	double y[RUNS], mid, lo, hi;
	struct cstat_forecast f;

	for (size_t k = 0; k < RUNS; k++)
		y[k] = median_at(drift, (double)(k + 1));
	if (cstat_forecast_fit(NULL, y, RUNS, 0.10, false, NULL, &f))
		return 1;
	t->rates[t->fitted++] = f.rate;
	if (f.status == CSTAT_FORECAST_TREND && (drift == 0 || f.rate > 0))
		t->found++;
	if (f.status == CSTAT_FORECAST_TREND && isfinite(f.cross))
		t->cross[t->ncross++] = f.cross;
	double y1 = median_at(drift, RUNS + 1),
	       y10 = median_at(drift, RUNS + 10);
	if (cstat_forecast_predict(&f, 1, &mid, &lo, &hi))
		return 1;
	t->cover1 += y1 >= lo && y1 <= hi;
	if (cstat_forecast_predict(&f, 10, &mid, &lo, &hi))
		return 1;
	t->cover10 += y10 >= lo && y10 <= hi;
	return 0;
}

/* Run k (1-based) of a history of HSERIES benchmarks drifting by drift a
 * run: 5 values each. */
static cstat_run *
history_run(double drift, double step, size_t k)
{
	static char text[HSERIES * 5 * 48];
	size_t len = 0;
	cstat_reader *r;
	cstat_run *run;
	const struct cstat_result *res;
	struct cstat_diag d;

	for (size_t b = 0; b < HSERIES; b++) {
		double level = median_at(drift, (double)k) *
			       (k > HRUNS / 2 ? 1 + step : 1);
		for (int i = 0; i < 5; i++)
			len += (size_t)snprintf(
				text + len, sizeof(text) - len,
				"BenchmarkB%zu-8 1 %.6g ns/op\n", b,
				level * exp(0.005 * normal()));
	}
	if (cstat_reader_new(&r) || cstat_run_new(&run) ||
	    cstat_reader_open_mem(r, text, len, "x"))
		exit(1);
	while (cstat_reader_next(r, &res, &d) == 1)
		if (cstat_run_add(run, res, r))
			exit(1);
	cstat_reader_free(r);
	return run;
}

/* The share of a history's series with a significant trend (rising,
 * when drift > 0), through its change points. */
static double
history_rate(double drift, double step)
{
	cstat_run *runs[HRUNS];
	cstat_tables *t;
	struct cstat_change *ch;
	struct cstat_forecast *fc;
	struct cstat_diag d;
	size_t nch, n, found = 0;

	for (size_t k = 0; k < HRUNS; k++)
		runs[k] = history_run(drift, step, k + 1);
	if (cstat_history_build(runs, HRUNS, NULL, 0.95, &t, &d) ||
	    cstat_history_changes(t, 0, 0, &ch, &nch) ||
	    cstat_history_forecast(t, ch, nch, NULL, &fc, &n) || n != HSERIES)
		exit(1);
	for (size_t k = 0; k < n; k++)
		found += fc[k].status == CSTAT_FORECAST_TREND &&
			 (drift == 0 || fc[k].rate > 0);
	printf("  history of %d runs: %zu change points in %zu series\n", HRUNS,
	       nch, n);
	free(fc);
	free(ch);
	cstat_tables_free(t);
	for (size_t k = 0; k < HRUNS; k++)
		cstat_run_free(runs[k]);
	return (double)found / (double)n;
}

/* Whether v is in [lo, hi]; prints the check. */
static bool
check(const char *what, double v, double lo, double hi)
{
	bool ok = v >= lo && v <= hi;

	printf("  %-44s %8.4f  target [%g, %g]  %s\n", what, v, lo, hi,
	       ok ? "ok" : "MISSED");
	return ok;
}

int
main(void)
{
	static const double drifts[] = {0, 0.002, 0.005};
	static const double found_lo[] = {0, 0.80, 0.99};
	static const double found_hi[] = {0.05, 1, 1};
	uint64_t x = SEED;
	bool ok = true;

	for (int i = 0; i < 4; i++)
		s[i] = splitmix(&x);
	printf("forecasts: %d series per drift, %d runs each, log noise sd "
	       "%g, seed %u\n",
	       N, RUNS, NOISE, SEED);
	for (size_t d = 0; d < 3; d++) {
		struct tally t = {0};
		t.rates = malloc(N * sizeof(double));
		t.cross = malloc(N * sizeof(double));
		if (!t.rates || !t.cross)
			return 1;
		for (size_t k = 0; k < N; k++)
			if (one(drifts[d], &t))
				return 1;
		qsort(t.rates, t.fitted, sizeof(double), cmp_double);
		double med = t.rates[t.fitted / 2];
		printf("drift %g a run (N = %d):\n", drifts[d], N);
		ok &= check(d ? "significant trend, right direction"
			      : "false forecasts (significant trend)",
			    (double)t.found / N, found_lo[d], found_hi[d]);
		if (d)
			ok &= check("median rate / planted", med / drifts[d],
				    0.9, 1.1);
		ok &= check("next run in its 95% prediction interval",
			    (double)t.cover1 / N, 0.93, 0.97);
		ok &= check("run +10 in its 95% prediction interval",
			    (double)t.cover10 / N, 0.92, 0.98);
		if (d == 1) {
			qsort(t.cross, t.ncross, sizeof(double), cmp_double);
			double want = 1 + log(1.1) / log(1.002) - RUNS;
			printf("  crossing +10%%: %zu series, planted %.2f "
			       "runs\n",
			       t.ncross, want);
			ok &= check("median crossing / planted",
				    t.cross[t.ncross / 2] / want, 0.8, 1.2);
		}
		free(t.rates);
		free(t.cross);
	}
	printf("through a history's change points (N = %d series each):\n",
	       HSERIES);
	ok &= check("flat history: false forecasts", history_rate(0, 0), 0,
		    0.05);
	ok &= check("a 10% step, no drift: false forecasts",
		    history_rate(0, 0.10), 0, 0.05);
	ok &= check("a 5% step, no drift: false forecasts",
		    history_rate(0, 0.05), 0, 0.05);
	ok &= check("0.5% a run: significant rising trend",
		    history_rate(0.005, 0), 0.80, 1);
	printf("%s\n", ok ? "all targets met" : "a target was missed");
	return ok ? 0 : 1;
}
