/*
 * test-gate-render.c - the regression gate's reports (gate-render.c): the
 * number formats, and the text, Markdown, JSON, JUnit and GitHub reports
 * of a gate built by hand (no tables needed: the reports read only the
 * checks, the tallies and the settings).
 */
#define _GNU_SOURCE /* fopencookie(), to fail a write on purpose */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cstat.h"
#include "gate.h"
#include "ostream.h"

/*
 * A gate with one comparison of each verdict, a second regression whose
 * name holds characters every format must escape, and one ignored
 * comparison.  The numbers are made up but consistent (change = new/base -
 * 1 for the first two).
 */
struct fixture {
	struct cstat_gate_config c;
	struct cstat_check k[5];
	struct cstat__ignored ig[1];
	double detectable[5];
	cstat_gate g;
};

static void
check_init(struct cstat_check *k, int verdict, const char *name,
	   const char *unit, int cls, size_t n_base, size_t n_new)
{
	memset(k, 0, sizeof(*k));
	k->verdict = verdict;
	k->reason = "";
	k->name = name;
	k->unit = unit;
	k->config = "";
	k->base_label = "old.txt";
	k->new_label = "new.txt";
	k->col = 1;
	k->unit_class = cls;
	k->direction_from = "unit class";
	k->n_base = n_base;
	k->n_new = n_new;
	k->threshold = 0.05;
	k->rule = "default";
}

static void
fixture_init(struct fixture *f)
{
	struct cstat_check *k = f->k;

	memset(f, 0, sizeof(*f));
	f->c.alpha = 0.05;
	f->c.confidence = 0.95;
	f->c.correction = CSTAT_CORRECTION_HOLM;
	f->c.threshold = 0.05;
	f->c.threshold_source = "default";
	f->c.nrules = 2;

	check_init(&k[0], CSTAT_REGRESSION, "Encode/size=1k", "sec/op",
		   CSTAT_CLASS_TIME, 10, 10);
	k[0].base_center = 1.2e-6;
	k[0].new_center = 1.2864e-6;
	k[0].change = 0.072;
	k[0].change_lo = 0.059;
	/* 15 digits read back within cJSON's epsilon of this, not to it. */
	k[0].change_hi = 0.08400000000000002;
	k[0].shift = 8.64e-8;
	k[0].shift_lo = 7.08e-8;
	k[0].shift_hi = 1.008e-7;
	k[0].p = 1.0825088224469026e-05;
	k[0].p_adjusted = 4.33003528978761e-05;
	k[0].p_min = 1.0825088224469026e-05;
	k[0].rule = "class:time=5%";

	check_init(&k[1], CSTAT_IMPROVEMENT, "Decode", "sec/op",
		   CSTAT_CLASS_TIME, 10, 10);
	k[1].row = 1;
	k[1].base_center = 2e-6;
	k[1].new_center = 1.8e-6;
	k[1].change = -0.1;
	k[1].change_lo = -0.12;
	k[1].change_hi = -0.08;
	k[1].shift = -2e-7;
	k[1].shift_lo = -2.4e-7;
	k[1].shift_hi = -1.6e-7;
	k[1].p = 0.0002;
	k[1].p_adjusted = 0.0006;
	k[1].p_min = 1.0825088224469026e-05;

	check_init(&k[2], CSTAT_UNCHANGED, "Hash", "B/op", CSTAT_CLASS_MEMORY,
		   10, 10);
	k[2].table = 1;
	k[2].base_center = 1536;
	k[2].new_center = 1540;
	k[2].change = 0.0026041666666666665;
	k[2].change_lo = -0.004;
	k[2].change_hi = 0.009;
	k[2].shift = 4;
	k[2].shift_lo = -6;
	k[2].shift_hi = 14;
	k[2].p = 0.6;
	k[2].p_adjusted = 1;
	k[2].p_min = 1.0825088224469026e-05;
	k[2].threshold = 0.1;
	k[2].rule = "unit:B/op=10%";

	check_init(&k[3], CSTAT_INCONCLUSIVE, "Parse", "B/op",
		   CSTAT_CLASS_MEMORY, 10, 0);
	k[3].table = 1;
	k[3].row = 1;
	k[3].reason = "missing in new.txt";
	k[3].base_center = 4096;
	k[3].new_center = NAN;
	k[3].change = NAN;
	k[3].change_lo = NAN;
	k[3].change_hi = NAN;
	k[3].shift = NAN;
	k[3].shift_lo = NAN;
	k[3].shift_hi = NAN;
	k[3].p = NAN;
	k[3].p_adjusted = NAN;
	k[3].p_min = NAN;

	check_init(&k[4], CSTAT_REGRESSION, "a|b<c&d%e,f:g", "allocs/op",
		   CSTAT_CLASS_ALLOCS, 8, 8);
	k[4].table = 2;
	k[4].base_center = 12;
	k[4].new_center = 14;
	k[4].change = 1.0 / 6;
	k[4].change_lo = 0.0833;
	k[4].change_hi = 0.25;
	k[4].shift = 2;
	k[4].shift_lo = 1;
	k[4].shift_hi = 3;
	k[4].p = 0.000155;
	k[4].p_adjusted = 0.000465;
	k[4].p_min = 0.000155;

	f->ig[0] =
		(struct cstat__ignored){"Old", "sec/op", "", "Old*", "flag", 0};

	f->g.c = &f->c;
	f->g.checks = f->k;
	f->g.n = 5;
	f->g.tally[CSTAT_REGRESSION] = 2;
	f->g.tally[CSTAT_IMPROVEMENT] = 1;
	f->g.tally[CSTAT_UNCHANGED] = 1;
	f->g.tally[CSTAT_INCONCLUSIVE] = 1;
	f->g.ignored = f->ig;
	f->g.nignored = 1;
	f->g.family = 4; /* the checks with a p-value */
}

