/*
 * v1.c - the pre-2023 benchstat: its collection, statistics and tables.
 *
 * This is golang.org/x/perf's benchstat package as it was before the 2023
 * rewrite (the last version, 91a0461), behind cstat -v1.  v1-read.c reads
 * the files; results with the same file name, group (the -split labels),
 * name and unit are pooled here, so a path given twice compares with
 * itself.  Each such metric keeps its values in one array, carved from
 * large blocks when it is first filled.
 *
 * The statistics are the old ones: outliers beyond 1.5 IQR of the R8
 * quartiles are dropped, the center is the mean of what is left, the "±" is
 * the largest relative deviation from that mean, and a change is shown when
 * the U test (or Welch's t-test) gives p < alpha.  See docs/v1.md for why
 * the current cstat does otherwise.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsl/gsl_cdf.h>

#include "numfmt.h"
#include "stats.h"
#include "v1.h"

/* ------------------------------------------------------------------------
 * Statistics.
 */

/* cstat__v1_trim() with s (room for n) to sort a copy in. */
static size_t
trim_with(const double *x, size_t n, double *s, double *out)
{
	size_t k = 0;

	if (n == 0)
		return 0;
	memcpy(s, x, n * sizeof(*s));
	cstat__sort_doubles(s, n);
	double q1 = cstat__quantile_sorted(s, n, 0.25);
	double q3 = cstat__quantile_sorted(s, n, 0.75);
	double lo = q1 - 1.5 * (q3 - q1), hi = q3 + 1.5 * (q3 - q1);
	for (size_t i = 0; i < n; i++)
		if (lo <= x[i] && x[i] <= hi)
			out[k++] = x[i];
	return k;
}

size_t
cstat__v1_trim(const double *x, size_t n, double *out)
{
	double *s = malloc((n ? n : 1) * sizeof(*s));

	if (!s)
		return 0;
	size_t k = trim_with(x, n, s, out);
	free(s);
	return k;
}

double
cstat__v1_mean(const double *x, size_t n)
{
	double m = 0;

	if (n == 0)
		return NAN;
	for (size_t i = 0; i < n; i++)
		m += (x[i] - m) / (double)(i + 1);
	return m;
}

void
cstat__v1_bounds(const double *x, size_t n, double *min, double *max)
{
	if (n == 0) {
		*min = *max = NAN;
		return;
	}
	*min = *max = x[0];
	for (size_t i = 0; i < n; i++) {
		if (x[i] < *min)
			*min = x[i];
		if (x[i] > *max)
			*max = x[i];
	}
}

char *
cstat__v1_range_text(double min, double mean, double max, char *buf,
		     size_t size)
{
	if (mean == 0 || max == 0) {
		if (size)
			buf[0] = '\0';
		return buf;
	}
	double diff = 1 - min / mean, d = max / mean - 1;
	if (d > diff)
		diff = d;
	char num[CSTAT__GO_FIXED_SIZE(0) + 1];
	size_t n = cstat__fmt_go_fixed(num, sizeof(num), diff * 100.0, 0);
	num[n] = '%';
	num[n + 1] = '\0';
	cstat__strlcpy(buf, num, size);
	return buf;
}

size_t
cstat__v1_metric_range(const struct cstat__v1_metrics *m, char *buf)
{
	if (m->flags & CSTAT__V1_NORANGE) {
		buf[0] = '\0';
		return 0;
	}
	size_t n = cstat__fmt_go_fixed(buf, CSTAT__GO_FIXED_SIZE(0),
				       m->rng * 100.0, 0);
	buf[n] = '%';
	buf[n + 1] = '\0';
	return n + 1;
}

/* Welford's variance, as Go's stats.Variance. */
static double
variance(const double *x, size_t n)
{
	double mean = 0, m2 = 0;

	if (n == 0)
		return NAN;
	if (n == 1)
		return 0;
	for (size_t i = 0; i < n; i++) {
		double delta = x[i] - mean;
		mean += delta / (double)(i + 1);
		m2 += delta * (x[i] - mean);
	}
	return m2 / (double)(n - 1);
}

int
cstat__v1_welch(const double *x1, size_t n1, const double *x2, size_t n2,
		double *p)
{
	if (n1 <= 1 || n2 <= 1)
		return CSTAT__V1_TOO_FEW;
	double v1 = variance(x1, n1), v2 = variance(x2, n2);
	if (v1 == 0 && v2 == 0)
		return CSTAT__V1_ZERO_VAR;
	double a = v1 / (double)n1, b = v2 / (double)n2;
	double dof = pow(a + b, 2) / (pow(a, 2) / (double)(n1 - 1) +
				      pow(b, 2) / (double)(n2 - 1));
	double t =
		(cstat__v1_mean(x1, n1) - cstat__v1_mean(x2, n2)) / sqrt(a + b);
	/* p = 2 (1 - CDF(|t|)); keep GSL away from what it would refuse. */
	if (isnan(t) || isnan(dof) || !(dof > 0))
		*p = NAN;
	else if (isinf(t))
		*p = 0;
	else if (t == 0)
		*p = 1;
	else
		*p = 2 * gsl_cdf_tdist_Q(fabs(t), dof);
	return CSTAT__V1_OK;
}

double
cstat__v1_alpha(double alpha)
{
	return alpha == 0 ? 0.05 : alpha;
}

bool
cstat__v1_significant(double p, double alpha)
{
	return p < cstat__v1_alpha(alpha);
}

/* Whether unit is base or ends in "-" base (old benchstat's prefixes). */
static bool
has_base_unit(const char *unit, const char *base)
{
	size_t n = strlen(unit), b = strlen(base);

	if (strcmp(unit, base) == 0)
		return true;
	return n > b && unit[n - b - 1] == '-' &&
	       strcmp(unit + n - b, base) == 0;
}

void
cstat__v1_metric_of(const char *unit, char *buf, size_t size)
{
	static const char *const map[][2] = {
		{"ns/op", "time/op"},
		{"ns/GC", "time/GC"},
		{"B/op", "alloc/op"},
		{"MB/s", "speed"},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (has_base_unit(unit, map[i][0])) {
			int keep = (int)(strlen(unit) - strlen(map[i][0]));
			snprintf(buf, size, "%.*s%s", keep, unit, map[i][1]);
			return;
		}
	}
	snprintf(buf, size, "%s", unit);
}

