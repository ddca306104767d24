/*
 * test-v1.c - unit tests for lib/v1.c, the pre-2023 benchstat (cstat -v1):
 * the 1.5 IQR outlier trimming on R8 quartiles, the incremental mean, the
 * "±" rule (largest relative deviation from the mean), Welch's t-test, the
 * strict p < alpha rule with 0 meaning 0.05, the old scaler and metric
 * names, and one comparison through the public API.
 *
 * Expected values name their source: a hand calculation shown in the
 * comment, the conformance expectations in
 * testdata/conformance/NAME/stdout (inputs copied here), or, for the
 * t-test, the t distribution integrated numerically in this file (Simpson's
 * rule on the density), independently of GSL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"
#include <math.h>

#include "v1.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Seven values and a far outlier, in no order.  Sorted: 10 11 12 13 14
 * 15 16 100.  R8 positions 1/3 + q (n + 1/3): q1 at 2.417 -> 11 + 0.417 =
 * 11.42, q3 at 6.583 -> 15 + 0.583 = 15.58; IQR 4.17, so the fences are
 * 5.17 and 21.83 and only 100 goes. */
static void
test_trim_drops_outliers_keeps_order(void **state)
{
	const double x[] = {13, 100, 10, 16, 11, 15, 12, 14};
	const double want[] = {13, 10, 16, 11, 15, 12, 14};
	double out[LEN(x)];
	(void)state;

	size_t n = cstat__v1_trim(x, LEN(x), out);
	assert_int_equal(n, LEN(want));
	for (size_t i = 0; i < n; i++)
		assert_same(out[i], want[i]);
}

/* Values inside the fences all stay, even the extremes. */
static void
test_trim_keeps_all_inside(void **state)
{
	const double x[] = {1, 2, 3, 4, 5};
	double out[LEN(x)];
	(void)state;

	assert_int_equal(cstat__v1_trim(x, LEN(x), out), 5);
	/* A lone low outlier goes too: sorted 1 50 51 52 53, q1 at 1.667 ->
	 * 1 + 0.667 * 49 = 33.67, q3 at 4.333 -> 52.33; fences 5.67, 80.3. */
	const double y[] = {50, 51, 1, 52, 53};
	assert_int_equal(cstat__v1_trim(y, LEN(y), out), 4);
	assert_same(out[2], 52);
}

/* NaN quartiles make the fences NaN: nothing is kept (v1-edge-weird). */
static void
test_trim_nan(void **state)
{
	const double x[] = {NAN, 1};
	double out[2];
	(void)state;

	assert_int_equal(cstat__v1_trim(x, 2, out), 0);
	assert_true(isnan(cstat__v1_mean(out, 0)));
}

/* The incremental mean, in input order: +Inf then 5 gives Inf + (5 -
 * Inf)/2 = NaN (v1-edge-weird prints "NaNns"); -1, 1, ... leaves a tiny
 * negative residue (v1-edge-negzero prints "-0.00"). */
static void
test_mean_incremental(void **state)
{
	const double inf5[] = {INFINITY, 5};
	const double mixed[] = {-1, 1, -1, 1, -1, 1};
	const double plain[] = {1, 2, 3, 4};
	(void)state;

	assert_true(isnan(cstat__v1_mean(inf5, 2)));
	double m = cstat__v1_mean(mixed, LEN(mixed));
	assert_true(m < 0 && m > -1e-15);
	assert_same(cstat__v1_mean(plain, 4), 2.5);
}

/* "±" = max(1 - min/mean, max/mean - 1) as %.0f%%. */
static void
test_range_rule(void **state)
{
	char buf[64];
	const double neg[] = {-5, -3, -4, -6, -2, -5};
	double min, max;
	(void)state;

	/* 1 - 9/10 = 10%, 12/10 - 1 = 20%: the larger wins. */
	assert_string_equal(cstat__v1_range_text(9, 10, 12, buf, sizeof(buf)),
			    "20%");
	assert_string_equal(cstat__v1_range_text(7, 10, 11, buf, sizeof(buf)),
			    "30%");
	/* No range for a zero mean or a zero max. */
	assert_string_equal(cstat__v1_range_text(0, 0, 0, buf, sizeof(buf)),
			    "");
	assert_string_equal(cstat__v1_range_text(-1, -0.5, 0, buf, sizeof(buf)),
			    "");
	/* Negative values: mean -25/6, 1 - (-6)/(-25/6) = -0.44 beats
	 * (-2)/(-25/6) - 1 = -0.52 (v1-edge-negzero: "±-44%"). */
	cstat__v1_bounds(neg, LEN(neg), &min, &max);
	assert_string_equal(cstat__v1_range_text(min,
						 cstat__v1_mean(neg, LEN(neg)),
						 max, buf, sizeof(buf)),
			    "-44%");
}

