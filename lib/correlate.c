/*
 * Metric correlation: how the units of a comparison move together.
 *
 * Results are kept per benchmark (name and "pkg" configuration), input
 * and unit, in the order added, each value with the ordinal of its result
 * line within its benchmark and input.  Across benchmarks, each
 * benchmark's change in a unit is ln(median of input j / median of input
 * 0), the comparison's centre, and each pair of units gets Spearman's rho
 * of their changes.  Within benchmarks, the values of two units from the
 * same result line are paired, and each benchmark gets its own rho.
 *
 * The interval is Fisher's z with Bonett and Wright's (2000) standard
 * error for Spearman's rho, sqrt((1 + rho^2 / 2) / (n - 3)): the plain
 * 1 / sqrt(n - 3) is Pearson's and too narrow for rank correlations away
 * from 0, and Fieller's 1.06 / sqrt(n - 3) ignores that the variance
 * shrinks as |rho| grows less than Pearson's does.  Bonett and Wright
 * report coverage close to nominal for n >= 10 and |rho| <= 0.9; the
 * statistics suite measures it (tests/stats-correlate.c).
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "correlate.h"
#include "cstat.h"
#include "stats.h"

/* One input's values of one benchmark and unit, in the order added. */
struct cell {
	size_t input, unit;
	double *v;
	size_t *line; /* the ordinal of each value's result line */
	size_t n, cap;
	double median;
};

struct bench {
	char *name, *pkg;
	struct cell *c;
	size_t nc, capc;
	size_t *nres; /* result lines added, per input */
};

struct cstat_correlate {
	size_t ninputs;
	double confidence;
	char **labels;
	char **units;
	size_t nunits, capu;
	struct bench *b;
	size_t nb, capb, last;
	size_t *slots; /* open addressing by bench_hash(): index + 1, 0 free */
	size_t nslots; /* a power of 2, more than twice nb */
	struct cstat_correlate_pair *pairs;
	struct cstat__corr_points *pts; /* per pair */
	size_t npairs, cappairs;
	struct cstat_correlate_within *within;
	size_t nwithin, capwithin;
	bool built;
};

static int
cmp_idx(const void *a, const void *b, const double *v)
{
	double x = v[*(const size_t *)a], y = v[*(const size_t *)b];

	return (x > y) - (x < y);
}

/* qsort has no context argument: sort indices by insertion on small n,
 * else by merge sort with the values at hand. */
static void
sort_idx(size_t *idx, size_t *tmp, size_t n, const double *v)
{
	if (n < 16) {
		for (size_t i = 1; i < n; i++) {
			size_t k = idx[i], j = i;
			for (; j > 0 && cmp_idx(&idx[j - 1], &k, v) > 0; j--)
				idx[j] = idx[j - 1];
			idx[j] = k;
		}
		return;
	}
	size_t h = n / 2, i = 0, j = h, k = 0;
	sort_idx(idx, tmp, h, v);
	sort_idx(idx + h, tmp, n - h, v);
	while (i < h && j < n)
		tmp[k++] =
			cmp_idx(&idx[j], &idx[i], v) < 0 ? idx[j++] : idx[i++];
	while (i < h)
		tmp[k++] = idx[i++];
	while (j < n)
		tmp[k++] = idx[j++];
	memcpy(idx, tmp, n * sizeof(*idx));
}

/* The average ranks (1-based) of v[0..n) into r; false if all are tied. */
static bool
midranks(const double *v, size_t n, double *r, size_t *idx, size_t *tmp)
{
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	sort_idx(idx, tmp, n, v);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && v[idx[j]] == v[idx[i]])
			j++;
		double avg = (double)(i + 1 + j) / 2;
		for (size_t k = i; k < j; k++)
			r[idx[k]] = avg;
		if (i == 0 && j == n)
			return false;
		i = j;
	}
	return true;
}

/* Pearson's r of the ranks, whose mean is (n + 1) / 2 exactly. */
static double
rank_pearson(const double *rx, const double *ry, size_t n)
{
	double m = (double)(n + 1) / 2, sxy = 0, sxx = 0, syy = 0;

	for (size_t i = 0; i < n; i++) {
		double dx = rx[i] - m, dy = ry[i] - m;
		sxy += dx * dy;
		sxx += dx * dx;
		syy += dy * dy;
	}
	return fmax(-1, fmin(1, sxy / sqrt(sxx * syy)));
}

