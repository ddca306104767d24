/*
 * gate-noise.c - the regression gate's noise-aware threshold: each
 * benchmark's run-to-run spread, estimated from a history of runs, turned
 * into a change that a run of the same code stays within.
 *
 * Why: every CI run of the same code moves each benchmark's level a little
 * (the machine, its clock, the code's layout), and the U test inside one
 * comparison cannot see it: it only knows the spread within each run.
 * With offsets of 1% a run, a gate over 300 benchmarks fails about one
 * suite run in seven on unchanged code.  A history holds that spread: the
 * run medians of one benchmark over many runs.
 *
 * The estimate, per series (configuration, unit, benchmark):
 *   - the runs since the series' last change point (cstat_history_changes()
 *     at its default level: a level shift is not noise), at most the last
 *     CSTAT__NOISE_MAX_RUNS of them, whose center is finite and positive;
 *   - their log medians, leaving out those more than 5 robust standard
 *     deviations (1.4826 MAD) from their median: a broken run (a noisy
 *     neighbour, a throttled machine) should not switch the gate off;
 *   - sd, the standard deviation of what is left (n - 1 in the
 *     denominator), when at least CSTAT__NOISE_MIN_RUNS are.
 * The standard deviation rather than the MAD itself: the bound sits far in
 * the tail (noise-alpha / m), where the MAD's 37% efficiency would need a
 * much larger quantile and cost most of the gate's power; outliers are
 * dealt with by setting them aside instead.
 *
 * The bound: a comparison is a new run against one baseline run, so under
 * unchanged code the difference of their log medians has variance 2 sd^2,
 * and (new - base) / (sd * sqrt 2) follows Student's t with runs - 1
 * degrees of freedom (exactly, for normal log medians and independent
 * runs).  The noise-aware threshold is that difference's one-sided bound
 * at level noise-alpha / m in the unit's worse direction, as a relative
 * change: exp(x) - 1 when lower is better, 1 - exp(-x) when higher is,
 * x = t * sqrt 2 * sd.  So, whatever m, a run of the same code exceeds
 * some benchmark's bound with probability at most about noise-alpha.
 *
 * The history need not be whole: cregress and cbaseline gate hand over its
 * last CSTAT_GATE_HISTORY_RUNS runs only (cstat_history_read_tail()).  The
 * change-point search over those finds a stretch for the last 30 runs that
 * starts where the search over the whole series puts it in every one of
 * 240 simulated series of 4,000 runs (tests/stats-window.c), and it reads
 * 35 MB instead of 700 MB of a 10,000-run history of 500 benchmarks.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "gate.h"
#include "history.h"
#include "stats.h"
#include "text.h"

/* Runs this many robust standard deviations from the median are set
 * aside as broken. */
#define NOISE_OUTLIER 5.0

/* The MAD's consistency constant for the normal distribution. */
#define MAD_SCALE 1.482602218505602

void
cstat__gate_noise_release(cstat_gate_config *c)
{
	for (size_t i = 0; i < c->nnoise; i++) {
		free(c->noise[i].config);
		free(c->noise[i].unit);
		free(c->noise[i].name);
	}
	free(c->noise);
	free(c->noise_from);
	c->noise = NULL;
	c->nnoise = 0;
	c->noise_from = NULL;
	c->noise_nruns = 0;
	c->noise_cut = false;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of x[0..n), n >= 1, sorting x. */
static double
median_sorting(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), cmp_double);
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

/*
 * The spread of the log medians x[0..n) (in run order, n <= MAX_RUNS):
 * sets e->spread (NaN when fewer than MIN_RUNS are kept), e->runs and
 * e->set_aside.  scratch holds n doubles.
 */
static void
spread_of(const double *x, size_t n, double *scratch, struct cstat__noise *e)
{
	double med, mad, cut, mean = 0, ss = 0;
	size_t kept = 0;

	e->spread = NAN;
	e->runs = n;
	e->set_aside = 0;
	if (n < CSTAT__NOISE_MIN_RUNS)
		return;
	memcpy(scratch, x, n * sizeof(*x));
	med = median_sorting(scratch, n);
	for (size_t i = 0; i < n; i++)
		scratch[i] = fabs(x[i] - med);
	mad = median_sorting(scratch, n);
	/* With a MAD of 0 (most runs equal) nothing is set aside: the
	 * standard deviation then says how far the others are. */
	cut = mad > 0 ? NOISE_OUTLIER * MAD_SCALE * mad : INFINITY;
	for (size_t i = 0; i < n; i++)
		if (fabs(x[i] - med) <= cut)
			scratch[kept++] = x[i];
	e->runs = kept;
	e->set_aside = n - kept;
	if (kept < CSTAT__NOISE_MIN_RUNS)
		return;
	/* Deviations from the first value: runs that all have one median
	 * give exactly 0, not rounding noise. */
	for (size_t i = 0; i < kept; i++)
		mean += scratch[i] - scratch[0];
	mean /= (double)kept;
	for (size_t i = 0; i < kept; i++) {
		double dev = scratch[i] - scratch[0] - mean;
		ss += dev * dev;
	}
	e->spread = sqrt(ss / (double)(kept - 1));
}

