/*
 * test-plan.c - run planning (lib/plan.c): parsing CHANGE, refused
 * settings, the statuses (below the threshold, beyond the largest count,
 * no noise estimate, exact units, no noise at all), the counts' order
 * (a larger change never needs more runs, a higher power never fewer),
 * the suite's count and share, and the reports.
 *
 * Inputs are Go benchmark text built here; where an expected count is a
 * number, the comment says where it comes from.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "cstat.h"
#include "testutil.h"

/* Tables of text, read as one file. */
struct plan_in {
	cstat_reader *r;
	cstat_tables *t;
	cstat_gate_config *c;
};

static void
build(struct plan_in *in, const char *text)
{
	cstat_builder *b;
	struct cstat_diag d;
	const struct cstat_result *res;
	int rc;

	assert_int_equal(cstat_reader_new(&in->r), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	assert_int_equal(
		cstat_reader_open_mem(in->r, text, strlen(text), "old.txt"), 0);
	while ((rc = cstat_reader_next(in->r, &res, &d)) == 1)
		assert_int_equal(cstat_builder_add(b, res), 0);
	assert_int_equal(rc, 0);
	struct cstat_stats_opts o = {0.05, 0.95, in->r, 1};
	assert_int_equal(cstat_builder_build(b, &o, &in->t), 0);
	cstat_builder_free(b);
	assert_int_equal(cstat_gate_config_new(&in->c), 0);
}

static void
set(struct plan_in *in, const char *key, const char *value)
{
	struct cstat_diag d;

	assert_int_equal(cstat_gate_config_set(in->c, key, value, &d), 0);
}

static void
release(struct plan_in *in)
{
	cstat_gate_config_free(in->c);
	cstat_tables_free(in->t);
	cstat_reader_free(in->r);
}

/* "BenchmarkName 1 v ns/op" for v = center * exp(sd * z[i]), with the ten
 * z below: mean 0 and sample standard deviation 1 (so the noise is sd). */
static const double z10[10] = {-1.2, -0.9, -0.6, -0.3, 0.0,
			       0.0,  0.3,  0.6,	 0.9,  1.2};

static char *
lines(const char *name, double center, double sd, const char *unit)
{
	/* The sample sd of z10 is sqrt(5.4 / 9) = 0.7746; scaled to 1. */
	double k = 1 / sqrt(5.4 / 9);
	char *s = malloc(2048);
	size_t len = 0;

	assert_non_null(s);
	for (int i = 0; i < 10; i++)
		len += (size_t)snprintf(s + len, 2048 - len,
					"Benchmark%s 1 %.17g %s\n", name,
					center * exp(sd * k * z10[i]), unit);
	return s;
}

/* A plan of counts up to 40 (the default 100 costs simulations of up to
 * 100 a side, slow under valgrind; test_plan_cap tries it). */
static cstat_plan *
plan(struct plan_in *in, double change, double power, size_t at)
{
	struct cstat_plan_opts o = {change, power, 40, at};
	cstat_plan *p = NULL;

	assert_int_equal(cstat_plan_new(&p, in->t, in->c, &o), 0);
	assert_non_null(p);
	return p;
}

static void
test_plan_change_parse(void **state)
{
	double v = -1;

	(void)state;
	assert_int_equal(cstat_plan_change_parse("3%", &v), 0);
	assert_close(v, 0.03, 1e-15);
	assert_int_equal(cstat_plan_change_parse("0.5%", &v), 0);
	assert_close(v, 0.005, 1e-15);
	assert_int_equal(cstat_plan_change_parse("250%", &v), 0);
	assert_close(v, 2.5, 1e-15);
	const char *bad[] = {"abc", "0%", "0.0%", "-3%",  "3",
			     "%",   "",	  "3%%",  "nan%", "inf%"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(cstat_plan_change_parse(bad[i], &v),
				 CSTAT_EINVAL);
	assert_int_equal(cstat_plan_change_parse(NULL, &v), CSTAT_EINVAL);
	assert_int_equal(cstat_plan_change_parse("3%", NULL), CSTAT_EINVAL);
}

static void
test_plan_new_refuses(void **state)
{
	struct plan_in in;
	char *text = lines("A", 100, 0.01, "ns/op");
	cstat_plan *p = (cstat_plan *)1;
	struct cstat_plan_opts ok = {0.1, 0, 0, 0};
	struct cstat_plan_opts bad[] = {
		{0, 0, 0, 0},	     {-0.1, 0, 0, 0},	{NAN, 0, 0, 0},
		{INFINITY, 0, 0, 0}, {0.1, 1, 0, 0},	{0.1, -0.5, 0, 0},
		{0.1, 0, 1001, 0},   {0.1, 0, 0, 1001},
	};

	(void)state;
	build(&in, text);
	assert_int_equal(cstat_plan_new(NULL, in.t, in.c, &ok), CSTAT_EINVAL);
	assert_int_equal(cstat_plan_new(&p, NULL, in.c, &ok), CSTAT_EINVAL);
	assert_null(p);
	p = (cstat_plan *)1;
	assert_int_equal(cstat_plan_new(&p, in.t, in.c, NULL), CSTAT_EINVAL);
	assert_null(p);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		p = (cstat_plan *)1;
		assert_int_equal(cstat_plan_new(&p, in.t, in.c, &bad[i]),
				 CSTAT_EINVAL);
		assert_null(p);
	}
	/* NULL settings: the gate's defaults. */
	assert_int_equal(cstat_plan_new(&p, in.t, NULL, &ok), 0);
	assert_close(cstat_plan_suite(p)->alpha, 0.05, 0);
	assert_close(cstat_plan_get(p, 0)->threshold, 0.05, 0);
	cstat_plan_free(p);
	cstat_plan_free(NULL);
	assert_int_equal(cstat_plan_count(NULL), 0);
	assert_null(cstat_plan_get(NULL, 0));
	assert_null(cstat_plan_suite(NULL));
	release(&in);
	free(text);
}

/* The noise is the sample sd of the log values, and a change not past the
 * threshold is never flagged: no count, whatever the noise. */
static void
test_plan_below_threshold(void **state)
{
	struct plan_in in;
	char *text = lines("A", 100, 0.01, "ns/op");

	(void)state;
	build(&in, text);
	cstat_plan *p = plan(&in, 0.03, 0, 0); /* default threshold 5% */
	const struct cstat_plan_row *w = cstat_plan_get(p, 0);
	assert_int_equal(cstat_plan_count(p), 1);
	assert_string_equal(w->name, "A");
	assert_string_equal(w->unit, "sec/op");
	assert_int_equal(w->n, 10);
	assert_close(w->noise, 0.01, 1e-12);
	assert_int_equal(w->status, CSTAT_PLAN_BELOW_THRESHOLD);
	assert_int_equal(w->count, 0);
	assert_int_equal(cstat_plan_suite(p)->below, 1);
	assert_int_equal(cstat_plan_suite(p)->count, 0);
	cstat_plan_free(p);
	/* At exactly the threshold: still not past it. */
	p = plan(&in, 0.05, 0, 0);
	assert_int_equal(cstat_plan_get(p, 0)->status,
			 CSTAT_PLAN_BELOW_THRESHOLD);
	cstat_plan_free(p);
	release(&in);
	free(text);
}

/* Values without noise: the change shows as soon as the U test can reach
 * alpha, at 4 a side for 0.05 (2 / C(8, 4) = 0.029; 2 / C(6, 3) = 0.1). */
static void
test_plan_no_noise(void **state)
{
	struct plan_in in;
	const char *text = "BenchmarkA 1 100 ns/op\nBenchmarkA 1 100 ns/op\n"
			   "BenchmarkA 1 100 ns/op\nBenchmarkB 1 5 ns/op\n"
			   "BenchmarkB 1 6 ns/op\n";

	(void)state;
	build(&in, text);
	cstat_plan *p = plan(&in, 0.1, 0, 0);
	const struct cstat_plan_row *a = cstat_plan_get(p, 0);
	const struct cstat_plan_row *b = cstat_plan_get(p, 1);
	assert_close(a->noise, 0, 0);
	assert_int_equal(a->status, CSTAT_PLAN_OK);
	assert_int_equal(a->count, 4);
	assert_close(a->power, 1, 0);
	/* Two values: no noise estimate (three are needed). */
	assert_true(isnan(b->noise));
	assert_int_equal(b->status, CSTAT_PLAN_NO_NOISE);
	assert_int_equal(cstat_plan_suite(p)->no_noise, 1);
	assert_int_equal(cstat_plan_suite(p)->count, 4);
	/* A's own count (3) is below 4: it could not flag anything. */
	assert_close(a->power_at, 0, 0);
	/* The family: B alone (A's values are all equal, so its test
	 * could only give p = 1), at alpha itself. */
	assert_int_equal(cstat_plan_suite(p)->family, 1);
	assert_close(cstat_plan_suite(p)->level, 0.05, 0);
	cstat_plan_free(p);
	set(&in, "correction", "none");
	p = plan(&in, 0.1, 0, 0);
	assert_int_equal(cstat_plan_get(p, 0)->count, 4);
	cstat_plan_free(p);
	release(&in);
}

/* Noise so large that not even 100 a side detect the change: not
 * reachable, with the power at 100 said; and a smaller cap. */
static void
test_plan_cap(void **state)
{
	struct plan_in in;
	char *text = lines("A", 100, 0.5, "ns/op");

	(void)state;
	build(&in, text);
	struct cstat_plan_opts def = {0.06, 0, 0, 0};
	cstat_plan *p;
	assert_int_equal(cstat_plan_new(&p, in.t, in.c, &def), 0);
	const struct cstat_plan_row *w = cstat_plan_get(p, 0);
	assert_int_equal(cstat_plan_suite(p)->max_count, 100);
	assert_int_equal(w->status, CSTAT_PLAN_BEYOND_MAX);
	assert_int_equal(w->count, 0);
	assert_true(w->power_max < 0.8);
	assert_int_equal(cstat_plan_suite(p)->beyond, 1);
	assert_int_equal(cstat_plan_suite(p)->count, 0);
	cstat_plan_free(p);
	/* 50% noise, 100% change: reachable, but not within 5. */
	struct cstat_plan_opts o = {1.0, 0, 5, 0};
	assert_int_equal(cstat_plan_new(&p, in.t, in.c, &o), 0);
	assert_int_equal(cstat_plan_get(p, 0)->status, CSTAT_PLAN_BEYOND_MAX);
	assert_int_equal(cstat_plan_suite(p)->max_count, 5);
	cstat_plan_free(p);
	release(&in);
	free(text);
}

/* A larger change needs no more runs; a higher power no fewer. */
static void
test_plan_monotone(void **state)
{
	struct plan_in in;
	char *text = lines("A", 100, 0.03, "ns/op");
	const double changes[] = {0.025, 0.03, 0.04, 0.06, 0.1, 0.2, 0.5};
	size_t last = SIZE_MAX;

	(void)state;
	build(&in, text);
	set(&in, "threshold", "2%");
	for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
		cstat_plan *p = plan(&in, changes[i], 0, 0);
		const struct cstat_plan_row *w = cstat_plan_get(p, 0);
		size_t n = w->status == CSTAT_PLAN_OK ? w->count : SIZE_MAX;
		assert_true(n <= last);
		if (w->status == CSTAT_PLAN_OK)
			assert_true(w->power >= 0.8);
		last = n;
		cstat_plan_free(p);
	}
	/* 50% in noise of 3%: found at the least count, 4 a side. */
	assert_int_equal(last, 4);
	const double powers[] = {0.5, 0.8, 0.9, 0.95};
	last = 0;
	for (size_t i = 0; i < sizeof powers / sizeof powers[0]; i++) {
		cstat_plan *p = plan(&in, 0.06, powers[i], 0);
		const struct cstat_plan_row *w = cstat_plan_get(p, 0);
		assert_int_equal(w->status, CSTAT_PLAN_OK);
		assert_true(w->count >= last);
		assert_true(w->power >= powers[i]);
		last = w->count;
		cstat_plan_free(p);
	}
	release(&in);
	free(text);
}

