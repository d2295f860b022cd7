/* sample_sse41.c - the strip sampler, 4 samples at a time (built with
 * -msse4.1): coordinates in double as the reference computes them, the four
 * pixels of each sample loaded one by one, the features in float (see
 * simd/sample.h). */
#include "simd/sample.h"

#include <smmintrin.h>

static inline uint32_t word_at(const uint8_t *p)
{
    uint32_t w;
    memcpy(&w, p, sizeof w);
    return w;
}

/* Channel at byte shift sh of each 32-bit word, as float. */
static inline __m128 chan(__m128i w, __m128i sh)
{
    return _mm_cvtepi32_ps(_mm_and_si128(_mm_srl_epi32(w, sh), _mm_set1_epi32(0xFF)));
}

/* Four samples' (L, cr, cg) stored as triples: [L0 r0 g0 L1] [r1 g1 L2 r2]
 * [g2 L3 r3 g3]. */
static inline void interleave(__m128 x, __m128 y, __m128 z, float *out)
{
    const __m128 xy_lo = _mm_unpacklo_ps(x, y),
                 xy_hi = _mm_unpackhi_ps(x, y);                       /* x0 y0 x1 y1, x2 y2 x3 y3 */
    const __m128 zx = _mm_shuffle_ps(z, x, _MM_SHUFFLE(1, 1, 0, 0));  /* z0 z0 x1 x1 */
    const __m128 yz1 = _mm_shuffle_ps(y, z, _MM_SHUFFLE(1, 1, 1, 1)); /* y1 y1 z1 z1 */
    const __m128 zxy = _mm_shuffle_ps(z, xy_hi, _MM_SHUFFLE(3, 2, 2, 2)); /* z2 z2 x3 y3 */
    const __m128 yz3 = _mm_shuffle_ps(y, z, _MM_SHUFFLE(3, 3, 3, 3));     /* y3 y3 z3 z3 */
    _mm_storeu_ps(out, _mm_shuffle_ps(xy_lo, zx, _MM_SHUFFLE(2, 0, 1, 0)));
    _mm_storeu_ps(out + 4, _mm_shuffle_ps(yz1, xy_hi, _MM_SHUFFLE(1, 0, 2, 0)));
    _mm_storeu_ps(out + 8, _mm_shuffle_ps(zxy, yz3, _MM_SHUFFLE(2, 0, 2, 0)));
}