/* The t density with nu degrees of freedom. */
static double
t_density(double x, double nu)
{
	return exp(lgamma((nu + 1) / 2) - lgamma(nu / 2)) /
	       sqrt(nu * 3.14159265358979323846) *
	       pow(1 + x * x / nu, -(nu + 1) / 2);
}

/* Two-sided p of |t| by Simpson's rule: 1 - 2 * integral of f on [0, t]. */
static double
t_two_sided(double t, double nu)
{
	const int n = 20000;
	double h = fabs(t) / n, s = t_density(0, nu) + t_density(fabs(t), nu);

	for (int i = 1; i < n; i++)
		s += (i % 2 ? 4 : 2) * t_density(i * h, nu);
	return 1 - 2 * (s * h / 3);
}

static double
var(const double *x, size_t n, double m)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += (x[i] - m) * (x[i] - m);
	return s / (double)(n - 1);
}

/* Welch: t and dof from the textbook formulas, p from the integral. */
static void
check_welch(const double *a, size_t na, const double *b, size_t nb)
{
	double ma = 0, mb = 0, p;

	for (size_t i = 0; i < na; i++)
		ma += a[i] / (double)na;
	for (size_t i = 0; i < nb; i++)
		mb += b[i] / (double)nb;
	double sa = var(a, na, ma) / (double)na,
	       sb = var(b, nb, mb) / (double)nb;
	double t = (ma - mb) / sqrt(sa + sb);
	double nu = (sa + sb) * (sa + sb) /
		    (sa * sa / (double)(na - 1) + sb * sb / (double)(nb - 1));
	assert_int_equal(cstat__v1_welch(a, na, b, nb, &p), CSTAT__V1_OK);
	assert_close(p, t_two_sided(t, nu), 1e-6);
}

static void
test_welch_p_values(void **state)
{
	/* v1-edge-ttest's inputs: the expectation prints p=0.025. */
	const double a[] = {1, 1, 2, 2, 3, 3, 3, 4, 5, 5};
	const double b[] = {2, 3, 3, 4, 4, 5, 6, 6, 6, 7};
	const double c[] = {10.5, 11.2, 9.8, 10.1};
	const double d[] = {12.0, 12.4, 11.1, 13.3, 12.9, 11.8};
	double p;
	char txt[16];
	(void)state;

	check_welch(a, LEN(a), b, LEN(b));
	check_welch(c, LEN(c), d, LEN(d));
	check_welch(d, LEN(d), c, LEN(c));
	assert_int_equal(cstat__v1_welch(a, LEN(a), b, LEN(b), &p), 0);
	snprintf(txt, sizeof(txt), "%.3f", p);
	assert_string_equal(txt, "0.025");
	/* Equal means: t = 0, p = 1. */
	const double e[] = {1, 3}, f[] = {2, 2, 2};
	assert_int_equal(cstat__v1_welch(e, 2, f, 3, &p), 0);
	assert_same(p, 1);
}

static void
test_welch_refusals(void **state)
{
	const double one[] = {5}, two[] = {1, 2}, same[] = {3, 3, 3};
	double p = -1;
	(void)state;

	assert_int_equal(cstat__v1_welch(one, 1, two, 2, &p),
			 CSTAT__V1_TOO_FEW);
	assert_int_equal(cstat__v1_welch(two, 2, one, 1, &p),
			 CSTAT__V1_TOO_FEW);
	assert_int_equal(cstat__v1_welch(same, 3, same, 3, &p),
			 CSTAT__V1_ZERO_VAR);
	/* One zero variance is fine. */
	assert_int_equal(cstat__v1_welch(same, 3, two, 2, &p), CSTAT__V1_OK);
}

