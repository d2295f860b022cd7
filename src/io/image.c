/* image.c - image views: formats, checked allocation, reading by content. */
#include "aoi/image.h"
#include "core/error_internal.h"
#include "io/image_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIDE 65536

int aoi_format_bpp(aoi_format f)
{
    switch (f) {
    case AOI_FMT_GRAY8: return 1;
    case AOI_FMT_RGB:
    case AOI_FMT_BGR: return 3;
    case AOI_FMT_RGBX:
    case AOI_FMT_BGRX:
    case AOI_FMT_XRGB:
    case AOI_FMT_XBGR: return 4;
    default: return 0;
    }
}

const char *aoi_format_name(aoi_format f)
{
    static const char *const names[AOI_FMT_COUNT] = {"GRAY8", "RGB",  "BGR", "RGBx",
                                                     "BGRx",  "xRGB", "xBGR"};
    return (unsigned)f < AOI_FMT_COUNT ? names[f] : "unknown";
}

void aoi_format_rgb_offsets(aoi_format f, int *r, int *g, int *b)
{
    static const int off[AOI_FMT_COUNT][3] = {
        {0, 0, 0}, {0, 1, 2}, {2, 1, 0}, {0, 1, 2}, {2, 1, 0}, {1, 2, 3}, {3, 2, 1},
    };
    int i = (unsigned)f < AOI_FMT_COUNT ? (int)f : 0;
    *r = off[i][0];
    *g = off[i][1];
    *b = off[i][2];
}

int aoi_image_check(const aoi_image *img)
{
    int bpp;
    if (!img || !img->data)
        return aoi__error("image has no pixel data");
    bpp = aoi_format_bpp(img->format);
    if (!bpp)
        return aoi__error("unknown pixel format %d", (int)img->format);
    if (img->width <= 0 || img->height <= 0 || img->width > MAX_SIDE || img->height > MAX_SIDE)
        return aoi__error("bad image size %dx%d", img->width, img->height);
    if (img->stride < (size_t)img->width * (size_t)bpp)
        return aoi__error("stride %zu is less than width %d x %d bytes per pixel", img->stride,
                          img->width, bpp);
    return 0;
}

int aoi__checked_size(size_t a, size_t b, size_t c, size_t *out)
{
    if (a && b > SIZE_MAX / a)
        return -1;
    if (a != 0 && b != 0 && c > SIZE_MAX / (a * b))
        return -1;
    *out = a * b * c;
    return 0;
}

int aoi_image_alloc(aoi_image *img, int w, int h, aoi_format fmt)
{
    int bpp = aoi_format_bpp(fmt);
    size_t stride, bytes;
    memset(img, 0, sizeof *img);
    if (!bpp)
        return aoi__error("aoi_image_alloc(): unknown pixel format %d", (int)fmt);
    if (w <= 0 || h <= 0 || w > MAX_SIDE || h > MAX_SIDE)
        return aoi__error("aoi_image_alloc(): bad size %dx%d (1..%d per side)", w, h, MAX_SIDE);
    stride = ((size_t)w * (size_t)bpp + 31) & ~(size_t)31;
    if (aoi__checked_size(stride, (size_t)h, 1, &bytes) < 0)
        return aoi__error("aoi_image_alloc(): %dx%d overflows", w, h);
    img->data = aligned_alloc(32, bytes);
    if (!img->data)
        return aoi__error("aoi_image_alloc(): out of memory for %dx%d (%zu bytes)", w, h, bytes);
    memset(img->data, 0, bytes);
    img->width = w;
    img->height = h;
    img->stride = stride;
    img->format = fmt;
    return 0;
}

void aoi_image_free(aoi_image *img)
{
    if (!img)
        return;
    free(img->data);
    memset(img, 0, sizeof *img);
}

int aoi_image_read(const char *path, aoi_format fmt, size_t max_pixels, aoi_image *out)
{
    unsigned char magic[8] = {0};
    size_t got;
    FILE *f;

    memset(out, 0, sizeof *out);
    if (fmt != AOI_FMT_RGB && fmt != AOI_FMT_GRAY8)
        return aoi__error("%s: can only decode to RGB or GRAY8", path);
    if (!max_pixels)
        max_pixels = AOI_DEFAULT_MAX_PIXELS;
    f = fopen(path, "rb");
    if (!f)
        return aoi__error("%s: cannot open: %s", path, strerror(errno));
    got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    if (got == 0)
        return aoi__error("%s: empty file (0 bytes)", path);
    if (got >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF)
        return aoi__jpeg_read(path, fmt, max_pixels, out);
    if (got == 8 && memcmp(magic, "\x89PNG\r\n\x1a\n", 8) == 0)
        return aoi__png_read(path, fmt, max_pixels, out);
    return aoi__error("%s: not a JPEG or PNG file", path);
}

/* Packs any format into a tight RGB or GRAY8 copy for the encoders. */
int aoi__image_to_packed(const aoi_image *img, aoi_format want, aoi_image *out)
{
    int ro, go, bo, bpp;
    if (aoi_image_check(img) < 0 || aoi_image_alloc(out, img->width, img->height, want) < 0)
        return -1;
    bpp = aoi_format_bpp(img->format);
    aoi_format_rgb_offsets(img->format, &ro, &go, &bo);
    for (int y = 0; y < img->height; y++) {
        const uint8_t *s = img->data + (size_t)y * img->stride;
        uint8_t *d = out->data + (size_t)y * out->stride;
        for (int x = 0; x < img->width; x++, s += bpp) {
            if (want == AOI_FMT_GRAY8) {
                d[x] = bpp == 1 ? s[0] : (uint8_t)((77 * s[ro] + 150 * s[go] + 29 * s[bo] + 128) >> 8);
            } else {
                d[3 * x] = s[ro];
                d[3 * x + 1] = s[go];
                d[3 * x + 2] = s[bo];
            }
        }
    }
    return 0;
}

int aoi__image_half(const aoi_image *src, aoi_image *out)
{
    int w = src->width / 2, h = src->height / 2, bpp = aoi_format_bpp(src->format);
    if (aoi_image_check(src) < 0)
        return -1;
    if (w < 1 || h < 1)
        return aoi__error("image %dx%d is too small to halve", src->width, src->height);
    if (!out->data || out->width != w || out->height != h || out->format != src->format) {
        aoi_image_free(out);
        if (aoi_image_alloc(out, w, h, src->format) < 0)
            return -1;
    }
    for (int y = 0; y < h; y++) {
        const uint8_t *a = src->data + (size_t)(2 * y) * src->stride, *b = a + src->stride;
        uint8_t *o = out->data + (size_t)y * out->stride;
        for (int x = 0; x < w * bpp; x++) {
            int i = x / bpp * 2 * bpp + x % bpp;
            o[x] = (uint8_t)((a[i] + a[i + bpp] + b[i] + b[i + bpp] + 2) >> 2);
        }
    }
    return 0;
}
