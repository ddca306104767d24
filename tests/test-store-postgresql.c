/*
 * test-store-postgresql.c - the PostgreSQL store against a real server
 * (tests/pgcluster.py starts a private one and passes its connection
 * strings in CSTAT_TEST_PG, CSTAT_TEST_PG_RUNNER, CSTAT_TEST_PG_URI):
 * the schema made, kept and a newer one refused; baselines and histories
 * hand back the very bytes the file store writes for the same runs, and
 * one benchmark's tables built by the store the ones the file store's
 * reader makes of its records; a
 * retried run is stored once; projects are kept apart; the least-privilege
 * role of docs/cbaseline.md records and reads but removes nothing; no
 * password appears in any message.
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
#include <libpq-fe.h>

#include "cstat.h"
#include "testutil.h"

static const char *owner, *runner, *runner_uri, *testdata;
static char dir[256];

/* Runs sql as the owner, failing the test unless it succeeds. */
static void
sql(const char *text)
{
	PGconn *c = PQconnectdb(owner);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *res = PQexec(c, text);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fail_msg("%s: %s", text, PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(c);
}

/* The one number sql gives, as the owner. */
static long
count(const char *text)
{
	PGconn *c = PQconnectdb(owner);
	PGresult *res = PQexec(c, text);
	assert_int_equal(PQresultStatus(res), PGRES_TUPLES_OK);
	long n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	PQfinish(c);
	return n;
}

/* list's description of history name (cstat_store_describe()) is the
 * history file's: its runs and its last run's "created"
 * (cstat_history_load(), what list reads on a store directory). */
static void
describe_as_file(cstat_store *s, const char *name, const char *file)
{
	struct cstat_store_entry *e;
	struct cstat_diag d;
	cstat_run **runs;
	size_t n, nr;
	const struct cstat_store_entry *x = NULL;

	assert_int_equal(cstat_history_load(file, &runs, &nr, NULL, NULL, &d),
			 0);
	assert_int_equal(cstat_store_describe(s, "history", &e, &n, &d), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].name, name) == 0)
			x = &e[i];
	assert_non_null(x);
	assert_string_equal(x->kind, "history");
	assert_int_equal(x->count, nr);
	assert_true(nr > 0);
	const char *c = cstat_run_get(runs[nr - 1], "created");
	assert_non_null(c);
	assert_non_null(x->created);
	assert_string_equal(x->created, c);
	assert_null(x->commit);
	assert_null(x->error);
	cstat_store_entries_free(e, n);
	cstat_history_free(runs, nr);
}

static cstat_store *
open_store(const char *location, const char *project)
{
	cstat_store *s;
	struct cstat_diag d;
	int rc = cstat_store_open(&s, location, project, &d);
	if (rc)
		fail_msg("open: %s", d.message);
	return s;
}

/* A run of the results file at path, created at. */
static cstat_run *
run_at(const char *path, const char *created)
{
	cstat_reader *r;
	cstat_run *run;
	const struct cstat_result *res;
	struct cstat_diag d;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_run_new(&run), 0);
	assert_int_equal(cstat_reader_open(r, path, "x", &d), 0);
	while (cstat_reader_next(r, &res, &d) == 1)
		assert_int_equal(cstat_run_add(run, res, r), 0);
	cstat_reader_free(r);
	assert_true(cstat_run_count(run) > 0);
	assert_int_equal(cstat_run_set(run, "name", "main"), 0);
	assert_int_equal(cstat_run_set(run, "created", created), 0);
	assert_int_equal(cstat_run_set(run, "commit", "abc123"), 0);
	assert_int_equal(cstat_run_set(run, "meta.runner", "ci-7"), 0);
	return run;
}

/* A run of testdata file rel (a path under testdata), created at. */
static cstat_run *
run_of(const char *rel, const char *created)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", testdata, rel);
	return run_at(path, created);
}

/* The run's record: pretty (a baseline file's bytes) or one line. */
static int
save(cstat_store *s, const char *name, const cstat_run *r, struct cstat_diag *d)
{
	size_t len;
	char *text = text_of(r, true, &len);
	int rc = cstat_store_baseline_save(s, name, text, len, d);

	free(text);
	return rc;
}

static int
record(cstat_store *s, const char *name, const cstat_run *r, bool *added,
       struct cstat_diag *d)
{
	size_t len;
	char *text = text_of(r, false, &len);
	int rc = cstat_store_record(s, name, text, len, added, d);

	free(text);
	return rc;
}