/* The scaler families of cstat__v1_scale_kind(). */
enum { KIND_PLAIN, KIND_TIME, KIND_BYTES, KIND_SPEED };

int
cstat__v1_scale_kind(const char *unit)
{
	if (has_base_unit(unit, "ns/op") || has_base_unit(unit, "ns/GC"))
		return KIND_TIME;
	if (has_base_unit(unit, "MB/s"))
		return KIND_SPEED;
	if (has_base_unit(unit, "B/op") || has_base_unit(unit, "bytes/op") ||
	    has_base_unit(unit, "bytes"))
		return KIND_BYTES;
	return KIND_PLAIN;
}

/* num (n bytes) then two suffixes, into buf. */
static size_t
join3(char *buf, const char *num, size_t n, const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	memmove(buf, num, n);
	memcpy(buf + n, a, la);
	memcpy(buf + n + la, b, lb + 1);
	return n + la + lb;
}

/* NewScaler for times: the precision and unit from val in seconds. */
static size_t
scale_time(double val, double v, char *buf)
{
	static const struct {
		double min, scale;
		int prec;
		const char *suffix;
	} t[] = {
		{99.5, 1, 0, "s"},
		{9.95, 1, 1, "s"},
		{0.995, 1, 2, "s"},
		{0.0995, 1000, 0, "ms"},
		{0.00995, 1000, 1, "ms"},
		{0.000995, 1000, 2, "ms"},
		{0.0000995, 1000 * 1000, 0, "\u00b5s"},
		{0.00000995, 1000 * 1000, 1, "\u00b5s"},
		{0.000000995, 1000 * 1000, 2, "\u00b5s"},
		{0.0000000995, 1000 * 1000 * 1000, 0, "ns"},
		{0.00000000995, 1000 * 1000 * 1000, 1, "ns"},
	};
	double x = val / 1e9, scale = 1000 * 1000 * 1000;
	const char *suffix = "ns";
	int prec = 2;
	size_t i = 0;

	while (i < sizeof(t) / sizeof(t[0]) && !(x >= t[i].min))
		i++;
	if (i < sizeof(t) / sizeof(t[0])) {
		scale = t[i].scale;
		prec = t[i].prec;
		suffix = t[i].suffix;
	}
	size_t n = cstat__fmt_go_fixed(buf, CSTAT__GO_FIXED_SIZE(2),
				       v / 1e9 * scale, prec);
	return join3(buf, buf, n, suffix, "");
}

size_t
cstat__v1_scale_fmt(int kind, double val, double v, char *buf)
{
	static const struct {
		double min, scale;
		int prec;
		const char *prefix;
	} s[] = {
		{99500000000000, 1e12, 0, "T"},
		{9950000000000, 1e12, 1, "T"},
		{995000000000, 1e12, 2, "T"},
		{99500000000, 1e9, 0, "G"},
		{9950000000, 1e9, 1, "G"},
		{995000000, 1e9, 2, "G"},
		{99500000, 1e6, 0, "M"},
		{9950000, 1e6, 1, "M"},
		{995000, 1e6, 2, "M"},
		{99500, 1e3, 0, "k"},
		{9950, 1e3, 1, "k"},
		{995, 1e3, 2, "k"},
		{99.5, 1, 0, ""},
		{9.95, 1, 1, ""},
	};

	if (kind == KIND_TIME)
		return scale_time(val, v, buf);
	double prescale = kind == KIND_SPEED ? 1e6 : 1.0;
	double x = val * prescale, scale = 1;
	const char *prefix = "";
	int prec = 2;
	size_t i = 0;

	while (i < sizeof(s) / sizeof(s[0]) && !(x >= s[i].min))
		i++;
	if (i < sizeof(s) / sizeof(s[0])) {
		scale = s[i].scale;
		prec = s[i].prec;
		prefix = s[i].prefix;
	}
	scale /= prescale;
	size_t n = cstat__fmt_go_fixed(buf, CSTAT__GO_FIXED_SIZE(2), v / scale,
				       prec);
	return join3(buf, buf, n, prefix,
		     kind == KIND_BYTES	  ? "B"
		     : kind == KIND_SPEED ? "B/s"
					  : "");
}

void
cstat__v1_scale(double val, const char *unit, double v, char *buf, size_t size)
{
	char text[CSTAT__SCALE_SIZE];

	cstat__v1_scale_fmt(cstat__v1_scale_kind(unit), val, v, text);
	cstat__strlcpy(buf, text, size);
}

/* ------------------------------------------------------------------------
 * The collection: metrics by (config, group, benchmark, unit).
 */

/* Blocks of the value pool grow from 1 KiB to 512 KiB, so that small
 * inputs stay small; larger arrays get a block of their own. */
#define POOL_FIRST 128

static double *
pool_alloc(struct cstat__v1_pool *p, size_t k)
{
	if (k > p->left) {
		size_t block = POOL_FIRST << (p->nblocks < 9 ? p->nblocks : 9);
		size_t size = k > block / 4 ? k : block;
		if (cstat__grow((void **)&p->blocks, &p->cap, p->nblocks + 1,
				sizeof(*p->blocks)))
			return NULL;
		double *b = malloc(size * sizeof(*b));
		if (!b)
			return NULL;
		p->blocks[p->nblocks++] = b;
		if (size != block)
			return b;
		p->last = p->next = b;
		p->left = size;
		p->last_mapped = 0;
	}
	double *r = p->next;
	p->next += k;
	p->left -= k;
	size_t used = (size_t)(p->next - p->last);
	cstat__prefault(p->last, used * sizeof(*r),
			(used + p->left) * sizeof(*r), &p->last_mapped);
	return r;
}

static void
pool_release(struct cstat__v1_pool *p)
{
	for (size_t i = 0; i < p->nblocks; i++)
		free(p->blocks[i]);
	free(p->blocks);
	memset(p, 0, sizeof(*p));
}

/* The smallest power of two >= n (n >= 1). */
static size_t
pow2(size_t n)
{
	size_t c = 1;

	while (c < n)
		c *= 2;
	return c;
}

