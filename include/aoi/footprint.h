/* aoi/footprint.h - drawing a part's foot pattern as an SVG in millimetres. */
#ifndef AOI_FOOTPRINT_H
#define AOI_FOOTPRINT_H

#include <stdio.h>

#include "aoi/part.h"

#include "aoi/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes an SVG of the foot pattern: one <rect class="pad"> per pad (with
 * data-pin), terminals, the body outline, pin numbers, the catalog dimensions
 * A, B, C and the footprint axes.  The drawing is in mm (viewBox units) and
 * printed at `scale` : 1 (width/height attributes in mm); scale <= 0 means 10.
 * Returns 0, or -1 on a write error. */
AOI_API int aoi_footprint_svg_write(const aoi_part *part, double scale, FILE *out);

/* Same, to a file path. */
AOI_API int aoi_footprint_svg_save(const aoi_part *part, double scale, const char *path);

#ifdef __cplusplus
}
#endif

#endif
