/*
 * text.c - UTF-8 and text (text.h): Go's rune decoding and white space,
 * code point counts, a terminal's column width, invalid bytes repaired,
 * Markdown's escape of a byte, the spreadsheet-formula test of a CSV
 * field, a truncating copy and trimming.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "cstat-private.h"

/* Decodes one UTF-8 character as Go's utf8.DecodeRune (invalid: U+FFFD, 1). */
size_t
cstat__utf8_decode(const unsigned char *s, size_t n, unsigned long *c)
{
	unsigned char b = s[0];
	size_t len;
	unsigned long v, min;

	if (b < 0x80) {
		*c = b;
		return 1;
	}
	if (b >= 0xc2 && b <= 0xdf) {
		len = 2, v = b & 0x1f, min = 0x80;
	} else if (b >= 0xe0 && b <= 0xef) {
		len = 3, v = b & 0x0f, min = 0x800;
	} else if (b >= 0xf0 && b <= 0xf4) {
		len = 4, v = b & 0x07, min = 0x10000;
	} else {
		*c = 0xfffd;
		return 1;
	}
	if (n < len)
		goto bad;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			goto bad;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		goto bad;
	*c = v;
	return len;
bad:
	*c = 0xfffd;
	return 1;
}

/* Go's unicode.IsSpace. */
bool
cstat__unicode_space(unsigned long c)
{
	switch (c) {
	case '\t':
	case '\n':
	case '\v':
	case '\f':
	case '\r':
	case ' ':
	case 0x85:
	case 0xa0:
	case 0x1680:
	case 0x2028:
	case 0x2029:
	case 0x202f:
	case 0x205f:
	case 0x3000:
		return true;
	default:
		return c >= 0x2000 && c <= 0x200a;
	}
}

size_t
cstat__utf8_runes(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Whether c takes no column: a combining mark or a zero-width character. */
static bool
zero_width(unsigned long c)
{
	return (c >= 0x0300 && c <= 0x036f) || (c >= 0x0483 && c <= 0x0489) ||
	       (c >= 0x0591 && c <= 0x05bd) || (c >= 0x1ab0 && c <= 0x1aff) ||
	       (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x200b && c <= 0x200f) ||
	       (c >= 0x20d0 && c <= 0x20ff) || (c >= 0xfe00 && c <= 0xfe0f) ||
	       (c >= 0xfe20 && c <= 0xfe2f) || c == 0xfeff;
}

/* Whether c takes two columns: East Asian wide or fullwidth. */
static bool
double_width(unsigned long c)
{
	return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0x303e) ||
	       (c >= 0x3041 && c <= 0x33ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	       (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xa000 && c <= 0xa4cf) ||
	       (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
	       (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) ||
	       (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1f64f) ||
	       (c >= 0x1f680 && c <= 0x1f6ff) ||
	       (c >= 0x1f900 && c <= 0x1f9ff) || (c >= 0x20000 && c <= 0x3fffd);
}

size_t
cstat__text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t w = 0, n = strlen(s);

	while (n) {
		unsigned long c;
		size_t l =
			*p < 0x80 ? (c = *p, 1) : cstat__utf8_decode(p, n, &c);
		w += zero_width(c) ? 0 : double_width(c) ? 2 : 1;
		p += l;
		n -= l;
	}
	return w;
}

int
cstat__utf8_repair(struct cstat__buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	int rc = 0;

	while (i < len) {
		unsigned long c = 0;
		size_t n = 1;

		if (p[i] >= 0x80)
			n = cstat__utf8_decode(p + i, len - i, &c);
		if (p[i] >= 0x80 && c == 0xfffd && n == 1) {
			rc |= cstat__buf_add(b, s + run, i - run);
			rc |= cstat__buf_add(b, "\xef\xbf\xbd", 3);
			run = i + 1;
		}
		i += n;
	}
	rc |= cstat__buf_add(b, s + run, len - run);
	return rc ? CSTAT_ENOMEM : 0;
}

/*
 * The replacement of an ASCII byte in Markdown text, or NULL to keep it.
 * Shared by cstat's and cregress's Markdown, so both escape alike.  A backslash
 * before any ASCII punctuation is a literal in CommonMark, and inside a GFM
 * table cell
 * "\|" is how a '|' is written.
 */
const char *
cstat__md_escape(char ch)
{
	switch (ch) {
	case '\n':
	case '\r':
		return " ";
	case '\\':
		return "\\\\";
	case '|':
		return "\\|";
	case '*':
		return "\\*";
	case '_':
		return "\\_";
	case '`':
		return "\\`";
	case '<':
		return "\\<";
	case '>':
		return "\\>";
	case '[':
		return "\\[";
	case ']':
		return "\\]";
	case '&': /* "&lt;" would become an entity */
		return "\\&";
	case '~': /* "~~" is strikethrough */
		return "\\~";
	case '$': /* "$x$" is math on GitHub */
		return "\\$";
	default:
		return NULL;
	}
}

/* Whether s is a plain decimal number, maybe signed, maybe a percentage. */
static bool
plain_number(const char *s)
{
	size_t digits = 0;

	if (*s == '+' || *s == '-')
		s++;
	for (; (*s >= '0' && *s <= '9') || *s == '.'; s++)
		digits += *s != '.';
	if (digits && (*s == 'e' || *s == 'E')) {
		s += (s[1] == '+' || s[1] == '-') ? 2 : 1;
		if (*s < '0' || *s > '9')
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == '%')
		s++;
	return digits > 0 && *s == '\0';
}

bool
cstat__csv_formula(const char *s)
{
	if (!strchr("=+-@\t\r", s[0]) || s[0] == '\0')
		return false;
	return !plain_number(s);
}

size_t
cstat__strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

const char *
cstat__trim(const char *s, size_t *len)
{
	size_t n = strlen(s);

	while (n && strchr(" \t\n\r\v\f", s[0])) {
		s++;
		n--;
	}
	while (n && strchr(" \t\n\r\v\f", s[n - 1]))
		n--;
	*len = n;
	return s;
}
