/*
 * v1.c - the pre-2023 benchstat: its reader, its statistics and its tables.
 *
 * This is golang.org/x/perf's benchstat package as it was before the 2023
 * rewrite (the last version, 91a0461), behind cstat -v1.  Files are read as
 * the old storage/benchfmt reader read them: configuration lines set labels
 * (those above the first blank line are fixed for the file), a line whose
 * first word starts with "Benchmark" is a result, and anything malformed is
 * skipped without a word.  Units are kept as written and names keep their
 * "-N" suffix.  Results with the same file name, group (the -split labels),
 * name and unit are pooled, so a path given twice compares with itself.
 *
 * The statistics are the old ones: outliers beyond 1.5 IQR of the R8
 * quartiles are dropped, the center is the mean of what is left, the "±" is
 * the largest relative deviation from that mean, and a change is shown when
 * the U test (or Welch's t-test) gives p < alpha.  See docs/v1.md for why
 * the current cstat does otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "numfmt.h"
#include "stats.h"
#include "readers/readers.h"
#include "v1.h"

#define NONE UINT32_MAX

/* A (config, group, benchmark, unit) key and the index it maps to. */
struct qmap {
	uint32_t (*keys)[4];
	uint32_t *vals;
	size_t count, nslots; /* nslots is a power of two */
};

struct id_list {
	uint32_t *v;
	size_t n, cap;
};

struct label {
	char *key, *val;
};

struct labels {
	struct label *v;
	size_t n, cap;
};

struct cstat_v1 {
	struct cstat_v1_opts opts;
	char **split;
	size_t nsplit;
	struct cstat__strtab strs;
	struct id_list configs; /* one per file, duplicates kept */
	struct id_list groups;
	struct id_list *benches; /* per group */
	struct id_list units;
	struct cstat__v1_metrics *m;
	size_t nm, mcap;
	struct qmap mmap;  /* key -> metrics index */
	struct qmap bench; /* (group, bench) -> 1 */
	struct cstat__v1_table *tables;
	size_t ntables;
};

static uint64_t
qhash(const uint32_t k[4])
{
	uint64_t h = 0x9e3779b97f4a7c15ull;

	for (int i = 0; i < 4; i++) {
		h ^= k[i];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 33;
	}
	return h;
}

/* The value at k, or NONE. */
static uint32_t
qmap_get(const struct qmap *m, const uint32_t k[4])
{
	if (!m->nslots)
		return NONE;
	for (size_t i = qhash(k) & (m->nslots - 1);;
	     i = (i + 1) & (m->nslots - 1)) {
		if (m->vals[i] == NONE)
			return NONE;
		if (memcmp(m->keys[i], k, sizeof(m->keys[i])) == 0)
			return m->vals[i];
	}
}

static int
qmap_put(struct qmap *m, const uint32_t k[4], uint32_t val)
{
	if (2 * (m->count + 1) > m->nslots) {
		struct qmap g = {0};
		g.nslots = m->nslots ? 2 * m->nslots : 64;
		g.keys = malloc(g.nslots * sizeof(*g.keys));
		g.vals = malloc(g.nslots * sizeof(*g.vals));
		if (!g.keys || !g.vals) {
			free(g.keys);
			free(g.vals);
			return CSTAT_ENOMEM;
		}
		memset(g.vals, 0xff, g.nslots * sizeof(*g.vals));
		for (size_t i = 0; i < m->nslots; i++)
			if (m->vals[i] != NONE)
				qmap_put(&g, m->keys[i], m->vals[i]);
		free(m->keys);
		free(m->vals);
		*m = g;
	}
	size_t i = qhash(k) & (m->nslots - 1);
	while (m->vals[i] != NONE)
		i = (i + 1) & (m->nslots - 1);
	memcpy(m->keys[i], k, sizeof(m->keys[i]));
	m->vals[i] = val;
	m->count++;
	return 0;
}

static int
ids_add(struct id_list *l, uint32_t id)
{
	if (cstat__grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)))
		return CSTAT_ENOMEM;
	l->v[l->n++] = id;
	return 0;
}

/* Go's addString: append id unless it is already there. */
static int
ids_add_unique(struct id_list *l, uint32_t id)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i] == id)
			return 0;
	return ids_add(l, id);
}

