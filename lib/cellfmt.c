/*
 * cellfmt.c - the words and numbers of a table cell, shared by every
 * output format: the "± x%" range, the delta against the baseline and the
 * "p=0.PPP n=N" comparison note (benchmath's Summary and Comparison).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "numfmt.h"

#include "tables.h"
#include "units.h"

/* snprintf(buf, size, "%s", s) for the few fixed texts, without printf. */
static void
put_text(char *buf, size_t size, const char *s)
{
	size_t n = strlen(s);

	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

static int
sign(double x)
{
	return x > 0 ? 1 : x < 0 ? -1 : 0;
}

void
cstat__pct_range(const struct cstat__cell *c, char *buf, size_t size)
{
	if (isinf(c->lo) || isinf(c->hi)) {
		put_text(buf, size, "∞");
		return;
	}
	int cs = sign(c->center);
	if (cs != sign(c->lo) || cs != sign(c->hi)) {
		put_text(buf, size, "?");
		return;
	}
	if (c->center == 0) {
		put_text(buf, size, "0%");
		return;
	}
	double v = fmax(c->hi / c->center - 1, 1 - c->lo / c->center);
	size_t n = cstat__fmt_go_fixed(buf, size, 100 * v, 0);
	if (n + 1 < size) {
		buf[n] = '%';
		buf[n + 1] = '\0';
	}
}

void
cstat__format_delta(const struct cstat__cell *c, double base, char *buf,
		    size_t size)
{
	if (!c->significant)
		put_text(buf, size, "~");
	else if (base == c->center)
		put_text(buf, size, "0.00%");
	else if (base == 0)
		put_text(buf, size, "?");
	else
		cstat__fmt_percent(buf, size, (c->center / base - 1.0) * 100.0);
}

void
cstat__fmt_percent(char *buf, size_t size, double pct)
{
	/* fmt's "%+.2f%%": a '+' unless the number has its own sign. */
	char tmp[CSTAT__GO_FIXED_SIZE(2) + 4];
	size_t n = 0;

	if (isnan(pct) || isinf(pct)) {
		n = (size_t)snprintf(tmp, sizeof(tmp), "%s",
				     isnan(pct) ? "+NaN"
				     : pct > 0	? "+Inf"
						: "-Inf");
	} else {
		if (!signbit(pct))
			tmp[n++] = '+';
		n += cstat__fmt_go_fixed(tmp + n, sizeof(tmp) - n - 1, pct, 2);
	}
	tmp[n++] = '%';
	if (n >= size)
		n = size ? size - 1 : 0;
	if (size) {
		memcpy(buf, tmp, n);
		buf[n] = '\0';
	}
}

/* Appends the decimal digits of v at p; returns the end. */
static char *
put_uint(char *p, uint32_t v)
{
	char d[12];
	size_t n = 0;

	do {
		d[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = d[--n];
	return p;
}

void
cstat__format_cmp(const struct cstat__cell *c, uint32_t base_n, char *buf,
		  size_t size)
{
	/* "p=0.PPP n=N" or "n=N1+N2": at most 2+5+1 + 2+10+1+10 bytes, and
	 * p is in [0, 1] so fixed formatting stays short. */
	char tmp[64], *p = tmp;

	if (c->p != 0) {
		memcpy(p, "p=", 2);
		p += 2;
		p += cstat__fmt_go_fixed(p, 24, c->p, 3);
		*p++ = ' ';
	}
	memcpy(p, "n=", 2);
	p += 2;
	p = put_uint(p, base_n);
	if (base_n != c->n) {
		*p++ = '+';
		p = put_uint(p, c->n);
	}
	size_t n = (size_t)(p - tmp);
	if (n >= size)
		n = size ? size - 1 : 0;
	if (size) {
		memcpy(buf, tmp, n);
		buf[n] = '\0';
	}
}

/* Adds the ids not yet in fn, in order. */
static int
note(struct cstat__footnotes *fn, const uint32_t *ids, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		size_t i;
		for (i = 0; i < fn->n && fn->ids[i] != ids[k]; i++)
			;
		if (i < fn->n)
			continue;
		if (cstat__grow((void **)&fn->ids, &fn->cap, fn->n + 1,
				sizeof(*fn->ids)))
			return CSTAT_ENOMEM;
		fn->ids[fn->n++] = ids[k];
	}
	return 0;
}

int
cstat__number_footnotes(const struct cstat__table *tb,
			struct cstat__footnotes *fn)
{
	int rc = 0;

	for (size_t r = 0; r < tb->nrows && !rc; r++) {
		for (size_t c = 0; c < tb->ncols && !rc; c++) {
			const struct cstat__cell *ce =
				&tb->cells[r * tb->ncols + c];
			if (!ce->present)
				continue;
			rc = note(fn, ce->warn, ce->nwarn);
			if (!rc && c > 0 && ce->has_cmp)
				rc = note(fn, ce->cmpwarn, ce->ncmpwarn);
		}
	}
	for (size_t c = 0; c < tb->ncols && !rc && tb->nrows > 1; c++)
		rc = note(fn, tb->summary[c].warn, tb->summary[c].nwarn);
	return rc;
}

size_t
cstat_format_value(double v, const char *unit, char *buf, size_t size)
{
	return cstat__scale_format(v, cstat__unit_scaling(unit ? unit : ""),
				   buf, buf ? size : 0);
}
