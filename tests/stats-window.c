/*
 * stats-window.c - the gate's window measured: whether the change-point
 * search over a series' last CSTAT_GATE_HISTORY_RUNS runs finds the same
 * last change point, and so gives the same noise estimate, as over the
 * whole series (docs/cregress.md, "The window").
 *
 * The gate's noise estimate of a series uses its runs since its last
 * change point, at most the last CSTAT__NOISE_MAX_RUNS (30): it is the
 * same with the window as without it when both searches agree on where
 * the last 30 runs' stretch starts, max(last change, n - 30).  The last
 * change point itself is "the same" when both find it at the same run, or
 * when the whole series' last change lies before the window and the
 * window's search finds none (the gate then starts from the window's
 * start, and the estimate from the last 30 runs either way).
 *
 * The simulated series: N runs of log run medians, noise N(0, 1%), with
 * steps planted at random (on average one every 400 runs, each of
 * +-(2% to 20%)), one run in 100 wild (x 1.5) and a level drift of its
 * own per series (a random walk of 0.05% a run in a third of them).
 * A fixed seed (xoshiro256** seeded by splitmix64 from 20261206); cstat__cpd()
 * at the gate's default settings, without within-run standard errors.
 *
 * Fails when fewer than 99% of the series give the same noise estimate
 * with the window of CSTAT_GATE_HISTORY_RUNS.  Prints every rate, for
 * several windows, with its sample size.  With an argument, measures the
 * series of that file instead (a series per line, numbers separated by
 * blanks, oldest first: the real histories of docs/cregress.md).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpd.h"
#include "cstat.h"
#include "gate.h"
#include "simrng.h"

#define NSERIES 240
#define NRUNS 4000

static const size_t windows[] = {200, 300, CSTAT_GATE_HISTORY_RUNS, 1000};
#define NWIN (sizeof(windows) / sizeof(windows[0]))

struct tally {
	size_t series, same_cp, same_noise;
};

/* The first run after x[0..n)'s last change point (0: none). */
static size_t
last_change(const double *x, size_t n)
{
	struct cstat__cpd_point *pts = NULL;
	size_t np = 0, at = 0;

	if (cstat__cpd(x, NULL, n, NULL, &pts, &np) != 0) {
		fprintf(stderr, "cstat__cpd failed\n");
		exit(1);
	}
	if (np)
		at = pts[np - 1].index;
	free(pts);
	return at;
}

/* Compares the whole series x[0..n) with each window, into tally. */
static void
measure(const double *x, size_t n, struct tally *t)
{
	size_t whole = last_change(x, n);
	size_t from = n > CSTAT__NOISE_MAX_RUNS ? n - CSTAT__NOISE_MAX_RUNS : 0;

	for (size_t w = 0; w < NWIN; w++) {
		if (n <= windows[w])
			continue; /* the window reads it whole */
		size_t first = n - windows[w];
		size_t in = last_change(x + first, windows[w]);
		size_t win = in ? first + in : 0;
		t[w].series++;
		t[w].same_cp += whole == win || (whole < first && !in);
		size_t a = whole > from ? whole : from;
		size_t b = win > from ? win : from;
		t[w].same_noise += a == b;
	}
}

static void
report(const char *what, const struct tally *t)
{
	for (size_t w = 0; w < NWIN; w++)
		printf("%s window %4zu: same last change %zu/%zu (%.2f%%), "
		       "same noise estimate %zu/%zu (%.2f%%)\n",
		       what, windows[w], t[w].same_cp, t[w].series,
		       t[w].series ? 100.0 * (double)t[w].same_cp /
					     (double)t[w].series
				   : 0,
		       t[w].same_noise, t[w].series,
		       t[w].series ? 100.0 * (double)t[w].same_noise /
					     (double)t[w].series
				   : 0);
}

/* One simulated series of n log medians into x. */
static void
simulate(struct rng *r, double *x, size_t n)
{
	double level = 0, drift = uniform(r) < 1.0 / 3 ? 0.0005 : 0;

	for (size_t i = 0; i < n; i++) {
		if (uniform(r) < 1.0 / 400) {
			double size = 0.02 + 0.18 * uniform(r);
			level += uniform(r) < 0.5 ? log1p(size) : -log1p(size);
		}
		level += drift * normal(r);
		x[i] = level + 0.01 * normal(r);
		if (uniform(r) < 0.01)
			x[i] += log(1.5);
	}
	for (size_t i = 0; i < n; i++)
		x[i] = exp(x[i]); /* run medians, as the history holds */
}

/* The series of file path, one per line; measured into t. */
static int
from_file(const char *path, struct tally *t)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, n, xcap = 0;
	double *x = NULL;

	if (!f) {
		perror(path);
		return 1;
	}
	while (getline(&line, &cap, f) > 0) {
		n = 0;
		for (char *p = line, *e;; p = e) {
			double v = strtod(p, &e);
			if (e == p)
				break;
			if (n == xcap) {
				xcap = xcap ? 2 * xcap : 1024;
				x = realloc(x, xcap * sizeof(*x));
				if (!x)
					return 1;
			}
			x[n++] = v;
		}
		measure(x, n, t);
	}
	free(x);
	free(line);
	fclose(f);
	return 0;
}

int
main(int argc, char **argv)
{
	struct tally t[NWIN] = {{0}};
	struct rng r;
	uint64_t seed = 20261206;
	double *x = malloc(NRUNS * sizeof(*x));
	size_t w500 = 0;

	for (size_t i = 0; i < 4; i++)
		r.s[i] = splitmix64(&seed);
	if (!x)
		return 1;
	if (argc > 1) {
		int rc = from_file(argv[1], t);
		report(argv[1], t);
		free(x);
		return rc;
	}
	for (size_t s = 0; s < NSERIES; s++) {
		simulate(&r, x, NRUNS);
		measure(x, NRUNS, t);
	}
	free(x);
	printf("simulated: %d series of %d runs, seed 20261206\n", NSERIES,
	       NRUNS);
	report("simulated", t);
	while (windows[w500] != CSTAT_GATE_HISTORY_RUNS)
		w500++;
	double rate = (double)t[w500].same_noise / (double)t[w500].series;
	if (rate < 0.99) {
		printf("FAIL: same noise estimate in %.2f%% of series with the "
		       "window of %d runs (want >= 99%%)\n",
		       100 * rate, CSTAT_GATE_HISTORY_RUNS);
		return 1;
	}
	return 0;
}
