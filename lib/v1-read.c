/*
 * v1-read.c - the pre-2023 benchstat's reader (cstat -v1), streamed.
 *
 * Files are read as the old storage/benchfmt reader read them:
 * configuration lines set labels (those above the first blank line are
 * fixed for the file), a line whose first word starts with "Benchmark" is
 * a result, and anything malformed is skipped without a word.  Units are
 * kept as written and names keep their "-N" suffix.
 *
 * A file is read through one buffer that grows only to its longest line,
 * never whole.  Consecutive lines of one benchmark with the same units (go
 * test -count N) form a run: the first line of a run looks its metrics up,
 * the others only compare their name and units with it and queue their
 * values, and the run's values reach each metric at once when it ends, so
 * that a metric's array is allocated once, at its exact size, in the usual
 * case of one run per benchmark and file.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "marks.h"
#include "numfmt.h"
#include "readers/readers.h"
#include "v1.h"

/* Fields of a line the run path takes; longer lines take the slow path. */
#define MAXF 64
#define MAXP ((MAXF - 2) / 2)

/* How much a read asks for at once. */
#define READ_SIZE (64 * 1024)

struct label {
	char *key, *val;
};

struct labels {
	struct label *v;
	size_t n, cap;
};

/* A queue of one run's values for one metric, and their decimal
 * mantissas while they all have the same digits after the point. */
struct pend {
	double *v;
	int32_t *mant;
	size_t n, cap;
	int dec; /* the digits after the point; -1 if not all alike */
};

/* No digits after the point that the reader can keep exactly. */
#define NO_DEC 255

/* What one file's reading keeps between lines. */
struct file_state {
	cstat_v1 *c;
	uint32_t config;
	struct labels labels, perm;
	bool have_perm;
	uint64_t gen; /* bumped whenever labels change */
	/* The run: the name of its lines, their group and benchmark, and the
	 * units and metrics of their values in order. */
	bool named, run;
	struct cstat__buf name;
	/* The last group made and its id: names change on every run, their
	 * group seldom, and comparing is cheaper than interning. */
	struct cstat__buf group_text, group_new;
	bool have_group;
	uint64_t name_gen;
	uint32_t group, bench;
	size_t np;
	uint32_t units[MAXP], metrics[MAXP];
	struct pend pend[MAXP];
};

static const char *
labels_get(const struct labels *l, const char *key, size_t klen)
{
	for (size_t i = 0; i < l->n; i++)
		if (strlen(l->v[i].key) == klen &&
		    memcmp(l->v[i].key, key, klen) == 0)
			return l->v[i].val;
	return NULL;
}

static void
labels_release(struct labels *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].val);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Sets key to val, or deletes key when val is empty (benchfmt's rule). */
static int
labels_set(struct labels *l, const char *key, size_t klen, const char *val,
	   size_t vlen)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strlen(l->v[i].key) == klen &&
		    memcmp(l->v[i].key, key, klen) == 0)
			break;
	if (vlen == 0) {
		if (i < l->n) {
			free(l->v[i].key);
			free(l->v[i].val);
			l->v[i] = l->v[--l->n];
		}
		return 0;
	}
	char *v = strndup(val, vlen);
	if (!v)
		return CSTAT_ENOMEM;
	if (i < l->n) {
		free(l->v[i].val);
		l->v[i].val = v;
		return 0;
	}
	char *k = strndup(key, klen);
	if (!k ||
	    cstat__grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v))) {
		free(k);
		free(v);
		return CSTAT_ENOMEM;
	}
	l->v[l->n++] = (struct label){k, v};
	return 0;
}

/* Go's unicode.IsSpace of ASCII bytes; bytes >= 0x80 are decoded. */
static const bool ascii_space[128] = {
	['\t'] = true, ['\n'] = true, ['\v'] = true,
	['\f'] = true, ['\r'] = true, [' '] = true,
};

/* Whether the character at s is a Go unicode.IsSpace; *w gets its size. */
static inline bool
space_at(const char *s, const char *end, size_t *w)
{
	unsigned char c = (unsigned char)*s;

	if (c < 0x80) {
		*w = 1;
		return ascii_space[c];
	}
	unsigned long cp;
	*w = cstat__utf8_decode((const unsigned char *)s, (size_t)(end - s),
				&cp);
	return cstat__unicode_space(cp);
}

/* The next strings.Fields word of [*p, end), or false at the end. */
static inline bool
next_field(const char **p, const char *end, const char **f, size_t *flen)
{
	const char *s = *p;
	size_t w;

	while (s < end && space_at(s, end, &w))
		s += w;
	if (s == end)
		return false;
	*f = s;
	while (s < end && !space_at(s, end, &w))
		s += w;
	*flen = (size_t)(s - *f);
	*p = s;
	return true;
}

/*
 * strings.Fields of an ASCII line, up to MAXF fields, by a byte table.
 * false, with nothing decided, at the first byte outside ASCII: the caller
 * splits such a line by next_field(), which decodes it.
 */
