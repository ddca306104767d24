/*
 * test-diagnose.c - the data-quality diagnostics on samples with a known
 * answer: the Mann-Kendall p-values by hand, planted warm-up, late change,
 * two modes, outliers, noise and too few values, a real warm-up from a
 * public project's results, the report's three formats, the builder's
 * screens of cells without a finding and without a strong one, and the
 * refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "diagnose.h"
#include "diagutil.h"
#include "stats.h"
#include "testutil.h"

/* n = 5 rising: S = 10, the most of 5! = 120 orders; two-sided 2/120. */
static void
test_diagnose_mk_exact(void **state)
{
	double x[] = {1, 2, 3, 4, 5};
	struct cstat_diagnosis g = {0};

	(void)state;
	assert_int_equal(du_diagnose(x, 5, NULL, 0, NULL, &g, NULL), 0);
	assert_true(g.trend_exact);
	assert_close(g.trend_s, 10, 1e-12);
	assert_close(g.trend_p, 2.0 / 120, 1e-12);
	/* At level 0.01 it is no finding; at 0.02 it is. */
	assert_false(g.findings & CSTAT_DIAG_TREND);
	struct cstat_diagnose_opts o = {0, 0, 0.02};
	assert_int_equal(du_diagnose(x, 5, NULL, 0, &o, &g, NULL), 0);
	assert_true(g.findings & CSTAT_DIAG_TREND);
	assert_int_equal(g.trend_dir, 1);
}

/*
 * n = 12 rising with one tie (2, 2): S = 66 - 1 = 65; var = (12*11*29 -
 * 2*1*9) / 18 = 211.67; z = (65 - 1) / sqrt(var) = 4.399; p = erfc(z /
 * sqrt 2) = 1.09e-5 (by hand).
 */
