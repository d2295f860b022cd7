/* test_simd.c - every SIMD path equals the scalar reference, exactly, on odd
 * sizes, unaligned rows and padded strides. */
#include "aoi/error.h"
#include "aoi/simd.h"
#include "simd/dline.h"
#include "simd/sample.h"
#include "simd/wet.h"

#include <criterion/criterion.h>
#include <math.h>
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

static void check_dist(aoi_isa isa, int w, int h, int bpp, int xoff, int misalign, int pad)
{
    size_t stride = (size_t)w * bpp + (size_t)pad, dstride = (size_t)w + 5;
    uint8_t *buf = malloc(stride * h + 64), *src = buf + misalign;
    uint16_t *ref = malloc(sizeof *ref * (dstride * h + 1)), *got = malloc(sizeof *got * (dstride * h + 2));
    uint32_t seed = (uint32_t)(w * 31 + h * 17 + bpp * 5 + xoff);
    uint8_t colour[4];
    for (size_t i = 0; i < stride * h + 64 - misalign; i++)
        src[i] = (uint8_t)lcg(&seed);
    for (int c = 0; c < 4; c++)
        colour[c] = (uint8_t)lcg(&seed);
    /* An unaligned destination too. */
    uint16_t *dst = got + (misalign & 1);
    cr_assert_eq(aoi_colour_dist_isa(AOI_ISA_SCALAR, src, w, h, stride, bpp, xoff, colour, ref, dstride),
                 0, "%s", aoi_errmsg());
    cr_assert_eq(aoi_colour_dist_isa(isa, src, w, h, stride, bpp, xoff, colour, dst, dstride), 0, "%s",
                 aoi_errmsg());
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            cr_assert_eq(dst[y * dstride + x], ref[y * dstride + x],
                         "%s w%d h%d bpp%d xoff%d: (%d,%d) %d != %d", aoi_isa_name(isa), w, h, bpp,
                         xoff, x, y, dst[y * dstride + x], ref[y * dstride + x]);
    free(buf);
    free(ref);
    free(got);
}

Test(simd, colour_dist_reference_formula)
{
    const uint8_t colour[4] = {10, 200, 30, 99};
    uint8_t rgb[6] = {0, 255, 30, 10, 200, 31};
    uint16_t out[2];
    cr_assert_eq(aoi_colour_dist_isa(AOI_ISA_SCALAR, rgb, 2, 1, 6, 3, 0, colour, out, 2), 0);
    cr_expect_eq(out[0], 10 + 55 + 0);
    cr_expect_eq(out[1], 1);
    /* RGBx: the padding byte (3) never counts; xRGB: byte 0 never counts. */
    uint8_t px[4] = {0, 0, 0, 255};
    cr_assert_eq(aoi_colour_dist_isa(AOI_ISA_SCALAR, px, 1, 1, 4, 4, 3, colour, out, 1), 0);
    cr_expect_eq(out[0], 10 + 200 + 30);
    cr_assert_eq(aoi_colour_dist_isa(AOI_ISA_SCALAR, px, 1, 1, 4, 4, 0, colour, out, 1), 0);
    cr_expect_eq(out[0], 200 + 30 + (255 - 99));
    uint8_t g = 250;
    cr_assert_eq(aoi_colour_dist_isa(AOI_ISA_SCALAR, &g, 1, 1, 1, 1, 0, colour, out, 1), 0);
    cr_expect_eq(out[0], 240);
}

/* Every SIMD path over widths[] x heights 1, 3, 5, with misaligned rows
 * and padded strides varying between cases; check(isa, w, h, mis, pad)
 * compares one case with the reference.  Skips where no SIMD path runs. */
