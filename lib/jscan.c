/*
 * jscan.c - a strict JSON scanner (RFC 8259) that records where every
 * value is.
 *
 * cJSON builds values but records no positions, so a reader that must name
 * the line of a bad setting (the gate's config file, gate-config.c) scans
 * the text here first: a syntax error gets an exact line and column, and
 * every value its line, its key's line and its bytes, in document order
 * with subtree sizes, so the nodes can be walked in step with cJSON's tree
 * (cJSON keeps members and elements in the order written).  The scanner is
 * stricter than cJSON wherever cJSON would read a text differently from
 * what it says (a NUL escape, a number longer than cJSON reads), so what
 * passes here parses there the same.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jscan.h"

struct jscan {
	const char *s;
	size_t len, pos;
	unsigned long line;
	size_t line_off; /* where the current line starts */
	struct cstat__jnode *nodes;
	size_t n, cap;
	const char *name;
	struct cstat_diag *d;
};

static bool
jdigit(char c)
{
	return c >= '0' && c <= '9';
}

static int scan_fail(const struct jscan *js, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Reports a syntax error at the current position. @return CSTAT_ESYNTAX. */
static int
scan_fail(const struct jscan *js, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	cstat__diag_set(js->d, js->name, js->line,
			(unsigned long)(js->pos - js->line_off + 1),
			"invalid JSON: %s", msg);
	return CSTAT_ESYNTAX;
}

/* The byte at the position, or -1 at the end. */
static int
peek(const struct jscan *js)
{
	return js->pos < js->len ? (unsigned char)js->s[js->pos] : -1;
}

/* Reports the byte at the position (or the end) where want should be. */
static int
scan_unexpected(const struct jscan *js, const char *want)
{
	int ch = peek(js);

	if (ch < 0)
		return scan_fail(js, "unexpected end of input (want %s)", want);
	if (ch > ' ' && ch < 0x7f)
		return scan_fail(js, "unexpected '%c' (want %s)", ch, want);
	return scan_fail(js, "unexpected byte 0x%02x (want %s)", ch, want);
}

static void
scan_ws(struct jscan *js)
{
	for (; js->pos < js->len; js->pos++) {
		char ch = js->s[js->pos];
		if (ch == '\n') {
			js->line++;
			js->line_off = js->pos + 1;
		} else if (ch != ' ' && ch != '\t' && ch != '\r') {
			return;
		}
	}
}

/* Reads four hex digits at s (n bytes available). */
static bool
hex4(const char *s, size_t n, unsigned long *v)
{
	*v = 0;
	if (n < 4)
		return false;
	for (int i = 0; i < 4; i++) {
		char ch = s[i];
		unsigned long x;
		if (jdigit(ch))
			x = (unsigned long)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			x = (unsigned long)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			x = (unsigned long)(ch - 'A' + 10);
		else
			return false;
		*v = *v << 4 | x;
	}
	return true;
}

/* The escape at the position (a backslash inside a string). */
static int
scan_escape(struct jscan *js)
{
	const char *s = js->s + js->pos;
	size_t left = js->len - js->pos;
	unsigned long u, lo;

	if (left < 2) {
		js->pos++;
		return scan_unexpected(js, "an escape");
	}
	switch (s[1]) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't':
		js->pos += 2;
		return 0;
	case 'u':
		break;
	default:
		return scan_fail(js, "invalid escape in a string");
	}
	if (!hex4(s + 2, left - 2, &u))
		return scan_fail(js, "invalid \\u escape in a string");
	/* cJSON would end the string there and drop the rest. */
	if (u == 0)
		return scan_fail(js, "\\u0000 in a string is not supported");
	if (u >= 0xdc00 && u <= 0xdfff)
		return scan_fail(js, "unpaired surrogate \\u%04lx in a string",
				 u);
	if (u >= 0xd800 && u <= 0xdbff) {
		if (left < 12 || s[6] != '\\' || s[7] != 'u' ||
		    !hex4(s + 8, left - 8, &lo) || lo < 0xdc00 || lo > 0xdfff)
			return scan_fail(js,
					 "unpaired surrogate \\u%04lx in a "
					 "string",
					 u);
		js->pos += 12;
		return 0;
	}
	js->pos += 6;
	return 0;
}

