/*
 * forecast.c - the trend of each series of a history since its last
 * change point, its prediction for the next runs, and when it crosses the
 * gate's threshold at the current rate (cbaseline forecast).
 *
 * The model, per series: ln(center) = intercept + slope * run over the
 * runs since the last change point (at most the last max_runs).  On the
 * log scale because run noise and drift are shares of the level, so the
 * slope reads as "% a run".  Theil-Sen (sen.h, shared with the scaling
 * analysis) rather than least squares: one broken run among thirty moves
 * a median of slopes by a pair or two, a least-squares line by its whole
 * leverage.  The intercept is the median of y - slope * run, so the
 * residuals' median is 0; their spread is their standard deviation
 * without those beyond 5 robust standard deviations (line_of()).
 *
 * The change point the trend starts at: the change-point search is built
 * for steps and cuts a steady drift into steps (about three per 40-run
 * series at 0.5% a run in 2% noise), which would leave a drift too few
 * runs to forecast.  So the trend passes over a change point when, with
 * the slope within its two sides taken out, the runs either side do not
 * differ (trend_start(), explained()).
 *
 * Significance: Sen's interval at `level` excludes 0.  That interval is
 * Kendall's test of no trend inverted, so this is the Mann-Kendall test
 * at 1 - level (the whole ranks it is widened to make it a little
 * stricter); the p reported is Mann-Kendall's own, for reading.  The
 * default level, 0.99, keeps false trends on flat series near 1% per
 * series (tests/stats-forecast.c measures it).
 *
 * The crossing: relative to the level at the last change point (the line
 * at the first run fitted), which is what a baseline saved since that
 * change holds, the line crosses +threshold (rising) or -threshold
 * (falling) at run first + ln(1 +- threshold) / slope; the runs from the
 * last run to there, 0 when it is already past.  Only for a significant
 * trend: an insignificant slope would give a date for noise.
 *
 * The prediction interval adds the residuals' variance (the new run's own
 * noise and the line's level, sigma^2 (1 + 1/n)) and the slope's
 * uncertainty at that distance (its standard error read from Sen's
 * interval as a normal one), with Student's t at n - 2 degrees of freedom
 * because sigma is estimated from n points.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "cstat.h"
#include "gate.h"
#include "history.h"
#include "sen.h"
#include "stats.h"

/* Residuals this many robust standard deviations from the line are set
 * aside from the spread, as broken runs. */
#define OUTLIER 5.0

/* A change point is explained by the trend (a drift the change-point
 * search cut into steps) when the residuals from one line through both
 * sides of it do not differ: a two-sided U test above this p. */
#define EXPLAINED_P 0.001

/* The runs either side of a change point left out of that test. */
#define GAP 2

/* The MAD's consistency constant for the normal distribution. */
#define MAD_SCALE 1.482602218505602

static const struct cstat_forecast_opts defaults = CSTAT_FORECAST_OPTS_INIT;

/* o with its zero fields set to the defaults; false when one is out of
 * range. */
