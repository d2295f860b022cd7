/* register.c - the registrar: model, coarse candidates, fine fit, pitch-slip
 * check, confidence. */
#include "core/error_internal.h"
#include "register/register_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

aoi_registrar *aoi_registrar_new(const aoi_part *part, double um_per_px, int rotation)
{
    aoi_registrar *r;
    if (!part) {
        aoi__error("aoi_registrar_new(): no part");
        return NULL;
    }
    if (!(um_per_px >= 1 && um_per_px <= 100)) {
        aoi__error("scale %g um/px is outside 1..100", um_per_px);
        return NULL;
    }
    if (rotation != 0 && rotation != 90 && rotation != 180 && rotation != 270) {
        aoi__error("rotation %d is not 0, 90, 180 or 270", rotation);
        return NULL;
    }
    if (!(r = calloc(1, sizeof *r)) || !(r->dc = calloc(1, sizeof *r->dc))) {
        free(r);
        aoi__error("out of memory");
        return NULL;
    }
    r->part = part;
    r->um = um_per_px;
    r->rot = rotation;
    r->second_look = 1;
    if (aoi__register_model(r) < 0) {
        aoi_registrar_free(r);
        return NULL;
    }
    return r;
}

void aoi_registrar_set_second_look(aoi_registrar *r, int on)
{
    if (r)
        r->second_look = on != 0;
}

void aoi_registrar_free(aoi_registrar *r)
{
    if (!r)
        return;
    free(r->pts);
    free(r->fine_boxes);
    free(r->coarse_boxes);
    free(r->l1.data);
    free(r->e1.data);
    free(r->e2.data);
    free(r->e2f.data);
    free(r->integ);
    aoi_registrar_free(r->mate_reg);
    aoi_part_free(r->mate);
    if (r->dc)
        free(r->dc->d);
    free(r->dc);
    free(r);
}

/* Largest scale correction a right fit needs (stated scale within 1 %, plus
 * the fit's own spread). */
#define SCALE_PLAUSIBLE 0.025

/* Moves a pose by k pitches along the rows. */
static candidate shifted(const aoi_registrar *r, const candidate *c, double scale, int k)
{
    candidate s = *c;
    double phi = (r->rot + c->th) * M_PI / 180, d = k * r->pitch * 1000.0 / r->um * scale;
    s.x += d * cos(phi);
    s.y += d * sin(phi);
    return s;
}

/* A fit explaining less than this share of the outline has its confidence
 * looked at again with the body off across the rows (see
 * aoi__register_score()): it only matters about the threshold. */
#define ACROSS_BELOW 0.7

/* The pose of a fitted candidate, and whether it is confident enough. */
static int accept(aoi_registrar *r, const aoi_image *frame, candidate *best, double best_scale,
                  int best_in, aoi_pose *pose, aoi_register_info *info)
{
    double st;
    if (best->strict >= 0 && best->strict < ACROSS_BELOW) {
        aoi__register_score(r, frame, best, best_scale, -1, 1, &st);
        if (st > best->strict)
            best->strict = st;
    }
    info->edge_points = (int)r->nvisible;
    info->fits = r->fits;
    info->inliers = best_in;
    pose->x_px = best->x;
    pose->y_px = best->y;
    pose->theta_deg = best->th;
    pose->um_per_px = r->um / best_scale;
    pose->score = best->strict < 0 ? 0 : best->strict > 1 ? 1 : best->strict;
    /* The stated scale is within 1 % (imaging.md): a fit that needs the
     * 3 % limit of the scale search has matched something else. */
    if (fabs(best_scale - 1) > SCALE_PLAUSIBLE)
        return aoi__error("footprint not found: the best fit needs the scale %.1f %% off the "
                          "stated one (check --um-per-px)",
                          100 * (1 / best_scale - 1));
    /* Whole percent, rounded down: a refused 59.8 % must not read "60 %". */
    if (pose->score < AOI_REGISTER_MIN_SCORE)
        return aoi__error("footprint not found: best fit explains %.0f%% of the pad edges "
                          "(needs %.0f%%)",
                          floor(100 * pose->score), 100 * AOI_REGISTER_MIN_SCORE);
    return 0;
}

/* Pitch slips: a row shifted by whole pitches fits all but its ends; refit
 * where the row ends line up and keep that when it scores better. */
static void pitch_fix(aoi_registrar *r, const aoi_image *frame, candidate *c, double *sc, int *in,
                      int *moved)
{
    int k = aoi__register_pitch(r, frame, c, *sc, r->pitch_range);
    if (k) {
        candidate s2 = shifted(r, c, *sc, k);
        double sc2;
        int in2;
        if (aoi__register_fine(r, frame, &s2, FIT_PLAIN, &sc2, &in2) == 0 && s2.score > c->score) {
            *c = s2;
            *sc = sc2;
            *in = in2;
            *moved = k;
        }
    }
}

/* What every registration of a frame starts with: cleared outputs, a usable
 * frame, and the colour-distance cache forgotten (a new frame, perhaps in
 * the same buffer). */