/* The interval of r from n pairs (see the top of the file). */
static void
rho_interval(struct cstat_rho *o, double confidence)
{
	double n = (double)o->n, r = o->rho;

	if (o->n < 4) {
		o->lo = -1;
		o->hi = 1;
		return;
	}
	/* z is infinite at |rho| = 1: take the interval at the largest
	 * |rho| below 1 that n untied ranks give, and widen it to hold the
	 * estimate (ties can give values between that and 1). */
	double cap = 1 - 12 / (n * n * n - n);
	double rz = fmax(-cap, fmin(cap, r));
	double se = sqrt((1 + rz * rz / 2) / (n - 3));
	double q = gsl_cdf_ugaussian_Qinv((1 - confidence) / 2);
	o->lo = tanh(atanh(rz) - q * se);
	o->hi = tanh(atanh(rz) + q * se);
	o->lo = fmin(o->lo, r);
	o->hi = fmax(o->hi, r);
}

static void
rho_reset(struct cstat_rho *o)
{
	memset(o, 0, sizeof(*o));
	o->status = CSTAT_RHO_FEW;
	o->rho = o->lo = o->hi = NAN;
}

/* Spearman of the m finite pairs at x, y (scratch: 4m doubles, 2m
 * indices). */
static void
spearman_finite(const double *x, const double *y, size_t m, double conf,
		double *rx, double *ry, size_t *idx, size_t *tmp,
		struct cstat_rho *o)
{
	o->n = m;
	if (m < 3)
		return;
	if (!midranks(x, m, rx, idx, tmp) || !midranks(y, m, ry, idx, tmp)) {
		o->status = CSTAT_RHO_CONSTANT;
		return;
	}
	o->status = CSTAT_RHO_OK;
	o->rho = rank_pearson(rx, ry, m);
	rho_interval(o, conf);
	if (fabs(o->rho) >= CSTAT_RHO_STRONG && (o->lo > 0 || o->hi < 0))
		o->strong = o->rho > 0 ? 1 : -1;
}

int
cstat_correlate_spearman(const double *x, const double *y, size_t n,
			 double confidence, struct cstat_rho *out)
{
	if (!out || (n && (!x || !y)) || !(confidence > 0 && confidence < 1))
		return CSTAT_EINVAL;
	rho_reset(out);
	size_t m = n ? n : 1;
	double *fx = malloc(4 * m * sizeof(*fx));
	size_t *idx = malloc(2 * m * sizeof(*idx)), k = 0;

	if (!fx || !idx) {
		free(fx);
		free(idx);
		return CSTAT_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !isfinite(y[i])) {
			out->dropped++;
			continue;
		}
		fx[k] = x[i];
		fx[m + k] = y[i];
		k++;
	}
	spearman_finite(fx, fx + m, k, confidence, fx + 2 * m, fx + 3 * m, idx,
			idx + m, out);
	free(fx);
	free(idx);
	return 0;
}

int
cstat_correlate_new(cstat_correlate **out, size_t ninputs, double confidence)
{
	if (!out)
		return CSTAT_EINVAL;
	*out = NULL;
	if (!ninputs || !(confidence > 0 && confidence < 1))
		return CSTAT_EINVAL;
	cstat_correlate *c = calloc(1, sizeof(*c));
	if (!c)
		return CSTAT_ENOMEM;
	c->ninputs = ninputs;
	c->confidence = confidence;
	c->labels = calloc(ninputs, sizeof(*c->labels));
	if (!c->labels) {
		free(c);
		return CSTAT_ENOMEM;
	}
	*out = c;
	return 0;
}

static void
bench_free(struct bench *b)
{
	for (size_t i = 0; i < b->nc; i++) {
		free(b->c[i].v);
		free(b->c[i].line);
	}
	free(b->c);
	free(b->nres);
	free(b->name);
	free(b->pkg);
}

void
cstat_correlate_free(cstat_correlate *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nb; i++)
		bench_free(&c->b[i]);
	for (size_t i = 0; i < c->nunits; i++)
		free(c->units[i]);
	for (size_t i = 0; i < c->ninputs; i++)
		free(c->labels[i]);
	for (size_t i = 0; i < c->npairs; i++) {
		free(c->pts[i].x);
		free(c->pts[i].y);
		free(c->pts[i].bench);
	}
	for (size_t i = 0; i < c->nwithin; i++)
		free((void *)c->within[i].bench);
	free(c->pairs);
	free(c->pts);
	free(c->within);
	free(c->units);
	free(c->labels);
	free(c->b);
	free(c->slots);
	free(c);
}

/* Grows *p (of *cap elements of size sz) to hold n + 1; false when out of
 * memory. */
static bool
grow(void **p, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return true;
	size_t ncap = *cap ? 2 * *cap : 8;
	void *q = realloc(*p, ncap * sz);
	if (!q)
		return false;
	*p = q;
	*cap = ncap;
	return true;
}

