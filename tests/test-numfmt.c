/*
 * test-numfmt.c - unit tests for Go-compatible number parsing, formatting
 * and scaling (lib/numfmt.c).
 *
 * Every expected value names where it comes from: docs/BENCHSTAT.md (the
 * behaviour reference), a conformance case under conformance/cases (output
 * of the real benchstat), Go's own strconv test tables
 * (src/strconv/atof_test.go, atoi_test.go) and issues, or a hand
 * calculation shown beside it.  Doubles are compared bit for bit, not with a
 * tolerance: the Go code these functions reproduce defines exact results,
 * and an off-by-one-ulp value is exactly the bug these tests exist to
 * catch.
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "numfmt.h"

/* Fails unless a and b are the same double, bit for bit (NaN matches NaN). */
static void
assert_same_double(double a, double b)
{
	if (isnan(a) && isnan(b))
		return;
	if (memcmp(&a, &b, sizeof(a)) != 0)
		fail_msg("%.17g (%a) != %.17g (%a)", a, a, b, b);
}

/* Fails unless cstat__fmt_go_float(v) is exactly want. */
static void
assert_go_float(double v, const char *want)
{
	char buf[CSTAT__GO_FLOAT_SIZE];
	size_t n = cstat__fmt_go_float(buf, v);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

/* Fails unless parsing s gives status rc and value want. */
static void
assert_parse(const char *s, int rc, double want)
{
	double got = -12345;

	assert_int_equal(cstat__parse_float(s, strlen(s), &got), rc);
	assert_same_double(got, want);
}

/* Fails unless the Go-formatted text reads back and prints as itself. */
static void
assert_round_trip(const char *text)
{
	double v;

	assert_int_equal(cstat__parse_float(text, strlen(text), &v), 0);
	assert_go_float(v, text);
}

static void
test_fmt_go_float_benchstat_examples(void **state)
{
	(void)state;
	/* BENCHSTAT.md 1.8, "Verified examples". */
	assert_go_float(999999, "999999");
	assert_go_float(999999.5, "999999.5");
	assert_go_float(1e6, "1e+06");
	assert_go_float(1234567, "1.234567e+06");
	assert_go_float(0.0001, "0.0001");
	assert_go_float(1.234e-5, "1.234e-05");
	assert_go_float(1.5e-8, "1.5e-08");
	assert_go_float(63.99999999999998, "63.99999999999998");
}

static void
test_fmt_go_float_conformance_csv(void **state)
{
	/* Numbers printed by Go's benchstat -format csv. */
	static const char *const printed[] = {
		/* BENCHSTAT.md Example 2 (doc-02). */
		"1.7180000000000001e-06",
		"1.4225000000000001e-06",
		"3.0655e-06",
		"3.0700000000000003e-06",
		"2.294891936453654e-06",
		"2.089754770302007e-06",
		/* conformance/cases/edge-csv/stdout. */
		"1.1000000000000001e-08",
		"2.1000000000000003e-08",
		"3.1e-08",
		"4.1e-08",
		"1.5198684153570684e-08",
		"3.565108693995174e-08",
		/* conformance/cases/edge-csvmalformed/stdout. */
		"1.0000000000000001e-07",
		"1.005e-07",
		"1.0024968827881684e-07",
		"64",
		"63.99999999999998",
		"2",
		/* conformance/cases/real-bent-size-csv/stdout. */
		"1.00404e+06",
		"1.010826e+06",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(printed) / sizeof(printed[0]); i++)
		assert_round_trip(printed[i]);
}

static void
test_fmt_go_float_specials(void **state)
{
	(void)state;
	/* Go strconv genericFtoa and fmt's %v: "NaN", "+Inf", "-Inf";
	 * conformance edge-weird prints +Inf as "+InfT". */
	assert_go_float(NAN, "NaN");
	assert_go_float(-NAN, "NaN");
	assert_go_float(INFINITY, "+Inf");
	assert_go_float(-INFINITY, "-Inf");
	/* Go atof_test.go: "-0" formats as "-0", "0" as "0". */
	assert_go_float(0.0, "0");
	assert_go_float(-0.0, "-0");
}

static void
test_fmt_go_float_exponent_rule(void **state)
{
	(void)state;
	/* %e iff exponent < -4 or >= 6 (Go formatDigits, eprec = 6 for
	 * shortest); hand-checked against that rule. */
	assert_go_float(100000, "100000");
	assert_go_float(123456.7, "123456.7");
	assert_go_float(-1.5, "-1.5");
	assert_go_float(0.00015, "0.00015");
	assert_go_float(0.00001, "1e-05");
	assert_go_float(1e21, "1e+21");
	assert_go_float(1e100, "1e+100");
	/* Go atof_test.go rows. */
	assert_go_float(123456700, "1.234567e+08");
	assert_go_float(1e23, "1e+23");
	assert_go_float(0.625, "0.625");
	assert_go_float(5e-324, "5e-324");
	assert_go_float(DBL_MAX, "1.7976931348623157e+308");
	assert_go_float(-DBL_MAX, "-1.7976931348623157e+308");
	assert_go_float(DBL_MIN, "2.2250738585072014e-308");
	assert_go_float(0x1p-200, "6.223015277861142e-61");
	assert_go_float(0x1p200, "1.6069380442589903e+60");
}

static void
test_fmt_go_float_closest_shortest(void **state)
{
	(void)state;
	/* Go atof_test.go roundTripCases (issue 2917): 8865794286000691 <<
	 * 39, an exact double. */
	assert_go_float(ldexp(8865794286000691.0, 39), "4.87402195346389e+27");
	assert_go_float(ldexp(8865794286000692.0, 39),
			"4.8740219534638903e+27");
	/* Go issue 29491: the closest of the shortest digits. */
	assert_go_float(498484681984085568.0, "4.9848468198408557e+17");
	assert_go_float(583395537938022366445568.0, "5.8339553793802237e+23");
	/* Go issue 80206: strconv's (correct) output. */
	assert_go_float(4.3749999999999917e+17, "4.3749999999999917e+17");
	/* A power of two whose nearest 16-digit form lies outside its
	 * narrow lower half-interval, so the digits round up instead
	 * (Python repr, same shortest-closest rule). */
	assert_go_float(0x1p-1017, "7.120236347223045e-307");
	/* Integers below 2^53 print exactly; 2^53 + 1 is not a double. */
	assert_go_float(9007199254740991.0, "9.007199254740991e+15");
	assert_go_float(9007199254740993.0, "9.007199254740992e+15");
}

/* The significant digits of a number's text (trailing zeros dropped) and
 * the decimal exponent of its first digit. */
static void
digits_of(const char *t, char *d, int *e10)
{
	int n = 0, before = 0, lead = 0;
	bool point = false;
	long e = 0;

	for (; *t && *t != 'e' && *t != 'E'; t++) {
		if (*t == '.') {
			point = true;
			continue;
		}
		if (*t < '0' || *t > '9')
			continue;
		if (!point)
			before++; /* digits before the point */
		if (n == 0 && *t == '0') {
			lead++; /* leading zeros, before or after the point */
			continue;
		}
		d[n++] = *t;
	}
	if (*t)
		e = strtol(t + 1, NULL, 10);
	while (n > 1 && d[n - 1] == '0')
		n--;
	d[n] = '\0';
	/* The first significant digit's place: before - lead - 1. */
	*e10 = (int)(e + before - lead - 1);
}

/* splitmix64 with a fixed seed, for the sample below. */
static uint64_t
mix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/*
 * 40,000 doubles (seed 7): random bit patterns, short decimals of every
 * size (ties of the 17-digit rounding among them) and their neighbours.
 * Each prints as printf's correct rounding to the fewest digits that read
 * back: the 17-digit form computed in long double must match printf's.
 * Powers of two are left out (their interval is lopsided, see above).
 */
static void
test_fmt_go_float_random_agrees_with_printf(void **state)
{
	uint64_t seed = 7;
	char buf[CSTAT__GO_FLOAT_SIZE], ref[64], d1[32], d2[32];

	(void)state;
	for (int i = 0; i < 40000; i++) {
		uint64_t r = mix64(&seed);
		double v;
		int e2, p, e1, e3;
		if (i % 3 == 0) {
			memcpy(&v, &r, sizeof(v));
			v = fabs(v);
		} else {
			v = (double)(r % 100000000) *
			    pow(10, (double)((int)(r >> 40) % 60 - 40));
			if (i % 3 == 2)
				v = nextafter(v, (r >> 20) & 1 ? INFINITY : 0);
		}
		if (!isfinite(v) || v == 0 || frexp(v, &e2) == 0.5)
			continue;
		cstat__fmt_go_float(buf, v);
		assert_true(strtod(buf, NULL) == v);
		for (p = 1; p <= 17; p++) {
			snprintf(ref, sizeof(ref), "%.*e", p - 1, v);
			if (strtod(ref, NULL) == v)
				break;
		}
		digits_of(buf, d1, &e1);
		digits_of(ref, d2, &e3);
		if (strcmp(d1, d2) != 0 || e1 != e3)
			fail_msg("%.17g: %s, printf %s", v, buf, ref);
	}
}

/*
 * cstat__decimal_exact() against strtod() (glibc rounds correctly): on
 * 200,000 mantissas of 1 to 19 digits times 10^-70 .. 10^70, half of them
 * the 17 digits of a random double's neighbourhood and of points just
 * beside a halfway between two doubles (the cases the 128-bit product
 * can't decide).  Whenever it answers, it must be strtod()'s double; and
 * it must answer nearly always (the fast paths are what a history's
 * numbers take).
 */
static void
test_decimal_exact_matches_strtod(void **state)
{
	uint64_t s = 0x9e3779b97f4a7c15u;
	size_t answered = 0, inrange = 0, n = 200000;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		uint64_t m;
		int e;
		if (i % 2) {
			/* A random 17-digit decimal near a double: the
			 * shortest digits, then a last digit moved by 0..9. */
			uint64_t bits = mix64(&s) & 0x7fefffffffffffffu;
			double d;
			char buf[40];
			memcpy(&d, &bits, sizeof(d));
			if (!(d >= 1e-60 && d <= 1e60))
				d = 1.0 + (double)(bits >> 12) * 0x1p-52;
			snprintf(buf, sizeof(buf), "%.16e", d);
			/* d.dddddddddddddddde[+-]XX: 17 digits */
			m = (uint64_t)(buf[0] - '0');
			for (int k = 2; k < 18; k++)
				m = m * 10 + (uint64_t)(buf[k] - '0');
			m = m - m % 10 + mix64(&s) % 10;
			e = atoi(buf + 19) - 16;
		} else {
			int digits = (int)(mix64(&s) % 19) + 1;
			m = 0;
			for (int k = 0; k < digits; k++)
				m = m * 10 + mix64(&s) % 10;
			e = (int)(mix64(&s) % 141) - 70;
		}
		char text[48];
		double want, got;
		bool neg = i % 3 == 0;
		snprintf(text, sizeof(text), "%s%llue%d", neg ? "-" : "",
			 (unsigned long long)m, e);
		want = strtod(text, NULL);
		bool table = e >= -64 && e <= 64 && fabs(want) >= DBL_MIN &&
			     !isinf(want);
		inrange += table;
		if (cstat__decimal_exact(m, e, neg, &got)) {
			answered += table;
			if (memcmp(&got, &want, sizeof(got)) != 0)
				fail_msg("%s: %a, strtod %a", text, got, want);
		}
	}
	/* Within the 128-bit table's exponents (and normal), nearly every
	 * one; printed for docs/testing.md. */
	printf("decimal_exact: answered %zu of %zu in range\n", answered,
	       inrange);
	assert_true(answered >= inrange - inrange / 1000);
}