static void
test_diagnose_mk_ties(void **state)
{
	double x[] = {1, 2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
	struct cstat_diagnosis g = {0};

	(void)state;
	assert_int_equal(du_diagnose(x, 12, NULL, 0, NULL, &g, NULL), 0);
	assert_false(g.trend_exact);
	assert_close(g.trend_s, 65, 1e-12);
	double z = 64 / sqrt((12.0 * 11 * 29 - 18) / 18);
	assert_close(g.trend_p, erfc(z / sqrt(2)), 1e-9);
	assert_true(g.strong & CSTAT_DIAG_TREND);
	assert_int_equal(g.trend_from, 1);
	assert_int_equal(g.trend_to, 12);
}

/* Six slow runs, then fourteen around 100: values fall over the first 6
 * (Mann-Kendall sees a trend, not a short step: four runs of 16 are not
 * enough at level 0.01). */
static void
test_diagnose_warmup(void **state)
{
	double x[20];
	uint64_t s = 1;
	struct cstat_diagnosis g = {0};
	char buf[256];

	(void)state;
	for (size_t i = 0; i < 20; i++)
		x[i] = 100 + 0.3 * du_norm(&s) +
		       (i < 6 ? 12 - 2.0 * (double)i : 0);
	assert_int_equal(du_diagnose(x, 20, NULL, 0, NULL, &g, NULL), 0);
	assert_true(g.findings & CSTAT_DIAG_TREND);
	assert_int_equal(g.trend_dir, -1);
	assert_int_equal(g.trend_from, 1);
	assert_int_equal(g.trend_to, 6);
	cstat_diagnosis_text(&g, CSTAT_DIAG_TREND, buf, sizeof(buf));
	assert_non_null(strstr(buf, "values fall over the first 6 runs"));
	assert_non_null(strstr(buf, "add -benchtime or discard warm-up runs"));
}

/* Twelve runs around 100, then eight slower: throttling from run 13 on. */
/*
 * The step test: 3 slow runs, then 7 runs that rise a little, so that
 * Mann-Kendall's S is -3 (p far above 0.01) while the step is plain: at
 * k = 3, t = (104.167 - 100.0) / (0.2160 * sqrt(1/3 + 1/7)) = 27.9 on 6
 * degrees of freedom (worked by hand), p far below 1e-5 even times 5.
 * A lone outlier in run 3 is no step: runs 1 and 2 are not beyond the
 * rest's mean.
 */
static void
test_diagnose_step(void **state)
{
	const double x[] = {105,  104,	 103.5, 99.7,  99.8,
			    99.9, 100.0, 100.1, 100.2, 100.3};
	const double y[] = {99.7,  99.9,  110,	100.2, 99.8,
			    100.1, 100.0, 99.9, 100.3, 100.1};
	struct cstat_diagnosis g;
	char buf[256];

	(void)state;
	assert_int_equal(du_diagnose(x, 10, NULL, 0, NULL, &g, NULL), 0);
	assert_true(g.trend_s == -3 && g.trend_p > 0.01);
	assert_int_equal(g.step_k, 3);
	assert_true(g.step_p < 1e-5);
	assert_true(g.trend_by_step);
	assert_true(g.findings & CSTAT_DIAG_TREND);
	assert_true(g.strong & CSTAT_DIAG_TREND);
	assert_int_equal(g.trend_dir, -1);
	assert_int_equal(g.trend_from, 1);
	assert_int_equal(g.trend_to, 3);
	cstat_diagnosis_text(&g, CSTAT_DIAG_TREND, buf, sizeof(buf));
	assert_non_null(strstr(buf, "values fall over the first 3 runs (step "
				    "test p="));
	assert_int_equal(du_diagnose(y, 10, NULL, 0, NULL, &g, NULL), 0);
	assert_false(g.trend_by_step);
	assert_false(g.findings & CSTAT_DIAG_TREND);
	assert_true(g.findings & CSTAT_DIAG_OUTLIERS);
	/* Fewer than 6 values: no step test. */
	assert_int_equal(du_diagnose(x, 5, NULL, 0, NULL, &g, NULL), 0);
	assert_true(g.step_p == 1 && g.step_k == 0);
}

static void
test_diagnose_late(void **state)
{
	double x[20];
	uint64_t s = 2;
	struct cstat_diagnosis g = {0};
	char buf[256];

	(void)state;
	for (size_t i = 0; i < 20; i++)
		x[i] = 100 + 0.3 * du_norm(&s) + (i >= 12 ? 5 : 0);
	assert_int_equal(du_diagnose(x, 20, NULL, 0, NULL, &g, NULL), 0);
	assert_true(g.findings & CSTAT_DIAG_TREND);
	assert_int_equal(g.trend_dir, 1);
	assert_int_equal(g.trend_from, 13);
	cstat_diagnosis_text(&g, CSTAT_DIAG_TREND, buf, sizeof(buf));
	assert_non_null(strstr(buf, "values rise from run 13 on"));
}

/* Ten runs alternating between 100 and 110 (+-0.2): 5 below the gap. */
static void
test_diagnose_modes(void **state)
{
	double x[10];
	uint64_t s = 3;
	struct cstat_diagnosis g = {0};

	(void)state;
	for (size_t i = 0; i < 10; i++)
		x[i] = (i % 2 ? 110 : 100) + 0.2 * du_norm(&s);
	assert_int_equal(du_diagnose(x, 10, NULL, 0, NULL, &g, NULL), 0);
	assert_true(g.strong & CSTAT_DIAG_MODES);
	assert_int_equal(g.gap_low, 5);
	assert_false(g.findings & CSTAT_DIAG_TREND);
}

/* Run 7 at 150 among values 100..104.5: one far outlier in run 7. */
static void
test_diagnose_outlier(void **state)
{
	double x[10];
	struct cstat_diagnosis g = {0};
	char buf[256];

	(void)state;
	for (size_t i = 0; i < 10; i++)
		x[i] = 100 + 0.5 * (double)((i * 7) % 10);
	x[6] = 150;
	assert_int_equal(du_diagnose(x, 10, NULL, 0, NULL, &g, NULL), 0);
	assert_int_equal(g.noutliers, 1);
	assert_int_equal(g.nfar, 1);
	assert_int_equal(g.outlier_runs[0], 7);
	assert_true(g.strong & CSTAT_DIAG_OUTLIERS);
	cstat_diagnosis_text(&g, CSTAT_DIAG_OUTLIERS, buf, sizeof(buf));
	assert_non_null(strstr(buf, "run 7:"));
}

/*
 * CV 10% at n = 10 hides a 5% change.  The count: n = 2 ((z_0.975 +
 * z_0.8) sqrt(pi/3) cv / threshold)^2 = 2 (2.8016 * 1.0233 * 2)^2 = 65.7
 * (z from tables: 1.95996, 0.84162), so 66, with the sample's own cv.
 */
static void
test_diagnose_noisy(void **state)
{
	double x[10];
	uint64_t s = 4;
	struct cstat_diagnosis g = {0};

	(void)state;
	for (size_t i = 0; i < 10; i++)
		x[i] = 100 * (1 + 0.1 * du_norm(&s));
	assert_int_equal(du_diagnose(x, 10, NULL, 0, NULL, &g, NULL), 0);
	assert_true(g.findings & CSTAT_DIAG_NOISY);
	double k = (1.959964 + 0.841621) * sqrt(3.141592653589793 / 3) * g.cv;
	assert_close(g.detectable, k * sqrt(0.2), 1e-5);
	assert_int_equal(g.count_needed,
			 (size_t)ceil(2 * (k / 0.05) * (k / 0.05)));
}

/* 3 against 3: the U test's least p is 2 / C(6, 3) = 0.1 > 0.05; 4
 * against 4: 2 / 70 = 0.029, as benchstat's uTestMinP. */
static void
test_diagnose_few(void **state)
{
	double x[] = {1, 2, 3, 4}, y[] = {5, 6, 7, 8};
	struct cstat_diagnosis g, h;
	char buf[256];

	(void)state;
	assert_int_equal(du_diagnose(x, 3, y, 3, NULL, &g, &h), 0);
	assert_true(isnan(g.min_p));
	assert_close(h.min_p, 0.1, 1e-12);
	assert_true(h.strong & CSTAT_DIAG_FEW);
	cstat_diagnosis_text(&h, CSTAT_DIAG_FEW, buf, sizeof(buf));
	char want[64];
	snprintf(want, sizeof(want), "at least %d a side",
		 cstat__utest_samples(0.05));
	assert_non_null(strstr(buf, want));
	assert_int_equal(du_diagnose(x, 4, y, 4, NULL, &g, &h), 0);
	assert_close(h.min_p, 2.0 / 70, 1e-12);
	assert_false(h.findings & CSTAT_DIAG_FEW);
}

/* Reads path into a diagnose object and runs it. */
static cstat_diagnose *
diagnose_file(const char *path)
{
	cstat_diagnose *dg = NULL;
	cstat_reader *r = NULL;
	const struct cstat_result *res;
	struct cstat_diag d;
	int k;

	assert_int_equal(cstat_diagnose_new(NULL, &dg), 0);
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open(r, path, "base", &d), 0);
	while ((k = cstat_reader_next(r, &res, &d)) != 0)
		if (k == 1)
			assert_int_equal(cstat_diagnose_add(dg, res), 0);
	cstat_reader_free(r);
	assert_int_equal(cstat_diagnose_run(dg), 0);
	return dg;
}

