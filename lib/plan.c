/*
 * plan.c - run planning (cregress -plan CHANGE): the -count per side at
 * which the gate detects a change of CHANGE with the target power.
 *
 * The noise of each benchmark comes from one run (the first column of
 * its table): the standard deviation s of the logarithms of its values.
 * A planned comparison is modelled as -aa's detectable change models one
 * (gate.c): lognormal values with that s, the second side's moved by
 * CHANGE in the unit's worse direction.  The U test, the change of the
 * medians and the Hodges-Lehmann interval on the log scale are all
 * invariant to the scale, so one simulation per count, of standard normal
 * samples, serves every benchmark: for each replicate r the least shift
 * test[r] (in units of s) at which the U test reaches the level, the
 * difference of the medians med[r] and the interval's lower end low[r].
 * The gate flags replicate r at the standardized shift e when
 *
 *	e >= test[r]  and  e > tau - med[r]   (threshold on the estimate)
 *	                   e > tau - low[r]   (on the interval)
 *
 * with tau the threshold as a shift of the logarithms over s; the power
 * at a count is the share of flagged replicates.  Why a model and not a
 * resampling of the observed values: a pilot of 5 to 20 values resampled
 * into 30 a side plants ties the measurements do not have and a spread
 * smaller than theirs, and the plan would then change with the seed's
 * luck on those few values; the model's one number, s, is what -aa and
 * the diagnostics already report, and the simulation is the gate's own
 * (tests/stats-plan.c measures the power of the real gate at the planned
 * counts).
 *
 * A benchmark's count is found by doubling from the least count at which
 * the U test can reach the level, then bisection, then a step down while
 * the count below still has the power; simulations are kept by count and
 * shared by every benchmark while the plan is made.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cstat.h"
#include "gate.h"
#include "stats.h"

#define PLAN_MAX_COUNT_LIMIT 1000
#define PLAN_MIN_VALUES 3
/* Replicates per count: the power's Monte Carlo standard error at 80% is
 * 0.9 points; -aa's 10,000 would make a plan up to 100 cost 5 s. */
#define PLAN_REPLICATES 2000

/* One count's replicates. */
struct sim {
	size_t n;
	double *test, *med, *low;
};

struct cstat_plan {
	struct cstat_plan_row *rows;
	size_t n;
	struct cstat_plan_suite suite;
	struct cstat__arena strs;
	/* By row: the standardized change e and threshold tau (see above). */
	double *e, *tau;
	/* The simulations made, by count (scratch while planning). */
	struct sim *sims[PLAN_MAX_COUNT_LIMIT + 1];
	struct cstat__ucache *uc;
	double confidence;
};

int
cstat_plan_change_parse(const char *s, double *out)
{
	double v;

	if (!s || !out || cstat__parse_pct(s, &v) || !(v > 0) || !isfinite(v))
		return CSTAT_EINVAL;
	*out = v;
	return 0;
}

/* The level a lone change must reach among m comparisons (gate.c's). */
static double
lone_level(const cstat_gate_config *c, size_t m)
{
	if (c->correction == CSTAT_CORRECTION_NONE || m == 0)
		return c->alpha;
	return c->alpha / (double)m;
}

/* The direction of table i's unit, as the gate takes it: the settings
 * first, then the unit's metadata and class. */
static bool
higher_better(const cstat_gate_config *c, const cstat_tables *t, size_t i)
{
	const char *src;
	int b = cstat__gate_better(c, cstat_table_unit(t, i), &src);

	return b >= 0 ? b == 1 : cstat_table_higher_better(t, i);
}