/* A fresh database gets schema version 5 (migrations[]'s length); opening again
 * changes nothing; a newer version is refused, saying so, and left alone. */
static void
test_schema(void **state)
{
	cstat_store *s;
	struct cstat_diag d;

	(void)state;
	cstat_store_close(open_store(owner, NULL));
	assert_int_equal(count("SELECT max(version) FROM cstat_schema_version"),
			 5);
	cstat_store_close(open_store(owner, NULL));
	assert_int_equal(count("SELECT count(*) FROM cstat_schema_version"), 5);
	sql("INSERT INTO cstat_schema_version (version) VALUES (99)");
	assert_int_equal(cstat_store_open(&s, owner, NULL, &d), CSTAT_EFORMAT);
	assert_null(s);
	assert_non_null(strstr(d.message, "version 99, newer than this "
					  "cbaseline knows (5)"));
	assert_int_equal(count("SELECT max(version) FROM cstat_schema_version"),
			 99);
	sql("DELETE FROM cstat_schema_version WHERE version = 99");
}

/* Save, load, list, replace, remove: the bytes are cstat_run_save()'s. */
static void
test_baselines(void **state)
{
	cstat_store *s = open_store(owner, "baselines");
	cstat_run *a = run_of("examples/old.txt", "2026-11-01T10:00:00Z");
	cstat_run *b = run_of("examples/new.txt", "2026-11-02T10:00:00Z");
	struct cstat_diag d;
	char file[300], *want, *got, **names;
	size_t wlen, glen, n;

	(void)state;
	snprintf(file, sizeof(file), "%s/b.json", dir);
	assert_int_equal(save(s, "main", a, &d), 0);
	assert_int_equal(save(s, "next", a, &d), 0);
	assert_int_equal(save(s, "main", b, &d), 0);
	assert_int_equal(cstat_run_save(b, file, &d), 0);
	want = slurp(file, &wlen);
	assert_int_equal(cstat_store_baseline_load(s, "main", &got, &glen, &d),
			 0);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	free(got);
	free(want);
	assert_int_equal(cstat_store_names(s, "baseline", &names, &n, &d), 0);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "main");
	assert_string_equal(names[1], "next");
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	assert_int_equal(cstat_store_baseline_remove(s, "next", &d), 0);
	assert_int_equal(cstat_store_baseline_remove(s, "next", &d),
			 CSTAT_ENOENT);
	assert_int_equal(cstat_store_baseline_load(s, "next", &got, &glen, &d),
			 CSTAT_ENOENT);
	assert_string_equal(d.message, "no baseline next");
	/* A name no store directory could hold is refused. */
	assert_int_equal(save(s, "../x", a, &d), CSTAT_EINVAL);
	assert_int_equal(save(s, ".hidden", a, &d), CSTAT_EINVAL);
	assert_int_equal(record(s, "a b", a, NULL, &d), CSTAT_EINVAL);
	cstat_run_free(a);
	cstat_run_free(b);
	cstat_store_close(s);
}

/* Runs recorded to PostgreSQL read back as the bytes cstat_run_append()
 * writes to a history file for the same runs, in the same order; a run
 * recorded again is stored once; the values land per series. */
