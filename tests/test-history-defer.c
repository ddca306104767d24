/*
 * test-history-defer.c - the change-point search of a history with its
 * whole-series tests put off (lib/history.c): a series of the common
 * length whose permutation test needs rounds past the cache the threads
 * share is put off, and after the search the put-off series of both
 * threads are merged in series order, finished FINISH_GROUP (64) at a
 * time over the rounds past the cache (cstat__cpd_finish()), searched
 * again and their changes merged into the others'.  With a cache of a few
 * rounds (cstat__history_changes_opts()) most series take that path; the
 * changes must be those found with the default cache and with none (no
 * series put off), field by field and bit for bit, on one thread and on
 * two, with series of other lengths and in several tables.  Out of
 * memory at any allocation, the search fails cleanly and frees what it
 * took (the test is linked with -Wl,--wrap=malloc and the like to make
 * one allocation fail).  tests/test-cpd.c checks cstat__cpd_finish()
 * itself.
 */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cpdsim.h"
#include "cstat.h"
#include "history.h"
#include "testutil.h"

/*
 * The allocations of the library and this test, wrapped (the test is
 * linked with -Wl,--wrap=malloc and the like) so that one of them can
 * fail: fail_in counts down to the one that fails, from far below zero
 * when none should; allocs counts them.
 */
void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);

#define NEVER (LONG_MIN / 2)
static atomic_long fail_in = NEVER, allocs;

static bool
alloc_fails(void)
{
	atomic_fetch_add(&allocs, 1);
	return atomic_fetch_sub(&fail_in, 1) == 0;
}

void *
__wrap_malloc(size_t size)
{
	return alloc_fails() ? NULL : __real_malloc(size);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return alloc_fails() ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t size)
{
	return alloc_fails() ? NULL : __real_realloc(p, size);
}

/* The runs of the histories here: series of 60 runs or fewer defer as
 * the long ones of the benchmarks do, and cost little. */
#define NRUNS 60

/* The deferred series finished at a time (FINISH_GROUP in history.c). */
#define FINISH_GROUP 64

/* Series from which the search runs on two threads
 * (CHANGES_THREADS_FROM in history.c). */
#define THREADS_FROM 64

/*
 * The level of series b at run k (1-based), run-to-run noise of 2% from
 * r: by b % 8, no change; a modest step of 0.8% to 2% (p near alpha, so
 * found or not by permutations); a large step or several steps; and a
 * step of 5% or none in a series missing from some runs (another
 * length).
 */
static double
level(struct rng *r, size_t b, size_t k)
{
	double base = 100 + 10 * (double)(b % 7), step = 0;

	switch (b % 8) {
	case 1:
	case 2:
	case 3:
	case 4:
	case 5:
		step = k > 24 + b % 13 ? 0.008 + 0.003 * (double)(b % 5) : 0;
		break;
	case 6:
		step = k > 25 ? 0.10 : 0;
		if (b % 16 == 14) {
			step = k > 15 ? 0.08 : 0;
			step += k > 32 ? -0.15 : 0;
		}
		break;
	case 7:
		step = b % 16 == 7 && k > 20 ? 0.05 : 0;
		break;
	}
	return rng_noisy(r, NORMAL, base * (1 + step), 0.02);
}

/* Whether series b has a result in run k: those with b % 8 of 7 miss a
 * few runs, so their series are shorter than the common length. */
static bool
present(size_t b, size_t k)
{
	return b % 8 < 7 || (k + b) % (7 + b % 3) != 0;
}

/*
 * Run k of a history of nb benchmarks S<b>-8, each with three values a
 * run (a run's median with its own small scatter) in ns/op, and every
 * fourth one also in x/op (a second table, of other rows).
 */
static cstat_run *
defer_run(size_t nb, size_t k, struct rng *r)
{
	size_t cap = nb * 3 * 80 + 1, len = 0;
	char *text = malloc(cap);
	cstat_run *run;

	assert_non_null(text);
	text[0] = '\0';
	for (size_t b = 0; b < nb; b++) {
		double m = level(r, b, k), x = level(r, b + 3, k) / 50;

		if (!present(b, k))
			continue;
		for (int v = -1; v <= 1; v++) {
			len += (size_t)snprintf(text + len, cap - len,
						"BenchmarkS%zu-8 1 %.4f ns/op",
						b, m * (1 + 0.001 * v));
			if (b % 4 == 0)
				len += (size_t)snprintf(text + len, cap - len,
							" %.5f x/op",
							x * (1 + 0.001 * v));
			len += (size_t)snprintf(text + len, cap - len, "\n");
			assert_true(len < cap);
		}
	}
	run = test_history_run(text, k);
	free(text);
	return run;
}

