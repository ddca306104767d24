/*
 * test-reader.c - the Go benchmark format reader: results, configuration,
 * unit metadata, every syntax error, line endings, long lines, chunk
 * boundaries and the open/read failures.  Expected messages are benchstat's
 * (golang.org/x/perf's benchfmt/reader.go, Reader.Scan, and the
 * testdata/conformance cases edge-malformed and edge-weird, whose stderr
 * is benchstat's own).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#include "cstat.h"
#include "cstat-private.h"
#include "fuzz/fast-slow.h"

static cstat_reader *
reader_for(const char *text)
{
	cstat_reader *r;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open_mem(r, text, strlen(text), "t.txt"),
			 0);
	return r;
}

static const struct cstat_result *
next_result(cstat_reader *r)
{
	const struct cstat_result *res;
	struct cstat_diag d;

	assert_int_equal(cstat_reader_next(r, &res, &d), 1);
	return res;
}

static void
expect_error(cstat_reader *r, unsigned long line, const char *msg)
{
	const struct cstat_result *res;
	struct cstat_diag d;

	assert_int_equal(cstat_reader_next(r, &res, &d), CSTAT_ESYNTAX);
	assert_string_equal(d.file, "t.txt");
	assert_int_equal(d.line, line);
	assert_string_equal(d.message, msg);
}

static void
expect_end(cstat_reader *r)
{
	const struct cstat_result *res;
	struct cstat_diag d;

	assert_int_equal(cstat_reader_next(r, &res, &d), 0);
}

static void
test_reader_next_parses_values_and_tidies_units(void **state)
{
	(void)state;
	cstat_reader *r = reader_for(
		"BenchmarkEncode/format=json-48 1000 1718 ns/op 64 B/op "
		"2 allocs/op 5 MB/s\n");
	const struct cstat_result *res = next_result(r);

	assert_string_equal(res->name, "Encode/format=json-48");
	assert_int_equal(res->name_len, strlen("Encode/format=json-48"));
	assert_string_equal(res->file, "t.txt");
	assert_int_equal(res->line, 1);
	assert_int_equal(res->nvalues, 4);
	/* ns/op -> sec/op scaled by 1e-9 (benchunit.Tidy). */
	assert_string_equal(res->values[0].unit, "sec/op");
	assert_true(res->values[0].value == 1718 * 1e-9);
	assert_string_equal(res->values[0].orig_unit, "ns/op");
	assert_true(res->values[0].orig_value == 1718);
	assert_string_equal(res->values[1].unit, "B/op");
	assert_true(res->values[1].value == 64);
	assert_string_equal(res->values[2].unit, "allocs/op");
	/* MB/s -> B/s scaled by 1e6. */
	assert_string_equal(res->values[3].unit, "B/s");
	assert_true(res->values[3].value == 5e6);
	expect_end(r);
	cstat_reader_free(r);
}

static void
test_reader_next_keeps_unit_of_zero_and_inf(void **state)
{
	(void)state;
	/* The tidyVal == val quirk: 0 and +Inf stay in ns/op. */
	cstat_reader *r = reader_for("BenchmarkZ 1 0 ns/op +Inf ns/op "
				     "NaN ns/op\n");
	const struct cstat_result *res = next_result(r);

	assert_string_equal(res->values[0].unit, "ns/op");
	assert_string_equal(res->values[1].unit, "ns/op");
	assert_string_equal(res->values[2].unit, "sec/op");
	cstat_reader_free(r);
}