/* ------------------------------------------------------------------------
 * Statistics.
 */

size_t
cstat__v1_trim(const double *x, size_t n, double *out)
{
	double *s;
	size_t k = 0;

	if (n == 0)
		return 0;
	s = malloc(n * sizeof(*s));
	if (!s)
		return 0;
	memcpy(s, x, n * sizeof(*s));
	cstat__sort_doubles(s, n);
	double q1 = cstat__quantile_sorted(s, n, 0.25);
	double q3 = cstat__quantile_sorted(s, n, 0.75);
	free(s);
	double lo = q1 - 1.5 * (q3 - q1), hi = q3 + 1.5 * (q3 - q1);
	for (size_t i = 0; i < n; i++)
		if (lo <= x[i] && x[i] <= hi)
			out[k++] = x[i];
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
	char num[CSTAT__GO_FIXED_SIZE(0)];
	cstat__fmt_go_fixed(num, sizeof(num), diff * 100.0, 0);
	snprintf(buf, size, "%s%%", num);
	return buf;
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

void
cstat__v1_scale(double val, const char *unit, double v, char *buf, size_t size)
{
	char num[CSTAT__SCALE_SIZE];
	const char *suffix;
	double scale;
	int prec;

	if (has_base_unit(unit, "ns/op") || has_base_unit(unit, "ns/GC")) {
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
		double x = val / 1e9;
		size_t i = 0;

		while (i < sizeof(t) / sizeof(t[0]) && !(x >= t[i].min))
			i++;
		if (i == sizeof(t) / sizeof(t[0])) {
			scale = 1000 * 1000 * 1000;
			prec = 2;
			suffix = "ns";
		} else {
			scale = t[i].scale;
			prec = t[i].prec;
			suffix = t[i].suffix;
		}
		cstat__fmt_go_fixed(num, sizeof(num), v / 1e9 * scale, prec);
		snprintf(buf, size, "%s%s", num, suffix);
		return;
	}

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
	bool mbs = has_base_unit(unit, "MB/s");
	double prescale = mbs ? 1e6 : 1.0;
	double x = val * prescale;
	const char *prefix = "";
	size_t i = 0;

	while (i < sizeof(s) / sizeof(s[0]) && !(x >= s[i].min))
		i++;
	if (i == sizeof(s) / sizeof(s[0])) {
		scale = 1;
		prec = 2;
	} else {
		scale = s[i].scale;
		prec = s[i].prec;
		prefix = s[i].prefix;
	}
	if (has_base_unit(unit, "B/op") || has_base_unit(unit, "bytes/op") ||
	    has_base_unit(unit, "bytes"))
		suffix = "B";
	else if (mbs)
		suffix = "B/s";
	else
		suffix = "";
	scale /= prescale;
	cstat__fmt_go_fixed(num, sizeof(num), v / scale, prec);
	snprintf(buf, size, "%s%s%s", num, prefix, suffix);
}

/* ------------------------------------------------------------------------
 * The collection.
 */

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

static void
free_tables(cstat_v1 *c)
{
	for (size_t t = 0; t < c->ntables; t++) {
		struct cstat__v1_table *tab = &c->tables[t];
		for (size_t r = 0; r < tab->nrows; r++) {
			free(tab->rows[r].cells);
			free(tab->rows[r].own);
		}
		free(tab->rows);
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
	free_tables(c);
	for (size_t i = 0; i < c->nsplit; i++)
		free(c->split[i]);
	free(c->split);
	for (size_t i = 0; i < c->nm; i++) {
		free(c->m[i].values);
		free(c->m[i].rvalues);
	}
	free(c->m);
	free(c->mmap.keys);
	free(c->mmap.vals);
	free(c->bench.keys);
	free(c->bench.vals);
	if (c->benches)
		for (size_t i = 0; i < c->groups.n; i++)
			free(c->benches[i].v);
	free(c->benches);
	free(c->configs.v);
	free(c->groups.v);
	free(c->units.v);
	cstat__strtab_release(&c->strs);
	free(c);
}

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

/* Whether the character at s is a Go unicode.IsSpace; *w gets its size. */
static bool
space_at(const char *s, const char *end, size_t *w)
{
	unsigned char c = (unsigned char)*s;

	if (c < 0x80) {
		*w = 1;
		return c == ' ' || (c >= '\t' && c <= '\r');
	}
	unsigned long cp;
	*w = cstat__utf8_decode((const unsigned char *)s, (size_t)(end - s),
				&cp);
	return cstat__unicode_space(cp);
}

/* The next strings.Fields word of [*p, end), or false at the end. */
static bool
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
			char sub[32];
			const char *k = p, *val = p;
			size_t kl, vl = plen;
			if (eq) {
				kl = (size_t)(eq - p);
				val = eq + 1;
				vl = plen - kl - 1;
			} else {
				snprintf(sub, sizeof(sub), "sub%u", i);
				k = sub;
				kl = strlen(sub);
			}
			/* Later parts win, as map assignments do. */
			if (kl == klen && memcmp(k, key, kl) == 0) {
				found = val;
				flen = vl;
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

/* makeGroup: "k:v k:v" over the -split labels that have a value. */
static int
make_group(cstat_v1 *c, const char *name, size_t nlen,
	   const struct labels *labels, uint32_t *id)
{
	struct cstat__buf b = {0};
	int rc = 0;

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
		if (b.len)
			rc = cstat__buf_addc(&b, ' ');
		if (!rc)
			rc = cstat__buf_printf(&b, "%s:%.*s", s, (int)vlen, v);
	}
	if (!rc)
		rc = cstat__strtab_intern(&c->strs, b.len ? b.data : "", b.len,
					  id);
	cstat__buf_release(&b);
	return rc ? CSTAT_ENOMEM : 0;
}

/* addMetrics: the metrics of a key, created (and listed) if new. */
static int
add_metrics(cstat_v1 *c, const uint32_t key[4], size_t *out)
{
	uint32_t i = qmap_get(&c->mmap, key);
	uint32_t bk[4] = {key[1], key[2], 0, 0};

	if (i != NONE) {
		*out = i;
		return 0;
	}
	if (ids_add_unique(&c->configs, key[0]))
		return CSTAT_ENOMEM;
	size_t g;
	for (g = 0; g < c->groups.n && c->groups.v[g] != key[1]; g++)
		;
	if (g == c->groups.n) {
		struct id_list *nb = realloc(c->benches, (g + 1) * sizeof(*nb));
		if (!nb)
			return CSTAT_ENOMEM;
		c->benches = nb;
		memset(&nb[g], 0, sizeof(nb[g]));
		if (ids_add(&c->groups, key[1]))
			return CSTAT_ENOMEM;
	}
	if (qmap_get(&c->bench, bk) == NONE) {
		if (qmap_put(&c->bench, bk, 1) ||
		    ids_add(&c->benches[g], key[2]))
			return CSTAT_ENOMEM;
	}
	if (ids_add_unique(&c->units, key[3]))
		return CSTAT_ENOMEM;
	if (cstat__grow((void **)&c->m, &c->mcap, c->nm + 1, sizeof(*c->m)))
		return CSTAT_ENOMEM;
	memset(&c->m[c->nm], 0, sizeof(c->m[c->nm]));
	c->m[c->nm].unit = key[3];
	if (qmap_put(&c->mmap, key, (uint32_t)c->nm))
		return CSTAT_ENOMEM;
	*out = c->nm++;
	return 0;
}

/* addResult: one "Benchmark..." line. */
static int
add_result(cstat_v1 *c, uint32_t config, const char *line, size_t len,
	   const struct labels *labels)
{
	const char *f[64], *p = line, *end = line + len;
	size_t fl[64], n = 0;
	const char *w;
	size_t wl;
	uint32_t key[4] = {config, 0, 0, 0};
	long long iters;
	int rc;

	/* Only the first 4 fields are needed to decide; pairs are read as
	 * they come. */
	while (n < 2 && next_field(&p, end, &f[n], &fl[n]))
		n++;
	const char *rest = p;
	size_t more = 0;
	for (const char *q = p; more < 2 && next_field(&q, end, &w, &wl);)
		more++;
	if (n + more < 4)
		return 0;
	if (fl[0] < 9 || memcmp(f[0], "Benchmark", 9) != 0)
		return 0;
	cstat__parse_int(f[1], fl[1], &iters);
	if (iters == 0)
		return 0;
	rc = make_group(c, f[0] + 9, fl[0] - 9, labels, &key[1]);
	if (!rc)
		rc = cstat__strtab_intern(&c->strs, f[0] + 9, fl[0] - 9,
					  &key[2]);
	if (rc)
		return CSTAT_ENOMEM;
	p = rest;
	const char *vf, *uf;
	size_t vl, ul;
	while (next_field(&p, end, &vf, &vl)) {
		if (!next_field(&p, end, &uf, &ul))
			break; /* a dangling last token */
		double val;
		if (cstat__parse_float(vf, vl, &val))
			continue;
		if (cstat__strtab_intern(&c->strs, uf, ul, &key[3]))
			return CSTAT_ENOMEM;
		size_t mi;
		if ((rc = add_metrics(c, key, &mi)))
			return rc;
		struct cstat__v1_metrics *m = &c->m[mi];
		if (cstat__grow((void **)&m->values, &m->cap, m->n + 1,
				sizeof(*m->values)))
			return CSTAT_ENOMEM;
		m->values[m->n++] = val;
	}
	return 0;
}

int
cstat_v1_add_mem(cstat_v1 *c, const char *name, const char *data, size_t len)
{
	struct labels labels = {0}, perm = {0};
	bool have_perm = false;
	uint32_t config;
	int rc;

	if (!c || !name || (!data && len))
		return CSTAT_EINVAL;
	free_tables(c);
	if (cstat__strtab_intern(&c->strs, name, strlen(name), &config) ||
	    ids_add(&c->configs, config))
		return CSTAT_ENOMEM;
	rc = 0;
	for (size_t pos = 0; pos < len && !rc;) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl != NULL);
		/* bufio.ScanLines drops one "\r" before the newline. */
		if (n && line[n - 1] == '\r')
			n--;
		size_t klen, vlen;
		const char *val;
		if (key_value(line, n, &klen, &val, &vlen)) {
			if (!labels_get(&perm, line, klen))
				rc = labels_set(&labels, line, klen, val, vlen);
			continue;
		}
		if (!have_perm) {
			have_perm = true;
			/* Labels above a first blank line are fixed. */
			for (size_t i = 0; n == 0 && i < labels.n && !rc; i++)
				rc = labels_set(&perm, labels.v[i].key,
						strlen(labels.v[i].key),
						labels.v[i].val,
						strlen(labels.v[i].val));
		}
		/* parseBenchmarkLine: a space must follow the name. */
		size_t w;
		const char *s = line;
		while (s < line + n && !space_at(s, line + n, &w))
			s += w;
		if (s == line + n || n < 9 || memcmp(line, "Benchmark", 9))
			continue;
		rc = add_result(c, config, line, n, &labels);
	}
	labels_release(&labels);
	labels_release(&perm);
	return rc;
}

