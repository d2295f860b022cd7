/* jpeg_region.c - the batch fast path's two partial decodes (libjpeg API of
 * libjpeg-turbo): the whole frame at a reduced DCT scale (1/2, 1/4, 1/8),
 * and one rectangle at full resolution (jpeg_crop_scanline for columns,
 * jpeg_skip_scanlines for rows).  Errors never exit: libjpeg's error exit
 * longjmps back here with the message. */
#include "aoi/image.h"
#include "core/error_internal.h"
#include "core/fileio.h"

#include <stdio.h> /* before jpeglib.h, which uses FILE */

#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#define JPEG_MAX_FILE_BYTES ((size_t)1 << 30)

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
    int warnings;
} err_mgr;

static void on_error(j_common_ptr c)
{
    err_mgr *e = (err_mgr *)c->err;
    (*c->err->format_message)(c, e->msg);
    longjmp(e->jump, 1);
}

static void on_message(j_common_ptr c, int level)
{
    err_mgr *e = (err_mgr *)c->err;
    if (level < 0 && e->warnings++ == 0)
        (*c->err->format_message)(c, e->msg); /* keep the first warning (truncation etc.) */
}

typedef struct {
    struct jpeg_decompress_struct d;
    err_mgr err;
    char *buf;
    size_t len;
} decoder;

/* Reads the file and sets up error handling; the caller does the setjmp. */
static int open_decoder(decoder *dc, const char *path)
{
    memset(dc, 0, sizeof *dc);
    if (aoi__read_small_file(path, JPEG_MAX_FILE_BYTES, &dc->buf, &dc->len) < 0)
        return -1;
    if (dc->len < 4 || (unsigned char)dc->buf[0] != 0xFF || (unsigned char)dc->buf[1] != 0xD8) {
        aoi__error("%s: not a JPEG file", path);
        free(dc->buf);
        dc->buf = NULL;
        return -1;
    }
    dc->d.err = jpeg_std_error(&dc->err.pub);
    dc->err.pub.error_exit = on_error;
    dc->err.pub.emit_message = on_message;
    return 0;
}

/* After the caller's setjmp: the decompressor on the file's bytes, header read. */
static void begin(decoder *dc)
{
    jpeg_create_decompress(&dc->d);
    jpeg_mem_src(&dc->d, (const unsigned char *)dc->buf, (unsigned long)dc->len);
    jpeg_read_header(&dc->d, TRUE);
}

static void close_decoder(decoder *dc)
{
    jpeg_destroy_decompress(&dc->d);
    free(dc->buf);
    dc->buf = NULL;
}

static int read_scaled(const char *path, int denom, size_t max_pixels, aoi_image *out,
                       int *full_w, int *full_h)
{
    decoder dc;
    volatile int ret = -1; /* survives the error longjmp */
    memset(out, 0, sizeof *out);
    if (denom != 1 && denom != 2 && denom != 4 && denom != 8)
        return aoi__error("JPEG scale 1/%d is not one of 1/1, 1/2, 1/4, 1/8", denom);
    if (open_decoder(&dc, path) < 0)
        return -1;
    if (setjmp(dc.err.jump)) {
        aoi__error("%s: corrupt JPEG: %s", path, dc.err.msg);
        aoi_image_free(out);
        goto bailout;
    }
    begin(&dc);
    *full_w = (int)dc.d.image_width;
    *full_h = (int)dc.d.image_height;
    if ((size_t)*full_w * (size_t)*full_h > max_pixels) {
        aoi__error("%s: %dx%d pixels is beyond the limit of %zu pixels", path, *full_w, *full_h,
                   max_pixels);
        goto bailout;
    }
    dc.d.scale_num = 1;
    dc.d.scale_denom = (unsigned)denom;
    dc.d.out_color_space = JCS_RGB;
    jpeg_start_decompress(&dc.d);
    if (aoi_image_alloc(out, (int)dc.d.output_width, (int)dc.d.output_height, AOI_FMT_RGB) < 0)
        goto bailout;
    while (dc.d.output_scanline < dc.d.output_height) {
        JSAMPROW row = out->data + (size_t)dc.d.output_scanline * out->stride;
        jpeg_read_scanlines(&dc.d, &row, 1);
    }
    jpeg_finish_decompress(&dc.d);
    if (dc.err.warnings) {
        aoi__error("%s: truncated or damaged JPEG: %s", path, dc.err.msg);
        aoi_image_free(out);
        goto bailout;
    }
    ret = 0;
bailout:
    close_decoder(&dc);
    return ret;
}

int aoi_image_read_jpeg_scaled(const char *path, int denom, size_t max_pixels, aoi_image *out,
                               int *full_w, int *full_h)
{
    /* 0: the default limit, as aoi_image_read(). */
    return read_scaled(path, denom, max_pixels ? max_pixels : AOI_DEFAULT_MAX_PIXELS, out, full_w,
                       full_h);
}

int aoi_image_read_jpeg_region(const char *path, int x0_in, int y0_in, int w_in, int h_in,
                               aoi_image *out, int *ox, int *oy)
{
    decoder dc;
    volatile int ret = -1; /* these survive the error longjmp */
    volatile int x0 = x0_in, y0 = y0_in, w = w_in, h = h_in;
    memset(out, 0, sizeof *out);
    if (open_decoder(&dc, path) < 0)
        return -1;
    if (setjmp(dc.err.jump)) {
        aoi__error("%s: corrupt JPEG: %s", path, dc.err.msg);
        aoi_image_free(out);
        goto bailout;
    }
    begin(&dc);
    {
        int fw = (int)dc.d.image_width, fh = (int)dc.d.image_height;
        if (x0 < 0)
            w += x0, x0 = 0;
        if (y0 < 0)
            h += y0, y0 = 0;
        if (x0 + w > fw)
            w = fw - x0;
        if (y0 + h > fh)
            h = fh - y0;
        if (w <= 0 || h <= 0) {
            aoi__error("%s: region outside the %dx%d frame", path, fw, fh);
            goto bailout;
        }
    }
    dc.d.out_color_space = JCS_RGB;
    jpeg_start_decompress(&dc.d);
    JDIMENSION xoff = (JDIMENSION)x0, cw = (JDIMENSION)w;
    jpeg_crop_scanline(&dc.d, &xoff, &cw); /* grown to the iMCU grid */
    if (aoi_image_alloc(out, (int)cw, h, AOI_FMT_RGB) < 0)
        goto bailout;
    if (y0 > 0 && jpeg_skip_scanlines(&dc.d, (JDIMENSION)y0) != (JDIMENSION)y0) {
        aoi__error("%s: truncated JPEG", path);
        aoi_image_free(out);
        goto bailout;
    }
    for (int i = 0; i < h; i++) {
        JSAMPROW row = out->data + (size_t)i * out->stride;
        if (jpeg_read_scanlines(&dc.d, &row, 1) != 1) {
            aoi__error("%s: truncated JPEG", path);
            aoi_image_free(out);
            goto bailout;
        }
    }
    /* The rows below are not needed: stop without decoding them. */
    jpeg_abort_decompress(&dc.d);
    if (dc.err.warnings) {
        aoi__error("%s: truncated or damaged JPEG: %s", path, dc.err.msg);
        aoi_image_free(out);
        goto bailout;
    }
    *ox = (int)xoff;
    *oy = y0;
    ret = 0;
bailout:
    close_decoder(&dc);
    return ret;
}
