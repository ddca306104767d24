/*
 * test-readers-test2json.c - go test -json streams (lib/readers/test2json.c,
 * docs/formats.md "go test -json"): the Output text read as Go text, lines
 * split across events and packages that interleave, every warning, chunk
 * boundaries, sniffing, and a round trip of values written as events.
 *
 * The event shapes come from Go's cmd/test2json documentation and from the
 * real streams in testdata/inputs/test2json/ (gotestsum's testdata).
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
#include "cstat-private.h"
#include "readers/readers.h"

#include "feedutil.h"

/* Appends printf-style text to a transcript of size LOG. */
#define LOG 8192
static void logf_(char *log, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void
logf_(char *log, const char *fmt, ...)
{
	size_t n = strlen(log);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log + n, LOG - n, fmt, ap);
	va_end(ap);
}

/*
 * Reads input (label "t.json") through the reader, by content, into a
 * transcript: "R LINE NAME [pkg=P] VALUE UNIT ...\n" per result and
 * "W MESSAGE\n" per warning; the format the reader chose goes to *fmt.
 */
static void
transcript(const char *input, char *log, const char **fmt)
{
	cstat_reader *r;
	const struct cstat_result *res;
	struct cstat_diag d;
	char msg[1024];
	int rc;

	log[0] = '\0';
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(
		cstat_reader_open_mem(r, input, strlen(input), "t.json"), 0);
	while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
		if (rc == CSTAT_ESYNTAX) {
			cstat_diag_format(&d, msg, sizeof(msg));
			logf_(log, "W %s\n", msg);
			continue;
		}
		assert_int_equal(rc, 1);
		logf_(log, "R %lu %s", res->line, res->name);
		for (size_t i = 0; i < res->nconfig; i++)
			if (strcmp(res->config[i].key, "pkg") == 0)
				logf_(log, " pkg=%s", res->config[i].value);
		for (size_t i = 0; i < res->nvalues; i++)
			logf_(log, " %g %s", res->values[i].orig_value,
			      res->values[i].orig_unit);
		logf_(log, "\n");
	}
	if (fmt)
		*fmt = cstat_reader_format(r);
	cstat_reader_free(r);
}

/* A plain stream: configuration and results from the Output text, the
 * benchmark line split after its name as test2json splits it, other text
 * (=== RUN, PASS, ok) ignored as Go text is. */
static void
test_output_is_go_text(void **state)
{
	const char *in =
		"{\"Time\":\"2024-01-01T00:00:00Z\",\"Action\":\"start\","
		"\"Package\":\"ex/a\"}\n"
		"{\"Action\":\"output\",\"Package\":\"ex/a\",\"Output\":"
		"\"goos: linux\\npkg: ex/a\\n\"}\n"
		"{\"Action\":\"run\",\"Package\":\"ex/"
		"a\",\"Test\":\"BenchmarkX\"}\n"
		"{\"Action\":\"output\",\"Package\":\"ex/a\",\"Test\":"
		"\"BenchmarkX\",\"Output\":\"=== RUN   BenchmarkX\\n\"}\n"
		"{\"Action\":\"output\",\"Package\":\"ex/a\",\"Test\":"
		"\"BenchmarkX\",\"Output\":\"BenchmarkX-8   \\t\"}\n"
		"{\"Action\":\"output\",\"Package\":\"ex/a\",\"Test\":"
		"\"BenchmarkX\",\"Output\":\"  100\\t  123 ns/op\\t  16 "
		"B/op\\n\"}\n"
		"{\"Action\":\"output\",\"Package\":\"ex/a\",\"Output\":"
		"\"PASS\\nok  \\tex/a\\t1.2s\\n\"}\n"
		"{\"Action\":\"pass\",\"Package\":\"ex/a\",\"Elapsed\":1.2}\n";
	char log[LOG];
	const char *fmt;

	(void)state;
	transcript(in, log, &fmt);
	assert_string_equal(fmt, "test2json");
	/* The line is the JSON line where the benchmark line ended (6). */
	assert_string_equal(log, "R 6 X-8 pkg=ex/a 123 ns/op 16 B/op\n");
}

