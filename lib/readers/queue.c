/*
 * queue.c - the queue between an input format and the reader.
 *
 * A format appends items (configuration, results, unit metadata, lines of
 * Go text, messages) as it finds them; the reader takes them in order and
 * clears the queue once it is empty, so a format that streams (CSV,
 * go test -json) needs memory for one chunk's items only.  Items are
 * records of offsets into one string buffer and one value array, so
 * growing either never leaves a pointer dangling; take() turns them into
 * pointers that hold until the next clear.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstat-private.h"
#include "readers.h"

#define NONE SIZE_MAX

struct rec {
	enum cstat__rq_kind kind;
	int code;
	unsigned long line, column;
	size_t a, a_len, b, c; /* offsets into strs, or NONE */
	size_t v, nv;	       /* values[v .. v + nv) */
};

struct val {
	double value;
	size_t unit; /* offset into strs */
};

struct cstat__rq {
	struct rec *recs;
	size_t n, cap, pos;
	struct cstat__buf strs;
	struct val *vals;
	size_t nvals, vals_cap;
	/* What take() hands out for a result's values. */
	struct cstat__rv *out;
	size_t out_cap;
	bool failed;
	const char *label;
};

int
cstat__rq_new(struct cstat__rq **out)
{
	*out = calloc(1, sizeof(**out));
	return *out ? 0 : CSTAT_ENOMEM;
}

void
cstat__rq_free(struct cstat__rq *q)
{
	if (!q)
		return;
	free(q->recs);
	cstat__buf_release(&q->strs);
	free(q->vals);
	free(q->out);
	free(q);
}

bool
cstat__rq_pending(const struct cstat__rq *q)
{
	return q->pos < q->n;
}

bool
cstat__rq_failed(const struct cstat__rq *q)
{
	return q->failed;
}

void
cstat__rq_set_label(struct cstat__rq *q, const char *label)
{
	q->label = label;
}

const char *
cstat__rq_label(const struct cstat__rq *q)
{
	return q->label ? q->label : "";
}

void
cstat__rq_clear(struct cstat__rq *q)
{
	q->n = q->pos = 0;
	q->strs.len = 0;
	q->nvals = 0;
}

/* Copies s[0..len) and a NUL into the strings; *off gets its offset. */
static int
add_str(struct cstat__rq *q, const char *s, size_t len, size_t *off)
{
	*off = q->strs.len;
	if (cstat__buf_add(&q->strs, s, len) || cstat__buf_addc(&q->strs, 0))
		return CSTAT_ENOMEM;
	return 0;
}

/*
 * Copies a result's name or unit s[0..len) and a NUL into the strings,
 * every white space and control character as '_', as go test writes
 * sub-benchmark names: Go text ends a name or a unit at white space, and
 * baselines and histories keep results as Go text, so a name with a space
 * would not come back whole.  *off gets its offset.
 */
static int
add_field(struct cstat__rq *q, const char *s, size_t len, size_t *off)
{
	*off = q->strs.len;
	for (size_t i = 0; i < len;) {
		unsigned long c;
		size_t w = cstat__utf8_decode((const unsigned char *)s + i,
					      len - i, &c);
		bool blank = c < 0x20 || c == 0x7f || cstat__unicode_space(c);

		if (blank ? cstat__buf_addc(&q->strs, '_')
			  : cstat__buf_add(&q->strs, s + i, w))
			return CSTAT_ENOMEM;
		i += w;
	}
	return cstat__buf_addc(&q->strs, 0) ? CSTAT_ENOMEM : 0;
}

/* A new record of kind at the end of the queue, or NULL. */
static struct rec *
add_rec(struct cstat__rq *q, enum cstat__rq_kind kind, unsigned long line)
{
	if (q->failed)
		return NULL;
	if (cstat__grow((void **)&q->recs, &q->cap, q->n + 1, sizeof(*q->recs)))
		return NULL;
	struct rec *r = &q->recs[q->n];
	*r = (struct rec){
		.kind = kind, .line = line, .a = NONE, .b = NONE, .c = NONE};
	return r;
}

/* Appends r (filled by add_rec) to the queue. */
static int
commit(struct cstat__rq *q)
{
	q->n++;
	return 0;
}

int
cstat__rq_config(struct cstat__rq *q, const char *key, const char *value,
		 unsigned long line)
{
	if (q->failed)
		return 0;

	struct rec *r = add_rec(q, CSTAT__RQ_CONFIG, line);

	if (!r || add_str(q, key, strlen(key), &r->a) ||
	    add_str(q, value, strlen(value), &r->b))
		return CSTAT_ENOMEM;
	return commit(q);
}

