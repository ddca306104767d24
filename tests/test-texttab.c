/*
 * test-texttab.c - unit tests for the fixed-width table layout (texttab.c).
 *
 * The first group ports Go's cmd/benchstat/internal/texttab/table_test.go
 * (TestAlign and every case of TestTable; expected strings are Go's).  The
 * second group checks what the C interface adds: argument checks, default
 * margins, rune counting, blank cells, Go's fmt padding when a value
 * overflows, the order of spanning cells, and I/O errors.  The last group
 * rebuilds real benchstat tables cell by cell, the way benchtab's
 * Table.ToText lays them out, and compares the bytes with the conformance
 * goldens in testdata/conformance/<case>/stdout.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#endif

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cstat.h"
#include "texttab.h"

#define LEFT CSTAT__TTAB_LEFT
#define CENTER CSTAT__TTAB_CENTER
#define RIGHT CSTAT__TTAB_RIGHT
#define HERE CSTAT__TTAB_HERE

/* Gives each test a fresh, empty table in *state. */
static int
setup(void **state)
{
	struct cstat__ttab *t;

	if (cstat__ttab_new(&t) != 0)
		return -1;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	cstat__ttab_free(*state);
	return 0;
}

/* Formats t into a malloc'd string, asserting that formatting succeeds. */
static char *
render(const struct cstat__ttab *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(0, cstat__ttab_write(t, f));
	assert_int_equal(0, fclose(f));
	assert_non_null(buf);
	return buf;
}

/* Asserts that t formats to exactly want. */
static void
assert_table(const struct cstat__ttab *t, const char *want)
{
	char *got = render(t);

	assert_string_equal(want, got);
	free(got);
}

/* Go's t.Col(col).Span(span, v, align, LeftMargin(margin)). */
static void
span_at(struct cstat__ttab *t, size_t col, size_t span, const char *v,
	enum cstat__ttab_align align, const char *margin)
{
	assert_int_equal(
		0, cstat__ttab_cell(t, col, span, v, strlen(v), align, margin));
}

/* Go's t.Cell(v, align, LeftMargin(margin)); margin NULL is no option. */
static void
cell_opt(struct cstat__ttab *t, const char *v, enum cstat__ttab_align align,
	 const char *margin)
{
	span_at(t, HERE, 1, v, align, margin);
}

/* Go's t.Cell(v). */
static void
cell(struct cstat__ttab *t, const char *v)
{
	cell_opt(t, v, LEFT, NULL);
}

/* Go's t.Span(span, v, align). */
static void
span(struct cstat__ttab *t, size_t n, const char *v,
     enum cstat__ttab_align align)
{
	span_at(t, HERE, n, v, align, NULL);
}

/* Go's t.Row().Cell(a).Cell(b).Cell(c). */
static void
row3(struct cstat__ttab *t, const char *a, const char *b, const char *c)
{
	cstat__ttab_row(t);
	cell(t, a);
	cell(t, b);
	cell(t, c);
}

/*
 * TestAlign checks Go's align.lpad directly; here each value is padded to
 * the width a wider row gives its column.  Expected: table_test.go.
 */
static void
test_ttab_write_align_pads_like_lpad(void **state)
{
	struct cstat__ttab *t = *state;
	struct cstat__ttab *u;

	cstat__ttab_row(t);
	cell(t, "xxxxxxxxxx");
	cstat__ttab_row(t);
	cell_opt(t, "abc", LEFT, NULL);
	cstat__ttab_row(t);
	cell_opt(t, "abc", CENTER, NULL);
	cstat__ttab_row(t);
	cell_opt(t, "abc", RIGHT, NULL);
	assert_table(t, "xxxxxxxxxx\nabc\n   abc\n       abc\n");

	assert_int_equal(0, cstat__ttab_new(&u));
	cell(u, "xxxxxxxxxxx");
	cstat__ttab_row(u);
	cell_opt(u, "abc", CENTER, NULL);
	cstat__ttab_row(u);
	cell(u, "xxxx");
	cstat__ttab_row(u);
	cell_opt(u, "☃", RIGHT, NULL);
	assert_table(u, "xxxxxxxxxxx\n    abc\nxxxx\n          ☃\n");
	cstat__ttab_free(u);

	/* check("☃", alignRight, 4, "   ☃"): a width of exactly 4. */
	assert_int_equal(0, cstat__ttab_new(&u));
	cell(u, "xxxx");
	cstat__ttab_row(u);
	cell_opt(u, "☃", RIGHT, NULL);
	assert_table(u, "xxxx\n   ☃\n");
	cstat__ttab_free(u);
}

/* TestTable "Basic test." */
static void
test_ttab_write_basic(void **state)
{
	struct cstat__ttab *t = *state;

	row3(t, "a", "b", "c");
	row3(t, "d", "e", "f");
	assert_table(t, "a b c\nd e f\n");
}

/* TestTable "Basic cell padding", no spaces at the ends of lines. */
static void
test_ttab_write_pads_without_trailing_spaces(void **state)
{
	struct cstat__ttab *t = *state;

	row3(t, "a", "b", "c");
	row3(t, "long", "e", "long");
	assert_table(t, "a    b c\nlong e long\n");
}

