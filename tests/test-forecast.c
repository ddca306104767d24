/*
 * test-forecast.c - forecasts (lib/forecast.c, forecast-write.c): known
 * slopes on exact synthetic series (every pair's slope is the rate, so
 * the interval is a point and the crossing is arithmetic done by hand
 * below), the prediction of an exact series, no forecast without a
 * significant trend or with too few runs, a change point resetting the
 * trend in a history, the gate's threshold rules, and the five formats.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "cstat.h"
#include "testutil.h"

/* y[k] = base * (1 + rate)^(k + 1), k < n: an exact trend. */
static void
exact(double *y, size_t n, double base, double rate)
{
	for (size_t k = 0; k < n; k++)
		y[k] = base * pow(1 + rate, (double)(k + 1));
}

/*
 * 100 * 1.004^run over runs 1..10: the rate is 0.4% a run exactly, its
 * interval a point, the residuals 0.  The reference is the line at run
 * 1, 100.4; +5% is reached ln 1.05 / ln 1.004 = 12.2219 runs after run 1
 * (0.0487902 / 0.00399202, by hand), so 3.2219 runs after run 10.
 */
static void
test_fit_exact_growth(void **state)
{
	double y[10];
	struct cstat_forecast f;

	(void)state;
	exact(y, 10, 100, 0.004);
	assert_int_equal(cstat_forecast_fit(NULL, y, 10, 0.05, false, NULL, &f),
			 0);
	assert_int_equal(f.status, CSTAT_FORECAST_TREND);
	assert_int_equal(f.nruns, 10);
	assert_int_equal(f.first_run, 1);
	assert_int_equal(f.last_run, 10);
	assert_close(f.rate, 0.004, 1e-9);
	assert_close(f.rate_lo, 0.004, 1e-9);
	assert_close(f.rate_hi, 0.004, 1e-9);
	assert_close(f.reference, 100.4, 1e-9);
	assert_close(f.current, y[9], 1e-9);
	assert_true(f.sigma < 1e-12);
	assert_true(f.worse); /* sec/op-like: higher is worse */
	assert_close(f.cross, 3.2219, 1e-4);
	assert_close(f.cross_lo, f.cross, 1e-9);
	assert_close(f.cross_hi, f.cross, 1e-9);
	/* S = 45 pairs all concordant: z = 44 / sqrt(10*9*25/18) = 3.935. */
	assert_close(f.kendall_s, 45, 0);
	assert_true(f.p < 1e-4 && f.p > 5e-5);
	assert_close(f.next, 100 * pow(1.004, 11), 1e-9);
}

/*
 * Throughput falling 0.5% a run over runs 1..12, higher is better: worse;
 * -5% is reached ln 0.95 / ln 0.995 = 10.2333 runs after run 1
 * (-0.0512933 / -0.00501254), so 0 runs from run 12: already past.
 */
static void
test_fit_exact_fall_past(void **state)
{
	double y[12];
	struct cstat_forecast f;

	(void)state;
	exact(y, 12, 1e9, -0.005);
	assert_int_equal(cstat_forecast_fit(NULL, y, 12, 0.05, true, NULL, &f),
			 0);
	assert_int_equal(f.status, CSTAT_FORECAST_TREND);
	assert_close(f.rate, -0.005, 1e-9);
	assert_true(f.worse);
	assert_close(f.cross, 0, 0);
	assert_close(f.drift, pow(0.995, 11) - 1, 1e-9);
}

/* The run numbers given: runs 2, 4, ... 20 of a series growing 1% a run
 * cross +5% ln 1.05 / ln 1.01 = 4.9033 runs after run 2 (by hand), which
 * is already behind run 20.  With a threshold of 30%: ln 1.3 / ln 1.01 =
 * 26.367 runs after run 2, so 8.367 runs after run 20. */
static void
test_fit_run_numbers(void **state)
{
	double run[10], y[10];
	struct cstat_forecast f;

	(void)state;
	for (size_t k = 0; k < 10; k++) {
		run[k] = (double)(2 * k + 2);
		y[k] = 50 * pow(1.01, run[k]);
	}
	assert_int_equal(cstat_forecast_fit(run, y, 10, 0.30, false, NULL, &f),
			 0);
	assert_int_equal(f.first_run, 2);
	assert_int_equal(f.last_run, 20);
	assert_close(f.rate, 0.01, 1e-9);
	assert_close(f.cross, 8.367, 1e-3);
	run[3] = run[2]; /* not increasing */
	assert_int_equal(cstat_forecast_fit(run, y, 10, 0.3, false, NULL, &f),
			 CSTAT_EINVAL);
}

