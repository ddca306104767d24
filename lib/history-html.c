/*
 * history-html.c - a history as one self-contained dashboard page.
 *
 * The page opens with the history's name, its number of runs and their
 * dates, the configuration every benchmark shares, a legend, and a table
 * of every change point (linked to its chart; its commit linked to the
 * repository's page of it when the caller names the repository).  Then,
 * for every table of the history (a unit and configuration), a grid of
 * line charts, one per benchmark that is not flat (the same median in
 * every run, no change: those are listed in one folded table at the
 * end): the x-axis is the run number over the whole history (so the
 * charts line up), the y-axis the unit.  Each chart draws the runs'
 * medians as a line with a dot per run, the medians' confidence intervals
 * as a band (cut off at the chart's edge where unbounded), and each change
 * point as a dashed vertical line before its run, labelled with the
 * relative change and coloured better or worse for the unit; where a
 * series has change points, the level of each segment between them (the
 * before and after of its changes) is drawn across it.  Dots and
 * change marks carry <title> tooltips: the run, its commit and time, the
 * median and n; before, after and p.
 *
 * The page is built on html.c: the same writer, escaping and style sheet
 * as cstat's report, plus the charts' rules below.  Numbers are scaled as
 * benchstat scales them: the dots' tooltips as cstat's tables print a
 * row, a change's before and after each on its own as detect prints
 * them, the axis's ticks as one row (the smallest nonzero tick chooses
 * the prefix) with as many decimals as the step needs.  The y-axis spans
 * at least MIN_SPAN of the series' level, so noise does not look like a
 * cliff.  Charts are SVG with a viewBox that
 * scales to the width of a phone or of a two-column grid at 1280 px; on a
 * narrow screen the charts' text is drawn larger so it stays readable.
 *
 * Output is streamed: memory is the tables' plus one row's scratch, time
 * linear in the runs times the series.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "html.h"
#include "numfmt.h"
#include "units.h"

/*
 * A chart's geometry in SVG user units: CW x CH, the plot area inside the
 * margins (left for the y labels, top for the change labels, bottom for
 * the x labels, the unit and "run").  The margins leave room for the
 * larger text of narrow screens.
 */
#define CW 640
#define CH 280
#define ML 80
#define MR 16
#define MT 40
#define MB 50
#define X0 ML
#define X1 (CW - MR)
#define Y0 MT
#define Y1 (CH - MB)

/* Two change labels closer than this (user units) go on two lines. */
#define LABEL_GAP 72

/* Commits longer than this are shortened in tooltips, as git does. */
#define SHORT_COMMIT 12

/*
 * The y-axis spans at least this fraction of the series' level (its
 * largest median in magnitude), so run-to-run noise of 1% moves the line
 * at most a tenth of the chart's height instead of across all of it.
 */
#define MIN_SPAN 0.10 /* the legend says "10%" */

#define DASHBOARD_CSS                                                          \
	"p.summary{margin:.25rem 0 .5rem}\n"                                   \
	".charts{display:grid;grid-template-columns:repeat(auto-fill,"         \
	"minmax(min(100%,34rem),1fr));gap:1.25rem 2rem}\n"                     \
	"figure.chart{margin:0;min-width:0}\n"                                 \
	"figure.chart figcaption{margin:0 0 .15rem;overflow-wrap:anywhere}\n"  \
	"figure.chart figcaption .chg{color:var(--muted);margin-left:.5em}\n"  \
	"svg.chart{display:block;width:100%;height:auto}\n"                    \
	".chart text{font-size:13px;fill:var(--muted)}\n"                      \
	".chart .grid{stroke:var(--line);stroke-width:1}\n"                    \
	".chart .ax{stroke:var(--axis);stroke-width:1;fill:none}\n"            \
	".chart .band{fill:var(--s0);fill-opacity:.16;stroke:none}\n"          \
	".chart .line{fill:none;stroke:var(--s0);stroke-width:1.5;"            \
	"stroke-linejoin:round}\n"                                             \
	".chart circle{fill:var(--s0);stroke:var(--bg);stroke-width:.75}\n"    \
	".chart .lvl{stroke:var(--fg);stroke-width:1.25;stroke-opacity:.55;"   \
	"stroke-dasharray:2 2}\n"                                              \
	".chart .cp line{stroke:var(--muted);stroke-width:1.5;"                \
	"stroke-dasharray:5 3}\n"                                              \
	".chart .cp text{fill:var(--fg);font-weight:600}\n"                    \
	".chart .cp.better line{stroke:var(--better)}"                         \
	".chart .cp.better text{fill:var(--better)}\n"                         \
	".chart .cp.worse line{stroke:var(--worse)}"                           \
	".chart .cp.worse text{fill:var(--worse)}\n"                           \
	"table.changes td,table.flat td{text-align:right}"                     \
	"table.changes td.txt,table.flat td.txt{text-align:left}\n"            \
	"details.flat summary{cursor:pointer;margin:.25rem 0}\n"               \
	"@media (max-width:600px){.chart text{font-size:18px}}\n"

/* The forecast's continuation (cstat_forecast_write()): a dashed line on
 * from the last run and its prediction band. */
#define FORECAST_CSS                                                           \
	".chart .fc{fill:none;stroke:var(--s0);stroke-width:1.5;"              \
	"stroke-dasharray:6 4}\n"                                              \
	".chart .fcband{fill:var(--s0);fill-opacity:.07;stroke:var(--s0);"     \
	"stroke-opacity:.35;stroke-width:.75;stroke-dasharray:3 3}\n"          \
	"figure.chart figcaption .fct{display:block;color:var(--muted)}\n"

static const char dashboard_css[] = DASHBOARD_CSS;
static const char forecast_css[] = DASHBOARD_CSS FORECAST_CSS;

/* Everything the page's parts need. */
struct dash {
	struct cstat__ostream p;
	const struct cstat__history *h;
	const struct cstat_tables *t;
	const char *repo;   /* commit links' prefix, or NULL */
	const bool *common; /* key fields every table shares */
	double *scratch;    /* a row's centers */
	/*
	 * What every chart repeats for a run, made once: run r's x
	 * coordinate is runs.data[off[2r - 2] .. off[2r - 1]), and the
	 * rest of its dot's markup up to the median, "\" r=\"R\"><title>run
	 * r, commit C, CREATED: ", runs on to off[2r].
	 */
	struct cstat__ostream runs;
	size_t *off;
	/* The text of every y coordinate in the chart (0 to CH in tenths),
	 * which every chart repeats, made once. */
	struct ytext {
		char text[7];
		unsigned char len;
	} * ytext;
};

