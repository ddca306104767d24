/*
 * numfmt.h - numbers read and written exactly as Go's benchstat does.
 *
 * Parsing follows benchfmt's private copy of strconv (bytesconv): ParseFloat
 * for measurements and Atoi for iteration counts, with Go's grammar
 * (underscores, hexadecimal floats, NaN and Inf spellings) and Go's error
 * classes.  Formatting follows strconv.FormatFloat: the shortest digits
 * that round-trip, laid out as fmt.Sprint(float64) does, and 'f' with a
 * precision.  On top of that sit benchunit's scalers, which pick an SI or
 * IEC prefix and a precision for a row of values (benchunit/scale.go).
 *
 * Everything here is exact: results are bit-for-bit and byte-for-byte those
 * of Go, whatever the C locale (no output depends on LC_NUMERIC).  No
 * function allocates, keeps state or fails other than as documented.
 */
#ifndef CSTAT_NUMFMT_H
#define CSTAT_NUMFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "units.h"

/*
 * Why a number was rejected.  These are positive on purpose: they are
 * verdicts on input text, not library errors, and never escape through the
 * public API.  The reader turns them into Go's messages (see
 * cstat__parse_strerror()).
 */
enum cstat__parse_status {
	/* Go's strconv.ErrSyntax: "invalid syntax". */
	CSTAT__PARSE_SYNTAX = 1,
	/* Go's strconv.ErrRange: "value out of range". */
	CSTAT__PARSE_RANGE = 2,
};

/* The names the iteration-count parser's callers use. */
#define CSTAT__ATOI_SYNTAX CSTAT__PARSE_SYNTAX
#define CSTAT__ATOI_RANGE CSTAT__PARSE_RANGE

/*
 * Go's text for a parse status: "invalid syntax" or "value out of range"
 * (strconv.ErrSyntax and ErrRange), "" for 0.  The string is static.
 */
const char *cstat__parse_strerror(int status);

/*
 * Parses a measurement exactly as benchfmt's atof: a run of ASCII digits
 * that fits an int64 is converted directly, anything else goes through Go's
 * ParseFloat(s, 64).  Go accepts, and so does this:
 *   - decimal numbers with an optional sign, digits with at most one '.'
 *     (".5" and "5." too) and an optional exponent "e" or "E", sign, digits;
 *   - '_' between digits, or between a base prefix and a digit ("1_000",
 *     "1e1_0", "0x_1p0"), but not elsewhere ("_1", "1__0", "1_.5");
 *   - hexadecimal floats, which need a 'p' exponent ("0x1p-2", "0X1.8P1");
 *   - "NaN", "Inf", "Infinity" in any case, Inf with a sign ("+inf").
 * Rejected as invalid syntax: "0x10" (no 'p'), "0b1", "+NaN", "1e", ".",
 * "", spaces anywhere, any trailing byte.
 * A value whose magnitude rounds beyond the largest double is a range
 * error ("1e400"; Go's reader rejects the line with "value out of range");
 * one that rounds to zero is not ("1e-400" is 0).  Results are correctly
 * rounded (IEEE round-half-even), with Go's quirk that only the first five
 * digits of a long exponent count once they reach 10000.
 *
 * @param s    the text, len bytes; it need not be NUL-terminated.
 * @param len  its length.
 * @param out  receives the value: 0 on a syntax error and ±Inf on a range
 *             error, as Go returns.
 * @return 0, CSTAT__PARSE_SYNTAX or CSTAT__PARSE_RANGE.
 */
int cstat__parse_float(const char *s, size_t len, double *out);

/*
 * The 128-bit product of a and b as *hi and *lo: the multiplication that
 * Ryu's formatting (shortest.c) and Lemire's parsing (numfmt.c) are made
 * of, one instruction where the compiler has 128-bit integers.
 */
static inline void
cstat__mul128(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
#ifdef __SIZEOF_INT128__
	__extension__ typedef unsigned __int128 cstat__u128;
	cstat__u128 p = (cstat__u128)a * b;

	*hi = (uint64_t)(p >> 64);
	*lo = (uint64_t)p;
#else
	uint64_t a0 = a & 0xffffffffu, a1 = a >> 32;
	uint64_t b0 = b & 0xffffffffu, b1 = b >> 32;
	uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
	uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);

	*lo = (mid << 32) | (p00 & 0xffffffffu);
	*hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

