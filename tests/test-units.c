/*
 * test-units.c - unit tests for unit tidying and scaling (lib/units.c), as
 * Go's benchunit does them, and the gate's unit classes.
 *
 * Every expected value names where it comes from: docs/BENCHSTAT.md 1.2
 * and 1.5, a conformance case under conformance/cases (output of the real
 * benchstat), golang/perf's benchunit sources (tidy.go, parse.go), or a
 * hand calculation.  Factors are compared bit for bit with the expression
 * Go evaluates, because the tidied value is printed at full precision in
 * CSV output.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cstat.h"
#include "units.h"

/* Fails unless a and b are the same double, bit for bit. */
static void
assert_same_double(double a, double b)
{
	if (memcmp(&a, &b, sizeof(a)) != 0)
		fail_msg("%.17g (%a) != %.17g (%a)", a, a, b, b);
}

/* Fails unless tidying unit gives want and factor, in both forms. */
static void
assert_tidy(const char *unit, const char *want, double factor)
{
	size_t len = strlen(unit);
	char *buf = malloc(CSTAT__UNIT_TIDY_SIZE(len));
	char *out;
	double f = 0;

	assert_non_null(buf);
	assert_int_equal(cstat__unit_tidy_buf(unit, len, buf, &f),
			 strlen(want));
	assert_string_equal(buf, want);
	assert_same_double(f, factor);
	free(buf);

	f = 0;
	assert_int_equal(cstat__unit_tidy(unit, len, &out, &f), 0);
	assert_string_equal(out, want);
	assert_same_double(f, factor);
	free(out);
}

static void
test_unit_tidy_benchstat_examples(void **state)
{
	(void)state;
	/* BENCHSTAT.md 1.2 "Unit tidying"; tidy.go's fast paths return
	 * exactly 1e-9 and 1e6. */
	assert_tidy("ns/op", "sec/op", 1e-9);
	assert_tidy("MB/s", "B/s", 1e6);
	assert_tidy("ns/GC", "sec/GC", 1e-9);
	assert_tidy("user-ns/op", "user-sec/op", 1e-9);
	assert_tidy("B/op", "B/op", 1);
	assert_tidy("allocs/op", "allocs/op", 1);
	/* conformance edge-custom: custom units pass through. */
	assert_tidy("size-B", "size-B", 1);
	assert_tidy("widgets/op", "widgets/op", 1);
}

static void
test_unit_tidy_denominator_unchanged(void **state)
{
	(void)state;
	/* BENCHSTAT.md 1.2: "denominators are never changed". */
	assert_tidy("op/ns", "op/ns", 1);
	assert_tidy("B/MB", "B/MB", 1);
	assert_tidy("x/op-ns", "x/op-ns", 1);
	/* parse.go: '*' returns to the numerator; the factor is composed
	 * token by token as tidy.go does ("factor /= 1e9"). */
	assert_tidy("ns/op*ns", "sec/op*sec", (1 / 1e9) / 1e9);
	assert_tidy("ns-MB/op", "sec-B/op", (1 / 1e9) * 1e6);
	assert_tidy("MB*MB/s", "B*B/s", 1e6 * 1e6);
}

static void
test_unit_tidy_whole_tokens(void **state)
{
	(void)state;
	/* tidy.go compares whole tokens: "nsec" and "MBps" are not "ns" and
	 * "MB" (hand). */
	assert_tidy("nsec/op", "nsec/op", 1);
	assert_tidy("MBps", "MBps", 1);
	assert_tidy("kns/op", "kns/op", 1);
	assert_tidy("ns", "sec", 1e-9);
	assert_tidy("MB", "B", 1e6);
	assert_tidy("", "", 1);
	/* Separators are kept as they were. */
	assert_tidy("--ns--", "--sec--", 1e-9);
	assert_tidy("ns-ns-ns", "sec-sec-sec", ((1 / 1e9) / 1e9) / 1e9);
}

static void
test_unit_tidy_unicode_separators(void **state)
{
	(void)state;
	/* parse.go separates on unicode.IsSpace: U+00A0, U+2003, U+3000
	 * (hand). */
	assert_tidy("ns\xc2\xa0ns", "sec\xc2\xa0sec", (1 / 1e9) / 1e9);
	assert_tidy("\xe2\x80\x83ns/op", "\xe2\x80\x83sec/op", 1e-9);
	assert_tidy("MB\xe3\x80\x80x", "B\xe3\x80\x80x", 1e6);
	/* U+00B5 MICRO SIGN and a stray byte are not white space. */
	assert_tidy("\xc2\xb5s/op", "\xc2\xb5s/op", 1);
	assert_tidy("ns\xc2/op", "ns\xc2/op", 1);
	/* U+200B ZERO WIDTH SPACE is not unicode.IsSpace. */
	assert_tidy("ns\xe2\x80\x8bx", "ns\xe2\x80\x8bx", 1);
}