static void sweep(const int *widths, size_t nw, void (*check)(aoi_isa, int, int, int, int))
{
    int tested = 0;
    for (int isa = AOI_ISA_SSE41; isa < AOI_ISA_COUNT; isa++) {
        if (!aoi_simd_supported((aoi_isa)isa))
            continue;
        for (size_t wi = 0; wi < nw; wi++)
            for (int h = 1; h <= 5; h += 2) {
                check((aoi_isa)isa, widths[wi], h, (int)(wi + (size_t)h) % 7,
                      (int)(wi * 3 + (size_t)h) % 5);
                tested++;
            }
    }
    if (!tested)
        cr_skip_test("no SIMD path on this CPU");
}

/* Grey, packed RGB, RGBx and xRGB. */
static void check_dist_layouts(aoi_isa isa, int w, int h, int mis, int pad)
{
    check_dist(isa, w, h, 1, 0, mis, pad);
    check_dist(isa, w, h, 3, 0, mis, pad);
    check_dist(isa, w, h, 4, 0, mis, pad);
    check_dist(isa, w, h, 4, 3, mis + 1, pad);
}

Test(simd, colour_dist_every_isa_matches_scalar)
{
    static const int widths[] = {1, 3, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 97, 257, 1001};
    sweep(widths, sizeof widths / sizeof *widths, check_dist_layouts);
}

Test(simd, edge_energy_reference_formula)
{
    /* Centre of 3x3: (|250 - 10| + |100 - 0|) / 2 = 170; border 0. */
    uint8_t img[9] = {7, 0, 7, /* */ 10, 99, 250, /* */ 7, 100, 7};
    uint8_t out[9];
    memset(out, 0xAB, sizeof out);
    cr_assert_eq(aoi_edge_energy_isa(AOI_ISA_SCALAR, img, 3, 3, 3, out, 3), 0, "%s", aoi_errmsg());
    cr_expect_eq(out[4], 170);
    for (int i = 0; i < 9; i++)
        if (i != 4)
            cr_expect_eq(out[i], 0, "border %d: %d", i, out[i]);
    /* An odd sum rounds down; the largest steps give 255. */
    uint8_t odd[9] = {0, 0, 0, 4, 0, 7, 0, 0, 0}, big[9] = {0, 0, 0, 255, 0, 0, 0, 255, 0};
    cr_assert_eq(aoi_edge_energy_isa(AOI_ISA_SCALAR, odd, 3, 3, 3, out, 3), 0);
    cr_expect_eq(out[4], 1);
    cr_assert_eq(aoi_edge_energy_isa(AOI_ISA_SCALAR, big, 3, 3, 3, out, 3), 0);
    cr_expect_eq(out[4], 255);
}

static void check_edge(aoi_isa isa, int w, int h, int misalign, int pad, int extremes)
{
    size_t stride = (size_t)w + (size_t)pad, dstride = (size_t)w + 3;
    uint8_t *buf = malloc(stride * h + 64), *src = buf + misalign;
    uint8_t *ref = malloc(dstride * h + 1), *got = malloc(dstride * h + 2),
            *dst = got + (misalign & 1);
    uint32_t seed = (uint32_t)(w * 29 + h * 13 + pad);
    for (size_t i = 0; i < stride * h + 64 - misalign; i++)
        src[i] = extremes ? (lcg(&seed) & 1 ? 255 : 0) : (uint8_t)lcg(&seed);
    cr_assert_eq(aoi_edge_energy_isa(AOI_ISA_SCALAR, src, w, h, stride, ref, dstride), 0, "%s",
                 aoi_errmsg());
    cr_assert_eq(aoi_edge_energy_isa(isa, src, w, h, stride, dst, dstride), 0, "%s", aoi_errmsg());
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            cr_assert_eq(dst[y * dstride + x], ref[y * dstride + x], "%s w%d h%d: (%d,%d) %d != %d",
                         aoi_isa_name(isa), w, h, x, y, dst[y * dstride + x], ref[y * dstride + x]);
    free(buf);
    free(ref);
    free(got);
}

/* Random bytes, then only 0 and 255 (the largest steps). */
static void check_edge_values(aoi_isa isa, int w, int h, int mis, int pad)
{
    check_edge(isa, w, h, mis, pad, 0);
    check_edge(isa, w, h, mis + 1, pad, 1);
}