static int begin_frame(aoi_registrar *r, const aoi_image *frame, aoi_pose *pose,
                       aoi_register_info *info)
{
    memset(info, 0, sizeof *info);
    memset(pose, 0, sizeof *pose);
    if (aoi_image_check(frame) < 0)
        return aoi__error_prefix("cannot register");
    r->dc->valid = 0;
    r->levels_valid = 0;
    r->finer_valid = 0;
    r->skip_tips = 0;
    r->corners_only = 0;
    r->fits = 0;
    r->pitch_range = aoi_part_pins(r->part) / 2;
    return 0;
}

/* Slips a hinted search need look for: the right pose lies within the
 * hint's radius, and a candidate within it too but for a coarse cell (the
 * coarse origins reach a cell past it) and the phase's half pitch, so
 * whole-pitch shifts of more than the diameter and two pitches leave it. */
static void hint_pitch_range(aoi_registrar *r, const aoi_register_hint *hint)
{
    if (!aoi__hint_usable(hint))
        return;
    double k = ceil(2 * hint->radius_mm / r->pitch) + 2;
    if (k < r->pitch_range)
        r->pitch_range = (int)k;
}

/* A fit moved to where the body says it belongs must keep this share of
 * the confidence: where the pads hardly show (grey on grey under ring
 * light) a fit whole pitches off can explain a few edges more than the
 * right one; where the body's ends were misread, the shifted fit loses far
 * more. */
#define BODY_KEEP 0.85

/* The body shows whole pitches along the rows from where the fit puts it:
 * refit there, and keep that when the body agrees and it is nearly as
 * confident. */
static void body_check(aoi_registrar *r, const aoi_image *frame, candidate *best, double *scale,
                       int *inl, aoi_register_info *info)
{
    double slip = aoi__register_body_slip(r, frame, best, *scale), sc2;
    int k = (int)lround(slip / r->pitch), in2;
    if (!k)
        return;
    candidate s2 = shifted(r, best, *scale, k);
    if (aoi__register_fine(r, frame, &s2, FIT_PLAIN, &sc2, &in2) == 0 &&
        s2.strict >= AOI_REGISTER_MIN_SCORE && s2.strict >= BODY_KEEP * best->strict &&
        aoi__register_body_slip(r, frame, &s2, sc2) == 0) {
        *best = s2;
        *scale = sc2;
        *inl = in2;
        info->pitch_shift += k;
    }
}

/* A fit explaining this share of the outline (the choosing score) needs no
 * second opinion. */
#define FIT_CONVINCING 0.9
/* How far along (and, once chosen, across) the rows a fit that is not
 * convincing is tried again (px; the fine stage's first search window). */
#define NUDGE_PX 5.0

/* How much lower both scores of the short parts' sides-scale refit may be
 * and the refit still taken (see scale_from_sides()). */
#define SIDES_SCALE_SLACK 0.05

/* c2 (fitted: rc, its scale and inliers) replaces *c when it fitted and
 * is better (the caller's test).  Returns whether it did. */
static int take_if(int rc, int better, const candidate *c2, double sc2, int in2, candidate *c,
                   double *scale, int *inl, const char *what)
{
    if (rc != 0 || !better)
        return 0;
    if (getenv("AOI_REGISTER_DEBUG"))
        fprintf(stderr, "  %s: score %.3f/%.3f -> %.3f/%.3f at (%.2f, %.2f, %.3f) scale %.4f\n",
                what, c->score, c->strict, c2->score, c2->strict, c2->x, c2->y, c2->th, sc2);
    *c = *c2;
    *scale = sc2;
    *inl = in2;
    return 1;
}

/* take_if() c2 when better by both the choosing and the strict score, or,
 * with slack > 0, when lower by neither by more than slack. */
static int keep_if_better(int rc, const candidate *c2, double sc2, int in2, double slack,
                          candidate *c, double *scale, int *inl, const char *what)
{
    int better = slack > 0 ? c2->score >= c->score - slack && c2->strict >= c->strict - slack
                           : c2->score > c->score && c2->strict > c->strict;
    return take_if(rc, better, c2, sc2, in2, c, scale, inl, what);
}

/* Fits again from `from` moved du px along the rows and dv across them
 * into *c2 (its scale, inliers); the fine fit's return. */
static int fit_moved(aoi_registrar *r, const aoi_image *frame, const candidate *from, double du,
                     double dv, candidate *c2, double *sc2, int *in2)
{
    double phi = (r->rot + from->th) * M_PI / 180;
    *c2 = *from;
    c2->x += du * cos(phi) - dv * sin(phi);
    c2->y += du * sin(phi) + dv * cos(phi);
    return aoi__register_fine(r, frame, c2, FIT_PLAIN, sc2, in2);
}

/* fit_moved(), kept when better by both scores (sliding can trade sides
 * hidden by a shifted body for toes, which the choosing score alone would
 * take). */
static void try_moved(aoi_registrar *r, const aoi_image *frame, const candidate *from, double du,
                      double dv, candidate *c, double *scale, int *inl)
{
    candidate c2;
    double sc2;
    int in2, rc = fit_moved(r, frame, from, du, dv, &c2, &sc2, &in2);
    keep_if_better(rc, &c2, sc2, in2, 0, c, scale, inl, du != 0 ? "moved along" : "moved across");
}

/* A chosen fit that is not convincing, tried again NUDGE_PX either side
 * across the rows: a fillet's rim or a terminal's shading near the toes
 * leaves the fine fit optima a few pixels apart across the rows, and which
 * one it stops at depends on where it started. */
