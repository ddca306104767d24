/*
 * v1-render.c - old benchstat's text, CSV and HTML tables (cstat -v1).
 *
 * Text (benchstat FormatText): column widths are shared by all tables, the
 * heading's middle columns are left-aligned, data right-aligned, and a
 * final "(p=...)" note left-aligned; group headers are printed when the
 * group changes.  CSV (FormatCSV): one record list per table, blank lines
 * between, "%.5E" means and "%.0f%%" ranges, trailing empty fields
 * trimmed.  HTML (FormatHTML): the fixed page and the template's exact
 * whitespace.
 */
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "v1.h"

#define CELL_SIZE 512

void
cstat__v1_cell_text(const struct cstat__v1_view *v,
		    const struct cstat__v1_row *r,
		    const struct cstat__v1_metrics *m, char *buf, size_t size)
{
	char mean[CSTAT__SCALE_SIZE], diff[CSTAT__GO_FIXED_SIZE(0) + 2];
	const char *unit;

	if (!m || m->unit == UINT32_MAX) {
		buf[0] = '\0';
		return;
	}
	unit = cstat__strtab_str(v->strs, m->unit);
	cstat__v1_scale(r->scale_val, unit, m->mean, mean, sizeof(mean));
	cstat__v1_range_text(m->min, m->mean, m->max, diff, sizeof(diff));
	/* Composed whole, then cut to size (the parts can be long, and gcc
	 * -O3 wants the bound visible). */
	char text[sizeof(mean) + sizeof(diff) + 16];
	if (!diff[0])
		snprintf(text, sizeof(text), "%s     ", mean);
	else
		snprintf(text, sizeof(text), "%s \u00b1%3s", mean, diff);
	cstat__strlcpy(buf, text, size);
}

static const char *
row_name(const struct cstat__v1_view *v, const struct cstat__v1_row *r)
{
	return r->bench == UINT32_MAX ? "[Geo mean]"
				      : cstat__strtab_str(v->strs, r->bench);
}

/* One printed row: its columns, and its group for data rows. */
struct trow {
	char **cols;
	size_t n;
	const char *group;
};

static int
trow_add(struct trow *t, const char *s)
{
	char **nc = realloc(t->cols, (t->n + 1) * sizeof(*nc));
	if (!nc)
		return CSTAT_ENOMEM;
	t->cols = nc;
	t->cols[t->n] = strdup(s);
	if (!t->cols[t->n])
		return CSTAT_ENOMEM;
	t->n++;
	return 0;
}

static void
trow_trim(struct trow *t)
{
	while (t->n > 0 && t->cols[t->n - 1][0] == '\0')
		free(t->cols[--t->n]);
}

static void
trows_free(struct trow *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < rows[i].n; j++)
			free(rows[i].cols[j]);
		free(rows[i].cols);
	}
	free(rows);
}

/* toText: the heading and data rows of one table. */
static int
to_text(const struct cstat__v1_view *v, const struct cstat__v1_table *t,
	struct trow **out, size_t *nout)
{
	char buf[CELL_SIZE];
	size_t n = t->nrows + 1;
	struct trow *rows = calloc(n, sizeof(*rows));
	int rc = 0;

	if (!rows)
		return CSTAT_ENOMEM;
	rc = trow_add(&rows[0], "name");
	if (v->nconfigs == 1) {
		rc = rc ? rc : trow_add(&rows[0], t->metric);
	} else if (v->nconfigs == 2) {
		snprintf(buf, sizeof(buf), "old %s", t->metric);
		rc = rc ? rc : trow_add(&rows[0], buf);
		snprintf(buf, sizeof(buf), "new %s", t->metric);
		rc = rc ? rc : trow_add(&rows[0], buf);
		rc = rc ? rc : trow_add(&rows[0], "delta");
	} else {
		free(rows[0].cols[0]);
		snprintf(buf, sizeof(buf), "name \\ %s", t->metric);
		rows[0].cols[0] = rc ? NULL : strdup(buf);
		if (!rc && !rows[0].cols[0])
			rc = CSTAT_ENOMEM;
		for (size_t k = 0; k < v->nconfigs && !rc; k++)
			rc = trow_add(
				&rows[0],
				cstat__strtab_str(v->strs, v->configs[k]));
	}
	for (size_t i = 0; i < t->nrows && !rc; i++) {
		const struct cstat__v1_row *r = &t->rows[i];
		struct trow *tr = &rows[i + 1];
		tr->group = cstat__strtab_str(v->strs, r->group);
		if (r->bench == UINT32_MAX)
			tr->group = "";
		rc = trow_add(tr, row_name(v, r));
		for (size_t k = 0; k < v->nconfigs && !rc; k++) {
			cstat__v1_cell_text(v, r, r->cells[k], buf,
					    sizeof(buf));
			rc = trow_add(tr, buf);
		}
		if (!rc && v->nconfigs == 2) {
			rc = trow_add(tr, strcmp(r->delta, "~") == 0
						  ? "~   "
						  : r->delta);
			rc = rc ? rc : trow_add(tr, r->note);
		}
	}
	for (size_t i = 0; i < n; i++)
		trow_trim(&rows[i]);
	if (rc) {
		trows_free(rows, n);
		return rc;
	}
	*out = rows;
	*nout = n;
	return 0;
}