static void
test_history_bytes(void **state)
{
	static const char *const inputs[] = {
		"examples/old.txt", "examples/new.txt",
		"conformance/doc-01/old.txt",
		"inputs/gbench/googlebench_test1_run1.json",
		"examples/old.txt"};
	cstat_store *s = open_store(owner, "history");
	struct cstat_diag d;
	char file[300], created[32], *want, *got;
	size_t wlen, glen, nvalues = 0;
	bool added;

	(void)state;
	snprintf(file, sizeof(file), "%s/h.jsonl", dir);
	for (int i = 0; i < 5; i++) {
		snprintf(created, sizeof(created), "2026-11-0%dT10:00:00Z",
			 i + 1);
		cstat_run *r = run_of(inputs[i], created);
		assert_int_equal(cstat_run_append(r, file, &d), 0);
		assert_int_equal(record(s, "main", r, &added, &d), 0);
		assert_true(added);
		nvalues += cstat_run_count(r);
		if (i == 2) { /* a retry of the same run id */
			assert_int_equal(record(s, "main", r, &added, &d), 0);
			assert_false(added);
		}
		cstat_run_free(r);
	}
	want = slurp(file, &wlen);
	assert_int_equal(cstat_store_history(s, "main", &got, &glen, &d), 0);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	assert_int_equal(count("SELECT count(*) FROM cstat_runs r JOIN "
			       "cstat_histories h ON h.id = r.history_id JOIN "
			       "cstat_projects p ON p.id = h.project_id "
			       "WHERE p.name = 'history'"),
			 5);
	/* Every value is in the series tables too. */
	assert_int_equal(
		count("SELECT sum(cardinality(v.vals)) FROM cstat_values v "
		      "JOIN cstat_series s ON s.id = v.series_id JOIN "
		      "cstat_histories h ON h.id = s.history_id JOIN "
		      "cstat_projects p ON p.id = h.project_id "
		      "WHERE p.name = 'history'"),
		(long)nvalues);
	/* One benchmark from the series tables: every run, a run without
	 * it (googlebench's, the 4th) with no groups. */
	free(got);
	assert_int_equal(cstat_store_history_series(s, "main", "Encode", &got,
						    &glen, &d),
			 0);
	size_t lines = 0;
	for (size_t i = 0; i < glen; i++)
		lines += got[i] == '\n';
	assert_int_equal(lines, 5);
	assert_non_null(strstr(got, "\"Encode/format=json-48\""));
	/* A value cJSON would print in 15 digits (a neighbouring double) is
	 * stored exactly (examples/old.txt's gob run, as its history file
	 * has it). */
	assert_non_null(strstr(got, "3.0640000000000002e-06"));
	char *fourth = got;
	for (int k = 0; k < 3; k++)
		fourth = strchr(fourth, '\n') + 1;
	assert_non_null(strstr(fourth, "\"groups\":[]"));
	assert_true(strstr(fourth, "\"groups\":[]") < strchr(fourth, '\n'));
	free(got);
	assert_int_equal(cstat_store_history_series(s, "none", "Encode", &got,
						    &glen, &d),
			 CSTAT_ENOENT);

	/* Prune keeps the last 2, as the file store's prune does. */
	size_t removed;
	assert_int_equal(cstat_history_prune(file, 2, &removed, &d), 0);
	free(want);
	want = slurp(file, &wlen);
	free(got);
	assert_int_equal(cstat_store_prune(s, "main", 2, &removed, &d), 0);
	assert_int_equal(removed, 3);
	/* The pruned runs' values went with them (since version 5 a
	 * trigger of cstat_runs, no longer a foreign key's cascade). */
	assert_int_equal(count("SELECT count(*) FROM cstat_values v WHERE NOT "
			       "EXISTS (SELECT 1 FROM cstat_runs r "
			       "WHERE r.seq = v.run_seq)"),
			 0);
	assert_int_equal(cstat_store_history(s, "main", &got, &glen, &d), 0);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	describe_as_file(s, "main", file);

	/* Replace (what a merge writes) takes a history's bytes whole. */
	assert_int_equal(cstat_store_replace(s, "copy", want, wlen, &d), 0);
	free(got);
	assert_int_equal(cstat_store_history(s, "copy", &got, &glen, &d), 0);
	assert_int_equal(glen, wlen);
	assert_memory_equal(got, want, wlen);
	/* A damaged line is refused and the old history stays whole. */
	assert_int_equal(cstat_store_replace(s, "copy", "{\"x\":1}\n", 8, &d),
			 CSTAT_EFORMAT);
	free(got);
	assert_int_equal(cstat_store_history(s, "copy", &got, &glen, &d), 0);
	assert_int_equal(glen, wlen);
	free(got);
	free(want);
	assert_int_equal(cstat_store_history(s, "none", &got, &glen, &d),
			 CSTAT_ENOENT);
	cstat_store_close(s);
}

/* The summary report (JSON) of history tables t and runs[0..n). */
static char *
summary(cstat_tables *t, cstat_run **runs, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_int_equal(cstat_history_summary_write(runs, n, t, "main",
						     CSTAT_FORMAT_JSON, f),
			 0);
	fclose(f);
	cstat_tables_free(t);
	cstat_history_free(runs, n);
	return text;
}

/*
 * One benchmark's tables built by the store (cstat_store_history_tables())
 * are the ones the file store's reader makes of its records
 * (cstat_store_history_series()'s lines in a file): the same report, the
 * filter applied in the builder the same way.  bench NULL: every series,
 * against the stored records themselves (cstat_store_history()).
 */