static void
test_unit_tidy_not_nul_terminated(void **state)
{
	char buf[CSTAT__UNIT_TIDY_SIZE(5)];
	double f;

	(void)state;
	/* Only len bytes are read: "ns/op" out of "ns/opXYZ" (hand). */
	assert_int_equal(cstat__unit_tidy_buf("ns/opXYZ", 5, buf, &f), 6);
	assert_string_equal(buf, "sec/op");
	assert_same_double(f, 1e-9);
}

static void
test_unit_tidy_size_bound(void **state)
{
	static const char *const units[] = {"ns", "ns-ns", "ns*ns*ns*ns",
					    "a-ns-ns-ns-ns-ns-ns-ns"};
	size_t i;

	(void)state;
	/* CSTAT__UNIT_TIDY_SIZE holds the worst growth, one byte per "ns"
	 * (hand). */
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t len = strlen(units[i]),
		       size = CSTAT__UNIT_TIDY_SIZE(len);
		char *buf = malloc(size);
		double f;
		assert_non_null(buf);
		assert_true(cstat__unit_tidy_buf(units[i], len, buf, &f) <
			    size);
		free(buf);
	}
}

static void
test_unit_tidy_refuses_bad_arguments(void **state)
{
	char *out = (char *)1;
	double f = 0;

	(void)state;
	/* Contract in units.h: CSTAT_EINVAL, *out NULL, factor 1. */
	assert_int_equal(cstat__unit_tidy("ns", 2, NULL, &f), CSTAT_EINVAL);
	assert_same_double(f, 1);
	assert_int_equal(cstat__unit_tidy("ns", 2, &out, NULL), CSTAT_EINVAL);
	assert_null(out);
	assert_int_equal(cstat__unit_tidy(NULL, 2, &out, &f), CSTAT_EINVAL);
	assert_int_equal(cstat__unit_tidy(NULL, 0, &out, &f), 0);
	assert_string_equal(out, "");
	free(out);
}

static void
test_unit_tidy_keeps_quirk(void **state)
{
	double t = 0;

	(void)state;
	/* BENCHSTAT.md 1.2 quirk and benchfmt reader.go "if tidyVal ==
	 * val": 0 ns/op stays ns/op (conformance edge-negzero), +Inf ns/op
	 * too (edge-weird prints it in an ns/op table), and 0 MB/s. */
	assert_true(cstat__unit_tidy_keeps(0, 1e-9, &t));
	assert_same_double(t, 0);
	assert_true(cstat__unit_tidy_keeps(INFINITY, 1e-9, NULL));
	assert_true(cstat__unit_tidy_keeps(-INFINITY, 1e-9, NULL));
	assert_true(cstat__unit_tidy_keeps(0, 1e6, NULL));
	/* NaN never equals itself: NaN ns/op moves to sec/op (edge-weird
	 * prints it as "NaNn" in the sec/op table). */
	assert_false(cstat__unit_tidy_keeps(NAN, 1e-9, NULL));
	/* An ordinary value moves, with Go's single product (hand). */
	assert_false(cstat__unit_tidy_keeps(1718, 1e-9, &t));
	assert_same_double(t, 1718 * 1e-9);
	assert_false(cstat__unit_tidy_keeps(1.5e-3, 1e6, &t));
	assert_same_double(t, 1.5e-3 * 1e6);
	/* Factor 1 always keeps the unit (hand). */
	assert_true(cstat__unit_tidy_keeps(5, 1, NULL));
	/* The smallest subnormal times 1e-9 rounds to 0: it moves. */
	assert_false(cstat__unit_tidy_keeps(0x1p-1074, 1e-9, &t));
	assert_same_double(t, 0);
}

static void
test_unit_scaling_examples(void **state)
{
	(void)state;
	/* BENCHSTAT.md 1.5 and parse.go ClassOf: B, MB or bytes in the
	 * numerator is binary. */
	assert_int_equal(cstat__unit_scaling("B/op"), CSTAT__SCALE_BINARY);
	assert_int_equal(cstat__unit_scaling("B/s"), CSTAT__SCALE_BINARY);
	assert_int_equal(cstat__unit_scaling("MB/s"), CSTAT__SCALE_BINARY);
	assert_int_equal(cstat__unit_scaling("bytes"), CSTAT__SCALE_BINARY);
	/* conformance edge-custom: size-B prints "1.177Mi". */
	assert_int_equal(cstat__unit_scaling("size-B"), CSTAT__SCALE_BINARY);
	assert_int_equal(cstat__unit_scaling("sec/op"), CSTAT__SCALE_DECIMAL);
	assert_int_equal(cstat__unit_scaling("allocs/op"),
			 CSTAT__SCALE_DECIMAL);
	assert_int_equal(cstat__unit_scaling("widgets/op"),
			 CSTAT__SCALE_DECIMAL);
	/* Denominators do not count; '*' returns to the numerator (hand). */
	assert_int_equal(cstat__unit_scaling("ops/B"), CSTAT__SCALE_DECIMAL);
	assert_int_equal(cstat__unit_scaling("x/op*B"), CSTAT__SCALE_BINARY);
	/* Whole tokens only (hand). */
	assert_int_equal(cstat__unit_scaling("KB/op"), CSTAT__SCALE_DECIMAL);
	assert_int_equal(cstat__unit_scaling("Bytes"), CSTAT__SCALE_DECIMAL);
	assert_int_equal(cstat__unit_scaling(""), CSTAT__SCALE_DECIMAL);
}

