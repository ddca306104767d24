/*
 * test-seqtab.c - unit tests for the sequence table (seqtab.c).
 *
 * Every answer is checked against the plain arrays the sequences were made
 * from: value by value (cstat__seqtab_get and _fill), equality by id, and
 * the first difference by a scan.  The sequences are random edits of one
 * another from a fixed seed (splitmix64, seed 14), of up to 3,000 values
 * so that trees of one to three levels are exercised, and the churn shape
 * (a value appended per sequence) checks that memory grows with the edits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cstat-private.h"

static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#define NSEQ 200
#define MAXLEN 3000

/* The trimmed length of v[0..n), as the table keeps it. */
static size_t
trimmed(const uint32_t *v, size_t n)
{
	while (n > 0 && v[n - 1] == 0)
		n--;
	return n;
}

static void
random_edits(void **state)
{
	(void)state;
	struct cstat__seqtab t;
	uint32_t *seqs = calloc((size_t)NSEQ * MAXLEN, sizeof(*seqs));
	uint32_t ids[NSEQ], *out = malloc(MAXLEN * sizeof(*out));
	uint64_t seed = 14;

	assert_non_null(seqs);
	assert_non_null(out);
	assert_int_equal(cstat__seqtab_init(&t), 0);
	for (size_t s = 0; s < NSEQ; s++) {
		uint32_t *v = seqs + s * MAXLEN;
		/* A copy of an earlier sequence with a few values changed,
		 * or (one in ten) a fresh one. */
		if (s > 0 && splitmix64(&seed) % 10)
			memcpy(v, seqs + (splitmix64(&seed) % s) * MAXLEN,
			       MAXLEN * sizeof(*v));
		else
			for (size_t i = 0; i < MAXLEN; i++)
				v[i] = splitmix64(&seed) % 4 ? 0 : (uint32_t)i;
		size_t edits = splitmix64(&seed) % 4;
		for (size_t e = 0; e < edits; e++)
			v[splitmix64(&seed) % MAXLEN] =
				(uint32_t)(splitmix64(&seed) % 3);
		size_t n = 1 + splitmix64(&seed) % MAXLEN;
		memset(v + n, 0, (MAXLEN - n) * sizeof(*v));
		bool added;
		assert_int_equal(
			cstat__seqtab_intern(&t, v, n, &ids[s], &added), 0);
		assert_int_equal(cstat__seqtab_len(&t, ids[s]),
				 trimmed(v, MAXLEN));
	}
	for (size_t s = 0; s < NSEQ; s++) {
		const uint32_t *v = seqs + s * MAXLEN;
		cstat__seqtab_fill(&t, ids[s], out, MAXLEN);
		assert_memory_equal(out, v, MAXLEN * sizeof(*v));
		for (size_t i = 0; i < MAXLEN; i += 7)
			assert_int_equal(cstat__seqtab_get(&t, ids[s], i),
					 v[i]);
		size_t o = splitmix64(&seed) % NSEQ;
		const uint32_t *w = seqs + o * MAXLEN;
		bool same = memcmp(v, w, MAXLEN * sizeof(*v)) == 0;
		assert_true(same == (ids[s] == ids[o]));
		size_t lo = splitmix64(&seed) % MAXLEN, want = MAXLEN;
		for (size_t i = lo; i < MAXLEN && want == MAXLEN; i++)
			if (v[i] != w[i])
				want = i;
		assert_int_equal(
			cstat__seqtab_diff(&t, ids[s], ids[o], lo, MAXLEN),
			want);
		/* Past the end of both: no difference. */
		assert_int_equal(cstat__seqtab_diff(&t, ids[s], ids[o], MAXLEN,
						    MAXLEN + 100),
				 MAXLEN + 100);
	}
	cstat__seqtab_release(&t);
	free(seqs);
	free(out);
}

