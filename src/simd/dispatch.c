/* dispatch.c - picks the SIMD path once (CPU features narrowed by AOI_SIMD)
 * and runs the row kernels of aoi_reduce_max(), aoi_colour_dist(), the
 * strip sampler and the registration's line sampler on it. */
#include "aoi/simd.h"
#include "core/error_internal.h"
#include "simd/dline.h"
#include "simd/sample.h"
#include "simd/simd_internal.h"
#include "simd/wet.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static aoi_isa chosen = AOI_ISA_SCALAR;
static pthread_once_t once = PTHREAD_ONCE_INIT;

int aoi_simd_supported(aoi_isa isa)
{
    __builtin_cpu_init();
    switch (isa) {
    case AOI_ISA_SCALAR: return 1;
    case AOI_ISA_SSE41: return __builtin_cpu_supports("sse4.1");
    case AOI_ISA_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("sse4.1");
    default: return 0;
    }
}

const char *aoi_isa_name(aoi_isa isa)
{
    static const char *const names[AOI_ISA_COUNT] = {"scalar", "sse41", "avx2"};
    return (unsigned)isa < AOI_ISA_COUNT ? names[isa] : "unknown";
}

static void choose(void)
{
    const char *env = getenv("AOI_SIMD");
    aoi_isa best = AOI_ISA_SCALAR;
    for (int i = AOI_ISA_COUNT - 1; i > 0; i--)
        if (aoi_simd_supported((aoi_isa)i)) {
            best = (aoi_isa)i;
            break;
        }
    if (env && *env) {
        for (int i = 0; i < AOI_ISA_COUNT; i++)
            if (strcmp(env, aoi_isa_name((aoi_isa)i)) == 0 && i < (int)best)
                best = (aoi_isa)i;
        if (strcmp(env, "none") == 0)
            best = AOI_ISA_SCALAR;
    }
    chosen = best;
}

aoi_isa aoi_simd_isa(void)
{
    pthread_once(&once, choose);
    return chosen;
}

static reduce_kernels kernels_for(aoi_isa isa)
{
    switch (isa) {
    case AOI_ISA_AVX2: return (reduce_kernels){aoi__maxrow_avx2, aoi__accrow_avx2, aoi__hsum_avx2};
    case AOI_ISA_SSE41:
        return (reduce_kernels){aoi__maxrow_sse41, aoi__accrow_sse41, aoi__hsum_sse41};
    default: return (reduce_kernels){aoi__maxrow_scalar, aoi__accrow_scalar, aoi__hsum_scalar};
    }
}

#define ROW_MAX 65536

int aoi_reduce_max_isa(aoi_isa isa, const uint8_t *src, int w, int h, size_t stride, int bpp,
                       int xoff, int f, uint8_t *dst, size_t dstride)
{
    reduce_kernels k;
    uint8_t *row;
    uint16_t *acc;
    int ow, oh, n;
    if (!aoi_simd_supported(isa))
        return aoi__error("aoi_reduce_max(): %s is not supported by this CPU", aoi_isa_name(isa));
    if (!src || !dst || w <= 0 || h <= 0 || w > ROW_MAX || (bpp != 1 && bpp != 3 && bpp != 4) ||
        (f != 1 && f != 2 && f != 4) || (bpp == 4 && xoff != 0 && xoff != 3) ||
        stride < (size_t)w * (size_t)bpp)
        return aoi__error("aoi_reduce_max(): bad arguments (w %d h %d bpp %d f %d stride %zu)", w,
                          h, bpp, f, stride);
    ow = w / f;
    oh = h / f;
    if (ow == 0 || oh == 0)
        return aoi__error("aoi_reduce_max(): %dx%d is smaller than one %dx%d block", w, h, f, f);
    if (dstride < (size_t)ow)
        return aoi__error("aoi_reduce_max(): dst stride %zu < %d", dstride, ow);
    k = kernels_for(isa);
    n = ow * f;
    row = malloc((size_t)n + 64);
    acc = malloc(sizeof *acc * ((size_t)n + 64));
    if (!row || !acc) {
        free(row);
        free(acc);
        return aoi__error("aoi_reduce_max(): out of memory");
    }
    for (int y = 0; y < oh; y++) {
        memset(acc, 0, sizeof *acc * (size_t)n);
        for (int j = 0; j < f; j++) {
            k.maxrow(src + (size_t)(f * y + j) * stride, n, bpp, xoff, row);
            k.accrow(row, n, acc);
        }
        k.hsum(acc, ow, f, dst + (size_t)y * dstride);
    }
    free(row);
    free(acc);
    return 0;
}

int aoi_reduce_max(const uint8_t *src, int w, int h, size_t stride, int bpp, int xoff, int f,
                   uint8_t *dst, size_t dstride)
{
    return aoi_reduce_max_isa(aoi_simd_isa(), src, w, h, stride, bpp, xoff, f, dst, dstride);
}

static distrow_fn distrow_for(aoi_isa isa)
{
    switch (isa) {
    case AOI_ISA_AVX2: return aoi__distrow_avx2;
    case AOI_ISA_SSE41: return aoi__distrow_sse41;
    default: return aoi__distrow_scalar;
    }
}

