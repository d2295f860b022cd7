/* dline.h - registration's line sampler: bilinear samples of a 16-bit map
 * (the colour distance to the solder mask) along a line (library-internal).
 *
 * Sample i is at (x + t nx, y + t ny), t = t0 + i * step, in frame pixel
 * coordinates (pixel centres at integers), computed in double in that
 * order.  The map holds the frame's pixels [mx0, mx0 + mw) x [my0, ...),
 * row after row, mw to a row, fewer than 2^31 words in all (the AVX2 path
 * indexes it with 32-bit integers).  The caller guarantees that every sample and
 * the 2 x 2 block right and below its truncated position lie in the map,
 * at coordinates >= 0 (so truncation is floor).  With ix, iy the truncated
 * position, fx = x - ix, fy = y - iy and q the map at (ix, iy):
 *
 *   v[i] = ((q[0] (1 - fx) + q[1] fx) (1 - fy) + (q[mw] (1 - fx) + q[mw + 1] fx) fy) unit
 *
 * in double, in that order.  Every path gives bit-identical results (the
 * same IEEE operations in the same order; no contraction to FMA: the
 * kernels are built without -mfma). */
#ifndef AOI_SIMD_DLINE_H
#define AOI_SIMD_DLINE_H

#include "aoi/simd.h"

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const uint16_t *d;
    size_t mw;
    int mx0, my0;
    double unit;
} aoi__dmap;

/* Sample i, the reference every path reproduces. */
static inline double aoi__dline_one(const aoi__dmap *m, double x, double y, double nx, double ny,
                                    double t0, double step, int i)
{
    const double t = t0 + i * step, xi = x + t * nx, yi = y + t * ny;
    const int ix = (int)xi, iy = (int)yi;
    const double fx = xi - ix, fy = yi - iy;
    const uint16_t *q = m->d + (size_t)(iy - m->my0) * m->mw + (size_t)(ix - m->mx0);
    return ((q[0] * (1 - fx) + q[1] * fx) * (1 - fy) +
            (q[m->mw] * (1 - fx) + q[m->mw + 1] * fx) * fy) *
           m->unit;
}

/* n samples into v[0..n). */
void aoi__dline(const aoi__dmap *m, double x, double y, double nx, double ny, double t0,
                double step, int n, double *v);
/* The same on a given path (tests); -1 if the CPU cannot run it. */
int aoi__dline_isa(aoi_isa isa, const aoi__dmap *m, double x, double y, double nx, double ny,
                   double t0, double step, int n, double *v);

void aoi__dline_scalar(const aoi__dmap *m, double x, double y, double nx, double ny, double t0,
                       double step, int n, double *v);
void aoi__dline_sse41(const aoi__dmap *m, double x, double y, double nx, double ny, double t0,
                      double step, int n, double *v);
void aoi__dline_avx2(const aoi__dmap *m, double x, double y, double nx, double ny, double t0,
                     double step, int n, double *v);

#endif
