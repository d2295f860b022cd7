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

/* Eight samples' (L, cr, cg) stored as triples: each 128-bit lane
 * interleaved as in the SSE4.1 path (samples 0-3 low, 4-7 high), then the
 * lanes' three quarters put in order. */
static inline void interleave(__m256 x, __m256 y, __m256 z, float *out)
{
    const __m256 xy_lo = _mm256_unpacklo_ps(x, y), xy_hi = _mm256_unpackhi_ps(x, y);
    const __m256 zx = _mm256_shuffle_ps(z, x, _MM_SHUFFLE(1, 1, 0, 0));
    const __m256 yz1 = _mm256_shuffle_ps(y, z, _MM_SHUFFLE(1, 1, 1, 1));
    const __m256 zxy = _mm256_shuffle_ps(z, xy_hi, _MM_SHUFFLE(3, 2, 2, 2));
    const __m256 yz3 = _mm256_shuffle_ps(y, z, _MM_SHUFFLE(3, 3, 3, 3));
    const __m256 a = _mm256_shuffle_ps(xy_lo, zx, _MM_SHUFFLE(2, 0, 1, 0));
    const __m256 b = _mm256_shuffle_ps(yz1, xy_hi, _MM_SHUFFLE(1, 0, 2, 0));
    const __m256 c = _mm256_shuffle_ps(zxy, yz3, _MM_SHUFFLE(2, 0, 2, 0));
    _mm256_storeu_ps(out, _mm256_permute2f128_ps(a, b, 0x20));
    _mm256_storeu_ps(out + 8, _mm256_permute2f128_ps(c, a, 0x30));
    _mm256_storeu_ps(out + 16, _mm256_permute2f128_ps(b, c, 0x31));
}

/* Bytes row_words() reads from its start, per pixel size (1, 3 or 4). */
static inline int words_reach(int bpp)
{
    return bpp == 4 ? 36 : bpp == 3 ? 28 : 9;
}

/* The 32-bit words at pixels 0..7 (*w0) and 1..8 (*w1) from p, as the
 * gathers read them (for grey, the low byte alike: the only one used). */
static inline void row_words(const uint8_t *p, int bpp, __m256i *w0, __m256i *w1)
{
    if (bpp == 4) {
        *w0 = _mm256_loadu_si256((const __m256i *)(const void *)p);
        *w1 = _mm256_loadu_si256((const __m256i *)(const void *)(p + 4));
    } else if (bpp == 3) {
        /* Pixels 0-3 from p, 4-7 from p + 12: each lane's words at bytes
         * 0, 3, 6, 9 (and the next pixel's at 3, 6, 9, 12). */
        const __m256i v = _mm256_set_m128i(_mm_loadu_si128((const __m128i *)(const void *)(p + 12)),
                                           _mm_loadu_si128((const __m128i *)(const void *)p));
        const __m256i m0 = _mm256_setr_epi8(0, 1, 2, 3, 3, 4, 5, 6, 6, 7, 8, 9, 9, 10, 11, 12, 0, 1,
                                            2, 3, 3, 4, 5, 6, 6, 7, 8, 9, 9, 10, 11, 12);
        const __m256i m1 = _mm256_add_epi8(m0, _mm256_set1_epi8(3));
        *w0 = _mm256_shuffle_epi8(v, m0);
        *w1 = _mm256_shuffle_epi8(v, m1);
    } else {
        *w0 = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)p));
        *w1 = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)(p + 1)));
    }
}

/* Whether the samples' pixel columns are ix0, ix0 + 1, ... (1) or ix0,
 * ix0 - 1, ... (-1) on rows at most one apart (rows at 0 and 180 degrees,
 * a pixel a sample, tilted a little), with the loads of row_words() inside
 * the rows: then *first is the leftmost column and *ylo the upper row; else
 * 0. */
static inline int consecutive(__m256i ix, __m128i ixa, __m128i iya, __m128i iyb, int bpp, int width,
                              int *first, int *ylo)
{
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const int x0 = _mm_cvtsi128_si32(ixa), ya = _mm_cvtsi128_si32(iya),
              yb = _mm_extract_epi32(iyb, 3);
    const __m256i vx0 = _mm256_set1_epi32(x0);
    /* y is monotonic along the row: the first and last samples' rows bound
     * the others'. */
    if ((bpp != 1 && bpp != 3 && bpp != 4) || ya - yb > 1 || yb - ya > 1)
        return 0;
    const int up = _mm256_movemask_ps(
        _mm256_castsi256_ps(_mm256_cmpeq_epi32(ix, _mm256_add_epi32(vx0, lane))));
    const int down = _mm256_movemask_ps(
        _mm256_castsi256_ps(_mm256_cmpeq_epi32(ix, _mm256_sub_epi32(vx0, lane))));
    *first = up == 0xFF ? x0 : down == 0xFF ? x0 - 7 : -1;
    *ylo = ya < yb ? ya : yb;
    if (*first < 0 || (long)*first * bpp + words_reach(bpp) > (long)width * bpp)
        return 0;
    return up == 0xFF ? 1 : -1;
}

