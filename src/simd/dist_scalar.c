/* dist_scalar.c - reference colour-distance kernel (see aoi/simd.h). */
#include "simd/simd_internal.h"

void aoi__distrow_scalar(const uint8_t *src, int n, int bpp, int xoff, const uint8_t ref[4],
                         uint16_t *dst)
{
    if (bpp == 1) {
        for (int i = 0; i < n; i++)
            dst[i] = (uint16_t)(src[i] > ref[0] ? src[i] - ref[0] : ref[0] - src[i]);
        return;
    }
    for (int i = 0; i < n; i++, src += bpp) {
        unsigned s = 0;
        for (int c = 0; c < bpp; c++)
            if (bpp == 3 || c != xoff)
                s += src[c] > ref[c] ? (unsigned)(src[c] - ref[c]) : (unsigned)(ref[c] - src[c]);
        dst[i] = (uint16_t)s;
    }
}
