/*
 * test-history-read.c - the streamed history reader (history-read.c)
 * against the whole-file path it replaces: cstat_history_read() must give
 * the tables, runs, changes and CSV, JSON and HTML exports that
 * cstat_history_load() then cstat_history_build() give, byte for byte, on
 * histories written here: plain records, and records its own parser hands
 * to cJSON's (escapes, duplicate keys and benchmarks, unknown keys,
 * numbers of every form).  Also cstat_history_check(), which looks at the
 * last record only, and cstat_history_read_cached(), whose snapshot must
 * answer exactly as the history does, be rebuilt whenever the history
 * changed or the snapshot is damaged, and never be written through a link.
 */
#include <math.h>
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
#include "tables.h"
#include "testutil.h"

/* splitmix64 with a fixed seed: the same histories every run. */
static uint64_t
mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* A number of the history in one of the forms a writer may use. */
static void
put_number(FILE *f, uint64_t *s, size_t b, size_t r)
{
	double level = 1e-7 * (double)(b + 1) * (r >= 12 && b == 1 ? 1.2 : 1);
	double v = level * (1 + (double)(mix(s) % 1000) / 1e5);

	switch (mix(s) % 8) {
	case 0: /* the shortest text, as cstat writes it */
		fprintf(f, "%.17g", v);
		break;
	case 1:
		fprintf(f, "%.15g", v);
		break;
	case 2: /* nanoseconds, whole */
		fprintf(f, "%.0f", v * 1e9);
		break;
	case 3:
		fprintf(f, "%.6E", v);
		break;
	case 4: /* 19 and more digits: past the exact paths */
		fprintf(f, "%.21f", v);
		break;
	case 5: /* 19 digits of the midpoint between v and the next
		 * double: where rounding twice could go wrong */
		fprintf(f, "%.18Le",
			(long double)v / 2 + (long double)nextafter(v, 1) / 2);
		break;
	case 6: /* large exponents either way */
		fprintf(f, "%.17g", v * 1e-40);
		break;
	default:
		fprintf(f, "%.17g", v * 1e30);
		break;
	}
}

/*
 * Writes a history of nruns records to path; odd records (by kind) take
 * the forms the streamed parser hands to cJSON.
 */
static void
write_history_padded(const char *path, size_t nruns, size_t pad)
{
	FILE *f = fopen(path, "w");
	uint64_t s = 42;

	assert_non_null(f);
	for (size_t r = 0; r < nruns; r++) {
		const char *kind = "plain";
		switch (r % 7) {
		case 2:
			kind = "escape";
			break;
		case 3:
			kind = "dupbench";
			break;
		case 4:
			kind = "unknown";
			break;
		case 5:
			kind = "twogroups";
			break;
		default:
			break;
		}
		/* Ids as written (kept by both readers), empty (none, as
		 * store.c reads it) or not a string (the whole-file path). */
		char id[64];
		snprintf(id, sizeof(id),
			 r % 3 ? "\"id\":\"rec%zu\"," : "\"id\":\"\",", r);
		fprintf(f,
			"{\"schema\":\"cstat-run/1\",%s\"name\":\"h\","
			"\"created\":\"2026-01-%02zuT10:00:00Z\","
			"\"commit\":\"%s%zu\",\"branch\":\"main\","
			"\"meta\":{\"k\":\"v%zu\",\"pad\":\"%*s\"},"
			"\"environment\":{\"goos\":"
			"\"linux\",\"host\":\"ci\"},\"units\":[{\"unit\":"
			"\"B/op\",\"assume\":\"exact\"}],\"groups\":[",
			strcmp(kind, "unknown") == 0
				? "\"id\":{\"x\":[1,true,null,\"y\"]},"
				: id,
			r % 28 + 1,
			strcmp(kind, "escape") == 0 ? "c\\u0041" : "c", r, r,
			(int)pad, "");
		size_t ngroups = strcmp(kind, "twogroups") == 0 ? 2 : 1;
		for (size_t g = 0; g < ngroups; g++) {
			fprintf(f,
				"%s{\"config\":[[\"goos\",\"linux\"],"
				"[\"pkg\",\"p%zu\"]],\"benchmarks\":[",
				g ? "," : "", g);
			size_t nb = strcmp(kind, "dupbench") == 0 ? 4 : 3;
			for (size_t b = 0; b < nb; b++) {
				fprintf(f,
					"%s{\"name\":\"Op%zu-8\",\"units\":[{"
					"\"unit\":\"sec/op\",\"values\":[",
					b ? "," : "", b % 3);
				for (size_t k = 0; k < 6 + (r + b) % 5; k++) {
					fputs(k ? "," : "", f);
					if (b == 2 && r % 5 == 1 && k == 0)
						fputs("\"NaN\"", f);
					else
						put_number(f, &s, b, r);
				}
				fprintf(f,
					"]},{\"unit\":\"B/op\",\"values\":[%zu,"
					"%zu]}]}",
					64 * (b + 1), 64 * (b + 1));
			}
			fputs("]}", f);
		}
		fputs("]}\n", f);
		if (r == nruns / 2)
			fputs("{\"schema\":\"cstat-run/1\",\"groups\":[\n\n",
			      f); /* a stub, then a blank line */
	}
	fclose(f);
}

/* Everything the history commands print, as one string (malloc'd). */
static char *
outputs(cstat_run *const *runs, size_t n, const cstat_tables *t)
{
	static const enum cstat_format fmts[] = {
		CSTAT_FORMAT_CSV, CSTAT_FORMAT_JSON, CSTAT_FORMAT_HTML};
	struct cstat_change *ch;
	size_t nch, len;
	char *buf;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(cstat_history_changes(t, 0, 0.2, &ch, &nch), 0);
	for (size_t k = 0; k < 3; k++)
		assert_int_equal(
			cstat_history_write(runs, n, t, ch, nch, fmts[k], f),
			0);
	/* Every value of every cell, exactly. */
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
		fprintf(f, "%s %s %s %s\n", cstat_run_get(runs[k], "commit"),
			cstat_run_get(runs[k], "meta.k"),
			cstat_run_get(runs[k], "env.host"),
			cstat_run_get(runs[k], "id"));
	fclose(f);
	free(ch);
	return buf;
}

