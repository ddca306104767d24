/*
 * render-json.c - the tables as one JSON document, schema "cstat/1".
 *
 * The document holds everything the text tables show, as numbers rather
 * than scaled text, plus the settings they were computed with:
 *
 * {
 *   "schema": "cstat/1",
 *   "alpha": 0.05,            significance level of the comparisons
 *   "confidence": 0.95,       level of the centers' intervals
 *   "stats": ["mean", "p90"], the -stats names in order ([] when none)
 *   "tables": [{              one per configuration and unit, in the
 *                             order the text output prints them
 *     "config": {"goos": "linux", ...},
 *                             the table's key fields but .unit, in order,
 *                             each with its value (possibly "")
 *     "unit": "sec/op",       the tidied unit
 *     "exact": false,         the unit has assume=exact metadata
 *     "better": "lower",      "higher" or "lower": which way is better
 *                             (better= metadata, else higher for a
 *                             throughput unit)
 *     "columns": [{           in order; the first is the baseline
 *       "label": "old.txt",   the innermost column field's value ("" when
 *                             there are no column fields)
 *       "fields": {".file": "old.txt"}
 *                             every column field with its value
 *     }],
 *     "rows": [{              one per benchmark, in the text's order
 *       "name": "Encode-8",   the row label
 *       "cells": [            one per column: null when the benchmark has
 *                             no results in that column, else
 *         {"n": 10,           number of values
 *          "center": 1.2e-06, median (mode for exact units), in unit
 *          "lo": 1.1e-06,     confidence interval of the center;
 *          "hi": 1.3e-06,     null when unbounded
 *          "range": "3%",     the "± x%" text without "± ": "3%", "0%",
 *                             "∞" (unbounded) or "?" (crosses zero)
 *          "warnings": [],    texts of the summary's warnings
 *          "stats": {"mean": 1.2e-06, "p90": 1.3e-06},
 *                             only when stats are set: each statistic by
 *                             name, null where
 *                             undefined (stddev and cv need 2 values)
 *          "values": [1.1e-06, ...],
 *                             only with samples: every value, ascending
 *          "comparison": null or, in a later column whose row has a
 *                        baseline cell,
 *            {"delta": -0.172,      center / baseline center - 1, a
 *                                   fraction; null when undefined
 *             "delta_text": "-17.20%",
 *                                   as the text shows it: "~" (not
 *                                   significant), "+1.50%", "0.00%", "?"
 *             "p": 0.000216,        two-sided U test p-value (0 for an
 *                                   exact unit)
 *             "significant": true,  p <= alpha (always for exact units)
 *             "direction": "better",
 *                                   "better" or "worse" by the sign of
 *                                   delta and "better"; "none" when not
 *                                   significant or delta is 0 or null
 *             "warnings": []}       texts of the comparison's warnings
 *         }
 *       ]
 *     }],
 *     "geomean": null when the text shows no geomean row (one row or
 *                none), else one object per column:
 *       [{"value": 1.1e-06,   geomean of the column's centers, or null
 *         "change": -0.05,    geomean of center / baseline center, minus
 *                             1 (a fraction, as delta); null for the
 *                             baseline column or when undefined ("?")
 *         "warnings": []}]
 *   }]
 * }
 *
 * Numbers are Go's shortest text that reads back to the same double
 * (cstat__fmt_go_float, so 1e-06 and 1.5e+09 forms occur); counts are
 * integers; NaN and infinities are null.  Strings are valid UTF-8: bytes
 * of the input that are not are replaced with U+FFFD, and control
 * characters, '"' and '\' are escaped.  The whitespace (two-space indents,
 * one row per line) is not part of the schema.  A later version of
 * "cstat/1" may add keys but does not change the meaning of these.
 *
 * The document is streamed through the output stream (ostream.h), so
 * memory does not grow with the tables.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "ostream.h"
#include "tables.h"

/* Writes s[0..len) as a JSON string, valid UTF-8 whatever s holds. */
static void
str(struct cstat__ostream *w, const char *s, size_t len)
{
	cstat__os_json_str(w, s, len);
}

/* A string of the tables by id (its full length, NULs and all). */
static void
tstr(struct cstat__ostream *w, const struct cstat_tables *t, uint32_t id)
{
	str(w, cstat__tstr(t, id), cstat__strtab_len(&t->strs, id));
}

static void
cstr(struct cstat__ostream *w, const char *s)
{
	str(w, s, strlen(s));
}

/* A key and its colon: "key": */
static void
key(struct cstat__ostream *w, const char *k)
{
	cstr(w, k);
	cstat__os_put(w, ": ", 2);
}

/* key() of a literal key that needs no escaping, copied whole. */
#define KEY(w, k) cstat__os_put(w, CSTAT__LIT("\"" k "\": "))

