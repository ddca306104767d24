/*
 * test-correlate.c - the metric correlation (lib/correlate.c,
 * correlate-write.c): Spearman's rho and its interval on small cases
 * worked by hand, ties, too few pairs, NaN and infinite values, changes
 * across benchmarks and pairs within a benchmark's result lines from Go
 * text, the five formats, the refusals, and a real pair of files
 * (argv[1], the folder testdata/correlate, whose README says where they
 * come from).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "cstat.h"
#include "testutil.h"

static const char *datadir = "testdata/correlate";

/*
 * x = 1..5, y = 2 1 4 3 5: rank differences -1 1 -1 1 0, so rho =
 * 1 - 6 * 4 / (5 * 24) = 0.8.  The interval by hand (Python): z =
 * atanh(0.8), se = sqrt((1 + 0.32) / 2), z -+ 1.959964 se, back by tanh.
 */
static void
test_spearman_hand(void **state)
{
	double x[] = {1, 2, 3, 4, 5}, y[] = {2, 1, 4, 3, 5};
	struct cstat_rho r;

	(void)state;
	assert_int_equal(cstat_correlate_spearman(x, y, 5, 0.95, &r), 0);
	assert_int_equal(r.status, CSTAT_RHO_OK);
	assert_close(r.rho, 0.8, 1e-12);
	assert_close(r.lo, -0.45712438880529616, 1e-9);
	assert_close(r.hi, 0.9908429478778042, 1e-9);
	assert_int_equal(r.n, 5);
	assert_int_equal(r.dropped, 0);
	assert_int_equal(r.strong, 0); /* the interval holds 0 */
}

/*
 * Ties take their average rank: x = 1 2 2 3 has ranks 1 2.5 2.5 4, y =
 * 1 3 2 4 ranks 1 3 2 4; Pearson of the ranks (by hand) is 4.5 /
 * sqrt(4.5 * 5) = 0.9486832980505138.  That is above 0.8, the largest
 * rho below 1 that 4 untied ranks give, so the interval is taken at 0.8
 * (by hand as in test_spearman_hand, with n - 3 = 1).
 */
static void
test_spearman_ties(void **state)
{
	double x[] = {1, 2, 2, 3}, y[] = {1, 3, 2, 4};
	struct cstat_rho r;

	(void)state;
	assert_int_equal(cstat_correlate_spearman(x, y, 4, 0.95, &r), 0);
	assert_close(r.rho, 0.9486832980505138, 1e-12);
	assert_close(r.lo, -0.81881630497149083, 1e-9);
	assert_close(r.hi, 0.9975433602775398, 1e-9);
}

/*
 * A perfect order gives rho 1 and, at z's infinity, the interval of the
 * next |rho| 6 untied ranks can give, 1 - 12 / 210 (lower end by hand:
 * 0.3826513363219747), up to 1; reversed, -1 and strong -1.  A long
 * sample goes through the merge sort.
 */
static void
test_spearman_perfect(void **state)
{
	double x[40], y[40], z[40];
	struct cstat_rho r;

	(void)state;
	for (int i = 0; i < 40; i++) {
		x[i] = (i * 7) % 40; /* a permutation of 0..39 */
		y[i] = 10 * x[i] + 3;
		z[i] = -x[i] * x[i];
	}
	assert_int_equal(cstat_correlate_spearman(x, y, 6, 0.95, &r), 0);
	assert_same(r.rho, 1);
	assert_close(r.lo, 0.3826513363219747, 1e-9);
	assert_same(r.hi, 1);
	assert_int_equal(r.strong, 1); /* |rho| >= 0.7, lo above 0 */
	assert_int_equal(cstat_correlate_spearman(x, z, 40, 0.95, &r), 0);
	assert_same(r.rho, -1);
	assert_same(r.lo, -1);
	assert_true(r.hi < -0.99);
	assert_int_equal(r.strong, -1);
}

/* Fewer than 3 pairs are refused with a result (no rho), 3 give a rho
 * and the whole range; a side of one value has no rho. */
