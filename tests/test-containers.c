/*
 * test-containers.c - the containers at the bottom of the library
 * (containers.c, containers.h): the arena, the string table that interns bytes
 * into dense ids, the 64-bit hash map, the pool of growing value arrays and the
 * byte buffer.
 *
 * These test the contracts that containers.h states and the rest of the
 * library relies on (memory that stays put and apart, ids dense from 0 in
 * the order of first sight, a string's bytes and length as given, values
 * kept across growth), not how the containers do it: block sizes, growth
 * factors and hash functions may change.  Random inputs come from a
 * splitmix64 generator with fixed seeds, named at each use.
 */
#define _DEFAULT_SOURCE /* mincore(), mmap(), MAP_ANONYMOUS */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "cstat-private.h"
#include "testutil.h"

/* splitmix64 (Steele, Lea and Flood): a fixed seed gives fixed draws. */
static uint64_t
next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ------------------------------------------------------------------
 * The arena.
 */

/*
 * Every allocation, small or larger than any block, is aligned for any
 * type and apart from every other: each is filled with its own byte and
 * all are checked after the last one (3,000 sizes from 1 to 4,096 bytes,
 * seed 1, and four of 1 MiB among them).
 */
static void
test_arena_allocations_are_aligned_and_apart(void **state)
{
	enum { N = 3000 };
	struct cstat__arena a;
	unsigned char *p[N];
	size_t len[N];
	uint64_t seed = 1;

	(void)state;
	cstat__arena_init(&a);
	for (size_t i = 0; i < N; i++) {
		len[i] = i % 750 == 0 ? (size_t)1 << 20
				      : 1 + next_u64(&seed) % 4096;
		p[i] = cstat__arena_alloc(&a, len[i]);
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % _Alignof(max_align_t), 0);
		memset(p[i], (int)(i & 0xff), len[i]);
	}
	for (size_t i = 0; i < N; i++)
		for (size_t k = 0; k < len[i]; k += 97)
			assert_int_equal(p[i][k], i & 0xff);
	cstat__arena_release(&a);
}

/* cstat__arena_alloc_aligned() meets every power of two up to
 * max_align_t's, after allocations of odd sizes. */
static void
test_arena_alloc_aligned(void **state)
{
	struct cstat__arena a;

	(void)state;
	cstat__arena_init(&a);
	for (size_t align = 1; align <= _Alignof(max_align_t); align *= 2) {
		for (size_t odd = 1; odd < 8; odd += 2) {
			assert_non_null(cstat__arena_alloc(&a, odd));
			void *q = cstat__arena_alloc_aligned(&a, 24, align);
			assert_non_null(q);
			assert_int_equal((uintptr_t)q % align, 0);
		}
	}
	cstat__arena_release(&a);
}

/*
 * cstat__arena_reserve() makes one block that the allocations after it
 * fill in order and exactly (as the tables' values fill theirs: 8-byte
 * arrays, some empty), and the one that no longer fits goes elsewhere;
 * a reserve of 6 MiB (on huge pages where the system lends them) is as
 * writable as any other block.
 */
static void
test_arena_reserve_is_filled_in_order(void **state)
{
	const size_t sizes[] = {24, 0, 80, 8, 4096, 16};
	struct cstat__arena a;
	size_t total = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++)
		total += sizes[i];
	cstat__arena_init(&a);
	assert_non_null(cstat__arena_alloc(&a, 3)); /* a block before it */
	assert_int_equal(cstat__arena_reserve(&a, total), 0);
	char *first = NULL, *at = NULL;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		char *q = cstat__arena_alloc_aligned(&a, sizes[i], 8);
		assert_non_null(q);
		if (!first)
			first = at = q;
		assert_ptr_equal(q, at);
		memset(q, 0x5a, sizes[i]);
		at += sizes[i];
	}
	assert_int_equal((size_t)(at - first), total);
	char *beyond = cstat__arena_alloc_aligned(&a, 8, 8);
	assert_non_null(beyond);
	assert_true(beyond < first || beyond >= first + total);

	size_t big = (size_t)6 << 20;
	assert_int_equal(cstat__arena_reserve(&a, big), 0);
	unsigned char *b = cstat__arena_alloc_aligned(&a, big, 8);
	assert_non_null(b);
	memset(b, 0xa5, big);
	assert_int_equal(b[0], 0xa5);
	assert_int_equal(b[big - 1], 0xa5);
	cstat__arena_release(&a);
}

