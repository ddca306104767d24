/*
 * fast-slow.h - reads one input with the reader's fast path for Go text on
 * (with AVX2 where the processor has it, and without) and off
 * (cstat__reader_set_fast) and compares everything the reader
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
 * Reads [text, text + len) the three ways with the line ceiling max_line (0:
 * the default).
 * @return the number of results, or -1 at the first difference (written
 *         to stderr).
 */
static long
fast_slow_compare(const char *text, size_t len, size_t max_line)
{
	static const size_t pad = 300;
	/* The general path, the fast path as the processor allows and the
	 * fast path with the baseline's instructions. */
	static const int how[3] = {CSTAT__FAST_OFF, CSTAT__FAST_ON,
				   CSTAT__FAST_BASE};
	char *in = malloc(len + pad + 2);
	cstat_reader *r[3] = {NULL, NULL, NULL};
	long nres = 0;

	if (!in)
		return 0;
	memcpy(in, text, len);
	in[len] = '\n';
	memset(in + len + 1, ' ', pad);
	in[len + 1 + pad] = '\n';
	for (int k = 0; k < 3; k++) {
		if (cstat_reader_new(&r[k]) ||
		    cstat_reader_set_limits(r[k], max_line, 0) ||
		    cstat_reader_open_mem(r[k], in, len + pad + 2, "in.txt") ||
		    cstat_reader_set_format(r[k], NULL))
			goto out;
		cstat__reader_set_fast(r[k], how[k]);
	}
	for (;;) {
		const struct cstat_result *res[3];
		struct cstat_diag d[3];
		int rc[3];
		memset(d, 0, sizeof(d));
		for (int k = 0; k < 3; k++)
			rc[k] = cstat_reader_next(r[k], &res[k], &d[k]);
		for (int k = 1; k < 3; k++) {
			if (rc[0] == rc[k] &&
			    (rc[0] != 1 || fs_same_result(res[0], res[k])) &&
			    (rc[0] >= 0 ||
			     (d[0].line == d[k].line &&
			      strcmp(d[0].message, d[k].message) == 0)))
				continue;
			fprintf(stderr,
				"fast path %d and general path differ: rc "
				"%d/%d, line %lu/%lu: %s / %s\n",
				how[k], rc[k], rc[0], d[k].line, d[0].line,
				d[k].message, d[0].message);
			nres = -1;
			goto out;
		}
		if (rc[0] == 1)
			nres++;
		else if (rc[0] != CSTAT_ESYNTAX)
			break;
	}
out:
	for (int k = 0; k < 3; k++)
		cstat_reader_free(r[k]);
	free(in);
	return nres;
}

#endif
