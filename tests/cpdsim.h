/*
 * cpdsim.h - the simulated noise of the change-point tests (test-cpd.c and
 * stats-cpd.c): a fixed-seed splitmix64 generator and Box-Muller normals,
 * so every run of a test sees the same numbers.
 */
#ifndef CSTAT_CPDSIM_H
#define CSTAT_CPDSIM_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* splitmix64 (Steele, Lea and Flood, OOPSLA 2014). */
struct rng {
	uint64_t s;
};

static inline uint64_t
rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in (0, 1): never 0, so the logarithm below is finite. */
static inline double
rng_uniform(struct rng *r)
{
	return ((double)(rng_next(r) >> 11) + 0.5) * 0x1p-53;
}

/* A standard normal by Box-Muller (the cosine half only). */
static inline double
rng_normal(struct rng *r)
{
	double u = rng_uniform(r), v = rng_uniform(r);

	return sqrt(-2 * log(u)) * cos(2 * 3.14159265358979323846 * v);
}

enum noise { NORMAL, LOGNORMAL };

/* level with noise of spread: level * (1 + spread * g) (normal) or
 * level * exp(spread * g) (lognormal), g a standard normal from r. */
static inline double
rng_noisy(struct rng *r, enum noise kind, double level, double spread)
{
	double g = rng_normal(r);

	return kind == NORMAL ? level * (1 + spread * g)
			      : level * exp(spread * g);
}

#endif