/* Significant iff p < alpha, strictly; alpha 0 means 0.05. */
static void
test_alpha_rule(void **state)
{
	(void)state;

	assert_same(cstat__v1_alpha(0), 0.05);
	assert_same(cstat__v1_alpha(0.01), 0.01);
	assert_true(cstat__v1_significant(0.049, 0));
	assert_false(cstat__v1_significant(0.05, 0));
	assert_false(cstat__v1_significant(0.05, 0.05));
	assert_true(cstat__v1_significant(0.009, 0.01));
	assert_false(cstat__v1_significant(0.02, 0.01));
	/* With -delta-test none p is -1: everything is shown. */
	assert_true(cstat__v1_significant(-1, 0));
}

/* The old scaler and metric names (v1-upstream-example, v1-edge-custom). */
static void
test_scaler_and_metrics(void **state)
{
	char buf[64];
	(void)state;

	cstat__v1_scale(13599100, "ns/op", 13599100, buf, sizeof(buf));
	assert_string_equal(buf, "13.6ms");
	cstat__v1_scale(56.44, "MB/s", 56.44, buf, sizeof(buf));
	assert_string_equal(buf, "56.4MB/s");
	cstat__v1_scale(1234567, "size-B", 1234567, buf, sizeof(buf));
	assert_string_equal(buf, "1.23M");
	cstat__v1_scale(13.6, "quick-bytes", 13.6, buf, sizeof(buf));
	assert_string_equal(buf, "13.6B");
	cstat__v1_scale(7.5, "user-ns/op", 7.5, buf, sizeof(buf));
	assert_string_equal(buf, "7.50ns");
	cstat__v1_metric_of("ns/op", buf, sizeof(buf));
	assert_string_equal(buf, "time/op");
	cstat__v1_metric_of("user-ns/op", buf, sizeof(buf));
	assert_string_equal(buf, "user-time/op");
	cstat__v1_metric_of("B/op", buf, sizeof(buf));
	assert_string_equal(buf, "alloc/op");
	cstat__v1_metric_of("MB/s", buf, sizeof(buf));
	assert_string_equal(buf, "speed");
	cstat__v1_metric_of("allocs/op", buf, sizeof(buf));
	assert_string_equal(buf, "allocs/op");
}

/* Through the public API: v1-edge-sortname's inputs, with one malformed
 * line and a dangling token that must change nothing. */
static void
test_api_compare(void **state)
{
	const char *a =
		"goos: linux\n"
		"BenchmarkB-8 100 20 ns/op\nBenchmarkB-8 100 21 ns/op\n"
		"BenchmarkB-8 100 22 ns/op\nBenchmarkB-8 100 20 ns/op\n"
		"BenchmarkB-8 100 21 ns/op\nBenchmarkB-8 100 22 ns/op 9\n"
		"BenchmarkB-8 abc 99 ns/op\n";
	const char *b =
		"goos: linux\n"
		"BenchmarkB-8 100 30 ns/op\nBenchmarkB-8 100 31 ns/op\n"
		"BenchmarkB-8 100 32 ns/op\nBenchmarkB-8 100 30 ns/op\n"
		"BenchmarkB-8 100 31 ns/op\nBenchmarkB-8 100 32 ns/op\n";
	const char *want =
		"name  old time/op  new time/op  delta\n"
		"B-8   21.0ns \u00b1 5%  31.0ns \u00b1 3%  +47.62%  (p=0.002 "
		"n=6+6)\n";
	struct cstat_v1_opts o = {CSTAT_V1_UTEST, 0, false, NULL,
				  CSTAT_V1_SORT_NONE};
	cstat_v1 *c;
	char *out = NULL;
	size_t len = 0;
	(void)state;

	assert_int_equal(cstat_v1_new(&c, &o), 0);
	assert_int_equal(cstat_v1_add_mem(c, "a.txt", a, strlen(a)), 0);
	assert_int_equal(cstat_v1_add_mem(c, "b.txt", b, strlen(b)), 0);
	FILE *f = open_memstream(&out, &len);
	assert_non_null(f);
	assert_int_equal(cstat_v1_write(c, CSTAT_V1_TEXT, false, f), 0);
	fclose(f);
	assert_string_equal(out, want);
	free(out);
	assert_int_equal(cstat_v1_write(c, 99, false, stdout), CSTAT_EINVAL);
	cstat_v1_free(c);
	cstat_v1_free(NULL);
}