static const char *
pkg_of(const struct cstat_result *res)
{
	for (size_t i = 0; i < res->nconfig; i++)
		if (res->config[i].key && !strcmp(res->config[i].key, "pkg"))
			return res->config[i].value ? res->config[i].value : "";
	return "";
}

static bool
bench_is(const struct bench *b, const struct cstat_result *res, const char *pkg)
{
	return strlen(b->name) == res->name_len &&
	       !memcmp(b->name, res->name, res->name_len) &&
	       !strcmp(b->pkg, pkg);
}

/* FNV-1a of the name, a NUL and the package. */
static size_t
bench_hash(const char *name, size_t len, const char *pkg)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 0x100000001b3u;
	h *= 0x100000001b3u;
	for (; *pkg; pkg++)
		h = (h ^ (unsigned char)*pkg) * 0x100000001b3u;
	return (size_t)h;
}

/* The slot of res's benchmark: its own, or the free one it would take. */
static size_t *
bench_slot(const cstat_correlate *c, const struct cstat_result *res,
	   const char *pkg)
{
	size_t mask = c->nslots - 1;
	size_t i = bench_hash(res->name, res->name_len, pkg) & mask;

	while (c->slots[i] && !bench_is(&c->b[c->slots[i] - 1], res, pkg))
		i = (i + 1) & mask;
	return &c->slots[i];
}

/* Doubles the slots (at least 64), placing every benchmark again. */
static bool
rehash(cstat_correlate *c)
{
	size_t n = c->nslots ? 2 * c->nslots : 64, *old = c->slots;

	c->slots = calloc(n, sizeof(*c->slots));
	if (!c->slots) {
		c->slots = old;
		return false;
	}
	free(old);
	c->nslots = n;
	for (size_t k = 0; k < c->nb; k++) {
		struct cstat_result r = {0};
		r.name = c->b[k].name;
		r.name_len = strlen(c->b[k].name);
		*bench_slot(c, &r, c->b[k].pkg) = k + 1;
	}
	return true;
}

/* The benchmark of res, added if new; NULL when out of memory.  Results
 * of one benchmark mostly come together: the last one is tried first. */
static struct bench *
bench_of(cstat_correlate *c, const struct cstat_result *res)
{
	const char *pkg = pkg_of(res);

	if (c->nb && bench_is(&c->b[c->last], res, pkg))
		return &c->b[c->last];
	if (2 * (c->nb + 1) > c->nslots && !rehash(c))
		return NULL;
	size_t *slot = bench_slot(c, res, pkg);
	if (*slot)
		return &c->b[c->last = *slot - 1];
	if (!grow((void **)&c->b, &c->capb, c->nb, sizeof(*c->b)))
		return NULL;
	struct bench *b = &c->b[c->nb];
	memset(b, 0, sizeof(*b));
	b->name = strndup(res->name, res->name_len);
	b->pkg = strdup(pkg);
	b->nres = calloc(c->ninputs, sizeof(*b->nres));
	if (!b->name || !b->pkg || !b->nres) {
		bench_free(b);
		return NULL;
	}
	*slot = c->nb + 1;
	c->last = c->nb++;
	return b;
}

/* The index of unit u, added if new; SIZE_MAX when out of memory. */
static size_t
unit_of(cstat_correlate *c, const char *u)
{
	for (size_t i = 0; i < c->nunits; i++)
		if (!strcmp(c->units[i], u))
			return i;
	if (!grow((void **)&c->units, &c->capu, c->nunits, sizeof(char *)) ||
	    !(c->units[c->nunits] = strdup(u)))
		return SIZE_MAX;
	return c->nunits++;
}

static struct cell *
cell_of(struct bench *b, size_t input, size_t unit)
{
	for (size_t i = 0; i < b->nc; i++)
		if (b->c[i].input == input && b->c[i].unit == unit)
			return &b->c[i];
	if (!grow((void **)&b->c, &b->capc, b->nc, sizeof(*b->c)))
		return NULL;
	struct cell *e = &b->c[b->nc++];
	memset(e, 0, sizeof(*e));
	e->input = input;
	e->unit = unit;
	return e;
}

static int
cell_add(struct cell *e, double v, size_t line)
{
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 8;
		double *nv = realloc(e->v, cap * sizeof(*nv));
		if (nv)
			e->v = nv;
		size_t *nl = realloc(e->line, cap * sizeof(*nl));
		if (nl)
			e->line = nl;
		if (!nv || !nl)
			return CSTAT_ENOMEM;
		e->cap = cap;
	}
	e->v[e->n] = v;
	e->line[e->n++] = line;
	return 0;
}

