/*
 * cstat-scaling.h - cstat -scaling KEY (cstat-scaling.c).
 */
#ifndef CSTAT_SCALING_TOOL_H
#define CSTAT_SCALING_TOOL_H

#include <stdio.h>

#include "cstat.h"

/*
 * Reads every input of in on r, fits how each family's cost grows with
 * key (cstat_scaling_*) and writes the report in fmt to stdout; malformed
 * lines are reported on stderr as they come.  The exit status: 0; 1 an
 * input could not be read or writing failed; 2 a bad key or confidence.
 */
int cstat_tool_scaling(const char *prog, const char *key, cstat_reader *r,
		       const cstat_inputs *in, enum cstat_format fmt,
		       double confidence);

#endif /* CSTAT_SCALING_TOOL_H */