/* n sequences 1, (1, 2), (1, 2, 3), ...: nodes grow with n, not n * n. */
static void
churn_is_linear(void **state)
{
	(void)state;
	enum { N = 5000 };
	struct cstat__seqtab t;
	uint32_t *v = malloc(N * sizeof(*v)), id, last = 0;

	assert_non_null(v);
	assert_int_equal(cstat__seqtab_init(&t), 0);
	for (uint32_t i = 0; i < N; i++) {
		bool added;
		v[i] = i + 1;
		assert_int_equal(
			cstat__seqtab_intern(&t, v, i + 1, &id, &added), 0);
		assert_true(added);
		if (i > 0) /* the first difference is the value appended */
			assert_int_equal(cstat__seqtab_diff(&t, last, id, 0, N),
					 i);
		last = id;
	}
	/* A leaf and the path above it per sequence: at most 3 levels. */
	assert_true(t.nnodes <= 3 * N + 1);
	assert_int_equal(cstat__seqtab_get(&t, id, N - 1), N);
	assert_int_equal(cstat__seqtab_get(&t, id, N), 0);
	cstat__seqtab_release(&t);
	free(v);
}

/* The empty sequence, and trailing zeros that are no part of one. */
static void
empty_and_trailing_zeros(void **state)
{
	(void)state;
	struct cstat__seqtab t;
	uint32_t a[] = {5, 0, 7}, b[] = {5, 0, 7, 0, 0}, zeros[40] = {0};
	uint32_t ia, ib, iz, ie;
	bool added;

	assert_int_equal(cstat__seqtab_init(&t), 0);
	assert_int_equal(cstat__seqtab_intern(&t, a, 3, &ia, &added), 0);
	assert_true(added);
	assert_int_equal(cstat__seqtab_intern(&t, b, 5, &ib, &added), 0);
	assert_false(added);
	assert_int_equal(ia, ib);
	assert_int_equal(cstat__seqtab_intern(&t, zeros, 40, &iz, &added), 0);
	assert_int_equal(cstat__seqtab_intern(&t, NULL, 0, &ie, &added), 0);
	assert_int_equal(iz, ie);
	assert_int_equal(cstat__seqtab_len(&t, iz), 0);
	assert_int_equal(cstat__seqtab_diff(&t, ia, iz, 0, 10), 0);
	assert_int_equal(cstat__seqtab_diff(&t, ia, iz, 1, 10), 2);
	assert_int_equal(cstat__seqtab_diff(&t, ia, iz, 3, 10), 10);
	cstat__seqtab_release(&t);
}

/*
 * A lookup tries the sequence after the last one found before the map:
 * sequences looked up again in their order, in another and with repeats
 * keep their ids, and a one-value sequence whose value is a tree's root
 * node is not taken for the tree (nor the tree for it).
 */
static void
found_again_in_any_order(void **state)
{
	(void)state;
	struct cstat__seqtab t;
	uint32_t seqs[16][3];
	size_t lens[16];
	uint32_t ids[16], id;
	bool added;
	uint64_t x = 7;

	assert_int_equal(cstat__seqtab_init(&t), 0);
	for (size_t i = 0; i < 16; i++) {
		/* Even: one value, 1 to 8 (as small as node ids); odd: a
		 * tree of three. */
		lens[i] = i % 2 ? 3 : 1;
		seqs[i][0] = (uint32_t)(i / 2 + 1);
		seqs[i][1] = (uint32_t)i;
		seqs[i][2] = 1;
		assert_int_equal(cstat__seqtab_intern(&t, seqs[i], lens[i],
						      &ids[i], &added),
				 0);
		assert_true(added);
		assert_int_equal(ids[i], i);
	}
	/* The same order, then reversed, then at random. */
	for (int pass = 0; pass < 3; pass++) {
		for (size_t k = 0; k < 48; k++) {
			size_t i = pass == 0   ? k % 16
				   : pass == 1 ? 15 - k % 16
					       : splitmix64(&x) % 16;
			assert_int_equal(cstat__seqtab_intern(&t, seqs[i],
							      lens[i], &id,
							      &added),
					 0);
			assert_false(added);
			assert_int_equal(id, ids[i]);
		}
	}
	/* One value equal to each tree's root, and each tree's values as
	 * one-value sequences: new, never a tree's id. */
	for (size_t i = 1; i < 16; i += 2) {
		uint32_t root = t.seqs[ids[i]].root;
		assert_int_equal(
			cstat__seqtab_intern(&t, &root, 1, &id, &added), 0);
		assert_true(id != ids[i]);
		assert_int_equal(
			cstat__seqtab_intern(&t, seqs[i], lens[i], &id, &added),
			0);
		assert_false(added);
		assert_int_equal(id, ids[i]);
	}
	cstat__seqtab_release(&t);
}

