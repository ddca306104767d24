/*
 * test-readers-csv.c - the CSV formats (lib/readers/csv.c): cstat's long
 * CSV and criterion.rs's raw.csv, and the inputs refused with a message
 * (lib/readers/refuse.c).  Expected items follow docs/formats.md; the
 * criterion example is the one in criterion's book (csv_output.md).
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

/*
 * Feeds text to format name in chunks of chunk bytes and describes every
 * item queued, one a line: "C key=value @L", "R name value unit ... @L",
 * "W message @L", "F message @L".  The caller frees the string.
 */
static char *
items(const char *name, const char *text, size_t chunk)
{
	const struct cstat__format *f = cstat__format_named(name);
	struct cstat__rq *q;
	struct cstat__rq_item it;
	struct cstat__buf out = {0};
	void *state;
	size_t len = strlen(text), pos = 0;
	bool end = false;

	assert_non_null(f);
	state = calloc(1, f->state_size);
	assert_non_null(state);
	assert_int_equal(cstat__rq_new(&q), 0);
	while (!end && !cstat__rq_failed(q)) {
		size_t n = len - pos < chunk ? len - pos : chunk;

		end = n == 0;
		assert_int_equal(f->feed(state, q, end ? NULL : text + pos, n),
				 0);
		pos += n;
		while (cstat__rq_take(q, &it) == 1) {
			switch (it.kind) {
			case CSTAT__RQ_CONFIG:
				cstat__buf_printf(&out, "C %s=%s", it.a, it.b);
				break;
			case CSTAT__RQ_RESULT:
				cstat__buf_printf(&out, "R %.*s", (int)it.a_len,
						  it.a);
				for (size_t k = 0; k < it.nvalues; k++)
					cstat__buf_printf(&out, " %.17g %s",
							  it.values[k].value,
							  it.values[k].unit);
				break;
			case CSTAT__RQ_WARN:
				cstat__buf_printf(&out, "W %s", it.a);
				break;
			case CSTAT__RQ_FAIL:
				cstat__buf_printf(&out, "F %s", it.a);
				break;
			default:
				cstat__buf_printf(&out, "? %d", (int)it.kind);
			}
			cstat__buf_printf(&out, " @%lu\n", it.line);
		}
		cstat__rq_clear(q);
	}
	f->release(state);
	free(state);
	cstat__rq_free(q);
	return out.data ? out.data : strdup("");
}

/* The items of text must be want, fed whole and in chunks of 1, 7 and
 * 4096 bytes (libcsv keeps a field that spans chunks). */
static void
check(const char *name, const char *text, const char *want)
{
	static const size_t chunks[] = {1, 7, 4096, SIZE_MAX};

	for (size_t i = 0; i < sizeof(chunks) / sizeof(*chunks); i++) {
		char *got = items(name, text, chunks[i]);

		if (strcmp(got, want) != 0)
			print_error("chunk %zu:\n%s\nwant:\n%s\n", chunks[i],
				    got, want);
		assert_string_equal(got, want);
		free(got);
	}
}

/* Columns in any order; configuration columns become keys, sent when
 * they change; an empty cell removes the key; CRLF line ends; quoting. */
static void
test_long_mapping(void **state)
{
	(void)state;
	check("csv",
	      "unit,host,name,value,go\r\n"
	      "sec/op,a,Foo/n=1,1.5,1.22\r\n"
	      "sec/op,a,Foo/n=1,2.5,1.22\r\n"
	      "B/op,,\"Bar, \"\"x\"\"\",3e2,1.22\r\n"
	      "ns/op,b,Baz,  7 ,\r\n",
	      "C host=a @2\nC go=1.22 @2\nR Foo/n=1 1.5 sec/op @2\n"
	      "R Foo/n=1 2.5 sec/op @3\n"
	      "C host= @4\nR Bar,_\"x\" 300 B/op @4\n"
	      "C host=b @5\nC go= @5\nR Baz 7 ns/op @5\n");
}

/* Rows that cannot be used are skipped with a warning naming the line
 * (a quoted line break counts: the row's own line is named). */
