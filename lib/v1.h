/*
 * v1.h - internals of the pre-2023 benchstat (cstat -v1).
 *
 * The reader (v1-read.c) streams files as the old storage/benchfmt reader
 * read them and keeps, per (file name, group, benchmark, unit), the raw
 * values in one array each, sized to the run of lines that filled it; the
 * statistics (v1.c) are old benchstat's: the mean after dropping values
 * outside 1.5 IQR of the R8 quartiles, the largest relative deviation of
 * what is kept, and a U, Welch t or no test.  v1-render.c lays the tables
 * out as text, CSV or HTML.  Everything is internal to libcstat.
 */
#ifndef CSTAT_V1_H
#define CSTAT_V1_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cstat-private.h"
#include "cstat.h"

/* The test results old benchstat turns into notes. */
enum cstat__v1_test_status {
	CSTAT__V1_OK = 0,
	CSTAT__V1_TOO_FEW = 1,	 /* "(too few samples)" */
	CSTAT__V1_ZERO_VAR = 2,	 /* "(zero variance)" */
	CSTAT__V1_ALL_EQUAL = 3, /* "(all equal)" */
};

/* Flags of struct cstat__v1_metrics. */
enum {
	CSTAT__V1_HEAP = 1,    /* values are malloc'd, capacity pow2(n) */
	CSTAT__V1_STATS = 2,   /* nr, mean and rng are current */
	CSTAT__V1_NORANGE = 4, /* no "±" (mean or max is 0) */
	/* values are int32 mantissas m, each value m / 10^d, d = flags >> 8 */
	CSTAT__V1_DEC = 8,
	/* with CSTAT__V1_DEC: all n values are one mantissa, kept in same
	 * (a run's B/op or allocs/op mostly never changes) */
	CSTAT__V1_SAME = 16,
};

/*
 * The value of a decimal mantissa m with d digits after the point (d <=
 * 9): one correctly rounded division, as reading "m/10^d" gives; the
 * reader keeps a value this way only if this gives back its exact bits.
 */
static inline double
cstat__v1_dec_value(int32_t m, unsigned d)
{
	static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4,
				     1e5, 1e6, 1e7, 1e8, 1e9};

	return d ? (double)m / p10[d] : (double)m;
}

/* The measurements of one metric of one benchmark in one file name. */
struct cstat__v1_metrics {
	/* In input order: doubles, or with CSTAT__V1_DEC the 4-byte decimal
	 * mantissas most benchmark output reads as exactly (half the
	 * memory); with CSTAT__V1_SAME, the one mantissa every value has. */
	union {
		void *values;
		int32_t same;
	};
	uint32_t n;
	uint32_t unit;	 /* string id; UINT32_MAX for an empty cell */
	uint32_t config; /* string id of the file name */
	uint32_t gb;	 /* index of the (group, benchmark) pair */
	uint32_t nr;	 /* values inside the IQR fences */
	uint32_t flags;
	double mean; /* of the values kept */
	/* max(1 - min/mean, max/mean - 1) of the values kept. */
	double rng;
};

/* Value k of metric m (k < m->n). */
static inline double
cstat__v1_metric_value(const struct cstat__v1_metrics *m, size_t k)
{
	if (m->flags & CSTAT__V1_SAME)
		return cstat__v1_dec_value(m->same, m->flags >> 8);
	if (m->flags & CSTAT__V1_DEC)
		return cstat__v1_dec_value(((const int32_t *)m->values)[k],
					   m->flags >> 8);
	return ((const double *)m->values)[k];
}

/* What a row's delta column says. */
enum cstat__v1_delta {
	CSTAT__V1_DELTA_NONE = 0, /* "" */
	CSTAT__V1_DELTA_TILDE,	  /* "~" */
	CSTAT__V1_DELTA_ZERO,	  /* "0.00%" */
	CSTAT__V1_DELTA_PCT,	  /* pct as "+1.23%" */
};

/*
 * One row of a table: 16 bytes, 60,000 of them on 20,000 benchmarks and
 * three units.  Its cells are the table's cells[i * nc .. + nc) for row i
 * (sorting moves them along); its change in percent, when its delta is
 * CSTAT__V1_DELTA_PCT, is computed from its first two cells' means
 * (cstat__v1_row_pct()); its name and group are those of its (group,
 * benchmark) pair; its scaler is chosen from its first cell's mean.
 */
