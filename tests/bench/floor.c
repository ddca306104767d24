/*
 * floor.c - what a pass over the input's bytes costs, for comparing the
 * parse-only path with `cat` (docs/performance.md, "-v1", third pass):
 * each file read on its own thread through read(2) into a 256 KiB
 * buffer, as the reader reads, and with -l every line found with memchr,
 * nothing else.  Prints the bytes and lines seen.
 *
 * usage: floor [-l] FILE...
 * build: cc -O2 -pthread tests/bench/floor.c -o floor
 */
#include <fcntl.h>
#include <stdbool.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUF_SIZE (256 * 1024)

struct job {
	const char *path;
	bool lines;
	size_t bytes, nlines;
	char *buf;
};

static void *
run(void *arg)
{
	struct job *j = arg;
	int fd = open(j->path, O_RDONLY);
	ssize_t got;

	if (fd < 0)
		return NULL;
	while ((got = read(fd, j->buf, BUF_SIZE)) > 0) {
		const char *p = j->buf, *end = j->buf + got;
		j->bytes += (size_t)got;
		while (j->lines && (p = memchr(p, '\n', (size_t)(end - p)))) {
			j->nlines++;
			p++;
		}
	}
	close(fd);
	return NULL;
}

int
main(int argc, char **argv)
{
	int first = argc > 1 && strcmp(argv[1], "-l") == 0 ? 2 : 1;
	size_t n = (size_t)(argc - first), bytes = 0, lines = 0;
	struct job *jobs = calloc(n ? n : 1, sizeof(*jobs));
	pthread_t *tid = calloc(n ? n : 1, sizeof(*tid));

	if (!jobs || !tid)
		return 1;
	for (size_t k = 0; k < n; k++) {
		jobs[k] = (struct job){.path = argv[first + (int)k],
				       .lines = first == 2,
				       .buf = malloc(BUF_SIZE)};
		if (!jobs[k].buf ||
		    pthread_create(&tid[k], NULL, run, &jobs[k]))
			return 1;
	}
	for (size_t k = 0; k < n; k++) {
		pthread_join(tid[k], NULL);
		bytes += jobs[k].bytes;
		lines += jobs[k].nlines;
		free(jobs[k].buf);
	}
	printf("%zu bytes, %zu lines\n", bytes, lines);
	free(jobs);
	free(tid);
	return 0;
}
