/*
 * test-render-html.c - the HTML page (render-html.c): its structure, the
 * escaping of names, the better/worse marks, the -stats columns, the
 * plots' edge cases, write errors, and the same page from one thread as
 * from two.  Tables are built through the public
 * API from small inputs written here; structure is checked by searching
 * and counting, the browser test (tests/browser.py) checks the rest.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#include "cstat.h"
#include "html.h"
#include "numfmt.h"
#include "ostream.h"
#include "simrng.h"
#include "tables.h"
#include "testutil.h"
#include "units.h"

/* Reads the named in-memory files into tables with the default options. */
static cstat_tables *
build(const char *const *names, const char *const *texts, size_t n)
{
	cstat_reader *r;
	cstat_builder *b;
	cstat_tables *t;
	struct cstat_diag d;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	for (size_t i = 0; i < n; i++) {
		const struct cstat_result *res;
		int rc;
		assert_int_equal(cstat_reader_open_mem(r, texts[i],
						       strlen(texts[i]),
						       names[i]),
				 0);
		while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
			assert_int_equal(rc, 1);
			assert_int_equal(cstat_builder_add(b, res), 0);
		}
	}
	struct cstat_stats_opts o = {
		.alpha = 0.05, .confidence = 0.95, .units = r};
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	cstat_builder_free(b);
	cstat_reader_free(r);
	return t;
}

/* The page for t, NUL-terminated; the caller frees it. */
static char *
render(const cstat_tables *t)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_HTML, f, NULL), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(strlen(out), len);
	return out;
}

/* Six runs of name near ns (ns/op) and mbs (MB/s), 1% apart. */
static char *
runs(const char *name, double ns, double mbs)
{
	char *s = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&s, &len);

	assert_non_null(f);
	fprintf(f, "goos: linux\n");
	for (int i = 0; i < 6; i++)
		fprintf(f, "Benchmark%s 1000 %g ns/op %g MB/s\n", name,
			ns + i * ns / 100, mbs + i * mbs / 100);
	assert_int_equal(fclose(f), 0);
	return s;
}

/*
 * Old and new runs of two benchmarks: Fast got faster (its time dropped,
 * which is better) and moves fewer bytes a second (its throughput
 * dropped, which is worse); Same did not change.
 */
static cstat_tables *
two_files(void)
{
	char *a1 = runs("Fast-8", 100, 500), *a2 = runs("Same-8", 50, 300);
	char *b1 = runs("Fast-8", 80, 400), *b2 = runs("Same-8", 50, 300);
	size_t la = strlen(a1) + strlen(a2) + 1,
	       lb = strlen(b1) + strlen(b2) + 1;
	char *old = malloc(la), *new = malloc(lb);

	assert_non_null(old);
	assert_non_null(new);
	/* The second file's "goos" line repeats the first; that is fine. */
	snprintf(old, la, "%s%s", a1, a2);
	snprintf(new, lb, "%s%s", b1, b2);
	const char *names[] = {"old.txt", "new.txt"};
	const char *texts[] = {old, new};
	cstat_tables *t = build(names, texts, 2);
	free(a1);
	free(a2);
	free(b1);
	free(b2);
	free(old);
	free(new);
	return t;
}

/* Every <svg> opens with a <title>; returns how many there are. */
static size_t
svgs_with_titles(const char *page)
{
	size_t n = 0;

	for (const char *p = page; (p = strstr(p, "<svg")) != NULL; p++) {
		const char *end = strchr(p, '>');
		assert_non_null(end);
		assert_memory_equal(end + 1, "<title>", 7);
		assert_non_null(strstr(p, "role=\"img\""));
		n++;
	}
	return n;
}

