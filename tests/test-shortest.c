/*
 * test-shortest.c - unit tests for Go's shortest float text by Ryu
 * (lib/shortest.c, through cstat__fmt_go_float()) and for the other fast
 * number writers the exports use (cstat__fmt_uint(),
 * cstat__fmt_go_fixed()'s exact ties, the pages' coordinates).  Every
 * text Ryu writes here is also read back by strtod to the same bits, and
 * 4,000,000 of them are checked for Go's layout.
 *
 * The reference for Ryu is the search it replaced,
 * cstat__fmt_go_float_search(): roundings of printf's digits bisected on
 * whether they read back, itself tested against Go's outputs in
 * test-numfmt.c.  Every comparison is byte for byte.  The samples come
 * from xorshift64 (Marsaglia 2003, seed 88172645463325252, his example
 * seed), so a failure replays; under valgrind the random samples are cut
 * to 1/50 (the reference search costs printf calls), the exhaustive ones
 * are not.  Go's printed digits themselves are also pinned by the known
 * texts below and by the conformance corpus (benchstat's CSV).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "html.h"
#include "numfmt.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

/* Random samples: this many, or 1/50 of it under valgrind. */
static long
sample(long n)
{
	return RUNNING_ON_VALGRIND ? n / 50 : n;
}

/* xorshift64, seeded with Marsaglia's example seed. */
static uint64_t
xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

#define SEED 88172645463325252u

static double
from_bits(uint64_t b)
{
	double v;

	memcpy(&v, &b, sizeof(v));
	return v;
}

/* Fails unless text reads back (strtod) to exactly the bits of v. */
static void
assert_round_trip(double v, const char *text)
{
	char *end;
	double back = strtod(text, &end);

	if (*end != '\0' || memcmp(&back, &v, sizeof(v)) != 0)
		fail_msg("%a: %s reads back as %a", v, text, back);
}

/* Fails unless Ryu and the search write v identically, and the text reads
 * back to v; counts checks. */
static void
assert_agree(double v, long *checked)
{
	char fast[CSTAT__GO_FLOAT_SIZE], slow[CSTAT__GO_FLOAT_SIZE];
	size_t nf = cstat__fmt_go_float(fast, v);
	size_t ns = cstat__fmt_go_float_search(slow, v);

	if (nf != ns || strcmp(fast, slow) != 0)
		fail_msg("%a: Ryu %s, search %s", v, fast, slow);
	assert_round_trip(v, fast);
	(*checked)++;
}

/*
 * Fails unless text is laid out as Go's strconv.FormatFloat(v, 'g', -1,
 * 64) lays out shortest digits (fmt's %v): an optional '-', the digits
 * with no trailing zero after a point, in %e form exactly when the
 * decimal exponent x is < -4 or >= 6 (shortest 'g' takes precision 6 for
 * that decision), the exponent signed and of at least two digits.
 */
static void
assert_go_layout(double v, const char *text)
{
	const char *p = text + (text[0] == '-');
	const char *e = strchr(p, 'e');
	char digits[32];
	size_t nd = 0, lead = 0;
	long x;

	if ((text[0] == '-') != (signbit(v) != 0))
		fail_msg("%a: %s has the wrong sign", v, text);
	for (const char *q = p; *q && q != e; q++)
		if (*q != '.')
			digits[nd++] = *q;
	while (lead < nd - 1 && digits[lead] == '0')
		lead++;
	if (e) {
		/* d[.ddd]e±XX */
		if (p[1] != 'e' && (p[1] != '.' || e[-1] == '0'))
			fail_msg("%a: %s is not d.ddde", v, text);
		if ((e[1] != '+' && e[1] != '-') || strlen(e + 2) < 2)
			fail_msg("%a: %s has a bad exponent", v, text);
		x = strtol(e + 1, NULL, 10);
	} else {
		const char *dot = strchr(p, '.');
		size_t ip = dot ? (size_t)(dot - p) : strlen(p);
		if (dot && text[strlen(text) - 1] == '0')
			fail_msg("%a: %s has a trailing zero", v, text);
		/* The exponent of the first significant digit. */
		x = p[0] != '0' ? (long)ip - 1 : -(long)lead;
	}
	if (v != 0 && (e != NULL) != (x < -4 || x >= 6))
		fail_msg("%a: %s in the wrong form (exponent %ld)", v, text, x);
}

/*
 * Millions of doubles (4,000,000; 80,000 under valgrind), each written,
 * read back by strtod to the same bits, and checked for Go's layout:
 * random bit patterns (every exponent) and benchmark-like values (whole
 * nanoseconds in seconds, their means, rates).  The search comparison of
 * the tests above costs printf calls; this one only Ryu and strtod.
 */