/* Metric m's n values as doubles, into out. */
static void
values_out(const struct cstat__v1_metrics *m, double *out)
{
	if (!(m->flags & CSTAT__V1_DEC)) {
		memcpy(out, m->values, m->n * sizeof(*out));
		return;
	}
	for (size_t i = 0; i < m->n; i++)
		out[i] = cstat__v1_metric_value(m, i);
}

/* Whether mant[0..k) are all one mantissa. */
static bool
all_same(const int32_t *mant, size_t k)
{
	for (size_t i = 1; i < k; i++)
		if (mant[i] != mant[0])
			return false;
	return true;
}

int
cstat__v1_append(cstat_v1 *c, uint32_t mi, const double *vals, size_t k)
{
	struct cstat__v1_metrics *m = &c->m[mi];
	size_t n = m->n;

	if (k == 0)
		return 0;
	if (n + k > UINT32_MAX)
		return CSTAT_ENOMEM;
	if (n == 0) {
		/* The usual case: a metric filled by one run, exactly. */
		if (!(m->values = pool_alloc(&c->pool, k)))
			return CSTAT_ENOMEM;
	} else if (!(m->flags & CSTAT__V1_HEAP)) {
		double *v = malloc(pow2(n + k) * sizeof(*v));
		if (!v)
			return CSTAT_ENOMEM;
		values_out(m, v);
		m->values = v;
		m->flags = (m->flags & 0xff &
			    ~(uint32_t)(CSTAT__V1_DEC | CSTAT__V1_SAME)) |
			   CSTAT__V1_HEAP;
	} else if (n + k > pow2(n)) {
		double *v = realloc(m->values, pow2(n + k) * sizeof(*v));
		if (!v)
			return CSTAT_ENOMEM;
		m->values = v;
	}
	memcpy((double *)m->values + n, vals, k * sizeof(*vals));
	m->n = (uint32_t)(n + k);
	m->flags &= ~(uint32_t)CSTAT__V1_STATS;
	return 0;
}

int
cstat__v1_append_dec(cstat_v1 *c, uint32_t mi, const int32_t *mant, size_t k,
		     unsigned d)
{
	struct cstat__v1_metrics *m = &c->m[mi];

	if (k == 0)
		return 0;
	if (m->n == 0 && k <= UINT32_MAX) {
		uint32_t flags =
			(m->flags & 0xff &
			 ~(uint32_t)(CSTAT__V1_STATS | CSTAT__V1_SAME)) |
			CSTAT__V1_DEC | d << 8;
		if (k > 1 && all_same(mant, k)) {
			/* A run whose value never changed: kept once. */
			m->same = mant[0];
			flags |= CSTAT__V1_SAME;
		} else {
			/* Two mantissas to a double of the pool. */
			if (!(m->values = pool_alloc(&c->pool, (k + 1) / 2)))
				return CSTAT_ENOMEM;
			memcpy(m->values, mant, k * sizeof(*mant));
		}
		m->n = (uint32_t)k;
		m->flags = flags;
		return 0;
	}
	if ((m->flags & CSTAT__V1_SAME) && m->flags >> 8 == d &&
	    mant[0] == m->same && all_same(mant, k) && k <= UINT32_MAX - m->n) {
		/* A later run of the same value: only counted. */
		m->n += (uint32_t)k;
		m->flags &= ~(uint32_t)CSTAT__V1_STATS;
		return 0;
	}
	double *v = malloc(k * sizeof(*v));
	if (!v)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < k; i++)
		v[i] = cstat__v1_dec_value(mant[i], d);
	int rc = cstat__v1_append(c, mi, v, k);
	free(v);
	return rc;
}

int
cstat__v1_ids_add(struct cstat__v1_ids *l, uint32_t id)
{
	if (cstat__grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return CSTAT_ENOMEM;
	l->v[l->n++] = id;
	return 0;
}

/* Go's addString: append id unless it is already there. */
static int
ids_add_unique(struct cstat__v1_ids *l, uint32_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == id)
			return 0;
	return cstat__v1_ids_add(l, id);
}