static void
test_fmt_go_float_confidence_levels(void **state)
{
	(void)state;
	/* BENCHSTAT.md 1.4: "level 0.95", "alpha level 0.05". */
	assert_go_float(0.95, "0.95");
	assert_go_float(0.05, "0.05");
	assert_go_float(0.9, "0.9");
	assert_go_float(0.99, "0.99");
	assert_go_float(0.1, "0.1");
}

static void
test_parse_float_benchstat_examples(void **state)
{
	(void)state;
	/* BENCHSTAT.md 1.2 and conformance edge-weird: accepted values. */
	assert_parse("1e3", 0, 1000);
	assert_parse("NaN", 0, NAN);
	assert_parse("+Inf", 0, INFINITY);
	assert_parse("1_000", 0, 1000);
	/* BENCHSTAT.md 1.2 and edge-weird stderr: "parsing measurement:
	 * invalid syntax" for 0x10, and for abc (edge-malformed). */
	assert_parse("0x10", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("abc", CSTAT__PARSE_SYNTAX, 0);
}

static void
test_parse_float_go_table(void **state)
{
	/* Rows of Go's src/strconv/atof_test.go atoftests. */
	static const struct {
		const char *in;
		int rc;
		const char *out;
	} rows[] = {
		{"", CSTAT__PARSE_SYNTAX, "0"},
		{"+1", 0, "1"},
		{"1x", CSTAT__PARSE_SYNTAX, "0"},
		{"1.1.", CSTAT__PARSE_SYNTAX, "0"},
		{"1E23", 0, "1e+23"},
		{"100000000000000000000000", 0, "1e+23"},
		{"99999999999999974834176", 0, "9.999999999999997e+22"},
		{"100000000000000016777215", 0, "1.0000000000000001e+23"},
		{"100000000000000016777216", 0, "1.0000000000000003e+23"},
		{"-0.1", 0, "-0.1"},
		{"-0", 0, "-0"},
		{"625e-3", 0, "0.625"},
		{"0x1ep-1", 0, "15"},
		{"-0x1_ep-1", 0, "-15"},
		{"0x1fFe2.P0", 0, "131042"},
		{"0x0.fp0", 0, "0.9375"},
		{"0x1e2", CSTAT__PARSE_SYNTAX, "0"},
		{"1p2", CSTAT__PARSE_SYNTAX, "0"},
		{"-0e+01234567890123456789", 0, "-0"},
		{"0x0p1026", 0, "0"},
		{"-0e348", 0, "-0"},
		{"nan", 0, "NaN"},
		{"NAN", 0, "NaN"},
		{"inf", 0, "+Inf"},
		{"+INF", 0, "+Inf"},
		{"-Infinity", 0, "-Inf"},
		{"Infinity", 0, "+Inf"},
		{"1.7976931348623157e308", 0, "1.7976931348623157e+308"},
		{"0x1fffffffffffffp+971", 0, "1.7976931348623157e+308"},
		{"1.7976931348623159e308", CSTAT__PARSE_RANGE, "+Inf"},
		{"-0x1p1024", CSTAT__PARSE_RANGE, "-Inf"},
		{"1.7976931348623158e308", 0, "1.7976931348623157e+308"},
		{"1.797693134862315808e308", CSTAT__PARSE_RANGE, "+Inf"},
		{"0x1.fffffffffffff7fffp1023", 0, "1.7976931348623157e+308"},
		{"0x1.fffffffffffff8p1023", CSTAT__PARSE_RANGE, "+Inf"},
		{"-0x.1fffffffffffff9p1027", CSTAT__PARSE_RANGE, "-Inf"},
		{"1e400000", CSTAT__PARSE_RANGE, "+Inf"},
		{"0x1p2000000000", CSTAT__PARSE_RANGE, "+Inf"},
		{"4e-324", 0, "5e-324"},
		{"2e-324", 0, "0"},
		{"1e-400000", 0, "0"},
		{"0x1.fffffffffffff8p-1010", 0, "1.8227805048890994e-304"},
		{"0x0.ffffffffffffe7p-1022", 0, "2.2250738585072004e-308"},
		{"0x0.00000003456788p-1022", 0, "1.694649e-317"},
		{"0x0.0000000345678800000000000000000000000001p-1022", 0,
		 "1.6946496e-317"},
		{"0x0.000000000000081p-1022", 0, "5e-324"},
		{"0x0.00000000000008p-1022", 0, "0"},
		{"1e+18446744073709551616", CSTAT__PARSE_RANGE, "+Inf"},
		{"0x1p-18446744073709551616", 0, "0"},
		{"1e-", CSTAT__PARSE_SYNTAX, "0"},
		{".e-1", CSTAT__PARSE_SYNTAX, "0"},
		{"0x", CSTAT__PARSE_SYNTAX, "0"},
		{"0x.", CSTAT__PARSE_SYNTAX, "0"},
		{"0x1", CSTAT__PARSE_SYNTAX, "0"},
		{"0x1p+", CSTAT__PARSE_SYNTAX, "0"},
		{"0x.1p-2", 0, "0.015625"},
		{"2.2250738585072012e-308", 0, "2.2250738585072014e-308"},
		{"2.2250738585072011e-308", 0, "2.225073858507201e-308"},
		{"4.630813248087435e+307", 0, "4.630813248087435e+307"},
		{"22.222222222222222", 0, "22.22222222222222"},
		{"0x2.2222222222222p221", 0, "7.18931911124017e+66"},
		{"1.00000000000000011102230246251565404236316680908203125", 0,
		 "1"},
		{"1.00000000000000011102230246251565404236316680908203126", 0,
		 "1.0000000000000002"},
		{"0x1.00000000000007Fp0", 0, "1"},
		{"0x1.000000000000081p0", 0, "1.0000000000000002"},
		{"1.00000000000000033306690738754696212708950042724609375", 0,
		 "1.0000000000000004"},
		{"1_23.50_0_0e+1_2", 0, "1.235e+14"},
		{"-_123.5e+12", CSTAT__PARSE_SYNTAX, "0"},
		{"1__23.5e+12", CSTAT__PARSE_SYNTAX, "0"},
		{"123_.5e+12", CSTAT__PARSE_SYNTAX, "0"},
		{"123._5e+12", CSTAT__PARSE_SYNTAX, "0"},
		{"123.5e_+12", CSTAT__PARSE_SYNTAX, "0"},
		{"123.5e+12_", CSTAT__PARSE_SYNTAX, "0"},
		{"0x_1_2.3_4_5p+1_2", 0, "74565"},
		{"_0x12.345p+12", CSTAT__PARSE_SYNTAX, "0"},
		{"0x12.345_p+12", CSTAT__PARSE_SYNTAX, "0"},
		{"0x12.345p+1__2", CSTAT__PARSE_SYNTAX, "0"},
	};
	char buf[CSTAT__GO_FLOAT_SIZE];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		double v;
		int rc = cstat__parse_float(rows[i].in, strlen(rows[i].in), &v);
		cstat__fmt_go_float(buf, v);
		if (rc != rows[i].rc || strcmp(buf, rows[i].out) != 0)
			fail_msg("%s: got %d %s, want %d %s", rows[i].in, rc,
				 buf, rows[i].rc, rows[i].out);
	}
}

