/* dist_sse.h - 128-bit colour-distance helpers shared by the SSE4.1 and AVX2
 * kernels (each file is built with its own -m flags). */
#ifndef AOI_DIST_SSE_H
#define AOI_DIST_SSE_H

#include "simd/rgb_sse.h"
#include "simd/simd_internal.h"

#include <smmintrin.h>

static inline __m128i absdiff_u8(__m128i a, __m128i b)
{
    return _mm_or_si128(_mm_subs_epu8(a, b), _mm_subs_epu8(b, a));
}

/* The reference repeated with period bpp, starting at byte phase `phase`. */
static inline __m128i ref_pattern(const uint8_t ref[4], int bpp, int phase)
{
    uint8_t b[16];
    for (int i = 0; i < 16; i++)
        b[i] = ref[(i + phase) % bpp];
    return _mm_loadu_si128((const __m128i *)b);
}

/* Distances of 16 packed 3-byte pixels at p (reads 48 bytes) to dst[0..16). */
static inline void dist3x16(const uint8_t *p, __m128i ref_a, __m128i ref_b, __m128i ref_c, uint16_t *dst)
{
    const __m128i a = absdiff_u8(_mm_loadu_si128((const __m128i *)p), ref_a);
    const __m128i b = absdiff_u8(_mm_loadu_si128((const __m128i *)(p + 16)), ref_b);
    const __m128i c = absdiff_u8(_mm_loadu_si128((const __m128i *)(p + 32)), ref_c);
    const __m128i z = _mm_setzero_si128();
    __m128i r, g, bl;
    deinterleave3x16(a, b, c, &r, &g, &bl);
    __m128i lo = _mm_add_epi16(_mm_add_epi16(_mm_unpacklo_epi8(r, z), _mm_unpacklo_epi8(g, z)),
                               _mm_unpacklo_epi8(bl, z));
    __m128i hi = _mm_add_epi16(_mm_add_epi16(_mm_unpackhi_epi8(r, z), _mm_unpackhi_epi8(g, z)),
                               _mm_unpackhi_epi8(bl, z));
    _mm_storeu_si128((__m128i *)dst, lo);
    _mm_storeu_si128((__m128i *)(dst + 8), hi);
}

/* Distances of 8 4-byte pixels at p (reads 32 bytes); keep zeroes the
 * padding byte's difference. */
static inline __m128i dist4x8(const uint8_t *p, __m128i r, __m128i keep)
{
    const __m128i ones = _mm_set1_epi8(1);
    __m128i a = _mm_and_si128(absdiff_u8(_mm_loadu_si128((const __m128i *)p), r), keep);
    __m128i b = _mm_and_si128(absdiff_u8(_mm_loadu_si128((const __m128i *)(p + 16)), r), keep);
    /* Byte pairs, then pairs of pairs: one sum per pixel (at most 765). */
    return _mm_hadd_epi16(_mm_maddubs_epi16(a, ones), _mm_maddubs_epi16(b, ones));
}

#endif
