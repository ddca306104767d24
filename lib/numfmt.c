/*
 * numfmt.c - numbers read and written exactly as Go's benchstat does.
 *
 * Parsing reproduces benchfmt's copy of strconv (ParseFloat and Atoi): the
 * grammar is checked here byte by byte with Go's rules, then the value is
 * computed either by Go's exact fast path (an integer mantissa of at most 15
 * digits times or divided by an exact power of ten, one correctly rounded
 * operation) or by handing libc's strtod() a canonical string it cannot
 * misread: digits without a decimal point and an exponent, so the locale
 * does not matter.  strtod() and Go's multiprecision fallback both round
 * correctly, so they agree on every input.
 *
 * Formatting finds Go's shortest round-trip digits with Ryu (shortest.c),
 * in integer arithmetic.  The search it replaced is kept as the reference
 * that the tests hold Ryu to (cstat__fmt_go_float_search()):
 * printf("%.16e") gives
 * the exactly rounded 17-digit form, shorter roundings are derived from it
 * (asking printf again only in the one case where rounding twice could
 * differ), and strtod() says whether a candidate reads back as the same
 * double.  The smallest length that reads back can be found by bisection,
 * because rounding to more digits never moves further from the value;
 * powers of two are the exception (their rounding interval is narrower
 * below than above, so a neighbour of the rounded form may fit where the
 * rounded form does not) and are searched length by length.  The
 * digits are then laid out by Go's %v rules.  printf("%.*f") gives
 * strconv's 'f' format, because glibc and Go both round the exact binary
 * value half to even.  The scalers are a transcription of benchunit's
 * tables, whose thresholds Go builds by parsing decimal and hexadecimal
 * strings; C's literals are rounded the same way.
 */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "pow5.h"

const double cstat__pow10_exact[23] = {
	1e0,  1e1,  1e2,  1e3,	1e4,  1e5,  1e6,  1e7,	1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

#if LDBL_MANT_DIG == 64
/*
 * Whether long double arithmetic really keeps 64 bits here: valgrind runs
 * x87 instructions in double precision, and the fast paths below would
 * then round wrongly.  volatile keeps the compiler from deciding it.
 */
static bool
ld_is_extended(void)
{
	volatile long double one = 1.0L;

	return one + 0x1p-63L != one;
}

/*
 * The 64-bit mantissa of v > 0 (its top bit set) and v's exponent as
 * frexpl() gives it.  x87's format holds the mantissa in its first 8
 * bytes, read directly there (frexpl() and ldexpl() took a tenth of the
 * time of reading a history).
 */
static uint64_t
ld_mantissa(long double v, int *e)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned char raw[sizeof(long double)];
	uint64_t bits;
	uint16_t se;

	memcpy(raw, &v, sizeof(v));
	memcpy(&bits, raw, 8);
	memcpy(&se, raw + 8, 2);
	*e = (int)(se & 0x7fff) - 16382;
	return bits;
#else
	return (uint64_t)ldexpl(frexpl(v, e), 64);
#endif
}
#endif

static int
clz64(uint64_t x)
{
	int n = 0;

	for (int s = 32; s > 0; s >>= 1)
		if ((x >> (64 - s)) == 0) {
			x <<= s;
			n += s;
		}
	return n;
}

/*
 * mant * 10^exp correctly rounded, by Lemire's algorithm (as Go's
 * eiselLemire64): the mantissa times a 128-bit power of ten, which
 * decides the rounding unless the product is too near a halfway point to
 * tell; then it gives up (false).  Integer arithmetic only, so it holds
 * under valgrind, which runs long double as double.
 */
static bool
eisel_lemire(uint64_t mant, int exp, bool neg, double *out)
{
	uint64_t xhi, xlo, yhi, ylo, bits;

	if (mant == 0 || exp < POW10_MIN || exp > POW10_MAX)
		return false;
	/* The table's entries are low half first. */
	const uint64_t *p = pow10_128[exp - POW10_MIN];
	int clz = clz64(mant);
	mant <<= clz;
	/* floor(exp * log2(10)) + 64 + bias - clz; 217706 / 2^16 is log2(10)
	 * closely enough for every exponent of the table. */
	int t = 217706 * exp;
	int fl = t >= 0 ? t >> 16 : -((-t + 65535) >> 16); /* floor(t / 2^16) */
	uint64_t e2 = (uint64_t)(fl + 64 + 1023 - clz);
	cstat__mul128(mant, p[1], &xhi, &xlo);
	if ((xhi & 0x1ff) == 0x1ff && xlo + mant < mant) {
		cstat__mul128(mant, p[0], &yhi, &ylo);
		uint64_t mhi = xhi, mlo = xlo + yhi;
		if (mlo < xlo)
			mhi++;
		if ((mhi & 0x1ff) == 0x1ff && mlo + 1 == 0 && ylo + mant < mant)
			return false;
		xhi = mhi;
		xlo = mlo;
	}
	uint64_t msb = xhi >> 63;
	uint64_t m = xhi >> (msb + 9);
	e2 -= 1 ^ msb;
	if (xlo == 0 && (xhi & 0x1ff) == 0 && (m & 3) == 1)
		return false; /* halfway: cannot tell */
	m += m & 1;
	m >>= 1;
	if (m >> 53) {
		m >>= 1;
		e2++;
	}
	if (e2 - 1 >= 0x7ff - 1)
		return false; /* subnormal, infinite: not here */
	bits = e2 << 52 | (m & 0x000fffffffffffffu);
	if (neg)
		bits |= (uint64_t)1 << 63;
	memcpy(out, &bits, sizeof(*out));
	return true;
}

