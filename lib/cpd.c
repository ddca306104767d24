/*
 * cpd.c - change-point detection: hierarchical E-divisive with means and a
 * Welch t-test as the stopping rule (see cpd.h for the contract).
 *
 * The statistic.  For a segment z[0..L) split at tau into X = z[0..tau)
 * (m = tau values) and Y = z[tau..L) (k = L - tau values), Matteson and
 * James's energy distance with exponent 1 is
 *
 *	E = 2/(m k) B - 1/C(m,2) W - 1/C(k,2) R,	q-hat = m k/(m + k) E,
 *
 * where B is the sum of |x - y| over the pairs across the split and W and R
 * the sums over the pairs within X and within Y.  Otava maximizes q-hat
 * over both the split and the segment's end (Matteson and James's kappa);
 * here the end is the segment's end, the simpler form that the significance
 * test, which compares the two whole sides, looks at anyway.
 *
 * Computing it.  Let dl(t) be the sum of |z_t - z_i| over the i < t and
 * dr(t) the sum over the i > t.  Then W(tau) is the sum of dl(t) for t < tau,
 * R(tau) the sum of dr(t) for t >= tau, and B(tau) = (sum of dr(t), t < tau)
 * - W(tau), since each dr(t) with t < tau counts the pairs t has to its
 * right both inside X and across the split.  The row sums dl(t) + dr(t)
 * come from prefix sums over the sorted values, and dl(t) from a Fenwick
 * tree over the ranks, holding the count and the sum of the values seen so
 * far: O(L log L) for every split of a segment of length L, where the
 * direct double sum would take O(L^2).  Values are first scaled by a power
 * of two (exact) so that no difference can overflow, and centred on the
 * segment's median so that the sums lose little to cancellation.
 *
 * The test.  The split is significant when the two-sided Welch t-test of
 * X against Y gives p < alpha, the t distribution's tail coming from GSL.
 * (Otava's tester uses Student's pooled-variance test; Welch's does not
 * assume that the two sides have the same variance, which a change in a
 * benchmark often breaks.)
 * The split that maximizes q-hat is chosen by looking at the data, so this
 * p is much smaller than a true p-value: it is the best of some 50 looks
 * at a series of 60 runs.  Measured over 100,000 stationary series of 60
 * runs (min_size 5), the share that report a change is
 *
 *	alpha			0.001	0.0001	0.00001
 *	normal, CV 3%		2.5%	0.60%	0.19%
 *	lognormal, sigma 0.3	3.5%	1.0%	0.37%
 *
 * and it grows slowly with the length (normal: 0.18% at 60 runs, 0.22% at
 * 120; at alpha 0.001, 3.1% and 3.9% at 120 and 1,000 runs).  Otava's
 * alpha of 0.001 would break the 1% goal, so the default is 0.00001: five
 * times under it with normal noise and still under half of it with heavily
 * skewed noise.  The power cost is small, because a step worth detecting
 * gives a tiny p: a 10% step in 3% noise at the middle of 60 runs has
 * t of about 13 (p near 1e-18).  In that setting the step found half the
 * time grows from about 2.5% (alpha 0.001) to 3.5%, and a 5% step is
 * still found in 95% of the series (4,000 series each).  tests/test-cpd.c
 * repeats the calibration.
 *
 * The hierarchy.  Each segment keeps its best split (its candidate);
 * each round tests the candidate with the largest q-hat over all segments
 * (ties to the leftmost), as Otava's detector does, and stops at the first
 * that is not significant.  Accepting a split recomputes the candidates of
 * its two halves only.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "cpd.h"
#include "stats.h"

/* Neumaier's compensated sum. */
struct ksum {
	double s, c;
};

static inline void
ksum_add(struct ksum *k, double v)
{
	double t = k->s + v;

	if (fabs(k->s) >= fabs(v))
		k->c += (k->s - t) + v;
	else
		k->c += (v - t) + k->s;
	k->s = t;
}

static inline double
ksum_get(const struct ksum *k)
{
	return k->s + k->c;
}

/* A value and its position in its segment, for sorting. */
struct ranked {
	double v;
	size_t i;
};

/* One segment of the current segmentation and its best split. */
struct seg {
	size_t start, end; /* the runs [start, end) */
	bool has_cand;	   /* whether it is long enough to split */
	size_t tau;	   /* the best split (absolute index) */
	double q;	   /* its q-hat */
};

