/*
 * reader.c - a streaming reader of Go's benchmark format.
 *
 * It follows golang.org/x/perf/benchfmt's Reader line for line: benchmark
 * lines ("BenchmarkName N value unit ..."), file configuration lines
 * ("key: value", reset at each file), and "Unit" metadata lines (kept across
 * files).  Malformed lines are reported one error at a time and skipped.
 *
 * Input goes through one buffer that grows only to the longest line, so a
 * file of any size is read in constant memory and lines have no length
 * limit.  Units are interned once per distinct spelling, together with
 * their tidied form, so the per-value work is a parse and a multiply.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cstat-private.h"
#include "marks.h"
#include "numfmt.h"
#include "readers/readers.h"
#include "units.h"

#define READ_CHUNK (256 * 1024)
#define MAX_PENDING 64

/*
 * The fast path for Go text: a line that fits in FAST_LINE bytes, with
 * FAST_AHEAD bytes of input readable from its start (all but the last few
 * lines of each buffer), is found and split in one pass that marks its
 * spaces (sixteen bytes at a time with SSE2, thirty-two with AVX2; see
 * marks.h), and a benchmark line of the usual shape
 * is parsed from those marks.  Anything else on the line (a byte from 0x80
 * up, which may start a Unicode space; an unusual count; any error) sends
 * the line down the general path, which decides it exactly as before.
 */
#define FAST_LINE 256
#define FAST_AHEAD (FAST_LINE + 64)
#define FAST_WORDS (FAST_AHEAD / 64)

struct unit_entry {
	const char *orig; /* interned spelling from the file */
	const char *tidy; /* tidied unit (arena) */
	double factor;
};

struct unit_meta {
	const char *tidy_unit;
	const char *key;
	const char *value;
};

struct config_slot {
	const char *key; /* interned */
	char *value;
	size_t cap;
	uint32_t id; /* the key's string id */
};

/*
 * How a value field of n bytes (1 to 8) with its point at byte at (0: no
 * point) becomes a word of eight digits: the bytes below the point stay
 * (low; all of them without a point), the rest move down one; the word
 * moves up by shift bits, and fill puts '0's below it.  frac: the digits
 * after the point.  n 0: none yet.
 */
struct value_form {
	uint64_t low, fill;
	uint8_t n, at, shift, frac;
};

struct cstat_reader {
	/* Input. */
	int fd;
	bool own_fd;
	bool is_open;
	bool eof;
	const char *mem; /* open_mem: the whole input, not owned */
	size_t mem_len, mem_pos;
	bool sniffed; /* the input's format was chosen */
	/* The input's format when it is not Go text (readers/), its state,
	 * and the queue it fills; forced is what set_format() asked for. */
	const struct cstat__format *fmt, *forced;
	void *fmt_state;
	struct cstat__rq *q;
	bool fed_end;	       /* the format was told the input ended */
	unsigned long results; /* results handed out from this input */
	bool warned_empty;
	char *buf;
	size_t buf_len, buf_cap, buf_pos;
	/* The ceilings (cstat_reader_set_limits()) and what the format was
	 * fed of this input. */
	size_t max_line, max_input, fed;
	char *path;
	char *label;
	unsigned long line;

	/* Interned strings: config keys, units, metadata. */
	struct cstat__strtab strs;
	struct unit_entry *units; /* indexed by strtab id of the spelling */
	size_t units_cap;
	/* The unit last seen at each value position, so a repeated unit
	 * skips the hash: its id + 1 (0 for none), length and first eight
	 * bytes (zero-padded). */
	struct {
		uint32_t id1, len;
		uint64_t head, tail; /* tail: the last 8 of 9 to 16 bytes */
	} last_unit[8];
	struct cstat__arena arena;

	struct unit_meta *meta;
	size_t nmeta, meta_cap;

	struct config_slot *config;
	size_t nconfig, config_cap;
	/* By key string id: its entry in config + 1 (0: none), so that a
	 * key line finds its entry without a pass over them all. */
	uint32_t *slot_of;
	size_t slot_of_cap;
	/* How many first entries of the last result's configuration the
	 * result before it had too (cstat__reader_config_kept()). */
	size_t kept;
	struct cstat_config *config_view;
	size_t config_view_cap;
	unsigned long config_version;
	/* The configuration as "key: value" lines, for config_text. */
	struct cstat__buf config_text;
	unsigned long view_version; /* config_version of the view + 1 */
	/* The view is rebuilt from the first entry changed since it was
	 * last built (view_from; the entries before it are as they were),
	 * so a key added to a long configuration costs one line, not all of
	 * them.  view_off: by entry, where its line starts in config_text. */
	size_t view_from, view_n;
	size_t *view_off;
	size_t view_off_cap;

	/* The current result. */
	struct cstat_result result;
	struct cstat_value *values;
	size_t values_cap;
	char *name;
	size_t name_cap;
	/* Changes whenever the name changes (cstat__reader_name_serial). */
	unsigned long name_serial;
	bool slow; /* the fast path is off (cstat__reader_set_fast) */
	bool avx2; /* the fast path marks lines with AVX2 */
	/* The fast path's last benchmark line shape: its length, the words
	 * of its space marks and where its fields start and end.  Go pads
	 * its columns, so a run's lines mostly share one, and a line of the
	 * same length and marks takes the bounds from here rather than
	 * finding them again (n 0: none yet, as no such line is empty). */
	struct {
		size_t n, nb;
		uint64_t sp[FAST_WORDS];
		uint16_t pos[FAST_LINE + 2];
	} shape;
	/* The form of the last value of 1 to 8 bytes at each value position
	 * (fast_decimal_as()). */
	struct value_form forms[8];

	/* Errors found on the current line, returned one per call. */
	struct cstat_diag pending[MAX_PENDING];
	size_t npending, pending_pos;
};

int
cstat_reader_new(cstat_reader **out)
{
	cstat_reader *r;

	if (!out)
		return CSTAT_EINVAL;
	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return CSTAT_ENOMEM;
	r->fd = -1;
	r->max_line = CSTAT_DEFAULT_MAX_LINE;
#if CSTAT_MARKS_AVX2
	r->avx2 = cstat__cpu_avx2();
#endif
	r->max_input = CSTAT_DEFAULT_MAX_INPUT;
	cstat__arena_init(&r->arena);
	if (cstat__strtab_init(&r->strs)) {
		free(r);
		return CSTAT_ENOMEM;
	}
	*out = r;
	return 0;
}

static void
reader_close(cstat_reader *r)
{
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	r->own_fd = false;
	r->is_open = false;
	r->mem = NULL;
	r->sniffed = false;
	if (r->fmt && r->fmt_state && r->fmt->release)
		r->fmt->release(r->fmt_state);
	free(r->fmt_state);
	r->fmt_state = NULL;
	r->fmt = r->forced = NULL;
	if (r->q)
		cstat__rq_clear(r->q);
	free(r->path);
	free(r->label);
	r->path = r->label = NULL;
}

void
cstat_reader_free(cstat_reader *r)
{
	if (!r)
		return;
	reader_close(r);
	cstat__rq_free(r->q);
	for (size_t i = 0; i < r->nconfig; i++)
		free(r->config[i].value);
	free(r->config);
	free(r->slot_of);
	free(r->config_view);
	free(r->view_off);
	cstat__buf_release(&r->config_text);
	free(r->values);
	free(r->name);
	free(r->buf);
	free(r->units);
	free(r->meta);
	cstat__strtab_release(&r->strs);
	cstat__arena_release(&r->arena);
	free(r);
}

/* Forgets the previous file's configuration and position. */
static int
reader_reset(cstat_reader *r, const char *path, const char *label)
{
	reader_close(r);
	r->path = strdup(path);
	r->label = strdup(label ? label : path);
	if (!r->path || !r->label)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < r->nconfig; i++) {
		free(r->config[i].value);
		r->slot_of[r->config[i].id] = 0;
	}
	r->nconfig = 0;
	r->config_version++;
	r->view_from = 0;
	r->line = 0;
	r->eof = false;
	r->buf_len = r->buf_pos = 0;
	r->npending = r->pending_pos = 0;
	r->fed_end = false;
	r->fed = 0;
	r->results = 0;
	r->warned_empty = false;
	r->is_open = true;
	return 0;
}

