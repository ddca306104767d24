/*
 * test-api.c - every exported function of cstat.h against the header's
 * NULL contract: each pointer argument that may not be NULL, passed as
 * NULL one at a time, gives the documented result (CSTAT_EINVAL for
 * functions that return an error code; NULL, 0, false or NaN for those
 * that return a value; nothing for destructors) without a crash, and
 * every out parameter is reset on failure (*out NULL, counts 0), even
 * when another argument is the NULL one.  The arguments documented as
 * "may be NULL" are passed as NULL too and must work.
 *
 * One table lists every case; each case is a small function that makes
 * one call on objects built once (the fixture) and returns what the call
 * returned, or NOT_RESET when an out parameter kept its stale value.
 * Runs under valgrind and ASan in CI, which catch what a crash would not.
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

#include <cmocka.h>

#include "cstat.h"
#include "testutil.h"

/* What an out parameter holds before a call, to see that it is reset. */
static char stale_byte;
#define STALE ((void *)&stale_byte)

/* A case's result when the call left an out parameter stale. */
#define NOT_RESET 1000L

static const char old_txt[] = "goos: linux\n"
			      "BenchmarkA 1 10 ns/op\n"
			      "BenchmarkA 1 11 ns/op\n"
			      "BenchmarkA 1 12 ns/op\n"
			      "BenchmarkA 1 10 ns/op\n"
			      "BenchmarkA 1 11 ns/op\n";
static const char new_txt[] = "goos: linux\n"
			      "BenchmarkA 1 20 ns/op\n"
			      "BenchmarkA 1 21 ns/op\n"
			      "BenchmarkA 1 22 ns/op\n"
			      "BenchmarkA 1 20 ns/op\n"
			      "BenchmarkA 1 21 ns/op\n";

/* Objects every case may use, built once and valid. */
static struct {
	char dir[64], base[96], hist[96], missing[96];
	FILE *sink;
	cstat_inputs *in;
	cstat_reader *r;
	cstat_builder *b; /* not built */
	cstat_tables *t;  /* two columns, one row */
	cstat_run *runs[2];
	cstat_tables *ht; /* history tables of runs */
	cstat_gate_config *gc;
	cstat_gate *g;
	cstat_v1 *v1;
	struct cstat_result res; /* a result built by hand */
	struct cstat_value val;
	struct cstat_diag d;
} fx;

static const char *const one_arg[] = {"old.txt"};
static const struct cstat_stats_opts stats_opts = {.alpha = 0.05,
						   .confidence = 0.95};

/* Reads text under label into b and into run (either may be NULL). */
static void
read_into(const char *text, const char *label, cstat_builder *b, cstat_run *run)
{
	const struct cstat_result *res;

	assert_int_equal(cstat_reader_open_mem(fx.r, text, strlen(text), label),
			 0);
	while (cstat_reader_next(fx.r, &res, &fx.d) == 1) {
		if (b)
			assert_int_equal(cstat_builder_add(b, res), 0);
		if (run)
			assert_int_equal(cstat_run_add(run, res, fx.r), 0);
	}
}

static void
make_tables(void)
{
	cstat_builder *b;

	assert_int_equal(cstat_builder_new(&b, NULL, &fx.d), 0);
	read_into(old_txt, "old", b, fx.runs[0]);
	read_into(new_txt, "new", b, fx.runs[1]);
	assert_int_equal(cstat_builder_build(b, &stats_opts, &fx.t), 0);
	cstat_builder_free(b);
	assert_int_equal(
		cstat_history_build(fx.runs, 2, NULL, 0.95, &fx.ht, &fx.d), 0);
}

static void
make_files(void)
{
	snprintf(fx.dir, sizeof(fx.dir), "/tmp/cstat-test-api-%ld",
		 (long)getpid());
	assert_int_equal(mkdir(fx.dir, 0755), 0);
	snprintf(fx.base, sizeof(fx.base), "%s/base.json", fx.dir);
	snprintf(fx.hist, sizeof(fx.hist), "%s/hist.jsonl", fx.dir);
	snprintf(fx.missing, sizeof(fx.missing), "%s/missing", fx.dir);
	assert_int_equal(cstat_run_save(fx.runs[0], fx.base, &fx.d), 0);
	assert_int_equal(cstat_run_append(fx.runs[0], fx.hist, &fx.d), 0);
	assert_int_equal(cstat_run_append(fx.runs[1], fx.hist, &fx.d), 0);
}

static int
setup(void **state)
{
	(void)state;
	fx.sink = fopen("/dev/null", "w");
	assert_non_null(fx.sink);
	assert_int_equal(cstat_inputs_new(&fx.in, one_arg, 1), 0);
	assert_int_equal(cstat_reader_new(&fx.r), 0);
	assert_int_equal(cstat_builder_new(&fx.b, NULL, &fx.d), 0);
	assert_int_equal(cstat_run_new(&fx.runs[0]), 0);
	assert_int_equal(cstat_run_new(&fx.runs[1]), 0);
	make_tables();
	make_files();
	assert_int_equal(cstat_gate_config_new(&fx.gc), 0);
	assert_int_equal(cstat_gate_new(&fx.g, fx.t, fx.gc, NULL, false), 0);
	assert_int_equal(cstat_v1_new(&fx.v1, NULL), 0);
	fx.val = (struct cstat_value){1e-8, "sec/op", 10, "ns/op"};
	fx.res = (struct cstat_result){.file = "f",
				       .name = "A",
				       .name_len = 1,
				       .values = &fx.val,
				       .nvalues = 1,
				       .line = 1};
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	cstat_v1_free(fx.v1);
	cstat_gate_free(fx.g);
	cstat_gate_config_free(fx.gc);
	cstat_tables_free(fx.ht);
	cstat_tables_free(fx.t);
	cstat_run_free(fx.runs[0]);
	cstat_run_free(fx.runs[1]);
	cstat_builder_free(fx.b);
	cstat_reader_free(fx.r);
	cstat_inputs_free(fx.in);
	fclose(fx.sink);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", fx.dir);
	return system(cmd);
}

/* rc, unless the out parameter p was left stale. */
static long
reset(int rc, const void *p)
{
	return p == NULL ? rc : NOT_RESET;
}

/* ---- Errors and diagnostics ---- */

static long
diag_format_null_diag(void)
{
	char buf[8] = "xx";
	size_t n = cstat_diag_format(NULL, buf, sizeof(buf));

	return buf[0] == '\0' ? (long)n : NOT_RESET;
}

static long
diag_format_null_buf(void)
{
	struct cstat_diag d = {.message = "four"};

	return (long)cstat_diag_format(&d, NULL, 8);
}

/* ---- Inputs ---- */

static long
inputs_new_null_out(void)
{
	return cstat_inputs_new(NULL, one_arg, 1);
}

static long
inputs_new_null_args(void)
{
	cstat_inputs *in = STALE;
	int rc = cstat_inputs_new(&in, NULL, 1);

	return reset(rc, in);
}

static long
inputs_new_null_arg(void)
{
	const char *const args[] = {"a", NULL};
	cstat_inputs *in = STALE;
	int rc = cstat_inputs_new(&in, args, 2);

	return reset(rc, in);
}

static long
inputs_free_null(void)
{
	cstat_inputs_free(NULL);
	return 0;
}

static long
inputs_count_null(void)
{
	return (long)cstat_inputs_count(NULL);
}

static long
inputs_get_null(void)
{
	return cstat_inputs_get(NULL, 0) != NULL;
}

static long
inputs_set_format_null(void)
{
	return cstat_inputs_set_format(NULL, "go");
}

static long
input_format_name_out_of_range(void)
{
	return cstat_input_format_name(cstat_input_formats_count()) != NULL ||
	       cstat_input_format_title(cstat_input_formats_count()) != NULL;
}

/* ---- Reader ---- */

static long
reader_open_input_null_reader(void)
{
	struct cstat_input in = {fx.base, NULL, NULL};

	return cstat_reader_open_input(NULL, &in, &fx.d);
}

static long
reader_open_input_null_input(void)
{
	return cstat_reader_open_input(fx.r, NULL, &fx.d);
}

static long
reader_set_format_null_reader(void)
{
	return cstat_reader_set_format(NULL, "go");
}

static long
reader_format_null(void)
{
	return cstat_reader_format(NULL) != NULL;
}

static long
reader_new_null_out(void)
{
	return cstat_reader_new(NULL);
}

static long
reader_free_null(void)
{
	cstat_reader_free(NULL);
	return 0;
}

static long
reader_open_null_reader(void)
{
	return cstat_reader_open(NULL, fx.base, NULL, &fx.d);
}

static long
reader_open_null_path(void)
{
	return cstat_reader_open(fx.r, NULL, NULL, &fx.d);
}

/* A directory read with no diagnostics wanted: d may be NULL. */
static long
reader_open_dir_null_diag(void)
{
	const struct cstat_result *res;
	int rc = cstat_reader_open(fx.r, fx.dir, NULL, NULL);

	if (rc == 0)
		rc = cstat_reader_next(fx.r, &res, NULL);
	return rc;
}

static long
reader_open_missing_null_diag(void)
{
	return cstat_reader_open(fx.r, fx.missing, NULL, NULL);
}

static long
reader_open_mem_null_reader(void)
{
	return cstat_reader_open_mem(NULL, old_txt, 1, NULL);
}

static long
reader_open_mem_null_data(void)
{
	return cstat_reader_open_mem(fx.r, NULL, 1, NULL);
}

static long
reader_next_null_reader(void)
{
	const struct cstat_result *res = STALE;
	int rc = cstat_reader_next(NULL, &res, &fx.d);

	return reset(rc, res);
}

static long
reader_next_null_res(void)
{
	return cstat_reader_next(fx.r, NULL, &fx.d);
}

/* A malformed line with no diagnostics wanted. */
static long
reader_next_syntax_null_diag(void)
{
	static const char bad[] = "BenchmarkX 1 2\n";
	const struct cstat_result *res = STALE;
	int rc = cstat_reader_open_mem(fx.r, bad, strlen(bad), NULL);

	if (rc == 0)
		rc = cstat_reader_next(fx.r, &res, NULL);
	return reset(rc, res);
}

static long
reader_unit_meta_null(void)
{
	return cstat_reader_unit_meta(NULL, "sec/op", "assume") ||
	       cstat_reader_unit_meta(fx.r, NULL, "assume") ||
	       cstat_reader_unit_meta(fx.r, "sec/op", NULL);
}

/* ---- Builder ---- */

