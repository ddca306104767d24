/*
 * test-gate.c - the regression gate's verdicts on synthetic benchmark runs
 * with known answers: a planted regression is caught, a small change under
 * the threshold is not flagged, a throughput drop is a regression, too few
 * samples or a missing benchmark are inconclusive, and 500 benchmarks whose
 * two sides come from one distribution give no regression at the default
 * settings.  Also the Hodges-Lehmann interval against brute force and the
 * corrections against their definitions.
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
#include "gate.h"
#include "stats.h"
#include "testutil.h"
#include "gateutil.h"

/* A growing text buffer for generated input files. */
struct text {
	char *s;
	size_t len, cap;
};

static void
addf(struct text *t, const char *fmt, ...)
{
	va_list ap;
	char line[256];

	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(line));
	if (t->len + (size_t)n + 1 > t->cap) {
		t->cap = 2 * (t->len + (size_t)n + 1);
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	memcpy(t->s + t->len, line, (size_t)n + 1);
	t->len += (size_t)n;
}

/*
 * n results of benchmark name with values center * factor * e^(sd * Z),
 * in unit.
 */
static void
gen(struct text *t, struct rng *r, const char *name, size_t n, double center,
    double factor, double sd, const char *unit)
{
	for (size_t i = 0; i < n; i++)
		addf(t, "Benchmark%s 1000 %.9g %s\n", name,
		     center * factor * exp(sd * normal(r)), unit);
}

struct run {
	cstat_reader *r;
	cstat_tables *t;
	cstat_gate_config *c;
	cstat_gate *g;
};

/* Reads files (base, new and any later: up to 3), builds and judges them
 * with settings kv[]. */
static void
judge_files(struct run *run, const struct text *const *files, int nfiles,
	    const char *const *kv, bool calibrate)
{
	const char *names[3] = {"base.txt", "new.txt", "newer.txt"};
	cstat_builder *b;
	struct cstat_diag d;

	assert_int_equal(cstat_reader_new(&run->r), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	for (int i = 0; i < nfiles; i++) {
		const struct cstat_result *res;
		int rc;
		assert_int_equal(cstat_reader_open_mem(run->r, files[i]->s,
						       files[i]->len, names[i]),
				 0);
		while ((rc = cstat_reader_next(run->r, &res, &d)) != 0) {
			assert_int_equal(rc, 1);
			assert_int_equal(cstat_builder_add(b, res), 0);
		}
	}
	struct cstat_stats_opts o = {0.05, 0.95, run->r, 1};
	assert_int_equal(cstat_builder_build(b, &o, &run->t), 0);
	cstat_builder_free(b);
	assert_int_equal(cstat_gate_config_new(&run->c), 0);
	for (size_t i = 0; kv && kv[i]; i += 2)
		assert_int_equal(
			cstat_gate_config_set(run->c, kv[i], kv[i + 1], &d), 0);
	assert_int_equal(
		cstat_gate_new(&run->g, run->t, run->c, run->r, calibrate), 0);
}

/* Reads base and new, builds and judges them with settings kv[]. */
static void
judge(struct run *run, const struct text *base, const struct text *new,
      const char *const *kv, bool calibrate)
{
	const struct text *files[2] = {base, new};

	judge_files(run, files, 2, kv, calibrate);
}

static void
done(struct run *run, struct text *a, struct text *b)
{
	cstat_gate_free(run->g);
	cstat_gate_config_free(run->c);
	cstat_tables_free(run->t);
	cstat_reader_free(run->r);
	free(a->s);
	free(b->s);
}

static const struct cstat_check *
find(const cstat_gate *g, const char *name, const char *unit)
{
	for (size_t i = 0; i < cstat_gate_count(g); i++) {
		const struct cstat_check *k = cstat_gate_get(g, i);
		if (strcmp(k->name, name) == 0 && strcmp(k->unit, unit) == 0)
			return k;
	}
	fail_msg("no comparison %s %s", name, unit);
	return NULL;
}

/* A +10% regression planted among 40 benchmarks with 2% noise. */
static void
test_planted_regression(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {1};
	struct run run;
	char name[32];

	(void)state;
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "B%02d", i);
		gen(&a, &r, name, 10, 1000 + 37 * i, 1, 0.02, "ns/op");
		gen(&b, &r, name, 10, 1000 + 37 * i, i == 17 ? 1.10 : 1, 0.02,
		    "ns/op");
	}
	judge(&run, &a, &b, NULL, false);
	assert_int_equal(cstat_gate_count(run.g), 40);
	assert_int_equal(cstat_gate_tally(run.g, CSTAT_REGRESSION), 1);
	assert_int_equal(cstat_gate_tally(run.g, CSTAT_IMPROVEMENT), 0);
	assert_int_equal(cstat_gate_tally(run.g, CSTAT_UNCHANGED), 39);
	const struct cstat_check *k = find(run.g, "B17", "sec/op");
	assert_int_equal(k->verdict, CSTAT_REGRESSION);
	assert_false(k->higher_better);
	/* The change and its interval bracket the planted 10%. */
	assert_true(k->change > 0.05 && k->change < 0.15);
	assert_true(k->change_lo < 0.10 && k->change_hi > 0.10);
	assert_true(k->change_lo > 0.05);
	assert_true(k->p_adjusted <= 0.05);
	assert_close(k->p_adjusted, k->p * 40, 1e-12); /* the smallest p */
	assert_string_equal(k->rule, "default");
	assert_int_equal(cstat_gate_status(run.g, false), 1);
	done(&run, &a, &b);
}

/* A real +1% change, significant, stays under the 5% threshold. */
static void
test_small_change_under_threshold(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {2};
	struct run run;

	(void)state;
	gen(&a, &r, "Small", 20, 500, 1, 0.001, "ns/op");
	gen(&b, &r, "Small", 20, 500, 1.01, 0.001, "ns/op");
	judge(&run, &a, &b, NULL, false);
	const struct cstat_check *k = find(run.g, "Small", "sec/op");
	assert_true(k->p_adjusted < 1e-6); /* significant... */
	assert_true(k->change > 0.005 && k->change < 0.015);
	assert_int_equal(k->verdict, CSTAT_UNCHANGED); /* ...but small */
	assert_int_equal(cstat_gate_status(run.g, true), 0);
	cstat_gate_free(run.g);
	/* A 0.5% threshold catches it. */
	struct cstat_diag d;
	assert_int_equal(cstat_gate_config_set(run.c, "threshold", "0.5%", &d),
			 0);
	assert_int_equal(cstat_gate_new(&run.g, run.t, run.c, run.r, false), 0);
	assert_int_equal(find(run.g, "Small", "sec/op")->verdict,
			 CSTAT_REGRESSION);
	done(&run, &a, &b);
}

/* Throughput: higher is better, so a drop regresses and a rise improves. */
static void
test_throughput_direction(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {3};
	struct run run;

	(void)state;
	gen(&a, &r, "Read", 10, 800, 1, 0.01, "MB/s");
	gen(&b, &r, "Read", 10, 800, 0.85, 0.01, "MB/s");
	gen(&a, &r, "Write", 10, 300, 1, 0.01, "MB/s");
	gen(&b, &r, "Write", 10, 300, 1.2, 0.01, "MB/s");
	judge(&run, &a, &b, NULL, false);
	const struct cstat_check *rd = find(run.g, "Read", "B/s");
	const struct cstat_check *wr = find(run.g, "Write", "B/s");
	assert_true(rd->higher_better);
	assert_string_equal(rd->direction_from, "unit class");
	assert_int_equal(rd->unit_class, CSTAT_CLASS_THROUGHPUT);
	assert_true(rd->change < -0.1);
	assert_int_equal(rd->verdict, CSTAT_REGRESSION);
	assert_int_equal(wr->verdict, CSTAT_IMPROVEMENT);
	done(&run, &a, &b);
}

/* "Unit score better=higher" turns a custom unit around. */
static void
test_unit_metadata_direction(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {4};
	struct run run;

	(void)state;
	addf(&a, "Unit score better=higher\n");
	gen(&a, &r, "Q", 10, 90, 1, 0.01, "score");
	gen(&b, &r, "Q", 10, 90, 0.8, 0.01, "score");
	gen(&a, &r, "Q", 10, 50, 1, 0.01, "widgets");
	gen(&b, &r, "Q", 10, 50, 0.8, 0.01, "widgets");
	judge(&run, &a, &b, NULL, false);
	const struct cstat_check *k = find(run.g, "Q", "score");
	assert_true(k->higher_better);
	assert_string_equal(k->direction_from, "Unit metadata");
	assert_int_equal(k->verdict, CSTAT_REGRESSION);
	/* Without metadata lower is better: the same drop improves. */
	assert_int_equal(find(run.g, "Q", "widgets")->verdict,
			 CSTAT_IMPROVEMENT);
	cstat_gate_free(run.g);
	/* The settings override the metadata. */
	struct cstat_diag d;
	assert_int_equal(
		cstat_gate_config_set(run.c, "better", "score=lower", &d), 0);
	assert_int_equal(cstat_gate_new(&run.g, run.t, run.c, run.r, false), 0);
	assert_int_equal(find(run.g, "Q", "score")->verdict, CSTAT_IMPROVEMENT);
	assert_string_equal(find(run.g, "Q", "score")->direction_from,
			    "the settings");
	done(&run, &a, &b);
}

