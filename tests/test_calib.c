/* test_calib.c - lens model, region undistortion, calibration from rendered
 * target views (scale, distortion, colour), calibration files. */
#include "aoi/calib.h"
#include "aoi/cvwrap.h"
#include "config.h"
#include "aoi/error.h"
#include "aoi/inspect.h"
#include "aoi/lens.h"
#include "aoi/synth.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { VW = 1280, VH = 960 };

/* A machine-vision lens as the tests' truth: barrel distortion of about
 * 3 px in the frame corners, focal length unlike the one calibration holds. */
static aoi_lens test_lens(int w, int h)
{
    aoi_lens l = {1700, 1700, (w - 1) / 2.0, (h - 1) / 2.0, -0.045, 0.02, 0, 0, 0};
    return l;
}

#if HAVE_OPENCV /* calibration detects its targets with OpenCV */
/* View k of a series: the target moved around the field and turned. */
static void view_params(int k, double um, const aoi_lens *lens, aoi_synth_target_params *p)
{
    static const double pos[][3] = {{0.5, 0.5, 0},  {0.3, 0.3, 8},  {0.7, 0.3, -6},
                                    {0.3, 0.7, 14}, {0.7, 0.7, -12}, {0.5, 0.4, 90},
                                    {0.4, 0.6, 3},  {0.6, 0.5, -3}};
    memset(p, 0, sizeof *p);
    p->seed = 100 + (uint64_t)k;
    p->width = VW, p->height = VH;
    p->um_per_px_x = p->um_per_px_y = um;
    p->cx = pos[k % 8][0] * VW, p->cy = pos[k % 8][1] * VH;
    p->rotation_deg = pos[k % 8][2];
    p->lens = lens;
    p->blur_px = 0.7;
    p->noise_dn = 2;
}

/* Renders views 0..n-1 of a series (tweak, if any, adjusts each view's
 * parameters) and adds them to a new calibrator, each one required to be
 * found. */
static aoi_calibrator *add_views(const aoi_target *t, int n, double um, const aoi_lens *lens,
                                 void (*tweak)(int k, aoi_synth_target_params *p))
{
    aoi_calibrator *c = aoi_calibrator_new(t);
    cr_assert(c, "%s", aoi_errmsg());
    for (int k = 0; k < n; k++) {
        aoi_synth_target_params p;
        aoi_image v;
        view_params(k, um, lens, &p);
        if (tweak)
            tweak(k, &p);
        cr_assert_eq(aoi_synth_target(t, &p, &v), 0, "%s", aoi_errmsg());
        cr_assert_eq(aoi_calibrator_add(c, &v), 0, "view %d: %s", k, aoi_errmsg());
        aoi_image_free(&v);
    }
    return c;
}

static int calibrate_views(const aoi_target *t, int n, double um, const aoi_lens *lens,
                           aoi_calib *cal)
{
    aoi_calibrator *c = add_views(t, n, um, lens, NULL);
    int rc = aoi_calibrator_finish(c, NULL, cal);
    aoi_calibrator_free(c);
    return rc;
}

/* View tweaks of the tests below. */
static void turned_non_square(int k, aoi_synth_target_params *p)
{
    p->rotation_deg = 5;
    p->um_per_px_y = 12.0 * 1.01;
    p->gray = k == 1; /* grey and colour views mix */
}

static void third_view_higher(int k, aoi_synth_target_params *p)
{
    if (k == 2)
        p->um_per_px_x = p->um_per_px_y = 12.2;
}

static void blurred_noisy(int k, aoi_synth_target_params *p)
{
    (void)k;
    p->blur_px = 2.5, p->noise_dn = 12;
}

Test(lens, round_trip_and_opencv_agree)
{
    aoi_lens l = test_lens(VW, VH);
    l.p1 = 0.0007, l.p2 = -0.0004, l.k3 = 0.01;
    const double K[9] = {l.fx, 0, l.cx, 0, l.fy, l.cy, 0, 0, 1};
    const double d[5] = {l.k1, l.k2, l.p1, l.p2, l.k3};
    for (int j = 0; j <= 8; j++)
        for (int i = 0; i <= 8; i++) {
            double xu = (VW - 1) * i / 8.0, yu = (VH - 1) * j / 8.0, xd, yd, x, y, in[2], out[2];
            aoi_lens_distort(&l, xu, yu, &xd, &yd);
            cr_assert_eq(aoi_lens_undistort_point(&l, xd, yd, &x, &y), 0, "%s", aoi_errmsg());
            cr_expect(hypot(x - xu, y - yu) < 1e-6, "round trip off by %g", hypot(x - xu, y - yu));
            in[0] = xd, in[1] = yd;
            cr_assert_eq(aoi_cv_undistort_points(K, d, 1, in, out), 0, "%s", aoi_errmsg());
            cr_expect(hypot(out[0] - xu, out[1] - yu) < 1e-4, "OpenCV differs by %g px",
                      hypot(out[0] - xu, out[1] - yu));
        }
    cr_expect(aoi_lens_max_shift(&l, VW, VH) > 2);
}

