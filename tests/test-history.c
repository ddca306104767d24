/*
 * test-history.c - change points of a history and its exports (history.c,
 * history-html.c) through the public API: a planted step found at its run
 * (with runs missing, with since), the refusals, the CSV quoting and the
 * JSON escaping, the dashboard's commit links, empty histories, and write
 * errors.  The histories are
 * made here in memory; tests/cbaseline.py covers the formats' golden
 * files and the tool.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cstat.h"
#include "testutil.h"

#define NRUNS 30
#define STEP_AT 16 /* the first run after the planted step */

/*
 * Run k (1-based) of a history: Step-8 around 100 ns, 10% more from run
 * STEP_AT on; Flat-8 around 50 ns, missing from runs in skip (a
 * 0-ended list, may be NULL).  The wiggle is a fixed pattern, so every
 * run differs a little and the same history is made every time.
 */
static cstat_run *
history_run(size_t k, const size_t *skip, const char *extra)
{
	char text[4096];
	size_t len = 0;
	bool flat = true;

	for (const size_t *s = skip; s && *s; s++)
		if (*s == k)
			flat = false;
	for (int i = 0; i < 5; i++) {
		double w = (double)((k * 7 + (size_t)i * 3) % 11) - 5;
		double step = k >= STEP_AT ? 110 : 100;
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"BenchmarkStep-8 1 %.2f ns/op\n",
					step + w * 0.2);
		if (flat)
			len += (size_t)snprintf(
				text + len, sizeof(text) - len,
				"BenchmarkFlat-8 1 %.2f ns/op\n", 50 + w * 0.1);
	}
	if (extra)
		snprintf(text + len, sizeof(text) - len, "%s", extra);
	return test_history_run(text, k);
}

struct hist {
	cstat_run *runs[NRUNS];
	size_t n;
	cstat_tables *t;
};

static void
hist_make(struct hist *h, const size_t *skip, const char *extra)
{
	struct cstat_diag d;

	h->n = NRUNS;
	for (size_t k = 1; k <= NRUNS; k++)
		h->runs[k - 1] = history_run(k, skip, extra);
	assert_int_equal(
		cstat_history_build(h->runs, h->n, NULL, 0.95, &h->t, &d), 0);
}

static void
hist_free(struct hist *h)
{
	cstat_tables_free(h->t);
	for (size_t k = 0; k < h->n; k++)
		cstat_run_free(h->runs[k]);
}

/* The table and row of benchmark name, or fails. */
static void
find_row(const cstat_tables *t, const char *name, size_t *table, size_t *row)
{
	for (size_t i = 0; i < cstat_tables_count(t); i++)
		for (size_t r = 0; r < cstat_table_rows(t, i); r++)
			if (strcmp(cstat_table_row_label(t, i, r), name) == 0) {
				*table = i;
				*row = r;
				return;
			}
	fail_msg("no row %s", name);
}