/* Too few samples to ever reach significance, and a missing side. */
static void
test_inconclusive(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {5};
	struct run run;

	(void)state;
	gen(&a, &r, "Few", 3, 100, 1, 0.01, "ns/op");
	gen(&b, &r, "Few", 3, 100, 1.5, 0.01, "ns/op");
	gen(&a, &r, "Gone", 10, 100, 1, 0.01, "ns/op");
	gen(&b, &r, "New", 10, 100, 1, 0.01, "ns/op");
	judge(&run, &a, &b, NULL, false);
	const struct cstat_check *few = find(run.g, "Few", "sec/op");
	assert_int_equal(few->verdict, CSTAT_INCONCLUSIVE);
	assert_non_null(strstr(few->reason, "too few samples: n=3+3"));
	assert_close(few->p_min, 0.1, 1e-12); /* 2 / C(6, 3) */
	const struct cstat_check *gone = find(run.g, "Gone", "sec/op");
	assert_int_equal(gone->verdict, CSTAT_INCONCLUSIVE);
	assert_string_equal(gone->reason, "missing in new.txt");
	assert_int_equal(gone->n_new, 0);
	assert_string_equal(find(run.g, "New", "sec/op")->reason,
			    "missing in base.txt");
	assert_int_equal(cstat_gate_tally(run.g, CSTAT_INCONCLUSIVE), 3);
	/* Inconclusive is never a pass under -strict. */
	assert_int_equal(cstat_gate_status(run.g, false), 0);
	assert_int_equal(cstat_gate_status(run.g, true), 1);
	done(&run, &a, &b);
}

/*
 * The A/A test: 500 benchmarks whose two sides come from the same
 * distribution give no regression at the default settings.  Without the
 * correction and the threshold, about 5% would be called changed, which
 * shows the data can make the gate fail.
 */
static void
test_aa_500(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {6};
	struct run run;
	char name[32];

	(void)state;
	for (int i = 0; i < 500; i++) {
		double sd = 0.005 + 0.03 * uniform(&r);
		snprintf(name, sizeof(name), "AA%03d", i);
		gen(&a, &r, name, 10, 50 + i, 1, sd, "ns/op");
		gen(&b, &r, name, 10, 50 + i, 1, sd, "ns/op");
	}
	judge(&run, &a, &b, NULL, false);
	assert_int_equal(cstat_gate_count(run.g), 500);
	assert_int_equal(cstat_gate_tally(run.g, CSTAT_REGRESSION), 0);
	assert_int_equal(cstat_gate_tally(run.g, CSTAT_IMPROVEMENT), 0);
	assert_int_equal(cstat_gate_status(run.g, false), 0);
	cstat_gate_free(run.g);

	static const char *const raw[] = {"correction", "none", "threshold",
					  "0%", NULL};
	struct cstat_diag d;
	for (size_t i = 0; raw[i]; i += 2)
		assert_int_equal(
			cstat_gate_config_set(run.c, raw[i], raw[i + 1], &d),
			0);
	assert_int_equal(cstat_gate_new(&run.g, run.t, run.c, run.r, false), 0);
	size_t changed = cstat_gate_tally(run.g, CSTAT_REGRESSION) +
			 cstat_gate_tally(run.g, CSTAT_IMPROVEMENT);
	assert_in_range(changed, 10, 45);
	done(&run, &a, &b);
}

static int
cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;
	return (a > b) - (a < b);
}

/*
 * The Hodges-Lehmann shift is the median of all pairwise differences, and
 * for 10 + 10 values its 95% interval runs from the 24th to the 77th of
 * them (the U test's two-sided 5% critical value is 23).
 */
static void
test_hodges_lehmann(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {7};
	struct run run;
	double d[100];
	const double *x, *y;
	size_t nx, ny;

	(void)state;
	gen(&a, &r, "H", 10, 1000, 1, 0.05, "ns/op");
	gen(&b, &r, "H", 10, 1000, 1.03, 0.05, "ns/op");
	judge(&run, &a, &b, NULL, false);
	const struct cstat_check *k = find(run.g, "H", "sec/op");
	x = cstat_table_cell_values(run.t, k->table, k->row, 0, &nx);
	y = cstat_table_cell_values(run.t, k->table, k->row, 1, &ny);
	assert_int_equal(nx, 10);
	assert_int_equal(ny, 10);
	for (size_t i = 0; i < 10; i++)
		for (size_t j = 0; j < 10; j++)
			d[i * 10 + j] = y[j] - x[i];
	qsort(d, 100, sizeof(double), cmp_double);
	assert_true(k->shift == (d[49] + d[50]) / 2);
	assert_true(k->shift_lo == d[23]);
	assert_true(k->shift_hi == d[76]);
	/* The change's interval is that of the log ratios, as a ratio. */
	for (size_t i = 0; i < 10; i++)
		for (size_t j = 0; j < 10; j++)
			d[i * 10 + j] = log(y[j]) - log(x[i]);
	qsort(d, 100, sizeof(double), cmp_double);
	assert_false(k->additive);
	assert_close(k->change_lo, expm1(d[23]), 1e-15);
	assert_close(k->change_hi, expm1(d[76]), 1e-15);
	done(&run, &a, &b);
}

/* Holm and Benjamini-Hochberg as their definitions say. */
static void
test_corrections(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {8};
	struct run run;
	char name[32];
	size_t m = 30;

	(void)state;
	for (size_t i = 0; i < m; i++) {
		snprintf(name, sizeof(name), "C%02zu", i);
		gen(&a, &r, name, 8, 100, 1, 0.05, "ns/op");
		gen(&b, &r, name, 8, 100, 1 + 0.01 * (double)i, 0.05, "ns/op");
	}
	static const char *const holm[] = {"correction", "holm", NULL};
	judge(&run, &a, &b, holm, false);
	assert_int_equal(cstat_gate_count(run.g), m);
	double p[30];
	size_t idx[30];
	for (size_t i = 0; i < m; i++) {
		p[i] = cstat_gate_get(run.g, i)->p;
		idx[i] = i;
	}
	/* Sort indices by p (insertion sort, stable). */
	for (size_t i = 1; i < m; i++)
		for (size_t j = i; j > 0 && p[idx[j]] < p[idx[j - 1]]; j--) {
			size_t t = idx[j];
			idx[j] = idx[j - 1];
			idx[j - 1] = t;
		}
	double run_max = 0;
	for (size_t j = 0; j < m; j++) {
		double v = fmin(1, (double)(m - j) * p[idx[j]]);
		run_max = fmax(run_max, v);
		assert_close(cstat_gate_get(run.g, idx[j])->p_adjusted, run_max,
			     1e-12);
	}
	cstat_gate_free(run.g);
	struct cstat_diag d;
	assert_int_equal(cstat_gate_config_set(run.c, "correction", "bh", &d),
			 0);
	assert_int_equal(cstat_gate_new(&run.g, run.t, run.c, run.r, false), 0);
	for (size_t j = 0; j < m; j++) {
		double best = 1;
		for (size_t l = j; l < m; l++)
			best = fmin(best,
				    (double)m / (double)(l + 1) * p[idx[l]]);
		assert_close(cstat_gate_get(run.g, idx[j])->p_adjusted, best,
			     1e-12);
	}
	done(&run, &a, &b);
}

/* assume=exact units compare values directly: one sample each is enough. */
static void
test_exact_units(void **state)
{
	struct text a = {0}, b = {0};
	struct run run;

	(void)state;
	addf(&a, "Unit allocs/op assume=exact\n");
	addf(&a, "BenchmarkE 100 10 allocs/op\n");
	addf(&b, "BenchmarkE 100 11 allocs/op\n");
	addf(&a, "BenchmarkF 100 7 allocs/op\n");
	addf(&b, "BenchmarkF 100 7 allocs/op\n");
	judge(&run, &a, &b, NULL, false);
	const struct cstat_check *e = find(run.g, "E", "allocs/op");
	assert_true(e->exact);
	assert_int_equal(e->unit_class, CSTAT_CLASS_ALLOCS);
	assert_close(e->change, 0.1, 1e-15);
	assert_int_equal(e->verdict, CSTAT_REGRESSION);
	assert_int_equal(find(run.g, "F", "allocs/op")->verdict,
			 CSTAT_UNCHANGED);
	done(&run, &a, &b);
}