#endif /* HAVE_OPENCV */

Test(lens, implausible_lenses_are_refused)
{
    aoi_lens l = test_lens(VW, VH);
    l.k1 = 3;
    cr_expect_eq(aoi_lens_check(&l, VW, VH), -1);
    l = test_lens(VW, VH);
    l.cx = 5000;
    cr_expect_eq(aoi_lens_check(&l, VW, VH), -1);
    cr_expect(strstr(aoi_errmsg(), "principal point") != NULL, "%s", aoi_errmsg());
    l = test_lens(VW, VH);
    l.fy = NAN;
    cr_expect_eq(aoi_lens_check(&l, VW, VH), -1);
    cr_expect_null(aoi_undistorter_new(&l, VW, VH));
}

Test(lens, table_matches_the_model)
{
    aoi_lens l = test_lens(VW, VH);
    aoi_undistorter *u = aoi_undistorter_new(&l, VW, VH);
    double worst = 0;
    cr_assert(u, "%s", aoi_errmsg());
    for (double y = 0; y <= VH - 1; y += 7.3)
        for (double x = 0; x <= VW - 1; x += 5.1) {
            double a, b, c, d;
            aoi_lens_distort(&l, x, y, &a, &b);
            aoi_undistorter_map(u, x, y, &c, &d);
            worst = fmax(worst, hypot(a - c, b - d));
        }
    cr_expect(worst < 0.001, "table error %g px", worst);
    aoi_undistorter_free(u);
}

/* The region remap against a direct per-pixel evaluation, for every format,
 * odd sizes, padded and odd strides, regions crossing the frame edge. */
Test(lens, region_remap_on_odd_sizes_and_strides)
{
    const aoi_format fmts[] = {AOI_FMT_GRAY8, AOI_FMT_RGB, AOI_FMT_BGRX};
    const int W = 203, H = 151;
    aoi_lens l = test_lens(W, H);
    l.fx = l.fy = 180; /* strong: about 3 px at the corners of this small frame */
    aoi_undistorter *u = aoi_undistorter_new(&l, W, H);
    cr_assert(u, "%s", aoi_errmsg());
    for (size_t f = 0; f < sizeof fmts / sizeof *fmts; f++) {
        int bpp = aoi_format_bpp(fmts[f]), bad = 0;
        size_t sstride = (size_t)W * bpp + 13, dstride = 57 * (size_t)bpp + 5;
        uint8_t *sbuf = malloc(sstride * H + 1), *dbuf = malloc(dstride * 41 + 1);
        aoi_image src = {sbuf + 1, W, H, sstride, fmts[f]}, dst = {dbuf + 1, 57, 41, dstride, fmts[f]};
        for (size_t i = 0; i < sstride * H; i++)
            src.data[i] = (uint8_t)((i * 2654435761u) >> 13);
        cr_assert_eq(aoi_undistort_region(u, &src, 160, -5, &dst), 0, "%s", aoi_errmsg());
        for (int y = 0; y < dst.height; y++)
            for (int x = 0; x < dst.width; x++) {
                double xd, yd;
                aoi_undistorter_map(u, 160 + x, -5 + y, &xd, &yd);
                int ix = (int)floor(xd), iy = (int)floor(yd);
                for (int k = 0; k < bpp; k++) {
                    double want = 0;
                    if (ix >= 0 && iy >= 0 && ix + 1 < W && iy + 1 < H) {
                        const uint8_t *p = src.data + (size_t)iy * sstride + (size_t)ix * bpp + k;
                        double ax = xd - ix, ay = yd - iy;
                        want = (1 - ay) * ((1 - ax) * p[0] + ax * p[bpp]) +
                               ay * ((1 - ax) * p[sstride] + ax * p[sstride + bpp]);
                    }
                    bad += fabs(dst.data[(size_t)y * dstride + (size_t)x * bpp + k] - want) > 1.01;
                }
            }
        cr_expect_eq(bad, 0, "%s: %d samples differ", aoi_format_name(fmts[f]), bad);
        aoi_image wrong = {sbuf, W - 1, H, sstride, fmts[f]};
        cr_expect_eq(aoi_undistort_region(u, &wrong, 0, 0, &dst), -1);
        cr_expect(strstr(aoi_errmsg(), "calibration is for") != NULL, "%s", aoi_errmsg());
        free(sbuf);
        free(dbuf);
    }
    aoi_undistorter_free(u);
}

