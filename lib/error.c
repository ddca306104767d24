/*
 * error.c - error codes, their descriptions, diagnostics and the version.
 *
 * The codes come from one X-macro list in cstat.h, so the enum, the text and
 * the names cannot drift apart.
 */
#include <stdio.h>

#include "cstat-private.h"

const char *
cstat_version(void)
{
	return CSTAT_VERSION_STRING;
}

const char *
cstat_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
#define CSTAT__ERRNO_TEXT(name, value, text)                                   \
	case CSTAT_E##name:                                                    \
		return text;
		CSTAT_ERRNO_MAP(CSTAT__ERRNO_TEXT)
#undef CSTAT__ERRNO_TEXT
	default:
		return "unknown error";
	}
}

const char *
cstat_err_name(int err)
{
	switch (err) {
#define CSTAT__ERRNO_NAME(name, value, text)                                   \
	case CSTAT_E##name:                                                    \
		return "CSTAT_E" #name;
		CSTAT_ERRNO_MAP(CSTAT__ERRNO_NAME)
#undef CSTAT__ERRNO_NAME
	default:
		return "CSTAT_UNKNOWN";
	}
}

size_t
cstat_diag_format(const struct cstat_diag *d, char *buf, size_t size)
{
	int n;

	if (d->file && d->line > 0 && d->column > 0)
		n = snprintf(buf, size, "%s:%lu:%lu: %s", d->file, d->line,
			     d->column, d->message);
	else if (d->file && d->line > 0)
		n = snprintf(buf, size, "%s:%lu: %s", d->file, d->line,
			     d->message);
	else
		n = snprintf(buf, size, "%s", d->message);
	return n < 0 ? 0 : (size_t)n;
}
