/*
 * plan-write.c - a run plan's reports: aligned text, a GitHub Markdown
 * table and JSON (schema cstat-plan/1), from one set of cells per row so
 * that every format says the same thing, written through the one output
 * stream (ostream.c).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstat.h"
#include "numfmt.h"
#include "ostream.h"

#define NCOLS 8
#define CELL 160

/* A fraction as a percentage with up to 3 significant digits: "3%",
 * "0.5%", "12.5%"; "?" for NaN. */
static void
pct(char *buf, size_t size, double v)
{
	size_t len;

	if (isnan(v)) {
		snprintf(buf, size, "?");
		return;
	}
	len = cstat__fmt_c(buf, size - 1, "%.3g", 100 * v);
	if (len > size - 2)
		len = size - 2;
	buf[len] = '%';
	buf[len + 1] = '\0';
}

/* A power as a whole percentage, never rounded up to 100% or down to 0%
 * when it is not that. */
static void
power_pct(char *buf, size_t size, double v)
{
	double r = round(100 * v);

	if (isnan(v))
		snprintf(buf, size, "-");
	else if (r >= 100 && v < 1)
		snprintf(buf, size, ">99%%");
	else if (r <= 0 && v > 0)
		snprintf(buf, size, "<1%%");
	else
		snprintf(buf, size, "%.0f%%", r);
}

/* What the count column says for row w. */
static void
count_words(char *buf, size_t size, const struct cstat_plan_row *w,
	    const struct cstat_plan_suite *u)
{
	char a[32], b[32];

	switch (w->status) {
	case CSTAT_PLAN_OK:
		snprintf(buf, size, "%zu", w->count);
		break;
	case CSTAT_PLAN_BELOW_THRESHOLD:
		pct(a, sizeof(a), u->change);
		pct(b, sizeof(b), w->threshold);
		snprintf(buf, size, "never: %s is not past the %s threshold", a,
			 b);
		break;
	case CSTAT_PLAN_BEYOND_MAX:
		snprintf(buf, size, "more than %zu", u->max_count);
		break;
	default:
		if (w->n >= 3)
			snprintf(buf, size,
				 "?: values around 0 have no relative noise");
		else
			snprintf(buf, size,
				 "?: %zu value%s, need 3 for the noise", w->n,
				 w->n == 1 ? "" : "s");
		break;
	}
}

static bool
configs_differ(const cstat_plan *p)
{
	size_t n = cstat_plan_count(p);

	for (size_t i = 1; i < n; i++)
		if (strcmp(cstat_plan_get(p, i)->config,
			   cstat_plan_get(p, 0)->config) != 0)
			return true;
	return false;
}

/* The cells of row w: benchmark, unit, values, noise, threshold, count,
 * power at count, power at the suite's count. */
static void
row_cells(const struct cstat_plan_row *w, const struct cstat_plan_suite *u,
	  bool config, char cells[NCOLS][CELL])
{
	if (config && w->config[0])
		snprintf(cells[0], CELL, "%s (%s)", w->name, w->config);
	else
		snprintf(cells[0], CELL, "%s", w->name);
	snprintf(cells[1], CELL, "%s", w->unit);
	snprintf(cells[2], CELL, "%zu", w->n);
	if (w->exact)
		snprintf(cells[3], CELL, "exact");
	else
		pct(cells[3], CELL, w->noise);
	pct(cells[4], CELL, w->threshold);
	count_words(cells[5], CELL, w, u);
	power_pct(cells[6], CELL,
		  w->status == CSTAT_PLAN_BEYOND_MAX ? w->power_max : w->power);
	power_pct(cells[7], CELL, w->power_at);
}

/* The header of the last column: "power at 10" or "power as run". */
static void
at_head(const struct cstat_plan_suite *u, char *buf, size_t size)
{
	if (u->at_count)
		snprintf(buf, size, "power at %zu", u->at_count);
	else
		snprintf(buf, size, "power as run");
}

