/* aoi/image.h - 8-bit frames with explicit strides; JPEG/PNG files.
 *
 * An aoi_image is a view: data, size, stride in bytes and pixel format.  Views
 * made by aoi_image_alloc() or aoi_image_read() own their data and are released
 * with aoi_image_free(); views made by the caller over their own buffers are
 * never freed by the library. */
#ifndef AOI_IMAGE_H
#define AOI_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#include "aoi/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AOI_FMT_GRAY8 = 0,
    AOI_FMT_RGB,
    AOI_FMT_BGR,
    AOI_FMT_RGBX,
    AOI_FMT_BGRX,
    AOI_FMT_XRGB,
    AOI_FMT_XBGR,
    AOI_FMT_COUNT
} aoi_format;

typedef struct {
    uint8_t *data;
    int width, height;
    size_t stride;     /* bytes from one row to the next, >= width * bytes per pixel */
    aoi_format format;
} aoi_image;

/* Bytes per pixel of a format (1, 3 or 4), 0 for an unknown one. */
AOI_API int aoi_format_bpp(aoi_format fmt);
AOI_API const char *aoi_format_name(aoi_format fmt);

/* Byte offsets of R, G, B inside a pixel (all 0 for GRAY8). */
AOI_API void aoi_format_rgb_offsets(aoi_format fmt, int *r, int *g, int *b);

/* Checks that a view is usable: non-NULL data, positive size, stride wide enough. */
AOI_API int aoi_image_check(const aoi_image *img);

/* Allocates a zeroed image with 32-byte aligned rows.  Sizes are checked
 * before allocating (overflow, 64 Ki per side). */
AOI_API int aoi_image_alloc(aoi_image *img, int width, int height, aoi_format fmt);
AOI_API void aoi_image_free(aoi_image *img);

/* Default limit of aoi_image_read() in pixels (25 Mpx as in the imaging
 * contract, with room): 40 Mpx. */
#define AOI_DEFAULT_MAX_PIXELS (40u * 1000u * 1000u)

/* Reads a JPEG or PNG file (recognised by its content, not its name) as RGB or
 * GRAY8 (fmt).  Files whose header declares more than max_pixels pixels are
 * refused before any pixel is decoded; 0 means AOI_DEFAULT_MAX_PIXELS.
 * Zero-byte, truncated and corrupt files fail with a message naming the file. */
AOI_API int aoi_image_read(const char *path, aoi_format fmt, size_t max_pixels, aoi_image *out);

/* The batch fast path's partial JPEG decodes (RGB).  Scaled: the whole frame
 * at 1/denom (1, 2, 4 or 8) of its size by DCT scaling; *full_w, *full_h get
 * the full size (max_pixels applies to it; 0: AOI_DEFAULT_MAX_PIXELS).  Region: only [x0, x0+w) x [y0, y0+h) at full resolution
 * (clipped to the frame; columns grown to the iMCU grid), its top-left
 * corner in the frame in *ox, *oy. */
AOI_API int aoi_image_read_jpeg_scaled(const char *path, int denom, size_t max_pixels,
                                       aoi_image *out, int *full_w, int *full_h);
AOI_API int aoi_image_read_jpeg_region(const char *path, int x0, int y0, int w, int h,
                                       aoi_image *out, int *ox, int *oy);

/* Writes RGB or GRAY8 (other formats are converted). quality 1..100;
 * subsamp444 non-zero for 4:4:4 chroma, else 4:2:0. */
AOI_API int aoi_image_write_jpeg(const aoi_image *img, const char *path, int quality,
                                 int subsamp444);
AOI_API int aoi_image_write_png(const aoi_image *img, const char *path);

#ifdef __cplusplus
}
#endif

#endif
