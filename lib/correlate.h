/*
 * correlate.h - what the correlation's writers (correlate-write.c) read
 * of a built correlation (correlate.c) besides the public accessors.
 */
#ifndef CSTAT_CORRELATE_H
#define CSTAT_CORRELATE_H

#include <stdbool.h>
#include <stddef.h>

#include "cstat.h"

/* The points of one pair across benchmarks: each benchmark's change
 * (log ratio of medians) in units a (x) and b (y), NaN or infinite where
 * a median is 0 or negative; bench names borrowed from the correlation. */
struct cstat__corr_points {
	double *x, *y;
	const char **bench;
	size_t n;
};

/* The number of inputs; 0 for NULL. */
size_t cstat__correlate_inputs(const cstat_correlate *c);
/* Whether c is built. */
bool cstat__correlate_built(const cstat_correlate *c);
/* Pair i's points (as cstat_correlate_get(c, i)); NULL out of range. */
const struct cstat__corr_points *
cstat__correlate_points(const cstat_correlate *c, size_t i);

#endif /* CSTAT_CORRELATE_H */
