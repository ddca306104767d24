/*
 * test2json.c - `go test -json` streams (test2json events) as inputs.
 *
 * A stream is one JSON object per line: {"Time", "Action", "Package",
 * "Test", "Output", "Elapsed", ...}.  The benchmark results are in the
 * Output text, which is exactly what `go test -bench` prints without
 * -json, cut into events: a line may end in a later event than it started
 * ("BenchmarkX-8   \t" then "  100\t  123 ns/op\n"), and the output of
 * several packages may interleave.  So each package keeps its own partial
 * line, and every line it completes goes to the reader as Go text, with the
 * number of the JSON line where it ended.  The configuration lines a
 * package printed ("pkg: ...") are sent again when its output resumes after
 * another package's, so interleaved output is read as the package-by-package
 * text `go test` prints without -json.
 *
 * Memory is the current JSON line, each unfinished package's partial line
 * and its configuration lines: a package is forgotten at its final event.
 *
 * Besides the text, what a user must not miss becomes a warning: a failed
 * test or package (with the panic it printed, if any), a package the stream
 * ends inside (a crash or a killed run), lines that are not events (build
 * errors that go test prints as plain text before Go 1.24) and the build
 * output of Go 1.24's build-output events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cstat-private.h"
#include "readers.h"

/* The longest piece of a line quoted in a message. */
#define QUOTE_MAX 160

struct pkg {
	char *name;		   /* "Package" ("" when the stream has none) */
	struct cstat__buf part;	   /* the line being printed */
	struct cstat__buf config;  /* "key: value\n" lines printed so far */
	char panic[QUOTE_MAX + 1]; /* the first "panic: " line, or "" */
	unsigned long last_line;   /* the JSON line of its last event */
	bool test_failed;	   /* a failed test was reported */
};

struct t2j_state {
	struct cstat__buf line; /* a JSON line split across chunks */
	unsigned long lineno;
	struct pkg *pkgs; /* in the order they were first seen */
	size_t npkgs, pkgs_cap;
	/* The package whose text went to the reader last ("" none yet,
	 * which no package is mistaken for thanks to has_last). */
	struct cstat__buf last;
	bool has_last;
};

/* The event fields test2json writes; a line of other keys is not one. */
static const char *const known_keys[] = {
	"Time",	   "Action", "Package",	    "Test",
	"Elapsed", "Output", "FailedBuild", "ImportPath",
};

static const char *const known_actions[] = {
	"start", "run",	 "pause",  "cont",	   "pass",	 "bench",
	"fail",	 "skip", "output", "build-output", "build-fail",
};

static bool
in_list(const char *s, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(s, list[i]) == 0)
			return true;
	return false;
}

#define IN_LIST(s, list) in_list(s, list, sizeof(list) / sizeof(*list))

/*
 * How much [line, line + len) looks like a test2json event: 2 when it is
 * an object of event fields only with a known Action, 1 when it has a
 * known Action and a Time or Package among other keys, else 0.
 */
static int
event_score(const char *line, size_t len)
{
	cJSON *root = cJSON_ParseWithLengthOpts(line, len, NULL, false);
	const cJSON *action = cJSON_GetObjectItemCaseSensitive(root, "Action");
	int score = 0;

	if (cJSON_IsObject(root) && cJSON_IsString(action) &&
	    IN_LIST(action->valuestring, known_actions)) {
		bool only_known = true;
		const cJSON *it;

		cJSON_ArrayForEach(it, root) only_known =
			only_known && it->string &&
			IN_LIST(it->string, known_keys);
		if (only_known)
			score = 2;
		else if (cJSON_GetObjectItemCaseSensitive(root, "Time") ||
			 cJSON_GetObjectItemCaseSensitive(root, "Package"))
			score = 1;
	}
	cJSON_Delete(root);
	return score;
}

/*
 * A stream whose first line is an event; or, with less confidence, one
 * whose first lines are plain text (the build errors go test prints before
 * Go 1.24) followed by an event.  Other JSON formats are single documents
 * whose first line is never an object of these keys.
 */
