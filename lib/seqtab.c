/*
 * seqtab.c - interned sequences of 32-bit values that share their parts.
 *
 * A sequence is a tree of 32-wide nodes: leaves hold values, inner nodes
 * hold node ids.  Nodes are interned (hash-consed), so equal subtrees are
 * one node and a sequence that differs from an earlier one in a few places
 * costs only the paths to those places.  A configuration that gains a key
 * before each result makes sequences of 1, 2, ..., n values: as arrays
 * they would take n * n / 2 words, as trees a few nodes each.  Node 0 is
 * all zeros at every level, so long runs of empty values cost nothing.
 *
 * A sequence of one value (a row key of one field: a benchmark's name) is
 * kept without a node, its value as its root (height SINGLE): a node
 * would cost 128 bytes and a hash for each of 100,000s of names.
 */
#include <stdlib.h>
#include <string.h>

#include "cstat-private.h"

#define W CSTAT__SEQ_WIDTH
#define BITS 5	     /* log2(W) */
#define SINGLE 0xffu /* the height of a sequence of one value */

int
cstat__seqtab_init(struct cstat__seqtab *t)
{
	memset(t, 0, sizeof(*t));
	t->nodes = calloc(W, sizeof(*t->nodes));
	t->nhash = calloc(1, sizeof(*t->nhash));
	if (!t->nodes || !t->nhash) {
		cstat__seqtab_release(t);
		return CSTAT_ENOMEM;
	}
	t->nodes_cap = W;
	t->nhash_cap = 1;
	t->nnodes = 1; /* node 0: zeros */
	return cstat__u64map_init(&t->by_root);
}

void
cstat__seqtab_release(struct cstat__seqtab *t)
{
	free(t->nodes);
	free(t->nhash);
	free(t->slots);
	free(t->seqs);
	free(t->prev);
	free(t->prev_leaf);
	free(t->level);
	for (int l = 0; l < CSTAT__SEQ_LEVELS; l++)
		free(t->inc[l]);
	cstat__u64map_release(&t->by_root);
	memset(t, 0, sizeof(*t));
}

static int
node_rehash(struct cstat__seqtab *t)
{
	size_t n = t->nslots ? t->nslots * 2 : 256;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return CSTAT_ENOMEM;
	for (uint32_t id = 1; id < t->nnodes; id++) {
		size_t i = t->nhash[id] & (n - 1);
		while (s[i])
			i = (i + 1) & (n - 1);
		s[i] = id;
	}
	free(t->slots);
	t->slots = s;
	t->nslots = n;
	return 0;
}

/* The id of the node holding v[0..W), made if new. */
static int
node_intern(struct cstat__seqtab *t, const uint32_t *v, uint32_t *id)
{
	uint64_t h = cstat__hash_u32s(v, W);
	size_t mask = t->nslots - 1;
	size_t i;

	for (i = 0; i < W && !v[i]; i++)
		;
	if (i == W) {
		*id = 0;
		return 0;
	}
	if (t->nslots)
		for (i = h & mask; t->slots[i]; i = (i + 1) & mask) {
			uint32_t k = t->slots[i];
			if (t->nhash[k] == h &&
			    memcmp(t->nodes + (size_t)k * W, v,
				   W * sizeof(*v)) == 0) {
				*id = k;
				return 0;
			}
		}
	if (t->nnodes == UINT32_MAX)
		return CSTAT_ENOMEM;
	if (cstat__grow((void **)&t->nodes, &t->nodes_cap,
			((size_t)t->nnodes + 1) * W, sizeof(*t->nodes)) ||
	    cstat__grow((void **)&t->nhash, &t->nhash_cap,
			(size_t)t->nnodes + 1, sizeof(*t->nhash)))
		return CSTAT_ENOMEM;
	uint32_t k = t->nnodes++;
	memcpy(t->nodes + (size_t)k * W, v, W * sizeof(*v));
	t->nhash[k] = h;
	if ((size_t)t->nnodes * 2 > t->nslots) {
		if (node_rehash(t)) {
			t->nnodes--;
			return CSTAT_ENOMEM;
		}
	} else {
		mask = t->nslots - 1;
		for (i = h & mask; t->slots[i]; i = (i + 1) & mask)
			;
		t->slots[i] = k;
	}
	*id = k;
	return 0;
}

/* Interns the n ids at v (zero-padded to whole nodes) in place: v[0..)
 * gets the ids of the level above.  Returns how many. */