static void
test_parse_names(void **state)
{
	(void)state;

	assert_int_equal(cstat_v1_test_parse("UTest"), CSTAT_V1_UTEST);
	assert_int_equal(cstat_v1_test_parse("t-test"), CSTAT_V1_TTEST);
	assert_int_equal(cstat_v1_test_parse("none"), CSTAT_V1_NOTEST);
	assert_int_equal(cstat_v1_test_parse("z"), CSTAT_EINVAL);
	assert_int_equal(cstat_v1_sort_parse("-Delta"),
			 CSTAT_V1_SORT_DELTA_DESC);
	assert_int_equal(cstat_v1_sort_parse("name"), CSTAT_V1_SORT_NAME);
	assert_int_equal(cstat_v1_sort_parse("size"), CSTAT_EINVAL);
}

/* splitmix64, for the text of the thread test: a fixed sequence. */
static uint64_t
next_u64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/*
 * About 480 kB of results, three of the reader's 128 KiB batches, with
 * what changes state between lines: packages changing mid-file (groups),
 * a blank line, CRLF, a benchmark coming back after others (its arrays
 * grow), two values of one unit on a line, a line of over 64 fields, an
 * unreadable value, a non-ASCII space, a result without iterations; and
 * 4,200 benchmarks in runs of two lines, so that the tables are large
 * enough for their statistics to be shared between two threads.
 */
static char *
thread_text(uint64_t seed, size_t *len)
{
	char *text = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	assert_non_null(f);
	fputs("goos: linux\n\npkg: a\n", f);
	for (int i = 0; i < 12000; i++) {
		uint64_t r = next_u64(&seed);
		int bench = i / 2 % 4200;
		if (i % 997 == 0)
			fprintf(f, "pkg: %c\n", "abc"[i / 997 % 3]);
		if (i % 1511 == 0)
			fputs("BenchmarkDup 10 5 ns/op 6 ns/op 7 B/op\n", f);
		if (i % 4099 == 0) {
			fputs("BenchmarkLong 1", f);
			for (int k = 0; k < 40; k++)
				fprintf(f, " %d u%d", k, k % 3);
			fputs("\n", f);
		}
		if (i % 3001 == 0)
			fputs("BenchmarkOdd\u00a010 x ns/op 3 ns/op\n"
			      "BenchmarkZero 0 1 ns/op\n",
			      f);
		fprintf(f, "BenchmarkN%d-8\t%d\t%.1f ns/op\t%d B/op%s\n", bench,
			100 + (int)(r % 7), 50 + (double)(r % 1000) / 10,
			(int)(r >> 20) % 64, i % 5 == 0 ? "\r" : "");
	}
	fclose(f);
	*len = n;
	return text;
}

/* What reading the two texts gives, as text then CSV: by files on
 * threads threads, or from memory when threads is -1. */
static char *
thread_run(const char *a, size_t alen, const char *b, size_t blen, int threads)
{
	struct cstat_v1_opts o = CSTAT_V1_OPTS_INIT;
	cstat_v1 *c;
	char *out = NULL;
	size_t len = 0;

	o.geomean = true;
	assert_int_equal(cstat_v1_new(&c, &o), 0);
	if (threads < 0) {
		assert_int_equal(cstat_v1_add_mem(c, "a", a, alen), 0);
		assert_int_equal(cstat_v1_add_mem(c, "b", b, blen), 0);
	} else {
		char *pa = temp_file(a, alen), *pb = temp_file(b, blen);
		assert_int_equal(cstat_v1_set_threads(c, (unsigned)threads), 0);
		assert_int_equal(cstat_v1_add_file(c, pa, NULL), 0);
		assert_int_equal(cstat_v1_add_file(c, pb, NULL), 0);
		unlink(pa);
		unlink(pb);
		free(pa);
		free(pb);
	}
	FILE *f = open_memstream(&out, &len);
	assert_non_null(f);
	assert_int_equal(cstat_v1_write(c, CSTAT_V1_TEXT, false, f), 0);
	assert_int_equal(cstat_v1_write(c, CSTAT_V1_CSV, false, f), 0);
	fclose(f);
	cstat_v1_free(c);
	return out;
}

