/*
 * test-ostream.c - the output stream (lib/ostream.c): its targets (memory,
 * FILE *, file descriptor), the first error kept and nothing written after
 * it, the fast appends, and the escapers (HTML, JSON, CSV in Go's and RFC
 * 4180's rules).
 *
 * Expected texts come from the rules they implement: Go's encoding/csv
 * (Writer.fieldNeedsQuotes in src/encoding/csv/writer.go, and
 * unicode.IsSpace), RFC 4180 section 2, RFC 8259 section 7 (JSON strings)
 * and the HTML escaping of html.c's pages (the five characters that need
 * a reference).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cstat-private.h"
#include "ostream.h"

/* The stream's memory as a string, for comparisons. */
static void
assert_stream(struct cstat__ostream *s, const char *want)
{
	assert_int_equal(s->err, 0);
	assert_string_equal(cstat__os_cstr(s), want);
}

/* Reads back what was written to f. */
static size_t
read_back(FILE *f, char *buf, size_t size)
{
	rewind(f);
	return fread(buf, 1, size, f);
}

static void
test_os_memory_appends(void **state)
{
	struct cstat__ostream s = {0}; /* all zero: a memory stream */

	(void)state;
	assert_string_equal(cstat__os_cstr(&s), "");
	cstat__os_adds(&s, "n=");
	cstat__os_uint(&s, 0);
	cstat__os_addc(&s, ' ');
	cstat__os_uint(&s, UINT64_MAX);
	cstat__os_put(&s, CSTAT__LIT(" x"));
	cstat__os_fill(&s, '.', 3);
	cstat__os_go_float(&s, 0.05);
	cstat__os_addc(&s, ' ');
	cstat__os_go_float(&s, 1e-06);
	cstat__os_addc(&s, ' ');
	cstat__os_go_float(&s, 1.5e9);
	cstat__os_addc(&s, ' ');
	cstat__os_go_float(&s, 95);
	/* Go: strconv.FormatFloat(x, 'g', -1, 64). */
	assert_stream(&s, "n=0 18446744073709551615 x...0.05 1e-06 1.5e+09 95");
	cstat__os_release(&s);
}

/* printf of any length: the first try has room for 256 bytes. */
static void
test_os_printf_long(void **state)
{
	struct cstat__ostream s;
	char want[1200];

	(void)state;
	cstat__os_memory(&s);
	memset(want, 'x', 1000);
	want[1000] = '\0';
	cstat__os_printf(&s, "%s|%d", want, 42);
	strcat(want, "|42");
	assert_stream(&s, want);
	cstat__os_release(&s);
}

/* A FILE target gets the bytes in order, large blocks included. */
static void
test_os_file_order(void **state)
{
	struct cstat__ostream s;
	FILE *f = tmpfile();
	size_t big = 3 * CSTAT__OS_FLUSH_AT + 5, n;
	char *block = malloc(big), *back = malloc(big + 16);

	(void)state;
	assert_non_null(f);
	assert_non_null(block);
	assert_non_null(back);
	memset(block, 'b', big);
	cstat__os_file(&s, f);
	cstat__os_adds(&s, "a");
	cstat__os_add(&s, block, big);
	cstat__os_adds(&s, "c");
	/* Nothing of "c" is out before the close. */
	assert_int_equal(cstat__os_close(&s), 0);
	n = read_back(f, back, big + 16);
	assert_int_equal(n, big + 2);
	assert_int_equal(back[0], 'a');
	assert_memory_equal(back + 1, block, big);
	assert_int_equal(back[big + 1], 'c');
	fclose(f);
	free(block);
	free(back);
}