void aoi__sample_row_sse41(const aoi__sample_src *s, const float *tab, double x0, double y0,
                           double dx, double dy, double cx, double cy, int n, float *f)
{
    int j = 0;
    const int bpp = s->bpp;
    const size_t stride = s->stride;
    const __m128d vx0 = _mm_set1_pd(x0), vy0 = _mm_set1_pd(y0), vdx = _mm_set1_pd(dx), vdy = _mm_set1_pd(dy);
    const __m128d vcx = _mm_set1_pd(cx), vcy = _mm_set1_pd(cy);
    const __m128d zero = _mm_setzero_pd(), k01 = _mm_setr_pd(0, 1), k23 = _mm_setr_pd(2, 3);
    /* 4-byte loads at each pixel: 4 pixels inside the right edge. */
    const __m128d xlim = _mm_set1_pd(s->width - 4.0), ylim = _mm_set1_pd(s->height - 1.0);
    const __m128i sh[3] = {_mm_cvtsi32_si128(8 * s->off[0]), _mm_cvtsi32_si128(8 * s->off[1]),
                           _mm_cvtsi32_si128(8 * s->off[2])};
    const __m128 g[3] = {_mm_set1_ps(s->gain[0]), _mm_set1_ps(s->gain[1]), _mm_set1_ps(s->gain[2])};
    for (; j + 4 <= n; j += 4) {
        const __m128d jd = _mm_set1_pd((double)j);
        const __m128d ja = _mm_add_pd(jd, k01), jb = _mm_add_pd(jd, k23);
        const __m128d xa = _mm_add_pd(_mm_add_pd(vx0, _mm_mul_pd(ja, vdx)), vcx),
                      xb = _mm_add_pd(_mm_add_pd(vx0, _mm_mul_pd(jb, vdx)), vcx);
        const __m128d ya = _mm_add_pd(_mm_add_pd(vy0, _mm_mul_pd(ja, vdy)), vcy),
                      yb = _mm_add_pd(_mm_add_pd(vy0, _mm_mul_pd(jb, vdy)), vcy);
        __m128d ok = _mm_and_pd(_mm_cmpge_pd(xa, zero), _mm_cmpge_pd(ya, zero));
        ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmplt_pd(xa, xlim), _mm_cmplt_pd(ya, ylim)));
        ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmpge_pd(xb, zero), _mm_cmpge_pd(yb, zero)));
        ok = _mm_and_pd(ok, _mm_and_pd(_mm_cmplt_pd(xb, xlim), _mm_cmplt_pd(yb, ylim)));
        if (_mm_movemask_pd(ok) != 0x3) {
            for (int q = j; q < j + 4; q++)
                aoi__sample_one(s, tab, x0, y0, dx, dy, cx, cy, q, f);
            continue;
        }
        const __m128i ixa = _mm_cvttpd_epi32(xa), ixb = _mm_cvttpd_epi32(xb);
        const __m128i iya = _mm_cvttpd_epi32(ya), iyb = _mm_cvttpd_epi32(yb);
        const __m128 ax = _mm_movelh_ps(_mm_cvtpd_ps(_mm_sub_pd(xa, _mm_cvtepi32_pd(ixa))),
                                        _mm_cvtpd_ps(_mm_sub_pd(xb, _mm_cvtepi32_pd(ixb))));
        const __m128 ay = _mm_movelh_ps(_mm_cvtpd_ps(_mm_sub_pd(ya, _mm_cvtepi32_pd(iya))),
                                        _mm_cvtpd_ps(_mm_sub_pd(yb, _mm_cvtepi32_pd(iyb))));
        const __m128i ix = _mm_unpacklo_epi64(ixa, ixb), iy = _mm_unpacklo_epi64(iya, iyb);
        int pxs[4], pys[4];
        uint32_t w[4][4];
        _mm_storeu_si128((__m128i *)pxs, ix);
        _mm_storeu_si128((__m128i *)pys, iy);
        for (int q = 0; q < 4; q++) {
            const uint8_t *a = s->data + (size_t)pys[q] * stride + (size_t)pxs[q] * (size_t)bpp;
            w[0][q] = word_at(a);
            w[1][q] = word_at(a + bpp);
            w[2][q] = word_at(a + stride);
            w[3][q] = word_at(a + stride + bpp);
        }
        const __m128i w00 = _mm_loadu_si128((const __m128i *)w[0]), w01 = _mm_loadu_si128((const __m128i *)w[1]);
        const __m128i w10 = _mm_loadu_si128((const __m128i *)w[2]), w11 = _mm_loadu_si128((const __m128i *)w[3]);
        __m128 c[3];
        for (int k = 0; k < 3; k++) {
            const __m128 a0 = chan(w00, sh[k]), a1 = chan(w01, sh[k]);
            const __m128 b0 = chan(w10, sh[k]), b1 = chan(w11, sh[k]);
            const __m128 t = _mm_add_ps(a0, _mm_mul_ps(ax, _mm_sub_ps(a1, a0)));
            const __m128 u = _mm_add_ps(b0, _mm_mul_ps(ax, _mm_sub_ps(b1, b0)));
            c[k] = _mm_mul_ps(_mm_add_ps(t, _mm_mul_ps(ay, _mm_sub_ps(u, t))), g[k]);
        }
        const __m128 sum = _mm_add_ps(_mm_add_ps(c[0], c[1]), c[2]);
        const __m128 inv = _mm_div_ps(_mm_set1_ps(1.0f), _mm_add_ps(sum, _mm_set1_ps(24.0f)));
        const __m128 vcr = _mm_mul_ps(c[0], inv), vcg = _mm_mul_ps(c[1], inv);
        const __m128 arg = _mm_add_ps(_mm_mul_ps(sum, _mm_set1_ps(1.0f / 3.0f)), _mm_set1_ps(8.0f));
        const __m128i bits = _mm_castps_si128(arg);
        const __m128 e = _mm_cvtepi32_ps(_mm_sub_epi32(_mm_srli_epi32(bits, 23), _mm_set1_epi32(127)));
        const __m128i m = _mm_and_si128(bits, _mm_set1_epi32(0x7FFFFF));
        const __m128 frac = _mm_mul_ps(
            _mm_cvtepi32_ps(_mm_and_si128(m, _mm_set1_epi32((1 << (23 - AOI__LOG_BITS)) - 1))),
            _mm_set1_ps(1.0f / (float)(1u << (23 - AOI__LOG_BITS))));
        uint32_t id[4];
        _mm_storeu_si128((__m128i *)id, _mm_srli_epi32(m, 23 - AOI__LOG_BITS));
        const __m128 t0 = _mm_setr_ps(tab[id[0]], tab[id[1]], tab[id[2]], tab[id[3]]);
        const __m128 t1 = _mm_setr_ps(tab[id[0] + 1], tab[id[1] + 1], tab[id[2] + 1], tab[id[3] + 1]);
        const __m128 lv = _mm_add_ps(_mm_add_ps(_mm_mul_ps(e, _mm_set1_ps(0.693147181f)), t0),
                                     _mm_mul_ps(frac, _mm_sub_ps(t1, t0)));
        interleave(lv, vcr, vcg, f + 3 * j);
    }
    for (; j < n; j++)
        aoi__sample_one(s, tab, x0, y0, dx, dy, cx, cy, j, f);
}