/*
 * Sequences of one value are kept without a node: they must still read,
 * compare, fill and intern like any other, beside sequences of trees
 * (one value then zeros is the same sequence; two values is not).
 */
static void
single_values(void **state)
{
	(void)state;
	struct cstat__seqtab t;
	uint32_t one[1] = {7}, pad[3] = {7, 0, 0}, two[2] = {7, 9},
		 other[1] = {8}, out[4];
	uint32_t a, b, c, d;
	bool added;

	assert_int_equal(cstat__seqtab_init(&t), 0);
	assert_int_equal(cstat__seqtab_intern(&t, one, 1, &a, &added), 0);
	assert_true(added);
	assert_int_equal(cstat__seqtab_intern(&t, pad, 3, &b, &added), 0);
	assert_false(added);
	assert_int_equal(a, b);
	assert_int_equal(cstat__seqtab_intern(&t, two, 2, &c, &added), 0);
	assert_true(added);
	assert_int_equal(cstat__seqtab_intern(&t, other, 1, &d, &added), 0);
	assert_true(added);
	assert_int_equal(cstat__seqtab_len(&t, a), 1);
	assert_int_equal(cstat__seqtab_get(&t, a, 0), 7);
	assert_int_equal(cstat__seqtab_get(&t, a, 1), 0);
	assert_int_equal(cstat__seqtab_get(&t, d, 0), 8);
	/* Differences: single against tree, single against single. */
	assert_int_equal(cstat__seqtab_diff(&t, a, c, 0, 4), 1);
	assert_int_equal(cstat__seqtab_diff(&t, c, a, 0, 4), 1);
	assert_int_equal(cstat__seqtab_diff(&t, a, d, 0, 4), 0);
	assert_int_equal(cstat__seqtab_diff(&t, a, d, 1, 4), 4);
	assert_int_equal(cstat__seqtab_diff(&t, a, a, 0, 4), 4);
	memset(out, 0xff, sizeof(out));
	cstat__seqtab_fill(&t, a, out, 4);
	assert_int_equal(out[0], 7);
	assert_int_equal(out[1], 0);
	assert_int_equal(out[3], 0);
	cstat__seqtab_release(&t);
}

/*
 * cstat__seqtab_intern_at() on one vector changed in place gives the ids
 * cstat__seqtab_intern() gives the same values: 2,000 rounds (seed 15) of
 * 0 to 4 random point changes (zeros among them, so lengths shrink and
 * grow), the vector growing from 1 to 2,000 values (trees of one to three
 * levels), a changed position sometimes listed twice.
 */
static void
in_place_matches_whole(void **state)
{
	(void)state;
	struct cstat__seqtab t;
	enum { ROUNDS = 2000, LEN = 2000 };
	uint32_t *v = calloc(LEN, sizeof(*v)), dirty[10];
	uint64_t seed = 15;
	size_t n = 1;

	assert_non_null(v);
	assert_int_equal(cstat__seqtab_init(&t), 0);
	for (size_t r = 0; r < ROUNDS; r++) {
		size_t nd = 0, changes = splitmix64(&seed) % 5;
		bool added;
		uint32_t a, b;
		if (n < LEN)
			n++;
		v[n - 1] = (uint32_t)(splitmix64(&seed) % 3); /* new: dirty */
		for (size_t c = 0; c < changes; c++) {
			uint32_t i = (uint32_t)(splitmix64(&seed) % n);
			v[i] = (uint32_t)(splitmix64(&seed) % 4);
			dirty[nd++] = i;
			if (splitmix64(&seed) % 4 == 0)
				dirty[nd++] = i;
		}
		assert_int_equal(cstat__seqtab_intern_at(&t, v, n, dirty, nd,
							 r == 0, &a, &added),
				 0);
		assert_int_equal(cstat__seqtab_intern(&t, v, n, &b, &added), 0);
		assert_int_equal(a, b);
		assert_int_equal(cstat__seqtab_len(&t, a), trimmed(v, n));
	}
	cstat__seqtab_release(&t);
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_edits),
		cmocka_unit_test(churn_is_linear),
		cmocka_unit_test(empty_and_trailing_zeros),
		cmocka_unit_test(single_values),
		cmocka_unit_test(found_again_in_any_order),
		cmocka_unit_test(in_place_matches_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
