/*
 * Scaling analysis: how a benchmark's cost grows with a numeric
 * sub-benchmark key (BenchmarkSort/n=1000 has key n).
 *
 * Results are grouped by family (the name without the key's part) and
 * unit, one series of (n, value) points per input.  Each series is fitted
 * as cost = c * n^k on log-log axes by Theil-Sen: k is the median of the
 * slopes of every pair of points with different n.  All points are used,
 * not the medians per n, because benchmark files hold few sizes (3 to 8)
 * and several runs of each: over the medians of 4 sizes there are 6 slopes
 * and no 95% interval narrower than their whole range, while the runs
 * carry the noise the interval must reflect.  The interval for k is Sen's
 * (1968): the order statistics of the slopes at ranks (N -+ C) / 2, with C
 * from the normal approximation to Kendall's S under ties.  A complexity
 * class is named only when the interval holds its exponent over the
 * measured range and no other class's (docs/analyses.md).
 */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <gsl/gsl_cdf.h>

#include "cstat.h"
#include "numfmt.h"
#include "sen.h"

/* The classes named, in order of growth.  b is the power of the log. */
static const struct {
	const char *name;
	double a, b;
} classes[] = {
	{"O(1)", 0, 0},	      {"O(log n)", 0, 1}, {"O(n)", 1, 0},
	{"O(n log n)", 1, 1}, {"O(n^2)", 2, 0},
};
#define NCLASSES (sizeof(classes) / sizeof(classes[0]))

struct point {
	double x, y; /* ln n, ln value */
	double n;    /* n itself, for the range reported */
};

struct series {
	struct point *p;
	size_t n, cap;
	size_t nonpositive; /* values <= 0, which have no logarithm */
};

struct group {
	char *family, *unit;
	struct series *in; /* one per input */
	struct cstat_scaling_fit *fits;
	struct cstat_scaling_row row;
};

struct cstat_scaling {
	char *key; /* without the leading '/' */
	size_t ninputs;
	double confidence;
	char **labels; /* one per input, the first result's .file */
	struct group *g;
	size_t ng, capg;
	bool built;
};

/*
 * The exponent of class c over [nmin, nmax] on log-log axes: the slope of
 * the chord, so that n log n over 1e3..1e6 is 1.10, not 1.  The log factor
 * is ln(1 + n), defined (and positive) down to n = 1 and equal to ln n for
 * the sizes where a log factor shows.
 */
double
cstat_scaling_class_exponent(size_t c, double nmin, double nmax)
{
	if (c >= NCLASSES || !(nmin > 0) || !(nmax > nmin))
		return NAN;
	double span = log(nmax) - log(nmin);
	double lg = log(log1p(nmax)) - log(log1p(nmin));

	return classes[c].a + classes[c].b * lg / span;
}

const char *
cstat_scaling_class_name(size_t c)
{
	return c < NCLASSES ? classes[c].name : NULL;
}

size_t
cstat_scaling_class_count(void)
{
	return NCLASSES;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sum over tie groups of sorted v of t(t-1)(2t+5), t(t-1)(t-2), t(t-1). */
static void
tie_sums(double *v, size_t m, double s[3])
{
	qsort(v, m, sizeof(*v), cmp_double);
	s[0] = s[1] = s[2] = 0;
	for (size_t i = 0; i < m;) {
		size_t j = i + 1;
		while (j < m && v[j] == v[i])
			j++;
		double t = (double)(j - i);
		s[0] += t * (t - 1) * (2 * t + 5);
		s[1] += t * (t - 1) * (t - 2);
		s[2] += t * (t - 1);
		i = j;
	}
}

/* The variance of Kendall's S with ties in both x and y (Kendall). */
static int
kendall_var(const struct point *p, size_t m, double *var)
{
	double *v = malloc(m * sizeof(*v)), tx[3], ty[3];
	double dm = (double)m;

	if (!v)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < m; i++)
		v[i] = p[i].x;
	tie_sums(v, m, tx);
	for (size_t i = 0; i < m; i++)
		v[i] = p[i].y;
	tie_sums(v, m, ty);
	free(v);
	*var = (dm * (dm - 1) * (2 * dm + 5) - tx[0] - ty[0]) / 18;
	if (m > 2)
		*var += tx[1] * ty[1] / (9 * dm * (dm - 1) * (dm - 2));
	*var += tx[2] * ty[2] / (2 * dm * (dm - 1));
	return 0;
}

