/*
 * cstat -scaling KEY: the inputs read one result at a time into a scaling
 * analysis (libcstat's cstat_scaling_*), then its report.  Kept apart from
 * cstat.c, which only hands over to it.
 */
#include <stdio.h>

#include "cli.h"

#include "cstat-scaling.h"

/* cli_read_input()'s hand-over: res into input i of the analysis. */
static int
add_result(void *ctx, size_t i, const struct cstat_result *res)
{
	return cstat_scaling_add(ctx, i, res);
}

int
cstat_tool_scaling(const char *prog, const char *key, cstat_reader *r,
		   const cstat_inputs *in, enum cstat_format fmt,
		   double confidence)
{
	cstat_scaling *s = NULL;
	size_t n = cstat_inputs_count(in);
	int status = 0, rc;

	if (!(confidence > 0 && confidence < 1)) {
		fprintf(stderr, "%s: -scaling needs -confidence in (0, 1)\n",
			prog);
		return 2;
	}
	rc = cstat_scaling_new(&s, key, n, confidence);
	if (rc) {
		fprintf(stderr, "%s: -scaling %s: %s\n", prog, key,
			rc == CSTAT_EINVAL
				? "want a sub-benchmark key such as /n"
				: cstat_strerror(rc));
		return 2;
	}
	for (size_t i = 0; i < n && !status; i++)
		status = cli_read_input(prog, r, cstat_inputs_get(in, i), i,
					add_result, s);
	if (!status) {
		rc = cstat_scaling_build(s);
		if (!rc)
			rc = cstat_scaling_write(s, fmt, stdout);
		if (!rc && fflush(stdout) != 0)
			rc = CSTAT_EIO;
		if (rc) {
			fprintf(stderr, "%s: %s\n", prog, cstat_strerror(rc));
			status = 1;
		}
	}
	cstat_scaling_free(s);
	return status;
}
