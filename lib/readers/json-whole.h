/*
 * json-whole.h - what the formats that read a JSON document (Google
 * Benchmark, hyperfine, pytest-benchmark, BenchmarkDotNet) share: keeping the
 * input until its end, parsing it with a message that names the line and
 * column, and finding keys in the head for sniffing.
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

/* The state of a format that reads its whole input at its end (the JSON
 * formats, cstat's run files): the input, kept until then. */
struct cstat__jw_state {
	struct cstat__buf data;
};

/*
 * The feed() of such a format (its state a struct cstat__jw_state): keeps
 * each chunk, and at the end parses the input (a malformed or truncated
 * document fails as cstat__jw_parse() says) and hands the tree to read.
 * @return 0, CSTAT_ENOMEM, or what read returns.
 */
int cstat__jw_feed(void *state, struct cstat__rq *q, const char *data,
		   size_t len,
		   int (*read)(struct cstat__rq *q, const cJSON *root));

/*
 * Hands each item of the array items to read, with its index and a name
 * buffer the calls share (so each need not allocate its own), stopping at
 * the first that does not return 0.
 * @return 0 or what read returned.
 */
int cstat__jw_each(struct cstat__rq *q, const cJSON *items,
		   int (*read)(struct cstat__rq *q, const cJSON *item,
			       size_t idx, struct cstat__buf *name));

/* The release() of such a format. */
void cstat__jw_release(void *state);

/*
 * Queues the failure of a JSON document data[0..len) that cJSON could not
 * parse, end being where cJSON stopped: "FILE:LINE:COLUMN: truncated
 * JSON: the input ends inside a value" (shown at the last byte) or
 * "...: malformed JSON" (where it went wrong).
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__jw_fail(struct cstat__rq *q, const char *data, size_t len,
		   const char *end);

/*
 * Parses the whole input (data, len; data may be NULL when len is 0).
 * A malformed or truncated document queues a failure naming its line and
 * column and leaves *out NULL.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__jw_parse(struct cstat__rq *q, const char *data, size_t len,
		    cJSON **out);

/*
 * Appends a JSON scalar as text: a string as it is, a number in its
 * shortest exact form, true, false or null; an array or object as
 * compact JSON.
 * @return 0 or CSTAT_ENOMEM.
 */
int cstat__jw_text(struct cstat__buf *b, const cJSON *v);

#endif /* CSTAT_READERS_JSON_WHOLE_H */
