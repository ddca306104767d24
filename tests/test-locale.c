/*
 * test-locale.c - the library's numbers do not follow the host program's
 * locale.  After setlocale(LC_ALL, "de_DE.UTF-8") (decimal comma) or
 * "ps_AF.UTF-8" (a two-byte decimal point, U+066B), "-stats p99.9" still
 * means the 99.9th percentile, a gate config's "alpha": 0.01 is still
 * 0.01, and every output (the five table formats, every gate report and
 * the explanation, -v1's formats, a baseline and a baseline read back)
 * is byte for byte what the "C" locale gives on conformance case doc-01;
 * the reader's number parser and formatters give the same bits and bytes.
 *
 * The inputs are the two files named on the command line.  A locale that
 * is not installed is skipped with a message; without de_DE.UTF-8 the
 * whole test is skipped (exit 77), as .ci/run generates it.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cstat.h"
#include "gate.h"
#include "numfmt.h"
#include "testutil.h"

static const char *old_path, *new_path;

/* The locales under test: de_DE is required, ps_AF is extra coverage. */
static const char *const locales[] = {"de_DE.UTF-8", "ps_AF.UTF-8"};
#define NLOCALES (sizeof(locales) / sizeof(locales[0]))

/*
 * Makes name the program's locale, as a host program would.  Returns
 * false, with a message, when it is not installed.
 */
static bool
use_locale(const char *name)
{
	if (setlocale(LC_ALL, name))
		return true;
	print_message("[  SKIPPED ] locale %s is not installed (localedef "
		      "-i %.5s -f UTF-8 %s)\n",
		      name, name, name);
	return false;
}

/* Back to the "C" locale, whatever a failed assertion left behind. */
static int
reset_locale(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C");
	return 0;
}

/* Checks that the locale really writes numbers differently, so that the
 * comparisons below could fail. */
static void
assert_locale_differs(void)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.1f", 0.5);
	assert_string_not_equal(buf, "0.5");
}

/* Reads the two inputs into built tables. */
static cstat_tables *
build_tables(cstat_reader **rp)
{
	const char *args[] = {old_path, new_path};
	cstat_inputs *in = NULL;
	cstat_builder *b = NULL;
	cstat_reader *r = NULL;
	cstat_tables *t = NULL;
	struct cstat_diag d = {0};
	struct cstat_stats_opts o = {.alpha = 0.05, .confidence = 0.95};

	assert_int_equal(cstat_inputs_new(&in, args, 2), 0);
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	assert_int_equal(cstat_builder_read(b, r, in, 1, NULL, NULL, &d), 0);
	o.units = r;
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	cstat_builder_free(b);
	cstat_inputs_free(in);
	*rp = r;
	return t;
}

/* Every table format, with extra statistics and the samples. */
static void
write_tables(cstat_tables *t, FILE *out)
{
	struct cstat_diag d = {0};

	assert_int_equal(
		cstat_tables_set(t, "stats", "mean,stddev,cv,p50,p99.9", &d),
		0);
	assert_int_equal(cstat_tables_set(t, "samples", "true", &d), 0);
	for (int f = CSTAT_FORMAT_TEXT; f <= CSTAT_FORMAT_JSON; f++)
		assert_int_equal(cstat_tables_write(t, f, out, out), 0);
}

/* Every gate report, the calibration and the explanation. */
static void
write_gate(const cstat_tables *t, const cstat_reader *r, FILE *out)
{
	static const char cfg[] = "{\"alpha\": 0.01, \"confidence\": 0.9,\n"
				  " \"threshold\": \"2.5%\"}";
	cstat_gate_config *c = NULL;
	cstat_gate *g = NULL;
	struct cstat_diag d = {0};

	assert_int_equal(cstat_gate_config_new(&c), 0);
	assert_int_equal(cstat_gate_config_load_mem(c, cfg, sizeof(cfg) - 1,
						    "cfg.json", &d),
			 0);
	assert_int_equal(cstat_gate_new(&g, t, c, r, true), 0);
	for (int f = CSTAT_REPORT_TEXT; f <= CSTAT_REPORT_CALIBRATION; f++)
		assert_int_equal(cstat_gate_write(g, f, false, out), 0);
	assert_true(cstat_gate_explain(g, "*", out) > 0);
	cstat_gate_free(g);
	cstat_gate_config_free(c);
}

/* -v1's three formats, CSV with its ranges. */
static void
write_v1(FILE *out)
{
	cstat_v1 *v = NULL;
	struct cstat_diag d = {0};

	assert_int_equal(cstat_v1_new(&v, NULL), 0);
	assert_int_equal(cstat_v1_add_file(v, old_path, &d), 0);
	assert_int_equal(cstat_v1_add_file(v, new_path, &d), 0);
	for (int f = CSTAT_V1_TEXT; f <= CSTAT_V1_HTML; f++)
		assert_int_equal(cstat_v1_write(v, f, false, out), 0);
	cstat_v1_free(v);
}

