/* inspect_internal.h - what the inspection's modules share: rectified
 * patches in the footprint frame, the colour features, the station model. */
#ifndef AOI_INSPECT_INTERNAL_H
#define AOI_INSPECT_INTERNAL_H

#include "aoi/inspect.h"
#include "aoi/register.h"

#include <stddef.h>

/* Colour feature of a sample: L = log(I + 8) with I the mean of the
 * channels (0..255), and the chromaticities r/(R+G+B+24), g/(R+G+B+24).
 * Grey frames have the same chromaticity everywhere, so only L counts. */
typedef struct {
    float L, cr, cg;
} feat;
/* Runs of features are read as (L, cr, cg) triples of floats (simd/wet.h). */
_Static_assert(sizeof(feat) == 3 * sizeof(float), "feat is three floats");

/* Weight of chromaticity against log intensity in feat_dist. */
#define CHROMA_W 4.0f

/* fminf()/fmaxf() inline (GCC calls libm for them unless NaNs and signed
 * zeros are ruled out): the other operand when one is NaN. */
static inline float minf(float a, float b)
{
    return a < b || b != b ? a : b;
}

static inline float maxf(float a, float b)
{
    return a > b || b != b ? a : b;
}

/* Squared feature distance: the nearest of several references by it is
 * the nearest by feat_dist (the square root is monotonic and correctly
 * rounded, so sqrt(min) == min(sqrt) exactly). */
static inline float feat_dist2(feat a, feat b)
{
    float dl = a.L - b.L, dr = (a.cr - b.cr) * CHROMA_W, dg = (a.cg - b.cg) * CHROMA_W;
    return dl * dl + dr * dr + dg * dg;
}

static inline float feat_dist(feat a, feat b)
{
    return __builtin_sqrtf(feat_dist2(a, b));
}

/* Comparisons of feature distances without their roots, exactly (sqrtf is
 * correctly rounded, hence monotonic, though not strictly).
 *
 * The least float q with sqrtf(q) >= v: sqrtf(d2) >= v exactly when
 * d2 >= q (v not NAN; 0 for v <= 0). */
static inline float sqrt_at_least(float v)
{
    if (!(v > 0))
        return 0.0f;
    float q = v * v;
    while (__builtin_sqrtf(q) < v)
        q = __builtin_nextafterf(q, __builtin_inff());
    while (q > 0 && __builtin_sqrtf(__builtin_nextafterf(q, 0.0f)) >= v)
        q = __builtin_nextafterf(q, 0.0f);
    return q;
}

/* The least float q with (double)sqrtf(q) > t: feat_dist(a, b) > t exactly
 * when feat_dist2(a, b) >= q, and feat_dist(a, b) <= t when
 * feat_dist2(a, b) < q (neither holds for NAN; nor for any t that is NAN). */
static inline float dist2_above(double t)
{
    if (t != t)
        return __builtin_nanf("");
    float f = (float)t;
    if ((double)f <= t)
        f = __builtin_nextafterf(f, __builtin_inff());
    return sqrt_at_least(f);
}

/* sqrtf(s) < sqrtf(t), exactly: t well above s (more than 4 parts in a
 * million; two roots 2 ulp apart never round together) decides without the
 * roots. */
static inline int root_less(float s, float t)
{
    return s < t && (t > s * (1.0f + 4e-6f) || __builtin_sqrtf(s) < __builtin_sqrtf(t));
}

/* Saturation below this is grey: what the reconstruction below leaves of
 * a grey sample is rounding noise (~1e-6), which must not decide anything. */
#define SAT_GREY 1e-3f

/* Squared distance of the chromaticity from grey. */
static inline float feat_saturation_sq(feat a)
{
    float s = 3.0f * (__builtin_expf(a.L) - 8.0f), t = s > 0 ? s / (s + 24.0f) : 0;
    float cb = t - a.cr - a.cg, g = t / 3.0f;
    return (a.cr - g) * (a.cr - g) + (a.cg - g) * (a.cg - g) + (cb - g) * (cb - g);
}

/* Distance of the chromaticity from grey (0 for grey samples). */
static inline float feat_saturation(feat a)
{
    float sat = __builtin_sqrtf(feat_saturation_sq(a));
    return sat < SAT_GREY ? 0.0f : sat;
}

/* feat_saturation(a) < c, exactly, given q_grey = sqrt_at_least(SAT_GREY)
 * and q_c = sqrt_at_least(c) (no root a sample; q_c > 0 exactly when
 * c > 0). */
