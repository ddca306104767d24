/*
 * test-history-scan.c - a history described and pruned without parsing
 * every record (lib/history-scan.c): cstat_history_describe() must count
 * the records, the stubs and the last "created" exactly as
 * cstat_history_load() does (the reference: every answer here is compared
 * with load's on the same file), from the file or from a snapshot that is
 * the history's; cstat_history_prune() must keep the records' bytes and
 * refuse what load refuses.  Records are written in cstat's own form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cstat.h"
#include "testutil.h"

#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

static char dir[256];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/cstat-test-hscan-%ld", (long)getpid());
	mkdir(dir, 0755);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static char *
path(const char *name)
{
	static char buf[4][320];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, 320, "%s/%s", dir, name);
	return p;
}

static void
write_bytes(const char *p, const char *text, size_t len)
{
	FILE *f = fopen(p, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

/* A record as cstat writes one, created on day (1 to 28) of 2026-01. */
static char *
record(int day)
{
	static char buf[4][512];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, 512,
		 "{\"schema\":\"cstat-run/1\",\"name\":\"main\",\"created\":"
		 "\"2026-01-%02dT00:00:00Z\",\"environment\":{\"cpu\":\"X\"},"
		 "\"groups\":[{\"config\":[[\"goos\",\"linux\"]],"
		 "\"benchmarks\":[{\"name\":\"Op0/size=1-8\",\"units\":[{"
		 "\"unit\":\"sec/op\",\"values\":[1.0000000000000001e-07,"
		 "9.9e-08,12345678901234567]}]}]}]}",
		 day);
	return p;
}

static int nwarn;

static void
count(void *ctx, const struct cstat_diag *d)
{
	(void)ctx;
	assert_non_null(strstr(d->message, "cut short"));
	nwarn++;
}

/*
 * Writes text[0..len) as a history and describes it both ways: the
 * answers must be the same (the count, the stubs, the last "created", or
 * the error with its line and message).  @return the describe's code.
 */
static int
agree_bytes(const char *text, size_t len)
{
	struct cstat_history_info hi;
	struct cstat_diag dl = {0}, dd = {0};
	cstat_run **runs;
	size_t n;

	write_bytes(path("h.jsonl"), text, len);
	nwarn = 0;
	int rl = cstat_history_load(path("h.jsonl"), &runs, &n, count, NULL,
				    &dl);
	int wl = nwarn;
	nwarn = 0;
	int rd = cstat_history_describe(path("h.jsonl"), NULL, &hi, count, NULL,
					&dd);
	if (rl != rd)
		fail_msg("load %d, describe %d on:\n%.*s", rl, rd, (int)len,
			 text);
	if (rl) {
		assert_int_equal(dl.line, dd.line);
		assert_string_equal(dl.message, dd.message);
		assert_int_equal(hi.runs, 0);
		assert_null(hi.created);
		return rd;
	}
	assert_int_equal(hi.runs, n);
	assert_int_equal(hi.skipped, (size_t)wl);
	assert_int_equal(nwarn, wl);
	assert_false(hi.from_snapshot);
	const char *c = n ? cstat_run_get(runs[n - 1], "created") : NULL;
	if (c)
		assert_string_equal(hi.created, c);
	else
		assert_null(hi.created);
	free(hi.created);
	cstat_history_free(runs, n);
	return rd;
}

static int
agree(const char *text)
{
	return agree_bytes(text, strlen(text));
}

/* Whole records, blank lines (spaces, tabs, CR), CRLF endings, a last
 * record without its newline, records of other shapes that are still
 * cstat runs (schema not first, an escape in a name, bytes after the
 * object, which load's cJSON ignores) and records load refuses. */
