/*
 * test-cellfmt.c - the words of a table cell that every format shares
 * (lib/cellfmt.c): the "± x%" range (benchmath's Summary.PctRangeString),
 * the delta column (Comparison.FormatDelta), the percentage as fmt's
 * "%+.2f%%", the "p=0.PPP n=N" note (Comparison.String), the numbering of
 * a table's footnotes, and cstat_format_value().
 *
 * Expected values name their source: a conformance case under
 * testdata/conformance (benchstat's own output, copied from the project's
 * benchstat conformance suite: see its README), Go's fmt rules, or a hand
 * calculation in the comment.
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

#include "tables.h"
#include "testutil.h"

static struct cstat__cell
cell(double center, double lo, double hi)
{
	struct cstat__cell c = {0};

	c.center = center;
	c.lo = lo;
	c.hi = hi;
	c.present = true;
	return c;
}

static void
test_pct_range(void **state)
{
	struct cstat__cell c;
	char buf[32];

	(void)state;
	/* testdata/conformance/edge-mismatch/stdout: A-8 is "11.00n ± 9%"
	 * (orders 1 and 6 of 10 10 11 11 12 12: 12/11 - 1 = 9.09%). */
	c = cell(11, 10, 12);
	cstat__pct_range(&c, buf, sizeof(buf));
	assert_string_equal(buf, "9%");
	/* Hand: the larger side counts, 1 - 80/100 = 20%. */
	c = cell(100, 80, 110);
	cstat__pct_range(&c, buf, sizeof(buf));
	assert_string_equal(buf, "20%");
	/* testdata/conformance/edge-few/stdout: too few samples for an
	 * interval, "± ∞". */
	c = cell(101, -INFINITY, INFINITY);
	cstat__pct_range(&c, buf, sizeof(buf));
	assert_string_equal(buf, "∞");
	/* PctRangeString: an interval across zero has no percentage ("?"),
	 * a zero centre with a zero interval is "0%". */
	c = cell(1, -1, 2);
	cstat__pct_range(&c, buf, sizeof(buf));
	assert_string_equal(buf, "?");
	c = cell(0, 0, 0);
	cstat__pct_range(&c, buf, sizeof(buf));
	assert_string_equal(buf, "0%");
}

static void
test_fmt_percent_is_go_plus_2f(void **state)
{
	char buf[32];

	(void)state;
	/* Go: fmt.Sprintf("%+.2f%%", x). */
	cstat__fmt_percent(buf, sizeof(buf), 50);
	assert_string_equal(buf, "+50.00%");
	cstat__fmt_percent(buf, sizeof(buf), -4.046);
	assert_string_equal(buf, "-4.05%");
	/* Go keeps the sign of a negative zero and of what rounds to zero. */
	cstat__fmt_percent(buf, sizeof(buf), -0.0);
	assert_string_equal(buf, "-0.00%");
	cstat__fmt_percent(buf, sizeof(buf), -0.001);
	assert_string_equal(buf, "-0.00%");
	cstat__fmt_percent(buf, sizeof(buf), NAN);
	assert_string_equal(buf, "+NaN%");
	cstat__fmt_percent(buf, sizeof(buf), INFINITY);
	assert_string_equal(buf, "+Inf%");
	cstat__fmt_percent(buf, sizeof(buf), -INFINITY);
	assert_string_equal(buf, "-Inf%");
	/* A short buffer gets what fits and a NUL. */
	cstat__fmt_percent(buf, 4, 50);
	assert_string_equal(buf, "+50");
}

static void
test_format_delta(void **state)
{
	struct cstat__cell c = cell(150, 140, 160);
	char buf[32];

	(void)state;
	/* Comparison.FormatDelta: "~" when not significant. */
	cstat__format_delta(&c, 100, buf, sizeof(buf));
	assert_string_equal(buf, "~");
	c.significant = true;
	/* Hand: 150 / 100 - 1 = +50%. */
	cstat__format_delta(&c, 100, buf, sizeof(buf));
	assert_string_equal(buf, "+50.00%");
	cstat__format_delta(&c, 200, buf, sizeof(buf));
	assert_string_equal(buf, "-25.00%");
	/* Equal centres are "0.00%" (no sign), a zero base "?". */
	cstat__format_delta(&c, 150, buf, sizeof(buf));
	assert_string_equal(buf, "0.00%");
	cstat__format_delta(&c, 0, buf, sizeof(buf));
	assert_string_equal(buf, "?");
}