static void
test_shortest_millions_round_trip(void **state)
{
	uint64_t s = SEED ^ 7;
	char buf[CSTAT__GO_FLOAT_SIZE];
	long checked = 0;

	(void)state;
	for (long i = 0; i < sample(2000000); i++) {
		double v = from_bits(xorshift64(&s));
		if (!isfinite(v))
			continue;
		cstat__fmt_go_float(buf, v);
		assert_round_trip(v, buf);
		assert_go_layout(v, buf);
		checked++;
	}
	for (long i = 0; i < sample(1000000); i++) {
		double ns = (double)(xorshift64(&s) % 100000000000u + 1);
		double vs[2] = {ns * 1e-9,
				(ns + (double)(xorshift64(&s) % 7)) / 2 * 1e-9};
		for (int k = 0; k < 2; k++) {
			cstat__fmt_go_float(buf, vs[k]);
			assert_round_trip(vs[k], buf);
			assert_go_layout(vs[k], buf);
			checked++;
		}
	}
	print_message("round trips: %ld doubles\n", checked);
	assert_true(checked > sample(4000000) * 99 / 100);
}

/* 1,000,000 random bit patterns: every exponent, both signs. */
static void
test_shortest_random_bits_agree_with_search(void **state)
{
	uint64_t s = SEED;
	long checked = 0;

	(void)state;
	for (long i = 0; i < sample(1000000); i++) {
		double v = from_bits(xorshift64(&s));
		if (isfinite(v))
			assert_agree(v, &checked);
	}
	print_message("random bit patterns: %ld agree\n", checked);
	assert_true(checked > sample(1000000) * 99 / 100);
}

/* 100,000 random subnormals, and the edges of the subnormal range. */
static void
test_shortest_subnormals_agree_with_search(void **state)
{
	uint64_t s = SEED ^ 1;
	long checked = 0;

	(void)state;
	for (long i = 0; i < sample(100000); i++) {
		uint64_t m = xorshift64(&s) & ((UINT64_C(1) << 52) - 1);
		if (m)
			assert_agree(from_bits(m), &checked);
	}
	assert_agree(from_bits(1), &checked);			    /* 5e-324 */
	assert_agree(from_bits((UINT64_C(1) << 52) - 1), &checked); /* max */
	assert_agree(from_bits(UINT64_C(1) << 52), &checked); /* min normal */
	assert_agree(from_bits((UINT64_C(1) << 52) + 1), &checked);
	print_message("subnormals: %ld agree\n", checked);
}

/*
 * Every power of two, where the interval is narrower below, and both
 * neighbours of each (all 2,098 exponents, both signs): exhaustive.
 */
static void
test_shortest_powers_of_two_agree_with_search(void **state)
{
	long checked = 0;

	(void)state;
	for (int e = -1074; e <= 1023; e++) {
		double p = ldexp(1, e);
		assert_agree(p, &checked);
		assert_agree(-p, &checked);
		assert_agree(nextafter(p, 0), &checked);
		assert_agree(nextafter(p, INFINITY), &checked);
	}
	print_message("powers of two and neighbours: %ld agree\n", checked);
}

/*
 * Numbers as benchmarks give them: whole nanoseconds in seconds, their
 * means (medians of even samples), scaled rates, and short decimals of
 * every exponent (ties of digit removal among them) and their neighbours.
 */
static void
test_shortest_benchmark_values_agree_with_search(void **state)
{
	uint64_t s = SEED ^ 2;
	long checked = 0;

	(void)state;
	for (long i = 0; i < sample(100000); i++) {
		double ns = (double)(xorshift64(&s) % 10000000 + 1);
		double other = ns + (double)(xorshift64(&s) % 100);
		assert_agree(ns * 1e-9, &checked);
		assert_agree((ns * 1e-9 + other * 1e-9) / 2, &checked);
		assert_agree(ns * 1048576 / 3, &checked);
		char text[40];
		int digits = (int)(xorshift64(&s) % 17) + 1;
		int exp = (int)(xorshift64(&s) % 600) - 300;
		snprintf(text, sizeof(text), "%.*se%d", digits,
			 "12345678901234567", exp);
		double v = strtod(text, NULL);
		if (isfinite(v) && v != 0) {
			assert_agree(v, &checked);
			assert_agree(nextafter(v, 0), &checked);
			assert_agree(nextafter(v, INFINITY), &checked);
		}
	}
	print_message("benchmark-like values: %ld agree\n", checked);
}

/* Integers: below 2^53 their own digits, above the shortest. */
static void
test_shortest_integers_agree_with_search(void **state)
{
	uint64_t s = SEED ^ 3;
	long checked = 0;

	(void)state;
	for (long k = 1; k <= sample(100000); k++) {
		assert_agree((double)k, &checked);
		assert_agree((double)(xorshift64(&s) >> (k % 64)), &checked);
	}
	for (int e = 0; e <= 308; e++)
		assert_agree(pow(10, e), &checked);
	print_message("integers: %ld agree\n", checked);
}

/* Fails unless cstat__fmt_go_float(v) is want. */
static void
assert_text(double v, const char *want)
{
	char buf[CSTAT__GO_FLOAT_SIZE];

	assert_int_equal(cstat__fmt_go_float(buf, v), strlen(want));
	assert_string_equal(buf, want);
}