/* The tables of a history of nb benchmarks over NRUNS runs. */
static cstat_tables *
defer_tables(size_t nb, uint64_t seed)
{
	cstat_run *runs[NRUNS];
	cstat_tables *t;
	struct cstat_diag d;
	struct rng r = {seed};

	for (size_t k = 1; k <= NRUNS; k++)
		runs[k - 1] = defer_run(nb, k, &r);
	assert_int_equal(cstat_history_build(runs, NRUNS, NULL, 0.95, &t, &d),
			 0);
	for (size_t k = 0; k < NRUNS; k++)
		cstat_run_free(runs[k]);
	return t;
}

/* The same changes, field by field and bit for bit. */
static void
assert_same_changes(const struct cstat_change *a, size_t na,
		    const struct cstat_change *b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t k = 0; k < na; k++) {
		assert_int_equal(a[k].table, b[k].table);
		assert_int_equal(a[k].row, b[k].row);
		assert_int_equal(a[k].col, b[k].col);
		assert_int_equal(a[k].run, b[k].run);
		assert_same(a[k].before, b[k].before);
		assert_same(a[k].after, b[k].after);
		assert_same(a[k].change, b[k].change);
		assert_same(a[k].p, b[k].p);
	}
	if (na)
		assert_memory_equal(a, b, na * sizeof(*a));
}

/* Counts what the test depends on in changes ch[0..n) of t. */
struct seen {
	size_t series;	  /* series with a change */
	size_t several;	  /* series with more than one */
	size_t tables;	  /* tables with a change */
	size_t other_len; /* changes of series shorter than NRUNS */
	/* Series of NRUNS runs with one change whose p came from
	 * permutations: the whole series' test, which a cache of one round
	 * puts off. */
	size_t perm;
};

/* The number of present cells of row r of table i. */
static size_t
series_length(const cstat_tables *t, size_t i, size_t r)
{
	size_t len = 0;

	for (size_t c = 0; c < cstat_table_cols(t, i); c++) {
		struct cstat_cell ce;

		assert_int_equal(cstat_table_cell(t, i, r, c, &ce), 0);
		len += ce.present;
	}
	return len;
}

static bool
same_series(const struct cstat_change *a, const struct cstat_change *b)
{
	return a->table == b->table && a->row == b->row;
}

static struct seen
look(const cstat_tables *t, const struct cstat_change *ch, size_t n)
{
	struct seen s = {0};

	for (size_t k = 0; k < n; k++) {
		bool first = k == 0 || !same_series(&ch[k - 1], &ch[k]);
		bool last = k + 1 == n || !same_series(&ch[k], &ch[k + 1]);
		size_t len = series_length(t, ch[k].table, ch[k].row);

		s.series += first;
		s.several +=
			!first && (k < 2 || !same_series(&ch[k - 2], &ch[k]));
		s.tables += k == 0 || ch[k - 1].table != ch[k].table;
		s.other_len += len < NRUNS;
		s.perm += first && last && len == NRUNS && ch[k].p > 0.5e-4 &&
			  ch[k].p * 1e4 == round(ch[k].p * 1e4);
		/* In series order, then run order. */
		if (k)
			assert_true(ch[k - 1].table < ch[k].table ||
				    (ch[k - 1].table == ch[k].table &&
				     (ch[k - 1].row < ch[k].row ||
				      (ch[k - 1].row == ch[k].row &&
				       ch[k - 1].run < ch[k].run))));
	}
	return s;
}

/* A cache of n rounds of the common length of NRUNS runs, in bytes. */
#define ROUNDS(n) ((n)*NRUNS * sizeof(uint16_t))

/* The cache cstat_history_changes_until() gives (SHARED_CACHE_BYTES in
 * history.c). */
#define DEFAULT_CACHE ((size_t)20 << 20)

/*
 * The changes of t with a shared cache of bytes, the number of series put
 * off in *deferred.
 */
static struct cstat_change *
changes_with(const cstat_tables *t, size_t since, size_t until, size_t bytes,
	     size_t *deferred, size_t *n)
{
	struct cstat_change *ch = (struct cstat_change *)1;

	*deferred = (size_t)-1;
	assert_int_equal(cstat__history_changes_opts(t, since, until, 0, bytes,
						     deferred, &ch, n),
			 0);
	assert_true(*deferred != (size_t)-1);
	if (*n == 0)
		assert_null(ch);
	return ch;
}

/*
 * The history of nb benchmarks searched with caches of 1 and 600 rounds
 * gives the changes found with the default cache, which puts no series
 * off, and (with uncached) with none (no orders shared, none put off):
 * at least min_deferred series are put off with the smaller, fewer with
 * the larger (it serves some tests whole and puts off the others at its
 * end).
 */
