/* image_internal.h - codec entry points shared inside src/io (not installed). */
#ifndef AOI_IMAGE_INTERNAL_H
#define AOI_IMAGE_INTERNAL_H

#include "aoi/image.h"

int aoi__jpeg_read(const char *path, aoi_format fmt, size_t max_pixels, aoi_image *out);
int aoi__png_read(const char *path, aoi_format fmt, size_t max_pixels, aoi_image *out);

/* *out = a * b * c, or -1 on overflow. */
int aoi__checked_size(size_t a, size_t b, size_t c, size_t *out);

/* Tight RGB or GRAY8 copy of any view (allocated into out). */
int aoi__image_to_packed(const aoi_image *img, aoi_format want, aoi_image *out);

/* Half-size copy by 2 x 2 box means, same format, into *out, which is
 * (re)allocated when its size or format does not fit. */
int aoi__image_half(const aoi_image *src, aoi_image *out);

#endif
