/* aoi/inspect.h - joint inspection of a registered frame: bridges, excess
 * solder, flux rise, insufficient solder, connector offset, missing part
 * (defects.md), with per-pin measures; and teaching a station model from
 * golden images.
 *
 * Thresholds are physical (mm, ratios) and come from a thresholds file
 * (models/inspection.json, each value with its reason); a job may override
 * them by name.  A station model (written by teaching) holds what one
 * station's lighting makes of each material and the nominal fillet areas; it
 * is optional: without it, appearance references are taken from the frame
 * itself (most joints of a board are good) with default priors. */
#ifndef AOI_INSPECT_H
#define AOI_INSPECT_H

#include <stddef.h>

#include "aoi/calib.h"
#include "aoi/export.h"
#include "aoi/image.h"
#include "aoi/part.h"
#include "aoi/result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Physical thresholds (defects.md). */
typedef struct {
    double overhang_mm;        /* solder beyond the pad outline (toe or side) */
    double rise_mm;            /* solder on the terminal closer than this to the body edge */
    double flux_band_mm;       /* band from the body edge in which flux on a terminal is rise */
    double flux_cover;         /* fraction of that band flux must cover */
    double flux_cover_short_band; /* ... and where the pin's solder begins within the band */
    double insufficient_ratio; /* solder area below this fraction of nominal ... */
    double area_confirm_ratio; /* ... called when the toe relief is also below this share */
    double toe_relief_ratio;   /* no toe fillet: toe relief below this share of the row's */
    double toe_wet_drop;       /* dry toe: toe zone's wetted share this far below the row's ... */
    double toe_wet_mads;       /* ... and this many of the row's deviations (MAD) below it ... */
    double dry_toe_relief_ratio; /* ... and its toe relief below this share of the row's */
    double dry_toe_area_ratio; /* ... and its wetted area below this share of the nominal */
    double covered_wet_sum;    /* toe covered by the terminal: insufficient only with the toe
                                  zone's and the side zone's wetted shares, each over its
                                  row's median, summing below this (in colour frames the
                                  same sum confirms a small wetted area), ... */
    double covered_toe_relief_ratio; /* ... or its toe relief below this share of the row's */
    double offset_across_mm;   /* terminal centre off the pad centre across the pad */
    double offset_along_mm;    /* ... along the pad */
    double min_score;          /* registration confidence below which the verdict is error */
    double squeezed_land_mm;   /* body offset toward a row leaving less land than this: the
                                  joints' solder is within rise_mm of the body */
} aoi_thresholds;
/* How many thresholds there are (every field of aoi_thresholds a double). */
#define AOI_THRESHOLD_COUNT (sizeof(aoi_thresholds) / sizeof(double))

/* Loads thresholds from a JSON file ({"thresholds": {name: {"value": v,
 * "reason": "..."}}}); every field must be present. */
AOI_API int aoi_thresholds_load(const char *path, aoi_thresholds *t);
/* Loads "inspection.json" from models_dir (NULL: aoi_models_dir()). */
AOI_API int aoi_thresholds_load_default(const char *models_dir, aoi_thresholds *t);
/* Sets one threshold from "name=value" (names as in the file), within its
 * accepted range (aoi_threshold_range()); -1 with the reason otherwise. */
AOI_API int aoi_thresholds_set(aoi_thresholds *t, const char *assignment);
/* The same with the name and the value apart. */
AOI_API int aoi_thresholds_set_value(aoi_thresholds *t, const char *name, double value);
/* Names of the thresholds, NULL-terminated (for --help and gst-inspect). */
AOI_API const char *const *aoi_threshold_names(void);
/* The accepted range of one threshold (by name). */
AOI_API int aoi_threshold_range(const char *name, double *lo, double *hi);

/* A taught station model. */
typedef struct aoi_station aoi_station;

/* Loads a station model; checks format, version and that it is for part. */
AOI_API aoi_station *aoi_station_load(const char *path, const aoi_part *part);
AOI_API void aoi_station_free(aoi_station *st);
AOI_API int aoi_station_save(const aoi_station *st, const char *path);
AOI_API const char *aoi_station_part(const aoi_station *st);
AOI_API int aoi_station_images(const aoi_station *st);

/* Current station model format version. */
#define AOI_STATION_VERSION 1

typedef struct aoi_inspector aoi_inspector;

/* part is borrowed and must outlive the inspector; station may be NULL and
 * is borrowed too. */
AOI_API aoi_inspector *aoi_inspector_new(const aoi_part *part, double um_per_px, int rotation,
                                         const aoi_thresholds *t, const aoi_station *station);