Test(simd, edge_energy_every_isa_matches_scalar)
{
    static const int widths[] = {1,  2,  3,  15, 16, 17, 18, 19, 31,  32,
                                 33, 34, 35, 63, 64, 65, 66, 97, 257, 1001};
    sweep(widths, sizeof widths / sizeof *widths, check_edge_values);
}

static int same_float(float a, float b)
{
    return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

/* One line of samples on path isa against the reference (into an
 * unaligned output), to the last bit. */
static void check_line(aoi_isa isa, const aoi__sample_src *src, double x0, double y0, double dx,
                       double dy, double cx, double cy, int n)
{
    float ref[3 * 128], got[3 * 128 + 1];
    cr_assert(n > 0 && n <= 128);
    aoi__sample_row_isa(AOI_ISA_SCALAR, src, x0, y0, dx, dy, cx, cy, n, ref);
    cr_assert_eq(aoi__sample_row_isa(isa, src, x0, y0, dx, dy, cx, cy, n, got + 1), 0);
    for (int j = 0; j < n; j++)
        cr_assert(same_float(got[3 * j + 1], ref[3 * j]) && same_float(got[3 * j + 2], ref[3 * j + 1]) &&
                      same_float(got[3 * j + 3], ref[3 * j + 2]),
                  "%s bpp %d %dx%d sample %d of %d at ((%g + j*%g) + %g, (%g + j*%g) + %g): "
                  "(%a %a %a) vs (%a %a %a)",
                  aoi_isa_name(isa), src->bpp, src->width, src->height, j, n, x0, dx, cx, y0, dy, cy,
                  (double)got[3 * j + 1], (double)got[3 * j + 2], (double)got[3 * j + 3],
                  (double)ref[3 * j], (double)ref[3 * j + 1], (double)ref[3 * j + 2]);
}

/* A frame of random bytes, exactly stride * h of them (a read past its end
 * is an error under the sanitizers) at mis bytes past an allocation: the
 * allocation in *buf. */
static uint8_t *random_frame(size_t stride, int h, int mis, uint32_t *seed, uint8_t **buf)
{
    *buf = malloc(stride * (size_t)h + (size_t)mis);
    cr_assert_not_null(*buf);
    uint8_t *img = *buf + mis;
    for (size_t i = 0; i < stride * (size_t)h; i++)
        img[i] = (uint8_t)lcg(seed);
    return img;
}

/* Rows of samples across frames of every layout, leaving the frame at
 * either end, near its right and bottom edges, at odd lengths: every path
 * gives the reference's bits. */
Test(simd, strip_sampler_every_isa_matches_scalar)
{
    static const int bpps[] = {1, 3, 4, 4};
    static const int offs[][3] = {{0, 0, 0}, {2, 1, 0}, {0, 1, 2}, {3, 2, 1}};
    int tested = 0;
    uint32_t seed = 12345;
    for (int isa = AOI_ISA_SSE41; isa < AOI_ISA_COUNT; isa++) {
        if (!aoi_simd_supported((aoi_isa)isa))
            continue;
        for (int f = 0; f < 4; f++)
            for (int w = 5; w <= 77; w += 24) {
                int h = 9 + w % 7, bpp = bpps[f], pad = (w + f) % 5, mis = (w + isa) % 3;
                size_t stride = (size_t)w * (size_t)bpp + (size_t)pad;
                uint8_t *buf, *img = random_frame(stride, h, mis, &seed, &buf);
                aoi__sample_src src = {img, stride, w, h, bpp, {offs[f][0], offs[f][1], offs[f][2]},
                                       {1.0f, 0.8f + 0.1f * f, 1.3f}};
                for (int line = 0; line < 40; line++) {
                    int n = 1 + (int)(lcg(&seed) % 97);
                    double x0 = (double)(lcg(&seed) % 2000) / 2000.0 * (w + 4) - 2;
                    double y0 = (double)(lcg(&seed) % 2000) / 2000.0 * (h + 2) - 1;
                    double dx = ((double)(lcg(&seed) % 2000) / 1000.0 - 1) * 0.9;
                    double dy = ((double)(lcg(&seed) % 2000) / 1000.0 - 1) * 0.3;
                    /* The offset added last (a patch sampled along w). */
                    double cx = line % 3 ? 0 : (double)(lcg(&seed) % 1000) / 1000.0 - 0.5;
                    double cy = line % 3 ? 0 : (double)(lcg(&seed) % 1000) / 1000.0 - 0.5;
                    check_line((aoi_isa)isa, &src, x0, y0, dx, dy, cx, cy, n);
                }
                free(buf);
                tested++;
            }
    }
    if (!tested)
        cr_skip_test("no SIMD path on this CPU");
}

/* Rows at a pixel a sample along the frame's rows, either way, slightly
 * tilted (strips at rotations 0 and 180: the AVX2 path loads such runs
 * instead of gathering them), up to the frame's left and right ends. */
Test(simd, strip_sampler_runs_along_rows_match_scalar)
{
    static const int bpps[] = {1, 3, 4};
    static const int offs[][3] = {{0, 0, 0}, {2, 1, 0}, {3, 2, 1}};
    static const double steps[] = {1.0,  0.99995,  1.00007,  0.9993,
                                   -1.0, -0.99995, -1.00007, -0.9993};
    int tested = 0;
    uint32_t seed = 777;
    for (int isa = AOI_ISA_SSE41; isa < AOI_ISA_COUNT; isa++) {
        if (!aoi_simd_supported((aoi_isa)isa))
            continue;
        for (int f = 0; f < 3; f++)
            for (int w = 9; w <= 61; w += 13) {
                int h = 5 + w % 3, bpp = bpps[f], mis = (w + f) % 4;
                size_t stride = (size_t)w * (size_t)bpp + (size_t)(w % 3);
                uint8_t *buf, *img = random_frame(stride, h, mis, &seed, &buf);
                aoi__sample_src src = {img,
                                       stride,
                                       w,
                                       h,
                                       bpp,
                                       {offs[f][0], offs[f][1], offs[f][2]},
                                       {1.1f, 0.9f, 1.2f}};
                for (int line = 0; line < 64; line++) {
                    double dx = steps[line % 8], dy = (line / 8 % 3 - 1) * 0.0125 * (line % 5);
                    double y0 = (double)(lcg(&seed) % 1000) / 1000.0 * (h - 1.2);
                    /* From the left end rightwards, from the right end leftwards, and in
                     * between, at every fraction of a pixel. */
                    double x0 = dx > 0 ? (line / 24) * 0.37 + (double)(lcg(&seed) % 4)
                                       : w - 1.01 - (line / 24) * 0.37 - (double)(lcg(&seed) % 4);
                    int n = 1 + (int)(lcg(&seed) % (unsigned)w);
                    double cx = line % 2 ? 0 : 0.123456789 * (line % 7) - 0.4,
                           cy = line % 2 ? 0 : -0.0987654321 * (line % 5);
                    check_line((aoi_isa)isa, &src, x0, y0, dx, dy, cx, cy, n);
                }
                free(buf);
                tested++;
            }
    }
    if (!tested)
        cr_skip_test("no SIMD path on this CPU");
}

/* Soft solder membership of feature runs at odd lengths and unaligned
 * starts, with unsampled (NAN) features, a missing (NAN) reference and
 * features at the weights' ends: every path returns the reference's sum,
 * exactly. */
Test(simd, wet_sum_every_isa_matches_scalar)
{
    float buf[3 * 203 + 1];
    uint32_t seed = 4242;
    int tested = 0;
    for (int trial = 0; trial < 60; trial++) {
        float ref[6][3];
        for (int r = 0; r < 6; r++)
            ref[r][0] = 2.5f + (float)(lcg(&seed) % 1000) / 400.0f,
            ref[r][1] = (float)(lcg(&seed) % 1000) / 2500.0f,
            ref[r][2] = (float)(lcg(&seed) % 1000) / 2500.0f;
        if (trial % 5 == 1)
            ref[1][0] = ref[1][1] = ref[1][2] = NAN; /* no bare pad in view */
        if (trial % 7 == 3)
            ref[3][0] = ref[3][1] = ref[3][2] = NAN;
        int mis = trial % 2, n = (int)(lcg(&seed) % 203);
        float *f = buf + mis;
        for (int j = 0; j < n; j++) {
            /* Mostly between the references (weights strictly inside 0..1),
             * some on one of them, some unsampled. */
            int r = (int)(lcg(&seed) % 6);
            float t = (float)(lcg(&seed) % 1000) / 1000.0f;
            for (int c = 0; c < 3; c++)
                f[3 * j + c] = ref[r][c] * t + ref[(r + 3) % 6][c] * (1 - t);
            if (lcg(&seed) % 9 == 0)
                f[3 * j] = NAN, f[3 * j + 1] = f[3 * j + 2] = 0;
            if (lcg(&seed) % 11 == 0)
                memcpy(&f[3 * j], ref[r], sizeof ref[r]);
        }
        double want = aoi__wet_sum_isa(AOI_ISA_SCALAR, f, n, (const float(*)[3])ref, 0.3f);
        cr_assert(isfinite(want) && want >= 0 && want <= n);
        for (int isa = AOI_ISA_SSE41; isa < AOI_ISA_COUNT; isa++) {
            if (!aoi_simd_supported((aoi_isa)isa))
                continue;
            double got = aoi__wet_sum_isa((aoi_isa)isa, f, n, (const float(*)[3])ref, 0.3f);
            cr_assert(got == want, "%s n %d: %a vs %a", aoi_isa_name((aoi_isa)isa), n, got, want);
            tested++;
        }
    }
    /* The ends: on a solder reference 1, on a metal one 0, unsampled 0. */
    float ref[6][3] = {{3, .3f, .3f},   {3.2f, .3f, .35f}, {4, .2f, .5f},
                       {5, .33f, .33f}, {4, .33f, .33f},   {2, .3f, .3f}};
    float one[3] = {5, .33f, .33f}, none[3] = {3, .3f, .3f}, nan3[3] = {NAN, 0, 0};
    cr_expect(aoi__wet_sum_isa(AOI_ISA_SCALAR, one, 1, (const float(*)[3])ref, 0.3f) == 1.0);
    cr_expect(aoi__wet_sum_isa(AOI_ISA_SCALAR, none, 1, (const float(*)[3])ref, 0.3f) == 0.0);
    cr_expect(aoi__wet_sum_isa(AOI_ISA_SCALAR, nan3, 1, (const float(*)[3])ref, 0.3f) == 0.0);
    if (!tested)
        cr_skip_test("no SIMD path on this CPU");
}

/* A patch sampled line by line along u (x0 + i xw as the line's start, then
 * j xu) and column by column along w (x0 + i xw, then j xu added last)
 * gives the same bits: the inspection samples along whichever axis runs
 * along the frame's rows. */
Test(simd, strip_sampler_rows_and_columns_agree)
{
    enum { W = 83, H = 71, NU = 37, NW = 23 };
    static uint8_t img[W * 3 * H];
    uint32_t seed = 99;
    for (size_t i = 0; i < sizeof img; i++)
        img[i] = (uint8_t)lcg(&seed);
    aoi__sample_src src = {img, W * 3, W, H, 3, {0, 1, 2}, {1.0f, 1.1f, 0.9f}};
    for (int t = 0; t < 20; t++) {
        double th =
            ((double)(lcg(&seed) % 1000) / 1000.0 - 0.5) * 0.1 + (t % 2 ? 1.5707963 : -1.5707963);
        double xu = cos(th), yu = sin(th), xw = -sin(th), yw = cos(th);
        double x0 = 30 + (double)(lcg(&seed) % 1000) / 100.0,
               y0 = 15 + (double)(lcg(&seed) % 1000) / 100.0;
        if (yu < 0)
            y0 += 40;
        float byrow[NW][NU][3], col[NW][3];
        for (int i = 0; i < NW; i++)
            aoi__sample_row(&src, x0 + i * xw, y0 + i * yw, xu, yu, 0, 0, NU, &byrow[i][0][0]);
        for (int j = 0; j < NU; j++) {
            aoi__sample_row(&src, x0, y0, xw, yw, j * xu, j * yu, NW, &col[0][0]);
            for (int i = 0; i < NW; i++)
                for (int c = 0; c < 3; c++)
                    cr_assert(same_float(col[i][c], byrow[i][j][c]),
                              "t %d sample (%d, %d) channel %d", t, j, i, c);
        }
    }
}

Test(simd, strip_sampler_reference_values)
{
    /* A flat grey 4x4 frame: L = log(v + 8) within the table's 2e-6, grey
     * chromaticity v / (3v + 24); outside the frame, NAN. */
    uint8_t img[16];
    memset(img, 100, sizeof img);
    aoi__sample_src src = {img, 4, 4, 4, 1, {0, 0, 0}, {1, 1, 1}};
    float f[9];
    cr_assert_eq(aoi__sample_row_isa(AOI_ISA_SCALAR, &src, 1.25, 1.5, 1.0, 0, 0, 0, 3, f), 0);
    cr_expect(fabsf(f[0] - logf(108.0f)) < 2e-6f, "%g", (double)f[0]);
    cr_expect(fabsf(f[1] - 100.0f / 324.0f) < 1e-7f && f[1] == f[2]);
    cr_expect(!isnan(f[3]), "x = 2.25 is inside (pixels 2 and 3)");
    cr_expect(isnan(f[6]), "x = 3.25 needs pixel 4");
    /* The table's log against logf over the features' whole range. */
    const float *tab = aoi__log_table();
    for (float x = 8; x < 2000; x *= 1.0173f)
        cr_expect(fabsf(aoi__fast_log(tab, x) - logf(x)) < 2.5e-6f, "log(%g)", (double)x);
}

/* The registration's line sampler: bilinear in the map's pixels, scaled by
 * unit, at positions given in the frame (the map's origin subtracted). */
Test(simd, line_sampler_reference_values)
{
    /* A 3 x 2 map at frame pixel (10, 20): rows 0 100 200 / 30 130 230. */
    const uint16_t d[6] = {0, 100, 200, 30, 130, 230};
    const aoi__dmap m = {d, 3, 10, 20, 3.0};
    double v[3];
    /* From (10.25, 20.5) along x by 0.5: 3 * (25 + 15), 3 * (75 + 15), 3 * (125 + 15). */
    cr_assert_eq(aoi__dline_isa(AOI_ISA_SCALAR, &m, 11.25, 20.5, 1, 0, -1.0, 0.5, 3, v), 0);
    cr_expect(fabs(v[0] - 120) < 1e-9 && fabs(v[1] - 270) < 1e-9 && fabs(v[2] - 420) < 1e-9,
              "%g %g %g", v[0], v[1], v[2]);
}

/* Lines in every direction across maps of odd widths at unaligned
 * addresses, ending near the map's right and bottom edges, at odd lengths:
 * every path gives the reference's bits. */
Test(simd, line_sampler_every_isa_matches_scalar)
{
    static const int widths[] = {2, 5, 33, 101};
    uint32_t seed = 7;
    int tested = 0;
    for (size_t wi = 0; wi < sizeof widths / sizeof *widths; wi++) {
        const int mw = widths[wi], mh = 3 + (int)wi * 7, mx0 = 17 * (int)wi, my0 = 5 + (int)wi;
        /* Exactly mw * mh words, one word past an allocation's start. */
        uint16_t *buf = malloc(sizeof *buf * ((size_t)mw * mh + 1)), *d = buf + 1;
        cr_assert_not_null(buf);
        for (int i = 0; i < mw * mh; i++)
            d[i] = (uint16_t)(lcg(&seed) % 766);
        const aoi__dmap m = {d, (size_t)mw, mx0, my0, wi % 2 ? 3.0 : 1.0};
        for (int trial = 0; trial < 200; trial++) {
            /* Ends inside [mx0, mx0 + mw - 1) x [my0, my0 + mh - 1), a margin
             * off so that rounding cannot carry a sample out. */
            double ax = mx0 + 1e-3 + (mw - 1 - 2e-3) * (lcg(&seed) % 1000) / 999.0;
            double ay = my0 + 1e-3 + (mh - 1 - 2e-3) * (lcg(&seed) % 1000) / 999.0;
            double bx = mx0 + 1e-3 + (mw - 1 - 2e-3) * (lcg(&seed) % 1000) / 999.0;
            double by = my0 + 1e-3 + (mh - 1 - 2e-3) * (lcg(&seed) % 1000) / 999.0;
            if (trial % 7 == 0) /* near the bottom-right corner */
                bx = mx0 + mw - 1 - 1e-3, by = my0 + mh - 1 - 1e-3;
            const int n = 1 + (int)(lcg(&seed) % 37);
            const double step = trial % 3 == 0 ? 0.5 : trial % 3 == 1 ? -0.37 : 1.0;
            const double t0 = (double)(lcg(&seed) % 9) - 4;
            const double span = n > 1 ? (n - 1) * step : 1.0;
            const double nx = (bx - ax) / span, ny = (by - ay) / span;
            const double x = ax - t0 * nx, y = ay - t0 * ny;
            double ref[40], got[41];
            /* The reference itself keeps inside (else the case is skipped). */
            int inside = 1;
            for (int i = 0; i < n; i++) {
                double t = t0 + i * step, xi = x + t * nx, yi = y + t * ny;
                inside &=
                    xi >= mx0 && yi >= my0 && (int)xi + 1 < mx0 + mw && (int)yi + 1 < my0 + mh;
            }
            if (!inside)
                continue;
            aoi__dline_isa(AOI_ISA_SCALAR, &m, x, y, nx, ny, t0, step, n, ref);
            for (int isa = AOI_ISA_SSE41; isa < AOI_ISA_COUNT; isa++) {
                if (aoi__dline_isa((aoi_isa)isa, &m, x, y, nx, ny, t0, step, n, got + 1) < 0)
                    continue;
                for (int i = 0; i < n; i++)
                    cr_assert(memcmp(&got[i + 1], &ref[i], sizeof ref[i]) == 0,
                              "%s map %dx%d sample %d of %d: %a vs %a", aoi_isa_name((aoi_isa)isa),
                              mw, mh, i, n, got[i + 1], ref[i]);
                tested++;
            }
        }
        free(buf);
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
    const uint8_t colour[4] = {0, 0, 0, 0};
    uint16_t d[4];
    cr_expect_eq(aoi_colour_dist(b, 4, 1, 16, 2, 0, colour, d, 4), -1);
    cr_expect(strstr(aoi_errmsg(), "bad arguments") != NULL, "%s", aoi_errmsg());
    cr_expect_eq(aoi_colour_dist(b, 4, 1, 16, 4, 1, colour, d, 4), -1);
    cr_expect_eq(aoi_colour_dist(b, 4, 1, 16, 4, 3, colour, d, 3), -1);
    cr_expect_eq(aoi_edge_energy(b, 4, 2, 3, o, 4), -1); /* stride below the width */
    cr_expect(strstr(aoi_errmsg(), "bad arguments") != NULL, "%s", aoi_errmsg());
    cr_expect_eq(aoi_edge_energy(b, 4, 2, 4, o, 3), -1);
    cr_expect_eq(aoi_edge_energy(NULL, 4, 2, 4, o, 4), -1);
}

Test(simd, env_forces_scalar)
{
    const char *env = getenv("AOI_SIMD");
    if (env && strcmp(env, "scalar") == 0)
        cr_expect_eq(aoi_simd_isa(), AOI_ISA_SCALAR);
    else
        cr_expect(aoi_simd_supported(aoi_simd_isa()));
}
