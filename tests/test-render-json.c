/*
 * test-render-json.c - the tables as JSON (schema "cstat/1"): the document
 * is parsed back with cJSON and every table, row and cell is compared with
 * what the public API (and, for the geomean row and the texts, the tables
 * themselves) says, doubles bit for bit.  Hand-worked values name where
 * they came from.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <cjson/cJSON.h>

#include "testutil.h"

#include "cstat.h"
#include "tables.h"

/*
 * Reads the named in-memory files (len bytes each) and builds tables,
 * grouped as opts says (NULL: benchstat's defaults).
 */
static cstat_tables *
build_opts(const struct cstat_builder_opts *opts, const char *const *names,
	   const char *const *texts, const size_t *lens, size_t n)
{
	cstat_reader *r;
	cstat_builder *b;
	cstat_tables *t;
	struct cstat_diag d;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_builder_new(&b, opts, &d), 0);
	for (size_t i = 0; i < n; i++) {
		const struct cstat_result *res;
		int rc;
		assert_int_equal(
			cstat_reader_open_mem(r, texts[i], lens[i], names[i]),
			0);
		while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
			assert_int_equal(rc, 1);
			assert_int_equal(cstat_builder_add(b, res), 0);
		}
	}
	struct cstat_stats_opts o = {
		.alpha = 0.05, .confidence = 0.95, .units = r};
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	cstat_builder_free(b);
	cstat_reader_free(r);
	return t;
}

static cstat_tables *
build_len(const char *const *names, const char *const *texts,
	  const size_t *lens, size_t n)
{
	return build_opts(NULL, names, texts, lens, n);
}

static cstat_tables *
build(const char *const *names, const char *const *texts, size_t n)
{
	size_t lens[8];

	assert_true(n <= 8);
	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(texts[i]);
	return build_len(names, texts, lens, n);
}

/*
 * Fails unless s[0..len) is valid UTF-8 with no control byte but the
 * newlines between lines: cJSON takes both, JSON takes neither.
 */
static void
assert_clean_text(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < len;) {
		unsigned long c;
		size_t n = cstat__utf8_decode(p + i, len - i, &c);
		if (c == 0xfffd && n == 1)
			fail_msg("invalid UTF-8 at byte %zu", i);
		if (c < 0x20 && c != '\n')
			fail_msg("control byte 0x%02lx at byte %zu", c, i);
		i += n;
	}
}

