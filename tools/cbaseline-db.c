/*
 * cbaseline-db.c - cbaseline's commands on a shared store (cbaseline-db.h).
 *
 * The database hands back the exact bytes a store directory holds
 * (cstat_store_history(), cstat_store_baseline_load()), so a command runs
 * unchanged on a private directory holding what it reads (the table
 * commands[]): save, show, compare and rm baseline NAME alone; gate the
 * baseline and its histories; history, detect, export and forecast
 * baseline and history NAME.  Its output is the file store's, byte for
 * byte.  list reads no history: the database describes every baseline and
 * history in a query per kind (cstat_store_describe()) and list finds an
 * empty file for each.  prune deletes in the database (store_set_prune()).
 * What a command wrote goes back in one step each: record's line (one
 * transaction; a run already there is stored once), save's file, rm's
 * removal.  The directory is removed at the end.  history, detect and
 * export with -filter .name:NAME read only that benchmark's series from
 * the database.  merge copies the whole store (and
 * OTHER_STORE, when it is a database too) and puts back each history and
 * baseline the file merge changed: a history that only grew gets its new runs
 * appended, one that merged runs in between its own is merged again in the
 * database, the read and the rewrite one transaction holding the history's
 * row lock (cstat_store_merge()), so a run recorded meanwhile is kept.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cbaseline-cache.h"
#include "cbaseline-db.h"
#include "cli.h"
#include "cstat.h"
#include "store-util.h"

#define PROG "cbaseline"

/* The store's opening, done beside record's own work (open_copy()). */
struct opening {
	const char *location;
	cstat_store *store;
	int rc;
	struct cstat_diag d;
	pthread_t thread;
	bool running;
};

struct db {
	cstat_store *store;
	char where[512];	 /* the location, without its password */
	char dir[256];		 /* the private directory */
	char cache[1024];	 /* the cache's folder, when read there */
	struct opening *opening; /* until opened() */
};

static int
db_error(const struct db *db, int rc, const struct cstat_diag *d)
{
	(void)db;
	if (d && d->message[0])
		fprintf(stderr, "%s: %s\n", PROG, d->message);
	else
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(rc));
	return 2;
}

static void *
open_main(void *arg)
{
	struct opening *o = arg;

	o->rc = cstat_store_open(&o->store, o->location,
				 getenv("CSTAT_PROJECT"), &o->d);
	return NULL;
}

/* Waits for the store's opening, if one is under way, and takes its
 * store (NULL when it failed): the opening, or NULL when there was none. */
static struct opening *
join_opening(struct db *db)
{
	struct opening *o = db->opening;

	if (o) {
		if (o->running)
			pthread_join(o->thread, NULL);
		db->store = o->store;
		db->opening = NULL;
	}
	return o;
}

/* 0 when the store is open (its opening waited for), else 2 after
 * saying why (as open_copy() says it). */
static int
opened(struct db *db)
{
	struct opening *o = join_opening(db);

	return o && o->rc ? db_error(db, o->rc, &o->d) : 0;
}

/* Writes bytes[0..len) to DIR/kind/name+ext. */
static int
put_file(const struct db *db, const char *kind, const char *name,
	 const char *ext, const char *bytes, size_t len)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s%s", db->dir, kind, name, ext);
	f = fopen(path, "wx");
	if (!f || fwrite(bytes, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "%s: %s: %s\n", PROG, path, strerror(errno));
		return 2;
	}
	return 0;
}

/* Reads DIR/kind/name+ext whole (NULL when missing). */
static char *
get_file(const struct db *db, const char *kind, const char *name,
	 const char *ext, size_t *len)
{
	char path[1024];
	FILE *f;
	char *buf = NULL;
	size_t cap = 0;

	*len = 0;
	snprintf(path, sizeof(path), "%s/%s/%s%s", db->dir, kind, name, ext);
	if (!(f = fopen(path, "rb")))
		return NULL;
	for (;;) {
		if (*len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = 2 * cap + 8192);
			if (!nb)
				break;
			buf = nb;
		}
		size_t got = fread(buf + *len, 1, 4096, f);
		*len += got;
		if (got < 4096)
			break;
	}
	fclose(f);
	if (buf)
		buf[*len] = '\0';
	return buf;
}

/* Copies baseline or history name (kind "baseline"/"history") into the
 * directory, if the database has it; a history cut to benchmark bench's
 * series when bench is not NULL. */
static int
fetch_series(struct db *db, const char *kind, const char *name,
	     const char *bench)
{
	bool base = strcmp(kind, "baseline") == 0;
	struct cstat_diag d;
	char *bytes;
	size_t len;
	int rc;

	if (!store_valid_name(name))
		return 0; /* the command says why */
	if (base)
		rc = cstat_store_baseline_load(db->store, name, &bytes, &len,
					       &d);
	else if (bench)
		rc = cstat_store_history_series(db->store, name, bench, &bytes,
						&len, &d);
	else
		rc = cstat_store_history(db->store, name, &bytes, &len, &d);
	if (rc == CSTAT_ENOENT)
		return 0;
	if (rc)
		return db_error(db, rc, &d);
	rc = put_file(db, base ? "baselines" : "history", name,
		      base ? ".json" : ".jsonl", bytes, len);
	free(bytes);
	return rc;
}

/*
 * Copies the runs of history name that gate reads into the directory:
 * its last CSTAT_GATE_HISTORY_RUNS (cregress reads no more), and one
 * before them, which cregress does not read but which tells it the
 * history is longer, as the whole file would ("the last 500 of its
 * runs").  A history of 10,000 runs took seconds to copy whole.
 */
