/*
 * test-builder.c - grouping results into tables and the statistics of each
 * cell, through the public API.  Expected values come from the conformance
 * cases named beside them (benchstat's own output) or are worked by hand.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "cstat.h"
#include "builder.h"

/* Reads the named in-memory files into a builder and builds the tables. */
static cstat_tables *
build(const char *const *names, const char *const *texts, size_t n,
      double alpha, double confidence)
{
	cstat_reader *r;
	cstat_builder *b;
	cstat_tables *t;
	struct cstat_diag d;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	for (size_t i = 0; i < n; i++) {
		const struct cstat_result *res;
		int rc;
		assert_int_equal(cstat_reader_open_mem(r, texts[i],
						       strlen(texts[i]),
						       names[i]),
				 0);
		while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
			assert_int_equal(rc, 1);
			assert_int_equal(cstat_builder_add(b, res), 0);
		}
	}
	struct cstat_stats_opts o = {
		.alpha = alpha, .confidence = confidence, .units = r};
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	/* A built builder takes no more results. */
	cstat_tables *again = NULL;
	assert_int_equal(cstat_builder_build(b, &o, &again), CSTAT_ESTATE);
	assert_null(again);
	cstat_builder_free(b);
	cstat_reader_free(r);
	return t;
}

static const char *mismatch_a =
	"goos: linux\n"
	"BenchmarkA-8 100 10 ns/op\nBenchmarkA-8 100 11 ns/op\n"
	"BenchmarkA-8 100 12 ns/op\nBenchmarkA-8 100 10 ns/op\n"
	"BenchmarkA-8 100 11 ns/op\nBenchmarkA-8 100 12 ns/op\n"
	"BenchmarkB-8 100 20 ns/op\nBenchmarkB-8 100 21 ns/op\n"
	"BenchmarkB-8 100 22 ns/op\nBenchmarkB-8 100 20 ns/op\n"
	"BenchmarkB-8 100 21 ns/op\nBenchmarkB-8 100 22 ns/op\n";
static const char *mismatch_b =
	"goos: linux\n"
	"BenchmarkB-8 100 30 ns/op\nBenchmarkB-8 100 31 ns/op\n"
	"BenchmarkB-8 100 32 ns/op\nBenchmarkB-8 100 30 ns/op\n"
	"BenchmarkB-8 100 31 ns/op\nBenchmarkB-8 100 32 ns/op\n"
	"BenchmarkC-8 100 40 ns/op\nBenchmarkC-8 100 41 ns/op\n"
	"BenchmarkC-8 100 42 ns/op\nBenchmarkC-8 100 40 ns/op\n"
	"BenchmarkC-8 100 41 ns/op\nBenchmarkC-8 100 42 ns/op\n";

static void
test_builder_build_mismatched_sets(void **state)
{
	(void)state;
	/* The edge-mismatch conformance case. */
	const char *names[] = {"a.txt", "b.txt"};
	const char *texts[] = {mismatch_a, mismatch_b};
	cstat_tables *t = build(names, texts, 2, 0.05, 0.95);
	struct cstat_cell c;

	assert_int_equal(cstat_tables_count(t), 1);
	assert_string_equal(cstat_table_unit(t, 0), "sec/op");
	assert_int_equal(cstat_table_rows(t, 0), 3);
	assert_int_equal(cstat_table_cols(t, 0), 2);
	/* Rows in first-seen order, columns in file order. */
	assert_string_equal(cstat_table_row_label(t, 0, 0), "A-8");
	assert_string_equal(cstat_table_row_label(t, 0, 1), "B-8");
	assert_string_equal(cstat_table_row_label(t, 0, 2), "C-8");
	assert_string_equal(cstat_table_col_label(t, 0, 0), "a.txt");
	assert_string_equal(cstat_table_col_label(t, 0, 1), "b.txt");

	assert_int_equal(cstat_table_cell(t, 0, 0, 1, &c), 0);
	assert_false(c.present);
	assert_int_equal(cstat_table_cell(t, 0, 1, 0, &c), 0);
	assert_true(c.present);
	assert_int_equal(c.n, 6);
	/* R8 median of 20,20,21,21,22,22 = 21 (printed 21.00n). */
	assert_close(c.center, 21e-9, 1e-12);
	assert_false(c.has_comparison);
	assert_int_equal(cstat_table_cell(t, 0, 1, 1, &c), 0);
	assert_true(c.has_comparison);
	/* "+47.62% (p=0.002 n=6)" */
	assert_close(c.p, 0.002, 0.1);
	assert_true(c.significant);
	assert_close(c.delta, 31.0 / 21.0 - 1, 1e-12);
	/* Six samples give a finite interval at 0.95: no warning. */
	assert_int_equal(c.nwarnings, 0);
	assert_int_equal(cstat_table_cell(t, 0, 9, 0, &c), CSTAT_EINVAL);
	cstat_tables_free(t);
}

static void
test_builder_build_warns_on_small_samples(void **state)
{
	(void)state;
	const char *names[] = {"old", "new"};
	const char *texts[] = {"BenchmarkX 1 10 ns/op\nBenchmarkX 1 12 ns/op\n",
			       "BenchmarkX 1 20 ns/op\n"};
	cstat_tables *t = build(names, texts, 2, 0.05, 0.95);
	struct cstat_cell c;

	assert_int_equal(cstat_table_cell(t, 0, 0, 1, &c), 0);
	assert_false(c.significant);
	assert_true(isinf(c.lo) && isinf(c.hi));
	/* From edge-custom: the interval and the U test warnings. */
	assert_int_equal(c.nwarnings, 2);
	assert_string_equal(cstat_table_cell_warning(t, 0, 0, 1, 0),
			    "need >= 6 samples for confidence interval at "
			    "level 0.95");
	assert_string_equal(cstat_table_cell_warning(t, 0, 0, 1, 1),
			    "need >= 4 samples to detect a difference at alpha "
			    "level 0.05");
	assert_null(cstat_table_cell_warning(t, 0, 0, 1, 2));
	cstat_tables_free(t);
}