/*
 * mant * 10^exp (negated when neg) correctly rounded to a double, into
 * *out, when it can be had fast: mant of at most 19 digits and exp within
 * [-27, 27], and not too near a midpoint of two doubles.  false otherwise
 * (*out untouched): then the caller parses the text.
 */
bool cstat__decimal_exact(uint64_t mant, int exp, bool neg, double *out);

/*
 * Parses an iteration count exactly as Go's strconv.Atoi on a 64-bit
 * platform: an optional '+' or '-' then decimal digits only (no '_', no
 * spaces, no base prefix).  "+5" is 5, "-5" is -5.  A number outside the
 * int64 range is a range error, detected as Go does: a string of 19 or more
 * bytes that overflows before any bad byte is seen is a range error even if
 * a bad byte follows ("99999999999999999999x"), otherwise a syntax error.
 *
 * @param s    the text, len bytes; it need not be NUL-terminated.
 * @param len  its length.
 * @param out  receives the value: 0 on a syntax error, INT64_MAX or
 *             INT64_MIN (by sign) on a range error, as Go returns.
 * @return 0, CSTAT__ATOI_SYNTAX or CSTAT__ATOI_RANGE.
 */
int cstat__parse_int(const char *s, size_t len, long long *out);

/* A buffer this large holds any cstat__fmt_go_float() text and its NUL. */
#define CSTAT__GO_FLOAT_SIZE 32

/*
 * Formats v as Go's fmt.Sprint(float64), fmt's "%v" and
 * strconv.FormatFloat(v, 'g', -1, 64), which all agree: the shortest
 * decimal digits that parse back to v (the closest such digits if several
 * exist), in %e form iff the decimal exponent is < -4 or >= 6 (the
 * exponent with a sign and at least two digits), otherwise in %f form
 * without trailing zeros.  Examples: 999999, 1e+06, 1.234567e+06, 0.0001,
 * 1.234e-05, 1.5e-08, 63.99999999999998, 5e-324, 0, -0, NaN, +Inf, -Inf.
 *
 * @param buf  receives the text and a NUL; at least CSTAT__GO_FLOAT_SIZE
 *             bytes.
 * @param v    the value.
 * @return the length of the text, without the NUL.
 */
size_t cstat__fmt_go_float(char *buf, double v);

/*
 * cstat__fmt_go_float() by the search it used before Ryu: roundings of
 * printf's 17 digits to fewer, bisected on whether they read back.  Slow
 * (hundreds of nanoseconds); kept as the independent reference the tests
 * hold the fast path to.
 */
size_t cstat__fmt_go_float_search(char *buf, double v);

/*
 * Go's shortest digits of a finite a > 0, by Ryu (shortest.c): the fewest
 * decimal digits m * 10^e10 that read back as a, and of those the closest
 * to a (ties to an even last digit).  m may end in zeros.
 */
void cstat__shortest(double a, uint64_t *m, int *e10);

/*
 * Writes v in decimal at out, without a NUL: printf's "%" PRIu64 without
 * printf, for writers that put out millions of numbers.  out needs room
 * for 20 bytes.  @return the number of digits.
 */
size_t cstat__fmt_uint(char *out, uint64_t v);

/* The largest precision cstat__fmt_go_fixed() honours. */
#define CSTAT__GO_FIXED_MAXPREC 64

/*
 * A buffer this large holds any cstat__fmt_go_fixed() text with precision
 * prec and its NUL: a sign, 309 integer digits, '.', prec digits.
 */
#define CSTAT__GO_FIXED_SIZE(prec) (312 + (size_t)(prec))

/*
 * Formats v as strconv.FormatFloat(v, 'f', prec, 64): exactly rounded, half
 * to even on the exact binary value (0.125 at precision 2 is "0.12"), a '-'
 * for every negative value including -0 and values that round to zero
 * ("-0.000"), and "NaN", "+Inf", "-Inf" for the special values.  Go's fmt
 * "%.Nf" without flags prints the same text.
 *
 * @param buf      receives the text and a NUL, truncated to bufsize - 1
 *                 bytes if need be (nothing is written if bufsize is 0).
 * @param bufsize  the size of buf; CSTAT__GO_FIXED_SIZE(prec) always
 *                 suffices.
 * @param v        the value.
 * @param prec     digits after the decimal point, 0 to
 *                 CSTAT__GO_FIXED_MAXPREC (clamped to that range).
 * @return the length of the whole text, without the NUL, as snprintf: a
 *         value >= bufsize means the text was truncated.
 */
size_t cstat__fmt_go_fixed(char *buf, size_t bufsize, double v, int prec);