/* Every row's cells, or NULL when out of memory. */
static char (*all_cells(const cstat_plan *p, size_t *n))[NCOLS][CELL]
{
	const struct cstat_plan_suite *u = cstat_plan_suite(p);
	bool config = configs_differ(p);

	*n = cstat_plan_count(p);
	char(*c)[NCOLS][CELL] = malloc((*n + 1) * sizeof(*c));
	if (!c)
		return NULL;
	for (size_t i = 0; i < *n; i++)
		row_cells(cstat_plan_get(p, i), u, config, c[i]);
	return c;
}

/* Display width of UTF-8 text: its code points. */
static size_t
width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The lines above the table, with pre before each ("" or "> "). */
static void
put_intro(struct cstat__ostream *os, const struct cstat_plan_suite *u,
	  const char *pre)
{
	char ch[32], pw[32], lv[CSTAT__FMT_C_SIZE], al[CSTAT__FMT_C_SIZE];

	pct(ch, sizeof(ch), u->change);
	power_pct(pw, sizeof(pw), u->power);
	cstat__fmt_c(lv, sizeof(lv), "%.3g", u->level);
	cstat__fmt_c(al, sizeof(al), "%g", u->alpha);
	cstat__os_printf(os,
			 "%sRun plan: the -count per side at which the gate "
			 "flags a %s change (each unit's worse direction) "
			 "with %s power, at most %zu.\n",
			 pre, ch, pw, u->max_count);
	cstat__os_printf(os,
			 "%sGate: alpha %s over %zu comparison%s (a lone "
			 "change needs p <= %s), threshold on the %s.  "
			 "Noise: each benchmark's values in the first input "
			 "(sd of their logarithms).\n",
			 pre, al, u->family, u->family == 1 ? "" : "s", lv,
			 u->on_interval ? "whole interval" : "estimate");
}

/* The lines below the table. */
static void
put_suite(struct cstat__ostream *os, const struct cstat_plan_suite *u,
	  const char *pre)
{
	char pw[32], share[32], at[48];

	power_pct(pw, sizeof(pw), u->power);
	if (u->count)
		cstat__os_printf(os,
				 "%sSuite: -count %zu per side gives every "
				 "benchmark that can reach %s power that "
				 "power (%zu of %zu).\n",
				 pre, u->count, pw, u->reachable, u->rows);
	else
		cstat__os_printf(os,
				 "%sSuite: no benchmark reaches %s power at "
				 "-count %zu or less.\n",
				 pre, pw, u->max_count);
	if (u->below || u->beyond || u->no_noise)
		cstat__os_printf(os,
				 "%sNot reachable: %zu not past the "
				 "threshold, %zu beyond -count %zu; %zu "
				 "without a noise estimate.\n",
				 pre, u->below, u->beyond, u->max_count,
				 u->no_noise);
	power_pct(share, sizeof(share), u->share);
	if (u->at_count)
		snprintf(at, sizeof(at), "at -count %zu", u->at_count);
	else
		snprintf(at, sizeof(at), "at the counts this run has");
	cstat__os_printf(os,
			 "%sExpected share detected %s: %s (the mean power "
			 "of the benchmarks with a noise estimate).\n",
			 pre, at, share);
}

static const char *const heads[NCOLS] = {"benchmark", "unit",	   "values",
					 "noise",     "threshold", "count",
					 "power",     "" /* at_head() */};