static int
fetch_tail(struct db *db, const char *name)
{
	struct cstat_diag d;
	char *bytes;
	size_t len;
	int rc;

	if (!store_valid_name(name))
		return 0; /* the command says why */
	rc = cstat_store_history_tail(
		db->store, name, CSTAT_GATE_HISTORY_RUNS + 1, &bytes, &len, &d);
	if (rc == CSTAT_ENOENT)
		return 0;
	if (rc)
		return db_error(db, rc, &d);
	rc = put_file(db, "history", name, ".jsonl", bytes, len);
	free(bytes);
	return rc;
}

static int
fetch(struct db *db, const char *kind, const char *name)
{
	return fetch_series(db, kind, name, NULL);
}

/* Copies every baseline and history (list). */
static int
fetch_all(struct db *db)
{
	static const char *const kinds[] = {"baseline", "history"};
	int rc = 0;

	for (size_t k = 0; !rc && k < 2; k++) {
		char **names;
		size_t n;
		struct cstat_diag d;
		int lr = cstat_store_names(db->store, kinds[k], &names, &n, &d);
		if (lr)
			return db_error(db, lr, &d);
		for (size_t i = 0; i < n; i++) {
			if (!rc)
				rc = fetch(db, kinds[k], names[i]);
			free(names[i]);
		}
		free(names);
	}
	return rc;
}

/* Removes the private directory and what the command left in it. */
static void
remove_tree(const char *path)
{
	struct stat st;
	DIR *dp;
	struct dirent *e;

	if (lstat(path, &st) != 0)
		return;
	if (S_ISDIR(st.st_mode) && (dp = opendir(path)) != NULL) {
		while ((e = readdir(dp)) != NULL) {
			char sub[1024];
			if (strcmp(e->d_name, ".") == 0 ||
			    strcmp(e->d_name, "..") == 0)
				continue;
			snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
			remove_tree(sub);
		}
		closedir(dp);
		rmdir(path);
		return;
	}
	unlink(path);
}

/* Copies what the command run in the directory wrote to the database. */
static int
write_back(struct db *db, const char *cmd, const char *name)
{
	struct cstat_diag d;
	size_t len;
	int rc = 0;
	bool history = strcmp(cmd, "record") == 0;
	char *bytes = get_file(db, history ? "history" : "baselines", name,
			       history ? ".jsonl" : ".json", &len);

	memset(&d, 0, sizeof(d));
	if (strcmp(cmd, "record") == 0) {
		bool added;
		rc = bytes ? cstat_store_record(db->store, name, bytes, len,
						&added, &d)
			   : CSTAT_EIO;
		if (!rc && !added)
			fprintf(stderr,
				"%s: the run was there already: "
				"stored once\n",
				PROG);
	} else if (strcmp(cmd, "save") == 0) {
		rc = bytes ? cstat_store_baseline_save(db->store, name, bytes,
						       len, &d)
			   : CSTAT_EIO;
	} else if (strcmp(cmd, "rm") == 0) {
		rc = cstat_store_baseline_remove(db->store, name, &d);
	}
	free(bytes);
	return rc ? db_error(db, rc, &d) : 0;
}

/* Points fd at a new file DIR/name; *saved keeps the old fd (-1 when
 * that failed and fd is as it was). */
static void
capture(const struct db *db, int fd, const char *name, int *saved)
{
	char path[300];
	int f;

	snprintf(path, sizeof(path), "%s/%s", db->dir, name);
	*saved = dup(fd);
	f = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (*saved >= 0 && f >= 0 && dup2(f, fd) >= 0) {
		close(f);
		return;
	}
	if (f >= 0)
		close(f);
	if (*saved >= 0)
		close(*saved);
	*saved = -1;
}

/* The first place in p where a directory the command read is named:
 * db's private directory or cache folder, else other's private
 * directory; *which says whose and *len how long the name is. */
static const char *
first_dir(const char *p, const struct db *db, const struct db *other,
	  const struct db **which, size_t *len)
{
	const char *names[3] = {db->dir, db->cache[0] ? db->cache : NULL,
				other ? other->dir : NULL};
	const char *best = NULL;

	for (size_t k = 0; k < 3; k++) {
		const char *at = names[k] ? strstr(p, names[k]) : NULL;
		if (at && (!best || at < best)) {
			best = at;
			*which = k < 2 ? db : other;
			*len = strlen(names[k]);
		}
	}
	return best;
}

/*
 * A command's output and messages quoted: each private directory named as
 * its location, read and written a piece at a time.  A command that
 * writes nothing back to the database has each stream go through a pipe
 * that a thread reads and writes to the stream's own descriptor
 * (quote_start()), as it is written; one that writes back has them kept
 * aside in files until the database took the write, then read from there
 * the same way (release()).  An export of every benchmark writes a
 * gigabyte of CSV: kept aside and read back whole, as all output once
 * was, it cost a gigabyte of memory, the file's as much again, and most
 * of the command's system time (docs/performance.md "Every benchmark's
 * export").
 */
struct quoted {
	int in;	   /* the pipe's read end; -1 once it has ended */
	int out;   /* the stream's own descriptor (a copy) */
	int fd;	   /* the descriptor the command writes to: 1 or 2 */
	char *buf; /* read and not yet written out; NUL after len */
	size_t len;
	bool raw;    /* past a NUL byte: nothing is quoted there */
	bool failed; /* a write failed: the rest is read and dropped */
	int error;   /* then its errno, 0 when it wrote nothing */
};

