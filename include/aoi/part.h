/* aoi/part.h - F4S part models: foot pattern, body, terminals, mask data.
 *
 * A part model is read from a JSON data file (see models/README.md).  All
 * lengths are millimetres in the footprint frame of the spec: origin at the
 * centre of the signal-pad array, +x along the rows, +y across (down the image
 * at rotation 0).  Odd pins lie on the top row (y < 0), even pins on the bottom
 * row; pins n+1..n+4 are the hold-down (soldering-terminal) pads at
 * (-x,-y), (-x,+y), (+x,-y), (+x,+y). */
#ifndef AOI_PART_H
#define AOI_PART_H

#include <stddef.h>

#include "aoi/export.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct aoi_part aoi_part;

typedef enum { AOI_SIDE_SOCKET = 0, AOI_SIDE_HEADER = 1 } aoi_side;

typedef enum { AOI_PAD_SIGNAL = 0, AOI_PAD_HOLDDOWN = 1 } aoi_pad_kind;

/* Axis-aligned rectangle in mm: [x0, x1] x [y0, y1]. */
typedef struct {
    double x0, y0, x1, y1;
} aoi_rect;

/* One land of the foot pattern with the terminal that is soldered to it. */
typedef struct {
    int pin;             /* 1-based pin number (n+1..n+4 for hold-downs) */
    aoi_pad_kind kind;
    double cx, cy;       /* pad centre */
    double w, h;         /* pad size along x and y */
    aoi_rect terminal;   /* nominal terminal footprint (top view) */
    int row;             /* -1 top row (y < 0), +1 bottom row */
} aoi_pad;

/* Where a number came from. */
typedef enum {
    AOI_SRC_CATALOG = 0,
    AOI_SRC_CAD = 1,
    AOI_SRC_PROVISIONAL = 2
} aoi_source;

/* Loads a part by catalog number (e.g. "AXT540124", case-insensitive) from
 * models_dir (NULL: aoi_models_dir()), or by path when name_or_path names an
 * existing file or ends in ".json".  Unknown numbers fail with the closest
 * known number suggested.  Returns NULL on failure (see aoi_errmsg()). */
AOI_API aoi_part *aoi_part_load(const char *name_or_path, const char *models_dir);

/* Loads the part's mate: the other side of the mated pair with the same
 * pins (the header AXT6... of a socket AXT5..., and back), from the
 * directory the part's own file is in.  NULL when the part has none there
 * (see aoi_errmsg()).  Registration uses it to tell the two apart. */
AOI_API aoi_part *aoi_part_load_mate(const aoi_part *part);

/* Loads and validates one model file.  Messages name the file and field. */
AOI_API aoi_part *aoi_part_load_file(const char *path);

/* Parses a model from memory; origin names it in messages. */
AOI_API aoi_part *aoi_part_load_data(const char *data, size_t len, const char *origin);

AOI_API void aoi_part_free(aoi_part *part);

/* The models directory: $AOI_MODELS_DIR if set, else the installed one if it
 * exists, else the source tree's models/ (for running from the build tree). */
AOI_API const char *aoi_models_dir(void);

/* Lists the part numbers found in models_dir (NULL: default), sorted.
 * *out is a NULL-terminated array freed with aoi_strv_free(). */
AOI_API int aoi_part_list(const char *models_dir, char ***out, size_t *count);
AOI_API void aoi_strv_free(char **strv);

AOI_API const char *aoi_part_number(const aoi_part *part);
AOI_API aoi_side aoi_part_side(const aoi_part *part);
AOI_API const char *aoi_side_name(aoi_side side);
AOI_API int aoi_part_is_inspection_use(const aoi_part *part);
AOI_API int aoi_part_pins(const aoi_part *part);              /* signal pins n */
AOI_API double aoi_part_pitch(const aoi_part *part);
AOI_API double aoi_part_mated_height(const aoi_part *part);
AOI_API const char *aoi_part_path(const aoi_part *part);      /* file it came from */

/* Catalog dimensions A (body length), B (pad-centre span), C (hold-down pad
 * centre distance) and D, in mm. */
AOI_API void aoi_part_catalog(const aoi_part *part, double *a, double *b, double *c, double *d);

/* All n+4 pads, ordered by pin number (index = pin - 1). */
AOI_API size_t aoi_part_pad_count(const aoi_part *part);
AOI_API const aoi_pad *aoi_part_pads(const aoi_part *part);

/* Body outline (mm). */
AOI_API aoi_rect aoi_part_body(const aoi_part *part);

/* Bounding box of pads, terminals and body (mm). */
AOI_API aoi_rect aoi_part_extent(const aoi_part *part);

/* Provenance of a feature: "catalog", "signal_pad", "holddown_pad", "body",
 * "terminal", "holddown_terminal", "mask". Returns -1 for unknown names. */
AOI_API int aoi_part_provenance(const aoi_part *part, const char *feature, aoi_source *src,
                        const char **note);
AOI_API const char *aoi_source_name(aoi_source src);

/* Metal mask: number of recommended signal-pad stencils, and each one's
 * thickness (mm) and opening ratio; hold-down opening ratio. */
AOI_API size_t aoi_part_mask_count(const aoi_part *part);
AOI_API int aoi_part_mask(const aoi_part *part, size_t i, double *thickness_mm, double *ratio);
AOI_API double aoi_part_holddown_mask_ratio(const aoi_part *part);

#ifdef __cplusplus
}
#endif

#endif
