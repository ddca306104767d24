/*
 * store.c - cstat's own result files: baselines and histories.
 *
 * A run is the results of one benchmark run (one or more input files) with
 * what is needed to judge it later: every raw value per benchmark and unit,
 * the configuration lines, the Unit metadata, and metadata about the run
 * (name, creation time, commit, branch, free key=value pairs) and its
 * environment (host name, goos, goarch, cpu).  A baseline is one run in a
 * pretty-printed JSON file; a history is a file of runs, one compact JSON
 * object per line, appended to under a lock.  Both have the schema
 * "cstat-run/1" (docs/cbaseline.md).
 *
 * Writes never lose data: a baseline is written to a temporary file in the
 * same directory, synced and renamed over the old one; a history record is
 * one write() of a whole line under flock(), then fsync.  Reading a history
 * skips (with a warning) a last record that was cut short by a crash, and
 * refuses a file of an unknown schema.
 *
 * The reader turns a run back into Go benchmark text (cstat__store_text),
 * so everything downstream treats a baseline like any other input.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "numfmt.h"
#include "store.h"

#define SCHEMA "cstat-run/1"
#define SCHEMA_PREFIX "cstat-run/"

struct run_unit {
	char *unit;
	double *v;
	size_t n, cap;
};

struct run_bench {
	const char *name; /* in its group's names */
	struct run_unit *u;
	size_t nu, cap;
};

struct run_group {
	uint32_t conf; /* the configuration, in the run's confs */
	size_t nconf;
	struct run_bench *b;
	size_t nb, cap;
	struct cstat__strtab names; /* the benchmarks' names, interned */
	size_t *of_name;	    /* by name id: index in b + 1, 0 none */
	size_t of_cap;
};

struct run_kv {
	char *key, *value;
};

struct cstat_run {
	struct run_group *g;
	size_t ng, gcap;
	struct run_kv *meta; /* name, created, commit, branch, meta.* */
	size_t nmeta, metacap;
	struct run_kv *env; /* host, goos, goarch, cpu */
	size_t nenv, envcap;
	struct run_kv *units; /* "unit\tkey" -> value, Unit metadata */
	size_t nunits, unitscap;
	/*
	 * The groups' configurations, shared: each is a sequence of pairs
	 * (pair_key[p - 1], pair_val[p - 1]) of strings in cstrs, and equal
	 * runs of pairs are stored once (struct cstat__seqtab).  A
	 * configuration that gains a key before each result makes n groups
	 * of 1..n pairs: stored as copies they took memory n * n / 2.
	 */
	bool conf_ready;
	struct cstat__strtab cstrs;
	struct cstat__seqtab confs;
	struct cstat__u64map pair_of;  /* key id << 32 | value id -> p */
	struct cstat__u64map group_of; /* confs id -> group index */
	uint32_t *pair_key, *pair_val, *scratch;
	size_t npairs, pairs_cap, pvals_cap, scratch_cap;
	struct cstat__buf last_text; /* the last result's config_text */
	size_t last_group;
	bool last_valid;
};

/* ---------------------------------------------------------------------- */

static char *
str_ndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static char *
str_dup(const char *s)
{
	return str_ndup(s, strlen(s));
}

/* a, sep and b in one malloc'd string: keys of any length. */
static char *
join(const char *a, const char *sep, const char *b)
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

/* Sets key in a key-value list (replacing), or removes it for NULL. */
static int
kv_set(struct run_kv **list, size_t *n, size_t *cap, const char *key,
       const char *value)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*list)[i].key, key) != 0)
			continue;
		if (!value) {
			free((*list)[i].key);
			free((*list)[i].value);
			memmove(&(*list)[i], &(*list)[i + 1],
				(*n - i - 1) * sizeof(**list));
			(*n)--;
			return 0;
		}
		char *v = str_dup(value);
		if (!v)
			return CSTAT_ENOMEM;
		free((*list)[i].value);
		(*list)[i].value = v;
		return 0;
	}
	if (!value)
		return 0;
	if (cstat__grow((void **)list, cap, *n + 1, sizeof(**list)))
		return CSTAT_ENOMEM;
	char *k = str_dup(key), *v = str_dup(value);
	if (!k || !v) {
		free(k);
		free(v);
		return CSTAT_ENOMEM;
	}
	(*list)[(*n)++] = (struct run_kv){k, v};
	return 0;
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
kv_free(struct run_kv *list, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(list[i].key);
		free(list[i].value);
	}
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
	if (kv_set(&(*out)->meta, &(*out)->nmeta, &(*out)->metacap, "id", id)) {
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
	if (r->conf_ready) {
		cstat__strtab_release(&r->cstrs);
		cstat__seqtab_release(&r->confs);
		cstat__u64map_release(&r->pair_of);
		cstat__u64map_release(&r->group_of);
	}
	free(r->pair_key);
	free(r->pair_val);
	free(r->scratch);
	cstat__buf_release(&r->last_text);
	kv_free(r->meta, r->nmeta);
	kv_free(r->env, r->nenv);
	kv_free(r->units, r->nunits);
	free(r);
}

/* Key j of group g's configuration. */
static const char *
group_key(const cstat_run *r, const struct run_group *g, size_t j)
{
	uint32_t p = cstat__seqtab_get(&r->confs, g->conf, j);

	return cstat__strtab_str(&r->cstrs, r->pair_key[p - 1]);
}

/* Value j of group g's configuration. */
static const char *
group_val(const cstat_run *r, const struct run_group *g, size_t j)
{
	uint32_t p = cstat__seqtab_get(&r->confs, g->conf, j);

	return cstat__strtab_str(&r->cstrs, r->pair_val[p - 1]);
}