/* Renders g in format fmt into a new string (the caller frees it). */
static char *
render(const cstat_gate *g, int fmt, bool strict)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int rc;

	assert_non_null(f);
	/* Through the reports' table, as cregress writes them. */
	rc = cstat_gate_write(g, (enum cstat_report)fmt, strict, f);
	assert_int_equal(rc, 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	return buf;
}

/* The offset of needle in s; fails when it is absent. */
static size_t
offset_of(const char *s, const char *needle)
{
	const char *p = strstr(s, needle);

	if (!p) {
		print_error("\"%s\" not found in:\n", needle);
		print_error("%s", s);
		fail();
	}
	return (size_t)(p - s);
}

/* The last line of s (which ends in "\n"), copied into buf. */
static const char *
last_line(const char *s, char *buf, size_t size)
{
	size_t len = strlen(s);
	const char *start;

	assert_true(len > 0 && s[len - 1] == '\n');
	start = s + len - 1;
	while (start > s && start[-1] != '\n')
		start--;
	assert_true((size_t)(s + len - 1 - start) < size);
	memcpy(buf, start, (size_t)(s + len - 1 - start));
	buf[s + len - 1 - start] = '\0';
	return buf;
}

/* The column, in runes, where needle starts on its line of s. */
static size_t
rune_column(const char *s, const char *needle)
{
	size_t off = offset_of(s, needle), col = 0;
	const char *p = s + off;

	while (p > s && p[-1] != '\n') {
		p--;
		if (((unsigned char)*p & 0xc0) != 0x80)
			col++;
	}
	return col;
}

static void
test_fmt_change_decimals(void **state)
{
	char buf[64];

	(void)state;
	cstat__gate_fmt_change(0.072, buf, sizeof(buf));
	assert_string_equal(buf, "+7.2%");
	cstat__gate_fmt_change(-0.1, buf, sizeof(buf));
	assert_string_equal(buf, "-10.0%");
	cstat__gate_fmt_change(0.0035, buf, sizeof(buf));
	assert_string_equal(buf, "+0.35%");
	cstat__gate_fmt_change(-0.0035, buf, sizeof(buf));
	assert_string_equal(buf, "-0.35%");
	/* Below 0.005% more decimals, so it does not print as zero. */
	cstat__gate_fmt_change(0.00001, buf, sizeof(buf));
	assert_string_equal(buf, "+0.001%");
	cstat__gate_fmt_change(0, buf, sizeof(buf));
	assert_string_equal(buf, "0.0%");
	cstat__gate_fmt_change(-0.0, buf, sizeof(buf));
	assert_string_equal(buf, "0.0%");
	cstat__gate_fmt_change(NAN, buf, sizeof(buf));
	assert_string_equal(buf, "?");
	cstat__gate_fmt_change(INFINITY, buf, sizeof(buf));
	assert_string_equal(buf, "+Inf%");
	cstat__gate_fmt_change(-INFINITY, buf, sizeof(buf));
	assert_string_equal(buf, "-Inf%");
	/* A finite change whose percentage overflows is infinite too. */
	cstat__gate_fmt_change(1e308, buf, sizeof(buf));
	assert_string_equal(buf, "+Inf%");
	/* Truncated, never overrun. */
	memset(buf, 'x', sizeof(buf));
	cstat__gate_fmt_change(0.072, buf, 3);
	assert_string_equal(buf, "+7");
	assert_int_equal(buf[3], 'x');
}

static void
test_fmt_change_ci_and_value(void **state)
{
	struct fixture f;
	char buf[128];

	(void)state;
	fixture_init(&f);
	cstat__gate_fmt_change_ci(&f.k[0], buf, sizeof(buf));
	assert_string_equal(buf, "+7.2% [+5.9%, +8.4%]");
	cstat__gate_fmt_change_ci(&f.k[1], buf, sizeof(buf));
	assert_string_equal(buf, "-10.0% [-12.0%, -8.0%]");
	f.k[0].change_lo = NAN;
	cstat__gate_fmt_change_ci(&f.k[0], buf, sizeof(buf));
	assert_string_equal(buf, "+7.2%");
	cstat__gate_fmt_change_ci(&f.k[3], buf, sizeof(buf));
	assert_string_equal(buf, "?");

	cstat__gate_fmt_value(1.234e-6, "sec/op", buf, sizeof(buf));
	assert_string_equal(buf, "1.234\u00b5");
	cstat__gate_fmt_value(1536, "B/op", buf, sizeof(buf));
	assert_string_equal(buf, "1.500Ki");
	cstat__gate_fmt_value(1536, "allocs/op", buf, sizeof(buf));
	assert_string_equal(buf, "1.536k");
	cstat__gate_fmt_value(NAN, "sec/op", buf, sizeof(buf));
	assert_string_equal(buf, "NaN");
	cstat__gate_fmt_value(-INFINITY, "B/op", buf, sizeof(buf));
	assert_string_equal(buf, "-Inf");
}

/* The whole text report of the fixture, as a person reads it. */
static const char text_want[] =
	"cregress: alpha 0.05 (holm over 4 tested comparisons), 95% intervals, "
	"threshold 5% unless a rule says otherwise (applied to the estimate)\n"
	"\n"
	"Regressions:\n"
	"  Encode/size=1k   sec/op      1.200\u00b5 \u2192 1.286\u00b5    "
	"+7.2% [+5.9%, +8.4%]    p=0.000 (adjusted 0.000)   n=10+10   "
	"threshold 5% (class:time=5%)\n"
	"  a|b<c&d%e,f:g    allocs/op    12.00 \u2192  14.00   "
	"+16.7% [+8.3%, +25.0%]   p=0.000 (adjusted 0.000)   n=8+8     "
	"threshold 5%\n"
	"\n"
	"Improvements:\n"
	"  Decode   sec/op   2.000\u00b5 \u2192 1.800\u00b5   "
	"-10.0% [-12.0%, -8.0%]   p=0.000 (adjusted 0.001)   n=10+10   "
	"threshold 5%\n"
	"\n"
	"Inconclusive:\n"
	"  Parse   B/op   n=10+0   missing in new.txt\n"
	"\n"
	"2 regressions, 1 improvement, 1 unchanged, 1 inconclusive, "
	"1 ignored\n";