static void
test_long_warnings(void **state)
{
	(void)state;
	check("csv",
	      "name,value,unit,host\n"
	      "A,abc,ns/op,x\n"
	      "A,1,ns/op\n"
	      "\"two\nlines\",1,x,y\n"
	      "A,,ns/op,x\n"
	      ",1,ns/op,x\n"
	      "A,1,,x\n"
	      "A,1e999,ns/op,x\n"
	      "\n"
	      "name,value,unit,host\n"
	      "A,0x1p-2,ns/op,x\n",
	      "W value \"abc\" is not a number; row skipped @2\n"
	      "W row has 3 fields, the header 4; row skipped @3\n"
	      "W name has a line break or control character; row skipped "
	      "@4\n"
	      "W value \"\" is not a number; row skipped @6\n"
	      "W empty name; row skipped @7\n"
	      "W empty unit; row skipped @8\n"
	      "W value \"1e999\" is not a number; row skipped @9\n"
	      "C host=x @12\nR A 0.25 ns/op @12\n");
}

/* A header without the required columns, or with one twice, and broken
 * quoting stop the reading with an error naming the line. */
static void
test_long_errors(void **state)
{
	(void)state;
	check("csv", "name,value\nA,1\n",
	      "F CSV header lacks the required column \"unit\" @1\n");
	check("csv", "name,value,unit,name\n",
	      "F CSV header repeats the column \"name\" @1\n");
	check("csv", "name,value,unit\nA,1,x\nA\"b,1,x\n",
	      "R A 1 x @2\n"
	      "F malformed CSV: a quote inside an unquoted field, or text "
	      "after a closing quote @3\n");
	check("csv", "name,value,unit\n\"A\"x,1,x\n",
	      "F malformed CSV: a quote inside an unquoted field, or text "
	      "after a closing quote @2\n");
	check("csv", "name,value,unit\n\"A,1,x\n",
	      "F malformed CSV: a quoted field is not closed by the end of "
	      "the input @3\n");
	check("csv", "", "F empty CSV: no header row @0\n");
}

/* A field longer than 1 MiB is an error, not unbounded memory. */
static void
test_long_field_cap(void **state)
{
	size_t n = 2 * 1024 * 1024;
	char *text = malloc(n + 64);

	(void)state;
	assert_non_null(text);
	strcpy(text, "name,value,unit\n");
	memset(text + 16, 'a', n);
	strcpy(text + 16 + n, ",1,x\n");
	char *got = items("csv", text, 65536);

	assert_string_equal(got, "F a field longer than 1 MiB @2\n");
	free(got);
	free(text);
}

/* Round trip: 2000 values of every magnitude (random bit patterns,
 * seed 42, NaN left out), written with "%.17g" into the long CSV and read
 * back through the reader, come back bit-identical. */
static void
test_long_round_trip(void **state)
{
	enum { N = 2000 };
	double *want = malloc(N * sizeof(*want));
	struct cstat__buf csv = {0};
	uint64_t seed = 42;

	(void)state;
	assert_non_null(want);
	cstat__buf_adds(&csv, "name,value,unit\n");
	for (size_t i = 0; i < N; i++) {
		uint64_t bits;

		do {
			bits = feed_rng(&seed);
			memcpy(&want[i], &bits, sizeof(bits));
		} while (want[i] != want[i]);
		cstat__buf_printf(&csv, "\"V,%zu\",%.17g,x\n", i % 7, want[i]);
	}

	cstat_reader *r;
	const struct cstat_result *res;
	struct cstat_diag d;
	size_t n = 0;
	int rc;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open_mem(r, csv.data, csv.len, "rt.csv"),
			 0);
	assert_int_equal(cstat_reader_set_format(r, "csv"), 0);
	while ((rc = cstat_reader_next(r, &res, &d)) == 1) {
		assert_true(n < N);
		assert_int_equal(res->nvalues, 1);
		assert_memory_equal(&res->values[0].value, &want[n],
				    sizeof(double));
		n++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, N);
	cstat_reader_free(r);
	cstat__buf_release(&csv);
	free(want);
}

