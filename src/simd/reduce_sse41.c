/* reduce_sse41.c - SSE4.1 max-channel reduction kernels (built with -msse4.1).
 * Row tails are handled by recomputing one overlapping vector at n - 16. */
#include "simd/simd_internal.h"

#include "simd/max_sse.h"

#include <string.h>

void aoi__maxrow_sse41(const uint8_t *src, int n, int bpp, int xoff, uint8_t *dst)
{
    int i = 0;
    if (n < 16 || bpp == 1) {
        aoi__maxrow_scalar(src, n, bpp, xoff, dst);
        return;
    }
    if (bpp == 3) {
        for (; i + 16 <= n; i += 16)
            _mm_storeu_si128((__m128i *)(dst + i), max3x16(src + 3 * i));
        if (i < n)
            _mm_storeu_si128((__m128i *)(dst + n - 16), max3x16(src + 3 * (n - 16)));
    } else {
        const __m128i keep = xoff == 0 ? _mm_set1_epi32((int)0xFFFFFF00) : _mm_set1_epi32(0x00FFFFFF);
        for (; i + 16 <= n; i += 16)
            _mm_storeu_si128((__m128i *)(dst + i), max4x16(src + 4 * i, keep));
        if (i < n)
            _mm_storeu_si128((__m128i *)(dst + n - 16), max4x16(src + 4 * (n - 16), keep));
    }
}

void aoi__accrow_sse41(const uint8_t *row, int n, uint16_t *acc)
{
    int i = 0;
    const __m128i z = _mm_setzero_si128();
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(row + i));
        __m128i lo = _mm_loadu_si128((const __m128i *)(acc + i));
        __m128i hi = _mm_loadu_si128((const __m128i *)(acc + i + 8));
        _mm_storeu_si128((__m128i *)(acc + i), _mm_add_epi16(lo, _mm_unpacklo_epi8(v, z)));
        _mm_storeu_si128((__m128i *)(acc + i + 8), _mm_add_epi16(hi, _mm_unpackhi_epi8(v, z)));
    }
    aoi__accrow_scalar(row + i, n - i, acc + i);
}

void aoi__hsum_sse41(const uint16_t *acc, int n, int f, uint8_t *dst)
{
    int x = 0;
    const __m128i ones = _mm_set1_epi16(1);
    if (f == 2) {
        const __m128i half = _mm_set1_epi32(2);
        for (; x + 8 <= n; x += 8) {
            __m128i a = _mm_madd_epi16(_mm_loadu_si128((const __m128i *)(acc + 2 * x)), ones);
            __m128i b = _mm_madd_epi16(_mm_loadu_si128((const __m128i *)(acc + 2 * x + 8)), ones);
            a = _mm_srli_epi32(_mm_add_epi32(a, half), 2);
            b = _mm_srli_epi32(_mm_add_epi32(b, half), 2);
            __m128i w = _mm_packus_epi32(a, b);
            _mm_storel_epi64((__m128i *)(dst + x), _mm_packus_epi16(w, w));
        }
    } else if (f == 4) {
        const __m128i half = _mm_set1_epi32(8);
        for (; x + 4 <= n; x += 4) {
            __m128i a = _mm_madd_epi16(_mm_loadu_si128((const __m128i *)(acc + 4 * x)), ones);
            __m128i b = _mm_madd_epi16(_mm_loadu_si128((const __m128i *)(acc + 4 * x + 8)), ones);
            __m128i s = _mm_hadd_epi32(a, b); /* 4 block sums */
            s = _mm_srli_epi32(_mm_add_epi32(s, half), 4);
            __m128i w = _mm_packus_epi32(s, s);
            int v4 = _mm_cvtsi128_si32(_mm_packus_epi16(w, w));
            memcpy(dst + x, &v4, 4);
        }
    }
    aoi__hsum_scalar(acc + f * x, n - x, f, dst + x);
}
