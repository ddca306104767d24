/*
 * store-write.c - the store's files, written so that no crash loses data.
 *
 * A baseline is written to a temporary file of our own in the same
 * directory, synced and renamed over the old one (write_atomic()); a
 * history record is one write of a whole line under flock(), then fsync
 * (cstat_run_append()), and a prune rewrites the history atomically under
 * the same lock.  Each durable step is written down where it is taken, and
 * errno is kept across the cleanup that follows a failure.  A store never
 * follows a symbolic link.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store-run.h"

static int
sys_error(struct cstat_diag *d, const char *what, const char *path)
{
	int err = errno;
	char why[128];

	/* O_NOFOLLOW's answer to a link: say what it means. */
	if (err == ELOOP)
		snprintf(why, sizeof(why),
			 "is a symbolic link (a store never follows links)");
	else
		cstat__errno_text(err, why, sizeof(why));
	cstat__diag_set(d, NULL, 0, 0, "%s %s: %s", what, path, why);
	return err == ELOOP ? CSTAT_EACCES : cstat__errno_code(err);
}

/*
 * Opens a file of the store with flags, never through a link (O_NOFOLLOW,
 * which sys_error names): the descriptor, or an error with d set.
 */
static int
open_nofollow(const char *path, int flags, struct cstat_diag *d)
{
	int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0644);

	return fd >= 0 ? fd : sys_error(d, "open", path);
}

int
cstat__write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Syncs the directory holding path, so a rename in it is durable. */
static void
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path,
				    slash == path ? 1 : (size_t)(slash - path))
			  : strdup(".");
	int fd;

	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* A temporary file of path's: "path.tmp.PID", PID in *pid. */
static bool
tmp_of(const char *name, const char *base, long *pid)
{
	size_t bl = strlen(base);
	char *end;

	if (strncmp(name, base, bl) != 0 || strncmp(name + bl, ".tmp.", 5) ||
	    name[bl + 5] < '0' || name[bl + 5] > '9')
		return false;
	*pid = strtol(name + bl + 5, &end, 10);
	return *end == '\0';
}

/*
 * Removes the temporary files of path that a writer killed before its
 * rename left behind: those not modified for STALE_ANY seconds, and those
 * of a process that no longer exists here and not modified for STALE_DEAD
 * seconds (a writer writes and syncs without pause, so a file that stands
 * still is abandoned; the wait covers a store shared with other machines,
 * whose process ids mean nothing here).  Best effort: a file that cannot
 * be removed stays.  A link at a temporary name was planted: refused.
 * @return 0, or an error with d set.
 */
#define STALE_DEAD 60
#define STALE_ANY (10 * 60)
static int
check_tmps(const char *path, struct cstat_diag *d)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, (size_t)(slash - path) + 1)
			  : strdup("./");
	const char *base = slash ? slash + 1 : path;
	DIR *dp = dir ? opendir(dir) : NULL;
	struct dirent *e;
	time_t now = time(NULL);
	int rc = dir ? 0 : CSTAT_ENOMEM;

	while (!rc && dp && (e = readdir(dp)) != NULL) {
		struct stat st;
		long pid;
		if (!tmp_of(e->d_name, base, &pid) ||
		    fstatat(dirfd(dp), e->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (S_ISLNK(st.st_mode)) {
			cstat__diag_set(d, NULL, 0, 0,
					"create %s%s: is a symbolic link (a "
					"store never follows links)",
					dir, e->d_name);
			rc = CSTAT_EACCES;
			continue;
		}
		double idle = difftime(now, st.st_mtime);
		bool dead = pid <= 0 || pid > INT_MAX ||
			    (kill((pid_t)pid, 0) != 0 && errno == ESRCH);
		if (pid != (long)getpid() &&
		    (idle >= STALE_ANY || (dead && idle >= STALE_DEAD)))
			unlinkat(dirfd(dp), e->d_name, 0);
	}
	if (dp)
		closedir(dp);
	free(dir);
	return rc;
}

/*
 * Creates path's temporary file, ours alone: O_EXCL and O_NOFOLLOW, so a
 * file or link planted at the name is never written through.  A regular
 * file of our own process id is a leftover of an earlier process with the
 * same id: removed, once.
 */
static int
create_tmp(const char *tmp, struct cstat_diag *d)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;
	int fd = open(tmp, flags, 0644);

	if (fd < 0 && errno == EEXIST && lstat(tmp, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			errno = ELOOP;
			return sys_error(d, "create", tmp);
		}
		if (S_ISREG(st.st_mode) && unlink(tmp) == 0)
			fd = open(tmp, flags, 0644);
		else
			errno = EEXIST;
	}
	return fd >= 0 ? fd : sys_error(d, "create", tmp);
}

