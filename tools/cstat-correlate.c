/*
 * cstat -correlate: the inputs read one result at a time into a metric
 * correlation (libcstat's cstat_correlate_*), then its report.  Kept
 * apart from cstat.c, which only hands over to it.
 */
#include <stdio.h>

#include "cli.h"

#include "cstat-correlate.h"

/* cli_read_input()'s hand-over: res into input i of the analysis. */
static int
add_result(void *ctx, size_t i, const struct cstat_result *res)
{
	return cstat_correlate_add(ctx, i, res);
}

int
cstat_tool_correlate(const char *prog, cstat_reader *r, const cstat_inputs *in,
		     enum cstat_format fmt, double confidence)
{
	cstat_correlate *c = NULL;
	size_t n = cstat_inputs_count(in);
	int status = 0, rc;

	if (!(confidence > 0 && confidence < 1)) {
		fprintf(stderr, "%s: -correlate needs -confidence in (0, 1)\n",
			prog);
		return 2;
	}
	rc = cstat_correlate_new(&c, n, confidence);
	if (rc) {
		fprintf(stderr, "%s: %s\n", prog, cstat_strerror(rc));
		return 1;
	}
	for (size_t i = 0; i < n && !status; i++)
		status = cli_read_input(prog, r, cstat_inputs_get(in, i), i,
					add_result, c);
	if (!status) {
		rc = cstat_correlate_build(c);
		if (!rc)
			rc = cstat_correlate_write(c, fmt, stdout);
		if (!rc && fflush(stdout) != 0)
			rc = CSTAT_EIO;
		if (rc) {
			fprintf(stderr, "%s: %s\n", prog, cstat_strerror(rc));
			status = 1;
		}
	}
	cstat_correlate_free(c);
	return status;
}