int aoi_colour_dist_isa(aoi_isa isa, const uint8_t *src, int w, int h, size_t stride, int bpp,
                        int xoff, const uint8_t ref[4], uint16_t *dst, size_t dstride)
{
    if (!aoi_simd_supported(isa))
        return aoi__error("aoi_colour_dist(): %s is not supported by this CPU", aoi_isa_name(isa));
    if (!src || !dst || !ref || w <= 0 || h <= 0 || (bpp != 1 && bpp != 3 && bpp != 4) ||
        (bpp == 4 && xoff != 0 && xoff != 3) || stride < (size_t)w * (size_t)bpp ||
        dstride < (size_t)w)
        return aoi__error("aoi_colour_dist(): bad arguments (w %d h %d bpp %d stride %zu dstride %zu)",
                          w, h, bpp, stride, dstride);
    distrow_fn row = distrow_for(isa);
    for (int y = 0; y < h; y++)
        row(src + (size_t)y * stride, w, bpp, xoff, ref, dst + (size_t)y * dstride);
    return 0;
}

int aoi_colour_dist(const uint8_t *src, int w, int h, size_t stride, int bpp, int xoff,
                    const uint8_t ref[4], uint16_t *dst, size_t dstride)
{
    return aoi_colour_dist_isa(aoi_simd_isa(), src, w, h, stride, bpp, xoff, ref, dst, dstride);
}

int aoi__sample_row_isa(aoi_isa isa, const aoi__sample_src *s, double x0, double y0, double dx,
                        double dy, double cx, double cy, int n, float *f)
{
    const float *tab = aoi__log_table();
    if (!aoi_simd_supported(isa))
        return -1;
    switch (isa) {
    case AOI_ISA_AVX2: aoi__sample_row_avx2(s, tab, x0, y0, dx, dy, cx, cy, n, f); break;
    case AOI_ISA_SSE41: aoi__sample_row_sse41(s, tab, x0, y0, dx, dy, cx, cy, n, f); break;
    default: aoi__sample_row_scalar(s, tab, x0, y0, dx, dy, cx, cy, n, f); break;
    }
    return 0;
}

void aoi__sample_row(const aoi__sample_src *s, double x0, double y0, double dx, double dy,
                     double cx, double cy, int n, float *f)
{
    aoi__sample_row_isa(aoi_simd_isa(), s, x0, y0, dx, dy, cx, cy, n, f);
}

double aoi__wet_sum_isa(aoi_isa isa, const float *f, int n, const float ref[6][3], float soft)
{
    if (!aoi_simd_supported(isa))
        return __builtin_nan("");
    switch (isa) {
    case AOI_ISA_AVX2: return aoi__wet_sum_avx2(f, n, ref, soft);
    case AOI_ISA_SSE41: return aoi__wet_sum_sse41(f, n, ref, soft);
    default: return aoi__wet_sum_scalar(f, n, ref, soft);
    }
}

double aoi__wet_sum(const float *f, int n, const float ref[6][3], float soft)
{
    return aoi__wet_sum_isa(aoi_simd_isa(), f, n, ref, soft);
}

static edgerow_fn edgerow_for(aoi_isa isa)
{
    switch (isa) {
    case AOI_ISA_AVX2: return aoi__edgerow_avx2;
    case AOI_ISA_SSE41: return aoi__edgerow_sse41;
    default: return aoi__edgerow_scalar;
    }
}

int aoi_edge_energy_isa(aoi_isa isa, const uint8_t *src, int w, int h, size_t stride, uint8_t *dst,
                        size_t dstride)
{
    if (!aoi_simd_supported(isa))
        return aoi__error("aoi_edge_energy(): %s is not supported by this CPU", aoi_isa_name(isa));
    if (!src || !dst || w <= 0 || h <= 0 || stride < (size_t)w || dstride < (size_t)w)
        return aoi__error("aoi_edge_energy(): bad arguments (w %d h %d stride %zu dstride %zu)", w,
                          h, stride, dstride);
    edgerow_fn row = edgerow_for(isa);
    for (int y = 0; y < h; y++) {
        uint8_t *o = dst + (size_t)y * dstride;
        if (y == 0 || y == h - 1 || w < 3) {
            memset(o, 0, (size_t)w);
            continue;
        }
        const uint8_t *m = src + (size_t)y * stride;
        o[0] = o[w - 1] = 0;
        row(m - stride, m, m + stride, 1, w - 1, o);
    }
    return 0;
}

int aoi_edge_energy(const uint8_t *src, int w, int h, size_t stride, uint8_t *dst, size_t dstride)
{
    return aoi_edge_energy_isa(aoi_simd_isa(), src, w, h, stride, dst, dstride);
}

int aoi__dline_isa(aoi_isa isa, const aoi__dmap *m, double x, double y, double nx, double ny,
                   double t0, double step, int n, double *v)
{
    if (!aoi_simd_supported(isa))
        return -1;
    switch (isa) {
    case AOI_ISA_AVX2: aoi__dline_avx2(m, x, y, nx, ny, t0, step, n, v); break;
    case AOI_ISA_SSE41: aoi__dline_sse41(m, x, y, nx, ny, t0, step, n, v); break;
    default: aoi__dline_scalar(m, x, y, nx, ny, t0, step, n, v); break;
    }
    return 0;
}

void aoi__dline(const aoi__dmap *m, double x, double y, double nx, double ny, double t0,
                double step, int n, double *v)
{
    switch (aoi_simd_isa()) {
    case AOI_ISA_AVX2: aoi__dline_avx2(m, x, y, nx, ny, t0, step, n, v); break;
    case AOI_ISA_SSE41: aoi__dline_sse41(m, x, y, nx, ny, t0, step, n, v); break;
    default: aoi__dline_scalar(m, x, y, nx, ny, t0, step, n, v); break;
    }
}
