/*
 * test-readers-dotnet.c - BenchmarkDotNet JSON reports (lib/readers/dotnet.c)
 * and the refusal of critcmp JSON (lib/readers/critcmp.c), as
 * docs/formats.md describes them: what becomes names, configuration,
 * units and samples, every warning and error, chunk boundaries, and a
 * round trip of written values.
 *
 * The report shape follows BenchmarkDotNet's JsonExporterBase (Title,
 * HostEnvironmentInfo, Benchmarks[] with Type, Method, Parameters joined
 * by '&', Statistics, Memory and Measurements[]), as in the real files of
 * testdata/inputs/dotnet/.
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

#include "cstat-private.h"
#include "cstat.h"
#include "readers/readers.h"

#include "feedutil.h"

extern const struct cstat__format cstat__format_dotnet;
extern const struct cstat__format cstat__format_critcmp;

/* A report: two benchmarks, one with parameters and memory, every stage
 * present; only Workload/Result iterations are samples. */
static const char report[] =
	"{\n"
	"  \"Title\": \"Bench.Sort-20250101-120000\",\n"
	"  \"HostEnvironmentInfo\": {\n"
	"    \"BenchmarkDotNetCaption\": \"BenchmarkDotNet\",\n"
	"    \"BenchmarkDotNetVersion\": \"0.13.12\",\n"
	"    \"OsVersion\": \"Ubuntu 22.04\",\n"
	"    \"ProcessorName\": \"AMD EPYC\\n7763\",\n"
	"    \"PhysicalCoreCount\": 4,\n"
	"    \"RuntimeVersion\": \".NET 8.0.1\",\n"
	"    \"Architecture\": \"X64\",\n"
	"    \"HasAttachedDebugger\": false,\n"
	"    \"Configuration\": \"RELEASE\",\n"
	"    \"ChronometerFrequency\": {\"Hertz\": 1000000000}\n"
	"  },\n"
	"  \"Benchmarks\": [\n"
	"    {\"DisplayInfo\": \"Sort.Quick: DefaultJob [N=100, Kind=a b]\",\n"
	"     \"Namespace\": \"Bench\", \"Type\": \"Sort\", \"Method\": "
	"\"Quick\",\n"
	"     \"Parameters\": \"N=100&Kind=a b\",\n"
	"     \"Statistics\": {\"OriginalValues\": [99], \"N\": 1},\n"
	"     \"Memory\": {\"Gen0Collections\": 3, \"TotalOperations\": 64,\n"
	"                \"BytesAllocatedPerOperation\": 48},\n"
	"     \"Measurements\": [\n"
	"      {\"IterationMode\": \"Overhead\", \"IterationStage\": "
	"\"Actual\",\n"
	"       \"LaunchIndex\": 1, \"IterationIndex\": 1, \"Operations\": 4,\n"
	"       \"Nanoseconds\": 4},\n"
	"      {\"IterationMode\": \"Workload\", \"IterationStage\": "
	"\"Actual\",\n"
	"       \"LaunchIndex\": 1, \"IterationIndex\": 1, \"Operations\": 4,\n"
	"       \"Nanoseconds\": 44},\n"
	"      {\"IterationMode\": \"Workload\", \"IterationStage\": "
	"\"Result\",\n"
	"       \"LaunchIndex\": 1, \"IterationIndex\": 1, \"Operations\": 4,\n"
	"       \"Nanoseconds\": 40},\n"
	"      {\"IterationMode\": \"Workload\", \"IterationStage\": "
	"\"Result\",\n"
	"       \"LaunchIndex\": 1, \"IterationIndex\": 2, \"Operations\": 4,\n"
	"       \"Nanoseconds\": 42}\n"
	"     ]},\n"
	"    {\"DisplayInfo\": \"Sort.Merge: DefaultJob\",\n"
	"     \"Namespace\": \"Bench\", \"Type\": \"Sort\", \"Method\": "
	"\"Merge\",\n"
	"     \"Parameters\": \"\",\n"
	"     \"Statistics\": {\"OriginalValues\": [3]},\n"
	"     \"Measurements\": [\n"
	"      {\"IterationMode\": \"Workload\", \"IterationStage\": "
	"\"Result\",\n"
	"       \"LaunchIndex\": 1, \"IterationIndex\": 1, \"Operations\": 2,\n"
	"       \"Nanoseconds\": 3}\n"
	"     ]}\n"
	"  ]\n"
	"}\n";

