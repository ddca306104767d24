/*
 * cpd.c - change-point detection: a weighted CUSUM of robust scores, its
 * largest split tested by permutation with a fixed seed, applied by binary
 * segmentation (see cpd.h for the contract, docs/cbaseline.md for the
 * measured rates).
 *
 * Why not E-divisive with a Welch test per split, as before: a fixed tiny
 * alpha per split (1e-5) was safe but blind (a 5% step in 5% noise over
 * 60 runs found in 17% of series), and on short histories hopeless (a
 * t-test of 6 runs against 6 does not survive one wild run; a rank test
 * of 6 against 6 can never reach 1e-5).  The level has to be that of the
 * whole search over splits, for the series' own length.
 *
 * The scale.  Run noise is a share of the level, so when all values are
 * positive the work is on log x: the noise is then the same at 100 and at
 * 2, and a step is a shift.
 *
 * Wild runs.  sigma = 1.4826 * median |v[i+1] - v[i]| / sqrt(2) is the
 * run-to-run noise (a step touches one difference, a wild run two).  A run
 * more than TAME_K = 6 sigma from the median of the 3 runs before it and
 * from that of the 3 runs after it is wild (a run next to a step agrees
 * with one side); two passes, so that the ends of a 2- or 3-run spike are
 * caught once its middle is.  A wild run scores as the segment's median:
 * neutral.  Replacing it by its neighbours' median instead made the
 * series locally smoother and doubled the false positives at 12 runs
 * (0.5% to 1.1%), and TAME_K = 3 raised them from 0.56% to 1.0% at 30
 * runs (8,000 series): the rule looks at neighbours, which random orders
 * do not keep, so only gross outliers are tamed.  Without it, one run 5x
 * slower on the wrong side of a 2x step in 12 runs leaves 6 runs against
 * 6 with one misplaced, which no rank test can call at 1%.
 *
 * Bursts.  2 or 3 runs in a row, each more than BURST_K = 2.5 sigma beyond
 * the median of the 3 runs before them and that of the 3 runs after them
 * (the same way), where those two medians agree within 2.5 sigma (a burst
 * comes back to where it left; a step does not), are wild too.  A spike
 * of 3 runs 20% slower in 5% noise (3.6 sigma, under TAME_K) in the middle
 * of 200 runs made the middle-heavy statistic below report a change in
 * 1.04% of 5,000 series, 0.80% with the bursts neutral (0.48% with no
 * spike); requiring 2 runs in a row is what keeps random runs out: lone
 * runs at that distance are common, pairs beside agreeing neighbours are
 * not.  Without the agreement test, the first 2 runs after a 10% step in
 * 2% noise were taken for a burst often enough to misplace the step.
 *
 * The scores.  In a segment, c[i] = clip((v[i] - median) / s, +-CLIP),
 * centred, where s is the segment's sigma as above and CLIP = 6: the
 * spread left after taming is noise, and a low clip caps the evidence
 * each run can give: at 2, a 10% step in 1% noise 5 runs from the end of
 * 40 runs was found in 78% of 300 series (with the even weights below),
 * at 6 in 99%.  With s = 0 (more than half the differences 0, as in exact
 * counts) the score is the sign.
 *
 * The statistic.  With S(t) = c[0] + ... + c[t-1], the largest
 * w(t) |S(t)| over the splits t with min_size runs each side, in units of
 * sqrt(L var(c)), w(t) = max(WEIGHT_CAP, (t (L - t) / L^2)^-1/2) with
 * WEIGHT_CAP = 2.5; the split is where it peaks.  That is the larger of
 * 2.5 times the plain CUSUM (Pettitt's form, the most powerful for a
 * change in the middle, blind near the ends) and the standardized CUSUM
 * (the likelihood ratio, even over the splits, which sees a change 5 runs
 * from the end): the plain one decides between a fifth and four fifths of
 * the segment, the standardized one nearer the ends.  Measured on 60 runs
 * before the burst rule (the 5%/5% step in the middle within 2 runs,
 * 3,000 to 4,000 series; +15% in 5% noise at run 56 within 1, 1,500 to
 * 2,000; alpha 0.005): the power weights (t (L - t) / L^2)^-e gave 51%
 * and 9% (e = 0), 48% and 66% (0.25), 45% and 83% (0.35, the previous
 * default), 39% and 94% (0.5); this weight 52% and 87% (cap 2.2: 49% and
 * 93%; 2.8: 52% and 70%).  Dividing each split by its pooled within-sides
 * spread (a t statistic) instead of the segment's lost 1.5 points in the
 * middle.
 *
 * The level.  Under no change every order of the segment's scores is
 * equally likely, so p = P(statistic >= observed) over random orders is
 * exact for every length, with ties, whatever the noise's distribution.
 * It is computed as
 *  - the union bound over the splits (S(t) is near normal over random
 *    orders, with variance t (L - t) / L var(c)), when that is already
 *    <= alpha and the segment has at least 30 runs: strong changes need
 *    no simulation, and an alpha below the permutations' resolution
 *    relies on it;
 *  - else a permutation test: 50 / alpha - 1 random orders (at least 999,
 *    at most 99,999, and 99,999 for segments under 30 runs, where p is
 *    often near alpha and the orders are cheap), from splitmix64 seeded
 *    by the segment's length, p = (1 + X) / (1 + B), X the orders at
 *    least as extreme; stopped as soon as X shows p > alpha, so a segment
 *    with no change costs a few hundred orders.
 * The same input always gives the same answer, bit for bit.
 *
 * Where the power goes.  On the 5%/5% step in the middle of 60 runs,
 * found within 2 runs in about 50% of series with the change at the peak
 * (53% as placed below), a change is reported in 72%: the rest is where
 * the split lands (an oracle that knows sigma reaches 55%).  The persistence
 * check below cost nothing measurable there (0 of 4,000 series), nor did the
 * clip (2, 3 or 6 give the same middle power; 2 loses the end), and the scale
 * of the scores does not enter the permutation test.  Placing the split by the
 * standardized CUSUM after detection (the likelihood split) moved the middle
 * from 45% to 43% and the end from 83% to 88%; by the plain one, to 48% and
 * 56%. A larger alpha buys about 1.3 points per 0.001, but the 3-run spike then
 * exceeds 0.8% false positives (0.006: 1.0% at 200 runs).
 *
 * Placing the change.  Once a segment's change is accepted, where it is
 * reported is a separate choice, which cannot change what is detected
 * (and so the false positives).  Near the segment's ends (weight above
 * WEIGHT_CAP) the peak stays.  In the middle, exp(w(u)^2 S(u)^2 / 2L) is
 * taken as the evidence for a change at u (S in noise sigmas; the
 * likelihood ratio of a shift at u with the plain weight's lean to the
 * middle), over every u, and the change goes to the allowed split whose
 * window of PLACE_HALF = 2 runs each side holds the largest share of it:
 * the run most likely within 2 of the change, not the single most likely
 * run.  When the evidence is sharp every window around its peak holds
 * nearly all of it, so of the windows within PLACE_SLACK = 0.02 of the
 * largest share the one centred on the most evidence wins, and a clear
 * step stays exactly where it peaks.  Sign scores (no noise scale) keep
 * the peak.  Over 10,000 series (stats-cpd 5): 53.1 / 52.0% in the
 * middle within 2 runs, from 49.2 / 48.2%.  Measured on 2,000 series a setting,
 * normal / lognormal, the same series for each variant (peak: 51.7 / 47.4% in
 * the middle within 2 runs, 28.2 / 30.7% at runs 11-51, 85.3 / 84.3% for 3%/2%
 * within 2, 87.7 / 88.8% at the end within 1): this rule 55.0 / 51.2, 30.5
 * / 32.8, 89.9 / 89.1, 87.6 / 88.8; the same without the slack 55.7 / 52.1 but
 * unit tests' exact placements lost; slack 0.05: 55.0 / 50.6; with no
 * slack: window 1 run each side (everywhere) 52.8 / 48.5, 3 runs 52.2 /
 * 48.9, the standardized evidence (w^2 = L^2 / t (L - t)) 50.4 / 47.1,
 * the window also near the ends: the end 81.1 / 82.5.  Re-placing by the plain
 * CUSUM between a quarter and three quarters is the peak itself (there the
 * weight is plain); by the L1 split (two medians, least absolute deviations)
 * within 3 runs: 49.9 / 46.3, over the whole segment 42.4 / 40.3; by the
 * difference of the two sides' medians over their spread within 3 runs: 47.7
 * / 44.6; by the shift between two levels estimated away from the peak (5 runs
 * left out each side) within 5 runs: 49.5 / 46.0.
 *
 * Persistence.  A split is accepted only if, leaving out the 3 runs on
 * each side of it (fewer when a side would keep less than 3), the mean
 * scores of the rest still differ the same way by more than 1.645
 * standard errors: a spike next to the split cannot carry it alone.
 *
 * The within-run guard.  Ranks and scores use the order of the runs, so a
 * shift they find could still be smaller than the runs' own measurement
 * resolves (medians that line up by chance, coarse timers).  With the
 * standard errors se[i] of the runs' medians, each side's median has at
 * least sqrt(pi/2 * mean(se^2) / m) of sampling noise (m runs), and a
 * split is accepted only when the difference of the two sides' medians
 * exceeds z(alpha/2) times the two combined.  Weighting runs by precision
 * was the other choice; it would make the test's level depend on the
 * standard errors being right, where the guard only ever removes a change.
 * Exact counts have se 0 and are not held back.
 *
 * The hierarchy.  Binary segmentation: each segment of at least 2 min_size
 * runs is tested; the significant segment with the smallest p (then the
 * largest statistic, then the leftmost) is split first, and its halves are
 * tested in turn, each at alpha.  A series with no change is tested once,
 * so alpha is its false-positive rate.
 *
 * Time: O(L) per segment tested on average (its medians by quickselect,
 * each 3-run neighbourhood's median once), plus O(L) per permutation
 * drawn.  The orders of a length are drawn once and kept for the next
 * series of that length (cstat__cpd_cache, which threads may share), and
 * the CUSUMs of four orders are added side by side, a block of splits
 * at a time without comparisons while no sum can reach its limit; a split
 * that does not persist or stays within the runs' own noise is refused
 * before any permutation; whole series whose tests run past the shared
 * cache are finished together over one drawing of the rounds past it
 * (cstat__cpd_deferred(), cstat__cpd_finish()); a round's swap indexes
 * are drawn a block at a time, 4 or 8 at once where the processor has
 * the vector units, then the swaps done in order.  The whole-series tests
 * of several series of the shared length (cstat__cpd_many()), and the
 * tests finished past the cache, are counted side by side over each
 * order, four series to a vector of their scores, so that each order is
 * read once for them (lanes_reach()).  None of it changes a result, bit
 * for bit (docs/performance.md, "History at scale" and "The change-point
 * search, fifth pass").
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "containers.h"
#include "cpd.h"
#include "stats.h"

/* Half the window of neighbours a run is compared with. */
#define TAME_HALF 3
/* How many noise sigmas away from its neighbours makes a run wild. */
#define TAME_K 6.0
/* The runs left out on each side of a split to check that it persists,
 * and the z the rest must reach. */
#define GAP 3
#define CONFIRM_Z 1.645
/* Where the scores are clipped, in noise sigmas from the median. */
#define CLIP 6.0
/* The weight of the splits: see split_weight(). */
#define WEIGHT_CAP 2.5
/* Half the window of splits whose evidence places a change found in the
 * middle of a segment. */
#define PLACE_HALF 2
#define PLACE_SLACK 0.02
/* How many noise sigmas beyond both neighbourhoods make 2 or 3 runs in a
 * row a burst. */
#define BURST_K 2.5
/* The union bound over the splits replaces the permutations only in
 * segments at least this long, where the normal tail is a fair guide. */
#define BOUND_MIN_LEN 30
/* Permutations: about MC_EXCEED / alpha, within [MC_MIN, MC_MAX] (these are
 * B + 1). */
#define MC_EXCEED 50.0
#define MC_MIN 1000.0
#define MC_MAX 100000.0
/* The splits cusum_reaches4() passes over at a time when far from their
 * limits. */
#define CUSUM_BLOCK 8
/* The permutations' seed, mixed with the segment's length. */
#define MC_SEED 0x63707464u

/* One segment of the current segmentation and the test of its best
 * split. */
