/*
 * diagutil.h - what the diagnostics tests share: a small fixed-seed RNG
 * (splitmix64, normal deviates by Box-Muller) and diagnosing one or two
 * samples given in run order through the public API.
 */
#ifndef CSTAT_DIAGUTIL_H
#define CSTAT_DIAGUTIL_H

#include <math.h>
#include <stdint.h>

#include "cstat.h"

static inline uint64_t
du_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* A uniform deviate in (0, 1). */
static inline double
du_unif(uint64_t *s)
{
	return ((double)(du_next(s) >> 11) + 0.5) / 9007199254740992.0;
}

static inline double
du_norm(uint64_t *s)
{
	double u = du_unif(s), v = du_unif(s);

	return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

/* Adds x[0..n) to dg as results of file, one value each, in order. */
static inline int
du_add(cstat_diagnose *dg, const char *file, const double *x, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct cstat_value v = {x[i], "sec/op", x[i], "ns/op"};
		struct cstat_result r = {0};
		r.file = file;
		r.name = "Bench";
		r.name_len = 5;
		r.values = &v;
		r.nvalues = 1;
		int rc = cstat_diagnose_add(dg, &r);
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Diagnoses x[0..n) (and, when m > 0, y[0..m) as a second input) with
 * opts, into *out (the first input's cell; *out2, when not NULL, the
 * second's).  Returns 0 or the first error.
 */
static inline int
du_diagnose(const double *x, size_t n, const double *y, size_t m,
	    const struct cstat_diagnose_opts *opts, struct cstat_diagnosis *out,
	    struct cstat_diagnosis *out2)
{
	cstat_diagnose *dg = NULL;
	int rc = cstat_diagnose_new(opts, &dg);

	if (!rc)
		rc = du_add(dg, "old", x, n);
	if (!rc && m)
		rc = du_add(dg, "new", y, m);
	if (!rc)
		rc = cstat_diagnose_run(dg);
	if (!rc) {
		*out = *cstat_diagnose_get(dg, 0);
		if (out2 && m)
			*out2 = *cstat_diagnose_get(dg, 1);
	}
	/* The strings are borrowed from dg: the copies drop them. */
	if (!rc) {
		out->input = out->name = out->unit = NULL;
		if (out2 && m)
			out2->input = out2->name = out2->unit = NULL;
	}
	cstat_diagnose_free(dg);
	return rc;
}

#endif