static void
test_text_layout(void **state)
{
	struct fixture f;
	char *s, line[256];

	(void)state;
	fixture_init(&f);
	s = render(&f.g, CSTAT_REPORT_TEXT, false);
	assert_string_equal(s, text_want);
	/* Regressions, then improvements, then inconclusive ones. */
	assert_true(offset_of(s, "Regressions:") <
		    offset_of(s, "Improvements:"));
	assert_true(offset_of(s, "Improvements:") <
		    offset_of(s, "Inconclusive:"));
	assert_true(offset_of(s, "Encode/size=1k") < offset_of(s, "Decode"));
	assert_true(offset_of(s, "Decode") < offset_of(s, "Parse"));
	/* Unchanged comparisons are counted, not listed. */
	assert_null(strstr(s, "Hash"));
	/* Columns line up across the lines of a section, in runes. */
	assert_int_equal(rune_column(s, "sec/op      1.200"),
			 rune_column(s, "allocs/op"));
	assert_int_equal(rune_column(s, "n=10+10   threshold 5% (class"),
			 rune_column(s, "n=8+8"));
	assert_string_equal(last_line(s, line, sizeof(line)),
			    "2 regressions, 1 improvement, 1 unchanged, "
			    "1 inconclusive, 1 ignored");
	free(s);
}

static void
test_text_plurals_and_no_ignored(void **state)
{
	struct fixture f;
	char *s, line[256];

	(void)state;
	fixture_init(&f);
	f.k[1].verdict = CSTAT_UNCHANGED;
	f.k[4].verdict = CSTAT_UNCHANGED;
	f.g.tally[CSTAT_REGRESSION] = 1;
	f.g.tally[CSTAT_IMPROVEMENT] = 0;
	f.g.tally[CSTAT_UNCHANGED] = 3;
	f.g.nignored = 0;
	s = render(&f.g, CSTAT_REPORT_TEXT, false);
	assert_string_equal(last_line(s, line, sizeof(line)),
			    "1 regression, 0 improvements, 3 unchanged, "
			    "1 inconclusive");
	/* An empty section is left out. */
	assert_null(strstr(s, "Improvements:"));
	assert_non_null(strstr(s, "Regressions:"));
	free(s);
}

static void
test_text_correction_none_and_configs(void **state)
{
	struct fixture f;
	char *s;

	(void)state;
	fixture_init(&f);
	f.c.correction = CSTAT_CORRECTION_NONE;
	f.c.nrules = 0;
	f.k[0].config = "goos:linux";
	f.k[1].new_label = "third.txt";
	s = render(&f.g, CSTAT_REPORT_TEXT, false);
	assert_int_equal(offset_of(s,
				   "cregress: alpha 0.05 (no correction, "
				   "4 tested comparisons), 95% intervals, "
				   "threshold 5% (applied to the estimate)\n"),
			 0);
	assert_null(strstr(s, "adjusted"));
	assert_non_null(strstr(s, "p=0.000   n=10+10"));
	/* Two configs: the one that is not empty is shown. */
	assert_non_null(strstr(s, "Encode/size=1k [goos:linux]   new.txt vs "
				  "old.txt   sec/op"));
	/* Three column labels: every line says which two. */
	assert_non_null(strstr(s, "Decode   third.txt vs old.txt   sec/op"));
	free(s);
}

/* The number of cells of a Markdown table row: its unescaped pipes - 1. */
static size_t
md_cells(const char *line, size_t len)
{
	size_t pipes = 0;

	for (size_t i = 0; i < len; i++) {
		if (line[i] == '\\')
			i++;
		else if (line[i] == '|')
			pipes++;
	}
	assert_true(pipes >= 2);
	return pipes - 1;
}

/*
 * Checks every table of a Markdown text: a header, a separator row of
 * only '|', ':' and '-' with as many cells, and rows with as many cells.
 * @return the number of tables.
 */
static size_t
md_check_tables(const char *s)
{
	size_t ntables = 0;
	const char *p = s;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t head, len;

		assert_non_null(eol);
		if (*p != '|') {
			p = eol + 1;
			continue;
		}
		ntables++;
		head = md_cells(p, (size_t)(eol - p));
		p = eol + 1;
		eol = strchr(p, '\n');
		assert_non_null(eol);
		len = (size_t)(eol - p);
		assert_int_equal(strspn(p, "|:-"), len);
		assert_int_equal(md_cells(p, len), head);
		for (p = eol + 1; *p == '|'; p = eol + 1) {
			eol = strchr(p, '\n');
			assert_non_null(eol);
			assert_int_equal(md_cells(p, (size_t)(eol - p)), head);
		}
	}
	return ntables;
}

