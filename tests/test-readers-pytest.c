/*
 * test-readers-pytest.c - pytest-benchmark JSON as input
 * (lib/readers/pytest.c, docs/formats.md#pytest-benchmark-json-pytest).
 * Expected values come from pytest-benchmark's JSON layout (machine_info,
 * benchmarks[] with name, fullname, params, extra_info and stats.data,
 * the per-round times in seconds that --benchmark-save-data keeps) and the
 * mapping docs/formats.md describes.
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

/* A machine_info as pytest-benchmark 4 writes it (py-cpuinfo 9). */
#define MACHINE                                                                \
	"\"machine_info\": {\"node\": \"runner-12\", \"processor\": "          \
	"\"x86_64\", \"machine\": \"x86_64\", \"python_version\": "            \
	"\"3.12.1\", \"system\": \"Linux\", \"release\": \"6.5\", "            \
	"\"cpu\": {\"brand_raw\": \"AMD EPYC 7763\", \"count\": 4}}"

/* Configuration from machine_info (os, arch, cpu only), then stats.data
 * as sec/op under the fullname. */
static void
test_mapping(void **state)
{
	(void)state;
	char *t = feed_all(
		"pytest",
		"{" MACHINE ", \"commit_info\": {\"id\": \"abc\"}, "
		"\"benchmarks\": [{\"name\": \"test_a\", \"fullname\": "
		"\"tests/t.py::test_a\", \"params\": null, "
		"\"stats\": {\"rounds\": 2, \"data\": [0.5, 0.25]}}]}");

	assert_string_equal(t, "config os=Linux\n"
			       "config arch=x86_64\n"
			       "config cpu=AMD EPYC 7763\n"
			       "result tests/t.py::test_a 0x1p-1 sec/op 0x1p-2 "
			       "sec/op\n");
	free(t);
}

/* params: the "[id]" gives way to "/key=value" keys; numbers in
 * extra_info are one value each; name when there is no fullname; the old
 * py-cpuinfo "brand". */
static void
test_params_and_extra_info(void **state)
{
	(void)state;
	char *t = feed_all(
		"pytest",
		"{\"machine_info\": {\"cpu\": {\"brand\": \"Intel i7\"}}, "
		"\"benchmarks\": [{\"name\": \"test_s[10-a b]\", "
		"\"fullname\": \"t.py::test_s[10-a b]\", "
		"\"params\": {\"size\": 10, \"kind\": \"a b\", \"f\": 0.5}, "
		"\"extra_info\": {\"peak\": 4096, \"note\": \"x\", \"ok\": "
		"true}, "
		"\"stats\": {\"data\": [1]}},"
		"{\"name\": \"test_n\", \"stats\": {\"data\": [2]}},"
		"{\"fullname\": \"a[1]/t.py::C::test_i[x::y]\", "
		"\"params\": {\"p\": \"x::y\"}, \"stats\": {\"data\": [3]}}]}");

	assert_string_equal(
		t, "config cpu=Intel i7\n"
		   "result t.py::test_s/size=10/kind=a_b/f=0.5 0x1p+0 sec/op "
		   "0x1p+12 peak\n"
		   "result test_n 0x1p+1 sec/op\n"
		   "result a[1]/t.py::C::test_i/p=x::y 0x1.8p+1 sec/op\n");
	free(t);
}

/* Without stats.data: refused, saying which option saves it. */
static void
test_no_data_refused(void **state)
{
	(void)state;
	char *t = feed_all(
		"pytest",
		"{" MACHINE ", \"benchmarks\": [{\"name\": \"test_a\", "
		"\"fullname\": \"t.py::test_a\", \"stats\": {\"mean\": "
		"1.0, \"rounds\": 5}}]}");

	assert_string_equal(
		t,
		"fail -9 0: 1 of 1 benchmarks have no stats.data (the time "
		"of each round; the first: t.py::test_a), only summary "
		"statistics, which cannot be compared: run pytest again with "
		"--benchmark-save-data\n");
	free(t);
}

/* What cannot be used is skipped with a warning naming the benchmark;
 * rounds that stats.data lacks are said. */
