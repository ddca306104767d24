/*
 * json-whole.c - helpers of the formats that read one whole JSON document
 * (json-whole.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json-whole.h"

static bool
json_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool
cstat__jw_key(const char *head, size_t len, size_t from, const char *key,
	      size_t *at)
{
	size_t klen = strlen(key);

	for (size_t i = from; i + klen + 2 <= len; i++) {
		if (head[i] != '"' || (i > 0 && head[i - 1] == '\\') ||
		    memcmp(head + i + 1, key, klen) != 0 ||
		    head[i + 1 + klen] != '"')
			continue;

		size_t j = i + klen + 2;

		while (j < len && json_space(head[j]))
			j++;
		if (j < len && head[j] == ':') {
			if (at)
				*at = j + 1;
			return true;
		}
	}
	return false;
}

/* Whether data ends inside a string, an array or an object: a file cut
 * short (cJSON reports where the value it was reading began). */
static bool
ends_early(const char *data, size_t len)
{
	size_t depth = 0;
	bool in_str = false;

	for (size_t i = 0; i < len; i++) {
		char c = data[i];

		if (in_str) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '[' || c == '{') {
			depth++;
		} else if ((c == ']' || c == '}') && depth) {
			depth--;
		}
	}
	return in_str || depth > 0;
}

/* The 1-based line and column of data[pos]. */
static void
line_col(const char *data, size_t pos, unsigned long *line, unsigned long *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < pos; i++) {
		if (data[i] == '\n') {
			++*line;
			*col = 1;
		} else {
			++*col;
		}
	}
}

int
cstat__jw_fail(struct cstat__rq *q, const char *data, size_t len,
	       const char *end)
{
	struct cstat_diag d = {0};
	unsigned long line, col;
	size_t pos = end && end >= data && end <= data + len
			     ? (size_t)(end - data)
			     : len;
	size_t last = len;

	while (last > 0 && json_space(data[last - 1]))
		last--;

	/* cJSON points where the value it was reading began; a document
	 * cut short is shown at its last byte, where it was cut. */
	bool truncated = last > 0 && (pos >= last || ends_early(data, len));

	if (truncated)
		pos = last - 1;
	line_col(data, pos, &line, &col);
	d.line = line;
	d.column = col;
	snprintf(d.message, sizeof(d.message), "%s",
		 last == 0   ? "empty input, not JSON"
		 : truncated ? "truncated JSON: the input ends inside a value"
			     : "malformed JSON");
	return cstat__rq_fail_diag(q, CSTAT_EFORMAT, &d);
}

int
cstat__jw_parse(struct cstat__rq *q, const char *data, size_t len, cJSON **out)
{
	const char *end = NULL;

	if (!data)
		data = "";
	*out = cJSON_ParseWithLengthOpts(data, len, &end, false);
	if (*out)
		return 0;
	/* cJSON cannot tell a failed allocation from bad input; it reads
	 * as bad input. */
	return cstat__jw_fail(q, data, len, end);
}

int
cstat__jw_text(struct cstat__buf *b, const cJSON *v)
{
	if (cJSON_IsString(v))
		return cstat__buf_adds(b, v->valuestring) ? CSTAT_ENOMEM : 0;
	if (cJSON_IsNumber(v)) {
		char num[40];

		snprintf(num, sizeof(num), "%.15g", v->valuedouble);
		if (strtod(num, NULL) != v->valuedouble)
			snprintf(num, sizeof(num), "%.17g", v->valuedouble);
		return cstat__buf_adds(b, num) ? CSTAT_ENOMEM : 0;
	}
	if (cJSON_IsTrue(v) || cJSON_IsFalse(v) || cJSON_IsNull(v))
		return cstat__buf_adds(b, cJSON_IsTrue(v)    ? "true"
					  : cJSON_IsFalse(v) ? "false"
							     : "null")
			       ? CSTAT_ENOMEM
			       : 0;

	char *s = cJSON_PrintUnformatted(v);

	if (!s)
		return CSTAT_ENOMEM;
	int rc = cstat__buf_adds(b, s) ? CSTAT_ENOMEM : 0;
	cJSON_free(s);
	return rc;
}

int
cstat__jw_feed(void *state, struct cstat__rq *q, const char *data, size_t len,
	       int (*read)(struct cstat__rq *q, const cJSON *root))
{
	struct cstat__jw_state *s = state;
	cJSON *root;

	if (len)
		return cstat__buf_add(&s->data, data, len) ? CSTAT_ENOMEM : 0;

	int rc = cstat__jw_parse(q, s->data.data, s->data.len, &root);

	if (rc || !root)
		return rc;
	rc = read(q, root);
	cJSON_Delete(root);
	return rc;
}

int
cstat__jw_each(struct cstat__rq *q, const cJSON *items,
	       int (*read)(struct cstat__rq *q, const cJSON *item, size_t idx,
			   struct cstat__buf *name))
{
	struct cstat__buf name = {0};
	const cJSON *it;
	size_t idx = 0;
	int rc = 0;

	cJSON_ArrayForEach(it, items)
	{
		if ((rc = read(q, it, idx++, &name)))
			break;
	}
	cstat__buf_release(&name);
	return rc;
}

void
cstat__jw_release(void *state)
{
	struct cstat__jw_state *s = state;

	cstat__buf_release(&s->data);
}
