/* bench_register.c - registration and full inspection speed on a 2448x2048
 * RGB frame with an 80-pin footprint, beside baselines measured in the same
 * run on the same frame: memcpy of the frame, the SIMD reduction pass alone,
 * and OpenCV matchTemplate (TM_CCOEFF_NORMED) of a rasterised footprint over
 * the full frame.  Medians over repeated runs; the machine is shared and
 * noisy. */
#include "bench_util.h"
#include "aoi/cvwrap.h"
#include "aoi/error.h"
#include "aoi/inspect.h"
#include "aoi/lens.h"
#include "aoi/part.h"
#include "aoi/register.h"
#include "aoi/simd.h"
#include "aoi/synth.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REPS 15

/* REPS inspections of img: the whole time of each in t[], the joints' and
 * the registration's (where not NULL) in joints[], reg[]; returns how many
 * were tracked. */
static int time_inspect(aoi_inspector *in, const aoi_image *img, aoi_result *res, double *t,
                        double *joints, double *reg)
{
    aoi_inspect_info info;
    int tracked = 0;
    for (int i = 0; i < REPS; i++) {
        double t0 = bench_now_ms();
        if (aoi_inspect(in, img, res, &info) < 0)
            fprintf(stderr, "inspect: %s\n", aoi_errmsg());
        t[i] = bench_now_ms() - t0;
        if (joints)
            joints[i] = info.inspect_ms;
        if (reg)
            reg[i] = info.register_ms;
        tracked += info.tracked;
    }
    return tracked;
}

