/*
 * history-snap.c - a history's tables kept beside it, so that looking at
 * a long history does not parse it every time (cstat_history_read_cached()).
 *
 * Reading a history of 1,000 runs of 500 benchmarks (110 MB) parses 5
 * million numbers and sends each through the builder: about 0.75 s of CPU
 * however it is spread over threads.  What the commands that look at a
 * history need is what that reading makes: the tables (each cell's sorted
 * values, center and interval), each run's metadata and the warnings.
 * The snapshot is exactly that, written after a read in the tables' own
 * binary layout, with the identity of the history it came from: device,
 * inode, size, modification time to the nanosecond and a hash of its
 * last 4 KiB.  A later read whose history has the same identity reads the
 * snapshot instead (a tenth of the time); any other history (a record
 * appended, a merge or prune that replaced the file, a copy restored from
 * a cache) reads the history and writes the snapshot anew.
 *
 * The snapshot is never the only copy of anything and never an error: a
 * missing, foreign, cut-short or damaged one (every count and string id is
 * checked against what the file holds before anything is allocated for
 * it) is simply rebuilt, and one that cannot be written is skipped.  It is
 * written to a temporary file of our own and renamed into place, without
 * fsync: losing it costs one slow read.  The layout is this machine's
 * (byte order and sizes are in the header; another machine's is foreign).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "tables.h"

#define MAGIC "cstatSN1"
/* A filtered read's snapshot: the same layout with the filter's text
 * after the header (cstat_history_read_filtered()). */
#define MAGIC_FILTER "cstatSF1"
#define TRAILER "cstatEND"
/* The hash (cstat__hash_bytes) covers this much of the history's end. */
#define TAIL 4096
/* A table's values (doubles) from which they take a block of their own
 * (cstat__arena_reserve(): huge pages from 4 MB). */
#define BIG_VALUES ((size_t)1 << 19)
/* Buffered reads and writes of this size. */
#define IOBUF (1 << 20)
/* Reads are buffered by a huge page's worth (cstat__big_alloc()): the
 * buffer written through once costs one fault instead of 256. */
#define INBUF ((size_t)2 << 20)
/* From this many bytes of tables, their values share one block on huge
 * pages (read_tables()). */
#define BIG_SPAN ((size_t)2 << 20)
/* Filtered reads' snapshots kept in a folder, the least recently used
 * removed beyond (cstat_history_read_filtered()). */
#define FILTER_SNAPSHOTS 16

/* What a snapshot is of besides its history: NULL for every benchmark
 * (cstat's defaults), else the builder's options, of which the filter's
 * exact text is kept in the file and compared. */
struct what {
	const struct cstat_builder_opts *opts;
	const char *filter;
	size_t len;
	/* Not NULL: the text kept is not compared but handed back here
	 * (malloc'd), and compared by the caller. */
	char **got;
};

/* Where the snapshot came from. */
struct ident {
	uint64_t dev, ino, size, sec, nsec, tail;
	double confidence;
};

int
cstat__file_identity(int fd, struct stat *st, uint64_t *tail_hash)
{
	unsigned char tail[TAIL];
	off_t from;
	ssize_t got;

	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode))
		return -1;
	from = st->st_size > TAIL ? st->st_size - TAIL : 0;
	got = pread(fd, tail, (size_t)(st->st_size - from), from);
	if (got != st->st_size - from)
		return -1;
	*tail_hash = cstat__hash_bytes(tail, (size_t)got, 0);
	return 0;
}

/* The identity of the open history fd.  @return 0 or -1. */
static int
identify(int fd, double confidence, struct ident *id)
{
	struct stat st;
	uint64_t tail;

	if (cstat__file_identity(fd, &st, &tail) != 0)
		return -1;
	*id = (struct ident){(uint64_t)st.st_dev,
			     (uint64_t)st.st_ino,
			     (uint64_t)st.st_size,
			     (uint64_t)st.st_mtim.tv_sec,
			     (uint64_t)st.st_mtim.tv_nsec,
			     tail,
			     confidence};
	return 0;
}

static bool
same_ident(const struct ident *a, const struct ident *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	       a->sec == b->sec && a->nsec == b->nsec && a->tail == b->tail &&
	       memcmp(&a->confidence, &b->confidence, sizeof(double)) == 0;
}

/* The warnings of a read, kept for the snapshot while passed on. */
struct warns {
	struct cstat_diag *d;
	size_t n, cap;
	bool nomem;
	void (*warn)(void *ctx, const struct cstat_diag *d);
	void *ctx;
};

static void
keep_warning(void *ctx, const struct cstat_diag *d)
{
	struct warns *w = ctx;

	if (cstat__grow((void **)&w->d, &w->cap, w->n + 1, sizeof(*w->d)))
		w->nomem = true;
	else
		w->d[w->n++] = *d;
	if (w->warn)
		w->warn(w->ctx, d);
}

/* ------------------------------------------------------------------------
 * Writing.
 */
struct out {
	int fd;
	char *buf;
	size_t len;
	bool err;
};

static void
o_flush(struct out *o)
{
	if (!o->err && cstat__write_all(o->fd, o->buf, o->len) != 0)
		o->err = true;
	o->len = 0;
}

/* o_put() past the buffer's room: flushes it on the way. */
static void
o_fill(struct out *o, const char *s, size_t n)
{
	while (n && !o->err) {
		if (o->len == IOBUF)
			o_flush(o);
		size_t k = IOBUF - o->len < n ? IOBUF - o->len : n;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
	}
}

/* n bytes at p into the buffer; a field that fits takes no call (the
 * runs' metadata and the cells are 1.5 million fields at 10,000 runs). */
static inline void
o_put(struct out *o, const void *p, size_t n)
{
	if (n <= IOBUF - o->len) {
		memcpy(o->buf + o->len, p, n);
		o->len += n;
		return;
	}
	o_fill(o, p, n);
}

static void
o_u64(struct out *o, uint64_t v)
{
	o_put(o, &v, sizeof(v));
}

static void
o_u32(struct out *o, uint32_t v)
{
	o_put(o, &v, sizeof(v));
}

static void
o_u8(struct out *o, unsigned v)
{
	unsigned char c = (unsigned char)v;

	o_put(o, &c, 1);
}

static void
o_f64(struct out *o, double v)
{
	o_put(o, &v, sizeof(v));
}

static void
o_str(struct out *o, const char *s, size_t n)
{
	o_u64(o, n);
	o_put(o, s, n);
}

static void
o_ids(struct out *o, const uint32_t *ids, size_t n)
{
	o_put(o, ids, n * sizeof(*ids));
}

static void
write_runs(struct out *o, cstat_run *const *runs, size_t n)
{
	static const char lists[] = "meu";

	o_u64(o, n);
	for (size_t i = 0; i < n; i++)
		for (size_t l = 0; l < 3; l++) {
			size_t m = cstat__run_nkv(runs[i], lists[l]);
			o_u64(o, m);
			for (size_t k = 0; k < m; k++) {
				const char *key, *val;
				cstat__run_kv(runs[i], lists[l], k, &key, &val);
				o_str(o, key, strlen(key));
				o_str(o, val, strlen(val));
			}
		}
}

