/* dist_avx2.c - AVX2 colour-distance kernel (built with -mavx2).  Packed
 * 3-byte pixels are read 16 to a 128-bit lane (rgb_avx2.h); row tails
 * recompute one overlapping vector at n - width. */
#include "simd/dist_sse.h"
#include "simd/rgb_avx2.h"

#include <immintrin.h>

void aoi__distrow_avx2(const uint8_t *src, int n, int bpp, int xoff, const uint8_t ref[4],
                       uint16_t *dst)
{
    int i = 0;
    if (n < 32) {
        aoi__distrow_sse41(src, n, bpp, xoff, ref, dst);
        return;
    }
    if (bpp == 3) {
        /* Each lane holds 48 bytes, a whole number of pixels: the same
         * reference pattern in both. */
        const __m256i ra = _mm256_broadcastsi128_si256(ref_pattern(ref, 3, 0)),
                      rb = _mm256_broadcastsi128_si256(ref_pattern(ref, 3, 16)),
                      rc = _mm256_broadcastsi128_si256(ref_pattern(ref, 3, 32)),
                      z = _mm256_setzero_si256();
        for (;; i += 32) {
            if (i + 32 > n)
                i = n - 32;
            __m256i a, b, c, r, g, bl;
            load3x32(src + 3 * i, &a, &b, &c);
            a = _mm256_or_si256(_mm256_subs_epu8(a, ra), _mm256_subs_epu8(ra, a));
            b = _mm256_or_si256(_mm256_subs_epu8(b, rb), _mm256_subs_epu8(rb, b));
            c = _mm256_or_si256(_mm256_subs_epu8(c, rc), _mm256_subs_epu8(rc, c));
            deinterleave3x32(a, b, c, &r, &g, &bl);
            /* Per lane: lo pixels 0-7 | 16-23, hi 8-15 | 24-31. */
            __m256i lo = _mm256_add_epi16(
                _mm256_add_epi16(_mm256_unpacklo_epi8(r, z), _mm256_unpacklo_epi8(g, z)),
                _mm256_unpacklo_epi8(bl, z));
            __m256i hi = _mm256_add_epi16(
                _mm256_add_epi16(_mm256_unpackhi_epi8(r, z), _mm256_unpackhi_epi8(g, z)),
                _mm256_unpackhi_epi8(bl, z));
            _mm256_storeu_si256((__m256i *)(dst + i), _mm256_permute2x128_si256(lo, hi, 0x20));
            _mm256_storeu_si256((__m256i *)(dst + i + 16), _mm256_permute2x128_si256(lo, hi, 0x31));
            if (i + 32 == n)
                break;
        }
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