/*
 * mant * 10^exp, rounded once: the exact case in doubles (Clinger's), else
 * Lemire's 128-bit product, else (near a halfway point) one division (or
 * multiplication) in long double, whose 64-bit mantissa holds a 19-digit
 * mantissa and 10^27 exactly, then rounded to double.  That second
 * rounding can differ from a single one only when the long double lies
 * within one of its units of a midpoint between two doubles: then false,
 * as for what this cannot take on.
 */
bool
cstat__decimal_exact(uint64_t mant, int exp, bool neg, double *out)
{
	if (mant == 0) {
		*out = neg ? -0.0 : 0.0;
		return true;
	}
	int k = exp < 0 ? -exp : exp;
	/* Go's and Clinger's exact case, in plain doubles: one rounding of
	 * exact operands. */
	if (mant >> 53 == 0 && k <= 22) {
		double d = (double)mant;
		d = exp >= 0 ? d * cstat__pow10_exact[k]
			     : d / cstat__pow10_exact[k];
		*out = neg ? -d : d;
		return true;
	}
	if (eisel_lemire(mant, exp, neg, out))
		return true;
#if LDBL_MANT_DIG == 64
	long double p, v;
	int e;

	if (k > 27 || !ld_is_extended())
		return false;
	/* 10^k for k <= 27 is 5^k 2^k with 5^27 < 2^64: exact in long
	 * double, as a product of two exact doubles past 1e22. */
	p = k <= 22 ? (long double)cstat__pow10_exact[k]
		    : (long double)cstat__pow10_exact[22] *
			      (long double)cstat__pow10_exact[k - 22];
	v = exp >= 0 ? (long double)mant * p : (long double)mant / p;
	/* The 11 bits below a double's 53: a midpoint is 0x400. */
	uint64_t bits = ld_mantissa(v, &e);
	unsigned low = (unsigned)(bits & 0x7ff);
	if (low >= 0x3ff && low <= 0x401)
		return false;
	if (e <= DBL_MIN_EXP || e > DBL_MAX_EXP)
		return false; /* subnormal or out of range: not here */
	*out = (double)(neg ? -v : v);
	return true;
#else
	return false;
#endif
}

/*
 * Significant decimal digits kept for strtod().  Deciding how a decimal
 * rounds to a double never needs more than 767 of them (the longest exact
 * midpoint between two doubles); the rest only matter as "nonzero or not",
 * which a sticky '1' digit preserves.  Go's own decimal keeps 800 the same
 * way.
 */
#define KEEP_DIGITS 800

/*
 * Go's lower(): maps 'A'-'Z' onto 'a'-'z' (and some other bytes onto
 * others, which never matters for the letters it is compared with).
 */
static unsigned char
lower(unsigned char c)
{
	return (unsigned char)(c | ('x' - 'X'));
}

static bool
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_hex_letter(unsigned char c)
{
	return lower(c) >= 'a' && lower(c) <= 'f';
}

const char *
cstat__parse_strerror(int status)
{
	switch (status) {
	case 0:
		return "";
	case CSTAT__PARSE_SYNTAX:
		return "invalid syntax";
	case CSTAT__PARSE_RANGE:
		return "value out of range";
	}
	return "unknown parse status";
}

/*
 * Go's underscoreOK: '_' may only separate two digits, or a base prefix
 * ("0x", "0b", "0o") and a digit.  An optional sign is skipped first.
 */
static bool
underscore_ok(const char *s, size_t len)
{
	char saw = '^';
	bool hex = false;
	size_t i = 0;

	if (len >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		len--;
	}
	if (len >= 2 && s[0] == '0') {
		unsigned char b = lower((unsigned char)s[1]);
		if (b == 'b' || b == 'o' || b == 'x') {
			i = 2;
			saw = '0';
			hex = b == 'x';
		}
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_digit(c) || (hex && is_hex_letter(c))) {
			saw = '0';
			continue;
		}
		if (c == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/* Case-insensitive (ASCII letters only) comparison with a lower-case word. */
static bool
equal_fold(const char *s, size_t len, const char *word)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + ('a' - 'A'));
		if (word[i] == '\0' || c != (unsigned char)word[i])
			return false;
	}
	return word[i] == '\0';
}

/* Go's special(): NaN, Inf and Infinity; only Inf may carry a sign. */
static bool
parse_special(const char *s, size_t len, double *out)
{
	if (len == 0)
		return false;
	switch (s[0]) {
	case '+':
	case '-':
		if (equal_fold(s + 1, len - 1, "inf") ||
		    equal_fold(s + 1, len - 1, "infinity")) {
			*out = s[0] == '-' ? -INFINITY : INFINITY;
			return true;
		}
		return false;
	case 'n':
	case 'N':
		if (equal_fold(s, len, "nan")) {
			*out = NAN;
			return true;
		}
		return false;
	case 'i':
	case 'I':
		if (equal_fold(s, len, "inf") ||
		    equal_fold(s, len, "infinity")) {
			*out = INFINITY;
			return true;
		}
		return false;
	}
	return false;
}

/*
 * A number as Go's readFloat sees it.  The value is 0.d1d2d3... times
 * base^dp (base 10, or 16 for hex where dp counts hex digits), then times
 * 10^exp (2^exp for hex) from the exponent part.
 */
struct scanned {
	bool neg, hex;
	/* Significant digits (from the first nonzero one), and where the
	 * point is relative to them. */
	long long nd, dp;
	/* The first 19 decimal (16 hex) significant digits, how many, and
	 * whether a nonzero digit was dropped after them. */
	uint64_t mant;
	int nd_mant;
	bool trunc;
	/* The exponent, signed, with Go's cap (see scan_exponent()). */
	long long exp;
	/* Decimal only: up to KEEP_DIGITS digits for strtod(), and whether a
	 * nonzero digit was dropped after them. */
	char digits[KEEP_DIGITS];
	int ndigits;
	bool sticky;
};

