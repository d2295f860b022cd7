/* dline_scalar.c - the line sampler's reference path (see simd/dline.h). */
#include "simd/dline.h"

void aoi__dline_scalar(const aoi__dmap *m, double x, double y, double nx, double ny, double t0,
                       double step, int n, double *v)
{
    for (int i = 0; i < n; i++)
        v[i] = aoi__dline_one(m, x, y, nx, ny, t0, step, i);
}