/*
 * stuckj/mkvdup's CI baseline (testdata/diagnose/README.md): the first
 * four runs of Parser_Parse_Small-4 take 126.6-127.2 us, the last six
 * 123.3-126.4 us.
 */
static void
test_diagnose_realworld(void **state)
{
	cstat_diagnose *dg =
		diagnose_file(TESTDATA "/diagnose/mkvdup_baseline.txt");
	const struct cstat_diagnosis *g = NULL;

	(void)state;
	for (size_t i = 0; i < cstat_diagnose_count(dg); i++) {
		const struct cstat_diagnosis *c = cstat_diagnose_get(dg, i);
		if (strcmp(c->name, "Parser_Parse_Small-4") == 0 &&
		    strcmp(c->unit, "sec/op") == 0)
			g = c;
	}
	assert_non_null(g);
	assert_int_equal(g->n, 10);
	assert_true(g->findings & CSTAT_DIAG_TREND);
	assert_int_equal(g->trend_dir, -1);
	assert_int_equal(g->trend_to, 4);
	assert_true(g->trend_p < 0.01);
	cstat_diagnose_free(dg);
}

/* The same file through a builder that checks its cells as it builds
 * (cstat_builder_diagnose()), on threads build threads. */
static cstat_diagnose *
diagnose_built(const char *path, unsigned threads, bool strong)
{
	cstat_diagnose *dg = NULL;
	cstat_builder *b = NULL;
	cstat_tables *t = NULL;
	cstat_reader *r = NULL;
	const struct cstat_result *res;
	struct cstat_diag d;
	int k;

	assert_int_equal(cstat_diagnose_new(NULL, &dg), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	if (strong)
		assert_int_equal(cstat_builder_diagnose_strong(b, dg), 0);
	else
		assert_int_equal(cstat_builder_diagnose(b, dg), 0);
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open(r, path, "base", &d), 0);
	while ((k = cstat_reader_next(r, &res, &d)) != 0)
		if (k == 1)
			assert_int_equal(cstat_builder_add(b, res), 0);
	struct cstat_stats_opts o;
	cstat_stats_opts_default(&o);
	o.units = r;
	o.threads = threads;
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	assert_int_equal(cstat_builder_diagnose(b, dg), CSTAT_ESTATE);
	assert_int_equal(cstat_builder_diagnose_strong(b, dg), CSTAT_ESTATE);
	cstat_builder_free(b);
	cstat_tables_free(t);
	cstat_reader_free(r);
	assert_int_equal(cstat_diagnose_run(dg), 0);
	return dg;
}