/* What the report must give, item by item (see dump()). */
static const char report_items[] =
	"C benchmarkdotnet=0.13.12\n"
	"C os=Ubuntu 22.04\n"
	"C cpu=AMD EPYC 7763\n"
	"C arch=X64\n"
	"C runtime=.NET 8.0.1\n"
	"C configuration=RELEASE\n"
	"M B/op assume=exact\n"
	"C pkg=Bench\n"
	"R Sort.Quick/N=100/Kind=a_b 10 ns/op 48 B/op\n"
	"R Sort.Quick/N=100/Kind=a_b 10.5 ns/op\n"
	"C pkg=Bench\n"
	"R Sort.Merge 1.5 ns/op\n";

/* Appends every queued item to b as one line of text. */
static void
dump(struct cstat__rq *q, struct cstat__buf *b)
{
	struct cstat__rq_item it;

	while (cstat__rq_take(q, &it) == 1) {
		switch (it.kind) {
		case CSTAT__RQ_CONFIG:
			cstat__buf_printf(b, "C %s=%s\n", it.a, it.b);
			break;
		case CSTAT__RQ_RESULT:
			cstat__buf_printf(b, "R %s", it.a);
			for (size_t i = 0; i < it.nvalues; i++)
				cstat__buf_printf(b, " %.17g %s",
						  it.values[i].value,
						  it.values[i].unit);
			cstat__buf_addc(b, '\n');
			break;
		case CSTAT__RQ_UNIT_META:
			cstat__buf_printf(b, "M %s %s=%s\n", it.a, it.b, it.c);
			break;
		case CSTAT__RQ_TEXT:
			cstat__buf_printf(b, "T %s\n", it.a);
			break;
		case CSTAT__RQ_WARN:
			cstat__buf_printf(b, "W %lu %s\n", it.line, it.a);
			break;
		case CSTAT__RQ_FAIL:
			cstat__buf_printf(b, "F %d %lu:%lu %s\n", it.code,
					  it.line, it.column, it.a);
			break;
		}
	}
	cstat__rq_clear(q);
}

/* Feeds text to format f in chunks of size chunk; returns what it queued
 * (caller frees). */
static char *
bdn_chunks(const struct cstat__format *f, const char *text, size_t len,
	   size_t chunk)
{
	struct cstat__rq *q;
	struct cstat__buf out = {0};
	void *state = calloc(1, f->state_size ? f->state_size : 1);

	assert_non_null(state);
	assert_int_equal(cstat__rq_new(&q), 0);
	cstat__rq_set_label(q, "in.json");
	for (size_t i = 0; i < len; i += chunk) {
		size_t n = len - i < chunk ? len - i : chunk;
		assert_int_equal(f->feed(state, q, text + i, n), 0);
		dump(q, &out);
	}
	assert_int_equal(f->feed(state, q, NULL, 0), 0);
	dump(q, &out);
	cstat__buf_addc(&out, 0);
	if (f->release)
		f->release(state);
	free(state);
	cstat__rq_free(q);
	return out.data;
}

static char *
bdn_all(const char *text)
{
	return bdn_chunks(&cstat__format_dotnet, text, strlen(text),
			  strlen(text) + 1);
}

/* The mapping: host configuration without per-run values, B/op exact,
 * the namespace as pkg, parameters as keys, Result samples in ns/op
 * (Nanoseconds / Operations) with B/op on the first. */
static void
test_mapping(void **state)
{
	(void)state;
	char *got = bdn_all(report);

	assert_string_equal(got, report_items);
	free(got);
}

/* The same items whatever the chunks. */
static void
test_chunks(void **state)
{
	static const size_t sizes[] = {1, 7, 4096};

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		char *got = bdn_chunks(&cstat__format_dotnet, report,
				       strlen(report), sizes[i]);
		assert_string_equal(got, report_items);
		free(got);
	}
}

/* Truncated and malformed JSON fail with line and column; the column of
 * a truncated input is its last byte. */
static void
test_bad_json(void **state)
{
	(void)state;
	char *got =
		bdn_all("{\n  \"Benchmarks\": [\n    {\"Method\": \"A\"\n\n");

	assert_string_equal(got, "F -9 3:18 truncated JSON: the input ends "
				 "inside a value\n");
	free(got);
	got = bdn_all("{\n  \"Benchmarks\": [1,,2]\n}\n");
	assert_string_equal(got, "F -9 2:20 malformed JSON\n");
	free(got);
	got = bdn_chunks(&cstat__format_dotnet, "", 0, 1);
	assert_string_equal(got, "F -9 1:1 empty input, not JSON\n");
	free(got);
}