/* Memory for the work on one segment, sized for the whole series. */
struct work {
	double *w; /* the series times 2^-scale, all in [-1, 1] */
	int scale;
	size_t n;
	size_t min_size;
	struct ranked *sorted;
	size_t *rank;
	size_t *fcnt; /* Fenwick tree of counts, 1-based */
	double *fsum; /* Fenwick tree of sums, 1-based */
	double *dl, *dr;
};

void
cstat__cpd_defaults(struct cstat__cpd_opts *o)
{
	o->alpha = CSTAT_CPD_ALPHA;
	o->min_size = CSTAT_CPD_MIN_SIZE;
	o->max_points = CSTAT_CPD_MAX_POINTS;
}

/* Orders by value, then by position: a total order, so qsort's result does
 * not depend on how it treats equal elements. */
static int
cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->v < y->v)
		return -1;
	if (x->v > y->v)
		return 1;
	return (x->i > y->i) - (x->i < y->i);
}

/*
 * Fill wk->dl and wk->dr for the segment z[0..len): the sums of distances
 * from each value to the values before and after it.
 */
static void
row_sums(struct work *wk, const double *z, size_t len)
{
	struct ranked *so = wk->sorted;
	double c, all = 0;

	for (size_t i = 0; i < len; i++) {
		so[i].v = z[i];
		so[i].i = i;
	}
	qsort(so, len, sizeof(*so), cmp_ranked);
	c = (so[(len - 1) / 2].v + so[len / 2].v) / 2;
	for (size_t r = 0; r < len; r++) {
		so[r].v -= c;
		wk->rank[so[r].i] = r;
	}

	/* The sum over all other values, through prefix sums of the sorted,
	 * centred values: dr(t) = that - dl(t).  The prefix sums are kept in
	 * dr[] (by rank) until the second loop overwrites them. */
	{
		struct ksum ps = {0, 0};

		for (size_t r = 0; r < len; r++) {
			wk->dr[r] = ksum_get(&ps);
			ksum_add(&ps, so[r].v);
		}
		all = ksum_get(&ps);
	}
	for (size_t r = 0; r < len; r++) {
		double v = so[r].v, pre = wk->dr[r];
		double post = all - pre - v;

		wk->dl[so[r].i] =
			v * (double)r - pre + post - v * (double)(len - r - 1);
	}
	/* dl[] holds the row sums by position; now split them. */
	memset(wk->fcnt, 0, (len + 1) * sizeof(*wk->fcnt));
	memset(wk->fsum, 0, (len + 1) * sizeof(*wk->fsum));
	{
		double seen = 0;

		for (size_t t = 0; t < len; t++) {
			size_t r = wk->rank[t], cnt = 0;
			double v = so[r].v, lo = 0, left, row = wk->dl[t];

			for (size_t j = r; j > 0; j -= j & -j) {
				cnt += wk->fcnt[j];
				lo += wk->fsum[j];
			}
			left = v * (double)cnt - lo + (seen - lo) -
			       v * (double)(t - cnt);
			if (left < 0)
				left = 0;
			wk->dl[t] = left;
			wk->dr[t] = row > left ? row - left : 0;
			for (size_t j = r + 1; j <= len; j += j & -j) {
				wk->fcnt[j]++;
				wk->fsum[j] += v;
			}
			seen += v;
		}
	}
}

/*
 * Find the best split of segment s (the one with the largest q-hat, the
 * leftmost among equals), or note that it has none.
 */
static void
find_candidate(struct work *wk, struct seg *s)
{
	size_t len = s->end - s->start, ms = wk->min_size;
	const double *z = wk->w + s->start;
	struct ksum wsum = {0, 0}, crsum = {0, 0}, rsum = {0, 0};
	double *rtail;

	s->has_cand = false;
	if (len < 2 * ms)
		return;
	row_sums(wk, z, len);

	/* R(tau) for every tau, from the right, into the Fenwick sums (no
	 * longer needed). */
	rtail = wk->fsum;
	rtail[len] = 0;
	for (size_t t = len; t-- > 0;) {
		ksum_add(&rsum, wk->dr[t]);
		rtail[t] = ksum_get(&rsum);
	}
	for (size_t tau = 1; tau <= len - ms; tau++) {
		double m, k, wv, bv, e, q;

		ksum_add(&wsum, wk->dl[tau - 1]);
		ksum_add(&crsum, wk->dr[tau - 1]);
		if (tau < ms)
			continue;
		m = (double)tau;
		k = (double)(len - tau);
		wv = ksum_get(&wsum);
		bv = ksum_get(&crsum) - wv;
		e = 2 * bv / (m * k) - 2 * wv / (m * (m - 1)) -
		    2 * rtail[tau] / (k * (k - 1));
		q = m * k / (m + k) * e;
		if (!s->has_cand || q > s->q) {
			s->has_cand = true;
			s->tau = s->start + tau;
			s->q = q;
		}
	}
}