static bool
settle(const struct cstat_forecast_opts *o, struct cstat_forecast_opts *s)
{
	*s = o ? *o : defaults;
	if (s->level == 0)
		s->level = defaults.level;
	if (s->plevel == 0)
		s->plevel = defaults.plevel;
	if (s->min_runs == 0)
		s->min_runs = defaults.min_runs;
	if (s->max_runs == 0)
		s->max_runs = defaults.max_runs;
	if (s->ahead == 0)
		s->ahead = defaults.ahead;
	if (s->alpha == 0)
		s->alpha = defaults.alpha;
	return s->level > 0 && s->level < 1 && s->plevel > 0 && s->plevel < 1 &&
	       s->min_runs >= 3 && s->max_runs >= s->min_runs && s->alpha > 0 &&
	       s->alpha <= 1;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of v[0..m), m >= 1, sorting v. */
static double
median_sorting(double *v, size_t m)
{
	qsort(v, m, sizeof(*v), cmp_double);
	return m % 2 ? v[m / 2] : v[m / 2 - 1] / 2 + v[m / 2] / 2;
}

static void
forecast_reset(struct cstat_forecast *f, const struct cstat_forecast_opts *s)
{
	memset(f, 0, sizeof(*f));
	f->level = s->level;
	f->plevel = s->plevel;
	f->ahead = s->ahead;
	f->rate = f->rate_lo = f->rate_hi = NAN;
	f->slope = f->slope_lo = f->slope_hi = f->intercept = NAN;
	f->kendall_s = f->p = f->sigma = f->run_mean = NAN;
	f->reference = f->current = f->drift = f->threshold = NAN;
	f->cross = f->cross_lo = f->cross_hi = NAN;
	f->next = f->next_lo = f->next_hi = NAN;
}

/* Runs after f's last run until its line, at slope b, crosses the
 * threshold in b's direction: 0 when past, +inf when it never can. */
static double
cross_at(const struct cstat_forecast *f, double b)
{
	double target = b > 0		   ? log1p(f->threshold)
			: f->threshold < 1 ? log1p(-f->threshold)
					   : -INFINITY;

	if (!isfinite(target) || b == 0)
		return INFINITY;
	double runs = (double)f->first_run + target / b - (double)f->last_run;
	return runs > 0 ? runs : 0;
}

/*
 * The intercept (median of y - slope x), the residuals' spread and the
 * runs' mean, from m >= 3 points; v is scratch of m doubles.  The spread
 * is the residuals' standard deviation (m - 2 in the denominator, so
 * that Student's t holds under normal noise), leaving out residuals more
 * than OUTLIER robust standard deviations (1.4826 MAD) from the line, as
 * the gate's noise estimate does: a broken run should not widen every
 * prediction, and the MAD alone, 37% efficient, would make the interval
 * undercover (tests/stats-forecast.c measured 92% for a 95% interval).
 */
static void
line_of(const double *x, const double *y, size_t m, double *v,
	struct cstat_forecast *f)
{
	double sum = 0;

	for (size_t i = 0; i < m; i++) {
		v[i] = y[i] - f->slope * x[i];
		sum += x[i];
	}
	f->intercept = median_sorting(v, m);
	for (size_t i = 0; i < m; i++)
		v[i] = fabs(y[i] - f->intercept - f->slope * x[i]);
	double cut = OUTLIER * MAD_SCALE * median_sorting(v, m), ss = 0;
	size_t kept = 0;
	for (size_t i = 0; i < m; i++) /* v is sorted: the largest last */
		if (v[i] <= cut) {
			ss += v[i] * v[i];
			kept++;
		}
	f->sigma = kept > 2 ? sqrt(ss / (double)(kept - 2)) : 0;
	f->run_mean = sum / (double)m;
}

/* Mann-Kendall's two-sided p from S and its variance (with the
 * continuity correction); 1 without variance. */
static double
kendall_p(double s, double var)
{
	if (!(var > 0))
		return 1;
	double z = (fabs(s) - 1) / sqrt(var);
	double p = z > 0 ? 2 * gsl_cdf_ugaussian_Q(z) : 1;
	return p < 1 ? p : 1;
}

/* The trend and what follows from it, once the slope is known. */
static void
trend_of(struct cstat_forecast *f, const struct cstat__sen *e)
{
	f->slope = e->slope;
	f->slope_lo = e->lo;
	f->slope_hi = e->hi;
	f->rate = expm1(e->slope);
	f->rate_lo = expm1(e->lo);
	f->rate_hi = expm1(e->hi);
	f->kendall_s = e->s;
	f->p = kendall_p(e->s, e->var_s);
	f->reference = exp(f->intercept + f->slope * (double)f->first_run);
	f->current = exp(f->intercept + f->slope * (double)f->last_run);
	f->drift = f->current / f->reference - 1;
	f->worse = f->slope != 0 && (f->slope > 0) != f->higher_better;
	f->status = e->lo > 0 || e->hi < 0 ? CSTAT_FORECAST_TREND
					   : CSTAT_FORECAST_NONE;
	if (f->status == CSTAT_FORECAST_TREND) {
		/* The faster end of the interval crosses first. */
		double fast = f->slope > 0 ? e->hi : e->lo;
		double slow = f->slope > 0 ? e->lo : e->hi;
		f->cross = cross_at(f, f->slope);
		f->cross_lo = cross_at(f, fast);
		f->cross_hi = cross_at(f, slow);
	}
	cstat_forecast_predict(f, 1, &f->next, &f->next_lo, &f->next_hi);
}

/*
 * Fits the m points (x[i], ln y[i]), x increasing, with settled settings
 * s, into f (whose threshold and direction are set).
 */
static int
fit(const double *x, const double *ly, size_t m,
    const struct cstat_forecast_opts *s, struct cstat_forecast *f)
{
	struct cstat__sen e;
	double *v;
	int rc;

	f->nruns = m;
	if (m) {
		f->first_run = (size_t)x[0];
		f->last_run = (size_t)x[m - 1];
	}
	if (m < s->min_runs)
		return 0; /* CSTAT_FORECAST_SHORT */
	if ((rc = cstat__sen_fit(x, ly, m, s->level, &e)))
		return rc;
	if (!(v = malloc(m * sizeof(*v))))
		return CSTAT_ENOMEM;
	f->slope = e.slope;
	line_of(x, ly, m, v, f);
	free(v);
	trend_of(f, &e);
	return 0;
}

/*
 * The usable points of y[0..n) (runs run[i], or i + 1), the last max of
 * them, into x and ly (n doubles each): *m their number.
 * @return 0 or CSTAT_EINVAL (runs not increasing or not whole numbers >= 1).
 */
static int
points(const double *run, const double *y, size_t n, size_t max, double *x,
       double *ly, size_t *m)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		double r = run ? run[i] : (double)(i + 1);
		if (!(r >= 1) || r != floor(r) || r > 1e15 ||
		    (i && run && !(r > run[i - 1])))
			return CSTAT_EINVAL;
		if (y[i] > 0 && isfinite(y[i])) {
			x[k] = r;
			ly[k++] = log(y[i]);
		}
	}
	size_t skip = k > max ? k - max : 0;
	memmove(x, x + skip, (k - skip) * sizeof(*x));
	memmove(ly, ly + skip, (k - skip) * sizeof(*ly));
	*m = k - skip;
	return 0;
}

