/* edge_sse41.c - SSE4.1 edge-energy kernel (built with -msse4.1): 16 pixels
 * at a time; the row's tail recomputes one overlapping vector. */
#include "simd/simd_internal.h"

#include <smmintrin.h>

/* floor((|p - q| + |r - s|) / 2) per byte: the rounded-up average less
 * the bit the rounding added when the sum is odd. */
static inline __m128i energy16(const uint8_t *a, const uint8_t *m, const uint8_t *b, int x)
{
    const __m128i l = _mm_loadu_si128((const __m128i *)(m + x - 1));
    const __m128i r = _mm_loadu_si128((const __m128i *)(m + x + 1));
    const __m128i u = _mm_loadu_si128((const __m128i *)(a + x));
    const __m128i d = _mm_loadu_si128((const __m128i *)(b + x));
    const __m128i gx = _mm_or_si128(_mm_subs_epu8(r, l), _mm_subs_epu8(l, r));
    const __m128i gy = _mm_or_si128(_mm_subs_epu8(d, u), _mm_subs_epu8(u, d));
    const __m128i odd = _mm_and_si128(_mm_xor_si128(gx, gy), _mm_set1_epi8(1));
    return _mm_sub_epi8(_mm_avg_epu8(gx, gy), odd);
}

void aoi__edgerow_sse41(const uint8_t *a, const uint8_t *m, const uint8_t *b, int x0, int x1,
                        uint8_t *dst)
{
    int x = x0;
    if (x1 - x0 < 16) {
        aoi__edgerow_scalar(a, m, b, x0, x1, dst);
        return;
    }
    for (; x + 16 <= x1; x += 16)
        _mm_storeu_si128((__m128i *)(dst + x), energy16(a, m, b, x));
    if (x < x1)
        _mm_storeu_si128((__m128i *)(dst + x1 - 16), energy16(a, m, b, x1 - 16));
}