static int warnings;

static void
count_warning(void *ctx, const struct cstat_diag *d)
{
	(void)ctx;
	(void)d;
	warnings++;
}

static void
read_matches_load(size_t pad)
{
	char path[] = "/tmp/test-history-read-XXXXXX";
	int fd = mkstemp(path);
	cstat_run **a, **b;
	cstat_tables *ta, *tb;
	struct cstat_diag d;
	size_t na, nb;

	assert_true(fd >= 0);
	close(fd);
	write_history_padded(path, 40, pad);
	warnings = 0;
	assert_int_equal(
		cstat_history_load(path, &a, &na, count_warning, NULL, &d), 0);
	assert_int_equal(warnings, 1); /* the stub */
	assert_int_equal(cstat_history_build(a, na, NULL, 0.95, &ta, &d), 0);
	warnings = 0;
	assert_int_equal(cstat_history_read(path, NULL, 0.95, &tb, &b, &nb,
					    count_warning, NULL, &d),
			 0);
	assert_int_equal(warnings, 1);
	assert_int_equal(na, 40);
	assert_int_equal(nb, na);
	/* Two groups, two units: four tables. */
	assert_int_equal(cstat_tables_count(tb), 4);
	char *x = outputs(a, na, ta), *y = outputs(b, nb, tb);
	assert_string_equal(x, y);
	/* The streamed tables are for history views only. */
	FILE *null = fopen("/dev/null", "w");
	assert_int_equal(cstat_tables_write(tb, CSTAT_FORMAT_TEXT, null, NULL),
			 CSTAT_EINVAL);
	fclose(null);
	free(x);
	free(y);
	cstat_tables_free(ta);
	cstat_tables_free(tb);
	cstat_history_free(a, na);
	cstat_history_free(b, nb);
	unlink(path);
}

static void
test_read_matches_load(void **state)
{
	(void)state;
	read_matches_load(0);
}

/*
 * The same over 1 MiB, which is read on two threads (history-read.c's
 * THREADS_FROM): records made large by a long metadata value, so that
 * it takes few of them.
 */
static void
test_read_matches_load_threaded(void **state)
{
	(void)state;
	read_matches_load(40 * 1024);
}

/* Writes text to a new temporary file; its path in path. */
static void
write_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#define REC "{\"schema\":\"cstat-run/1\",\"groups\":[]}"

/* Reading and checking agree with loading on what is refused. */
static void
test_errors_match_load(void **state)
{
	static const char *const texts[] = {
		REC "\n{\"schema\":\"cstat-run/9\",\"groups\":[]}\n",
		REC "\n{\"schema\":\"cstat-run/1\",\"groups\":3}\n",
		REC "\n[1,2]\n",
	};
	cstat_run **runs;
	cstat_tables *t;
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		char path[] = "/tmp/test-history-read-XXXXXX";
		struct cstat_diag d1, d2, d3;
		write_file(path, texts[i]);
		int rc = cstat_history_load(path, &runs, &n, NULL, NULL, &d1);
		assert_int_equal(rc, CSTAT_EFORMAT);
		assert_int_equal(cstat_history_read(path, NULL, 0.95, &t, &runs,
						    &n, NULL, NULL, &d2),
				 rc);
		assert_null(t);
		assert_string_equal(d1.message, d2.message);
		assert_int_equal(d1.line, d2.line);
		/* The last record is the bad one: the check sees it. */
		assert_int_equal(cstat_history_check(path, NULL, NULL, &d3),
				 rc);
		assert_string_equal(d1.message, d3.message);
		unlink(path);
	}
}

/*
 * On two threads, an error in the middle of a large history stops the
 * read with load's message and line, whether the adder meets it (a schema
 * it does not know) or the parser's thread does not (records after it).
 */
static void
test_errors_threaded(void **state)
{
	char path[] = "/tmp/test-history-read-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	cstat_run **runs;
	cstat_tables *t;
	struct cstat_diag d1, d2;
	size_t n;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	for (size_t r = 0; r < 200; r++)
		fprintf(f,
			"{\"schema\":\"cstat-run/%d\",\"meta\":{\"pad\":"
			"\"%*s\"},\"groups\":[{\"config\":[],\"benchmarks\":"
			"[{\"name\":\"A\",\"units\":[{\"unit\":\"sec/op\","
			"\"values\":[1,2,3]}]}]}]}\n",
			r == 60 ? 9 : 1, 16 * 1024, "");
	fclose(f);
	int rc = cstat_history_load(path, &runs, &n, NULL, NULL, &d1);
	assert_int_equal(rc, CSTAT_EFORMAT);
	assert_int_equal(d1.line, 61);
	assert_int_equal(cstat_history_read(path, NULL, 0.95, &t, &runs, &n,
					    NULL, NULL, &d2),
			 rc);
	assert_null(t);
	assert_null(runs);
	assert_string_equal(d1.message, d2.message);
	assert_int_equal(d2.line, 61);
	unlink(path);
}