/* Two packages whose output interleaves, each with a split line: each
 * result keeps its own package's configuration. */
static void
test_packages_interleave(void **state)
{
	const char *in = "{\"Action\":\"output\",\"Package\":\"a\",\"Output\":"
			 "\"pkg: a\\n\"}\n"
			 "{\"Action\":\"output\",\"Package\":\"b\",\"Output\":"
			 "\"pkg: b\\n\"}\n"
			 "{\"Action\":\"output\",\"Package\":\"a\",\"Output\":"
			 "\"BenchmarkX   \\t\"}\n"
			 "{\"Action\":\"output\",\"Package\":\"b\",\"Output\":"
			 "\"BenchmarkY   \\t\"}\n"
			 "{\"Action\":\"output\",\"Package\":\"a\",\"Output\":"
			 "\"1 2 ns/op\\n\"}\n"
			 "{\"Action\":\"output\",\"Package\":\"b\",\"Output\":"
			 "\"1 3 ns/op\\n\"}\n"
			 "{\"Action\":\"output\",\"Package\":\"a\",\"Output\":"
			 "\"BenchmarkX 1 4 ns/op\\n\"}\n"
			 "{\"Action\":\"pass\",\"Package\":\"a\"}\n"
			 "{\"Action\":\"pass\",\"Package\":\"b\"}\n";
	char log[LOG];

	(void)state;
	transcript(in, log, NULL);
	assert_string_equal(log, "R 5 X pkg=a 2 ns/op\n"
				 "R 6 Y pkg=b 3 ns/op\n"
				 "R 7 X pkg=a 4 ns/op\n");
}

/* Every warning, worded as docs/formats.md shows them. */
static void
test_warnings(void **state)
{
	const char *in =
		"{\"Action\":\"output\",\"Package\":\"p\",\"Output\":\"x\\n\"}"
		"\n"
		"# example.com/q\n"
		"{\"Action\":\"output\",\"Package\":\n"
		"{\"Time\":\"x\"}\n"
		"{\"ImportPath\":\"example.com/q\",\"Action\":\"build-output\","
		"\"Output\":\"./q.go:1:1: undefined: z\\n\"}\n"
		"{\"ImportPath\":\"example.com/q\",\"Action\":\"build-fail\"}\n"
		"{\"Action\":\"fail\",\"Package\":\"example.com/q\","
		"\"FailedBuild\":\"example.com/q\"}\n"
		"{\"Action\":\"fail\",\"Package\":\"p\",\"Test\":"
		"\"BenchmarkA\"}\n"
		"{\"Action\":\"fail\",\"Package\":\"p\"}\n"
		"{\"Action\":\"output\",\"Package\":\"r\",\"Output\":"
		"\"panic: boom\\n\"}\n"
		"{\"Action\":\"fail\",\"Package\":\"r\"}\n"
		"{\"Action\":\"fail\",\"Package\":\"s\"}\n"
		"{\"Action\":\"output\",\"Output\":\"BenchmarkZ 1 5 ns/op\"}\n"
		"{\"Action\":\"output\",\"Package\":\"u\",\"Output\":"
		"\"panic: late\"}\n";
	char log[LOG];

	(void)state;
	transcript(in, log, NULL);
	assert_string_equal(
		log,
		"W t.json:2: not a go test -json event; skipped: "
		"# example.com/q\n"
		"W t.json:3: malformed go test -json event at column 29; "
		"skipped\n"
		"W t.json:4: JSON without an \"Action\" is not a go test -json "
		"event; skipped\n"
		"W t.json:5: build output: ./q.go:1:1: undefined: z\n"
		"W t.json:6: package example.com/q: build failed\n"
		"W t.json:7: package example.com/q failed to build\n"
		"W t.json:8: package p: test BenchmarkA failed\n"
		/* p's own fail (line 9) is not repeated: its test said it. */
		"W t.json:11: package r failed (it printed \"panic: boom\")\n"
		"W t.json:12: package s failed\n"
		/* At the end: the partial lines, and who never finished. */
		"R 13 Z 5 ns/op\n"
		"W t.json:13: the test binary did not finish: the input ends "
		"before its pass or fail event\n"
		"W t.json:14: package u did not finish: the input ends before "
		"its pass or fail event (it printed \"panic: late\")\n");
}

