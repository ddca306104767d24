/*
 * test-history-render.c - the reports of cbaseline's history, detect and
 * list commands (history-render.c) and which change points are new
 * regressions (cstat_history_alerts()), through the public API.  The
 * histories are made here in memory: 30 runs of Step-8 (about 100 ns, or
 * 100 x factor from run 16 on) and Flat-8 (about 50 ns), with a fixed
 * wiggle; tests/cbaseline.py and tests/cbaseline_cli.py cover the tool,
 * cmark-gfm's rendering and the JSON read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cstat-private.h"
#include "cstat.h"
#include "testutil.h"

#define NRUNS 30
#define STEP_AT 16 /* the first run after the planted step */

/* Run k (1-based): Step-8 times factor from run STEP_AT on, in unit
 * (ns/op, or MB/s: higher is better). */
static cstat_run *
history_run(size_t k, double factor, const char *unit)
{
	char text[4096];
	size_t len = 0;

	for (int i = 0; i < 5; i++) {
		double w = (double)((k * 7 + (size_t)i * 3) % 11) - 5;
		double step = k >= STEP_AT ? 100 * factor : 100;
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"BenchmarkStep-8 1 %.2f %s\n",
					step + w * 0.2, unit);
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"BenchmarkFlat-8 1 %.2f %s\n",
					50 + w * 0.1, unit);
	}
	return test_history_run(text, k);
}

struct hist {
	cstat_run *runs[NRUNS];
	size_t n;
	cstat_tables *t;
	struct cstat_change *ch;
	size_t nch;
};

/* The history's first n runs, its tables and changes. */
static void
hist_make(struct hist *h, size_t n, double factor, const char *unit)
{
	struct cstat_diag d;

	h->n = n;
	for (size_t k = 1; k <= n; k++)
		h->runs[k - 1] = history_run(k, factor, unit);
	assert_int_equal(
		cstat_history_build(h->runs, h->n, NULL, 0.95, &h->t, &d), 0);
	assert_int_equal(cstat_history_changes(h->t, 0, 0, &h->ch, &h->nch), 0);
}

static void
hist_free(struct hist *h)
{
	free(h->ch);
	cstat_tables_free(h->t);
	for (size_t k = 0; k < h->n; k++)
		cstat_run_free(h->runs[k]);
}

/* Whether the one change of h alerts against old (NULL: none). */
static bool
alerts(const struct hist *h, const struct hist *old)
{
	bool a[4] = {true, true, true, true};

	assert_int_equal(h->nch, 1);
	assert_int_equal(cstat_history_alerts(
				 h->t, h->ch, h->nch, old ? old->t : NULL,
				 old ? old->ch : NULL, old ? old->nch : 0, a),
			 0);
	return a[0];
}

static void
test_alerts_once(void **state)
{
	struct hist h, before, after;

	(void)state;
	hist_make(&h, NRUNS, 1.1, "ns/op");
	/* A slowdown nobody saw before alerts: no earlier history, or one
	 * that ends before the step (no change in it). */
	assert_true(alerts(&h, NULL));
	hist_make(&before, STEP_AT - 1, 1.1, "ns/op");
	assert_int_equal(before.nch, 0);
	assert_true(alerts(&h, &before));
	/* A history that already showed it: reported, no alert. */
	hist_make(&after, NRUNS - 1, 1.1, "ns/op");
	assert_int_equal(after.nch, 1);
	assert_false(alerts(&h, &after));
	hist_free(&after);
	hist_free(&before);
	hist_free(&h);
}

static void
test_alerts_direction(void **state)
{
	struct hist faster, slower_mbs, faster_mbs;

	(void)state;
	/* Time down, throughput up: improvements, never alerts. */
	hist_make(&faster, NRUNS, 0.9, "ns/op");
	assert_false(alerts(&faster, NULL));
	hist_make(&faster_mbs, NRUNS, 1.1, "MB/s");
	assert_false(alerts(&faster_mbs, NULL));
	/* Throughput down is the bad direction of MB/s. */
	hist_make(&slower_mbs, NRUNS, 0.9, "MB/s");
	assert_true(alerts(&slower_mbs, NULL));
	/* An earlier improvement of the series does not hide a slowdown. */
	assert_true(alerts(&slower_mbs, &faster_mbs));
	hist_free(&faster);
	hist_free(&faster_mbs);
	hist_free(&slower_mbs);
}

