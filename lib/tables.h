/*
 * tables.h - the computed comparison tables, shared by the builder that
 * fills them and the renderers that print them.
 *
 * Everything a renderer needs is here, already computed: labels, centers,
 * intervals, p-values and warnings (as string ids, deduplicated).  The
 * renderers decide only how it looks.
 */
#ifndef CSTAT_TABLES_H
#define CSTAT_TABLES_H

#include "cstat-private.h"

/*
 * The most warnings one cell can have: "benchmarks vary in ..." and one
 * about its summary; one about its comparison.  A table has 100,000s of
 * cells, so they are kept small (64 bytes).
 */
#define CSTAT__MAX_CELL_WARN 2
#define CSTAT__MAX_CMP_WARN 1
#define CSTAT__MAX_SUM_WARN 3

struct cstat__cell {
	double *values; /* sorted ascending */
	double center, lo, hi;
	double p;
	uint32_t n;
	uint32_t warn[CSTAT__MAX_CELL_WARN]; /* sample then summary */
	uint32_t cmpwarn[CSTAT__MAX_CMP_WARN];
	uint8_t nwarn, ncmpwarn;
	bool present;
	bool has_cmp;	  /* a later column whose row has a baseline */
	bool significant; /* has_cmp and p <= alpha (always, if exact) */
};

struct cstat__summary {
	bool has_summary, has_ratio;
	uint8_t nwarn;
	double summary, ratio;
	uint32_t warn[CSTAT__MAX_SUM_WARN];
};

struct cstat__table {
	uint32_t unit;	    /* string id */
	bool exact;	    /* unit has assume=exact */
	bool higher_better; /* better=higher metadata, or a throughput unit */
	uint32_t key;	    /* in tables->keys: read with cstat__table_key() */
	size_t nrows, ncols;
	uint32_t *row_labels; /* string ids */
	uint32_t *col_vals;   /* ncols x ncol_fields string ids, by column */
	struct cstat__cell *cells;	/* nrows x ncols, row-major */
	struct cstat__summary *summary; /* by column */
};

struct cstat_tables {
	struct cstat__strtab strs;
	struct cstat__vpool values; /* every cell's values */
	/* Flattened fields of the table key, .unit included, as names. */
	uint32_t *key_fields;
	size_t nkey_fields;
	/* Each table's key: its value (string id) of every key field, as a
	 * sequence that shares what it has in common with the others, so
	 * many tables with many fields cost what sets them apart. */
	struct cstat__seqtab keys;
	int unit_field; /* index in key_fields of .unit */
	/* Flattened fields of the column key, as names. */
	uint32_t *col_fields;
	size_t ncol_fields;
	struct cstat__table *tables;
	size_t ntables;
	double alpha, confidence;
	unsigned threads; /* for rendering, as built with */
	/* Extra summary columns (-stats), in order, and whether JSON output
	 * lists every value (-samples); set by cstat_tables_set(). */
	struct cstat__stat *stats;
	size_t nstats;
	bool samples;
	/* Built without comparisons or geomeans (cstat__builder_cells_only):
	 * for history views, not for cstat_tables_write(). */
	bool cells_only;
	/* Built by a builder told cstat_builder_summaries_only(): no cell
	 * keeps its values. */
	bool no_values;
	/* The 4-byte words the builder's values took when the build began
	 * (cstat__builder_value_words()): what a test weighs the ways of
	 * keeping them by when the builder is a reader's own. */
	size_t read_words;
	/* Data-quality findings the HTML page shows as warnings
	 * (cstat_tables_set_diagnose()); borrowed, NULL for none. */
	const cstat_diagnose *diag;
};

/* An extra summary statistic (-stats). */
enum cstat__stat_kind {
	CSTAT__STAT_MEAN,
	CSTAT__STAT_STDDEV, /* sample standard deviation (n - 1) */
	CSTAT__STAT_MIN,
	CSTAT__STAT_MAX,
	CSTAT__STAT_CV, /* stddev / mean */
	CSTAT__STAT_N,
	CSTAT__STAT_PCT, /* the q quantile */
};

struct cstat__stat {
	int kind;      /* enum cstat__stat_kind */
	double q;      /* CSTAT__STAT_PCT: in [0, 1] */
	char name[24]; /* as asked for: "mean", "p99.9" */
};

/*
 * Statistic k of the tables' -stats list for cell c: NaN when the cell is
 * empty, or when it needs more values (stddev and cv need 2).  Computed
 * with GSL from the cell's sorted values.
 */
double cstat__cell_stat(const struct cstat_tables *t,
			const struct cstat__cell *c, size_t k);

struct cstat__scaler;

/*
 * Formats statistic k's value v for display in table tb: "-" for NaN, n
 * as an integer, cv as a percentage ("3.2%"), the rest with the row's
 * scaler sc (so they read beside its centers), or scaled on their own
 * when sc is NULL ("1.234µ").  buf must hold CSTAT__SCALE_SIZE bytes.
 */
void cstat__stat_format(const struct cstat_tables *t,
			const struct cstat__table *tb, size_t k, double v,
			const struct cstat__scaler *sc, char *buf, size_t size);

/* Table tb's value (string id) of key field f (tables->key_fields). */
static inline uint32_t
cstat__table_key(const struct cstat_tables *t, const struct cstat__table *tb,
		 size_t f)
{
	return cstat__seqtab_get(&t->keys, tb->key, f);
}

/*
 * The first key field at or after f that table i sets differently from
 * table i - 1 (every field, for table 0), or nkey_fields: the fields the
 * header lines print, found without visiting what the two keys share.
 */
static inline size_t
cstat__table_key_change(const struct cstat_tables *t, size_t i, size_t f)
{
	if (i == 0)
		return f;
	return cstat__seqtab_diff(&t->keys, t->tables[i - 1].key,
				  t->tables[i].key, f, t->nkey_fields);
}

static inline const char *
cstat__tstr(const struct cstat_tables *t, uint32_t id)
{
	return cstat__strtab_str(&t->strs, id);
}

/* Formats a cell's "± x%" text (Summary.PctRangeString) into buf (>= 32). */
void cstat__pct_range(const struct cstat__cell *c, char *buf, size_t size);
/* Formats pct as fmt's "%+.2f%%" (the delta and the geomean ratio). */
void cstat__fmt_percent(char *buf, size_t size, double pct);
/* Formats the delta column (Comparison.FormatDelta) against base. */
void cstat__format_delta(const struct cstat__cell *c, double base, char *buf,
			 size_t size);
/* Formats "p=0.PPP n=N" or "n=N1+N2" (Comparison.String). */
void cstat__format_cmp(const struct cstat__cell *c, uint32_t base_n, char *buf,
		       size_t size);

/* The warnings of a table in first-use order: footnote i + 1 is ids[i]. */
struct cstat__footnotes {
	uint32_t *ids;
	size_t n, cap;
};

/*
 * Numbers a table's warnings as benchstat's text output does: rows in
 * order, each cell's own warnings then its comparison's, the geomean row
 * (shown with two or more rows) last.  The caller frees fn->ids.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__number_footnotes(const struct cstat__table *tb,
			    struct cstat__footnotes *fn);

int cstat__render_text(const struct cstat_tables *t, FILE *out);
int cstat__render_csv(const struct cstat_tables *t, FILE *out, FILE *warn);
int cstat__render_html(const struct cstat_tables *t, FILE *out);
int cstat__render_markdown(const struct cstat_tables *t, FILE *out);
int cstat__render_json(const struct cstat_tables *t, FILE *out);

#endif /* CSTAT_TABLES_H */