/* Writes every queue item of q into log. */
static void
drain(struct cstat__rq *q, char *log)
{
	struct cstat__rq_item it;

	while (cstat__rq_take(q, &it) == 1)
		logf_(log, "%d %lu %s\n", (int)it.kind, it.line, it.a);
	cstat__rq_clear(q);
}

/* Feeds in to the format in chunks of size step; the items, in order. */
static void
feed_logged(const char *in, size_t step, char *log)
{
	const struct cstat__format *f = cstat__format_named("test2json");
	struct cstat__rq *q;
	size_t len = strlen(in);
	void *st;

	assert_non_null(f);
	st = calloc(1, f->state_size);
	assert_non_null(st);
	assert_int_equal(cstat__rq_new(&q), 0);
	log[0] = '\0';
	for (size_t i = 0; i < len; i += step) {
		size_t n = len - i < step ? len - i : step;
		assert_int_equal(f->feed(st, q, in + i, n), 0);
		drain(q, log);
	}
	assert_int_equal(f->feed(st, q, NULL, 0), 0);
	drain(q, log);
	f->release(st);
	free(st);
	cstat__rq_free(q);
}

/* The same items come out whatever the chunks: 1, 7 and 4096 bytes. */
static void
test_chunk_boundaries(void **state)
{
	const char *in = "{\"Action\":\"output\",\"Package\":\"a\",\"Output\":"
			 "\"pkg: a\\nBenchmarkX \\t\"}\r\n"
			 "\n"
			 "not json\n"
			 "{\"Action\":\"output\",\"Package\":\"b\",\"Output\":"
			 "\"pkg: b\\nBenchmarkY 1 2 ns/op\\n\"}\n"
			 "{\"Action\":\"output\",\"Package\":\"a\",\"Output\":"
			 "\"1 2 ns/op\\nBenchmarkW 3 \"}\n"
			 "{\"Action\":\"fail\",\"Package\":\"a\",\"Test\":"
			 "\"BenchmarkX\"}\n"
			 "{\"Action\":\"output\",\"Package\":\"a\",\"Output\":"
			 "\"4 ns/op\"}";
	static char whole[LOG], got[LOG];
	const size_t steps[] = {1, 7, 4096};

	(void)state;
	feed_logged(in, strlen(in), whole);
	/* a's configuration is sent again when its output resumes after
	 * b's; at the end, a's partial line, then who never finished. */
	assert_string_equal(whole, "3 1 pkg: a\n"
				   "4 3 not a go test -json event; skipped: "
				   "not json\n"
				   "3 4 pkg: b\n"
				   "3 4 BenchmarkY 1 2 ns/op\n"
				   "3 5 pkg: a\n"
				   "3 5 BenchmarkX \t1 2 ns/op\n"
				   "4 6 package a: test BenchmarkX failed\n"
				   "3 7 BenchmarkW 3 4 ns/op\n"
				   "4 7 package a did not finish: the input "
				   "ends before its pass or fail event\n"
				   "4 4 package b did not finish: the input "
				   "ends before its pass or fail event\n");
	for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		feed_logged(in, steps[i], got);
		assert_string_equal(got, whole);
	}
}

