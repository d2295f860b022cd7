/* png.c - PNG reading and writing through libpng (8-bit, grey or RGB). */
#include "core/error_internal.h"
#include "io/image_internal.h"

#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *path;
    char msg[256];
} png_ctx;

static void on_error(png_structp png, png_const_charp msg)
{
    png_ctx *c = png_get_error_ptr(png);
    snprintf(c->msg, sizeof c->msg, "%s", msg);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

int aoi__png_read(const char *path, aoi_format fmt, size_t max_pixels, aoi_image *out)
{
    png_ctx ctx = {path, "unknown libpng error"};
    FILE *volatile f = NULL;
    png_structp png = NULL;
    png_infop info = NULL;
    png_bytep *volatile rows = NULL;
    volatile int ret = -1;
    png_uint_32 w, h;
    int depth, ctype;

    if (!(f = fopen(path, "rb")))
        return aoi__error("%s: cannot open: %m", path);
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    if (!png || !(info = png_create_info_struct(png))) {
        aoi__error("%s: out of memory", path);
        goto bailout;
    }
    if (setjmp(png_jmpbuf(png))) {
        aoi__error("%s: corrupt or truncated PNG: %s", path, ctx.msg);
        aoi_image_free(out);
        goto bailout;
    }
    png_init_io(png, f);
    png_set_user_limits(png, 65536, 65536);
    png_read_info(png, info);
    png_get_IHDR(png, info, &w, &h, &depth, &ctype, NULL, NULL, NULL);
    if ((size_t)w * (size_t)h > max_pixels) {
        aoi__error("%s: %ux%u pixels is beyond the limit of %zu pixels", path, (unsigned)w,
                   (unsigned)h, max_pixels);
        goto bailout;
    }
    /* Normalise everything to 8-bit grey or RGB. */
    if (depth == 16)
        png_set_strip_16(png);
    if (ctype == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (ctype == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    if (ctype & PNG_COLOR_MASK_ALPHA)
        png_set_strip_alpha(png);
    png_set_strip_alpha(png);
    if (fmt == AOI_FMT_GRAY8 && (ctype & PNG_COLOR_MASK_COLOR))
        png_set_rgb_to_gray_fixed(png, 1, -1, -1);
    if (fmt == AOI_FMT_RGB && !(ctype & PNG_COLOR_MASK_COLOR))
        png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)w * (size_t)aoi_format_bpp(fmt)) {
        aoi__error("%s: unsupported PNG layout", path);
        goto bailout;
    }
    if (aoi_image_alloc(out, (int)w, (int)h, fmt) < 0) {
        aoi__error_prefix("%s", path);
        goto bailout;
    }
    if (!(rows = malloc(sizeof *rows * h))) {
        aoi__error("%s: out of memory", path);
        aoi_image_free(out);
        goto bailout;
    }
    for (png_uint_32 y = 0; y < h; y++)
        rows[y] = out->data + (size_t)y * out->stride;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    ret = 0;
bailout:
    png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
    free(rows);
    fclose(f);
    return ret;
}

int aoi_image_write_png(const aoi_image *img, const char *path)
{
    png_ctx ctx = {path, "unknown libpng error"};
    aoi_image packed = {0};
    FILE *volatile f = NULL;
    png_structp png = NULL;
    png_infop info = NULL;
    volatile int ret = -1;
    int gray = img->format == AOI_FMT_GRAY8;

    if (aoi__image_to_packed(img, gray ? AOI_FMT_GRAY8 : AOI_FMT_RGB, &packed) < 0)
        return aoi__error_prefix("%s", path);
    if (!(f = fopen(path, "wb"))) {
        aoi__error("%s: cannot create: %m", path);
        goto bailout;
    }
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, on_error, on_warning);
    if (!png || !(info = png_create_info_struct(png))) {
        aoi__error("%s: out of memory", path);
        goto bailout;
    }
    if (setjmp(png_jmpbuf(png))) {
        aoi__error("%s: PNG write failed: %s", path, ctx.msg);
        goto bailout;
    }
    png_init_io(png, f);
    png_set_compression_level(png, 6);
    png_set_IHDR(png, info, (png_uint_32)packed.width, (png_uint_32)packed.height, 8,
                 gray ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < packed.height; y++)
        png_write_row(png, packed.data + (size_t)y * packed.stride);
    png_write_end(png, NULL);
    ret = 0;
bailout:
    if (png)
        png_destroy_write_struct(&png, info ? &info : NULL);
    if (f && fclose(f) != 0 && ret == 0)
        ret = aoi__error("%s: write error: %m", path);
    aoi_image_free(&packed);
    return ret;
}
