/*
 * test-store.c - cstat's own result files: a baseline read back as an
 * input gives the tables its original files give; a history survives a
 * record cut short, concurrent appends from 8 processes and pruning; a
 * corrupt file or one of a newer schema is refused with a clear message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "cstat.h"
#include "testutil.h"

static const char *old_txt =
	"goos: linux\n"
	"goarch: amd64\n"
	"cpu: Example CPU\n"
	"pkg: example.com/a\n"
	"Unit allocs/op assume=exact\n"
	"BenchmarkEncode/x=1-8 100 1718 ns/op 12 B/op 2 allocs/op\n"
	"BenchmarkEncode/x=1-8 100 1723 ns/op 12 B/op 2 allocs/op\n"
	"BenchmarkEncode/x=1-8 100 1707 ns/op 12 B/op 2 allocs/op\n"
	"BenchmarkDecode-8 100 0 ns/op 5.5 MB/s\n"
	"BenchmarkDecode-8 100 3.25 ns/op 6 MB/s\n"
	"pkg: example.com/b\n"
	"BenchmarkOther 1 42 ns/op\n"
	"pkg:\n"
	"BenchmarkBare 1 7 ns/op\n";

/* A scratch directory for this process. */
static char dir[256];
static long test_pid; /* names the projects of the database */

static int
setup(void **state)
{
	(void)state;
	test_pid = (long)getpid();
	snprintf(dir, sizeof(dir), "/tmp/cstat-test-store-%ld", (long)getpid());
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
	static char buf[8][320];
	static int next;
	char *p = buf[next++ % 8];

	snprintf(p, 320, "%s/%s", dir, name);
	return p;
}

/* Reads text (or the file at file) into a run. */
static cstat_run *
run_of(const char *text)
{
	cstat_reader *r;
	cstat_run *run;
	const struct cstat_result *res;
	struct cstat_diag d;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_run_new(&run), 0);
	assert_int_equal(cstat_reader_open_mem(r, text, strlen(text), "x"), 0);
	while (cstat_reader_next(r, &res, &d) == 1)
		assert_int_equal(cstat_run_add(run, res, r), 0);
	cstat_reader_free(r);
	return run;
}

/* The text tables of one input, a file (path) or text in memory. */
static char *
tables_of(const char *file, const char *text)
{
	cstat_reader *r;
	cstat_builder *b;
	cstat_tables *t;
	const struct cstat_result *res;
	struct cstat_diag d;
	char *out = NULL;
	size_t len = 0;
	int rc;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	if (file)
		assert_int_equal(cstat_reader_open(r, file, "in", &d), 0);
	else
		assert_int_equal(
			cstat_reader_open_mem(r, text, strlen(text), "in"), 0);
	while ((rc = cstat_reader_next(r, &res, &d)) == 1)
		assert_int_equal(cstat_builder_add(b, res), 0);
	assert_int_equal(rc, 0);
	struct cstat_stats_opts o = {0.05, 0.95, r, 1};
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	FILE *f = open_memstream(&out, &len);
	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_CSV, f, NULL), 0);
	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_TEXT, f, NULL), 0);
	fclose(f);
	cstat_tables_free(t);
	cstat_builder_free(b);
	cstat_reader_free(r);
	return out;
}

/* A baseline read as an input gives the original's tables exactly
 * (CSV has every digit), including a 0 ns/op kept in ns/op, a config key
 * deleted, two packages and assume=exact metadata. */
static void
test_round_trip(void **state)
{
	cstat_run *run = run_of(old_txt), *back;
	struct cstat_diag d;

	(void)state;
	assert_int_equal(cstat_run_set(run, "name", "main"), 0);
	assert_int_equal(cstat_run_set(run, "commit", "abc"), 0);
	assert_int_equal(cstat_run_set(run, "meta.runner", "ci-7"), 0);
	assert_int_equal(cstat_run_set(run, "nope", "x"), CSTAT_EINVAL);
	assert_int_equal(cstat_run_count(run), 15);
	assert_int_equal(cstat_run_save(run, path("b.json"), &d), 0);
	/* Nothing but the baseline is left in the directory. */
	struct stat st;
	char tmp[400];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path("b.json"),
		 (long)getpid());
	assert_int_not_equal(stat(tmp, &st), 0);

	char *want = tables_of(NULL, old_txt);
	char *got = tables_of(path("b.json"), NULL);
	assert_string_equal(got, want);
	free(got);

	/* cstat_run_write() writes what the baseline file holds. */
	char *mem = NULL, file[4096];
	size_t mlen = 0;
	FILE *mf = open_memstream(&mem, &mlen);
	assert_int_equal(cstat_run_write(run, true, mf), 0);
	fclose(mf);
	FILE *bf = fopen(path("b.json"), "r");
	size_t flen = fread(file, 1, sizeof(file) - 1, bf);
	fclose(bf);
	file[flen] = '\0';
	assert_string_equal(mem, file);
	free(mem);

	assert_int_equal(cstat_run_load(&back, path("b.json"), &d), 0);
	assert_string_equal(cstat_run_get(back, "name"), "main");
	assert_string_equal(cstat_run_get(back, "commit"), "abc");
	assert_string_equal(cstat_run_get(back, "meta.runner"), "ci-7");
	assert_string_equal(cstat_run_get(back, "env.cpu"), "Example CPU");
	assert_int_equal(cstat_run_count(back), 15);
	/* Its text reads back to the same tables too. */
	char *text;
	size_t len;
	assert_int_equal(cstat_run_text(back, &text, &len), 0);
	got = tables_of(NULL, text);
	assert_string_equal(got, want);
	free(got);
	free(text);
	free(want);
	cstat_run_free(back);
	cstat_run_free(run);
}

static void
write_file(const char *p, const char *text)
{
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int nwarnings;

static void
count_warning(void *ctx, const struct cstat_diag *d)
{
	(void)ctx;
	assert_non_null(strstr(d->message, "cut short"));
	nwarnings++;
}

/* A record cut short by a crash is skipped with a warning, and the next
 * append starts a line of its own. */
static void
test_cut_short(void **state)
{
	cstat_run *run = run_of(old_txt), **runs;
	struct cstat_diag d;
	size_t n;

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(cstat_run_append(run, path("h.jsonl"), &d), 0);
	FILE *f = fopen(path("h.jsonl"), "a");
	fputs("{\"schema\":\"cstat-run/1\",\"groups\":[{\"con", f);
	fclose(f);
	nwarnings = 0;
	assert_int_equal(cstat_history_load(path("h.jsonl"), &runs, &n,
					    count_warning, NULL, &d),
			 0);
	assert_int_equal(n, 3);
	assert_int_equal(nwarnings, 1);
	cstat_history_free(runs, n);
	assert_int_equal(cstat_run_set(run, "commit", "last"), 0);
	assert_int_equal(cstat_run_append(run, path("h.jsonl"), &d), 0);
	nwarnings = 0;
	assert_int_equal(cstat_history_load(path("h.jsonl"), &runs, &n,
					    count_warning, NULL, &d),
			 0);
	assert_int_equal(n, 4);
	assert_int_equal(nwarnings, 1);
	assert_string_equal(cstat_run_get(runs[3], "commit"), "last");
	cstat_history_free(runs, n);
	/* As an input, a history is its last run. */
	char *got = tables_of(path("h.jsonl"), NULL);
	char *want = tables_of(NULL, old_txt);
	assert_string_equal(got, want);
	free(got);
	free(want);
	/* Pruning keeps the last two records and drops the stub. */
	size_t removed;
	assert_int_equal(cstat_history_prune(path("h.jsonl"), 2, &removed, &d),
			 0);
	assert_int_equal(removed, 2);
	nwarnings = 0;
	assert_int_equal(cstat_history_load(path("h.jsonl"), &runs, &n,
					    count_warning, NULL, &d),
			 0);
	assert_int_equal(n, 2);
	assert_int_equal(nwarnings, 0);
	assert_string_equal(cstat_run_get(runs[1], "commit"), "last");
	cstat_history_free(runs, n);
	cstat_run_free(run);
}

/* Corrupt files and newer schemas are refused, with where and why. */
static void
test_refused(void **state)
{
	cstat_run *run, **runs;
	struct cstat_diag d;
	size_t n;

	(void)state;
	write_file(path("bad.json"),
		   "{\n  \"schema\": \"cstat-run/1\",\n  x\n}\n");
	assert_int_equal(cstat_run_load(&run, path("bad.json"), &d),
			 CSTAT_EFORMAT);
	assert_null(run);
	assert_int_equal(d.line, 3);
	assert_true(d.column >= 3 && d.column <= 4); /* cJSON: at or after x */
	write_file(path("new.json"),
		   "{\n  \"schema\": \"cstat-run/2\", \"groups\": []\n}\n");
	assert_int_equal(cstat_run_load(&run, path("new.json"), &d),
			 CSTAT_EFORMAT);
	assert_non_null(strstr(d.message, "newer"));
	write_file(path("other.json"), "{\"schema\": \"x\"}\n");
	assert_int_equal(cstat_run_load(&run, path("other.json"), &d),
			 CSTAT_EFORMAT);
	assert_non_null(strstr(d.message, "not a cstat run"));
	write_file(path("types.json"),
		   "{\"schema\": \"cstat-run/1\", \"groups\": [{\"config\": "
		   "[], \"benchmarks\": [{\"name\": \"A\", \"units\": "
		   "[{\"unit\": \"x\", \"values\": [\"1\"]}]}]}]}\n");
	assert_int_equal(cstat_run_load(&run, path("types.json"), &d),
			 CSTAT_EFORMAT);
	assert_non_null(strstr(d.message, "must be numbers"));
	/* A whole history record of a newer schema is an error, not a
	 * cut-short record to skip. */
	write_file(path("future.jsonl"),
		   "{\"schema\": \"cstat-run/9\", \"groups\": []}\n");
	assert_int_equal(cstat_history_load(path("future.jsonl"), &runs, &n,
					    NULL, NULL, &d),
			 CSTAT_EFORMAT);
	assert_int_equal(d.line, 1);
	/* The reader refuses a corrupt baseline as an input. */
	cstat_reader *r;
	const struct cstat_result *res;
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_reader_open(r, path("new.json"), NULL, &d), 0);
	assert_int_equal(cstat_reader_next(r, &res, &d), CSTAT_EFORMAT);
	assert_non_null(strstr(d.message, "newer"));
	cstat_reader_free(r);
	assert_int_equal(cstat_run_load(&run, path("missing.json"), &d),
			 CSTAT_ENOENT);
}