static void
test_render_html_page_structure(void **state)
{
	(void)state;
	cstat_tables *t = two_files();
	char *page = render(t);

	assert_int_equal(cstat_tables_count(t), 2); /* sec/op, B/s */
	assert_memory_equal(page, "<!DOCTYPE html>\n", 16);
	assert_non_null(strstr(page, "<html lang=\"en\">"));
	assert_non_null(strstr(page, "<meta charset=\"utf-8\">"));
	assert_non_null(strstr(page, "<meta name=\"viewport\" content=\"width="
				     "device-width, initial-scale=1\">"));
	assert_non_null(strstr(page, "<title>old.txt vs new.txt"));
	assert_non_null(strstr(page, "<style>"));
	assert_non_null(strstr(page, "font-variant-numeric:tabular-nums"));
	assert_non_null(strstr(page, "overflow-x:auto"));
	assert_non_null(strstr(page, "<dt>goos</dt><dd>linux</dd>"));
	assert_non_null(strstr(page, "</html>\n"));

	/* One section per table, headed by its unit. */
	assert_int_equal(count_in(page, "<section"), 2);
	assert_int_equal(count_in(page, "</section>"), 2);
	assert_non_null(strstr(page, "\">sec/op</h2>"));
	assert_non_null(strstr(page, "\">B/s</h2>"));
	assert_int_equal(count_in(page, "<table"), 2);
	assert_int_equal(count_in(page, "<thead>"), 2);
	assert_int_equal(count_in(page, "<th scope=\"colgroup\" colspan=\"2\">"
					"old.txt</th>"),
			 2);
	assert_int_equal(count_in(page, "<th scope=\"col\">benchmark</th>"), 2);
	assert_int_equal(count_in(page,
				  "<th scope=\"col\" colspan=\"2\">vs base"
				  "</th>"),
			 2);

	/* Two benchmarks and a geomean in each table; a plot per benchmark. */
	assert_int_equal(count_in(page, "<th scope=\"row\">"), 6);
	assert_int_equal(count_in(page, "<th scope=\"row\">geomean</th>"), 2);
	assert_int_equal(count_in(page, "<th scope=\"row\">Fast-8</th>"), 2);
	assert_int_equal(svgs_with_titles(page), 4);
	assert_int_equal(count_in(page, "</svg>"), 4);
	/* Six values a column, a dot each, two columns. */
	assert_int_equal(count_in(page, "<circle "), 4 * 12);
	assert_non_null(strstr(page, "<title>Fast-8 (sec/op): old.txt 6 "
				     "values, median "));
	/* The cells say what the text output says. */
	assert_non_null(strstr(page, "<td class=\"delta\">~</td>"));
	assert_non_null(strstr(page, "(p=0.002 n=6)"));
	assert_non_null(strstr(page, "<td class=\"ci\">\xc2\xb1 "));

	/* Self-contained: nothing to fetch, nothing to run. */
	assert_null(strstr(page, "http"));
	assert_null(strstr(page, "<script"));
	assert_null(strstr(page, "src="));
	assert_null(strstr(page, "<link"));
	assert_null(strstr(page, "url("));
	assert_null(strstr(page, "@import"));
	free(page);
	cstat_tables_free(t);
}

static void
test_render_html_marks_better_and_worse(void **state)
{
	(void)state;
	cstat_tables *t = two_files();
	char *page = render(t);

	assert_false(cstat_table_higher_better(t, 0));
	assert_true(cstat_table_higher_better(t, 1));
	/* Time dropped 20%: better.  Throughput dropped 20%: worse. */
	assert_int_equal(count_in(page, "<td class=\"delta better\""), 1);
	assert_int_equal(count_in(page, "<td class=\"delta worse\""), 1);
	const char *better = strstr(page, "<td class=\"delta better\"");
	const char *worse = strstr(page, "<td class=\"delta worse\"");
	const char *second = strstr(page, "\">B/s</h2>");
	assert_true(better < second);
	assert_true(worse > second);
	/* Not by colour alone: a word in the title and for screen readers,
	 * and an arrow for the direction. */
	assert_non_null(strstr(better, "title=\"better: lower is better for "
				       "sec/op\"><span aria-hidden=\"true\">"
				       "\xe2\x96\xbc </span>-20.00%<span "
				       "class=\"sr\"> (better)</span></td>"));
	assert_non_null(strstr(worse, "title=\"worse: higher is better for "
				      "B/s\"><span aria-hidden=\"true\">"
				      "\xe2\x96\xbc </span>-20.00%<span "
				      "class=\"sr\"> (worse)</span></td>"));
	free(page);
	cstat_tables_free(t);
}