static void
test_builder_build_splits_tables_by_config_and_unit(void **state)
{
	(void)state;
	/* edge-tableorder: configurations sort bytewise, units by sight. */
	const char *names[] = {"perm-order.txt"};
	const char *texts[] = {"pkg: zzz\n"
			       "BenchmarkFoo 10 100 ns/op\n"
			       "BenchmarkFoo 10 110 ns/op\n"
			       "pkg: aaa\n"
			       "BenchmarkBar 10 200 ns/op 5 B/op\n"
			       "BenchmarkBar 10 210 ns/op 5 B/op\n"};
	cstat_tables *t = build(names, texts, 1, 0.05, 0.95);

	assert_int_equal(cstat_tables_count(t), 3);
	assert_string_equal(cstat_table_unit(t, 0), "sec/op");
	assert_string_equal(cstat_table_row_label(t, 0, 0), "Bar");
	assert_string_equal(cstat_table_unit(t, 1), "B/op");
	assert_string_equal(cstat_table_unit(t, 2), "sec/op");
	assert_string_equal(cstat_table_row_label(t, 2, 0), "Foo");
	cstat_tables_free(t);
}

static void
test_builder_build_exact_units_use_the_mode(void **state)
{
	(void)state;
	/* edge-custom: "Unit size-B assume=exact" compares with n=1. */
	const char *names[] = {"a", "b"};
	const char *texts[] = {"Unit size-B assume=exact\n"
			       "BenchmarkBuild 1 7 size-B\n"
			       "BenchmarkBuild 1 5 size-B\n"
			       "BenchmarkBuild 1 5 size-B\n",
			       "BenchmarkBuild 1 6 size-B\n"};
	cstat_tables *t = build(names, texts, 2, 0.05, 0.95);
	struct cstat_cell c;

	assert_int_equal(cstat_table_cell(t, 0, 0, 0, &c), 0);
	assert_true(c.center == 5);
	assert_true(c.lo == 5 && c.hi == 7);
	assert_string_equal(cstat_table_cell_warning(t, 0, 0, 0, 0),
			    "exact distribution expected, but values range "
			    "from 5 to 7");
	assert_int_equal(cstat_table_cell(t, 0, 0, 1, &c), 0);
	assert_true(c.has_comparison);
	assert_true(c.p == 0);
	assert_true(c.significant);
	cstat_tables_free(t);
}

static void
test_builder_build_rejects_bad_levels(void **state)
{
	(void)state;
	cstat_builder *b;
	cstat_tables *t = NULL;
	struct cstat_diag d;
	struct cstat_stats_opts o = {
		.alpha = 2, .confidence = 0.95, .units = NULL};

	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	assert_int_equal(cstat_builder_build(b, &o, &t), CSTAT_EINVAL);
	o.alpha = 0.05;
	o.confidence = NAN;
	assert_int_equal(cstat_builder_build(b, &o, &t), CSTAT_EINVAL);
	assert_null(t);
	/* An empty builder builds no tables. */
	o.confidence = 0.95;
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	assert_int_equal(cstat_tables_count(t), 0);
	cstat_tables_free(t);
	cstat_builder_free(b);
}

static void
test_tables_write_renders_text_and_csv(void **state)
{
	(void)state;
	const char *names[] = {"a.txt", "b.txt"};
	const char *texts[] = {mismatch_a, mismatch_b};
	cstat_tables *t = build(names, texts, 2, 0.05, 0.95);
	char *out, *warn;
	size_t outlen, warnlen;
	FILE *fo = open_memstream(&out, &outlen);
	FILE *fw = open_memstream(&warn, &warnlen);

	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_TEXT, fo, fw), 0);
	fflush(fo);
	fflush(fw);
	assert_non_null(strstr(out, "B-8       21.00n ± 5%   31.00n ± 3%  "
				    "+47.62% (p=0.002 n=6)\n"));
	assert_int_equal(warnlen, 0);
	rewind(fo);
	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_CSV, fo, fw), 0);
	fflush(fo);
	fflush(fw);
	/* Example 4 of BENCHSTAT.md. */
	assert_non_null(strstr(out, "B-8,2.1000000000000003e-08,5%,3.1e-08,"
				    "3%,+47.62%,p=0.002 n=6\n"));
	assert_string_equal(warn, "D7: benchmark set differs from baseline; "
				  "geomeans may not be comparable\n");
	assert_int_equal(cstat_tables_write(t, (enum cstat_format)99, fo, fw),
			 CSTAT_EINVAL);
	fclose(fo);
	fclose(fw);
	free(out);
	free(warn);
	cstat_tables_free(t);
}

