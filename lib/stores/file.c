/*
 * file.c - the file store as a member of the store family: a directory of
 * baselines/NAME.json and history/NAME.jsonl (docs/cbaseline.md), through
 * store.c's own primitives, so its files are the ones cbaseline writes.
 *
 * Every baseline or record handed in is parsed first (a damaged one is
 * refused and nothing is written).  A baseline is written atomically, a
 * record appended under the history's lock (cstat_run_append()), a
 * history replaced atomically under that lock.  A record whose run id the
 * history holds already is not appended again; the check reads the
 * history before the append takes the lock, so two processes appending
 * the same run at the same instant may both land (merge keeps it once).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store.h"
#include "stores.h"

struct fs {
	char *dir;
};

static const char *
ext_of(const char *kind)
{
	return strcmp(kind, "baselines") == 0 ? ".json" : ".jsonl";
}

/* DIR/kind/name.ext (malloc'd) or NULL. */
static char *
path_of(const struct fs *f, const char *kind, const char *name)
{
	size_t n = strlen(f->dir) + strlen(kind) + strlen(name) + 16;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s/%s%s", f->dir, kind, name, ext_of(kind));
	return p;
}

static int
fs_error(struct cstat_diag *d, int rc, const char *what, const char *path)
{
	if (d) {
		memset(d, 0, sizeof(*d));
		snprintf(d->message, sizeof(d->message), "%.40s %.400s: %.60s",
			 what, path, strerror(errno));
	}
	return rc;
}

/* Makes DIR and DIR/kind when missing, refusing links. */
static int
make_dirs(const struct fs *f, const char *kind, struct cstat_diag *d)
{
	size_t n = strlen(f->dir) + strlen(kind) + 2;
	char *p = malloc(n);
	struct stat st;
	int rc = 0;

	if (!p)
		return CSTAT_ENOMEM;
	for (int level = 0; !rc && level < 2; level++) {
		snprintf(p, n, level ? "%s/%s" : "%s", f->dir, kind);
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			rc = fs_error(d, CSTAT_EIO, "mkdir", p);
		else if (lstat(p, &st) != 0 || !S_ISDIR(st.st_mode))
			rc = fs_error(d, CSTAT_EACCES, "not a directory", p);
	}
	free(p);
	return rc;
}

/* Reads path whole, NUL-terminated. */
static int
read_all(const char *path, char **out, size_t *len, struct cstat_diag *d)
{
	char *data;
	int rc = cstat__store_slurp(path, &data, len, d);

	*out = NULL;
	if (rc)
		return rc;
	*out = malloc(*len + 1);
	if (*out) {
		memcpy(*out, data, *len);
		(*out)[*len] = '\0';
	}
	free(data);
	return *out ? 0 : CSTAT_ENOMEM;
}

static int
fs_open(void **state, const char *location, const char *project,
	struct cstat_diag *d)
{
	struct fs *f = malloc(sizeof(*f));

	(void)project; /* a directory is one project's */
	(void)d;
	*state = NULL;
	if (!f || !(f->dir = strdup(location))) {
		free(f);
		return CSTAT_ENOMEM;
	}
	*state = f;
	return 0;
}

static void
fs_close(void *state)
{
	struct fs *f = state;

	if (f)
		free(f->dir);
	free(f);
}

/* Whether text[0..len) is one run (parsed and dropped). */
static int
check_run(const char *text, size_t len, const char *name, cstat_run **keep,
	  struct cstat_diag *d)
{
	cstat_run *r = NULL;
	int rc = cstat__store_parse(text, len, name, 0, &r, d);

	if (keep && !rc)
		*keep = r;
	else
		cstat_run_free(r);
	return rc;
}

static int
fs_baseline_save(void *state, const char *name, const char *text, size_t len,
		 struct cstat_diag *d)
{
	char *path = path_of(state, "baselines", name);
	int rc = path ? check_run(text, len, name, NULL, d) : CSTAT_ENOMEM;

	rc = rc ? rc : make_dirs(state, "baselines", d);
	rc = rc ? rc : cstat__store_replace(path, text, len, d);
	free(path);
	return rc;
}

/* The bytes of file name in folder dir of the store (a baseline, a
 * history), as read_all() reads them. */
static int
read_named(void *state, const char *dir, const char *name, char **bytes,
	   size_t *len, struct cstat_diag *d)
{
	char *path = path_of(state, dir, name);
	int rc = path ? read_all(path, bytes, len, d) : CSTAT_ENOMEM;

	free(path);
	return rc;
}

static int
fs_baseline_load(void *state, const char *name, char **text, size_t *len,
		 struct cstat_diag *d)
{
	return read_named(state, "baselines", name, text, len, d);
}

