/* max_sse.h - 128-bit max-of-channels helpers shared by the SSE4.1 and AVX2
 * kernels (each file is built with its own -m flags). */
#ifndef AOI_MAX_SSE_H
#define AOI_MAX_SSE_H

#include "simd/rgb_sse.h"
#include "simd/simd_internal.h"

#include <smmintrin.h>

/* Max of R,G,B for 16 packed 3-byte pixels at p (reads 48 bytes). */
static inline __m128i max3x16(const uint8_t *p)
{
    __m128i r, g, bl;
    deinterleave3x16(_mm_loadu_si128((const __m128i *)p), _mm_loadu_si128((const __m128i *)(p + 16)),
                     _mm_loadu_si128((const __m128i *)(p + 32)), &r, &g, &bl);
    return _mm_max_epu8(_mm_max_epu8(r, g), bl);
}

/* Max of the three colour bytes of 16 4-byte pixels (padding byte at xoff). */
static inline __m128i max4x16(const uint8_t *p, __m128i keep)
{
    __m128i out[4];
    const __m128i pick = _mm_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_and_si128(_mm_loadu_si128((const __m128i *)(p + 16 * k)), keep);
        __m128i m = _mm_max_epu8(v, _mm_srli_epi32(v, 8));
        m = _mm_max_epu8(m, _mm_srli_epi32(m, 16));
        out[k] = _mm_shuffle_epi8(m, pick); /* 4 results in the low dword */
    }
    return _mm_unpacklo_epi64(_mm_unpacklo_epi32(out[0], out[1]), _mm_unpacklo_epi32(out[2], out[3]));
}

#endif