static long
builder_new_null_out(void)
{
	return cstat_builder_new(NULL, NULL, &fx.d);
}

static long
builder_new_bad_opts_null_diag(void)
{
	const struct cstat_builder_opts o = {.filter = "(unclosed"};
	cstat_builder *b = STALE;
	int rc = cstat_builder_new(&b, &o, NULL);

	if (rc == 0)
		cstat_builder_free(b);
	return reset(rc, b);
}

static long
builder_free_null(void)
{
	cstat_builder_free(NULL);
	return 0;
}

static long
builder_add_null_builder(void)
{
	return cstat_builder_add(NULL, &fx.res);
}

static long
builder_summaries_only_null(void)
{
	return cstat_builder_summaries_only(NULL);
}

/* Either argument NULL: refused; both must be given. */
static long
builder_diagnose_null(void)
{
	cstat_diagnose *dg = NULL;
	long rc;

	if (cstat_diagnose_new(NULL, &dg))
		return 0;
	rc = cstat_builder_diagnose(NULL, dg);
	cstat_diagnose_free(dg);
	return rc == CSTAT_EINVAL && cstat_builder_diagnose(fx.b, NULL) ==
					     CSTAT_EINVAL
		       ? CSTAT_EINVAL
		       : 0;
}

static long
builder_diagnose_strong_null(void)
{
	cstat_diagnose *dg = NULL;
	long rc;

	if (cstat_diagnose_new(NULL, &dg))
		return 0;
	rc = cstat_builder_diagnose_strong(NULL, dg);
	cstat_diagnose_free(dg);
	return rc == CSTAT_EINVAL && cstat_builder_diagnose_strong(
					     fx.b, NULL) == CSTAT_EINVAL
		       ? CSTAT_EINVAL
		       : 0;
}

static long
builder_add_null_result(void)
{
	return cstat_builder_add(fx.b, NULL);
}

static long
builder_read_null_builder(void)
{
	return cstat_builder_read(NULL, fx.r, fx.in, 1, NULL, NULL, NULL);
}

static long
builder_read_null_reader(void)
{
	return cstat_builder_read(fx.b, NULL, fx.in, 1, NULL, NULL, NULL);
}

static long
builder_read_null_inputs(void)
{
	return cstat_builder_read(fx.b, fx.r, NULL, 2, NULL, NULL, NULL);
}

static long
builder_build_null_builder(void)
{
	cstat_tables *t = STALE;
	int rc = cstat_builder_build(NULL, &stats_opts, &t);

	return reset(rc, t);
}

/* NULL opts are the defaults (test_null_opts_are_defaults compares the
 * tables): the call succeeds, on a builder of its own. */
static long
builder_build_null_opts(void)
{
	cstat_builder *b = NULL;
	cstat_tables *t = STALE;
	int rc = cstat_builder_new(&b, NULL, NULL);

	if (!rc)
		rc = cstat_builder_build(b, NULL, &t);
	cstat_builder_free(b);
	if (!rc && t == STALE)
		return NOT_RESET;
	cstat_tables_free(t);
	return rc;
}

static long
builder_build_null_out(void)
{
	return cstat_builder_build(fx.b, &stats_opts, NULL);
}

/* ---- Tables ---- */

static long
tables_free_null(void)
{
	cstat_tables_free(NULL);
	return 0;
}

static long
tables_getters_null(void)
{
	return (long)(cstat_tables_count(NULL) + cstat_table_rows(NULL, 0) +
		      cstat_table_cols(NULL, 0) +
		      cstat_tables_stat_count(NULL)) +
	       (cstat_table_unit(NULL, 0) != NULL) +
	       (cstat_table_row_label(NULL, 0, 0) != NULL) +
	       (cstat_table_col_label(NULL, 0, 0) != NULL) +
	       (cstat_table_cell_warning(NULL, 0, 0, 0, 0) != NULL) +
	       (cstat_tables_stat_name(NULL, 0) != NULL) +
	       cstat_table_exact(NULL, 0) + cstat_table_higher_better(NULL, 0);
}

static long
table_cell_null_tables(void)
{
	struct cstat_cell c = {.present = true, .n = 9};
	int rc = cstat_table_cell(NULL, 0, 0, 0, &c);

	return c.present || c.n ? NOT_RESET : rc;
}

static long
table_cell_null_out(void)
{
	return cstat_table_cell(fx.t, 0, 0, 0, NULL);
}

static long
table_cell_values_null_tables(void)
{
	size_t n = 9;
	const double *v = cstat_table_cell_values(NULL, 0, 0, 0, &n);

	return n ? NOT_RESET : v != NULL;
}

static long
table_cell_values_null_n(void)
{
	return cstat_table_cell_values(fx.t, 0, 0, 0, NULL) != NULL;
}

static long
table_key_null_tables(void)
{
	const char *name = STALE, *value = STALE;
	int rc = cstat_table_key(NULL, 0, 0, &name, &value);

	return name || value ? NOT_RESET : rc;
}

static long
table_key_null_name(void)
{
	const char *value = STALE;
	int rc = cstat_table_key(fx.t, 0, 0, NULL, &value);

	return reset(rc, value);
}

static long
table_key_null_value(void)
{
	const char *name = STALE;
	int rc = cstat_table_key(fx.t, 0, 0, &name, NULL);

	return reset(rc, name);
}

static long
tables_set_null_tables(void)
{
	return cstat_tables_set(NULL, "stats", "mean", &fx.d);
}

static long
tables_set_null_key(void)
{
	return cstat_tables_set(fx.t, NULL, "mean", NULL);
}

static long
tables_set_null_value(void)
{
	return cstat_tables_set(fx.t, "stats", NULL, NULL);
}

static long
table_cell_stat_null_tables(void)
{
	double v = 1;
	int rc = cstat_table_cell_stat(NULL, 0, 0, 0, 0, &v);

	return isnan(v) ? rc : NOT_RESET;
}

static long
table_cell_stat_null_out(void)
{
	return cstat_table_cell_stat(fx.t, 0, 0, 0, 0, NULL);
}

static long
tables_write_null_tables(void)
{
	return cstat_tables_write(NULL, CSTAT_FORMAT_TEXT, fx.sink, NULL);
}

static long
tables_write_null_out(void)
{
	return cstat_tables_write(fx.t, CSTAT_FORMAT_TEXT, NULL, fx.sink);
}

static long
tables_write_null_warn(void)
{
	return cstat_tables_write(fx.t, CSTAT_FORMAT_CSV, fx.sink, NULL);
}

static long
format_parse_null_name(void)
{
	enum cstat_format f;

	return cstat_format_parse(NULL, &f);
}

static long
format_parse_null_out(void)
{
	return cstat_format_parse("text", NULL);
}

/* ---- Runs and histories ---- */

static long
run_new_null_out(void)
{
	return cstat_run_new(NULL);
}

static long
run_free_null(void)
{
	cstat_run_free(NULL);
	return 0;
}

static long
run_add_null_run(void)
{
	return cstat_run_add(NULL, &fx.res, NULL);
}

static long
run_add_null_result(void)
{
	return cstat_run_add(fx.runs[0], NULL, NULL);
}

static long
run_set_null_run(void)
{
	return cstat_run_set(NULL, "name", "x");
}

static long
run_set_null_key(void)
{
	return cstat_run_set(fx.runs[0], NULL, "x");
}

static long
run_set_null_value(void)
{
	return cstat_run_set(fx.runs[0], "meta.none", NULL);
}

static long
run_getters_null(void)
{
	return (long)cstat_run_count(NULL) +
	       (cstat_run_get(NULL, "name") != NULL) +
	       (cstat_run_get(fx.runs[0], NULL) != NULL);
}

static long
run_env_diff_null_a(void)
{
	char buf[16];

	return cstat_run_env_diff(NULL, fx.runs[1], buf, sizeof(buf));
}

static long
run_env_diff_null_b(void)
{
	char buf[16];

	return cstat_run_env_diff(fx.runs[0], NULL, buf, sizeof(buf));
}

static long
run_env_diff_null_buf(void)
{
	return cstat_run_env_diff(fx.runs[0], fx.runs[1], NULL, 16);
}

static long
run_write_null_run(void)
{
	return cstat_run_write(NULL, true, fx.sink);
}

static long
run_write_null_out(void)
{
	return cstat_run_write(fx.runs[0], true, NULL);
}

static long
run_save_null_run(void)
{
	return cstat_run_save(NULL, fx.base, &fx.d);
}

static long
run_save_null_path(void)
{
	return cstat_run_save(fx.runs[0], NULL, &fx.d);
}

static long
run_append_null_run(void)
{
	return cstat_run_append(NULL, fx.hist, &fx.d);
}

static long
run_append_null_path(void)
{
	return cstat_run_append(fx.runs[0], NULL, &fx.d);
}

static long
run_load_null_out(void)
{
	return cstat_run_load(NULL, fx.base, &fx.d);
}

static long
run_load_null_path(void)
{
	cstat_run *run = STALE;
	int rc = cstat_run_load(&run, NULL, &fx.d);

	return reset(rc, run);
}

static long
run_load_missing_null_diag(void)
{
	cstat_run *run = STALE;
	int rc = cstat_run_load(&run, fx.missing, NULL);

	return reset(rc, run);
}

static long
run_text_null_run(void)
{
	char *s = STALE;
	size_t len = 9;
	int rc = cstat_run_text(NULL, &s, &len);

	return len ? NOT_RESET : reset(rc, s);
}

static long
run_text_null_out(void)
{
	size_t len = 9;
	int rc = cstat_run_text(fx.runs[0], NULL, &len);

	return len ? NOT_RESET : rc;
}

static long
run_text_null_len(void)
{
	char *s = STALE;
	int rc = cstat_run_text(fx.runs[0], &s, NULL);

	return reset(rc, s);
}

static long
history_load_null_path(void)
{
	cstat_run **runs = STALE;
	size_t n = 9;
	int rc = cstat_history_load(NULL, &runs, &n, NULL, NULL, &fx.d);

	return n ? NOT_RESET : reset(rc, runs);
}

static long
history_load_null_runs(void)
{
	size_t n = 9;
	int rc = cstat_history_load(fx.hist, NULL, &n, NULL, NULL, &fx.d);

	return n ? NOT_RESET : rc;
}

static long
history_load_null_nruns(void)
{
	cstat_run **runs = STALE;
	int rc = cstat_history_load(fx.hist, &runs, NULL, NULL, NULL, &fx.d);

	return reset(rc, runs);
}