struct quoting {
	const struct db *db, *other;
	struct quoted s[2]; /* the output and the messages */
	size_t longest;	    /* the longest directory name */
	pthread_t thread;
};

/* Room a stream reads into at a time, beyond what it holds back. */
#define QUOTE_READ ((size_t)1 << 20)

/* Sets q up to quote the directories of db and other (NULL). */
static void
quoting_init(struct quoting *q, const struct db *db, const struct db *other)
{
	memset(q, 0, sizeof(*q));
	q->db = db;
	q->other = other;
	q->longest = strlen(db->dir);
	if (strlen(db->cache) > q->longest)
		q->longest = strlen(db->cache);
	if (other && strlen(other->dir) > q->longest)
		q->longest = strlen(other->dir);
}

/* Writes the n bytes at p to s's descriptor, all of them. */
static void
quote_put(struct quoted *s, const char *p, size_t n)
{
	while (n > 0 && !s->failed) {
		ssize_t k = write(s->out, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			s->failed = true;
			s->error = k < 0 ? errno : 0;
		} else {
			p += k;
			n -= (size_t)k;
		}
	}
}

/*
 * Where in buf[at..end) a directory's name may begin and go on past end:
 * the first place whose bytes to end are the start of a name, shorter
 * than it; end when there is none.  Bytes before it can go out.
 */
static size_t
quote_unsure(const struct quoting *q, const char *buf, size_t at, size_t end)
{
	const char *names[3] = {q->db->dir, q->db->cache,
				q->other ? q->other->dir : ""};
	size_t from = end - at >= q->longest ? end - q->longest + 1 : at;

	for (size_t p = from; p < end; p++)
		for (size_t k = 0; k < 3; k++)
			if (names[k][0] == buf[p] &&
			    strlen(names[k]) > end - p &&
			    memcmp(names[k], buf + p, end - p) == 0)
				return p;
	return end;
}

/*
 * Writes out what s holds, each directory named as its location
 * (first_dir(), the first of equal places by its order), but the bytes
 * that may be the start of a name, kept until more come; all of them at
 * the end of the stream (eof).  From a NUL byte on, nothing is quoted
 * (the names are looked for as C strings).
 */
static void
quote_flush(const struct quoting *q, struct quoted *s, bool eof)
{
	size_t at = 0;

	s->buf[s->len] = '\0';
	if (!s->raw) {
		const char *nul = memchr(s->buf, '\0', s->len);
		size_t end = nul ? (size_t)(nul - s->buf) : s->len;
		size_t sure =
			eof || nul ? end : quote_unsure(q, s->buf, 0, end);
		while (at < sure) {
			const struct db *who = q->db;
			size_t hl = 0;
			const char *hit = first_dir(s->buf + at, q->db,
						    q->other, &who, &hl);
			size_t h = hit ? (size_t)(hit - s->buf) : end;
			if (h >= sure) {
				quote_put(s, s->buf + at, sure - at);
				at = sure;
				break;
			}
			quote_put(s, s->buf + at, h - at);
			quote_put(s, "[", 1);
			quote_put(s, who->where, strlen(who->where));
			quote_put(s, "]", 1);
			at = h + hl;
		}
		s->raw = nul != NULL;
	}
	if (s->raw) {
		quote_put(s, s->buf + at, s->len - at);
		at = s->len;
	}
	memmove(s->buf, s->buf + at, s->len - at);
	s->len -= at;
}

/* Reads what s's pipe or file holds next and writes it out quoted.
 * @return false once it has ended (its last bytes written out). */
static bool
quote_read(const struct quoting *q, struct quoted *s)
{
	ssize_t got = read(s->in, s->buf + s->len, QUOTE_READ);

	if (got < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (got > 0) {
		s->len += (size_t)got;
		quote_flush(q, s, false);
		return true;
	}
	quote_flush(q, s, true);
	return false;
}

/* The thread of quote_start(): reads both pipes to their ends. */
static void *
quote_main(void *arg)
{
	struct quoting *q = arg;

	while (q->s[0].in >= 0 || q->s[1].in >= 0) {
		struct pollfd pfd[2];
		struct quoted *of[2];
		nfds_t n = 0;
		for (size_t k = 0; k < 2; k++) {
			if (q->s[k].in < 0)
				continue;
			of[n] = &q->s[k];
			pfd[n++] = (struct pollfd){q->s[k].in, POLLIN, 0};
		}
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			/* Read each in turn, waiting, rather than stop. */
			for (nfds_t k = 0; k < n; k++)
				pfd[k].revents = POLLIN;
		}
		for (nfds_t k = 0; k < n; k++) {
			struct quoted *s = of[k];
			if (pfd[k].revents && !quote_read(q, s)) {
				close(s->in);
				s->in = -1;
			}
		}
	}
	return NULL;
}

/* Frees what quote_start() made of s (its descriptors put back first). */
static void
quote_free(struct quoted *s)
{
	if (s->in >= 0)
		close(s->in);
	if (s->out >= 0)
		close(s->out);
	free(s->buf);
}

/*
 * Points descriptors 1 and 2 at pipes that a thread reads, quotes and
 * writes to where they pointed (quote_main()).
 * @return 0; -1 when that could not be set up (nothing changed).
 */
