/*
 * test-readers-hyperfine.c - hyperfine --export-json as input
 * (lib/readers/hyperfine.c, docs/formats.md#hyperfine-json-hyperfine).
 * Expected values come from hyperfine's JSON layout (its BenchmarkResult:
 * command, times in seconds, memory_usage_byte, exit_codes, parameters)
 * and the mapping docs/formats.md describes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#include "cstat.h"
#include "feedutil.h"

/* One command: times as sec/op, memory as max-RSS-B, white space as '_'. */
static void
test_times_and_memory(void **state)
{
	(void)state;
	char *t = feed_all("hyperfine",
			   "{\"results\": [{\"command\": \"sleep 0.1\", "
			   "\"mean\": 0.1, \"times\": [0.5, 0.25], "
			   "\"memory_usage_byte\": [1024, 2048], "
			   "\"exit_codes\": [0, 0]}]}");

	assert_string_equal(t, "result sleep_0.1 0x1p-1 sec/op 0x1p-2 sec/op "
			       "0x1p+10 max-RSS-B 0x1p+11 max-RSS-B\n");
	free(t);
}

/* A command's slashes stay; tabs and newlines become '_' too. */
static void
test_command_name_spelling(void **state)
{
	(void)state;
	char *t = feed_all("hyperfine",
			   "{\"results\": [{\"command\": "
			   "\"./target/release/foo --x 1\\t/a b\\n\", "
			   "\"times\": [1]}]}");

	assert_string_equal(t, "result ./target/release/foo_--x_1_/a_b_ "
			       "0x1p+0 sec/op\n");
	free(t);
}

/* Parameters: their values written back as {name} where they stand as a
 * word, and a "/name=value" key each, in the file's order. */
static void
test_parameters(void **state)
{
	(void)state;
	char *t = feed_all(
		"hyperfine",
		"{\"results\": ["
		"{\"command\": \"make -j 4 --size=big x4 0.4\", \"times\": "
		"[1], "
		"\"parameters\": {\"jobs\": \"4\", \"size\": \"big\"}},"
		"{\"command\": \"run\", \"times\": [2], "
		"\"parameters\": {\"n\": \"a b\"}}]}");

	/* "x4" and "0.4" hold a 4 inside a word: not the parameter. */
	assert_has_line(t, "result make_-j_{jobs}_--size={size}_x4_0.4/"
			   "jobs=4/size=big 0x1p+0 sec/op");
	/* An unused parameter is only a key; its space becomes '_'. */
	assert_has_line(t, "result run/n=a_b 0x1p+1 sec/op");
	free(t);
}

/* Non-zero exit codes: a warning naming the command and the codes, and
 * the times are still read. */
static void
test_exit_codes_warn(void **state)
{
	(void)state;
	char *t = feed_all("hyperfine",
			   "{\"results\": [{\"command\": \"false\", "
			   "\"times\": [1, 2, 3], "
			   "\"exit_codes\": [11, 1, 0, 2, null, 1]}]}");

	assert_has_line(t, "result false 0x1p+0 sec/op 0x1p+1 sec/op "
			   "0x1.8p+1 sec/op");
	assert_has_line(t,
			"warn 0: command \"false\": 5 of 6 runs failed "
			"(exit status 11, 1, 2, killed by a signal); hyperfine "
			"measured them anyway (-i) and they are compared as "
			"the others");
	free(t);
}

/* An export without "times" is refused, naming what is missing. */
static void
test_no_times_refused(void **state)
{
	(void)state;
	char *t =
		feed_all("hyperfine",
			 "{\"results\": [{\"command\": \"a\", \"times\": [1]},"
			 "{\"command\": \"sleep 1\", \"mean\": 1.0, "
			 "\"stddev\": 0.1}]}");

	assert_string_equal(
		t,
		"fail -9 0: 1 of 2 results have no \"times\" (the time of "
		"each run), only summary statistics such as the mean, which "
		"cannot be compared (the first: command \"sleep 1\"); export "
		"again with a hyperfine that writes \"times\"\n");
	free(t);
}

/* Entries that cannot be used are skipped with a warning each. */
static void
test_skipped_entries(void **state)
{
	(void)state;
	char *t = feed_all("hyperfine",
			   "{\"results\": [3, {\"times\": [1]}, "
			   "{\"command\": \"x\", \"times\": [1, \"a\", null]},"
			   "{\"command\": \"y\", \"times\": []}]}");

	assert_has_line(t, "warn 0: results[0] has no \"command\"; skipped");
	assert_has_line(t, "warn 0: results[1] has no \"command\"; skipped");
	assert_has_line(t, "result x 0x1p+0 sec/op");
	assert_has_line(t, "warn 0: command \"x\": 2 times or memory sizes "
			   "are not numbers; skipped");
	assert_has_line(t, "warn 0: command \"y\": no times; skipped");
	free(t);
}