/* cstat__arena_strndup() copies exactly len bytes (a NUL among them
 * included) and ends them with a NUL; an arena released can be
 * initialised and used again. */
static void
test_arena_strndup_copies_len_bytes(void **state)
{
	struct cstat__arena a;
	const char src[] = "ab\0cd-and-more";

	(void)state;
	cstat__arena_init(&a);
	char *s = cstat__arena_strndup(&a, src, 5);
	assert_non_null(s);
	assert_ptr_not_equal(s, src);
	assert_memory_equal(s, "ab\0cd", 5);
	assert_int_equal(s[5], '\0');
	char *e = cstat__arena_strndup(&a, "", 0);
	assert_non_null(e);
	assert_int_equal(e[0], '\0');
	cstat__arena_release(&a);
	cstat__arena_init(&a);
	assert_string_equal(cstat__arena_strndup(&a, "again", 5), "again");
	cstat__arena_release(&a);
}

/* ------------------------------------------------------------------
 * The string table.
 */

/* Id 0 is the empty string, from the start; new strings get 1, 2, 3 in
 * the order they are first interned, and the same bytes the same id. */
static void
test_strtab_ids_are_dense_in_first_seen_order(void **state)
{
	struct cstat__strtab t;
	uint32_t id;

	(void)state;
	assert_int_equal(cstat__strtab_init(&t), 0);
	assert_int_equal(t.count, 1);
	assert_string_equal(cstat__strtab_str(&t, 0), "");
	assert_int_equal(cstat__strtab_len(&t, 0), 0);
	assert_int_equal(cstat__strtab_find(&t, "", 0), 0);
	assert_int_equal(cstat__strtab_intern(&t, "", 0, &id), 0);
	assert_int_equal(id, 0);
	static const char *const words[] = {"sec/op", "B/op", "sec/op",
					    "goos",   "B/op", "linux"};
	static const uint32_t want[] = {1, 2, 1, 3, 2, 4};
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(cstat__strtab_intern(&t, words[i],
						      strlen(words[i]), &id),
				 0);
		assert_int_equal(id, want[i]);
	}
	assert_int_equal(t.count, 5);
	cstat__strtab_release(&t);
}

/* Strings are their bytes and length: a prefix, a NUL inside and a
 * string that is not NUL-terminated are each their own string, stored
 * with a NUL after them. */
static void
test_strtab_keeps_bytes_and_lengths(void **state)
{
	struct cstat__strtab t;
	uint32_t a, a_nul, ab, mid;

	(void)state;
	assert_int_equal(cstat__strtab_init(&t), 0);
	assert_int_equal(cstat__strtab_intern(&t, "a", 1, &a), 0);
	assert_int_equal(cstat__strtab_intern(&t, "a\0", 2, &a_nul), 0);
	assert_int_equal(cstat__strtab_intern(&t, "ab", 2, &ab), 0);
	/* "bc" taken from the middle of a longer string. */
	assert_int_equal(cstat__strtab_intern(&t, &"abcd"[1], 2, &mid), 0);
	assert_true(a != a_nul && a != ab && a_nul != ab && mid != ab);
	assert_int_equal(cstat__strtab_len(&t, a_nul), 2);
	assert_memory_equal(cstat__strtab_str(&t, a_nul), "a\0", 3);
	assert_string_equal(cstat__strtab_str(&t, mid), "bc");
	assert_int_equal(cstat__strtab_find(&t, "bc", 2), mid);
	cstat__strtab_release(&t);
}