static bool
ascii_fields(const char *p, const char *end, const char **f, size_t *fl,
	     size_t *nf)
{
	size_t n = 0;

	while (n < MAXF) {
		while (p < end && (signed char)*p >= 0 &&
		       ascii_space[(unsigned char)*p])
			p++;
		if (p == end)
			break;
		const char *s = p;
		while (p < end && (signed char)*p >= 0 &&
		       !ascii_space[(unsigned char)*p])
			p++;
		if (p < end && (signed char)*p < 0)
			return false;
		f[n] = s;
		fl[n++] = (size_t)(p - s);
	}
	*nf = n;
	return true;
}

/* Bytes readable past the end of a batch's data: a 64-byte block that
 * starts in a line may run past it. */
#define SLACK 64

/*
 * ascii_fields() of a line with SLACK bytes readable past its end, 64
 * bytes at a time: every field's start and end are where a space turns
 * to a non-space and back, found by their bits rather than by a loop
 * over bytes.  false at a byte from 0x80 up, as ascii_fields().
 */
static bool
ascii_fields_wide(const char *line, size_t len, const char **f, size_t *fl,
		  size_t *nf)
{
	uint64_t before = 1; /* what precedes the line counts as a space */
	size_t n = 0, k = 0;

	for (size_t w = 0; w * 64 < len; w++) {
		uint64_t sp, nl, hi;
		cstat__mark_block((const unsigned char *)line + 64 * w, &sp,
				  &nl, &hi);
		if (len - 64 * w < 64) {
			uint64_t past = ~0ULL << (len - 64 * w);
			sp |= past;
			hi &= ~past;
		}
		if (hi)
			return false;
		uint64_t t = sp ^ (sp << 1 | before);
		before = sp >> 63;
		for (; t; t &= t - 1, k++) {
			size_t at = 64 * w + (size_t)__builtin_ctzll(t);
			if (k % 2 == 0) {
				if (n == MAXF)
					break;
				f[n] = line + at;
			} else {
				fl[n] = (size_t)(line + at - f[n]);
				n++;
			}
		}
		if (n == MAXF)
			break;
	}
	if (k % 2 && n < MAXF) {
		fl[n] = (size_t)(line + len - f[n]);
		n++;
	}
	*nf = n;
	return true;
}

/*
 * parseKeyValueLine of the old reader: a key that starts lower case and has
 * no space or upper case letter, ':', then an empty value or one after
 * spaces or tabs.  Letters outside ASCII are taken as neither lower nor
 * upper case, as in the current reader.
 */
static bool
key_value(const char *line, size_t len, size_t *klen, const char **val,
	  size_t *vlen)
{
	const char *end = line + len;
	size_t i = 0, w;

	if (len == 0 || !(line[0] >= 'a' && line[0] <= 'z'))
		return false;
	for (;;) {
		if (i >= len)
			return false;
		if (space_at(line + i, end, &w) ||
		    (line[i] >= 'A' && line[i] <= 'Z'))
			return false;
		if (i > 0 && line[i] == ':')
			break;
		i += w;
	}
	*klen = i;
	const char *v = line + i + 1;
	bool ok = v == end;
	while (v < end && (*v == ' ' || *v == '\t')) {
		v++;
		ok = true;
	}
	*val = v;
	*vlen = (size_t)(end - v);
	return ok;
}

/* Whether key is "sub" and the decimal number i (a "/"-part's own key). */
static bool
is_sub_key(const char *key, size_t klen, unsigned i)
{
	char sub[32];
	int n = snprintf(sub, sizeof(sub), "sub%u", i);

	return n > 0 && (size_t)n == klen && memcmp(sub, key, klen) == 0;
}

/* The name label key of name (parseNameLabels), or NULL. */
static bool
name_label(const char *name, size_t len, const char *key, const char **v,
	   size_t *vlen)
{
	const char *dash = NULL;
	size_t klen = strlen(key);

	for (size_t i = 0; i < len; i++)
		if (name[i] == '-')
			dash = name + i;
	if (dash) {
		long long n;
		size_t dlen = (size_t)(name + len - dash - 1);
		if (cstat__parse_int(dash + 1, dlen, &n) == 0) {
			if (strcmp(key, "gomaxprocs") == 0) {
				*v = dash + 1;
				*vlen = dlen;
				return true;
			}
			len = (size_t)(dash - name);
		}
	}
	/* Split at "/": the first part is "name", the rest "k=v" or subN. */
	const char *p = name, *end = name + len;
	const char *found = NULL;
	size_t flen = 0;
	bool sub = klen > 3 && memcmp(key, "sub", 3) == 0;
	for (unsigned i = 0;; i++) {
		const char *e = memchr(p, '/', (size_t)(end - p));
		size_t plen = e ? (size_t)(e - p) : (size_t)(end - p);
		if (i == 0) {
			if (strcmp(key, "name") == 0) {
				found = p;
				flen = plen;
			}
		} else {
			const char *eq = memchr(p, '=', plen);
			/* Later parts win, as map assignments do. */
			if (eq) {
				size_t kl = (size_t)(eq - p);
				if (kl == klen && memcmp(p, key, kl) == 0) {
					found = eq + 1;
					flen = plen - kl - 1;
				}
			} else if (sub && is_sub_key(key, klen, i)) {
				found = p;
				flen = plen;
			}
		}
		if (!e)
			break;
		p = e + 1;
	}
	*v = found;
	*vlen = flen;
	return found != NULL;
}

