/*
 * test-render-markdown.c - the Markdown tables (render-markdown.c): well
 * formed GFM, names escaped, and the same numbers the text output prints,
 * which each test renders too and reads back as the reference.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cstat.h"
#include "tables.h"

/* ---------------------------------------------------------------------- */
/* Inputs */

/* Appends n results of benchmark name, the k-th at base * (1 + k/1000),
 * with a second unit when mbs > 0. */
static void
series(FILE *f, const char *name, size_t n, double ns, double mbs)
{
	for (size_t k = 0; k < n; k++) {
		double j = 1 + (double)k / 1000;
		fprintf(f, "Benchmark%s 1000 %.6g ns/op", name, ns * j);
		if (mbs > 0)
			fprintf(f, " %.6g MB/s", mbs / j);
		fputs("\n", f);
	}
}

/*
 * Two files: Encode-8 is faster (and its throughput higher) in new,
 * Slow-8 slower, A|b*c-8 the same, Gone-8 only in old, and Few-8 has
 * three values on each side, too few for an interval or a test.
 */
static char *
input(bool is_new)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	fputs("goos: linux\ngoarch: amd64\npkg: example.com/a_b\n", f);
	series(f, "Encode-8", 10, is_new ? 1422 : 1718, is_new ? 120 : 100);
	series(f, "Slow-8", 10, is_new ? 130 : 100, 0);
	series(f, "A|b*c-8", 10, 500, 0);
	if (!is_new)
		series(f, "Gone-8", 10, 2000, 0);
	fputs(is_new ? "BenchmarkFew-8 1 20 ns/op\nBenchmarkFew-8 1 21 ns/op\n"
		       "BenchmarkFew-8 1 22 ns/op\n"
		     : "BenchmarkFew-8 1 10 ns/op\nBenchmarkFew-8 1 11 ns/op\n"
		       "BenchmarkFew-8 1 12 ns/op\n",
	      f);
	assert_int_equal(fclose(f), 0);
	return text;
}

/* Reads the named in-memory files and builds the tables. */
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

static cstat_tables *
build_two(void)
{
	char *a = input(false), *b = input(true);
	const char *names[] = {"old.txt", "new.txt"};
	const char *texts[] = {a, b};
	cstat_tables *t = build(names, texts, 2);

	free(a);
	free(b);
	return t;
}

/* Renders t in format fmt; the caller frees the text. */
static char *
render(const cstat_tables *t, enum cstat_format fmt)
{
	/* The stream's pointers live on the heap: gcc 12 at -O3 takes a
	 * local whose address open_memstream() kept for a dangling one. */
	struct {
		char *text;
		size_t len;
	} *m = calloc(1, sizeof(*m));
	char *text;

	assert_non_null(m);
	FILE *f = open_memstream(&m->text, &m->len);
	assert_non_null(f);
	assert_int_equal(cstat_tables_write(t, fmt, f, NULL), 0);
	assert_int_equal(fclose(f), 0);
	text = m->text;
	free(m);
	return text;
}

/* ---------------------------------------------------------------------- */
/* Reading the output back */

/* The lines of a text, split in place (the text is modified). */
struct lines {
	char **v;
	size_t n;
};

static struct lines
split_lines(char *text)
{
	struct lines l = {NULL, 0};
	size_t cap = 0;

	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		if (l.n == cap) {
			cap = cap ? 2 * cap : 64;
			l.v = realloc(l.v, cap * sizeof(*l.v));
			assert_non_null(l.v);
		}
		l.v[l.n++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	return l;
}

/* The '|' that delimit cells: those not escaped by a backslash. */
static size_t
count_pipes(const char *s)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			continue;
		}
		n += *s == '|';
	}
	return n;
}

/* A GFM delimiter row: cells of ":?-+:?" only. */
static bool
is_separator(const char *s)
{
	if (*s++ != '|')
		return false;
	while (*s) {
		s += *s == ':';
		size_t dashes = strspn(s, "-");
		if (dashes == 0)
			return false;
		s += dashes;
		s += *s == ':';
		if (*s++ != '|')
			return false;
	}
	return true;
}

/* Escapes a label as the renderer must (for the labels the tests use). */
static void
md_escape(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (; *s && n + 3 < size; s++) {
		if (strchr("\\|*_`<>[]&~$", *s))
			buf[n++] = '\\';
		buf[n++] = *s;
	}
	buf[n] = '\0';
}

/* The k-th (from 0) Markdown row whose first cell is label, or NULL. */
static const char *
md_row(const struct lines *md, const char *label, size_t k)
{
	char esc[256], head[300];

	md_escape(label, esc, sizeof(esc));
	snprintf(head, sizeof(head), "| %s |", esc);
	for (size_t i = 0; i < md->n; i++)
		if (strncmp(md->v[i], head, strlen(head)) == 0 && k-- == 0)
			return md->v[i];
	return NULL;
}