Test(target, parse_format_and_svg)
{
    aoi_target t;
    char buf[64], path[] = "/tmp/f4saoi-target-XXXXXX";
    cr_assert_eq(aoi_target_parse("chessboard:14x10:0.5", &t), 0, "%s", aoi_errmsg());
    cr_expect(t.kind == AOI_TARGET_CHESSBOARD && t.cols == 14 && t.rows == 10 && t.pitch_mm == 0.5);
    aoi_target_format(&t, buf, sizeof buf);
    cr_expect_str_eq(buf, "chessboard:14x10:0.5");
    cr_expect_eq(aoi_target_parse("circles:7x5:1", &t), 0);
    cr_expect(t.kind == AOI_TARGET_CIRCLES);
    cr_expect_eq(aoi_target_parse("checkers:7x5:1", &t), -1);
    cr_expect_eq(aoi_target_parse("chessboard:7x:1", &t), -1);
    cr_expect_eq(aoi_target_parse("chessboard:7x5:0", &t), -1);
    cr_expect_eq(aoi_target_parse("chessboard:1x5:1", &t), -1);
    cr_expect_eq(aoi_target_parse("chessboard:7x5:1mm", &t), -1);

    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    aoi_target_parse("chessboard:5x4:2", &t);
    cr_assert_eq(aoi_target_write_svg(&t, path), 0, "%s", aoi_errmsg());
    FILE *f = fopen(path, "r");
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = 0;
    fclose(f);
    unlink(path);
    int squares = 0;
    for (const char *p = text; (p = strstr(p, "<rect x=")); p++)
        squares++;
    /* 6 x 5 squares, half dark (15), plus the white page and the scale bar. */
    cr_expect_eq(squares, 15 + 2, "%d rects", squares);
    cr_expect(strstr(text, "width=\"20mm\"") != NULL, "true size in mm: %.200s", text);
}

#if HAVE_OPENCV
Test(calib, chessboard_scale_and_distortion_recovered, .timeout = 300)
{
    aoi_target t;
    aoi_calib cal;
    aoi_lens truth = test_lens(VW, VH);
    aoi_target_parse("chessboard:13x9:0.5", &t);
    cr_assert_eq(calibrate_views(&t, 6, 12.0, &truth, &cal), 0, "%s", aoi_errmsg());
    cr_expect(fabs(cal.um_per_px_x / 12.0 - 1) < 0.001, "x %.5f um/px", cal.um_per_px_x);
    cr_expect(fabs(cal.um_per_px_y / 12.0 - 1) < 0.001, "y %.5f um/px", cal.um_per_px_y);
    cr_expect(cal.rms_px < 0.1, "rms %.4f", cal.rms_px);
    cr_expect_eq(cal.views, 6);
    cr_expect(aoi_calib_lens_matters(&cal));

    /* A new view: undistorted corners against their true ideal positions. */
    {
        aoi_synth_target_params p;
        aoi_image v;
        double xy[13 * 9 * 2], sq = 0, th;
        int found = 0;
        view_params(6, 12.0, &truth, &p);
        p.seed = 999;
        cr_assert_eq(aoi_synth_target(&t, &p, &v), 0);
        aoi_image g;
        aoi_image_alloc(&g, v.width, v.height, AOI_FMT_GRAY8);
        for (int y = 0; y < v.height; y++)
            for (int x = 0; x < v.width; x++)
                g.data[(size_t)y * g.stride + x] = v.data[(size_t)y * v.stride + 3 * x + 1];
        cr_assert_eq(aoi_cv_find_chessboard(g.data, g.width, g.height, g.stride, 13, 9, xy,
                                            &found), 0);
        cr_assert(found);
        th = p.rotation_deg * M_PI / 180;
        /* The detector may number the corners from either end of the board. */
        double best = 1e9;
        for (int flip = 0; flip < 2; flip++) {
            sq = 0;
            for (int i = 0; i < 13 * 9; i++) {
                int k = flip ? 13 * 9 - 1 - i : i;
                double X = (k % 13 - 6) * 0.5 * 1000 / 12.0, Y = (k / 13 - 4) * 0.5 * 1000 / 12.0;
                double wx = p.cx + X * cos(th) - Y * sin(th), wy = p.cy + X * sin(th) + Y * cos(th);
                double ux, uy;
                cr_assert_eq(aoi_lens_undistort_point(&cal.lens, xy[2 * i], xy[2 * i + 1], &ux, &uy), 0);
                sq += (ux - wx) * (ux - wx) + (uy - wy) * (uy - wy);
            }
            best = fmin(best, sqrt(sq / (13 * 9)));
        }
        cr_expect(best < 0.1, "residual after undistortion %.4f px", best);
        aoi_image_free(&v);
        aoi_image_free(&g);
    }
}