/* makeGroup: "k:v k:v" over the -split labels that have a value, into
 * b (emptied first). */
static int
make_group(cstat_v1 *c, const char *name, size_t nlen,
	   const struct labels *labels, struct cstat__buf *b)
{
	int rc = 0;

	b->len = 0;
	for (size_t i = 0; i < c->nsplit && !rc; i++) {
		const char *v = NULL;
		size_t vlen = 0;
		const char *s = c->split[i];
		if (!name_label(name, nlen, s, &v, &vlen) || vlen == 0) {
			v = labels_get(labels, s, strlen(s));
			vlen = v ? strlen(v) : 0;
		}
		if (!vlen)
			continue;
		if (b->len)
			rc |= cstat__buf_addc(b, ' ');
		rc |= cstat__buf_adds(b, s);
		rc |= cstat__buf_addc(b, ':');
		rc |= cstat__buf_add(b, v, vlen);
	}
	return rc ? CSTAT_ENOMEM : 0;
}

/* A result line split into fields, its numbers read: what needs no state
 * of the file. */
struct parsed {
	const char *name; /* after "Benchmark" */
	size_t nlen, np;
	double vals[MAXP];
	int32_t mant[MAXP]; /* vals as decimal mantissas, if dec allows */
	uint8_t dec[MAXP];  /* their digits after the point, or NO_DEC */
	const char *u[MAXP];
	size_t ul[MAXP];
};

/* Hands the run's queued values to their metrics and ends the run. */
static int
flush_run(struct file_state *fs)
{
	int rc = 0;

	for (size_t j = 0; fs->run && j < fs->np && !rc; j++) {
		const struct pend *p = &fs->pend[j];
		rc = p->dec >= 0 ? cstat__v1_append_dec(fs->c, fs->metrics[j],
							p->mant, p->n,
							(unsigned)p->dec)
				 : cstat__v1_append(fs->c, fs->metrics[j], p->v,
						    p->n);
	}
	for (size_t j = 0; j < MAXP; j++)
		fs->pend[j].n = 0;
	fs->run = false;
	return rc;
}

static int
pend_push(struct pend *p, const struct parsed *pr, size_t j)
{
	if (p->n == p->cap) {
		size_t cap = p->cap;
		if (cstat__grow((void **)&p->v, &cap, p->n + 1,
				sizeof(*p->v)) ||
		    cstat__grow((void **)&p->mant, &p->cap, p->n + 1,
				sizeof(*p->mant)))
			return CSTAT_ENOMEM;
	}
	if (p->n == 0)
		p->dec = pr->dec[j];
	if (pr->dec[j] == NO_DEC || pr->dec[j] != p->dec)
		p->dec = -1;
	p->mant[p->n] = pr->mant[j];
	p->v[p->n++] = pr->vals[j];
	return 0;
}

/* The group and benchmark of name under the current labels, kept for the
 * lines that follow with the same name. */
static int
resolve_name(struct file_state *fs, const char *name, size_t len, bool *same)
{
	*same = fs->named && fs->name_gen == fs->gen && fs->name.len == len &&
		memcmp(fs->name.data, name, len) == 0;
	if (*same)
		return 0;
	fs->named = false;
	fs->name.len = 0;
	if (cstat__buf_add(&fs->name, name, len) ||
	    make_group(fs->c, name, len, &fs->labels, &fs->group_new))
		return CSTAT_ENOMEM;
	struct cstat__buf *g = &fs->group_new;
	if (!fs->have_group || g->len != fs->group_text.len ||
	    (g->len && memcmp(g->data, fs->group_text.data, g->len))) {
		if (cstat__strtab_intern(&fs->c->strs, g->len ? g->data : "",
					 g->len, &fs->group))
			return CSTAT_ENOMEM;
		struct cstat__buf t = fs->group_text;
		fs->group_text = *g;
		*g = t;
		fs->have_group = true;
	}
	if (cstat__strtab_intern(&fs->c->strs, name, len, &fs->bench))
		return CSTAT_ENOMEM;
	fs->named = true;
	fs->name_gen = fs->gen;
	return 0;
}

/* Whether the units of a line are those of the run. */
static bool
same_units(const struct file_state *fs, const char *const *u, const size_t *ul,
	   size_t np)
{
	const struct cstat__strtab *s = &fs->c->strs;

	if (np != fs->np)
		return false;
	for (size_t j = 0; j < np; j++)
		if (cstat__strtab_len(s, fs->units[j]) != ul[j] ||
		    memcmp(cstat__strtab_str(s, fs->units[j]), u[j], ul[j]))
			return false;
	return true;
}

/*
 * A line that does not continue the run: its metrics are looked up (and
 * created) in order, and it starts a new run unless two of its values
 * share a metric, whose order a run would not keep.
 */