/* Many small appends cost a write per CSTAT__OS_FLUSH_AT bytes. */
static void
test_os_fd_blocks(void **state)
{
	struct cstat__ostream s;
	FILE *f = tmpfile();
	char back[64];

	(void)state;
	assert_non_null(f);
	cstat__os_fd(&s, fileno(f));
	for (int i = 0; i < 100000; i++)
		cstat__os_addc(&s, (char)('0' + i % 10));
	/* 100,000 bytes: one block of 65,536 went out at the mark. */
	assert_int_equal(lseek(fileno(f), 0, SEEK_CUR), CSTAT__OS_FLUSH_AT);
	assert_int_equal(cstat__os_close(&s), 0);
	assert_int_equal(lseek(fileno(f), 0, SEEK_END), 100000);
	assert_int_equal(pread(fileno(f), back, 10, 99990), 10);
	assert_memory_equal(back, "0123456789", 10);
	fclose(f);
}

/* The first error is kept; a later one does not replace it. */
static void
test_os_first_error_kept(void **state)
{
	struct cstat__ostream s;

	(void)state;
	cstat__os_memory(&s);
	cstat__os_adds(&s, "before");
	cstat__os_fail(&s, CSTAT_EINVAL);
	cstat__os_fail(&s, CSTAT_ENOMEM);
	cstat__os_fail(&s, 0);
	assert_int_equal(s.err, CSTAT_EINVAL);
	/* Nothing is added after it, by any append. */
	cstat__os_adds(&s, "after");
	cstat__os_add(&s, "after", 5);
	cstat__os_uint(&s, 7);
	cstat__os_go_float(&s, 1.5);
	cstat__os_printf(&s, "%d", 1);
	cstat__os_html_text(&s, "<", 1);
	cstat__os_json_str(&s, "x", 1);
	cstat__os_csv(&s, "a,b", CSTAT__CSV_GO, false);
	assert_null(cstat__os_room(&s, 1));
	assert_int_equal(s.len, 6);
	assert_memory_equal(s.data, "before", 6);
	assert_int_equal(cstat__os_close(&s), CSTAT_EINVAL);
}

/*
 * A target that fails: a descriptor opened for reading only.  The error
 * is CSTAT_EIO, and after it nothing reaches a later target either: the
 * buffer is dropped, and flush and close write nothing.
 */
static void
test_os_write_error_stops_writing(void **state)
{
	struct cstat__ostream s;
	FILE *f = tmpfile();
	int ro;
	char path[64];

	(void)state;
	assert_non_null(f);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fileno(f));
	ro = open(path, O_RDONLY);
	assert_true(ro >= 0);
	cstat__os_fd(&s, ro);
	cstat__os_fill(&s, 'x', CSTAT__OS_FLUSH_AT);
	assert_int_equal(s.err, CSTAT_EIO);
	cstat__os_fail(&s, CSTAT_ENOMEM);
	assert_int_equal(s.err, CSTAT_EIO);
	/* Point the stream at a good descriptor: still nothing written. */
	s.fd = fileno(f);
	cstat__os_adds(&s, "later");
	assert_int_equal(cstat__os_flush(&s, false), CSTAT_EIO);
	assert_int_equal(cstat__os_close(&s), CSTAT_EIO);
	assert_int_equal(lseek(fileno(f), 0, SEEK_END), 0);
	close(ro);
	fclose(f);
}

/* A FILE * that cannot be written: fwrite fails, CSTAT_EIO. */
static void
test_os_file_error(void **state)
{
	struct cstat__ostream s;
	FILE *f = fopen("/dev/null", "r");

	(void)state;
	assert_non_null(f);
	cstat__os_file(&s, f);
	cstat__os_adds(&s, "text");
	assert_int_equal(cstat__os_close(&s), CSTAT_EIO);
	fclose(f);
}

