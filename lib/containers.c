/*
 * containers.c - the small containers of libcstat: an arena, a growable
 * buffer, a string table that interns bytes into dense ids, a map from
 * 64-bit keys, and a pool of growing value arrays (containers.h; the
 * sequence table is seqtab.c).
 *
 * They exist so the reader and the builder can handle a million results
 * without a malloc per token: strings are interned once into an arena and
 * referred to by dense 32-bit ids from then on.
 */
/* madvise() and MADV_HUGEPAGE (cstat__big_alloc()). */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "cstat-private.h"

/* Huge pages' size, where the system has them (Linux's on x86-64). */
#define HUGE_PAGE ((size_t)2 << 20)

/*
 * size bytes (freed by free()), on huge pages when it is large and the
 * system lends them on request (madvise(MADV_HUGEPAGE), Linux; elsewhere
 * plain malloc()): memory written once through, such as a large gate's
 * comparisons (16 MB for 60,000) or a page's values, then costs the
 * system a fault per 2 MB instead of one per 4 kB page, and on a virtual
 * machine each fault costs more than writing its page.
 */
void *
cstat__big_alloc(size_t size)
{
#if defined(MADV_HUGEPAGE)
	if (size >= HUGE_PAGE - HUGE_PAGE / 8 && size <= SIZE_MAX - HUGE_PAGE) {
		size_t whole = (size + HUGE_PAGE - 1) / HUGE_PAGE;
		void *p = aligned_alloc(HUGE_PAGE, whole * HUGE_PAGE);
		/* A tail of less than 7/8 of a huge page stays on small
		 * pages, so that at most 1/8 of one is held that was not asked
		 * for. */
		if (size % HUGE_PAGE &&
		    size % HUGE_PAGE < HUGE_PAGE - HUGE_PAGE / 8)
			whole--;
		if (p && whole)
			madvise(p, whole * HUGE_PAGE, MADV_HUGEPAGE);
		return p;
	}
#endif
	return malloc(size);
}

/* Pages written ahead of an array's end at a time (cstat__prefault()). */
#define PREFAULT_AHEAD ((size_t)64 << 10)
/* The small page madvise() takes ranges of.  Where pages are larger the
 * call fails on a misaligned range and the pages are faulted as before. */
#define SMALL_PAGE ((uintptr_t)4096)

void
cstat__populate(void *p, size_t len)
{
#if defined(MADV_POPULATE_WRITE)
	uintptr_t from = ((uintptr_t)p + SMALL_PAGE - 1) & ~(SMALL_PAGE - 1);
	uintptr_t to = ((uintptr_t)p + len) & ~(SMALL_PAGE - 1);
	/* An error (a system without it) leaves the pages to be faulted in
	 * one by one as before. */
	if (to > from)
		madvise((void *)from, to - from, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)len;
#endif
}

void
cstat__prefault_more(void *base, size_t used, size_t cap, size_t *mark)
{
	size_t end = used < cap && cap - used > PREFAULT_AHEAD
			     ? used + PREFAULT_AHEAD
			     : cap;
	/* From the page holding the mark: it was left out last time, being
	 * only partly before it. */
	uintptr_t from = ((uintptr_t)base + *mark) & ~(SMALL_PAGE - 1);
	if ((uintptr_t)base + end > from)
		cstat__populate((void *)from, (uintptr_t)base + end - from);
	*mark = end;
}

void *
cstat__big_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		return NULL;
	size_t len = n * size;
	void *p = cstat__big_alloc(len > 0 ? len : 1);

	if (p) {
		cstat__populate(p, len);
		memset(p, 0, len);
	}
	return p;
}

struct cstat__arena_block {
	struct cstat__arena_block *next;
	size_t used, size;
	size_t mapped; /* cstat__prefault()'s mark */
	max_align_t data[];
};

/* Makes b (NULL when out of memory), of size bytes of data, a's block
 * to allocate from.  @return b. */
static struct cstat__arena_block *
push_block(struct cstat__arena *a, struct cstat__arena_block *b, size_t size)
{
	if (b) {
		b->size = size;
		b->used = 0;
		b->mapped = 0;
		b->next = a->head;
		a->head = b;
	}
	return b;
}

void
cstat__arena_init(struct cstat__arena *a)
{
	a->head = NULL;
	a->block_size = 4096;
}