void aoi__sample_row_avx2(const aoi__sample_src *s, const float *tab, double x0, double y0,
                          double dx, double dy, double cx, double cy, int n, float *f)
{
    int j = 0;
    const int bpp = s->bpp;
    /* Gathers take 32-bit offsets and read 4 bytes at each pixel: only on
     * frames small enough, and 4 pixels inside the right edge. */
    if ((double)s->stride * (double)s->height < 2e9) {
        const __m256d vx0 = _mm256_set1_pd(x0), vy0 = _mm256_set1_pd(y0);
        const __m256d vcx = _mm256_set1_pd(cx), vcy = _mm256_set1_pd(cy);
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
            const __m256d xa = _mm256_add_pd(_mm256_add_pd(vx0, _mm256_mul_pd(ja, vdx)), vcx);
            const __m256d xb = _mm256_add_pd(_mm256_add_pd(vx0, _mm256_mul_pd(jb, vdx)), vcx);
            const __m256d ya = _mm256_add_pd(_mm256_add_pd(vy0, _mm256_mul_pd(ja, vdy)), vcy);
            const __m256d yb = _mm256_add_pd(_mm256_add_pd(vy0, _mm256_mul_pd(jb, vdy)), vcy);
            __m256d ok = _mm256_and_pd(_mm256_cmp_pd(xa, zero, _CMP_GE_OQ), _mm256_cmp_pd(ya, zero, _CMP_GE_OQ));
            ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(xa, xlim, _CMP_LT_OQ), _mm256_cmp_pd(ya, ylim, _CMP_LT_OQ)));
            ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(xb, zero, _CMP_GE_OQ), _mm256_cmp_pd(yb, zero, _CMP_GE_OQ)));
            ok = _mm256_and_pd(ok, _mm256_and_pd(_mm256_cmp_pd(xb, xlim, _CMP_LT_OQ), _mm256_cmp_pd(yb, ylim, _CMP_LT_OQ)));
            if (_mm256_movemask_pd(ok) != 0xF) {
                for (int q = j; q < j + 8; q++)
                    aoi__sample_one(s, tab, x0, y0, dx, dy, cx, cy, q, f);
                continue;
            }
            const __m128i ixa = _mm256_cvttpd_epi32(xa), ixb = _mm256_cvttpd_epi32(xb);
            const __m128i iya = _mm256_cvttpd_epi32(ya), iyb = _mm256_cvttpd_epi32(yb);
            const __m256 ax = _mm256_set_m128(_mm256_cvtpd_ps(_mm256_sub_pd(xb, _mm256_cvtepi32_pd(ixb))),
                                              _mm256_cvtpd_ps(_mm256_sub_pd(xa, _mm256_cvtepi32_pd(ixa))));
            const __m256 ay = _mm256_set_m128(_mm256_cvtpd_ps(_mm256_sub_pd(yb, _mm256_cvtepi32_pd(iyb))),
                                              _mm256_cvtpd_ps(_mm256_sub_pd(ya, _mm256_cvtepi32_pd(iya))));
            const __m256i ix = _mm256_set_m128i(ixb, ixa), iy = _mm256_set_m128i(iyb, iya);
            __m256i w00, w01, w10, w11;
            int first, ylo;
            const int run = consecutive(ix, ixa, iya, iyb, bpp, s->width, &first, &ylo);
            if (run) {
                /* The 8 samples' pixels are side by side on two rows (three
                 * when the row steps): loads instead of gathers, the same
                 * words. */
                const __m256i rev = _mm256_setr_epi32(7, 6, 5, 4, 3, 2, 1, 0);
                const uint8_t *a = s->data + (size_t)ylo * s->stride + (size_t)first * (size_t)bpp;
                row_words(a, bpp, &w00, &w01);
                row_words(a + s->stride, bpp, &w10, &w11);
                if (run < 0) {
                    w00 = _mm256_permutevar8x32_epi32(w00, rev);
                    w01 = _mm256_permutevar8x32_epi32(w01, rev);
                    w10 = _mm256_permutevar8x32_epi32(w10, rev);
                    w11 = _mm256_permutevar8x32_epi32(w11, rev);
                }
                const __m256i low = _mm256_cmpeq_epi32(iy, _mm256_set1_epi32(ylo));
                if (_mm256_movemask_ps(_mm256_castsi256_ps(low)) != 0xFF) {
                    /* Samples on the lower row pair take rows ylo + 1 and
                     * ylo + 2 (inside the frame: their y < height - 1). */
                    __m256i w20, w21;
                    row_words(a + 2 * s->stride, bpp, &w20, &w21);
                    if (run < 0) {
                        w20 = _mm256_permutevar8x32_epi32(w20, rev);
                        w21 = _mm256_permutevar8x32_epi32(w21, rev);
                    }
                    w00 = _mm256_blendv_epi8(w10, w00, low);
                    w01 = _mm256_blendv_epi8(w11, w01, low);
                    w10 = _mm256_blendv_epi8(w20, w10, low);
                    w11 = _mm256_blendv_epi8(w21, w11, low);
                }
            } else {
                const __m256i off =
                    _mm256_add_epi32(_mm256_mullo_epi32(iy, vstride), _mm256_mullo_epi32(ix, vbpp));
                w00 = _mm256_i32gather_epi32(base00, off, 1);
                w01 = _mm256_i32gather_epi32(base01, off, 1);
                w10 = _mm256_i32gather_epi32(base10, off, 1);
                w11 = _mm256_i32gather_epi32(base11, off, 1);
            }
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
            const __m256 vcr = _mm256_mul_ps(c[0], inv), vcg = _mm256_mul_ps(c[1], inv);
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
            interleave(lv, vcr, vcg, f + 3 * j);
        }
    }
    for (; j < n; j++)
        aoi__sample_one(s, tab, x0, y0, dx, dy, cx, cy, j, f);
}