static int
start_run(struct file_state *fs, const struct parsed *pr)
{
	cstat_v1 *c = fs->c;
	size_t np = pr->np;
	bool dup = false;
	int rc;

	for (size_t j = 0; j < np; j++) {
		/* A unit where the last run had it keeps its id uninterned. */
		bool kept = j < fs->np &&
			    cstat__strtab_len(&c->strs, fs->units[j]) ==
				    pr->ul[j] &&
			    memcmp(cstat__strtab_str(&c->strs, fs->units[j]),
				   pr->u[j], pr->ul[j]) == 0;
		if (!kept && cstat__strtab_intern(&c->strs, pr->u[j], pr->ul[j],
						  &fs->units[j]))
			return CSTAT_ENOMEM;
		rc = cstat__v1_metric_get(c, fs->config, fs->group, fs->bench,
					  fs->units[j], &fs->metrics[j]);
		if (rc)
			return rc;
		for (size_t i = 0; i < j; i++)
			dup |= fs->metrics[i] == fs->metrics[j];
	}
	fs->np = np;
	if (dup) {
		for (size_t j = 0; j < np; j++)
			if ((rc = cstat__v1_append(c, fs->metrics[j],
						   &pr->vals[j], 1)))
				return rc;
		return 0;
	}
	fs->run = true;
	for (size_t j = 0; j < np; j++)
		if (pend_push(&fs->pend[j], pr, j))
			return CSTAT_ENOMEM;
	return 0;
}

/* addResult for a line of more than MAXF fields: values go straight to
 * their metrics. */
static int
add_long_result(struct file_state *fs, const char *p, const char *end)
{
	const char *vf, *uf;
	size_t vl, ul;
	uint32_t unit, mi;
	int rc;

	while (next_field(&p, end, &vf, &vl)) {
		if (!next_field(&p, end, &uf, &ul))
			break; /* a dangling last token */
		double val;
		if (cstat__parse_float(vf, vl, &val))
			continue;
		if (cstat__strtab_intern(&fs->c->strs, uf, ul, &unit))
			return CSTAT_ENOMEM;
		if ((rc = cstat__v1_metric_get(fs->c, fs->config, fs->group,
					       fs->bench, unit, &mi)) ||
		    (rc = cstat__v1_append(fs->c, mi, &val, 1)))
			return rc;
	}
	return 0;
}

/*
 * The digits after the point of a value written as plain decimal digits
 * ("-63.9": 1, mantissa -639), if its mantissa fits 32 bits and gives back
 * exactly v; else NO_DEC.
 */
static uint8_t
dec_code(const char *s, size_t len, double v, int32_t *mant)
{
	size_t i = len && s[0] == '-';
	int64_t m = 0;
	int d = -1;

	if (i == len || len - i > 10)
		return NO_DEC;
	for (; i < len; i++) {
		if (s[i] == '.' && d < 0) {
			d = 0;
			continue;
		}
		unsigned digit = (unsigned)((unsigned char)s[i] - '0');
		if (digit > 9)
			return NO_DEC;
		m = m * 10 + digit;
		d += d >= 0;
	}
	if (d < 0)
		d = 0;
	if (m > INT32_MAX)
		return NO_DEC;
	*mant = (int32_t)(s[0] == '-' ? -m : m);
	double back = cstat__v1_dec_value(*mant, (unsigned)d);
	if (memcmp(&back, &v, sizeof(v)) != 0)
		return NO_DEC;
	return (uint8_t)d;
}

/*
 * A value of the usual form, digits with at most one point inside them
 * and at most 9 digits ("63.9", "8", "1234.567"): its mantissa and
 * digits after the point, and its value as one correctly rounded
 * division, which is what parsing gives (both mantissa and power of ten
 * are exact doubles).  false for anything else, left to
 * cstat__parse_float() and dec_code().
 */
static inline bool
plain_decimal(const char *s, size_t len, double *v, int32_t *mant, uint8_t *dec)
{
	uint32_t m = 0;
	size_t point = len;

	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned digit = (unsigned)((unsigned char)s[i] - '0');
		if (digit <= 9) {
			m = m * 10 + digit;
		} else if (s[i] == '.' && point == len && i > 0 &&
			   i + 1 < len) {
			point = i;
		} else {
			return false;
		}
	}
	if (len - (point < len) > 9)
		return false;
	*mant = (int32_t)m;
	*dec = (uint8_t)(point < len ? len - point - 1 : 0);
	*v = cstat__v1_dec_value(*mant, *dec);
	return true;
}

/* What parse_result() found. */
enum { RES_SKIP, RES_VALUES, RES_LONG };

/*
 * addResult's reading of a "Benchmark..." line (split by
 * ascii_fields_wide() when wide, plain decimals read by plain_decimal()
 * when plain): it needs four fields and
 * an iteration count other than 0 (else RES_SKIP), and then takes each
 * value and unit pair whose value parses; a dangling last token is
 * ignored.  A line of MAXF fields or more is RES_LONG, left to
 * add_long_result().
 */
static int
parse_result(const char *line, size_t len, bool wide, bool plain,
	     struct parsed *pr)
{
	const char *f[MAXF], *p = line, *end = line + len;
	size_t fl[MAXF], nf = 0;
	long long iters;

