/*
 * readers.h - the input formats cstat reads, one file per format in this
 * folder, each behind one small table of functions.
 *
 * A format turns the bytes of one input into what Go's benchmark text
 * would have said: configuration ("key: value"), results (a name and
 * values with units), unit metadata ("Unit x better=higher") and messages
 * about lines it could not use.  It appends them to a queue that the
 * reader (reader.c) hands out one result at a time, so nothing after the
 * reader (the builder, the statistics, the gate, the store, the
 * renderers) knows where a number came from.  A format that is Go text in
 * disguise (go test -json, cstat's own run files) appends lines of Go text
 * instead, which the reader parses as it parses any Go text.
 *
 * Go's own text format is the reader's native path (reader.c) and the
 * fallback for input no other format claims; it has an entry in the table
 * for -input-format and the lists in messages, but no functions.
 *
 * Adding a format: a file here with its struct cstat__format, an entry in
 * formats.c's table, a section in docs/formats.md.  Nothing else changes.
 */
#ifndef CSTAT_READERS_H
#define CSTAT_READERS_H

#include <stdbool.h>
#include <stddef.h>

#include "cstat.h"

/* The queue a format appends what it finds to (queue.c). */
struct cstat__rq;

/* One value of a result: a number in a unit as the format spells it. */
struct cstat__rv {
	double value;
	const char *unit; /* e.g. "ns/op", "B/op", "sec/op", "items/s" */
};

/*
 * A format.  Formats keep no global state: what one input needs lives in
 * a state block of state_size bytes that the reader zeroes before the
 * first feed() and hands to release() after the last.
 */
struct cstat__format {
	const char *name;  /* what -input-format takes: "gbench" */
	const char *title; /* for people: "Google Benchmark JSON" */
	/* Whether the input is JSON (for the message when no JSON format
	 * claims a JSON input). */
	bool json;
	/*
	 * How sure the format is that the input is its own, from head: the
	 * input's first bytes after a UTF-8 byte order mark and leading white
	 * space (at most CSTAT__SNIFF_BYTES; all of it when whole is true).
	 * @return 0 when it is not, else 1 to 100; the highest wins.
	 */
	int (*sniff)(const char *head, size_t len, bool whole);
	/*
	 * Reads the next len bytes of the input (consecutive chunks of any
	 * size, starting after the byte order mark), appending to q what
	 * they hold; a final call with len 0 and data NULL marks the end of
	 * the input.  A format that needs the whole input keeps what it was
	 * given and reads it at the end.
	 * @return 0 (problems with the input go into q as messages or a
	 *         failure), or CSTAT_ENOMEM.
	 */
	int (*feed)(void *state, struct cstat__rq *q, const char *data,
		    size_t len);
	size_t state_size;
	/* Frees what the state holds (not the state itself); may be NULL. */
	void (*release)(void *state);
	/* For an input cstat recognises only to refuse it (refuse.c), in
	 * place of feed: what it fails with at the end of the input. */
	const char *refusal;
};

/* The most a sniff() is shown. */
#define CSTAT__SNIFF_BYTES (64 * 1024)

/* The formats, in the order -h lists them; the first is Go text. */
extern const struct cstat__format *const cstat__formats[];
extern const size_t cstat__nformats;

/* The format called name, or NULL. */
const struct cstat__format *cstat__format_named(const char *name);

/*
 * The format that claims head (see sniff above), or NULL when none does
 * (Go text is then the reader's choice).
 */
const struct cstat__format *cstat__format_sniff(const char *head, size_t len,
						bool whole);

/*
 * The list of formats of one kind for messages: "Google Benchmark,
 * hyperfine, ... or go test -json" (json true: the JSON ones).  Writes at
 * most size bytes, NUL included.
 */
void cstat__format_list(bool json, char *buf, size_t size);

/* ------------------------------------------------------------------------
 * The queue.  Every function returns 0 or CSTAT_ENOMEM.  Strings are
 * copied.  line is the input's line that the item comes from (1-based; 0
 * when there is none), for messages.
 */

/* Configuration key = value for the results that follow, as a "key:
 * value" line of Go text sets it (an empty value removes the key). */
