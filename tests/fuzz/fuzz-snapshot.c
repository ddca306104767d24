/*
 * fuzz-snapshot.c - libFuzzer target for the history snapshot reader
 * (history-snap.c, cstat_history_read_cached()).
 *
 * A snapshot is only read for the history it was made from, so the input
 * gets that history's identity: a small history is written to a private
 * temporary directory (mkdtemp), a real snapshot made of it, and the
 * input's header bytes where the identity lives (after the 8-byte magic
 * and two 4-byte words: 56 bytes) are replaced by the real snapshot's.
 * When the input's first byte is odd, a record is appended to the history
 * after that, so that the snapshot is read as one of the history before
 * the append and the new run joined to its tables.
 * The input is then read as the snapshot: whatever it holds, the read
 * must succeed (from the snapshot or, when it is refused, from the
 * history) and its tables and runs must be usable: every cell is exported
 * as CSV, which touches every value.  The files and the directory are
 * removed before returning.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cstat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REC(n, v)                                                              \
	"{\"schema\":\"cstat-run/1\",\"name\":\"h\",\"commit\":\"c" n "\","    \
	"\"environment\":{\"host\":\"x\"},\"units\":[{\"unit\":\"B/op\","      \
	"\"assume\":\"exact\"}],\"groups\":[{\"config\":[[\"pkg\",\"p\"]],"    \
	"\"benchmarks\":[{\"name\":\"A\",\"units\":[{\"unit\":\"sec/op\","     \
	"\"values\":[" v "]},{\"unit\":\"B/op\",\"values\":[8,8]}]}]}]}\n"

static const char history[] = REC("1", "1,2,3")
	REC("2", "2,3,4,5") "{\"schema\":\"cstat-run/1\",\"groups\":[\n" REC(
		"3", "1.5");

#define IDENT_AT 16
#define IDENT_LEN 56

static void
spill(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		abort();
	if (len && fwrite(data, 1, len, f) != len)
		abort();
	fclose(f);
}

static void
ignore_warning(void *ctx, const struct cstat_diag *d)
{
	(void)ctx;
	(void)d;
}

/* Reads path through snap; aborts unless it succeeds. */
static void
read_through(const char *path, const char *snap, int *status)
{
	struct cstat_diag d;
	cstat_run **runs;
	cstat_tables *t;
	size_t n;
	FILE *sink = fopen("/dev/null", "w");

	if (!sink ||
	    cstat_history_read_cached(path, snap, 0.95, &t, &runs, &n,
				      ignore_warning, NULL, &d, status) != 0)
		abort();
	for (size_t i = 0; i < n; i++)
		(void)cstat_run_get(runs[i], "commit");
	(void)cstat_history_write(runs, n, t, NULL, 0, CSTAT_FORMAT_CSV, sink);
	fclose(sink);
	cstat_tables_free(t);
	cstat_history_free(runs, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[] = "/tmp/fuzz-snapshot-XXXXXX", path[64], snap[64];
	uint8_t ident[IDENT_LEN];
	int status;

	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/h.jsonl", dir);
	snprintf(snap, sizeof(snap), "%s/h.snapshot", dir);
	spill(path, history, sizeof(history) - 1);
	read_through(path, snap, &status);
	FILE *f = fopen(snap, "rb");
	if (!f || fseek(f, IDENT_AT, SEEK_SET) != 0 ||
	    fread(ident, 1, IDENT_LEN, f) != IDENT_LEN)
		abort();
	fclose(f);
	uint8_t *copy = malloc(size + 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	if (size >= IDENT_AT + IDENT_LEN)
		memcpy(copy + IDENT_AT, ident, IDENT_LEN);
	spill(snap, copy, size);
	free(copy);
	if (size && (data[0] & 1)) {
		FILE *h = fopen(path, "ab");
		if (!h)
			abort();
		fputs(REC("4", "2,2,2"), h);
		fclose(h);
	}
	read_through(path, snap, &status);
	unlink(snap);
	unlink(path);
	rmdir(dir);
	return 0;
}