static void
history_tables_check(cstat_store *s, const char *bench, const char *filter,
		     size_t nruns)
{
	struct cstat_builder_opts opts = CSTAT_BUILDER_OPTS_INIT;
	struct cstat_diag d;
	cstat_tables *t;
	cstat_run **runs;
	size_t n, len;
	char file[300], *bytes;

	opts.filter = filter;
	assert_int_equal(
		bench ? cstat_store_history_series(s, "main", bench, &bytes,
						   &len, &d)
		      : cstat_store_history(s, "main", &bytes, &len, &d),
		0);
	snprintf(file, sizeof(file), "%s/series.jsonl", dir);
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(bytes, 1, len, f), len);
	fclose(f);
	free(bytes);
	assert_int_equal(cstat_history_read(file, &opts, 0.95, &t, &runs, &n,
					    NULL, NULL, &d),
			 0);
	char *want = summary(t, runs, n);
	assert_int_equal(cstat_store_history_tables(s, "main", bench, &opts,
						    0.95, &t, &runs, &n, &d),
			 0);
	assert_int_equal(n, nruns);
	char *got = summary(t, runs, n);
	assert_string_equal(got, want);
	free(got);
	free(want);
}

/* The tables of one benchmark straight from the series tables. */
static void
test_history_tables(void **state)
{
	static const char *const inputs[] = {
		"examples/old.txt", "examples/new.txt",
		"conformance/doc-01/old.txt",
		"inputs/gbench/googlebench_test1_run1.json",
		"examples/new.txt"};
	cstat_store *s = open_store(owner, "tables");
	struct cstat_diag d;
	char created[32];
	cstat_tables *t;
	cstat_run **runs;
	size_t n;
	bool added;

	(void)state;
	for (int i = 0; i < 5; i++) {
		snprintf(created, sizeof(created), "2026-11-0%dT10:00:00Z",
			 i + 1);
		cstat_run *r = run_of(inputs[i], created);
		assert_int_equal(record(s, "main", r, &added, &d), 0);
		cstat_run_free(r);
	}
	history_tables_check(s, "Encode", ".name:Encode", 5);
	history_tables_check(s, "Encode", ".fullname:Encode/format=gob-48", 5);
	/* A benchmark no run has: every run, no rows. */
	history_tables_check(s, "Nothing", ".name:Nothing", 5);
	/* Every series: five inputs of different benchmarks, units and
	 * configurations; unfiltered, and filtered by something else than
	 * one benchmark. */
	history_tables_check(s, NULL, NULL, 5);
	history_tables_check(s, NULL, "/format:gob", 5);
	history_tables_check(s, NULL, ".unit:B/op", 5);
	assert_int_equal(cstat_store_history_tables(s, "none", "Encode", NULL,
						    0.95, &t, &runs, &n, &d),
			 CSTAT_ENOENT);
	assert_null(t);
	assert_int_equal(cstat_store_history_tables(s, "main", "", NULL, 0.95,
						    &t, &runs, &n, &d),
			 CSTAT_EINVAL);
	cstat_store_close(s);

	/* Series of one configuration apart in a run (ids in the order
	 * they first appeared: a in X, b in Y, c in X): its record would
	 * hold X's group twice, which the reader merges; so does the
	 * store. */
	static const char *const texts[] = {
		"pkg: X\nBenchmarkEncode/a 1 10 ns/op\n",
		"pkg: Y\nBenchmarkEncode/b 1 20 ns/op\n",
		"pkg: X\nBenchmarkEncode/a 1 11 ns/op\n"
		"BenchmarkEncode/c 1 12 ns/op\n"
		"pkg: Y\nBenchmarkEncode/b 1 21 ns/op\n"};
	s = open_store(owner, "apart");
	for (int i = 0; i < 3; i++) {
		char path[300];
		snprintf(path, sizeof(path), "%s/in.txt", dir);
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(texts[i], f);
		fclose(f);
		snprintf(created, sizeof(created), "2026-11-0%dT10:00:00Z",
			 i + 1);
		cstat_run *r = run_at(path, created);
		assert_int_equal(record(s, "main", r, &added, &d), 0);
		cstat_run_free(r);
	}
	history_tables_check(s, "Encode", ".name:Encode", 3);
	history_tables_check(s, NULL, NULL, 3);
	cstat_store_close(s);
	/* A directory cannot: its history file is what to read. */
	s = open_store(dir, NULL);
	assert_int_equal(cstat_store_history_tables(s, "main", "Encode", NULL,
						    0.95, &t, &runs, &n, &d),
			 CSTAT_ESTATE);
	assert_null(runs);
	assert_int_equal(n, 0);
	cstat_store_close(s);
}