int
cstat__rq_result(struct cstat__rq *q, const char *name, size_t name_len,
		 const struct cstat__rv *values, size_t n, unsigned long line)
{
	if (q->failed)
		return 0;

	struct rec *r = add_rec(q, CSTAT__RQ_RESULT, line);

	if (!r || add_field(q, name, name_len, &r->a))
		return CSTAT_ENOMEM;
	r->a_len = strlen(q->strs.data + r->a);
	if (cstat__grow((void **)&q->vals, &q->vals_cap, q->nvals + n,
			sizeof(*q->vals)))
		return CSTAT_ENOMEM;
	r->v = q->nvals;
	r->nv = n;
	for (size_t i = 0; i < n; i++) {
		struct val *v = &q->vals[q->nvals + i];
		v->value = values[i].value;
		if (add_field(q, values[i].unit, strlen(values[i].unit),
			      &v->unit))
			return CSTAT_ENOMEM;
	}
	q->nvals += n;
	return commit(q);
}

int
cstat__rq_unit_meta(struct cstat__rq *q, const char *unit, const char *key,
		    const char *value, unsigned long line)
{
	if (q->failed)
		return 0;

	struct rec *r = add_rec(q, CSTAT__RQ_UNIT_META, line);

	if (!r || add_str(q, unit, strlen(unit), &r->a) ||
	    add_str(q, key, strlen(key), &r->b) ||
	    add_str(q, value, strlen(value), &r->c))
		return CSTAT_ENOMEM;
	return commit(q);
}

int
cstat__rq_text(struct cstat__rq *q, const char *text, size_t len,
	       unsigned long line)
{
	if (q->failed)
		return 0;

	struct rec *r = add_rec(q, CSTAT__RQ_TEXT, line);

	if (!r || add_str(q, text, len, &r->a))
		return CSTAT_ENOMEM;
	r->a_len = len;
	return commit(q);
}

/* A message record of kind with the formatted text. */
static int
add_message(struct cstat__rq *q, enum cstat__rq_kind kind, int code,
	    unsigned long line, const char *fmt, va_list ap)
{
	char msg[512];

	if (q->failed)
		return 0;

	struct rec *r = add_rec(q, kind, line);

	if (!r)
		return CSTAT_ENOMEM;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (add_str(q, msg, strlen(msg), &r->a))
		return CSTAT_ENOMEM;
	r->code = code;
	commit(q);
	if (kind == CSTAT__RQ_FAIL)
		q->failed = true;
	return 0;
}

int
cstat__rq_warn(struct cstat__rq *q, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = add_message(q, CSTAT__RQ_WARN, 0, line, fmt, ap);
	va_end(ap);
	return rc;
}

int
cstat__rq_fail(struct cstat__rq *q, int code, unsigned long line,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int rc = add_message(q, CSTAT__RQ_FAIL, code, line, fmt, ap);
	va_end(ap);
	return rc;
}

int
cstat__rq_fail_diag(struct cstat__rq *q, int code, const struct cstat_diag *d)
{
	if (q->failed)
		return 0;

	struct rec *r = add_rec(q, CSTAT__RQ_FAIL, d->line);

	if (!r || add_str(q, d->message, strlen(d->message), &r->a))
		return CSTAT_ENOMEM;
	r->code = code;
	r->column = d->column;
	commit(q);
	q->failed = true;
	return 0;
}

/* The string at off, or NULL for NONE. */
static const char *
str_at(const struct cstat__rq *q, size_t off)
{
	return off == NONE ? NULL : q->strs.data + off;
}

int
cstat__rq_take(struct cstat__rq *q, struct cstat__rq_item *it)
{
	if (q->pos >= q->n)
		return 0;

	const struct rec *r = &q->recs[q->pos];

	*it = (struct cstat__rq_item){
		.kind = r->kind,
		.line = r->line,
		.column = r->column,
		.code = r->code,
		.a = str_at(q, r->a),
		.a_len = r->a_len,
		.b = str_at(q, r->b),
		.c = str_at(q, r->c),
	};
	if (r->kind == CSTAT__RQ_RESULT) {
		if (cstat__grow((void **)&q->out, &q->out_cap, r->nv + 1,
				sizeof(*q->out)))
			return CSTAT_ENOMEM;
		for (size_t i = 0; i < r->nv; i++)
			q->out[i] = (struct cstat__rv){
				q->vals[r->v + i].value,
				q->strs.data + q->vals[r->v + i].unit};
		it->values = q->out;
		it->nvalues = r->nv;
	}
	q->pos++;
	return 1;
}
