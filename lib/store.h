/*
 * store.h - cstat's own result files (baselines and histories), internal
 * side: what the reader needs to read them as inputs.
 */
#ifndef CSTAT_STORE_H
#define CSTAT_STORE_H

#include "cstat-private.h"

/* The schema of runs that this cstat writes and reads. */
#define CSTAT__RUN_SCHEMA "cstat-run/1"

/* A run id's size: 32 hex digits and the NUL. */
#define CSTAT__RUN_ID_SIZE 33

/*
 * A new random run id in out: 128 bits from /dev/urandom in hex (without
 * it, the time, process id and addresses such as seed's, mixed).  No state
 * is kept between calls.
 */
void cstat__run_random_id(char out[CSTAT__RUN_ID_SIZE], const void *seed);

/* Whether id may be set as a run's id: 1 to 128 letters, digits, '.',
 * '_', ':', '+' or '-'. */
bool cstat__run_id_ok(const char *id);

/*
 * The store's file primitives, for store-merge.c: a whole file read
 * (never through a link); one run parsed (store-json.c); a file replaced
 * atomically; a history's lock taken (its descriptor; close() releases
 * it).  The others are store-write.c's.
 */
int cstat__store_slurp(const char *path, char **data, size_t *len,
		       struct cstat_diag *d);
int cstat__store_parse(const char *data, size_t len, const char *file,
		       unsigned long line, cstat_run **out,
		       struct cstat_diag *d);
int cstat__store_replace(const char *path, const char *data, size_t len,
			 struct cstat_diag *d);
int cstat__store_lock(const char *path, struct cstat_diag *d);

/*
 * If the len bytes at data are a cstat run file (a baseline, or a history
 * whose last complete record is used), converts them into Go benchmark
 * text in *text (malloc'd, *tlen bytes).
 * @return 1 when converted; 0 when data is not a cstat run file (read it
 *         as text); CSTAT_EFORMAT (d says why: a corrupt file, a newer
 *         schema) or CSTAT_ENOMEM.
 */
int cstat__store_sniff(const char *data, size_t len, const char *file,
		       char **text, size_t *tlen, struct cstat_diag *d);

/* Parses a history's text into runs; see cstat_history_load(). */
int cstat__history_parse(const char *data, size_t len, const char *file,
			 cstat_run ***runs, size_t *nruns,
			 void (*warn)(void *ctx, const struct cstat_diag *d),
			 void *ctx, struct cstat_diag *d);

/*
 * Whether runs[0..n) can be read: runs is NULL only when n is 0, and no
 * element is NULL.
 */
bool cstat__runs_ok(cstat_run *const *runs, size_t n);

/*
 * For reading a history record by record (history-read.c).
 *
 * Opens a file of the store with flags, never through a link: the
 * descriptor, or an error with d set.
 */
int cstat__store_open(const char *path, int flags, struct cstat_diag *d);
/*
 * Whether a history record that failed to read with rc is one cut short
 * by a crash (no newline after it, or not JSON at all) rather than an
 * error: then *rd says so for file and line, warn (may be NULL) is told,
 * and the reader skips it.  complete: a newline ended the record.
 */
bool cstat__cut_short(int rc, bool complete, struct cstat_diag *rd,
		      const char *file, unsigned long line,
		      void (*warn)(void *ctx, const struct cstat_diag *d),
		      void *ctx);
/*
 * cstat_run_append(), and with once, nothing when the history at path
 * already has a record of r's id: the check and the append under the
 * history's lock.  *added (may be NULL) says whether r went in.
 */
int cstat__run_append_new(const cstat_run *r, const char *path, bool once,
			  bool *added, struct cstat_diag *d);
/*
 * The history text ours[0..olen) (of path, ours: read lightly) merged
 * with theirs[0..tlen) (of from) as cstat_history_merge() merges two
 * files: *changed says whether the result differs from ours, and only
 * then is it in *out (malloc'd, *outlen bytes; else NULL); *added and
 * *total as there.
 */