static long
history_load_missing_null_diag(void)
{
	cstat_run **runs = STALE;
	size_t n = 9;
	int rc = cstat_history_load(fx.missing, &runs, &n, NULL, NULL, NULL);

	return n ? NOT_RESET : reset(rc, runs);
}

static long
history_free_null(void)
{
	cstat_history_free(NULL, 3);
	return 0;
}

static long
history_build_null_runs(void)
{
	cstat_tables *t = STALE;
	int rc = cstat_history_build(NULL, 2, NULL, 0.95, &t, &fx.d);

	return reset(rc, t);
}

static long
history_build_null_run(void)
{
	cstat_run *const runs[] = {fx.runs[0], NULL};
	cstat_tables *t = STALE;
	int rc = cstat_history_build(runs, 2, NULL, 0.95, &t, NULL);

	return reset(rc, t);
}

static long
history_build_null_out(void)
{
	return cstat_history_build(fx.runs, 2, NULL, 0.95, NULL, &fx.d);
}

static long
history_describe_null_path(void)
{
	struct cstat_history_info hi = {.runs = 9, .created = (char *)"x"};
	int rc = cstat_history_describe(NULL, NULL, &hi, NULL, NULL, &fx.d);

	return hi.runs || hi.created ? NOT_RESET : rc;
}

static long
history_describe_null_info(void)
{
	return cstat_history_describe("/nonexistent", NULL, NULL, NULL, NULL,
				      &fx.d);
}

static long
history_describe_missing_null_diag(void)
{
	struct cstat_history_info hi = {.runs = 9};
	int rc = cstat_history_describe("/nonexistent/h.jsonl", NULL, &hi, NULL,
					NULL, NULL);

	return hi.runs ? NOT_RESET : rc;
}

static long
history_prune_null_path(void)
{
	size_t removed = 9;
	int rc = cstat_history_prune(NULL, 1, &removed, &fx.d);

	return removed ? NOT_RESET : rc;
}

static long
history_read_tail_null_path(void)
{
	cstat_tables *t = (cstat_tables *)&fx;
	cstat_run **runs = (cstat_run **)&fx;
	size_t n = 9;
	bool cut = true;
	int rc = cstat_history_read_tail(NULL, 5, NULL, 0.95, &t, &runs, &n,
					 &cut, NULL, NULL, &fx.d);

	return t || runs || n || cut ? NOT_RESET : rc;
}

static long
history_read_tail_null_out(void)
{
	cstat_run **runs = (cstat_run **)&fx;
	size_t n = 9;
	int rc = cstat_history_read_tail(fx.hist, 5, NULL, 0.95, NULL, &runs,
					 &n, NULL, NULL, NULL, &fx.d);

	return runs || n ? NOT_RESET : rc;
}

static long
history_read_filtered_null_path(void)
{
	cstat_tables *t = (cstat_tables *)&fx;
	cstat_run **runs = (cstat_run **)&fx;
	size_t n = 9;
	int status = 9;
	int rc = cstat_history_read_filtered(NULL, NULL, ".name:A", 0.95, &t,
					     &runs, &n, NULL, NULL, &fx.d,
					     &status);

	return t || runs || n || status != -1 ? NOT_RESET : rc;
}

static long
history_read_filtered_bad_filter(void)
{
	cstat_tables *t = (cstat_tables *)&fx;
	cstat_run **runs = (cstat_run **)&fx;
	size_t n = 9;
	int rc =
		cstat_history_read_filtered(fx.hist, NULL, ".name:(", 0.95, &t,
					    &runs, &n, NULL, NULL, &fx.d, NULL);

	return t || runs || n ? NOT_RESET : rc;
}

static long
store_history_tables_cached_null(void)
{
	cstat_tables *t = (cstat_tables *)&fx;
	cstat_run **runs = (cstat_run **)&fx;
	size_t n = 9;
	int status = 9;
	int rc = cstat_store_history_tables_cached(NULL, "main", NULL, NULL,
						   0.95, "/nonexistent", &t,
						   &runs, &n, &status, &fx.d);

	return t || runs || n || status != -1 ? NOT_RESET : rc;
}

static long
gate_config_set_history_cut_null(void)
{
	return cstat_gate_config_set_history_cut(NULL, true);
}

static long
history_merge_null_path(void)
{
	size_t added = 9, total = 9;
	int rc = cstat_history_merge(NULL, "/nonexistent", &added, &total, NULL,
				     NULL, &fx.d);

	return added || total ? NOT_RESET : rc;
}

static long
history_merge_null_from(void)
{
	size_t added = 9, total = 9;
	int rc = cstat_history_merge("/nonexistent", NULL, &added, &total, NULL,
				     NULL, &fx.d);

	return added || total ? NOT_RESET : rc;
}

static long
baseline_merge_null_path(void)
{
	bool replaced = true;
	int rc = cstat_baseline_merge(NULL, "/nonexistent", &replaced, &fx.d);

	return replaced ? NOT_RESET : rc;
}

static long
baseline_merge_null_from(void)
{
	bool replaced = true;
	int rc = cstat_baseline_merge("/nonexistent", NULL, &replaced, &fx.d);

	return replaced ? NOT_RESET : rc;
}

/* The shared stores (cstat_store_*()): no server is needed to check the
 * NULL contract, which is checked before any connection. */
static long
store_scheme_null(void)
{
	return cstat_store_scheme(NULL) != NULL;
}

static long
store_redact_null_location(void)
{
	char buf[8] = "stale";

	cstat_store_redact(NULL, buf, sizeof(buf));
	return buf[0] ? NOT_RESET : 0;
}

static long
store_redact_null_buf(void)
{
	cstat_store_redact("postgresql://u:p@h/db", NULL, 64);
	return 0;
}

static long
store_open_null_out(void)
{
	return cstat_store_open(NULL, "postgresql:///db", NULL, &fx.d);
}

static long
store_open_null_location(void)
{
	cstat_store *s = STALE;
	int rc = cstat_store_open(&s, NULL, NULL, &fx.d);

	return s ? NOT_RESET : rc;
}

static long
store_open_empty(void)
{
	cstat_store *s = STALE;
	int rc = cstat_store_open(&s, "", NULL, NULL);

	return s ? NOT_RESET : rc;
}

static long
store_close_null(void)
{
	cstat_store_close(NULL);
	return 0;
}

static long
store_baseline_save_null(void)
{
	return cstat_store_baseline_save(NULL, "main", "{}", 2, &fx.d);
}

static long
store_baseline_load_null(void)
{
	char *text = STALE;
	size_t len = 9;
	int rc = cstat_store_baseline_load(NULL, "main", &text, &len, &fx.d);

	return text || len ? NOT_RESET : rc;
}

static long
store_baseline_remove_null(void)
{
	return cstat_store_baseline_remove(NULL, "main", &fx.d);
}

static long
store_names_null(void)
{
	char **names = STALE;
	size_t n = 9;
	int rc = cstat_store_names(NULL, "history", &names, &n, &fx.d);

	return names || n ? NOT_RESET : rc;
}

static long
store_record_null(void)
{
	bool added = true;
	int rc = cstat_store_record(NULL, "main", "{}", 2, &added, &fx.d);

	return added ? NOT_RESET : rc;
}

static long
store_history_tail_null(void)
{
	char *bytes = STALE;
	size_t len = 9;
	int rc = cstat_store_history_tail(NULL, "main", 5, &bytes, &len, &fx.d);

	return bytes || len ? NOT_RESET : rc;
}

static long
store_history_null(void)
{
	char *bytes = STALE;
	size_t len = 9;
	int rc = cstat_store_history(NULL, "main", &bytes, &len, &fx.d);

	return bytes || len ? NOT_RESET : rc;
}

static long
store_prune_null(void)
{
	size_t removed = 9;
	int rc = cstat_store_prune(NULL, "main", 1, &removed, &fx.d);

	return removed ? NOT_RESET : rc;
}

static long
store_describe_null(void)
{
	struct cstat_store_entry *e = (struct cstat_store_entry *)STALE;
	size_t n = 9;
	int rc = cstat_store_describe(NULL, "history", &e, &n, &fx.d);

	return e || n ? NOT_RESET : rc;
}

static long
store_replace_null(void)
{
	return cstat_store_replace(NULL, "main", "", 0, &fx.d);
}

static long
store_history_cache_null(void)
{
	enum cstat_cache_how how = CSTAT_CACHE_FETCHED;
	int rc = cstat_store_history_cache(NULL, "main", 0, &how, &fx.d);

	return how != CSTAT_CACHE_HIT ? NOT_RESET : rc;
}

static long
store_baseline_cache_null(void)
{
	return cstat_store_baseline_cache(NULL, "main", 0, &fx.d);
}

static long
history_changes_null_tables(void)
{
	struct cstat_change *ch = STALE;
	size_t n = 9;
	int rc = cstat_history_changes(NULL, 0, 0, &ch, &n);

	return n ? NOT_RESET : reset(rc, ch);
}

static long
history_changes_null_out(void)
{
	size_t n = 9;
	int rc = cstat_history_changes(fx.ht, 0, 0, NULL, &n);

	return n ? NOT_RESET : rc;
}

static long
history_changes_null_n(void)
{
	struct cstat_change *ch = STALE;
	int rc = cstat_history_changes(fx.ht, 0, 0, &ch, NULL);

	return reset(rc, ch);
}

static long
forecast_fit_null_out(void)
{
	double y[] = {1, 2, 3};

	return cstat_forecast_fit(NULL, y, 3, 0.05, false, NULL, NULL);
}

static long
forecast_fit_null_values(void)
{
	struct cstat_forecast f;

	return cstat_forecast_fit(NULL, NULL, 3, 0.05, false, NULL, &f);
}

static long
forecast_predict_null(void)
{
	double m, l, h;

	return cstat_forecast_predict(NULL, 1, &m, &l, &h);
}

static long
history_forecast_null_tables(void)
{
	struct cstat_forecast *f = STALE;
	size_t n = 9;
	int rc = cstat_history_forecast(NULL, NULL, 0, NULL, &f, &n);

	return n ? NOT_RESET : reset(rc, f);
}

static long
history_forecast_null_out(void)
{
	size_t n = 9;
	int rc = cstat_history_forecast(fx.ht, NULL, 0, NULL, NULL, &n);

	return n ? NOT_RESET : rc;
}

static long
history_forecast_null_changes(void)
{
	struct cstat_forecast *f = STALE;
	size_t n = 9;
	int rc = cstat_history_forecast(fx.ht, NULL, 1, NULL, &f, &n);

	return n ? NOT_RESET : reset(rc, f);
}

