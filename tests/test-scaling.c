/*
 * test-scaling.c - the scaling analysis (lib/scaling.c, scaling-render.c):
 * Theil-Sen and Sen's interval on small hand-worked cases, the classes'
 * exponents, names split at the key, the change flag, the three formats,
 * the refusals, and the classes found in real files (argv[1], the folder
 * testdata/scaling, whose README says where each file comes from).
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "cstat.h"
#include "testutil.h"

static const char *datadir = "testdata/scaling";

/* Exact power laws: every slope is k, so the interval is [k, k]. */
static void
test_fit_points_exact(void **state)
{
	double n[] = {10, 100, 1000, 10, 100, 1000};
	double y[6];
	struct cstat_scaling_fit f;

	(void)state;
	for (size_t i = 0; i < 6; i++)
		y[i] = 3 * n[i] * n[i];
	assert_int_equal(cstat_scaling_fit_points(n, y, 6, 0.95, &f), 0);
	assert_close(f.k, 2, 1e-12);
	assert_close(f.lo, 2, 1e-12);
	assert_close(f.hi, 2, 1e-12);
	assert_int_equal(f.nsizes, 3);
	assert_int_equal(f.npoints, 6);
	assert_int_equal(f.npairs, 12); /* 15 pairs less 3 with equal n */
	assert_string_equal(f.class_name, "O(n^2)");
	assert_string_equal(f.nearest, "O(n^2)");
}

/*
 * (1, 1), (2, 4), (4, 8): slopes on log-log axes 2, 1 and 1.5 (by hand:
 * ln 4 / ln 2, ln 2 / ln 2, ln 8 / ln 4), median 1.5.  Three points give
 * Kendall's S a variance of 3*2*11/18, C = 1.96 * 1.91 = 3.75, so Sen's
 * ranks (3 -+ 3.75) / 2 fall outside 1..3: no finite 95% interval, and no
 * class is named.
 */
static void
test_fit_points_three(void **state)
{
	double n[] = {1, 2, 4}, y[] = {1, 4, 8};
	struct cstat_scaling_fit f;

	(void)state;
	assert_int_equal(cstat_scaling_fit_points(n, y, 3, 0.95, &f), 0);
	assert_close(f.k, 1.5, 1e-12);
	assert_true(isinf(f.lo) && f.lo < 0);
	assert_true(isinf(f.hi) && f.hi > 0);
	assert_null(f.class_name);
	assert_string_equal(f.nearest, "O(n log n)");
}

/* One size, no slope; values <= 0 set aside and counted. */
static void
test_fit_points_degenerate(void **state)
{
	double n[] = {8, 8, 16}, y[] = {1, 2, 0};
	struct cstat_scaling_fit f;

	(void)state;
	assert_int_equal(cstat_scaling_fit_points(n, y, 3, 0.95, &f), 0);
	assert_true(isnan(f.k));
	assert_int_equal(f.nonpositive, 1);
	assert_int_equal(f.nsizes, 1);
	assert_null(f.class_name);
	assert_int_equal(cstat_scaling_fit_points(n, y, 3, 1, &f),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_scaling_fit_points(NULL, y, 3, 0.95, &f),
			 CSTAT_EINVAL);
}

/*
 * The classes' chord exponents: n log n over 1e3..1e6 is
 * 1 + ln(ln(1e6 + 1) / ln(1e3 + 1)) / ln(1e3) = 1.1003224 (computed with
 * python3's math module).
 */
static void
test_class_exponent(void **state)
{
	(void)state;
	assert_int_equal(cstat_scaling_class_count(), 5);
	assert_string_equal(cstat_scaling_class_name(0), "O(1)");
	assert_string_equal(cstat_scaling_class_name(3), "O(n log n)");
	assert_null(cstat_scaling_class_name(5));
	assert_close(cstat_scaling_class_exponent(3, 1e3, 1e6), 1.1003224,
		     1e-6);
	assert_close(cstat_scaling_class_exponent(4, 1e3, 1e6), 2, 1e-12);
	assert_true(isnan(cstat_scaling_class_exponent(2, 5, 5)));
	assert_true(isnan(cstat_scaling_class_exponent(9, 1, 5)));
}