static void
pad(FILE *out, size_t n)
{
	while (n--)
		fputc(' ', out);
}

static size_t
runes(const char *s)
{
	return cstat__utf8_runes(s, strlen(s));
}

int
cstat__v1_write_text(const struct cstat__v1_view *v, FILE *out)
{
	struct trow **tabs = calloc(v->ntables + 1, sizeof(*tabs));
	size_t *ns = calloc(v->ntables + 1, sizeof(*ns));
	size_t *max = NULL, nmax = 0;
	int rc = 0;

	if (!tabs || !ns) {
		rc = CSTAT_ENOMEM;
		goto out;
	}
	for (size_t t = 0; t < v->ntables && !rc; t++)
		rc = to_text(v, &v->tables[t], &tabs[t], &ns[t]);
	for (size_t t = 0; t < v->ntables && !rc; t++) {
		for (size_t i = 0; i < ns[t]; i++) {
			const struct trow *r = &tabs[t][i];
			if (r->n > nmax) {
				size_t *nm = realloc(max, r->n * sizeof(*nm));
				if (!nm) {
					rc = CSTAT_ENOMEM;
					goto out;
				}
				for (size_t j = nmax; j < r->n; j++)
					nm[j] = 0;
				max = nm;
				nmax = r->n;
			}
			for (size_t j = 0; j < r->n; j++) {
				size_t w = runes(r->cols[j]);
				if (w > max[j])
					max[j] = w;
			}
		}
	}
	for (size_t t = 0; t < v->ntables && !rc; t++) {
		const struct trow *h = &tabs[t][0];
		if (t > 0)
			fputc('\n', out);
		for (size_t j = 0; j < h->n; j++) {
			const char *s = h->cols[j];
			if (j == 0) {
				fputs(s, out);
				pad(out, max[j] - runes(s));
			} else if (j == h->n - 1) {
				fprintf(out, "  %s\n", s);
			} else {
				fprintf(out, "  %s", s);
				pad(out, max[j] - runes(s));
			}
		}
		const char *group = "";
		for (size_t i = 1; i < ns[t]; i++) {
			const struct trow *r = &tabs[t][i];
			if (v->groups && strcmp(r->group, group) != 0) {
				group = r->group;
				fprintf(out, "%s\n", group);
			}
			for (size_t j = 0; j < r->n; j++) {
				const char *s = r->cols[j];
				if (j == 0) {
					/* A name alone is not padded. */
					fputs(s, out);
					if (r->n > 1)
						pad(out, max[j] - runes(s));
				} else if (j == r->n - 1 && s[0] == '(') {
					fprintf(out, "  %s", s);
				} else {
					fputs("  ", out);
					pad(out, max[j] - runes(s));
					fputs(s, out);
				}
			}
			fputc('\n', out);
		}
	}
	if (!rc && ferror(out))
		rc = CSTAT_EIO;
out:
	if (tabs)
		for (size_t t = 0; t < v->ntables; t++)
			trows_free(tabs[t], ns[t]);
	free(tabs);
	free(ns);
	free(max);
	return rc;
}

/* ------------------------------------------------------------------------
 * CSV.
 */