/* Rules: a benchmark rule beats the class rule; ignore leaves it out. */
static void
test_rules_and_ignore(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {9};
	struct run run;

	(void)state;
	gen(&a, &r, "Enc", 12, 100, 1, 0.002, "ns/op");
	gen(&b, &r, "Enc", 12, 100, 1.07, 0.002, "ns/op");
	gen(&a, &r, "Dec", 12, 100, 1, 0.002, "ns/op");
	gen(&b, &r, "Dec", 12, 100, 1.07, 0.002, "ns/op");
	gen(&a, &r, "Flaky", 12, 100, 1, 0.002, "ns/op");
	gen(&b, &r, "Flaky", 12, 100, 2, 0.002, "ns/op");
	static const char *const kv[] = {
		"threshold", "class:time=3%", "threshold", "bench:Enc*=10%",
		"ignore",    "Fla*",	      NULL};
	judge(&run, &a, &b, kv, false);
	const struct cstat_check *enc = find(run.g, "Enc", "sec/op");
	assert_close(enc->threshold, 0.10, 1e-15);
	assert_string_equal(enc->rule, "bench:Enc*=10%");
	assert_int_equal(enc->verdict, CSTAT_UNCHANGED);
	const struct cstat_check *dec = find(run.g, "Dec", "sec/op");
	assert_string_equal(dec->rule, "class:time=3%");
	assert_int_equal(dec->verdict, CSTAT_REGRESSION);
	assert_int_equal(cstat_gate_count(run.g), 2);
	assert_int_equal(cstat_gate_ignored(run.g), 1);

	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(cstat_gate_explain(run.g, "Enc", f), 1);
	assert_int_equal(cstat_gate_explain(run.g, "F*", f), 1);
	assert_int_equal(cstat_gate_explain(run.g, "Nope", f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "verdict: unchanged"));
	assert_non_null(strstr(buf, "threshold: 10% (bench:Enc*=10%)"));
	assert_non_null(strstr(buf, "lower is better (from unit class time)"));
	assert_non_null(strstr(buf, "ignored: matches \"Fla*\""));
	free(buf);
	done(&run, &a, &b);
}

/* Collects the messages cstat_gate_check_rules() gives. */
static void
collect(void *ctx, const struct cstat_diag *d)
{
	char *buf = ctx;
	size_t len = strlen(buf);

	snprintf(buf + len, 1024 - len, "%s\n", d->message);
}

/*
 * Globs match names with or without the -N suffix; a rule that matches no
 * benchmark is named with the closest names, by the edits that make a
 * name match the glob (worked by hand below).
 */
static void
test_globs_and_closest(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {11};
	struct run run;
	char msgs[1024] = "", near[256];

	(void)state;
	static const char *const names[] = {"Encode/json-8", "Encode/gob-8",
					    "Decode-8", "Size-100"};
	for (size_t i = 0; i < 4; i++) {
		gen(&a, &r, names[i], 12, 100, 1, 0.002, "ns/op");
		gen(&b, &r, names[i], 12, 100, 1.07, 0.002, "ns/op");
	}
	static const char *const kv[] = {"threshold", "bench:Encode/*=10%",
					 "threshold", "bench:Decode-8=20%",
					 "threshold", "bench:Encdoe/*=30%",
					 "ignore",    "Size",
					 NULL};
	judge(&run, &a, &b, kv, false);
	assert_string_equal(find(run.g, "Encode/json-8", "sec/op")->rule,
			    "bench:Encode/*=10%");
	assert_string_equal(find(run.g, "Decode-8", "sec/op")->rule,
			    "bench:Decode-8=20%");
	/* "Size-100" without its suffix is "Size". */
	assert_int_equal(cstat_gate_ignored(run.g), 1);
	assert_int_equal(cstat_gate_check_rules(run.g, NULL, NULL), 1);
	assert_int_equal(cstat_gate_check_rules(run.g, collect, msgs), 1);
	/* "Encdoe/" is 2 substitutions from "Encode/"; "Decode" needs at
	 * least 3 edits and Encdoe/'s 7 characters allow 2. */
	assert_string_equal(msgs, "threshold rule \"bench:Encdoe/*=30%\" "
				  "matches no benchmark; closest: "
				  "Encode/json, Encode/gob\n");
	/* Ties keep table order; without a close name, the closest. */
	assert_int_equal(
		cstat_gate_closest(run.g, "Decdoe", 3, near, sizeof(near)), 1);
	assert_string_equal(near, "Decode");
	assert_int_equal(cstat_gate_closest(run.g, "Qqqqqqqqqqqqqqqq", 2, near,
					    sizeof(near)),
			 2);
	assert_string_equal(near, "Encode/json, Encode/gob");
	assert_int_equal(cstat_gate_closest(NULL, "x", 1, NULL, 0),
			 CSTAT_EINVAL);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(cstat_gate_explain(run.g, "Encode/json", f), 1);
	fclose(f);
	free(buf);
	done(&run, &a, &b);
}

/* Calibration: the detectable change is at least the threshold, and grows
 * with the noise. */
static void
test_detectable(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {10};
	struct run run;

	(void)state;
	gen(&a, &r, "Quiet", 10, 100, 1, 0.001, "ns/op");
	gen(&b, &r, "Quiet", 10, 100, 1, 0.001, "ns/op");
	gen(&a, &r, "Noisy", 10, 100, 1, 0.2, "ns/op");
	gen(&b, &r, "Noisy", 10, 100, 1, 0.2, "ns/op");
	judge(&run, &a, &b, NULL, true);
	size_t qi = 0, ni = 0;
	for (size_t i = 0; i < cstat_gate_count(run.g); i++) {
		if (strcmp(cstat_gate_get(run.g, i)->name, "Quiet") == 0)
			qi = i;
		else
			ni = i;
	}
	double q = cstat_gate_detectable(run.g, qi);
	double n = cstat_gate_detectable(run.g, ni);
	/* The threshold decides: a change just past 5% shows in 80% of
	 * runs when the noise is 0.1%. */
	assert_true(q > 0.05 && q < 0.052);
	assert_true(n > 0.1 && n < 3); /* the noise decides */
	assert_true(isnan(cstat_gate_detectable(run.g, 99)));
	/* The same inputs give the same numbers (a fixed-seed simulation),
	 * and a rule that wants the whole interval past the threshold needs
	 * a larger change. */
	cstat_gate_free(run.g);
	assert_int_equal(cstat_gate_new(&run.g, run.t, run.c, run.r, true), 0);
	assert_true(cstat_gate_detectable(run.g, qi) == q);
	assert_true(cstat_gate_detectable(run.g, ni) == n);
	cstat_gate_free(run.g);
	struct cstat_diag d;
	assert_int_equal(
		cstat_gate_config_set(run.c, "threshold_on", "interval", &d),
		0);
	assert_int_equal(cstat_gate_new(&run.g, run.t, run.c, run.r, true), 0);
	assert_true(cstat_gate_detectable(run.g, qi) > q);
	assert_true(cstat_gate_detectable(run.g, ni) > n);
	done(&run, &a, &b);
}

/* The number of orderings of m + n distinct values in which u pairs have
 * the second sample's value larger: the largest value belongs to the
 * second sample (it beats all m) or to the first. */
static double
u_count(int m, int n, int u)
{
	if (u < 0)
		return 0;
	if (m == 0 || n == 0)
		return u == 0;
	return u_count(m, n - 1, u - m) + u_count(m - 1, n, u);
}

/* The order statistic that starts a 95% interval for m + n values: the
 * largest k with P(U <= k - 1) <= 0.025 (0 when none). */
static int
order_k(int m, int n)
{
	double total = 0, cum = 0;
	int k = 0;

	for (int u = 0; u <= m * n; u++)
		total += u_count(m, n, u);
	for (int u = 0; u < m * n; u++) {
		cum += u_count(m, n, u);
		if (cum / total > 0.025)
			break;
		k = u + 1;
	}
	return k;
}

/* Bit for bit, as the tests below compare doubles. */
static bool same_bits(double a, double b);

/*
 * Two threads judge as one does: 2,100 benchmarks (enough for the second
 * thread) of 10 + 10 values, some noisy, some constant, some shifted,
 * every number and verdict the same bit for bit (seed 13).
 */
