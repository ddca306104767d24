/*
 * history-read.c - a history read as a stream of records, for the
 * commands that look at a whole history (cstat_history_read()), and the
 * check before appending to one (cstat_history_check()).
 *
 * cstat_history_load() keeps every run whole and cstat_history_build()
 * then copies every value into a builder: a history of 1,000 runs of 500
 * benchmarks held the file, a cJSON tree per record and the runs at once
 * (about 360 MB for a 110 MB file).  Here the file is read through one
 * buffer that grows only to the longest record; each record is parsed,
 * its results go straight to the builder, and only its metadata is kept.
 *
 * Records are parsed by a small parser of the shape cstat writes
 * (docs/cbaseline.md): strings without escapes, JSON numbers, the keys of
 * cstat-run/1 in any order and unknown keys skipped.  Whatever it does not
 * take on (an escape, a duplicate key, a number it cannot read exactly, a
 * benchmark listed twice, a syntax error) goes to the cJSON reader of
 * store.c, record by record, so every record means what it meant before
 * and every error reads as before.  The results of a record reach the
 * builder in the order cstat_history_build() adds them.
 *
 * Numbers are read exactly: cstat__decimal_exact() (numfmt.c) when it can,
 * else cstat__parse_float(); both round correctly, as strtod() does for
 * cJSON.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "numfmt.h"
#include "store.h"

#define SCHEMA "cstat-run/1"
/* Read the file this many bytes at a time. */
#define CHUNK (1 << 20)

/* A string of the record, in place: len bytes at s, NUL-ended once the
 * whole record has parsed (its closing quote becomes the NUL). */
struct span {
	char *s;
	size_t len;
};

struct pair {
	struct span k, v;
};

struct unit_meta {
	struct span unit, key, value;
};

struct fgroup {
	size_t conf0, nconf; /* in conf */
	size_t b0, nb;	     /* in benches */
};

struct fbench {
	struct span name;
	size_t u0, nu; /* in bunits */
};

struct fbunit {
	struct span unit;
	size_t v0, nv; /* in vals */
};

/* One record as parsed; the arrays are reused from record to record. */
struct frec {
	struct span top[6]; /* schema, created, name, commit, branch, id */
	bool has[6];
	struct pair *meta, *env, *conf;
	size_t nmeta, metacap, nenv, envcap, nconf, confcap;
	struct unit_meta *units;
	size_t nunits, unitscap;
	struct fgroup *groups;
	size_t ngroups, groupscap;
	struct fbench *benches;
	size_t nbenches, benchescap;
	struct fbunit *bunits;
	size_t nbunits, bunitscap;
	double *vals;
	size_t nvals, valscap;
	/* Every span, to NUL-end them after a successful parse. */
	struct span **spans;
	size_t nspans, spanscap;
	/* Benchmark names of the current group, open addressing: index in
	 * benches + 1, stamped with the group they belong to. */
	size_t *slot;
	unsigned *stamp;
	size_t nslots;
	unsigned gen;
};

/* The parser's cursor. */
struct cur {
	char *p, *end;
	struct frec *r;
	bool bad; /* not a record this parser takes on */
};