static double
median_sorted(const double *v, size_t n)
{
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The sample standard deviation of log(v) (of v / |median| when additive):
 * the noise of one value.  v is sorted; n >= 2. */
static double
noise_of(const double *v, size_t n, bool additive)
{
	double scale = additive ? fabs(median_sorted(v, n)) : 1, mean = 0,
	       ss = 0;

	if (!(scale > 0) || !isfinite(scale))
		return NAN;
	for (size_t i = 0; i < n; i++)
		mean += additive ? v[i] : log(v[i]);
	mean /= (double)n;
	for (size_t i = 0; i < n; i++) {
		double d = (additive ? v[i] : log(v[i])) - mean;
		ss += d * d;
	}
	return sqrt(ss / (double)(n - 1)) / scale;
}

/* Whether every value is the same. */
static bool
constant(const double *v, size_t n)
{
	return n == 0 || v[0] == v[n - 1];
}

/* A change of x (a fraction) in the worse direction as a shift of the
 * logarithms (or as it is when additive); +inf when it cannot happen (a
 * higher-is-better unit falling by 100% or more). */
static double
log_shift(double x, bool higher, bool additive)
{
	if (additive)
		return x;
	if (higher)
		return x < 1 ? -log1p(-x) : INFINITY;
	return log1p(x);
}

static int
add_row(cstat_plan *p, size_t *cap, const cstat_tables *t, size_t i, size_t r,
	const cstat_gate_config *c, const char *config)
{
	const char *name = cstat_table_row_label(t, i, r);
	const char *unit = cstat_table_unit(t, i);
	int cls = cstat_unit_class_of(unit);
	size_t n;
	const double *v = cstat_table_cell_values(t, i, r, 0, &n);

	if (!v || n == 0 || cstat__gate_ignored_by(c, name))
		return 0;
	if (p->n == *cap) {
		int rc = cstat__grow((void **)&p->rows, cap, p->n + 1,
				     sizeof(*p->rows));
		if (rc)
			return rc;
	}
	struct cstat_plan_row *w = &p->rows[p->n];
	memset(w, 0, sizeof(*w));
	long rule = cstat__gate_rule_for(c, name, unit, cls);
	w->name = cstat__arena_strndup(&p->strs, name, strlen(name));
	w->unit = cstat__arena_strndup(&p->strs, unit, strlen(unit));
	w->config = cstat__arena_strndup(&p->strs, config, strlen(config));
	w->rule = rule < 0 ? "default"
			   : cstat__arena_strndup(&p->strs, c->rules[rule].text,
						  strlen(c->rules[rule].text));
	if (!w->name || !w->unit || !w->config || !w->rule)
		return CSTAT_ENOMEM;
	w->threshold = rule < 0 ? c->threshold : c->rules[rule].threshold;
	w->higher_better = higher_better(c, t, i);
	w->exact = cstat_table_exact(t, i);
	w->additive = !(v[0] > 0);
	w->n = n;
	w->noise = n >= PLAN_MIN_VALUES ? noise_of(v, n, w->additive) : NAN;
	w->count = 0;
	w->power = w->power_max = w->power_at = NAN;
	/* Constant values stay out of the gate's family (gate.c's
	 * in_family): their test can only give p = 1. */
	if (!w->exact && !constant(v, n))
		p->suite.family++;
	p->n++;
	return 0;
}

static int
collect(cstat_plan *p, const cstat_tables *t, const cstat_gate_config *c)
{
	size_t cap = 0;
	int rc = 0;

	for (size_t i = 0; i < cstat_tables_count(t) && !rc; i++) {
		char *config = cstat__gate_table_config(t, i, NULL);
		if (!config)
			return CSTAT_ENOMEM;
		for (size_t r = 0; r < cstat_table_rows(t, i) && !rc; r++)
			rc = add_row(p, &cap, t, i, r, c, config);
		free(config);
	}
	return rc;
}

/* The share of sim's replicates the gate flags at the standardized shift
 * e with the standardized threshold tau. */
static double
power_of(const struct sim *s, double e, double tau, bool on_interval)
{
	const double *base = on_interval ? s->low : s->med;
	size_t hits = 0;

	for (size_t r = 0; r < PLAN_REPLICATES; r++)
		if (s->test[r] <= e && e > tau - base[r])
			hits++;
	return (double)hits / PLAN_REPLICATES;
}

static void
sim_free(struct sim *s)
{
	if (!s)
		return;
	free(s->test);
	free(s->med);
	free(s->low);
	free(s);
}

/* The simulation of count n, made once; NULL when out of memory. */
static const struct sim *
sim_at(cstat_plan *p, size_t n)
{
	struct sim *s = p->sims[n];

	if (s)
		return s;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->n = n;
	if (cstat__gate_power_sim(p->uc, n, p->suite.level, p->confidence,
				  PLAN_REPLICATES, &s->test, &s->med,
				  &s->low)) {
		sim_free(s);
		return NULL;
	}
	p->sims[n] = s;
	return s;
}

/* Row j's power at count n (least: the least count the U test can use);
 * NaN without a noise estimate, -1 when out of memory.  Exact rows and
 * rows without noise have it from their status. */
static double
row_power(cstat_plan *p, size_t j, size_t n, size_t least)
{
	const struct cstat_plan_row *w = &p->rows[j];

	if (w->exact)
		return w->status == CSTAT_PLAN_OK ? 1 : 0;
	if (isnan(w->noise))
		return NAN;
	if (n < least)
		return 0;
	if (w->noise == 0)
		/* Any change shows: past the threshold it is flagged once
		 * the U test can reach the level. */
		return w->status == CSTAT_PLAN_BELOW_THRESHOLD ? 0 : 1;
	const struct sim *s = sim_at(p, n);
	if (!s)
		return -1;
	return power_of(s, p->e[j], p->tau[j], p->suite.on_interval);
}

/* Sets each row's status before any simulation, and e and tau. */
static void
classify(cstat_plan *p)
{
	double x = p->suite.change;

	for (size_t j = 0; j < p->n; j++) {
		struct cstat_plan_row *w = &p->rows[j];
		double shift = log_shift(x, w->higher_better, w->additive);
		double tau =
			log_shift(w->threshold, w->higher_better, w->additive);

		w->status = CSTAT_PLAN_OK;
		p->e[j] = p->tau[j] = NAN;
		/* Below the threshold the power is still measured: the
		 * estimate passes it now and then. */
		if (w->noise > 0 && !isinf(shift)) {
			p->e[j] = shift / w->noise;
			p->tau[j] = tau / w->noise;
		}
		if (!(x > w->threshold) || isinf(shift))
			w->status = CSTAT_PLAN_BELOW_THRESHOLD;
		else if (isnan(w->noise) && !w->exact)
			w->status = CSTAT_PLAN_NO_NOISE;
	}
}

/* The count whose power row j's power_at is. */
static size_t
at_count(const cstat_plan *p, size_t j)
{
	return p->suite.at_count ? p->suite.at_count : p->rows[j].n;
}

/*
 * Row j's least count with the target power: doubling from the least
 * count the U test can use until one has it (so a plan costs simulations
 * of about the size it finds; none when max_count lacks it), then by
 * bisection (the power grows with the count), then down while the count
 * below has it too (the U test's discrete levels make the power step,
 * not always up).  0 or CSTAT_ENOMEM.
 */
static int
plan_row(cstat_plan *p, size_t j, size_t least)
{
	struct cstat_plan_row *w = &p->rows[j];
	const struct cstat_plan_suite *u = &p->suite;
	size_t lo = least, hi = least;
	double at;

	if (w->status != CSTAT_PLAN_OK)
		return 0;
	if (w->exact) { /* a different mode is a certain change */
		w->count = 1;
		w->power = 1;
		return 0;
	}
	for (;;) {
		if (hi > u->max_count)
			hi = u->max_count;
		if (hi < lo) {
			w->status = CSTAT_PLAN_BEYOND_MAX;
			return 0;
		}
		if ((at = row_power(p, j, hi, least)) < 0)
			return CSTAT_ENOMEM;
		if (hi == u->max_count)
			w->power_max = at;
		if (at >= u->power)
			break;
		if (hi == u->max_count) {
			w->status = CSTAT_PLAN_BEYOND_MAX;
			return 0;
		}
		lo = hi + 1;
		hi *= 2;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((at = row_power(p, j, mid, least)) < 0)
			return CSTAT_ENOMEM;
		if (at >= u->power)
			hi = mid;
		else
			lo = mid + 1;
	}
	while (lo > least) {
		if ((at = row_power(p, j, lo - 1, least)) < 0)
			return CSTAT_ENOMEM;
		if (!(at >= u->power))
			break;
		lo--;
	}
	w->count = lo;
	w->power = row_power(p, j, lo, least);
	return 0;
}

/* The least count from the largest row count up at which every planned
 * row has the power (the steps can take one away from a row above its
 * own count); 0 or CSTAT_ENOMEM. */
static int
suite_count(cstat_plan *p, size_t least)
{
	struct cstat_plan_suite *u = &p->suite;
	size_t most = 0;

	for (size_t j = 0; j < p->n; j++)
		if (p->rows[j].status == CSTAT_PLAN_OK &&
		    p->rows[j].count > most)
			most = p->rows[j].count;
	for (size_t n = most; most && n <= u->max_count; n++) {
		bool all = true;
		for (size_t j = 0; j < p->n && all; j++) {
			if (p->rows[j].status != CSTAT_PLAN_OK)
				continue;
			double pw = row_power(p, j, n, least);
			if (pw < 0)
				return CSTAT_ENOMEM;
			all = pw >= u->power;
		}
		if (all) {
			u->count = n;
			return 0;
		}
	}
	u->count = most;
	return 0;
}

static int
simulate(cstat_plan *p)
{
	size_t least = cstat__gate_samples_needed(p->suite.level);
	int rc = cstat__ucache_new(&p->uc);

	if (least == 0)
		least = PLAN_MAX_COUNT_LIMIT + 1;
	if (least < 2)
		least = 2;
	for (size_t j = 0; j < p->n && !rc; j++)
		rc = plan_row(p, j, least);
	if (!rc)
		rc = suite_count(p, least);
	for (size_t j = 0; j < p->n && !rc; j++) {
		double pw = row_power(p, j, at_count(p, j), least);
		if (pw < 0)
			rc = CSTAT_ENOMEM;
		p->rows[j].power_at = pw;
	}
	return rc;
}

/* The suite's tallies, once every row is planned. */
static void
tally(cstat_plan *p)
{
	struct cstat_plan_suite *u = &p->suite;
	double sum = 0;
	size_t with = 0;

	for (size_t j = 0; j < p->n; j++) {
		struct cstat_plan_row *w = &p->rows[j];
		w->at_count = at_count(p, j);
		switch (w->status) {
		case CSTAT_PLAN_OK:
			u->reachable++;
			break;
		case CSTAT_PLAN_BELOW_THRESHOLD:
			u->below++;
			break;
		case CSTAT_PLAN_BEYOND_MAX:
			u->beyond++;
			break;
		default:
			u->no_noise++;
			break;
		}
		if (!isnan(w->power_at)) {
			sum += w->power_at;
			with++;
		}
	}
	u->share = with ? sum / (double)with : NAN;
}

static int
check_opts(const struct cstat_plan_opts *o)
{
	if (!(o->change > 0) || !isfinite(o->change))
		return CSTAT_EINVAL;
	if (o->power != 0 && !(o->power > 0 && o->power < 1))
		return CSTAT_EINVAL;
	if (o->max_count > PLAN_MAX_COUNT_LIMIT ||
	    o->at_count > PLAN_MAX_COUNT_LIMIT)
		return CSTAT_EINVAL;
	return 0;
}

static void
suite_init(cstat_plan *p, const cstat_gate_config *c,
	   const struct cstat_plan_opts *o)
{
	struct cstat_plan_suite *u = &p->suite;

	u->change = o->change;
	u->power = o->power ? o->power : CSTAT_PLAN_POWER;
	u->max_count = o->max_count ? o->max_count : CSTAT_PLAN_MAX_COUNT;
	u->at_count = o->at_count;
	u->alpha = c->alpha;
	u->confidence = c->confidence;
	u->on_interval = c->threshold_on == CSTAT__ON_INTERVAL;
}

int
cstat_plan_new(cstat_plan **out, const cstat_tables *t,
	       const cstat_gate_config *c, const struct cstat_plan_opts *opts)
{
	cstat_gate_config *own = NULL;
	cstat_plan *p;
	int rc;

	if (out)
		*out = NULL;
	if (!out || !t || !opts || check_opts(opts))
		return CSTAT_EINVAL;
	if (!c) {
		if (cstat_gate_config_new(&own))
			return CSTAT_ENOMEM;
		c = own;
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		cstat_gate_config_free(own);
		return CSTAT_ENOMEM;
	}
	cstat__arena_init(&p->strs);
	suite_init(p, c, opts);
	rc = collect(p, t, c);
	p->suite.rows = p->n;
	p->suite.level = lone_level(c, p->suite.family);
	p->e = malloc((p->n + 1) * sizeof(double));
	p->tau = malloc((p->n + 1) * sizeof(double));
	if (!rc && (!p->e || !p->tau))
		rc = CSTAT_ENOMEM;
	p->confidence = c->confidence;
	if (!rc) {
		classify(p);
		rc = simulate(p);
	}
	for (size_t n = 0; n <= PLAN_MAX_COUNT_LIMIT; n++) {
		sim_free(p->sims[n]);
		p->sims[n] = NULL;
	}
	if (!rc)
		tally(p);
	cstat_gate_config_free(own);
	if (rc) {
		cstat_plan_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

void
cstat_plan_free(cstat_plan *p)
{
	if (!p)
		return;
	cstat__arena_release(&p->strs);
	for (size_t n = 0; n <= PLAN_MAX_COUNT_LIMIT; n++)
		sim_free(p->sims[n]);
	cstat__ucache_free(p->uc);
	free(p->rows);
	free(p->e);
	free(p->tau);
	free(p);
}

size_t
cstat_plan_count(const cstat_plan *p)
{
	return p ? p->n : 0;
}

const struct cstat_plan_row *
cstat_plan_get(const cstat_plan *p, size_t i)
{
	return p && i < p->n ? &p->rows[i] : NULL;
}

const struct cstat_plan_suite *
cstat_plan_suite(const cstat_plan *p)
{
	return p ? &p->suite : NULL;
}