static inline int saturation_below(feat a, float q_grey, float q_c)
{
    if (!(q_c > 0))
        return 0; /* no saturation is below 0 (nor below NAN): no exp needed */
    float q = feat_saturation_sq(a);
    return q < q_grey || q < q_c;
}

/* A rectified region of one row side in the footprint frame: sample (j, i)
 * is at u = u0 + j*h, |v| = w0 + i*h (v = row * |v|); NAN L outside the
 * frame. */
typedef struct {
    feat *px;
    size_t cap;
    int nu, nw;
    double u0, w0, h;
    int row;
    feat *col; /* scratch: columns sampled down the frame (rotations 90, 270) */
    size_t colcap;
} patch;

/* Samples a patch with bilinear interpolation through the pose; colour
 * channels are multiplied by gain (R, G, B; ignored for GRAY8). */
int aoi__patch_sample(patch *p, const aoi_image *f, const aoi_pose *pose, int rot, int row,
                      double u0, double u1, double w0, double w1, double h, const float gain[3]);
/* Reduced copies of a frame (the JPEG fast path, the lens path) are
 * registered at no coarser than this (µm per pixel): the imaging contract's
 * coarsest scale, where registration is evaluated (at 36 µm/px it fails on
 * the 80-pin part). */
#define AOI__REDUCED_MAX_UM 20.0

/* Whether the inspector undistorts frames (then the fast path is not used). */
int aoi__inspector_has_lens(const aoi_inspector *in);
void aoi__patch_free(patch *p);

static inline const feat *patch_at(const patch *p, int j, int i)
{
    return &p->px[(size_t)i * (size_t)p->nu + (size_t)j];
}
/* Nearest sample at (u, w), or NULL outside. */
const feat *aoi__patch_get(const patch *p, double u, double w);

/* k-th smallest of n floats (reorders v). */
float aoi__select_k(float *v, size_t n, size_t k);

/* Median of the finite values among v[0..n) (reorders v); NAN if none. */
double aoi__median(double *v, int n);

/* Per-channel median of n features. */
feat aoi__feat_median(feat *v, size_t n);

/* Appearance references of one frame (or of a station). */
enum {
    REF_MASK = 0,
    REF_SOLDER,      /* solder where it faces the light (bright) */
    REF_TERMINAL,
    REF_BODY,
    REF_PAD,         /* bare pad metal beside the terminals */
    REF_SOLDER_DARK, /* solder slopes turned from the light */
    REF_COUNT
};

struct aoi_station {
    char part[40];
    int images;
    double um_per_px;
    int rotation;
    feat ref[REF_COUNT];
    double mask_spread;      /* typical distance of mask samples to the mask reference */
    double body_to_mask;     /* distance body reference - mask reference */
    double *nominal_area;    /* per pad (index pin-1), mm²; NAN when not measured */
    size_t npads;
};

/* What one inspection pass measured (shared by inspect and teach). */
typedef struct {
    feat ref[REF_COUNT];
    double mask_spread;
    double body_to_mask;       /* distance of the body band to the mask reference */
    double body_uniformity;    /* distance between pad and gap columns inside the body band */
    double covered_uniformity; /* the same between the pads' inner ends and the fitted edges */
    double edge_contrast;      /* median body-edge step */
    double body_width_error;   /* measured half-width minus the model's (mm) */
    int present;
} frame_refs;

/* For the fast path (fast.c). */
const aoi_part *aoi__inspector_part(const aoi_inspector *in);
double aoi__inspector_um(const aoi_inspector *in);
int aoi__inspector_rot(const aoi_inspector *in);
aoi_registrar *aoi__inspector_small_registrar(aoi_inspector *in, int denom);

/* One inspection pass without the verdict bookkeeping of aoi_inspect (used
 * by teaching, which needs the frame's references too).  start (may be NULL)
 * is a pose known to within a few pixels: registration then only refines it
 * (and searches when that fails). */
int aoi__inspect_measure(aoi_inspector *in, const aoi_image *frame, const aoi_pose *start,
                         aoi_result *res, aoi_inspect_info *info, frame_refs *fr);
/* aoi_inspect() from a starting pose (NULL: search). */
int aoi__inspect_from(aoi_inspector *in, const aoi_image *frame, const aoi_pose *start,
                      aoi_result *res, aoi_inspect_info *info);

#endif
