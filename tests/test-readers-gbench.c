/*
 * test-readers-gbench.c - Google Benchmark JSON (lib/readers/gbench.c):
 * what each field becomes (docs/formats.md), every warning and error,
 * chunk boundaries, a round trip of known values, and two runs of one
 * program meeting in one table.
 *
 * The inputs are written here in the shape of Google Benchmark's
 * json_reporter.cc (fields, their order and the time units it writes).
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

static const struct cstat__format *
gbench(void)
{
	const struct cstat__format *f = cstat__format_named("gbench");

	assert_non_null(f);
	return f;
}

/*
 * Feeds text to the format in chunks of chunk bytes (then the end) and
 * writes every queued item as one line of dump: "C key=value",
 * "R name unit=value ...", "W line message", "F line:column message".
 */
static void
run(const char *text, size_t len, size_t chunk, struct cstat__buf *dump)
{
	const struct cstat__format *f = gbench();
	struct cstat__rq *q;
	struct cstat__rq_item it;
	void *state = calloc(1, f->state_size);

	assert_non_null(state);
	assert_int_equal(cstat__rq_new(&q), 0);
	cstat__rq_set_label(q, "in.json");
	for (size_t i = 0; i < len; i += chunk) {
		size_t n = len - i < chunk ? len - i : chunk;
		assert_int_equal(f->feed(state, q, text + i, n), 0);
	}
	assert_int_equal(f->feed(state, q, NULL, 0), 0);
	dump->len = 0;
	while (cstat__rq_take(q, &it) == 1) {
		switch (it.kind) {
		case CSTAT__RQ_CONFIG:
			cstat__buf_printf(dump, "C %s=%s\n", it.a, it.b);
			break;
		case CSTAT__RQ_RESULT:
			cstat__buf_printf(dump, "R %.*s", (int)it.a_len, it.a);
			for (size_t k = 0; k < it.nvalues; k++)
				cstat__buf_printf(dump, " %s=%.17g",
						  it.values[k].unit,
						  it.values[k].value);
			cstat__buf_printf(dump, "\n");
			break;
		case CSTAT__RQ_WARN:
			cstat__buf_printf(dump, "W %lu %s\n", it.line, it.a);
			break;
		case CSTAT__RQ_FAIL:
			cstat__buf_printf(dump, "F %lu:%lu %s\n", it.line,
					  it.column, it.a);
			break;
		default:
			cstat__buf_printf(dump, "? %s\n", it.a);
		}
	}
	if (f->release)
		f->release(state);
	free(state);
	cstat__rq_free(q);
	if (!dump->data)
		cstat__buf_adds(dump, "");
}

/* What the format makes of text, fed whole. */
static char *
read_text(const char *text)
{
	struct cstat__buf b = {0};

	run(text, strlen(text), strlen(text) + 1, &b);
	return b.data;
}

static const char sample[] =
	"{\n"
	"  \"context\": {\n"
	"    \"date\": \"2024-01-15T10:00:00+00:00\",\n"
	"    \"host_name\": \"box\",\n"
	"    \"executable\": \"./build/bench\",\n"
	"    \"num_cpus\": 8,\n"
	"    \"mhz_per_cpu\": 3187,\n"
	"    \"cpu_scaling_enabled\": false,\n"
	"    \"caches\": [{\"type\": \"Data\", \"level\": 1, \"size\": "
	"32768}],\n"
	"    \"load_avg\": [0.5, 0.25, 0.125],\n"
	"    \"library_build_type\": \"release\"\n"
	"  },\n"
	"  \"benchmarks\": [\n"
	"    {\"name\": \"BM_Foo/8/threads:2\", \"run_name\": "
	"\"BM_Foo/8/threads:2\", \"run_type\": \"iteration\", "
	"\"repetitions\": 2, \"repetition_index\": 0, \"threads\": 2, "
	"\"iterations\": 1000, \"real_time\": 250, \"cpu_time\": 500, "
	"\"time_unit\": \"us\", \"bytes_per_second\": 4096, "
	"\"items_per_second\": 8, \"Hits\": 3, \"label\": \"x\"},\n"
	"    {\"name\": \"BM_Foo/8/threads:2\", \"run_name\": "
	"\"BM_Foo/8/threads:2\", \"run_type\": \"iteration\", "
	"\"repetitions\": 2, \"repetition_index\": 1, \"threads\": 2, "
	"\"iterations\": 1000, \"real_time\": 2, \"cpu_time\": 4, "
	"\"time_unit\": \"ms\", \"Hits\": 4},\n"
	"    {\"name\": \"BM_Foo/8/threads:2_mean\", \"run_name\": "
	"\"BM_Foo/8/threads:2\", \"run_type\": \"aggregate\", "
	"\"aggregate_name\": \"mean\", \"real_time\": 1125, \"cpu_time\": "
	"2250, \"time_unit\": \"us\"},\n"
	"    {\"name\": \"BM_Fit_BigO\", \"run_name\": \"BM_Fit\", "
	"\"run_type\": \"aggregate\", \"aggregate_name\": \"BigO\", "
	"\"cpu_coefficient\": 4.2, \"real_coefficient\": 6.4, \"big_o\": "
	"\"N\", \"time_unit\": \"ns\"},\n"
	"    {\"name\": \"BM_Fit_RMS\", \"run_name\": \"BM_Fit\", "
	"\"run_type\": "
	"\"aggregate\", \"aggregate_name\": \"RMS\", \"rms\": 0.004},\n"
	"    {\"name\": \"BM_Sec\", \"iterations\": 1, \"real_time\": 1.5, "
	"\"cpu_time\": 0.5, \"time_unit\": \"s\"}\n"
	"  ]\n"
	"}\n";

