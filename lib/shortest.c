/*
 * shortest.c - the shortest decimal digits of a double that read back as
 * it, and of those the closest (Go's strconv.FormatFloat(v, 'g', -1, 64)),
 * by Ulf Adams' Ryu (PLDI 2018).
 *
 * A positive double is m2 * 2^e2.  The numbers that read back as it form
 * an interval around it, half an ulp on each side (a quarter below for a
 * power of two), ends included when m2 is even (round half to even).  Ryu
 * multiplies the interval's ends and the value, scaled by 4 so that the
 * ends are integers, by a power of ten 10^-e10 taken from a 128-bit table
 * (pow5.h): vm < vr < vp, each the floor of the exact product (the tables
 * are long enough for that to hold for every double).  Then it removes
 * decimal digits from all three while the interval still holds a shorter
 * number, remembers the last removed digit of vr to round it, and takes
 * vr, or vr + 1 when rounding says so or vr lies outside the interval.
 * Where a product may be exact (its removed digits all zero) the exact
 * end points and half-way ties need the flags below; they are set from
 * divisibility, as the paper does.
 *
 * No allocation, no state, no floating point: integer arithmetic only, so
 * the digits are the same whatever the CPU, compiler or valgrind.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "numfmt.h"
#include "pow5.h"

#define MANT_BITS 52
#define EXP_BIAS 1023

/* The high 64 bits of a * b. */
static uint64_t
mul_hi(uint64_t a, uint64_t b)
{
	uint64_t hi, lo;

	cstat__mul128(a, b, &hi, &lo);
	return hi;
}

/*
 * (m * mul) >> j for a 128-bit mul (low half first) and 64 < j < 128,
 * where m has at most 55 bits so that the result fits 64 bits.
 */
static uint64_t
mul_shift(uint64_t m, const uint64_t *mul, int j)
{
	uint64_t lo_hi = mul_hi(m, mul[0]);
	uint64_t hi_lo = m * mul[1], hi_hi = mul_hi(m, mul[1]);
	uint64_t mid = lo_hi + hi_lo;

	hi_hi += mid < lo_hi; /* the carry */
	/* (hi_hi:mid) >> (j - 64), with 0 < j - 64 < 64. */
	return (mid >> (j - 64)) | (hi_hi << (128 - j));
}

/* ceil(log2(5^e)) for 1 <= e <= 3528, and 1 for e == 0. */
static int
pow5_bits(int e)
{
	return (int)(((uint32_t)e * 1217359u) >> 19) + 1;
}

/* floor(log10(2^e)) for 0 <= e <= 1650. */
static int
log10_pow2(int e)
{
	return (int)(((uint32_t)e * 78913u) >> 18);
}

/* floor(log10(5^e)) for 0 <= e <= 2620. */
static int
log10_pow5(int e)
{
	return (int)(((uint32_t)e * 732923u) >> 20);
}

/* Whether 5^p divides v (v > 0). */
static bool
multiple_of_pow5(uint64_t v, int p)
{
	int count = 0;

	while (count < p && v % 5 == 0) {
		v /= 5;
		count++;
	}
	return count >= p;
}

/* Whether 2^p divides v (0 <= p < 64). */
static bool
multiple_of_pow2(uint64_t v, int p)
{
	return (v & (((uint64_t)1 << p) - 1)) == 0;
}

/* The three scaled products and what is known of their exactness. */
struct scaled {
	uint64_t vr, vp, vm;
	int e10;
	/* VR_EXACT: vr is the exact product (nothing cut off); VM_EXACT:
	 * the same for vm.  One word, which is read as a whole. */
	unsigned exact;
};

#define VR_EXACT 1u
#define VM_EXACT 2u

/* Step 3 of Ryu for e2 >= 0: divide by 10^q, q <= e2. */
static void
scale_down(uint64_t m2, int e2, bool accept, unsigned mm_shift,
	   struct scaled *s)
{
	uint64_t mv = 4 * m2;
	int q = log10_pow2(e2) - (e2 > 3);
	int j = -e2 + q + POW5_BITS + pow5_bits(q) - 1;

	s->e10 = q;
	s->vr = mul_shift(mv, pow5_inv[q], j);
	s->vp = mul_shift(mv + 2, pow5_inv[q], j);
	s->vm = mul_shift(mv - 1 - mm_shift, pow5_inv[q], j);
	/* The product is exact iff 5^q divides the factor; 5^24 exceeds any
	 * mv (< 2^55).  Of mm, mv and mp (within 4 of each other) at most
	 * one is a multiple of 5 when q > 0. */
	if (q > 23)
		return;
	if (mv % 5 == 0)
		s->exact = multiple_of_pow5(mv, q) ? VR_EXACT : 0;
	else if (accept)
		s->exact =
			multiple_of_pow5(mv - 1 - mm_shift, q) ? VM_EXACT : 0;
	else
		s->vp -= multiple_of_pow5(mv + 2, q); /* mp itself excluded */
}