static int
scan_string(struct jscan *js)
{
	int rc;

	js->pos++;
	for (;;) {
		int ch = peek(js);
		if (ch < 0)
			return scan_unexpected(js, "'\"' to end the string");
		if (ch == '"') {
			js->pos++;
			return 0;
		}
		if (ch < ' ')
			return scan_fail(js,
					 "control character 0x%02x in a "
					 "string",
					 ch);
		if (ch != '\\') {
			js->pos++;
			continue;
		}
		rc = scan_escape(js);
		if (rc)
			return rc;
	}
}

/* Skips digits; @return whether there was at least one. */
static bool
scan_digits(struct jscan *js)
{
	size_t start = js->pos;

	while (js->pos < js->len && jdigit(js->s[js->pos]))
		js->pos++;
	return js->pos > start;
}

static int
scan_number(struct jscan *js)
{
	size_t start = js->pos;

	if (peek(js) == '-')
		js->pos++;
	if (peek(js) == '0')
		js->pos++;
	else if (!scan_digits(js))
		return scan_unexpected(js, "a digit");
	if (peek(js) == '.') {
		js->pos++;
		if (!scan_digits(js))
			return scan_unexpected(js, "a digit");
	}
	if (peek(js) == 'e' || peek(js) == 'E') {
		js->pos++;
		if (peek(js) == '+' || peek(js) == '-')
			js->pos++;
		if (!scan_digits(js))
			return scan_unexpected(js, "a digit");
	}
	if (js->pos - start > CSTAT__JSON_MAX_NUMBER) {
		js->pos = start;
		return scan_fail(js, "number longer than %d characters",
				 CSTAT__JSON_MAX_NUMBER);
	}
	return 0;
}

static int
scan_literal(struct jscan *js, const char *word)
{
	for (const char *w = word; *w; w++, js->pos++)
		if (peek(js) != (unsigned char)*w)
			return scan_unexpected(js, word);
	return 0;
}

static int scan_value(struct jscan *js, unsigned long key_line, int depth);

static int
scan_object(struct jscan *js, int depth)
{
	int rc;

	js->pos++;
	scan_ws(js);
	if (peek(js) == '}') {
		js->pos++;
		return 0;
	}
	if (peek(js) != '"')
		return scan_unexpected(js, "a string key or '}'");
	for (;;) {
		unsigned long key_line = js->line;
		rc = scan_string(js);
		if (rc)
			return rc;
		scan_ws(js);
		if (peek(js) != ':')
			return scan_unexpected(js, "':'");
		js->pos++;
		scan_ws(js);
		rc = scan_value(js, key_line, depth);
		if (rc)
			return rc;
		scan_ws(js);
		if (peek(js) == '}') {
			js->pos++;
			return 0;
		}
		if (peek(js) != ',')
			return scan_unexpected(js, "',' or '}'");
		js->pos++;
		scan_ws(js);
		if (peek(js) != '"')
			return scan_unexpected(js, "a string key");
	}
}

static int
scan_array(struct jscan *js, int depth)
{
	int rc;

	js->pos++;
	scan_ws(js);
	if (peek(js) == ']') {
		js->pos++;
		return 0;
	}
	for (;;) {
		rc = scan_value(js, 0, depth);
		if (rc)
			return rc;
		scan_ws(js);
		if (peek(js) == ']') {
			js->pos++;
			return 0;
		}
		if (peek(js) != ',')
			return scan_unexpected(js, "',' or ']'");
		js->pos++;
		scan_ws(js);
	}
}

/* Scans the value at the position, recording it and what it holds. */
static int
scan_value(struct jscan *js, unsigned long key_line, int depth)
{
	size_t i = js->n;
	int ch = peek(js), rc;

	if (cstat__grow((void **)&js->nodes, &js->cap, i + 1,
			sizeof(*js->nodes)))
		return CSTAT_ENOMEM;
	js->nodes[i] = (struct cstat__jnode){
		.key_line = key_line, .line = js->line, .off = js->pos};
	js->n++;
	if ((ch == '{' || ch == '[') && depth >= CSTAT__JSON_MAX_DEPTH)
		return scan_fail(js, "nested more than %d deep",
				 CSTAT__JSON_MAX_DEPTH);
	if (ch == '{')
		rc = scan_object(js, depth + 1);
	else if (ch == '[')
		rc = scan_array(js, depth + 1);
	else if (ch == '"')
		rc = scan_string(js);
	else if (ch == 't')
		rc = scan_literal(js, "true");
	else if (ch == 'f')
		rc = scan_literal(js, "false");
	else if (ch == 'n')
		rc = scan_literal(js, "null");
	else if (ch == '-' || (ch >= '0' && ch <= '9'))
		rc = scan_number(js);
	else
		rc = scan_unexpected(js, "a value");
	if (rc)
		return rc;
	js->nodes[i].end = js->pos;
	js->nodes[i].size = js->n - i;
	return 0;
}

