/*
 * units.c - benchmark units: tidying and classes, as Go's benchunit does.
 *
 * Both operations walk the unit with benchunit's parser: separators are
 * '*' (back to the numerator), '/' (into the denominator), '-' and any
 * Unicode white space (unicode.IsSpace), and a token is a maximal run of
 * anything else.  Go ranges over the unit rune by rune; matching the UTF-8
 * encodings of the white-space runes byte by byte finds the same
 * separators, because each of them starts with a byte that cannot continue
 * another rune, and Go reads any invalid byte as a one-byte rune.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "cstat.h"
#include "units.h"

/*
 * The length of the separator at s[0] (at most len bytes), or 0 if s[0]
 * starts a token.  *kind is the separator's effect on the side: '*', '/'
 * or 0 for none.
 */
static size_t
separator(const unsigned char *s, size_t len, char *kind)
{
	*kind = 0;
	switch (s[0]) {
	case '*':
	case '/':
		*kind = (char)s[0];
		return 1;
	case '-':
	case ' ':
	case '\t':
	case '\n':
	case '\v':
	case '\f':
	case '\r':
		return 1;
	case 0xc2:
		/* U+0085 NEL and U+00A0 NO-BREAK SPACE. */
		return len >= 2 && (s[1] == 0x85 || s[1] == 0xa0) ? 2 : 0;
	case 0xe1:
		/* U+1680 OGHAM SPACE MARK. */
		return len >= 3 && s[1] == 0x9a && s[2] == 0x80 ? 3 : 0;
	case 0xe2:
		if (len < 3)
			return 0;
		/* U+2000..U+200A, U+2028, U+2029, U+202F. */
		if (s[1] == 0x80 &&
		    ((s[2] >= 0x80 && s[2] <= 0x8a) || s[2] == 0xa8 ||
		     s[2] == 0xa9 || s[2] == 0xaf))
			return 3;
		/* U+205F MEDIUM MATHEMATICAL SPACE. */
		return s[1] == 0x81 && s[2] == 0x9f ? 3 : 0;
	case 0xe3:
		/* U+3000 IDEOGRAPHIC SPACE. */
		return len >= 3 && s[1] == 0x80 && s[2] == 0x80 ? 3 : 0;
	}
	return 0;
}

/* benchunit's parser: a position in a unit and the current token. */
struct unit_parser {
	const unsigned char *s;
	size_t len, pos;
	/* The current token. */
	size_t tok, toklen;
	bool denom;
};

static void
parser_init(struct unit_parser *p, const char *unit, size_t len)
{
	p->s = (const unsigned char *)unit;
	p->len = len;
	p->pos = 0;
	p->tok = p->toklen = 0;
	p->denom = false;
}

/* Moves to the next token; returns false at the end of the unit. */
static bool
parser_next(struct unit_parser *p)
{
	size_t n;
	char kind;

	while (p->pos < p->len) {
		n = separator(p->s + p->pos, p->len - p->pos, &kind);
		if (n == 0)
			break;
		if (kind == '*')
			p->denom = false;
		else if (kind == '/')
			p->denom = true;
		p->pos += n;
	}
	if (p->pos >= p->len)
		return false;
	p->tok = p->pos;
	while (p->pos < p->len &&
	       separator(p->s + p->pos, p->len - p->pos, &kind) == 0)
		p->pos++;
	p->toklen = p->pos - p->tok;
	return true;
}

/* Whether the current token is exactly word. */
static bool
token_is(const struct unit_parser *p, const char *word)
{
	size_t n = strlen(word);

	return p->toklen == n && memcmp(p->s + p->tok, word, n) == 0;
}

int
cstat__unit_scaling_n(const char *unit, size_t len)
{
	struct unit_parser p;

	parser_init(&p, unit, len);
	while (parser_next(&p)) {
		if (!p.denom && (token_is(&p, "B") || token_is(&p, "MB") ||
				 token_is(&p, "bytes")))
			return CSTAT__SCALE_BINARY;
	}
	return CSTAT__SCALE_DECIMAL;
}

int
cstat__unit_scaling(const char *unit)
{
	return cstat__unit_scaling_n(unit, strlen(unit));
}