	if (!(wide ? ascii_fields_wide(line, len, f, fl, &nf)
		   : ascii_fields(line, end, f, fl, &nf)))
		for (nf = 0; nf < MAXF && next_field(&p, end, &f[nf], &fl[nf]);)
			nf++;
	if (nf < 4)
		return RES_SKIP;
	cstat__parse_int(f[1], fl[1], &iters);
	if (iters == 0)
		return RES_SKIP;
	pr->name = f[0] + 9;
	pr->nlen = fl[0] - 9;
	if (nf == MAXF)
		return RES_LONG;
	pr->np = 0;
	for (size_t i = 2; i + 1 < nf; i += 2) {
		if (plain &&
		    plain_decimal(f[i], fl[i], &pr->vals[pr->np],
				  &pr->mant[pr->np], &pr->dec[pr->np])) {
			pr->u[pr->np] = f[i + 1];
			pr->ul[pr->np++] = fl[i + 1];
			continue;
		}
		if (cstat__parse_float(f[i], fl[i], &pr->vals[pr->np]))
			continue;
		pr->dec[pr->np] = dec_code(f[i], fl[i], pr->vals[pr->np],
					   &pr->mant[pr->np]);
		pr->u[pr->np] = f[i + 1];
		pr->ul[pr->np++] = fl[i + 1];
	}
	return RES_VALUES;
}

/* addResult's adding of a parsed line: to the run, or a new run. */
static int
add_parsed(struct file_state *fs, const struct parsed *pr)
{
	bool same;
	int rc;

	if ((rc = resolve_name(fs, pr->name, pr->nlen, &same)))
		return rc;
	if (fs->run && same && same_units(fs, pr->u, pr->ul, pr->np)) {
		for (size_t j = 0; j < pr->np; j++)
			if (pend_push(&fs->pend[j], pr, j))
				return CSTAT_ENOMEM;
		return 0;
	}
	if ((rc = flush_run(fs)))
		return rc;
	return start_run(fs, pr);
}

/* addResult: one "Benchmark..." line. */
static int
add_result(struct file_state *fs, const char *line, size_t len)
{
	struct parsed pr;
	bool same;
	int rc;

	switch (parse_result(line, len, false, !fs->c->slow, &pr)) {
	case RES_VALUES:
		return add_parsed(fs, &pr);
	case RES_LONG:
		if ((rc = resolve_name(fs, pr.name, pr.nlen, &same)) ||
		    (rc = flush_run(fs)))
			return rc;
		/* Past the name and the count. */
		const char *p = line, *end = line + len, *f;
		size_t fl;
		for (int i = 0; i < 2; i++)
			next_field(&p, end, &f, &fl);
		return add_long_result(fs, p, end);
	default:
		return 0;
	}
}

/* One line (without its newline) of a file. */
static int
add_line(struct file_state *fs, const char *line, size_t n)
{
	size_t klen, vlen;
	const char *val;

	/* bufio.ScanLines drops one "\r" before the newline. */
	if (n && line[n - 1] == '\r')
		n--;
	if (n && line[0] >= 'a' && line[0] <= 'z' &&
	    key_value(line, n, &klen, &val, &vlen)) {
		if (labels_get(&fs->perm, line, klen))
			return 0;
		fs->gen++;
		return labels_set(&fs->labels, line, klen, val, vlen);
	}
	if (!fs->have_perm) {
		int rc = 0;
		fs->have_perm = true;
		/* Labels above a first blank line are fixed. */
		for (size_t i = 0; n == 0 && i < fs->labels.n && !rc; i++)
			rc = labels_set(&fs->perm, fs->labels.v[i].key,
					strlen(fs->labels.v[i].key),
					fs->labels.v[i].val,
					strlen(fs->labels.v[i].val));
		if (rc)
			return rc;
	}
	/* parseBenchmarkLine: "Benchmark" and a space after the name (the
	 * four fields add_result wants imply the space). */
	if (n < 9 || memcmp(line, "Benchmark", 9) != 0)
		return 0;
	return add_result(fs, line, n);
}

/* Every whole line of data[0..len); *used gets how much they took. */
static int
add_lines(struct file_state *fs, const char *data, size_t len, size_t *used)
{
	size_t pos = 0;
	int rc = 0;

	while (pos < len && !rc) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		if (!nl)
			break;
		rc = add_line(fs, line, (size_t)(nl - line));
		pos = (size_t)(nl - data) + 1;
	}
	*used = pos;
	return rc;
}

static int
file_begin(cstat_v1 *c, struct file_state *fs, const char *name)
{
	memset(fs, 0, sizeof(*fs));
	fs->c = c;
	cstat__v1_free_tables(c);
	if (cstat__strtab_intern(&c->strs, name, strlen(name), &fs->config) ||
	    cstat__v1_ids_add(&c->configs, fs->config))
		return CSTAT_ENOMEM;
	return 0;
}

/* Ends a file: its last run, and its state. */
static int
file_end(struct file_state *fs, int rc)
{
	if (!rc)
		rc = flush_run(fs);
	labels_release(&fs->labels);
	labels_release(&fs->perm);
	cstat__buf_release(&fs->name);
	cstat__buf_release(&fs->group_text);
	cstat__buf_release(&fs->group_new);
	for (size_t j = 0; j < MAXP; j++) {
		free(fs->pend[j].v);
		free(fs->pend[j].mant);
	}
	return rc;
}