static void
num(struct cstat__ostream *w, double v)
{
	if (!isfinite(v))
		cstat__os_put(w, "null", 4);
	else
		cstat__os_go_float(w, v);
}

static void
count(struct cstat__ostream *w, unsigned long long n)
{
	cstat__os_uint(w, n);
}

static void
boolean(struct cstat__ostream *w, bool b)
{
	cstat__os_adds(w, b ? "true" : "false");
}

static void
warnings(struct cstat__ostream *w, const struct cstat_tables *t,
	 const uint32_t *ids, size_t n)
{
	KEY(w, "warnings");
	cstat__os_put(w, "[", 1);
	for (size_t k = 0; k < n; k++) {
		if (k)
			cstat__os_put(w, ", ", 2);
		tstr(w, t, ids[k]);
	}
	cstat__os_put(w, "]", 1);
}

/* "better", "worse" or "none" for a compared cell. */
static const char *
direction(const struct cstat__table *tb, const struct cstat__cell *c,
	  double delta)
{
	/* Neither up nor down: no change, or none defined (0 / 0). */
	if (!c->significant || !(delta > 0 || delta < 0))
		return "none";
	return (delta > 0) == tb->higher_better ? "better" : "worse";
}

static void
comparison(struct cstat__ostream *w, const struct cstat_tables *t,
	   const struct cstat__table *tb, const struct cstat__cell *c,
	   const struct cstat__cell *base)
{
	char text[64];
	double delta = c->center / base->center - 1;

	KEY(w, "comparison");
	cstat__os_put(w, "{", 1);
	KEY(w, "delta");
	num(w, delta);
	cstat__os_put(w, ", ", 2);
	KEY(w, "delta_text");
	cstat__format_delta(c, base->center, text, sizeof(text));
	cstr(w, text);
	cstat__os_put(w, ", ", 2);
	KEY(w, "p");
	num(w, c->p);
	cstat__os_put(w, ", ", 2);
	KEY(w, "significant");
	boolean(w, c->significant);
	cstat__os_put(w, ", ", 2);
	KEY(w, "direction");
	cstr(w, direction(tb, c, delta));
	cstat__os_put(w, ", ", 2);
	warnings(w, t, c->cmpwarn, c->ncmpwarn);
	cstat__os_put(w, "}", 1);
}

static void
cell(struct cstat__ostream *w, const struct cstat_tables *t,
     const struct cstat__table *tb, const struct cstat__cell *c,
     const struct cstat__cell *base)
{
	char text[64];

	if (!c->present) {
		cstat__os_put(w, "null", 4);
		return;
	}
	cstat__os_put(w, "{", 1);
	KEY(w, "n");
	count(w, c->n);
	cstat__os_put(w, ", ", 2);
	KEY(w, "center");
	num(w, c->center);
	cstat__os_put(w, ", ", 2);
	KEY(w, "lo");
	num(w, c->lo);
	cstat__os_put(w, ", ", 2);
	KEY(w, "hi");
	num(w, c->hi);
	cstat__os_put(w, ", ", 2);
	KEY(w, "range");
	cstat__pct_range(c, text, sizeof(text));
	cstr(w, text);
	cstat__os_put(w, ", ", 2);
	warnings(w, t, c->warn, c->nwarn);
	if (t->nstats) {
		cstat__os_put(w, ", ", 2);
		KEY(w, "stats");
		cstat__os_put(w, "{", 1);
		for (size_t k = 0; k < t->nstats; k++) {
			if (k)
				cstat__os_put(w, ", ", 2);
			key(w, t->stats[k].name);
			num(w, cstat__cell_stat(t, c, k));
		}
		cstat__os_put(w, "}", 1);
	}
	if (t->samples) {
		cstat__os_put(w, ", ", 2);
		KEY(w, "values");
		cstat__os_put(w, "[", 1);
		for (size_t k = 0; k < c->n; k++) {
			if (k)
				cstat__os_put(w, ", ", 2);
			num(w, c->values[k]);
		}
		cstat__os_put(w, "]", 1);
	}
	cstat__os_put(w, ", ", 2);
	if (c != base && c->has_cmp)
		comparison(w, t, tb, c, base);
	else
		cstat__os_adds(w, "\"comparison\": null");
	cstat__os_put(w, "}", 1);
}

static void
geomean(struct cstat__ostream *w, const struct cstat_tables *t,
	const struct cstat__table *tb)
{
	KEY(w, "geomean");
	if (tb->nrows < 2) {
		cstat__os_put(w, "null", 4);
		return;
	}
	cstat__os_put(w, "[", 1);
	for (size_t e = 0; e < tb->ncols; e++) {
		const struct cstat__summary *s = &tb->summary[e];
		cstat__os_adds(w, e ? ",\n        {" : "\n        {");
		KEY(w, "value");
		num(w, s->has_summary ? s->summary : NAN);
		cstat__os_put(w, ", ", 2);
		KEY(w, "change");
		num(w, e > 0 && s->has_ratio ? s->ratio - 1 : NAN);
		cstat__os_put(w, ", ", 2);
		warnings(w, t, s->warn, s->nwarn);
		cstat__os_put(w, "}", 1);
	}
	cstat__os_adds(w, "\n      ]");
}

