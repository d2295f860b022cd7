/* target.c - rendered views of calibration targets (chessboards, circle
 * grids) at a known scale, rotation and lens distortion. */
#include "aoi/synth.h"
#include "core/error_internal.h"
#include "synth/scene.h"
#include "synth/synth_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TARGET_SS 4
#define DARK 0.04f
#define LIGHT 0.80f
#define SURROUND 0.35f

/* Reflectance at target coordinates (mm, grid point (0, 0) at the origin). */
static float target_at(const aoi_target *t, double X, double Y)
{
    double p = t->pitch_mm, u = X / p, v = Y / p;
    /* Plate: the pattern plus a two-pitch quiet zone. */
    double lo = t->kind == AOI_TARGET_CHESSBOARD ? -3 : -2.5;
    if (u < lo || v < lo || u > t->cols - 1 - lo || v > t->rows - 1 - lo)
        return SURROUND;
    if (t->kind == AOI_TARGET_CHESSBOARD) {
        /* Squares between inner corners; the one left of and above corner 0
         * is dark, as in the printable SVG. */
        if (u < -1 || v < -1 || u >= t->cols || v >= t->rows)
            return LIGHT;
        long i = (long)floor(u) + 1, j = (long)floor(v) + 1;
        return ((i + j) & 1) ? LIGHT : DARK;
    }
    if (u < -0.5 || v < -0.5 || u > t->cols - 0.5 || v > t->rows - 0.5)
        return LIGHT;
    double du = u - floor(u + 0.5), dv = v - floor(v + 0.5);
    return du * du + dv * dv <= 1.0 / 16 ? DARK : LIGHT;
}

int aoi_synth_target(const aoi_target *t, const aoi_synth_target_params *p, aoi_image *out)
{
    rng_t r;
    float *lin = NULL;
    int w = p->width, h = p->height, ret = -1;
    double th = p->rotation_deg * M_PI / 180, c = cos(th), s = sin(th);
    double gcx = (t->cols - 1) * t->pitch_mm / 2, gcy = (t->rows - 1) * t->pitch_mm / 2;
    double gain[3];

    memset(out, 0, sizeof *out);
    if (w < 16 || h < 16 || (double)w * h > AOI__SYNTH_MAX_PIXELS)
        return aoi__error("synth target: frame %dx%d outside 16x16 .. 5120x5120 pixels (25 Mpx)", w, h);
    if (!(p->um_per_px_x > 0.1 && p->um_per_px_y > 0.1))
        return aoi__error("synth target: scale must be positive");
    if (p->lens && aoi_lens_check(p->lens, w, h) < 0)
        return aoi__error_prefix("synth target");
    for (int q = 0; q < 3; q++)
        gain[q] = p->gain[q] > 0 ? p->gain[q] : 1;
    rng_seed(&r, p->seed * 0x9E3779B97F4A7C15ull + 0xCA11Bull);
    if (!(lin = malloc(sizeof *lin * 3 * (size_t)w * (size_t)h))) {
        aoi__error("out of memory");
        goto bailout;
    }
    if (aoi_image_alloc(out, w, h, p->gray ? AOI_FMT_GRAY8 : AOI_FMT_RGB) < 0)
        goto bailout;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float acc = 0;
            double ux = x, uy = y;
            /* Samples keep their offsets from the pixel centre (the lens
             * scales them by under 1 %: below 0.005 px). */
            if (p->lens)
                aoi_lens_undistort_point(p->lens, x, y, &ux, &uy);
            for (int j = 0; j < TARGET_SS; j++)
                for (int i = 0; i < TARGET_SS; i++) {
                    double sx = ux + (i + 0.5) / TARGET_SS - 0.5, sy = uy + (j + 0.5) / TARGET_SS - 0.5;
                    /* Ideal pixels -> target mm: undo scale, then rotation. */
                    double a = (sx - p->cx) * p->um_per_px_x / 1000;
                    double b = (sy - p->cy) * p->um_per_px_y / 1000;
                    acc += target_at(t, gcx + a * c + b * s, gcy - a * s + b * c);
                }
            for (int q = 0; q < 3; q++)
                lin[((size_t)y * w + x) * 3 + q] = acc / (TARGET_SS * TARGET_SS);
        }
    if (synth_blur(lin, w, h, p->blur_px) < 0)
        goto bailout;
    for (int y = 0; y < h; y++) {
        uint8_t *row = out->data + (size_t)y * out->stride;
        for (int x = 0; x < w; x++) {
            double dn[3];
            for (int q = 0; q < 3; q++)
                dn[q] = 255 * pow(lin[((size_t)y * w + x) * 3 + q] * gain[q], 1 / 2.2) +
                        p->noise_dn * rng_gauss(&r);
            if (p->gray) {
                double g = 0.299 * dn[0] + 0.587 * dn[1] + 0.114 * dn[2];
                row[x] = (uint8_t)(g < 0 ? 0 : g > 255 ? 255 : lrint(g));
            } else {
                for (int q = 0; q < 3; q++)
                    row[3 * x + q] = (uint8_t)(dn[q] < 0 ? 0 : dn[q] > 255 ? 255 : lrint(dn[q]));
            }
        }
    }
    ret = 0;
bailout:
    free(lin);
    if (ret < 0)
        aoi_image_free(out);
    return ret;
}