static void
test_builder_add_hand_made_results(void **state)
{
	(void)state;
	/*
	 * Results made without a reader (config_text NULL): two with the
	 * same name but different configurations must land in two tables.
	 */
	struct cstat_config linux_cfg = {"goos", "linux"};
	struct cstat_config darwin_cfg = {"goos", "darwin"};
	struct cstat_value v = {1e-9, "sec/op", 1, "ns/op"};
	struct cstat_result a = {"f", "X", 1,  &linux_cfg, 1, NULL,
				 0,   1,   &v, 1,	   1};
	struct cstat_result b2 = a;
	cstat_builder *b;
	cstat_tables *t;
	struct cstat_diag d;

	b2.config = &darwin_cfg;
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	assert_int_equal(cstat_builder_add(b, &a), 0);
	assert_int_equal(cstat_builder_add(b, &b2), 0);
	assert_int_equal(cstat_builder_add(b, &a), 0);
	struct cstat_stats_opts o = {
		.alpha = 0.05, .confidence = 0.95, .units = NULL};
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	assert_int_equal(cstat_tables_count(t), 2);
	/* goos: darwin sorts first (configuration values bytewise). */
	struct cstat_cell c;
	assert_int_equal(cstat_table_cell(t, 0, 0, 0, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(cstat_table_cell(t, 1, 0, 0, &c), 0);
	assert_int_equal(c.n, 2);
	cstat_tables_free(t);
	cstat_builder_free(b);
}

/*
 * A second file's benchmarks are looked for first as the name interned
 * after the last one: whether it comes in the first file's order or
 * not, is a prefix of the name expected, is missing or is new, each
 * value must still reach its own benchmark's cell.
 */
static void
test_builder_names_found_again_in_any_order(void **state)
{
	(void)state;
	/* B0 first: the file's label and the unit are interned after it,
	 * and the names after B2 follow one another. */
	static const char *first[] = {"B0", "B2", "B10", "B1",
				      "B3", "B4", "B5"};
	/* After B2 comes B1, a prefix of the name interned after B2; no
	 * B4; B5 before B3; B6 new. */
	static const char *second[] = {"B0", "B2", "B1", "B10",
				       "B5", "B3", "B6"};
	struct cstat_value v = {0, "sec/op", 1, "ns/op"};
	struct cstat_result res = {0};
	cstat_builder *b;
	cstat_tables *t;
	struct cstat_diag d;

	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	res.values = &v;
	res.nvalues = 1;
	for (int f = 0; f < 2; f++) {
		const char **names = f ? second : first;
		res.file = f ? "new" : "old";
		for (int i = 0; i < 7; i++) {
			res.name = names[i];
			res.name_len = strlen(names[i]);
			/* The value says where it must land: the benchmark's
			 * number and the file. */
			v.value = atoi(names[i] + 1) + (f ? 0.5 : 0);
			for (int k = 0; k < 2; k++)
				assert_int_equal(cstat_builder_add(b, &res), 0);
		}
	}
	struct cstat_stats_opts o = CSTAT_STATS_OPTS_INIT;
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	assert_int_equal(cstat_tables_count(t), 1);
	assert_int_equal(cstat_table_rows(t, 0), 8);
	assert_int_equal(cstat_table_cols(t, 0), 2);
	size_t seen = 0;
	for (size_t r = 0; r < 8; r++) {
		const char *label = cstat_table_row_label(t, 0, r);
		int num = atoi(label + 1);
		for (size_t c = 0; c < 2; c++) {
			struct cstat_cell cell;
			assert_int_equal(cstat_table_cell(t, 0, r, c, &cell),
					 0);
			bool absent =
				(c == 1 && num == 4) || (c == 0 && num == 6);
			assert_int_equal(cell.present, !absent);
			if (absent)
				continue;
			assert_int_equal(cell.n, 2);
			assert_true(cell.center == num + (c ? 0.5 : 0));
			seen++;
		}
	}
	assert_int_equal(seen, 14);
	cstat_tables_free(t);
	cstat_builder_free(b);
}

/* A large two-file comparison, with ties, a unit line and bad lines. */
static void
make_large_inputs(char **a, char **b)
{
	size_t cap = 4 << 20;
	char *text = malloc(cap);
	uint64_t x = 12345;

	if (!text)
		fail();
	for (int f = 0; f < 2; f++) {
		size_t len = (size_t)snprintf(text, cap,
					      "goos: linux\npkg: p%d\n"
					      "Unit size-B assume=exact\n",
					      f);
		for (int i = 0; i < 3000; i++) {
			for (int k = 0; k < 5; k++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				len += (size_t)snprintf(
					text + len, cap - len,
					"BenchmarkB%d/n=%d-8 10 %d ns/op %d "
					"size-B\n",
					i, i % 7, 100 + i % 50 + (int)(x % 9),
					1000 + (int)(x % 3));
			}
			if (i % 997 == 0)
				len += (size_t)snprintf(
					text + len, cap - len,
					"BenchmarkBad x 1 ns/op\n");
		}
		*(f ? b : a) = temp_file(text, len);
	}
	free(text);
}

struct diags {
	char text[64][600];
	size_t n;
};

static void
collect(void *ctx, const struct cstat_diag *d)
{
	struct diags *ds = ctx;

	if (ds->n < 64)
		cstat_diag_format(d, ds->text[ds->n++], sizeof(ds->text[0]));
}

/* Reads and builds with the given threads; returns the text output. */
static char *
run_threads_with(const char *a, const char *b, unsigned threads,
		 struct diags *ds, const struct cstat_builder_opts *opts)
{
	const char *args[] = {a, b};
	cstat_inputs *in;
	cstat_reader *r;
	cstat_builder *bld;
	cstat_tables *t;
	struct cstat_diag d;
	char *out;
	size_t len;

	assert_int_equal(cstat_inputs_new(&in, args, 2), 0);
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_builder_new(&bld, opts, &d), 0);
	assert_int_equal(
		cstat_builder_read(bld, r, in, threads, collect, ds, &d), 0);
	struct cstat_stats_opts o = {.alpha = 0.05,
				     .confidence = 0.95,
				     .units = r,
				     .threads = threads};
	assert_int_equal(cstat_builder_build(bld, &o, &t), 0);
	FILE *f = open_memstream(&out, &len);
	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_CSV, f, f), 0);
	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_TEXT, f, f), 0);
	/* Every cell's values too, as kept: a value copied to the wrong
	 * place after its cell was summarized changes no summary. */
	for (size_t i = 0; i < cstat_tables_count(t); i++)
		for (size_t row = 0; row < cstat_table_rows(t, i); row++)
			for (size_t c = 0; c < cstat_table_cols(t, i); c++) {
				size_t n;
				const double *v = cstat_table_cell_values(
					t, i, row, c, &n);
				fprintf(f, "%zu %zu %zu:", i, row, c);
				for (size_t k = 0; k < n; k++)
					fprintf(f, " %.17g", v[k]);
				fputc('\n', f);
			}
	fclose(f);
	cstat_tables_free(t);
	cstat_builder_free(bld);
	cstat_reader_free(r);
	cstat_inputs_free(in);
	return out;
}

static char *
run_threads(const char *a, const char *b, unsigned threads, struct diags *ds)
{
	return run_threads_with(a, b, threads, ds, NULL);
}