/* 8 processes appending 50 runs each at once: all 400 land, whole. */
static void
test_concurrent_appends(void **state)
{
	struct cstat_diag d;
	cstat_run **runs;
	size_t n;
	pid_t pids[8];

	(void)state;
	for (int p = 0; p < 8; p++) {
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			cstat_run *run = run_of(old_txt);
			char tag[32];
			int bad = 0;
			for (int i = 0; i < 50; i++) {
				snprintf(tag, sizeof(tag), "p%d-%d", p, i);
				bad |= cstat_run_set(run, "commit", tag);
				bad |= cstat_run_append(run, path("c.jsonl"),
							&d);
			}
			cstat_run_free(run);
			_exit(bad ? 1 : 0);
		}
	}
	for (int p = 0; p < 8; p++) {
		int status;
		assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	nwarnings = 0;
	assert_int_equal(cstat_history_load(path("c.jsonl"), &runs, &n,
					    count_warning, NULL, &d),
			 0);
	assert_int_equal(n, 400);
	assert_int_equal(nwarnings, 0);
	bool seen[8][50] = {{false}};
	for (size_t i = 0; i < n; i++) {
		int p, k;
		assert_int_equal(sscanf(cstat_run_get(runs[i], "commit"),
					"p%d-%d", &p, &k),
				 2);
		assert_false(seen[p][k]);
		seen[p][k] = true;
		assert_int_equal(cstat_run_count(runs[i]), 15);
	}
	cstat_history_free(runs, n);
}

/* Runs from another machine are told apart by cpu, goos and goarch. */
static void
test_environment(void **state)
{
	cstat_run *a = run_of(old_txt);
	cstat_run *b = run_of("goos: linux\ngoarch: arm64\ncpu: Other\n"
			      "BenchmarkA 1 1 ns/op\n");
	cstat_run *c = run_of("BenchmarkA 1 1 ns/op\n");
	char buf[256];

	(void)state;
	assert_int_equal(cstat_run_env_diff(a, b, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "goarch \"amd64\" vs \"arm64\"; cpu \"Example "
				 "CPU\" vs \"Other\"");
	assert_int_equal(cstat_run_env_diff(a, a, buf, sizeof(buf)), 0);
	assert_int_equal(cstat_run_env_diff(a, c, buf, sizeof(buf)), 0);
	cstat_run_free(a);
	cstat_run_free(b);
	cstat_run_free(c);
}

/* The library refuses links at store files, reads and writes alike, and
 * leaves what they point to untouched (CSTAT_EACCES, the link named). */
static void
test_links(void **state)
{
	cstat_run *run = run_of(old_txt), *got, **runs;
	struct cstat_diag d;
	size_t n;
	char tmp[400];

	(void)state;
	write_file(path("outside"), "precious\n");
	assert_int_equal(symlink(path("outside"), path("l.json")), 0);
	assert_int_equal(cstat_run_load(&got, path("l.json"), &d),
			 CSTAT_EACCES);
	assert_non_null(strstr(d.message, "symbolic link"));
	assert_int_equal(cstat_run_save(run, path("l.json"), &d), CSTAT_EACCES);
	assert_int_equal(symlink(path("outside"), path("l.jsonl")), 0);
	assert_int_equal(cstat_run_append(run, path("l.jsonl"), &d),
			 CSTAT_EACCES);
	assert_int_equal(
		cstat_history_load(path("l.jsonl"), &runs, &n, NULL, NULL, &d),
		CSTAT_EACCES);
	assert_int_equal(cstat_history_prune(path("l.jsonl"), 0, NULL, &d),
			 CSTAT_EACCES);
	/* A dangling link is not created through, nor is a lock link. */
	assert_int_equal(symlink(path("made"), path("dangling.jsonl")), 0);
	assert_int_equal(cstat_run_append(run, path("dangling.jsonl"), &d),
			 CSTAT_EACCES);
	assert_int_equal(symlink(path("made"), path("lk.jsonl.lock")), 0);
	assert_int_equal(cstat_run_append(run, path("lk.jsonl"), &d),
			 CSTAT_EACCES);
	assert_non_null(strstr(d.message, "lk.jsonl.lock"));
	/* Our own temporary name as a link: refused, not written through,
	 * not renamed into place. */
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path("t.json"),
		 (long)getpid());
	assert_int_equal(symlink(path("outside"), tmp), 0);
	assert_int_equal(cstat_run_save(run, path("t.json"), &d), CSTAT_EACCES);
	assert_non_null(strstr(d.message, ".tmp."));
	struct stat st;
	assert_int_not_equal(lstat(path("t.json"), &st), 0);
	assert_int_not_equal(lstat(path("made"), &st), 0);
	char text[64] = "";
	FILE *f = fopen(path("outside"), "r");
	assert_non_null(f);
	assert_non_null(fgets(text, sizeof(text), f));
	fclose(f);
	assert_string_equal(text, "precious\n");
	cstat_run_free(run);
}

/* What is written reads back: 1,000 configuration lines, a unit and a
 * metadata key longer than any fixed buffer once was. */
static void
test_no_fixed_limits(void **state)
{
	struct {
		char *p;
		size_t len;
	} t = {NULL, 0};
	FILE *f = open_memstream(&t.p, &t.len);
	cstat_run *got;
	struct cstat_diag d;
	char unit[700];

	(void)state;
	memset(unit, 'u', sizeof(unit) - 1);
	unit[sizeof(unit) - 1] = '\0';
	fprintf(f, "Unit %s assume=exact\n", unit);
	for (int i = 0; i < 1000; i++)
		fprintf(f, "key%d: v%d\n", i, i);
	fprintf(f, "BenchmarkX 1 5 %s\n", unit);
	fclose(f);
	cstat_run *run = run_of(t.p);
	char key[400] = "meta.";
	memset(key + 5, 'k', 390);
	key[395] = '\0';
	assert_int_equal(cstat_run_set(run, key, "v"), 0);
	assert_int_equal(cstat_run_save(run, path("big.json"), &d), 0);
	assert_int_equal(cstat_run_load(&got, path("big.json"), &d), 0);
	assert_string_equal(cstat_run_get(got, key), "v");
	char *a, *b;
	size_t al, bl;
	assert_int_equal(cstat_run_text(run, &a, &al), 0);
	assert_int_equal(cstat_run_text(got, &b, &bl), 0);
	assert_string_equal(a, b);
	assert_non_null(strstr(b, "key999: v999\n"));
	free(a);
	free(b);
	free(t.p);
	cstat_run_free(got);
	cstat_run_free(run);
}

