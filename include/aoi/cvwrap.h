/* aoi/cvwrap.h - the only door to OpenCV: plain C functions over a C++ wrapper.
 *
 * Every function catches OpenCV's exceptions at the boundary and turns them
 * into the project's error contract (-1 and aoi_errmsg()).  Images are 8-bit
 * single-channel, caller-owned, with explicit strides in bytes. */
#ifndef AOI_CVWRAP_H
#define AOI_CVWRAP_H

#include <stddef.h>
#include <stdint.h>

#include "aoi/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* OpenCV's version string, e.g. "4.6.0". */
AOI_API const char *aoi_cv_version(void);

/* Normalised cross-correlation (cv::matchTemplate, TM_CCOEFF_NORMED) of tpl
 * over img; reports the best top-left position (sub-pixel by a parabola fit
 * around the integer peak) and its score in [-1, 1].  The template must fit in
 * the image. */
AOI_API int aoi_cv_match_template(const uint8_t *img, int w, int h, size_t stride,
                                  const uint8_t *tpl, int tw, int th, size_t tstride,
                                  double *x, double *y, double *score);

#ifdef __cplusplus
}
#endif

#endif
