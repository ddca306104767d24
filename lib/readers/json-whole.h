/*
 * json-whole.h - what the formats that read one whole JSON document
 * (hyperfine, pytest-benchmark) share: keeping the input until its end,
 * parsing it with a message that names the line, finding keys in the head
 * for sniffing, and spelling names so that they stay one Go benchmark name.
 */
#ifndef CSTAT_READERS_JSON_WHOLE_H
#define CSTAT_READERS_JSON_WHOLE_H

#include <stdbool.h>
#include <stddef.h>

#include <cJSON.h>

#include "cstat-private.h"
#include "readers.h"

/*
 * Whether head[0..len) holds "key" as an object key: the quoted name, not
 * escaped, then optional white space and a colon, searching from byte
 * from on; *at gets the position after the colon (at may be NULL).
 */
bool cstat__jw_key(const char *head, size_t len, size_t from, const char *key,
		   size_t *at);

/*
 * Parses the whole input (data, len; data may be NULL when len is 0).
 * A malformed or truncated document queues a failure naming its line and
 * column and leaves *out NULL.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__jw_parse(struct cstat__rq *q, const char *data, size_t len,
		    cJSON **out);

/*
 * Appends s[0..len) to b as part of a benchmark name: every white space
 * and control character becomes '_', as go test does to sub-benchmark
 * names, since Go's text format ends a name at white space (a name with a
 * space would not survive a baseline file).
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__jw_name(struct cstat__buf *b, const char *s, size_t len);

/*
 * Appends a JSON scalar as text: a string as it is, a number in its
 * shortest exact form, true, false or null; an array or object as
 * compact JSON.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__jw_text(struct cstat__buf *b, const cJSON *v);

#endif /* CSTAT_READERS_JSON_WHOLE_H */