static int
level_up(struct cstat__seqtab *t, uint32_t *v, size_t n, size_t *out)
{
	uint32_t chunk[W];
	size_t m = (n + W - 1) / W;

	for (size_t c = 0; c < m; c++) {
		size_t k = n - c * W < W ? n - c * W : W;
		memset(chunk, 0, sizeof(chunk));
		memcpy(chunk, v + c * W, k * sizeof(*v));
		int rc = node_intern(t, chunk, &v[c]);
		if (rc)
			return rc;
	}
	*out = m;
	return 0;
}

/*
 * The leaves of v[0..n): a chunk equal to the last sequence's is not
 * hashed again, so interning a sequence that differs from the last in a
 * few values hashes a few leaves.
 */
static int
leaves(struct cstat__seqtab *t, const uint32_t *v, size_t n, size_t m)
{
	uint32_t chunk[W];

	for (size_t c = 0; c < m; c++) {
		size_t k = n - c * W < W ? n - c * W : W;
		if (c * W + k <= t->prev_len && k == W &&
		    memcmp(t->prev + c * W, v + c * W, W * sizeof(*v)) == 0) {
			t->level[c] = t->prev_leaf[c];
			continue;
		}
		memset(chunk, 0, sizeof(chunk));
		memcpy(chunk, v + c * W, k * sizeof(*v));
		int rc = node_intern(t, chunk, &t->level[c]);
		if (rc)
			return rc;
	}
	return 0;
}

/* Keeps v[0..n) and its leaves for the next intern's comparison. */
static int
remember(struct cstat__seqtab *t, const uint32_t *v, size_t n, size_t m)
{
	if (cstat__grow((void **)&t->prev, &t->prev_cap, n + 1,
			sizeof(*t->prev)) ||
	    cstat__grow((void **)&t->prev_leaf, &t->prev_leaf_cap, m + 1,
			sizeof(*t->prev_leaf))) {
		t->prev_len = 0;
		return CSTAT_ENOMEM;
	}
	if (n)
		memcpy(t->prev, v, n * sizeof(*v));
	memcpy(t->prev_leaf, t->level, m * sizeof(*t->level));
	t->prev_len = n;
	return 0;
}

/* The id of the sequence of n values with this root and height, made if
 * new. */
static int
seq_find(struct cstat__seqtab *t, uint32_t root, unsigned height, size_t n,
	 uint32_t *id, bool *added)
{
	uint64_t key = ((uint64_t)root << 8) | height;
	uint32_t next = t->last;

	*added = false;
	/* (root, height) is the map's key: equal, the same sequence. */
	if (next < t->count && t->seqs[next].root == root &&
	    t->seqs[next].height == height) {
		*id = next;
		t->last = next + 1;
		return 0;
	}
	uint32_t found = cstat__u64map_get(&t->by_root, key);
	if (found != UINT32_MAX) {
		*id = found;
		t->last = found + 1;
		return 0;
	}
	if (t->count == UINT32_MAX - 1 ||
	    cstat__grow((void **)&t->seqs, &t->seqs_cap, (size_t)t->count + 1,
			sizeof(*t->seqs)))
		return CSTAT_ENOMEM;
	int rc = cstat__u64map_put(&t->by_root, key, t->count);
	if (rc)
		return rc;
	t->seqs[t->count] = (struct cstat__seq){root, (uint32_t)n, height};
	*id = t->count++;
	t->last = t->count;
	*added = true;
	return 0;
}

int
cstat__seqtab_intern(struct cstat__seqtab *t, const uint32_t *v, size_t n,
		     uint32_t *id, bool *added)
{
	uint32_t root = 0;
	unsigned height = 0;
	int rc;

	*added = false;
	while (n > 0 && v[n - 1] == 0)
		n--;
	if (n > UINT32_MAX)
		return CSTAT_ENOMEM;
	if (n == 1) {
		root = v[0];
		height = SINGLE;
		goto find;
	}
	size_t m = (n + W - 1) / W;
	if (cstat__grow((void **)&t->level, &t->level_cap, m + 1,
			sizeof(*t->level)))
		return CSTAT_ENOMEM;
	rc = leaves(t, v, n, m);
	if (!rc)
		rc = remember(t, v, n, m);
	if (rc)
		return rc;
	if (m)
		root = t->level[0];
	for (size_t k = m; k > 1; height++) {
		rc = level_up(t, t->level, k, &k);
		if (rc)
			return rc;
		root = t->level[0];
	}
find:
	return seq_find(t, root, height, n, id, added);
}

void
cstat__seqtab_seal(struct cstat__seqtab *t)
{
	free(t->slots);
	free(t->nhash);
	free(t->prev);
	free(t->prev_leaf);
	free(t->level);
	for (int l = 0; l < CSTAT__SEQ_LEVELS; l++) {
		free(t->inc[l]);
		t->inc[l] = NULL;
		t->inc_cap[l] = 0;
	}
	t->inc_valid = false;
	cstat__u64map_release(&t->by_root);
	t->slots = NULL;
	t->nhash = NULL;
	t->prev = t->prev_leaf = t->level = NULL;
	t->nslots = t->nhash_cap = 0;
	t->prev_len = t->prev_cap = t->prev_leaf_cap = t->level_cap = 0;
}

