/* dist_sse41.c - SSE4.1 colour-distance kernel (built with -msse4.1).  Row
 * tails recompute one overlapping vector at n - width. */
#include "simd/dist_sse.h"

void aoi__distrow_sse41(const uint8_t *src, int n, int bpp, int xoff, const uint8_t ref[4],
                        uint16_t *dst)
{
    int i = 0;
    if (n < 16) {
        aoi__distrow_scalar(src, n, bpp, xoff, ref, dst);
        return;
    }
    if (bpp == 1) {
        const __m128i r = _mm_set1_epi8((char)ref[0]), z = _mm_setzero_si128();
        for (;; i += 16) {
            if (i + 16 > n)
                i = n - 16;
            __m128i d = absdiff_u8(_mm_loadu_si128((const __m128i *)(src + i)), r);
            _mm_storeu_si128((__m128i *)(dst + i), _mm_unpacklo_epi8(d, z));
            _mm_storeu_si128((__m128i *)(dst + i + 8), _mm_unpackhi_epi8(d, z));
            if (i + 16 == n)
                break;
        }
    } else if (bpp == 3) {
        const __m128i ra = ref_pattern(ref, 3, 0), rb = ref_pattern(ref, 3, 1), rc = ref_pattern(ref, 3, 2);
        for (;; i += 16) {
            if (i + 16 > n)
                i = n - 16;
            dist3x16(src + 3 * i, ra, rb, rc, dst + i);
            if (i + 16 == n)
                break;
        }
    } else {
        const __m128i r = ref_pattern(ref, 4, 0);
        const __m128i keep = xoff == 0 ? _mm_set1_epi32((int)0xFFFFFF00) : _mm_set1_epi32(0x00FFFFFF);
        for (;; i += 16) {
            if (i + 16 > n)
                i = n - 16;
            _mm_storeu_si128((__m128i *)(dst + i), dist4x8(src + 4 * i, r, keep));
            _mm_storeu_si128((__m128i *)(dst + i + 8), dist4x8(src + 4 * i + 32, r, keep));
            if (i + 16 == n)
                break;
        }
    }
}