static void
test_builder_filters_and_projects_alike_on_threads(void **state)
{
	(void)state;
	char *a, *b;
	struct diags d1 = {0}, d2 = {0};
	/* A filter that keeps part of each result and drops some results,
	 * and projections that merge rows (so runs of results are split and
	 * re-added by the parallel reader). */
	struct cstat_builder_opts o = {.filter = ".unit:ns/op -.name:/B1[0-9]/",
				       .row = ".name",
				       .col = ".file /n@num",
				       .ignore = "pkg"};

	make_large_inputs(&a, &b);
	char *one = run_threads_with(a, b, 1, &d1, &o);
	char *two = run_threads_with(a, b, 2, &d2, &o);
	assert_string_equal(one, two);
	/* Only the time unit is left, and B1.. rows are gone. */
	assert_null(strstr(one, "size-B"));
	assert_non_null(strstr(one, "sec/op"));
	assert_null(strstr(one, "\nB10 "));
	assert_non_null(strstr(one, "\nB2 "));
	unlink(a);
	unlink(b);
	free(a);
	free(b);
	free(one);
	free(two);
}

/* A filter without .unit is decided once a result, and a result dropped
 * whole drops the rest of its run on the parallel reader: both threads'
 * outputs agree, and the rows it names are gone while the others stay. */
static void
test_builder_drops_whole_runs_alike_on_threads(void **state)
{
	(void)state;
	char *a, *b;
	struct diags d1 = {0}, d2 = {0};
	struct cstat_builder_opts o = {.filter = "-.name:/B1[0-9]/",
				       .row = ".name"};

	make_large_inputs(&a, &b);
	char *one = run_threads_with(a, b, 1, &d1, &o);
	char *two = run_threads_with(a, b, 2, &d2, &o);
	assert_string_equal(one, two);
	assert_null(strstr(one, "\nB10 "));
	assert_non_null(strstr(one, "\nB2 "));
	assert_non_null(strstr(one, "sec/op"));
	o.filter = ".name:none";
	char *none = run_threads_with(a, b, 2, &d2, &o);
	assert_null(strstr(none, "\nB2 "));
	unlink(a);
	unlink(b);
	free(a);
	free(b);
	free(one);
	free(two);
	free(none);
}

static void
test_builder_new_reports_bad_queries(void **state)
{
	(void)state;
	cstat_builder *b = (cstat_builder *)1;
	struct cstat_diag d;
	struct cstat_builder_opts o = {.col = ".unit"};

	/* edge-badcol and edge-badfilter: benchstat's words and caret. */
	assert_int_equal(cstat_builder_new(&b, &o, &d), CSTAT_EINVAL);
	assert_null(b);
	assert_string_equal(d.message, "parsing -col: syntax error: .unit is "
				       "only allowed in filters\n\t.unit\n\t^");
	o = (struct cstat_builder_opts){.filter = ".name:("};
	assert_int_equal(cstat_builder_new(&b, &o, &d), CSTAT_EINVAL);
	assert_string_equal(d.message,
			    "parsing -filter: syntax error: expected "
			    "value\n\t.name:(\n\t       ^");
	o = (struct cstat_builder_opts){.row = "x@bogus"};
	assert_int_equal(cstat_builder_new(&b, &o, &d), CSTAT_EINVAL);
	assert_string_equal(d.message, "parsing -row: syntax error: unknown "
				       "order \"bogus\"\n\tx@bogus\n\t  ^");
}

/* Orders doubles as numbers, -0 before 0 (which compare equal). */
static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	if (x != y)
		return x < y ? -1 : 1;
	return (int)!signbit(x) - (int)!signbit(y);
}

/*
 * The builder keeps values as decimal codes when it can: every value must
 * come back with its very bits, whichever way it is kept.  The values are
 * the kinds a reader makes (63.9 ns read as 63.9 * (1 / 1e9) s, counts,
 * decimals) and ones no code holds (-0, negatives, 2^27 and beyond, tiny,
 * 0.1 + 0.2, NaN-free subnormals), each cell getting them one result at a
 * time so cells grow and turn from codes into doubles midway.
 */
static void
test_builder_values_come_back_exactly(void **state)
{
	(void)state;
	static const double plain[] = {
		0,
		8,
		4096,
		63.9,
		80540.2,
		1.5,
		0.001,
		123456.789,
		134217727,
		134217728,
		1e15,
		-0.0,
		-3.5,
		0.1 + 0.2,
		4.9e-324,
		2.2e-308,
		1e-300,
		99999999.9,
		0.30000000000000004,
	};
	enum { NPLAIN = sizeof(plain) / sizeof(plain[0]) };
	double want[2][NPLAIN * 2];
	cstat_builder *b;
	cstat_tables *t;
	struct cstat_diag d;
	struct cstat_value v = {0, "sec/op", 1, "ns/op"};
	struct cstat_result r = {"f", "BenchmarkX", 10, NULL, 0, NULL, 0,
				 1,   &v,	    1,	1};

	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	for (size_t i = 0; i < NPLAIN * 2; i++) {
		/* The second half as a reader scales nanoseconds. */
		double x =
			i < NPLAIN ? plain[i] : plain[i - NPLAIN] * (1 / 1e9);
		/* Cell 0 starts with codes, cell 1 with one that has none. */
		want[0][i] = x;
		want[1][i] = i == 0 ? -0.0 : x;
		v.value = want[0][i];
		r.file = "a";
		assert_int_equal(cstat_builder_add(b, &r), 0);
		v.value = want[1][i];
		r.file = "b";
		assert_int_equal(cstat_builder_add(b, &r), 0);
	}
	assert_int_equal(cstat_builder_build(b, NULL, &t), 0);
	for (size_t c = 0; c < 2; c++) {
		size_t n;
		const double *vals = cstat_table_cell_values(t, 0, 0, c, &n);
		double got[NPLAIN * 2];
		assert_int_equal(n, NPLAIN * 2);
		/* -0 and 0 may come in either order: put both in one. */
		memcpy(got, vals, sizeof(got));
		qsort(got, n, sizeof(double), cmp_double);
		qsort(want[c], n, sizeof(double), cmp_double);
		for (size_t i = 0; i < n; i++)
			assert_memory_equal(&got[i], &want[c][i],
					    sizeof(double));
	}
	cstat_tables_free(t);
	cstat_builder_free(b);
}