/* Only test2json streams are claimed. */
static void
test_sniff(void **state)
{
	const struct cstat__format *f = cstat__format_named("test2json");
	struct {
		const char *head;
		int want;
	} cases[] = {
		{"{\"Time\":\"t\",\"Action\":\"start\",\"Package\":\"p\"}\n",
		 95},
		{"{\"Action\":\"output\",\"Output\":\"x\"}", 95},
		{"{\"Action\":\"run\",\"Package\":\"p\",\"Extra\":1}\n", 80},
		/* Build errors before the stream (go test before 1.24). */
		{"# p\n./x.go:1: "
		 "err\n{\"Action\":\"start\",\"Package\":\"p\"}\n",
		 50},
		/* Not ours: other JSON, an unknown Action, Go text. */
		{"{\"Action\":\"jump\",\"Package\":\"p\"}\n", 0},
		{"{\"Action\":\"run\",\"Foo\":1}\n", 0},
		{"{\n  \"context\": {\"Action\": \"run\"},\n", 0},
		{"{\"schema\":\"cstat-run/1\",\"results\":[]}\n", 0},
		{"[{\"Action\":\"run\"}]\n", 0},
		{"goos: linux\nBenchmarkX 1 2 ns/op\n", 0},
		{"", 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		int got = f->sniff(cases[i].head, strlen(cases[i].head), true);
		if (got != cases[i].want)
			fail_msg("sniff(%s) = %d, want %d", cases[i].head, got,
				 cases[i].want);
	}
	/* A first line longer than the head: its start decides. */
	assert_int_equal(f->sniff("{\"Time\":\"2024", 13, false), 60);
	assert_int_equal(f->sniff("{\"Times\":\"2024", 14, false), 0);
}

/*
 * Values written as events with "%.17g" (each benchmark line split after
 * its name, as test2json splits it) come back bit for bit.
 */
static void
test_round_trip(void **state)
{
	enum { N = 300 };
	static double want[N][2];
	struct cstat__buf in = {0};
	uint64_t seed = 20261205;
	cstat_reader *r;
	const struct cstat_result *res;
	struct cstat_diag d;
	size_t got = 0;
	int rc;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		/* Random bits as a positive finite double, and a ratio. */
		uint64_t bits = feed_rng(&seed) & 0x7fefffffffffffffULL;
		memcpy(&want[i][0], &bits, sizeof(bits));
		want[i][1] = (double)(feed_rng(&seed) >> 11) / 0x1p53;
		assert_int_equal(
			cstat__buf_printf(
				&in,
				"{\"Action\":\"output\",\"Package\":\"rt\","
				"\"Output\":\"BenchmarkRT/i=%zu-8 \\t\"}\n"
				"{\"Action\":\"output\",\"Package\":\"rt\","
				"\"Output\":\"1\\t%.17g widgets/op\\t%.17g "
				"ns/op\\n\"}\n",
				i, want[i][0], want[i][1]),
			0);
	}
	assert_int_equal(cstat__buf_adds(&in, "{\"Action\":\"pass\","
					      "\"Package\":\"rt\"}\n"),
			 0);
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open_mem(r, in.data, in.len, "rt.json"),
			 0);
	while ((rc = cstat_reader_next(r, &res, &d)) == 1) {
		assert_true(got < N);
		assert_int_equal(res->nvalues, 2);
		assert_same(res->values[0].orig_value, want[got][0]);
		assert_same(res->values[1].orig_value, want[got][1]);
		assert_string_equal(res->values[1].orig_unit, "ns/op");
		got++;
	}
	if (rc != 0) {
		char msg[1024];
		cstat_diag_format(&d, msg, sizeof(msg));
		fail_msg("after %zu results: %d %s", got, rc, msg);
	}
	assert_int_equal(got, N);
	cstat_reader_free(r);
	cstat__buf_release(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_output_is_go_text),
		cmocka_unit_test(test_packages_interleave),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_chunk_boundaries),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