/*
 * Reads an exponent's digits and '_'s at s[*i] as Go does: once the value
 * reaches 10000 further digits are read but ignored.  The caller has
 * checked that the first byte is a digit.
 */
static long long
scan_exponent(const char *s, size_t len, size_t *i)
{
	long long e = 0;

	for (; *i < len; (*i)++) {
		unsigned char c = (unsigned char)s[*i];
		if (c == '_')
			continue;
		if (!is_digit(c))
			break;
		if (e < 10000)
			e = e * 10 + (c - '0');
	}
	return e;
}

/* Records one significant digit (value 0-15) of the mantissa. */
static void
add_digit(struct scanned *sc, unsigned char c, int value)
{
	int max_mant = sc->hex ? 16 : 19;

	sc->nd++;
	if (sc->nd_mant < max_mant) {
		sc->mant = sc->mant * (sc->hex ? 16u : 10u) + (unsigned)value;
		sc->nd_mant++;
	} else if (c != '0') {
		sc->trunc = true;
	}
	if (sc->hex)
		return;
	if (sc->ndigits < KEEP_DIGITS)
		sc->digits[sc->ndigits++] = (char)c;
	else if (c != '0')
		sc->sticky = true;
}

/*
 * Go's readFloat: sign, optional "0x", digits with '_' and at most one '.',
 * then an exponent ('e', or 'p' which hex requires).  Returns false on a
 * syntax error.  The caller has already run underscore_ok().
 */
static bool
scan_float(const char *s, size_t len, struct scanned *sc)
{
	size_t i = 0;
	bool sawdot = false, sawdigits = false;
	unsigned char exp_char = 'e';

	memset(sc, 0, offsetof(struct scanned, digits));
	sc->ndigits = 0;
	sc->sticky = false;
	if (i < len && (s[i] == '+' || s[i] == '-')) {
		sc->neg = s[i] == '-';
		i++;
	}
	if (i + 2 < len && s[i] == '0' &&
	    lower((unsigned char)s[i + 1]) == 'x') {
		sc->hex = true;
		exp_char = 'p';
		i += 2;
	}
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '_')
			continue;
		if (c == '.') {
			if (sawdot)
				return false;
			sawdot = true;
			sc->dp = sc->nd;
			continue;
		}
		if (is_digit(c)) {
			sawdigits = true;
			if (c == '0' && sc->nd == 0) {
				sc->dp--;
				continue;
			}
			add_digit(sc, c, c - '0');
			continue;
		}
		if (sc->hex && is_hex_letter(c)) {
			sawdigits = true;
			add_digit(sc, c, lower(c) - 'a' + 10);
			continue;
		}
		break;
	}
	if (!sawdigits)
		return false;
	if (!sawdot)
		sc->dp = sc->nd;
	if (i < len && lower((unsigned char)s[i]) == exp_char) {
		long long sign = 1;
		i++;
		if (i < len && (s[i] == '+' || s[i] == '-')) {
			sign = s[i] == '-' ? -1 : 1;
			i++;
		}
		if (i >= len || !is_digit((unsigned char)s[i]))
			return false;
		sc->exp = sign * scan_exponent(s, len, &i);
	} else if (sc->hex) {
		return false;
	}
	return i == len;
}

/*
 * Go's atof64exact: an integer mantissa below 2^53 times or divided by an
 * exact power of ten is one correctly rounded operation.  Returns false
 * where Go would fall back to its slow path.
 */
static bool
decimal_exact(const struct scanned *sc, double *out)
{
	long long e;
	double f;

	if (sc->trunc || sc->mant >> 53 != 0)
		return false;
	e = sc->dp + sc->exp - sc->nd_mant;
	f = (double)sc->mant;
	if (e == 0) {
		*out = f;
		return true;
	}
	if (e > 0 && e <= 15 + 22) {
		if (e > 22) {
			f *= cstat__pow10_exact[e - 22];
			e = 22;
		}
		if (f > 1e15)
			return false;
		*out = f * cstat__pow10_exact[e];
		return true;
	}
	if (e < 0 && e >= -22) {
		*out = f / cstat__pow10_exact[-e];
		return true;
	}
	return false;
}

/* The value of a scanned decimal number, rounded once to a double. */
static int
decimal_value(const struct scanned *sc, double *out)
{
	/* Digits, a sticky digit, 'e', a sign, up to 20 digits and a NUL. */
	char text[KEEP_DIGITS + 24];
	long long point = sc->dp + sc->exp;
	double v;
	int n = sc->ndigits;

	if (sc->nd == 0) {
		*out = 0;
		goto out_sign;
	}
	if (decimal_exact(sc, out))
		goto out_sign;
	/* The value lies in [10^(point-1), 10^point). */
	if (point > 310) {
		*out = INFINITY;
		if (sc->neg)
			*out = -*out;
		return CSTAT__PARSE_RANGE;
	}
	if (point < -330) {
		*out = 0;
		goto out_sign;
	}
	memcpy(text, sc->digits, (size_t)n);
	if (sc->sticky)
		text[n++] = '1';
	snprintf(text + n, sizeof(text) - (size_t)n, "e%lld", point - n);
	v = strtod(text, NULL);
	*out = sc->neg ? -v : v;
	return isinf(v) ? CSTAT__PARSE_RANGE : 0;

out_sign:
	if (sc->neg)
		*out = -*out;
	return 0;
}

/*
 * The value of a scanned hex float: mantissa times 2^exp, with a sticky
 * bit for dropped digits, rounded once (Go's atofHex rounds correctly too).
 */