int
cstat_v1_add_mem(cstat_v1 *c, const char *name, const char *data, size_t len)
{
	struct file_state fs;
	size_t used = 0;
	int rc;

	if (!c || !name || (!data && len))
		return CSTAT_EINVAL;
	rc = file_begin(c, &fs, name);
	if (!rc && len)
		rc = add_lines(&fs, data, len, &used);
	if (!rc && used < len)
		rc = add_line(&fs, data + used, len - used);
	return file_end(&fs, rc);
}

/*
 * The pre-2023 benchstat read Go benchmark text only, and so does -v1: an
 * input that another of cstat's formats claims, or JSON, is refused with
 * a word on what it is rather than read as text without benchmarks.
 * data holds the file's start: all of it when whole, else more than the
 * leading space and the sniffing window.
 */
static int
refuse_other_formats(const char *path, const char *data, size_t len, bool whole,
		     struct cstat_diag *d)
{
	size_t i = 0;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' ||
			   data[i] == '\n' || data[i] == '\r'))
		i++;

	size_t n = len - i < CSTAT__SNIFF_BYTES ? len - i : CSTAT__SNIFF_BYTES;
	const struct cstat__format *f =
		cstat__format_sniff(data + i, n, whole && n == len - i);

	if (f) {
		cstat__diag_set(d, NULL, 0, 0,
				"%s: %s; cstat -v1 reads Go benchmark text "
				"only, as the pre-2023 benchstat did (drop -v1 "
				"to read it)",
				path, f->title);
		return CSTAT_EFORMAT;
	}
	if (i < len && (data[i] == '{' || data[i] == '[')) {
		cstat__diag_set(d, NULL, 0, 0,
				"%s: JSON, but cstat -v1 reads Go benchmark "
				"text only",
				path);
		return CSTAT_EFORMAT;
	}
	return 0;
}

/* Whether data[0..len) reaches past its leading space and the sniffing
 * window, so that the file's format can be told without reading on. */
static bool
sniffable(const char *data, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && (data[i] == ' ' || data[i] == '\t' ||
			   data[i] == '\n' || data[i] == '\r'))
		i++;
	return len - i > CSTAT__SNIFF_BYTES;
}

/* Reads more of fd into b; *eof at the end.  @return 0 or an error. */
static int
read_more(int fd, struct cstat__buf *b, const char *path, bool *eof,
	  struct cstat_diag *d)
{
	char why[128];

	/* SLACK bytes stay free past the data (ascii_fields_wide()). */
	if (cstat__buf_reserve(b, READ_SIZE + SLACK))
		return CSTAT_ENOMEM;
	for (;;) {
		ssize_t got =
			read(fd, b->data + b->len, b->cap - b->len - 1 - SLACK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int err = errno;
			cstat__errno_text(err, why, sizeof(why));
			cstat__diag_set(d, NULL, 0, 0, "read %s: %s", path,
					why);
			return cstat__errno_code(err);
		}
		*eof = got == 0;
		b->len += (size_t)got;
		b->data[b->len] = '\0';
		return 0;
	}
}

/* ------------------------------------------------------------------------
 * Reading a file in batches of lines, parsed ahead of adding.
 *
 * A producer reads the file and parses its result lines (fields, numbers),
 * which needs nothing from the lines before; the consumer adds the batches
 * in order, which does.  With two threads the producer runs ahead on the
 * second; with one they take turns.  Both run the same code, so the
 * results are the same.
 */

/* How many bytes of lines a batch takes, at least. */
#define BATCH_BYTES (128 * 1024)

/* What a batch says of a line. */
enum { REC_OTHER, REC_SKIP, REC_VALUES };

struct rec {
	uint32_t off, len;	 /* the line, without its newline */
	uint32_t name_off, nlen; /* REC_VALUES: the name after "Benchmark" */
	uint32_t first;		 /* REC_VALUES: its values' index */
	uint8_t kind, np;
};

struct batch {
	struct cstat__buf bytes;
	struct rec *recs;
	size_t nrecs, rcap;
	double *vals;
	int32_t *mant;
	uint8_t *dec;
	uint32_t *uoff, *ulen;
	size_t nvals, vcap;
	bool last; /* the file ends with this batch */
	bool full; /* waiting for the consumer */
	int rc;	   /* a read error, told in diag */
	struct cstat_diag diag;
};

struct producer {
	int fd;
	bool fast; /* parse with the fast path (cstat__v1_set_fast) */
	const char *path;
	struct cstat__buf carry; /* the start of a line not yet whole */
	bool eof;
};

static int
batch_values(struct batch *b, size_t np)
{
	size_t cap = b->vcap;

	if (cstat__grow((void **)&b->vals, &cap, b->nvals + np,
			sizeof(*b->vals)))
		return CSTAT_ENOMEM;
	cap = b->vcap;
	if (cstat__grow((void **)&b->uoff, &cap, b->nvals + np,
			sizeof(*b->uoff)))
		return CSTAT_ENOMEM;
	cap = b->vcap;
	if (cstat__grow((void **)&b->ulen, &cap, b->nvals + np,
			sizeof(*b->ulen)))
		return CSTAT_ENOMEM;
	cap = b->vcap;
	if (cstat__grow((void **)&b->mant, &cap, b->nvals + np,
			sizeof(*b->mant)))
		return CSTAT_ENOMEM;
	cap = b->vcap;
	if (cstat__grow((void **)&b->dec, &cap, b->nvals + np, sizeof(*b->dec)))
		return CSTAT_ENOMEM;
	b->vcap = cap;
	return 0;
}

