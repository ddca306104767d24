/*
 * stores.c - choosing a store by its location, the public cstat_store_*()
 * functions over the table of its kind, and naming a location without
 * its password (stores.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "stores.h"

static bool
has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool
is_uri(const char *location)
{
	return has_prefix(location, "postgresql://") ||
	       has_prefix(location, "postgres://");
}

/* Whether location starts as libpq's "keyword = value" does. */
static bool
is_keyword_value(const char *location)
{
	const char *p = location;

	while (isspace((unsigned char)*p))
		p++;
	if (!isalpha((unsigned char)*p))
		return false;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	while (isspace((unsigned char)*p))
		p++;
	return *p == '=';
}

const struct cstat__stores_ops *
cstat__stores_pick(const char *location)
{
	if (!location || !*location)
		return NULL;
	if (is_uri(location) || is_keyword_value(location))
		return &cstat__stores_postgresql;
	return &cstat__stores_file;
}

/* A name a store directory takes as a file name of its own: letters,
 * digits, '.', '_' and '-', not starting with '.' or '-', at most 200. */
bool
cstat__stores_valid_name(const char *name)
{
	size_t n = name ? strlen(name) : 0;

	if (!n || n > 200 || name[0] == '.' || name[0] == '-')
		return false;
	return strspn(name,
		      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "0123456789._-") == n;
}

const char *
cstat_store_scheme(const char *location)
{
	const struct cstat__stores_ops *ops = cstat__stores_pick(location);
	return ops ? ops->scheme : NULL;
}

int
cstat_store_open(cstat_store **out, const char *location, const char *project,
		 struct cstat_diag *d)
{
	const struct cstat__stores_ops *ops = cstat__stores_pick(location);
	cstat_store *s;
	int rc;

	if (!out)
		return CSTAT_EINVAL;
	*out = NULL;
	if (d)
		memset(d, 0, sizeof(*d));
	if (!ops)
		return CSTAT_EINVAL;
	s = malloc(sizeof(*s));
	if (!s)
		return CSTAT_ENOMEM;
	s->ops = ops;
	rc = ops->open(&s->state, location, project, d);
	if (rc) {
		free(s);
		return rc;
	}
	*out = s;
	return 0;
}

void
cstat_store_close(cstat_store *s)
{
	if (!s)
		return;
	s->ops->close(s->state);
	free(s);
}

int
cstat_store_baseline_save(cstat_store *s, const char *name, const char *text,
			  size_t len, struct cstat_diag *d)
{
	if (!s || !cstat__stores_valid_name(name) || !text)
		return CSTAT_EINVAL;
	return s->ops->baseline_save(s->state, name, text, len, d);
}

int
cstat_store_baseline_load(cstat_store *s, const char *name, char **text,
			  size_t *len, struct cstat_diag *d)
{
	if (text)
		*text = NULL;
	if (len)
		*len = 0;
	if (!s || !cstat__stores_valid_name(name) || !text || !len)
		return CSTAT_EINVAL;
	return s->ops->baseline_load(s->state, name, text, len, d);
}

int
cstat_store_baseline_remove(cstat_store *s, const char *name,
			    struct cstat_diag *d)
{
	if (!s || !cstat__stores_valid_name(name))
		return CSTAT_EINVAL;
	return s->ops->baseline_remove(s->state, name, d);
}

int
cstat_store_names(cstat_store *s, const char *kind, char ***names, size_t *n,
		  struct cstat_diag *d)
{
	if (names)
		*names = NULL;
	if (n)
		*n = 0;
	if (!s || !names || !n || !kind ||
	    (strcmp(kind, "baseline") != 0 && strcmp(kind, "history") != 0))
		return CSTAT_EINVAL;
	return s->ops->list(s->state, kind, names, n, d);
}

int
cstat_store_describe(cstat_store *s, const char *kind,
		     struct cstat_store_entry **e, size_t *n,
		     struct cstat_diag *d)
{
	if (e)
		*e = NULL;
	if (n)
		*n = 0;
	if (!s || !e || !n || !kind ||
	    (strcmp(kind, "baseline") != 0 && strcmp(kind, "history") != 0))
		return CSTAT_EINVAL;
	if (!s->ops->describe)
		return CSTAT_ESTATE;
	return s->ops->describe(s->state, kind, e, n, d);
}

void
cstat_store_entries_free(struct cstat_store_entry *e, size_t n)
{
	for (size_t i = 0; e && i < n; i++) {
		free((char *)e[i].name);
		free((char *)e[i].created);
		free((char *)e[i].commit);
		free((char *)e[i].error);
	}
	free(e);
}

int
cstat_store_record(cstat_store *s, const char *name, const char *record,
		   size_t len, bool *added, struct cstat_diag *d)
{
	if (added)
		*added = false;
	if (!s || !cstat__stores_valid_name(name) || !record)
		return CSTAT_EINVAL;
	return s->ops->history_append(s->state, name, record, len, added, d);
}

int
cstat_store_history(cstat_store *s, const char *name, char **bytes, size_t *len,
		    struct cstat_diag *d)
{
	if (bytes)
		*bytes = NULL;
	if (len)
		*len = 0;
	if (!s || !cstat__stores_valid_name(name) || !bytes || !len)
		return CSTAT_EINVAL;
	return s->ops->history_read(s->state, name, bytes, len, d);
}

int
cstat_store_history_tail(cstat_store *s, const char *name, size_t keep,
			 char **bytes, size_t *len, struct cstat_diag *d)
{
	if (bytes)
		*bytes = NULL;
	if (len)
		*len = 0;
	if (!s || !cstat__stores_valid_name(name) || !keep || !bytes || !len)
		return CSTAT_EINVAL;
	if (!s->ops->history_tail)
		return s->ops->history_read(s->state, name, bytes, len, d);
	return s->ops->history_tail(s->state, name, keep, bytes, len, d);
}