/* Adds one result named name with value v in unit sec/op. */
static void
add(cstat_scaling *s, size_t input, const char *file, const char *name,
    double v)
{
	struct cstat_value val = {v, "sec/op", v, "ns/op"};
	struct cstat_result r = {0};

	r.file = file;
	r.name = name;
	r.name_len = strlen(name);
	r.values = &val;
	r.nvalues = 1;
	assert_int_equal(cstat_scaling_add(s, input, &r), 0);
}

/* The key's part goes, GOMAXPROCS and the other parts stay. */
static void
test_add_splits_names(void **state)
{
	cstat_scaling *s;

	(void)state;
	assert_int_equal(cstat_scaling_new(&s, "/n", 1, 0.95), 0);
	add(s, 0, "a.txt", "Sort/n=10-8", 10);
	add(s, 0, "a.txt", "Sort/n=100-8", 100);
	add(s, 0, "a.txt", "Sort/n=100/alg=quick", 1);
	add(s, 0, "a.txt", "Sort/n=1e3/alg=quick", 2);
	add(s, 0, "a.txt", "Sort/n=abc-8", 1);	     /* no number: skipped */
	add(s, 0, "a.txt", "Sort/nn=5-8", 1);	     /* another key */
	add(s, 0, "a.txt", "n=5", 1);		     /* not a sub-benchmark */
	assert_int_equal(cstat_scaling_count(s), 0); /* not built */
	assert_int_equal(cstat_scaling_build(s), 0);
	assert_int_equal(cstat_scaling_build(s), CSTAT_ESTATE);
	assert_int_equal(cstat_scaling_count(s), 2);
	const struct cstat_scaling_row *r = cstat_scaling_get(s, 0);
	assert_string_equal(r->family, "Sort-8");
	assert_string_equal(r->unit, "sec/op");
	assert_int_equal(r->fits[0].npoints, 2);
	assert_close(r->fits[0].k, 1, 1e-12);
	r = cstat_scaling_get(s, 1);
	assert_string_equal(r->family, "Sort/alg=quick");
	assert_close(r->fits[0].k, log(2) / log(10), 1e-12);
	assert_null(cstat_scaling_get(s, 2));
	assert_string_equal(cstat_scaling_key(s), "n");
	assert_string_equal(cstat_scaling_label(s, 0), "a.txt");
	cstat_scaling_free(s);
}

/*
 * Two inputs, k = 1 exactly then k = 2 exactly, at 6 sizes (Sen's 95%
 * ranks 2 and 14 of the 15 slopes: finite; at 5 sizes the lower rank is
 * 0.999, outside): apart, so changed.
 */
static cstat_scaling *
two_inputs(void)
{
	cstat_scaling *s;
	const char *names[] = {"F/n=10",  "F/n=100", "F/n=1000",
			       "F/n=1e4", "F/n=1e5", "F/n=1e6"};
	double n[] = {10, 100, 1000, 1e4, 1e5, 1e6};

	assert_int_equal(cstat_scaling_new(&s, "n", 2, 0.95), 0);
	for (size_t i = 0; i < 6; i++) {
		add(s, 0, "old", names[i], n[i]);
		add(s, 1, "new", names[i], n[i] * n[i]);
	}
	assert_int_equal(cstat_scaling_build(s), 0);
	return s;
}

static char *
render(const cstat_scaling *s, enum cstat_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cstat_scaling_write(s, fmt, f), 0);
	fclose(f);
	return buf;
}

/* How many times needle occurs in t. */
static size_t
count(const char *t, const char *needle)
{
	size_t n = 0;

	while ((t = strstr(t, needle)) != NULL) {
		n++;
		t += strlen(needle);
	}
	return n;
}