/* The prediction of an exact series is its line, with no width. */
static void
test_predict_exact(void **state)
{
	double y[15], mid, lo, hi;
	struct cstat_forecast f;

	(void)state;
	exact(y, 15, 2e-6, 0.002);
	assert_int_equal(cstat_forecast_fit(NULL, y, 15, 0.05, false, NULL, &f),
			 0);
	assert_int_equal(cstat_forecast_predict(&f, 5, &mid, &lo, &hi), 0);
	assert_close(mid, 2e-6 * pow(1.002, 20), 1e-9);
	assert_close(lo, mid, 1e-9);
	assert_close(hi, mid, 1e-9);
	assert_int_equal(cstat_forecast_predict(&f, 0.5, &mid, &lo, &hi),
			 CSTAT_EINVAL);
}

/*
 * A series without trend: a fixed zig-zag (+-1%) around 100.  Kendall's S
 * is small, the interval holds 0: no forecast, no crossing; but the
 * prediction interval is there and holds the level.
 */
static void
test_no_trend_no_forecast(void **state)
{
	double y[20];
	struct cstat_forecast f;

	(void)state;
	for (size_t k = 0; k < 20; k++)
		y[k] = 100 * (1 + 0.01 * (double)((k * 7) % 5 - 2) / 2);
	assert_int_equal(cstat_forecast_fit(NULL, y, 20, 0.05, false, NULL, &f),
			 0);
	assert_int_equal(f.status, CSTAT_FORECAST_NONE);
	assert_true(f.rate_lo <= 0 && f.rate_hi >= 0);
	assert_true(isnan(f.cross));
	assert_true(f.p > 0.05);
	assert_true(f.next_lo < 100 && f.next_hi > 100);
	/* A constant series: slope 0, no trend. */
	for (size_t k = 0; k < 20; k++)
		y[k] = 7;
	assert_int_equal(cstat_forecast_fit(NULL, y, 20, 0.05, false, NULL, &f),
			 0);
	assert_int_equal(f.status, CSTAT_FORECAST_NONE);
	assert_close(f.rate, 0, 0);
}

/* Fewer than min_runs: no fit at all; values <= 0 do not count. */
static void
test_too_short(void **state)
{
	double y[12], mid, lo, hi;
	struct cstat_forecast f;
	struct cstat_forecast_opts o = CSTAT_FORECAST_OPTS_INIT;

	(void)state;
	exact(y, 12, 10, 0.01);
	assert_int_equal(cstat_forecast_fit(NULL, y, 9, 0.05, false, NULL, &f),
			 0);
	assert_int_equal(f.status, CSTAT_FORECAST_SHORT);
	assert_int_equal(f.nruns, 9);
	assert_true(isnan(f.rate) && isnan(f.next));
	assert_int_equal(cstat_forecast_predict(&f, 1, &mid, &lo, &hi),
			 CSTAT_EINVAL);
	y[0] = 0;
	y[1] = -1;
	assert_int_equal(cstat_forecast_fit(NULL, y, 11, 0.05, false, NULL, &f),
			 0);
	assert_int_equal(f.status, CSTAT_FORECAST_SHORT);
	assert_int_equal(f.nruns, 9);
	/* min_runs 5 fits 9; max_runs 8 keeps the last 8 runs (at 99%, an
	 * exact trend over 6 runs is not yet significant: Sen's lower rank
	 * (15 - 2.576 * 5.32) / 2 is below 1). */
	o.min_runs = 5;
	o.max_runs = 8;
	assert_int_equal(cstat_forecast_fit(NULL, y, 12, 0.05, false, &o, &f),
			 0);
	assert_int_equal(f.status, CSTAT_FORECAST_TREND);
	assert_int_equal(f.first_run, 5);
	assert_int_equal(f.nruns, 8);
	o.min_runs = 2; /* out of range */
	assert_int_equal(cstat_forecast_fit(NULL, y, 12, 0.05, false, &o, &f),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_forecast_fit(NULL, y, 12, -1, false, NULL, &f),
			 CSTAT_EINVAL);
}

/* ------------------------------------------------------------------------
 * A history.
 */

#define NRUNS 40
#define STEP_AT 21

