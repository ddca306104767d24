/*
 * cpd.h - change-point detection in a benchmark's history.
 *
 * Given one value per run (typically each run's median of one benchmark in
 * one unit), in run order, and optionally the standard error of each of
 * those values from the run's own samples, cstat__cpd() finds the runs
 * where the level of the series changed.
 *
 * The method (cpd.c has the details and the measurements):
 *
 *  1. When all values are positive the work is on their logarithms (run
 *     noise is a share of the level).  A run far (6 sigma of the
 *     run-to-run noise) from the runs on both sides of it is wild and
 *     counts as neutral: one run 5x slower neither makes nor hides a
 *     change.  So are bursts of 2 or 3 runs 2.5 sigma beyond neighbours
 *     that agree on both sides (a spike, not a step).
 *  2. Each segment is scored (values less their median, over the noise,
 *     clipped at 6) and its statistic is the largest weighted CUSUM of
 *     the scores over the splits with min_size runs each side: the larger
 *     of 2.5 times the plain CUSUM (the middle) and the standardized one
 *     (the ends); the candidate is where it peaks.
 *  3. The level accounts for the search over splits and the series'
 *     length: p is the probability, over all orders of the segment's
 *     scores, of a statistic at least as large; the union bound over the
 *     splits when that is already below alpha, else a permutation test
 *     with a fixed seed.  So alpha is the false-positive rate of a whole
 *     series with no change, and a history of 12 runs can report one.
 *  4. A split must persist (without the 3 runs next to it on each side,
 *     the rest still differs) and, when the runs' standard errors are
 *     given, exceed what their own sampling noise explains.
 *  5. Binary segmentation: an accepted split's two sides are tested
 *     again, each at alpha, until no segment has a significant split.
 *
 * The same input always gives the same answer, bit for bit.
 *
 * Multiple testing: alpha is per series.  A caller that runs the detection
 * on many series (one per benchmark and unit) sees about (number of
 * series) x alpha false alarms in all: with 500 benchmarks and the default
 * of 0.5%, two or three per report.  Correcting for that (a smaller alpha)
 * is the caller's business: it knows the family, this module does not.
 *
 * Everything here is internal to libcstat (the cstat__ prefix).  Nothing
 * keeps global state, prints or exits.
 */
#ifndef CSTAT_CPD_H
#define CSTAT_CPD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cstat.h"

/* The default false-positive rate per stationary series (see cpd.c for
 * how it was calibrated). */
#define CSTAT_CPD_ALPHA 0.005

/* The default fewest runs on each side of a change. */
#define CSTAT_CPD_MIN_SIZE 5

/* The default largest number of changes reported. */
#define CSTAT_CPD_MAX_POINTS 100

/* The settings of a detection. */
struct cstat__cpd_opts {
	double alpha;	   /* false-positive rate per series, in (0, 1] */
	size_t min_size;   /* fewest runs on each side of a change, >= 2 */
	size_t max_points; /* stop after this many changes */
};

/*
 * A change found.  The index, p and stat are those of the split as it was
 * accepted: the test of the two sides of the segment it split at that
 * time.  The medians describe the final segmentation instead: before is
 * the median of the runs from the previous change (or run 0) up to index,
 * after the median of the runs from index up to the next change (or the
 * end), both of the values as given (not the tamed ones).  So the after of
 * one change is the before of the next, and a level is never mixed with
 * the level beyond a later change.
 */