/* Whether name is one of the comma-separated list. */
static bool
listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ",");
		if (len == n && memcmp(p, name, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

int
cstat__gate_table_config_buf(const cstat_tables *t, size_t i, const char *skip,
			     struct cstat__buf *b)
{
	const char *name, *value;
	size_t vlen;
	int rc = 0;

	b->len = 0;
	for (size_t k = 0; !rc && cstat_table_key(t, i, k, &name, &value) == 0;
	     k++) {
		if (listed(skip, name))
			continue;
		/* Shown trimmed; the tables keep what was read. */
		const char *v = cstat__trim(value, &vlen);

		if (b->len)
			rc = cstat__buf_addc(b, ' ');
		if (!rc)
			rc = cstat__buf_adds(b, name);
		if (!rc)
			rc = cstat__buf_addc(b, ':');
		if (!rc)
			rc = cstat__buf_add(b, v, vlen);
	}
	if (!rc)
		rc = cstat__buf_reserve(b, 1);
	if (!rc)
		b->data[b->len] = '\0';
	return rc;
}

char *
cstat__gate_table_config(const cstat_tables *t, size_t i, const char *skip)
{
	struct cstat__buf b = {0};
	char *s = NULL;

	if (cstat__gate_table_config_buf(t, i, skip, &b) == 0)
		s = strndup(b.data, b.len);
	cstat__buf_release(&b);
	return s;
}

/* Whether string ids x and y are the same text once trimmed. */
static bool
same_trimmed(const cstat_tables *t, uint32_t x, uint32_t y)
{
	size_t lx, ly;
	const char *a = cstat__trim(cstat__tstr(t, x), &lx);
	const char *b = cstat__trim(cstat__tstr(t, y), &ly);

	return lx == ly && memcmp(a, b, lx) == 0;
}

bool
cstat__gate_same_table_config(const cstat_tables *t, size_t a, size_t b)
{
	if (a == b)
		return true;
	if (a >= t->ntables || b >= t->ntables)
		return false;
	uint32_t ka = t->tables[a].key, kb = t->tables[b].key;
	size_t n = t->nkey_fields;

	/* The names are the tables' shared fields; only the values that
	 * differ can make the texts differ, and only if they differ once
	 * trimmed.  The unit's field is not in the text. */
	for (size_t f = cstat__seqtab_diff(&t->keys, ka, kb, 0, n); f < n;
	     f = cstat__seqtab_diff(&t->keys, ka, kb, f + 1, n)) {
		if ((int)f == t->unit_field)
			continue;
		if (!same_trimmed(t, cstat__seqtab_get(&t->keys, ka, f),
				  cstat__seqtab_get(&t->keys, kb, f)))
			return false;
	}
	return true;
}

static int
cmp_key(const char *config, const char *unit, const char *name,
	const struct cstat__noise *e)
{
	int r = strcmp(config, e->config);

	if (r == 0)
		r = strcmp(unit, e->unit);
	return r ? r : strcmp(name, e->name);
}

static int
cmp_noise(const void *a, const void *b)
{
	const struct cstat__noise *x = a;

	return cmp_key(x->config, x->unit, x->name, b);
}

/*
 * One series: table i, row r, whose last change point (if any) is at run
 * since (0: none).  x and scratch hold MAX_RUNS doubles each.
 */
static int
series_noise(const struct cstat__history *h, size_t i, size_t r, size_t since,
	     double *x, double *scratch, struct cstat__noise *e)
{
	const cstat_tables *t = h->t;
	size_t ncols = cstat_table_cols(t, i), n = 0;

	e->exact = cstat_table_exact(t, i);
	e->first = 0;
	/* Walk back from the newest run, so the last MAX_RUNS are kept. */
	for (size_t j = ncols; j-- > 0 && n < CSTAT__NOISE_MAX_RUNS;) {
		size_t col = h->order[h->off[i] + j];
		size_t run = h->run[h->off[i] + col];
		struct cstat_cell cell;

		if (run < since)
			break;
		cstat_table_cell(t, i, r, col, &cell);
		if (!cell.present || !isfinite(cell.center) ||
		    !(cell.center > 0))
			continue;
		x[n++] = log(cell.center);
		e->first = run;
	}
	/* Back into run order (only the order of explain's words cares). */
	for (size_t a = 0, b = n; a + 1 < b; a++, b--) {
		double tmp = x[a];
		x[a] = x[b - 1];
		x[b - 1] = tmp;
	}
	spread_of(x, n, scratch, e);
	if (e->exact)
		e->spread = NAN;
	e->name = strdup(cstat_table_row_label(t, i, r));
	e->unit = strdup(cstat_table_unit(t, i));
	return e->name && e->unit ? 0 : CSTAT_ENOMEM;
}

/* The spreads of every series of history into c (which has none). */
static int
build(cstat_gate_config *c, const cstat_tables *history)
{
	struct cstat__history h;
	struct cstat_change *ch = NULL;
	size_t nch = 0, total = 0, k = 0;
	double x[CSTAT__NOISE_MAX_RUNS], scratch[CSTAT__NOISE_MAX_RUNS];
	int rc = cstat__history_init(&h, history);

	if (rc)
		return rc;
	rc = cstat_history_changes(history, 0, 0, &ch, &nch);
	for (size_t i = 0; i < cstat_tables_count(history); i++)
		total += cstat_table_rows(history, i);
	if (!rc && total) {
		c->noise = calloc(total, sizeof(*c->noise));
		if (!c->noise)
			rc = CSTAT_ENOMEM;
	}
	for (size_t i = 0; !rc && i < cstat_tables_count(history); i++) {
		for (size_t r = 0; !rc && r < cstat_table_rows(history, i);
		     r++) {
			size_t since = 0;
			/* Changes come in table, row and run order. */
			while (k < nch &&
			       (ch[k].table < i ||
				(ch[k].table == i && ch[k].row <= r))) {
				if (ch[k].table == i && ch[k].row == r)
					since = ch[k].run;
				k++;
			}
			struct cstat__noise *e = &c->noise[c->nnoise++];
			e->config = cstat__gate_table_config(
				history, i, cstat_gate_config_fingerprint(c));
			rc = e->config ? series_noise(&h, i, r, since, x,
						      scratch, e)
				       : CSTAT_ENOMEM;
		}
	}
	if (!rc && c->nnoise)
		qsort(c->noise, c->nnoise, sizeof(*c->noise), cmp_noise);
	c->noise_nruns = h.maxrun;
	free(ch);
	cstat__history_release(&h);
	return rc;
}

int
cstat_gate_config_set_history(cstat_gate_config *c, const cstat_tables *history,
			      const char *from)
{
	int rc;

	if (!c)
		return CSTAT_EINVAL;
	cstat__gate_noise_release(c);
	if (!history)
		return 0;
	c->noise_from = strdup(from ? from : "history");
	if (!c->noise_from)
		return CSTAT_ENOMEM;
	rc = build(c, history);
	if (rc)
		cstat__gate_noise_release(c);
	return rc;
}

int
cstat_gate_config_set_history_cut(cstat_gate_config *c, bool cut)
{
	if (!c)
		return CSTAT_EINVAL;
	c->noise_cut = cut && c->noise_from;
	return 0;
}

const struct cstat__noise *
cstat__gate_noise_find(const cstat_gate_config *c, const char *config,
		       const struct cstat_check *k)
{
	size_t lo = 0, hi = c->nnoise;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = cmp_key(config, k->unit, k->name, &c->noise[mid]);

		if (r == 0)
			return &c->noise[mid];
		if (r < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

double
cstat__gate_noise_quantile(const cstat_gate_config *c, size_t runs, size_t m)
{
	double level = c->noise_alpha / (double)(m ? m : 1);

	return gsl_cdf_tdist_Qinv(level, (double)(runs - 1));
}

void
cstat__gate_noise_apply(const cstat_gate_config *c, const char *config,
			struct cstat_check *k, size_t m)
{
	const struct cstat__noise *e;

	k->noise = k->noise_spread = NAN;
	k->noise_runs = 0;
	if (!c->noise_from || !config ||
	    !(e = cstat__gate_noise_find(c, config, k)))
		return;
	k->noise_runs = e->runs;
	if (k->exact || e->exact || isnan(e->spread))
		return;
	double x = cstat__gate_noise_quantile(c, e->runs, m) * sqrt(2.0) *
		   e->spread;
	k->noise_spread = e->spread;
	k->noise = k->higher_better ? -expm1(-x) : expm1(x);
}
