/*
 * feedutil.h - feeding an input format directly (the reader hands it the
 * whole input at once, so chunk boundaries are tested here) and writing
 * what it queued as one transcript, and the fixed-seed generator, for
 * the format tests (tests/test-readers-*.c).  Include after <cmocka.h>.
 */
#ifndef CSTAT_FEEDUTIL_H
#define CSTAT_FEEDUTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cstat-private.h"
#include "readers/readers.h"

/* Appends one queued item to t as a line: "config k=v", "result NAME
 * v unit ..." (values as %a, exact), "warn LINE: msg", "fail CODE LINE:
 * msg" ("fail CODE LINE:COLUMN: msg" when the column is known). */
static inline void
feed_item(struct cstat__buf *t, const struct cstat__rq_item *it)
{
	switch (it->kind) {
	case CSTAT__RQ_CONFIG:
		cstat__buf_printf(t, "config %s=%s\n", it->a, it->b);
		break;
	case CSTAT__RQ_RESULT:
		cstat__buf_printf(t, "result %s", it->a);
		for (size_t i = 0; i < it->nvalues; i++)
			cstat__buf_printf(t, " %a %s", it->values[i].value,
					  it->values[i].unit);
		cstat__buf_addc(t, '\n');
		break;
	case CSTAT__RQ_UNIT_META:
		cstat__buf_printf(t, "unit %s %s=%s\n", it->a, it->b, it->c);
		break;
	case CSTAT__RQ_TEXT:
		cstat__buf_printf(t, "text %.*s\n", (int)it->a_len, it->a);
		break;
	case CSTAT__RQ_WARN:
		cstat__buf_printf(t, "warn %lu: %s\n", it->line, it->a);
		break;
	case CSTAT__RQ_FAIL:
		if (it->column)
			cstat__buf_printf(t, "fail %d %lu:%lu: %s\n", it->code,
					  it->line, it->column, it->a);
		else
			cstat__buf_printf(t, "fail %d %lu: %s\n", it->code,
					  it->line, it->a);
		break;
	}
}

/*
 * Feeds text to the format called name in chunks of chunk bytes, then the
 * end, and returns the transcript of everything it queued (free it).
 */
static inline char *
feed_chunks(const char *name, const char *text, size_t chunk)
{
	const struct cstat__format *f = cstat__format_named(name);
	struct cstat__rq *q;
	struct cstat__rq_item it;
	struct cstat__buf t = {0};
	size_t len = strlen(text);

	assert_non_null(f);
	assert_int_equal(cstat__rq_new(&q), 0);

	void *state = calloc(1, f->state_size);

	assert_non_null(state);
	for (size_t i = 0; i < len && !cstat__rq_failed(q); i += chunk) {
		size_t n = len - i < chunk ? len - i : chunk;
		assert_int_equal(f->feed(state, q, text + i, n), 0);
	}
	assert_int_equal(f->feed(state, q, NULL, 0), 0);
	while (cstat__rq_take(q, &it) == 1)
		feed_item(&t, &it);
	if (f->release)
		f->release(state);
	free(state);
	cstat__rq_free(q);
	cstat__buf_addc(&t, 0);
	return t.data;
}

/* The transcript of text, checked to be the same in chunks of 1, 7 and
 * 4096 bytes (free it). */
static inline char *
feed_all(const char *name, const char *text)
{
	char *a = feed_chunks(name, text, 4096);
	char *b = feed_chunks(name, text, 7);
	char *c = feed_chunks(name, text, 1);

	assert_string_equal(a, b);
	assert_string_equal(a, c);
	free(b);
	free(c);
	return a;
}

/* Whether the transcript t has the line line. */
#define assert_has_line(t, line)                                               \
	do {                                                                   \
		const char *t_ = (t);                                          \
		const char *l_ = (line);                                       \
		const char *p_ = strstr(t_, l_);                               \
		size_t n_ = strlen(l_);                                        \
		while (p_ &&                                                   \
		       !((p_ == t_ || p_[-1] == '\n') && p_[n_] == '\n'))      \
			p_ = strstr(p_ + 1, l_);                               \
		if (!p_)                                                       \
			print_error("no line %s in:\n%s", l_, t_);             \
		assert_non_null(p_);                                           \
	} while (0)

/* splitmix64, for values with a fixed seed. */
static inline uint64_t
feed_rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* A double in [0, scale) with all 53 bits random. */
static inline double
feed_double(uint64_t *s, double scale)
{
	return (double)(feed_rng(s) >> 11) * 0x1p-53 * scale;
}

#endif /* CSTAT_FEEDUTIL_H */