/* Parses one line of the batch into a record. */
static int
batch_line(struct batch *b, size_t off, size_t len, bool fast)
{
	const char *line = b->bytes.data + off;
	size_t n = len && line[len - 1] == '\r' ? len - 1 : len;
	struct parsed pr;

	/* Offsets are 32 bits: a line of 4 GiB is more than memory. */
	if (off + len > UINT32_MAX)
		return CSTAT_ENOMEM;
	if (cstat__grow((void **)&b->recs, &b->rcap, b->nrecs + 1,
			sizeof(*b->recs)))
		return CSTAT_ENOMEM;
	struct rec *r = &b->recs[b->nrecs++];
	memset(r, 0, sizeof(*r));
	r->off = (uint32_t)off;
	r->len = (uint32_t)len;
	r->kind = REC_OTHER;
	if (n < 9 || memcmp(line, "Benchmark", 9) != 0)
		return 0;
	int res = parse_result(line, n, fast, fast, &pr);
	if (res == RES_SKIP) {
		r->kind = REC_SKIP;
		return 0;
	}
	if (res != RES_VALUES)
		return 0;
	if (batch_values(b, pr.np))
		return CSTAT_ENOMEM;
	r->kind = REC_VALUES;
	r->name_off = (uint32_t)(pr.name - b->bytes.data);
	r->nlen = (uint32_t)pr.nlen;
	r->first = (uint32_t)b->nvals;
	r->np = (uint8_t)pr.np;
	for (size_t j = 0; j < pr.np; j++) {
		b->vals[b->nvals] = pr.vals[j];
		b->mant[b->nvals] = pr.mant[j];
		b->dec[b->nvals] = pr.dec[j];
		b->uoff[b->nvals] = (uint32_t)(pr.u[j] - b->bytes.data);
		b->ulen[b->nvals++] = (uint32_t)pr.ul[j];
	}
	return 0;
}

/* The last '\n' of data[0..len), or NULL. */
static const char *
last_newline(const char *data, size_t len)
{
	while (len > 0)
		if (data[--len] == '\n')
			return data + len;
	return NULL;
}

/*
 * Fills a batch with the next whole lines of the file (at least
 * BATCH_BYTES of them unless the file ends; more for a longer line) and
 * parses them.
 */
static void
fill_batch(struct producer *pd, struct batch *b)
{
	b->nrecs = b->nvals = 0;
	b->bytes.len = 0;
	b->rc = cstat__buf_add(&b->bytes, pd->carry.data, pd->carry.len);
	pd->carry.len = 0;
	const char *nl = NULL;
	while (!b->rc) {
		if (!pd->eof && b->bytes.len < BATCH_BYTES) {
			b->rc = read_more(pd->fd, &b->bytes, pd->path, &pd->eof,
					  &b->diag);
			continue;
		}
		nl = last_newline(b->bytes.data, b->bytes.len);
		if (nl || pd->eof)
			break;
		b->rc = read_more(pd->fd, &b->bytes, pd->path, &pd->eof,
				  &b->diag);
	}
	if (b->rc) {
		b->last = true;
		return;
	}
	size_t end = pd->eof ? b->bytes.len : (size_t)(nl - b->bytes.data) + 1;
	size_t pos = 0;
	/* Defined bytes past the data, for ascii_fields_wide(): read_more()
	 * left room for them, so this grows nothing. */
	if ((b->rc = cstat__buf_reserve(&b->bytes, SLACK))) {
		b->last = true;
		return;
	}
	memset(b->bytes.data + b->bytes.len, 0, SLACK);
	while (pos < end && !b->rc) {
		const char *line = b->bytes.data + pos;
		const char *e = memchr(line, '\n', end - pos);
		size_t len = e ? (size_t)(e - line) : end - pos;
		b->rc = batch_line(b, pos, len, pd->fast);
		pos += len + 1;
	}
	if (!b->rc)
		b->rc = cstat__buf_add(&pd->carry, b->bytes.data + end,
				       b->bytes.len - end);
	b->last = pd->eof || b->rc;
}

/* Adds a batch's lines in order. */
static int
consume_batch(struct file_state *fs, const struct batch *b)
{
	const char *data = b->bytes.data;
	struct parsed pr;
	int rc = 0;

	for (size_t i = 0; i < b->nrecs && !rc; i++) {
		const struct rec *r = &b->recs[i];
		if (r->kind == REC_OTHER) {
			rc = add_line(fs, data + r->off, r->len);
			continue;
		}
		/* A result line is neither configuration nor blank. */
		fs->have_perm = true;
		if (r->kind == REC_SKIP)
			continue;
		pr.name = data + r->name_off;
		pr.nlen = r->nlen;
		pr.np = r->np;
		for (size_t j = 0; j < r->np; j++) {
			pr.vals[j] = b->vals[r->first + j];
			pr.mant[j] = b->mant[r->first + j];
			pr.dec[j] = b->dec[r->first + j];
			pr.u[j] = data + b->uoff[r->first + j];
			pr.ul[j] = b->ulen[r->first + j];
		}
		rc = add_parsed(fs, &pr);
	}
	return rc;
}