/* The escaping of every byte alone, and of runs of plain text. */
static void
test_os_html_text_every_byte(void **state)
{
	struct cstat__ostream p = {0};

	(void)state;
	for (int c = 0; c < 256; c++) {
		char in[3] = {'a', (char)c, 'b'};
		const char *mid;
		p.len = 0;
		cstat__os_html_text(&p, in, sizeof(in));
		assert_int_equal(p.err, 0);
		switch (c) {
		case '&':
			mid = "&amp;";
			break;
		case '<':
			mid = "&lt;";
			break;
		case '>':
			mid = "&gt;";
			break;
		case '"':
			mid = "&quot;";
			break;
		case '\'':
			mid = "&#39;";
			break;
		default:
			/* Controls but tab and line breaks, DEL, and any byte
			 * that is not UTF-8 alone (>= 0x80): U+FFFD. */
			mid = (c < 0x20 && c != '\t' && c != '\n' &&
			       c != '\r') || c >= 0x7f
				      ? "\xef\xbf\xbd"
				      : NULL;
		}
		char want[16];
		if (mid)
			snprintf(want, sizeof(want), "a%sb", mid);
		else
			snprintf(want, sizeof(want), "a%cb", c);
		assert_int_equal(p.len, strlen(want));
		assert_memory_equal(p.data, want, p.len);
	}
	p.len = 0;
	cstat__os_html_attr(&p, CSTAT__LIT("run 12: 1.5\xc2\xb5 <x> 'q'"));
	/* C1 controls encoded as UTF-8 (U+0085) are replaced too; a valid
	 * U+FFFD stays. */
	cstat__os_html_text(&p, CSTAT__LIT(" \xc2\x85\xef\xbf\xbd"));
	assert_stream(&p, "run 12: 1.5\xc2\xb5 &lt;x&gt; &#39;q&#39; "
			  "\xef\xbf\xbd\xef\xbf\xbd");
	cstat__os_release(&p);
}

/* JSON strings (RFC 8259): what must be escaped, and invalid UTF-8. */
static void
test_os_json_str(void **state)
{
	struct cstat__ostream s = {0};
	static const char in[] = "a\"b\\c\n\r\t\b\f\x01\x1f\x7f"
				 "\xc3\xa9\xe2\x82\xac\xff\xc3(";

	(void)state;
	cstat__os_json_str(&s, in, sizeof(in) - 1);
	/* DEL needs no escape; é and € stay; a lone 0xff and a cut
	 * sequence become U+FFFD each. */
	assert_stream(&s, "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\x7f"
			  "\xc3\xa9\xe2\x82\xac\xef\xbf\xbd\xef\xbf\xbd(\"");
	s.len = 0;
	/* NUL bytes inside the length are data. */
	cstat__os_json_str(&s, "x\0y", 3);
	cstat__os_json_str(&s, "", 0);
	assert_stream(&s, "\"x\\u0000y\"\"\"");
	cstat__os_release(&s);
}

/* json.c's buffer form is the same escaper. */
static void
test_os_json_quote_is_the_stream(void **state)
{
	struct cstat__buf b = {0};
	struct cstat__ostream s = {0};
	static const char in[] = "k\"\x02\xfe\xe2\x80";

	(void)state;
	assert_int_equal(cstat__buf_adds(&b, "pre:"), 0);
	assert_int_equal(cstat__json_quote(&b, in, sizeof(in) - 1), 0);
	cstat__os_adds(&s, "pre:");
	cstat__os_json_str(&s, in, sizeof(in) - 1);
	assert_string_equal(b.data, cstat__os_cstr(&s));
	cstat__buf_release(&b);
	cstat__os_release(&s);
}

struct csv_case {
	const char *in;
	const char *go;	 /* CSTAT__CSV_GO */
	const char *rfc; /* CSTAT__CSV_RFC4180 */
};

/*
 * Both rules on the edge cases.  Go's fieldNeedsQuotes: "" never, `\.`
 * always (the case v1-render.c's copy lacked), a comma, quote, CR or LF
 * anywhere, or a first rune for which unicode.IsSpace is true (ASCII
 * space, \t \n \v \f \r, U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028,
 * U+2029, U+202F, U+205F, U+3000).  RFC 4180 quotes only the first four.
 */