static void across_nudge(aoi_registrar *r, const aoi_image *frame, candidate *c, double *scale,
                         int *inl)
{
    candidate start = *c;
    for (int side = -1; side <= 1 && c->score < FIT_CONVINCING; side += 2)
        try_moved(r, frame, &start, 0, side * NUDGE_PX, c, scale, inl);
}

/* How far a fit that is not convincing is turned either way and fitted
 * again (deg).  The fine fit's basin in rotation is about +-0.7 deg on the
 * short parts (a 10-pin socket at 12 um/px: started 0.7 deg off it stopped
 * at 0.8 deg, 0.5 deg off it came to the true pose), while their coarse
 * angle can be 1-1.5 deg off (sockets of 10-20 pins in whole station
 * frames: fits 0.9-1.4 deg turned, 0.68-0.82 explained, against 0.89-0.99
 * at the true pose). */
#define TURN_DEG 1.0
/* By how much a turned fit (or a wider one, widen()) must be better, by
 * both scores, to be taken: it starts from another hypothesis, and two
 * optima whose scores differ by less than this are alike to the edge
 * count (on the fourteen inspection sets, turned fits better by
 * 0.001-0.016 by one of the scores moved five right poses 0.1-3 px off;
 * six that came to the true pose from 1.4-5 px off were better by
 * 0.024-0.39 by both, one more by 0.01). */
#define REFIT_MARGIN 0.02

/* Whether c2, a refit from another start (turned, wider windows), is
 * better than c by both scores by REFIT_MARGIN. */
static int clearly_better(const candidate *c2, const candidate *c)
{
    return c2->score >= c->score + REFIT_MARGIN && c2->strict >= c->strict + REFIT_MARGIN;
}

/* On a part with short rows, a chosen fit that is not convincing, fitted
 * again from TURN_DEG either way (and those fits, when not convincing,
 * across the rows too: turned, the fit can stop a few px off across them);
 * kept when better by both scores by REFIT_MARGIN.  (Long rows give the
 * coarse stage their angle; the up to six fits would cost an 80-pin part
 * several ms on every frame it does not fit convincingly.) */
static void turn(aoi_registrar *r, const aoi_image *frame, candidate *c, double *scale, int *inl)
{
    const candidate start = *c;
    if (!r->short_rows)
        return;
    for (int side = -1; side <= 1 && c->score < FIT_CONVINCING; side += 2) {
        candidate c2 = start;
        double sc2;
        int in2;
        c2.th += side * TURN_DEG;
        int rc = aoi__register_fine(r, frame, &c2, FIT_PLAIN, &sc2, &in2);
        if (rc == 0)
            across_nudge(r, frame, &c2, &sc2, &in2);
        take_if(rc, clearly_better(&c2, c), &c2, sc2, in2, c, scale, inl, "turned");
    }
}

/* On a part with short rows, a chosen fit that is not convincing, fitted
 * again from where it is with its first windows as large in mm as at
 * WINDOW_UM (fine.c); kept when better by both scores by REFIT_MARGIN.
 * At 6 um/px a 10-pin socket's fit stopped 5.4 px off across the rows
 * (0.74 / 0.86 after the scale from the sides) with the fine fit's windows
 * 4 px (0.024 mm) wide; the true pose explains 1.00. */
static void widen(aoi_registrar *r, const aoi_image *frame, candidate *c, double *scale, int *inl)
{
    candidate c2 = *c;
    double sc2;
    int in2;
    if (!r->short_rows || c->score >= FIT_CONVINCING)
        return;
    int rc = aoi__register_fine(r, frame, &c2, FIT_WIDE, &sc2, &in2);
    take_if(rc, clearly_better(&c2, c), &c2, sc2, in2, c, scale, inl, "widened");
}

/* On a part with short rows the toes rule the fitted scale; but a toe's
 * edge is often where its fillet ends, inside the pad by an amount that
 * varies pin by pin, and a scale drawn off by them moves the pose across
 * the rows (1-2 px).  The chosen fit is fitted again from where it is with
 * the scale from the pad sides only, and kept unless lower by either score
 * by more than SIDES_SCALE_SLACK: the scores count pad edges explained,
 * and where the toes' edges are fillet ends the true pose explains fewer
 * of them than the toes' fit does (a 10-pin socket: 0.78 at the true
 * pose, 0.87 at the toes' fit 1.8 px off, 0.85 at the sides' fit 0.04 px
 * off).  (From the coarse pose the toes' pull on the scale is needed: a
 * fit started 3 deg off without it converged elsewhere.) */
static void scale_from_sides(aoi_registrar *r, const aoi_image *frame, candidate *c, double *scale,
                             int *inl)
{
    candidate c2 = *c;
    double sc2;
    int in2, rc;
    if (!r->short_rows)
        return;
    c2.scale = *scale;
    rc = aoi__register_fine(r, frame, &c2, FIT_SIDES_SCALE, &sc2, &in2);
    keep_if_better(rc, &c2, sc2, in2, SIDES_SCALE_SLACK, c, scale, inl, "scale from the pad sides");
}

/* The most the toe-corner refit may move a settled fit (px): it refines,
 * the stages before it place; and the most either score may drop (its
 * points are fewer, the settled fit's were drawn by the tips). */
#define CORNERS_MOVE_PX 1.5
#define CORNERS_SLACK 0.05