struct seg {
	size_t start, end; /* the runs [start, end) */
	bool sig;	   /* whether its best split is accepted */
	size_t tau;	   /* the best split (absolute index) */
	double z, p;	   /* its statistic and p-value */
};

/* Memory for the work on one segment, sized for the whole series. */
struct work {
	const double *x, *se;
	double *v; /* x, or log x when all are positive */
	double *y; /* v with wild runs tamed */
	size_t n;
	const struct cstat__cpd_opts *o;
	double *c;    /* centred scores of the segment */
	double *perm; /* c shuffled */
	double *w;    /* the weight of each split */
	double norm;  /* 1 / sqrt(L var(c)), the CUSUM's scale */
	double *lim;  /* by split: set_limits()'s bound on |S(t)| */
	double *blim; /* by block of splits: the least lim of the block */
	double cmax;  /* the largest |c[i]| */
	double *tmp;  /* scratch: medians, each split's share of evidence */
	struct cstat__cpd_cache *cache; /* may be NULL */
	uint16_t *ix;			/* scratch: an order past the cache */
	struct cstat__cpd_defer *df;	/* may be NULL */
	uint16_t *ix4; /* scratch: LANES orders drawn, or NULL */
	/* cstat__cpd_many(): the whole series' test over the shared cache,
	 * put off so that several series read each round once. */
	bool batch;	/* put that test off (set for the first test only) */
	bool pending;	/* it is put off: the plan below is set */
	double nb, thr; /* its perm_plan() */
	size_t xmax;
	bool lent;     /* the arrays v to blim are the caller's */
	double vsigma; /* noise_sigma() of v, by tame() */
	bool y_is_v;   /* no run tamed: y is v, bit for bit */
};

void
cstat__cpd_defaults(struct cstat__cpd_opts *o)
{
	o->alpha = CSTAT_CPD_ALPHA;
	o->min_size = CSTAT_CPD_MIN_SIZE;
	o->max_points = CSTAT_CPD_MAX_POINTS;
}

/* The median (R8, as the rest of cstat) of v[0..len), using tmp. */
static double
median_of(const double *v, size_t len, double *tmp)
{
	memcpy(tmp, v, len * sizeof(*tmp));
	return cstat__median_select(tmp, len);
}

/* ---------------------------------------------------------------------- */
/* Taming wild runs. */

/* The run-to-run noise from successive differences (see the top). */
static double
noise_sigma(const double *x, size_t n, double *tmp)
{
	if (n < 3)
		return 0;
	for (size_t i = 0; i + 1 < n; i++)
		tmp[i] = fabs(x[i + 1] - x[i]);
	return 1.4826 * cstat__median_select(tmp, n - 1) / sqrt(2);
}

/*
 * One pass of taming: y[i] = x[i], or for a wild run the median of its
 * neighbours.  A run is wild when it is more than lim from the median of
 * the TAME_HALF runs before it and from that of the TAME_HALF runs after
 * it (from the one there is, at the ends): a run next to a step agrees with
 * one side, a wild run with neither.  m holds x's window_medians().
 */
static void
tame_pass(const double *x, const double *m, double *y, size_t n, double lim)
{
	double nb[2 * TAME_HALF];

	for (size_t i = 0; i < n; i++) {
		size_t lo = i > TAME_HALF ? i - TAME_HALF : 0;
		size_t hi = i + TAME_HALF < n ? i + TAME_HALF + 1 : n;

		y[i] = x[i];
		if (hi - lo < 2)
			continue;
		if (lo < i && !(fabs(x[i] - (i - lo == TAME_HALF
						     ? m[lo]
						     : median_of(x + lo, i - lo,
								 nb))) > lim))
			continue;
		if (i + 1 < hi &&
		    !(fabs(x[i] - (hi - i - 1 == TAME_HALF
					   ? m[i + 1]
					   : median_of(x + i + 1, hi - i - 1,
						       nb))) > lim))
			continue;
		memcpy(nb, x + lo, (i - lo) * sizeof(*x));
		memcpy(nb + (i - lo), x + i + 1, (hi - i - 1) * sizeof(*x));
		cstat__sort_doubles(nb, hi - lo - 1);
		y[i] = cstat__quantile_sorted(nb, hi - lo - 1, 0.5);
	}
}

/*
 * Marks the bursts of x as wild (y[i] no longer x[i]): 2 or 3 runs in a
 * row, each more than lim beyond the median of the TAME_HALF runs before
 * them and that of the TAME_HALF runs after them, all the same way.  Only
 * with both neighbourhoods whole: a new level at the end of the series is
 * not a burst.  m holds x's window_medians().
 */
static void
tame_bursts(const double *x, const double *m, double *y, size_t n, double lim)
{
	for (size_t k = 3; k >= 2; k--) {
		for (size_t i = TAME_HALF; i + k + TAME_HALF <= n; i++) {
			double mb = m[i - TAME_HALF], ma = m[i + k];
			/* A burst returns to where it left; a step does not. */
			bool up = fabs(ma - mb) <= lim, down = up;

			for (size_t j = i; j < i + k; j++) {
				up = up && x[j] - mb > lim && x[j] - ma > lim;
				down = down && mb - x[j] > lim &&
				       ma - x[j] > lim;
			}
			for (size_t j = i; (up || down) && j < i + k; j++)
				if (y[j] == x[j])
					y[j] = mb;
		}
	}
}

/*
 * The median of the TAME_HALF = 3 values at v, bit for bit as median_of()
 * finds it: sorted the same stable way (exchanging neighbours only when
 * strictly out of order, as the insertion sort of short arrays does), and
 * then cstat__quantile_sorted()'s sum for 3 values, whose R8 position is
 * 1/3 + 0.5 (3 + 1/3) = 2 exactly in doubles: s[1] + 0 (s[2] - s[1]).
 */
static double
median3(const double *v)
{
	double s[3] = {v[0], v[1], v[2]}, t;

	if (s[1] < s[0])
		t = s[0], s[0] = s[1], s[1] = t;
	if (s[2] < s[1])
		t = s[1], s[1] = s[2], s[2] = t;
	if (s[1] < s[0])
		t = s[0], s[0] = s[1], s[1] = t;
	return s[1] + 0.0 * (s[2] - s[1]);
}

/*
 * m[j] = the median of x[j..j + TAME_HALF) for every whole window: the
 * neighbourhoods the runs are compared with, each found once instead of
 * up to six times.
 */
static void
window_medians(const double *x, size_t n, double *m)
{
	_Static_assert(TAME_HALF == 3, "median3() takes 3 values");
	for (size_t j = 0; j + TAME_HALF <= n; j++)
		m[j] = median3(x + j);
}

/*
 * Fills wk->y: x with its wild runs tamed.  Two passes: the first tames
 * lone runs and the middle of a 3-run spike (its neighbours on each side
 * are mostly normal), the second the spike's ends, whose neighbours the
 * first pass has made normal.  Four runs in a row at a new level are the
 * majority of the neighbours of each and are kept.
 */
static void
tame(struct work *wk)
{
	double sigma = noise_sigma(wk->v, wk->n, wk->tmp);

	wk->vsigma = sigma;
	wk->y_is_v = true;
	if (!(sigma > 0) || !isfinite(sigma)) {
		memcpy(wk->y, wk->v, wk->n * sizeof(*wk->y));
		return;
	}
	/* wk->c and wk->perm are free until the segments are tested. */
	window_medians(wk->v, wk->n, wk->c);
	tame_pass(wk->v, wk->c, wk->tmp, wk->n, TAME_K * sigma);
	window_medians(wk->tmp, wk->n, wk->perm);
	tame_pass(wk->tmp, wk->perm, wk->y, wk->n, TAME_K * sigma);
	tame_bursts(wk->v, wk->c, wk->y, wk->n, BURST_K * sigma);
	wk->y_is_v = memcmp(wk->y, wk->v, wk->n * sizeof(*wk->y)) == 0;
}

/* ---------------------------------------------------------------------- */
/* The statistic and its level. */

/*
 * The weight of split t of L: the larger of WEIGHT_CAP and the
 * standardized weight (t (L - t) / L^2)^-1/2, which is 2 in the middle.
 * The statistic is then the larger of WEIGHT_CAP times the plain CUSUM
 * (most powerful for a change in the middle, blind near the ends) and the
 * standardized CUSUM (even over the splits): the plain one decides in the
 * middle fifth to four fifths, the standardized one near the ends (see the
 * top).
 */
static double
split_weight(size_t t, size_t len)
{
	double l = (double)len;
	double w = 1 / sqrt((double)t * (l - (double)t) / (l * l));

	return w > WEIGHT_CAP ? w : WEIGHT_CAP;
}

/*
 * noise_sigma() of the segment z[0..len) of wk->y: tame()'s when the
 * segment is the whole series and no run was tamed (the same values, so
 * the same number), else worked out.
 */
static double
seg_sigma(struct work *wk, const double *z, size_t len)
{
	if (z == wk->y && len == wk->n && wk->y_is_v)
		return wk->vsigma;
	return noise_sigma(z, len, wk->tmp);
}

/*
 * Fills wk->c with the centred scores of z[0..len) (see the top) and
 * wk->inv with the scale of each split.  @return the sum of the squared
 * scores, 0 when all are equal (no split can differ).
 */
static double
seg_scores(struct work *wk, const double *z, const double *x, size_t len)
{
	double m = median_of(z, len, wk->tmp);
	double s = seg_sigma(wk, z, len), mean = 0, ss = 0;

	for (size_t i = 0; i < len; i++) {
		double u = z[i] - m;

		if (z[i] != x[i])
			u = 0; /* a wild run: neutral */
		else if (s > 0 && isfinite(s))
			u /= s;
		else
			u = (u > 0) - (u < 0);
		wk->c[i] = u > CLIP ? CLIP : u < -CLIP ? -CLIP : u;
		mean += wk->c[i];
	}
	mean /= (double)len;
	for (size_t i = 0; i < len; i++) {
		wk->c[i] -= mean;
		ss += wk->c[i] * wk->c[i];
	}
	if (!(ss > 1e-12 * (double)len))
		return 0;
	wk->norm = 1 / sqrt((double)len * ss / (double)(len - 1));
	for (size_t t = 1; t < len; t++)
		wk->w[t] = split_weight(t, len);
	return ss;
}

/* The largest w(t) |S(t)| of c[0..len) over the allowed splits, in units
 * of sqrt(L var(c)), and where (the leftmost of equals). */
static double
max_cusum(const struct work *wk, const double *c, size_t len, size_t *where)
{
	size_t ms = wk->o->min_size, best = ms;
	double s = 0, top = -1;

	for (size_t t = 1; t <= len - ms; t++) {
		s += c[t - 1];
		if (t >= ms && fabs(s) * wk->w[t] > top) {
			top = fabs(s) * wk->w[t];
			best = t;
		}
	}
	if (where)
		*where = best;
	return top * wk->norm;
}

/*
 * The union bound over the splits of P(max w(t) |S(t)| >= k sqrt(L var)):
 * S(t) has the standard deviation sqrt(t (L - t) / L var) over random
 * orders, and is close to normal in segments of BOUND_MIN_LEN runs and
 * more.  Only a bound <= alpha is used, and the sum of terms >= 0 never
 * falls, so it stops (with a value above alpha) as soon as it passes
 * alpha: a segment with no strong change costs a few terms, not L.
 */
static double
union_bound(const struct work *wk, size_t len, double k)
{
	double p = 0, l = (double)len;

	for (size_t t = wk->o->min_size; t <= len - wk->o->min_size; t++) {
		double zt =
			k * l / (wk->w[t] * sqrt((double)t * (l - (double)t)));

		p += erfc(zt / sqrt(2));
		if (p > wk->o->alpha)
			break;
	}
	return p;
}

/* splitmix64 (Steele, Lea and Flood, OOPSLA 2014): the state moves on by
 * MIX_GAMMA a draw, and each value is the state mixed, so the k-th draw
 * from state s is the mix of s + k MIX_GAMMA alone. */
#define MIX_GAMMA 0x9e3779b97f4a7c15ULL
#define MIX_M1 0xbf58476d1ce4e5b9ULL
#define MIX_M2 0x94d049bb133111ebULL

static uint64_t
mix_next(uint64_t *s)
{
	uint64_t z = (*s += MIX_GAMMA);

	z = (z ^ (z >> 30)) * MIX_M1;
	z = (z ^ (z >> 27)) * MIX_M2;
	return z ^ (z >> 31);
}

