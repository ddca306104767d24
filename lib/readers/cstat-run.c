/*
 * cstat-run.c - cstat's own result files as inputs: a baseline (one
 * pretty-printed run) or a history (one run per line, of which the last
 * complete one is read).  Their format is the store's (store-json.c); this
 * reads the whole file, lets the store turn the run back into the Go
 * benchmark text it came from, and hands that text to the reader.
 */
#include <stdlib.h>
#include <string.h>

#include "cstat-private.h"
#include "json-whole.h"
#include "readers.h"
#include "store.h"

/* The schema's name starts every run file's "schema" value. */
static const char schema_key[] = "\"schema\"";
static const char schema_prefix[] = "\"cstat-run/";

static int
sniff(const char *head, size_t len, bool whole)
{
	(void)whole;
	if (len == 0 || head[0] != '{')
		return 0;

	/* A history has "schema" on its first line, a pretty baseline on
	 * its second: look at the first 256 bytes. */
	size_t n = len < 256 ? len : 256;

	for (size_t i = 0; i + sizeof(schema_key) - 1 <= n; i++) {
		if (memcmp(head + i, schema_key, sizeof(schema_key) - 1) != 0)
			continue;

		size_t j = i + sizeof(schema_key) - 1;

		while (j < len &&
		       (head[j] == ' ' || head[j] == ':' || head[j] == '\t'))
			j++;
		return len - j >= sizeof(schema_prefix) - 1 &&
				       memcmp(head + j, schema_prefix,
					      sizeof(schema_prefix) - 1) == 0
			       ? 100
			       : 0;
	}
	return 0;
}

/* Queues each line of the run's text. */
static int
queue_lines(struct cstat__rq *q, const char *text, size_t len)
{
	unsigned long line = 0;

	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;

		if (cstat__rq_text(q, text + i, n, ++line))
			return CSTAT_ENOMEM;
		i += n + 1;
	}
	return 0;
}

static int
feed(void *state, struct cstat__rq *q, const char *data, size_t len)
{
	struct cstat__jw_state *s = state;
	struct cstat_diag d = {0};
	char *text = NULL;
	size_t tlen = 0;

	if (len)
		return cstat__buf_add(&s->data, data, len) ? CSTAT_ENOMEM : 0;

	int rc = cstat__store_sniff(s->data.data ? s->data.data : "",
				    s->data.len, cstat__rq_label(q), &text,
				    &tlen, &d);

	if (rc == CSTAT_ENOMEM)
		return rc;
	if (rc < 0)
		return cstat__rq_fail_diag(q, rc, &d);
	if (rc == 0)
		return cstat__rq_fail(q, CSTAT_EFORMAT, 0,
				      "not a cstat run file");
	rc = queue_lines(q, text, tlen);
	free(text);
	return rc;
}

const struct cstat__format cstat__format_cstat_run = {
	.name = "cstat",
	.title = "cstat run file",
	.json = true,
	.sniff = sniff,
	.feed = feed,
	.state_size = sizeof(struct cstat__jw_state),
	.release = cstat__jw_release,
};
