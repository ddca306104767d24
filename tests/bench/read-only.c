/*
 * read-only.c - reads inputs through libcstat's reader and nothing else
 * (no builder, no tables), printing how many results and values it read:
 * the reader's own speed and memory, for tests/bench/csv-bench.sh and
 * tests/bench/parse-bench.sh.
 *
 * With -n RUNS it reads all the files RUNS times over and also prints each
 * pass's CPU time on this thread and the median pass as MB/s: the parsing
 * rate of one thread, which a busy machine disturbs far less than the wall
 * time (the files are in the page cache after the first pass), and the
 * fastest pass, the least disturbed.
 *
 * usage: read-only [-n RUNS] FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cstat.h"

static double
thread_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One pass over the files; returns -1 when one cannot be read. */
static int
read_all(cstat_reader *r, char **files, int nfiles, unsigned long long *nres,
	 unsigned long long *nval)
{
	const struct cstat_result *res;
	struct cstat_diag d;
	int rc;

	for (int i = 0; i < nfiles; i++) {
		if (cstat_reader_open(r, files[i], NULL, &d))
			return -1;
		while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
			if (rc < 0 && rc != CSTAT_ESYNTAX)
				return -1;
			if (rc == 1) {
				(*nres)++;
				*nval += res->nvalues;
			}
		}
	}
	return 0;
}

int
main(int argc, char **argv)
{
	cstat_reader *r;
	unsigned long long nres = 0, nval = 0;
	int runs = 1, first = 1;
	double bytes = 0;

	if (argc > 2 && strcmp(argv[1], "-n") == 0) {
		runs = atoi(argv[2]);
		first = 3;
		if (runs < 1 || runs > 1000)
			return 2;
	}
	for (int i = first; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0)
			bytes += (double)st.st_size;
	}
	double *secs = calloc((size_t)runs, sizeof(*secs));
	if (!secs || cstat_reader_new(&r))
		return 1;
	for (int k = 0; k < runs; k++) {
		double t = thread_seconds();
		nres = nval = 0;
		if (read_all(r, argv + first, argc - first, &nres, &nval))
			return 1;
		secs[k] = thread_seconds() - t;
	}
	cstat_reader_free(r);
	printf("%llu results, %llu values\n", nres, nval);
	if (first > 1) {
		for (int k = 0; k < runs; k++)
			printf("pass %d: %.4f s CPU\n", k + 1, secs[k]);
		qsort(secs, (size_t)runs, sizeof(*secs), by_value);
		double med = secs[runs / 2];
		printf("median of %d passes: %.4f s CPU, %.0f MB/s, %.1f ns a "
		       "result\n",
		       runs, med, bytes / med / 1e6, med / (double)nres * 1e9);
		printf("fastest pass: %.4f s CPU, %.0f MB/s\n", secs[0],
		       bytes / secs[0] / 1e6);
	}
	free(secs);
	return 0;
}