/*
 * The pre-2023 benchstat read Go benchmark text only, and so does -v1: an
 * input that another of cstat's formats claims, or JSON, is refused with
 * a word on what it is rather than read as text without benchmarks.
 */
static int
refuse_other_formats(const char *path, const char *data, size_t len,
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
		cstat__format_sniff(data + i, n, n == len - i);

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

int
cstat_v1_add_file(cstat_v1 *c, const char *path, struct cstat_diag *d)
{
	struct cstat__buf b = {0};
	char why[128];
	int fd, rc = 0;

	if (!c || !path)
		return CSTAT_EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		cstat__errno_text(err, why, sizeof(why));
		cstat__diag_set(d, NULL, 0, 0, "open %s: %s", path, why);
		return cstat__errno_code(err);
	}
	for (;;) {
		if (cstat__buf_reserve(&b, 1 << 16)) {
			rc = CSTAT_ENOMEM;
			break;
		}
		ssize_t got = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int err = errno;
			cstat__errno_text(err, why, sizeof(why));
			cstat__diag_set(d, NULL, 0, 0, "read %s: %s", path,
					why);
			rc = cstat__errno_code(err);
			break;
		}
		if (got == 0)
			break;
		b.len += (size_t)got;
	}
	close(fd);
	if (!rc)
		rc = refuse_other_formats(path, b.data ? b.data : "", b.len, d);
	if (!rc)
		rc = cstat_v1_add_mem(c, path, b.data ? b.data : "", b.len);
	cstat__buf_release(&b);
	return rc;
}