/* "created" takes RFC 3339 times only. */
static void
test_created(void **state)
{
	static const char *const good[] = {"2026-11-01T10:00:00Z",
					   "2024-02-29t23:59:60.25z",
					   "2026-11-01 10:00:00+05:30"};
	static const char *const bad[] = {"notatime",
					  "2026-11-01T10:00:00",
					  "2026-02-29T10:00:00Z",
					  "2026-11-31T10:00:00Z",
					  "2026-11-01T24:00:00Z",
					  "2026-11-01T10:00:00.Z",
					  "2026-11-01T10:00:00+5:30",
					  ""};
	cstat_run *run;

	(void)state;
	assert_int_equal(cstat_run_new(&run), 0);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(cstat_run_set(run, "created", good[i]), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(cstat_run_set(run, "created", bad[i]),
				 CSTAT_EINVAL);
	assert_string_equal(cstat_run_get(run, "created"), good[2]);
	assert_string_equal(cstat_strerror(CSTAT_ENOSPC),
			    "no space left on device");
	cstat_run_free(run);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The whole file at p, malloc'd; NULL when it cannot be read. */
static char *
file_text(const char *p)
{
	FILE *f = fopen(p, "rb");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	FILE *m = open_memstream(&buf, &len);
	int c;
	while ((c = getc(f)) != EOF)
		putc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

/* Every new run has an id of its own: 1,000 runs, 1,000 ids of 32 hex
 * digits, kept by a baseline and a history; ids are checked as set and
 * as read. */
static void
test_ids(void **state)
{
	char *ids[1000];
	struct cstat_diag d;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		cstat_run *r;
		assert_int_equal(cstat_run_new(&r), 0);
		const char *id = cstat_run_get(r, "id");
		assert_non_null(id);
		assert_int_equal(strlen(id), 32);
		assert_int_equal(strspn(id, "0123456789abcdef"), 32);
		ids[i] = strdup(id);
		cstat_run_free(r);
	}
	qsort(ids, 1000, sizeof(*ids), cmp_str);
	for (int i = 1; i < 1000; i++)
		assert_string_not_equal(ids[i - 1], ids[i]);
	for (int i = 0; i < 1000; i++)
		free(ids[i]);

	cstat_run *run = run_of(old_txt), *back, **runs;
	size_t n;
	char id[40];
	snprintf(id, sizeof(id), "%s", cstat_run_get(run, "id"));
	assert_int_equal(cstat_run_save(run, path("id.json"), &d), 0);
	assert_int_equal(cstat_run_load(&back, path("id.json"), &d), 0);
	assert_string_equal(cstat_run_get(back, "id"), id);
	cstat_run_free(back);
	assert_int_equal(cstat_run_append(run, path("id.jsonl"), &d), 0);
	assert_int_equal(
		cstat_history_load(path("id.jsonl"), &runs, &n, NULL, NULL, &d),
		0);
	assert_string_equal(cstat_run_get(runs[0], "id"), id);
	cstat_history_free(runs, n);

	assert_int_equal(cstat_run_set(run, "id", "ci:1234.5_a-b+c"), 0);
	assert_string_equal(cstat_run_get(run, "id"), "ci:1234.5_a-b+c");
	assert_int_equal(cstat_run_set(run, "id", ""), CSTAT_EINVAL);
	assert_int_equal(cstat_run_set(run, "id", "a b"), CSTAT_EINVAL);
	char longid[130];
	memset(longid, 'a', 129);
	longid[129] = '\0';
	assert_int_equal(cstat_run_set(run, "id", longid), CSTAT_EINVAL);
	longid[128] = '\0';
	assert_int_equal(cstat_run_set(run, "id", longid), 0);
	assert_int_equal(cstat_run_set(run, "id", NULL), 0);
	assert_null(cstat_run_get(run, "id"));
	cstat_run_free(run);

	/* Written before ids: none.  An id that is no string, or empty,
	 * was not cstat's: none either. */
	write_file(path("noid.json"), "{\"schema\":\"cstat-run/1\","
				      "\"groups\":[]}\n");
	assert_int_equal(cstat_run_load(&back, path("noid.json"), &d), 0);
	assert_null(cstat_run_get(back, "id"));
	cstat_run_free(back);
	write_file(path("badid.json"), "{\"schema\":\"cstat-run/1\","
				       "\"id\":5,\"groups\":[]}\n");
	assert_int_equal(cstat_run_load(&back, path("badid.json"), &d), 0);
	assert_null(cstat_run_get(back, "id"));
	cstat_run_free(back);
	write_file(path("emptyid.json"), "{\"schema\":\"cstat-run/1\","
					 "\"id\":\"\",\"groups\":[]}\n");
	assert_int_equal(cstat_run_load(&back, path("emptyid.json"), &d), 0);
	assert_null(cstat_run_get(back, "id"));
	cstat_run_free(back);
}

/* A run read by the small parser keeps its metadata's keys and values
 * in one block of its own (cstat__run_put_text()): a later duplicate
 * replaces, and setting, replacing and removing keys afterwards frees only
 * what the block does not hold (the sanitizers' and valgrind's runs of
 * this test see a wrong free).  Written back, it is what it was given. */
static void
test_run_text_block(void **state)
{
	static const char rec[] =
		"{\"schema\":\"cstat-run/1\",\"id\":\"r-1\",\"name\":\"main\","
		"\"created\":\"2026-01-01T00:00:00Z\",\"commit\":\"c1\","
		"\"branch\":\"b1\",\"meta\":{\"ci\":\"a\",\"job\":\"7\","
		"\"ci\":\"b\"},\"environment\":{\"host\":\"h1\","
		"\"goos\":\"linux\"},\"units\":[{\"unit\":\"sec/op\","
		"\"assume\":\"exact\"}],\"groups\":[]}\n";
	struct cstat_diag d;
	cstat_run *run, *back;

	(void)state;
	write_file(path("text.json"), rec);
	assert_int_equal(cstat_run_load(&run, path("text.json"), &d), 0);
	assert_string_equal(cstat_run_get(run, "id"), "r-1");
	assert_string_equal(cstat_run_get(run, "name"), "main");
	assert_string_equal(cstat_run_get(run, "commit"), "c1");
	assert_string_equal(cstat_run_get(run, "meta.ci"), "b");
	assert_string_equal(cstat_run_get(run, "meta.job"), "7");
	assert_string_equal(cstat_run_get(run, "env.host"), "h1");
	assert_string_equal(cstat_run_get(run, "env.goos"), "linux");

	assert_int_equal(cstat_run_set(run, "commit", "c2"), 0);
	assert_int_equal(cstat_run_set(run, "commit", "c3"), 0);
	assert_int_equal(cstat_run_set(run, "branch", NULL), 0);
	assert_int_equal(cstat_run_set(run, "host", NULL), 0);
	assert_int_equal(cstat_run_set(run, "meta.job", NULL), 0);
	/* More keys than the lists were given room for. */
	assert_int_equal(cstat_run_set(run, "meta.x", "1"), 0);
	assert_int_equal(cstat_run_set(run, "meta.y", "2"), 0);
	assert_int_equal(cstat_run_set(run, "host", "h2"), 0);
	assert_string_equal(cstat_run_get(run, "commit"), "c3");
	assert_null(cstat_run_get(run, "branch"));
	assert_null(cstat_run_get(run, "meta.job"));
	assert_string_equal(cstat_run_get(run, "meta.ci"), "b");
	assert_string_equal(cstat_run_get(run, "meta.y"), "2");
	assert_string_equal(cstat_run_get(run, "env.host"), "h2");
	assert_string_equal(cstat_run_get(run, "name"), "main");

	char *text;
	size_t len;
	FILE *f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(cstat_run_write(run, false, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_non_null(strstr(text, "\"meta\":{\"ci\":\"b\",\"x\":\"1\","
				     "\"y\":\"2\"}"));
	assert_non_null(strstr(text, "\"environment\":{\"goos\":\"linux\","
				     "\"host\":\"h2\"}"));
	assert_non_null(strstr(text, "\"units\":[{\"unit\":\"sec/op\","
				     "\"assume\":\"exact\"}]"));
	assert_int_equal(cstat_run_save(run, path("text2.json"), &d), 0);
	assert_int_equal(cstat_run_load(&back, path("text2.json"), &d), 0);
	assert_string_equal(cstat_run_get(back, "commit"), "c3");
	assert_string_equal(cstat_run_get(back, "meta.x"), "1");
	assert_null(cstat_run_get(back, "branch"));
	free(text);
	cstat_run_free(back);
	cstat_run_free(run);
}

/* One record of the arena test: run i with a duplicate metadata key
 * (the later value wins). */
#define ARENA_REC(i)                                                           \
	"{\"schema\":\"cstat-run/1\",\"id\":\"a-" i "\",\"name\":\"n" i        \
	"\",\"created\":\"2026-01-0" i "T00:00:00Z\",\"commit\":\"c" i         \
	"\",\"branch\":\"b" i "\",\"meta\":{\"ci\":\"x\",\"job\":\"" i         \
	"\",\"ci\":\"y" i "\"},\"environment\":{\"host\":\"h" i "\"},"         \
	"\"units\":[{\"unit\":\"ns/op\",\"assume\":\"exact\"}],"               \
	"\"groups\":[{\"config\":[],\"benchmarks\":[{\"name\":\"B\","          \
	"\"units\":[{\"unit\":\"ns/op\",\"values\":[1" i ",2" i "]}]}]}]}\n"

/*
 * The runs of one read share an arena (their structs, key lists and
 * texts): read from the history and from its snapshot, each answers its
 * own metadata; setting, replacing and removing keys, past the room its
 * lists were given, touches that run alone; and the runs freed one by
 * one in any order, the tables before or after, free everything once
 * (valgrind's and the sanitizers' runs of this test see a leak or a wrong
 * free).
 */
static void
test_runs_arena(void **state)
{
	static const char *const order[2][3] = {{"2", "3", "1"},
						{"1", "3", "2"}};
	struct cstat_diag d;

	(void)state;
	write_file(path("arena.jsonl"),
		   ARENA_REC("1") ARENA_REC("2") ARENA_REC("3"));
	unlink(path("arena.snap"));
	for (int pass = 0; pass < 3; pass++) {
		cstat_tables *t;
		cstat_run **runs;
		size_t n;
		int status = -5;
		if (pass == 0)
			assert_int_equal(cstat_history_read(path("arena.jsonl"),
							    NULL, 0.95, &t,
							    &runs, &n, NULL,
							    NULL, &d),
					 0);
		else
			assert_int_equal(cstat_history_read_cached(
						 path("arena.jsonl"),
						 path("arena.snap"), 0.95, &t,
						 &runs, &n, NULL, NULL, &d,
						 &status),
					 0);
		/* The second cached read is the snapshot's. */
		if (pass > 0)
			assert_int_equal(status, pass == 1 ? 0 : 1);
		assert_int_equal(n, 3);
		for (size_t i = 0; i < 3; i++) {
			char want[8];
			snprintf(want, sizeof(want), "y%zu", i + 1);
			assert_string_equal(cstat_run_get(runs[i], "meta.ci"),
					    want);
			snprintf(want, sizeof(want), "%zu", i + 1);
			assert_string_equal(cstat_run_get(runs[i], "meta.job"),
					    want);
			snprintf(want, sizeof(want), "h%zu", i + 1);
			assert_string_equal(cstat_run_get(runs[i], "env.host"),
					    want);
		}
		cstat_run *r = runs[1];
		assert_int_equal(cstat_run_set(r, "commit", "c-new"), 0);
		assert_int_equal(cstat_run_set(r, "branch", NULL), 0);
		assert_int_equal(cstat_run_set(r, "meta.ci", "z"), 0);
		for (int k = 0; k < 12; k++) {
			char key[16], val[16];
			snprintf(key, sizeof(key), "meta.k%d", k);
			snprintf(val, sizeof(val), "v%d", k);
			assert_int_equal(cstat_run_set(r, key, val), 0);
		}
		assert_int_equal(cstat_run_set(r, "host", NULL), 0);
		assert_int_equal(cstat_run_set(r, "host", "h-new"), 0);
		assert_string_equal(cstat_run_get(r, "commit"), "c-new");
		assert_null(cstat_run_get(r, "branch"));
		assert_string_equal(cstat_run_get(r, "meta.ci"), "z");
		assert_string_equal(cstat_run_get(r, "meta.k11"), "v11");
		assert_string_equal(cstat_run_get(r, "meta.job"), "2");
		assert_string_equal(cstat_run_get(r, "env.host"), "h-new");
		/* The others are as read. */
		assert_string_equal(cstat_run_get(runs[0], "commit"), "c1");
		assert_string_equal(cstat_run_get(runs[2], "branch"), "b3");
		assert_string_equal(cstat_run_get(runs[2], "meta.ci"), "y3");
		char *text;
		size_t len;
		FILE *f = open_memstream(&text, &len);
		assert_non_null(f);
		assert_int_equal(cstat_run_write(r, false, f), 0);
		assert_int_equal(fclose(f), 0);
		assert_non_null(strstr(text, "\"meta\":{\"ci\":\"z\",\"job\":"
					     "\"2\",\"k0\":\"v0\""));
		assert_null(strstr(text, "\"branch\""));
		free(text);
		if (pass == 1)
			cstat_tables_free(t);
		for (size_t i = 0; i < 3; i++)
			cstat_run_free(runs[order[pass % 2][i][0] - '1']);
		cstat_history_free(runs, 0); /* the array alone */
		if (pass != 1)
			cstat_tables_free(t);
	}
}

#define REC(id, created)                                                       \
	"{\"schema\":\"cstat-run/1\"" id ",\"created\":\"" created             \
	"\",\"groups\":[]}\n"

/* Histories merge by id whichever way round, twice changes nothing,
 * records without ids (known by a hash of their bytes) stay once, times
 * order as instants, stubs go, unknown schemas and links are refused. */
static void
test_merge_histories(void **state)
{
	/* The expected order, by hand: 09:00+02:00 is 07:00Z. */
	const char *old1 = REC("", "2026-01-01T08:00:00Z");
	const char *old2 = REC("", "2026-01-01T09:00:00+02:00");
	const char *b1 = REC(",\"id\":\"b1\"", "2026-01-01T08:00:00Z");
	const char *b2 = REC(",\"id\":\"b2\"", "2026-01-02T08:00:00.5Z");
	const char *c1 = REC(",\"id\":\"c1\"", "2026-01-02T08:00:00.50Z");
	char a[2048], b[2048], want[2048];
	struct cstat_diag d;
	size_t added, total;

	(void)state;
	snprintf(a, sizeof(a), "%s%s%s{\"schema\":\"cstat-run/1\",\"gro", old1,
		 b1, old2);
	snprintf(b, sizeof(b), "%s%s%s%s", c1, b2, old1, b1);
	write_file(path("m1.jsonl"), a);
	write_file(path("m2.jsonl"), b);
	write_file(path("m3.jsonl"), b);
	write_file(path("m4.jsonl"), a);
	assert_int_equal(cstat_history_merge(path("m1.jsonl"), path("m2.jsonl"),
					     &added, &total, NULL, NULL, &d),
			 0);
	assert_int_equal(added, 2);
	assert_int_equal(total, 5);
	assert_int_equal(cstat_history_merge(path("m3.jsonl"), path("m4.jsonl"),
					     &added, &total, NULL, NULL, &d),
			 0);
	assert_int_equal(added, 1); /* old2: the stub is no run */
	assert_int_equal(total, 5);
	/* By time, then id: "b1" < "h-..." at 08:00Z; .5 equals .50. */
	snprintf(want, sizeof(want), "%s%s%s%s%s", old2, b1, old1, b2, c1);
	char *x = file_text(path("m1.jsonl")), *y = file_text(path("m3.jsonl"));
	assert_string_equal(x, want);
	assert_string_equal(y, want);
	/* Again, and into itself: nothing changes, nothing is new. */
	assert_int_equal(cstat_history_merge(path("m1.jsonl"), path("m3.jsonl"),
					     &added, &total, NULL, NULL, &d),
			 0);
	assert_int_equal(added, 0);
	assert_int_equal(cstat_history_merge(path("m1.jsonl"), path("m1.jsonl"),
					     &added, &total, NULL, NULL, &d),
			 0);
	free(x);
	x = file_text(path("m1.jsonl"));
	assert_string_equal(x, want);
	free(x);
	free(y);
	/* Into a history that does not exist: made. */
	assert_int_equal(cstat_history_merge(path("m5.jsonl"), path("m1.jsonl"),
					     &added, &total, NULL, NULL, &d),
			 0);
	assert_int_equal(added, 5);
	x = file_text(path("m5.jsonl"));
	assert_string_equal(x, want);
	free(x);

	/* A record of another schema: refused, nothing written. */
	write_file(path("new.jsonl"), "{\"schema\":\"cstat-run/2\"}\n");
	assert_int_equal(cstat_history_merge(path("m1.jsonl"),
					     path("new.jsonl"), &added, &total,
					     NULL, NULL, &d),
			 CSTAT_EFORMAT);
	assert_non_null(strstr(d.message, "newer"));
	x = file_text(path("m1.jsonl"));
	assert_string_equal(x, want);
	free(x);
	/* Links: the other file, and the history merged into. */
	assert_int_equal(symlink(path("m2.jsonl"), path("ml.jsonl")), 0);
	assert_int_equal(cstat_history_merge(path("m1.jsonl"), path("ml.jsonl"),
					     &added, &total, NULL, NULL, &d),
			 CSTAT_EACCES);
	assert_int_equal(cstat_history_merge(path("ml.jsonl"), path("m1.jsonl"),
					     &added, &total, NULL, NULL, &d),
			 CSTAT_EACCES);
	x = file_text(path("m2.jsonl"));
	assert_string_equal(x, b);
	free(x);
}

/* Records of the history merged into are scanned quickly when plain and
 * read by cJSON otherwise: escapes, a byte order mark, any key order and
 * an id that is no string (known by its bytes) give the ids the full
 * reader gives, either way round. */
static void
test_merge_odd_records(void **state)
{
	const char *ours =
		"{\"schema\":\"cstat-run\\/1\",\"id\":\"x1\",\"groups\":[]}\n"
		"{\"groups\":[{\"config\":[],\"benchmarks\":[]}],"
		"\"id\":\"b\\u0031\",\"schema\":\"cstat-run/1\"}\n"
		"\xef\xbb\xbf{\"schema\":\"cstat-run/1\",\"id\":\"bom\","
		"\"groups\":[]}\n"
		"{\"schema\":\"cstat-run/"
		"1\",\"id\":{\"x\":[1]},\"groups\":[]}\n";
	const char *theirs = "{\"schema\":\"cstat-run/1\",\"id\":\"b1\","
			     "\"groups\":[]}\n"
			     "{\"schema\":\"cstat-run/1\",\"id\":\"x1\","
			     "\"groups\":[]}\n"
			     "{\"schema\":\"cstat-run/1\",\"id\":{\"x\":[1]},"
			     "\"groups\":[]}\n";
	struct cstat_diag d;
	size_t added, total;

	(void)state;
	write_file(path("o1.jsonl"), ours);
	write_file(path("o2.jsonl"), ours);
	write_file(path("t1.jsonl"), theirs);
	write_file(path("t2.jsonl"), theirs);
	assert_int_equal(cstat_history_merge(path("o1.jsonl"), path("t1.jsonl"),
					     &added, &total, NULL, NULL, &d),
			 0);
	assert_int_equal(added, 0);
	assert_int_equal(total, 4);
	assert_int_equal(cstat_history_merge(path("t2.jsonl"), path("o2.jsonl"),
					     &added, &total, NULL, NULL, &d),
			 0);
	assert_int_equal(added, 1);
	assert_int_equal(total, 4);
	char *x = file_text(path("o1.jsonl")), *y = file_text(path("t2.jsonl"));
	assert_string_equal(x, y);
	free(x);
	free(y);
}

#define NAMED(name, id)                                                        \
	"{\"schema\":\"cstat-run/1\",\"name\":\"" name "\"" id                 \
	",\"created\":\"2026-03-01T00:00:00Z\",\"groups\":[]}\n"

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Merges theirs into ours (two new files) and returns ours' text. */
static char *
merged(const char *name, const char *ours, const char *theirs, size_t *added,
       int want)
{
	char a[64], b[64];
	struct cstat_diag d;
	size_t total;

	snprintf(a, sizeof(a), "%s-a.jsonl", name);
	snprintf(b, sizeof(b), "%s-b.jsonl", name);
	write_file(path(a), ours);
	write_file(path(b), theirs);
	assert_int_equal(cstat_history_merge(path(a), path(b), added, &total,
					     NULL, NULL, &d),
			 want);
	return file_text(path(a));
}

/*
 * Records created at one time order by id, derived ids hashed only for
 * them: the expected order is by the SHA-256 of each record's bytes (its
 * first 16 bytes in hex after "h-", by sha256sum: a 251fcb6a..., b
 * 9a33e784..., c b0fa45a6...), with the own id "h-5" between a and b.
 * Either way round, the same bytes.
 */
static void
test_merge_ties(void **state)
{
	const char *a = NAMED("a", ""), *b = NAMED("b", "");
	const char *c = NAMED("c", ""), *h5 = NAMED("x", ",\"id\":\"h-5\"");
	char ours[1024], theirs[1024], want[1024];
	size_t added;

	(void)state;
	snprintf(ours, sizeof(ours), "%s%s", c, b);
	snprintf(theirs, sizeof(theirs), "%s%s%s", h5, a, c);
	snprintf(want, sizeof(want), "%s%s%s%s", a, h5, b, c);
	char *x = merged("t1", ours, theirs, &added, 0);
	assert_string_equal(x, want);
	assert_int_equal(added, 2);
	free(x);
	x = merged("t2", theirs, ours, &added, 0);
	assert_string_equal(x, want);
	assert_int_equal(added, 1);
	free(x);
}

/*
 * Records without ids are known by their bytes: the same bytes twice in
 * theirs and once in ours are one record; a byte more is another.  An
 * own id that reads like a derived one is that record's (as the hash
 * always knew it): a's derived id, from test_merge_ties().
 */
static void
test_merge_same_bytes(void **state)
{
	const char *a = NAMED("a", ""), *b = NAMED("b", "");
	const char *b2 = NAMED("b ", "");
	const char *ha =
		NAMED("a", ",\"id\":\"h-251fcb6a0a2ef492dd106fe465b4ac85\"");
	char ours[1024], theirs[1024];
	size_t added;

	(void)state;
	snprintf(ours, sizeof(ours), "%s%s", a, b);
	snprintf(theirs, sizeof(theirs), "%s%s%s%s", b, a, b, b2);
	char *x = merged("s1", ours, theirs, &added, 0);
	assert_int_equal(added, 1);
	assert_int_equal(count_lines(x), 3);
	assert_non_null(strstr(x, b2));
	free(x);
	x = merged("s2", ours, ours, &added, 0);
	assert_string_equal(x, ours);
	assert_int_equal(added, 0);
	free(x);
	/* ha's bytes are the greater: they stay, for a's id. */
	snprintf(theirs, sizeof(theirs), "%s", ha);
	x = merged("s3", ours, theirs, &added, 0);
	assert_int_equal(added, 0);
	assert_int_equal(count_lines(x), 2);
	assert_non_null(strstr(x, "h-251f"));
	free(x);
}

/*
 * The other history's records are scanned, and read as runs only when
 * the merge takes something new from them: a bad record in the middle
 * is refused at its line (before a later unknown schema, as when every
 * record was read), nothing written; a lesser copy of one of ours, which
 * the merge drops, is not read.
 */
static void
test_merge_bad_middle(void **state)
{
	const char *good = REC(",\"id\":\"g\"", "2026-04-01T00:00:00Z");
	const char *bad = "{\"schema\":\"cstat-run/1\",\"id\":\"n\","
			  "\"groups\":[{\"config\":[],\"benchmarks\":[{"
			  "\"name\":\"B\",\"units\":[{\"unit\":\"ns/op\","
			  "\"values\":[\"x\"]}]}]}]}\n";
	const char *newer = "{\"schema\":\"cstat-run/2\",\"groups\":[]}\n";
	const char *ours = "{\"schema\":\"cstat-run/1\",\"id\":\"n\","
			   "\"name\":\"z\",\"groups\":[]}\n";
	char theirs[1024];
	struct cstat_diag d;
	size_t added, total;

	(void)state;
	snprintf(theirs, sizeof(theirs), "%s%s%s%s", good, bad, good, newer);
	write_file(path("b1-a.jsonl"), good);
	write_file(path("b1-b.jsonl"), theirs);
	assert_int_equal(cstat_history_merge(path("b1-a.jsonl"),
					     path("b1-b.jsonl"), &added, &total,
					     NULL, NULL, &d),
			 CSTAT_EFORMAT);
	assert_int_equal(d.line, 2);
	assert_non_null(strstr(d.message, "values must be numbers"));
	char *x = file_text(path("b1-a.jsonl"));
	assert_string_equal(x, good);
	free(x);
	/* Without the bad record: the unknown schema at line 3. */
	snprintf(theirs, sizeof(theirs), "%s%s%s", good, good, newer);
	write_file(path("b1-b.jsonl"), theirs);
	assert_int_equal(cstat_history_merge(path("b1-a.jsonl"),
					     path("b1-b.jsonl"), &added, &total,
					     NULL, NULL, &d),
			 CSTAT_EFORMAT);
	assert_int_equal(d.line, 3);
	assert_non_null(strstr(d.message, "newer"));
	/* Ours has n with the greater bytes ("name" after "groups"): bad
	 * is the copy dropped, never read. */
	assert_true(strcmp(ours, bad) > 0);
	snprintf(theirs, sizeof(theirs), "%s%s", bad, good);
	x = merged("b2", ours, theirs, &added, 0);
	assert_int_equal(added, 1);
	assert_null(strstr(x, "\"x\""));
	free(x);
}

/* Of two baselines the newer stays, whichever way round; equal times go
 * to the greater id. */
static void
test_merge_baselines(void **state)
{
	const char *older = REC(",\"id\":\"zz\"", "2026-01-01T08:00:00Z");
	const char *newer = REC(",\"id\":\"aa\"", "2026-01-01T08:00:00.1Z");
	struct cstat_diag d;
	bool replaced;

	(void)state;
	write_file(path("b1.json"), older);
	write_file(path("b2.json"), newer);
	write_file(path("b3.json"), newer);
	write_file(path("b4.json"), older);
	assert_int_equal(cstat_baseline_merge(path("b1.json"), path("b2.json"),
					      &replaced, &d),
			 0);
	assert_true(replaced);
	assert_int_equal(cstat_baseline_merge(path("b3.json"), path("b4.json"),
					      &replaced, &d),
			 0);
	assert_false(replaced);
	char *x = file_text(path("b1.json")), *y = file_text(path("b3.json"));
	assert_string_equal(x, newer);
	assert_string_equal(y, newer);
	free(x);
	free(y);
	const char *tie = REC(",\"id\":\"ab\"", "2026-01-01T08:00:00.100Z");
	write_file(path("b5.json"), tie);
	assert_int_equal(cstat_baseline_merge(path("b1.json"), path("b5.json"),
					      &replaced, &d),
			 0);
	assert_true(replaced);
	assert_int_equal(cstat_baseline_merge(path("b5.json"), path("b3.json"),
					      &replaced, &d),
			 0);
	assert_false(replaced);
	/* A missing baseline is made; an unreadable one is not replaced. */
	assert_int_equal(cstat_baseline_merge(path("b6.json"), path("b5.json"),
					      &replaced, &d),
			 0);
	assert_true(replaced);
	write_file(path("b7.json"), "{\"schema\":\"cstat-run/9\"}\n");
	assert_int_equal(cstat_baseline_merge(path("b7.json"), path("b5.json"),
					      &replaced, &d),
			 CSTAT_EFORMAT);
	assert_false(replaced);
	x = file_text(path("b7.json"));
	assert_string_equal(x, "{\"schema\":\"cstat-run/9\"}\n");
	free(x);
}

/* Histories of run_of() texts a and b, built; *rc and d what it gave. */
static cstat_tables *
history_of(const char *a, const char *b, int *rc, struct cstat_diag *d)
{
	cstat_run *runs[2] = {run_of(a), run_of(b)};
	cstat_tables *t = NULL;

	*rc = cstat_history_build(runs, 2, NULL, 0.95, &t, d);
	cstat_run_free(runs[0]);
	cstat_run_free(runs[1]);
	return t;
}

/*
 * A history's runs hand their Unit metadata to the build: runs that agree
 * build, and assume=exact reaches the cells (two equal values: "± 0%",
 * where without it two values are too few for an interval, "± ∞", as
 * cstat prints the same inputs); a run that gives a unit another value is
 * refused, naming the run (not a file of the reader's: that name was once freed
 * before the caller printed it).
 */
static void
test_history_unit_metadata(void **state)
{
	const char *exact = "Unit ns/op assume=exact\n"
			    "BenchmarkA 1 10 ns/op\nBenchmarkA 1 10 ns/op\n";
	const char *other = "Unit ns/op assume=nothing\n"
			    "BenchmarkA 1 12 ns/op\nBenchmarkA 1 13 ns/op\n";
	const char *plain = "BenchmarkA 1 10 ns/op\nBenchmarkA 1 10 ns/op\n";
	struct cstat_diag d = {0};
	char *text = NULL;
	size_t len = 0;
	int rc;

	(void)state;
	cstat_tables *t = history_of(exact, exact, &rc, &d);
	assert_int_equal(rc, 0);
	FILE *f = open_memstream(&text, &len);
	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_TEXT, f, NULL), 0);
	fclose(f);
	assert_null(strstr(text, "∞"));
	free(text);
	cstat_tables_free(t);
	t = history_of(plain, plain, &rc, &d);
	assert_int_equal(rc, 0);
	text = NULL;
	f = open_memstream(&text, &len);
	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_TEXT, f, NULL), 0);
	fclose(f);
	assert_non_null(strstr(text, "∞"));
	free(text);
	cstat_tables_free(t);
	t = history_of(exact, other, &rc, &d);
	assert_null(t);
	assert_int_equal(rc, CSTAT_EFORMAT);
	assert_null(d.file);
	assert_string_equal(d.message, "run 2: metadata assume of unit sec/op "
				       "already set to exact");
}