static void
test_render_html_escapes_text(void **state)
{
	(void)state;
	const char *names[] = {"a<b>&\"'.txt"};
	const char *texts[] = {
		"pkg: x&y<z>\n"
		"BenchmarkBad<script>&\"'x-8 1 10 ns/op\n"
		"BenchmarkBad<script>&\"'x-8 1 11 ns/op\n"
		"BenchmarkUtf\xff\xfe\x01z-8 1 12 ns/op\n"
		"BenchmarkOk\xc2\xb5/\xef\xbf\xbd-8 1 12 ns/op\n"};
	cstat_tables *t = build(names, texts, 1);
	char *page = render(t);

	assert_null(strstr(page, "<script"));
	assert_null(strstr(page, "<b>"));
	assert_non_null(strstr(page, "<th scope=\"row\">Bad&lt;script&gt;"
				     "&amp;&quot;&#39;x-8</th>"));
	assert_non_null(strstr(page, "<title>Bad&lt;script&gt;&amp;&quot;"
				     "&#39;x-8 (sec/op): a&lt;b&gt;&amp;&quot;"
				     "&#39;.txt 2 values"));
	assert_non_null(strstr(page, "<dd>x&amp;y&lt;z&gt;</dd>"));
	assert_non_null(strstr(page, ">a&lt;b&gt;&amp;&quot;&#39;.txt</th>"));
	/* Invalid UTF-8 and a control character become U+FFFD; valid
	 * UTF-8 (including a real U+FFFD) is kept; names wrap after '/'. */
	assert_non_null(strstr(page, "<th scope=\"row\">Utf\xef\xbf\xbd"
				     "\xef\xbf\xbd\xef\xbf\xbdz-8</th>"));
	assert_non_null(strstr(page, "<th scope=\"row\">Ok\xc2\xb5/<wbr>"
				     "\xef\xbf\xbd-8</th>"));
	assert_null(strstr(page, "\xff"));
	assert_null(strstr(page, "\x01"));
	free(page);
	cstat_tables_free(t);
}

static void
test_render_html_stats_columns(void **state)
{
	(void)state;
	cstat_tables *t = two_files();
	struct cstat_diag d;

	assert_int_equal(cstat_tables_set(t, "stats", "mean,p90", &d), 0);
	char *page = render(t);
	/* Two tables of two columns: a header per column and statistic. */
	assert_int_equal(count_in(page, "<th scope=\"col\">mean</th>"), 4);
	assert_int_equal(count_in(page, "<th scope=\"col\">p90</th>"), 4);
	/* A value per present cell (2 rows x 2 columns x 2 tables). */
	assert_int_equal(count_in(page, "<td class=\"st\">"), 16);
	/* The column groups widen to hold them: 2 + 2 and 2 + 2 + 2. */
	assert_int_equal(count_in(page, "<th scope=\"colgroup\" colspan=\"4\">"
					"old.txt</th>"),
			 2);
	assert_int_equal(count_in(page, "<th scope=\"colgroup\" colspan=\"6\">"
					"new.txt</th>"),
			 2);
	free(page);
	/* Without -stats there are none. */
	assert_int_equal(cstat_tables_set(t, "stats", "", &d), 0);
	page = render(t);
	assert_null(strstr(page, "class=\"st\""));
	free(page);
	cstat_tables_free(t);
}