/* Renders t as JSON into a new NUL-ended string; *len gets its length. */
static char *
render(const cstat_tables *t, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	assert_non_null(f);
	assert_int_equal(cstat__render_json(t, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_true(*len >= 2);
	assert_memory_equal(text + *len - 2, "}\n", 2);
	assert_clean_text(text, *len);
	return text;
}

/* Renders and parses t; the text goes to *textp when that is not NULL. */
static cJSON *
render_parse(const cstat_tables *t, char **textp)
{
	size_t len;
	char *text = render(t, &len);
	const char *end = NULL;
	/* With require_null_terminated, cJSON wants the NUL within the
	 * length it is given; open_memstream() put one there. */
	cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, true);

	if (!root)
		fail_msg("not JSON at byte %td", end ? end - text : -1);
	assert_true(cJSON_IsObject(root));
	if (textp)
		*textp = text;
	else
		free(text);
	return root;
}

static cJSON *
get(const cJSON *o, const char *key)
{
	cJSON *item = cJSON_GetObjectItemCaseSensitive(o, key);

	if (!item)
		fail_msg("no key \"%s\"", key);
	return item;
}

/* A number is the double, bit for bit; NaN and infinities are null. */
static void
assert_num_at(const cJSON *item, double want, const char *file, int line)
{
	if (!isfinite(want)) {
		if (!cJSON_IsNull(item)) {
			print_error("want null for %g\n", want);
			_fail(file, line);
		}
		return;
	}
	if (!cJSON_IsNumber(item)) {
		print_error("want the number %.17g\n", want);
		_fail(file, line);
	}
	assert_same_at(item->valuedouble, want, file, line);
}

#define assert_num(item, want) assert_num_at((item), (want), __FILE__, __LINE__)

static void
assert_str(const cJSON *item, const char *want)
{
	assert_true(cJSON_IsString(item));
	assert_string_equal(item->valuestring, want);
}

/*
 * A string of the tables as JSON carries it: each byte that is not part of
 * valid UTF-8 becomes U+FFFD.
 */
static void
assert_text(const cJSON *item, const char *raw)
{
	const unsigned char *p = (const unsigned char *)raw;
	size_t len = strlen(raw);
	struct cstat__buf want = {0};

	assert_int_equal(cstat__buf_reserve(&want, len), 0);
	want.data[0] = '\0';
	for (size_t i = 0; i < len;) {
		unsigned long c;
		size_t n = cstat__utf8_decode(p + i, len - i, &c);
		if (c == 0xfffd && n == 1)
			assert_int_equal(cstat__buf_adds(&want, "\ufffd"), 0);
		else
			assert_int_equal(cstat__buf_add(&want, raw + i, n), 0);
		i += n;
	}
	assert_str(item, want.data);
	cstat__buf_release(&want);
}

static void
assert_bool(const cJSON *item, bool want)
{
	assert_true(cJSON_IsBool(item));
	assert_int_equal(cJSON_IsTrue(item), want);
}

/* The i-th element of an array, which must have n of them. */
static cJSON *
at(const cJSON *a, size_t i, size_t n)
{
	assert_true(cJSON_IsArray(a));
	assert_int_equal(cJSON_GetArraySize(a), n);
	return cJSON_GetArrayItem(a, (int)i);
}

/* Compares one present cell with the API's view of it. */
static void
check_cell(const cstat_tables *t, size_t i, size_t r, size_t c, const cJSON *jc)
{
	const struct cstat__table *tb = &t->tables[i];
	const struct cstat__cell *ic = &tb->cells[r * tb->ncols + c];
	const struct cstat__cell *base = &tb->cells[r * tb->ncols];
	struct cstat_cell cell;
	char text[64];

	assert_int_equal(cstat_table_cell(t, i, r, c, &cell), 0);
	if (!cell.present) {
		assert_true(cJSON_IsNull(jc));
		return;
	}
	assert_true(cJSON_IsObject(jc));
	assert_num(get(jc, "n"), (double)cell.n);
	assert_num(get(jc, "center"), cell.center);
	assert_num(get(jc, "lo"), cell.lo);
	assert_num(get(jc, "hi"), cell.hi);
	cstat__pct_range(ic, text, sizeof(text));
	assert_str(get(jc, "range"), text);

	/* The API lists the cell's warnings, then its comparison's. */
	const cJSON *cmp = get(jc, "comparison");
	const cJSON *w1 = get(jc, "warnings");
	const cJSON *w2 = cJSON_IsObject(cmp) ? get(cmp, "warnings") : NULL;
	size_t n1 = (size_t)cJSON_GetArraySize(w1);
	size_t n2 = w2 ? (size_t)cJSON_GetArraySize(w2) : 0;
	assert_int_equal(n1 + n2, cell.nwarnings);
	for (size_t k = 0; k < cell.nwarnings; k++)
		assert_str(k < n1 ? at(w1, k, n1) : at(w2, k - n1, n2),
			   cstat_table_cell_warning(t, i, r, c, k));

	if (cstat_tables_stat_count(t) == 0) {
		assert_null(cJSON_GetObjectItemCaseSensitive(jc, "stats"));
	} else {
		const cJSON *st = get(jc, "stats");
		assert_true(cJSON_IsObject(st));
		for (size_t k = 0; k < cstat_tables_stat_count(t); k++) {
			double v;
			assert_int_equal(
				cstat_table_cell_stat(t, i, r, c, k, &v), 0);
			assert_num(get(st, cstat_tables_stat_name(t, k)), v);
		}
	}
	if (!t->samples) {
		assert_null(cJSON_GetObjectItemCaseSensitive(jc, "values"));
	} else {
		size_t n;
		const double *v = cstat_table_cell_values(t, i, r, c, &n);
		assert_int_equal(n, cell.n);
		for (size_t k = 0; k < n; k++)
			assert_num(at(get(jc, "values"), k, n), v[k]);
	}

	if (!cell.has_comparison) {
		assert_true(cJSON_IsNull(cmp));
		return;
	}
	assert_true(cJSON_IsObject(cmp));
	assert_num(get(cmp, "delta"), cell.delta);
	assert_num(get(cmp, "p"), cell.p);
	assert_bool(get(cmp, "significant"), cell.significant);
	cstat__format_delta(ic, base->center, text, sizeof(text));
	assert_str(get(cmp, "delta_text"), text);
	const char *dir = "none";
	if (cell.significant && (cell.delta > 0 || cell.delta < 0))
		dir = (cell.delta > 0) == cstat_table_higher_better(t, i)
			      ? "better"
			      : "worse";
	assert_str(get(cmp, "direction"), dir);
}

/* Compares a whole document with the tables it came from. */
static void
check_document(const cstat_tables *t, const cJSON *root)
{
	size_t nt = cstat_tables_count(t);

	assert_str(get(root, "schema"), "cstat/1");
	assert_num(get(root, "alpha"), t->alpha);
	assert_num(get(root, "confidence"), t->confidence);
	const cJSON *stats = get(root, "stats");
	assert_true(cJSON_IsArray(stats));
	const cJSON *tables = get(root, "tables");
	assert_int_equal(cJSON_GetArraySize(tables), nt);
	for (size_t i = 0; i < nt; i++) {
		const struct cstat__table *tb = &t->tables[i];
		const cJSON *jt = at(tables, i, nt);
		size_t nr = cstat_table_rows(t, i), nc = cstat_table_cols(t, i);

		assert_str(get(jt, "unit"), cstat_table_unit(t, i));
		assert_bool(get(jt, "exact"), cstat_table_exact(t, i));
		assert_str(get(jt, "better"), cstat_table_higher_better(t, i)
						      ? "higher"
						      : "lower");
		/* The configuration, in order. */
		const cJSON *cfg = get(jt, "config"), *kv = cfg->child;
		const char *name, *value;
		size_t k = 0;
		for (; cstat_table_key(t, i, k, &name, &value) == 0; k++) {
			assert_non_null(kv);
			assert_string_equal(kv->string, name);
			assert_text(kv, value);
			kv = kv->next;
		}
		assert_null(kv);
		assert_int_equal(cJSON_GetArraySize(cfg), k);

		const cJSON *cols = get(jt, "columns");
		for (size_t c = 0; c < nc; c++) {
			const cJSON *jc = at(cols, c, nc);
			const cJSON *f = get(jc, "fields")->child;
			const uint32_t *vals =
				&tb->col_vals[c * t->ncol_fields];
			assert_text(get(jc, "label"),
				    cstat_table_col_label(t, i, c));
			for (size_t g = 0; g < t->ncol_fields; g++) {
				assert_non_null(f);
				assert_string_equal(
					f->string,
					cstat__tstr(t, t->col_fields[g]));
				assert_text(f, cstat__tstr(t, vals[g]));
				f = f->next;
			}
			assert_null(f);
		}

		/* Walked, not indexed: cJSON's arrays are lists. */
		const cJSON *rows = get(jt, "rows"), *jr = rows->child;
		assert_true(cJSON_IsArray(rows));
		for (size_t r = 0; r < nr; r++, jr = jr->next) {
			assert_non_null(jr);
			assert_text(get(jr, "name"),
				    cstat_table_row_label(t, i, r));
			for (size_t c = 0; c < nc; c++)
				check_cell(t, i, r, c,
					   at(get(jr, "cells"), c, nc));
		}
		assert_null(jr);

		const cJSON *gm = get(jt, "geomean");
		if (nr < 2) {
			assert_true(cJSON_IsNull(gm));
			continue;
		}
		for (size_t c = 0; c < nc; c++) {
			const struct cstat__summary *s = &tb->summary[c];
			const cJSON *jg = at(gm, c, nc);
			assert_num(get(jg, "value"),
				   s->has_summary ? s->summary : NAN);
			assert_num(get(jg, "change"),
				   c > 0 && s->has_ratio ? s->ratio - 1 : NAN);
			const cJSON *w = get(jg, "warnings");
			for (size_t j = 0; j < s->nwarn; j++)
				assert_str(at(w, j, s->nwarn),
					   cstat__tstr(t, s->warn[j]));
			assert_int_equal(cJSON_GetArraySize(w), s->nwarn);
		}
	}
}

/*
 * Two runs: sec/op gets slower, MB/s (B/s, higher is better) drops, B/op
 * shrinks, "widgets" is assume=exact and grows.  Gone only ran before,
 * Fresh only after; Odd has two overlapping values; the pkg b lines make
 * a table of their own with one column and one row.
 */
static const char *old_txt =
	"Unit widgets assume=exact\n"
	"goos: linux\n"
	"cpu: Intel \"Xeon\" \\ 3GHz\n"
	"pkg: a\n"
	"BenchmarkEnc-8 1 100 ns/op 50 MB/s 2000 B/op 3 widgets\n"
	"BenchmarkEnc-8 1 101 ns/op 51 MB/s 2001 B/op 3 widgets\n"
	"BenchmarkEnc-8 1 102 ns/op 52 MB/s 2002 B/op 3 widgets\n"
	"BenchmarkEnc-8 1 103 ns/op 53 MB/s 2003 B/op 3 widgets\n"
	"BenchmarkEnc-8 1 104 ns/op 54 MB/s 2004 B/op 3 widgets\n"
	"BenchmarkEnc-8 1 105 ns/op 55 MB/s 2005 B/op 3 widgets\n"
	"BenchmarkGone-8 1 7 ns/op\n"
	"BenchmarkOdd-8 1 10 ns/op\n"
	"BenchmarkOdd-8 1 12 ns/op\n";
static const char *new_txt =
	"goos: linux\n"
	"cpu: Intel \"Xeon\" \\ 3GHz\n"
	"pkg: a\n"
	"BenchmarkEnc-8 1 120 ns/op 40 MB/s 1000 B/op 4 widgets\n"
	"BenchmarkEnc-8 1 121 ns/op 41 MB/s 1001 B/op 4 widgets\n"
	"BenchmarkEnc-8 1 122 ns/op 42 MB/s 1002 B/op 4 widgets\n"
	"BenchmarkEnc-8 1 123 ns/op 43 MB/s 1003 B/op 4 widgets\n"
	"BenchmarkEnc-8 1 124 ns/op 44 MB/s 1004 B/op 4 widgets\n"
	"BenchmarkEnc-8 1 125 ns/op 45 MB/s 1005 B/op 4 widgets\n"
	"BenchmarkFresh-8 1 9 ns/op\n"
	"BenchmarkOdd-8 1 11 ns/op\n"
	"BenchmarkOdd-8 1 13 ns/op\n"
	"pkg: b\n"
	"BenchmarkLone-8 1 5 ns/op\n";

static cstat_tables *
build_two(void)
{
	const char *names[] = {"old.txt", "new.txt"};
	const char *texts[] = {old_txt, new_txt};

	return build(names, texts, 2);
}

/* The table of the given unit and pkg. */
static size_t
find_table(const cstat_tables *t, const char *unit, const char *pkg)
{
	for (size_t i = 0; i < cstat_tables_count(t); i++) {
		const char *name, *value;
		for (size_t k = 0; cstat_table_key(t, i, k, &name, &value) == 0;
		     k++)
			if (strcmp(name, "pkg") == 0 &&
			    strcmp(value, pkg) == 0 &&
			    strcmp(cstat_table_unit(t, i), unit) == 0)
				return i;
	}
	fail_msg("no %s table for pkg %s", unit, pkg);
	return 0;
}

/* The comparison of row r's second cell in table i of the document. */
static const cJSON *
comparison_of(const cJSON *root, size_t i, size_t r)
{
	const cJSON *jt = cJSON_GetArrayItem(get(root, "tables"), (int)i);
	const cJSON *jr = cJSON_GetArrayItem(get(jt, "rows"), (int)r);

	return get(cJSON_GetArrayItem(get(jr, "cells"), 1), "comparison");
}

static void
test_render_json_matches_tables(void **state)
{
	(void)state;
	cstat_tables *t = build_two();
	cJSON *root = render_parse(t, NULL);

	check_document(t, root);
	/* sec/op, B/s, B/op and widgets for pkg a; sec/op for pkg b. */
	assert_int_equal(cstat_tables_count(t), 5);
	assert_num(get(root, "alpha"), 0.05);
	assert_int_equal(cJSON_GetArraySize(get(root, "stats")), 0);

	size_t sec = find_table(t, "sec/op", "a");
	const cJSON *jt = cJSON_GetArrayItem(get(root, "tables"), (int)sec);
	const cJSON *cfg = get(jt, "config");
	assert_str(get(cfg, "goos"), "linux");
	assert_str(get(cfg, "cpu"), "Intel \"Xeon\" \\ 3GHz");
	assert_str(get(jt, "better"), "lower");
	assert_str(get(at(get(jt, "columns"), 1, 2), "label"), "new.txt");
	assert_str(get(get(at(get(jt, "columns"), 0, 2), "fields"), ".file"),
		   "old.txt");
	/* Rows Enc, Gone, Odd, Fresh: Gone has no new cell, Fresh no old. */
	const cJSON *rows = get(jt, "rows");
	assert_str(get(at(rows, 1, 4), "name"), "Gone-8");
	assert_true(cJSON_IsNull(at(get(at(rows, 1, 4), "cells"), 1, 2)));
	assert_true(cJSON_IsNull(at(get(at(rows, 3, 4), "cells"), 0, 2)));
	const cJSON *enc = at(get(at(rows, 0, 4), "cells"), 0, 2);
	/* Median of 100..105 ns, and its 95% interval (the extremes). */
	assert_close(get(enc, "center")->valuedouble, 102.5e-9, 1e-15);
	assert_close(get(enc, "lo")->valuedouble, 100e-9, 1e-15);
	assert_close(get(enc, "hi")->valuedouble, 105e-9, 1e-15);
	assert_str(get(enc, "range"), "2%");
	const cJSON *cmp = comparison_of(root, sec, 0);
	assert_str(get(cmp, "direction"), "worse");
	assert_str(get(cmp, "delta_text"), "+19.51%");
	/* Six against six, all apart: p = 2/924 (benchstat's p=0.002). */
	assert_close(get(cmp, "p")->valuedouble, 2.0 / 924, 1e-12);
	/* Odd: two values each, overlapping: not significant, warned. */
	cmp = comparison_of(root, sec, 2);
	assert_str(get(cmp, "direction"), "none");
	assert_str(get(cmp, "delta_text"), "~");
	assert_false(cJSON_IsTrue(get(cmp, "significant")));
	assert_int_equal(cJSON_GetArraySize(get(cmp, "warnings")), 1);
	const cJSON *odd = at(get(at(rows, 2, 4), "cells"), 0, 2);
	assert_true(cJSON_IsNull(get(odd, "lo")));
	assert_str(get(odd, "range"), "\u221e");
	/* The geomean: the set differs, so the new column warns. */
	const cJSON *gm = get(jt, "geomean");
	assert_int_equal(cJSON_GetArraySize(get(at(gm, 1, 2), "warnings")), 1);
	assert_true(cJSON_IsNull(get(at(gm, 0, 2), "change")));

	/* A throughput drop is worse; MB/s is tidied to B/s. */
	size_t bps = find_table(t, "B/s", "a");
	jt = cJSON_GetArrayItem(get(root, "tables"), (int)bps);
	assert_str(get(jt, "better"), "higher");
	cmp = comparison_of(root, bps, 0);
	assert_true(get(cmp, "delta")->valuedouble < 0);
	assert_str(get(cmp, "direction"), "worse");
	/* Less memory is better. */
	cmp = comparison_of(root, find_table(t, "B/op", "a"), 0);
	assert_true(get(cmp, "delta")->valuedouble < 0);
	assert_str(get(cmp, "direction"), "better");

	/* assume=exact: the mode, p = 0, always significant. */
	size_t wid = find_table(t, "widgets", "a");
	jt = cJSON_GetArrayItem(get(root, "tables"), (int)wid);
	assert_bool(get(jt, "exact"), true);
	cmp = comparison_of(root, wid, 0);
	assert_num(get(cmp, "p"), 0);
	assert_num(get(cmp, "delta"), 4.0 / 3 - 1);
	assert_str(get(cmp, "direction"), "worse");
	/* One row: no geomean row, as in the text. */
	assert_true(cJSON_IsNull(get(jt, "geomean")));

	/* pkg b: one column, one row. */
	jt = cJSON_GetArrayItem(get(root, "tables"),
				(int)find_table(t, "sec/op", "b"));
	assert_str(get(get(jt, "config"), "pkg"), "b");
	assert_int_equal(cJSON_GetArraySize(get(jt, "columns")), 1);
	assert_str(get(at(get(jt, "columns"), 0, 1), "label"), "new.txt");

	cJSON_Delete(root);
	cstat_tables_free(t);
}

static void
test_render_json_is_what_tables_write_writes(void **state)
{
	(void)state;
	cstat_tables *t = build_two();
	size_t len, len2;
	char *want = render(t, &len), *got = NULL;
	FILE *f = open_memstream(&got, &len2);

	assert_non_null(f);
	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_JSON, f, NULL), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(len2, len);
	assert_memory_equal(got, want, len);
	free(got);
	free(want);
	cstat_tables_free(t);
}