/* Bytes of one cell in the file (write_cell()). */
#define CELL_BYTES                                                             \
	(4 * 8 + 4 + 4 * (CSTAT__MAX_CELL_WARN + CSTAT__MAX_CMP_WARN) + 3)

/* Puts the field of n bytes at from at *p, and moves *p past it. */
static inline void
lay(unsigned char **p, const void *from, size_t n)
{
	memcpy(*p, from, n);
	*p += n;
}

/* A cell's fields laid out in a row, then put in one call. */
static void
write_cell(struct out *o, const struct cstat__cell *c)
{
	unsigned char b[CELL_BYTES], *p = b;
	uint32_t n = c->n;

	lay(&p, &c->center, 8);
	lay(&p, &c->lo, 8);
	lay(&p, &c->hi, 8);
	lay(&p, &c->p, 8);
	lay(&p, &n, 4);
	lay(&p, c->warn, 4 * CSTAT__MAX_CELL_WARN);
	lay(&p, c->cmpwarn, 4 * CSTAT__MAX_CMP_WARN);
	*p++ = (unsigned char)c->nwarn;
	*p++ = (unsigned char)c->ncmpwarn;
	*p++ = (unsigned char)((unsigned)c->present |
			       (unsigned)c->has_cmp << 1 |
			       (unsigned)c->significant << 2);
	o_put(o, b, CELL_BYTES);
}

static void
write_tables(struct out *o, const struct cstat_tables *t)
{
	o_u64(o, t->strs.count);
	for (uint32_t i = 0; i < t->strs.count; i++)
		o_str(o, t->strs.strs[i], t->strs.lens[i]);
	o_u64(o, t->nkey_fields);
	o_ids(o, t->key_fields, t->nkey_fields);
	o_u64(o, (uint64_t)(int64_t)t->unit_field);
	o_u64(o, t->ncol_fields);
	o_ids(o, t->col_fields, t->ncol_fields);
	o_f64(o, t->alpha);
	o_f64(o, t->confidence);
	o_u32(o, t->threads);
	o_u64(o, t->ntables);
	for (size_t i = 0; i < t->ntables; i++) {
		const struct cstat__table *tb = &t->tables[i];
		size_t ncells = tb->nrows * tb->ncols;
		o_u32(o, tb->unit);
		o_u8(o, tb->exact);
		o_u8(o, tb->higher_better);
		for (size_t f = 0; f < t->nkey_fields; f++)
			o_u32(o, cstat__table_key(t, tb, f));
		o_u64(o, tb->nrows);
		o_u64(o, tb->ncols);
		o_ids(o, tb->row_labels, tb->nrows);
		o_ids(o, tb->col_vals, tb->ncols * t->ncol_fields);
		for (size_t c = 0; c < ncells; c++)
			write_cell(o, &tb->cells[c]);
		for (size_t c = 0; c < ncells; c++)
			if (tb->cells[c].n)
				o_put(o, tb->cells[c].values,
				      tb->cells[c].n * sizeof(double));
	}
}

/*
 * Writes the snapshot of what a read of the history with identity id gave.
 * @return 0, or nonzero when it could not (nothing is left behind then).
 */
static int
write_snapshot(const char *cache, const struct what *what,
	       const struct ident *id, uint64_t lines, const struct warns *w,
	       cstat_run *const *runs, size_t n, const struct cstat_tables *t)
{
	struct cstat_diag d;
	struct out o = {.buf = malloc(IOBUF)};
	char *tmp = NULL;
	uint32_t order = 0x01020304u;

	if (!t->cells_only) {
		free(o.buf);
		return CSTAT_EINVAL; /* comparisons are not kept */
	}
	/* Table keys are written whole: a history whose configuration
	 * churns (a key more per run) would make a snapshot quadratic in
	 * it, so none is kept when keys outweigh the cells. */
	size_t ncells = 0;
	for (size_t i = 0; i < t->ntables; i++)
		ncells += t->tables[i].nrows * t->tables[i].ncols;
	if (t->nkey_fields > 8 * (ncells + 1024) / (t->ntables + 1)) {
		free(o.buf);
		return CSTAT_EINVAL;
	}
	if (!o.buf)
		return CSTAT_ENOMEM;
	o.fd = cstat__store_create_tmp(cache, &tmp, &d);
	if (o.fd < 0) {
		free(o.buf);
		return o.fd;
	}
	o_put(&o, what->opts ? MAGIC_FILTER : MAGIC, 8);
	o_u32(&o, order);
	o_u32(&o, (uint32_t)(sizeof(double) | sizeof(size_t) << 8));
	o_put(&o, id, sizeof(*id));
	o_u64(&o, lines);
	if (what->opts)
		o_str(&o, what->filter, what->len);
	o_u64(&o, w->n);
	for (size_t i = 0; i < w->n; i++) {
		o_u64(&o, w->d[i].line);
		o_u64(&o, w->d[i].column);
		o_str(&o, w->d[i].message, strlen(w->d[i].message));
	}
	write_runs(&o, runs, n);
	write_tables(&o, t);
	o_put(&o, TRAILER, 8);
	o_flush(&o);
	free(o.buf);
	int rc = o.err ? CSTAT_EIO : 0;
	if (close(o.fd) != 0)
		rc = CSTAT_EIO;
	if (!rc && rename(tmp, cache) != 0)
		rc = CSTAT_EIO;
	if (rc)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* ------------------------------------------------------------------------
 * Reading: every count is checked against the bytes left before it is
 * used, so a damaged file costs at most its own size in memory.
 */
struct in {
	int fd;
	char *buf;
	size_t len, pos;
	uint64_t left; /* bytes of the file not yet taken */
	bool bad;
};

/* The bytes of the file not yet taken, when they may fill a block on
 * huge pages (BIG_SPAN or more), else 0: what a reader reserves for what
 * it reads from them. */
static size_t
span_left(const struct in *in)
{
	return !in->bad && in->left >= BIG_SPAN && in->left <= SIZE_MAX / 2
		       ? (size_t)in->left
		       : 0;
}

/* i_get() past the buffered bytes: reads the file on. */
static void
i_fill(struct in *in, void *p, size_t n)
{
	char *d = p;

	if (in->bad || n > in->left) {
		in->bad = true;
		return;
	}
	in->left -= n;
	while (n) {
		if (in->pos == in->len) {
			ssize_t r = read(in->fd, in->buf, INBUF);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				in->bad = true;
				return;
			}
			in->len = (size_t)r;
			in->pos = 0;
		}
		size_t k = in->len - in->pos < n ? in->len - in->pos : n;
		memcpy(d, in->buf + in->pos, k);
		in->pos += k;
		d += k;
		n -= k;
	}
}