/* TestTable "Cell alignment." */
static void
test_ttab_write_alignment(void **state)
{
	struct cstat__ttab *t = *state;

	cstat__ttab_row(t);
	cell_opt(t, "a", LEFT, NULL);
	cell_opt(t, "b", CENTER, NULL);
	cell_opt(t, "c", RIGHT, NULL);
	row3(t, "xxx", "xxx", "xxx");
	assert_table(t, "a    b    c\nxxx xxx xxx\n");
}

/* TestTable "Margins.": margins are right-aligned in the column's room. */
static void
test_ttab_write_margins(void **state)
{
	struct cstat__ttab *t = *state;

	cstat__ttab_row(t);
	cell(t, "a");
	cell_opt(t, "b", LEFT, "  ");
	cstat__ttab_row(t);
	cell(t, "c");
	cell(t, "d");
	cstat__ttab_row(t);
	cell(t, "e");
	cell_opt(t, "f", LEFT, "|");
	assert_table(t, "a  b\nc  d\ne |f\n");
}

/* TestTable "Missing cell in the middle.": Col(2) skips a column. */
static void
test_ttab_write_missing_middle_cell(void **state)
{
	struct cstat__ttab *t = *state;

	cstat__ttab_row(t);
	cell(t, "a");
	span_at(t, 2, 1, "c", LEFT, NULL);
	row3(t, "d", "e", "f");
	assert_table(t, "a   c\nd e f\n");
}

/* TestTable "Missing cells at the end." */
static void
test_ttab_write_missing_end_cells(void **state)
{
	struct cstat__ttab *t = *state;

	cstat__ttab_row(t);
	cell(t, "a");
	row3(t, "d", "e", "f");
	assert_table(t, "a\nd e f\n");
}

/* TestTable "Blank rows." */
static void
test_ttab_write_blank_rows(void **state)
{
	struct cstat__ttab *t = *state;

	cstat__ttab_row(t);
	cell(t, "a");
	cstat__ttab_row(t);
	cstat__ttab_row(t);
	cstat__ttab_row(t);
	cell(t, "b");
	assert_table(t, "a\n\n\nb\n");
}

/* TestTable "Basic spans." */
static void
test_ttab_write_basic_span(void **state)
{
	struct cstat__ttab *t = *state;

	cstat__ttab_row(t);
	cell(t, "a");
	cell(t, "b");
	cstat__ttab_row(t);
	span(t, 2, "abc", LEFT);
	assert_table(t, "a b\nabc\n");
}

/* TestTable "Spans expanding other cells." */
static void
test_ttab_write_span_widens_columns(void **state)
{
	struct cstat__ttab *t = *state;

	cstat__ttab_row(t);
	cell(t, "a");
	cell(t, "b");
	cstat__ttab_row(t);
	span(t, 2, "abcdefg", LEFT);
	assert_table(t, "a   b\nabcdefg\n");
}

/* TestTable "Other cells expanding spans." */
static void
test_ttab_write_columns_widen_span(void **state)
{
	struct cstat__ttab *t = *state;

	cstat__ttab_row(t);
	cell(t, "abc");
	cell(t, "def");
	cstat__ttab_row(t);
	span(t, 2, "a", RIGHT);
	assert_table(t, "abc def\n      a\n");
}

/* TestTable "Some cells are already large enough to complete the span." */
static void
test_ttab_write_span_fits_wide_columns(void **state)
{
	struct cstat__ttab *t = *state;

	cstat__ttab_row(t);
	cell(t, "a");
	cell(t, "def");
	cstat__ttab_row(t);
	span(t, 2, "abdef", RIGHT);
	assert_table(t, "a def\nabdef\n");
}

/* TestTable "Larger cells are sufficient, but smaller cells need to be..." */
static void
test_ttab_write_span_widens_narrow_columns(void **state)
{
	struct cstat__ttab *t = *state;

	cstat__ttab_row(t);
	cell(t, "a");
	cell(t, "def");
	cstat__ttab_row(t);
	span(t, 2, "abcdef", RIGHT);
	assert_table(t, "a  def\nabcdef\n");
}

/* TestTable "Spans with margins." */
static void
test_ttab_write_span_with_margins(void **state)
{
	struct cstat__ttab *t = *state;

	cstat__ttab_row(t);
	cell(t, "a");
	cell_opt(t, "b", LEFT, "  ");
	cell(t, "x");
	cstat__ttab_row(t);
	span(t, 2, "a__b", LEFT);
	cell(t, "x");
	assert_table(t, "a  b x\na__b x\n");
}

/* TestTable "Shrink columns." */
static void
test_ttab_set_shrink_keeps_column_narrow(void **state)
{
	struct cstat__ttab *t = *state;

	cstat__ttab_row(t);
	span(t, 2, "abcdef", LEFT);
	cstat__ttab_row(t);
	cell(t, "a");
	cell(t, "bc");
	cstat__ttab_row(t);
	cell(t, "x");
	cell(t, "y");
	assert_int_equal(0, cstat__ttab_set_shrink(t, 1, true));
	assert_table(t, "abcdef\na   bc\nx   y\n");
}

/*
 * An 8-rune span over [1, 3] widens both columns to 4 ("a    bc"); with
 * column 1 a shrink column, column 0 takes all of 8 - 3 = 5 ("a     bc").
 * Clearing the mark restores the first layout.
 */