struct spans;

/* What a file gets: a run's text, or len bytes at data when r is NULL, or
 * when spans is set, those records of the file open at fd. */
struct content {
	const cstat_run *r;
	bool pretty;
	const char *data;
	size_t len;
	const struct spans *spans;
	int fd;
};

static int write_spans(int out, const struct content *c);

/* A sink into a descriptor through a buffer, for cstat__run_write_to(). */
struct fd_sink {
	int fd;
	size_t len;
	char buf[1 << 16];
};

static int
put_fd(void *ctx, const char *p, size_t n)
{
	struct fd_sink *f = ctx;

	if (f->len + n > sizeof(f->buf)) {
		if (cstat__write_all(f->fd, f->buf, f->len))
			return CSTAT_EIO;
		f->len = 0;
	}
	if (n > sizeof(f->buf))
		return cstat__write_all(f->fd, p, n) ? CSTAT_EIO : 0;
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	return 0;
}

/*
 * Writes c to fd.  @return 0, CSTAT_EIO (errno says why) or
 * CSTAT_ENOMEM.
 */
static int
write_content(int fd, const struct content *c)
{
	if (c->spans)
		return write_spans(fd, c);
	if (!c->r)
		return cstat__write_all(fd, c->data, c->len) ? CSTAT_EIO : 0;
	struct fd_sink *f = malloc(sizeof(*f));
	if (!f)
		return CSTAT_ENOMEM;
	f->fd = fd;
	f->len = 0;
	struct cstat__run_sink s = {put_fd, f};
	int rc = cstat__run_write_to(c->r, c->pretty, &s);
	if (!rc && cstat__write_all(fd, f->buf, f->len))
		rc = CSTAT_EIO;
	free(f);
	return rc;
}

/*
 * Replaces path with c, atomically: a temporary name of our own beside
 * the file (a rename is atomic only within one file system), fsync,
 * rename, then fsync of the directory.  A link at path is refused, not
 * replaced.
 */
static int
replace_with(const char *path, const struct content *c, struct cstat_diag *d)
{
	char *tmp = malloc(strlen(path) + 32);
	struct stat st;
	int fd, rc = 0;

	if (!tmp)
		return CSTAT_ENOMEM;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		free(tmp);
		errno = ELOOP;
		return sys_error(d, "replace", path);
	}
	rc = check_tmps(path, d);
	sprintf(tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = rc ? rc : create_tmp(tmp, d);
	int wr = fd < 0 ? 0 : write_content(fd, c);
	if (fd < 0) {
		rc = fd;
	} else if (wr || fsync(fd)) {
		rc = wr == CSTAT_ENOMEM ? wr : sys_error(d, "write", tmp);
		close(fd);
		unlink(tmp);
	} else if (close(fd)) {
		rc = sys_error(d, "write", tmp);
		unlink(tmp);
	} else if (rename(tmp, path)) {
		rc = sys_error(d, "rename", path);
		unlink(tmp);
	} else {
		sync_dir(path);
	}
	free(tmp);
	return rc;
}

/* Replaces path with len bytes at data (replace_with()). */
static int
write_atomic(const char *path, const char *data, size_t len,
	     struct cstat_diag *d)
{
	struct content c = {NULL, false, data, len, NULL, -1};

	return replace_with(path, &c, d);
}

int
cstat_run_save(const cstat_run *r, const char *path, struct cstat_diag *d)
{
	if (!r || !path)
		return CSTAT_EINVAL;
	struct content c = {r, true, NULL, 0, NULL, -1};
	return replace_with(path, &c, d);
}

static int lock_history(const char *path, struct cstat_diag *d);

static int slurp(const char *path, char **data, size_t *len,
		 struct cstat_diag *d);

/* Whether the history at path has a record of run id: a line that starts
 * as cstat writes one with that id. */
