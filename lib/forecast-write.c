/*
 * forecast-write.c - the report of cbaseline forecast: text, Markdown,
 * JSON (schema cstat-forecast/1), CSV and the dashboard page with each
 * significant trend drawn ahead (history-html.c), picked from one table
 * by format and written through the one output stream (ostream.c).
 *
 * Every format says the same things of each series: its runs since the
 * last change point, the trend per run and its interval, Mann-Kendall's
 * p, the next run's prediction interval, and in words what it means:
 * "grows 0.41% a run (worse); crosses +5% in about 11 runs (7 to 21)".
 * Numbers are formatted without the host's locale (cstat__fmt_c()).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cstat-private.h"
#include "history.h"
#include "numfmt.h"
#include "ostream.h"
#include "store.h"

/* What the writers share. */
struct fctx {
	cstat_run *const *runs;
	size_t n;
	const cstat_tables *t;
	const struct cstat_change *ch;
	size_t nch;
	const struct cstat_forecast *fc;
	size_t nfc;
	const char *name, *repo;
	size_t ntrend, nshort; /* series with a trend, with too few runs */
};

/* ------------------------------------------------------------------------
 * Words and numbers.
 */

/* A fraction as a signed percentage, "+0.41%": two decimals, or two
 * significant digits below 0.1%; "?" when not finite. */
static void
pct(double v, char *buf, size_t size)
{
	char num[64];

	if (!isfinite(v)) {
		cstat__strlcpy(buf, "?", size);
		return;
	}
	cstat__fmt_c(num, sizeof(num) - 1, fabs(v) < 0.001 ? "%+.2g" : "%+.2f",
		     v * 100);
	size_t k = strlen(num);
	num[k] = '%';
	num[k + 1] = '\0';
	cstat__strlcpy(buf, num, size);
}

/* A p-value with two significant digits. */
static void
pval(double p, char *buf, size_t size)
{
	cstat__fmt_c(buf, size, "%.2g", p);
}

/* Whole runs to a crossing: the first run past it. */
static double
whole_runs(double r)
{
	return r < 1 ? 1 : ceil(r);
}

/* The runs to the crossing and their interval: "about 11 runs (7 to 21)". */
static void
crossing_runs(const struct cstat_forecast *f, char *buf, size_t size)
{
	double a = whole_runs(f->cross), lo = whole_runs(f->cross_lo);

	if (!isfinite(f->cross_hi))
		snprintf(buf, size, "about %.0f run%s (%.0f or more)", a,
			 a == 1 ? "" : "s", lo);
	else if (lo == whole_runs(f->cross_hi))
		snprintf(buf, size, "about %.0f run%s", a, a == 1 ? "" : "s");
	else
		snprintf(buf, size, "about %.0f run%s (%.0f to %.0f)", a,
			 a == 1 ? "" : "s", lo, whole_runs(f->cross_hi));
}

/* The forecast in words. */
static void
verdict(const struct cstat_forecast *f, char *buf, size_t size)
{
	char rate[64], thr[64], when[128];

	if (f->status == CSTAT_FORECAST_SHORT) {
		if (!f->nruns)
			snprintf(buf, size, "no runs with a value above 0");
		else if (f->change_run)
			snprintf(buf, size,
				 "too few runs since the change at run %zu "
				 "(%zu)",
				 f->change_run, f->nruns);
		else
			snprintf(buf, size, "too few runs (%zu)", f->nruns);
		return;
	}
	if (f->status == CSTAT_FORECAST_NONE) {
		snprintf(buf, size, "no significant trend");
		return;
	}
	pct(fabs(f->rate), rate, sizeof(rate));
	/* The threshold as the gate's rules write it: "+5%". */
	cstat__fmt_c(thr, sizeof(thr) - 1, "%+.4g",
		     (f->slope > 0 ? 100 : -100) * f->threshold);
	strcat(thr, "%");
	const char *dir = f->worse ? "worse" : "better";
	const char *verb = f->slope > 0 ? "grows" : "falls";
	if (isinf(f->cross)) {
		snprintf(buf, size, "%s %s a run (%s); cannot reach %s", verb,
			 rate + 1, dir, thr);
	} else if (f->cross == 0) {
		char drift[64];
		pct(f->drift, drift, sizeof(drift));
		snprintf(buf, size, "%s %s a run (%s); past %s already (%s)",
			 verb, rate + 1, dir, thr, drift);
	} else {
		crossing_runs(f, when, sizeof(when));
		snprintf(buf, size, "%s %s a run (%s); crosses %s in %s", verb,
			 rate + 1, dir, thr, when);
	}
}

