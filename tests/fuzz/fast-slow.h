/*
 * fast-slow.h - reads one input with the reader's fast path for Go text on
 * and off (cstat__reader_set_fast) and compares everything the reader
 * hands out: results (names, values bit for bit, units, lines,
 * configurations) and errors (codes, messages, lines).  The input is
 * followed by a line of 300 spaces, which holds nothing, so that every
 * line of it has the look-ahead the fast path needs.  Shared by the
 * reader's fuzz target and tests/test-reader.c.
 */
#ifndef CSTAT_FAST_SLOW_H
#define CSTAT_FAST_SLOW_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstat-private.h"
#include "cstat.h"

/* Whether two results are the same, field by field. */
static int
fs_same_result(const struct cstat_result *a, const struct cstat_result *b)
{
	if (a->name_len != b->name_len ||
	    memcmp(a->name, b->name, a->name_len) != 0 ||
	    a->nvalues != b->nvalues || a->line != b->line ||
	    a->nconfig != b->nconfig ||
	    a->config_text_len != b->config_text_len ||
	    (a->config_text_len &&
	     memcmp(a->config_text, b->config_text, a->config_text_len) != 0))
		return 0;
	for (size_t i = 0; i < a->nvalues; i++) {
		const struct cstat_value *x = &a->values[i], *y = &b->values[i];
		if (memcmp(&x->value, &y->value, sizeof(double)) != 0 ||
		    memcmp(&x->orig_value, &y->orig_value, sizeof(double)) !=
			    0 ||
		    strcmp(x->unit, y->unit) != 0 ||
		    strcmp(x->orig_unit, y->orig_unit) != 0)
			return 0;
	}
	return 1;
}

/*
 * Reads [text, text + len) both ways with the line ceiling max_line (0:
 * the default).
 * @return the number of results, or -1 at the first difference (written
 *         to stderr).
 */
static long
fast_slow_compare(const char *text, size_t len, size_t max_line)
{
	static const size_t pad = 300;
	char *in = malloc(len + pad + 2);
	cstat_reader *r[2] = {NULL, NULL};
	long nres = 0;

	if (!in)
		return 0;
	memcpy(in, text, len);
	in[len] = '\n';
	memset(in + len + 1, ' ', pad);
	in[len + 1 + pad] = '\n';
	for (int k = 0; k < 2; k++) {
		if (cstat_reader_new(&r[k]) ||
		    cstat_reader_set_limits(r[k], max_line, 0) ||
		    cstat_reader_open_mem(r[k], in, len + pad + 2, "in.txt") ||
		    cstat_reader_set_format(r[k], NULL))
			goto out;
		cstat__reader_set_fast(r[k], k == 0);
	}
	for (;;) {
		const struct cstat_result *res[2];
		struct cstat_diag d[2];
		int rc[2];
		memset(d, 0, sizeof(d));
		for (int k = 0; k < 2; k++)
			rc[k] = cstat_reader_next(r[k], &res[k], &d[k]);
		if (rc[0] != rc[1] ||
		    (rc[0] == 1 && !fs_same_result(res[0], res[1])) ||
		    (rc[0] < 0 && (d[0].line != d[1].line ||
				   strcmp(d[0].message, d[1].message) != 0))) {
			fprintf(stderr,
				"fast and general paths differ: rc %d/%d, "
				"line %lu/%lu: %s / %s\n",
				rc[0], rc[1], d[0].line, d[1].line,
				d[0].message, d[1].message);
			nres = -1;
			break;
		}
		if (rc[0] == 1)
			nres++;
		else if (rc[0] != CSTAT_ESYNTAX)
			break;
	}
out:
	cstat_reader_free(r[0]);
	cstat_reader_free(r[1]);
	free(in);
	return nres;
}

#endif
