/*
 * history-scan.c - a history's records found without parsing them, for
 * the commands that only count them or copy them (cbaseline list and
 * prune): cstat_history_describe(), and cstat__hscan_*() for
 * cstat_history_prune().
 *
 * cstat_history_load() parses every record into a run with all its
 * values; on a history of 10,000 runs of 500 benchmarks (700 MB) that is
 * some 17 s, to learn how many runs there are.  Here each line is judged
 * as that reading would judge it, by its shape: a line cstat wrote starts
 * with its schema ({"schema":"cstat-run/1",), and a record cut short by a
 * crash (a stub) is a prefix of one, so its strings or brackets do not
 * close.  The shape is checked 64 bytes at a time as bit masks (AVX2 and
 * PCLMUL where the processor has them, else SSE2): strings closed and free of
 * control bytes, brackets balanced and matched outside them with the line one
 * object, and only JSON's own bytes outside strings.  A line with a backslash
 * (an escape) gets jscan.c's whole syntax check instead.  A line the shape
 * refuses, or of another schema, is parsed whole, so its verdict (stub, record
 * or error) is exactly the full reading's; so is the last record, whose
 * metadata list shows.  What is not checked in other records: the order
 * of the tokens (a comma or colon missing) and the spelling of numbers
 * and literals, and the body of a record whose schema is right (groups,
 * benchmarks, values).  docs/cbaseline.md says so.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "jscan.h"
#include "store.h"

/* How a record cstat wrote starts: the schema is its first member. */
static const char prefix[] = "{\"schema\":\"" CSTAT__RUN_SCHEMA "\",";

/* The marks of one 64-byte block, one bit a byte. */
struct marks {
	uint64_t quote, bslash, ctrl, bracket, foreign;
};

#if defined(__SSE2__)
/* v's bytes in [lo, lo + n]: a subtraction, then the unsigned minimum. */
static __m128i
in_range(__m128i v, char lo, char n)
{
	__m128i t = _mm_sub_epi8(v, _mm_set1_epi8(lo));

	return _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(n)), t);
}

static __m128i
eq(__m128i v, char c)
{
	return _mm_cmpeq_epi8(v, _mm_set1_epi8(c));
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_AVX2 1
/*
 * mark() with AVX2, 32 bytes at a time, each byte classified by two table
 * lookups (its low and its high half, as simdjson classifies), the bits
 * of the class: 0 tab, CR; 1 blank " + , - .; 2 digits and ':'; 3 E e;
 * 4 a f l n; 5 r s t u; 6 brackets; 7 backslash.  A byte is JSON's
 * outside strings when one of bits 0-6 is set.
 */
__attribute__((target("avx2"))) static void
mark_avx2(const unsigned char *p, struct marks *m)
{
	const __m256i lo_tab = _mm256_setr_epi8(
		0x06, 0x14, 0x26, 0x24, 0x24, 0x2c, 0x14, 0x04, 0x04, 0x05,
		0x04, 0x42, (char)0x92, 0x43, 0x12, 0x00, 0x06, 0x14, 0x26,
		0x24, 0x24, 0x2c, 0x14, 0x04, 0x04, 0x05, 0x04, 0x42,
		(char)0x92, 0x43, 0x12, 0x00);
	const __m256i hi_tab = _mm256_setr_epi8(
		0x01, 0x00, 0x02, 0x04, 0x08, (char)0xc0, 0x18, 0x60, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x02,
		0x04, 0x08, (char)0xc0, 0x18, 0x60, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00);
	const __m256i nib = _mm256_set1_epi8(0x0f);

	*m = (struct marks){0};
	for (unsigned k = 0; k < 2; k++) {
		__m256i v = _mm256_loadu_si256(
			(const __m256i *)(const void *)(p + 32 * k));
		__m256i lo =
			_mm256_shuffle_epi8(lo_tab, _mm256_and_si256(v, nib));
		__m256i hi = _mm256_shuffle_epi8(
			hi_tab, _mm256_and_si256(_mm256_srli_epi16(v, 4), nib));
		__m256i cls = _mm256_and_si256(lo, hi);
		__m256i q = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('"'));
		__m256i ctl = _mm256_cmpeq_epi8(
			_mm256_min_epu8(v, _mm256_set1_epi8(0x1f)), v);
		__m256i foreign = _mm256_cmpeq_epi8(
			_mm256_and_si256(cls, _mm256_set1_epi8(0x7f)),
			_mm256_setzero_si256());
		unsigned sh = 32 * k;
		m->quote |= (uint64_t)(uint32_t)_mm256_movemask_epi8(q) << sh;
		m->bslash |= (uint64_t)(uint32_t)_mm256_movemask_epi8(cls)
			     << sh;
		m->ctrl |= (uint64_t)(uint32_t)_mm256_movemask_epi8(ctl) << sh;
		m->bracket |= (uint64_t)(uint32_t)_mm256_movemask_epi8(
				      _mm256_slli_epi16(cls, 1))
			      << sh;
		m->foreign |= (uint64_t)(uint32_t)_mm256_movemask_epi8(foreign)
			      << sh;
	}
}
#endif