#define YTEXTS (CH * 10 + 1)

/* ------------------------------------------------------------------------
 * Numbers.
 */

/* The scaler of row r of table i: its centers, as cstat's tables have. */
static void
row_scaler(struct dash *d, size_t i, size_t r, struct cstat__scaler *sc)
{
	const struct cstat__history *h = d->h;
	size_t m = 0;

	for (size_t j = h->off[i]; j < h->off[i + 1]; j++) {
		const struct cstat__cell *ce =
			cstat__history_cell(h, i, r, h->order[j]);
		if (ce->present)
			d->scratch[m++] = ce->center;
	}
	cstat__scaler_common(
		sc, d->scratch, m,
		cstat__unit_scaling(cstat__tstr(d->t, d->t->tables[i].unit)));
}

/*
 * Adds v of table i with its own scale, as detect's table prints a
 * change's before and after: 8.137m, whatever the series' other runs.
 */
static void
value_text(struct dash *d, size_t i, double v)
{
	char num[CSTAT__SCALE_SIZE];

	cstat__scale_format(
		v, cstat__unit_scaling(cstat__tstr(d->t, d->t->tables[i].unit)),
		num, sizeof(num));
	cstat__html_text(&d->p, num);
}

/* A relative change with a sign and one decimal: "+10.2%", or "?". */
static void
pct1(double change, char *buf, size_t size)
{
	char num[CSTAT__GO_FIXED_SIZE(1)];

	if (!isfinite(change)) {
		snprintf(buf, size, "?");
		return;
	}
	cstat__fmt_go_fixed(num, sizeof(num), fabs(change) * 100, 1);
	char text[sizeof(num) + 3];
	snprintf(text, sizeof(text), "%c%s%%", change < 0 ? '-' : '+', num);
	cstat__strlcpy(buf, text, size);
}

/*
 * A p-value with two significant digits, "1.2e-08"; with three decimals
 * when it is 0.001 or more ("0.042"); as Go prints it when it is 0, tiny
 * (below 1e-300) or not a number.  Locale-independent.
 */
static void
pvalue(double p, char *buf, size_t size)
{
	if (!(p >= 1e-300) || p >= 0.001 || !isfinite(p)) {
		char g[CSTAT__GO_FLOAT_SIZE];
		if (p >= 0.001 && isfinite(p))
			cstat__fmt_go_fixed(g, sizeof(g), p, 3);
		else
			cstat__fmt_go_float(g, p);
		snprintf(buf, size, "%s", g);
		return;
	}
	int e = (int)floor(log10(p));
	double m = p / pow(10, e);
	char mant[CSTAT__GO_FIXED_SIZE(1)];
	cstat__fmt_go_fixed(mant, sizeof(mant), m, 1);
	if (strcmp(mant, "10.0") == 0) {
		e++;
		snprintf(mant, sizeof(mant), "1.0");
	}
	snprintf(buf, size, "%se-%02d", mant, -e);
}

/* "better", "worse" or NULL (no direction) for a change in table tb. */
static const char *
direction(const struct cstat__table *tb, double change)
{
	if (!(change > 0 || change < 0))
		return NULL;
	return (change > 0) == tb->higher_better ? "better" : "worse";
}

/* Adds a commit, shortened to SHORT_COMMIT bytes when it is a hash. */
static void
commit_text(struct cstat__ostream *p, const char *c)
{
	size_t n = strlen(c);

	if (n > SHORT_COMMIT && strspn(c, "0123456789abcdef") == n)
		n = SHORT_COMMIT;
	cstat__os_html_text(p, c, n);
}

bool
cstat__repo_url_ok(const char *url)
{
	size_t skip = strncmp(url, "https://", 8) == 0	? 8
		      : strncmp(url, "http://", 7) == 0 ? 7
							: 0;

	if (!skip || !url[skip])
		return false;
	for (const unsigned char *u = (const unsigned char *)url; *u; u++)
		if (*u <= ' ' || *u == 0x7f)
			return false;
	return true;
}

/*
 * Adds the commit as a link to its page, REPO/commit/C (C
 * percent-encoded but for RFC 3986's unreserved characters, the whole
 * attribute escaped), or as text without a repository.
 */
static void
commit_link(struct dash *d, const char *c)
{
	struct cstat__ostream *p = &d->p;
	size_t n = strlen(d->repo ? d->repo : "");

	if (!d->repo) {
		commit_text(p, c);
		return;
	}
	while (n && d->repo[n - 1] == '/')
		n--;
	cstat__os_adds(p, "<a class=\"commit\" href=\"");
	cstat__os_html_text(p, d->repo, n);
	cstat__os_adds(p, "/commit/");
	for (const unsigned char *u = (const unsigned char *)c; *u; u++) {
		char hex[4];
		if (strchr("-._~", *u) || (*u >= '0' && *u <= '9') ||
		    ((*u | 0x20) >= 'a' && (*u | 0x20) <= 'z' && *u < 0x80)) {
			cstat__os_put(p, (const char *)u, 1);
			continue;
		}
		snprintf(hex, sizeof(hex), "%%%02X", *u);
		cstat__os_put(p, hex, 3);
	}
	cstat__os_adds(p, "\">");
	commit_text(p, c);
	cstat__os_adds(p, "</a>");
}

/* Adds ", commit C, CREATED" for run (the parts it has) to p. */
static void
run_meta(struct dash *d, struct cstat__ostream *p, size_t run)
{
	const char *c = cstat__history_meta(d->h, run, "commit");
	const char *t = cstat__history_meta(d->h, run, "created");

	if (c) {
		cstat__os_adds(p, ", commit ");
		commit_text(p, c);
	}
	if (t) {
		cstat__os_adds(p, ", ");
		cstat__html_text(p, t);
	}
}

/* ------------------------------------------------------------------------
 * The axes.
 */