/* A uniform index below bound (bound < 2^32), by Lemire's multiply. */
static size_t
mix_below(uint64_t *s, size_t bound)
{
	return (size_t)(((mix_next(s) >> 32) * (uint64_t)bound) >> 32);
}

/*
 * Fills wk->lim[t] for the allowed splits of a segment of len runs: a
 * bound on |S(t)| below which |S(t)| w(t) norm cannot reach thr, even
 * rounded.  It falls short of thr / (w(t) norm) by a relative 1e-9, far
 * more than the few roundings involved, so a sum below it is below thr
 * the way max_cusum() works it out, and above it the permutations work
 * the product out exactly: each decision is the product's.  Comparing
 * with the bound is what the permutations do for every split; the
 * product is rare.
 */
static void
set_limits(struct work *wk, size_t len, double thr)
{
	size_t ms = wk->o->min_size;

	for (size_t t = ms; t <= len - ms; t++)
		wk->lim[t] = thr / (wk->w[t] * wk->norm) * (1 - 1e-9);
	/* For the blocks of cusum_reaches4(): a block none of whose splits
	 * is allowed never needs a look. */
	for (size_t k = 0; k <= (len - ms) / CUSUM_BLOCK; k++)
		wk->blim[k] = INFINITY;
	for (size_t t = ms; t <= len - ms; t++)
		if (wk->lim[t] < wk->blim[t / CUSUM_BLOCK])
			wk->blim[t / CUSUM_BLOCK] = wk->lim[t];
	wk->cmax = 0;
	for (size_t i = 0; i < len; i++)
		if (fabs(wk->c[i]) > wk->cmax)
			wk->cmax = fabs(wk->c[i]);
}

/* Whether the sum s of the first t scores of an order reaches thr, with
 * the same products in the same order as max_cusum() (multiplying by
 * norm > 0 keeps their order). */
static bool
reaches_at(const struct work *wk, double s, size_t t, double thr)
{
	return fabs(s) * wk->w[t] * wk->norm >= thr;
}

/*
 * Whether max_cusum() of c[ix[0]], c[ix[1]], ... (c itself when ix is
 * NULL) reaches thr, wk->lim set for it: it stops at the first split that
 * does.
 */
static bool
cusum_reaches(const struct work *wk, const double *c, const uint16_t *ix,
	      size_t len, double thr)
{
	size_t ms = wk->o->min_size;
	double s = 0;

	for (size_t t = 1; t <= len - ms; t++) {
		s += ix ? c[ix[t - 1]] : c[t - 1];
		if (t >= ms && fabs(s) >= wk->lim[t] &&
		    reaches_at(wk, s, t, thr))
			return true;
	}
	return false;
}

/* The orders cusum_reaches4() takes at once. */
#define LANES 4

/*
 * cusum_reaches() of the LANES orders r + k len, k < LANES: bit k of the
 * result for order k.  Each order's sum is added up in its own order, as
 * there, so each answer is the same; the sums do not wait on each other,
 * so the processor adds them side by side instead of one addition after
 * the other.
 *
 * The splits go by blocks of CUSUM_BLOCK (split t in block t /
 * CUSUM_BLOCK).  No sum can move by more than cmax a step, so when the
 * sums of the orders still open, CUSUM_BLOCK steps of cmax away, stay
 * below the least limit of the block (wk->blim, by a relative 1e-12 for
 * the roundings of the additions, which are each within 2^-53 of the
 * sum), no split of the block can reach a limit and the block is only
 * added up: far from the limits, most are.  Else each split is compared
 * with its limit, as cusum_reaches() does.
 */
static unsigned
cusum_reaches4(const struct work *wk, const double *c, const uint16_t *r,
	       size_t len, double thr)
{
	size_t ms = wk->o->min_size, end = len - ms, t = 1;
	const uint16_t *r0 = r, *r1 = r + len, *r2 = r + 2 * len,
		       *r3 = r + 3 * len;
	const double *lim = wk->lim, *blim = wk->blim;
	double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	double reach = (double)CUSUM_BLOCK * wk->cmax;
	unsigned hit = 0;

	while (t <= end) {
		size_t stop = (t / CUSUM_BLOCK + 1) * CUSUM_BLOCK;
		double a0 = hit & 1 ? 0 : fabs(s0);
		double a1 = hit & 2 ? 0 : fabs(s1);
		double a2 = hit & 4 ? 0 : fabs(s2);
		double a3 = hit & 8 ? 0 : fabs(s3);
		double m01 = a0 > a1 ? a0 : a1, m23 = a2 > a3 ? a2 : a3;

		if (stop > end + 1)
			stop = end + 1;
		if (((m01 > m23 ? m01 : m23) + reach) * (1 + 1e-12) <
		    blim[t / CUSUM_BLOCK]) {
			for (; t < stop; t++) {
				s0 += c[r0[t - 1]];
				s1 += c[r1[t - 1]];
				s2 += c[r2[t - 1]];
				s3 += c[r3[t - 1]];
			}
			continue;
		}
		for (; t < stop; t++) {
			s0 += c[r0[t - 1]];
			s1 += c[r1[t - 1]];
			s2 += c[r2[t - 1]];
			s3 += c[r3[t - 1]];
			if (t < ms)
				continue;
			a0 = fabs(s0);
			a1 = fabs(s1);
			a2 = fabs(s2);
			a3 = fabs(s3);
			m01 = a0 > a1 ? a0 : a1;
			m23 = a2 > a3 ? a2 : a3;
			if ((m01 > m23 ? m01 : m23) < lim[t])
				continue;
			hit |= (unsigned)reaches_at(wk, s0, t, thr) |
			       (unsigned)reaches_at(wk, s1, t, thr) << 1 |
			       (unsigned)reaches_at(wk, s2, t, thr) << 2 |
			       (unsigned)reaches_at(wk, s3, t, thr) << 3;
			if (hit == (1u << LANES) - 1)
				return hit;
		}
	}
	return hit;
}

/* Applies one round of perm_p's swaps to ix[0..len), drawing from *s, one
 * swap after the other: the definition of the orders. */
static void
shuffle_plain(uint16_t *ix, size_t len, uint64_t *s)
{
	for (size_t i = len - 1; i > 0; i--) {
		size_t j = mix_below(s, i + 1);
		uint16_t t = ix[i];

		ix[i] = ix[j];
		ix[j] = t;
	}
}

/*
 * The same round with the swaps' indexes drawn first, DRAW_BLOCK at a
 * time, then the swaps done.  The draws do not wait on each other (the
 * k-th value depends on the state and k alone, and the bound of the k-th
 * swap is known), so a vector unit works out 4 or 8 at once; the swaps
 * stay one after the other.
 *
 * draw(j, n, s, bound) fills j[0..n) and possibly past it, up to n
 * rounded up to 8: j[k] is the index below bound - k that draw k + 1 from
 * state s gives, as mix_below() works it out.  Splitmix64's 64-bit
 * products are exact in any order of their 32-bit parts (modulo 2^64),
 * and bound - k < 2^32 makes Lemire's multiply one 32 x 32-bit product.
 */
#define DRAW_BLOCK 512

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_DRAW_VECTORS 1

/* x * c modulo 2^64, four at a time, with cs = c's halves swapped: the
 * low halves' product and, added to its high half, the two cross
 * products' low halves (the high halves' product falls out), both cross
 * products from one 32-bit multiply of x by cs. */
__attribute__((target("avx2"))) static inline __m256i
mul64_avx2(__m256i x, __m256i c, __m256i cs)
{
	const __m256i high =
		_mm256_set1_epi64x((long long)0xffffffff00000000ULL);
	__m256i cross = _mm256_mullo_epi32(x, cs);

	cross = _mm256_add_epi32(cross, _mm256_slli_epi64(cross, 32));
	return _mm256_add_epi64(_mm256_mul_epu32(x, c),
				_mm256_and_si256(cross, high));
}

__attribute__((target("avx2"))) static void
draw_avx2(uint64_t *j, size_t n, uint64_t s, uint64_t bound)
{
	const __m256i m1 = _mm256_set1_epi64x((long long)MIX_M1),
		      m1s = _mm256_set1_epi64x(
			      (long long)(MIX_M1 >> 32 | MIX_M1 << 32)),
		      m2 = _mm256_set1_epi64x((long long)MIX_M2),
		      m2s = _mm256_set1_epi64x(
			      (long long)(MIX_M2 >> 32 | MIX_M2 << 32)),
		      step = _mm256_set1_epi64x((long long)(4 * MIX_GAMMA)),
		      four = _mm256_set1_epi64x(4);
	__m256i z = _mm256_setr_epi64x(
		(long long)(s + MIX_GAMMA), (long long)(s + 2 * MIX_GAMMA),
		(long long)(s + 3 * MIX_GAMMA), (long long)(s + 4 * MIX_GAMMA));
	__m256i b =
		_mm256_setr_epi64x((long long)bound, (long long)bound - 1,
				   (long long)bound - 2, (long long)bound - 3);

	for (size_t k = 0; k < n; k += 4) {
		__m256i x = z;

		x = _mm256_xor_si256(x, _mm256_srli_epi64(x, 30));
		x = mul64_avx2(x, m1, m1s);
		x = _mm256_xor_si256(x, _mm256_srli_epi64(x, 27));
		x = mul64_avx2(x, m2, m2s);
		x = _mm256_xor_si256(x, _mm256_srli_epi64(x, 31));
		x = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), b);
		_mm256_storeu_si256((__m256i *)(j + k),
				    _mm256_srli_epi64(x, 32));
		z = _mm256_add_epi64(z, step);
		b = _mm256_sub_epi64(b, four);
	}
}

__attribute__((target("avx512f,avx512dq"))) static void
draw_avx512(uint64_t *j, size_t n, uint64_t s, uint64_t bound)
{
	const __m512i m1 = _mm512_set1_epi64((long long)MIX_M1),
		      m2 = _mm512_set1_epi64((long long)MIX_M2),
		      step = _mm512_set1_epi64((long long)(8 * MIX_GAMMA)),
		      eight = _mm512_set1_epi64(8);
	__m512i z = _mm512_add_epi64(
		_mm512_set1_epi64((long long)s),
		_mm512_mullo_epi64(_mm512_setr_epi64(1, 2, 3, 4, 5, 6, 7, 8),
				   _mm512_set1_epi64((long long)MIX_GAMMA)));
	__m512i b = _mm512_sub_epi64(_mm512_set1_epi64((long long)bound),
				     _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7));

	for (size_t k = 0; k < n; k += 8) {
		__m512i x = z;

		x = _mm512_xor_si512(x, _mm512_srli_epi64(x, 30));
		x = _mm512_mullo_epi64(x, m1);
		x = _mm512_xor_si512(x, _mm512_srli_epi64(x, 27));
		x = _mm512_mullo_epi64(x, m2);
		x = _mm512_xor_si512(x, _mm512_srli_epi64(x, 31));
		x = _mm512_mul_epu32(_mm512_srli_epi64(x, 32), b);
		_mm512_storeu_si512(j + k, _mm512_srli_epi64(x, 32));
		z = _mm512_add_epi64(z, step);
		b = _mm512_sub_epi64(b, eight);
	}
}

static inline void
swap_ix(uint16_t *ix, size_t a, size_t b)
{
	uint16_t t = ix[a];

	ix[a] = ix[b];
	ix[b] = t;
}

/* shuffle_plain() with the indexes from draw(), as above. */
static void
shuffle_drawn(uint16_t *ix, size_t len, uint64_t *s,
	      void (*draw)(uint64_t *, size_t, uint64_t, uint64_t))
{
	uint64_t j[DRAW_BLOCK];

	for (size_t i = len - 1; i > 0;) {
		size_t n = i < DRAW_BLOCK ? i : DRAW_BLOCK, k = 0;

		draw(j, n, *s, i + 1);
		*s += n * MIX_GAMMA;
		/* Four in a row: fewer steps of the loop's own. */
		for (; k + 4 <= n; k += 4, i -= 4) {
			swap_ix(ix, i, j[k]);
			swap_ix(ix, i - 1, j[k + 1]);
			swap_ix(ix, i - 2, j[k + 2]);
			swap_ix(ix, i - 3, j[k + 3]);
		}
		for (; k < n; k++, i--)
			swap_ix(ix, i, j[k]);
	}
}