/* Names the class the interval supports, and the nearest to k. */
static void
classify(struct cstat_scaling_fit *f)
{
	double best = INFINITY;
	size_t inside = 0;

	f->class_name = NULL;
	f->nearest = NULL;
	for (size_t c = 0; c < NCLASSES; c++) {
		double e = cstat_scaling_class_exponent(c, f->nmin, f->nmax);
		if (fabs(e - f->k) < best) {
			best = fabs(e - f->k);
			f->nearest = classes[c].name;
		}
		if (e >= f->lo && e <= f->hi) {
			inside++;
			f->class_name = classes[c].name;
		}
	}
	if (inside != 1)
		f->class_name = NULL;
}

/* The slopes of every pair with different x, sorted; *np their count. */
static int
pair_slopes(const struct point *p, size_t m, double **out, size_t *np)
{
	size_t n = 0;
	double *s = malloc((m * (m - 1) / 2) * sizeof(*s));

	if (!s)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < m; i++)
		for (size_t j = i + 1; j < m; j++)
			if (p[i].x != p[j].x)
				s[n++] = (p[j].y - p[i].y) / (p[j].x - p[i].x);
	qsort(s, n, sizeof(*s), cmp_double);
	*out = s;
	*np = n;
	return 0;
}

static void
fit_reset(struct cstat_scaling_fit *f)
{
	memset(f, 0, sizeof(*f));
	f->k = f->lo = f->hi = NAN;
}

/* Range and distinct sizes of the points, sorted by x. */
static void
fit_range(struct point *p, size_t m, struct cstat_scaling_fit *f)
{
	f->nmin = p[0].n;
	f->nmax = p[0].n;
	f->nsizes = m ? 1 : 0;
	for (size_t i = 1; i < m; i++) {
		if (p[i].x != p[i - 1].x)
			f->nsizes++;
		f->nmin = fmin(f->nmin, p[i].n);
		f->nmax = fmax(f->nmax, p[i].n);
	}
}

static int
cmp_point(const void *a, const void *b)
{
	return cmp_double(&((const struct point *)a)->x,
			  &((const struct point *)b)->x);
}

/*
 * Theil-Sen over the m points p (sorted by x): slope, Sen's interval,
 * Kendall's S and its variance into e.
 */
static int
sen_points(const struct point *p, size_t m, double confidence,
	   struct cstat__sen *e)
{
	double *s = NULL, var;
	size_t np;
	int rc;

	e->slope = e->lo = e->hi = NAN;
	e->npairs = 0;
	e->s = e->var_s = 0;
	if ((rc = pair_slopes(p, m, &s, &np)) || (rc = kendall_var(p, m, &var)))
		goto out;
	e->npairs = np;
	e->var_s = var;
	for (size_t i = 0; i < np; i++)
		e->s += (s[i] > 0) - (s[i] < 0);
	if (!np)
		goto out;
	e->slope = np % 2 ? s[np / 2] : (s[np / 2 - 1] + s[np / 2]) / 2;
	/* Sen's ranks, widened to whole ranks so as not to undercover. */
	double c = gsl_cdf_ugaussian_Qinv((1 - confidence) / 2) * sqrt(var);
	double lo = floor(((double)np - c) / 2),
	       hi = ceil(((double)np + c) / 2);
	e->lo = lo >= 1 ? s[(size_t)lo - 1] : -INFINITY;
	e->hi = hi + 1 <= (double)np ? s[(size_t)hi] : INFINITY;
out:
	free(s);
	return rc;
}

int
cstat__sen_fit(const double *x, const double *y, size_t m, double confidence,
	       struct cstat__sen *out)
{
	struct point *p;

	if (m < 2) { /* no pair: nothing to fit */
		*out = (struct cstat__sen){NAN, NAN, NAN, 0, 0, 0};
		return 0;
	}
	if (!(p = malloc(m * sizeof(*p))))
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < m; i++)
		p[i] = (struct point){x[i], y[i], x[i]};
	qsort(p, m, sizeof(*p), cmp_point);
	int rc = sen_points(p, m, confidence, out);
	free(p);
	return rc;
}

/* Fits the points (sorted here) into f. */
static int
fit_points(struct point *p, size_t m, double confidence,
	   struct cstat_scaling_fit *f)
{
	struct cstat__sen e;
	int rc;

