/* wet.h - the inspection's soft solder membership of a run of colour
 * features (library-internal).
 *
 * f holds n features as (L, cr, cg) triples of floats; ref[0..2] are the
 * looks that are not solder (terminal and pad metal, mask) and ref[3..5]
 * those that are (lit and shaded solder, the body's dark look).  For each
 * feature with a number for L:
 *
 *   d(r)  = (L - r.L)^2 + (4 (cr - r.cr))^2 + (4 (cg - r.cg))^2
 *   dm    = min(d(ref0), d(ref1), d(ref2)),  ds = min(d(ref3), d(ref4), d(ref5))
 *   w     = clamp(0.5 + (sqrt(dm) - sqrt(ds)) / soft, 0, 1)
 *
 * all in float in that order, min skipping a NAN operand (minf()), and a
 * NAN w counting 0.  The result is the sum of w.  Each w is a multiple of
 * 2^-25 no larger than 1 (0.5 + t is exact where it is below 0.25), so a
 * double sum of fewer than 2^28 of them is exact in any order: every path
 * returns the same number. */
#ifndef AOI_SIMD_WET_H
#define AOI_SIMD_WET_H

#include "aoi/simd.h"

#define AOI__WET_CHROMA_W 4.0f

static inline float aoi__wet_min(float a, float b)
{
    return a < b || b != b ? a : b;
}

static inline float aoi__wet_d2(const float *f, const float *r)
{
    float dl = f[0] - r[0], dr = (f[1] - r[1]) * AOI__WET_CHROMA_W,
          dg = (f[2] - r[2]) * AOI__WET_CHROMA_W;
    return dl * dl + dr * dr + dg * dg;
}

/* The weight of one feature (the reference every path reproduces). */
static inline float aoi__wet_one(const float *f, const float ref[6][3], float soft)
{
    if (f[0] != f[0])
        return 0.0f;
    float dm = aoi__wet_min(aoi__wet_min(aoi__wet_d2(f, ref[0]), aoi__wet_d2(f, ref[1])),
                            aoi__wet_d2(f, ref[2]));
    float ds = aoi__wet_min(aoi__wet_min(aoi__wet_d2(f, ref[3]), aoi__wet_d2(f, ref[4])),
                            aoi__wet_d2(f, ref[5]));
    float w = 0.5f + (__builtin_sqrtf(dm) - __builtin_sqrtf(ds)) / soft;
    /* maxf(0, w) then minf(1, .): a NAN w gives 0. */
    w = 0.0f > w || w != w ? 0.0f : w;
    return 1.0f < w ? 1.0f : w;
}

/* Sum of the weights of f[0..3n) (see above), on the chosen path. */
double aoi__wet_sum(const float *f, int n, const float ref[6][3], float soft);
/* The same on a given path (tests); NAN if the CPU cannot run it. */
double aoi__wet_sum_isa(aoi_isa isa, const float *f, int n, const float ref[6][3], float soft);

double aoi__wet_sum_scalar(const float *f, int n, const float ref[6][3], float soft);
double aoi__wet_sum_sse41(const float *f, int n, const float ref[6][3], float soft);
double aoi__wet_sum_avx2(const float *f, int n, const float ref[6][3], float soft);

#endif
