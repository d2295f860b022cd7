/* edge_scalar.c - reference edge-energy kernel (see aoi/simd.h). */
#include "simd/simd_internal.h"

void aoi__edgerow_scalar(const uint8_t *a, const uint8_t *m, const uint8_t *b, int x0, int x1,
                         uint8_t *dst)
{
    for (int x = x0; x < x1; x++) {
        int gx = m[x + 1] > m[x - 1] ? m[x + 1] - m[x - 1] : m[x - 1] - m[x + 1];
        int gy = b[x] > a[x] ? b[x] - a[x] : a[x] - b[x];
        dst[x] = (uint8_t)((gx + gy) >> 1);
    }
}