static void
test_spearman_few_and_constant(void **state)
{
	double x[] = {1, 2, 3}, y[] = {3, 1, 2}, k[] = {5, 5, 5};
	struct cstat_rho r;

	(void)state;
	assert_int_equal(cstat_correlate_spearman(x, y, 2, 0.95, &r), 0);
	assert_int_equal(r.status, CSTAT_RHO_FEW);
	assert_true(isnan(r.rho) && isnan(r.lo) && isnan(r.hi));
	assert_int_equal(r.n, 2);
	assert_int_equal(cstat_correlate_spearman(NULL, NULL, 0, 0.95, &r), 0);
	assert_int_equal(r.status, CSTAT_RHO_FEW);
	assert_int_equal(cstat_correlate_spearman(x, y, 3, 0.95, &r), 0);
	assert_int_equal(r.status, CSTAT_RHO_OK);
	assert_close(r.rho, -0.5, 1e-12); /* d = -2 1 1: 1 - 6*6/24 */
	assert_same(r.lo, -1);
	assert_same(r.hi, 1);
	assert_int_equal(cstat_correlate_spearman(x, k, 3, 0.95, &r), 0);
	assert_int_equal(r.status, CSTAT_RHO_CONSTANT);
	assert_true(isnan(r.rho));
	assert_int_equal(r.strong, 0);
}

/* Pairs with a NaN or an infinity are left out and counted; what is left
 * is test_spearman_hand's sample. */
static void
test_spearman_nonfinite(void **state)
{
	double x[] = {1, NAN, 2, 3, INFINITY, 4, 5, 7};
	double y[] = {2, 1, 1, 4, 3, 3, 5, -INFINITY};
	struct cstat_rho r;

	(void)state;
	assert_int_equal(cstat_correlate_spearman(x, y, 8, 0.95, &r), 0);
	assert_int_equal(r.n, 5);
	assert_int_equal(r.dropped, 3);
	assert_close(r.rho, 0.8, 1e-12);
	x[0] = x[2] = x[3] = NAN;
	assert_int_equal(cstat_correlate_spearman(x, y, 8, 0.95, &r), 0);
	assert_int_equal(r.status, CSTAT_RHO_FEW);
	assert_int_equal(r.dropped, 6);
}

/* The refusals of the arguments. */
static void
test_spearman_refusals(void **state)
{
	double x[] = {1, 2, 3};
	struct cstat_rho r;

	(void)state;
	assert_int_equal(cstat_correlate_spearman(x, x, 3, 0.95, NULL),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_correlate_spearman(NULL, x, 3, 0.95, &r),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_correlate_spearman(x, x, 3, 1, &r),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_correlate_spearman(x, x, 3, NAN, &r),
			 CSTAT_EINVAL);
}

/*
 * Two inputs by hand.  Changes old -> new (log ratios of medians):
 * p.A +10% and +10%, p.B +30% and +50%, p.C +20% and +20%, q.A 0 and 0
 * (q's BenchmarkA is another benchmark than p's), so the same order in
 * both units: rho 1 over 4 benchmarks; p.D's allocs 0 -> 0 has no
 * ratio and is left out.  p.E's lines in old pair by line: the second
 * has no allocs/op, so 100 120 110 130 against 5 6 7 8: rho 0.8.
 */
static const char old_txt[] = "pkg: p\n"
			      "BenchmarkA 1 100 ns/op 10 allocs/op\n"
			      "BenchmarkA 1 100 ns/op 10 allocs/op\n"
			      "BenchmarkB 1 200 ns/op 20 allocs/op\n"
			      "BenchmarkC 1 300 ns/op 30 allocs/op\n"
			      "BenchmarkD 1 400 ns/op 0 allocs/op\n"
			      "BenchmarkE 1 100 ns/op 5 allocs/op\n"
			      "BenchmarkE 1 140 ns/op\n"
			      "BenchmarkE 1 120 ns/op 6 allocs/op\n"
			      "BenchmarkE 1 110 ns/op 7 allocs/op\n"
			      "BenchmarkE 1 130 ns/op 8 allocs/op\n"
			      "pkg: q\n"
			      "BenchmarkA 1 100 ns/op 10 allocs/op\n";
static const char new_txt[] = "pkg: p\n"
			      "BenchmarkA 1 110 ns/op 11 allocs/op\n"
			      "BenchmarkB 1 260 ns/op 30 allocs/op\n"
			      "BenchmarkC 1 360 ns/op 36 allocs/op\n"
			      "BenchmarkD 1 400 ns/op 0 allocs/op\n"
			      "pkg: q\n"
			      "BenchmarkA 1 100 ns/op 10 allocs/op\n";

static void
add_text(cstat_correlate *c, size_t input, const char *text, const char *label)
{
	cstat_reader *r;
	const struct cstat_result *res;
	struct cstat_diag d;
	int rc;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open_mem(r, text, strlen(text), label),
			 0);
	while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
		assert_int_equal(rc, 1);
		assert_int_equal(cstat_correlate_add(c, input, res), 0);
	}
	cstat_reader_free(r);
}