static void
build_shrink_span(struct cstat__ttab *t)
{
	span(t, 2, "abcdefgh", LEFT);
	cstat__ttab_row(t);
	cell(t, "a");
	cell(t, "bc");
}

static void
test_ttab_set_shrink_clear_restores_widening(void **state)
{
	struct cstat__ttab *t = *state;

	build_shrink_span(t);
	assert_table(t, "abcdefgh\na    bc\n");
	assert_int_equal(0, cstat__ttab_set_shrink(t, 1, true));
	assert_table(t, "abcdefgh\na     bc\n");
	assert_int_equal(0, cstat__ttab_set_shrink(t, 1, false));
	assert_int_equal(0, cstat__ttab_set_shrink(t, 40, false));
	assert_int_equal(CSTAT_EINVAL,
			 cstat__ttab_set_shrink(t, SIZE_MAX, true));
	assert_table(t, "abcdefgh\na    bc\n");
}

static void
test_ttab_new_rejects_null(void **state)
{
	(void)state;
	assert_int_equal(CSTAT_EINVAL, cstat__ttab_new(NULL));
	cstat__ttab_free(NULL);
}

static void
test_ttab_write_empty_table_writes_nothing(void **state)
{
	struct cstat__ttab *t = *state;

	assert_table(t, "");
	cstat__ttab_row(t);
	cstat__ttab_row(t);
	assert_table(t, "");
}

/*
 * Go skips blank cells but ends a non-empty table with "\n" regardless,
 * and rows after the last printed cell produce no lines.
 */
static void
test_ttab_write_skips_blank_cells(void **state)
{
	struct cstat__ttab *t = *state;
	struct cstat__ttab *u;

	cell(t, "");
	cell_opt(t, "  ", RIGHT, " ");
	assert_table(t, "\n");

	assert_int_equal(0, cstat__ttab_new(&u));
	cell(u, "a");
	cstat__ttab_row(u);
	cell(u, "   ");
	cstat__ttab_row(u);
	assert_table(u, "a\n");
	cstat__ttab_free(u);
}

/* A blank value with a visible margin is printed (benchtab's " │" edge). */
static void
test_ttab_write_prints_margin_of_empty_value(void **state)
{
	struct cstat__ttab *t = *state;

	cell(t, "ab");
	cell_opt(t, "", LEFT, " │");
	cstat__ttab_row(t);
	cell(t, "a");
	assert_table(t, "ab │\na\n");
}

/*
 * Go's unicode.IsSpace decides blankness: U+00A0, U+2003 and U+3000 are
 * white space, U+200B (zero width space) is not.
 */
static void
test_ttab_write_unicode_space_is_blank(void **state)
{
	struct cstat__ttab *t = *state;

	cell(t, "a");
	cell(t, "\xc2\xa0\xe2\x80\x83\xe3\x80\x80");
	cstat__ttab_row(t);
	cell(t, "b");
	cell(t, "\xe2\x80\x8b");
	assert_table(t, "a\nb \xe2\x80\x8b\n");
}

/* Row() before the first cell does not advance (len(t.cells) == 0). */
static void
test_ttab_row_before_first_cell_stays_on_row_zero(void **state)
{
	struct cstat__ttab *t = *state;

	cstat__ttab_row(t);
	cstat__ttab_row(t);
	cell(t, "a");
	cstat__ttab_row(t);
	cell(t, "b");
	assert_table(t, "a\nb\n");
}

/* Go's default margin is " " except in column 0 or for an empty value. */
static void
test_ttab_cell_default_margin(void **state)
{
	struct cstat__ttab *t = *state;

	cell(t, "a");
	cell_opt(t, "b", LEFT, "");
	cell(t, "");
	cell(t, "c");
	cstat__ttab_row(t);
	span_at(t, 0, 1, "d", LEFT, " ");
	assert_table(t, " ab c\n d\n");
}

static void
test_ttab_cur_col_follows_cells(void **state)
{
	struct cstat__ttab *t = *state;

	assert_int_equal(0, cstat__ttab_cur_col(t));
	cell(t, "a");
	assert_int_equal(1, cstat__ttab_cur_col(t));
	span_at(t, 4, 3, "b", LEFT, NULL);
	assert_int_equal(7, cstat__ttab_cur_col(t));
	cstat__ttab_row(t);
	assert_int_equal(0, cstat__ttab_cur_col(t));
}

/* Refusals leave the table as it was. */
static void
test_ttab_cell_rejects_bad_arguments(void **state)
{
	struct cstat__ttab *t = *state;

	span_at(t, 2, 1, "a", LEFT, NULL);
	assert_int_equal(CSTAT_EINVAL,
			 cstat__ttab_cell(t, 1, 1, "b", 1, LEFT, NULL));
	assert_int_equal(CSTAT_EINVAL,
			 cstat__ttab_cell(t, HERE, 0, "b", 1, LEFT, NULL));
	assert_int_equal(CSTAT_EINVAL,
			 cstat__ttab_cell(t, HERE, 1, NULL, 1, LEFT, NULL));
	assert_int_equal(CSTAT_EINVAL,
			 cstat__ttab_cell(t, HERE, 1, "b", 1,
					  (enum cstat__ttab_align)7, NULL));
	assert_int_equal(CSTAT_EINVAL, cstat__ttab_cell(t, (size_t)UINT32_MAX,
							2, "b", 1, LEFT, NULL));
	assert_int_equal(3, cstat__ttab_cur_col(t));
	assert_int_equal(0, cstat__ttab_cell(t, HERE, 1, NULL, 0, LEFT, "|"));
	assert_table(t, " a|\n");
}

