/*
 * history-render.c - the reports of cbaseline's history, detect and list
 * commands, as text, GitHub-flavoured Markdown or JSON, and which change
 * points of a history are new regressions (detect -fail-on new).
 *
 * The text reports are what cbaseline always printed, byte for byte.  The
 * Markdown reports are tables that render in a GitHub job summary: every
 * text cell is escaped (cstat__md_escape(), "|" included) and bytes that
 * are not UTF-8 become U+FFFD, as render-markdown.c does.  The JSON
 * reports are built with cJSON; every number is a JSON number (null when
 * not finite), every string valid UTF-8 (cstat__json_string()).  The
 * schemas are in docs/cbaseline.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cstat-private.h"
#include "history.h"
#include "numfmt.h"
#include "ostream.h"

/* Changes within this many runs of each other are the same change: a
 * change point's estimate moves by a run or two as runs accumulate, and
 * two real changes of a series are at least CSTAT_CPD_MIN_SIZE apart. */
#define SAME_CHANGE_RUNS 3

/* The first arrow of "before → after". */
#define ARROW "\xe2\x86\x92"

/* ------------------------------------------------------------------------
 * Shared pieces.
 */

/*
 * Writes s padded with blanks to w columns as a terminal shows them
 * (cstat__text_width(): "µs" is two columns, not three bytes), on the
 * right, or with right on the left.
 */
static void
put_padded(struct cstat__ostream *out, const char *s, size_t w, bool right)
{
	size_t n = cstat__text_width(s);
	int gap = (int)(w > n ? w - n : 0);

	if (right)
		cstat__os_printf(out, "%*s%s", gap, "", s);
	else
		cstat__os_printf(out, "%s%*s", s, gap, "");
}

static bool view_has(enum cstat__history_view v, enum cstat_format fmt);

/* Writes s as Markdown text: escaped, bytes that are not UTF-8 as U+FFFD
 * (GitHub renders a table with one as a paragraph from that row on). */
static void
md_text(struct cstat__ostream *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), i = 0;

	while (i < len) {
		unsigned long c = 0;
		size_t n = 1;
		if (p[i] >= 0x80) {
			n = cstat__utf8_decode(p + i, len - i, &c);
			if (c == 0xfffd && n == 1)
				cstat__os_adds(out, "\xef\xbf\xbd");
			else
				cstat__os_put(out, s + i, n);
		} else {
			const char *e = cstat__md_escape(s[i]);
			if (e)
				cstat__os_adds(out, e);
			else
				cstat__os_addc(out, s[i]);
		}
		i += n;
	}
}

/* " s |": one escaped cell of a Markdown table row. */
static void
md_cell(struct cstat__ostream *out, const char *s)
{
	cstat__os_addc(out, ' ');
	md_text(out, s);
	cstat__os_adds(out, " |");
}

/* Prints root (then frees it) to out.  NULL root: out of memory. */
static int
json_finish(cJSON *root, bool ok, struct cstat__ostream *out)
{
	char *text = ok && root ? cJSON_Print(root) : NULL;

	cJSON_Delete(root);
	if (!text)
		return CSTAT_ENOMEM;
	cstat__os_adds(out, text);
	cstat__os_put(out, "\n", 1);
	cJSON_free(text);
	return 0;
}