/* A report without a Benchmarks array is not one. */
static void
test_no_benchmarks(void **state)
{
	(void)state;
	char *got = bdn_all("{\"Title\": \"x\", \"HostEnvironmentInfo\": {}}");

	assert_non_null(strstr(got, "F -9 0:0 no \"Benchmarks\" array: not a "
				    "BenchmarkDotNet JSON report\n"));
	free(got);
	/* An empty one holds no results, which the reader reports. */
	got = bdn_all("{\"Benchmarks\": []}");
	assert_string_equal(got, "M B/op assume=exact\n");
	free(got);
}

/* The brief export (no Measurements) is read from
 * Statistics.OriginalValues; without those either it is an error that
 * names the full exporter. */
static void
test_brief_export(void **state)
{
	(void)state;
	char *got = bdn_all(
		"{\"Benchmarks\": [{\"Type\": \"T\", \"Method\": \"M\", "
		"\"Statistics\": {\"OriginalValues\": [1.25, 2.5]}}]}");

	assert_string_equal(got, "M B/op assume=exact\nC pkg=\n"
				 "R T.M 1.25 ns/op\nR T.M 2.5 ns/op\n");
	free(got);
	got = bdn_all("{\"Benchmarks\": [{\"Type\": \"T\", \"Method\": \"M\", "
		      "\"Statistics\": {\"Mean\": 3}}]}");
	assert_non_null(strstr(got,
			       "W 0 benchmark T.M: no measurements of stage "
			       "Result and no Statistics (did it fail?); "
			       "skipped\n"
			       "F -9 0:0 BenchmarkDotNet JSON without "
			       "measurements (the brief export?): export with "
			       "the full JSON exporter "
			       "([JsonExporterAttribute.Full], or --exporters "
			       "json)\n"));
	free(got);
}

/* A benchmark that failed (no Result, Statistics null) is skipped with a
 * warning; the others are read. */
static void
test_failed_benchmark(void **state)
{
	(void)state;
	char *got = bdn_all(
		"{\"Benchmarks\": ["
		"{\"Type\": \"T\", \"Method\": \"Bad\", \"Statistics\": null,"
		" \"Measurements\": [{\"IterationMode\": \"Workload\","
		" \"IterationStage\": \"Jitting\", \"Operations\": 1,"
		" \"Nanoseconds\": 5}]},"
		"{\"Type\": \"T\", \"Method\": \"Good\", \"Measurements\": ["
		"{\"IterationMode\": \"Workload\", \"IterationStage\": "
		"\"Result\", \"Operations\": 0, \"Nanoseconds\": 5},"
		"{\"IterationMode\": \"Workload\", \"IterationStage\": "
		"\"Result\", \"Operations\": 1, \"Nanoseconds\": \"x\"},"
		"{\"IterationMode\": \"Workload\", \"IterationStage\": "
		"\"Result\", \"Operations\": 1, \"Nanoseconds\": 7}]},"
		"{\"Type\": \"T\"}]}");

	assert_string_equal(
		got, "M B/op assume=exact\n"
		     "C pkg=\n"
		     "W 0 benchmark T.Bad: no measurements of stage Result "
		     "and no Statistics (did it fail?); skipped\n"
		     "C pkg=\n"
		     "R T.Good 7 ns/op\n"
		     "W 0 benchmark T.Good: 2 measurements without a time or "
		     "an operation count; skipped\n"
		     "W 0 a benchmark without a \"Method\"; skipped\n");
	free(got);
}

/* A debugger makes the times suspect: said once. */
static void
test_debugger_warning(void **state)
{
	(void)state;
	char *got = bdn_all("{\"HostEnvironmentInfo\": "
			    "{\"HasAttachedDebugger\": true}, "
			    "\"Benchmarks\": []}");

	assert_non_null(strstr(got, "W 0 measured with a debugger attached"));
	free(got);
}

/* Several jobs: each name says its job, without a generated job id;
 * '&' splits parameters only before a name and '='. */
