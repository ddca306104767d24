/*
 * diagnose-write.c - the data-quality findings in words, and the report
 * in text, Markdown and JSON.
 *
 * Every finding is one sentence: what the values show, with the number
 * behind it, then after a colon what to do.  The three formats carry the
 * same sentences; JSON adds every number of every cell.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cstat.h"
#include "html.h"
#include "numfmt.h"
#include "ostream.h"

/* snprintf's count as a size_t (a negative count cannot happen with
 * these formats; 0 then). */
static size_t
put(char *buf, size_t size, int n)
{
	(void)buf;
	(void)size;
	return n < 0 ? 0 : (size_t)n;
}

static size_t
trend_text(const struct cstat_diagnosis *g, char *buf, size_t size)
{
	const char *dir = g->trend_dir < 0 ? "fall" : "rise";
	char where[64];

	if (g->trend_from == 1 && g->trend_to < g->n) {
		if (g->trend_to == 1)
			snprintf(where, sizeof(where), "after the first run");
		else
			snprintf(where, sizeof(where),
				 "over the first %zu runs", g->trend_to);
		return put(buf, size,
			   snprintf(buf, size,
				    "values %s %s (%s p=%.2g): add "
				    "-benchtime or discard warm-up runs",
				    dir, where,
				    g->trend_by_step ? "step test"
						     : "Mann-Kendall",
				    g->trend_by_step ? g->step_p : g->trend_p));
	}
	if (g->trend_from > 1)
		return put(buf, size,
			   snprintf(buf, size,
				    "values %s from run %zu on (Mann-Kendall "
				    "p=%.2g): thermal throttling or background "
				    "load? let the machine cool, pin the CPU "
				    "frequency, interleave old and new runs",
				    dir, g->trend_from, g->trend_p));
	return put(buf, size,
		   snprintf(buf, size,
			    "values %s across all %zu runs (Mann-Kendall "
			    "p=%.2g): drift (thermal throttling, background "
			    "load): pin the CPU frequency, interleave old and "
			    "new runs",
			    dir, g->n, g->trend_p));
}

static size_t
outlier_text(const struct cstat_diagnosis *g, char *buf, size_t size)
{
	char runs[128] = "";
	size_t len = 0, shown = g->noutliers < CSTAT_DIAG_MAX_RUNS
					? g->noutliers
					: CSTAT_DIAG_MAX_RUNS;

	for (size_t i = 0; i < shown && len < sizeof(runs); i++)
		len += put(runs, 0,
			   snprintf(runs + len, sizeof(runs) - len, "%s%zu",
				    i ? ", " : "", g->outlier_runs[i]));
	return put(buf, size,
		   snprintf(buf, size,
			    "%zu value%s beyond Tukey's fences [%.4g, %.4g] "
			    "(%zu far out), run%s %s%s: look for interference "
			    "(background load, GC) in %s and re-run",
			    g->noutliers, g->noutliers == 1 ? "" : "s",
			    g->fence_lo, g->fence_hi, g->nfar,
			    g->noutliers == 1 ? "" : "s", runs,
			    g->noutliers > shown ? ", ..." : "",
			    g->noutliers == 1 ? "that run" : "those runs"));
}

/* The smallest count a side whose exact U test can reach alpha. */
static size_t
count_for_alpha(double alpha)
{
	double c = 2; /* C(2m, m) at m = 1 */

	for (size_t m = 1; m < 64; m++) {
		if (2 / c <= alpha)
			return m;
		c = c * (double)(2 * m + 2) * (double)(2 * m + 1) /
		    ((double)(m + 1) * (double)(m + 1));
	}
	return 64;
}

size_t
cstat_diagnosis_text(const struct cstat_diagnosis *g, unsigned f, char *buf,
		     size_t size)
{
	if (size)
		buf[0] = '\0';
	if (!g || !(g->findings & f))
		return 0;
	switch (f) {
	case CSTAT_DIAG_TREND:
		return trend_text(g, buf, size);
	case CSTAT_DIAG_MODES:
		return put(buf, size,
			   snprintf(buf, size,
				    "two modes: %zu values below a gap %.2g "
				    "times as wide as either side, %zu above: "
				    "look for a second state (CPU frequency, "
				    "GC, memory placement) and raise -count",
				    g->gap_low, g->gap_ratio,
				    g->n - g->gap_low));
	case CSTAT_DIAG_OUTLIERS:
		return outlier_text(g, buf, size);
	case CSTAT_DIAG_NOISY:
		return put(buf, size,
			   snprintf(buf, size,
				    "CV %.2g%% at n=%zu: changes under %.2g%% "
				    "go undetected (80%% power), above the "
				    "%.3g%% threshold: raise -count to %zu a "
				    "side or "
				    "reduce the noise",
				    100 * g->cv, g->n, 100 * g->detectable,
				    100 * g->threshold, g->count_needed));
	case CSTAT_DIAG_FEW:
		return put(
			buf, size,
			snprintf(buf, size,
				 "too few values: the U test's smallest p "
				 "is %.2g > alpha %.3g, so it can never "
				 "decide: raise -count to at least %zu a side",
				 g->min_p, g->alpha,
				 count_for_alpha(g->alpha)));
	default:
		return 0;
	}
}

