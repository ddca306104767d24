/*
 * json.c - what the JSON writers and readers share over cJSON (json.h):
 * a string quoted with the stream's one JSON escaper, cJSON items that
 * keep any bytes valid and numbers in Go's shortest form, and a parse in
 * the "C" locale's number syntax.
 */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cstat-private.h"
#include "numfmt.h"
#include "ostream.h"

int
cstat__json_quote(struct cstat__buf *b, const char *s, size_t len)
{
	/* The stream's escaper, appending to b's storage: one JSON rule. */
	struct cstat__ostream o;

	cstat__os_memory(&o);
	o.data = b->data;
	o.len = b->len;
	o.cap = b->cap;
	cstat__os_json_str(&o, s, len);
	b->data = o.data;
	b->len = o.len;
	b->cap = o.cap;
	if (!o.err)
		b->data[b->len] = '\0';
	return o.err ? CSTAT_ENOMEM : 0;
}

cJSON *
cstat__json_string(const char *s)
{
	struct cstat__buf b = {0};
	cJSON *item = NULL;

	if (cstat__json_quote(&b, s, strlen(s)) == 0 &&
	    cstat__buf_addc(&b, '\0') == 0)
		item = cJSON_CreateRaw(b.data);
	cstat__buf_release(&b);
	return item;
}

bool
cstat__json_add(cJSON *o, const char *key, cJSON *item)
{
	if (!item)
		return false;
	if (key ? cJSON_AddItemToObject(o, key, item)
		: cJSON_AddItemToArray(o, item))
		return true;
	cJSON_Delete(item);
	return false;
}

bool
cstat__json_add_str(cJSON *o, const char *key, const char *s)
{
	return cstat__json_add(o, key,
			       s ? cstat__json_string(s) : cJSON_CreateNull());
}

bool
cstat__json_add_num(cJSON *o, const char *key, double v)
{
	char num[CSTAT__GO_FLOAT_SIZE];

	if (!isfinite(v))
		return cstat__json_add(o, key, cJSON_CreateNull());
	cstat__fmt_go_float(num, v);
	return cstat__json_add(o, key, cJSON_CreateRaw(num));
}

bool
cstat__json_add_count(cJSON *o, const char *key, size_t n)
{
	char num[32];

	snprintf(num, sizeof(num), "%zu", n);
	return cstat__json_add(o, key, cJSON_CreateRaw(num));
}

cJSON *
cstat__json_parse(const char *data, size_t len, const char **end)
{
	/* glibc hands out its static "C" object here: nothing to fail. */
	locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	locale_t old = c ? uselocale(c) : (locale_t)0;
	cJSON *root = cJSON_ParseWithLengthOpts(data, len, end, false);

	if (c) {
		uselocale(old);
		freelocale(c);
	}
	return root;
}
