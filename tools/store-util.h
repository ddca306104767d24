/*
 * store-util.h - what cbaseline's commands share about the store: names,
 * paths, loading a history, and printing the library's diagnostics.
 */
#ifndef CSTAT_TOOLS_STORE_UTIL_H
#define CSTAT_TOOLS_STORE_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "cstat.h"

/* Whether name is a store name: letters, digits, '.', '_' and '-', not
 * starting with '.' or '-' (a flag), at most 200 bytes (a file name of its
 * own). */
bool store_valid_name(const char *name);

/*
 * The report format -format name asks of history, detect or list: text
 * (also for NULL), markdown or json.  @return 0, or 2 after saying what
 * is wrong.
 */
int store_report_format(const char *cmd, const char *name,
			enum cstat_format *fmt);

/* Prints d to stderr as "file:line:col: message" or "cbaseline: message". */
void store_print_diag(const struct cstat_diag *d);
/* Prints error rc: d when there is one (and rc is not CSTAT_ENOMEM). */
void store_print_error(int rc, const struct cstat_diag *d);
/* A cstat_history_load() warning callback: "cbaseline: warning: ...". */
void store_warn_diag(void *ctx, const struct cstat_diag *d);

/*
 * Loads history name of the store at dir (dir/history/NAME.jsonl) into
 * *runs and *n; free with cstat_history_free().
 * @return 0, or 2 after printing why (a bad name, an unreadable or
 *         corrupt file, no runs).
 */
/*
 * Refuses path, an entry of a store, when it is a symbolic link: a store
 * may be committed to a repository, and a link in it would make cbaseline
 * read or write a file outside it.  A path that does not exist is fine.
 * @return 0, or 2 after saying so.
 */
int store_refuse_link(const char *path);

/*
 * Refuses a store whose directory, or its folder kind ("baselines",
 * "history"), is a symbolic link.  @return 0, or 2 after saying so.
 */
int store_check_dirs(const char *dir, const char *kind);
/* Makes dir and dir/kind when missing, refusing links at either: 0, or 2
 * after saying why. */
int store_make_dirs(const char *dir, const char *kind);

int store_load_history(const char *dir, const char *name, cstat_run ***runs,
		       size_t *n);
/*
 * History name of the store at dir read as tables with a column per run
 * (cstat_history_read(): streamed, runs without their values), only the
 * benchmarks filter keeps (cstat's -filter; NULL: all, through the
 * history's snapshot).
 * @return 0, or 2 after saying why (also for a history without runs).
 */
int store_read_history(const char *dir, const char *name, const char *filter,
		       cstat_tables **t, cstat_run ***runs, size_t *n);
/*
 * Where store_read_history() looks first (cbaseline-db.c: a database's
 * series tables): fn returns 0 with the tables read, 1 when it does not
 * hold that history with that filter (the directory is read), or 2
 * after saying why.  NULL fn: the directory only.
 */
typedef int (*store_tables_fn)(void *ctx, const char *name, const char *filter,
			       cstat_tables **t, cstat_run ***runs, size_t *n);
void store_set_tables(store_tables_fn fn, void *ctx);

/*
 * Where list's describe() looks first (cbaseline-db.c: what a database
 * read in one query): fn fills e (kind and name set; the strings it sets
 * malloc'd) and returns 0, or returns 1 when it does not hold that entry
 * (the file is read).  NULL fn: the files only.  store_describe() asks it:
 * 0 when e was filled, else 1.
 */
typedef int (*store_describe_fn)(void *ctx, struct cstat_store_entry *e);
void store_set_describe(store_describe_fn fn, void *ctx);
int store_describe(struct cstat_store_entry *e);

/*
 * Where prune prunes (cbaseline-db.c: in the database, without reading
 * the history): fn returns as cstat_history_prune() does, or 1 when it
 * does not hold history name (the file at path is pruned).  NULL fn: the
 * file.  store_prune() prunes history name at path through it, returning
 * as cstat_history_prune().
 */
typedef int (*store_prune_fn)(void *ctx, const char *name, size_t keep,
			      size_t *removed, struct cstat_diag *d);
void store_set_prune(store_prune_fn fn, void *ctx);
int store_prune(const char *path, const char *name, size_t keep,
		size_t *removed, struct cstat_diag *d);

#endif /* CSTAT_TOOLS_STORE_UTIL_H */