static long
forecast_write_null_tables(void)
{
	return cstat_forecast_write(fx.runs, 2, NULL, NULL, 0, NULL, 0, NULL,
				    NULL, CSTAT_FORMAT_TEXT, fx.sink);
}

static long
forecast_write_null_out(void)
{
	return cstat_forecast_write(fx.runs, 2, fx.ht, NULL, 0, NULL, 0, NULL,
				    NULL, CSTAT_FORMAT_TEXT, NULL);
}

static long
forecast_write_null_forecasts(void)
{
	return cstat_forecast_write(fx.runs, 2, fx.ht, NULL, 0, NULL, 1, NULL,
				    NULL, CSTAT_FORMAT_TEXT, fx.sink);
}

static long
history_write_null_runs(void)
{
	return cstat_history_write(NULL, 2, fx.ht, NULL, 0, CSTAT_FORMAT_CSV,
				   fx.sink);
}

static long
history_write_null_run(void)
{
	cstat_run *const runs[] = {fx.runs[0], NULL};

	return cstat_history_write(runs, 2, fx.ht, NULL, 0, CSTAT_FORMAT_CSV,
				   fx.sink);
}

static long
history_write_null_tables(void)
{
	return cstat_history_write(fx.runs, 2, NULL, NULL, 0, CSTAT_FORMAT_CSV,
				   fx.sink);
}

static long
history_write_null_changes(void)
{
	return cstat_history_write(fx.runs, 2, fx.ht, NULL, 1, CSTAT_FORMAT_CSV,
				   fx.sink);
}

static long
history_write_null_out(void)
{
	return cstat_history_write(fx.runs, 2, fx.ht, NULL, 0, CSTAT_FORMAT_CSV,
				   NULL);
}

/* ---- Formatting ---- */

static long
format_value_null_unit(void)
{
	char buf[16];

	return (long)cstat_format_value(1.5, NULL, buf, sizeof(buf));
}

static long
format_value_null_buf(void)
{
	return (long)cstat_format_value(1.5, "sec/op", NULL, 16);
}

/* ---- Gate ---- */

static long
unit_class_of_null(void)
{
	return cstat_unit_class_of(NULL);
}

static long
gate_config_new_null_out(void)
{
	return cstat_gate_config_new(NULL);
}

static long
gate_config_free_null(void)
{
	cstat_gate_config_free(NULL);
	return 0;
}

static long
gate_config_set_null_config(void)
{
	return cstat_gate_config_set(NULL, "alpha", "0.1", &fx.d);
}

static long
gate_config_set_null_key(void)
{
	return cstat_gate_config_set(fx.gc, NULL, "0.1", NULL);
}

static long
gate_config_set_null_value(void)
{
	return cstat_gate_config_set(fx.gc, "alpha", NULL, NULL);
}

static long
gate_config_load_null_config(void)
{
	return cstat_gate_config_load(NULL, fx.base, &fx.d);
}

static long
gate_config_load_null_path(void)
{
	return cstat_gate_config_load(fx.gc, NULL, &fx.d);
}

static long
gate_config_load_missing_null_diag(void)
{
	return cstat_gate_config_load(fx.gc, fx.missing, NULL);
}

static long
gate_config_load_mem_null_config(void)
{
	return cstat_gate_config_load_mem(NULL, "{}", 2, NULL, &fx.d);
}

static long
gate_config_load_mem_null_data(void)
{
	return cstat_gate_config_load_mem(fx.gc, NULL, 2, NULL, &fx.d);
}

/* name and d may be NULL. */
static long
gate_config_load_mem_null_name_diag(void)
{
	return cstat_gate_config_load_mem(fx.gc, "{}", 2, NULL, NULL);
}

static long
gate_config_load_mem_bad_null_diag(void)
{
	return cstat_gate_config_load_mem(fx.gc, "{\"alpha\": 2}", 12, NULL,
					  NULL);
}

static long
gate_new_null_out(void)
{
	return cstat_gate_new(NULL, fx.t, fx.gc, NULL, false);
}

static long
gate_new_null_tables(void)
{
	cstat_gate *g = STALE;
	int rc = cstat_gate_new(&g, NULL, fx.gc, NULL, false);

	return reset(rc, g);
}

/* NULL settings are the defaults: the call succeeds. */
static long
gate_new_null_config(void)
{
	cstat_gate *g = STALE;
	int rc = cstat_gate_new(&g, fx.t, NULL, NULL, false);

	if (!rc && (g == STALE || g == NULL))
		return NOT_RESET;
	cstat_gate_free(g);
	return rc;
}

static long
gate_free_null(void)
{
	cstat_gate_free(NULL);
	return 0;
}

static long
gate_getters_null(void)
{
	return (long)(cstat_gate_count(NULL) + cstat_gate_tally(NULL, 0) +
		      cstat_gate_ignored(NULL)) +
	       (cstat_gate_get(NULL, 0) != NULL) +
	       !isnan(cstat_gate_detectable(NULL, 0)) +
	       cstat_gate_status(NULL, true);
}

static long
gate_explain_null_gate(void)
{
	return cstat_gate_explain(NULL, "*", fx.sink);
}

static long
gate_explain_null_pattern(void)
{
	return cstat_gate_explain(fx.g, NULL, fx.sink);
}

static long
gate_explain_null_out(void)
{
	return cstat_gate_explain(fx.g, "*", NULL);
}

static long
gate_write_null_gate(void)
{
	return cstat_gate_write(NULL, CSTAT_REPORT_TEXT, false, fx.sink);
}

static long
gate_write_null_out(void)
{
	return cstat_gate_write(fx.g, CSTAT_REPORT_TEXT, false, NULL);
}

static long
report_parse_null_name(void)
{
	enum cstat_report f;

	return cstat_report_parse(NULL, &f);
}

static long
report_parse_null_out(void)
{
	return cstat_report_parse("text", NULL);
}

/* ---- v1 ---- */

static long
v1_test_parse_null(void)
{
	return cstat_v1_test_parse(NULL);
}

static long
v1_sort_parse_null(void)
{
	return cstat_v1_sort_parse(NULL);
}

static long
v1_new_null_out(void)
{
	return cstat_v1_new(NULL, NULL);
}

static long
v1_free_null(void)
{
	cstat_v1_free(NULL);
	return 0;
}

static long
v1_set_threads_null(void)
{
	return cstat_v1_set_threads(NULL, 2);
}

static long
v1_add_file_null_v1(void)
{
	return cstat_v1_add_file(NULL, fx.base, &fx.d);
}

static long
v1_add_file_null_path(void)
{
	return cstat_v1_add_file(fx.v1, NULL, &fx.d);
}

static long
v1_add_file_missing_null_diag(void)
{
	return cstat_v1_add_file(fx.v1, fx.missing, NULL);
}

static long
v1_add_mem_null_v1(void)
{
	return cstat_v1_add_mem(NULL, "n", old_txt, 1);
}

static long
v1_add_mem_null_name(void)
{
	return cstat_v1_add_mem(fx.v1, NULL, old_txt, 1);
}

static long
v1_add_mem_null_data(void)
{
	return cstat_v1_add_mem(fx.v1, "n", NULL, 1);
}

static long
v1_write_null_v1(void)
{
	return cstat_v1_write(NULL, CSTAT_V1_TEXT, false, fx.sink);
}

static long
v1_write_null_out(void)
{
	return cstat_v1_write(fx.v1, CSTAT_V1_TEXT, false, NULL);
}

/* ---- Metric correlation ---- */

static long
correlate_new_null_out(void)
{
	return cstat_correlate_new(NULL, 2, 0.95);
}

static long
correlate_new_bad_resets(void)
{
	cstat_correlate *c = (cstat_correlate *)&fx;
	int rc = cstat_correlate_new(&c, 0, 0.95);

	return reset(rc, c);
}

static long
correlate_free_null(void)
{
	cstat_correlate_free(NULL);
	return 0;
}

static long
correlate_add_null(void)
{
	struct cstat_result res = {0};
	cstat_correlate *c;
	long rc;

	if (cstat_correlate_new(&c, 1, 0.95))
		return NOT_RESET;
	rc = cstat_correlate_add(NULL, 0, &res) == CSTAT_EINVAL &&
	     cstat_correlate_add(c, 0, NULL) == CSTAT_EINVAL;
	cstat_correlate_free(c);
	return rc ? CSTAT_EINVAL : 0;
}

static long
correlate_build_null(void)
{
	return cstat_correlate_build(NULL);
}

static long
correlate_getters_null(void)
{
	char buf[4] = "x";

	return (long)(cstat_correlate_count(NULL) +
		      cstat_correlate_within_count(NULL) +
		      cstat_correlate_pair_text(NULL, buf, sizeof(buf))) +
	       (cstat_correlate_get(NULL, 0) != NULL) +
	       (cstat_correlate_within_get(NULL, 0) != NULL) +
	       (cstat_correlate_label(NULL, 0) != NULL) +
	       !isnan(cstat_correlate_confidence(NULL)) + (buf[0] != 0);
}

static long
correlate_write_null(void)
{
	cstat_correlate *c;
	long rc;

	if (cstat_correlate_new(&c, 1, 0.95) || cstat_correlate_build(c))
		return NOT_RESET;
	rc = cstat_correlate_write(NULL, CSTAT_FORMAT_TEXT, fx.sink) ==
		     CSTAT_EINVAL &&
	     cstat_correlate_write(c, CSTAT_FORMAT_TEXT, NULL) == CSTAT_EINVAL;
	cstat_correlate_free(c);
	return rc ? CSTAT_EINVAL : 0;
}

static long
correlate_spearman_null(void)
{
	double x[] = {1, 2, 3};
	struct cstat_rho r;

	if (cstat_correlate_spearman(x, x, 3, 0.95, NULL) != CSTAT_EINVAL ||
	    cstat_correlate_spearman(NULL, x, 3, 0.95, &r) != CSTAT_EINVAL ||
	    cstat_correlate_spearman(x, NULL, 3, 0.95, &r) != CSTAT_EINVAL)
		return 0;
	/* n 0 may come with NULL arrays: no pairs, a result. */
	return cstat_correlate_spearman(NULL, NULL, 0, 0.95, &r) == 0 &&
			       r.status == CSTAT_RHO_FEW
		       ? CSTAT_EINVAL
		       : 0;
}

static long
plan_change_parse_null(void)
{
	double v;

	return cstat_plan_change_parse(NULL, &v) +
	       cstat_plan_change_parse("3%", NULL) - CSTAT_EINVAL;
}