/* Where terminal tips stand at their toes (sockets: model.c, TIP_NEAR_MM),
 * the toe's edge in line with them is the tip's and its fillet's whenever
 * the connector sits toward that row, and the settled fit lies between
 * them and the pads' ends.  Refits without those points, from the toes'
 * corners; kept when confident, within CORNERS_MOVE_PX and neither score
 * lower by more than CORNERS_SLACK (those points then stay out of the
 * frame's later fits and scores). */
static void toe_corners(aoi_registrar *r, const aoi_image *frame, candidate *c, double *scale,
                        int *inl)
{
    candidate c2 = *c;
    double sc2;
    int in2;
    if (!r->near_tips)
        return;
    r->corners_only = 1;
    c2.scale = *scale;
    int rc = aoi__register_fine(r, frame, &c2, FIT_PLAIN, &sc2, &in2);
    if (rc == 0 && (c2.strict < AOI_REGISTER_MIN_SCORE ||
                    hypot(c2.x - c->x, c2.y - c->y) > CORNERS_MOVE_PX))
        rc = -1;
    r->corners_only = keep_if_better(rc, &c2, sc2, in2, CORNERS_SLACK, c, scale, inl, "toe corners");
}

/* Whether fits from a and b start alike (what aoi__register_fine() reads
 * of a candidate). */
static int same_start(const candidate *a, const candidate *b)
{
    return a->x == b->x && a->y == b->y && a->th == b->th && a->scale == b->scale &&
           a->mask[0] == b->mask[0] && a->mask[1] == b->mask[1] && a->mask[2] == b->mask[2];
}

/* What every chosen fit goes through, found or refined: when not
 * convincing, second tries turned (short parts), across the rows and with
 * wider windows (short parts); on short parts the scale from the pad
 * sides; the body's short ends against a whole-pitch slip, terminal tips
 * past one row's toes, then the toes read beside tips standing at them.
 * nudged (or NULL): a pose across_nudge() was started from; a fit that
 * comes to it again is not nudged again (the same two fits). */
static void settle(aoi_registrar *r, const aoi_image *frame, candidate *c, double *scale, int *inl,
                   aoi_register_info *info, const candidate *nudged)
{
    turn(r, frame, c, scale, inl);
    if (!nudged || !same_start(c, nudged))
        across_nudge(r, frame, c, scale, inl);
    widen(r, frame, c, scale, inl);
    scale_from_sides(r, frame, c, scale, inl);
    body_check(r, frame, c, scale, inl, info);
    aoi__register_tips(r, frame, c, scale, inl);
    toe_corners(r, frame, c, scale, inl);
}

int aoi_register_refine(aoi_registrar *r, const aoi_image *frame, const aoi_pose *start,
                        aoi_pose *pose, aoi_register_info *info)
{
    aoi_register_info dummy;
    candidate c = {0, 0, 0, -1, {0, 0, 0}, 1.0, 0};
    double sc = 1, t0 = now_ms();
    int in = 0;

    if (!info)
        info = &dummy;
    if (begin_frame(r, frame, pose, info) < 0)
        return -1;
    if (!start || !isfinite(start->x_px) || !isfinite(start->y_px) || !isfinite(start->theta_deg) ||
        !(start->um_per_px > 0))
        return aoi__error("refine: no usable starting pose");
    c.x = start->x_px, c.y = start->y_px, c.th = start->theta_deg;
    c.scale = r->um / start->um_per_px;
    aoi__register_mask_colour(r, frame, &c);
    info->candidates = 1;
    if (aoi__register_fine(r, frame, &c, FIT_PLAIN, &sc, &in) < 0) {
        info->fine_ms = now_ms() - t0;
        info->fits = r->fits;
        return aoi__error_prefix("footprint not found");
    }
    pitch_fix(r, frame, &c, &sc, &in, &info->pitch_shift);
    settle(r, frame, &c, &sc, &in, info, NULL);
    info->fine_ms = now_ms() - t0;
    return accept(r, frame, &c, sc, in, pose, info);
}

/* Least reach of the phase's search across the rows (mm): a body sitting
 * off its pads by up to 0.2 mm across (imaging.md) pulls the coarse box
 * template toward it by up to about half that, more than the search's 10 px
 * at the finest scales. */
#define PHASE_REACH_MM 0.10

/* A candidate's whole fit: pose, scale, inliers, and the pitches the slip
 * checks moved it. */
typedef struct {
    candidate c;
    double sc;
    int in, moved;
} fitted;

/* Most candidates one frame fits: the first search's, the second look's
 * and the third's. */
#define FITTED_MAX 40

/* Two fine fits closer than this (px, deg) stopped at the same optimum
 * from different starts; the next optimum, a pitch or a body's offset
 * across the rows away, is several px off (0.5 gave the same poses on the
 * held-out 240 frames). */
#define SAME_FIT_PX 0.2
#define SAME_FIT_DEG 0.05

/* The earlier candidate whose whole fit ended where c's fine fit did, or
 * NULL.  Coarse peaks whole pitches apart along one row often all lead to
 * the same fit; once one of them got there the long way, the others would
 * repeat it.  (Where the fit's optimum across the rows is flat, the other
 * candidates' ways can stop up to ~1 px away with a better score: a
 * lottery ticket this gives up.  On the held-out 240 frames one moved
 * 0.28 -> 0.99 px, p95 the same.) */
