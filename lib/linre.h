/*
 * linre.h - a linear-time matcher for the POSIX extended regexps the filter
 * language translates Go's syntax into.
 *
 * glibc's regexec can take time quadratic in the text (".fullname:/x+y/"
 * on a 100,000-byte name took 15 s), and names come from other people's
 * code.  This engine simulates the automaton (a Pike VM without captures),
 * so a match costs at most (text length + 1) x (program size) steps.  It
 * reads the pattern as glibc does in the C locale (bytes; bracket
 * expressions with ranges and [:classes:]; ^ and $ only at the ends of the
 * text), except that "\<", "\>", "\`" and "\'" are the literal characters,
 * as in Go, not glibc's word and buffer anchors.
 */
#ifndef CSTAT_LINRE_H
#define CSTAT_LINRE_H

#include <stdbool.h>
#include <stddef.h>

struct cstat__re;

/*
 * Compiles the POSIX extended regexp pat (already accepted by regcomp).
 * @return 0, CSTAT_ENOMEM, or CSTAT_ESYNTAX for a pattern this engine
 * does not read or whose program would pass CSTAT__RE_MAX_PROG.
 */
int cstat__re_compile(const char *pat, struct cstat__re **out);

/* The largest program (instructions) a regexp may compile to. */
#define CSTAT__RE_MAX_PROG 2000000

/*
 * Whether re matches anywhere in text[0..len).  *steps (when not NULL)
 * is increased by the number of thread steps taken, for tests.  re keeps
 * scratch memory between calls, so one re is not matched on two threads
 * at once.  Out of memory is no match.
 */
bool cstat__re_match(struct cstat__re *re, const char *text, size_t len,
		     unsigned long long *steps);

/* Frees re; NULL is a no-op. */
void cstat__re_free(struct cstat__re *re);

#endif /* CSTAT_LINRE_H */