static void
test_two_threads(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {13};
	struct run run;
	cstat_gate *g2;
	char name[32];

	(void)state;
	for (int i = 0; i < 2100; i++) {
		snprintf(name, sizeof(name), "T%04d", i);
		double sd = i % 3 == 0 ? 0 : 0.03, f = i % 7 == 0 ? 1.1 : 1;
		gen(&a, &r, name, 10, 100 + i, 1, sd, "ns/op");
		gen(&b, &r, name, 10, 100 + i, f, sd, "ns/op");
	}
	judge(&run, &a, &b, NULL, false);
	assert_int_equal(
		cstat_gate_new_threaded(&g2, run.t, run.c, run.r, false, 2), 0);
	assert_int_equal(cstat_gate_count(g2), 2100);
	assert_int_equal(cstat_gate_count(run.g), 2100);
	for (size_t i = 0; i < 2100; i++) {
		const struct cstat_check *x = cstat_gate_get(run.g, i),
					 *y = cstat_gate_get(g2, i);
		assert_int_equal(x->verdict, y->verdict);
		assert_string_equal(x->reason, y->reason);
		assert_true(same_bits(x->p, y->p));
		assert_true(same_bits(x->p_adjusted, y->p_adjusted));
		assert_true(same_bits(x->shift, y->shift));
		assert_true(same_bits(x->shift_lo, y->shift_lo));
		assert_true(same_bits(x->shift_hi, y->shift_hi));
		assert_true(same_bits(x->change_lo, y->change_lo));
		assert_true(same_bits(x->change_hi, y->change_hi));
	}
	assert_true(cstat_gate_tally(g2, CSTAT_REGRESSION) > 0);
	cstat_gate_free(g2);
	done(&run, &a, &b);
}

/*
 * The comparisons cover the tables exactly, in order, on one thread and
 * two: 2,400 benchmarks in two units (two tables) and three runs, some
 * missing from one run or two, some left out by an ignore pattern, some
 * under a rule of their own (seed 15).  Every row and later column with
 * either side present is one comparison, or one ignored, in table, row
 * and column order; each carries its cells' sizes and centers, its row's
 * rule and threshold, and the smallest p-value its sizes allow.  A
 * comparison set up twice, lost, out of order or given another row's
 * rule, here or on the second thread, fails.
 */
static void
test_checks_cover_tables(void **state)
{
	struct text a = {0}, b = {0}, c = {0};
	const struct text *files[3] = {&a, &b, &c};
	struct rng r = {15};
	struct run run;
	const char *kv[] = {"ignore", "Skip*", NULL};
	static const char rules[] =
		"{\"benchmarks\": [{\"match\": \"Rule*\", "
		"\"threshold\": \"8%\"}], \"ignore\": [\"Skip*\"]}";
	struct cstat_diag d;
	char name[32];

	(void)state;
	for (int i = 0; i < 2400; i++) {
		snprintf(name, sizeof(name), "%s%04d",
			 i % 17 == 0  ? "Skip"
			 : i % 9 == 0 ? "Rule"
				      : "T",
			 i);
		double f = i % 7 == 0 ? 1.2 : 1;
		/* Some only in the new run, some only in the base, and B/op
		 * for a third only: a row of either table may lack a side. */
		if (i % 11 != 3) {
			gen(&a, &r, name, 10, 100 + i, 1, 0.02, "ns/op");
			if (i % 3 == 0)
				gen(&a, &r, name, 10, 50 + i, 1, 0.02, "B/op");
		}
		if (i % 13 != 5) {
			gen(&b, &r, name, 10, 100 + i, f, 0.02, "ns/op");
			if (i % 3 == 0 || i % 5 == 0)
				gen(&b, &r, name, 10, 50 + i, f, 0.02, "B/op");
		}
		/* A third run: a row with neither of the first two has a
		 * comparison in the third column only. */
		if (i % 4 != 1)
			gen(&c, &r, name, 10, 100 + i, f, 0.02, "ns/op");
	}
	judge_files(&run, files, 3, kv, false);
	cstat_gate_config_free(run.c);
	cstat_gate_free(run.g);
	assert_int_equal(cstat_gate_config_new(&run.c), 0);
	assert_int_equal(cstat_gate_config_load_mem(run.c, rules,
						    sizeof(rules) - 1,
						    "rules.json", &d),
			 0);
	assert_int_equal(cstat_gate_new(&run.g, run.t, run.c, run.r, false), 0);
	cstat_gate *g2;
	assert_int_equal(
		cstat_gate_new_threaded(&g2, run.t, run.c, run.r, false, 2), 0);
	const cstat_gate *gates[2] = {run.g, g2};
	for (int gi = 0; gi < 2; gi++) {
		const cstat_gate *g = gates[gi];
		size_t at = 0, ignored = 0;
		assert_int_equal(cstat_tables_count(run.t), 2);
		for (size_t i = 0; i < cstat_tables_count(run.t); i++) {
			for (size_t row = 0; row < cstat_table_rows(run.t, i);
			     row++) {
				const char *label =
					cstat_table_row_label(run.t, i, row);
				struct cstat_cell base, cell;
				cstat_table_cell(run.t, i, row, 0, &base);
				for (size_t col = 1;
				     col < cstat_table_cols(run.t, i); col++) {
					cstat_table_cell(run.t, i, row, col,
							 &cell);
					if (!base.present && !cell.present)
						continue;
					if (strncmp(label, "Skip", 4) == 0) {
						ignored++;
						continue;
					}
					const struct cstat_check *k =
						cstat_gate_get(g, at++);
					assert_non_null(k);
					assert_int_equal(k->table, i);
					assert_int_equal(k->row, row);
					assert_int_equal(k->col, col);
					assert_string_equal(k->name, label);
					assert_string_equal(
						k->unit,
						cstat_table_unit(run.t, i));
					assert_int_equal(k->n_base,
							 base.present ? base.n
								      : 0);
					assert_int_equal(k->n_new,
							 cell.present ? cell.n
								      : 0);
					if (base.present)
						assert_true(same_bits(
							k->base_center,
							base.center));
					else
						assert_true(
							isnan(k->base_center));
					bool rule = label[0] == 'R';
					assert_string_equal(
						k->rule, rule ? "bench:Rule*=8%"
							      : "default");
					assert_true(k->threshold ==
						    (rule ? 0.08 : 0.05));
					/* 10 against 10 values: at best
					 * 2 / C(20, 10) = 2 / 184,756. */
					if (base.present && cell.present)
						assert_true(fabs(k->p_min -
								 2.0 / 184756) <
							    1e-15);
					else
						assert_true(isnan(k->p_min));
				}
			}
		}
		assert_int_equal(cstat_gate_count(g), at);
		assert_int_equal(cstat_gate_ignored(g), ignored);
		assert_null(cstat_gate_get(g, at));
		assert_true(at > 2048 && ignored > 100);
	}
	for (size_t i = 0; i < cstat_gate_count(g2); i++) {
		const struct cstat_check *x = cstat_gate_get(run.g, i),
					 *y = cstat_gate_get(g2, i);
		assert_int_equal(x->verdict, y->verdict);
		assert_true(same_bits(x->p, y->p));
		assert_true(same_bits(x->shift, y->shift));
	}
	assert_true(cstat_gate_tally(g2, CSTAT_REGRESSION) > 0);
	cstat_gate_free(g2);
	free(c.s);
	done(&run, &a, &b);
}

/* Renders g in format fmt into a new string. */
static char *
render(const cstat_gate *g, int fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cstat_gate_write(g, fmt, false, f), 0);
	fclose(f);
	return buf;
}

/*
 * The text report of a gate on two threads, which formats the rows of a
 * section of 2,048 or more on both, is the one-thread gate's byte for
 * byte: 2,100 benchmarks of 5 + 5 values (too few for the corrected
 * level, so every one is inconclusive), some noisy, some constant, some
 * shifted, names of two lengths and the longest last (seed 14), and
 * one benchmark of values below zero in the second half, whose additive
 * interval (found by that half's thread) adds the footnote.  A row
 * written twice, lost or out of order, a column's width taken from one
 * half only, or the second half's additive mark missed, differs.
 */
static void
test_two_threads_text(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {14};
	struct run run;
	cstat_gate *g2;
	char name[48];

	(void)state;
	for (int i = 0; i < 2100; i++) {
		snprintf(name, sizeof(name),
			 i == 2099 ? "The/longest/name/of/all=%d"
			 : i % 5   ? "T%04d"
				   : "Long/name=%d",
			 i);
		double sd = i % 50 == 0 ? 0 : 0.03, f = i % 7 == 0 ? 1.5 : 1;
		double center = i == 2090 ? -100 : 100 + 37 * i;
		gen(&a, &r, name, 5, center, 1, sd, "ns/op");
		gen(&b, &r, name, 5, center, f, sd, "ns/op");
	}
	judge(&run, &a, &b, NULL, false);
	assert_int_equal(
		cstat_gate_new_threaded(&g2, run.t, run.c, run.r, false, 2), 0);
	assert_true(cstat_gate_tally(g2, CSTAT_INCONCLUSIVE) >= 2048);
	char *one = render(run.g, CSTAT_REPORT_TEXT),
	     *two = render(g2, CSTAT_REPORT_TEXT);
	assert_string_equal(one, two);
	assert_non_null(strstr(one, "Long/name=2095"));
	assert_non_null(strstr(one, CSTAT__GATE_ADDITIVE_FOOTNOTE));
	free(one);
	free(two);
	cstat_gate_free(g2);
	done(&run, &a, &b);
}