/* How often line i's first word appears as a first word in lines 0..i. */
static size_t
occurrence(const struct lines *l, size_t i)
{
	size_t len = strcspn(l->v[i], " "), k = 0;

	for (size_t j = 0; j < i; j++)
		if (strncmp(l->v[j], l->v[i], len) == 0 && l->v[j][len] == ' ')
			k++;
	return k;
}

static void
assert_contains(const char *hay, const char *needle)
{
	if (!hay || !needle) {
		fail_msg("assert_contains: NULL argument");
		return;
	}
	if (!strstr(hay, needle))
		fail_msg("\"%s\" is not in \"%s\"", needle, hay);
}

/*
 * Checks every GFM table of md: a header, a separator row of alignment
 * markers, and the same number of cells in every row; a table follows a
 * blank line unless it opens the output.  @return the number of tables.
 */
static size_t
check_tables(const char *text)
{
	char *md = strdup(text);
	assert_non_null(md);
	struct lines l = split_lines(md);
	size_t tables = 0;

	for (size_t i = 0; i < l.n; i++) {
		if (l.v[i][0] != '|')
			continue;
		assert_true(i == 0 || l.v[i - 1][0] == '\0');
		assert_true(i + 1 < l.n);
		assert_true(is_separator(l.v[i + 1]));
		size_t cells = count_pipes(l.v[i]), rows = 0;
		assert_true(cells >= 3);
		for (; i < l.n && l.v[i][0] == '|'; i++, rows++) {
			if (count_pipes(l.v[i]) != cells)
				fail_msg("%zu cells, not %zu: %s",
					 count_pipes(l.v[i]), cells, l.v[i]);
			/* A row ends at its last cell. */
			assert_int_equal(l.v[i][strlen(l.v[i]) - 1], '|');
		}
		assert_true(rows >= 3);
		/* A table ends at a blank line or the end of the output. */
		assert_true(i == l.n || l.v[i][0] == '\0');
		tables++;
	}
	free(l.v);
	free(md);
	return tables;
}

/* ---------------------------------------------------------------------- */
/* Tests */

static void
test_render_markdown_tables_are_well_formed(void **state)
{
	(void)state;
	cstat_tables *t = build_two();
	char *md = render(t, CSTAT_FORMAT_MARKDOWN);

	/* sec/op and B/s (MB/s tidied). */
	assert_int_equal(cstat_tables_count(t), 2);
	assert_int_equal(check_tables(md), 2);
	/* The header names each column and its unit, and "vs base". */
	assert_contains(md, "|  | old.txt<br>sec/op | new.txt<br>sec/op | "
			    "vs base |\n|:--|--:|--:|--:|\n");
	assert_contains(md, "|  | old.txt<br>B/s | new.txt<br>B/s | "
			    "vs base |\n");
	/* The configuration once, as the text output prints it, escaped. */
	assert_true(strncmp(md,
			    "- goos: linux\n- goarch: amd64\n"
			    "- pkg: example.com/a\\_b\n\n|",
			    strlen("- goos: linux\n")) == 0);
	assert_contains(md, "- pkg: example.com/a\\_b\n\n|  |");
	assert_null(strstr(strstr(md, "- pkg:") + 1, "- pkg:"));
	free(md);
	cstat_tables_free(t);
}

