/*
 * The scaling analysis's reports (scaling.c computes them): aligned text,
 * a GitHub Markdown table, JSON, CSV and HTML, from one set of cells per row so
 * that every format says the same thing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cstat.h"
#include "numfmt.h"
#include "ostream.h"
#include "plotframe.h" /* the SVG plot's frame */

/* Defined in scaling.c. */
bool cstat__scaling_built(const cstat_scaling *s);
bool cstat__scaling_point(const cstat_scaling *s, size_t r, size_t j, size_t i,
			  double *x, double *y);

#define NCOLS 6
#define CELL 256

/* A number with two decimals, never "-0.00"; infinities spelled out. */
static void
num(char *buf, size_t size, double v)
{
	if (isinf(v))
		snprintf(buf, size, "%s", v < 0 ? "-inf" : "inf");
	else
		cstat__fmt_c(buf, size, "%.2f", fabs(v) < 0.005 ? 0.0 : v);
}

/* A size as the names give it: whole numbers in full (1000000), after
 * the round trip through the logarithm. */
static void
size_num(char *buf, size_t size, double n)
{
	if (fabs(n - round(n)) <= 1e-9 * n && n < 1e15)
		snprintf(buf, size, "%.0f", round(n));
	else
		cstat__fmt_c(buf, size, "%g", n);
}

/* "k 1.02 [0.98, 1.05]" for the first input, "1.31 [1.27, 1.36]" after. */
static void
fit_words(char *buf, size_t size, const struct cstat_scaling_fit *f)
{
	char k[32], lo[32], hi[32];

	if (isnan(f->k)) {
		snprintf(buf, size, "?");
		return;
	}
	num(k, sizeof(k), f->k);
	num(lo, sizeof(lo), f->lo);
	num(hi, sizeof(hi), f->hi);
	snprintf(buf, size, "%s [%s, %s]", k, lo, hi);
}

/* The cells of row r: family, unit, k, class, range, change. */
static void
row_cells(const struct cstat_scaling_row *r, char cells[NCOLS][CELL])
{
	size_t used = 0, first = r->ninputs;

	snprintf(cells[0], CELL, "%s", r->family);
	snprintf(cells[1], CELL, "%s", r->unit);
	cells[2][0] = cells[3][0] = cells[4][0] = 0;
	for (size_t j = 0; j < r->ninputs; j++) {
		char w[128];
		const struct cstat_scaling_fit *f = &r->fits[j];
		fit_words(w, sizeof(w), f);
		used += (size_t)snprintf(cells[2] + used, CELL - used, "%s%s",
					 j ? " -> " : "k ", w);
		size_t cl = strlen(cells[3]);
		snprintf(cells[3] + cl, CELL - cl, "%s%s", j ? " -> " : "",
			 f->class_name ? f->class_name : "?");
		if (first == r->ninputs && !isnan(f->k))
			first = j;
		if (used >= CELL)
			used = CELL - 1;
	}
	if (first < r->ninputs) {
		const struct cstat_scaling_fit *f = &r->fits[first];
		char a[32], b[32];
		size_num(a, sizeof(a), f->nmin);
		size_num(b, sizeof(b), f->nmax);
		snprintf(cells[4], CELL, "%s..%s, %zu sizes, %zu points", a, b,
			 f->nsizes, f->npoints);
	} else if (r->ninputs && r->fits[0].nonpositive) {
		snprintf(cells[4], CELL, "values <= 0 have no logarithm");
	} else {
		snprintf(cells[4], CELL, "fewer than 2 sizes");
	}
	snprintf(cells[5], CELL, "%s", r->changed ? "complexity changed" : "");
}

static const char *const heads[NCOLS] = {"family", "unit",  "k [interval]",
					 "class",  "range", ""};

/* Every row's cells, or NULL when out of memory. */
static char (*all_cells(const cstat_scaling *s, size_t *n))[NCOLS][CELL]
{
	*n = cstat_scaling_count(s);
	char(*c)[NCOLS][CELL] = malloc((*n + 1) * sizeof(*c));
	if (!c)
		return NULL;
	for (size_t i = 0; i < *n; i++)
		row_cells(cstat_scaling_get(s, i), c[i]);
	return c;
}