static void
test_jobs_and_params(void **state)
{
	(void)state;
	char *got = bdn_all(
		"{\"Benchmarks\": ["
		"{\"DisplayInfo\": \"T.M: Job-ABCDEF(Runtime=.NET 8.0) "
		"[S=a&b, N=1]\", \"Type\": \"T\", \"Method\": \"M\","
		" \"Parameters\": \"S=a&b&N=1\","
		" \"Statistics\": {\"OriginalValues\": [1]}},"
		"{\"DisplayInfo\": \"T.M: ShortRun(IterationCount=3) [S=a&b, "
		"N=1]\", \"Type\": \"T\", \"Method\": \"M\","
		" \"Parameters\": \"S=a&b&N=1\","
		" \"Statistics\": {\"OriginalValues\": [2]}},"
		"{\"DisplayInfo\": \"T.M: ShortRun(IterationCount=3) "
		"[A=[[1, 2], [3]]]\", \"Type\": \"T\", \"Method\": \"M\","
		" \"Parameters\": \"A=[[1, 2], [3]]\","
		" \"Statistics\": {\"OriginalValues\": [3]}}]}");

	assert_non_null(strstr(got, "R T.M/job=(Runtime=.NET_8.0)/S=a&b/N=1 1 "
				    "ns/op\n"));
	assert_non_null(strstr(got, "R T.M/job=ShortRun(IterationCount=3)/"
				    "S=a&b/N=1 2 ns/op\n"));
	/* Parameters that hold " [" do not make a job of their own. */
	assert_non_null(strstr(got, "R T.M/job=ShortRun(IterationCount=3)/"
				    "A=[[1,_2],_[3]] 3 ns/op\n"));
	free(got);
}

/* Values written with "%.17g" (Nanoseconds with Operations 1, and
 * OriginalValues) come back bit for bit. */
static void
test_round_trip(void **state)
{
	enum { N = 200 };
	double want[N];
	uint64_t seed = 20251205;
	struct cstat__buf in = {0};

	(void)state;
	for (int i = 0; i < N; i++) {
		/* Spread over 1e-3 .. 1e9 ns, with every mantissa bit used. */
		double u = (double)(feed_rng(&seed) >> 11) * 0x1p-53;
		want[i] = pow(10, -3 + 12 * u);
	}
	for (int pass = 0; pass < 2; pass++) {
		in.len = 0;
		cstat__buf_adds(&in, "{\"Benchmarks\": [{\"Type\": \"R\", "
				     "\"Method\": \"T\", ");
		cstat__buf_adds(&in,
				pass ? "\"Statistics\": {\"OriginalValues\": ["
				     : "\"Measurements\": [");
		for (int i = 0; i < N; i++) {
			if (pass)
				cstat__buf_printf(&in, "%s%.17g", i ? "," : "",
						  want[i]);
			else
				cstat__buf_printf(
					&in,
					"%s{\"IterationMode\": \"Workload\", "
					"\"IterationStage\": \"Result\", "
					"\"Operations\": 1, \"Nanoseconds\": "
					"%.17g}",
					i ? "," : "", want[i]);
		}
		cstat__buf_adds(&in, pass ? "]}}]}" : "]}]}");

		struct cstat__rq *q;
		struct cstat__rq_item it;
		char st[64] = {0};
		int k = 0;

		assert_true(sizeof(st) >= cstat__format_dotnet.state_size);
		assert_int_equal(cstat__rq_new(&q), 0);
		assert_int_equal(
			cstat__format_dotnet.feed(st, q, in.data, in.len), 0);
		assert_int_equal(cstat__format_dotnet.feed(st, q, NULL, 0), 0);
		while (cstat__rq_take(q, &it) == 1) {
			if (it.kind != CSTAT__RQ_RESULT)
				continue;
			assert_true(k < N);
			assert_int_equal(it.nvalues, 1);
			assert_string_equal(it.values[0].unit, "ns/op");
			assert_same(it.values[0].value, want[k]);
			k++;
		}
		assert_int_equal(k, N);
		cstat__format_dotnet.release(st);
		cstat__rq_free(q);
	}
	cstat__buf_release(&in);
}

/* Reads text as input label through the reader (format chosen by
 * content); returns the reader and the first call's code and result. */
static cstat_reader *
open_text(const char *text, const char *label, int *rc,
	  const struct cstat_result **res, struct cstat_diag *d)
{
	cstat_reader *r;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open_mem(r, text, strlen(text), label),
			 0);
	*rc = cstat_reader_next(r, res, d);
	return r;
}

/* The reader chooses the format by content, tidies ns/op to sec/op, and
 * two runs that differ only in their Title and numbers have the same
 * configuration (one table). */