/*
 * The builder's checks find what reading the file again finds: every cell
 * with a finding (too few values aside, which only the reading path
 * checks), with the same statistics, and the same list on one build thread
 * as on two (the threads keep them in any order; the report's is by
 * table, row and column).
 */
static void
test_diagnose_builder(void **state)
{
	const char *path = TESTDATA "/diagnose/mkvdup_baseline.txt";
	cstat_diagnose *ref = diagnose_file(path);
	cstat_diagnose *one = diagnose_built(path, 1, false);
	cstat_diagnose *two = diagnose_built(path, 2, false);
	size_t want = 0;

	(void)state;
	for (size_t i = 0; i < cstat_diagnose_count(ref); i++) {
		const struct cstat_diagnosis *g = cstat_diagnose_get(ref, i);
		if (!(g->findings & ~(unsigned)CSTAT_DIAG_FEW))
			continue;
		want++;
		const struct cstat_diagnosis *h = NULL;
		for (size_t j = 0; j < cstat_diagnose_count(one); j++) {
			const struct cstat_diagnosis *c =
				cstat_diagnose_get(one, j);
			if (strcmp(c->name, g->name) == 0 &&
			    strcmp(c->unit, g->unit) == 0)
				h = c;
		}
		assert_non_null(h);
		assert_string_equal(h->input, "base");
		assert_int_equal(h->n, g->n);
		assert_int_equal(h->findings, g->findings);
		assert_int_equal(h->strong, g->strong);
		assert_true(h->trend_p == g->trend_p);
		assert_true(h->gap_ratio == g->gap_ratio);
		assert_int_equal(h->noutliers, g->noutliers);
		assert_true(h->median == g->median);
	}
	assert_true(want > 0);
	assert_int_equal(cstat_diagnose_count(one), want);
	assert_int_equal(cstat_diagnose_count(two), want);
	for (size_t j = 0; j < want; j++) {
		const struct cstat_diagnosis *a = cstat_diagnose_get(one, j);
		const struct cstat_diagnosis *b = cstat_diagnose_get(two, j);
		assert_string_equal(a->name, b->name);
		assert_string_equal(a->unit, b->unit);
		assert_int_equal(a->findings, b->findings);
	}
	/* A fed diagnose takes no results of its own. */
	struct cstat_result res = {0};
	res.file = "x";
	res.name = "y";
	assert_int_equal(cstat_diagnose_add(one, &res), CSTAT_ESTATE);
	cstat_diagnose_free(ref);
	cstat_diagnose_free(one);
	cstat_diagnose_free(two);
}