/* A buffer this large holds any cstat__fmt_c() text and its NUL. */
#define CSTAT__FMT_C_SIZE 400

/*
 * Formats one double as printf does in the "C" locale, whatever the host
 * program's LC_NUMERIC: printf's text with '.' for the locale's decimal
 * point (',' in de_DE, two bytes in ps_AF).  fmt must convert exactly one
 * double with %e, %E, %f, %g or %G and hold nothing else ("%.3g", not
 * "p=%.3g"), so that every byte that is not a digit, sign or letter is
 * the point.  For report text; the renderers of tables use Go's formats
 * above.
 *
 * @param buf   receives the text and a NUL, truncated to size - 1 bytes
 *              if need be (nothing is written if size is 0).
 * @param size  the size of buf; CSTAT__FMT_C_SIZE always suffices.
 * @return the length of the whole text, without the NUL, as snprintf.
 */
size_t cstat__fmt_c(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * How to print the numbers of one row (benchunit.Scaler): divide by factor,
 * print with prec digits after the point, append prefix.
 */
struct cstat__scaler {
	/* The value of one prefix unit: 1e-9 for "n", 0x1p20 for "Mi". */
	double factor;
	/* Digits after the decimal point, 1 to 10. */
	int prec;
	/* "", "T", "G", "M", "k", "m", "\u00b5" (in UTF-8), "n", "Ti", "Gi",
	 * "Mi" or "Ki"; a static string. */
	const char *prefix;
};

/*
 * Chooses one scale for all of vals, as benchunit.CommonScale: the
 * smallest nonzero magnitude decides (so a row can print "1073.00n" beside
 * "35.60n").  With the prefix whose thresholds it reaches first (largest
 * first), the precision is 1 if it is >= 99.995 prefix units, 2 if >= 9.9995
 * and 3 if >= 0.99995.  Below the smallest prefix ("n", or "" for binary)
 * the precision grows from 3 to 10 (thresholds 9.9995e-1 .. 9.9995e-8).
 * If every value is zero (or n is 0) the scaler is factor 1, precision 3,
 * no prefix.  NaN is handled as Go does: if it is the first nonzero value
 * the scaler becomes precision 10 with the smallest prefix; later it is
 * ignored.  Infinities choose "T" (or "Ti") with precision 1.
 *
 * @param s           receives the scaler.
 * @param vals        the values, in the row's order (order matters only for
 *                    NaN, as in Go).
 * @param n           how many.
 * @param scaling  CSTAT__SCALE_BINARY for IEC prefixes; any other value
 *                    means decimal (Go panics on a bad class).
 */
void cstat__scaler_common(struct cstat__scaler *s, const double *vals, size_t n,
			  int scaling);

/* A buffer this large holds any scaled number and its NUL. */
#define CSTAT__SCALE_SIZE 400

/*
 * Formats v with a scaler, as benchunit.Scaler.Format: v / factor as
 * cstat__fmt_go_fixed() with the scaler's precision, then the prefix, and
 * no unit.  1718e-9 with a "µ" scaler of precision 3 gives "1.718µ"; NaN
 * with an "n" scaler gives "NaNn" and +Inf with "T" gives "+InfT".
 *
 * @param s        the scaler.
 * @param v        the value.
 * @param buf      receives the text and a NUL, truncated to bufsize - 1
 *                 bytes if need be (nothing is written if bufsize is 0).
 * @param bufsize  the size of buf; CSTAT__SCALE_SIZE always suffices
 *                 (up to 324 bytes are needed, for -DBL_MAX at
 *                 precision 10).
 * @return the length of the whole text, without the NUL, as snprintf.
 */
size_t cstat__scaler_format(const struct cstat__scaler *s, double v, char *buf,
			    size_t bufsize);

/*
 * Formats one value with its own scale, as benchunit.Scale (used for the
 * geomean cells): cstat__scaler_common() over v alone, then
 * cstat__scaler_format().  1718e-9 gives "1.718µ", 1550 binary gives
 * "1.514Ki", 5 binary gives "5.000".
 *
 * @return as cstat__scaler_format().
 */
size_t cstat__scale_format(double v, int scaling, char *buf, size_t bufsize);

/* Exact powers of ten, 1e0 to 1e22: every one is a double without
 * rounding (Clinger's fast path, the decimal codes, Go's formatting). */
extern const double cstat__pow10_exact[23];

#endif /* CSTAT_NUMFMT_H */