void
cstat__arena_release(struct cstat__arena *a)
{
	struct cstat__arena_block *b = a->head;

	while (b) {
		struct cstat__arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}

void *
cstat__arena_alloc(struct cstat__arena *a, size_t len)
{
	return cstat__arena_alloc_aligned(a, len, _Alignof(max_align_t));
}

void *
cstat__arena_alloc_aligned(struct cstat__arena *a, size_t len, size_t align)
{
	struct cstat__arena_block *b = a->head;
	size_t at = b ? (b->used + align - 1) & ~(align - 1) : 0;

	if (!b || at > b->size || b->size - at < len) {
		size_t size = a->block_size;

		if (size < (size_t)1 << 20)
			a->block_size *= 2;
		if (size < len)
			size = len;
		/* Block data is aligned for any type (max_align_t). */
		b = push_block(a, malloc(sizeof(*b) + size), size);
		if (!b)
			return NULL;
		at = 0;
	}
	void *p = (char *)b->data + at;
	b->used = at + len;
	cstat__prefault(b->data, b->used, b->size, &b->mapped);
	return p;
}

int
cstat__arena_reserve(struct cstat__arena *a, size_t len)
{
	struct cstat__arena_block *b;

	if (len > SIZE_MAX - sizeof(*b) - HUGE_PAGE)
		return CSTAT_ENOMEM;
	b = push_block(a, cstat__big_alloc(sizeof(*b) + len), len);
	return b ? 0 : CSTAT_ENOMEM;
}

char *
cstat__arena_strndup(struct cstat__arena *a, const char *s, size_t len)
{
	char *p = cstat__arena_alloc(a, len + 1);

	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

int
cstat__grow(void **ptr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	void *p = realloc(*ptr, ncap * elem);
	if (!p)
		return CSTAT_ENOMEM;
	*ptr = p;
	*cap = ncap;
	return 0;
}

int
cstat__buf_reserve(struct cstat__buf *b, size_t extra)
{
	return cstat__grow((void **)&b->data, &b->cap, b->len + extra + 1, 1);
}

int
cstat__buf_add(struct cstat__buf *b, const void *data, size_t len)
{
	if (cstat__buf_reserve(b, len))
		return CSTAT_ENOMEM;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int
cstat__buf_adds(struct cstat__buf *b, const char *s)
{
	return cstat__buf_add(b, s, strlen(s));
}

int
cstat__buf_addc(struct cstat__buf *b, char c)
{
	return cstat__buf_add(b, &c, 1);
}

int
cstat__buf_printf(struct cstat__buf *b, const char *fmt, ...)
{
	va_list ap;
	char small[256];

	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return CSTAT_EINVAL;
	if ((size_t)n < sizeof(small))
		return cstat__buf_add(b, small, (size_t)n);
	if (cstat__buf_reserve(b, (size_t)n))
		return CSTAT_ENOMEM;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

void
cstat__buf_release(struct cstat__buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/* Open addressing with linear probing; tables stay at most half full. */
static int
slots_rehash(uint32_t **slots, size_t *nslots, const uint64_t *hashes,
	     uint32_t count)
{
	size_t n = *nslots ? *nslots * 2 : 64;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return CSTAT_ENOMEM;
	/* Its slots are written all over: mapped at once. */
	cstat__populate(s, n * sizeof(*s));
	for (uint32_t id = 0; id < count; id++) {
		size_t i = hashes[id] & (n - 1);
		while (s[i])
			i = (i + 1) & (n - 1);
		s[i] = id + 1;
	}
	free(*slots);
	*slots = s;
	*nslots = n;
	return 0;
}

int
cstat__strtab_init(struct cstat__strtab *t)
{
	uint32_t id;

	memset(t, 0, sizeof(*t));
	cstat__arena_init(&t->arena);
	return cstat__strtab_intern(t, "", 0, &id);
}

void
cstat__strtab_release(struct cstat__strtab *t)
{
	cstat__arena_release(&t->arena);
	free(t->strs);
	free(t->lens);
	free(t->slots);
	free(t->hashes);
	memset(t, 0, sizeof(*t));
}

void
cstat__strtab_seal(struct cstat__strtab *t)
{
	free(t->slots);
	free(t->hashes);
	t->slots = NULL;
	t->hashes = NULL;
	t->nslots = 0;
}

/* A sealed table's hash again, for an intern after the seal. */
static int
unseal(struct cstat__strtab *t)
{
	t->hashes = malloc((t->cap + 1) * sizeof(*t->hashes));
	if (!t->hashes)
		return CSTAT_ENOMEM;
	for (uint32_t id = 0; id < t->count; id++)
		t->hashes[id] = cstat__hash_bytes(t->strs[id], t->lens[id], 0);
	/* slots_rehash() doubles nslots: start at half the size wanted. */
	size_t n = 64;
	while (n < 2 * (size_t)t->count + 2)
		n *= 2;
	t->nslots = n / 2;
	if (slots_rehash(&t->slots, &t->nslots, t->hashes, t->count)) {
		t->nslots = 0;
		free(t->hashes);
		t->hashes = NULL;
		return CSTAT_ENOMEM;
	}
	return 0;
}

uint32_t
cstat__strtab_find(const struct cstat__strtab *t, const char *s, size_t len)
{
	/* Sealed: look without a hash (no caller does it often). */
	for (uint32_t id = 0; !t->nslots && id < t->count; id++)
		if (t->lens[id] == len && memcmp(t->strs[id], s, len) == 0)
			return id;
	if (!t->nslots)
		return UINT32_MAX;
	uint64_t h = cstat__hash_bytes(s, len, 0);
	size_t mask = t->nslots - 1;
	for (size_t i = h & mask; t->slots[i]; i = (i + 1) & mask) {
		uint32_t id = t->slots[i] - 1;
		if (t->hashes[id] == h && t->lens[id] == len &&
		    memcmp(t->strs[id], s, len) == 0)
			return id;
	}
	return UINT32_MAX;
}

int
cstat__strtab_intern(struct cstat__strtab *t, const char *s, size_t len,
		     uint32_t *id)
{
	if (!t->nslots && t->count && unseal(t))
		return CSTAT_ENOMEM;
	uint64_t h = cstat__hash_bytes(s, len, 0);

	if (t->nslots) {
		size_t mask = t->nslots - 1;
		for (size_t i = h & mask; t->slots[i]; i = (i + 1) & mask) {
			uint32_t k = t->slots[i] - 1;
			if (t->hashes[k] == h && t->lens[k] == len &&
			    memcmp(t->strs[k], s, len) == 0) {
				*id = k;
				return 0;
			}
		}
	}
	if (len > UINT32_MAX || t->count == UINT32_MAX - 1)
		return CSTAT_ENOMEM;
	if (t->count == t->cap) {
		size_t cap = t->cap, c2 = t->cap, c3 = t->cap;
		if (cstat__grow((void **)&t->strs, &cap, t->count + 1,
				sizeof(*t->strs)) ||
		    cstat__grow((void **)&t->lens, &c2, t->count + 1,
				sizeof(*t->lens)) ||
		    cstat__grow((void **)&t->hashes, &c3, t->count + 1,
				sizeof(*t->hashes)))
			return CSTAT_ENOMEM;
		/* All three grow alike from the same capacity. */
		t->cap = (uint32_t)cap;
	}
	char *copy = cstat__arena_strndup(&t->arena, s, len);
	if (!copy)
		return CSTAT_ENOMEM;
	uint32_t k = t->count;
	t->strs[k] = copy;
	t->lens[k] = (uint32_t)len;
	t->hashes[k] = h;
	t->count++;
	if (t->count * 2 > t->nslots) {
		if (slots_rehash(&t->slots, &t->nslots, t->hashes, t->count)) {
			t->count--;
			return CSTAT_ENOMEM;
		}
	} else {
		size_t mask = t->nslots - 1, i = h & mask;
		while (t->slots[i])
			i = (i + 1) & mask;
		t->slots[i] = k + 1;
	}
	*id = k;
	return 0;
}

#define U64MAP_EMPTY UINT64_MAX

int
cstat__u64map_init(struct cstat__u64map *m)
{
	memset(m, 0, sizeof(*m));
	return 0;
}

void
cstat__u64map_release(struct cstat__u64map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static inline size_t
u64_slot(uint64_t key, size_t mask)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return key & mask;
}

uint32_t
cstat__u64map_get(const struct cstat__u64map *m, uint64_t key)
{
	if (!m->nslots)
		return UINT32_MAX;
	size_t mask = m->nslots - 1;
	for (size_t i = u64_slot(key, mask); m->keys[i] != U64MAP_EMPTY;
	     i = (i + 1) & mask)
		if (m->keys[i] == key)
			return m->vals[i];
	return UINT32_MAX;
}

static int
u64map_rehash(struct cstat__u64map *m)
{
	size_t n = m->nslots ? m->nslots * 2 : 256;
	uint64_t *keys = malloc(n * sizeof(*keys));
	uint32_t *vals = malloc(n * sizeof(*vals));

	if (!keys || !vals) {
		free(keys);
		free(vals);
		return CSTAT_ENOMEM;
	}
	cstat__populate(keys, n * sizeof(*keys));
	cstat__populate(vals, n * sizeof(*vals));
	memset(keys, 0xff, n * sizeof(*keys));
	for (size_t j = 0; j < m->nslots; j++) {
		if (m->keys[j] == U64MAP_EMPTY)
			continue;
		size_t i = u64_slot(m->keys[j], n - 1);
		while (keys[i] != U64MAP_EMPTY)
			i = (i + 1) & (n - 1);
		keys[i] = m->keys[j];
		vals[i] = m->vals[j];
	}
	free(m->keys);
	free(m->vals);
	m->keys = keys;
	m->vals = vals;
	m->nslots = n;
	return 0;
}

int
cstat__u64map_put(struct cstat__u64map *m, uint64_t key, uint32_t val)
{
	if ((m->count + 1) * 2 > m->nslots && u64map_rehash(m))
		return CSTAT_ENOMEM;
	size_t mask = m->nslots - 1, i = u64_slot(key, mask);
	while (m->keys[i] != U64MAP_EMPTY && m->keys[i] != key)
		i = (i + 1) & mask;
	if (m->keys[i] == U64MAP_EMPTY)
		m->count++;
	m->keys[i] = key;
	m->vals[i] = val;
	return 0;
}

/*
 * The capacity of each size class: 4, 6, then growing by half.  10 is a
 * class because 10 values per cell is the common case (go test -count
 * 10): they fill a block exactly, where the classes 9 and 13 left a
 * quarter of every cell empty (12 MB of a history of 500,000 cells).
 */
static const uint32_t vpool_caps[CSTAT__VPOOL_CLASSES] = {
	4,    6,    10,	  15,	22,    33,    49,    73,
	109,  163,  244,  366,	549,   823,   1234,  1851,
	2776, 4164, 6246, 9369, 14053, 21079, 31618, 47427,
};

static uint32_t
vpool_class_cap(int k)
{
	return vpool_caps[k];
}

void
cstat__vpool_init(struct cstat__vpool *p)
{
	memset(p, 0, sizeof(*p));
	cstat__arena_init(&p->arena);
}

void
cstat__vpool_release(struct cstat__vpool *p)
{
	for (size_t i = 0; i < p->nbig; i++)
		free(p->big[i]);
	free(p->big);
	cstat__arena_release(&p->arena);
	memset(p, 0, sizeof(*p));
}

static int
vpool_class_of(uint32_t cap)
{
	for (int k = 0; k < CSTAT__VPOOL_CLASSES; k++)
		if (vpool_caps[k] == cap)
			return k;
	return -1;
}

int
cstat__vpool_grow(struct cstat__vpool *p, double **vals, uint32_t n,
		  uint32_t *cap)
{
	int k = *cap ? vpool_class_of(*cap) + 1 : 0;
	double *nv;
	uint32_t ncap;

	if (*cap && k == 0) {
		/* Already beyond the classes: a malloc'd array. */
		size_t i;
		for (i = 0; i < p->nbig && p->big[i] != *vals; i++)
			;
		if (*cap > UINT32_MAX / 2 - 1)
			return CSTAT_ENOMEM;
		ncap = *cap + *cap / 2;
		nv = realloc(*vals, (size_t)ncap * sizeof(*nv));
		if (!nv)
			return CSTAT_ENOMEM;
		p->big[i] = nv;
		*vals = nv;
		*cap = ncap;
		return 0;
	}
	if (k < CSTAT__VPOOL_CLASSES) {
		ncap = vpool_class_cap(k);
		if (p->free_lists[k]) {
			nv = p->free_lists[k];
			memcpy(&p->free_lists[k], nv, sizeof(void *));
		} else {
			nv = cstat__arena_alloc_aligned(
				&p->arena, (size_t)ncap * sizeof(*nv),
				sizeof(*nv));
			if (!nv)
				return CSTAT_ENOMEM;
		}
	} else {
		ncap = vpool_class_cap(CSTAT__VPOOL_CLASSES - 1);
		ncap += ncap / 2;
		if (cstat__grow((void **)&p->big, &p->big_cap, p->nbig + 1,
				sizeof(*p->big)))
			return CSTAT_ENOMEM;
		nv = malloc((size_t)ncap * sizeof(*nv));
		if (!nv)
			return CSTAT_ENOMEM;
		p->big[p->nbig++] = nv;
	}
	if (n)
		memcpy(nv, *vals, (size_t)n * sizeof(*nv));
	if (*cap && k - 1 < CSTAT__VPOOL_CLASSES) {
		/* The outgrown block joins its class's free list. */
		memcpy(*vals, &p->free_lists[k - 1], sizeof(void *));
		p->free_lists[k - 1] = *vals;
	}
	*vals = nv;
	*cap = ncap;
	return 0;
}
