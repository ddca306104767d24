/*
 * cpd.h - change-point detection in a benchmark's history.
 *
 * Given one value per run (typically each run's median of one benchmark in
 * one unit), in run order, cstat__cpd() finds the runs where the level of
 * the series changed.  The method is E-divisive with means (Matteson and
 * James, JASA 2014, with distances |x - y|), applied hierarchically as
 * Apache Otava (formerly DataStax Hunter) applies it, and with Hunter's
 * deterministic stopping rule: instead of a permutation test, each
 * candidate split is tested with a two-sided Welch t-test of the two sides
 * of the split within its segment (Fleming et al., ICPE 2023).  The same
 * input always gives the same answer, bit for bit.
 *
 * Multiple testing: the significance level is per split of one series.  A
 * caller that runs the detection on many series (one per benchmark and
 * unit) sees about (number of series) x (false-positive rate per series)
 * false alarms in all: with 500 benchmarks and the default rate of about
 * 0.2% per series of 60 runs, one false change per report is to be
 * expected.  Correcting for that
 * (Holm, Benjamini-Hochberg, or a smaller alpha) is the caller's business:
 * it knows the family, this module does not.
 *
 * Everything here is internal to libcstat (the cstat__ prefix).  Nothing
 * keeps global state, prints or exits.
 */
#ifndef CSTAT_CPD_H
#define CSTAT_CPD_H

#include <stddef.h>

#include "cstat.h"

/* The default significance level of each split (see cpd.c for how it was
 * calibrated). */
#define CSTAT_CPD_ALPHA 0.00001

/* The default fewest runs on each side of a change. */
#define CSTAT_CPD_MIN_SIZE 5

/* The default largest number of changes reported. */
#define CSTAT_CPD_MAX_POINTS 100

/* The settings of a detection. */
struct cstat__cpd_opts {
	double alpha;	   /* significance level of each split, in (0, 1] */
	size_t min_size;   /* fewest runs on each side of a change, >= 2 */
	size_t max_points; /* stop after this many changes */
};

/*
 * A change found.  The index, p and stat are those of the split as it was
 * accepted: the Welch test and the E-divisive statistic of the two sides
 * of the segment it split at that time.  The medians describe the final
 * segmentation instead: before is the median of the runs from the previous
 * change (or run 0) up to index, after the median of the runs from index up
 * to the next change (or the end).  So the after of one change is the
 * before of the next, and a level is never mixed with the level beyond a
 * later change.
 */
struct cstat__cpd_point {
	size_t index;  /* first run after the change, 1..n-1 */
	double before; /* median of the final segment before the change */
	double after;  /* median of the final segment after it */
	double change; /* after / before - 1 (+-inf or NaN when before is 0) */
	double p;      /* two-sided Welch t-test p-value, < alpha */
	double stat;   /* the E-divisive statistic q-hat at the split */
};

/*
 * Fill o with the defaults: alpha CSTAT_CPD_ALPHA, min_size
 * CSTAT_CPD_MIN_SIZE and max_points CSTAT_CPD_MAX_POINTS.
 *
 * @param o  the settings to fill; must not be NULL.
 */
void cstat__cpd_defaults(struct cstat__cpd_opts *o);

/*
 * Find the change points of x[0..n), one value per run in run order, and
 * return them in increasing index order.
 *
 * Each round takes, among all current segments, the split with the largest
 * q-hat (each side at least o->min_size runs long) and tests it; a
 * significant split (p < o->alpha) is accepted and its two halves become
 * segments, the first split that is not significant ends the search, as
 * does the o->max_points-th change.  A series shorter than 2 * min_size, or
 * a constant one, has no change.  Two sides that are each constant differ
 * with certainty (p = 0) when their means differ: right for exact counts
 * such as allocations per operation going from 10 to 11.
 *
 * Time O(n log n) for each level of the hierarchy (each accepted split
 * costs O(L log L) for the two segments of total length L it makes), so
 * O(n log n * depth) in all, depth <= max_points; memory O(n).
 *
 * @param x     the series; borrowed, not modified; NULL only when n is 0.
 * @param n     its length.
 * @param o     the settings, or NULL for the defaults.
 * @param out   receives the changes, an array the caller frees with free(),
 *              or NULL when there are none or on failure.
 * @param nout  receives their number (0 on failure).
 * @return 0; CSTAT_EINVAL if a value is NaN or infinite, a setting is out
 *         of range, or a pointer is NULL; CSTAT_ENOMEM.
 */
int cstat__cpd(const double *x, size_t n, const struct cstat__cpd_opts *o,
	       struct cstat__cpd_point **out, size_t *nout);

#endif /* CSTAT_CPD_H */