/* n bytes of the file into p, or in->bad set. */
static inline void
i_get(struct in *in, void *p, size_t n)
{
	/* Most fields are a few bytes of the buffer: no call for them (the
	 * runs' metadata are 640,000 of them in 10,000 runs). */
	if (!in->bad && n <= in->len - in->pos && n <= in->left) {
		memcpy(p, in->buf + in->pos, n);
		in->pos += n;
		in->left -= n;
		return;
	}
	i_fill(in, p, n);
}

static uint64_t
i_u64(struct in *in)
{
	uint64_t v = 0;

	i_get(in, &v, sizeof(v));
	return v;
}

static uint32_t
i_u32(struct in *in)
{
	uint32_t v = 0;

	i_get(in, &v, sizeof(v));
	return v;
}

static unsigned
i_u8(struct in *in)
{
	unsigned char c = 0;

	i_get(in, &c, 1);
	return c;
}

static double
i_f64(struct in *in)
{
	double v = 0;

	i_get(in, &v, sizeof(v));
	return v;
}

/* A count of items of at least each bytes that the file can still hold. */
static size_t
i_count(struct in *in, size_t each)
{
	uint64_t n = i_u64(in);

	if (in->bad || n > in->left / (each ? each : 1) || n > SIZE_MAX / 64) {
		in->bad = true;
		return 0;
	}
	return (size_t)n;
}

/* A string into a malloc'd, NUL-ended copy (NULL when bad). */
static char *
i_str(struct in *in, size_t *len)
{
	size_t n = i_count(in, 1);
	char *s = in->bad ? NULL : malloc(n + 1);

	if (!s) {
		in->bad = true;
		return NULL;
	}
	i_get(in, s, n);
	s[n] = '\0';
	if (len)
		*len = n;
	return s;
}

/* n string ids, each below nstrs, into a malloc'd array. */
static uint32_t *
i_ids(struct in *in, size_t n, uint32_t nstrs)
{
	uint32_t *v;

	if (in->bad || n > in->left / sizeof(*v)) {
		in->bad = true;
		return NULL;
	}
	v = malloc((n + 1) * sizeof(*v));
	if (!v) {
		in->bad = true;
		return NULL;
	}
	i_get(in, v, n * sizeof(*v));
	for (size_t i = 0; i < n && !in->bad; i++)
		if (v[i] >= nstrs)
			in->bad = true;
	return v;
}

static int
read_warnings(struct in *in, struct warns *w)
{
	size_t n = i_count(in, 24);

	for (size_t i = 0; i < n && !in->bad; i++) {
		struct cstat_diag d = {0};
		size_t len;
		d.line = (unsigned long)i_u64(in);
		d.column = (unsigned long)i_u64(in);
		char *m = i_str(in, &len);
		if (m && len < sizeof(d.message)) {
			memcpy(d.message, m, len + 1);
			if (cstat__grow((void **)&w->d, &w->cap, w->n + 1,
					sizeof(*w->d)))
				in->bad = true;
			else
				w->d[w->n++] = d;
		} else {
			in->bad = true;
		}
		free(m);
	}
	return in->bad;
}

/*
 * A string appended to *buf at *len, NUL-ended (grown as needed: *cap):
 * its offset, or SIZE_MAX when bad.
 */
static size_t
i_stage(struct in *in, char **buf, size_t *cap, size_t *len)
{
	size_t n = i_count(in, 1), at = *len;

	if (in->bad || (at + n + 1 > *cap &&
			cstat__grow((void **)buf, cap, at + n + 1, 1))) {
		in->bad = true;
		return SIZE_MAX;
	}
	i_get(in, *buf + at, n);
	(*buf)[at + n] = '\0';
	*len = at + n + 1;
	return in->bad ? SIZE_MAX : at;
}

static int
read_runs(struct in *in, cstat_run ***runs, size_t *nruns)
{
	size_t n = i_count(in, 24);
	/* A run's keys and values are read into one buffer, then copied
	 * at once into the run's block in an arena shared by every run
	 * read (cstat__run_from_texts()): ten thousand runs' metadata are
	 * hundreds of thousands of strings, and a malloc() and free() each
	 * were most of reading a filter's snapshot. */
	char *buf = NULL;
	size_t cap = 0, *off = NULL, offcap = 0;
	struct cstat__runs_arena *arena;

	*runs = in->bad ? NULL : calloc(n + 1, sizeof(**runs));
	if (!*runs)
		return in->bad = true;
	if (cstat__runs_arena_new(&arena))
		return in->bad = true;
	/* The runs' texts come from the bytes left: on huge pages from one
	 * block when they may fill one (10,000 runs' metadata, 3.3 MB, took
	 * 830 faults of 4 kB pages). */
	if (span_left(in))
		(void)cstat__runs_arena_reserve(arena, span_left(in));
	for (size_t i = 0; i < n && !in->bad; i++) {
		size_t len = 0, nkv = 0, m[3];
		for (size_t l = 0; l < 3 && !in->bad; l++) {
			m[l] = i_count(in, 16);
			if (in->bad ||
			    cstat__grow((void **)&off, &offcap,
					2 * (nkv + m[l]), sizeof(*off))) {
				in->bad = true;
				break;
			}
			for (size_t k = 0; k < m[l] && !in->bad; k++, nkv++) {
				size_t ko = i_stage(in, &buf, &cap, &len);
				size_t vo = i_stage(in, &buf, &cap, &len);
				off[2 * nkv] = ko;
				off[2 * nkv + 1] = vo;
				/* Unit metadata is keyed "unit\tkey". */
				if (!in->bad && l == 2 &&
				    !strchr(buf + ko, '\t'))
					in->bad = true;
			}
		}
		if (!in->bad &&
		    cstat__run_from_texts(arena, buf, len, off, m, &(*runs)[i]))
			in->bad = true;
		if (!in->bad)
			*nruns = i + 1;
	}
	cstat__runs_arena_drop(arena);
	free(buf);
	free(off);
	return in->bad;
}

/* Takes the next field of n bytes from *p into to. */
static void
take(const unsigned char **p, void *to, size_t n)
{
	memcpy(to, *p, n);
	*p += n;
}

static void
read_cell(struct in *in, struct cstat__cell *c, uint32_t nstrs)
{
	/* The cell's bytes at once: a long history has millions of cells,
	 * and a call per field cost a fifth of reading a filter's
	 * snapshot. */
	unsigned char b[CELL_BYTES];
	const unsigned char *p = b;
	unsigned flags;

	i_get(in, b, sizeof(b));
	if (in->bad)
		return;
	take(&p, &c->center, 8);
	take(&p, &c->lo, 8);
	take(&p, &c->hi, 8);
	take(&p, &c->p, 8);
	take(&p, &c->n, 4);
	take(&p, c->warn, sizeof(c->warn));
	take(&p, c->cmpwarn, sizeof(c->cmpwarn));
	c->nwarn = p[0];
	c->ncmpwarn = p[1];
	flags = p[2];
	c->present = flags & 1;
	c->has_cmp = flags >> 1 & 1;
	c->significant = flags >> 2 & 1;
	if (c->nwarn > CSTAT__MAX_CELL_WARN ||
	    c->ncmpwarn > CSTAT__MAX_CMP_WARN || flags > 7)
		in->bad = true;
	for (size_t k = 0; k < c->nwarn && !in->bad; k++)
		if (c->warn[k] >= nstrs)
			in->bad = true;
	for (size_t k = 0; k < c->ncmpwarn && !in->bad; k++)
		if (c->cmpwarn[k] >= nstrs)
			in->bad = true;
}

