/*
 * changes-bench.c - times the change-point search alone: reads a history
 * once (cstat_history_read(), as cbaseline does), then calls
 * cstat_history_changes() CALLS times and prints each call's wall and CPU
 * time (CPU of every thread of the process).  With OUT, writes the
 * changes found, every double in hex (%a), so that two builds can be
 * compared bit for bit with cmp.  tests/bench/cpd-bench.sh runs it.
 *
 * usage: changes-bench HISTORY [CALLS [OUT [SINCE [ALPHA]]]]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cstat.h"

static double
seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int
main(int argc, char **argv)
{
	cstat_tables *t;
	cstat_run **runs;
	size_t nruns, nch = 0;
	struct cstat_diag d;
	struct cstat_change *ch = NULL;
	int calls = argc > 2 ? atoi(argv[2]) : 1;
	size_t since = argc > 4 ? strtoul(argv[4], NULL, 10) : 0;
	double alpha = argc > 5 ? strtod(argv[5], NULL) : 0;
	FILE *out;

	if (argc < 2 || calls < 1) {
		fprintf(stderr, "usage: changes-bench HISTORY [CALLS [OUT "
				"[SINCE [ALPHA]]]]\n");
		return 2;
	}
	if (cstat_history_read(argv[1], NULL, 0.95, &t, &runs, &nruns, NULL,
			       NULL, &d)) {
		fprintf(stderr, "%s: cannot read it\n", argv[1]);
		return 1;
	}
	for (int i = 0; i < calls; i++) {
		double w = seconds(CLOCK_MONOTONIC);
		double c = seconds(CLOCK_PROCESS_CPUTIME_ID);

		free(ch);
		if (cstat_history_changes(t, since, alpha, &ch, &nch)) {
			fprintf(stderr, "the search failed\n");
			return 1;
		}
		printf("search %.4f s wall %.4f s CPU %zu changes\n",
		       seconds(CLOCK_MONOTONIC) - w,
		       seconds(CLOCK_PROCESS_CPUTIME_ID) - c, nch);
	}
	out = argc > 3 ? fopen(argv[3], "w") : NULL;
	for (size_t i = 0; out && i < nch; i++)
		fprintf(out, "%zu %zu %zu %zu %a %a %a %a\n", ch[i].table,
			ch[i].row, ch[i].col, ch[i].run, ch[i].before,
			ch[i].after, ch[i].change, ch[i].p);
	if (out && fclose(out))
		return 1;
	free(ch);
	cstat_tables_free(t);
	cstat_history_free(runs, nruns);
	return 0;
}
