/*
 * containers.h - the small containers every module of libcstat uses
 * (containers.c; the sequence table is seqtab.c): hashing, an arena for
 * strings and records that live as long as their owner, growth of an
 * array, a growable byte buffer, a table that interns byte strings into
 * dense 32-bit ids, a map from 64-bit keys, a pool of growing value
 * arrays and a table that interns sequences of ids.  None of them has
 * global state.
 */
#ifndef CSTAT_CONTAINERS_H
#define CSTAT_CONTAINERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Hashes bytes eight at a time with multiply-and-fold mixing: names are
 * hashed once per result, so this is on the reader's hot path.
 */
static inline uint64_t
cstat__mix64(uint64_t a, uint64_t b)
{
	uint64_t r = (a ^ (a >> 29)) * b;

	return r ^ (r >> 32);
}

static inline uint64_t
cstat__hash_bytes(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h =
		seed ^ 0x9e3779b97f4a7c15ULL ^ (len * 0xff51afd7ed558ccdULL);
	uint64_t w;

	while (len >= 8) {
		memcpy(&w, p, 8);
		h = cstat__mix64(h ^ w, 0xa0761d6478bd642fULL);
		p += 8;
		len -= 8;
	}
	w = 0;
	memcpy(&w, p, len);
	h = cstat__mix64(h ^ w ^ ((uint64_t)len << 56), 0xe7037ed1a0b428dbULL);
	return cstat__mix64(h, 0x8ebc6af09c88c6e3ULL);
}

