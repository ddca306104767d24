/*
 * test-readall.c - cstat_builder_read() (lib/readall.c): every input into
 * a builder, on one thread or with a second thread parsing ahead.
 *
 * The contract (cstat.h): inputs are read in turn on one reader, so Unit
 * metadata carries across files; each malformed line goes to on_syntax,
 * on the calling thread and in order; reading stops at the first input
 * that cannot be opened, with the reader's error; and with two threads the
 * builder sees the same results in the same order.  So every test here
 * reads the same inputs with 1 and with 2 threads and requires the same
 * tables (CSV, every digit), the same syntax errors and the same result.
 * The large input is generated with a fixed seed (splitmix64, seed 7).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cstat.h"
#include "testutil.h"

/* What one read gave: its result, the syntax errors, the tables' CSV and
 * text, and the reader's Unit metadata for ns/op's "assume". */
struct outcome {
	int rc;
	struct cstat_diag d;
	char *errors; /* "file:line: message\n" each */
	size_t errors_len;
	FILE *errors_f;
	char *tables;
	size_t tables_len;
	char assume[32];
};

static void
on_syntax(void *ctx, const struct cstat_diag *d)
{
	struct outcome *o = ctx;
	char buf[700];

	cstat_diag_format(d, buf, sizeof(buf));
	fprintf(o->errors_f, "%s\n", buf);
}

/* Reads paths[0..n) with threads through -filter (NULL: none), builds
 * and writes CSV and text. */
static void
read_with(const char *const *paths, size_t n, unsigned threads,
	  const char *filter, struct outcome *o)
{
	struct cstat_builder_opts bo = {0};
	cstat_inputs *in;
	cstat_reader *r;
	cstat_builder *b;
	cstat_tables *t = NULL;

	memset(o, 0, sizeof(*o));
	assert_int_equal(cstat_inputs_new(&in, paths, n), 0);
	assert_int_equal(cstat_reader_new(&r), 0);
	bo.filter = filter;
	assert_int_equal(cstat_builder_new(&b, filter ? &bo : NULL, NULL), 0);
	o->errors_f = open_memstream(&o->errors, &o->errors_len);
	o->rc = cstat_builder_read(b, r, in, threads, on_syntax, o, &o->d);
	fclose(o->errors_f);
	const char *a = cstat_reader_unit_meta(r, "sec/op", "assume");
	snprintf(o->assume, sizeof(o->assume), "%s", a ? a : "(none)");
	if (o->rc == 0) {
		struct cstat_stats_opts so = CSTAT_STATS_OPTS_INIT;
		so.units = r;
		assert_int_equal(cstat_builder_build(b, &so, &t), 0);
		FILE *f = open_memstream(&o->tables, &o->tables_len);
		assert_int_equal(
			cstat_tables_write(t, CSTAT_FORMAT_CSV, f, NULL), 0);
		assert_int_equal(
			cstat_tables_write(t, CSTAT_FORMAT_TEXT, f, NULL), 0);
		fclose(f);
	}
	cstat_tables_free(t);
	cstat_builder_free(b);
	cstat_reader_free(r);
	cstat_inputs_free(in);
}

static void
outcome_free(struct outcome *o)
{
	free(o->errors);
	free(o->tables);
}

/* The same read on one and two threads: equal in everything. */
static void
same_filtered(const char *const *paths, size_t n, const char *filter,
	      struct outcome *one)
{
	struct outcome two;

	read_with(paths, n, 1, filter, one);
	read_with(paths, n, 2, filter, &two);
	assert_int_equal(one->rc, two.rc);
	assert_string_equal(one->errors, two.errors);
	assert_string_equal(one->assume, two.assume);
	if (one->rc) {
		assert_string_equal(one->d.message, two.d.message);
	} else {
		assert_int_equal(one->tables_len, two.tables_len);
		assert_memory_equal(one->tables, two.tables, one->tables_len);
	}
	outcome_free(&two);
}