uint32_t
cstat__seqtab_get(const struct cstat__seqtab *t, uint32_t id, size_t i)
{
	const struct cstat__seq *s = &t->seqs[id];
	uint32_t node = s->root;

	if (i >= s->len)
		return 0;
	if (s->height == SINGLE)
		return s->root;
	for (unsigned h = s->height; h > 0; h--)
		node = t->nodes[(size_t)node * W +
				((i >> (BITS * h)) & (W - 1))];
	return t->nodes[(size_t)node * W + (i & (W - 1))];
}

/* How many values a tree of height h spans. */
static size_t
span(unsigned h)
{
	size_t s = W;

	while (h-- > 0)
		s *= W;
	return s;
}

/* The first i in [lo, hi) where nodes a and b (of height h, covering
 * [base, base + span(h))) differ, or hi. */
static size_t
node_diff(const struct cstat__seqtab *t, uint32_t a, uint32_t b, unsigned h,
	  size_t base, size_t lo, size_t hi)
{
	const uint32_t *na = t->nodes + (size_t)a * W;
	const uint32_t *nb = t->nodes + (size_t)b * W;
	size_t each = h ? span(h - 1) : 1;

	if (a == b)
		return hi;
	for (size_t j = 0; j < W; j++) {
		size_t from = base + j * each;
		if (from >= hi)
			break;
		if (from + each <= lo || na[j] == nb[j])
			continue;
		if (h == 0)
			return from;
		size_t r = node_diff(t, na[j], nb[j], h - 1, from, lo, hi);
		if (r < hi)
			return r;
	}
	return hi;
}

size_t
cstat__seqtab_diff(const struct cstat__seqtab *t, uint32_t a, uint32_t b,
		   size_t lo, size_t hi)
{
	const struct cstat__seq *sa = &t->seqs[a], *sb = &t->seqs[b];

	if (a == b || lo >= hi)
		return hi;
	/* A sequence of one value: compare value by value. */
	if (sa->height == SINGLE || sb->height == SINGLE) {
		size_t end = sa->len > sb->len ? sa->len : sb->len;
		for (size_t i = lo; i < hi && i < end; i++)
			if (cstat__seqtab_get(t, a, i) !=
			    cstat__seqtab_get(t, b, i))
				return i;
		return hi;
	}
	if (sa->height < sb->height) {
		const struct cstat__seq *x = sa;
		sa = sb;
		sb = x;
	}
	/* sa is the taller: its leftmost subtree of sb's height covers what
	 * sb does; beyond it, sb is all zeros. */
	uint32_t left = sa->root;
	for (unsigned h = sa->height; h > sb->height; h--)
		left = t->nodes[(size_t)left * W];
	size_t cover = span(sb->height);
	size_t r = node_diff(t, left, sb->root, sb->height, 0, lo,
			     hi < cover ? hi : cover);
	if (r < (hi < cover ? hi : cover))
		return r;
	if (hi <= cover)
		return hi;
	return node_diff(t, sa->root, 0, sa->height, 0, lo > cover ? lo : cover,
			 hi);
}

/* Writes the non-zero values under node (height h, at base) into out. */
static void
node_fill(const struct cstat__seqtab *t, uint32_t node, unsigned h, size_t base,
	  uint32_t *out, size_t n)
{
	const uint32_t *nd = t->nodes + (size_t)node * W;
	size_t each = h ? span(h - 1) : 1;

	for (size_t j = 0; j < W && base + j * each < n; j++) {
		if (!nd[j])
			continue;
		if (h == 0)
			out[base + j] = nd[j];
		else
			node_fill(t, nd[j], h - 1, base + j * each, out, n);
	}
}

void
cstat__seqtab_fill(const struct cstat__seqtab *t, uint32_t id, uint32_t *out,
		   size_t n)
{
	const struct cstat__seq *s = &t->seqs[id];

	if (n)
		memset(out, 0, n * sizeof(*out));
	if (s->height == SINGLE) {
		if (n)
			out[0] = s->root;
		return;
	}
	node_fill(t, s->root, s->height, 0, out, n);
}

/* Nodes at level l (0: leaves) of a vector of n values. */
static size_t
inc_count(size_t n, unsigned l)
{
	size_t m = n ? (n + W - 1) / W : 1;

	while (l-- > 0)
		m = (m + W - 1) / W;
	return m;
}