/* ------------------------------------------------------------------------
 * Tables.
 */

static int
compute_stats(struct cstat__v1_metrics *m)
{
	free(m->rvalues);
	m->rvalues = malloc((m->n ? m->n : 1) * sizeof(*m->rvalues));
	if (!m->rvalues)
		return CSTAT_ENOMEM;
	m->nr = cstat__v1_trim(m->values, m->n, m->rvalues);
	cstat__v1_bounds(m->rvalues, m->nr, &m->min, &m->max);
	m->mean = cstat__v1_mean(m->rvalues, m->nr);
	return 0;
}

static const struct cstat__v1_metrics *
lookup(const cstat_v1 *c, uint32_t config, uint32_t group, uint32_t bench,
       uint32_t unit)
{
	uint32_t key[4] = {config, group, bench, unit};
	uint32_t i = qmap_get(&c->mmap, key);

	return i == NONE ? NULL : &c->m[i];
}

/* Runs the delta test and fills the row's delta, note and change. */
static int
delta_row(const cstat_v1 *c, struct cstat__v1_table *t, struct cstat__v1_row *r,
	  const struct cstat__v1_metrics *o, const struct cstat__v1_metrics *n,
	  struct cstat__ucache *cache)
{
	double p = -1;
	int st = CSTAT__V1_OK;