static int
write_text(const cstat_plan *p, FILE *out)
{
	const struct cstat_plan_suite *u = cstat_plan_suite(p);
	struct cstat__ostream os;
	size_t n, w[NCOLS];
	char last[48];
	char(*c)[NCOLS][CELL] = all_cells(p, &n);

	if (!c)
		return CSTAT_ENOMEM;
	at_head(u, last, sizeof(last));
	cstat__os_file(&os, out);
	put_intro(&os, u, "");
	cstat__os_adds(&os, "\n");
	for (size_t k = 0; k < NCOLS; k++) {
		w[k] = width(k == NCOLS - 1 ? last : heads[k]);
		for (size_t i = 0; i < n; i++)
			if (width(c[i][k]) > w[k])
				w[k] = width(c[i][k]);
	}
	for (size_t i = 0; i <= n; i++) {
		for (size_t k = 0; k < NCOLS; k++) {
			const char *s =
				i == 0 ? (k == NCOLS - 1 ? last : heads[k])
				       : c[i - 1][k];
			/* Numbers right-aligned, words left. */
			bool right = k >= 2 && k != 5;
			size_t pad = w[k] - width(s);
			if (k)
				cstat__os_adds(&os, "  ");
			if (right)
				cstat__os_fill(&os, ' ', pad);
			cstat__os_adds(&os, s);
			if (!right && k < NCOLS - 1)
				cstat__os_fill(&os, ' ', pad);
		}
		cstat__os_addc(&os, '\n');
	}
	cstat__os_adds(&os, "\n");
	put_suite(&os, u, "");
	free(c);
	return cstat__os_close(&os);
}

/* Text in a Markdown table cell: '|' and the characters that would start
 * markup escaped. */