struct yaxis {
	bool any;      /* something finite to draw */
	double lo, hi; /* the domain */
	/* Ticks at (k0 + k) * step scaled units, k < nticks; no ticks means
	 * labels at lo and hi only. */
	double k0, step, step_fac; /* step_fac: the unit of step */
	size_t nticks;
	struct cstat__scaler sc; /* for the labels */
};

static void
extend(struct yaxis *a, double v)
{
	if (!isfinite(v))
		return;
	if (!a->any || v < a->lo)
		a->lo = v;
	if (!a->any || v > a->hi)
		a->hi = v;
	a->any = true;
}

/*
 * The domain before rounding: from the smallest to the largest finite
 * median or interval bound, spanning at least MIN_SPAN of the level (the
 * largest median in magnitude) around its middle, not crossing zero when
 * the values do not; an all-zero series gets 0 to 1, zero at the bottom.
 */
static void
ydomain(struct yaxis *a, double level)
{
	double span = MIN_SPAN * level, mid = a->lo / 2 + a->hi / 2;

	if (a->lo == 0 && a->hi == 0) {
		a->hi = 1;
		return;
	}
	if (a->hi - a->lo < span) {
		bool pos = a->lo >= 0, neg = a->hi <= 0;
		a->lo = mid - span / 2;
		a->hi = mid + span / 2;
		if (pos && a->lo < 0) {
			a->lo = 0;
			a->hi = span;
		} else if (neg && a->hi > 0) {
			a->lo = -span;
			a->hi = 0;
		}
	}
	if (a->lo == a->hi) { /* zero medians, tiny bounds */
		double pad = fabs(a->lo) / 20;
		a->lo -= pad;
		a->hi += pad;
	}
}

/*
 * The labels' scaler: the ticks' own, as cstat's tables scale a row (the
 * smallest nonzero tick chooses the prefix), with as many decimals as the
 * step needs in that prefix.
 */
static void
label_scaler(struct yaxis *a, int cls)
{
	double ticks[16], fac = a->sc.factor;

	for (size_t k = 0; k < a->nticks; k++)
		ticks[k] = (a->k0 + (double)k) * a->step * fac;
	cstat__scaler_common(&a->sc, ticks, a->nticks, cls);
	double digits = ceil(-log10(a->step * fac / a->sc.factor) - 1e-9);
	a->sc.prec = digits < 0 ? 0 : digits > 10 ? 10 : (int)digits;
	a->step_fac = fac;
}

/* Series s's forecast when it has a trend to draw, else NULL. */
static const struct cstat_forecast *
trend_of(const struct dash *d, size_t i, size_t r)
{
	const struct cstat_forecast *f =
		d->h->fc ? d->h->fc[d->h->srow[i] + r] : NULL;

	return f && f->status == CSTAT_FORECAST_TREND ? f : NULL;
}

/* The forecast's line over its runs, and the next run's band, on the
 * axis (the band further on may leave the chart: it is cut at its edge). */
static void
forecast_extent(const struct dash *d, size_t i, size_t r, struct yaxis *a)
{
	const struct cstat_forecast *f = trend_of(d, i, r);
	double mid, lo, hi;

	if (!f)
		return;
	extend(a, f->next_lo);
	extend(a, f->next_hi);
	if (!cstat_forecast_predict(f, (double)d->h->ahead, &mid, &lo, &hi))
		extend(a, mid);
}

/*
 * The y-axis of row r of table i: ydomain(), widened to whole steps of
 * 1, 2 or 5 times a power of ten in the prefix of the largest end (three
 * to eight ticks).
 */
static void
yaxis_of(struct dash *d, size_t i, size_t r, struct yaxis *a)
{
	const struct cstat__history *h = d->h;
	double level = 0;

	memset(a, 0, sizeof(*a));
	for (size_t j = h->off[i]; j < h->off[i + 1]; j++) {
		const struct cstat__cell *ce =
			cstat__history_cell(h, i, r, h->order[j]);
		if (!ce->present)
			continue;
		extend(a, ce->center);
		extend(a, ce->lo);
		extend(a, ce->hi);
		if (isfinite(ce->center) && fabs(ce->center) > level)
			level = fabs(ce->center);
	}
	forecast_extent(d, i, r, a);
	if (!a->any)
		return;
	ydomain(a, level);
	/*
	 * The ticks are round in the scaled unit of the larger end, so
	 * binary units get 480Mi, 500Mi rather than 477Mi, 486Mi.
	 */
	int cls = cstat__unit_scaling(cstat__tstr(d->t, d->t->tables[i].unit));
	double big = fabs(a->lo) > fabs(a->hi) ? a->lo : a->hi;
	double ends[2] = {a->lo, a->hi};
	cstat__scaler_common(&a->sc, &big, 1, cls);
	double fac = a->sc.factor, slo = a->lo / fac, shi = a->hi / fac;
	double raw = (shi - slo) / 4;
	a->step_fac = fac;
	if (!isfinite(raw) || !(raw > 0)) {
		/* near the largest doubles: label the ends only */
		cstat__scaler_common(&a->sc, ends, 2, cls);
		return;
	}
	double mag = pow(10, floor(log10(raw))), f = raw / mag;
	double step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
	double k0 = floor(slo / step), k1 = ceil(shi / step);
	if (!(k1 - k0 <= 15) || !isfinite(k1 * step * fac)) {
		cstat__scaler_common(&a->sc, ends, 2, cls);
		return;
	}
	a->nticks = (size_t)(k1 - k0) + 1;
	a->k0 = k0;
	a->step = step;
	a->lo = k0 * step * fac;
	a->hi = k1 * step * fac;
	label_scaler(a, cls);
}

/* Tick k of the axis, in the unit: 0 exactly where it is 0. */
static double
tick(const struct yaxis *a, size_t k)
{
	if (!a->nticks)
		return k ? a->hi : a->lo;
	return (a->k0 + (double)k) * a->step * a->step_fac;
}

/* The y coordinate of v, clipped to the plot; NaN counts as the bottom. */
static double
ypos(const struct yaxis *a, double v)
{
	double span = a->hi / 2 - a->lo / 2;

	if (isnan(v) || v <= a->lo)
		return Y1;
	if (v >= a->hi)
		return Y0;
	if (!(span > 0))
		return (Y0 + Y1) / 2.0;
	return Y1 - (v / 2 - a->lo / 2) / span * (Y1 - Y0);
}

