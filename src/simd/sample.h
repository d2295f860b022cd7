/* sample.h - the inspection's strip sampler: bilinear samples of a frame
 * along a line, turned into colour features (library-internal).
 *
 * Sample j of a row is at ((x0 + j * dx) + cx, (y0 + j * dy) + cy) in pixel
 * coordinates (pixel centres at integers), computed in double in that order,
 * so that a patch sampled along either of its axes gives the same bits;
 * outside [0, width - 1) x [0, height - 1) its L is NAN.  A row's features
 * are written as (L, cr, cg) triples, the inspection's layout.  Each colour
 * channel c (byte offset off[c] in a pixel of bpp bytes; all 0 for grey) is
 * interpolated bilinearly and multiplied by
 * gain[c], giving R, G, B; then, with S = R + G + B:
 *
 *   L = log(S / 3 + 8), cr = R / (S + 24), cg = G / (S + 24)
 *
 * the log from a table (aoi__log_table: the mantissa's log at 2^LOG_BITS
 * steps, linearly interpolated, error below 2e-6).  Every path gives
 * bit-identical results (the same IEEE operations in the same order). */
#ifndef AOI_SIMD_SAMPLE_H
#define AOI_SIMD_SAMPLE_H

#include "aoi/simd.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define AOI__LOG_BITS 8

typedef struct {
    const uint8_t *data;
    size_t stride;
    int width, height, bpp;
    int off[3];
    float gain[3];
} aoi__sample_src;

/* The mantissa log table ((1 << AOI__LOG_BITS) + 1 entries), built once. */
const float *aoi__log_table(void);

/* One row of samples into f[0..3n): sample j's L, cr, cg at f[3j..3j+2]. */
void aoi__sample_row(const aoi__sample_src *s, double x0, double y0, double dx, double dy,
                     double cx, double cy, int n, float *f);
/* The same on a given path (tests); -1 if the CPU cannot run it. */
int aoi__sample_row_isa(aoi_isa isa, const aoi__sample_src *s, double x0, double y0, double dx,
                        double dy, double cx, double cy, int n, float *f);

/* log(x) for normal x > 0 from the table. */
static inline float aoi__fast_log(const float *tab, float x)
{
    uint32_t b;
    memcpy(&b, &x, sizeof b);
    int e = (int)(b >> 23) - 127;
    uint32_t m = b & 0x7FFFFFu, idx = m >> (23 - AOI__LOG_BITS);
    float frac = (float)(int)(m & ((1u << (23 - AOI__LOG_BITS)) - 1)) *
                 (1.0f / (float)(1u << (23 - AOI__LOG_BITS)));
    return (float)e * 0.693147181f + tab[idx] + frac * (tab[idx + 1] - tab[idx]);
}

/* Sample j of a row, the reference every path reproduces. */
static inline void aoi__sample_one(const aoi__sample_src *s, const float *tab, double x0, double y0,
                                   double dx, double dy, double cx, double cy, int j, float *f)
{
    float *L = f + 3 * j, *cr = L + 1, *cg = L + 2;
    const double x = (x0 + j * dx) + cx, y = (y0 + j * dy) + cy;
    /* floor(x) + 1 < width exactly when x < width - 1; past x >= 0,
     * truncation is floor. */
    if (!(x >= 0 && y >= 0 && x < s->width - 1.0 && y < s->height - 1.0)) {
        *L = __builtin_nanf(""), *cr = 0, *cg = 0;
        return;
    }
    const int ix = (int)x, iy = (int)y, bpp = s->bpp;
    const float ax = (float)(x - ix), ay = (float)(y - iy);
    const uint8_t *a = s->data + (size_t)iy * s->stride + (size_t)ix * (size_t)bpp, *b = a + s->stride;
    float c[3];
    for (int k = 0; k < 3; k++) {
        const int o = s->off[k];
        float a0 = a[o], a1 = a[o + bpp], b0 = b[o], b1 = b[o + bpp];
        float t = a0 + ax * (a1 - a0), u = b0 + ax * (b1 - b0);
        c[k] = (t + ay * (u - t)) * s->gain[k];
    }
    const float sum = c[0] + c[1] + c[2], inv = 1.0f / (sum + 24.0f);
    *L = aoi__fast_log(tab, sum * (1.0f / 3.0f) + 8.0f);
    *cr = c[0] * inv;
    *cg = c[1] * inv;
}

void aoi__sample_row_scalar(const aoi__sample_src *s, const float *tab, double x0, double y0,
                            double dx, double dy, double cx, double cy, int n, float *f);
void aoi__sample_row_sse41(const aoi__sample_src *s, const float *tab, double x0, double y0,
                           double dx, double dy, double cx, double cy, int n, float *f);
void aoi__sample_row_avx2(const aoi__sample_src *s, const float *tab, double x0, double y0,
                          double dx, double dy, double cx, double cy, int n, float *f);

#endif
