/*
 * test-json.c - what the JSON writers and readers share over cJSON
 * (lib/json.c, json.h): strings quoted into a buffer, cJSON items that
 * stay valid JSON whatever bytes they hold, numbers in Go's shortest
 * form, and parsing in the "C" locale's number syntax.
 *
 * Expected texts come from RFC 8259 (section 7: strings; section 6: no
 * NaN or infinity), Go's strconv.FormatFloat(v, 'g', -1, 64) (the
 * shortest text that reads back: 0.1 + 0.2 is 0.30000000000000004) and
 * hand-written JSON.
 */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "cstat-private.h"

/* Quotes are escaped and invalid bytes replaced, appended after what b
 * held, NUL-terminated. */
static void
test_json_quote_appends(void **state)
{
	struct cstat__buf b = {0};

	(void)state;
	assert_int_equal(cstat__buf_adds(&b, "k:"), 0);
	assert_int_equal(cstat__json_quote(&b, "a\"b\\c\n", 6), 0);
	assert_string_equal(b.data, "k:\"a\\\"b\\\\c\\n\"");
	b.len = 0;
	assert_int_equal(cstat__json_quote(&b, "x\xffy", 3), 0);
	assert_string_equal(b.data, "\"x\xef\xbf\xbdy\"");
	cstat__buf_release(&b);
}

/* The printed object read back by cJSON's own parser. */
static cJSON *
round_trip(cJSON *root)
{
	char *text = cJSON_PrintUnformatted(root);
	cJSON *back;

	assert_non_null(text);
	back = cJSON_Parse(text);
	assert_non_null(back);
	cJSON_free(text);
	return back;
}

/* A string of any bytes comes back as valid JSON: the name's own bytes
 * where they are UTF-8, U+FFFD where they are not. */
static void
test_json_string_any_bytes(void **state)
{
	cJSON *root = cJSON_CreateObject(), *back;

	(void)state;
	assert_true(cstat__json_add_str(root, "name",
					"Bench\xc2\xb5/\xfe\"q\"\x01"));
	assert_true(cstat__json_add_str(root, "none", NULL));
	back = round_trip(root);
	assert_string_equal(cJSON_GetObjectItem(back, "name")->valuestring,
			    "Bench\xc2\xb5/\xef\xbf\xbd\"q\"\x01");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(back, "none")));
	cJSON_Delete(root);
	cJSON_Delete(back);
}

/* Numbers as Go's shortest text; NaN and the infinities as null. */
static void
test_json_add_num_and_count(void **state)
{
	cJSON *a = cJSON_CreateArray();
	char *text;

	(void)state;
	assert_true(cstat__json_add_num(a, NULL, 0.1 + 0.2));
	assert_true(cstat__json_add_num(a, NULL, 0.060000000000000005));
	assert_true(cstat__json_add_num(a, NULL, 2.5));
	assert_true(cstat__json_add_num(a, NULL, 1e21));
	assert_true(cstat__json_add_num(a, NULL, NAN));
	assert_true(cstat__json_add_num(a, NULL, INFINITY));
	assert_true(cstat__json_add_num(a, NULL, -INFINITY));
	assert_true(cstat__json_add_count(a, NULL, 0));
	assert_true(cstat__json_add_count(a, NULL, SIZE_MAX));
	text = cJSON_PrintUnformatted(a);
	assert_non_null(text);
	assert_string_equal(text, "[0.30000000000000004,0.060000000000000005,"
				  "2.5,1e+21,null,null,null,0,"
				  "18446744073709551615]");
	cJSON_free(text);
	cJSON_Delete(a);
}

/* A NULL item (out of memory) is refused, not added. */
static void
test_json_add_refuses_null(void **state)
{
	cJSON *o = cJSON_CreateObject();

	(void)state;
	assert_false(cstat__json_add(o, "x", NULL));
	assert_null(cJSON_GetObjectItem(o, "x"));
	assert_true(cstat__json_add(o, "y", cJSON_CreateTrue()));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "y")));
	cJSON_Delete(o);
}

/* Parses "[0.25, 1e3, -1.5] x" and checks the numbers and where the
 * value ended. */
static void
assert_parses(void)
{
	static const char in[] = "[0.25, 1e3, -1.5] x";
	const char *end = NULL;
	cJSON *root = cstat__json_parse(in, sizeof(in) - 1, &end);

	assert_non_null(root);
	assert_int_equal(cJSON_GetArraySize(root), 3);
	assert_true(cJSON_GetArrayItem(root, 0)->valuedouble == 0.25);
	assert_true(cJSON_GetArrayItem(root, 1)->valuedouble == 1000);
	assert_true(cJSON_GetArrayItem(root, 2)->valuedouble == -1.5);
	assert_ptr_equal(end, in + strlen("[0.25, 1e3, -1.5]"));
	cJSON_Delete(root);
}

/* The "C" syntax whatever the program's locale, which is left as it was
 * (a decimal-comma locale, when installed; skipped otherwise). */
static void
test_json_parse_c_locale(void **state)
{
	static const char *const locales[] = {"de_DE.UTF-8", "ps_AF.UTF-8"};

	(void)state;
	assert_parses();
	for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++) {
		if (!setlocale(LC_NUMERIC, locales[i])) {
			printf("%s is not installed: skipped\n", locales[i]);
			continue;
		}
		assert_parses();
		assert_string_equal(setlocale(LC_NUMERIC, NULL), locales[i]);
		setlocale(LC_NUMERIC, "C");
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_quote_appends),
		cmocka_unit_test(test_json_string_any_bytes),
		cmocka_unit_test(test_json_add_num_and_count),
		cmocka_unit_test(test_json_add_refuses_null),
		cmocka_unit_test(test_json_parse_c_locale),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
