/*
 * project.c - projections of results into interned keys, and their order.
 *
 * This follows benchstat's benchproc package.  A key is a tuple of string
 * ids indexed by field creation order, with trailing empty values dropped so
 * that keys made before a .config group grew equal those made after.  A
 * top-level field ordered by first observation records each value when a
 * key holding it is first interned; the members of .config never do, so
 * they sort bytewise (benchstat behaves the same way).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "project.h"

int
cstat__proj_init(struct cstat__proj *p, struct cstat__strtab *strs)
{
	memset(p, 0, sizeof(*p));
	p->strs = strs;
	p->unit_field = -1;
	p->config_part = -1;
	p->dirty_all = true;
	cstat__arena_init(&p->arena);
	return cstat__seqtab_init(&p->keys);
}

void
cstat__proj_release(struct cstat__proj *p)
{
	for (size_t i = 0; i < p->nfields; i++) {
		free(p->fields[i].obs);
		free(p->fields[i].fixed);
	}
	for (size_t i = 0; i < p->nparts; i++)
		free(p->parts[i].members);
	free(p->fields);
	free(p->parts);
	free(p->config_map);
	free(p->excluded);
	free(p->masked);
	for (size_t i = 0; i < p->nname_excl; i++)
		free(p->name_excl[i]);
	free(p->name_excl);
	cstat__buf_release(&p->scratch);
	free(p->row);
	free(p->dirty);
	free(p->cache_klen);
	free(p->cache_field);
	free(p->cache_src);
	cstat__buf_release(&p->last_name);
	cstat__buf_release(&p->cache_text);
	cstat__seqtab_release(&p->keys);
	cstat__arena_release(&p->arena);
	memset(p, 0, sizeof(*p));
}

static int
new_field(struct cstat__proj *p, const char *name, enum cstat__field_kind kind,
	  enum cstat__order order, bool toplevel, uint32_t *out)
{
	if (cstat__grow((void **)&p->fields, &p->fields_cap, p->nfields + 1,
			sizeof(*p->fields)) ||
	    cstat__grow((void **)&p->row, &p->row_cap, p->nfields + 1,
			sizeof(*p->row)))
		return CSTAT_ENOMEM;
	char *copy = cstat__arena_strndup(&p->arena, name, strlen(name));
	if (!copy)
		return CSTAT_ENOMEM;
	struct cstat__field *f = &p->fields[p->nfields];
	memset(f, 0, sizeof(*f));
	f->name = copy;
	f->kind = kind;
	f->order = order;
	f->idx = (uint32_t)p->nfields;
	f->toplevel = toplevel;
	p->row[p->nfields] = 0; /* the row keeps its values between fills */
	*out = (uint32_t)p->nfields++;
	return 0;
}

