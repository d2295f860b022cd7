/* eval_calib.c - calibration accuracy per condition on rendered target views:
 * scale error, reprojection error, and the residual of a fresh view's points
 * after undistortion against their true ideal positions.
 * Usage: eval_calib [VIEWS]   (default 6 views per calibration) */
#include "aoi/calib.h"
#include "aoi/cvwrap.h"
#include "aoi/error.h"
#include "aoi/synth.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { W = 1600, H = 1200 };

static double frand(unsigned long long *s)
{
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* A view placed at random so that the target stays inside the frame. */
static void place(const aoi_target *t, double um, unsigned long long *rs, aoi_synth_target_params *p)
{
    double span = (t->kind == AOI_TARGET_CHESSBOARD ? 6 : 5) * t->pitch_mm;
    double rx = ((t->cols - 1) * t->pitch_mm + span) * 500 / um;
    double ry = ((t->rows - 1) * t->pitch_mm + span) * 500 / um, r = hypot(rx, ry);
    p->rotation_deg = -20 + 40 * frand(rs);
    p->cx = r < W / 2.0 ? r + (W - 2 * r) * frand(rs) : (W - 1) / 2.0;
    p->cy = r < H / 2.0 ? r + (H - 2 * r) * frand(rs) : (H - 1) / 2.0;
}

/* One view's rendering parameters: scale, lens, blur, 3 DN noise, placed at
 * random. */
static void view_of(const aoi_target *t, double um, const aoi_lens *lens, double blur,
                    unsigned long long seed, unsigned long long *rs, aoi_synth_target_params *p)
{
    memset(p, 0, sizeof *p);
    p->seed = seed;
    p->width = W, p->height = H;
    p->um_per_px_x = p->um_per_px_y = um;
    p->lens = lens;
    p->blur_px = blur;
    p->noise_dn = 3;
    place(t, um, rs, p);
}

/* Grey copy for the detectors. */
static void green(const aoi_image *v, aoi_image *g)
{
    aoi_image_alloc(g, v->width, v->height, AOI_FMT_GRAY8);
    for (int y = 0; y < v->height; y++)
        for (int x = 0; x < v->width; x++)
            g->data[(size_t)y * g->stride + x] =
                v->format == AOI_FMT_GRAY8 ? v->data[(size_t)y * v->stride + x]
                                           : v->data[(size_t)y * v->stride + 3 * (size_t)x + 1];
}

int main(int argc, char **argv)
{
    int nviews = argc > 1 ? atoi(argv[1]) : 6;
    static const char *targets[] = {"chessboard:9x7:0.5", "circles:9x7:0.5"};
    static const double ums[] = {6, 12, 20};
    static const double k1s[] = {0, -0.03, -0.08, 0.04};
    static const double blur[] = {0.5, 1.2};
    printf("%-20s %5s %6s %5s %9s %9s %9s %9s\n", "target", "um/px", "k1", "blur", "scale err",
           "rms px", "resid px", "max dist");
    for (size_t ti = 0; ti < 2; ti++)
        for (size_t ui = 0; ui < 3; ui++)
            for (size_t ki = 0; ki < 4; ki++)
                for (size_t bi = 0; bi < 2; bi++) {
                    aoi_target t;
                    aoi_calib cal;
                    unsigned long long rs = 1000 * ti + 100 * ui + 10 * ki + bi + 1;
                    double f = W;
                    aoi_lens lens = {f, f, (W - 1) / 2.0, (H - 1) / 2.0, k1s[ki], 0, 0, 0, 0};
                    aoi_target_parse(targets[ti], &t);
                    aoi_calibrator *c = aoi_calibrator_new(&t);
                    int added = 0;
                    for (int k = 0; k < nviews; k++) {
                        aoi_synth_target_params p;
                        aoi_image v;
                        view_of(&t, ums[ui], &lens, blur[bi], rs * 31 + (unsigned long long)k, &rs, &p);
                        if (aoi_synth_target(&t, &p, &v) < 0)
                            continue;
                        added += aoi_calibrator_add(c, &v) == 0;
                        aoi_image_free(&v);
                    }
                    int rc = aoi_calibrator_finish(c, NULL, &cal);
                    double serr = 100 * (aoi_calib_um_per_px(&cal) / ums[ui] - 1), resid = NAN;
                    if (rc == 0) {
                        /* A fresh view: undistorted points vs their true positions. */
                        aoi_synth_target_params p;
                        aoi_image v, g;
                        int n = t.cols * t.rows, found = 0;
                        double *xy = malloc(sizeof *xy * 2 * (size_t)n);
                        view_of(&t, ums[ui], &lens, blur[bi], rs * 77, &rs, &p);
                        aoi_synth_target(&t, &p, &v);
                        green(&v, &g);
                        if (t.kind == AOI_TARGET_CHESSBOARD)
                            aoi_cv_find_chessboard(g.data, W, H, g.stride, t.cols, t.rows, xy, &found);
                        else
                            aoi_cv_find_circles(g.data, W, H, g.stride, t.cols, t.rows, xy, &found);
                        if (found) {
                            double th = p.rotation_deg * M_PI / 180, best = 1e9;
                            for (int flip = 0; flip < 2; flip++) {
                                double sq = 0;
                                for (int i = 0; i < n; i++) {
                                    int k = flip ? n - 1 - i : i;
                                    double X = (k % t.cols - (t.cols - 1) / 2.0) * t.pitch_mm * 1000 / ums[ui];
                                    double Y = (k / t.cols - (t.rows - 1) / 2.0) * t.pitch_mm * 1000 / ums[ui];
                                    double wx = p.cx + X * cos(th) - Y * sin(th);
                                    double wy = p.cy + X * sin(th) + Y * cos(th), ux = 0, uy = 0;
                                    if (cal.has_lens)
                                        aoi_lens_undistort_point(&cal.lens, xy[2 * i], xy[2 * i + 1], &ux, &uy);
                                    sq += (ux - wx) * (ux - wx) + (uy - wy) * (uy - wy);
                                }
                                best = fmin(best, sqrt(sq / n));
                            }
                            resid = best;
                        }
                        free(xy);
                        aoi_image_free(&v);
                        aoi_image_free(&g);
                    }
                    char cond[64];
                    snprintf(cond, sizeof cond, "%s", targets[ti]);
                    printf("%-20s %5.0f %6.2f %5.1f %8.4f%% %9.4f %9.4f %9.2f%s%s\n", cond, ums[ui],
                           k1s[ki], blur[bi], serr, cal.rms_px, resid,
                           aoi_lens_max_shift(&lens, W, H), rc ? "  refused: " : "",
                           rc ? aoi_errmsg() : "");
                    if (added < nviews)
                        printf("    (target found in %d of %d views)\n", added, nviews);
                    aoi_calibrator_free(c);
                }
    return 0;
}
