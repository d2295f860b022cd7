/* test_simd.c - every SIMD path equals the scalar reference, exactly, on odd
 * sizes, unaligned rows and padded strides. */
#include "aoi/error.h"
#include "aoi/simd.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

static uint32_t lcg(uint32_t *s)
{
    return (*s = *s * 1664525u + 1013904223u) >> 8;
}

static void check_reduce(aoi_isa isa, int w, int h, int bpp, int xoff, int f, int misalign, int pad)
{
    size_t stride = (size_t)w * bpp + (size_t)pad;
    uint8_t *buf = malloc(stride * h + 64), *src = buf + misalign;
    int ow = w / f, oh = h / f;
    size_t dstride = (size_t)ow + 3;
    uint8_t *ref = malloc(dstride * oh + 1), *got = malloc(dstride * oh + 1);
    uint32_t seed = (uint32_t)(w * 131 + h * 7 + bpp + f);
    for (size_t i = 0; i < stride * h + 64 - misalign; i++)
        src[i] = (uint8_t)lcg(&seed);
    memset(ref, 0xAB, dstride * oh);
    memset(got, 0xAB, dstride * oh);
    cr_assert_eq(aoi_reduce_max_isa(AOI_ISA_SCALAR, src, w, h, stride, bpp, xoff, f, ref, dstride), 0,
                 "%s", aoi_errmsg());
    cr_assert_eq(aoi_reduce_max_isa(isa, src, w, h, stride, bpp, xoff, f, got, dstride), 0, "%s",
                 aoi_errmsg());
    for (int y = 0; y < oh; y++)
        for (int x = 0; x < ow; x++)
            cr_assert_eq(got[y * dstride + x], ref[y * dstride + x],
                         "%s w%d h%d bpp%d xoff%d f%d: (%d,%d) %d != %d", aoi_isa_name(isa), w, h,
                         bpp, xoff, f, x, y, got[y * dstride + x], ref[y * dstride + x]);
    free(buf);
    free(ref);
    free(got);
}

Test(simd, scalar_reference_formula)
{
    /* 2x2 RGB block: maxima 10, 200, 30, 41 -> (281 + 2) / 4 = 70. */
    uint8_t src[2 * 6] = {10, 5, 1, 0, 200, 3, /* row 1 */ 30, 30, 2, 41, 0, 40};
    uint8_t out = 0;
    cr_assert_eq(aoi_reduce_max_isa(AOI_ISA_SCALAR, src, 2, 2, 6, 3, 0, 2, &out, 1), 0);
    cr_expect_eq(out, 70);
    /* RGBx: the padding byte never counts. */
    uint8_t x4[4] = {1, 2, 3, 255};
    cr_assert_eq(aoi_reduce_max_isa(AOI_ISA_SCALAR, x4, 1, 1, 4, 4, 3, 1, &out, 1), 0);
    cr_expect_eq(out, 3);
    uint8_t x0[4] = {255, 9, 2, 3};
    cr_assert_eq(aoi_reduce_max_isa(AOI_ISA_SCALAR, x0, 1, 1, 4, 4, 0, 1, &out, 1), 0);
    cr_expect_eq(out, 9);
}

Test(simd, every_isa_matches_scalar)
{
    static const int widths[] = {1, 3, 15, 16, 17, 31, 33, 63, 64, 65, 97, 257, 1001};
    static const int heights[] = {1, 2, 5, 8, 13};
    int tested = 0;
    for (int isa = AOI_ISA_SSE41; isa < AOI_ISA_COUNT; isa++) {
        if (!aoi_simd_supported((aoi_isa)isa))
            continue;
        for (size_t wi = 0; wi < sizeof widths / sizeof *widths; wi++)
            for (size_t hi = 0; hi < sizeof heights / sizeof *heights; hi++)
                for (int f = 1; f <= 4; f *= 2) {
                    if (widths[wi] < f || heights[hi] < f)
                        continue;
                    int mis = (int)(wi + hi) % 7, pad = (int)(wi * 3 + hi) % 5;
                    check_reduce((aoi_isa)isa, widths[wi], heights[hi], 1, 0, f, mis, pad);
                    check_reduce((aoi_isa)isa, widths[wi], heights[hi], 3, 0, f, mis, pad);
                    check_reduce((aoi_isa)isa, widths[wi], heights[hi], 4, 0, f, mis, pad);
                    check_reduce((aoi_isa)isa, widths[wi], heights[hi], 4, 3, f, mis + 1, pad);
                    tested++;
                }
    }
    if (!tested)
        cr_skip_test("no SIMD path on this CPU");
}

Test(simd, bad_arguments_are_errors)
{
    uint8_t b[16] = {0}, o[4];
    cr_expect_eq(aoi_reduce_max(b, 4, 1, 4, 1, 0, 3, o, 4), -1);
    cr_expect(strstr(aoi_errmsg(), "bad arguments") != NULL, "%s", aoi_errmsg());
    cr_expect_eq(aoi_reduce_max(b, 4, 1, 2, 1, 0, 1, o, 4), -1);
    cr_expect_eq(aoi_reduce_max(b, 1, 1, 1, 1, 0, 2, o, 4), -1);
    cr_expect(strstr(aoi_errmsg(), "smaller than one") != NULL, "%s", aoi_errmsg());
}

Test(simd, env_forces_scalar)
{
    const char *env = getenv("AOI_SIMD");
    if (env && strcmp(env, "scalar") == 0)
        cr_expect_eq(aoi_simd_isa(), AOI_ISA_SCALAR);
    else
        cr_expect(aoi_simd_supported(aoi_simd_isa()));
}