/* Makes node c of level l (0: from v[0..n), else from level l - 1). */
static int
inc_node(struct cstat__seqtab *t, const uint32_t *v, size_t n, unsigned l,
	 size_t c)
{
	uint32_t chunk[W];
	const uint32_t *src = l ? t->inc[l - 1] : v;
	size_t have = l ? inc_count(n, l - 1) : n;
	size_t k = c * W < have ? have - c * W : 0;

	if (k > W)
		k = W;
	memset(chunk, 0, sizeof(chunk));
	if (k)
		memcpy(chunk, src + c * W, k * sizeof(*src));
	return node_intern(t, chunk, &t->inc[l][c]);
}

/* Room for every level of a vector of n values; new nodes are zeros. */
static int
inc_grow(struct cstat__seqtab *t, size_t n, unsigned *top)
{
	unsigned l = 0;

	for (;; l++) {
		if (l >= CSTAT__SEQ_LEVELS)
			return CSTAT_ENOMEM;
		size_t m = inc_count(n, l), old = t->inc_cap[l];
		if (cstat__grow((void **)&t->inc[l], &t->inc_cap[l], m + 1,
				sizeof(*t->inc[l])))
			return CSTAT_ENOMEM;
		memset(t->inc[l] + old, 0,
		       (t->inc_cap[l] - old) * sizeof(*t->inc[l]));
		if (m == 1)
			break;
	}
	*top = l;
	return 0;
}

/* The length of the vector under level top's node 0, trailing zeros
 * dropped: the last non-zero value found from the root down. */
static size_t
inc_len(const struct cstat__seqtab *t, unsigned top)
{
	uint32_t node = t->inc[top][0];
	size_t base = 0;

	if (!node)
		return 0;
	for (unsigned h = top + 1; h-- > 0;) {
		const uint32_t *nd = t->nodes + (size_t)node * W;
		size_t j = W;
		while (j > 0 && !nd[j - 1])
			j--;
		/* a node other than 0 holds something */
		base += (j - 1) * (h ? span(h - 1) : 1);
		node = nd[j - 1];
	}
	return base + 1;
}

/* Every node again, level by level. */
static int
inc_all(struct cstat__seqtab *t, const uint32_t *v, size_t n, unsigned top)
{
	for (unsigned l = 0; l <= top; l++) {
		size_t m = inc_count(n, l);
		for (size_t c = 0; c < m; c++) {
			int rc = inc_node(t, v, n, l, c);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/* The nodes above positions [lo, hi) and dirty[0..nd), level by level;
 * a node is made once for consecutive positions under it. */
static int
inc_some(struct cstat__seqtab *t, const uint32_t *v, size_t n, unsigned top,
	 const uint32_t *dirty, size_t nd, size_t lo, size_t hi)
{
	for (unsigned l = 0; l <= top; l++) {
		unsigned shift = BITS * (l + 1);
		size_t last = SIZE_MAX;
		for (size_t i = lo; i < hi; i += W) {
			size_t c = i >> shift;
			if (c == last)
				continue;
			last = c;
			int rc = inc_node(t, v, n, l, c);
			if (rc)
				return rc;
		}
		if (lo < hi && ((hi - 1) >> shift) != last) {
			last = (hi - 1) >> shift;
			int rc = inc_node(t, v, n, l, last);
			if (rc)
				return rc;
		}
		for (size_t k = 0; k < nd; k++) {
			if (dirty[k] >= n)
				continue;
			size_t c = (size_t)dirty[k] >> shift;
			if (c == last)
				continue;
			last = c;
			int rc = inc_node(t, v, n, l, c);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int
cstat__seqtab_intern_at(struct cstat__seqtab *t, const uint32_t *v, size_t n,
			const uint32_t *dirty, size_t ndirty, bool all,
			uint32_t *id, bool *added)
{
	unsigned top;
	int rc;

	*added = false;
	if (n > UINT32_MAX)
		return CSTAT_ENOMEM;
	if (!t->inc_valid || n < t->inc_n)
		all = true;
	t->inc_valid = false;
	rc = inc_grow(t, n, &top);
	if (!rc)
		rc = all ? inc_all(t, v, n, top)
			 : inc_some(t, v, n, top, dirty, ndirty, t->inc_n, n);
	if (rc)
		return rc;
	t->inc_valid = true;
	t->inc_n = n;
	t->inc_top = top;
	/* As cstat__seqtab_intern() makes it: the smallest tree that holds
	 * the values up to the last non-zero one. */
	size_t len = inc_len(t, top);
	if (len == 1)
		return seq_find(t, v[0], SINGLE, 1, id, added);
	unsigned h = 0;
	while (h < top && span(h) < len)
		h++;
	return seq_find(t, len ? t->inc[h][0] : 0, h, len, id, added);
}