static const char crit_head[] =
	"group,function,value,throughput_num,throughput_type,"
	"sample_measured_value,unit,iteration_count\n";

/* Criterion: one sample a row, time per iteration in ns/op (the reader
 * makes it sec/op), the name from group/function/value, a throughput as
 * B/s or elem/s; criterion's book's example rows. */
static void
test_criterion_mapping(void **state)
{
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text),
		 "%sFibonacci,Iterative,,,,915000,ns,110740\n"
		 "fib 20,,,,,2061530.0,ns,85\n"
		 "Fib,Rec,20,1024,bytes,2048,ns,2\n"
		 "Fib,Rec,20,8,elements,2000,ns,4\n"
		 "%s"
		 "Cyc,,,8,bytes,30,cycles,3\n",
		 crit_head, crit_head);
	check("criterion", text,
	      "R Fibonacci/Iterative 8.2625970742279211 ns/op @2\n"
	      "R fib_20 24253.294117647059 ns/op @3\n"
	      "R Fib/Rec/20 1024 ns/op 1000000000 B/s @4\n"
	      "R Fib/Rec/20 500 ns/op 16000000 elem/s @5\n"
	      "R Cyc 10 cycles/op @7\n");
}

static void
test_criterion_warnings(void **state)
{
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text),
		 "%sA,,,,,100,ns,0\n"
		 "A,,,,,x,ns,1\n"
		 "A,,,8,frobs,100,ns,1\n"
		 "A,,,,,100,ns\n"
		 ",,,,,100,ns,1\n",
		 crit_head);
	check("criterion", text,
	      "W iteration_count is not positive; row skipped @2\n"
	      "W sample_measured_value \"x\" is not a number; row skipped @3\n"
	      "W throughput_type \"frobs\" is neither bytes nor elements; "
	      "throughput left out @4\n"
	      "R A 100 ns/op @4\n"
	      "W row has 7 fields, the header 8; row skipped @5\n"
	      "W empty group; row skipped @6\n");
	check("criterion", "group,function,value\n",
	      "F not criterion's raw.csv header; expected "
	      "\"group,function,value,throughput_num,throughput_type,sample_"
	      "measured_value,unit,iteration_count\" @1\n");
}

/* Which format claims what: the CSV formats by their headers, the refused
 * inputs by their signatures, and never Go text. */