static void
test_render_json_stats_and_samples(void **state)
{
	(void)state;
	cstat_tables *t = build_two();
	struct cstat_diag d;

	/* Without samples there are no values (checked throughout). */
	assert_int_equal(cstat_tables_set(t, "stats", "mean,p90,n", &d), 0);
	cJSON *root = render_parse(t, NULL);
	check_document(t, root);
	const cJSON *names = get(root, "stats");
	assert_str(at(names, 0, 3), "mean");
	assert_str(at(names, 1, 3), "p90");
	assert_str(at(names, 2, 3), "n");
	/* Enc's old sec/op: mean of 100..105 ns; n as an integer. */
	size_t sec = find_table(t, "sec/op", "a");
	const cJSON *jt = cJSON_GetArrayItem(get(root, "tables"), (int)sec);
	const cJSON *st =
		get(at(get(at(get(jt, "rows"), 0, 4), "cells"), 0, 2), "stats");
	assert_close(get(st, "mean")->valuedouble, 102.5e-9, 1e-12);
	assert_num(get(st, "n"), 6);
	cJSON_Delete(root);

	/* A name asked for twice is refused (no object has a key twice);
	 * the list in order is kept. */
	assert_int_equal(cstat_tables_set(t, "stats", "p90 mean p90", &d),
			 CSTAT_EINVAL);
	assert_int_equal(cstat_tables_set(t, "stats", "p90 mean", &d), 0);
	assert_int_equal(cstat_tables_set(t, "samples", "true", &d), 0);
	char *text;
	root = render_parse(t, &text);
	check_document(t, root);
	assert_int_equal(cJSON_GetArraySize(get(root, "stats")), 2);
	jt = cJSON_GetArrayItem(get(root, "tables"), (int)sec);
	st = get(at(get(at(get(jt, "rows"), 0, 4), "cells"), 0, 2), "stats");
	assert_int_equal(cJSON_GetArraySize(st), 2);
	assert_string_equal(st->child->string, "p90");
	assert_string_equal(st->child->next->string, "mean");
	assert_non_null(strstr(text, "\"stats\": [\"p90\", \"mean\"],"));
	const cJSON *v = get(at(get(at(get(jt, "rows"), 0, 4), "cells"), 1, 2),
			     "values");
	assert_close(at(v, 5, 6)->valuedouble, 125e-9, 1e-15);
	free(text);
	cJSON_Delete(root);

	/* Cleared again: no stats keys, an empty list. */
	assert_int_equal(cstat_tables_set(t, "stats", "", &d), 0);
	assert_int_equal(cstat_tables_set(t, "samples", "false", &d), 0);
	root = render_parse(t, NULL);
	check_document(t, root);
	assert_int_equal(cJSON_GetArraySize(get(root, "stats")), 0);
	cJSON_Delete(root);
	cstat_tables_free(t);
}