static const fitted *fitted_before(const fitted *done, int ndone, const candidate *c)
{
    for (int j = 0; j < ndone; j++)
        if (fabs(c->x - done[j].c.x) < SAME_FIT_PX && fabs(c->y - done[j].c.y) < SAME_FIT_PX &&
            fabs(c->th - done[j].c.th) < SAME_FIT_DEG)
            return &done[j];
    return NULL;
}

/* Fits one coarse candidate: phase along the rows, fine fit (retried from
 * the coarse pose and from the phase's runner-up when not convincing), the
 * pitch-slip check (f->moved: the pitches it moved the pose).  -1 when
 * nothing fitted; 1 when its first fit ended where an earlier candidate's
 * whole fit did (done[0..ndone-1]), with that fit in *f. */
static int fit_candidate(aoi_registrar *r, const aoi_image *frame, const candidate *coarse,
                         const fitted *done, int ndone, fitted *f)
{
    candidate *c = &f->c;
    double *sc = &f->sc;
    int *in = &f->in, *moved = &f->moved;
    const fitted *same;
    candidate alt;
    int has_alt = 0, fr;
    *c = *coarse;
    *sc = 1, *in = 0; /* defined for the debug line when every fit fails */
    aoi__register_mask_colour(r, frame, c);
    aoi__register_phase(r, frame, c, fmax(r->um <= 12 ? 10 : 6, PHASE_REACH_MM * 1000 / r->um),
                        &alt, &has_alt);
    if (getenv("AOI_REGISTER_DEBUG"))
        fprintf(stderr, "  phase -> (%.2f, %.2f, %.3f) mask %d %d %d\n", c->x, c->y, c->th,
                c->mask[0], c->mask[1], c->mask[2]);
    /* The coarse stage often lands whole pitches off (a periodic row): when
     * the row ends say so already, fit there first; a convincing fit is
     * kept (and still checked for slips), anything less goes the long way
     * below from the phase's pose. */
    int k0 = aoi__register_pitch(r, frame, c, c->scale, r->pitch_range);
    candidate pre = {0, 0, 0, -1, {0, 0, 0}, 1.0, 0};
    double pre_sc = 1;
    int pre_in = 0;
    if (k0) {
        pre = shifted(r, c, c->scale, k0);
        if (aoi__register_fine(r, frame, &pre, FIT_PLAIN, &pre_sc, &pre_in) < 0)
            pre.score = -1;
        else if ((same = fitted_before(done, ndone, &pre)))
            goto seen;
        else if (pre.score >= FIT_CONVINCING) {
            *c = pre;
            *sc = pre_sc;
            *in = pre_in;
            *moved = k0;
            int k1 = 0;
            pitch_fix(r, frame, c, sc, in, &k1);
            *moved += k1;
            if (getenv("AOI_REGISTER_DEBUG"))
                fprintf(stderr,
                        "cand: coarse (%.1f, %.1f, %.2f) -> pitch %d fine (%.2f, %.2f, %.3f) score "
                        "%.3f\n",
                        coarse->x, coarse->y, coarse->th, k0, c->x, c->y, c->th, c->score);
            return 0;
        }
    }
    fr = aoi__register_fine(r, frame, c, FIT_PLAIN, sc, in);
    if (fr == 0 && !k0 && (same = fitted_before(done, ndone, c)))
        goto seen;
    /* The phase search can be led astray (fillet rims at the toes, a body
     * sitting off its pads): when the result is not convincing, fit from
     * the coarse pose and from the phase's runner-up too; the best score
     * wins. */
    for (int alt_i = 0; alt_i < 2 && (fr < 0 || c->score < FIT_CONVINCING); alt_i++) {
        candidate c2 = alt_i ? alt : *coarse;
        double sc2;
        int in2;
        if (alt_i && !has_alt)
            break;
        if (!alt_i)
            aoi__register_mask_colour(r, frame, &c2);
        if (aoi__register_fine(r, frame, &c2, FIT_PLAIN, &sc2, &in2) == 0 &&
            (fr < 0 || c2.score > c->score)) {
            *c = c2;
            *sc = sc2;
            *in = in2;
            fr = 0;
        }
    }
    *moved = 0;
    if (fr == 0)
        pitch_fix(r, frame, c, sc, in, moved);
    /* The row ends' first word, fitted but not convincing (a noisy frame,
     * a body hiding sides), still beats a weaker fit the long way found. */
    if (pre.score > (fr == 0 ? c->score : -1)) {
        *c = pre;
        *sc = pre_sc;
        *in = pre_in;
        *moved = k0;
        fr = 0;
    }
    /* An earlier candidate got here too, and has tried either side. */
    if (fr == 0 && c->score < FIT_CONVINCING && (same = fitted_before(done, ndone, c)))
        goto seen;
    /* Still not convincing: the fit may sit just beyond its search windows
     * along the rows (the phase stage's side edges can be pulled by
     * terminals sitting off their pads); fit from either side too. */
    for (int side = -1; side <= 1 && fr == 0 && c->score < FIT_CONVINCING; side += 2) {
        candidate from = *c;
        try_moved(r, frame, &from, side * NUDGE_PX, 0, c, sc, in);
    }
    if (getenv("AOI_REGISTER_DEBUG"))
        fprintf(stderr,
                "cand: coarse (%.1f, %.1f, %.2f) %.2f -> fine (%.2f, %.2f, %.3f) scale %.4f score "
                "%.3f strict %.3f rc %d\n",
                coarse->x, coarse->y, coarse->th, coarse->score, c->x, c->y, c->th, *sc, c->score,
                c->strict, fr);
    return fr;
seen:
    /* The rest would repeat an earlier candidate's way. */
    *f = *same;
    if (getenv("AOI_REGISTER_DEBUG"))
        fprintf(stderr,
                "cand: coarse (%.1f, %.1f, %.2f) %.2f -> as an earlier one (%.2f, %.2f, %.3f)\n",
                coarse->x, coarse->y, coarse->th, coarse->score, same->c.x, same->c.y, same->c.th);
    return 1;
}