static int
new_part(struct cstat__proj *p, struct cstat__part **out)
{
	if (cstat__grow((void **)&p->parts, &p->parts_cap, p->nparts + 1,
			sizeof(*p->parts)))
		return CSTAT_ENOMEM;
	*out = &p->parts[p->nparts++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

int
cstat__proj_add_field(struct cstat__proj *p, const char *key,
		      enum cstat__order order)
{
	enum cstat__field_kind kind;
	uint32_t sid = 0, f;
	struct cstat__part *part;
	int rc;

	if (strcmp(key, ".file") == 0) {
		kind = CSTAT__F_FILE;
	} else if (strcmp(key, ".fullname") == 0) {
		kind = CSTAT__F_FULLNAME;
	} else if (strcmp(key, ".name") == 0) {
		kind = CSTAT__F_NAME;
	} else if (key[0] == '/') {
		kind = CSTAT__F_SUBKEY;
		rc = cstat__strtab_intern(p->strs, key + 1, strlen(key + 1),
					  &sid);
		if (rc)
			return rc;
	} else {
		/* Anything else, even ".foo", is a file configuration key. */
		kind = CSTAT__F_CONFIGKEY;
		rc = cstat__strtab_intern(p->strs, key, strlen(key), &sid);
		if (rc)
			return rc;
	}
	rc = new_field(p, key, kind, order, true, &f);
	if (rc)
		return rc;
	p->fields[f].key = sid;
	rc = new_part(p, &part);
	if (rc)
		return rc;
	part->field = f;
	return 0;
}

int
cstat__proj_set_fixed(struct cstat__proj *p, char *const *v, size_t n)
{
	struct cstat__field *f = &p->fields[p->nfields - 1];

	f->fixed = malloc((n + 1) * sizeof(*f->fixed));
	if (!f->fixed)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (cstat__strtab_intern(p->strs, v[i], strlen(v[i]),
					 &f->fixed[i]))
			return CSTAT_ENOMEM;
	f->nfixed = n;
	return 0;
}

/* A value's place in a fixed order, or -1. */
static long
fixed_index(const struct cstat__field *f, uint32_t v)
{
	for (size_t i = 0; i < f->nfixed; i++)
		if (f->fixed[i] == v)
			return (long)i;
	return -1;
}

/* Only top-level fields take a fixed order: the parts, not every field.
 * The unit is not filled yet (0). */
bool
cstat__proj_accepts(const struct cstat__proj *p)
{
	for (size_t i = 0; i < p->nparts; i++) {
		if (p->parts[i].is_group)
			continue;
		uint32_t f = p->parts[i].field;
		uint32_t v = (int)f == p->unit_field ? 0 : p->row[f];
		if (p->fields[f].order == CSTAT__O_FIXED &&
		    fixed_index(&p->fields[f], v) < 0)
			return false;
	}
	return true;
}

int
cstat__proj_add_config(struct cstat__proj *p)
{
	struct cstat__part *part;
	int rc = new_part(p, &part);

	if (rc)
		return rc;
	part->is_group = true;
	p->config_part = (int)(p->nparts - 1);
	return 0;
}

int
cstat__proj_add_unit(struct cstat__proj *p)
{
	struct cstat__part *part;
	uint32_t f;
	int rc = new_field(p, ".unit", CSTAT__F_UNIT, CSTAT__O_FIRST, true, &f);

	if (rc)
		return rc;
	rc = new_part(p, &part);
	if (rc)
		return rc;
	part->field = f;
	p->unit_field = (int)f;
	return 0;
}

int
cstat__proj_exclude_config(struct cstat__proj *p, const char *key)
{
	uint32_t sid;
	int rc = cstat__strtab_intern(p->strs, key, strlen(key), &sid);

	if (rc)
		return rc;
	if (cstat__grow((void **)&p->excluded, &p->excluded_cap,
			p->nexcluded + 1, sizeof(*p->excluded)))
		return CSTAT_ENOMEM;
	p->excluded[p->nexcluded++] = sid;
	return 0;
}

int
cstat__proj_mask_config(struct cstat__proj *p, const char *key)
{
	uint32_t sid;
	int rc = cstat__strtab_intern(p->strs, key, strlen(key), &sid);

	if (rc)
		return rc;
	if (cstat__grow((void **)&p->masked, &p->masked_cap, p->nmasked + 1,
			sizeof(*p->masked)))
		return CSTAT_ENOMEM;
	p->masked[p->nmasked++] = sid;
	p->cache_valid = false;
	return 0;
}

int
cstat__proj_exclude_name(struct cstat__proj *p, const char *key)
{
	if (strcmp(key, ".name") == 0) {
		p->excl_name = true;
		p->last_name_valid = false;
		return 0;
	}
	if (key[0] != '/')
		return 0;
	char **n = realloc(p->name_excl, (p->nname_excl + 1) * sizeof(*n));
	if (!n)
		return CSTAT_ENOMEM;
	p->name_excl = n;
	/* Parts look like "/key=value": match on "/key=". */
	size_t len = strlen(key);
	char *k = malloc(len + 2);
	if (!k)
		return CSTAT_ENOMEM;
	memcpy(k, key, len);
	k[len] = '=';
	k[len + 1] = '\0';
	p->name_excl[p->nname_excl++] = k;
	if (strcmp(key, "/gomaxprocs") == 0)
		p->excl_gomaxprocs = true;
	p->last_name_valid = false;
	return 0;
}

/* Sets field f of the row to v, noting it for the next intern.  Past
 * as many notes as fields, or out of memory, the intern redoes them all. */
static void
set_row(struct cstat__proj *p, uint32_t f, uint32_t v)
{
	if (p->row[f] == v)
		return;
	p->row[f] = v;
	if ((int)f != p->unit_field)
		p->gen++;
	if (p->dirty_all)
		return;
	if (p->ndirty >= p->nfields ||
	    cstat__grow((void **)&p->dirty, &p->dirty_cap, p->ndirty + 1,
			sizeof(*p->dirty))) {
		p->dirty_all = true;
		return;
	}
	p->dirty[p->ndirty++] = f;
}

static bool
is_excluded(const struct cstat__proj *p, uint32_t sid)
{
	for (size_t i = 0; i < p->nexcluded; i++)
		if (p->excluded[i] == sid)
			return true;
	return false;
}

/* The .config member field for config key sid, created on first sight. */
static int
config_member(struct cstat__proj *p, uint32_t sid, const char *name,
	      uint32_t *out)
{
	if (sid < p->config_map_cap && p->config_map[sid]) {
		*out = p->config_map[sid] - 1;
		return 0;
	}
	size_t old = p->config_map_cap;
	if (cstat__grow((void **)&p->config_map, &p->config_map_cap,
			(size_t)sid + 1, sizeof(*p->config_map)))
		return CSTAT_ENOMEM;
	memset(p->config_map + old, 0,
	       (p->config_map_cap - old) * sizeof(*p->config_map));
	uint32_t f;
	int rc = new_field(p, name, CSTAT__F_CONFIGSUB, CSTAT__O_NONE, false,
			   &f);
	if (rc)
		return rc;
	p->fields[f].key = sid;
	struct cstat__part *g = &p->parts[p->config_part];
	if (cstat__grow((void **)&g->members, &g->members_cap, g->nmembers + 1,
			sizeof(*g->members)))
		return CSTAT_ENOMEM;
	g->members[g->nmembers++] = f;
	p->config_map[sid] = f + 1;
	p->cache_valid = false;
	*out = f;
	return 0;
}

/* Room for the incremental fill's arrays: n entries, every field. */
static int
grow_fill_state(struct cstat__proj *p, size_t n)
{
	size_t old = p->cache_src_cap, cap = p->cache_entries_cap;

	if (cstat__grow((void **)&p->cache_klen, &cap, n + 1,
			sizeof(*p->cache_klen)))
		return CSTAT_ENOMEM;
	if (cstat__grow((void **)&p->cache_field, &p->cache_entries_cap, n + 1,
			sizeof(*p->cache_field)) ||
	    cstat__grow((void **)&p->cache_src, &p->cache_src_cap,
			p->nfields + 1, sizeof(*p->cache_src)))
		return CSTAT_ENOMEM;
	if (p->cache_entries_cap != cap)
		return CSTAT_ENOMEM; /* the two grew apart: cannot happen */
	memset(p->cache_src + old, 0,
	       (p->cache_src_cap - old) * sizeof(*p->cache_src));
	return 0;
}

/*
 * Projects entry j of res's configuration into the row.  *dup is set when
 * its key's field was set by an earlier entry of this configuration.
 */
static int
fill_entry(struct cstat__proj *p, const struct cstat_result *res, size_t j,
	   bool *dup)
{
	const struct cstat_config *c = &res->config[j];
	size_t klen = strlen(c->key);
	uint32_t sid, vid, f;
	int rc = cstat__strtab_intern(p->strs, c->key, klen, &sid);

	if (rc)
		return rc;
	p->cache_klen[j] = (uint32_t)klen;
	p->cache_field[j] = 0;
	if (is_excluded(p, sid))
		return 0;
	rc = config_member(p, sid, c->key, &f);
	if (!rc)
		rc = grow_fill_state(p, res->nconfig);
	if (!rc)
		rc = cstat__strtab_intern(p->strs, c->value, strlen(c->value),
					  &vid);
	if (rc)
		return rc;
	/* A masked key keeps its place among the members (the header
	 * order) but splits nothing. */
	for (size_t k = 0; k < p->nmasked && vid; k++)
		if (p->masked[k] == sid)
			vid = 0;
	*dup = *dup || p->cache_src[f];
	set_row(p, f, vid);
	p->cache_src[f] = (uint32_t)j + 1;
	p->cache_field[j] = f + 1;
	return 0;
}

/* Every entry of res's configuration into the row. */
static int
fill_all(struct cstat__proj *p, const struct cstat_result *res)
{
	const struct cstat__part *g = &p->parts[p->config_part];
	bool dup = false;
	int rc = grow_fill_state(p, res->nconfig);

	for (size_t i = 0; i < g->nmembers; i++)
		p->row[g->members[i]] = 0;
	p->dirty_all = true;
	p->gen++;
	if (p->cache_src_cap)
		memset(p->cache_src, 0,
		       p->cache_src_cap * sizeof(*p->cache_src));
	for (size_t j = 0; j < res->nconfig && !rc; j++)
		rc = fill_entry(p, res, j, &dup);
	p->cache_dups = dup;
	return rc;
}

/*
 * How many first entries of res's configuration are those of the cached
 * one: its first lines of text that are the cached text's, when each has
 * a key of the same length (so the same key and value).  0 when the text
 * does not hold one line per entry.
 */
static size_t
same_entries(const struct cstat__proj *p, const struct cstat_result *res)
{
	const char *a = p->cache_text.data, *t = res->config_text;
	size_t m = p->cache_text.len < res->config_text_len
			   ? p->cache_text.len
			   : res->config_text_len;
	size_t b = 0, k = 0, lines = 0;

	while (b + 64 <= m && memcmp(a + b, t + b, 64) == 0)
		b += 64;
	while (b < m && a[b] == t[b])
		b++;
	for (const char *q = t;
	     (q = memchr(q, '\n', res->config_text_len - (size_t)(q - t)));
	     q++) {
		lines++;
		if ((size_t)(q - t) < b)
			k++;
	}
	if (lines != res->nconfig || k > p->cache_n)
		return 0;
	for (size_t j = 0; j < k; j++)
		if (strlen(res->config[j].key) != p->cache_klen[j])
			return 0;
	return k;
}

/*
 * The entries of res's configuration after its first k, which are the
 * cached configuration's: the cached entries after k unset, the new ones
 * set.  Falls back to fill_all() when a key comes twice.
 */
static int
fill_from(struct cstat__proj *p, const struct cstat_result *res, size_t k)
{
	bool dup = false;
	int rc = grow_fill_state(p, res->nconfig > p->cache_n ? res->nconfig
							      : p->cache_n);

	if (rc)
		return rc;
	for (size_t j = k; j < p->cache_n; j++) {
		uint32_t f = p->cache_field[j];
		if (f && p->cache_src[f - 1] == j + 1) {
			set_row(p, f - 1, 0);
			p->cache_src[f - 1] = 0;
		}
	}
	for (size_t j = k; j < res->nconfig && !rc && !dup; j++)
		rc = fill_entry(p, res, j, &dup);
	if (!rc && dup)
		return fill_all(p, res);
	return rc;
}

/* The number of first entries of res's configuration that the row holds
 * already (those of the last one filled), when known without its text. */
static size_t
hinted_entries(const struct cstat__proj *p, const struct cstat_result *res)
{
	size_t k = p->hint;

	if (k > p->cache_n)
		k = p->cache_n;
	return k < res->nconfig ? k : res->nconfig;
}

/*
 * The row's .config members for res.  The row holds the last
 * configuration filled: only the entries after those it shares with res
 * are projected again, found from what the caller said changed
 * (cstat__proj_same()) or else by comparing texts.
 */
static int
fill_config(struct cstat__proj *p, const struct cstat_result *res)
{
	bool known =
		p->hinted && p->hint_known && p->cache_valid && !p->cache_dups;
	size_t k = known ? hinted_entries(p, res) : 0;
	int rc;

	p->hint_known = true;
	p->hint = SIZE_MAX;
	if (known && k == res->nconfig && k == p->cache_n)
		return 0;
	/* Keyed by the configuration's text, so the cache is exact. */
	if (!known && p->cache_valid && p->text_valid && res->config_text &&
	    p->cache_text.len == res->config_text_len &&
	    memcmp(p->cache_text.data, res->config_text,
		   res->config_text_len) == 0)
		return 0;
	/* A configuration that changed in a few lines: only those.  */
	if (!known)
		k = p->cache_valid && p->text_valid && !p->cache_dups &&
				    res->config_text
			    ? same_entries(p, res)
			    : 0;
	rc = k ? fill_from(p, res, k) : fill_all(p, res);
	p->cache_valid = false;
	p->text_valid = false;
	if (rc)
		return rc;
	p->cache_n = res->nconfig;
	p->cache_valid = true;
	/* The text is kept only for a caller that does not say what
	 * changed: copying it costs the whole configuration each time. */
	p->cache_text.len = 0;
	p->text_valid = !known && res->config_text &&
			!cstat__buf_add(&p->cache_text, res->config_text,
					res->config_text_len);
	return 0;
}

/* .name: the part before the first '/', or without a -N suffix. */
static size_t
base_name_len(const char *name, size_t len)
{
	const char *slash = memchr(name, '/', len);

	if (slash)
		return (size_t)(slash - name);
	size_t i = len;
	while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9')
		i--;
	if (i < len && i > 0 && name[i - 1] == '-')
		return i - 1;
	return len;
}

/* Where a "-N" GOMAXPROCS suffix starts (Name.splitGomaxprocs), or len. */
static size_t
gomaxprocs_at(const char *name, size_t len)
{
	for (size_t i = len; i-- > 0;) {
		if (name[i] == '-' && i < len - 1)
			return i;
		if (!(name[i] >= '0' && name[i] <= '9'))
			break;
	}
	return len;
}

/*
 * Calls fn for each part of a full name after its base (Name.Parts):
 * "/..." segments, then the "-N" suffix.  Stops when fn returns true.
 */
static const char *
find_part(const char *name, size_t len, const char *prefix, size_t plen,
	  size_t *part_len)
{
	size_t g = gomaxprocs_at(name, len);
	const char *slash = memchr(name, '/', g);

	while (slash) {
		const char *next =
			memchr(slash + 1, '/', (size_t)(name + g - slash - 1));
		size_t n = (size_t)((next ? next : name + g) - slash);
		if (n >= plen && memcmp(slash, prefix, plen) == 0) {
			*part_len = n;
			return slash;
		}
		slash = next;
	}
	return NULL;
}

/* The value of sub-name key /key (extractNamePart). */
static int
subkey_value(struct cstat__proj *p, const struct cstat__field *f,
	     const struct cstat_result *res, uint32_t *out)
{
	const char *key = cstat__strtab_str(p->strs, f->key);
	size_t klen = cstat__strtab_len(p->strs, f->key);
	size_t g = gomaxprocs_at(res->name, res->name_len);

	if (strcmp(key, "gomaxprocs") == 0 && g < res->name_len)
		return cstat__strtab_intern(p->strs, res->name + g + 1,
					    res->name_len - g - 1, out);
	p->scratch.len = 0;
	if (cstat__buf_addc(&p->scratch, '/') ||
	    cstat__buf_add(&p->scratch, key, klen) ||
	    cstat__buf_addc(&p->scratch, '='))
		return CSTAT_ENOMEM;
	size_t n;
	const char *part = find_part(res->name, res->name_len, p->scratch.data,
				     p->scratch.len, &n);
	if (!part) {
		*out = 0;
		return 0;
	}
	return cstat__strtab_intern(p->strs, part + klen + 2, n - klen - 2,
				    out);
}

/* The full name without excluded parts (extractFullExcluded). */
static int
fullname_excluded(struct cstat__proj *p, const struct cstat_result *res,
		  uint32_t *out)
{
	const char *name = res->name;
	size_t len = res->name_len, g = gomaxprocs_at(name, len);
	bool found = p->excl_name;

	for (size_t k = 0; k < p->nname_excl && !found; k++) {
		size_t kl = strlen(p->name_excl[k]);
		for (size_t i = 0; i + kl <= len && !found; i++)
			found = memcmp(name + i, p->name_excl[k], kl) == 0;
	}
	if (!found && p->excl_gomaxprocs && memchr(name, '-', len))
		found = true;
	if (!found)
		return cstat__strtab_intern(p->strs, name, len, out);
	struct cstat__buf *b = &p->scratch;
	const char *slash = memchr(name, '/', g);
	size_t base = slash ? (size_t)(slash - name) : g;
	b->len = 0;
	int rc = p->excl_name ? cstat__buf_addc(b, '*')
			      : cstat__buf_add(b, name, base);
	/* The "/..." parts, each kept unless it starts with an excluded
	 * "/key=", then the "-N" part unless /gomaxprocs is excluded. */
	for (const char *s = slash; s && !rc;) {
		const char *next =
			memchr(s + 1, '/', (size_t)(name + g - s - 1));
		size_t n = (size_t)((next ? next : name + g) - s);
		bool skip = false;
		for (size_t k = 0; k < p->nname_excl && !skip; k++) {
			size_t kl = strlen(p->name_excl[k]);
			skip = n >= kl && memcmp(s, p->name_excl[k], kl) == 0;
		}
		if (!skip)
			rc = cstat__buf_add(b, s, n);
		s = next;
	}
	if (!rc && g < len && !p->excl_gomaxprocs)
		rc = cstat__buf_add(b, name + g, len - g);
	if (rc)
		return CSTAT_ENOMEM;
	return cstat__strtab_intern(p->strs, b->len ? b->data : "", b->len,
				    out);
}

/*
 * Whether the string interned right after id is name: a second input
 * usually lists its benchmarks in the first's order, so the next name is
 * most often the one interned after the last, read without the hash
 * table's probe in cold memory.
 */
static bool
next_name(const struct cstat__strtab *t, uint32_t id, const char *name,
	  size_t len)
{
	uint32_t next = id + 1;

	return next < t->count && cstat__strtab_len(t, next) == len &&
	       memcmp(cstat__strtab_str(t, next), name, len) == 0;
}

static int
field_value(struct cstat__proj *p, const struct cstat__field *f,
	    const struct cstat_result *res, uint32_t *out)
{
	switch (f->kind) {
	case CSTAT__F_FILE:
		/*
		 * Readers hand out one pointer per file: intern it once.  The
		 * text is compared too, since a freed name's address can be
		 * reused for the next one.
		 */
		if (res->file != p->file_ptr ||
		    strcmp(res->file, cstat__strtab_str(p->strs, p->file_id))) {
			int rc = cstat__strtab_intern(p->strs, res->file,
						      strlen(res->file),
						      &p->file_id);
			if (rc)
				return rc;
			p->file_ptr = res->file;
		}
		*out = p->file_id;
		return 0;
	case CSTAT__F_FULLNAME: {
		/* Consecutive results usually repeat a benchmark. */
		if (p->last_name_valid && p->last_name.len == res->name_len &&
		    memcmp(p->last_name.data, res->name, res->name_len) == 0) {
			*out = p->last_name_id;
			return 0;
		}
		int rc = 0;
		if (p->nname_excl || p->excl_name || p->excl_gomaxprocs)
			rc = fullname_excluded(p, res, out);
		else if (p->last_name_valid &&
			 next_name(p->strs, p->last_name_id, res->name,
				   res->name_len))
			*out = p->last_name_id + 1;
		else
			rc = cstat__strtab_intern(p->strs, res->name,
						  res->name_len, out);
		p->last_name.len = 0;
		p->last_name_valid =
			!rc && !cstat__buf_add(&p->last_name, res->name,
					       res->name_len);
		p->last_name_id = *out;
		return rc;
	}
	case CSTAT__F_NAME:
		return cstat__strtab_intern(
			p->strs, res->name,
			base_name_len(res->name, res->name_len), out);
	case CSTAT__F_SUBKEY:
		return subkey_value(p, f, res, out);
	case CSTAT__F_CONFIGKEY: {
		const char *key = cstat__strtab_str(p->strs, f->key);
		for (size_t i = 0; i < res->nconfig; i++)
			if (strcmp(res->config[i].key, key) == 0)
				return cstat__strtab_intern(
					p->strs, res->config[i].value,
					strlen(res->config[i].value), out);
		*out = 0;
		return 0;
	}
	default:
		*out = 0;
		return 0;
	}
}

int
cstat__proj_fill(struct cstat__proj *p, const struct cstat_result *res)
{
	int rc;

	for (size_t i = 0; i < p->nparts; i++) {
		const struct cstat__part *part = &p->parts[i];
		uint32_t v = 0;
		if (part->is_group) {
			rc = fill_config(p, res);
		} else {
			const struct cstat__field *f = &p->fields[part->field];
			if (f->kind == CSTAT__F_UNIT)
				continue;
			rc = field_value(p, f, res, &v);
			if (!rc)
				set_row(p, part->field, v);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int
record_obs(struct cstat__field *f, uint32_t val)
{
	if (val >= f->obs_cap) {
		size_t old = f->obs_cap;
		if (cstat__grow((void **)&f->obs, &f->obs_cap, (size_t)val + 1,
				sizeof(*f->obs)))
			return CSTAT_ENOMEM;
		memset(f->obs + old, 0, (f->obs_cap - old) * sizeof(*f->obs));
	}
	if (!f->obs[val])
		f->obs[val] = ++f->nobs;
	return 0;
}

int
cstat__proj_intern(struct cstat__proj *p, uint32_t unit, uint32_t *key)
{
	bool added;
	int rc;

	if (p->unit_field >= 0)
		set_row(p, (uint32_t)p->unit_field, unit);
	if (p->last_key_valid && !p->dirty_all && !p->ndirty) {
		*key = p->last_key;
		return 0;
	}
	/* A short row is hashed whole (and a row of one value makes no
	 * node); a long one costs the paths to its changed values. */
	if (p->nfields <= CSTAT__SEQ_WIDTH)
		rc = cstat__seqtab_intern(&p->keys, p->row, p->nfields, key,
					  &added);
	else
		rc = cstat__seqtab_intern_at(&p->keys, p->row, p->nfields,
					     p->dirty, p->ndirty, p->dirty_all,
					     key, &added);
	p->last_key_valid = !rc;
	p->dirty_all = rc != 0;
	p->ndirty = 0;
	if (rc)
		return rc;
	p->last_key = *key;
	if (!added)
		return 0;
	for (size_t i = 0; i < p->nparts; i++) {
		if (p->parts[i].is_group)
			continue;
		struct cstat__field *f = &p->fields[p->parts[i].field];
		if (f->order != CSTAT__O_FIRST)
			continue;
		rc = record_obs(f, p->row[f->idx]);
		if (rc)
			return rc;
	}
	return 0;
}

int
cstat__proj_key(struct cstat__proj *p, const struct cstat_result *res,
		uint32_t unit, uint32_t *key)
{
	int rc = cstat__proj_fill(p, res);

	if (rc)
		return rc;
	return cstat__proj_intern(p, unit, key);
}

uint32_t
cstat__proj_get(const struct cstat__proj *p, uint32_t key, uint32_t f)
{
	return cstat__seqtab_get(&p->keys, key, f);
}

int
cstat__proj_flat(const struct cstat__proj *p, uint32_t **out, size_t *n)
{
	uint32_t *flat = malloc((p->nfields + 1) * sizeof(*flat));
	size_t k = 0;

	if (!flat)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < p->nparts; i++) {
		const struct cstat__part *part = &p->parts[i];
		if (part->is_group) {
			for (size_t j = 0; j < part->nmembers; j++)
				flat[k++] = part->members[j];
		} else {
			flat[k++] = part->field;
		}
	}
	*out = flat;
	*n = k;
	return 0;
}

struct sort_ctx {
	const struct cstat__proj *p;
	const uint32_t *flat;
	size_t nflat;
	/* The .config members, when they are fields glo..ghi-1 in order (as
	 * they are when made while reading): flat[gflat..gflat + ghi - glo).
	 * Keys are compared there by their first differing member, found
	 * without visiting the members they share. */
	bool grange;
	size_t gflat, glo, ghi;
};

static int
str_cmp(const struct cstat__strtab *s, uint32_t a, uint32_t b)
{
	uint32_t la = cstat__strtab_len(s, a), lb = cstat__strtab_len(s, b);
	int c = memcmp(cstat__strtab_str(s, a), cstat__strtab_str(s, b),
		       la < lb ? la : lb);

	if (c)
		return c;
	return la < lb ? -1 : la > lb;
}

/*
 * benchproc's parseNum: Go's ParseFloat, else the first run of digits and
 * points with an optional k/K/M/G/T/P/E/Z/Y prefix (with "i": powers of
 * 1024) and an optional B.  Returns false for a word.
 */
static bool
parse_num(const char *s, double *out)
{
	static const char prefixes[] = "KMGTPEZY";
	size_t len = strlen(s);

	if (cstat__parse_float(s, len, out) == 0)
		return true;
	const char *d = s;
	while (*d && !((*d >= '0' && *d <= '9') || *d == '.'))
		d++;
	if (!*d)
		return false;
	const char *e = d;
	while ((*e >= '0' && *e <= '9') || *e == '.')
		e++;
	double v;
	if (cstat__parse_float(d, (size_t)(e - d), &v) != 0)
		return false;
	int exp = 0;
	bool iec = false;
	char c = *e == 'k' ? 'K' : *e;
	const char *at = c ? strchr(prefixes, c) : NULL;
	if (at) {
		exp = 1 + (int)(at - prefixes);
		iec = e[1] == 'i';
	}
	*out = v * pow(iec ? 1024 : 1000, exp);
	return true;
}

/* benchproc's "num" order: numbers (NaN last) before words. */
static int
num_cmp(const char *a, const char *b)
{
	double x, y;
	bool ok_a = parse_num(a, &x), ok_b = parse_num(b, &y);

	if (ok_a && ok_b) {
		if (x < y || (!isnan(x) && isnan(y)))
			return -1;
		if (x > y || (isnan(x) && !isnan(y)))
			return 1;
		return 0;
	}
	if (!ok_a && !ok_b)
		return 0;
	return ok_a ? -1 : 1;
}

/* Orders two different values va, vb of field f. */
static int
value_cmp(const struct sort_ctx *c, const struct cstat__field *f, uint32_t va,
	  uint32_t vb)
{
	if (f->order == CSTAT__O_FIRST) {
		uint32_t oa = va < f->obs_cap ? f->obs[va] : 0;
		uint32_t ob = vb < f->obs_cap ? f->obs[vb] : 0;
		if (oa != ob)
			return oa < ob ? -1 : 1;
	} else if (f->order == CSTAT__O_FIXED) {
		long ia = fixed_index(f, va), ib = fixed_index(f, vb);
		if (ia < 0)
			ia = 0; /* Go's map gives 0 for others */
		if (ib < 0)
			ib = 0;
		if (ia != ib)
			return ia < ib ? -1 : 1;
	} else if (f->order == CSTAT__O_NUM) {
		int nc = num_cmp(cstat__strtab_str(c->p->strs, va),
				 cstat__strtab_str(c->p->strs, vb));
		if (nc)
			return nc;
	}
	return str_cmp(c->p->strs, va, vb);
}

/* benchproc's less(): field by field; unordered values fall back to bytes. */
static int
key_cmp(const struct sort_ctx *c, uint32_t ka, uint32_t kb)
{
	const struct cstat__seqtab *keys = &c->p->keys;

	if (ka == kb) /* interned: equal keys are one id */
		return 0;
	for (size_t i = 0; i < c->nflat; i++) {
		uint32_t fi = c->flat[i];
		if (c->grange && i == c->gflat) {
			size_t d = cstat__seqtab_diff(keys, ka, kb, c->glo,
						      c->ghi);
			i += c->ghi - c->glo - 1;
			if (d == c->ghi)
				continue;
			fi = (uint32_t)d;
		}
		const struct cstat__field *f = &c->p->fields[fi];
		uint32_t va = cstat__seqtab_get(keys, ka, f->idx);
		uint32_t vb = cstat__seqtab_get(keys, kb, f->idx);
		if (va != vb)
			return value_cmp(c, f, va, vb);
	}
	return 0;
}

/* Finds whether the .config members are one run of fields (sort_ctx). */
static void
config_range(const struct cstat__proj *p, struct sort_ctx *c)
{
	if (p->config_part < 0)
		return;
	const struct cstat__part *g = &p->parts[p->config_part];
	if (g->nmembers < 2)
		return;
	for (size_t j = 0; j < g->nmembers; j++)
		if (g->members[j] != g->members[0] + j ||
		    p->fields[g->members[j]].idx != g->members[j])
			return;
	for (size_t i = 0; i < c->nflat; i++)
		if (c->flat[i] == g->members[0]) {
			c->gflat = i;
			c->glo = g->members[0];
			c->ghi = c->glo + g->nmembers;
			c->grange = true;
			return;
		}
}

/* A merge sort, since qsort() has no context argument in C11. */
static void
merge_sort(const struct sort_ctx *c, uint32_t *v, uint32_t *tmp, size_t n)
{
	if (n < 2)
		return;
	if (n <= 12) {
		for (size_t i = 1; i < n; i++) {
			uint32_t x = v[i];
			size_t j = i;
			while (j > 0 && key_cmp(c, x, v[j - 1]) < 0) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
		return;
	}
	size_t h = n / 2;
	merge_sort(c, v, tmp, h);
	merge_sort(c, v + h, tmp, n - h);
	size_t i = 0, j = h, k = 0;
	while (i < h && j < n)
		tmp[k++] = key_cmp(c, v[j], v[i]) < 0 ? v[j++] : v[i++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

int
cstat__proj_sort(const struct cstat__proj *p, uint32_t *keys, size_t n)
{
	struct sort_ctx c = {.p = p};
	uint32_t *flat, *tmp;
	int rc = cstat__proj_flat(p, &flat, &c.nflat);

	if (rc)
		return rc;
	c.flat = flat;
	config_range(p, &c);
	tmp = malloc((n + 1) * sizeof(*tmp));
	if (!tmp) {
		free(flat);
		return CSTAT_ENOMEM;
	}
	merge_sort(&c, keys, tmp, n);
	free(tmp);
	free(flat);
	return 0;
}

int
cstat__proj_label(const struct cstat__proj *p, uint32_t key,
		  struct cstat__buf *out)
{
	bool first = true;
	int rc;

	out->len = 0;
	rc = cstat__buf_reserve(out, 0);
	if (!rc)
		out->data[0] = '\0';
	/* The parts in order, with the .config group's members inline. */
	for (size_t i = 0; i < p->nparts && !rc; i++) {
		const struct cstat__part *part = &p->parts[i];
		size_t n = part->is_group ? part->nmembers : 1;
		for (size_t j = 0; j < n && !rc; j++) {
			uint32_t f =
				part->is_group ? part->members[j] : part->field;
			uint32_t v = cstat__proj_get(p, key, p->fields[f].idx);
			if (!v)
				continue;
			if (!first)
				rc = cstat__buf_addc(out, ' ');
			first = false;
			if (!rc)
				rc = cstat__buf_add(
					out, cstat__strtab_str(p->strs, v),
					cstat__strtab_len(p->strs, v));
		}
	}
	return rc;
}