static void
test_through_reader(void **state)
{
	const struct cstat_result *res;
	struct cstat_diag d;
	int rc;

	(void)state;
	cstat_reader *r = open_text(report, "a.json", &rc, &res, &d);
	assert_int_equal(rc, 1);
	assert_string_equal(cstat_reader_format(r), "dotnet");
	assert_string_equal(res->name, "Sort.Quick/N=100/Kind=a_b");
	assert_int_equal(res->nvalues, 2);
	assert_string_equal(res->values[0].unit, "sec/op");
	assert_same(res->values[0].value, 10 * 1e-9);
	assert_string_equal(res->values[1].unit, "B/op");
	char *cfg = strndup(res->config_text, res->config_text_len);

	char other[sizeof(report)];
	memcpy(other, report, sizeof(report));
	char *t = strstr(other, "20250101-120000");
	memcpy(t, "20250102-130001", 15);
	t = strstr(other, "\"Nanoseconds\": 40");
	memcpy(t, "\"Nanoseconds\": 48", 17);
	cstat_reader *r2 = open_text(other, "b.json", &rc, &res, &d);
	assert_int_equal(rc, 1);
	assert_same(res->values[0].value, 12 * 1e-9);
	assert_int_equal(res->config_text_len, strlen(cfg));
	assert_memory_equal(res->config_text, cfg, strlen(cfg));
	free(cfg);
	cstat_reader_free(r);
	cstat_reader_free(r2);

	/* A truncated report: FILE:LINE:COLUMN of its last byte ("P" of
	 * "ProcessorName", line 7), fatal. */
	char cut[200];
	memcpy(cut, report, sizeof(cut) - 1);
	cut[sizeof(cut) - 1] = 0;
	r = open_text(cut, "cut.json", &rc, &res, &d);
	assert_int_equal(rc, CSTAT_EFORMAT);
	assert_string_equal(cstat_reader_format(r), "dotnet");
	char msg[600];
	cstat_diag_format(&d, msg, sizeof(msg));
	assert_non_null(strstr(msg, "cut.json:7:6: truncated JSON"));
	assert_true(d.column > 0);
	cstat_reader_free(r);
}

/* Neither sniff claims another tool's JSON or Go text; each claims its
 * own. */
static void
test_sniff(void **state)
{
	static const char *const others[] = {
		"{\n  \"context\": {\"date\": \"x\"},\n  \"benchmarks\": []\n}",
		"{\n  \"results\": [{\"command\": \"sleep 1\"}]\n}",
		"{\"machine_info\": {}, \"benchmarks\": []}",
		"{\"Time\":\"2023-01-01T00:00:00Z\",\"Action\":\"output\"}\n",
		"{\n  \"schema\": \"cstat-run/1\"\n}",
		"BenchmarkA 1 2 ns/op\n",
		"goos: linux\nBenchmarkHostEnvironmentInfo 1 2 ns/op\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++) {
		size_t n = strlen(others[i]);
		assert_int_equal(cstat__format_dotnet.sniff(others[i], n, true),
				 0);
		assert_int_equal(
			cstat__format_critcmp.sniff(others[i], n, true), 0);
	}
	assert_true(cstat__format_dotnet.sniff(report, strlen(report), true) >
		    0);
	assert_ptr_equal(cstat__format_sniff(report, strlen(report), true),
			 &cstat__format_dotnet);
}

/* critcmp JSON holds estimates, not samples: refused, naming what to give
 * instead; not listed among the JSON formats cstat reads. */
static void
test_critcmp_refused(void **state)
{
	static const char critcmp[] =
		"{\n  \"name\": \"base\",\n  \"benchmarks\": {\n"
		"    \"g/f\": {\"baseline\": \"base\", \"fullname\": "
		"\"base/g/f\",\n"
		"      \"criterion_benchmark_v1\": {\"group_id\": \"g\"},\n"
		"      \"criterion_estimates_v1\": {\"mean\": "
		"{\"point_estimate\": 5}}}}}\n";
	const struct cstat_result *res;
	struct cstat_diag d;
	char list[400];
	int rc;

	(void)state;
	cstat_reader *r = open_text(critcmp, "base.json", &rc, &res, &d);
	assert_int_equal(rc, CSTAT_EFORMAT);
	assert_string_equal(cstat_reader_format(r), "critcmp");
	assert_non_null(strstr(d.message, "base.json: critcmp JSON holds "
					  "criterion's summary estimates"));
	assert_non_null(strstr(d.message, "target/criterion/*/new/raw.csv"));
	cstat_reader_free(r);
	cstat__format_list(true, list, sizeof(list));
	assert_null(strstr(list, "critcmp"));
	assert_non_null(strstr(list, "BenchmarkDotNet JSON"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_bad_json),
		cmocka_unit_test(test_no_benchmarks),
		cmocka_unit_test(test_brief_export),
		cmocka_unit_test(test_failed_benchmark),
		cmocka_unit_test(test_debugger_warning),
		cmocka_unit_test(test_jobs_and_params),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_through_reader),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_critcmp_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