static void
test_render_markdown_matches_text_numbers(void **state)
{
	(void)state;
	cstat_tables *t = build_two();
	char *text = render(t, CSTAT_FORMAT_TEXT);
	char *mdtext = render(t, CSTAT_FORMAT_MARKDOWN);
	struct lines tl = split_lines(text), md = split_lines(mdtext);
	size_t rows = 0, deltas = 0, geomeans = 0;

	for (size_t i = 0; i < tl.n; i++) {
		char *line = tl.v[i];
		if (!strstr(line, " \u00b1 ") &&
		    strncmp(line, "geomean ", 8) != 0)
			continue;
		char label[256];
		size_t len = strcspn(line, " ");
		assert_true(len < sizeof(label));
		memcpy(label, line, len);
		label[len] = '\0';
		const char *row = md_row(&md, label, occurrence(&tl, i));
		if (!row)
			fail_msg("no Markdown row for \"%s\"", line);
		/* Each "center ± range", "delta (p=… n=…)" and geomean
		 * number of the text row is in the Markdown row. */
		char *tok[64];
		size_t n = 0;
		for (char *p = strtok(line + len, " "); p && n < 64;
		     p = strtok(NULL, " "))
			tok[n++] = p;
		for (size_t j = 0; j < n; j++) {
			char want[512];
			if (strcmp(tok[j], "\u00b1") == 0) {
				assert_true(j > 0 && j + 1 < n);
				snprintf(want, sizeof(want), "| %s \u00b1 %s",
					 tok[j - 1], tok[j + 1]);
				assert_contains(row, want);
			} else if (tok[j][0] == '(') {
				assert_true(j > 0 && j + 1 < n);
				const char *close =
					strchr(tok[j], ')') ? "" : " ";
				snprintf(want, sizeof(want), "%s (%s%s%s",
					 tok[j - 1], tok[j] + 1, close,
					 *close ? tok[j + 1] : "");
				if (strcmp(tok[j - 1], "~") == 0) {
					assert_contains(row, want);
				} else {
					snprintf(want, sizeof(want), "**%s**",
						 tok[j - 1]);
					assert_contains(row, want);
				}
				deltas++;
			} else if (strcmp(label, "geomean") == 0 &&
				   (unsigned char)tok[j][0] < 0x80) {
				snprintf(want, sizeof(want), "| %s", tok[j]);
				assert_contains(row, want);
			}
		}
		rows++;
		geomeans += strcmp(label, "geomean") == 0;
	}
	/* Five rows and a geomean in sec/op; Encode-8 alone in B/s, so no
	 * geomean there.  Comparisons: Encode, Slow, A|b*c, Few; Encode. */
	assert_int_equal(rows, 7);
	assert_int_equal(geomeans, 1);
	assert_int_equal(deltas, 5);
	free(tl.v);
	free(md.v);
	free(text);
	free(mdtext);
	cstat_tables_free(t);
}

static void
test_render_markdown_escapes_names(void **state)
{
	(void)state;
	cstat_tables *t = build_two();
	char *md = render(t, CSTAT_FORMAT_MARKDOWN);

	assert_contains(md, "\n| A\\|b\\*c-8 | 502.2n \u00b1 0% |");
	assert_null(strstr(md, "A|b"));
	assert_null(strstr(md, "b*c"));
	free(md);
	cstat_tables_free(t);

	/* Everything Markdown would read, in a config value and a label. */
	const char *names[] = {"x"};
	const char *texts[] = {"note: a|b\\c*d_e`f<g>h[i]j&k~~l$m$\n"
			       "BenchmarkQ_`<x>`[y](z)&amp;~~s~~ 1 10 ns/op\n"};
	t = build(names, texts, 1);
	md = render(t, CSTAT_FORMAT_MARKDOWN);
	assert_contains(md, "- note: a\\|b\\\\c\\*d\\_e\\`f\\<g\\>h\\[i\\]j"
			    "\\&k\\~\\~l\\$m\\$\n");
	assert_contains(md, "\n| Q\\_\\`\\<x\\>\\`\\[y\\](z)\\&amp;"
			    "\\~\\~s\\~\\~ | 10.00n \u00b1 \u221e \u00b9 |\n");
	/* One row: no geomean. */
	assert_null(strstr(md, "geomean"));
	assert_int_equal(check_tables(md), 1);
	free(md);
	cstat_tables_free(t);
}

static void
test_render_markdown_lists_footnotes(void **state)
{
	(void)state;
	cstat_tables *t = build_two();
	char *md = render(t, CSTAT_FORMAT_MARKDOWN);

	/* Few-8's cells refer to the notes numbered in order of first use,
	 * as the text output numbers them. */
	assert_contains(md, "\n| Few-8 | 11.00n \u00b1 \u221e \u00b9 | "
			    "21.00n \u00b1 \u221e \u00b9 | "
			    "~ (p=0.100 n=3) \u00b2 |\n");
	/* The geomean's note goes after its delta, as in the text. */
	assert_contains(md,
			"\n| geomean | 286.3n | 210.6n | +19.72% \u00b3 |\n");
	/* After the table, a blank line and the numbered list. */
	const char *notes = "|\n\n"
			    "1. need \\>= 6 samples for confidence interval "
			    "at level 0.95\n"
			    "2. need \\>= 4 samples to detect a difference at "
			    "alpha level 0.05\n"
			    "3. benchmark set differs from baseline; geomeans "
			    "may not be comparable\n\n";
	const char *list = strstr(md, notes);
	assert_non_null(list);
	/* The list follows the sec/op table, before the B/s table, which
	 * has no notes of its own. */
	assert_true(list > strstr(md, "old.txt<br>sec/op"));
	assert_true(list < strstr(md, "old.txt<br>B/s"));
	assert_null(strstr(list + strlen(notes), "\n1. "));
	assert_null(strstr(list + strlen(notes), "\u00b9"));
	free(md);
	cstat_tables_free(t);
}