static void
test_reader_next_tracks_configuration(void **state)
{
	(void)state;
	cstat_reader *r = reader_for("goos: linux\n"
				     "goarch:\tamd64\n"
				     "pkg: a\n"
				     "BenchmarkA 1 1 ns/op\n"
				     "goos: darwin\n"
				     "pkg:\n"
				     "nospace:value\n"
				     "Upper: x\n"
				     "BenchmarkB 1 1 ns/op\n");
	const struct cstat_result *res = next_result(r);
	unsigned long v1 = res->config_version;

	assert_int_equal(res->nconfig, 3);
	assert_string_equal(res->config[0].key, "goos");
	assert_string_equal(res->config[0].value, "linux");
	assert_string_equal(res->config[1].key, "goarch");
	assert_string_equal(res->config[1].value, "amd64");
	assert_string_equal(res->config[2].value, "a");
	assert_string_equal(res->config_text,
			    "goos: linux\ngoarch: amd64\npkg: a\n");
	assert_int_equal(res->config_text_len, strlen(res->config_text));
	res = next_result(r);
	assert_string_equal(res->config_text, "goos: darwin\ngoarch: amd64\n");
	/* A value is replaced in place; an empty value deletes the key. */
	assert_int_equal(res->nconfig, 2);
	assert_string_equal(res->config[0].value, "darwin");
	assert_string_equal(res->config[1].key, "goarch");
	assert_true(res->config_version != v1);
	cstat_reader_free(r);
}

static void
test_reader_open_resets_configuration_not_units(void **state)
{
	(void)state;
	const char *a = "goos: linux\nUnit ns/op assume=exact\n"
			"BenchmarkA 1 1 ns/op\n";
	const char *b = "BenchmarkB 1 1 ns/op\n";
	cstat_reader *r;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open_mem(r, a, strlen(a), "a"), 0);
	assert_int_equal(next_result(r)->nconfig, 1);
	assert_int_equal(cstat_reader_open_mem(r, b, strlen(b), "b"), 0);
	const struct cstat_result *res = next_result(r);
	assert_int_equal(res->nconfig, 0);
	assert_string_equal(res->file, "b");
	/* Unit metadata is keyed by the tidied unit and outlives the file. */
	assert_string_equal(cstat_reader_unit_meta(r, "sec/op", "assume"),
			    "exact");
	assert_null(cstat_reader_unit_meta(r, "ns/op", "assume"));
	cstat_reader_free(r);
}

static void
test_reader_next_reports_each_malformed_line(void **state)
{
	(void)state;
	/* The lines of the edge-malformed conformance case. */
	cstat_reader *r =
		reader_for("BenchmarkNameOnly\n"
			   "BenchmarkBadIters abc 100 ns/op\n"
			   "BenchmarkNoMeasure 10\n"
			   "BenchmarkNoUnit 10 100\n"
			   "BenchmarkBadValue 10 abc ns/op\n"
			   "BenchmarkHalfPair 10 100 ns/op 200\n"
			   "Unit ns/op foo =x\n"
			   "Unit\n"
			   "Unit B/op better=lower\n"
			   "Unit B/op better=higher\n"
			   "BenchmarkTrail \n"
			   "BenchmarkBig 99999999999999999999 1 ns/op\n"
			   "BenchmarkHex 1 0x10 ns/op\n"
			   "Benchmark 10 100 ns/op\n");

	expect_error(r, 2, "parsing iteration count: invalid syntax");
	expect_error(r, 3, "missing measurements");
	expect_error(r, 4, "missing units");
	expect_error(r, 5, "parsing measurement: invalid syntax");
	expect_error(r, 6, "missing units");
	/* Two errors on one line come one per call. */
	expect_error(r, 7, "expected key=value");
	expect_error(r, 7, "expected key=value");
	expect_error(r, 8, "missing unit");
	expect_error(r, 10,
		     "metadata better of unit B/op already set to lower");
	expect_error(r, 11, "missing iteration count");
	expect_error(r, 12, "parsing iteration count: value out of range");
	expect_error(r, 13, "parsing measurement: invalid syntax");
	/* An empty name is a result. */
	const struct cstat_result *res = next_result(r);
	assert_string_equal(res->name, "");
	assert_int_equal(res->line, 14);
	expect_end(r);
	cstat_reader_free(r);
}

