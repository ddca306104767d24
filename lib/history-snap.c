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
#define TRAILER "cstatEND"
/* The hash covers this much of the history's end. */
#define TAIL 4096
/* Buffered reads and writes of this size. */
#define IOBUF (1 << 20)

/* Where the snapshot came from. */
struct ident {
	uint64_t dev, ino, size, sec, nsec, tail;
	double confidence;
};

/* FNV-1a, 64 bits: enough to tell an edited tail from the same one. */
static uint64_t
fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3u;
	return h;
}

/* The identity of the open history fd.  @return 0 or -1. */
static int
identify(int fd, double confidence, struct ident *id)
{
	unsigned char tail[TAIL];
	struct stat st;
	off_t from;
	ssize_t got;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return -1;
	from = st.st_size > TAIL ? st.st_size - TAIL : 0;
	got = pread(fd, tail, (size_t)(st.st_size - from), from);
	if (got != st.st_size - from)
		return -1;
	*id = (struct ident){(uint64_t)st.st_dev,
			     (uint64_t)st.st_ino,
			     (uint64_t)st.st_size,
			     (uint64_t)st.st_mtim.tv_sec,
			     (uint64_t)st.st_mtim.tv_nsec,
			     fnv(tail, (size_t)got),
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
	size_t off = 0;

	while (!o->err && off < o->len) {
		ssize_t w = write(o->fd, o->buf + off, o->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			o->err = true;
		else
			off += (size_t)w;
	}
	o->len = 0;
}

static void
o_put(struct out *o, const void *p, size_t n)
{
	const char *s = p;

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

static void
write_cell(struct out *o, const struct cstat__cell *c)
{
	o_f64(o, c->center);
	o_f64(o, c->lo);
	o_f64(o, c->hi);
	o_f64(o, c->p);
	o_u32(o, c->n);
	o_ids(o, c->warn, CSTAT__MAX_CELL_WARN);
	o_ids(o, c->cmpwarn, CSTAT__MAX_CMP_WARN);
	o_u8(o, c->nwarn);
	o_u8(o, c->ncmpwarn);
	o_u8(o, (unsigned)c->present | (unsigned)c->has_cmp << 1 |
			(unsigned)c->significant << 2);
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
		o_ids(o, tb->key_vals, t->nkey_fields);
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
write_snapshot(const char *cache, const struct ident *id, const struct warns *w,
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
	if (!o.buf)
		return CSTAT_ENOMEM;
	o.fd = cstat__store_create_tmp(cache, &tmp, &d);
	if (o.fd < 0) {
		free(o.buf);
		return o.fd;
	}
	o_put(&o, MAGIC, 8);
	o_u32(&o, order);
	o_u32(&o, (uint32_t)(sizeof(double) | sizeof(size_t) << 8));
	o_put(&o, id, sizeof(*id));
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

static void
i_get(struct in *in, void *p, size_t n)
{
	char *d = p;

	if (in->bad || n > in->left) {
		in->bad = true;
		return;
	}
	in->left -= n;
	while (n) {
		if (in->pos == in->len) {
			ssize_t r = read(in->fd, in->buf, IOBUF);
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

static int
read_runs(struct in *in, cstat_run ***runs, size_t *nruns)
{
	static const char lists[] = "meu";
	size_t n = i_count(in, 24);

	*runs = in->bad ? NULL : calloc(n + 1, sizeof(**runs));
	if (!*runs)
		return in->bad = true;
	for (size_t i = 0; i < n && !in->bad; i++) {
		if (cstat__run_alloc(&(*runs)[i])) {
			in->bad = true;
			break;
		}
		*nruns = i + 1;
		for (size_t l = 0; l < 3 && !in->bad; l++) {
			size_t m = i_count(in, 16);
			for (size_t k = 0; k < m && !in->bad; k++) {
				char *key = i_str(in, NULL);
				char *val = i_str(in, NULL);
				if (!in->bad &&
				    cstat__run_put((*runs)[i], lists[l], key,
						   val))
					in->bad = true;
				free(key);
				free(val);
			}
		}
	}
	return in->bad;
}

/* Bytes of one cell in the file (write_cell()). */
#define CELL_BYTES                                                             \
	(4 * 8 + 4 + 4 * (CSTAT__MAX_CELL_WARN + CSTAT__MAX_CMP_WARN) + 3)

static void
read_cell(struct in *in, struct cstat__cell *c, uint32_t nstrs)
{
	unsigned flags;

	c->center = i_f64(in);
	c->lo = i_f64(in);
	c->hi = i_f64(in);
	c->p = i_f64(in);
	c->n = i_u32(in);
	i_get(in, c->warn, sizeof(c->warn));
	i_get(in, c->cmpwarn, sizeof(c->cmpwarn));
	c->nwarn = (uint8_t)i_u8(in);
	c->ncmpwarn = (uint8_t)i_u8(in);
	flags = i_u8(in);
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
read_table(struct in *in, struct cstat_tables *t, struct cstat__table *tb)
{
	uint32_t nstrs = t->strs.count;
	size_t ncells, total = 0;

	tb->unit = i_u32(in);
	tb->exact = i_u8(in) != 0;
	tb->higher_better = i_u8(in) != 0;
	if (tb->unit >= nstrs)
		in->bad = true;
	tb->key_vals = i_ids(in, t->nkey_fields, nstrs);
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
	tb->cells = calloc(ncells + 1, sizeof(*tb->cells));
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
	/* Every value of the table in one block of the pool. */
	double *v = total ? cstat__arena_alloc_aligned(&t->values.arena,
						       total * sizeof(double),
						       sizeof(double))
			  : NULL;
	if (total && !v)
		return in->bad = true;
	i_get(in, v, total * sizeof(double));
	for (size_t c = 0; c < ncells; c++) {
		tb->cells[c].values = tb->cells[c].n ? v : NULL;
		v += tb->cells[c].n;
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
	if (cstat__strtab_init(&t->strs))
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
	for (size_t i = 0; i < t->ntables && !in->bad; i++)
		read_table(in, t, &t->tables[i]);
	return in->bad;
}

/*
 * Reads the snapshot at cache if it is of the history with identity id.
 * @return true with the tables, runs and warnings set; false (nothing
 *         set) when there is none or it is not whole.
 */
static bool
read_snapshot(const char *cache, const struct ident *id, struct warns *w,
	      cstat_tables **t, cstat_run ***runs, size_t *nruns)
{
	struct cstat_diag d;
	struct in in = {.fd = cstat__store_open(cache, O_RDONLY, &d)};
	struct stat st;
	struct ident got;
	char magic[8], end[8];

	if (in.fd < 0)
		return false;
	if (fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    !(in.buf = malloc(IOBUF))) {
		close(in.fd);
		return false;
	}
	in.left = (uint64_t)st.st_size;
	i_get(&in, magic, 8);
	uint32_t order = i_u32(&in), sizes = i_u32(&in);
	i_get(&in, &got, sizeof(got));
	if (in.bad || memcmp(magic, MAGIC, 8) != 0 || order != 0x01020304u ||
	    sizes != (uint32_t)(sizeof(double) | sizeof(size_t) << 8) ||
	    !same_ident(&got, id))
		in.bad = true;
	if (!in.bad)
		read_warnings(&in, w);
	if (!in.bad)
		read_runs(&in, runs, nruns);
	if (!in.bad)
		read_tables(&in, t);
	i_get(&in, end, 8);
	if (!in.bad && (memcmp(end, TRAILER, 8) != 0 || in.left != 0))
		in.bad = true;
	close(in.fd);
	free(in.buf);
	if (in.bad) {
		cstat_tables_free(*t);
		cstat_history_free(*runs, *nruns);
		*t = NULL;
		*runs = NULL;
		*nruns = 0;
		w->n = 0;
	}
	return !in.bad;
}

/* ---------------------------------------------------------------------- */

int
cstat_history_read_cached(const char *path, const char *cache,
			  double confidence, cstat_tables **t,
			  cstat_run ***runs, size_t *nruns,
			  void (*warn)(void *ctx, const struct cstat_diag *d),
			  void *ctx, struct cstat_diag *d, int *status)
{
	struct warns w = {.warn = warn, .ctx = ctx};
	struct ident before, after;
	struct cstat_diag od;
	bool known = false;
	int fd, rc;

	if (status)
		*status = -1;
	if (!cache || !path || !t || !runs || !nruns ||
	    !(confidence >= 0 && confidence <= 1))
		return cstat_history_read(path, NULL, confidence, t, runs,
					  nruns, warn, ctx, d);
	*t = NULL;
	*runs = NULL;
	*nruns = 0;
	/* The history's identity as it was before anything is read of it. */
	fd = cstat__store_open(path, O_RDONLY, &od);
	if (fd >= 0) {
		known = identify(fd, confidence, &before) == 0;
		close(fd);
	}
	if (known && read_snapshot(cache, &before, &w, t, runs, nruns)) {
		for (size_t i = 0; i < w.n && warn; i++) {
			w.d[i].file = path;
			warn(ctx, &w.d[i]);
		}
		free(w.d);
		if (status)
			*status = 1;
		return 0;
	}
	w.warn = warn;
	w.ctx = ctx;
	rc = cstat_history_read(path, NULL, confidence, t, runs, nruns,
				keep_warning, &w, d);
	/* Written only for a history that did not change while read. */
	fd = rc || !known || w.nomem ? -1
				     : cstat__store_open(path, O_RDONLY, &od);
	if (fd >= 0) {
		if (identify(fd, confidence, &after) == 0 &&
		    same_ident(&before, &after) &&
		    write_snapshot(cache, &before, &w, *runs, *nruns, *t) ==
			    0 &&
		    status)
			*status = 0;
		close(fd);
	}
	free(w.d);
	return rc;
}