/* The x coordinate of run (1-based), over the whole history and the
 * runs forecast after it. */
static double
xpos(const struct dash *d, double run)
{
	size_t n = d->h->nruns + d->h->ahead;

	if (n < 2)
		return (X0 + X1) / 2.0;
	return X0 + (run - 1) / (double)(n - 1) * (X1 - X0);
}

/* Adds the x coordinate of run (xpos(), made once: see struct dash). */
static void
run_x(struct dash *d, size_t run)
{
	size_t from = d->off[2 * run - 2], to = d->off[2 * run - 1];

	cstat__os_put(&d->p, d->runs.data + from, to - from);
}

/* Adds a y coordinate (as cstat__html_coord()). */
static void
y_coord(struct dash *d, double y)
{
	long t = cstat__html_tenths(y);

	if (t < YTEXTS)
		cstat__os_put(&d->p, d->ytext[t].text, d->ytext[t].len);
	else
		cstat__html_coord(&d->p, y);
}

/* Adds " x y" as a path's coordinate pair, x at run. */
static void
pt(struct dash *d, size_t run, double y)
{
	cstat__os_put(&d->p, " ", 1);
	run_x(d, run);
	cstat__os_put(&d->p, " ", 1);
	y_coord(d, y);
}

static void
text_at(struct cstat__ostream *p, double x, double y, const char *anchor,
	const char *s)
{
	cstat__os_adds(p, "<text x=\"");
	cstat__html_coord(p, x);
	cstat__os_adds(p, "\" y=\"");
	cstat__html_coord(p, y);
	cstat__os_adds(p, "\" text-anchor=\"");
	cstat__os_adds(p, anchor);
	cstat__os_adds(p, "\">");
	cstat__html_text(p, s);
	cstat__os_adds(p, "</text>");
}

/* Gridlines and labels of the y-axis. */
static void
y_ticks(struct cstat__ostream *p, const struct yaxis *a)
{
	char num[CSTAT__SCALE_SIZE];
	size_t n = a->nticks ? a->nticks : 2;

	for (size_t k = 0; k < n; k++) {
		double v = tick(a, k), y = ypos(a, v);
		cstat__html_line(p, "grid", X0, X1, y, y);
		if (v == 0)
			snprintf(num, sizeof(num), "0");
		else
			cstat__scaler_format(&a->sc, v, num, sizeof(num));
		text_at(p, X0 - 6, y + 4.5, "end", num);
	}
}

static void
x_tick(struct dash *d, size_t run)
{
	double x = xpos(d, (double)run);
	char num[24];

	cstat__html_line(&d->p, "ax", x, x, Y1, Y1 + 4);
	num[cstat__fmt_uint(num, run)] = '\0';
	text_at(&d->p, x, Y1 + 20, "middle", num);
}

/*
 * Ticks and labels of the x-axis: run 1, every multiple of a step (1, 2
 * or 5 times a power of ten, for at most 8 ticks), and the last run.
 */
static void
x_ticks(struct dash *d)
{
	static const size_t steps[] = {1, 2, 5};
	size_t n = d->h->nruns + d->h->ahead, step = 1;

	/* The smallest 1, 2, 5 x 10^k step that gives at most 8 ticks. */
	for (size_t mag = 1, k = 0; n > 1 && (n - 1) / step > 7; k++) {
		if (k == 3) {
			k = 0;
			if (mag > SIZE_MAX / 10)
				break;
			mag *= 10;
		}
		step = steps[k] * mag;
	}
	size_t last = 0;
	for (size_t run = 1; run <= n && !d->p.err;) {
		x_tick(d, run);
		last = run;
		/* The next multiple of step at least half a step away. */
		size_t next = (run / step + 1) * step;
		if (next - run < (step + 1) / 2)
			next += step;
		if (next < run)
			break; /* wrapped */
		run = next;
	}
	/* The last run too, unless a tick is near it. */
	if (last && last < n && n - last >= (step + 1) / 2)
		x_tick(d, n);
}

/* ------------------------------------------------------------------------
 * One chart.
 */

/* The chart's description: what it shows, in words. */
static void
chart_title(struct dash *d, size_t i, size_t r, const struct cstat__scaler *sc)
{
	const struct cstat__history *h = d->h;
	const struct cstat__table *tb = &d->t->tables[i];
	size_t s = h->srow[i] + r, first = 0, last = 0, m = 0;
	double lastv = NAN;
	char num[CSTAT__SCALE_SIZE], pct[32];

	for (size_t j = h->off[i]; j < h->off[i + 1]; j++) {
		size_t c = h->order[j];
		const struct cstat__cell *ce = cstat__history_cell(h, i, r, c);
		if (!ce->present)
			continue;
		last = h->run[h->off[i] + c];
		if (!m++)
			first = last;
		lastv = ce->center;
	}
	cstat__os_adds(&d->p, "<title>");
	cstat__html_text(&d->p, cstat__tstr(d->t, tb->row_labels[r]));
	cstat__os_adds(&d->p, " (");
	cstat__html_text(&d->p, cstat__tstr(d->t, tb->unit));
	cstat__os_printf(&d->p, "): %zu run%s with results, runs %zu to %zu", m,
			 m == 1 ? "" : "s", first, last);
	if (m) {
		cstat__scaler_format(sc, lastv, num, sizeof(num));
		cstat__os_adds(&d->p, "; last median ");
		cstat__html_text(&d->p, num);
	}
	size_t nch = h->chstart[s + 1] - h->chstart[s];
	cstat__os_printf(&d->p, "; %zu change point%s", nch,
			 nch == 1 ? "" : "s");
	for (size_t k = h->chstart[s]; k < h->chstart[s + 1]; k++) {
		const char *dir = direction(tb, h->ch[k].change);
		pct1(h->ch[k].change, pct, sizeof(pct));
		cstat__os_adds(&d->p, k == h->chstart[s] ? ": " : ", ");
		cstat__html_text(&d->p, pct);
		cstat__os_printf(&d->p, " at run %zu", h->ch[k].run);
		if (dir)
			cstat__os_printf(&d->p, " (%s)", dir);
	}
	cstat__os_adds(&d->p, "</title>");
}