/* Reading ahead on a second thread, on one, or from memory gives the same
 * bytes in text and CSV (HTML names the files, which differ here). */
static void
test_threads_same_output(void **state)
{
	size_t alen, blen;
	char *a = thread_text(1, &alen), *b = thread_text(2, &blen);

	(void)state;
	assert_true(alen > 3 * 128 * 1024);
	char *one = thread_run(a, alen, b, blen, 1);
	char *two = thread_run(a, alen, b, blen, 2);
	char *mem = thread_run(a, alen, b, blen, -1);
	assert_string_equal(one, two);
	assert_string_equal(one, mem);
	/* Two tables of over 4,096 rows (the size that takes two threads),
	 * in each format; the groups and the geomean rows made it. */
	assert_true(count_in(one, "\nN") > 4 * 4096);
	assert_true(count_in(one, "pkg:b") >= 4 && count_in(one, "pkg:c") >= 4);
	assert_true(count_in(one, "[Geo mean]") >= 4);
	free(one);
	free(two);
	free(mem);
	free(a);
	free(b);
	assert_int_equal(cstat_v1_set_threads(NULL, 2), CSTAT_EINVAL);
}

/* Text, CSV and every metric's value bits of reading a, then b, by
 * files on two threads, with the reader's fast path on or off. */
static char *
fast_run(const char *a, const char *b, bool fast)
{
	cstat_v1 *c;
	char *out = NULL, *pa = temp_file(a, strlen(a)),
	     *pb = temp_file(b, strlen(b));
	size_t len = 0;

	assert_int_equal(cstat_v1_new(&c, NULL), 0);
	assert_int_equal(cstat_v1_set_threads(c, 2), 0);
	cstat__v1_set_fast(c, fast);
	assert_int_equal(cstat_v1_add_file(c, pa, NULL), 0);
	assert_int_equal(cstat_v1_add_file(c, pb, NULL), 0);
	FILE *f = open_memstream(&out, &len);
	assert_non_null(f);
	assert_int_equal(cstat_v1_write(c, CSTAT_V1_TEXT, false, f), 0);
	assert_int_equal(cstat_v1_write(c, CSTAT_V1_CSV, false, f), 0);
	for (size_t i = 0; i < c->nm; i++)
		for (uint32_t k = 0; k < c->m[i].n; k++)
			fprintf(f, "%a\n", cstat__v1_metric_value(&c->m[i], k));
	fclose(f);
	cstat_v1_free(c);
	unlink(pa);
	unlink(pb);
	free(pa);
	free(pb);
	return out;
}

/*
 * The reader's fast path (lines split 64 bytes at a time, plain decimals
 * read as one division) reads what the general path reads: values of
 * every form the fuzz target's seeds hold (tests/fuzz/gen-corpus-v1.py),
 * in lines of 62 to 193 bytes (a field across the 64-byte block), with
 * CRLF, a Unicode space and 64 fields.
 */