/* The check reads the last record, past a stub; a missing file passes. */
static void
test_check_last_record(void **state)
{
	char bad_first[] = "/tmp/test-history-read-XXXXXX";
	char stub[] = "/tmp/test-history-read-XXXXXX";
	char bad_before_stub[] = "/tmp/test-history-read-XXXXXX";
	struct cstat_diag d;

	(void)state;
	assert_int_equal(
		cstat_history_check("/nonexistent/h.jsonl", NULL, NULL, &d), 0);
	/* A bad record that is not the last is not looked at. */
	write_file(bad_first, "{\"schema\":\"cstat-run/9\"}\n" REC "\n");
	assert_int_equal(cstat_history_check(bad_first, NULL, NULL, &d), 0);
	warnings = 0;
	write_file(stub, REC "\n\n" REC "\n{\"schema\":\"cst");
	assert_int_equal(cstat_history_check(stub, count_warning, NULL, &d), 0);
	assert_int_equal(warnings, 1);
	write_file(bad_before_stub,
		   "{\"schema\":\"cstat-run/2\",\"groups\":[]}\n{\"sch");
	assert_int_equal(cstat_history_check(bad_before_stub, NULL, NULL, &d),
			 CSTAT_EFORMAT);
	unlink(bad_first);
	unlink(stub);
	unlink(bad_before_stub);
}

/* An empty file, and one of blank lines: no runs, as loading gives. */
static void
test_empty(void **state)
{
	static const char *const texts[] = {"", "\n\n  \n"};
	cstat_run **runs;
	cstat_tables *t;
	struct cstat_diag d;
	size_t n;

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char path[] = "/tmp/test-history-read-XXXXXX";
		write_file(path, texts[i]);
		assert_int_equal(cstat_history_read(path, NULL, 0.95, &t, &runs,
						    &n, NULL, NULL, &d),
				 0);
		assert_int_equal(n, 0);
		assert_int_equal(cstat_tables_count(t), 0);
		cstat_tables_free(t);
		cstat_history_free(runs, n);
		assert_int_equal(cstat_history_check(path, NULL, NULL, &d), 0);
		unlink(path);
	}
}

/*
 * A unit whose samples in a record are all one value (B/op, allocs/op,
 * mostly) is kept once while the history is read: its cell takes one
 * word, where a unit that varies takes one a sample.  Each benchmark's
 * run is three results, so its cells get room for three.  Op0: sec/op
 * 1, 2, 3 take 3 words, B/op 64 × 3 one, allocs/op 2 × 2 one (a unit
 * with fewer samples than the run).  Op1, after a unit without samples
 * (which takes no slot of its results): sec/op 5 × 3 one, B/op 8, 9 the
 * run's room, 3, allocs/op 7 alone one.  A table's cells start at even
 * words, so sec/op's slab is 3 + 1 + 1 words, B/op's 1 + 1 + 3 and
 * allocs/op's 1 + 1 + 1: thirteen, against 21 without.  The cells'
 * values are still every sample.
 */
static void
test_read_keeps_same_once(void **state)
{
	static const char rec[] =
		"{\"schema\":\"cstat-run/1\",\"id\":\"r1\",\"name\":\"h\","
		"\"created\":\"2026-01-01T10:00:00Z\",\"commit\":\"c1\","
		"\"branch\":\"main\",\"environment\":{\"goos\":\"linux\"},"
		"\"groups\":[{\"config\":[[\"goos\",\"linux\"]],"
		"\"benchmarks\":["
		"{\"name\":\"Op0-8\",\"units\":["
		"{\"unit\":\"sec/op\",\"values\":[1,2,3]},"
		"{\"unit\":\"B/op\",\"values\":[64,64,64]},"
		"{\"unit\":\"allocs/op\",\"values\":[2,2]}]},"
		"{\"name\":\"Op1-8\",\"units\":["
		"{\"unit\":\"x/op\",\"values\":[]},"
		"{\"unit\":\"sec/op\",\"values\":[5,5,5]},"
		"{\"unit\":\"B/op\",\"values\":[8,9]},"
		"{\"unit\":\"allocs/op\",\"values\":[7]}]}]}]}\n";
	char path[] = "/tmp/test-history-read-XXXXXX";
	cstat_run **runs;
	cstat_tables *t;
	struct cstat_diag d;
	size_t n, nv;

	(void)state;
	write_file(path, rec);
	assert_int_equal(cstat_history_read(path, NULL, 0.95, &t, &runs, &n,
					    NULL, NULL, &d),
			 0);
	assert_int_equal(n, 1);
	assert_int_equal(t->read_words, 13);
	assert_int_equal(cstat_tables_count(t), 3);
	/* Every cell's values, in table and row order: sec/op's rows Op0
	 * and Op1, then B/op's, then allocs/op's. */
	static const double want[][3] = {{1, 2, 3}, {5, 5, 5}, {64, 64, 64},
					 {8, 9, 0}, {2, 2, 0}, {7, 0, 0}};
	static const size_t wantn[] = {3, 3, 3, 2, 2, 1};
	size_t k = 0;
	for (size_t i = 0; i < cstat_tables_count(t); i++)
		for (size_t r = 0; r < cstat_table_rows(t, i); r++) {
			const double *v =
				cstat_table_cell_values(t, i, r, 0, &nv);
			assert_true(k < 6);
			assert_int_equal(nv, wantn[k]);
			for (size_t j = 0; j < nv; j++)
				assert_true(v[j] == want[k][j]);
			k++;
		}
	assert_int_equal(k, 6);
	cstat_tables_free(t);
	cstat_history_free(runs, n);
	unlink(path);
}