int
cstat_correlate_add(cstat_correlate *c, size_t input,
		    const struct cstat_result *res)
{
	if (!c || !res || input >= c->ninputs)
		return CSTAT_EINVAL;
	if (c->built)
		return CSTAT_ESTATE;
	if (!c->labels[input] && res->file &&
	    !(c->labels[input] = strdup(res->file)))
		return CSTAT_ENOMEM;
	struct bench *b = bench_of(c, res);
	if (!b)
		return CSTAT_ENOMEM;
	size_t line = b->nres[input]++;
	for (size_t i = 0; i < res->nvalues; i++) {
		size_t u = unit_of(c, res->values[i].unit);
		struct cell *e = u == SIZE_MAX ? NULL : cell_of(b, input, u);
		if (!e || cell_add(e, res->values[i].value, line))
			return CSTAT_ENOMEM;
	}
	return 0;
}

/* Each cell's median (R8, as the comparison's centre); NaN values are
 * left out of it. */
static int
medians(cstat_correlate *c)
{
	for (size_t i = 0; i < c->nb; i++) {
		for (size_t k = 0; k < c->b[i].nc; k++) {
			struct cell *e = &c->b[i].c[k];
			double *t = malloc((e->n ? e->n : 1) * sizeof(*t));
			size_t m = 0;
			if (!t)
				return CSTAT_ENOMEM;
			for (size_t j = 0; j < e->n; j++)
				if (!isnan(e->v[j]))
					t[m++] = e->v[j];
			e->median = cstat__median_select(t, m);
			free(t);
		}
	}
	return 0;
}

static const struct cell *
find_cell(const struct bench *b, size_t input, size_t unit)
{
	for (size_t i = 0; i < b->nc; i++)
		if (b->c[i].input == input && b->c[i].unit == unit && b->c[i].n)
			return &b->c[i];
	return NULL;
}

/* Benchmark b's change in unit u from input 0 to input j; false when it
 * lacks either cell. */
static bool
change(const struct bench *b, size_t j, size_t u, double *d)
{
	const struct cell *o = find_cell(b, 0, u), *n = find_cell(b, j, u);

	if (!o || !n)
		return false;
	*d = log(n->median / o->median);
	return true;
}

/* The changes of units a and u to input j over every benchmark, and
 * their rho, as the next pair (none when no benchmark has both). */
static int
across_pair(cstat_correlate *c, size_t j, size_t a, size_t u)
{
	struct cstat__corr_points p = {0};
	double da, du;
	int rc = CSTAT_ENOMEM;

	p.x = malloc((c->nb + 1) * sizeof(*p.x));
	p.y = malloc((c->nb + 1) * sizeof(*p.y));
	p.bench = malloc((c->nb + 1) * sizeof(*p.bench));
	if (!p.x || !p.y || !p.bench)
		goto out_nomem;
	for (size_t i = 0; i < c->nb; i++) {
		if (!change(&c->b[i], j, a, &da) ||
		    !change(&c->b[i], j, u, &du))
			continue;
		p.x[p.n] = da;
		p.y[p.n] = du;
		p.bench[p.n++] = c->b[i].name;
	}
	if (!p.n) {
		free(p.x);
		free(p.y);
		free(p.bench);
		return 0;
	}
	if (!grow((void **)&c->pairs, &c->cappairs, c->npairs,
		  sizeof(*c->pairs)))
		goto out_nomem;
	struct cstat__corr_points *np =
		realloc(c->pts, c->cappairs * sizeof(*np));
	if (!np)
		goto out_nomem;
	c->pts = np;
	struct cstat_correlate_pair *q = &c->pairs[c->npairs];
	*q = (struct cstat_correlate_pair){c->units[a], c->units[u], j, {0}};
	rc = cstat_correlate_spearman(p.x, p.y, p.n, c->confidence, &q->r);
	if (rc)
		goto out_nomem;
	c->pts[c->npairs++] = p;
	return 0;
out_nomem:
	free(p.x);
	free(p.y);
	free(p.bench);
	return rc;
}

/* Benchmark b's values of units a and u in input j paired by result
 * line, and their rho. */
static int
within_bench(const struct bench *b, size_t j, size_t a, size_t u, double conf,
	     struct cstat_correlate_bench *out, bool *has)
{
	const struct cell *ca = find_cell(b, j, a), *cu = find_cell(b, j, u);