/*
 * Known texts: what Go's fmt.Sprint(float64) prints (strconv's shortest
 * digits, in %e form when the decimal exponent is < -4 or >= 6).
 */
static void
test_shortest_known_texts(void **state)
{
	(void)state;
	assert_text(0.1 + 0.2, "0.30000000000000004");
	assert_text(5e-324, "5e-324");
	assert_text(1.7976931348623157e308, "1.7976931348623157e+308");
	assert_text(2.2250738585072014e-308, "2.2250738585072014e-308");
	assert_text(9007199254740993.0, "9.007199254740992e+15");
	assert_text(123456789012345680000.0, "1.2345678901234568e+20");
	assert_text(1e23, "1e+23");
	assert_text(-1.5e-9, "-1.5e-09");
	assert_text(1e21, "1e+21");
	assert_text(100000, "100000");
	assert_text(1e6, "1e+06");
	assert_text(0.0001, "0.0001");
}

static void
test_fmt_uint_agrees_with_printf(void **state)
{
	uint64_t s = SEED ^ 4;
	char buf[24], ref[24];

	(void)state;
	for (long i = 0; i < sample(200000) + 64; i++) {
		uint64_t v = i < 64 ? (UINT64_C(1) << i) - 1
				    : xorshift64(&s) >> (i % 64);
		size_t n = cstat__fmt_uint(buf, v);
		buf[n] = '\0';
		snprintf(ref, sizeof(ref), "%llu", (unsigned long long)v);
		assert_string_equal(buf, ref);
	}
	assert_int_equal(cstat__fmt_uint(buf, UINT64_MAX), 20);
	assert_memory_equal(buf, "18446744073709551615", 20);
}

/*
 * cstat__fmt_go_fixed() decides exact halves without printf: values that
 * are halves at their precision (a tie, to even) or one ulp beside one,
 * and random values, against glibc's printf, which rounds the exact
 * binary value half to even as Go does.
 */
static void
test_fmt_go_fixed_halves_agree_with_printf(void **state)
{
	uint64_t s = SEED ^ 5;
	char buf[CSTAT__GO_FIXED_SIZE(10)], ref[400];
	long ties = 0;

	(void)state;
	for (long i = 0; i < sample(500000); i++) {
		int prec = (int)(xorshift64(&s) % 11);
		double v;
		if (i % 3 == 0) {
			v = ((double)(xorshift64(&s) % 1000000) + 0.5) /
			    pow(10, prec);
		} else if (i % 3 == 1) {
			v = (double)(xorshift64(&s) % 2000000) / 2 *
			    pow(10, -(double)(xorshift64(&s) % 12));
		} else {
			v = from_bits(xorshift64(&s));
			if (!isfinite(v))
				continue;
		}
		if (i % 5 == 0)
			v = nextafter(v, i % 2 ? INFINITY : 0);
		if (xorshift64(&s) & 1)
			v = -v;
		double x = fabs(v) * pow(10, prec);
		ties += x - floor(x) == 0.5;
		cstat__fmt_go_fixed(buf, sizeof(buf), v, prec);
		snprintf(ref, sizeof(ref), "%.*f", prec, v);
		if (strcmp(buf, ref) != 0)
			fail_msg("%a at %d: %s, printf %s", v, prec, buf, ref);
	}
	print_message("fixed: %ld values with a computed half\n", ties);
	assert_true(ties > 0);
}

/* cstat__html_coord() as it was written with printf. */
static void
test_html_coord_agrees_with_printf(void **state)
{
	uint64_t s = SEED ^ 6;
	char buf[CSTAT__HTML_COORD_SIZE + 1], ref[64];

	(void)state;
	for (long i = 0; i < sample(300000); i++) {
		double x = (double)(xorshift64(&s) % 20000000) / 1000 - 100;
		if (i % 7 == 0)
			x = (double)(xorshift64(&s) % 10000) / 10 + 0.05;
		long tenths = lround(x * 10);
		if (tenths < 0)
			tenths = 0;
		if (tenths % 10 == 0)
			snprintf(ref, sizeof(ref), "%ld", tenths / 10);
		else
			snprintf(ref, sizeof(ref), "%ld.%ld", tenths / 10,
				 tenths % 10);
		buf[cstat__html_coord_text(buf, x)] = '\0';
		if (strcmp(buf, ref) != 0)
			fail_msg("%a: %s, printf %s", x, buf, ref);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shortest_random_bits_agree_with_search),
		cmocka_unit_test(test_shortest_subnormals_agree_with_search),
		cmocka_unit_test(test_shortest_powers_of_two_agree_with_search),
		cmocka_unit_test(
			test_shortest_benchmark_values_agree_with_search),
		cmocka_unit_test(test_shortest_integers_agree_with_search),
		cmocka_unit_test(test_shortest_known_texts),
		cmocka_unit_test(test_shortest_millions_round_trip),
		cmocka_unit_test(test_fmt_uint_agrees_with_printf),
		cmocka_unit_test(test_fmt_go_fixed_halves_agree_with_printf),
		cmocka_unit_test(test_html_coord_agrees_with_printf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