/* cstat__strtab_find() never adds: an absent string is UINT32_MAX, and
 * the count stays. */
static void
test_strtab_find_does_not_add(void **state)
{
	struct cstat__strtab t;
	uint32_t id;

	(void)state;
	assert_int_equal(cstat__strtab_init(&t), 0);
	assert_int_equal(cstat__strtab_intern(&t, "x", 1, &id), 0);
	assert_int_equal(cstat__strtab_find(&t, "y", 1), UINT32_MAX);
	assert_int_equal(cstat__strtab_find(&t, "x", 1), id);
	assert_int_equal(t.count, 2);
	cstat__strtab_release(&t);
}

/*
 * 100,000 distinct strings (the decimal numbers, seed-free), then each
 * again: the same ids; and a pointer taken after the first intern still
 * reads its string after the table grew (containers.h: valid until the
 * table is released).
 */
static void
test_strtab_many_strings_stay_put(void **state)
{
	enum { N = 100000 };
	struct cstat__strtab t;
	char buf[32];
	uint32_t id;

	(void)state;
	assert_int_equal(cstat__strtab_init(&t), 0);
	assert_int_equal(cstat__strtab_intern(&t, "first", 5, &id), 0);
	const char *first = cstat__strtab_str(&t, id);
	for (uint32_t i = 0; i < N; i++) {
		int n = snprintf(buf, sizeof(buf), "%u", i);
		assert_int_equal(cstat__strtab_intern(&t, buf, (size_t)n, &id),
				 0);
		assert_int_equal(id, i + 2);
	}
	for (uint32_t i = 0; i < N; i += 7) {
		int n = snprintf(buf, sizeof(buf), "%u", i);
		assert_int_equal(cstat__strtab_find(&t, buf, (size_t)n), i + 2);
		assert_string_equal(cstat__strtab_str(&t, i + 2), buf);
	}
	assert_ptr_equal(cstat__strtab_str(&t, 1), first);
	assert_string_equal(first, "first");
	cstat__strtab_release(&t);
}

/*
 * A sealed table (its hash freed, as the builder's when building starts)
 * still reads every string, finds one without the hash, and an intern
 * afterwards gives the old ids to old strings and a new id to a new one:
 * 1,000 decimal numbers, seed-free.
 */
static void
test_strtab_sealed_still_finds_and_interns(void **state)
{
	enum { N = 1000 };
	struct cstat__strtab t;
	char buf[32];
	uint32_t id;

	(void)state;
	assert_int_equal(cstat__strtab_init(&t), 0);
	for (uint32_t i = 0; i < N; i++) {
		int n = snprintf(buf, sizeof(buf), "%u", i);
		assert_int_equal(cstat__strtab_intern(&t, buf, (size_t)n, &id),
				 0);
	}
	cstat__strtab_seal(&t);
	assert_null(t.slots);
	assert_string_equal(cstat__strtab_str(&t, 501), "500");
	assert_int_equal(cstat__strtab_find(&t, "999", 3), 1000);
	assert_int_equal(cstat__strtab_find(&t, "1000", 4), UINT32_MAX);
	assert_int_equal(cstat__strtab_intern(&t, "17", 2, &id), 0);
	assert_int_equal(id, 18);
	assert_int_equal(cstat__strtab_intern(&t, "new", 3, &id), 0);
	assert_int_equal(id, N + 1);
	for (uint32_t i = 0; i < N; i += 13) {
		int n = snprintf(buf, sizeof(buf), "%u", i);
		assert_int_equal(cstat__strtab_find(&t, buf, (size_t)n), i + 1);
	}
	assert_int_equal(t.count, N + 2);
	cstat__strtab_release(&t);
}

/* ------------------------------------------------------------------
 * The hash map.  (UINT64_MAX marks an empty slot and is not a key: no
 * caller uses it, so it is not tested.)
 */