/* The inputs as a baseline, then that baseline read back as CSV. */
static void
write_run(FILE *out)
{
	cstat_reader *r = NULL;
	cstat_run *run = NULL;
	const struct cstat_result *res;
	struct cstat_diag d = {0};
	char *text = NULL;
	size_t len = 0;

	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_equal(cstat_run_new(&run), 0);
	assert_int_equal(cstat_reader_open(r, old_path, NULL, &d), 0);
	while (cstat_reader_next(r, &res, &d) == 1)
		assert_int_equal(cstat_run_add(run, res, r), 0);
	assert_int_equal(cstat_run_set(run, "created", "2026-01-01T00:00:00Z"),
			 0);
	/* A fixed id too: each new run gets a random one. */
	assert_int_equal(cstat_run_set(run, "id", "locale-test"), 0);
	FILE *mem = open_memstream(&text, &len);
	assert_non_null(mem);
	assert_int_equal(cstat_run_write(run, true, mem), 0);
	fclose(mem);
	fwrite(text, 1, len, out);

	cstat_builder *b = NULL;
	cstat_tables *t = NULL;
	struct cstat_stats_opts o = {.alpha = 0.05, .confidence = 0.95};
	assert_int_equal(cstat_reader_open_mem(r, text, len, "base.json"), 0);
	assert_int_equal(cstat_builder_new(&b, NULL, &d), 0);
	while (cstat_reader_next(r, &res, &d) == 1)
		assert_int_equal(cstat_builder_add(b, res), 0);
	assert_int_equal(cstat_builder_build(b, &o, &t), 0);
	assert_int_equal(cstat_tables_write(t, CSTAT_FORMAT_CSV, out, out), 0);
	cstat_tables_free(t);
	cstat_builder_free(b);
	cstat_run_free(run);
	cstat_reader_free(r);
	free(text);
}

/* A system error's text, which must be Go's English, not the locale's. */
static void
write_open_error(FILE *out)
{
	char name[300];
	cstat_reader *r = NULL;
	struct cstat_diag d = {0};

	/* A name longer than NAME_MAX: ENAMETOOLONG, which has no fixed
	 * wording of cstat's own, so strerror() words it. */
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	assert_int_equal(cstat_reader_new(&r), 0);
	assert_int_not_equal(cstat_reader_open(r, name, NULL, &d), 0);
	fprintf(out, "%s\n", d.message);
	cstat_reader_free(r);
}

/* Everything the library writes from the inputs, as one string. */
static char *
render_all(size_t *len)
{
	char *text = NULL;
	cstat_reader *r = NULL;
	FILE *out = open_memstream(&text, len);

	assert_non_null(out);
	cstat_tables *t = build_tables(&r);
	write_tables(t, out);
	write_gate(t, r, out);
	cstat_tables_free(t);
	cstat_reader_free(r);
	write_v1(out);
	write_run(out);
	write_open_error(out);
	fclose(out);
	return text;
}

/* Fails at the first byte where got differs from want, showing both. */
static void
assert_same_bytes(const char *locale, const char *got, size_t ngot,
		  const char *want, size_t nwant)
{
	size_t i = 0;

	while (i < ngot && i < nwant && got[i] == want[i])
		i++;
	if (i == ngot && i == nwant)
		return;
	size_t from = i > 60 ? i - 60 : 0;
	fail_msg("under %s the output differs at byte %zu of %zu:\n"
		 "C:      ...%.120s\n%s: ...%.120s",
		 locale, i, nwant, want + from, locale, got + from);
}

static void
test_outputs_identical_to_c_locale(void **state)
{
	(void)state;
	size_t nc, nl;
	char *c = render_all(&nc);

	/* The C run exercises what is compared: numbers with points, the
	 * gate's "2.5%" and the system error. */
	assert_non_null(strstr(c, "1.718µ"));
	assert_non_null(strstr(c, "2.5%"));
	assert_non_null(strstr(c, "file name too long"));
	for (size_t i = 0; i < NLOCALES; i++) {
		if (!use_locale(locales[i]))
			continue;
		assert_locale_differs();
		char *l = render_all(&nl);
		setlocale(LC_ALL, "C");
		assert_same_bytes(locales[i], l, nl, c, nc);
		free(l);
	}
	free(c);
}

/*
 * -stats p99.9 is the 99.9th percentile, not the 99th: strtod() would stop
 * at the '.' under a decimal comma.  Expected values by hand, from GSL's
 * definition (linear interpolation at (n - 1) q between order statistics)
 * on doc-01's old Encode/format=json-48 times, sorted: 1705 1707 1707
 * 1707 1713 1723 1726 1729 1736 1774 ns.  p99.9: 1736 + 0.991 * 38 =
 * 1773.658; p99: 1736 + 0.91 * 38 = 1770.58.
 */
