/*
 * stats-scaling.c - the scaling analysis's statistical promises, measured
 * with a fixed seed (xoshiro256** seeded by splitmix64 from 18).
 *
 * Each replicate is a planted cost c * n^a * ln(1 + n)^b with multiplicative
 * log-normal noise (sd 5% on the log scale, and 50% for the noisy case),
 * at sizes 2^10, 2^12, ..., 2^20 (6 sizes) with 10 runs each (60 points),
 * as a typical go test -bench -count=10 over a size sweep.  Measured over
 * N = 1000 replicates per case:
 *
 *   - the estimate: |k - planted exponent| < 0.05 in every replicate, for
 *     k = 0, 1, 2 and for n log n (whose exponent over the range is the
 *     chord's, 1.1 here);
 *   - the coverage of the 95% interval for the pure power laws (k = 0, 1,
 *     2): at least 93%, where Sen's interval promises 95% (the normal
 *     approximation to Kendall's S at 60 points);
 *   - the class named: the planted class in at least 90% of replicates
 *     and a wrong class in at most 5% (n log n: a wrong class at most
 *     5%); at k = 1.5 (no class) and with 50% noise at 3 sizes of 3 runs
 *     (an interval wider than the classes' spacing) a class in at most 5%;
 *   - the change flag (two inputs' intervals apart): at most 2% of pairs
 *     of the same exponent 1, at least 80% of pairs of 1 and 1.1 (N pairs);
 *   - the exponent gate (run_gate()): a rise of at most the allowed one
 *     called a regression in at most 2.5% of pairs, 1 -> 1.2 at 0.1 in at
 *     least 80%, 1 -> 1.3 in at least 99%, 1 -> 2 in all (N pairs each).
 *
 * Fails when a target is missed; prints every rate with its N.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cstat.h"
#include "simrng.h"

#define N 1000

struct plant {
	const char *what;
	double a, b;	/* cost ~ n^a ln(1+n)^b */
	double sd;	/* noise on the log scale */
	int lo2, step2; /* sizes 2^lo2, 2^(lo2+step2), ... */
	size_t sizes, runs;
	const char *want; /* the class to name, or NULL: none */
	double tol;	  /* |k - exponent| allowed in every replicate */
	double coverage;  /* minimum coverage, or 0: not measured */
	double named;	  /* minimum rate of naming want */
	double wrong;	  /* maximum rate of naming another class */
};

/* Runs one case; false when a target is missed. */
static bool
run(const struct plant *p, struct rng *r)
{
	double n[256], y[256];
	size_t m = p->sizes * p->runs, covered = 0, named = 0, wrong = 0;
	size_t far = 0;
	double nmin = ldexp(1, p->lo2);
	double nmax = ldexp(1, p->lo2 + p->step2 * (int)(p->sizes - 1));
	double e =
		p->a + p->b * log(log1p(nmax) / log1p(nmin)) / log(nmax / nmin);

	for (size_t rep = 0; rep < N; rep++) {
		struct cstat_scaling_fit f;
		for (size_t i = 0; i < m; i++) {
			n[i] = ldexp(1, p->lo2 + p->step2 * (int)(i / p->runs));
			y[i] = 1e-6 * pow(n[i], p->a) * pow(log1p(n[i]), p->b) *
			       exp(p->sd * normal(r));
		}
		if (cstat_scaling_fit_points(n, y, m, 0.95, &f))
			return false;
		covered += f.lo <= e && e <= f.hi;
		far += !(fabs(f.k - e) < p->tol);
		if (f.class_name && p->want && !strcmp(f.class_name, p->want))
			named++;
		else if (f.class_name)
			wrong++;
	}
	double cov = (double)covered / N, nr = (double)named / N;
	double wr = (double)wrong / N;
	bool ok = far == 0 && (p->coverage == 0 || cov >= p->coverage) &&
		  nr >= p->named && wr <= p->wrong;
	printf("%-28s exponent %.3f: |k - e| >= %.2f in %zu/%d; coverage "
	       "%.3f; %s named %.3f, other class %.3f (N = %d) %s\n",
	       p->what, e, p->tol, far, N, cov, p->want ? p->want : "none", nr,
	       wr, N, ok ? "ok" : "FAIL");
	return ok;
}

/* One replicate of the plant of p at exponent a into f. */
static bool
fit_at(const struct plant *p, double a, double level, struct rng *r,
       struct cstat_scaling_fit *f)
{
	double n[256], y[256];
	size_t m = p->sizes * p->runs;

	for (size_t i = 0; i < m; i++) {
		n[i] = ldexp(1, p->lo2 + p->step2 * (int)(i / p->runs));
		y[i] = 1e-6 * pow(n[i], a) * exp(p->sd * normal(r));
	}
	return cstat_scaling_fit_points(n, y, m, level, f) == 0;
}

