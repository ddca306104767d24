/*
 * parse.h - the lexical syntax and the projection expressions of
 * benchstat's -row, -col, -table and -ignore flags (benchproc/internal/
 * parse), for the builder.
 *
 * A projection is a comma- or space-separated list of keys, each with an
 * optional order: "key", "key@alpha", "key@num", "key@(v1 v2 ...)".  Keys
 * and values are bare words or Go-quoted strings.  Errors carry the byte
 * offset benchstat reports, and cstat__syntax_error_format() prints them
 * as benchstat does, with a caret under the offending position.
 */
#ifndef CSTAT_PARSE_H
#define CSTAT_PARSE_H

#include <stddef.h>

#include "cstat-private.h"

/* One element of a projection. */
struct cstat__pfield {
	char *key;
	/* "first" (no order given), "fixed" (a parenthesized list) or the
	 * name after '@' ("alpha", "num", or anything: the caller checks). */
	char *order;
	char **fixed; /* the fixed order's values */
	size_t nfixed;
	size_t key_off, order_off; /* byte offsets, for errors */
};

/* A syntax error: its byte offset in the query and its message. */
struct cstat__perror {
	size_t off;
	char msg[256];
};

/*
 * Parses projection q into *out (an array of *n fields; free it with
 * cstat__pfields_free()).  An empty q gives no fields.
 * @return 0, CSTAT_ESYNTAX with *err filled, or CSTAT_ENOMEM.
 */
int cstat__parse_projection(const char *q, struct cstat__pfield **out,
			    size_t *n, struct cstat__perror *err);

/* Frees what cstat__parse_projection() returned; NULL is a no-op. */
void cstat__pfields_free(struct cstat__pfield *f, size_t n);

/*
 * Formats err as benchstat's SyntaxError: "syntax error: MSG\n\tQUERY\n\t"
 * then as many spaces as there are graphic characters before the offset,
 * then "^".  Writes at most size bytes with the NUL; returns the length
 * the whole text needs.
 */
size_t cstat__syntax_error_format(const char *q,
				  const struct cstat__perror *err, char *buf,
				  size_t size);

/*
 * Filters (-filter): a tree of AND, OR and NOT over key:value matches,
 * where a value is a literal or a regexp (kept as POSIX extended syntax,
 * translated from the Go syntax real filters use).
 */
enum cstat__fkind {
	CSTAT__FN_AND,
	CSTAT__FN_OR,
	CSTAT__FN_NOT,
	CSTAT__FN_MATCH
};

struct cstat__re;

struct cstat__fnode {
	enum cstat__fkind kind;
	struct cstat__fnode **kids;
	size_t nkids;
	char *key;	      /* FN_MATCH */
	char *literal;	      /* FN_MATCH with a literal value */
	struct cstat__re *re; /* FN_MATCH with a regexp (unanchored) */
	size_t off;	      /* the key's byte offset, for errors */
};

/*
 * Parses filter q ("*" matches everything) into *out (free it with
 * cstat__filter_free()).
 * @return 0, CSTAT_ESYNTAX with *err filled, or CSTAT_ENOMEM.
 */
int cstat__parse_filter(const char *q, struct cstat__fnode **out,
			struct cstat__perror *err);

/* Frees a filter tree; NULL is a no-op. */
void cstat__filter_free(struct cstat__fnode *n);

#endif /* CSTAT_PARSE_H */