/* The pair (key, value) as a pair number (from 1), made if new. */
static int
pair_for(cstat_run *r, const struct cstat_config *c, uint32_t *out)
{
	uint32_t k, v;

	if (cstat__strtab_intern(&r->cstrs, c->key, strlen(c->key), &k) ||
	    cstat__strtab_intern(&r->cstrs, c->value, strlen(c->value), &v))
		return CSTAT_ENOMEM;
	uint64_t key = (uint64_t)k << 32 | v;
	uint32_t p = cstat__u64map_get(&r->pair_of, key);
	if (p != UINT32_MAX) {
		*out = p;
		return 0;
	}
	if (cstat__grow((void **)&r->pair_key, &r->pairs_cap, r->npairs + 1,
			sizeof(*r->pair_key)))
		return CSTAT_ENOMEM;
	if (cstat__grow((void **)&r->pair_val, &r->pvals_cap, r->npairs + 1,
			sizeof(*r->pair_val)))
		return CSTAT_ENOMEM;
	r->pair_key[r->npairs] = k;
	r->pair_val[r->npairs] = v;
	*out = (uint32_t)++r->npairs;
	return cstat__u64map_put(&r->pair_of, key, *out);
}

static int
conf_init(cstat_run *r)
{
	if (r->conf_ready)
		return 0;
	if (cstat__strtab_init(&r->cstrs))
		return CSTAT_ENOMEM;
	if (cstat__seqtab_init(&r->confs)) {
		cstat__strtab_release(&r->cstrs);
		return CSTAT_ENOMEM;
	}
	cstat__u64map_init(&r->pair_of);
	cstat__u64map_init(&r->group_of);
	r->conf_ready = true;
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
	if (cstat__u64map_put(&r->group_of, conf, (uint32_t)r->ng)) {
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

	if (!rc && cstat__grow((void **)&r->scratch, &r->scratch_cap, nconf + 1,
			       sizeof(*r->scratch)))
		rc = CSTAT_ENOMEM;
	for (size_t i = 0; i < nconf && !rc; i++)
		rc = pair_for(r, &conf[i], &r->scratch[i]);
	if (!rc)
		rc = cstat__seqtab_intern(&r->confs, r->scratch, nconf, &id,
					  &added);
	if (rc)
		return rc;
	uint32_t gi = cstat__u64map_get(&r->group_of, id);
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
		u->unit = str_dup(unit);
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
			    kv_set(&r->env, &r->nenv, &r->envcap, keys[k],
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
	if (r->last_valid && res->config_text &&
	    res->config_text_len == r->last_text.len &&
	    memcmp(res->config_text, r->last_text.data, r->last_text.len) ==
		    0) {
		g = &r->g[r->last_group];
		rc = 0;
	} else {
		rc = group_for(r, res->config, res->nconfig, &g);
		r->last_text.len = 0;
		r->last_valid = !rc && res->config_text &&
				!cstat__buf_add(&r->last_text, res->config_text,
						res->config_text_len);
		r->last_group = rc ? 0 : (size_t)(g - r->g);
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
			char *key = v ? join(unit, "\t", keys[k]) : NULL;
			if (v && !key)
				rc = CSTAT_ENOMEM;
			else if (v && !kv_get(r->units, r->nunits, key))
				rc = kv_set(&r->units, &r->nunits, &r->unitscap,
					    key, v);
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
		return kv_set(&r->env, &r->nenv, &r->envcap, key, value);
	if (strcmp(key, "name") == 0 || strcmp(key, "created") == 0 ||
	    strcmp(key, "id") == 0 || strcmp(key, "commit") == 0 ||
	    strcmp(key, "branch") == 0 ||
	    (strncmp(key, "meta.", 5) == 0 && key[5]))
		return kv_set(&r->meta, &r->nmeta, &r->metacap, key, value);
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

/* ---------------------------------------------------------------------- */
/* JSON */

static cJSON *
number(double v)
{
	char buf[CSTAT__GO_FLOAT_SIZE];

	if (!isfinite(v)) {
		/* JSON has no NaN or infinities: keep them as strings. */
		return cJSON_CreateString(isnan(v) ? "NaN"
					  : v > 0  ? "+Inf"
						   : "-Inf");
	}
	cstat__fmt_go_float(buf, v);
	return cJSON_CreateRaw(buf);
}

/* Adds item under key, its bytes that are not UTF-8 repaired as
 * cstat__json_string() repairs a value's. */
static bool
add(cJSON *o, const char *key, cJSON *item)
{
	struct cstat__buf k = {0};

	if (!item)
		return false;
	if (!key) {
		cJSON_AddItemToArray(o, item);
		return true;
	}
	if (cstat__utf8_repair(&k, key, strlen(key))) {
		cJSON_Delete(item);
		cstat__buf_release(&k);
		return false;
	}
	cJSON_AddItemToObject(o, k.data ? k.data : "", item);
	cstat__buf_release(&k);
	return true;
}

static cJSON *
kv_object(const struct run_kv *list, size_t n, size_t skip)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; o && i < n; i++)
		if (!add(o, list[i].key + skip,
			 cstat__json_string(list[i].value))) {
			cJSON_Delete(o);
			return NULL;
		}
	return o;
}

static cJSON *
to_json(const cstat_run *r)
{
	cJSON *root = cJSON_CreateObject(), *meta, *groups, *units;
	bool ok = root != NULL;

	ok = ok && add(root, "schema", cJSON_CreateString(SCHEMA));
	const char *id = kv_get(r->meta, r->nmeta, "id");
	if (id)
		ok = ok && add(root, "id", cstat__json_string(id));
	static const char *const top[] = {"name", "created", "commit",
					  "branch"};
	for (size_t k = 0; ok && k < 4; k++) {
		const char *v = kv_get(r->meta, r->nmeta, top[k]);
		if (v)
			ok = add(root, top[k], cstat__json_string(v));
	}
	meta = ok ? cJSON_CreateObject() : NULL;
	ok = ok && add(root, "meta", meta);
	for (size_t i = 0; ok && i < r->nmeta; i++)
		if (strncmp(r->meta[i].key, "meta.", 5) == 0)
			ok = add(meta, r->meta[i].key + 5,
				 cstat__json_string(r->meta[i].value));
	ok = ok && add(root, "environment", kv_object(r->env, r->nenv, 0));
	units = ok ? cJSON_CreateArray() : NULL;
	ok = ok && add(root, "units", units);
	for (size_t i = 0; ok && i < r->nunits; i++) {
		cJSON *u = cJSON_CreateObject();
		char *unit = str_dup(r->units[i].key);
		char *tab = unit ? strchr(unit, '\t') : NULL;
		if (tab)
			*tab = '\0';
		ok = tab && add(units, NULL, u) &&
		     add(u, "unit", cstat__json_string(unit)) &&
		     add(u, tab + 1, cstat__json_string(r->units[i].value));
		free(unit);
	}
	/* The groups are written one by one after this (write_run). */
	groups = ok ? cJSON_CreateArray() : NULL;
	ok = ok && add(root, "groups", groups);
	if (!ok) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

/* Group g as a JSON object. */
static cJSON *
group_json(const cstat_run *r, const struct run_group *g)
{
	cJSON *go = cJSON_CreateObject(), *conf, *benches;
	bool ok = go != NULL;

	conf = ok ? cJSON_CreateArray() : NULL;
	ok = ok && add(go, "config", conf);
	for (size_t j = 0; ok && j < g->nconf; j++) {
		cJSON *pair = cJSON_CreateArray();
		ok = add(conf, NULL, pair) &&
		     add(pair, NULL, cstat__json_string(group_key(r, g, j))) &&
		     add(pair, NULL, cstat__json_string(group_val(r, g, j)));
	}
	benches = ok ? cJSON_CreateArray() : NULL;
	ok = ok && add(go, "benchmarks", benches);
	for (size_t j = 0; ok && j < g->nb; j++) {
		const struct run_bench *b = &g->b[j];
		cJSON *bo = cJSON_CreateObject(), *ua;
		ok = add(benches, NULL, bo) &&
		     add(bo, "name", cstat__json_string(b->name));
		ua = ok ? cJSON_CreateArray() : NULL;
		ok = ok && add(bo, "units", ua);
		for (size_t k = 0; ok && k < b->nu; k++) {
			cJSON *uo = cJSON_CreateObject(), *va;
			ok = add(ua, NULL, uo) &&
			     add(uo, "unit", cstat__json_string(b->u[k].unit));
			va = ok ? cJSON_CreateArray() : NULL;
			ok = ok && add(uo, "values", va);
			for (size_t m = 0; ok && m < b->u[k].n; m++)
				ok = add(va, NULL, number(b->u[k].v[m]));
		}
	}
	if (!ok) {
		cJSON_Delete(go);
		return NULL;
	}
	return go;
}

/* Where a run's text goes: put() returns 0 or an error code. */
struct sink {
	int (*put)(void *ctx, const char *p, size_t n);
	void *ctx;
};

/*
 * Group g's text, as cJSON prints it inside the run: pretty text is
 * indented two tabs deeper (cJSON indents by depth alone, and its strings
 * hold no raw newline).
 */
static int
write_group(const cstat_run *r, const struct run_group *g, bool pretty,
	    struct sink *s)
{
	cJSON *go = group_json(r, g);
	char *text = !go      ? NULL
		     : pretty ? cJSON_Print(go)
			      : cJSON_PrintUnformatted(go);
	int rc = text ? 0 : CSTAT_ENOMEM;

	cJSON_Delete(go);
	for (const char *p = text; p && !rc;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) + 1 : strlen(p);
		rc = s->put(s->ctx, p, n);
		if (!rc && nl)
			rc = s->put(s->ctx, "\t\t", 2);
		p = nl ? nl + 1 : NULL;
	}
	cJSON_free(text);
	return rc;
}

/*
 * The run as one JSON text and a newline, exactly as cJSON prints the whole
 * tree, but a group at a time: a run whose configuration grows by a key per
 * result writes n * n / 2 pairs, which as one tree took many times the
 * file's size in memory.
 */
static int
write_run(const cstat_run *r, bool pretty, struct sink *s)
{
	cJSON *root = to_json(r);
	char *head = !root    ? NULL
		     : pretty ? cJSON_Print(root)
			      : cJSON_PrintUnformatted(root);
	/* head ends with the empty groups: "[]\n}" or "[]}". */
	size_t tail = pretty ? 3 : 2, len = head ? strlen(head) : 0;
	int rc = head && len > tail ? 0 : CSTAT_ENOMEM;

	cJSON_Delete(root);
	if (!rc)
		rc = s->put(s->ctx, head, len - tail);
	for (size_t i = 0; i < r->ng && !rc; i++) {
		if (i > 0)
			rc = s->put(s->ctx, pretty ? ", " : ",",
				    pretty ? 2 : 1);
		if (!rc)
			rc = write_group(r, &r->g[i], pretty, s);
	}
	if (!rc)
		rc = s->put(s->ctx, head + len - tail, tail);
	if (!rc)
		rc = s->put(s->ctx, "\n", 1);
	cJSON_free(head);
	return rc;
}

static int
put_file(void *ctx, const char *p, size_t n)
{
	return fwrite(p, 1, n, ctx) == n ? 0 : CSTAT_EIO;
}

int
cstat_run_write(const cstat_run *r, bool pretty, FILE *out)
{
	if (!r || !out)
		return CSTAT_EINVAL;
	struct sink s = {put_file, out};
	return write_run(r, pretty, &s);
}

static int
sys_error(struct cstat_diag *d, const char *what, const char *path)
{
	int err = errno;
	char why[128];

	/* O_NOFOLLOW's answer to a link: say what it means. */
	if (err == ELOOP)
		snprintf(why, sizeof(why),
			 "is a symbolic link (a store never follows links)");
	else
		cstat__errno_text(err, why, sizeof(why));
	cstat__diag_set(d, NULL, 0, 0, "%s %s: %s", what, path, why);
	return err == ELOOP ? CSTAT_EACCES : cstat__errno_code(err);
}

/*
 * Opens a file of the store with flags, never through a link (O_NOFOLLOW,
 * which sys_error names): the descriptor, or an error with d set.
 */
static int
open_nofollow(const char *path, int flags, struct cstat_diag *d)
{
	int fd = open(path, flags | O_NOFOLLOW | O_CLOEXEC, 0644);

	return fd >= 0 ? fd : sys_error(d, "open", path);
}

int
cstat__write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Syncs the directory holding path, so a rename in it is durable. */
static void
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? str_ndup(path,
				     slash == path ? 1 : (size_t)(slash - path))
			  : str_dup(".");
	int fd;

	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(dir);
}

/* A temporary file of path's: "path.tmp.PID", PID in *pid. */
static bool
tmp_of(const char *name, const char *base, long *pid)
{
	size_t bl = strlen(base);
	char *end;

	if (strncmp(name, base, bl) != 0 || strncmp(name + bl, ".tmp.", 5) ||
	    name[bl + 5] < '0' || name[bl + 5] > '9')
		return false;
	*pid = strtol(name + bl + 5, &end, 10);
	return *end == '\0';
}

/*
 * Removes the temporary files of path that a writer killed before its
 * rename left behind: those not modified for STALE_ANY seconds, and those
 * of a process that no longer exists here and not modified for STALE_DEAD
 * seconds (a writer writes and syncs without pause, so a file that stands
 * still is abandoned; the wait covers a store shared with other machines,
 * whose process ids mean nothing here).  Best effort: a file that cannot
 * be removed stays.  A link at a temporary name was planted: refused.
 * @return 0, or an error with d set.
 */
#define STALE_DEAD 60
#define STALE_ANY (10 * 60)
static int
check_tmps(const char *path, struct cstat_diag *d)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? str_ndup(path, (size_t)(slash - path) + 1)
			  : str_dup("./");
	const char *base = slash ? slash + 1 : path;
	DIR *dp = dir ? opendir(dir) : NULL;
	struct dirent *e;
	time_t now = time(NULL);
	int rc = dir ? 0 : CSTAT_ENOMEM;

	while (!rc && dp && (e = readdir(dp)) != NULL) {
		struct stat st;
		long pid;
		if (!tmp_of(e->d_name, base, &pid) ||
		    fstatat(dirfd(dp), e->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (S_ISLNK(st.st_mode)) {
			cstat__diag_set(d, NULL, 0, 0,
					"create %s%s: is a symbolic link (a "
					"store never follows links)",
					dir, e->d_name);
			rc = CSTAT_EACCES;
			continue;
		}
		double idle = difftime(now, st.st_mtime);
		bool dead = pid <= 0 || pid > INT_MAX ||
			    (kill((pid_t)pid, 0) != 0 && errno == ESRCH);
		if (pid != (long)getpid() &&
		    (idle >= STALE_ANY || (dead && idle >= STALE_DEAD)))
			unlinkat(dirfd(dp), e->d_name, 0);
	}
	if (dp)
		closedir(dp);
	free(dir);
	return rc;
}

/*
 * Creates path's temporary file, ours alone: O_EXCL and O_NOFOLLOW, so a
 * file or link planted at the name is never written through.  A regular
 * file of our own process id is a leftover of an earlier process with the
 * same id: removed, once.
 */
static int
create_tmp(const char *tmp, struct cstat_diag *d)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
	struct stat st;
	int fd = open(tmp, flags, 0644);

	if (fd < 0 && errno == EEXIST && lstat(tmp, &st) == 0) {
		if (S_ISLNK(st.st_mode)) {
			errno = ELOOP;
			return sys_error(d, "create", tmp);
		}
		if (S_ISREG(st.st_mode) && unlink(tmp) == 0)
			fd = open(tmp, flags, 0644);
		else
			errno = EEXIST;
	}
	return fd >= 0 ? fd : sys_error(d, "create", tmp);
}

/* What a file gets: a run's text, or len bytes at data when r is NULL. */
struct content {
	const cstat_run *r;
	bool pretty;
	const char *data;
	size_t len;
};

/* A sink into a descriptor through a buffer, for write_run(). */
struct fd_sink {
	int fd;
	size_t len;
	char buf[1 << 16];
};

static int
put_fd(void *ctx, const char *p, size_t n)
{
	struct fd_sink *f = ctx;

	if (f->len + n > sizeof(f->buf)) {
		if (cstat__write_all(f->fd, f->buf, f->len))
			return CSTAT_EIO;
		f->len = 0;
	}
	if (n > sizeof(f->buf))
		return cstat__write_all(f->fd, p, n) ? CSTAT_EIO : 0;
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	return 0;
}

/*
 * Writes c to fd.  @return 0, CSTAT_EIO (errno says why) or
 * CSTAT_ENOMEM.
 */
static int
write_content(int fd, const struct content *c)
{
	if (!c->r)
		return cstat__write_all(fd, c->data, c->len) ? CSTAT_EIO : 0;
	struct fd_sink *f = malloc(sizeof(*f));
	if (!f)
		return CSTAT_ENOMEM;
	f->fd = fd;
	f->len = 0;
	struct sink s = {put_fd, f};
	int rc = write_run(c->r, c->pretty, &s);
	if (!rc && cstat__write_all(fd, f->buf, f->len))
		rc = CSTAT_EIO;
	free(f);
	return rc;
}

/*
 * Replaces path with c, atomically: a temporary name of our own beside
 * the file (a rename is atomic only within one file system), fsync,
 * rename, then fsync of the directory.  A link at path is refused, not
 * replaced.
 */
static int
replace_with(const char *path, const struct content *c, struct cstat_diag *d)
{
	char *tmp = malloc(strlen(path) + 32);
	struct stat st;
	int fd, rc = 0;

	if (!tmp)
		return CSTAT_ENOMEM;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		free(tmp);
		errno = ELOOP;
		return sys_error(d, "replace", path);
	}
	rc = check_tmps(path, d);
	sprintf(tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = rc ? rc : create_tmp(tmp, d);
	int wr = fd < 0 ? 0 : write_content(fd, c);
	if (fd < 0) {
		rc = fd;
	} else if (wr || fsync(fd)) {
		rc = wr == CSTAT_ENOMEM ? wr : sys_error(d, "write", tmp);
		close(fd);
		unlink(tmp);
	} else if (close(fd)) {
		rc = sys_error(d, "write", tmp);
		unlink(tmp);
	} else if (rename(tmp, path)) {
		rc = sys_error(d, "rename", path);
		unlink(tmp);
	} else {
		sync_dir(path);
	}
	free(tmp);
	return rc;
}

/* Replaces path with len bytes at data (replace_with()). */
static int
write_atomic(const char *path, const char *data, size_t len,
	     struct cstat_diag *d)
{
	struct content c = {NULL, false, data, len};

	return replace_with(path, &c, d);
}

int
cstat_run_save(const cstat_run *r, const char *path, struct cstat_diag *d)
{
	if (!r || !path)
		return CSTAT_EINVAL;
	struct content c = {r, true, NULL, 0};
	return replace_with(path, &c, d);
}

static int lock_history(const char *path, struct cstat_diag *d);

int
cstat_run_append(const cstat_run *r, const char *path, struct cstat_diag *d)
{
	char last;
	int fd, rc = 0;

	if (!r || !path)
		return CSTAT_EINVAL;
	/* One writer at a time, appends and prunes alike, through a lock
	 * file beside the history (a prune replaces the history itself). */
	int lock = lock_history(path, d);
	if (lock < 0)
		return lock;
	fd = open_nofollow(path, O_RDWR | O_CREAT | O_APPEND, d);
	if (fd < 0) {
		close(lock);
		return fd;
	}
	/* A record cut short by a crash has no newline: end it, so this
	 * record starts a line of its own (the reader skips the stub). */
	struct stat st;
	if (fstat(fd, &st)) {
		rc = sys_error(d, "stat", path);
		goto out;
	}
	if (st.st_size > 0 && pread(fd, &last, 1, st.st_size - 1) == 1 &&
	    last != '\n' && cstat__write_all(fd, "\n", 1)) {
		rc = sys_error(d, "write", path);
		goto out;
	}
	/* The record goes out a group at a time (write_run()). */
	struct content c = {r, false, NULL, 0};
	int wr = write_content(fd, &c);
	if (wr || fsync(fd)) {
		rc = wr == CSTAT_ENOMEM ? wr : sys_error(d, "write", path);
		/* A record that did not fit (a full disk) goes again, so
		 * it does not stay behind as a stub every read warns of;
		 * under the lock, nobody else wrote after it. */
		if (ftruncate(fd, st.st_size) == 0)
			fsync(fd);
	}
out:
	close(fd);
	close(lock); /* releases the lock */
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Reading runs back. */

static bool
is_str(const cJSON *o)
{
	return cJSON_IsString(o) && o->valuestring;
}

/*
 * The group of a parsed "config" array, made if new.  As many lines as
 * the writer wrote: the reader must accept whatever the writer accepts.
 * @return 0, CSTAT_EFORMAT (an entry is not [key, value]) or CSTAT_ENOMEM.
 */
static int
group_from_json(cstat_run *r, const cJSON *conf, struct run_group **g)
{
	size_t nc = (size_t)cJSON_GetArraySize(conf), i = 0;
	struct cstat_config *cv = calloc(nc ? nc : 1, sizeof(*cv));
	const cJSON *pair;
	int rc = cv ? 0 : CSTAT_ENOMEM;

	cJSON_ArrayForEach(pair, conf)
	{
		const cJSON *k = cJSON_GetArrayItem(pair, 0);
		const cJSON *v = cJSON_GetArrayItem(pair, 1);
		if (rc)
			break;
		if (!is_str(k) || !is_str(v) || cJSON_GetArraySize(pair) != 2)
			rc = CSTAT_EFORMAT;
		else
			cv[i++] = (struct cstat_config){k->valuestring,
							v->valuestring};
	}
	if (!rc)
		rc = group_for(r, cv, i, g);
	free(cv);
	return rc;
}

/* Fills r from a parsed run; d gets "why" on failure. */
static int
from_json(cstat_run *r, const cJSON *root, const char *file, unsigned long line,
	  struct cstat_diag *d)
{
	const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
	const cJSON *it;
	int rc = 0;

#define BAD(...)                                                               \
	do {                                                                   \
		cstat__diag_set(d, file, line, 0, __VA_ARGS__);                \
		return CSTAT_EFORMAT;                                          \
	} while (0)

	if (!cJSON_IsObject(root))
		BAD("not a cstat run (want a JSON object)");
	if (!is_str(schema))
		BAD("not a cstat run (no \"schema\")");
	if (strcmp(schema->valuestring, SCHEMA) != 0) {
		if (strncmp(schema->valuestring, SCHEMA_PREFIX,
			    strlen(SCHEMA_PREFIX)) == 0)
			BAD("schema \"%s\" is from a newer cstat (this one "
			    "reads %s)",
			    schema->valuestring, SCHEMA);
		BAD("not a cstat run (schema \"%s\")", schema->valuestring);
	}
	static const char *const top[] = {"name", "created", "commit", "branch",
					  "id"};
	for (size_t k = 0; k < 5 && !rc; k++) {
		it = cJSON_GetObjectItemCaseSensitive(root, top[k]);
		/* An id that is no string, or empty, was not written by
		 * cstat: no id, as in a record written before ids. */
		if (k == 4 && it && (!is_str(it) || !it->valuestring[0]))
			it = NULL;
		if (it && !is_str(it))
			BAD("\"%s\" must be a string", top[k]);
		if (it)
			rc = kv_set(&r->meta, &r->nmeta, &r->metacap, top[k],
				    it->valuestring);
	}
	it = cJSON_GetObjectItemCaseSensitive(root, "meta");
	cJSON *e;
	cJSON_ArrayForEach(e, it)
	{
		if (!is_str(e))
			BAD("\"meta\" values must be strings");
		char *key = join("meta.", "", e->string);
		if (!key)
			rc = CSTAT_ENOMEM;
		if (!rc)
			rc = kv_set(&r->meta, &r->nmeta, &r->metacap, key,
				    e->valuestring);
		free(key);
	}
	it = cJSON_GetObjectItemCaseSensitive(root, "environment");
	cJSON_ArrayForEach(e, it)
	{
		if (!is_str(e))
			BAD("\"environment\" values must be strings");
		if (!rc)
			rc = kv_set(&r->env, &r->nenv, &r->envcap, e->string,
				    e->valuestring);
	}
	it = cJSON_GetObjectItemCaseSensitive(root, "units");
	cJSON_ArrayForEach(e, it)
	{
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(e, "unit");
		const cJSON *f;
		if (!is_str(u))
			BAD("a \"units\" entry has no \"unit\"");
		cJSON_ArrayForEach(f, e)
		{
			if (strcmp(f->string, "unit") == 0)
				continue;
			if (!is_str(f))
				BAD("Unit metadata must be strings");
			char *key = join(u->valuestring, "\t", f->string);
			if (!key)
				rc = CSTAT_ENOMEM;
			if (!rc)
				rc = kv_set(&r->units, &r->nunits, &r->unitscap,
					    key, f->valuestring);
			free(key);
		}
	}
	const cJSON *groups = cJSON_GetObjectItemCaseSensitive(root, "groups");
	if (!cJSON_IsArray(groups))
		BAD("\"groups\" must be an array");
	cJSON_ArrayForEach(e, groups)
	{
		const cJSON *conf =
			cJSON_GetObjectItemCaseSensitive(e, "config");
		const cJSON *bs =
			cJSON_GetObjectItemCaseSensitive(e, "benchmarks");
		if (!cJSON_IsArray(conf) || !cJSON_IsArray(bs))
			BAD("a group needs \"config\" and \"benchmarks\" "
			    "arrays");
		struct run_group *g = NULL;
		if (!rc)
			rc = group_from_json(r, conf, &g);
		if (rc == CSTAT_EFORMAT)
			BAD("a config entry must be [key, value]");
		const cJSON *bo;
		cJSON_ArrayForEach(bo, bs)
		{
			const cJSON *name =
				cJSON_GetObjectItemCaseSensitive(bo, "name");
			const cJSON *ua =
				cJSON_GetObjectItemCaseSensitive(bo, "units");
			struct run_bench *b = NULL;
			if (!is_str(name) || !cJSON_IsArray(ua))
				BAD("a benchmark needs a \"name\" and "
				    "\"units\"");
			if (!rc)
				rc = bench_for(g, name->valuestring,
					       strlen(name->valuestring), &b);
			const cJSON *uo;
			cJSON_ArrayForEach(uo, ua)
			{
				const cJSON *unit =
					cJSON_GetObjectItemCaseSensitive(
						uo, "unit");
				const cJSON *vals =
					cJSON_GetObjectItemCaseSensitive(
						uo, "values");
				const cJSON *v;
				if (!is_str(unit) || !cJSON_IsArray(vals))
					BAD("benchmark \"%s\": a unit needs "
					    "\"unit\" and \"values\"",
					    name->valuestring);
				cJSON_ArrayForEach(v, vals)
				{
					double x;
					if (cJSON_IsNumber(v))
						x = v->valuedouble;
					else if (is_str(v) &&
						 strcmp(v->valuestring,
							"NaN") == 0)
						x = NAN;
					else if (is_str(v) &&
						 strcmp(v->valuestring,
							"+Inf") == 0)
						x = INFINITY;
					else if (is_str(v) &&
						 strcmp(v->valuestring,
							"-Inf") == 0)
						x = -INFINITY;
					else
						BAD("benchmark \"%s\": values "
						    "must be numbers",
						    name->valuestring);
					if (!rc)
						rc = unit_add(b,
							      unit->valuestring,
							      x);
				}
			}
		}
	}
#undef BAD
	return rc;
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

/* Parses one run from len bytes; line is where it starts, for messages. */
static int
parse_run(const char *data, size_t len, const char *file, unsigned long line,
	  cstat_run **out, struct cstat_diag *d)
{
	const char *end = NULL;
	cJSON *root = cstat__json_parse(data, len, &end);
	int rc;

	*out = NULL;
	if (!root) {
		size_t off = end ? (size_t)(end - data) : 0;
		unsigned long l = line, col = 1;
		for (size_t i = 0; i < off && i < len; i++) {
			if (data[i] == '\n') {
				l++;
				col = 1;
			} else {
				col++;
			}
		}
		cstat__diag_set(d, file, l, col, "not valid JSON");
		return CSTAT_EFORMAT;
	}
	rc = cstat__run_alloc(out);
	if (!rc)
		rc = from_json(*out, root, file, line, d);
	cJSON_Delete(root);
	if (rc) {
		cstat_run_free(*out);
		*out = NULL;
	}
	return rc;
}

static int
slurp(const char *path, char **data, size_t *len, struct cstat_diag *d)
{
	int fd = open_nofollow(path, O_RDONLY, d);
	size_t cap = 0;

	*data = NULL;
	*len = 0;
	if (fd < 0)
		return fd;
	for (;;) {
		if (cstat__grow((void **)data, &cap, *len + 65536, 1)) {
			close(fd);
			return CSTAT_ENOMEM;
		}
		ssize_t n = read(fd, *data + *len, cap - *len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int rc = sys_error(d, "read", path);
			close(fd);
			return rc;
		}
		if (n == 0)
			break;
		*len += (size_t)n;
	}
	close(fd);
	(*data)[*len] = '\0';
	return 0;
}

int
cstat_run_load(cstat_run **out, const char *path, struct cstat_diag *d)
{
	char *data;
	size_t len;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !path)
		return CSTAT_EINVAL;
	rc = slurp(path, &data, &len, d);
	/* history-read.c's small parser first: cJSON's tree of a baseline
	 * took some 30 times its size.  It takes only what cJSON's reading
	 * reads the same, and leaves errors to it. */
	if (!rc)
		rc = cstat__run_parse_small(data, len, out);
	if (rc == 0)
		rc = parse_run(data, len, path, 1, out, d);
	else if (rc == 1)
		rc = 0;
	free(data);
	return rc;
}

int
cstat__history_parse(const char *data, size_t len, const char *file,
		     cstat_run ***runs, size_t *nruns,
		     void (*warn)(void *ctx, const struct cstat_diag *d),
		     void *ctx, struct cstat_diag *d)
{
	size_t cap = 0, pos = 0;
	unsigned long line = 0;
	int rc = 0;

	*runs = NULL;
	*nruns = 0;
	while (pos < len && !rc) {
		const char *p = data + pos;
		const char *nl = memchr(p, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - p) : len - pos;
		bool blank = true;
		line++;
		pos += nl ? n + 1 : n;
		for (size_t i = 0; i < n && blank; i++)
			blank = p[i] == ' ' || p[i] == '\t' || p[i] == '\r';
		if (blank)
			continue;
		cstat_run *r;
		struct cstat_diag rd;
		rc = parse_run(p, n, file, line, &r, &rd);
		if (cstat__cut_short(rc, nl != NULL, &rd, file, line, warn,
				     ctx)) {
			rc = 0;
			continue;
		}
		if (rc) {
			if (d)
				*d = rd;
			break;
		}
		if (cstat__grow((void **)runs, &cap, *nruns + 1,
				sizeof(**runs))) {
			cstat_run_free(r);
			rc = CSTAT_ENOMEM;
			break;
		}
		(*runs)[(*nruns)++] = r;
	}
	if (rc) {
		for (size_t i = 0; i < *nruns; i++)
			cstat_run_free((*runs)[i]);
		free(*runs);
		*runs = NULL;
		*nruns = 0;
	}
	return rc;
}

int
cstat_history_load(const char *path, cstat_run ***runs, size_t *nruns,
		   void (*warn)(void *ctx, const struct cstat_diag *d),
		   void *ctx, struct cstat_diag *d)
{
	char *data;
	size_t len;
	int rc;

	if (runs)
		*runs = NULL;
	if (nruns)
		*nruns = 0;
	if (!path || !runs || !nruns)
		return CSTAT_EINVAL;
	rc = slurp(path, &data, &len, d);
	if (!rc)
		rc = cstat__history_parse(data, len, path, runs, nruns, warn,
					  ctx, d);
	free(data);
	return rc;
}

void
cstat_history_free(cstat_run **runs, size_t n)
{
	if (!runs)
		return;
	for (size_t i = 0; i < n; i++)
		cstat_run_free(runs[i]);
	free(runs);
}

/* The store's file primitives, for store-merge.c (store.h). */
static int lock_history(const char *path, struct cstat_diag *d);

int
cstat__store_slurp(const char *path, char **data, size_t *len,
		   struct cstat_diag *d)
{
	return slurp(path, data, len, d);
}

int
cstat__store_parse(const char *data, size_t len, const char *file,
		   unsigned long line, cstat_run **out, struct cstat_diag *d)
{
	return parse_run(data, len, file, line, out, d);
}

int
cstat__store_replace(const char *path, const char *data, size_t len,
		     struct cstat_diag *d)
{
	return write_atomic(path, data, len, d);
}

int
cstat__store_lock(const char *path, struct cstat_diag *d)
{
	return lock_history(path, d);
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
		*seen = calloc(r->cstrs.count + 1, sizeof(**seen));
		if (!*seen)
			return CSTAT_ENOMEM;
	}
	for (size_t j = 0; j < g->nconf; j++)
		(*seen)[r->pair_key[cstat__seqtab_get(&r->confs, g->conf, j) -
				    1]] = true;
	for (size_t j = 0; prev && j < prev->nconf && !rc; j++) {
		uint32_t p = cstat__seqtab_get(&r->confs, prev->conf, j);
		if (!(*seen)[r->pair_key[p - 1]])
			rc = cstat__buf_printf(b, "%s:\n",
					       group_key(r, prev, j));
	}
	for (size_t j = 0; j < g->nconf && !rc; j++)
		rc = cstat__buf_printf(b, "%s: %s\n", group_key(r, g, j),
				       group_val(r, g, j));
	for (size_t j = 0; j < g->nconf; j++)
		(*seen)[r->pair_key[cstat__seqtab_get(&r->confs, g->conf, j) -
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
	*out = b.data ? b.data : str_dup("");
	if (!*out)
		return CSTAT_ENOMEM;
	*len = b.len;
	return 0;
}

/* memmem(), which POSIX lacks. */
static const char *
find(const char *h, size_t hl, const char *n)
{
	size_t nl = strlen(n);

	for (size_t i = 0; i + nl <= hl; i++)
		if (memcmp(h + i, n, nl) == 0)
			return h + i;
	return NULL;
}

/*
 * A baseline through history-read.c's small parser, on a copy (it parses
 * in place): as cJSON's tree, a baseline took some 30 times its size.
 * @return 1 with *out set, 0 when it is cJSON's to read, or an error.
 */
static int
parse_small(const char *data, size_t len, cstat_run **out)
{
	char *copy = malloc(len + 1);

	if (!copy)
		return CSTAT_ENOMEM;
	memcpy(copy, data, len);
	copy[len] = '\0';
	int rc = cstat__run_parse_small(copy, len, out);
	free(copy);
	return rc;
}

int
cstat__store_sniff(const char *data, size_t len, const char *file, char **text,
		   size_t *tlen, struct cstat_diag *d)
{
	size_t i = 0;
	cstat_run **runs = NULL, *one = NULL;
	size_t n = 0;
	int rc;

	while (i < len && (data[i] == ' ' || data[i] == '\t' ||
			   data[i] == '\n' || data[i] == '\r'))
		i++;
	if (i == len || data[i] != '{')
		return 0;
	/* Ours only if the first object names our schema. */
	const char *nl = memchr(data + i, '\n', len - i);
	const char *probe = find(data + i, (nl ? (size_t)(nl - data) : len) - i,
				 "\"schema\"");
	bool pretty = !probe;
	if (pretty) {
		/* A pretty-printed baseline has "schema" on its 2nd line. */
		probe = find(data + i, len - i < 256 ? len - i : 256,
			     "\"schema\"");
	}
	if (!probe)
		return 0;
	const char *q = probe + 8;
	while (q < data + len && (*q == ' ' || *q == ':' || *q == '\t'))
		q++;
	if ((size_t)(data + len - q) < strlen(SCHEMA_PREFIX) + 1 ||
	    strncmp(q + 1, SCHEMA_PREFIX, strlen(SCHEMA_PREFIX)) != 0)
		return 0;
	if (pretty) {
		rc = parse_small(data, len, &one);
		if (rc == 0)
			rc = parse_run(data, len, file, 1, &one, d);
		else if (rc == 1)
			rc = 0;
	} else {
		rc = cstat__history_parse(data, len, file, &runs, &n, NULL,
					  NULL, d);
		if (!rc && n == 0) {
			cstat__diag_set(d, file, 0, 0,
					"%s: the history has no complete "
					"record",
					file);
			rc = CSTAT_EFORMAT;
		}
		/* A history as an input is its most recent run. */
		if (!rc)
			one = runs[n - 1];
	}
	if (!rc)
		rc = cstat_run_text(one, text, tlen);
	if (pretty)
		cstat_run_free(one);
	cstat_history_free(runs, n);
	return rc ? rc : 1;
}

/* ---------------------------------------------------------------------- */

int
cstat__run_add_units(cstat_reader *rd, const cstat_run *r, const char *label,
		     struct cstat_diag *d)
{
	struct cstat__buf units = {0};
	const struct cstat_result *res;
	int rc = 0;

	for (size_t i = 0; i < r->nunits && !rc; i++) {
		const char *tab = strchr(r->units[i].key, '\t');
		if (!tab)
			continue; /* not "unit\tkey": none of ours */
		rc = cstat__buf_printf(&units, "Unit %.*s %s=%s\n",
				       (int)(tab - r->units[i].key),
				       r->units[i].key, tab + 1,
				       r->units[i].value);
	}
	if (!rc && units.len) {
		rc = cstat_reader_open_mem(rd, units.data, units.len, label);
		while (!rc && (rc = cstat_reader_next(rd, &res, d)) == 1)
			;
	}
	cstat__buf_release(&units);
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
			conf[k] = (struct cstat_config){group_key(r, g, k),
							group_val(r, g, k)};
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

/* The lock beside a history, shared by appends and prunes. */
static int
lock_history(const char *path, struct cstat_diag *d)
{
	char *lock = malloc(strlen(path) + 6);
	int fd;

	if (!lock)
		return CSTAT_ENOMEM;
	sprintf(lock, "%s.lock", path);
	fd = open_nofollow(lock, O_RDWR | O_CREAT, d);
	if (fd < 0) {
		free(lock);
		return fd;
	}
	while (flock(fd, LOCK_EX) != 0) {
		if (errno != EINTR) {
			int rc = sys_error(d, "lock", lock);
			close(fd);
			free(lock);
			return rc;
		}
	}
	free(lock);
	return fd;
}

int
cstat_history_prune(const char *path, size_t keep, size_t *removed,
		    struct cstat_diag *d)
{
	char *data = NULL;
	size_t len, start;
	int lock, rc;

	if (removed)
		*removed = 0;
	if (!path)
		return CSTAT_EINVAL;
	lock = lock_history(path, d);
	if (lock < 0)
		return lock;
	rc = slurp(path, &data, &len, d);
	if (rc)
		goto out;
	/*
	 * Keep the last keep records.  Records cut short go; a record of an
	 * unknown schema stops the prune (it is not ours to drop).  The kept
	 * lines move down in place, in order.
	 */
	size_t *starts = NULL, *lens = NULL, nrec = 0, cap = 0, cap2 = 0;
	unsigned long line = 0;
	for (size_t pos = 0; pos < len && !rc;) {
		const char *p = data + pos;
		const char *nl = memchr(p, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - p) : len - pos;
		cstat_run *r;
		struct cstat_diag rd;
		line++;
		int pr = parse_run(p, n, path, line, &r, &rd);
		cstat_run_free(r);
		if (pr == CSTAT_EFORMAT &&
		    (!nl || strcmp(rd.message, "not valid JSON") == 0)) {
			pr = 0; /* a stub, or a blank line: dropped */
		} else if (pr) {
			if (d)
				*d = rd;
			rc = pr;
		} else if (cstat__grow((void **)&starts, &cap, nrec + 1,
				       sizeof(*starts)) ||
			   cstat__grow((void **)&lens, &cap2, nrec + 1,
				       sizeof(*lens))) {
			rc = CSTAT_ENOMEM;
		} else {
			starts[nrec] = pos;
			lens[nrec++] = n;
		}
		pos += nl ? n + 1 : n;
	}
	start = 0;
	size_t end = 0, first = nrec > keep ? nrec - keep : 0;
	if (removed)
		*removed = rc ? 0 : first;
	for (size_t k = first; k < nrec && !rc; k++) {
		memmove(data + end, data + starts[k], lens[k]);
		end += lens[k];
		data[end++] = '\n';
	}
	free(starts);
	free(lens);
	if (rc)
		goto out;
	rc = write_atomic(path, data + start, end - start, d);
out:
	free(data);
	close(lock);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* For history-read.c: a history read record by record. */

bool
cstat__cut_short(int rc, bool complete, struct cstat_diag *rd, const char *file,
		 unsigned long line,
		 void (*warn)(void *ctx, const struct cstat_diag *d), void *ctx)
{
	/* A record without its newline, or one that does not parse and is
	 * followed by more, was cut short by a crash: say so and go on.  A
	 * whole record of an unknown schema is an error: it is not ours to
	 * skip. */
	if (rc != CSTAT_EFORMAT ||
	    (complete && strcmp(rd->message, "not valid JSON") != 0))
		return false;
	cstat__diag_set(rd, file, line, 0,
			"record cut short (an interrupted write?), skipped");
	if (warn)
		warn(ctx, rd);
	return true;
}

int
cstat__store_open(const char *path, int flags, struct cstat_diag *d)
{
	return open_nofollow(path, flags, d);
}

int
cstat__store_create_tmp(const char *path, char **tmp, struct cstat_diag *d)
{
	struct stat st;
	int rc;

	*tmp = malloc(strlen(path) + 32);
	if (!*tmp)
		return CSTAT_ENOMEM;
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
		errno = ELOOP;
		rc = sys_error(d, "replace", path);
	} else {
		rc = check_tmps(path, d);
	}
	sprintf(*tmp, "%s.tmp.%ld", path, (long)getpid());
	if (!rc)
		rc = create_tmp(*tmp, d);
	if (rc < 0) {
		free(*tmp);
		*tmp = NULL;
	}
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
cstat__run_parse(const char *data, size_t len, const char *file,
		 unsigned long line, cstat_run **out, struct cstat_diag *d)
{
	return parse_run(data, len, file, line, out, d);
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
		return kv_set(&r->meta, &r->nmeta, &r->metacap, key, value);
	case 'e':
		return kv_set(&r->env, &r->nenv, &r->envcap, key, value);
	default:
		return kv_set(&r->units, &r->nunits, &r->unitscap, key, value);
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
	/* No group is left to find (the configurations stay with r). */
	cstat__u64map_release(&r->group_of);
	cstat__u64map_init(&r->group_of);
	r->last_valid = false;
}