static void
test_render_html_plots_edge_cases(void **state)
{
	(void)state;
	/* One value; equal values; values with a missing column. */
	const char *names[] = {"a", "b"};
	const char *texts[] = {
		"BenchmarkOne 1 5 ns/op\n"
		"BenchmarkEq 1 7 ns/op\nBenchmarkEq 1 7 ns/op\n"
		"BenchmarkGone 1 3 ns/op\n",
		"BenchmarkEq 1 7 ns/op\n"
		"BenchmarkNew 1 4 ns/op\nBenchmarkNew 1 9 ns/op\n"};
	cstat_tables *t = build(names, texts, 2);
	char *page = render(t);

	assert_int_equal(svgs_with_titles(page), 4);
	/* A single value, or all equal, sits in the middle. */
	assert_non_null(
		strstr(page, "<circle cx=\"268\" cy=\"9\" r=\"2.5\"/>"));
	/* Its one tick is the value itself, as the table prints it. */
	assert_non_null(strstr(page, "<text class=\"tl\" x=\"268\" "
				     "y=\"52\">5.000n</text>"));
	assert_non_null(strstr(page, "<title>One (sec/op): a 1 value, median "
				     "5.000n; b no values; scale from 5.000n "
				     "to 5.000n</title>"));
	/* New's two values, in the second strip: the smaller at the left
	 * edge of the plot area, the larger at the right, a little apart
	 * vertically; ticks 1n apart (1, 2, 5 times a power of ten, about
	 * four across), labels kept inside the plot. */
	assert_non_null(strstr(page, "<circle cx=\"104\" cy=\"25\" r=\"2.5\"/>"
				     "<circle cx=\"432\" cy=\"28\" "
				     "r=\"2.5\"/>"));
	assert_non_null(strstr(page, ">4n</text><line class=\"tk\" "
				     "x1=\"169.6\" x2=\"169.6\" y1=\"4\" "
				     "y2=\"41\"/><text class=\"tl\" "
				     "x=\"169.6\" y=\"52\">5n</text>"));
	assert_non_null(strstr(page, "<text class=\"tl\" x=\"424\" "
				     "y=\"52\">9n</text>"));
	/* Each strip is named after its column, left of it. */
	assert_non_null(strstr(page, "<g class=\"s1\"><text class=\"lg\" "
				     "x=\"98\" y=\"32\">b</text>"));
	/* Too few values: the interval is unbounded, drawn dashed and
	 * clipped to the axis. */
	assert_non_null(strstr(page, "<line class=\"ci open\" x1=\"104\" "
				     "x2=\"432\""));
	assert_null(strstr(page, "nan"));
	assert_null(strstr(page, "inf\""));
	/* Footnotes: markers in cells link to an ordered list. */
	assert_non_null(strstr(page, "<ol class=\"notes\""));
	assert_non_null(strstr(page, "<a href=\"#t1-n1\" aria-label=\"note "
				     "1\">1</a>"));
	assert_non_null(strstr(page, "<li id=\"t1-n1\">need &gt;= 6 samples "
				     "for confidence interval at level "
				     "0.95</li>"));
	free(page);
	cstat_tables_free(t);
}

/*
 * A row whose values are all one is drawn from pieces made once per table
 * (render-html.c's flat_strip()): every count of values, whole periods of
 * the seven dots' offsets and what is left of one, must give the strip a
 * dot per value, each at the plot's middle and at its offset.
 */
static void
test_render_html_flat_strips(void **state)
{
	(void)state;
	char *a = NULL, *b = NULL, want[4096];
	size_t la = 0, lb = 0;
	FILE *fa = open_memstream(&a, &la), *fb = open_memstream(&b, &lb);

	assert_non_null(fa);
	assert_non_null(fb);
	for (int k = 6; k <= 22; k++)
		for (int j = 0; j < k; j++) {
			fprintf(fa, "BenchmarkFlat%d 1 7 ns/op\n", k);
			fprintf(fb, "BenchmarkFlat%d 1 7 ns/op\n", k);
		}
	assert_int_equal(fclose(fa), 0);
	assert_int_equal(fclose(fb), 0);
	const char *names[] = {"a", "b"};
	const char *texts[] = {a, b};
	cstat_tables *t = build(names, texts, 2);
	char *page = render(t);

	for (int k = 6; k <= 22; k++)
		for (int c = 0; c < 2; c++) {
			int yc = 12 + 16 * c, n;
			n = snprintf(want, sizeof(want),
				     "<g class=\"s%d\"><text class=\"lg\" "
				     "x=\"98\" y=\"%d\">%s</text><line "
				     "class=\"ci\" x1=\"268\" x2=\"268\" "
				     "y1=\"%d\" y2=\"%d\"/>",
				     c, yc + 4, names[c], yc, yc);
			for (int j = 0; j < k; j++)
				n += snprintf(want + n,
					      sizeof(want) - (size_t)n,
					      "<circle cx=\"268\" cy=\"%d\" "
					      "r=\"2.5\"/>",
					      yc + j * 3 % 7 - 3);
			snprintf(want + n, sizeof(want) - (size_t)n,
				 "<line class=\"md\" x1=\"268\" x2=\"268\" "
				 "y1=\"%d\" y2=\"%d\"/></g>",
				 yc - 6, yc + 6);
			assert_non_null(strstr(page, want));
		}
	free(page);
	cstat_tables_free(t);
	free(a);
	free(b);
}

