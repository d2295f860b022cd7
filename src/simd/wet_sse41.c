/* wet_sse41.c - the soft solder membership, 4 features at a time (built with
 * -msse4.1; see simd/wet.h). */
#include "simd/wet.h"

#include <smmintrin.h>

/* minf() of each lane: a, unless b is smaller or a is the NAN. */
static inline __m128 min_skip_nan(__m128 a, __m128 b)
{
    const __m128 keep = _mm_or_ps(_mm_cmplt_ps(a, b), _mm_cmpunord_ps(b, b));
    return _mm_blendv_ps(b, a, keep);
}

static inline __m128 d2(__m128 L, __m128 cr, __m128 cg, const float *r)
{
    const __m128 w = _mm_set1_ps(AOI__WET_CHROMA_W);
    const __m128 dl = _mm_sub_ps(L, _mm_set1_ps(r[0]));
    const __m128 dr = _mm_mul_ps(_mm_sub_ps(cr, _mm_set1_ps(r[1])), w);
    const __m128 dg = _mm_mul_ps(_mm_sub_ps(cg, _mm_set1_ps(r[2])), w);
    return _mm_add_ps(_mm_add_ps(_mm_mul_ps(dl, dl), _mm_mul_ps(dr, dr)), _mm_mul_ps(dg, dg));
}

double aoi__wet_sum_sse41(const float *f, int n, const float ref[6][3], float soft)
{
    __m128d acc0 = _mm_setzero_pd(), acc1 = _mm_setzero_pd();
    const __m128 half = _mm_set1_ps(0.5f), one = _mm_set1_ps(1.0f), zero = _mm_setzero_ps();
    const __m128 vsoft = _mm_set1_ps(soft);
    int j = 0;
    for (; j + 4 <= n; j += 4) {
        /* Four (L, cr, cg) triples: a = L0 r0 g0 L1, b = r1 g1 L2 r2,
         * c = g2 L3 r3 g3. */
        const float *p = f + 3 * j;
        const __m128 a = _mm_loadu_ps(p), b = _mm_loadu_ps(p + 4), c = _mm_loadu_ps(p + 8);
        const __m128 bc = _mm_shuffle_ps(b, c, _MM_SHUFFLE(2, 1, 3, 2)); /* L2 r2 L3 r3 */
        const __m128 ab = _mm_shuffle_ps(a, b, _MM_SHUFFLE(1, 0, 2, 1)); /* r0 g0 r1 g1 */
        const __m128 L = _mm_shuffle_ps(a, bc, _MM_SHUFFLE(2, 0, 3, 0));
        const __m128 cr = _mm_shuffle_ps(ab, bc, _MM_SHUFFLE(3, 1, 2, 0));
        const __m128 cg = _mm_shuffle_ps(ab, c, _MM_SHUFFLE(3, 0, 3, 1));
        const __m128 dm = min_skip_nan(min_skip_nan(d2(L, cr, cg, ref[0]), d2(L, cr, cg, ref[1])),
                                       d2(L, cr, cg, ref[2]));
        const __m128 ds = min_skip_nan(min_skip_nan(d2(L, cr, cg, ref[3]), d2(L, cr, cg, ref[4])),
                                       d2(L, cr, cg, ref[5]));
        __m128 w =
            _mm_add_ps(half, _mm_div_ps(_mm_sub_ps(_mm_sqrt_ps(dm), _mm_sqrt_ps(ds)), vsoft));
        w = _mm_min_ps(_mm_max_ps(w, zero), one);
        w = _mm_and_ps(w, _mm_cmpord_ps(L, L));
        acc0 = _mm_add_pd(acc0, _mm_cvtps_pd(w));
        acc1 = _mm_add_pd(acc1, _mm_cvtps_pd(_mm_movehl_ps(w, w)));
    }
    double lanes[2], sum;
    _mm_storeu_pd(lanes, _mm_add_pd(acc0, acc1));
    sum = lanes[0] + lanes[1];
    for (; j < n; j++)
        sum += aoi__wet_one(f + 3 * j, ref, soft);
    return sum;
}