/* Good enough: the other candidates are weaker by the coarse measure. */
#define CONVINCING 0.85
/* The most places the third look fits (those fitted already are skipped). */
#define THIRD_MAX 24
/* A place of the third look is taken when its fit explains this share of
 * the outline or more (see third_take()). */
#define THIRD_TAKE 0.8
/* The third look is taken when the best fit so far explains less than this:
 * refused, or accepted narrowly (a clutter fit taken at 0.64 on a held-out
 * frame).  Right fits that explain less than CONVINCING first but settle
 * higher are common on small sockets (one in eight held-out station
 * frames), and the third look made those frames 40-110 ms slower when it
 * was taken below CONVINCING. */
#define THIRD_BELOW (AOI_REGISTER_MIN_SCORE + SECOND_MARGIN)
/* Spacing of the second look's coarse peaks (share of the first's). */
#define SECOND_SPACING 0.5
/* How much more confident (share of the outline's edges found) than the
 * first search's best a peak of the second look must fit to replace it: a
 * weak right fit (a body off its pads hides edges) can be beaten narrowly by
 * clutter; a right fit found late beats a wrong one by far more. */
#define SECOND_MARGIN 0.1
/* The second look is taken when the first search's best is this confident
 * or less (a few tenths above min_score: where wrong fits are found). */
#define SECOND_BELOW 0.8

/* The second look's places across the rows: peaks closer than this (mm)
 * are one place.  At the reduced level a pad row paired with a long straight
 * line beside the footprint (a silkscreen outline, a trace) can outscore the
 * true place 0.8 mm away and, within half the footprint's width, suppress
 * it; the level-1 search then reaches only 10 px around the survivor. */
#define ACROSS_PLACE_MM 0.6

/* Two fits this close are the same footprint on the same pads (a body off
 * its pads across the rows leaves two optima about as far apart as it is
 * off, <= 0.2 mm), not a part and clutter: mm. */
#define SAME_PLACE_MM 0.25

/* A fit of the second look at the place of the first search's best, better
 * by both measures: the first search's fit stopped at the nearer optimum. */
static int better_here(const aoi_registrar *r, const candidate *c, const candidate *best)
{
    return best->score >= 0 &&
           hypot(c->x - best->x, c->y - best->y) < SAME_PLACE_MM * 1000 / r->um &&
           fabs(c->th - best->th) < 0.5 && c->score > best->score && c->strict > best->strict;
}

/* A fit explaining this share of the pad edges is taken without asking the
 * mate: wrong fits of a mate's board (eval_notfound, 40 seeds) explained at
 * most 0.75, the mate's own fit 0.95 or more. */
#define MATE_BELOW 0.85
/* The mate takes the frame when its fit explains this much more.  On the
 * 783 right frames of four inspection sets the mate's fit (when found)
 * explained at least 0.079 less than the part's own. */
#define MATE_MARGIN 0.15
/* A socket's foot pattern fits a header's board in part (one row on the
 * header's row, the other on its fan-out traces) and the other way round.
 * A weak fit (accepted, rc 0) is refused, and a refused one (rc -1) told
 * why, when the mate's foot pattern explains the frame clearly better: the
 * job names the wrong side of the pair.  Returns the verdict. */
static int mate_check(aoi_registrar *r, const aoi_image *frame, aoi_pose *pose, int rc)
{
    aoi_register_hint hint = {pose->x_px, pose->y_px, 0};
    aoi_pose mp;
    char why[512];
    if ((rc == 0 && pose->score >= MATE_BELOW) || !(pose->score > 0) || r->mate_state < 0)
        return rc;
    snprintf(why, sizeof why, "%s", rc < 0 ? aoi_errmsg() : "");
    if (r->mate_state == 0) {
        r->mate_state = -1;
        if (!(r->mate = aoi_part_load_mate(r->part)) ||
            !(r->mate_reg = aoi_registrar_new(r->mate, r->um, r->rot)))
            goto keep; /* nothing to compare with: the fit stands on its own */
        r->mate_reg->mate_state = -1;
        r->mate_reg->second_look = 0;
        r->mate_state = 1;
    }
    /* A wrong fit lays one of its rows on one of the mate's (or on its
     * traces): the mate's origin is within the two half-widths. */
    hint.radius_mm = r->half_wid + r->mate_reg->half_wid;
    if (aoi_register(r->mate_reg, frame, &hint, &mp, NULL) < 0 ||
        mp.score < pose->score + MATE_MARGIN)
        goto keep;
    double own = pose->score;
    /* The confidence that this part rather than its mate is there: its
     * share of the two fits' explanations, below one half here. */
    pose->score = own / (own + mp.score);
    return aoi__error("footprint not found: the board shows the %s %s (its foot pattern "
                      "explains %.0f%% of the pad edges, %s's %.0f%%)",
                      aoi_side_name(aoi_part_side(r->mate)), aoi_part_number(r->mate),
                      floor(100 * mp.score), aoi_part_number(r->part), floor(100 * own));
keep:
    return rc < 0 ? aoi__error("%s", why) : 0;
}

