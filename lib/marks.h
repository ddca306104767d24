/*
 * marks.h - one 64-byte block of text as bit masks, for the readers that
 * split a line's fields by bits rather than by a loop over bytes (the
 * default reader's fast path for Go text and -v1's).  Private.
 */
#ifndef CSTAT_MARKS_H
#define CSTAT_MARKS_H

#include <stdbool.h>
#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
/* A second cstat__mark_block() for processors with AVX2, chosen at run
 * time (cstat__cpu_avx2()): the library is built for the baseline. */
#define CSTAT_MARKS_AVX2 1
#else
#define CSTAT_MARKS_AVX2 0
#endif

/*
 * The marks of the 64 bytes at p, one bit a byte: *sp its ASCII spaces
 * (Go's isSpace: \t \n \v \f \r and ' '), *nl its newlines and *hi its
 * bytes from 0x80 up.  With SSE2, sixteen bytes at a time: a byte minus 9
 * at most 4 is one of \t..\r.
 */
static inline void
cstat__mark_block(const unsigned char *p, uint64_t *sp, uint64_t *nl,
		  uint64_t *hi)
{
	*sp = *nl = *hi = 0;
#if defined(__SSE2__)
	__m128i v[4], any = _mm_setzero_si128();
	for (unsigned k = 0; k < 4; k++) {
		v[k] = _mm_loadu_si128(
			(const __m128i *)(const void *)(p + 16 * k));
		any = _mm_or_si128(any, v[k]);
		__m128i t = _mm_sub_epi8(v[k], _mm_set1_epi8(9));
		__m128i ctl =
			_mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(4)), t);
		__m128i blank = _mm_cmpeq_epi8(v[k], _mm_set1_epi8(' '));
		uint64_t s =
			(unsigned)_mm_movemask_epi8(_mm_or_si128(ctl, blank));
		uint64_t n = (unsigned)_mm_movemask_epi8(
			_mm_cmpeq_epi8(v[k], _mm_set1_epi8('\n')));
		*sp |= s << (16 * k);
		*nl |= n << (16 * k);
	}
	/* Bytes from 0x80 up are rare: their places only when there is
	 * one. */
	if (_mm_movemask_epi8(any))
		for (unsigned k = 0; k < 4; k++)
			*hi |= (uint64_t)(unsigned)_mm_movemask_epi8(v[k])
			       << (16 * k);
#else
	for (unsigned i = 0; i < 64; i++) {
		unsigned c = p[i];
		*sp |= (uint64_t)(c == ' ' || (c >= 9 && c <= 13)) << i;
		*nl |= (uint64_t)(c == '\n') << i;
		*hi |= (uint64_t)(c >= 0x80) << i;
	}
#endif
}

#if CSTAT_MARKS_AVX2
/* Whether the processor runs AVX2 instructions. */
static inline bool
cstat__cpu_avx2(void)
{
	return __builtin_cpu_supports("avx2");
}

/* cstat__mark_block() thirty-two bytes at a time, the same marks. */
__attribute__((target("avx2"))) static inline void
cstat__mark_block_avx2(const unsigned char *p, uint64_t *sp, uint64_t *nl,
		       uint64_t *hi)
{
	*sp = *nl = *hi = 0;
	for (unsigned k = 0; k < 2; k++) {
		__m256i v = _mm256_loadu_si256(
			(const __m256i *)(const void *)(p + 32 * k));
		__m256i t = _mm256_sub_epi8(v, _mm256_set1_epi8(9));
		__m256i ctl = _mm256_cmpeq_epi8(
			_mm256_min_epu8(t, _mm256_set1_epi8(4)), t);
		__m256i blank = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(' '));
		uint64_t s = (uint32_t)_mm256_movemask_epi8(
			_mm256_or_si256(ctl, blank));
		uint64_t n = (uint32_t)_mm256_movemask_epi8(
			_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\n')));
		*sp |= s << (32 * k);
		*nl |= n << (32 * k);
		*hi |= (uint64_t)(uint32_t)_mm256_movemask_epi8(v) << (32 * k);
	}
}
#endif

#endif
