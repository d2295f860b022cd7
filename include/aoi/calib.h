/* aoi/calib.h - station calibration: measuring scale, lens distortion and
 * colour balance from views of a calibration target, and the calibration
 * files (calib/ directory) that inspect, teach and the element read.
 *
 * The station's camera looks straight down at the board plane; the target
 * lies where boards lie and is moved (shifted, turned) between views.  Scale
 * is measured per view from the target's known pitch after undistortion (so
 * x and y are measured separately and views can be compared); the lens
 * distortion comes from cv::calibrateCamera over all views with the focal
 * length held (a square-on planar view cannot tell focal length from
 * distance; the distortion found is exact in pixels for the held value). */
#ifndef AOI_CALIB_H
#define AOI_CALIB_H

#include "aoi/export.h"
#include "aoi/image.h"
#include "aoi/lens.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { AOI_TARGET_CHESSBOARD = 0, AOI_TARGET_CIRCLES } aoi_target_kind;

/* A target: a chessboard with cols x rows inner corners ((cols + 1) x
 * (rows + 1) squares of pitch_mm), or a symmetric grid of cols x rows dark
 * circles of diameter pitch_mm / 2 at pitch_mm. */
typedef struct {
    aoi_target_kind kind;
    int cols, rows;
    double pitch_mm;
} aoi_target;

/* Parses "chessboard:COLSxROWS:PITCH" or "circles:COLSxROWS:PITCH" (pitch in mm). */
AOI_API int aoi_target_parse(const char *text, aoi_target *t);
/* Writes "chessboard:14x10:0.5" into buf. */
AOI_API void aoi_target_format(const aoi_target *t, char *buf, size_t size);
/* Writes a printable SVG of the target at true size (mm units) with a
 * quiet zone and a caption. */
AOI_API int aoi_target_write_svg(const aoi_target *t, const char *path);

#define AOI_CALIB_MAX_VIEWS 64

/* One view's measures. */
typedef struct {
    double um_per_px_x, um_per_px_y;
    double rotation_deg;       /* target x axis against the image x axis, -90..90 (a target
                                * numbered from its other end reads the same) */
    double rms_px;             /* reprojection error in this view */
} aoi_calib_view;

typedef struct {
    double um_per_px_x, um_per_px_y;
    double rms_px;             /* reprojection error of the calibration, px (0: unknown) */
    int views;                 /* number of target views used (0: unknown) */
    int width, height;         /* frame size the lens model is for (0 when has_lens is 0) */
    int has_lens;
    aoi_lens lens;
    int has_gains;
    double gain[3];            /* per-channel R, G, B gains making the white reference grey */
    double rotation_deg;       /* mean target rotation over the views, -90..90 */
    double scale_spread;       /* (max - min) / mean of the views' scales */
    aoi_calib_view view[AOI_CALIB_MAX_VIEWS];
} aoi_calib;

/* Loads {"format": "f4saoi-calibration", "version": 1, "um_per_px": [x, y],
 * ...}; camera matrix, distortion and gains are optional.  Messages name the
 * file and field. */
AOI_API int aoi_calib_load(const char *path, aoi_calib *cal);
/* Writes a calibration file; target and source strings (may be NULL) are
 * recorded with the date. */
AOI_API int aoi_calib_save(const aoi_calib *cal, const aoi_target *target, const char *path);

/* The isotropic scale the inspection uses (mean of x and y). */
AOI_API double aoi_calib_um_per_px(const aoi_calib *cal);

/* Whether the lens model moves any pixel of its frame by more than 0.05 px
 * (below that, undistortion is skipped). */
AOI_API int aoi_calib_lens_matters(const aoi_calib *cal);

/* Rejection limits. */
typedef struct {
    int min_views;             /* default 3 */
    double max_rms_px;         /* default 0.5 */
    double max_scale_spread;   /* default 0.005 (0.5 %) */
    int tangential;            /* also fit p1 p2 (default 0) */
    int no_distortion;         /* a distortion-free (telecentric) lens: scale, rotation and
                                * gains only, no lens model in the file (default 0) */
} aoi_calib_limits;

AOI_API void aoi_calib_limits_default(aoi_calib_limits *l);

typedef struct aoi_calibrator aoi_calibrator;

AOI_API aoi_calibrator *aoi_calibrator_new(const aoi_target *t);
AOI_API void aoi_calibrator_free(aoi_calibrator *c);
/* Adds one view (any format; all views the same size).  -1 with a reason when
 * the target is not found in it or the view does not fit the others. */
AOI_API int aoi_calibrator_add(aoi_calibrator *c, const aoi_image *view);
/* Colour reference: mean colour of a rectangle (pixels) in a view, or with
 * w == 0 the target's lightest cells; added up over the views.  -1 for grey
 * views or a rectangle outside the frame. */
AOI_API int aoi_calibrator_add_white(aoi_calibrator *c, const aoi_image *view, int x, int y,
                                     int w, int h);
/* Calibrates from the views added; -1 with the reason when the result fails
 * the limits (cal is still filled, for reporting). */
AOI_API int aoi_calibrator_finish(aoi_calibrator *c, const aoi_calib_limits *lim, aoi_calib *cal);

#ifdef __cplusplus
}
#endif

#endif