/* Three ids mixed as splitmix64 finalizes. */
static uint64_t
hash3(uint32_t a, uint32_t b, uint32_t d)
{
	uint64_t h = (((uint64_t)a << 32) | b) ^
		     ((uint64_t)d * 0x9e3779b97f4a7c15ull);

	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

/*
 * The hash of a metric's key.  Units whose ids differ only in their last
 * three bits land in neighbouring slots, so that the run of a benchmark's
 * first line, which looks up each of its units in turn, finds them in one
 * cache line rather than one miss each.
 */
static uint64_t
metric_key_hash(uint32_t gb, uint32_t config, uint32_t unit)
{
	return hash3(gb, config, unit >> 3) + (unit & 7);
}

static uint64_t
metric_hash(const struct cstat__v1_metrics *m)
{
	return metric_key_hash(m->gb, m->config, m->unit);
}

static uint64_t
gb_hash(const struct cstat__v1_gb *g)
{
	return hash3(g->group, g->bench, 0);
}

/*
 * Doubles an open-addressing table of indexes + 1 (slots, nslots a power of
 * two), placing entry i by hash(i).
 */
static int
rehash(uint32_t **slots, size_t *nslots, size_t count,
       uint64_t (*hash)(const void *base, uint32_t i), const void *base)
{
	size_t ns = *nslots ? 2 * *nslots : 1024;
	uint32_t *s = calloc(ns, sizeof(*s));

	if (!s)
		return CSTAT_ENOMEM;
	/* Its slots are written all over: mapped at once. */
	cstat__populate(s, ns * sizeof(*s));
	for (uint32_t i = 0; i < count; i++) {
		size_t j = hash(base, i) & (ns - 1);
		while (s[j])
			j = (j + 1) & (ns - 1);
		s[j] = i + 1;
	}
	free(*slots);
	*slots = s;
	*nslots = ns;
	return 0;
}

static uint64_t
metric_hash_at(const void *base, uint32_t i)
{
	return metric_hash(&((const struct cstat__v1_metrics *)base)[i]);
}

static uint64_t
gb_hash_at(const void *base, uint32_t i)
{
	return gb_hash(&((const struct cstat__v1_gb *)base)[i]);
}

/* The slot of (config, gb, unit): its metric index + 1, or 0 where it
 * would go. */
static size_t
metric_slot(const cstat_v1 *c, uint32_t config, uint32_t gb, uint32_t unit)
{
	size_t mask = c->nmslots - 1;
	size_t j = metric_key_hash(gb, config, unit) & mask;

	for (;; j = (j + 1) & mask) {
		uint32_t s = c->mslots[j];
		if (!s)
			return j;
		const struct cstat__v1_metrics *m = &c->m[s - 1];
		if (m->gb == gb && m->config == config && m->unit == unit)
			return j;
	}
}

/*
 * Rebuilds the two hash tables dropped while the tables were built
 * (drop_hashes()), before more input is added: each at the size it had.
 */
static int
hashes_ready(cstat_v1 *c)
{
	if (c->nm && !c->mslots) {
		c->nmslots = 512;
		while (c->nmslots < c->nm)
			c->nmslots *= 2;
		if (rehash(&c->mslots, &c->nmslots, c->nm, metric_hash_at,
			   c->m))
			return CSTAT_ENOMEM;
	}
	if (c->ngb && !c->gbslots) {
		c->ngbslots = 512;
		while (c->ngbslots < c->ngb)
			c->ngbslots *= 2;
		if (rehash(&c->gbslots, &c->ngbslots, c->ngb, gb_hash_at,
			   c->gbs))
			return CSTAT_ENOMEM;
	}
	return 0;
}

/*
 * Frees the hash tables of metrics and benchmarks (1.25 MB on 20,000
 * benchmarks, two files, three units) once the input is read: the tables
 * find their cells by a pass over the metrics instead (cells_for_unit()),
 * and memory peaks while they are written.
 */
static void
drop_hashes(cstat_v1 *c)
{
	free(c->mslots);
	free(c->gbslots);
	c->mslots = c->gbslots = NULL;
	c->nmslots = c->ngbslots = 0;
}

/* The group index of string id group, listed if new. */
static int
group_index(cstat_v1 *c, uint32_t group, size_t *out)
{
	struct cstat__v1_ids *go = &c->group_of;

	while (go->n <= group)
		if (cstat__v1_ids_add(go, 0))
			return CSTAT_ENOMEM;
	if (go->v[group]) {
		*out = go->v[group] - 1;
		return 0;
	}
	size_t g = c->groups.n;
	struct cstat__v1_ids *nb = realloc(c->benches, (g + 1) * sizeof(*nb));
	if (!nb)
		return CSTAT_ENOMEM;
	c->benches = nb;
	memset(&nb[g], 0, sizeof(nb[g]));
	if (cstat__v1_ids_add(&c->groups, group))
		return CSTAT_ENOMEM;
	go->v[group] = (uint32_t)(g + 1);
	*out = g;
	return 0;
}

/* The index of (group, bench), listed under its group if new. */
static int
gb_index(cstat_v1 *c, uint32_t group, uint32_t bench, uint32_t *out)
{
	struct cstat__v1_gb key = {group, bench};
	size_t mask = c->ngbslots - 1, j;

	if (c->ngbslots)
		for (j = gb_hash(&key) & mask; c->gbslots[j];
		     j = (j + 1) & mask) {
			const struct cstat__v1_gb *g =
				&c->gbs[c->gbslots[j] - 1];
			if (g->group == group && g->bench == bench) {
				*out = c->gbslots[j] - 1;
				return 0;
			}
		}
	size_t gi;
	if (group_index(c, group, &gi) ||
	    cstat__grow((void **)&c->gbs, &c->gbcap, c->ngb + 1,
			sizeof(*c->gbs)) ||
	    cstat__v1_ids_add(&c->benches[gi], (uint32_t)c->ngb))
		return CSTAT_ENOMEM;
	c->gbs[c->ngb] = key;
	*out = (uint32_t)c->ngb++;
	cstat__prefault(c->gbs, c->ngb * sizeof(*c->gbs),
			c->gbcap * sizeof(*c->gbs), &c->gbs_mapped);
	if (2 * c->ngb > c->ngbslots)
		return rehash(&c->gbslots, &c->ngbslots, c->ngb, gb_hash_at,
			      c->gbs);
	mask = c->ngbslots - 1;
	for (j = gb_hash(&key) & mask; c->gbslots[j]; j = (j + 1) & mask)
		;
	c->gbslots[j] = *out + 1;
	return 0;
}

int
cstat__v1_metric_get(cstat_v1 *c, uint32_t config, uint32_t group,
		     uint32_t bench, uint32_t unit, uint32_t *out)
{
	uint32_t gb;
	int rc;

	if ((rc = hashes_ready(c)) || (rc = gb_index(c, group, bench, &gb)))
		return rc;
	if (c->nmslots) {
		uint32_t s = c->mslots[metric_slot(c, config, gb, unit)];
		if (s) {
			*out = s - 1;
			return 0;
		}
	}
	if (ids_add_unique(&c->configs, config) ||
	    ids_add_unique(&c->units, unit) ||
	    cstat__grow((void **)&c->m, &c->mcap, c->nm + 1, sizeof(*c->m)))
		return CSTAT_ENOMEM;
	cstat__prefault(c->m, (c->nm + 1) * sizeof(*c->m),
			c->mcap * sizeof(*c->m), &c->m_mapped);
	struct cstat__v1_metrics *m = &c->m[c->nm];
	memset(m, 0, sizeof(*m));
	m->unit = unit;
	m->config = config;
	m->gb = gb;
	*out = (uint32_t)c->nm++;
	if (2 * c->nm > c->nmslots)
		return rehash(&c->mslots, &c->nmslots, c->nm, metric_hash_at,
			      c->m);
	c->mslots[metric_slot(c, config, gb, unit)] = *out + 1;
	return 0;
}

int
cstat_v1_test_parse(const char *name)
{
	static const struct {
		const char *name;
		int test;
	} t[] = {
		{"utest", CSTAT_V1_UTEST},  {"u", CSTAT_V1_UTEST},
		{"u-test", CSTAT_V1_UTEST}, {"ttest", CSTAT_V1_TTEST},
		{"t", CSTAT_V1_TTEST},	    {"t-test", CSTAT_V1_TTEST},
		{"none", CSTAT_V1_NOTEST},
	};

	if (!name)
		return CSTAT_EINVAL;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcasecmp(name, t[i].name) == 0)
			return t[i].test;
	return CSTAT_EINVAL;
}

