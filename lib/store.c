/*
 * store.c - the run: cstat's own record of one benchmark run, as
 * baselines and histories keep it (docs/cbaseline.md).
 *
 * A run is the results of one benchmark run (one or more input files) with
 * what is needed to judge it later: every raw value per benchmark and unit,
 * the configuration lines, the Unit metadata, and metadata about the run
 * (name, creation time, commit, branch, free key=value pairs) and its
 * environment (host name, goos, goarch, cpu).  This file builds runs from
 * results, turns a run back into Go benchmark text (cstat_run_text()), and
 * adds runs to a builder as the columns of history tables.
 *
 * The run as JSON, written and read back, is store-json.c; the files that
 * hold runs, written so that no crash loses one, are store-write.c.
 */
#include <assert.h>
#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numfmt.h"
#include "store-run.h"

/* a, sep and b in one malloc'd string: keys of any length. */
char *
cstat__run_join(const char *a, const char *sep, const char *b)
{
	size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
	char *p = malloc(la + ls + lb + 1);

	if (p) {
		memcpy(p, a, la);
		memcpy(p + la, sep, ls);
		memcpy(p + la + ls, b, lb + 1);
	}
	return p;
}

/* Runs read together (store.h). */
struct cstat__runs_arena {
	struct cstat__arena mem;
	/* Atomic: runs of one read may be freed on different threads. */
	atomic_size_t refs;
};

/* Whether s is in r's block (cstat__run_put_text(),
 * cstat__run_alloc_text()), freed with the block rather than alone. */
static bool
in_text(const cstat_run *r, const void *s)
{
	uintptr_t p = (uintptr_t)s, t = (uintptr_t)r->text;

	return r->text && p >= t && p < t + r->text_cap;
}

static void
str_free(const cstat_run *r, char *s)
{
	if (!in_text(r, s))
		free(s);
}

/* Puts key and value (r's or the list's own) in a key-value list of r,
 * replacing the key's value if there. */
static int
kv_place(const cstat_run *r, struct run_kv **list, size_t *n, size_t *cap,
	 char *key, char *value)
{
	for (size_t i = 0; i < *n; i++) {
		if ((*list)[i].key[0] != key[0] ||
		    strcmp((*list)[i].key, key) != 0)
			continue;
		str_free(r, (*list)[i].value);
		(*list)[i].value = value;
		str_free(r, key);
		return 0;
	}
	if (*n + 1 > *cap && *list && in_text(r, *list)) {
		/* The room the block gave is full: the list on its own. */
		struct run_kv *own = malloc((*n + 8) * sizeof(**list));
		if (!own)
			return CSTAT_ENOMEM;
		memcpy(own, *list, *n * sizeof(**list));
		*list = own;
		*cap = *n + 8;
	}
	if (cstat__grow((void **)list, cap, *n + 1, sizeof(**list)))
		return CSTAT_ENOMEM;
	(*list)[(*n)++] = (struct run_kv){key, value};
	return 0;
}

/* Sets key in a key-value list of r (replacing), or removes it for
 * NULL. */
static int
kv_set(const cstat_run *r, struct run_kv **list, size_t *n, size_t *cap,
       const char *key, const char *value)
{
	if (!value) {
		for (size_t i = 0; i < *n; i++) {
			if (strcmp((*list)[i].key, key) != 0)
				continue;
			str_free(r, (*list)[i].key);
			str_free(r, (*list)[i].value);
			memmove(&(*list)[i], &(*list)[i + 1],
				(*n - i - 1) * sizeof(**list));
			(*n)--;
			return 0;
		}
		return 0;
	}
	char *k = strdup(key), *v = strdup(value);
	int rc = k && v ? kv_place(r, list, n, cap, k, v) : CSTAT_ENOMEM;
	if (rc) {
		free(k);
		free(v);
	}
	return rc;
}

static const char *
kv_get(const struct run_kv *list, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i].key, key) == 0)
			return list[i].value;
	return NULL;
}

static void
kv_free(const cstat_run *r, struct run_kv *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		str_free(r, list[i].key);
		str_free(r, list[i].value);
	}
	if (!in_text(r, list))
		free(list);
}

int
cstat__run_alloc(cstat_run **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : CSTAT_ENOMEM;
}

