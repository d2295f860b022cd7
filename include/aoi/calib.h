/* aoi/calib.h - station calibration files (calib/ directory): scale in µm per
 * pixel along x and y, and what the calibration measured. */
#ifndef AOI_CALIB_H
#define AOI_CALIB_H

#include "aoi/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    double um_per_px_x, um_per_px_y;
    double rms_px;        /* reprojection error of the calibration, px (0: unknown) */
    int views;            /* number of target views used (0: unknown) */
} aoi_calib;

/* Loads {"format": "f4saoi-calibration", "version": 1, "um_per_px": [x, y],
 * ...}.  Messages name the file and field. */
AOI_API int aoi_calib_load(const char *path, aoi_calib *cal);

/* The isotropic scale the inspection uses (mean of x and y). */
AOI_API double aoi_calib_um_per_px(const aoi_calib *cal);

#ifdef __cplusplus
}
#endif

#endif