static void
test_render_markdown_marks_significance_and_direction(void **state)
{
	(void)state;
	cstat_tables *t = build_two();
	char *mdtext = render(t, CSTAT_FORMAT_MARKDOWN);
	struct lines md = split_lines(mdtext);

	/* Faster is better in sec/op, and so is more throughput in B/s:
	 * the word says so whichever the sign. */
	const char *enc = md_row(&md, "Encode-8", 0);
	assert_non_null(enc);
	assert_contains(enc, "| **-17.23%** better (p=0.000 n=10) |");
	enc = md_row(&md, "Encode-8", 1);
	assert_non_null(enc);
	assert_contains(enc, "| **+20.00%** better (p=0.000 n=10) |");
	const char *slow = md_row(&md, "Slow-8", 0);
	assert_non_null(slow);
	assert_contains(slow, "| **+30.00%** worse (p=0.000 n=10) |");
	/* No change: "~", not bold, no word. */
	const char *same = md_row(&md, "A|b*c-8", 0);
	assert_non_null(same);
	assert_contains(same, "| ~ (p=1.000 n=10) |");
	assert_null(strstr(same, "**"));
	assert_null(strstr(same, "better"));
	assert_null(strstr(same, "worse"));
	/* Missing in new: empty cells, no comparison. */
	const char *gone = md_row(&md, "Gone-8", 0);
	assert_non_null(gone);
	assert_true(strstr(gone, " \u00b1 0% |  |  |") != NULL);
	free(md.v);
	free(mdtext);
	cstat_tables_free(t);
}

static void
test_render_markdown_adds_stats_columns(void **state)
{
	(void)state;
	cstat_tables *t = build_two();
	struct cstat_diag d;

	assert_int_equal(cstat_tables_set(t, "stats", "mean,n", &d), 0);
	char *md = render(t, CSTAT_FORMAT_MARKDOWN);
	assert_contains(md, "|  | old.txt<br>sec/op | mean | n | "
			    "new.txt<br>sec/op | mean | n | vs base |\n"
			    "|:--|--:|--:|--:|--:|--:|--:|--:|\n");
	/* Few-8: the mean of 10, 11, 12 ns and the count, after the center;
	 * the comparison stays last. */
	assert_contains(md, "\n| Few-8 | 11.00n \u00b1 \u221e \u00b9 | 11.00n "
			    "| 3 | 21.00n \u00b1 \u221e \u00b9 | 21.00n | 3 | "
			    "~ (p=0.100 n=3) \u00b2 |\n");
	/* Gone-8 has nothing in new, not even statistics. */
	assert_contains(md, "| 2.009\u00b5 | 10 |  |  |  |  |\n");
	assert_int_equal(check_tables(md), 2);
	free(md);
	cstat_tables_free(t);
}

static void
test_render_markdown_config_changes(void **state)
{
	(void)state;
	const char *names[] = {"a", "b"};
	const char *texts[] = {"goos: linux\npkg: p1\nBenchmarkX 1 10 ns/op\n"
			       "pkg: p2\nBenchmarkY 1 20 ns/op\n",
			       "goos: linux\npkg: p1\nBenchmarkX 1 11 ns/op\n"
			       "pkg: p2\nBenchmarkY 1 21 ns/op\n"};
	cstat_tables *t = build(names, texts, 2);
	char *md = render(t, CSTAT_FORMAT_MARKDOWN);

	assert_int_equal(check_tables(md), 2);
	/* The second table says only what changed, after a blank line. */
	const char *p2 = strstr(md, "\n\n- pkg: p2\n\n|  | a<br>sec/op |");
	assert_non_null(p2);
	assert_true(strstr(md, "- goos: linux\n- pkg: p1\n\n|") == md);
	assert_null(strstr(p2, "goos"));
	free(md);
	cstat_tables_free(t);
}

static void
test_render_markdown_reports_write_errors(void **state)
{
	(void)state;
	cstat_tables *t = build_two();
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		skip();
	/* Unbuffered, so the first write fails rather than the close. */
	assert_int_equal(setvbuf(f, NULL, _IONBF, 0), 0);
	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_MARKDOWN, f, NULL),
			 CSTAT_EIO);
	fclose(f);
	cstat_tables_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_markdown_tables_are_well_formed),
		cmocka_unit_test(test_render_markdown_matches_text_numbers),
		cmocka_unit_test(test_render_markdown_escapes_names),
		cmocka_unit_test(test_render_markdown_lists_footnotes),
		cmocka_unit_test(
			test_render_markdown_marks_significance_and_direction),
		cmocka_unit_test(test_render_markdown_adds_stats_columns),
		cmocka_unit_test(test_render_markdown_config_changes),
		cmocka_unit_test(test_render_markdown_reports_write_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