static void
test_fast_path_same(void **state)
{
	static const char *const vals[] = {
		"1.",	      ".5",	     "1e3",	     "2147483648",
		"999999999",  "1234567890",  "0.1234567891", "12345.6789",
		"123456789.", "1.23456789",  "+1.5",	     "-1.5",
		"0x10",	      "00000000001", "-0",	     "4294967296"};
	char a[1024], b[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		for (int pad = 0; pad < 140; pad += 7) {
			snprintf(a, sizeof(a),
				 "pkg: p\n\nBenchmarkV-8 %*d %s ns/op %s "
				 "B/op\r\nBenchmarkV-8 10 %s ns/op 1 B/op\n",
				 pad + 2, 10, vals[i], vals[i], vals[i]);
			snprintf(b, sizeof(b),
				 "pkg: p\n\nBenchmarkV-8 10 3 ns/op 2 B/op\n"
				 "BenchmarkV-8\xc2\xa0"
				 "10 %s ns/op\n%.*s\n",
				 vals[i], pad, a);
			char *fast = fast_run(a, b, true);
			char *slow = fast_run(a, b, false);
			assert_string_equal(fast, slow);
			assert_non_null(strstr(fast, "V-8"));
			free(fast);
			free(slow);
		}
	/* 64, 65 and 63 fields: past the longest line of the run path, and
	 * the longest, its last value dangling. */
	strcpy(a, "BenchmarkM-4 3");
	for (int k = 0; k < 31; k++)
		snprintf(a + strlen(a), sizeof(a) - strlen(a), " %d.5 u%d", k,
			 k);
	snprintf(b, sizeof(b), "%s\n%s 7\n%.*s\n", a, a, (int)strlen(a) - 4, a);
	char *fast = fast_run(b, b, true), *slow = fast_run(b, b, false);
	assert_string_equal(fast, slow);
	assert_non_null(strstr(fast, "30.5 ± 0%"));
	free(fast);
	free(slow);
}

/* A comparison of one benchmark named by name, in both files. */
static cstat_v1 *
one_bench(const char *name)
{
	struct cstat_v1_opts o = CSTAT_V1_OPTS_INIT;
	cstat_v1 *c;
	char text[128];

	snprintf(text, sizeof(text),
		 "Benchmark%s\t1\t5 ns/op\nBenchmark%s\t1\t6 ns/op\n", name,
		 name);
	assert_int_equal(cstat_v1_new(&c, &o), 0);
	assert_int_equal(cstat_v1_add_mem(c, "a", text, strlen(text)), 0);
	assert_int_equal(cstat_v1_add_mem(c, "b", text, strlen(text)), 0);
	return c;
}

/*
 * Old benchstat wrote its CSV with Go's encoding/csv, whose
 * Writer.fieldNeedsQuotes quotes a field that is exactly `\.` (since Go
 * 1.10: alone on a line it ends PostgreSQL's COPY).  Other names with a
 * backslash stay bare, and a name with a quote is quoted, quote doubled.
 */
static void
test_csv_quotes_as_go(void **state)
{
	static const struct {
		const char *name, *field;
	} cases[] = {
		{"\\.", "\"\\.\""},
		{"\\.x", "\\.x"},
		{"a\\", "a\\"},
		{"q\"x", "\"q\"\"x\""},
	};
	(void)state;
	for (size_t i = 0; i < LEN(cases); i++) {
		cstat_v1 *c = one_bench(cases[i].name);
		char *out = NULL, want[64];
		size_t len = 0;
		FILE *f = open_memstream(&out, &len);
		assert_non_null(f);
		assert_int_equal(cstat_v1_write(c, CSTAT_V1_CSV, false, f), 0);
		fclose(f);
		snprintf(want, sizeof(want), "\n%s,5.50000E+00,9%%,",
			 cases[i].field);
		assert_non_null(strstr(out, want));
		free(out);
		cstat_v1_free(c);
	}
}

/* The text of collection c, written by the -v1 text writer. */
static char *
text_of(cstat_v1 *c)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(cstat_v1_write(c, CSTAT_V1_TEXT, false, f), 0);
	fclose(f);
	return out;
}

/*
 * Writing frees the lookup tables of metrics and benchmarks (they are
 * rebuilt when more input comes): input added after a write lands in the
 * metrics it would have without the write in between, so the second
 * write prints what one write at the end does, and no benchmark or
 * metric appears twice.
 */