	*has = ca && cu;
	if (!*has)
		return 0;
	size_t m = ca->n < cu->n ? ca->n : cu->n, k = 0;
	double *x = malloc(2 * (m + 1) * sizeof(*x)), *y = x + m + 1;
	if (!x)
		return CSTAT_ENOMEM;
	/* Both cells hold their lines in increasing order: merge. */
	for (size_t p = 0, q = 0; p < ca->n && q < cu->n;) {
		if (ca->line[p] < cu->line[q]) {
			p++;
		} else if (ca->line[p] > cu->line[q]) {
			q++;
		} else {
			x[k] = ca->v[p++];
			y[k++] = cu->v[q++];
		}
	}
	out->name = b->name;
	int rc = cstat_correlate_spearman(x, y, k, conf, &out->r);
	free(x);
	return rc;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The summary of w's benchmarks. */
static int
within_summary(struct cstat_correlate_within *w)
{
	double *r = malloc((w->nbench + 1) * sizeof(*r));

	if (!r)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < w->nbench; i++) {
		const struct cstat_rho *o = &w->bench[i].r;
		if (o->status != CSTAT_RHO_OK)
			continue;
		r[w->nrho++] = o->rho;
		w->npos += o->lo > 0;
		w->nneg += o->hi < 0;
		w->nstrong += o->strong != 0;
	}
	qsort(r, w->nrho, sizeof(*r), cmp_double);
	w->median = cstat__quantile_sorted(r, w->nrho, 0.5);
	free(r);
	return 0;
}

static int
within_pair(cstat_correlate *c, size_t j, size_t a, size_t u)
{
	struct cstat_correlate_within w = {0};
	struct cstat_correlate_bench *bs = calloc(c->nb + 1, sizeof(*bs));
	bool has;
	int rc = 0;

	if (!bs)
		return CSTAT_ENOMEM;
	w.a = c->units[a];
	w.b = c->units[u];
	w.input = j;
	for (size_t i = 0; i < c->nb && !rc; i++) {
		rc = within_bench(&c->b[i], j, a, u, c->confidence,
				  &bs[w.nbench], &has);
		w.nbench += has;
	}
	w.bench = bs;
	if (!rc && w.nbench)
		rc = within_summary(&w);
	if (!rc && w.nbench &&
	    !grow((void **)&c->within, &c->capwithin, c->nwithin,
		  sizeof(*c->within)))
		rc = CSTAT_ENOMEM;
	if (rc || !w.nbench) {
		free(bs);
		return rc;
	}
	c->within[c->nwithin++] = w;
	return 0;
}

int
cstat_correlate_build(cstat_correlate *c)
{
	if (!c)
		return CSTAT_EINVAL;
	if (c->built)
		return CSTAT_ESTATE;
	int rc = medians(c);
	for (size_t j = 1; j < c->ninputs && !rc; j++)
		for (size_t a = 0; a < c->nunits && !rc; a++)
			for (size_t u = a + 1; u < c->nunits && !rc; u++)
				rc = across_pair(c, j, a, u);
	for (size_t j = 0; j < c->ninputs && !rc; j++)
		for (size_t a = 0; a < c->nunits && !rc; a++)
			for (size_t u = a + 1; u < c->nunits && !rc; u++)
				rc = within_pair(c, j, a, u);
	if (!rc)
		c->built = true;
	return rc;
}

size_t
cstat_correlate_count(const cstat_correlate *c)
{
	return c && c->built ? c->npairs : 0;
}

const struct cstat_correlate_pair *
cstat_correlate_get(const cstat_correlate *c, size_t i)
{
	return c && c->built && i < c->npairs ? &c->pairs[i] : NULL;
}

size_t
cstat_correlate_within_count(const cstat_correlate *c)
{
	return c && c->built ? c->nwithin : 0;
}

const struct cstat_correlate_within *
cstat_correlate_within_get(const cstat_correlate *c, size_t i)
{
	return c && c->built && i < c->nwithin ? &c->within[i] : NULL;
}

const char *
cstat_correlate_label(const cstat_correlate *c, size_t input)
{
	if (!c || input >= c->ninputs)
		return NULL;
	return c->labels[input] ? c->labels[input] : "";
}

double
cstat_correlate_confidence(const cstat_correlate *c)
{
	return c ? c->confidence : NAN;
}

size_t
cstat__correlate_inputs(const cstat_correlate *c)
{
	return c ? c->ninputs : 0;
}

bool
cstat__correlate_built(const cstat_correlate *c)
{
	return c && c->built;
}

const struct cstat__corr_points *
cstat__correlate_points(const cstat_correlate *c, size_t i)
{
	return c && c->built && i < c->npairs ? &c->pts[i] : NULL;
}