struct cstat__cpd_point {
	size_t index;  /* first run after the change, 1..n-1 */
	double before; /* median of the final segment before the change */
	double after;  /* median of the final segment after it */
	double change; /* after / before - 1 (+-inf or NaN when before is 0) */
	double p;      /* p-value of the split over all splits, <= alpha */
	double stat;   /* the statistic: the largest weighted CUSUM */
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
 * Each round accepts, among the segments whose best split is significant
 * (p <= o->alpha and larger than within-run noise), the one with the
 * smallest p (then the largest stat, then the leftmost); its two halves
 * are then tested.  The search ends when no segment has a significant
 * split, or at the o->max_points-th change.  A series shorter than 2 *
 * min_size, or a constant one, has no change.  Two sides that are each
 * constant differ with certainty (p = 0) when their values differ: right
 * for exact counts such as allocations per operation going from 10 to 11.
 *
 * Time O(n log n) per segment tested when the change is strong or absent,
 * up to O(n) times the permutations (at most 100,000) for a borderline
 * one; memory O(n).
 *
 * @param x     the series; borrowed, not modified; NULL only when n is 0.
 * @param se    the standard error of each x[i] from its run's own samples
 *              (0 when unknown), or NULL when none is known; borrowed.
 * @param n     the length of both.
 * @param o     the settings, or NULL for the defaults.
 * @param out   receives the changes, an array the caller frees with free(),
 *              or NULL when there are none or on failure.
 * @param nout  receives their number (0 on failure).
 * @return 0; CSTAT_EINVAL if a value is NaN or infinite, a standard error
 *         negative or not finite, a setting out of range, or a pointer
 *         NULL; CSTAT_ENOMEM.
 */
int cstat__cpd(const double *x, const double *se, size_t n,
	       const struct cstat__cpd_opts *o, struct cstat__cpd_point **out,
	       size_t *nout);

/*
 * The permutations of the test for segments of one length, kept from one
 * series to the next (they depend on the length only: the generator is
 * seeded by it).  A series of the same length then reads the orders
 * instead of drawing them; results are the same as without.  Set it up
 * with cstat__cpd_cache_init() and free it with
 * cstat__cpd_cache_release().
 *
 * A cache for any length serves one thread and starts over when the
 * length changes.  A cache for one length may be shared by threads: it
 * draws more rounds under its lock, and rounds once kept are read without
 * it.  A thread's own cache may point to such a shared one, which then
 * serves its length.
 */
struct cstat__cpd_cache {
	size_t cap_bytes;
	size_t len;	       /* the length the rounds are for, 0 none */
	atomic_size_t nrounds; /* rounds kept */
	uint16_t *idx;	       /* round b's order at (b - 1) * len */
	uint64_t s;	       /* the generator after the last round kept */
	pthread_mutex_t lock;  /* held to draw rounds or allocate idx */
	struct cstat__cpd_cache *shared; /* serves its own len, or NULL */
	/* cstat__cpd_many()'s scratch, kept from one call to the next */
	double *lanes, *works;
	size_t lanes_cap, works_cap; /* their doubles */
};

/*
 * Sets up cache c to keep up to cap_bytes of orders.  With len 0, a
 * thread's own cache, for cstat__cpd_cached(), with shared (may be NULL)
 * serving its own length first.  With len > 0, a cache for segments of
 * len runs only, to be shared as other caches' shared (shared unused).
 * The memory is taken when first used.
 * @return 0; CSTAT_ENOMEM (no lock).
 */
int cstat__cpd_cache_init(struct cstat__cpd_cache *c, size_t cap_bytes,
			  size_t len, struct cstat__cpd_cache *shared);
/* Frees what cache c holds (not its shared cache). */
void cstat__cpd_cache_release(struct cstat__cpd_cache *c);

/* cstat__cpd() with cache (may be NULL) for its permutations. */
int cstat__cpd_cached(const double *x, const double *se, size_t n,
		      const struct cstat__cpd_opts *o,
		      struct cstat__cpd_cache *cache,
		      struct cstat__cpd_point **out, size_t *nout);

/*
 * The permutation test of a whole series whose length a shared cache
 * serves, put off where the cache's rounds end, so that the rounds past
 * it are drawn once for several series (cstat__cpd_finish()) instead of
 * once per series.  The rounds are those the test would draw; each series
 * gets the same p-value and so the same changes.
 */
enum {
	/* Stop the test where the shared cache ends. */
	CSTAT__CPD_MAY_DEFER = 1,
	/* Stopped: b and x say where. */
	CSTAT__CPD_DEFERRED,
	/* Finished: p is the whole series' permutation p-value. */
	CSTAT__CPD_DONE,
};
struct cstat__cpd_defer {
	int state;
	size_t b, x; /* the next round (from 1) and the orders that reached */
	double p;
};

/*
 * cstat__cpd_cached() with d (may be NULL): with d->state
 * CSTAT__CPD_MAY_DEFER, when the whole series' test needs rounds past the
 * shared cache of cache, it stops there, sets d->state to
 * CSTAT__CPD_DEFERRED and returns 0 with no changes; with
 * CSTAT__CPD_DONE, the whole series' test takes d->p as its permutation
 * p-value instead of drawing the rounds.
 */
int cstat__cpd_deferred(const double *x, const double *se, size_t n,
			const struct cstat__cpd_opts *o,
			struct cstat__cpd_cache *cache,
			struct cstat__cpd_defer *d,
			struct cstat__cpd_point **out, size_t *nout);

/*
 * Finishes the deferred tests d[0..count) of the series x[k], se[k] (each
 * of shared->len runs, as given to cstat__cpd_deferred() with o), over
 * the rounds past the shared cache, each round drawn once for all: each
 * d[k] becomes CSTAT__CPD_DONE with its p-value.
 * @return 0; CSTAT_ENOMEM.
 */
int cstat__cpd_finish(const double *const *x, const double *const *se,
		      const struct cstat__cpd_opts *o,
		      struct cstat__cpd_cache *shared,
		      struct cstat__cpd_defer *const *d, size_t count);

/*
 * The ways a round of the permutations can be drawn: the plain loop, and
 * with the swaps' indexes worked out a block at a time on vector units
 * (x86-64).  Every way draws the same orders, bit for bit.
 */
enum cstat__cpd_draw {
	CSTAT__CPD_DRAW_BEST,	/* the fastest this processor has */
	CSTAT__CPD_DRAW_PLAIN,	/* one swap after the other, in C */
	CSTAT__CPD_DRAW_AVX2,	/* four indexes at a time */
	CSTAT__CPD_DRAW_AVX512, /* eight at a time (AVX-512 F and DQ) */
};

/*
 * Applies one round of the permutations' swaps to ix[0..len) (len at
 * most UINT16_MAX + 1), drawing from the splitmix64 state *s, which it
 * moves on by len - 1 draws: a Fisher-Yates pass from the end, swap i
 * with the index below i + 1 the next draw gives (Lemire's multiply of its
 * high 32 bits).  The way how is for the tests, which check that all
 * give the same orders.
 * @return false, with ix and *s untouched, when how is not available in
 * this build or on this processor.
 */
bool cstat__cpd_shuffle(uint16_t *ix, size_t len, uint64_t *s,
			enum cstat__cpd_draw how);

/*
 * cstat__cpd_deferred() of each series x[k], se[k] (se may be NULL for
 * none) of n[k] runs, k < count, with cache and d[k] (d may be NULL for
 * none): out[k] and nout[k] (and d[k]) as that would give them, bit for
 * bit.  The whole series' permutation tests over the rounds of cache's
 * shared cache (the series of its length) are counted together: the
 * CUSUMs of 4 series over each order at once, each order read once for
 * them, instead of once per series.  how is the way those are added
 * (CSTAT__CPD_DRAW_BEST; PLAIN, or AVX2 where the processor has it, for
 * the tests, which check that all give the same answers).
 * @return 0; the first error of cstat__cpd_deferred() in series order,
 *         or CSTAT_ENOMEM, with every out[k] NULL and nout[k] 0.
 */
int cstat__cpd_many(const double *const *x, const double *const *se,
		    const size_t *n, size_t count,
		    const struct cstat__cpd_opts *o,
		    struct cstat__cpd_cache *cache,
		    struct cstat__cpd_defer *const *d, enum cstat__cpd_draw how,
		    struct cstat__cpd_point **out, size_t *nout);

#endif /* CSTAT_CPD_H */