#endif

bool
cstat__cpd_shuffle(uint16_t *ix, size_t len, uint64_t *s,
		   enum cstat__cpd_draw how)
{
	if (len == 0)
		return true;
#if HAVE_DRAW_VECTORS
	bool avx512 = __builtin_cpu_supports("avx512f") &&
		      __builtin_cpu_supports("avx512dq");
	bool avx2 = __builtin_cpu_supports("avx2");

	if (how == CSTAT__CPD_DRAW_BEST)
		how = avx512 ? CSTAT__CPD_DRAW_AVX512
		      : avx2 ? CSTAT__CPD_DRAW_AVX2
			     : CSTAT__CPD_DRAW_PLAIN;
	if (how == CSTAT__CPD_DRAW_AVX512 || how == CSTAT__CPD_DRAW_AVX2) {
		bool has = how == CSTAT__CPD_DRAW_AVX512 ? avx512 : avx2;

		if (has)
			shuffle_drawn(ix, len, s,
				      how == CSTAT__CPD_DRAW_AVX512
					      ? draw_avx512
					      : draw_avx2);
		return has;
	}
#endif
	if (how != CSTAT__CPD_DRAW_BEST && how != CSTAT__CPD_DRAW_PLAIN)
		return false;
	shuffle_plain(ix, len, s);
	return true;
}

/* Applies one round of perm_p's swaps to ix[0..len), drawing from *s. */
static void
shuffle_ix(uint16_t *ix, size_t len, uint64_t *s)
{
	cstat__cpd_shuffle(ix, len, s, CSTAT__CPD_DRAW_BEST);
}

/* Rounds drawn into a cache at a time, ahead of the one asked for: one
 * lock per so many rounds, or per FILL_AHEAD_RUNS runs of longer rounds
 * (the rounds drawn ahead of the last one a test reads are drawn for
 * nothing). */
#define FILL_AHEAD 64
#define FILL_AHEAD_RUNS 64000

/*
 * Draws the rounds of cc (segments of len runs, the generator seeded with
 * seed) up to round upto or its room, under its lock: rounds kept are
 * never written again, so threads read them without the lock once they
 * see them counted.
 */
static void
cache_fill(struct cstat__cpd_cache *cc, size_t len, uint64_t seed, size_t upto,
	   size_t room)
{
	size_t have;

	pthread_mutex_lock(&cc->lock);
	have = atomic_load_explicit(&cc->nrounds, memory_order_relaxed);
	if (have == 0)
		cc->s = seed;
	for (; have < upto && have < room; have++) {
		uint16_t *ix = cc->idx + have * len;

		if (have == 0)
			for (size_t i = 0; i < len; i++)
				ix[i] = (uint16_t)i;
		else
			memcpy(ix, ix - len, len * sizeof(*ix));
		shuffle_ix(ix, len, &cc->s);
	}
	atomic_store_explicit(&cc->nrounds, have, memory_order_release);
	pthread_mutex_unlock(&cc->lock);
}

/*
 * Round b (1-based) of the permutations of segments of len runs from
 * cache cc, and in *avail how many rounds from it lie in a row (1 to
 * want): read from the cache, drawn into it while it has room, else drawn
 * into wk->ix following on from its last round, one at a time.  Rounds
 * are asked for in turn from 1; *s is the generator past the cache.
 */
static const uint16_t *
cached_rounds(struct work *wk, struct cstat__cpd_cache *cc, size_t len,
	      uint64_t seed, size_t b, size_t want, uint64_t *s, size_t *avail)
{
	size_t room = cc->cap_bytes / (len * sizeof(*cc->idx));
	size_t have = atomic_load_explicit(&cc->nrounds, memory_order_acquire);

	if (b + LANES - 1 > have && have < room) {
		size_t ahead = FILL_AHEAD_RUNS / len;

		ahead = ahead > FILL_AHEAD ? FILL_AHEAD
			: ahead < LANES	   ? LANES
					   : ahead;
		cache_fill(cc, len, seed, b + ahead, room);
		have = atomic_load_explicit(&cc->nrounds, memory_order_acquire);
	}
	if (b <= have) {
		*avail = have - b + 1 < want ? have - b + 1 : want;
		return cc->idx + (b - 1) * len;
	}
	*avail = 1;
	if (b == have + 1) {
		/* Past the cache, which is full (have == room) and no longer
		 * changes: on from its last round. */
		*s = have ? cc->s : seed;
		if (have)
			memcpy(wk->ix, cc->idx + (have - 1) * len,
			       len * sizeof(*wk->ix));
		else
			for (size_t i = 0; i < len; i++)
				wk->ix[i] = (uint16_t)i;
	}
	shuffle_ix(wk->ix, len, s);
	return wk->ix;
}

/* The least series length whose cache of orders goes on huge pages. */
#define CACHE_HUGE_LEN 1024

/*
 * The cache that serves segments of len runs, ready, or NULL: the shared
 * one when it is for len, else this thread's own, started over for len
 * when it was for another.
 */
static struct cstat__cpd_cache *
cache_for(struct work *wk, size_t len)
{
	struct cstat__cpd_cache *cc = wk->cache;
	bool ok;

	/* Only whole series share their length often enough to gain. */
	if (!cc || len != wk->n || len > UINT16_MAX)
		return NULL;
	if (!wk->ix) {
		wk->ix = malloc(len * sizeof(*wk->ix));
		if (!wk->ix)
			return NULL;
	}
	if (cc->shared && cc->shared->len == len) {
		cc = cc->shared;
	} else if (cc->len != len) {
		cc->len = len;
		atomic_store_explicit(&cc->nrounds, 0, memory_order_relaxed);
	}
	if (cc->cap_bytes < len * sizeof(*cc->idx))
		return NULL;
	pthread_mutex_lock(&cc->lock);
	/* Huge pages (cstat__big_alloc()) when the length it is first used
	 * for has rounds of 2 kB or more: a test of a thousand rounds then
	 * fills a whole one, and the faults of small pages cost more than
	 * drawing.  Shorter series' tests mostly stop after a few hundred
	 * rounds of a few bytes, and a huge page would be held for them
	 * whole. */
	if (!cc->idx)
		cc->idx = len >= CACHE_HUGE_LEN
				  ? cstat__big_alloc(cc->cap_bytes)
				  : malloc(cc->cap_bytes);
	ok = cc->idx != NULL;
	pthread_mutex_unlock(&cc->lock);
	return ok ? cc : NULL;
}

/*
 * Counts in *x the rounds *b on of LANES whose CUSUM reached the
 * statistic (a bit a round in hit), in turn, *b past them: true as soon
 * as more than xmax have, *b then the round that made it so.
 */
static inline bool
lanes_count(unsigned hit, size_t *x, size_t *b, size_t xmax)
{
	for (unsigned k = 0; k < LANES; k++, (*b)++)
		if ((hit >> k & 1) && ++*x > xmax)
			return true;
	return false;
}

/*
 * Counts the rounds base .. base + cnt - 1 (orders at r, len apart) for
 * wk's test of its whole series (nb rounds, xmax, thr), from round *b on
 * with *x reached so far, as perm_p_cached() counts them: LANES at a time
 * where they lie in the chunk, in turn.  @return true, with *p, once the
 * count decides it (more than xmax reached, or every round counted).
 */
static bool
count_rounds(const struct work *wk, const uint16_t *r, size_t base, size_t cnt,
	     size_t nb, size_t xmax, double thr, size_t *b, size_t *x,
	     double *p)
{
	size_t len = wk->n;

	while (*b < nb && *b < base + cnt) {
		size_t off = *b - base;

		if (off + LANES <= cnt && nb - *b >= LANES) {
			unsigned hit = cusum_reaches4(wk, wk->c, r + off * len,
						      len, thr);

			if (lanes_count(hit, x, b, xmax)) {
				*p = (double)(*x + 1) / (double)(*b + 1);
				return true;
			}
		} else {
			if (cusum_reaches(wk, wk->c, r + off * len, len, thr) &&
			    ++*x > xmax) {
				*p = (double)(*x + 1) / (double)(*b + 1);
				return true;
			}
			(*b)++;
		}
	}
	if (*b >= nb) {
		*p = (double)(*x + 1) / (double)nb;
		return true;
	}
	return false;
}

/*
 * perm_p() over the orders from cache cc, from round b on with x reached
 * so far: LANES rounds at a time while they lie in a row, counting them in
 * turn.
 */
static double
perm_p_cached_from(struct work *wk, struct cstat__cpd_cache *cc, size_t len,
		   uint64_t seed, size_t nrounds, size_t xmax, double thr,
		   size_t b, size_t x)
{
	uint64_t past = 0;
	size_t room = cc->cap_bytes / (len * sizeof(*cc->idx));
	bool may_defer = wk->df && wk->df->state == CSTAT__CPD_MAY_DEFER &&
			 cc == wk->cache->shared;

	while (b < nrounds) {
		size_t avail;

		if (may_defer && b > room) {
			/* The rest is cstat__cpd_finish()'s, from round b. */
			wk->df->state = CSTAT__CPD_DEFERRED;
			wk->df->b = b;
			wk->df->x = x;
			return NAN;
		}
		const uint16_t *r = cached_rounds(wk, cc, len, seed, b,
						  nrounds - b, &past, &avail);

		if (avail >= LANES) {
			unsigned hit = cusum_reaches4(wk, wk->c, r, len, thr);

			if (lanes_count(hit, &x, &b, xmax))
				return (double)(x + 1) / (double)(b + 1);
		} else {
			if (cusum_reaches(wk, wk->c, r, len, thr) && ++x > xmax)
				return (double)(x + 1) / (double)(b + 1);
			b++;
		}
	}
	return (double)(x + 1) / (double)nrounds;
}

static double
perm_p_cached(struct work *wk, struct cstat__cpd_cache *cc, size_t len,
	      uint64_t seed, size_t nrounds, size_t xmax, double thr)
{
	return perm_p_cached_from(wk, cc, len, seed, nrounds, xmax, thr, 1, 0);
}

/*
 * perm_p() over orders drawn here, LANES rounds at a time (each round the
 * previous one shuffled, as in the cache), the CUSUMs of each LANES
 * added side by side: the same orders, the same answers, counted in turn.
 */
static double
perm_p_drawn(struct work *wk, size_t len, uint64_t s, size_t nrounds,
	     size_t xmax, double thr)
{
	uint16_t *r = wk->ix4;
	size_t x = 0, b = 1;

	for (size_t i = 0; i < len; i++)
		r[(LANES - 1) * len + i] = (uint16_t)i;
	while (b < nrounds) {
		size_t k = nrounds - b < LANES ? nrounds - b : LANES;

		for (size_t i = 0; i < k; i++) {
			memcpy(r + i * len, r + (i ? i - 1 : LANES - 1) * len,
			       len * sizeof(*r));
			shuffle_ix(r + i * len, len, &s);
		}
		if (k == LANES) {
			unsigned hit = cusum_reaches4(wk, wk->c, r, len, thr);

			if (lanes_count(hit, &x, &b, xmax))
				return (double)(x + 1) / (double)(b + 1);
		} else {
			for (size_t i = 0; i < k; i++, b++)
				if (cusum_reaches(wk, wk->c, r + i * len, len,
						  thr) &&
				    ++x > xmax)
					return (double)(x + 1) /
					       (double)(b + 1);
		}
	}
	return (double)(x + 1) / (double)nrounds;
}

/*
 * The plan of perm_p() for segments of len runs and the statistic zobs:
 * *nb (B + 1), *xmax (the most orders reaching it that leave p <= alpha)
 * and *thr (zobs less rounding), wk->lim set for it.  @return false when
 * p cannot be <= alpha (p is then 1).
 */
static bool
perm_plan(struct work *wk, size_t len, double zobs, double *nb, size_t *xmax,
	  double *thr)
{
	double a = wk->o->alpha, lim;

	*nb = ceil(MC_EXCEED / a);
	if (*nb < MC_MIN)
		*nb = MC_MIN;
	/* Short segments are cheap and their p often lies near alpha: there
	 * the most permutations make the answer depend least on the draw. */
	if (*nb > MC_MAX || len < BOUND_MIN_LEN)
		*nb = MC_MAX;
	/* Significant when (1 + x) / nb <= a, so x <= a nb - 1. */
	lim = a * *nb - 1;
	if (lim < 0)
		return false;
	*xmax = (size_t)lim;
	*thr = zobs * (1 - 1e-12);
	set_limits(wk, len, *thr);
	return true;
}