static void
write_title(const cstat_scaling *s, FILE *out, const char *pre)
{
	const char *key = cstat_scaling_key(s);
	size_t n = cstat_scaling_count(s);
	size_t ninputs = n ? cstat_scaling_get(s, 0)->ninputs : 0;

	char level[CSTAT__FMT_C_SIZE];

	cstat__fmt_c(level, sizeof(level), "%g",
		     cstat_scaling_confidence(s) * 100);
	fprintf(out,
		"%sscaling in %s: cost = c * %s^k; k by Theil-Sen over all "
		"points, %s%% Sen interval\n",
		pre, key, key, level);
	for (size_t j = 0; j < ninputs; j++)
		fprintf(out, "%s%s",
			j ? " -> " : "inputs: ", cstat_scaling_label(s, j));
	if (ninputs)
		fputc('\n', out);
}

static int
write_text(const cstat_scaling *s, FILE *out)
{
	size_t n, w[NCOLS] = {0};
	char(*c)[NCOLS][CELL] = all_cells(s, &n);

	if (!c)
		return CSTAT_ENOMEM;
	for (size_t col = 0; col < NCOLS; col++) {
		w[col] = strlen(heads[col]);
		for (size_t i = 0; i < n; i++)
			if (strlen(c[i][col]) > w[col])
				w[col] = strlen(c[i][col]);
	}
	write_title(s, out, "");
	fputc('\n', out);
	for (size_t i = 0; i <= n; i++) {
		char line[NCOLS * (CELL + 2) + 2];
		size_t used = 0;
		for (size_t col = 0; col < NCOLS; col++) {
			const char *t = i ? c[i - 1][col] : heads[col];
			used += (size_t)sprintf(line + used, "%-*s  ",
						(int)w[col], t);
		}
		while (used > 0 && line[used - 1] == ' ')
			used--;
		line[used] = 0;
		fprintf(out, "%s\n", line);
	}
	free(c);
	return 0;
}

/* Text for HTML: the five characters that matter escaped. */
static void
html_text(FILE *out, const char *t)
{
	for (; *t; t++) {
		switch (*t) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			fputc(*t, out);
		}
	}
}

static int
cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The fit's intercept: the median of y - k x (Theil-Sen's); NaN without. */
static double
intercept(const cstat_scaling *s, size_t r, size_t j, double k)
{
	size_t n = 0;
	double x, y, *v, b;

	while (cstat__scaling_point(s, r, j, n, &x, &y))
		n++;
	if (!n || isnan(k) || !(v = malloc(n * sizeof(*v))))
		return NAN;
	for (size_t i = 0; i < n; i++) {
		cstat__scaling_point(s, r, j, i, &x, &y);
		v[i] = y - k * x;
	}
	qsort(v, n, sizeof(*v), cmp_dbl);
	b = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	free(v);
	return b;
}

/* The frame holding every point of row r; false when it has none. */
static bool
row_frame(const cstat_scaling *s, size_t r, size_t ninputs, struct frame *f)
{
	double x, y;
	bool any = false;

	*f = (struct frame){INFINITY, -INFINITY, INFINITY, -INFINITY};
	for (size_t j = 0; j < ninputs; j++)
		for (size_t i = 0; cstat__scaling_point(s, r, j, i, &x, &y);
		     i++) {
			f->x0 = fmin(f->x0, x);
			f->x1 = fmax(f->x1, x);
			f->y0 = fmin(f->y0, y);
			f->y1 = fmax(f->y1, y);
			any = true;
		}
	if (!any)
		return false;
	if (f->x1 - f->x0 < 1e-9)
		f->x0 -= 1, f->x1 += 1;
	if (f->y1 - f->y0 < 1e-9)
		f->y0 -= 1, f->y1 += 1;
	return true;
}

/* A coordinate (one decimal) and a value (3 digits) in the "C" locale,
 * whatever the host program's, into buf (CSTAT__FMT_C_SIZE bytes). */
static const char *
co(char *buf, double v)
{
	cstat__fmt_c(buf, CSTAT__FMT_C_SIZE, "%.1f", v);
	return buf;
}