static void
test_unit_scaling_n_reads_len_bytes(void **state)
{
	(void)state;
	/* Only len bytes count: "x-B" is binary, "x-" is not (hand). */
	assert_int_equal(cstat__unit_scaling_n("x-B", 3), CSTAT__SCALE_BINARY);
	assert_int_equal(cstat__unit_scaling_n("x-B", 2), CSTAT__SCALE_DECIMAL);
	/* A NUL is an ordinary token byte, as in a Go string. */
	assert_int_equal(cstat__unit_scaling_n("B\0/op", 5),
			 CSTAT__SCALE_DECIMAL);
	assert_int_equal(cstat__unit_scaling_n("op/\0*B", 6),
			 CSTAT__SCALE_BINARY);
}

static void
test_unit_class_of_tidied_units(void **state)
{
	(void)state;
	assert_int_equal(cstat_unit_class_of("sec/op"), CSTAT_CLASS_TIME);
	assert_int_equal(cstat_unit_class_of("sec/msg"), CSTAT_CLASS_TIME);
	assert_int_equal(cstat_unit_class_of("\xc2\xb5s/op"), CSTAT_CLASS_TIME);
	assert_int_equal(cstat_unit_class_of("sec"), CSTAT_CLASS_TIME);
	assert_int_equal(cstat_unit_class_of("B/op"), CSTAT_CLASS_MEMORY);
	assert_int_equal(cstat_unit_class_of("MiB/op"), CSTAT_CLASS_MEMORY);
	assert_int_equal(cstat_unit_class_of("allocs/op"), CSTAT_CLASS_ALLOCS);
	assert_int_equal(cstat_unit_class_of("B/s"), CSTAT_CLASS_THROUGHPUT);
	assert_int_equal(cstat_unit_class_of("ops/s"), CSTAT_CLASS_THROUGHPUT);
	assert_int_equal(cstat_unit_class_of("frames/sec"),
			 CSTAT_CLASS_THROUGHPUT);
	assert_int_equal(cstat_unit_class_of("widgets"), CSTAT_CLASS_OTHER);
	assert_int_equal(cstat_unit_class_of("ops/B"), CSTAT_CLASS_OTHER);
	assert_int_equal(cstat_unit_class_of("secs/op"), CSTAT_CLASS_OTHER);
	assert_int_equal(cstat_unit_class_of(""), CSTAT_CLASS_OTHER);
	assert_int_equal(cstat_unit_class_of(NULL), CSTAT_CLASS_OTHER);
}

/* The gate's class names, each the enum's, and looked up by name (a
 * threshold rule's "class:NAME"). */
static void
test_unit_class_names(void **state)
{
	(void)state;
	assert_string_equal(cstat_unit_class_name(CSTAT_CLASS_TIME), "time");
	assert_string_equal(cstat_unit_class_name(CSTAT_CLASS_MEMORY),
			    "memory");
	assert_string_equal(cstat_unit_class_name(CSTAT_CLASS_ALLOCS),
			    "allocs");
	assert_string_equal(cstat_unit_class_name(CSTAT_CLASS_THROUGHPUT),
			    "throughput");
	assert_string_equal(cstat_unit_class_name(CSTAT_CLASS_OTHER), "other");
	assert_null(cstat_unit_class_name(-1));
	assert_null(cstat_unit_class_name(5));
	assert_int_equal(cstat__unit_class_named("throughput", 10),
			 CSTAT_CLASS_THROUGHPUT);
	assert_int_equal(cstat__unit_class_named("timex", 4), CSTAT_CLASS_TIME);
	assert_int_equal(cstat__unit_class_named("time", 3), -1);
	assert_int_equal(cstat__unit_class_named("Time", 4), -1);
	assert_int_equal(cstat__unit_class_named("", 0), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unit_tidy_benchstat_examples),
		cmocka_unit_test(test_unit_tidy_denominator_unchanged),
		cmocka_unit_test(test_unit_tidy_whole_tokens),
		cmocka_unit_test(test_unit_tidy_unicode_separators),
		cmocka_unit_test(test_unit_tidy_not_nul_terminated),
		cmocka_unit_test(test_unit_tidy_size_bound),
		cmocka_unit_test(test_unit_tidy_refuses_bad_arguments),
		cmocka_unit_test(test_unit_tidy_keeps_quirk),
		cmocka_unit_test(test_unit_scaling_examples),
		cmocka_unit_test(test_unit_scaling_n_reads_len_bytes),
		cmocka_unit_test(test_unit_class_of_tidied_units),
		cmocka_unit_test(test_unit_class_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