/* The interval rule asks for more runs than the estimate rule. */
static void
test_plan_interval(void **state)
{
	struct plan_in in;
	char *text = lines("A", 100, 0.02, "ns/op");

	(void)state;
	build(&in, text);
	set(&in, "threshold", "2%");
	cstat_plan *p = plan(&in, 0.04, 0, 0);
	size_t est = cstat_plan_get(p, 0)->count;
	assert_false(cstat_plan_suite(p)->on_interval);
	cstat_plan_free(p);
	set(&in, "threshold_on", "interval");
	p = plan(&in, 0.04, 0, 0);
	assert_true(cstat_plan_suite(p)->on_interval);
	assert_int_equal(cstat_plan_get(p, 0)->status, CSTAT_PLAN_OK);
	assert_true(cstat_plan_get(p, 0)->count > est);
	cstat_plan_free(p);
	release(&in);
	free(text);
}

/* The threshold rule for the unit and the direction: a throughput unit
 * gets worse by falling, and cannot fall by 100%. */
static void
test_plan_rules_and_direction(void **state)
{
	struct plan_in in;
	char *a = lines("A", 100, 0.02, "ns/op");
	char *b = lines("A", 100, 0.02, "MB/s");
	char *text = malloc(strlen(a) + strlen(b) + 1);

	(void)state;
	assert_non_null(text);
	strcpy(text, a);
	strcat(text, b);
	build(&in, text);
	set(&in, "threshold", "class:throughput=1%");
	set(&in, "ignore", "Nothing*");
	cstat_plan *p = plan(&in, 0.03, 0, 0);
	assert_int_equal(cstat_plan_count(p), 2);
	const struct cstat_plan_row *t = cstat_plan_get(p, 0);
	const struct cstat_plan_row *m = cstat_plan_get(p, 1);
	assert_string_equal(t->unit, "sec/op");
	assert_int_equal(t->status, CSTAT_PLAN_BELOW_THRESHOLD);
	assert_string_equal(m->unit, "B/s");
	assert_true(m->higher_better);
	assert_close(m->threshold, 0.01, 0);
	assert_string_equal(m->rule, "class:throughput=1%");
	assert_int_equal(m->status, CSTAT_PLAN_OK);
	cstat_plan_free(p);
	p = plan(&in, 1.0, 0, 0);
	assert_int_equal(cstat_plan_get(p, 1)->status,
			 CSTAT_PLAN_BELOW_THRESHOLD);
	cstat_plan_free(p);
	/* A skipped benchmark is not planned. */
	set(&in, "ignore", "A");
	p = plan(&in, 0.1, 0, 0);
	assert_int_equal(cstat_plan_count(p), 0);
	cstat_plan_free(p);
	release(&in);
	free(a);
	free(b);
	free(text);
}