/* The confidence band: the upper bounds left to right, then the lower
 * bounds back. */
static void
band(struct dash *d, size_t i, size_t r, const struct yaxis *a)
{
	const struct cstat__history *h = d->h;
	struct cstat__ostream *p = &d->p;
	bool any = false;

	for (size_t j = h->off[i]; j < h->off[i + 1]; j++) {
		size_t c = h->order[j];
		const struct cstat__cell *ce = cstat__history_cell(h, i, r, c);
		if (!ce->present || isnan(ce->center))
			continue;
		cstat__os_adds(p, any ? " L" : "<path class=\"band\" d=\"M");
		any = true;
		pt(d, h->run[h->off[i] + c],
		   ypos(a, isnan(ce->hi) ? ce->center : ce->hi));
	}
	if (!any)
		return;
	for (size_t j = h->off[i + 1]; j-- > h->off[i];) {
		size_t c = h->order[j];
		const struct cstat__cell *ce = cstat__history_cell(h, i, r, c);
		if (!ce->present || isnan(ce->center))
			continue;
		cstat__os_put(p, " L", 2);
		pt(d, h->run[h->off[i] + c],
		   ypos(a, isnan(ce->lo) ? ce->center : ce->lo));
	}
	cstat__os_adds(p, " Z\"/>");
}

/* The line through the medians. */
static void
median_line(struct dash *d, size_t i, size_t r, const struct yaxis *a)
{
	const struct cstat__history *h = d->h;
	bool any = false;

	for (size_t j = h->off[i]; j < h->off[i + 1]; j++) {
		size_t c = h->order[j];
		const struct cstat__cell *ce = cstat__history_cell(h, i, r, c);
		if (!ce->present || !isfinite(ce->center))
			continue;
		cstat__os_adds(&d->p,
			       any ? " L" : "<path class=\"line\" d=\"M");
		any = true;
		pt(d, h->run[h->off[i] + c], ypos(a, ce->center));
	}
	if (any)
		cstat__os_adds(&d->p, "\"/>");
}

/*
 * What every chart repeats for each run (struct dash): its x coordinate,
 * and its dot's radius and the start of its tooltip.  Dots are smaller
 * when runs crowd.
 */
static int
run_texts(struct dash *d)
{
	const struct cstat__history *h = d->h;
	struct cstat__ostream *p = &d->runs;
	size_t span = h->nruns + h->ahead;
	double gap = span > 1 ? (X1 - X0) / (double)(span - 1) : X1;
	double rad = gap / 2.5 < 1.2 ? 1.2 : gap / 2.5 > 3 ? 3 : gap / 2.5;

	d->off = malloc((2 * h->nruns + 1) * sizeof(*d->off));
	d->ytext = malloc(YTEXTS * sizeof(*d->ytext));
	if (!d->off || !d->ytext)
		return CSTAT_ENOMEM;
	for (long t = 0; t < YTEXTS; t++)
		d->ytext[t].len = (unsigned char)cstat__html_tenths_text(
			d->ytext[t].text, t);
	d->off[0] = 0;
	for (size_t run = 1; run <= h->nruns; run++) {
		cstat__html_coord(p, xpos(d, (double)run));
		d->off[2 * run - 1] = p->len;
		cstat__os_adds(p, "\" r=\"");
		cstat__html_coord(p, rad);
		cstat__os_adds(p, "\"><title>run ");
		cstat__os_uint(p, run);
		run_meta(d, p, run);
		cstat__os_adds(p, ": ");
		d->off[2 * run] = p->len;
	}
	return p->err;
}

/* A dot per run, with its tooltip. */
static void
dots(struct dash *d, size_t i, size_t r, const struct yaxis *a,
     const struct cstat__scaler *sc)
{
	const struct cstat__history *h = d->h;
	struct cstat__ostream *p = &d->p;
	char num[CSTAT__SCALE_SIZE], ci[64];

	for (size_t j = h->off[i]; j < h->off[i + 1] && !p->err; j++) {
		size_t c = h->order[j], run = h->run[h->off[i] + c];
		const struct cstat__cell *ce = cstat__history_cell(h, i, r, c);
		if (!ce->present || !isfinite(ce->center))
			continue;
		cstat__os_put(p, "<circle cx=\"", 12);
		run_x(d, run);
		cstat__os_put(p, "\" cy=\"", 6);
		y_coord(d, ypos(a, ce->center));
		cstat__os_put(p, d->runs.data + d->off[2 * run - 1],
			      d->off[2 * run] - d->off[2 * run - 1]);
		cstat__scaler_format(sc, ce->center, num, sizeof(num));
		cstat__pct_range(ce, ci, sizeof(ci));
		cstat__html_text(p, num);
		cstat__os_put(p, " \xc2\xb1 ", 4);
		cstat__html_text(p, ci);
		cstat__os_put(p, " (n=", 4);
		cstat__os_uint(p, ce->n);
		cstat__os_put(p, ")</title></circle>", 18);
	}
}

/*
 * The levels between change points: the median of each segment's run
 * medians, as a line across the segment, so before and after show.
 */
static void
levels(struct dash *d, size_t i, size_t r, const struct yaxis *a)
{
	const struct cstat__history *h = d->h;
	size_t s = h->srow[i] + r, first = 0, last = 0;
	bool any = false;

	if (h->chstart[s] == h->chstart[s + 1])
		return;
	for (size_t j = h->off[i]; j < h->off[i + 1]; j++) {
		size_t c = h->order[j];
		if (!cstat__history_cell(h, i, r, c)->present)
			continue;
		last = h->run[h->off[i] + c];
		if (!any)
			first = last;
		any = true;
	}
	double from = xpos(d, (double)first);
	for (size_t k = h->chstart[s]; k <= h->chstart[s + 1]; k++) {
		bool end = k == h->chstart[s + 1];
		double to = end ? xpos(d, (double)last)
				: xpos(d, (double)h->ch[k].run - 0.5);
		double y = ypos(a, end ? h->ch[k - 1].after : h->ch[k].before);
		cstat__html_line(&d->p, "lvl", from, to, y, y);
		from = to;
	}
}