static void
test_markdown_tables(void **state)
{
	struct fixture f;
	char *s;

	(void)state;
	fixture_init(&f);
	s = render(&f.g, CSTAT_REPORT_MARKDOWN, false);
	assert_int_equal(offset_of(s, "### cregress: 2 regressions, 1 "
				      "improvement, 1 unchanged, 1 "
				      "inconclusive, 1 ignored\n\n"),
			 0);
	assert_non_null(
		strstr(s, "\nSettings: alpha 0.05 (holm over 4 "
			  "tested comparisons), 95% intervals, threshold "
			  "5% unless a rule says otherwise (applied to the "
			  "estimate).\n"));
	/* Regressions, improvements, inconclusive and all comparisons. */
	assert_int_equal(md_check_tables(s), 4);
	assert_non_null(strstr(s, "| Benchmark | Unit | Base | New | Change "
				  "[CI] | p (adj.) | n | Threshold |\n"));
	assert_non_null(strstr(s, "| Encode/size=1k | sec/op | 1.200\u00b5 | "
				  "1.286\u00b5 | +7.2% [+5.9%, +8.4%] | "
				  "0.000 (0.000) | 10+10 | 5% "
				  "(class:time=5%) |\n"));
	/* The name is escaped for a table cell. */
	assert_non_null(strstr(s, "| a\\|b\\<c\\&d%e,f:g | allocs/op |"));
	assert_null(strstr(s, "a|b"));
	assert_true(offset_of(s, "#### Regressions") <
		    offset_of(s, "#### Improvements"));
	assert_true(offset_of(s, "#### Improvements") <
		    offset_of(s, "#### Inconclusive"));
	assert_true(offset_of(s, "#### Inconclusive") <
		    offset_of(s, "<details><summary>All 5 comparisons"
				 "</summary>\n\n|"));
	assert_non_null(strstr(s, "| 10+10 | 10% (unit:B/op=10%) | "
				  "unchanged |\n"));
	assert_non_null(strstr(s, "| inconclusive: missing in new.txt |\n"));
	assert_non_null(strstr(s, "|\n\n</details>\n"));
	assert_null(strstr(s, "No regressions."));
	free(s);
}

static void
test_markdown_escapes_and_extra_columns(void **state)
{
	struct fixture f;
	char *s;

	(void)state;
	fixture_init(&f);
	/* No regressions; names Markdown would otherwise interpret. */
	f.k[0].verdict = CSTAT_UNCHANGED;
	f.k[4].verdict = CSTAT_UNCHANGED;
	f.k[1].name = "*x* _y_ `z` [l](u) a\\b ~~s~~ &lt; \nn";
	f.k[1].config = "goos:linux";
	f.k[3].new_label = "third.txt";
	f.g.tally[CSTAT_REGRESSION] = 0;
	f.g.tally[CSTAT_UNCHANGED] = 3;
	s = render(&f.g, CSTAT_REPORT_MARKDOWN, false);
	assert_non_null(strstr(s, "\nNo regressions.\n"));
	assert_null(strstr(s, "#### Regressions"));
	/* Improvements, inconclusive and all: config and labels columns. */
	assert_int_equal(md_check_tables(s), 3);
	assert_non_null(strstr(s, "| Benchmark | Config | Compared | Unit |"));
	assert_non_null(strstr(s, "| \\*x\\* \\_y\\_ \\`z\\` \\[l\\](u) "
				  "a\\\\b \\~\\~s\\~\\~ \\&lt;  n | "
				  "goos:linux | new.txt vs old.txt |"));
	assert_non_null(strstr(s, "| Parse |  | third.txt vs old.txt |"));
	free(s);
}

static void
test_json_numbers_round_trip(void **state)
{
	struct fixture f;
	const struct cstat_check *k;
	cJSON *root, *o, *c;
	char *s;

	(void)state;
	fixture_init(&f);
	s = render(&f.g, CSTAT_REPORT_JSON, false);
	assert_true(strlen(s) > 2 && s[strlen(s) - 1] == '\n' &&
		    s[strlen(s) - 2] == '}');
	root = cJSON_ParseWithLengthOpts(s, strlen(s), NULL, false);
	assert_non_null(root);
	assert_string_equal(cJSON_GetObjectItem(root, "schema")->valuestring,
			    "cregress/1");

	o = cJSON_GetObjectItem(root, "settings");
	assert_true(cJSON_GetObjectItem(o, "alpha")->valuedouble == 0.05);
	assert_true(cJSON_GetObjectItem(o, "confidence")->valuedouble == 0.95);
	assert_string_equal(cJSON_GetObjectItem(o, "correction")->valuestring,
			    "holm");
	assert_true(cJSON_GetObjectItem(o, "threshold")->valuedouble == 0.05);
	assert_int_equal(cJSON_GetObjectItem(o, "comparisons")->valueint, 5);
	assert_int_equal(cJSON_GetObjectItem(o, "tested")->valueint, 4);

	o = cJSON_GetObjectItem(root, "summary");
	assert_int_equal(cJSON_GetObjectItem(o, "regression")->valueint, 2);
	assert_int_equal(cJSON_GetObjectItem(o, "improvement")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(o, "unchanged")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(o, "inconclusive")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(o, "ignored")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(o, "status")->valueint, 1);
	assert_int_equal(cJSON_GetObjectItem(o, "strict_status")->valueint, 1);

	o = cJSON_GetObjectItem(root, "comparisons");
	assert_int_equal(cJSON_GetArraySize(o), 5);
	c = cJSON_GetArrayItem(o, 0);
	k = &f.k[0];
	assert_string_equal(cJSON_GetObjectItem(c, "name")->valuestring,
			    k->name);
	assert_string_equal(cJSON_GetObjectItem(c, "unit")->valuestring,
			    "sec/op");
	assert_string_equal(cJSON_GetObjectItem(c, "config")->valuestring, "");
	assert_string_equal(cJSON_GetObjectItem(c, "base")->valuestring,
			    "old.txt");
	assert_string_equal(cJSON_GetObjectItem(c, "new")->valuestring,
			    "new.txt");
	assert_string_equal(cJSON_GetObjectItem(c, "verdict")->valuestring,
			    "regression");
	assert_string_equal(cJSON_GetObjectItem(c, "unit_class")->valuestring,
			    "time");
	assert_string_equal(cJSON_GetObjectItem(c, "better")->valuestring,
			    "lower");
	assert_string_equal(
		cJSON_GetObjectItem(c, "direction_from")->valuestring,
		"unit class");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(c, "exact")));
	assert_string_equal(cJSON_GetObjectItem(c, "rule")->valuestring,
			    "class:time=5%");
	/* Every number is the struct's, exactly. */
	{
		const struct {
			const char *key;
			double want;
		} nums[] = {
			{"n_base", 10},
			{"n_new", 10},
			{"col", 1},
			{"base_center", k->base_center},
			{"new_center", k->new_center},
			{"change", k->change},
			{"change_lo", k->change_lo},
			{"change_hi", k->change_hi},
			{"shift", k->shift},
			{"shift_lo", k->shift_lo},
			{"shift_hi", k->shift_hi},
			{"p", k->p},
			{"p_adjusted", k->p_adjusted},
			{"p_min", k->p_min},
			{"threshold", k->threshold},
		};
		for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
			cJSON *n = cJSON_GetObjectItem(c, nums[i].key);
			if (!cJSON_IsNumber(n) ||
			    n->valuedouble != nums[i].want)
				fail_msg("%s is not %.17g", nums[i].key,
					 nums[i].want);
		}
	}
	assert_null(cJSON_GetObjectItem(c, "detectable"));
	/* NaN is null. */
	c = cJSON_GetArrayItem(o, 3);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(c, "change")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(c, "p")));
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(c, "new_center")));
	assert_string_equal(cJSON_GetObjectItem(c, "reason")->valuestring,
			    "missing in new.txt");
	assert_true(cJSON_GetObjectItem(c, "base_center")->valuedouble == 4096);
	/* Order as in g->checks, and names as they are. */
	assert_string_equal(
		cJSON_GetObjectItem(cJSON_GetArrayItem(o, 4), "name")
			->valuestring,
		"a|b<c&d%e,f:g");
	o = cJSON_GetObjectItem(root, "ignored");
	assert_int_equal(cJSON_GetArraySize(o), 1);
	assert_string_equal(
		cJSON_GetObjectItem(cJSON_GetArrayItem(o, 0), "pattern")
			->valuestring,
		"Old*");
	cJSON_Delete(root);
	free(s);
}

