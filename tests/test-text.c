/*
 * test-text.c - UTF-8 and text (lib/text.c, text.h): decoding as Go's
 * utf8.DecodeRune, white space as Go's unicode.IsSpace, code points and
 * terminal columns, invalid bytes replaced, the Markdown escape of a byte,
 * the spreadsheet-formula test of a CSV field, the truncating copy and
 * trimming.
 *
 * Expected values come from Go's documentation and tests (unicode/utf8:
 * DecodeRune returns (RuneError, 1) for an invalid, overlong, surrogate
 * or truncated encoding; unicode.IsSpace lists its characters), from
 * CommonMark's backslash escapes and GitHub's table cells, from OWASP's
 * CSV injection list (=, +, -, @, tab, CR), and from hand counts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cstat-private.h"

struct decode_case {
	const char *in;
	size_t n; /* bytes given */
	unsigned long rune;
	size_t len;
};

/* Go's utf8.DecodeRune on valid and invalid encodings. */
static void
test_utf8_decode_as_go(void **state)
{
	static const struct decode_case cases[] = {
		{"a", 1, 'a', 1},
		{"\xc2\xb5", 2, 0xb5, 2},	      /* µ */
		{"\xe2\x82\xac", 3, 0x20ac, 3},	      /* € */
		{"\xf0\x9f\x9a\x80", 4, 0x1f680, 4},  /* 🚀 */
		{"\xef\xbf\xbd", 3, 0xfffd, 3},	      /* U+FFFD itself */
		{"\xf4\x8f\xbf\xbf", 4, 0x10ffff, 4}, /* the last rune */
		{"\x80", 1, 0xfffd, 1},		      /* a continuation */
		{"\xff", 1, 0xfffd, 1},		      /* never UTF-8 */
		{"\xc0\x80", 2, 0xfffd, 1},	      /* overlong NUL */
		{"\xe0\x9f\xbf", 3, 0xfffd, 1},	      /* overlong U+07FF */
		{"\xf0\x8f\xbf\xbf", 4, 0xfffd, 1},   /* overlong U+FFFF */
		{"\xed\xa0\x80", 3, 0xfffd, 1},	      /* surrogate U+D800 */
		{"\xf4\x90\x80\x80", 4, 0xfffd, 1},   /* past U+10FFFF */
		{"\xe2\x82\xac", 2, 0xfffd, 1},	      /* cut short by n */
		{"\xe2\x28\xa1", 3, 0xfffd, 1},	      /* bad second byte */
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		unsigned long c = 0;
		size_t len = cstat__utf8_decode(
			(const unsigned char *)cases[i].in, cases[i].n, &c);
		assert_int_equal(c, cases[i].rune);
		assert_int_equal(len, cases[i].len);
	}
}

/* unicode.IsSpace: the Latin-1 spaces and the White_Space property. */
static void
test_unicode_space_as_go(void **state)
{
	static const unsigned long space[] = {
		'\t',	'\n',	'\v',	'\f',	'\r',	' ',
		0x85,	0xa0,	0x1680, 0x2000, 0x2005, 0x200a,
		0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
	};
	/* Zero-width space, BOM and the Mongolian vowel separator (not
	 * White_Space since Unicode 6.3) are not spaces; neither are the
	 * neighbours of the U+2000..U+200A range. */
	static const unsigned long other[] = {
		'a', 0, 0x1f, 0x1fff, 0x200b, 0x180e, 0xfeff, 0x3001, 0x84,
	};

	(void)state;
	for (size_t i = 0; i < sizeof space / sizeof space[0]; i++)
		assert_true(cstat__unicode_space(space[i]));
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++)
		assert_false(cstat__unicode_space(other[i]));
}

/* Code points of valid text, within the length given. */
static void
test_utf8_runes_counts_code_points(void **state)
{
	(void)state;
	assert_int_equal(cstat__utf8_runes("", 0), 0);
	assert_int_equal(cstat__utf8_runes("abc", 3), 3);
	assert_int_equal(cstat__utf8_runes("abc", 2), 2);
	assert_int_equal(cstat__utf8_runes("\xc2\xb5s", 3), 2); /* µs */
	assert_int_equal(cstat__utf8_runes("\xe6\x97\xa5\xe6\x9c\xac", 6), 2);
	assert_int_equal(cstat__utf8_runes("\xf0\x9f\x9a\x80!", 5), 2);
}

/* Display widths: hand-counted terminal columns of each string. */
static void
test_text_width(void **state)
{
	(void)state;
	assert_int_equal(cstat__text_width(""), 0);
	assert_int_equal(cstat__text_width("1.718\xc2\xb5"), 6); /* µ */
	assert_int_equal(cstat__text_width("\xc2\xb1 1%"), 4);	 /* ± */
	assert_int_equal(cstat__text_width("\xe2\x96\x81\xe2\x96\x88"), 2);
	assert_int_equal(cstat__text_width("\xe6\x97\xa5\xe6\x9c\xac"), 4);
	assert_int_equal(cstat__text_width("e\xcc\x81"), 1); /* e + U+0301 */
	assert_int_equal(cstat__text_width("a\xff"
					   "b"),
			 3); /* a bad byte: 1 */
	assert_int_equal(cstat__text_width("\xf0\x9f\x9a\x80"), 2); /* 🚀 */
}