static const struct cstat_plan_opts plan_opts = {0.1, 0, 0, 0};

static long
plan_new_null_out(void)
{
	return cstat_plan_new(NULL, fx.t, fx.gc, &plan_opts);
}

static long
plan_new_null_tables(void)
{
	cstat_plan *p = (cstat_plan *)&fx;
	int rc = cstat_plan_new(&p, NULL, fx.gc, &plan_opts);

	return p == NULL ? rc : NOT_RESET;
}

static long
plan_new_null_opts(void)
{
	cstat_plan *p = (cstat_plan *)&fx;
	int rc = cstat_plan_new(&p, fx.t, fx.gc, NULL);

	return p == NULL ? rc : NOT_RESET;
}

static long
plan_write_null_plan(void)
{
	return cstat_plan_write(NULL, CSTAT_REPORT_TEXT, fx.sink);
}

static long
plan_getters_null(void)
{
	cstat_plan_free(NULL);
	return (long)cstat_plan_count(NULL) +
	       (cstat_plan_get(NULL, 0) != NULL) +
	       (cstat_plan_suite(NULL) != NULL);
}

struct api_case {
	const char *call; /* the call, as the message shows it */
	long (*run)(void);
	long want; /* what cstat.h says it returns */
};

/* Every case; "want" comes from the function's comment in cstat.h and
 * the NULL contract at its top. */