/* Names are bytes: what is not UTF-8 becomes U+FFFD, so the JSON parses. */
static void
test_json_invalid_utf8(void **state)
{
	struct fixture f;
	cJSON *root;
	char *s;

	(void)state;
	fixture_init(&f);
	f.k[2].name = "Bad\xff\xc3name\xe2\x82";
	s = render(&f.g, CSTAT_REPORT_JSON, false);
	root = cJSON_Parse(s);
	assert_non_null(root);
	cJSON *c =
		cJSON_GetArrayItem(cJSON_GetObjectItem(root, "comparisons"), 2);
	assert_string_equal(cJSON_GetObjectItem(c, "name")->valuestring,
			    "Bad\xef\xbf\xbd\xef\xbf\xbdname\xef\xbf\xbd"
			    "\xef\xbf\xbd");
	cJSON_Delete(root);
	free(s);
}

static void
test_json_detectable_and_infinity(void **state)
{
	struct fixture f;
	cJSON *root, *o;
	char *s;

	(void)state;
	fixture_init(&f);
	for (size_t i = 0; i < 5; i++)
		f.detectable[i] = 0.05 + 0.01 * (double)i;
	f.detectable[3] = NAN;
	f.g.detectable = f.detectable;
	f.k[2].shift_hi = INFINITY;
	f.k[4].verdict = CSTAT_UNCHANGED;
	f.k[0].verdict = CSTAT_UNCHANGED;
	f.g.tally[CSTAT_REGRESSION] = 0;
	f.g.tally[CSTAT_UNCHANGED] = 3;
	s = render(&f.g, CSTAT_REPORT_JSON, false);
	assert_null(strstr(s, "nan"));
	assert_null(strstr(s, "inf"));
	root = cJSON_ParseWithLengthOpts(s, strlen(s), NULL, false);
	assert_non_null(root);
	o = cJSON_GetObjectItem(root, "comparisons");
	assert_true(cJSON_GetObjectItem(cJSON_GetArrayItem(o, 1), "detectable")
			    ->valuedouble == f.detectable[1]);
	assert_true(cJSON_IsNull(
		cJSON_GetObjectItem(cJSON_GetArrayItem(o, 3), "detectable")));
	assert_true(cJSON_IsNull(
		cJSON_GetObjectItem(cJSON_GetArrayItem(o, 2), "shift_hi")));
	/* Nothing regressed: 0; strict counts the inconclusive one. */
	o = cJSON_GetObjectItem(root, "summary");
	assert_int_equal(cJSON_GetObjectItem(o, "status")->valueint, 0);
	assert_int_equal(cJSON_GetObjectItem(o, "strict_status")->valueint, 1);
	cJSON_Delete(root);
	free(s);
}