/* Stable context keys are configuration; per-run ones are left out; each
 * iteration is one result with its times in seconds, its rates and its
 * counters; aggregates and complexity fits are not samples. */
static void
test_mapping(void **state)
{
	(void)state;
	char *got = read_text(sample);

	assert_string_equal(
		got, "C host_name=box\n"
		     "C num_cpus=8\n"
		     "C cpu_scaling_enabled=false\n"
		     "C library_build_type=release\n"
		     "R BM_Foo/8/threads:2 sec/op=0.00025000000000000001 "
		     "cpu-sec/op=0.00050000000000000001 B/s=4096 items/s=8 "
		     "Hits=3\n"
		     "R BM_Foo/8/threads:2 sec/op=0.002 "
		     "cpu-sec/op=0.0040000000000000001 "
		     "Hits=4\n"
		     "R BM_Sec sec/op=1.5 cpu-sec/op=0.5\n");

	/* A shape the fast path leaves to the whole tree (a second
	 * "benchmarks" key, which JSON readers ignore) reads the same. */
	size_t n = strlen(sample);
	char *dup = malloc(n + 32);
	assert_non_null(dup);
	snprintf(dup, n + 32, "%.*s, \"benchmarks\": []}\n", (int)(n - 2),
		 sample);
	char *slow = read_text(dup);
	assert_string_equal(slow, got);
	free(slow);
	free(dup);
	free(got);
}

/* A counter named with white space becomes a unit with '_', as does a
 * benchmark name; memory manager allocations meet Go's allocs/op. */
static void
test_counter_units(void **state)
{
	(void)state;
	char *got = read_text(
		"{\"benchmarks\": [{\"name\": \"A\", \"run_type\": "
		"\"iteration\", \"real_time\": 1, \"cpu_time\": 1, "
		"\"time_unit\": \"s\", \"cache misses\": 7, "
		"\"allocs_per_iter\": 2, \"flag\": true, \"note\": \"n\"}]}");

	assert_string_equal(got, "R A sec/op=1 cpu-sec/op=1 allocs/op=2 "
				 "cache_misses=7\n");
	free(got);
	got = read_text("{\"benchmarks\": [{\"name\": \"f(a, b)//8\", "
			"\"real_time\": 2, \"time_unit\": \"s\"}]}");
	assert_string_equal(got, "R f(a,_b)//8 sec/op=2\n");
	free(got);
}