static const char *
co3(char *buf, double v)
{
	cstat__fmt_c(buf, CSTAT__FMT_C_SIZE, "%.3g", v);
	return buf;
}

static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c",
				     "#9467bd"};

/* Row r's log-log plot: every point and each input's fitted line. */
static void
html_plot(const cstat_scaling *s, size_t r, FILE *out)
{
	const struct cstat_scaling_row *row = cstat_scaling_get(s, r);
	struct frame f;
	double x, y;
	char a[32], b[32], cx[CSTAT__FMT_C_SIZE], cy[CSTAT__FMT_C_SIZE];

	if (!row_frame(s, r, row->ninputs, &f))
		return;
	fputs("<svg width=\"480\" height=\"300\" viewBox=\"0 0 480 300\" "
	      "role=\"img\"><rect x=\"60\" y=\"20\" width=\"400\" "
	      "height=\"240\" fill=\"none\" stroke=\"#999\"/>\n",
	      out);
	for (size_t j = 0; j < row->ninputs; j++) {
		const char *c = colors[j % 4];
		for (size_t i = 0; cstat__scaling_point(s, r, j, i, &x, &y);
		     i++)
			fprintf(out,
				"<circle cx=\"%s\" cy=\"%s\" r=\"2.5\" "
				"fill=\"%s\" fill-opacity=\"0.5\"/>\n",
				co(cx, px(&f, x)), co(cy, py(&f, y)), c);
		double k = row->fits[j].k, b0 = intercept(s, r, j, k);
		if (isnan(b0))
			continue;
		char x2[CSTAT__FMT_C_SIZE], y2[CSTAT__FMT_C_SIZE];
		fprintf(out,
			"<line x1=\"%s\" y1=\"%s\" x2=\"%s\" y2=\"%s\" "
			"stroke=\"%s\" stroke-width=\"1.5\"%s/>\n",
			co(cx, px(&f, f.x0)), co(cy, py(&f, b0 + k * f.x0)),
			co(x2, px(&f, f.x1)), co(y2, py(&f, b0 + k * f.x1)), c,
			j ? " stroke-dasharray=\"6 3\"" : "");
	}
	size_num(a, sizeof(a), exp(f.x0));
	size_num(b, sizeof(b), exp(f.x1));
	fprintf(out,
		"<text x=\"60\" y=\"278\">%s</text><text x=\"460\" y=\"278\" "
		"text-anchor=\"end\">%s</text>\n"
		"<text x=\"56\" y=\"260\" text-anchor=\"end\">%s</text>"
		"<text x=\"56\" y=\"28\" text-anchor=\"end\">%s</text>\n"
		"<text x=\"260\" y=\"296\" text-anchor=\"middle\">",
		a, b, co3(cx, exp(f.y0)), co3(cy, exp(f.y1)));
	html_text(out, cstat_scaling_key(s));
	fputs(" (log scale)</text></svg>\n", out);
}

static int
write_html(const cstat_scaling *s, FILE *out)
{
	size_t n;
	char(*c)[NCOLS][CELL] = all_cells(s, &n);
	size_t ninputs = n ? cstat_scaling_get(s, 0)->ninputs : 0;

	if (!c)
		return CSTAT_ENOMEM;
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\"><title>cstat: scaling in ",
	      out);
	html_text(out, cstat_scaling_key(s));
	fputs("</title><style>body{font-family:sans-serif;margin:2em}"
	      "td,th{padding:2px 8px;text-align:left}svg text{font-size:11px}"
	      "</style></head><body>\n<p>",
	      out);
	fputs("scaling in ", out);
	html_text(out, cstat_scaling_key(s));
	char level[CSTAT__FMT_C_SIZE];
	cstat__fmt_c(level, sizeof(level), "%g",
		     cstat_scaling_confidence(s) * 100);
	fprintf(out,
		": cost = c * n^k; k by Theil-Sen over all points, %s%% Sen "
		"interval. Plots: log-log axes, each input's points and "
		"fitted line (",
		level);
	for (size_t j = 0; j < ninputs; j++) {
		fprintf(out, "%s<span style=\"color:%s\">", j ? ", " : "",
			colors[j % 4]);
		html_text(out, cstat_scaling_label(s, j));
		fputs(j ? " dashed</span>" : " solid</span>", out);
	}
	fputs(").</p>\n", out);
	for (size_t i = 0; i < n; i++) {
		fputs("<h2>", out);
		html_text(out, c[i][0]);
		fputs(" ", out);
		html_text(out, c[i][1]);
		fputs("</h2>\n<p>", out);
		for (size_t col = 2; col < NCOLS; col++) {
			html_text(out, c[i][col]);
			fputs(col + 1 < NCOLS && c[i][col + 1][0] ? "; " : "",
			      out);
		}
		fputs("</p>\n", out);
		html_plot(s, i, out);
	}
	fputs("</body></html>\n", out);
	free(c);
	return 0;
}