static void
test_reader_next_accepts_go_number_syntax(void **state)
{
	(void)state;
	/* The edge-weird conformance case: Go's ParseFloat and Atoi. */
	cstat_reader *r = reader_for("BenchmarkE 1 1e3 ns/op\n"
				     "BenchmarkU 1 1_000 ns/op\n"
				     "BenchmarkP +5 10 ns/op\n"
				     "BenchmarkM -5 10 ns/op\n");

	assert_true(next_result(r)->values[0].orig_value == 1000);
	assert_true(next_result(r)->values[0].orig_value == 1000);
	assert_true(next_result(r)->values[0].orig_value == 10);
	assert_true(next_result(r)->values[0].orig_value == 10);
	expect_end(r);
	cstat_reader_free(r);
}

static void
test_reader_next_handles_crlf_and_missing_newline(void **state)
{
	(void)state;
	cstat_reader *r = reader_for("goos: linux\r\n"
				     "BenchmarkA 1 5 ns/op\r\n"
				     "BenchmarkB 1 6 B/op");
	const struct cstat_result *res = next_result(r);

	assert_string_equal(res->config[0].value, "linux");
	assert_string_equal(res->values[0].orig_unit, "ns/op");
	res = next_result(r);
	assert_string_equal(res->name, "B");
	assert_string_equal(res->values[0].unit, "B/op");
	expect_end(r);
	cstat_reader_free(r);
}

static void
test_reader_next_ignores_other_lines(void **state)
{
	(void)state;
	cstat_reader *r = reader_for("PASS\n"
				     "ok  \texample.com/m\t1.234s\n"
				     "  BenchmarkIndented 10 100 ns/op\n"
				     "random text\n"
				     "Units are fine\n"
				     "BenchmarkA 1 5 ns/op\n");

	assert_string_equal(next_result(r)->name, "A");
	expect_end(r);
	cstat_reader_free(r);
}

static void
test_reader_next_splits_on_unicode_space(void **state)
{
	(void)state;
	/* U+00A0 and U+3000 separate fields as Go's unicode.IsSpace says. */
	cstat_reader *r = reader_for("BenchmarkA\xc2\xa0"
				     "1\xe3\x80\x80"
				     "5 ns/op\n");
	const struct cstat_result *res = next_result(r);

	assert_string_equal(res->name, "A");
	assert_true(res->values[0].orig_value == 5);
	cstat_reader_free(r);
}

static void
test_reader_next_keeps_overlong_space_in_name(void **state)
{
	(void)state;
	/* E0 80 A0 is an overlong encoding of U+0020: Go decodes it as three
	 * invalid bytes, so it is part of the name, not a separator. */
	cstat_reader *r = reader_for("BenchmarkA\xe0\x80\xa0"
				     "B 1 5 ns/op\n");
	const struct cstat_result *res = next_result(r);

	assert_int_equal(res->name_len, 5);
	assert_memory_equal(res->name,
			    "A\xe0\x80\xa0"
			    "B",
			    5);
	cstat_reader_free(r);
}

static void
test_reader_next_reads_lines_longer_than_64k(void **state)
{
	(void)state;
	/* benchstat stops at 64 KiB; cstat reads a 1 MiB name. */
	size_t n = 1 << 20;
	char *text = malloc(n + 64);
	if (!text)
		fail();
	/* Built a byte at a time: GCC 12's -Warray-bounds misjudges a memset
	 * here under -fsanitize=address. */
	for (size_t i = 0; i < n + 9; i++)
		text[i] = i < 9 ? "Benchmark"[i] : 'x';
	strcpy(text + 9 + n, " 1 5 ns/op\n");
	char *path = temp_file(text, strlen(text));
	cstat_reader *r;
	struct cstat_diag d;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open(r, path, NULL, &d), 0);
	const struct cstat_result *res = next_result(r);
	assert_int_equal(res->name_len, n);
	assert_string_equal(res->file, path);
	expect_end(r);
	cstat_reader_free(r);
	unlink(path);
	free(path);
	free(text);
}

/*
 * A line over the ceiling ends the input (docs/security.md, "Inputs"):
 * lines before it are read, the error names the line, nothing follows.
 * A line of exactly the ceiling is read.
 */