/*
 * Centers near the largest double print with some 280 digits: each
 * row's cells are written into room reserved for their text, which must
 * hold all of it.
 */
static void
test_render_html_huge_centers(void **state)
{
	(void)state;
	const char *names[] = {"a", "b"};
	const char *texts[] = {
		"BenchmarkHuge 1 1e300 ns/op\nBenchmarkHuge 1 1e300 ns/op\n"
		"BenchmarkHuge 1 1e300 ns/op\nBenchmarkHuge 1 1e300 ns/op\n"
		"BenchmarkHuge 1 1e300 ns/op\nBenchmarkHuge 1 1e300 ns/op\n",
		"BenchmarkHuge 1 3e300 ns/op\nBenchmarkHuge 1 3e300 ns/op\n"
		"BenchmarkHuge 1 3e300 ns/op\nBenchmarkHuge 1 3e300 ns/op\n"
		"BenchmarkHuge 1 3e300 ns/op\nBenchmarkHuge 1 3e300 ns/op\n"};
	cstat_tables *t = build(names, texts, 2);
	char *page = render(t);
	size_t n = 0;

	for (const char *p = page;
	     (p = strstr(p, "<td class=\"ctr\">")) != NULL; p++) {
		const char *q = p + strlen("<td class=\"ctr\">");
		size_t len = strcspn(q, "<");
		assert_memory_equal(q + len, "</td><td class=\"ci\">", 20);
		if (len > 250 && q[0] == (n == 0 ? '1' : '3'))
			n++;
	}
	/* Both centers, and the geomean row's. */
	assert_true(n >= 2);
	free(page);
	cstat_tables_free(t);
}

/* Six runs of name at v, v + step, ... (ns/op), appended to f. */
static void
six(FILE *f, const char *name, double v, double step)
{
	for (int i = 0; i < 6; i++)
		fprintf(f, "Benchmark%s 1000 %g ns/op\n", name, v + i * step);
}

static void
test_render_html_summary_log_scale_and_gate(void **state)
{
	(void)state;
	char *old = NULL, *new = NULL;
	size_t lo, ln;
	FILE *fo = open_memstream(&old, &lo), *fn = open_memstream(&new, &ln);

	assert_non_null(fo);
	assert_non_null(fn);
	/* Big got 40 times faster; Small 1% slower (every new value above
	 * every old one: p = 0.002 for benchstat, a change within the
	 * gate's 5% threshold); Flat did not change. */
	six(fo, "Big", 4000, 10);
	six(fn, "Big", 100, 0.5);
	six(fo, "Small", 100, 0.1);
	six(fn, "Small", 101, 0.1);
	six(fo, "Flat", 50, 0.1);
	six(fn, "Flat", 50, 0.1);
	assert_int_equal(fclose(fo), 0);
	assert_int_equal(fclose(fn), 0);
	const char *names[] = {"old", "new"};
	const char *texts[] = {old, new};
	cstat_tables *t = build(names, texts, 2);
	char *page = render(t);

	/* The summary: the gate's counts, a link to the one change, the
	 * switch that shows only the changed rows, and its CSS. */
	assert_non_null(strstr(page, "<span class=\"better\">1 better</span>, "
				     "<span class=\"worse\">0 worse</span>, 2 "
				     "unchanged of 3 comparisons"));
	assert_non_null(strstr(page, "<li class=\"better\"><a "
				     "href=\"#t1-r1\">Big</a> sec/op "
				     "<b>-97.48%</b> better</li>"));
	assert_int_equal(count_in(page, "<a href=\"#t1-r"), 1);
	assert_non_null(strstr(page, "<tr id=\"t1-r1\" class=\"chg\">"));
	assert_non_null(strstr(page, "<tr id=\"t1-r2\">"));
	assert_non_null(strstr(page, "<input type=\"checkbox\" "
				     "id=\"only-changed\""));
	assert_non_null(strstr(page,
			       "#only-changed:checked~section tbody "
			       "tr:not(.chg):not(.geomean){display:none}"));
	/* Big spans 40x: a log scale, ticks at 1, 2 and 5 times powers of
	 * ten, in the row's scale (the table prints "100.8n"). */
	assert_non_null(strstr(page, ">sec/op, log</text>"));
	assert_non_null(strstr(page, "y=\"52\">100n</text>"));
	assert_non_null(strstr(page, "y=\"52\">2000n</text>"));
	/* Small: benchstat's column says +1.00%, significant; the gate does
	 * not call it a change, so it is not coloured and has a dagger. */
	assert_non_null(strstr(page, "<td class=\"delta doubt\">+1.00%<sup "
				     "class=\"fn\"><a href=\"#gate\" "
				     "title=\"within the gate's threshold\""));
	assert_int_equal(count_in(page, "class=\"delta better"), 1);
	assert_non_null(strstr(page, "id=\"gate\""));
	assert_non_null(strstr(page, "it marks 2 changes significant here, 1 "
				     "of which the gate keeps"));
	free(page);
	cstat_tables_free(t);
	free(old);
	free(new);
}