/* How far a body sitting off its pads along them (up to 0.2 mm,
 * imaging.md) pulls every fit of a short part toward it across the rows
 * (mm): 0.13-0.16 on a 10-pin socket 0.19 off (boards 20101 and 95103 of
 * tools/eval-inspect.sh), beyond the fine fit's search windows. */
#define BODY_PULL_MM 0.14
/* A fit moved across the rows is also taken when it explains this much
 * more of the edges no body can hide (toes, outer sides) at a strict
 * share lower by at most BODY_PULL_SLACK: the strict share counts the
 * sides a body off its pads hides as misses of the true pose, where a fit
 * pulled toward the body explains them by the body's and the terminals'
 * edges.  Board 20101 of tools/eval-inspect.sh: the true pose explains
 * 0.86 of those edges against the pulled fit's 0.56, its strict share is
 * 0.03 lower; board 30247 of tools/eval-offset.sh: 0.91 against 0.61,
 * 0.054 lower.  (The strict share stays the confidence: a lower one is
 * never more confident.) */
#define BODY_PULL_GAIN 0.2
#define BODY_PULL_SLACK 0.1

/* The share of the edges no body can hide: the choosing score is its mean
 * with the strict share. */
static double certain_share(const candidate *c)
{
    return 2 * c->score - c->strict;
}

/* Whether c2, a fit moved across the rows, is better than c: by both
 * scores, or by BODY_PULL_GAIN in the edges no body can hide. */
static int pulled_better(const candidate *c2, const candidate *c)
{
    return (c2->score > c->score && c2->strict > c->strict) ||
           (certain_share(c2) >= certain_share(c) + BODY_PULL_GAIN &&
            c2->strict >= c->strict - BODY_PULL_SLACK);
}

/* On a part with short rows (where the body outweighs the pads' edges),
 * a chosen fit that is not convincing, and every other fit at its place
 * (their rotations differ), fitted again BODY_PULL_MM either side across
 * the rows; taken when pulled_better().  At every scale: at 20 um/px the
 * pull (7 px) is near across_nudge()'s NUDGE_PX, but that one takes a fit
 * only when better by both scores (board 30263 of tools/eval-offset.sh
 * stayed 8.9 px toward its body).  (Longer parts are left alone: on
 * a 40-pin header's frame showing an 80-pin one, a pulled fit of the
 * 40-pin pattern over half the rows rose to a confident 0.66 -
 * eval_notfound 40.) */
static void body_pull(aoi_registrar *r, const aoi_image *frame, const fitted *done, int ndone,
                      fitted *best)
{
    const double px = BODY_PULL_MM * 1000 / r->um;
    if (best->c.score >= FIT_CONVINCING || !r->short_rows)
        return;
    const candidate chosen = best->c;
    for (int j = 0; j < ndone; j++) {
        const candidate *from = &done[j].c;
        if (hypot(from->x - chosen.x, from->y - chosen.y) > SAME_PLACE_MM * 1000 / r->um)
            continue;
        for (int side = -1; side <= 1; side += 2) {
            candidate c2;
            double sc2;
            int in2, rc = fit_moved(r, frame, from, 0, side * px, &c2, &sc2, &in2);
            take_if(rc, rc == 0 && pulled_better(&c2, &best->c), &c2, sc2, in2, &best->c,
                    &best->sc, &best->in, "body pull");
        }
    }
}

/* Fits c as the next of done[0..*ndone) (fit_candidate()); the new fit, or
 * NULL when it failed or repeated an earlier one. */
static const fitted *fit_next(aoi_registrar *r, const aoi_image *frame, const candidate *c,
                              fitted *done, int *ndone)
{
    fitted *f = &done[*ndone];
    if (fit_candidate(r, frame, c, done, *ndone, f) != 0)
        return NULL;
    (*ndone)++;
    return f;
}

/* Distance (px) from c to the nearest of a[0..na) and b[0..nb): candidates
 * this close to one fitted already lead to its fit. */
static double nearest(const candidate *c, const candidate *a, int na, const candidate *b, int nb)
{
    double d = 1e9;
    for (int q = 0; q < na; q++)
        d = fmin(d, hypot(c->x - a[q].x, c->y - a[q].y));
    for (int q = 0; q < nb; q++)
        d = fmin(d, hypot(c->x - b[q].x, c->y - b[q].y));
    return d;
}

/* The third look's places are the coarse measure's weaker ones, where
 * another part or clutter can be fitted to 0.6-0.75 (an 80-pin header
 * taken for a 40-pin one in eval_notfound; a 10-pin socket 6 degrees off).
 * A place is taken when its fit explains THIRD_TAKE or more (10-pin
 * sockets' true places under ring light: 0.78-0.84), or, where a weak fit
 * would be accepted anyway, more by SECOND_MARGIN on both scores. */