/* A Markdown cell: '|' escaped, as GitHub's tables need. */
static void
md_cell(FILE *out, const char *t)
{
	fputs("| ", out);
	for (; *t; t++) {
		if (*t == '|' || *t == '\\' || *t == '*' || *t == '_')
			fputc('\\', out);
		fputc(*t, out);
	}
	fputc(' ', out);
}

static int
write_markdown(const cstat_scaling *s, FILE *out)
{
	size_t n;
	char(*c)[NCOLS][CELL] = all_cells(s, &n);

	if (!c)
		return CSTAT_ENOMEM;
	write_title(s, out, "");
	fputc('\n', out);
	for (size_t col = 0; col < NCOLS; col++)
		md_cell(out, heads[col]);
	fputs("|\n", out);
	for (size_t col = 0; col < NCOLS; col++)
		fputs(col < 2 ? "| :--- " : "| ---: ", out);
	fputs("|\n", out);
	for (size_t i = 0; i < n; i++) {
		for (size_t col = 0; col < NCOLS; col++)
			md_cell(out, c[i][col]);
		fputs("|\n", out);
	}
	free(c);
	return 0;
}

/* A number, or null for NaN and infinities (JSON has neither). */
static cJSON *
jnum(double v)
{
	return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull();
}

static cJSON *
json_fit(const struct cstat_scaling_fit *f)
{
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return NULL;
	cJSON_AddItemToObject(o, "k", jnum(f->k));
	cJSON_AddItemToObject(o, "lo", jnum(f->lo));
	cJSON_AddItemToObject(o, "hi", jnum(f->hi));
	cJSON_AddItemToObject(o, "nmin", jnum(f->npoints ? f->nmin : NAN));
	cJSON_AddItemToObject(o, "nmax", jnum(f->npoints ? f->nmax : NAN));
	cJSON_AddNumberToObject(o, "sizes", (double)f->nsizes);
	cJSON_AddNumberToObject(o, "points", (double)f->npoints);
	cJSON_AddNumberToObject(o, "pairs", (double)f->npairs);
	cJSON_AddNumberToObject(o, "nonpositive", (double)f->nonpositive);
	cJSON_AddItemToObject(o, "class",
			      f->class_name ? cJSON_CreateString(f->class_name)
					    : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "nearest",
			      f->nearest ? cJSON_CreateString(f->nearest)
					 : cJSON_CreateNull());
	return o;
}

static cJSON *
json_doc(const cstat_scaling *s)
{
	cJSON *doc = cJSON_CreateObject(), *rows, *inputs;
	size_t n = cstat_scaling_count(s);
	size_t ninputs = n ? cstat_scaling_get(s, 0)->ninputs : 0;

	cJSON_AddStringToObject(doc, "schema", "cstat-scaling/1");
	cJSON_AddStringToObject(doc, "key", cstat_scaling_key(s));
	cJSON_AddNumberToObject(doc, "confidence", cstat_scaling_confidence(s));
	cJSON_AddStringToObject(doc, "estimator", "theil-sen, all points");
	inputs = cJSON_AddArrayToObject(doc, "inputs");
	for (size_t j = 0; j < ninputs; j++)
		cJSON_AddItemToArray(
			inputs, cJSON_CreateString(cstat_scaling_label(s, j)));
	rows = cJSON_AddArrayToObject(doc, "rows");
	for (size_t i = 0; i < n; i++) {
		const struct cstat_scaling_row *r = cstat_scaling_get(s, i);
		cJSON *o = cJSON_CreateObject(), *fits;
		cJSON_AddItemToArray(rows, o);
		cJSON_AddStringToObject(o, "family", r->family);
		cJSON_AddStringToObject(o, "unit", r->unit);
		cJSON_AddBoolToObject(o, "changed", r->changed);
		fits = cJSON_AddArrayToObject(o, "fits");
		for (size_t j = 0; j < r->ninputs; j++)
			cJSON_AddItemToArray(fits, json_fit(&r->fits[j]));
	}
	return doc;
}