int
cstat_reader_open(cstat_reader *r, const char *path, const char *label,
		  struct cstat_diag *d)
{
	char why[128];
	int fd, rc;

	if (!r || !path)
		return CSTAT_EINVAL;
	if (strcmp(path, "-") == 0) {
		fd = 0;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			int err = errno;
			cstat__errno_text(err, why, sizeof(why));
			cstat__diag_set(d, NULL, 0, 0, "open %s: %s", path,
					why);
			return cstat__errno_code(err);
		}
	}
	rc = reader_reset(r, path, label);
	if (rc) {
		if (fd > 0)
			close(fd);
		return rc;
	}
	r->fd = fd;
	r->own_fd = fd > 0;
	return 0;
}

int
cstat_reader_open_input(cstat_reader *r, const struct cstat_input *in,
			struct cstat_diag *d)
{
	if (!r || !in || !in->path)
		return CSTAT_EINVAL;

	int rc = cstat_reader_open(r, in->path, in->label, d);

	if (!rc && in->format)
		rc = cstat_reader_set_format(r, in->format);
	return rc;
}

int
cstat_reader_open_mem(cstat_reader *r, const char *data, size_t len,
		      const char *label)
{
	int rc;

	if (!r || (!data && len))
		return CSTAT_EINVAL;
	rc = reader_reset(r, label ? label : "<memory>", label);
	if (rc)
		return rc;
	r->mem = data ? data : "";
	r->mem_len = len;
	r->mem_pos = 0;
	return 0;
}

/*
 * Reads more of the file after what the buffer holds (keeping a partial
 * line), setting eof at the end.
 * @return 0 or a negative error.
 */
static int
fill(cstat_reader *r, struct cstat_diag *d)
{
	size_t avail = r->buf_len - r->buf_pos;

	if (r->buf_pos) {
		memmove(r->buf, r->buf + r->buf_pos, avail);
		r->buf_len = avail;
		r->buf_pos = 0;
	}
	size_t had = r->buf_cap;
	if (cstat__grow((void **)&r->buf, &r->buf_cap, r->buf_len + READ_CHUNK,
			1))
		return CSTAT_ENOMEM;
	/* A file that fills the room mapped at once (one call for the pages
	 * read() would fault in one by one); a short input is left alone. */
	struct stat st;
	if (r->buf_cap > had && fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size >= r->buf_cap)
		cstat__populate(r->buf + r->buf_len, r->buf_cap - r->buf_len);
	ssize_t got;
	do {
		got = read(r->fd, r->buf + r->buf_len, r->buf_cap - r->buf_len);
	} while (got < 0 && errno == EINTR);
	if (got < 0) {
		int err = errno;
		char why[128];
		cstat__errno_text(err, why, sizeof(why));
		cstat__diag_set(d, r->label, 0, 0, "%s:%lu: read %s: %s",
				r->label, r->line, r->path, why);
		/* The message carries the position itself. */
		if (d)
			d->line = 0;
		return cstat__errno_code(err);
	}
	if (got == 0)
		r->eof = true;
	r->buf_len += (size_t)got;
	return 0;
}

/* The error for a line over the ceiling: the input ends there. */
static int
line_too_long(cstat_reader *r, struct cstat_diag *d)
{
	cstat__diag_set(d, r->label, r->line + 1, 0,
			"line too long (over %zu bytes)", r->max_line);
	return CSTAT_EIO;
}

/*
 * Makes the next line available as [*line, *line + *len) without its
 * newline or a trailing carriage return (as bufio.ScanLines).
 * @return 1 for a line, 0 at the end, or a negative error.
 */
static int
next_line(cstat_reader *r, const char **line, size_t *len, struct cstat_diag *d)
{
	int rc;

	if (r->mem) {
		if (r->mem_pos >= r->mem_len)
			return 0;
		const char *p = r->mem + r->mem_pos;
		size_t avail = r->mem_len - r->mem_pos;
		const char *nl = memchr(p, '\n', avail);
		size_t n = nl ? (size_t)(nl - p) : avail;
		r->mem_pos += nl ? n + 1 : n;
		*line = p;
		*len = n && p[n - 1] == '\r' ? n - 1 : n;
		return 1;
	}
	for (;;) {
		const char *p = r->buf + r->buf_pos;
		size_t avail = r->buf_len - r->buf_pos;
		const char *nl = avail ? memchr(p, '\n', avail) : NULL;
		if (nl || (r->eof && avail)) {
			size_t n = nl ? (size_t)(nl - p) : avail;
			if (n > r->max_line)
				return line_too_long(r, d);
			r->buf_pos += nl ? n + 1 : n;
			*line = p;
			*len = n && p[n - 1] == '\r' ? n - 1 : n;
			return 1;
		}
		if (r->eof)
			return 0;
		/* Lines of any length, up to a ceiling: never until the
		 * machine runs out (cstat /dev/zero). */
		if (avail > r->max_line)
			return line_too_long(r, d);
		rc = fill(r, d);
		if (rc)
			return rc;
	}
}

