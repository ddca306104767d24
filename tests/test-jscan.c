/*
 * test-jscan.c - the strict JSON scanner (lib/jscan.c): the nodes it
 * records (document order, lines, the key's line, bytes, subtree sizes),
 * that it takes what RFC 8259 takes, and that it refuses each fault with
 * the line and column of the fault.  Expected positions are counted by
 * hand on the texts below (lines and columns from 1, a column in bytes).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "jscan.h"
#include "testutil.h"

/* Scans text, which must be refused at line:column with message. */
static void
refused_at(const char *text, unsigned long line, unsigned long column,
	   const char *message)
{
	struct cstat__jnode *nodes = (void *)1;
	struct cstat_diag d = {0};
	size_t n = 99;

	assert_int_equal(
		cstat__jscan(text, strlen(text), "c.json", &nodes, &n, &d),
		CSTAT_ESYNTAX);
	assert_null(nodes);
	assert_int_equal(n, 0);
	assert_string_equal(d.file, "c.json");
	assert_int_equal(d.line, line);
	assert_int_equal(d.column, column);
	assert_string_equal(d.message, message);
	/* The validator refuses what the scanner refuses. */
	assert_false(cstat__json_valid(text, strlen(text)));
}

/* Scans text, which must be taken: the number of nodes. */
static size_t
taken(const char *text)
{
	struct cstat__jnode *nodes = NULL;
	struct cstat_diag d = {0};
	size_t n = 0;

	assert_int_equal(
		cstat__jscan(text, strlen(text), "c.json", &nodes, &n, &d), 0);
	assert_non_null(nodes);
	free(nodes);
	assert_true(cstat__json_valid(text, strlen(text)));
	return n;
}

/* Every value a node, in document order, with its lines, bytes and
 * subtree size. */
static void
test_jscan_records_values_in_order(void **state)
{
	const char *text = "{\n"
			   "  \"a\": [1, {\"b\": true}],\n"
			   "  \"c\":\n"
			   "    \"x\"\n"
			   "}\n";
	struct cstat__jnode *nodes = NULL;
	struct cstat_diag d = {0};
	size_t n = 0;

	(void)state;
	assert_int_equal(
		cstat__jscan(text, strlen(text), "c.json", &nodes, &n, &d), 0);
	/* The object, the array, 1, {"b": true}, true, "x". */
	assert_int_equal(n, 6);
	assert_int_equal(nodes[0].size, 6);
	assert_int_equal(nodes[0].off, 0);
	assert_int_equal(nodes[0].end, strlen(text) - 1);
	assert_int_equal(nodes[0].key_line, 0);
	assert_int_equal(nodes[1].size, 4); /* [1, {"b": true}] */
	assert_int_equal(nodes[1].line, 2);
	assert_int_equal(nodes[1].key_line, 2);
	assert_memory_equal(text + nodes[1].off, "[1, {\"b\": true}]",
			    nodes[1].end - nodes[1].off);
	assert_int_equal(nodes[2].size, 1);
	assert_int_equal(nodes[2].key_line, 0); /* an element has no key */
	assert_memory_equal(text + nodes[2].off, "1", 1);
	assert_int_equal(nodes[3].size, 2);
	assert_int_equal(nodes[4].key_line, 2);
	assert_memory_equal(text + nodes[4].off, "true", 4);
	/* A value on the line after its key keeps both lines. */
	assert_int_equal(nodes[5].key_line, 3);
	assert_int_equal(nodes[5].line, 4);
	assert_memory_equal(text + nodes[5].off, "\"x\"", 3);
	free(nodes);
}

/* What RFC 8259 allows is taken: every literal, numbers in each form,
 * escapes and a surrogate pair, white space around, a byte order mark. */
static void
test_jscan_takes_valid_json(void **state)
{
	(void)state;
	assert_int_equal(taken("0"), 1);
	assert_int_equal(taken(" -0.5e+10 "), 1);
	assert_int_equal(taken("[true, false, null, 1E3, -12.25]"), 6);
	assert_int_equal(taken("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9\""),
			 1);
	assert_int_equal(taken("\"\\ud83d\\ude00\""), 1);
	assert_int_equal(taken("\xef\xbb\xbf{}"), 1);
	assert_int_equal(taken("{\"k\": {}, \"l\": []}\r\n"), 3);
	/* 63 characters, as many as cJSON reads. */
	char num[64];
	memset(num, '1', 63);
	num[63] = '\0';
	assert_int_equal(taken(num), 1);
}

