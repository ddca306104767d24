/*
 * writers-bench.c - the writers alone: reads and builds the inputs once,
 * then writes the tables in every format RUNS times to /dev/null, and
 * times the gate the HTML page runs (cstat_gate_new() with its defaults)
 * in the same loop.  Prints the median CPU seconds of each (process CPU
 * time: the machines are shared, and this is one thread's work), and the
 * page's writing alone: its time less the gate's.
 *
 * It uses the public API only, so it links against any build, e.g. the
 * reference and this tree, for docs/performance.md ("The other formats"):
 *
 *   cc -O2 -Iinclude tests/bench/writers-bench.c -LBUILD/lib -lcstat \
 *      -Wl,-rpath,BUILD/lib -o writers-bench
 *   ./writers-bench 7 /tmp/pb/large-old.txt /tmp/pb/large-new.txt
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cstat.h"

#define MAX_RUNS 64

static double
cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* Reads and builds the files into *t, as the tool does on one thread. */
static int
load(char **files, int n, cstat_tables **t)
{
	cstat_builder *b = NULL;
	cstat_reader *r = NULL;
	cstat_inputs *in = NULL;
	struct cstat_diag d;
	int rc = cstat_builder_new(&b, NULL, &d);

	if (!rc)
		rc = cstat_reader_new(&r);
	if (!rc)
		rc = cstat_inputs_new(&in, (const char *const *)files,
				      (size_t)n);
	if (!rc)
		rc = cstat_builder_read(b, r, in, 1, NULL, NULL, &d);
	if (!rc)
		rc = cstat_builder_build(b, NULL, t);
	cstat_inputs_free(in);
	cstat_reader_free(r);
	cstat_builder_free(b);
	return rc;
}

/* The CPU time of the page's gate on t. */
static double
time_gate(const cstat_tables *t)
{
	cstat_gate_config *c = NULL;
	cstat_gate *g = NULL;
	double t0;

	if (cstat_gate_config_new(&c))
		return -1;
	t0 = cpu_now();
	cstat_gate_new(&g, t, c, NULL, false);
	t0 = cpu_now() - t0;
	cstat_gate_free(g);
	cstat_gate_config_free(c);
	return t0;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = {"text", "csv", "markdown", "json",
					    "html"};
	static const enum cstat_format fmts[] = {
		CSTAT_FORMAT_TEXT, CSTAT_FORMAT_CSV, CSTAT_FORMAT_MARKDOWN,
		CSTAT_FORMAT_JSON, CSTAT_FORMAT_HTML};
	static double times[6][MAX_RUNS];
	int runs = argc > 2 ? atoi(argv[1]) : 0;
	cstat_tables *t = NULL;
	FILE *null;

	if (runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "usage: writers-bench RUNS(1-64) FILE...\n");
		return 2;
	}
	null = fopen("/dev/null", "w");
	if (!null || load(argv + 2, argc - 2, &t)) {
		fprintf(stderr, "writers-bench: cannot read the inputs\n");
		return 1;
	}
	for (int i = 0; i < runs; i++) {
		for (int k = 0; k < 5; k++) {
			double t0 = cpu_now();
			if (cstat_tables_write(t, fmts[k], null, null) ||
			    fflush(null))
				return 1;
			times[k][i] = cpu_now() - t0;
		}
		times[5][i] = time_gate(t);
	}
	for (int k = 0; k < 5; k++)
		printf("%-9s %.4f\n", names[k], median(times[k], runs));
	double gate = median(times[5], runs);
	printf("gate      %.4f\nhtml-gate %.4f\n", gate,
	       median(times[4], runs) - gate);
	cstat_tables_free(t);
	fclose(null);
	return 0;
}
