/*
 * gateutil.h - the deterministic generator shared by the gate's tests
 * (tests/test-gate.c, tests/stats-gate.c, tests/stats-noise.c): splitmix64
 * uniforms and Box-Muller normal deviates, with no global state, so every
 * simulation runs from its own fixed seed.
 */
#ifndef CSTAT_GATEUTIL_H
#define CSTAT_GATEUTIL_H

#include <math.h>
#include <stdint.h>

struct rng {
	uint64_t s;
};

/* A uniform deviate in (0, 1), never 0, so log() of it is finite. */
static inline double
uniform(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	z ^= z >> 31;
	return ((double)(z >> 11) + 0.5) / 9007199254740992.0;
}

static inline double
normal(struct rng *r)
{
	return sqrt(-2 * log(uniform(r))) * cos(6.283185307179586 * uniform(r));
}

#endif