/*
 * A run whose value is the same in every result keeps it once
 * (cstat__builder_expect_same()): the same cells come back with the same
 * values, bit for bit, as when every value is kept, through a cell that
 * stays the same over two runs, one that a later run spreads out, one
 * that a value without a code turns into doubles, and one that never
 * had the hint, in less room.
 */
static void
test_builder_same_runs_keep_their_values(void **state)
{
	(void)state;
	/* Runs of benchmark X, then Y, in file "a": per result, three values
	 * (slot 0 varies, slot 1 and 2 as given); nrun results each. */
	static const struct {
		const char *name;
		size_t nrun;
		double v[6][3];
	} runs[] = {
		{"BenchmarkX",
		 5,
		 {{1, 7, 8}, {2, 7, 8}, {3, 7, 8}, {4, 7, 8}, {5, 7, 8}}},
		{"BenchmarkX", 3, {{6, 7, 8}, {7, 7, 9}, {8, 7, 8}}},
		{"BenchmarkX", 2, {{9, -3.5, 8}, {10, -3.5, 8}}},
		{"BenchmarkY",
		 6,
		 {{63.9e-9, 4096, 1},
		  {63.9e-9, 4096, 1},
		  {63.9e-9, 4096, 1},
		  {63.9e-9, 4096, 1},
		  {63.9e-9, 4096, 1},
		  {63.9e-9, 4096, 1}}},
		{"BenchmarkY", 2, {{64e-9, 4096, 1}, {64e-9, 4096, 2}}},
	};
	cstat_tables *t[2];
	size_t words[2];

	for (int hinted = 0; hinted < 2; hinted++) {
		cstat_builder *b;
		struct cstat_diag d;
		struct cstat_value v[3] = {{0, "sec/op", 1, "ns/op"},
					   {0, "B/op", 1, "B/op"},
					   {0, "allocs/op", 1, "allocs/op"}};
		struct cstat_result r = {"a", NULL, 0, NULL, 0, NULL,
					 0,   1,    v, 3,    1};

		assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
		for (size_t k = 0; k < sizeof(runs) / sizeof(runs[0]); k++) {
			uint64_t same = 0;
			for (size_t s = 0; s < 3; s++) {
				bool all = true;
				for (size_t j = 1; j < runs[k].nrun; j++)
					all &= runs[k].v[j][s] ==
					       runs[k].v[0][s];
				same |= (uint64_t)all << s;
			}
			r.name = runs[k].name;
			r.name_len = strlen(runs[k].name);
			for (size_t s = 0; s < 3; s++)
				v[s].value = runs[k].v[0][s];
			cstat__builder_expect(b, runs[k].nrun);
			if (hinted)
				cstat__builder_expect_same(b, same);
			assert_int_equal(cstat_builder_add(b, &r), 0);
			for (size_t j = 1; j < runs[k].nrun; j++)
				assert_int_equal(cstat__builder_append_last(
							 b, runs[k].v[j], 3),
						 0);
			cstat__builder_expect(b, 0);
		}
		words[hinted] = cstat__builder_value_words(b);
		assert_int_equal(cstat_builder_build(b, NULL, &t[hinted]), 0);
		cstat_builder_free(b);
	}
	/* Y's B/op and allocs/op, and X's B/op over its first two runs,
	 * each kept once. */
	assert_true(words[1] + 10 <= words[0]);
	assert_int_equal(cstat_tables_count(t[0]), 3);
	assert_int_equal(cstat_tables_count(t[1]), 3);
	for (size_t ti = 0; ti < 3; ti++)
		for (size_t row = 0; row < 2; row++) {
			size_t n0, n1;
			const double *a =
				cstat_table_cell_values(t[0], ti, row, 0, &n0);
			const double *c =
				cstat_table_cell_values(t[1], ti, row, 0, &n1);
			assert_non_null(a);
			assert_non_null(c);
			assert_int_equal(n0, row == 0 ? 10 : 8);
			assert_int_equal(n1, n0);
			assert_memory_equal(a, c, n0 * sizeof(double));
		}
	cstat_tables_free(t[0]);
	cstat_tables_free(t[1]);
}

/*
 * A row of more than 8 cells (builder.c's CHAIN_MAX, past which a cell
 * is looked up in a map filled only when a lookup needs it): results
 * for 12 files in order, then for files 3, 0, 11 and 5 again, go to the
 * cells already there, and a 13th file after them is a new column.  So
 * each of files 0, 3, 5 and 11 has 2 values, the others 1.
 */
static void
test_builder_cells_found_again_past_the_chain(void **state)
{
	(void)state;
	static const int again[] = {3, 0, 11, 5, 12};
	char files[13][8];
	cstat_builder *b;
	cstat_tables *t;
	struct cstat_diag d;
	struct cstat_value v = {1e-9, "sec/op", 1, "ns/op"};
	struct cstat_result r = {"f", "BenchmarkX", 10, NULL, 0, NULL, 0,
				 1,   &v,	    1,	1};

	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	for (int i = 0; i < 13; i++)
		snprintf(files[i], sizeof(files[i]), "f%02d", i);
	for (int i = 0; i < 12; i++) {
		r.file = files[i];
		v.value = (double)(i + 1) * 1e-9;
		assert_int_equal(cstat_builder_add(b, &r), 0);
	}
	for (int i = 0; i < 5; i++) {
		r.file = files[again[i]];
		v.value = (double)(again[i] + 1) * 1e-9;
		assert_int_equal(cstat_builder_add(b, &r), 0);
	}
	assert_int_equal(cstat_builder_build(b, NULL, &t), 0);
	assert_int_equal(cstat_table_rows(t, 0), 1);
	assert_int_equal(cstat_table_cols(t, 0), 13);
	for (size_t c = 0; c < 13; c++) {
		size_t n;
		const double *vals = cstat_table_cell_values(t, 0, 0, c, &n);
		bool twice = c == 0 || c == 3 || c == 5 || c == 11;
		assert_int_equal(n, twice ? 2 : 1);
		for (size_t k = 0; k < n; k++)
			assert_true(vals[k] == (double)(c + 1) * 1e-9);
	}
	cstat_tables_free(t);
	cstat_builder_free(b);
}