static bool
fit_one(const struct plant *p, double a, struct rng *r,
	struct cstat_scaling_fit *f)
{
	return fit_at(p, a, 0.95, r, f);
}

/*
 * The gate on the exponent (cregress -scaling; lib/gate-extra.c): each
 * fit at 97.5%, a regression when the change's interval [lo_b - hi_a,
 * hi_b - lo_a] lies wholly above the allowed rise D.  Over N pairs at the
 * plant of p, the share called a regression: from k = 1 to k = 1 + rise
 * under D.  A rise of D or less must be called in at most 2.5% of pairs
 * (the interval holds at least 95%, one side of it 2.5%); a rise well past
 * D in most.
 */
static double
gate_rate(const struct plant *p, double rise, double allowed, struct rng *r)
{
	size_t hit = 0;

	for (size_t rep = 0; rep < N; rep++) {
		struct cstat_scaling_fit a, b;
		if (!fit_at(p, 1, 0.975, r, &a) ||
		    !fit_at(p, 1 + rise, 0.975, r, &b))
			return NAN;
		hit += b.lo - a.hi > allowed;
	}
	return (double)hit / N;
}

static bool
run_gate(const struct plant *p, struct rng *r)
{
	static const struct {
		double rise, allowed, lo, hi;
	} cases[] = {
		{0, 0.1, 0, 0.025},  {0, 0, 0, 0.025},	  {0.1, 0.1, 0, 0.025},
		{0.2, 0.1, 0.80, 1}, {0.3, 0.1, 0.99, 1}, {1, 0.1, 1, 1},
	};
	bool ok = true;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		double rate = gate_rate(p, cases[i].rise, cases[i].allowed, r);
		bool good = rate >= cases[i].lo && rate <= cases[i].hi;
		printf("exponent gate: k 1 -> %.1f, rise allowed %.1f: "
		       "regression in %.3f of N = %d pairs (target [%g, %g]) "
		       "%s\n",
		       1 + cases[i].rise, cases[i].allowed, rate, N,
		       cases[i].lo, cases[i].hi, good ? "ok" : "FAIL");
		ok &= good;
	}
	return ok;
}

/*
 * The change flag (intervals apart) over N pairs of inputs: at the same
 * exponent 1 (a false alarm, at most 2%), and from 1 to 1.1 (found in at
 * least 80%) at the plant of p.
 */
static bool
run_change(const struct plant *p, struct rng *r)
{
	size_t same = 0, moved = 0;

	for (size_t rep = 0; rep < N; rep++) {
		struct cstat_scaling_fit a, b, c;
		if (!fit_one(p, 1, r, &a) || !fit_one(p, 1, r, &b) ||
		    !fit_one(p, 1.1, r, &c))
			return false;
		same += a.hi < b.lo || b.hi < a.lo;
		moved += a.hi < c.lo || c.hi < a.lo;
	}
	double fa = (double)same / N, found = (double)moved / N;
	bool ok = fa <= 0.02 && found >= 0.80;
	printf("change flag: k 1 -> 1 flagged %.3f, k 1 -> 1.1 flagged %.3f "
	       "(N = %d pairs) %s\n",
	       fa, found, N, ok ? "ok" : "FAIL");
	return ok;
}

int
main(void)
{
	static const struct plant cases[] = {
		{"O(1)", 0, 0, 0.05, 10, 2, 6, 10, "O(1)", 0.05, 0.93, 0.90,
		 0.05},
		{"O(n)", 1, 0, 0.05, 10, 2, 6, 10, "O(n)", 0.05, 0.93, 0.90,
		 0.05},
		{"O(n^2)", 2, 0, 0.05, 10, 2, 6, 10, "O(n^2)", 0.05, 0.93, 0.90,
		 0.05},
		{"O(n log n)", 1, 1, 0.05, 10, 2, 6, 10, "O(n log n)", 0.05, 0,
		 0.90, 0.05},
		{"n^1.5 (no class)", 1.5, 0, 0.05, 10, 2, 6, 10, NULL, 0.05,
		 0.93, 0, 0.05},
		{"O(n), 50% noise, 3x3", 1, 0, 0.5, 4, 2, 3, 3, "O(n)", 1.0, 0,
		 0, 0.05},
	};
	uint64_t seed = 18;
	struct rng r;
	bool ok = true;

	for (int i = 0; i < 4; i++)
		r.s[i] = splitmix64(&seed);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok &= run(&cases[i], &r);
	ok &= run_change(&cases[1], &r);
	ok &= run_gate(&cases[1], &r);
	return ok ? 0 : 1;
}