/* The value is copied and only len bytes of it are used. */
static void
test_ttab_cell_copies_len_bytes(void **state)
{
	struct cstat__ttab *t = *state;
	char buf[] = "abcdef";

	assert_int_equal(0, cstat__ttab_cell(t, HERE, 1, buf, 3, LEFT, NULL));
	memcpy(buf, "xyz", 3);
	assert_int_equal(0, cstat__ttab_cell(t, HERE, 1, buf, 2, LEFT, NULL));
	assert_table(t, "abc xy\n");
}

/*
 * Widths count runes like utf8.RuneCountInString: "µs" is 2, each byte of
 * the invalid "\xff\xfe" is 1, the truncated "\xe2\x82" is 2, the lone
 * continuation byte "\x80" is 1, and the surrogate "\xed\xa0\x80" is 3.
 */
static void
test_ttab_write_counts_runes(void **state)
{
	struct cstat__ttab *t = *state;

	cell(t, "µs");
	cell(t, "|");
	cstat__ttab_row(t);
	cell(t, "\xff\xfe");
	cell(t, "|");
	cstat__ttab_row(t);
	cell(t, "\xe2\x82");
	cell(t, "|");
	cstat__ttab_row(t);
	cell(t, "\x80");
	cell(t, "|");
	cstat__ttab_row(t);
	cell(t, "\xed\xa0\x80");
	cell(t, "|");
	assert_table(t, "µs  |\n"
			"\xff\xfe  |\n"
			"\xe2\x82  |\n"
			"\x80   |\n"
			"\xed\xa0\x80 |\n");
}

/*
 * A span over shrink columns only is never widened, so its value overflows.
 * Go then prints the negative gap to the next cell through fmt "%*s" as
 * its absolute value, pads a right-aligned value with a negative width on
 * the right, and centres with |(w - len) / 2| spaces.  Column widths are
 * [1, 0, 0, 2]: offsets 0, 1, 1, 1, 3; the span's room is 0 - 5 = -5.
 */
static void
test_ttab_write_overflow_pads_like_go_fmt(void **state)
{
	struct cstat__ttab *t = *state;

	cell(t, "a");
	span(t, 2, "abcdef", LEFT);
	cell(t, "x");
	cstat__ttab_row(t);
	cell(t, "a");
	span_at(t, HERE, 2, "ab", RIGHT, "|||||");
	cell(t, "x");
	cstat__ttab_row(t);
	cell(t, "a");
	span_at(t, HERE, 2, "ab", CENTER, "|||||");
	cell(t, "x");
	assert_int_equal(0, cstat__ttab_set_shrink(t, 1, true));
	assert_int_equal(0, cstat__ttab_set_shrink(t, 2, true));
	/*
	 * Row 1: "a", then the margin " " right-aligned in 5 and "abcdef";
	 * Go's offset is 1 + 5 + 6 = 12 and the next cell starts at 1, so
	 * 11 spaces, the margin " " and "x".
	 * Row 2: "ab" then 3 spaces (width -5), offset 11: 10 + 1 spaces.
	 * Row 3: (-5 - 2) / 2 = -3: 3 spaces then "ab", offset 11 again.
	 */
	assert_table(t, "a     abcdef            x\n"
			"a|||||ab              x\n"
			"a|||||   ab           x\n");
}

/*
 * Spanning cells are taken by increasing span whatever the order they were
 * added in.  Taking the span-3 cell (9 runes) first would give widths
 * [3, 3, 3] and then leave them for the span-2 cell (8 runes); Go's order
 * gives [4, 4] and then [4, 4, 1].
 */
static void
test_ttab_write_orders_spans_by_width(void **state)
{
	struct cstat__ttab *t = *state;

	span(t, 3, "ccccccccc", LEFT);
	cstat__ttab_row(t);
	span(t, 2, "bbbbbbbb", LEFT);
	cstat__ttab_row(t);
	cell_opt(t, "x", RIGHT, "");
	cell_opt(t, "y", RIGHT, "");
	cell_opt(t, "z", RIGHT, "");
	assert_table(t, "ccccccccc\nbbbbbbbb\n   x   yz\n");
}

/*
 * Among cells of equal span the order of addition decides (Go: pdqsort's
 * order, which a stable sort matches for up to 12 cells).  Widths start as
 * [1, 2, 7, 0] with column 3 a shrink column; spans of 20 then 28 runes
 * give [9, 10, 9, 0], 28 then 20 give [9, 9, 10, 0].
 */
static void
build_equal_spans(struct cstat__ttab *t, const char *first, const char *second)
{
	cell(t, "x");
	cell_opt(t, "xx", LEFT, "");
	cell_opt(t, "xxxxxxx", LEFT, "");
	cell_opt(t, "", LEFT, "");
	assert_int_equal(0, cstat__ttab_set_shrink(t, 3, true));
	cstat__ttab_row(t);
	span(t, 4, first, LEFT);
	cstat__ttab_row(t);
	span(t, 4, second, LEFT);
	cstat__ttab_row(t);
	cell_opt(t, "1", RIGHT, "");
	cell_opt(t, "2", RIGHT, "");
	cell_opt(t, "3", RIGHT, "");
}

