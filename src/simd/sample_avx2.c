/* sample_avx2.c - the strip sampler, 8 samples at a time (built with -mavx2):
 * coordinates in double as the reference computes them, the four pixels of
 * each sample by 32-bit gathers, the features in float (see simd/sample.h). */
#include "simd/sample.h"

#include <immintrin.h>

/* Channel at byte shift sh of each 32-bit word, as float. */
static inline __m256 chan(__m256i w, __m128i sh)
{
    return _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srl_epi32(w, sh), _mm256_set1_epi32(0xFF)));
}

void aoi__sample_row_avx2(const aoi__sample_src *s, const float *tab, double x0, double y0,
                          double dx, double dy, int n, float *L, float *cr, float *cg)
{
    int j = 0;
    const int bpp = s->bpp;
    /* Gathers take 32-bit offsets and read 4 bytes at each pixel: only on
     * frames small enough, and 4 pixels inside the right edge. */
    if ((double)s->stride * (double)s->height < 2e9) {
        const __m256d vx0 = _mm256_set1_pd(x0), vy0 = _mm256_set1_pd(y0);
        const __m256d vdx = _mm256_set1_pd(dx), vdy = _mm256_set1_pd(dy), zero = _mm256_setzero_pd();
        const __m256d xlim = _mm256_set1_pd(s->width - 4.0), ylim = _mm256_set1_pd(s->height - 1.0);
        const __m256d k03 = _mm256_setr_pd(0, 1, 2, 3), k47 = _mm256_setr_pd(4, 5, 6, 7);
        const __m256i vstride = _mm256_set1_epi32((int)s->stride), vbpp = _mm256_set1_epi32(bpp);
        const __m256 g0 = _mm256_set1_ps(s->gain[0]), g1 = _mm256_set1_ps(s->gain[1]),
                     g2 = _mm256_set1_ps(s->gain[2]);
        const __m128i sh0 = _mm_cvtsi32_si128(8 * s->off[0]), sh1 = _mm_cvtsi32_si128(8 * s->off[1]),
                      sh2 = _mm_cvtsi32_si128(8 * s->off[2]);
        const int *base00 = (const int *)(const void *)s->data;
        const int *base01 = (const int *)(const void *)(s->data + bpp);
        const int *base10 = (const int *)(const void *)(s->data + s->stride);
        const int *base11 = (const int *)(const void *)(s->data + s->stride + bpp);
        for (; j + 8 <= n; j += 8) {
            const __m256d jd = _mm256_set1_pd((double)j);
            const __m256d ja = _mm256_add_pd(jd, k03), jb = _mm256_add_pd(jd, k47);
            const __m256d xa = _mm256_add_pd(vx0, _mm256_mul_pd(ja, vdx));
            const __m256d xb = _mm256_add_pd(vx0, _mm256_mul_pd(jb, vdx));
            const __m256d ya = _mm256_add_pd(vy0, _mm256_mul_pd(ja, vdy));
            const __m256d yb = _mm256_add_pd(vy0, _mm256_mul_pd(jb, vdy));
            __m256d ok = _mm256_and_pd(_mm256_cmp_pd(xa, zero, _CMP_GE_OQ), _mm256_cmp_pd(ya, zero, _CMP_GE_OQ));
            ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(xa, xlim, _CMP_LT_OQ), _mm256_cmp_pd(ya, ylim, _CMP_LT_OQ)));
            ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(xb, zero, _CMP_GE_OQ), _mm256_cmp_pd(yb, zero, _CMP_GE_OQ)));
            ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(xb, xlim, _CMP_LT_OQ), _mm256_cmp_pd(yb, ylim, _CMP_LT_OQ)));
            if (_mm256_movemask_pd(ok) != 0xF) {
                for (int q = j; q < j + 8; q++)
                    aoi__sample_one(s, tab, x0, y0, dx, dy, q, &L[q], &cr[q], &cg[q]);
                continue;
            }
            const __m128i ixa = _mm256_cvttpd_epi32(xa), ixb = _mm256_cvttpd_epi32(xb);
            const __m128i iya = _mm256_cvttpd_epi32(ya), iyb = _mm256_cvttpd_epi32(yb);
            const __m256 ax = _mm256_set_m128(_mm256_cvtpd_ps(_mm256_sub_pd(xb, _mm256_cvtepi32_pd(ixb))),
                                              _mm256_cvtpd_ps(_mm256_sub_pd(xa, _mm256_cvtepi32_pd(ixa))));
            const __m256 ay = _mm256_set_m128(_mm256_cvtpd_ps(_mm256_sub_pd(yb, _mm256_cvtepi32_pd(iyb))),
                                              _mm256_cvtpd_ps(_mm256_sub_pd(ya, _mm256_cvtepi32_pd(iya))));
            const __m256i ix = _mm256_set_m128i(ixb, ixa), iy = _mm256_set_m128i(iyb, iya);
            const __m256i off = _mm256_add_epi32(_mm256_mullo_epi32(iy, vstride), _mm256_mullo_epi32(ix, vbpp));
            const __m256i w00 = _mm256_i32gather_epi32(base00, off, 1);
            const __m256i w01 = _mm256_i32gather_epi32(base01, off, 1);
            const __m256i w10 = _mm256_i32gather_epi32(base10, off, 1);
            const __m256i w11 = _mm256_i32gather_epi32(base11, off, 1);
            __m256 c[3];
            const __m128i sh[3] = {sh0, sh1, sh2};
            const __m256 g[3] = {g0, g1, g2};
            for (int k = 0; k < 3; k++) {
                const __m256 a0 = chan(w00, sh[k]), a1 = chan(w01, sh[k]);
                const __m256 b0 = chan(w10, sh[k]), b1 = chan(w11, sh[k]);
                const __m256 t = _mm256_add_ps(a0, _mm256_mul_ps(ax, _mm256_sub_ps(a1, a0)));
                const __m256 u = _mm256_add_ps(b0, _mm256_mul_ps(ax, _mm256_sub_ps(b1, b0)));
                c[k] = _mm256_mul_ps(_mm256_add_ps(t, _mm256_mul_ps(ay, _mm256_sub_ps(u, t))), g[k]);
            }
            const __m256 sum = _mm256_add_ps(_mm256_add_ps(c[0], c[1]), c[2]);
            const __m256 inv = _mm256_div_ps(_mm256_set1_ps(1.0f), _mm256_add_ps(sum, _mm256_set1_ps(24.0f)));
            _mm256_storeu_ps(cr + j, _mm256_mul_ps(c[0], inv));
            _mm256_storeu_ps(cg + j, _mm256_mul_ps(c[1], inv));
            /* The log: exponent and table, as aoi__fast_log(). */
            const __m256 arg = _mm256_add_ps(_mm256_mul_ps(sum, _mm256_set1_ps(1.0f / 3.0f)), _mm256_set1_ps(8.0f));
            const __m256i bits = _mm256_castps_si256(arg);
            const __m256 e = _mm256_cvtepi32_ps(_mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127)));
            const __m256i m = _mm256_and_si256(bits, _mm256_set1_epi32(0x7FFFFF));
            const __m256i idx = _mm256_srli_epi32(m, 23 - AOI__LOG_BITS);
            const __m256 frac = _mm256_mul_ps(
                _mm256_cvtepi32_ps(_mm256_and_si256(m, _mm256_set1_epi32((1 << (23 - AOI__LOG_BITS)) - 1))),
                _mm256_set1_ps(1.0f / (float)(1u << (23 - AOI__LOG_BITS))));
            const __m256 t0 = _mm256_i32gather_ps(tab, idx, 4), t1 = _mm256_i32gather_ps(tab + 1, idx, 4);
            const __m256 lv = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(e, _mm256_set1_ps(0.693147181f)), t0),
                                            _mm256_mul_ps(frac, _mm256_sub_ps(t1, t0)));
            _mm256_storeu_ps(L + j, lv);
        }
    }
    for (; j < n; j++)
        aoi__sample_one(s, tab, x0, y0, dx, dy, j, &L[j], &cr[j], &cg[j]);
}
