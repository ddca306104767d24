/*
 * store-merge.c - run ids, and merging histories and baselines.
 *
 * Every run gets a random id when it is made (cstat_run_new()), and the
 * writers store it, so the same run in two copies of a store is known as
 * one.  A record written before ids existed is known by a derived id, a
 * hash of its bytes: merging old histories is idempotent too.
 *
 * A merge is a pure function of the set of records: the union by id (of
 * two records with one id, the greater bytes), ordered by creation time,
 * then id.  So merging A into B and B into A give the same bytes, and
 * merging again changes nothing.  Records are copied byte for byte (keys
 * a later cstat-run/1 adds survive); the result replaces the history
 * atomically under the lock appends take, and only when it differs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "error-private.h"
#include "store.h"

/* ---------------------------------------------------------------------- */
/* SHA-256 (FIPS 180-4), for the derived ids of records without one. */

struct sha256 {
	uint32_t h[8];
	unsigned char buf[64];
	size_t nbuf;
	uint64_t bits;
};

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t
ror(uint32_t x, int n)
{
	return (x >> n) | (x << (32 - n));
}

static void
sha_block(struct sha256 *s, const unsigned char *p)
{
	uint32_t w[64];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^
			      (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^
			      (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	/* The eight working variables by name: shifting them through an
	 * array each round (memmove) cost as much as the rounds. */
	uint32_t a = s->h[0], b = s->h[1], c = s->h[2], d = s->h[3];
	uint32_t e = s->h[4], f = s->h[5], g = s->h[6], h = s->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
			      ((e & f) ^ (~e & g)) + sha_k[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
			      ((a & b) ^ (a & c) ^ (b & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}
	uint32_t v[8] = {a, b, c, d, e, f, g, h};
	for (int i = 0; i < 8; i++)
		s->h[i] += v[i];
}

static void
sha_add(struct sha256 *s, const void *data, size_t len)
{
	const unsigned char *p = data;

	s->bits += (uint64_t)len * 8;
	for (; s->nbuf == 0 && len >= 64; p += 64, len -= 64)
		sha_block(s, p);
	while (len) {
		size_t n = 64 - s->nbuf < len ? 64 - s->nbuf : len;
		memcpy(s->buf + s->nbuf, p, n);
		s->nbuf += n;
		p += n;
		len -= n;
		if (s->nbuf == 64) {
			sha_block(s, s->buf);
			s->nbuf = 0;
		}
	}
}

/* The first 16 bytes of the SHA-256 of len bytes at data, in hex. */
static void
sha256_hex(const char *data, size_t len, char out[CSTAT__RUN_ID_SIZE])
{
	struct sha256 s = {{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19},
			   {0},
			   0,
			   0};
	unsigned char pad[72] = {0x80};
	uint64_t bits;

	sha_add(&s, data, len);
	bits = s.bits;
	size_t np = (s.nbuf < 56 ? 56 : 120) - s.nbuf;
	for (int i = 0; i < 8; i++)
		pad[np + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
	sha_add(&s, pad, np + 8);
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x",
			 (unsigned)(s.h[i / 4] >> (24 - 8 * (i % 4))) & 0xff);
}

/* ---------------------------------------------------------------------- */
/* Ids */

static uint64_t
splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

void
cstat__run_random_id(char out[CSTAT__RUN_ID_SIZE], const void *seed)
{
	unsigned char b[16];
	size_t got = 0;
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	while (fd >= 0 && got < sizeof(b)) {
		ssize_t n = read(fd, b + got, sizeof(b) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	if (got < sizeof(b)) {
		/* No /dev/urandom (a chroot): the time, the process and
		 * addresses, which differ between runs and processes. */
		struct timespec t = {0};
		clock_gettime(CLOCK_REALTIME, &t);
		uint64_t x = (uint64_t)t.tv_sec * 1000000007u ^
			     (uint64_t)t.tv_nsec ^ (uint64_t)getpid() << 40 ^
			     (uint64_t)(uintptr_t)seed ^
			     (uint64_t)(uintptr_t)&t << 7;
		uint64_t r[2] = {splitmix(&x), splitmix(&x)};
		memcpy(b, r, sizeof(b));
	}
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

bool
cstat__run_id_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > 128)
		return false;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr("._:+-", *p)))
			return false;
	return true;
}

/*
 * The id of a record: its own (id), or for one written before ids, "h-"
 * and a hash of its bytes (the same bytes always give the same id).
 */
static char *
record_id(const char *id, const char *data, size_t len)
{
	char *out = malloc(id ? strlen(id) + 1 : CSTAT__RUN_ID_SIZE + 2);

	if (out && id) {
		strcpy(out, id);
	} else if (out) {
		memcpy(out, "h-", 2);
		sha256_hex(data, len, out + 2);
	}
	return out;
}

/* ---------------------------------------------------------------------- */
/* Order */

/* n digits at s, their value in *v. */
static bool
num(const char *s, int n, long long *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return true;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long
days_from_civil(long long y, long long m, long long d)
{
	y -= m <= 2;
	long long era = (y >= 0 ? y : y - 399) / 400;
	long long yoe = y - era * 400;
	long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/*
 * A key that sorts as the RFC 3339 time s does, whatever its offset and
 * fraction: the UTC seconds, fixed width, then the fraction's digits
 * without trailing zeros.  "" (first) for a missing or unreadable time.
 */
static void
created_key(const char *s, char out[64])
{
	long long y, mo, d, h, mi, se, oh = 0, om = 0;
	const char *f = "", *fe;

	out[0] = '\0';
	if (!s || strlen(s) < 20 || !num(s, 4, &y) || !num(s + 5, 2, &mo) ||
	    !num(s + 8, 2, &d) || !num(s + 11, 2, &h) || !num(s + 14, 2, &mi) ||
	    !num(s + 17, 2, &se) || mo < 1 || mo > 12)
		return;
	s += 19;
	if (*s == '.')
		for (f = ++s; *s >= '0' && *s <= '9'; s++)
			;
	fe = s;
	while (fe > f && fe[-1] == '0')
		fe--;
	if ((*s == '+' || *s == '-') &&
	    (!num(s + 1, 2, &oh) || !num(s + 4, 2, &om)))
		return;
	long long off = (oh * 60 + om) * 60 * (*s == '-' ? -1 : 1);
	long long t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
		      se - off;
	/* Years 0-9999 are within +-3.2e11 s of 1970: shifted positive. */
	snprintf(out, 64, "%013lld.%.*s", t + 1000000000000LL,
		 (int)(fe - f < 40 ? fe - f : 40), f);
}

struct rec {
	const char *p; /* the record's bytes, trailing blanks trimmed */
	size_t len;
	char *id;	    /* its own id; a derived one once needed; or NULL */
	char key[64];	    /* created_key() */
	unsigned long line; /* where it is in its file */
	bool ours;	    /* from the file merged into */
	bool full;	    /* read as a run already (cJSON) */
	bool check;	    /* to be read as a run (check_theirs()) */
};

/*
 * Gives rec its derived id if it has none.  Hashing every record took
 * most of a merge's time; the merge needs a derived id only to order
 * records created at the same time (records without ids are otherwise
 * known by their bytes).
 */
static int
rec_derive(struct rec *rec)
{
	if (!rec->id)
		rec->id = record_id(NULL, rec->p, rec->len);
	return rec->id ? 0 : CSTAT_ENOMEM;
}

static int
bytes_cmp(const struct rec *a, const struct rec *b)
{
	if (a->p == b->p && a->len == b->len)
		return 0; /* a copy of ours (known_find()) */
	int c = memcmp(a->p, b->p, a->len < b->len ? a->len : b->len);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

/*
 * The copies of one record next to each other, the copy a merge keeps
 * first: records with ids by id, the greater bytes first; then those
 * without by creation time and bytes (the same bytes, the same derived
 * id).  Among equal bytes ours lead, so a kept record of theirs is one
 * whose bytes none of ours has.
 */
static int
by_ident(const void *x, const void *y)
{
	const struct rec *a = x, *b = y;
	int c;

	if (!a->id != !b->id)
		return a->id ? -1 : 1;
	if (a->id) {
		c = strcmp(a->id, b->id);
		c = c ? c : bytes_cmp(b, a);
	} else {
		c = strcmp(a->key, b->key);
		c = c ? c : bytes_cmp(a, b);
	}
	return c ? c : (int)b->ours - (int)a->ours;
}

static bool
same_rec(const struct rec *a, const struct rec *b)
{
	if (!a->id != !b->id)
		return false;
	return a->id ? strcmp(a->id, b->id) == 0 : bytes_cmp(a, b) == 0;
}

/* The history's order: by creation time, then id. */
static int
by_time(const void *x, const void *y)
{
	const struct rec *a = x, *b = y;
	int c = strcmp(a->key, b->key);
	return c ? c : strcmp(a->id, b->id);
}

static int
by_key(const void *x, const void *y)
{
	const struct rec *a = x, *b = y;
	return strcmp(a->key, b->key);
}

static int
by_line(const void *x, const void *y)
{
	const struct rec *a = *(const struct rec *const *)x;
	const struct rec *b = *(const struct rec *const *)y;
	return (a->line > b->line) - (a->line < b->line);
}

static size_t
trimmed(const char *p, size_t n)
{
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
		n--;
	return n;
}

/* Fills rec for the record of n bytes at p, with its id and created. */
static int
rec_fill(struct rec *rec, const char *id, const char *created, const char *p,
	 size_t n, bool ours)
{
	rec->p = p;
	rec->len = n;
	rec->ours = ours;
	rec->full = false;
	created_key(created, rec->key);
	rec->id = id ? strdup(id) : NULL;
	return rec->id || !id ? 0 : CSTAT_ENOMEM;
}

static const char *
json_str(const cJSON *o, const char *key)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(it) ? it->valuestring : NULL;
}

/*
 * A quick look at a record, without cJSON: whether the n bytes at p are
 * one JSON object by the grammar of RFC 8259 (trailing bytes after it
 * allowed, as the reader allows them), and where the first "schema", "id"
 * and "created" members at its top level hold plain strings (no escapes).
 * Everything the grammar accepts, cJSON reads; what it refuses, or a key
 * it cannot give plainly, goes to cJSON (rec_light()), which decides.
 */
struct span {
	const char *p; /* NULL: absent */
	size_t n;
	bool odd; /* not a plain string: ask cJSON */
};

#define SCAN_DEPTH 1000 /* cJSON's nesting limit */

static const char *
scan_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static bool
hex4(const char *p, const char *e)
{
	for (int i = 0; i < 4; i++, p++)
		if (p >= e ||
		    !((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f') ||
		      (*p >= 'A' && *p <= 'F')))
			return false;
	return true;
}

/* The end of the string at p (its '"'), or NULL; *plain: no escapes. */
static const char *
scan_string(const char *p, const char *e, bool *plain)
{
	*plain = true;
	for (p++; p < e; p++) {
		if (*p == '"')
			return p + 1;
		if (*p != '\\')
			continue;
		*plain = false;
		if (++p >= e || !strchr("\"\\/bfnrtu", *p) || !*p)
			return NULL;
		if (*p == 'u' && !hex4(p + 1, e))
			return NULL;
	}
	return NULL;
}

static const char *
scan_digits(const char *p, const char *e)
{
	const char *q = p;

	while (q < e && *q >= '0' && *q <= '9')
		q++;
	return q > p ? q : NULL;
}

/* The end of the number at p, or NULL. */
static const char *
scan_number(const char *p, const char *e)
{
	if (*p == '-')
		p++;
	if (p < e && *p == '0')
		p++;
	else if (!(p = scan_digits(p, e)))
		return NULL;
	if (p < e && *p == '.' && !(p = scan_digits(p + 1, e)))
		return NULL;
	if (p < e && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < e && (*p == '+' || *p == '-'))
			p++;
		p = scan_digits(p, e);
	}
	return p;
}

/* The end of the scalar value at p, or NULL; *plain for a string. */
static const char *
scan_scalar(const char *p, const char *e, bool *str, bool *plain)
{
	static const char *const lit[] = {"true", "false", "null"};

	*str = *p == '"';
	if (*str)
		return scan_string(p, e, plain);
	if (*p == '-' || (*p >= '0' && *p <= '9'))
		return scan_number(p, e);
	for (size_t k = 0; k < 3; k++) {
		size_t l = strlen(lit[k]);
		if ((size_t)(e - p) >= l && memcmp(p, lit[k], l) == 0)
			return p + l;
	}
	return NULL;
}

static bool
scan_record(const char *p, size_t n, struct span *want[3])
{
	static const char *const keys[] = {"schema", "id", "created"};
	const char *e = p + n, *key = NULL;
	unsigned char open[SCAN_DEPTH]; /* '{' or '[' per level */
	size_t depth = 0, klen = 0;
	bool str, plain;

	p = scan_ws(p, e);
	if (p >= e || *p != '{')
		return false;
	for (;;) {
		/* At a value (or, inside an object, at a key). */
		p = scan_ws(p, e);
		if (p >= e)
			return false;
		if (depth && open[depth - 1] == '{' && !key) {
			const char *k = p;
			if (*p != '"' || !(p = scan_string(p, e, &plain)))
				return false;
			key = k + 1;
			klen = (size_t)(p - k - 2);
			/* A key with escapes could be any of ours. */
			if (!plain && depth == 1)
				want[0]->odd = true;
			p = scan_ws(p, e);
			if (p >= e || *p != ':')
				return false;
			p++;
			continue;
		}
		if (*p == '{' || *p == '[') {
			if (depth == SCAN_DEPTH)
				return false;
			open[depth++] = (unsigned char)*p;
			key = NULL;
			const char *q = scan_ws(p + 1, e);
			if (q < e && *q == (*p == '{' ? '}' : ']')) {
				p = q + 1;
				depth--;
			} else {
				p++;
				continue;
			}
		} else {
			const char *v = p;
			if (!(p = scan_scalar(p, e, &str, &plain)))
				return false;
			for (size_t k = 0; depth == 1 && k < 3; k++)
				if (klen == strlen(keys[k]) &&
				    memcmp(key, keys[k], klen) == 0 &&
				    !want[k]->p && !want[k]->odd) {
					want[k]->p = v + 1;
					want[k]->n = (size_t)(p - v - 2);
					want[k]->odd = !str || !plain;
				}
		}
		/* After a value: a comma, or the ends of containers. */
		for (;;) {
			if (depth == 0)
				return true;
			p = scan_ws(p, e);
			if (p >= e)
				return false;
			if (*p == ',') {
				p++;
				key = NULL;
				break;
			}
			if (*p != (open[depth - 1] == '{' ? '}' : ']'))
				return false;
			p++;
			depth--;
		}
	}
}

/*
 * Fills rec for the record of n bytes at p when it is the usual one, as
 * cstat writes it (scan_record(): one JSON object naming our schema, with
 * a plain id and created), without cJSON.
 * @return 1 when filled; 0 when it is not (cJSON decides); CSTAT_ENOMEM.
 */
static int
rec_quick(struct rec *rec, const char *p, size_t n, bool ours)
{
	struct span sc = {0}, sid = {0}, cr = {0}, *want[3] = {&sc, &sid, &cr};
	const size_t sl = strlen(CSTAT__RUN_SCHEMA);

	if (!scan_record(p, n, want) || !sc.p || sc.odd || sc.n != sl ||
	    memcmp(sc.p, CSTAT__RUN_SCHEMA, sl) != 0 || sid.odd ||
	    (sid.p && !sid.n) || cr.odd || cr.n >= 64)
		return 0;
	char *ids = sid.p ? malloc(sid.n + 1) : NULL, created[64];
	if (sid.p && !ids)
		return CSTAT_ENOMEM;
	if (ids) {
		memcpy(ids, sid.p, sid.n);
		ids[sid.n] = '\0';
	}
	memcpy(created, cr.p ? cr.p : "", cr.n);
	created[cr.n] = '\0';
	int rc = rec_fill(rec, ids, cr.p ? created : NULL, p, n, ours);
	free(ids);
	return rc ? rc : 1;
}

/*
 * Fills rec for a record of the history merged into, checked for what the
 * merge needs (whole JSON, our schema, a usable id) but not made a run:
 * those records were checked when they came in, and making each a run
 * would cost a merge what reading the whole history costs, many times
 * over.  Errors are the reader's (parse_run()'s).
 */
static int
rec_light(struct rec *rec, const char *p, size_t n, const char *file,
	  unsigned long line, struct cstat_diag *d)
{
	int rc = rec_quick(rec, p, n, true);

	if (rc)
		return rc == 1 ? 0 : rc;
	cJSON *root = cstat__json_parse(p, n, NULL);
	const char *schema = root ? json_str(root, "schema") : NULL;
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(root, "id");

	rc = CSTAT_EFORMAT;
	if (!root)
		cstat__diag_set(d, file, line, 1, "not valid JSON");
	else if (!cJSON_IsObject(root))
		cstat__diag_set(d, file, line, 0,
				"not a cstat run (want a JSON object)");
	else if (!schema)
		cstat__diag_set(d, file, line, 0,
				"not a cstat run (no \"schema\")");
	else if (strcmp(schema, CSTAT__RUN_SCHEMA) != 0)
		cstat__diag_set(d, file, line, 0,
				strncmp(schema, "cstat-run/", 10) == 0
					? "schema \"%s\" is from a newer cstat "
					  "(this one reads %s)"
					: "not a cstat run (schema \"%s\")",
				schema, CSTAT__RUN_SCHEMA);
	else
		rc = rec_fill(rec,
			      cJSON_IsString(id) && id->valuestring[0]
				      ? id->valuestring
				      : NULL,
			      json_str(root, "created"), p, n, true);
	cJSON_Delete(root);
	return rc;
}

/* Fills rec for a record of theirs read as a run, values and all: what
 * every record of theirs once was, and what decides one that is odd. */
static int
rec_full(struct rec *rec, const char *p, size_t n, const char *file,
	 unsigned long line, struct cstat_diag *d)
{
	cstat_run *r = NULL;
	int rc = cstat__store_parse(p, n, file, line, &r, d);

	if (!rc)
		rc = rec_fill(rec, cstat_run_get(r, "id"),
			      cstat_run_get(r, "created"), p, n, false);
	rec->full = true;
	cstat_run_free(r);
	return rc;
}

/*
 * Fills rec for a record of the other history.  The usual record is only
 * scanned: it is read as a run later if the merge keeps its bytes
 * (check_theirs()).  One the scan cannot take, and a last record without
 * its newline (perhaps cut short), is read as a run now.
 */
static int
rec_theirs(struct rec *rec, const char *p, size_t n, bool complete,
	   const char *file, unsigned long line, struct cstat_diag *d)
{
	int rc = complete ? rec_quick(rec, p, n, false) : 0;

	if (rc)
		return rc == 1 ? 0 : rc;
	return rec_full(rec, p, n, file, line, d);
}

/*
 * Ours' records by a hash of some of their bytes (the length, the first
 * 128 and the last 64), to know a record of theirs that is a copy of one
 * of ours by comparing bytes instead of scanning it: in a merge of two
 * copies of one long history, nearly all are.
 */
struct known {
	size_t *slot; /* an index into the records, plus 1; 0: empty */
	size_t mask;
};

static uint64_t
sample_hash(const char *p, size_t n)
{
	size_t head = n < 128 ? n : 128, tail = n - head < 64 ? n - head : 64;
	uint64_t h = 0xcbf29ce484222325u ^ n;

	for (size_t i = 0; i < head; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3u;
	for (size_t i = n - tail; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3u;
	return h ^ h >> 29;
}

static int
known_make(struct known *k, const struct rec *recs, size_t n)
{
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	k->slot = calloc(cap, sizeof(*k->slot));
	k->mask = cap - 1;
	if (!k->slot)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t at = (size_t)sample_hash(recs[i].p, recs[i].len);
		while (k->slot[at & k->mask])
			at++;
		k->slot[at & k->mask] = i + 1;
	}
	return 0;
}

/* The record of recs (ours) with the n bytes at p, or NULL.  A long
 * chain of records alike in the bytes hashed is left to the scan. */
static const struct rec *
known_find(const struct known *k, const struct rec *recs, const char *p,
	   size_t n)
{
	size_t at = (size_t)sample_hash(p, n);

	for (int probe = 0; probe < 64 && k->slot[at & k->mask]; probe++) {
		const struct rec *r = &recs[k->slot[at++ & k->mask] - 1];
		if (r->len == n && memcmp(r->p, p, n) == 0)
			return r;
	}
	return NULL;
}

/* Fills rec as a copy of ours' record o: its bytes are o's (the same),
 * so are its id and created. */
static int
rec_copy(struct rec *rec, const struct rec *o)
{
	*rec = *o;
	rec->ours = false;
	rec->full = false;
	rec->id = o->id ? strdup(o->id) : NULL;
	return rec->id || !o->id ? 0 : CSTAT_ENOMEM;
}

/*
 * Adds the records of the history text data[0..len) to *recs.  A record
 * cut short goes to warn and is left out; a record that is not a run of
 * our schema is an error (d says where).
 */
static int
history_recs(const char *data, size_t len, const char *file, bool ours,
	     const struct known *known, struct rec **recs, size_t *n,
	     size_t *cap, void (*warn)(void *ctx, const struct cstat_diag *d),
	     void *ctx, struct cstat_diag *d)
{
	unsigned long line = 0;
	int rc = 0;

	for (size_t pos = 0; pos < len && !rc;) {
		const char *p = data + pos;
		const char *nl = memchr(p, '\n', len - pos);
		size_t ln = nl ? (size_t)(nl - p) : len - pos;
		size_t tn = trimmed(p, ln);
		struct cstat_diag rd;
		line++;
		pos += nl ? ln + 1 : ln;
		bool blank = true;
		for (size_t i = 0; i < tn && blank; i++)
			blank = p[i] == ' ' || p[i] == '\t';
		if (blank)
			continue;
		if (cstat__grow((void **)recs, cap, *n + 1, sizeof(**recs))) {
			rc = CSTAT_ENOMEM;
			break;
		}
		struct rec *rec = &(*recs)[*n];
		const struct rec *o =
			known && nl ? known_find(known, *recs, p, tn) : NULL;
		if (o)
			rc = rec_copy(rec, o);
		else if (ours)
			rc = rec_light(rec, p, tn, file, line, &rd);
		else
			rc = rec_theirs(rec, p, tn, nl != NULL, file, line,
					&rd);
		rec->line = line;
		if (cstat__cut_short(rc, nl != NULL, &rd, file, line, warn,
				     ctx)) {
			rc = 0;
			continue;
		}
		if (rc) {
			if (d && rc != CSTAT_ENOMEM)
				*d = rd;
			break;
		}
		(*n)++;
	}
	return rc;
}

/*
 * Reads as runs the records of theirs among recs[0..n) marked check, in
 * their file's order: each must be a run, as every record of theirs was
 * when all were read (d: the first that is not).
 */
static int
check_theirs(const struct rec *recs, size_t n, const char *from,
	     struct cstat_diag *d)
{
	const struct rec **v;
	size_t m = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		m += recs[i].check;
	if (!m)
		return 0;
	v = malloc(m * sizeof(*v));
	if (!v)
		return CSTAT_ENOMEM;
	m = 0;
	for (size_t i = 0; i < n; i++)
		if (recs[i].check)
			v[m++] = &recs[i];
	qsort(v, m, sizeof(*v), by_line);
	for (size_t i = 0; i < m && !rc; i++) {
		cstat_run *r = NULL;
		struct cstat_diag rd;
		rc = cstat__store_parse(v[i]->p, v[i]->len, from, v[i]->line,
					&r, &rd);
		cstat_run_free(r);
		if (rc && d && rc != CSTAT_ENOMEM)
			*d = rd;
	}
	free(v);
	return rc;
}

/* Whether id could be a derived one ("h-" and 32 hex digits). */
static bool
looks_derived(const char *id)
{
	if (strncmp(id, "h-", 2) != 0 || strlen(id) != CSTAT__RUN_ID_SIZE + 1)
		return false;
	return strspn(id + 2, "0123456789abcdef") == CSTAT__RUN_ID_SIZE - 1;
}

/*
 * Orders recs[0..n) (sorted by creation time) by id where creation times
 * tie: only those records need ids, derived ones hashed.
 */
static int
order_ties(struct rec *recs, size_t n)
{
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && strcmp(recs[j].key, recs[i].key) == 0;
		     j++)
			;
		if (j - i < 2)
			continue;
		for (size_t t = i; t < j; t++)
			if (rec_derive(&recs[t]))
				return CSTAT_ENOMEM;
		qsort(recs + i, j - i, sizeof(*recs), by_time);
	}
	return 0;
}

/*
 * Marks check the records of theirs among recs[0..n) (sorted by_ident())
 * that are read as runs: every copy of a record none of ours has, and a
 * copy whose bytes replace ours.  The copies of ours were checked when
 * they came in, and reading them all again cost a merge most of its time.
 */
static void
mark_checks(struct rec *recs, size_t n)
{
	for (size_t i = 0, j; i < n; i = j) {
		bool ours = recs[i].ours;
		for (j = i + 1; j < n && same_rec(&recs[j], &recs[i]); j++)
			ours = ours || recs[j].ours;
		for (size_t t = i; t < j; t++)
			recs[t].check = !recs[t].ours && !recs[t].full &&
					(!ours || t == i);
	}
}

/*
 * Makes recs[0..*n) the merged history's records, in its order: one per
 * id, *added those none of ours had.  The records of theirs that bring
 * something new are read as runs first (mark_checks()).
 */
static int
merge_plan(struct rec *recs, size_t *n, const char *from, size_t *added,
	   struct cstat_diag *d)
{
	size_t k = 0;
	bool derive = false;
	int rc = 0;

	/* An own id that reads like a derived one could be one: then every
	 * record is known by its id, as the hash would know it. */
	for (size_t i = 0; i < *n && !derive; i++)
		derive = recs[i].id && looks_derived(recs[i].id);
	for (size_t i = 0; i < *n && derive && !rc; i++)
		rc = rec_derive(&recs[i]);
	if (rc)
		return rc;
	if (*n) /* qsort() wants a non-NULL array, even empty */
		qsort(recs, *n, sizeof(*recs), by_ident);
	mark_checks(recs, *n);
	rc = check_theirs(recs, *n, from, d);
	if (rc)
		return rc;
	*added = 0;
	for (size_t i = 0; i < *n;) {
		/* The first of a run of one record stays; the others go. */
		struct rec keep = recs[i++];
		bool ours = keep.ours;
		for (; i < *n && same_rec(&recs[i], &keep); i++) {
			ours = ours || recs[i].ours;
			free(recs[i].id);
		}
		*added += !ours;
		recs[k++] = keep;
	}
	*n = k;
	if (k) {
		qsort(recs, k, sizeof(*recs), by_key);
		rc = order_ties(recs, k);
	}
	return rc;
}

/* Whether recs[0..n), a line each, are the bytes ours[0..olen). */
static bool
same_text(const struct rec *recs, size_t n, const char *ours, size_t olen)
{
	size_t at = 0;

	for (size_t i = 0; i < n; i++) {
		const struct rec *r = &recs[i];
		if (olen - at < r->len + 1 || ours[at + r->len] != '\n' ||
		    (r->p != ours + at && memcmp(ours + at, r->p, r->len)))
			return false;
		at += r->len + 1;
	}
	return at == olen;
}

static void
free_recs(struct rec *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(recs[i].id);
	free(recs);
}

/*
 * The records of the merged history in *recs[0..*n) (pointing into ours
 * and theirs), and whether they differ from ours.
 */
static int
merge_recs(const char *ours, size_t olen, const char *path, const char *theirs,
	   size_t tlen, const char *from, struct rec **recs, size_t *n,
	   bool *changed, size_t *added,
	   void (*warn)(void *ctx, const struct cstat_diag *d), void *ctx,
	   struct cstat_diag *d)
{
	size_t cap = 0;
	struct known known = {NULL, 0};
	int rc = history_recs(ours, olen, path, true, NULL, recs, n, &cap, warn,
			      ctx, d);

	if (!rc)
		rc = known_make(&known, *recs, *n);
	if (!rc)
		rc = history_recs(theirs, tlen, from, false, &known, recs, n,
				  &cap, warn, ctx, d);
	free(known.slot);
	if (rc == CSTAT_EFORMAT) {
		/* A record of theirs before this one that the merge would
		 * keep and is no run was the first error when all were
		 * read: it still is. */
		struct cstat_diag rd;
		if (merge_plan(*recs, n, from, added, &rd) == CSTAT_EFORMAT &&
		    d)
			*d = rd;
	}
	if (!rc)
		rc = merge_plan(*recs, n, from, added, d);
	if (!rc)
		*changed = !same_text(*recs, *n, ours, olen);
	return rc;
}

int
cstat__history_merge_text(const char *ours, size_t olen, const char *path,
			  const char *theirs, size_t tlen, const char *from,
			  char **out, size_t *outlen, bool *changed,
			  size_t *added, size_t *total,
			  void (*warn)(void *ctx, const struct cstat_diag *d),
			  void *ctx, struct cstat_diag *d)
{
	struct rec *recs = NULL;
	size_t n = 0;
	struct cstat__buf b = {0};
	int rc = merge_recs(ours, olen, path, theirs, tlen, from, &recs, &n,
			    changed, added, warn, ctx, d);

	*out = NULL;
	*outlen = 0;
	*total = n;
	for (size_t i = 0; !rc && *changed && i < n; i++)
		if (cstat__buf_add(&b, recs[i].p, recs[i].len) ||
		    cstat__buf_addc(&b, '\n'))
			rc = CSTAT_ENOMEM;
	if (rc) {
		cstat__buf_release(&b);
	} else {
		*out = b.data;
		*outlen = b.len;
	}
	free_recs(recs, n);
	return rc;
}

/* A write's or rename's failure as store-write.c says it. */
static int
file_error(struct cstat_diag *d, const char *what, const char *path)
{
	int err = errno;
	char why[128];

	cstat__errno_text(err, why, sizeof(why));
	cstat__diag_set(d, NULL, 0, 0, "%s %s: %s", what, path, why);
	return cstat__errno_code(err);
}

/* Writes recs[0..n), a line each, to fd through a buffer of buf. */
static int
write_recs(int fd, const struct rec *recs, size_t n, char *buf, size_t size)
{
	size_t used = 0;

	for (size_t i = 0; i < n; i++) {
		const struct rec *r = &recs[i];
		if (used + r->len + 1 > size) {
			if (cstat__write_all(fd, buf, used))
				return -1;
			used = 0;
		}
		if (r->len + 1 > size) {
			if (cstat__write_all(fd, r->p, r->len) ||
			    cstat__write_all(fd, "\n", 1))
				return -1;
			continue;
		}
		memcpy(buf + used, r->p, r->len);
		buf[used + r->len] = '\n';
		used += r->len + 1;
	}
	return cstat__write_all(fd, buf, used);
}

/*
 * Replaces path with recs[0..n), a line each, as cstat__store_replace()
 * does (a temporary file beside it, fsync, rename, the directory synced)
 * but record by record: the merged text is never a third copy in memory
 * besides the two histories.
 */
static int
replace_recs(const char *path, const struct rec *recs, size_t n,
	     struct cstat_diag *d)
{
	enum { SIZE = 1 << 16 };
	char *tmp = NULL, *buf = malloc(SIZE);
	int fd = buf ? cstat__store_create_tmp(path, &tmp, d) : CSTAT_ENOMEM;
	int rc = 0;

	if (fd < 0) {
		free(buf);
		return fd;
	}
	if (write_recs(fd, recs, n, buf, SIZE) || fsync(fd)) {
		rc = file_error(d, "write", tmp);
		close(fd);
	} else if (close(fd)) {
		rc = file_error(d, "write", tmp);
	} else if (rename(tmp, path)) {
		rc = file_error(d, "rename", path);
	}
	if (rc) {
		unlink(tmp);
	} else {
		const char *slash = strrchr(path, '/');
		char *dir =
			slash ? strndup(path, slash == path
						      ? 1
						      : (size_t)(slash - path))
			      : strdup(".");
		int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
			      : -1;
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
		free(dir);
	}
	free(tmp);
	free(buf);
	return rc;
}

int
cstat__history_merge_file(const char *ours, size_t olen, const char *path,
			  const char *theirs, size_t tlen, const char *from,
			  size_t *added, size_t *total,
			  void (*warn)(void *ctx, const struct cstat_diag *d),
			  void *ctx, struct cstat_diag *d)
{
	struct rec *recs = NULL;
	size_t n = 0;
	bool changed = false;
	int rc = merge_recs(ours, olen, path, theirs, tlen, from, &recs, &n,
			    &changed, added, warn, ctx, d);

	*total = n;
	/* Unchanged, nothing is written: a merged store stays as it is. */
	if (!rc && changed)
		rc = replace_recs(path, recs, n, d);
	free_recs(recs, n);
	return rc;
}

int
cstat_history_merge(const char *path, const char *from, size_t *added,
		    size_t *total,
		    void (*warn)(void *ctx, const struct cstat_diag *d),
		    void *ctx, struct cstat_diag *d)
{
	char *ours = NULL, *theirs = NULL;
	size_t olen = 0, tlen = 0, nadd = 0, ntot = 0;
	int lock, rc;

	if (added)
		*added = 0;
	if (total)
		*total = 0;
	if (!path || !from)
		return CSTAT_EINVAL;
	rc = cstat__store_slurp(from, &theirs, &tlen, d);
	if (rc)
		return rc;
	lock = cstat__store_lock(path, d);
	if (lock < 0) {
		free(theirs);
		return lock;
	}
	rc = cstat__store_slurp(path, &ours, &olen, d);
	if (rc == CSTAT_ENOENT)
		rc = 0;
	if (!rc)
		rc = cstat__history_merge_file(ours, olen, path, theirs, tlen,
					       from, &nadd, &ntot, warn, ctx,
					       d);
	if (!rc && added)
		*added = nadd;
	if (!rc && total)
		*total = ntot;
	close(lock);
	free(ours);
	free(theirs);
	return rc;
}

/* A baseline file read into *rec (its bytes in *data). */
static int
baseline_rec(const char *path, char **data, size_t *len, struct rec *rec,
	     struct cstat_diag *d)
{
	cstat_run *r;
	int rc = cstat__store_slurp(path, data, len, d);

	if (rc)
		return rc;
	rc = cstat__store_parse(*data, *len, path, 1, &r, d);
	if (!rc)
		rc = rec_fill(rec, cstat_run_get(r, "id"),
			      cstat_run_get(r, "created"), *data,
			      trimmed(*data, *len), false);
	if (!rc)
		rc = rec_derive(rec);
	cstat_run_free(r);
	return rc;
}

int
cstat_baseline_merge(const char *path, const char *from, bool *replaced,
		     struct cstat_diag *d)
{
	char *ours = NULL, *theirs = NULL;
	struct rec a = {0}, b = {0};
	size_t olen, tlen;
	int rc;

	if (replaced)
		*replaced = false;
	if (!path || !from)
		return CSTAT_EINVAL;
	rc = baseline_rec(from, &theirs, &tlen, &b, d);
	if (!rc) {
		rc = baseline_rec(path, &ours, &olen, &a, d);
		/* The newer by creation time, then the greater id, then
		 * the greater bytes: the same whichever way round. */
		bool take = rc == CSTAT_ENOENT ||
			    (!rc &&
			     (by_time(&b, &a) > 0 ||
			      (by_time(&b, &a) == 0 && bytes_cmp(&b, &a) > 0)));
		if (rc == CSTAT_ENOENT)
			rc = 0;
		if (!rc && take)
			rc = cstat__store_replace(path, theirs, tlen, d);
		if (!rc && replaced)
			*replaced = take;
	}
	free(a.id);
	free(b.id);
	free(ours);
	free(theirs);
	return rc;
}
