/*
 * test-gate-extra.c - what the gate judges besides its tables
 * (lib/gate-extra.c): the decision on a scaling exponent under the
 * exponent rule, and the data-quality warnings its reports carry.
 *
 * The fits are of hand-made points whose exponents are known: cost = n
 * (k = 1) or n^2 (k = 2) at n = 10 .. 10^6, three runs per size off by
 * factors 0.99, 1 and 1.01, so that Sen's intervals are finite and narrow
 * (at most a few hundredths either side of k).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstat.h"
#include "gate.h"

static void
add_result(cstat_scaling *s, cstat_diagnose *dg, size_t input, const char *file,
	   const char *name, double v)
{
	struct cstat_value val = {v, "sec/op", v * 1e9, "ns/op"};
	struct cstat_result r = {0};

	r.file = file;
	r.name = name;
	r.name_len = strlen(name);
	r.values = &val;
	r.nvalues = 1;
	if (s)
		assert_int_equal(cstat_scaling_add(s, input, &r), 0);
	if (dg)
		assert_int_equal(cstat_diagnose_add(dg, &r), 0);
}

/* Input j of s costs n^power[j] at every size (sizes[j] of them). */
static cstat_scaling *
fits(const double *power, const size_t *sizes, size_t ninputs)
{
	static const char *const labels[] = {"old", "new", "third"};
	static const double jitter[] = {0.99, 1, 1.01};
	cstat_scaling *s = NULL;
	char name[64];

	/* The gate's 95% needs each fit at 97.5%. */
	assert_int_equal(cstat_scaling_new(&s, "n", ninputs, 0.975), 0);
	for (size_t j = 0; j < ninputs; j++)
		for (size_t i = 0; i < sizes[j]; i++) {
			double n = pow(10, (double)(i + 1));
			snprintf(name, sizeof(name), "F/n=%.0f", n);
			for (size_t r = 0; r < 3; r++)
				add_result(s, NULL, j, labels[j], name,
					   jitter[r] * 1e-9 * pow(n, power[j]));
		}
	assert_int_equal(cstat_scaling_build(s), 0);
	return s;
}

/* A gate over one unchanged comparison, with settings c. */
static cstat_gate *
gate_of(const cstat_gate_config *c, cstat_tables **t)
{
	cstat_builder *b = NULL;
	cstat_gate *g = NULL;
	struct cstat_diag d;

	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	for (int i = 0; i < 20; i++) {
		struct cstat_value v = {1 + 0.01 * (i % 10), "sec/op", 0,
					"ns/op"};
		struct cstat_result r = {0};
		r.file = i < 10 ? "old" : "new";
		r.name = "X";
		r.name_len = 1;
		r.values = &v;
		r.nvalues = 1;
		assert_int_equal(cstat_builder_add(b, &r), 0);
	}
	assert_int_equal(cstat_builder_build(b, NULL, t), 0);
	cstat_builder_free(b);
	assert_int_equal(cstat_gate_new(&g, *t, c, NULL, false), 0);
	return g;
}

/* The verdict of the one exponent of s under rule (NULL: the default). */
static int
verdict(cstat_scaling *s, const char *rule, int *status)
{
	cstat_gate_config *c = NULL;
	cstat_tables *t = NULL;
	struct cstat_diag d;

	assert_int_equal(cstat_gate_config_new(&c), 0);
	if (rule)
		assert_int_equal(
			cstat_gate_config_set(c, "threshold", rule, &d), 0);
	cstat_gate *g = gate_of(c, &t);
	assert_int_equal(cstat_gate_add_scaling(g, s), 0);
	assert_int_equal(cstat_gate_add_scaling(g, s), CSTAT_ESTATE);
	assert_int_equal(cstat_gate_scaling_count(g), 1);
	const struct cstat_scaling_check *k = cstat_gate_scaling_get(g, 0);
	assert_null(cstat_gate_scaling_get(g, 1));
	int v = k->verdict;
	*status = cstat_gate_status(g, false);
	cstat_gate_free(g);
	cstat_tables_free(t);
	cstat_gate_config_free(c);
	cstat_scaling_free(s);
	return v;
}