/* Table i's configuration (its key but the unit) as a JSON object. */
static cJSON *
json_config(const cstat_tables *t, size_t i)
{
	cJSON *o = cJSON_CreateObject();
	const char *kn, *kv;
	bool ok = o != NULL;

	for (size_t k = 0; ok && cstat_table_key(t, i, k, &kn, &kv) == 0; k++) {
		size_t vl; /* shown trimmed: Go pads its cpu: line */
		const char *v = cstat__trim(kv, &vl);
		char *c = strndup(v, vl);
		ok = c && cstat__json_add_str(o, kn, c);
		free(c);
	}
	if (!ok) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

/* The run's metadata key, or NULL when out of range or unset. */
static const char *
run_meta(cstat_run *const *runs, size_t n, size_t run, const char *key)
{
	return run >= 1 && run <= n ? cstat_run_get(runs[run - 1], key) : NULL;
}

/* ------------------------------------------------------------------------
 * history: a summary line per benchmark and unit.
 */

/* A series' summary: runs with results, first, last and median center,
 * and its last (at most 60) centers for the sparkline (NaN: no result). */
struct summary {
	size_t m;
	double first, last, median;
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The k-th smallest of x[0..n) (from 0), moving x's values so that those
 * before k are no larger and those after no smaller (Hoare's selection).
 * x holds no NaN.
 */
static double
select_kth(double *x, long n, long k)
{
	long lo = 0, hi = n - 1;

	while (lo < hi) {
		double pivot = x[lo + (hi - lo) / 2];
		long i = lo, j = hi;
		while (i <= j) {
			while (x[i] < pivot)
				i++;
			while (x[j] > pivot)
				j--;
			if (i <= j) {
				double tmp = x[i];
				x[i++] = x[j];
				x[j--] = tmp;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			break; /* between j and i: equal to the pivot */
	}
	return x[k];
}

/* The median of the m values x (no NaN, no zero), reordering x. */
static double
median_of(double *x, size_t m)
{
	double below = select_kth(x, (long)m, (long)(m / 2));

	if (m % 2)
		return below;
	/* The largest of the lower half is the other middle value. */
	double other = x[0];
	for (size_t i = 1; i < m / 2; i++)
		other = fmax(other, x[i]);
	return (other + below) / 2;
}

/* Summarizes row r of table i into *s; v and sorted hold cols doubles. */
static void
summarize(const cstat_tables *t, size_t i, size_t r, double *v, double *sorted,
	  struct summary *s)
{
	size_t cols = cstat_table_cols(t, i);
	bool plain = true; /* no NaN, no zero */

	s->m = 0;
	s->first = s->last = NAN;
	for (size_t c = 0; c < cols; c++) {
		struct cstat_cell cell;
		cstat_table_cell(t, i, r, c, &cell);
		v[c] = cell.present ? cell.center : NAN;
		if (cell.present) {
			if (isnan(s->first))
				s->first = cell.center;
			s->last = cell.center;
			sorted[s->m++] = cell.center;
			plain &= cell.center != 0 && !isnan(cell.center);
		}
	}
	/* Without NaN and zeros (-0 and +0 compare equal) the middle values
	 * are the same whatever the order, so selection (linear) finds them;
	 * otherwise qsort's order is the one the output has always had. */
	if (s->m == 0) {
		s->median = NAN;
		return;
	}
	if (plain) {
		s->median = median_of(sorted, s->m);
		return;
	}
	qsort(sorted, s->m, sizeof(double), cmp_double);
	s->median = s->m % 2 ? sorted[s->m / 2]
			     : (sorted[s->m / 2 - 1] + sorted[s->m / 2]) / 2;
}

/* A Unicode sparkline of the values, NaN as a space. */
static void
sparkline(const double *v, size_t n, char *buf, size_t size)
{
	static const char *const bars[] = {"▁", "▂", "▃", "▄",
					   "▅", "▆", "▇", "█"};
	double lo = INFINITY, hi = -INFINITY;
	size_t len = 0;

	for (size_t i = 0; i < n; i++)
		if (!isnan(v[i])) {
			lo = fmin(lo, v[i]);
			hi = fmax(hi, v[i]);
		}
	buf[0] = '\0';
	for (size_t i = 0; i < n && len + 4 < size; i++) {
		const char *b = " ";
		if (!isnan(v[i])) {
			int k = hi > lo ? (int)floor((v[i] - lo) / (hi - lo) *
						     7.999)
					: 3;
			b = bars[k < 0 ? 0 : k > 7 ? 7 : k];
		}
		/* Room is checked above: a bar is at most 3 bytes. */
		size_t bl = strlen(b);
		memcpy(buf + len, b, bl + 1);
		len += bl;
	}
}

/* The sparkline of row r of table i (v from summarize()): the last 60. */
static void
trend(const cstat_tables *t, size_t i, const double *v, char *buf, size_t size)
{
	size_t cols = cstat_table_cols(t, i);
	size_t from = cols > 60 ? cols - 60 : 0;

	sparkline(v + from, cols - from, buf, size);
}

/* Table i's heading: its unit, and with several tables its key. */
static void
table_head(const cstat_tables *t, size_t i, char *head, size_t size)
{
	size_t hl = (size_t)snprintf(head, size, "%s", cstat_table_unit(t, i));
	const char *kn, *kv;

	for (size_t k = 0; cstat_tables_count(t) > 1 &&
			   cstat_table_key(t, i, k, &kn, &kv) == 0 && hl < size;
	     k++) {
		size_t vl;
		const char *v = cstat__trim(kv, &vl);
		hl += (size_t)snprintf(head + hl, size - hl, "%s%s:%.*s",
				       k ? " " : " [", kn, (int)vl, v);
	}
	if (cstat_tables_count(t) > 1 && hl + 1 < size && strchr(head, '['))
		strcat(head, "]");
}

static const char *
created_or(cstat_run *const *runs, size_t n, size_t run, const char *none)
{
	const char *c = run_meta(runs, n, run, "created");

	return c ? c : none;
}

/* What the summary's writers are given. */
struct summary_ctx {
	cstat_run *const *runs;
	size_t n;
	const cstat_tables *t;
	const char *name;
	double *v, *sorted; /* room for the widest table's columns */
};

static int
summary_text(const void *ctx, struct cstat__ostream *out)
{
	const struct summary_ctx *x = ctx;
	cstat_run *const *runs = x->runs;
	const cstat_tables *t = x->t;
	size_t n = x->n;
	char head[1024], spark[4 * 512], f[64], l[64], md[64];
	struct summary s;

	cstat__os_printf(out, "history %s: %zu run%s, %s to %s\n", x->name, n,
			 n == 1 ? "" : "s", created_or(runs, n, 1, "?"),
			 created_or(runs, n, n, "?"));
	for (size_t i = 0; i < cstat_tables_count(t); i++) {
		const char *unit = cstat_table_unit(t, i);
		table_head(t, i, head, sizeof(head));
		cstat__os_addc(out, '\n');
		put_padded(out, head, 40, false);
		cstat__os_printf(out, " %5s %10s %10s %10s  %s\n", "runs",
				 "first", "last", "median", "trend");
		for (size_t r = 0; r < cstat_table_rows(t, i); r++) {
			summarize(t, i, r, x->v, x->sorted, &s);
			trend(t, i, x->v, spark, sizeof(spark));
			cstat_format_value(s.first, unit, f, sizeof(f));
			cstat_format_value(s.last, unit, l, sizeof(l));
			cstat_format_value(s.median, unit, md, sizeof(md));
			put_padded(out, cstat_table_row_label(t, i, r), 40,
				   false);
			cstat__os_printf(out, " %5zu ", s.m);
			put_padded(out, f, 10, true);
			cstat__os_addc(out, ' ');
			put_padded(out, l, 10, true);
			cstat__os_addc(out, ' ');
			put_padded(out, md, 10, true);
			cstat__os_printf(out, "  %s\n", spark);
		}
	}
	return 0;
}

static int
summary_markdown(const void *ctx, struct cstat__ostream *out)
{
	const struct summary_ctx *x = ctx;
	cstat_run *const *runs = x->runs;
	const cstat_tables *t = x->t;
	size_t n = x->n;
	char head[1024], spark[4 * 512], num[64];
	struct summary s;

	cstat__os_adds(out, "## History ");
	md_text(out, x->name);
	cstat__os_printf(out, "\n\n%zu run%s, ", n, n == 1 ? "" : "s");
	md_text(out, created_or(runs, n, 1, "?"));
	cstat__os_adds(out, " to ");
	md_text(out, created_or(runs, n, n, "?"));
	cstat__os_adds(out, ".\n");
	for (size_t i = 0; i < cstat_tables_count(t); i++) {
		const char *unit = cstat_table_unit(t, i);
		table_head(t, i, head, sizeof(head));
		cstat__os_adds(out, "\n### ");
		md_text(out, head);
		cstat__os_adds(out, "\n\n| benchmark | runs | first | last | "
				    "median | trend "
				    "|\n|:--|--:|--:|--:|--:|:--|\n");
		for (size_t r = 0; r < cstat_table_rows(t, i); r++) {
			summarize(t, i, r, x->v, x->sorted, &s);
			trend(t, i, x->v, spark, sizeof(spark));
			cstat__os_addc(out, '|');
			md_cell(out, cstat_table_row_label(t, i, r));
			cstat__os_printf(out, " %zu |", s.m);
			double val[3] = {s.first, s.last, s.median};
			for (size_t k = 0; k < 3; k++) {
				cstat_format_value(val[k], unit, num,
						   sizeof(num));
				md_cell(out, num);
			}
			/* A space for a missing run: keep the cell's bars
			 * apart from the pipes even when it starts blank. */
			md_cell(out, spark);
			cstat__os_addc(out, '\n');
		}
	}
	return 0;
}

static int
summary_json(const void *ctx, struct cstat__ostream *out)
{
	const struct summary_ctx *x = ctx;
	cstat_run *const *runs = x->runs;
	const cstat_tables *t = x->t;
	size_t n = x->n;
	cJSON *root = cJSON_CreateObject(), *series = cJSON_CreateArray();
	bool ok = root && series &&
		  cstat__json_add(
			  root, "schema",
			  cJSON_CreateString("cstat-history-summary/1")) &&
		  cstat__json_add_str(root, "name", x->name) &&
		  cstat__json_add_count(root, "runs", n) &&
		  cstat__json_add_str(root, "first_created",
				      run_meta(runs, n, 1, "created")) &&
		  cstat__json_add_str(root, "last_created",
				      run_meta(runs, n, n, "created"));
	struct summary s;

	if (ok)
		cJSON_AddItemToObject(root, "series", series);
	else
		cJSON_Delete(series);
	for (size_t i = 0; ok && i < cstat_tables_count(t); i++) {
		for (size_t r = 0; ok && r < cstat_table_rows(t, i); r++) {
			cJSON *o = cJSON_CreateObject();
			summarize(t, i, r, x->v, x->sorted, &s);
			ok = cstat__json_add(series, NULL, o) &&
			     cstat__json_add(o, "config", json_config(t, i)) &&
			     cstat__json_add_str(
				     o, "name",
				     cstat_table_row_label(t, i, r)) &&
			     cstat__json_add_str(o, "unit",
						 cstat_table_unit(t, i)) &&
			     cstat__json_add_str(o, "better",
						 cstat_table_higher_better(t, i)
							 ? "higher"
							 : "lower") &&
			     cstat__json_add_count(o, "runs", s.m) &&
			     cstat__json_add_num(o, "first", s.first) &&
			     cstat__json_add_num(o, "last", s.last) &&
			     cstat__json_add_num(o, "median", s.median);
		}
	}
	return json_finish(root, ok, out);
}

int
cstat_history_summary_write(cstat_run *const *runs, size_t n,
			    const cstat_tables *t, const char *name,
			    enum cstat_format fmt, FILE *f)
{
	struct summary_ctx x = {runs, n, t, name, NULL, NULL};
	size_t cols = 1;
	int rc = CSTAT_ENOMEM;

	if (!runs || n == 0 || !t || !name || !f ||
	    !view_has(CSTAT__VIEW_SUMMARY, fmt))
		return CSTAT_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!runs[i])
			return CSTAT_EINVAL;
	for (size_t i = 0; i < cstat_tables_count(t); i++)
		if (cstat_table_cols(t, i) > cols)
			cols = cstat_table_cols(t, i);
	x.v = malloc(cols * sizeof(double));
	x.sorted = malloc(cols * sizeof(double));
	if (x.v && x.sorted)
		rc = cstat__history_view_write(CSTAT__VIEW_SUMMARY, &x, fmt, f);
	free(x.v);
	free(x.sorted);
	return rc;
}

/* ------------------------------------------------------------------------
 * detect: the change points, and which of them are new regressions.
 */

/* Whether change c of tables t is for the worse in its unit. */
static bool
worse(const cstat_tables *t, const struct cstat_change *c)
{
	if (!(c->after != c->before) || isnan(c->after) || isnan(c->before))
		return false;
	return cstat_table_higher_better(t, c->table) ? c->after < c->before
						      : c->after > c->before;
}

/* Whether series (i, r) of t and (j, s) of u are the same benchmark in
 * the same unit and configuration. */
static bool
same_series(const cstat_tables *t, size_t i, size_t r, const cstat_tables *u,
	    size_t j, size_t s)
{
	const char *a, *b, *x, *y;
	size_t k = 0;

	if (strcmp(cstat_table_unit(t, i), cstat_table_unit(u, j)) != 0 ||
	    strcmp(cstat_table_row_label(t, i, r),
		   cstat_table_row_label(u, j, s)) != 0)
		return false;
	for (;; k++) {
		int e1 = cstat_table_key(t, i, k, &a, &x);
		int e2 = cstat_table_key(u, j, k, &b, &y);
		if (e1 || e2)
			return e1 && e2;
		if (strcmp(a, b) != 0 || strcmp(x, y) != 0)
			return false;
	}
}

int
cstat_history_alerts(const cstat_tables *t, const struct cstat_change *ch,
		     size_t nch, const cstat_tables *old,
		     const struct cstat_change *och, size_t noch, bool *alert)
{
	if (!t || (!ch && nch) || (!alert && nch) || (!och && noch) ||
	    (!old && noch))
		return CSTAT_EINVAL;
	for (size_t k = 0; k < nch; k++) {
		const struct cstat_change *c = &ch[k];
		if (c->table >= cstat_tables_count(t) ||
		    c->row >= cstat_table_rows(t, c->table))
			return CSTAT_EINVAL;
		alert[k] = worse(t, c);
		for (size_t j = 0; alert[k] && j < noch; j++) {
			const struct cstat_change *o = &och[j];
			if (o->table >= cstat_tables_count(old) ||
			    o->row >= cstat_table_rows(old, o->table))
				return CSTAT_EINVAL;
			size_t gap = c->run > o->run ? c->run - o->run
						     : o->run - c->run;
			if (gap <= SAME_CHANGE_RUNS && worse(old, o) &&
			    same_series(t, c->table, c->row, old, o->table,
					o->row))
				alert[k] = false; /* reported before */
		}
	}
	return 0;
}

/* Columns of detect's text and Markdown reports (the alert column is
 * the ninth, with alerts only). */
#define NFIELDS 8

/* The width of UTF-8 text in columns, as a terminal shows it. */
static size_t
width(const char *s)
{
	return cstat__text_width(s);
}

/* Whether key field k has another value in some table than in the first. */
static bool
key_varies(const cstat_tables *t, size_t k)
{
	const char *n0, *v0, *n, *v;

	if (cstat_table_key(t, 0, k, &n0, &v0))
		return false;
	for (size_t i = 1; i < cstat_tables_count(t); i++)
		if (cstat_table_key(t, i, k, &n, &v) || strcmp(v, v0) != 0)
			return true;
	return false;
}

void
cstat__history_bench_label(const cstat_tables *t, size_t table, size_t row,
			   char *buf, size_t size)
{
	size_t len = (size_t)snprintf(buf, size, "%s",
				      cstat_table_row_label(t, table, row));

	for (size_t k = 0, any = 0; len < size; k++) {
		const char *kn, *kv;
		if (cstat_table_key(t, table, k, &kn, &kv)) {
			if (any)
				snprintf(buf + len, size - len, "]");
			break;
		}
		if (!key_varies(t, k))
			continue;
		size_t vl;
		const char *v = cstat__trim(kv, &vl);
		len += (size_t)snprintf(buf + len, size - len, "%s%s:%.*s",
					any++ ? " " : " [", kn, (int)vl, v);
	}
}

/* A commit as git shortens a hash; "-" for none. */
static void
short_commit(const char *s, char *buf, size_t size)
{
	if (s && strlen(s) > 12 && strspn(s, "0123456789abcdef") == strlen(s))
		snprintf(buf, size, "%.12s", s);
	else
		snprintf(buf, size, "%s", s ? s : "-");
}

struct detect_ctx {
	cstat_run *const *runs;
	size_t n;
	const cstat_tables *t;
	const struct cstat_change *ch;
	size_t nch;
	const struct cstat_detect_report *rep;
	size_t nruns, nseries, nalerts;
};

/* Field f of change c's report line into buf. */
static void
field(const struct detect_ctx *x, size_t k, int f, char *buf, size_t size)
{
	const struct cstat_change *c = &x->ch[k];
	const char *unit = cstat_table_unit(x->t, c->table);
	char a[128], b[128];

	switch (f) {
	case 0:
		cstat__history_bench_label(x->t, c->table, c->row, buf, size);
		break;
	case 1:
		snprintf(buf, size, "%s", unit);
		break;
	case 2:
		snprintf(buf, size, "%zu", c->run);
		break;
	case 3:
		short_commit(run_meta(x->runs, x->n, c->run, "commit"), buf,
			     size);
		break;
	case 4:
		snprintf(buf, size, "%s",
			 created_or(x->runs, x->n, c->run, "-"));
		break;
	case 5:
		cstat_format_value(c->before, unit, a, sizeof(a));
		cstat_format_value(c->after, unit, b, sizeof(b));
		snprintf(buf, size, "%s " ARROW " %s", a, b);
		break;
	case 6:
		if (isfinite(c->change))
			snprintf(buf, size, "%+.2f%%", c->change * 100);
		else
			snprintf(buf, size, "?");
		break;
	case 7:
		snprintf(buf, size, "%.2g", c->p);
		break;
	default:
		snprintf(buf, size, "%s",
			 x->rep->alert[k] ? "new regression" : "");
	}
}

static const char *const detect_head[NFIELDS + 1] = {
	"benchmark", "unit",	"run",
	"commit",    "created", "before " ARROW " after",
	"change",    "p",	"alert"};
static const bool detect_right[NFIELDS + 1] = {false, false, true, false, false,
					       false, true,  true, false};

/* Adds s padded to w columns (left-aligned, or right for numbers). */
static void
pad(struct cstat__ostream *out, const char *s, size_t w, bool right, bool last)
{
	size_t n = width(s);

	if (right)
		cstat__os_printf(out, "%*s", (int)(w > n ? w - n : 0), "");
	cstat__os_adds(out, s);
	if (!right && !last)
		cstat__os_printf(out, "%*s", (int)(w > n ? w - n : 0), "");
	cstat__os_adds(out, last ? "\n" : "  ");
}

static void
detect_table_text(const struct detect_ctx *x, struct cstat__ostream *out)
{
	int nf = x->rep->alert ? NFIELDS + 1 : NFIELDS;
	size_t w[NFIELDS + 1];
	char buf[1024];

	for (int f = 0; f < nf; f++)
		w[f] = width(detect_head[f]);
	for (size_t k = 0; k < x->nch; k++)
		for (int f = 0; f < nf; f++) {
			field(x, k, f, buf, sizeof(buf));
			if (width(buf) > w[f])
				w[f] = width(buf);
		}
	for (int f = 0; f < nf; f++)
		pad(out, detect_head[f], w[f], detect_right[f], f == nf - 1);
	for (size_t k = 0; k < x->nch; k++)
		for (int f = 0; f < nf; f++) {
			field(x, k, f, buf, sizeof(buf));
			pad(out, buf, w[f], detect_right[f], f == nf - 1);
		}
}

static double
alpha_of(const struct cstat_detect_report *rep)
{
	return rep->alpha > 0 ? rep->alpha : 0.005;
}

static int
detect_text(const void *ctx, struct cstat__ostream *out)
{
	const struct detect_ctx *x = ctx;
	size_t from = x->n - x->nruns + 1;

	cstat__os_printf(
		out,
		"history %s: runs %zu to %zu, %s to %s; alpha %g per series\n",
		x->rep->name, from, x->n, created_or(x->runs, x->n, from, "?"),
		created_or(x->runs, x->n, x->n, "?"), alpha_of(x->rep));
	if (x->nch) {
		cstat__os_addc(out, '\n');
		detect_table_text(x, out);
		cstat__os_addc(out, '\n');
	}
	cstat__os_printf(out,
			 "%zu change point%s in %zu series over %zu run%s\n",
			 x->nch, x->nch == 1 ? "" : "s", x->nseries, x->nruns,
			 x->nruns == 1 ? "" : "s");
	if (x->rep->alert)
		cstat__os_printf(out, "%zu new regression%s (-fail-on new)\n",
				 x->nalerts, x->nalerts == 1 ? "" : "s");
	return 0;
}

static int
detect_markdown(const void *ctx, struct cstat__ostream *out)
{
	const struct detect_ctx *x = ctx;
	int nf = x->rep->alert ? NFIELDS + 1 : NFIELDS;
	size_t from = x->n - x->nruns + 1;
	char buf[1024];

	cstat__os_adds(out, "## Change points of history ");
	md_text(out, x->rep->name);
	cstat__os_printf(out, "\n\nRuns %zu to %zu, ", from, x->n);
	md_text(out, created_or(x->runs, x->n, from, "?"));
	cstat__os_adds(out, " to ");
	md_text(out, created_or(x->runs, x->n, x->n, "?"));
	cstat__os_printf(
		out,
		"; alpha %g per series: %zu change point%s in %zu series "
		"over %zu run%s.\n",
		alpha_of(x->rep), x->nch, x->nch == 1 ? "" : "s", x->nseries,
		x->nruns, x->nruns == 1 ? "" : "s");
	if (x->rep->alert)
		cstat__os_printf(out,
				 "\n**%zu new regression%s** (-fail-on new).\n",
				 x->nalerts, x->nalerts == 1 ? "" : "s");
	if (!x->nch)
		return 0;
	cstat__os_adds(out, "\n|");
	for (int f = 0; f < nf; f++)
		md_cell(out, detect_head[f]);
	cstat__os_adds(out, "\n|");
	for (int f = 0; f < nf; f++)
		cstat__os_adds(out, detect_right[f] ? "--:|" : ":--|");
	cstat__os_addc(out, '\n');
	for (size_t k = 0; k < x->nch; k++) {
		cstat__os_addc(out, '|');
		for (int f = 0; f < nf; f++) {
			field(x, k, f, buf, sizeof(buf));
			md_cell(out, buf);
		}
		cstat__os_addc(out, '\n');
	}
	return 0;
}

static bool
json_change(const struct detect_ctx *x, size_t k, cJSON *a)
{
	const struct cstat_change *c = &x->ch[k];
	cJSON *o = cJSON_CreateObject();
	const char *dir = worse(x->t, c)	  ? "regression"
			  : c->after != c->before ? "improvement"
						  : "none";

	return cstat__json_add(a, NULL, o) &&
	       cstat__json_add(o, "config", json_config(x->t, c->table)) &&
	       cstat__json_add_str(
		       o, "name",
		       cstat_table_row_label(x->t, c->table, c->row)) &&
	       cstat__json_add_str(o, "unit",
				   cstat_table_unit(x->t, c->table)) &&
	       cstat__json_add_str(o, "better",
				   cstat_table_higher_better(x->t, c->table)
					   ? "higher"
					   : "lower") &&
	       cstat__json_add_count(o, "run", c->run) &&
	       cstat__json_add_str(o, "commit",
				   run_meta(x->runs, x->n, c->run, "commit")) &&
	       cstat__json_add_str(o, "branch",
				   run_meta(x->runs, x->n, c->run, "branch")) &&
	       cstat__json_add_str(
		       o, "created",
		       run_meta(x->runs, x->n, c->run, "created")) &&
	       cstat__json_add_num(o, "before", c->before) &&
	       cstat__json_add_num(o, "after", c->after) &&
	       cstat__json_add_num(o, "change", c->change) &&
	       cstat__json_add_num(o, "p", c->p) &&
	       cstat__json_add_str(o, "direction", dir) &&
	       cstat__json_add(
		       o, "alert",
		       cJSON_CreateBool(x->rep->alert && x->rep->alert[k]));
}

static int
detect_json(const void *ctx, struct cstat__ostream *out)
{
	const struct detect_ctx *x = ctx;
	size_t from = x->n - x->nruns + 1;
	cJSON *root = cJSON_CreateObject(), *a = cJSON_CreateArray();
	bool ok =
		root && a &&
		cstat__json_add(root, "schema",
				cJSON_CreateString("cstat-changes/1")) &&
		cstat__json_add_str(root, "name", x->rep->name) &&
		cstat__json_add_count(root, "from_run", from) &&
		cstat__json_add_count(root, "to_run", x->n) &&
		cstat__json_add_str(root, "from_created",
				    run_meta(x->runs, x->n, from, "created")) &&
		cstat__json_add_str(root, "to_created",
				    run_meta(x->runs, x->n, x->n, "created")) &&
		cstat__json_add_str(root, "to_commit",
				    run_meta(x->runs, x->n, x->n, "commit")) &&
		cstat__json_add_num(root, "alpha", alpha_of(x->rep)) &&
		cstat__json_add_count(root, "series", x->nseries) &&
		cstat__json_add_str(root, "fail_on",
				    x->rep->alert ? "new" : NULL) &&
		cstat__json_add_count(root, "alerts", x->nalerts);

	if (ok)
		cJSON_AddItemToObject(root, "changes", a);
	else
		cJSON_Delete(a);
	for (size_t k = 0; ok && k < x->nch; k++)
		ok = json_change(x, k, a);
	return json_finish(root, ok, out);
}

int
cstat_history_changes_write(cstat_run *const *runs, size_t n,
			    const cstat_tables *t,
			    const struct cstat_change *ch, size_t nch,
			    const struct cstat_detect_report *rep,
			    enum cstat_format fmt, FILE *f)
{
	/* A NULL report, or a NULL name, means the defaults. */
	struct cstat_detect_report r = CSTAT_DETECT_REPORT_INIT;
	struct detect_ctx x = {runs, n, t, ch, nch, &r, n, 0, 0};

	if (!runs || n == 0 || !t || (!ch && nch) || !f ||
	    !view_has(CSTAT__VIEW_CHANGES, fmt))
		return CSTAT_EINVAL;
	if (rep)
		r = *rep;
	if (!r.name)
		r.name = "history";
	rep = &r;
	for (size_t k = 0; k < nch; k++)
		if (ch[k].run < 1 || ch[k].run > n ||
		    ch[k].table >= cstat_tables_count(t) ||
		    ch[k].row >= cstat_table_rows(t, ch[k].table))
			return CSTAT_EINVAL;
	for (size_t i = 0; i < cstat_tables_count(t); i++)
		x.nseries += cstat_table_rows(t, i);
	if (rep->since > 0 && rep->since < n)
		x.nruns = rep->since;
	for (size_t k = 0; rep->alert && k < nch; k++)
		x.nalerts += rep->alert[k];
	return cstat__history_view_write(CSTAT__VIEW_CHANGES, &x, fmt, f);
}

/* ------------------------------------------------------------------------
 * list: the baselines and histories of a store.
 */

/* What the list's writers are given. */
struct list_ctx {
	const struct cstat_store_entry *e;
	size_t n;
};

static int
list_text(const void *ctx, struct cstat__ostream *out)
{
	const struct cstat_store_entry *e = ((const struct list_ctx *)ctx)->e;
	size_t n = ((const struct list_ctx *)ctx)->n;

	for (size_t i = 0; i < n; i++) {
		bool base = strcmp(e[i].kind, "baseline") == 0;
		const char *s = e[i].count == 1 ? "" : "s";
		put_padded(out, e[i].kind, 9, false);
		cstat__os_addc(out, ' ');
		put_padded(out, e[i].name, 24, false);
		cstat__os_addc(out, ' ');
		if (e[i].error)
			cstat__os_printf(out, "(unreadable: %s)\n", e[i].error);
		else if (base)
			cstat__os_printf(out, "%s  %zu value%s%s%s\n",
					 e[i].created ? e[i].created : "-",
					 e[i].count, s,
					 e[i].commit ? "  commit " : "",
					 e[i].commit ? e[i].commit : "");
		else
			cstat__os_printf(
				out, "%zu run%s%s%s\n", e[i].count, s,
				e[i].count ? ", last " : "",
				e[i].count && e[i].created ? e[i].created : "");
	}
	return 0;
}

static int
list_markdown(const void *ctx, struct cstat__ostream *out)
{
	const struct cstat_store_entry *e = ((const struct list_ctx *)ctx)->e;
	size_t n = ((const struct list_ctx *)ctx)->n;
	char num[32];

	cstat__os_adds(
		out,
		"| kind | name | values or runs | created or last run | commit "
		"| error |\n|:--|:--|--:|:--|:--|:--|\n");
	for (size_t i = 0; i < n; i++) {
		cstat__os_addc(out, '|');
		md_cell(out, e[i].kind);
		md_cell(out, e[i].name);
		snprintf(num, sizeof(num), "%zu", e[i].count);
		md_cell(out, e[i].error ? "" : num);
		md_cell(out, e[i].created ? e[i].created : "");
		md_cell(out, e[i].commit ? e[i].commit : "");
		md_cell(out, e[i].error ? e[i].error : "");
		cstat__os_addc(out, '\n');
	}
	return 0;
}

static int
list_json(const void *ctx, struct cstat__ostream *out)
{
	const struct cstat_store_entry *e = ((const struct list_ctx *)ctx)->e;
	size_t n = ((const struct list_ctx *)ctx)->n;
	cJSON *root = cJSON_CreateObject(), *a = cJSON_CreateArray();
	bool ok = root && a &&
		  cstat__json_add(root, "schema",
				  cJSON_CreateString("cstat-store-list/1"));

	if (ok)
		cJSON_AddItemToObject(root, "entries", a);
	else
		cJSON_Delete(a);
	for (size_t i = 0; ok && i < n; i++) {
		bool base = strcmp(e[i].kind, "baseline") == 0;
		cJSON *o = cJSON_CreateObject();
		ok = cstat__json_add(a, NULL, o) &&
		     cstat__json_add_str(o, "kind", e[i].kind) &&
		     cstat__json_add_str(o, "name", e[i].name) &&
		     cstat__json_add_str(o, "error", e[i].error);
		if (ok && !e[i].error)
			ok = cstat__json_add_count(o, base ? "values" : "runs",
						   e[i].count) &&
			     cstat__json_add_str(
				     o, base ? "created" : "last_created",
				     e[i].created) &&
			     (!base ||
			      cstat__json_add_str(o, "commit", e[i].commit));
	}
	return json_finish(root, ok, out);
}

int
cstat_store_list_write(const struct cstat_store_entry *e, size_t n,
		       enum cstat_format fmt, FILE *f)
{
	struct list_ctx x = {e, n};

	if ((!e && n) || !f || !view_has(CSTAT__VIEW_LIST, fmt))
		return CSTAT_EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!e[i].kind || !e[i].name ||
		    (strcmp(e[i].kind, "baseline") != 0 &&
		     strcmp(e[i].kind, "history") != 0))
			return CSTAT_EINVAL;
	return cstat__history_view_write(CSTAT__VIEW_LIST, &x, fmt, f);
}

/* ------------------------------------------------------------------------
 * The views and their formats: one table.
 */

/*
 * Each view's writer per format, indexed by enum cstat__history_view and
 * enum cstat_format; an empty entry is a format the view has not.
 * Adding a view is a value of that enum (history.h), its writers (in any
 * file, declared in history.h) and a row here.
 */
static const struct {
	const char *name; /* its public writer's: cstat_history_NAME_write */
	cstat__history_writer write[CSTAT_FORMAT_JSON + 1];
} views[] = {
	[CSTAT__VIEW_SUMMARY] = {"summary",
				 {[CSTAT_FORMAT_TEXT] = summary_text,
				  [CSTAT_FORMAT_MARKDOWN] = summary_markdown,
				  [CSTAT_FORMAT_JSON] = summary_json}},
	[CSTAT__VIEW_CHANGES] = {"changes",
				 {[CSTAT_FORMAT_TEXT] = detect_text,
				  [CSTAT_FORMAT_MARKDOWN] = detect_markdown,
				  [CSTAT_FORMAT_JSON] = detect_json}},
	[CSTAT__VIEW_LIST] = {"list",
			      {[CSTAT_FORMAT_TEXT] = list_text,
			       [CSTAT_FORMAT_MARKDOWN] = list_markdown,
			       [CSTAT_FORMAT_JSON] = list_json}},
};

/* Whether view v has a writer for fmt. */
static bool
view_has(enum cstat__history_view v, enum cstat_format fmt)
{
	return (unsigned)v < sizeof views / sizeof views[0] &&
	       (unsigned)fmt <
		       sizeof views[v].write / sizeof views[v].write[0] &&
	       views[v].write[fmt];
}

int
cstat__history_view_write(enum cstat__history_view v, const void *ctx,
			  enum cstat_format fmt, FILE *f)
{
	struct cstat__ostream out;
	int rc, err;

	if (!view_has(v, fmt) || !f)
		return CSTAT_EINVAL;
	/* The writers append with no check of each call; the stream keeps
	 * the first error, and ferror() one of f's from before. */
	cstat__os_file(&out, f);
	rc = views[v].write[fmt](ctx, &out);
	err = cstat__os_close(&out);
	if (!err && ferror(f))
		err = CSTAT_EIO;
	return rc ? rc : err;
}