/* Parses prefix + fill repeated n times + suffix, and formats the value. */
static int
parse_repeated(const char *prefix, char fill, size_t n, const char *suffix,
	       char *out)
{
	size_t lp = strlen(prefix), ls = strlen(suffix);
	char *s = malloc(lp + n + ls);
	double v;
	int rc;

	assert_non_null(s);
	memcpy(s, prefix, lp);
	memset(s + lp, fill, n);
	memcpy(s + lp + n, suffix, ls);
	rc = cstat__parse_float(s, lp + n + ls, &v);
	free(s);
	cstat__fmt_go_float(out, v);
	return rc;
}

static void
test_parse_float_long_inputs(void **state)
{
	char buf[CSTAT__GO_FLOAT_SIZE];

	(void)state;
	/* Go atof_test.go: "2." + 4000 '2's + "e+1" is 22.22222222222222. */
	assert_int_equal(parse_repeated("2.", '2', 4000, "e+1", buf), 0);
	assert_string_equal(buf, "22.22222222222222");
	assert_int_equal(parse_repeated("0x2.", '2', 4000, "p221", buf), 0);
	assert_string_equal(buf, "7.18931911124017e+66");
	/* Go atof_test.go: halfway between 1 and the next double, plus a 1
	 * after 10000 zeros, rounds up. */
	assert_int_equal(
		parse_repeated("1.00000000000000011102230246251565404236316680"
			       "908203125",
			       '0', 10000, "1", buf),
		0);
	assert_string_equal(buf, "1.0000000000000002");
	assert_int_equal(
		parse_repeated("0x1.00000000000008", '0', 10000, "1p0", buf),
		0);
	assert_string_equal(buf, "1.0000000000000002");
}