/*
 * A builder fed for strong findings (cstat_builder_diagnose_strong())
 * keeps exactly the cells whose full checks find a strong one, in the
 * same order as one that keeps every finding, each with the same
 * diagnosis bit for bit (labels aside), on one build thread or two.
 */
static void
test_diagnose_builder_strong(void **state)
{
	const char *path = TESTDATA "/diagnose/mkvdup_baseline.txt";
	cstat_diagnose *all = diagnose_built(path, 1, false);
	size_t want = 0;

	(void)state;
	for (size_t i = 0; i < cstat_diagnose_count(all); i++)
		want += cstat_diagnose_get(all, i)->strong != 0;
	assert_true(want > 0 && want < cstat_diagnose_count(all));
	for (unsigned threads = 1; threads <= 2; threads++) {
		cstat_diagnose *st = diagnose_built(path, threads, true);
		size_t j = 0;
		assert_int_equal(cstat_diagnose_count(st), want);
		for (size_t i = 0; i < cstat_diagnose_count(all); i++) {
			const struct cstat_diagnosis *g =
				cstat_diagnose_get(all, i);
			if (!g->strong)
				continue;
			struct cstat_diagnosis a = *g,
					       b = *cstat_diagnose_get(st, j++);
			assert_string_equal(a.name, b.name);
			assert_string_equal(a.unit, b.unit);
			assert_string_equal(a.input, b.input);
			a.input = a.name = a.unit = NULL;
			b.input = b.name = b.unit = NULL;
			assert_memory_equal(&a, &b, sizeof(a));
		}
		cstat_diagnose_free(st);
	}
	cstat_diagnose_free(all);
}

/* One random cell for test_diagnose_screen(): n values of a normal
 * spread, or with a planted warm-up, drift, second mode, outlier, ties,
 * small integers or one repeated value. */
static size_t
screen_cell(uint64_t *rng, double *v)
{
	size_t n = 2 + du_next(rng) % 40;
	int kind = (int)(du_next(rng) % 8);
	double mu = pow(10, du_unif(rng) * 12 - 3);
	double cv = pow(10, du_unif(rng) * 2.5 - 3.5);

	for (size_t i = 0; i < n; i++) {
		double x = mu * (1 + cv * du_norm(rng));
		if (kind == 1 && i < 1 + du_next(rng) % 3)
			x *= 1.1;
		if (kind == 2)
			x *= 1 + 0.003 * (double)i;
		if (kind == 3 && du_next(rng) % 2)
			x *= 1.05;
		if (kind == 4 && du_next(rng) % 8 == 0)
			x *= 1.5;
		if (kind == 5)
			x = round(x / mu * 20) * mu / 20;
		if (kind == 6)
			x = (double)(du_next(rng) % 3);
		v[i] = kind == 7 ? mu : x;
	}
	return n;
}

/* A fed diagnose screens out cells that cannot have a finding without
 * computing their p-values: on 20,000 random cells (seed 16, n 2 to 41,
 * eight shapes), it must find exactly what the full checks find, and a
 * cell with a finding must come back bit for bit the same; the full
 * checks' Mann-Kendall S must be the definition's. */
static void
test_diagnose_screen(void **state)
{
	cstat_diagnose *full = NULL, *fed = NULL;
	uint64_t rng = 16;
	size_t with = 0, without = 0;
	double v[64];

	(void)state;
	assert_int_equal(cstat_diagnose_new(NULL, &full), 0);
	assert_int_equal(cstat_diagnose_new(NULL, &fed), 0);
	assert_int_equal(cstat__diagnose_feed(fed, false), 0);
	for (int c = 0; c < 20000; c++) {
		size_t n = screen_cell(&rng, v);
		struct cstat_diagnosis g, h;
		memset(&g, 0, sizeof(g));
		memset(&h, 0, sizeof(h));
		assert_int_equal(cstat__diagnose_values(full, v, n, &g), 0);
		assert_int_equal(cstat__diagnose_values(fed, v, n, &h), 0);
		/* Mann-Kendall's S (summed two pairs at a time) against the
		 * definition, pair by pair. */
		if (n >= 4) {
			long s = 0;
			for (size_t i = 0; i < n; i++)
				for (size_t j = i + 1; j < n; j++)
					s += (v[j] > v[i]) - (v[j] < v[i]);
			assert_true(g.trend_s == (double)s);
		}
		assert_int_equal(h.findings, g.findings);
		assert_int_equal(h.strong, g.strong);
		if (g.findings)
			assert_memory_equal(&h, &g, sizeof(g));
		with += g.findings != 0;
		without += g.findings == 0;
	}
	/* Both kinds of cell, in numbers. */
	assert_true(with > 2000 && without > 2000);
	cstat_diagnose_free(full);
	cstat_diagnose_free(fed);
}

