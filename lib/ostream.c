/*
 * ostream.c - the output stream of libcstat's writers and its escapers
 * (ostream.h).
 *
 * One buffer, written out in blocks of CSTAT__OS_FLUSH_AT bytes to a
 * FILE * or a file descriptor, or kept whole in memory.  The first error
 * is kept and stops all writing after it, so a report that fails half way
 * leaves exactly the blocks written before the failure.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cstat-private.h"
#include "numfmt.h"
#include "ostream.h"

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

void
cstat__os_file(struct cstat__ostream *s, FILE *f)
{
	*s = (struct cstat__ostream){.target = CSTAT__OS_FILE,
				     .file = f,
				     .limit = CSTAT__OS_FLUSH_AT};
}

void
cstat__os_fd(struct cstat__ostream *s, int fd)
{
	*s = (struct cstat__ostream){
		.target = CSTAT__OS_FD, .fd = fd, .limit = CSTAT__OS_FLUSH_AT};
}

void
cstat__os_memory(struct cstat__ostream *s)
{
	*s = (struct cstat__ostream){.target = CSTAT__OS_MEMORY,
				     .limit = SIZE_MAX};
}

void
cstat__os_fail(struct cstat__ostream *s, int err)
{
	if (!s->err)
		s->err = err;
}

/* Writes the n bytes at p to the descriptor, whatever write() takes. */
static int
write_fd(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return k < 0 ? cstat__errno_code(errno) : CSTAT_EIO;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Writes the n bytes at p to the stream's target. */
static int
put_out(const struct cstat__ostream *s, const void *p, size_t n)
{
	if (s->target == CSTAT__OS_FD)
		return write_fd(s->fd, p, n);
	return fwrite(p, 1, n, s->file) == n ? 0 : CSTAT_EIO;
}

/* Writes the buffer out to the target; the bytes are gone either way. */
void
cstat__os_drain(struct cstat__ostream *s)
{
	if (s->target == CSTAT__OS_MEMORY)
		return;
	if (s->len && !s->err)
		s->err = put_out(s, s->data, s->len);
	s->len = 0;
}

int
cstat__os_flush(struct cstat__ostream *s, bool flush_file)
{
	cstat__os_drain(s);
	if (flush_file && s->target == CSTAT__OS_FILE && !s->err &&
	    fflush(s->file) != 0)
		s->err = CSTAT_EIO;
	return s->err;
}

void
cstat__os_release(struct cstat__ostream *s)
{
	free(s->data);
	s->data = NULL;
	s->len = s->cap = 0;
}

int
cstat__os_close(struct cstat__ostream *s)
{
	cstat__os_drain(s);
	cstat__os_release(s);
	return s->err;
}

const char *
cstat__os_cstr(struct cstat__ostream *s)
{
	char *at = cstat__os_room(s, 1);

	if (!at)
		return "";
	*at = '\0';
	return s->data;
}

char *
cstat__os_grow(struct cstat__ostream *s, size_t n)
{
	if (s->err)
		return NULL;
	if (s->target == CSTAT__OS_MEMORY)
		s->limit = SIZE_MAX; /* ({0}) */
	/* Keep the buffer one byte larger than needed: cstat__os_put()'s
	 * test is then a single comparison. */
	if (s->cap - s->len <= n &&
	    cstat__grow((void **)&s->data, &s->cap, s->len + n + 1, 1)) {
		s->err = CSTAT_ENOMEM;
		return NULL;
	}
	return s->data + s->len;
}

void
cstat__os_add(struct cstat__ostream *s, const void *p, size_t len)
{
	/* A large block goes out as it is, after what is buffered. */
	if (len >= CSTAT__OS_FLUSH_AT && s->target != CSTAT__OS_MEMORY &&
	    !s->err) {
		cstat__os_drain(s);
		if (!s->err)
			s->err = put_out(s, p, len);
		return;
	}
	char *at = cstat__os_room(s, len);

	if (at) {
		if (len)
			memcpy(at, p, len);
		cstat__os_commit(s, len);
	}
}

void
cstat__os_addc(struct cstat__ostream *s, char c)
{
	cstat__os_put(s, &c, 1);
}

void
cstat__os_fill(struct cstat__ostream *s, char c, size_t n)
{
	while (n > 0) {
		size_t k = n < 4096 ? n : 4096;
		char *at = cstat__os_room(s, k);
		if (!at)
			return;
		memset(at, c, k);
		cstat__os_commit(s, k);
		n -= k;
	}
}

void
cstat__os_uint(struct cstat__ostream *s, uint64_t v)
{
	char *at = cstat__os_room(s, 20);

	if (at)
		cstat__os_commit(s, cstat__fmt_uint(at, v));
}

void
cstat__os_go_float(struct cstat__ostream *s, double v)
{
	char *at = cstat__os_room(s, CSTAT__GO_FLOAT_SIZE);

	if (at)
		cstat__os_commit(s, cstat__fmt_go_float(at, v));
}

void
cstat__os_printf(struct cstat__ostream *s, const char *fmt, ...)
{
	va_list ap;
	char *at = cstat__os_room(s, 256);

	if (!at)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(at, s->cap - s->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		s->err = CSTAT_EINVAL;
		return;
	}
	if ((size_t)n >= s->cap - s->len) {
		/* Longer than the room: again, with room for all of it. */
		at = cstat__os_room(s, (size_t)n + 1);
		if (!at)
			return;
		va_start(ap, fmt);
		vsnprintf(at, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	cstat__os_commit(s, (size_t)n);
}

/* ------------------------------------------------------------------------
 * HTML.
 */

/*
 * Whether code point c may not appear in an HTML document as is: the
 * controls other than tab, line feed and carriage return (C0, DEL, C1).
 */
static bool
is_control(unsigned long c)
{
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
	       (c >= 0x7f && c <= 0x9f);
}

/*
 * Whether byte c stands for itself in HTML text: printable ASCII but the
 * five that need a reference, and tab and line breaks.  One table lookup,
 * for the common case of names, dates and numbers.
 */
static bool
html_plain(unsigned char c)
{
	static const uint32_t bits[4] = {
		/* \t \n \r */
		(1u << 9) | (1u << 10) | (1u << 13),
		/* 0x20-0x3f but " & ' < > */
		~((1u << 2) | (1u << 6) | (1u << 7) | (1u << 28) | (1u << 30)),
		0xffffffffu,
		/* 0x60-0x7e; DEL is a control */
		0x7fffffffu,
	};

	return c < 0x80 && (bits[c >> 5] >> (c & 31) & 1);
}

/* The reference for character c (len bytes at its start), or NULL. */
static const char *
html_ref(unsigned long c, size_t len)
{
	switch (c) {
	case '&':
		return "&amp;";
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	default:
		/* A valid U+FFFD is three bytes; one is an error. */
		if ((c == 0xfffd && len == 1) || is_control(c))
			return replacement;
		return NULL;
	}
}

void
cstat__os_html_text(struct cstat__ostream *s, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t start = 0, i = 0;

	/* Most of the page's strings (numbers, names) need no reference:
	 * copy while checking, and keep the copy if every byte stands for
	 * itself, without a second pass or a call to memcpy. */
	if (n <= 64) {
		char *at = cstat__os_room(s, n);
		if (!at)
			return;
		while (i < n && html_plain(u[i])) {
			at[i] = p[i];
			i++;
		}
		if (i == n) {
			cstat__os_commit(s, n);
			return;
		}
		/* A byte to look at: the copy is dropped (not committed), and
		 * the loop below starts from it, the bytes before it plain. */
	}
	while (i < n) {
		unsigned long c;

		if (html_plain(u[i])) {
			i++;
			continue;
		}
		size_t len = cstat__utf8_decode(u + i, n - i, &c);
		const char *rep = html_ref(c, len);
		if (rep) {
			cstat__os_put(s, p + start, i - start);
			cstat__os_adds(s, rep);
			start = i + len;
		}
		i += len;
	}
	cstat__os_put(s, p + start, n - start);
}

/* ------------------------------------------------------------------------
 * JSON.
 */

/* The escape of ASCII byte c in a JSON string (at most 6 bytes) at out. */
static size_t
json_escape(unsigned char c, char *out)
{
	static const char hex[] = "0123456789abcdef";
	char e = 0;

	switch (c) {
	case '"':
		e = '"';
		break;
	case '\\':
		e = '\\';
		break;
	case '\n':
		e = 'n';
		break;
	case '\r':
		e = 'r';
		break;
	case '\t':
		e = 't';
		break;
	case '\b':
		e = 'b';
		break;
	case '\f':
		e = 'f';
		break;
	default:
		memcpy(out, "\\u00", 4);
		out[4] = hex[c >> 4];
		out[5] = hex[c & 15];
		return 6;
	}
	out[0] = '\\';
	out[1] = e;
	return 2;
}

void
cstat__os_json_str(struct cstat__ostream *s, const char *p, size_t len)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0, run = 0;

	cstat__os_put(s, "\"", 1);
	while (i < len) {
		unsigned char c = u[i];

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			unsigned long rune;
			size_t n = cstat__utf8_decode(u + i, len - i, &rune);
			if (n > 1) {
				i += n;
				continue;
			}
			/* Only an invalid byte decodes to U+FFFD in one. */
			cstat__os_put(s, p + run, i - run);
			cstat__os_put(s, replacement, 3);
		} else {
			char esc[8];
			cstat__os_put(s, p + run, i - run);
			cstat__os_put(s, esc, json_escape(c, esc));
		}
		run = ++i;
	}
	cstat__os_put(s, p + run, len - run);
	cstat__os_put(s, "\"", 1);
}

/* ------------------------------------------------------------------------
 * CSV.
 */

bool
cstat__csv_needs_quotes(enum cstat__csv_rule rule, const char *p, size_t len)
{
	unsigned long c;

	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (p[i] == ',' || p[i] == '"' || p[i] == '\r' || p[i] == '\n')
			return true;
	if (rule == CSTAT__CSV_RFC4180)
		return false;
	/* Go's encoding/csv: "\." alone would end a PostgreSQL COPY, and
	 * a leading space would be lost to a reader that trims. */
	if (len == 2 && p[0] == '\\' && p[1] == '.')
		return true;
	cstat__utf8_decode((const unsigned char *)p, len, &c);
	return cstat__unicode_space(c);
}

void
cstat__os_csv(struct cstat__ostream *s, const char *f,
	      enum cstat__csv_rule rule, bool text)
{
	size_t len = strlen(f);
	bool formula = text && cstat__csv_formula(f);

	if (!formula && !cstat__csv_needs_quotes(rule, f, len)) {
		cstat__os_put(s, f, len);
		return;
	}
	/* A name such as "=HYPERLINK(...)" must stay text. */
	cstat__os_put(s, "\"'", formula ? 2 : 1);
	for (const char *q; (q = memchr(f, '"', len)) != NULL;) {
		size_t k = (size_t)(q - f) + 1;
		cstat__os_put(s, f, k);
		cstat__os_put(s, "\"", 1);
		f += k;
		len -= k;
	}
	cstat__os_put(s, f, len);
	cstat__os_put(s, "\"", 1);
}
