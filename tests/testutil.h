/*
 * testutil.h - helpers shared by the unit tests: comparing doubles (cmocka
 * 1.1.5 has no double assertions), writing temporary input files, and
 * (after cstat.h) making a history run of benchmark text.
 * Include after <cmocka.h>.
 */
#ifndef CSTAT_TESTUTIL_H
#define CSTAT_TESTUTIL_H

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* Fail unless got is within a relative tol of want (NaN matches NaN). */
static inline void
assert_close_at(double got, double want, double tol, const char *file, int line)
{
	if (isnan(got) && isnan(want))
		return;
	if (got == want)
		return;
	if (fabs(got - want) <= tol * fabs(want))
		return;
	print_error("%.17g is not within %g of %.17g\n", got, tol, want);
	_fail(file, line);
}

#define assert_close(got, want, tol)                                           \
	assert_close_at((got), (want), (tol), __FILE__, __LINE__)

/* Fail unless got and want are the same double, bit for bit (any NaN
 * matches any NaN). */
static inline void
assert_same_at(double got, double want, const char *file, int line)
{
	uint64_t g, w;

	if (isnan(got) && isnan(want))
		return;
	memcpy(&g, &got, sizeof(g));
	memcpy(&w, &want, sizeof(w));
	if (g == w)
		return;
	print_error("%a (%.17g) is not %a (%.17g)\n", got, got, want, want);
	_fail(file, line);
}

#define assert_same(got, want) assert_same_at((got), (want), __FILE__, __LINE__)

/* Writes text to a new temporary file; returns its path (caller frees). */
static inline char *
temp_file(const char *text, size_t len)
{
	char *path = strdup("/tmp/cstat-test-XXXXXX");
	int fd = path ? mkstemp(path) : -1;

	if (fd < 0)
		fail_msg("cannot make a temporary file");
	if (write(fd, text, len) != (ssize_t)len)
		fail_msg("cannot write a temporary file");
	close(fd);
	return path;
}

/* How many times needle occurs in hay, not overlapping. */
static inline size_t
count_in(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL;
	     p += strlen(needle))
		n++;
	return n;
}

/* The whole file at path, NUL-ended (caller frees); its length in *len. */
static inline char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	*len = (size_t)ftell(f);
	rewind(f);
	buf = malloc(*len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *len, f), *len);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

#ifdef CSTAT_H
/* A run's cstat-run/1 text, as cstat_run_write() makes it (caller frees). */
static inline char *
text_of(const cstat_run *r, bool pretty, size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);

	assert_non_null(f);
	assert_int_equal(cstat_run_write(r, pretty, f), 0);
	assert_int_equal(fclose(f), 0);
	return out;
}

/* A run of the Go benchmark text (every line must read), named "test",
 * with commit cK: one run of a history.  Needs cstat.h first. */
static inline cstat_run *
test_history_run(const char *text, size_t k)
{
	cstat_reader *r;
	cstat_run *run;
	const struct cstat_result *res;
	struct cstat_diag d;
	char commit[32];
	int rc;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_run_new(&run), 0);
	assert_int_equal(cstat_reader_open_mem(r, text, strlen(text), "x"), 0);
	while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
		assert_int_equal(rc, 1);
		assert_int_equal(cstat_run_add(run, res, r), 0);
	}
	snprintf(commit, sizeof(commit), "c%zu", k);
	assert_int_equal(cstat_run_set(run, "commit", commit), 0);
	assert_int_equal(cstat_run_set(run, "name", "test"), 0);
	cstat_reader_free(r);
	return run;
}
#endif

#endif /* CSTAT_TESTUTIL_H */