static const char *const kind_names[] = {"trend", "modes", "outliers", "noisy",
					 "few"};
#define NKINDS 5

static unsigned
shown(const struct cstat_diagnosis *g, bool all)
{
	return all ? g->findings : g->strong;
}

static void
write_text(const cstat_diagnose *dg, bool all, FILE *out)
{
	size_t n = cstat_diagnose_count(dg), with = 0;
	char buf[512];

	for (size_t i = 0; i < n; i++)
		with += shown(cstat_diagnose_get(dg, i), all) != 0;
	if (!all && !with)
		return;
	fprintf(out, "data-quality diagnostics%s: %zu cells, %zu with %s\n",
		all ? "" : " (strong findings; -diagnose for all)", n, with,
		all ? "findings" : "strong findings");
	for (size_t i = 0; i < n; i++) {
		const struct cstat_diagnosis *g = cstat_diagnose_get(dg, i);
		unsigned f = shown(g, all);
		if (!f)
			continue;
		fprintf(out, "%s  %s  %s  n=%zu\n", g->input, g->name, g->unit,
			g->n);
		for (unsigned k = 0; k < NKINDS; k++) {
			if (!(f & (1u << k)))
				continue;
			cstat_diagnosis_text(g, 1u << k, buf, sizeof(buf));
			fprintf(out, "  %s: %s\n", kind_names[k], buf);
		}
	}
}

/* Text from the input in a table cell: no line breaks, pipes escaped,
 * HTML's specials as entities. */
static void
md_escape(const char *s, FILE *out)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' ||
		    *s == '`' || *s == '[' || *s == ']')
			fprintf(out, "\\%c", *s);
		else if (*s == '<')
			fputs("&lt;", out);
		else if (*s == '>')
			fputs("&gt;", out);
		else if (*s == '&')
			fputs("&amp;", out);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

static void
write_markdown(const cstat_diagnose *dg, bool all, FILE *out)
{
	size_t n = cstat_diagnose_count(dg);
	char buf[512];
	bool head = false;

	for (size_t i = 0; i < n; i++) {
		const struct cstat_diagnosis *g = cstat_diagnose_get(dg, i);
		unsigned f = shown(g, all);
		for (unsigned k = 0; k < NKINDS; k++) {
			if (!(f & (1u << k)))
				continue;
			if (!head)
				fputs("| input | benchmark | unit | n | check "
				      "| finding "
				      "|\n|:--|:--|:--|--:|:--|:--|\n",
				      out);
			head = true;
			cstat_diagnosis_text(g, 1u << k, buf, sizeof(buf));
			fputs("| ", out);
			md_escape(g->input, out);
			fputs(" | ", out);
			md_escape(g->name, out);
			fputs(" | ", out);
			md_escape(g->unit, out);
			fprintf(out, " | %zu | %s | ", g->n, kind_names[k]);
			md_escape(buf, out);
			fputs(" |\n", out);
		}
	}
	if (all && !head)
		fprintf(out, "No data-quality finding in %zu cells.\n", n);
}

static void
json_string(const char *s, FILE *out)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* A JSON number, null for NaN and infinities. */
static void
json_num(const char *name, double x, FILE *out)
{
	if (isfinite(x))
		fprintf(out, ",\"%s\":%.17g", name, x);
	else
		fprintf(out, ",\"%s\":null", name);
}