static void
test_ttab_write_keeps_order_of_equal_spans(void **state)
{
	struct cstat__ttab *t = *state;
	struct cstat__ttab *u;
	const char *a20 = "aaaaaaaaaaaaaaaaaaaa";
	const char *b28 = "bbbbbbbbbbbbbbbbbbbbbbbbbbbb";

	build_equal_spans(t, a20, b28);
	assert_table(t, "x        xx        xxxxxxx\n"
			"aaaaaaaaaaaaaaaaaaaa\n"
			"bbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
			"        1         2        3\n");

	assert_int_equal(0, cstat__ttab_new(&u));
	build_equal_spans(u, b28, a20);
	assert_table(u, "x        xx       xxxxxxx\n"
			"bbbbbbbbbbbbbbbbbbbbbbbbbbbb\n"
			"aaaaaaaaaaaaaaaaaaaa\n"
			"        1        2         3\n");
	cstat__ttab_free(u);
}

/* Writing does not change the table. */
static void
test_ttab_write_twice_is_identical(void **state)
{
	struct cstat__ttab *t = *state;
	char *a, *b;

	row3(t, "a", "bb", "c");
	cstat__ttab_row(t);
	span(t, 3, "0123456789", CENTER);
	a = render(t);
	b = render(t);
	assert_string_equal(a, b);
	assert_string_equal("a   bb  c\n0123456789\n", a);
	free(a);
	free(b);
}

/* An unbuffered /dev/full fails the first fwrite. */
static void
test_ttab_write_reports_io_error(void **state)
{
	struct cstat__ttab *t = *state;
	FILE *f = fopen("/dev/full", "w");

	if (!f) {
		skip();
		return;
	}
	setvbuf(f, NULL, _IONBF, 0);
	cell(t, "a");
	assert_int_equal(CSTAT_EIO, cstat__ttab_write(t, f));
	fclose(f);
}

/*
 * benchtab Table.ToText: the first physical column of logical column exp
 * (label column 0, then 3 columns for the baseline, 6 for the others).
 */
static size_t
start_col(size_t exp)
{
	return exp == 0 ? 1 : 4 + (exp - 1) * 6;
}

/* ToText: one header row of single-group nodes, then the " │" edge. */
static void
bench_header(struct cstat__ttab *t, const char *const *labels, size_t n)
{
	cstat__ttab_row(t);
	for (size_t i = 0; i < n; i++)
		span_at(t, start_col(i), start_col(i + 1) - start_col(i),
			labels[i], CENTER, " │ ");
	span_at(t, start_col(n + 1), 1, "", LEFT, " │");
}

/* ToText: the unit and "vs base" row, which also sets shrink columns. */
static void
bench_units(struct cstat__ttab *t, const char *unit, size_t n)
{
	cstat__ttab_row(t);
	for (size_t i = 0; i < n; i++) {
		size_t l = start_col(i);

		span_at(t, l, 3, unit, CENTER, " │ ");
		if (i > 0)
			span_at(t, HERE, 3, "vs base", LEFT, "  ");
		for (size_t j = l + 1; j < cstat__ttab_cur_col(t); j++)
			assert_int_equal(0, cstat__ttab_set_shrink(t, j, true));
	}
	span_at(t, start_col(n + 1), 1, "", LEFT, " │");
}

/* ToText: a summary, its " ± " range and its footnotes in group exp. */
static void
bench_value(struct cstat__ttab *t, size_t exp, const char *center,
	    const char *range, const char *notes)
{
	span_at(t, start_col(exp), 1, center, RIGHT, NULL);
	cell_opt(t, range, RIGHT, " ± ");
	cell(t, notes);
}

/* ToText: a comparison with the baseline, right after bench_value. */
static void
bench_delta(struct cstat__ttab *t, const char *delta, const char *cmp,
	    const char *notes)
{
	cell_opt(t, delta, RIGHT, NULL);
	cell(t, cmp);
	cell(t, notes);
}

/*
 * doc-01 (benchstat old.txt new.txt), built call by call as ToText does.
 * Expected: testdata/conformance/doc-01/stdout, lines 4-8 (the
 * lines before are the "goos:" etc. keys, printed outside the table).
 * Values (labels, units, centers, ranges, deltas, p-values, geomeans) are
 * read from the same lines.  Columns: 0 label; 1-3 old.txt (center, range,
 * notes); 4-9 new.txt (center, range, notes, delta, comparison, notes);
 * the edge at startCol(3) = 16.
 */
