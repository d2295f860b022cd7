/* aoi/draw.h - pictures of a result drawn into a frame, for people who would
 * rather look than read: the foot pattern outlined (green), pads with a
 * defect and a ring around each defect in the defect's colour (bridge red,
 * excess solder orange, flux rise magenta, insufficient solder cyan, offset
 * yellow; missing part: a red box around the footprint). */
#ifndef AOI_DRAW_H
#define AOI_DRAW_H

#include "aoi/export.h"
#include "aoi/image.h"
#include "aoi/part.h"
#include "aoi/result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Draws in place into any aoi_format (grey frames get the colours'
 * luminance).  Nothing is drawn without a pose.  rot is the job's nominal
 * rotation. */
AOI_API void aoi_draw_result(aoi_image *img, const aoi_part *part, const aoi_result *res, int rot);

#ifdef __cplusplus
}
#endif

#endif