/* Every entry that is not a sample is named in a warning. */
static void
test_warnings(void **state)
{
	(void)state;
	char *got = read_text(
		"{\"benchmarks\": [\n"
		"{\"name\": \"BM_E\", \"run_type\": \"iteration\", "
		"\"error_occurred\": true, \"error_message\": \"boom\"},\n"
		"{\"name\": \"BM_S\", \"run_type\": \"iteration\", "
		"\"skipped\": true, \"skip_message\": \"later\"},\n"
		"{\"name\": \"BM_U\", \"real_time\": 1, \"time_unit\": "
		"\"ks\"},\n"
		"{\"name\": \"BM_N\", \"run_type\": \"iteration\"},\n"
		"3, {\"iterations\": 1},\n"
		"{\"name\": \"BM_Agg_mean\", \"run_name\": \"BM_Agg\", "
		"\"run_type\": \"aggregate\", \"aggregate_name\": \"mean\", "
		"\"real_time\": 1, \"time_unit\": \"ns\"},\n"
		"{\"name\": \"BM_Old_median\", \"real_time\": 1},\n"
		"{\"name\": \"BM_OK\", \"real_time\": 1}\n"
		"]}");

	assert_string_equal(
		got,
		"W 0 benchmark BM_E: error_occurred: boom; skipped\n"
		"W 0 benchmark BM_S: skipped by the benchmark: later\n"
		"W 0 benchmark BM_U: unknown time_unit \"ks\"; skipped\n"
		"W 0 benchmark BM_N: no values; skipped\n"
		"W 0 benchmarks[4]: not an object; skipped\n"
		"W 0 benchmarks[5]: no \"name\"; skipped\n"
		"R BM_OK sec/op=1.0000000000000001e-09\n"
		"W 0 benchmark BM_Agg: only aggregates (mean, median, ...), "
		"no repetitions; skipped: rerun with --benchmark_repetitions=N "
		"without --benchmark_report_aggregates_only\n"
		"W 0 benchmark BM_Old_median: only aggregates (mean, median, "
		"...), no repetitions; skipped: rerun with "
		"--benchmark_repetitions=N without "
		"--benchmark_report_aggregates_only\n");
	free(got);
}

/* A file of aggregates only is an error that says how to rerun; an
 * error_occurred entry of the same name counts as its repetition. */
static void
test_aggregates_only(void **state)
{
	(void)state;
	char *got = read_text(
		"{\"benchmarks\": [{\"name\": \"A_mean\", \"run_name\": \"A\", "
		"\"run_type\": \"aggregate\", \"aggregate_name\": \"mean\", "
		"\"real_time\": 1, \"time_unit\": \"ns\"}]}");

	assert_string_equal(got,
			    "F 0:0 Google Benchmark JSON with only aggregates "
			    "(mean, median, stddev, ...), which are not "
			    "samples: rerun with --benchmark_repetitions=N "
			    "without --benchmark_report_aggregates_only\n");
	free(got);
	got = read_text("{\"benchmarks\": [{\"name\": \"A\", \"run_type\": "
			"\"iteration\", \"error_occurred\": true}, {\"name\": "
			"\"A_mean\", \"run_name\": \"A\", \"run_type\": "
			"\"aggregate\", \"aggregate_name\": \"mean\"}]}");
	assert_string_equal(got, "W 0 benchmark A: error_occurred: (no "
				 "error_message); skipped\n");
	free(got);
}

/* Broken JSON fails with the line and column of the problem. */
static void
test_syntax_errors(void **state)
{
	(void)state;
	char *got = read_text("{\"benchmarks\": [\n  {\"name\": \"A\",\n   "
			      "\"real_time\": 1");

	assert_string_equal(got, "F 3:17 truncated JSON: the input ends "
				 "inside a value\n");
	free(got);
	got = read_text("{\"benchmarks\": [\n  {\"name\": \"A\"} x]}");
	assert_string_equal(got, "F 2:17 malformed JSON\n");
	free(got);
	/* Google Benchmark writes NaN unquoted for a 0/0 statistic. */
	got = read_text("{\"benchmarks\": [\n  {\"name\": \"A\", "
			"\"real_time\": NaN}]}");
	assert_string_equal(got, "F 2:30 malformed JSON\n");
	free(got);
	got = read_text("{\"benchmarks\": []} {}");
	assert_string_equal(got, "F 1:20 malformed JSON\n");
	free(got);
	got = read_text("{\"benchmarks\": {}}");
	assert_string_equal(got, "F 0:0 not Google Benchmark JSON (no "
				 "\"benchmarks\" array)\n");
	free(got);
	got = read_text("");
	assert_string_equal(got, "");
	free(got);
}

static const char console[] =
	"2024-01-15T10:00:00+00:00\n"
	"Running ./bench\n"
	"Run on (8 X 3200 MHz CPU s)\n"
	"Load Average: 0.52, 0.58, 0.59\n"
	"-----------------------------------------------------\n"
	"Benchmark           Time             CPU   Iterations\n"
	"-----------------------------------------------------\n"
	"BM_StringCreation       5.23 ns         5.22 ns    134000000\n";