static int
hex_value(const struct scanned *sc, double *out)
{
	char text[64];
	long long exp;
	double v;

	if (sc->mant == 0) {
		*out = sc->neg ? -0.0 : 0.0;
		return 0;
	}
	exp = sc->dp * 4 + sc->exp - sc->nd_mant * 4;
	/* mant < 2^64: beyond these bounds the result is Inf or 0. */
	if (exp > 1100) {
		*out = sc->neg ? -INFINITY : INFINITY;
		return CSTAT__PARSE_RANGE;
	}
	if (exp < -1300) {
		*out = sc->neg ? -0.0 : 0.0;
		return 0;
	}
	/* A trailing hex digit 1 stands for the dropped nonzero digits. */
	snprintf(text, sizeof(text), "0x%" PRIx64 "%sp%lld", sc->mant,
		 sc->trunc ? "1" : "", sc->trunc ? exp - 4 : exp);
	v = strtod(text, NULL);
	*out = sc->neg ? -v : v;
	return isinf(v) ? CSTAT__PARSE_RANGE : 0;
}

/* Go's bytesconv.ParseFloat(s, 64). */
static int
go_parse_float(const char *s, size_t len, double *out)
{
	struct scanned sc;

	*out = 0;
	if (!underscore_ok(s, len))
		return CSTAT__PARSE_SYNTAX;
	if (parse_special(s, len, out))
		return 0;
	if (!scan_float(s, len, &sc))
		return CSTAT__PARSE_SYNTAX;
	return sc.hex ? hex_value(&sc, out) : decimal_value(&sc, out);
}

/*
 * A fast path for the common "123.456": at most 19 digits with one '.'
 * among them, and no other byte.  Such a mantissa below 2^53 divided by an
 * exact power of ten is Go's exact case; anything else returns false.
 */
static bool
simple_decimal(const char *s, size_t len, double *out)
{
	uint64_t mant = 0;
	size_t i, dot = len;

	if (len < 2 || len > 20)
		return false;
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned)((unsigned char)s[i] - '0');
		if (d < 10) {
			mant = mant * 10 + d;
		} else if (s[i] == '.' && dot == len) {
			dot = i;
		} else {
			return false;
		}
	}
	if (dot == len || mant >> 53 != 0)
		return false;
	*out = (double)mant / cstat__pow10_exact[len - 1 - dot];
	return true;
}

int
cstat__parse_float(const char *s, size_t len, double *out)
{
	int64_t val = 0;
	size_t i;

	/* benchfmt's fast path: digits only, while an int64 cannot overflow. */
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned)((unsigned char)s[i] - '0');
		if (d >= 10 || val > (INT64_MAX - 10) / 10)
			break;
		val = val * 10 + (int64_t)d;
	}
	if (len > 0 && i == len) {
		*out = (double)val;
		return 0;
	}
	if (simple_decimal(s, len, out))
		return 0;
	return go_parse_float(s, len, out);
}

/*
 * Go's ParseInt(s, 10, 64) after the sign: ParseUint's loop, which reports
 * overflow as soon as it happens, even if a bad byte follows.
 */
static int
parse_uint10(const char *s, size_t len, uint64_t *out)
{
	const uint64_t cutoff = UINT64_MAX / 10 + 1;
	uint64_t n = 0;
	size_t i;

	*out = 0;
	if (len == 0 || !underscore_ok(s, len))
		return CSTAT__ATOI_SYNTAX;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		uint64_t n1;
		if (!is_digit(c))
			return CSTAT__ATOI_SYNTAX;
		if (n >= cutoff) {
			*out = UINT64_MAX;
			return CSTAT__ATOI_RANGE;
		}
		n *= 10;
		n1 = n + (uint64_t)(c - '0');
		if (n1 < n) {
			*out = UINT64_MAX;
			return CSTAT__ATOI_RANGE;
		}
		n = n1;
	}
	*out = n;
	return 0;
}

int
cstat__parse_int(const char *s, size_t len, long long *out)
{
	const uint64_t cutoff = (uint64_t)1 << 63;
	bool neg = false;
	size_t i = 0;
	uint64_t un;
	int rc;

	*out = 0;
	if (len > 0 && (s[0] == '+' || s[0] == '-')) {
		neg = s[0] == '-';
		i = 1;
	}
	/* Go's fast path for fewer than 19 bytes, which cannot overflow. */
	if (len > 0 && len < 19) {
		long long n = 0;
		if (i == len)
			return CSTAT__ATOI_SYNTAX;
		for (; i < len; i++) {
			unsigned d = (unsigned)((unsigned char)s[i] - '0');
			if (d > 9)
				return CSTAT__ATOI_SYNTAX;
			n = n * 10 + (long long)d;
		}
		*out = neg ? -n : n;
		return 0;
	}
	if (len == 0)
		return CSTAT__ATOI_SYNTAX;
	rc = parse_uint10(s + i, len - i, &un);
	if (rc == CSTAT__ATOI_SYNTAX)
		return rc;
	if (!neg && un >= cutoff) {
		*out = INT64_MAX;
		return CSTAT__ATOI_RANGE;
	}
	if (neg && un > cutoff) {
		*out = INT64_MIN;
		return CSTAT__ATOI_RANGE;
	}
	if (neg)
		*out = un == cutoff ? INT64_MIN : -(long long)un;
	else
		*out = (long long)un;
	return 0;
}

/*
 * Copies printf's output for a finite number into out, with '.' for the
 * locale's decimal point whatever bytes that is; returns the new length.
 */
static size_t
copy_c_locale(char *out, const char *text)
{
	size_t n = 0;
	bool in_point = false;

	for (; *text; text++) {
		unsigned char c = (unsigned char)*text;
		if (is_digit(c) || c == '-' || c == '+' || c == 'e') {
			in_point = false;
			out[n++] = (char)c;
		} else if (!in_point) {
			in_point = true;
			out[n++] = '.';
		}
	}
	out[n] = '\0';
	return n;
}

/* Copies len bytes of text to buf as snprintf would, NUL included. */
static void
copy_out(char *buf, size_t bufsize, const char *text, size_t len)
{
	if (bufsize == 0)
		return;
	if (len >= bufsize)
		len = bufsize - 1;
	memcpy(buf, text, len);
	buf[len] = '\0';
}