static void
test_warnings(void **state)
{
	(void)state;
	char *t = feed_all(
		"pytest",
		"{" MACHINE ", \"benchmarks\": [7, "
		"{\"fullname\": \"t.py::a\", \"stats\": {\"rounds\": 9, "
		"\"data\": [1, \"... omitted\", null]}},"
		"{\"fullname\": \"t.py::b\", \"stats\": {\"data\": []}}]}");

	assert_has_line(t, "warn 0: benchmarks[0] has no \"fullname\" or "
			   "\"name\"; skipped");
	assert_has_line(t, "warn 0: benchmark t.py::a: 2 non-numeric entries "
			   "in stats.data (\"... omitted\"); skipped");
	assert_has_line(t, "warn 0: benchmark t.py::a: stats.data holds 1 "
			   "times of its 9 rounds");
	assert_has_line(t, "result t.py::a 0x1p+0 sec/op");
	assert_has_line(t, "warn 0: benchmark t.py::b: no times; skipped");
	free(t);
}

/* Broken files: line and column, or what is missing. */
static void
test_broken(void **state)
{
	(void)state;
	char *t = feed_all("pytest", "{\"machine_info\": {},\n"
				     "\"benchmarks\": [{\"name\": \"a\"");

	assert_string_equal(t, "fail -9 2:27: truncated JSON: the input ends "
			       "inside a value\n");
	free(t);
	t = feed_all("pytest", "{\"machine_info\": {}}");
	assert_string_equal(t, "fail -9 0: no \"benchmarks\" array: not a "
			       "pytest-benchmark JSON file\n");
	free(t);
}

/* Sniffing: pytest-benchmark's files, not Google Benchmark's (which has
 * "benchmarks" too) or hyperfine's. */
static void
test_sniff(void **state)
{
	static const char *const other[] = {
		"{\"context\": {\"host_name\": \"x\"}, \"benchmarks\": []}",
		"{\"results\": [{\"command\": \"a\"}]}",
		"{\"schema\": \"cstat-run/1\"}",
		"{\"x\": \"\\\"machine_info\\\": 1, \\\"benchmarks\\\": 2\"}",
	};
	const struct cstat__format *f;
	const char *py = "{\n    \"machine_info\": {\n        \"node\": \"x\"},"
			 "\n    \"benchmarks\": [";

	(void)state;
	f = cstat__format_sniff(py, strlen(py), false);
	assert_non_null(f);
	assert_string_equal(f->name, "pytest");
	f = cstat__format_named("pytest");
	for (size_t i = 0; i < sizeof(other) / sizeof(*other); i++)
		assert_int_equal(f->sniff(other[i], strlen(other[i]), true), 0);
}

/*
 * Round trip: 6 benchmarks of 1..60 rounds with random times (splitmix64,
 * seed 11, from 1e-9 to 10 s) written with %.17g come back bit for bit
 * through the whole reader, with the machine's configuration.
 */
static void
test_round_trip(void **state)
{
	struct cstat__buf in = {0};
	double want[6][60];
	size_t n[6];
	uint64_t seed = 11;

	(void)state;
	cstat__buf_adds(&in, "{" MACHINE ", \"benchmarks\": [");
	for (size_t b = 0; b < 6; b++) {
		n[b] = 1 + (size_t)(feed_rng(&seed) % 60);
		cstat__buf_printf(&in,
				  "%s{\"fullname\": \"t.py::test_%zu\", "
				  "\"stats\": {\"data\": [",
				  b ? "," : "", b);
		for (size_t i = 0; i < n[b]; i++) {
			want[b][i] =
				feed_double(&seed, 10) * (b % 2 ? 1e-9 : 1.0);
			cstat__buf_printf(&in, "%s%.17g", i ? ", " : "",
					  want[b][i]);
		}
		cstat__buf_adds(&in, "]}}");
	}
	cstat__buf_adds(&in, "]}");

	cstat_reader *r;
	const struct cstat_result *res;
	size_t b = 0;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open_mem(r, in.data, in.len, "rt.json"),
			 0);
	while (cstat_reader_next(r, &res, NULL) == 1) {
		char name[32];

		snprintf(name, sizeof(name), "t.py::test_%zu", b);
		assert_string_equal(res->name, name);
		assert_int_equal(res->nvalues, n[b]);
		assert_int_equal(res->nconfig, 3);
		for (size_t i = 0; i < n[b]; i++) {
			assert_string_equal(res->values[i].unit, "sec/op");
			assert_same(res->values[i].value, want[b][i]);
		}
		b++;
	}
	assert_int_equal(b, 6);
	assert_string_equal(cstat_reader_format(r), "pytest");
	cstat_reader_free(r);
	cstat__buf_release(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_params_and_extra_info),
		cmocka_unit_test(test_no_data_refused),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