/* Broken JSON: the line and column where it breaks. */
static void
test_broken_json(void **state)
{
	(void)state;
	char *t =
		feed_all("hyperfine", "{\"results\": [\n"
				      "  {\"command\": \"a\", \"times\": [1,");

	assert_string_equal(t, "fail -9 2:31: truncated JSON: the input ends "
			       "inside a value\n");
	free(t);
	t = feed_all("hyperfine", "{\"results\": [\n  {\"command\": x}]}\n");
	assert_string_equal(t, "fail -9 2:15: malformed JSON\n");
	free(t);
	t = feed_all("hyperfine", "{\"benchmarks\": []}");
	assert_string_equal(t, "fail -9 0: no \"results\" array: not a "
			       "hyperfine --export-json file\n");
	free(t);
}

/* Sniffing: hyperfine's files, and nothing else. */
static void
test_sniff(void **state)
{
	static const char *const other[] = {
		"{\"context\": {}, \"benchmarks\": [{\"name\": \"BM_x\"}]}",
		"{\"machine_info\": {}, \"benchmarks\": []}",
		"{\"schema\": \"cstat-run/1\", \"results\": []}",
		"{\"results\": [{\"name\": \"x\"}]}",
		"{\"x\": \"\\\"results\\\": [{\\\"command\\\": 1}]\"}",
		"BenchmarkX 1 2 ns/op",
	};
	const struct cstat__format *f;

	(void)state;
	const char *hf = "{\n  \"results\": [\n    {\n      \"command\": \"a\"";
	f = cstat__format_sniff(hf, strlen(hf), false);
	assert_non_null(f);
	assert_string_equal(f->name, "hyperfine");
	f = cstat__format_named("hyperfine");
	for (size_t i = 0; i < sizeof(other) / sizeof(*other); i++)
		assert_int_equal(f->sniff(other[i], strlen(other[i]), true), 0);
}

/*
 * Round trip: 5 commands of 1..40 runs with random times and memory
 * sizes (splitmix64, seed 7) written with %.17g come back bit for bit,
 * through the whole reader.
 */
static void
test_round_trip(void **state)
{
	struct cstat__buf in = {0};
	double want[5][40], mem[5][40];
	size_t n[5];
	uint64_t seed = 7;

	(void)state;
	cstat__buf_adds(&in, "{\"results\": [");
	for (size_t c = 0; c < 5; c++) {
		n[c] = 1 + (size_t)(feed_rng(&seed) % 40);
		cstat__buf_printf(&in,
				  "%s{\"command\": \"cmd %zu\", \"times\": [",
				  c ? "," : "", c);
		for (size_t i = 0; i < n[c]; i++) {
			want[c][i] = feed_double(&seed, 10);
			cstat__buf_printf(&in, "%s%.17g", i ? ", " : "",
					  want[c][i]);
		}
		cstat__buf_adds(&in, "], \"memory_usage_byte\": [");
		for (size_t i = 0; i < n[c]; i++) {
			mem[c][i] = (double)(feed_rng(&seed) >> 20);
			cstat__buf_printf(&in, "%s%.17g", i ? ", " : "",
					  mem[c][i]);
		}
		cstat__buf_adds(&in, "]}");
	}
	cstat__buf_adds(&in, "]}");

	cstat_reader *r;
	const struct cstat_result *res;
	size_t c = 0;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open_mem(r, in.data, in.len, "rt.json"),
			 0);
	while (cstat_reader_next(r, &res, NULL) == 1) {
		char name[16];

		snprintf(name, sizeof(name), "cmd_%zu", c);
		assert_string_equal(res->name, name);
		assert_int_equal(res->nvalues, 2 * n[c]);
		for (size_t i = 0; i < n[c]; i++) {
			assert_string_equal(res->values[i].unit, "sec/op");
			assert_same(res->values[i].value, want[c][i]);
			assert_string_equal(res->values[n[c] + i].unit,
					    "max-RSS-B");
			assert_same(res->values[n[c] + i].value, mem[c][i]);
		}
		c++;
	}
	assert_int_equal(c, 5);
	assert_string_equal(cstat_reader_format(r), "hyperfine");
	cstat_reader_free(r);
	cstat__buf_release(&in);
}

/* Through the reader, a warning names the input. */
static void
test_reader_messages(void **state)
{
	static const char in[] =
		"{\"results\": [{\"command\": \"f\", \"times\": [1], "
		"\"exit_codes\": [3]}]}";
	cstat_reader *r;
	const struct cstat_result *res;
	struct cstat_diag d;
	char msg[600];

	(void)state;
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open_mem(r, in, strlen(in), "a.json"), 0);
	assert_int_equal(cstat_reader_next(r, &res, &d), 1);
	assert_int_equal(cstat_reader_next(r, &res, &d), CSTAT_ESYNTAX);
	cstat_diag_format(&d, msg, sizeof(msg));
	assert_non_null(strstr(msg, "a.json: command \"f\": 1 of 1 runs "
				    "failed (exit status 3)"));
	assert_int_equal(cstat_reader_next(r, &res, &d), 0);
	cstat_reader_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_times_and_memory),
		cmocka_unit_test(test_command_name_spelling),
		cmocka_unit_test(test_parameters),
		cmocka_unit_test(test_exit_codes_warn),
		cmocka_unit_test(test_no_times_refused),
		cmocka_unit_test(test_skipped_entries),
		cmocka_unit_test(test_broken_json),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_reader_messages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
