/*
 * test-parse.c - the projection syntax of -row, -col, -table and -ignore:
 * keys, separators, orders, fixed lists, quoting, and every error with the
 * offset benchstat reports (benchproc/internal/parse, and the edge-badcol
 * and edge-badfilter conformance cases for the message layout).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"

static struct cstat__pfield *
parse_ok(const char *q, size_t want_n)
{
	struct cstat__pfield *f;
	struct cstat__perror e;
	size_t n;

	assert_int_equal(cstat__parse_projection(q, &f, &n, &e), 0);
	assert_int_equal(n, want_n);
	return f;
}

static void
expect_error(const char *q, size_t off, const char *msg)
{
	struct cstat__pfield *f = (struct cstat__pfield *)1;
	struct cstat__perror e;
	size_t n;

	assert_int_equal(cstat__parse_projection(q, &f, &n, &e), CSTAT_ESYNTAX);
	assert_null(f);
	assert_int_equal(e.off, off);
	assert_string_equal(e.msg, msg);
}

static void
test_parse_projection_keys_and_separators(void **state)
{
	(void)state;
	/* doc-05 and gen-*-flags: "/format", ".name,/gomaxprocs". */
	struct cstat__pfield *f = parse_ok(".name,/size  goos , .config", 4);

	assert_string_equal(f[0].key, ".name");
	assert_string_equal(f[0].order, "first");
	assert_int_equal(f[0].key_off, 0);
	assert_string_equal(f[1].key, "/size");
	assert_int_equal(f[1].key_off, 6);
	assert_string_equal(f[2].key, "goos");
	assert_string_equal(f[3].key, ".config");
	cstat__pfields_free(f, 4);
	/* An empty projection has no fields. */
	f = parse_ok("  ", 0);
	cstat__pfields_free(f, 0);
}

static void
test_parse_projection_orders(void **state)
{
	(void)state;
	/* doc-07 and gen-36-flags: "/format@(gob json)", "/size@num". */
	struct cstat__pfield *f = parse_ok("/format@(gob json) /size@num", 2);

	assert_string_equal(f[0].order, "fixed");
	assert_int_equal(f[0].nfixed, 2);
	assert_string_equal(f[0].fixed[0], "gob");
	assert_string_equal(f[0].fixed[1], "json");
	assert_string_equal(f[1].key, "/size");
	assert_string_equal(f[1].order, "num");
	assert_int_equal(f[1].order_off, 25);
	cstat__pfields_free(f, 2);
}

static void
test_parse_projection_quoted_words(void **state)
{
	(void)state;
	/* Go string syntax: escapes, and "-" inside words. */
	struct cstat__pfield *f =
		parse_ok("\"a b\\t\\u00b5\\x41\\101\" foo-bar@(\"x,y\")", 2);

	assert_string_equal(f[0].key, "a b\t\xc2\xb5"
				      "AA");
	assert_string_equal(f[1].key, "foo-bar");
	assert_string_equal(f[1].fixed[0], "x,y");
	cstat__pfields_free(f, 2);
}

static void
test_parse_projection_errors(void **state)
{
	(void)state;
	/* Offsets include the spaces before a token, as benchstat's do. */
	expect_error(",x", 0, "expected key");
	expect_error("a,,b", 2, "expected key");
	expect_error("a@", 2,
		     "expected named sort order or parenthesized list");
	expect_error("a@(x", 4, "missing )");
	expect_error("a@()", 3, "nothing to match");
	expect_error("a \"b", 2, "missing end quote");
	expect_error("\"\\q\"", 0, "bad escape sequence");
	expect_error("a -b", 1, "expected key");
}

static void
test_syntax_error_format_puts_caret(void **state)
{
	(void)state;
	/* edge-badfilter's stderr: the caret under the offset. */
	struct cstat__perror e = {7, "expected value"};
	char buf[256];

	cstat__syntax_error_format(".name:(", &e, buf, sizeof(buf));
	assert_string_equal(buf, "syntax error: expected value\n\t.name:(\n\t"
				 "       ^");
	/* Multi-byte characters count once. */
	e.off = 3;
	cstat__syntax_error_format("\xc2\xb5x@", &e, buf, sizeof(buf));
	assert_string_equal(buf, "syntax error: expected value\n\t\xc2\xb5x@\n"
				 "\t  ^");
}

static void
expect_filter_error(const char *q, size_t off, const char *msg)
{
	struct cstat__fnode *f = (struct cstat__fnode *)1;
	struct cstat__perror e;

	assert_int_equal(cstat__parse_filter(q, &f, &e), CSTAT_ESYNTAX);
	assert_null(f);
	assert_int_equal(e.off, off);
	assert_string_equal(e.msg, msg);
}