/* The change points: a dashed line before the run, a label above. */
static void
change_marks(struct dash *d, size_t i, size_t r)
{
	const struct cstat__history *h = d->h;
	const struct cstat__table *tb = &d->t->tables[i];
	struct cstat__ostream *p = &d->p;
	size_t s = h->srow[i] + r;
	double last_x[2] = {-1e9, -1e9}; /* the last label on each line */
	char txt[64];

	for (size_t k = h->chstart[s]; k < h->chstart[s + 1]; k++) {
		const struct cstat_change *c = &h->ch[k];
		const char *dir = direction(tb, c->change);
		double x = xpos(d, (double)c->run - 0.5);
		/* Labels that would overlap alternate between two lines. */
		/*
		 * The lower line unless its last label is too close; then the
		 * upper, or whichever line's last label is further away.
		 */
		int high = x - last_x[0] < LABEL_GAP && last_x[1] < last_x[0];

		last_x[high] = x;
		cstat__os_printf(
			p,
			"<g class=\"cp%s%s\" id=\"c%zu\"><title>change "
			"at run %zu",
			dir ? " " : "", dir ? dir : "", k + 1, c->run);
		run_meta(d, p, c->run);
		cstat__os_adds(p, ": ");
		value_text(d, i, c->before);
		cstat__os_adds(p, " \xe2\x86\x92 ");
		value_text(d, i, c->after);
		pct1(c->change, txt, sizeof(txt));
		cstat__os_adds(p, " (");
		cstat__html_text(p, txt);
		if (dir)
			cstat__os_printf(p, ", %s", dir);
		pvalue(c->p, txt, sizeof(txt));
		cstat__os_adds(p, "), p=");
		cstat__html_text(p, txt);
		cstat__os_adds(p, "</title>");
		cstat__html_line(p, "cpl", x, x, Y0 - 4, Y1);
		pct1(c->change, txt, sizeof(txt));
		text_at(p, x, high ? 16 : 33, "middle", txt);
		cstat__os_adds(p, "</g>");
	}
}

/* Adds " x y" at run (fractional runs too: the forecast's). */
static void
fpt(struct dash *d, double run, double y)
{
	cstat__os_put(&d->p, " ", 1);
	cstat__html_coord(&d->p, xpos(d, run));
	cstat__os_put(&d->p, " ", 1);
	cstat__html_coord(&d->p, y);
}

/*
 * The forecast of a series with a significant trend: its prediction band
 * over the next ahead runs, and the line at the current rate, dashed,
 * from the last run on.
 */
static void
forecast_marks(struct dash *d, size_t i, size_t r, const struct yaxis *a)
{
	const struct cstat_forecast *f = trend_of(d, i, r);
	struct cstat__ostream *p = &d->p;
	size_t ahead = d->h->ahead;
	double mid, lo, hi, last;
	char words[512];

	if (!f)
		return;
	last = (double)f->last_run;
	cstat__os_adds(p, "<g class=\"forecast\"><title>forecast: ");
	cstat__forecast_words(f, words, sizeof(words));
	cstat__html_text(p, words);
	cstat__os_adds(p, "</title><path class=\"fcband\" d=\"M");
	for (size_t k = 1; k <= ahead; k++) {
		cstat_forecast_predict(f, (double)k, &mid, &lo, &hi);
		if (k > 1)
			cstat__os_put(p, " L", 2);
		fpt(d, last + (double)k, ypos(a, hi));
	}
	for (size_t k = ahead; k >= 1; k--) {
		cstat_forecast_predict(f, (double)k, &mid, &lo, &hi);
		cstat__os_put(p, " L", 2);
		fpt(d, last + (double)k, ypos(a, lo));
	}
	cstat__os_adds(p, " Z\"/><path class=\"fc\" d=\"M");
	fpt(d, last, ypos(a, f->current));
	for (size_t k = 1; k <= ahead; k++) {
		cstat_forecast_predict(f, (double)k, &mid, &lo, &hi);
		cstat__os_put(p, " L", 2);
		fpt(d, last + (double)k, ypos(a, mid));
	}
	cstat__os_adds(p, "\"/></g>");
}

static void
chart(struct dash *d, size_t i, size_t r)
{
	const struct cstat__history *h = d->h;
	const struct cstat__table *tb = &d->t->tables[i];
	struct cstat__ostream *p = &d->p;
	size_t s = h->srow[i] + r, nch = h->chstart[s + 1] - h->chstart[s];
	struct cstat__scaler sc;
	struct yaxis a;

	row_scaler(d, i, r, &sc);
	yaxis_of(d, i, r, &a);
	cstat__os_printf(p, "<figure class=\"chart\" id=\"s%zu\"><figcaption>",
			 s + 1);
	cstat__html_name(p, cstat__tstr(d->t, tb->row_labels[r]));
	if (nch)
		cstat__os_printf(
			p, "<span class=\"chg\">%zu change point%s</span>", nch,
			nch == 1 ? "" : "s");
	if (trend_of(d, i, r)) {
		char words[512];
		cstat__forecast_words(trend_of(d, i, r), words, sizeof(words));
		cstat__os_adds(p, "<span class=\"fct\">");
		cstat__html_text(p, words);
		cstat__os_adds(p, "</span>");
	}
	cstat__os_printf(p,
			 "</figcaption>\n<svg class=\"chart\" role=\"img\" "
			 "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">",
			 CW, CH, CW, CH);
	chart_title(d, i, r, &sc);
	if (a.any) {
		y_ticks(p, &a);
		band(d, i, r, &a);
	}
	cstat__os_printf(p, "<path class=\"ax\" d=\"M%d %dV%dH%d\"/>", X0, Y0,
			 Y1, X1);
	x_ticks(d);
	text_at(p, 4, CH - 6, "start", cstat__tstr(d->t, tb->unit));
	text_at(p, X1, CH - 6, "end", "run");
	if (a.any) {
		levels(d, i, r, &a);
		forecast_marks(d, i, r, &a);
		median_line(d, i, r, &a);
		change_marks(d, i, r);
		dots(d, i, r, &a, &sc);
	}
	cstat__os_adds(p, "</svg>\n</figure>\n");
}

/* ------------------------------------------------------------------------
 * The page.
 */