static bool
has_id(const char *path, const char *id)
{
	char *data, *prefix;
	size_t len, pl = strlen(id) + 48;
	struct cstat_diag d;
	bool found = false;

	if (slurp(path, &data, &len, &d))
		return false;
	if ((prefix = malloc(pl)) != NULL) {
		snprintf(prefix, pl, "{\"schema\":\"%s\",\"id\":\"%s\"",
			 CSTAT__RUN_SCHEMA, id);
		pl = strlen(prefix);
		for (char *p = data; !found && p && *p;) {
			found = strncmp(p, prefix, pl) == 0;
			p = strchr(p, '\n');
			p = p ? p + 1 : NULL;
		}
	}
	free(prefix);
	free(data);
	return found;
}

static int append_locked(const cstat_run *r, const char *path,
			 struct cstat_diag *d);

int
cstat_run_append(const cstat_run *r, const char *path, struct cstat_diag *d)
{
	return cstat__run_append_new(r, path, false, NULL, d);
}

int
cstat__run_append_new(const cstat_run *r, const char *path, bool once,
		      bool *added, struct cstat_diag *d)
{
	const char *id = r ? cstat_run_get(r, "id") : NULL;
	int rc = 0;

	if (added)
		*added = false;
	if (!r || !path)
		return CSTAT_EINVAL;
	/* One writer at a time, appends and prunes alike, through a lock
	 * file beside the history (a prune replaces the history itself).
	 * The id is looked for under it: two processes recording one run
	 * at once store it once. */
	int lock = lock_history(path, d);
	if (lock < 0)
		return lock;
	if (!once || !id || !has_id(path, id)) {
		rc = append_locked(r, path, d);
		if (added)
			*added = !rc;
	}
	close(lock); /* releases the lock */
	return rc;
}

/* Appends r to the history at path, its lock held. */
static int
append_locked(const cstat_run *r, const char *path, struct cstat_diag *d)
{
	char last;
	int fd, rc = 0;

	fd = open_nofollow(path, O_RDWR | O_CREAT | O_APPEND, d);
	if (fd < 0)
		return fd;
	/* A record cut short by a crash has no newline: end it, so this
	 * record starts a line of its own (the reader skips the stub). */
	struct stat st;
	if (fstat(fd, &st)) {
		rc = sys_error(d, "stat", path);
		goto out;
	}
	if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) == 1 &&
	    last != '\n' && cstat__write_all(fd, "\n", 1)) {
		rc = sys_error(d, "write", path);
		goto out;
	}
	/* The record goes out a group at a time (cstat__run_write_to()). */
	struct content c = {r, false, NULL, 0, NULL, -1};
	int wr = write_content(fd, &c);
	if (wr || fsync(fd)) {
		rc = wr == CSTAT_ENOMEM ? wr : sys_error(d, "write", path);
		/* A record that did not fit (a full disk) goes again, so
		 * it does not stay behind as a stub every read warns of;
		 * under the lock, nobody else wrote after it. */
		if (ftruncate(fd, st.st_size) == 0)
			fsync(fd);
	}
out:
	close(fd);
	return rc;
}

static int
slurp(const char *path, char **data, size_t *len, struct cstat_diag *d)
{
	int fd = open_nofollow(path, O_RDONLY, d);
	size_t cap = 0;

	*data = NULL;
	*len = 0;
	if (fd < 0)
		return fd;
	for (;;) {
		if (cstat__grow((void **)data, &cap, *len + 65536, 1)) {
			close(fd);
			return CSTAT_ENOMEM;
		}
		ssize_t n = read(fd, *data + *len, cap - *len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc = sys_error(d, "read", path);
			close(fd);
			return rc;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	close(fd);
	(*data)[*len] = '\0';
	return 0;
}

/* The store's file primitives, for store-merge.c (store.h). */

int
cstat__store_slurp(const char *path, char **data, size_t *len,
		   struct cstat_diag *d)
{
	return slurp(path, data, len, d);
}

int
cstat__store_replace(const char *path, const char *data, size_t len,
		     struct cstat_diag *d)
{
	return write_atomic(path, data, len, d);
}

int
cstat__store_lock(const char *path, struct cstat_diag *d)
{
	return lock_history(path, d);
}
/* The lock beside a history, shared by appends and prunes. */
static int
lock_history(const char *path, struct cstat_diag *d)
{
	char *lock = malloc(strlen(path) + 6);
	int fd;

	if (!lock)
		return CSTAT_ENOMEM;
	sprintf(lock, "%s.lock", path);
	fd = open_nofollow(lock, O_RDWR | O_CREAT, d);
	if (fd < 0) {
		free(lock);
		return fd;
	}
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			int rc = sys_error(d, "lock", lock);
			close(fd);
			free(lock);
			return rc;
		}
	}
	free(lock);
	return fd;
}