/* Each fault is refused where it is, with what was wanted. */
static void
test_jscan_refuses_faults_where_they_are(void **state)
{
	(void)state;
	refused_at("", 1, 1,
		   "invalid JSON: unexpected end of input (want a value)");
	refused_at("{\n  \"a\": 1,\n}", 3, 1,
		   "invalid JSON: unexpected '}' (want a string key)");
	refused_at("{\"a\" 1}", 1, 6,
		   "invalid JSON: unexpected '1' (want ':')");
	refused_at("[1 2]", 1, 4,
		   "invalid JSON: unexpected '2' (want ',' or ']')");
	refused_at("\"abc", 1, 5,
		   "invalid JSON: unexpected end of input (want '\"' to end "
		   "the string)");
	refused_at("\"a\tb\"", 1, 3,
		   "invalid JSON: control character 0x09 in a string");
	refused_at("\"\\x\"", 1, 2, "invalid JSON: invalid escape in a string");
	refused_at("\"\\u00zz\"", 1, 2,
		   "invalid JSON: invalid \\u escape in a string");
	refused_at("\"\\u0000\"", 1, 2,
		   "invalid JSON: \\u0000 in a string is not supported");
	refused_at("\"\\udc00\"", 1, 2,
		   "invalid JSON: unpaired surrogate \\udc00 in a string");
	refused_at("\"\\ud800x\"", 1, 2,
		   "invalid JSON: unpaired surrogate \\ud800 in a string");
	refused_at("01", 1, 2,
		   "invalid JSON: unexpected data after the JSON value");
	refused_at("1.", 1, 3,
		   "invalid JSON: unexpected end of input (want a digit)");
	refused_at("-", 1, 2,
		   "invalid JSON: unexpected end of input (want a digit)");
	refused_at("tru", 1, 4,
		   "invalid JSON: unexpected end of input (want true)");
	refused_at("{} {}", 1, 4,
		   "invalid JSON: unexpected data after the JSON value");
	refused_at("\x01", 1, 1,
		   "invalid JSON: unexpected byte 0x01 (want a value)");
}

/* The ceilings: a number longer than cJSON reads, nesting past
 * CSTAT__JSON_MAX_DEPTH (the recursion's bound). */
static void
test_jscan_refuses_past_its_ceilings(void **state)
{
	char num[66], deep[2 * CSTAT__JSON_MAX_DEPTH + 3];

	(void)state;
	memset(num, '1', 64);
	num[64] = '\0';
	refused_at(num, 1, 1, "invalid JSON: number longer than 63 characters");
	/* As deep as allowed is taken; one more is not. */
	memset(deep, '[', CSTAT__JSON_MAX_DEPTH);
	memset(deep + CSTAT__JSON_MAX_DEPTH, ']', CSTAT__JSON_MAX_DEPTH);
	deep[2 * CSTAT__JSON_MAX_DEPTH] = '\0';
	assert_int_equal(taken(deep), CSTAT__JSON_MAX_DEPTH);
	memset(deep, '[', CSTAT__JSON_MAX_DEPTH + 1);
	memset(deep + CSTAT__JSON_MAX_DEPTH + 1, ']',
	       CSTAT__JSON_MAX_DEPTH + 1);
	deep[2 * CSTAT__JSON_MAX_DEPTH + 2] = '\0';
	refused_at(deep, 1, CSTAT__JSON_MAX_DEPTH + 1,
		   "invalid JSON: nested more than 64 deep");
}

/* The validator (cstat__json_valid()) on a record of cstat's shape: the
 * whole text taken, and every cut of it refused (a record cut short by a
 * crash), as the scanner refuses them; across the validator's eight-byte
 * steps (digits and string bytes) at every alignment. */
static void
test_json_valid_every_cut(void **state)
{
	const char *rec =
		"{\"schema\":\"cstat-run/1\",\"name\":\"a \\\"q\\\" \\u00e9\","
		"\"groups\":[{\"config\":[[\"goos\",\"linux\"]],\"benchmarks\":"
		"[{\"name\":\"Op0/size=12345678901234567890-8\",\"units\":[{"
		"\"unit\":\"sec/op\",\"values\":[1.0000000000000001e-07,"
		"12345678901234567,-0.5E+3,0,true,false,null]}]}]}]}";
	size_t n = strlen(rec);
	char buf[512];

	(void)state;
	assert_true(n < sizeof(buf) - 8);
	for (size_t shift = 0; shift < 8; shift++) {
		memset(buf, ' ', shift);
		memcpy(buf + shift, rec, n);
		assert_true(cstat__json_valid(buf, shift + n));
		for (size_t cut = shift; cut < shift + n; cut++) {
			struct cstat__jnode *nodes = NULL;
			struct cstat_diag d;
			size_t nn;
			int rc = cstat__jscan(buf, cut, "c", &nodes, &nn, &d);
			free(nodes);
			assert_int_equal(rc, CSTAT_ESYNTAX);
			assert_false(cstat__json_valid(buf, cut));
		}
	}
}

/* NULL text is refused unless empty; empty text has no value. */
static void
test_jscan_null_text(void **state)
{
	struct cstat__jnode *nodes = NULL;
	struct cstat_diag d = {0};
	size_t n = 0;

	(void)state;
	assert_int_equal(cstat__jscan(NULL, 3, "c.json", &nodes, &n, &d),
			 CSTAT_EINVAL);
	assert_null(nodes);
	assert_int_equal(cstat__jscan(NULL, 0, "c.json", &nodes, &n, &d),
			 CSTAT_ESYNTAX);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jscan_records_values_in_order),
		cmocka_unit_test(test_jscan_takes_valid_json),
		cmocka_unit_test(test_jscan_refuses_faults_where_they_are),
		cmocka_unit_test(test_jscan_refuses_past_its_ceilings),
		cmocka_unit_test(test_jscan_null_text),
		cmocka_unit_test(test_json_valid_every_cut),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