/* The text of a NaN or infinity in Go's 'f', 'e' and 'g' formats. */
static const char *
special_text(double v)
{
	if (isnan(v))
		return "NaN";
	return v < 0 ? "-Inf" : "+Inf";
}

/*
 * Whether fma() rounds once, as C says: an emulator may compute it as a
 * product and a sum (then ties go to printf).  volatile keeps the
 * compiler from deciding it.
 */
static bool
fma_is_exact(void)
{
	volatile double a = 1 + 0x1p-30, c = -(1 + 0x1p-29);

	return fma(a, a, c) == 0x1p-60;
}

/*
 * The common case of cstat__fmt_go_fixed() without printf, which dominates
 * the time to render a large table.  x = v * 10^prec is computed in
 * double; below 2^40 its ulp is at most 2^-13, a divisor of one half, and
 * its rounding error at most half an ulp.  So a fraction other than one
 * half rounds as the exact product would, and on one half the product's
 * exact error (fma) says which way, or that it is a true tie (to even).
 * Returns the length written to buf, or 0 to ask for the exact (printf)
 * path (large values, many decimals).
 */
static size_t
fixed_fast(char *buf, double v, int prec)
{
	static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5,
				       1e6, 1e7, 1e8, 1e9, 1e10};
	char digits[24];
	size_t nd = 0, len = 0;

	if (prec > 10)
		return 0;
	double x = fabs(v) * pow10[prec];
	if (!(x < 1099511627776.0))
		return 0;
	double fl = floor(x), frac = x - fl;
	uint64_t r = (uint64_t)fl;
	if (frac != 0.5) {
		r += frac > 0.5;
	} else {
		/* The exact product is x + err: above, below or on the tie,
		 * which goes to even (fma's product is exact). */
		if (!fma_is_exact())
			return 0;
		double err = fma(fabs(v), pow10[prec], -x);
		r += err > 0 || (err == 0 && (r & 1));
	}
	do {
		digits[nd++] = (char)('0' + r % 10);
		r /= 10;
	} while (r > 0);
	while (nd <= (size_t)prec)
		digits[nd++] = '0';
	if (signbit(v))
		buf[len++] = '-';
	while (nd > (size_t)prec)
		buf[len++] = digits[--nd];
	if (prec > 0) {
		buf[len++] = '.';
		while (nd > 0)
			buf[len++] = digits[--nd];
	}
	buf[len] = '\0';
	return len;
}

/* The exact path of cstat__fmt_go_fixed(): printf, then Go's layout. */
static size_t
fixed_exact(char *buf, size_t bufsize, double v, int prec)
{
	/* Room for the sign, 309 digits, a multibyte point, 64 decimals. */
	char raw[CSTAT__GO_FIXED_SIZE(CSTAT__GO_FIXED_MAXPREC) + 16];
	char text[sizeof(raw)];
	size_t len;

	snprintf(raw, sizeof(raw), "%.*f", prec, v);
	len = copy_c_locale(text, raw);
	copy_out(buf, bufsize, text, len);
	return len;
}

size_t
cstat__fmt_go_fixed(char *buf, size_t bufsize, double v, int prec)
{
	char text[40];
	size_t len;

	if (!isfinite(v)) {
		const char *sp = special_text(v);
		copy_out(buf, bufsize, sp, strlen(sp));
		return strlen(sp);
	}
	if (prec < 0)
		prec = 0;
	if (prec > CSTAT__GO_FIXED_MAXPREC)
		prec = CSTAT__GO_FIXED_MAXPREC;
	/* fixed_fast writes at most 1 + 13 + 1 + 10 + 1 bytes. */
	if (bufsize >= sizeof(text)) {
		len = fixed_fast(buf, v, prec);
		if (len)
			return len;
	} else {
		len = fixed_fast(text, v, prec);
		if (len) {
			copy_out(buf, bufsize, text, len);
			return len;
		}
	}
	return fixed_exact(buf, bufsize, v, prec);
}

size_t
cstat__fmt_c(char *buf, size_t size, const char *fmt, ...)
{
	char raw[CSTAT__FMT_C_SIZE + 16], text[sizeof(raw)];
	size_t n = 0;
	bool in_point = false;
	va_list ap;

	va_start(ap, fmt);
	int len = vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	if (len < 0)
		raw[0] = '\0';
	/* Letters stay: "inf" and "nan" have no point to replace. */
	for (const char *t = raw; *t; t++) {
		unsigned char c = (unsigned char)*t;
		bool alnum =
			is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'z');
		if (alnum || c == '-' || c == '+') {
			in_point = false;
			text[n++] = (char)c;
		} else if (!in_point) {
			in_point = true;
			text[n++] = '.';
		}
	}
	text[n] = '\0';
	copy_out(buf, size, text, n);
	return n;
}

/*
 * Decimal digits of a positive double: value = 0.d[0]d[1]... * 10^dp, with
 * no trailing zeros (Go's decimalSlice).
 */
struct digits {
	char d[24];
	int nd, dp;
};

/*
 * A positive double and its 17 significant digits (printf's exact
 * rounding), from which shorter roundings are derived.
 */
struct rounder {
	double a;
	char d17[17];
	int e17;
};

/*
 * Rounds a to p significant digits with printf's exact rounding, as the
 * integer *m times 10^*e10.  Reads the digits around any locale's decimal
 * point.
 */