/*
 * The builder finds a unit again by its text: the same text at another
 * address goes to the same cells, other text at the same address (a
 * reader's reused buffer) to other ones.
 */
static void
test_builder_units_by_text_not_address(void **state)
{
	(void)state;
	char u1[8] = "sec/op", u2[8] = "sec/op";
	struct cstat_value v = {1.5, u1, 1.5, u1};
	struct cstat_result r = {"a", "BenchmarkX", 10, NULL, 0, NULL, 0,
				 1,   &v,	    1,	1};
	cstat_builder *b;
	cstat_tables *t;
	struct cstat_diag d;
	struct cstat_cell c;

	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	assert_int_equal(cstat_builder_add(b, &r), 0);
	v.unit = v.orig_unit = u2;
	assert_int_equal(cstat_builder_add(b, &r), 0);
	r.file = "b"; /* a new column: the unit found by its slot */
	assert_int_equal(cstat_builder_add(b, &r), 0);
	strcpy(u2, "B/op");
	v.value = v.orig_value = 7;
	assert_int_equal(cstat_builder_add(b, &r), 0);
	assert_int_equal(cstat_builder_build(b, NULL, &t), 0);
	assert_int_equal(cstat_tables_count(t), 2);
	/* Tables by unit in their first order: sec/op, then B/op. */
	assert_int_equal(cstat_table_cell(t, 0, 0, 0, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(cstat_table_cell(t, 0, 0, 1, &c), 0);
	assert_int_equal(c.n, 1);
	assert_int_equal(cstat_table_cell(t, 1, 0, 0, &c), 0);
	assert_int_equal(c.n, 1);
	cstat_tables_free(t);
	cstat_builder_free(b);
}

/* Writes tables t in format f to a string (caller frees). */
static char *
write_tables(const cstat_tables *t, enum cstat_format f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(out);
	assert_int_equal(cstat_tables_write(t, f, out, out), 0);
	fclose(out);
	return buf;
}

/*
 * Tables built for their summaries only print exactly what tables with
 * their values do, with the builder's strings, once it is freed, and
 * refuse what needs the values.  Rows by the given projection (NULL: the
 * default): a row label that is one field's value is the builder's own
 * string there, and the same bytes as one made afresh.
 */
static void
summaries_only_same(const char *row, const char *want)
{
	char *a, *bpath;
	cstat_tables *t[2];
	struct cstat_builder_opts bo = CSTAT_BUILDER_OPTS_INIT;

	bo.row = row;
	make_large_inputs(&a, &bpath);
	for (int k = 0; k < 2; k++) {
		cstat_reader *r;
		cstat_builder *b;
		cstat_inputs *in;
		struct cstat_diag d;
		const char *args[] = {a, bpath};
		assert_int_equal(cstat_reader_new(&r), 0);
		assert_int_equal(cstat_builder_new(&b, &bo, &d), 0);
		assert_int_equal(cstat_inputs_new(&in, args, 2), 0);
		if (k)
			assert_int_equal(cstat_builder_summaries_only(b), 0);
		struct diags ds = {0};
		assert_int_equal(
			cstat_builder_read(b, r, in, 2, collect, &ds, &d), 0);
		struct cstat_stats_opts o = CSTAT_STATS_OPTS_INIT;
		o.units = r;
		o.threads = 2;
		assert_int_equal(cstat_builder_build(b, &o, &t[k]), 0);
		/* Too late once built. */
		assert_int_equal(cstat_builder_summaries_only(b), CSTAT_ESTATE);
		/* The tables of summaries only took the builder's strings
		 * (they are written below, the builder freed): what needs
		 * them refuses. */
		if (k) {
			assert_int_equal(cstat_builder_watch_diff(b, NULL, 0),
					 CSTAT_ESTATE);
			assert_int_equal(cstat_builder_watch_mixed(b, NULL, 0),
					 CSTAT_ESTATE);
		}
		cstat_builder_free(b);
		cstat_inputs_free(in);
		cstat_reader_free(r);
	}
	enum cstat_format fmts[] = {CSTAT_FORMAT_TEXT, CSTAT_FORMAT_CSV,
				    CSTAT_FORMAT_MARKDOWN, CSTAT_FORMAT_JSON};
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		char *x = write_tables(t[0], fmts[i]);
		char *y = write_tables(t[1], fmts[i]);
		assert_true(strlen(x) > 100);
		assert_string_equal(x, y);
		if (fmts[i] == CSTAT_FORMAT_TEXT && !strstr(y, want))
			fail_msg("no \"%s\" in:\n%.2000s", want, y);
		free(x);
		free(y);
	}
	size_t n = 1;
	assert_non_null(cstat_table_cell_values(t[0], 0, 0, 0, &n));
	assert_null(cstat_table_cell_values(t[1], 0, 0, 0, &n));
	assert_int_equal(n, 0);
	struct cstat_diag d;
	assert_int_equal(cstat_tables_set(t[1], "stats", "mean", &d),
			 CSTAT_ESTATE);
	assert_int_equal(cstat_tables_set(t[1], "samples", "true", &d),
			 CSTAT_ESTATE);
	assert_int_equal(cstat_tables_set(t[1], "samples", "false", &d), 0);
	assert_int_equal(
		cstat_tables_write(t[1], CSTAT_FORMAT_HTML, stdout, stderr),
		CSTAT_ESTATE);
	assert_int_equal(cstat_builder_summaries_only(NULL), CSTAT_EINVAL);
	cstat_tables_free(t[0]);
	cstat_tables_free(t[1]);
	unlink(a);
	unlink(bpath);
	free(a);
	free(bpath);
}

static void
test_builder_summaries_only_print_the_same(void **state)
{
	(void)state;
	/* By default, and by one name field: a label per benchmark. */
	summaries_only_same(NULL, "\nB2999/n=3-8 ");
	summaries_only_same(".name", "\nB2999 ");
	/* By a key no benchmark has: one row, labelled "" (string 0). */
	summaries_only_same("/m", "\n            128.0n ± 1% ¹\n");
	/* Two fields: the label is made. */
	summaries_only_same(".name /n", "\nB2999 3 ");
}

static void
test_builder_threads_give_the_same_tables(void **state)
{
	(void)state;
	char *a, *b;
	struct diags d1 = {0}, d2 = {0};

	make_large_inputs(&a, &b);
	char *one = run_threads(a, b, 1, &d1);
	char *two = run_threads(a, b, 2, &d2);
	/* Same output byte for byte, same syntax errors in the same order. */
	assert_string_equal(one, two);
	assert_int_equal(d1.n, 8);
	assert_int_equal(d1.n, d2.n);
	for (size_t i = 0; i < d1.n; i++)
		assert_string_equal(d1.text[i], d2.text[i]);
	assert_non_null(strstr(d1.text[0], ":9: parsing iteration count"));
	unlink(a);
	unlink(b);
	free(a);
	free(b);
	free(one);
	free(two);
}

static void
test_builder_read_stops_at_unreadable_input(void **state)
{
	(void)state;
	char *a, *b;
	make_large_inputs(&a, &b);
	for (unsigned threads = 1; threads <= 2; threads++) {
		const char *args[] = {a, "/nonexistent/x.txt", b};
		cstat_inputs *in;
		cstat_reader *r;
		cstat_builder *bld;
		struct cstat_diag d;
		struct diags ds = {0};
		char msg[700];

		assert_int_equal(cstat_inputs_new(&in, args, 3), 0);
		assert_int_equal(cstat_reader_new(&r), 0);
		assert_int_equal(cstat_builder_new(&bld, NULL, &d), 0);
		assert_int_equal(cstat_builder_read(bld, r, in, threads,
						    collect, &ds, &d),
				 CSTAT_ENOENT);
		cstat_diag_format(&d, msg, sizeof(msg));
		assert_string_equal(
			msg,
			"open /nonexistent/x.txt: no such file or directory");
		/* The first file's syntax errors came before the failure. */
		assert_int_equal(ds.n, 4);
		cstat_builder_free(bld);
		cstat_reader_free(r);
		cstat_inputs_free(in);
	}
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}

/* Two runs of one benchmark, a file each, with these cpu and goarch lines
 * (goarch NULL: none). */
static cstat_builder *
watched(const char *keys, const char *cpu_a, const char *cpu_b,
	const char *goarch_b)
{
	char a[512], b2[512];
	const char *names[] = {"a.txt", "b.txt"};
	const char *texts[] = {a, b2};
	cstat_reader *r;
	cstat_builder *b;
	struct cstat_diag d;

	snprintf(a, sizeof(a),
		 "goos: linux\ngoarch: amd64\ncpu: %s\n"
		 "BenchmarkA-8 100 10 ns/op\nBenchmarkA-8 100 11 ns/op\n"
		 "BenchmarkB-8 100 20 ns/op\nBenchmarkB-8 100 21 ns/op\n",
		 cpu_a);
	snprintf(b2, sizeof(b2),
		 "goos: linux\n%s%s%scpu: %s\n"
		 "BenchmarkA-8 100 12 ns/op\nBenchmarkA-8 100 13 ns/op\n"
		 "BenchmarkB-8 100 22 ns/op\nBenchmarkB-8 100 23 ns/op\n",
		 goarch_b ? "goarch: " : "", goarch_b ? goarch_b : "",
		 goarch_b ? "\n" : "", cpu_b);
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	assert_int_equal(cstat_builder_watch(b, keys), 0);
	/* Once, before any result. */
	assert_int_equal(cstat_builder_watch(b, keys), CSTAT_EINVAL);
	for (size_t i = 0; i < 2; i++) {
		const struct cstat_result *res;
		int rc;
		assert_int_equal(cstat_reader_open_mem(r, texts[i],
						       strlen(texts[i]),
						       names[i]),
				 0);
		while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
			assert_int_equal(rc, 1);
			assert_int_equal(cstat_builder_add(b, res), 0);
		}
	}
	cstat_reader_free(r);
	return b;
}