/*
 * Run k of a history: Drift-8 at 100 ns with a fixed wiggle (+-0.1%) up
 * to run STEP_AT - 1, then 130 ns growing 0.5% a run; Flat-8 at 50 ns
 * with the same wiggle.
 */
static cstat_run *
history_run(size_t k)
{
	char text[4096];
	size_t len = 0;

	for (int i = 0; i < 5; i++) {
		double w = ((double)((k * 7 + (size_t)i * 3) % 11) - 5) / 5000;
		double lvl = k >= STEP_AT
				     ? 130 * pow(1.005, (double)(k - STEP_AT))
				     : 100;
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"BenchmarkDrift-8 1 %.4f ns/op\n"
					"BenchmarkFlat-8 1 %.4f ns/op\n",
					lvl * (1 + w), 50 * (1 + w));
	}
	return test_history_run(text, k);
}

struct hist {
	cstat_run *runs[NRUNS];
	cstat_tables *t;
	struct cstat_change *ch;
	size_t nch;
};

static void
hist_make(struct hist *h)
{
	struct cstat_diag d;

	for (size_t k = 1; k <= NRUNS; k++)
		h->runs[k - 1] = history_run(k);
	assert_int_equal(
		cstat_history_build(h->runs, NRUNS, NULL, 0.95, &h->t, &d), 0);
	assert_int_equal(cstat_history_changes(h->t, 0, 0, &h->ch, &h->nch), 0);
}

static void
hist_free(struct hist *h)
{
	free(h->ch);
	cstat_tables_free(h->t);
	for (size_t k = 0; k < NRUNS; k++)
		cstat_run_free(h->runs[k]);
}

/* The forecast of row name in h's fc[0..n). */
static const struct cstat_forecast *
find(const struct hist *h, const struct cstat_forecast *fc, size_t n,
     const char *name)
{
	for (size_t k = 0; k < n; k++)
		if (strcmp(cstat_table_row_label(h->t, fc[k].table, fc[k].row),
			   name) == 0)
			return &fc[k];
	fail_msg("no forecast of %s", name);
	return NULL;
}

/*
 * The step at run 21 is a change point.  The drift after it (0.5% a run
 * against run noise of about 0.1%) is itself cut by the change-point
 * search, at run 31 (a steady drift looks like a step to a CUSUM); with
 * the slope within the two sides taken out the runs either side of run
 * 31 do not differ, so the trend explains that change and starts at the
 * step, which it does not explain.  The trend is the planted 0.5% a run
 * (the wiggle moves Theil-Sen's median a little).  Without the change
 * points the fit spans the step and reports a faster rise.
 */
static void
test_history_change_resets(void **state)
{
	struct hist h;
	struct cstat_forecast *fc;
	size_t n;

	(void)state;
	hist_make(&h);
	assert_int_equal(h.nch, 2);
	assert_int_equal(h.ch[0].run, STEP_AT);
	assert_int_equal(h.ch[1].run, 31);
	assert_int_equal(
		cstat_history_forecast(h.t, h.ch, h.nch, NULL, &fc, &n), 0);
	assert_int_equal(n, 2);
	const struct cstat_forecast *f = find(&h, fc, n, "Drift-8");
	assert_int_equal(f->change_run, STEP_AT);
	assert_int_equal(f->explained, 1);
	assert_int_equal(f->first_run, STEP_AT);
	assert_int_equal(f->last_run, NRUNS);
	assert_int_equal(f->status, CSTAT_FORECAST_TREND);
	assert_close(f->rate, 0.005, 0.1);
	assert_close(f->threshold, 0.05, 0);
	assert_string_equal(f->rule, "default");
	/* The reference is the line at the change point's run (in sec/op). */
	assert_close(f->reference, 130e-9, 0.01);
	/* +5% at ln 1.05 / ln 1.005 = 9.78 runs after run 21 (by hand):
	 * past already at run 40. */
	assert_close(f->cross, 0, 0);
	assert_int_equal(find(&h, fc, n, "Flat-8")->status,
			 CSTAT_FORECAST_NONE);
	free(fc);
	/* Without the change point: the step is fitted as a trend. */
	assert_int_equal(cstat_history_forecast(h.t, NULL, 0, NULL, &fc, &n),
			 0);
	f = find(&h, fc, n, "Drift-8");
	assert_int_equal(f->first_run, 1);
	assert_true(f->rate > 0.008);
	free(fc);
	hist_free(&h);
}