/* One random cell for test_diagnose_screen_strong(): n values of a
 * normal spread with a planted warm-up, step, drift, second mode, far
 * outlier or noise of a size drawn on a log scale, so that the cells
 * fall on both sides of each strong finding's bound; or one repeated
 * value, an integer or not. */
static size_t
strong_cell(uint64_t *rng, double *v)
{
	size_t n = 2 + du_next(rng) % 40;
	int kind = (int)(du_next(rng) % 7);
	double mu = pow(10, du_unif(rng) * 12 - 3);
	double cv = pow(10, du_unif(rng) * 3 - 3.5);
	double size = pow(10, du_unif(rng) * 2 - 0.5); /* in cv's units */
	size_t k = 1 + du_next(rng) % (n / 2 + 1);

	for (size_t i = 0; i < n; i++) {
		double z = du_norm(rng);
		if (kind == 0 && i < k)
			z += size * 3;
		if (kind == 1)
			z += size * 0.2 * (double)i;
		if (kind == 2 && du_next(rng) % 2)
			z += size * 4;
		if (kind == 3 && du_next(rng) % 10 == 0)
			z += size * 8;
		if (kind == 4)
			z *= size * 4;
		v[i] = mu * (1 + cv * z);
		if (kind == 5)
			v[i] = mu;
		if (kind == 6)
			v[i] = floor(mu);
	}
	return n;
}

/* A diagnose fed for strong findings (cstat_builder_diagnose_strong())
 * screens out every cell that cannot have one: on 40,000 random cells
 * (seed 18, n 2 to 41), it must give the full checks' strong findings,
 * keep exactly the cells with one, and give each of them bit for bit
 * the full checks' diagnosis. */
static void
test_diagnose_screen_strong(void **state)
{
	cstat_diagnose *full = NULL, *fed = NULL;
	uint64_t rng = 18;
	size_t kept = 0, weak = 0, by[4] = {0};
	double v[64];

	(void)state;
	assert_int_equal(cstat_diagnose_new(NULL, &full), 0);
	assert_int_equal(cstat_diagnose_new(NULL, &fed), 0);
	assert_int_equal(cstat__diagnose_feed(fed, true), 0);
	for (int c = 0; c < 40000; c++) {
		size_t n = strong_cell(&rng, v);
		struct cstat_diagnosis g, h;
		memset(&g, 0, sizeof(g));
		memset(&h, 0, sizeof(h));
		assert_int_equal(cstat__diagnose_values(full, v, n, &g), 0);
		assert_int_equal(cstat__diagnose_values(fed, v, n, &h), 0);
		assert_int_equal(cstat__diagnose_keeps(fed, &h), g.strong != 0);
		if (g.strong)
			assert_memory_equal(&h, &g, sizeof(g));
		kept += g.strong != 0;
		weak += g.findings && !g.strong;
		for (int b = 0; b < 4; b++)
			by[b] += (g.strong >> b) & 1;
	}
	/* Cells with a strong finding of each kind, and many more with
	 * only weaker ones, which the screen must leave out. */
	for (int b = 0; b < 4; b++)
		assert_true(by[b] > 200);
	assert_true(kept > 2000 && weak > 2000);
	cstat_diagnose_free(full);
	cstat_diagnose_free(fed);
}