static void
test_percentile_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLOCALES; i++) {
		if (!use_locale(locales[i]))
			continue;
		cstat_reader *r = NULL;
		cstat_tables *t = build_tables(&r);
		struct cstat_diag d = {0};
		double v;

		assert_int_equal(cstat_tables_set(t, "stats", "p99.9 p99", &d),
				 0);
		assert_string_equal(cstat_tables_stat_name(t, 0), "p99.9");
		assert_string_equal(cstat_table_row_label(t, 0, 0),
				    "Encode/format=json-48");
		assert_int_equal(cstat_table_cell_stat(t, 0, 0, 0, 0, &v), 0);
		assert_close(v, 1773.658e-9, 1e-12);
		assert_int_equal(cstat_table_cell_stat(t, 0, 0, 0, 1, &v), 0);
		assert_close(v, 1770.58e-9, 1e-12);
		/* The locale's own spelling is not a percentile. */
		assert_int_equal(cstat_tables_set(t, "stats", "p99,9x", &d),
				 CSTAT_EINVAL);
		cstat_tables_free(t);
		cstat_reader_free(r);
		setlocale(LC_ALL, "C");
	}
}

/* A gate config's numbers and percentages, in the file and as flags. */
static void
test_gate_config_numbers(void **state)
{
	(void)state;
	static const char cfg[] =
		"{\"alpha\": 0.01, \"confidence\": 0.9, \"threshold\": "
		"\"2.5%\",\n \"classes\": {\"time\": \"0.5%\"}, \"version\": "
		"1.0}";

	for (size_t i = 0; i < NLOCALES; i++) {
		if (!use_locale(locales[i]))
			continue;
		cstat_gate_config *c = NULL;
		struct cstat_diag d = {0};

		assert_int_equal(cstat_gate_config_new(&c), 0);
		assert_int_equal(cstat_gate_config_load_mem(c, cfg,
							    sizeof(cfg) - 1,
							    "cfg.json", &d),
				 0);
		assert_true(c->alpha == 0.01);
		assert_true(c->confidence == 0.9);
		assert_true(c->threshold == 0.025);
		assert_int_equal(c->nrules, 1);
		assert_true(c->rules[0].threshold == 0.005);
		assert_int_equal(cstat_gate_config_set(c, "alpha", "0.02", &d),
				 0);
		assert_true(c->alpha == 0.02);
		/* The locale's decimal comma is no number in JSON or flags. */
		assert_int_equal(cstat_gate_config_set(c, "alpha", "0,02", &d),
				 CSTAT_EINVAL);
		cstat_gate_config_free(c);
		setlocale(LC_ALL, "C");
	}
}

/*
 * The reader's number parser and the renderers' formatters (numfmt.c, the
 * hot path, not changed for this) give the same bits and bytes in every
 * locale: they hand strtod() and printf() nothing with a decimal point,
 * or read printf's point whatever it is.  Expected values: the C locale's.
 */
static void
test_numfmt_same_in_every_locale(void **state)
{
	static const char *const texts[] = {"3.25",
					    "0.1",
					    "1.5e-3",
					    "1_000.5",
					    "0x1.8p1",
					    "1e400",
					    "123456789.123456789e-5"};
	static const double vals[] = {0.1, 1718e-9, 2.5, 1e21, 5e-324};
	enum { NT = sizeof(texts) / sizeof(texts[0]) };
	enum { NV = sizeof(vals) / sizeof(vals[0]) };
	double want[NT];
	int want_rc[NT];
	char want_g[NV][CSTAT__GO_FLOAT_SIZE], want_f[NV][64];
	char got[64];

	(void)state;
	for (size_t j = 0; j < NT; j++)
		want_rc[j] = cstat__parse_float(texts[j], strlen(texts[j]),
						&want[j]);
	for (size_t j = 0; j < NV; j++) {
		cstat__fmt_go_float(want_g[j], vals[j]);
		cstat__fmt_go_fixed(want_f[j], sizeof(want_f[j]), vals[j] * 1e6,
				    12);
	}
	assert_string_equal(want_g[0], "0.1");
	for (size_t i = 0; i < NLOCALES; i++) {
		if (!use_locale(locales[i]))
			continue;
		for (size_t j = 0; j < NT; j++) {
			double v;
			assert_int_equal(cstat__parse_float(texts[j],
							    strlen(texts[j]),
							    &v),
					 want_rc[j]);
			assert_same(v, want[j]);
		}
		for (size_t j = 0; j < NV; j++) {
			cstat__fmt_go_float(got, vals[j]);
			assert_string_equal(got, want_g[j]);
			cstat__fmt_go_fixed(got, sizeof(got), vals[j] * 1e6,
					    12);
			assert_string_equal(got, want_f[j]);
		}
		setlocale(LC_ALL, "C");
	}
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_outputs_identical_to_c_locale,
					  reset_locale),
		cmocka_unit_test_teardown(test_percentile_names, reset_locale),
		cmocka_unit_test_teardown(test_gate_config_numbers,
					  reset_locale),
		cmocka_unit_test_teardown(test_numfmt_same_in_every_locale,
					  reset_locale),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: test-locale OLD NEW\n");
		return 2;
	}
	old_path = argv[1];
	new_path = argv[2];
	if (!setlocale(LC_ALL, locales[0])) {
		fprintf(stderr,
			"test-locale: SKIPPED: the locale %s is not "
			"installed (generate it with: localedef -i "
			"de_DE -f UTF-8 de_DE.UTF-8)\n",
			locales[0]);
		return 77;
	}
	setlocale(LC_ALL, "C");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
