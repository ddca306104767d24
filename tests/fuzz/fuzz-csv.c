/*
 * fuzz-csv.c - libFuzzer target for the CSV formats' reader (cstat's long
 * CSV; fuzz-criterion.c builds the same target for criterion's raw.csv).
 *
 * The input is read twice: through the reader (every result goes to the
 * builder, the tables are built and written with -samples), and through
 * the format's feed() directly, once whole and once in chunks of the size
 * the input's first byte picks, which must queue the same items: a
 * difference is a finding, as is any crash, leak or sanitizer report.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstat.h"
#include "readers/readers.h"

#ifndef FUZZ_FORMAT
#define FUZZ_FORMAT "csv"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A digest of what feeding text in chunks of chunk bytes queues. */
static unsigned long long
digest(const struct cstat__format *f, const char *text, size_t len,
       size_t chunk)
{
	struct cstat__rq *q = NULL;
	struct cstat__rq_item it;
	unsigned long long h = 1469598103934665603ULL;
	void *state = calloc(1, f->state_size);
	size_t pos = 0;
	bool end = false;

	if (!state || cstat__rq_new(&q))
		goto out;
	while (!end && !cstat__rq_failed(q)) {
		size_t n = len - pos < chunk ? len - pos : chunk;

		end = n == 0;
		if (f->feed(state, q, end ? NULL : text + pos, n))
			goto out;
		pos += n;
		while (cstat__rq_take(q, &it) == 1) {
			h = (h ^ (unsigned)it.kind ^ it.line << 8) *
			    1099511628211ULL;
			for (size_t k = 0; k < it.nvalues; k++) {
				unsigned long long b;

				memcpy(&b, &it.values[k].value, sizeof(b));
				h = (h ^ b) * 1099511628211ULL;
			}
		}
		cstat__rq_clear(q);
	}
out:
	if (f->release && state)
		f->release(state);
	free(state);
	cstat__rq_free(q);
	return h;
}

static void
read_all(cstat_reader *r, cstat_builder *b)
{
	const struct cstat_result *res;
	struct cstat_diag d;
	int rc;

	while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
		if (rc == 1)
			cstat_builder_add(b, res);
		else if (rc != CSTAT_ESYNTAX)
			break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct cstat__format *f = cstat__format_named(FUZZ_FORMAT);
	cstat_reader *r = NULL;
	cstat_builder *b = NULL;
	cstat_tables *t = NULL;
	struct cstat_diag d;

	if (size == 0 || !f)
		return 0;

	const char *text = (const char *)data + 1;
	size_t len = size - 1, chunk = 1 + data[0] % 16;

	if (digest(f, text, len, len ? len : 1) != digest(f, text, len, chunk))
		abort();
	if (cstat_reader_new(&r) || cstat_builder_new(&b, NULL, &d) ||
	    cstat_reader_set_format(r, FUZZ_FORMAT))
		goto out;
	if (cstat_reader_open_mem(r, text, len, "a.csv") == 0)
		read_all(r, b);

	struct cstat_stats_opts o = {
		.alpha = 0.05, .confidence = 0.95, .units = r};

	if (cstat_builder_build(b, &o, &t) == 0) {
		FILE *sink = fopen("/dev/null", "w");

		if (sink) {
			struct cstat_diag sd;

			cstat_tables_set(t, "samples", "true", &sd);
			cstat_tables_write(t, CSTAT_FORMAT_TEXT, sink, sink);
			fclose(sink);
		}
	}
out:
	cstat_tables_free(t);
	cstat_builder_free(b);
	cstat_reader_free(r);
	return 0;
}