static void
columns(struct cstat__ostream *w, const struct cstat_tables *t,
	const struct cstat__table *tb)
{
	size_t nf = t->ncol_fields;

	KEY(w, "columns");
	cstat__os_put(w, "[", 1);
	for (size_t e = 0; e < tb->ncols; e++) {
		const uint32_t *vals = &tb->col_vals[e * nf];
		cstat__os_adds(w, e ? ",\n        {" : "\n        {");
		KEY(w, "label");
		if (nf)
			tstr(w, t, vals[nf - 1]);
		else
			cstat__os_put(w, "\"\"", 2);
		cstat__os_put(w, ", ", 2);
		KEY(w, "fields");
		cstat__os_put(w, "{", 1);
		for (size_t f = 0; f < nf; f++) {
			if (f)
				cstat__os_put(w, ", ", 2);
			tstr(w, t, t->col_fields[f]);
			cstat__os_put(w, ": ", 2);
			tstr(w, t, vals[f]);
		}
		cstat__os_put(w, "}}", 2);
	}
	cstat__os_adds(w, tb->ncols ? "\n      ]" : "]");
}

static void
table(struct cstat__ostream *w, const struct cstat_tables *t,
      const struct cstat__table *tb)
{
	cstat__os_adds(w, "    {\n      ");
	KEY(w, "config");
	cstat__os_put(w, "{", 1);
	for (size_t f = 0, n = 0; f < t->nkey_fields; f++) {
		if ((int)f == t->unit_field)
			continue;
		if (n++)
			cstat__os_put(w, ", ", 2);
		tstr(w, t, t->key_fields[f]);
		cstat__os_put(w, ": ", 2);
		tstr(w, t, cstat__table_key(t, tb, f));
	}
	cstat__os_adds(w, "},\n      ");
	KEY(w, "unit");
	tstr(w, t, tb->unit);
	cstat__os_adds(w, ",\n      ");
	KEY(w, "exact");
	boolean(w, tb->exact);
	cstat__os_adds(w, ",\n      ");
	KEY(w, "better");
	cstr(w, tb->higher_better ? "higher" : "lower");
	cstat__os_adds(w, ",\n      ");
	columns(w, t, tb);
	cstat__os_adds(w, ",\n      ");
	KEY(w, "rows");
	cstat__os_put(w, "[", 1);
	for (size_t r = 0; r < tb->nrows && !w->err; r++) {
		const struct cstat__cell *row = &tb->cells[r * tb->ncols];
		cstat__os_adds(w, r ? ",\n        {" : "\n        {");
		KEY(w, "name");
		tstr(w, t, tb->row_labels[r]);
		cstat__os_put(w, ", ", 2);
		KEY(w, "cells");
		cstat__os_put(w, "[", 1);
		for (size_t e = 0; e < tb->ncols; e++) {
			if (e)
				cstat__os_put(w, ", ", 2);
			cell(w, t, tb, &row[e], &row[0]);
		}
		cstat__os_put(w, "]}", 2);
	}
	cstat__os_adds(w, tb->nrows ? "\n      ],\n      " : "],\n      ");
	geomean(w, t, tb);
	cstat__os_adds(w, "\n    }");
}

int
cstat__render_json(const struct cstat_tables *t, FILE *out)
{
	struct cstat__ostream os, *w = &os;

	cstat__os_file(w, out);
	cstat__os_adds(w, "{\n  ");
	KEY(w, "schema");
	cstr(w, "cstat/1");
	cstat__os_adds(w, ",\n  ");
	KEY(w, "alpha");
	num(w, t->alpha);
	cstat__os_adds(w, ",\n  ");
	KEY(w, "confidence");
	num(w, t->confidence);
	cstat__os_adds(w, ",\n  ");
	KEY(w, "stats");
	cstat__os_put(w, "[", 1);
	for (size_t k = 0; k < t->nstats; k++) {
		if (k)
			cstat__os_put(w, ", ", 2);
		cstr(w, t->stats[k].name);
	}
	cstat__os_adds(w, "],\n  ");
	KEY(w, "tables");
	cstat__os_put(w, "[", 1);
	for (size_t i = 0; i < t->ntables && !w->err; i++) {
		cstat__os_adds(w, i ? ",\n" : "\n");
		table(w, t, &t->tables[i]);
	}
	cstat__os_adds(w, t->ntables ? "\n  ]\n}\n" : "]\n}\n");
	return cstat__os_close(w);
}
