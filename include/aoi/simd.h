/* aoi/simd.h - SIMD kernels with a scalar reference, chosen once at run time.
 *
 * The instruction set is picked on first use from the CPU's features, narrowed
 * by the environment variable AOI_SIMD (scalar, sse41, avx2): AOI_SIMD=scalar
 * forces the reference path.  Every kernel gives bit-identical results on
 * every path. */
#ifndef AOI_SIMD_H
#define AOI_SIMD_H

#include <stddef.h>
#include <stdint.h>

#include "aoi/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { AOI_ISA_SCALAR = 0, AOI_ISA_SSE41, AOI_ISA_AVX2, AOI_ISA_COUNT } aoi_isa;

/* The path in use (decided once). */
AOI_API aoi_isa aoi_simd_isa(void);
AOI_API const char *aoi_isa_name(aoi_isa isa);
/* Whether this CPU can run a path. */
AOI_API int aoi_simd_supported(aoi_isa isa);

/* Max-channel block reduction.
 *
 * For an image of w x h pixels of bpp bytes (1 grey, 3 packed RGB/BGR, 4 with
 * one padding byte at byte `xoff` (0 or 3; ignored for bpp 1/3)), row stride
 * `stride` bytes (any alignment), and a block size f in {1, 2, 4}:
 *
 *   dst[Y * dstride + X] = (S + f*f/2) / (f*f),
 *   S = sum over 0 <= j,i < f of max over colour bytes c of
 *       src[(f*Y + j) * stride + (f*X + i) * bpp + c]
 *
 * for X < w / f, Y < h / f (partial blocks at the right and bottom are
 * dropped).  dst needs (w / f) bytes per row. */
AOI_API int aoi_reduce_max(const uint8_t *src, int w, int h, size_t stride, int bpp, int xoff,
                           int f, uint8_t *dst, size_t dstride);

/* The same on a given path (tests and benchmarks); -1 if unsupported. */
AOI_API int aoi_reduce_max_isa(aoi_isa isa, const uint8_t *src, int w, int h, size_t stride,
                               int bpp, int xoff, int f, uint8_t *dst, size_t dstride);

/* L1 colour distance to a reference colour.
 *
 * For an image of w x h pixels laid out as for aoi_reduce_max (bpp 1, 3, or 4
 * with the padding byte at xoff, which never counts), and ref[] given per
 * byte position of a pixel (ref[0..bpp-1]):
 *
 *   dst[y * dstride + x] = sum over colour bytes c of
 *                          |src[y * stride + x * bpp + c] - ref[c]|
 *
 * dst rows hold w uint16_t; dstride is in elements. */
AOI_API int aoi_colour_dist(const uint8_t *src, int w, int h, size_t stride, int bpp, int xoff,
                            const uint8_t ref[4], uint16_t *dst, size_t dstride);

/* The same on a given path (tests and benchmarks); -1 if unsupported. */
AOI_API int aoi_colour_dist_isa(aoi_isa isa, const uint8_t *src, int w, int h, size_t stride,
                                int bpp, int xoff, const uint8_t ref[4], uint16_t *dst,
                                size_t dstride);

/* Edge energy of an 8-bit grey image.
 *
 * For w x h pixels with row stride `stride` bytes (any alignment):
 *
 *   dst[y * dstride + x] = (|src(x+1, y) - src(x-1, y)| + |src(x, y+1) - src(x, y-1)|) / 2
 *
 * (rounded down) inside, 0 on the one-pixel border.  dst needs w bytes per
 * row. */
AOI_API int aoi_edge_energy(const uint8_t *src, int w, int h, size_t stride, uint8_t *dst,
                            size_t dstride);

/* The same on a given path (tests and benchmarks); -1 if unsupported. */
AOI_API int aoi_edge_energy_isa(aoi_isa isa, const uint8_t *src, int w, int h, size_t stride,
                                uint8_t *dst, size_t dstride);

#ifdef __cplusplus
}
#endif

#endif