/* Scans the whole text: one value, white space around it. */
static int
scan_json(struct jscan *js)
{
	int rc;

	/* cJSON skips a UTF-8 byte order mark too. */
	if (js->len >= 3 && memcmp(js->s, "\xef\xbb\xbf", 3) == 0)
		js->pos = 3;
	scan_ws(js);
	rc = scan_value(js, 0, 0);
	if (rc)
		return rc;
	scan_ws(js);
	if (js->pos < js->len)
		return scan_fail(js, "unexpected data after the JSON value");
	return 0;
}

int
cstat__jscan(const char *s, size_t len, const char *name,
	     struct cstat__jnode **nodes, size_t *n, struct cstat_diag *d)
{
	struct jscan js = {
		.s = s ? s : "", .len = len, .line = 1, .name = name, .d = d};
	int rc = s || !len ? scan_json(&js) : CSTAT_EINVAL;

	/* One value, whose subtree is every node: gate-config.c walks the
	 * nodes in step with cJSON's tree from node 0. */
	assert(rc || (js.n > 0 && js.nodes[0].size == js.n));
	if (rc) {
		free(js.nodes);
		js.nodes = NULL;
		js.n = 0;
	}
	*nodes = js.nodes;
	*n = js.n;
	return rc;
}

/* ------------------------------------------------------------------------
 * The validator: the scanner's grammar and limits without the nodes, for
 * the history's lines (history-scan.c), where hundreds of megabytes are
 * checked and nothing is kept.  One loop with an explicit stack, so that
 * each byte costs a few instructions: digits and plain string bytes go
 * eight at a time.
 */

/* The bytes of the 8 at p (little-endian word) that are not digits, as
 * their high bits: a byte x ^ '0' is a digit when it is below 10, and
 * (x & 0x7f) + 0x76 carries into the high bit exactly from 10 up, without
 * reaching the next byte. */
static uint64_t
nondigits8(const char *p)
{
	uint64_t w, x;

	memcpy(&w, p, 8);
	x = w ^ 0x3030303030303030u;
	return (((x & 0x7f7f7f7f7f7f7f7fu) + 0x7676767676767676u) | x) &
	       0x8080808080808080u;
}

/* The bytes of the 8 at p that end a string's plain run: '"', '\\' or a
 * control byte (below 0x20), as their high bits.  A byte is zero after an
 * XOR exactly when it matched; (x - 1) & ~x sets its high bit for a zero
 * byte, here computed per byte without borrows by working on 7 bits. */
static uint64_t
stops8(const char *p)
{
	const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fu, hi = 0x8080808080808080u;
	uint64_t w, q, b, c;

	memcpy(&w, p, 8);
	q = w ^ 0x2222222222222222u; /* '"' */
	b = w ^ 0x5c5c5c5c5c5c5c5cu; /* '\\' */
	/* zero test of 7 bits: ((v & lo7) + lo7) has the high bit unless
	 * the low 7 bits are all zero; with v's own high bit, zero. */
	q = ~(((q & lo7) + lo7) | q) & hi;
	b = ~(((b & lo7) + lo7) | b) & hi;
	/* below 0x20: the byte's top three bits clear. */
	c = ~(((w & 0x6060606060606060u) + 0x6060606060606060u) | w) & hi;
	return q | b | c;
}

static size_t
skip_digits(const char *s, size_t len, size_t pos)
{
	while (pos + 8 <= len) {
		uint64_t m = nondigits8(s + pos);
		if (m)
			return pos + (size_t)(__builtin_ctzll(m) >> 3);
		pos += 8;
	}
	while (pos < len && jdigit(s[pos]))
		pos++;
	return pos;
}