static void
same_on_two_threads(const char *const *paths, size_t n, struct outcome *one)
{
	same_filtered(paths, n, NULL, one);
}

static const char old_txt[] = "goos: linux\n"
			      "Unit ns/op assume=exact\n"
			      "BenchmarkA 1 10 ns/op\n"
			      "BenchmarkA 1 10 ns/op\n"
			      "BenchmarkBad 1\n"
			      "BenchmarkB 1 20 ns/op 8 B/op\n";
static const char new_txt[] = "goos: linux\n"
			      "BenchmarkA 1 12 ns/op\n"
			      "BenchmarkA x 12 ns/op\n"
			      "BenchmarkA 1 12 ns/op\n"
			      "BenchmarkB 1 21 ns/op 8 B/op\n";

/*
 * Two small files: the syntax errors come in file and line order (old.txt
 * line 5: "missing measurements", new.txt line 3: benchfmt's iteration
 * count error, as test-reader.c has them), the first file's Unit line
 * holds for the second (assume=exact), and both thread counts agree.
 */
static void
test_read_small_inputs(void **state)
{
	char *a = temp_file(old_txt, strlen(old_txt));
	char *b = temp_file(new_txt, strlen(new_txt));
	char *paths[2];
	char want[1024];
	struct outcome o;

	(void)state;
	snprintf(want, sizeof(want),
		 "%s:5: missing measurements\n"
		 "%s:3: parsing iteration count: invalid syntax\n",
		 a, b);
	paths[0] = a;
	paths[1] = b;
	same_on_two_threads((const char *const *)paths, 2, &o);
	assert_int_equal(o.rc, 0);
	assert_string_equal(o.errors, want);
	assert_string_equal(o.assume, "exact");
	assert_non_null(strstr(o.tables, "A,"));
	outcome_free(&o);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}

/*
 * An input that cannot be opened stops the read with the reader's error
 * (CSTAT_ENOENT, "open PATH: ..."), on either thread count; the syntax
 * errors of the inputs before it were reported first.
 */
static void
test_read_stops_at_missing_input(void **state)
{
	char *a = temp_file(old_txt, strlen(old_txt));
	const char *paths[3] = {a, "/nonexistent/cstat-test-readall", a};
	struct outcome o;

	(void)state;
	same_on_two_threads(paths, 3, &o);
	assert_int_equal(o.rc, CSTAT_ENOENT);
	assert_non_null(strstr(o.d.message, "/nonexistent/cstat-test-readall"));
	assert_int_equal(count_in(o.errors, "missing measurements"), 1);
	outcome_free(&o);
	unlink(a);
	free(a);
}

/* splitmix64 (Steele, Lea and Flood). */
static uint64_t
next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/*
 * Inputs of several of the parser's batches (a file of 8,000 results,
 * 0.36 MB, read twice; readall.c hands results over in batches of 256
 * KiB): a configuration that gains a key every 100 results and changes a
 * value every 7, 200 benchmark names, a malformed line every 1,000: one
 * and two threads give the same tables, byte for byte, and the same
 * errors (8 per file).
 */
static void
test_read_many_batches(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	uint64_t seed = 7;
	struct outcome o;

	(void)state;
	for (unsigned i = 0; i < 8000; i++) {
		if (i % 100 == 0)
			fprintf(f, "key%u: %u\n", i / 100, i);
		if (i % 7 == 0)
			fprintf(f, "phase: p%u\n", (i / 7) % 5);
		if (i % 1000 == 999)
			fprintf(f, "BenchmarkBroken 1\n");
		fprintf(f, "BenchmarkN%u-8 1000 %.3f ns/op %u B/op\n",
			(unsigned)(next_u64(&seed) % 200),
			100 + (double)(next_u64(&seed) % 100000) / 1000,
			(unsigned)(next_u64(&seed) % 64));
	}
	fclose(f);
	char *a = temp_file(text, len);
	const char *paths[2] = {a, a};

	same_on_two_threads(paths, 2, &o);
	assert_int_equal(o.rc, 0);
	assert_int_equal(count_in(o.errors, "missing measurements"), 16);
	outcome_free(&o);
	unlink(a);
	free(a);
	free(text);
}