/*
 * The permutation p-value of the statistic being at least zobs, or a
 * value above alpha as soon as the permutations show it is.  The
 * comparison allows for rounding, so that the order seen counts as at
 * least as extreme as itself.
 */
static double
perm_p(struct work *wk, size_t len, double zobs)
{
	double nb, thr;
	size_t b, x = 0, xmax;
	uint64_t s = MC_SEED ^ ((uint64_t)len << 32);
	struct cstat__cpd_cache *cc;

	if (!perm_plan(wk, len, zobs, &nb, &xmax, &thr))
		return 1;
	cc = cache_for(wk, len);
	if (cc && wk->batch && cc == wk->cache->shared) {
		/* cstat__cpd_many() counts the rounds with other series'. */
		wk->pending = true;
		wk->nb = nb;
		wk->xmax = xmax;
		wk->thr = thr;
		return NAN;
	}
	if (cc)
		return perm_p_cached(wk, cc, len, s, (size_t)nb, xmax, thr);
	if (len <= UINT16_MAX &&
	    (wk->ix4 || (wk->ix4 = malloc(LANES * wk->n * sizeof(*wk->ix4)))))
		return perm_p_drawn(wk, len, s, (size_t)nb, xmax, thr);
	memcpy(wk->perm, wk->c, len * sizeof(*wk->c));
	for (b = 1; b < (size_t)nb; b++) {
		for (size_t i = len - 1; i > 0; i--) {
			size_t j = mix_below(&s, i + 1);
			double t = wk->perm[i];

			wk->perm[i] = wk->perm[j];
			wk->perm[j] = t;
		}
		if (cusum_reaches(wk, wk->perm, NULL, len, thr) && ++x > xmax)
			return (double)(x + 1) / (double)(b + 1);
	}
	return (double)(x + 1) / nb;
}

/* Whether z[0..len) are all equal. */
static bool
constant(const double *z, size_t len)
{
	for (size_t i = 1; i < len; i++)
		if (z[i] != z[0])
			return false;
	return true;
}

/*
 * Whether the difference of the medians of x[a..b) and x[b..c) exceeds
 * what the runs' own sampling noise explains (see the top).
 */
static bool
beyond_within_noise(struct work *wk, size_t a, size_t b, size_t c)
{
	double v = 0, d, q;

	if (!wk->se)
		return true;
	for (int side = 0; side < 2; side++) {
		size_t lo = side ? b : a, hi = side ? c : b;
		double m = 0;

		for (size_t i = lo; i < hi; i++)
			m += wk->se[i] * wk->se[i];
		/* pi/2 * mean(se^2) / runs */
		v += 1.5707963267948966 * m /
		     ((double)(hi - lo) * (double)(hi - lo));
	}
	d = fabs(median_of(wk->x + b, c - b, wk->tmp) -
		 median_of(wk->x + a, b - a, wk->tmp));
	q = gsl_cdf_ugaussian_Qinv(wk->o->alpha / 2);
	return d > q * sqrt(v);
}

/*
 * Whether the change at split t of the segment's scores c[0..len) holds
 * beyond the runs next to it: with the GAP runs on each side of t left out
 * (fewer when a side would keep less than 3), the two sides' mean scores
 * still differ in the same direction by more than CONFIRM_Z standard
 * errors.  A spike of up to three runs next to the split, which can make
 * the CUSUM peak there, is then left out of the comparison; a real step
 * is not.
 */
static bool
persists(const double *c, size_t len, size_t t)
{
	size_t gl = t > GAP + 3 ? GAP : (t > 3 ? t - 3 : 0);
	size_t gr = len - t > GAP + 3 ? GAP : (len - t > 3 ? len - t - 3 : 0);
	size_t a = t - gl, b = t + gr;
	double ma = 0, mb = 0, va = 0, vb = 0, na = (double)a;
	double nb = (double)(len - b), full = 0, se;

	for (size_t i = 0; i < t; i++)
		full -= c[i];
	for (size_t i = 0; i < a; i++)
		ma += c[i];
	for (size_t i = b; i < len; i++)
		mb += c[i];
	ma /= na;
	mb /= nb;
	for (size_t i = 0; i < a; i++)
		va += (c[i] - ma) * (c[i] - ma);
	for (size_t i = b; i < len; i++)
		vb += (c[i] - mb) * (c[i] - mb);
	se = sqrt((va + vb) / (na + nb - 2) * (1 / na + 1 / nb));
	if ((mb - ma) * full <= 0)
		return false; /* gone, or turned around */
	return !(se > 0) || fabs(mb - ma) > CONFIRM_Z * se;
}

/* Tests the best split of segment s: fills s->sig, tau, z and p. */
static void
test_segment(struct work *wk, struct seg *s)
{
	size_t len = s->end - s->start, ms = wk->o->min_size, t;
	const double *z = wk->y + s->start;
	double pb, ss;

	s->sig = false;
	if (len < 2 * ms)
		return;
	ss = seg_scores(wk, z, wk->v + s->start, len);
	if (!(ss > 0))
		return;
	s->z = max_cusum(wk, wk->c, len, &t);
	s->tau = s->start + t;
	/* The split is accepted only if it persists and beyond the runs' own
	 * noise, whatever its p: those checks are cheap and decide first, so
	 * a split they refuse costs no permutations.  The p of a segment not
	 * accepted is never used, and the orders drawn depend only on the
	 * segment's length and round, so the others' p-values stay the
	 * same. */
	s->p = 1;
	if (!persists(wk->c, len, t) ||
	    !beyond_within_noise(wk, s->start, s->tau, s->end))
		return;
	if (constant(z, t) && constant(z + t, len - t)) {
		s->p = 0; /* two constant sides that differ */
	} else {
		pb = len >= BOUND_MIN_LEN ? union_bound(wk, len, s->z) : 1;
		if (pb <= wk->o->alpha)
			s->p = pb;
		else if (wk->df && wk->df->state == CSTAT__CPD_DONE &&
			 len == wk->n)
			s->p = wk->df->p; /* cstat__cpd_finish()'s */
		else
			s->p = perm_p(wk, len, s->z);
	}
	s->sig = s->p <= wk->o->alpha;
}

/* ---------------------------------------------------------------------- */
/* Placing an accepted split. */

/*
 * Fills pp[1..len) with exp(w(u)^2 S(u)^2 / (2 L) - max), the weight of
 * evidence for a change at u that the statistic itself gives (the scores
 * are in noise sigmas), over every split, not only the allowed ones: the
 * change itself can lie anywhere.
 */
static void
split_evidence(const struct work *wk, size_t len, double *pp)
{
	double sum = 0, top = -INFINITY, l = (double)len, tot = 0;

	for (size_t u = 1; u < len; u++) {
		sum += wk->c[u - 1];
		pp[u] = sum * sum * wk->w[u] * wk->w[u] / (2 * l);
		if (pp[u] > top)
			top = pp[u];
	}
	for (size_t u = 1; u < len; u++) {
		pp[u] = exp(pp[u] - top);
		tot += pp[u];
	}
	for (size_t u = 1; u < len; u++)
		pp[u] /= tot;
}

/* The share of the evidence pp within PLACE_HALF runs of split t. */
static double
window_share(const double *pp, size_t len, size_t t)
{
	size_t lo = t > PLACE_HALF ? t - PLACE_HALF : 1;
	double m = 0;

	for (size_t u = lo; u <= t + PLACE_HALF && u < len; u++)
		m += pp[u];
	return m;
}

/*
 * The run where the accepted change of segment s is reported (absolute
 * index): where the statistic peaks near the segment's ends, and in the
 * middle, where the plain CUSUM decides, of the allowed splits whose
 * window of PLACE_HALF runs each side holds within PLACE_SLACK of the
 * largest share of the evidence, the one with the most evidence itself
 * (then the leftmost).  See the top for why.
 */
static size_t
place_split(struct work *wk, const struct seg *s)
{
	size_t len = s->end - s->start, ms = wk->o->min_size;
	size_t best = s->tau - s->start;
	const double *z = wk->y + s->start;
	double *pp = wk->perm, top = 0, sig = seg_sigma(wk, z, len);
	double *share = wk->tmp; /* by split: window_share's, each once */

	/* Sign scores (no noise scale) do not measure evidence. */
	if (!(sig > 0) || !isfinite(sig) ||
	    !(seg_scores(wk, z, wk->v + s->start, len) > 0) ||
	    wk->w[best] > WEIGHT_CAP)
		return s->tau;
	split_evidence(wk, len, pp);
	for (size_t t = 1; t < len; t++) {
		share[t] = window_share(pp, len, t);
		if (t >= ms && t <= len - ms && share[t] > top)
			top = share[t];
	}
	for (size_t t = ms; t <= len - ms; t++)
		if (share[t] >= top - PLACE_SLACK &&
		    (pp[t] > pp[best] || share[best] < top - PLACE_SLACK))
			best = t;
	return s->start + best;
}

/* ---------------------------------------------------------------------- */
/* The hierarchy and the results. */

static int
cmp_point(const void *a, const void *b)
{
	const struct cstat__cpd_point *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/* Checks the arguments and the settings. */
static int
check_args(const double *x, const double *se, size_t n,
	   const struct cstat__cpd_opts *o)
{
	if (!(o->alpha > 0 && o->alpha <= 1) || o->min_size < 2)
		return CSTAT_EINVAL;
	if (n > 0 && !x)
		return CSTAT_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]) ||
		    (se && (!isfinite(se[i]) || !(se[i] >= 0))))
			return CSTAT_EINVAL;
	if (n > SIZE_MAX / 2 / sizeof(double))
		return CSTAT_ENOMEM;
	return 0;
}

static bool
all_positive(const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!(x[i] > 0))
			return false;
	return true;
}

static void
work_free(struct work *wk)
{
	if (!wk->lent) {
		free(wk->v);
		free(wk->y);
		free(wk->c);
		free(wk->perm);
		free(wk->w);
		free(wk->tmp);
		free(wk->lim);
		free(wk->blim);
	}
	free(wk->ix);
	free(wk->ix4);
}

/* The doubles of work_init()'s arrays for a series of n runs. */
static size_t
work_doubles(size_t n)
{
	return 7 * n + n / CUSUM_BLOCK + 1;
}

/* work_init() with its arrays in mem (work_doubles(n) of them, kept by
 * the caller) when not NULL. */
static int
work_init_in(struct work *wk, const double *x, const double *se, size_t n,
	     const struct cstat__cpd_opts *o, double *mem)
{
	memset(wk, 0, sizeof(*wk));
	wk->x = x;
	wk->se = se;
	wk->n = n;
	wk->o = o;
	if (mem) {
		double **arr[] = {&wk->v, &wk->y,   &wk->c,  &wk->perm,
				  &wk->w, &wk->tmp, &wk->lim};

		for (size_t i = 0; i < sizeof(arr) / sizeof(*arr); i++)
			*arr[i] = mem + i * n;
		wk->blim = mem + 7 * n;
		wk->lent = true;
		goto ready;
	}
	wk->v = malloc(n * sizeof(*wk->v));
	wk->y = malloc(n * sizeof(*wk->y));
	wk->c = malloc(n * sizeof(*wk->c));
	wk->perm = malloc(n * sizeof(*wk->perm));
	wk->w = malloc(n * sizeof(*wk->w));
	wk->tmp = malloc(n * sizeof(*wk->tmp));
	wk->lim = malloc(n * sizeof(*wk->lim));
	wk->blim = malloc((n / CUSUM_BLOCK + 1) * sizeof(*wk->blim));
	if (!wk->v || !wk->y || !wk->c || !wk->perm || !wk->w || !wk->tmp ||
	    !wk->lim || !wk->blim) {
		work_free(wk);
		return CSTAT_ENOMEM;
	}
ready:
	/* Run noise is a share of the level: on the log scale it is the same
	 * at every level. */
	for (size_t i = 0; i < n; i++)
		wk->v[i] = x[i];
	if (all_positive(x, n))
		for (size_t i = 0; i < n; i++)
			wk->v[i] = log(x[i]);
	tame(wk);
	return 0;
}

static int
work_init(struct work *wk, const double *x, const double *se, size_t n,
	  const struct cstat__cpd_opts *o)
{
	return work_init_in(wk, x, se, n, o, NULL);
}