static void
test_reader_next_stops_at_the_line_ceiling(void **state)
{
	(void)state;
	/* Line 2 is "Benchmark" and 5,000 x's: 5,009 bytes; then a line
	 * longer than the 256 KiB read chunk, unfinished. */
	size_t n = 5000, big = 300000;
	char *text = malloc(64 + n + big);
	if (!text)
		fail();
	strcpy(text, "BenchmarkA 1 5 ns/op\nBenchmark");
	size_t at = strlen(text);
	for (size_t i = 0; i < n; i++)
		text[at++] = 'x';
	strcpy(text + at, " 1 5 ns/op\n");
	at += strlen(text + at);
	for (size_t i = 0; i < big; i++)
		text[at++] = 'y';
	char *path = temp_file(text, at);
	cstat_reader *r;
	struct cstat_diag d;

	assert_int_equal(cstat_reader_new(&r), 0);
	/* 5,019 bytes (the whole line 2) fit exactly. */
	assert_int_equal(cstat_reader_set_limits(r, n + 19, 0), 0);
	assert_int_equal(cstat_reader_open(r, path, NULL, &d), 0);
	next_result(r);
	assert_int_equal(next_result(r)->name_len, n);
	const struct cstat_result *res;
	assert_int_equal(cstat_reader_next(r, &res, &d), CSTAT_EIO);
	assert_int_equal(d.line, 3);
	assert_string_equal(d.message, "line too long (over 5019 bytes)");
	/* One byte less: line 2 is over. */
	assert_int_equal(cstat_reader_set_limits(r, n + 18, 0), 0);
	assert_int_equal(cstat_reader_open(r, path, NULL, &d), 0);
	next_result(r);
	assert_int_equal(cstat_reader_next(r, &res, &d), CSTAT_EIO);
	assert_int_equal(d.line, 2);
	assert_int_equal(cstat_reader_set_limits(NULL, 1, 1), CSTAT_EINVAL);
	cstat_reader_free(r);
	unlink(path);
	free(path);
	free(text);
}

static void
test_reader_next_crosses_buffer_boundaries(void **state)
{
	(void)state;
	/* 100,000 lines: many reads, lines split across them. */
	size_t cap = 100000 * 40, len = 0;
	char *text = malloc(cap);
	if (!text)
		fail();
	for (int i = 0; i < 100000; i++)
		len += (size_t)sprintf(text + len, "BenchmarkN%d 1 %d ns/op\n",
				       i, i);
	char *path = temp_file(text, len);
	cstat_reader *r;
	struct cstat_diag d;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open(r, path, "label", &d), 0);
	for (int i = 0; i < 100000; i++) {
		char name[32];
		const struct cstat_result *res = next_result(r);
		sprintf(name, "N%d", i);
		assert_string_equal(res->name, name);
		assert_true(res->values[0].orig_value == i);
		assert_int_equal(res->line, (unsigned long)i + 1);
	}
	expect_end(r);
	cstat_reader_free(r);
	unlink(path);
	free(path);
	free(text);
}

static void
test_reader_open_reports_missing_file(void **state)
{
	(void)state;
	cstat_reader *r;
	struct cstat_diag d;
	char msg[600];

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open(r, "/nonexistent/x.txt", NULL, &d),
			 CSTAT_ENOENT);
	cstat_diag_format(&d, msg, sizeof(msg));
	assert_string_equal(
		msg, "open /nonexistent/x.txt: no such file or directory");
	cstat_reader_free(r);
}

static void
test_reader_next_reports_directory(void **state)
{
	(void)state;
	cstat_reader *r;
	const struct cstat_result *res;
	struct cstat_diag d;
	char msg[600];

	/* Opening a directory works; reading it fails, as in Go. */
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open(r, ".", NULL, &d), 0);
	assert_int_equal(cstat_reader_next(r, &res, &d), CSTAT_EISDIR);
	cstat_diag_format(&d, msg, sizeof(msg));
	assert_string_equal(msg, ".:0: read .: is a directory");
	cstat_reader_free(r);
}

