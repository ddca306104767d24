/*
 * store-json.c - a run as JSON (schema "cstat-run/1", docs/cbaseline.md)
 * and read back: a baseline is one run, pretty-printed; a history is a
 * file of runs, one compact JSON object per line.
 *
 * Reading a history skips (with a warning) a last record that was cut
 * short by a crash, and refuses a record of an unknown schema.  A run file
 * given as an input becomes Go benchmark text (cstat__store_sniff()), so
 * everything downstream treats a baseline like any other input.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "numfmt.h"
#include "store-run.h"

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

	ok = ok && add(root, "schema", cJSON_CreateString(CSTAT__RUN_SCHEMA));
	const char *id = cstat_run_get(r, "id");
	if (id)
		ok = ok && add(root, "id", cstat__json_string(id));
	static const char *const top[] = {"name", "created", "commit",
					  "branch"};
	for (size_t k = 0; ok && k < 4; k++) {
		const char *v = cstat_run_get(r, top[k]);
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
		char *unit = strdup(r->units[i].key);
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
		     add(pair, NULL,
			 cstat__json_string(cstat__run_group_key(r, g, j))) &&
		     add(pair, NULL,
			 cstat__json_string(cstat__run_group_val(r, g, j)));
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

/*
 * Group g's text, as cJSON prints it inside the run: pretty text is
 * indented two tabs deeper (cJSON indents by depth alone, and its strings
 * hold no raw newline).
 */
static int
write_group(const cstat_run *r, const struct run_group *g, bool pretty,
	    struct cstat__run_sink *s)
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
int
cstat__run_write_to(const cstat_run *r, bool pretty, struct cstat__run_sink *s)
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
	struct cstat__run_sink s = {put_file, out};
	return cstat__run_write_to(r, pretty, &s);
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
		rc = cstat__run_group(r, cv, i, g);
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
	if (strcmp(schema->valuestring, CSTAT__RUN_SCHEMA) != 0) {
		if (strncmp(schema->valuestring, CSTAT__RUN_SCHEMA_PREFIX,
			    strlen(CSTAT__RUN_SCHEMA_PREFIX)) == 0)
			BAD("schema \"%s\" is from a newer cstat (this one "
			    "reads %s)",
			    schema->valuestring, CSTAT__RUN_SCHEMA);
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
			rc = cstat__run_put(r, 'm', top[k], it->valuestring);
	}
	it = cJSON_GetObjectItemCaseSensitive(root, "meta");
	cJSON *e;
	cJSON_ArrayForEach(e, it)
	{
		if (!is_str(e))
			BAD("\"meta\" values must be strings");
		char *key = cstat__run_join("meta.", "", e->string);
		if (!key)
			rc = CSTAT_ENOMEM;
		if (!rc)
			rc = cstat__run_put(r, 'm', key, e->valuestring);
		free(key);
	}
	it = cJSON_GetObjectItemCaseSensitive(root, "environment");
	cJSON_ArrayForEach(e, it)
	{
		if (!is_str(e))
			BAD("\"environment\" values must be strings");
		if (!rc)
			rc = cstat__run_put(r, 'e', e->string, e->valuestring);
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
			char *key = cstat__run_join(u->valuestring, "\t",
						    f->string);
			if (!key)
				rc = CSTAT_ENOMEM;
			if (!rc)
				rc = cstat__run_put(r, 'u', key,
						    f->valuestring);
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
				rc = cstat__run_bench(g, name->valuestring,
						      strlen(name->valuestring),
						      &b);
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
						rc = cstat__run_value(
							b, unit->valuestring,
							x);
				}
			}
		}
	}
#undef BAD
	return rc;
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
	rc = cstat__store_slurp(path, &data, &len, d);
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
	rc = cstat__store_slurp(path, &data, &len, d);
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

int
cstat__store_parse(const char *data, size_t len, const char *file,
		   unsigned long line, cstat_run **out, struct cstat_diag *d)
{
	return parse_run(data, len, file, line, out, d);
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
	if ((size_t)(data + len - q) < strlen(CSTAT__RUN_SCHEMA_PREFIX) + 1 ||
	    strncmp(q + 1, CSTAT__RUN_SCHEMA_PREFIX,
		    strlen(CSTAT__RUN_SCHEMA_PREFIX)) != 0)
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
cstat__run_parse(const char *data, size_t len, const char *file,
		 unsigned long line, cstat_run **out, struct cstat_diag *d)
{
	return parse_run(data, len, file, line, out, d);
}