	if (c->opts.test == CSTAT_V1_UTEST) {
		if (o->nr == 0 || n->nr == 0) {
			st = CSTAT__V1_TOO_FEW;
		} else {
			int rc = cstat__mann_whitney(cache, o->rvalues, o->nr,
						     n->rvalues, n->nr, &p);
			if (rc == CSTAT_SAMPLES_EQUAL)
				st = CSTAT__V1_ALL_EQUAL;
			else if (rc < 0)
				return rc;
		}
	} else if (c->opts.test == CSTAT_V1_TTEST) {
		st = cstat__v1_welch(o->rvalues, o->nr, n->rvalues, n->nr, &p);
	}
	if (st != CSTAT__V1_OK)
		p = -1;
	strcpy(r->delta, "~");
	if (st == CSTAT__V1_ZERO_VAR) {
		strcpy(r->note, "(zero variance)");
	} else if (st == CSTAT__V1_TOO_FEW) {
		strcpy(r->note, "(too few samples)");
	} else if (st == CSTAT__V1_ALL_EQUAL) {
		strcpy(r->note, "(all equal)");
	} else if (cstat__v1_significant(p, c->opts.alpha)) {
		if (n->mean == o->mean) {
			strcpy(r->delta, "0.00%");
		} else {
			char num[CSTAT__GO_FIXED_SIZE(2)];
			double pct = ((n->mean / o->mean) - 1.0) * 100.0;
			cstat__fmt_go_fixed(num, sizeof(num), pct, 2);
			snprintf(r->delta, sizeof(r->delta), "%s%s%%",
				 num[0] == '-' || num[0] == '+' ? "" : "+",
				 num);
			r->pct = pct;
			/* Smaller is better, except for speeds. */
			r->change =
				(pct < 0) == (strcmp(t->metric, "speed") != 0)
					? 1
					: -1;
		}
	}
	if (!r->note[0] && p != -1) {
		char num[CSTAT__GO_FIXED_SIZE(3)];
		cstat__fmt_go_fixed(num, sizeof(num), p, 3);
		snprintf(r->note, sizeof(r->note), "(p=%s n=%zu+%zu)", num,
			 o->nr, n->nr);
	}
	return 0;
}

static int
add_row(struct cstat__v1_table *t, size_t *cap, struct cstat__v1_row **out)
{
	if (cstat__grow((void **)&t->rows, cap, t->nrows + 1, sizeof(*t->rows)))
		return CSTAT_ENOMEM;
	*out = &t->rows[t->nrows];
	memset(*out, 0, sizeof(**out));
	return 0;
}