static void
test_render_json_escapes_names(void **state)
{
	(void)state;
	/* A quote, a backslash, control bytes, a lone 0xff, a surrogate
	 * (3 bad bytes), a cut-off 2-byte sequence, and a NUL. */
	static const char in[] = "BenchmarkQ\"b\\c\x01"
				 "d\x7f\xff"
				 "e\xed\xa0\x80"
				 "f\xc3 1 10 ns/op\n"
				 "BenchmarkZ\0z 1 20 ns/op\n"
				 "BenchmarkOK\xc3\xa9 1 30 ns/op\n";
	const char *names[] = {"we\"ird\n.txt"};
	const char *texts[] = {in};
	size_t lens[] = {sizeof(in) - 1};
	cstat_tables *t = build_len(names, texts, lens, 1);
	char *text;
	cJSON *root = render_parse(t, &text);
	check_document(t, root);

	const cJSON *jt = at(get(root, "tables"), 0, 1);
	const cJSON *rows = get(jt, "rows");
	assert_str(get(at(rows, 0, 3), "name"),
		   "Q\"b\\c\x01"
		   "d\x7f\xef\xbf\xbd"
		   "e\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
		   "f\xef\xbf\xbd");
	/* cJSON stops at the NUL; the text has all of it. */
	assert_non_null(strstr(text, "\"Z\\u0000z\""));
	assert_non_null(strstr(text, "\"Q\\\"b\\\\c\\u0001d"));
	assert_str(get(at(rows, 2, 3), "name"), "OK\xc3\xa9");
	assert_str(get(at(get(jt, "columns"), 0, 1), "label"), "we\"ird\n.txt");
	free(text);
	cJSON_Delete(root);
	cstat_tables_free(t);
}