static void
batch_release(struct batch *b)
{
	cstat__buf_release(&b->bytes);
	free(b->recs);
	free(b->vals);
	free(b->mant);
	free(b->dec);
	free(b->uoff);
	free(b->ulen);
}

/* The two threads' meeting point: two batches, each full or free. */
struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct producer *pd;
	struct batch b[2];
	bool stop;
};

static void *
producer_main(void *arg)
{
	struct pipeline *pl = arg;

	for (int i = 0;; i ^= 1) {
		struct batch *b = &pl->b[i];
		pthread_mutex_lock(&pl->mu);
		while (b->full && !pl->stop)
			pthread_cond_wait(&pl->cv, &pl->mu);
		bool stop = pl->stop;
		pthread_mutex_unlock(&pl->mu);
		if (stop)
			break;
		fill_batch(pl->pd, b);
		pthread_mutex_lock(&pl->mu);
		b->full = true;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
		if (b->last)
			break;
	}
	return NULL;
}

/* The error of a batch, its message copied out. */
static int
batch_error(const struct batch *b, struct cstat_diag *d)
{
	if (b->rc && b->rc != CSTAT_ENOMEM && d)
		*d = b->diag;
	return b->rc;
}

/* Adds the batches the producer thread fills, in order. */
static int
consume_threaded(struct file_state *fs, struct pipeline *pl,
		 struct cstat_diag *d)
{
	int rc = 0;

	for (int i = 0;; i ^= 1) {
		struct batch *b = &pl->b[i];
		pthread_mutex_lock(&pl->mu);
		while (!b->full)
			pthread_cond_wait(&pl->cv, &pl->mu);
		pthread_mutex_unlock(&pl->mu);
		rc = batch_error(b, d);
		if (!rc)
			rc = consume_batch(fs, b);
		bool last = b->last;
		pthread_mutex_lock(&pl->mu);
		b->full = false;
		pl->stop = rc != 0;
		pthread_cond_broadcast(&pl->cv);
		pthread_mutex_unlock(&pl->mu);
		if (rc || last)
			return rc;
	}
}

/* Reads the rest of the file into fs, on one thread or two. */
static int
read_lines(struct file_state *fs, struct producer *pd, unsigned threads,
	   struct cstat_diag *d)
{
	struct pipeline pl = {.pd = pd};
	pthread_t tid;
	int rc = 0;

	if (threads > 1 && !pthread_mutex_init(&pl.mu, NULL)) {
		if (!pthread_cond_init(&pl.cv, NULL)) {
			if (!pthread_create(&tid, NULL, producer_main, &pl)) {
				rc = consume_threaded(fs, &pl, d);
				pthread_join(tid, NULL);
				threads = 0;
			}
			pthread_cond_destroy(&pl.cv);
		}
		pthread_mutex_destroy(&pl.mu);
	}
	/* One thread (or a second could not be had): taking turns. */
	for (bool last = threads == 0; !last && !rc;) {
		fill_batch(pd, &pl.b[0]);
		rc = batch_error(&pl.b[0], d);
		if (!rc)
			rc = consume_batch(fs, &pl.b[0]);
		last = pl.b[0].last;
	}
	batch_release(&pl.b[0]);
	batch_release(&pl.b[1]);
	return rc;
}

/*
 * Reads fd's lines into the collection: first enough of its start to
 * tell its format, then the lines in batches, never the whole file.
 */
static int
stream(cstat_v1 *c, int fd, const char *path, struct cstat_diag *d)
{
	struct producer pd = {.fd = fd, .path = path, .fast = !c->slow};
	struct file_state fs;
	int rc = 0;

	do {
		rc = read_more(fd, &pd.carry, path, &pd.eof, d);
	} while (!rc && !pd.eof && !sniffable(pd.carry.data, pd.carry.len));
	if (!rc)
		rc = refuse_other_formats(path,
					  pd.carry.data ? pd.carry.data : "",
					  pd.carry.len, pd.eof, d);
	if (!rc) {
		rc = file_begin(c, &fs, path);
		if (!rc)
			rc = read_lines(&fs, &pd, c->threads, d);
		rc = file_end(&fs, rc);
	}
	cstat__buf_release(&pd.carry);
	return rc;
}

int
cstat_v1_add_file(cstat_v1 *c, const char *path, struct cstat_diag *d)
{
	char why[128];
	int fd, rc;

	if (!c || !path)
		return CSTAT_EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		cstat__errno_text(err, why, sizeof(why));
		cstat__diag_set(d, NULL, 0, 0, "open %s: %s", path, why);
		return cstat__errno_code(err);
	}
	rc = stream(c, fd, path, d);
	close(fd);
	return rc;
}

void
cstat__v1_set_fast(cstat_v1 *c, bool on)
{
	c->slow = !on;
}