static void
printf_round(double a, int p, uint64_t *m, int *e10)
{
	char raw[64];
	const char *t;
	uint64_t mant = 0;
	int exp = 0, sign = 1;

	snprintf(raw, sizeof(raw), "%.*e", p - 1, a);
	for (t = raw; *t && *t != 'e'; t++)
		if (is_digit((unsigned char)*t))
			mant = mant * 10 + (uint64_t)(*t - '0');
	if (*t == 'e')
		t++;
	if (*t == '-' || *t == '+')
		sign = *t++ == '-' ? -1 : 1;
	for (; is_digit((unsigned char)*t); t++)
		exp = exp * 10 + (*t - '0');
	*m = mant;
	*e10 = sign * exp - (p - 1);
}

/*
 * printf_round(a, 17, ...) without printf when it can be had so: a times
 * the power of ten that brings it to 17 digits, once in long double (exact
 * operands up to 10^27, one rounding: off by less than 2^-8 at 2^57), then
 * rounded to an integer, unless the fraction lies near one half, where
 * that error could decide.  false when unsure or out of range.
 */
static bool
fast_round17(double a, uint64_t *m, int *e10)
{
#if LDBL_MANT_DIG == 64
	int e2;

	if (!ld_is_extended())
		return false;
	frexp(a, &e2);
	/* floor(log10(a)), or one less: corrected below. */
	int e = (int)floor((double)(e2 - 1) * 0.30102999566398120);
	for (int tries = 0; tries < 3; tries++) {
		int k = 16 - e, ak = k < 0 ? -k : k;
		if (ak > 27)
			return false;
		long double p =
			ak <= 22 ? (long double)cstat__pow10_exact[ak]
				 : (long double)cstat__pow10_exact[22] *
					   (long double)
						   cstat__pow10_exact[ak - 22];
		long double x =
			k >= 0 ? (long double)a * p : (long double)a / p;
		if (x >= 1e17L) {
			e++;
			continue;
		}
		if (x < 1e16L) {
			e--;
			continue;
		}
		uint64_t ip = (uint64_t)x;
		long double frac = x - (long double)ip;
		if (frac > 0.49L && frac < 0.51L)
			return false;
		ip += frac > 0.5L;
		if (ip == 100000000000000000u) {
			ip /= 10;
			e++;
		}
		*m = ip;
		*e10 = e - 16;
		return true;
	}
#else
	(void)a;
	(void)m;
	(void)e10;
#endif
	return false;
}

/* Sets up a rounder for a finite a > 0. */
static void
rounder_init(struct rounder *r, double a)
{
	uint64_t m;
	int i;

	r->a = a;
	/* printf's exact rounding was a third of the time of exporting a
	 * history; most numbers need none. */
	if (!fast_round17(a, &m, &r->e17))
		printf_round(a, 17, &m, &r->e17);
	for (i = 16; i >= 0; i--) {
		r->d17[i] = (char)('0' + m % 10);
		m /= 10;
	}
}

/*
 * Rounds a to p significant digits as the integer *m times 10^*e10.
 * Rounding the 17-digit form again gives the same result unless that form
 * ends exactly on a midpoint of p-digit numbers ("...5000"): a midpoint
 * has at most 17 digits, so it cannot lie strictly between a and its
 * closest 17-digit neighbour.  Only that tie is sent back to printf.
 */
static void
round_to(const struct rounder *r, int p, uint64_t *m, int *e10)
{
	uint64_t mant = 0;
	int i, tail = 0;

	for (i = 0; i < p; i++)
		mant = mant * 10 + (uint64_t)(r->d17[i] - '0');
	*e10 = r->e17 + (17 - p);
	if (p < 17) {
		tail = r->d17[p] > '5' ? 1 : r->d17[p] < '5' ? -1 : 0;
		for (i = p + 1; i < 17 && tail == 0; i++)
			if (r->d17[i] != '0')
				tail = 1;
	}
	if (tail == 0 && p < 17) {
		printf_round(r->a, p, m, e10);
		return;
	}
	*m = tail > 0 ? mant + 1 : mant;
}

/* 10^k for k < 20: every power of ten a uint64_t holds. */
static const uint64_t pow10_u64[20] = {
	1u,
	10u,
	100u,
	1000u,
	10000u,
	100000u,
	1000000u,
	10000000u,
	100000000u,
	1000000000u,
	10000000000u,
	100000000000u,
	1000000000000u,
	10000000000000u,
	100000000000000u,
	1000000000000000u,
	10000000000000000u,
	100000000000000000u,
	1000000000000000000u,
	10000000000000000000u,
};

size_t
cstat__fmt_uint(char *out, uint64_t v)
{
	static const char pairs[] = "00010203040506070809"
				    "10111213141516171819"
				    "20212223242526272829"
				    "30313233343536373839"
				    "40414243444546474849"
				    "50515253545556575859"
				    "60616263646566676869"
				    "70717273747576777879"
				    "80818283848586878889"
				    "90919293949596979899";
	/* The length by comparisons, which do not wait on each other as
	 * a chain of divisions would. */
	size_t n = 1;
	while (n < 20 && v >= pow10_u64[n])
		n++;
	/* Two digits per division, from the right. */
	size_t end = n;
	while (v >= 100) {
		size_t k = (size_t)(v % 100) * 2;
		v /= 100;
		out[--end] = pairs[k + 1];
		out[--end] = pairs[k];
	}
	if (v >= 10) {
		out[--end] = pairs[v * 2 + 1];
		out[--end] = pairs[v * 2];
	} else {
		out[--end] = (char)('0' + v);
	}
	return n;
}

/* Writes v in decimal at out; returns the number of digits. */
static size_t
put_uint(char *out, uint64_t v)
{
	return cstat__fmt_uint(out, v);
}