/* Whether g2 has g's verdicts, reasons and p-values, and its tallies. */
static void
same_verdicts(const cstat_gate *g, const cstat_gate *g2)
{
	assert_int_equal(cstat_gate_count(g2), cstat_gate_count(g));
	for (int v = 0; v < 4; v++)
		assert_int_equal(cstat_gate_tally(g2, v),
				 cstat_gate_tally(g, v));
	assert_int_equal(g2->family, g->family);
	for (size_t i = 0; i < cstat_gate_count(g); i++) {
		const struct cstat_check *x = cstat_gate_get(g, i),
					 *y = cstat_gate_get(g2, i);
		assert_int_equal(x->verdict, y->verdict);
		assert_string_equal(x->reason, y->reason);
		assert_true(same_bits(x->p, y->p));
		assert_true(same_bits(x->p_adjusted, y->p_adjusted));
		assert_true(same_bits(x->change, y->change));
	}
}

/*
 * The verdicts alone (cstat__gate_new_verdicts(), the HTML page's) are
 * the full gate's, on one thread or two, on the data of
 * test_two_threads() (seed 13): without the intervals when the threshold
 * is on the estimate, with them when it is on the interval.
 */
static void
test_verdicts_only(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {13};
	struct run run;
	struct cstat_diag d;
	cstat_gate *g2;
	char name[32];

	(void)state;
	for (int i = 0; i < 2100; i++) {
		snprintf(name, sizeof(name), "T%04d", i);
		double sd = i % 3 == 0 ? 0 : 0.03, f = i % 7 == 0 ? 1.1 : 1;
		gen(&a, &r, name, 10, 100 + i, 1, sd, "ns/op");
		gen(&b, &r, name, 10, 100 + i, f, sd, "ns/op");
	}
	judge(&run, &a, &b, NULL, false);
	assert_true(cstat_gate_tally(run.g, CSTAT_REGRESSION) > 0);
	for (unsigned threads = 1; threads <= 2; threads++) {
		assert_int_equal(
			cstat__gate_new_verdicts(&g2, run.t, run.c, threads),
			0);
		same_verdicts(run.g, g2);
		assert_true(isnan(cstat_gate_get(g2, 1)->shift));
		assert_true(isnan(cstat_gate_get(g2, 1)->change_lo));
		cstat_gate_free(g2);
	}
	cstat_gate_free(run.g);
	assert_int_equal(
		cstat_gate_config_set(run.c, "threshold_on", "interval", &d),
		0);
	assert_int_equal(cstat_gate_new(&run.g, run.t, run.c, run.r, false), 0);
	assert_int_equal(cstat__gate_new_verdicts(&g2, run.t, run.c, 2), 0);
	same_verdicts(run.g, g2);
	for (size_t i = 0; i < cstat_gate_count(g2); i++)
		assert_true(same_bits(cstat_gate_get(run.g, i)->change_lo,
				      cstat_gate_get(g2, i)->change_lo));
	cstat_gate_free(g2);
	done(&run, &a, &b);
}

/* order_k() by dynamic programming over m, n <= 12 (the recursion above
 * takes too long there): f[a][b][u] counts the orderings of a + b. */
static int
order_k_dp(int m, int n)
{
	static double f[13][13][145];
	double total = 0, cum = 0;
	int k = 0;

	for (int a = 0; a <= m; a++)
		for (int b = 0; b <= n; b++)
			for (int u = 0; u <= m * n; u++)
				f[a][b][u] =
					a == 0 || b == 0
						? u == 0
						: (u >= a ? f[a][b - 1][u - a]
							  : 0) +
							  f[a - 1][b][u];
	for (int u = 0; u <= m * n; u++)
		total += f[m][n][u];
	for (int u = 0; u < m * n; u++) {
		cum += f[m][n][u];
		if (cum / total > 0.025)
			break;
		k = u + 1;
	}
	return k;
}

/* Bit for bit: the same double, the sign of a zero included. */
static bool
same_bits(double a, double b)
{
	return memcmp(&a, &b, sizeof(a)) == 0;
}

/* Sample values of kind 0..5: continuous, few levels (many ties), one
 * value, heavy tails, around zero, and -0 among zeros. */
static double
draw(struct rng *r, int kind, double shift)
{
	switch (kind) {
	case 0:
		return 100 + shift + normal(r);
	case 1:
		return 3 + shift + floor(3 * uniform(r));
	case 2:
		return 7 + shift;
	case 3:
		return shift + normal(r) / (0.05 + fabs(normal(r)));
	case 4:
		return shift + floor(4 * normal(r)) / 4;
	default:
		return uniform(r) < 0.5 ? -0.0 : 0.0;
	}
}

/*
 * The shift and interval the judge finds without sorting the pairs are
 * the very doubles that sorting all nx * ny differences gives, for every
 * size from 1 to 12 a side, samples with many ties, heavy tails, zeros of
 * both signs, and sides far apart (the seed is fixed; 8,640 samples).
 */
static void
test_hodges_lehmann_brute(void **state)
{
	struct cstat__ucache *uc;
	struct rng r = {12};
	double x[12], y[12], d[144], shift, lo, hi;
	size_t checked = 0;

	(void)state;
	assert_int_equal(cstat__ucache_new(&uc), 0);
	for (int nx = 1; nx <= 12; nx++)
		for (int ny = 1; ny <= 12; ny++) {
			int k = order_k_dp(nx, ny), nm = nx * ny;
			for (int rep = 0; rep < 60; rep++) {
				int kind = rep % 6;
				double off = rep % 12 < 6 ? 0.3 : 40;
				for (int i = 0; i < nx; i++)
					x[i] = draw(&r, kind, 0);
				for (int j = 0; j < ny; j++)
					y[j] = draw(&r, kind,
						    kind == 5 ? 0 : off);
				qsort(x, (size_t)nx, sizeof(double),
				      cmp_double);
				qsort(y, (size_t)ny, sizeof(double),
				      cmp_double);
				for (int i = 0; i < nx; i++)
					for (int j = 0; j < ny; j++)
						d[i * ny + j] = y[j] - x[i];
				qsort(d, (size_t)nm, sizeof(double),
				      cmp_double);
				assert_int_equal(cstat__gate_hodges_lehmann(
							 uc, x, (size_t)nx, y,
							 (size_t)ny, 0.95,
							 &shift, &lo, &hi),
						 0);
				assert_true(same_bits(
					shift,
					nm % 2 ? d[nm / 2]
					       : (d[nm / 2 - 1] + d[nm / 2]) /
							 2));
				assert_true(same_bits(lo, k ? d[k - 1]
							    : -INFINITY));
				assert_true(same_bits(hi, k ? d[nm - k]
							    : INFINITY));
				checked++;
			}
		}
	assert_int_equal(checked, 8640);
	cstat__ucache_free(uc);
}

/*
 * Past 12 a side, up to the 256 pairs below which each row's differences
 * are all compared (two at a time where SSE2 is there): the shift is the
 * median of all nx * ny sorted differences bit for bit, and the ends are
 * the k-th difference from each end for one k (fixed seed; 1,800 samples
 * of the six kinds, odd and even sizes so the pairs' last one is single).
 */