static int
read_table(struct in *in, struct cstat_tables *t, struct cstat__table *tb,
	   bool reserved)
{
	uint32_t nstrs = t->strs.count;
	size_t ncells, total = 0;

	tb->unit = i_u32(in);
	tb->exact = i_u8(in) != 0;
	tb->higher_better = i_u8(in) != 0;
	if (tb->unit >= nstrs)
		in->bad = true;
	uint32_t *key = i_ids(in, t->nkey_fields, nstrs);
	bool added;
	if (!in->bad && cstat__seqtab_intern(&t->keys, key, t->nkey_fields,
					     &tb->key, &added))
		in->bad = true;
	free(key);
	tb->nrows = i_count(in, 4);
	tb->ncols = i_count(in, 4);
	tb->row_labels = i_ids(in, tb->nrows, nstrs);
	if (!in->bad && t->ncol_fields && tb->ncols > SIZE_MAX / t->ncol_fields)
		in->bad = true;
	tb->col_vals = i_ids(in, tb->ncols * t->ncol_fields, nstrs);
	if (in->bad ||
	    (tb->ncols && tb->nrows > in->left / CELL_BYTES / tb->ncols))
		return in->bad = true;
	ncells = tb->nrows * tb->ncols;
	/* Written whole at once: on huge pages when large (a long history's
	 * cells are hundreds of MB, and a fault per 4 kB page costs more than
	 * reading them). */
	tb->cells = cstat__big_calloc(ncells + 1, sizeof(*tb->cells));
	/* No geomean rows in a history's tables: none to keep. */
	tb->summary = calloc(tb->ncols + 1, sizeof(*tb->summary));
	if (!tb->cells || !tb->summary)
		return in->bad = true;
	for (size_t c = 0; c < ncells && !in->bad; c++) {
		read_cell(in, &tb->cells[c], nstrs);
		total += tb->cells[c].n;
		if (total > in->left / sizeof(double))
			in->bad = true;
	}
	if (in->bad)
		return 1;
	/* Every value of the table in one block of the pool: the block
	 * read_tables() reserved for every table's, else one of its own on
	 * huge pages when it is large. */
	if (total >= BIG_VALUES && !reserved &&
	    cstat__arena_reserve(&t->values.arena, total * sizeof(double)))
		return in->bad = true;
	double *v = total ? cstat__arena_alloc_aligned(&t->values.arena,
						       total * sizeof(double),
						       sizeof(double))
			  : NULL;
	if (total && !v)
		return in->bad = true;
	i_get(in, v, total * sizeof(double));
	for (size_t c = 0; c < ncells; c++) {
		tb->cells[c].values = NULL;
		if (tb->cells[c].n) {
			tb->cells[c].values = v;
			v += tb->cells[c].n;
		}
	}
	return in->bad;
}

static int
read_tables(struct in *in, struct cstat_tables **out)
{
	struct cstat_tables *t = calloc(1, sizeof(*t));
	size_t n;

	if (!t)
		return in->bad = true;
	*out = t;
	cstat__vpool_init(&t->values);
	if (cstat__strtab_init(&t->strs) || cstat__seqtab_init(&t->keys))
		return in->bad = true;
	n = i_count(in, 8);
	if (n > UINT32_MAX - 1)
		in->bad = true;
	for (size_t i = 0; i < n && !in->bad; i++) {
		size_t len;
		uint32_t id;
		char *s = i_str(in, &len);
		/* The strings were distinct: each gets its old id back. */
		if (!in->bad &&
		    (cstat__strtab_intern(&t->strs, s, len, &id) || id != i))
			in->bad = true;
		free(s);
	}
	t->nkey_fields = i_count(in, 4);
	t->key_fields = i_ids(in, t->nkey_fields, t->strs.count);
	int64_t uf = (int64_t)i_u64(in);
	if (uf < -1 || uf >= (int64_t)t->nkey_fields)
		in->bad = true;
	t->unit_field = (int)uf;
	t->ncol_fields = i_count(in, 4);
	t->col_fields = i_ids(in, t->ncol_fields, t->strs.count);
	t->alpha = i_f64(in);
	t->confidence = i_f64(in);
	t->threads = i_u32(in);
	t->cells_only = true;
	t->ntables = i_count(in, 32);
	t->tables = in->bad ? NULL : calloc(t->ntables + 1, sizeof(*t->tables));
	if (!t->tables)
		return in->bad = true;
	/* Every table's values in one block on huge pages, when they may
	 * fill one: they are at most the bytes left, and only the pages
	 * written are taken.  One benchmark of 10,000 runs has 3.2 MB of
	 * values in tables of 400 kB, each below BIG_VALUES: on small pages
	 * they cost 800 faults of 10-17 us here (docs/performance.md "One
	 * benchmark on the database, the warm read"). */
	bool reserved =
		span_left(in) &&
		cstat__arena_reserve(&t->values.arena, span_left(in)) == 0;
	for (size_t i = 0; i < t->ntables && !in->bad; i++)
		read_table(in, t, &t->tables[i], reserved);
	return in->bad;
}

/* Whether the filter's text kept at in is what's.  The text is read a
 * block at a time: a damaged length costs no more than the file. */
static bool
same_filter(struct in *in, const struct what *what)
{
	char part[256];
	size_t n = i_count(in, 1);

	if (in->bad || n != what->len)
		return false;
	for (size_t at = 0; at < n && !in->bad; at += sizeof(part)) {
		size_t k = n - at < sizeof(part) ? n - at : sizeof(part);
		i_get(in, part, k);
		if (!in->bad && memcmp(part, what->filter + at, k) != 0)
			return false;
	}
	return !in->bad;
}

/*
 * Opens the snapshot at cache and reads its header: the identity of the
 * history it was made from and how many lines that held.  @return false
 * when there is none, it is of another machine or version, or of another
 * read than what (a filtered read's of another filter's text).
 */
static bool
snap_open(const char *cache, const struct what *what, struct in *in,
	  struct ident *id, uint64_t *lines)
{
	struct cstat_diag d;
	struct stat st;
	char magic[8];