/* The mean and the sample variance of z[0..n), n >= 2. */
static void
mean_var(const double *z, size_t n, double *mean, double *var)
{
	struct ksum s = {0, 0}, d = {0, 0}, d2 = {0, 0};
	double m, dv;

	for (size_t i = 0; i < n; i++)
		ksum_add(&s, z[i]);
	m = ksum_get(&s) / (double)n;
	for (size_t i = 0; i < n; i++) {
		ksum_add(&d, z[i] - m);
		ksum_add(&d2, (z[i] - m) * (z[i] - m));
	}
	/* The corrected two-pass formula: the second term removes the
	 * rounding error of the mean. */
	dv = ksum_get(&d);
	*mean = m;
	*var = (ksum_get(&d2) - dv * dv / (double)n) / (double)(n - 1);
	if (*var < 0)
		*var = 0;
}

/*
 * The two-sided Welch t-test of a[0..na) against b[0..nb), na, nb >= 2.
 * When both sides are constant the test is degenerate: p is 0 if their
 * values differ (a certain change) and 1 if not.
 *
 * @return the p-value, in [0, 1].
 */
static double
welch_p(const double *a, size_t na, const double *b, size_t nb)
{
	double ma, va, mb, vb, sa, sb, se, t, ra, df, p;

	mean_var(a, na, &ma, &va);
	mean_var(b, nb, &mb, &vb);
	sa = va / (double)na;
	sb = vb / (double)nb;
	se = sqrt(sa + sb);
	if (se == 0)
		return ma == mb ? 1 : 0;
	t = fabs(mb - ma) / se;
	if (!isfinite(t))
		return 0;
	/* Welch-Satterthwaite, written with the shares of the variance so
	 * that nothing underflows: df lies in [min(na, nb) - 1, na + nb - 2],
	 * a range GSL handles. */
	ra = sa / (sa + sb);
	df = 1 / (ra * ra / (double)(na - 1) +
		  (1 - ra) * (1 - ra) / (double)(nb - 1));
	p = 2 * gsl_cdf_tdist_Q(t, df);
	return p > 1 ? 1 : p;
}

/* The median (R8, as the rest of cstat) of x[start..end), using tmp. */
static double
segment_median(const double *x, size_t start, size_t end, double *tmp)
{
	size_t len = end - start;

	memcpy(tmp, x + start, len * sizeof(*tmp));
	cstat__sort_doubles(tmp, len);
	return cstat__quantile_sorted(tmp, len, 0.5);
}