/* The significant segment to split first (smallest p, then largest z,
 * then leftmost), or nsegs if none. */
static size_t
best_segment(const struct seg *segs, size_t nsegs)
{
	size_t best = nsegs;

	for (size_t i = 0; i < nsegs; i++) {
		if (!segs[i].sig)
			continue;
		if (best == nsegs || segs[i].p < segs[best].p ||
		    (segs[i].p == segs[best].p && segs[i].z > segs[best].z))
			best = i;
	}
	return best;
}

/*
 * Goes on with the binary segmentation once the whole series (segs[0])
 * is tested.  pts receives the accepted changes (index, p, stat) in the
 * order found; segs has room for max_points + 1 segments.  @return the
 * number of changes.
 */
static size_t
divide_rest(struct work *wk, struct seg *segs, size_t max_points,
	    struct cstat__cpd_point *pts)
{
	size_t nsegs = 1, npts = 0;

	while (npts < max_points) {
		size_t b = best_segment(segs, nsegs);
		struct seg *s;

		if (b == nsegs)
			break;
		s = &segs[b];
		s->tau = place_split(wk, s);
		pts[npts].index = s->tau;
		pts[npts].p = s->p;
		pts[npts].stat = s->z;
		npts++;
		memmove(&segs[b + 2], &segs[b + 1],
			(nsegs - b - 1) * sizeof(*segs));
		nsegs++;
		segs[b + 1].start = s->tau;
		segs[b + 1].end = s->end;
		s->end = s->tau;
		test_segment(wk, &segs[b]);
		test_segment(wk, &segs[b + 1]);
	}
	return npts;
}

/* Fills in the medians and changes of pts[0..npts), sorted by index, from
 * the final segmentation of x. */
static void
fill_medians(const double *x, size_t n, struct cstat__cpd_point *pts,
	     size_t npts, double *tmp)
{
	for (size_t j = 0; j <= npts; j++) {
		size_t start = j ? pts[j - 1].index : 0;
		size_t end = j < npts ? pts[j].index : n;
		double med = median_of(x + start, end - start, tmp);

		if (j > 0) {
			pts[j - 1].after = med;
			pts[j - 1].change = med / pts[j - 1].before - 1;
		}
		if (j < npts)
			pts[j].before = med;
	}
}

int
cstat__cpd(const double *x, const double *se, size_t n,
	   const struct cstat__cpd_opts *o, struct cstat__cpd_point **out,
	   size_t *nout)
{
	return cstat__cpd_cached(x, se, n, o, NULL, out, nout);
}

int
cstat__cpd_cache_init(struct cstat__cpd_cache *c, size_t cap_bytes, size_t len,
		      struct cstat__cpd_cache *shared)
{
	memset(c, 0, sizeof(*c));
	c->cap_bytes = cap_bytes;
	c->len = len;
	atomic_init(&c->nrounds, 0);
	c->shared = len ? NULL : shared;
	return pthread_mutex_init(&c->lock, NULL) ? CSTAT_ENOMEM : 0;
}

void
cstat__cpd_cache_release(struct cstat__cpd_cache *c)
{
	free(c->idx);
	c->idx = NULL;
	free(c->lanes);
	c->lanes = NULL;
	c->lanes_cap = 0;
	free(c->works);
	c->works = NULL;
	c->works_cap = 0;
	c->len = 0;
	atomic_store(&c->nrounds, 0);
	pthread_mutex_destroy(&c->lock);
}

int
cstat__cpd_cached(const double *x, const double *se, size_t n,
		  const struct cstat__cpd_opts *o,
		  struct cstat__cpd_cache *cache, struct cstat__cpd_point **out,
		  size_t *nout)
{
	return cstat__cpd_deferred(x, se, n, o, cache, NULL, out, nout);
}

/* One series' search, as cstat__cpd_many() keeps it between its tests. */
struct search {
	struct work wk;
	struct seg *segs;
	struct cstat__cpd_point *pts;
	size_t max_points;
	bool ready; /* wk set up and the whole series tested */
};

static void
search_free(struct search *sr)
{
	if (sr->ready)
		work_free(&sr->wk);
	free(sr->segs);
	free(sr->pts);
	sr->ready = false;
	sr->segs = NULL;
	sr->pts = NULL;
}

/*
 * Checks the arguments, sets sr up for the series x, se of n runs and
 * tests the whole series; with batch, a permutation test over the shared
 * cache of cache is left pending (sr->wk.pending) instead.  A series too
 * short to split is not set up (sr->ready false).  @return 0; an error.
 */
static int
search_start(struct search *sr, const double *x, const double *se, size_t n,
	     const struct cstat__cpd_opts *o, struct cstat__cpd_cache *cache,
	     struct cstat__cpd_defer *d, bool batch, double *mem)
{
	int err;

	memset(sr, 0, sizeof(*sr));
	err = check_args(x, se, n, o);
	if (err)
		return err;
	if (n < 2 * o->min_size || o->max_points == 0)
		return 0;
	/* No segmentation has more than n / min_size segments. */
	sr->max_points = n / o->min_size - 1;
	if (sr->max_points > o->max_points)
		sr->max_points = o->max_points;
	err = work_init_in(&sr->wk, x, se, n, o, mem);
	if (err)
		return err;
	sr->ready = true;
	sr->wk.cache = cache;
	sr->wk.df = d;
	sr->segs = malloc((sr->max_points + 1) * sizeof(*sr->segs));
	sr->pts = malloc(sr->max_points * sizeof(*sr->pts));
	if (!sr->segs || !sr->pts) {
		search_free(sr);
		return CSTAT_ENOMEM;
	}
	sr->segs[0].start = 0;
	sr->segs[0].end = n;
	sr->wk.batch = batch;
	test_segment(&sr->wk, &sr->segs[0]);
	sr->wk.batch = false;
	return 0;
}

/* The whole series' pending test of sr decided: p, as test_segment()
 * takes it. */
static void
search_set_p(struct search *sr, double p)
{
	sr->wk.pending = false;
	sr->segs[0].p = p;
	sr->segs[0].sig = p <= sr->wk.o->alpha;
}

/*
 * Goes on with sr's search after its whole series' test and gives its
 * changes (none when the test was put off), then frees it.  @return 0;
 * CSTAT_ENOMEM.
 */
static int
search_end(struct search *sr, struct cstat__cpd_point **out, size_t *nout)
{
	struct work *wk = &sr->wk;
	size_t npts;

	if (!sr->ready)
		return 0;
	if (wk->df && wk->df->state == CSTAT__CPD_DEFERRED) {
		search_free(sr);
		return 0;
	}
	npts = divide_rest(wk, sr->segs, sr->max_points, sr->pts);
	if (npts) {
		qsort(sr->pts, npts, sizeof(*sr->pts), cmp_point);
		fill_medians(wk->x, wk->n, sr->pts, npts, wk->tmp);
		*out = sr->pts;
		*nout = npts;
		sr->pts = NULL;
	}
	search_free(sr);
	return 0;
}

int
cstat__cpd_deferred(const double *x, const double *se, size_t n,
		    const struct cstat__cpd_opts *o,
		    struct cstat__cpd_cache *cache, struct cstat__cpd_defer *d,
		    struct cstat__cpd_point **out, size_t *nout)
{
	struct cstat__cpd_opts def;
	struct search sr;
	int err;

	if (!out || !nout)
		return CSTAT_EINVAL;
	*out = NULL;
	*nout = 0;
	if (!o) {
		cstat__cpd_defaults(&def);
		o = &def;
	}
	err = search_start(&sr, x, se, n, o, cache, d, false, NULL);
	if (err)
		return err;
	return search_end(&sr, out, nout);
}

/*
 * Several series' whole tests over one reading of each order.  The
 * orders of a length are the same for every series of that length, so
 * the CUSUMs of up to MANY_LANES series' tests are added side by side,
 * each order's index loaded once for all: the series' scores lie together
 * (c[i MANY_LANES + k] is series k's score of run i), so one load (one
 * AVX2 vector) brings every series' score of a run, and the series' sums
 * of an order move in one addition.  Each sum is still added up in its
 * own order, each addition the one cusum_reaches4() makes, and each split
 * is decided by the same comparisons (reaches_at(), with the series' own
 * limits), so every answer is that series' alone, bit for bit.
 */
#define MANY_LANES 4

/* Up to MANY_LANES tests of one length side by side; the lanes not in
 * use have scores 0 and limits INFINITY, and count as reached. */
struct lanes {
	size_t len, ms;
	struct work *wk[MANY_LANES]; /* NULL: not in use */
	double *c;		     /* scores, by run then lane */
	double *lim;		     /* wk->lim, by split then lane */
	double *blim;		     /* wk->blim, by block then lane */
	double reach[MANY_LANES];    /* CUSUM_BLOCK cmax */
	double thr[MANY_LANES];
	unsigned idle; /* the lanes not in use, a bit a lane */
};

/*
 * cusum_reaches4() of the LANES orders at r for every test of g: bit
 * LANES k + o for lane k, order o.  The splits go by blocks of
 * CUSUM_BLOCK, as there: a block is only added up when no lane's sums of
 * the orders it has not seen reach can get within reach of the lane's
 * least limit of the block.
 */
static unsigned
lanes_reach_plain(const struct lanes *g, const uint16_t *r)
{
	size_t len = g->len, ms = g->ms, end = len - ms, t = 1;
	const double *c = g->c;
	double sum[LANES][MANY_LANES] = {{0}};
	unsigned hit[LANES];

	_Static_assert(LANES == 4 && MANY_LANES == 4, "4 x 4 sums");
	for (size_t o = 0; o < LANES; o++)
		hit[o] = g->idle;
	while (t <= end) {
		size_t stop = (t / CUSUM_BLOCK + 1) * CUSUM_BLOCK;
		const double *bl = g->blim + t / CUSUM_BLOCK * MANY_LANES;
		bool far = true;

		if (stop > end + 1)
			stop = end + 1;
		for (size_t k = 0; k < MANY_LANES; k++) {
			double m = 0;

			for (size_t o = 0; o < LANES; o++) {
				double a =
					hit[o] >> k & 1 ? 0 : fabs(sum[o][k]);

				m = a > m ? a : m;
			}
			far = far && (m + g->reach[k]) * (1 + 1e-12) < bl[k];
		}
		for (; t < stop; t++) {
			for (size_t o = 0; o < LANES; o++) {
				const double *v =
					c +
					(size_t)r[o * len + t - 1] * MANY_LANES;

				for (size_t k = 0; k < MANY_LANES; k++)
					sum[o][k] += v[k];
			}
			if (far || t < ms)
				continue;
			for (size_t o = 0; o < LANES; o++)
				for (size_t k = 0; k < MANY_LANES; k++)
					if (!(hit[o] >> k & 1) &&
					    fabs(sum[o][k]) >=
						    g->lim[t * MANY_LANES +
							   k] &&
					    reaches_at(g->wk[k], sum[o][k], t,
						       g->thr[k]))
						hit[o] |= 1u << k;
			if ((hit[0] & hit[1] & hit[2] & hit[3]) == 0xf)
				break;
		}
		if ((hit[0] & hit[1] & hit[2] & hit[3]) == 0xf)
			break;
	}
	unsigned bits = 0;

	for (size_t o = 0; o < LANES; o++)
		for (size_t k = 0; k < MANY_LANES; k++)
			bits |= (hit[o] >> k & 1u) << (LANES * k + o);
	return bits;
}

#if HAVE_DRAW_VECTORS
/* lanes_reach_plain() with the lanes of an order in one AVX2 vector: the
 * same additions, lane by lane, and the same comparisons. */
/* The lanes of an order not yet reached, as a mask of whole lanes. */
__attribute__((target("avx2"))) static inline __m256d
open_lanes(unsigned hit)
{
	return _mm256_castsi256_pd(_mm256_cmpeq_epi64(
		_mm256_and_si256(_mm256_set1_epi64x((long long)hit),
				 _mm256_setr_epi64x(1, 2, 4, 8)),
		_mm256_setzero_si256()));
}