/* Columns by two fields: the innermost names the column. */
static void
test_render_json_columns_of_two_fields(void **state)
{
	(void)state;
	struct cstat_builder_opts opts = {.table = "", .col = "goarch,.file"};
	const char *names[] = {"old.txt", "new.txt"};
	const char *texts[] = {old_txt, new_txt};
	size_t lens[] = {strlen(old_txt), strlen(new_txt)};
	cstat_tables *t = build_opts(&opts, names, texts, lens, 2);
	cJSON *root = render_parse(t, NULL);

	check_document(t, root);
	/* One table per unit: the configuration is in no key. */
	const cJSON *jt = cJSON_GetArrayItem(get(root, "tables"), 0);
	assert_int_equal(cJSON_GetArraySize(get(jt, "config")), 0);
	const cJSON *col = at(get(jt, "columns"), 1, 2);
	assert_str(get(col, "label"), "new.txt");
	const cJSON *f = get(col, "fields");
	assert_int_equal(cJSON_GetArraySize(f), 2);
	assert_string_equal(f->child->string, "goarch");
	assert_str(f->child, "");
	assert_string_equal(f->child->next->string, ".file");
	cJSON_Delete(root);
	cstat_tables_free(t);
}

static void
test_render_json_no_tables(void **state)
{
	(void)state;
	const char *names[] = {"empty.txt"};
	const char *texts[] = {"goos: linux\n"};
	cstat_tables *t = build(names, texts, 1);
	size_t len;
	char *text = render(t, &len);
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, &end, true);

	assert_non_null(root);
	check_document(t, root);
	assert_int_equal(cJSON_GetArraySize(get(root, "tables")), 0);
	cJSON_Delete(root);
	free(text);
	cstat_tables_free(t);
}

