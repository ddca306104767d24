/*
 * store-util.c - store names, history loading and messages shared by
 * cbaseline's commands (store-util.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "store-util.h"

#define PROG "cbaseline"

bool
store_valid_name(const char *name)
{
	if (!*name || name[0] == '.' || name[0] == '-' || strlen(name) > 200)
		return false;
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '_' ||
		      *p == '-'))
			return false;
	return true;
}

int
store_report_format(const char *cmd, const char *name, enum cstat_format *fmt)
{
	if (!name)
		*fmt = CSTAT_FORMAT_TEXT;
	else if (cstat_format_parse(name, fmt) ||
		 (*fmt != CSTAT_FORMAT_TEXT && *fmt != CSTAT_FORMAT_MARKDOWN &&
		  *fmt != CSTAT_FORMAT_JSON)) {
		fprintf(stderr,
			"%s %s: unknown format \"%s\" (want text, markdown or "
			"json)\n",
			PROG, cmd, name);
		return 2;
	}
	return 0;
}

void
store_print_diag(const struct cstat_diag *d)
{
	cli_print_diag(PROG, d);
}

void
store_print_error(int rc, const struct cstat_diag *d)
{
	cli_print_error(PROG, rc, d);
}

void
store_warn_diag(void *ctx, const struct cstat_diag *d)
{
	char msg[1024];

	(void)ctx;
	cstat_diag_format(d, msg, sizeof(msg));
	fprintf(stderr, "%s: warning: %s\n", PROG, msg);
}

int
store_refuse_link(const char *path)
{
	struct stat st;

	if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
		return 0;
	fprintf(stderr,
		"%s: %s is a symbolic link; a store never follows links "
		"(remove it)\n",
		PROG, path);
	return 2;
}

int
store_check_dirs(const char *dir, const char *kind)
{
	char *path = malloc(strlen(dir) + strlen(kind) + 2);
	int rc;

	if (!path) {
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(CSTAT_ENOMEM));
		return 2;
	}
	sprintf(path, "%s/%s", dir, kind);
	rc = store_refuse_link(dir);
	if (!rc)
		rc = store_refuse_link(path);
	free(path);
	return rc;
}

int
store_make_dirs(const char *dir, const char *kind)
{
	char path[4096];

	if (mkdir(dir, 0755) && errno != EEXIST) {
		fprintf(stderr, "%s: mkdir %s: %s\n", PROG, dir,
			strerror(errno));
		return 2;
	}
	/* Each level checked before the next is made in it. */
	if (store_refuse_link(dir))
		return 2;
	snprintf(path, sizeof(path), "%s/%s", dir, kind);
	if (mkdir(path, 0755) && errno != EEXIST) {
		fprintf(stderr, "%s: mkdir %s: %s\n", PROG, path,
			strerror(errno));
		return 2;
	}
	return store_refuse_link(path);
}

/* The path of history name in dir (malloc'd), or NULL after saying why. */
static char *
history_path(const char *dir, const char *name)
{
	char *path;

	if (!store_valid_name(name)) {
		fprintf(stderr, "%s: bad history name \"%s\"\n", PROG, name);
		return NULL;
	}
	path = malloc(strlen(dir) + strlen(name) + sizeof("/history/.jsonl"));
	if (!path) {
		fprintf(stderr, "%s: %s\n", PROG, cstat_strerror(CSTAT_ENOMEM));
		return NULL;
	}
	sprintf(path, "%s/history/%s.jsonl", dir, name);
	if (store_check_dirs(dir, "history")) {
		free(path);
		return NULL;
	}
	return path;
}

/*
 * The path of history name's snapshot (malloc'd): DIR/cache/NAME.snapshot,
 * making the folder, with a .gitignore that keeps it out of a store kept
 * in git (it is derived, and only valid for the file it was made from).
 * NULL when there is no folder to be had (a read-only store): the history
 * is then read without one.  *rc is 2 after saying why a link is refused.
 */