/* The records prune found (where each starts and how long it is, its
 * newline not included) and the first of them that it keeps. */
struct spans {
	uint64_t *off;
	size_t *len;
	size_t n, cap, cap2, first;
};

static int
add_span(void *ctx, uint64_t off, size_t len)
{
	struct spans *sp = ctx;

	if (cstat__grow((void **)&sp->off, &sp->cap, sp->n + 1,
			sizeof(*sp->off)) ||
	    cstat__grow((void **)&sp->len, &sp->cap2, sp->n + 1,
			sizeof(*sp->len)))
		return CSTAT_ENOMEM;
	sp->off[sp->n] = off;
	sp->len[sp->n++] = len;
	return 0;
}

/* Copies len bytes of in from off to out through buf (n bytes).
 * @return 0, or -1 with errno set (EIO for a file that got shorter). */
static int
copy_bytes(int in, uint64_t off, uint64_t len, int out, char *buf, size_t n)
{
	while (len) {
		size_t want = len < n ? (size_t)len : n;
		ssize_t got = pread(in, buf, want, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0) {
			errno = got ? errno : EIO;
			return -1;
		}
		if (cstat__write_all(out, buf, (size_t)got))
			return -1;
		off += (uint64_t)got;
		len -= (uint64_t)got;
	}
	return 0;
}

/*
 * Writes the kept records of c (spans from first on) to out, each with a
 * newline: runs of records that follow each other in the file are copied
 * in one go with the newlines between them.
 */
static int
write_spans(int out, const struct content *c)
{
	const struct spans *sp = c->spans;
	const size_t n = 8u << 20;
	char *buf = malloc(n);
	int rc = buf ? 0 : CSTAT_ENOMEM;

	for (size_t k = sp->first; k < sp->n && !rc;) {
		uint64_t from = sp->off[k], to = from + sp->len[k];
		for (k++; k < sp->n && sp->off[k] == to + 1; k++)
			to = sp->off[k] + sp->len[k];
		if (copy_bytes(c->fd, from, to - from, out, buf, n) ||
		    cstat__write_all(out, "\n", 1))
			rc = CSTAT_EIO;
	}
	free(buf);
	return rc;
}

int
cstat_history_prune(const char *path, size_t keep, size_t *removed,
		    struct cstat_diag *d)
{
	struct spans sp = {0};
	struct cstat__hscan h;
	int lock, fd, rc;

	if (removed)
		*removed = 0;
	if (!path)
		return CSTAT_EINVAL;
	lock = lock_history(path, d);
	if (lock < 0)
		return lock;
	fd = open_nofollow(path, O_RDONLY, d);
	if (fd < 0) {
		close(lock);
		return fd;
	}
	/* The records as cstat_history_describe() finds them: blank lines
	 * and stubs left out, an unknown schema or a bad last record an
	 * error.  Under the lock
	 * nothing is appended meanwhile, so the records are copied from
	 * the same file. */
	cstat__hscan_init(&h, path, NULL, NULL);
	h.record = add_span;
	h.record_ctx = &sp;
	rc = cstat__hscan_fd(&h, fd, d);
	if (!rc) /* read in full, as list reads it */
		rc = cstat__hscan_last(&h, fd, d);
	cstat__hscan_done(&h);
	if (!rc) {
		sp.first = sp.n > keep ? sp.n - keep : 0;
		struct content c = {NULL, false, NULL, 0, &sp, fd};
		rc = replace_with(path, &c, d);
	}
	if (!rc && removed)
		*removed = sp.first;
	free(sp.off);
	free(sp.len);
	close(fd);
	close(lock);
	return rc;
}

int
cstat__store_open(const char *path, int flags, struct cstat_diag *d)
{
	return open_nofollow(path, flags, d);
}

int
cstat__store_create_tmp(const char *path, char **tmp, struct cstat_diag *d)
{
	struct stat st;
	int rc;

	*tmp = malloc(strlen(path) + 32);
	if (!*tmp)
		return CSTAT_ENOMEM;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		errno = ELOOP;
		rc = sys_error(d, "replace", path);
	} else {
		rc = check_tmps(path, d);
	}
	sprintf(*tmp, "%s.tmp.%ld", path, (long)getpid());
	if (!rc)
		rc = create_tmp(*tmp, d);
	if (rc < 0) {
		free(*tmp);
		*tmp = NULL;
	}
	return rc;
}