int cstat__rq_config(struct cstat__rq *q, const char *key, const char *value,
		     unsigned long line);

/*
 * One result: the benchmark's full name (without Go's "Benchmark"
 * prefix; sub-benchmark keys as "/key=value", as Go prints them) and its
 * values.  Units are tidied as Go text's are (ns -> sec, MB -> B).  White
 * space and control characters in the name and the units become '_', as
 * go test writes sub-benchmark names, so that each stays one field of Go
 * text (baselines and histories keep results as Go text).  A name that
 * holds a NUL ends there.
 */
int cstat__rq_result(struct cstat__rq *q, const char *name, size_t name_len,
		     const struct cstat__rv *values, size_t n,
		     unsigned long line);

/* Unit metadata, as a "Unit unit key=value" line: "better" = "higher",
 * "assume" = "exact". */
int cstat__rq_unit_meta(struct cstat__rq *q, const char *unit, const char *key,
			const char *value, unsigned long line);

/* A line of Go benchmark text (without its newline), parsed as if it were
 * the input's own line number line. */
int cstat__rq_text(struct cstat__rq *q, const char *text, size_t len,
		   unsigned long line);

/*
 * A message about the input that does not stop the reading: what was
 * skipped and why ("benchmark BM_X: error_occurred: ...; skipped").  The
 * reader reports it as "FILE:LINE: message" ("FILE: message" when line is
 * 0), as a malformed line.
 */
int cstat__rq_warn(struct cstat__rq *q, unsigned long line, const char *fmt,
		   ...) __attribute__((format(printf, 3, 4)));

/*
 * The input cannot be read: the reader stops with error code (CSTAT_EFORMAT
 * or CSTAT_ESYNTAX) and the message, as "FILE:LINE: message" (LINE 0:
 * "FILE: message").  Items queued before it are still handed out; later
 * ones are dropped.
 */
int cstat__rq_fail(struct cstat__rq *q, int code, unsigned long line,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The same, from a diagnostic another part of the library wrote (its
 * line, column and message; the file is the input's). */
int cstat__rq_fail_diag(struct cstat__rq *q, int code,
			const struct cstat_diag *d);

/* The input's name (its label), for messages that must say it. */
const char *cstat__rq_label(const struct cstat__rq *q);

/* ------------------------------------------------------------------------
 * The reader's side of the queue (reader.c).
 */
enum cstat__rq_kind {
	CSTAT__RQ_CONFIG,
	CSTAT__RQ_RESULT,
	CSTAT__RQ_UNIT_META,
	CSTAT__RQ_TEXT,
	CSTAT__RQ_WARN,
	CSTAT__RQ_FAIL,
};

/* An item as the reader sees it; pointers are valid until the queue is
 * cleared. */
struct cstat__rq_item {
	enum cstat__rq_kind kind;
	unsigned long line, column;
	int code;      /* FAIL */
	const char *a; /* CONFIG key, RESULT name, UNIT_META unit, TEXT and
			  message text */
	size_t a_len;  /* RESULT name and TEXT length */
	const char *b; /* CONFIG value, UNIT_META key */
	const char *c; /* UNIT_META value */
	const struct cstat__rv *values; /* RESULT */
	size_t nvalues;
};

int cstat__rq_new(struct cstat__rq **out);
void cstat__rq_free(struct cstat__rq *q);
/* Whether an item is waiting. */
bool cstat__rq_pending(const struct cstat__rq *q);
/* Takes the next item.  @return 1, 0 when none is left, or
 * CSTAT_ENOMEM. */
int cstat__rq_take(struct cstat__rq *q, struct cstat__rq_item *it);
/* Forgets every item (once all were taken, to reuse the memory). */
void cstat__rq_clear(struct cstat__rq *q);
/* Whether a failure was queued: feeding stops there. */
bool cstat__rq_failed(const struct cstat__rq *q);
/* Names the input for cstat__rq_label(); label is borrowed. */
void cstat__rq_set_label(struct cstat__rq *q, const char *label);

#endif /* CSTAT_READERS_H */
