/* dist_avx2.c - AVX2 colour-distance kernel (built with -mavx2).  Packed
 * 3-byte pixels straddle the 128-bit lanes, so they take the SSE4.1 kernel;
 * row tails recompute one overlapping vector at n - width. */
#include "simd/dist_sse.h"

#include <immintrin.h>

void aoi__distrow_avx2(const uint8_t *src, int n, int bpp, int xoff, const uint8_t ref[4],
                       uint16_t *dst)
{
    int i = 0;
    if (bpp == 3 || n < 32) {
        aoi__distrow_sse41(src, n, bpp, xoff, ref, dst);
        return;
    }
    if (bpp == 1) {
        const __m256i r = _mm256_set1_epi16(ref[0]);
        for (;; i += 16) {
            if (i + 16 > n)
                i = n - 16;
            __m256i v = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(src + i)));
            _mm256_storeu_si256((__m256i *)(dst + i), _mm256_abs_epi16(_mm256_sub_epi16(v, r)));
            if (i + 16 == n)
                break;
        }
        return;
    }
    const __m128i r128 = ref_pattern(ref, 4, 0);
    const __m256i r = _mm256_broadcastsi128_si256(r128), ones = _mm256_set1_epi8(1);
    const __m256i keep = xoff == 0 ? _mm256_set1_epi32((int)0xFFFFFF00) : _mm256_set1_epi32(0x00FFFFFF);
    for (;; i += 16) {
        if (i + 16 > n)
            i = n - 16;
        const uint8_t *p = src + 4 * i;
        __m256i a = _mm256_loadu_si256((const __m256i *)p), b = _mm256_loadu_si256((const __m256i *)(p + 32));
        a = _mm256_and_si256(_mm256_or_si256(_mm256_subs_epu8(a, r), _mm256_subs_epu8(r, a)), keep);
        b = _mm256_and_si256(_mm256_or_si256(_mm256_subs_epu8(b, r), _mm256_subs_epu8(r, b)), keep);
        /* Per lane: pixels 0-3 | 8-11 (a, b) and 4-7 | 12-15: put them in order. */
        __m256i s = _mm256_hadd_epi16(_mm256_maddubs_epi16(a, ones), _mm256_maddubs_epi16(b, ones));
        _mm256_storeu_si256((__m256i *)(dst + i), _mm256_permute4x64_epi64(s, 0xD8));
        if (i + 16 == n)
            break;
    }
}