static void
test_parse_float_exponent_cap(void **state)
{
	char buf[CSTAT__GO_FLOAT_SIZE];

	(void)state;
	/*
	 * bytesconv readFloat stops accumulating the exponent once it
	 * reaches 10000 ("if e < 10000"), so in "0.<99999 zeros>1e100005"
	 * the exponent counts as 10000: 10^(10000 - 99999 - 1) underflows
	 * to 0, although the exact value is 1e5.  Hand calculation.
	 */
	assert_int_equal(parse_repeated("0.", '0', 99999, "1e100005", buf), 0);
	assert_string_equal(buf, "0");
	/* Below the cap nothing changes: 0.<9 zeros>1e15 is 1e5. */
	assert_parse("0.0000000001e15", 0, 1e5);
}

static void
test_parse_float_range(void **state)
{
	(void)state;
	/* Go ParseFloat returns ±Inf with ErrRange on overflow, which the
	 * reader reports as "parsing measurement: value out of range". */
	assert_parse("1e400", CSTAT__PARSE_RANGE, INFINITY);
	assert_parse("-1e400", CSTAT__PARSE_RANGE, -INFINITY);
	assert_parse("0x1p1024", CSTAT__PARSE_RANGE, INFINITY);
	/* Underflow is not an error (Go floatBits: "if d.dp < -330 zero"). */
	assert_parse("1e-400", 0, 0.0);
	assert_parse("-1e-400", 0, -0.0);
}