static int
quote_start(struct quoting *q, const struct db *db, const struct db *other)
{
	int w[2] = {-1, -1};
	bool ok = true;

	quoting_init(q, db, other);
	for (size_t k = 0; k < 2; k++) {
		struct quoted *s = &q->s[k];
		int p[2];
		s->fd = (int)k + 1;
		s->in = s->out = -1;
		s->buf = malloc(QUOTE_READ + q->longest + 1);
		if (!s->buf || pipe(p) != 0) {
			ok = false;
			continue;
		}
		s->in = p[0];
		w[k] = p[1];
		fcntl(p[0], F_SETFD, FD_CLOEXEC);
		fcntl(p[1], F_SETFD, FD_CLOEXEC);
#ifdef F_SETPIPE_SZ
		/* Fewer turns between the command and the thread. */
		fcntl(p[1], F_SETPIPE_SZ, (int)QUOTE_READ);
#endif
		s->out = fcntl(s->fd, F_DUPFD_CLOEXEC, 3);
		ok = ok && s->out >= 0;
	}
	fflush(stdout);
	fflush(stderr);
	for (size_t k = 0; k < 2 && ok; k++)
		ok = dup2(w[k], q->s[k].fd) >= 0;
	if (ok && pthread_create(&q->thread, NULL, quote_main, q) == 0)
		ok = true;
	else if (ok) {
		ok = false;
		dup2(q->s[0].out, 1);
		dup2(q->s[1].out, 2);
	} else {
		for (size_t k = 0; k < 2; k++)
			if (q->s[k].out >= 0)
				dup2(q->s[k].out, q->s[k].fd);
	}
	for (size_t k = 0; k < 2; k++) {
		if (w[k] >= 0)
			close(w[k]);
		if (!ok)
			quote_free(&q->s[k]);
	}
	return ok ? 0 : -1;
}

/* Ends what quote_start() began: the descriptors put back, so that the
 * pipes end, and the thread's last bytes written out. */
static void
quote_stop(struct quoting *q)
{
	fflush(stdout);
	fflush(stderr);
	for (size_t k = 0; k < 2; k++)
		dup2(q->s[k].out, q->s[k].fd);
	pthread_join(q->thread, NULL);
	for (size_t k = 0; k < 2; k++)
		quote_free(&q->s[k]);
}

/*
 * Puts fd back and writes what went to DIR/name, from byte from on, to
 * out's descriptor as quote_main() writes a stream: read a piece at a
 * time, each private directory named as its location ("[LOCATION]").
 * @return 0; -1 when the writing failed (errno says why, 0 when it wrote
 * nothing).
 */
static int
release(const struct db *db, const struct db *other, int fd, const char *name,
	int saved, FILE *out, size_t from)
{
	char path[300];
	struct quoting q;
	struct quoted *s = &q.s[0];
	bool failed;

	if (saved < 0)
		return 0;
	dup2(saved, fd);
	close(saved);
	if (!out)
		return 0;
	quoting_init(&q, db, other);
	snprintf(path, sizeof(path), "%s/%s", db->dir, name);
	s->in = open(path, O_RDONLY | O_CLOEXEC);
	s->out = fileno(out);
	s->buf = malloc(QUOTE_READ + q.longest + 1);
	fflush(out);
	if (s->in >= 0 && s->buf && lseek(s->in, (off_t)from, SEEK_SET) >= 0)
		while (quote_read(&q, s))
			;
	if (s->in >= 0)
		close(s->in);
	free(s->buf);
	failed = s->failed;
	errno = s->error;
	return failed ? -1 : 0;
}

/* rc, or 2 with a message when the output was lost (a full disk), as
 * cli_finish_stdout() says of output written through stdout. */
static int
lost_output(int rc, bool failed)
{
	if (failed && rc < 2) {
		fprintf(stderr, "%s: write standard output: %s\n", PROG,
			cstat_strerror(errno ? cli_write_error(CSTAT_EIO)
					     : CSTAT_EIO));
		rc = 2;
	}
	return rc;
}

/*
 * Runs the command on the directory target with its output and messages
 * kept aside (in db's directory), then writes them out with each private
 * directory named as its location: a report that names the history file
 * (gate's noise-aware threshold) names the database instead.  With
 * wb_name, the command wrote that baseline or history: it is written back
 * to the database before the output is shown, and when the database
 * refuses it only its error is shown.  A command that writes nothing back
 * (and whose store is open) has its output and messages quoted as they
 * are written instead (quote_start()), in the order they are written.
 */
static int
run_quoted(struct db *db, const struct db *other, const char *target,
	   const char *cmd, int argc, char **argv, db_run_fn run, void *ctx,
	   const char *wb_name)
{
	struct quoting q;
	int out, err, rc;

	/* Nothing to write back, nothing held back: quoted as written. */
	if (!wb_name && !db->opening && quote_start(&q, db, other) == 0) {
		bool failed;
		rc = run(ctx, target, cmd, argc, argv);
		quote_stop(&q);
		failed = q.s[0].failed;
		errno = q.s[0].error;
		return lost_output(rc, failed);
	}
	fflush(stdout);
	fflush(stderr);
	capture(db, 1, "stdout", &out);
	capture(db, 2, "stderr", &err);
	rc = run(ctx, target, cmd, argc, argv);
	fflush(stdout);
	fflush(stderr);
	/* A write is stored before its report is shown: when the database
	 * refuses it (read-only, no permission), its error alone is shown,
	 * not the "recorded" line the command wrote on the private copy, as
	 * a store directory that cannot be written says nothing else. */
	off_t ran = err >= 0 ? lseek(2, 0, SEEK_CUR) : 0;
	bool refused = false;
	/* A store that could not be opened: its error alone, as when the
	 * command does not run. */
	if (db->opening && (refused = opened(db) != 0))
		rc = 2;
	if (!rc && wb_name) {
		rc = write_back(db, cmd, wb_name);
		refused = rc != 0;
		fflush(stderr);
	}
	release(db, other, 2, "stderr", err, stderr,
		refused && ran > 0 ? (size_t)ran : 0);
	return lost_output(rc, release(db, other, 1, "stdout", out,
				       refused ? NULL : stdout, 0) != 0);
}