/* ---------------------------------------------------------------------- */
/*
 * The store API (cstat_store_*) on the two stores: a store directory, and
 * the PostgreSQL database of CSTAT_TEST_PG (tests/pgcluster.py starts a
 * private cluster for the `postgresql` suite; without it those cases are
 * skipped).  Each case has a project of its own in the database.
 */

/* The location of store kind ('d' a directory, 'p' the database), or
 * skips the case. */
static const char *
location(char kind, const char *sub)
{
	if (kind == 'p') {
		const char *pg = getenv("CSTAT_TEST_PG");
		if (!pg || !*pg)
			skip();
		return pg;
	}
	return path(sub);
}

/* Opens sub's store of kind (its own project in the database): 0 or
 * the error, d saying why.  Asserts nothing (forked children use it). */
static int
open_kind(cstat_store **s, const char *loc, const char *sub,
	  struct cstat_diag *d)
{
	char project[64];

	snprintf(project, sizeof(project), "%s-%ld", sub, (long)test_pid);
	return cstat_store_open(s, loc, project, d);
}

static cstat_store *
store_of(char kind, const char *sub)
{
	cstat_store *s;
	struct cstat_diag d;

	if (open_kind(&s, location(kind, sub), sub, &d))
		fail_msg("open %s: %s", sub, d.message);
	return s;
}