static void
test_parse_float_fast_paths(void **state)
{
	(void)state;
	/* benchfmt atof: digits only, converted as an int64 (hand). */
	assert_parse("0", 0, 0.0);
	assert_parse("00012", 0, 12);
	assert_parse("9007199254740993", 0, 9007199254740992.0);
	assert_parse("9223372036854775807", 0, 9223372036854775807.0);
	/* Past the int64 guard, ParseFloat rounds the same way. */
	assert_parse("99999999999999999999", 0, 1e20);
	/* Simple decimals: one correctly rounded division (hand). */
	assert_parse("1234.5", 0, 1234.5);
	assert_parse(".5", 0, 0.5);
	assert_parse("5.", 0, 5);
	assert_parse("0.000123", 0, 123 / 1e6);
	assert_parse("0.1", 0, 0.1);
	assert_parse("123456789.0123456789", 0, 123456789.0123456789);
	assert_parse(".", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("1.2.3", CSTAT__PARSE_SYNTAX, 0);
	/* Signs take the general path. */
	assert_parse("-5", 0, -5);
	assert_parse("+5.5", 0, 5.5);
}

static void
test_parse_float_syntax(void **state)
{
	(void)state;
	/* Go's grammar (bytesconv readFloat, special, underscoreOK). */
	assert_parse("+NaN", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("-nan", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("infinit", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("0b101", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("0o17", CSTAT__PARSE_SYNTAX, 0);
	assert_parse(" 1", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("1 ", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("_1", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("1_", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("1__0", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("0x1_p0", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("1e", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("1e+", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("--1", CSTAT__PARSE_SYNTAX, 0);
	assert_parse("1,5", CSTAT__PARSE_SYNTAX, 0);
	/* Accepted (same sources). */
	assert_parse("1e1_0", 0, 1e10);
	assert_parse("0_1", 0, 1);
	assert_parse("0x_1p0", 0, 1);
	assert_parse("1_000.5", 0, 1000.5);
	assert_parse("0x1p-2", 0, 0.25);
	assert_parse("0X1.8P1", 0, 3);
	assert_parse("iNfInItY", 0, INFINITY);
	assert_parse("1E-3", 0, 1e-3);
}

static void
test_parse_float_not_nul_terminated(void **state)
{
	double v;

	(void)state;
	/* Only len bytes are read: "123" out of "12345" (hand). */
	assert_int_equal(cstat__parse_float("12345", 3, &v), 0);
	assert_same_double(v, 123);
	assert_int_equal(cstat__parse_float("1.5e3xyz", 5, &v), 0);
	assert_same_double(v, 1500);
	assert_int_equal(cstat__parse_float("nanx", 3, &v), 0);
	assert_true(isnan(v));
	assert_int_equal(cstat__parse_float("0x1p4!", 5, &v), 0);
	assert_same_double(v, 16);
}

static void
test_parse_int_benchstat_examples(void **state)
{
	long long v;

	(void)state;
	/* BENCHSTAT.md 1.2 and conformance edge-weird: +5 and -5 are
	 * accepted iteration counts. */
	assert_int_equal(cstat__parse_int("+5", 2, &v), 0);
	assert_int_equal(v, 5);
	assert_int_equal(cstat__parse_int("-5", 2, &v), 0);
	assert_int_equal(v, -5);
	/* edge-weird: "parsing iteration count: value out of range". */
	assert_int_equal(cstat__parse_int("99999999999999999999", 20, &v),
			 CSTAT__ATOI_RANGE);
	assert_int_equal(v, INT64_MAX);
	/* edge-malformed: "parsing iteration count: invalid syntax". */
	assert_int_equal(cstat__parse_int("abc", 3, &v), CSTAT__ATOI_SYNTAX);
	assert_int_equal(v, 0);
}

static void
test_parse_int_go_table(void **state)
{
	/* Go src/strconv/atoi_test.go parseInt64Tests, run by TestAtoi. */
	static const struct {
		const char *in;
		long long out;
		int rc;
	} rows[] = {
		{"", 0, CSTAT__ATOI_SYNTAX},
		{"0", 0, 0},
		{"-0", 0, 0},
		{"1", 1, 0},
		{"-1", -1, 0},
		{"12345", 12345, 0},
		{"-12345", -12345, 0},
		{"012345", 12345, 0},
		{"-012345", -12345, 0},
		{"98765432100", 98765432100LL, 0},
		{"-98765432100", -98765432100LL, 0},
		{"9223372036854775807", INT64_MAX, 0},
		{"-9223372036854775807", -INT64_MAX, 0},
		{"9223372036854775808", INT64_MAX, CSTAT__ATOI_RANGE},
		{"-9223372036854775808", INT64_MIN, 0},
		{"9223372036854775809", INT64_MAX, CSTAT__ATOI_RANGE},
		{"-9223372036854775809", INT64_MIN, CSTAT__ATOI_RANGE},
		/* parseInt32Tests' syntax rows apply to 64 bits too. */
		{"12345x", 0, CSTAT__ATOI_SYNTAX},
		{"-12345x", 0, CSTAT__ATOI_SYNTAX},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		long long v;
		int rc = cstat__parse_int(rows[i].in, strlen(rows[i].in), &v);
		if (rc != rows[i].rc || v != rows[i].out)
			fail_msg("%s: got %d %lld, want %d %lld", rows[i].in,
				 rc, v, rows[i].rc, rows[i].out);
	}
}

static void
test_parse_int_go_quirks(void **state)
{
	long long v;

	(void)state;
	/* Atoi has no underscores, spaces or prefixes (base 10). */
	assert_int_equal(cstat__parse_int("1_000", 5, &v), CSTAT__ATOI_SYNTAX);
	assert_int_equal(cstat__parse_int("0x10", 4, &v), CSTAT__ATOI_SYNTAX);
	assert_int_equal(cstat__parse_int(" 5", 2, &v), CSTAT__ATOI_SYNTAX);
	assert_int_equal(cstat__parse_int("+", 1, &v), CSTAT__ATOI_SYNTAX);
	assert_int_equal(cstat__parse_int("-", 1, &v), CSTAT__ATOI_SYNTAX);
	assert_int_equal(cstat__parse_int("+-5", 3, &v), CSTAT__ATOI_SYNTAX);
	/* ParseUint reports overflow as soon as it happens, before seeing a
	 * bad byte later on (Go atoi.go, ParseUint loop). */
	assert_int_equal(cstat__parse_int("99999999999999999999x", 21, &v),
			 CSTAT__ATOI_RANGE);
	assert_int_equal(cstat__parse_int("-99999999999999999999", 21, &v),
			 CSTAT__ATOI_RANGE);
	assert_int_equal(v, INT64_MIN);
	/* but a bad byte first is a syntax error. */
	assert_int_equal(cstat__parse_int("9999999999999999x99", 19, &v),
			 CSTAT__ATOI_SYNTAX);
	/* Long inputs with leading zeros are fine (slow path). */
	assert_int_equal(cstat__parse_int("+00000000000000000000005", 24, &v),
			 0);
	assert_int_equal(v, 5);
	/* Only len bytes are read. */
	assert_int_equal(cstat__parse_int("123abc", 3, &v), 0);
	assert_int_equal(v, 123);
}

static void
test_parse_strerror_go_texts(void **state)
{
	(void)state;
	/* Go strconv.ErrSyntax and ErrRange texts. */
	assert_string_equal(cstat__parse_strerror(CSTAT__PARSE_SYNTAX),
			    "invalid syntax");
	assert_string_equal(cstat__parse_strerror(CSTAT__PARSE_RANGE),
			    "value out of range");
	assert_string_equal(cstat__parse_strerror(0), "");
}

/* Fails unless cstat__fmt_go_fixed(v, prec) is exactly want. */
static void
assert_fixed(double v, int prec, const char *want)
{
	char buf[CSTAT__GO_FIXED_SIZE(CSTAT__GO_FIXED_MAXPREC)];

	assert_int_equal(cstat__fmt_go_fixed(buf, sizeof(buf), v, prec),
			 strlen(want));
	assert_string_equal(buf, want);
}

static void
test_fmt_go_fixed_rounds_half_even(void **state)
{
	(void)state;
	/* Exact binary ties round to even (Go decimal.Round,
	 * shouldRoundUp); hand: 0.125 and 0.375 are exact. */
	assert_fixed(0.125, 2, "0.12");
	assert_fixed(0.375, 2, "0.38");
	assert_fixed(2.5, 0, "2");
	/* Go issue 47697: %1.0f of 0.5 is "0" and of -0.5 is "-0". */
	assert_fixed(0.5, 0, "0");
	assert_fixed(-0.5, 0, "-0");
	/* Go issue 13083: 74.625 (exact) at 2 digits is "74.62". */
	assert_fixed(74.625, 2, "74.62");
	/* Go issue 21764: 1.1235 is below the tie in binary: "1.123". */
	assert_fixed(1.1235, 3, "1.123");
}

static void
test_fmt_go_fixed_signs_and_specials(void **state)
{
	(void)state;
	/* Go genericFtoa: "NaN", "+Inf", "-Inf" in every format. */
	assert_fixed(NAN, 3, "NaN");
	assert_fixed(INFINITY, 1, "+Inf");
	assert_fixed(-INFINITY, 1, "-Inf");
	/* Go fmtF prints '-' for any negative value (hand). */
	assert_fixed(-0.0, 3, "-0.000");
	assert_fixed(-0.0001, 3, "-0.000");
	assert_fixed(-4.5, 3, "-4.500");
	/* The precision is clamped to 0..CSTAT__GO_FIXED_MAXPREC. */
	assert_fixed(1.5, -3, "2");
}

static void
test_fmt_go_fixed_truncates(void **state)
{
	char small[4], big[CSTAT__GO_FIXED_SIZE(1)];
	size_t n;

	(void)state;
	/* snprintf-like: the full length comes back (hand). */
	n = cstat__fmt_go_fixed(small, sizeof(small), 12345.678, 2);
	assert_int_equal(n, 8);
	assert_string_equal(small, "123");
	assert_int_equal(cstat__fmt_go_fixed(small, 0, 1, 1), 3);
	/* DBL_MAX has 309 integer digits: 309 + ".0" (hand). */
	n = cstat__fmt_go_fixed(big, sizeof(big), -DBL_MAX, 1);
	assert_int_equal(n, 312);
	assert_int_equal(strncmp(big, "-17976931348623157081", 21), 0);
	assert_string_equal(big + n - 2, ".0");
}

/* Fails unless Scale(v, cls) is exactly want. */
static void
assert_scale(double v, int cls, const char *want)
{
	char buf[CSTAT__SCALE_SIZE];

	assert_int_equal(cstat__scale_format(v, cls, buf, sizeof(buf)),
			 strlen(want));
	assert_string_equal(buf, want);
}

/* Fails unless v formats as want with the common scale of vals. */
static void
assert_common(const double *vals, size_t n, int cls, double v, const char *want)
{
	struct cstat__scaler s;
	char buf[CSTAT__SCALE_SIZE];

	cstat__scaler_common(&s, vals, n, cls);
	cstat__scaler_format(&s, v, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void
test_scale_format_benchstat_examples(void **state)
{
	(void)state;
	/* BENCHSTAT.md 1.5 "Examples"; values tidied as the reader does
	 * (1718 ns is 1718 * 1e-9 s). */
	assert_scale(1718 * 1e-9, CSTAT__SCALE_DECIMAL, "1.718\xc2\xb5");
	assert_scale(46.55 * 1e-9, CSTAT__SCALE_DECIMAL, "46.55n");
	assert_scale(5, CSTAT__SCALE_BINARY, "5.000");
	assert_scale(1550, CSTAT__SCALE_BINARY, "1.514Ki");
	assert_scale(1234567, CSTAT__SCALE_BINARY, "1.177Mi");
	/* BENCHSTAT.md Example 1 geomean cells. */
	assert_scale(2.294891936453654e-06, CSTAT__SCALE_DECIMAL,
		     "2.295\xc2\xb5");
	assert_scale(2.089754770302007e-06, CSTAT__SCALE_DECIMAL,
		     "2.090\xc2\xb5");
	/* conformance edge-csvmalformed: geomean 1.0024968827881684e-07 is
	 * "100.2n" in edge-malformed's text output. */
	assert_scale(1.0024968827881684e-07, CSTAT__SCALE_DECIMAL, "100.2n");
}

static void
test_scaler_common_row_examples(void **state)
{
	/* BENCHSTAT.md Example 3, rows 15, 512 and 4kB (sec/op). */
	const double r15[] = {44.40e-9, 16.30e-9, 35.60e-9};
	const double r512[] = {56.75e-9, 39.85e-9, 1073.00e-9};
	const double r4k[] = {298.0e-9, 157.0e-9, 8964.0e-9};
	const double r32k[] = {2.145e-6, 1.218e-6, 73.206e-6};
	/* Row 32kB (B/s), hand-scaled by 2^20. */
	const double b32k[] = {14567.5 * 0x1p20, 25658.0 * 0x1p20,
			       426.9 * 0x1p20};

	(void)state;
	assert_common(r15, 3, CSTAT__SCALE_DECIMAL, r15[2], "35.60n");
	assert_common(r512, 3, CSTAT__SCALE_DECIMAL, r512[2], "1073.00n");
	assert_common(r512, 3, CSTAT__SCALE_DECIMAL, r512[0], "56.75n");
	assert_common(r4k, 3, CSTAT__SCALE_DECIMAL, r4k[2], "8964.0n");
	assert_common(r32k, 3, CSTAT__SCALE_DECIMAL, r32k[2], "73.206\xc2\xb5");
	assert_common(b32k, 3, CSTAT__SCALE_BINARY, b32k[0], "14567.5Mi");
	assert_common(b32k, 3, CSTAT__SCALE_BINARY, b32k[2], "426.9Mi");
}

static void
test_scaler_common_all_zero(void **state)
{
	const double zeros[] = {0, -0.0, 0};
	struct cstat__scaler s;

	(void)state;
	/* scale.go CommonScale: "if min == 0 { return Scaler{3, 1, ""} }";
	 * conformance edge-negzero prints 0 ns/op and 0 B/op as "0.000". */
	cstat__scaler_common(&s, zeros, 3, CSTAT__SCALE_DECIMAL);
	assert_same_double(s.factor, 1);
	assert_int_equal(s.prec, 3);
	assert_string_equal(s.prefix, "");
	assert_common(zeros, 3, CSTAT__SCALE_BINARY, 0, "0.000");
	assert_common(NULL, 0, CSTAT__SCALE_DECIMAL, 0, "0.000");
}

static void
test_scaler_common_negative_values(void **state)
{
	const double neg[] = {-4.5};
	const double mixed[] = {-1e-6, 2e-3};

	(void)state;
	/* conformance edge-negzero: the median -4.5 delta/op is "-4.500". */
	assert_common(neg, 1, CSTAT__SCALE_DECIMAL, -4.5, "-4.500");
	/* Magnitudes decide (math.Abs): |-1e-6| picks µ (hand). */
	assert_common(mixed, 2, CSTAT__SCALE_DECIMAL, 2e-3, "2000.000\xc2\xb5");
}

static void
test_scaler_common_tiny_values(void **state)
{
	const double t12[] = {1e-12};
	const double t30[] = {1e-30};
	const double half[] = {0.5};
	struct cstat__scaler s;

	(void)state;
	/* Below "n": 1e-12 / 1e-9 = 0.001 first reaches sigfigs[3] =
	 * 9.9995e-4, so 3 + 3 = 6 decimals (hand, scale.go mkSigfigs). */
	assert_common(t12, 1, CSTAT__SCALE_DECIMAL, 1e-12, "0.001000n");
	/* Nothing reached: the last entry, 10 decimals. */
	cstat__scaler_common(&s, t30, 1, CSTAT__SCALE_DECIMAL);
	assert_int_equal(s.prec, 10);
	assert_common(t30, 1, CSTAT__SCALE_DECIMAL, 1e-30, "0.0000000000n");
	/* Binary has no fractional prefixes: 0.5 reaches sigfigs[1], 4
	 * decimals (hand). */
	assert_common(half, 1, CSTAT__SCALE_BINARY, 0.5, "0.5000");
}

static void
test_scaler_common_decimal_thresholds(void **state)
{
	const double t100[] = {99.995}, below100[] = {99.99499999999999};
	const double t10[] = {9.9995}, t1[] = {0.99995}, below1[] = {0.9999};
	const double k[] = {99995}, k2[] = {99994};

	(void)state;
	/* scale.go mkSIFactors: thresholds parsed from "99.995e0" etc., so
	 * the value at a threshold prints as the rounded-up form (hand). */
	assert_common(t100, 1, CSTAT__SCALE_DECIMAL, 99.995, "100.0");
	assert_common(below100, 1, CSTAT__SCALE_DECIMAL, 99.99499999999999,
		      "99.99");
	assert_common(t10, 1, CSTAT__SCALE_DECIMAL, 9.9995, "10.00");
	assert_common(t1, 1, CSTAT__SCALE_DECIMAL, 0.99995, "1.000");
	assert_common(below1, 1, CSTAT__SCALE_DECIMAL, 0.9999, "999.9m");
	assert_common(k, 1, CSTAT__SCALE_DECIMAL, 99995, "100.0k");
	assert_common(k2, 1, CSTAT__SCALE_DECIMAL, 99994, "99.99k");
}

static void
test_scaler_common_binary_thresholds(void **state)
{
	const double b1023[] = {1023}, b1024[] = {1024};
	const double b1000k[] = {1000 * 1024.0}, big[] = {0x1p50};

	(void)state;
	/* scale.go mkIECFactors: t1 of Ki is 0.99995 * 1024 = 1023.9488,
	 * so 1023 stays unprefixed and 1024 is 1.000Ki (hand). */
	assert_common(b1023, 1, CSTAT__SCALE_BINARY, 1023, "1023.0");
	assert_common(b1024, 1, CSTAT__SCALE_BINARY, 1024, "1.000Ki");
	/* "1020 * 1024 will be rendered as 1020 KiB" (scale.go comment). */
	assert_common(b1000k, 1, CSTAT__SCALE_BINARY, 1000 * 1024.0,
		      "1000.0Ki");
	/* 2^50 is 1024 Ti, the largest prefix (hand). */
	assert_common(big, 1, CSTAT__SCALE_BINARY, 0x1p50, "1024.0Ti");
}

static void
test_scaler_common_nan_and_inf(void **state)
{
	const double nan_first[] = {NAN, 1e-9};
	const double nan_later[] = {1e-9, NAN};
	const double inf[] = {INFINITY};

	(void)state;
	/* conformance edge-weird: a NaN center prints "NaNn" (the NaN
	 * becomes CommonScale's min, which then reaches no threshold). */
	assert_common(nan_first, 2, CSTAT__SCALE_DECIMAL, NAN, "NaNn");
	assert_common(nan_first, 2, CSTAT__SCALE_DECIMAL, 1e-9,
		      "1.0000000000n");
	/* After a number, "v < min" is false for NaN: ignored (hand). */
	assert_common(nan_later, 2, CSTAT__SCALE_DECIMAL, 1e-9, "1.000n");
	/* conformance edge-weird: +Inf ns/op prints "+InfT". */
	assert_common(inf, 1, CSTAT__SCALE_DECIMAL, INFINITY, "+InfT");
}

static void
test_scaler_format_buffer(void **state)
{
	struct cstat__scaler s = {1, 10, "n"};
	char small[5], big[CSTAT__SCALE_SIZE];
	size_t n;

	(void)state;
	/* snprintf-like truncation: "12.3456789000n" is 14 bytes (hand). */
	n = cstat__scaler_format(&s, 12.3456789, small, sizeof(small));
	assert_int_equal(n, 14);
	assert_string_equal(small, "12.3");
	/* The longest text: -DBL_MAX, 309 digits, '.', 10 decimals and the
	 * prefix: 322 bytes (hand), within CSTAT__SCALE_SIZE. */
	n = cstat__scaler_format(&s, -DBL_MAX, big, sizeof(big));
	assert_int_equal(n, 322);
	assert_string_equal(big + n - 12, ".0000000000n");
}

/*
 * The fast path of cstat__fmt_go_fixed() must agree with printf's exact
 * rounding (glibc rounds the exact binary value half to even, as Go does)
 * on every value: random magnitudes, values near rounding ties, negatives
 * and zero, at every precision the scalers use.
 */
static void
test_fmt_go_fixed_fast_path_matches_printf(void **state)
{
	uint64_t x = 88172645463325252ULL;
	char got[CSTAT__GO_FIXED_SIZE(10)], want[CSTAT__GO_FIXED_SIZE(10)];

	(void)state;
	for (int i = 0; i < 200000; i++) {
		/* xorshift64: a fixed, reproducible sequence. */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int prec = (int)(x % 11);
		double mant = (double)(x >> 11) / 9007199254740992.0;
		double v = mant * pow(10, (double)((x >> 3) % 16) - 6);
		if (i % 3 ==
		    0) /* near a tie: k + 0.5 units of the last digit */
			v = ((double)(x % 100000) + 0.5) / pow(10, prec);
		if (i % 7 == 0)
			v = -v;
		cstat__fmt_go_fixed(got, sizeof(got), v, prec);
		snprintf(want, sizeof(want), "%.*f", prec, v);
		if (strcmp(got, want) != 0)
			fail_msg("%.17g at %d: got %s, want %s", v, prec, got,
				 want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_go_float_benchstat_examples),
		cmocka_unit_test(test_fmt_go_float_conformance_csv),
		cmocka_unit_test(test_fmt_go_float_specials),
		cmocka_unit_test(test_fmt_go_float_exponent_rule),
		cmocka_unit_test(test_fmt_go_float_closest_shortest),
		cmocka_unit_test(test_fmt_go_float_random_agrees_with_printf),
		cmocka_unit_test(test_fmt_go_float_confidence_levels),
		cmocka_unit_test(test_parse_float_benchstat_examples),
		cmocka_unit_test(test_parse_float_go_table),
		cmocka_unit_test(test_parse_float_long_inputs),
		cmocka_unit_test(test_parse_float_exponent_cap),
		cmocka_unit_test(test_parse_float_range),
		cmocka_unit_test(test_parse_float_fast_paths),
		cmocka_unit_test(test_parse_float_syntax),
		cmocka_unit_test(test_parse_float_not_nul_terminated),
		cmocka_unit_test(test_parse_int_benchstat_examples),
		cmocka_unit_test(test_parse_int_go_table),
		cmocka_unit_test(test_parse_int_go_quirks),
		cmocka_unit_test(test_parse_strerror_go_texts),
		cmocka_unit_test(test_fmt_go_fixed_rounds_half_even),
		cmocka_unit_test(test_fmt_go_fixed_signs_and_specials),
		cmocka_unit_test(test_fmt_go_fixed_truncates),
		cmocka_unit_test(test_scale_format_benchstat_examples),
		cmocka_unit_test(test_scaler_common_row_examples),
		cmocka_unit_test(test_scaler_common_all_zero),
		cmocka_unit_test(test_scaler_common_negative_values),
		cmocka_unit_test(test_scaler_common_tiny_values),
		cmocka_unit_test(test_scaler_common_decimal_thresholds),
		cmocka_unit_test(test_scaler_common_binary_thresholds),
		cmocka_unit_test(test_scaler_common_nan_and_inf),
		cmocka_unit_test(test_scaler_format_buffer),
		cmocka_unit_test(test_fmt_go_fixed_fast_path_matches_printf),
		cmocka_unit_test(test_decimal_exact_matches_strtod),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