static cstat_correlate *
hand_pair(void)
{
	cstat_correlate *c;

	assert_int_equal(cstat_correlate_new(&c, 2, 0.95), 0);
	add_text(c, 0, old_txt, "old");
	add_text(c, 1, new_txt, "new");
	assert_int_equal(cstat_correlate_build(c), 0);
	return c;
}

static void
test_across_and_within(void **state)
{
	cstat_correlate *c = hand_pair();
	const struct cstat_correlate_pair *p;
	const struct cstat_correlate_within *w;
	char buf[256];

	(void)state;
	assert_int_equal(cstat_correlate_count(c), 1);
	p = cstat_correlate_get(c, 0);
	assert_string_equal(p->a, "sec/op");
	assert_string_equal(p->b, "allocs/op");
	assert_int_equal(p->input, 1);
	assert_int_equal(p->r.n, 4);
	assert_int_equal(p->r.dropped, 1);
	assert_same(p->r.rho, 1);
	assert_true(p->r.lo < 0); /* n = 4 is too few to be sure */
	assert_int_equal(p->r.strong, 0);
	cstat_correlate_pair_text(p, buf, sizeof(buf));
	assert_string_equal(buf, "sec/op changes follow allocs/op changes, "
				 "rho = 1.00 [-0.82, 1.00], 4 benchmarks");
	assert_null(cstat_correlate_get(c, 1));
	/* Within: old's and new's pair of units. */
	assert_int_equal(cstat_correlate_within_count(c), 2);
	w = cstat_correlate_within_get(c, 0);
	assert_int_equal(w->input, 0);
	assert_int_equal(w->nbench, 6); /* p.A-E and q.A */
	assert_int_equal(w->nrho, 1);
	assert_close(w->median, 0.8, 1e-12);
	assert_string_equal(w->bench[4].name, "E");
	assert_int_equal(w->bench[4].r.n, 4);
	assert_close(w->bench[4].r.rho, 0.8, 1e-12);
	assert_int_equal(w->bench[0].r.status, CSTAT_RHO_FEW);
	w = cstat_correlate_within_get(c, 1);
	assert_int_equal(w->nrho, 0);
	assert_true(isnan(w->median));
	assert_string_equal(cstat_correlate_label(c, 1), "new");
	assert_null(cstat_correlate_label(c, 2));
	cstat_correlate_free(c);
}

/* What fmt writes of the hand-made pair (caller frees). */
static char *
written(const cstat_correlate *c, enum cstat_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cstat_correlate_write(c, fmt, f), 0);
	fclose(f);
	return buf;
}

static void
test_formats(void **state)
{
	cstat_correlate *c = hand_pair();
	char *t;
	cJSON *doc;

	(void)state;
	t = written(c, CSTAT_FORMAT_TEXT);
	assert_non_null(strstr(t, "inputs: old -> new\n"));
	assert_non_null(strstr(t, "sec/op  allocs/op  1.00  [-0.82, 1.00]  4"));
	assert_non_null(strstr(t, "1 left out"));
	free(t);
	t = written(c, CSTAT_FORMAT_CSV);
	assert_non_null(strstr(t, "kind,input,baseline,benchmark,unit_a"));
	assert_non_null(strstr(t, "across,new,old,,sec/op,allocs/op,4,1,1,"));
	assert_non_null(strstr(t, "within,old,,E,sec/op,allocs/op,4,0,0.8,"));
	/* The head, the pair, old's 6 benchmarks and new's 5. */
	assert_int_equal(count_in(t, "\r\n"), 1 + 1 + 6 + 5);
	free(t);
	t = written(c, CSTAT_FORMAT_MARKDOWN);
	assert_non_null(strstr(t, "| sec/op | allocs/op | 1.00 |"));
	free(t);
	t = written(c, CSTAT_FORMAT_HTML);
	assert_int_equal(count_in(t, "<svg class=\"corr\""), 1);
	assert_int_equal(count_in(t, "<circle"), 4);
	assert_non_null(strstr(t, "<title>C: sec/op +20.0%, allocs/op +20.0%"));
	assert_non_null(strstr(t, "</html>\n"));
	free(t);
	t = written(c, CSTAT_FORMAT_JSON);
	doc = cJSON_Parse(t);
	assert_non_null(doc);
	assert_string_equal(cJSON_GetObjectItem(doc, "schema")->valuestring,
			    "cstat-correlate/1");
	cJSON *a = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "across"), 0);
	assert_close(cJSON_GetObjectItem(a, "rho")->valuedouble, 1, 0);
	cJSON *w = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "within"), 0);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(w, "each")), 6);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(
		cJSON_GetArrayItem(cJSON_GetObjectItem(w, "each"), 0), "rho")));
	cJSON_Delete(doc);
	free(t);
	cstat_correlate_free(c);
}