/* The NAME of the arguments (the first after "--"), or NULL. */
static const char *
name_of(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			return i + 1 < argc ? argv[i + 1] : NULL;
	return NULL;
}

/* gate's -history=VALUE (joined by run_command()), or NULL. */
static const char *
history_flag(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strncmp(argv[i], "-history=", 9) == 0 ||
		    strncmp(argv[i], "--history=", 10) == 0)
			return strchr(argv[i], '=') + 1;
	return NULL;
}

/* Whether cmd reads its history as tables (store_read_history()). */
static bool
reads_tables(const char *cmd)
{
	return strcmp(cmd, "history") == 0 || strcmp(cmd, "detect") == 0 ||
	       strcmp(cmd, "export") == 0 || strcmp(cmd, "forecast") == 0;
}

/*
 * The benchmark that history's, detect's, export's or forecast's -filter
 * keeps when it is ".name:NAME" or ".fullname:NAME" with a plain NAME (no
 * pattern, no second term), written into buf; else NULL: every series is
 * read and the filter applied to them.  The series the store selects for
 * NAME are a superset of what the filter keeps, and the filter still
 * decides, so the report is the one from the whole history.
 */
static const char *
filter_bench(const char *cmd, int argc, char **argv, char *buf, size_t size)
{
	static const char *const keys[] = {".name:", ".fullname:"};
	const char *f = NULL;

	if (!reads_tables(cmd))
		return NULL;
	for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strncmp(argv[i], "-filter=", 8) == 0 ||
		    strncmp(argv[i], "--filter=", 9) == 0)
			f = strchr(argv[i], '=') + 1;
	for (size_t k = 0; f && k < 2; k++) {
		size_t kl = strlen(keys[k]);
		const char *w = f + kl;
		if (strncmp(f, keys[k], kl) != 0 || !*w || *w == '/' ||
		    strlen(w) >= size || strpbrk(w, " \t()\"'*?[]{}\\^$|"))
			continue;
		snprintf(buf, size, "%s", w);
		return buf;
	}
	return NULL;
}

/* A read of history name that the database builds itself
 * (cstat_store_history_tables()): benchmark bench's series only, or
 * every series (bench NULL). */
struct native {
	struct db *db;
	const char *name, *bench;
};

/*
 * The folder of the snapshots of history name's filtered reads in the
 * cache on the client, cache/NAME.filters of the history's folder (made,
 * 0700), into path: the cache folder's fd, locked (cache_close() it), or
 * -1 when there is none to be had (no cache, refused, in use).
 */
static int
filters_folder(const struct db *db, const char *name, char *path, size_t size)
{
	int fd = cache_open(db->where, getenv("CSTAT_PROJECT"), name, path,
			    size);
	struct stat st;
	size_t len = fd >= 0 ? strlen(path) : 0;

	if (fd < 0)
		return -1;
	(void)mkdirat(fd, "cache", 0700);
	if (fstatat(fd, "cache", &st, AT_SYMLINK_NOFOLLOW) != 0 ||
	    !S_ISDIR(st.st_mode) ||
	    len + strlen(name) + sizeof("/cache/.filters") > size) {
		cache_close(fd);
		return -1;
	}
	snprintf(path + len, size - len, "/cache/%s.filters", name);
	return fd;
}

/* store_read_history()'s source for one benchmark: the tables straight
 * from the database (through a snapshot of this read in the cache on the
 * client when the history's rows are those it was made from), or the
 * history's records copied into the directory when the store cannot
 * build them (1: read the directory). */
static int
native_tables(void *ctx, const char *name, const char *filter, cstat_tables **t,
	      cstat_run ***runs, size_t *n)
{
	struct native *nt = ctx;
	struct cstat_builder_opts opts = CSTAT_BUILDER_OPTS_INIT;
	struct cstat_diag d;
	char dir[1400];

	if (!filter || strcmp(name, nt->name) != 0)
		return 1;
	opts.filter = filter;
	memset(&d, 0, sizeof(d));
	int cfd = filters_folder(nt->db, name, dir, sizeof(dir));
	/* The snapshots are the user's alone, as the folder is. */
	mode_t mask = umask(077);
	int rc = cstat_store_history_tables_cached(
		nt->db->store, name, nt->bench, &opts, 0.95,
		cfd >= 0 ? dir : NULL, t, runs, n, NULL, &d);
	umask(mask);
	cache_close(cfd);
	if (rc == CSTAT_ESTATE) /* the store cannot: its records, as before */
		return fetch_series(nt->db, "history", name, nt->bench) ? 2 : 1;
	if (rc == CSTAT_ENOENT) /* the directory's error for a missing one */
		return 1;
	return rc ? db_error(nt->db, rc, &d) : 0;
}

/*
 * Brings the cache's copy of history name (and its baseline) up to date
 * with the database (cstat_store_history_cache(): nothing read when it is
 * current, only the runs recorded since when the history grew): the
 * cache folder's fd, locked, with its path in db->cache; or -1 when the
 * command is to read a private copy as before (no cache, a cache refused
 * or in use, a history the database does not have, any failure: the
 * private copy's read then says what is wrong).
 */