	fit_reset(f);
	f->npoints = m;
	if (m < 2)
		return 0;
	qsort(p, m, sizeof(*p), cmp_point);
	fit_range(p, m, f);
	if (f->nsizes < 2)
		return 0;
	if ((rc = sen_points(p, m, confidence, &e)))
		return rc;
	f->npairs = e.npairs;
	f->k = e.slope;
	f->lo = e.lo;
	f->hi = e.hi;
	classify(f);
	return 0;
}

int
cstat_scaling_fit_points(const double *n, const double *y, size_t m,
			 double confidence, struct cstat_scaling_fit *out)
{
	if (!out || (m && (!n || !y)) || !(confidence > 0 && confidence < 1))
		return CSTAT_EINVAL;
	struct point *p = malloc((m ? m : 1) * sizeof(*p));
	size_t k = 0, bad = 0;

	if (!p)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < m; i++) {
		if (n[i] > 0 && y[i] > 0 && isfinite(n[i]) && isfinite(y[i]))
			p[k++] = (struct point){log(n[i]), log(y[i]), n[i]};
		else
			bad++;
	}
	int rc = fit_points(p, k, confidence, out);
	out->nonpositive = bad;
	free(p);
	return rc;
}

int
cstat_scaling_new(cstat_scaling **out, const char *key, size_t ninputs,
		  double confidence)
{
	if (!out)
		return CSTAT_EINVAL;
	*out = NULL;
	if (!key || !ninputs || !(confidence > 0 && confidence < 1))
		return CSTAT_EINVAL;
	if (*key == '/')
		key++;
	if (!*key || strchr(key, '/') || strchr(key, '='))
		return CSTAT_EINVAL;
	cstat_scaling *s = calloc(1, sizeof(*s));
	if (!s)
		return CSTAT_ENOMEM;
	s->key = strdup(key);
	s->labels = calloc(ninputs, sizeof(*s->labels));
	s->ninputs = ninputs;
	s->confidence = confidence;
	if (!s->key || !s->labels) {
		cstat_scaling_free(s);
		return CSTAT_ENOMEM;
	}
	*out = s;
	return 0;
}

void
cstat_scaling_free(cstat_scaling *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ng; i++) {
		for (size_t j = 0; j < s->ninputs; j++)
			free(s->g[i].in[j].p);
		free(s->g[i].in);
		free(s->g[i].fits);
		free(s->g[i].family);
		free(s->g[i].unit);
	}
	for (size_t j = 0; s->labels && j < s->ninputs; j++)
		free(s->labels[j]);
	free(s->labels);
	free(s->g);
	free(s->key);
	free(s);
}

/*
 * Splits name at the key's part: *n its value, family the name without it
 * (the GOMAXPROCS suffix kept).  False when the name has no such part or
 * its value is no positive number.
 */