Test(calib, circle_grid_scale_recovered, .timeout = 300)
{
    aoi_target t;
    aoi_calib cal;
    aoi_lens truth = test_lens(VW, VH);
    aoi_target_parse("circles:11x8:0.8", &t);
    cr_assert_eq(calibrate_views(&t, 5, 15.0, &truth, &cal), 0, "%s", aoi_errmsg());
    cr_expect(fabs(cal.um_per_px_x / 15.0 - 1) < 0.001, "x %.5f um/px", cal.um_per_px_x);
    cr_expect(fabs(cal.um_per_px_y / 15.0 - 1) < 0.001, "y %.5f um/px", cal.um_per_px_y);
    cr_expect(cal.rms_px < 0.1, "rms %.4f", cal.rms_px);
}

/* Chrome circles on dark glass: the inverted picture is found as well. */
Test(calib, light_circles_on_dark_ground_found, .timeout = 300)
{
    aoi_target t;
    aoi_calibrator *c;
    aoi_calib cal;
    aoi_target_parse("circles:11x8:0.8", &t);
    c = aoi_calibrator_new(&t);
    for (int k = 0; k < 3; k++) {
        aoi_synth_target_params p;
        aoi_image v;
        view_params(k, 15.0, NULL, &p);
        cr_assert_eq(aoi_synth_target(&t, &p, &v), 0);
        for (int y = 0; y < v.height; y++)
            for (int x = 0; x < 3 * v.width; x++)
                v.data[(size_t)y * v.stride + x] = (uint8_t)(255 - v.data[(size_t)y * v.stride + x]);
        cr_assert_eq(aoi_calibrator_add(c, &v), 0, "view %d: %s", k, aoi_errmsg());
        aoi_image_free(&v);
    }
    cr_assert_eq(aoi_calibrator_finish(c, NULL, &cal), 0, "%s", aoi_errmsg());
    cr_expect(fabs(aoi_calib_um_per_px(&cal) / 15.0 - 1) < 0.001, "%.5f", aoi_calib_um_per_px(&cal));
    aoi_calibrator_free(c);
}

Test(calib, rotation_and_non_square_pixels_measured, .timeout = 300)
{
    aoi_target t;
    aoi_calibrator *c;
    aoi_calib cal;
    aoi_target_parse("chessboard:13x9:0.5", &t);
    c = add_views(&t, 3, 12.0, NULL, turned_non_square);
    cr_assert_eq(aoi_calibrator_finish(c, NULL, &cal), 0, "%s", aoi_errmsg());
    cr_expect(fabs(cal.um_per_px_y / cal.um_per_px_x - 1.01) < 0.001, "%.5f x %.5f",
              cal.um_per_px_x, cal.um_per_px_y);
    cr_expect(fabs(cal.rotation_deg - 5) < 0.05, "rotation %.3f", cal.rotation_deg);
    cr_expect_not(aoi_calib_lens_matters(&cal), "no distortion was rendered");
    aoi_calibrator_free(c);
}

