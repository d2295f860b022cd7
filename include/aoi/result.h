/* aoi/result.h - the result record of interfaces.md (one per image), its JSON
 * Lines form, and the defect types of defects.md.  The same record carries an
 * inspection's output and a synthetic image's ground truth. */
#ifndef AOI_RESULT_H
#define AOI_RESULT_H

#include <stddef.h>

#include "aoi/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    AOI_DEFECT_BRIDGE = 0,
    AOI_DEFECT_EXCESS_SOLDER,
    AOI_DEFECT_FLUX_RISE,
    AOI_DEFECT_INSUFFICIENT_SOLDER,
    AOI_DEFECT_OFFSET,
    AOI_DEFECT_MISSING_PART,
    AOI_DEFECT_COUNT
} aoi_defect_type;

typedef enum { AOI_VERDICT_PASS = 0, AOI_VERDICT_FAIL, AOI_VERDICT_ERROR } aoi_verdict;

typedef struct {
    aoi_defect_type type;
    int npins;           /* 0 (missing_part), 1, or 2 (bridge, ascending) */
    int pins[2];
    double x_mm, y_mm;   /* location in the footprint frame */
} aoi_defect;

typedef struct {
    double x_px, y_px;   /* footprint origin in the image */
    double theta_deg;    /* residual rotation; the nominal rotation is added */
    double um_per_px;
    double score;        /* registration confidence in [0, 1] */
} aoi_pose;

typedef struct {
    char *image;
    char *part;
    aoi_verdict verdict;
    char *error;         /* NULL unless verdict is error */
    int has_pose;
    aoi_pose pose;
    aoi_defect *defects;
    size_t ndefects;
    size_t cap;
    char *extra_json;    /* NULL, or a JSON object whose members are added to the record */
} aoi_result;

AOI_API const char *aoi_defect_name(aoi_defect_type t);
/* Returns the type for a name, or -1. */
AOI_API int aoi_defect_from_name(const char *name);
AOI_API const char *aoi_verdict_name(aoi_verdict v);

/* Initialises an empty record (verdict pass, no pose). */
AOI_API void aoi_result_init(aoi_result *r);
AOI_API void aoi_result_clear(aoi_result *r);
AOI_API int aoi_result_set_strings(aoi_result *r, const char *image, const char *part);
AOI_API int aoi_result_set_error(aoi_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
AOI_API int aoi_result_add_defect(aoi_result *r, const aoi_defect *d);
/* Takes a copy of a JSON object text for extra fields (validated). */
AOI_API int aoi_result_set_extra(aoi_result *r, const char *json_object);

/* Serialises to one line of JSON (no newline), malloc'd. */
AOI_API int aoi_result_to_json(const aoi_result *r, char **line);

/* Parses one JSON Lines record.  Unknown fields are kept in extra_json. */
AOI_API int aoi_result_from_json(const char *line, size_t len, aoi_result *r);

/* Position of the footprint point (u, v) mm in the image under a pose with
 * nominal rotation rot_deg (interfaces.md). */
AOI_API void aoi_pose_map(const aoi_pose *p, int rot_deg, double u, double v, double *x,
                          double *y);
/* Inverse: pixel (x, y) to footprint mm. */
AOI_API void aoi_pose_unmap(const aoi_pose *p, int rot_deg, double x, double y, double *u,
                            double *v);

#ifdef __cplusplus
}
#endif

#endif