/*
 * The screen's step t from sums is step_stat()'s to within 1e-5 of |t| + 1
 * (the screen's margin is 1%) wherever it does not decline, on 30,000 random
 * cells (seed 19, n 6 to 65, every k): normal values around 1e-3 to 1e9
 * with a spread of 1e-13 to 10% of them, first runs moved by up to 1e8
 * spreads, a constant rest, or a rest on two levels far apart for its
 * spread (where sums about the middle value lose the spread, and must
 * decline).
 */
static void
test_diagnose_step_sums(void **state)
{
	uint64_t rng = 19;
	size_t used = 0, declined = 0;
	double v[65];

	(void)state;
	for (int c = 0; c < 30000; c++) {
		size_t n = 6 + du_next(&rng) % 60,
		       k0 = 1 + du_next(&rng) % (n / 2);
		int kind = (int)(du_next(&rng) % 4);
		double mu = pow(10, du_unif(&rng) * 12 - 3);
		double cv = pow(10, du_unif(&rng) * 12 - 13);
		double jump = pow(10, du_unif(&rng) * 8);
		for (size_t i = 0; i < n; i++) {
			double z = kind == 1 && i >= k0 ? 0 : du_norm(&rng);
			if (i < k0)
				z += jump;
			if (kind == 2 && i >= k0 && i % 2)
				z += jump;
			v[i] = mu * (1 + cv * z);
		}
		for (size_t k = 1; k <= n / 2; k++) {
			double f = cstat__diagnose_step_t(v, n, k, true);
			double t = cstat__diagnose_step_t(v, n, k, false);
			if (isnan(f)) {
				declined++;
				continue;
			}
			used++;
			if (!isnan(t))
				assert_true(fabs(f - t) <=
					    1e-5 * (fabs(t) + 1));
		}
	}
	assert_true(used > 100000 && declined > 10000);
}

/*
 * A fed diagnose keeps its cells in table, row, column order whether it
 * made room for them first (cstat__diagnose_expect(), as a build does)
 * or grew as it kept them: 40 cells kept in reverse order, with room made
 * for 40, for 3 (it grows past the room) and for none, come back the same
 * 40, in order, each with its labels and its diagnosis.
 */
static void
test_diagnose_expect(void **state)
{
	const size_t expect[] = {40, 3, 0};

	(void)state;
	for (size_t e = 0; e < sizeof(expect) / sizeof(*expect); e++) {
		cstat_diagnose *dg = NULL;
		assert_int_equal(cstat_diagnose_new(NULL, &dg), 0);
		assert_int_equal(cstat__diagnose_feed(dg, false), 0);
		assert_int_equal(cstat__diagnose_expect(dg, expect[e]), 0);
		for (size_t i = 40; i-- > 0;) {
			struct cstat_diagnosis g;
			char name[32];
			memset(&g, 0, sizeof(g));
			g.n = i + 1;
			g.findings = CSTAT_DIAG_OUTLIERS;
			snprintf(name, sizeof(name), "Bench%zu", i);
			assert_int_equal(cstat__diagnose_keep(
						 dg, &g, "new", name, "sec/op",
						 i / 10, i % 10, 1),
					 0);
		}
		/* Once cells are kept, it makes no more room. */
		assert_int_equal(cstat__diagnose_expect(dg, 1000), 0);
		assert_int_equal(cstat_diagnose_run(dg), 0);
		assert_int_equal(cstat_diagnose_count(dg), 40);
		for (size_t i = 0; i < 40; i++) {
			const struct cstat_diagnosis *d =
				cstat_diagnose_get(dg, i);
			char name[32];
			snprintf(name, sizeof(name), "Bench%zu", i);
			assert_non_null(d);
			assert_int_equal(d->n, i + 1);
			assert_int_equal(d->findings, CSTAT_DIAG_OUTLIERS);
			assert_string_equal(d->name, name);
			assert_string_equal(d->input, "new");
			assert_string_equal(d->unit, "sec/op");
		}
		cstat_diagnose_free(dg);
	}
}