int
cstat_forecast_fit(const double *run, const double *y, size_t n,
		   double threshold, bool higher_better,
		   const struct cstat_forecast_opts *o,
		   struct cstat_forecast *out)
{
	struct cstat_forecast_opts s;
	size_t m;

	if (!out || (n && !y) || !settle(o, &s) || !(threshold >= 0))
		return CSTAT_EINVAL;
	forecast_reset(out, &s);
	out->threshold = threshold;
	out->higher_better = higher_better;
	double *x = malloc((n ? n : 1) * sizeof(*x));
	double *ly = malloc((n ? n : 1) * sizeof(*ly));
	int rc = x && ly ? points(run, y, n, s.max_runs, x, ly, &m)
			 : CSTAT_ENOMEM;
	if (!rc)
		rc = fit(x, ly, m, &s, out);
	free(x);
	free(ly);
	return rc;
}

int
cstat_forecast_predict(const struct cstat_forecast *f, double h, double *mid,
		       double *lo, double *hi)
{
	if (!f || !mid || !lo || !hi || !(h >= 1) ||
	    f->status == CSTAT_FORECAST_SHORT || !(f->nruns >= 3))
		return CSTAT_EINVAL;
	double x = (double)f->last_run + h;
	double y = f->intercept + f->slope * x;
	double z = gsl_cdf_ugaussian_Qinv((1 - f->level) / 2);
	double se = (f->slope_hi - f->slope_lo) / (2 * z);
	double t =
		gsl_cdf_tdist_Qinv((1 - f->plevel) / 2, (double)(f->nruns - 2));
	double d = se * (x - f->run_mean);
	double w = t * sqrt(f->sigma * f->sigma * (1 + 1 / (double)f->nruns) +
			    d * d);

	*mid = exp(y);
	*lo = isfinite(w) ? exp(y - w) : 0;
	*hi = isfinite(w) ? exp(y + w) : INFINITY;
	return 0;
}

/* ------------------------------------------------------------------------
 * A history's series.
 */

/* The gate's threshold for benchmark name in unit, its rule, and the
 * unit's direction (the gate's "better" setting, else the tables'). */
static void
gate_threshold(const cstat_gate_config *c, const char *name, const char *unit,
	       struct cstat_forecast *f)
{
	if (!c) {
		f->threshold = 0.05;
		f->rule = "default";
		return;
	}
	long k = cstat__gate_rule_for(c, name, unit, cstat_unit_class_of(unit));
	f->threshold = k < 0 ? c->threshold : c->rules[k].threshold;
	f->rule = k < 0 ? "default" : c->rules[k].text;
	const char *src;
	int b = cstat__gate_better(c, unit, &src);
	if (b >= 0)
		f->higher_better = b == 1;
}