int
cstat_run_new(cstat_run **out)
{
	char id[CSTAT__RUN_ID_SIZE];

	if (!out)
		return CSTAT_EINVAL;
	if (cstat__run_alloc(out))
		return CSTAT_ENOMEM;
	/* Its own id, so merged histories keep every run once. */
	cstat__run_random_id(id, *out);
	if (kv_set(*out, &(*out)->meta, &(*out)->nmeta, &(*out)->metacap, "id",
		   id)) {
		cstat_run_free(*out);
		*out = NULL;
		return CSTAT_ENOMEM;
	}
	return 0;
}

void
cstat_run_free(cstat_run *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ng; i++) {
		struct run_group *g = &r->g[i];
		for (size_t j = 0; j < g->nb; j++) {
			for (size_t k = 0; k < g->b[j].nu; k++) {
				free(g->b[j].u[k].unit);
				free(g->b[j].u[k].v);
			}
			free(g->b[j].u);
		}
		free(g->b);
		cstat__strtab_release(&g->names);
		free(g->of_name);
	}
	free(r->g);
	if (r->cf) {
		cstat__strtab_release(&r->cf->cstrs);
		cstat__seqtab_release(&r->cf->confs);
		cstat__u64map_release(&r->cf->pair_of);
		cstat__u64map_release(&r->cf->group_of);
		free(r->cf->pair_key);
		free(r->cf->pair_val);
		free(r->cf->scratch);
		cstat__buf_release(&r->cf->last_text);
		free(r->cf);
	}
	kv_free(r, r->meta, r->nmeta);
	kv_free(r, r->env, r->nenv);
	kv_free(r, r->units, r->nunits);
	if (r->arena) /* r and its block are the arena's */
		cstat__runs_arena_drop(r->arena);
	else if (in_text(r, r)) /* r is at the start of its block */
		free(r->text);
	else {
		free(r->text);
		free(r);
	}
}

/* Key j of group g's configuration. */
const char *
cstat__run_group_key(const cstat_run *r, const struct run_group *g, size_t j)
{
	uint32_t p = cstat__seqtab_get(&r->cf->confs, g->conf, j);

	/* Pairs are numbered from 1; 0 would be j past the group's end. */
	assert(p > 0 && p <= r->cf->npairs);
	return cstat__strtab_str(&r->cf->cstrs, r->cf->pair_key[p - 1]);
}

/* Value j of group g's configuration. */
const char *
cstat__run_group_val(const cstat_run *r, const struct run_group *g, size_t j)
{
	uint32_t p = cstat__seqtab_get(&r->cf->confs, g->conf, j);

	assert(p > 0 && p <= r->cf->npairs);
	return cstat__strtab_str(&r->cf->cstrs, r->cf->pair_val[p - 1]);
}

/* The pair (key, value) as a pair number (from 1), made if new. */
static int
pair_for(cstat_run *r, const struct cstat_config *c, uint32_t *out)
{
	uint32_t k, v;

	if (cstat__strtab_intern(&r->cf->cstrs, c->key, strlen(c->key), &k) ||
	    cstat__strtab_intern(&r->cf->cstrs, c->value, strlen(c->value), &v))
		return CSTAT_ENOMEM;
	uint64_t key = (uint64_t)k << 32 | v;
	uint32_t p = cstat__u64map_get(&r->cf->pair_of, key);
	if (p != UINT32_MAX) {
		*out = p;
		return 0;
	}
	if (cstat__grow((void **)&r->cf->pair_key, &r->cf->pairs_cap,
			r->cf->npairs + 1, sizeof(*r->cf->pair_key)))
		return CSTAT_ENOMEM;
	if (cstat__grow((void **)&r->cf->pair_val, &r->cf->pvals_cap,
			r->cf->npairs + 1, sizeof(*r->cf->pair_val)))
		return CSTAT_ENOMEM;
	r->cf->pair_key[r->cf->npairs] = k;
	r->cf->pair_val[r->cf->npairs] = v;
	*out = (uint32_t)++r->cf->npairs;
	return cstat__u64map_put(&r->cf->pair_of, key, *out);
}

/* r's configurations, made with its first group (a run read for its
 * metadata alone never has one). */
static int
conf_init(cstat_run *r)
{
	if (r->cf)
		return 0;
	struct run_confs *cf = calloc(1, sizeof(*cf));
	if (!cf)
		return CSTAT_ENOMEM;
	if (cstat__strtab_init(&cf->cstrs)) {
		free(cf);
		return CSTAT_ENOMEM;
	}
	if (cstat__seqtab_init(&cf->confs)) {
		cstat__strtab_release(&cf->cstrs);
		free(cf);
		return CSTAT_ENOMEM;
	}
	cstat__u64map_init(&cf->pair_of);
	cstat__u64map_init(&cf->group_of);
	r->cf = cf;
	return 0;
}