/* The end of the number at pos (after it), or 0 when it is not one. */
static size_t
valid_number(const char *s, size_t len, size_t pos)
{
	size_t start = pos, d;

	if (pos < len && s[pos] == '-')
		pos++;
	if (pos < len && s[pos] == '0')
		pos++;
	else if ((d = skip_digits(s, len, pos)) > pos)
		pos = d;
	else
		return 0;
	if (pos < len && s[pos] == '.') {
		if ((d = skip_digits(s, len, pos + 1)) == pos + 1)
			return 0;
		pos = d;
	}
	if (pos < len && (s[pos] == 'e' || s[pos] == 'E')) {
		pos++;
		if (pos < len && (s[pos] == '+' || s[pos] == '-'))
			pos++;
		if ((d = skip_digits(s, len, pos)) == pos)
			return 0;
		pos = d;
	}
	return pos - start > CSTAT__JSON_MAX_NUMBER ? 0 : pos;
}

/* The end of the string whose '"' is at pos (after its closing quote), or
 * 0 when it is not one the scanner takes. */
static size_t
valid_string(const char *s, size_t len, size_t pos)
{
	struct jscan js = {.s = s, .len = len};

	for (pos++;;) {
		while (pos + 8 <= len) {
			uint64_t m = stops8(s + pos);
			if (m) {
				pos += (size_t)(__builtin_ctzll(m) >> 3);
				break;
			}
			pos += 8;
		}
		if (pos >= len || (unsigned char)s[pos] < ' ')
			return 0;
		if (s[pos] == '"')
			return pos + 1;
		if (s[pos] != '\\') {
			pos++; /* the tail, shorter than a word */
			continue;
		}
		/* Escapes are rare: the scanner's own rules, quietly. */
		js.pos = pos;
		if (scan_escape(&js))
			return 0;
		pos = js.pos;
	}
}

static size_t
skip_ws(const char *s, size_t len, size_t pos)
{
	while (pos < len && (s[pos] == ' ' || s[pos] == '\t' ||
			     s[pos] == '\r' || s[pos] == '\n'))
		pos++;
	return pos;
}

bool
cstat__json_valid(const char *s, size_t len)
{
	uint64_t objects = 0; /* bit k: level k + 1 is an object */
	unsigned depth = 0;
	size_t pos = 0, end;

	if (len >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	pos = skip_ws(s, len, pos);
value:
	if (pos >= len)
		return false;
	switch (s[pos]) {
	case '{':
	case '[':
		if (depth >= CSTAT__JSON_MAX_DEPTH)
			return false;
		objects = s[pos] == '{' ? objects | (uint64_t)1 << depth
					: objects & ~((uint64_t)1 << depth);
		depth++;
		pos = skip_ws(s, len, pos + 1);
		if (pos < len &&
		    s[pos] == (objects >> (depth - 1) & 1 ? '}' : ']')) {
			depth--;
			pos++;
			goto after;
		}
		if (objects >> (depth - 1) & 1)
			goto key;
		goto value;
	case '"':
		end = valid_string(s, len, pos);
		break;
	case 't':
		end = len - pos >= 4 && memcmp(s + pos, "true", 4) == 0
			      ? pos + 4
			      : 0;
		break;
	case 'f':
		end = len - pos >= 5 && memcmp(s + pos, "false", 5) == 0
			      ? pos + 5
			      : 0;
		break;
	case 'n':
		end = len - pos >= 4 && memcmp(s + pos, "null", 4) == 0
			      ? pos + 4
			      : 0;
		break;
	default:
		end = valid_number(s, len, pos);
		break;
	}
	if (!end)
		return false;
	pos = end;
after:
	if (depth == 0)
		return skip_ws(s, len, pos) == len;
	if (pos < len && s[pos] != ',' && s[pos] != '}' && s[pos] != ']')
		pos = skip_ws(s, len, pos);
	if (pos >= len)
		return false;
	if (s[pos] == ',') {
		pos = skip_ws(s, len, pos + 1);
		if (objects >> (depth - 1) & 1)
			goto key;
		goto value;
	}
	if (s[pos] != (objects >> (depth - 1) & 1 ? '}' : ']'))
		return false;
	depth--;
	pos++;
	goto after;
key:
	if (pos >= len || s[pos] != '"' || !(end = valid_string(s, len, pos)))
		return false;
	pos = skip_ws(s, len, end);
	if (pos >= len || s[pos] != ':')
		return false;
	pos = skip_ws(s, len, pos + 1);
	goto value;
}