/*
 * The last max_runs runs of table i, row r with a median above 0, in run
 * order, into x and ly: their number.
 */
static size_t
gather(const struct cstat__history *h, size_t i, size_t r, size_t max,
       double *x, double *ly)
{
	const cstat_tables *t = h->t;
	size_t m = 0;

	/* Walk back from the newest run, so the last max runs are kept. */
	for (size_t j = cstat_table_cols(t, i); j-- > 0 && m < max;) {
		size_t col = h->order[h->off[i] + j];
		struct cstat_cell cell;

		cstat_table_cell(t, i, r, col, &cell);
		if (!cell.present || !isfinite(cell.center) ||
		    !(cell.center > 0))
			continue;
		x[m] = (double)h->run[h->off[i] + col];
		ly[m++] = log(cell.center);
	}
	for (size_t a = 0, b = m; a + 1 < b; a++, b--) {
		double tx = x[a], ty = ly[a];
		x[a] = x[b - 1];
		ly[a] = ly[b - 1];
		x[b - 1] = tx;
		ly[b - 1] = ty;
	}
	return m;
}

/* The index of the first of x[0..m) at or after run. */
static size_t
first_at(const double *x, size_t m, size_t run)
{
	size_t k = 0;

	while (k < m && x[k] < (double)run)
		k++;
	return k;
}

/*
 * The median of the slopes of the pairs of points on the same side of
 * point b of x, ly[0..m): the trend within the segments, which a step
 * between them does not steepen.  NaN without such pairs.
 */
static int
within_slope(const double *x, const double *ly, size_t m, size_t b,
	     double *slope)
{
	double *v = malloc((m * (m - 1) / 2 + 1) * sizeof(*v));
	size_t n = 0;

	if (!v)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < m; i++)
		for (size_t j = i + 1; j < m && (i >= b || j < b); j++)
			v[n++] = (ly[j] - ly[i]) / (x[j] - x[i]);
	*slope = n ? median_sorting(v, n) : NAN;
	free(v);
	return 0;
}

/* Whether a U test of n1 against n2 values can give p <= EXPLAINED_P:
 * its smallest p, 2 / C(n1 + n2, n1), is that small. */
static bool
reachable(size_t n1, size_t n2)
{
	if (n1 < 1 || n2 < 1 || n1 > 1000 || n2 > 1000)
		return n1 >= 1 && n2 >= 1;
	return 2 / cstat__choose((long)(n1 + n2), (long)n1) <= EXPLAINED_P;
}

/*
 * Whether the change at point b of x, ly[0..m) is explained by the trend:
 * with the slope within the two sides (within_slope()) taken out, the
 * residuals of the two sides differ by no more than chance (a two-sided
 * U test, p > EXPLAINED_P).  A step leaves one side's residuals above the
 * other's; a drift cut into steps leaves both level.  (One line through
 * both sides would not do: its slope absorbs a step, and a 5% step in 2%
 * noise passed as a trend in 72% of series, tests/stats-forecast.c.)
 * v: scratch of m doubles.
 */
static int
explained(const double *x, const double *ly, size_t m, size_t b, double *v,
	  struct cstat__ucache *uc, bool *yes)
{
	double slope, p;
	int rc = within_slope(x, ly, m, b, &slope);

	*yes = false;
	if (rc || !isfinite(slope))
		return rc;
	for (size_t k = 0; k < m; k++)
		v[k] = ly[k] - slope * x[k];
	/* The runs next to the split are left out when the sides are long
	 * enough: the search put the split where noise made the jump
	 * largest, and they would make every drift look like a step.  Sides
	 * too short for the test ever to reach EXPLAINED_P explain nothing:
	 * the change stands. */
	size_t g = b >= GAP && m - b >= GAP && reachable(b - GAP, m - b - GAP)
			   ? GAP
			   : 0;
	if (!reachable(b - g, m - b - g))
		return 0;
	rc = cstat__mann_whitney(uc, v, b - g, v + b + g, m - b - g, &p);
	if (rc < 0)
		return rc;
	*yes = rc == CSTAT_SAMPLES_EQUAL || p > EXPLAINED_P;
	return 0;
}