struct cstat__v1_row {
	uint32_t gb;   /* index of the (group, benchmark); UINT32_MAX for
			* "[Geo mean]" */
	uint8_t delta; /* enum cstat__v1_delta */
	/* enum cstat__v1_test_status + 1, or 0 for no note; CSTAT__V1_OK + 1
	 * is "(p=... n=...)". */
	uint8_t note;
	int8_t change; /* +1 better, -1 worse, 0 unchanged */
	double p;
};

struct cstat__v1_table {
	uint32_t unit;
	int scale_kind; /* of the unit, for cstat__v1_scale_fmt() */
	char metric[256];
	bool oldnew;
	struct cstat__v1_row *rows;
	size_t nrows, cap;
	size_t nc;	 /* cells a row: one per file */
	uint32_t *cells; /* nc per row, ids for cstat__v1_cell() */
	size_t ncells, cells_cap;
	struct cstat__v1_metrics *geo; /* the geomean row's cells */
	/* The collection's metrics, which the cells' ids index. */
	const struct cstat__v1_metrics *m;
};

/* The id of the geomean row's cell k: CSTAT__V1_GEO | k. */
#define CSTAT__V1_GEO 0x80000000u

/*
 * The metrics of a table cell by its id: 0 for none, i + 1 for the
 * collection's metric i, CSTAT__V1_GEO | k for the geomean row's cell k.
 * An id is 4 bytes a cell where a pointer was 8 (60,000 rows × 2 cells).
 */
static inline const struct cstat__v1_metrics *
cstat__v1_cell(const struct cstat__v1_table *t, uint32_t id)
{
	if (id == 0)
		return NULL;
	if (id & CSTAT__V1_GEO)
		return &t->geo[id & ~CSTAT__V1_GEO];
	return &t->m[id - 1];
}

/* Row r's cell k (NULL if empty). */
static inline const struct cstat__v1_metrics *
cstat__v1_row_cell(const struct cstat__v1_table *t,
		   const struct cstat__v1_row *r, size_t k)
{
	return cstat__v1_cell(t, t->cells[(size_t)(r - t->rows) * t->nc + k]);
}

/* The change of a row whose delta is CSTAT__V1_DELTA_PCT, in percent:
 * new over old (its first two cells' means, or geomeans), less one. */
static inline double
cstat__v1_row_pct(const struct cstat__v1_table *t,
		  const struct cstat__v1_row *r)
{
	return ((cstat__v1_row_cell(t, r, 1)->mean /
		 cstat__v1_row_cell(t, r, 0)->mean) -
		1.0) *
	       100.0;
}

/*
 * Keeps the values of x[0..n) that lie within [q1 - 1.5 IQR, q3 + 1.5 IQR]
 * (R8 quartiles of the sorted sample), in input order, in out (room for n).
 * @return the number kept.
 */
size_t cstat__v1_trim(const double *x, size_t n, double *out);

/*
 * Go's stats.Mean (m += (x - m)/(i+1)) and stats.Bounds: NaN for n == 0.
 */
double cstat__v1_mean(const double *x, size_t n);
void cstat__v1_bounds(const double *x, size_t n, double *min, double *max);

/*
 * The "±" text of a summary (Metrics.FormatDiff): "" when mean or max is
 * 0, else max(1 - min/mean, max/mean - 1) as "%.0f%%".
 * @return buf.
 */
char *cstat__v1_range_text(double min, double mean, double max, char *buf,
			   size_t size);

/*
 * The same text from a metric's stored range: "" when it has none.
 * buf needs CSTAT__GO_FIXED_SIZE(0) + 1 bytes.  @return its length.
 */
size_t cstat__v1_metric_range(const struct cstat__v1_metrics *m, char *buf);

/*
 * Welch's two-sample t-test, two-sided, as golang.org/x/perf's
 * internal/stats TwoSampleWelchTTest.
 * @return CSTAT__V1_OK with *p set, CSTAT__V1_TOO_FEW (a sample of at most
 *         one value) or CSTAT__V1_ZERO_VAR (both variances 0).
 */
int cstat__v1_welch(const double *x1, size_t n1, const double *x2, size_t n2,
		    double *p);

/* The significance level that applies: 0.05 when alpha is 0. */
double cstat__v1_alpha(double alpha);

/* Whether p shows a change: old benchstat's strict p < alpha. */
bool cstat__v1_significant(double p, double alpha);

/* The column heading of a unit (metricOf): "ns/op" gives "time/op". */
void cstat__v1_metric_of(const char *unit, char *buf, size_t size);