static void
test_junit_counts_and_escapes(void **state)
{
	struct fixture f;
	char *s;

	(void)state;
	fixture_init(&f);
	s = render(&f.g, CSTAT_REPORT_JUNIT, false);
	assert_int_equal(
		offset_of(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
			     "<testsuites name=\"cregress\" tests=\"5\" "
			     "failures=\"2\" errors=\"0\" "
			     "skipped=\"1\">\n"
			     "  <testsuite name=\"cregress\" "
			     "tests=\"5\" failures=\"2\" errors=\"0\" "
			     "skipped=\"1\">\n"),
		0);
	assert_non_null(strstr(
		s, "    <testcase classname=\"cregress\" name=\"Encode/size=1k "
		   "sec/op\">\n"
		   "      <failure message=\"sec/op +7.2% [+5.9%, +8.4%] "
		   "(p=0.000, "
		   "adjusted 0.000), threshold 5% (class:time=5%)\" "
		   "type=\"regression\">Encode/size=1k sec/op: "
		   "1.200\u00b5 \u2192 1.286\u00b5, +7.2% [+5.9%, +8.4%], "
		   "p=0.000 (adjusted 0.000), n=10+10, threshold 5% "
		   "(class:time=5%)</failure>\n    </testcase>\n"));
	assert_non_null(strstr(s, "<testcase classname=\"cregress\" "
				  "name=\"a|b&lt;c&amp;d%e,f:g allocs/op\">"));
	assert_non_null(strstr(s, "type=\"regression\">a|b&lt;c&amp;d%e,f:g "
				  "allocs/op:"));
	assert_non_null(strstr(s,
			       "<testcase classname=\"cregress\" name=\"Parse "
			       "B/op\">\n"
			       "      <skipped message=\"B/op inconclusive: "
			       "missing in new.txt\"/>\n    </testcase>\n"));
	assert_non_null(strstr(s, "<system-out>improvement: Decode sec/op: "));
	assert_null(strstr(s, "type=\"inconclusive\""));
	assert_null(strstr(s, "a|b<c"));
	assert_true(offset_of(s, "</testsuite>\n</testsuites>\n") + 27 ==
		    strlen(s));
	free(s);

	s = render(&f.g, CSTAT_REPORT_JUNIT, true);
	assert_non_null(strstr(s, "<testsuites name=\"cregress\" tests=\"5\" "
				  "failures=\"3\" errors=\"0\" "
				  "skipped=\"0\">"));
	assert_non_null(strstr(s, "<failure message=\"B/op inconclusive: "
				  "missing in new.txt\" "
				  "type=\"inconclusive\">Parse B/op: missing "
				  "in new.txt (n=10+0)</failure>"));
	assert_null(strstr(s, "<skipped"));
	free(s);
}

static void
test_junit_drops_what_xml_cannot_hold(void **state)
{
	struct fixture f;
	char *s;

	(void)state;
	fixture_init(&f);
	/* A control byte, a byte that is not UTF-8, a quote, a tab. */
	f.k[1].name = "D\x01"
		      "e\xff"
		      "c\"o'd\te";
	f.k[1].config = "k:v";
	s = render(&f.g, CSTAT_REPORT_JUNIT, false);
	assert_non_null(strstr(s, "<testcase classname=\"k:v\" "
				  "name=\"De\xef\xbf\xbd"
				  "c&quot;o&apos;d&#9;e sec/op [k:v]\">"));
	assert_non_null(strstr(s, "<system-out>improvement: De\xef\xbf\xbd"
				  "c&quot;o&apos;d\te [k:v] sec/op: "));
	assert_null(strstr(s, "\x01"));
	assert_null(strstr(s, "\xff"));
	free(s);
}

static void
test_github_commands(void **state)
{
	struct fixture f;
	char *s;

	(void)state;
	fixture_init(&f);
	s = render(&f.g, CSTAT_REPORT_GITHUB, false);
	assert_string_equal(
		s,
		"::error title=Regression in Encode/size=1k (sec/op)::"
		"Encode/size=1k sec/op: 1.200\u00b5 \u2192 1.286\u00b5, "
		"+7.2%25 [+5.9%25, +8.4%25], p=0.000 (adjusted 0.000), "
		"n=10+10, threshold 5%25 (class:time=5%25)\n"
		"::notice title=Improvement in Decode (sec/op)::Decode sec/op: "
		"2.000\u00b5 \u2192 1.800\u00b5, -10.0%25 [-12.0%25, "
		"-8.0%25], p=0.000 (adjusted 0.001), n=10+10, threshold 5%25\n"
		"::warning title=Inconclusive%3A Parse (B/op)::Parse B/op: "
		"missing in new.txt (n=10+0)\n"
		"::error title=Regression in a|b<c&d%25e%2Cf%3Ag (allocs/op)::"
		"a|b<c&d%25e,f:g allocs/op: 12.00 \u2192 14.00, +16.7%25 "
		"[+8.3%25, +25.0%25], p=0.000 (adjusted 0.000), n=8+8, "
		"threshold 5%25\n"
		"cregress: 2 regressions, 1 improvement, 1 unchanged, "
		"1 inconclusive, 1 ignored\n");
	free(s);

	/* strict makes the inconclusive one an error; line breaks in a
	 * reason are escaped. */
	f.k[3].reason = "a\r\nb";
	s = render(&f.g, CSTAT_REPORT_GITHUB, true);
	assert_non_null(strstr(s, "\n::error title=Inconclusive%3A Parse "
				  "(B/op)::Parse B/op: a%0D%0Ab (n=10+0)\n"));
	assert_null(strstr(s, "::warning"));
	free(s);
}

/* Every name="..." of a JUnit report, in order, into names (at most max);
 * returns how many. */
static size_t
junit_names(const char *s, char names[][128], size_t max)
{
	size_t n = 0;
	const char *p = s;

	while (n < max && (p = strstr(p, "<testcase ")) != NULL) {
		const char *a = strstr(p, " name=\"") + 7, *e = strchr(a, '"');

		assert_true((size_t)(e - a) < 128);
		memcpy(names[n], a, (size_t)(e - a));
		names[n++][e - a] = '\0';
		p = e;
	}
	return n;
}

static void
test_junit_names_unique(void **state)
{
	struct fixture f;
	char names[8][128];
	size_t n;
	char *s;

	(void)state;
	fixture_init(&f);
	/* Two comparisons of one benchmark and unit with the same config
	 * (configs that differed only in white space, say): numbered. */
	f.k[1].name = "Encode/size=1k";
	s = render(&f.g, CSTAT_REPORT_JUNIT, false);
	n = junit_names(s, names, 8);
	assert_int_equal(n, 5);
	assert_string_equal(names[0], "Encode/size=1k sec/op");
	assert_string_equal(names[1], "Encode/size=1k sec/op #2");
	assert_string_equal(names[2], "Hash B/op");
	free(s);

	/* More than two columns: each name says which pair it compares. */
	f.k[1].new_label = "b.txt";
	s = render(&f.g, CSTAT_REPORT_JUNIT, false);
	n = junit_names(s, names, 8);
	assert_string_equal(names[0], "Encode/size=1k sec/op (new.txt vs "
				      "old.txt)");
	assert_string_equal(names[1], "Encode/size=1k sec/op (b.txt vs "
				      "old.txt)");
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(names[i], names[j]);
	free(s);
}

