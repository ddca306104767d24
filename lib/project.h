/*
 * project.h - projections: how a result becomes a table, row or column key.
 *
 * A projection extracts fields of a result (.file, .fullname, .name,
 * /subkey, a configuration key, the .config group of all configuration
 * keys, .unit) into a tuple of interned string ids, and interns the tuple as
 * a key id.  Keys sort field by field, by first observation or bytewise,
 * as benchstat's benchproc package does.
 */
#ifndef CSTAT_PROJECT_H
#define CSTAT_PROJECT_H

#include "cstat-private.h"

enum cstat__field_kind {
	CSTAT__F_FILE,
	CSTAT__F_FULLNAME,
	CSTAT__F_NAME,
	CSTAT__F_SUBKEY,
	CSTAT__F_CONFIGKEY,
	CSTAT__F_CONFIGSUB, /* one key of a .config group */
	CSTAT__F_UNIT,
};

enum cstat__order {
	CSTAT__O_FIRST, /* first observation */
	CSTAT__O_ALPHA,
	CSTAT__O_NUM,	/* numbers (with k, M, Ki, ... and B) before words */
	CSTAT__O_FIXED, /* a given list of values; others are filtered out */
	CSTAT__O_NONE, /* .config members: bytewise (benchstat never records) */
};

struct cstat__field {
	const char *name; /* ".fullname", "goos", "/size", ".unit" */
	enum cstat__field_kind kind;
	enum cstat__order order;
	uint32_t key;  /* config key / sub-name key, as a string id */
	uint32_t idx;  /* position in the tuple */
	bool toplevel; /* records observation order when new */
	uint32_t *obs; /* by string id: observation order + 1 */
	size_t obs_cap;
	uint32_t nobs;
	uint32_t *fixed; /* O_FIXED: the values, as string ids */
	size_t nfixed;
};

/* A top-level part: one field, or the .config group (a list of fields). */
struct cstat__part {
	bool is_group;
	uint32_t field;	   /* index into fields, when !is_group */
	uint32_t *members; /* group: field indices in creation order */
	size_t nmembers, members_cap;
};

struct cstat__proj {
	struct cstat__strtab *strs; /* shared, not owned */
	struct cstat__arena arena;
	struct cstat__field *fields; /* by creation (= tuple index) */
	size_t nfields, fields_cap;
	struct cstat__part *parts;
	size_t nparts, parts_cap;
	struct cstat__seqtab keys;
	int unit_field;	 /* index of .unit, or -1 */
	int config_part; /* index of the .config part, or -1 */
	/* .config: by string id of a config key, field index + 1; 0 unseen. */
	uint32_t *config_map;
	size_t config_map_cap;
	/* Config keys whose .config members always project to 0 (none), so
	 * that they split nothing (cstat_builder_watch()). */
	uint32_t *masked;
	size_t nmasked, masked_cap;
	/* Config keys named by some projection, excluded from .config. */
	uint32_t *excluded;
	size_t nexcluded, excluded_cap;
	/* Name keys named by some projection ("/key", ".name"), removed
	 * from .fullname (benchproc's extractFullExcluded). */
	char **name_excl;
	size_t nname_excl;
	bool excl_name, excl_gomaxprocs;
	struct cstat__buf scratch;
	/* The tuple, kept from one result to the next: a fill writes only
	 * the values that change, and notes their fields in dirty for the
	 * next intern (dirty_all: every field), which then costs the paths
	 * to them in keys.  gen counts the fills that changed a value other
	 * than the unit. */
	uint32_t *row;
	size_t row_cap;
	uint32_t *dirty;
	size_t ndirty, dirty_cap;
	bool dirty_all;
	unsigned long gen;
	/* What the caller knows of the configuration (cstat__proj_same()):
	 * since the last fill, the first hint entries stayed the same. */
	size_t hint;
	bool hint_known;
	bool hinted; /* the caller tells, for every result */
	/* The last full name seen and its id: results repeat names. */
	struct cstat__buf last_name;
	uint32_t last_name_id;
	bool last_name_valid;
	/* The last key interned: the key while nothing is dirty. */
	uint32_t last_key;
	bool last_key_valid;
	/* The last .file seen, by the reader's pointer, and its id. */
	const char *file_ptr;
	uint32_t file_id;
	/* The configuration the row's .config members hold: its text when
	 * copied (text_valid; not when the caller says what changed), and
	 * whether the entries below describe it. */
	struct cstat__buf cache_text;
	bool cache_valid, text_valid;
	/* For the next configuration, which often shares its first lines
	 * with this one: by entry, its key's length and its field + 1 (0:
	 * excluded); by field, the entry that set it + 1 (0: none); whether
	 * a key came twice (then every entry is projected again). */
	uint32_t *cache_klen, *cache_field, *cache_src;
	size_t cache_n, cache_entries_cap, cache_src_cap;
	bool cache_dups;
};