enum { F_BENCH, F_UNIT, F_RUNS, F_TREND, F_P, F_NEXT, F_SAYS, NFIELDS };

static const char *const heads[NFIELDS] = {"benchmark",	  "unit", "runs",
					   "trend a run", "p",	  "next run",
					   "forecast"};
static const bool right[NFIELDS] = {false, false, true, false,
				    true,  false, false};

/* Field k of forecast f into buf. */
static void
field(const struct fctx *x, const struct cstat_forecast *f, int k, char *buf,
      size_t size)
{
	const char *unit = cstat_table_unit(x->t, f->table);
	char a[64], b[64], c[64];

	buf[0] = '\0';
	if (k == F_BENCH)
		cstat__history_bench_label(x->t, f->table, f->row, buf, size);
	else if (k == F_UNIT)
		snprintf(buf, size, "%s", unit);
	else if (k == F_RUNS && f->nruns)
		snprintf(buf, size, "%zu-%zu (%zu)", f->first_run, f->last_run,
			 f->nruns);
	else if (k == F_SAYS)
		verdict(f, buf, size);
	if (f->status == CSTAT_FORECAST_SHORT)
		return;
	if (k == F_TREND) {
		pct(f->rate, a, sizeof(a));
		pct(f->rate_lo, b, sizeof(b));
		pct(f->rate_hi, c, sizeof(c));
		snprintf(buf, size, "%s [%s, %s]", a, b, c);
	} else if (k == F_P) {
		pval(f->p, buf, size);
	} else if (k == F_NEXT) {
		cstat_format_value(f->next, unit, a, sizeof(a));
		cstat_format_value(f->next_lo, unit, b, sizeof(b));
		cstat_format_value(f->next_hi, unit, c, sizeof(c));
		snprintf(buf, size, "%s [%s, %s]", a, b, c);
	}
}

/* The level and settings line every report opens with. */
static void
intro(const struct fctx *x, struct cstat__ostream *o, bool md)
{
	double level = x->nfc ? x->fc[0].level : 0.99;
	double plevel = x->nfc ? x->fc[0].plevel : 0.95;
	char l[CSTAT__FMT_C_SIZE], pl[CSTAT__FMT_C_SIZE], a[CSTAT__FMT_C_SIZE];

	cstat__fmt_c(l, sizeof(l), "%g", level * 100);
	cstat__fmt_c(a, sizeof(a), "%.3g", (1 - level) * 100);
	cstat__fmt_c(pl, sizeof(pl), "%g", plevel * 100);
	cstat__os_adds(o, md ? "### Forecasts of history "
			     : "forecasts of "
			       "history ");
	cstat__os_adds(o, x->name);
	cstat__os_printf(o,
			 ": %zu series over %zu run%s; %zu with a "
			 "significant trend, %zu with too few runs\n",
			 x->nfc, x->n, x->n == 1 ? "" : "s", x->ntrend,
			 x->nshort);
	cstat__os_printf(o,
			 "%strend: Theil-Sen slope of the log run medians "
			 "since each series' last change point, with its %s%% "
			 "interval (significant when it excludes 0: "
			 "Mann-Kendall at the %s%% level); next run: its %s%% "
			 "prediction interval; crossing: the gate's threshold, "
			 "from the level at the change point, at the current "
			 "rate\n",
			 md ? "\n" : "", l, a, pl);
}

void
cstat__forecast_words(const struct cstat_forecast *f, char *buf, size_t size)
{
	verdict(f, buf, size);
}

/* ------------------------------------------------------------------------
 * Text and Markdown.
 */

/* Adds s padded to w columns (left-aligned, or right for numbers). */
static void
pad(struct cstat__ostream *o, const char *s, size_t w, bool r, bool last)
{
	size_t n = cstat__text_width(s);

	if (r)
		cstat__os_fill(o, ' ', w > n ? w - n : 0);
	cstat__os_adds(o, s);
	if (!r && !last)
		cstat__os_fill(o, ' ', w > n ? w - n : 0);
	cstat__os_adds(o, last ? "\n" : "  ");
}