int
cstat_store_history_series(cstat_store *s, const char *name, const char *bench,
			   char **bytes, size_t *len, struct cstat_diag *d)
{
	if (bytes)
		*bytes = NULL;
	if (len)
		*len = 0;
	if (!s || !cstat__stores_valid_name(name) || !bench || !*bench ||
	    !bytes || !len)
		return CSTAT_EINVAL;
	if (!s->ops->history_series)
		return s->ops->history_read(s->state, name, bytes, len, d);
	return s->ops->history_series(s->state, name, bench, bytes, len, d);
}

int
cstat_store_history_tables(cstat_store *s, const char *name, const char *bench,
			   const struct cstat_builder_opts *opts,
			   double confidence, cstat_tables **t,
			   cstat_run ***runs, size_t *nruns,
			   struct cstat_diag *d)
{
	if (t)
		*t = NULL;
	if (runs)
		*runs = NULL;
	if (nruns)
		*nruns = 0;
	if (!s || !cstat__stores_valid_name(name) || (bench && !*bench) || !t ||
	    !runs || !nruns || !(confidence >= 0 && confidence <= 1))
		return CSTAT_EINVAL;
	if (!s->ops->history_tables)
		return CSTAT_ESTATE;
	return s->ops->history_tables(s->state, name, bench, opts, confidence,
				      t, runs, nruns, d);
}

int
cstat_store_prune(cstat_store *s, const char *name, size_t keep,
		  size_t *removed, struct cstat_diag *d)
{
	if (removed)
		*removed = 0;
	if (!s || !cstat__stores_valid_name(name))
		return CSTAT_EINVAL;
	return s->ops->history_prune(s->state, name, keep, removed, d);
}

int
cstat_store_replace(cstat_store *s, const char *name, const char *bytes,
		    size_t len, struct cstat_diag *d)
{
	if (!s || !cstat__stores_valid_name(name) || (!bytes && len))
		return CSTAT_EINVAL;
	return s->ops->history_replace(s->state, name, bytes ? bytes : "", len,
				       d);
}

int
cstat_store_merge(cstat_store *s, const char *name, const char *bytes,
		  size_t len, size_t *added, size_t *total,
		  struct cstat_diag *d)
{
	if (added)
		*added = 0;
	if (total)
		*total = 0;
	if (!s || !cstat__stores_valid_name(name) || (!bytes && len))
		return CSTAT_EINVAL;
	return s->ops->history_merge(s->state, name, bytes ? bytes : "", len,
				     added, total, d);
}

/* Appends n bytes of s to buf (of size bytes, *at used), truncating. */
static void
put(char *buf, size_t size, size_t *at, const char *s, size_t n)
{
	if (*at + 1 >= size)
		return;
	if (n > size - 1 - *at)
		n = size - 1 - *at;
	memcpy(buf + *at, s, n);
	*at += n;
	buf[*at] = '\0';
}

/* A URI without the password in its user info and its parameters. */
static void
redact_uri(const char *loc, char *buf, size_t size, size_t *at)
{
	const char *host = strstr(loc, "://") + 3;
	size_t auth = strcspn(host, "/?#");
	const char *p = host, *at_sign = NULL;

	for (const char *q = host; q < host + auth; q++)
		if (*q == '@')
			at_sign = q;
	put(buf, size, at, loc, (size_t)(host - loc));
	if (at_sign) {
		size_t user = strcspn(host, ":@");
		put(buf, size, at, host, user);
		p = at_sign;
	}
	const char *query = strchr(p, '?');
	if (!query) {
		put(buf, size, at, p, strlen(p));
		return;
	}
	put(buf, size, at, p, (size_t)(query - p) + 1);
	/* Parameters, separated by '&', each kept unless it is password. */
	bool first = true;
	for (const char *q = query + 1; *q;) {
		size_t n = strcspn(q, "&");
		if (!has_prefix(q, "password=")) {
			if (!first)
				put(buf, size, at, "&", 1);
			put(buf, size, at, q, n);
			first = false;
		}
		q += n;
		if (*q == '&')
			q++;
	}
}

/* The end of a key=value string's value starting at p (quoted or not). */
static const char *
value_end(const char *p)
{
	if (*p != '\'') {
		while (*p && !isspace((unsigned char)*p))
			p++;
		return p;
	}
	for (p++; *p && *p != '\''; p++)
		if (*p == '\\' && p[1])
			p++;
	return *p ? p + 1 : p;
}

/* A key=value string without its password=... pair. */
static void
redact_keywords(const char *loc, char *buf, size_t size, size_t *at)
{
	const char *p = loc;

	while (*p) {
		const char *start = p, *key, *eq;
		while (isspace((unsigned char)*p))
			p++;
		key = p;
		while (*p && *p != '=' && !isspace((unsigned char)*p))
			p++;
		size_t klen = (size_t)(p - key);
		while (isspace((unsigned char)*p))
			p++;
		eq = p;
		if (*p == '=')
			p++;
		while (isspace((unsigned char)*p))
			p++;
		p = value_end(p);
		if (*eq == '=' && klen == 8 && strncmp(key, "password", 8) == 0)
			continue;
		put(buf, size, at, start, (size_t)(p - start));
		if (p == start)
			break;
	}
}

void
cstat_store_redact(const char *location, char *buf, size_t size)
{
	size_t at = 0;

	if (!buf || !size)
		return;
	buf[0] = '\0';
	if (!location)
		return;
	if (is_uri(location))
		redact_uri(location, buf, size, &at);
	else if (is_keyword_value(location))
		redact_keywords(location, buf, size, &at);
	else
		put(buf, size, &at, location, strlen(location));
}