int cstat__proj_init(struct cstat__proj *p, struct cstat__strtab *strs);
void cstat__proj_release(struct cstat__proj *p);

/* Adds a field for key (".fullname", ".file", "goos", ...), order given. */
int cstat__proj_add_field(struct cstat__proj *p, const char *key,
			  enum cstat__order order);
/* Gives field f (the last one added) the fixed order of values v[0..n). */
int cstat__proj_set_fixed(struct cstat__proj *p, char *const *v, size_t n);

/*
 * Tells p that the next result's configuration keeps the first k entries
 * of the last one's (known: false when this is not known).  Called for
 * every result, filled or not, between two fills.
 */
static inline void
cstat__proj_same(struct cstat__proj *p, bool known, size_t k)
{
	p->hinted = true;
	if (!known)
		p->hint_known = false;
	else if (k < p->hint)
		p->hint = k;
}

/* Whether the values just filled satisfy every fixed order's list. */
bool cstat__proj_accepts(const struct cstat__proj *p);

/* Adds the .config group. */
int cstat__proj_add_config(struct cstat__proj *p);
/* Adds the .unit field (last, first-observation order). */
int cstat__proj_add_unit(struct cstat__proj *p);
/* Excludes a configuration key from .config (named elsewhere). */
int cstat__proj_exclude_config(struct cstat__proj *p, const char *key);
/* Keeps config key's .config member but projects it to 0 (none). */
int cstat__proj_mask_config(struct cstat__proj *p, const char *key);
/* Removes a name key ("/key" or ".name") from .fullname values. */
int cstat__proj_exclude_name(struct cstat__proj *p, const char *key);

/*
 * Projects res into a key.  With a .unit field, unit is its value (a string
 * id); otherwise pass 0.  *key gets the key id.
 */
int cstat__proj_key(struct cstat__proj *p, const struct cstat_result *res,
		    uint32_t unit, uint32_t *key);

/* Fills the scratch tuple from res without the unit; then key_unit. */
int cstat__proj_fill(struct cstat__proj *p, const struct cstat_result *res);
int cstat__proj_intern(struct cstat__proj *p, uint32_t unit, uint32_t *key);

/* The value (string id) of field f in key. */
uint32_t cstat__proj_get(const struct cstat__proj *p, uint32_t key, uint32_t f);

/* The fields in flattened (sort and header) order; *n gets the count. */
int cstat__proj_flat(const struct cstat__proj *p, uint32_t **out, size_t *n);

/* Sorts keys[0..n) in the projection's order. */
int cstat__proj_sort(const struct cstat__proj *p, uint32_t *keys, size_t n);

/*
 * The row label of a key: the non-empty field values in flattened order,
 * joined by spaces (benchproc Key.StringValues).
 */
int cstat__proj_label(const struct cstat__proj *p, uint32_t key,
		      struct cstat__buf *out);

#endif /* CSTAT_PROJECT_H */