static void
ws(struct cur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' ||
				 *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

/* Skips blanks, then takes ch if it is next. */
static bool
take(struct cur *c, char ch)
{
	ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

static void
expect(struct cur *c, char ch)
{
	if (!take(c, ch))
		c->bad = true;
}

/* A string without escapes or control bytes into *s. */
static void
string(struct cur *c, struct span *s)
{
	if (!take(c, '"')) {
		c->bad = true;
		return;
	}
	char *q = c->p;
	while (q < c->end && *q != '"' && *q != '\\' &&
	       (unsigned char)*q >= 0x20)
		q++;
	if (q == c->end || *q != '"') {
		c->bad = true;
		return;
	}
	*s = (struct span){c->p, (size_t)(q - c->p)};
	c->p = q + 1;
}

/* Notes a span to NUL-end later: spans live in the record's arrays,
 * which no longer move once the whole record is parsed. */
static bool
note(struct frec *r, struct span *s)
{
	if (cstat__grow((void **)&r->spans, &r->spanscap, r->nspans + 1,
			sizeof(*r->spans)))
		return false;
	r->spans[r->nspans++] = s;
	return true;
}

/*
 * A JSON number (RFC 8259's grammar, nothing more) into *out, or c->bad.
 * cJSON reads the same text with strtod(): both round correctly.
 */
static void
number(struct cur *c, double *out)
{
	char *s = c->p, *q = s;
	uint64_t mant = 0;
	int nd = 0, scale = 0, ex = 0;
	bool neg = false, eneg = false;

	if (q < c->end && *q == '-') {
		neg = true;
		q++;
	}
	if (q == c->end || *q < '0' || *q > '9' ||
	    (*q == '0' && q + 1 < c->end && q[1] >= '0' && q[1] <= '9')) {
		c->bad = true;
		return;
	}
	for (; q < c->end && *q >= '0' && *q <= '9'; q++, nd++)
		mant = mant * 10 + (uint64_t)(*q - '0');
	if (q < c->end && *q == '.') {
		q++;
		if (q == c->end || *q < '0' || *q > '9') {
			c->bad = true;
			return;
		}
		for (; q < c->end && *q >= '0' && *q <= '9'; q++, nd++) {
			mant = mant * 10 + (uint64_t)(*q - '0');
			scale--;
		}
	}
	if (q < c->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < c->end && (*q == '+' || *q == '-'))
			eneg = *q++ == '-';
		if (q == c->end || *q < '0' || *q > '9') {
			c->bad = true;
			return;
		}
		for (int k = 0; q < c->end && *q >= '0' && *q <= '9'; q++)
			if (++k <= 4)
				ex = ex * 10 + (*q - '0');
			else
				ex = 100000; /* long exponents: elsewhere */
	}
	c->p = q;
	/* cJSON reads at most 63 bytes of a number: longer is its error. */
	if (q - s > 40) {
		c->bad = true;
		return;
	}
	if (nd <= 19 && ex < 10000 &&
	    cstat__decimal_exact(mant, scale + (eneg ? -ex : ex), neg, out))
		return;
	if (ex >= 10000 || cstat__parse_float(s, (size_t)(q - s), out) != 0)
		c->bad = true;
}

/* Skips any JSON value (unknown keys), depth-limited. */
static void
skip_value(struct cur *c, int depth)
{
	struct span s = {0};
	double v;

	ws(c);
	if (c->p == c->end || depth > 64) {
		c->bad = true;
		return;
	}
	switch (*c->p) {
	case '"':
		string(c, &s);
		return;
	case '{':
	case '[': {
		char close = *c->p == '{' ? '}' : ']';
		bool obj = close == '}';
		c->p++;
		if (take(c, close))
			return;
		do {
			if (obj) {
				string(c, &s);
				expect(c, ':');
			}
			if (!c->bad)
				skip_value(c, depth + 1);
		} while (!c->bad && take(c, ','));
		expect(c, close);
		return;
	}
	default:
		break;
	}
	static const char *const words[] = {"true", "false", "null"};
	for (size_t k = 0; k < 3; k++) {
		size_t n = strlen(words[k]);
		if ((size_t)(c->end - c->p) >= n &&
		    memcmp(c->p, words[k], n) == 0) {
			c->p += n;
			return;
		}
	}
	number(c, &v);
}

/* Appends a pair to *list (a growing array of n of cap). */
static struct pair *
push_pair(struct cur *c, struct pair **list, size_t *n, size_t *cap)
{
	if (cstat__grow((void **)list, cap, *n + 1, sizeof(**list))) {
		c->bad = true;
		return NULL;
	}
	return &(*list)[(*n)++];
}

/* {"key": "value", ...} into *list. */
static void
string_object(struct cur *c, struct pair **list, size_t *n, size_t *cap)
{
	expect(c, '{');
	if (c->bad || take(c, '}'))
		return;
	do {
		struct pair *pr = push_pair(c, list, n, cap);
		if (!pr)
			return;
		string(c, &pr->k);
		expect(c, ':');
		if (!c->bad)
			string(c, &pr->v);
	} while (!c->bad && take(c, ','));
	expect(c, '}');
}

static bool
key_is(const struct span *k, const char *s)
{
	return k->len == strlen(s) && memcmp(k->s, s, k->len) == 0;
}

/* "units": [{"unit": U, "key": "value", ...}, ...] */
static void
units_array(struct cur *c)
{
	struct frec *r = c->r;

	expect(c, '[');
	if (c->bad || take(c, ']'))
		return;
	do {
		size_t first = r->nunits;
		struct span unit = {0}, k = {0};
		bool has_unit = false;
		expect(c, '{');
		if (!c->bad && !take(c, '}')) {
			do {
				string(c, &k);
				expect(c, ':');
				struct span v = {0};
				if (!c->bad)
					string(c, &v);
				if (c->bad)
					break;
				if (key_is(&k, "unit")) {
					c->bad = has_unit; /* twice: cJSON's */
					has_unit = true;
					unit = v;
					continue;
				}
				if (cstat__grow((void **)&r->units,
						&r->unitscap, r->nunits + 1,
						sizeof(*r->units))) {
					c->bad = true;
					break;
				}
				r->units[r->nunits++] =
					(struct unit_meta){{0}, k, v};
			} while (!c->bad && take(c, ','));
			expect(c, '}');
		}
		if (!has_unit)
			c->bad = true; /* cJSON's reader names the error */
		for (size_t i = first; i < r->nunits; i++)
			r->units[i].unit = unit;
	} while (!c->bad && take(c, ','));
	expect(c, ']');
}

/* A benchmark's "values": numbers, or "NaN", "+Inf", "-Inf". */
static void
values_array(struct cur *c)
{
	struct frec *r = c->r;

	expect(c, '[');
	if (c->bad || take(c, ']'))
		return;
	do {
		double v;
		ws(c);
		if (c->p < c->end && *c->p == '"') {
			struct span s = {0};
			string(c, &s);
			if (key_is(&s, "NaN"))
				v = NAN;
			else if (key_is(&s, "+Inf"))
				v = INFINITY;
			else if (key_is(&s, "-Inf"))
				v = -INFINITY;
			else
				c->bad = true;
		} else {
			number(c, &v);
		}
		if (c->bad)
			return;
		if (r->nvals == r->valscap &&
		    cstat__grow((void **)&r->vals, &r->valscap, r->nvals + 1,
				sizeof(*r->vals))) {
			c->bad = true;
			return;
		}
		r->vals[r->nvals++] = v;
	} while (take(c, ','));
	expect(c, ']');
}

/*
 * The next key of an object whose known keys are a and b, and its colon:
 * 0 for a, 1 for b (each at most once: a key twice is bad, as cJSON reads
 * it), 2 for another key; -1 when the record is bad.
 */
static int
object_key(struct cur *c, const char *a, const char *b, bool seen[2])
{
	struct span k = {0};
	int which;

	string(c, &k);
	expect(c, ':');
	if (c->bad)
		return -1;
	which = key_is(&k, a) ? 0 : key_is(&k, b) ? 1 : 2;
	if (which < 2 && seen[which]) {
		c->bad = true;
		return -1;
	}
	if (which < 2)
		seen[which] = true;
	return which;
}

/* {"unit": U, "values": [...]} of a benchmark. */
static void
bench_unit(struct cur *c, struct fbench *b)
{
	struct frec *r = c->r;
	struct fbunit *u;
	bool seen[2] = {false, false};

	if (cstat__grow((void **)&r->bunits, &r->bunitscap, r->nbunits + 1,
			sizeof(*r->bunits))) {
		c->bad = true;
		return;
	}
	u = &r->bunits[r->nbunits++];
	u->v0 = r->nvals;
	b->nu++;
	expect(c, '{');
	do {
		int which = object_key(c, "unit", "values", seen);
		if (which < 0)
			return;
		if (which == 0)
			string(c, &u->unit);
		else if (which == 1)
			values_array(c);
		else
			skip_value(c, 0);
	} while (!c->bad && take(c, ','));
	expect(c, '}');
	u->nv = r->nvals - u->v0;
	if (!seen[0] || !seen[1])
		c->bad = true;
	/* A unit listed twice in one benchmark: merged by cJSON's reader. */
	for (size_t i = b->u0; !c->bad && i + 1 < b->u0 + b->nu; i++)
		if (r->bunits[i].unit.len == u->unit.len &&
		    memcmp(r->bunits[i].unit.s, u->unit.s, u->unit.len) == 0)
			c->bad = true;
}

/* Whether benchmark bi's name was seen before in its group; notes it. */
static bool
seen_name(struct frec *r, size_t bi)
{
	const struct span *n = &r->benches[bi].name;
	uint64_t h = 1469598103934665603u;

	for (size_t i = 0; i < n->len; i++)
		h = (h ^ (unsigned char)n->s[i]) * 1099511628211u;
	for (size_t s = (size_t)h & (r->nslots - 1);;
	     s = (s + 1) & (r->nslots - 1)) {
		if (r->stamp[s] != r->gen) {
			r->stamp[s] = r->gen;
			r->slot[s] = bi;
			return false;
		}
		const struct span *o = &r->benches[r->slot[s]].name;
		if (o->len == n->len && memcmp(o->s, n->s, n->len) == 0)
			return true;
	}
}

/* Room in the name table for n names at most half full. */
static bool
name_slots(struct frec *r, size_t n)
{
	size_t want = 64;

	while (want < 2 * n)
		want *= 2;
	if (want <= r->nslots)
		return true;
	free(r->slot);
	free(r->stamp);
	r->slot = malloc(want * sizeof(*r->slot));
	r->stamp = calloc(want, sizeof(*r->stamp));
	r->nslots = r->slot && r->stamp ? want : 0;
	r->gen = 0;
	return r->nslots != 0;
}

/* {"name": N, "units": [...]} */
static void
bench_object(struct cur *c, struct fgroup *g)
{
	struct frec *r = c->r;
	bool seen[2] = {false, false};

	if (cstat__grow((void **)&r->benches, &r->benchescap, r->nbenches + 1,
			sizeof(*r->benches))) {
		c->bad = true;
		return;
	}
	size_t bi = r->nbenches++;
	r->benches[bi] = (struct fbench){{0}, r->nbunits, 0};
	g->nb++;
	expect(c, '{');
	do {
		int which = object_key(c, "name", "units", seen);
		if (which < 0)
			return;
		if (which == 0) {
			string(c, &r->benches[bi].name);
		} else if (which == 1) {
			expect(c, '[');
			if (!c->bad && !take(c, ']')) {
				do
					bench_unit(c, &r->benches[bi]);
				while (!c->bad && take(c, ','));
				expect(c, ']');
			}
		} else {
			skip_value(c, 0);
		}
	} while (!c->bad && take(c, ','));
	expect(c, '}');
	if (!seen[0] || !seen[1])
		c->bad = true;
}

/* {"config": [[k, v], ...], "benchmarks": [...]} */
static void
group_object(struct cur *c)
{
	struct frec *r = c->r;
	bool seen[2] = {false, false};

	if (cstat__grow((void **)&r->groups, &r->groupscap, r->ngroups + 1,
			sizeof(*r->groups))) {
		c->bad = true;
		return;
	}
	struct fgroup *g = &r->groups[r->ngroups++];
	*g = (struct fgroup){r->nconf, 0, r->nbenches, 0};
	expect(c, '{');
	do {
		int which = object_key(c, "config", "benchmarks", seen);
		if (which < 0)
			return;
		if (which == 2) {
			skip_value(c, 0);
			continue;
		}
		expect(c, '[');
		if (c->bad || take(c, ']'))
			continue;
		do {
			if (which == 0) {
				struct pair *pr = push_pair(
					c, &r->conf, &r->nconf, &r->confcap);
				if (!pr)
					return;
				expect(c, '[');
				if (!c->bad)
					string(c, &pr->k);
				expect(c, ',');
				if (!c->bad)
					string(c, &pr->v);
				expect(c, ']');
				g = &r->groups[r->ngroups - 1];
				g->nconf++;
			} else {
				bench_object(c, &r->groups[r->ngroups - 1]);
			}
		} while (!c->bad && take(c, ','));
		expect(c, ']');
	} while (!c->bad && take(c, ','));
	expect(c, '}');
	if (!seen[0] || !seen[1])
		c->bad = true;
}

/*
 * Parses the record at line[0..len) into r.  @return true when this
 * parser takes it on; false sends it to cJSON's reader.
 */
static bool
parse_record(struct frec *r, char *line, size_t len)
{
	static const char *const top[] = {"schema", "created", "name",
					  "commit", "branch",  "id"};
	struct cur c = {line, line + len, r, false};
	struct span k = {0};
	bool seen_groups = false, seen_other[3] = {false, false, false};

	memset(r->has, 0, sizeof(r->has));
	r->nmeta = r->nenv = r->nconf = r->nunits = r->ngroups = 0;
	r->nbenches = r->nbunits = r->nvals = r->nspans = 0;
	expect(&c, '{');
	do {
		string(&c, &k);
		expect(&c, ':');
		if (c.bad)
			return false;
		size_t t = 0;
		while (t < 6 && !key_is(&k, top[t]))
			t++;
		if (t < 6) {
			if (r->has[t])
				return false; /* a key twice: cJSON's reading */
			r->has[t] = true;
			string(&c, &r->top[t]);
			continue;
		}
		static const char *const lists[] = {"meta", "environment",
						    "units"};
		size_t l = 0;
		while (l < 3 && !key_is(&k, lists[l]))
			l++;
		if (l < 3 && seen_other[l])
			return false;
		if (l < 3)
			seen_other[l] = true;
		if (l == 0) {
			string_object(&c, &r->meta, &r->nmeta, &r->metacap);
		} else if (l == 1) {
			string_object(&c, &r->env, &r->nenv, &r->envcap);
		} else if (l == 2) {
			units_array(&c);
		} else if (key_is(&k, "groups")) {
			if (seen_groups)
				return false;
			seen_groups = true;
			expect(&c, '[');
			if (!c.bad && !take(&c, ']')) {
				do
					group_object(&c);
				while (!c.bad && take(&c, ','));
				expect(&c, ']');
			}
		} else {
			skip_value(&c, 0);
		}
	} while (!c.bad && take(&c, ','));
	expect(&c, '}');
	ws(&c);
	/* cJSON stops after the object; keep that reading for the rest. */
	if (c.bad || c.p != c.end || !seen_groups || !r->has[0] ||
	    !key_is(&r->top[0], SCHEMA))
		return false;
	return true;
}

/* NUL-ends every span of the parsed record (after a successful parse:
 * each span's closing quote is not needed any more). */
static bool
terminate(struct frec *r)
{
	bool ok = true;

	for (size_t i = 0; i < 6; i++)
		if (r->has[i])
			ok = ok && note(r, &r->top[i]);
	for (size_t i = 0; i < r->nmeta; i++)
		ok = ok && note(r, &r->meta[i].k) && note(r, &r->meta[i].v);
	for (size_t i = 0; i < r->nenv; i++)
		ok = ok && note(r, &r->env[i].k) && note(r, &r->env[i].v);
	for (size_t i = 0; i < r->nconf; i++)
		ok = ok && note(r, &r->conf[i].k) && note(r, &r->conf[i].v);
	for (size_t i = 0; i < r->nunits; i++)
		ok = ok && note(r, &r->units[i].unit) &&
		     note(r, &r->units[i].key) && note(r, &r->units[i].value);
	for (size_t i = 0; i < r->nbenches; i++)
		ok = ok && note(r, &r->benches[i].name);
	for (size_t i = 0; i < r->nbunits; i++)
		ok = ok && note(r, &r->bunits[i].unit);
	for (size_t i = 0; ok && i < r->nspans; i++)
		r->spans[i]->s[r->spans[i]->len] = '\0';
	return ok;
}

static void
frec_release(struct frec *r)
{
	free(r->meta);
	free(r->env);
	free(r->conf);
	free(r->units);
	free(r->groups);
	free(r->benches);
	free(r->bunits);
	free(r->vals);
	free(r->spans);
	free(r->slot);
	free(r->stamp);
}

/* ---------------------------------------------------------------------- */
/* Records into the builder. */

/*
 * A record line between the thread that reads and parses and the one that
 * adds: the line (a copy, when it crosses threads), its parse and where it
 * was.
 */
struct slot {
	struct cstat__buf copy;
	char *line;
	size_t n;
	struct frec rec;
	struct cstat__buf a; /* groups_distinct()'s scratch */
	unsigned long lineno;
	bool complete;
	bool parsed; /* rec holds it; else it goes to store.c's reader */
};

/*
 * The parsing thread's queue: slots [tail, head) (modulo NSLOTS) are
 * parsed and wait to be added.  A record takes about as long to parse as
 * to add, but a small one (a few benchmarks) takes microseconds, less
 * than waking a thread: a side that waits is woken only once the other
 * has left it half the slots to work on (or is done), so that each
 * wake-up pays for NSLOTS / 2 records instead of one.  With 4 slots
 * and a wake-up per record, a 10,000-run history of 8 benchmarks spent
 * a tenth of its CPU in futex calls (docs/performance.md).
 */
#define NSLOTS 16

struct ring {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct slot s[NSLOTS];
	size_t head, tail;
	bool done; /* the parser has read everything, or failed: rc, d */
	bool stop; /* the adder failed: the parser gives up */
	bool parser_waits, adder_waits; /* asleep on cv */
	int rc;
	struct cstat_diag d;
};

struct hread {
	const char *path;
	int fd;
	cstat_builder *b;
	cstat_reader *rd;
	unsigned long version;
	cstat_run **runs;
	size_t nruns, cap;
	struct slot one;	/* the slot of a one-thread read */
	struct ring *ring;	/* a two-thread read's queue */
	struct cstat__buf text; /* a group's configuration text */
	struct cstat_config *conf;
	size_t confcap;
	struct cstat_value *vals;
	double *dv; /* the same values alone */
	size_t valscap, dvcap;
	void (*warn)(void *ctx, const struct cstat_diag *d);
	void *ctx;
	/* Lines before where reading starts, and after it ends. */
	unsigned long line0, lines;
	/* Runs before where reading starts: the first is labelled one
	 * more, as in a read of the whole file (a filter on .file sees the
	 * same labels). */
	size_t label0;
	/* The runs' structs and metadata, in one arena (store.h): NULL
	 * when it could not be made, each run then a block of its own. */
	struct cstat__runs_arena *arena;
};

/*
 * Appends k, sep, v and end to b, as cstat__buf_printf(b,
 * "%.*s<sep>%.*s<end>", kl, k, vl, v) would (each string stops at its
 * NUL, as %.*s does; SIZE_MAX for a whole string), without formatting:
 * every record's metadata and configuration pass through here.
 */
static int
buf_join(struct cstat__buf *b, const char *k, size_t kl, const char *sep,
	 const char *v, size_t vl, const char *end)
{
	kl = strnlen(k, kl);
	vl = strnlen(v, vl);
	if (cstat__buf_add(b, k, kl) || cstat__buf_adds(b, sep) ||
	    cstat__buf_add(b, v, vl) || cstat__buf_adds(b, end))
		return CSTAT_ENOMEM;
	return 0;
}

/*
 * The metadata of the parsed record as a run without values, in arena a
 * (NULL: a block of its own); the key lists are set in the record's
 * order, a later duplicate replacing, as store.c's reader sets them.
 */
static int
rec_run(const struct frec *r, struct cstat__runs_arena *a, cstat_run **out)
{
	static const char *const top[] = {NULL,	    "created", "name",
					  "commit", "branch",  "id"};
	/* store.c sets name, created, commit, branch, id in this order; an
	 * empty id is none, as there. */
	static const int order[] = {2, 1, 3, 4, 5};
	bool put[5];
	size_t size = 0;

	/* Every key and value in one block of the run's: the room they
	 * take as cstat__run_put_text() copies them. */
	for (size_t i = 0; i < 5; i++) {
		put[i] = r->has[order[i]] && (order[i] != 5 || r->top[5].s[0]);
		if (put[i])
			size += strlen(top[order[i]]) +
				strlen(r->top[order[i]].s) + 2;
	}
	for (size_t i = 0; i < r->nmeta; i++)
		size += 5 + strlen(r->meta[i].k.s) + strlen(r->meta[i].v.s) + 2;
	for (size_t i = 0; i < r->nenv; i++)
		size += strlen(r->env[i].k.s) + strlen(r->env[i].v.s) + 2;
	for (size_t i = 0; i < r->nunits; i++)
		size += strlen(r->units[i].unit.s) + 1 +
			strlen(r->units[i].key.s) +
			strlen(r->units[i].value.s) + 2;
	/* Not cstat_run_new(): the run has the record's id, not a new one. */
	size_t nput = 0;
	for (size_t i = 0; i < 5; i++)
		nput += put[i];
	int rc = cstat__run_alloc_text(a, size, nput + r->nmeta, r->nenv,
				       r->nunits, out);
	for (size_t i = 0; i < 5 && !rc; i++)
		if (put[i])
			rc = cstat__run_put_text(*out, 'm', top[order[i]], "",
						 "", r->top[order[i]].s);
	for (size_t i = 0; i < r->nmeta && !rc; i++)
		rc = cstat__run_put_text(*out, 'm', "meta.", "", r->meta[i].k.s,
					 r->meta[i].v.s);
	for (size_t i = 0; i < r->nenv && !rc; i++)
		rc = cstat__run_put_text(*out, 'e', r->env[i].k.s, "", "",
					 r->env[i].v.s);
	for (size_t i = 0; i < r->nunits && !rc; i++)
		rc = cstat__run_put_text(*out, 'u', r->units[i].unit.s, "\t",
					 r->units[i].key.s,
					 r->units[i].value.s);
	if (rc) {
		cstat_run_free(*out);
		*out = NULL;
	}
	return rc;
}

/*
 * Whether the parsed groups can go to the builder one by one as parsed:
 * no two with the same configuration and no benchmark twice in one group
 * (store.c's reader merges those; such a record goes that way).
 */
/* Group g's configuration text, "key: value\n" lines, into b. */
static int
group_text(const struct frec *r, const struct fgroup *g, struct cstat__buf *b)
{
	int rc = 0;

	b->len = 0;
	for (size_t k = 0; k < g->nconf && !rc; k++) {
		const struct pair *p = &r->conf[g->conf0 + k];
		rc = buf_join(b, p->k.s, p->k.len, ": ", p->v.s, p->v.len,
			      "\n");
	}
	return rc;
}

static bool
groups_distinct(struct frec *r, struct cstat__buf *text)
{
	struct cstat__u64map seen;
	bool ok = true;

	/* Groups merge by their configuration's text, as store.c's
	 * group_for() finds them: each text's hash is looked up, and two
	 * groups whose hashes are equal are not taken on (cJSON's reading
	 * merges them).  One group, as cbaseline record writes a run of
	 * one package, has nothing to merge with. */
	cstat__u64map_init(&seen);
	for (size_t i = 0; ok && r->ngroups > 1 && i < r->ngroups; i++) {
		ok = !group_text(r, &r->groups[i], text);
		uint64_t h =
			ok ? cstat__hash_bytes(text->data ? text->data : "",
					       text->len, 0)
			   : 0;
		ok = ok && cstat__u64map_get(&seen, h) == UINT32_MAX &&
		     !cstat__u64map_put(&seen, h, (uint32_t)i);
	}
	cstat__u64map_release(&seen);
	for (size_t i = 0; ok && i < r->ngroups; i++) {
		const struct fgroup *g = &r->groups[i];
		if (!name_slots(r, g->nb))
			return false;
		if (++r->gen == 0) {
			memset(r->stamp, 0, r->nslots * sizeof(*r->stamp));
			r->gen = 1;
		}
		for (size_t bi = g->b0; bi < g->b0 + g->nb; bi++)
			if (seen_name(r, bi))
				return false;
	}
	return ok;
}

/*
 * Which of a benchmark's first result's values (bit i: values[i], for i
 * below 64) come from a unit whose samples are all the same bits: the
 * units u[0..nu) in order, each with a sample taking a slot.  A unit of
 * one sample in a longer run counts: its cell then takes one word, not
 * the run's room.
 */
static uint64_t
same_units_mask(const struct frec *r, const struct fbunit *u, size_t nu)
{
	uint64_t same = 0;
	size_t slot = 0;

	for (size_t k = 0; k < nu && slot < 64; k++) {
		if (u[k].nv == 0)
			continue;
		const double *v = &r->vals[u[k].v0];
		size_t m = 1;
		while (m < u[k].nv && memcmp(&v[m], &v[0], sizeof(*v)) == 0)
			m++;
		if (m == u[k].nv)
			same |= (uint64_t)1 << slot;
		slot++;
	}
	return same;
}

/*
 * Adds benchmark bn's results with res's file and configuration: one per
 * sample index, with every unit that has that many values, as store.c's
 * add_run() makes them.
 */
static int
bench_add(struct hread *h, const struct frec *r, struct cstat_result *res,
	  const struct fbench *bn)
{
	const struct fbunit *u = &r->bunits[bn->u0];
	size_t most = 0, last = 0;
	int rc = 0;

	for (size_t k = 0; k < bn->nu; k++)
		if (u[k].nv > most)
			most = u[k].nv;
	if (cstat__grow((void **)&h->vals, &h->valscap, bn->nu + 1,
			sizeof(*h->vals)) ||
	    cstat__grow((void **)&h->dv, &h->dvcap, bn->nu + 1, sizeof(*h->dv)))
		return CSTAT_ENOMEM;
	res->name = bn->name.s;
	res->name_len = bn->name.len;
	/* Its cells get room for its samples at once, not 4 then more, and
	 * a unit whose samples are all one value (B/op, allocs/op, mostly)
	 * keeps it once: bit i is the first result's values[i]. */
	cstat__builder_expect(h->b, most);
	cstat__builder_expect_same(h->b, same_units_mask(r, u, bn->nu));
	for (size_t m = 0; m < most && !rc; m++) {
		size_t nv = 0;
		for (size_t k = 0; k < bn->nu; k++)
			if (m < u[k].nv) {
				double v = r->vals[u[k].v0 + m];
				h->dv[nv] = v;
				h->vals[nv++] = (struct cstat_value){
					v, u[k].unit.s, v, u[k].unit.s};
			}
		/* The same units as the last result: its cells, as
		 * cstat_builder_add() would find them, without comparing
		 * names again.  A -filter decides the same for it as for
		 * the last (the same name, configuration, file and units,
		 * slot by slot): a dropped result drops this one, a result
		 * cut to some of its values makes the builder refuse the
		 * append (its count differs), and this one is added. */
		rc = nv == last ? cstat__builder_append_last(h->b, h->dv, nv)
				: CSTAT_ESTATE;
		last = nv;
		if (rc == CSTAT_ESTATE) {
			res->values = h->vals;
			res->nvalues = nv;
			rc = cstat_builder_add(h->b, res);
		}
	}
	return rc;
}

/* Adds the parsed record's results as the run labelled label: the
 * results store.c's add_run() makes of the same record, in its order. */
static int
rec_add(struct hread *h, const struct frec *r, const char *label)
{
	int rc = 0;

	for (size_t gi = 0; gi < r->ngroups && !rc; gi++) {
		const struct fgroup *g = &r->groups[gi];
		if (cstat__grow((void **)&h->conf, &h->confcap, g->nconf + 1,
				sizeof(*h->conf)))
			return CSTAT_ENOMEM;
		h->text.len = 0;
		if (h->text.data)
			h->text.data[0] = '\0';
		for (size_t k = 0; k < g->nconf && !rc; k++) {
			const struct pair *p = &r->conf[g->conf0 + k];
			h->conf[k] = (struct cstat_config){p->k.s, p->v.s};
			rc = buf_join(&h->text, p->k.s, SIZE_MAX, ": ", p->v.s,
				      SIZE_MAX, "\n");
		}
		struct cstat_result res = {
			.file = label,
			.config = h->conf,
			.nconfig = g->nconf,
			.config_text = h->text.data ? h->text.data : "",
			.config_text_len = h->text.len,
			.config_version = ++h->version,
		};
		for (size_t bi = g->b0; bi < g->b0 + g->nb && !rc; bi++)
			rc = bench_add(h, r, &res, &r->benches[bi]);
	}
	return rc == CSTAT_ESYNTAX ? CSTAT_EFORMAT : rc;
}

/* Parses slot s's line with this file's parser, if it takes it on. */
static void
parse_slot(struct slot *s)
{
	s->parsed = parse_record(&s->rec, s->line, s->n) &&
		    groups_distinct(&s->rec, &s->a) && terminate(&s->rec);
}

static void
slot_release(struct slot *s)
{
	frec_release(&s->rec);
	cstat__buf_release(&s->copy);
	cstat__buf_release(&s->a);
}

/*
 * Adds the record of slot s, parsed or not: this parser's record or
 * store.c's; cut-short records are skipped as cstat__history_parse()
 * skips them.
 */
static int
add_slot(struct hread *h, struct slot *s, struct cstat_diag *d)
{
	char label[24];
	cstat_run *run = NULL;
	int rc;

	snprintf(label, sizeof(label), "%zu", h->label0 + h->nruns + 1);
	if (cstat__grow((void **)&h->runs, &h->cap, h->nruns + 1,
			sizeof(*h->runs)))
		return CSTAT_ENOMEM;
	if (s->parsed) {
		rc = rec_run(&s->rec, h->arena, &run);
		if (!rc)
			rc = cstat__run_add_units(h->rd, run, label, d);
		if (!rc)
			rc = rec_add(h, &s->rec, label);
	} else {
		struct cstat_diag rd;
		rc = cstat__run_parse(s->line, s->n, h->path, s->lineno, &run,
				      &rd);
		if (cstat__cut_short(rc, s->complete, &rd, h->path, s->lineno,
				     h->warn, h->ctx))
			return 0;
		if (rc) {
			if (d)
				*d = rd;
			return rc;
		}
		rc = cstat__run_add(h->b, h->rd, run, label, &h->version, d);
		cstat__run_drop_values(run);
	}
	if (rc) {
		cstat_run_free(run);
		return rc;
	}
	h->runs[h->nruns++] = run;
	return 0;
}

/* One record line, on one thread: parsed in place, then added. */
static int
one_record(struct hread *h, char *line, size_t n, unsigned long lineno,
	   bool complete, struct cstat_diag *d)
{
	struct slot *s = &h->one;

	s->line = line;
	s->n = n;
	s->lineno = lineno;
	s->complete = complete;
	parse_slot(s);
	return add_slot(h, s, d);
}

/*
 * One record line, on the parsing thread: copied into the next free slot
 * and parsed there, for the adding thread.  @return 0, or CSTAT_ESTATE
 * once the adder has given up.
 */
static int
queue_record(struct hread *h, char *line, size_t n, unsigned long lineno,
	     bool complete, struct cstat_diag *d)
{
	struct ring *q = h->ring;
	bool stop;

	(void)d;
	pthread_mutex_lock(&q->mu);
	while (q->head - q->tail == NSLOTS && !q->stop) {
		q->parser_waits = true;
		pthread_cond_wait(&q->cv, &q->mu);
		q->parser_waits = false;
	}
	stop = q->stop;
	pthread_mutex_unlock(&q->mu);
	if (stop)
		return CSTAT_ESTATE;
	/* Slot head is the parser's alone until head moves past it. */
	struct slot *s = &q->s[q->head % NSLOTS];
	s->copy.len = 0;
	if (cstat__buf_add(&s->copy, line, n) ||
	    cstat__buf_reserve(&s->copy, 1))
		return CSTAT_ENOMEM;
	s->line = s->copy.data;
	s->n = n;
	s->lineno = lineno;
	s->complete = complete;
	parse_slot(s);
	pthread_mutex_lock(&q->mu);
	q->head++;
	if (q->adder_waits && q->head - q->tail >= NSLOTS / 2)
		pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return 0;
}

/* Whether line[0..n) holds only blanks. */
static bool
blank(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return false;
	return true;
}

typedef int line_fn(struct hread *h, char *line, size_t n, unsigned long lineno,
		    bool complete, struct cstat_diag *d);

/* Reads h->fd's records one line at a time, handing each to fn. */
static int
read_records(struct hread *h, line_fn *fn, struct cstat_diag *d)
{
	struct cstat__buf buf = {0};
	size_t start = 0;
	unsigned long lineno = h->line0;
	bool eof = false;
	int rc = 0;

	while (!rc) {
		char *nl = buf.len > start ? memchr(buf.data + start, '\n',
						    buf.len - start)
					   : NULL;
		if (!nl && !eof) {
			/* Move the partial line down, read more after it. */
			if (start) {
				memmove(buf.data, buf.data + start,
					buf.len - start);
				buf.len -= start;
				start = 0;
			}
			if (cstat__buf_reserve(&buf, CHUNK + 1)) {
				rc = CSTAT_ENOMEM;
				break;
			}
			ssize_t got = read(h->fd, buf.data + buf.len, CHUNK);
			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0) {
				int err = errno;
				char why[128];
				cstat__errno_text(err, why, sizeof(why));
				cstat__diag_set(d, NULL, 0, 0, "read %s: %s",
						h->path, why);
				rc = cstat__errno_code(err);
				break;
			}
			buf.len += (size_t)got;
			eof = got == 0;
			continue;
		}
		if (!nl && start == buf.len)
			break;
		char *line = buf.data + start;
		size_t n = nl ? (size_t)(nl - line) : buf.len - start;
		lineno++;
		start += nl ? n + 1 : n;
		if (!blank(line, n))
			rc = fn(h, line, n, lineno, nl != NULL, d);
	}
	h->lines = lineno;
	cstat__buf_release(&buf);
	return rc;
}