static void
test_ttab_write_doc01_table(void **state)
{
	struct cstat__ttab *t = *state;

	cstat__ttab_row(t);
	span_at(t, 1, 3, "old.txt", CENTER, " │ ");
	span_at(t, 4, 6, "new.txt", CENTER, " │ ");
	span_at(t, 16, 1, "", LEFT, " │");

	cstat__ttab_row(t);
	span_at(t, 1, 3, "sec/op", CENTER, " │ ");
	assert_int_equal(0, cstat__ttab_set_shrink(t, 2, true));
	assert_int_equal(0, cstat__ttab_set_shrink(t, 3, true));
	span_at(t, 4, 3, "sec/op", CENTER, " │ ");
	span_at(t, HERE, 3, "vs base", LEFT, "  ");
	for (size_t j = 5; j < 10; j++)
		assert_int_equal(0, cstat__ttab_set_shrink(t, j, true));
	span_at(t, 16, 1, "", LEFT, " │");

	cstat__ttab_row(t);
	cell(t, "Encode/format=json-48");
	span_at(t, 1, 1, "1.718µ", RIGHT, NULL);
	cell_opt(t, "1%", RIGHT, " ± ");
	cell(t, "");
	span_at(t, 4, 1, "1.423µ", RIGHT, NULL);
	cell_opt(t, "1%", RIGHT, " ± ");
	cell(t, "");
	cell_opt(t, "-17.20%", RIGHT, NULL);
	cell(t, "(p=0.000 n=10)");
	cell(t, "");

	cstat__ttab_row(t);
	cell(t, "Encode/format=gob-48");
	span_at(t, 1, 1, "3.066µ", RIGHT, NULL);
	cell_opt(t, "0%", RIGHT, " ± ");
	cell(t, "");
	span_at(t, 4, 1, "3.070µ", RIGHT, NULL);
	cell_opt(t, "2%", RIGHT, " ± ");
	cell(t, "");
	cell_opt(t, "~", RIGHT, NULL);
	cell(t, "(p=0.446 n=10)");
	cell(t, "");

	/* The summary row: Col(startCol(exp)), Col(+3), Col(next - 1). */
	cstat__ttab_row(t);
	cell(t, "geomean");
	span_at(t, 1, 1, "2.295µ", RIGHT, NULL);
	span_at(t, 3, 1, "", LEFT, NULL);
	span_at(t, 4, 1, "2.090µ", RIGHT, NULL);
	span_at(t, 7, 1, "-8.94%", RIGHT, NULL);
	span_at(t, 9, 1, "", LEFT, NULL);

	assert_table(t, "                      │   old.txt   │               "
			"new.txt               │\n"
			"                      │   sec/op    │   sec/op     vs "
			"base                │\n"
			"Encode/format=json-48   1.718µ ± 1%   1.423µ ± 1%  "
			"-17.20% (p=0.000 n=10)\n"
			"Encode/format=gob-48    3.066µ ± 0%   3.070µ ± 2%     "
			"   ~ (p=0.446 n=10)\n"
			"geomean                 2.295µ        2.090µ        "
			"-8.94%\n");
}

/*
 * doc-06 (benchstat -row .name new.txt): one group, a footnote marker, no
 * summary row.  Expected: testdata/conformance/doc-06/stdout,
 * lines 4-6 (line 7, "¹ benchmarks vary in .fullname", follows the table).
 */
static void
test_ttab_write_doc06_footnote(void **state)
{
	struct cstat__ttab *t = *state;
	static const char *const cols[] = {"new.txt"};

	bench_header(t, cols, 1);
	bench_units(t, "sec/op", 1);
	cstat__ttab_row(t);
	cell(t, "Encode");
	bench_value(t, 0, "2.253µ", "37%", "¹");
	assert_table(t, "       │    new.txt     │\n"
			"       │     sec/op     │\n"
			"Encode   2.253µ ± 37% ¹\n");
}

/*
 * edge-mismatch (benchstat a.txt b.txt): missing cells, no comparison
 * without a baseline, a footnote on the geomean ratio.  Expected:
 * testdata/conformance/edge-mismatch/stdout, lines 2-7.
 */
static void
test_ttab_write_edge_mismatch_missing_cells(void **state)
{
	struct cstat__ttab *t = *state;
	static const char *const cols[] = {"a.txt", "b.txt"};

	bench_header(t, cols, 2);
	bench_units(t, "sec/op", 2);
	cstat__ttab_row(t);
	cell(t, "A-8");
	bench_value(t, 0, "11.00n", "9%", "");
	cstat__ttab_row(t);
	cell(t, "B-8");
	bench_value(t, 0, "21.00n", "5%", "");
	bench_value(t, 1, "31.00n", "3%", "");
	bench_delta(t, "+47.62%", "(p=0.002 n=6)", "");
	cstat__ttab_row(t);
	cell(t, "C-8");
	bench_value(t, 1, "41.00n", "2%", "");
	cstat__ttab_row(t);
	cell(t, "geomean");
	span_at(t, 1, 1, "15.20n", RIGHT, NULL);
	span_at(t, 3, 1, "", LEFT, NULL);
	span_at(t, 4, 1, "35.65n", RIGHT, NULL);
	span_at(t, 7, 1, "+47.62%", RIGHT, NULL);
	span_at(t, 9, 1, "¹", LEFT, NULL);
	assert_table(t, "        │    a.txt    │                b.txt       "
			"          │\n"
			"        │   sec/op    │   sec/op     vs base          "
			"       │\n"
			"A-8       11.00n ± 9%\n"
			"B-8       21.00n ± 5%   31.00n ± 3%  +47.62% "
			"(p=0.002 n=6)\n"
			"C-8                     41.00n ± 2%\n"
			"geomean   15.20n        35.65n       +47.62%          "
			"     ¹\n");
}