int
cstat_v1_sort_parse(const char *name)
{
	static const char *const t[] = {
		[CSTAT_V1_SORT_NONE] = "none",
		[CSTAT_V1_SORT_NAME] = "name",
		[CSTAT_V1_SORT_DELTA] = "delta",
		[CSTAT_V1_SORT_NAME_DESC] = "-name",
		[CSTAT_V1_SORT_DELTA_DESC] = "-delta",
	};

	if (!name)
		return CSTAT_EINVAL;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcasecmp(name, t[i]) == 0)
			return (int)i;
	return CSTAT_EINVAL;
}

int
cstat_v1_new(cstat_v1 **out, const struct cstat_v1_opts *opts)
{
	cstat_v1 *c;
	const char *split;

	if (!out)
		return CSTAT_EINVAL;
	*out = NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return CSTAT_ENOMEM;
	if (opts)
		c->opts = *opts;
	else
		c->opts.split = NULL;
	split = c->opts.split ? c->opts.split : "pkg,goos,goarch";
	c->opts.split = NULL;
	if (cstat__strtab_init(&c->strs))
		goto out_nomem;
	if (*split) {
		/* strings.Split: n commas give n + 1 labels. */
		size_t n = 1;
		for (const char *p = split; *p; p++)
			n += *p == ',';
		c->split = calloc(n, sizeof(*c->split));
		if (!c->split)
			goto out_nomem;
		for (const char *p = split;; p++) {
			const char *e = strchr(p, ',');
			size_t len = e ? (size_t)(e - p) : strlen(p);
			c->split[c->nsplit] = strndup(p, len);
			if (!c->split[c->nsplit])
				goto out_nomem;
			c->nsplit++;
			if (!e)
				break;
			p = e;
		}
	}
	*out = c;
	return 0;
out_nomem:
	cstat_v1_free(c);
	return CSTAT_ENOMEM;
}

int
cstat_v1_set_threads(cstat_v1 *c, unsigned threads)
{
	if (!c)
		return CSTAT_EINVAL;
	c->threads = threads;
	return 0;
}

void
cstat__v1_free_tables(cstat_v1 *c)
{
	for (size_t t = 0; t < c->ntables; t++) {
		free(c->tables[t].rows);
		free(c->tables[t].cells);
		free(c->tables[t].geo);
	}
	free(c->tables);
	c->tables = NULL;
	c->ntables = 0;
}

void
cstat_v1_free(cstat_v1 *c)
{
	if (!c)
		return;
	cstat__v1_free_tables(c);
	for (size_t i = 0; i < c->nsplit; i++)
		free(c->split[i]);
	free(c->split);
	for (size_t i = 0; i < c->nm; i++)
		if (c->m[i].flags & CSTAT__V1_HEAP)
			free(c->m[i].values);
	free(c->m);
	free(c->mslots);
	free(c->gbs);
	free(c->gbslots);
	pool_release(&c->pool);
	if (c->benches)
		for (size_t i = 0; i < c->groups.n; i++)
			free(c->benches[i].v);
	free(c->benches);
	free(c->configs.v);
	free(c->groups.v);
	free(c->group_of.v);
	free(c->units.v);
	cstat__strtab_release(&c->strs);
	free(c);
}

/* ------------------------------------------------------------------------
 * Tables.
 */

/* Scratch arrays as large as the largest metric, for one build. */
struct scratch {
	double *sorted, *rv[2], *values;
	size_t most;
};

static void
scratch_free(struct scratch *s)
{
	free(s->sorted);
	free(s->rv[0]);
	free(s->rv[1]);
	free(s->values);
	memset(s, 0, sizeof(*s));
}

/* @return 0 or CSTAT_ENOMEM (nothing kept). */
static int
scratch_new(struct scratch *s, size_t most)
{
	s->most = most;
	s->sorted = malloc(most * sizeof(double));
	s->rv[0] = malloc(most * sizeof(double));
	s->rv[1] = malloc(most * sizeof(double));
	s->values = malloc(most * sizeof(double));
	if (s->sorted && s->rv[0] && s->rv[1] && s->values)
		return 0;
	scratch_free(s);
	return CSTAT_ENOMEM;
}

/*
 * A metric's summary: the values kept by the fences, their mean and
 * range; the kept values (in input order) into rv if not NULL.
 */
static void
metric_stats(struct cstat__v1_metrics *m, const struct scratch *s, double *rv)
{
	double min, max, *kept = rv ? rv : s->rv[0];

	const double *x = m->values;

	if (m->flags & CSTAT__V1_DEC) {
		values_out(m, s->values);
		x = s->values;
	}
	m->nr = (uint32_t)trim_with(x, m->n, s->sorted, kept);
	cstat__v1_bounds(kept, m->nr, &min, &max);
	m->mean = cstat__v1_mean(kept, m->nr);
	m->flags |= CSTAT__V1_STATS;
	m->flags &= ~(uint32_t)CSTAT__V1_NORANGE;
	if (m->mean == 0 || max == 0) {
		m->flags |= CSTAT__V1_NORANGE;
		return;
	}
	double diff = 1 - min / m->mean, d = max / m->mean - 1;
	m->rng = d > diff ? d : diff;
}

static void
ensure_stats(const struct cstat__v1_metrics *cm, const struct scratch *s)
{
	/* The collection's own metrics, reached through lookups. */
	struct cstat__v1_metrics *m = (struct cstat__v1_metrics *)cm;

	if (m && !(m->flags & CSTAT__V1_STATS))
		metric_stats(m, s, NULL);
}

/* Runs the delta test and sets the row's delta, note and change. */
static int
delta_row(const cstat_v1 *c, const struct cstat__v1_table *t,
	  struct cstat__v1_row *r, struct cstat__v1_metrics *o,
	  struct cstat__v1_metrics *n, const struct scratch *s,
	  struct cstat__ucache *cache)
{
	double p = -1;
	int st = CSTAT__V1_OK;