Test(calib, colour_gains_make_the_white_grey, .timeout = 300)
{
    aoi_target t;
    aoi_calibrator *c;
    aoi_calib cal;
    aoi_target_parse("chessboard:13x9:0.5", &t);
    c = aoi_calibrator_new(&t);
    for (int k = 0; k < 3; k++) {
        aoi_synth_target_params p;
        aoi_image v;
        view_params(k, 12.0, NULL, &p);
        p.gain[0] = 1.15, p.gain[1] = 1.0, p.gain[2] = 0.8;
        cr_assert_eq(aoi_synth_target(&t, &p, &v), 0);
        cr_assert_eq(aoi_calibrator_add(c, &v), 0, "%s", aoi_errmsg());
        cr_assert_eq(aoi_calibrator_add_white(c, &v, 0, 0, 0, 0), 0, "%s", aoi_errmsg());
        /* An explicit patch outside the view is refused. */
        cr_expect_eq(aoi_calibrator_add_white(c, &v, VW - 5, 0, 10, 10), -1);
        aoi_image_free(&v);
    }
    cr_assert_eq(aoi_calibrator_finish(c, NULL, &cal), 0, "%s", aoi_errmsg());
    cr_assert(cal.has_gains);
    /* The light cells' DN are 255 (0.8 g)^(1/2.2): the gains must undo the cast. */
    double dn[3];
    const double g[3] = {1.15, 1.0, 0.8};
    for (int q = 0; q < 3; q++)
        dn[q] = cal.gain[q] * 255 * pow(0.8 * g[q], 1 / 2.2);
    cr_expect(fabs(dn[0] / dn[1] - 1) < 0.01 && fabs(dn[2] / dn[1] - 1) < 0.01,
              "balanced white %.1f %.1f %.1f (gains %.3f %.3f %.3f)", dn[0], dn[1], dn[2],
              cal.gain[0], cal.gain[1], cal.gain[2]);
    aoi_calibrator_free(c);
}

Test(calib, poor_calibrations_are_refused, .timeout = 300)
{
    aoi_target t;
    aoi_calib cal;
    aoi_calibrator *c;
    aoi_image blank;
    aoi_target_parse("chessboard:13x9:0.5", &t);

    /* Target not found. */
    c = aoi_calibrator_new(&t);
    aoi_image_alloc(&blank, VW, VH, AOI_FMT_RGB);
    memset(blank.data, 128, blank.stride * VH);
    cr_expect_eq(aoi_calibrator_add(c, &blank), -1);
    cr_expect(strstr(aoi_errmsg(), "not found") != NULL, "%s", aoi_errmsg());
    /* Too few views. */
    cr_expect_eq(aoi_calibrator_finish(c, NULL, &cal), -1);
    cr_expect(strstr(aoi_errmsg(), "at least 3") != NULL, "%s", aoi_errmsg());
    aoi_calibrator_free(c);

    /* Wrong target size: 13x9 asked, 11x8 shown. */
    {
        aoi_target other;
        aoi_synth_target_params p;
        aoi_image v;
        aoi_target_parse("chessboard:11x8:0.5", &other);
        c = aoi_calibrator_new(&t);
        view_params(0, 12.0, NULL, &p);
        cr_assert_eq(aoi_synth_target(&other, &p, &v), 0);
        cr_expect_eq(aoi_calibrator_add(c, &v), -1);
        aoi_image_free(&v);
        aoi_calibrator_free(c);
    }

    /* Scales inconsistent between views (the target not at board height). */
    c = add_views(&t, 3, 12.0, NULL, third_view_higher);
    cr_expect_eq(aoi_calibrator_finish(c, NULL, &cal), -1);
    cr_expect(strstr(aoi_errmsg(), "scales differ") != NULL, "%s", aoi_errmsg());
    aoi_calibrator_free(c);

    /* Reprojection error above the limit (the target is blurred and noisy,
     * the limit strict). */
    c = add_views(&t, 3, 12.0, NULL, blurred_noisy);
    {
        aoi_calib_limits lim;
        aoi_calib_limits_default(&lim);
        lim.max_rms_px = 0.02;
        cr_expect_eq(aoi_calibrator_finish(c, &lim, &cal), -1);
        cr_expect(strstr(aoi_errmsg(), "reprojection error") != NULL, "%s", aoi_errmsg());
        cr_expect(cal.rms_px > 0.02, "rms %.4f", cal.rms_px);
    }
    aoi_calibrator_free(c);

    /* Views of different sizes. */
    c = aoi_calibrator_new(&t);
    {
        aoi_synth_target_params p;
        aoi_image v;
        view_params(0, 12.0, NULL, &p);
        cr_assert_eq(aoi_synth_target(&t, &p, &v), 0);
        cr_assert_eq(aoi_calibrator_add(c, &v), 0, "%s", aoi_errmsg());
        v.width -= 1;
        cr_expect_eq(aoi_calibrator_add(c, &v), -1);
        cr_expect(strstr(aoi_errmsg(), "earlier views") != NULL, "%s", aoi_errmsg());
        v.width += 1;
        aoi_image_free(&v);
    }
    aoi_calibrator_free(c);
    aoi_image_free(&blank);
}