/* A new group for configuration id conf of nconf pairs. */
static int
group_new(cstat_run *r, uint32_t conf, size_t nconf, struct run_group **out)
{
	if (cstat__grow((void **)&r->g, &r->gcap, r->ng + 1, sizeof(*r->g)))
		return CSTAT_ENOMEM;
	struct run_group *g = &r->g[r->ng];
	memset(g, 0, sizeof(*g));
	g->of_name = calloc(1, sizeof(*g->of_name)); /* id 0: the empty name */
	g->of_cap = 1;
	if (!g->of_name || cstat__strtab_init(&g->names)) {
		free(g->of_name);
		return CSTAT_ENOMEM;
	}
	g->conf = conf;
	g->nconf = nconf;
	if (cstat__u64map_put(&r->cf->group_of, conf, (uint32_t)r->ng)) {
		cstat__strtab_release(&g->names);
		free(g->of_name);
		return CSTAT_ENOMEM;
	}
	r->ng++;
	*out = g;
	return 0;
}

/*
 * The group of a configuration, made if new: found by its interned
 * sequence of pairs, so that neither finding nor keeping a group costs
 * more than its own changes.
 */
static int
group_for(cstat_run *r, const struct cstat_config *conf, size_t nconf,
	  struct run_group **out)
{
	uint32_t id;
	bool added;
	int rc = conf_init(r);

	if (!rc && cstat__grow((void **)&r->cf->scratch, &r->cf->scratch_cap,
			       nconf + 1, sizeof(*r->cf->scratch)))
		rc = CSTAT_ENOMEM;
	for (size_t i = 0; i < nconf && !rc; i++)
		rc = pair_for(r, &conf[i], &r->cf->scratch[i]);
	if (!rc)
		rc = cstat__seqtab_intern(&r->cf->confs, r->cf->scratch, nconf,
					  &id, &added);
	if (rc)
		return rc;
	uint32_t gi = cstat__u64map_get(&r->cf->group_of, id);
	if (gi != UINT32_MAX) {
		*out = &r->g[gi];
		return 0;
	}
	return group_new(r, id, nconf, out);
}

/*
 * The benchmark of a name in g, made if new: found by its interned name,
 * as a run may hold a million distinct benchmarks and a scan per result
 * would make storing it quadratic.
 */
static int
bench_for(struct run_group *g, const char *name, size_t len,
	  struct run_bench **out)
{
	uint32_t id;

	/* Room for a new name's entry first, so every name interned has
	 * one. */
	if (cstat__grow((void **)&g->of_name, &g->of_cap, g->names.count + 1,
			sizeof(*g->of_name)))
		return CSTAT_ENOMEM;
	g->of_name[g->names.count] = 0;
	if (cstat__strtab_intern(&g->names, name, len, &id))
		return CSTAT_ENOMEM;
	if (g->of_name[id]) {
		*out = &g->b[g->of_name[id] - 1];
		return 0;
	}
	if (cstat__grow((void **)&g->b, &g->cap, g->nb + 1, sizeof(*g->b)))
		return CSTAT_ENOMEM;
	struct run_bench *b = &g->b[g->nb];
	memset(b, 0, sizeof(*b));
	b->name = cstat__strtab_str(&g->names, id);
	g->of_name[id] = ++g->nb;
	*out = b;
	return 0;
}

static int
unit_add(struct run_bench *b, const char *unit, double v)
{
	struct run_unit *u = NULL;

	for (size_t i = 0; i < b->nu && !u; i++)
		if (strcmp(b->u[i].unit, unit) == 0)
			u = &b->u[i];
	if (!u) {
		if (cstat__grow((void **)&b->u, &b->cap, b->nu + 1,
				sizeof(*b->u)))
			return CSTAT_ENOMEM;
		u = &b->u[b->nu];
		memset(u, 0, sizeof(*u));
		u->unit = strdup(unit);
		if (!u->unit)
			return CSTAT_ENOMEM;
		b->nu++;
	}
	if (cstat__grow((void **)&u->v, &u->cap, u->n + 1, sizeof(*u->v)))
		return CSTAT_ENOMEM;
	u->v[u->n++] = v;
	return 0;
}