/* Appends s[0..len) repaired to a fresh buffer and checks the bytes. */
static void
assert_repaired(const char *s, size_t len, const char *want)
{
	struct cstat__buf b = {0};

	assert_int_equal(cstat__utf8_repair(&b, s, len), 0);
	assert_non_null(b.data);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.data, want, b.len);
	cstat__buf_release(&b);
}

/* Every byte that is not UTF-8 becomes U+FFFD; the rest is kept. */
static void
test_utf8_repair(void **state)
{
	struct cstat__buf b = {0};

	(void)state;
	assert_repaired("plain", 5, "plain");
	assert_repaired("\xc2\xb5s \xe2\x82\xac", 7, "\xc2\xb5s \xe2\x82\xac");
	assert_repaired("a\xff"
			"b",
			3,
			"a\xef\xbf\xbd"
			"b");
	/* A cut-short sequence: each of its bytes is invalid alone. */
	assert_repaired("x\xe2\x82", 3, "x\xef\xbf\xbd\xef\xbf\xbd");
	/* An overlong NUL and a surrogate, byte by byte. */
	assert_repaired("\xc0\x80", 2, "\xef\xbf\xbd\xef\xbf\xbd");
	assert_repaired("\xed\xa0\x80", 3,
			"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* Nothing to add: an empty string, NUL-terminated (text.h). */
	assert_int_equal(cstat__utf8_repair(&b, "", 0), 0);
	assert_non_null(b.data);
	assert_string_equal(b.data, "");
	cstat__buf_release(&b);
}

/* The bytes Markdown escapes, and what each becomes; nothing else. */
static void
test_md_escape_every_ascii_byte(void **state)
{
	static const char escaped[] = "\\|*_`<>[]&~$";

	(void)state;
	for (int ch = 1; ch < 128; ch++) {
		const char *e = cstat__md_escape((char)ch);
		if (ch == '\n' || ch == '\r') {
			assert_string_equal(e, " ");
		} else if (strchr(escaped, ch)) {
			char want[3] = {'\\', (char)ch, '\0'};
			assert_non_null(e);
			assert_string_equal(e, want);
		} else {
			assert_null(e);
		}
	}
}

/* Fields that a spreadsheet would run, and plain numbers that it would
 * not. */
static void
test_csv_formula(void **state)
{
	static const char *const formula[] = {
		"=1+2", "+x",  "-x",  "@SUM(A1)", "\tx",  "\rx",
		"-",	"-1e", "--1", "-.",	  "+1%x",
	};
	static const char *const plain[] = {
		"",	 "abc", "1=2",	   "-0.5", "-12.34%",
		"+1e-3", "-7",	"+3.5E+2", "x@y",
	};

	(void)state;
	for (size_t i = 0; i < sizeof formula / sizeof formula[0]; i++)
		assert_true(cstat__csv_formula(formula[i]));
	for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
		assert_false(cstat__csv_formula(plain[i]));
}

/* Cut short as snprintf cuts; the length of src whatever the size. */
static void
test_strlcpy(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(cstat__strlcpy(buf, "hello", 0), 5);
	assert_int_equal(buf[0], 'x'); /* size 0: nothing written */
	assert_int_equal(cstat__strlcpy(buf, "hello", 4), 5);
	assert_string_equal(buf, "hel");
	assert_int_equal(cstat__strlcpy(buf, "hello", 6), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(cstat__strlcpy(buf, "", sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

/* ASCII white space off both ends, inner space kept. */
static void
test_trim(void **state)
{
	const char *in = " \t Intel(R) Xeon(R)  \n\r\v\f";
	size_t len = 99;
	const char *s = cstat__trim(in, &len);

	(void)state;
	assert_ptr_equal(s, in + 3);
	assert_int_equal(len, strlen("Intel(R) Xeon(R)"));
	assert_memory_equal(s, "Intel(R) Xeon(R)", len);
	s = cstat__trim("   ", &len);
	assert_int_equal(len, 0);
	s = cstat__trim("", &len);
	assert_int_equal(len, 0);
	s = cstat__trim("x", &len);
	assert_int_equal(len, 1);
	assert_int_equal(s[0], 'x');
	/* Not ASCII white space: a no-break space stays. */
	s = cstat__trim("\xc2\xa0y", &len);
	assert_int_equal(len, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_decode_as_go),
		cmocka_unit_test(test_unicode_space_as_go),
		cmocka_unit_test(test_utf8_runes_counts_code_points),
		cmocka_unit_test(test_text_width),
		cmocka_unit_test(test_utf8_repair),
		cmocka_unit_test(test_md_escape_every_ascii_byte),
		cmocka_unit_test(test_csv_formula),
		cmocka_unit_test(test_strlcpy),
		cmocka_unit_test(test_trim),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
