/*
 * fuzz-test2json.c - libFuzzer target for the go test -json reader
 * (lib/readers/test2json.c).
 *
 * The input is read as a go test -json stream, whatever it holds, and every
 * result goes through the builder and the statistics; every message is
 * formatted.  Any crash, leak or sanitizer report is a finding.
 * tests/fuzz/replay.c runs the same function over tests/fuzz/corpus-test2json/
 * in the normal test suite.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct cstat_result *res;
	cstat_reader *r = NULL;
	cstat_builder *b = NULL;
	cstat_tables *t = NULL;
	struct cstat_diag d;
	char msg[1024];
	int rc;

	if (cstat_reader_new(&r) || cstat_builder_new(&b, NULL, &d))
		goto out;
	if (cstat_reader_open_mem(r, (const char *)data, size, "a.json") ||
	    cstat_reader_set_format(r, "test2json"))
		goto out;
	while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
		if (rc == 1)
			cstat_builder_add(b, res);
		else if (rc == CSTAT_ESYNTAX)
			cstat_diag_format(&d, msg, sizeof(msg));
		else
			break;
	}
	struct cstat_stats_opts o = {
		.alpha = 0.05, .confidence = 0.95, .units = r};
	(void)cstat_builder_build(b, &o, &t);
out:
	cstat_tables_free(t);
	cstat_builder_free(b);
	cstat_reader_free(r);
	return 0;
}
