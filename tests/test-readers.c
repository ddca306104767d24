/*
 * test-readers.c - the layer of input formats (lib/readers/): the queue a
 * format fills and the reader empties, choosing a format by content or by
 * name, "FORMAT:path" inputs, and the messages that keep an input from
 * being read silently as nothing (docs/formats.md).
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
#include "readers/readers.h"

/* The queue hands out items in order, with their strings and values. */
static void
test_queue_keeps_order_and_values(void **state)
{
	struct cstat__rq *q;
	struct cstat__rq_item it;
	const struct cstat__rv v[2] = {{1.5, "ns/op"}, {42, "B/op"}};

	(void)state;
	assert_int_equal(cstat__rq_new(&q), 0);
	assert_int_equal(cstat__rq_config(q, "cpu", "x86", 1), 0);
	assert_int_equal(cstat__rq_result(q, "A/n=1", 5, v, 2, 2), 0);
	assert_int_equal(cstat__rq_unit_meta(q, "ops/s", "better", "higher", 3),
			 0);
	assert_int_equal(cstat__rq_text(q, "BenchmarkB 1 2 ns/op", 20, 4), 0);
	assert_int_equal(cstat__rq_warn(q, 5, "skipped %s", "C"), 0);
	assert_true(cstat__rq_pending(q));

	assert_int_equal(cstat__rq_take(q, &it), 1);
	assert_int_equal(it.kind, CSTAT__RQ_CONFIG);
	assert_string_equal(it.a, "cpu");
	assert_string_equal(it.b, "x86");
	assert_int_equal(it.line, 1);
	assert_int_equal(cstat__rq_take(q, &it), 1);
	assert_int_equal(it.kind, CSTAT__RQ_RESULT);
	assert_string_equal(it.a, "A/n=1");
	assert_int_equal(it.a_len, 5);
	assert_int_equal(it.nvalues, 2);
	assert_true(it.values[0].value == 1.5);
	assert_string_equal(it.values[0].unit, "ns/op");
	assert_true(it.values[1].value == 42);
	assert_string_equal(it.values[1].unit, "B/op");
	assert_int_equal(cstat__rq_take(q, &it), 1);
	assert_int_equal(it.kind, CSTAT__RQ_UNIT_META);
	assert_string_equal(it.c, "higher");
	assert_int_equal(cstat__rq_take(q, &it), 1);
	assert_int_equal(it.kind, CSTAT__RQ_TEXT);
	assert_int_equal(it.a_len, 20);
	assert_int_equal(cstat__rq_take(q, &it), 1);
	assert_int_equal(it.kind, CSTAT__RQ_WARN);
	assert_string_equal(it.a, "skipped C");
	assert_int_equal(cstat__rq_take(q, &it), 0);
	assert_false(cstat__rq_pending(q));

	/* Cleared, it starts again from nothing. */
	cstat__rq_clear(q);
	assert_int_equal(cstat__rq_text(q, "x", 1, 9), 0);
	assert_int_equal(cstat__rq_take(q, &it), 1);
	assert_string_equal(it.a, "x");
	assert_int_equal(it.line, 9);
	cstat__rq_free(q);
	cstat__rq_free(NULL);
}

/* After a failure nothing more is queued, and the failure is last. */
static void
test_queue_stops_at_failure(void **state)
{
	struct cstat__rq *q;
	struct cstat__rq_item it;

	(void)state;
	assert_int_equal(cstat__rq_new(&q), 0);
	assert_int_equal(cstat__rq_text(q, "a", 1, 1), 0);
	assert_int_equal(cstat__rq_fail(q, CSTAT_EFORMAT, 7, "bad %d", 1), 0);
	assert_true(cstat__rq_failed(q));
	assert_int_equal(cstat__rq_text(q, "b", 1, 8), 0);
	assert_int_equal(cstat__rq_take(q, &it), 1);
	assert_int_equal(cstat__rq_take(q, &it), 1);
	assert_int_equal(it.kind, CSTAT__RQ_FAIL);
	assert_int_equal(it.code, CSTAT_EFORMAT);
	assert_string_equal(it.a, "bad 1");
	assert_int_equal(it.line, 7);
	assert_int_equal(cstat__rq_take(q, &it), 0);
	cstat__rq_free(q);
}

