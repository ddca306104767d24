/*
 * gate-extra.c - what the gate judges besides the comparisons of its
 * tables: the scaling exponents of a scaling analysis (cregress -scaling
 * KEY, held to the exponent rule) and the strong data-quality findings
 * its reports show as warnings.  Both are borrowed from objects the
 * caller keeps; the reports (gate-render.c) write them in every format.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gate.h"
#include "ostream.h"
#include "tables.h"

/* Defined in scaling.c. */
bool cstat__scaling_built(const cstat_scaling *s);

/* The verdict on the change of k, and why when inconclusive. */
static int
judge_exponent(struct cstat_scaling_check *k)
{
	const struct cstat_scaling_fit *a = k->base_fit, *b = k->new_fit;

	k->change = k->change_lo = k->change_hi = NAN;
	k->reason = "";
	if (!a->npoints || !b->npoints || isnan(a->k) || isnan(b->k)) {
		k->reason = "no fit on one side (fewer than two sizes)";
		return CSTAT_INCONCLUSIVE;
	}
	k->change = b->k - a->k;
	k->change_lo = b->lo - a->hi;
	k->change_hi = b->hi - a->lo;
	if (isinf(k->change_lo) || isinf(k->change_hi)) {
		k->reason = "too few points for a finite interval";
		return CSTAT_INCONCLUSIVE;
	}
	if (k->change_lo > k->allowed)
		return CSTAT_REGRESSION;
	if (k->change_hi < -k->allowed)
		return CSTAT_IMPROVEMENT;
	return CSTAT_UNCHANGED;
}

int
cstat_gate_add_scaling(cstat_gate *g, const cstat_scaling *s)
{
	size_t rows, n = 0;

	if (!g || !s || !cstat__scaling_built(s))
		return CSTAT_EINVAL;
	if (g->scaling)
		return CSTAT_ESTATE;
	rows = cstat_scaling_count(s);
	for (size_t i = 0; i < rows; i++) {
		const struct cstat_scaling_row *r = cstat_scaling_get(s, i);
		n += r->ninputs > 1 ? r->ninputs - 1 : 0;
	}
	g->scal = calloc(n ? n : 1, sizeof(*g->scal));
	if (!g->scal)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < rows; i++) {
		const struct cstat_scaling_row *r = cstat_scaling_get(s, i);

		for (size_t j = 1; j < r->ninputs; j++) {
			struct cstat_scaling_check *k = &g->scal[g->nscal++];

			*k = (struct cstat_scaling_check){
				.family = r->family,
				.unit = r->unit,
				.base_label = cstat_scaling_label(s, 0),
				.new_label = cstat_scaling_label(s, j),
				.base_fit = &r->fits[0],
				.new_fit = &r->fits[j],
				.allowed = g->c->exponent_rise,
			};
			k->verdict = judge_exponent(k);
			g->scal_tally[k->verdict]++;
		}
	}
	g->scaling = s;
	return 0;
}

double
cstat_gate_config_get(const cstat_gate_config *c, const char *key)
{
	if (!c || !key)
		return NAN;
	if (strcmp(key, "alpha") == 0)
		return c->alpha;
	if (strcmp(key, "confidence") == 0)
		return c->confidence;
	if (strcmp(key, "threshold") == 0)
		return c->threshold;
	if (strcmp(key, "exponent") == 0)
		return c->exponent_rise;
	return NAN;
}

size_t
cstat_gate_scaling_count(const cstat_gate *g)
{
	return g ? g->nscal : 0;
}

const struct cstat_scaling_check *
cstat_gate_scaling_get(const cstat_gate *g, size_t i)
{
	return g && i < g->nscal ? &g->scal[i] : NULL;
}

unsigned
cstat__gate_warn_bits(const struct cstat_diagnosis *g)
{
	return g->strong & ~(unsigned)CSTAT_DIAG_FEW;
}

int
cstat_gate_add_diagnose(cstat_gate *g, const cstat_diagnose *dg)
{
	size_t n = 0, cells;

	if (!g || !dg ||
	    (cstat_diagnose_count(dg) && !cstat_diagnose_get(dg, 0)))
		return CSTAT_EINVAL;
	if (g->diag)
		return CSTAT_ESTATE;
	cells = cstat_diagnose_count(dg);
	for (size_t i = 0; i < cells; i++)
		n += cstat__gate_warn_bits(cstat_diagnose_get(dg, i)) != 0;
	g->warn = calloc(n ? n : 1, sizeof(*g->warn));
	if (!g->warn)
		return CSTAT_ENOMEM;
	for (size_t i = 0; i < cells; i++) {
		const struct cstat_diagnosis *d = cstat_diagnose_get(dg, i);
		if (cstat__gate_warn_bits(d))
			g->warn[g->nwarn++] = d;
	}
	g->diag = dg;
	return (int)(g->nwarn > INT32_MAX ? INT32_MAX : g->nwarn);
}

int
cstat_tables_set_diagnose(cstat_tables *t, const cstat_diagnose *dg)
{
	if (!t)
		return CSTAT_EINVAL;
	t->diag = dg;
	return 0;
}

static const char *const html_kinds[] = {"trend", "modes", "outliers", "noisy",
					 "few"};

/* One <li>: "<b>NAME</b> UNIT (INPUT, n=10) trend: values fall ...". */
static void
html_warning(struct cstat__ostream *p, const struct cstat_diagnosis *d,
	     unsigned bit, size_t kind)
{
	char text[1024];

	cstat_diagnosis_text(d, bit, text, sizeof(text));
	cstat__os_adds(p, "<li><b>");
	cstat__os_html_text(p, d->name, strlen(d->name));
	cstat__os_adds(p, "</b> ");
	cstat__os_html_text(p, d->unit, strlen(d->unit));
	cstat__os_adds(p, " (");
	cstat__os_html_text(p, d->input, strlen(d->input));
	cstat__os_printf(p, ", n=%zu) %s: ", d->n, html_kinds[kind]);
	cstat__os_html_text(p, text, strlen(text));
	cstat__os_adds(p, "</li>\n");
}

void
cstat__html_warnings(struct cstat__ostream *p, const cstat_diagnose *dg)
{
	size_t cells = cstat_diagnose_count(dg);
	bool any = false;

	for (size_t i = 0; i < cells; i++) {
		const struct cstat_diagnosis *d = cstat_diagnose_get(dg, i);
		if (!d || !cstat__gate_warn_bits(d))
			continue;
		if (!any)
			cstat__os_adds(
				p, "<aside class=\"warnings\" "
				   "id=\"warnings\">\n<h2>Data-quality "
				   "warnings</h2>\n<p>Strong findings in "
				   "each benchmark\xe2\x80\x99s values in "
				   "run order (<code>cstat -diagnose</code> "
				   "gives the full report; "
				   "<code>-no-diagnose</code> leaves this "
				   "out).</p>\n<ul>\n");
		any = true;
		for (size_t k = 0; k < 5; k++)
			if (cstat__gate_warn_bits(d) & (1u << k))
				html_warning(p, d, 1u << k, k);
	}
	if (any)
		cstat__os_adds(p, "</ul>\n</aside>\n");
}