static const struct csv_case csv_cases[] = {
	{"", "", ""},
	{"plain", "plain", "plain"},
	{"\\.", "\"\\.\"", "\\."},
	{"\\.x", "\\.x", "\\.x"},
	{"a,b", "\"a,b\"", "\"a,b\""},
	{"say \"hi\"", "\"say \"\"hi\"\"\"", "\"say \"\"hi\"\"\""},
	{"\"", "\"\"\"\"", "\"\"\"\""},
	{"a\nb", "\"a\nb\"", "\"a\nb\""},
	{"a\rb", "\"a\rb\"", "\"a\rb\""},
	{" lead", "\" lead\"", " lead"},
	{"trail ", "trail ", "trail "},
	{"\vx", "\"\vx\"", "\vx"},
	{"\xc2\x85x", "\"\xc2\x85x\"", "\xc2\x85x"},
	{"\xc2\xa0x", "\"\xc2\xa0x\"", "\xc2\xa0x"},
	{"\xe1\x9a\x80x", "\"\xe1\x9a\x80x\"", "\xe1\x9a\x80x"},
	{"\xe2\x80\x8ax", "\"\xe2\x80\x8ax\"", "\xe2\x80\x8ax"},
	{"\xe2\x80\x8bx", "\xe2\x80\x8bx", "\xe2\x80\x8bx"}, /* U+200B: no */
	{"\xe2\x80\xa8x", "\"\xe2\x80\xa8x\"", "\xe2\x80\xa8x"},
	{"\xe2\x80\xafx", "\"\xe2\x80\xafx\"", "\xe2\x80\xafx"},
	{"\xe2\x81\x9fx", "\"\xe2\x81\x9fx\"", "\xe2\x81\x9fx"},
	{"\xe3\x80\x80x", "\"\xe3\x80\x80x\"", "\xe3\x80\x80x"},
	{"\xc2", "\xc2", "\xc2"}, /* invalid: RuneError, not a space */
	{"\xe9t\xe9", "\xe9t\xe9", "\xe9t\xe9"},
};

static void
test_os_csv_rules(void **state)
{
	struct cstat__ostream s = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(csv_cases) / sizeof(csv_cases[0]); i++) {
		const struct csv_case *c = &csv_cases[i];
		s.len = 0;
		cstat__os_csv(&s, c->in, CSTAT__CSV_GO, false);
		assert_stream(&s, c->go);
		s.len = 0;
		cstat__os_csv(&s, c->in, CSTAT__CSV_RFC4180, false);
		assert_stream(&s, c->rfc);
		assert_int_equal(cstat__csv_needs_quotes(CSTAT__CSV_GO, c->in,
							 strlen(c->in)),
				 strcmp(c->in, c->go) != 0);
	}
	cstat__os_release(&s);
}

/* Text from the input that a spreadsheet would take for a formula. */
static void
test_os_csv_formula(void **state)
{
	struct cstat__ostream s = {0};

	(void)state;
	cstat__os_csv(&s, "=HYPERLINK(\"x\")", CSTAT__CSV_GO, true);
	cstat__os_addc(&s, ',');
	cstat__os_csv(&s, "-12.34%", CSTAT__CSV_GO, true);
	cstat__os_addc(&s, ',');
	cstat__os_csv(&s, "@x", CSTAT__CSV_RFC4180, true);
	cstat__os_addc(&s, ',');
	/* Not text: written as it is. */
	cstat__os_csv(&s, "=1", CSTAT__CSV_GO, false);
	assert_stream(&s, "\"'=HYPERLINK(\"\"x\"\")\",-12.34%,\"'@x\",=1");
	cstat__os_release(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_os_memory_appends),
		cmocka_unit_test(test_os_printf_long),
		cmocka_unit_test(test_os_file_order),
		cmocka_unit_test(test_os_fd_blocks),
		cmocka_unit_test(test_os_first_error_kept),
		cmocka_unit_test(test_os_write_error_stops_writing),
		cmocka_unit_test(test_os_file_error),
		cmocka_unit_test(test_os_html_text_every_byte),
		cmocka_unit_test(test_os_json_str),
		cmocka_unit_test(test_os_json_quote_is_the_stream),
		cmocka_unit_test(test_os_csv_rules),
		cmocka_unit_test(test_os_csv_formula),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