size_t
cstat__unit_tidy_buf(const char *unit, size_t len, char *buf, double *factor)
{
	struct unit_parser p;
	size_t copied = 0, n = 0;
	double f = 1;

	parser_init(&p, unit, len);
	while (parser_next(&p)) {
		const char *repl;
		if (p.denom)
			continue;
		if (token_is(&p, "ns")) {
			repl = "sec";
			f /= 1e9;
		} else if (token_is(&p, "MB")) {
			repl = "B";
			f *= 1e6;
		} else {
			continue;
		}
		memcpy(buf + n, unit + copied, p.tok - copied);
		n += p.tok - copied;
		memcpy(buf + n, repl, strlen(repl));
		n += strlen(repl);
		copied = p.tok + p.toklen;
	}
	/* The callers' buffers hold CSTAT__UNIT_TIDY_SIZE(len) bytes: each
	 * "ns" that grows by a byte has a separator beside it. */
	assert(n + (len - copied) < CSTAT__UNIT_TIDY_SIZE(len));
	memcpy(buf + n, unit + copied, len - copied);
	n += len - copied;
	buf[n] = '\0';
	*factor = f;
	return n;
}

int
cstat__unit_tidy(const char *unit, size_t len, char **out, double *factor)
{
	char *buf;

	if (out)
		*out = NULL;
	if (factor)
		*factor = 1;
	if (!out || !factor || (!unit && len > 0))
		return CSTAT_EINVAL;
	buf = malloc(CSTAT__UNIT_TIDY_SIZE(len));
	if (!buf)
		return CSTAT_ENOMEM;
	cstat__unit_tidy_buf(unit ? unit : "", len, buf, factor);
	*out = buf;
	return 0;
}

bool
cstat__unit_tidy_keeps(double val, double factor, double *tidied)
{
	/* Stored to a double first, so any excess precision is dropped. */
	double t = val * factor;

	if (tidied)
		*tidied = t;
	return t == val;
}

/* ------------------------------------------------------------------------
 * The gate's unit classes (cstat.h): which thresholds apply, which way is
 * better.  Not the scaling above.
 */

static const char *const class_names[] = {
	"time", "memory", "allocs", "throughput", "other",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const char *
cstat_unit_class_name(int cls)
{
	if (cls < 0 || (size_t)cls >= COUNT(class_names))
		return NULL;
	return class_names[cls];
}

int
cstat__unit_class_named(const char *s, size_t len)
{
	for (size_t i = 0; i < COUNT(class_names); i++)
		if (strlen(class_names[i]) == len &&
		    memcmp(class_names[i], s, len) == 0)
			return (int)i;
	return -1;
}

/* Whether the len bytes at s are one of the NULL-terminated words. */
static bool
is_one_of(const char *s, size_t len, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == len && memcmp(*words, s, len) == 0)
			return true;
	return false;
}

/*
 * The class of a tidied unit ("sec/op", "B/op", "allocs/op", "B/s",
 * "ops/s", "frames/sec", "sec/msg", ...).  The numerator is the text before
 * the first '/' (the whole unit when it has none), the denominator the text
 * after the last '/'.  The first of these that holds decides:
 *
 *   throughput  the denominator is "s", "sec", "second" or "seconds"
 *               ("B/s", "ops/s", "frames/sec");
 *   time        the numerator is "sec", "s", "ns", "us", "µs" or "ms"
 *               ("sec/op", "sec/msg");
 *   memory      the numerator is "B", "bytes", "KB", "MB", "GB", "KiB",
 *               "MiB" or "GiB" ("B/op");
 *   allocs      the numerator is "allocs" or "allocations" ("allocs/op");
 *   other       anything else, and a NULL unit.
 */
int
cstat_unit_class_of(const char *unit)
{
	static const char *const per_second[] = {"s", "sec", "second",
						 "seconds", NULL};
	/* "µs" as U+00B5 (Go's spelling) and as U+03BC. */
	static const char *const time_units[] = {
		"sec", "s", "ns", "us", "\xc2\xb5s", "\xce\xbcs", "ms", NULL};
	static const char *const memory_units[] = {
		"B", "bytes", "KB", "MB", "GB", "KiB", "MiB", "GiB", NULL};
	static const char *const alloc_units[] = {"allocs", "allocations",
						  NULL};

	if (!unit)
		return CSTAT_CLASS_OTHER;
	const char *first = strchr(unit, '/'), *last = strrchr(unit, '/');
	size_t num_len = first ? (size_t)(first - unit) : strlen(unit);

	if (last && is_one_of(last + 1, strlen(last + 1), per_second))
		return CSTAT_CLASS_THROUGHPUT;
	if (is_one_of(unit, num_len, time_units))
		return CSTAT_CLASS_TIME;
	if (is_one_of(unit, num_len, memory_units))
		return CSTAT_CLASS_MEMORY;
	if (is_one_of(unit, num_len, alloc_units))
		return CSTAT_CLASS_ALLOCS;
	return CSTAT_CLASS_OTHER;
}