static void
test_parse_filter_builds_the_tree(void **state)
{
	(void)state;
	struct cstat__fnode *f;
	struct cstat__perror e;

	/* OR binds looser than juxtaposition (AND). */
	assert_int_equal(
		cstat__parse_filter("a:b c:/x+/ OR -d:(e OR /f/)", &f, &e), 0);
	assert_int_equal(f->kind, CSTAT__FN_OR);
	assert_int_equal(f->nkids, 2);
	assert_int_equal(f->kids[0]->kind, CSTAT__FN_AND);
	assert_string_equal(f->kids[0]->kids[0]->literal, "b");
	assert_non_null(f->kids[0]->kids[1]->re);
	assert_int_equal(f->kids[1]->kind, CSTAT__FN_NOT);
	assert_int_equal(f->kids[1]->kids[0]->kind, CSTAT__FN_OR);
	cstat__filter_free(f);
	assert_int_equal(cstat__parse_filter("*", &f, &e), 0);
	assert_int_equal(f->kind, CSTAT__FN_AND);
	assert_int_equal(f->nkids, 0);
	cstat__filter_free(f);
}

/* Nested counts whose product stays within Go's 1000 are accepted, as
 * are zero and single counts around any amount, and counts that follow a
 * big group without nesting in it. */
static void
test_parse_filter_accepts_repeat_sizes_go_accepts(void **state)
{
	static const char *const ok[] = {
		"a:/(a{500}){2}/",	 "a:/(((a{10}){10}){10})/",
		"a:/(a{1000})\\d{2}/",	 "a:/(a{1000}){0}/",
		"a:/(a{1000}){1}/",	 "a:/([ab]{10}){100}/",
		"a:/(a{10}|b{200}){5}/",
	};
	struct cstat__fnode *f;
	struct cstat__perror e;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(cstat__parse_filter(ok[i], &f, &e), 0);
		cstat__filter_free(f);
	}
}

static void
test_parse_filter_errors(void **state)
{
	(void)state;
	/* edge-badfilter: "expected value" under the "(". */
	expect_filter_error(".name:(", 7, "expected value");
	expect_filter_error("a", 0, "expected key:value");
	expect_filter_error("a:(b c)", 4, "value list must be separated by OR");
	expect_filter_error("(a:b", 4, "missing \")\"");
	expect_filter_error(".config:x", 0,
			    ".config is only allowed in projections");
	expect_filter_error("a:/x", 2, "missing close \"/\"");
	expect_filter_error("a:/x/y", 5,
			    "regexp must be followed by space or "
			    "an operator (unescaped \"/\"?)");
	/* Go syntax outside the supported set is refused, not misread. */
	expect_filter_error("a:/b++/", 2,
			    "error parsing regexp: invalid "
			    "nested repetition operator: `b++`");
	expect_filter_error("a:/(?i)x/", 2,
			    "error parsing regexp: "
			    "unsupported flags or group: "
			    "`(?i)x`");
	expect_filter_error("a:/x{2000}/", 2,
			    "error parsing regexp: invalid "
			    "repeat count: `x{2000}`");
	/* Nested counts multiply, as in Go: past 1000 in all is refused
	 * (glibc would build an automaton of 10^9 copies of "a"). */
	expect_filter_error("a:/((a{1000}){1000}){1000}/", 2,
			    "error parsing regexp: invalid "
			    "repeat size: `((a{1000}){1000}){1000}`");
	expect_filter_error("a:/(a{10}|b{201}){5}/", 2,
			    "error parsing regexp: invalid "
			    "repeat size: `(a{10}|b{201}){5}`");
	expect_filter_error("a:/(a{2,}){501}/", 2,
			    "error parsing regexp: invalid "
			    "repeat size: `(a{2,}){501}`");
	/* Nesting is bounded (found by fuzzing: 7,000 parentheses). */
	char deep[1001];
	memset(deep, '(', 1000);
	deep[1000] = '\0';
	expect_filter_error(deep, 200, "expression nested too deeply");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_projection_keys_and_separators),
		cmocka_unit_test(test_parse_projection_orders),
		cmocka_unit_test(test_parse_projection_quoted_words),
		cmocka_unit_test(test_parse_projection_errors),
		cmocka_unit_test(test_syntax_error_format_puts_caret),
		cmocka_unit_test(test_parse_filter_builds_the_tree),
		cmocka_unit_test(
			test_parse_filter_accepts_repeat_sizes_go_accepts),
		cmocka_unit_test(test_parse_filter_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