int cstat__history_merge_text(const char *ours, size_t olen, const char *path,
			      const char *theirs, size_t tlen, const char *from,
			      char **out, size_t *outlen, bool *changed,
			      size_t *added, size_t *total,
			      void (*warn)(void *ctx,
					   const struct cstat_diag *d),
			      void *ctx, struct cstat_diag *d);
/*
 * The same merge, the history file path (its lock held, ours its bytes)
 * replaced by the result when it differs, written record by record.
 */
int cstat__history_merge_file(const char *ours, size_t olen, const char *path,
			      const char *theirs, size_t tlen, const char *from,
			      size_t *added, size_t *total,
			      void (*warn)(void *ctx,
					   const struct cstat_diag *d),
			      void *ctx, struct cstat_diag *d);
/*
 * A history's lines judged as cstat_history_load() judges them, without
 * parsing every record (history-scan.c): cstat__hscan_lines() takes the
 * whole lines of s[0..len) (the file's bytes from offset off; with eof,
 * the last one without its newline too) and *used says how many bytes
 * they were.  Blank lines are skipped, stubs told to warn and counted,
 * each record handed to record (may be NULL: its offset and length, the
 * newline not included), and a record of an unknown schema is the error
 * the full reading gives (d names file and line).  last is the last
 * record parsed, when it had to be (else NULL: last_off and last_len say
 * where it is); cstat__hscan_done() frees it.
 */
struct cstat__hscan {
	const char *path;
	void (*warn)(void *ctx, const struct cstat_diag *d);
	void *ctx;
	int (*record)(void *ctx, uint64_t off, size_t len);
	void *record_ctx;
	unsigned long lines, last_line;
	size_t records, skipped, last_len;
	uint64_t last_off;
	cstat_run *last;
};
void cstat__hscan_init(struct cstat__hscan *h, const char *path,
		       void (*warn)(void *ctx, const struct cstat_diag *d),
		       void *ctx);
int cstat__hscan_lines(struct cstat__hscan *h, const char *s, size_t len,
		       uint64_t off, bool eof, size_t *used,
		       struct cstat_diag *d);
/* cstat__hscan_lines() over the file open at fd, from where it stands to
 * its end, read in large blocks. */
int cstat__hscan_fd(struct cstat__hscan *h, int fd, struct cstat_diag *d);
/* The last record of the file open at fd as a run in h->last: kept from
 * the pass, or read back and parsed in full (an error is the full
 * reading's error for that line). */
int cstat__hscan_last(struct cstat__hscan *h, int fd, struct cstat_diag *d);
void cstat__hscan_done(struct cstat__hscan *h);
/*
 * cstat_history_describe() from the snapshot at cache, when it was made
 * from the history open at fd as it is now (history-snap.c): true with
 * info set (its warnings told to warn), false when it is not.
 */
bool cstat__snap_describe(const char *path, int fd, const char *cache,
			  struct cstat_history_info *info,
			  void (*warn)(void *ctx, const struct cstat_diag *d),
			  void *ctx);
/*
 * A store's tables (cstat_store_history_tables_cached()) kept in the
 * folder dir (history-snap.c), under key, a text saying which read and
 * which rows they are, compared whole; the file is named by a hash of its
 * first named bytes (the read), so a read of rows that changed replaces
 * it.  As a filtered read's snapshots are, and under their bound: load
 * answers whether *t, *runs and *nruns are set from it; save returns 0
 * or an error (nothing left behind).
 */
bool cstat__snap_load_keyed(const char *dir, const char *key, size_t named,
			    char **was, cstat_tables **t, cstat_run ***runs,
			    size_t *nruns);
/*
 * With was not NULL, load takes instead the tables kept for the same read
 * (the first named bytes) of other rows than key's, and *was gets the key
 * they were kept under (malloc'd).  join_records then joins to such
 * tables t (built of before runs, *nruns of them) the runs of the history
 * records fd holds from where it stands (the runs recorded since), read
 * with opts and confidence as the file store reads records appended to
 * its snapshot's history (history-snap.c's read_appended()): 0 with *runs
 * and *nruns grown, or nonzero when that join is not what building the
 * whole would make (a new benchmark, table or Unit metadata, a warning)
 * or fails, t and *runs then to be thrown away.
 */