static void
test_render_html_reports_write_errors(void **state)
{
	(void)state;
	cstat_tables *t = two_files();
	FILE *f = fopen("/dev/null", "r");

	assert_non_null(f);
	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_HTML, f, NULL),
			 CSTAT_EIO);
	fclose(f);
	cstat_tables_free(t);
}

static void
test_render_html_without_results(void **state)
{
	(void)state;
	const char *names[] = {"empty.txt"};
	const char *texts[] = {"goos: linux\n"};
	cstat_tables *t = build(names, texts, 1);
	char *page = render(t);

	assert_int_equal(cstat_tables_count(t), 0);
	assert_memory_equal(page, "<!DOCTYPE html>\n", 16);
	assert_non_null(strstr(page, "No benchmark results."));
	assert_null(strstr(page, "<section"));
	assert_non_null(strstr(page, "</html>\n"));
	free(page);
	cstat_tables_free(t);
}

/* Reads the named in-memory files into tables built on threads threads. */
static cstat_tables *
build_threads(const char *const *names, const char *const *texts, size_t n,
	      unsigned threads)
{
	cstat_reader *r;
	cstat_builder *b;
	cstat_tables *t;
	struct cstat_diag d;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	for (size_t i = 0; i < n; i++) {
		const struct cstat_result *res;
		int rc;
		assert_int_equal(cstat_reader_open_mem(r, texts[i],
						       strlen(texts[i]),
						       names[i]),
				 0);
		while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
			assert_int_equal(rc, 1);
			assert_int_equal(cstat_builder_add(b, res), 0);
		}
	}
	struct cstat_stats_opts o = {.alpha = 0.05,
				     .confidence = 0.95,
				     .units = r,
				     .threads = threads};
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	cstat_builder_free(b);
	cstat_reader_free(r);
	return t;
}

/*
 * A table of 2,101 rows (over the 2,048 from which rows are made on two
 * threads, and not a whole number of 256-row chunks), some with no new
 * results, makes the same page on one thread and on two, ten times over.
 */
static void
test_render_html_two_threads_same_page(void **state)
{
	char *texts[2] = {NULL, NULL};
	size_t lens[2];
	const char *names[] = {"old.txt", "new.txt"};

	(void)state;
	for (int k = 0; k < 2; k++) {
		FILE *f = open_memstream(&texts[k], &lens[k]);
		assert_non_null(f);
		for (int i = 0; i < 2101; i++) {
			if (k == 1 && i % 97 == 0)
				continue; /* only in the old file */
			for (int j = 0; j < 4; j++)
				fprintf(f, "BenchmarkB%d-8 1 %d ns/op\n", i,
					100 + i % 50 + j * (k + 1) +
						k * (i % 3));
		}
		assert_int_equal(fclose(f), 0);
	}
	cstat_tables *one =
		build_threads(names, (const char *const *)texts, 2, 1);
	cstat_tables *two =
		build_threads(names, (const char *const *)texts, 2, 2);
	char *p1 = render(one);
	assert_int_equal(cstat_table_rows(one, 0), 2101);
	assert_int_equal(count_in(p1, "<tr id="), 2101);
	/* Again and again: the threads take the chunks differently. */
	for (int round = 0; round < 10; round++) {
		char *p2 = render(two);
		assert_string_equal(p1, p2);
		free(p2);
	}
	free(p1);
	cstat_tables_free(one);
	cstat_tables_free(two);
	free(texts[0]);
	free(texts[1]);
}