	in->fd = cstat__store_open(cache, O_RDONLY, &d);
	if (in->fd < 0)
		return false;
	if (fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    !(in->buf = cstat__big_alloc(INBUF))) {
		close(in->fd);
		return false;
	}
	in->left = (uint64_t)st.st_size;
	i_get(in, magic, 8);
	uint32_t order = i_u32(in), sizes = i_u32(in);
	i_get(in, id, sizeof(*id));
	*lines = i_u64(in);
	if (in->bad ||
	    memcmp(magic, what->opts ? MAGIC_FILTER : MAGIC, 8) != 0 ||
	    order != 0x01020304u ||
	    sizes != (uint32_t)(sizeof(double) | sizeof(size_t) << 8) ||
	    (what->opts && !what->got && !same_filter(in, what)) ||
	    (what->got && !(*what->got = i_str(in, NULL)))) {
		close(in->fd);
		free(in->buf);
		return false;
	}
	return true;
}

/*
 * Reads the rest of the snapshot opened by snap_open() and closes it.
 * @return true with the tables, runs and warnings set; false (nothing
 *         set) when it is not whole.
 */
static bool
snap_body(struct in *in, struct warns *w, cstat_tables **t, cstat_run ***runs,
	  size_t *nruns)
{
	char end[8];

	read_warnings(in, w);
	if (!in->bad)
		read_runs(in, runs, nruns);
	if (!in->bad)
		read_tables(in, t);
	i_get(in, end, 8);
	if (!in->bad && (memcmp(end, TRAILER, 8) != 0 || in->left != 0))
		in->bad = true;
	close(in->fd);
	free(in->buf);
	if (in->bad) {
		cstat_tables_free(*t);
		cstat_history_free(*runs, *nruns);
		*t = NULL;
		*runs = NULL;
		*nruns = 0;
		w->n = 0;
	}
	return !in->bad;
}

/* ------------------------------------------------------------------------
 * Runs appended since the snapshot: their tables joined to its tables.
 *
 * record appends, so the history is usually the snapshot's file with a
 * few more lines.  Those lines are read alone (the reader first given the
 * earlier runs' Unit metadata, as a whole read gives it) and their tables
 * joined to the snapshot's as the columns of the new runs, when that is
 * what reading the whole file would make: the same table key fields,
 * every new table and row already in the snapshot, the same exactness and
 * direction, and no new Unit metadata.  Anything else (a new benchmark, a
 * new configuration) reads the whole history again.
 */

/* String id a of tables x as an id of tables t, interned there. */
static int
map_str(struct cstat_tables *t, const struct cstat_tables *x, uint32_t a,
	uint32_t *out)
{
	return cstat__strtab_intern(&t->strs, x->strs.strs[a], x->strs.lens[a],
				    out);
}

static bool
same_str(const struct cstat_tables *t, uint32_t a, const struct cstat_tables *x,
	 uint32_t b)
{
	return t->strs.lens[a] == x->strs.lens[b] &&
	       memcmp(t->strs.strs[a], x->strs.strs[b], t->strs.lens[a]) == 0;
}

static bool
same_fields(const struct cstat_tables *t, const struct cstat_tables *x)
{
	if (t->nkey_fields != x->nkey_fields ||
	    t->unit_field != x->unit_field ||
	    t->ncol_fields != x->ncol_fields || x->ncol_fields == 0 ||
	    memcmp(&t->confidence, &x->confidence, sizeof(double)) != 0 ||
	    memcmp(&t->alpha, &x->alpha, sizeof(double)) != 0)
		return false;
	for (size_t f = 0; f < t->nkey_fields; f++)
		if (!same_str(t, t->key_fields[f], x, x->key_fields[f]))
			return false;
	for (size_t f = 0; f < t->ncol_fields; f++)
		if (!same_str(t, t->col_fields[f], x, x->col_fields[f]))
			return false;
	return true;
}

/* The table of t with xt's key, or SIZE_MAX. */
static size_t
table_of(const struct cstat_tables *t, const struct cstat_tables *x,
	 const struct cstat__table *xt)
{
	for (size_t i = 0; i < t->ntables; i++) {
		const struct cstat__table *tb = &t->tables[i];
		bool same = tb->exact == xt->exact &&
			    tb->higher_better == xt->higher_better &&
			    same_str(t, tb->unit, x, xt->unit);
		for (size_t f = 0; same && f < t->nkey_fields; f++)
			same = same_str(t, cstat__table_key(t, tb, f), x,
					cstat__table_key(x, xt, f));
		if (same)
			return i;
	}
	return SIZE_MAX;
}

/* Whether a run's Unit metadata is the same list as b's. */
static bool
same_units(const cstat_run *a, const cstat_run *b)
{
	size_t n = cstat__run_nkv(a, 'u');

	if (n != cstat__run_nkv(b, 'u'))
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *ka, *va, *kb, *vb;
		cstat__run_kv(a, 'u', i, &ka, &va);
		cstat__run_kv(b, 'u', i, &kb, &vb);
		if (strcmp(ka, kb) != 0 || strcmp(va, vb) != 0)
			return false;
	}
	return true;
}

/*
 * Grows tb by nx columns at the end of every row, in place: realloc (for
 * arrays this large, a remap that copies nothing), then each row moved to
 * its new place from the last one back, so that holding the history's
 * largest table twice is never needed.  @return 0 or CSTAT_ENOMEM.
 */
static int
widen(const struct cstat_tables *t, struct cstat__table *tb, size_t nx)
{
	size_t nc = tb->ncols + nx, nf = t->ncol_fields;
	struct cstat__cell *cells =
		realloc(tb->cells, (tb->nrows * nc + 1) * sizeof(*cells));

	if (!cells)
		return CSTAT_ENOMEM;
	tb->cells = cells;
	for (size_t r = tb->nrows; r-- > 0;) {
		memmove(&cells[r * nc], &cells[r * tb->ncols],
			tb->ncols * sizeof(*cells));
		memset(&cells[r * nc + tb->ncols], 0, nx * sizeof(*cells));
	}
	/* The rows now have nc cells: keep tb whole whatever fails next. */
	tb->ncols = nc;
	uint32_t *cv = realloc(tb->col_vals, (nc * nf + 1) * sizeof(*cv));
	if (!cv)
		return CSTAT_ENOMEM;
	tb->col_vals = cv;
	struct cstat__summary *sum = calloc(nc + 1, sizeof(*sum));
	if (!sum)
		return CSTAT_ENOMEM;
	free(tb->summary);
	tb->summary = sum;
	return 0;
}

/*
 * Adds table xt's columns (runs numbered on from the snapshot's there) to
 * tb; rowof maps t's string ids of row labels to rows.
 * @return 0, -1 when a row is new, or CSTAT_ENOMEM.
 */