static void
test_refusals(void **state)
{
	cstat_correlate *c = (cstat_correlate *)1;
	struct cstat_result res = {0};
	FILE *f = fopen("/dev/null", "w");

	(void)state;
	assert_int_equal(cstat_correlate_new(&c, 0, 0.95), CSTAT_EINVAL);
	assert_null(c);
	assert_int_equal(cstat_correlate_new(&c, 1, 1), CSTAT_EINVAL);
	assert_int_equal(cstat_correlate_new(NULL, 1, 0.5), CSTAT_EINVAL);
	assert_int_equal(cstat_correlate_new(&c, 1, 0.95), 0);
	res.name = "X";
	res.name_len = 1;
	assert_int_equal(cstat_correlate_add(c, 1, &res), CSTAT_EINVAL);
	assert_int_equal(cstat_correlate_write(c, CSTAT_FORMAT_TEXT, f),
			 CSTAT_ESTATE);
	assert_int_equal(cstat_correlate_count(c), 0);
	assert_int_equal(cstat_correlate_build(c), 0);
	assert_int_equal(cstat_correlate_build(c), CSTAT_ESTATE);
	assert_int_equal(cstat_correlate_add(c, 0, &res), CSTAT_ESTATE);
	assert_int_equal(cstat_correlate_write(c, (enum cstat_format)99, f),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_correlate_write(c, CSTAT_FORMAT_TEXT, f), 0);
	assert_int_equal(cstat_correlate_pair_text(NULL, NULL, 0), 0);
	cstat_correlate_free(c);
	cstat_correlate_free(NULL);
	fclose(f);
}

/* The real pair: B/s is bytes over time, so across the 38 benchmarks
 * its changes move against sec/op's, and within each benchmark's six
 * runs too; B/op and allocs/op exist in 26 benchmarks of both files (12
 * allocate nothing: left out). */
static void
test_real_tablewriter(void **state)
{
	const char *const names[] = {"tablewriter_old.txt",
				     "tablewriter_new.txt"};
	cstat_reader *r;
	cstat_correlate *c;
	const struct cstat_result *res;
	struct cstat_diag d;
	char path[4096];
	int rc;

	(void)state;
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_correlate_new(&c, 2, 0.95), 0);
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", datadir, names[i]);
		assert_int_equal(cstat_reader_open(r, path, names[i], &d), 0);
		while ((rc = cstat_reader_next(r, &res, &d)) != 0)
			if (rc == 1)
				assert_int_equal(cstat_correlate_add(c, i, res),
						 0);
	}
	cstat_reader_free(r);
	assert_int_equal(cstat_correlate_build(c), 0);
	assert_int_equal(cstat_correlate_count(c), 6); /* 4 units */
	const struct cstat_correlate_pair *p = cstat_correlate_get(c, 0);
	assert_string_equal(p->b, "B/s");
	assert_int_equal(p->r.n, 38);
	assert_true(p->r.rho < -0.95);
	assert_int_equal(p->r.strong, -1);
	p = cstat_correlate_get(c, 5);
	assert_string_equal(p->a, "B/op");
	assert_string_equal(p->b, "allocs/op");
	assert_int_equal(p->r.n, 26);
	assert_int_equal(p->r.dropped, 12);
	const struct cstat_correlate_within *w =
		cstat_correlate_within_get(c, 0);
	assert_string_equal(w->b, "B/s");
	assert_int_equal(w->nbench, 38);
	assert_true(w->median < -0.9);
	assert_true(w->nneg >= 30 && w->npos == 0);
	cstat_correlate_free(c);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spearman_hand),
		cmocka_unit_test(test_spearman_ties),
		cmocka_unit_test(test_spearman_perfect),
		cmocka_unit_test(test_spearman_few_and_constant),
		cmocka_unit_test(test_spearman_nonfinite),
		cmocka_unit_test(test_spearman_refusals),
		cmocka_unit_test(test_across_and_within),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_real_tablewriter),
	};

	if (argc > 1)
		datadir = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