static int
env_from_config(cstat_run *r, const struct cstat_result *res)
{
	static const char *const keys[] = {"goos", "goarch", "cpu"};

	for (size_t i = 0; i < res->nconfig; i++)
		for (size_t k = 0; k < 3; k++)
			if (strcmp(res->config[i].key, keys[k]) == 0 &&
			    !kv_get(r->env, r->nenv, keys[k]) &&
			    kv_set(r, &r->env, &r->nenv, &r->envcap, keys[k],
				   res->config[i].value))
				return CSTAT_ENOMEM;
	return 0;
}

int
cstat_run_add(cstat_run *r, const struct cstat_result *res,
	      const cstat_reader *units)
{
	struct run_group *g;
	struct run_bench *b;
	int rc;

	if (!r || !res)
		return CSTAT_EINVAL;
	/* Results mostly come in runs of one configuration: its text says
	 * whether this one is the last one's. */
	if (r->cf && r->cf->last_valid && res->config_text &&
	    res->config_text_len == r->cf->last_text.len &&
	    memcmp(res->config_text, r->cf->last_text.data,
		   r->cf->last_text.len) == 0) {
		g = &r->g[r->cf->last_group];
		rc = 0;
	} else {
		rc = group_for(r, res->config, res->nconfig, &g);
		if (!r->cf) /* out of memory before its configurations */
			return rc;
		r->cf->last_text.len = 0;
		r->cf->last_valid =
			!rc && res->config_text &&
			!cstat__buf_add(&r->cf->last_text, res->config_text,
					res->config_text_len);
		r->cf->last_group = rc ? 0 : (size_t)(g - r->g);
	}
	if (!rc)
		rc = bench_for(g, res->name, res->name_len, &b);
	for (size_t i = 0; i < res->nvalues && !rc; i++) {
		const char *unit = res->values[i].unit;
		rc = unit_add(b, unit, res->values[i].value);
		/* The Unit metadata that matters to cstat, as the reader
		 * knows it now. */
		static const char *const keys[] = {"assume", "better"};
		for (size_t k = 0; k < 2 && !rc && units; k++) {
			const char *v =
				cstat_reader_unit_meta(units, unit, keys[k]);
			char *key =
				v ? cstat__run_join(unit, "\t", keys[k]) : NULL;
			if (v && !key)
				rc = CSTAT_ENOMEM;
			else if (v && !kv_get(r->units, r->nunits, key))
				rc = kv_set(r, &r->units, &r->nunits,
					    &r->unitscap, key, v);
			free(key);
		}
	}
	if (!rc)
		rc = env_from_config(r, res);
	return rc;
}

/* n digits at s, their value in *v. */
static bool
digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/*
 * Whether s is an RFC 3339 date-time ("2026-11-01T10:00:00Z", fractions
 * of a second and a numeric offset allowed), with fields in range.
 */
static bool
rfc3339(const char *s)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, se, oh, om;

	if (strlen(s) < 20 || !digits(s, 4, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, &mo) || s[7] != '-' || !digits(s + 8, 2, &d) ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
	    !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &mi) ||
	    s[16] != ':' || !digits(s + 17, 2, &se))
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    (mo == 2 && d == 29 && !leap) || h > 23 || mi > 59 || se > 60)
		return false;
	s += 19;
	if (*s == '.') {
		if (s[1] < '0' || s[1] > '9')
			return false;
		for (s++; *s >= '0' && *s <= '9'; s++)
			;
	}
	if ((*s == 'Z' || *s == 'z') && !s[1])
		return true;
	return (*s == '+' || *s == '-') && digits(s + 1, 2, &oh) &&
	       s[3] == ':' && digits(s + 4, 2, &om) && !s[6] && oh < 24 &&
	       om < 60;
}

int
cstat_run_set(cstat_run *r, const char *key, const char *value)
{
	if (!r || !key)
		return CSTAT_EINVAL;
	/* Readers sort and show it as a time: only a time goes in. */
	if (strcmp(key, "created") == 0 && value && !rfc3339(value))
		return CSTAT_EINVAL;
	if (strcmp(key, "id") == 0 && value && !cstat__run_id_ok(value))
		return CSTAT_EINVAL;
	if (strcmp(key, "host") == 0)
		return kv_set(r, &r->env, &r->nenv, &r->envcap, key, value);
	if (strcmp(key, "name") == 0 || strcmp(key, "created") == 0 ||
	    strcmp(key, "id") == 0 || strcmp(key, "commit") == 0 ||
	    strcmp(key, "branch") == 0 ||
	    (strncmp(key, "meta.", 5) == 0 && key[5]))
		return kv_set(r, &r->meta, &r->nmeta, &r->metacap, key, value);
	return CSTAT_EINVAL;
}