static void *
parse_main(void *arg)
{
	struct hread *h = arg;
	struct ring *q = h->ring;
	struct cstat_diag d = {0};
	int rc = read_records(h, queue_record, &d);

	pthread_mutex_lock(&q->mu);
	q->rc = rc;
	q->d = d;
	q->done = true;
	pthread_cond_broadcast(&q->cv);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/*
 * Adds the records the parsing thread queues, in order, until it is done
 * or an add fails; then waits for it.  @return the first error: the
 * adder's, else the parser's (a read error), with its diagnostic in *d.
 */
static int
add_queued(struct hread *h, pthread_t th, struct cstat_diag *d)
{
	struct ring *q = h->ring;
	int rc = 0;

	for (;;) {
		pthread_mutex_lock(&q->mu);
		while (q->tail == q->head && !q->done) {
			q->adder_waits = true;
			pthread_cond_wait(&q->cv, &q->mu);
			q->adder_waits = false;
		}
		bool end = q->tail == q->head;
		pthread_mutex_unlock(&q->mu);
		if (end)
			break;
		rc = add_slot(h, &q->s[q->tail % NSLOTS], d);
		pthread_mutex_lock(&q->mu);
		q->tail++;
		q->stop = rc != 0;
		if (q->stop ||
		    (q->parser_waits && q->head - q->tail <= NSLOTS / 2))
			pthread_cond_broadcast(&q->cv);
		pthread_mutex_unlock(&q->mu);
		if (rc)
			break;
	}
	pthread_join(th, NULL);
	if (!rc && q->rc) {
		rc = q->rc;
		if (d)
			*d = q->d;
	}
	return rc;
}

/*
 * A history this large is read on two threads: one reads and parses
 * records while the calling thread adds them to the builder.  Parsing is
 * about half of reading a history, so this nearly halves it (1,000 runs
 * of 500 benchmarks: docs/performance.md); below this size a thread is
 * not worth starting.
 */
#define THREADS_FROM ((off_t)1 << 20)

/* Reads h->fd's records into the builder, on two threads if worth it. */
static int
read_all(struct hread *h, struct cstat_diag *d)
{
	struct stat st;
	struct ring *q;
	pthread_t th;
	int rc;

	off_t at = lseek(h->fd, 0, SEEK_CUR);
	if (fstat(h->fd, &st) != 0 || at < 0 || st.st_size - at < THREADS_FROM)
		return read_records(h, one_record, d);
	q = calloc(1, sizeof(*q));
	if (!q)
		return CSTAT_ENOMEM;
	if (pthread_mutex_init(&q->mu, NULL)) {
		free(q);
		return read_records(h, one_record, d);
	}
	if (pthread_cond_init(&q->cv, NULL)) {
		pthread_mutex_destroy(&q->mu);
		free(q);
		return read_records(h, one_record, d);
	}
	h->ring = q;
	if (pthread_create(&th, NULL, parse_main, h)) {
		h->ring = NULL;
		rc = read_records(h, one_record, d);
	} else {
		rc = add_queued(h, th, d);
	}
	pthread_cond_destroy(&q->cv);
	pthread_mutex_destroy(&q->mu);
	for (size_t i = 0; i < NSLOTS; i++)
		slot_release(&q->s[i]);
	free(q);
	h->ring = NULL;
	return rc;
}

/*
 * Reads h->fd from where it stands to its end into tables *t, after
 * handing seed[0..nseed)'s Unit metadata to the reader (runs read before,
 * whose metadata a full read would have seen first).
 */
static int
read_history(struct hread *h, const struct cstat_builder_opts *opts,
	     double confidence, cstat_run *const *seed, size_t nseed,
	     cstat_tables **t, struct cstat_diag *d)
{
	int rc = cstat_builder_new(&h->b, opts, d);

	if (!rc)
		rc = cstat_reader_new(&h->rd);
	if (!rc)
		rc = cstat__runs_arena_new(&h->arena);
	for (size_t i = 0; i < nseed && !rc; i++)
		rc = cstat__run_add_units(h->rd, seed[i], "", d);
	if (!rc) {
		cstat__builder_cells_only(h->b);
		rc = read_all(h, d);
	}
	if (!rc) {
		/* Cells are summarized on two threads: their results do
		 * not depend on it. */
		struct cstat_stats_opts so = {0.05, confidence, h->rd, 2};
		rc = cstat_builder_build(h->b, &so, t);
	}
	cstat_builder_free(h->b);
	cstat_reader_free(h->rd);
	slot_release(&h->one);
	cstat__buf_release(&h->text);
	free(h->conf);
	free(h->vals);
	free(h->dv);
	/* The runs hold the arena from here on. */
	cstat__runs_arena_drop(h->arena);
	h->arena = NULL;
	if (rc) {
		cstat_history_free(h->runs, h->nruns);
		h->runs = NULL;
		h->nruns = 0;
	}
	return rc;
}

int
cstat__history_read_fd(const char *path, int fd, unsigned long line0,
		       cstat_run *const *seed, size_t nseed,
		       const struct cstat_builder_opts *opts, double confidence,
		       cstat_tables **t, cstat_run ***runs, size_t *nruns,
		       unsigned long *lines,
		       void (*warn)(void *ctx, const struct cstat_diag *d),
		       void *ctx, struct cstat_diag *d)
{
	struct hread h = {.path = path,
			  .fd = fd,
			  .warn = warn,
			  .ctx = ctx,
			  .line0 = line0,
			  .label0 = nseed};
	int rc;

	*t = NULL;
	*runs = NULL;
	*nruns = 0;
	rc = read_history(&h, opts, confidence, seed, nseed, t, d);
	if (!rc) {
		*runs = h.runs;
		*nruns = h.nruns;
		*lines = h.lines;
	}
	return rc;
}

int
cstat_history_read(const char *path, const struct cstat_builder_opts *opts,
		   double confidence, cstat_tables **t, cstat_run ***runs,
		   size_t *nruns,
		   void (*warn)(void *ctx, const struct cstat_diag *d),
		   void *ctx, struct cstat_diag *d)
{
	struct hread h = {.path = path, .fd = -1, .warn = warn, .ctx = ctx};
	int rc;

	if (t)
		*t = NULL;
	if (runs)
		*runs = NULL;
	if (nruns)
		*nruns = 0;
	if (!path || !t || !runs || !nruns ||
	    !(confidence >= 0 && confidence <= 1))
		return CSTAT_EINVAL;
	h.fd = cstat__store_open(path, O_RDONLY, d);
	if (h.fd < 0)
		return h.fd;
	rc = read_history(&h, opts, confidence, NULL, 0, t, d);
	close(h.fd);
	if (rc)
		return rc;
	*runs = h.runs;
	*nruns = h.nruns;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* The last records only: the gate's window. */

/* Read the file backwards this many bytes at a time. */
#define TAIL_BLOCK (1 << 20)

/*
 * The newlines of blk[0..n) into *at (offsets, in order; *cap grows it):
 * memchr() finds them, much faster than a byte at a time backwards (a
 * record is 70 KB of a line).  @return how many, or SIZE_MAX (memory).
 */
static size_t
newlines(const char *blk, size_t n, size_t **at, size_t *cap)
{
	size_t k = 0;

	for (const char *p = blk, *e = blk + n;
	     (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++) {
		if (cstat__grow((void **)at, cap, k + 1, sizeof(**at)))
			return SIZE_MAX;
		(*at)[k++] = (size_t)(p - blk);
	}
	return k;
}

/*
 * Where the last keep non-blank lines of fd (size bytes) begin: *start,
 * and *cut whether a non-blank line comes before it.  Lines are those
 * read_records() reads (a newline ends one; the last may have none),
 * blank ones as blank() says.  The file is read backwards a block at a
 * time; a line that spans blocks is looked at in pieces.
 */
static int
tail_start(int fd, off_t size, size_t keep, off_t *start, bool *cut)
{
	char *blk = malloc(TAIL_BLOCK);
	size_t *nl = NULL, nlcap = 0, found = 0;
	bool filled = false; /* the line being walked has a non-blank */
	off_t at = size;
	int rc = 0;

	*start = 0;
	*cut = false;
	if (!blk)
		return CSTAT_ENOMEM;
	while (at > 0 && !rc && !*cut) {
		size_t n = at > TAIL_BLOCK ? TAIL_BLOCK : (size_t)at;
		off_t base = at - (off_t)n;
		if (pread(fd, blk, n, base) != (ssize_t)n) {
			rc = CSTAT_EIO;
			break;
		}
		size_t k = newlines(blk, n, &nl, &nlcap), end = n;
		if (k == SIZE_MAX) {
			rc = CSTAT_ENOMEM;
			break;
		}
		/* Each newline, from the last: the line after it is whole. */
		while (k-- > 0) {
			filled = filled ||
				 !blank(blk + nl[k] + 1, end - nl[k] - 1);
			end = nl[k];
			if (filled && ++found > keep) {
				*cut = true; /* a record before the window */
				break;
			}
			if (filled && found == keep)
				*start = base + (off_t)nl[k] + 1;
			filled = false;
		}
		filled = filled || !blank(blk, end);
		at = base;
	}
	/* The file's first line, when no newline comes before it. */
	if (!rc && at == 0 && filled && found == keep)
		*cut = true;
	free(nl);
	free(blk);
	return rc;
}

/* The caller's warn, with line numbers counted from the file's start:
 * the lines before the window are counted once, when first needed. */
struct tail_warn {
	int fd;
	off_t start;
	bool counted;
	unsigned long before;
	void (*warn)(void *ctx, const struct cstat_diag *d);
	void *ctx;
};

/* Counts the lines of fd before tw->start (once). */
static void
count_before(struct tail_warn *tw)
{
	char *blk;

	if (tw->counted)
		return;
	tw->counted = true;
	blk = malloc(TAIL_BLOCK);
	for (off_t at = 0; blk && at < tw->start;) {
		off_t left = tw->start - at;
		size_t n = left > TAIL_BLOCK ? TAIL_BLOCK : (size_t)left;
		ssize_t got = pread(tw->fd, blk, n, at);
		if (got <= 0)
			break;
		for (const char *p = blk, *e = blk + got;
		     (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
			tw->before++;
		at += got;
	}
	free(blk);
}

/* Makes d's line a line of the whole file. */
static void
tail_line(struct tail_warn *tw, struct cstat_diag *d)
{
	if (!d || d->line == 0)
		return;
	count_before(tw);
	d->line += tw->before;
}

static void
tail_warn_cb(void *ctx, const struct cstat_diag *d)
{
	struct tail_warn *tw = ctx;
	struct cstat_diag copy = *d;

	tail_line(tw, &copy);
	tw->warn(tw->ctx, &copy);
}

int
cstat_history_read_tail(const char *path, size_t keep,
			const struct cstat_builder_opts *opts,
			double confidence, cstat_tables **t, cstat_run ***runs,
			size_t *nruns, bool *cut,
			void (*warn)(void *ctx, const struct cstat_diag *d),
			void *ctx, struct cstat_diag *d)
{
	struct tail_warn tw = {.warn = warn, .ctx = ctx};
	struct hread h = {.path = path, .fd = -1, .ctx = &tw};
	struct stat st;
	off_t start = 0;
	bool was_cut = false;
	int rc;

	if (t)
		*t = NULL;
	if (runs)
		*runs = NULL;
	if (nruns)
		*nruns = 0;
	if (cut)
		*cut = false;
	if (!path || !t || !runs || !nruns ||
	    !(confidence >= 0 && confidence <= 1))
		return CSTAT_EINVAL;
	h.fd = cstat__store_open(path, O_RDONLY, d);
	if (h.fd < 0)
		return h.fd;
	tw.fd = h.fd;
	h.warn = warn ? tail_warn_cb : NULL;
	rc = fstat(h.fd, &st) != 0 ? CSTAT_EIO : 0;
	if (!rc && keep)
		rc = tail_start(h.fd, st.st_size, keep, &start, &was_cut);
	if (!rc && lseek(h.fd, start, SEEK_SET) != start)
		rc = CSTAT_EIO;
	tw.start = start;
	if (rc == CSTAT_EIO)
		cstat__diag_set(d, NULL, 0, 0, "read %s: %s", path,
				"input/output error");
	if (!rc) {
		rc = read_history(&h, opts, confidence, NULL, 0, t, d);
		if (rc)
			tail_line(&tw, d);
	}
	close(h.fd);
	if (rc)
		return rc;
	*runs = h.runs;
	*nruns = h.nruns;
	if (cut)
		*cut = was_cut;
	return 0;
}

/*
 * Adds the parsed record's groups to run, as store.c's reader fills it
 * from the same record: each group, each benchmark, each unit's values.
 */
static int
rec_fill(const struct frec *r, cstat_run *run)
{
	struct cstat_config *conf = NULL;
	size_t confcap = 0;
	int rc = 0;

	for (size_t gi = 0; gi < r->ngroups && !rc; gi++) {
		const struct fgroup *g = &r->groups[gi];
		struct run_group *rg;
		if (cstat__grow((void **)&conf, &confcap, g->nconf + 1,
				sizeof(*conf))) {
			rc = CSTAT_ENOMEM;
			break;
		}
		for (size_t k = 0; k < g->nconf; k++)
			conf[k] = (struct cstat_config){
				r->conf[g->conf0 + k].k.s,
				r->conf[g->conf0 + k].v.s};
		rc = cstat__run_group(run, conf, g->nconf, &rg);
		for (size_t bi = g->b0; bi < g->b0 + g->nb && !rc; bi++) {
			const struct fbench *bn = &r->benches[bi];
			const struct fbunit *u = &r->bunits[bn->u0];
			struct run_bench *rb;
			rc = cstat__run_bench(rg, bn->name.s, bn->name.len,
					      &rb);
			for (size_t k = 0; k < bn->nu && !rc; k++)
				for (size_t m = 0; m < u[k].nv && !rc; m++)
					rc = cstat__run_value(
						rb, u[k].unit.s,
						r->vals[u[k].v0 + m]);
		}
	}
	free(conf);
	return rc;
}

int
cstat__run_parse_small(char *data, size_t len, cstat_run **out)
{
	struct frec r = {0};
	struct cstat__buf text = {0};
	int rc = 0;

	*out = NULL;
	if (parse_record(&r, data, len) && groups_distinct(&r, &text) &&
	    terminate(&r)) {
		rc = rec_run(&r, NULL, out);
		if (!rc)
			rc = rec_fill(&r, *out);
		if (rc) {
			cstat_run_free(*out);
			*out = NULL;
		}
		rc = rc ? rc : 1;
	}
	frec_release(&r);
	cstat__buf_release(&text);
	return rc;
}

/* ---------------------------------------------------------------------- */
/* Before an append: the last record. */

/*
 * Reads the line that ends at *end (the newline after it excluded) of fd
 * into b, backwards a block at a time; *end becomes the line's start and
 * *complete whether a newline ended it.
 */
static int
line_before(int fd, off_t *end, bool *complete, struct cstat__buf *b)
{
	char blk[65536];
	off_t e = *end, s;

	*complete = false;
	b->len = 0;
	if (e > 0 && pread(fd, blk, 1, e - 1) == 1 && blk[0] == '\n') {
		*complete = true;
		e--;
	}
	/* Find the newline before e, or the file's start. */
	for (s = e; s > 0;) {
		size_t n = s > (off_t)sizeof(blk) ? sizeof(blk) : (size_t)s;
		ssize_t got = pread(fd, blk, n, s - (off_t)n);
		if (got != (ssize_t)n)
			return CSTAT_EIO;
		char *nl = NULL;
		for (size_t i = n; i-- > 0 && !nl;)
			if (blk[i] == '\n')
				nl = blk + i;
		if (nl) {
			s -= (off_t)(n - (size_t)(nl - blk) - 1);
			break;
		}
		s -= (off_t)n;
	}
	if (cstat__buf_reserve(b, (size_t)(e - s) + 1))
		return CSTAT_ENOMEM;
	if (e > s && pread(fd, b->data, (size_t)(e - s), s) != (ssize_t)(e - s))
		return CSTAT_EIO;
	b->len = (size_t)(e - s);
	b->data[b->len] = '\0';
	*end = s;
	return 0;
}

int
cstat_history_check(const char *path,
		    void (*warn)(void *ctx, const struct cstat_diag *d),
		    void *ctx, struct cstat_diag *d)
{
	struct cstat__buf b = {0};
	struct frec rec = {0};
	struct stat st;
	off_t end;
	int fd, rc = 0;

	if (!path)
		return CSTAT_EINVAL;
	fd = cstat__store_open(path, O_RDONLY, d);
	if (fd == CSTAT_ENOENT)
		return 0; /* a new history takes any record */
	if (fd < 0)
		return fd;
	end = fstat(fd, &st) == 0 ? st.st_size : 0;
	/* The last line; if it was cut short, also the one before. */
	for (int looked = 0; looked < 2 && end > 0 && !rc;) {
		bool complete;
		cstat_run *run = NULL;
		struct cstat_diag rd;
		rc = line_before(fd, &end, &complete, &b);
		if (rc || blank(b.data, b.len))
			continue;
		looked++;
		/* A record the small parser takes is one of ours; cJSON's
		 * reading of a long record took 30 times its size. */
		if (parse_record(&rec, b.data, b.len))
			break;
		rc = cstat__run_parse(b.data, b.len, path, 0, &run, &rd);
		cstat_run_free(run);
		if (!rc)
			break; /* the last record is one of ours */
		if (rc == CSTAT_EFORMAT &&
		    (!complete || strcmp(rd.message, "not valid JSON") == 0)) {
			cstat__diag_set(&rd, path, 0, 0,
					"its last record was cut short (an "
					"interrupted write?); skipped by "
					"readers");
			if (warn)
				warn(ctx, &rd);
			rc = 0;
		} else if (d) {
			*d = rd;
		}
	}
	if (rc == CSTAT_EIO)
		cstat__diag_set(d, NULL, 0, 0, "read %s: %s", path,
				"input/output error");
	close(fd);
	cstat__buf_release(&b);
	frec_release(&rec);
	return rc;
}