static inline uint64_t
cstat__hash_u32s(const uint32_t *v, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;

	for (size_t i = 0; i < n; i++) {
		h ^= v[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 31;
	}
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 29;
	return h;
}

/*
 * An arena hands out memory that is freed all at once.  Blocks grow
 * geometrically; a request larger than a block gets a block of its own.
 */
struct cstat__arena {
	struct cstat__arena_block *head;
	size_t block_size;
};

void cstat__arena_init(struct cstat__arena *a);
void cstat__arena_release(struct cstat__arena *a);
/* Returns len bytes aligned for any type, or NULL when out of memory. */
void *cstat__arena_alloc(struct cstat__arena *a, size_t len);
/* The same, aligned to align (a power of two up to max_align_t's). */
void *cstat__arena_alloc_aligned(struct cstat__arena *a, size_t len,
				 size_t align);
/*
 * Starts a block of len bytes for the allocations to come, on huge pages
 * when it is large (cstat__big_alloc()): for memory that is all written
 * soon after, such as the tables' values.  Allocations take from it while
 * they fit, in order, so len bytes of them aligned to 8 fill it exactly.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__arena_reserve(struct cstat__arena *a, size_t len);
/* Copies len bytes and a NUL into the arena; NULL when out of memory. */
char *cstat__arena_strndup(struct cstat__arena *a, const char *s, size_t len);

/* size bytes, freed by free(): on huge pages (where the system lends them
 * on request) when size is 1.75 MB or more, its whole 2 MB pages and a
 * tail of at least 7/8 of one, for memory written once through. */
void *cstat__big_alloc(size_t size);
/* cstat__big_alloc() of n * size bytes set to zero; NULL when out of
 * memory or when n * size overflows. */
void *cstat__big_calloc(size_t n, size_t size);
/*
 * Maps the pages of base from *mark up to some way past used (never past
 * cap bytes) at once, when used has passed *mark, and moves *mark there:
 * an array that grows by appending then costs the system one call per
 * run of pages instead of a fault per page.  *mark starts at 0 and stays
 * valid when the array is moved by realloc() (its bytes up to the old
 * length are then written).
 */
void cstat__prefault_more(void *base, size_t used, size_t cap, size_t *mark);
static inline void
cstat__prefault(void *base, size_t used, size_t cap, size_t *mark)
{
	if (used > *mark)
		cstat__prefault_more(base, used, cap, mark);
}
/*
 * Maps the whole pages of [p, p + len) at once (Linux's
 * MADV_POPULATE_WRITE; elsewhere nothing): for memory about to be
 * written all through, as one call instead of a fault per page, which on
 * a virtual machine costs twice as much for the same pages.
 */
void cstat__populate(void *p, size_t len);

/* Grows *ptr (of elements of size elem) to hold at least need elements. */
int cstat__grow(void **ptr, size_t *cap, size_t need, size_t elem);

/* A growable byte buffer, always NUL-terminated once anything is added. */
struct cstat__buf {
	char *data;
	size_t len, cap;
};

int cstat__buf_reserve(struct cstat__buf *b, size_t extra);
int cstat__buf_add(struct cstat__buf *b, const void *data, size_t len);
int cstat__buf_adds(struct cstat__buf *b, const char *s);
int cstat__buf_addc(struct cstat__buf *b, char c);
int cstat__buf_printf(struct cstat__buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cstat__buf_release(struct cstat__buf *b);

/*
 * A string table interns byte strings into dense ids 0, 1, 2, ...  Id 0 is
 * always the empty string.  Strings are stored NUL-terminated in the table's
 * arena, so cstat__strtab_str() stays valid until the table is released.
 */
struct cstat__strtab {
	struct cstat__arena arena;
	const char **strs; /* by id */
	uint32_t *lens;	   /* by id */
	uint32_t count, cap;
	uint32_t *slots;  /* open addressing: id + 1, 0 empty */
	uint64_t *hashes; /* by id */
	size_t nslots;
};

int cstat__strtab_init(struct cstat__strtab *t);
void cstat__strtab_release(struct cstat__strtab *t);
/* Interns s; sets *id.  Returns 0 or CSTAT_ENOMEM. */
int cstat__strtab_intern(struct cstat__strtab *t, const char *s, size_t len,
			 uint32_t *id);
/* Frees the hash of a table that is only read from now on (its strings
 * stay); a later intern builds it again. */
void cstat__strtab_seal(struct cstat__strtab *t);
/* Looks s up without adding it: the id, or UINT32_MAX when absent. */
uint32_t cstat__strtab_find(const struct cstat__strtab *t, const char *s,
			    size_t len);

static inline const char *
cstat__strtab_str(const struct cstat__strtab *t, uint32_t id)
{
	return t->strs[id];
}

static inline uint32_t
cstat__strtab_len(const struct cstat__strtab *t, uint32_t id)
{
	return t->lens[id];
}

/*
 * A map from 64-bit keys to 32-bit values: the builder's (table, row)
 * -> row-slot lookups, a sequence table's roots, and others.
 */
struct cstat__u64map {
	uint64_t *keys;
	uint32_t *vals;
	size_t nslots, count;
};

int cstat__u64map_init(struct cstat__u64map *m);
void cstat__u64map_release(struct cstat__u64map *m);
/* *val gets the value of key, or UINT32_MAX when absent. */
uint32_t cstat__u64map_get(const struct cstat__u64map *m, uint64_t key);
int cstat__u64map_put(struct cstat__u64map *m, uint64_t key, uint32_t val);

/*
 * A pool of double arrays that grow: blocks come from an arena in size
 * classes (4, 6, 9, 13, ... doubles), and a block outgrown by its array
 * goes to a free list for the next array of that size.  Growing costs a
 * copy and no malloc; everything is freed at once with the pool.  Arrays
 * too large for the classes use malloc and are tracked for release.
 */
#define CSTAT__VPOOL_CLASSES 24

struct cstat__vpool {
	struct cstat__arena arena;
	void *free_lists[CSTAT__VPOOL_CLASSES];
	void **big; /* malloc'd arrays beyond the classes */
	size_t nbig, big_cap;
};

void cstat__vpool_init(struct cstat__vpool *p);
void cstat__vpool_release(struct cstat__vpool *p);
/*
 * Grows the array *vals (holding n values, capacity *cap) to hold at least
 * n + 1.  @return 0 or CSTAT_ENOMEM (the array is unchanged).
 */
int cstat__vpool_grow(struct cstat__vpool *p, double **vals, uint32_t n,
		      uint32_t *cap);

/*
 * A sequence table interns sequences of 32-bit values into dense ids, as
 * trees of CSTAT__SEQ_WIDTH-wide nodes that are interned themselves
 * (seqtab.c): sequences that share most of their values share most of
 * their nodes, so n sequences of up to n values that each differ from the
 * last in a few places cost O(n) memory, not O(n * n).  Trailing zeros are
 * not part of a sequence: (1, 2) and (1, 2, 0) are one sequence.
 */
#define CSTAT__SEQ_WIDTH 32
#define CSTAT__SEQ_LEVELS 7 /* 32^7 values: more than a size of 2^32 */

struct cstat__seq {
	uint32_t root, len;
	unsigned height; /* 0: the root is a leaf */
};

struct cstat__seqtab {
	uint32_t *nodes; /* CSTAT__SEQ_WIDTH values or node ids per node */
	size_t nodes_cap;
	uint64_t *nhash; /* by node */
	size_t nhash_cap;
	uint32_t nnodes; /* node 0 is all zeros */
	uint32_t *slots; /* open addressing: node id, 0 empty */
	size_t nslots;
	struct cstat__seq *seqs; /* by id */
	size_t seqs_cap;
	uint32_t count;
	struct cstat__u64map by_root; /* root << 8 | height -> id */
	/* The id the last lookup gave, + 1 (0: none): sequences come back
	 * in the order they were first interned (a second file lists the
	 * same benchmarks as the first), so the one after it is tried
	 * before the map, which is read in cold memory. */
	uint32_t last;
	/* The last sequence interned and its leaves: the next one hashes
	 * only the leaves that differ. */
	uint32_t *prev, *prev_leaf, *level;
	size_t prev_len, prev_cap, prev_leaf_cap, level_cap;
	/* For cstat__seqtab_intern_at(): the node ids of every level of the
	 * last vector's whole tree (inc[0]: its leaves), kept between calls
	 * so that a change costs the paths to it. */
	uint32_t *inc[CSTAT__SEQ_LEVELS];
	size_t inc_cap[CSTAT__SEQ_LEVELS];
	size_t inc_n;	  /* the vector's length */
	unsigned inc_top; /* its root's level */
	bool inc_valid;
};

int cstat__seqtab_init(struct cstat__seqtab *t);
void cstat__seqtab_release(struct cstat__seqtab *t);
/*
 * Interns v[0..n); *id gets its id, *added whether it is new.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__seqtab_intern(struct cstat__seqtab *t, const uint32_t *v, size_t n,
			 uint32_t *id, bool *added);
/*
 * Interns v[0..n) like cstat__seqtab_intern(), when v is the vector of the
 * last call of this function on t changed only at the positions dirty[0..
 * ndirty) (duplicates allowed) and past that vector's length n, which
 * never shrinks; all: anywhere (the first call is always so).  One
 * vector that changes in place, such as a projection's row: the cost is
 * the paths to the changed values, not the length of v.
 * @return 0 or CSTAT_ENOMEM (then the next call must pass all).
 */
int cstat__seqtab_intern_at(struct cstat__seqtab *t, const uint32_t *v,
			    size_t n, const uint32_t *dirty, size_t ndirty,
			    bool all, uint32_t *id, bool *added);
/*
 * Frees what only interning needs (the hash tables, the last sequence):
 * the sequences can still be read, compared and filled, never interned
 * again.  For a builder that is done adding.
 */
void cstat__seqtab_seal(struct cstat__seqtab *t);
/* Value i of sequence id (0 past its end), in O(log n). */
uint32_t cstat__seqtab_get(const struct cstat__seqtab *t, uint32_t id,
			   size_t i);
/* The length of sequence id, trailing zeros dropped. */
static inline size_t
cstat__seqtab_len(const struct cstat__seqtab *t, uint32_t id)
{
	return t->seqs[id].len;
}
/* Writes sequence id's first n values (zeros past its end) into out. */
void cstat__seqtab_fill(const struct cstat__seqtab *t, uint32_t id,
			uint32_t *out, size_t n);
/*
 * The first i in [lo, hi) where sequences a and b differ, or hi: shared
 * subtrees are skipped whole, so this costs the path to the difference.
 */
size_t cstat__seqtab_diff(const struct cstat__seqtab *t, uint32_t a, uint32_t b,
			  size_t lo, size_t hi);

#endif /* CSTAT_CONTAINERS_H */
