/*
 * cellfmt.c - the words and numbers of a table cell, shared by every
 * output format: the "± x%" range, the delta against the baseline and the
 * "p=0.PPP n=N" comparison note (benchmath's Summary and Comparison).
 */
#include <math.h>
#include <stdio.h>

#include "tables.h"

static int
sign(double x)
{
	return x > 0 ? 1 : x < 0 ? -1 : 0;
}

void
cstat__pct_range(const struct cstat__cell *c, char *buf, size_t size)
{
	if (isinf(c->lo) || isinf(c->hi)) {
		snprintf(buf, size, "∞");
		return;
	}
	int cs = sign(c->center);
	if (cs != sign(c->lo) || cs != sign(c->hi)) {
		snprintf(buf, size, "?");
		return;
	}
	if (c->center == 0) {
		snprintf(buf, size, "0%%");
		return;
	}
	double v = fmax(c->hi / c->center - 1, 1 - c->lo / c->center);
	snprintf(buf, size, "%.0f%%", 100 * v);
}

void
cstat__format_delta(const struct cstat__cell *c, double base, char *buf,
		    size_t size)
{
	if (!c->significant)
		snprintf(buf, size, "~");
	else if (base == c->center)
		snprintf(buf, size, "0.00%%");
	else if (base == 0)
		snprintf(buf, size, "?");
	else
		snprintf(buf, size, "%+.2f%%", (c->center / base - 1.0) * 100.0);
}

void
cstat__format_cmp(const struct cstat__cell *c, uint32_t base_n, char *buf,
		  size_t size)
{
	int n = 0;

	if (c->p != 0)
		n = snprintf(buf, size, "p=%0.3f ", c->p);
	if (n < 0 || (size_t)n >= size)
		n = 0;
	if (base_n == c->n)
		snprintf(buf + n, size - (size_t)n, "n=%u", c->n);
	else
		snprintf(buf + n, size - (size_t)n, "n=%u+%u", base_n, c->n);
}
