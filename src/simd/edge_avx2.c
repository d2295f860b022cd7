/* edge_avx2.c - AVX2 edge-energy kernel (built with -mavx2): 32 pixels at a
 * time (byte-wise, no lane crossing); shorter rows and the tail as SSE4.1. */
#include "simd/simd_internal.h"

#include <immintrin.h>

static inline __m256i energy32(const uint8_t *a, const uint8_t *m, const uint8_t *b, int x)
{
    const __m256i l = _mm256_loadu_si256((const __m256i *)(m + x - 1));
    const __m256i r = _mm256_loadu_si256((const __m256i *)(m + x + 1));
    const __m256i u = _mm256_loadu_si256((const __m256i *)(a + x));
    const __m256i d = _mm256_loadu_si256((const __m256i *)(b + x));
    const __m256i gx = _mm256_or_si256(_mm256_subs_epu8(r, l), _mm256_subs_epu8(l, r));
    const __m256i gy = _mm256_or_si256(_mm256_subs_epu8(d, u), _mm256_subs_epu8(u, d));
    const __m256i odd = _mm256_and_si256(_mm256_xor_si256(gx, gy), _mm256_set1_epi8(1));
    return _mm256_sub_epi8(_mm256_avg_epu8(gx, gy), odd);
}

void aoi__edgerow_avx2(const uint8_t *a, const uint8_t *m, const uint8_t *b, int x0, int x1,
                       uint8_t *dst)
{
    int x = x0;
    if (x1 - x0 < 32) {
        aoi__edgerow_sse41(a, m, b, x0, x1, dst);
        return;
    }
    for (; x + 32 <= x1; x += 32)
        _mm256_storeu_si256((__m256i *)(dst + x), energy32(a, m, b, x));
    if (x < x1)
        _mm256_storeu_si256((__m256i *)(dst + x1 - 32), energy32(a, m, b, x1 - 32));
}