const char *
cstat_run_get(const cstat_run *r, const char *key)
{
	const char *v;

	if (!r || !key)
		return NULL;
	v = kv_get(r->meta, r->nmeta, key);
	if (!v && strncmp(key, "env.", 4) == 0)
		v = kv_get(r->env, r->nenv, key + 4);
	return v;
}

size_t
cstat_run_count(const cstat_run *r)
{
	size_t n = 0;

	for (size_t i = 0; r && i < r->ng; i++)
		for (size_t j = 0; j < r->g[i].nb; j++)
			for (size_t k = 0; k < r->g[i].b[j].nu; k++)
				n += r->g[i].b[j].u[k].n;
	return n;
}

int
cstat_run_env_diff(const cstat_run *a, const cstat_run *b, char *buf,
		   size_t size)
{
	static const char *const keys[] = {"goos", "goarch", "cpu"};
	struct cstat__buf out = {0};
	int n = 0;

	if (!a || !b)
		return CSTAT_EINVAL;
	for (size_t k = 0; k < 3; k++) {
		const char *x = kv_get(a->env, a->nenv, keys[k]);
		const char *y = kv_get(b->env, b->nenv, keys[k]);
		if (!x || !y || strcmp(x, y) == 0)
			continue;
		if (cstat__buf_printf(&out, "%s%s \"%s\" vs \"%s\"",
				      n ? "; " : "", keys[k], x, y)) {
			cstat__buf_release(&out);
			return CSTAT_ENOMEM;
		}
		n++;
	}
	if (buf && size)
		snprintf(buf, size, "%s", out.data ? out.data : "");
	cstat__buf_release(&out);
	return n;
}

int
cstat__run_group(cstat_run *r, const struct cstat_config *conf, size_t n,
		 struct run_group **g)
{
	return group_for(r, conf, n, g);
}

int
cstat__run_bench(struct run_group *g, const char *name, size_t len,
		 struct run_bench **b)
{
	return bench_for(g, name, len, b);
}

int
cstat__run_value(struct run_bench *b, const char *unit, double v)
{
	return unit_add(b, unit, v);
}

/* ---------------------------------------------------------------------- */
/* A run as Go benchmark text, for the reader. */

/*
 * Group g's configuration lines after group prev's: "key:" (an empty
 * value) deletes each key prev had and g has not, then g's own.  *seen
 * marks g's keys by string id (so this is linear in the two groups).
 */
static int
text_config(const cstat_run *r, const struct run_group *prev,
	    const struct run_group *g, bool **seen, struct cstat__buf *b)
{
	int rc = 0;

	if (!*seen) {
		*seen = calloc(r->cf->cstrs.count + 1, sizeof(**seen));
		if (!*seen)
			return CSTAT_ENOMEM;
	}
	for (size_t j = 0; j < g->nconf; j++)
		(*seen)[r->cf->pair_key[cstat__seqtab_get(&r->cf->confs,
							  g->conf, j) -
					1]] = true;
	for (size_t j = 0; prev && j < prev->nconf && !rc; j++) {
		uint32_t p = cstat__seqtab_get(&r->cf->confs, prev->conf, j);
		if (!(*seen)[r->cf->pair_key[p - 1]])
			rc = cstat__buf_printf(
				b, "%s:\n", cstat__run_group_key(r, prev, j));
	}
	for (size_t j = 0; j < g->nconf && !rc; j++)
		rc = cstat__buf_printf(b, "%s: %s\n",
				       cstat__run_group_key(r, g, j),
				       cstat__run_group_val(r, g, j));
	for (size_t j = 0; j < g->nconf; j++)
		(*seen)[r->cf->pair_key[cstat__seqtab_get(&r->cf->confs,
							  g->conf, j) -
					1]] = false;
	return rc;
}