/*
 * Where series s's trend starts: after its last change point, or after an
 * earlier one when the trend explains the later ones (explained()), as
 * far back as the points go.  *start is that run (0: the first point),
 * f->explained the changes passed over.
 */
static int
trend_start(const struct cstat__history *h, size_t sr, const double *x,
	    const double *ly, size_t m, double *v, struct cstat__ucache *uc,
	    struct cstat_forecast *f)
{
	size_t c0 = h->chstart[sr], k = h->chstart[sr + 1];
	bool yes = true;

	f->change_run = k > c0 ? h->ch[k - 1].run : 0;
	for (; k > c0 && yes; k--) {
		size_t prev = k - 1 > c0 ? h->ch[k - 2].run : 0;
		size_t a = first_at(x, m, prev),
		       b = first_at(x, m, h->ch[k - 1].run);
		/* Not when the points do not reach the earlier segment. */
		if (b - a < CSTAT_FORECAST_MIN_SIDE ||
		    m - b < CSTAT_FORECAST_MIN_SIDE ||
		    (a == 0 && prev > 0 && x[0] > (double)prev))
			break;
		int rc = explained(x + a, ly + a, m - a, b - a, v, uc, &yes);
		if (rc)
			return rc;
		if (yes) {
			f->change_run = prev;
			f->explained++;
		}
	}
	return 0;
}

/*
 * Series sr (table i, row r) of h: its points into x and ly (scratch of
 * the table's columns each, v too), where its trend starts, the fit.
 */
static int
series(const struct cstat__history *h, size_t i, size_t r,
       const struct cstat_forecast_opts *s, double *x, double *ly, double *v,
       struct cstat__ucache *uc, struct cstat_forecast *f)
{
	const cstat_tables *t = h->t;
	size_t sr = h->srow[i] + r;
	size_t m = gather(h, i, r, s->max_runs, x, ly);

	forecast_reset(f, s);
	f->table = i;
	f->row = r;
	f->higher_better = cstat_table_higher_better(t, i);
	gate_threshold(s->gate, cstat_table_row_label(t, i, r),
		       cstat_table_unit(t, i), f);
	int rc = trend_start(h, sr, x, ly, m, v, uc, f);
	if (rc)
		return rc;
	size_t a = first_at(x, m, f->change_run);
	return fit(x + a, ly + a, m - a, s, f);
}

int
cstat_history_forecast(const cstat_tables *t, const struct cstat_change *ch,
		       size_t nch, const struct cstat_forecast_opts *o,
		       struct cstat_forecast **out, size_t *n)
{
	struct cstat_forecast_opts s;
	struct cstat__history h;
	size_t maxcols = 1;
	int rc;

	if (out)
		*out = NULL;
	if (n)
		*n = 0;
	if (!t || !out || !n || (nch && !ch) || !settle(o, &s))
		return CSTAT_EINVAL;
	if ((rc = cstat__history_init(&h, t)))
		return rc;
	if ((rc = cstat__history_set_changes(&h, ch, nch)))
		goto out_release;
	for (size_t i = 0; i < cstat_tables_count(t); i++)
		if (cstat_table_cols(t, i) > maxcols)
			maxcols = cstat_table_cols(t, i);
	double *x = malloc(maxcols * sizeof(*x));
	double *ly = malloc(maxcols * sizeof(*ly));
	double *v = malloc(maxcols * sizeof(*v));
	struct cstat__ucache *uc = NULL;
	struct cstat_forecast *f =
		h.nseries ? malloc(h.nseries * sizeof(*f)) : NULL;
	rc = x && ly && v && (f || !h.nseries) ? cstat__ucache_new(&uc)
					       : CSTAT_ENOMEM;
	for (size_t i = 0; !rc && i < cstat_tables_count(t); i++)
		for (size_t r = 0; !rc && r < cstat_table_rows(t, i); r++)
			rc = series(&h, i, r, &s, x, ly, v, uc,
				    &f[h.srow[i] + r]);
	cstat__ucache_free(uc);
	free(x);
	free(ly);
	free(v);
	if (rc) {
		free(f);
		goto out_release;
	}
	*out = f;
	*n = h.nseries;
out_release:
	cstat__history_release(&h);
	return rc;
}