/* run's history line (no newline) or baseline file (pretty). */
static char *
line_of(const cstat_run *run, bool pretty, size_t *len)
{
	char *mem = NULL;
	size_t mlen = 0;
	FILE *f = open_memstream(&mem, &mlen);

	assert_int_equal(cstat_run_write(run, pretty, f), 0);
	fclose(f);
	while (!pretty && mlen && mem[mlen - 1] == '\n')
		mem[--mlen] = '\0';
	*len = mlen;
	return mem;
}

/* A baseline and a history through the API: the bytes saved are the
 * bytes read back (what a store directory's files hold), and read back
 * they give the original's tables (as test_round_trip on files). */
/* The same string, or both NULL. */
static void
same_or_null(const char *a, const char *b)
{
	if (a || b) {
		assert_non_null(a);
		assert_non_null(b);
		assert_string_equal(a, b);
	}
}

/*
 * A directory's list reads each file (CSTAT_ESTATE: the store cannot
 * describe); a database describes baseline "b" and history "h" (kind
 * 'p') as list reads their files, api-b.json and api-h.jsonl.
 */
static void
describe_as_files(cstat_store *s, char kind)
{
	struct cstat_store_entry *e;
	struct cstat_diag d;
	cstat_run *b, **h;
	size_t n, nh;

	assert_int_equal(cstat_store_describe(s, "runs", &e, &n, &d),
			 CSTAT_EINVAL);
	if (kind != 'p') {
		assert_int_equal(cstat_store_describe(s, "history", &e, &n, &d),
				 CSTAT_ESTATE);
		assert_null(e);
		return;
	}
	assert_int_equal(cstat_run_load(&b, path("api-b.json"), &d), 0);
	assert_int_equal(cstat_store_describe(s, "baseline", &e, &n, &d), 0);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].name, "b");
	assert_int_equal(e[0].count, cstat_run_count(b));
	assert_true(e[0].count > 0);
	same_or_null(e[0].created, cstat_run_get(b, "created"));
	same_or_null(e[0].commit, cstat_run_get(b, "commit"));
	assert_null(e[0].error);
	cstat_store_entries_free(e, n);
	cstat_run_free(b);
	assert_int_equal(cstat_history_load(path("api-h.jsonl"), &h, &nh, NULL,
					    NULL, &d),
			 0);
	assert_int_equal(cstat_store_describe(s, "history", &e, &n, &d), 0);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].name, "h");
	assert_int_equal(e[0].count, 3);
	assert_int_equal(nh, 3);
	same_or_null(e[0].created, cstat_run_get(h[2], "created"));
	assert_null(e[0].commit);
	assert_null(e[0].error);
	cstat_store_entries_free(e, n);
	cstat_history_free(h, nh);
}