int
cstat_run_text(const cstat_run *r, char **out, size_t *len)
{
	struct cstat__buf b = {0};
	const struct run_group *prev = NULL;
	bool *seen = NULL;
	char num[CSTAT__GO_FLOAT_SIZE];
	int rc = 0;

	if (out)
		*out = NULL;
	if (len)
		*len = 0;
	if (!r || !out || !len)
		return CSTAT_EINVAL;
	for (size_t i = 0; i < r->nunits && !rc; i++) {
		const char *tab = strchr(r->units[i].key, '\t');
		rc = cstat__buf_printf(
			&b, "Unit %.*s %s=%s\n", (int)(tab - r->units[i].key),
			r->units[i].key, tab + 1, r->units[i].value);
	}
	for (size_t i = 0; i < r->ng && !rc; i++) {
		const struct run_group *g = &r->g[i];
		rc = text_config(r, prev, g, &seen, &b);
		for (size_t j = 0; j < g->nb && !rc; j++) {
			const struct run_bench *bn = &g->b[j];
			size_t most = 0;
			for (size_t k = 0; k < bn->nu; k++)
				if (bn->u[k].n > most)
					most = bn->u[k].n;
			/* One line per sample index with every unit that has
			 * that many values, as go test writes them. */
			for (size_t m = 0; m < most && !rc; m++) {
				rc = cstat__buf_printf(&b, "Benchmark%s 1",
						       bn->name);
				for (size_t k = 0; k < bn->nu && !rc; k++) {
					if (m >= bn->u[k].n)
						continue;
					cstat__fmt_go_float(num, bn->u[k].v[m]);
					rc = cstat__buf_printf(&b, " %s %s",
							       num,
							       bn->u[k].unit);
				}
				if (!rc)
					rc = cstat__buf_addc(&b, '\n');
			}
		}
		prev = g;
	}
	free(seen);
	if (rc) {
		cstat__buf_release(&b);
		return CSTAT_ENOMEM;
	}
	*out = b.data ? b.data : strdup("");
	if (!*out)
		return CSTAT_ENOMEM;
	*len = b.len;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* A run's results into a builder, as a history table's column. */

int
cstat__run_add_units(cstat_reader *rd, const cstat_run *r, const char *label,
		     struct cstat_diag *d)
{
	int rc = 0;

	for (size_t i = 0; i < r->nunits && !rc; i++) {
		const char *key = r->units[i].key;
		const char *tab = strchr(key, '\t');
		if (!tab)
			continue; /* not "unit\tkey": none of ours */
		rc = cstat__reader_add_unit_meta(rd, key, (size_t)(tab - key),
						 tab + 1, r->units[i].value, d);
	}
	/* Say which run disagrees with the ones before it. */
	if (rc == CSTAT_ESYNTAX && d && label && *label) {
		char why[sizeof(d->message)];
		cstat__strlcpy(why, d->message, sizeof(why));
		cstat__diag_set(d, NULL, 0, 0, "run %s: %s", label, why);
	}
	return rc;
}

/*
 * Adds every result of r to b, as the input labelled label: the results
 * the reader would make of cstat_run_text() (one per benchmark and sample
 * index, with every unit that has that many values), made directly, as
 * printing and parsing every number again is most of the time a history
 * takes.  The Unit metadata goes to rd, for the build.
 */
static int
add_run(cstat_builder *b, cstat_reader *rd, const cstat_run *r,
	const char *label, unsigned long *version, struct cstat_diag *d)
{
	struct cstat_config *conf = NULL;
	struct cstat_value *vals = NULL;
	struct cstat__buf text = {0};
	size_t vcap = 0, ccap = 0;
	int rc = cstat__run_add_units(rd, r, label, d);

	for (size_t gi = 0; gi < r->ng && !rc; gi++) {
		const struct run_group *g = &r->g[gi];
		if (cstat__grow((void **)&conf, &ccap, g->nconf + 1,
				sizeof(*conf))) {
			rc = CSTAT_ENOMEM;
			break;
		}
		text.len = 0;
		for (size_t k = 0; k < g->nconf && !rc; k++) {
			conf[k] = (struct cstat_config){
				cstat__run_group_key(r, g, k),
				cstat__run_group_val(r, g, k)};
			rc = cstat__buf_printf(&text, "%s: %s\n", conf[k].key,
					       conf[k].value);
		}
		if (rc || cstat__buf_reserve(&text, 0)) {
			rc = CSTAT_ENOMEM;
			break;
		}
		struct cstat_result res1 = {
			.file = label,
			.config = conf,
			.nconfig = g->nconf,
			.config_text = text.data,
			.config_text_len = text.len,
			.config_version = ++*version,
		};
		for (size_t j = 0; j < g->nb && !rc; j++) {
			const struct run_bench *bn = &g->b[j];
			size_t most = 0;
			for (size_t k = 0; k < bn->nu; k++)
				if (bn->u[k].n > most)
					most = bn->u[k].n;
			if (cstat__grow((void **)&vals, &vcap, bn->nu + 1,
					sizeof(*vals))) {
				rc = CSTAT_ENOMEM;
				break;
			}
			res1.name = bn->name;
			res1.name_len = strlen(bn->name);
			for (size_t m = 0; m < most && !rc; m++) {
				size_t nv = 0;
				for (size_t k = 0; k < bn->nu; k++)
					if (m < bn->u[k].n)
						vals[nv++] =
							(struct cstat_value){
								bn->u[k].v[m],
								bn->u[k].unit,
								bn->u[k].v[m],
								bn->u[k].unit};
				res1.values = vals;
				res1.nvalues = nv;
				rc = cstat_builder_add(b, &res1);
			}
		}
	}
	free(conf);
	free(vals);
	cstat__buf_release(&text);
	return rc == CSTAT_ESYNTAX ? CSTAT_EFORMAT : rc;
}

bool
cstat__runs_ok(cstat_run *const *runs, size_t n)
{
	if (!runs)
		return n == 0;
	for (size_t i = 0; i < n; i++)
		if (!runs[i])
			return false;
	return true;
}

int
cstat_history_build(cstat_run *const *runs, size_t n,
		    const struct cstat_builder_opts *bo, double confidence,
		    cstat_tables **out, struct cstat_diag *d)
{
	cstat_builder *b = NULL;
	cstat_reader *rd = NULL;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !cstat__runs_ok(runs, n))
		return CSTAT_EINVAL;
	rc = cstat_builder_new(&b, bo, d);
	if (!rc)
		rc = cstat_reader_new(&rd);
	unsigned long version = 0;
	char(*labels)[24] = calloc(n ? n : 1, sizeof(*labels));
	if (!labels)
		rc = CSTAT_ENOMEM;
	for (size_t i = 0; i < n && !rc; i++) {
		/* The builder copies what it keeps; labels outlive the adds
		 * all the same, as results of one file share a label. */
		snprintf(labels[i], sizeof(labels[i]), "%zu", i + 1);
		rc = add_run(b, rd, runs[i], labels[i], &version, d);
	}
	if (!rc) {
		struct cstat_stats_opts so = {0.05, confidence, rd, 1};
		rc = cstat_builder_build(b, &so, out);
	}
	free(labels);
	cstat_builder_free(b);
	cstat_reader_free(rd);
	return rc;
}

