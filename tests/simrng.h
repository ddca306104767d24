/*
 * simrng.h - the simulations' random numbers: xoshiro256** seeded by
 * splitmix64, uniforms on (0, 1) and standard normals by Box-Muller.  A
 * fixed seed gives the same sequence on every machine, so the measured
 * rates the statistics tests print are reproducible.  Shared by
 * stats-correlate.c and stats-scaling.c; test-render-html.c draws from
 * splitmix64 alone (inline, so a test that uses part is not warned).
 */
#ifndef CSTAT_TESTS_SIMRNG_H
#define CSTAT_TESTS_SIMRNG_H

#include <math.h>
#include <stdint.h>

struct rng {
	uint64_t s[4];
};

static inline uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static inline uint64_t
next(struct rng *r)
{
	uint64_t *s = r->s, out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

static inline double
uniform(struct rng *r)
{
	return ((double)(next(r) >> 11) + 0.5) * 0x1p-53;
}

/* A standard normal by Box-Muller (one of the pair). */
static inline double
normal(struct rng *r)
{
	return sqrt(-2 * log(uniform(r))) * cos(6.283185307179586 * uniform(r));
}

#endif
