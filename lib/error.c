/*
 * error.c - error codes, their descriptions, diagnostics, the wording and
 * code of a system error (errno), and the version.
 *
 * The codes come from one X-macro list in cstat.h, so the enum, the text and
 * the names cannot drift apart.
 */
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

	if (!buf)
		size = 0;
	if (!d)
		n = snprintf(buf, size, "%s", "");
	else if (d->file && d->line > 0 && d->column > 0)
		n = snprintf(buf, size, "%s:%lu:%lu: %s", d->file, d->line,
			     d->column, d->message);
	else if (d->file && d->line > 0)
		n = snprintf(buf, size, "%s:%lu: %s", d->file, d->line,
			     d->message);
	else
		n = snprintf(buf, size, "%s", d->message);
	return n < 0 ? 0 : (size_t)n;
}

void
cstat__diag_set(struct cstat_diag *d, const char *file, unsigned long line,
		unsigned long column, const char *fmt, ...)
{
	va_list ap;

	if (!d)
		return;
	d->file = file;
	d->line = line;
	d->column = column;
	va_start(ap, fmt);
	vsnprintf(d->message, sizeof(d->message), fmt, ap);
	va_end(ap);
}

/* Go's wording for system errors: strerror with a lower-case first letter. */
void
cstat__errno_text(int err, char *buf, size_t size)
{
	const char *s;
	locale_t c = (locale_t)0;

	switch (err) {
	case ENOENT:
		s = "no such file or directory";
		break;
	case EACCES:
		s = "permission denied";
		break;
	case EISDIR:
		s = "is a directory";
		break;
	case ENOTDIR:
		s = "not a directory";
		break;
	default:
		/* Not the program's language: Go's messages are English. */
		c = newlocale(LC_ALL_MASK, "C", (locale_t)0);
		s = c ? strerror_l(err, c) : strerror(err);
	}
	snprintf(buf, size, "%s", s);
	if (c)
		freelocale(c);
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
}

int
cstat__errno_code(int err)
{
	switch (err) {
	case ENOENT:
		return CSTAT_ENOENT;
	case EACCES:
	case EPERM:
		return CSTAT_EACCES;
	case EISDIR:
		return CSTAT_EISDIR;
	case ENOMEM:
		return CSTAT_ENOMEM;
	case ENOSPC:
	case EDQUOT:
		return CSTAT_ENOSPC;
	default:
		return CSTAT_EIO;
	}
}
