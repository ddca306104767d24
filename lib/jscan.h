/*
 * jscan.h - a strict JSON scanner that records where values are (jscan.c),
 * for readers that must name the line of what they refuse.
 */
#ifndef CSTAT_JSCAN_H
#define CSTAT_JSCAN_H

#include "cstat-private.h"

/* Deep enough for any config (which nests three deep), shallow enough
 * for the recursion. */
#define CSTAT__JSON_MAX_DEPTH 64

/* cJSON reads at most 63 characters of a number (cJSON.c, parse_number),
 * so a longer one is refused here rather than misread there. */
#define CSTAT__JSON_MAX_NUMBER 63

/* A JSON value, in document order. */
struct cstat__jnode {
	unsigned long key_line; /* its member's key, or 0 */
	unsigned long line;	/* where the value starts */
	size_t off, end;	/* its bytes */
	size_t size;		/* nodes in its subtree, itself included */
};

/*
 * Scans len bytes at s as one JSON value with white space around it (a
 * UTF-8 byte order mark first is skipped, as cJSON skips it).  Node 0 is
 * the whole value; a node's subtree is the size nodes from it, its
 * members' values (or elements) in the order written.
 *
 * @param name   the text's name in messages (borrowed into d->file).
 * @param nodes  receives the nodes (malloc'd; the caller frees them), or
 *               NULL on failure.
 * @param n      receives their number.
 * @return 0; CSTAT_ESYNTAX with d set to "invalid JSON: ..." at the line
 *         and column of the first fault (a string not closed, a control
 *         byte, a bad escape, \u0000 or an unpaired surrogate, a number
 *         longer than CSTAT__JSON_MAX_NUMBER, nesting deeper than
 *         CSTAT__JSON_MAX_DEPTH, data after the value); CSTAT_EINVAL (s
 *         NULL with len > 0); CSTAT_ENOMEM.
 */
int cstat__jscan(const char *s, size_t len, const char *name,
		 struct cstat__jnode **nodes, size_t *n, struct cstat_diag *d);

/*
 * Whether len bytes at s are one JSON value with white space around it
 * that cstat__jscan() takes (the same grammar and limits), decided
 * without recording anything: for checking many large texts fast.
 */
bool cstat__json_valid(const char *s, size_t len);

#endif /* CSTAT_JSCAN_H */