/* Google Benchmark's console table is refused by name through the
 * reader, with the flag that gives JSON; Go text is never claimed. */
static void
test_console_refused(void **state)
{
	const struct cstat_result *res;
	struct cstat_diag d;
	cstat_reader *r;
	char msg[1024];

	(void)state;
	assert_int_equal(gbench()->sniff(console, strlen(console), true), 100);
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(
		cstat_reader_open_mem(r, console, strlen(console), "c.txt"), 0);
	assert_int_equal(cstat_reader_next(r, &res, &d), CSTAT_EFORMAT);
	cstat_diag_format(&d, msg, sizeof(msg));
	assert_string_equal(msg, "c.txt: Google Benchmark console output, "
				 "which cstat does not read: rerun with "
				 "--benchmark_format=json");
	cstat_reader_free(r);

	static const char *const not_console[] = {
		"BenchmarkTime 1 2 ns/op\n",
		"goos: linux\nBenchmarkA-8 10 5 ns/op\nPASS\n",
		/* The header words without the rule before them. */
		"Benchmark Time CPU Iterations\n",
		"-----------\nBenchmark Time CPUs Iterations\n",
	};
	for (size_t i = 0; i < sizeof(not_console) / sizeof(*not_console); i++)
		assert_int_equal(gbench()->sniff(not_console[i],
						 strlen(not_console[i]), true),
				 0);
}

/* Only JSON with Google Benchmark's own keys is claimed. */
static void
test_sniff(void **state)
{
	static const char *const others[] = {
		/* pytest-benchmark */
		"{\"machine_info\": {}, \"benchmarks\": [{\"name\": \"t\", "
		"\"stats\": {\"min\": 1}}]}",
		/* hyperfine */
		"{\"results\": [{\"command\": \"x\", \"mean\": 1, \"times\": "
		"[1]}]}",
		"{\"benchmarks\": []}",
		"[{\"real_time\": 1}]",
	};

	(void)state;
	assert_int_equal(gbench()->sniff(sample, strlen(sample), true), 90);
	for (size_t i = 0; i < sizeof(others) / sizeof(*others); i++)
		assert_int_equal(
			gbench()->sniff(others[i], strlen(others[i]), true), 0);
	/* Chosen by content, through the table. */
	assert_ptr_equal(cstat__format_sniff(sample, strlen(sample), true),
			 gbench());
}

/* Chunks of any size give the same items as the whole input. */
static void
test_chunks(void **state)
{
	static const size_t sizes[] = {1, 7, 4096};
	struct cstat__buf whole = {0}, part = {0};
	char *err = read_text("{\"benchmarks\": [{\"name\": \"A\"");

	(void)state;
	run(sample, strlen(sample), strlen(sample), &whole);
	for (size_t i = 0; i < 3; i++) {
		run(sample, strlen(sample), sizes[i], &part);
		assert_string_equal(part.data, whole.data);
		struct cstat__buf e = {0};
		const char *t = "{\"benchmarks\": [{\"name\": \"A\"";
		run(t, strlen(t), sizes[i], &e);
		assert_string_equal(e.data, err);
		cstat__buf_release(&e);
	}
	cstat__buf_release(&whole);
	cstat__buf_release(&part);
	free(err);
}

/* A positive double over many magnitudes. */
static double
any_value(uint64_t *s)
{
	double m = (double)(feed_rng(s) >> 11) / 9007199254740992.0;
	int e = (int)(feed_rng(s) % 40) - 20;

	return (m + 1e-300) * pow(10, e);
}

/*
 * Round trip: values written with %.17g in seconds come back bit for bit;
 * in ns they come back as Go text's "ns/op" does (the same sec/op value),
 * checked through the reader with a Go line of the same number.
 */