AOI_API void aoi_inspector_free(aoi_inspector *in);
/* Replaces the station model (NULL: none) for the next frames. */
AOI_API void aoi_inspector_set_station(aoi_inspector *in, const aoi_station *station);
/* Applies a station calibration (NULL: none) to the next frames: its colour
 * gains when sampling, and, when its lens moves pixels by more than 0.05 px,
 * undistortion of the region holding the footprint (frames must then be the
 * calibrated size; poses are in undistorted pixels, and aoi_inspect_file
 * decodes whole frames).  The scale is the inspector's own (give it
 * aoi_calib_um_per_px()).  The calibration is copied. */
AOI_API int aoi_inspector_set_calib(aoi_inspector *in, const aoi_calib *cal);

/* Tracking (off by default; setting it either way forgets the last pose):
 * aoi_inspect() starts each frame's registration from the previous frame's
 * pose — a refinement from it, about half the full search's time, for
 * boards held in a fixture — and searches the whole frame when that fails
 * (the board moved more than a few pixels, or the previous frame was not
 * inspected).  info->tracked says which ran. */
AOI_API void aoi_inspector_set_tracking(aoi_inspector *in, int on);

/* Per-pin measures (mm, mm²); NAN where not measurable. */
typedef struct {
    int pin;
    double solder_area_mm2;
    double nominal_area_mm2;
    double wet_ratio;          /* solder area / nominal area */
    double overhang_mm;        /* furthest solder beyond the pad outline */
    double solder_to_body_mm;  /* nearest solder on the terminal to the body edge */
    double flux_cover;         /* fraction of the flux band covered by flux */
    double offset_x_mm, offset_y_mm; /* terminal centre minus pad centre */
    double toe_relief;         /* shading relief of the toe fillet zone (log intensity) */
    double toe_ratio;          /* toe_relief / the median of the pin's row */
    double toe_wet;            /* wetted share of the toe fillet zone (0..1) */
    double side_wet;           /* wetted share of the pad beside the terminal's tip (0..1) */
} aoi_joint;

typedef struct {
    double register_ms, inspect_ms;
    double connector_dx_mm, connector_dy_mm, connector_rot_deg; /* measured placement */
    int present;               /* connector found on the pads */
    int tracked;               /* the pose was refined from the previous frame's */
    int rotation;              /* the job's nominal rotation (degrees) */
    const aoi_joint *joints;   /* one per pad, valid until the next call */
    size_t njoints;
} aoi_inspect_info;

/* Inspects one frame (any aoi_format, any stride): registers it, checks
 * every joint and fills the record's verdict, pose and defects (image and
 * part strings are left to the caller).  Returns 0 when the frame was
 * inspected (pass or fail), -1 with verdict error and a message otherwise.
 * info may be NULL. */
AOI_API int aoi_inspect(aoi_inspector *in, const aoi_image *frame, aoi_result *res,
                        aoi_inspect_info *info);

/* Inspects an image file (JPEG or PNG).  With fast set, a JPEG is first
 * decoded at a reduced DCT scale to find the footprint, then only the
 * rectangle holding it (plus 0.6 mm) is decoded at full resolution and
 * inspected; the pose is given in full-frame pixels.  When the reduced frame
 * does not show the footprint, the whole frame is decoded and inspected as
 * without fast.  Errors (unreadable, corrupt, too many pixels) give verdict
 * error and -1.  *fast_used (may be NULL) says which path ran. */
AOI_API int aoi_inspect_file(aoi_inspector *in, const char *path, size_t max_pixels, int fast,
                             aoi_result *res, aoi_inspect_info *info, int *fast_used);

/* Teaching: feed golden frames one by one, then build the model.  A frame
 * that does not register or shows a defect is refused with the reason. */
typedef struct aoi_teacher aoi_teacher;
AOI_API aoi_teacher *aoi_teacher_new(const aoi_part *part, double um_per_px, int rotation,
                                     const aoi_thresholds *t);
AOI_API void aoi_teacher_free(aoi_teacher *tc);
/* As aoi_inspector_set_calib, for the golden frames. */
AOI_API int aoi_teacher_set_calib(aoi_teacher *tc, const aoi_calib *cal);
AOI_API int aoi_teacher_add(aoi_teacher *tc, const aoi_image *golden);
/* Needs at least 3 accepted frames. */
AOI_API aoi_station *aoi_teacher_finish(aoi_teacher *tc);

/* Per-pin measures as a JSON object text {"joints": [...]} for
 * aoi_result_set_extra (malloc'd). */
AOI_API char *aoi_inspect_info_json(const aoi_inspect_info *info);

#ifdef __cplusplus
}
#endif

#endif