static uint64_t
xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* A file whose configuration keys (cpu and goarch among them) are set,
 * padded, emptied or changed before each of 40 results. */
static char *
edited_file(uint64_t *x)
{
	static const char *const keys[] = {"cpu", "goarch", "k1",
					   "k2",  "k3",	    "k4"};
	static const char *const values[] = {"A", "B  ", "", "C", "D"};
	char text[8192];
	size_t len = 0;

	for (int i = 0; i < 40; i++) {
		for (uint64_t e = xorshift(x) % 3; e > 0; e--) {
			const char *k = keys[xorshift(x) % 6];
			const char *v = values[xorshift(x) % 5];
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"%s: %s\n", k, v);
		}
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"BenchmarkA-8 100 %d ns/op\n",
					100 + (int)(xorshift(x) % 9));
	}
	return temp_file(text, len);
}

/* The watched keys' diff and mixed lists of paths read by
 * cstat_builder_read() (by_hand false) or result by result. */
static void
watch_lists(char *const *paths, bool by_hand, char *diff, char *mixed, int *n)
{
	cstat_reader *r;
	cstat_builder *b;
	struct cstat_diag d;
	struct diags ds = {0};

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	assert_int_equal(cstat_builder_watch(b, "cpu,goarch,k3"), 0);
	if (!by_hand) {
		cstat_inputs *in;
		const char *args[] = {paths[0], paths[1]};
		assert_int_equal(cstat_inputs_new(&in, args, 2), 0);
		assert_int_equal(
			cstat_builder_read(b, r, in, 2, collect, &ds, &d), 0);
		cstat_inputs_free(in);
	}
	for (int f = 0; by_hand && f < 2; f++) {
		const struct cstat_result *res;
		size_t len;
		char *text = slurp(paths[f], &len);
		int rc;
		assert_int_equal(cstat_reader_open_mem(r, text, len, paths[f]),
				 0);
		while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
			assert_int_equal(rc, 1);
			assert_int_equal(cstat_builder_add(b, res), 0);
		}
		free(text);
	}
	n[0] = cstat_builder_watch_diff(b, diff, 1024);
	n[1] = cstat_builder_watch_mixed(b, mixed, 256);
	cstat_builder_free(b);
	cstat_reader_free(r);
}