/* The list of r that cstat__run_put() calls list. */
static const struct run_kv *
kv_list(const cstat_run *r, char list, size_t *n)
{
	switch (list) {
	case 'm':
		*n = r->nmeta;
		return r->meta;
	case 'e':
		*n = r->nenv;
		return r->env;
	default:
		*n = r->nunits;
		return r->units;
	}
}

size_t
cstat__run_nkv(const cstat_run *r, char list)
{
	size_t n;

	kv_list(r, list, &n);
	return n;
}

void
cstat__run_kv(const cstat_run *r, char list, size_t i, const char **key,
	      const char **value)
{
	size_t n;
	const struct run_kv *kv = kv_list(r, list, &n);

	*key = kv[i].key;
	*value = kv[i].value;
}

int
cstat__run_add(cstat_builder *b, cstat_reader *rd, const cstat_run *r,
	       const char *label, unsigned long *version, struct cstat_diag *d)
{
	return add_run(b, rd, r, label, version, d);
}

int
cstat__run_put(cstat_run *r, char list, const char *key, const char *value)
{
	switch (list) {
	case 'm':
		return kv_set(r, &r->meta, &r->nmeta, &r->metacap, key, value);
	case 'e':
		return kv_set(r, &r->env, &r->nenv, &r->envcap, key, value);
	default:
		return kv_set(r, &r->units, &r->nunits, &r->unitscap, key,
			      value);
	}
}

int
cstat__runs_arena_new(struct cstat__runs_arena **out)
{
	*out = malloc(sizeof(**out));
	if (!*out)
		return CSTAT_ENOMEM;
	cstat__arena_init(&(*out)->mem);
	atomic_init(&(*out)->refs, 1);
	return 0;
}

int
cstat__runs_arena_reserve(struct cstat__runs_arena *a, size_t len)
{
	return cstat__arena_reserve(&a->mem, len);
}

void
cstat__runs_arena_drop(struct cstat__runs_arena *a)
{
	if (a && atomic_fetch_sub(&a->refs, 1) == 1) {
		cstat__arena_release(&a->mem);
		free(a);
	}
}