/*
 * The second file's own Unit line: with two threads the later half of
 * the inputs is parsed at once on a reader of its own, whose metadata
 * becomes the reader's (assume=exact from new.txt, read after old.txt
 * without one); errors still come in file order.
 */
static void
test_read_ahead_keeps_later_unit_metadata(void **state)
{
	static const char plain[] = "BenchmarkA 1 10 ns/op\n"
				    "BenchmarkBad 1\n"
				    "BenchmarkA 1 11 ns/op\n";
	static const char with_unit[] = "Unit ns/op assume=exact\n"
					"BenchmarkA 1 12 ns/op\n"
					"BenchmarkA x 12 ns/op\n"
					"BenchmarkA 1 13 ns/op\n";
	char *a = temp_file(plain, strlen(plain));
	char *b = temp_file(with_unit, strlen(with_unit));
	const char *paths[2] = {a, b};
	char want[1024];
	struct outcome o;

	(void)state;
	snprintf(want, sizeof(want),
		 "%s:2: missing measurements\n"
		 "%s:3: parsing iteration count: invalid syntax\n",
		 a, b);
	same_on_two_threads(paths, 2, &o);
	assert_int_equal(o.rc, 0);
	assert_string_equal(o.errors, want);
	assert_string_equal(o.assume, "exact");
	outcome_free(&o);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}

/*
 * Unit metadata in the first file makes the later file's early parse
 * void: it is parsed again after the first, on the same reader, so its
 * clashing Unit line is an error ("already set to exact", as on one
 * thread) and its results are the same.
 */
static void
test_read_ahead_redone_after_unit_metadata(void **state)
{
	static const char clash[] = "Unit ns/op assume=none\n"
				    "BenchmarkA 1 12 ns/op\n"
				    "BenchmarkB 1 21 ns/op 8 B/op\n";
	char *a = temp_file(old_txt, strlen(old_txt));
	char *b = temp_file(clash, strlen(clash));
	const char *paths[2] = {a, b};
	struct outcome o;

	(void)state;
	same_on_two_threads(paths, 2, &o);
	assert_int_equal(o.rc, 0);
	assert_int_equal(count_in(o.errors, "already set to exact"), 1);
	assert_string_equal(o.assume, "exact");
	outcome_free(&o);
	unlink(a);
	unlink(b);
	free(a);
	free(b);
}

/* A large input (one result a line, 12,000 lines, 0.5 MB: several of
 * the parser's 256 KiB batches), as text. */
static char *
large_text(size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	uint64_t seed = 11;

	for (unsigned i = 0; i < 12000; i++)
		fprintf(f, "BenchmarkN%u-8 1000 %.3f ns/op %u B/op\n",
			(unsigned)(next_u64(&seed) % 300),
			100 + (double)(next_u64(&seed) % 100000) / 1000,
			(unsigned)(next_u64(&seed) % 64));
	fclose(f);
	return text;
}

/*
 * The first input fails while the second is parsed ahead (a directory:
 * its read fails): the read stops with that error on both thread counts,
 * and the second file's parser, waiting with a full queue, is stopped
 * rather than waited for.
 */
static void
test_read_ahead_stops_at_first_failure(void **state)
{
	size_t len;
	char *text = large_text(&len);
	char *b = temp_file(text, len);
	const char *paths[2] = {"/", b};
	struct outcome o;

	(void)state;
	same_on_two_threads(paths, 2, &o);
	assert_int_not_equal(o.rc, 0);
	outcome_free(&o);
	unlink(b);
	free(b);
	free(text);
}

