/* rgb_avx2.h - 256-bit helpers shared by the AVX2 kernels that read packed
 * 3-byte pixels (built with -mavx2).  Byte shuffles stay within 128-bit
 * lanes, so 32 pixels are read as two runs of 16: lane 0 holds pixels 0-15,
 * lane 1 pixels 16-31, and the 128-bit deinterleave works in each lane. */
#ifndef AOI_RGB_AVX2_H
#define AOI_RGB_AVX2_H

#include <immintrin.h>
#include <stdint.h>

/* Bytes p[16 k .. 16 k + 16) in lane 0 and p[48 + 16 k ..) in lane 1. */
static inline __m256i load3x32_part(const uint8_t *p, int k)
{
    return _mm256_inserti128_si256(
        _mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)(p + 16 * k))),
        _mm_loadu_si128((const __m128i *)(p + 48 + 16 * k)), 1);
}

/* The 96 bytes of 32 packed 3-byte pixels at p, as three registers whose
 * lanes each hold 16 pixels' 48 bytes (lane 0: pixels 0-15). */
static inline void load3x32(const uint8_t *p, __m256i *a, __m256i *b, __m256i *c)
{
    *a = load3x32_part(p, 0);
    *b = load3x32_part(p, 1);
    *c = load3x32_part(p, 2);
}

/* The three channel planes of the pixels in a, b, c as load3x32() gives
 * them: byte i of plane k in lane l is byte 3 i + k of that lane's 16 pixels
 * (so plane bytes are in pixel order across the whole register). */
static inline void deinterleave3x32(__m256i a, __m256i b, __m256i c, __m256i *p0, __m256i *p1,
                                    __m256i *p2)
{
#define AOI_LANES(...) _mm256_setr_epi8(__VA_ARGS__, __VA_ARGS__)
    const __m256i ra = AOI_LANES(0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m256i rb = AOI_LANES(-1, -1, -1, -1, -1, -1, 2, 5, 8, 11, 14, -1, -1, -1, -1, -1);
    const __m256i rc = AOI_LANES(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1, 4, 7, 10, 13);
    const __m256i ga = AOI_LANES(1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m256i gb = AOI_LANES(-1, -1, -1, -1, -1, 0, 3, 6, 9, 12, 15, -1, -1, -1, -1, -1);
    const __m256i gc = AOI_LANES(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 2, 5, 8, 11, 14);
    const __m256i ba = AOI_LANES(2, 5, 8, 11, 14, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1);
    const __m256i bb = AOI_LANES(-1, -1, -1, -1, -1, 1, 4, 7, 10, 13, -1, -1, -1, -1, -1, -1);
    const __m256i bc = AOI_LANES(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 3, 6, 9, 12, 15);
#undef AOI_LANES
    *p0 = _mm256_or_si256(_mm256_or_si256(_mm256_shuffle_epi8(a, ra), _mm256_shuffle_epi8(b, rb)),
                          _mm256_shuffle_epi8(c, rc));
    *p1 = _mm256_or_si256(_mm256_or_si256(_mm256_shuffle_epi8(a, ga), _mm256_shuffle_epi8(b, gb)),
                          _mm256_shuffle_epi8(c, gc));
    *p2 = _mm256_or_si256(_mm256_or_si256(_mm256_shuffle_epi8(a, ba), _mm256_shuffle_epi8(b, bb)),
                          _mm256_shuffle_epi8(c, bc));
}

#endif
