/*
 * cstat -scaling KEY: the inputs read one result at a time into a scaling
 * analysis (libcstat's cstat_scaling_*), then its report.  Kept apart from
 * cstat.c, which only hands over to it.
 */
#include <stdio.h>

#include "cstat-scaling.h"

/* Reads input i into s; the exit status (1 when it could not be read). */
static int
read_input(const char *prog, cstat_scaling *s, cstat_reader *r,
	   const struct cstat_input *in, size_t i)
{
	const struct cstat_result *res;
	struct cstat_diag d;
	char msg[1024];
	int rc = cstat_reader_open_input(r, in, &d);

	while (!rc) {
		rc = cstat_reader_next(r, &res, &d);
		if (rc == 1)
			rc = cstat_scaling_add(s, i, res);
		else if (rc == CSTAT_ESYNTAX) {
			cstat_diag_format(&d, msg, sizeof(msg));
			fprintf(stderr, "%s\n", msg);
			rc = 0;
		} else if (rc == 0)
			return 0;
		else if (rc != CSTAT_ENOMEM && rc != CSTAT_EINVAL) {
			cstat_diag_format(&d, msg, sizeof(msg));
			fprintf(stderr, "%s: %s\n", prog, msg);
			return 1;
		}
	}
	if (rc != CSTAT_ENOMEM && rc != CSTAT_EINVAL && rc != CSTAT_ESTATE) {
		cstat_diag_format(&d, msg, sizeof(msg));
		fprintf(stderr, "%s: %s\n", prog, msg);
	} else {
		fprintf(stderr, "%s: %s\n", prog, cstat_strerror(rc));
	}
	return 1;
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
		status = read_input(prog, s, r, cstat_inputs_get(in, i), i);
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