static void
page_head(struct dash *d, const char *name)
{
	cstat__html_begin(&d->p);
	cstat__os_adds(&d->p, "<title>");
	if (name) {
		cstat__html_text(&d->p, name);
		cstat__os_adds(&d->p, " \xe2\x80\x94 ");
	}
	cstat__os_adds(&d->p, "cstat benchmark history</title>\n");
	cstat__html_body(&d->p, d->h->fc ? forecast_css : dashboard_css);
	cstat__os_adds(&d->p, "<h1>Benchmark history");
	if (name) {
		cstat__os_adds(&d->p, ": ");
		cstat__html_text(&d->p, name);
	}
	cstat__os_adds(&d->p, "</h1>\n");
}

static void
summary(struct dash *d)
{
	const struct cstat__history *h = d->h;
	const char *from = cstat__history_meta(h, 1, "created");
	const char *to = cstat__history_meta(h, h->nruns, "created");

	cstat__os_printf(&d->p, "<p class=\"summary\">%zu run%s", h->nruns,
			 h->nruns == 1 ? "" : "s");
	if (from && to) {
		cstat__os_adds(&d->p, ", ");
		cstat__html_text(&d->p, from);
		cstat__os_adds(&d->p, " to ");
		cstat__html_text(&d->p, to);
	}
	cstat__os_printf(&d->p, "; %zu series; %zu change point%s.</p>\n",
			 h->nseries, h->nch, h->nch == 1 ? "" : "s");
}

static void
legend(struct dash *d)
{
	cstat__os_adds(&d->p,
		       "<p class=\"legend\">Each chart follows one benchmark "
		       "in one unit across the runs of the history, oldest "
		       "left. The line joins the runs\xe2\x80\x99 medians, "
		       "and the band is each median\xe2\x80\x99s ");
	cstat__os_go_float(&d->p, d->t->confidence * 100);
	cstat__os_adds(
		&d->p,
		"% confidence interval (cut off at the chart\xe2\x80\x99s "
		"edge when unbounded). A dashed line marks a change point, "
		"where the level of the medians shifted, labelled with the "
		"relative change of the median: <span class=\"better\">green "
		"when better</span> and <span class=\"worse\">red when "
		"worse</span> for the unit. The y-axis spans at least 10% of "
		"the largest median, so a 1% move takes at most a tenth of "
		"its height. Hover over a point or a label for the "
		"run\xe2\x80\x99s commit, time and numbers; series whose "
		"median never moved are listed, not charted, under "
		"Unchanged series.</p>\n");
	if (d->h->fc && d->h->ahead)
		cstat__os_printf(
			&d->p,
			"<p class=\"legend\">Where a series has a significant "
			"trend since its last change point, a dashed line "
			"continues it at the current rate over the next %zu "
			"runs, in a dashed band: the prediction interval of "
			"each run (cbaseline forecast).</p>\n",
			d->h->ahead);
}

/* One row of the table of change points. */
static void
change_row(struct dash *d, const struct cstat_change *c)
{
	const struct cstat__table *tb = &d->t->tables[c->table];
	struct cstat__ostream *p = &d->p;
	const char *dir = direction(tb, c->change);
	const char *commit = cstat__history_meta(d->h, c->run, "commit");
	const char *created = cstat__history_meta(d->h, c->run, "created");
	char num[CSTAT__SCALE_SIZE];

	cstat__os_printf(p, "<tr><th scope=\"row\"><a href=\"#s%zu\">",
			 d->h->srow[c->table] + c->row + 1);
	cstat__html_name(p, cstat__tstr(d->t, tb->row_labels[c->row]));
	cstat__os_adds(p, "</a>");
	cstat__html_table_key(p, d->t, tb, d->common);
	cstat__os_adds(p, "</th><td class=\"txt\">");
	cstat__html_text(p, cstat__tstr(d->t, tb->unit));
	cstat__os_printf(p, "</td><td>%zu</td><td class=\"txt\">", c->run);
	if (commit)
		commit_link(d, commit);
	cstat__os_adds(p, "</td><td class=\"txt\">");
	if (created)
		cstat__html_text(p, created);
	cstat__os_adds(p, "</td><td>");
	value_text(d, c->table, c->before);
	cstat__os_adds(p, "</td><td>");
	value_text(d, c->table, c->after);
	pct1(c->change, num, sizeof(num));
	if (dir) {
		cstat__os_printf(p,
				 "</td><td class=\"delta %s\" title=\"%s: %s "
				 "is better for ",
				 dir, dir,
				 tb->higher_better ? "higher" : "lower");
		cstat__html_text(p, cstat__tstr(d->t, tb->unit));
		cstat__os_adds(p, "\"><span aria-hidden=\"true\">");
		cstat__os_adds(p, c->change > 0 ? "\xe2\x96\xb2 "
						: "\xe2\x96\xbc ");
		cstat__os_adds(p, "</span>");
		cstat__html_text(p, num);
		cstat__os_printf(p, "<span class=\"sr\"> (%s)</span>", dir);
	} else {
		cstat__os_adds(p, "</td><td class=\"delta\">");
		cstat__html_text(p, num);
	}
	pvalue(c->p, num, sizeof(num));
	cstat__os_adds(p, "</td><td>");
	cstat__html_text(p, num);
	cstat__os_adds(p, "</td></tr>\n");
}

static void
change_table(struct dash *d)
{
	cstat__os_adds(&d->p, "<section aria-labelledby=\"changes\">\n<h2 "
			      "id=\"changes\">Change points</h2>\n");
	if (d->h->nch == 0) {
		cstat__os_adds(&d->p, "<p>No change points.</p>\n</section>\n");
		return;
	}
	cstat__os_adds(
		&d->p,
		"<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
		"aria-labelledby=\"changes\">\n<table class=\"changes\" "
		"aria-labelledby=\"changes\">\n<thead><tr>"
		"<th scope=\"col\">benchmark</th><th scope=\"col\">unit</th>"
		"<th scope=\"col\">run</th><th scope=\"col\">commit</th>"
		"<th scope=\"col\">created</th><th scope=\"col\">before</th>"
		"<th scope=\"col\">after</th><th scope=\"col\">change</th>"
		"<th scope=\"col\">p</th></tr></thead>\n<tbody>\n");
	for (size_t k = 0; k < d->h->nch && !d->p.err; k++)
		change_row(d, &d->h->ch[k]);
	cstat__os_adds(&d->p, "</tbody>\n</table>\n</div>\n</section>\n");
}