int cstat__snap_join_records(int fd, unsigned long before,
			     const struct cstat_builder_opts *opts,
			     double confidence, cstat_tables *t,
			     cstat_run ***runs, size_t *nruns);
int cstat__snap_save_keyed(const char *dir, const char *key, size_t named,
			   cstat_run *const *runs, size_t nruns,
			   const cstat_tables *t);
/* Writes len bytes at p to fd whole (again after EINTR): 0, or -1 with
 * errno set. */
int cstat__write_all(int fd, const char *p, size_t len);
/*
 * What identifies the open regular file fd's contents without reading
 * them (history-snap.c): its stat (size, inode, modification time) and a
 * hash of its last 4 KiB, which a snapshot and the cache on the client
 * (stores/cache.c) both check.  @return 0, or -1 when fd is not a
 * regular file or cannot be read.
 */
struct stat;
int cstat__file_identity(int fd, struct stat *st, uint64_t *tail_hash);
/*
 * Creates a temporary file of our own beside path (path.tmp.PID, O_EXCL,
 * never through a link; leftovers of dead processes removed) for a file
 * to be renamed over path: the descriptor, with *tmp its name (malloc'd),
 * or an error with d set.
 */
int cstat__store_create_tmp(const char *path, char **tmp, struct cstat_diag *d);
/* The entries of run r's list ('m' metadata, 'e' environment, 'u' Unit
 * metadata, as cstat__run_put() takes them), in order. */
size_t cstat__run_nkv(const cstat_run *r, char list);
void cstat__run_kv(const cstat_run *r, char list, size_t i, const char **key,
		   const char **value);
/*
 * cstat_history_read() with opts (NULL: cstat's defaults) of the history
 * open at fd, from where fd stands to its end: line numbers count on from
 * line0 (*lines gets the last), runs are labelled from nseed + 1, and the
 * Unit metadata of seed[0..nseed) (the runs before fd's position) goes to
 * the reader first, as a read of the whole file would have: a filter
 * (opts->filter, on .file too) keeps what it keeps there.  path names the
 * file in messages.  For history-snap.c.
 */
int cstat__history_read_fd(const char *path, int fd, unsigned long line0,
			   cstat_run *const *seed, size_t nseed,
			   const struct cstat_builder_opts *opts,
			   double confidence, cstat_tables **t,
			   cstat_run ***runs, size_t *nruns,
			   unsigned long *lines,
			   void (*warn)(void *ctx, const struct cstat_diag *d),
			   void *ctx, struct cstat_diag *d);
/*
 * Filling a run as its reader does (history-read.c): the group of a
 * configuration, made if new; the benchmark of a name in a group, made if
 * new; a value appended to a benchmark's unit.  Each returns 0 or
 * CSTAT_ENOMEM.
 */
struct run_group;
struct run_bench;
int cstat__run_group(cstat_run *r, const struct cstat_config *conf, size_t n,
		     struct run_group **g);
int cstat__run_bench(struct run_group *g, const char *name, size_t len,
		     struct run_bench **b);
int cstat__run_value(struct run_bench *b, const char *unit, double v);

/*
 * Parses a run of len bytes at data (changed in place) with the small
 * parser of history-read.c, values and all.
 * @return 1 with *out set; 0 when the run is not one it takes on (read it
 *         with cJSON); CSTAT_ENOMEM.
 */
int cstat__run_parse_small(char *data, size_t len, cstat_run **out);
/* Parses one record of len bytes with cJSON; line is where it starts. */
int cstat__run_parse(const char *data, size_t len, const char *file,
		     unsigned long line, cstat_run **out, struct cstat_diag *d);
/* Adds r's results to b as the input labelled label (the history's
 * column), as cstat_history_build() does; *version counts groups. */
int cstat__run_add(cstat_builder *b, cstat_reader *rd, const cstat_run *r,
		   const char *label, unsigned long *version,
		   struct cstat_diag *d);