/* Many rows and a name longer than the writer's buffer, in one piece. */
static void
test_render_json_big_table(void **state)
{
	(void)state;
	enum { ROWS = 30000, LONG = 20000 };
	struct cstat__buf in = {0};

	for (size_t r = 0; r < ROWS; r++)
		assert_int_equal(cstat__buf_printf(&in,
						   "BenchmarkB%zu 1 %zu "
						   "ns/op\n",
						   r, r + 1),
				 0);
	assert_int_equal(cstat__buf_adds(&in, "BenchmarkL"), 0);
	for (size_t i = 0; i < LONG; i++)
		assert_int_equal(cstat__buf_addc(&in, (char)('a' + i % 26)), 0);
	assert_int_equal(cstat__buf_adds(&in, " 1 1 ns/op\n"), 0);
	const char *names[] = {"big.txt"};
	const char *texts[] = {in.data};
	cstat_tables *t = build(names, texts, 1);
	cJSON *root = render_parse(t, NULL);

	check_document(t, root);
	const cJSON *rows = get(at(get(root, "tables"), 0, 1), "rows");
	const cJSON *last = at(rows, ROWS, ROWS + 1);
	assert_int_equal(strlen(get(last, "name")->valuestring), LONG + 1);
	cJSON_Delete(root);
	cstat_tables_free(t);
	cstat__buf_release(&in);
}

static void
test_render_json_reports_write_errors(void **state)
{
	(void)state;
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		skip();
	setvbuf(f, NULL, _IONBF, 0);
	cstat_tables *t = build_two();
	assert_int_equal(cstat__render_json(t, f), CSTAT_EIO);
	fclose(f);
	cstat_tables_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_render_json_matches_tables),
		cmocka_unit_test(test_render_json_is_what_tables_write_writes),
		cmocka_unit_test(test_render_json_stats_and_samples),
		cmocka_unit_test(test_render_json_escapes_names),
		cmocka_unit_test(test_render_json_columns_of_two_fields),
		cmocka_unit_test(test_render_json_no_tables),
		cmocka_unit_test(test_render_json_big_table),
		cmocka_unit_test(test_render_json_reports_write_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
