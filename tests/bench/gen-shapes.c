/*
 * gen-shapes.c - writes a cbaseline history whose series have varied
 * shapes, for checking that the change-point search gives the same
 * results before and after a change to its speed
 * (tests/bench/cpd-bench.sh).
 *
 * usage: gen-shapes OUT RUNS BENCHMARKS SEED
 *
 * Each benchmark draws (splitmix64, seeded by SEED): a noise level of
 * 0.2% to 20%, none, one or two steps of 1% to 100% either way at random
 * runs, a spike of 1 to 3 runs 1.2x to 5x, 1 to 12 values per run, and
 * whether it misses random runs (10%) or starts late, so that series
 * differ in length.  Every 7th benchmark is an exact count (allocs/op:
 * small integers, many ties, some constant), every 11th has values near
 * zero crossing it (a signed metric, no log scale).
 */
#include <math.h>
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

static double
uniform(uint64_t *s)
{
	return (double)(splitmix64(s) >> 11) * 0x1.0p-53;
}

/* About normal: the sum of 4 uniforms, centred and scaled to sd 1. */
static double
gauss(uint64_t *s)
{
	double u = 0;

	for (int i = 0; i < 4; i++)
		u += uniform(s);
	return (u - 2) * sqrt(3);
}

static void
shortest(char *buf, size_t size, double v)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

struct shape {
	double level, noise, step1, step2, spike;
	long at1, at2, spike_at, spike_len, start, nv;
	int kind; /* 0 time, 1 count, 2 signed */
	int gappy;
};

int
main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: gen-shapes OUT RUNS BENCHMARKS SEED\n");
		return 2;
	}
	long runs = atol(argv[2]), nb = atol(argv[3]);
	uint64_t seed = strtoull(argv[4], NULL, 10), rs;
	struct shape *sh = calloc((size_t)nb, sizeof(*sh));
	FILE *f = fopen(argv[1], "w");
	char num[64];

	for (long b = 0; b < nb; b++) {
		struct shape *p = &sh[b];
		p->level = 1e-7 * (1 + 100 * uniform(&seed));
		p->noise = 0.002 * pow(100, uniform(&seed));
		p->kind = b % 7 == 3 ? 1 : b % 11 == 5 ? 2 : 0;
		int ns = (int)(splitmix64(&seed) % 3);
		p->step1 = ns >= 1 ? (uniform(&seed) < 0.5 ? -1 : 1) * 0.01 *
					     pow(100, uniform(&seed))
				   : 0;
		p->step2 = ns >= 2 ? (uniform(&seed) < 0.5 ? -1 : 1) * 0.01 *
					     pow(50, uniform(&seed))
				   : 0;
		p->at1 = (long)(splitmix64(&seed) % (uint64_t)runs);
		p->at2 = (long)(splitmix64(&seed) % (uint64_t)runs);
		p->spike =
			uniform(&seed) < 0.4 ? 1.2 + 3.8 * uniform(&seed) : 1;
		p->spike_at = (long)(splitmix64(&seed) % (uint64_t)runs);
		p->spike_len = 1 + (long)(splitmix64(&seed) % 3);
		p->nv = 1 + (long)(splitmix64(&seed) % 12);
		p->gappy = uniform(&seed) < 0.15;
		p->start = uniform(&seed) < 0.15
				   ? (long)(splitmix64(&seed) %
					    (uint64_t)(runs / 2 + 1))
				   : 0;
	}
	rs = seed;
	for (long r = 0; r < runs; r++) {
		fprintf(f,
			"{\"schema\":\"cstat-run/1\",\"name\":\"main\","
			"\"created\":\"2026-01-%02ldT%02ld:%02ld:00Z\","
			"\"commit\":\"%040lx\",\"branch\":\"main\",\"meta\":{},"
			"\"environment\":{\"goos\":\"linux\",\"goarch\":"
			"\"amd64\",\"host\":\"ci\"},\"units\":[],\"groups\":[{"
			"\"config\":[[\"goos\",\"linux\"],[\"goarch\","
			"\"amd64\"],[\"pkg\",\"example.com/shapes\"]],"
			"\"benchmarks\":[",
			1 + r / 24 % 28, r % 24, r % 60, (unsigned long)r + 1);
		int first = 1;
		for (long b = 0; b < nb; b++) {
			struct shape *p = &sh[b];
			if (r < p->start || (p->gappy && uniform(&rs) < 0.1))
				continue;
			double lv = p->level;
			if (p->step1 && r >= p->at1)
				lv *= 1 + p->step1;
			if (p->step2 && r >= p->at2)
				lv *= 1 + p->step2;
			if (r >= p->spike_at && r < p->spike_at + p->spike_len)
				lv *= p->spike;
			const char *unit = p->kind == 1	  ? "allocs/op"
					   : p->kind == 2 ? "delta-ns/op"
							  : "sec/op";
			fprintf(f,
				"%s{\"name\":\"Shape%ld-8\",\"units\":[{"
				"\"unit\":\"%s\",\"values\":[",
				first ? "" : ",", b, unit);
			first = 0;
			for (long k = 0; k < p->nv; k++) {
				double v;
				if (p->kind == 1)
					v = floor(lv * 1e8 / 50 +
						  (uniform(&rs) < p->noise * 5
							   ? 1
							   : 0));
				else if (p->kind == 2)
					v = floor((lv - p->level) * 1e9 +
						  p->noise * 100 * gauss(&rs));
				else
					v = lv * exp(p->noise * gauss(&rs));
				shortest(num, sizeof(num), v);
				fprintf(f, "%s%s", k ? "," : "", num);
			}
			fputs("]}]}", f);
		}
		fputs("]}]}\n", f);
	}
	fclose(f);
	free(sh);
	return 0;
}