/* addGeomean: the "[Geo mean]" row of a table. */
static int
add_geomean(const cstat_v1 *c, struct cstat__v1_table *t, size_t *cap)
{
	size_t nc = c->configs.n, maxcount = 0, nmeans = 0;
	double *means = NULL, geo[2] = {0, 0};
	struct cstat__v1_row *r;
	bool delta = t->oldnew;
	int rc = 0;

	size_t total = 0;
	for (size_t g = 0; g < c->groups.n; g++)
		total += c->benches[g].n;
	means = malloc((total ? total : 1) * sizeof(*means));
	struct cstat__v1_metrics *own = calloc(nc, sizeof(*own));
	const struct cstat__v1_metrics **cells = calloc(nc, sizeof(*cells));
	if (!means || !own || !cells) {
		rc = CSTAT_ENOMEM;
		goto out;
	}
	bool has_scaler = false;
	double scale_val = 0;
	size_t ngeo = 0;
	for (size_t k = 0; k < nc; k++) {
		nmeans = 0;
		for (size_t g = 0; g < c->groups.n; g++) {
			for (size_t b = 0; b < c->benches[g].n; b++) {
				const struct cstat__v1_metrics *m = lookup(
					c, c->configs.v[k], c->groups.v[g],
					c->benches[g].v[b], t->unit);
				/* Zero means would make it 0 or NaN. */
				if (m && m->mean != 0)
					means[nmeans++] = m->mean;
			}
		}
		if (nmeans == 0) {
			delta = false;
			continue;
		}
		double gm = cstat__geomean(means, nmeans);
		if (ngeo < 2)
			geo[ngeo] = gm;
		ngeo++;
		if (!has_scaler) {
			has_scaler = true;
			scale_val = gm;
		}
		own[k].unit = t->unit;
		own[k].mean = gm;
		cells[k] = &own[k];
		if (nmeans > maxcount)
			maxcount = nmeans;
	}
	if (maxcount <= 1)
		goto out;
	if ((rc = add_row(t, cap, &r)))
		goto out;
	r->bench = NONE;
	r->cells = cells;
	r->own = own;
	r->has_scaler = has_scaler;
	r->scale_val = scale_val;
	cells = NULL;
	own = NULL;
	t->nrows++;
	if (delta) {
		char num[CSTAT__GO_FIXED_SIZE(2)];
		cstat__fmt_go_fixed(num, sizeof(num),
				    ((geo[1] / geo[0]) - 1.0) * 100.0, 2);
		snprintf(r->delta, sizeof(r->delta), "%s%s%%",
			 num[0] == '-' || num[0] == '+' ? "" : "+", num);
	}
out:
	free(means);
	free(own);
	free(cells);
	return rc;
}

/* The sort key of a row for -sort delta: |pct| * change. */
static double
delta_key(const struct cstat__v1_row *r)
{
	return fabs(r->pct) * (double)r->change;
}

/* Whether a sorts before b, for the given mode (before reversal). */
static bool
row_less(const cstat_v1 *c, int mode, const struct cstat__v1_row *a,
	 const struct cstat__v1_row *b)
{
	if (mode == CSTAT_V1_SORT_NAME || mode == CSTAT_V1_SORT_NAME_DESC)
		return strcmp(cstat__strtab_str(&c->strs, a->bench),
			      cstat__strtab_str(&c->strs, b->bench)) < 0;
	return delta_key(a) < delta_key(b);
}

/* A stable insertion-merge sort of the rows (sort.SliceStable). */
static int
sort_rows(const cstat_v1 *c, struct cstat__v1_table *t)
{
	int mode = c->opts.sort;
	bool rev = mode == CSTAT_V1_SORT_NAME_DESC ||
		   mode == CSTAT_V1_SORT_DELTA_DESC;
	size_t n = t->nrows;
	struct cstat__v1_row *tmp;

	if (mode == CSTAT_V1_SORT_NONE || n < 2)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return CSTAT_ENOMEM;
	/* Bottom-up merge sort: stable. */
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				const struct cstat__v1_row *a = &t->rows[i],
							   *b = &t->rows[j];
				bool take_b = rev ? row_less(c, mode, a, b)
						  : row_less(c, mode, b, a);
				tmp[k++] = take_b ? t->rows[j++] : t->rows[i++];
			}
			while (i < mid)
				tmp[k++] = t->rows[i++];
			while (j < hi)
				tmp[k++] = t->rows[j++];
		}
		memcpy(t->rows, tmp, n * sizeof(*tmp));
	}
	free(tmp);
	return 0;
}