/*
 * A history of run i (from 0) of n: Encode/a in configuration X always,
 * Encode/c in X every third run with 1 to 4 values, Encode/b in Y but
 * every fifth run, and Encode/d in X every eleventh from the sixth: d
 * first appears after b, so a run with a, b and d holds X's group twice,
 * which the reader merges.
 */
static char *
many_runs(size_t n, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	assert_non_null(f);
	for (size_t i = 0; i < n; i++) {
		double v = (double)(i + 1) * 1e-9;
		fprintf(f,
			"{\"schema\":\"cstat-run/1\",\"name\":\"main\","
			"\"commit\":\"c%zu\",\"meta\":{},\"environment\":{},"
			"\"units\":[],\"groups\":[{\"config\":[[\"pkg\",\"X\"]]"
			","
			"\"benchmarks\":[{\"name\":\"Encode/a\",\"units\":"
			"[{\"unit\":\"sec/op\",\"values\":[%.17g]}]}",
			i, v);
		if (i % 3 == 0) {
			fprintf(f,
				",{\"name\":\"Encode/c\",\"units\":[{\"unit\":"
				"\"sec/op\",\"values\":[%.17g",
				v * 2);
			for (size_t k = 0; k < i % 4; k++)
				fprintf(f, ",%.17g", v * 2 + (double)k * 1e-12);
			fprintf(f, "]}]}");
		}
		fprintf(f, "]}");
		if (i % 5)
			fprintf(f,
				",{\"config\":[[\"pkg\",\"Y\"]],\"benchmarks\":"
				"[{\"name\":\"Encode/b\",\"units\":[{\"unit\":"
				"\"sec/op\",\"values\":[%.17g]}]}]}",
				v * 3);
		if (i % 11 == 5)
			fprintf(f,
				",{\"config\":[[\"pkg\",\"X\"]],\"benchmarks\":"
				"[{\"name\":\"Encode/d\",\"units\":[{\"unit\":"
				"\"sec/op\",\"values\":[%.17g]}]}]}",
				v * 4);
		fprintf(f, "]}\n");
	}
	fclose(f);
	return text;
}

/*
 * More runs than the store asks the server for at once (CHUNK_RUNS,
 * 1,024, in lib/stores/postgresql.c): the tables built from stretches of
 * runs are those of the whole history's records.
 */
static void
test_history_tables_chunks(void **state)
{
	cstat_store *s = open_store(owner, "chunks");
	struct cstat_diag d;
	size_t len;
	char *text = many_runs(2100, &len);

	(void)state;
	if (cstat_store_replace(s, "main", text, len, &d))
		fail_msg("replace: %s", d.message);
	free(text);
	history_tables_check(s, "Encode", ".name:Encode", 2100);
	history_tables_check(s, "Encode", ".fullname:Encode/c", 2100);
	/* Every series of the same runs: mixed configurations, series
	 * missing from some runs, X's group twice in a record. */
	history_tables_check(s, NULL, NULL, 2100);
	history_tables_check(s, NULL, "pkg:X", 2100);
	cstat_store_close(s);
}

/* Two projects in one database see only their own histories. */
static void
test_projects_apart(void **state)
{
	cstat_store *a = open_store(owner, "team-a");
	cstat_store *b = open_store(owner, "team-b");
	cstat_run *r = run_of("examples/old.txt", "2026-11-01T10:00:00Z");
	struct cstat_diag d;
	char *got, **names;
	size_t glen, n;

	(void)state;
	assert_int_equal(record(a, "main", r, NULL, &d), 0);
	assert_int_equal(cstat_store_history(b, "main", &got, &glen, &d),
			 CSTAT_ENOENT);
	assert_int_equal(cstat_store_names(b, "history", &names, &n, &d), 0);
	assert_int_equal(n, 0);
	free(names);
	cstat_run_free(r);
	cstat_store_close(a);
	cstat_store_close(b);
}

/* The GRANTs of docs/cbaseline.md: the runner records and reads (by a
 * key=value string and by a URI, its password in each) but cannot
 * replace a baseline, remove or prune. */