static const struct api_case cases[] = {
	{"cstat_diag_format(NULL, buf, 8)", diag_format_null_diag, 0},
	{"cstat_diag_format(&d /* \"four\" */, NULL, 8)", diag_format_null_buf,
	 4},
	{"cstat_inputs_new(NULL, args, 1)", inputs_new_null_out, CSTAT_EINVAL},
	{"cstat_inputs_new(&in, NULL, 1)", inputs_new_null_args, CSTAT_EINVAL},
	{"cstat_inputs_new(&in, {\"a\", NULL}, 2)", inputs_new_null_arg,
	 CSTAT_EINVAL},
	{"cstat_inputs_free(NULL)", inputs_free_null, 0},
	{"cstat_inputs_count(NULL)", inputs_count_null, 0},
	{"cstat_inputs_get(NULL, 0)", inputs_get_null, 0},
	{"cstat_inputs_set_format(NULL, \"go\")", inputs_set_format_null,
	 CSTAT_EINVAL},
	{"cstat_input_format_name(count) and _title(count)",
	 input_format_name_out_of_range, 0},
	{"cstat_reader_new(NULL)", reader_new_null_out, CSTAT_EINVAL},
	{"cstat_reader_open_input(NULL, &in, &d)",
	 reader_open_input_null_reader, CSTAT_EINVAL},
	{"cstat_reader_open_input(r, NULL, &d)", reader_open_input_null_input,
	 CSTAT_EINVAL},
	{"cstat_reader_set_format(NULL, \"go\")", reader_set_format_null_reader,
	 CSTAT_EINVAL},
	{"cstat_reader_format(NULL)", reader_format_null, 0},
	{"cstat_reader_free(NULL)", reader_free_null, 0},
	{"cstat_reader_open(NULL, path, NULL, &d)", reader_open_null_reader,
	 CSTAT_EINVAL},
	{"cstat_reader_open(r, NULL, NULL, &d)", reader_open_null_path,
	 CSTAT_EINVAL},
	{"cstat_reader_open(r, DIR, NULL, NULL) + next(r, &res, NULL)",
	 reader_open_dir_null_diag, CSTAT_EISDIR},
	{"cstat_reader_open(r, MISSING, NULL, NULL)",
	 reader_open_missing_null_diag, CSTAT_ENOENT},
	{"cstat_reader_open_mem(NULL, data, 1, NULL)",
	 reader_open_mem_null_reader, CSTAT_EINVAL},
	{"cstat_reader_open_mem(r, NULL, 1, NULL)", reader_open_mem_null_data,
	 CSTAT_EINVAL},
	{"cstat_reader_next(NULL, &res, &d)", reader_next_null_reader,
	 CSTAT_EINVAL},
	{"cstat_reader_next(r, NULL, &d)", reader_next_null_res, CSTAT_EINVAL},
	{"cstat_reader_next(r, &res, NULL) on a bad line",
	 reader_next_syntax_null_diag, CSTAT_ESYNTAX},
	{"cstat_reader_unit_meta() with each NULL", reader_unit_meta_null, 0},
	{"cstat_builder_new(NULL, NULL, &d)", builder_new_null_out,
	 CSTAT_EINVAL},
	{"cstat_builder_new(&b, bad opts, NULL)",
	 builder_new_bad_opts_null_diag, CSTAT_EINVAL},
	{"cstat_builder_free(NULL)", builder_free_null, 0},
	{"cstat_builder_add(NULL, &res)", builder_add_null_builder,
	 CSTAT_EINVAL},
	{"cstat_builder_add(b, NULL)", builder_add_null_result, CSTAT_EINVAL},
	{"cstat_builder_summaries_only(NULL)", builder_summaries_only_null,
	 CSTAT_EINVAL},
	{"cstat_builder_diagnose(NULL, dg) and (b, NULL)",
	 builder_diagnose_null, CSTAT_EINVAL},
	{"cstat_builder_diagnose_strong(NULL, dg) and (b, NULL)",
	 builder_diagnose_strong_null, CSTAT_EINVAL},
	{"cstat_builder_read(NULL, r, in, ...)", builder_read_null_builder,
	 CSTAT_EINVAL},
	{"cstat_builder_read(b, NULL, in, ...)", builder_read_null_reader,
	 CSTAT_EINVAL},
	{"cstat_builder_read(b, r, NULL, ...)", builder_read_null_inputs,
	 CSTAT_EINVAL},
	{"cstat_builder_build(NULL, &opts, &t)", builder_build_null_builder,
	 CSTAT_EINVAL},
	{"cstat_builder_build(b, NULL, &t)", builder_build_null_opts, 0},
	{"cstat_builder_build(b, &opts, NULL)", builder_build_null_out,
	 CSTAT_EINVAL},
	{"cstat_tables_free(NULL)", tables_free_null, 0},
	{"every table getter on NULL tables", tables_getters_null, 0},
	{"cstat_table_cell(NULL, 0, 0, 0, &c)", table_cell_null_tables,
	 CSTAT_EINVAL},
	{"cstat_table_cell(t, 0, 0, 0, NULL)", table_cell_null_out,
	 CSTAT_EINVAL},
	{"cstat_table_cell_values(NULL, 0, 0, 0, &n)",
	 table_cell_values_null_tables, 0},
	{"cstat_table_cell_values(t, 0, 0, 0, NULL)", table_cell_values_null_n,
	 0},
	{"cstat_table_key(NULL, 0, 0, &name, &value)", table_key_null_tables,
	 CSTAT_EINVAL},
	{"cstat_table_key(t, 0, 0, NULL, &value)", table_key_null_name,
	 CSTAT_EINVAL},
	{"cstat_table_key(t, 0, 0, &name, NULL)", table_key_null_value,
	 CSTAT_EINVAL},
	{"cstat_tables_set(NULL, \"stats\", \"mean\", &d)",
	 tables_set_null_tables, CSTAT_EINVAL},
	{"cstat_tables_set(t, NULL, \"mean\", NULL)", tables_set_null_key,
	 CSTAT_EINVAL},
	{"cstat_tables_set(t, \"stats\", NULL, NULL)", tables_set_null_value,
	 CSTAT_EINVAL},
	{"cstat_table_cell_stat(NULL, 0, 0, 0, 0, &v)",
	 table_cell_stat_null_tables, CSTAT_EINVAL},
	{"cstat_table_cell_stat(t, 0, 0, 0, 0, NULL)", table_cell_stat_null_out,
	 CSTAT_EINVAL},
	{"cstat_tables_write(NULL, TEXT, f, NULL)", tables_write_null_tables,
	 CSTAT_EINVAL},
	{"cstat_tables_write(t, TEXT, NULL, f)", tables_write_null_out,
	 CSTAT_EINVAL},
	{"cstat_tables_write(t, CSV, f, NULL)", tables_write_null_warn, 0},
	{"cstat_format_parse(NULL, &f)", format_parse_null_name, CSTAT_EINVAL},
	{"cstat_format_parse(\"text\", NULL)", format_parse_null_out,
	 CSTAT_EINVAL},
	{"cstat_run_new(NULL)", run_new_null_out, CSTAT_EINVAL},
	{"cstat_run_free(NULL)", run_free_null, 0},
	{"cstat_run_add(NULL, &res, NULL)", run_add_null_run, CSTAT_EINVAL},
	{"cstat_run_add(run, NULL, NULL)", run_add_null_result, CSTAT_EINVAL},
	{"cstat_run_set(NULL, \"name\", \"x\")", run_set_null_run,
	 CSTAT_EINVAL},
	{"cstat_run_set(run, NULL, \"x\")", run_set_null_key, CSTAT_EINVAL},
	{"cstat_run_set(run, \"meta.none\", NULL)", run_set_null_value, 0},
	{"cstat_run_count(NULL), cstat_run_get() with each NULL",
	 run_getters_null, 0},
	{"cstat_run_env_diff(NULL, b, buf, 16)", run_env_diff_null_a,
	 CSTAT_EINVAL},
	{"cstat_run_env_diff(a, NULL, buf, 16)", run_env_diff_null_b,
	 CSTAT_EINVAL},
	{"cstat_run_env_diff(a, b, NULL, 16)", run_env_diff_null_buf, 0},
	{"cstat_run_write(NULL, true, f)", run_write_null_run, CSTAT_EINVAL},
	{"cstat_run_write(run, true, NULL)", run_write_null_out, CSTAT_EINVAL},
	{"cstat_run_save(NULL, path, &d)", run_save_null_run, CSTAT_EINVAL},
	{"cstat_run_save(run, NULL, &d)", run_save_null_path, CSTAT_EINVAL},
	{"cstat_run_append(NULL, path, &d)", run_append_null_run, CSTAT_EINVAL},
	{"cstat_run_append(run, NULL, &d)", run_append_null_path, CSTAT_EINVAL},
	{"cstat_run_load(NULL, path, &d)", run_load_null_out, CSTAT_EINVAL},
	{"cstat_run_load(&run, NULL, &d)", run_load_null_path, CSTAT_EINVAL},
	{"cstat_run_load(&run, MISSING, NULL)", run_load_missing_null_diag,
	 CSTAT_ENOENT},
	{"cstat_run_text(NULL, &s, &len)", run_text_null_run, CSTAT_EINVAL},
	{"cstat_run_text(run, NULL, &len)", run_text_null_out, CSTAT_EINVAL},
	{"cstat_run_text(run, &s, NULL)", run_text_null_len, CSTAT_EINVAL},
	{"cstat_history_load(NULL, &runs, &n, ...)", history_load_null_path,
	 CSTAT_EINVAL},
	{"cstat_history_load(path, NULL, &n, ...)", history_load_null_runs,
	 CSTAT_EINVAL},
	{"cstat_history_load(path, &runs, NULL, ...)", history_load_null_nruns,
	 CSTAT_EINVAL},
	{"cstat_history_load(MISSING, &runs, &n, NULL, NULL, NULL)",
	 history_load_missing_null_diag, CSTAT_ENOENT},
	{"cstat_history_free(NULL, 3)", history_free_null, 0},
	{"cstat_history_build(NULL, 2, ...)", history_build_null_runs,
	 CSTAT_EINVAL},
	{"cstat_history_build({run, NULL}, 2, ...)", history_build_null_run,
	 CSTAT_EINVAL},
	{"cstat_history_build(runs, 2, NULL, 0.95, NULL, &d)",
	 history_build_null_out, CSTAT_EINVAL},
	{"cstat_history_describe(NULL, cache, &info, ...)",
	 history_describe_null_path, CSTAT_EINVAL},
	{"cstat_history_describe(path, cache, NULL, ...)",
	 history_describe_null_info, CSTAT_EINVAL},
	{"cstat_history_describe(MISSING, NULL, &info, NULL, NULL, NULL)",
	 history_describe_missing_null_diag, CSTAT_ENOENT},
	{"cstat_history_prune(NULL, 1, &removed, &d)", history_prune_null_path,
	 CSTAT_EINVAL},
	{"cstat_history_read_tail(NULL, 5, ...)", history_read_tail_null_path,
	 CSTAT_EINVAL},
	{"cstat_history_read_tail(path, 5, NULL, 0.95, NULL, ...)",
	 history_read_tail_null_out, CSTAT_EINVAL},
	{"cstat_history_read_filtered(NULL, NULL, ...)",
	 history_read_filtered_null_path, CSTAT_EINVAL},
	{"cstat_history_read_filtered(path, NULL, \".name:(\", ...)",
	 history_read_filtered_bad_filter, CSTAT_EINVAL},
	{"cstat_store_history_tables_cached(NULL, ...)",
	 store_history_tables_cached_null, CSTAT_EINVAL},
	{"cstat_gate_config_set_history_cut(NULL, true)",
	 gate_config_set_history_cut_null, CSTAT_EINVAL},
	{"cstat_history_merge(NULL, from, ...)", history_merge_null_path,
	 CSTAT_EINVAL},
	{"cstat_history_merge(path, NULL, ...)", history_merge_null_from,
	 CSTAT_EINVAL},
	{"cstat_baseline_merge(NULL, from, &replaced, &d)",
	 baseline_merge_null_path, CSTAT_EINVAL},
	{"cstat_baseline_merge(path, NULL, &replaced, &d)",
	 baseline_merge_null_from, CSTAT_EINVAL},
	{"cstat_store_scheme(NULL)", store_scheme_null, 0},
	{"cstat_store_redact(NULL, buf, size)", store_redact_null_location, 0},
	{"cstat_store_redact(location, NULL, 64)", store_redact_null_buf, 0},
	{"cstat_store_open(NULL, location, NULL, &d)", store_open_null_out,
	 CSTAT_EINVAL},
	{"cstat_store_open(&s, NULL, NULL, &d)", store_open_null_location,
	 CSTAT_EINVAL},
	{"cstat_store_open(&s, \"\", NULL, NULL)", store_open_empty,
	 CSTAT_EINVAL},
	{"cstat_store_close(NULL)", store_close_null, 0},
	{"cstat_store_baseline_save(NULL, ...)", store_baseline_save_null,
	 CSTAT_EINVAL},
	{"cstat_store_baseline_load(NULL, ...)", store_baseline_load_null,
	 CSTAT_EINVAL},
	{"cstat_store_baseline_remove(NULL, ...)", store_baseline_remove_null,
	 CSTAT_EINVAL},
	{"cstat_store_names(NULL, ...)", store_names_null, CSTAT_EINVAL},
	{"cstat_store_record(NULL, ...)", store_record_null, CSTAT_EINVAL},
	{"cstat_store_history(NULL, ...)", store_history_null, CSTAT_EINVAL},
	{"cstat_store_history_tail(NULL, ...)", store_history_tail_null,
	 CSTAT_EINVAL},
	{"cstat_store_prune(NULL, ...)", store_prune_null, CSTAT_EINVAL},
	{"cstat_store_describe(NULL, ...)", store_describe_null, CSTAT_EINVAL},
	{"cstat_store_replace(NULL, ...)", store_replace_null, CSTAT_EINVAL},
	{"cstat_store_history_cache(NULL, ...)", store_history_cache_null,
	 CSTAT_EINVAL},
	{"cstat_store_baseline_cache(NULL, ...)", store_baseline_cache_null,
	 CSTAT_EINVAL},
	{"cstat_history_changes(NULL, 0, 0, &ch, &n)",
	 history_changes_null_tables, CSTAT_EINVAL},
	{"cstat_history_changes(t, 0, 0, NULL, &n)", history_changes_null_out,
	 CSTAT_EINVAL},
	{"cstat_history_changes(t, 0, 0, &ch, NULL)", history_changes_null_n,
	 CSTAT_EINVAL},
	{"cstat_history_write(NULL, 2, ...)", history_write_null_runs,
	 CSTAT_EINVAL},
	{"cstat_history_write({run, NULL}, 2, ...)", history_write_null_run,
	 CSTAT_EINVAL},
	{"cstat_history_write(runs, 2, NULL, ...)", history_write_null_tables,
	 CSTAT_EINVAL},
	{"cstat_history_write(runs, 2, t, NULL, 1, ...)",
	 history_write_null_changes, CSTAT_EINVAL},
	{"cstat_history_write(..., NULL)", history_write_null_out,
	 CSTAT_EINVAL},
	{"cstat_forecast_fit(NULL, y, 3, ..., NULL)", forecast_fit_null_out,
	 CSTAT_EINVAL},
	{"cstat_forecast_fit(NULL, NULL, 3, ..., &f)", forecast_fit_null_values,
	 CSTAT_EINVAL},
	{"cstat_forecast_predict(NULL, 1, ...)", forecast_predict_null,
	 CSTAT_EINVAL},
	{"cstat_history_forecast(NULL, ...)", history_forecast_null_tables,
	 CSTAT_EINVAL},
	{"cstat_history_forecast(t, NULL, 0, NULL, NULL, &n)",
	 history_forecast_null_out, CSTAT_EINVAL},
	{"cstat_history_forecast(t, NULL, 1, ...)",
	 history_forecast_null_changes, CSTAT_EINVAL},
	{"cstat_forecast_write(runs, 2, NULL, ...)", forecast_write_null_tables,
	 CSTAT_EINVAL},
	{"cstat_forecast_write(..., NULL)", forecast_write_null_out,
	 CSTAT_EINVAL},
	{"cstat_forecast_write(runs, 2, t, NULL, 0, NULL, 1, ...)",
	 forecast_write_null_forecasts, CSTAT_EINVAL},
	{"cstat_format_value(1.5, NULL, buf, 16)", format_value_null_unit, 5},
	{"cstat_format_value(1.5, \"sec/op\", NULL, 16)", format_value_null_buf,
	 5},
	{"cstat_unit_class_of(NULL)", unit_class_of_null, CSTAT_CLASS_OTHER},
	{"cstat_gate_config_new(NULL)", gate_config_new_null_out, CSTAT_EINVAL},
	{"cstat_gate_config_free(NULL)", gate_config_free_null, 0},
	{"cstat_gate_config_set(NULL, \"alpha\", \"0.1\", &d)",
	 gate_config_set_null_config, CSTAT_EINVAL},
	{"cstat_gate_config_set(c, NULL, \"0.1\", NULL)",
	 gate_config_set_null_key, CSTAT_EINVAL},
	{"cstat_gate_config_set(c, \"alpha\", NULL, NULL)",
	 gate_config_set_null_value, CSTAT_EINVAL},
	{"cstat_gate_config_load(NULL, path, &d)", gate_config_load_null_config,
	 CSTAT_EINVAL},
	{"cstat_gate_config_load(c, NULL, &d)", gate_config_load_null_path,
	 CSTAT_EINVAL},
	{"cstat_gate_config_load(c, MISSING, NULL)",
	 gate_config_load_missing_null_diag, CSTAT_ENOENT},
	{"cstat_gate_config_load_mem(NULL, \"{}\", 2, NULL, &d)",
	 gate_config_load_mem_null_config, CSTAT_EINVAL},
	{"cstat_gate_config_load_mem(c, NULL, 2, NULL, &d)",
	 gate_config_load_mem_null_data, CSTAT_EINVAL},
	{"cstat_gate_config_load_mem(c, \"{}\", 2, NULL, NULL)",
	 gate_config_load_mem_null_name_diag, 0},
	{"cstat_gate_config_load_mem(c, \"{\\\"alpha\\\": 2}\", 12, NULL, "
	 "NULL)",
	 gate_config_load_mem_bad_null_diag, CSTAT_EINVAL},
	{"cstat_gate_new(NULL, t, c, NULL, false)", gate_new_null_out,
	 CSTAT_EINVAL},
	{"cstat_gate_new(&g, NULL, c, NULL, false)", gate_new_null_tables,
	 CSTAT_EINVAL},
	{"cstat_gate_new(&g, t, NULL, NULL, false)", gate_new_null_config, 0},
	{"cstat_gate_free(NULL)", gate_free_null, 0},
	{"every gate getter on a NULL gate", gate_getters_null, 0},
	{"cstat_gate_explain(NULL, \"*\", f)", gate_explain_null_gate,
	 CSTAT_EINVAL},
	{"cstat_gate_explain(g, NULL, f)", gate_explain_null_pattern,
	 CSTAT_EINVAL},
	{"cstat_gate_explain(g, \"*\", NULL)", gate_explain_null_out,
	 CSTAT_EINVAL},
	{"cstat_gate_write(NULL, TEXT, false, f)", gate_write_null_gate,
	 CSTAT_EINVAL},
	{"cstat_gate_write(g, TEXT, false, NULL)", gate_write_null_out,
	 CSTAT_EINVAL},
	{"cstat_report_parse(NULL, &f)", report_parse_null_name, CSTAT_EINVAL},
	{"cstat_report_parse(\"text\", NULL)", report_parse_null_out,
	 CSTAT_EINVAL},
	{"cstat_v1_test_parse(NULL)", v1_test_parse_null, CSTAT_EINVAL},
	{"cstat_v1_sort_parse(NULL)", v1_sort_parse_null, CSTAT_EINVAL},
	{"cstat_v1_new(NULL, NULL)", v1_new_null_out, CSTAT_EINVAL},
	{"cstat_v1_free(NULL)", v1_free_null, 0},
	{"cstat_v1_set_threads(NULL, 2)", v1_set_threads_null, CSTAT_EINVAL},
	{"cstat_v1_add_file(NULL, path, &d)", v1_add_file_null_v1,
	 CSTAT_EINVAL},
	{"cstat_v1_add_file(v, NULL, &d)", v1_add_file_null_path, CSTAT_EINVAL},
	{"cstat_v1_add_file(v, MISSING, NULL)", v1_add_file_missing_null_diag,
	 CSTAT_ENOENT},
	{"cstat_v1_add_mem(NULL, \"n\", data, 1)", v1_add_mem_null_v1,
	 CSTAT_EINVAL},
	{"cstat_v1_add_mem(v, NULL, data, 1)", v1_add_mem_null_name,
	 CSTAT_EINVAL},
	{"cstat_v1_add_mem(v, \"n\", NULL, 1)", v1_add_mem_null_data,
	 CSTAT_EINVAL},
	{"cstat_v1_write(NULL, TEXT, false, f)", v1_write_null_v1,
	 CSTAT_EINVAL},
	{"cstat_v1_write(v, TEXT, false, NULL)", v1_write_null_out,
	 CSTAT_EINVAL},
	{"cstat_correlate_new(NULL, 2, 0.95)", correlate_new_null_out,
	 CSTAT_EINVAL},
	{"cstat_correlate_new(&c, 0, 0.95) resets c", correlate_new_bad_resets,
	 CSTAT_EINVAL},
	{"cstat_correlate_free(NULL)", correlate_free_null, 0},
	{"cstat_correlate_add(NULL, 0, res) and (c, 0, NULL)",
	 correlate_add_null, CSTAT_EINVAL},
	{"cstat_correlate_build(NULL)", correlate_build_null, CSTAT_EINVAL},
	{"every correlation getter on NULL", correlate_getters_null, 0},
	{"cstat_correlate_write(NULL, TEXT, f) and (c, TEXT, NULL)",
	 correlate_write_null, CSTAT_EINVAL},
	{"cstat_correlate_spearman() with NULL out, x or y",
	 correlate_spearman_null, CSTAT_EINVAL},
	{"cstat_plan_change_parse(NULL, &v), (\"3%\", NULL)",
	 plan_change_parse_null, CSTAT_EINVAL},
	{"cstat_plan_new(NULL, t, c, &o)", plan_new_null_out, CSTAT_EINVAL},
	{"cstat_plan_new(&p, NULL, c, &o)", plan_new_null_tables, CSTAT_EINVAL},
	{"cstat_plan_new(&p, t, c, NULL)", plan_new_null_opts, CSTAT_EINVAL},
	{"cstat_plan_write(NULL, TEXT, f)", plan_write_null_plan, CSTAT_EINVAL},
	{"cstat_plan_free(NULL), _count(NULL), _get(NULL), _suite(NULL)",
	 plan_getters_null, 0},
};