static int
join_table(struct cstat_tables *t, struct cstat__table *tb,
	   const struct cstat_tables *x, const struct cstat__table *xt,
	   const uint32_t *rowof)
{
	size_t c0 = tb->ncols, nf = t->ncol_fields;
	uint32_t *rows = malloc((xt->nrows + 1) * sizeof(*rows));
	int rc = rows ? 0 : CSTAT_ENOMEM;

	for (size_t r = 0; r < xt->nrows && !rc; r++) {
		uint32_t id = cstat__strtab_find(
			&t->strs, x->strs.strs[xt->row_labels[r]],
			x->strs.lens[xt->row_labels[r]]);
		rows[r] = id == UINT32_MAX ? UINT32_MAX : rowof[id];
		if (rows[r] == UINT32_MAX)
			rc = -1; /* a new benchmark */
	}
	if (!rc)
		rc = widen(t, tb, xt->ncols);
	/* The new runs' column labels, their numbers those of the whole
	 * history already (cstat__history_read_fd()). */
	for (size_t c = 0; c < xt->ncols && !rc; c++)
		for (size_t f = 0; f < nf && !rc; f++)
			rc = map_str(t, x, xt->col_vals[c * nf + f],
				     &tb->col_vals[(c0 + c) * nf + f]);
	for (size_t r = 0; r < xt->nrows && !rc; r++) {
		for (size_t c = 0; c < xt->ncols && !rc; c++) {
			const struct cstat__cell *xc =
				&xt->cells[r * xt->ncols + c];
			struct cstat__cell *oc =
				&tb->cells[rows[r] * tb->ncols + c0 + c];
			*oc = *xc;
			oc->values = NULL;
			for (size_t k = 0; k < xc->nwarn && !rc; k++)
				rc = map_str(t, x, xc->warn[k], &oc->warn[k]);
			for (size_t k = 0; k < xc->ncmpwarn && !rc; k++)
				rc = map_str(t, x, xc->cmpwarn[k],
					     &oc->cmpwarn[k]);
			if (rc || !xc->n)
				continue;
			oc->values = cstat__arena_alloc_aligned(
				&t->values.arena, xc->n * sizeof(double),
				sizeof(double));
			if (!oc->values)
				rc = CSTAT_ENOMEM;
			else
				memcpy(oc->values, xc->values,
				       xc->n * sizeof(double));
		}
	}
	free(rows);
	return rc;
}

/*
 * Joins x (the tables of the runs after t's) to t.  @return 0; -1 when
 * the result would not be what reading the whole history makes (t is
 * then to be thrown away); CSTAT_ENOMEM.
 */
static int
join_tables(struct cstat_tables *t, const struct cstat_tables *x)
{
	uint32_t *rowof = NULL;
	size_t cap = 0;
	int rc = same_fields(t, x) ? 0 : -1;

	for (size_t j = 0; j < x->ntables && !rc; j++) {
		const struct cstat__table *xt = &x->tables[j];
		size_t i = table_of(t, x, xt);
		if (i == SIZE_MAX) {
			rc = -1; /* a new table */
			break;
		}
		struct cstat__table *tb = &t->tables[i];
		if (cstat__grow((void **)&rowof, &cap, t->strs.count + 1,
				sizeof(*rowof))) {
			rc = CSTAT_ENOMEM;
			break;
		}
		memset(rowof, 0xff, t->strs.count * sizeof(*rowof));
		for (size_t r = 0; r < tb->nrows; r++)
			rowof[tb->row_labels[r]] = (uint32_t)r;
		rc = join_table(t, tb, x, xt, rowof);
	}
	free(rowof);
	return rc;
}

/*
 * The runs read from fd's position on (line numbers from line0) joined to
 * a snapshot's tables t, runs and warnings.  @return 0; -1 when the
 * whole history has to be read instead; or a read error.
 */
static int
read_appended(const char *path, int fd, uint64_t line0, const struct what *what,
	      double confidence, struct warns *w, cstat_tables *t,
	      cstat_run ***runs, size_t *nruns, unsigned long *lines,
	      struct cstat_diag *d)
{
	cstat_tables *x = NULL;
	cstat_run **more = NULL;
	size_t nmore = 0, nw = w->n;
	int rc;

	if (*nruns == 0)
		return -1;
	rc = cstat__history_read_fd(path, fd, (unsigned long)line0, *runs,
				    *nruns, what->opts, confidence, &x, &more,
				    &nmore, lines, keep_warning, w, d);
	if (rc) {
		/* A read error stays an error; nothing was reported yet
		 * of the snapshot's warnings. */
		w->n = nw;
		return rc;
	}
	for (size_t i = 0; i < nmore && !rc; i++)
		if (!same_units(more[i], (*runs)[*nruns - 1]))
			rc = -1; /* new Unit metadata: every table may change */
	/* Runs without results (or only blank lines) add no columns. */
	if (!rc && x->ntables)
		rc = join_tables(t, x);
	cstat_run **all =
		rc ? NULL : realloc(*runs, (*nruns + nmore + 1) * sizeof(*all));
	if (!rc && !all)
		rc = CSTAT_ENOMEM;
	if (!rc) {
		if (nmore) /* none: more may be NULL */
			memcpy(all + *nruns, more, nmore * sizeof(*more));
		*runs = all;
		*nruns += nmore;
		nmore = 0;
	}
	cstat_tables_free(x);
	cstat_history_free(more, nmore);
	return rc ? -1 : 0;
}

/*
 * Whether the history open at fd (identity now) is the snapshot's (sid)
 * with lines appended: the same file, longer, the same last 4 KiB where
 * the snapshot's ended, and that end the end of a line.
 */
static bool
appended(int fd, const struct ident *sid, const struct ident *now)
{
	unsigned char tail[TAIL];
	size_t n = sid->size > TAIL ? TAIL : (size_t)sid->size;

	if (sid->dev != now->dev || sid->ino != now->ino ||
	    sid->size >= now->size || sid->size == 0 ||
	    memcmp(&sid->confidence, &now->confidence, sizeof(double)) != 0)
		return false;
	if (pread(fd, tail, n, (off_t)(sid->size - n)) != (ssize_t)n)
		return false;
	return tail[n - 1] == '\n' &&
	       cstat__hash_bytes(tail, n, 0) == sid->tail;
}

/* Reports the warnings kept in w, in order, as from path. */
static void
replay(struct warns *w, const char *path,
       void (*warn)(void *ctx, const struct cstat_diag *d), void *ctx)
{
	for (size_t i = 0; i < w->n && warn; i++) {
		w->d[i].file = path;
		warn(ctx, &w->d[i]);
	}
}

/*
 * The snapshot's tables, runs and warnings when it is of this history
 * (*status 1), or of it before lines were appended, with those lines'
 * runs joined (*status 2).  @return whether *t and *runs are set.
 */