static void
test_exponent_decision(void **state)
{
	const size_t six[] = {6, 6}, one[] = {6, 1};
	int status;

	(void)state;
	/* O(n) -> O(n^2): a rise of 1, far beyond the default 0.1. */
	assert_int_equal(verdict(fits((double[]){1, 2}, six, 2), NULL, &status),
			 CSTAT_REGRESSION);
	assert_int_equal(status, 1);
	/* Allowed by the rule: unchanged, and the gate passes. */
	assert_int_equal(verdict(fits((double[]){1, 2}, six, 2), "exponent=1.5",
				 &status),
			 CSTAT_UNCHANGED);
	assert_int_equal(status, 0);
	/* The same class. */
	assert_int_equal(verdict(fits((double[]){1, 1}, six, 2), NULL, &status),
			 CSTAT_UNCHANGED);
	assert_int_equal(status, 0);
	/* A rise of 0.05 is within the default 0.1; not within 0. */
	assert_int_equal(
		verdict(fits((double[]){1, 1.05}, six, 2), NULL, &status),
		CSTAT_UNCHANGED);
	assert_int_equal(verdict(fits((double[]){1, 1.05}, six, 2),
				 "exponent=0", &status),
			 CSTAT_REGRESSION);
	/* O(n^2) -> O(n): an improvement, which never fails the gate. */
	assert_int_equal(verdict(fits((double[]){2, 1}, six, 2), NULL, &status),
			 CSTAT_IMPROVEMENT);
	assert_int_equal(status, 0);
	/* One size on the new side: no fit, inconclusive. */
	assert_int_equal(verdict(fits((double[]){1, 2}, one, 2), NULL, &status),
			 CSTAT_INCONCLUSIVE);
	assert_int_equal(status, 0);
}