/*
 * gen-13-flags, first table (benchstat -col /size old.txt new.txt): the
 * second column has an empty label, no row has a comparison, and "vs base"
 * spans only shrink columns and overflows them, so Go's "%*s" prints the
 * negative gap before the edge as spaces ("vs base   │").  The summary "?"
 * is left-aligned (o.Cell("?")).  Expected:
 * testdata/conformance/gen-13-flags/stdout, lines 5-14.
 */
static void
test_ttab_write_gen13_overflowing_vs_base(void **state)
{
	struct cstat__ttab *t = *state;
	static const char *const cols[] = {"10000", ""};
	static const struct {
		const char *label;
		size_t exp;
		const char *center, *range;
	} rows[] = {
		{"Parse-8", 0, "523.6µ", "1%"},
		{"Scan/workers=4-8", 1, "32.40n", "0%"},
		{"Parse/small-8", 1, "25.59µ", "6%"},
		{"Marshal-8", 1, "240.5m", "4%"},
		{"Insert-8", 0, "47.29µ", "3%"},
		{"Marshal/small-8", 1, "105.6µ", "1%"},
		{"Encode-8", 1, "92.03m", "0%"},
	};

	bench_header(t, cols, 2);
	bench_units(t, "sec/op", 2);
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		cstat__ttab_row(t);
		cell(t, rows[i].label);
		bench_value(t, rows[i].exp, rows[i].center, rows[i].range, "");
	}
	cstat__ttab_row(t);
	cell(t, "geomean");
	span_at(t, 1, 1, "157.4µ", RIGHT, NULL);
	span_at(t, 3, 1, "", LEFT, NULL);
	span_at(t, 4, 1, "286.7µ", RIGHT, NULL);
	span_at(t, 7, 1, "?", LEFT, NULL);
	span_at(t, 9, 1, "¹ ²", LEFT, NULL);
	assert_table(t, "                 │    10000    │                    "
			"│\n"
			"                 │   sec/op    │   sec/op     vs base "
			"  │\n"
			"Parse-8            523.6µ ± 1%\n"
			"Scan/workers=4-8                 32.40n ± 0%\n"
			"Parse/small-8                    25.59µ ± 6%\n"
			"Marshal-8                        240.5m ± 4%\n"
			"Insert-8           47.29µ ± 3%\n"
			"Marshal/small-8                  105.6µ ± 1%\n"
			"Encode-8                         92.03m ± 0%\n"
			"geomean            157.4µ        286.7µ       "
			"? ¹ ²\n");
}

/*
 * edge-equal, first table (benchstat equal-old.txt equal-new.txt): footnotes
 * in both note columns and a range column widened by "∞".  Expected:
 * testdata/conformance/edge-equal/stdout, lines 1-5.
 */
static void
test_ttab_write_edge_equal_footnotes(void **state)
{
	struct cstat__ttab *t = *state;
	static const char *const cols[] = {"equal-old.txt", "equal-new.txt"};

	bench_header(t, cols, 2);
	bench_units(t, "sec/op", 2);
	cstat__ttab_row(t);
	cell(t, "Eq");
	bench_value(t, 0, "100.0n", "0%", "");
	bench_value(t, 1, "100.0n", "0%", "");
	bench_delta(t, "~", "(p=1.000 n=6)", "¹");
	cstat__ttab_row(t);
	cell(t, "One");
	bench_value(t, 0, "100.0n", "∞", "²");
	bench_value(t, 1, "150.0n", "∞", "²");
	bench_delta(t, "~", "(p=1.000 n=1)", "³");
	cstat__ttab_row(t);
	cell(t, "geomean");
	span_at(t, 1, 1, "100.0n", RIGHT, NULL);
	span_at(t, 3, 1, "", LEFT, NULL);
	span_at(t, 4, 1, "122.5n", RIGHT, NULL);
	span_at(t, 7, 1, "+22.47%", RIGHT, NULL);
	span_at(t, 9, 1, "", LEFT, NULL);
	assert_table(t, "        │ equal-old.txt │             equal-new.txt "
			"             │\n"
			"        │    sec/op     │    sec/op      vs base "
			"                │\n"
			"Eq        100.0n ± 0%     100.0n ± 0%          ~ "
			"(p=1.000 n=6) ¹\n"
			"One       100.0n ±  ∞ ²   150.0n ±  ∞ ²        ~ "
			"(p=1.000 n=1) ³\n"
			"geomean   100.0n          122.5n         +22.47%\n");
}

/*
 * edge-colname (benchstat -col .name a.txt b.txt): three groups.
 * Expected: testdata/conformance/edge-colname/stdout, lines 2-4.
 */
static void
test_ttab_write_edge_colname_three_groups(void **state)
{
	struct cstat__ttab *t = *state;
	static const char *const cols[] = {"A", "B", "C"};

	bench_header(t, cols, 3);
	bench_units(t, "sec/op", 3);
	cstat__ttab_row(t);
	cell(t, "*-8");
	bench_value(t, 0, "11.00n", "9%", "");
	bench_value(t, 1, "26.00n", "19%", "");
	bench_delta(t, "+136.36%", "(p=0.000 n=6+12)", "");
	bench_value(t, 2, "41.00n", "2%", "");
	bench_delta(t, "+272.73%", "(p=0.002 n=6)", "");
	assert_table(t, "    │      A      │                    B             "
			"       │                  C                  │\n"
			"    │   sec/op    │    sec/op     vs base             "
			"      │   sec/op     vs base                │\n"
			"*-8   11.00n ± 9%   26.00n ± 19%  +136.36% (p=0.000 "
			"n=6+12)   41.00n ± 2%  +272.73% (p=0.002 n=6)\n");
}

