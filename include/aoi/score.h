/* aoi/score.h - scoring inspection results against ground truth (JSON Lines). */
#ifndef AOI_SCORE_H
#define AOI_SCORE_H

#include <stdio.h>

#include "aoi/export.h"
#include "aoi/result.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct aoi_score aoi_score;

typedef struct {
    long truth;          /* instances in the truth */
    long found;          /* of those, reported with the same type and pins */
    long false_calls;    /* reported, not in the truth */
    double recall;       /* found / truth (1 when truth is 0) */
    double false_ppm;    /* false calls per million inspected joints */
} aoi_score_type;

typedef struct {
    long images;         /* truth records */
    long results;        /* results matched to a truth record */
    long missing;        /* truth images without a result */
    long unmatched;      /* results without a truth record */
    long bad_truth_lines, bad_result_lines;
    long errors;         /* results with verdict error */
    long ng_truth, ng_found;       /* boards: truth fail, and called fail */
    long good_truth, good_false;   /* boards: truth pass, and called fail */
    double ng_recall, false_ng_rate;
    long joints;         /* joints inspected (non-error results) */
    aoi_score_type type[AOI_DEFECT_COUNT];
    long poses;          /* images with a pose in both */
    double pos_err_median, pos_err_p95, pos_err_max;  /* px */
    double rot_err_median, rot_err_p95, rot_err_max;  /* degrees */
    long pitch_slips;    /* pose off by more than half a pitch */
} aoi_score_summary;

/* Reads both files and scores them.  Malformed lines are counted and listed
 * (not fatal); unreadable files are.  NULL on failure (aoi_errmsg()). */
AOI_API aoi_score *aoi_score_files(const char *truth_path, const char *results_path);
AOI_API void aoi_score_free(aoi_score *s);
AOI_API const aoi_score_summary *aoi_score_get(const aoi_score *s);

/* Machine summary (one JSON object), and a table for people. */
AOI_API int aoi_score_write_json(const aoi_score *s, FILE *f);
AOI_API int aoi_score_write_table(const aoi_score *s, FILE *f);

#ifdef __cplusplus
}
#endif

#endif