int main(int argc, char **argv)
{
    const char *partname = argc > 1 ? argv[1] : "AXT680124";
    aoi_part *part = aoi_part_load(partname, NULL);
    aoi_synth_params p;
    aoi_image img, grey;
    aoi_result truth;
    double t_reg[REPS], t_hint[REPS], t_copy[REPS], t_reduce[REPS], t_cv[3];
    aoi_pose pose;
    aoi_register_info info;
    double coarse_ms[REPS], fine_ms[REPS];

    if (!part) {
        fprintf(stderr, "%s\n", aoi_errmsg());
        return 1;
    }
    bench_frame_params(&p);
    if (aoi_synth_render(part, &p, &img, &truth, NULL, NULL) < 0) {
        fprintf(stderr, "synth: %s\n", aoi_errmsg());
        return 1;
    }
    aoi_registrar *r = aoi_registrar_new(part, 9.0, 0);
    uint8_t *copy = malloc(img.stride * img.height);
    if (aoi_image_alloc(&grey, img.width / 4, img.height / 4, AOI_FMT_GRAY8) < 0 || !r || !copy)
        return 1;
    for (int i = 0; i < REPS; i++) {
        double t0 = bench_now_ms();
        memcpy(copy, img.data, img.stride * img.height);
        t_copy[i] = bench_now_ms() - t0;
        t0 = bench_now_ms();
        aoi_reduce_max(img.data, img.width, img.height, img.stride, 3, 0, 4, grey.data, grey.stride);
        t_reduce[i] = bench_now_ms() - t0;
        t0 = bench_now_ms();
        if (aoi_register(r, &img, NULL, &pose, &info) < 0)
            fprintf(stderr, "register: %s\n", aoi_errmsg());
        t_reg[i] = bench_now_ms() - t0;
        coarse_ms[i] = info.coarse_ms;
        fine_ms[i] = info.fine_ms;
        aoi_register_hint hint = {truth.pose.x_px + 30, truth.pose.y_px - 20, 1.0};
        t0 = bench_now_ms();
        if (aoi_register(r, &img, &hint, &pose, NULL) < 0)
            fprintf(stderr, "register (hint): %s\n", aoi_errmsg());
        t_hint[i] = bench_now_ms() - t0;
    }
    double err = hypot(pose.x_px - truth.pose.x_px, pose.y_px - truth.pose.y_px);

    /* Registration plus inspection of every joint (one core). */
    double t_insp[REPS], t_joints[REPS], t_track[REPS], t_track_reg[REPS];
    int tracked;
    {
        aoi_thresholds th;
        if (aoi_thresholds_load_default(NULL, &th) < 0) {
            fprintf(stderr, "%s\n", aoi_errmsg());
            return 1;
        }
        aoi_inspector *in = aoi_inspector_new(part, 9.0, 0, &th, NULL);
        aoi_result res;
        aoi_inspect_info info2;
        aoi_result_init(&res);
        time_inspect(in, &img, &res, t_insp, t_joints, NULL);
        /* Tracking (a fixtured board, the same frame again): each
         * registration is refined from the previous frame's pose. */
        aoi_inspector_set_tracking(in, 1);
        if (aoi_inspect(in, &img, &res, &info2) < 0)
            fprintf(stderr, "inspect: %s\n", aoi_errmsg());
        tracked = time_inspect(in, &img, &res, t_track, NULL, t_track_reg);
        aoi_result_clear(&res);
        aoi_inspector_free(in);
    }

    /* The same board turned 90 degrees (a 2048 x 2448 frame): the strips'
     * rows then run down the frame's columns. */
    double t_r90[REPS], t_r90_joints[REPS];
    {
        aoi_thresholds th;
        aoi_synth_params rp = p;
        aoi_image rimg;
        aoi_result rtruth, res;
        rp.rotation = 90, rp.width = p.height, rp.height = p.width;
        if (aoi_synth_render(part, &rp, &rimg, &rtruth, NULL, NULL) < 0 ||
            aoi_thresholds_load_default(NULL, &th) < 0) {
            fprintf(stderr, "%s\n", aoi_errmsg());
            return 1;
        }
        aoi_inspector *in = aoi_inspector_new(part, 9.0, 90, &th, NULL);
        if (!in) {
            fprintf(stderr, "%s\n", aoi_errmsg());
            return 1;
        }
        aoi_result_init(&res);
        time_inspect(in, &rimg, &res, t_r90, t_r90_joints, NULL);
        aoi_result_clear(&res);
        aoi_inspector_free(in);
        aoi_image_free(&rimg);
        aoi_result_clear(&rtruth);
    }

    /* Through a lens (k1 -0.05 at f = 2448: 30 px at the corners): the
     * footprint's region undistorted alone, and the whole inspection. */
    double t_und[REPS], t_lens[REPS];
    int uw = 0, uh = 0;
    {
        aoi_thresholds th;
        aoi_calib cal = {.um_per_px_x = 9, .um_per_px_y = 9, .width = img.width,
                         .height = img.height, .has_lens = 1,
                         .lens = {2448, 2448, (img.width - 1) / 2.0, (img.height - 1) / 2.0, -0.05,
                                  0, 0, 0, 0}};
        aoi_undistorter *u = aoi_undistorter_new(&cal.lens, img.width, img.height);
        aoi_rect e = aoi_part_extent(part);
        aoi_image reg, bent;
        aoi_result btruth;
        aoi_synth_params bp = p;
        bp.lens = &cal.lens; /* the same board seen through the lens */
        if (aoi_synth_render(part, &bp, &bent, &btruth, NULL, NULL) < 0) {
            fprintf(stderr, "synth: %s\n", aoi_errmsg());
            return 1;
        }
        uw = (int)((e.x1 - e.x0 + 1.2) * 1000 / 9.0), uh = (int)((e.y1 - e.y0 + 1.2) * 1000 / 9.0);
        if (!u || aoi_image_alloc(&reg, uw, uh, AOI_FMT_RGB) < 0 ||
            aoi_thresholds_load_default(NULL, &th) < 0) {
            fprintf(stderr, "%s\n", aoi_errmsg());
            return 1;
        }
        aoi_inspector *in = aoi_inspector_new(part, 9.0, 0, &th, NULL);
        aoi_result res;
        aoi_result_init(&res);
        if (!in || aoi_inspector_set_calib(in, &cal) < 0) {
            fprintf(stderr, "%s\n", aoi_errmsg());
            return 1;
        }
        for (int i = 0; i < REPS; i++) {
            double t0 = bench_now_ms();
            aoi_undistort_region(u, &bent, (int)btruth.pose.x_px - uw / 2,
                                 (int)btruth.pose.y_px - uh / 2, &reg);
            t_und[i] = bench_now_ms() - t0;
            t0 = bench_now_ms();
            if (aoi_inspect(in, &bent, &res, NULL) < 0)
                fprintf(stderr, "inspect (lens): %s\n", aoi_errmsg());
            t_lens[i] = bench_now_ms() - t0;
        }
        aoi_result_clear(&res);
        aoi_inspector_free(in);
        aoi_undistorter_free(u);
        aoi_image_free(&reg);
        aoi_image_free(&bent);
        aoi_result_clear(&btruth);
    }

    /* OpenCV baseline: the footprint's pads rasterised at the same scale,
     * matched over the whole frame's grey image. */
    {
        aoi_image g;
        aoi_rect e = aoi_part_extent(part);
        double k = 1000.0 / 9.0;
        int tw = (int)((e.x1 - e.x0) * k), th = (int)((e.y1 - e.y0) * k);
        uint8_t *tpl = calloc((size_t)tw * th, 1);
        const aoi_pad *pads = aoi_part_pads(part);
        aoi_image_alloc(&g, img.width, img.height, AOI_FMT_GRAY8);
        aoi_reduce_max(img.data, img.width, img.height, img.stride, 3, 0, 1, g.data, g.stride);
        for (size_t q = 0; q < aoi_part_pad_count(part); q++)
            for (int y = 0; y < th; y++)
                for (int x = 0; x < tw; x++) {
                    double u = e.x0 + x / k, v = e.y0 + y / k;
                    if (fabs(u - pads[q].cx) <= pads[q].w / 2 && fabs(v - pads[q].cy) <= pads[q].h / 2)
                        tpl[(size_t)y * tw + x] = 255;
                }
        for (int i = 0; i < 3; i++) {
            double x, y, s, t0 = bench_now_ms();
            aoi_cv_match_template(g.data, g.width, g.height, g.stride, tpl, tw, th, (size_t)tw, &x, &y, &s);
            t_cv[i] = bench_now_ms() - t0;
        }
        free(tpl);
        aoi_image_free(&g);
    }
    double mreg = bench_median(t_reg, REPS), mcopy = bench_median(t_copy, REPS), mred = bench_median(t_reduce, REPS);
    double mhint = bench_median(t_hint, REPS), mcv = bench_median(t_cv, 3);
    printf("frame 2448x2048 RGB (%.1f MB), %s at 9 um/px, SIMD %s\n",
           img.stride * img.height / 1e6, partname, aoi_isa_name(aoi_simd_isa()));
    printf("registration error vs truth: %.3f px\n", err);
    printf("%-40s %10.3f ms\n", "memcpy of the frame", mcopy);
    printf("%-40s %10.3f ms\n", "max-channel 4x4 reduction (one pass)", mred);
    printf("%-40s %10.3f ms  (coarse %.3f, fine %.3f: %d fine fits)\n",
           "registration, full-frame search", mreg, bench_median(coarse_ms, REPS),
           bench_median(fine_ms, REPS), info.fits);
    printf("%-40s %10.3f ms\n", "registration, hint +-1 mm", mhint);
    printf("%-40s %10.3f ms  (joints alone %.3f)\n", "registration + inspection of all joints",
           bench_median(t_insp, REPS), bench_median(t_joints, REPS));
    printf("%-40s %10.3f ms  (joints alone %.3f)\n", "the same board at rotation 90",
           bench_median(t_r90, REPS), bench_median(t_r90_joints, REPS));
    printf("%-40s %10.3f ms  (registration %.3f; %d of %d frames tracked)\n",
           "the same, tracking the previous pose", bench_median(t_track, REPS),
           bench_median(t_track_reg, REPS), tracked, REPS);
    printf("%-40s %10.3f ms  (%dx%d RGB)\n", "undistort the footprint's region", bench_median(t_und, REPS), uw, uh);
    printf("%-40s %10.3f ms\n", "registration + inspection through a lens", bench_median(t_lens, REPS));
    printf("%-40s %10.3f ms\n", "OpenCV matchTemplate CCOEFF_NORMED", mcv);
    printf("ratios: registration / memcpy %.1fx, OpenCV / registration %.1fx, inspection / memcpy "
           "%.1fx, OpenCV / inspection %.1fx\n",
           mreg / mcopy, mcv / mreg, bench_median(t_insp, REPS) / mcopy, mcv / bench_median(t_insp, REPS));
    aoi_registrar_free(r);
    aoi_image_free(&img);
    aoi_image_free(&grey);
    aoi_result_clear(&truth);
    aoi_part_free(part);
    free(copy);
    return 0;
}