__attribute__((target("avx2"))) static unsigned
lanes_reach_avx2(const struct lanes *g, const uint16_t *r)
{
	size_t len = g->len, ms = g->ms, end = len - ms, t = 1;
	const uint16_t *r0 = r, *r1 = r + len, *r2 = r + 2 * len,
		       *r3 = r + 3 * len;
	const double *c = g->c;
	const __m256d sign = _mm256_set1_pd(-0.0),
		      reach = _mm256_loadu_pd(g->reach),
		      margin = _mm256_set1_pd(1 + 1e-12);
	__m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
	__m256d m0, m1, m2, m3;
	unsigned hit[LANES];

	for (size_t o = 0; o < LANES; o++)
		hit[o] = g->idle;
	/* The lanes an order has reached count as 0 at the blocks' heads. */
	m0 = m1 = m2 = m3 = open_lanes(g->idle);
	while (t <= end) {
		size_t stop = (t / CUSUM_BLOCK + 1) * CUSUM_BLOCK;
		__m256d m = _mm256_max_pd(
			_mm256_max_pd(
				_mm256_and_pd(m0, _mm256_andnot_pd(sign, s0)),
				_mm256_and_pd(m1, _mm256_andnot_pd(sign, s1))),
			_mm256_max_pd(
				_mm256_and_pd(m2, _mm256_andnot_pd(sign, s2)),
				_mm256_and_pd(m3, _mm256_andnot_pd(sign, s3))));

		if (stop > end + 1)
			stop = end + 1;
		m = _mm256_mul_pd(_mm256_add_pd(m, reach), margin);
		if (_mm256_movemask_pd(_mm256_cmp_pd(
			    m,
			    _mm256_loadu_pd(g->blim +
					    t / CUSUM_BLOCK * MANY_LANES),
			    _CMP_LT_OQ)) == 0xf) {
			for (; t < stop; t++) {
				s0 = _mm256_add_pd(
					s0, _mm256_loadu_pd(
						    c + (size_t)r0[t - 1] *
								MANY_LANES));
				s1 = _mm256_add_pd(
					s1, _mm256_loadu_pd(
						    c + (size_t)r1[t - 1] *
								MANY_LANES));
				s2 = _mm256_add_pd(
					s2, _mm256_loadu_pd(
						    c + (size_t)r2[t - 1] *
								MANY_LANES));
				s3 = _mm256_add_pd(
					s3, _mm256_loadu_pd(
						    c + (size_t)r3[t - 1] *
								MANY_LANES));
			}
			continue;
		}
		for (; t < stop; t++) {
			__m256d l, s[LANES];
			unsigned old[LANES] = {hit[0], hit[1], hit[2], hit[3]};

			s0 = _mm256_add_pd(
				s0, _mm256_loadu_pd(c + (size_t)r0[t - 1] *
								MANY_LANES));
			s1 = _mm256_add_pd(
				s1, _mm256_loadu_pd(c + (size_t)r1[t - 1] *
								MANY_LANES));
			s2 = _mm256_add_pd(
				s2, _mm256_loadu_pd(c + (size_t)r2[t - 1] *
								MANY_LANES));
			s3 = _mm256_add_pd(
				s3, _mm256_loadu_pd(c + (size_t)r3[t - 1] *
								MANY_LANES));
			if (t < ms)
				continue;
			l = _mm256_loadu_pd(g->lim + t * MANY_LANES);
			s[0] = s0;
			s[1] = s1;
			s[2] = s2;
			s[3] = s3;
			for (size_t o = 0; o < LANES; o++) {
				unsigned near =
					(unsigned)_mm256_movemask_pd(
						_mm256_cmp_pd(
							_mm256_andnot_pd(sign,
									 s[o]),
							l, _CMP_GE_OQ)) &
					~hit[o];
				double v[MANY_LANES];

				if (!near)
					continue;
				_mm256_storeu_pd(v, s[o]);
				for (size_t k = 0; k < MANY_LANES; k++)
					if ((near >> k & 1) &&
					    reaches_at(g->wk[k], v[k], t,
						       g->thr[k]))
						hit[o] |= 1u << k;
			}
			if ((hit[0] & hit[1] & hit[2] & hit[3]) == 0xf)
				goto done;
			if (hit[0] != old[0])
				m0 = open_lanes(hit[0]);
			if (hit[1] != old[1])
				m1 = open_lanes(hit[1]);
			if (hit[2] != old[2])
				m2 = open_lanes(hit[2]);
			if (hit[3] != old[3])
				m3 = open_lanes(hit[3]);
		}
	}
done:;
	unsigned bits = 0;

	for (size_t o = 0; o < LANES; o++)
		for (size_t k = 0; k < MANY_LANES; k++)
			bits |= (hit[o] >> k & 1u) << (LANES * k + o);
	return bits;
}
#endif

/* lanes_reach_plain() or a faster way of the same answers: how as for the
 * draws (CSTAT__CPD_DRAW_AVX2 for the vector way), best when BEST. */
static unsigned
lanes_reach(const struct lanes *g, const uint16_t *r, enum cstat__cpd_draw how)
{
#if HAVE_DRAW_VECTORS
	if (how != CSTAT__CPD_DRAW_PLAIN && __builtin_cpu_supports("avx2"))
		return lanes_reach_avx2(g, r);
#endif
	(void)how;
	return lanes_reach_plain(g, r);
}

/*
 * A permutation test counted with others in lanes: its work (scores,
 * weights, limits) and statistic, and its count so far.
 */
struct tally {
	struct work *wk;
	double thr;
	size_t b, x; /* the next round (from 1) and the orders that reached */
	bool done;   /* p found */
	double p;
};

/*
 * Tests counted side by side over the same rounds, all at the same round:
 * the open ones q[0..open) in ng groups of lanes, their arrays in buf.
 */
struct tallies {
	struct tally **q;
	size_t open, ng, len, nb, xmax, nblk;
	struct lanes *g;
	double *buf;
	enum cstat__cpd_draw how;
};

/* Sets g up for the tests q[0..n) (n at most MANY_LANES) in its arrays. */
static void
lanes_set(struct lanes *g, struct tally *const *q, size_t n, size_t len)
{
	size_t ms = q[0]->wk->o->min_size, nblk = (len - ms) / CUSUM_BLOCK + 1;

	g->len = len;
	g->ms = ms;
	g->idle = 0;
	for (size_t k = 0; k < MANY_LANES; k++) {
		struct work *wk = k < n ? q[k]->wk : NULL;

		g->wk[k] = wk;
		if (!wk) {
			g->idle |= 1u << k;
			g->reach[k] = 0;
			g->thr[k] = INFINITY;
			for (size_t i = 0; i < len; i++)
				g->c[i * MANY_LANES + k] = 0;
			for (size_t t = 0; t <= len; t++)
				g->lim[t * MANY_LANES + k] = INFINITY;
			for (size_t b = 0; b < nblk; b++)
				g->blim[b * MANY_LANES + k] = INFINITY;
			continue;
		}
		g->reach[k] = (double)CUSUM_BLOCK * wk->cmax;
		g->thr[k] = q[k]->thr;
		for (size_t i = 0; i < len; i++)
			g->c[i * MANY_LANES + k] = wk->c[i];
		for (size_t t = 0; t <= len; t++)
			g->lim[t * MANY_LANES + k] = t >= ms && t <= len - ms
							     ? wk->lim[t]
							     : INFINITY;
		for (size_t b = 0; b < nblk; b++)
			g->blim[b * MANY_LANES + k] = wk->blim[b];
	}
}

/* Puts the open tests in lanes, MANY_LANES a group but the last. */
static void
tallies_pack(struct tallies *ts)
{
	double *buf = ts->buf;

	ts->ng = (ts->open + MANY_LANES - 1) / MANY_LANES;
	for (size_t j = 0; j < ts->ng; j++) {
		size_t n = ts->open - j * MANY_LANES;

		ts->g[j].c = buf;
		ts->g[j].lim = ts->g[j].c + ts->len * MANY_LANES;
		ts->g[j].blim = ts->g[j].lim + (ts->len + 1) * MANY_LANES;
		buf = ts->g[j].blim + ts->nblk * MANY_LANES;
		lanes_set(&ts->g[j], ts->q + j * MANY_LANES,
			  n < MANY_LANES ? n : MANY_LANES, ts->len);
	}
}

/*
 * Sets ts up for the tests t[0..n) not yet done, all of the same plan
 * (segments of len runs, nb rounds, xmax) and at the same round, with the
 * scratch *buf of *cap doubles (grown as needed).  @return 0;
 * CSTAT_ENOMEM.
 */
static int
tallies_init(struct tallies *ts, struct tally *t, size_t n, size_t len,
	     size_t nb, size_t xmax, double **buf, size_t *cap,
	     enum cstat__cpd_draw how)
{
	size_t ng, need;

	memset(ts, 0, sizeof(*ts));
	ts->len = len;
	ts->nb = nb;
	ts->xmax = xmax;
	ts->how = how;
	/* Room for whole groups: the lanes not in use read NULL. */
	ts->q = calloc(n + MANY_LANES, sizeof(*ts->q));
	if (!ts->q)
		return CSTAT_ENOMEM;
	for (size_t k = 0; k < n; k++)
		if (!t[k].done)
			ts->q[ts->open++] = &t[k];
	if (!ts->open)
		return 0;
	ts->nblk = (len - ts->q[0]->wk->o->min_size) / CUSUM_BLOCK + 1;
	ng = (ts->open + MANY_LANES - 1) / MANY_LANES;
	need = ng * MANY_LANES * (2 * len + 1 + ts->nblk);
	if (*cap < need) {
		double *nbuf = cstat__big_alloc(need * sizeof(*nbuf));

		if (!nbuf) {
			free(ts->q);
			ts->q = NULL;
			return CSTAT_ENOMEM;
		}
		free(*buf);
		*buf = nbuf;
		*cap = need;
	}
	ts->buf = *buf;
	ts->g = calloc(ng, sizeof(*ts->g));
	if (!ts->g) {
		free(ts->q);
		ts->q = NULL;
		return CSTAT_ENOMEM;
	}
	tallies_pack(ts);
	return 0;
}

static void
tallies_free(struct tallies *ts)
{
	free(ts->q);
	free(ts->g);
}

/* Test t is decided: p; its lane j, k no longer counts nor keeps blocks
 * from being only added up. */
static void
tally_done(struct tallies *ts, size_t j, size_t k, double p)
{
	struct tally *t = ts->q[j * MANY_LANES + k];

	t->done = true;
	t->p = p;
	ts->open--;
	ts->g[j].idle |= 1u << k;
	ts->g[j].reach[k] = 0;
}

/*
 * Counts the rounds base .. base + cnt - 1 (orders at r, len apart) for
 * every open test of ts, all at round base: LANES rounds at a time where
 * they lie in the chunk and the tests have that many left, MANY_LANES
 * tests at a time (lanes_reach()), each lane's answers counted in turn;
 * the rest of the chunk, and a test alone in its group (where the lanes
 * would gain nothing), as count_rounds() counts it.
 */
static void
tallies_count(struct tallies *ts, const uint16_t *r, size_t base, size_t cnt)
{
	size_t off = 0, len = ts->len, nb = ts->nb;

	if (!ts->open)
		return;
	if ((ts->open + MANY_LANES - 1) / MANY_LANES < ts->ng) {
		/* Fewer groups for the tests still open. */
		size_t left = 0;

		for (size_t i = 0; i < ts->ng * MANY_LANES; i++)
			if (!(ts->g[i / MANY_LANES].idle >> (i % MANY_LANES) &
			      1))
				ts->q[left++] = ts->q[i];
		tallies_pack(ts);
	}
	for (; off + LANES <= cnt && base + off < nb &&
	       nb - (base + off) >= LANES;
	     off += LANES) {
		for (size_t j = 0; j < ts->ng; j++) {
			struct lanes *g = &ts->g[j];
			unsigned bits,
				busy = ~g->idle & ((1u << MANY_LANES) - 1);

			/* A test alone in its lanes goes on by itself below. */
			if (!(busy & (busy - 1)))
				continue;
			bits = lanes_reach(g, r + off * len, ts->how);
			for (size_t k = 0; k < MANY_LANES; k++) {
				struct tally *t = ts->q[j * MANY_LANES + k];
				unsigned h = bits >> (LANES * k) &
					     ((1u << LANES) - 1);

				if (g->idle >> k & 1)
					continue;
				if (lanes_count(h, &t->x, &t->b, ts->xmax))
					tally_done(ts, j, k,
						   (double)(t->x + 1) /
							   (double)(t->b + 1));
			}
		}
	}
	/* The rest of the chunk (or all of it, for a test alone), each
	 * test from its own round. */
	for (size_t j = 0; j < ts->ng; j++) {
		for (size_t k = 0; k < MANY_LANES; k++) {
			struct tally *t = ts->q[j * MANY_LANES + k];
			double p;

			if (ts->g[j].idle >> k & 1)
				continue;
			if (count_rounds(t->wk, r, base, cnt, nb, ts->xmax,
					 t->thr, &t->b, &t->x, &p))
				tally_done(ts, j, k, p);
		}
	}
}