/* assume=exact: a different mode is certain, one run a side does. */
static void
test_plan_exact(void **state)
{
	struct plan_in in;
	const char *text =
		"Unit allocs/op assume=exact\n"
		"BenchmarkA 1 7 allocs/op\nBenchmarkA 1 7 allocs/op\n"
		"BenchmarkA 1 7 allocs/op\n";

	(void)state;
	build(&in, text);
	cstat_plan *p = plan(&in, 0.2, 0, 0);
	const struct cstat_plan_row *w = cstat_plan_get(p, 0);
	assert_true(w->exact);
	assert_int_equal(w->status, CSTAT_PLAN_OK);
	assert_int_equal(w->count, 1);
	assert_int_equal(cstat_plan_suite(p)->family, 0);
	cstat_plan_free(p);
	release(&in);
}

/* The suite: its count serves every reachable row, its share is the mean
 * power at the given count, and a given count is every row's. */
static void
test_plan_suite(void **state)
{
	struct plan_in in;
	const double sds[4] = {0.005, 0.01, 0.02, 0.04};
	char text[8192] = "";

	(void)state;
	for (int i = 0; i < 4; i++) {
		char name[8];
		snprintf(name, sizeof(name), "B%d", i);
		char *s = lines(name, 100, sds[i], "ns/op");
		strcat(text, s);
		free(s);
	}
	build(&in, text);
	set(&in, "threshold", "1%");
	cstat_plan *p = plan(&in, 0.05, 0, 0);
	const struct cstat_plan_suite *u = cstat_plan_suite(p);
	size_t prev = 0;
	assert_int_equal(u->family, 4);
	assert_close(u->level, 0.05 / 4, 1e-15);
	assert_int_equal(u->rows, 4);
	assert_int_equal(u->reachable, 4);
	for (size_t i = 0; i < 4; i++) {
		const struct cstat_plan_row *w = cstat_plan_get(p, i);
		/* Noisier benchmarks need no fewer runs. */
		assert_true(w->count >= prev);
		assert_true(u->count >= w->count);
		assert_int_equal(w->at_count, 10);
		prev = w->count;
	}
	assert_int_equal(u->count, prev);
	cstat_plan_free(p);
	p = plan(&in, 0.05, 0, 20);
	u = cstat_plan_suite(p);
	double sum = 0;
	for (size_t i = 0; i < 4; i++) {
		const struct cstat_plan_row *w = cstat_plan_get(p, i);
		assert_int_equal(w->at_count, 20);
		assert_true(w->power_at >= 0 && w->power_at <= 1);
		sum += w->power_at;
	}
	assert_close(u->share, sum / 4, 1e-12);
	assert_int_equal(u->at_count, 20);
	cstat_plan_free(p);
	release(&in);
}