static int
write_text(const struct fctx *x, struct cstat__ostream *o)
{
	size_t w[NFIELDS];
	char buf[1024];

	intro(x, o, false);
	for (int k = 0; k < NFIELDS; k++)
		w[k] = cstat__text_width(heads[k]);
	for (size_t s = 0; s < x->nfc; s++)
		for (int k = 0; k < NFIELDS; k++) {
			field(x, &x->fc[s], k, buf, sizeof(buf));
			if (cstat__text_width(buf) > w[k])
				w[k] = cstat__text_width(buf);
		}
	if (!x->nfc)
		return 0;
	cstat__os_addc(o, '\n');
	for (int k = 0; k < NFIELDS; k++)
		pad(o, heads[k], w[k], right[k], k == NFIELDS - 1);
	for (size_t s = 0; s < x->nfc; s++)
		for (int k = 0; k < NFIELDS; k++) {
			field(x, &x->fc[s], k, buf, sizeof(buf));
			pad(o, buf, w[k], right[k], k == NFIELDS - 1);
		}
	return 0;
}

/* " s |": one escaped cell of a Markdown table row. */
static void
md_cell(struct cstat__ostream *o, const char *s)
{
	cstat__os_addc(o, ' ');
	for (; *s; s++) {
		const char *e = cstat__md_escape(*s);
		if (e)
			cstat__os_adds(o, e);
		else
			cstat__os_addc(o, *s);
	}
	cstat__os_adds(o, " |");
}