static void
test_hodges_lehmann_wide(void **state)
{
	static const int sizes[][2] = {{13, 13}, {16, 16}, {12, 21},
				       {20, 12}, {10, 25}, {15, 17}};
	struct cstat__ucache *uc;
	struct rng r = {16};
	double x[25], y[25], d[256], shift, lo, hi;
	size_t checked = 0;

	(void)state;
	assert_int_equal(cstat__ucache_new(&uc), 0);
	for (size_t s = 0; s < 6; s++) {
		int nx = sizes[s][0], ny = sizes[s][1], nm = nx * ny;
		for (int rep = 0; rep < 300; rep++) {
			int kind = rep % 6;
			double off = rep % 12 < 6 ? 0.3 : 40;
			for (int i = 0; i < nx; i++)
				x[i] = draw(&r, kind, 0);
			for (int j = 0; j < ny; j++)
				y[j] = draw(&r, kind, kind == 5 ? 0 : off);
			qsort(x, (size_t)nx, sizeof(double), cmp_double);
			qsort(y, (size_t)ny, sizeof(double), cmp_double);
			for (int i = 0; i < nx; i++)
				for (int j = 0; j < ny; j++)
					d[i * ny + j] = y[j] - x[i];
			qsort(d, (size_t)nm, sizeof(double), cmp_double);
			assert_int_equal(
				cstat__gate_hodges_lehmann(uc, x, (size_t)nx, y,
							   (size_t)ny, 0.95,
							   &shift, &lo, &hi),
				0);
			assert_true(same_bits(
				shift,
				nm % 2 ? d[nm / 2]
				       : (d[nm / 2 - 1] + d[nm / 2]) / 2));
			bool found = false;
			for (int k = 1; k <= nm / 2 && !found; k++)
				found = same_bits(lo, d[k - 1]) &&
					same_bits(hi, d[nm - k]);
			assert_true(found);
			checked++;
		}
	}
	assert_int_equal(checked, 1800);
	cstat__ucache_free(uc);
}

/*
 * The ratio interval against brute force on small samples: all pairwise
 * log differences sorted, the ends the k-th from each side with k from the
 * exact U distribution (counted here by recursion).  With noise this
 * large the additive interval goes below -100%; the ratio's never does.
 */
static void
test_log_interval_brute(void **state)
{
	static const int sizes[][2] = {{3, 5}, {4, 4}, {5, 7}, {6, 3}, {8, 8}};
	struct cstat__ucache *uc;
	struct rng r = {11};
	double x[8], y[8], d[64], lo, hi, alo, ahi;
	bool below = false;

	(void)state;
	assert_int_equal(cstat__ucache_new(&uc), 0);
	for (size_t s = 0; s < 5; s++) {
		int nx = sizes[s][0], ny = sizes[s][1], k = order_k(nx, ny);
		for (int rep = 0; rep < 20; rep++) {
			for (int i = 0; i < nx; i++)
				x[i] = 100 * exp(0.9 * normal(&r));
			for (int j = 0; j < ny; j++)
				y[j] = 30 * exp(0.9 * normal(&r));
			qsort(x, (size_t)nx, sizeof(double), cmp_double);
			qsort(y, (size_t)ny, sizeof(double), cmp_double);
			for (int i = 0; i < nx; i++)
				for (int j = 0; j < ny; j++)
					d[i * ny + j] = log(y[j]) - log(x[i]);
			qsort(d, (size_t)(nx * ny), sizeof(double), cmp_double);
			assert_int_equal(cstat__gate_interval(uc, x, (size_t)nx,
							      y, (size_t)ny,
							      x[nx / 2], 0.95,
							      false, &lo, &hi),
					 0);
			if (k == 0) {
				assert_true(lo == -1 && isinf(hi));
				continue;
			}
			assert_close(lo, expm1(d[k - 1]), 1e-14);
			assert_close(hi, expm1(d[nx * ny - k]), 1e-14);
			assert_true(lo > -1 && lo <= hi);
			assert_int_equal(cstat__gate_interval(uc, x, (size_t)nx,
							      y, (size_t)ny,
							      x[nx / 2], 0.95,
							      true, &alo, &ahi),
					 0);
			below |= alo < -1;
		}
	}
	assert_true(below); /* the additive interval can be impossible */
	/* A value <= 0 has no logarithm: the caller must ask for additive. */
	x[0] = 0;
	assert_int_equal(
		cstat__gate_interval(uc, x, 3, y, 3, 1, 0.95, false, &lo, &hi),
		CSTAT_EINVAL);
	cstat__ucache_free(uc);
}

/*
 * A value <= 0 on either side: the interval falls back to the difference
 * divided by the base median, the check says so, and so does every report.
 */
static void
test_additive_fallback(void **state)
{
	struct text a = {0}, b = {0};
	struct run run;
	static const char *const marks[] = {
		"\xe2\x80\xa0 The interval is of the difference", /* text */
		"\xe2\x80\xa0 The interval is of the difference", /* md */
		"\"additive\":\ttrue",				  /* json */
		"\xe2\x80\xa0 additive interval: some value is &lt;= 0", /* xml
									  */
		"\xe2\x80\xa0 additive interval: some value is <= 0", /* gh */
	};

	(void)state;
	/* A score that can be negative, and a positive one beside it. */
	for (int i = 0; i < 10; i++) {
		addf(&a, "BenchmarkS 1 %d score\n", i - 2);
		addf(&b, "BenchmarkS 1 %d score\n", i + 30);
		addf(&a, "BenchmarkP 1 %d score\n", 100 + i);
		addf(&b, "BenchmarkP 1 %d score\n", 130 + i);
	}
	judge(&run, &a, &b, NULL, false);
	const struct cstat_check *s = find(run.g, "S", "score");
	const struct cstat_check *p = find(run.g, "P", "score");
	assert_true(s->additive);
	assert_false(p->additive);
	assert_int_equal(s->verdict, CSTAT_REGRESSION);
	/* Base median 2.5: the shift's interval over it. */
	assert_close(s->base_center, 2.5, 1e-15);
	assert_close(s->change_lo, s->shift_lo / 2.5, 1e-15);
	assert_close(s->change_hi, s->shift_hi / 2.5, 1e-15);
	for (int fmt = 0; fmt <= CSTAT_REPORT_GITHUB; fmt++) {
		char *out = render(run.g, fmt);
		assert_non_null(strstr(out, marks[fmt]));
		free(out);
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(cstat_gate_explain(run.g, "S", f), 1);
	fclose(f);
	assert_non_null(strstr(buf, "]\xe2\x80\xa0 at 95% confidence"));
	assert_non_null(strstr(buf, "The interval is of the difference"));
	free(buf);
	/* Without a value <= 0 nothing is marked. */
	done(&run, &a, &b);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	for (int i = 0; i < 10; i++) {
		addf(&a, "BenchmarkP 1 %d score\n", 100 + i);
		addf(&b, "BenchmarkP 1 %d score\n", 130 + i);
	}
	judge(&run, &a, &b, NULL, false);
	for (int fmt = 0; fmt <= CSTAT_REPORT_GITHUB; fmt++) {
		char *out = render(run.g, fmt);
		assert_null(strstr(out, "\xe2\x80\xa0"));
		free(out);
	}
	done(&run, &a, &b);
}

/*
 * -threshold-on interval: a change whose estimate passes the threshold but
 * whose interval does not is a regression on the estimate only; one whose
 * whole interval is past the threshold is one in both modes.
 */
static void
test_threshold_on_interval(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {12};
	struct run run;
	struct cstat_diag d;

	(void)state;
	gen(&a, &r, "Edge", 20, 100, 1, 0.02, "ns/op");
	gen(&b, &r, "Edge", 20, 100, 1.06, 0.02, "ns/op");
	gen(&a, &r, "Big", 20, 100, 1, 0.02, "ns/op");
	gen(&b, &r, "Big", 20, 100, 1.15, 0.02, "ns/op");
	judge(&run, &a, &b, NULL, false);
	const struct cstat_check *e = find(run.g, "Edge", "sec/op");
	assert_true(e->change > 0.05 && e->change_lo < 0.05);
	assert_int_equal(e->verdict, CSTAT_REGRESSION);
	assert_int_equal(find(run.g, "Big", "sec/op")->verdict,
			 CSTAT_REGRESSION);
	cstat_gate_free(run.g);
	assert_int_equal(
		cstat_gate_config_set(run.c, "threshold_on", "interval", &d),
		0);
	assert_int_equal(cstat_gate_new(&run.g, run.t, run.c, run.r, false), 0);
	assert_int_equal(find(run.g, "Edge", "sec/op")->verdict,
			 CSTAT_UNCHANGED);
	assert_int_equal(find(run.g, "Big", "sec/op")->verdict,
			 CSTAT_REGRESSION);
	/* The reports and -explain say which rule is in force. */
	char *out = render(run.g, CSTAT_REPORT_TEXT);
	assert_non_null(strstr(out, "(applied to the whole interval)"));
	free(out);
	out = render(run.g, CSTAT_REPORT_JSON);
	assert_non_null(strstr(out, "\"threshold_on\":\t\"interval\""));
	free(out);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(cstat_gate_explain(run.g, "Edge", f), 1);
	fclose(f);
	assert_non_null(strstr(buf, "applied to the whole interval"));
	free(buf);
	/* Validated like the other settings. */
	assert_int_equal(
		cstat_gate_config_set(run.c, "threshold_on", "median", &d),
		CSTAT_EINVAL);
	assert_string_equal(d.message, "threshold_on \"median\": want "
				       "estimate or interval");
	done(&run, &a, &b);
}

/*
 * The detectable change has 80% power: for a benchmark whose log values
 * have a pooled within-side sd of exactly 2% (10 values split 5 + 5, as
 * -aa does), threshold 0 and 50 tested comparisons, 1000 fresh comparisons
 * of 10 + 10 lognormal values (sd 2%, seed 13) with that change planted
 * are significant at 0.05 / 50 in 80% +- 4% of cases (binomial sd 1.3%).
 * The full acceptance run is tests/stats-gate.c.
 */
static void
test_detectable_power(void **state)
{
	struct text a = {0}, b = {0};
	struct rng r = {13};
	struct run run;
	char name[32];
	double z[5];
	static const char *const kv[] = {"threshold", "0%", NULL};

	(void)state;
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "D%02d", i);
		for (struct text *t = &a; t; t = t == &a ? &b : NULL) {
			double mean = 0, ss = 0;
			for (int j = 0; j < 5; j++)
				mean += (z[j] = normal(&r)) / 5;
			for (int j = 0; j < 5; j++)
				ss += (z[j] - mean) * (z[j] - mean);
			for (int j = 0; j < 5; j++)
				addf(t, "Benchmark%s 1 %.17g ns/op\n", name,
				     100 * exp(0.02 * (z[j] - mean) /
					       sqrt(ss / 4)));
		}
	}
	judge(&run, &a, &b, kv, true);
	double dch = cstat_gate_detectable(run.g, 0);
	for (size_t i = 1; i < 50; i++) /* the same noise, the same change */
		assert_close(cstat_gate_detectable(run.g, i), dch, 1e-9);
	/* About 2.3 sd (50% power is near 1.85 sd). */
	assert_true(dch > 0.04 && dch < 0.052);
	struct cstat__ucache *uc;
	assert_int_equal(cstat__ucache_new(&uc), 0);
	int hits = 0;
	for (int rep = 0; rep < 1000; rep++) {
		double x[10], y[10], p;
		for (int j = 0; j < 10; j++) {
			x[j] = 100 * exp(0.02 * normal(&r));
			y[j] = 100 * (1 + dch) * exp(0.02 * normal(&r));
		}
		assert_true(cstat__mann_whitney(uc, x, 10, y, 10, &p) >= 0);
		hits += p <= 0.05 / 50;
	}
	print_message("detectable %.4f: significant in %d of 1000\n", dch,
		      hits);
	assert_in_range(hits, 760, 840);
	cstat__ucache_free(uc);
	done(&run, &a, &b);
}

