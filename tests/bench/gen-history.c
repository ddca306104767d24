/*
 * gen-history.c - writes a cbaseline history of cstat-run/1 records for
 * measuring history commands at scale (tests/bench/history-bench.sh).
 *
 * usage: gen-history OUT [RUNS [BENCHMARKS [VALUES [COPYDIR]]]]
 *        (defaults 1000 runs, 500 benchmarks, 10 values)
 *
 * With COPYDIR, it also writes there the PostgreSQL store's rows for the
 * same history, in COPY's text format, for tests/bench/pg-load.sql:
 * runs.tsv (created, metadata: the record without "groups", record) and
 * values.tsv (series id, run seq, float8[] values, metadata), ids from 1
 * in the order the store gives them.
 *
 * Each run is one line, as cbaseline record writes it: one configuration
 * group (goos, goarch, pkg, cpu), BENCHMARKS benchmarks "Op<i>/size=<k>-8"
 * with VALUES sec/op values each, written as Go writes a double (shortest
 * text that reads back the same).  Values are a per-benchmark level times
 * noise of about 1% from a fixed-seed splitmix64; every 25th benchmark
 * steps up 10% at run RUNS * 3 / 5, so detect has something to find.
 * The output is the same for the same arguments.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t
splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static double
uniform(uint64_t *s)
{
	return (double)(splitmix64(s) >> 11) * 0x1.0p-53;
}

/* v as its shortest %g text that reads back to the same double. */
static void
shortest(char *buf, size_t size, double v)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* The record of run r up to its "groups" (the store's metadata without
 * its closing brace). */
static void
run_head(FILE *out, long r, uint64_t c, char *created, size_t size)
{
	snprintf(created, size, "2026-%02ld-%02ldT%02ld:%02ld:00Z",
		 1 + r / 28 / 24 % 12, 1 + r / 24 % 28, r % 24, r % 60);
	fprintf(out,
		"{\"schema\":\"cstat-run/1\",\"name\":\"main\","
		"\"created\":\"%s\","
		"\"commit\":\"%016llx%016llx%08llx\",\"branch\":"
		"\"main\",\"meta\":{},\"environment\":{\"goos\":"
		"\"linux\",\"goarch\":\"amd64\",\"cpu\":\"Intel(R) "
		"Xeon(R) CPU @ 2.20GHz\",\"host\":\"ci-%ld\"},"
		"\"units\":[]",
		created, (unsigned long long)c,
		(unsigned long long)(c * 0x9e3779b97f4a7c15u),
		(unsigned long long)(c >> 32), r % 7);
}

int
main(int argc, char **argv)
{
	long runs = argc > 2 ? atol(argv[2]) : 1000;
	long nb = argc > 3 ? atol(argv[3]) : 500;
	long nv = argc > 4 ? atol(argv[4]) : 10;
	uint64_t seed = 1;
	char num[64], created[32];
	FILE *f, *runs_f = NULL, *vals_f = NULL;

	if (argc < 2 || runs < 1 || nb < 1 || nv < 1) {
		fprintf(stderr, "usage: gen-history OUT [RUNS [BENCHMARKS "
				"[VALUES [COPYDIR]]]]\n");
		return 2;
	}
	f = fopen(argv[1], "w");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	if (argc > 5) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/runs.tsv", argv[5]);
		runs_f = fopen(path, "w");
		snprintf(path, sizeof(path), "%s/values.tsv", argv[5]);
		vals_f = fopen(path, "w");
		if (!runs_f || !vals_f) {
			perror(argv[5]);
			return 1;
		}
	}
	for (long r = 0; r < runs; r++) {
		uint64_t c = splitmix64(&seed);
		char *line = NULL, *head = NULL;
		size_t line_len = 0, head_len = 0;
		FILE *out = open_memstream(&line, &line_len);
		FILE *h = open_memstream(&head, &head_len);

		run_head(h, r, c, created, sizeof(created));
		fclose(h);
		fprintf(out,
			"%s,\"groups\":[{\"config\":[[\"goos\","
			"\"linux\"],[\"goarch\",\"amd64\"],[\"pkg\","
			"\"example.com/bench\"],[\"cpu\",\"Intel(R) Xeon(R) "
			"CPU @ 2.20GHz\"]],\"benchmarks\":[",
			head);
		for (long b = 0; b < nb; b++) {
			double level = 100.0 * (double)(1 + b % 97) *
				       (1 + (double)(b / 97));
			if (b % 25 == 0 && r >= runs * 3 / 5)
				level *= 1.1;
			fprintf(out,
				"%s{\"name\":\"Op%ld/size=%ld-8\",\"units\":[{"
				"\"unit\":\"sec/op\",\"values\":[",
				b ? "," : "", b / 8, b % 8);
			if (vals_f)
				fprintf(vals_f, "%ld\t%ld\t", b + 1, r + 1);
			for (long k = 0; k < nv; k++) {
				/* Whole nanoseconds, as go test prints them
				 * for slower benchmarks, in seconds. */
				double ns =
					(double)(long)(level *
						       (0.99 +
							0.02 * uniform(&seed)));
				shortest(num, sizeof(num), ns * 1e-9);
				fprintf(out, "%s%s", k ? "," : "", num);
				if (vals_f)
					fprintf(vals_f, "%s%s",
						k ? "," : "{", num);
			}
			fputs("]}]}", out);
			if (vals_f)
				fputs("}\t{}\n", vals_f);
		}
		fputs("]}]}", out);
		fclose(out);
		fprintf(f, "%s\n", line);
		if (runs_f)
			fprintf(runs_f, "%s\t%s}\t%s\n", created, head, line);
		free(line);
		free(head);
	}
	if (runs_f && (fclose(runs_f) | fclose(vals_f))) {
		perror(argv[5]);
		return 1;
	}
	if (fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