static char *
snapshot_path(const char *dir, const char *name, int *rc)
{
	char *path = malloc(strlen(dir) + strlen(name) + 32);
	struct stat st;

	*rc = 0;
	if (!path)
		return NULL;
	sprintf(path, "%s/cache", dir);
	if ((*rc = store_refuse_link(path)) != 0) {
		free(path);
		return NULL;
	}
	if (lstat(path, &st) != 0) {
		if (mkdir(path, 0755) != 0) {
			free(path);
			return NULL;
		}
		strcat(path, "/.gitignore");
		FILE *f = fopen(path, "wx");
		if (f) {
			fputs("# Snapshots of the histories, made by cbaseline "
			      "to read them faster.\n*\n",
			      f);
			fclose(f);
		}
	} else if (!S_ISDIR(st.st_mode)) {
		free(path);
		return NULL;
	}
	sprintf(path, "%s/cache/%s.snapshot", dir, name);
	return path;
}

/* store_set_tables()'s source: the tool's one store, for its one
 * command. */
static store_tables_fn tables_fn;
static void *tables_ctx;

void
store_set_tables(store_tables_fn fn, void *ctx)
{
	tables_fn = fn;
	tables_ctx = ctx;
}

/* store_set_describe()'s and store_set_prune()'s sources, as above. */
static store_describe_fn describe_fn;
static void *describe_ctx;
static store_prune_fn prune_fn;
static void *prune_ctx;

void
store_set_describe(store_describe_fn fn, void *ctx)
{
	describe_fn = fn;
	describe_ctx = ctx;
}

int
store_describe(struct cstat_store_entry *e)
{
	return describe_fn ? describe_fn(describe_ctx, e) : 1;
}

void
store_set_prune(store_prune_fn fn, void *ctx)
{
	prune_fn = fn;
	prune_ctx = ctx;
}

int
store_prune(const char *path, const char *name, size_t keep, size_t *removed,
	    struct cstat_diag *d)
{
	int rc = prune_fn ? prune_fn(prune_ctx, name, keep, removed, d) : 1;

	return rc == 1 ? cstat_history_prune(path, keep, removed, d) : rc;
}

/* A history that has no runs is an error (2, said), after freeing. */
static int
no_runs(const char *name, cstat_tables *t, cstat_run **runs, size_t n)
{
	if (n)
		return 0;
	fprintf(stderr, "%s: history %s has no runs\n", PROG, name);
	cstat_tables_free(t);
	cstat_history_free(runs, n);
	return 2;
}

int
store_read_history(const char *dir, const char *name, const char *filter,
		   cstat_tables **t, cstat_run ***runs, size_t *n)
{
	struct cstat_diag d;
	char *path, *snap;
	int rc =
		tables_fn ? tables_fn(tables_ctx, name, filter, t, runs, n) : 1;

	if (rc != 1)
		return rc ? rc : no_runs(name, *t, *runs, *n);
	path = history_path(dir, name);
	if (!path)
		return 2;
	snap = snapshot_path(dir, name, &rc);
	if (rc) {
		free(path);
		return rc;
	}
	memset(&d, 0, sizeof(d));
	/* A filtered read has snapshots of its own, one per filter, in
	 * DIR/cache/NAME.filters (the snapshot of every benchmark is built
	 * without the filter). */
	if (filter && snap)
		strcpy(snap + strlen(snap) - strlen(".snapshot"), ".filters");
	rc = filter ? cstat_history_read_filtered(path, snap, filter, 0.95, t,
						  runs, n, store_warn_diag,
						  NULL, &d, NULL)
		    : cstat_history_read_cached(path, snap, 0.95, t, runs, n,
						store_warn_diag, NULL, &d,
						NULL);
	if (rc)
		store_print_error(rc, &d); /* d.file is path */
	free(path);
	free(snap);
	if (rc)
		return 2;
	return no_runs(name, *t, *runs, *n);
}

int
store_load_history(const char *dir, const char *name, cstat_run ***runs,
		   size_t *n)
{
	struct cstat_diag d;
	char *path = history_path(dir, name);
	int rc;

	if (!path)
		return 2;
	memset(&d, 0, sizeof(d));
	rc = cstat_history_load(path, runs, n, store_warn_diag, NULL, &d);
	if (rc)
		store_print_error(rc, &d); /* d.file is path */
	free(path);
	if (rc)
		return 2;
	if (*n == 0) {
		fprintf(stderr, "%s: history %s has no runs\n", PROG, name);
		cstat_history_free(*runs, *n);
		return 2;
	}
	return 0;
}