static void
test_changed_and_formats(void **state)
{
	cstat_scaling *s = two_inputs();
	const struct cstat_scaling_row *r = cstat_scaling_get(s, 0);
	char *t;

	(void)state;
	assert_true(r->changed);
	assert_string_equal(r->fits[0].class_name, "O(n)");
	assert_string_equal(r->fits[1].class_name, "O(n^2)");
	t = render(s, CSTAT_FORMAT_TEXT);
	assert_string_equal(
		t,
		"scaling in n: cost = c * n^k; k by Theil-Sen over all points, "
		"95% Sen interval\n"
		"inputs: old -> new\n"
		"\n"
		"family  unit    k [interval]                              "
		"class           range\n"
		"F       sec/op  k 1.00 [1.00, 1.00] -> 2.00 [2.00, 2.00]  "
		"O(n) -> O(n^2)  10..1000000, 6 sizes, 6 points  complexity "
		"changed\n");
	free(t);
	t = render(s, CSTAT_FORMAT_MARKDOWN);
	assert_non_null(strstr(t, "| F | sec/op | k 1.00 [1.00, 1.00] -> "
				  "2.00 [2.00, 2.00] | O(n) -> O(n^2) |"));
	free(t);
	t = render(s, CSTAT_FORMAT_JSON);
	assert_non_null(strstr(t, "\"schema\":\t\"cstat-scaling/1\""));
	assert_non_null(strstr(t, "\"changed\":\ttrue"));
	assert_non_null(strstr(t, "\"class\":\t\"O(n^2)\""));
	free(t);
	t = render(s, CSTAT_FORMAT_HTML);
	assert_non_null(strstr(t, "<h2>F sec/op</h2>"));
	assert_non_null(strstr(t, "complexity changed</p>\n<svg"));
	/* Both fits drawn, the second dashed, on 6 + 6 points. */
	assert_non_null(strstr(t, "stroke-dasharray"));
	assert_int_equal(count(t, "<circle "), 12);
	assert_int_equal(count(t, "<line "), 2);
	free(t);
	/* The host's decimal comma changes nothing (if de_DE is installed). */
	char *c = render(s, CSTAT_FORMAT_TEXT);
	if (setlocale(LC_ALL, "de_DE.UTF-8")) {
		t = render(s, CSTAT_FORMAT_TEXT);
		setlocale(LC_ALL, "C");
		assert_string_equal(t, c);
		free(t);
	}
	free(c);
	/* CSV: a header row, a line per row and input; the second input's
	 * interval misses the first's. */
	t = render(s, CSTAT_FORMAT_CSV);
	assert_string_equal(
		t, "family,unit,input,k,lo,hi,class,nearest,nmin,nmax,sizes,"
		   "points,nonpositive,changed\n"
		   "F,sec/op,old,1,1,1,O(n),O(n),10,1e+06,6,6,0,false\n"
		   "F,sec/op,new,2,2,2,O(n^2),O(n^2),10,1e+06,6,6,0,true\n");
	free(t);
	assert_int_equal(cstat_scaling_write(s, (enum cstat_format)99, stdout),
			 CSTAT_EINVAL);
	cstat_scaling_free(s);
}

static void
test_refusals(void **state)
{
	cstat_scaling *s = NULL;

	(void)state;
	assert_int_equal(cstat_scaling_new(NULL, "n", 1, 0.95), CSTAT_EINVAL);
	assert_int_equal(cstat_scaling_new(&s, "/", 1, 0.95), CSTAT_EINVAL);
	assert_null(s);
	assert_int_equal(cstat_scaling_new(&s, "a/b", 1, 0.95), CSTAT_EINVAL);
	assert_int_equal(cstat_scaling_new(&s, "n=1", 1, 0.95), CSTAT_EINVAL);
	assert_int_equal(cstat_scaling_new(&s, "n", 0, 0.95), CSTAT_EINVAL);
	assert_int_equal(cstat_scaling_new(&s, "n", 1, 0), CSTAT_EINVAL);
	assert_int_equal(cstat_scaling_new(&s, "n", 1, 0.95), 0);
	assert_int_equal(cstat_scaling_write(s, CSTAT_FORMAT_TEXT, stdout),
			 CSTAT_ESTATE);
	assert_int_equal(cstat_scaling_add(s, 1, NULL), CSTAT_EINVAL);
	assert_null(cstat_scaling_get(s, 0));
	cstat_scaling_free(s);
	cstat_scaling_free(NULL);
}