static void
md_text(struct cstat__ostream *os, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\|*_`<>[]#~", *s))
			cstat__os_addc(os, '\\');
		cstat__os_addc(os, *s);
	}
}

static int
write_markdown(const cstat_plan *p, FILE *out)
{
	const struct cstat_plan_suite *u = cstat_plan_suite(p);
	struct cstat__ostream os;
	size_t n;
	char last[48];
	char(*c)[NCOLS][CELL] = all_cells(p, &n);

	if (!c)
		return CSTAT_ENOMEM;
	at_head(u, last, sizeof(last));
	cstat__os_file(&os, out);
	cstat__os_adds(&os, "### Run plan\n\n");
	put_intro(&os, u, "");
	cstat__os_adds(&os, "\n|");
	for (size_t k = 0; k < NCOLS; k++)
		cstat__os_printf(&os, " %s |",
				 k == NCOLS - 1 ? last : heads[k]);
	cstat__os_adds(&os, "\n|");
	for (size_t k = 0; k < NCOLS; k++)
		cstat__os_adds(&os, k >= 2 && k != 5 ? "---:|" : "---|");
	cstat__os_addc(&os, '\n');
	for (size_t i = 0; i < n; i++) {
		cstat__os_addc(&os, '|');
		for (size_t k = 0; k < NCOLS; k++) {
			cstat__os_addc(&os, ' ');
			md_text(&os, c[i][k]);
			cstat__os_adds(&os, " |");
		}
		cstat__os_addc(&os, '\n');
	}
	cstat__os_adds(&os, "\n");
	put_suite(&os, u, "");
	free(c);
	return cstat__os_close(&os);
}

/* ,"key":v with v a number, or null when it is not finite. */
static void
json_num(struct cstat__ostream *os, const char *key, double v)
{
	cstat__os_printf(os, ",\"%s\":", key);
	if (isfinite(v))
		cstat__os_go_float(os, v);
	else
		cstat__os_adds(os, "null");
}

static void
json_uint(struct cstat__ostream *os, const char *key, size_t v)
{
	cstat__os_printf(os, ",\"%s\":", key);
	cstat__os_uint(os, v);
}

static void
json_str(struct cstat__ostream *os, const char *key, const char *v)
{
	cstat__os_printf(os, ",\"%s\":", key);
	cstat__os_json_str(os, v, strlen(v));
}

static const char *const status_names[] = {
	[CSTAT_PLAN_OK] = "ok",
	[CSTAT_PLAN_BELOW_THRESHOLD] = "below-threshold",
	[CSTAT_PLAN_BEYOND_MAX] = "beyond-max-count",
	[CSTAT_PLAN_NO_NOISE] = "no-noise-estimate",
};

static void
json_row(struct cstat__ostream *os, const struct cstat_plan_row *w)
{
	cstat__os_adds(os, "{\"name\":");
	cstat__os_json_str(os, w->name, strlen(w->name));
	json_str(os, "unit", w->unit);
	json_str(os, "config", w->config);
	json_uint(os, "values", w->n);
	json_num(os, "noise", w->noise);
	json_num(os, "threshold", w->threshold);
	json_str(os, "rule", w->rule);
	cstat__os_printf(
		os, ",\"higher_better\":%s,\"exact\":%s,\"additive\":%s",
		w->higher_better ? "true" : "false",
		w->exact ? "true" : "false", w->additive ? "true" : "false");
	json_str(os, "status", status_names[w->status]);
	cstat__os_adds(os, ",\"count\":");
	if (w->status == CSTAT_PLAN_OK)
		cstat__os_uint(os, w->count);
	else
		cstat__os_adds(os, "null");
	json_num(os, "power", w->power);
	json_num(os, "power_max", w->power_max);
	json_uint(os, "at_count", w->at_count);
	json_num(os, "power_at", w->power_at);
	cstat__os_addc(os, '}');
}

static int
write_json(const cstat_plan *p, FILE *out)
{
	const struct cstat_plan_suite *u = cstat_plan_suite(p);
	struct cstat__ostream os;
	size_t n = cstat_plan_count(p);

	cstat__os_file(&os, out);
	cstat__os_adds(&os, "{\"schema\":\"cstat-plan/1\"");
	json_str(&os, "model",
		 "lognormal, sd of the first input's log values; the gate's "
		 "simulation");
	json_num(&os, "change", u->change);
	json_num(&os, "power", u->power);
	json_uint(&os, "max_count", u->max_count);
	json_num(&os, "alpha", u->alpha);
	json_num(&os, "level", u->level);
	json_uint(&os, "family", u->family);
	json_str(&os, "threshold_on", u->on_interval ? "interval" : "estimate");
	json_num(&os, "confidence", u->confidence);
	cstat__os_adds(&os, ",\"suite\":{\"count\":");
	if (u->count)
		cstat__os_uint(&os, u->count);
	else
		cstat__os_adds(&os, "null");
	json_uint(&os, "rows", u->rows);
	json_uint(&os, "reachable", u->reachable);
	json_uint(&os, "below_threshold", u->below);
	json_uint(&os, "beyond_max_count", u->beyond);
	json_uint(&os, "no_noise_estimate", u->no_noise);
	cstat__os_adds(&os, ",\"at_count\":");
	if (u->at_count)
		cstat__os_uint(&os, u->at_count);
	else
		cstat__os_adds(&os, "null");
	json_num(&os, "share", u->share);
	cstat__os_adds(&os, "},\"rows\":[");
	for (size_t i = 0; i < n; i++) {
		cstat__os_adds(&os, i ? ",\n" : "\n");
		json_row(&os, cstat_plan_get(p, i));
	}
	cstat__os_adds(&os, "\n]}\n");
	return cstat__os_close(&os);
}

/* The plan's writers by enum cstat_report (the index; an empty row is a
 * report a plan has not), so a new format is one row here. */
static int (*const plan_formats[])(const cstat_plan *p, FILE *out) = {
	[CSTAT_REPORT_TEXT] = write_text,
	[CSTAT_REPORT_MARKDOWN] = write_markdown,
	[CSTAT_REPORT_JSON] = write_json,
};

int
cstat_plan_write(const cstat_plan *p, enum cstat_report fmt, FILE *out)
{
	if (!p || !out)
		return CSTAT_EINVAL;
	if ((unsigned)fmt >= sizeof plan_formats / sizeof plan_formats[0] ||
	    !plan_formats[fmt])
		return CSTAT_EINVAL;
	return plan_formats[fmt](p, out);
}