/* Whether m * 10^e10 reads back as exactly a. */
static bool
reads_back(uint64_t m, int e10, double a)
{
	char text[48];
	size_t n;
	double v;

	if (m == 0)
		return false;
	/* Exactly, without strtod(), most of the time (a third of the
	 * time of exporting a history went to strtod() here). */
	if (cstat__decimal_exact(m, e10, false, &v))
		return v == a;
	n = put_uint(text, m);
	text[n++] = 'e';
	if (e10 < 0) {
		text[n++] = '-';
		e10 = -e10;
	}
	n += put_uint(text + n, (uint64_t)e10);
	text[n] = '\0';
	return strtod(text, NULL) == a;
}

/*
 * Steps m * 10^e10, a number of p digits, down to the next smaller number
 * of p digits (1000 becomes 999 with the exponent one lower).  Returns false
 * if there is none.
 */
static bool
below(uint64_t *m, int *e10, int p)
{
	uint64_t low = 1;
	int i;

	for (i = 1; i < p; i++)
		low *= 10;
	if (*m == 0)
		return false;
	if (*m == low) {
		*m = low * 10 - 1;
		(*e10)--;
		return true;
	}
	(*m)--;
	return true;
}

/* Turns m * 10^e10 (m > 0) into Go's digits, dropping trailing zeros. */
static void
set_digits(struct digits *dg, uint64_t m, int e10)
{
	char tmp[20];
	int n = 0;

	while (m % 10 == 0) {
		m /= 10;
		e10++;
	}
	/* Two digits per division, from the right. */
	int end = sizeof(tmp);
	while (m >= 100) {
		unsigned r = (unsigned)(m % 100);
		m /= 100;
		tmp[--end] = (char)('0' + r % 10);
		tmp[--end] = (char)('0' + r / 10);
	}
	if (m >= 10)
		tmp[--end] = (char)('0' + m % 10);
	tmp[--end] = (char)('0' + (m >= 10 ? m / 10 : m));
	n = (int)sizeof(tmp) - end;
	memcpy(dg->d, tmp + end, (size_t)n);
	dg->nd = n;
	dg->dp = n + e10;
}

/*
 * Go's shortest digits for a finite a > 0 by search: the fewest digits that
 * read back as a, and of those the closest to a.  The reference that
 * cstat__shortest() is tested against (cstat__fmt_go_float_search()).
 */
static void
search_digits(double a, struct digits *dg)
{
	struct rounder r;
	uint64_t m = 0;
	int e10 = 0, lo = 1, hi = 17, p, exp2;

	/* Integers below 2^53: their own digits, as Go's Ryu starts with. */
	if (a < 0x1p53 && a == floor(a)) {
		set_digits(dg, (uint64_t)a, 0);
		return;
	}
	rounder_init(&r, a);
	if (frexp(a, &exp2) != 0.5) {
		/* The interval around a is symmetric: bisect on p. */
		while (lo < hi) {
			p = lo + (hi - lo) / 2;
			round_to(&r, p, &m, &e10);
			if (reads_back(m, e10, a))
				hi = p;
			else
				lo = p + 1;
		}
		round_to(&r, lo, &m, &e10);
		set_digits(dg, m, e10);
		return;
	}
	/*
	 * A power of two: the nearest p-digit number may miss the narrow
	 * lower half of the interval while its upper neighbour fits.  At the
	 * first length where anything fits, only one of the three can.
	 */
	for (p = 1; p <= 17; p++) {
		round_to(&r, p, &m, &e10);
		if (reads_back(m, e10, a))
			break;
		if (reads_back(m + 1, e10, a)) {
			m++;
			break;
		}
		if (below(&m, &e10, p) && reads_back(m, e10, a))
			break;
	}
	set_digits(dg, m, e10);
}

/*
 * Go's shortest digits for a finite a > 0, as search_digits() finds them,
 * but by Ryu (shortest.c) in a few dozen nanoseconds rather than a
 * bisection of roundings that each read back.
 */
static void
shortest_digits(double a, struct digits *dg)
{
	uint64_t m;
	int e10;

	/* Integers below 2^53: their own digits, as Go's Ryu starts with. */
	if (a < 0x1p53 && a == (double)(uint64_t)a) {
		set_digits(dg, (uint64_t)a, 0);
		return;
	}
	cstat__shortest(a, &m, &e10);
	set_digits(dg, m, e10);
}

/* Appends the exponent Go's %e prints: a sign and at least two digits. */
static size_t
put_exponent(char *out, int exp)
{
	size_t n = 0;

	out[n++] = 'e';
	out[n++] = exp < 0 ? '-' : '+';
	if (exp < 0)
		exp = -exp;
	if (exp >= 100)
		out[n++] = (char)('0' + exp / 100);
	out[n++] = (char)('0' + exp / 10 % 10);
	out[n++] = (char)('0' + exp % 10);
	return n;
}

/* cstat__fmt_go_float() with the digits of the search or of Ryu. */
static size_t
fmt_go_float(char *buf, double v, bool search)
{
	struct digits dg;
	size_t n = 0;
	int exp;

	if (!isfinite(v)) {
		const char *sp = special_text(v);
		strcpy(buf, sp);
		return strlen(sp);
	}
	if (signbit(v))
		buf[n++] = '-';
	if (v == 0) {
		buf[n++] = '0';
		buf[n] = '\0';
		return n;
	}
	if (search)
		search_digits(fabs(v), &dg);
	else
		shortest_digits(fabs(v), &dg);
	exp = dg.dp - 1;
	if (exp < -4 || exp >= 6) {
		/* %e: d.ddde±dd */
		buf[n++] = dg.d[0];
		if (dg.nd > 1) {
			buf[n++] = '.';
			memcpy(buf + n, dg.d + 1, (size_t)(dg.nd - 1));
			n += (size_t)(dg.nd - 1);
		}
		n += put_exponent(buf + n, exp);
		buf[n] = '\0';
		return n;
	}
	/* %f: the integer part, then the remaining digits, if any. */
	if (dg.dp >= dg.nd) {
		memcpy(buf + n, dg.d, (size_t)dg.nd);
		memset(buf + n + dg.nd, '0', (size_t)(dg.dp - dg.nd));
		n += (size_t)dg.dp;
	} else if (dg.dp > 0) {
		memcpy(buf + n, dg.d, (size_t)dg.dp);
		n += (size_t)dg.dp;
		buf[n++] = '.';
		memcpy(buf + n, dg.d + dg.dp, (size_t)(dg.nd - dg.dp));
		n += (size_t)(dg.nd - dg.dp);
	} else {
		buf[n++] = '0';
		buf[n++] = '.';
		memset(buf + n, '0', (size_t)-dg.dp);
		n += (size_t)-dg.dp;
		memcpy(buf + n, dg.d, (size_t)dg.nd);
		n += (size_t)dg.nd;
	}
	buf[n] = '\0';
	return n;
}