/* Rounds of the shared cache that cstat__cpd_many() counts for all its
 * series before the next: a few orders, read from memory once. */
#define MANY_ROUNDS (2 * LANES)

/*
 * Decides the pending whole-series tests of sr[0..count), all over the
 * shared cache of one length, with own's scratch: each chunk of
 * MANY_ROUNDS rounds is counted for every test still open before the next
 * (tallies_count()).  Past the cache, each goes on alone (or is put off)
 * as perm_p_cached() does.  @return 0; CSTAT_ENOMEM (nothing decided).
 */
static int
count_together(struct search *sr, size_t count, struct cstat__cpd_cache *own,
	       enum cstat__cpd_draw how)
{
	struct cstat__cpd_cache *cc = NULL;
	struct tally *t;
	struct tallies ts;
	size_t len = 0, nb = 0, xmax = 0, room, n = 0, b = 1;
	uint64_t seed;
	int err;

	for (size_t k = 0; k < count; k++) {
		if (!sr[k].ready || !sr[k].wk.pending)
			continue;
		cc = sr[k].wk.cache->shared;
		len = cc->len;
		nb = (size_t)sr[k].wk.nb;
		xmax = sr[k].wk.xmax;
		n++;
	}
	if (!n)
		return 0;
	t = calloc(n, sizeof(*t));
	if (!t)
		return CSTAT_ENOMEM;
	/* The tests in series order. */
	for (size_t k = 0, i = 0; k < count; k++)
		if (sr[k].ready && sr[k].wk.pending)
			t[i++] = (struct tally){
				.wk = &sr[k].wk, .thr = sr[k].wk.thr, .b = 1};
	err = tallies_init(&ts, t, n, len, nb, xmax, &own->lanes,
			   &own->lanes_cap, how);
	if (err) {
		free(t);
		return err;
	}
	seed = MC_SEED ^ ((uint64_t)len << 32);
	room = cc->cap_bytes / (len * sizeof(*cc->idx));
	while (ts.open && b < nb && b <= room) {
		size_t have = atomic_load_explicit(&cc->nrounds,
						   memory_order_acquire);
		size_t cnt;

		if (b + MANY_ROUNDS - 1 > have && have < room) {
			cache_fill(cc, len, seed, b + MANY_ROUNDS - 1, room);
			have = atomic_load_explicit(&cc->nrounds,
						    memory_order_acquire);
		}
		cnt = have - b + 1 < MANY_ROUNDS ? have - b + 1 : MANY_ROUNDS;
		tallies_count(&ts, cc->idx + (b - 1) * len, b, cnt);
		b += cnt;
	}
	tallies_free(&ts);
	for (size_t k = 0, i = 0; k < count; k++) {
		struct search *e = &sr[k];

		if (!e->ready || !e->wk.pending)
			continue;
		search_set_p(e, t[i].done ? t[i].p
					  : perm_p_cached_from(&e->wk, cc, len,
							       seed, nb, xmax,
							       e->wk.thr,
							       t[i].b, t[i].x));
		i++;
	}
	free(t);
	return 0;
}

int
cstat__cpd_many(const double *const *x, const double *const *se,
		const size_t *n, size_t count, const struct cstat__cpd_opts *o,
		struct cstat__cpd_cache *cache,
		struct cstat__cpd_defer *const *d, enum cstat__cpd_draw how,
		struct cstat__cpd_point **out, size_t *nout)
{
	struct cstat__cpd_opts def;
	struct search *sr;
	size_t need = 0;
	int err = 0;

	if (!out || !nout || (count && (!x || !n)))
		return CSTAT_EINVAL;
	for (size_t k = 0; k < count; k++) {
		out[k] = NULL;
		nout[k] = 0;
	}
	if (!count)
		return 0;
	if (!o) {
		cstat__cpd_defaults(&def);
		o = &def;
	}
	/* The series' arrays in one block, kept in cache from one call to
	 * the next: not given back to the system and faulted in again. */
	for (size_t k = 0; k < count; k++)
		need += work_doubles(n[k]);
	if (cache && cache->works_cap < need) {
		/* Huge pages where large: written through for each series. */
		double *m = cstat__big_alloc(need * sizeof(*m));

		if (!m)
			return CSTAT_ENOMEM;
		free(cache->works);
		cache->works = m;
		cache->works_cap = need;
	}
	sr = calloc(count, sizeof(*sr));
	if (!sr)
		return CSTAT_ENOMEM;
	for (size_t k = 0, at = 0; k < count && !err; k++) {
		err = search_start(&sr[k], x[k], se ? se[k] : NULL, n[k], o,
				   cache, d ? d[k] : NULL, true,
				   cache ? cache->works + at : NULL);
		at += work_doubles(n[k]);
	}
	if (!err)
		err = count_together(sr, count, cache, how);
	for (size_t k = 0; k < count; k++) {
		if (!err)
			err = search_end(&sr[k], &out[k], &nout[k]);
		search_free(&sr[k]);
	}
	if (err) {
		for (size_t k = 0; k < count; k++) {
			free(out[k]);
			out[k] = NULL;
			nout[k] = 0;
		}
	}
	free(sr);
	return err;
}

/* A deferred test in cstat__cpd_finish(). */
struct finishing {
	struct work wk;
	struct cstat__cpd_defer *d;
	double nb, thr;
	size_t xmax;
	bool ready;   /* wk set up */
	size_t tally; /* its tally + 1 when counted in lanes, else 0 */
};

/*
 * Counts the rounds base .. base + cnt - 1 (orders at r, len apart) for
 * f's test, as perm_p_cached() counts them: LANES at a time where they
 * lie in the chunk, in turn, stopping where the count shows p > alpha.
 */
static void
finish_chunk(struct finishing *f, const uint16_t *r, size_t base, size_t cnt)
{
	struct cstat__cpd_defer *d = f->d;
	size_t len = f->wk.n, nb = (size_t)f->nb;

	while (d->state == CSTAT__CPD_DEFERRED && d->b < base + cnt) {
		size_t off = d->b - base;

		if (d->b >= nb) {
			d->p = (double)(d->x + 1) / f->nb;
			d->state = CSTAT__CPD_DONE;
		} else if (off + LANES <= cnt && nb - d->b >= LANES) {
			unsigned hit = cusum_reaches4(
				&f->wk, f->wk.c, r + off * len, len, f->thr);

			if (lanes_count(hit, &d->x, &d->b, f->xmax)) {
				d->p = (double)(d->x + 1) / (double)(d->b + 1);
				d->state = CSTAT__CPD_DONE;
			}
		} else {
			if (cusum_reaches(&f->wk, f->wk.c, r + off * len, len,
					  f->thr) &&
			    ++d->x > f->xmax) {
				d->p = (double)(d->x + 1) / (double)(d->b + 1);
				d->state = CSTAT__CPD_DONE;
			}
			d->b++;
		}
	}
	if (d->state == CSTAT__CPD_DEFERRED && d->b >= nb) {
		d->p = (double)(d->x + 1) / f->nb;
		d->state = CSTAT__CPD_DONE;
	}
}

/* Rounds past the cache drawn at a time in cstat__cpd_finish(). */
#define FINISH_CHUNK (4 * LANES)

int
cstat__cpd_finish(const double *const *x, const double *const *se,
		  const struct cstat__cpd_opts *o,
		  struct cstat__cpd_cache *shared,
		  struct cstat__cpd_defer *const *d, size_t count)
{
	struct cstat__cpd_opts def;
	size_t len = shared->len, room, base, left = 0, nt = 0, cap = 0;
	uint64_t seed = MC_SEED ^ ((uint64_t)len << 32), s;
	struct finishing *f;
	struct tally *t = NULL;
	struct tallies ts = {0};
	double *lanes = NULL;
	uint16_t *buf;
	int err = 0;

	if (!count)
		return 0;
	if (!o) {
		cstat__cpd_defaults(&def);
		o = &def;
	}
	f = calloc(count, sizeof(*f));
	buf = malloc(FINISH_CHUNK * len * sizeof(*buf));
	if (!f || !buf) {
		err = CSTAT_ENOMEM;
		goto out;
	}
	/* Each test as test_segment() left it: its scores, statistic and
	 * limits are the same numbers worked out again. */
	for (size_t k = 0; k < count; k++) {
		struct work *wk = &f[k].wk;
		double z;

		f[k].d = d[k];
		if (d[k]->state != CSTAT__CPD_DEFERRED)
			continue;
		err = work_init(wk, x[k], se[k], len, o);
		if (err)
			goto out;
		f[k].ready = true;
		if (!(seg_scores(wk, wk->y, wk->v, len) > 0)) {
			err = CSTAT_EINVAL; /* not a deferred test */
			goto out;
		}
		z = max_cusum(wk, wk->c, len, NULL);
		if (!perm_plan(wk, len, z, &f[k].nb, &f[k].xmax, &f[k].thr)) {
			err = CSTAT_EINVAL;
			goto out;
		}
		/* The rounds need the scores, weights and limits only. */
		free(wk->v);
		free(wk->y);
		free(wk->perm);
		free(wk->tmp);
		wk->v = wk->y = wk->perm = wk->tmp = NULL;
		left++;
	}
	/* On from the cache's last round, as cached_rounds() goes on. */
	room = shared->cap_bytes / (len * sizeof(*shared->idx));
	if (room) {
		size_t have;

		if (!shared->idx) {
			err = CSTAT_EINVAL;
			goto out;
		}
		cache_fill(shared, len, seed, room, room);
		have = atomic_load_explicit(&shared->nrounds,
					    memory_order_acquire);
		s = shared->s;
		memcpy(buf + (FINISH_CHUNK - 1) * len,
		       shared->idx + (have - 1) * len, len * sizeof(*buf));
		room = have;
	} else {
		s = seed;
		for (size_t i = 0; i < len; i++)
			buf[(FINISH_CHUNK - 1) * len + i] = (uint16_t)i;
	}
	/* The tests put off where the cache ends, all at its next round,
	 * are counted side by side (tallies_count()); any other one by
	 * itself. */
	t = calloc(count, sizeof(*t));
	if (!t) {
		err = CSTAT_ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < count; k++) {
		if (!f[k].ready || d[k]->b != room + 1)
			continue;
		t[nt] = (struct tally){.wk = &f[k].wk,
				       .thr = f[k].thr,
				       .b = d[k]->b,
				       .x = d[k]->x};
		f[k].tally = ++nt;
	}
	if (nt) {
		size_t k = 0;

		while (!f[k].tally)
			k++;
		err = tallies_init(&ts, t, nt, len, (size_t)f[k].nb, f[k].xmax,
				   &lanes, &cap, CSTAT__CPD_DRAW_BEST);
		if (err)
			goto out;
	}
	for (base = room + 1; left; base += FINISH_CHUNK) {
		for (size_t i = 0; i < FINISH_CHUNK; i++) {
			uint16_t *ix = buf + i * len;

			memcpy(ix,
			       i ? ix - len : buf + (FINISH_CHUNK - 1) * len,
			       len * sizeof(*ix));
			shuffle_ix(ix, len, &s);
		}
		if (nt)
			tallies_count(&ts, buf, base, FINISH_CHUNK);
		left = 0;
		for (size_t k = 0; k < count; k++) {
			if (!f[k].ready)
				continue;
			if (!f[k].tally) {
				finish_chunk(&f[k], buf, base, FINISH_CHUNK);
			} else if (t[f[k].tally - 1].done &&
				   d[k]->state == CSTAT__CPD_DEFERRED) {
				d[k]->p = t[f[k].tally - 1].p;
				d[k]->state = CSTAT__CPD_DONE;
			}
			left += d[k]->state == CSTAT__CPD_DEFERRED;
		}
	}
out:
	if (nt)
		tallies_free(&ts);
	free(t);
	free(lanes);
	for (size_t k = 0; f && k < count; k++)
		if (f[k].ready)
			work_free(&f[k].wk);
	free(f);
	free(buf);
	return err;
}