static void
test_runner_role(void **state)
{
	cstat_store_close(open_store(owner, "ci"));
	sql("GRANT SELECT ON cstat_schema_version TO cstat_runner;"
	    "GRANT SELECT, INSERT ON cstat_projects, cstat_histories,"
	    " cstat_runs, cstat_series, cstat_values, cstat_baselines"
	    " TO cstat_runner;"
	    "GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO cstat_runner;");
	cstat_store *s = open_store(runner, "ci");
	cstat_store *u = open_store(runner_uri, "ci");
	cstat_run *r = run_of("examples/new.txt", "2026-11-01T10:00:00Z");
	struct cstat_diag d;
	char *got;
	size_t glen, removed;

	(void)state;
	assert_int_equal(record(s, "main", r, NULL, &d), 0);
	assert_int_equal(cstat_store_history(u, "main", &got, &glen, &d), 0);
	assert_true(glen > 100);
	free(got);
	/* Saving replaces (UPDATE), removing deletes: not a runner's. */
	assert_int_equal(save(s, "main", r, &d), CSTAT_EACCES);
	assert_int_equal(cstat_store_baseline_remove(s, "main", &d),
			 CSTAT_EACCES);
	assert_non_null(strstr(d.message, "permission denied"));
	assert_null(strstr(d.message, "Secr3t"));
	assert_int_equal(cstat_store_prune(s, "main", 0, &removed, &d),
			 CSTAT_EACCES);
	cstat_run_free(r);
	cstat_store_close(s);
	cstat_store_close(u);
}

/* Where a password may show, it does not: redacted locations, a failed
 * login, a malformed string. */
static void
test_no_password(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"postgresql://u:s3cret@db.example:5432/bench?sslmode=require",
		 "postgresql://u@db.example:5432/bench?sslmode=require"},
		{"postgres://u:s3cret@h/db?password=s3cret&application_name=x",
		 "postgres://u@h/db?application_name=x"},
		{"postgresql://h/db?password=s3cret", "postgresql://h/db?"},
		{"postgresql:///db", "postgresql:///db"},
		{"host=h password=s3cret dbname=db", "host=h dbname=db"},
		{"host=h password = 's3 cr\\'et' dbname=db",
		 "host=h dbname=db"},
		{"password=s3cret host=h", " host=h"},
	};
	char buf[256], bad[512];
	cstat_store *s;
	struct cstat_diag d;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cstat_store_redact(cases[i].in, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].out);
	}
	/* A wrong password: the server's refusal, without it. */
	snprintf(bad, sizeof(bad), "%s", runner);
	char *pw = strstr(bad, "password=");
	assert_non_null(pw);
	snprintf(pw, sizeof(bad) - (size_t)(pw - bad),
		 "password=Wr0ngPassw0rd");
	assert_int_equal(cstat_store_open(&s, bad, NULL, &d), CSTAT_EIO);
	assert_non_null(strstr(d.message, "password authentication failed"));
	assert_null(strstr(d.message, "Wr0ngPassw0rd"));
	/* A malformed string: libpq's message would quote it. */
	assert_int_equal(cstat_store_open(&s, "host=h password='Wr0ngPassw0rd",
					  NULL, &d),
			 CSTAT_EINVAL);
	assert_null(strstr(d.message, "Wr0ngPassw0rd"));
	/* Which store a location names. */
	assert_string_equal(cstat_store_scheme("postgres://h/db"),
			    "postgresql");
	assert_string_equal(cstat_store_scheme(" dbname = x"), "postgresql");
	assert_string_equal(cstat_store_scheme(".cstat"), "file");
	assert_string_equal(cstat_store_scheme("/srv/store"), "file");
	assert_string_equal(cstat_store_scheme("postgresql-store"), "file");
	assert_null(cstat_store_scheme(""));
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema),
		cmocka_unit_test(test_baselines),
		cmocka_unit_test(test_history_bytes),
		cmocka_unit_test(test_history_tables),
		cmocka_unit_test(test_history_tables_chunks),
		cmocka_unit_test(test_projects_apart),
		cmocka_unit_test(test_runner_role),
		cmocka_unit_test(test_no_password),
	};

	owner = getenv("CSTAT_TEST_PG");
	runner = getenv("CSTAT_TEST_PG_RUNNER");
	runner_uri = getenv("CSTAT_TEST_PG_URI");
	if (!owner || !runner || !runner_uri || argc < 2) {
		printf("skipped: run under tests/pgcluster.py run -- %s "
		       "TESTDATA\n",
		       argv[0]);
		return 77;
	}
	testdata = argv[1];
	snprintf(dir, sizeof(dir), "/tmp/cstat-test-pg-%ld", (long)getpid());
	if (!mkdtemp(strcat(dir, "-XXXXXX")))
		return 1;
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