/* One field as Go's encoding/csv writes it. */
static void
csv_field(FILE *out, const char *s)
{
	bool quote = false;

	if (s[0]) {
		quote = strpbrk(s, ",\"\r\n") != NULL;
		if (!quote) {
			unsigned long cp;
			cstat__utf8_decode((const unsigned char *)s, strlen(s),
					   &cp);
			quote = cstat__unicode_space(cp);
		}
	}
	if (!quote) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void
csv_record(FILE *out, const struct trow *r)
{
	for (size_t j = 0; j < r->n; j++) {
		if (j)
			fputc(',', out);
		csv_field(out, r->cols[j]);
	}
	fputc('\n', out);
}

/* The length of the configs' common prefix, cut back to a '/'. */
static size_t
common_prefix(const struct cstat__v1_view *v)
{
	const char *first = cstat__strtab_str(v->strs, v->configs[0]);
	size_t n = strlen(first);

	for (size_t k = 1; k < v->nconfigs; k++) {
		const char *s = cstat__strtab_str(v->strs, v->configs[k]);
		size_t i = 0;
		while (i < n && s[i] == first[i])
			i++;
		n = i;
	}
	while (n > 0 && first[n - 1] != '/')
		n--;
	return n;
}

static void
sci(double x, char *buf, size_t size)
{
	if (x != x)
		snprintf(buf, size, "NaN");
	else if (x > 1e308 * 10)
		snprintf(buf, size, "+Inf");
	else if (x < -1e308 * 10)
		snprintf(buf, size, "-Inf");
	else
		cstat__fmt_c(buf, size, "%.5E", x);
}

static int
csv_table(const struct cstat__v1_view *v, const struct cstat__v1_table *t,
	  bool norange, FILE *out)
{
	char buf[CELL_SIZE];
	const char *unit = cstat__strtab_str(v->strs, t->unit);
	struct trow h = {0};
	int rc = 0;

	if (v->nconfigs <= 2) {
		rc = trow_add(&h, "name");
		for (size_t k = 0; k < v->nconfigs && !rc; k++) {
			snprintf(buf, sizeof(buf), "%s%s (%s)",
				 v->nconfigs == 1 ? ""
				 : k == 0	  ? "old "
						  : "new ",
				 t->metric, unit);
			rc = trow_add(&h, buf);
			if (!rc && !norange)
				rc = trow_add(&h, "\u00b1");
		}
		if (!rc && v->nconfigs == 2) {
			rc = trow_add(&h, "delta");
			if (!rc && !norange)
				rc = trow_add(&h, "\u00b1");
		}
	} else {
		size_t pre = common_prefix(v);
		snprintf(buf, sizeof(buf), "name \\ %s (%s)", t->metric, unit);
		rc = trow_add(&h, buf);
		for (size_t k = 0; k < v->nconfigs && !rc; k++) {
			rc = trow_add(
				&h, cstat__strtab_str(v->strs, v->configs[k]) +
					    pre);
			if (!rc && !norange)
				rc = trow_add(&h, "\u00b1");
		}
	}
	if (!rc)
		csv_record(out, &h);
	for (size_t j = 0; j < h.n; j++)
		free(h.cols[j]);
	free(h.cols);

	const char *group = "";
	for (size_t i = 0; i < t->nrows && !rc; i++) {
		const struct cstat__v1_row *r = &t->rows[i];
		const char *g = r->bench == UINT32_MAX
					? ""
					: cstat__strtab_str(v->strs, r->group);
		struct trow tr = {0};
		if (v->groups && strcmp(g, group) != 0) {
			group = g;
			csv_field(out, g);
			fputc('\n', out);
		}
		rc = trow_add(&tr, row_name(v, r));
		for (size_t k = 0; k < v->nconfigs && !rc; k++) {
			const struct cstat__v1_metrics *m = r->cells[k];
			if (m && m->unit != UINT32_MAX) {
				sci(m->mean, buf, sizeof(buf));
				rc = trow_add(&tr, buf);
				cstat__v1_range_text(m->min, m->mean, m->max,
						     buf, sizeof(buf));
			} else {
				rc = trow_add(&tr, "");
				buf[0] = '\0';
			}
			if (!rc && !norange)
				rc = trow_add(&tr, buf);
		}
		if (!rc && v->nconfigs == 2) {
			rc = trow_add(&tr, r->delta);
			rc = rc ? rc : trow_add(&tr, r->note);
		}
		trow_trim(&tr);
		if (!rc)
			csv_record(out, &tr);
		for (size_t j = 0; j < tr.n; j++)
			free(tr.cols[j]);
		free(tr.cols);
	}
	return rc;
}

int
cstat__v1_write_csv(const struct cstat__v1_view *v, bool norange, FILE *out)
{
	for (size_t t = 0; t < v->ntables; t++) {
		if (t > 0)
			fputc('\n', out);
		int rc = csv_table(v, &v->tables[t], norange, out);
		if (rc)
			return rc;
	}
	return ferror(out) ? CSTAT_EIO : 0;
}

/* ------------------------------------------------------------------------
 * HTML.
 */

static const char html_header[] =
	"<!doctype html>\n"
	"<html>\n"
	"<head>\n"
	"<meta charset=\"utf-8\">\n"
	"<title>Performance Result Comparison</title>\n"
	"<style>\n"
	".benchstat { border-collapse: collapse; }\n"
	".benchstat th:nth-child(1) { text-align: left; }\n"
	".benchstat tbody td:nth-child(1n+2):not(.note) { text-align: right; "
	"padding: 0em 1em; }\n"
	".benchstat tr:not(.configs) th { border-top: 1px solid #666; "
	"border-bottom: 1px solid #ccc; }\n"
	".benchstat .nodelta { text-align: center !important; }\n"
	".benchstat .better td.delta { font-weight: bold; }\n"
	".benchstat .worse td.delta { font-weight: bold; color: #c00; }\n"
	"</style>\n"
	"</head>\n"
	"<body>\n";

static const char html_footer[] = "</body>\n</html>\n";

/* Text escaped for an HTML text node, as the template does. */
static void
html_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
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
			fputs("&#34;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		case '\0':
			break;
		default:
			fputc(*s, out);
		}
	}
}