static int
sniff(const char *head, size_t len, bool whole)
{
	size_t pos = 0;

	for (int nline = 0; pos < len; nline++) {
		const char *nl = memchr(head + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (head + pos)) : len - pos;
		const char *l = head + pos;

		if (!nl && !whole) {
			/* A first line longer than the head: its start. */
			bool starts =
				(n >= 9 && memcmp(l, "{\"Time\":\"", 9) == 0) ||
				(n >= 10 && memcmp(l, "{\"Action\":", 10) == 0);
			return nline == 0 && starts ? 60 : 0;
		}
		if (n && l[0] == '{') {
			int s = event_score(l, n);

			if (s)
				return nline == 0 ? (s == 2 ? 95 : 80) : 50;
			/* JSON that is not an event: not ours. */
			return 0;
		}
		pos += n + 1;
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Packages.
 */

/* The package called name, created when new; NULL without memory. */
static struct pkg *
pkg_get(struct t2j_state *s, const char *name)
{
	for (size_t i = 0; i < s->npkgs; i++)
		if (strcmp(s->pkgs[i].name, name) == 0)
			return &s->pkgs[i];
	if (cstat__grow((void **)&s->pkgs, &s->pkgs_cap, s->npkgs + 1,
			sizeof(*s->pkgs)))
		return NULL;

	struct pkg *p = &s->pkgs[s->npkgs];

	*p = (struct pkg){.name = strdup(name)};
	if (!p->name)
		return NULL;
	s->npkgs++;
	return p;
}

static void
pkg_release(struct pkg *p)
{
	free(p->name);
	cstat__buf_release(&p->part);
	cstat__buf_release(&p->config);
}

/* Forgets package p (its stream is over), keeping the others' order. */
static void
pkg_drop(struct t2j_state *s, struct pkg *p)
{
	size_t i = (size_t)(p - s->pkgs);

	pkg_release(p);
	memmove(s->pkgs + i, s->pkgs + i + 1,
		(s->npkgs - i - 1) * sizeof(*s->pkgs));
	s->npkgs--;
}

/* "package P" for messages, or "the test binary" when the stream names
 * no package (go tool test2json without -p). */
static const char *
pkg_what(const struct pkg *p, char *buf, size_t size)
{
	if (p->name[0])
		snprintf(buf, size, "package %s", p->name);
	else
		snprintf(buf, size, "the test binary");
	return buf;
}

/*
 * Whether a line of Go text is a configuration line ("key: value", the
 * key lower-case first and without spaces or capitals), as far as resending
 * it goes: the reader decides for itself when the line arrives.
 */
static size_t
config_key_len(const char *t, size_t len)
{
	size_t i = 0;

	if (len == 0 || t[0] < 'a' || t[0] > 'z')
		return 0;
	while (i < len && t[i] != ':') {
		if (t[i] == ' ' || t[i] == '\t' || (t[i] >= 'A' && t[i] <= 'Z'))
			return 0;
		i++;
	}
	if (i == len || (i + 1 < len && t[i + 1] != ' ' && t[i + 1] != '\t'))
		return 0;
	return i;
}

/* Remembers a configuration line of p's, replacing its key's last one. */
static int
pkg_remember_config(struct pkg *p, const char *t, size_t len, size_t klen)
{
	struct cstat__buf *c = &p->config;

	for (size_t i = 0; i < c->len;) {
		char *nl = memchr(c->data + i, '\n', c->len - i);
		size_t n = (size_t)(nl - (c->data + i)) + 1;

		if (n > klen && memcmp(c->data + i, t, klen + 1) == 0) {
			memmove(c->data + i, c->data + i + n, c->len - i - n);
			c->len -= n;
			break;
		}
		i += n;
	}
	if (cstat__buf_add(c, t, len) || cstat__buf_addc(c, '\n'))
		return CSTAT_ENOMEM;
	return 0;
}

/* Queues p's configuration lines again, as of the JSON line line. */
static int
pkg_resend_config(struct cstat__rq *q, const struct pkg *p, unsigned long line)
{
	const struct cstat__buf *c = &p->config;

	for (size_t i = 0; i < c->len;) {
		const char *nl = memchr(c->data + i, '\n', c->len - i);
		size_t n = (size_t)(nl - (c->data + i));

		if (cstat__rq_text(q, c->data + i, n, line))
			return CSTAT_ENOMEM;
		i += n + 1;
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Output text.
 */

/* One complete line of p's output (without its newline): to the reader. */
static int
text_line(struct t2j_state *s, struct cstat__rq *q, struct pkg *p,
	  const char *t, size_t len, unsigned long line)
{
	if (len && t[len - 1] == '\r')
		len--;
	if (!s->has_last || strcmp(s->last.data, p->name) != 0) {
		if (s->has_last && pkg_resend_config(q, p, line))
			return CSTAT_ENOMEM;
		s->last.len = 0;
		if (cstat__buf_adds(&s->last, p->name) ||
		    cstat__buf_addc(&s->last, 0))
			return CSTAT_ENOMEM;
		s->has_last = true;
	}

	size_t klen = config_key_len(t, len);

	if (klen && pkg_remember_config(p, t, len, klen))
		return CSTAT_ENOMEM;
	if (!p->panic[0] && len >= 7 && memcmp(t, "panic: ", 7) == 0)
		snprintf(p->panic, sizeof(p->panic), "%.*s",
			 (int)(len < QUOTE_MAX ? len : QUOTE_MAX), t);
	return cstat__rq_text(q, t, len, line);
}

/* Output text of p's: completes the partial line and queues every line
 * it finishes; the rest waits for the next output. */
static int
pkg_output(struct t2j_state *s, struct cstat__rq *q, struct pkg *p,
	   const char *out, size_t len, unsigned long line)
{
	while (len) {
		const char *nl = memchr(out, '\n', len);

		if (!nl)
			return cstat__buf_add(&p->part, out, len) ? CSTAT_ENOMEM
								  : 0;

		size_t n = (size_t)(nl - out);
		int rc;

		if (p->part.len) {
			if (cstat__buf_add(&p->part, out, n))
				return CSTAT_ENOMEM;
			rc = text_line(s, q, p, p->part.data, p->part.len,
				       line);
			p->part.len = 0;
		} else {
			rc = text_line(s, q, p, out, n, line);
		}
		if (rc)
			return rc;
		out += n + 1;
		len -= n + 1;
	}
	return 0;
}

/* The last line p left unfinished, as if it ended there. */
static int
pkg_flush(struct t2j_state *s, struct cstat__rq *q, struct pkg *p)
{
	if (!p->part.len)
		return 0;

	int rc = text_line(s, q, p, p->part.data, p->part.len, p->last_line);

	p->part.len = 0;
	return rc;
}

/* Build output (Go 1.24's build-output events): each line a warning. */
static int
build_output(struct cstat__rq *q, const char *out, unsigned long line)
{
	while (*out) {
		size_t n = strcspn(out, "\n");

		if (n &&
		    cstat__rq_warn(q, line, "build output: %.*s",
				   (int)(n < QUOTE_MAX ? n : QUOTE_MAX), out))
			return CSTAT_ENOMEM;
		out += n + (out[n] == '\n');
	}
	return 0;
}

/* ------------------------------------------------------------------------
 * Events.
 */

static const char *
str_field(const cJSON *root, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(root, key);

	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/* A "fail" event: a warning for the test, or for the package when none of
 * its tests was reported as failed. */
static int
event_fail(struct cstat__rq *q, struct pkg *p, const cJSON *root,
	   unsigned long line)
{
	const char *test = str_field(root, "Test");
	char what[QUOTE_MAX + 32];

	pkg_what(p, what, sizeof(what));
	if (test) {
		p->test_failed = true;
		return cstat__rq_warn(q, line, "%s: test %s failed", what,
				      test);
	}
	if (p->test_failed)
		return 0;
	if (str_field(root, "FailedBuild"))
		return cstat__rq_warn(q, line, "%s failed to build", what);
	if (p->panic[0])
		return cstat__rq_warn(q, line, "%s failed (it printed \"%s\")",
				      what, p->panic);
	return cstat__rq_warn(q, line, "%s failed", what);
}

/* One event of package p. */
static int
event(struct t2j_state *s, struct cstat__rq *q, struct pkg *p,
      const cJSON *root, const char *action, unsigned long line)
{
	const char *out = str_field(root, "Output");
	int rc = 0;

	p->last_line = line;
	if (out && (rc = pkg_output(s, q, p, out, strlen(out), line)))
		return rc;
	if (strcmp(action, "fail") == 0 && (rc = event_fail(q, p, root, line)))
		return rc;
	/* The package's final event: its stream is over. */
	if (!str_field(root, "Test") &&
	    (strcmp(action, "pass") == 0 || strcmp(action, "fail") == 0 ||
	     strcmp(action, "skip") == 0)) {
		rc = pkg_flush(s, q, p);
		pkg_drop(s, p);
	}
	return rc;
}

/* A line that is not an event: skipped, with a warning that quotes it. */
static int
not_event(struct cstat__rq *q, const char *l, size_t n, const char *parse_end,
	  unsigned long line)
{
	int shown = (int)(n < QUOTE_MAX ? n : QUOTE_MAX);

	if (l[0] != '{')
		return cstat__rq_warn(
			q, line, "not a go test -json event; skipped: %.*s",
			shown, l);
	if (parse_end)
		return cstat__rq_warn(
			q, line,
			"malformed go test -json event at column %zu; skipped",
			(size_t)(parse_end - l) + 1);
	return cstat__rq_warn(q, line,
			      "JSON without an \"Action\" is not a go test "
			      "-json event; skipped");
}

/* One line of the stream. */
static int
stream_line(struct t2j_state *s, struct cstat__rq *q, const char *l, size_t n)
{
	unsigned long line = ++s->lineno;

	while (n && (l[n - 1] == '\r' || l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	while (n && (l[0] == ' ' || l[0] == '\t')) {
		l++;
		n--;
	}
	if (n == 0)
		return 0;

	const char *end = NULL;
	cJSON *root = l[0] == '{' ? cJSON_ParseWithLengthOpts(l, n, &end, false)
				  : NULL;
	const char *action = str_field(root, "Action");
	int rc;

	if (!cJSON_IsObject(root) || !action) {
		rc = not_event(q, l, n, root ? NULL : end, line);
	} else if (strncmp(action, "build-", 6) == 0) {
		const char *out = str_field(root, "Output");

		rc = out ? build_output(q, out, line) : 0;
		const char *path = str_field(root, "ImportPath");

		if (!rc && strcmp(action, "build-fail") == 0)
			rc = cstat__rq_warn(q, line, "package %s: build failed",
					    path ? path : "?");
	} else {
		const char *name = str_field(root, "Package");
		struct pkg *p = pkg_get(s, name ? name : "");

		rc = p ? event(s, q, p, root, action, line) : CSTAT_ENOMEM;
	}
	cJSON_Delete(root);
	return rc;
}

/* The end of the stream: the packages still open left their partial lines,
 * and never passed or failed. */
static int
stream_end(struct t2j_state *s, struct cstat__rq *q)
{
	char what[QUOTE_MAX + 32];

	while (s->npkgs) {
		struct pkg *p = &s->pkgs[0];
		int rc = pkg_flush(s, q, p);

		if (!rc)
			rc = cstat__rq_warn(
				q, p->last_line,
				"%s did not finish: the input ends before its "
				"pass or fail event%s%s%s",
				pkg_what(p, what, sizeof(what)),
				p->panic[0] ? " (it printed \"" : "", p->panic,
				p->panic[0] ? "\")" : "");
		pkg_drop(s, p);
		if (rc)
			return rc;
	}
	return 0;
}

static int
feed(void *state, struct cstat__rq *q, const char *data, size_t len)
{
	struct t2j_state *s = state;
	int rc;

	if (len == 0) {
		if (s->line.len) {
			rc = stream_line(s, q, s->line.data, s->line.len);
			s->line.len = 0;
			if (rc)
				return rc;
		}
		return stream_end(s, q);
	}
	while (len) {
		const char *nl = memchr(data, '\n', len);

		if (!nl)
			return cstat__buf_add(&s->line, data, len)
				       ? CSTAT_ENOMEM
				       : 0;

		size_t n = (size_t)(nl - data);

		if (s->line.len) {
			if (cstat__buf_add(&s->line, data, n))
				return CSTAT_ENOMEM;
			rc = stream_line(s, q, s->line.data, s->line.len);
			s->line.len = 0;
		} else {
			rc = stream_line(s, q, data, n);
		}
		if (rc)
			return rc;
		data += n + 1;
		len -= n + 1;
	}
	return 0;
}

static void
release(void *state)
{
	struct t2j_state *s = state;

	for (size_t i = 0; i < s->npkgs; i++)
		pkg_release(&s->pkgs[i]);
	free(s->pkgs);
	cstat__buf_release(&s->line);
	cstat__buf_release(&s->last);
}

const struct cstat__format cstat__format_test2json = {
	.name = "test2json",
	.title = "go test -json",
	.json = true,
	.sniff = sniff,
	.feed = feed,
	.state_size = sizeof(struct t2j_state),
	.release = release,
};
