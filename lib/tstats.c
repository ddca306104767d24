/*
 * tstats.c - the output settings of built tables: the extra summary
 * statistics of -stats (mean, stddev, min, max, cv, n, percentiles),
 * computed with GSL, and -samples.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_statistics_double.h>

#include "numfmt.h"
#include "tables.h"
#include "units.h"

/* Parses one name of the list into *st. */
static int
parse_stat(const char *s, size_t len, struct cstat__stat *st)
{
	static const struct {
		const char *name;
		int kind;
	} names[] = {
		{"mean", CSTAT__STAT_MEAN}, {"stddev", CSTAT__STAT_STDDEV},
		{"min", CSTAT__STAT_MIN},   {"max", CSTAT__STAT_MAX},
		{"cv", CSTAT__STAT_CV},	    {"n", CSTAT__STAT_N},
	};

	if (len == 0 || len >= sizeof(st->name))
		return CSTAT_EINVAL;
	memcpy(st->name, s, len);
	st->name[len] = '\0';
	st->q = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(st->name, names[i].name) == 0) {
			st->kind = names[i].kind;
			return 0;
		}
	/* pNN: a percentile from 0 to 100, digits and at most one '.'. */
	if (st->name[0] != 'p' || len < 2)
		return CSTAT_EINVAL;
	size_t dots = 0;
	for (size_t i = 1; i < len; i++) {
		if (st->name[i] == '.')
			dots++;
		else if (st->name[i] < '0' || st->name[i] > '9')
			return CSTAT_EINVAL;
	}
	if (dots > 1 || st->name[1] == '.' || st->name[len - 1] == '.')
		return CSTAT_EINVAL;
	/* Not strtod(): it would stop at the '.' of "p99.9" under a locale
	 * whose decimal point is ','. */
	double pct;
	if (cstat__parse_float(st->name + 1, len - 1, &pct) != 0 ||
	    !(pct >= 0 && pct <= 100))
		return CSTAT_EINVAL;
	st->kind = CSTAT__STAT_PCT;
	st->q = pct / 100;
	return 0;
}

static int
set_stats(cstat_tables *t, const char *list, struct cstat_diag *d)
{
	struct cstat__stat *stats = NULL;
	size_t n = 0, cap = 0;
	const char *p = list;

	for (;;) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, ", \t");
		struct cstat__stat st;
		if (parse_stat(p, len, &st)) {
			cstat__diag_set(d, NULL, 0, 0,
					"-stats: unknown statistic \"%.*s\" "
					"(want mean, stddev, min, max, cv, n "
					"or a percentile such as p90 or "
					"p99.9)",
					(int)(len > 64 ? 64 : len), p);
			free(stats);
			return CSTAT_EINVAL;
		}
		for (size_t i = 0; i < n; i++)
			if (strcmp(stats[i].name, st.name) == 0) {
				cstat__diag_set(d, NULL, 0, 0,
						"-stats: \"%s\" given twice",
						st.name);
				free(stats);
				return CSTAT_EINVAL;
			}
		if (cstat__grow((void **)&stats, &cap, n + 1, sizeof(*stats))) {
			free(stats);
			return CSTAT_ENOMEM;
		}
		stats[n++] = st;
		p += len;
	}
	free(t->stats);
	t->stats = stats;
	t->nstats = n;
	return 0;
}

int
cstat_tables_set(cstat_tables *t, const char *key, const char *value,
		 struct cstat_diag *d)
{
	if (!t || !key || !value) {
		cstat__diag_set(d, NULL, 0, 0, "invalid argument");
		return CSTAT_EINVAL;
	}
	/* Tables built for their summaries only have no values to show. */
	if (t->no_values &&
	    ((strcmp(key, "stats") == 0 && value[0]) ||
	     (strcmp(key, "samples") == 0 && strcmp(value, "true") == 0))) {
		cstat__diag_set(d, NULL, 0, 0,
				"%s: the tables were built without values",
				key);
		return CSTAT_ESTATE;
	}
	if (strcmp(key, "stats") == 0)
		return set_stats(t, value, d);
	if (strcmp(key, "samples") == 0) {
		if (strcmp(value, "true") == 0 || strcmp(value, "false") == 0) {
			t->samples = value[0] == 't';
			return 0;
		}
		cstat__diag_set(d, NULL, 0, 0,
				"samples \"%s\": want true or false", value);
		return CSTAT_EINVAL;
	}
	cstat__diag_set(d, NULL, 0, 0, "unknown setting \"%s\"", key);
	return CSTAT_EINVAL;
}

size_t
cstat_tables_stat_count(const cstat_tables *t)
{
	return t ? t->nstats : 0;
}

const char *
cstat_tables_stat_name(const cstat_tables *t, size_t k)
{
	return t && k < t->nstats ? t->stats[k].name : NULL;
}

double
cstat__cell_stat(const struct cstat_tables *t, const struct cstat__cell *c,
		 size_t k)
{
	const struct cstat__stat *st = &t->stats[k];
	const double *v = c->values;
	size_t n = c->n;

	if (!c->present || n == 0)
		return NAN;
	switch (st->kind) {
	case CSTAT__STAT_MEAN:
		return gsl_stats_mean(v, 1, n);
	case CSTAT__STAT_STDDEV:
		return n < 2 ? NAN : gsl_stats_sd(v, 1, n);
	case CSTAT__STAT_MIN:
		return v[0];
	case CSTAT__STAT_MAX:
		return v[n - 1];
	case CSTAT__STAT_CV:
		return n < 2 ? NAN
			     : gsl_stats_sd(v, 1, n) / gsl_stats_mean(v, 1, n);
	case CSTAT__STAT_N:
		return (double)n;
	default:
		return gsl_stats_quantile_from_sorted_data(v, 1, n, st->q);
	}
}

int
cstat_table_cell_stat(const cstat_tables *t, size_t i, size_t r, size_t c,
		      size_t k, double *out)
{
	if (out)
		*out = NAN;
	if (!t || i >= t->ntables || k >= t->nstats || !out)
		return CSTAT_EINVAL;
	const struct cstat__table *tb = &t->tables[i];
	if (r >= tb->nrows || c >= tb->ncols)
		return CSTAT_EINVAL;
	*out = cstat__cell_stat(t, &tb->cells[r * tb->ncols + c], k);
	return 0;
}

void
cstat__stat_format(const struct cstat_tables *t, const struct cstat__table *tb,
		   size_t k, double v, const struct cstat__scaler *sc,
		   char *buf, size_t size)
{
	int kind = t->stats[k].kind;

	if (isnan(v)) {
		snprintf(buf, size, "-");
		return;
	}
	if (kind == CSTAT__STAT_N) {
		snprintf(buf, size, "%.0f", v);
		return;
	}
	if (kind == CSTAT__STAT_CV) {
		char num[CSTAT__SCALE_SIZE];
		cstat__fmt_go_fixed(num, sizeof(num), v * 100, 1);
		snprintf(buf, size, "%.*s%%", (int)(size > 2 ? size - 2 : 0),
			 num);
		return;
	}
	if (sc)
		cstat__scaler_format(sc, v, buf, size);
	else
		cstat__scale_format(
			v, cstat__unit_scaling(cstat__tstr(t, tb->unit)), buf,
			size);
}