static int
cache_history(struct db *db, const char *name)
{
	struct cstat_diag d;
	int rc, fd = cache_open(db->where, getenv("CSTAT_PROJECT"), name,
				db->cache, sizeof(db->cache));

	memset(&d, 0, sizeof(d));
	/* The folder holds what a private directory would: the history and
	 * its baseline (none when the database has none). */
	if (fd >= 0 &&
	    (cstat_store_history_cache(db->store, name, fd, NULL, &d) != 0 ||
	     ((rc = cstat_store_baseline_cache(db->store, name, fd, &d)) != 0 &&
	      rc != CSTAT_ENOENT))) {
		cache_close(fd);
		fd = -1;
	}
	if (fd < 0)
		db->cache[0] = '\0';
	return fd;
}

/*
 * Makes the private directory in $TMPDIR, else /tmp.  A small one
 * (record's one record, save's or rm's baseline, show's and compare's,
 * list's empty files), when $TMPDIR is not set, goes to /dev/shm (memory)
 * where there is one: the file store writes a record or a baseline with
 * fsync() and the command then deletes it, and on a disk those two cost
 * 15-20 ms of record's 50 (docs/performance.md "Record, third pass").
 */
static int
make_dir(struct db *db, bool small)
{
	const char *tmp = getenv("TMPDIR");
	char sub[300];
	bool made = false;

	if (small && !(tmp && *tmp)) {
		snprintf(db->dir, sizeof(db->dir), "/dev/shm/cbaseline-XXXXXX");
		made = mkdtemp(db->dir) != NULL;
	}
	if (!made)
		snprintf(db->dir, sizeof(db->dir), "%s/cbaseline-XXXXXX",
			 tmp && *tmp ? tmp : "/tmp");
	if (!made && !mkdtemp(db->dir)) {
		fprintf(stderr, "%s: %s: %s\n", PROG, db->dir, strerror(errno));
		return 2;
	}
	static const char *const kinds[] = {"baselines", "history"};
	for (size_t k = 0; k < 2; k++) {
		snprintf(sub, sizeof(sub), "%s/%s", db->dir, kinds[k]);
		if (mkdir(sub, 0700) != 0) {
			fprintf(stderr, "%s: %s: %s\n", PROG, sub,
				strerror(errno));
			return 2;
		}
	}
	/* A file where the snapshots' folder would be: the directory is
	 * gone after this one command, so writing a history's snapshot
	 * there (the size of its tables) would be work thrown away. */
	snprintf(sub, sizeof(sub), "%s/cache", db->dir);
	int fd = open(sub, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd >= 0)
		close(fd);
	return 0;
}

int
db_merge_other(int argc, char **argv)
{
	int at = -1;

	for (int i = 1; i < argc && at < 0; i++)
		if (strcmp(argv[i], "--") == 0)
			at = i + 1;
	if (at < 0 || argc - at != 1)
		return -1;
	const char *scheme = cstat_store_scheme(argv[at]);
	return scheme && strcmp(scheme, "file") != 0 ? at : -1;
}

/*
 * Opens the store at location and copies everything it holds (all) into a
 * new private directory, in memory when small (make_dir()).  With o, the
 * command writes one record there and reads nothing (record), so the
 * store is opened (libpq loaded, the connection made, its first query)
 * on a thread of its own, o, while the command does its work;
 * run_quoted() waits for it (opened()) before writing back.  Two cores do
 * in parallel what took one 5-10 ms after the other (docs/performance.md
 * "Record, third pass").
 */
static int
open_copy(struct db *db, const char *location, bool all, bool small,
	  struct opening *o)
{
	struct cstat_diag d;
	int rc;

	cstat_store_redact(location, db->where, sizeof(db->where));
	if (o) {
		memset(o, 0, sizeof(*o));
		o->location = location;
		o->running =
			pthread_create(&o->thread, NULL, open_main, o) == 0;
		if (!o->running)
			open_main(o);
		db->opening = o;
		rc = make_dir(db, small);
		if (rc)
			opened(db);
		return rc;
	}
	rc = cstat_store_open(&db->store, location, getenv("CSTAT_PROJECT"),
			      &d);
	if (rc)
		return db_error(db, rc, &d);
	rc = make_dir(db, small);
	return !rc && all ? fetch_all(db) : rc;
}

static void
close_copy(struct db *db)
{
	join_opening(db);
	if (db->dir[0])
		remove_tree(db->dir);
	cstat_store_close(db->store);
}

/* Appends the lines of bytes[0..len) to history name, one run each. */
static int
append_lines(struct db *db, const char *name, const char *bytes, size_t len,
	     struct cstat_diag *d)
{
	int rc = 0;

	for (size_t at = 0; !rc && at < len;) {
		const char *nl = memchr(bytes + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (bytes + at)) : len - at;
		if (n)
			rc = cstat_store_record(db->store, name, bytes + at, n,
						NULL, d);
		at += n + 1;
	}
	return rc;
}

/* Puts history or baseline name of the directory into the database when
 * the merge changed it: a history that only grew by appending. */
static int
merge_back_one(struct db *db, bool base, const char *name)
{
	struct cstat_diag d;
	size_t len, had = 0;
	char *old = NULL;
	char *bytes = get_file(db, base ? "baselines" : "history", name,
			       base ? ".json" : ".jsonl", &len);
	int rc = bytes ? 0 : CSTAT_EIO;

	memset(&d, 0, sizeof(d));
	if (!rc)
		rc = base ? cstat_store_baseline_load(db->store, name, &old,
						      &had, &d)
			  : cstat_store_history(db->store, name, &old, &had,
						&d);
	if (rc == CSTAT_ENOENT)
		rc = 0, had = 0;
	bool same = !rc && old && had == len && memcmp(old, bytes, len) == 0;
	bool grew = !rc && !base && had < len &&
		    (had == 0 ||
		     (memcmp(old, bytes, had) == 0 && bytes[had - 1] == '\n'));
	if (!rc && !same && base)
		rc = cstat_store_baseline_save(db->store, name, bytes, len, &d);
	else if (!rc && !same && grew)
		rc = append_lines(db, name, bytes + had, len - had, &d);
	else if (!rc && !same) /* merged again with what is there now */
		rc = cstat_store_merge(db->store, name, bytes, len, NULL, NULL,
				       &d);
	free(old);
	free(bytes);
	return rc ? db_error(db, rc, &d) : 0;
}