/* The gate's rules choose the threshold: the most specific one. */
static void
test_history_gate_threshold(void **state)
{
	struct hist h;
	struct cstat_forecast *fc;
	struct cstat_forecast_opts o = CSTAT_FORECAST_OPTS_INIT;
	cstat_gate_config *gc;
	struct cstat_diag d;
	size_t n;

	(void)state;
	hist_make(&h);
	assert_int_equal(cstat_gate_config_new(&gc), 0);
	assert_int_equal(cstat_gate_config_set(gc, "threshold", "40%", &d), 0);
	assert_int_equal(
		cstat_gate_config_set(gc, "threshold", "bench:Flat*=2%", &d),
		0);
	o.gate = gc;
	assert_int_equal(cstat_history_forecast(h.t, h.ch, h.nch, &o, &fc, &n),
			 0);
	const struct cstat_forecast *f = find(&h, fc, n, "Drift-8");
	assert_close(f->threshold, 0.40, 0);
	assert_string_equal(f->rule, "default");
	/* ln 1.4 / ln 1.005 = 67.46 runs after run 21, where the trend
	 * starts (by hand), give or take the fitted rate. */
	double want = 67.46 - (double)(NRUNS - STEP_AT);
	assert_true(f->cross > want - 6 && f->cross < want + 6);
	f = find(&h, fc, n, "Flat-8");
	assert_close(f->threshold, 0.02, 0);
	assert_string_equal(f->rule, "bench:Flat*=2%");
	free(fc);
	cstat_gate_config_free(gc);
	hist_free(&h);
}

/* The report in a memory stream (caller frees). */
static char *
report(const struct hist *h, const struct cstat_forecast *fc, size_t n,
       enum cstat_format fmt)
{
	char *out = NULL;
	size_t len;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(cstat_forecast_write(h->runs, NRUNS, h->t, h->ch,
					      h->nch, fc, n, "h", NULL, fmt, f),
			 0);
	assert_int_equal(fclose(f), 0);
	return out;
}

/* Every format says the same of Drift-8; HTML draws its continuation. */
static void
test_write_formats(void **state)
{
	struct hist h;
	struct cstat_forecast *fc;
	size_t n;
	char *s;

	(void)state;
	hist_make(&h);
	assert_int_equal(
		cstat_history_forecast(h.t, h.ch, h.nch, NULL, &fc, &n), 0);
	s = report(&h, fc, n, CSTAT_FORMAT_TEXT);
	assert_non_null(strstr(s, "forecasts of history h: 2 series over 40 "
				  "runs; 1 with a significant trend"));
	assert_non_null(strstr(s, "a run (worse); past +5% already"));
	assert_non_null(strstr(s, "no significant trend"));
	free(s);
	s = report(&h, fc, n, CSTAT_FORMAT_MARKDOWN);
	assert_non_null(strstr(s, "| benchmark | unit | runs |"));
	assert_int_equal(count_in(s, "\n| Drift-8 |"), 1);
	free(s);
	s = report(&h, fc, n, CSTAT_FORMAT_JSON);
	assert_non_null(strstr(s, "\"schema\":\t\"cstat-forecast/1\""));
	assert_int_equal(count_in(s, "\"status\":\t\"trend\""), 1);
	assert_int_equal(count_in(s, "\"run\":\t"), 2 * 10); /* ahead */
	free(s);
	s = report(&h, fc, n, CSTAT_FORMAT_CSV);
	assert_int_equal(count_in(s, "\r\n"), 3);
	assert_non_null(strstr(s, "Drift-8,sec/op,trend,"));
	free(s);
	s = report(&h, fc, n, CSTAT_FORMAT_HTML);
	assert_int_equal(count_in(s, "<path class=\"fc\""), 1);
	assert_int_equal(count_in(s, "<path class=\"fcband\""), 1);
	assert_non_null(strstr(s, "over the next 10 runs"));
	free(s);
	free(fc);
	hist_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit_exact_growth),
		cmocka_unit_test(test_fit_exact_fall_past),
		cmocka_unit_test(test_fit_run_numbers),
		cmocka_unit_test(test_predict_exact),
		cmocka_unit_test(test_no_trend_no_forecast),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_history_change_resets),
		cmocka_unit_test(test_history_gate_threshold),
		cmocka_unit_test(test_write_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