static bool
from_snapshot(const char *path, const char *cache, const struct what *what,
	      int fd, const struct ident *now, double confidence,
	      struct warns *w, cstat_tables **t, cstat_run ***runs,
	      size_t *nruns, unsigned long *lines, int *status)
{
	struct in in = {0};
	struct ident sid;
	uint64_t slines;
	struct cstat_diag d;

	if (!snap_open(cache, what, &in, &sid, &slines))
		return false;
	bool same = same_ident(&sid, now);
	if (!same && !appended(fd, &sid, now)) {
		close(in.fd);
		free(in.buf);
		return false;
	}
	if (!snap_body(&in, w, t, runs, nruns))
		return false;
	*lines = (unsigned long)slines;
	*status = 1;
	if (same)
		return true;
	/* Whatever goes wrong now, the whole history is read instead. */
	if (lseek(fd, (off_t)sid.size, SEEK_SET) == (off_t)sid.size &&
	    read_appended(path, fd, slines, what, confidence, w, *t, runs,
			  nruns, lines, &d) == 0) {
		*status = 2;
		return true;
	}
	cstat_tables_free(*t);
	cstat_history_free(*runs, *nruns);
	*t = NULL;
	*runs = NULL;
	*nruns = 0;
	w->n = 0;
	return false;
}

/* cstat_history_read_cached() of what (a filtered read's through the
 * snapshot at cache too). */
static int
read_cached(const char *path, const char *cache, const struct what *what,
	    double confidence, cstat_tables **t, cstat_run ***runs,
	    size_t *nruns, void (*warn)(void *ctx, const struct cstat_diag *d),
	    void *ctx, struct cstat_diag *d, int *status)
{
	/* Warnings are kept and reported at the end, once, whichever way
	 * the tables came. */
	struct warns w = {0};
	struct ident now, after;
	unsigned long lines = 0;
	int fd, rc = 0, st = -1;
	bool known;

	if (status)
		*status = -1;
	if (!cache || !path || !t || !runs || !nruns ||
	    !(confidence >= 0 && confidence <= 1))
		return cstat_history_read(path, what->opts, confidence, t, runs,
					  nruns, warn, ctx, d);
	*t = NULL;
	*runs = NULL;
	*nruns = 0;
	fd = cstat__store_open(path, O_RDONLY, d);
	if (fd < 0)
		return fd;
	known = identify(fd, confidence, &now) == 0;
	if (!known || !from_snapshot(path, cache, what, fd, &now, confidence,
				     &w, t, runs, nruns, &lines, &st)) {
		st = 0;
		if (lseek(fd, 0, SEEK_SET) != 0) {
			close(fd);
			return cstat_history_read(path, what->opts, confidence,
						  t, runs, nruns, warn, ctx, d);
		}
		rc = cstat__history_read_fd(path, fd, 0, NULL, 0, what->opts,
					    confidence, t, runs, nruns, &lines,
					    keep_warning, &w, d);
	}
	/* Written for a history that did not change while read. */
	if (!rc && st != 1) {
		if (known && !w.nomem &&
		    identify(fd, confidence, &after) == 0 &&
		    same_ident(&now, &after) &&
		    write_snapshot(cache, what, &now, lines, &w, *runs, *nruns,
				   *t) == 0) {
			if (st == -1)
				st = 0;
		} else if (st == 0) {
			st = -1;
		}
	}
	close(fd);
	replay(&w, path, warn, ctx);
	free(w.d);
	if (status && !rc)
		*status = st;
	return rc;
}

int
cstat_history_read_cached(const char *path, const char *cache,
			  double confidence, cstat_tables **t,
			  cstat_run ***runs, size_t *nruns,
			  void (*warn)(void *ctx, const struct cstat_diag *d),
			  void *ctx, struct cstat_diag *d, int *status)
{
	const struct what whole = {NULL, NULL, 0, NULL};

	return read_cached(path, cache, &whole, confidence, t, runs, nruns,
			   warn, ctx, d, status);
}

/* ------------------------------------------------------------------------
 * Filtered reads: a snapshot per filter, in a folder of their own.
 *
 * A filter that keeps one benchmark of 500 keeps a five-hundredth of the
 * tables, but finding it takes reading every record: the snapshot of
 * every benchmark does not help (its tables are built without the filter,
 * and a filter on .unit or a configuration changes what a cell holds),
 * so the filtered read's own tables are kept, as its snapshot.  The
 * folder holds one file per filter, named by a hash of its text
 * (HASH.snapshot) and holding the text itself, which is compared: two
 * filters of one hash take turns, each read rebuilding the file.  At most
 * FILTER_SNAPSHOTS are kept, the least recently used (by modification
 * time, which a read from one renews) removed beyond.
 */

/* Whether name is a filter snapshot's: 16 hex digits and ".snapshot". */
static bool
filter_snapshot_name(const char *name)
{
	for (int i = 0; i < 16; i++)
		if (!strchr("0123456789abcdef", name[i]) || !name[i])
			return false;
	return strcmp(name + 16, ".snapshot") == 0;
}

struct aged {
	char name[32];
	struct timespec mtime;
};

static int
older_first(const void *a, const void *b)
{
	const struct timespec *x = &((const struct aged *)a)->mtime,
			      *y = &((const struct aged *)b)->mtime;

	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? -1 : 1;
	return x->tv_nsec < y->tv_nsec ? -1 : x->tv_nsec > y->tv_nsec;
}

/* Removes the least recently used filter snapshots of the folder open as
 * dfd beyond FILTER_SNAPSHOTS.  Best effort: a cache. */
static void
bound_folder(int dfd)
{
	struct aged *all = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	int lfd = dup(dfd);
	DIR *dp = lfd >= 0 ? fdopendir(lfd) : NULL;

	if (!dp) {
		if (lfd >= 0)
			close(lfd);
		return;
	}
	while ((e = readdir(dp)) != NULL) {
		struct stat st;
		if (!filter_snapshot_name(e->d_name) ||
		    fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) ||
		    cstat__grow((void **)&all, &cap, n + 1, sizeof(*all)))
			continue;
		/* 25 bytes, as filter_snapshot_name() said. */
		memcpy(all[n].name, e->d_name, 26);
		all[n++].mtime = st.st_mtim;
	}
	closedir(dp);
	if (n > FILTER_SNAPSHOTS) {
		qsort(all, n, sizeof(*all), older_first);
		for (size_t i = 0; i < n - FILTER_SNAPSHOTS; i++)
			unlinkat(dfd, all[i].name, 0);
	}
	free(all);
}

int
cstat_history_read_filtered(const char *path, const char *dir,
			    const char *filter, double confidence,
			    cstat_tables **t, cstat_run ***runs, size_t *nruns,
			    void (*warn)(void *ctx, const struct cstat_diag *d),
			    void *ctx, struct cstat_diag *d, int *status)
{
	struct cstat_builder_opts opts = CSTAT_BUILDER_OPTS_INIT;
	struct what what = {&opts, filter ? filter : "", 0, NULL};
	char *snap = NULL;
	int dfd = -1, rc, st = -1;

	opts.filter = filter;
	what.len = strlen(what.filter);
	if (!path || !t || !runs || !nruns)
		dir = NULL; /* refused below: nothing made for it */
	if (dir && (mkdir(dir, 0777) == 0 || errno == EEXIST))
		dfd = open(dir,
			   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd >= 0 && (snap = malloc(strlen(dir) + 32)) != NULL)
		sprintf(snap, "%s/%016llx.snapshot", dir,
			(unsigned long long)cstat__hash_bytes(what.filter,
							      what.len, 0));
	/* Without a folder (none given, a link, none to be made): a plain
	 * filtered read. */
	rc = read_cached(path, snap, &what, confidence, t, runs, nruns, warn,
			 ctx, d, &st);
	/* Used now: the last to go (a snapshot rewritten is new anyway). */
	if (!rc && st == 1)
		(void)utimensat(AT_FDCWD, snap, NULL, AT_SYMLINK_NOFOLLOW);
	if (!rc && st == 0)
		bound_folder(dfd);
	if (status)
		*status = rc ? -1 : st;
	if (dfd >= 0)
		close(dfd);
	free(snap);
	return rc;
}