	metric_stats(o, s, s->rv[0]);
	metric_stats(n, s, s->rv[1]);
	if (c->opts.test == CSTAT_V1_UTEST) {
		if (o->nr == 0 || n->nr == 0) {
			st = CSTAT__V1_TOO_FEW;
		} else {
			int rc = cstat__mann_whitney(cache, s->rv[0], o->nr,
						     s->rv[1], n->nr, &p);
			if (rc == CSTAT_SAMPLES_EQUAL)
				st = CSTAT__V1_ALL_EQUAL;
			else if (rc < 0)
				return rc;
		}
	} else if (c->opts.test == CSTAT_V1_TTEST) {
		st = cstat__v1_welch(s->rv[0], o->nr, s->rv[1], n->nr, &p);
	}
	if (st != CSTAT__V1_OK)
		p = -1;
	r->delta = CSTAT__V1_DELTA_TILDE;
	if (st != CSTAT__V1_OK) {
		r->note = (uint8_t)(st + 1);
	} else if (cstat__v1_significant(p, c->opts.alpha)) {
		if (n->mean == o->mean) {
			r->delta = CSTAT__V1_DELTA_ZERO;
		} else {
			/* As cstat__v1_row_pct() gives it back. */
			double pct = ((n->mean / o->mean) - 1.0) * 100.0;
			r->delta = CSTAT__V1_DELTA_PCT;
			/* Smaller is better, except for speeds. */
			r->change =
				(pct < 0) == (strcmp(t->metric, "speed") != 0)
					? 1
					: -1;
		}
	}
	if (!r->note && p != -1) {
		r->note = CSTAT__V1_OK + 1;
		r->p = p;
	}
	return 0;
}

/* A new zeroed row with nc cells at the end of the table. */
static struct cstat__v1_row *
add_row(struct cstat__v1_table *t, size_t nc)
{
	if (cstat__grow((void **)&t->rows, &t->cap, t->nrows + 1,
			sizeof(*t->rows)) ||
	    cstat__grow((void **)&t->cells, &t->cells_cap, t->ncells + nc,
			sizeof(*t->cells)))
		return NULL;
	struct cstat__v1_row *r = &t->rows[t->nrows++];
	memset(r, 0, sizeof(*r));
	for (size_t k = 0; k < nc; k++)
		t->cells[t->ncells++] = 0;
	return r;
}

/*
 * The tables' cells found without a hash lookup each (a cache miss each,
 * on 120,000 metrics): for each table, one pass over the metrics places
 * its unit's by (group, benchmark) and file.  A pass costs no more than
 * the lookups did (one per unit, benchmark and file).
 */
struct cellmap {
	uint32_t *cell; /* [gb * nconfigs + k]: metric index + 1, or 0 */
	size_t nconfigs;
};

static int
cellmap_new(const cstat_v1 *c, struct cellmap *cm)
{
	size_t nc = c->configs.n ? c->configs.n : 1;

	cm->nconfigs = c->configs.n;
	cm->cell = malloc((c->ngb ? c->ngb : 1) * nc * sizeof(*cm->cell));
	return cm->cell ? 0 : CSTAT_ENOMEM;
}

/* Places the metrics of unit in cm->cell; every file of the same name
 * gets the metric of that name, as a lookup by name would. */
static void
cellmap_unit(const cstat_v1 *c, struct cellmap *cm, uint32_t unit)
{
	size_t nc = cm->nconfigs;

	memset(cm->cell, 0, c->ngb * nc * sizeof(*cm->cell));
	for (size_t i = 0; i < c->nm; i++) {
		const struct cstat__v1_metrics *m = &c->m[i];
		if (m->unit != unit)
			continue;
		for (size_t k = 0; k < nc; k++)
			if (c->configs.v[k] == m->config)
				cm->cell[m->gb * nc + k] = (uint32_t)i + 1;
	}
}

/* The metric of file k and benchmark gb in the current unit, or NULL. */
static const struct cstat__v1_metrics *
cellmap_get(const cstat_v1 *c, const struct cellmap *cm, uint32_t gb, size_t k)
{
	uint32_t id = cm->cell[gb * cm->nconfigs + k];

	return id ? &c->m[id - 1] : NULL;
}

/* The geometric mean of config k's means in table t (0 if none). */
static double
config_geomean(const cstat_v1 *c, const struct cellmap *cm, size_t k,
	       double *means, size_t *count, const struct scratch *s)
{
	size_t nmeans = 0;

	for (size_t g = 0; g < c->groups.n; g++) {
		for (size_t b = 0; b < c->benches[g].n; b++) {
			const struct cstat__v1_metrics *m =
				cellmap_get(c, cm, c->benches[g].v[b], k);
			ensure_stats(m, s);
			/* Zero means would make it 0 or NaN. */
			if (m && m->mean != 0)
				means[nmeans++] = m->mean;
		}
	}
	*count = nmeans;
	return nmeans ? cstat__geomean(means, nmeans) : 0;
}

/* addGeomean: the "[Geo mean]" row of a table. */
static int
add_geomean(const cstat_v1 *c, struct cstat__v1_table *t,
	    const struct cellmap *cm, const struct scratch *s)
{
	size_t nc = c->configs.n, maxcount = 0;
	bool delta = t->oldnew;

	double *means = malloc((c->ngb ? c->ngb : 1) * sizeof(*means));
	t->geo = calloc(nc ? nc : 1, sizeof(*t->geo));
	if (!means || !t->geo) {
		free(means);
		return CSTAT_ENOMEM;
	}
	for (size_t k = 0; k < nc; k++) {
		size_t count;
		double gm = config_geomean(c, cm, k, means, &count, s);
		if (count == 0) {
			delta = false;
			continue;
		}
		t->geo[k].unit = t->unit;
		t->geo[k].mean = gm;
		t->geo[k].flags = CSTAT__V1_STATS | CSTAT__V1_NORANGE;
		if (count > maxcount)
			maxcount = count;
	}
	free(means);
	if (maxcount <= 1)
		return 0;
	struct cstat__v1_row *r = add_row(t, nc);
	if (!r)
		return CSTAT_ENOMEM;
	r->gb = UINT32_MAX;
	for (size_t k = 0; k < nc; k++)
		if (t->geo[k].unit == t->unit && t->geo[k].flags)
			t->cells[(t->nrows - 1) * nc + k] =
				CSTAT__V1_GEO | (uint32_t)k;
	/* Its change, from the two files' geomeans (its two cells when
	 * delta holds), is cstat__v1_row_pct()'s. */
	if (delta)
		r->delta = CSTAT__V1_DELTA_PCT;
	return 0;
}

