/*
 * gen-history.c - writes a cbaseline history of cstat-run/1 records for
 * measuring history commands at scale (tests/bench/history-bench.sh).
 *
 * usage: gen-history OUT [RUNS [BENCHMARKS [VALUES]]]
 *        (defaults 1000 runs, 500 benchmarks, 10 values)
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

int
main(int argc, char **argv)
{
	long runs = argc > 2 ? atol(argv[2]) : 1000;
	long nb = argc > 3 ? atol(argv[3]) : 500;
	long nv = argc > 4 ? atol(argv[4]) : 10;
	uint64_t seed = 1;
	char num[64];
	FILE *f;

	if (argc < 2 || runs < 1 || nb < 1 || nv < 1) {
		fprintf(stderr, "usage: gen-history OUT [RUNS [BENCHMARKS "
				"[VALUES]]]\n");
		return 2;
	}
	f = fopen(argv[1], "w");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	for (long r = 0; r < runs; r++) {
		uint64_t c = splitmix64(&seed);
		fprintf(f,
			"{\"schema\":\"cstat-run/1\",\"name\":\"main\","
			"\"created\":\"2026-%02ld-%02ldT%02ld:%02ld:00Z\","
			"\"commit\":\"%016llx%016llx%08llx\",\"branch\":"
			"\"main\",\"meta\":{},\"environment\":{\"goos\":"
			"\"linux\",\"goarch\":\"amd64\",\"cpu\":\"Intel(R) "
			"Xeon(R) CPU @ 2.20GHz\",\"host\":\"ci-%ld\"},"
			"\"units\":[],\"groups\":[{\"config\":[[\"goos\","
			"\"linux\"],[\"goarch\",\"amd64\"],[\"pkg\","
			"\"example.com/bench\"],[\"cpu\",\"Intel(R) Xeon(R) "
			"CPU @ 2.20GHz\"]],\"benchmarks\":[",
			1 + r / 28 / 24 % 12, 1 + r / 24 % 28, r % 24, r % 60,
			(unsigned long long)c,
			(unsigned long long)(c * 0x9e3779b97f4a7c15u),
			(unsigned long long)(c >> 32), r % 7);
		for (long b = 0; b < nb; b++) {
			double level = 100.0 * (double)(1 + b % 97) *
				       (1 + (double)(b / 97));
			if (b % 25 == 0 && r >= runs * 3 / 5)
				level *= 1.1;
			fprintf(f,
				"%s{\"name\":\"Op%ld/size=%ld-8\",\"units\":[{"
				"\"unit\":\"sec/op\",\"values\":[",
				b ? "," : "", b / 8, b % 8);
			for (long k = 0; k < nv; k++) {
				/* Whole nanoseconds, as go test prints them
				 * for slower benchmarks, in seconds. */
				double ns =
					(double)(long)(level *
						       (0.99 +
							0.02 * uniform(&seed)));
				shortest(num, sizeof(num), ns * 1e-9);
				fprintf(f, "%s%s", k ? "," : "", num);
			}
			fputs("]}]}", f);
		}
		fputs("]}]}\n", f);
	}
	if (fclose(f)) {
		perror(argv[1]);
		return 1;
	}
	return 0;
}