int
cstat__run_alloc_text(struct cstat__runs_arena *a, size_t size, size_t nmeta,
		      size_t nenv, size_t nunits, cstat_run **out)
{
	size_t head = sizeof(cstat_run), nkv = nmeta + nenv + nunits;
	char *p;

	*out = NULL;
	if (nkv > (SIZE_MAX / 2 - head) / sizeof(struct run_kv) ||
	    size > SIZE_MAX / 2)
		return CSTAT_ENOMEM;
	size_t lists = nkv * sizeof(struct run_kv);
	size_t total = head + lists + size + 1;
	p = a ? cstat__arena_alloc(&a->mem, total) : malloc(total);
	if (!p)
		return CSTAT_ENOMEM;
	cstat_run *r = (cstat_run *)(void *)p;
	memset(r, 0, sizeof(*r));
	struct run_kv *kv = (struct run_kv *)(void *)(p + head);
	r->meta = nmeta ? kv : NULL;
	r->metacap = nmeta;
	r->env = nenv ? kv + nmeta : NULL;
	r->envcap = nenv;
	r->units = nunits ? kv + nmeta + nenv : NULL;
	r->unitscap = nunits;
	r->text = p;
	r->text_len = head + lists;
	r->text_cap = total - 1;
	if (a) {
		r->arena = a;
		atomic_fetch_add(&a->refs, 1);
	}
	*out = r;
	return 0;
}

int
cstat__run_from_texts(struct cstat__runs_arena *a, const char *texts,
		      size_t len, const size_t *off, const size_t n[3],
		      cstat_run **out)
{
	int rc = cstat__run_alloc_text(a, len, n[0], n[1], n[2], out);

	if (rc)
		return rc;
	cstat_run *r = *out;
	char *base = r->text + r->text_len;
	if (len)
		memcpy(base, texts, len);
	r->text_len += len;
	struct run_kv **list[3] = {&r->meta, &r->env, &r->units};
	size_t *count[3] = {&r->nmeta, &r->nenv, &r->nunits};
	size_t *cap[3] = {&r->metacap, &r->envcap, &r->unitscap};
	/* The lists have room for every entry: kv_place() only places them,
	 * a later duplicate replacing, and frees nothing of the block. */
	for (size_t l = 0, k = 0; l < 3; l++)
		for (size_t e = 0; e < n[l] && !rc; e++, k++)
			rc = kv_place(r, list[l], count[l], cap[l],
				      base + off[2 * k], base + off[2 * k + 1]);
	return rc;
}

/* s[0..n) and its NUL at the end of r's block (which has room). */
static char *
text_add(cstat_run *r, const char *s, size_t n)
{
	char *p = r->text + r->text_len;

	memcpy(p, s, n);
	r->text_len += n;
	return p;
}

int
cstat__run_put_text(cstat_run *r, char list, const char *a, const char *sep,
		    const char *b, const char *value)
{
	size_t la = strlen(a), ls = strlen(sep), lb = strlen(b);
	size_t lv = strlen(value);

	if (r->text_cap - r->text_len < la + ls + lb + lv + 2) {
		char *key = cstat__run_join(a, sep, b);
		int rc = key ? cstat__run_put(r, list, key, value)
			     : CSTAT_ENOMEM;
		free(key);
		return rc;
	}
	char *k = text_add(r, a, la);
	text_add(r, sep, ls);
	text_add(r, b, lb + 1);
	char *v = text_add(r, value, lv + 1);
	switch (list) {
	case 'm':
		return kv_place(r, &r->meta, &r->nmeta, &r->metacap, k, v);
	case 'e':
		return kv_place(r, &r->env, &r->nenv, &r->envcap, k, v);
	default:
		return kv_place(r, &r->units, &r->nunits, &r->unitscap, k, v);
	}
}

void
cstat__run_drop_values(cstat_run *r)
{
	cstat_run *keep;

	/* Free a run that holds only the groups; r keeps the rest. */
	if (!r || !r->ng || cstat__run_alloc(&keep))
		return;
	keep->g = r->g;
	keep->ng = r->ng;
	r->g = NULL;
	r->ng = r->gcap = 0;
	cstat_run_free(keep);
	/* No group is left to find (the configurations stay with r, which
	 * has them since it had a group). */
	cstat__u64map_release(&r->cf->group_of);
	cstat__u64map_init(&r->cf->group_of);
	r->cf->last_valid = false;
}