static void
test_reader_next_without_file_is_a_state_error(void **state)
{
	(void)state;
	cstat_reader *r;
	const struct cstat_result *res;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_next(r, &res, NULL), CSTAT_ESTATE);
	cstat_reader_free(r);
	cstat_reader_free(NULL);
}

static void
test_reader_next_parses_decimals_exactly(void **state)
{
	(void)state;
	/*
	 * The reader's fast path for plain decimals must give the correctly
	 * rounded double that Go's ParseFloat (and glibc's strtod) gives.
	 * Every other line is at most 8 bytes (1 to 7 integer digits and a
	 * fraction that fits), which the fast path converts a word at a time;
	 * the others are longer and go digit by digit.
	 */
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	char *text = malloc(64 * 20000);
	size_t len = 0;
	double want[20000];

	if (!text)
		fail();
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		char num[40];
		int ip = (int)(x % 100000000), fd = (int)((x >> 30) % 12);
		unsigned long long fr = (x >> 8) % 1000000000000ULL;
		if (i % 2) {
			int k = 1 + (int)((x >> 50) % 7);
			ip = (int)(x % (unsigned long long)pow(10, k));
			fd = (int)((x >> 40) % (unsigned long long)(8 - k));
			if (snprintf(num, sizeof(num), "%d", ip) + fd + 1 > 8)
				fd = 0;
		}
		if (fd == 0)
			snprintf(num, sizeof(num), "%d", ip);
		else
			snprintf(num, sizeof(num), "%d.%0*llu", ip, fd,
				 fr % (unsigned long long)pow(10, fd));
		want[i] = strtod(num, NULL);
		len += (size_t)sprintf(text + len, "BenchmarkX 1 %s B/op\n",
				       num);
	}
	cstat_reader *r;
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open_mem(r, text, len, "t.txt"), 0);
	for (int i = 0; i < 20000; i++) {
		const struct cstat_result *res = next_result(r);
		if (res->values[0].value != want[i])
			fail_msg("line %d: got %.17g, want %.17g", i + 1,
				 res->values[0].value, want[i]);
	}
	cstat_reader_free(r);
	free(text);
}

/*
 * Unit metadata handed over directly (as the store hands a run's) means
 * what a "Unit" line means: the unit is tidied ("ns/op" is "sec/op"), the
 * same value again is no error, another one is refused naming the first
 * (the message of the Unit line's conflict above), and the first stays.
 */
static void
test_reader_add_unit_meta_is_a_unit_line(void **state)
{
	cstat_reader *r;
	struct cstat_diag d = {0};

	(void)state;
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat__reader_add_unit_meta(r, "ns/op", 5, "assume",
						     "exact", &d),
			 0);
	assert_string_equal(cstat_reader_unit_meta(r, "sec/op", "assume"),
			    "exact");
	/* Only len bytes of the unit count. */
	assert_int_equal(cstat__reader_add_unit_meta(r, "ns/op\tassume", 5,
						     "assume", "exact", &d),
			 0);
	assert_int_equal(cstat__reader_add_unit_meta(r, "ns/op", 5, "assume",
						     "nothing", &d),
			 CSTAT_ESYNTAX);
	assert_null(d.file);
	assert_int_equal(d.line, 0);
	assert_string_equal(
		d.message,
		"metadata assume of unit ns/op already set to exact");
	assert_string_equal(cstat_reader_unit_meta(r, "sec/op", "assume"),
			    "exact");
	/* Metadata kept so is kept across files, as a Unit line's is. */
	assert_int_equal(cstat_reader_open_mem(r, "", 0, "next"), 0);
	assert_string_equal(cstat_reader_unit_meta(r, "sec/op", "assume"),
			    "exact");
	cstat_reader_free(r);
}

/* splitmix64 (Steele, Lea and Flood 2014): the test's own generator. */
static uint64_t
mix_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const char *
pick(uint64_t *s, const char *const *from, size_t n)
{
	return from[mix_next(s) % n];
}

