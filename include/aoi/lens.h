/* aoi/lens.h - the camera's lens model (OpenCV's: camera matrix, radial k1 k2
 * k3, tangential p1 p2) and undistortion of frame regions.
 *
 * "Ideal" pixels are where a point would be seen through a distortion-free
 * lens with the same camera matrix; "distorted" pixels are where the camera
 * sees it (the raw frame).  An undistorter holds a remap table for one frame
 * size, computed once: the distorted position of every 8th ideal pixel,
 * interpolated bilinearly between nodes (error below 0.001 px for the
 * distortions of machine-vision lenses; tests/test_calib.c measures it). */
#ifndef AOI_LENS_H
#define AOI_LENS_H

#include "aoi/export.h"
#include "aoi/image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double fx, fy, cx, cy;     /* camera matrix (px) */
    double k1, k2, p1, p2, k3; /* distortion, OpenCV's order and meaning */
} aoi_lens;

/* Ideal pixel -> distorted pixel. */
AOI_API void aoi_lens_distort(const aoi_lens *l, double xu, double yu, double *xd, double *yd);
/* Distorted pixel -> ideal pixel (iterative inverse); -1 when it does not
 * converge to 0.001 px (distortion too strong there). */
AOI_API int aoi_lens_undistort_point(const aoi_lens *l, double xd, double yd, double *xu,
                                     double *yu);
/* Largest displacement between ideal and distorted pixels over a w x h frame
 * (px), sampled on a 33 x 33 grid that includes the borders. */
AOI_API double aoi_lens_max_shift(const aoi_lens *l, int w, int h);
/* Checks the values are usable (finite, positive focal lengths, principal
 * point inside the frame, displacement below a tenth of the frame). */
AOI_API int aoi_lens_check(const aoi_lens *l, int w, int h);

typedef struct aoi_undistorter aoi_undistorter;

/* Remap table for w x h frames. */
AOI_API aoi_undistorter *aoi_undistorter_new(const aoi_lens *l, int w, int h);
AOI_API void aoi_undistorter_free(aoi_undistorter *u);
/* Distorted position of an ideal pixel, from the table. */
AOI_API void aoi_undistorter_map(const aoi_undistorter *u, double xu, double yu, double *xd,
                                 double *yd);
/* Fills dst (caller's buffer, same format as src, any size and stride) with
 * the ideal image from ideal pixel (x0, y0) on: dst(x, y) = src at the
 * distorted position of (x0 + x, y0 + y), bilinear; 0 outside src.  src must
 * be the table's frame size. */
AOI_API int aoi_undistort_region(const aoi_undistorter *u, const aoi_image *src, int x0, int y0,
                                 aoi_image *dst);

#ifdef __cplusplus
}
#endif

#endif