static char *
written(const cstat_plan *p, enum cstat_report fmt, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	*rc = cstat_plan_write(p, fmt, f);
	fclose(f);
	return buf;
}

static void
test_plan_write(void **state)
{
	struct plan_in in;
	char *text = lines("Enc|ode", 100, 0.01, "ns/op");
	int rc;

	(void)state;
	build(&in, text);
	set(&in, "threshold", "1%");
	cstat_plan *p = plan(&in, 0.03, 0, 0);
	char *t = written(p, CSTAT_REPORT_TEXT, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(t, "Run plan"));
	assert_non_null(strstr(t, "Enc|ode"));
	assert_non_null(strstr(t, "Suite: -count "));
	free(t);
	char *md = written(p, CSTAT_REPORT_MARKDOWN, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(md, "| benchmark |"));
	assert_non_null(strstr(md, "Enc\\|ode"));
	free(md);
	char *js = written(p, CSTAT_REPORT_JSON, &rc);
	assert_int_equal(rc, 0);
	cJSON *doc = cJSON_Parse(js);
	assert_non_null(doc);
	assert_string_equal(cJSON_GetObjectItem(doc, "schema")->valuestring,
			    "cstat-plan/1");
	cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "rows"), 0);
	assert_int_equal(cJSON_GetObjectItem(row, "count")->valueint,
			 (int)cstat_plan_get(p, 0)->count);
	assert_string_equal(cJSON_GetObjectItem(row, "status")->valuestring,
			    "ok");
	cJSON_Delete(doc);
	free(js);
	/* A plan is no verdict: no JUnit, annotations or calibration. */
	free(written(p, CSTAT_REPORT_JUNIT, &rc));
	assert_int_equal(rc, CSTAT_EINVAL);
	free(written(p, CSTAT_REPORT_GITHUB, &rc));
	assert_int_equal(rc, CSTAT_EINVAL);
	free(written(p, CSTAT_REPORT_CALIBRATION, &rc));
	assert_int_equal(rc, CSTAT_EINVAL);
	assert_int_equal(cstat_plan_write(NULL, CSTAT_REPORT_TEXT, stdout),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_plan_write(p, CSTAT_REPORT_TEXT, NULL),
			 CSTAT_EINVAL);
	cstat_plan_free(p);
	release(&in);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_change_parse),
		cmocka_unit_test(test_plan_new_refuses),
		cmocka_unit_test(test_plan_below_threshold),
		cmocka_unit_test(test_plan_no_noise),
		cmocka_unit_test(test_plan_cap),
		cmocka_unit_test(test_plan_monotone),
		cmocka_unit_test(test_plan_interval),
		cmocka_unit_test(test_plan_rules_and_direction),
		cmocka_unit_test(test_plan_exact),
		cmocka_unit_test(test_plan_suite),
		cmocka_unit_test(test_plan_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