static void
test_describe_shapes(void **state)
{
	char t[4096];

	(void)state;
	assert_int_equal(agree(""), 0);
	assert_int_equal(agree("\n \t\r\n\n"), 0);
	snprintf(t, sizeof(t), "%s\n%s\n%s\n", record(1), record(2), record(3));
	assert_int_equal(agree(t), 0);
	snprintf(t, sizeof(t), "\n  \n%s\r\n\t\r\n%s\n\n%s", record(1),
		 record(2), record(3));
	assert_int_equal(agree(t), 0);
	snprintf(t, sizeof(t),
		 "%s\n{\"name\":\"x\",\"schema\":\"cstat-run/1\","
		 "\"created\":\"late\",\"groups\":[]}\n",
		 record(1));
	assert_int_equal(agree(t), 0);
	snprintf(t, sizeof(t),
		 "{\"schema\":\"cstat-run/1\",\"name\":\"a \\\"q\\\" "
		 "\\\\ \\u00e9\",\"groups\":[]}\n%s\n",
		 record(4));
	assert_int_equal(agree(t), 0);
	snprintf(t, sizeof(t), "%s x\n%s}\n", record(1), record(2));
	assert_int_equal(agree(t), 0);
	/* Brackets after the object, brackets that do not match, nesting
	 * deeper than the shape follows (64; cJSON takes 1,000). */
	snprintf(t, sizeof(t), "%s[]\n%s\n", record(1), record(2));
	assert_int_equal(agree(t), 0);
	snprintf(t, sizeof(t),
		 "%s\n{\"schema\":\"cstat-run/"
		 "1\",\"a\":[1}],\"groups\":[]}\n%s\n",
		 record(1), record(2));
	assert_int_equal(agree(t), 0);
	int k = snprintf(t, sizeof(t),
			 "{\"schema\":\"cstat-run/1\",\"groups\":[],\"x\":");
	for (int i = 0; i < 70; i++)
		t[k++] = '[';
	for (int i = 0; i < 70; i++)
		t[k++] = ']';
	snprintf(t + k, sizeof(t) - (size_t)k, "}\n%s\n", record(2));
	assert_int_equal(agree(t), 0);
	/* Unknown schemas, a newer one and what is no run at all, in the
	 * middle: the error of the full reading, at its line. */
	snprintf(t, sizeof(t),
		 "%s\n{\"schema\":\"other/1\",\"groups\":[]}\n%s\n", record(1),
		 record(2));
	assert_int_equal(agree(t), CSTAT_EFORMAT);
	snprintf(t, sizeof(t), "%s\n\n{\"schema\":\"cstat-run/2\"}\n%s\n",
		 record(1), record(2));
	assert_int_equal(agree(t), CSTAT_EFORMAT);
	snprintf(t, sizeof(t), "%s\n[1,2]\n", record(1));
	assert_int_equal(agree(t), CSTAT_EFORMAT);
	/* The last record's body is read in full: a bad one is an error. */
	snprintf(t, sizeof(t),
		 "%s\n{\"schema\":\"cstat-run/1\",\"groups\":{}}\n", record(1));
	assert_int_equal(agree(t), CSTAT_EFORMAT);
	/* An unknown schema without its newline at the end was cut short,
	 * for load: skipped. */
	snprintf(t, sizeof(t), "%s\n{\"schema\":\"other/1\"}", record(1));
	assert_int_equal(agree(t), 0);
}

/* A record cut short at every byte, in the middle (a newline and a record
 * after it, as the next append leaves it) and at the end (with and without
 * a newline): each cut is a stub for both.  Under valgrind (the unit
 * suite's second run) every 7th byte. */
static void
test_describe_every_cut(void **state)
{
	char t[4096];
	const char *r = record(5);
	size_t n = strlen(r);

	(void)state;
	for (size_t cut = 1; cut < n; cut += RUNNING_ON_VALGRIND ? 7 : 1) {
		int len = snprintf(t, sizeof(t), "%s\n%.*s\n%s\n", record(1),
				   (int)cut, r, record(2));
		agree_bytes(t, (size_t)len);
		len = snprintf(t, sizeof(t), "%s\n%.*s", record(1), (int)cut,
			       r);
		agree_bytes(t, (size_t)len);
		len = snprintf(t, sizeof(t), "%s\n%.*s\n", record(1), (int)cut,
			       r);
		agree_bytes(t, (size_t)len);
	}
}

/* A record longer than the pass's 8 MiB buffer, so a line spans reads
 * and the buffer grows; records before and after it cross the block
 * boundaries. */
static void
test_describe_long_record(void **state)
{
	const size_t big = (9u << 20);
	const char *head = "{\"schema\":\"cstat-run/1\",\"meta\":{\"k\":\"";
	const char *tail = "\"},\"created\":\"big\",\"groups\":[]}\n";
	size_t hl = strlen(head), tl = strlen(tail), pos = 0;
	char *t = malloc(big + 4096);

	(void)state;
	assert_non_null(t);
	for (int i = 0; i < 3; i++) {
		pos += (size_t)sprintf(t + pos, "%s\n", record(i + 1));
	}
	memcpy(t + pos, head, hl);
	pos += hl;
	memset(t + pos, 'x', big - 2048);
	pos += big - 2048;
	memcpy(t + pos, tail, tl);
	pos += tl;
	pos += (size_t)sprintf(t + pos, "%s\n", record(9));
	assert_int_equal(agree_bytes(t, pos), 0);
	free(t);
}

/* The snapshot answers when it is the history's (a stub's warning and
 * count kept), and not once a record is appended after it: the count
 * is the file's again. */