static void
test_alerts_rejects(void **state)
{
	struct hist h;
	bool a[2];

	(void)state;
	hist_make(&h, NRUNS, 1.1, "ns/op");
	assert_int_equal(cstat_history_alerts(NULL, h.ch, 1, NULL, NULL, 0, a),
			 CSTAT_EINVAL);
	assert_int_equal(
		cstat_history_alerts(h.t, h.ch, 1, NULL, NULL, 0, NULL),
		CSTAT_EINVAL);
	assert_int_equal(cstat_history_alerts(h.t, h.ch, 1, NULL, h.ch, 1, a),
			 CSTAT_EINVAL);
	struct cstat_change bad = h.ch[0];
	bad.row = 99;
	assert_int_equal(cstat_history_alerts(h.t, &bad, 1, NULL, NULL, 0, a),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_history_alerts(h.t, NULL, 0, NULL, NULL, 0, a),
			 0);
	hist_free(&h);
}

/* What fn writes to a memory stream, NUL-terminated; free() it. */
#define CAPTURE(out, call)                                                     \
	do {                                                                   \
		size_t len_ = 0;                                               \
		FILE *f = open_memstream(&(out), &len_);                       \
		assert_non_null(f);                                            \
		assert_int_equal((call), 0);                                   \
		assert_int_equal(fclose(f), 0);                                \
	} while (0)

static void
test_summary_formats(void **state)
{
	struct hist h;
	char *text = NULL, *md = NULL, *json = NULL;

	(void)state;
	hist_make(&h, NRUNS, 1.1, "ns/op");
	CAPTURE(text, cstat_history_summary_write(h.runs, h.n, h.t, "main",
						  CSTAT_FORMAT_TEXT, f));
	CAPTURE(md, cstat_history_summary_write(h.runs, h.n, h.t, "main",
						CSTAT_FORMAT_MARKDOWN, f));
	CAPTURE(json, cstat_history_summary_write(h.runs, h.n, h.t, "main",
						  CSTAT_FORMAT_JSON, f));
	/* No created times: "?" as cbaseline history always printed. */
	assert_non_null(strstr(text, "history main: 30 runs, ? to ?\n"));
	assert_int_equal(count_in(text, "\n"), 1 + 1 + 1 + 2);
	assert_non_null(strstr(md, "## History main\n\n30 runs, ? to ?.\n"));
	/* Step-8's first run median is 100.4 ns (its values 99.4 to 101),
	 * its last 109.8 ns; the median of its 15 + 15 run medians 105. */
	assert_non_null(strstr(md,
			       "|:--|--:|--:|--:|--:|:--|\n| Step-8 | "
			       "30 | 100.4n | 109.8n | 105.0n | \xe2\x96\x81"));
	assert_non_null(
		strstr(json, "\"schema\":\t\"cstat-history-summary/1\""));
	assert_non_null(strstr(json, "\"runs\":\t30,"));
	assert_non_null(strstr(json, "\"first\":\t1.004"));
	assert_non_null(strstr(json, "\"first_created\":\tnull"));
	free(text);
	free(md);
	free(json);
	hist_free(&h);
}