/* Absent keys are UINT32_MAX; a put replaces the value; 0 and
 * UINT64_MAX - 1 are keys like any other. */
static void
test_u64map_put_get_replace(void **state)
{
	struct cstat__u64map m;

	(void)state;
	assert_int_equal(cstat__u64map_init(&m), 0);
	assert_int_equal(cstat__u64map_get(&m, 0), UINT32_MAX);
	assert_int_equal(cstat__u64map_put(&m, 0, 7), 0);
	assert_int_equal(cstat__u64map_put(&m, UINT64_MAX - 1, 8), 0);
	assert_int_equal(cstat__u64map_get(&m, 0), 7);
	assert_int_equal(cstat__u64map_get(&m, UINT64_MAX - 1), 8);
	assert_int_equal(cstat__u64map_put(&m, 0, 9), 0);
	assert_int_equal(cstat__u64map_get(&m, 0), 9);
	assert_int_equal(cstat__u64map_get(&m, 1), UINT32_MAX);
	cstat__u64map_release(&m);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/*
 * 200,000 random keys (seed 2) against a sorted copy: every key put is
 * found with its value through the map's growth, and 200,000 other random
 * keys (seed 3) that were not put are absent.  Keys that share their low
 * or high 32 bits, as (table << 32 | row) keys do, included.
 */
static void
test_u64map_many_keys(void **state)
{
	enum { N = 200000 };
	struct cstat__u64map m;
	uint64_t *keys = malloc(N * sizeof(*keys));
	uint64_t seed = 2;

	(void)state;
	assert_non_null(keys);
	assert_int_equal(cstat__u64map_init(&m), 0);
	for (uint32_t i = 0; i < N; i++) {
		uint64_t k = next_u64(&seed) % (UINT64_MAX - 1);
		if (i % 4 == 1)
			k = (uint64_t)(i / 4) << 32 | 5; /* same low bits */
		if (i % 4 == 2)
			k = (uint64_t)3 << 32 | (i / 4); /* same high bits */
		keys[i] = k;
		assert_int_equal(cstat__u64map_put(&m, k, i), 0);
	}
	/* A key drawn twice keeps the later value: check against the last
	 * put of each. */
	for (uint32_t i = 0; i < N; i++) {
		uint32_t v = cstat__u64map_get(&m, keys[i]);
		assert_int_not_equal(v, UINT32_MAX);
		assert_true(keys[v] == keys[i] && v >= i);
	}
	qsort(keys, N, sizeof(*keys), cmp_u64);
	seed = 3;
	for (uint32_t i = 0; i < N; i++) {
		uint64_t k = next_u64(&seed) % (UINT64_MAX - 1);
		if (!bsearch(&k, keys, N, sizeof(*keys), cmp_u64))
			assert_int_equal(cstat__u64map_get(&m, k), UINT32_MAX);
	}
	cstat__u64map_release(&m);
	free(keys);
}

/* ------------------------------------------------------------------
 * The value pool.
 */

/*
 * 64 arrays grown one value at a time, in turn (so outgrown blocks go to
 * the free lists and come back to other arrays), to random lengths up to
 * 3,000 (seed 4), and one to 200,000 values, beyond the largest size
 * class: every array holds exactly the values appended to it, and its
 * capacity is at least its length.
 */
static void
test_vpool_arrays_keep_their_values(void **state)
{
	enum { K = 64, BIG = 200000 };
	struct cstat__vpool p;
	double *vals[K + 1] = {0};
	uint32_t n[K + 1] = {0}, cap[K + 1] = {0}, want[K + 1];
	uint64_t seed = 4;
	bool more = true;

	(void)state;
	cstat__vpool_init(&p);
	for (size_t k = 0; k < K; k++)
		want[k] = (uint32_t)(next_u64(&seed) % 3000);
	want[K] = BIG;
	while (more) {
		more = false;
		for (size_t k = 0; k <= K; k++) {
			if (n[k] == want[k])
				continue;
			more = true;
			if (n[k] == cap[k])
				assert_int_equal(cstat__vpool_grow(&p, &vals[k],
								   n[k],
								   &cap[k]),
						 0);
			assert_true(cap[k] > n[k]);
			vals[k][n[k]] = (double)k * 1e6 + n[k];
			n[k]++;
		}
	}
	for (size_t k = 0; k <= K; k++)
		for (uint32_t i = 0; i < n[k]; i++)
			assert_true(vals[k][i] == (double)k * 1e6 + i);
	cstat__vpool_release(&p);
}

/* ------------------------------------------------------------------
 * The byte buffer.
 */

/* Text added in every way reads back whole, NUL-terminated; reserve
 * leaves room without changing the text; release empties it. */
static void
test_buf_appends_and_terminates(void **state)
{
	struct cstat__buf b = {0};

	(void)state;
	assert_int_equal(cstat__buf_add(&b, "ab", 2), 0);
	assert_int_equal(cstat__buf_adds(&b, "cd"), 0);
	assert_int_equal(cstat__buf_addc(&b, '-'), 0);
	assert_int_equal(cstat__buf_printf(&b, "%d:%s", 42, "x"), 0);
	assert_int_equal(b.len, 9);
	assert_string_equal(b.data, "abcd-42:x");
	assert_int_equal(cstat__buf_reserve(&b, 1000), 0);
	assert_true(b.cap >= b.len + 1000);
	assert_string_equal(b.data, "abcd-42:x");
	/* A long printf is not cut at any internal size. */
	char big[5000];
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	b.len = 0;
	assert_int_equal(cstat__buf_printf(&b, "<%s>", big), 0);
	assert_int_equal(b.len, sizeof(big) + 1);
	assert_int_equal(b.data[b.len], '\0');
	assert_int_equal(b.data[b.len - 1], '>');
	cstat__buf_release(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
}

/* A large array is all zeros across its huge pages and after them (the
 * odd size ends inside a 4 kB page), a small one too; a size that
 * overflows is refused. */
static void
test_big_calloc_zeroes_and_refuses_overflow(void **state)
{
	static const size_t sizes[] = {1, 4097, (size_t)5 << 20, 3000007};

	(void)state;
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		unsigned char *p = cstat__big_calloc(sizes[k], 1);
		assert_non_null(p);
		size_t nonzero = 0;
		for (size_t i = 0; i < sizes[k]; i++)
			nonzero += p[i] != 0;
		assert_int_equal(nonzero, 0);
		memset(p, 0xab, sizes[k]); /* every byte is ours */
		free(p);
	}
	uint64_t *v = cstat__big_calloc(700000, sizeof(*v));
	assert_non_null(v);
	assert_int_equal(v[0] | v[349999] | v[699999], 0);
	free(v);
	assert_null(cstat__big_calloc(SIZE_MAX / 8 + 2, 8));
	void *a = cstat__big_alloc((size_t)4 << 20);
	assert_non_null(a);
	memset(a, 1, (size_t)4 << 20);
	free(a);
}

/* How many of the n pages from p are resident (mincore()). */
static size_t
resident_pages(void *p, size_t n)
{
	unsigned char vec[64];

	assert_true(n <= sizeof(vec));
	assert_int_equal(mincore(p, n * 4096, vec), 0);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += vec[i] & 1;
	return k;
}

/* cstat__populate() maps the whole pages of its range and no other, and
 * keeps what they hold; where the system cannot, the pages stay as they
 * were (the test then only checks the contents). */
static void
test_populate_maps_whole_pages_only(void **state)
{
	(void)state;
	assert_int_equal(sysconf(_SC_PAGESIZE), 4096);
	unsigned char *m = mmap(NULL, 32 * 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(m != MAP_FAILED);
	assert_int_equal(resident_pages(m, 32), 0);
	m[0] = 7;
	/* From the middle of page 0 to the middle of page 9: pages 1-8. */
	cstat__populate(m + 100, 9 * 4096);
	bool can = resident_pages(m + 4096, 1) == 1;
	if (can) {
		assert_int_equal(resident_pages(m, 32), 9);
		assert_int_equal(resident_pages(m + 9 * 4096, 1), 0);
	}
	assert_int_equal(m[0], 7);
	for (size_t i = 4096; i < 9 * 4096; i++)
		assert_int_equal(m[i], 0);
	/* Less than a page, or none: nothing. */
	cstat__populate(m + 20 * 4096 + 1, 4096);
	cstat__populate(m + 21 * 4096, 0);
	assert_int_equal(resident_pages(m + 20 * 4096, 4), 0);
	munmap(m, 32 * 4096);
}

/* cstat__prefault() moves its mark past what is used, a bounded way
 * ahead and never past the capacity, maps those pages, and does nothing
 * while the array stays under its mark. */
static void
test_prefault_moves_its_mark_within_the_array(void **state)
{
	(void)state;
	size_t len = 64 * 4096;
	unsigned char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(m != MAP_FAILED);
	size_t mark = 0;
	cstat__prefault(m, 0, len, &mark);
	assert_int_equal(mark, 0);
	assert_int_equal(resident_pages(m, 64), 0);
	cstat__prefault(m, 10, len, &mark);
	assert_true(mark > 10 && mark <= len);
	size_t first = mark;
	bool can = resident_pages(m, 1) == 1;
	if (can)
		assert_int_equal(resident_pages(m, 64), first / 4096);
	/* Under the mark: nothing moves. */
	cstat__prefault(m, first, len, &mark);
	assert_int_equal(mark, first);
	/* Past it: ahead again, at most to the capacity. */
	cstat__prefault(m, first + 1, len, &mark);
	assert_true(mark > first + 1 && mark <= len);
	cstat__prefault(m, len - 1, len, &mark);
	assert_int_equal(mark, len);
	if (can)
		assert_int_equal(resident_pages(m, 64), 64);
	for (size_t i = 0; i < len; i++)
		assert_int_equal(m[i], 0);
	munmap(m, len);

	/* On a heap block, the contents stay what they were. */
	size_t n = 300000;
	unsigned char *a = malloc(n);
	assert_non_null(a);
	size_t at = 0;
	mark = 0;
	for (size_t i = 0; i < n; i++) {
		cstat__prefault(a, i + 1, n, &mark);
		assert_true(mark >= i + 1 && mark <= n);
		a[at++] = (unsigned char)(i * 31 + 7);
	}
	for (size_t i = 0; i < n; i++)
		assert_int_equal(a[i], (unsigned char)(i * 31 + 7));
	free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena_allocations_are_aligned_and_apart),
		cmocka_unit_test(test_arena_alloc_aligned),
		cmocka_unit_test(test_arena_reserve_is_filled_in_order),
		cmocka_unit_test(test_arena_strndup_copies_len_bytes),
		cmocka_unit_test(test_strtab_ids_are_dense_in_first_seen_order),
		cmocka_unit_test(test_strtab_keeps_bytes_and_lengths),
		cmocka_unit_test(test_strtab_find_does_not_add),
		cmocka_unit_test(test_strtab_many_strings_stay_put),
		cmocka_unit_test(test_strtab_sealed_still_finds_and_interns),
		cmocka_unit_test(test_u64map_put_get_replace),
		cmocka_unit_test(test_u64map_many_keys),
		cmocka_unit_test(test_vpool_arrays_keep_their_values),
		cmocka_unit_test(test_buf_appends_and_terminates),
		cmocka_unit_test(test_big_calloc_zeroes_and_refuses_overflow),
		cmocka_unit_test(test_populate_maps_whole_pages_only),
		cmocka_unit_test(test_prefault_moves_its_mark_within_the_array),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
