/*
 * cstat-private.h - internals shared by the modules of libcstat.
 *
 * Nothing here is part of the public interface.  It holds the small
 * containers every module needs: an arena for strings and records that live
 * as long as their owner, a table that interns byte strings into dense
 * 32-bit ids, a table that interns tuples of ids, and a growable byte
 * buffer.  None of them has global state.
 */
#ifndef CSTAT_PRIVATE_H
#define CSTAT_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cstat.h"

#define CSTAT__UNUSED(x) ((void)(x))

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
/* Copies len bytes and a NUL into the arena; NULL when out of memory. */
char *cstat__arena_strndup(struct cstat__arena *a, const char *s, size_t len);

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
 * A sequence table interns sequences of 32-bit values into dense ids, as
 * trees of CSTAT__SEQ_WIDTH-wide nodes that are interned themselves
 * (seqtab.c): sequences that share most of their values share most of
 * their nodes, so n sequences of up to n values that each differ from the
 * last in a few places cost O(n) memory, not O(n * n).  Trailing zeros are
 * not part of a sequence: (1, 2) and (1, 2, 0) are one sequence.
 */
#define CSTAT__SEQ_WIDTH 32

struct cstat__seq {
	uint32_t root, len;
	unsigned height; /* 0: the root is a leaf */
};