static int
cmp_center(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The summary's median column (found by selection, not a sort) is the
 * median of the sorted run medians, for every length from 1 to 30 runs
 * (odd and even counts, ties among the run medians): the reference sorts
 * the table's centers here and formats them with cstat_format_value().
 */
static void
test_summary_median_of_every_length(void **state)
{
	(void)state;
	for (size_t n = 1; n <= NRUNS; n++) {
		struct hist h;
		char *text = NULL, want[64], line[128];
		double c[NRUNS];
		size_t m = 0;

		hist_make(&h, n, 1.1, "ns/op");
		for (size_t col = 0; col < cstat_table_cols(h.t, 0); col++) {
			struct cstat_cell cell;
			assert_int_equal(
				cstat_table_cell(h.t, 0, 0, col, &cell), 0);
			if (cell.present)
				c[m++] = cell.center;
		}
		assert_int_equal(m, n);
		qsort(c, m, sizeof(*c), cmp_center);
		double med = m % 2 ? c[m / 2] : (c[m / 2 - 1] + c[m / 2]) / 2;
		cstat_format_value(med, "ns/op", want, sizeof(want));
		CAPTURE(text,
			cstat_history_summary_write(h.runs, h.n, h.t, "m",
						    CSTAT_FORMAT_TEXT, f));
		/* The row of table 0, row 0: name, runs, first, last, median.
		 */
		const char *row =
			strstr(text, cstat_table_row_label(h.t, 0, 0));
		assert_non_null(row);
		char name[64], first[32], last[32], got[32];
		size_t runs;
		assert_int_equal(sscanf(row, "%63s %zu %31s %31s %31s", name,
					&runs, first, last, got),
				 5);
		snprintf(line, sizeof(line), "%zu runs: median %s", n, got);
		if (strcmp(got, want) != 0)
			fail_msg("%s, want %s", line, want);
		free(text);
		hist_free(&h);
	}
}

static void
test_changes_formats(void **state)
{
	struct hist h;
	bool alert[1] = {true};
	struct cstat_detect_report rep = {"main", 0, 0, NULL};
	char *text = NULL, *md = NULL, *json = NULL, *plain = NULL;

	(void)state;
	hist_make(&h, NRUNS, 1.1, "ns/op");
	CAPTURE(plain,
		cstat_history_changes_write(h.runs, h.n, h.t, h.ch, h.nch, &rep,
					    CSTAT_FORMAT_TEXT, f));
	rep.alert = alert;
	CAPTURE(text, cstat_history_changes_write(h.runs, h.n, h.t, h.ch, h.nch,
						  &rep, CSTAT_FORMAT_TEXT, f));
	CAPTURE(md,
		cstat_history_changes_write(h.runs, h.n, h.t, h.ch, h.nch, &rep,
					    CSTAT_FORMAT_MARKDOWN, f));
	CAPTURE(json, cstat_history_changes_write(h.runs, h.n, h.t, h.ch, h.nch,
						  &rep, CSTAT_FORMAT_JSON, f));
	/* Without alerts the report is what detect always printed. */
	assert_null(strstr(plain, "alert"));
	assert_non_null(strstr(plain, "Step-8     sec/op   16  c16"));
	assert_non_null(
		strstr(plain, "1 change point in 2 series over 30 runs\n"));
	assert_non_null(strstr(text, "  new regression\n"));
	assert_non_null(strstr(text, "1 new regression (-fail-on new)\n"));
	assert_non_null(strstr(md, "| Step-8 | sec/op | 16 | c16 | - | "));
	assert_non_null(strstr(md, " | new regression |\n"));
	assert_non_null(strstr(md, "**1 new regression**"));
	assert_non_null(strstr(json, "\"alerts\":\t1,"));
	assert_non_null(strstr(json, "\"direction\":\t\"regression\""));
	assert_non_null(strstr(json, "\"run\":\t16,"));
	assert_non_null(strstr(json, "\"alert\":\ttrue"));
	free(plain);
	free(text);
	free(md);
	free(json);
	hist_free(&h);
}

/* Counts of one are singular; names pad to their display width. */
static void
test_list_singular_and_width(void **state)
{
	const struct cstat_store_entry e[] = {
		{"baseline",
		 "\xc2\xb5"
		 "bench",
		 "2026-11-01T10:00:00Z", 1, NULL, NULL},
		{"history", "\xe6\x97\xa5\xe6\x9c\xac", "2026-11-02T10:00:00Z",
		 1, NULL, NULL},
	};
	char *text = NULL;

	(void)state;
	CAPTURE(text, cstat_store_list_write(e, 2, CSTAT_FORMAT_TEXT, f));
	/* µbench is 6 columns (18 blanks to 24); 日本 is 4 (20 blanks). */
	assert_string_equal(text, "baseline  \xc2\xb5"
				  "bench                   "
				  "2026-11-01T10:00:00Z  1 value\n"
				  "history   \xe6\x97\xa5\xe6\x9c\xac"
				  "                     1 run, last "
				  "2026-11-02T10:00:00Z\n");
	free(text);
}

static void
test_list_formats(void **state)
{
	/* A name with a pipe and a byte that is not UTF-8. */
	const struct cstat_store_entry e[] = {
		{"baseline", "main", "2026-11-01T10:00:00Z", 20, "abc", NULL},
		{"baseline", "a|b\xff", NULL, 0, NULL, "oops"},
		{"history", "main", NULL, 3, NULL, NULL},
	};
	char *text = NULL, *md = NULL, *json = NULL;

	(void)state;
	CAPTURE(text, cstat_store_list_write(e, 3, CSTAT_FORMAT_TEXT, f));
	CAPTURE(md, cstat_store_list_write(e, 3, CSTAT_FORMAT_MARKDOWN, f));
	CAPTURE(json, cstat_store_list_write(e, 3, CSTAT_FORMAT_JSON, f));
	/* The text cbaseline list always printed. */
	assert_string_equal(text, "baseline  main                     "
				  "2026-11-01T10:00:00Z  20 values  commit "
				  "abc\n"
				  "baseline  a|b\xff                     "
				  "(unreadable: oops)\n"
				  "history   main                     3 runs, "
				  "last \n");
	assert_non_null(strstr(md, "| baseline | a\\|b\xef\xbf\xbd |  |  |  | "
				   "oops |\n"));
	assert_null(strstr(md, "\xff"));
	assert_non_null(strstr(json, "\"name\":\t\"a|b\xef\xbf\xbd\""));
	assert_non_null(strstr(json, "\"values\":\t20,"));
	assert_non_null(strstr(json, "\"runs\":\t3,"));
	free(text);
	free(md);
	free(json);
}

static void
test_rejects_and_io_errors(void **state)
{
	const struct cstat_store_entry bad = {"tag", "x", NULL, 0, NULL, NULL};
	struct cstat_detect_report rep = {"main", 0, 0, NULL};
	struct hist h;
	/* Writes to a stream open for reading fail. */
	FILE *f = fopen("/dev/null", "r");

	(void)state;
	assert_non_null(f);
	hist_make(&h, NRUNS, 1.1, "ns/op");
	assert_int_equal(cstat_store_list_write(&bad, 1, CSTAT_FORMAT_TEXT, f),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_store_list_write(NULL, 0, CSTAT_FORMAT_CSV, f),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_history_summary_write(h.runs, h.n, h.t, "m",
						     CSTAT_FORMAT_HTML, f),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_history_summary_write(h.runs, 0, h.t, "m",
						     CSTAT_FORMAT_TEXT, f),
			 CSTAT_EINVAL);
	struct cstat_change far = h.ch[0];
	far.run = NRUNS + 1;
	assert_int_equal(cstat_history_changes_write(h.runs, h.n, h.t, &far, 1,
						     &rep, CSTAT_FORMAT_TEXT,
						     f),
			 CSTAT_EINVAL);
	enum cstat_format fmts[] = {CSTAT_FORMAT_TEXT, CSTAT_FORMAT_MARKDOWN,
				    CSTAT_FORMAT_JSON};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(cstat_history_summary_write(h.runs, h.n, h.t,
							     "m", fmts[i], f),
				 CSTAT_EIO);
		assert_int_equal(cstat_history_changes_write(h.runs, h.n, h.t,
							     h.ch, h.nch, &rep,
							     fmts[i], f),
				 CSTAT_EIO);
		clearerr(f);
		assert_int_equal(cstat_store_list_write(&bad, 0, fmts[i], f),
				 i == 0 ? 0 : CSTAT_EIO);
	}
	hist_free(&h);
	fclose(f);
}