/*
 * -filter decided on the parsing threads (a literal filter on the name
 * drops a result before it crosses) gives what adding decides: the same
 * tables for one benchmark dropped, for all dropped (the parse-only
 * path) and for a regexp (decided by the adder), on 1 and 2 threads,
 * over three inputs (the later two parsed ahead).
 */
static void
test_read_filter_on_parsing_threads(void **state)
{
	static const char *const filters[] = {
		"-.name:BenchmarkN1",
		".name:none",
		".name:/N1.$/",
		".name:BenchmarkN7 OR .name:BenchmarkN250",
	};
	size_t len;
	char *text = large_text(&len);
	char *a = temp_file(text, len);
	const char *paths[3] = {a, a, a};
	struct outcome o;

	(void)state;
	for (size_t i = 0; i < sizeof(filters) / sizeof(*filters); i++) {
		same_filtered(paths, 3, filters[i], &o);
		assert_int_equal(o.rc, 0);
		outcome_free(&o);
	}
	unlink(a);
	free(a);
	free(text);
}

/*
 * The parsing thread asks -filter once for a run of one benchmark, and
 * again when the configuration or the name changes: a filter on a
 * configuration key keeps only the results under the value it names (11
 * and 13 ns of A's four), one on the name only B's result that follows A's
 * under one configuration, on 1 and 2 threads.
 */
static void
test_read_filter_asked_again_on_new_configuration(void **state)
{
	static const char text[] = "cpu: x\n"
				   "BenchmarkA 1 10 ns/op\n"
				   "cpu: y\n"
				   "BenchmarkA 1 11 ns/op\n"
				   "BenchmarkA 1 13 ns/op\n"
				   "cpu: x\n"
				   "BenchmarkA 1 17 ns/op\n"
				   "BenchmarkB 1 5 ns/op\n";
	char *a = temp_file(text, strlen(text));
	const char *paths[2] = {a, a};
	struct outcome o;

	(void)state;
	same_filtered(paths, 2, "cpu:y", &o);
	assert_int_equal(o.rc, 0);
	/* The CSV's row: each file's median of 11 and 13 ns. */
	assert_non_null(strstr(o.tables, "\nA,1.2000000000000002e-08,"));
	assert_null(strstr(o.tables, "\nB,"));
	outcome_free(&o);
	same_filtered(paths, 2, ".name:B", &o);
	assert_int_equal(o.rc, 0);
	assert_null(strstr(o.tables, "\nA,"));
	assert_non_null(strstr(o.tables, "\nB,5e-09,"));
	outcome_free(&o);
	unlink(a);
	free(a);
}

/* NULL builder, reader or inputs: CSTAT_EINVAL. */
static void
test_read_refuses_null(void **state)
{
	cstat_inputs *in;
	cstat_reader *r;
	cstat_builder *b;
	const char *p = "x";

	(void)state;
	assert_int_equal(cstat_inputs_new(&in, &p, 1), 0);
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, NULL), 0);
	assert_int_equal(cstat_builder_read(NULL, r, in, 2, NULL, NULL, NULL),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_builder_read(b, NULL, in, 2, NULL, NULL, NULL),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_builder_read(b, r, NULL, 2, NULL, NULL, NULL),
			 CSTAT_EINVAL);
	cstat_builder_free(b);
	cstat_reader_free(r);
	cstat_inputs_free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_small_inputs),
		cmocka_unit_test(test_read_stops_at_missing_input),
		cmocka_unit_test(test_read_many_batches),
		cmocka_unit_test(test_read_ahead_keeps_later_unit_metadata),
		cmocka_unit_test(test_read_ahead_redone_after_unit_metadata),
		cmocka_unit_test(test_read_ahead_stops_at_first_failure),
		cmocka_unit_test(test_read_filter_on_parsing_threads),
		cmocka_unit_test(
			test_read_filter_asked_again_on_new_configuration),
		cmocka_unit_test(test_read_refuses_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