/* Reads the files of datadir named by names into a built analysis. */
static cstat_scaling *
read_real(const char *key, const char *const *names, size_t n)
{
	cstat_reader *r;
	cstat_scaling *s;
	const struct cstat_result *res;
	struct cstat_diag d;
	char path[4096];
	int rc;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_scaling_new(&s, key, n, 0.95), 0);
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", datadir, names[i]);
		assert_int_equal(cstat_reader_open(r, path, names[i], &d), 0);
		while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
			if (rc == 1)
				assert_int_equal(cstat_scaling_add(s, i, res),
						 0);
		}
	}
	cstat_reader_free(r);
	assert_int_equal(cstat_scaling_build(s), 0);
	return s;
}

static const struct cstat_scaling_fit *
fit_of(const cstat_scaling *s, const char *family, const char *unit)
{
	for (size_t i = 0; i < cstat_scaling_count(s); i++) {
		const struct cstat_scaling_row *r = cstat_scaling_get(s, i);
		if (!strcmp(r->family, family) && !strcmp(r->unit, unit))
			return &r->fits[0];
	}
	fail_msg("no row %s %s", family, unit);
	return NULL;
}

/*
 * cedar-go's policy benchmarks (count=10, policies 1..1000): evaluating
 * and parsing grow linearly in the number of policies, and the attribute
 * benchmark's memory does not grow at all.  The exponents were read off
 * the file by cstat -scaling and checked against the medians per size
 * (AuthorizePolicyCount sec/op, by sort and awk: 489 ns at 1, 196 us at
 * 1000, a chord of ln(401) / ln(1000) = 0.87; Theil-Sen says 0.88).
 */
static void
test_real_cedar(void **state)
{
	const char *const names[] = {"cedar-go_baseline.txt"};
	cstat_scaling *s = read_real("/policies", names, 1);
	const struct cstat_scaling_fit *f;

	(void)state;
	f = fit_of(s, "AuthorizePolicyCount-10", "sec/op");
	assert_int_equal(f->nsizes, 4);
	assert_int_equal(f->npoints, 40);
	assert_true(f->lo <= 1 && f->hi >= 1);
	assert_string_equal(f->class_name, "O(n)");
	f = fit_of(s, "ParsePolicySet-10", "sec/op");
	assert_string_equal(f->class_name, "O(n)");
	cstat_scaling_free(s);
	s = read_real("attributes", names, 1);
	f = fit_of(s, "AuthorizeAttributeAccess-10", "B/op");
	assert_string_equal(f->class_name, "O(1)");
	cstat_scaling_free(s);
}

/*
 * wago-net's baseline (count=3) and candidate (count=5): the same code,
 * so no complexity change; 3 sizes of 1..256 leave intervals too wide to
 * name a class for its time.
 */
static void
test_real_wago_pair(void **state)
{
	const char *const names[] = {"wago-net_baseline.txt",
				     "wago-net_candidate.txt"};
	cstat_scaling *s = read_real("registrations", names, 2);

	(void)state;
	for (size_t i = 0; i < cstat_scaling_count(s); i++)
		assert_false(cstat_scaling_get(s, i)->changed);
	const struct cstat_scaling_fit *f =
		fit_of(s, "CoordinatorTryPoll", "sec/op");
	assert_int_equal(f->npoints, 9);
	assert_null(f->class_name);
	cstat_scaling_free(s);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit_points_exact),
		cmocka_unit_test(test_fit_points_three),
		cmocka_unit_test(test_fit_points_degenerate),
		cmocka_unit_test(test_class_exponent),
		cmocka_unit_test(test_add_splits_names),
		cmocka_unit_test(test_changed_and_formats),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_real_cedar),
		cmocka_unit_test(test_real_wago_pair),
	};

	if (argc > 1)
		datadir = argv[1];
	return cmocka_run_group_tests(tests, NULL, NULL);
}
