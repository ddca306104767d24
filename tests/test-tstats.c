/*
 * test-tstats.c - the extra summary statistics of -stats and the output
 * settings of built tables: parsing the list, each statistic against its
 * definition computed here by hand, too few values, and the text and CSV
 * columns they add.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cstat.h"
#include "testutil.h"

static const char *old_txt = "goos: linux\n"
			     "BenchmarkA 1 10 ns/op\n"
			     "BenchmarkA 1 12 ns/op\n"
			     "BenchmarkA 1 11 ns/op\n"
			     "BenchmarkA 1 19 ns/op\n"
			     "BenchmarkB 1 7 ns/op\n";
static const char *new_txt = "goos: linux\n"
			     "BenchmarkA 1 9 ns/op\n"
			     "BenchmarkA 1 9 ns/op\n"
			     "BenchmarkA 1 10 ns/op\n"
			     "BenchmarkA 1 8 ns/op\n"
			     "BenchmarkB 1 7 ns/op\n";

static cstat_tables *
build(void)
{
	const char *texts[2] = {old_txt, new_txt};
	const char *names[2] = {"old", "new"};
	cstat_reader *r;
	cstat_builder *b;
	cstat_tables *t;
	struct cstat_diag d;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	for (int i = 0; i < 2; i++) {
		const struct cstat_result *res;
		assert_int_equal(cstat_reader_open_mem(r, texts[i],
						       strlen(texts[i]),
						       names[i]),
				 0);
		while (cstat_reader_next(r, &res, &d) == 1)
			assert_int_equal(cstat_builder_add(b, res), 0);
	}
	struct cstat_stats_opts o = {0.05, 0.95, r, 1};
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	cstat_builder_free(b);
	cstat_reader_free(r);
	return t;
}

static void
test_parse_list(void **state)
{
	cstat_tables *t = build();
	struct cstat_diag d;

	(void)state;
	assert_int_equal(cstat_tables_stat_count(t), 0);
	assert_int_equal(cstat_tables_set(t, "stats",
					  "mean, stddev,min max,cv,n,p50,p99.9",
					  &d),
			 0);
	assert_int_equal(cstat_tables_stat_count(t), 8);
	assert_string_equal(cstat_tables_stat_name(t, 0), "mean");
	assert_string_equal(cstat_tables_stat_name(t, 7), "p99.9");
	assert_null(cstat_tables_stat_name(t, 8));
	static const char *const bad[] = {"median", "p",   "p101",  "p9.9.9",
					  "p.5",    "P90", "mean,x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(cstat_tables_set(t, "stats", bad[i], &d),
				 CSTAT_EINVAL);
		assert_non_null(strstr(d.message, "unknown statistic"));
	}
	/* A bad list leaves the previous one. */
	assert_int_equal(cstat_tables_stat_count(t), 8);
	assert_int_equal(cstat_tables_set(t, "stats", "", &d), 0);
	assert_int_equal(cstat_tables_stat_count(t), 0);
	assert_int_equal(cstat_tables_set(t, "samples", "yes", &d),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_tables_set(t, "colour", "true", &d),
			 CSTAT_EINVAL);
	assert_string_equal(d.message, "unknown setting \"colour\"");
	cstat_tables_free(t);
}

/* Each statistic of A's old column (10, 11, 12, 19 ns) by definition. */
static void
test_values(void **state)
{
	cstat_tables *t = build();
	struct cstat_diag d;
	double v, x[4] = {10e-9, 11e-9, 12e-9, 19e-9};
	double mean = (x[0] + x[1] + x[2] + x[3]) / 4, ss = 0;

	(void)state;
	for (int i = 0; i < 4; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	double sd = sqrt(ss / 3);
	assert_int_equal(cstat_tables_set(t, "stats",
					  "mean,stddev,min,max,cv,n,p50,p90,"
					  "p0,p100",
					  &d),
			 0);
	assert_string_equal(cstat_table_row_label(t, 0, 0), "A");
	double want[] = {mean, sd, x[0], x[3], sd / mean, 4, (x[1] + x[2]) / 2,
			 /* GSL: linear between order statistics at
			  * (n - 1) q = 2.7 */
			 x[2] + 0.7 * (x[3] - x[2]), x[0], x[3]};
	for (size_t k = 0; k < 10; k++) {
		assert_int_equal(cstat_table_cell_stat(t, 0, 0, 0, k, &v), 0);
		assert_close(v, want[k], 1e-12);
	}
	/* B has one value a side: no stddev or cv. */
	assert_int_equal(cstat_table_cell_stat(t, 0, 1, 0, 1, &v), 0);
	assert_true(isnan(v));
	assert_int_equal(cstat_table_cell_stat(t, 0, 1, 0, 4, &v), 0);
	assert_true(isnan(v));
	assert_int_equal(cstat_table_cell_stat(t, 0, 1, 0, 0, &v), 0);
	assert_close(v, 7e-9, 1e-12);
	assert_int_equal(cstat_table_cell_stat(t, 0, 0, 0, 10, &v),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_table_cell_stat(t, 0, 2, 0, 0, &v),
			 CSTAT_EINVAL);
	cstat_tables_free(t);
}

static char *
render(cstat_tables *t, int fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cstat_tables_write(t, fmt, f, NULL), 0);
	fclose(f);
	return buf;
}

/* The text and CSV layouts gain one column per statistic and column. */
static void
test_columns(void **state)
{
	cstat_tables *t = build();
	struct cstat_diag d;

	(void)state;
	char *plain = render(t, CSTAT_FORMAT_TEXT);
	assert_int_equal(cstat_tables_set(t, "stats", "mean,n", &d), 0);
	char *text = render(t, CSTAT_FORMAT_TEXT);
	char *csv = render(t, CSTAT_FORMAT_CSV);
	assert_null(strstr(plain, " mean"));
	assert_non_null(strstr(text, "sec/op         mean  n"));
	/* A's row: median 11.5n, mean 13n, n 4, in the row's scale. */
	assert_non_null(strstr(text, "11.500n ± ∞ ¹  13.000n  4"));
	assert_non_null(strstr(csv, ",sec/op,CI,mean,n,sec/op,CI,mean,n,"
				    "vs base,P\n"));
	assert_non_null(strstr(csv, "A,1.15e-08,∞,1.3e-08,4,"));
	free(plain);
	free(text);
	free(csv);
	cstat_tables_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_list),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_columns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