/* ------------------------------------------------------------------------
 * Tables a store built (lib/stores/cache.c), kept under a key of the
 * store's own saying which rows and which read they are: the same files
 * as a filtered read's, in the same folder and under its bound, with an
 * identity of no file (all zero) and the key as their text.
 */

/* The path of key's snapshot in dir, named by its first named bytes
 * (malloc'd), or NULL. */
static char *
keyed_path(const char *dir, const char *key, size_t named)
{
	char *path = malloc(strlen(dir) + 32);

	if (path)
		sprintf(path, "%s/%016llx.snapshot", dir,
			(unsigned long long)cstat__hash_bytes(key, named, 0));
	return path;
}

bool
cstat__snap_load_keyed(const char *dir, const char *key, size_t named,
		       char **was, cstat_tables **t, cstat_run ***runs,
		       size_t *nruns)
{
	const struct cstat_builder_opts opts = CSTAT_BUILDER_OPTS_INIT;
	char *kept = NULL;
	const struct what what = {&opts, key, strlen(key), was ? &kept : NULL};
	const struct ident none = {0};
	struct warns w = {0};
	struct in in = {0};
	struct ident sid;
	uint64_t lines;
	char *path = keyed_path(dir, key, named);
	bool ok = path && snap_open(path, &what, &in, &sid, &lines);

	*t = NULL;
	*runs = NULL;
	*nruns = 0;
	if (was)
		*was = NULL;
	/* Asked for the tables of any rows: those of the same read (the
	 * key's first named bytes), of other rows than key's. */
	if (ok &&
	    (!same_ident(&sid, &none) || lines != 0 ||
	     (was && (strlen(kept) <= named || memcmp(kept, key, named) != 0 ||
		      strcmp(kept, key) == 0)))) {
		close(in.fd);
		free(in.buf);
		ok = false;
	}
	ok = ok && snap_body(&in, &w, t, runs, nruns) && w.n == 0;
	if (!ok && *t) {
		cstat_tables_free(*t);
		cstat_history_free(*runs, *nruns);
		*t = NULL;
		*runs = NULL;
		*nruns = 0;
	}
	if (ok && was)
		*was = kept;
	else
		free(kept);
	/* Used now: the last of the folder to go. */
	if (ok)
		(void)utimensat(AT_FDCWD, path, NULL, AT_SYMLINK_NOFOLLOW);
	free(w.d);
	free(path);
	return ok;
}

int
cstat__snap_join_records(int fd, unsigned long before,
			 const struct cstat_builder_opts *opts,
			 double confidence, cstat_tables *t, cstat_run ***runs,
			 size_t *nruns)
{
	const struct what what = {opts, NULL, 0, NULL};
	struct warns w = {0};
	struct cstat_diag d;
	unsigned long lines = 0;
	int rc;

	if (*nruns != before)
		return -1;
	rc = read_appended("", fd, before, &what, confidence, &w, t, runs,
			   nruns, &lines, &d);
	/* The store's tables are kept without warnings (a record the
	 * reader warns of is not one the store holds as it wrote it). */
	if (!rc && (w.n || w.nomem))
		rc = -1;
	free(w.d);
	return rc ? -1 : 0;
}

int
cstat__snap_save_keyed(const char *dir, const char *key, size_t named,
		       cstat_run *const *runs, size_t nruns,
		       const struct cstat_tables *t)
{
	const struct cstat_builder_opts opts = CSTAT_BUILDER_OPTS_INIT;
	const struct what what = {&opts, key, strlen(key), NULL};
	const struct ident none = {0};
	const struct warns w = {0};
	char *path = keyed_path(dir, key, named);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int rc = path && dfd >= 0 ? write_snapshot(path, &what, &none, 0, &w,
						   runs, nruns, t)
				  : CSTAT_EIO;

	if (!rc)
		bound_folder(dfd);
	if (dfd >= 0)
		close(dfd);
	free(path);
	return rc;
}

/* ------------------------------------------------------------------------
 * cstat_history_describe()'s fast path: the runs' count and the last
 * one's "created" from the snapshot's runs, which come before its tables,
 * so that a snapshot of hundreds of megabytes costs its first few.
 */

/* The runs of the snapshot at in: their number, and the last one's
 * "created" in *created (malloc'd, or NULL). */
static size_t
snap_runs(struct in *in, char **created)
{
	size_t n = i_count(in, 24);

	*created = NULL;
	for (size_t i = 0; i < n && !in->bad; i++)
		for (size_t l = 0; l < 3 && !in->bad; l++) {
			size_t m = i_count(in, 16);
			for (size_t k = 0; k < m && !in->bad; k++) {
				char *key = i_str(in, NULL);
				char *val = i_str(in, NULL);
				if (i == n - 1 && l == 0 && !*created && key &&
				    val && strcmp(key, "created") == 0) {
					*created = val;
					val = NULL;
				}
				free(key);
				free(val);
			}
		}
	return n;
}

bool
cstat__snap_describe(const char *path, int fd, const char *cache,
		     struct cstat_history_info *info,
		     void (*warn)(void *ctx, const struct cstat_diag *d),
		     void *ctx)
{
	struct in in = {0};
	struct ident sid, now;
	struct warns w = {0};
	uint64_t lines;
	char *created = NULL;
	size_t n = 0;

	const struct what whole = {NULL, NULL, 0, NULL};

	if (identify(fd, 0, &now) != 0 ||
	    !snap_open(cache, &whole, &in, &sid, &lines))
		return false;
	/* The level of the intervals changes the tables, not the runs. */
	now.confidence = sid.confidence;
	bool ok = same_ident(&sid, &now) && !read_warnings(&in, &w);
	if (ok)
		n = snap_runs(&in, &created);
	ok = ok && !in.bad;
	close(in.fd);
	free(in.buf);
	if (ok) {
		*info = (struct cstat_history_info){
			.runs = n,
			.lines = (unsigned long)lines,
			.created = created,
			.from_snapshot = true};
		for (size_t i = 0; i < w.n; i++)
			info->skipped += strncmp(w.d[i].message,
						 "record cut short", 16) == 0;
		replay(&w, path, warn, ctx);
	} else {
		free(created);
	}
	free(w.d);
	return ok;
}
