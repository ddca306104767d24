/*
 * units.h - benchmark units: tidying and scaling, as Go's benchunit does,
 * and the gate's unit classes.
 *
 * A unit such as "ns/op" or "MB/s" is a list of tokens separated by '*',
 * '/', '-' and Unicode white space; tokens after a '/' form the
 * denominator, and a '*' returns to the numerator.  Tidying rewrites the
 * numerator tokens "ns" to "sec" and "MB" to "B" and yields the factor that
 * converts a value into the tidied unit (benchunit/tidy.go).  The scaling
 * of a unit says whether its values scale by powers of 1000 or of 1024
 * (what benchunit calls its class, benchunit.ClassOf).  "Class" in cstat
 * means the other thing: the gate's kind of unit (time, memory, allocs,
 * throughput, other: cstat_unit_class_of() in cstat.h), which picks
 * thresholds and which way is better.  Nothing here allocates except
 * cstat__unit_tidy().
 */
#ifndef CSTAT_UNITS_H
#define CSTAT_UNITS_H

#include <stdbool.h>
#include <stddef.h>

/* How values of a unit are scaled for display (benchunit.Class). */
enum cstat__scaling {
	/* Powers of 1000 with SI prefixes: T G M k "" m µ n. */
	CSTAT__SCALE_DECIMAL = 0,
	/* Powers of 1024 with IEC prefixes: Ti Gi Mi Ki "". */
	CSTAT__SCALE_BINARY = 1,
};

/*
 * The scaling of a unit, as benchunit.ClassOf: binary if a numerator token is
 * exactly "B", "MB" or "bytes" (so "B/op", "MB/s" and "size-B" are binary,
 * "ops/B" is not), otherwise decimal.
 *
 * @param unit  the unit, NUL-terminated.
 * @return CSTAT__SCALE_BINARY or CSTAT__SCALE_DECIMAL.
 */
int cstat__unit_scaling(const char *unit);

/* cstat__unit_scaling() for len bytes at unit, which may contain NULs. */
int cstat__unit_scaling_n(const char *unit, size_t len);

/*
 * A buffer size that always holds the tidied form of a unit of len bytes
 * plus a NUL: each "ns" that becomes "sec" needs a separator beside it, so
 * the text grows by at most a third.
 */
/*
 * The gate's unit class (enum cstat_unit_class) named by the len bytes at
 * s ("time", "memory", "allocs", "throughput", "other"), or -1.
 */
int cstat__unit_class_named(const char *s, size_t len);

#define CSTAT__UNIT_TIDY_SIZE(len) ((len) + (len) / 2 + 2)

/*
 * Tidies a unit into a caller's buffer, as benchunit's tidyUnit: every
 * numerator token "ns" becomes "sec" and every numerator token "MB" becomes
 * "B"; all other bytes are copied unchanged.  The factor is composed in
 * token order exactly as Go does (starting from 1, "/= 1e9" per "ns" and
 * "*= 1e6" per "MB"), so it is bit-identical to Go's.  "ns/op" gives
 * "sec/op" and 1e-9, "MB/s" gives "B/s" and 1e6, "B/op" gives "B/op" and 1.
 *
 * @param unit    the unit, len bytes, not necessarily NUL-terminated.
 * @param len     its length.
 * @param buf     receives the tidied unit and a NUL; it must hold at least
 *                CSTAT__UNIT_TIDY_SIZE(len) bytes.
 * @param factor  receives the factor that converts a value into the tidied
 *                unit (multiply by it).
 * @return the length of the tidied unit, without the NUL.
 */
size_t cstat__unit_tidy_buf(const char *unit, size_t len, char *buf,
			    double *factor);

/*
 * Tidies a unit into a new string; see cstat__unit_tidy_buf().  The caller
 * still applies benchfmt's rule for each value (cstat__unit_tidy_keeps()).
 *
 * @param unit    the unit, len bytes, not necessarily NUL-terminated.
 * @param len     its length.
 * @param out     receives the tidied unit, NUL-terminated, allocated with
 *                malloc(); the caller frees it.  On failure *out is NULL.
 * @param factor  receives the conversion factor (1 on failure).
 * @return 0, CSTAT_EINVAL if unit (with len > 0), out or factor is NULL, or
 *         CSTAT_ENOMEM.
 */
int cstat__unit_tidy(const char *unit, size_t len, char **out, double *factor);

/*
 * Whether benchfmt keeps a value in its original unit.  The reader computes
 * tidyVal = val * factor (benchunit.Tidy multiplies once by the composed
 * factor) and, if tidyVal == val, stores the original value with the
 * original unit; otherwise the tidied value with the tidied unit.  So 0 and
 * ±Inf stay in "ns/op", NaN (never equal to itself) always moves to the
 * tidied unit, and a factor of 1 always keeps the unit.  The product is
 * rounded to double once, as in Go (this needs FLT_EVAL_METHOD 0, i.e. SSE2
 * or any 64-bit target, and no FMA contraction, which does not apply to a
 * lone product anyway).
 *
 * @param val     the value as parsed.
 * @param factor  the factor from cstat__unit_tidy() for its unit.
 * @param tidied  if not NULL, receives val * factor.
 * @return true to keep the original unit and value, false to use the
 *         tidied ones.
 */
bool cstat__unit_tidy_keeps(double val, double factor, double *tidied);

#endif /* CSTAT_UNITS_H */
