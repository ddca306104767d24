/*
 * history.h - a history's tables read as series of runs, shared by the
 * change-point search and the writers (history.c) and the dashboard
 * (history-html.c).
 *
 * The tables of cstat_history_build() have a column per run, labelled
 * with the run's number.  A series is one row of one table; its points
 * are the row's present cells taken in run order.
 */
#ifndef CSTAT_HISTORY_H
#define CSTAT_HISTORY_H

#include "tables.h"

struct cstat__history {
	const struct cstat_tables *t;
	/* Table i's columns in run order are order[off[i]..off[i+1]), and
	 * column c's run number is run[off[i] + c]. */
	size_t *off, *order, *run;
	size_t maxrun; /* the highest run number, 0 without columns */
	/* Series s = srow[i] + r is row r of table i (srow has ntables + 1
	 * entries); its changes are ch[chstart[s]..chstart[s+1]). */
	size_t *srow;
	size_t nseries;
	struct cstat_change *ch; /* sorted by table, row, run */
	size_t nch;
	size_t *chstart;
	/* The history, for the writers (NULL and 0 for the search). */
	cstat_run *const *runs;
	size_t nruns;
	/* Forecasts (forecast-write.c): series s's is fc[s], or NULL; the
	 * dashboard then reaches ahead runs past the last.  NULL and 0 for
	 * the dashboard without them. */
	const struct cstat_forecast *const *fc;
	size_t ahead;
};

/*
 * Reads the run numbers of t's columns into h.  The changes are left
 * empty.
 * @return 0, CSTAT_EINVAL (a label is not a run number 1, 2, ...), or
 *         CSTAT_ENOMEM.
 */
int cstat__history_init(struct cstat__history *h, const struct cstat_tables *t);
/*
 * Copies ch[0..nch) into h, sorted, and indexes it by series.
 * @return 0, CSTAT_EINVAL (a change outside the tables or the runs), or
 *         CSTAT_ENOMEM.
 */
int cstat__history_set_changes(struct cstat__history *h,
			       const struct cstat_change *ch, size_t nch);
/* Frees what h holds (not the tables or runs). */
void cstat__history_release(struct cstat__history *h);

/*
 * cstat_history_changes_until() with a cache of cache_bytes for the
 * permutations of the series of the common length, which the threads
 * share (cstat_history_changes_until() gives it 20 MB).  A series of that
 * length whose whole test needs rounds past the cache is put off and
 * finished with the others after the search; *deferred (may be NULL)
 * receives how many were (0 on failure).  A cache with no room for one
 * round (0 bytes) shares none and puts none off.  The changes are the
 * same whatever the size: the tests use it to reach the deferred path.
 * @return what cstat_history_changes_until() returns.
 */
int cstat__history_changes_opts(const cstat_tables *t, size_t since,
				size_t until, double alpha, size_t cache_bytes,
				size_t *deferred, struct cstat_change **out,
				size_t *n);

/* The cell of table i, row r, column c. */
static inline const struct cstat__cell *
cstat__history_cell(const struct cstat__history *h, size_t i, size_t r,
		    size_t c)
{
	const struct cstat__table *tb = &h->t->tables[i];

	return &tb->cells[r * tb->ncols + c];
}

/*
 * A run's metadata for display: key's value, or NULL.  Run numbers are
 * 1-based.
 */
static inline const char *
cstat__history_meta(const struct cstat__history *h, size_t run, const char *key)
{
	return run >= 1 && run <= h->nruns
		       ? cstat_run_get(h->runs[run - 1], key)
		       : NULL;
}

/*
 * The dashboard page (history-html.c); commits link to repo's
 * REPO/commit/COMMIT pages when repo is not NULL (cstat__repo_url_ok()).
 */
int cstat__history_html(const struct cstat__history *h, const char *repo,
			FILE *out);
/* A forecast in words, "grows 0.41% a run (worse); crosses +5% in about
 * 11 runs (7 to 21)", into buf (forecast-write.c). */
void cstat__forecast_words(const struct cstat_forecast *f, char *buf,
			   size_t size);
/* Whether url can prefix the commit links: http:// or https://, no
 * spaces or control characters (history-html.c). */
bool cstat__repo_url_ok(const char *url);

/*
 * The reports of cbaseline's history, detect and list commands
 * (history-render.c), one table of views by format.  A view's writers
 * take what its public function gathered (ctx) and append to the stream,
 * returning 0 or an error code (CSTAT_ENOMEM); the stream's own error
 * comes from cstat__history_view_write().
 */
enum cstat__history_view {
	CSTAT__VIEW_SUMMARY, /* cstat_history_summary_write() */
	CSTAT__VIEW_CHANGES, /* cstat_history_changes_write() */
	CSTAT__VIEW_LIST,    /* cstat_store_list_write() */
};
struct cstat__ostream;
typedef int (*cstat__history_writer)(const void *ctx,
				     struct cstat__ostream *out);
/* A benchmark's label in history views: its row label and, in brackets,
 * the configuration fields that differ between the tables
 * (history-render.c; the forecast's views use it too). */
void cstat__history_bench_label(const cstat_tables *t, size_t table, size_t row,
				char *buf, size_t size);

/*
 * Writes view v of ctx to f as fmt through one output stream.
 * @return 0, the writer's error, CSTAT_EINVAL (a format the view has
 *         not), or CSTAT_EIO (a write to f failed, now or before).
 */
int cstat__history_view_write(enum cstat__history_view v, const void *ctx,
			      enum cstat_format fmt, FILE *f);

#endif /* CSTAT_HISTORY_H */
