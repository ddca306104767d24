/*
 * fuzz-format.h - the body of a libFuzzer target for one input format
 * (fuzz-hyperfine.c, fuzz-pytest.c, fuzz-dotnet.c, fuzz-gbench.c and
 * fuzz-test2json.c define FUZZ_FORMAT and include it).
 *
 * The input is read as FUZZ_FORMAT, forced as -input-format does, and then
 * once more as whatever its content says (sniffing); every result goes
 * through the builder and the tables are rendered as text and JSON, so
 * odd names (white space, slashes, "=" and braces from parameters) reach
 * the projections and the renderers.  No printing: a crash, a leak or a
 * sanitizer report is a finding.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
fuzz_read(const uint8_t *data, size_t size, const char *format)
{
	cstat_reader *r = NULL;
	cstat_builder *b = NULL;
	cstat_tables *t = NULL;
	const struct cstat_result *res;
	struct cstat_diag d;
	char msg[1024];
	int rc;

	if (cstat_reader_new(&r) || cstat_builder_new(&b, NULL, &d))
		goto out;
	if (cstat_reader_open_mem(r, (const char *)data, size, "in.json"))
		goto out;
	if (format && cstat_reader_set_format(r, format))
		goto out;
	while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
		if (rc == 1)
			cstat_builder_add(b, res);
		else if (rc == CSTAT_ESYNTAX)
			cstat_diag_format(&d, msg, sizeof(msg));
		else
			break;
	}
	(void)cstat_reader_format(r);

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
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_read(data, size, FUZZ_FORMAT);
	fuzz_read(data, size, NULL);
	return 0;
}