static int
cmp_point(const void *a, const void *b)
{
	const struct cstat__cpd_point *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

/* Checks the arguments and the settings. */
static int
check_args(const double *x, size_t n, const struct cstat__cpd_opts *o)
{
	if (!(o->alpha > 0 && o->alpha <= 1) || o->min_size < 2)
		return CSTAT_EINVAL;
	if (n > 0 && !x)
		return CSTAT_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return CSTAT_EINVAL;
	/* 2 * n must not overflow, nor the arrays below. */
	if (n > SIZE_MAX / 2 / sizeof(struct ranked))
		return CSTAT_ENOMEM;
	return 0;
}

/* The power of two e such that max |x| * 2^-e lies in [0.5, 1); 0 when
 * all values are 0. */
static int
scale_exp(const double *x, size_t n)
{
	double big = 0;
	int e = 0;

	for (size_t i = 0; i < n; i++)
		if (fabs(x[i]) > big)
			big = fabs(x[i]);
	if (big > 0)
		frexp(big, &e);
	return e;
}

static void
work_free(struct work *wk)
{
	free(wk->w);
	free(wk->sorted);
	free(wk->rank);
	free(wk->fcnt);
	free(wk->fsum);
	free(wk->dl);
	free(wk->dr);
}

static int
work_init(struct work *wk, const double *x, size_t n, size_t min_size)
{
	memset(wk, 0, sizeof(*wk));
	wk->n = n;
	wk->min_size = min_size;
	wk->scale = scale_exp(x, n);
	wk->w = malloc(n * sizeof(*wk->w));
	wk->sorted = malloc(n * sizeof(*wk->sorted));
	wk->rank = malloc(n * sizeof(*wk->rank));
	wk->fcnt = malloc((n + 1) * sizeof(*wk->fcnt));
	wk->fsum = malloc((n + 1) * sizeof(*wk->fsum));
	wk->dl = malloc(n * sizeof(*wk->dl));
	wk->dr = malloc(n * sizeof(*wk->dr));
	if (!wk->w || !wk->sorted || !wk->rank || !wk->fcnt || !wk->fsum ||
	    !wk->dl || !wk->dr) {
		work_free(wk);
		return CSTAT_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		wk->w[i] = ldexp(x[i], -wk->scale);
	return 0;
}

/* The index of the segment whose candidate has the largest q-hat, or
 * nsegs if none has a candidate. */
static size_t
best_segment(const struct seg *segs, size_t nsegs)
{
	size_t best = nsegs;

	for (size_t i = 0; i < nsegs; i++)
		if (segs[i].has_cand &&
		    (best == nsegs || segs[i].q > segs[best].q))
			best = i;
	return best;
}

/*
 * Runs the hierarchy: splits segs[0] (the whole series) while the best
 * candidate is significant.  pts receives the accepted changes (index, p,
 * stat) in the order found; segs has room for max_points + 1 segments.
 *
 * @return the number of changes.
 */
static size_t
divide(struct work *wk, struct seg *segs, const struct cstat__cpd_opts *o,
       size_t max_points, struct cstat__cpd_point *pts)
{
	size_t nsegs = 1, npts = 0;

	segs[0].start = 0;
	segs[0].end = wk->n;
	find_candidate(wk, &segs[0]);
	while (npts < max_points) {
		size_t b = best_segment(segs, nsegs);
		struct seg *s;
		double p;

		if (b == nsegs)
			break;
		s = &segs[b];
		p = welch_p(wk->w + s->start, s->tau - s->start, wk->w + s->tau,
			    s->end - s->tau);
		if (!(p < o->alpha))
			break;
		pts[npts].index = s->tau;
		pts[npts].p = p;
		/* q-hat scales with the values: undo the scaling. */
		pts[npts].stat = ldexp(s->q, wk->scale);
		npts++;
		memmove(&segs[b + 2], &segs[b + 1],
			(nsegs - b - 1) * sizeof(*segs));
		nsegs++;
		segs[b + 1].start = s->tau;
		segs[b + 1].end = s->end;
		s->end = s->tau;
		find_candidate(wk, &segs[b]);
		find_candidate(wk, &segs[b + 1]);
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
		double med = segment_median(x, start, end, tmp);

		if (j > 0) {
			pts[j - 1].after = med;
			pts[j - 1].change = med / pts[j - 1].before - 1;
		}
		if (j < npts)
			pts[j].before = med;
	}
}

int
cstat__cpd(const double *x, size_t n, const struct cstat__cpd_opts *o,
	   struct cstat__cpd_point **out, size_t *nout)
{
	struct cstat__cpd_opts def;
	struct cstat__cpd_point *pts = NULL;
	struct seg *segs = NULL;
	struct work wk;
	size_t max_points, npts;
	int err;

	if (!out || !nout)
		return CSTAT_EINVAL;
	*out = NULL;
	*nout = 0;
	if (!o) {
		cstat__cpd_defaults(&def);
		o = &def;
	}
	err = check_args(x, n, o);
	if (err)
		return err;
	if (n < 2 * o->min_size || o->max_points == 0)
		return 0;
	/* No segmentation has more than n / min_size segments. */
	max_points = n / o->min_size - 1;
	if (max_points > o->max_points)
		max_points = o->max_points;

	err = work_init(&wk, x, n, o->min_size);
	if (err)
		return err;
	segs = malloc((max_points + 1) * sizeof(*segs));
	pts = malloc(max_points * sizeof(*pts));
	if (!segs || !pts) {
		err = CSTAT_ENOMEM;
		goto out_free;
	}
	npts = divide(&wk, segs, o, max_points, pts);
	if (npts == 0) {
		free(pts);
		pts = NULL;
		goto out_free;
	}
	qsort(pts, npts, sizeof(*pts), cmp_point);
	/* wk.dl has room for n values: the median's scratch. */
	fill_medians(x, n, pts, npts, wk.dl);
	*out = pts;
	*nout = npts;
	pts = NULL;
out_free:
	free(pts);
	free(segs);
	work_free(&wk);
	return err;
}