/* The sort key of a row for -sort delta: |pct| * change. */
static double
delta_key(const struct cstat__v1_table *t, const struct cstat__v1_row *r)
{
	/* A row with a change has a percentage; others sort as 0. */
	return r->change ? fabs(cstat__v1_row_pct(t, r)) * (double)r->change
			 : 0;
}

/* Whether a sorts before b, for the given mode (before reversal). */
static bool
row_less(const cstat_v1 *c, const struct cstat__v1_table *t, int mode,
	 const struct cstat__v1_row *a, const struct cstat__v1_row *b)
{
	if (mode == CSTAT_V1_SORT_NAME || mode == CSTAT_V1_SORT_NAME_DESC)
		return strcmp(cstat__strtab_str(&c->strs, c->gbs[a->gb].bench),
			      cstat__strtab_str(&c->strs,
						c->gbs[b->gb].bench)) < 0;
	return delta_key(t, a) < delta_key(t, b);
}

/* Puts the rows, and their cells, in the order of ix (row indexes). */
static int
permute_rows(struct cstat__v1_table *t, const uint32_t *ix)
{
	size_t n = t->nrows, nc = t->nc;
	struct cstat__v1_row *rows = malloc(t->cap * sizeof(*rows));
	uint32_t *cells =
		malloc((t->cells_cap ? t->cells_cap : 1) * sizeof(*cells));

	if (!rows || !cells) {
		free(rows);
		free(cells);
		return CSTAT_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		rows[i] = t->rows[ix[i]];
		memcpy(cells + i * nc, t->cells + ix[i] * nc,
		       nc * sizeof(*cells));
	}
	free(t->rows);
	free(t->cells);
	t->rows = rows;
	t->cells = cells;
	return 0;
}

/*
 * A stable bottom-up merge sort of the rows (sort.SliceStable), of their
 * indexes, so that their cells move along.
 */
static int
sort_rows(const cstat_v1 *c, struct cstat__v1_table *t)
{
	int mode = c->opts.sort;
	bool rev = mode == CSTAT_V1_SORT_NAME_DESC ||
		   mode == CSTAT_V1_SORT_DELTA_DESC;
	size_t n = t->nrows;
	uint32_t *ix, *tmp;

	if (mode == CSTAT_V1_SORT_NONE || n < 2)
		return 0;
	ix = malloc(n * sizeof(*ix));
	tmp = malloc(n * sizeof(*tmp));
	if (!ix || !tmp) {
		free(ix);
		free(tmp);
		return CSTAT_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		ix[i] = (uint32_t)i;
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				const struct cstat__v1_row *a = &t->rows[ix[i]],
							   *b = &t->rows[ix[j]];
				bool take_b = rev ? row_less(c, t, mode, a, b)
						  : row_less(c, t, mode, b, a);
				tmp[k++] = take_b ? ix[j++] : ix[i++];
			}
			while (i < mid)
				tmp[k++] = ix[i++];
			while (j < hi)
				tmp[k++] = ix[j++];
		}
		memcpy(ix, tmp, n * sizeof(*tmp));
	}
	free(tmp);
	int rc = permute_rows(t, ix);
	free(ix);
	return rc;
}

/* The id of metrics m (of c's) in a table's cells: cstat__v1_cell(). */
static uint32_t
cell_id(const cstat_v1 *c, const struct cstat__v1_metrics *m)
{
	return m ? (uint32_t)(m - c->m) + 1 : 0;
}

/* One benchmark's row of table t, its cells looked up, unless it is
 * missing old or new. */
static int
bench_row(const cstat_v1 *c, struct cstat__v1_table *t,
	  const struct cellmap *cm, uint32_t gb)
{
	size_t nc = c->configs.n;
	const struct cstat__v1_metrics *o = NULL, *n = NULL;

	if (t->oldnew) {
		o = cellmap_get(c, cm, gb, 0);
		n = cellmap_get(c, cm, gb, 1);
		/* A row missing on either side is dropped. */
		if (!o || !n)
			return 0;
	}
	struct cstat__v1_row *r = add_row(t, nc);
	if (!r)
		return CSTAT_ENOMEM;
	r->gb = gb;
	for (size_t k = 0; k < nc; k++)
		t->cells[(t->nrows - 1) * nc + k] = cell_id(
			c, t->oldnew && k < 2 ? (k ? n : o)
					      : cellmap_get(c, cm, gb, k));
	return 0;
}

/*
 * A row's statistics: its cells' summaries and the delta test (the value
 * its scaler is chosen from is its first cell's mean, looked up when the
 * row is printed).  A row's metrics are its own (a metric is one
 * benchmark, file and unit), so rows can be done on two threads.
 */
static int
row_stats(const cstat_v1 *c, const struct cstat__v1_table *t,
	  struct cstat__v1_row *r, const struct scratch *s,
	  struct cstat__ucache *cache)
{
	const uint32_t *cells = t->cells + (size_t)(r - t->rows) * t->nc;
	int rc = 0;

	/* The collection's own metrics, reached through lookups. */
	if (t->oldnew)
		rc = delta_row(
			c, t, r,
			(struct cstat__v1_metrics *)cstat__v1_cell(t, cells[0]),
			(struct cstat__v1_metrics *)cstat__v1_cell(t, cells[1]),
			s, cache);
	for (size_t k = 0; k < c->configs.n; k++)
		ensure_stats(cstat__v1_cell(t, cells[k]), s);
	return rc;
}

/* row_stats() over rows [lo, hi) of a table, with their own scratch. */
struct stats_job {
	const cstat_v1 *c;
	struct cstat__v1_table *t;
	size_t lo, hi;
	struct scratch s;
	struct cstat__ucache *cache;
	int rc;
};

static void *
stats_job_run(void *arg)
{
	struct stats_job *j = arg;

	for (size_t i = j->lo; i < j->hi && !j->rc; i++)
		j->rc = row_stats(j->c, j->t, &j->t->rows[i], &j->s, j->cache);
	return NULL;
}

