/* reduce_scalar.c - reference max-channel reduction kernels (see aoi/simd.h). */
#include "simd/simd_internal.h"

void aoi__maxrow_scalar(const uint8_t *src, int n, int bpp, int xoff, uint8_t *dst)
{
    if (bpp == 1) {
        for (int i = 0; i < n; i++)
            dst[i] = src[i];
        return;
    }
    for (int i = 0; i < n; i++, src += bpp) {
        const uint8_t *c = bpp == 4 && xoff == 0 ? src + 1 : src;
        uint8_t m = c[0] > c[1] ? c[0] : c[1];
        dst[i] = m > c[2] ? m : c[2];
    }
}

void aoi__accrow_scalar(const uint8_t *row, int n, uint16_t *acc)
{
    for (int i = 0; i < n; i++)
        acc[i] = (uint16_t)(acc[i] + row[i]);
}

void aoi__hsum_scalar(const uint16_t *acc, int n, int f, uint8_t *dst)
{
    unsigned shift = f == 4 ? 4 : f == 2 ? 2 : 0, half = (1u << shift) >> 1;
    for (int x = 0; x < n; x++) {
        unsigned s = 0;
        for (int i = 0; i < f; i++)
            s += acc[f * x + i];
        dst[x] = (uint8_t)((s + half) >> shift);
    }
}
