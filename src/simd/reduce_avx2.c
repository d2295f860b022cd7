/* reduce_avx2.c - AVX2 max-channel reduction kernels (built with -mavx2).
 * Row tails recompute one overlapping vector at n - width. */
#include "simd/max_sse.h"
#include "simd/rgb_avx2.h"

#include <immintrin.h>
#include <string.h>

/* 32 4-byte pixels -> 32 maxima. */
static inline __m256i max4x32(const uint8_t *p, __m256i keep)
{
    const __m256i pick = _mm256_setr_epi8(0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
                                          0, 4, 8, 12, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    __m256i out[4];
    for (int k = 0; k < 4; k++) {
        __m256i v = _mm256_and_si256(_mm256_loadu_si256((const __m256i *)(p + 32 * k)), keep);
        __m256i m = _mm256_max_epu8(v, _mm256_srli_epi32(v, 8));
        m = _mm256_max_epu8(m, _mm256_srli_epi32(m, 16));
        out[k] = _mm256_shuffle_epi8(m, pick); /* per lane: 4 results in dword 0 */
    }
    /* Lane l of out[k] holds pixels 8k+4l .. 8k+4l+3 in its dword 0. */
    __m256i ab = _mm256_unpacklo_epi32(out[0], out[1]); /* lane0: p0-3,p8-11; lane1: p4-7,p12-15 */
    __m256i cd = _mm256_unpacklo_epi32(out[2], out[3]); /* lane0: p16-19,p24-27; lane1: p20-23,p28-31 */
    __m256i r = _mm256_unpacklo_epi64(ab, cd);          /* lane0: 0-3,8-11,16-19,24-27; lane1: 4-7,... */
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    return _mm256_permutevar8x32_epi32(r, order);
}

/* 32 3-byte pixels -> 32 maxima (reads 96 bytes). */
static inline __m256i max3x32(const uint8_t *p)
{
    __m256i a, b, c, r, g, bl;
    load3x32(p, &a, &b, &c);
    deinterleave3x32(a, b, c, &r, &g, &bl);
    return _mm256_max_epu8(_mm256_max_epu8(r, g), bl);
}

void aoi__maxrow_avx2(const uint8_t *src, int n, int bpp, int xoff, uint8_t *dst)
{
    int i = 0;
    if (n < 32 || bpp == 1) {
        aoi__maxrow_sse41(src, n, bpp, xoff, dst); /* 16-31 pixels still in SIMD */
        return;
    }
    if (bpp == 3) {
        for (; i + 32 <= n; i += 32)
            _mm256_storeu_si256((__m256i *)(dst + i), max3x32(src + 3 * i));
        if (i < n)
            _mm256_storeu_si256((__m256i *)(dst + n - 32), max3x32(src + 3 * (n - 32)));
        return;
    }
    const __m256i keep = xoff == 0 ? _mm256_set1_epi32((int)0xFFFFFF00) : _mm256_set1_epi32(0x00FFFFFF);
    for (; i + 32 <= n; i += 32)
        _mm256_storeu_si256((__m256i *)(dst + i), max4x32(src + 4 * i, keep));
    if (i < n)
        _mm256_storeu_si256((__m256i *)(dst + n - 32), max4x32(src + 4 * (n - 32), keep));
}

void aoi__accrow_avx2(const uint8_t *row, int n, uint16_t *acc)
{
    int i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256i v = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(row + i)));
        __m256i a = _mm256_loadu_si256((const __m256i *)(acc + i));
        _mm256_storeu_si256((__m256i *)(acc + i), _mm256_add_epi16(a, v));
    }
    aoi__accrow_scalar(row + i, n - i, acc + i);
}

void aoi__hsum_avx2(const uint16_t *acc, int n, int f, uint8_t *dst)
{
    int x = 0;
    const __m256i ones = _mm256_set1_epi16(1);
    if (f == 2) {
        const __m256i half = _mm256_set1_epi32(2);
        for (; x + 16 <= n; x += 16) {
            __m256i a = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(acc + 2 * x)), ones);
            __m256i b = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(acc + 2 * x + 16)), ones);
            a = _mm256_srli_epi32(_mm256_add_epi32(a, half), 2);
            b = _mm256_srli_epi32(_mm256_add_epi32(b, half), 2);
            __m256i w = _mm256_packus_epi32(a, b);            /* lane-interleaved */
            w = _mm256_permute4x64_epi64(w, 0xD8);            /* 16 words in order */
            __m128i bytes = _mm_packus_epi16(_mm256_castsi256_si128(w), _mm256_extracti128_si256(w, 1));
            _mm_storeu_si128((__m128i *)(dst + x), bytes);
        }
    } else if (f == 4) {
        const __m256i half = _mm256_set1_epi32(8);
        for (; x + 8 <= n; x += 8) {
            __m256i a = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(acc + 4 * x)), ones);
            __m256i b = _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(acc + 4 * x + 16)), ones);
            __m256i s = _mm256_hadd_epi32(a, b);              /* lane0: x0,x1,x4,x5; lane1: x2,x3,x6,x7 */
            s = _mm256_srli_epi32(_mm256_add_epi32(s, half), 4);
            s = _mm256_permutevar8x32_epi32(s, _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7));
            __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
            _mm_storel_epi64((__m128i *)(dst + x), _mm_packus_epi16(w, w));
        }
    }
    aoi__hsum_scalar(acc + f * x, n - x, f, dst + x);
}