/* ---------------------------------------------------------------------- */
/* The noise-aware threshold. */

/*
 * History tables of benchmark name (sec/op): run r's one value is
 * center * exp(x[r]), in a column labelled with the run's number, as
 * cstat_history_build() labels them.
 */
static cstat_tables *
history_of(const char *name, double center, const double *x, size_t n)
{
	cstat_builder *b;
	cstat_tables *t;
	struct cstat_diag d;
	char labels[64][8];

	assert_true(n <= 64);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	for (size_t r = 0; r < n; r++) {
		double v = center * exp(x[r]);
		struct cstat_value val = {v, "sec/op", v, "sec/op"};
		snprintf(labels[r], sizeof(labels[r]), "%zu", r + 1);
		struct cstat_result res = {.file = labels[r],
					   .name = name,
					   .name_len = strlen(name),
					   .values = &val,
					   .nvalues = 1,
					   .line = 1};
		assert_int_equal(cstat_builder_add(b, &res), 0);
	}
	struct cstat_stats_opts o = {0.05, 0.95, NULL, 1};
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	cstat_builder_free(b);
	return t;
}

/* Judges base and new again, with the history h (freed here). */
static void
rejudge_with(struct run *run, cstat_tables *h)
{
	cstat_gate_free(run->g);
	assert_int_equal(cstat_gate_config_set_history(run->c, h, "h"), 0);
	cstat_tables_free(h);
	assert_int_equal(cstat_gate_new(&run->g, run->t, run->c, run->r, false),
			 0);
}

/*
 * The spread and the bound against a hand calculation.  Log run medians
 * 0, .01, -.01, .02, 0, -.02 have mean 0 and SD sqrt(.001 / 5) = .0141421;
 * with one tested comparison the bound is the 99.5% quantile of Student's
 * t with 5 df, 4.032143 (a t table), so the noise is
 * exp(4.032143 * sqrt 2 * .0141421) - 1 = exp(.0806429) - 1 = .0839838.
 * A seventh run at +.5 is more than 5 x 1.4826 x MAD (MAD .01) from the
 * median and is set aside: the same answer.
 */
static void
test_noise_spread(void **state)
{
	static const double x[] = {0, .01, -.01, .02, 0, -.02, .5};
	struct text a = {0}, b = {0};
	struct rng r = {11};
	struct run run;

	(void)state;
	gen(&a, &r, "Fast", 10, 100, 1, 0.001, "ns/op");
	gen(&b, &r, "Fast", 10, 100, 1, 0.001, "ns/op");
	judge(&run, &a, &b, NULL, false);
	const struct cstat_check *k = find(run.g, "Fast", "sec/op");
	assert_true(isnan(k->noise)); /* no history */
	assert_int_equal(k->noise_runs, 0);
	rejudge_with(&run, history_of("Fast", 100e-9, x, 6));
	k = find(run.g, "Fast", "sec/op");
	assert_close(k->noise_spread, 0.01414213562373095, 1e-9);
	assert_int_equal(k->noise_runs, 6);
	assert_close(k->noise, 0.0839838, 1e-5);
	rejudge_with(&run, history_of("Fast", 100e-9, x, 7));
	k = find(run.g, "Fast", "sec/op");
	assert_int_equal(k->noise_runs, 6);
	assert_close(k->noise, 0.0839838, 1e-5);
	/* Higher is better: the worse direction is down, 1 - exp(-.0806429)
	 * = .0774769. */
	cstat_gate_free(run.g);
	assert_int_equal(
		cstat_gate_config_set(run.c, "better", "sec/op=higher", NULL),
		0);
	assert_int_equal(cstat_gate_new(&run.g, run.t, run.c, run.r, false), 0);
	k = find(run.g, "Fast", "sec/op");
	assert_close(k->noise, 0.0774769, 1e-5);
	done(&run, &a, &b);
}

/* Fewer than 5 usable runs: no noise-aware threshold; and a benchmark the
 * history lacks has none either. */
static void
test_noise_too_few_runs(void **state)
{
	static const double x[] = {0, .01, -.01, .02};
	struct text a = {0}, b = {0};
	struct rng r = {12};
	struct run run;

	(void)state;
	gen(&a, &r, "Fast", 10, 100, 1, 0.001, "ns/op");
	gen(&b, &r, "Fast", 10, 100, 1.2, 0.001, "ns/op");
	gen(&a, &r, "Other", 10, 100, 1, 0.001, "ns/op");
	gen(&b, &r, "Other", 10, 100, 1, 0.001, "ns/op");
	judge(&run, &a, &b, NULL, false);
	rejudge_with(&run, history_of("Fast", 100e-9, x, 4));
	const struct cstat_check *k = find(run.g, "Fast", "sec/op");
	assert_true(isnan(k->noise));
	assert_true(isnan(k->noise_spread));
	assert_int_equal(k->noise_runs, 4);
	assert_int_equal(k->verdict, CSTAT_REGRESSION); /* the 5% decides */
	k = find(run.g, "Other", "sec/op");
	assert_true(isnan(k->noise));
	assert_int_equal(k->noise_runs, 0);
	done(&run, &a, &b);
}

/*
 * The decision uses max(threshold, noise): a +6.5% change regresses
 * against the 5% threshold alone, not against a noise of 8.4% (the
 * history of test_noise_spread); a +12% change regresses against both;
 * and a threshold of 10% still binds when the noise is smaller.
 */