/* Tables this large share their rows' statistics between two threads. */
#define TWO_THREAD_ROWS 4096

/* row_stats() over a table's rows, the second half on a second thread
 * when the collection has two and the table is large. */
static int
table_stats(const cstat_v1 *c, struct cstat__v1_table *t,
	    const struct scratch *s, struct cstat__ucache *cache)
{
	struct stats_job first = {c, t, 0, t->nrows, *s, cache, 0};
	struct stats_job half = first;
	pthread_t tid;
	bool two = false;

	half.cache = NULL;
	if (c->threads > 1 && t->nrows >= TWO_THREAD_ROWS &&
	    !scratch_new(&half.s, s->most) && !cstat__ucache_new(&half.cache)) {
		half.lo = t->nrows / 2;
		two = !pthread_create(&tid, NULL, stats_job_run, &half);
		if (two)
			first.hi = half.lo;
	}
	stats_job_run(&first);
	if (two)
		pthread_join(tid, NULL);
	if (half.s.sorted != s->sorted)
		scratch_free(&half.s);
	cstat__ucache_free(half.cache);
	return first.rc ? first.rc : two ? half.rc : 0;
}

/*
 * Room for every row table t can have (a row per benchmark, and the
 * geomean's) at once: grown by doubling, a table's rows and cells would
 * leave their smaller copies behind as freed but touched memory, and
 * memory peaks while the tables are written.
 */
static int
reserve_rows(const cstat_v1 *c, struct cstat__v1_table *t)
{
	size_t most = 1, nc = c->configs.n ? c->configs.n : 1;

	for (size_t g = 0; g < c->groups.n; g++)
		most += c->benches[g].n;
	t->rows = malloc(most * sizeof(*t->rows));
	t->cells = malloc(most * nc * sizeof(*t->cells));
	if (!t->rows || !t->cells)
		return CSTAT_ENOMEM;
	t->cap = most;
	t->cells_cap = most * nc;
	t->nc = c->configs.n;
	return 0;
}

/* Tables(): one table per unit, in first-seen order. */
static int
build_tables(cstat_v1 *c, struct cellmap *cm, const struct scratch *s,
	     struct cstat__ucache *cache)
{
	size_t nc = c->configs.n;
	int rc;

	/* A cell's id is 31 bits (cstat__v1_cell()). */
	if (c->nm >= CSTAT__V1_GEO)
		return CSTAT_ENOMEM;
	c->tables = calloc(c->units.n ? c->units.n : 1, sizeof(*c->tables));
	if (!c->tables)
		return CSTAT_ENOMEM;
	for (size_t u = 0; u < c->units.n; u++) {
		struct cstat__v1_table *t = &c->tables[c->ntables++];
		t->unit = c->units.v[u];
		const char *unit = cstat__strtab_str(&c->strs, t->unit);
		cstat__v1_metric_of(unit, t->metric, sizeof(t->metric));
		t->scale_kind = cstat__v1_scale_kind(unit);
		t->oldnew = nc == 2;
		t->m = c->m;
		if ((rc = reserve_rows(c, t)))
			return rc;
		cellmap_unit(c, cm, t->unit);
		for (size_t g = 0; g < c->groups.n; g++)
			for (size_t b = 0; b < c->benches[g].n; b++)
				if ((rc = bench_row(c, t, cm,
						    c->benches[g].v[b])))
					return rc;
		if ((rc = table_stats(c, t, s, cache)))
			return rc;
		if (t->nrows == 0) {
			free(t->rows);
			free(t->cells);
			memset(t, 0, sizeof(*t));
			c->ntables--;
			continue;
		}
		if ((rc = sort_rows(c, t)))
			return rc;
		if (c->opts.geomean && (rc = add_geomean(c, t, cm, s)))
			return rc;
	}
	return 0;
}

/* Computes the tables with scratch space for the largest metric. */
static int
compute(cstat_v1 *c)
{
	struct cstat__ucache *cache = NULL;
	struct cellmap cm = {0};
	struct scratch s = {0};
	size_t most = 1;
	int rc;

	cstat__v1_free_tables(c);
	drop_hashes(c);
	for (size_t i = 0; i < c->nm; i++) {
		c->m[i].flags &= ~(uint32_t)CSTAT__V1_STATS;
		if (c->m[i].n > most)
			most = c->m[i].n;
	}
	if (!(rc = scratch_new(&s, most)) &&
	    !(rc = cstat__ucache_new(&cache)) && !(rc = cellmap_new(c, &cm)))
		rc = build_tables(c, &cm, &s, cache);
	free(cm.cell);
	cstat__ucache_free(cache);
	scratch_free(&s);
	return rc;
}

/* The v1 writers, one row per enum cstat_v1_format (the index), so a new
 * format is one row here; norange only matters to CSV. */
typedef int (*v1_writer)(const struct cstat__v1_view *v, bool norange,
			 FILE *out);

static int
v1_text(const struct cstat__v1_view *v, bool norange, FILE *out)
{
	(void)norange;
	return cstat__v1_write_text(v, out);
}

static int
v1_html(const struct cstat__v1_view *v, bool norange, FILE *out)
{
	(void)norange;
	return cstat__v1_write_html(v, out);
}

static const v1_writer v1_formats[] = {
	[CSTAT_V1_TEXT] = v1_text,
	[CSTAT_V1_CSV] = cstat__v1_write_csv,
	[CSTAT_V1_HTML] = v1_html,
};

int
cstat_v1_write(cstat_v1 *c, enum cstat_v1_format format, bool norange,
	       FILE *out)
{
	int rc;

	if (!c || !out)
		return CSTAT_EINVAL;
	if ((unsigned)format >= sizeof v1_formats / sizeof v1_formats[0])
		return CSTAT_EINVAL;
	if ((rc = compute(c)))
		return rc;
	struct cstat__v1_view v = {
		.strs = &c->strs,
		.gbs = c->gbs,
		.threads = c->threads,
		.configs = c->configs.v,
		.nconfigs = c->configs.n,
		.groups = c->groups.n > 1,
		.tables = c->tables,
		.ntables = c->ntables,
	};
	return v1_formats[format](&v, norange, out);
}