static void
api_round_trip(char kind)
{
	cstat_store *s = store_of(kind, "api-rt");
	cstat_run *run = run_of(old_txt);
	struct cstat_diag d;
	char *text, *got, line[3][8192], all[3 * 8192 + 3] = "";
	size_t len, glen;

	assert_int_equal(cstat_run_set(run, "commit", "abc"), 0);
	text = line_of(run, true, &len);
	assert_int_equal(cstat_store_baseline_save(s, "b", text, len, &d), 0);
	assert_int_equal(cstat_store_baseline_load(s, "b", &got, &glen, &d), 0);
	assert_int_equal(glen, len);
	assert_memory_equal(got, text, len);
	write_file(path("api-b.json"), got);
	char *want = tables_of(NULL, old_txt), *back;
	back = tables_of(path("api-b.json"), NULL);
	assert_string_equal(back, want);
	free(back);
	free(got);
	free(text);
	/* Three runs, each a line; a history as an input is its last. */
	for (int i = 0; i < 3; i++) {
		char tag[16];
		cstat_run *r = run_of(old_txt);
		snprintf(tag, sizeof(tag), "c%d", i);
		assert_int_equal(cstat_run_set(r, "commit", tag), 0);
		text = line_of(r, false, &len);
		assert_true(len < sizeof(line[i]));
		memcpy(line[i], text, len + 1);
		bool added = false;
		assert_int_equal(
			cstat_store_record(s, "h", text, len, &added, &d), 0);
		assert_true(added);
		/* The same run again is stored once. */
		assert_int_equal(
			cstat_store_record(s, "h", text, len, &added, &d), 0);
		assert_false(added);
		strcat(strcat(all, line[i]), "\n");
		free(text);
		cstat_run_free(r);
	}
	assert_int_equal(cstat_store_history(s, "h", &got, &glen, &d), 0);
	assert_string_equal(got, all);
	write_file(path("api-h.jsonl"), got);
	free(got);
	/* The last runs, for gate: a database reads those alone, a
	 * directory hands back its file (the reader reads its end). */
	assert_int_equal(cstat_store_history_tail(s, "h", 2, &got, &glen, &d),
			 0);
	assert_string_equal(got, kind == 'p' ? all + strlen(line[0]) + 1 : all);
	assert_int_equal(glen, strlen(got));
	free(got);
	assert_int_equal(cstat_store_history_tail(s, "h", 5, &got, &glen, &d),
			 0);
	assert_string_equal(got, all);
	free(got);
	assert_int_equal(
		cstat_store_history_tail(s, "none", 2, &got, &glen, &d),
		CSTAT_ENOENT);
	assert_int_equal(cstat_store_history_tail(s, "h", 0, &got, &glen, &d),
			 CSTAT_EINVAL);
	back = tables_of(path("api-h.jsonl"), NULL);
	assert_string_equal(back, want);
	free(back);
	free(want);
	char **names;
	size_t n;
	assert_int_equal(cstat_store_names(s, "history", &names, &n, &d), 0);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "h");
	free(names[0]);
	free(names);
	describe_as_files(s, kind);
	/* Pruning keeps the last two; replacing puts back the first. */
	size_t removed;
	assert_int_equal(cstat_store_prune(s, "h", 2, &removed, &d), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(cstat_store_history(s, "h", &got, &glen, &d), 0);
	assert_string_equal(got, all + strlen(line[0]) + 1);
	free(got);
	snprintf(all, sizeof(all), "%s\n", line[0]);
	assert_int_equal(cstat_store_replace(s, "h", all, strlen(all), &d), 0);
	assert_int_equal(cstat_store_history(s, "h", &got, &glen, &d), 0);
	assert_string_equal(got, all);
	free(got);
	/* Merging the three lines in adds the two it lacks, once. */
	size_t added, total;
	for (int i = 0; i < 3; i++)
		strcat(strcat(all, line[i]), "\n");
	const char *three = all + strlen(line[0]) + 1;
	const char *newer = "{\"schema\":\"cstat-run/9\",\"groups\":[]}\n";
	assert_int_equal(cstat_store_merge(s, "h", three, strlen(three), &added,
					   &total, &d),
			 0);
	assert_int_equal(added, 2);
	assert_int_equal(total, 3);
	assert_int_equal(cstat_store_merge(s, "h", three, strlen(three), &added,
					   &total, &d),
			 0);
	assert_int_equal(added, 0);
	assert_int_equal(total, 3);
	assert_int_equal(cstat_store_merge(s, "h", newer, strlen(newer), &added,
					   &total, &d),
			 CSTAT_EFORMAT);
	assert_int_equal(cstat_store_history(s, "h", &got, &glen, &d), 0);
	assert_int_equal(glen, strlen(three));
	free(got);
	assert_int_equal(cstat_store_baseline_remove(s, "b", &d), 0);
	assert_int_equal(cstat_store_baseline_load(s, "b", &got, &glen, &d),
			 CSTAT_ENOENT);
	assert_int_equal(cstat_store_baseline_remove(s, "b", &d), CSTAT_ENOENT);
	cstat_run_free(run);
	cstat_store_close(s);
}

static void
test_api_round_trip_dir(void **state)
{
	(void)state;
	api_round_trip('d');
}

static void
test_api_round_trip_pg(void **state)
{
	(void)state;
	api_round_trip('p');
}

/* The cached copy of history name in folder folder is the store's
 * history, byte for byte. */
static void
copy_is_history(cstat_store *s, const char *folder, const char *name)
{
	struct cstat_diag d;
	char file[400], *want, *got;
	size_t wlen, glen;

	snprintf(file, sizeof(file), "%s/history/%s.jsonl", folder, name);
	assert_int_equal(cstat_store_history(s, name, &want, &wlen, &d), 0);
	got = slurp(file, &glen);
	assert_non_null(got);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	free(got);
	free(want);
}

/* Records the run of Go text text as run i of history name (its
 * commit "cI"). */
static void
record_text(cstat_store *s, const char *name, const char *text, int i)
{
	struct cstat_diag d;
	char tag[16];
	size_t len;
	cstat_run *r = run_of(text);

	snprintf(tag, sizeof(tag), "c%d", i);
	assert_int_equal(cstat_run_set(r, "commit", tag), 0);
	char *line = line_of(r, false, &len);
	assert_int_equal(cstat_store_record(s, name, line, len, NULL, &d), 0);
	free(line);
	cstat_run_free(r);
}

/* Records run i of history name (its commit "cI"): old_txt's run. */
static void
record_nth(cstat_store *s, const char *name, int i)
{
	record_text(s, name, old_txt, i);
}

/*
 * cstat_store_history_cache(): a database's history copied whole, then
 * kept (a hit), appended to after a record, read again after a prune,
 * a replace, or a copy cut short; the copy is always the history's
 * bytes.  A directory cannot say which rows it holds (CSTAT_ESTATE).
 */
