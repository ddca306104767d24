/*
 * read-only.c - reads inputs through libcstat's reader and nothing else
 * (no builder, no tables), printing how many results and values it read:
 * the reader's own speed and memory, for tests/bench/csv-bench.sh.
 *
 * usage: read-only FILE...
 */
#include <stdio.h>

#include "cstat.h"

int
main(int argc, char **argv)
{
	cstat_reader *r;
	const struct cstat_result *res;
	struct cstat_diag d;
	unsigned long long nres = 0, nval = 0;
	int rc;

	if (cstat_reader_new(&r))
		return 1;
	for (int i = 1; i < argc; i++) {
		if (cstat_reader_open(r, argv[i], NULL, &d))
			return 1;
		while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
			if (rc < 0 && rc != CSTAT_ESYNTAX)
				return 1;
			if (rc == 1) {
				nres++;
				nval += res->nvalues;
			}
		}
	}
	cstat_reader_free(r);
	printf("%llu results, %llu values\n", nres, nval);
	return 0;
}