/*
 * The marks of the 64 bytes at p: quotes, backslashes, control bytes
 * (below 0x20), brackets ({}[]) and the bytes that JSON does not allow
 * outside strings (foreign: not white space, a structural character, a
 * quote, or a byte of a number or of true, false and null).
 */
static void
mark(const unsigned char *p, struct marks *m)
{
	*m = (struct marks){0};
#if defined(__SSE2__)
	for (unsigned k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128(
			(const __m128i *)(const void *)(p + 16 * k));
		__m128i q = eq(v, '"'), b = eq(v, '\\');
		__m128i ctl =
			_mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
		__m128i br = _mm_or_si128(_mm_or_si128(eq(v, '{'), eq(v, '}')),
					  _mm_or_si128(eq(v, '['), eq(v, ']')));
		/* + , - . and the digits and ':' are 0x2b to 0x3a but '/'. */
		__m128i ok = _mm_andnot_si128(eq(v, '/'),
					      in_range(v, 0x2b, 0x3a - 0x2b));
		ok = _mm_or_si128(ok, _mm_or_si128(eq(v, ' '), eq(v, '\t')));
		ok = _mm_or_si128(ok, _mm_or_si128(eq(v, '\r'), eq(v, 'E')));
		/* a e f l n r s t u: true, false, null. */
		ok = _mm_or_si128(ok, _mm_or_si128(eq(v, 'a'), eq(v, 'l')));
		ok = _mm_or_si128(
			ok, _mm_or_si128(eq(v, 'n'), in_range(v, 'e', 1)));
		ok = _mm_or_si128(ok, in_range(v, 'r', 'u' - 'r'));
		ok = _mm_or_si128(ok, _mm_or_si128(q, br));
		unsigned sh = 16 * k;
		m->quote |= (uint64_t)(unsigned)_mm_movemask_epi8(q) << sh;
		m->bslash |= (uint64_t)(unsigned)_mm_movemask_epi8(b) << sh;
		m->ctrl |= (uint64_t)(unsigned)_mm_movemask_epi8(ctl) << sh;
		m->bracket |= (uint64_t)(unsigned)_mm_movemask_epi8(br) << sh;
		m->foreign |=
			(uint64_t)(unsigned)(~_mm_movemask_epi8(ok) & 0xffff)
			<< sh;
	}
#else
	static const char allowed[] = "{}[]\",:+-.0123456789 \t\rEaeflnrstu";
	for (unsigned i = 0; i < 64; i++) {
		unsigned c = p[i];
		uint64_t bit = (uint64_t)1 << i;
		m->quote |= c == '"' ? bit : 0;
		m->bslash |= c == '\\' ? bit : 0;
		m->ctrl |= c < 0x20 ? bit : 0;
		m->bracket |= c && strchr("{}[]", (int)c) ? bit : 0;
		m->foreign |= !c || !strchr(allowed, (int)c) ? bit : 0;
	}
#endif
}

/* Each bit of x xor every bit below it: the bits from an opening quote
 * up to (not including) its closing quote. */
static uint64_t
prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}

/* The state of a line's shape between blocks. */
struct shape {
	uint64_t in;	  /* all ones while a string is open */
	uint64_t objects; /* bit k: level k + 1 is an object */
	unsigned depth;
	size_t closed; /* where the depth came back to 0, plus 1 */
	bool bad, escape, avx2;
};

/* The block at p (of the line's bytes from off), marked m, its string
 * bytes in (from the block's quotes), taken into the shape. */
