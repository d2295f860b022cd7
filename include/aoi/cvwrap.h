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

/* Finds the inner corners of a chessboard with cols x rows inner corners
 * (cv::findChessboardCorners, on a reduced copy when the frame is large,
 * then cv::cornerSubPix at full resolution).  xy receives cols * rows (x, y)
 * pairs in OpenCV's order; *found is 0 when the board is not seen (not an
 * error). */
AOI_API int aoi_cv_find_chessboard(const uint8_t *img, int w, int h, size_t stride, int cols,
                                   int rows, double *xy, int *found);

/* Same for a symmetric grid of cols x rows circles (cv::findCirclesGrid):
 * dark on a light ground, or light on a dark one; centres in xy. */
AOI_API int aoi_cv_find_circles(const uint8_t *img, int w, int h, size_t stride, int cols,
                                int rows, double *xy, int *found);

/* cv::calibrateCamera over nviews views of the same npts planar points
 * (obj: npts (X, Y) pairs, Z = 0; img: nviews * npts (x, y) pairs).  K (row
 * major 3x3) is the starting camera matrix and is kept (a top-view station
 * sees a flat target square on, where focal length and distance cannot be
 * told apart); dist receives k1 k2 p1 p2 k3 (k3 and, unless tangential is
 * set, p1 p2 held at 0); *rms the reprojection error (px); err_views (may be
 * NULL) each view's RMS. */
AOI_API int aoi_cv_calibrate(int nviews, int npts, const double *obj, const double *img, int w,
                             int h, const double K[9], int tangential, double dist[5],
                             double *rms, double *err_views);

/* cv::undistortPoints back into pixels (P = K): a reference for the
 * library's own lens model. */
AOI_API int aoi_cv_undistort_points(const double K[9], const double dist[5], int n,
                                    const double *in, double *out);

#ifdef __cplusplus
}
#endif

#endif