/*
 * Formats v as old benchstat's scaler chosen from val for unit would
 * (NewScaler): "13.6ms", "56.4MB/s", "1.23M".
 */
void cstat__v1_scale(double val, const char *unit, double v, char *buf,
		     size_t size);

/* The scaler family of a unit: time, bytes, speed or plain. */
int cstat__v1_scale_kind(const char *unit);

/*
 * cstat__v1_scale() for a unit of that family, into buf of at least
 * CSTAT__SCALE_SIZE bytes.  @return the length of the text.
 */
size_t cstat__v1_scale_fmt(int kind, double val, double v, char *buf);

/* The collection as the renderers see it. */
struct cstat__v1_view {
	const struct cstat__strtab *strs;
	const struct cstat__v1_gb *gbs; /* a row's name and group by its gb */
	const uint32_t *configs;
	size_t nconfigs;
	bool groups;	  /* more than one group: print group headers */
	unsigned threads; /* 2: the text's columns measured on two */
	struct cstat__v1_table *tables;
	size_t ntables;
};

int cstat__v1_write_text(const struct cstat__v1_view *v, FILE *out);
int cstat__v1_write_csv(const struct cstat__v1_view *v, bool norange,
			FILE *out);
int cstat__v1_write_html(const struct cstat__v1_view *v, FILE *out);

/* ------------------------------------------------------------------------
 * The collection, shared by v1.c (statistics, tables) and v1-read.c.
 */

struct cstat__v1_ids {
	uint32_t *v;
	size_t n, cap;
};

/* Arrays of doubles carved from large blocks, freed all at once. */
struct cstat__v1_pool {
	void **blocks;
	size_t nblocks, cap;
	double *next; /* free space in the last block */
	size_t left;
	double *last;	    /* the last block, where next is */
	size_t last_mapped; /* cstat__prefault()'s mark in it */
};

/* A benchmark of a group: one row of each table it has values for. */
struct cstat__v1_gb {
	uint32_t group, bench; /* string ids */
};

struct cstat_v1 {
	struct cstat_v1_opts opts;
	unsigned threads; /* for reading: 2 parses ahead on a second */
	bool slow; /* the reader's fast path is off (cstat__v1_set_fast) */
	char **split;
	size_t nsplit;
	struct cstat__strtab strs;
	struct cstat__v1_ids configs;  /* one per file, duplicates kept */
	struct cstat__v1_ids groups;   /* string ids, first seen first */
	struct cstat__v1_ids *benches; /* per group: gb indexes */
	struct cstat__v1_ids group_of; /* string id -> group index + 1 */
	struct cstat__v1_ids units;
	struct cstat__v1_gb *gbs;
	size_t ngb, gbcap;
	size_t gbs_mapped; /* cstat__prefault()'s mark */
	uint32_t *gbslots; /* open addressing: gb index + 1, 0 empty */
	size_t ngbslots;
	struct cstat__v1_metrics *m;
	size_t nm, mcap;
	size_t m_mapped;  /* cstat__prefault()'s mark */
	uint32_t *mslots; /* open addressing: metric index + 1, 0 empty */
	size_t nmslots;
	struct cstat__v1_pool pool;
	struct cstat__v1_table *tables;
	size_t ntables;
};

int cstat__v1_ids_add(struct cstat__v1_ids *l, uint32_t id);

/* Turns the reader's fast path (lines split 64 bytes at a time, plain
 * decimals read as one division) on or off; on by default.  Off, every
 * line takes the general path, which the fast one must match: for the
 * fuzz target and tests, which compare the two. */
void cstat__v1_set_fast(cstat_v1 *c, bool on);

/*
 * The metric of (config, group, bench, unit), created (and its group,
 * benchmark and unit listed) if new: old benchstat's addMetrics.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__v1_metric_get(cstat_v1 *c, uint32_t config, uint32_t group,
			 uint32_t bench, uint32_t unit, uint32_t *out);

/* Appends vals[0..k) to metric mi.  @return 0 or CSTAT_ENOMEM. */
int cstat__v1_append(cstat_v1 *c, uint32_t mi, const double *vals, size_t k);

/* Appends the values mant[0..k) / 10^d to metric mi, kept as mantissas if
 * they are its first.  @return 0 or CSTAT_ENOMEM. */
int cstat__v1_append_dec(cstat_v1 *c, uint32_t mi, const int32_t *mant,
			 size_t k, unsigned d);

/* Drops the tables (before more input, or at the end). */
void cstat__v1_free_tables(cstat_v1 *c);

#endif /* CSTAT_V1_H */