/*
 * Whether row r of table i is flat: no change point and the same median
 * in each of its two or more runs with results (B/op and allocs/op that
 * never move).  Flat rows are listed in one table, not charted.
 */
static bool
flat(const struct dash *d, size_t i, size_t r, size_t *nruns, double *v)
{
	const struct cstat__history *h = d->h;
	size_t s = h->srow[i] + r, m = 0;

	if (h->chstart[s] != h->chstart[s + 1])
		return false;
	for (size_t c = 0; c < d->t->tables[i].ncols; c++) {
		const struct cstat__cell *ce = cstat__history_cell(h, i, r, c);
		if (!ce->present)
			continue;
		if (!isfinite(ce->center) || (m && ce->center != *v))
			return false;
		*v = ce->center;
		m++;
	}
	*nruns = m;
	return m >= 2;
}

/* A table of the history: its heading and a chart per benchmark that is
 * not flat; nothing when all are. */
static void
table_charts(struct dash *d, size_t i)
{
	const struct cstat__table *tb = &d->t->tables[i];
	bool head = false;
	size_t m;
	double v;

	for (size_t r = 0; r < tb->nrows && !d->p.err; r++) {
		if (flat(d, i, r, &m, &v))
			continue;
		if (!head) {
			cstat__os_printf(&d->p,
					 "<section aria-labelledby=\"t%zu\">\n"
					 "<h2 id=\"t%zu\">",
					 i + 1, i + 1);
			cstat__html_text(&d->p, cstat__tstr(d->t, tb->unit));
			cstat__html_table_key(&d->p, d->t, tb, d->common);
			cstat__os_adds(&d->p,
				       "</h2>\n<div class=\"charts\">\n");
			head = true;
		}
		chart(d, i, r);
	}
	if (head)
		cstat__os_adds(&d->p, "</div>\n</section>\n");
}

/* One row of the table of flat series. */
static void
flat_row(struct dash *d, size_t i, size_t r, size_t m, double v)
{
	const struct cstat__table *tb = &d->t->tables[i];
	struct cstat__ostream *p = &d->p;
	char num[CSTAT__SCALE_SIZE];

	cstat__os_printf(p, "<tr id=\"s%zu\"><th scope=\"row\">",
			 d->h->srow[i] + r + 1);
	cstat__html_name(p, cstat__tstr(d->t, tb->row_labels[r]));
	cstat__html_table_key(p, d->t, tb, d->common);
	cstat__os_adds(p, "</th><td class=\"txt\">");
	cstat__html_text(p, cstat__tstr(d->t, tb->unit));
	cstat__os_adds(p, "</td><td>");
	if (v == 0)
		snprintf(num, sizeof(num), "0");
	else
		cstat__scale_format(
			v, cstat__unit_scaling(cstat__tstr(d->t, tb->unit)),
			num, sizeof(num));
	cstat__html_text(p, num);
	cstat__os_printf(p, "</td><td>%zu</td></tr>\n", m);
}

/*
 * The flat series, folded into one table under a <details> (closed: it
 * opens without script), after the charts.
 */
static void
flat_section(struct dash *d)
{
	const struct cstat_tables *t = d->t;
	size_t nflat = 0, m;
	double v;

	for (size_t i = 0; i < t->ntables; i++)
		for (size_t r = 0; r < t->tables[i].nrows; r++)
			nflat += flat(d, i, r, &m, &v);
	if (!nflat)
		return;
	cstat__os_printf(&d->p,
			 "<section aria-labelledby=\"flat\">\n<h2 "
			 "id=\"flat\">Unchanged series</h2>\n<details "
			 "class=\"flat\"><summary>%zu series with the same "
			 "median in every run, not charted</summary>\n",
			 nflat);
	cstat__os_adds(
		&d->p,
		"<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
		"aria-labelledby=\"flat\">\n<table class=\"flat\" "
		"aria-labelledby=\"flat\">\n<thead><tr><th "
		"scope=\"col\">benchmark</th><th scope=\"col\">unit</th><th "
		"scope=\"col\">median</th><th scope=\"col\">runs</th></tr>"
		"</thead>\n<tbody>\n");
	for (size_t i = 0; i < t->ntables && !d->p.err; i++)
		for (size_t r = 0; r < t->tables[i].nrows; r++)
			if (flat(d, i, r, &m, &v))
				flat_row(d, i, r, m, v);
	cstat__os_adds(&d->p, "</tbody>\n</table>\n</div>\n</details>\n"
			      "</section>\n");
}

int
cstat__history_html(const struct cstat__history *h, const char *repo, FILE *out)
{
	const struct cstat_tables *t = h->t;
	struct dash d = {.h = h, .t = t, .repo = repo};
	bool *common;
	size_t maxcols = 0;
	int rc = cstat__html_common_keys(t, &common);

	if (rc)
		return rc;
	cstat__os_file(&d.p, out);
	cstat__os_memory(&d.runs);
	for (size_t i = 0; i < t->ntables; i++)
		if (t->tables[i].ncols > maxcols)
			maxcols = t->tables[i].ncols;
	d.common = common;
	d.scratch = malloc((maxcols + 1) * sizeof(*d.scratch));
	rc = d.scratch ? run_texts(&d) : CSTAT_ENOMEM;
	if (rc)
		goto out_free;
	page_head(&d,
		  h->nruns ? cstat__history_meta(h, h->nruns, "name") : NULL);
	summary(&d);
	if (t->ntables > 0) {
		cstat__html_config(&d.p, t, common);
		legend(&d);
		change_table(&d);
	} else {
		cstat__os_adds(&d.p, "<p>No benchmark results.</p>\n");
	}
	for (size_t i = 0; i < t->ntables && !d.p.err; i++)
		table_charts(&d, i);
	flat_section(&d);
	rc = cstat__html_end(&d.p);
out_free:
	cstat__os_release(&d.runs);
	free(d.off);
	free(d.ytext);
	free(d.scratch);
	free(common);
	return rc;
}