/* Every format has a unique name and a title; Go text is first and
 * claims nothing itself. */
static void
test_format_table(void **state)
{
	(void)state;
	size_t n = cstat_input_formats_count();

	assert_true(n >= 2);
	assert_string_equal(cstat_input_format_name(0), "go");
	assert_null(cstat_input_format_name(n));
	assert_null(cstat_input_format_title(n));
	for (size_t i = 0; i < n; i++) {
		assert_non_null(cstat_input_format_title(i));
		assert_ptr_equal(
			cstat__format_named(cstat_input_format_name(i)),
			cstat__formats[i]);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(cstat_input_format_name(i),
						cstat_input_format_name(j));
	}
	assert_null(cstat__format_named("nosuch"));
	assert_null(cstat__format_sniff("BenchmarkA 1 2 ns/op\n", 21, true));
}

/* Reads text as input label and returns the reader, the first result read
 * (or NULL) in *res and its return code in *rc. */
static cstat_reader *
read_first(const char *text, const char *label, const char *format, int *rc,
	   const struct cstat_result **res, struct cstat_diag *d)
{
	cstat_reader *r;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open_mem(r, text, strlen(text), label),
			 0);
	if (format)
		assert_int_equal(cstat_reader_set_format(r, format), 0);
	*rc = cstat_reader_next(r, res, d);
	return r;
}

/* JSON that no format claims is refused by name, never read as empty Go
 * text; forcing Go text reads it as Go text. */
static void
test_unknown_json_is_refused(void **state)
{
	const struct cstat_result *res;
	struct cstat_diag d;
	int rc;

	(void)state;
	cstat_reader *r =
		read_first("  {\"foo\": 1}\n", "new.json", NULL, &rc, &res, &d);
	assert_int_equal(rc, CSTAT_EFORMAT);
	assert_non_null(strstr(d.message, "new.json: JSON, but not a format "
					  "cstat reads (expected "));
	assert_string_equal(cstat_reader_format(r), "go");
	/* The reading is over. */
	assert_int_equal(cstat_reader_next(r, &res, &d), CSTAT_ESTATE);
	cstat_reader_free(r);

	/* A byte order mark does not hide it. */
	r = read_first("\xef\xbb\xbf{\"foo\": 1}", "bom.json", NULL, &rc, &res,
		       &d);
	assert_int_equal(rc, CSTAT_EFORMAT);
	cstat_reader_free(r);

	r = read_first("{\"foo\": 1}\nBenchmarkA 1 2 ns/op\n", "x.json", "go",
		       &rc, &res, &d);
	assert_int_equal(rc, 1);
	assert_string_equal(res->name, "A");
	cstat_reader_free(r);
}

/* An input of a format other than Go text that holds no results is an
 * error naming it: an empty table would look like an answer. */
static void
test_empty_input_of_a_format(void **state)
{
	const struct cstat_result *res;
	struct cstat_diag d;
	int rc;

	(void)state;
	cstat_reader *r = read_first(
		"{\"context\": {\"library_build_type\": \"release\"}, "
		"\"benchmarks\": []}",
		"g.json", NULL, &rc, &res, &d);
	assert_string_equal(cstat_reader_format(r), "gbench");
	assert_int_equal(rc, CSTAT_EFORMAT);
	assert_string_equal(d.message, "g.json: no benchmark results in this "
				       "Google Benchmark JSON input");
	assert_int_equal(cstat_reader_next(r, &res, &d), CSTAT_ESTATE);
	cstat_reader_free(r);
}

