/*
 * cache.c - a copy of a store's history kept in a folder of the caller's,
 * brought up to date with what the store holds by reading only what it
 * lacks (cstat_store_history_cache(), docs/cbaseline.md "A cache on the
 * client").
 *
 * The folder holds the history as a store directory does,
 * history/NAME.jsonl, so that the file store reads it (and keeps its
 * snapshot beside it) unchanged, and a file "identity" saying which rows
 * of the store the copy holds (struct cstat__store_ident) and which file
 * it wrote: its size, inode, modification time and a hash of its last
 * 4 KiB.  A read asks the store what the history holds now, in one
 * statement, and then:
 *
 * - the same rows, and the copy as it was written: nothing to read;
 * - the same history that only grew at its end (the same row, the same
 *   first run at the same position, a higher last position, and the runs
 *   after the copy's last adding up to the count): those runs' records
 *   are appended to the copy in place, which the file store's snapshot
 *   reads as an append (only the new lines read);
 * - anything else (pruned, rewritten by a merge, removed and made again,
 *   another database, a copy damaged or changed): the whole history is
 *   read again and replaces the copy.
 *
 * The identity file is removed before the copy changes and written after,
 * so a copy cut short by a crash has none and is read again.  Nothing is
 * synced: the cache is never the only copy of anything.  Every file is
 * opened relative to the folder's descriptor without following a symbolic
 * link, and made 0600 (folders 0700).  The caller holds the folder's lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "containers.h"
#include "store.h"
#include "stores.h"

#define IDENTITY "identity"
#define MAGIC "cstat-cache/1"

/* The copy as its identity file describes it. */
struct copy {
	struct cstat__store_ident id;
	uint64_t size, ino, sec, nsec, tail;
};

/* Fills d with a message of our own; returns rc. */
static int
said(struct cstat_diag *d, int rc, const char *what, const char *name)
{
	if (d) {
		memset(d, 0, sizeof(*d));
		snprintf(d->message, sizeof(d->message),
			 "the cached copy of history %.200s: %s: %s", name,
			 what, strerror(errno));
	}
	return rc;
}

/* The file fields of c from the open copy fd.  @return 0 or -1. */
static int
identify(int fd, struct copy *c)
{
	struct stat st;

	if (cstat__file_identity(fd, &st, &c->tail) != 0)
		return -1;
	c->size = (uint64_t)st.st_size;
	c->ino = (uint64_t)st.st_ino;
	c->sec = (uint64_t)st.st_mtim.tv_sec;
	c->nsec = (uint64_t)st.st_mtim.tv_nsec;
	return 0;
}

/* A hash as the identity file writes it: "-" for none. */
static const char *
hash_text(const char *h)
{
	return *h ? h : "-";
}

/* Reads the identity file of the folder dirfd for history name into c.
 * @return whether there is one, for name, that parses whole. */