/* ------------------------------------------------------------------------
 * Text the page puts without the escaper: the numbers' and the cells'
 * formatters, and names cstat__html_is_plain() accepts.  Each must be
 * what cstat__os_html_text() would have written, on many random values.
 */

/* Random samples: this many, or 1/50 of it under valgrind. */
static int
sample(int n)
{
	return RUNNING_ON_VALGRIND ? n / 50 : n;
}

/* A uniform double in [0, 1). */
static double
mix_unit(uint64_t *s)
{
	return (double)(splitmix64(s) >> 11) * 0x1p-53;
}

/*
 * A value of one of the kinds a page meets and a few it should not: any
 * bit pattern (NaN, infinities, subnormals), benchmark-like magnitudes of
 * either sign, integers, zeros and the largest doubles.
 */
static double
mix_value(uint64_t *s)
{
	double v;

	switch (splitmix64(s) % 6) {
	case 0:
		v = 0;
		{
			uint64_t b = splitmix64(s);
			memcpy(&v, &b, sizeof(v));
		}
		return v;
	case 1:
	case 2:
		v = pow(10, mix_unit(s) * 30 - 15);
		return splitmix64(s) % 4 ? v : -v;
	case 3:
		return (double)(splitmix64(s) % 100000);
	case 4:
		return splitmix64(s) % 2 ? 0.0 : -0.0;
	default:
		return splitmix64(s) % 2 ? 1.7976931348623157e308 : 4.9e-324;
	}
}

/* Fails unless the len bytes at text escape to themselves. */
static void
assert_escapes_to_itself(const char *text, size_t len)
{
	struct cstat__ostream o;

	cstat__os_memory(&o);
	cstat__os_html_text(&o, text, len);
	assert_int_equal(o.err, 0);
	if (o.len != len || memcmp(o.data, text, len) != 0)
		fail_msg("escaped differently: \"%.*s\"", (int)len, text);
	cstat__os_release(&o);
}

/* cstat__scaler_format() as the cells, the title and the ticks use it:
 * 300,000 values (seed 16), each in a row's scale with a random other
 * value, in both scaling classes, and at each of the ticks' precisions
 * (6,000 under valgrind). */
static void
test_scaled_text_plain(void **state)
{
	(void)state;
	uint64_t seed = 16;
	char buf[CSTAT__SCALE_SIZE];

	for (int i = 0; i < sample(300000); i++) {
		double v[2] = {mix_value(&seed), mix_value(&seed)};
		int class = i % 2 ? CSTAT__SCALE_BINARY : CSTAT__SCALE_DECIMAL;
		struct cstat__scaler sc;
		cstat__scaler_common(&sc, v, 1 + (size_t)(i % 3 == 0), class);
		size_t len = cstat__scaler_format(&sc, v[0], buf, sizeof(buf));
		assert_true(len < sizeof(buf));
		assert_escapes_to_itself(buf, len);
		sc.prec = (int)(splitmix64(&seed) % 7);
		len = cstat__scaler_format(&sc, v[1], buf, sizeof(buf));
		assert_true(len < sizeof(buf));
		assert_escapes_to_itself(buf, len);
	}
}

/* The interval's percentage, the delta and the p-value note of 300,000
 * random cells (seed 17; 6,000 under valgrind), into buffers of the size
 * the page uses. */
static void
test_cell_text_plain(void **state)
{
	(void)state;
	uint64_t seed = 17;
	char buf[64];

	for (int i = 0; i < sample(300000); i++) {
		struct cstat__cell c = {0};
		c.center = mix_value(&seed);
		c.lo = splitmix64(&seed) % 8 ? c.center * mix_unit(&seed)
					     : mix_value(&seed);
		c.hi = splitmix64(&seed) % 8 ? c.center * (1 + mix_unit(&seed))
					     : mix_value(&seed);
		c.p = splitmix64(&seed) % 5 ? mix_unit(&seed) : 0;
		c.n = (uint32_t)splitmix64(&seed);
		c.significant = splitmix64(&seed) % 2;
		double base =
			splitmix64(&seed) % 5 ? mix_value(&seed) : c.center;
		cstat__pct_range(&c, buf, sizeof(buf));
		assert_escapes_to_itself(buf, strlen(buf));
		cstat__format_delta(&c, base, buf, sizeof(buf));
		assert_escapes_to_itself(buf, strlen(buf));
		cstat__format_cmp(&c, (uint32_t)splitmix64(&seed), buf,
				  sizeof(buf));
		assert_escapes_to_itself(buf, strlen(buf));
	}
}

