/* dline_sse41.c - the line sampler, 2 samples at a time (built with
 * -msse4.1): positions and weights in double as the reference computes
 * them, the map's words loaded one by one (see simd/dline.h). */
#include "simd/dline.h"

#include <smmintrin.h>

void aoi__dline_sse41(const aoi__dmap *m, double x, double y, double nx, double ny, double t0,
                      double step, int n, double *v)
{
    const __m128d vx = _mm_set1_pd(x), vy = _mm_set1_pd(y), vnx = _mm_set1_pd(nx),
                  vny = _mm_set1_pd(ny), vt0 = _mm_set1_pd(t0), vst = _mm_set1_pd(step),
                  one = _mm_set1_pd(1.0), unit = _mm_set1_pd(m->unit), iota = _mm_setr_pd(0, 1);
    const size_t mw = m->mw;
    int i = 0;
    for (; i + 2 <= n; i += 2) {
        const __m128d t =
            _mm_add_pd(vt0, _mm_mul_pd(_mm_add_pd(_mm_set1_pd((double)i), iota), vst));
        const __m128d xi = _mm_add_pd(vx, _mm_mul_pd(t, vnx)),
                      yi = _mm_add_pd(vy, _mm_mul_pd(t, vny));
        const __m128i ix = _mm_cvttpd_epi32(xi), iy = _mm_cvttpd_epi32(yi);
        const __m128d fx = _mm_sub_pd(xi, _mm_cvtepi32_pd(ix)),
                      fy = _mm_sub_pd(yi, _mm_cvtepi32_pd(iy));
        const uint16_t *q0 = m->d + (size_t)(_mm_extract_epi32(iy, 0) - m->my0) * mw +
                             (size_t)(_mm_extract_epi32(ix, 0) - m->mx0);
        const uint16_t *q1 = m->d + (size_t)(_mm_extract_epi32(iy, 1) - m->my0) * mw +
                             (size_t)(_mm_extract_epi32(ix, 1) - m->mx0);
        const __m128d a = _mm_setr_pd(q0[0], q1[0]), b = _mm_setr_pd(q0[1], q1[1]);
        const __m128d c = _mm_setr_pd(q0[mw], q1[mw]), d = _mm_setr_pd(q0[mw + 1], q1[mw + 1]);
        const __m128d gx = _mm_sub_pd(one, fx), gy = _mm_sub_pd(one, fy);
        const __m128d top = _mm_add_pd(_mm_mul_pd(a, gx), _mm_mul_pd(b, fx));
        const __m128d bot = _mm_add_pd(_mm_mul_pd(c, gx), _mm_mul_pd(d, fx));
        _mm_storeu_pd(v + i,
                      _mm_mul_pd(_mm_add_pd(_mm_mul_pd(top, gy), _mm_mul_pd(bot, fy)), unit));
    }
    for (; i < n; i++)
        v[i] = aoi__dline_one(m, x, y, nx, ny, t0, step, i);
}
