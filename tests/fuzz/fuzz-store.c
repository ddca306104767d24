/*
 * fuzz-store.c - libFuzzer target for the store's own loaders.
 *
 * The input is written to a file in a private temporary directory (made
 * with mkdtemp, so no other user can put a symlink in its place), loaded
 * as a baseline (cstat_run_load) and as a history (cstat_history_load),
 * and every run that loads is written back (pretty and as one line) and
 * turned into Go benchmark text, so what the loader stored is read back.
 * The streamed history reader (cstat_history_read) must agree with the
 * whole-file one: the same verdict, and the same CSV export of the same
 * tables; a difference aborts.
 * The file and the directory are removed before returning.
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
		}
		unlink(path);
	}
	rmdir(dir);
	return 0;
}
