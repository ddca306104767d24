/*
 * fuzz-reader.c - libFuzzer target for the Go benchmark format reader.
 *
 * The input is split at the first NUL byte into two files, so both the
 * per-file configuration reset and the cross-file unit metadata get
 * exercised; every result goes through the builder, the tables are built
 * and rendered in every format (again with -stats and -samples), and the
 * regression gate judges them (with calibration) and writes every report.  Any
 * crash, leak or sanitizer report is a finding, and so is Markdown, HTML,
 * JSON, JUnit or a workflow command that is not valid UTF-8 (names can hold
 * any bytes; docs/security.md).  The first file is also read with the
 * reader's fast path for Go text on and off (fast-slow.h): any difference
 * aborts.  tests/fuzz/replay.c runs the
 * same function over the saved corpus in the normal test suite.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstat-private.h"
#include "cstat.h"
#include "fast-slow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
read_all(cstat_reader *r, cstat_builder *b)
{
	const struct cstat_result *res;
	struct cstat_diag d;
	char msg[1024];
	int rc;

	while ((rc = cstat_reader_next(r, &res, &d)) != 0) {
		if (rc == 1)
			cstat_builder_add(b, res);
		else if (rc == CSTAT_ESYNTAX)
			cstat_diag_format(&d, msg, sizeof(msg));
		else
			break;
	}
}

/* Aborts unless s[0..len) is valid UTF-8. */
static void
expect_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long c;

	for (size_t i = 0, n; i < len; i += n) {
		n = p[i] < 0x80 ? 1 : cstat__utf8_decode(p + i, len - i, &c);
		if (p[i] >= 0x80 && n == 1)
			abort();
	}
}

/* The tables in fmt, which must be valid UTF-8. */
static void
tables_utf8(const cstat_tables *t, enum cstat_format fmt, FILE *sink)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	cstat_tables_write(t, fmt, m, sink);
	if (fclose(m) == 0)
		expect_utf8(buf, len);
	free(buf);
}

/* The gate's report f, which must be valid UTF-8 but for the text. */
static void
report_utf8(cstat_gate *g, int f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	cstat_gate_write(g, f, f % 2, m);
	if (fclose(m) == 0 && f != CSTAT_REPORT_TEXT &&
	    f != CSTAT_REPORT_CALIBRATION)
		expect_utf8(buf, len);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);
	size_t n1 = nul ? (size_t)(nul - text) : size;
	cstat_reader *r = NULL;
	cstat_builder *b = NULL;
	cstat_tables *t = NULL;
	struct cstat_diag d;

	if (fast_slow_compare(text, n1, 0) < 0 ||
	    fast_slow_compare(text, n1, 64) < 0)
		abort();
	if (cstat_reader_new(&r) || cstat_builder_new(&b, NULL, &d))
		goto out;
	if (cstat_reader_open_mem(r, text, n1, "a.txt") == 0)
		read_all(r, b);
	if (nul &&
	    cstat_reader_open_mem(r, nul + 1, size - n1 - 1, "b.txt") == 0)
		read_all(r, b);
	struct cstat_stats_opts o = {
		.alpha = 0.05, .confidence = 0.95, .units = r};
	if (cstat_builder_build(b, &o, &t) == 0) {
		FILE *sink = fopen("/dev/null", "w");
		if (sink) {
			cstat_tables_write(t, CSTAT_FORMAT_TEXT, sink, sink);
			cstat_tables_write(t, CSTAT_FORMAT_CSV, sink, sink);
			struct cstat_diag sd;
			cstat_tables_set(t, "stats", "mean,stddev,cv,p99.9",
					 &sd);
			cstat_tables_set(t, "samples", "true", &sd);
			cstat_tables_write(t, CSTAT_FORMAT_TEXT, sink, sink);
			cstat_tables_write(t, CSTAT_FORMAT_CSV, sink, sink);
			tables_utf8(t, CSTAT_FORMAT_HTML, sink);
			tables_utf8(t, CSTAT_FORMAT_MARKDOWN, sink);
			tables_utf8(t, CSTAT_FORMAT_JSON, sink);
		}
		cstat_gate_config *gc = NULL;
		cstat_gate *g = NULL;
		if (cstat_gate_config_new(&gc) == 0 &&
		    cstat_gate_new(&g, t, gc, r, true) == 0 && sink) {
			for (int f = CSTAT_REPORT_TEXT;
			     f <= CSTAT_REPORT_CALIBRATION; f++)
				report_utf8(g, f);
			cstat_gate_explain(g, "*", sink);
		}
		cstat_gate_free(g);
		cstat_gate_config_free(gc);
		if (sink)
			fclose(sink);
		for (size_t i = 0; i < cstat_tables_count(t); i++) {
			struct cstat_cell c;
			(void)cstat_table_unit(t, i);
			for (size_t col = 0; col < cstat_table_cols(t, i);
			     col++)
				(void)cstat_table_col_label(t, i, col);
			for (size_t row = 0; row < cstat_table_rows(t, i);
			     row++) {
				(void)cstat_table_row_label(t, i, row);
				for (size_t col = 0;
				     col < cstat_table_cols(t, i); col++) {
					cstat_table_cell(t, i, row, col, &c);
					for (size_t k = 0; k < c.nwarnings; k++)
						(void)cstat_table_cell_warning(
							t, i, row, col, k);
				}
			}
		}
	}
out:
	cstat_tables_free(t);
	cstat_builder_free(b);
	cstat_reader_free(r);
	return 0;
}