static void
test_sniff(void **state)
{
	static const struct {
		const char *text, *format;
	} cases[] = {
		{"value,unit,name\nA,1,x\n", "csv"},
		{"name,value,unit\r\n", "csv"},
		{"group,function,value,throughput_num,throughput_type,sample_"
		 "measured_value,unit,iteration_count\n",
		 "criterion"},
		{"name,model,rebar_version,engine\na,b,c,d\n", "other-csv"},
		{"Method,Job,Mean,Error,StdDev\nA,B,1 us,2 us,3 us\n",
		 "bdn-csv"},
		{"       │ old.txt │ new.txt │\n", "bs-table"},
		{"name  old time/op  new time/op  delta\n", "bs-table"},
		{"Write-4   9.000 ± ∞ ¹   6.000 ± ∞ ¹   ~ (p=0.100 n=3) ²\n",
		 "bs-table"},
		{"file                    time:   [320.62 ps 323.90 ps]\n",
		 "crit-text"},
		{"test a ... bench:         329 ns/iter (+/- 4)\n",
		 "crit-text"},
		{"· Running 10 total benchmarks\n[ 10.00%] ··· x  1.0μs\n",
		 "asv-text"},
		{"group   base   new\n-----   ----   ---\nx/y   1.00  "
		 "7.7\xc2\xb1"
		 "0.17ms   1.00  7.7\xc2\xb1"
		 "0.17ms\n",
		 "critcmp-text"},
		{"``` ini\nBenchmarkDotNet=v0.12.0, OS=macOS\n```\n"
		 "| Method | Mean |\n|------- |-----:|\n",
		 "bdn-md"},
		{"window.BENCHMARK_DATA = {\n", "gab-js"},
		/* Go text, with lines of the other kinds around it. */
		{"BenchmarkA-8 10 5 ns/op\nname,value,unit\n", NULL},
		{"Benchmarking file: Warming up\nBenchmarkA 1 2 ns/op\n"
		 "file  time:   [320.62 ps 323.90 ps]\n",
		 NULL},
		{"a,b,c\nBenchmarkA 1 2 ns/op\n", NULL},
		{"goos: linux\nBenchmarkA\t1\t2 ns/op\n", NULL},
		{"\"x\": \"       │ old.txt │\\n (p=0.1 n=3) ± \"\n", NULL},
		/* Rows without a header (a real file: two columns). */
		{"mycat2,37978.145\nmycat3,37904.707\n", "other-csv"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const struct cstat__format *f = cstat__format_sniff(
			cases[i].text, strlen(cases[i].text), true);

		if (!cases[i].format) {
			if (f)
				print_error("case %zu: %s\n", i, f->name);
			assert_null(f);
			continue;
		}
		assert_non_null(f);
		assert_string_equal(f->name, cases[i].format);
	}
}

/* The refused inputs stop the reader with a message naming the file,
 * and say what to give instead. */
static void
test_refusals_through_reader(void **state)
{
	static const struct {
		const char *text, *msg;
	} cases[] = {
		{"name,model,engine\na,b,c\n",
		 "x.in: CSV, but not a format cstat reads (expected columns "
		 "name,value,unit or criterion's raw.csv)"},
		{"Method,Job,Mean,Error,StdDev\nA,B,1 us,2 us,3 us\n",
		 "x.in: BenchmarkDotNet's CSV report holds summary statistics "
		 "only, not samples; use BenchmarkDotNet's full JSON exporter"},
		{"test a ... bench:         329 ns/iter (+/- 4)\n",
		 "x.in: criterion.rs or cargo bench console text, which cstat "
		 "does not read; give criterion's raw.csv files"},
		{"name,value\nA,1\n",
		 "x.in:1: CSV header lacks the required column \"unit\""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		cstat_reader *r;
		const struct cstat_result *res;
		struct cstat_diag d;
		char msg[512];

		assert_int_equal(cstat_reader_new(&r), 0);
		assert_int_equal(cstat_reader_open_mem(r, cases[i].text,
						       strlen(cases[i].text),
						       "x.in"),
				 0);
		if (i == 3)
			assert_int_equal(cstat_reader_set_format(r, "csv"), 0);
		assert_int_equal(cstat_reader_next(r, &res, &d), CSTAT_EFORMAT);
		cstat_diag_format(&d, msg, sizeof(msg));
		if (!strstr(msg, cases[i].msg))
			print_error("got %s\n", msg);
		assert_non_null(strstr(msg, cases[i].msg));
		cstat_reader_free(r);
	}
}

/* A byte order mark is the reader's business: the header after it is
 * still found, and warnings name lines counted from the mark's line. */
static void
test_bom(void **state)
{
	static const char text[] =
		"\xef\xbb\xbfname,value,unit\nA,1,x\nA,y,x\n";
	cstat_reader *r;
	const struct cstat_result *res;
	struct cstat_diag d;
	char msg[256];

	(void)state;
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(
		cstat_reader_open_mem(r, text, strlen(text), "bom.csv"), 0);
	assert_int_equal(cstat_reader_next(r, &res, &d), 1);
	assert_string_equal(res->name, "A");
	assert_int_equal(res->line, 2);
	assert_int_equal(cstat_reader_next(r, &res, &d), CSTAT_ESYNTAX);
	cstat_diag_format(&d, msg, sizeof(msg));
	assert_string_equal(
		msg, "bom.csv:3: value \"y\" is not a number; row skipped");
	assert_int_equal(cstat_reader_next(r, &res, &d), 0);
	cstat_reader_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_mapping),
		cmocka_unit_test(test_long_warnings),
		cmocka_unit_test(test_long_errors),
		cmocka_unit_test(test_long_field_cap),
		cmocka_unit_test(test_long_round_trip),
		cmocka_unit_test(test_criterion_mapping),
		cmocka_unit_test(test_criterion_warnings),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_refusals_through_reader),
		cmocka_unit_test(test_bom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
