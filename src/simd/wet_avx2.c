/* wet_avx2.c - the soft solder membership, 8 features at a time (built with
 * -mavx2; see simd/wet.h). */
#include "simd/wet.h"

#include <immintrin.h>

/* minf() of each lane: a, unless b is smaller or a is the NAN. */
static inline __m256 min_skip_nan(__m256 a, __m256 b)
{
    const __m256 keep =
        _mm256_or_ps(_mm256_cmp_ps(a, b, _CMP_LT_OQ), _mm256_cmp_ps(b, b, _CMP_UNORD_Q));
    return _mm256_blendv_ps(b, a, keep);
}

static inline __m256 d2(__m256 L, __m256 cr, __m256 cg, const float *r)
{
    const __m256 w = _mm256_set1_ps(AOI__WET_CHROMA_W);
    const __m256 dl = _mm256_sub_ps(L, _mm256_set1_ps(r[0]));
    const __m256 dr = _mm256_mul_ps(_mm256_sub_ps(cr, _mm256_set1_ps(r[1])), w);
    const __m256 dg = _mm256_mul_ps(_mm256_sub_ps(cg, _mm256_set1_ps(r[2])), w);
    return _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(dl, dl), _mm256_mul_ps(dr, dr)),
                         _mm256_mul_ps(dg, dg));
}

double aoi__wet_sum_avx2(const float *f, int n, const float ref[6][3], float soft)
{
    __m256d acc0 = _mm256_setzero_pd(), acc1 = _mm256_setzero_pd();
    const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.0f),
                 zero = _mm256_setzero_ps();
    const __m256 vsoft = _mm256_set1_ps(soft);
    int j = 0;
    for (; j + 8 <= n; j += 8) {
        /* Eight (L, cr, cg) triples: features 0-3 in the low lanes, 4-7 in
         * the high ones, then shuffled apart within each lane. */
        const float *p = f + 3 * j;
        __m256 m03 = _mm256_castps128_ps256(_mm_loadu_ps(p));
        __m256 m14 = _mm256_castps128_ps256(_mm_loadu_ps(p + 4));
        __m256 m25 = _mm256_castps128_ps256(_mm_loadu_ps(p + 8));
        m03 = _mm256_insertf128_ps(m03, _mm_loadu_ps(p + 12), 1);
        m14 = _mm256_insertf128_ps(m14, _mm_loadu_ps(p + 16), 1);
        m25 = _mm256_insertf128_ps(m25, _mm_loadu_ps(p + 20), 1);
        const __m256 xy = _mm256_shuffle_ps(m14, m25, _MM_SHUFFLE(2, 1, 3, 2));
        const __m256 yz = _mm256_shuffle_ps(m03, m14, _MM_SHUFFLE(1, 0, 2, 1));
        const __m256 L = _mm256_shuffle_ps(m03, xy, _MM_SHUFFLE(2, 0, 3, 0));
        const __m256 cr = _mm256_shuffle_ps(yz, xy, _MM_SHUFFLE(3, 1, 2, 0));
        const __m256 cg = _mm256_shuffle_ps(yz, m25, _MM_SHUFFLE(3, 0, 3, 1));
        const __m256 dm = min_skip_nan(min_skip_nan(d2(L, cr, cg, ref[0]), d2(L, cr, cg, ref[1])),
                                       d2(L, cr, cg, ref[2]));
        const __m256 ds = min_skip_nan(min_skip_nan(d2(L, cr, cg, ref[3]), d2(L, cr, cg, ref[4])),
                                       d2(L, cr, cg, ref[5]));
        __m256 w = _mm256_add_ps(
            half, _mm256_div_ps(_mm256_sub_ps(_mm256_sqrt_ps(dm), _mm256_sqrt_ps(ds)), vsoft));
        /* max(0, w) with a NAN w giving 0, min(1, .); NAN L counts 0. */
        w = _mm256_min_ps(_mm256_max_ps(w, zero), one);
        w = _mm256_and_ps(w, _mm256_cmp_ps(L, L, _CMP_ORD_Q));
        acc0 = _mm256_add_pd(acc0, _mm256_cvtps_pd(_mm256_castps256_ps128(w)));
        acc1 = _mm256_add_pd(acc1, _mm256_cvtps_pd(_mm256_extractf128_ps(w, 1)));
    }
    double lanes[4], sum;
    _mm256_storeu_pd(lanes, _mm256_add_pd(acc0, acc1));
    sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    for (; j < n; j++)
        sum += aoi__wet_one(f + 3 * j, ref, soft);
    return sum;
}
