/*
 * fault-cost.c - what the first write to fresh memory costs on this
 * machine, on small (4 kB) pages and on huge (2 MB) ones, for
 * docs/performance.md, "Page faults and huge pages": why
 * cstat__big_alloc() asks for huge pages for blocks of 1.75 MB and more.
 *
 * For each of ROUNDS rounds, maps MB megabytes of anonymous memory, writes
 * one byte of every 4 kB page (which makes the system fault each page in,
 * zeroed), and unmaps it; once with the memory left as it is (small pages),
 * once after madvise(MADV_HUGEPAGE), and once on small pages mapped 64 kB
 * at a time ahead of the writes with madvise(MADV_POPULATE_WRITE), as
 * cstat__prefault() does (docs/performance.md, "Sixth pass: pages mapped a
 * run at a time").  Prints the median time of each and its cost for every
 * 4 kB written.
 *
 * usage: fault-cost [MB [ROUNDS]]   (default 28 MB, 9 rounds)
 * build: cc -O2 tests/bench/fault-cost.c -o fault-cost
 */
#define _DEFAULT_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define HUGE_PAGE ((size_t)2 << 20)
#define SMALL_PAGE ((size_t)4096)
#define AHEAD ((size_t)64 << 10)

enum { SMALL, HUGE, POPULATED, NWAYS };

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* The time to write every page of size fresh bytes, the way given; a
 * negative time when the memory could not be mapped. */
static double
first_writes(size_t size, int way)
{
	/* Mapped one huge page larger, so that an aligned range fits. */
	size_t len = size + HUGE_PAGE;
	double t0 = now_ms();
	char *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (m == MAP_FAILED)
		return -1;
	char *p = (char *)(((size_t)m + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
#if defined(MADV_HUGEPAGE)
	if (way == HUGE)
		madvise(p, size, MADV_HUGEPAGE);
#endif
	if (way == POPULATED) {
		for (size_t i = 0; i < size; i += SMALL_PAGE) {
#if defined(MADV_POPULATE_WRITE)
			if (i % AHEAD == 0)
				madvise(p + i,
					size - i < AHEAD ? size - i : AHEAD,
					MADV_POPULATE_WRITE);
#endif
			p[i] = 1;
		}
	} else {
		for (size_t i = 0; i < size; i += SMALL_PAGE)
			p[i] = 1;
	}
	double t = now_ms() - t0;
	munmap(m, len);
	return t;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
	size_t mb = argc > 1 ? strtoul(argv[1], NULL, 10) : 28;
	int rounds = argc > 2 ? atoi(argv[2]) : 9;
	size_t size = mb << 20;

	if (mb == 0 || rounds < 1 || rounds > 1000) {
		fprintf(stderr, "usage: fault-cost [MB [ROUNDS]]\n");
		return 2;
	}
	static const char *const names[NWAYS] = {"small pages", "huge pages",
						 "populated"};
	double *t[NWAYS];
	for (int h = 0; h < NWAYS; h++) {
		t[h] = malloc((size_t)rounds * sizeof(*t[h]));
		if (!t[h])
			return 1;
	}
	/* Interleaved, so that both see the same moments of the machine. */
	for (int r = 0; r < rounds; r++)
		for (int h = 0; h < NWAYS; h++)
			if ((t[h][r] = first_writes(size, h)) < 0) {
				perror("fault-cost: mmap");
				return 1;
			}
	for (int h = 0; h < NWAYS; h++) {
		qsort(t[h], (size_t)rounds, sizeof(*t[h]), cmp_double);
		double med = t[h][rounds / 2];
		printf("%-12s %zu MB: %8.2f ms (median of %d), %.3f us a 4 kB "
		       "page\n",
		       names[h], mb, med, rounds,
		       med * 1e3 / (double)(size / SMALL_PAGE));
	}
	for (int h = 0; h < NWAYS; h++)
		free(t[h]);
	return 0;
}
