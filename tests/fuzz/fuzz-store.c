/*
 * fuzz-store.c - libFuzzer target for the store's own loaders.
 *
 * The input is written to a file in a private temporary directory (made
 * with mkdtemp, so no other user can put a symlink in its place), loaded
 * as a baseline (cstat_run_load) and as a history (cstat_history_load),
 * and every run that loads is written back (pretty and as one line) and
 * turned into Go benchmark text, so what the loader stored is read back.
 * The input is also merged as a history into a new one, twice, and as a
 * baseline: a second merge that changes the merged file aborts, as merging
 * must be idempotent.  The streamed history reader (cstat_history_read)
 * must agree with the whole-file one: the same verdict, and the same CSV
 * export of the same tables; a difference aborts.  The files and the
 * directory are removed before returning.
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

static void
use_run(const cstat_run *r, FILE *sink)
{
	char *text = NULL;
	size_t len = 0;

	(void)cstat_run_count(r);
	(void)cstat_run_get(r, "name");
	(void)cstat_run_get(r, "env.host");
	cstat_run_write(r, true, sink);
	cstat_run_write(r, false, sink);
	if (cstat_run_text(r, &text, &len) == 0)
		free(text);
}

static void
ignore_warning(void *ctx, const struct cstat_diag *d)
{
	char msg[1024];

	(void)ctx;
	cstat_diag_format(d, msg, sizeof(msg));
}

/* The history's CSV export without changes (malloc'd), or NULL. */
static char *
csv_of(cstat_run *const *runs, size_t n, const cstat_tables *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (cstat_history_write(runs, n, t, NULL, 0, CSTAT_FORMAT_CSV, f)) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

/* The streamed reader against the whole-file one (load_rc: what loading
 * and building gave; runs and t when they succeeded). */
static void
read_streamed(const char *path, int load_rc, cstat_run *const *runs, size_t n,
	      const cstat_tables *t)
{
	struct cstat_diag d;
	cstat_run **sr = NULL;
	cstat_tables *st = NULL;
	size_t sn = 0;
	int rc = cstat_history_read(path, NULL, 0.95, &st, &sr, &sn,
				    ignore_warning, NULL, &d);

	if (rc == CSTAT_ENOMEM || load_rc == CSTAT_ENOMEM)
		goto out;
	if (rc != load_rc || (!rc && sn != n))
		abort();
	if (!rc && t) {
		char *a = csv_of(runs, n, t), *b = csv_of(sr, sn, st);
		bool same = a && b && strcmp(a, b) == 0;
		free(a);
		free(b);
		if (!same)
			abort();
	}
out:
	cstat_tables_free(st);
	cstat_history_free(sr, sn);
}

static void
load_both(const char *path, FILE *sink)
{
	struct cstat_diag d;
	cstat_run *r = NULL;
	cstat_run **runs = NULL;
	size_t n = 0;
	char msg[1024];

	if (cstat_run_load(&r, path, &d) == 0)
		use_run(r, sink);
	else
		cstat_diag_format(&d, msg, sizeof(msg));
	cstat_run_free(r);
	int lrc = cstat_history_load(path, &runs, &n, ignore_warning, NULL, &d);
	cstat_tables *t = NULL;
	if (lrc == 0) {
		for (size_t i = 0; i < n; i++)
			use_run(runs[i], sink);
		lrc = cstat_history_build(runs, n, NULL, 0.95, &t, &d);
		if (lrc == 0 && n > 1)
			cstat_tables_write(t, CSTAT_FORMAT_TEXT, sink, sink);
	} else {
		cstat_diag_format(&d, msg, sizeof(msg));
	}
	read_streamed(path, lrc, runs, n, t);
	cstat_tables_free(t);
	cstat_history_free(runs, n);
}

/* The bytes of the file at path (malloc'd, *len), or NULL. */
static char *
contents(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;

	*len = 0;
	if (!f)
		return NULL;
	FILE *m = open_memstream(&buf, len);
	int c;
	while (m && (c = getc(f)) != EOF)
		putc(c, m);
	if (m)
		fclose(m);
	fclose(f);
	return buf;
}

/* Writes len bytes at data to path. */
static bool
put(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(data, 1, len, f) == len;

	return f && fclose(f) == 0 && ok;
}

/* Whether every line of a[0..al) is a line of b[0..bl). */
static bool
kept_all(const char *a, size_t al, const char *b, size_t bl)
{
	for (size_t i = 0; i < al;) {
		const char *nl = memchr(a + i, '\n', al - i);
		size_t n = nl ? (size_t)(nl - a - i) + 1 : al - i;
		bool found = false;
		for (size_t j = 0; j < bl && !found;) {
			const char *bn = memchr(b + j, '\n', bl - j);
			size_t m = bn ? (size_t)(bn - b - j) + 1 : bl - j;
			found = m == n && memcmp(a + i, b + j, n) == 0;
			j += m;
		}
		if (!found)
			return false;
		i += n;
	}
	return true;
}

/*
 * Merges path into dir/m.jsonl twice and into dir/b.json: the second
 * history merge must change nothing.  The records of the history merged
 * into are checked less than the other file's (what merging needs): an
 * empty file merged into a copy of path must keep every record that
 * merging path into nothing kept.
 */
static void
merge_twice(const char *dir, const char *path)
{
	char into[64], lock[80], base[64], copy[64], clock[80], empty[64];
	struct cstat_diag d;
	size_t added, total, l1, l2;
	bool replaced;

	snprintf(into, sizeof(into), "%s/m.jsonl", dir);
	snprintf(lock, sizeof(lock), "%s.lock", into);
	snprintf(base, sizeof(base), "%s/b.json", dir);
	snprintf(copy, sizeof(copy), "%s/c.jsonl", dir);
	snprintf(clock, sizeof(clock), "%s.lock", copy);
	snprintf(empty, sizeof(empty), "%s/e.jsonl", dir);
	if (cstat_history_merge(into, path, &added, &total, ignore_warning,
				NULL, &d) == 0) {
		char *a = contents(into, &l1);
		if (cstat_history_merge(into, path, &added, &total, NULL, NULL,
					&d) != 0 ||
		    added != 0)
			abort();
		char *b = contents(into, &l2);
		if (l1 != l2 || (l1 && memcmp(a, b, l1) != 0))
			abort();
		free(b);
		size_t pl;
		char *src = contents(path, &pl);
		if (src && put(copy, src, pl) && put(empty, "", 0)) {
			if (cstat_history_merge(copy, empty, &added, &total,
						NULL, NULL, &d) != 0)
				abort();
			b = contents(copy, &l2);
			if (!kept_all(a, l1, b, l2))
				abort();
			free(b);
		}
		free(src);
		free(a);
	}
	(void)cstat_baseline_merge(base, path, &replaced, &d);
	unlink(into);
	unlink(lock);
	unlink(base);
	unlink(copy);
	unlink(clock);
	unlink(empty);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char dir[] = "/tmp/cstat-fuzz-store-XXXXXX";
	char path[sizeof(dir) + 16];
	FILE *f, *sink;

	if (!mkdtemp(dir))
		return 0;
	snprintf(path, sizeof(path), "%s/run.json", dir);
	f = fopen(path, "wb");
	if (f) {
		size_t w = size ? fwrite(data, 1, size, f) : 0;
		if (fclose(f) == 0 && w == size) {
			sink = fopen("/dev/null", "w");
			if (sink) {
				load_both(path, sink);
				fclose(sink);
			}
			merge_twice(dir, path);
		}
		unlink(path);
	}
	rmdir(dir);
	return 0;
}