static void
api_cache(char kind)
{
	cstat_store *s = store_of(kind, "api-cache");
	struct cstat_diag d;
	enum cstat_cache_how how = CSTAT_CACHE_FETCHED;
	const char *folder =
		path(kind == 'p' ? "api-cache-copy-p" : "api-cache-copy-d");
	char file[400];
	int fd;

	assert_int_equal(mkdir(folder, 0700), 0);
	fd = open(folder, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(cstat_store_history_cache(s, "../x", fd, &how, &d),
			 CSTAT_EINVAL);
	if (kind == 'd') {
		record_nth(s, "hc", 0);
		assert_int_equal(
			cstat_store_history_cache(s, "hc", fd, &how, &d),
			CSTAT_ESTATE);
		close(fd);
		cstat_store_close(s);
		return;
	}
	assert_int_equal(cstat_store_history_cache(s, "hc", fd, &how, &d),
			 CSTAT_ENOENT);
	for (int i = 0; i < 3; i++)
		record_nth(s, "hc", i);
	assert_int_equal(cstat_store_history_cache(s, "hc", fd, &how, &d), 0);
	assert_int_equal(how, CSTAT_CACHE_FETCHED);
	copy_is_history(s, folder, "hc");
	assert_int_equal(cstat_store_history_cache(s, "hc", fd, &how, &d), 0);
	assert_int_equal(how, CSTAT_CACHE_HIT);
	record_nth(s, "hc", 3);
	record_nth(s, "hc", 4);
	assert_int_equal(cstat_store_history_cache(s, "hc", fd, &how, &d), 0);
	assert_int_equal(how, CSTAT_CACHE_APPENDED);
	copy_is_history(s, folder, "hc");
	assert_int_equal(cstat_store_prune(s, "hc", 3, NULL, &d), 0);
	assert_int_equal(cstat_store_history_cache(s, "hc", fd, &how, &d), 0);
	assert_int_equal(how, CSTAT_CACHE_FETCHED);
	copy_is_history(s, folder, "hc");
	/* A copy cut short is read again, never trusted. */
	snprintf(file, sizeof(file), "%s/history/hc.jsonl", folder);
	assert_int_equal(truncate(file, 10), 0);
	assert_int_equal(cstat_store_history_cache(s, "hc", fd, &how, &d), 0);
	assert_int_equal(how, CSTAT_CACHE_FETCHED);
	copy_is_history(s, folder, "hc");
	/* The same number of runs, rewritten: read again. */
	char *bytes;
	size_t len;
	assert_int_equal(cstat_store_history(s, "hc", &bytes, &len, &d), 0);
	assert_int_equal(cstat_store_replace(s, "hc", bytes, len, &d), 0);
	free(bytes);
	assert_int_equal(cstat_store_history_cache(s, "hc", fd, &how, &d), 0);
	assert_int_equal(how, CSTAT_CACHE_FETCHED);
	copy_is_history(s, folder, "hc");
	close(fd);
	cstat_store_close(s);
}

/* The cached copy of baseline name in folder is the store's, byte for
 * byte, or missing when the store has none. */
static void
copy_is_baseline(cstat_store *s, const char *folder, const char *name)
{
	struct cstat_diag d;
	char file[400], *want = NULL, *got;
	size_t wlen = 0, glen = 0;
	int rc = cstat_store_baseline_load(s, name, &want, &wlen, &d);

	snprintf(file, sizeof(file), "%s/baselines/%s.json", folder, name);
	if (rc == CSTAT_ENOENT) {
		assert_int_equal(access(file, F_OK), -1);
		return;
	}
	assert_int_equal(rc, 0);
	got = slurp(file, &glen);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	free(got);
	free(want);
}

/*
 * cstat_store_baseline_cache(): a baseline's copy written, replaced when
 * the baseline changes, removed when the store has none; never through a
 * symbolic link; a bad name refused.  Any kind of store.
 */
static void
api_baseline_cache(char kind)
{
	cstat_store *s = store_of(kind, "api-bcache");
	struct cstat_diag d;
	const char *folder =
		path(kind == 'p' ? "api-bcache-copy-p" : "api-bcache-copy-d");
	char file[400], link[400];
	int fd;

	assert_int_equal(mkdir(folder, 0700), 0);
	fd = open(folder, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_int_equal(cstat_store_baseline_cache(s, "../x", fd, &d),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_store_baseline_cache(s, "bc", fd, &d),
			 CSTAT_ENOENT);
	copy_is_baseline(s, folder, "bc");
	for (int i = 0; i < 2; i++) {
		cstat_run *r = run_of(old_txt);
		size_t len;
		char *text;
		/* The second save differs by its commit. */
		assert_int_equal(cstat_run_set(r, "commit", i ? "c1" : "c0"),
				 0);
		text = line_of(r, true, &len);
		assert_int_equal(
			cstat_store_baseline_save(s, "bc", text, len, &d), 0);
		assert_int_equal(cstat_store_baseline_cache(s, "bc", fd, &d),
				 0);
		copy_is_baseline(s, folder, "bc");
		free(text);
		cstat_run_free(r);
	}
	snprintf(file, sizeof(file), "%s/baselines/bc.json", folder);
	assert_int_equal(access(file, F_OK), 0);
	assert_int_equal(cstat_store_baseline_remove(s, "bc", &d), 0);
	assert_int_equal(cstat_store_baseline_cache(s, "bc", fd, &d),
			 CSTAT_ENOENT);
	assert_int_equal(access(file, F_OK), -1);
	/* baselines/ a link elsewhere: not followed, nothing written. */
	snprintf(link, sizeof(link), "%s/baselines", folder);
	assert_int_equal(rmdir(link), 0);
	assert_int_equal(symlink(path("."), link), 0);
	assert_int_equal(cstat_store_baseline_cache(s, "bc", fd, &d),
			 CSTAT_EIO);
	assert_non_null(strstr(d.message, "baselines' folder"));
	close(fd);
	cstat_store_close(s);
}

static void
test_api_baseline_cache_dir(void **state)
{
	(void)state;
	api_baseline_cache('d');
}

static void
test_api_baseline_cache_pg(void **state)
{
	(void)state;
	api_baseline_cache('p');
}

static void
test_api_cache_dir(void **state)
{
	(void)state;
	api_cache('d');
}

static void
test_api_cache_pg(void **state)
{
	(void)state;
	api_cache('p');
}

/* What the history commands print of runs and t, and every value of
 * every cell, as one string (malloc'd). */
static char *
tables_text(cstat_run *const *runs, size_t n, const cstat_tables *t)
{
	struct cstat_change *ch;
	size_t nch, len;
	char *buf;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cstat_history_changes(t, 0, 0.2, &ch, &nch), 0);
	assert_int_equal(
		cstat_history_write(runs, n, t, ch, nch, CSTAT_FORMAT_CSV, f),
		0);
	assert_int_equal(
		cstat_history_write(runs, n, t, ch, nch, CSTAT_FORMAT_JSON, f),
		0);
	for (size_t i = 0; i < cstat_tables_count(t); i++)
		for (size_t r = 0; r < cstat_table_rows(t, i); r++)
			for (size_t c = 0; c < cstat_table_cols(t, i); c++) {
				size_t nv = 0;
				const double *v = cstat_table_cell_values(
					t, i, r, c, &nv);
				for (size_t k = 0; k < nv; k++)
					fprintf(f, "%a ", v[k]);
				fputc('\n', f);
			}
	for (size_t k = 0; k < n; k++)
		fprintf(f, "%s %s\n", cstat_run_get(runs[k], "commit"),
			cstat_run_get(runs[k], "id"));
	fclose(f);
	free(ch);
	return buf;
}

/* The tables of benchmark Encode with filter through folder (status
 * *st) are those the store builds, whose text is returned. */
static char *
tables_as_built(cstat_store *s, const char *folder, int want)
{
	struct cstat_builder_opts o = CSTAT_BUILDER_OPTS_INIT;
	struct cstat_diag d;
	cstat_tables *t, *u;
	cstat_run **runs, **vruns;
	size_t n, vn;
	int st = 9;

	o.filter = ".name:Encode";
	assert_int_equal(cstat_store_history_tables_cached(s, "hj", "Encode",
							   &o, 0.95, folder, &t,
							   &runs, &n, &st, &d),
			 0);
	assert_int_equal(st, want);
	assert_int_equal(cstat_store_history_tables(s, "hj", "Encode", &o, 0.95,
						    &u, &vruns, &vn, &d),
			 0);
	char *got = tables_text(runs, n, t), *built = tables_text(vruns, vn, u);
	assert_string_equal(got, built);
	cstat_tables_free(t);
	cstat_tables_free(u);
	cstat_history_free(runs, n);
	cstat_history_free(vruns, vn);
	free(got);
	return built;
}

/*
 * cstat_store_history_tables_cached() on a database: built and kept
 * (status 0), read back (1), the runs recorded since joined to what was
 * kept (2), each time what the store builds; built again (0) when the
 * join could differ: a new configuration of the benchmark (a new row), a
 * new unit (a new table), new Unit metadata, a prune.
 */
static void
api_tables_join(char kind)
{
	cstat_store *s = store_of(kind, "api-join");
	const char *folder = path("api-join-snapshots");
	int k = 0;

	for (; k < 3; k++)
		record_nth(s, "hj", k);
	free(tables_as_built(s, folder, 0));
	free(tables_as_built(s, folder, 1));
	record_nth(s, "hj", k++);
	free(tables_as_built(s, folder, 2));
	record_nth(s, "hj", k++);
	record_nth(s, "hj", k++);
	char *text = tables_as_built(s, folder, 2);
	assert_non_null(strstr(text, "c5"));
	free(text);
	free(tables_as_built(s, folder, 1));
	/* Another benchmark: filtered out, joined. */
#define UNITS "Unit allocs/op assume=exact\npkg: example.com/a\n"
	record_text(s, "hj", UNITS "BenchmarkZip-8 1 3 ns/op 2 allocs/op\n",
		    k++);
	free(tables_as_built(s, folder, 2));
	static const char *const differ[] = {
		UNITS "BenchmarkEncode/x=2-8 1 5 ns/op\n",
		UNITS "BenchmarkEncode/x=1-8 1 5 ns/op 1 MB/s\n",
		"Unit allocs/op assume=exact\nUnit ns/op assume=exact\n"
		"pkg: example.com/a\nBenchmarkEncode/x=1-8 1 5 ns/op\n",
	};
#undef UNITS
	for (size_t i = 0; i < sizeof(differ) / sizeof(differ[0]); i++) {
		record_text(s, "hj", differ[i], k++);
		free(tables_as_built(s, folder, 0));
	}
	struct cstat_diag d;
	record_nth(s, "hj", k++);
	assert_int_equal(cstat_store_prune(s, "hj", 1, NULL, &d), 0);
	free(tables_as_built(s, folder, 0));
	record_nth(s, "hj", k++);
	free(tables_as_built(s, folder, 2));
	cstat_store_close(s);
}

static void
test_api_tables_join_pg(void **state)
{
	(void)state;
	api_tables_join('p');
}

/* What is not a run of our schema is refused, and nothing is stored
 * (test_refused on files); a missing one is CSTAT_ENOENT. */
static void
api_refused(char kind)
{
	cstat_store *s = store_of(kind, "api-refused");
	struct cstat_diag d;
	char *got;
	size_t len;
	static const char *const bad[] = {
		"{\"schema\":\"cstat-run/1\",\"groups\":[{\"con",
		"{\"schema\":\"cstat-run/9\",\"groups\":[]}",
		"{\"schema\":\"x\",\"groups\":[]}",
		"garbage",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&d, 0, sizeof(d));
		assert_int_equal(cstat_store_record(s, "h", bad[i],
						    strlen(bad[i]), NULL, &d),
				 CSTAT_EFORMAT);
		assert_true(d.message[0] != '\0');
	}
	assert_int_equal(
		cstat_store_record(s, "h", bad[1], strlen(bad[1]), NULL, &d),
		CSTAT_EFORMAT);
	assert_non_null(strstr(d.message, "newer"));
	int rc = cstat_store_history(s, "h", &got, &len, &d);
	assert_true(rc == CSTAT_ENOENT || (rc == 0 && len == 0));
	if (!rc)
		free(got);
	assert_int_equal(
		cstat_store_baseline_load(s, "missing", &got, &len, &d),
		CSTAT_ENOENT);
	assert_int_equal(cstat_store_history(s, "missing", &got, &len, &d),
			 CSTAT_ENOENT);
	assert_int_equal(cstat_store_record(s, "../x", "{}", 2, NULL, &d),
			 CSTAT_EINVAL);
	cstat_store_close(s);
}