static void
test_noise_decision(void **state)
{
	static const double x[] = {0, .01, -.01, .02, 0, -.02};
	struct text a = {0}, b = {0};
	struct rng r = {13};
	struct run run;

	(void)state;
	gen(&a, &r, "Mid", 10, 100, 1, 0.001, "ns/op");
	gen(&b, &r, "Mid", 10, 100, 1.065, 0.001, "ns/op");
	gen(&a, &r, "Big", 10, 100, 1, 0.001, "ns/op");
	gen(&b, &r, "Big", 10, 100, 1.12, 0.001, "ns/op");
	judge(&run, &a, &b, NULL, false);
	assert_int_equal(find(run.g, "Mid", "sec/op")->verdict,
			 CSTAT_REGRESSION);
	assert_int_equal(find(run.g, "Big", "sec/op")->verdict,
			 CSTAT_REGRESSION);

	/* Two histories in one set of tables: build them together. */
	cstat_builder *bld;
	cstat_tables *h;
	struct cstat_diag d;
	char labels[6][8];
	assert_int_equal(cstat_builder_new(&bld, NULL, &d), 0);
	for (size_t i = 0; i < 6; i++) {
		snprintf(labels[i], sizeof(labels[i]), "%zu", i + 1);
		for (int j = 0; j < 2; j++) {
			const char *name = j ? "Big" : "Mid";
			double v = 100e-9 * exp(x[i]);
			struct cstat_value val = {v, "sec/op", v, "sec/op"};
			struct cstat_result res = {.file = labels[i],
						   .name = name,
						   .name_len = 3,
						   .values = &val,
						   .nvalues = 1,
						   .line = 1};
			assert_int_equal(cstat_builder_add(bld, &res), 0);
		}
	}
	struct cstat_stats_opts o = {0.05, 0.95, NULL, 1};
	assert_int_equal(cstat_builder_build(bld, &o, &h), 0);
	cstat_builder_free(bld);
	rejudge_with(&run, h);
	const struct cstat_check *k = find(run.g, "Mid", "sec/op");
	/* Two tested comparisons: t at .0025 with 5 df is 4.773341, so the
	 * noise is exp(4.773341 * .02) - 1 = exp(.0954668) - 1 = .1001723. */
	assert_close(k->noise, 0.1001723, 1e-5);
	assert_int_equal(k->verdict, CSTAT_UNCHANGED);
	assert_true(k->change > 0.05 && k->change < k->noise);
	k = find(run.g, "Big", "sec/op");
	assert_int_equal(k->verdict, CSTAT_REGRESSION);
	assert_true(k->change > k->noise);
	/* The threshold binds when it is the larger. */
	cstat_gate_free(run.g);
	assert_int_equal(cstat_gate_config_set(run.c, "threshold", "15%", NULL),
			 0);
	assert_int_equal(cstat_gate_new(&run.g, run.t, run.c, run.r, false), 0);
	assert_int_equal(find(run.g, "Big", "sec/op")->verdict,
			 CSTAT_UNCHANGED);
	done(&run, &a, &b);
}

/* A level shift is not noise: the spread is taken over the runs since the
 * last change point (a 10% step after run 10 of 20, found by the history's
 * change-point search). */
static void
test_noise_since_change(void **state)
{
	double x[20];
	struct text a = {0}, b = {0};
	struct rng r = {14};
	struct run run;

	(void)state;
	for (size_t i = 0; i < 20; i++)
		x[i] = (i >= 10 ? 0.0953 : 0) + 0.002 * normal(&r);
	gen(&a, &r, "Step", 10, 110, 1, 0.001, "ns/op");
	gen(&b, &r, "Step", 10, 110, 1, 0.001, "ns/op");
	judge(&run, &a, &b, NULL, false);
	rejudge_with(&run, history_of("Step", 100e-9, x, 20));
	const struct cstat_check *k = find(run.g, "Step", "sec/op");
	assert_int_equal(k->noise_runs, 10);
	assert_true(k->noise_spread < 0.005); /* not the step's 4.8% */
	/* Removing the history removes the noise. */
	cstat_gate_free(run.g);
	assert_int_equal(cstat_gate_config_set_history(run.c, NULL, NULL), 0);
	assert_int_equal(cstat_gate_new(&run.g, run.t, run.c, run.r, false), 0);
	assert_true(isnan(find(run.g, "Step", "sec/op")->noise));
	assert_int_equal(cstat_gate_config_set_history(NULL, NULL, NULL),
			 CSTAT_EINVAL);
	done(&run, &a, &b);
}

/*
 * A check's config is kept by reference (its table) and written when asked
 * for: seed 18, 6 keys set, padded, emptied or changed at random before
 * each of 120 results.  Every check's text from cstat_gate_get() is the
 * table's key written out, the same pointer each time and for every check
 * of a table; two checks have the same config exactly when those texts
 * are equal, values that differ only in their padding included.
 */
static void
test_config_by_reference(void **state)
{
	(void)state;
	static const char *const values[] = {"a", "a  ", "b", "", "c"};
	struct text a = {0}, b = {0};
	struct run run;
	struct rng r = {18};
	char *texts[2 * 120];

	for (size_t i = 0; i < 120; i++) {
		for (int e = (int)(uniform(&r) * 3); e >= 0; e--) {
			size_t key = (size_t)(uniform(&r) * 6);
			const char *v = values[(size_t)(uniform(&r) * 5)];
			addf(&a, "k%zu: %s\n", key, v);
			addf(&b, "k%zu: %s\n", key, v);
		}
		gen(&a, &r, "X-8", 3, 100, 1, 0.01, "ns/op");
		gen(&b, &r, "X-8", 3, 100, 1.5, 0.01, "ns/op");
	}
	judge(&run, &a, &b, NULL, false);
	size_t n = cstat_gate_count(run.g), same = 0;
	assert_true(n > 20 && n <= 2 * 120);
	for (size_t i = 0; i < n; i++) {
		const struct cstat_check *k = cstat_gate_get(run.g, i);
		texts[i] = cstat__gate_table_config(run.t, k->table, NULL);
		assert_non_null(texts[i]);
		assert_string_equal(k->config, texts[i]);
		assert_ptr_equal(cstat_gate_get(run.g, i)->config, k->config);
		if (i && k->table == cstat_gate_get(run.g, i - 1)->table)
			assert_ptr_equal(k->config,
					 cstat_gate_get(run.g, i - 1)->config);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			bool want = strcmp(texts[i], texts[j]) == 0;
			same += want && i != j;
			assert_int_equal(cstat__gate_same_config(
						 run.g,
						 cstat_gate_get(run.g, i),
						 cstat_gate_get(run.g, j)),
					 want);
		}
	/* Configs written the same from different tables: padded values. */
	assert_true(same > 0);
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
	done(&run, &a, &b);
}

/* A report shows configs only when their texts differ: two tables whose
 * cpu values differ in padding alone show none. */
static void
test_config_shown_by_text(void **state)
{
	(void)state;
	for (int differ = 0; differ < 2; differ++) {
		struct text a = {0}, b = {0};
		struct run run;
		struct rng r = {19};
		char *out;
		size_t len;

		for (int i = 0; i < 2; i++) {
			const char *cpu = i ? (differ ? "y" : "x  ") : "x";
			addf(&a, "cpu: %s\n", cpu);
			addf(&b, "cpu: %s\n", cpu);
			gen(&a, &r, "X-8", 10, 100, 1, 0.01, "ns/op");
			gen(&b, &r, "X-8", 10, 100, 1.5, 0.01, "ns/op");
		}
		judge(&run, &a, &b, NULL, false);
		assert_int_equal(cstat_gate_count(run.g), 2);
		FILE *f = open_memstream(&out, &len);
		assert_int_equal(
			cstat_gate_write(run.g, CSTAT_REPORT_TEXT, false, f),
			0);
		fclose(f);
		assert_int_equal(strstr(out, "X-8 [cpu:x]") != NULL, differ);
		assert_int_equal(strstr(out, "X-8 [cpu:y]") != NULL, differ);
		free(out);
		done(&run, &a, &b);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_planted_regression),
		cmocka_unit_test(test_small_change_under_threshold),
		cmocka_unit_test(test_throughput_direction),
		cmocka_unit_test(test_unit_metadata_direction),
		cmocka_unit_test(test_inconclusive),
		cmocka_unit_test(test_aa_500),
		cmocka_unit_test(test_hodges_lehmann),
		cmocka_unit_test(test_hodges_lehmann_brute),
		cmocka_unit_test(test_hodges_lehmann_wide),
		cmocka_unit_test(test_two_threads),
		cmocka_unit_test(test_checks_cover_tables),
		cmocka_unit_test(test_two_threads_text),
		cmocka_unit_test(test_verdicts_only),
		cmocka_unit_test(test_corrections),
		cmocka_unit_test(test_exact_units),
		cmocka_unit_test(test_rules_and_ignore),
		cmocka_unit_test(test_globs_and_closest),
		cmocka_unit_test(test_detectable),
		cmocka_unit_test(test_log_interval_brute),
		cmocka_unit_test(test_additive_fallback),
		cmocka_unit_test(test_threshold_on_interval),
		cmocka_unit_test(test_detectable_power),
		cmocka_unit_test(test_noise_spread),
		cmocka_unit_test(test_noise_too_few_runs),
		cmocka_unit_test(test_noise_decision),
		cmocka_unit_test(test_noise_since_change),
		cmocka_unit_test(test_config_by_reference),
		cmocka_unit_test(test_config_shown_by_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