size_t
cstat__fmt_go_float(char *buf, double v)
{
	return fmt_go_float(buf, v, false);
}

size_t
cstat__fmt_go_float_search(char *buf, double v)
{
	return fmt_go_float(buf, v, true);
}

/*
 * One prefix of benchunit: its factor, and the smallest values printed
 * with 1, 2 and 3 decimals ("100.0", "10.00", "1.000" after rounding).
 */
struct factor {
	double factor;
	const char *prefix;
	double t100, t10, t1;
};

/* mkSIFactors: 10^exp and the decimal strings 99.995e<exp> and so on. */
static const struct factor si_factors[] = {
	{1e12, "T", 99.995e12, 9.9995e12, .99995e12},
	{1e9, "G", 99.995e9, 9.9995e9, .99995e9},
	{1e6, "M", 99.995e6, 9.9995e6, .99995e6},
	{1e3, "k", 99.995e3, 9.9995e3, .99995e3},
	{1, "", 99.995, 9.9995, .99995},
	{1e-3, "m", 99.995e-3, 9.9995e-3, .99995e-3},
	{1e-6, "\xc2\xb5", 99.995e-6, 9.9995e-6, .99995e-6},
	{1e-9, "n", 99.995e-9, 9.9995e-9, .99995e-9},
};

/* mkIECFactors: 2^exp, thresholds from hexadecimal strings. */
static const struct factor iec_factors[] = {
	{0x1p40, "Ti", 0x1.8ffae147ae148p46, 0x1.3ffbe76c8b439p43,
	 0x1.fff972474538fp39},
	{0x1p30, "Gi", 0x1.8ffae147ae148p36, 0x1.3ffbe76c8b439p33,
	 0x1.fff972474538fp29},
	{0x1p20, "Mi", 0x1.8ffae147ae148p26, 0x1.3ffbe76c8b439p23,
	 0x1.fff972474538fp19},
	{0x1p10, "Ki", 0x1.8ffae147ae148p16, 0x1.3ffbe76c8b439p13,
	 0x1.fff972474538fp9},
	{1, "", 0x1.8ffae147ae148p6, 0x1.3ffbe76c8b439p3, 0x1.fff972474538fp-1},
};

/* mkSigfigs: below the smallest prefix, 3 + i decimals from sigfigs[i]. */
static const double sigfigs[] = {
	9.9995e-1, 9.9995e-2, 9.9995e-3, 9.9995e-4,
	9.9995e-5, 9.9995e-6, 9.9995e-7, 9.9995e-8,
};

#define SIGFIGS_BASE 3
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void
set_scaler(struct cstat__scaler *s, int prec, const struct factor *f)
{
	s->factor = f->factor;
	s->prec = prec;
	s->prefix = f->prefix;
}

void
cstat__scaler_common(struct cstat__scaler *s, const double *vals, size_t n,
		     int scaling)
{
	const struct factor *factors = si_factors;
	size_t nfactors = COUNT(si_factors), i;
	double min = 0, val;

	/* The nonzero magnitude closest to zero; comparisons as in Go. */
	for (i = 0; i < n; i++) {
		double v = fabs(vals[i]);
		if (v != 0 && (min == 0 || v < min))
			min = v;
	}
	if (min == 0) {
		s->factor = 1;
		s->prec = 3;
		s->prefix = "";
		return;
	}
	if (scaling == CSTAT__SCALE_BINARY) {
		factors = iec_factors;
		nfactors = COUNT(iec_factors);
	}
	for (i = 0; i < nfactors; i++) {
		const struct factor *f = &factors[i];
		if (min >= f->t100) {
			set_scaler(s, 1, f);
			return;
		}
		if (min >= f->t10) {
			set_scaler(s, 2, f);
			return;
		}
		if (min >= f->t1) {
			set_scaler(s, 3, f);
			return;
		}
	}
	/* Below the smallest prefix: more decimals for the same sigfigs. */
	val = min / factors[nfactors - 1].factor;
	for (i = 0; i < COUNT(sigfigs); i++) {
		if (val >= sigfigs[i] || i == COUNT(sigfigs) - 1)
			break;
	}
	set_scaler(s, (int)i + SIGFIGS_BASE, &factors[nfactors - 1]);
}

size_t
cstat__scaler_format(const struct cstat__scaler *s, double v, char *buf,
		     size_t bufsize)
{
	char text[CSTAT__GO_FIXED_SIZE(CSTAT__GO_FIXED_MAXPREC)];
	size_t len, plen = strlen(s->prefix);

	len = cstat__fmt_go_fixed(text, sizeof(text), v / s->factor, s->prec);
	copy_out(buf, bufsize, text, len);
	if (len < bufsize)
		copy_out(buf + len, bufsize - len, s->prefix, plen);
	return len + plen;
}

size_t
cstat__scale_format(double v, int scaling, char *buf, size_t bufsize)
{
	struct cstat__scaler s;

	cstat__scaler_common(&s, &v, 1, scaling);
	return cstat__scaler_format(&s, v, buf, bufsize);
}