static void third_take(const fitted *f, fitted *best)
{
    if ((f->c.strict >= THIRD_TAKE && f->c.strict > best->c.strict) ||
        (best->c.strict >= AOI_REGISTER_MIN_SCORE && f->c.strict > best->c.strict + SECOND_MARGIN &&
         f->c.score > best->c.score + SECOND_MARGIN))
        *best = *f;
}

int aoi_register(aoi_registrar *r, const aoi_image *frame, const aoi_register_hint *hint,
                 aoi_pose *pose, aoi_register_info *info)
{
    candidate cand[3], more[8], rest[THIRD_MAX];
    fitted done[FITTED_MAX], best = {{0, 0, 0, -1, {0, 0, 0}, 1.0, 0}, 1, 0, 0};
    double t0 = now_ms(), t1;
    int n = 0, nmore = 0, ndone = 0;
    _Static_assert(sizeof cand / sizeof *cand + sizeof more / sizeof *more +
                           sizeof rest / sizeof *rest <= FITTED_MAX,
                   "room for every candidate's fit");
    aoi_register_info dummy;
    const coarse_opts first = {.spacing = 1.0, .inside = 1},
                      closer = {.spacing = SECOND_SPACING},
                      across = {.spacing = ACROSS_PLACE_MM / r->half_wid, .along_rows = 1},
                      finer = {.spacing = 1.0, .inside = 1, .finer = 1};

    if (!info)
        info = &dummy;
    if (begin_frame(r, frame, pose, info) < 0)
        return -1;
    hint_pitch_range(r, hint);
    if (aoi__register_coarse(r, frame, hint, &first, cand, 3, &n) < 0)
        return aoi__error_prefix("footprint not found");
    t1 = now_ms();
    info->coarse_ms = t1 - t0;
    info->candidates = n;
    for (int i = 0; i < n && best.c.score < CONVINCING; i++) {
        const fitted *f = fit_next(r, frame, &cand[i], done, &ndone);
        if (f && f->c.strict > best.c.strict)
            best = *f;
    }
    /* A small part beside strong clutter: its peak may have been suppressed
     * as a neighbour of a stronger one.  A second look with closer peaks
     * fits those not fitted yet; and the strongest peak of each place across
     * the rows, as the peaks along one row (a clutter row paired with one of
     * the part's) can fill the first search's list. */
    if (r->second_look && best.c.strict <= SECOND_BELOW &&
        aoi__register_coarse(r, frame, hint, &closer, more, 5, &nmore) == 0) {
        int nacross = 0;
        if (aoi__register_coarse(r, frame, hint, &across, more + nmore, 3, &nacross) == 0)
            nmore += nacross;
        double need = best.c.score < 0 ? -1e9 : best.c.strict + SECOND_MARGIN;
        for (int i = 0; i < nmore; i++) {
            if (nearest(&more[i], cand, n, more, i) < 2)
                continue; /* fitted already */
            info->candidates++;
            const fitted *f = fit_next(r, frame, &more[i], done, &ndone);
            if (f && (f->c.strict > need || better_here(r, &f->c, &best.c))) {
                need = fmax(need, f->c.strict);
                best = *f;
            }
        }
    }
    /* Nothing the frame would be accepted with, or only narrowly: a small
     * part whose short rows a whole station frame's clutter outranks (2448
     * x 2048 at 12-20 um/px shows 30-50 mm of board) may yet be among the
     * places below the three fitted (ranks 3-16, and one beyond the 128th,
     * on held-out frames of 10-pin sockets).  A third look searches again
     * in cells the rows span and fits its places down to the THIRD_MAX'th,
     * until one is convincing (as the first search stops). */
    if (best.c.strict < THIRD_BELOW) {
        int nrest = 0;
        if (aoi__register_coarse(r, frame, hint, &finer, rest, THIRD_MAX, &nrest) < 0)
            nrest = 0;
        for (int i = 0; i < nrest && best.c.strict < CONVINCING; i++) {
            if (nearest(&rest[i], cand, n, more, nmore) < 2)
                continue; /* fitted already */
            info->candidates++;
            const fitted *f = fit_next(r, frame, &rest[i], done, &ndone);
            if (f)
                third_take(f, &best);
        }
    }
    if (best.c.score < 0) {
        info->fine_ms = now_ms() - t1;
        info->fits = r->fits;
        return aoi__error("footprint not found: no candidate fitted the pad edges");
    }
    info->pitch_shift = best.moved;
    /* On a short part the nudge across the rows comes before the body's
     * pull, which compares against the chosen fit: a 16-pin socket at 6
     * um/px fitted 5.6 px off across the rows (0.49 / 0.55) was pulled 23 px
     * the other way (0.57 / 0.69) and stayed 19.5 px off, where the nudge
     * finds the true pose (0.72 / 0.85; 0.99 settled). */
    const candidate nudged = best.c;
    if (r->short_rows)
        across_nudge(r, frame, &best.c, &best.sc, &best.in);
    body_pull(r, frame, done, ndone, &best);
    settle(r, frame, &best.c, &best.sc, &best.in, info, r->short_rows ? &nudged : NULL);
    info->fine_ms = now_ms() - t1;
    return mate_check(r, frame, pose, accept(r, frame, &best.c, best.sc, best.in, pose, info));
}