/* What cstat_history_write() writes, NUL-terminated; free() it. */
static char *
write_to_string(const struct hist *h, const struct cstat_change *ch, size_t nch,
		enum cstat_format fmt)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(
		cstat_history_write(h->runs, h->n, h->t, ch, nch, fmt, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(strlen(out), len);
	return out;
}

static void
test_history_changes_finds_step(void **state)
{
	struct hist h;
	struct cstat_change *ch;
	size_t n, table, row;

	(void)state;
	hist_make(&h, NULL, NULL);
	find_row(h.t, "Step-8", &table, &row);
	assert_int_equal(cstat_history_changes(h.t, 0, 0, &ch, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ch[0].table, table);
	assert_int_equal(ch[0].row, row);
	assert_int_equal(ch[0].run, STEP_AT);
	assert_string_equal(cstat_table_col_label(h.t, table, ch[0].col), "16");
	/* Medians of the run medians of each side: 100 and 110 ns, give or
	 * take the wiggle (at most 1 ns). */
	assert_close(ch[0].before, 100e-9, 0.01);
	assert_close(ch[0].after, 110e-9, 0.01);
	assert_close(ch[0].change, ch[0].after / ch[0].before - 1, 1e-12);
	assert_true(ch[0].p >= 0 && ch[0].p < 1e-5);
	free(ch);
	hist_free(&h);
}

static void
test_history_changes_skips_missing_runs(void **state)
{
	/* Flat-8 is missing from runs 3, 15 and 16: its series is shorter,
	 * and Step-8's change still maps to run 16. */
	static const size_t skip[] = {3, 15, 16, 0};
	struct hist h;
	struct cstat_change *ch;
	size_t n;

	(void)state;
	hist_make(&h, skip, NULL);
	assert_int_equal(cstat_history_changes(h.t, 0, 0, &ch, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(cstat_table_row_label(h.t, ch[0].table, ch[0].row),
			    "Step-8");
	assert_int_equal(ch[0].run, STEP_AT);
	free(ch);
	hist_free(&h);
}

static void
test_history_changes_since(void **state)
{
	struct hist h;
	struct cstat_change *ch;
	size_t n;

	(void)state;
	hist_make(&h, NULL, NULL);
	/* Runs 21..30 are all after the step. */
	assert_int_equal(cstat_history_changes(h.t, 10, 0, &ch, &n), 0);
	assert_int_equal(n, 0);
	assert_null(ch);
	/* Runs 11..30 hold it, 5 runs before. */
	assert_int_equal(cstat_history_changes(h.t, 20, 0, &ch, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ch[0].run, STEP_AT);
	free(ch);
	/* More than there are is all of them. */
	assert_int_equal(cstat_history_changes(h.t, 1000, 1e-3, &ch, &n), 0);
	assert_int_equal(n, 1);
	free(ch);
	hist_free(&h);
}

/*
 * cstat_history_changes_until(t, since, k) finds what
 * cstat_history_changes() finds in the tables of the first k runs alone,
 * change for change (what detect -fail-on new compares with), for every
 * k and a few since.
 */
static void
test_history_changes_until(void **state)
{
	struct hist h;
	struct cstat_diag d;

	(void)state;
	hist_make(&h, NULL, NULL);
	for (size_t k = 1; k <= h.n; k++) {
		for (size_t since = 0; since <= 20; since += 10) {
			cstat_tables *t;
			struct cstat_change *a, *b;
			size_t na, nb;
			assert_int_equal(cstat_history_build(h.runs, k, NULL,
							     0.95, &t, &d),
					 0);
			assert_int_equal(
				cstat_history_changes(t, since, 0, &a, &na), 0);
			assert_int_equal(cstat_history_changes_until(
						 h.t, since, k, 0, &b, &nb),
					 0);
			assert_int_equal(na, nb);
			for (size_t i = 0; i < na; i++) {
				assert_int_equal(a[i].run, b[i].run);
				assert_int_equal(a[i].row, b[i].row);
				assert_true(a[i].p == b[i].p);
				assert_true(a[i].before == b[i].before);
				assert_true(a[i].after == b[i].after);
			}
			/* The step is there once its runs are. */
			if (since == 0 && k == h.n)
				assert_int_equal(na, 1);
			free(a);
			free(b);
			cstat_tables_free(t);
		}
	}
	/* 0 is all the runs. */
	struct cstat_change *c;
	size_t nc;
	assert_int_equal(cstat_history_changes_until(h.t, 0, 0, 0, &c, &nc), 0);
	assert_int_equal(nc, 1);
	free(c);
	hist_free(&h);
}

/*
 * Run k of a history of benchmarks S<b>-8 for b in [b0, b1): each with
 * its own level and noise pattern, every third one stepping up 2% to 20%
 * at a run of its own, and every fifth one missing from every seventh
 * run (series of two lengths).
 */
static cstat_run *
many_run(size_t k, size_t b0, size_t b1)
{
	static char text[1 << 16];
	size_t len = 0;

	for (size_t b = b0; b < b1; b++) {
		if (b % 5 == 0 && (k + b) % 7 == 0)
			continue;
		double level = 100 + (double)b;
		if (b % 3 == 0 && k >= 8 + b % 15)
			level *= 1.02 + 0.01 * (double)(b % 19);
		for (size_t i = 0; i < 5; i++) {
			double w = (double)((k * 13 + b * 5 + i * 3) % 17) - 8;
			len += (size_t)snprintf(
				text + len, sizeof(text) - len,
				"BenchmarkS%zu-8 1 %.3f ns/op\n", b,
				level * (1 + w * 0.001 * (double)(1 + b % 4)));
		}
	}
	return test_history_run(text, k);
}

/* The changes of the history of S<b>-8 for b in [b0, b1) over NRUNS
 * runs, with the row label of each. */
static struct cstat_change *
many_changes(size_t b0, size_t b1, size_t *n, char labels[][16])
{
	cstat_run *runs[NRUNS];
	cstat_tables *t;
	struct cstat_diag d;
	struct cstat_change *ch;

	for (size_t k = 1; k <= NRUNS; k++)
		runs[k - 1] = many_run(k, b0, b1);
	assert_int_equal(cstat_history_build(runs, NRUNS, NULL, 0.95, &t, &d),
			 0);
	assert_int_equal(cstat_history_changes(t, 0, 0.01, &ch, n), 0);
	for (size_t i = 0; i < *n; i++)
		snprintf(labels[i], 16, "%s",
			 cstat_table_row_label(t, ch[i].table, ch[i].row));
	cstat_tables_free(t);
	for (size_t k = 0; k < NRUNS; k++)
		cstat_run_free(runs[k]);
	return ch;
}

/*
 * With 96 series the search runs on two threads, which share the
 * permutations of the common length and take series as they go: the
 * changes are those of the two halves searched apart (48 series each, one
 * thread), change for change and bit for bit, in series order.
 */
static void
test_history_changes_two_threads_as_one(void **state)
{
	static char la[256][16], lb[256][16];
	struct cstat_change *all, *half;
	size_t nall, nhalf, k = 0;

	(void)state;
	all = many_changes(0, 96, &nall, la);
	assert_true(nall >= 20); /* the 32 steps, mostly */
	for (size_t i = 1; i < nall; i++)
		assert_true(all[i - 1].row < all[i].row ||
			    (all[i - 1].row == all[i].row &&
			     all[i - 1].run < all[i].run));
	for (size_t h = 0; h < 2; h++) {
		half = many_changes(48 * h, 48 * h + 48, &nhalf, lb);
		for (size_t i = 0; i < nhalf; i++, k++) {
			assert_true(k < nall);
			assert_string_equal(la[k], lb[i]);
			assert_int_equal(all[k].run, half[i].run);
			assert_same(all[k].before, half[i].before);
			assert_same(all[k].after, half[i].after);
			assert_same(all[k].change, half[i].change);
			assert_same(all[k].p, half[i].p);
		}
		free(half);
	}
	assert_int_equal(k, nall);
	free(all);
}

/*
 * A history of nruns runs of one benchmark, Bench-8, whose run k has the
 * five values level[k-1] * (1 + spread * {-2, -1, 0, 1, 2}): the median is
 * the level, and spread sets how far the run's own values scatter.
 */
static void
hist_levels(struct hist *h, const double *level, size_t nruns, double spread)
{
	struct cstat_diag d;

	h->n = nruns;
	for (size_t k = 1; k <= nruns; k++) {
		char text[1024];
		size_t len = 0;

		for (int i = -2; i <= 2; i++)
			len += (size_t)snprintf(
				text + len, sizeof(text) - len,
				"BenchmarkBench-8 1 %.6g ns/op\n",
				level[k - 1] * (1 + spread * i));
		h->runs[k - 1] = test_history_run(text, k);
	}
	assert_int_equal(
		cstat_history_build(h->runs, h->n, NULL, 0.95, &h->t, &d), 0);
}

/*
 * The history the old detector missed: 12 runs, the time doubles from
 * run 7, and run 3 is five times slower than its neighbours (on the wrong
 * side of the step).  The change is found at run 7; so is a 98% speed-up
 * (to 2% of the time) with the same wild run; and the wild run alone, in
 * an otherwise flat history, is no change.
 */
static void
test_history_changes_short_history_with_a_wild_run(void **state)
{
	static const double wiggle[12] = {1.01, 0.97,  1.03, 0.99, 0.98, 1.02,
					  1.0,	1.025, 0.95, 0.99, 1.01, 0.975};
	double up[12], down[12], flat[12];
	struct hist h;
	struct cstat_change *ch;
	size_t n;

	(void)state;
	for (size_t i = 0; i < 12; i++) {
		flat[i] = 100 * wiggle[i] * (i == 2 ? 5 : 1);
		up[i] = flat[i] * (i >= 6 ? 2 : 1);
		down[i] = flat[i] * (i >= 6 ? 0.02 : 1);
	}
	hist_levels(&h, up, 12, 0.01);
	assert_int_equal(cstat_history_changes(h.t, 0, 0, &ch, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ch[0].run, 7);
	assert_close(ch[0].change, 1, 0.05);
	assert_true(ch[0].p <= 0.005);
	free(ch);
	hist_free(&h);

	hist_levels(&h, down, 12, 0.01);
	assert_int_equal(cstat_history_changes(h.t, 0, 0, &ch, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ch[0].run, 7);
	assert_close(ch[0].change, -0.98, 0.01);
	free(ch);
	hist_free(&h);

	hist_levels(&h, flat, 12, 0.01);
	assert_int_equal(cstat_history_changes(h.t, 0, 0, &ch, &n), 0);
	assert_int_equal(n, 0);
	hist_free(&h);
}

/*
 * The within-run guard through the history: 30 runs whose medians step
 * from 100 to 101 ns at run 16 with no other run-to-run noise, so their
 * order alone is certain of a change.  With each run's values 0.2% apart
 * (a standard error of the median of 0.17 ns; the guard asks for 1 ns >
 * 2.81 * sqrt(2 * pi/2 * 0.17^2 / 15) = 0.21 ns) the step is reported;
 * with them 10% apart (8.3 ns, asking for 10.7 ns) it is not.
 */
static void
test_history_changes_within_run_noise_guards(void **state)
{
	double level[30];
	struct hist h;
	struct cstat_change *ch;
	size_t n;

	(void)state;
	for (size_t i = 0; i < 30; i++)
		level[i] = i >= 15 ? 101 : 100;
	hist_levels(&h, level, 30, 0.002);
	assert_int_equal(cstat_history_changes(h.t, 0, 0, &ch, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ch[0].run, 16);
	free(ch);
	hist_free(&h);

	hist_levels(&h, level, 30, 0.10);
	assert_int_equal(cstat_history_changes(h.t, 0, 0, &ch, &n), 0);
	assert_int_equal(n, 0);
	hist_free(&h);
}

static void
test_history_changes_rejects(void **state)
{
	struct hist h;
	struct cstat_change *ch = (void *)1;
	size_t n = 7;

	(void)state;
	hist_make(&h, NULL, NULL);
	assert_int_equal(cstat_history_changes(NULL, 0, 0, &ch, &n),
			 CSTAT_EINVAL);
	assert_null(ch);
	assert_int_equal(n, 0);
	assert_int_equal(cstat_history_changes(h.t, 0, 0, NULL, &n),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_history_changes(h.t, 0, 0, &ch, NULL),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_history_changes(h.t, 0, -0.1, &ch, &n),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_history_changes(h.t, 0, 1.5, &ch, &n),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_history_changes(h.t, 0, NAN, &ch, &n),
			 CSTAT_EINVAL);
	hist_free(&h);

	/* Tables whose columns are not runs. */
	cstat_reader *r;
	cstat_builder *b;
	cstat_tables *t;
	const struct cstat_result *res;
	struct cstat_diag d;
	static const char text[] = "BenchmarkX 1 5 ns/op\n";
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	assert_int_equal(cstat_reader_open_mem(r, text, strlen(text), "old"),
			 0);
	assert_int_equal(cstat_reader_next(r, &res, &d), 1);
	assert_int_equal(cstat_builder_add(b, res), 0);
	struct cstat_stats_opts o = {.alpha = 0.05, .confidence = 0.95};
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	assert_int_equal(cstat_history_changes(t, 0, 0, &ch, &n), CSTAT_EINVAL);
	assert_int_equal(cstat_history_write(NULL, 0, t, NULL, 0,
					     CSTAT_FORMAT_CSV, stdout),
			 CSTAT_EINVAL);
	cstat_tables_free(t);
	cstat_builder_free(b);
	cstat_reader_free(r);
}

static void
test_history_write_rejects(void **state)
{
	struct hist h;
	struct cstat_change *ch, bad;
	size_t n;
	FILE *f = fopen("/dev/null", "w");

	(void)state;
	assert_non_null(f);
	hist_make(&h, NULL, NULL);
	assert_int_equal(cstat_history_changes(h.t, 0, 0, &ch, &n), 0);
	assert_int_equal(cstat_history_write(h.runs, h.n, h.t, ch, n,
					     CSTAT_FORMAT_TEXT, f),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_history_write(h.runs, h.n, h.t, ch, n,
					     CSTAT_FORMAT_MARKDOWN, f),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_history_write(h.runs, h.n, NULL, ch, n,
					     CSTAT_FORMAT_CSV, f),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_history_write(h.runs, h.n, h.t, NULL, 1,
					     CSTAT_FORMAT_CSV, f),
			 CSTAT_EINVAL);
	/* Fewer runs than the tables have columns. */
	assert_int_equal(cstat_history_write(h.runs, h.n - 1, h.t, ch, n,
					     CSTAT_FORMAT_JSON, f),
			 CSTAT_EINVAL);
	/* Changes that are not of these tables. */
	bad = ch[0];
	bad.row = 99;
	assert_int_equal(cstat_history_write(h.runs, h.n, h.t, &bad, 1,
					     CSTAT_FORMAT_HTML, f),
			 CSTAT_EINVAL);
	bad = ch[0];
	bad.run = bad.run + 1;
	assert_int_equal(cstat_history_write(h.runs, h.n, h.t, &bad, 1,
					     CSTAT_FORMAT_CSV, f),
			 CSTAT_EINVAL);
	free(ch);
	hist_free(&h);
	fclose(f);
}

static void
test_history_write_formats(void **state)
{
	struct hist h;
	struct cstat_change *ch;
	size_t n;

	(void)state;
	hist_make(&h, NULL, NULL);
	assert_int_equal(cstat_history_changes(h.t, 0, 0, &ch, &n), 0);
	char *csv = write_to_string(&h, ch, n, CSTAT_FORMAT_CSV);
	char *json = write_to_string(&h, ch, n, CSTAT_FORMAT_JSON);
	char *page = write_to_string(&h, ch, n, CSTAT_FORMAT_HTML);
	/* A header and a record per run and benchmark. */
	assert_int_equal(count_in(csv, "\n"), 1 + 2 * NRUNS);
	assert_non_null(strstr(csv, ",Step-8,sec/op,16,c16,,,5,"));
	assert_int_equal(count_in(json, "\"run\": "), NRUNS + 2 * NRUNS + 1);
	assert_non_null(strstr(json, "\"schema\": \"cstat-history/1\""));
	assert_non_null(strstr(json, "\"name\": \"test\""));
	assert_non_null(strstr(json, "\"branch\": null"));
	/* Two charts; one change mark, worse (time went up), labelled. */
	assert_int_equal(count_in(page, "<svg class=\"chart\" role=\"img\""),
			 2);
	assert_int_equal(count_in(page, "<g class=\"cp worse\" id=\"c1\">"), 1);
	assert_int_equal(count_in(page, "<circle "), 2 * NRUNS);
	assert_non_null(strstr(page, ">+10.0%</text>"));
	assert_null(strstr(page, "<script"));
	free(csv);
	free(json);
	free(page);
	/* The same without changes: none marked. */
	csv = write_to_string(&h, NULL, 0, CSTAT_FORMAT_CSV);
	assert_int_equal(count_in(csv, ",\n"), 2 * NRUNS);
	page = write_to_string(&h, NULL, 0, CSTAT_FORMAT_HTML);
	assert_int_equal(count_in(page, "<g class=\"cp"), 0);
	assert_non_null(strstr(page, "No change points."));
	free(csv);
	free(page);
	free(ch);
	hist_free(&h);
}

/* What cstat_history_write_html() writes with repo, or its error. */
static char *
html_to_string(const struct hist *h, const struct cstat_change *ch, size_t nch,
	       const char *repo, int *rc)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	*rc = cstat_history_write_html(h->runs, h->n, h->t, ch, nch, repo, f);
	assert_int_equal(fclose(f), 0);
	return out;
}

static void
test_history_write_html_links(void **state)
{
	static const char *const bad[] = {"javascript:alert(1)",
					  "https://",
					  "http://a b",
					  "https://a\tb",
					  "https://a\x7f",
					  "ftp://x",
					  ""};
	struct hist h;
	struct cstat_change *ch;
	size_t n;
	int rc;

	(void)state;
	hist_make(&h, NULL, NULL);
	assert_int_equal(cstat_history_changes(h.t, 0, 0, &ch, &n), 0);
	assert_int_equal(n, 1);
	/* NULL: the page of cstat_history_write(), byte for byte. */
	char *plain = write_to_string(&h, ch, n, CSTAT_FORMAT_HTML);
	char *page = html_to_string(&h, ch, n, NULL, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(page, plain);
	assert_null(strstr(page, "<a class=\"commit\""));
	free(page);
	/* The change's run is STEP_AT, its commit cSTEP_AT (testutil.h);
	 * the URL escaped, a trailing slash dropped. */
	page = html_to_string(&h, ch, n, "https://g.example/o/r?a&b\"/", &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(page,
			       "<a class=\"commit\" "
			       "href=\"https://g.example/o/r?a&amp;b&quot;"
			       "/commit/c16\">c16</a>"));
	assert_int_equal(count_in(page, "<a class=\"commit\""), 1);
	free(page);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		page = html_to_string(&h, ch, n, bad[k], &rc);
		assert_int_equal(rc, CSTAT_EINVAL);
		assert_int_equal(strlen(page), 0);
		free(page);
	}
	free(plain);
	free(ch);
	hist_free(&h);
}

static void
test_history_write_escapes(void **state)
{
	/* A name with a comma and a quote, and a byte that is not UTF-8. */
	static const char extra[] = "BenchmarkQ,\"x\"\xff-8 1 3 ns/op\n";
	struct hist h;

	(void)state;
	hist_make(&h, NULL, extra);
	char *csv = write_to_string(&h, NULL, 0, CSTAT_FORMAT_CSV);
	char *json = write_to_string(&h, NULL, 0, CSTAT_FORMAT_JSON);
	char *page = write_to_string(&h, NULL, 0, CSTAT_FORMAT_HTML);
	assert_non_null(strstr(csv, ",\"Q,\"\"x\"\"\xff-8\",sec/op,1,"));
	assert_non_null(
		strstr(json, "\"name\": \"Q,\\\"x\\\"\xef\xbf\xbd-8\""));
	assert_non_null(strstr(page, "Q,&quot;x&quot;\xef\xbf\xbd-8"));
	assert_null(strstr(page, "\xff"));
	assert_null(strstr(json, "\xff"));
	free(csv);
	free(json);
	free(page);
	hist_free(&h);
}

static void
test_history_write_empty(void **state)
{
	cstat_tables *t;
	struct cstat_diag d;
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_int_equal(cstat_history_build(NULL, 0, NULL, 0.95, &t, &d), 0);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	assert_int_equal(
		cstat_history_write(NULL, 0, t, NULL, 0, CSTAT_FORMAT_JSON, f),
		0);
	assert_int_equal(
		cstat_history_write(NULL, 0, t, NULL, 0, CSTAT_FORMAT_HTML, f),
		0);
	assert_int_equal(
		cstat_history_write(NULL, 0, t, NULL, 0, CSTAT_FORMAT_CSV, f),
		0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(out, "\"runs\": [],\n  \"series\": []\n}\n"));
	assert_non_null(strstr(out, "No benchmark results."));
	assert_non_null(strstr(out, "</html>\nconfig,benchmark,"));
	free(out);
	cstat_tables_free(t);
}

static void
test_history_write_io_error(void **state)
{
	struct hist h;
	/* Writes to a stream open for reading fail at once. */
	FILE *f = fopen("/dev/null", "r");

	(void)state;
	assert_non_null(f);
	hist_make(&h, NULL, NULL);
	assert_int_equal(cstat_history_write(h.runs, h.n, h.t, NULL, 0,
					     CSTAT_FORMAT_CSV, f),
			 CSTAT_EIO);
	assert_int_equal(cstat_history_write(h.runs, h.n, h.t, NULL, 0,
					     CSTAT_FORMAT_JSON, f),
			 CSTAT_EIO);
	assert_int_equal(cstat_history_write(h.runs, h.n, h.t, NULL, 0,
					     CSTAT_FORMAT_HTML, f),
			 CSTAT_EIO);
	hist_free(&h);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history_changes_finds_step),
		cmocka_unit_test(test_history_changes_skips_missing_runs),
		cmocka_unit_test(test_history_changes_since),
		cmocka_unit_test(test_history_changes_until),
		cmocka_unit_test(test_history_changes_two_threads_as_one),
		cmocka_unit_test(
			test_history_changes_short_history_with_a_wild_run),
		cmocka_unit_test(test_history_changes_within_run_noise_guards),
		cmocka_unit_test(test_history_changes_rejects),
		cmocka_unit_test(test_history_write_rejects),
		cmocka_unit_test(test_history_write_formats),
		cmocka_unit_test(test_history_write_html_links),
		cmocka_unit_test(test_history_write_escapes),
		cmocka_unit_test(test_history_write_empty),
		cmocka_unit_test(test_history_write_io_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