struct cstat__u64map {
	uint64_t *keys;
	uint32_t *vals;
	size_t nslots, count;
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
	/* The last sequence interned and its leaves: the next one hashes
	 * only the leaves that differ. */
	uint32_t *prev, *prev_leaf, *level;
	size_t prev_len, prev_cap, prev_leaf_cap, level_cap;
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

/*
 * A map from 64-bit keys to 32-bit values (struct cstat__u64map, above),
 * for the builder's (table, row) -> row-slot lookups.
 */

int cstat__u64map_init(struct cstat__u64map *m);
void cstat__u64map_release(struct cstat__u64map *m);
/* *val gets the value of key, or UINT32_MAX when absent. */
uint32_t cstat__u64map_get(const struct cstat__u64map *m, uint64_t key);
int cstat__u64map_put(struct cstat__u64map *m, uint64_t key, uint32_t val);

/* Grows *ptr (of elements of size elem) to hold at least need elements. */
int cstat__grow(void **ptr, size_t *cap, size_t need, size_t elem);

/* Fills d with a formatted message at file:line. */
void cstat__diag_set(struct cstat_diag *d, const char *file, unsigned long line,
		     unsigned long column, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * Appends s[0..len) to b as a quoted JSON string: quotes, backslashes and
 * control characters escaped, and every byte that is not valid UTF-8
 * replaced by U+FFFD, so the output is valid JSON whatever s holds.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__json_quote(struct cstat__buf *b, const char *s, size_t len);

/*
 * Whether a CSV field of s would start a formula in a spreadsheet: s
 * starts with '=', '+', '-', '@', a tab or a CR (OWASP's list) and is not
 * a plain number such as "-0.5" or "-12.34%".  Such a field is written
 * quoted with a "'" before s, which spreadsheets show as text.
 */
bool cstat__csv_formula(const char *s);

/*
 * Appends s[0..len) to b with every byte that is not valid UTF-8 replaced
 * by U+FFFD (b->data stays NULL if nothing was added).
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__utf8_repair(struct cstat__buf *b, const char *s, size_t len);

struct cJSON;

/*
 * A cJSON string item for s quoted by cstat__json_quote() (a raw item):
 * cJSON_CreateString() copies bytes that are not UTF-8 as they are, and a
 * benchmark name can hold any bytes, so every writer of JSON uses this.
 * @return the item, or NULL when out of memory.
 */
struct cJSON *cstat__json_string(const char *s);
/*
 * Adds item to object o under key, or to array o when key is NULL; frees
 * item when that fails.  @return false when item is NULL (out of memory)
 * or could not be added.
 */
bool cstat__json_add(struct cJSON *o, const char *key, struct cJSON *item);
/* s as cstat__json_string() makes it; null for NULL. */
bool cstat__json_add_str(struct cJSON *o, const char *key, const char *s);
/*
 * v as Go's shortest round-trip text, not by cJSON (cJSON 1.7 prints 15
 * digits whenever they read back within an epsilon, so
 * 0.060000000000000005 would come out as 0.06); NaN and the infinities,
 * which are not JSON numbers, as null.
 */
bool cstat__json_add_num(struct cJSON *o, const char *key, double v);
/* n as a JSON integer. */
bool cstat__json_add_count(struct cJSON *o, const char *key, size_t n);

/*
 * Copies src into dst (size bytes, NUL included), cut short as snprintf
 * would cut it.  Renderers compose into a local buffer whose bound the
 * compiler can see, then copy.  @return strlen(src).
 */
size_t cstat__strlcpy(char *dst, const char *src, size_t size);

/*
 * s without its leading and trailing ASCII white space: the start, and
 * the length in *len.  Reports show configuration values trimmed (Go's
 * "cpu:" line can end in spaces) while the tables keep them as read, as
 * benchstat does.
 */
const char *cstat__trim(const char *s, size_t *len);

/*
 * The escape of an ASCII byte in GitHub-flavoured Markdown text (table
 * cells included: "|" becomes "\\|"), or NULL to keep it as it is.
 */
const char *cstat__md_escape(char ch);

/* Go's wording for a system error (strerror in the "C" locale, whatever
 * the program's, lower-case first letter: "no such file or directory")
 * into buf. */
void cstat__errno_text(int err, char *buf, size_t size);
/* The CSTAT_E* code for an errno value (CSTAT_EIO for the unknown). */
int cstat__errno_code(int err);

struct cJSON;

/*
 * cJSON_ParseWithLengthOpts(data, len, end, false) with the numbers read
 * in the "C" locale's syntax whatever the program's LC_NUMERIC: cJSON
 * hands strtod() the number with '.' swapped for the first byte of the
 * locale's decimal point, which misreads a multibyte one (ps_AF's).  The
 * "C" locale is current on this thread for the call only (uselocale()),
 * so other threads and the caller's locale are untouched.
 */
struct cJSON *cstat__json_parse(const char *data, size_t len, const char **end);

/*
 * Decodes the UTF-8 character at s (n >= 1 bytes) as Go's utf8.DecodeRune:
 * *c gets the code point and the length is returned; an invalid, overlong,
 * surrogate or truncated sequence gives U+FFFD and length 1.
 */
size_t cstat__utf8_decode(const unsigned char *s, size_t n, unsigned long *c);

/* Whether c is white space by Go's unicode.IsSpace. */
bool cstat__unicode_space(unsigned long c);

/* Number of UTF-8 code points in s[0..len). */
size_t cstat__utf8_runes(const char *s, size_t len);

/*
 * The columns NUL-terminated UTF-8 text s takes on a terminal: a column a
 * character ("µ", "±", "▁" one each), none for combining marks and
 * zero-width characters, two for East Asian wide and fullwidth ones; a
 * byte that is not UTF-8 one column (shown as U+FFFD).  The tables that
 * benchstat lays out count code points instead (texttab.c), as Go does.
 */
size_t cstat__text_width(const char *s);

/*
 * A number that changes whenever the name of the reader's current result
 * changes: equal numbers mean equal names, without comparing them.  For
 * batched reading (readall.c).
 */
unsigned long cstat__reader_name_serial(const cstat_reader *r);

/* Frees the reader's input buffer when every byte of it was read (at the
 * end of reading, before building needs the memory); reading again
 * allocates it again. */
void cstat__reader_drop_buffer(cstat_reader *r);

/*
 * For parsing later inputs ahead on another thread (readall.c): a new
 * reader with r's limits and settings but none of its state, the number
 * of Unit metadata entries r holds (with none, a new reader parses the
 * next input exactly as r would), and from's entries added to r's.
 */
int cstat__reader_fork(const cstat_reader *r, cstat_reader **out);
size_t cstat__reader_meta_count(const cstat_reader *r);
int cstat__reader_merge_meta(cstat_reader *r, const cstat_reader *from);

/* Turns the reader's fast path for Go text off (or on again): every line
 * then goes through the general path, which tests compare it with. */
void cstat__reader_set_fast(cstat_reader *r, bool on);

/*
 * Adds n more values to the cells the builder's last result went to, as if
 * a result with the same name, file, configuration and units had been
 * added.  For batched reading (readall.c).
 * @return 0 (also when -filter dropped the last result whole: it drops
 *         this one too), CSTAT_ENOMEM, or CSTAT_ESTATE (the last add did
 *         not record its cells, or had another number of values).
 */
/*
 * Whether the builder's -filter drops every value of res, decided without
 * touching the builder (so on another thread while it adds), with
 * scratch as the caller's own; false when only adding can tell (a filter
 * on .unit or with a regexp).
 */
bool cstat__builder_drops(const cstat_builder *b,
			  const struct cstat_result *res,
			  struct cstat__buf *scratch);
int cstat__builder_append_last(cstat_builder *b, const double *vals, size_t n);

/*
 * Says that the next result added to b starts a run of nrun results of
 * one benchmark whose other values will come by
 * cstat__builder_append_last(): a new cell gets room for exactly that
 * many values.  0 (the default) when unknown.
 */
void cstat__builder_expect(cstat_builder *b, size_t nrun);

/*
 * Makes b build the cells only: each cell's summary, without comparisons
 * between columns or geomean rows (history views look at cells only).
 * Tables built so cannot be rendered by cstat_tables_write().
 */
void cstat__builder_cells_only(cstat_builder *b);

/*
 * Unit metadata for a reader without a "Unit" line (the store's runs hand
 * theirs over so): key = value for the unit of len bytes at unit, tidied
 * as a Unit line's unit is, kept as one would keep it.
 * @return 0; CSTAT_ESYNTAX when the unit already has another value for
 *         key (d says which, without file or line: the caller knows
 *         where it came from); CSTAT_ENOMEM.
 */
int cstat__reader_add_unit_meta(cstat_reader *r, const char *unit, size_t len,
				const char *key, const char *value,
				struct cstat_diag *d);

#endif /* CSTAT_PRIVATE_H */