/*
 * Where the row's group differs from the one before it (*group, "" at the
 * top of a table), a header row naming it, as the text output prints a
 * group line.  The template puts it on the same line as the row it heads,
 * spanning the name, the configurations and the delta.
 */
static void
html_group(const struct cstat__v1_view *v, const struct cstat__v1_table *t,
	   const struct cstat__v1_row *r, const char **group, FILE *out)
{
	if (!v->groups)
		return;

	const char *g = r->bench == UINT32_MAX
				? ""
				: cstat__strtab_str(v->strs, r->group);

	if (strcmp(g, *group) == 0)
		return;
	*group = g;
	if (g[0] == '\0')
		return;
	fprintf(out, "<tr class='group'><th colspan='%zu'>",
		v->nconfigs + (t->oldnew ? 2 : 1));
	html_text(out, g);
}

int
cstat__v1_write_html(const struct cstat__v1_view *v, FILE *out)
{
	char buf[CELL_SIZE];

	fputs(html_header, out);
	if (v->ntables > 0) {
		const struct cstat__v1_table *t0 = &v->tables[0];
		fprintf(out, "\n<table class='benchstat %s'>\n",
			t0->oldnew ? "oldnew" : "");
		if (v->nconfigs != 1) {
			fputs("<tr class='configs'><th>", out);
			for (size_t k = 0; k < v->nconfigs; k++) {
				fputs("<th>", out);
				html_text(out, cstat__strtab_str(
						       v->strs, v->configs[k]));
			}
			fputs("\n", out);
		}
		fputs("\n", out);
		for (size_t ti = 0; ti < v->ntables; ti++) {
			const struct cstat__v1_table *t = &v->tables[ti];
			fputs("\n<tbody>\n", out);
			if (v->nconfigs == 1) {
				fputs("\n<tr><th><th>", out);
				html_text(out, t->metric);
				fputs("\n", out);
			} else {
				fprintf(out,
					"<tr><th><th colspan='%zu' "
					"class='metric'>",
					v->nconfigs);
				html_text(out, t->metric);
				if (t->oldnew)
					fputs("<th>delta", out);
				fputs("\n", out);
			}
			const char *group = "";
			for (size_t i = 0; i < t->nrows; i++) {
				const struct cstat__v1_row *r = &t->rows[i];
				html_group(v, t, r, &group, out);
				if (t->oldnew)
					fprintf(out, "<tr class='%s'>",
						r->change == 1 ? "better"
						: r->change == -1
							? "worse"
							: "unchanged");
				else
					fputs("<tr>", out);
				fputs("<td>", out);
				html_text(out, row_name(v, r));
				for (size_t k = 0; k < v->nconfigs; k++) {
					cstat__v1_cell_text(v, r, r->cells[k],
							    buf, sizeof(buf));
					fputs("<td>", out);
					html_text(out, buf);
				}
				if (t->oldnew) {
					fprintf(out, "<td class='%s'>",
						strcmp(r->delta, "~") == 0
							? "nodelta"
							: "delta");
					for (const char *d = r->delta; *d; d++)
						if (*d == '-')
							fputs("\u2212", out);
						else
							html_text(out,
								  (char[]){*d,
									   0});
					fputs("<td class='note'>", out);
					html_text(out, r->note);
				}
				fputs("\n", out);
			}
			fputs("<tr><td>&nbsp;\n</tbody>\n", out);
		}
		fputs("\n</table>\n", out);
	}
	fputs(html_footer, out);
	return ferror(out) ? CSTAT_EIO : 0;
}