/* The whole file at path (malloc'd), its length in *len. */
static void
spill(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/*
 * A read of path through its snapshot, which must answer as a plain read
 * with filter (NULL: none) does, warnings included, with status want
 * (-2: 0, 1 or 2): without a filter a cached read through the snapshot
 * snap, with one a filtered read through the folder dir.
 */
static int
read_matches(const char *path, const char *snap, const char *dir,
	     const char *filter, int want)
{
	struct cstat_builder_opts opts = CSTAT_BUILDER_OPTS_INIT;
	cstat_run **a, **b;
	cstat_tables *ta, *tb;
	struct cstat_diag d;
	size_t na, nb;
	int status = 9, wa;

	opts.filter = filter;
	warnings = 0;
	assert_int_equal(cstat_history_read(path, filter ? &opts : NULL, 0.95,
					    &ta, &a, &na, count_warning, NULL,
					    &d),
			 0);
	wa = warnings;
	warnings = 0;
	if (filter)
		assert_int_equal(cstat_history_read_filtered(
					 path, dir, filter, 0.95, &tb, &b, &nb,
					 count_warning, NULL, &d, &status),
				 0);
	else
		assert_int_equal(cstat_history_read_cached(
					 path, snap, 0.95, &tb, &b, &nb,
					 count_warning, NULL, &d, &status),
				 0);
	if (want == -2)
		assert_true(status >= 0 && status <= 2);
	else
		assert_int_equal(status, want);
	assert_int_equal(warnings, wa);
	assert_int_equal(nb, na);
	char *x = outputs(a, na, ta), *y = outputs(b, nb, tb);
	assert_string_equal(x, y);
	free(x);
	free(y);
	cstat_tables_free(ta);
	cstat_tables_free(tb);
	cstat_history_free(a, na);
	cstat_history_free(b, nb);
	return status;
}

/* A cached read of path through snap (read_matches()). */
static int
cached_matches(const char *path, const char *snap, int want)
{
	return read_matches(path, snap, NULL, NULL, want);
}

static void
test_cached(void **state)
{
	char dir[] = "/tmp/test-history-snap-XXXXXX", path[64], snap[64],
	     other[64];
	uint64_t s = 7;
	size_t len, hlen;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/h.jsonl", dir);
	snprintf(snap, sizeof(snap), "%s/h.snapshot", dir);
	snprintf(other, sizeof(other), "%s/outside", dir);
	write_history_padded(path, 40, 0);
	/* Written on the first read, read on the second. */
	cached_matches(path, snap, 0);
	cached_matches(path, snap, 1);
	/* A record appended: its run joined to the snapshot's tables. */
	char *hist = slurp(path, &hlen);
	char *nl = memchr(hist, '\n', hlen);
	FILE *f = fopen(path, "ab");
	assert_non_null(f);
	fwrite(hist, 1, (size_t)(nl - hist) + 1, f);
	fclose(f);
	free(hist);
	cached_matches(path, snap, 2);
	cached_matches(path, snap, 1);
	/* Cut short anywhere: rebuilt. */
	char *good = slurp(snap, &len);
	size_t cuts[] = {0, 5, 8, 60, 100, len / 3, len / 2, len - 9, len - 1};
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		spill(snap, good, cuts[i]);
		cached_matches(path, snap, 0);
	}
	/* Bytes changed: rebuilt when the structure says so; never a
	 * crash or an error (a changed value can pass, as in any file). */
	for (size_t i = 0; i < 60; i++) {
		good[mix(&s) % len] ^= (char)(1u << (mix(&s) % 8));
		spill(snap, good, len);
		cstat_run **b;
		cstat_tables *tb;
		struct cstat_diag d;
		size_t nb;
		int status = 9;
		assert_int_equal(cstat_history_read_cached(path, snap, 0.95,
							   &tb, &b, &nb, NULL,
							   NULL, &d, &status),
				 0);
		assert_true(status == 0 || status == 1);
		assert_int_equal(nb, 41);
		cstat_tables_free(tb);
		cstat_history_free(b, nb);
	}
	free(good);
	/* Another confidence level is another snapshot. */
	cached_matches(path, snap, -2);
	{
		cstat_run **b;
		cstat_tables *tb;
		struct cstat_diag d;
		size_t nb;
		int status = 9;
		assert_int_equal(cstat_history_read_cached(path, snap, 0.9, &tb,
							   &b, &nb, NULL, NULL,
							   &d, &status),
				 0);
		assert_int_equal(status, 0);
		cstat_tables_free(tb);
		cstat_history_free(b, nb);
	}
	/* A link at the snapshot's name is neither read nor written
	 * through. */
	spill(other, "x", 1);
	unlink(snap);
	assert_int_equal(symlink(other, snap), 0);
	cached_matches(path, snap, -1);
	char *o = slurp(other, &len);
	assert_int_equal(len, 1);
	assert_int_equal(o[0], 'x');
	free(o);
	struct stat st;
	assert_int_equal(lstat(snap, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	unlink(snap);
	unlink(other);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * Records appended one or three at a time, of every kind the history
 * above has (and a cut-short one, a new benchmark, a new configuration,
 * new Unit metadata): each cached read answers as a plain read, joining
 * the new runs when it can (status 2) and reading everything otherwise.
 */
static void
test_cached_appends(void **state)
{
	char dir[] = "/tmp/test-history-snap-XXXXXX", path[64], snap[64],
	     all[64];
	size_t len, joined = 0, reread = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/h.jsonl", dir);
	snprintf(snap, sizeof(snap), "%s/h.snapshot", dir);
	snprintf(all, sizeof(all), "%s/all.jsonl", dir);
	write_history_padded(all, 40, 0);
	char *text = slurp(all, &len);
	/* The first 10 lines, then the rest a line or three at a time. */
	char *p = text, *end = text + len;
	for (int i = 0; i < 10; i++)
		p = (char *)memchr(p, '\n', (size_t)(end - p)) + 1;
	spill(path, text, (size_t)(p - text));
	cached_matches(path, snap, 0);
	const char *extra[] = {
		/* a new benchmark, a new configuration, Unit metadata */
		"{\"schema\":\"cstat-run/"
		"1\",\"groups\":[{\"config\":[[\"goos\","
		"\"linux\"],[\"pkg\",\"p0\"]],\"benchmarks\":[{\"name\":"
		"\"New-8\",\"units\":[{\"unit\":\"sec/"
		"op\",\"values\":[1,2,3]}]}"
		"]}]}\n",
		"{\"schema\":\"cstat-run/"
		"1\",\"groups\":[{\"config\":[[\"goos\","
		"\"linux\"],[\"pkg\",\"q\"]],\"benchmarks\":[{\"name\":"
		"\"Op0-8\",\"units\":[{\"unit\":\"sec/"
		"op\",\"values\":[1,2,3]}]}"
		"]}]}\n",
		"{\"schema\":\"cstat-run/1\",\"units\":[{\"unit\":\"sec/op\","
		"\"assume\":\"exact\"}],\"groups\":[]}\n",
		"{\"schema\":\"cstat-run/1\",\"gro",
		"\n",
	};
	for (size_t k = 0; p < end; k++) {
		char *q = p;
		for (size_t i = 0; i < 1 + 2 * (k % 2) && q < end; i++)
			q = (char *)memchr(q, '\n', (size_t)(end - q)) + 1;
		FILE *f = fopen(path, "ab");
		assert_non_null(f);
		fwrite(p, 1, (size_t)(q - p), f);
		if (k % 5 == 4 && k / 5 < sizeof(extra) / sizeof(extra[0]))
			fputs(extra[k / 5], f);
		fclose(f);
		p = q;
		int status = cached_matches(path, snap, -2);
		joined += status == 2;
		reread += status == 0;
		cstat_run **b;
		cstat_tables *tb;
		struct cstat_diag d;
		size_t nb;
		/* Now the snapshot is this history's. */
		assert_int_equal(cstat_history_read_cached(path, snap, 0.95,
							   &tb, &b, &nb, NULL,
							   NULL, &d, &status),
				 0);
		assert_int_equal(status, 1);
		cstat_tables_free(tb);
		cstat_history_free(b, nb);
		/* A blank line appended: joined, unless the line before
		 * was cut short. */
		f = fopen(path, "ab");
		assert_non_null(f);
		fputs("\n", f);
		fclose(f);
		assert_int_equal(cstat_history_read_cached(path, snap, 0.95,
							   &tb, &b, &nb, NULL,
							   NULL, &d, &status),
				 0);
		assert_true(status == 2 || status == 0);
		cstat_tables_free(tb);
		cstat_history_free(b, nb);
	}
	/* Most appends join; the new table, benchmark and metadata and the
	 * lines after a cut-short record read everything. */
	printf("appends: %zu joined, %zu read whole\n", joined, reread);
	assert_true(joined >= 10);
	assert_true(reread >= 1);
	free(text);
	unlink(snap);
	unlink(path);
	unlink(all);
	assert_int_equal(rmdir(dir), 0);
}

/* ---------------------------------------------------------------------- */
/* cstat_history_read_filtered(): a snapshot per filter. */

/* A filtered read of path through the folder dir (read_matches()). */
static int
filtered_matches(const char *path, const char *dir, const char *filter,
		 int want)
{
	return read_matches(path, NULL, dir, filter, want);
}

/* The files of folder dir: how many, and the last one's name in last
 * (may be NULL). */
static size_t
files_in(const char *dir, char *last, size_t size)
{
	char cmd[128];
	size_t n = 0;

	snprintf(cmd, sizeof(cmd), "ls %s", dir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[64];
	while (fgets(line, sizeof(line), p)) {
		n++;
		line[strcspn(line, "\n")] = '\0';
		if (last)
			snprintf(last, size, "%s/%s", dir, line);
	}
	pclose(p);
	return n;
}

/* Appends path's first record to it again (a new run of the same
 * benchmarks). */
static void
append_first(const char *path)
{
	size_t hlen;
	char *hist = slurp(path, &hlen);
	char *nl = memchr(hist, '\n', hlen);
	FILE *f = fopen(path, "ab");

	assert_non_null(f);
	fwrite(hist, 1, (size_t)(nl - hist) + 1, f);
	fclose(f);
	free(hist);
}

/* Filters of every kind: a name, a full name, a configuration key, a
 * unit (which cuts the values of a cell), boolean combinations, and the
 * run's number (.file), which an appended read must number as the whole
 * history does. */
static const char *const filters[] = {
	".name:Op1",
	".fullname:Op2-8",
	"pkg:p1",
	".unit:B/op",
	"(.name:Op0 OR .name:Op2) -pkg:p1 .unit:sec/op",
	".file:/^(2|4[0-9])$/",
	"-.name:Op1",
	".name:Nothing",
};

/*
 * For each filter: written on the first read, read on the second, joined
 * after a record, rebuilt after the history is rewritten (a prune), after
 * the snapshot is cut short or replaced by another filter's or by the
 * snapshot of every benchmark; every time the answer of a plain filtered
 * read.
 */
static void
test_filtered(void **state)
{
	char dir[] = "/tmp/test-history-snap-XXXXXX", path[64], fdir[64],
	     other[64], snap[64], file[128], ofile[128];
	size_t len;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/h.jsonl", dir);
	snprintf(fdir, sizeof(fdir), "%s/h.filters", dir);
	snprintf(other, sizeof(other), "%s/o.filters", dir);
	snprintf(snap, sizeof(snap), "%s/h.snapshot", dir);
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
		write_history_padded(path, 40, 0);
		filtered_matches(path, fdir, filters[i], 0);
		assert_int_equal(files_in(fdir, file, sizeof(file)), 1);
		filtered_matches(path, fdir, filters[i], 1);
		/* Records appended: their runs joined (runs 41 and 42). */
		append_first(path);
		filtered_matches(path, fdir, filters[i], 2);
		append_first(path);
		filtered_matches(path, fdir, filters[i], 2);
		filtered_matches(path, fdir, filters[i], 1);
		/* Another filter's snapshot, of this very history, at this
		 * filter's name: its text differs, so it is rebuilt. */
		const char *f2 = filters[(i + 1) % 8];
		filtered_matches(path, other, f2, 0);
		assert_int_equal(files_in(other, ofile, sizeof(ofile)), 1);
		char *o = slurp(ofile, &len);
		spill(file, o, len);
		free(o);
		filtered_matches(path, fdir, filters[i], 0);
		/* The snapshot of every benchmark there: foreign. */
		cstat_run **b;
		cstat_tables *tb;
		struct cstat_diag d;
		size_t nb;
		assert_int_equal(cstat_history_read_cached(path, snap, 0.95,
							   &tb, &b, &nb, NULL,
							   NULL, &d, NULL),
				 0);
		cstat_tables_free(tb);
		cstat_history_free(b, nb);
		o = slurp(snap, &len);
		spill(file, o, len);
		free(o);
		filtered_matches(path, fdir, filters[i], 0);
		/* Cut short anywhere: rebuilt. */
		char *good = slurp(file, &len);
		size_t cuts[] = {0, 8, 70, len / 2, len - 1};
		for (size_t k = 0; k < sizeof(cuts) / sizeof(cuts[0]); k++) {
			spill(file, good, cuts[k]);
			filtered_matches(path, fdir, filters[i], 0);
		}
		free(good);
		/* The history rewritten by a prune: read again. */
		size_t removed;
		assert_int_equal(cstat_history_prune(path, 30, &removed, &d),
				 0);
		assert_int_equal(removed, 12);
		filtered_matches(path, fdir, filters[i], 0);
		filtered_matches(path, fdir, filters[i], 1);
		unlink(file);
		unlink(ofile);
	}
	/* A link where the folder would be: no snapshot, the same answer. */
	assert_int_equal(rmdir(fdir), 0);
	assert_int_equal(symlink(other, fdir), 0);
	filtered_matches(path, fdir, filters[0], -1);
	assert_int_equal(files_in(other, NULL, 0), 0);
	unlink(fdir);
	/* No folder: a plain filtered read. */
	filtered_matches(path, NULL, filters[0], -1);
	/* A filter that does not parse is the plain read's error. */
	{
		cstat_run **b;
		cstat_tables *tb;
		struct cstat_diag d;
		size_t nb;
		assert_int_equal(cstat_history_read_filtered(
					 path, other, ".name:(", 0.95, &tb, &b,
					 &nb, NULL, NULL, &d, NULL),
				 CSTAT_EINVAL);
		assert_null(tb);
		assert_null(b);
		assert_int_equal(nb, 0);
	}
	assert_int_equal(rmdir(other), 0);
	unlink(snap);
	unlink(path);
	snprintf(file, sizeof(file), "%s.lock", path); /* the prune's */
	unlink(file);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * At most 16 filters' snapshots in a folder: the 17th removes the least
 * recently used, which a read from a snapshot makes the most recent.
 */
static void
test_filtered_bound(void **state)
{
	char dir[] = "/tmp/test-history-snap-XXXXXX", path[64], fdir[64],
	     filter[64];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/h.jsonl", dir);
	snprintf(fdir, sizeof(fdir), "%s/h.filters", dir);
	write_history_padded(path, 12, 0);
	for (int i = 0; i < 16; i++) {
		snprintf(filter, sizeof(filter), ".name:Op1 .file:%d", i);
		filtered_matches(path, fdir, filter, 0);
	}
	assert_int_equal(files_in(fdir, NULL, 0), 16);
	/* Filter 0, the oldest, used again: filter 1 is now the oldest. */
	filtered_matches(path, fdir, ".name:Op1 .file:0", 1);
	filtered_matches(path, fdir, ".name:Op1 .file:16", 0);
	assert_int_equal(files_in(fdir, NULL, 0), 16);
	filtered_matches(path, fdir, ".name:Op1 .file:0", 1);
	filtered_matches(path, fdir, ".name:Op1 .file:2", 1);
	filtered_matches(path, fdir, ".name:Op1 .file:16", 1);
	/* Filter 1 was removed; written again, it removes filter 3. */
	filtered_matches(path, fdir, ".name:Op1 .file:1", 0);
	assert_int_equal(files_in(fdir, NULL, 0), 16);
	filtered_matches(path, fdir, ".name:Op1 .file:3", 0);
	/* A file of another name in the folder is not counted or touched. */
	char keep[96];
	snprintf(keep, sizeof(keep), "%s/README", fdir);
	spill(keep, "x", 1);
	filtered_matches(path, fdir, ".name:Op1 .file:17", 0);
	assert_int_equal(files_in(fdir, NULL, 0), 17);
	char cmd[96];
	snprintf(cmd, sizeof(cmd), "rm -r %s", fdir);
	assert_int_equal(system(cmd), 0);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * The steps the snapshot tests below share: a history h.jsonl made in a
 * new folder (its snapshot beside it), opened for writing; its first runs
 * read through a new snapshot and then from it; and, once a run is
 * appended, read joined to the snapshot and then from the joined one.
 */
static FILE *
snap_start(char *dir, char *path, char *snap, size_t size)
{
	assert_non_null(mkdtemp(dir));
	snprintf(path, size, "%s/h.jsonl", dir);
	snprintf(snap, size, "%s/h.snapshot", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	return f;
}

static FILE *
snap_first_runs(FILE *f, const char *path, const char *snap)
{
	fclose(f);
	cached_matches(path, snap, 0);
	cached_matches(path, snap, 1);
	f = fopen(path, "a");
	assert_non_null(f);
	return f;
}

static void
snap_appended(FILE *f, const char *dir, const char *path, const char *snap)
{
	fclose(f);
	cached_matches(path, snap, 2);
	cached_matches(path, snap, 1);
	unlink(snap);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

/*
 * A table of more values than BIG_VALUES (history-snap.c: 2^19) takes a
 * block of its own from the snapshot's reader, on huge pages where the
 * system lends them: 64 runs of one benchmark with 9,000 values each
 * (576,000 in one table) read from the snapshot, and with a run appended
 * (joined to it), give what a plain read gives.
 */
static void
test_cached_big_table(void **state)
{
	char dir[] = "/tmp/test-history-snap-XXXXXX", path[64], snap[64];
	uint64_t s = 11;
	FILE *f;

	(void)state;
	f = snap_start(dir, path, snap, sizeof(path));
	for (size_t r = 0; r < 65; r++) {
		fprintf(f,
			"{\"schema\":\"cstat-run/1\",\"id\":\"big%zu\","
			"\"name\":\"h\",\"created\":\"2026-02-%02zuT10:00:"
			"00Z\","
			"\"commit\":\"c%zu\",\"groups\":[{\"config\":"
			"[[\"goos\",\"linux\"]],\"benchmarks\":[{\"name\":"
			"\"Big-8\",\"units\":[{\"unit\":\"sec/"
			"op\",\"values\":[",
			r, r % 28 + 1, r);
		for (size_t k = 0; k < 9000; k++) {
			fputs(k ? "," : "", f);
			put_number(f, &s, 0, r);
		}
		fputs("]}]}]}]}\n", f);
		if (r == 63) /* 64 runs first, then one appended */
			f = snap_first_runs(f, path, snap);
	}
	snap_appended(f, dir, path, snap);
}

/*
 * A snapshot of several tables, each with fewer values than take a block
 * of their own, and of runs with metadata: read back, the tables' values
 * share one block and the runs' texts another, both reserved for the
 * bytes left in the file (lib/history-snap.c); a run appended after
 * takes its values from what is left of the first.
 */
static void
test_cached_shared_blocks(void **state)
{
	char dir[] = "/tmp/test-history-snap-XXXXXX", path[64], snap[64];
	uint64_t s = 13;
	FILE *f;

	(void)state;
	f = snap_start(dir, path, snap, sizeof(path));
	for (size_t r = 0; r < 151; r++) {
		fprintf(f,
			"{\"schema\":\"cstat-run/1\",\"id\":\"shared%zu\","
			"\"name\":\"h\",\"created\":\"2026-03-%02zuT10:00:"
			"00Z\",\"commit\":\"c%zu\",\"metadata\":{"
			"\"branch\":\"main-%zu\",\"runner\":\"r%zu\","
			"\"note\":\"%0200zu\"},\"groups\":[{\"config\":"
			"[[\"goos\",\"linux\"]],\"benchmarks\":[",
			r, r % 28 + 1, r, r, r % 7, r);
		for (size_t b = 0; b < 4; b++) {
			fprintf(f, "%s{\"name\":\"Shared%zu-8\",\"units\":[",
				b ? "," : "", b);
			for (size_t u = 0; u < 2; u++) {
				fprintf(f, "%s{\"unit\":\"%s\",\"values\":[",
					u ? "," : "", u ? "B/op" : "sec/op");
				for (size_t k = 0; k < 500; k++) {
					fputs(k ? "," : "", f);
					put_number(f, &s, b, r);
				}
				fputs("]}", f);
			}
			fputs("]}", f);
		}
		fputs("]}]}\n", f);
		if (r == 149) /* 150 runs first, then one appended */
			f = snap_first_runs(f, path, snap);
	}
	snap_appended(f, dir, path, snap);
}

/* ---------------------------------------------------------------------- */
/* cstat_history_read_tail(): the last records only. */

static unsigned long warned_line;

static void
note_warning(void *ctx, const struct cstat_diag *d)
{
	(void)ctx;
	warnings++;
	warned_line = d->line;
}

/*
 * Writes the lines of path from line first (1-based) to its end into a
 * new temporary file, its path in out: the records a window holds, for
 * cstat_history_read() to read as the oracle.
 */
static void
lines_from(const char *path, size_t first, char *out)
{
	FILE *in = fopen(path, "r");
	int fd = mkstemp(out);
	FILE *f;
	char *line = NULL;
	size_t cap = 0, at = 0;

	assert_non_null(in);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	while (getline(&line, &cap, in) > 0)
		if (++at >= first)
			fputs(line, f);
	free(line);
	fclose(in);
	fclose(f);
}

/*
 * The tail of keep records of path against cstat_history_read() of its
 * lines from first: the same outputs; *cut and the warnings as given.
 */
static void
tail_matches(const char *path, size_t keep, size_t first, bool want_cut,
	     int want_warnings, unsigned long want_line)
{
	char part[] = "/tmp/test-history-read-XXXXXX";
	cstat_run **a, **b;
	cstat_tables *ta, *tb;
	struct cstat_diag d;
	size_t na, nb;
	bool cut = !want_cut;

	lines_from(path, first, part);
	assert_int_equal(cstat_history_read(part, NULL, 0.95, &ta, &a, &na,
					    NULL, NULL, &d),
			 0);
	warnings = 0;
	warned_line = 0;
	assert_int_equal(cstat_history_read_tail(path, keep, NULL, 0.95, &tb,
						 &b, &nb, &cut, note_warning,
						 NULL, &d),
			 0);
	assert_int_equal(cut, want_cut);
	assert_int_equal(warnings, want_warnings);
	assert_int_equal(warned_line, want_line); /* in the whole file */
	assert_int_equal(nb, na);
	char *x = outputs(a, na, ta), *y = outputs(b, nb, tb);
	assert_string_equal(x, y);
	free(x);
	free(y);
	cstat_tables_free(ta);
	cstat_tables_free(tb);
	cstat_history_free(a, na);
	cstat_history_free(b, nb);
	unlink(part);
}

/*
 * write_history_padded()'s 40 records: lines 1-21 (records 0-20), a stub
 * (line 22), a blank line (23), lines 24-42 (records 21-39).  Windows
 * longer than the history (all of it), cutting after the stub, and
 * holding the stub (one run fewer, its warning on line 22); on one thread
 * and on two (over 1 MiB of window).
 */
static void
test_tail(void **state)
{
	char path[] = "/tmp/test-history-read-XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_history_padded(path, 40, 0);
	tail_matches(path, 500, 1, false, 1, 22);
	tail_matches(path, 41, 1, false, 1, 22); /* 40 runs + the stub */
	tail_matches(path, 40, 2, true, 1, 22);
	tail_matches(path, 10, 33, true, 0, 0);
	tail_matches(path, 19, 24, true, 0, 0);
	tail_matches(path, 20, 22, true, 1, 22); /* the stub, 19 runs */
	tail_matches(path, 25, 17, true, 1, 22);
	write_history_padded(path, 40, 40 * 1024);
	tail_matches(path, 30, 12, true, 1, 22);
	tail_matches(path, 0, 1, false, 1, 22); /* 0: the whole history */
	unlink(path);
}

/* A stub at the end is skipped, as cstat_history_read() skips it; a bad
 * record inside the window is its error with its line in the file; one
 * before the window is not read. */
static void
test_tail_stub_and_errors(void **state)
{
	char stub[] = "/tmp/test-history-read-XXXXXX";
	char bad[] = "/tmp/test-history-read-XXXXXX";
	cstat_run **runs;
	cstat_tables *t;
	struct cstat_diag d;
	size_t n;
	bool cut;

	(void)state;
	write_file(stub, REC "\n" REC "\n\n" REC "\n{\"schema\":\"cst");
	warnings = 0;
	assert_int_equal(cstat_history_read_tail(stub, 2, NULL, 0.95, &t, &runs,
						 &n, &cut, note_warning, NULL,
						 &d),
			 0);
	assert_int_equal(n, 1);
	assert_true(cut);
	assert_int_equal(warnings, 1);
	assert_int_equal(warned_line, 5);
	cstat_tables_free(t);
	cstat_history_free(runs, n);
	write_file(bad, REC "\n" REC "\n{\"schema\":\"cstat-run/9\",\"groups\""
			    ":[]}\n" REC "\n" REC "\n");
	assert_int_equal(cstat_history_read_tail(bad, 3, NULL, 0.95, &t, &runs,
						 &n, &cut, NULL, NULL, &d),
			 CSTAT_EFORMAT);
	assert_null(t);
	assert_null(runs);
	assert_int_equal(n, 0);
	assert_int_equal(d.line, 3);
	assert_int_equal(cstat_history_read_tail(bad, 2, NULL, 0.95, &t, &runs,
						 &n, &cut, NULL, NULL, &d),
			 0);
	assert_int_equal(n, 2);
	assert_true(cut);
	cstat_tables_free(t);
	cstat_history_free(runs, n);
	unlink(stub);
	unlink(bad);
}

/* A link is refused, as cstat_history_read() refuses it; a missing file
 * and bad arguments are errors; an empty file has no runs. */
static void
test_tail_refused(void **state)
{
	char dir[] = "/tmp/test-history-read-XXXXXX";
	char path[600], link_path[600];
	cstat_run **runs;
	cstat_tables *t;
	struct cstat_diag d;
	size_t n;
	bool cut;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/h.jsonl", dir);
	snprintf(link_path, sizeof(link_path), "%s/l.jsonl", dir);
	spill(path, REC "\n", strlen(REC) + 1);
	assert_int_equal(symlink(path, link_path), 0);
	assert_int_equal(cstat_history_read_tail(link_path, 5, NULL, 0.95, &t,
						 &runs, &n, &cut, NULL, NULL,
						 &d),
			 CSTAT_EACCES);
	assert_null(t);
	assert_int_equal(cstat_history_read(link_path, NULL, 0.95, &t, &runs,
					    &n, NULL, NULL, &d),
			 CSTAT_EACCES);
	assert_int_equal(cstat_history_read_tail(path, 5, NULL, 2, &t, &runs,
						 &n, &cut, NULL, NULL, &d),
			 CSTAT_EINVAL);
	unlink(link_path);
	assert_int_equal(cstat_history_read_tail(link_path, 5, NULL, 0.95, &t,
						 &runs, &n, &cut, NULL, NULL,
						 &d),
			 CSTAT_ENOENT);
	spill(path, "", 0);
	assert_int_equal(cstat_history_read_tail(path, 5, NULL, 0.95, &t, &runs,
						 &n, &cut, NULL, NULL, &d),
			 0);
	assert_int_equal(n, 0);
	assert_false(cut);
	cstat_tables_free(t);
	cstat_history_free(runs, n);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_matches_load),
		cmocka_unit_test(test_read_keeps_same_once),
		cmocka_unit_test(test_read_matches_load_threaded),
		cmocka_unit_test(test_errors_threaded),
		cmocka_unit_test(test_cached),
		cmocka_unit_test(test_cached_appends),
		cmocka_unit_test(test_filtered),
		cmocka_unit_test(test_filtered_bound),
		cmocka_unit_test(test_errors_match_load),
		cmocka_unit_test(test_check_last_record),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_cached_big_table),
		cmocka_unit_test(test_cached_shared_blocks),
		cmocka_unit_test(test_tail),
		cmocka_unit_test(test_tail_stub_and_errors),
		cmocka_unit_test(test_tail_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