/* n checks of verdict v named PREFIX00, PREFIX01, ... */
static void
fill_checks(struct cstat_check *k, size_t n, int verdict, const char *prefix,
	    char (*names)[16])
{
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "%s%02zu", prefix, i);
		check_init(&k[i], verdict, names[i], "sec/op", CSTAT_CLASS_TIME,
			   10, 10);
		k[i].base_center = 1e-6;
		k[i].new_center = 1.1e-6;
		k[i].change = 0.1;
		k[i].change_lo = 0.09;
		k[i].change_hi = 0.11;
		k[i].p = k[i].p_adjusted = 0.001;
		if (verdict == CSTAT_INCONCLUSIVE)
			k[i].reason = "missing in new.txt";
	}
}

static size_t
count_lines(const char *s, const char *prefix)
{
	size_t n = 0, len = strlen(prefix);

	for (const char *p = s; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		n += strncmp(p, prefix, len) == 0;
	return n;
}

static void
test_github_one_per_benchmark(void **state)
{
	struct fixture f;
	char *s;

	(void)state;
	fixture_init(&f);
	/* Encode/size=1k regresses in sec/op and allocs/op: one annotation,
	 * a line per unit, the line break escaped as %0A. */
	f.k[4].name = "Encode/size=1k";
	s = render(&f.g, CSTAT_REPORT_GITHUB, false);
	assert_int_equal(count_lines(s, "::error "), 1);
	assert_non_null(strstr(
		s, "::error title=Regression in Encode/size=1k (sec/op%2C "
		   "allocs/op)::Encode/size=1k sec/op: 1.200\u00b5 \u2192 "
		   "1.286\u00b5, +7.2%25 [+5.9%25, +8.4%25], p=0.000 (adjusted "
		   "0.000), n=10+10, threshold 5%25 (class:time=5%25)%0A"
		   "Encode/size=1k allocs/op: 12.00 \u2192 14.00, +16.7%25 "));
	free(s);

	/* With -strict an inconclusive unit of the same benchmark joins its
	 * regressions; a line break in its reason stays escaped. */
	f.k[3].name = "Encode/size=1k";
	f.k[3].reason = "a\nb";
	s = render(&f.g, CSTAT_REPORT_GITHUB, true);
	assert_int_equal(count_lines(s, "::error "), 1);
	assert_non_null(strstr(s, "(sec/op%2C B/op%2C allocs/op)::"));
	assert_non_null(strstr(s, "%0AEncode/size=1k B/op: a%0Ab (n=10+0)%0A"));
	assert_null(strstr(s, "::warning"));
	free(s);
}

static void
test_github_caps(void **state)
{
	struct fixture f;
	struct cstat_check k[60];
	char names[60][16];
	char *s;

	(void)state;
	fixture_init(&f);
	/* 25 regressions, 12 inconclusive, 23 improvements: GitHub shows 10
	 * of each kind per step. */
	fill_checks(k, 25, CSTAT_REGRESSION, "R", names);
	fill_checks(k + 25, 12, CSTAT_INCONCLUSIVE, "I", names + 25);
	fill_checks(k + 37, 23, CSTAT_IMPROVEMENT, "G", names + 37);
	f.g.checks = k;
	f.g.n = 60;
	f.g.tally[CSTAT_REGRESSION] = 25;
	f.g.tally[CSTAT_IMPROVEMENT] = 23;
	f.g.tally[CSTAT_UNCHANGED] = 0;
	f.g.tally[CSTAT_INCONCLUSIVE] = 12;
	s = render(&f.g, CSTAT_REPORT_GITHUB, false);
	assert_int_equal(count_lines(s, "::error "), 10);
	assert_int_equal(count_lines(s, "::warning "), 10);
	/* Two counts, so room for 7 improvements and their count. */
	assert_int_equal(count_lines(s, "::notice "), 10);
	assert_int_equal(count_lines(s, "::notice title=Improvement in "), 7);
	assert_non_null(strstr(s, "::error title=Regression in R09 "));
	assert_null(strstr(s, "R10"));
	assert_non_null(strstr(
		s, "\n::notice title=cregress::and 15 more benchmarks with "
		   "regressions (15 comparisons) not annotated; see the job "
		   "summary\n::notice title=cregress::and 2 more benchmarks "
		   "with inconclusive comparisons (2 comparisons) not "
		   "annotated; see the job summary\n::notice title=cregress::"
		   "and 16 more benchmarks with improvements (16 comparisons) "
		   "not annotated; see the job summary\ncregress: 25 "
		   "regressions, 23 improvements, 0 unchanged, 12 "
		   "inconclusive, 1 ignored\n"));
	free(s);

	/* Exactly 10 of a kind fit without a count. */
	f.g.n = 10;
	s = render(&f.g, CSTAT_REPORT_GITHUB, false);
	assert_int_equal(count_lines(s, "::error "), 10);
	assert_int_equal(count_lines(s, "::notice "), 0);
	free(s);
}

static void
test_write_errors_are_eio(void **state)
{
	struct fixture f;
	FILE *full = fopen("/dev/full", "w");

	(void)state;
	if (!full)
		skip();
	/* Unbuffered, so the first write fails at once. */
	assert_int_equal(setvbuf(full, NULL, _IONBF, 0), 0);
	fixture_init(&f);
	assert_int_equal(cstat__gate_write_text(&f.g, full), CSTAT_EIO);
	assert_int_equal(cstat__gate_write_markdown(&f.g, full), CSTAT_EIO);
	assert_int_equal(cstat__gate_write_json(&f.g, full), CSTAT_EIO);
	assert_int_equal(cstat__gate_write_junit(&f.g, false, full), CSTAT_EIO);
	assert_int_equal(cstat__gate_write_github(&f.g, true, full), CSTAT_EIO);
	fclose(full);
}

/*
 * A FILE whose fail_at-th write fails (0: none does): it counts the writes
 * and the bytes taken, and the writes tried after the failure.  It keeps
 * stdio's buffer: unbuffered, glibc retries a failed write byte by byte.
 */
struct sink {
	size_t fail_at, calls, bytes, after;
	bool closed; /* the writes from here on are fclose()'s */
};

static ssize_t
sink_write(void *cookie, const char *buf, size_t size)
{
	struct sink *k = cookie;

	(void)buf;
	if (k->closed)
		return -1;
	if (k->fail_at && k->calls >= k->fail_at) {
		k->after++;
		return -1;
	}
	if (++k->calls == k->fail_at)
		return -1;
	k->bytes += size;
	return (ssize_t)size;
}

/* Renders g in format fmt into k; the report's return value. */
static int
render_sink(const cstat_gate *g, int fmt, struct sink *k)
{
	cookie_io_functions_t io = {.write = sink_write};
	FILE *f = fopencookie(k, "w", io);
	int rc;

	assert_non_null(f);
	/* Through the reports' table, as cregress writes them. */
	rc = cstat_gate_write(g, (enum cstat_report)fmt, false, f);
	/* Not fclose()'s flush of what stdio still buffers: the report's
	 * own writes only. */
	k->closed = true;
	fclose(f);
	return rc;
}

static void
test_write_error_stops_the_report(void **state)
{
	/*
	 * Not GitHub's: capped at 10 annotations, it fits in stdio's buffer,
	 * so its first write to the file is fclose()'s.  Not JSON: one piece
	 * (cJSON prints the whole document), and glibc 2.36 crashed when a
	 * cookie refuses a write that large; test_write_errors_are_eio() has
	 * both.
	 */
	static const int fmts[] = {CSTAT_REPORT_TEXT, CSTAT_REPORT_MARKDOWN,
				   CSTAT_REPORT_JUNIT};
	enum { N = 3000 };
	struct fixture f;
	struct cstat_check *k = calloc(N, sizeof(*k));
	char(*names)[16] = calloc(N, sizeof(*names));

	(void)state;
	assert_non_null(k);
	assert_non_null(names);
	fixture_init(&f);
	/* 3,000 regressions: each report is several of the stream's 64 KiB
	 * blocks. */
	fill_checks(k, N, CSTAT_REGRESSION, "R", names);
	f.g.checks = k;
	f.g.n = N;
	f.g.tally[CSTAT_REGRESSION] = N;
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		struct sink whole = {0}, cut = {0};

		assert_int_equal(render_sink(&f.g, fmts[i], &whole), 0);
		assert_int_equal(whole.after, 0);
		assert_true(whole.bytes > 2 * CSTAT__OS_FLUSH_AT);
		assert_true(whole.calls >= 3);
		/* Every write to the file fails from the first on: the error
		 * comes back, and the report stops there.  stdio may try the
		 * failed block once more (glibc does for the text report),
		 * but not the blocks after it: a writer that went on would
		 * try each of them. */
		cut.fail_at = 1;
		assert_int_equal(render_sink(&f.g, fmts[i], &cut), CSTAT_EIO);
		assert_int_equal(cut.bytes, 0);
		assert_true(cut.after <= 1);
	}
	free(names);
	free(k);
}