static void
test_format_cmp(void **state)
{
	struct cstat__cell c = cell(1, 1, 1);
	char buf[64];

	(void)state;
	/* testdata/conformance/edge-ties/stdout: "p=0.035 n=10". */
	c.p = 0.03546;
	c.n = 10;
	cstat__format_cmp(&c, 10, buf, sizeof(buf));
	assert_string_equal(buf, "p=0.035 n=10");
	/* Hand: two samples of 2, all four values equal, give the U test's
	 * p = 1 (cstat prints "~ (p=1.000 n=2)" for them). */
	c.p = 1;
	c.n = 2;
	cstat__format_cmp(&c, 2, buf, sizeof(buf));
	assert_string_equal(buf, "p=1.000 n=2");
	/* Comparison.String: sample sizes that differ are "n=N1+N2"; a p
	 * of 0 (no test) is left out. */
	c.p = 0;
	c.n = 4294967295u;
	cstat__format_cmp(&c, 3, buf, sizeof(buf));
	assert_string_equal(buf, "n=3+4294967295");
	/* A short buffer gets what fits and a NUL. */
	c.p = 0.5;
	c.n = 6;
	cstat__format_cmp(&c, 6, buf, 8);
	assert_string_equal(buf, "p=0.500");
}

/*
 * Footnotes are numbered in benchstat's order: rows in order, each cell's
 * own warnings then (in columns after the first) its comparison's, the
 * geomean row's last and only when there are two rows or more; a warning
 * met again keeps its first number.  Hand-built table of 2 rows x 2
 * columns with warning ids 10 to 14.
 */
static void
test_number_footnotes_order(void **state)
{
	struct cstat__cell cells[4] = {cell(1, 1, 1), cell(1, 1, 1),
				       cell(1, 1, 1), cell(1, 1, 1)};
	struct cstat__summary sum[2] = {{0}, {0}};
	struct cstat__table tb = {
		.nrows = 2, .ncols = 2, .cells = cells, .summary = sum};
	struct cstat__footnotes fn = {0};

	(void)state;
	cells[0].warn[0] = 11;
	cells[0].nwarn = 1;
	/* A first column's comparison warnings are not its own. */
	cells[0].has_cmp = true;
	cells[0].cmpwarn[0] = 99;
	cells[0].ncmpwarn = 1;
	cells[1].warn[0] = 12;
	cells[1].nwarn = 1;
	cells[1].has_cmp = true;
	cells[1].cmpwarn[0] = 10;
	cells[1].ncmpwarn = 1;
	cells[2].warn[0] = 11; /* again: keeps number 1 */
	cells[2].nwarn = 1;
	cells[3].present = false; /* absent: its warnings do not count */
	cells[3].warn[0] = 98;
	cells[3].nwarn = 1;
	sum[1].warn[0] = 14;
	sum[1].warn[1] = 12;
	sum[1].nwarn = 2;
	assert_int_equal(cstat__number_footnotes(&tb, &fn), 0);
	assert_int_equal(fn.n, 4);
	assert_int_equal(fn.ids[0], 11);
	assert_int_equal(fn.ids[1], 12);
	assert_int_equal(fn.ids[2], 10);
	assert_int_equal(fn.ids[3], 14);
	free(fn.ids);
	/* One row: no geomean row, so its warnings are not numbered. */
	tb.nrows = 1;
	fn = (struct cstat__footnotes){0};
	assert_int_equal(cstat__number_footnotes(&tb, &fn), 0);
	assert_int_equal(fn.n, 3);
	assert_int_equal(fn.ids[2], 10);
	free(fn.ids);
}

/* cstat_format_value() scales as benchstat's tables do, by the unit's
 * prefixes, and returns the length it needs, as snprintf does. */
static void
test_format_value(void **state)
{
	char buf[32];

	(void)state;
	/* benchunit's scaling (tests/test-numfmt.c tests the scaler): 1718
	 * ns is "1.718µ" in sec/op; hand: 1550 B/op is 1550 / 1024 =
	 * 1.5137 Ki, "1.514Ki". */
	assert_int_equal(
		cstat_format_value(1718e-9, "sec/op", buf, sizeof(buf)),
		strlen("1.718\xc2\xb5"));
	assert_string_equal(buf, "1.718\xc2\xb5");
	cstat_format_value(1550, "B/op", buf, sizeof(buf));
	assert_string_equal(buf, "1.514Ki");
	/* No unit scales decimally. */
	cstat_format_value(1550, NULL, buf, sizeof(buf));
	assert_string_equal(buf, "1.550k");
	/* NULL asks for the length alone. */
	assert_int_equal(cstat_format_value(1550, "B/op", NULL, 0),
			 strlen("1.514Ki"));
	/* A short buffer gets what fits and a NUL. */
	assert_int_equal(cstat_format_value(1550, "B/op", buf, 4),
			 strlen("1.514Ki"));
	assert_string_equal(buf, "1.5");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pct_range),
		cmocka_unit_test(test_fmt_percent_is_go_plus_2f),
		cmocka_unit_test(test_format_delta),
		cmocka_unit_test(test_format_cmp),
		cmocka_unit_test(test_number_footnotes_order),
		cmocka_unit_test(test_format_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
