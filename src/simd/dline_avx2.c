/* dline_avx2.c - the line sampler, 4 samples at a time (built with -mavx2,
 * without -mfma): positions and weights in double as the reference computes
 * them; each sample's two horizontal neighbours come in one 32-bit gather
 * per map row (see simd/dline.h). */
#include "simd/dline.h"

#include <immintrin.h>

void aoi__dline_avx2(const aoi__dmap *m, double x, double y, double nx, double ny, double t0,
                     double step, int n, double *v)
{
    const __m256d vx = _mm256_set1_pd(x), vy = _mm256_set1_pd(y), vnx = _mm256_set1_pd(nx),
                  vny = _mm256_set1_pd(ny), vt0 = _mm256_set1_pd(t0), vst = _mm256_set1_pd(step),
                  one = _mm256_set1_pd(1.0), unit = _mm256_set1_pd(m->unit),
                  iota = _mm256_setr_pd(0, 1, 2, 3);
    const __m128i ox = _mm_set1_epi32(m->mx0), oy = _mm_set1_epi32(m->my0),
                  w = _mm_set1_epi32((int)m->mw), lo16 = _mm_set1_epi32(0xFFFF);
    const int *base = (const int *)(const void *)m->d;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        const __m256d t =
            _mm256_add_pd(vt0, _mm256_mul_pd(_mm256_add_pd(_mm256_set1_pd((double)i), iota), vst));
        const __m256d xi = _mm256_add_pd(vx, _mm256_mul_pd(t, vnx)),
                      yi = _mm256_add_pd(vy, _mm256_mul_pd(t, vny));
        const __m128i ix = _mm256_cvttpd_epi32(xi), iy = _mm256_cvttpd_epi32(yi);
        const __m256d fx = _mm256_sub_pd(xi, _mm256_cvtepi32_pd(ix)),
                      fy = _mm256_sub_pd(yi, _mm256_cvtepi32_pd(iy));
        /* Word index of each sample's top-left value (fewer than 2^31:
         * see simd/dline.h). */
        const __m128i k =
            _mm_add_epi32(_mm_mullo_epi32(_mm_sub_epi32(iy, oy), w), _mm_sub_epi32(ix, ox));
        const __m128i g0 = _mm_i32gather_epi32(base, k, 2),
                      g1 = _mm_i32gather_epi32(base, _mm_add_epi32(k, w), 2);
        const __m256d a = _mm256_cvtepi32_pd(_mm_and_si128(g0, lo16)),
                      b = _mm256_cvtepi32_pd(_mm_srli_epi32(g0, 16));
        const __m256d c = _mm256_cvtepi32_pd(_mm_and_si128(g1, lo16)),
                      d = _mm256_cvtepi32_pd(_mm_srli_epi32(g1, 16));
        const __m256d gx = _mm256_sub_pd(one, fx), gy = _mm256_sub_pd(one, fy);
        const __m256d top = _mm256_add_pd(_mm256_mul_pd(a, gx), _mm256_mul_pd(b, fx));
        const __m256d bot = _mm256_add_pd(_mm256_mul_pd(c, gx), _mm256_mul_pd(d, fx));
        _mm256_storeu_pd(
            v + i,
            _mm256_mul_pd(_mm256_add_pd(_mm256_mul_pd(top, gy), _mm256_mul_pd(bot, fy)), unit));
    }
    for (; i < n; i++)
        v[i] = aoi__dline_one(m, x, y, nx, ny, t0, step, i);
}