static int
write_markdown(const struct fctx *x, struct cstat__ostream *o)
{
	char buf[1024];

	intro(x, o, true);
	if (!x->nfc)
		return 0;
	cstat__os_adds(o, "\n|");
	for (int k = 0; k < NFIELDS; k++)
		md_cell(o, heads[k]);
	cstat__os_adds(o, "\n|");
	for (int k = 0; k < NFIELDS; k++)
		cstat__os_adds(o, right[k] ? " ---: |" : " :--- |");
	cstat__os_addc(o, '\n');
	for (size_t s = 0; s < x->nfc; s++) {
		cstat__os_addc(o, '|');
		for (int k = 0; k < NFIELDS; k++) {
			field(x, &x->fc[s], k, buf, sizeof(buf));
			md_cell(o, buf);
		}
		cstat__os_addc(o, '\n');
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * JSON and CSV.
 */

static const char *const status_names[] = {"short", "none", "trend"};

/* The predictions of f for 1..ahead runs as a JSON array. */
static cJSON *
json_ahead(const struct cstat_forecast *f)
{
	cJSON *a = cJSON_CreateArray();
	bool ok = a != NULL;

	for (size_t h = 1;
	     ok && f->status != CSTAT_FORECAST_SHORT && h <= f->ahead; h++) {
		double mid, lo, hi;
		cJSON *p = cJSON_CreateObject();
		cstat_forecast_predict(f, (double)h, &mid, &lo, &hi);
		ok = cstat__json_add(a, NULL, p) &&
		     cstat__json_add_count(p, "run", f->last_run + h) &&
		     cstat__json_add_num(p, "mid", mid) &&
		     cstat__json_add_num(p, "lo", lo) &&
		     cstat__json_add_num(p, "hi", hi);
	}
	if (!ok) {
		cJSON_Delete(a);
		return NULL;
	}
	return a;
}

static bool
json_numbers(cJSON *o, const struct cstat_forecast *f)
{
	const struct {
		const char *key;
		double v;
	} nums[] = {
		{"rate", f->rate},
		{"rate_lo", f->rate_lo},
		{"rate_hi", f->rate_hi},
		{"slope", f->slope},
		{"slope_lo", f->slope_lo},
		{"slope_hi", f->slope_hi},
		{"intercept", f->intercept},
		{"kendall_s", f->kendall_s},
		{"p", f->p},
		{"sigma", f->sigma},
		{"reference", f->reference},
		{"current", f->current},
		{"drift", f->drift},
		{"threshold", f->threshold},
		{"cross", f->cross},
		{"cross_lo", f->cross_lo},
		{"cross_hi", f->cross_hi},
		{"next", f->next},
		{"next_lo", f->next_lo},
		{"next_hi", f->next_hi},
	};
	bool ok = true;

	for (size_t k = 0; ok && k < sizeof(nums) / sizeof(nums[0]); k++)
		ok = cstat__json_add_num(o, nums[k].key, nums[k].v);
	return ok;
}

static cJSON *
json_series(const struct fctx *x, const struct cstat_forecast *f)
{
	cJSON *o = cJSON_CreateObject();
	char says[1024];

	verdict(f, says, sizeof(says));
	bool ok = o &&
		  cstat__json_add_str(
			  o, "benchmark",
			  cstat_table_row_label(x->t, f->table, f->row)) &&
		  cstat__json_add_str(o, "unit",
				      cstat_table_unit(x->t, f->table)) &&
		  cstat__json_add_str(o, "status", status_names[f->status]) &&
		  cstat__json_add_count(o, "change_run", f->change_run) &&
		  cstat__json_add_count(o, "explained", f->explained) &&
		  cstat__json_add_count(o, "first_run", f->first_run) &&
		  cstat__json_add_count(o, "last_run", f->last_run) &&
		  cstat__json_add_count(o, "runs", f->nruns) &&
		  json_numbers(o, f) &&
		  cstat__json_add_str(o, "rule", f->rule) &&
		  cstat__json_add(o, "higher_better",
				  cJSON_CreateBool(f->higher_better)) &&
		  cstat__json_add(o, "worse", cJSON_CreateBool(f->worse)) &&
		  cstat__json_add_str(o, "forecast", says) &&
		  cstat__json_add(o, "ahead", json_ahead(f));
	for (size_t k = 0; ok; k++) {
		const char *kn, *kv;
		if (cstat_table_key(x->t, f->table, k, &kn, &kv))
			break;
		if (k == 0)
			ok = cstat__json_add(o, "config", cJSON_CreateObject());
		size_t vl;
		const char *v = cstat__trim(kv, &vl);
		char *c = ok ? strndup(v, vl) : NULL;
		ok = c && cstat__json_add_str(cJSON_GetObjectItem(o, "config"),
					      kn, c);
		free(c);
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int
write_json(const struct fctx *x, struct cstat__ostream *o)
{
	cJSON *root = cJSON_CreateObject(), *a = cJSON_CreateArray();
	bool ok = root &&
		  cstat__json_add_str(root, "schema", "cstat-forecast/1") &&
		  cstat__json_add_str(root, "history", x->name) &&
		  cstat__json_add_count(root, "runs", x->n) &&
		  cstat__json_add_num(root, "level",
				      x->nfc ? x->fc[0].level : NAN) &&
		  cstat__json_add_num(root, "plevel",
				      x->nfc ? x->fc[0].plevel : NAN) &&
		  cstat__json_add_str(root, "estimator",
				      "theil-sen on log run medians since "
				      "the last change point") &&
		  cstat__json_add_str(root, "significance",
				      "sen interval excludes 0 "
				      "(mann-kendall)") &&
		  cstat__json_add(root, "series", a);

	for (size_t s = 0; ok && s < x->nfc; s++)
		ok = cstat__json_add(a, NULL, json_series(x, &x->fc[s]));
	char *text = ok ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	if (!text)
		return CSTAT_ENOMEM;
	cstat__os_adds(o, text);
	cstat__os_addc(o, '\n');
	cJSON_free(text);
	return 0;
}

/* Adds v as a CSV field: Go's shortest text, empty when not finite. */
static void
csv_num(struct cstat__ostream *o, double v)
{
	cstat__os_addc(o, ',');
	if (isfinite(v))
		cstat__os_go_float(o, v);
}

static int
write_csv(const struct fctx *x, struct cstat__ostream *o)
{
	char label[1024], says[1024];

	cstat__os_adds(o, "benchmark,unit,status,change_run,first_run,"
			  "last_run,runs,rate,rate_lo,rate_hi,p,reference,"
			  "current,threshold,worse,cross,cross_lo,cross_hi,"
			  "next,next_lo,next_hi,forecast\r\n");
	for (size_t s = 0; s < x->nfc; s++) {
		const struct cstat_forecast *f = &x->fc[s];
		cstat__history_bench_label(x->t, f->table, f->row, label,
					   sizeof(label));
		verdict(f, says, sizeof(says));
		cstat__os_csv(o, label, CSTAT__CSV_RFC4180, true);
		cstat__os_addc(o, ',');
		cstat__os_csv(o, cstat_table_unit(x->t, f->table),
			      CSTAT__CSV_RFC4180, true);
		cstat__os_printf(o, ",%s,%zu,%zu,%zu,%zu",
				 status_names[f->status], f->change_run,
				 f->first_run, f->last_run, f->nruns);
		csv_num(o, f->rate);
		csv_num(o, f->rate_lo);
		csv_num(o, f->rate_hi);
		csv_num(o, f->p);
		csv_num(o, f->reference);
		csv_num(o, f->current);
		csv_num(o, f->threshold);
		cstat__os_adds(o, f->worse ? ",true" : ",false");
		csv_num(o, f->cross);
		csv_num(o, f->cross_lo);
		csv_num(o, f->cross_hi);
		csv_num(o, f->next);
		csv_num(o, f->next_lo);
		csv_num(o, f->next_hi);
		cstat__os_addc(o, ',');
		cstat__os_csv(o, says, CSTAT__CSV_RFC4180, false);
		cstat__os_adds(o, "\r\n");
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * The dashboard.
 */

/* The dashboard (history-html.c) with series s's forecast fc[s]. */
static int
write_html(const struct fctx *x, struct cstat__ostream *o)
{
	const struct cstat_forecast **by = NULL;
	struct cstat__history h;
	size_t ahead = 0;
	int rc = cstat__history_init(&h, x->t);

	if (rc)
		return rc;
	h.runs = x->runs;
	h.nruns = x->n;
	if (h.maxrun > x->n)
		rc = CSTAT_EINVAL; /* a column of a run we were not given */
	if (!rc)
		rc = cstat__history_set_changes(&h, x->ch, x->nch);
	if (!rc && !(by = calloc(h.nseries + 1, sizeof(*by))))
		rc = CSTAT_ENOMEM;
	for (size_t k = 0; !rc && k < x->nfc; k++) {
		const struct cstat_forecast *f = &x->fc[k];
		by[h.srow[f->table] + f->row] = f;
		if (f->status == CSTAT_FORECAST_TREND && f->ahead > ahead)
			ahead = f->ahead;
	}
	h.fc = by;
	h.ahead = ahead;
	/* The page goes straight to the file: nothing is buffered here. */
	if (!rc)
		rc = cstat__history_html(&h, x->repo, o->file);
	free(by);
	cstat__history_release(&h);
	return rc;
}

/* ------------------------------------------------------------------------
 * The formats.
 */

static int (*const forecast_formats[])(const struct fctx *x,
				       struct cstat__ostream *o) = {
	[CSTAT_FORMAT_TEXT] = write_text,
	[CSTAT_FORMAT_CSV] = write_csv,
	[CSTAT_FORMAT_HTML] = write_html,
	[CSTAT_FORMAT_MARKDOWN] = write_markdown,
	[CSTAT_FORMAT_JSON] = write_json,
};

/* Whether every forecast names a series of t. */
static bool
forecasts_ok(const cstat_tables *t, const struct cstat_forecast *fc, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (fc[k].table >= cstat_tables_count(t) ||
		    fc[k].row >= cstat_table_rows(t, fc[k].table) ||
		    fc[k].status < 0 || fc[k].status > CSTAT_FORECAST_TREND)
			return false;
	return true;
}

int
cstat_forecast_write(cstat_run *const *runs, size_t n, const cstat_tables *t,
		     const struct cstat_change *ch, size_t nch,
		     const struct cstat_forecast *fc, size_t nfc,
		     const char *name, const char *repo_url,
		     enum cstat_format fmt, FILE *out)
{
	struct fctx x = {runs,	   n,  t,   ch,
			 nch,	   fc, nfc, name ? name : "history",
			 repo_url, 0,  0};
	struct cstat__ostream o;

	if (!cstat__runs_ok(runs, n) || !n || !t || (nch && !ch) ||
	    (nfc && !fc) || !out || !forecasts_ok(t, fc, nfc))
		return CSTAT_EINVAL;
	if ((unsigned)fmt >=
		    sizeof forecast_formats / sizeof forecast_formats[0] ||
	    !forecast_formats[fmt])
		return CSTAT_EINVAL;
	if (fmt == CSTAT_FORMAT_HTML && repo_url &&
	    !cstat__repo_url_ok(repo_url))
		return CSTAT_EINVAL;
	for (size_t k = 0; k < nfc; k++) {
		x.ntrend += fc[k].status == CSTAT_FORECAST_TREND;
		x.nshort += fc[k].status == CSTAT_FORECAST_SHORT;
	}
	cstat__os_file(&o, out);
	int rc = forecast_formats[fmt](&x, &o);
	int err = cstat__os_close(&o);
	if (!err && ferror(out))
		err = CSTAT_EIO;
	return rc ? rc : err;
}