static bool
split_name(const char *name, size_t len, const char *key, double *n,
	   char **family)
{
	size_t klen = strlen(key), end = len;
	/* "-8" at the end is GOMAXPROCS, not part of the key's value. */
	size_t d = len;
	while (d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9')
		d--;
	if (d > 1 && d < len && name[d - 1] == '-' &&
	    !memchr(name + d, '/', len - d))
		end = d - 1;
	for (size_t i = 0; i < end; i++) {
		if (name[i] != '/' || i + 1 + klen >= end ||
		    memcmp(name + i + 1, key, klen) ||
		    name[i + 1 + klen] != '=')
			continue;
		size_t v = i + 2 + klen, e = v;
		while (e < end && name[e] != '/')
			e++;
		/* Go's number syntax, whatever the host's locale. */
		if (cstat__parse_float(name + v, e - v, n) || !(*n > 0) ||
		    !isfinite(*n))
			return false;
		*family = malloc(len - (e - i) + 1);
		if (!*family)
			return false;
		memcpy(*family, name, i);
		memcpy(*family + i, name + e, len - e);
		(*family)[len - (e - i)] = 0;
		return true;
	}
	return false;
}

/* The group of family and unit, added if new; NULL when out of memory. */
static struct group *
group_of(cstat_scaling *s, const char *family, const char *unit)
{
	for (size_t i = s->ng; i-- > 0;)
		if (!strcmp(s->g[i].family, family) &&
		    !strcmp(s->g[i].unit, unit))
			return &s->g[i];
	if (s->ng == s->capg) {
		size_t cap = s->capg ? 2 * s->capg : 16;
		struct group *g = realloc(s->g, cap * sizeof(*g));
		if (!g)
			return NULL;
		s->g = g;
		s->capg = cap;
	}
	struct group *g = &s->g[s->ng];
	memset(g, 0, sizeof(*g));
	g->family = strdup(family);
	g->unit = strdup(unit);
	g->in = calloc(s->ninputs, sizeof(*g->in));
	if (!g->family || !g->unit || !g->in) {
		free(g->family);
		free(g->unit);
		free(g->in);
		return NULL;
	}
	s->ng++;
	return g;
}

static int
series_add(struct series *se, double n, double v)
{
	if (!(v > 0) || !isfinite(v)) {
		se->nonpositive++;
		return 0;
	}
	if (se->n == se->cap) {
		size_t cap = se->cap ? 2 * se->cap : 16;
		struct point *p = realloc(se->p, cap * sizeof(*p));
		if (!p)
			return CSTAT_ENOMEM;
		se->p = p;
		se->cap = cap;
	}
	se->p[se->n++] = (struct point){log(n), log(v), n};
	return 0;
}

int
cstat_scaling_add(cstat_scaling *s, size_t input,
		  const struct cstat_result *res)
{
	if (!s || !res || input >= s->ninputs || s->built)
		return s && s->built ? CSTAT_ESTATE : CSTAT_EINVAL;
	if (!s->labels[input] && res->file &&
	    !(s->labels[input] = strdup(res->file)))
		return CSTAT_ENOMEM;
	double n;
	char *family;
	if (!split_name(res->name, res->name_len, s->key, &n, &family))
		return 0;
	int rc = 0;
	for (size_t i = 0; i < res->nvalues && !rc; i++) {
		struct group *g = group_of(s, family, res->values[i].unit);
		rc = g ? series_add(&g->in[input], n, res->values[i].value)
		       : CSTAT_ENOMEM;
	}
	free(family);
	return rc;
}

/* Whether two fits' intervals are both known and do not overlap. */
static bool
apart(const struct cstat_scaling_fit *a, const struct cstat_scaling_fit *b)
{
	if (isnan(a->k) || isnan(b->k))
		return false;
	return a->hi < b->lo || b->hi < a->lo;
}

int
cstat_scaling_build(cstat_scaling *s)
{
	if (!s)
		return CSTAT_EINVAL;
	if (s->built)
		return CSTAT_ESTATE;
	for (size_t i = 0; i < s->ng; i++) {
		struct group *g = &s->g[i];
		g->fits = calloc(s->ninputs, sizeof(*g->fits));
		if (!g->fits)
			return CSTAT_ENOMEM;
		g->row = (struct cstat_scaling_row){g->family, g->unit,
						    s->ninputs, g->fits, false};
		for (size_t j = 0; j < s->ninputs; j++) {
			int rc = fit_points(g->in[j].p, g->in[j].n,
					    s->confidence, &g->fits[j]);
			if (rc)
				return rc;
			g->fits[j].nonpositive = g->in[j].nonpositive;
			if (j > 0 && apart(&g->fits[0], &g->fits[j]))
				g->row.changed = true;
		}
	}
	s->built = true;
	return 0;
}

size_t
cstat_scaling_count(const cstat_scaling *s)
{
	return s && s->built ? s->ng : 0;
}

const struct cstat_scaling_row *
cstat_scaling_get(const cstat_scaling *s, size_t i)
{
	return s && s->built && i < s->ng ? &s->g[i].row : NULL;
}

const char *
cstat_scaling_key(const cstat_scaling *s)
{
	return s ? s->key : NULL;
}

const char *
cstat_scaling_label(const cstat_scaling *s, size_t input)
{
	if (!s || input >= s->ninputs)
		return NULL;
	return s->labels[input] ? s->labels[input] : "";
}

double
cstat_scaling_confidence(const cstat_scaling *s)
{
	return s ? s->confidence : NAN;
}

/* Whether s is built: for the renderers (scaling-render.c). */
bool cstat__scaling_built(const cstat_scaling *s);

bool
cstat__scaling_built(const cstat_scaling *s)
{
	return s && s->built;
}

/* Point i of row r's input j on log-log axes, for the plot
 * (scaling-render.c): false past the end. */
bool cstat__scaling_point(const cstat_scaling *s, size_t r, size_t j, size_t i,
			  double *x, double *y);

bool
cstat__scaling_point(const cstat_scaling *s, size_t r, size_t j, size_t i,
		     double *x, double *y)
{
	if (!s || r >= s->ng || j >= s->ninputs || i >= s->g[r].in[j].n)
		return false;
	*x = s->g[r].in[j].p[i].x;
	*y = s->g[r].in[j].p[i].y;
	return true;
}
