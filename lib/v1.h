/*
 * v1.h - internals of the pre-2023 benchstat (cstat -v1).
 *
 * The collection (v1.c) reads files as the old storage/benchfmt reader did
 * and keeps, per (file name, group, benchmark, unit), the raw values; the
 * statistics (also v1.c) are old benchstat's: the mean after dropping values
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

/* The measurements of one metric of one benchmark in one file name. */
struct cstat__v1_metrics {
	uint32_t unit; /* string id; UINT32_MAX for an empty cell */
	double *values;
	size_t n, cap;
	double *rvalues; /* values inside the IQR fences, in input order */
	size_t nr;
	double min, mean, max;
};

/* One row of a table. */
struct cstat__v1_row {
	uint32_t bench; /* string id; UINT32_MAX for "[Geo mean]" */
	uint32_t group; /* string id; 0 ("") unless there are groups */
	const struct cstat__v1_metrics **cells; /* ncols; NULL = empty */
	struct cstat__v1_metrics *own;		/* geomean cells */
	bool has_scaler;
	double scale_val; /* the value the row's scaler was chosen from */
	char delta[400];
	char note[400];
	double pct;
	int change; /* +1 better, -1 worse, 0 unchanged */
};

struct cstat__v1_table {
	uint32_t unit;
	char metric[256];
	bool oldnew;
	struct cstat__v1_row *rows;
	size_t nrows;
};

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

/* The collection as the renderers see it. */
struct cstat__v1_view {
	const struct cstat__strtab *strs;
	const uint32_t *configs;
	size_t nconfigs;
	bool groups; /* more than one group: print group headers */
	struct cstat__v1_table *tables;
	size_t ntables;
};

int cstat__v1_write_text(const struct cstat__v1_view *v, FILE *out);
int cstat__v1_write_csv(const struct cstat__v1_view *v, bool norange,
			FILE *out);
int cstat__v1_write_html(const struct cstat__v1_view *v, FILE *out);

/* A cell's text as the text and HTML tables show it ("" if empty). */
void cstat__v1_cell_text(const struct cstat__v1_view *v,
			 const struct cstat__v1_row *r,
			 const struct cstat__v1_metrics *m, char *buf,
			 size_t size);

#endif /* CSTAT_V1_H */
