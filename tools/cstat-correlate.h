/*
 * cstat-correlate.h - cstat -correlate (cstat-correlate.c).
 */
#ifndef CSTAT_CORRELATE_TOOL_H
#define CSTAT_CORRELATE_TOOL_H

#include "cstat.h"

/*
 * Reads every input of in on r into a metric correlation
 * (cstat_correlate_*) and writes its report in fmt to stdout; malformed
 * lines are reported on stderr as they come.  The exit status: 0; 1 an
 * input could not be read or writing failed; 2 a confidence outside
 * (0, 1).
 */
int cstat_tool_correlate(const char *prog, cstat_reader *r,
			 const cstat_inputs *in, enum cstat_format fmt,
			 double confidence);

#endif /* CSTAT_CORRELATE_TOOL_H */
