/* aoi/synth.h - synthetic top-view images of soldered F4S parts with exact
 * ground truth (result records in the interfaces.md format).
 *
 * The scene is built in millimetres in the footprint frame (board, clutter,
 * pads, solder as height fields, terminals, body, flux films), rendered through
 * an exact sub-pixel pose with supersampling, shaded from surface normals under
 * coaxial / low-angle ring / tiered RGB lighting, and passed through a camera
 * model (gain, offset, gamma, vignetting, blur, noise).  Everything random
 * comes from the seed. */
#ifndef AOI_SYNTH_H
#define AOI_SYNTH_H

#include <stdint.h>

#include "aoi/calib.h"
#include "aoi/image.h"
#include "aoi/lens.h"
#include "aoi/part.h"
#include "aoi/result.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { AOI_MASK_GREEN = 0, AOI_MASK_BLUE, AOI_MASK_RED, AOI_MASK_BLACK, AOI_MASK_COUNT } aoi_mask_colour;
typedef enum { AOI_FINISH_ENIG = 0, AOI_FINISH_OSP, AOI_FINISH_COUNT } aoi_finish;
typedef enum { AOI_LIGHT_COAXIAL = 0, AOI_LIGHT_RING, AOI_LIGHT_RGB, AOI_LIGHT_COUNT } aoi_lighting;

/* Material labels of the optional label map (centre sample of each pixel). */
typedef enum {
    AOI_MAT_MASK = 0, AOI_MAT_TRACE, AOI_MAT_SILK, AOI_MAT_COPPER, AOI_MAT_PAD,
    AOI_MAT_SOLDER, AOI_MAT_TERMINAL, AOI_MAT_BODY, AOI_MAT_HOLE, AOI_MAT_COUNT
} aoi_material;
/* Bit set in a label when flux film lies over the material. */
#define AOI_MAT_FLUX_BIT 0x80

typedef struct {
    uint64_t seed;
    int width, height;         /* 0: chosen from the part and scale */
    double um_per_px;          /* stated scale; 0: random 6..20 */
    int rotation;              /* nominal 0/90/180/270; -1: random */
    unsigned defects;          /* bit (1 << aoi_defect_type) per type to inject */
    int borderline;            /* magnitudes near the thresholds (truth still exact) */
    int mask, finish, lighting;/* -1: random */
    int gray;                  /* render GRAY8 instead of RGB */
    int clean;                 /* no camera noise/blur/gain (for geometry tests) */
    int file_format;           /* -1 random, 0 PNG, 1 JPEG */
    int bare;                  /* board without the footprint (registration must fail) */
    const aoi_lens *lens;      /* lens distortion to render through (NULL: none); the
                                * truth pose is in ideal (undistorted) pixels */
} aoi_synth_params;

/* How the image should be stored (chosen from the seed within imaging.md). */
typedef struct {
    int jpeg;                  /* 0 PNG, 1 JPEG */
    int quality;               /* JPEG quality 70..98 */
    int subsamp444;            /* JPEG chroma 4:4:4 (else 4:2:0) */
} aoi_synth_file;

AOI_API void aoi_synth_params_default(aoi_synth_params *p);

/* Renders one image.  out is allocated (RGB or GRAY8); truth gets verdict,
 * pose (true scale), defects and an extra "conditions" object; labels, if
 * not NULL, gets a GRAY8 label map of aoi_material values. */
AOI_API int aoi_synth_render(const aoi_part *part, const aoi_synth_params *params, aoi_image *out,
                             aoi_result *truth, aoi_image *labels, aoi_synth_file *file);

/* Writes an image as the synth chose (PNG or JPEG at its quality). */
AOI_API int aoi_synth_save(const aoi_image *img, const aoi_synth_file *file, const char *path);

/* A view of a calibration target on the station. */
typedef struct {
    uint64_t seed;
    int width, height;
    double um_per_px_x, um_per_px_y; /* true scale along the image axes */
    double rotation_deg;       /* target x axis against the image x axis */
    double cx, cy;             /* ideal pixel where the target's grid centre lands */
    const aoi_lens *lens;      /* NULL: no distortion */
    double blur_px, noise_dn;
    double gain[3];            /* per-channel colour cast of the light (0: 1) */
    int gray;
} aoi_synth_target_params;

/* Renders a target view (RGB or GRAY8), 4 x 4 samples per pixel: the light
 * plate with a quiet zone of two pitches, on a mid-grey surround. */
AOI_API int aoi_synth_target(const aoi_target *t, const aoi_synth_target_params *p,
                             aoi_image *out);

AOI_API const char *aoi_mask_colour_name(int m);
AOI_API const char *aoi_finish_name(int f);
AOI_API const char *aoi_lighting_name(int l);

#ifdef __cplusplus
}
#endif

#endif
