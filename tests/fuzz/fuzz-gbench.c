/*
 * fuzz-gbench.c - libFuzzer target for the Google Benchmark JSON reader
 * (lib/readers/gbench.c).
 *
 * The input is read as one file forced to the gbench format, every
 * result is taken and added to a builder, and the tables are built and
 * rendered, so whatever the reader queues (names, units, configuration,
 * warnings, failures) goes through the rest of the library.  Any crash,
 * leak or sanitizer report is a finding.  tests/fuzz/replay.c runs the
 * same function over tests/fuzz/corpus-gbench/ in the normal test suite.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
read_all(cstat_reader *r, cstat_builder *b)
{
	const struct cstat_result *res;
	struct cstat_diag d;
	char msg[1024];
	int rc;

	while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
		if (rc == 1)
			cstat_builder_add(b, res);
		else if (rc == CSTAT_ESYNTAX)
			cstat_diag_format(&d, msg, sizeof(msg));
		else
			break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cstat_reader *r = NULL;
	cstat_builder *b = NULL;
	cstat_tables *t = NULL;
	struct cstat_diag d;

	if (cstat_reader_new(&r) || cstat_builder_new(&b, NULL, &d))
		goto out;
	if (cstat_reader_open_mem(r, (const char *)data, size, "a.json") == 0 &&
	    cstat_reader_set_format(r, "gbench") == 0)
		read_all(r, b);
	struct cstat_stats_opts o = {
		.alpha = 0.05, .confidence = 0.95, .units = r};
	if (cstat_builder_build(b, &o, &t) == 0) {
		FILE *sink = fopen("/dev/null", "w");
		if (sink) {
			cstat_tables_write(t, CSTAT_FORMAT_TEXT, sink, sink);
			cstat_tables_write(t, CSTAT_FORMAT_JSON, sink, sink);
			fclose(sink);
		}
	}
out:
	cstat_tables_free(t);
	cstat_builder_free(b);
	cstat_reader_free(r);
	return 0;
}