/* Row r of a test table: a label and two values whose widths vary, the
 * widest in a late row, so every part's widths count. */
static void
parts_row(struct cstat__ttab *t, size_t r)
{
	char label[32], a[32], b[32];

	snprintf(label, sizeof(label), "Bench%zu", r);
	snprintf(a, sizeof(a), "%zu", r * 7919 % (r == 2950 ? 1000003 : 997));
	snprintf(b, sizeof(b), "%s", r % 5 ? "~" : "+1.5%");
	cstat__ttab_row(t);
	assert_int_equal(
		0, cstat__ttab_cell(t, 0, 1, label, strlen(label), LEFT, NULL));
	assert_int_equal(0,
			 cstat__ttab_cell(t, 1, 1, a, strlen(a), RIGHT, NULL));
	assert_int_equal(0,
			 cstat__ttab_cell(t, 2, 1, b, strlen(b), LEFT, "  "));
}

/*
 * A table laid out in parts (a header's, then rows 50 at a time), which
 * two threads print as they come free, the first writing its own parts
 * and then the second's in turn, gives the bytes of the same table in one
 * part; again and again, so that the threads take the parts differently.
 * Written to a stream that fails, it reports the error.
 */
static void
test_ttab_write_parts_in_order(void **state)
{
	enum { ROWS = 3000, PER = 50, NPARTS = 1 + ROWS / PER };
	struct cstat__ttab *one = *state, *parts[NPARTS];

	assert_int_equal(
		0, cstat__ttab_cell(one, 1, 2, "old.txt", 7, CENTER, NULL));
	for (size_t r = 0; r < ROWS; r++)
		parts_row(one, r);
	char *want = render(one);
	assert_non_null(strstr(want, "\nBench2950 "));

	for (int round = 0; round < 20; round++) {
		for (size_t k = 0; k < NPARTS; k++)
			assert_int_equal(0, cstat__ttab_new(&parts[k]));
		assert_int_equal(0, cstat__ttab_cell(parts[0], 1, 2, "old.txt",
						     7, CENTER, NULL));
		for (size_t r = 0; r < ROWS; r++)
			parts_row(parts[1 + r / PER], r);
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		assert_non_null(f);
		assert_int_equal(0, cstat__ttab_write_parts(parts, NPARTS, f));
		assert_int_equal(0, fclose(f));
		assert_string_equal(want, buf);
		free(buf);
		/* A stream that fails: the error, with both threads done
		 * (ASan and valgrind see what either left). */
		f = fopen("/dev/full", "w");
		if (f) {
			setvbuf(f, NULL, _IONBF, 0);
			assert_int_equal(CSTAT_EIO, cstat__ttab_write_parts(
							    parts, NPARTS, f));
			fclose(f);
		}
		for (size_t k = 0; k < NPARTS; k++)
			cstat__ttab_free(parts[k]);
	}
	free(want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_ttab_write_align_pads_like_lpad),
		T(test_ttab_write_basic),
		T(test_ttab_write_pads_without_trailing_spaces),
		T(test_ttab_write_alignment),
		T(test_ttab_write_margins),
		T(test_ttab_write_missing_middle_cell),
		T(test_ttab_write_missing_end_cells),
		T(test_ttab_write_blank_rows),
		T(test_ttab_write_basic_span),
		T(test_ttab_write_span_widens_columns),
		T(test_ttab_write_columns_widen_span),
		T(test_ttab_write_span_fits_wide_columns),
		T(test_ttab_write_span_widens_narrow_columns),
		T(test_ttab_write_span_with_margins),
		T(test_ttab_set_shrink_keeps_column_narrow),
		T(test_ttab_set_shrink_clear_restores_widening),
		T(test_ttab_new_rejects_null),
		T(test_ttab_write_empty_table_writes_nothing),
		T(test_ttab_write_skips_blank_cells),
		T(test_ttab_write_prints_margin_of_empty_value),
		T(test_ttab_write_unicode_space_is_blank),
		T(test_ttab_row_before_first_cell_stays_on_row_zero),
		T(test_ttab_cell_default_margin),
		T(test_ttab_cur_col_follows_cells),
		T(test_ttab_cell_rejects_bad_arguments),
		T(test_ttab_cell_copies_len_bytes),
		T(test_ttab_write_counts_runes),
		T(test_ttab_write_overflow_pads_like_go_fmt),
		T(test_ttab_write_orders_spans_by_width),
		T(test_ttab_write_keeps_order_of_equal_spans),
		T(test_ttab_write_twice_is_identical),
		T(test_ttab_write_reports_io_error),
		T(test_ttab_write_doc01_table),
		T(test_ttab_write_doc06_footnote),
		T(test_ttab_write_edge_mismatch_missing_cells),
		T(test_ttab_write_gen13_overflowing_vs_base),
		T(test_ttab_write_edge_equal_footnotes),
		T(test_ttab_write_edge_colname_three_groups),
		T(test_ttab_write_parts_in_order),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