/*
 * The fast path for Go text and the general one hand out the same results
 * and errors (fast-slow.h), on lines made of the pieces that decide which
 * path takes a line and what it says: separators (ASCII, Unicode and
 * vertical spaces, CR), counts and values in every syntax benchfmt
 * accepts or refuses, long units and names, lines around 256 bytes.  A
 * fixed seed (1), 20,000 lines, then again with a 64-byte line ceiling.
 */
static void
test_reader_fast_path_matches_general_path(void **state)
{
	static const char *const seps[] = {
		" ",	"\t",	    "  \t ",	    "\v",	 "\f",
		" \r ", "\xc2\xa0", "\xe2\x80\x83", " \xc2\x85 "};
	static const char *const names[] = {
		"Foo",
		"Foo/bar=1-8",
		"X",
		"",
		"a\xc3\xa9"
		"b",
		"Name:colon",
		"\x7f\x01",
		"Long/sub=benchmark/with/many/parts/and/more/parts/still-16"};
	static const char *const counts[] = {"1",
					     "15640479",
					     "+5",
					     "0x10",
					     "-1",
					     "00",
					     "12a",
					     "123456789012345678",
					     "1234567890123456789",
					     "99999999999999999999"};
	static const char *const values[] = {"63.9",
					     "0",
					     "8",
					     "1.5e3",
					     ".5",
					     "5.",
					     "NaN",
					     "-inf",
					     "1_000",
					     "0x1p3",
					     "123456789012345",
					     "1234567890123456",
					     "1e400",
					     "00000000000000001.5",
					     "0.000000000000001",
					     "1.2.3",
					     "-",
					     "12345678901234567890",
					     "3.14159265358979",
					     "9007199254740993"};
	static const char *const units[] = {
		"ns/op",       "B/op",	      "allocs/op",
		"MB/s",	       "12345678/op", "a-very-long-unit-name/op",
		"\xc3\xa9/op", "sec/op"};
	static const char *const ends[] = {"\n", "\r\n", "\n", " \n"};
	uint64_t seed = 1;
	size_t cap = 20000 * 400, len = 0;
	char *text = malloc(cap);

	(void)state;
	assert_non_null(text);
	for (int i = 0; i < 20000; i++) {
		uint64_t kind = mix_next(&seed) % 16;
		if (kind == 0) {
			len += (size_t)sprintf(text + len, "key%d: v%s%d\n",
					       i % 7, pick(&seed, seps, 9), i);
			continue;
		}
		if (kind == 1) {
			len += (size_t)sprintf(text + len, "Unit %s%sk=%d\n",
					       pick(&seed, units, 8),
					       pick(&seed, seps, 9), i % 3);
			continue;
		}
		len += (size_t)sprintf(
			text + len, "Benchmark%s%s%s", pick(&seed, names, 8),
			pick(&seed, seps, 9), pick(&seed, counts, 10));
		int nv = (int)(mix_next(&seed) % 5);
		for (int k = 0; k < nv; k++)
			len += (size_t)sprintf(
				text + len, "%s%s%s%s", pick(&seed, seps, 9),
				pick(&seed, values, 20), pick(&seed, seps, 9),
				pick(&seed, units, 8));
		if (mix_next(&seed) % 8 == 0)
			len += (size_t)sprintf(text + len, " trailing");
		if (mix_next(&seed) % 10 == 0) {
			/* Around the fast path's longest line. */
			int pad = 180 + (int)(mix_next(&seed) % 100);
			len += (size_t)sprintf(text + len, "%*s1 ns/op", pad,
					       "");
		}
		len += (size_t)sprintf(text + len, "%s", pick(&seed, ends, 4));
	}
	long n = fast_slow_compare(text, len, 0);
	assert_true(n > 1000); /* results, not only errors */
	assert_true(fast_slow_compare(text, len, 64) >= 0);
	free(text);
}