static inline bool
is_ascii_space(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
 * Byte classes for splitting fields: 0 a byte of a field, 1 an ASCII space
 * (Go's isSpace: \t \n \v \f \r and ' '), 2 the start or middle of a
 * multi-byte character, which may be a Unicode space.
 */
static const unsigned char byte_class[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
	2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
};

/*
 * Splits off the leading run of non-space bytes of [*p, end) as a field and
 * skips the spaces after it (benchfmt's splitField).  *sep tells whether a
 * space ended the field.
 */
/*
 * split_field()'s general case, from the first byte of a multi-byte
 * character on: checks each character against Unicode's spaces.  Kept out
 * of line so the ASCII fast path stays small.
 */
static __attribute__((noinline)) void
split_field_slow(const unsigned char *s, const unsigned char *q,
		 const unsigned char *e, const char **p, const char **f,
		 size_t *flen, bool *sep)
{
	const unsigned char *rest = NULL;

	while (q < e) {
		unsigned long c;
		size_t w = cstat__utf8_decode(q, (size_t)(e - q), &c);
		if (cstat__unicode_space(c)) {
			rest = q + w;
			break;
		}
		q += w;
	}
	*f = (const char *)s;
	*flen = (size_t)(q - s);
	*sep = rest != NULL;
	if (!rest) {
		*p = (const char *)e;
		return;
	}
	while (rest < e) {
		unsigned long c;
		size_t w = cstat__utf8_decode(rest, (size_t)(e - rest), &c);
		if (!cstat__unicode_space(c))
			break;
		rest += w;
	}
	*p = (const char *)rest;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&    \
	defined(__GNUC__)
#define SWAR 1
/* 0x80 in each byte of w that is zero, exactly (no borrow between bytes). */
static inline uint64_t
zero_bytes(uint64_t w)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;

	return ~(((w & low7) + low7) | w | low7);
}
#else
#define SWAR 0
#endif

static inline void
split_field(const char **p, const char *end, const char **f, size_t *flen,
	    bool *sep)
{
	const unsigned char *s = (const unsigned char *)*p;
	const unsigned char *e = (const unsigned char *)end;
	const unsigned char *q = s;

#if SWAR
	/*
	 * Eight bytes at a time.  A byte below 0x21 borrows into its top bit
	 * when 0x21 is subtracted, and a byte from 0x80 up has it already:
	 * the lowest flagged byte is exactly the first space, control
	 * character or multi-byte character (borrows only move upwards).
	 */
	while (e - q >= 8) {
		uint64_t w;
		memcpy(&w, q, 8);
		uint64_t m = ((w - 0x2121212121212121ULL) | w) &
			     0x8080808080808080ULL;
		if (m) {
			q += (unsigned)__builtin_ctzll(m) / 8;
			break;
		}
		q += 8;
	}
#endif
	while (q < e && byte_class[*q] == 0)
		q++;
	if (q == e) {
		*f = (const char *)s;
		*flen = (size_t)(q - s);
		*sep = false;
		*p = end;
		return;
	}
	if (byte_class[*q] == 2) {
		split_field_slow(s, q, e, p, f, flen, sep);
		return;
	}
	*f = (const char *)s;
	*flen = (size_t)(q - s);
	*sep = true;
	q++;
#if SWAR
	/* Runs of spaces and tabs, eight bytes at a time. */
	while (e - q >= 8) {
		uint64_t w;
		memcpy(&w, q, 8);
		uint64_t m = zero_bytes(w ^ 0x2020202020202020ULL) |
			     zero_bytes(w ^ 0x0909090909090909ULL);
		uint64_t rest = ~m & 0x8080808080808080ULL;
		if (rest) {
			q += (unsigned)__builtin_ctzll(rest) / 8;
			break;
		}
		q += 8;
	}
#endif
	while (q < e && byte_class[*q] == 1)
		q++;
	if (q < e && byte_class[*q] == 2) {
		/* Unicode spaces may follow: skip them the slow way. */
		const char *rest;
		const char *ff;
		size_t fl;
		bool sp;
		split_field_slow(q, q, e, &rest, &ff, &fl, &sp);
		if (fl == 0 && sp) {
			*p = rest;
			return;
		}
	}
	*p = (const char *)q;
}

static void queue_error(cstat_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
queue_error(cstat_reader *r, const char *fmt, ...)
{
	va_list ap;

	if (r->npending == MAX_PENDING)
		return;
	struct cstat_diag *d = &r->pending[r->npending++];
	d->file = r->label;
	d->line = r->line;
	d->column = 0;
	va_start(ap, fmt);
	vsnprintf(d->message, sizeof(d->message), fmt, ap);
	va_end(ap);
}

/* Finds or creates the entry for a unit spelling, tidying it once. */
static int
intern_unit(cstat_reader *r, const char *s, size_t len,
	    const struct unit_entry **out)
{
	uint32_t id;
	int rc = cstat__strtab_intern(&r->strs, s, len, &id);

	if (rc)
		return rc;
	if (id >= r->units_cap) {
		size_t old = r->units_cap;
		if (cstat__grow((void **)&r->units, &r->units_cap,
				(size_t)id + 1, sizeof(*r->units)))
			return CSTAT_ENOMEM;
		memset(r->units + old, 0,
		       (r->units_cap - old) * sizeof(*r->units));
	}
	struct unit_entry *u = &r->units[id];
	if (!u->orig) {
		char *tidy;
		double factor;
		rc = cstat__unit_tidy(s, len, &tidy, &factor);
		if (rc)
			return rc;
		uint32_t tid;
		rc = cstat__strtab_intern(&r->strs, tidy, strlen(tidy), &tid);
		free(tidy);
		if (rc)
			return rc;
		/* The table may have moved units[] only if it grew: re-take. */
		u = &r->units[id];
		u->tidy = cstat__strtab_str(&r->strs, tid);
		u->factor = factor;
		u->orig = cstat__strtab_str(&r->strs, id);
	}
	*out = u;
	return 0;
}

/*
 * Parses the value field as benchfmt's atof: a plain run of digits first,
 * then Go's ParseFloat.
 */
static inline bool
all_digits(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] - '0' >= 10)
			return false;
	return true;
}

static inline bool
same_bytes(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static int
parse_value(const char *s, size_t len, double *out)
{
	static const double pow10[] = {1e0,  1e1,  1e2,	 1e3, 1e4,  1e5,
				       1e6,  1e7,  1e8,	 1e9, 1e10, 1e11,
				       1e12, 1e13, 1e14, 1e15};
	uint64_t v = 0;
	size_t i, digits = 0, frac = 0;
	bool point = false;

	for (i = 0; i < len; i++) {
		unsigned d = (unsigned char)s[i] - '0';
		if (d < 10) {
			if (v > (UINT64_MAX - 10) / 10)
				break;
			v = v * 10 + d;
			digits += v != 0;
			frac += point;
		} else if (s[i] == '.' && !point && i > 0) {
			point = true;
		} else {
			break;
		}
	}
	/*
	 * Digits with at most one inner point and at most 15 significant
	 * digits: the integer and the power of ten are exact doubles, so one
	 * division rounds correctly (Clinger's fast path), as ParseFloat
	 * would.  A trailing point ("5.") and everything else go to Go's
	 * full ParseFloat.
	 */
	if (i == len && digits <= 15 && frac <= 15 &&
	    !(point && s[len - 1] == '.')) {
		*out = point ? (double)v / pow10[frac] : (double)v;
		return 0;
	}
	if (i == len && !point) {
		/* benchfmt's integer path: any int64. */
		if (v <= 9223372036854775807ULL) {
			*out = (double)v;
			return 0;
		}
	}
	return cstat__parse_float(s, len, out);
}

/*
 * The common case of a value field, scanned and converted in one pass:
 * plain decimal digits with at most one inner point and at most 15
 * significant digits, followed by ASCII spaces and another field.  Converts
 * exactly as parse_value() does and moves *pp to the next field.  Returns
 * false, leaving *pp alone, for anything else.
 */
static inline bool
fast_value(const char **pp, const char *end, double *out)
{
	static const double pow10[] = {1e0,  1e1,  1e2,	 1e3, 1e4,  1e5,
				       1e6,  1e7,  1e8,	 1e9, 1e10, 1e11,
				       1e12, 1e13, 1e14, 1e15};
	const unsigned char *s = (const unsigned char *)*pp;
	const unsigned char *e = (const unsigned char *)end, *p = s;
	uint64_t v = 0;
	unsigned digits = 0, frac = 0;
	bool point = false;

	for (; p < e; p++) {
		unsigned d = (unsigned)*p - '0';
		if (d < 10) {
			if (v >= 100000000000000000ULL)
				return false;
			v = v * 10 + d;
			digits += v != 0;
			frac += point;
		} else if (*p == '.' && !point && p > s) {
			point = true;
		} else {
			break;
		}
	}
	if (p == s || p == e || byte_class[*p] != 1 || p[-1] == '.' ||
	    digits > 15 || frac > 15)
		return false;
	p++;
	while (p < e && byte_class[*p] == 1)
		p++;
	if (p < e && byte_class[*p] == 2)
		return false; /* maybe a Unicode space: the general path */
	*out = point ? (double)v / pow10[frac] : (double)v;
	*pp = (const char *)p;
	return true;
}

/* Makes [f, f + flen) the result's name, copying it only when it
 * changed (runs of one benchmark repeat their name). */
static int
set_name(cstat_reader *r, const char *f, size_t flen)
{
	if (r->name && r->result.name_len == flen &&
	    memcmp(r->name, f, flen) == 0)
		return 0;
	if (cstat__grow((void **)&r->name, &r->name_cap, flen + 1, 1))
		return CSTAT_ENOMEM;
	memcpy(r->name, f, flen);
	r->name[flen] = '\0';
	r->result.name_len = flen;
	r->name_serial++;
	return 0;
}

/* Interns the unit [f, f + flen) and makes it the one last seen at value
 * position nv. */
static int
new_unit_at(cstat_reader *r, size_t nv, const char *f, size_t flen,
	    const struct unit_entry **u)
{
	int rc = intern_unit(r, f, flen, u);

	if (rc)
		return rc;
	uint64_t head = 0;
	uint64_t tail = 0;
	memcpy(&head, (*u)->orig, flen < 8 ? flen : 8);
	if (flen > 8 && flen <= 16)
		memcpy(&tail, (*u)->orig + flen - 8, 8);
	r->last_unit[nv & 7].id1 = (uint32_t)(*u - r->units) + 1;
	r->last_unit[nv & 7].len = (uint32_t)flen;
	r->last_unit[nv & 7].head = head;
	r->last_unit[nv & 7].tail = tail;
	return 0;
}

/* Stores value nv of the result: val in unit u, tidied. */
static inline int
add_value(cstat_reader *r, size_t nv, double val, const struct unit_entry *u)
{
	if (nv >= r->values_cap &&
	    cstat__grow((void **)&r->values, &r->values_cap, nv + 1,
			sizeof(*r->values)))
		return CSTAT_ENOMEM;

	struct cstat_value *v = &r->values[nv];
	double tidy = val * u->factor;

	/* benchunit.Tidy: an unchanged value keeps its unit. */
	if (tidy == val) {
		v->value = val;
		v->unit = u->orig;
	} else {
		v->value = tidy;
		v->unit = u->tidy;
	}
	v->orig_value = val;
	v->orig_unit = u->orig;
	return 0;
}

/*
 * Parses a benchmark line (it starts with "Benchmark").
 * @return 1 for a result, 0 to skip the line silently, CSTAT_ESYNTAX with an
 *         error queued, or CSTAT_ENOMEM.
 */
static int
parse_benchmark(cstat_reader *r, const char *line, size_t len)
{
	const char *p = line + 9, *end = line + len, *f;
	size_t flen;
	bool sep;
	long long iters;
	int rc;

	split_field(&p, end, &f, &flen, &sep);
	/* "BenchmarkFoo" alone is what go test -v prints before a run. */
	if (!sep)
		return 0;
	if (set_name(r, f, flen))
		return CSTAT_ENOMEM;

	split_field(&p, end, &f, &flen, &sep);
	if (flen == 0) {
		queue_error(r, "missing iteration count");
		return CSTAT_ESYNTAX;
	}
	/* The count is only checked: plain digits need no conversion. */
	rc = 0;
	if (flen > 18 || !all_digits(f, flen))
		rc = cstat__parse_int(f, flen, &iters);
	if (rc == CSTAT__ATOI_SYNTAX) {
		queue_error(r, "parsing iteration count: invalid syntax");
		return CSTAT_ESYNTAX;
	} else if (rc == CSTAT__ATOI_RANGE) {
		queue_error(r, "parsing iteration count: value out of range");
		return CSTAT_ESYNTAX;
	}

	size_t nv = 0;
	for (;;) {
		double val;
		if (!fast_value(&p, end, &val)) {
			split_field(&p, end, &f, &flen, &sep);
			if (flen == 0) {
				if (nv > 0)
					break;
				queue_error(r, "missing measurements");
				return CSTAT_ESYNTAX;
			}
			rc = parse_value(f, flen, &val);
			if (rc == CSTAT__PARSE_RANGE) {
				queue_error(r, "parsing measurement: value out "
					       "of range");
				return CSTAT_ESYNTAX;
			} else if (rc) {
				queue_error(r, "parsing measurement: invalid "
					       "syntax");
				return CSTAT_ESYNTAX;
			}
		}
		split_field(&p, end, &f, &flen, &sep);
		if (flen == 0) {
			queue_error(r, "missing units");
			return CSTAT_ESYNTAX;
		}
		const struct unit_entry *u = NULL;
		uint32_t last = r->last_unit[nv & 7].id1;
		if (last && r->last_unit[nv & 7].len == flen &&
		    same_bytes(r->units[last - 1].orig, f, flen)) {
			u = &r->units[last - 1];
		} else {
			rc = new_unit_at(r, nv, f, flen, &u);
			if (rc)
				return rc;
		}
		rc = add_value(r, nv++, val, u);
		if (rc)
			return rc;
	}
	r->result.nvalues = nv;
	return 1;
}

/*
 * Finds the end of the line at p (FAST_AHEAD bytes readable) and marks
 * its spaces in sp, bits from the newline on set (words after the
 * newline's are left as they were).
 * @return the line's length without its newline, or SIZE_MAX for a line
 *         over FAST_LINE bytes or with a byte from 0x80 up.
 */
static inline __attribute__((always_inline)) size_t
scan_line_by(const unsigned char *p, uint64_t sp[FAST_WORDS],
	     void (*mark)(const unsigned char *, uint64_t *, uint64_t *,
			  uint64_t *))
{
	for (size_t w = 0; w < FAST_WORDS; w++) {
		uint64_t s, nl, hi;
		mark(p + 64 * w, &s, &nl, &hi);
		if (!nl) {
			if (hi)
				return SIZE_MAX;
			sp[w] = s;
			continue;
		}
		unsigned at = (unsigned)__builtin_ctzll(nl);
		uint64_t below = (1ULL << at) - 1;
		if ((hi & below) || 64 * w + at > FAST_LINE)
			return SIZE_MAX;
		/* (field_bounds() reads no word past the newline's.) */
		sp[w] = s | ~below;
		return 64 * w + at;
	}
	return SIZE_MAX;
}

static size_t
scan_line(const unsigned char *p, uint64_t sp[FAST_WORDS])
{
	return scan_line_by(p, sp, cstat__mark_block);
}

#if CSTAT_MARKS_AVX2
/* scan_line() with AVX2 (the reader checked that the processor has it). */
__attribute__((target("avx2"))) static size_t
scan_line_avx2(const unsigned char *p, uint64_t sp[FAST_WORDS])
{
	return scan_line_by(p, sp, cstat__mark_block_avx2);
}
#endif

/*
 * The bounds of the fields of a line of n bytes from its space marks (bits
 * from n on set): where each starts and ends, alternately, in pos.  Every
 * change from space to field or back is a bound, found by its bit rather
 * than by a loop over bytes.
 * @return the number of bounds (twice the number of fields).
 */
static inline size_t
field_bounds(const uint64_t *sp, size_t n, uint16_t *pos)
{
	uint64_t before = 1; /* what precedes the line counts as a space */
	size_t k = 0;

	for (size_t w = 0; w <= n / 64; w++) {
		uint64_t t = sp[w] ^ (sp[w] << 1 | before);
		before = sp[w] >> 63;
		while (t) {
			pos[k++] =
				(uint16_t)(w * 64 + (size_t)__builtin_ctzll(t));
			t &= t - 1;
		}
	}
	return k;
}

#if SWAR
/* The n (1 to 8) bytes at s (8 readable) moved to the top of a word, the
 * bytes below them '0': as a number of 8 digits, the same value. */
static inline uint64_t
digits_word(const char *s, size_t n)
{
	uint64_t w;

	memcpy(&w, s, 8);
	w <<= 8 * (8 - n);
	return n == 8 ? w : w | 0x3030303030303030ULL >> 8 * n;
}

/* Whether every byte of w is an ASCII digit. */
static inline bool
all_digit_bytes(uint64_t w)
{
	return (w & 0xf0f0f0f0f0f0f0f0ULL) == 0x3030303030303030ULL &&
	       ((w + 0x0606060606060606ULL) & 0xf0f0f0f0f0f0f0f0ULL) ==
		       0x3030303030303030ULL;
}

/* The value of 8 ASCII digits, the first in the lowest byte (Lemire's
 * SWAR conversion, as in simdjson). */
static inline uint64_t
eight_digits(uint64_t w)
{
	w -= 0x3030303030303030ULL;
	w = w * 10 + (w >> 8);
	return ((w & 0x000000ff000000ffULL) * (100 + (1000000ULL << 32)) +
		((w >> 16) & 0x000000ff000000ffULL) * (1 + (10000ULL << 32))) >>
	       32;
}
#endif

/* Whether [s, s + n) is n digits, n at most 18, as benchfmt's count
 * needs no conversion then; s has 16 bytes readable. */
static inline bool
short_digits(const char *s, size_t n)
{
	if (n == 0 || n > 18)
		return false;
#if SWAR
	if (n <= 8)
		return all_digit_bytes(digits_word(s, n));
	if (n <= 16)
		return all_digit_bytes(digits_word(s, 8)) &&
		       all_digit_bytes(digits_word(s + 8, n - 8));
#endif
	return all_digits(s, n);
}

#if SWAR
/*
 * The field at s (8 bytes readable) as the value of form f: its digits
 * moved into one word as f says, checked and converted (Lemire's
 * eight-digit multiplication), then divided by the power of ten
 * (Clinger's fast path).  false when a byte of the word is not a digit.
 */
static inline bool
form_value(const struct value_form *f, const char *s, double *out)
{
	uint64_t w;

	memcpy(&w, s, 8);
	w = (w & f->low) | ((w >> 8) & ~f->low);
	w = w << f->shift | f->fill;
	if (!all_digit_bytes(w))
		return false;
	uint64_t v = eight_digits(w);
	*out = f->frac ? (double)v / cstat__pow10_exact[f->frac] : (double)v;
	return true;
}
#endif

/*
 * The field [s, s + n) as a value by Clinger's fast path, exactly as
 * fast_value(): digits with at most one inner point and at most 15
 * significant digits.  false for anything else.  A field of 1 to 8 bytes
 * leaves its form in *vf for the next one at its position.
 */
static inline bool
fast_decimal(const char *s, size_t n, double *out, struct value_form *vf)
{
	uint64_t v = 0;
	unsigned digits = 0, frac = 0;
	bool point = false;

#if SWAR
	/* Up to 8 bytes without a branch a byte: where the point is (if
	 * one) gives the field's form, which converts it in one word. */
	if (n - 1 < 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		uint64_t keep = n == 8 ? ~0ULL : (1ULL << (8 * n)) - 1;
		uint64_t dots = zero_bytes((w & keep) ^ 0x2e2e2e2e2e2e2e2eULL) &
				0x8080808080808080ULL & keep;
		struct value_form f = {~0ULL, 0, (uint8_t)n, 0, 0, 0};
		size_t k = n;
		if (dots) {
			size_t at = (size_t)__builtin_ctzll(dots) / 8;
			if ((dots & (dots - 1)) || at == 0 || at == n - 1)
				return false;
			f.low = (1ULL << (8 * at)) - 1;
			f.at = (uint8_t)at;
			k = n - 1;
			f.frac = (uint8_t)(k - at);
		}
		f.fill = k < 8 ? 0x3030303030303030ULL >> 8 * k : 0;
		f.shift = (uint8_t)(8 * (8 - k));
		if (!form_value(&f, s, out))
			return false;
		*vf = f;
		return true;
	}
#endif
	if (n == 0 || n > 32 || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(unsigned char)s[i] - '0';
		if (d < 10) {
			v = v * 10 + d;
			digits += v != 0;
			frac += point;
		} else if (s[i] == '.' && !point && i > 0) {
			point = true;
		} else {
			return false;
		}
	}
	if (digits > 15 || frac > 15)
		return false;
	*out = point ? (double)v / cstat__pow10_exact[frac] : (double)v;
	return true;
}

/*
 * fast_decimal() for the field [s, s + n) at a value position whose last
 * value had the form *vf: when this one has the same length and its point
 * (if any) in the same place, it takes that form (a second point, or
 * anything but a digit, fails form_value()'s check and takes the full
 * way).
 */
static inline bool
fast_decimal_as(struct value_form *vf, const char *s, size_t n, double *out)
{
#if SWAR
	if (n == vf->n && (vf->at == 0 || s[vf->at] == '.') &&
	    form_value(vf, s, out))
		return true;
#endif
	return fast_decimal(s, n, out, vf);
}

/* Whether the unit at [f, f + flen) is the one last seen at position
 * slot; f has eight bytes readable (the fast path's look-ahead). */
static inline bool
same_unit(const cstat_reader *r, size_t slot, const char *f, size_t flen)
{
	if (!r->last_unit[slot].id1 || r->last_unit[slot].len != flen)
		return false;
#if SWAR
	if (flen <= 8) {
		uint64_t w;
		memcpy(&w, f, 8);
		if (flen < 8)
			w &= (1ULL << (8 * flen)) - 1;
		return w == r->last_unit[slot].head;
	}
	if (flen <= 16) {
		/* "allocs/op": two words that overlap. */
		uint64_t h, t;
		memcpy(&h, f, 8);
		memcpy(&t, f + flen - 8, 8);
		return h == r->last_unit[slot].head &&
		       t == r->last_unit[slot].tail;
	}
#endif
	return same_bytes(r->units[r->last_unit[slot].id1 - 1].orig, f, flen);
}

/*
 * A benchmark line [line, line + n) of the usual shape, from its space
 * marks (the field bounds found once for a run of lines of one shape):
 * name, count of at most 18 digits, then value and unit pairs.
 * @return 1 with the result, 0 for "BenchmarkName" alone, -1 for the
 *         general path to take the line, or CSTAT_ENOMEM.
 */
static int
fast_benchmark(cstat_reader *r, const char *line, size_t n, const uint64_t *sp)
{
	size_t words = n / 64 + 1;
	bool same = n == r->shape.n;
	for (size_t w = 0; w < words; w++)
		same &= sp[w] == r->shape.sp[w];
	if (!same) {
		r->shape.nb = field_bounds(sp, n, r->shape.pos);
		r->shape.n = n;
		memcpy(r->shape.sp, sp, words * sizeof(*sp));
	}
	const uint16_t *pos = r->shape.pos;
	size_t nb = r->shape.nb;

	/* The first field is "Benchmark" and the name; alone, it is what
	 * go test -v prints before a run. */
	if (pos[1] >= n)
		return 0;
	if (set_name(r, line + 9, (size_t)pos[1] - 9))
		return CSTAT_ENOMEM;
	/* A count, and value and unit pairs: else an error to report. */
	if (nb < 8 || nb % 4 != 0 ||
	    !short_digits(line + pos[2], (size_t)(pos[3] - pos[2])))
		return -1;

	size_t nv = 0;
	for (size_t k = 4; k < nb; k += 4) {
		const char *f = line + pos[k], *uf = line + pos[k + 2];
		size_t flen = (size_t)(pos[k + 1] - pos[k]);
		size_t ulen = (size_t)(pos[k + 3] - pos[k + 2]);
		double val;
		if (!fast_decimal_as(&r->forms[nv & 7], f, flen, &val) &&
		    parse_value(f, flen, &val))
			return -1;

		const struct unit_entry *u;
		size_t slot = nv & 7;
		if (same_unit(r, slot, uf, ulen)) {
			u = &r->units[r->last_unit[slot].id1 - 1];
		} else {
			int rc = new_unit_at(r, nv, uf, ulen, &u);
			if (rc)
				return rc;
		}
		if (add_value(r, nv++, val, u))
			return CSTAT_ENOMEM;
	}
	r->result.nvalues = nv;
	return 1;
}

static const char *
intern_str(cstat_reader *r, const char *s, size_t len)
{
	uint32_t id;

	if (cstat__strtab_intern(&r->strs, s, len, &id))
		return NULL;
	return cstat__strtab_str(&r->strs, id);
}

/* Adds metadata key = val for the unit u, queueing an error when the
 * unit already has another value for it. */
static int
add_unit_meta(cstat_reader *r, const struct unit_entry *u, const char *k,
	      size_t klen, const char *v, size_t vlen)
{
	const char *key = intern_str(r, k, klen);
	const char *val = intern_str(r, v, vlen);
	size_t i;

	if (!key || !val)
		return CSTAT_ENOMEM;
	for (i = 0; i < r->nmeta; i++)
		if (r->meta[i].tidy_unit == u->tidy && r->meta[i].key == key)
			break;
	if (i < r->nmeta) {
		if (r->meta[i].value != val)
			queue_error(r,
				    "metadata %s of unit %s already set to %s",
				    key, u->orig, r->meta[i].value);
		return 0;
	}
	if (cstat__grow((void **)&r->meta, &r->meta_cap, r->nmeta + 1,
			sizeof(*r->meta)))
		return CSTAT_ENOMEM;
	r->meta[r->nmeta++] = (struct unit_meta){u->tidy, key, val};
	return 0;
}

/* Parses the rest of a "Unit" line, queueing any errors. */
static int
parse_unit_line(cstat_reader *r, const char *p, const char *end)
{
	const char *f;
	size_t flen;
	bool sep;

	split_field(&p, end, &f, &flen, &sep);
	if (flen == 0) {
		queue_error(r, "missing unit");
		return 0;
	}
	const struct unit_entry *u;
	int rc = intern_unit(r, f, flen, &u);
	if (rc)
		return rc;
	for (;;) {
		split_field(&p, end, &f, &flen, &sep);
		if (flen == 0)
			break;
		const char *eq = memchr(f, '=', flen);
		if (!eq || eq == f) {
			queue_error(r, "expected key=value");
			continue;
		}
		rc = add_unit_meta(r, u, f, (size_t)(eq - f), eq + 1,
				   flen - (size_t)(eq - f) - 1);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Recognizes "key: value" (benchfmt's parseKeyValueLine): the key starts
 * with a lower-case letter and has no space or upper-case letter.  Letters
 * outside ASCII are taken as neither lower nor upper case.
 */
static bool
parse_key_value(const char *line, size_t len, size_t *klen, const char **val,
		size_t *vlen)
{
	size_t i = 0;

	if (len == 0 || !(line[0] >= 'a' && line[0] <= 'z'))
		return false;
	for (;;) {
		if (i >= len)
			return false;
		unsigned char c = (unsigned char)line[i];
		if (c < 0x80) {
			if (is_ascii_space(c) || (c >= 'A' && c <= 'Z'))
				return false;
			if (i > 0 && c == ':')
				break;
			i++;
		} else {
			unsigned long cp;
			size_t w = cstat__utf8_decode(
				(const unsigned char *)line + i, len - i, &cp);
			if (cstat__unicode_space(cp))
				return false;
			i += w;
		}
	}
	*klen = i;
	const char *v = line + i + 1, *end = line + len;
	if (v == end) {
		*val = v;
		*vlen = 0;
		return true;
	}
	bool ok = false;
	while (v < end && (*v == ' ' || *v == '\t')) {
		v++;
		ok = true;
	}
	*val = v;
	*vlen = (size_t)(end - v);
	return ok;
}

static int
set_config(cstat_reader *r, const char *key, size_t klen, const char *val,
	   size_t vlen)
{
	uint32_t id;

	if (cstat__strtab_intern(&r->strs, key, klen, &id))
		return CSTAT_ENOMEM;
	if (id >= r->slot_of_cap) {
		size_t old = r->slot_of_cap;
		if (cstat__grow((void **)&r->slot_of, &r->slot_of_cap,
				(size_t)id + 1, sizeof(*r->slot_of)))
			return CSTAT_ENOMEM;
		memset(r->slot_of + old, 0,
		       (r->slot_of_cap - old) * sizeof(*r->slot_of));
	}
	size_t i = r->slot_of[id] ? r->slot_of[id] - 1 : r->nconfig;
	if (vlen == 0) {
		if (i == r->nconfig)
			return 0;
		free(r->config[i].value);
		r->slot_of[id] = 0;
		memmove(r->config + i, r->config + i + 1,
			(r->nconfig - i - 1) * sizeof(*r->config));
		r->nconfig--;
		for (size_t j = i; j < r->nconfig; j++)
			r->slot_of[r->config[j].id] = (uint32_t)j + 1;
		r->config_version++;
		if (i < r->view_from)
			r->view_from = i;
		return 0;
	}
	if (i == r->nconfig) {
		if (r->nconfig >= UINT32_MAX ||
		    cstat__grow((void **)&r->config, &r->config_cap,
				r->nconfig + 1, sizeof(*r->config)))
			return CSTAT_ENOMEM;
		r->config[i] = (struct config_slot){
			cstat__strtab_str(&r->strs, id), NULL, 0, id};
		r->nconfig++;
		r->slot_of[id] = (uint32_t)i + 1;
	}
	struct config_slot *c = &r->config[i];
	if (cstat__grow((void **)&c->value, &c->cap, vlen + 1, 1))
		return CSTAT_ENOMEM;
	memcpy(c->value, val, vlen);
	c->value[vlen] = '\0';
	r->config_version++;
	if (i < r->view_from)
		r->view_from = i;
	return 0;
}

/* Brings the result's view of the configuration up to date, from the
 * first entry changed since the last time. */
static int
fill_config_view(cstat_reader *r)
{
	if (r->view_version == r->config_version + 1)
		return 0;
	if (cstat__grow((void **)&r->config_view, &r->config_view_cap,
			r->nconfig + 1, sizeof(*r->config_view)) ||
	    cstat__grow((void **)&r->view_off, &r->view_off_cap, r->nconfig + 1,
			sizeof(*r->view_off)))
		return CSTAT_ENOMEM;
	size_t from = r->view_version == 0 ? 0 : r->view_from;
	if (from > r->view_n)
		from = r->view_n;
	if (from > r->nconfig)
		from = r->nconfig;
	r->config_text.len = from ? r->view_off[from] : 0;
	if (cstat__buf_reserve(&r->config_text, 0))
		return CSTAT_ENOMEM;
	for (size_t i = from; i < r->nconfig; i++) {
		r->view_off[i] = r->config_text.len;
		r->config_view[i].key = r->config[i].key;
		r->config_view[i].value = r->config[i].value;
		if (cstat__buf_adds(&r->config_text, r->config[i].key) ||
		    cstat__buf_add(&r->config_text, ": ", 2) ||
		    cstat__buf_adds(&r->config_text, r->config[i].value) ||
		    cstat__buf_addc(&r->config_text, '\n')) {
			r->view_version = 0; /* rebuild it all next time */
			return CSTAT_ENOMEM;
		}
	}
	r->view_off[r->nconfig] = r->config_text.len;
	r->config_text.data[r->config_text.len] = '\0';
	r->view_n = r->nconfig;
	r->view_from = SIZE_MAX;
	r->view_version = r->config_version + 1;
	return 0;
}

/* Whether c is white space before the first token of an input. */
static bool
lead_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The input's first bytes after a UTF-8 byte order mark: the buffer
 * filled until it holds CSTAT__SNIFF_BYTES or the whole input. */
static int
input_head(cstat_reader *r, const char **data, size_t *len, bool *whole,
	   struct cstat_diag *d)
{
	if (r->mem) {
		*data = r->mem;
		*len = r->mem_len;
		*whole = true;
	} else {
		while (!r->eof && r->buf_len < CSTAT__SNIFF_BYTES) {
			int rc = fill(r, d);
			if (rc)
				return rc;
		}
		*data = r->buf;
		*len = r->buf_len;
		*whole = r->eof;
	}
	if (*len >= 3 && memcmp(*data, "\xef\xbb\xbf", 3) == 0) {
		*data += 3;
		*len -= 3;
	}
	return 0;
}

/* Starts reading the input in format f: its state and queue. */
static int
start_format(cstat_reader *r, const struct cstat__format *f)
{
	r->fmt = f;
	if (!r->q && cstat__rq_new(&r->q))
		return CSTAT_ENOMEM;
	cstat__rq_clear(r->q);
	cstat__rq_set_label(r->q, r->label);
	r->fmt_state = calloc(1, f->state_size ? f->state_size : 1);
	return r->fmt_state ? 0 : CSTAT_ENOMEM;
}

/*
 * Chooses the input's format: the one set_format() asked for, or the one
 * that claims the input's first bytes, or Go text.  JSON that no format
 * claims is refused rather than read as text that holds no benchmarks.
 */
static int
sniff(cstat_reader *r, struct cstat_diag *d)
{
	const char *head;
	size_t len, i = 0;
	bool whole;
	int rc;

	r->sniffed = true;
	if (r->forced)
		return r->forced->feed || r->forced->refusal
			       ? start_format(r, r->forced)
			       : 0;
	rc = input_head(r, &head, &len, &whole, d);
	if (rc)
		return rc;
	while (i < len && lead_space(head[i]))
		i++;

	size_t n = len - i < CSTAT__SNIFF_BYTES ? len - i : CSTAT__SNIFF_BYTES;
	const struct cstat__format *f =
		cstat__format_sniff(head + i, n, whole && n == len - i);

	if (f)
		return start_format(r, f);
	if (i < len && (head[i] == '{' || head[i] == '[')) {
		char list[400];

		cstat__format_list(true, list, sizeof(list));
		cstat__diag_set(d, r->label, 0, 0,
				"%s: JSON, but not a format cstat reads "
				"(expected %s)",
				r->label, list);
		return CSTAT_EFORMAT;
	}
	return 0;
}

/* The input's next bytes for a format: what the buffer holds, then more
 * of the file; *len 0 at the end. */
static int
next_chunk(cstat_reader *r, const char **data, size_t *len,
	   struct cstat_diag *d)
{
	if (r->mem) {
		*data = r->mem + r->mem_pos;
		*len = r->mem_len - r->mem_pos;
		r->mem_pos = r->mem_len;
		return 0;
	}
	if (r->buf_pos == r->buf_len && !r->eof) {
		r->buf_pos = r->buf_len = 0;
		int rc = fill(r, d);
		if (rc)
			return rc;
	}
	*data = r->buf + r->buf_pos;
	*len = r->buf_len - r->buf_pos;
	r->buf_pos = r->buf_len;
	return 0;
}

/* Feeds the format until its queue holds something or the input ends. */
static int
feed_format(cstat_reader *r, struct cstat_diag *d)
{
	bool first = r->mem ? r->mem_pos == 0 : r->buf_pos == 0;

	while (!cstat__rq_pending(r->q) && !r->fed_end) {
		const char *data;
		size_t len;
		int rc = next_chunk(r, &data, &len, d);

		if (rc)
			return rc;
		/* The byte order mark is the reader's business. */
		if (first && len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
			data += 3;
			len -= 3;
		}
		first = false;
		if (len == 0 && !(r->mem ? r->mem_pos >= r->mem_len : r->eof))
			continue;
		if (len == 0)
			r->fed_end = true;
		/* Formats may keep the whole input (JSON): bound it. */
		r->fed += len;
		if (!r->mem && r->fed > r->max_input) {
			cstat__diag_set(d, r->label, 0, 0,
					"%s: input too large (over %zu bytes)",
					r->label, r->max_input);
			return CSTAT_EIO;
		}
		if (r->fmt->refusal)
			rc = len ? 0
				 : cstat__rq_fail(r->q, CSTAT_EFORMAT, 0, "%s",
						  r->fmt->refusal);
		else
			rc = r->fmt->feed(r->fmt_state, r->q, len ? data : NULL,
					  len);
		if (rc)
			return rc;
		if (cstat__rq_failed(r->q) && !r->fed_end) {
			r->fed_end = true;
			r->eof = true;
		}
	}
	return 0;
}

/* Fills in the current result from the reader's state (inline: once a
 * result, and the view is mostly up to date already). */
static inline int
finish_result(cstat_reader *r, const struct cstat_result **res)
{
	r->kept = r->nconfig;
	if (r->view_version != r->config_version + 1) {
		/* The entries before the first changed one stay. */
		size_t from = r->view_version == 0 ? 0 : r->view_from;
		if (from > r->view_n)
			from = r->view_n;
		r->kept = from < r->nconfig ? from : r->nconfig;
		if (fill_config_view(r))
			return CSTAT_ENOMEM;
	}
	r->result.file = r->label;
	r->result.name = r->name;
	r->result.config = r->config_view;
	r->result.nconfig = r->nconfig;
	r->result.config_text = r->config_text.data;
	r->result.config_text_len = r->config_text.len;
	r->result.config_version = r->config_version;
	r->result.values = r->values;
	r->result.line = r->line;
	r->results++;
	*res = &r->result;
	return 1;
}

/*
 * One line of Go benchmark text.
 * @return 1 with a result, 0 for a line that holds none, CSTAT_ESYNTAX
 *         when errors were queued, or another negative error.
 */
static int
go_line(cstat_reader *r, const char *line, size_t len,
	const struct cstat_result **res)
{
	int rc;

	if (len >= 9 && memcmp(line, "Benchmark", 9) == 0) {
		rc = parse_benchmark(r, line, len);
		if (rc <= 0)
			return rc;
		return finish_result(r, res);
	}
	if (len >= 4 && line[0] == 'U') {
		const char *p = line, *f;
		size_t flen;
		bool sep;
		split_field(&p, line + len, &f, &flen, &sep);
		if (flen == 4 && memcmp(f, "Unit", 4) == 0) {
			rc = parse_unit_line(r, p, line + len);
			if (rc)
				return rc;
			return r->npending ? CSTAT_ESYNTAX : 0;
		}
	}

	size_t klen, vlen;
	const char *val;

	if (parse_key_value(line, len, &klen, &val, &vlen))
		return set_config(r, line, klen, val, vlen);
	return 0;
}

/* A result a format found: its name and values, units tidied. */
static int
format_result(cstat_reader *r, const struct cstat__rq_item *it,
	      const struct cstat_result **res)
{
	if (set_name(r, it->a, it->a_len) ||
	    cstat__grow((void **)&r->values, &r->values_cap, it->nvalues + 1,
			sizeof(*r->values)))
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < it->nvalues; i++) {
		const struct unit_entry *u;
		int rc = intern_unit(r, it->values[i].unit,
				     strlen(it->values[i].unit), &u);
		if (rc)
			return rc;

		struct cstat_value *v = &r->values[i];
		double val = it->values[i].value, tidy = val * u->factor;

		v->value = tidy == val ? val : tidy;
		v->unit = tidy == val ? u->orig : u->tidy;
		v->orig_value = val;
		v->orig_unit = u->orig;
	}
	r->result.nvalues = it->nvalues;
	return finish_result(r, res);
}

/* Sets a configuration key from a format, unless it already has that
 * value (a new value is a new configuration for the builder). */
static int
format_config(cstat_reader *r, const char *key, const char *val)
{
	size_t klen = strlen(key), vlen = strlen(val);

	for (size_t i = 0; i < r->nconfig; i++)
		if (strlen(r->config[i].key) == klen &&
		    memcmp(r->config[i].key, key, klen) == 0)
			return strcmp(r->config[i].value, val) == 0
				       ? 0
				       : set_config(r, key, klen, val, vlen);
	return set_config(r, key, klen, val, vlen);
}

/* Returns the first queued error of the current line. */
static int
first_pending(cstat_reader *r, struct cstat_diag *d)
{
	if (d)
		*d = r->pending[0];
	r->pending_pos = 1;
	return CSTAT_ESYNTAX;
}

/* A format's message as a diagnostic: "FILE:LINE[:COLUMN]: message", or
 * "FILE: message" when it has no line. */
static void
item_diag(const cstat_reader *r, const struct cstat__rq_item *it,
	  struct cstat_diag *d)
{
	if (it->line)
		cstat__diag_set(d, r->label, it->line, it->column, "%s", it->a);
	else
		cstat__diag_set(d, r->label, 0, 0, "%s: %s", r->label, it->a);
}

/*
 * One item a format queued.
 * @return as cstat_reader_next().
 */
static int
format_item(cstat_reader *r, const struct cstat__rq_item *it,
	    const struct cstat_result **res, struct cstat_diag *d)
{
	const struct unit_entry *u;
	int rc;

	r->line = it->line;
	switch (it->kind) {
	case CSTAT__RQ_CONFIG:
		return format_config(r, it->a, it->b);
	case CSTAT__RQ_RESULT:
		return format_result(r, it, res);
	case CSTAT__RQ_UNIT_META:
		rc = intern_unit(r, it->a, strlen(it->a), &u);
		if (!rc)
			rc = add_unit_meta(r, u, it->b, strlen(it->b), it->c,
					   strlen(it->c));
		if (rc)
			return rc;
		return r->npending ? first_pending(r, d) : 0;
	case CSTAT__RQ_TEXT:
		rc = go_line(r, it->a, it->a_len, res);
		return rc == CSTAT_ESYNTAX ? first_pending(r, d) : rc;
	case CSTAT__RQ_WARN:
		item_diag(r, it, d);
		return CSTAT_ESYNTAX;
	case CSTAT__RQ_FAIL:
		item_diag(r, it, d);
		r->is_open = false;
		return it->code ? it->code : CSTAT_EFORMAT;
	}
	return 0;
}

/*
 * What an input that held no results gets.  In a format other than Go
 * text it is an error: the file was meant to hold results and none could
 * be used (every entry skipped, an empty list), and a table without that
 * input, or no table at all, would look like an answer.  Go text on
 * standard input (a pipe from a build that failed) gets a warning, as the
 * rest of the inputs may still make a table; an empty Go text file stays
 * silent, as in benchstat.
 */
static int
warn_empty(cstat_reader *r, struct cstat_diag *d)
{
	if (r->results || r->warned_empty)
		return 0;
	r->warned_empty = true;
	if (r->fmt) {
		cstat__diag_set(d, r->label, 0, 0,
				"%s: no benchmark results in this %s input",
				r->label, r->fmt->title);
		r->is_open = false;
		return CSTAT_EFORMAT;
	}
	if (strcmp(r->path, "-") == 0)
		cstat__diag_set(d, r->label, 0, 0,
				"%s: standard input held no benchmark results",
				r->label);
	else
		return 0;
	return CSTAT_ESYNTAX;
}

/* cstat_reader_next() for an input a format reads. */
static int
next_from_format(cstat_reader *r, const struct cstat_result **res,
		 struct cstat_diag *d)
{
	for (;;) {
		struct cstat__rq_item it;
		int rc = cstat__rq_take(r->q, &it);

		if (rc < 0)
			return rc;
		if (rc == 0) {
			cstat__rq_clear(r->q);
			if (r->fed_end)
				return warn_empty(r, d);
			rc = feed_format(r, d);
			if (rc)
				return rc;
			continue;
		}
		rc = format_item(r, &it, res, d);
		if (rc)
			return rc;
	}
}

/*
 * The next line of Go text by the fast path, when the input holds
 * FAST_AHEAD bytes from it and it is no longer than FAST_LINE (and the
 * ceiling): a benchmark line of the usual shape is parsed at once.
 * @return 1 with a result, -1 when the general path must find the line,
 *         or 0 with the line in *line for go_line() (NULL when it held
 *         nothing).  A line the fast path gave up on, out of memory
 *         included, goes to go_line(), which decides it afresh.
 */
static int
fast_line(cstat_reader *r, const char **line, size_t *len)
{
	uint64_t sp[FAST_WORDS];
	size_t avail =
		r->mem ? r->mem_len - r->mem_pos : r->buf_len - r->buf_pos;

	/* (The buffer may not exist yet: no pointer into it before.) */
	if (r->slow || avail < FAST_AHEAD)
		return -1;
	const char *p = r->mem ? r->mem + r->mem_pos : r->buf + r->buf_pos;
#if CSTAT_MARKS_AVX2
	size_t n = r->avx2 ? scan_line_avx2((const unsigned char *)p, sp)
			   : scan_line((const unsigned char *)p, sp);
#else
	size_t n = scan_line((const unsigned char *)p, sp);
#endif
	if (n == SIZE_MAX || n > r->max_line)
		return -1;
	if (r->mem)
		r->mem_pos += n + 1;
	else
		r->buf_pos += n + 1;
	r->line++;
	*line = p;
	*len = n && p[n - 1] == '\r' ? n - 1 : n;
	if (*len >= 9 && memcmp(p, "Benchmark", 9) == 0) {
		int rc = fast_benchmark(r, p, *len, sp);
		if (rc == 1)
			return 1;
		if (rc == 0)
			*line = NULL;
	}
	return 0;
}

int
cstat_reader_next(cstat_reader *r, const struct cstat_result **res,
		  struct cstat_diag *d)
{
	/* Set by next_line(); initialized only because inlining the error
	 * paths makes gcc unsure of that. */
	const char *line = NULL;
	size_t len = 0;
	int rc;

	if (res)
		*res = NULL;
	if (!r || !res)
		return CSTAT_EINVAL;
	if (r->pending_pos < r->npending) {
		if (d)
			*d = r->pending[r->pending_pos];
		r->pending_pos++;
		return CSTAT_ESYNTAX;
	}
	r->npending = r->pending_pos = 0;
	if (!r->is_open)
		return CSTAT_ESTATE;
	if (!r->sniffed) {
		rc = sniff(r, d);
		if (rc) {
			/* The input cannot be read at all: it is over. */
			r->is_open = false;
			return rc;
		}
	}
	if (r->fmt)
		return next_from_format(r, res, d);
	for (;;) {
		rc = fast_line(r, &line, &len);
		if (rc > 0)
			return finish_result(r, res);
		if (rc < 0) {
			rc = next_line(r, &line, &len, d);
			if (rc < 0)
				return rc;
			if (rc == 0)
				return warn_empty(r, d);
			r->line++;
		}
		if (line)
			rc = go_line(r, line, len, res);
		if (rc == 0)
			continue;
		return rc == CSTAT_ESYNTAX ? first_pending(r, d) : rc;
	}
}

int
cstat__reader_fork(const cstat_reader *r, cstat_reader **out)
{
	int rc = cstat_reader_new(out);

	if (rc)
		return rc;
	(*out)->max_line = r->max_line;
	(*out)->max_input = r->max_input;
	(*out)->slow = r->slow;
	(*out)->avx2 = r->avx2;
	return 0;
}

size_t
cstat__reader_meta_count(const cstat_reader *r)
{
	return r->nmeta;
}

int
cstat__reader_merge_meta(cstat_reader *r, const cstat_reader *from)
{
	for (size_t i = 0; i < from->nmeta; i++) {
		const struct unit_meta *m = &from->meta[i];
		int rc = cstat__reader_add_unit_meta(r, m->tidy_unit,
						     strlen(m->tidy_unit),
						     m->key, m->value, NULL);
		if (rc && rc != CSTAT_ESYNTAX)
			return rc;
	}
	return 0;
}

void
cstat__reader_drop_buffer(cstat_reader *r)
{
	if (!r || r->buf_pos < r->buf_len)
		return;
	free(r->buf);
	r->buf = NULL;
	r->buf_cap = r->buf_len = r->buf_pos = 0;
}

size_t
cstat__reader_config_kept(const cstat_reader *r)
{
	return r->kept;
}

unsigned long
cstat__reader_name_serial(const cstat_reader *r)
{
	return r->name_serial;
}

void
cstat__reader_set_fast(cstat_reader *r, int how)
{
	r->slow = how == CSTAT__FAST_OFF;
#if CSTAT_MARKS_AVX2
	r->avx2 = how == CSTAT__FAST_ON && cstat__cpu_avx2();
#endif
}

int
cstat_reader_set_limits(cstat_reader *r, size_t max_line, size_t max_input)
{
	if (!r)
		return CSTAT_EINVAL;
	r->max_line = max_line ? max_line : CSTAT_DEFAULT_MAX_LINE;
	r->max_input = max_input ? max_input : CSTAT_DEFAULT_MAX_INPUT;
	return 0;
}

int
cstat_reader_set_format(cstat_reader *r, const char *name)
{
	const struct cstat__format *f = NULL;

	if (!r || !r->is_open || r->sniffed)
		return r ? CSTAT_ESTATE : CSTAT_EINVAL;
	if (name && !(f = cstat__format_named(name)))
		return CSTAT_EINVAL;
	r->forced = f;
	return 0;
}

const char *
cstat_reader_format(const cstat_reader *r)
{
	if (!r || !r->sniffed)
		return NULL;
	return r->fmt ? r->fmt->name : "go";
}

const char *
cstat_reader_unit_meta(const cstat_reader *r, const char *unit, const char *key)
{
	if (!r || !unit || !key)
		return NULL;
	for (size_t i = 0; i < r->nmeta; i++)
		if (strcmp(r->meta[i].tidy_unit, unit) == 0 &&
		    strcmp(r->meta[i].key, key) == 0)
			return r->meta[i].value;
	return NULL;
}

int
cstat__reader_add_unit_meta(cstat_reader *r, const char *unit, size_t len,
			    const char *key, const char *value,
			    struct cstat_diag *d)
{
	const struct unit_entry *u;
	int rc = intern_unit(r, unit, len, &u);

	if (rc)
		return rc;
	const char *old = cstat_reader_unit_meta(r, u->tidy, key);
	if (!old)
		return add_unit_meta(r, u, key, strlen(key), value,
				     strlen(value));
	if (strcmp(old, value) == 0)
		return 0;
	cstat__diag_set(d, NULL, 0, 0,
			"metadata %s of unit %s already set to %s", key,
			u->orig, old);
	return CSTAT_ESYNTAX;
}