static void
test_describe_snapshot(void **state)
{
	struct cstat_history_info hi;
	struct cstat_diag d;
	cstat_tables *t;
	cstat_run **runs;
	size_t n;
	int status;
	char text[4096];

	(void)state;
	snprintf(text, sizeof(text), "%s\n{\"schema\":\"cst\n%s\n\n%s\n",
		 record(1), record(2), record(3));
	write_bytes(path("s.jsonl"), text, strlen(text));
	assert_int_equal(cstat_history_read_cached(
				 path("s.jsonl"), path("s.snapshot"), 0.95, &t,
				 &runs, &n, NULL, NULL, &d, &status),
			 0);
	assert_int_equal(status, 0); /* written */
	cstat_tables_free(t);
	cstat_history_free(runs, n);
	nwarn = 0;
	assert_int_equal(cstat_history_describe(path("s.jsonl"),
						path("s.snapshot"), &hi, count,
						NULL, &d),
			 0);
	assert_true(hi.from_snapshot);
	assert_int_equal(hi.runs, 3);
	assert_int_equal(hi.skipped, 1);
	assert_int_equal(nwarn, 1);
	assert_int_equal(hi.lines, 5);
	assert_string_equal(hi.created, "2026-01-03T00:00:00Z");
	free(hi.created);
	/* A record appended: the snapshot is of an older file. */
	FILE *f = fopen(path("s.jsonl"), "a");
	fprintf(f, "%s\n", record(4));
	fclose(f);
	assert_int_equal(cstat_history_describe(path("s.jsonl"),
						path("s.snapshot"), &hi, NULL,
						NULL, &d),
			 0);
	assert_false(hi.from_snapshot);
	assert_int_equal(hi.runs, 4);
	assert_int_equal(hi.skipped, 1);
	assert_string_equal(hi.created, "2026-01-04T00:00:00Z");
	free(hi.created);
	/* A snapshot that is not one: the file answers. */
	write_bytes(path("bad.snapshot"), "cstatSN1 not really", 19);
	assert_int_equal(cstat_history_describe(path("s.jsonl"),
						path("bad.snapshot"), &hi, NULL,
						NULL, &d),
			 0);
	assert_false(hi.from_snapshot);
	assert_int_equal(hi.runs, 4);
	free(hi.created);
}

/* Links are refused, never followed: the history itself. */
static void
test_describe_link(void **state)
{
	struct cstat_history_info hi;
	struct cstat_diag d;
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text), "%s\n", record(1));
	write_bytes(path("real.jsonl"), text, strlen(text));
	assert_int_equal(symlink(path("real.jsonl"), path("l.jsonl")), 0);
	assert_int_equal(cstat_history_describe(path("l.jsonl"), NULL, &hi,
						NULL, NULL, &d),
			 CSTAT_EACCES);
	assert_non_null(strstr(d.message, "symbolic link"));
	assert_int_equal(hi.runs, 0);
}

/* Prune keeps the last records byte for byte, each with a newline, and
 * drops stubs and blank lines; an unknown schema stops it with nothing
 * written. */
static void
test_prune(void **state)
{
	struct cstat_diag d;
	size_t removed = 9, len;
	char text[4096], want[4096];

	(void)state;
	/* Bytes after the object are the record's: kept as they are. */
	snprintf(text, sizeof(text), "%s\n{\"schema\":\"c\n\n%s\r\n%s\n%s x",
		 record(1), record(2), record(3), record(4));
	write_bytes(path("p.jsonl"), text, strlen(text));
	assert_int_equal(cstat_history_prune(path("p.jsonl"), 2, &removed, &d),
			 0);
	assert_int_equal(removed, 2);
	snprintf(want, sizeof(want), "%s\n%s x\n", record(3), record(4));
	char *got = slurp(path("p.jsonl"), &len);
	assert_string_equal(got, want);
	free(got);
	/* Keeping more than there are removes nothing. */
	assert_int_equal(cstat_history_prune(path("p.jsonl"), 10, &removed, &d),
			 0);
	assert_int_equal(removed, 0);
	got = slurp(path("p.jsonl"), &len);
	assert_string_equal(got, want);
	free(got);
	/* An unknown schema in the middle: refused, at its line. */
	snprintf(text, sizeof(text), "%s\n\n{\"schema\":\"other/1\"}\n%s\n",
		 record(1), record(2));
	write_bytes(path("p.jsonl"), text, strlen(text));
	removed = 9;
	assert_int_equal(cstat_history_prune(path("p.jsonl"), 1, &removed, &d),
			 CSTAT_EFORMAT);
	assert_int_equal(removed, 0);
	assert_int_equal(d.line, 3);
	assert_non_null(strstr(d.message, "other/1"));
	got = slurp(path("p.jsonl"), &len);
	assert_string_equal(got, text);
	free(got);
	/* The last record is read in full, as list reads it: a body that is
	 * not a run's stops the prune too. */
	snprintf(text, sizeof(text),
		 "%s\n{\"schema\":\"cstat-run/1\",\"groups\":{}}\n", record(1));
	write_bytes(path("p.jsonl"), text, strlen(text));
	assert_int_equal(cstat_history_prune(path("p.jsonl"), 1, &removed, &d),
			 CSTAT_EFORMAT);
	assert_int_equal(d.line, 2);
	assert_non_null(strstr(d.message, "groups"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_describe_shapes),
		cmocka_unit_test(test_describe_every_cut),
		cmocka_unit_test(test_describe_long_record),
		cmocka_unit_test(test_describe_snapshot),
		cmocka_unit_test(test_describe_link),
		cmocka_unit_test(test_prune),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
