/*
 * page-cost.c - what the first touch of a fresh page costs on this
 * machine, by the ways cstat can get its memory (docs/performance.md,
 * "Eighth pass: what a fresh page costs").
 *
 * For each way, a fresh mapping of MB megabytes (aligned to 2 MB) is
 * written one byte in 64, twice; the first pass pays for the pages, the
 * second is the floor.  The ways:
 *   fault      4 kB pages, faulted in by the writes themselves;
 *   populate   4 kB pages, madvise(MADV_POPULATE_WRITE) first (timed
 *              apart), as cstat__populate() does;
 *   other      populated, then read one byte a page by another thread
 *              (timed apart) before this one writes;
 *   moved      populated and written, then moved by mremap() (as
 *              realloc() moves a large block) and written again;
 *   huge       madvise(MADV_HUGEPAGE), then populated.
 * Prints milliseconds and microseconds per 4 kB page of the first pass.
 *
 * Build and run (Linux 5.14 or later):
 *   cc -O2 -pthread -o /tmp/page-cost tests/bench/page-cost.c
 *   /tmp/page-cost 10 5
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define HUGE ((size_t)2 << 20)
#define PAGE ((size_t)4096)

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static char *
fresh(size_t n, int advice)
{
	char *m = mmap(NULL, n + HUGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	char *p = (char *)(((uintptr_t)m + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
	madvise(p, n, advice);
	return p;
}

static double
write_pass(char *p, size_t n, char v)
{
	double t0 = now();

	for (size_t i = 0; i < n; i += 64)
		p[i] = v;
	return now() - t0;
}

struct reader {
	const char *p;
	size_t n;
	double took;
	unsigned sum;
};

static void *
read_pages(void *arg)
{
	struct reader *r = arg;
	double t0 = now();

	for (size_t i = 0; i < r->n; i += PAGE)
		r->sum += (unsigned char)((volatile const char *)r->p)[i];
	r->took = now() - t0;
	return NULL;
}

static void
report(const char *way, size_t n, double before, double first, double second)
{
	printf("%-9s %7.2f ms before, first pass %7.2f ms (%6.2f us a 4 kB "
	       "page), second %5.2f ms\n",
	       way, before * 1e3, first * 1e3, first * 1e6 / (double)(n / PAGE),
	       second * 1e3);
}

int
main(int argc, char **argv)
{
	size_t n = (size_t)(argc > 1 ? atol(argv[1]) : 10) << 20;
	int rounds = argc > 2 ? atoi(argv[2]) : 3;

	if (n == 0 || rounds <= 0) {
		fprintf(stderr, "usage: page-cost [MB [ROUNDS]]\n");
		return 2;
	}
	for (int k = 0; k < rounds; k++) {
		char *p = fresh(n, MADV_NOHUGEPAGE);
		double a = write_pass(p, n, 1);
		report("fault", n, 0, a, write_pass(p, n, 2));

		p = fresh(n, MADV_NOHUGEPAGE);
		double t0 = now();
		madvise(p, n, MADV_POPULATE_WRITE);
		double pop = now() - t0;
		a = write_pass(p, n, 1);
		report("populate", n, pop, a, write_pass(p, n, 2));

		p = fresh(n, MADV_NOHUGEPAGE);
		madvise(p, n, MADV_POPULATE_WRITE);
		struct reader r = {p, n, 0, 0};
		pthread_t th;
		if (pthread_create(&th, NULL, read_pages, &r) == 0)
			pthread_join(th, NULL);
		a = write_pass(p, n, 1);
		report("other", n, r.took, a, write_pass(p, n, 2));

		p = fresh(n, MADV_NOHUGEPAGE);
		madvise(p, n, MADV_POPULATE_WRITE);
		write_pass(p, n, 1);
		t0 = now();
		char *q = mremap(p, n, 2 * n, MREMAP_MAYMOVE);
		double mv = now() - t0;
		if (q == MAP_FAILED) {
			perror("mremap");
			return 1;
		}
		a = write_pass(q, n, 2);
		report("moved", n, mv, a, write_pass(q, n, 3));

		p = fresh(n, MADV_HUGEPAGE);
		t0 = now();
		madvise(p, n, MADV_POPULATE_WRITE);
		pop = now() - t0;
		a = write_pass(p, n, 1);
		report("huge", n, pop, a, write_pass(p, n, 2));
		printf("\n");
	}
	return 0;
}