/* Puts every history and baseline the merge changed into the database. */
static int
merge_back(struct db *db)
{
	static const char *const kinds[] = {"baselines", "history"};
	static const char *const exts[] = {".json", ".jsonl"};
	int rc = 0;

	for (size_t k = 0; k < 2; k++) {
		char sub[300];
		struct dirent *e;
		snprintf(sub, sizeof(sub), "%s/%s", db->dir, kinds[k]);
		DIR *dp = opendir(sub);
		while (dp && (e = readdir(dp)) != NULL) {
			size_t l = strlen(e->d_name), el = strlen(exts[k]);
			if (e->d_name[0] == '.' || l <= el ||
			    strcmp(e->d_name + l - el, exts[k]) != 0)
				continue;
			char *name = strndup(e->d_name, l - el);
			if (name && store_valid_name(name) &&
			    merge_back_one(db, k == 0, name))
				rc = 2;
			free(name);
		}
		if (dp)
			closedir(dp);
	}
	return rc;
}

int
db_merge_into_dir(const char *dir, int argc, char **argv, db_run_fn run,
		  void *ctx)
{
	struct db other = {0};
	int at = db_merge_other(argc, argv);
	int rc = open_copy(&other, argv[at], true, false, NULL);

	if (!rc) {
		char *was = argv[at];
		argv[at] = other.dir;
		rc = run_quoted(&other, NULL, dir, "merge", argc, argv, run,
				ctx, NULL);
		argv[at] = was;
	}
	close_copy(&other);
	return rc;
}

/* merge on a database: both stores copied whole, the file merge run on
 * the copies, and what it changed put back. */
static int
db_merge(const char *location, int argc, char **argv, db_run_fn run, void *ctx)
{
	struct db db = {0}, other = {0};
	int at = db_merge_other(argc, argv);
	int rc = open_copy(&db, location, true, false, NULL);

	if (!rc && at >= 0)
		rc = open_copy(&other, argv[at], true, false, NULL);
	if (!rc) {
		char *was = at >= 0 ? argv[at] : NULL;
		if (at >= 0)
			argv[at] = other.dir;
		int mr = run_quoted(&db, at >= 0 ? &other : NULL, db.dir,
				    "merge", argc, argv, run, ctx, NULL);
		if (at >= 0)
			argv[at] = was;
		/* A file that failed to merge leaves the others merged. */
		rc = merge_back(&db);
		rc = rc ? rc : mr;
	}
	close_copy(&other);
	close_copy(&db);
	return rc;
}

/* What a command reads from the database into the directory. */
enum reads {
	READS_NOTHING,	/* record writes one run; prune prunes there */
	READS_BASELINE, /* baseline NAME */
	READS_GATE,	/* baseline NAME and the histories (fetch_gate()) */
	READS_LIST,	/* every name, each described by the database */
	READS_HISTORY,	/* baseline and history NAME, or one benchmark's */
};

/* What each command reads, and whether it writes NAME back (write_back());
 * a command not here (history, detect, export, forecast, help) reads
 * READS_HISTORY. */
static const struct command {
	const char *name;
	enum reads reads;
	bool writes;
} commands[] = {
	{"save", READS_BASELINE, true},	    {"show", READS_BASELINE, false},
	{"compare", READS_BASELINE, false}, {"rm", READS_BASELINE, true},
	{"gate", READS_GATE, false},	    {"record", READS_NOTHING, true},
	{"prune", READS_NOTHING, false},    {"list", READS_LIST, false},
};

static struct command
command_of(const char *cmd)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, cmd) == 0)
			return commands[i];
	return (struct command){cmd, READS_HISTORY, false};
}

/* gate's reads: baseline NAME, and the last runs of history NAME and of
 * -history's history (fetch_tail()). */
static int
fetch_gate(struct db *db, const char *name, int argc, char **argv)
{
	const char *h = history_flag(argc, argv);
	int rc = fetch(db, "baseline", name);

	if (!rc)
		rc = fetch_tail(db, name);
	if (!rc && h && strcmp(h, name) != 0)
		rc = fetch_tail(db, h);
	return rc;
}

/* list's entries as the database describes them (cstat_store_describe()),
 * each kind sorted bytewise by name. */
struct listing {
	struct cstat_store_entry *e[2];
	size_t n[2];
};

static int
entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cstat_store_entry *)a)->name,
		      ((const struct cstat_store_entry *)b)->name);
}

/* store_set_describe()'s source: entry e from the listing. */
static int
listed(void *ctx, struct cstat_store_entry *e)
{
	const struct listing *l = ctx;
	size_t k = strcmp(e->kind, "baseline") != 0;
	const struct cstat_store_entry *x =
		l->e[k] ? bsearch(e, l->e[k], l->n[k], sizeof(*x), entry_cmp)
			: NULL;

	if (!x)
		return 1;
	e->count = x->count;
	e->created = x->created ? strdup(x->created) : NULL;
	e->commit = x->commit ? strdup(x->commit) : NULL;
	e->error = x->error ? strdup(x->error) : NULL;
	return 0;
}

