/*
 * error-private.h - the messages the library builds (error.c): a diagnostic's
 * text at its file, line and column, and what an errno value says and
 * which CSTAT_E* code it is.  The codes themselves are cstat.h's.
 */
#ifndef CSTAT_ERROR_H
#define CSTAT_ERROR_H

#include <stddef.h>

#include "cstat.h"

/* Fills d with a formatted message at file:line. */
void cstat__diag_set(struct cstat_diag *d, const char *file, unsigned long line,
		     unsigned long column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Go's wording for a system error (strerror in the "C" locale, whatever
 * the program's, lower-case first letter: "no such file or directory")
 * into buf. */
void cstat__errno_text(int err, char *buf, size_t size);
/* The CSTAT_E* code for an errno value (CSTAT_EIO for the unknown). */
int cstat__errno_code(int err);

#endif /* CSTAT_ERROR_H */