static void
test_add_after_write(void **state)
{
	static const char a[] = "BenchmarkA 1 10 ns/op 4 B/op\n"
				"BenchmarkB 1 20 ns/op\n";
	static const char b[] = "BenchmarkB 1 30 ns/op\n"
				"BenchmarkA 1 12 ns/op 4 B/op\n"
				"BenchmarkC 1 5 ns/op\n";
	struct cstat_v1_opts o = CSTAT_V1_OPTS_INIT;
	cstat_v1 *once, *twice;

	(void)state;
	assert_int_equal(cstat_v1_new(&once, &o), 0);
	assert_int_equal(cstat_v1_new(&twice, &o), 0);
	assert_int_equal(cstat_v1_add_mem(once, "a", a, strlen(a)), 0);
	assert_int_equal(cstat_v1_add_mem(once, "b", b, strlen(b)), 0);
	assert_int_equal(cstat_v1_add_mem(twice, "a", a, strlen(a)), 0);
	free(text_of(twice));
	assert_int_equal(cstat_v1_add_mem(twice, "b", b, strlen(b)), 0);
	/* And the same file name again: its values join the first's. */
	assert_int_equal(cstat_v1_add_mem(once, "b", a, strlen(a)), 0);
	free(text_of(twice));
	assert_int_equal(cstat_v1_add_mem(twice, "b", a, strlen(a)), 0);
	char *want = text_of(once), *got = text_of(twice);
	assert_string_equal(want, got);
	/* Hand-checked: three benchmarks, each a row of each of the two
	 * tables (with three files, rows without values are kept), and b's
	 * second reading joined to its first: A's mean in b is 11.0ns. */
	assert_int_equal(count_in(got, "\nA "), 2);
	assert_int_equal(count_in(got, "\nB\n") + count_in(got, "\nB "), 2);
	assert_int_equal(count_in(got, "\nC"), 2);
	assert_non_null(strstr(got, "11.0ns \u00b1 9%"));
	free(want);
	free(got);
	cstat_v1_free(once);
	cstat_v1_free(twice);
}

/* How many of c's metrics keep their values as one mantissa. */
static size_t
count_same(const cstat_v1 *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->nm; i++)
		n += (c->m[i].flags & CSTAT__V1_SAME) != 0;
	return n;
}

/*
 * A run whose value never changes (a run's B/op or allocs/op, mostly) is
 * kept once with its count; the same values read one line at a time (the
 * runs interleaved, so each is one line long) are kept one by one.  Both
 * print the same tables, in every format, including a metric whose kept
 * value is spread out when a later run brings another.
 */