static void
test_round_trip(void **state)
{
	enum { N = 200 };
	double real[N], cpu[N], items[N];
	struct cstat__buf doc = {0};
	const struct cstat_result *res;
	struct cstat_diag d;
	cstat_reader *r;
	uint64_t seed = 20261205;

	(void)state;
	cstat__buf_adds(&doc, "{\"context\": {}, \"benchmarks\": [\n");
	for (int i = 0; i < N; i++) {
		real[i] = any_value(&seed);
		cpu[i] = any_value(&seed);
		items[i] = any_value(&seed);
		cstat__buf_printf(&doc,
				  "%s{\"name\": \"BM_%d\", \"run_type\": "
				  "\"iteration\", \"real_time\": %.17g, "
				  "\"cpu_time\": %.17g, \"time_unit\": \"%s\", "
				  "\"items_per_second\": %.17g}\n",
				  i ? "," : "", i, real[i], cpu[i],
				  i % 2 ? "s" : "ns", items[i]);
	}
	cstat__buf_adds(&doc, "]}\n");
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open_mem(r, doc.data, doc.len, "rt.json"),
			 0);
	for (int i = 0; i < N; i++) {
		assert_int_equal(cstat_reader_next(r, &res, &d), 1);
		assert_string_equal(cstat_reader_format(r), "gbench");
		assert_int_equal(res->nvalues, 3);
		double want_real = real[i], want_cpu = cpu[i];
		if (i % 2 == 0) {
			want_real = real[i] * (1 / 1e9);
			want_cpu = cpu[i] * (1 / 1e9);
		}
		assert_same(res->values[0].value, want_real);
		assert_string_equal(res->values[0].unit, "sec/op");
		assert_same(res->values[1].value, want_cpu);
		assert_string_equal(res->values[1].unit, "cpu-sec/op");
		assert_same(res->values[2].value, items[i]);
		assert_string_equal(res->values[2].unit, "items/s");
	}
	assert_int_equal(cstat_reader_next(r, &res, &d), 0);

	/* The same ns number through Go text gives the same sec/op. */
	char line[128];
	snprintf(line, sizeof(line), "BenchmarkX 1 %.17g ns/op\n", real[0]);
	assert_int_equal(cstat_reader_open_mem(r, line, strlen(line), "g.txt"),
			 0);
	assert_int_equal(cstat_reader_next(r, &res, &d), 1);
	assert_same(res->values[0].value, real[0] * (1 / 1e9));
	cstat_reader_free(r);
	cstat__buf_release(&doc);
}

/* Two runs of one program on one machine (different dates, executable
 * paths, load averages and measured MHz) meet in one table per unit. */
static void
test_two_runs_one_table(void **state)
{
	static const char *const runs[] = {
		"{\"context\": {\"date\": \"2024-01-15T10:00:00\", "
		"\"host_name\": \"box\", \"executable\": \"old/bench\", "
		"\"num_cpus\": 8, \"mhz_per_cpu\": 3187, \"load_avg\": [1, 2], "
		"\"library_build_type\": \"release\"}, \"benchmarks\": "
		"[{\"name\": \"BM_A\", \"real_time\": 10, \"cpu_time\": 10, "
		"\"time_unit\": \"ns\"}]}",
		"{\"context\": {\"date\": \"2024-01-16T11:30:00\", "
		"\"host_name\": \"box\", \"executable\": \"new/bench\", "
		"\"num_cpus\": 8, \"mhz_per_cpu\": 2900, \"load_avg\": [3, 4], "
		"\"library_build_type\": \"release\"}, \"benchmarks\": "
		"[{\"name\": \"BM_A\", \"real_time\": 9, \"cpu_time\": 9, "
		"\"time_unit\": \"ns\"}]}",
	};
	const struct cstat_result *res;
	struct cstat_diag d;
	cstat_reader *r;
	cstat_builder *b;
	cstat_tables *t;

	(void)state;
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(cstat_reader_open_mem(r, runs[i],
						       strlen(runs[i]),
						       i ? "b.json" : "a.json"),
				 0);
		while (cstat_reader_next(r, &res, &d) == 1)
			assert_int_equal(cstat_builder_add(b, res), 0);
	}
	struct cstat_stats_opts o = {
		.alpha = 0.05, .confidence = 0.95, .units = r};
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	/* sec/op and cpu-sec/op, each with both files as columns. */
	assert_int_equal(cstat_tables_count(t), 2);
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(cstat_table_cols(t, i), 2);
	assert_string_equal(cstat_table_unit(t, 0), "sec/op");
	assert_string_equal(cstat_table_unit(t, 1), "cpu-sec/op");
	cstat_tables_free(t);
	cstat_builder_free(b);
	cstat_reader_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_counter_units),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_aggregates_only),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_console_refused),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_two_runs_one_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