static inline __attribute__((always_inline)) void
shape_marks(struct shape *st, const unsigned char *p, size_t off,
	    const struct marks *mk, uint64_t in)
{
	const struct marks m = *mk;

	in ^= st->in;
	st->in = (uint64_t)((int64_t)in >> 63);
	/* Inside strings: no control byte; outside: only JSON's bytes. */
	if ((m.ctrl & in) || (m.foreign & ~in & ~m.quote)) {
		st->bad = true;
		return;
	}
	/* The stack in locals: p is bytes, which may alias *st, so stores
	 * to st would make each bracket reload it.  The bits of a bracket:
	 * 0x02 set for an opening one, 0x20 for a brace. */
	uint64_t objects = st->objects;
	unsigned depth = st->depth;
	bool bad = st->closed != 0 && (m.bracket & ~in);
	for (uint64_t b = m.bracket & ~in; b && !bad; b &= b - 1) {
		unsigned i = (unsigned)__builtin_ctzll(b);
		unsigned c = p[i];
		uint64_t brace = c >> 5 & 1;
		if (c & 2) {
			if ((bad = depth >= CSTAT__JSON_MAX_DEPTH))
				break;
			objects = (objects & ~((uint64_t)1 << depth)) |
				  brace << depth;
			depth++;
			continue;
		}
		/* A close: matching the open at the top, and only one value
		 * (no bracket after the depth comes back to 0). */
		if ((bad = !depth || (objects >> (depth - 1) & 1) != brace ||
			   (depth == 1 && (b & (b - 1)))))
			break;
		if (!--depth)
			st->closed = off + i + 1;
	}
	st->objects = objects;
	st->depth = depth;
	st->bad = bad;
}

/* The block at p (of the line's bytes from off) taken into the shape. */
static void
shape_block(struct shape *st, const unsigned char *p, size_t off)
{
	struct marks m;

	mark(p, &m);
	if (m.bslash)
		st->escape = true; /* the whole check decides */
	else
		shape_marks(st, p, off, &m, prefix_xor(m.quote));
}

#if HAVE_AVX2
/* shape_block() with AVX2's marks and the prefix XOR as one carry-less
 * multiply by all ones (PCLMUL). */
__attribute__((target("avx2,pclmul"))) static void
shape_block_avx2(struct shape *st, const unsigned char *p, size_t off)
{
	struct marks m;

	mark_avx2(p, &m);
	if (m.bslash) {
		st->escape = true;
		return;
	}
	__m128i q = _mm_set_epi64x(0, (long long)m.quote);
	uint64_t in = (uint64_t)_mm_cvtsi128_si64(
		_mm_clmulepi64_si128(q, _mm_set1_epi8((char)0xff), 0));
	shape_marks(st, p, off, &m, in);
}
#endif

static void
take_block(struct shape *st, const unsigned char *p, size_t off)
{
#if HAVE_AVX2
	if (st->avx2) {
		shape_block_avx2(st, p, off);
		return;
	}
#endif
	shape_block(st, p, off);
}

/*
 * Whether the line s[0..n) has the shape of a whole JSON object (see the
 * top of the file): 1 yes, 0 no, -1 it has an escape and the shape says
 * nothing.
 */