/* A format can only be set between opening and reading, and must exist. */
static void
test_set_format_contract(void **state)
{
	const struct cstat_result *res;
	struct cstat_diag d;
	cstat_reader *r;
	int rc;

	(void)state;
	assert_int_equal(cstat_reader_set_format(NULL, "go"), CSTAT_EINVAL);
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_set_format(r, "go"), CSTAT_ESTATE);
	assert_null(cstat_reader_format(r));
	assert_int_equal(cstat_reader_open_mem(r, "", 0, "e.txt"), 0);
	assert_int_equal(cstat_reader_set_format(r, "nosuch"), CSTAT_EINVAL);
	assert_int_equal(cstat_reader_set_format(r, NULL), 0);
	rc = cstat_reader_next(r, &res, &d);
	/* An empty Go text file is silent, as in benchstat. */
	assert_int_equal(rc, 0);
	assert_int_equal(cstat_reader_set_format(r, "go"), CSTAT_ESTATE);
	cstat_reader_free(r);
}

/* A cstat run file whose schema line is mangled is not claimed; a forced
 * cstat format on Go text fails with a message naming the input. */
static void
test_forced_format_that_does_not_fit(void **state)
{
	const struct cstat_result *res;
	struct cstat_diag d;
	int rc;

	(void)state;
	cstat_reader *r = read_first("BenchmarkA 1 2 ns/op\n", "a.txt", "cstat",
				     &rc, &res, &d);
	assert_int_equal(rc, CSTAT_EFORMAT);
	assert_string_equal(d.file, "a.txt");
	assert_string_equal(cstat_reader_format(r), "cstat");
	cstat_reader_free(r);
}

/* "FORMAT:path" names the format when FORMAT is one; the column label is
 * the path; anything else before a colon is part of the path. */
static void
test_inputs_format_prefix(void **state)
{
	const char *args[] = {"go:a.txt", "b:c.txt", "x=cstat:base.json",
			      "C:/d.txt", "go:a.txt"};
	cstat_inputs *in;

	(void)state;
	assert_int_equal(cstat_inputs_new(&in, args, 5), 0);
	const struct cstat_input *i0 = cstat_inputs_get(in, 0);
	assert_string_equal(i0->path, "a.txt");
	assert_string_equal(i0->format, "go");
	assert_string_equal(i0->label, "a.txt#0");
	assert_string_equal(cstat_inputs_get(in, 4)->label, "a.txt#1");
	const struct cstat_input *i1 = cstat_inputs_get(in, 1);
	assert_string_equal(i1->path, "b:c.txt");
	assert_null(i1->format);
	const struct cstat_input *i2 = cstat_inputs_get(in, 2);
	assert_string_equal(i2->label, "x");
	assert_string_equal(i2->path, "base.json");
	assert_string_equal(i2->format, "cstat");
	assert_null(cstat_inputs_get(in, 3)->format);

	/* A default for the others; an input's own format stays. */
	assert_int_equal(cstat_inputs_set_format(in, "nosuch"), CSTAT_EINVAL);
	assert_int_equal(cstat_inputs_set_format(in, "cstat"), 0);
	assert_string_equal(cstat_inputs_get(in, 1)->format, "cstat");
	assert_string_equal(cstat_inputs_get(in, 0)->format, "go");
	assert_int_equal(cstat_inputs_set_format(in, NULL), 0);
	assert_null(cstat_inputs_get(in, 1)->format);
	assert_string_equal(cstat_inputs_get(in, 0)->format, "go");
	assert_int_equal(cstat_inputs_set_format(NULL, "go"), CSTAT_EINVAL);
	cstat_inputs_free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_keeps_order_and_values),
		cmocka_unit_test(test_queue_stops_at_failure),
		cmocka_unit_test(test_format_table),
		cmocka_unit_test(test_unknown_json_is_refused),
		cmocka_unit_test(test_empty_input_of_a_format),
		cmocka_unit_test(test_set_format_contract),
		cmocka_unit_test(test_forced_format_that_does_not_fit),
		cmocka_unit_test(test_inputs_format_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