static void
json_cell(const struct cstat_diagnosis *g, bool all, FILE *out)
{
	char buf[512];

	fputs("{\"input\":", out);
	json_string(g->input, out);
	fputs(",\"name\":", out);
	json_string(g->name, out);
	fputs(",\"unit\":", out);
	json_string(g->unit, out);
	fprintf(out, ",\"n\":%zu", g->n);
	json_num("median", g->median, out);
	json_num("cv", g->cv, out);
	json_num("trend_s", g->trend_s, out);
	json_num("trend_p", g->trend_p, out);
	fprintf(out, ",\"trend_exact\":%s,\"trend_dir\":%d",
		g->trend_exact ? "true" : "false", g->trend_dir);
	fprintf(out, ",\"trend_from\":%zu,\"trend_to\":%zu", g->trend_from,
		g->trend_to);
	json_num("step_p", g->step_p, out);
	fprintf(out, ",\"step_k\":%zu,\"trend_by_step\":%s", g->step_k,
		g->trend_by_step ? "true" : "false");
	json_num("gap_ratio", g->gap_ratio, out);
	fprintf(out, ",\"gap_low\":%zu", g->gap_low);
	json_num("fence_lo", g->fence_lo, out);
	json_num("fence_hi", g->fence_hi, out);
	fprintf(out, ",\"outliers\":%zu,\"far_out\":%zu,\"outlier_runs\":[",
		g->noutliers, g->nfar);
	for (size_t i = 0; i < g->noutliers && i < CSTAT_DIAG_MAX_RUNS; i++)
		fprintf(out, "%s%zu", i ? "," : "", g->outlier_runs[i]);
	fputc(']', out);
	json_num("detectable", g->detectable, out);
	fprintf(out, ",\"count_needed\":%zu", g->count_needed);
	json_num("min_p", g->min_p, out);
	fputs(",\"findings\":[", out);
	bool first = true;
	for (unsigned k = 0; k < NKINDS; k++) {
		if (!(shown(g, all) & (1u << k)))
			continue;
		cstat_diagnosis_text(g, 1u << k, buf, sizeof(buf));
		fprintf(out, "%s{\"check\":\"%s\",\"strong\":%s,\"text\":",
			first ? "" : ",", kind_names[k],
			g->strong & (1u << k) ? "true" : "false");
		json_string(buf, out);
		fputc('}', out);
		first = false;
	}
	fputs("]}", out);
}

static void
write_json(const cstat_diagnose *dg, bool all, FILE *out)
{
	size_t n = cstat_diagnose_count(dg);

	fputs("{\"schema\":\"cstat-diagnose/1\",\"cells\":[", out);
	for (size_t i = 0; i < n; i++) {
		if (i)
			fputc(',', out);
		fputs("\n", out);
		json_cell(cstat_diagnose_get(dg, i), all, out);
	}
	fputs("\n]}\n", out);
}

/* The diagnosis writers by enum cstat_format (the index; an empty row is a
 * format the diagnosis has not), so a new format is one row here. */
/* A CSV number after a comma: Go's shortest form, empty for NaN. */
static void
csv_num(struct cstat__ostream *os, double v)
{
	char buf[CSTAT__GO_FLOAT_SIZE];

	cstat__os_addc(os, ',');
	if (!isnan(v)) {
		cstat__fmt_go_float(buf, v);
		cstat__os_adds(os, buf);
	}
}

/* The names of the findings in bits f, joined by ';'. */
static void
csv_kinds(struct cstat__ostream *os, unsigned f)
{
	bool first = true;

	cstat__os_addc(os, ',');
	for (unsigned k = 0; k < NKINDS; k++)
		if (f & (1u << k)) {
			cstat__os_adds(os, first ? "" : ";");
			cstat__os_adds(os, kind_names[k]);
			first = false;
		}
}

/*
 * CSV: a header row, then a line per cell (with all false, per cell with a
 * strong finding) with every number and its findings' names.
 */