static int
write_json(const cstat_scaling *s, FILE *out)
{
	cJSON *doc = json_doc(s);
	char *text = doc ? cJSON_Print(doc) : NULL;

	cJSON_Delete(doc);
	if (!text)
		return CSTAT_ENOMEM;
	fputs(text, out);
	fputc('\n', out);
	free(text);
	return 0;
}

/* A CSV number: Go's shortest form ("+Inf", "-Inf"), empty for NaN. */
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

/* A CSV text field after a comma (the first of a line without). */
static void
csv_text(struct cstat__ostream *os, const char *t, bool first)
{
	if (!first)
		cstat__os_addc(os, ',');
	cstat__os_csv(os, t ? t : "", CSTAT__CSV_RFC4180, true);
}

/*
 * CSV: a header row, then one line per row and input (long form, for a
 * spreadsheet or a script): every number of the fit, a class only where
 * the interval supports it, and whether this input's interval misses the
 * first input's ("complexity changed").
 */
static int
write_csv(const cstat_scaling *s, FILE *out)
{
	struct cstat__ostream os;

	cstat__os_file(&os, out);
	cstat__os_adds(&os, "family,unit,input,k,lo,hi,class,nearest,nmin,"
			    "nmax,sizes,points,nonpositive,changed\n");
	for (size_t i = 0; i < cstat_scaling_count(s); i++) {
		const struct cstat_scaling_row *r = cstat_scaling_get(s, i);

		for (size_t j = 0; j < r->ninputs; j++) {
			const struct cstat_scaling_fit *f = &r->fits[j];

			csv_text(&os, r->family, true);
			csv_text(&os, r->unit, false);
			csv_text(&os, cstat_scaling_label(s, j), false);
			csv_num(&os, f->k);
			csv_num(&os, f->lo);
			csv_num(&os, f->hi);
			csv_text(&os, f->class_name, false);
			csv_text(&os, f->nearest, false);
			csv_num(&os, f->npoints ? f->nmin : NAN);
			csv_num(&os, f->npoints ? f->nmax : NAN);
			cstat__os_printf(&os, ",%zu,%zu,%zu,%s\n", f->nsizes,
					 f->npoints, f->nonpositive,
					 j > 0 && (f->lo > r->fits[0].hi ||
						   f->hi < r->fits[0].lo)
						 ? "true"
						 : "false");
		}
	}
	return cstat__os_close(&os);
}

/* The scaling writers by enum cstat_format (the index; an empty row is a
 * format the analysis has not), so a new format is one row here. */
static int (*const scaling_formats[])(const cstat_scaling *s, FILE *out) = {
	[CSTAT_FORMAT_TEXT] = write_text,
	[CSTAT_FORMAT_CSV] = write_csv,
	[CSTAT_FORMAT_HTML] = write_html,
	[CSTAT_FORMAT_MARKDOWN] = write_markdown,
	[CSTAT_FORMAT_JSON] = write_json,
};

int
cstat_scaling_write(const cstat_scaling *s, enum cstat_format fmt, FILE *out)
{
	int rc;

	if (!s || !out)
		return CSTAT_EINVAL;
	if (!cstat__scaling_built(s))
		return CSTAT_ESTATE;
	if ((unsigned)fmt >=
		    sizeof scaling_formats / sizeof scaling_formats[0] ||
	    !scaling_formats[fmt])
		return CSTAT_EINVAL;
	rc = scaling_formats[fmt](s, out);
	if (!rc && ferror(out))
		rc = CSTAT_EIO;
	return rc;
}