/* Runs every case, reporting each one that fails, then fails if any did. */
static void
test_every_null_argument(void **state)
{
	size_t failed = 0, n = sizeof(cases) / sizeof(cases[0]);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		long got = cases[i].run();
		if (got == cases[i].want)
			continue;
		failed++;
		if (got == NOT_RESET)
			print_error("%s: an out parameter was not reset\n",
				    cases[i].call);
		else
			print_error("%s: got %ld (%s), want %ld (%s)\n",
				    cases[i].call, got,
				    cstat_err_name((int)got), cases[i].want,
				    cstat_err_name((int)cases[i].want));
	}
	print_message("%zu calls checked, %zu failed\n", n, failed);
	assert_int_equal(failed, 0);
}

/* The fixture is still whole after every case: the NULL calls touched
 * nothing they were given. */
static void
test_objects_untouched(void **state)
{
	char *text = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(cstat_tables_count(fx.t), 1);
	assert_int_equal(cstat_table_cols(fx.t, 0), 2);
	assert_int_equal(cstat_run_count(fx.runs[0]), 5);
	assert_int_equal(cstat_run_text(fx.runs[0], &text, &len), 0);
	assert_non_null(text);
	assert_true(len > 0);
	free(text);
	assert_true(cstat_gate_count(fx.g) == 1);
}

/* ---- NULL options are the defaults ---- */

/* What write(f) wrote, malloc'd and NUL-terminated. */
struct out {
	char *buf;
	size_t len;
	FILE *f;
};

static FILE *
out_open(struct out *o)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	assert_non_null(o->f);
	return o->f;
}

static char *
out_close(struct out *o)
{
	assert_int_equal(fclose(o->f), 0);
	return o->buf;
}

/* Fails unless every text of got[0..n) is want's, and want is not empty. */
static void
assert_all_equal(const char *want, char *const *got, size_t n)
{
	assert_non_null(want);
	assert_true(strlen(want) > 0);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(got[i], want);
}

/* The fixture's two inputs built under bo and so (either may be NULL),
 * written as text then JSON: every number and warning of the tables. */
static char *
tables_text(const struct cstat_builder_opts *bo,
	    const struct cstat_stats_opts *so)
{
	cstat_builder *b;
	cstat_tables *t;
	struct out o;

	assert_int_equal(cstat_builder_new(&b, bo, NULL), 0);
	read_into(old_txt, "old", b, NULL);
	read_into(new_txt, "new", b, NULL);
	assert_int_equal(cstat_builder_build(b, so, &t), 0);
	cstat_builder_free(b);
	out_open(&o);
	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_TEXT, o.f, o.f), 0);
	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_JSON, o.f, o.f), 0);
	cstat_tables_free(t);
	return out_close(&o);
}

/* cstat_builder_new() and cstat_builder_build(): NULL, the initialisers,
 * cstat_stats_opts_default() and the defaults spelled out (benchstat's
 * flag defaults, docs/cstat.md) give the same bytes. */
static void
test_builder_null_opts_are_defaults(void **state)
{
	const struct cstat_builder_opts binit = CSTAT_BUILDER_OPTS_INIT;
	const struct cstat_builder_opts bzero = {0};
	const struct cstat_builder_opts bexpl = {".config", ".fullname",
						 ".file", "", "*"};
	const struct cstat_stats_opts sinit = CSTAT_STATS_OPTS_INIT;
	const struct cstat_stats_opts sexpl = {0.05, 0.95, NULL, 0};
	struct cstat_stats_opts sfun;
	char *want, *got[6];

	(void)state;
	memset(&sfun, 0xff, sizeof(sfun));
	cstat_stats_opts_default(&sfun);
	cstat_stats_opts_default(NULL);
	want = tables_text(NULL, NULL);
	got[0] = tables_text(&binit, NULL);
	got[1] = tables_text(&bzero, NULL);
	got[2] = tables_text(&bexpl, NULL);
	got[3] = tables_text(NULL, &sinit);
	got[4] = tables_text(NULL, &sfun);
	got[5] = tables_text(&bexpl, &sexpl);
	/* A change of +90.91% at p=0.008 (n=5 each): the defaults' alpha. */
	assert_non_null(strstr(want, "+90.91% (p=0.008 n=5)"));
	assert_all_equal(want, got, 6);
	for (size_t i = 0; i < 6; i++)
		free(got[i]);
	free(want);
}

/* A zeroed struct cstat_stats_opts is alpha 0 and confidence 0, as the
 * header warns: the same change is then not significant ("~"). */
static void
test_zeroed_stats_opts_are_zero(void **state)
{
	const struct cstat_stats_opts zero = {0};
	char *got;

	(void)state;
	got = tables_text(NULL, &zero);
	assert_non_null(strstr(got, "~ (p=0.008 n=5)"));
	free(got);
}

/* cstat_history_build() and cstat_history_read() with NULL opts: the
 * tables of cstat_builder_opts' defaults, exported as CSV. */
static void
test_history_null_opts_are_defaults(void **state)
{
	const struct cstat_builder_opts init = CSTAT_BUILDER_OPTS_INIT;
	const struct cstat_builder_opts expl = {".config", ".fullname", ".file",
						"", "*"};
	const struct cstat_builder_opts *opts[3] = {NULL, &init, &expl};
	char *built[3], *read[3];

	(void)state;
	for (int i = 0; i < 3; i++) {
		cstat_tables *t;
		cstat_run **runs;
		size_t n;
		struct out o;

		assert_int_equal(cstat_history_build(fx.runs, 2, opts[i], 0.95,
						     &t, NULL),
				 0);
		out_open(&o);
		assert_int_equal(cstat_history_write(fx.runs, 2, t, NULL, 0,
						     CSTAT_FORMAT_CSV, o.f),
				 0);
		built[i] = out_close(&o);
		cstat_tables_free(t);
		assert_int_equal(cstat_history_read(fx.hist, opts[i], 0.95, &t,
						    &runs, &n, NULL, NULL,
						    NULL),
				 0);
		out_open(&o);
		assert_int_equal(cstat_history_write(runs, n, t, NULL, 0,
						     CSTAT_FORMAT_CSV, o.f),
				 0);
		read[i] = out_close(&o);
		cstat_tables_free(t);
		cstat_history_free(runs, n);
	}
	assert_all_equal(built[0], built + 1, 2);
	assert_all_equal(read[0], read + 1, 2);
	for (int i = 0; i < 3; i++) {
		free(built[i]);
		free(read[i]);
	}
}

/* The v1 report of the fixture's inputs under opts. */
static char *
v1_text(const struct cstat_v1_opts *opts)
{
	cstat_v1 *v;
	struct out o;

	assert_int_equal(cstat_v1_new(&v, opts), 0);
	assert_int_equal(cstat_v1_add_mem(v, "old", old_txt, strlen(old_txt)),
			 0);
	assert_int_equal(cstat_v1_add_mem(v, "new", new_txt, strlen(new_txt)),
			 0);
	out_open(&o);
	assert_int_equal(cstat_v1_write(v, CSTAT_V1_TEXT, false, o.f), 0);
	cstat_v1_free(v);
	return out_close(&o);
}

