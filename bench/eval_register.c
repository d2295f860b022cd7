/* eval_register.c - registration accuracy on generated frames spanning the
 * imaging contract, reported per condition.
 * Usage: eval_register [N] [PART...]   (default 60 frames over 4 parts)
 * EVAL_ONLY=I: frame I alone, its truth and fit drawn in /tmp/eval.png;
 * EVAL_FRAMES=1: a line per frame (error along and across the rows, the
 * frame's conditions); EVAL_FROM=K: frames K..N-1 only (a held-out set). */
#include "aoi/error.h"
#include "aoi/part.h"
#include "aoi/register.h"
#include "aoi/synth.h"
#include "register/register_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char name[64];
    int n, slips, notfound;
    double pos[4096], rot[4096];
} stat;

static stat stats[64];
static int nstats;

static stat *get(const char *name)
{
    for (int i = 0; i < nstats; i++)
        if (!strcmp(stats[i].name, name))
            return &stats[i];
    snprintf(stats[nstats].name, sizeof stats[0].name, "%s", name);
    return &stats[nstats++];
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void add(const char *name, double pe, double re, int slip, int nf)
{
    stat *s = get(name);
    if (nf) {
        s->notfound++;
        return;
    }
    s->pos[s->n] = pe;
    s->rot[s->n] = re;
    s->n++;
    s->slips += slip;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 60;
    const char *defparts[] = {"AXT640124", "AXT540124", "AXT610124", "AXT680124"};
    const char **parts = argc > 2 ? (const char **)argv + 2 : defparts;
    int nparts = argc > 2 ? argc - 2 : 4;
    double t_total = 0;

    int only = getenv("EVAL_ONLY") ? atoi(getenv("EVAL_ONLY")) : -1;
    int from = getenv("EVAL_FROM") ? atoi(getenv("EVAL_FROM")) : 0;
    for (int i = 0; i < n; i++) {
        if ((only >= 0 && i != only) || i < from)
            continue;
        aoi_part *part = aoi_part_load(parts[i % nparts], NULL);
        aoi_synth_params p;
        aoi_image img;
        aoi_result truth;
        aoi_pose pose;
        aoi_register_info info;
        if (!part) {
            fprintf(stderr, "%s\n", aoi_errmsg());
            return 1;
        }
        aoi_synth_params_default(&p);
        p.seed = 1000 + (uint64_t)i;
        p.defects = (i % 3 == 0) ? (1u << (i / 3 % 6)) : 0;
        p.gray = i % 7 == 3;
        if (aoi_synth_render(part, &p, &img, &truth, NULL, NULL) < 0) {
            fprintf(stderr, "synth: %s\n", aoi_errmsg());
            return 1;
        }
        const char *rs = strstr(truth.extra_json, "\"rotation\":");
        const char *us = strstr(truth.extra_json, "\"um_per_px_stated\":");
        int rot = atoi(rs + 11);
        double um = strtod(us + 19, NULL);
        aoi_registrar *r = aoi_registrar_new(part, um, rot);
        int rc = aoi_register(r, &img, NULL, &pose, &info);
        double pe = hypot(pose.x_px - truth.pose.x_px, pose.y_px - truth.pose.y_px);
        double re = fabs(pose.theta_deg - truth.pose.theta_deg);
        int slip = pe * um / 1000 > 0.2;
        t_total += info.coarse_ms + info.fine_ms;
        char cond[64];
        const char *l = strstr(truth.extra_json, "\"lighting\":\"") + 12;
        const char *m = strstr(truth.extra_json, "\"mask\":\"") + 8;
        if (only >= 0) {
            printf("truth (%.2f, %.2f, %.3f) um %.4f\n", truth.pose.x_px, truth.pose.y_px, truth.pose.theta_deg, truth.pose.um_per_px);
            {
                candidate tc = {truth.pose.x_px,
                                truth.pose.y_px,
                                truth.pose.theta_deg,
                                0,
                                {0, 0, 0},
                                um / truth.pose.um_per_px,
                                0};
                aoi__register_mask_colour(r, &img, &tc);
                printf("mask colour %d %d %d; score at truth %.3f\n", tc.mask[0], tc.mask[1],
                       tc.mask[2],
                       aoi__register_score(r, &img, &tc, um / truth.pose.um_per_px, -1, 1,
                                           &tc.strict));
                candidate fc = tc;
                double sc; int in;
                aoi__register_fine(r, &img, &fc, FIT_PLAIN, &sc, &in);
                printf("fine from truth: (%.2f, %.2f, %.3f) scale %.4f score %.3f\n", fc.x, fc.y, fc.th, sc, fc.score);
            }
            /* Pad outlines: truth in green, found in red (a grey frame drawn
             * on an RGB copy). */
            if (img.format == AOI_FMT_GRAY8) {
                aoi_image rgb;
                if (aoi_image_alloc(&rgb, img.width, img.height, AOI_FMT_RGB) == 0) {
                    for (int y = 0; y < img.height; y++)
                        for (int x = 0; x < img.width; x++)
                            for (int q = 0; q < 3; q++)
                                rgb.data[(size_t)y * rgb.stride + 3 * (size_t)x + q] =
                                    img.data[(size_t)y * img.stride + (size_t)x];
                    aoi_image_free(&img);
                    img = rgb;
                }
            }
            const aoi_pad *pads = aoi_part_pads(part);
            for (int pass = 0; pass < 2; pass++) {
                const aoi_pose *ps = pass ? &pose : &truth.pose;
                for (size_t q = 0; q < aoi_part_pad_count(part); q++)
                    for (double t = 0; t < 1; t += 0.01) {
                        double u[4] = {pads[q].cx - pads[q].w / 2 + t * pads[q].w, pads[q].cx + pads[q].w / 2,
                                       pads[q].cx - pads[q].w / 2 + t * pads[q].w, pads[q].cx - pads[q].w / 2};
                        double v[4] = {pads[q].cy - pads[q].h / 2, pads[q].cy - pads[q].h / 2 + t * pads[q].h,
                                       pads[q].cy + pads[q].h / 2, pads[q].cy - pads[q].h / 2 + t * pads[q].h};
                        for (int e = 0; e < 4; e++) {
                            double x, y;
                            aoi_pose_map(ps, rot, u[e], v[e], &x, &y);
                            int ix = (int)lround(x), iy = (int)lround(y);
                            if (ix >= 0 && iy >= 0 && ix < img.width && iy < img.height && img.format == AOI_FMT_RGB) {
                                uint8_t *px = img.data + (size_t)iy * img.stride + 3 * ix;
                                px[0] = pass ? 255 : 0;
                                px[1] = pass ? 0 : 255;
                                px[2] = 0;
                            }
                        }
                    }
            }
            aoi_image_write_png(&img, "/tmp/eval.png");
        }
        if (getenv("EVAL_SCORES"))
            printf("score %.3f err %.3f\n", pose.score, pe);
        if (getenv("EVAL_FRAMES")) {
            /* The error in the part's frame (u along the rows, v across). */
            double ph = (rot + truth.pose.theta_deg) * M_PI / 180, ex = pose.x_px - truth.pose.x_px,
                   ey = pose.y_px - truth.pose.y_px;
            printf("F %d %s err %.3f rot_err %.4f score %.2f um %.1f eu %+.3f ev %+.3f ms %.1f "
                   "cand %d fits %d %s\n",
                   i, aoi_part_number(part), pe, re, pose.score, um, ex * cos(ph) + ey * sin(ph),
                   -ex * sin(ph) + ey * cos(ph), info.coarse_ms + info.fine_ms, info.candidates,
                   info.fits, truth.extra_json);
        }
        if (rc < 0 || pe > 0.5)
            printf("frame %d %s %dx%d um %.1f rot %d: rc %d err %.3f px %.3f deg score %.2f shift %d  %s\n",
                   i, aoi_part_number(part), img.width, img.height, um, rot, rc, pe, re, pose.score,
                   info.pitch_shift, rc < 0 ? aoi_errmsg() : "");
        add("all", pe, re, slip, rc < 0);
        snprintf(cond, sizeof cond, "part=%s", aoi_part_number(part));
        add(cond, pe, re, slip, rc < 0);
        snprintf(cond, sizeof cond, "light=%.*s", (int)(strchr(l, '"') - l), l);
        add(cond, pe, re, slip, rc < 0);
        snprintf(cond, sizeof cond, "mask=%.*s", (int)(strchr(m, '"') - m), m);
        add(cond, pe, re, slip, rc < 0);
        snprintf(cond, sizeof cond, "rot=%d", rot);
        add(cond, pe, re, slip, rc < 0);
        snprintf(cond, sizeof cond, "scale=%s", um < 10 ? "6-10" : um < 14 ? "10-14" : "14-20");
        add(cond, pe, re, slip, rc < 0);
        snprintf(cond, sizeof cond, "defect=%s", truth.ndefects ? aoi_defect_name(truth.defects[0].type) : "none");
        add(cond, pe, re, slip, rc < 0);
        aoi_registrar_free(r);
        aoi_result_clear(&truth);
        aoi_image_free(&img);
        aoi_part_free(part);
    }
    printf("%-24s %5s %8s %8s %8s %9s %6s %8s\n", "condition", "n", "pos med", "pos p95", "pos max",
           "rot med", "slips", "notfound");
    for (int i = 0; i < nstats; i++) {
        stat *s = &stats[i];
        double pmax = 0;
        for (int k = 0; k < s->n; k++)
            pmax = fmax(pmax, s->pos[k]);
        qsort(s->pos, (size_t)s->n, sizeof(double), cmpd);
        qsort(s->rot, (size_t)s->n, sizeof(double), cmpd);
        printf("%-24s %5d %8.3f %8.3f %8.3f %9.4f %6d %8d\n", s->name, s->n,
               s->n ? s->pos[s->n / 2] : 0, s->n ? s->pos[(int)(0.95 * (s->n - 1))] : 0, pmax,
               s->n ? s->rot[s->n / 2] : 0, s->slips, s->notfound);
    }
    printf("mean registration time %.2f ms\n",
           nstats ? t_total / (stats[0].n + stats[0].notfound) : 0);
    return 0;
}