/* Tables(): one table per unit, in first-seen order. */
static int
build_tables(cstat_v1 *c)
{
	struct cstat__ucache *cache = NULL;
	size_t nc = c->configs.n;
	int rc;

	free_tables(c);
	for (size_t i = 0; i < c->nm; i++)
		if ((rc = compute_stats(&c->m[i])))
			return rc;
	if ((rc = cstat__ucache_new(&cache)))
		return rc;
	c->tables = calloc(c->units.n ? c->units.n : 1, sizeof(*c->tables));
	if (!c->tables) {
		rc = CSTAT_ENOMEM;
		goto out;
	}
	for (size_t u = 0; u < c->units.n; u++) {
		struct cstat__v1_table *t = &c->tables[c->ntables];
		size_t cap = 0;
		memset(t, 0, sizeof(*t));
		t->unit = c->units.v[u];
		cstat__v1_metric_of(cstat__strtab_str(&c->strs, t->unit),
				    t->metric, sizeof(t->metric));
		t->oldnew = nc == 2;
		c->ntables++;
		for (size_t g = 0; g < c->groups.n; g++) {
			for (size_t b = 0; b < c->benches[g].n; b++) {
				uint32_t bench = c->benches[g].v[b];
				uint32_t group = c->groups.v[g];
				const struct cstat__v1_metrics *o = NULL,
							       *n = NULL;
				if (t->oldnew) {
					o = lookup(c, c->configs.v[0], group,
						   bench, t->unit);
					n = lookup(c, c->configs.v[1], group,
						   bench, t->unit);
					/* A row missing on either side is
					 * dropped. */
					if (!o || !n)
						continue;
				}
				struct cstat__v1_row *r;
				if ((rc = add_row(t, &cap, &r)))
					goto out;
				r->bench = bench;
				r->group = c->groups.n > 1 ? group : 0;
				r->cells = calloc(nc, sizeof(*r->cells));
				if (!r->cells) {
					rc = CSTAT_ENOMEM;
					goto out;
				}
				t->nrows++;
				for (size_t k = 0; k < nc; k++) {
					const struct cstat__v1_metrics *m =
						lookup(c, c->configs.v[k],
						       group, bench, t->unit);
					r->cells[k] = m;
					if (m && !r->has_scaler) {
						r->has_scaler = true;
						r->scale_val = m->mean;
					}
				}
				if (t->oldnew &&
				    (rc = delta_row(c, t, r, o, n, cache)))
					goto out;
			}
		}
		if (t->nrows == 0) {
			free(t->rows);
			c->ntables--;
			continue;
		}
		if ((rc = sort_rows(c, t)))
			goto out;
		if (c->opts.geomean && (rc = add_geomean(c, t, &cap)))
			goto out;
	}
	rc = 0;
out:
	cstat__ucache_free(cache);
	return rc;
}

int
cstat_v1_write(cstat_v1 *c, enum cstat_v1_format format, bool norange,
	       FILE *out)
{
	int rc;

	if (!c || !out)
		return CSTAT_EINVAL;
	if (format != CSTAT_V1_TEXT && format != CSTAT_V1_CSV &&
	    format != CSTAT_V1_HTML)
		return CSTAT_EINVAL;
	if ((rc = build_tables(c)))
		return rc;
	struct cstat__v1_view v = {
		.strs = &c->strs,
		.configs = c->configs.v,
		.nconfigs = c->configs.n,
		.groups = c->groups.n > 1,
		.tables = c->tables,
		.ntables = c->ntables,
	};
	switch (format) {
	case CSTAT_V1_CSV:
		return cstat__v1_write_csv(&v, norange, out);
	case CSTAT_V1_HTML:
		return cstat__v1_write_html(&v, out);
	default:
		return cstat__v1_write_text(&v, out);
	}
}
