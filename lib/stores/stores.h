/*
 * stores.h - where cbaseline keeps baselines and histories, one file per
 * kind of store in this folder, each behind one small table of functions.
 *
 * A store holds named baselines (one run each, as the pretty-printed
 * cstat-run/1 JSON a baseline file holds) and named histories (runs in
 * the order they were recorded, each the one-line cstat-run/1 record a
 * history file holds).  Every store hands back the exact bytes the file
 * store would hold for the same runs, so the readers, the history reports
 * and every output stay byte-identical whatever the store.
 *
 * The store is chosen by its location (cstat__stores_pick()):
 * "postgresql://" and "postgres://" URIs and libpq "key=value" strings
 * are PostgreSQL (postgresql.c); anything else is a directory (file.c).
 *
 * Adding a store: a file here with its struct cstat__stores_ops, a line in
 * stores.c's cstat__stores_pick(), a section in docs/cbaseline.md.
 */
#ifndef CSTAT_STORES_H
#define CSTAT_STORES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cstat.h"

/*
 * Which rows a store holds for a history (history_ident()): enough to
 * tell a copy that is current, one that only lacks runs appended since,
 * and one the store no longer matches (cstat_store_history_cache()).
 * Positions are the store's own order of runs (a database's sequence
 * numbers): a run recorded later has a higher one.
 */
struct cstat__store_ident {
	char store[24];	     /* the store itself (a database's oid) */
	char history[24];    /* the history's row */
	int64_t runs;	     /* how many runs it has */
	int64_t first, last; /* the lowest and highest position; 0, 0: none */
	char first_hash[33], last_hash[33]; /* of those runs' records */
};

/*
 * A kind of store.  Every function returns 0 or a CSTAT_E* code with d
 * saying why (never a password: see cstat_store_redact()).  Names and
 * pointers are checked by the caller (stores.c's cstat_store_*()), and d
 * may be NULL.  Buffers handed back are malloc'd; the caller frees them.
 */
struct cstat__stores_ops {
	const char *scheme; /* "postgresql" */
	/* Opens the store at location for project (NULL: "default"),
	 * making or migrating its layout when it has to. */
	int (*open)(void **state, const char *location, const char *project,
		    struct cstat_diag *d);
	/* Closes the store; NULL is a harmless no-op. */
	void (*close)(void *state);
	/* Saves text[0..len) (a baseline file's bytes) as baseline name,
	 * replacing an older one. */
	int (*baseline_save)(void *state, const char *name, const char *text,
			     size_t len, struct cstat_diag *d);
	/* The bytes of baseline name (CSTAT_ENOENT when there is none). */
	int (*baseline_load)(void *state, const char *name, char **text,
			     size_t *len, struct cstat_diag *d);
	/* Removes baseline name (CSTAT_ENOENT when there is none). */
	int (*baseline_remove)(void *state, const char *name,
			       struct cstat_diag *d);
	/* The names of the store's baselines (kind "baseline") or
	 * histories ("history"), sorted bytewise; free each and the array. */
	int (*list)(void *state, const char *kind, char ***names, size_t *n,
		    struct cstat_diag *d);
	/* Every baseline (kind "baseline") or history ("history") of the
	 * store as list shows it (struct cstat_store_entry: a baseline's
	 * values, "created" and "commit"; a history's runs and its last
	 * run's "created"), sorted bytewise by name, in one query.  NULL:
	 * the store cannot, and list reads each. */
	int (*describe)(void *state, const char *kind,
			struct cstat_store_entry **e, size_t *n,
			struct cstat_diag *d);
	/* Appends the record line[0..len) (a history file's line, without
	 * its newline) to history name (made if missing) in one step that
	 * either lands whole or not at all; *added (may be NULL) is false
	 * when a run with its id was there already (nothing is stored). */
	int (*history_append)(void *state, const char *name, const char *line,
			      size_t len, bool *added, struct cstat_diag *d);
	/* History name as the bytes of its history file: each record and a
	 * newline, oldest first (CSTAT_ENOENT when there is none). */
	int (*history_read)(void *state, const char *name, char **bytes,
			    size_t *len, struct cstat_diag *d);
	/* The last keep runs of history name (all of them when it has
	 * fewer) as history_read() hands them back.  NULL: the store
	 * reads the whole history. */
	int (*history_tail)(void *state, const char *name, size_t keep,
			    char **bytes, size_t *len, struct cstat_diag *d);
	/* History name cut to the series of benchmark bench (named bench,
	 * or starting bench + "/" or bench + "-"): every run, oldest first,
	 * its record holding only those series, one line each (the same
	 * runs and values as the stored records, not their bytes).  NULL:
	 * the store cannot select, and the whole history is read. */
	int (*history_series)(void *state, const char *name, const char *bench,
			      char **bytes, size_t *len, struct cstat_diag *d);
	/* History name cut to benchmark bench's series (as history_series
	 * selects them) read straight into tables and runs, as
	 * cstat_history_read() reads history_series()'s bytes with opts
	 * and confidence.  NULL: the store cannot. */
	int (*history_tables)(void *state, const char *name, const char *bench,
			      const struct cstat_builder_opts *opts,
			      double confidence, cstat_tables **t,
			      cstat_run ***runs, size_t *n,
			      struct cstat_diag *d);
	/* Keeps the last keep runs of history name; *removed (may be
	 * NULL) gets how many went. */
	int (*history_prune)(void *state, const char *name, size_t keep,
			     size_t *removed, struct cstat_diag *d);
	/* Replaces history name by the records of bytes[0..len) (lines of
	 * a history file, as a merge made them), all or nothing. */
	int (*history_replace)(void *state, const char *name, const char *bytes,
			       size_t len, struct cstat_diag *d);
	/* Merges the history lines bytes[0..len) into history name (made
	 * if missing), the read and the write one step that no record
	 * comes in between (cstat_store_merge()). */
	int (*history_merge)(void *state, const char *name, const char *bytes,
			     size_t len, size_t *added, size_t *total,
			     struct cstat_diag *d);
	/* What history name holds now, in one statement (CSTAT_ENOENT
	 * when there is none).  NULL: the store cannot say, and nothing is
	 * cached (a directory is read where it is). */
	int (*history_ident)(void *state, const char *name,
			     struct cstat__store_ident *id,
			     struct cstat_diag *d);
	/* The records of the history id names whose positions are in
	 * (after, id->last], oldest first, as history_read() hands them
	 * back; *runs gets how many. */
	int (*history_range)(void *state, const struct cstat__store_ident *id,
			     int64_t after, char **bytes, size_t *len,
			     size_t *runs, struct cstat_diag *d);
};

/* An open store (cstat_store_open()): its kind and that kind's state. */
struct cstat_store {
	const struct cstat__stores_ops *ops;
	void *state;
};

extern const struct cstat__stores_ops cstat__stores_postgresql;
extern const struct cstat__stores_ops cstat__stores_file;

/*
 * The kind of store location names: PostgreSQL for a postgresql:// or
 * postgres:// URI or a libpq key=value string, else a directory; NULL
 * for a NULL or empty location.
 */
const struct cstat__stores_ops *cstat__stores_pick(const char *location);

/* Whether name is one a store directory takes as a file name of its own:
 * letters, digits, '.', '_' and '-', not starting with '.' or '-', at
 * most 200. */
bool cstat__stores_valid_name(const char *name);

/* The public functions (cstat_store_*(), cstat.h) are stores.c's thin
 * wrappers over the table of the store's kind. */

#endif