/*
 * Hands r's Unit metadata to rd (cstat__reader_add_unit_meta()), as
 * cstat__run_add() does first.
 * @return 0; CSTAT_ESYNTAX when r gives a unit's key another value than
 *         a run before it (d: "run LABEL: metadata KEY of unit UNIT
 *         already set to VALUE", without a file); CSTAT_ENOMEM.
 */
int cstat__run_add_units(cstat_reader *rd, const cstat_run *r,
			 const char *label, struct cstat_diag *d);
/*
 * Sets key to value in one of r's lists, as a record's reader does (no
 * checks): list 'm' the metadata ("name", "created", "commit", "branch",
 * "meta.KEY"), 'e' the environment, 'u' the Unit metadata ("unit\tkey").
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__run_put(cstat_run *r, char list, const char *key, const char *value);
/*
 * Runs read together (a history's, a snapshot's): their structs, key
 * lists and texts taken from one arena instead of a malloc() each and
 * freed at once.  The reader holds one reference and each run made in it
 * (cstat__run_alloc_text()) another; cstat_run_free() of the last run or
 * cstat__runs_arena_drop() of the reader's, whichever comes last, frees
 * it: runs may be freed one by one, in any order, or never by the reader.
 */
struct cstat__runs_arena;
/* @return 0 or CSTAT_ENOMEM (*out NULL). */
int cstat__runs_arena_new(struct cstat__runs_arena **out);
/* Drops the reader's reference; NULL is a no-op. */
void cstat__runs_arena_drop(struct cstat__runs_arena *a);
/* Makes the next len bytes a's runs take one block, on huge pages when
 * large (cstat__arena_reserve()): a reader that knows about how much its
 * runs hold takes them in a few faults instead of one per 4 kB page.
 * Runs past len take blocks of their own as before.
 * @return 0 or CSTAT_ENOMEM (a unchanged). */
int cstat__runs_arena_reserve(struct cstat__runs_arena *a, size_t len);
/*
 * A new run without values or metadata, not even an id, in one block of
 * arena a (NULL: one malloc'd block of its own) that holds the run, room
 * for nmeta, nenv and nunits entries in its lists and size bytes for the
 * texts cstat__run_put_text() copies: a reader that knows a record's keys
 * and values before putting them makes at most one allocation for them
 * (10,000 runs of a history: 160,000 allocations, as many frees and 5 MB
 * of small blocks for their metadata alone when each string was its
 * own).  Keys set, replaced or removed later (cstat_run_set()) and lists
 * grown past their room are allocated alone as before.
 * @return 0 or CSTAT_ENOMEM (*out NULL).
 */
int cstat__run_alloc_text(struct cstat__runs_arena *a, size_t size,
			  size_t nmeta, size_t nenv, size_t nunits,
			  cstat_run **out);
/*
 * A reader's run (cstat__run_alloc_text() in a) from n[0] metadata, n[1]
 * environment and n[2] Unit metadata entries whose keys and values are
 * NUL-ended strings in texts[0..len) at offsets off[2 * k] (key k) and
 * off[2 * k + 1] (its value), the lists in that order: one copy of the
 * texts, a later duplicate key replacing an earlier one's value as
 * cstat__run_put() does.
 * @return 0 or CSTAT_ENOMEM (*out NULL).
 */
int cstat__run_from_texts(struct cstat__runs_arena *a, const char *texts,
			  size_t len, const size_t *off, const size_t n[3],
			  cstat_run **out);
/*
 * cstat__run_put(r, list, a + sep + b, value), the key and value copied
 * into r's block when it has room for them (strlen(a) + strlen(sep) +
 * strlen(b) + strlen(value) + 2 bytes), else on their own.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__run_put_text(cstat_run *r, char list, const char *a, const char *sep,
			const char *b, const char *value);
/* Frees r's results, keeping its metadata, environment and units. */
void cstat__run_drop_values(cstat_run *r);
/* A run with nothing in it, not even an id (cstat_run_new() makes one):
 * what a reader fills from a record, which has its own id or none. */
int cstat__run_alloc(cstat_run **out);

#endif /* CSTAT_STORE_H */