/*
 * cstat__html_is_plain() against the escaper on every byte and against a
 * byte-by-byte test on 200,000 random strings; cstat__html_name_plain()
 * against cstat__html_name() on 100,000 random names of letters, digits,
 * '/', '=', '-', '_' and '.' (seed 18; 1/50 of each under valgrind).
 */
static void
test_plain_names(void **state)
{
	(void)state;
	static const char alphabet[] = "ab/=-_.9Z/";
	uint64_t seed = 18;
	char name[40];

	for (int c = 1; c < 256; c++) {
		char b = (char)c;
		struct cstat__ostream o;
		cstat__os_memory(&o);
		cstat__os_html_text(&o, &b, 1);
		if (cstat__html_is_plain(&b, 1))
			assert_true(o.len == 1 && o.data[0] == b);
		/* Printable ASCII but the five is plain. */
		assert_int_equal(cstat__html_is_plain(&b, 1),
				 c >= 0x20 && c < 0x7f && !strchr("\"&'<>", c));
		cstat__os_release(&o);
	}
	for (int i = 0; i < sample(100000); i++) {
		size_t n = splitmix64(&seed) % (sizeof(name) - 1);
		for (size_t k = 0; k < n; k++)
			name[k] = alphabet[splitmix64(&seed) % 10];
		name[n] = '\0';
		assert_true(cstat__html_is_plain(name, n));
		struct cstat__ostream a, b;
		cstat__os_memory(&a);
		cstat__os_memory(&b);
		cstat__html_name(&a, name);
		cstat__html_name_plain(&b, name, n);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.data, b.data, a.len);
		cstat__os_release(&a);
		cstat__os_release(&b);
	}
	/* Random strings, mostly printable, against the bytes one by one (the
	 * function reads eight at a time). */
	for (int i = 0; i < sample(200000); i++) {
		size_t n = splitmix64(&seed) % (sizeof(name) - 1);
		bool plain = true;
		for (size_t k = 0; k < n; k++) {
			uint64_t r = splitmix64(&seed);
			int c = (int)(r % 16 ? 0x20 + (r >> 8) % 0x5f
					     : (r >> 8) % 256);
			name[k] = (char)c;
			plain &= c >= 0x20 && c < 0x7f && !strchr("\"&'<>", c);
		}
		assert_int_equal(cstat__html_is_plain(name, n), plain);
	}
	assert_false(cstat__html_is_plain("a&b", 3));
	assert_false(cstat__html_is_plain("abcdefg\x7fh", 9));
	assert_false(cstat__html_is_plain("abcdefg\x1fh", 9));
	assert_false(cstat__html_is_plain("abcdefg>h", 9));
	assert_true(cstat__html_is_plain("abcdefg~ h", 10));
	assert_false(cstat__html_is_plain("\xc2\xb5", 2));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_html_page_structure),
		cmocka_unit_test(test_render_html_marks_better_and_worse),
		cmocka_unit_test(test_render_html_escapes_text),
		cmocka_unit_test(test_render_html_stats_columns),
		cmocka_unit_test(test_render_html_plots_edge_cases),
		cmocka_unit_test(test_render_html_flat_strips),
		cmocka_unit_test(test_render_html_huge_centers),
		cmocka_unit_test(test_render_html_summary_log_scale_and_gate),
		cmocka_unit_test(test_render_html_reports_write_errors),
		cmocka_unit_test(test_render_html_without_results),
		cmocka_unit_test(test_render_html_two_threads_same_page),
		cmocka_unit_test(test_scaled_text_plain),
		cmocka_unit_test(test_cell_text_plain),
		cmocka_unit_test(test_plain_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
