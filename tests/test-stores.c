/*
 * test-stores.c - the store family without a server: the file member
 * writes and reads the very files cbaseline's own functions write
 * (cstat_run_save(), cstat_run_append(), cstat_history_prune()) for the
 * same runs, refuses damaged records and keeps a run id once; locations
 * are printed without their password.  (The PostgreSQL member is tested
 * against a real server in test-store-postgresql.c.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cstat.h"
#include "testutil.h"

static char dir[256];

static const char *const texts[] = {
	"goos: linux\ncpu: X\nUnit allocs/op assume=exact\n"
	"BenchmarkA-8 1 10 ns/op 2 allocs/op\nBenchmarkA-8 1 11 ns/op 2 "
	"allocs/op\n",
	"goos: linux\npkg: b\nBenchmarkB 1 1.5e-7 ns/op\nBenchmarkB 1 7 "
	"MB/s\n",
	"BenchmarkA-8 1 12 ns/op\n",
};

static cstat_run *
run_of(const char *text, const char *created)
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
	assert_int_equal(cstat_run_set(run, "created", created), 0);
	assert_int_equal(cstat_run_set(run, "meta.k", "v \"q\""), 0);
	return run;
}

static void
assert_same_file(cstat_store *s, bool history, const char *name,
		 const char *path)
{
	struct cstat_diag d;
	char *want, *got;
	size_t wlen, glen;

	want = slurp(path, &wlen);
	if (history)
		assert_int_equal(cstat_store_history(s, name, &got, &glen, &d),
				 0);
	else
		assert_int_equal(
			cstat_store_baseline_load(s, name, &got, &glen, &d), 0);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	free(got);
	free(want);
}

/* The file member's files are cbaseline's, byte for byte. */
static void
test_file_member(void **state)
{
	char loc[300], ref[300], created[32], *text, **names;
	struct cstat_diag d;
	cstat_store *s;
	size_t len, n, removed;
	bool added;

	(void)state;
	snprintf(loc, sizeof(loc), "%s/store", dir);
	snprintf(ref, sizeof(ref), "%s/ref.jsonl", dir);
	assert_string_equal(cstat_store_scheme(loc), "file");
	assert_int_equal(cstat_store_open(&s, loc, "ignored", &d), 0);
	assert_int_equal(cstat_store_history(s, "main", &text, &len, &d),
			 CSTAT_ENOENT);
	for (int i = 0; i < 3; i++) {
		snprintf(created, sizeof(created), "2026-11-0%dT10:00:00Z",
			 i + 1);
		cstat_run *r = run_of(texts[i], created);
		assert_int_equal(cstat_run_append(r, ref, &d), 0);
		text = text_of(r, false, &len);
		assert_int_equal(
			cstat_store_record(s, "main", text, len, &added, &d),
			0);
		assert_true(added);
		/* The same run again: kept once. */
		assert_int_equal(
			cstat_store_record(s, "main", text, len, &added, &d),
			0);
		assert_false(added);
		free(text);
		if (i == 1) {
			char base[300];
			snprintf(base, sizeof(base), "%s/base.json", dir);
			assert_int_equal(cstat_run_save(r, base, &d), 0);
			text = text_of(r, true, &len);
			assert_int_equal(cstat_store_baseline_save(
						 s, "main", text, len, &d),
					 0);
			free(text);
			assert_same_file(s, false, "main", base);
		}
		cstat_run_free(r);
	}
	assert_same_file(s, true, "main", ref);
	/* A directory cannot select series: one benchmark's history is the
	 * whole history, which the reader's filter then narrows. */
	char *whole, *one;
	size_t wlen, olen;
	assert_int_equal(cstat_store_history(s, "main", &whole, &wlen, &d), 0);
	assert_int_equal(cstat_store_history_series(s, "main", "Encode", &one,
						    &olen, &d),
			 0);
	assert_int_equal(olen, wlen);
	assert_memory_equal(one, whole, wlen);
	free(one);
	free(whole);
	assert_int_equal(
		cstat_store_history_series(s, "main", "", &one, &olen, &d),
		CSTAT_EINVAL);
	/* A damaged record or baseline is refused; nothing changes. */
	assert_int_equal(
		cstat_store_record(s, "main", "{\"schema\":1}", 12, NULL, &d),
		CSTAT_EFORMAT);
	assert_int_equal(cstat_store_baseline_save(s, "x", "[", 1, &d),
			 CSTAT_EFORMAT);
	assert_same_file(s, true, "main", ref);
	assert_int_equal(cstat_store_names(s, "baseline", &names, &n, &d), 0);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "main");
	free(names[0]);
	free(names);
	/* Replace (what a merge writes), then prune as cstat's prune. */
	text = slurp(ref, &len);
	assert_int_equal(cstat_store_replace(s, "copy", text, len, &d), 0);
	free(text);
	assert_same_file(s, true, "copy", ref);
	assert_int_equal(cstat_history_prune(ref, 1, &removed, &d), 0);
	assert_int_equal(cstat_store_prune(s, "copy", 1, &removed, &d), 0);
	assert_int_equal(removed, 2);
	assert_same_file(s, true, "copy", ref);
	assert_int_equal(cstat_store_names(s, "history", &names, &n, &d), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "copy");
	assert_string_equal(names[1], "main");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	assert_int_equal(cstat_store_baseline_remove(s, "main", &d), 0);
	assert_int_equal(cstat_store_baseline_remove(s, "main", &d),
			 CSTAT_ENOENT);
	cstat_store_close(s);
}

/* Locations as printed: never a password. */
static void
test_redact(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"postgresql://u:s3cret@db.example:5432/bench?sslmode=require",
		 "postgresql://u@db.example:5432/bench?sslmode=require"},
		{"postgres://u:s3cret@h1,h2/db?password=s3cret&x=1",
		 "postgres://u@h1,h2/db?x=1"},
		{"host=h password=s3cret dbname=db", "host=h dbname=db"},
		{"host=h password = 's3 cr\\'et' dbname=db",
		 "host=h dbname=db"},
		{"/srv/store", "/srv/store"},
	};
	char buf[256], small[8];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cstat_store_redact(cases[i].in, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].out);
	}
	cstat_store_redact("postgresql://u:s3cret@h/db", small, sizeof(small));
	assert_string_equal(small, "postgre"); /* truncated */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_member),
		cmocka_unit_test(test_redact),
	};

	snprintf(dir, sizeof(dir), "/tmp/cstat-test-stores-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