static int
fs_baseline_remove(void *state, const char *name, struct cstat_diag *d)
{
	char *path = path_of(state, "baselines", name);
	int rc = 0;

	if (!path)
		return CSTAT_ENOMEM;
	if (unlink(path) != 0)
		rc = fs_error(d, errno == ENOENT ? CSTAT_ENOENT : CSTAT_EIO,
			      "rm", path);
	free(path);
	return rc;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
fs_list(void *state, const char *kind, char ***names, size_t *n,
	struct cstat_diag *d)
{
	const struct fs *f = state;
	const char *sub =
		strcmp(kind, "baseline") == 0 ? "baselines" : "history";
	const char *ext = ext_of(sub);
	size_t el = strlen(ext), cap = 0, dl = strlen(f->dir) + 16;
	char *dir = malloc(dl);
	DIR *dp;
	struct dirent *e;
	int rc = 0;

	(void)d;
	*names = NULL;
	*n = 0;
	if (!dir)
		return CSTAT_ENOMEM;
	snprintf(dir, dl, "%s/%s", f->dir, sub);
	dp = opendir(dir);
	free(dir);
	while (dp && !rc && (e = readdir(dp)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l <= el || e->d_name[0] == '.' ||
		    strcmp(e->d_name + l - el, ext) != 0)
			continue;
		if (*n == cap) {
			char **nv = realloc(*names, (cap = 2 * cap + 16) *
							    sizeof(**names));
			if (!nv) {
				rc = CSTAT_ENOMEM;
				break;
			}
			*names = nv;
		}
		if (!((*names)[*n] = strndup(e->d_name, l - el)))
			rc = CSTAT_ENOMEM;
		else
			(*n)++;
	}
	if (dp)
		closedir(dp);
	if (rc) {
		for (size_t i = 0; i < *n; i++)
			free((*names)[i]);
		free(*names);
		*names = NULL;
		*n = 0;
	} else if (*n) {
		qsort(*names, *n, sizeof(**names), cmp_names);
	}
	return rc;
}

static int
fs_history_append(void *state, const char *name, const char *line, size_t len,
		  bool *added, struct cstat_diag *d)
{
	char *path = path_of(state, "history", name);
	cstat_run *r = NULL;
	int rc = path ? check_run(line, len, name, &r, d) : CSTAT_ENOMEM;

	if (added)
		*added = false;
	rc = rc ? rc : make_dirs(state, "history", d);
	/* The id is checked under the append's lock (a run recorded by
	 * two processes at once goes in once). */
	if (!rc)
		rc = cstat__run_append_new(r, path, true, added, d);
	cstat_run_free(r);
	free(path);
	return rc;
}

static int
fs_history_read(void *state, const char *name, char **bytes, size_t *len,
		struct cstat_diag *d)
{
	return read_named(state, "history", name, bytes, len, d);
}

static int
fs_history_prune(void *state, const char *name, size_t keep, size_t *removed,
		 struct cstat_diag *d)
{
	char *path = path_of(state, "history", name);
	struct stat st;
	int rc = 0;

	if (!path)
		return CSTAT_ENOMEM;
	if (lstat(path, &st) == 0)
		rc = cstat_history_prune(path, keep, removed, d);
	free(path);
	return rc;
}

static int
fs_history_replace(void *state, const char *name, const char *bytes, size_t len,
		   struct cstat_diag *d)
{
	char *path = path_of(state, "history", name);
	int rc = path ? 0 : CSTAT_ENOMEM, lock;

	/* Every line must be a run before anything is written. */
	for (size_t at = 0; !rc && at < len;) {
		const char *nl = memchr(bytes + at, '\n', len - at);
		size_t n = nl ? (size_t)(nl - (bytes + at)) : len - at;
		if (n && strspn(bytes + at, " \t\r") < n)
			rc = check_run(bytes + at, n, name, NULL, d);
		at += n + 1;
	}
	rc = rc ? rc : make_dirs(state, "history", d);
	if (!rc && (lock = cstat__store_lock(path, d)) < 0)
		rc = lock;
	if (!rc) {
		rc = cstat__store_replace(path, bytes, len, d);
		close(lock);
	}
	free(path);
	return rc;
}

/* The merge under the history's lock, as cstat_history_merge() does it
 * with a file (the bytes are read as another store's, fully). */
static int
fs_history_merge(void *state, const char *name, const char *bytes, size_t len,
		 size_t *added, size_t *total, struct cstat_diag *d)
{
	char *path = path_of(state, "history", name), *ours = NULL, *out = NULL;
	size_t olen = 0, outlen = 0;
	int lock = 0, rc = path ? make_dirs(state, "history", d) : CSTAT_ENOMEM;

	if (!rc && (lock = cstat__store_lock(path, d)) < 0)
		rc = lock;
	if (!rc) {
		rc = cstat__store_slurp(path, &ours, &olen, d);
		bool exists = rc != CSTAT_ENOENT;
		rc = exists ? rc : 0;
		if (!rc)
			rc = cstat__history_merge_text(
				ours, olen, path, bytes, len, name, &out,
				&outlen, added, total, NULL, NULL, d);
		if (!rc && (exists || outlen) &&
		    (outlen != olen || (outlen && memcmp(out, ours, olen))))
			rc = cstat__store_replace(path, out ? out : "", outlen,
						  d);
		close(lock);
	}
	free(out);
	free(ours);
	free(path);
	return rc;
}

const struct cstat__stores_ops cstat__stores_file = {
	.scheme = "file",
	.open = fs_open,
	.close = fs_close,
	.baseline_save = fs_baseline_save,
	.baseline_load = fs_baseline_load,
	.baseline_remove = fs_baseline_remove,
	.list = fs_list,
	.describe = NULL, /* list reads each file */
	.history_append = fs_history_append,
	.history_read = fs_history_read,
	.history_prune = fs_history_prune,
	.history_replace = fs_history_replace,
	.history_merge = fs_history_merge,
};