/* The change's interval is [lo_new - hi_base, hi_new - lo_base]. */
static void
test_exponent_interval(void **state)
{
	const size_t six[] = {6, 6, 6};
	cstat_scaling *s = fits((double[]){1, 2, 1}, six, 3);
	cstat_gate_config *c = NULL;
	cstat_tables *t = NULL;

	(void)state;
	assert_int_equal(cstat_gate_config_new(&c), 0);
	cstat_gate *g = gate_of(c, &t);
	assert_int_equal(cstat_gate_add_scaling(g, s), 0);
	/* Each later input against the first. */
	assert_int_equal(cstat_gate_scaling_count(g), 2);
	const struct cstat_scaling_check *k = cstat_gate_scaling_get(g, 0);
	const struct cstat_scaling_row *r = cstat_scaling_get(s, 0);
	assert_string_equal(k->family, "F");
	assert_string_equal(k->base_label, "old");
	assert_string_equal(k->new_label, "new");
	assert_true(k->change_lo == r->fits[1].lo - r->fits[0].hi);
	assert_true(k->change_hi == r->fits[1].hi - r->fits[0].lo);
	assert_true(fabs(k->change - 1) < 0.01);
	assert_true(k->change_lo > 0.9 && k->change_hi < 1.1);
	assert_true(k->allowed == 0.1);
	assert_string_equal(k->reason, "");
	assert_int_equal(cstat_gate_scaling_get(g, 1)->verdict,
			 CSTAT_UNCHANGED);
	assert_string_equal(cstat_gate_scaling_get(g, 1)->new_label, "third");
	assert_int_equal(cstat_gate_status(g, false), 1);
	/* The text report: the block, and the tally after the summary. */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(cstat_gate_write(g, CSTAT_REPORT_TEXT, false, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\nscaling exponents in n (cost = c * n^k, "
				    "Theil-Sen): each k with its 97.5% Sen "
				    "interval, the change with one of at least "
				    "95%; a rise above 0.1 fails (default):\n"
				    "  F  sec/op  k 1.00 ["));
	assert_non_null(
		strstr(buf, "; exponents: 1 regression, 1 unchanged\n"));
	free(buf);
	cstat_gate_free(g);
	cstat_tables_free(t);
	cstat_gate_config_free(c);
	cstat_scaling_free(s);
}

static void
test_exponent_refusals(void **state)
{
	cstat_gate_config *c = NULL;
	cstat_tables *t = NULL;
	cstat_scaling *s = NULL;

	(void)state;
	assert_int_equal(cstat_gate_config_new(&c), 0);
	cstat_gate *g = gate_of(c, &t);
	assert_int_equal(cstat_scaling_new(&s, "n", 2, 0.975), 0);
	/* Not built yet. */
	assert_int_equal(cstat_gate_add_scaling(g, s), CSTAT_EINVAL);
	assert_int_equal(cstat_gate_add_scaling(NULL, s), CSTAT_EINVAL);
	assert_int_equal(cstat_gate_add_scaling(g, NULL), CSTAT_EINVAL);
	assert_int_equal(cstat_gate_scaling_count(g), 0);
	assert_int_equal(cstat_gate_add_diagnose(g, NULL), CSTAT_EINVAL);
	cstat_gate_free(g);
	cstat_tables_free(t);
	cstat_gate_config_free(c);
	cstat_scaling_free(s);
}

/*
 * The warnings: a cell with a value far out (2%, strong) is one; a cell whose
 * only strong finding is "too few values" is not (the verdicts say it).
 */
static void
test_warnings(void **state)
{
	cstat_diagnose *dg = NULL;
	cstat_gate_config *c = NULL;
	cstat_tables *t = NULL;

	(void)state;
	assert_int_equal(cstat_diagnose_new(NULL, &dg), 0);
	for (int i = 0; i < 10; i++)
		add_result(NULL, dg, 0, "old", "Far",
			   i == 4 ? 1.02e-6
				  : 1e-6 * (1 + 1e-4 * ((i * 7) % 10)));
	for (int i = 0; i < 2; i++)
		add_result(NULL, dg, 0, "new", "Far", 1e-6 * (1 + 0.01 * i));
	assert_int_equal(cstat_diagnose_run(dg), 0);
	assert_int_equal(cstat_gate_config_new(&c), 0);
	cstat_gate *g = gate_of(c, &t);
	assert_int_equal(cstat_gate_add_diagnose(g, dg), 1);
	assert_int_equal(cstat_gate_add_diagnose(g, dg), CSTAT_ESTATE);
	assert_int_equal(cstat_gate_status(g, false), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(cstat_gate_write(g, CSTAT_REPORT_TEXT, false, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\nData-quality warnings (strong findings; "
				    "-no-diagnose hides them):\n  old  Far  "
				    "sec/op  n=10: outliers: 1 value beyond"));
	assert_null(strstr(buf, "few:"));
	free(buf);
	cstat_gate_free(g);
	cstat_tables_free(t);
	cstat_gate_config_free(c);
	cstat_diagnose_free(dg);
}

/* Counts the lines of buf that start with prefix. */
static size_t
lines_starting(const char *buf, const char *prefix)
{
	size_t n = 0;

	for (const char *p = buf; p && *p;
	     p = strchr(p, '\n'), p = p ? p + 1 : p)
		n += strncmp(p, prefix, strlen(prefix)) == 0;
	return n;
}

/*
 * 25 cells with a value far out: text, Markdown and JUnit show the first 20
 * findings and say how many more there are; JSON keeps all 25.
 */
static void
test_warnings_capped(void **state)
{
	cstat_diagnose *dg = NULL;
	cstat_gate_config *c = NULL;
	cstat_tables *t = NULL;
	char name[32];

	(void)state;
	assert_int_equal(cstat_diagnose_new(NULL, &dg), 0);
	for (int b = 0; b < 25; b++) {
		snprintf(name, sizeof(name), "Far%02d", b);
		for (int i = 0; i < 10; i++)
			add_result(NULL, dg, 0, "old", name,
				   i == 4 ? 1.02e-6
					  : 1e-6 * (1 + 1e-4 * ((i * 7) % 10)));
	}
	assert_int_equal(cstat_diagnose_run(dg), 0);
	assert_int_equal(cstat_gate_config_new(&c), 0);
	cstat_gate *g = gate_of(c, &t);
	assert_int_equal(cstat_gate_add_diagnose(g, dg), 25);
	static const struct {
		enum cstat_report fmt;
		const char *line; /* a shown finding starts so */
		size_t shown;
	} cases[] = {
		{CSTAT_REPORT_TEXT, "  old  Far", 20},
		{CSTAT_REPORT_MARKDOWN, "| old | Far", 20},
		{CSTAT_REPORT_JSON, NULL, 25},
	};
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		assert_int_equal(cstat_gate_write(g, cases[k].fmt, false, f),
				 0);
		fclose(f);
		if (cases[k].line) {
			assert_int_equal(lines_starting(buf, cases[k].line),
					 cases[k].shown);
			assert_non_null(strstr(buf,
					       "... and 5 more (cstat "
					       "-diagnose prints them all)"));
			assert_non_null(strstr(buf, "Far19"));
			assert_null(strstr(buf, "Far20"));
		} else {
			assert_null(strstr(buf, "more (cstat -diagnose"));
			assert_non_null(strstr(buf, "Far24"));
		}
		free(buf);
	}
	cstat_gate_free(g);
	cstat_tables_free(t);
	cstat_gate_config_free(c);
	cstat_diagnose_free(dg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exponent_decision),
		cmocka_unit_test(test_exponent_interval),
		cmocka_unit_test(test_exponent_refusals),
		cmocka_unit_test(test_warnings),
		cmocka_unit_test(test_warnings_capped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