static void
check_deferred(size_t nb, uint64_t seed, size_t min_deferred, bool uncached)
{
	const size_t caps[] = {1, 600};
	cstat_tables *t = defer_tables(nb, seed);
	struct cstat_change *ref, *ch;
	size_t nref, nch, deferred, most = 0, prev = SIZE_MAX;
	struct seen s;

	ref = changes_with(t, 0, 0, DEFAULT_CACHE, &deferred, &nref);
	assert_int_equal(deferred, 0);
	if (uncached) {
		ch = changes_with(t, 0, 0, 0, &deferred, &nch);
		assert_int_equal(deferred, 0);
		assert_same_changes(ref, nref, ch, nch);
		free(ch);
		assert_int_equal(cstat_history_changes(t, 0, 0, &ch, &nch), 0);
		assert_same_changes(ref, nref, ch, nch);
		free(ch);
	}
	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		ch = changes_with(t, 0, 0, ROUNDS(caps[c]), &deferred, &nch);
		assert_same_changes(ref, nref, ch, nch);
		free(ch);
		assert_true(deferred <= prev);
		prev = deferred;
		if (deferred > most)
			most = deferred;
	}
	assert_true(most >= min_deferred);
	assert_true(prev > 0 && prev < most);
	/* The series cover what the deferred path must get right. */
	s = look(t, ref, nref);
	assert_true(s.series >= nb / 6 && s.series < nb); /* some none */
	assert_true(s.several >= 1);
	assert_true(s.perm >= 1);
	assert_true(s.tables >= 2);
	assert_true(s.other_len >= 1);
	free(ref);
	cstat_tables_free(t);
}

/* A few series, searched on one thread. */
static void
test_defer_one_thread(void **state)
{
	(void)state;
	check_deferred(16, 1, 4, true);
}

/* More series than FINISH_GROUP put off, on two threads: the two threads'
 * lists merged, and more than one group finished. */
static void
test_defer_two_threads(void **state)
{
	(void)state;
	check_deferred(2 * THREADS_FROM + 8, 2, FINISH_GROUP + 1, false);
}

/*
 * With since and until, the common length is the window's, and the
 * series put off are of that length: the changes are those
 * cstat_history_changes_until() finds with the default cache.
 */
static void
test_defer_window(void **state)
{
	cstat_tables *t = defer_tables(THREADS_FROM + 4, 3);
	struct cstat_change *a, *b;
	size_t na, nb, deferred;

	(void)state;
	assert_int_equal(cstat_history_changes_until(t, 30, 55, 0, &a, &na), 0);
	b = changes_with(t, 30, 55, ROUNDS(2), &deferred, &nb);
	assert_true(deferred > 0);
	assert_true(na > 0);
	assert_same_changes(a, na, b, nb);
	free(a);
	free(b);
	cstat_tables_free(t);
}

/*
 * The changes of t with a shared cache of one round, with allocation k
 * failing, for each k below n: the search fails with CSTAT_ENOMEM and
 * nothing or, when the allocation was one it can do without (a cache),
 * finds the changes ref[0..nref).  @return how many failed.
 */
static size_t
fail_each(const cstat_tables *t, size_t n, const struct cstat_change *ref,
	  size_t nref)
{
	size_t failed = 0;

	for (size_t k = 0; k < n; k++) {
		struct cstat_change *ch = (struct cstat_change *)1;
		size_t nch = 1, deferred = 1;
		int rc;

		atomic_store(&fail_in, (long)k);
		rc = cstat__history_changes_opts(t, 0, 0, 0, ROUNDS(1),
						 &deferred, &ch, &nch);
		atomic_store(&fail_in, NEVER);
		if (rc == 0) {
			assert_same_changes(ref, nref, ch, nch);
			free(ch);
			continue;
		}
		assert_int_equal(rc, CSTAT_ENOMEM);
		assert_null(ch);
		assert_int_equal(nch, 0);
		assert_int_equal(deferred, 0);
		failed++;
	}
	return failed;
}

/*
 * Out of memory at each allocation in turn of a search with series put
 * off (on one thread, where the allocations come in the same order every
 * time), the search fails cleanly or finds the same changes
 * (fail_each()), and frees all it took (valgrind and LeakSanitizer look).
 */
static void
test_defer_out_of_memory(void **state)
{
	cstat_tables *t = defer_tables(6, 4);
	struct cstat_change *ref;
	size_t nref, deferred, n, failed;

	(void)state;
	atomic_store(&allocs, 0);
	ref = changes_with(t, 0, 0, ROUNDS(1), &deferred, &nref);
	n = (size_t)atomic_load(&allocs);
	assert_true(deferred >= 2);
	assert_true(nref >= 1);
	failed = fail_each(t, n, ref, nref);
	/* All but the caches', which the search can do without. */
	assert_true(failed > n / 2);
	free(ref);
	cstat_tables_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defer_one_thread),
		cmocka_unit_test(test_defer_two_threads),
		cmocka_unit_test(test_defer_window),
		cmocka_unit_test(test_defer_out_of_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