/* cstat_v1_new(): NULL, CSTAT_V1_OPTS_INIT, a zeroed struct and old
 * benchstat's flag defaults (BENCHSTAT.md) give the same report. */
static void
test_v1_null_opts_are_defaults(void **state)
{
	const struct cstat_v1_opts init = CSTAT_V1_OPTS_INIT;
	const struct cstat_v1_opts zero = {0};
	const struct cstat_v1_opts expl = {CSTAT_V1_UTEST, 0.05, false,
					   "pkg,goos,goarch",
					   CSTAT_V1_SORT_NONE};
	char *want, *got[3];

	(void)state;
	want = v1_text(NULL);
	got[0] = v1_text(&init);
	got[1] = v1_text(&zero);
	got[2] = v1_text(&expl);
	assert_non_null(strstr(want, "+92.59%  (p=0.008 n=5+5)"));
	assert_all_equal(want, got, 3);
	for (int i = 0; i < 3; i++)
		free(got[i]);
	free(want);
}

/* The JSON report of a gate on the fixture's tables under c. */
static char *
gate_text(const cstat_gate_config *c)
{
	cstat_gate *g;
	struct out o;

	assert_int_equal(cstat_gate_new(&g, fx.t, c, NULL, false), 0);
	out_open(&o);
	assert_int_equal(cstat_gate_write(g, CSTAT_REPORT_JSON, false, o.f), 0);
	cstat_gate_free(g);
	return out_close(&o);
}

/* cstat_gate_new() without settings judges as a new cstat_gate_config
 * does, and as the documented defaults set by hand. */
static void
test_gate_null_config_is_default(void **state)
{
	cstat_gate_config *expl;
	char *want, *got[2];

	(void)state;
	assert_int_equal(cstat_gate_config_new(&expl), 0);
	assert_int_equal(cstat_gate_config_set(expl, "alpha", "0.05", NULL), 0);
	assert_int_equal(
		cstat_gate_config_set(expl, "correction", "holm", NULL), 0);
	assert_int_equal(cstat_gate_config_set(expl, "threshold", "5%", NULL),
			 0);
	want = gate_text(NULL);
	got[0] = gate_text(fx.gc);
	got[1] = gate_text(expl);
	assert_non_null(strstr(want, "\"regression\""));
	assert_all_equal(want, got, 2);
	for (int i = 0; i < 2; i++)
		free(got[i]);
	free(want);
	cstat_gate_config_free(expl);
}

/* cstat_history_changes_write() with a NULL report, the initialiser, a
 * zeroed one and its defaults spelled out, in text and JSON. */
static void
test_detect_null_report_is_default(void **state)
{
	const struct cstat_detect_report init = CSTAT_DETECT_REPORT_INIT;
	const struct cstat_detect_report zero = {0};
	const struct cstat_detect_report expl = {"history", 0, 0.005, NULL};
	const struct cstat_detect_report *reps[4] = {NULL, &init, &zero, &expl};
	const enum cstat_format fmts[2] = {CSTAT_FORMAT_TEXT,
					   CSTAT_FORMAT_JSON};
	char *got[4];

	(void)state;
	for (int f = 0; f < 2; f++) {
		for (int i = 0; i < 4; i++) {
			struct out o;
			out_open(&o);
			assert_int_equal(cstat_history_changes_write(
						 fx.runs, 2, fx.ht, NULL, 0,
						 reps[i], fmts[f], o.f),
					 0);
			got[i] = out_close(&o);
		}
		assert_non_null(strstr(got[0], "history"));
		assert_all_equal(got[0], got + 1, 3);
		for (int i = 0; i < 4; i++)
			free(got[i]);
	}
}

/* ---- The edges of struct cstat_cell, as cstat.h states them ---- */

/* Tables of two inputs under so. */
static cstat_tables *
edge_tables(const char *a, const char *b, const struct cstat_stats_opts *so)
{
	cstat_builder *bd;
	cstat_tables *t;

	assert_int_equal(cstat_builder_new(&bd, NULL, NULL), 0);
	read_into(a, "a", bd, NULL);
	read_into(b, "b", bd, NULL);
	assert_int_equal(cstat_builder_build(bd, so, &t), 0);
	cstat_builder_free(bd);
	return t;
}

/* Cell (r, c) of the table whose unit is unit. */
static struct cstat_cell
edge_cell(const cstat_tables *t, const char *unit, size_t r, size_t c)
{
	struct cstat_cell cell;

	for (size_t i = 0; i < cstat_tables_count(t); i++) {
		if (strcmp(cstat_table_unit(t, i), unit) != 0)
			continue;
		assert_int_equal(cstat_table_cell(t, i, r, c, &cell), 0);
		return cell;
	}
	fail_msg("no table of unit %s", unit);
	return cell;
}

/* 0 -> 0 is NaN, 0 -> 3 is +inf, an empty cell is all zero, the baseline
 * column has no comparison, one value has an unbounded interval, and an
 * assume=exact unit has p 0 and is significant (hand-made inputs). */
static void
test_cell_edges(void **state)
{
	static const char a[] = "Unit x/op assume=exact\n"
				"BenchmarkZ 1 0 zero/op 0 grow/op 7 x/op\n"
				"BenchmarkZ 1 0 zero/op 0 grow/op 7 x/op\n"
				"BenchmarkZ 1 0 zero/op 0 grow/op 7 x/op\n"
				"BenchmarkGone 1 5 zero/op\n";
	static const char b[] = "BenchmarkZ 1 0 zero/op 3 grow/op 8 x/op\n"
				"BenchmarkZ 1 0 zero/op 3 grow/op 8 x/op\n"
				"BenchmarkZ 1 0 zero/op 3 grow/op 8 x/op\n";
	struct cstat_stats_opts so = CSTAT_STATS_OPTS_INIT;
	cstat_tables *t;
	struct cstat_cell c;

	(void)state;
	/* Without a reader for units, Unit metadata is not applied: x/op is
	 * compared by the U test like any unit. */
	t = edge_tables(a, b, NULL);
	c = edge_cell(t, "x/op", 0, 1);
	assert_close(c.p, 0.1, 1e-12); /* n = 3 + 3, separated: 2/C(6,3) */
	assert_false(c.significant);
	cstat_tables_free(t);
	so.units = fx.r;
	t = edge_tables(a, b, &so);
	c = edge_cell(t, "zero/op", 0, 1);
	assert_true(c.present && c.has_comparison);
	assert_true(isnan(c.delta));
	assert_same(c.p, 1); /* all samples are equal */
	c = edge_cell(t, "grow/op", 0, 1);
	assert_true(isinf(c.delta) && c.delta > 0);
	c = edge_cell(t, "zero/op", 0, 0);
	assert_true(c.present && !c.has_comparison);
	assert_true(c.p == 0 && !c.significant && c.delta == 0);
	c = edge_cell(t, "zero/op", 1, 1); /* Gone in b */
	assert_false(c.present);
	assert_true(c.n == 0 && c.center == 0 && c.lo == 0 && c.hi == 0);
	assert_true(!c.has_comparison && c.delta == 0 && c.nwarnings == 0);
	c = edge_cell(t, "zero/op", 1, 0); /* Gone in a: one value */
	assert_true(c.n == 1 && isinf(c.lo) && c.lo < 0 && isinf(c.hi));
	c = edge_cell(t, "x/op", 0, 1);
	assert_true(c.p == 0 && c.significant);
	assert_same(c.lo, 8);
	assert_same(c.hi, 8);
	assert_close(c.delta, 1.0 / 7, 1e-15);
	cstat_tables_free(t);
}

/* Every name the tools' -format flags document (docs/cstat.md,
 * docs/cregress.md) maps to its enum value, whatever the enum's order; an
 * unknown or differently cased name is rejected and leaves *out as it was. */
static void
test_format_names(void **state)
{
	static const struct {
		const char *name;
		enum cstat_format f;
	} formats[] = {
		{"text", CSTAT_FORMAT_TEXT},
		{"csv", CSTAT_FORMAT_CSV},
		{"html", CSTAT_FORMAT_HTML},
		{"markdown", CSTAT_FORMAT_MARKDOWN},
		{"json", CSTAT_FORMAT_JSON},
	};
	static const struct {
		const char *name;
		enum cstat_report r;
	} reports[] = {
		{"text", CSTAT_REPORT_TEXT},
		{"markdown", CSTAT_REPORT_MARKDOWN},
		{"md", CSTAT_REPORT_MARKDOWN},
		{"json", CSTAT_REPORT_JSON},
		{"junit", CSTAT_REPORT_JUNIT},
		{"github", CSTAT_REPORT_GITHUB},
		{"calibration", CSTAT_REPORT_CALIBRATION},
	};
	enum cstat_format f;
	enum cstat_report r;

	(void)state;
	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		assert_int_equal(cstat_format_parse(formats[i].name, &f), 0);
		assert_int_equal(f, formats[i].f);
	}
	for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++) {
		assert_int_equal(cstat_report_parse(reports[i].name, &r), 0);
		assert_int_equal(r, reports[i].r);
	}
	f = CSTAT_FORMAT_CSV;
	assert_int_equal(cstat_format_parse("htm", &f), CSTAT_EINVAL);
	assert_int_equal(cstat_format_parse("TEXT", &f), CSTAT_EINVAL);
	assert_int_equal(cstat_format_parse("", &f), CSTAT_EINVAL);
	assert_int_equal(cstat_format_parse("md", &f), CSTAT_EINVAL);
	assert_int_equal(f, CSTAT_FORMAT_CSV);
	r = CSTAT_REPORT_JUNIT;
	assert_int_equal(cstat_report_parse("csv", &r), CSTAT_EINVAL);
	assert_int_equal(cstat_report_parse("junit ", &r), CSTAT_EINVAL);
	assert_int_equal(r, CSTAT_REPORT_JUNIT);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_null_argument),
		cmocka_unit_test(test_objects_untouched),
		cmocka_unit_test(test_builder_null_opts_are_defaults),
		cmocka_unit_test(test_zeroed_stats_opts_are_zero),
		cmocka_unit_test(test_history_null_opts_are_defaults),
		cmocka_unit_test(test_v1_null_opts_are_defaults),
		cmocka_unit_test(test_gate_null_config_is_default),
		cmocka_unit_test(test_detect_null_report_is_default),
		cmocka_unit_test(test_cell_edges),
		cmocka_unit_test(test_format_names),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