static void
test_empty_gate(void **state)
{
	struct fixture f;
	char *s;

	(void)state;
	fixture_init(&f);
	f.g.n = 0;
	f.g.family = 0;
	memset(f.g.tally, 0, sizeof(f.g.tally));
	f.g.nignored = 0;
	s = render(&f.g, CSTAT_REPORT_TEXT, false);
	assert_string_equal(s,
			    "cregress: alpha 0.05 (holm over 0 "
			    "tested comparisons), 95% intervals, threshold 5% "
			    "unless a rule says otherwise (applied to the "
			    "estimate)\n\n0 regressions, "
			    "0 improvements, 0 unchanged, 0 inconclusive\n");
	free(s);
	s = render(&f.g, CSTAT_REPORT_MARKDOWN, false);
	assert_non_null(strstr(s, "No regressions."));
	assert_null(strstr(s, "<details>"));
	assert_int_equal(md_check_tables(s), 0);
	free(s);
	s = render(&f.g, CSTAT_REPORT_JUNIT, false);
	assert_null(strstr(s, "<testcase"));
	free(s);
	s = render(&f.g, CSTAT_REPORT_GITHUB, false);
	assert_string_equal(s, "cregress: 0 regressions, 0 improvements, 0 "
			       "unchanged, 0 inconclusive\n");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_change_decimals),
		cmocka_unit_test(test_fmt_change_ci_and_value),
		cmocka_unit_test(test_text_layout),
		cmocka_unit_test(test_text_plurals_and_no_ignored),
		cmocka_unit_test(test_text_correction_none_and_configs),
		cmocka_unit_test(test_markdown_tables),
		cmocka_unit_test(test_markdown_escapes_and_extra_columns),
		cmocka_unit_test(test_json_numbers_round_trip),
		cmocka_unit_test(test_json_detectable_and_infinity),
		cmocka_unit_test(test_json_invalid_utf8),
		cmocka_unit_test(test_junit_counts_and_escapes),
		cmocka_unit_test(test_junit_drops_what_xml_cannot_hold),
		cmocka_unit_test(test_junit_names_unique),
		cmocka_unit_test(test_github_commands),
		cmocka_unit_test(test_github_one_per_benchmark),
		cmocka_unit_test(test_github_caps),
		cmocka_unit_test(test_write_errors_are_eio),
		cmocka_unit_test(test_write_error_stops_the_report),
		cmocka_unit_test(test_empty_gate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