static int
shape_ok(const char *s, size_t n)
{
	struct shape st = {0};
	unsigned char tail[64];

#if HAVE_AVX2
	st.avx2 = __builtin_cpu_supports("avx2") &&
		  __builtin_cpu_supports("pclmul");
#endif
	size_t off = 0;

	for (; off + 64 <= n && !st.bad && !st.escape; off += 64)
		take_block(&st, (const unsigned char *)s + off, off);
	if (off < n && !st.bad && !st.escape) {
		/* The last bytes padded with blanks, which change nothing. */
		memset(tail, ' ', sizeof(tail));
		memcpy(tail, s + off, n - off);
		take_block(&st, tail, off);
	}
	if (st.escape)
		return -1;
	size_t end = n;
	while (end &&
	       (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\r'))
		end--;
	return !st.bad && !st.in && st.closed == end;
}

/*
 * Whether the complete line s[0..n) is a record of cstat's schema by its
 * shape (the line parsed whole decides otherwise).
 */
static bool
looks_whole(const char *s, size_t n)
{
	if (n < sizeof(prefix) - 1 || memcmp(s, prefix, sizeof(prefix) - 1))
		return false;
	int ok = shape_ok(s, n);
	return ok < 0 ? cstat__json_valid(s, n) : ok == 1;
}

void
cstat__hscan_init(struct cstat__hscan *h, const char *path,
		  void (*warn)(void *ctx, const struct cstat_diag *d),
		  void *ctx)
{
	*h = (struct cstat__hscan){.path = path, .warn = warn, .ctx = ctx};
}

void
cstat__hscan_done(struct cstat__hscan *h)
{
	cstat_run_free(h->last);
	h->last = NULL;
}

/*
 * Takes the line s[0..n) at the file's offset off (complete: a newline
 * ended it) as cstat_history_load() takes it: blank, a record, a stub
 * (told to warn) or an error.
 */
static int
take_line(struct cstat__hscan *h, const char *s, size_t n, uint64_t off,
	  bool complete, struct cstat_diag *d)
{
	size_t blank = 0;

	h->lines++;
	while (blank < n &&
	       (s[blank] == ' ' || s[blank] == '\t' || s[blank] == '\r'))
		blank++;
	if (blank == n)
		return 0;
	if (complete && looks_whole(s, n)) {
		cstat_run_free(h->last);
		h->last = NULL;
	} else {
		cstat_run *r;
		struct cstat_diag rd;
		int rc = cstat__store_parse(s, n, h->path, h->lines, &r, &rd);
		if (cstat__cut_short(rc, complete, &rd, h->path, h->lines,
				     h->warn, h->ctx)) {
			h->skipped++;
			return 0;
		}
		if (rc) {
			if (d)
				*d = rd;
			return rc;
		}
		cstat_run_free(h->last);
		h->last = r;
	}
	h->records++;
	h->last_off = off;
	h->last_len = n;
	h->last_line = h->lines;
	return h->record ? h->record(h->record_ctx, off, n) : 0;
}

int
cstat__hscan_lines(struct cstat__hscan *h, const char *s, size_t len,
		   uint64_t off, bool eof, size_t *used, struct cstat_diag *d)
{
	size_t pos = 0;
	int rc = 0;

	while (pos < len && !rc) {
		const char *nl = memchr(s + pos, '\n', len - pos);
		if (!nl && !eof)
			break;
		size_t n = nl ? (size_t)(nl - (s + pos)) : len - pos;
		rc = take_line(h, s + pos, n, off + pos, nl != NULL, d);
		pos += nl ? n + 1 : n;
	}
	*used = pos;
	return rc;
}

/* ------------------------------------------------------------------------
 * cstat_history_describe(): the snapshot (history-snap.c) when it is the
 * history's, else one pass over the file in large blocks.
 */

#define BLOCK (8u << 20)

int
cstat__hscan_last(struct cstat__hscan *h, int fd, struct cstat_diag *d)
{
	if (h->last || !h->records)
		return 0;
	char *buf = malloc(h->last_len + 1);
	if (!buf)
		return CSTAT_ENOMEM;
	ssize_t got = pread(fd, buf, h->last_len, (off_t)h->last_off);
	int rc = got == (ssize_t)h->last_len
			 ? cstat__store_parse(buf, h->last_len, h->path,
					      h->last_line, &h->last, d)
			 : CSTAT_EIO;
	if (rc == CSTAT_EIO)
		cstat__diag_set(d, h->path, 0, 0, "read %s: changed while read",
				h->path);
	free(buf);
	return rc;
}

int
cstat__hscan_fd(struct cstat__hscan *h, int fd, struct cstat_diag *d)
{
	char *buf = malloc(BLOCK);
	size_t cap = BLOCK, have = 0, used;
	uint64_t off = 0;
	int rc = buf ? 0 : CSTAT_ENOMEM;

	while (!rc) {
		/* A line longer than the buffer grows it. */
		if (have == cap &&
		    cstat__grow((void **)&buf, &cap, cap + 1, 1)) {
			rc = CSTAT_ENOMEM;
			break;
		}
		ssize_t n = read(fd, buf + have, cap - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			char why[128];
			cstat__errno_text(err, why, sizeof(why));
			cstat__diag_set(d, NULL, 0, 0, "read %s: %s", h->path,
					why);
			rc = cstat__errno_code(err);
			break;
		}
		have += (size_t)n;
		rc = cstat__hscan_lines(h, buf, have, off, n == 0, &used, d);
		memmove(buf, buf + used, have - used);
		have -= used;
		off += used;
		if (n == 0)
			break;
	}
	free(buf);
	return rc;
}

int
cstat_history_describe(const char *path, const char *cache,
		       struct cstat_history_info *info,
		       void (*warn)(void *ctx, const struct cstat_diag *d),
		       void *ctx, struct cstat_diag *d)
{
	struct cstat__hscan h;
	int fd, rc;

	if (info)
		*info = (struct cstat_history_info){0};
	if (!path || !info)
		return CSTAT_EINVAL;
	fd = cstat__store_open(path, O_RDONLY, d);
	if (fd < 0)
		return fd;
	if (cache && cstat__snap_describe(path, fd, cache, info, warn, ctx)) {
		close(fd);
		return 0;
	}
	cstat__hscan_init(&h, path, warn, ctx);
	rc = cstat__hscan_fd(&h, fd, d);
	if (!rc)
		rc = cstat__hscan_last(&h, fd, d);
	close(fd);
	if (!rc) {
		const char *c =
			h.last ? cstat_run_get(h.last, "created") : NULL;
		info->runs = h.records;
		info->skipped = h.skipped;
		info->lines = h.lines;
		if (c && !(info->created = strdup(c)))
			rc = CSTAT_ENOMEM;
	}
	cstat__hscan_done(&h);
	if (rc) {
		free(info->created);
		*info = (struct cstat_history_info){0};
	}
	return rc;
}
