/* simd_internal.h - per-ISA kernel entry points behind aoi/simd.h. */
#ifndef AOI_SIMD_INTERNAL_H
#define AOI_SIMD_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Max over the colour bytes of n pixels into dst[0..n). */
typedef void (*maxrow_fn)(const uint8_t *src, int n, int bpp, int xoff, uint8_t *dst);
/* acc[i] += row[i] for i < n (u16 accumulators). */
typedef void (*accrow_fn)(const uint8_t *row, int n, uint16_t *acc);
/* dst[X] = (sum of acc[f*X .. f*X+f) + f*f/2) / (f*f), X < n. */
typedef void (*hsum_fn)(const uint16_t *acc, int n, int f, uint8_t *dst);

typedef struct {
    maxrow_fn maxrow;
    accrow_fn accrow;
    hsum_fn hsum;
} reduce_kernels;

void aoi__maxrow_scalar(const uint8_t *src, int n, int bpp, int xoff, uint8_t *dst);
void aoi__accrow_scalar(const uint8_t *row, int n, uint16_t *acc);
void aoi__hsum_scalar(const uint16_t *acc, int n, int f, uint8_t *dst);

void aoi__maxrow_sse41(const uint8_t *src, int n, int bpp, int xoff, uint8_t *dst);
void aoi__accrow_sse41(const uint8_t *row, int n, uint16_t *acc);
void aoi__hsum_sse41(const uint16_t *acc, int n, int f, uint8_t *dst);

void aoi__maxrow_avx2(const uint8_t *src, int n, int bpp, int xoff, uint8_t *dst);
void aoi__accrow_avx2(const uint8_t *row, int n, uint16_t *acc);
void aoi__hsum_avx2(const uint16_t *acc, int n, int f, uint8_t *dst);

/* Colour distance of n pixels to ref (per byte position) into dst[0..n). */
typedef void (*distrow_fn)(const uint8_t *src, int n, int bpp, int xoff, const uint8_t ref[4],
                           uint16_t *dst);
void aoi__distrow_scalar(const uint8_t *src, int n, int bpp, int xoff, const uint8_t ref[4],
                         uint16_t *dst);
void aoi__distrow_sse41(const uint8_t *src, int n, int bpp, int xoff, const uint8_t ref[4],
                        uint16_t *dst);
void aoi__distrow_avx2(const uint8_t *src, int n, int bpp, int xoff, const uint8_t ref[4],
                       uint16_t *dst);

/* Edge energy of row m (rows a above, b below) for x0 <= x < x1, 1 <= x0,
 * x1 < width: dst[x] = (|m[x+1] - m[x-1]| + |b[x] - a[x]|) / 2 (floor). */
typedef void (*edgerow_fn)(const uint8_t *a, const uint8_t *m, const uint8_t *b, int x0, int x1,
                           uint8_t *dst);
void aoi__edgerow_scalar(const uint8_t *a, const uint8_t *m, const uint8_t *b, int x0, int x1,
                         uint8_t *dst);
void aoi__edgerow_sse41(const uint8_t *a, const uint8_t *m, const uint8_t *b, int x0, int x1,
                        uint8_t *dst);
void aoi__edgerow_avx2(const uint8_t *a, const uint8_t *m, const uint8_t *b, int x0, int x1,
                       uint8_t *dst);

#endif
