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
	uint32_t *key_vals; /* by table field (tables->key_fields) */
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
	int unit_field; /* index in key_fields of .unit */
	/* Flattened fields of the column key, as names. */
	uint32_t *col_fields;
	size_t ncol_fields;
	struct cstat__table *tables;
	size_t ntables;
	double alpha, confidence;
	unsigned threads; /* for rendering, as built with */
};

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

int cstat__render_text(const struct cstat_tables *t, FILE *out);
int cstat__render_csv(const struct cstat_tables *t, FILE *out, FILE *warn);

#endif /* CSTAT_TABLES_H */