static bool
read_identity(int dirfd, const char *name, struct copy *c)
{
	char buf[1024], hname[256], magic[32];
	int fd = openat(dirfd, IDENTITY, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t got = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	long long runs, first, last;
	unsigned long long v[5];
	int at = 0;

	if (fd >= 0)
		close(fd);
	if (got <= 0 || (size_t)got >= sizeof(buf) - 1)
		return false;
	buf[got] = '\0';
	memset(c, 0, sizeof(*c));
	if (sscanf(buf,
		   "%31s name %255s store %23s history %23s runs %lld"
		   " first %lld %32s last %lld %32s"
		   " file %llu %llu %llu %llu %llx%n",
		   magic, hname, c->id.store, c->id.history, &runs, &first,
		   c->id.first_hash, &last, c->id.last_hash, &v[0], &v[1],
		   &v[2], &v[3], &v[4], &at) != 14 ||
	    strcmp(magic, MAGIC) != 0 || strcmp(hname, name) != 0 ||
	    buf[at] != '\n' || buf[at + 1] != '\0')
		return false;
	for (int k = 0; k < 2; k++) {
		char *h = k ? c->id.last_hash : c->id.first_hash;
		if (strcmp(h, "-") == 0)
			*h = '\0';
	}
	c->id.runs = runs;
	c->id.first = first;
	c->id.last = last;
	c->size = v[0];
	c->ino = v[1];
	c->sec = v[2];
	c->nsec = v[3];
	c->tail = v[4];
	return true;
}

/* Writes bytes[0..len) as dirfd's file, through a file of its own (tmp,
 * opened without following a link, 0600) renamed into place.
 * @return 0 or -1 (tmp removed). */
static int
replace_file(int dirfd, const char *file, const char *tmp, const char *bytes,
	     size_t len)
{
	int fd = openat(dirfd, tmp,
			O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
			0600);
	bool ok = fd >= 0 && cstat__write_all(fd, bytes, len) == 0;

	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (ok && renameat(dirfd, tmp, dirfd, file) == 0)
		return 0;
	unlinkat(dirfd, tmp, 0);
	return -1;
}

/* Writes c as the identity file of history name.  @return 0 or -1. */
static int
write_identity(int dirfd, const char *name, const struct copy *c)
{
	char buf[1024];
	int n = snprintf(
		buf, sizeof(buf),
		"%s\nname %s\nstore %s\nhistory %s\nruns %lld\n"
		"first %lld %s\nlast %lld %s\n"
		"file %llu %llu %llu %llu %llx\n",
		MAGIC, name, c->id.store, c->id.history, (long long)c->id.runs,
		(long long)c->id.first, hash_text(c->id.first_hash),
		(long long)c->id.last, hash_text(c->id.last_hash),
		(unsigned long long)c->size, (unsigned long long)c->ino,
		(unsigned long long)c->sec, (unsigned long long)c->nsec,
		(unsigned long long)c->tail);

	if (n <= 0 || (size_t)n >= sizeof(buf))
		return -1;
	return replace_file(dirfd, IDENTITY, IDENTITY ".new", buf, (size_t)n);
}

/* Whether the store holds exactly the rows the copy holds. */
static bool
same_rows(const struct cstat__store_ident *a,
	  const struct cstat__store_ident *b)
{
	return strcmp(a->store, b->store) == 0 &&
	       strcmp(a->history, b->history) == 0 && a->runs == b->runs &&
	       a->first == b->first && a->last == b->last &&
	       strcmp(a->first_hash, b->first_hash) == 0 &&
	       strcmp(a->last_hash, b->last_hash) == 0;
}

/* Whether now may be was with runs appended: the same history, the same
 * first run, more runs and a higher last position.  Whether the runs
 * after was's last are all that was added is checked by counting them. */
static bool
grown(const struct cstat__store_ident *was,
      const struct cstat__store_ident *now)
{
	return was->runs > 0 && strcmp(was->store, now->store) == 0 &&
	       strcmp(was->history, now->history) == 0 &&
	       was->first == now->first &&
	       strcmp(was->first_hash, now->first_hash) == 0 &&
	       now->last > was->last && now->runs > was->runs;
}

/* The folder history/ of dirfd, made if missing.  @return its fd or -1. */
static int
history_dir(int dirfd)
{
	if (mkdirat(dirfd, "history", 0700) != 0 && errno != EEXIST)
		return -1;
	return openat(dirfd, "history",
		      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The records of now's runs after position after, which must be all now
 * has beyond the had runs up to it (else the history changed otherwise,
 * or while it was read).  @return 0 with *bytes (malloc'd) and *len; 1
 * when they are not; an error (d set). */
static int
runs_after(const cstat_store *s, const struct cstat__store_ident *now,
	   int64_t after, int64_t had, char **bytes, size_t *len,
	   struct cstat_diag *d)
{
	size_t runs;
	int rc = s->ops->history_range(s->state, now, after, bytes, len, &runs,
				       d);

	if (rc)
		return rc;
	if ((int64_t)runs != now->runs - had) {
		free(*bytes);
		*bytes = NULL;
		return 1;
	}
	return 0;
}

/* Appends the runs after the copy's last to the open copy fd, and writes
 * the identity now.  @return 0; 1 when the store's runs after the copy
 * are not all it added (read the whole history); an error (d set). */
static int
append_runs(const cstat_store *s, int dirfd, int fd, const char *name,
	    const struct copy *was, const struct cstat__store_ident *now,
	    struct cstat_diag *d)
{
	struct copy c = {.id = *now};
	char *bytes;
	size_t len;
	int rc =
		runs_after(s, now, was->id.last, was->id.runs, &bytes, &len, d);

	if (rc)
		return rc;
	if (unlinkat(dirfd, IDENTITY, 0) != 0 && errno != ENOENT)
		rc = said(d, CSTAT_EIO, "removing its identity", name);
	if (!rc &&
	    (lseek(fd, 0, SEEK_END) < 0 || cstat__write_all(fd, bytes, len)))
		rc = said(d, CSTAT_EIO, "appending", name);
	if (!rc && (identify(fd, &c) || write_identity(dirfd, name, &c)))
		rc = said(d, CSTAT_EIO, "writing its identity", name);
	free(bytes);
	return rc;
}

/* Replaces the copy by the whole history now names.  @return 0; 1 when
 * the history changed while it was read (ask again); an error (d set). */
static int
fetch_all(const cstat_store *s, int dirfd, int hfd, const char *name,
	  const struct cstat__store_ident *now, struct cstat_diag *d)
{
	struct copy c = {.id = *now};
	char file[256], tmp[256];
	char *bytes;
	size_t len;
	int fd = -1;
	int rc = runs_after(s, now, now->first > 0 ? now->first - 1 : 0, 0,
			    &bytes, &len, d);

	if (rc)
		return rc;
	snprintf(file, sizeof(file), "%s.jsonl", name);
	snprintf(tmp, sizeof(tmp), "%s.jsonl.new", name);
	if (unlinkat(dirfd, IDENTITY, 0) != 0 && errno != ENOENT)
		rc = said(d, CSTAT_EIO, "removing its identity", name);
	if (!rc)
		fd = openat(hfd, tmp,
			    O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
			    0600);
	if (!rc &&
	    (fd < 0 || cstat__write_all(fd, bytes, len) || identify(fd, &c)))
		rc = said(d, CSTAT_EIO, "writing", name);
	if (fd >= 0 && close(fd) != 0 && !rc)
		rc = said(d, CSTAT_EIO, "writing", name);
	if (!rc && renameat(hfd, tmp, hfd, file) != 0)
		rc = said(d, CSTAT_EIO, "renaming", name);
	if (rc)
		unlinkat(hfd, tmp, 0);
	if (!rc && write_identity(dirfd, name, &c))
		rc = said(d, CSTAT_EIO, "writing its identity", name);
	free(bytes);
	return rc;
}

/* One try of cstat_store_history_cache(): 1 when the history changed
 * while it was read. */
static int
sync_once(const cstat_store *s, const char *name, int dirfd, int hfd,
	  enum cstat_cache_how *how, struct cstat_diag *d)
{
	struct cstat__store_ident now;
	struct copy was, c;
	char file[256];
	int rc = s->ops->history_ident(s->state, name, &now, d);

	snprintf(file, sizeof(file), "%s.jsonl", name);
	if (rc == CSTAT_ENOENT) { /* the copy of a history now gone */
		unlinkat(dirfd, IDENTITY, 0);
		unlinkat(hfd, file, 0);
	}
	if (rc)
		return rc;
	int fd = openat(hfd, file, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	bool have = fd >= 0 && read_identity(dirfd, name, &was) &&
		    identify(fd, &c) == 0 && c.size == was.size &&
		    c.ino == was.ino && c.sec == was.sec &&
		    c.nsec == was.nsec && c.tail == was.tail;

	rc = 1;
	if (have && same_rows(&was.id, &now)) {
		*how = CSTAT_CACHE_HIT;
		rc = 0;
	} else if (have && grown(&was.id, &now)) {
		*how = CSTAT_CACHE_APPENDED;
		rc = append_runs(s, dirfd, fd, name, &was, &now, d);
	}
	if (fd >= 0)
		close(fd);
	if (rc == 1) {
		*how = CSTAT_CACHE_FETCHED;
		rc = fetch_all(s, dirfd, hfd, name, &now, d);
	}
	return rc;
}

int
cstat_store_history_cache(cstat_store *s, const char *name, int dirfd,
			  enum cstat_cache_how *how, struct cstat_diag *d)
{
	enum cstat_cache_how h = CSTAT_CACHE_HIT;
	int hfd, rc = 1;

	if (how)
		*how = CSTAT_CACHE_HIT;
	if (!s || !cstat__stores_valid_name(name) || dirfd < 0)
		return CSTAT_EINVAL;
	if (!s->ops->history_ident || !s->ops->history_range)
		return CSTAT_ESTATE;
	if ((hfd = history_dir(dirfd)) < 0)
		return said(d, CSTAT_EIO, "its folder", name);
	/* A history that changes between the two statements (a run whose
	 * number was taken before the last one's committing after it, a
	 * prune) is asked about again. */
	for (int tries = 0; rc == 1 && tries < 3; tries++)
		rc = sync_once(s, name, dirfd, hfd, &h, d);
	close(hfd);
	if (rc == 1) {
		errno = EAGAIN;
		rc = said(d, CSTAT_EIO, "the history kept changing", name);
	}
	if (how && !rc)
		*how = h;
	return rc;
}

int
cstat_store_baseline_cache(cstat_store *s, const char *name, int dirfd,
			   struct cstat_diag *d)
{
	char file[256], tmp[256], *bytes = NULL;
	size_t len = 0;
	int bfd, rc;

	if (!s || !cstat__stores_valid_name(name) || dirfd < 0)
		return CSTAT_EINVAL;
	rc = cstat_store_baseline_load(s, name, &bytes, &len, d);
	if (rc && rc != CSTAT_ENOENT)
		return rc;
	snprintf(file, sizeof(file), "%s.json", name);
	snprintf(tmp, sizeof(tmp), "%s.json.new", name);
	if (mkdirat(dirfd, "baselines", 0700) != 0 && errno != EEXIST)
		bfd = -1;
	else
		bfd = openat(dirfd, "baselines",
			     O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (bfd < 0) {
		free(bytes);
		return said(d, CSTAT_EIO, "the baselines' folder", name);
	}
	/* No such baseline: no copy of it either. */
	if (rc == CSTAT_ENOENT) {
		if (unlinkat(bfd, file, 0) != 0 && errno != ENOENT)
			rc = said(d, CSTAT_EIO, "removing its baseline", name);
	} else if (replace_file(bfd, file, tmp, bytes, len) != 0) {
		rc = said(d, CSTAT_EIO, "writing its baseline", name);
	}
	close(bfd);
	free(bytes);
	return rc;
}

/* ------------------------------------------------------------------------
 * One read's tables (cstat_store_history_tables_cached()), kept in a
 * folder of the caller's beside the copy (docs/cbaseline.md "A cache on
 * the client"): the history's identity asked in one statement, and the
 * tables built last time for the same identity and read taken from a
 * file of the size of what the read kept, instead of from the store.
 */

/* opts' text, NULL told from "" (a byte 1 before each given field).
 * @return 0 or CSTAT_ENOMEM. */
static int
opts_text(struct cstat__buf *b, const struct cstat_builder_opts *o)
{
	const char *f[5] = {NULL};
	int rc = 0;

	if (o) {
		f[0] = o->table;
		f[1] = o->row;
		f[2] = o->col;
		f[3] = o->ignore;
		f[4] = o->filter;
	}
	for (int i = 0; i < 5 && !rc; i++)
		rc = cstat__buf_printf(b, "%s%s\n", f[i] ? "\001" : "",
				       f[i] ? f[i] : "");
	return rc;
}

/*
 * The key of a read into b: which read (history, benchmark, options,
 * level), then which rows; *named is the length of the first part, which
 * names the file (a read of a history that changed replaces its file).
 * @return 0 or CSTAT_ENOMEM.
 */
static int
read_key(struct cstat__buf *b, size_t *named, const char *name,
	 const struct cstat__store_ident *id, const char *bench,
	 const struct cstat_builder_opts *opts, double confidence)
{
	int rc = cstat__buf_printf(b,
				   "cstat store tables\nhistory %s\n"
				   "confidence %a\nbench %s%s\n",
				   name, confidence, bench ? "\001" : "",
				   bench ? bench : "");

	if (!rc)
		rc = opts_text(b, opts);
	*named = b->len;
	if (!rc)
		rc = cstat__buf_printf(
			b,
			"store %s\nrow %s\nruns %lld\nfirst %lld %s\n"
			"last %lld %s\n",
			id->store, id->history, (long long)id->runs,
			(long long)id->first, hash_text(id->first_hash),
			(long long)id->last, hash_text(id->last_hash));
	if (!rc)
		rc = cstat__buf_addc(b, '\0');
	return rc ? CSTAT_ENOMEM : 0;
}

/* The rows key names after its first named bytes (read_key()) into id.
 * @return whether they parse whole. */
static bool
key_rows(const char *key, struct cstat__store_ident *id)
{
	long long runs, first, last;
	int at = 0;

	memset(id, 0, sizeof(*id));
	if (sscanf(key,
		   "store %23s\nrow %23s\nruns %lld\nfirst %lld %32s\n"
		   "last %lld %32s\n%n",
		   id->store, id->history, &runs, &first, id->first_hash, &last,
		   id->last_hash, &at) != 7 ||
	    key[at] != '\0')
		return false;
	for (int k = 0; k < 2; k++) {
		char *h = k ? id->last_hash : id->first_hash;
		if (strcmp(h, "-") == 0)
			*h = '\0';
	}
	id->runs = runs;
	id->first = first;
	id->last = last;
	return true;
}

/*
 * The tables dir keeps for the same read of the history as it was before
 * runs were recorded (now has the same first run and more after its
 * last), with those runs' records read from the store and joined to them
 * (cstat__snap_join_records(): as the file store joins records appended
 * to its snapshot's history).  @return whether *t, *runs and *nruns are
 * set; false whenever the join could differ from building the tables of
 * now's rows (another history, a prune or a rewrite, runs that are not
 * all that was added, a new benchmark, table or Unit metadata), which
 * are then built instead.
 */
static bool
join_grown(const cstat_store *s, const char *dir, const char *key, size_t named,
	   const struct cstat__store_ident *now,
	   const struct cstat_builder_opts *opts, double confidence,
	   cstat_tables **t, cstat_run ***runs, size_t *nruns)
{
	struct cstat__store_ident was;
	struct cstat_diag d;
	char *kept = NULL, *bytes = NULL, *tmp = NULL;
	size_t len = 0;
	int fd = -1;

	if (!s->ops->history_range ||
	    !cstat__snap_load_keyed(dir, key, named, &kept, t, runs, nruns))
		return false;
	bool ok = key_rows(kept + named, &was) && grown(&was, now) &&
		  (uint64_t)was.runs == *nruns &&
		  runs_after(s, now, was.last, was.runs, &bytes, &len, &d) == 0;
	/* The records in a file of their own, unlinked at once, for the
	 * records' reader. */
	if (ok && (tmp = malloc(strlen(dir) + 16)) != NULL) {
		sprintf(tmp, "%s/join.XXXXXX", dir);
		fd = mkstemp(tmp);
		if (fd >= 0)
			unlink(tmp);
	}
	ok = ok && fd >= 0 && cstat__write_all(fd, bytes, len) == 0 &&
	     lseek(fd, 0, SEEK_SET) == 0 &&
	     cstat__snap_join_records(fd, (unsigned long)was.runs, opts,
				      confidence, *t, runs, nruns) == 0;
	if (fd >= 0)
		close(fd);
	if (!ok) {
		cstat_tables_free(*t);
		cstat_history_free(*runs, *nruns);
		*t = NULL;
		*runs = NULL;
		*nruns = 0;
	}
	free(tmp);
	free(bytes);
	free(kept);
	return ok;
}

int
cstat_store_history_tables_cached(cstat_store *s, const char *name,
				  const char *bench,
				  const struct cstat_builder_opts *opts,
				  double confidence, const char *dir,
				  cstat_tables **t, cstat_run ***runs,
				  size_t *nruns, int *status,
				  struct cstat_diag *d)
{
	struct cstat__store_ident before, after;
	struct cstat__buf key = {0};
	size_t named = 0;
	int rc, st = -1;

	if (status)
		*status = -1;
	if (!s || !dir || !s->ops->history_ident || !t || !runs || !nruns ||
	    !cstat__stores_valid_name(name) ||
	    s->ops->history_ident(s->state, name, &before, d) != 0 ||
	    read_key(&key, &named, name, &before, bench, opts, confidence) !=
		    0 ||
	    (mkdir(dir, 0700) != 0 && errno != EEXIST)) {
		cstat__buf_release(&key);
		return cstat_store_history_tables(
			s, name, bench, opts, confidence, t, runs, nruns, d);
	}
	if (cstat__snap_load_keyed(dir, key.data, named, NULL, t, runs,
				   nruns)) {
		cstat__buf_release(&key);
		if (status)
			*status = 1;
		return 0;
	}
	bool joined = join_grown(s, dir, key.data, named, &before, opts,
				 confidence, t, runs, nruns);
	rc = joined ? 0
		    : cstat_store_history_tables(s, name, bench, opts,
						 confidence, t, runs, nruns, d);
	/* Kept for the rows it was built from: the history as it was
	 * before and after the read. */
	if (!rc && s->ops->history_ident(s->state, name, &after, NULL) == 0 &&
	    same_rows(&before, &after) &&
	    cstat__snap_save_keyed(dir, key.data, named, *runs, *nruns, *t) ==
		    0)
		st = joined ? 2 : 0;
	cstat__buf_release(&key);
	if (status && !rc)
		*status = st;
	return rc;
}
