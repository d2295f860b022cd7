/* aoi/register.h - registration of a frame to a part's foot pattern.
 *
 * Finds the pose (interfaces.md) that maps the footprint frame onto the image:
 * a coarse search on a max-channel, block-reduced copy of the frame (edge
 * energy of the pad rows, over position and residual rotation), then a robust
 * sub-pixel fit of the pads' visible outline edges in the full-resolution frame
 * (position, rotation and scale), and a pitch-slip check against the row ends
 * and hold-down pads.  The registrar is made once per job and reused. */
#ifndef AOI_REGISTER_H
#define AOI_REGISTER_H

#include "aoi/export.h"
#include "aoi/image.h"
#include "aoi/part.h"
#include "aoi/result.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct aoi_registrar aoi_registrar;

/* Minimum score for a pose to count as found. */
#define AOI_REGISTER_MIN_SCORE 0.6

/* part is borrowed and must outlive the registrar.  um_per_px is the stated
 * scale (6..20 in the contract; the true one may differ by 1 %), rotation the
 * nominal 0/90/180/270. */
AOI_API aoi_registrar *aoi_registrar_new(const aoi_part *part, double um_per_px, int rotation);
AOI_API void aoi_registrar_free(aoi_registrar *r);
/* When the first search's best fit is weak, aoi_register() takes a second
 * look at peaks beside stronger clutter (on by default).  A caller that
 * refines the pose elsewhere and searches again when that fails (a reduced
 * copy of the frame) may turn it off. */
AOI_API void aoi_registrar_set_second_look(aoi_registrar *r, int on);

/* A position hint: only origins within radius_mm of (x_px, y_px) are
 * searched, and only the part of the frame a footprint there can reach is
 * read.  A hint that is not a number searches the whole frame. */
typedef struct {
    double x_px, y_px;   /* expected footprint origin */
    double radius_mm;    /* search radius around it */
} aoi_register_hint;

typedef struct {
    double coarse_ms, fine_ms;
    int candidates;      /* coarse candidates refined */
    int edge_points, inliers;
    int pitch_shift;     /* pitches the pitch-slip check moved the pose (0 normally) */
    int fits;            /* fine fits made (most of fine_ms) */
} aoi_register_info;

/* Registers a frame (any aoi_format, any stride).  Returns 0 and the pose
 * when found with score >= AOI_REGISTER_MIN_SCORE; -1 otherwise, with the
 * reason in aoi_errmsg() and the best pose so far (score < min) in *pose
 * when there was one.  A weak fit (score under 0.85) is also refused when
 * the part's mate (aoi_part_load_mate(), if its model is there) explains
 * the frame clearly better; the reason then names the mate.  hint and info
 * may be NULL. */
AOI_API int aoi_register(aoi_registrar *r, const aoi_image *frame, const aoi_register_hint *hint,
                         aoi_pose *pose, aoi_register_info *info);

/* Refines a pose already known to within a few pixels and a fraction of a
 * degree (e.g. found on a reduced-scale copy of the frame, or on the raw frame
 * before undistortion): the fine fit and the pitch-slip check from it, with
 * the same confidence rule as aoi_register().  Much cheaper than a search;
 * when it fails, search with aoi_register(). */
AOI_API int aoi_register_refine(aoi_registrar *r, const aoi_image *frame, const aoi_pose *start,
                                aoi_pose *pose, aoi_register_info *info);

#ifdef __cplusplus
}
#endif

#endif