static void
test_same_runs_kept_once(void **state)
{
	static const char *lines[2][7] = {
		{"BenchmarkA 1 10.5 ns/op 64 B/op 3 allocs/op\n",
		 "BenchmarkA 1 11.5 ns/op 64 B/op 3 allocs/op\n",
		 "BenchmarkA 1 10.0 ns/op 64 B/op 3 allocs/op\n",
		 "BenchmarkA 1 12.5 ns/op 64 B/op 3 allocs/op\n",
		 "BenchmarkA 1 11.0 ns/op 80 B/op 3 allocs/op\n",
		 "BenchmarkA 1 10.5 ns/op 80 B/op 3 allocs/op\n",
		 "BenchmarkA 1 10.5 ns/op 80 B/op 0.3 allocs/op\n"},
		{"BenchmarkB 1 7 ns/op 0 B/op 1 allocs/op\n",
		 "BenchmarkB 1 8 ns/op 0 B/op 2 allocs/op\n",
		 "BenchmarkB 1 7 ns/op 0 B/op 1 allocs/op\n",
		 "BenchmarkB 1 9 ns/op 0 B/op 2 allocs/op\n",
		 "BenchmarkB 1 7 ns/op 0 B/op 1 allocs/op\n",
		 "BenchmarkB 1 6 ns/op 0 B/op 3 allocs/op\n",
		 "BenchmarkB 1 7 ns/op 0 B/op 3 allocs/op\n"}};
	static const char b[] = "BenchmarkA 1 20 ns/op 64 B/op 4 allocs/op\n"
				"BenchmarkA 1 21 ns/op 64 B/op 4 allocs/op\n"
				"BenchmarkA 1 22 ns/op 64 B/op 4 allocs/op\n"
				"BenchmarkB 1 7 ns/op 8 B/op 1 allocs/op\n"
				"BenchmarkB 1 8 ns/op 8 B/op 1 allocs/op\n"
				"BenchmarkB 1 7 ns/op 8 B/op 1 allocs/op\n";
	static const enum cstat_v1_format formats[] = {
		CSTAT_V1_TEXT, CSTAT_V1_CSV, CSTAT_V1_HTML};
	struct cstat_v1_opts o = CSTAT_V1_OPTS_INIT;
	char grouped[1024] = "", apart[1024] = "";
	cstat_v1 *runs, *lines1;

	(void)state;
	/* grouped: A's first four lines, B's first six, A's next two (A's
	 * B/op joins a kept 64 with two 80s, its allocs/op a kept 3 with two
	 * more), B's last (joining B's kept 0 B/op) and A's last (0.3
	 * allocs/op: the kept mantissa 3, but not the same value); apart:
	 * the same values with A's and B's lines taking turns. */
	for (int i = 0; i < 4; i++)
		strcat(grouped, lines[0][i]);
	for (int i = 0; i < 6; i++)
		strcat(grouped, lines[1][i]);
	for (int i = 4; i < 6; i++)
		strcat(grouped, lines[0][i]);
	strcat(grouped, lines[1][6]);
	strcat(grouped, lines[0][6]);
	for (int i = 0; i < 7; i++) {
		strcat(apart, lines[0][i]);
		strcat(apart, lines[1][i]);
	}
	assert_int_equal(cstat_v1_new(&runs, &o), 0);
	assert_int_equal(cstat_v1_new(&lines1, &o), 0);
	assert_int_equal(cstat_v1_add_mem(runs, "a", grouped, strlen(grouped)),
			 0);
	assert_int_equal(cstat_v1_add_mem(runs, "b", b, strlen(b)), 0);
	assert_int_equal(cstat_v1_add_mem(lines1, "a", apart, strlen(apart)),
			 0);
	assert_int_equal(cstat_v1_add_mem(lines1, "b", b, strlen(b)), 0);
	/* Kept once: B's B/op in a, and A's B/op and allocs/op and B's B/op
	 * and allocs/op in b; A's B/op and allocs/op in a were spread out by
	 * their 80s and their 0.3. */
	assert_int_equal(count_same(runs), 5);
	assert_int_equal(count_same(lines1), 4);
	for (size_t i = 0; i < sizeof(formats) / sizeof(*formats); i++) {
		char *want = NULL, *got = NULL;
		size_t wlen = 0, glen = 0;
		FILE *fw = open_memstream(&want, &wlen);
		FILE *fg = open_memstream(&got, &glen);
		assert_non_null(fw);
		assert_non_null(fg);
		assert_int_equal(cstat_v1_write(lines1, formats[i], false, fw),
				 0);
		assert_int_equal(cstat_v1_write(runs, formats[i], false, fg),
				 0);
		fclose(fw);
		fclose(fg);
		assert_string_equal(want, got);
		free(want);
		free(got);
	}
	/* Hand-checked: A's B/op in a is (4 × 64 + 3 × 80) / 7; of its
	 * allocs/op the fences drop the 0.3, six 3s left. */
	char *text = text_of(runs);
	assert_non_null(strstr(text, "70.9B \u00b113%"));
	assert_non_null(strstr(text, "3.00 \u00b1 0%      4.00 \u00b1 0%  "
				     "+33.33%  (p=0.024 n=6+3)"));
	free(text);
	cstat_v1_free(runs);
	cstat_v1_free(lines1);
}

/* A write that fails (an unbuffered /dev/full fails the first fwrite)
 * is reported once, as CSTAT_EIO, by each format. */
static void
test_write_errors(void **state)
{
	static const enum cstat_v1_format formats[] = {
		CSTAT_V1_TEXT, CSTAT_V1_CSV, CSTAT_V1_HTML};
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (!f)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	cstat_v1 *c = one_bench("A");
	for (size_t i = 0; i < LEN(formats); i++)
		assert_int_equal(cstat_v1_write(c, formats[i], false, f),
				 CSTAT_EIO);
	cstat_v1_free(c);
	fclose(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trim_drops_outliers_keeps_order),
		cmocka_unit_test(test_trim_keeps_all_inside),
		cmocka_unit_test(test_trim_nan),
		cmocka_unit_test(test_mean_incremental),
		cmocka_unit_test(test_range_rule),
		cmocka_unit_test(test_welch_p_values),
		cmocka_unit_test(test_welch_refusals),
		cmocka_unit_test(test_alpha_rule),
		cmocka_unit_test(test_scaler_and_metrics),
		cmocka_unit_test(test_api_compare),
		cmocka_unit_test(test_parse_names),
		cmocka_unit_test(test_threads_same_output),
		cmocka_unit_test(test_fast_path_same),
		cmocka_unit_test(test_csv_quotes_as_go),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_add_after_write),
		cmocka_unit_test(test_same_runs_kept_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