static void
write_csv(const cstat_diagnose *dg, bool all, FILE *out)
{
	struct cstat__ostream os;
	size_t n = cstat_diagnose_count(dg);

	cstat__os_file(&os, out);
	cstat__os_adds(&os, "input,name,unit,n,median,cv,trend_s,trend_p,"
			    "trend_dir,trend_from,trend_to,step_p,step_k,"
			    "gap_ratio,fence_lo,fence_hi,outliers,far_out,"
			    "detectable,count_needed,min_p,findings,strong\n");
	for (size_t i = 0; i < n; i++) {
		const struct cstat_diagnosis *g = cstat_diagnose_get(dg, i);
		if (!all && !g->strong)
			continue;
		cstat__os_csv(&os, g->input, CSTAT__CSV_RFC4180, true);
		cstat__os_addc(&os, ',');
		cstat__os_csv(&os, g->name, CSTAT__CSV_RFC4180, true);
		cstat__os_addc(&os, ',');
		cstat__os_csv(&os, g->unit, CSTAT__CSV_RFC4180, true);
		cstat__os_printf(&os, ",%zu", g->n);
		csv_num(&os, g->median);
		csv_num(&os, g->cv);
		csv_num(&os, g->trend_s);
		csv_num(&os, g->trend_p);
		cstat__os_printf(&os, ",%d,%zu,%zu", g->trend_dir,
				 g->trend_from, g->trend_to);
		csv_num(&os, g->step_p);
		cstat__os_printf(&os, ",%zu", g->step_k);
		csv_num(&os, g->gap_ratio);
		csv_num(&os, g->fence_lo);
		csv_num(&os, g->fence_hi);
		cstat__os_printf(&os, ",%zu,%zu", g->noutliers, g->nfar);
		csv_num(&os, g->detectable);
		cstat__os_printf(&os, ",%zu", g->count_needed);
		csv_num(&os, g->min_p);
		csv_kinds(&os, g->findings);
		csv_kinds(&os, g->strong);
		cstat__os_addc(&os, '\n');
	}
	cstat__os_close(&os);
}

static void
html_str(struct cstat__ostream *os, const char *s)
{
	cstat__os_html_text(os, s, strlen(s));
}

/* HTML: a page with a table of the findings (strong ones in bold). */
static void
write_html(const cstat_diagnose *dg, bool all, FILE *out)
{
	struct cstat__ostream os;
	size_t n = cstat_diagnose_count(dg), with = 0;
	char buf[512];

	for (size_t i = 0; i < n; i++)
		with += shown(cstat_diagnose_get(dg, i), all) != 0;
	cstat__os_file(&os, out);
	cstat__html_begin(&os);
	cstat__os_adds(&os, "<title>cstat: data-quality diagnostics</title>\n");
	cstat__html_body(&os, NULL);
	cstat__os_printf(&os,
			 "<h1>Data-quality diagnostics</h1>\n<p>%zu cells, "
			 "%zu with %s; strong findings in bold.</p>\n",
			 n, with, all ? "findings" : "strong findings");
	if (with)
		cstat__os_adds(&os, "<table>\n<thead><tr><th>input</th>"
				    "<th>benchmark</th><th>unit</th><th>n</th>"
				    "<th>check</th><th>finding: what to do</th>"
				    "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct cstat_diagnosis *g = cstat_diagnose_get(dg, i);
		unsigned f = shown(g, all);
		for (unsigned k = 0; k < NKINDS; k++) {
			bool strong = g->strong & (1u << k);
			if (!(f & (1u << k)))
				continue;
			cstat_diagnosis_text(g, 1u << k, buf, sizeof(buf));
			cstat__os_adds(&os, "<tr><td>");
			html_str(&os, g->input);
			cstat__os_adds(&os, "</td><td>");
			html_str(&os, g->name);
			cstat__os_adds(&os, "</td><td>");
			html_str(&os, g->unit);
			cstat__os_printf(
				&os, "</td><td>%zu</td><td>%s</td><td>%s", g->n,
				kind_names[k], strong ? "<b>" : "");
			html_str(&os, buf);
			cstat__os_adds(&os, strong ? "</b></td></tr>\n"
						   : "</td></tr>\n");
		}
	}
	if (with)
		cstat__os_adds(&os, "</tbody>\n</table>\n");
	cstat__html_end(&os);
}

static void (*const diagnose_formats[])(const cstat_diagnose *dg, bool all,
					FILE *out) = {
	[CSTAT_FORMAT_TEXT] = write_text,
	[CSTAT_FORMAT_CSV] = write_csv,
	[CSTAT_FORMAT_HTML] = write_html,
	[CSTAT_FORMAT_MARKDOWN] = write_markdown,
	[CSTAT_FORMAT_JSON] = write_json,
};

int
cstat_diagnose_write(const cstat_diagnose *dg, enum cstat_format fmt, bool all,
		     FILE *out)
{
	if (!dg || !out)
		return CSTAT_EINVAL;
	if (cstat_diagnose_count(dg) && !cstat_diagnose_get(dg, 0))
		return CSTAT_ESTATE;
	if ((unsigned)fmt >=
		    sizeof diagnose_formats / sizeof diagnose_formats[0] ||
	    !diagnose_formats[fmt])
		return CSTAT_EINVAL;
	diagnose_formats[fmt](dg, all, out);
	return ferror(out) ? CSTAT_EIO : 0;
}