/* The report in every format. */
static void
test_diagnose_write(void **state)
{
	cstat_diagnose *dg =
		diagnose_file(TESTDATA "/diagnose/mkvdup_baseline.txt");
	char *buf = NULL;
	size_t len = 0;

	(void)state;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(cstat_diagnose_write(dg, CSTAT_FORMAT_TEXT, true, f),
			 0);
	assert_int_equal(
		cstat_diagnose_write(dg, CSTAT_FORMAT_MARKDOWN, true, f), 0);
	assert_int_equal(cstat_diagnose_write(dg, CSTAT_FORMAT_JSON, false, f),
			 0);
	assert_int_equal(cstat_diagnose_write(dg, CSTAT_FORMAT_CSV, true, f),
			 0);
	assert_int_equal(cstat_diagnose_write(dg, CSTAT_FORMAT_HTML, true, f),
			 0);
	assert_int_equal(
		cstat_diagnose_write(dg, (enum cstat_format)99, true, f),
		CSTAT_EINVAL);
	fclose(f);
	/* CSV: the header, then every cell; HTML: every finding (the
	 * warm-up's p = 0.0022 is not strong: not in bold). */
	assert_non_null(strstr(buf, "\ninput,name,unit,n,median,cv,"));
	assert_non_null(strstr(buf, "\nbase,Parser_Parse_Small-4,sec/op,10,"));
	assert_non_null(strstr(buf, "<td>Parser_Parse_Small-4</td><td>sec/op"
				    "</td><td>10</td><td>trend</td><td>values "
				    "fall"));
	assert_non_null(strstr(buf,
			       "base  Parser_Parse_Small-4  sec/op  n=10\n"
			       "  trend: values fall over the first 4 runs"));
	assert_non_null(strstr(buf, "| base | Parser\\_Parse\\_Small-4 |"));
	assert_non_null(strstr(buf, "{\"schema\":\"cstat-diagnose/1\""));
	free(buf);
	cstat_diagnose_free(dg);
}

static void
test_diagnose_refusals(void **state)
{
	cstat_diagnose *dg = NULL;
	struct cstat_diagnose_opts bad = {1, 0, 0};
	double x[] = {1};

	(void)state;
	assert_int_equal(cstat_diagnose_new(&bad, &dg), CSTAT_EINVAL);
	assert_null(dg);
	assert_int_equal(cstat_diagnose_new(NULL, NULL), CSTAT_EINVAL);
	assert_int_equal(cstat_diagnose_new(NULL, &dg), 0);
	assert_int_equal(cstat_diagnose_add(dg, NULL), CSTAT_EINVAL);
	assert_int_equal(du_add(dg, "a", x, 1), 0);
	assert_null(cstat_diagnose_get(dg, 0));
	assert_int_equal(
		cstat_diagnose_write(dg, CSTAT_FORMAT_TEXT, true, stdout),
		CSTAT_ESTATE);
	assert_int_equal(cstat_diagnose_run(dg), 0);
	assert_int_equal(cstat_diagnose_run(dg), CSTAT_ESTATE);
	assert_int_equal(du_add(dg, "a", x, 1), CSTAT_ESTATE);
	assert_int_equal(cstat_diagnose_get(dg, 0)->n, 1);
	assert_true(isnan(cstat_diagnose_get(dg, 0)->cv));
	cstat_diagnose_free(dg);
	cstat_diagnose_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diagnose_mk_exact),
		cmocka_unit_test(test_diagnose_mk_ties),
		cmocka_unit_test(test_diagnose_warmup),
		cmocka_unit_test(test_diagnose_step),
		cmocka_unit_test(test_diagnose_late),
		cmocka_unit_test(test_diagnose_modes),
		cmocka_unit_test(test_diagnose_outlier),
		cmocka_unit_test(test_diagnose_noisy),
		cmocka_unit_test(test_diagnose_few),
		cmocka_unit_test(test_diagnose_realworld),
		cmocka_unit_test(test_diagnose_builder),
		cmocka_unit_test(test_diagnose_builder_strong),
		cmocka_unit_test(test_diagnose_screen),
		cmocka_unit_test(test_diagnose_screen_strong),
		cmocka_unit_test(test_diagnose_step_sums),
		cmocka_unit_test(test_diagnose_expect),
		cmocka_unit_test(test_diagnose_write),
		cmocka_unit_test(test_diagnose_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
