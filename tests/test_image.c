/* test_image.c - the batch fast path's partial JPEG decodes: reduced scale,
 * regions, pixel limits, bad files. */
#include "aoi/error.h"
#include "aoi/image.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[] = "/tmp/f4saoi-img-XXXXXX";

/* A 517 x 389 JPEG of a smooth pattern. */
static void setup(void)
{
    aoi_image img;
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    cr_assert_eq(aoi_image_alloc(&img, 517, 389, AOI_FMT_RGB), 0);
    for (int y = 0; y < img.height; y++)
        for (int x = 0; x < img.width; x++) {
            uint8_t *p = img.data + (size_t)y * img.stride + 3 * (size_t)x;
            p[0] = (uint8_t)(x / 3), p[1] = (uint8_t)(y / 2), p[2] = (uint8_t)((x + y) / 4);
        }
    cr_assert_eq(aoi_image_write_jpeg(&img, path, 95, 0), 0, "%s", aoi_errmsg());
    aoi_image_free(&img);
}

static void teardown(void)
{
    unlink(path);
}

TestSuite(image, .init = setup, .fini = teardown);

Test(image, scaled_decode_sizes_and_default_limit)
{
    aoi_image s;
    int w, h;
    /* 0 means the default limit, as for aoi_image_read(). */
    cr_assert_eq(aoi_image_read_jpeg_scaled(path, 4, 0, &s, &w, &h), 0, "%s", aoi_errmsg());
    cr_expect(w == 517 && h == 389, "%dx%d", w, h);
    cr_expect(s.width == (517 + 3) / 4 && s.height == (389 + 3) / 4, "%dx%d", s.width, s.height);
    /* Roughly the same picture: the pattern's red ramp at a quarter of x. */
    uint8_t r = s.data[(size_t)(s.height / 2) * s.stride + 3 * (size_t)(s.width / 2)];
    cr_expect(abs(r - (s.width / 2 * 4) / 3) <= 4, "red %d", r);
    aoi_image_free(&s);
    cr_expect_eq(aoi_image_read_jpeg_scaled(path, 4, 1000, &s, &w, &h), -1);
    cr_expect(strstr(aoi_errmsg(), "beyond the limit") != NULL, "%s", aoi_errmsg());
    cr_expect_eq(aoi_image_read_jpeg_scaled(path, 3, 0, &s, &w, &h), -1);
    cr_expect(strstr(aoi_errmsg(), "1/3") != NULL, "%s", aoi_errmsg());
}

Test(image, region_decode_matches_the_full_decode)
{
    aoi_image full, reg;
    int ox, oy;
    cr_assert_eq(aoi_image_read(path, AOI_FMT_RGB, 0, &full), 0, "%s", aoi_errmsg());
    cr_assert_eq(aoi_image_read_jpeg_region(path, 101, 57, 203, 111, &reg, &ox, &oy), 0, "%s",
                 aoi_errmsg());
    cr_expect(ox <= 101 && oy <= 57 && ox + reg.width >= 304 && oy + reg.height >= 168,
              "region %d,%d %dx%d", ox, oy, reg.width, reg.height);
    int bad = 0;
    for (int y = 0; y < reg.height; y++)
        for (int x = 0; x < 3 * reg.width; x++)
            bad += abs(reg.data[(size_t)y * reg.stride + x] -
                       full.data[(size_t)(y + oy) * full.stride + 3 * (size_t)ox + x]) > 2;
    cr_expect_eq(bad, 0, "%d samples differ", bad);
    aoi_image_free(&full);
    aoi_image_free(&reg);
}

Test(image, truncated_file_is_an_error)
{
    FILE *f = fopen(path, "r+b");
    cr_assert(f);
    cr_assert_eq(ftruncate(fileno(f), 300), 0);
    fclose(f);
    aoi_image s;
    int w, h;
    cr_expect_eq(aoi_image_read_jpeg_scaled(path, 2, 0, &s, &w, &h), -1);
    cr_expect(strstr(aoi_errmsg(), path) != NULL, "%s", aoi_errmsg());
}