/* Writes text to a temporary file; returns its path (static buffer). */
static const char *temp_file(const char *text)
{
    static char path[64];
    strcpy(path, "/tmp/f4saoi-calib-XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

Test(calib, files_round_trip_and_malformed_ones_are_refused, .timeout = 300)
{
    aoi_target t;
    aoi_calib cal, back;
    aoi_lens truth = test_lens(VW, VH);
    char path[] = "/tmp/f4saoi-calfile-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    aoi_target_parse("chessboard:13x9:0.5", &t);
    cr_assert_eq(calibrate_views(&t, 4, 10.0, &truth, &cal), 0, "%s", aoi_errmsg());
    cal.has_gains = 1, cal.gain[0] = 1.1, cal.gain[1] = 1, cal.gain[2] = 0.9;
    cr_assert_eq(aoi_calib_save(&cal, &t, path), 0, "%s", aoi_errmsg());
    cr_assert_eq(aoi_calib_load(path, &back), 0, "%s", aoi_errmsg());
    unlink(path);
    cr_expect(fabs(back.um_per_px_x - cal.um_per_px_x) < 1e-9);
    cr_expect(back.has_lens && back.width == VW && back.height == VH);
    cr_expect(fabs(back.lens.k1 - cal.lens.k1) < 1e-12 && fabs(back.lens.fx - cal.lens.fx) < 1e-9);
    cr_expect(back.has_gains && fabs(back.gain[2] - 0.9) < 1e-12);
    cr_expect_eq(back.views, 4);

    static const struct {
        const char *text, *says;
    } bad[] = {
        {"", "not valid JSON"},
        {"{\"format\":\"f4saoi-calibration\",\"version\":1,\"um_per_px\":[10,10],", "not valid JSON"},
        {"{\"format\":\"other\",\"version\":1,\"um_per_px\":[10,10]}", "'format'"},
        {"{\"format\":\"f4saoi-calibration\",\"version\":2,\"um_per_px\":[10,10]}", "version"},
        {"{\"format\":\"f4saoi-calibration\",\"version\":1,\"um_per_px\":[10]}", "'um_per_px'"},
        {"{\"format\":\"f4saoi-calibration\",\"version\":1,\"um_per_px\":[10,10],"
         "\"distortion\":[0,0,0,0,0]}", "go together"},
        {"{\"format\":\"f4saoi-calibration\",\"version\":1,\"um_per_px\":[10,10],"
         "\"camera_matrix\":[[1000,0,640],[0,1000,480],[0,0,1]],\"distortion\":[0,0,0,0]}",
         "'distortion'"},
        {"{\"format\":\"f4saoi-calibration\",\"version\":1,\"um_per_px\":[10,10],"
         "\"camera_matrix\":[[1000,0,640],[0,1000,480],[0,0,1]],\"distortion\":[0,0,0,0,0]}",
         "'image_size'"},
        {"{\"format\":\"f4saoi-calibration\",\"version\":1,\"um_per_px\":[10,10],"
         "\"camera_matrix\":[[1000,0,640],[0,1000,480],[0,0,1]],\"distortion\":[5,0,0,0,0],"
         "\"image_size\":[1280,960]}", "distortion moves"},
        {"{\"format\":\"f4saoi-calibration\",\"version\":1,\"um_per_px\":[10,10],"
         "\"gains\":[1,1]}", "'gains'"},
        {"{\"format\":\"f4saoi-calibration\",\"version\":1,\"um_per_px\":[10,10],"
         "\"gains\":[1,1,50]}", "outside"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *p = temp_file(bad[i].text);
        cr_expect_eq(aoi_calib_load(p, &back), -1, "case %zu accepted", i);
        cr_expect(strstr(aoi_errmsg(), bad[i].says) && strstr(aoi_errmsg(), p),
                  "case %zu: '%s' should name the file and say '%s'", i, aoi_errmsg(), bad[i].says);
        unlink(p);
    }
}

#else
/* Without OpenCV a calibration is refused with a message that says why,
 * before any view is taken. */
Test(calib, refused_clearly_without_opencv)
{
    aoi_target t;
    aoi_calib cal;
    aoi_image v;
    cr_assert_eq(aoi_target_parse("chessboard:13x9:0.5", &t), 0, "%s", aoi_errmsg());
    aoi_calibrator *c = aoi_calibrator_new(&t);
    cr_assert(c, "%s", aoi_errmsg());
    cr_assert_eq(aoi_image_alloc(&v, 64, 48, AOI_FMT_GRAY8), 0);
    memset(v.data, 128, v.stride * (size_t)v.height);
    cr_expect_eq(aoi_calibrator_add(c, &v), -1);
    cr_expect(strstr(aoi_errmsg(), "no OpenCV") != NULL, "%s", aoi_errmsg());
    cr_expect_eq(aoi_calibrator_finish(c, NULL, &cal), -1);
    cr_expect(strstr(aoi_errmsg(), "no OpenCV") != NULL, "%s", aoi_errmsg());
    aoi_calibrator_free(c);
    aoi_image_free(&v);
}
#endif /* HAVE_OPENCV */

/* The same board seen through the test lens and through a perfect one. */
static void render_board(const aoi_part *part, uint64_t seed, unsigned defects,
                         const aoi_lens *lens, aoi_image *img, aoi_result *truth)
{
    aoi_synth_params p;
    aoi_synth_params_default(&p);
    p.seed = seed;
    p.defects = defects;
    p.um_per_px = 12;
    p.rotation = 0;
    p.lighting = 0;
    p.mask = 0;
    p.width = VW, p.height = VH;
    p.lens = lens;
    cr_assert_eq(aoi_synth_render(part, &p, img, truth, NULL, NULL), 0, "%s", aoi_errmsg());
}

static void inspect_board(const aoi_part *part, const aoi_image *img, const aoi_calib *cal,
                          aoi_result *res)
{
    aoi_thresholds t;
    cr_assert_eq(aoi_thresholds_load_default(NULL, &t), 0, "%s", aoi_errmsg());
    aoi_inspector *in = aoi_inspector_new(part, 12, 0, &t, NULL);
    cr_assert(in, "%s", aoi_errmsg());
    if (cal)
        cr_assert_eq(aoi_inspector_set_calib(in, cal), 0, "%s", aoi_errmsg());
    aoi_result_init(res);
    aoi_inspect(in, img, res, NULL);
    aoi_inspector_free(in);
}

Test(calib, inspection_through_the_lens_equals_the_undistorted_view, .timeout = 600)
{
    aoi_part *part = aoi_part_load("AXT640124", NULL);
    aoi_lens lens = test_lens(VW, VH);
    aoi_calib cal = {.um_per_px_x = 12, .um_per_px_y = 12, .width = VW, .height = VH,
                     .has_lens = 1, .lens = lens};
    double worst_raw = 0, worst_cal = 0;
    cr_assert(part, "%s", aoi_errmsg());
    for (int k = 0; k < 3; k++) {
        aoi_image plain, bent;
        aoi_result truth, t2, r0, r1, r2;
        unsigned defects = k == 1 ? 1u << AOI_DEFECT_BRIDGE : k == 2 ? 1u << AOI_DEFECT_FLUX_RISE : 0;
        render_board(part, 40 + (uint64_t)k, defects, NULL, &plain, &truth);
        render_board(part, 40 + (uint64_t)k, defects, &lens, &bent, &t2);
        inspect_board(part, &plain, NULL, &r0);
        inspect_board(part, &bent, &cal, &r1);
        inspect_board(part, &bent, NULL, &r2);
        cr_assert(r0.has_pose && r1.has_pose, "%s", r1.error ? r1.error : "");
        cr_expect_eq(r1.verdict, r0.verdict, "board %d: %s through the lens, %s without", k,
                     aoi_verdict_name(r1.verdict), aoi_verdict_name(r0.verdict));
        cr_expect_eq(r1.ndefects, r0.ndefects, "board %d", k);
        for (size_t d = 0; d < r0.ndefects && d < r1.ndefects; d++)
            cr_expect_eq(r1.defects[d].type, r0.defects[d].type);
        double e1 = hypot(r1.pose.x_px - truth.pose.x_px, r1.pose.y_px - truth.pose.y_px);
        double e0 = hypot(r0.pose.x_px - truth.pose.x_px, r0.pose.y_px - truth.pose.y_px);
        worst_cal = fmax(worst_cal, e1 - e0);
        cr_expect(e1 < e0 + 0.3, "board %d: pose %.3f px off through the lens, %.3f plain", k, e1, e0);
        if (r2.has_pose)
            worst_raw = fmax(worst_raw, hypot(r2.pose.x_px - truth.pose.x_px,
                                              r2.pose.y_px - truth.pose.y_px));
        aoi_image_free(&plain);
        aoi_image_free(&bent);
        aoi_result_clear(&truth);
        aoi_result_clear(&t2);
        aoi_result_clear(&r0);
        aoi_result_clear(&r1);
        aoi_result_clear(&r2);
    }
    cr_log_info("pose error: %.3f px worse with the calibration; %.3f px without it", worst_cal,
                worst_raw);
    aoi_part_free(part);
}

/* Per-pin measures (wet ratio, flux cover) of a frame, summed differences
 * against a reference set. */
static double measure_gap(const aoi_part *part, const aoi_image *img, const aoi_calib *cal,
                          aoi_joint *ref, size_t *n)
{
    aoi_thresholds t;
    aoi_result res;
    aoi_inspect_info info;
    double gap = 0;
    cr_assert_eq(aoi_thresholds_load_default(NULL, &t), 0, "%s", aoi_errmsg());
    aoi_inspector *in = aoi_inspector_new(part, 12, 0, &t, NULL);
    if (cal)
        cr_assert_eq(aoi_inspector_set_calib(in, cal), 0, "%s", aoi_errmsg());
    aoi_result_init(&res);
    cr_assert_eq(aoi_inspect(in, img, &res, &info), 0, "%s", res.error ? res.error : "");
    if (*n == 0) {
        *n = info.njoints;
        memcpy(ref, info.joints, sizeof *ref * info.njoints);
    } else {
        for (size_t i = 0; i < info.njoints && i < *n; i++) {
            if (isfinite(ref[i].wet_ratio) && isfinite(info.joints[i].wet_ratio))
                gap += fabs(ref[i].wet_ratio - info.joints[i].wet_ratio);
            if (isfinite(ref[i].flux_cover) && isfinite(info.joints[i].flux_cover))
                gap += fabs(ref[i].flux_cover - info.joints[i].flux_cover);
        }
    }
    aoi_result_clear(&res);
    aoi_inspector_free(in);
    return gap;
}

/* Colour gains are applied by the inspection: a frame with a red cast,
 * inspected with the gains that undo it, measures as the clean frame does
 * (closer than without the gains) and gets its record. */
Test(calib, inspection_applies_the_gains, .timeout = 300)
{
    aoi_part *part = aoi_part_load("AXT640124", NULL);
    aoi_image img, cast;
    aoi_result truth, r0, r1;
    aoi_calib cal = {.um_per_px_x = 12, .um_per_px_y = 12, .has_gains = 1, .gain = {1 / 0.7, 1, 1}};
    aoi_joint ref[128];
    size_t n = 0;
    cr_assert(part, "%s", aoi_errmsg());
    render_board(part, 77, 1u << AOI_DEFECT_FLUX_RISE, NULL, &img, &truth);
    cr_assert_eq(aoi_image_alloc(&cast, img.width, img.height, AOI_FMT_RGB), 0);
    for (int y = 0; y < img.height; y++)
        for (int x = 0; x < img.width; x++) {
            const uint8_t *s = img.data + (size_t)y * img.stride + 3 * (size_t)x;
            uint8_t *d = cast.data + (size_t)y * cast.stride + 3 * (size_t)x;
            d[0] = (uint8_t)lrint(s[0] * 0.7);
            d[1] = s[1], d[2] = s[2];
        }
    inspect_board(part, &img, NULL, &r0);
    inspect_board(part, &cast, &cal, &r1);
    cr_expect_eq(r1.verdict, r0.verdict);
    cr_expect_eq(r1.ndefects, r0.ndefects);
    for (size_t d = 0; d < r0.ndefects && d < r1.ndefects; d++)
        cr_expect_eq(r1.defects[d].type, r0.defects[d].type);
    cr_expect(fabs(r1.pose.x_px - r0.pose.x_px) < 0.05);

    measure_gap(part, &img, NULL, ref, &n);
    double with = measure_gap(part, &cast, &cal, ref, &n);
    double without = measure_gap(part, &cast, NULL, ref, &n);
    cr_log_info("per-pin measures differ by %.3f with the gains, %.3f without", with, without);
    cr_expect(with < 0.5 * without, "gains: %.3f, none: %.3f", with, without);

    aoi_image_free(&img);
    aoi_image_free(&cast);
    aoi_result_clear(&truth);
    aoi_result_clear(&r0);
    aoi_result_clear(&r1);
    aoi_part_free(part);
}