/*
 * The formats outside each view's row of the table (CSV, HTML, a value
 * past the enum) are refused before a byte is written.
 */
static void
test_formats_outside_the_table(void **state)
{
	const struct cstat_store_entry e = {"history", "x",  NULL,
					    1,	       NULL, NULL};
	struct cstat_detect_report rep = {"main", 0, 0, NULL};
	enum cstat_format bad[] = {CSTAT_FORMAT_CSV, CSTAT_FORMAT_HTML,
				   (enum cstat_format)99};
	struct hist h;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	hist_make(&h, NRUNS, 1.1, "ns/op");
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(cstat_history_summary_write(h.runs, h.n, h.t,
							     "m", bad[i], f),
				 CSTAT_EINVAL);
		assert_int_equal(cstat_history_changes_write(h.runs, h.n, h.t,
							     h.ch, h.nch, &rep,
							     bad[i], f),
				 CSTAT_EINVAL);
		assert_int_equal(cstat_store_list_write(&e, 1, bad[i], f),
				 CSTAT_EINVAL);
	}
	assert_int_equal(fflush(f), 0);
	assert_int_equal(len, 0);
	fclose(f);
	free(text);
	hist_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alerts_once),
		cmocka_unit_test(test_alerts_direction),
		cmocka_unit_test(test_alerts_rejects),
		cmocka_unit_test(test_summary_formats),
		cmocka_unit_test(test_summary_median_of_every_length),
		cmocka_unit_test(test_changes_formats),
		cmocka_unit_test(test_list_formats),
		cmocka_unit_test(test_list_singular_and_width),
		cmocka_unit_test(test_rejects_and_io_errors),
		cmocka_unit_test(test_formats_outside_the_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