/*
 * list's reads: every baseline and history described in a query per kind
 * (their counts, not their runs), each an empty file in the directory that
 * list finds and describe() asks the listing about.  A store that cannot
 * describe them (CSTAT_ESTATE) has each copied (fetch_all()).
 */
static int
fetch_list(struct db *db, struct listing *l)
{
	static const char *const kinds[] = {"baseline", "history"};
	static const char *const dirs[] = {"baselines", "history"};
	static const char *const exts[] = {".json", ".jsonl"};
	struct cstat_diag d;
	int rc = 0;

	for (size_t k = 0; !rc && k < 2; k++) {
		memset(&d, 0, sizeof(d));
		rc = cstat_store_describe(db->store, kinds[k], &l->e[k],
					  &l->n[k], &d);
		if (rc == CSTAT_ESTATE)
			return fetch_all(db);
		if (rc)
			return db_error(db, rc, &d);
		for (size_t i = 0; !rc && i < l->n[k]; i++)
			if (store_valid_name(l->e[k][i].name))
				rc = put_file(db, dirs[k], l->e[k][i].name,
					      exts[k], "", 0);
	}
	if (!rc)
		store_set_describe(listed, l);
	return rc;
}

/* store_set_prune()'s source: history name pruned in the database, or 1
 * when it has none (the file prune says the file is missing, as when the
 * history was copied). */
static int
db_prune(void *ctx, const char *name, size_t keep, size_t *removed,
	 struct cstat_diag *d)
{
	struct db *db = ctx;
	char **names;
	size_t n;
	bool there = false;
	int rc = cstat_store_names(db->store, "history", &names, &n, d);

	for (size_t i = 0; !rc && i < n; i++) {
		there = there || strcmp(names[i], name) == 0;
		free(names[i]);
	}
	if (!rc)
		free(names);
	if (!rc && !there)
		return 1;
	return rc ? rc : cstat_store_prune(db->store, name, keep, removed, d);
}

int
db_command(const char *location, const char *cmd, int argc, char **argv,
	   db_run_fn run, void *ctx)
{
	struct db db = {0};
	const char *name = name_of(argc, argv);
	struct native nt = {&db, name, NULL};
	struct listing list = {{NULL, NULL}, {0, 0}};
	struct command c = command_of(cmd);
	/* The one benchmark's name: nt points into it while the command
	 * runs, so it lives as long as nt. */
	char bench[256];
	int rc;

	if (strcmp(cmd, "merge") == 0)
		return db_merge(location, argc, argv, run, ctx);
	struct opening o;
	const char *one = filter_bench(cmd, argc, argv, bench, sizeof(bench));
	const char *h = history_flag(argc, argv);
	/* Every series of history NAME alone: read through the cache on
	 * the client (docs/cbaseline.md "A cache on the client"). */
	bool whole = c.reads == READS_HISTORY && reads_tables(cmd) && name &&
		     !one && store_valid_name(name) &&
		     (!h || strcmp(h, name) == 0);
	int cfd = -1;
	/* Nothing but a record or a baseline, or empty files: in memory;
	 * so too what a command read through the cache writes (its output
	 * and messages). */
	bool small =
		whole || (c.reads != READS_HISTORY && c.reads != READS_GATE);
	rc = open_copy(&db, location, false, small,
		       strcmp(cmd, "record") == 0 ? &o : NULL);
	if (!rc && whole && (cfd = cache_history(&db, name)) < 0) {
		/* The history goes to a private directory on disk. */
		remove_tree(db.dir);
		rc = make_dir(&db, false);
	}
	if (!rc && c.reads == READS_LIST)
		rc = fetch_list(&db, &list);
	else if (!rc && strcmp(cmd, "prune") == 0)
		store_set_prune(db_prune, &db);
	else if (!rc && name && c.reads == READS_BASELINE)
		rc = fetch(&db, "baseline", name);
	else if (!rc && name && c.reads == READS_GATE)
		rc = fetch_gate(&db, name, argc, argv);
	else if (!rc && name && c.reads == READS_HISTORY && cfd < 0) {
		rc = fetch(&db, "baseline", name);
		/* One benchmark's tables built by the database when the
		 * command reads the history.  Every series' tables are not:
		 * sending 5,000,000 rows of values costs the server 3.5
		 * times the CPU of sending the runs' records, and the
		 * command is no faster (docs/performance.md "Every
		 * benchmark, from the series tables"). */
		nt.bench = one;
		if (one && store_valid_name(name))
			store_set_tables(native_tables, &nt);
		else if (!rc)
			rc = fetch_series(&db, "history", name, one);
		if (!rc && h && strcmp(h, name) != 0)
			rc = fetch(&db, "history", h);
	}
	if (!rc && cfd >= 0) {
		/* What the file store writes there (its snapshot) is the
		 * user's alone, as the folder is. */
		mode_t mask = umask(077);
		rc = run_quoted(&db, NULL, db.cache, cmd, argc, argv, run, ctx,
				NULL);
		umask(mask);
	} else if (!rc)
		rc = run_quoted(&db, NULL, db.dir, cmd, argc, argv, run, ctx,
				c.writes ? name : NULL);
	cache_close(cfd);
	store_set_tables(NULL, NULL);
	store_set_describe(NULL, NULL);
	store_set_prune(NULL, NULL);
	for (size_t k = 0; k < 2; k++)
		cstat_store_entries_free(list.e[k], list.n[k]);
	close_copy(&db);
	return rc;
}