/*
 * The builder told how much of each configuration the last result kept
 * (cstat_builder_read()) looks a watched key up among the entries that
 * changed only, and notes what a builder fed result by result notes
 * (which compares the configurations' texts): seed 21, 40 pairs of files
 * of random configuration edits.
 */
static void
test_builder_watch_follows_config_edits(void **state)
{
	(void)state;
	uint64_t x = 21;
	int differ = 0, mixed = 0;

	for (int trial = 0; trial < 40; trial++) {
		char *paths[2] = {edited_file(&x), edited_file(&x)};
		char diff[2][1024], mix[2][256];
		int n[2][2];

		for (int way = 0; way < 2; way++)
			watch_lists(paths, way, diff[way], mix[way], n[way]);
		assert_int_equal(n[0][0], n[1][0]);
		assert_int_equal(n[0][1], n[1][1]);
		assert_string_equal(diff[0], diff[1]);
		assert_string_equal(mix[0], mix[1]);
		differ += n[0][0] > 0;
		mixed += n[0][1] > 0;
		for (int f = 0; f < 2; f++) {
			unlink(paths[f]);
			free(paths[f]);
		}
	}
	/* The edits make the lists say something. */
	assert_true(differ > 10 && mixed > 10);
}

/* The configuration of table i as "k:v k:v". */
static void
table_config(const cstat_tables *t, size_t i, char *buf, size_t size)
{
	const char *name, *value;
	size_t len = 0;

	buf[0] = '\0';
	for (size_t k = 0; cstat_table_key(t, i, k, &name, &value) == 0; k++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s:%s",
					k ? " " : "", name, value);
}

static void
test_builder_watch_matches_across_keys(void **state)
{
	char diff[256], conf[256];
	cstat_tables *t;
	struct cstat_stats_opts o = {0.05, 0.95, NULL, 1};

	(void)state;
	/* Two CPUs: one table, both columns, the differing key named with
	 * its values trimmed of Go's padding, and left out of the key. */
	cstat_builder *b = watched("cpu,goos", "Intel X   ", "AMD Y", "amd64");
	assert_int_equal(cstat_builder_watch_diff(b, diff, sizeof(diff)), 1);
	assert_string_equal(diff,
			    "cpu: \"Intel X\" (a.txt) vs \"AMD Y\" (b.txt)");
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	assert_int_equal(cstat_tables_count(t), 1);
	assert_int_equal(cstat_table_cols(t, 0), 2);
	table_config(t, 0, conf, sizeof(conf));
	assert_string_equal(conf, "goos:linux goarch:amd64");
	cstat_tables_free(t);
	cstat_builder_free(b);

	/* One CPU: nothing differs and the key stays where it was. */
	b = watched("cpu", "Intel X", "Intel X", "amd64");
	assert_int_equal(cstat_builder_watch_diff(b, diff, sizeof(diff)), 0);
	assert_string_equal(diff, "");
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	table_config(t, 0, conf, sizeof(conf));
	assert_string_equal(conf, "goos:linux goarch:amd64 cpu:Intel X");
	cstat_tables_free(t);
	cstat_builder_free(b);

	/* Two keys, one missing on one side ("none"); an unwatched key that
	 * differs still splits tables, as in benchstat. */
	b = watched("cpu,goarch", "Intel X", "AMD Y", NULL);
	assert_int_equal(cstat_builder_watch_diff(b, NULL, 0), 2);
	assert_int_equal(cstat_builder_watch_diff(b, diff, sizeof(diff)), 2);
	assert_string_equal(diff, "cpu: \"Intel X\" (a.txt) vs \"AMD Y\" "
				  "(b.txt); goarch: \"amd64\" (a.txt) vs none "
				  "(b.txt)");
	cstat_builder_free(b);
	b = watched("goarch", "Intel X", "AMD Y", "amd64");
	assert_int_equal(cstat_builder_watch_diff(b, diff, sizeof(diff)), 0);
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	assert_int_equal(cstat_tables_count(t), 2);
	cstat_tables_free(t);
	cstat_builder_free(b);
	assert_int_equal(cstat_builder_watch(NULL, "cpu"), CSTAT_EINVAL);
	assert_int_equal(cstat_builder_watch_diff(NULL, NULL, 0), CSTAT_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builder_build_mismatched_sets),
		cmocka_unit_test(test_builder_cells_found_again_past_the_chain),
		cmocka_unit_test(test_builder_build_warns_on_small_samples),
		cmocka_unit_test(
			test_builder_build_splits_tables_by_config_and_unit),
		cmocka_unit_test(test_builder_build_exact_units_use_the_mode),
		cmocka_unit_test(test_builder_build_rejects_bad_levels),
		cmocka_unit_test(test_tables_write_renders_text_and_csv),
		cmocka_unit_test(test_builder_add_hand_made_results),
		cmocka_unit_test(test_builder_names_found_again_in_any_order),
		cmocka_unit_test(test_builder_threads_give_the_same_tables),
		cmocka_unit_test(test_builder_values_come_back_exactly),
		cmocka_unit_test(test_builder_same_runs_keep_their_values),
		cmocka_unit_test(test_builder_units_by_text_not_address),
		cmocka_unit_test(test_builder_summaries_only_print_the_same),
		cmocka_unit_test(test_builder_read_stops_at_unreadable_input),
		cmocka_unit_test(
			test_builder_filters_and_projects_alike_on_threads),
		cmocka_unit_test(
			test_builder_drops_whole_runs_alike_on_threads),
		cmocka_unit_test(test_builder_new_reports_bad_queries),
		cmocka_unit_test(test_builder_watch_matches_across_keys),
		cmocka_unit_test(test_builder_watch_follows_config_edits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