static void
test_api_refused_dir(void **state)
{
	(void)state;
	api_refused('d');
}

static void
test_api_refused_pg(void **state)
{
	(void)state;
	api_refused('p');
}

/* A child of record_at_once(): waits for go[1] to close, records nrun
 * runs (ids "pP-K", or "same-K" when p < 0) and writes to told how many
 * it was told it added.  Its exit status: 0, or 1 on any failure. */
static int
record_child(const char *loc, const char *sub, cstat_run *run, int go[2],
	     int told, int p, int nrun)
{
	cstat_store *s;
	struct cstat_diag d;
	char tag[32], c;
	int bad = 0, added_n = 0;

	close(go[1]);
	bad |= read(go[0], &c, 1) != 0; /* returns at the close */
	if (open_kind(&s, loc, sub, &d))
		return 1;
	for (int i = 0; i < nrun && !bad; i++) {
		bool added = false;
		char *mem = NULL;
		size_t len = 0;
		if (p < 0)
			snprintf(tag, sizeof(tag), "same-%d", i);
		else
			snprintf(tag, sizeof(tag), "p%d-%d", p, i);
		bad |= cstat_run_set(run, "id", tag) ||
		       cstat_run_set(run, "commit", tag);
		FILE *f = open_memstream(&mem, &len);
		bad |= !f || cstat_run_write(run, false, f) != 0;
		if (f)
			fclose(f);
		while (len && mem[len - 1] == '\n')
			len--;
		bad |= cstat_store_record(s, "c", mem, len, &added, &d) != 0;
		added_n += added;
		free(mem);
	}
	bad |= write(told, &added_n, sizeof(added_n)) !=
	       (ssize_t)sizeof(added_n);
	cstat_store_close(s);
	return bad;
}

/*
 * nproc processes, each opening the store and recording nrun runs at
 * once; with same, every process records the same runs (ids "same-K", the
 * same bytes) in the same order, as a retried CI job would.  All start
 * together (a pipe each waits on).  Returns how many runs the processes
 * were told they added.
 */
static int
record_at_once(char kind, const char *sub, int nproc, int nrun, bool same)
{
	const char *loc = location(kind, sub);
	int go[2], told[2], total = 0;
	pid_t pids[16];
	cstat_run *run = run_of("BenchmarkA 1 5 ns/op\n");

	assert_true(nproc <= 16);
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(told), 0);
	for (int p = 0; p < nproc; p++) {
		pids[p] = fork();
		assert_true(pids[p] >= 0);
		if (pids[p] == 0) {
			int bad = record_child(loc, sub, run, go, told[1],
					       same ? -1 : p, nrun);
			cstat_run_free(run);
			_exit(bad);
		}
	}
	cstat_run_free(run);
	close(go[0]);
	close(go[1]); /* all go */
	close(told[1]);
	for (int p = 0; p < nproc; p++) {
		int status, k;
		assert_int_equal(waitpid(pids[p], &status, 0), pids[p]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		assert_int_equal(read(told[0], &k, sizeof(k)), sizeof(k));
		total += k;
	}
	close(told[0]);
	return total;
}

/* The history of sub's store (kind) in *got (the caller's to free), as
 * lines: their count in *n.  (Returned through the caller's pointer, not
 * a local's: GCC's -Wdangling-pointer took pointers into a returned
 * local that had been passed by address for pointers to that local.) */
static void
history_lines(char kind, const char *sub, char **got, size_t *n)
{
	cstat_store *s = store_of(kind, sub);
	struct cstat_diag d;
	size_t len;

	assert_int_equal(cstat_store_history(s, "c", got, &len, &d), 0);
	*n = 0;
	for (size_t i = 0; i < len; i++)
		*n += (*got)[i] == '\n';
	cstat_store_close(s);
}

/* 8 processes recording 25 runs each at once: all 200 land, each once
 * (test_concurrent_appends through the API). */
static void
api_concurrent(char kind)
{
	size_t n;

	assert_int_equal(record_at_once(kind, "api-conc", 8, 25, false), 200);
	char *got = NULL;
	history_lines(kind, "api-conc", &got, &n);
	assert_int_equal(n, 200);
	for (int p = 0; p < 8; p++)
		for (int i = 0; i < 25; i++) {
			char tag[48];
			snprintf(tag, sizeof(tag), "\"commit\":\"p%d-%d\"", p,
				 i);
			char *at = strstr(got, tag);
			assert_non_null(at);
			assert_null(strstr(at + 1, tag));
		}
	free(got);
}

static void
test_api_concurrent_dir(void **state)
{
	(void)state;
	api_concurrent('d');
}

static void
test_api_concurrent_pg(void **state)
{
	(void)state;
	api_concurrent('p');
}

/*
 * 8 processes recording the same 40 runs at once (a job retried while
 * the first attempt still runs): each run is stored once, and exactly one
 * process is told it added it.  A directory once looked for the run's id
 * before taking the append's lock, so two processes could both append it
 * (before the fix, each of 5 runs of this test failed in its first round:
 * 60 to 212 records of 40).
 */
static void
api_same_run(char kind)
{
	size_t n;

	for (int round = 0; round < 5; round++) {
		char sub[32];
		snprintf(sub, sizeof(sub), "api-same%d", round);
		int added = record_at_once(kind, sub, 8, 40, true);
		char *got = NULL;
		history_lines(kind, sub, &got, &n);
		free(got);
		if (n != 40 || added != 40)
			fail_msg("round %d: %zu records, %d told added, want "
				 "40",
				 round, n, added);
	}
}

static void
test_api_same_run_dir(void **state)
{
	(void)state;
	api_same_run('d');
}

static void
test_api_same_run_pg(void **state)
{
	(void)state;
	api_same_run('p');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_cut_short),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_concurrent_appends),
		cmocka_unit_test(test_environment),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_no_fixed_limits),
		cmocka_unit_test(test_created),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_run_text_block),
		cmocka_unit_test(test_runs_arena),
		cmocka_unit_test(test_merge_histories),
		cmocka_unit_test(test_merge_odd_records),
		cmocka_unit_test(test_merge_ties),
		cmocka_unit_test(test_merge_same_bytes),
		cmocka_unit_test(test_merge_bad_middle),
		cmocka_unit_test(test_merge_baselines),
		cmocka_unit_test(test_history_unit_metadata),
		cmocka_unit_test(test_api_round_trip_dir),
		cmocka_unit_test(test_api_round_trip_pg),
		cmocka_unit_test(test_api_refused_dir),
		cmocka_unit_test(test_api_refused_pg),
		cmocka_unit_test(test_api_concurrent_dir),
		cmocka_unit_test(test_api_concurrent_pg),
		cmocka_unit_test(test_api_same_run_dir),
		cmocka_unit_test(test_api_same_run_pg),
		cmocka_unit_test(test_api_cache_dir),
		cmocka_unit_test(test_api_cache_pg),
		cmocka_unit_test(test_api_tables_join_pg),
		cmocka_unit_test(test_api_baseline_cache_dir),
		cmocka_unit_test(test_api_baseline_cache_pg),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