/*
 * The fast path takes a line's field bounds from the line before when
 * both have the same length and space marks (Go pads its columns).  Lines
 * of one length whose fields moved, and a short line whose first 64 bytes
 * mark the same as a long one's, must be split afresh: each pair here
 * would be read wrongly (a unit with a space in it, a value or pair too
 * many) if only the length or only the marks were compared.
 */
static void
test_reader_fast_path_splits_each_shape(void **state)
{
	static const char text[] =
		"BenchmarkA 1 5 xy\n"
		"BenchmarkA 1 5x y\n" /* moved: an error, not the unit " y" */
		"BenchmarkA 2 7 xy\n" /* the same shape again: 7 xy */
		"BenchmarkA 1 5 xy"   /* and spaces to byte 64 */
		"                                               9 z\n"
		"BenchmarkA 1 5 xy\n" /* its first word marks as the long one's
				       */
		/* (What the long line's bounds would find after it.) */
		"n:                                            9 z\n"
		"BenchmarkB  3  4 ns/op\n"
		"BenchmarkB 3 4  ns/op \n"
		"BenchmarkB 3 4 ns/op\n";
	static const struct {
		const char *name;
		size_t nvalues;
		double first;
	} want[] = {{"A", 1, 5}, {"A", 1, 7}, {"A", 2, 5}, {"A", 1, 5},
		    {"B", 1, 4}, {"B", 1, 4}, {"B", 1, 4}};
	cstat_reader *r;
	const struct cstat_result *res;
	struct cstat_diag d;
	size_t got = 0, errors = 0;
	int rc;

	(void)state;
	assert_true(fast_slow_compare(text, sizeof(text) - 1, 0) == 7);
	/* And what they read to, padded as fast_slow_compare() pads. */
	char in[sizeof(text) + 301];
	memcpy(in, text, sizeof(text) - 1);
	memset(in + sizeof(text) - 1, ' ', 301);
	in[sizeof(in) - 1] = '\n';
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open_mem(r, in, sizeof(in), "in.txt"), 0);
	while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
		if (rc == CSTAT_ESYNTAX) {
			assert_int_equal(d.line, 2);
			errors++;
			continue;
		}
		assert_int_equal(rc, 1);
		assert_true(got < 7);
		assert_string_equal(res->name, want[got].name);
		assert_int_equal(res->nvalues, want[got].nvalues);
		assert_true(res->values[0].orig_value == want[got].first);
		got++;
	}
	assert_int_equal(got, 7);
	assert_int_equal(errors, 1);
	cstat_reader_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_reader_next_parses_values_and_tidies_units),
		cmocka_unit_test(test_reader_next_keeps_unit_of_zero_and_inf),
		cmocka_unit_test(test_reader_next_tracks_configuration),
		cmocka_unit_test(
			test_reader_open_resets_configuration_not_units),
		cmocka_unit_test(test_reader_next_reports_each_malformed_line),
		cmocka_unit_test(test_reader_next_accepts_go_number_syntax),
		cmocka_unit_test(test_reader_next_parses_decimals_exactly),
		cmocka_unit_test(
			test_reader_next_handles_crlf_and_missing_newline),
		cmocka_unit_test(test_reader_next_ignores_other_lines),
		cmocka_unit_test(test_reader_next_splits_on_unicode_space),
		cmocka_unit_test(test_reader_next_keeps_overlong_space_in_name),
		cmocka_unit_test(test_reader_next_reads_lines_longer_than_64k),
		cmocka_unit_test(test_reader_next_stops_at_the_line_ceiling),
		cmocka_unit_test(test_reader_next_crosses_buffer_boundaries),
		cmocka_unit_test(test_reader_fast_path_matches_general_path),
		cmocka_unit_test(test_reader_fast_path_splits_each_shape),
		cmocka_unit_test(test_reader_open_reports_missing_file),
		cmocka_unit_test(test_reader_next_reports_directory),
		cmocka_unit_test(
			test_reader_next_without_file_is_a_state_error),
		cmocka_unit_test(test_reader_add_unit_meta_is_a_unit_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