/* Step 3 of Ryu for e2 < 0: multiply by 5^i, divide by 2^(j). */
static void
scale_up(uint64_t m2, int e2, bool accept, unsigned mm_shift, struct scaled *s)
{
	uint64_t mv = 4 * m2;
	int q = log10_pow5(-e2) - (-e2 > 1);
	int i = -e2 - q;
	int j = q - (pow5_bits(i) - POW5_BITS);

	s->e10 = q + e2;
	s->vr = mul_shift(mv, pow5[i], j);
	s->vp = mul_shift(mv + 2, pow5[i], j);
	s->vm = mul_shift(mv - 1 - mm_shift, pow5[i], j);
	/* The exact product is factor * 5^i / 2^q: exact iff 2^q divides
	 * the factor.  mp = 2 * odd and mm = 2 * odd (or odd) are exact only
	 * for q <= 1. */
	if (q <= 1) {
		s->exact = VR_EXACT;
		if (accept && (q == 0 || mm_shift == 1))
			s->exact |= VM_EXACT;
		else if (!accept)
			s->vp--; /* mp itself excluded */
	} else if (q < 63) {
		s->exact = multiple_of_pow2(mv, q) ? VR_EXACT : 0;
	}
}

/*
 * Step 4 when some product may be exact: the general digit removal, which
 * tracks whether vm's removed digits are all zero (then vm itself is
 * acceptable) and whether vr's are (then a last 5 is an exact tie, rounded
 * to even).
 */
static uint64_t
remove_exact(struct scaled *s, bool accept, int *removed)
{
	uint64_t vr = s->vr, vp = s->vp, vm = s->vm;
	bool vm_zeros = s->exact & VM_EXACT, vr_zeros = s->exact & VR_EXACT;
	unsigned last = 0;

	while (vp / 10 > vm / 10) {
		vm_zeros &= vm % 10 == 0;
		vr_zeros &= last == 0;
		last = (unsigned)(vr % 10);
		vr /= 10;
		vp /= 10;
		vm /= 10;
		(*removed)++;
	}
	if (vm_zeros) {
		while (vm % 10 == 0) {
			vr_zeros &= last == 0;
			last = (unsigned)(vr % 10);
			vr /= 10;
			vp /= 10;
			vm /= 10;
			(*removed)++;
		}
	}
	if (vr_zeros && last == 5 && vr % 2 == 0)
		last = 4; /* exactly half way: to even */
	return vr + ((vr == vm && (!accept || !vm_zeros)) || last >= 5);
}

/*
 * Step 4 in the common case: nothing exact, no ties.  Benchmark numbers
 * are short ("1.2345e-05" keeps 5 of 17 digits), so digits go eight, four
 * and two at a time before one at a time; only whether the removed part
 * is at least half of a unit of the last kept digit matters for rounding.
 */
static uint64_t
remove_inexact(const struct scaled *s, int *removed)
{
	uint64_t vr = s->vr, vp = s->vp, vm = s->vm;
	bool up = false;

	/* Constant divisors, which the compiler turns into multiplications. */
#define REMOVE(d, nd)                                                          \
	do {                                                                   \
		up = vr % (d) >= (d) / 2;                                      \
		vr /= (d);                                                     \
		vp /= (d);                                                     \
		vm /= (d);                                                     \
		*removed += (nd);                                              \
	} while (0)
	if (vp / 100000000 > vm / 100000000)
		REMOVE(100000000, 8);
	if (vp / 10000 > vm / 10000)
		REMOVE(10000, 4);
	if (vp / 100 > vm / 100)
		REMOVE(100, 2);
	while (vp / 10 > vm / 10)
		REMOVE(10, 1);
#undef REMOVE
	return vr + (vr == vm || up);
}

void
cstat__shortest(double a, uint64_t *m, int *e10)
{
	uint64_t bits, ieee_m, m2;
	unsigned ieee_e, mm_shift;
	struct scaled s = {0};
	int e2, removed = 0;
	bool accept;

	memcpy(&bits, &a, sizeof(bits));
	ieee_m = bits & (((uint64_t)1 << MANT_BITS) - 1);
	ieee_e = (unsigned)(bits >> MANT_BITS) & 0x7ff;
	/* Two more bits, so that the interval's ends are integers. */
	if (ieee_e == 0) {
		e2 = 1 - EXP_BIAS - MANT_BITS - 2;
		m2 = ieee_m;
	} else {
		e2 = (int)ieee_e - EXP_BIAS - MANT_BITS - 2;
		m2 = ((uint64_t)1 << MANT_BITS) | ieee_m;
	}
	accept = (m2 & 1) == 0;
	/* The interval is narrower below a power of two (but the smallest
	 * normal's neighbour below is as far as the one above). */
	mm_shift = ieee_m != 0 || ieee_e <= 1;
	if (e2 >= 0)
		scale_down(m2, e2, accept, mm_shift, &s);
	else
		scale_up(m2, e2, accept, mm_shift, &s);
	if (s.exact)
		*m = remove_exact(&s, accept, &removed);
	else
		*m = remove_inexact(&s, &removed);
	*e10 = s.e10 + removed;
}
