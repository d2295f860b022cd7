/* inspect.c - joint inspection on a registered frame: the inspector, one
 * frame's pass and the verdicts.
 *
 * Both pad rows are rectified into strips in the footprint frame at the
 * frame's own resolution (patch.c).  The frame's appearance references
 * (refs.c), the body edges and the connector's placement on its pads
 * (placement.c), then per pin, against the median pin of its row
 * (template.c), the solder measures (joint.c), flux (flux.c) and bridges
 * (bridge.c).  Every decision is a measure in mm against a threshold of
 * aoi_thresholds. */
#include "aoi/inspect.h"
#include "aoi/lens.h"
#include "core/error_internal.h"
#include "inspect/inspector_internal.h"
#include "io/image_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A connector is there (not a missing part) when ... */
#define UNIFORM_MAX 0.30   /* body band: pad columns vs gap columns (feat distance) */
#define WIDTH_TOL 0.04     /* measured body width vs the model's, mm (each side) ... */
#define WIDTH_TOL_PX 2.5   /* ... or this many pixels, at coarse scales (blurred edges) */
#define EDGE_MIN 0.20      /* median step at the body edges (pad column and gap summed) */
/* ... and where the fitted edges say the body covers the pads' inner ends,
 * pad and gap columns alike (feat distance).  A header's pads end 0.09 mm
 * inside its body's outline, so bare pads give edges at their inner ends -
 * unless the two rows' edges come from different things (one row's pad
 * ends, the other's fillet ends) and average to the body's width.  Read
 * on the 909 boards with a connector of five generated sets (BENCHMARKS.md,
 * session 27): at most 0.071; bare pads: 0.25 (a header's pads under
 * coaxial light in grey, the least contrast) to 1.3. */
#define COVERED_MAX 0.15
#define STARVED_BOARD 0.6  /* board median below this share of the station's: use the station's */
#define WET_MAD_MIN 0.02   /* floor of a row's toe wet spread (few samples quantise it) */
#define WET_FLOOR 0.1      /* least row median a zone's wetted share is compared with */
#define TOE_ROOM 0.03   /* pad beyond the terminal's tip, less: the tip covers the toe zone, mm */
/* The pads' shift along the rows (from their uncovered sides) that moves the
 * reported pose (px): on generated sets the shift read 0.01-0.62 px where
 * registration was within 1.3 px, 1.7-16.7 px where it had followed the
 * terminals (and then within 0.4 px of the error). */
#define PAD_U_MIN_PX 1.0

const aoi_part *aoi__inspector_part(const aoi_inspector *in)
{
    return in->part;
}

double aoi__inspector_um(const aoi_inspector *in)
{
    return in->um;
}

int aoi__inspector_has_lens(const aoi_inspector *in)
{
    return in->und != NULL;
}

int aoi__inspector_rot(const aoi_inspector *in)
{
    return in->rot;
}

aoi_registrar *aoi__inspector_small_registrar(aoi_inspector *in, int denom)
{
    if (in->small && in->small_denom == denom)
        return in->small;
    aoi_registrar_free(in->small);
    in->small = aoi_registrar_new(in->part, in->um * denom, in->rot);
    /* Its poses are refined on the full frame, which is searched when that
     * fails: no second look on the reduced copy. */
    aoi_registrar_set_second_look(in->small, 0);
    in->small_denom = in->small ? denom : 0;
    return in->small;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

aoi_inspector *aoi_inspector_new(const aoi_part *part, double um_per_px, int rotation,
                                 const aoi_thresholds *t, const aoi_station *station)
{
    aoi_inspector *in;
    const aoi_pad *pads;
    if (!part || !t) {
        aoi__error("inspect: part and thresholds are required");
        return NULL;
    }
    if (station && strcmp(station->part, aoi_part_number(part)) != 0) {
        aoi__error("inspect: the station model was taught for %s, not %s", station->part,
                   aoi_part_number(part));
        return NULL;
    }
    if (!(in = calloc(1, sizeof *in))) {
        aoi__error("inspect: out of memory");
        return NULL;
    }
    in->part = part, in->um = um_per_px, in->rot = rotation, in->th = *t, in->st = station;
    in->gain[0] = in->gain[1] = in->gain[2] = 1;
    {
        const char *nudge = getenv("AOI_POSE_NUDGE");
        double nx, ny;
        if (nudge && sscanf(nudge, "%lf,%lf", &nx, &ny) == 2 && fabs(nx) < 1 && fabs(ny) < 1)
            in->nudge[0] = nx, in->nudge[1] = ny;
    }
    if (!(in->reg = aoi_registrar_new(part, um_per_px, rotation)))
        goto bailout;
    in->npads = aoi_part_pad_count(part);
    in->n = aoi_part_pins(part);
    in->joints = calloc(in->npads, sizeof *in->joints);
    in->edge = calloc(in->npads, sizeof *in->edge);
    in->escore = calloc(in->npads, sizeof *in->escore);
    in->flux_base = calloc(in->npads, sizeof *in->flux_base);
    in->flux_lo = calloc(in->npads, sizeof *in->flux_lo);
    in->flux_hi = calloc(in->npads, sizeof *in->flux_hi);
    if (!in->joints || !in->edge || !in->escore || !in->flux_base || !in->flux_lo ||
        !in->flux_hi) {
        aoi__error("inspect: out of memory");
        goto bailout;
    }
    pads = aoi_part_pads(part);
    in->pitch = aoi_part_pitch(part);
    in->E = aoi_part_body(part).y1;
    in->toe = fabs(pads[0].cy) + pads[0].h / 2;
    in->pw = pads[0].w;
    in->hw = pads[0].w / 2;
    in->wmin = in->E - 0.42;
    in->wmax = in->toe + 0.30;
    in->umin = pads[0].cx - 0.3;
    in->umax = pads[in->n - 1].cx + 0.3;
    return in;
bailout:
    aoi_inspector_free(in);
    return NULL;
}

void aoi_inspector_free(aoi_inspector *in)
{
    if (!in)
        return;
    aoi_registrar_free(in->reg);
    aoi_registrar_free(in->small);
    aoi__patch_free(&in->strip[0]);
    aoi__patch_free(&in->strip[1]);
    aoi__patch_free(&in->hd);
    free(in->joints);
    free(in->edge);
    free(in->escore);
    free(in->flux_base);
    free(in->flux_lo);
    free(in->flux_hi);
    free(in->flux_v);
    free(in->flux_row);
    free(in->buf);
    free(in->tpl);
    free(in->tpl_done);
    free(in->tpl_cols);
    free(in->tpl_chan);
    free(in->ttpl);
    free(in->ttpl_done);
    free(in->ttpl_col);
    free(in->seen);
    free(in->queue);
    free(in->ecache);
    free(in->ewin);
    free(in->ewin_cols);
    aoi_undistorter_free(in->und);
    aoi_image_free(&in->ubuf);
    aoi_image_free(&in->half);
    free(in);
}

void aoi_inspector_set_station(aoi_inspector *in, const aoi_station *station)
{
    in->st = station;
}

/* Development aid: AOI_INSPECT_DUMP=PREFIX writes each row strip as
 * PREFIX-top.png / PREFIX-bottom.png, left half the rectified frame, right
 * half the nearest references (solder red / dark red, terminal yellow,
 * pad pink, body blue, mask green). */
static void dump_strips(const aoi_inspector *in)
{
    const char *pre = getenv("AOI_INSPECT_DUMP");
    if (!pre)
        return;
    for (int r = 0; r < 2; r++) {
        const patch *s = &in->strip[r];
        aoi_image img;
        char path[4096];
        if (aoi_image_alloc(&img, s->nu, 2 * s->nw, AOI_FMT_RGB) < 0)
            return;
        for (int i = 0; i < s->nw; i++)
            for (int j = 0; j < s->nu; j++) {
                const feat *x = patch_at(s, j, i);
                uint8_t *a = img.data + (size_t)i * img.stride + 3 * (size_t)j;
                uint8_t *b = img.data + (size_t)(i + s->nw) * img.stride + 3 * (size_t)j;
                if (isnan(x->L))
                    continue;
                double I = exp(x->L) - 8, t = 3 * I + 24;
                double rr = x->cr * t, gg = x->cg * t, bb = 3 * I - rr - gg;
                a[0] = (uint8_t)fmin(255, fmax(0, rr)), a[1] = (uint8_t)fmin(255, fmax(0, gg));
                a[2] = (uint8_t)fmin(255, fmax(0, bb));
                int c = 0;
                float best = 1e9f;
                for (int q = 0; q < REF_COUNT; q++) {
                    float d = feat_dist(*x, in->ref[q]);
                    if (d < best)
                        best = d, c = q;
                }
                static const uint8_t col[REF_COUNT][3] = {{0, 160, 0}, {255, 0, 0}, {255, 220, 0},
                                                          {0, 0, 255}, {255, 160, 200}, {140, 0, 0}};
                b[0] = col[c][0], b[1] = col[c][1], b[2] = col[c][2];
            }
        snprintf(path, sizeof path, "%s-%s.png", pre, r ? "bottom" : "top");
        aoi_image_write_png(&img, path);
        aoi_image_free(&img);
    }
}

static int add(aoi_result *res, aoi_defect_type t, int p0, int p1, double x, double y)
{
    aoi_defect d = {.type = t, .npins = p0 ? (p1 ? 2 : 1) : 0, .pins = {p0, p1}, .x_mm = x, .y_mm = y};
    return aoi_result_add_defect(res, &d);
}

static void joints_nan(aoi_inspector *in)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    for (size_t i = 0; i < in->npads; i++)
        in->joints[i] =
            (aoi_joint){pads[i].pin, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
}

/* Cleared measures for a new frame: no joint measured yet. */
static void begin_frame(aoi_inspector *in, aoi_inspect_info *info, frame_refs *fr)
{
    memset(info, 0, sizeof *info);
    memset(fr, 0, sizeof *fr);
    info->rotation = in->rot;
    joints_nan(in);
    info->joints = in->joints;
    info->njoints = in->npads;
}

/* What one frame's pass carries from step to step. */
typedef struct {
    aoi_pose pose;           /* the registered pose the strips are sampled through */
    double dx, dy, th;       /* connector offset along and across the rows (mm), turn (rad) */
    int nhd;                 /* hold-down terminals measured */
    double nominal;          /* the board's median wetted area (mm²) ... */
    double row_nom[2];       /* ... and each row's ([0]: -v) */
    double st_nominal;       /* the taught station's median (NAN: none) */
    double wmed[2], wmad[2]; /* each row's toe wetted shares: median, spread */
    double smed[2];          /* each row's median wetted share beside the terminals */
    signed char bb[512];     /* signal pad k bridged to pad k + 2 ... */
    double bu[512], bw[512]; /* ... at (u, |v|) */
} pass;

/* Registration: refined from a starting pose (found on a reduced or a raw
 * frame) unless that fails, otherwise the full search; the pose goes into
 * the record, and a confidence below min_score ends the pass. */
static int locate(aoi_inspector *in, const aoi_image *frame, const aoi_pose *start, aoi_result *res,
                  aoi_inspect_info *info, aoi_pose *pose)
{
    aoi_register_info ri;
    double t0 = now_ms();
    int refined = start && aoi_register_refine(in->reg, frame, start, pose, &ri) == 0;
    in->refined = refined;
    if (start && !refined && getenv("AOI_INSPECT_DEBUG"))
        fprintf(stderr, "refine failed: %s\n", aoi_errmsg());
    if (!refined && aoi_register(in->reg, frame, NULL, pose, &ri) < 0) {
        info->register_ms = now_ms() - t0;
        if (pose->score > 0) {
            res->has_pose = 1;
            res->pose = *pose;
        }
        return -1;
    }
    /* A diagnostic: AOI_POSE_NUDGE="dx,dy" (px, read when the inspector is
     * made) measures at the pose moved by that much, to find verdicts that
     * hinge on a hundredth of a pixel (tools/eval-stability.sh). */
    pose->x_px += in->nudge[0];
    pose->y_px += in->nudge[1];
    res->has_pose = 1;
    res->pose = *pose;
    info->register_ms = now_ms() - t0;
    if (pose->score < in->th.min_score)
        return aoi__error("registration confidence %.2f is below min_score %.2f", pose->score,
                          in->th.min_score);
    return 0;
}

/* The strips, the frame's references, the body's edges and whether a
 * connector is there at all (fr->present). */
static int find_body(aoi_inspector *in, const aoi_image *frame, pass *ps, frame_refs *fr)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    double h = fmax(0.004, ps->pose.um_per_px / 1000), at, st, ab, sb;
    for (int r = 0; r < 2; r++)
        if (aoi__patch_sample(&in->strip[r], frame, &ps->pose, in->rot, r ? 1 : -1, in->umin,
                              in->umax, in->wmin, in->wmax, h, in->gain) < 0)
            return -1;
    if (aoi__frame_references(in, fr) < 0 || aoi__edge_windows(in) < 0)
        return -1;
    double sc[512], dy0 = aoi__body_shift(in);
    if (getenv("AOI_INSPECT_DEBUG"))
        fprintf(stderr, "inspect: body shift %.4f mm\n", dy0);
    for (int k = 0; k < in->n; k++) {
        aoi__body_edge(in, k, dy0);
        if (k < 512)
            sc[k] = in->escore[k];
    }
    fr->edge_contrast = aoi__median(sc, in->n < 512 ? in->n : 512);
    if (getenv("AOI_INSPECT_DEBUG") && atoi(getenv("AOI_INSPECT_DEBUG")) > 1)
        for (int k = 0; k < in->n; k++)
            fprintf(stderr, "  pin %d edge %.4f step %.3f\n", pads[k].pin, in->edge[k], in->escore[k]);
    aoi__body_fit_row(in, -1, &at, &st);
    aoi__body_fit_row(in, 1, &ab, &sb);
    ps->th = (sb - st) / 2;
    ps->dy = (ab - at) / 2;
    /* A connector is there when the band inside the body outline is uniform
     * (no pads showing through), so are the pads' inner ends where the
     * fitted edges say the body covers them, and the two long edges lie a
     * body width apart; bare pads give either pads in the band or edges at
     * the pads' inner ends. */
    fr->body_width_error = (ab + at) / 2 - in->E;
    double cu_t = aoi__covered_uniformity(in, -1, at, st),
           cu_b = aoi__covered_uniformity(in, 1, ab, sb);
    if (cu_t < 0 || cu_b < 0)
        return -1;
    fr->covered_uniformity = fmax(cu_t, cu_b);
    fr->present = fr->body_uniformity < UNIFORM_MAX && fr->covered_uniformity < COVERED_MAX &&
                  fabs(fr->body_width_error) < fmax(WIDTH_TOL, WIDTH_TOL_PX * in->um / 1000) &&
                  fr->edge_contrast > EDGE_MIN;
    if (getenv("AOI_INSPECT_DEBUG"))
        fprintf(stderr,
                "inspect: uniform %.3f (under the edges %.3f) width error %.4f edge %.3f "
                "body-mask %.3f\n",
                fr->body_uniformity, fr->covered_uniformity, fr->body_width_error,
                fr->edge_contrast, fr->body_to_mask);
    if (fr->present)
        for (int k = 0; k < in->n; k++)
            in->edge[k] = pads[k].row > 0 ? ab + sb * pads[k].cx : at + st * pads[k].cx;
    return 0;
}

/* Where the connector sits on its pads: its shift along the rows, where
 * the pads themselves lie (the record's pose moves there), each terminal's
 * offset; then the metal and solder references, which need both. */
static void place_connector(aoi_inspector *in, const aoi_image *frame, pass *ps, aoi_result *res,
                            aoi_inspect_info *info, frame_refs *fr)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    ps->dx = aoi__holddown_dx(in, frame, &ps->pose, ps->dy, ps->th, &ps->nhd);
    /* Where the pads really are across the rows, in the strips' frame. */
    double pad_u = 0;
    if (ps->nhd > 0)
        pad_u = aoi__pads_shift(in, ps->dx, ps->nhd);
    else if (aoi__outline_dx(in, &ps->dx, &pad_u) < 0)
        pad_u = 0; /* nothing says the connector moved along the rows */
    in->pad_u = pad_u;
    /* Registration follows terminals standing past one side of their
     * pads part of the way (a covered side's edges are the terminals');
     * the pads' uncovered sides put the footprint where the pads are.  The
     * reported pose moves there when that is more than the measure's own
     * spread (PAD_U_MIN_PX); the strips stay where they were sampled. */
    if (fabs(pad_u) * 1000 / ps->pose.um_per_px > PAD_U_MIN_PX)
        aoi_pose_map(&ps->pose, in->rot, pad_u, 0, &res->pose.x_px, &res->pose.y_px);
    info->connector_dx_mm = ps->dx - pad_u;
    info->connector_dy_mm = ps->dy;
    info->connector_rot_deg = ps->th * 180 / M_PI;
    for (size_t i = 0; i < in->npads; i++) {
        const aoi_rect *t = &pads[i].terminal;
        double tcx = (t->x0 + t->x1) / 2, tcy = (t->y0 + t->y1) / 2;
        in->joints[i].offset_x_mm = ps->dx - ps->th * tcy;
        in->joints[i].offset_y_mm = ps->dy + ps->th * tcx;
    }
    aoi__metal_references(in, fr);
}

/* Every pin's measures, row by row (each against its row's templates), the
 * rows' and the board's medians, the hold-down pads' overhang; then the
 * terminals' offsets from the pads rather than the strips. */
static int measure_pins(aoi_inspector *in, const aoi_image *frame, pass *ps)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    double areas[512], rarea[2][512];
    int na = 0, nra[2] = {0, 0};
    memset(ps->bb, 0, sizeof ps->bb);
    for (int r = -1; r <= 1; r += 2) {
        if (aoi__row_template(in, r) < 0 || aoi__terminal_template(in, r) < 0 ||
            aoi__flux_threshold(in, r) < 0)
            return -1;
        /* The row's mean terminal offset along the pads (overhang beyond
         * the toe is also read where each pin's terminal stands). */
        double row_dy = 0;
        int ndy = 0;
        for (int k = 0; k < in->n; k++)
            if (pads[k].row == r && isfinite(in->joints[k].offset_y_mm))
                row_dy += in->joints[k].offset_y_mm, ndy++;
        row_dy = ndy ? row_dy / ndy : NAN;
        for (int k = 0; k < in->n; k++) {
            if (pads[k].row != r)
                continue;
            aoi_joint *j = &in->joints[k];
            /* The bridge to the next pad of the row, while the template is
             * this row's. */
            if (k + 2 < in->n && k < 512) {
                ps->bu[k] = pads[k].cx + in->pitch / 2, ps->bw[k] = in->toe - 0.1;
                if ((ps->bb[k] = (signed char)aoi__bridged(in, k, &ps->bu[k], &ps->bw[k])) < 0)
                    return -1;
            }
            /* The row's pads on either side (none beyond a row's end pin)
             * and the sides bridged to them, toward -u and +u: up, the
             * next pad of the row lies toward +u. */
            int up = k + 2 < in->n ? pads[k + 2].cx > pads[k].cx : k >= 2 ? pads[k - 2].cx < pads[k].cx : 1;
            int hl = k >= 2, hn = k + 2 < in->n;
            int bl = hl && k - 2 < 512 && ps->bb[k - 2] > 0, bn = hn && k < 512 && ps->bb[k] > 0;
            const int sides[2] = {up ? bl : bn, up ? bn : bl},
                      near[2] = {up ? hl : hn, up ? hn : hl};
            j->solder_area_mm2 = aoi__solder_area(in, k);
            j->side_wet = aoi__side_wet(in, k);
            j->overhang_mm = aoi__overhang(in, k, sides, near, row_dy);
            j->solder_to_body_mm = aoi__solder_to_body(in, k);
            if (aoi__flux_cover(in, k, &j->flux_cover) < 0 ||
                aoi__toe_measures(in, k, &j->toe_relief, &j->toe_wet) < 0)
                return -1;
            if (na < 512)
                areas[na++] = j->solder_area_mm2;
            if (nra[r > 0] < 512)
                rarea[r > 0][nra[r > 0]++] = j->solder_area_mm2;
        }
        /* Each toe against its row's median: the two rows face the light
         * differently under ring and multi-angle lights. */
        double rel[512], mrel;
        int nr = 0;
        for (int k = 0; k < in->n && nr < 512; k++)
            if (pads[k].row == r)
                rel[nr++] = in->joints[k].toe_relief;
        mrel = aoi__median(rel, nr);
        for (int k = 0; k < in->n; k++)
            if (pads[k].row == r)
                in->joints[k].toe_ratio = mrel > 0 ? in->joints[k].toe_relief / mrel : NAN;
        /* The toe zones' wetted shares: the row's median and its spread
         * (median absolute deviation); the side zones': the row's median. */
        double side[512];
        int ns = 0;
        nr = 0;
        for (int k = 0; k < in->n; k++) {
            if (pads[k].row != r)
                continue;
            if (nr < 512 && isfinite(in->joints[k].toe_wet))
                rel[nr++] = in->joints[k].toe_wet;
            if (ns < 512 && isfinite(in->joints[k].side_wet))
                side[ns++] = in->joints[k].side_wet;
        }
        ps->wmed[r > 0] = aoi__median(rel, nr);
        for (int q = 0; q < nr; q++)
            rel[q] = fabs(rel[q] - ps->wmed[r > 0]);
        ps->wmad[r > 0] = fmax(aoi__median(rel, nr), WET_MAD_MIN);
        ps->smed[r > 0] = aoi__median(side, ns);
    }
    ps->nominal = aoi__median(areas, na);
    ps->row_nom[0] = aoi__median(rarea[0], nra[0]);
    ps->row_nom[1] = aoi__median(rarea[1], nra[1]);
    ps->st_nominal = NAN;
    if (in->st) {
        double v[512];
        int nv = 0;
        for (size_t i = 0; i < in->st->npads && (int)i < in->n && nv < 512; i++)
            if (isfinite(in->st->nominal_area[i]))
                v[nv++] = in->st->nominal_area[i];
        ps->st_nominal = aoi__median(v, nv);
    }
    for (size_t i = (size_t)in->n; i < in->npads; i++)
        in->joints[i].overhang_mm = aoi__holddown_overhang(in, frame, &ps->pose, (int)i, ps->dy);

    dump_strips(in);

    /* Terminals were found in the strips' frame; their offsets are from the
     * pads. */
    for (size_t i = 0; i < in->npads; i++)
        in->joints[i].offset_x_mm -= in->pad_u;
    return 0;
}

/* Insufficient solder at signal pin i: no toe fillet, a dry toe or too
 * little wetted area (j->wet_ratio), as the thresholds say. */
static int insufficient(const aoi_inspector *in, const pass *ps, int i)
{
    const aoi_joint *j = &in->joints[i];
    const aoi_pad *p = &aoi_part_pads(in->part)[i];
    double ratio = j->wet_ratio;
    /* No toe fillet; or too little wetted area, when the toe agrees
     * (the area alone confuses lit solder with bare metal; a toe that
     * could not be measured leaves the area to decide). */
    int no_toe = j->toe_ratio < in->th.toe_relief_ratio;
    /* Or a dry toe: the zone shows far less solder than the row's
     * (bare pad where the fillet should be) and less relief too. */
    double drop = ps->wmed[p->row > 0] - j->toe_wet;
    no_toe |= drop >= in->th.toe_wet_drop && drop >= in->th.toe_wet_mads * ps->wmad[p->row > 0] &&
              j->toe_ratio < in->th.dry_toe_relief_ratio && ratio < in->th.dry_toe_area_ratio;
    /* Bare pad in the toe zone and beside the terminal, where a fillet
     * shows solder: the two zones' wetted shares, each over its row's,
     * sum low. */
    int bare = j->toe_wet / fmax(ps->wmed[p->row > 0], WET_FLOOR) +
                   j->side_wet / fmax(ps->smed[p->row > 0], WET_FLOOR) <
               in->th.covered_wet_sum;
    /* Too little wetted area, when the toe's relief agrees or, in colour
     * frames, the colour does (in grey ones lit solder and bare metal look
     * alike). */
    int starved = ratio < in->th.insufficient_ratio &&
                  (!(j->toe_ratio >= in->th.area_confirm_ratio) || (!in->grey_metal && bare));
    /* Where the terminal's tip, with the body edge measured, comes
     * within TOE_ROOM of the pad's outer end (a connector sitting toward
     * this row), it covers the toe zone's middle: a good fillet tucked
     * under the tip is as flat there as a missing one, and the area
     * confuses lit solder with bare metal.  A starved joint leaves bare
     * pad around the tip and beside the terminal, where a fillet shows
     * solder: there the two zones' wetted shares, each over its row's,
     * must both be low.  Or the zone is flat: a good fillet still rises
     * beside and beyond the tip over it, a starved pad shows next to no
     * relief (covered_toe_relief_ratio; where colour cannot tell lit
     * solder from bare metal). */
    if (in->toe - aoi__tip_w(in, i) < TOE_ROOM && !bare &&
        !(j->toe_ratio < in->th.covered_toe_relief_ratio))
        return 0;
    /* Not on a squeezed land (aoi__squeezed_bound()): it holds no toe
     * fillet to judge, a starved joint looks as a squeezed good one,
     * and the joint is excess solder already. */
    return (no_toe || starved) && !isfinite(aoi__squeezed_bound(in, i, p->row * j->offset_y_mm));
}

/* The verdicts: every measure against its threshold. */
static int judge(aoi_inspector *in, const pass *ps, aoi_result *res)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    for (int k = 0; k + 2 < in->n && k < 512; k++)
        if (ps->bb[k] && add(res, AOI_DEFECT_BRIDGE, pads[k].pin, pads[k + 2].pin, ps->bu[k],
                             pads[k].row * ps->bw[k]) < 0)
            return -1;
    for (size_t i = 0; i < in->npads; i++) {
        aoi_joint *j = &in->joints[i];
        const aoi_pad *p = &pads[i];
        const int signal = (int)i < in->n;
        /* Nominal: the median joint of this row of this board (robust to
         * the frame's own light, which the two rows face differently, and to
         * a body sitting toward one row, which leaves its fillets less room
         * to show); a taught station's golden median takes over when the
         * whole board is starved, which a board's own median cannot show. */
        double nom = signal ? ps->row_nom[p->row > 0] : ps->nominal;
        if (in->st && isfinite(ps->st_nominal) && ps->nominal < STARVED_BOARD * ps->st_nominal)
            nom = ps->st_nominal;
        j->nominal_area_mm2 = signal ? nom : NAN;
        if ((j->overhang_mm > in->th.overhang_mm ||
             (signal && j->solder_to_body_mm < in->th.rise_mm)) &&
            add(res, AOI_DEFECT_EXCESS_SOLDER, p->pin, 0, p->cx, p->cy) < 0)
            return -1;
        /* More than the share: with the few samples of a coarse scale a
         * band half covered and half clean is a tie, not a cover.  Where
         * the pin's solder begins within the band, the band is short and
         * its last samples lie on that solder's shaded edge, darkened
         * unevenly, where a film darkens the terminal evenly: more than
         * flux_cover_short_band there. */
        double fc = j->solder_to_body_mm < in->th.flux_band_mm
                        ? fmax(in->th.flux_cover, in->th.flux_cover_short_band)
                        : in->th.flux_cover;
        if (signal && j->flux_cover > fc &&
            add(res, AOI_DEFECT_FLUX_RISE, p->pin, 0, p->cx, p->row * (in->edge[i] + 0.05)) < 0)
            return -1;
        if (signal) {
            j->wet_ratio = j->solder_area_mm2 / j->nominal_area_mm2;
            if (insufficient(in, ps, (int)i) &&
                add(res, AOI_DEFECT_INSUFFICIENT_SOLDER, p->pin, 0, p->cx, p->cy) < 0)
                return -1;
        }
        if ((fabs(j->offset_x_mm) > in->th.offset_across_mm ||
             fabs(j->offset_y_mm) > in->th.offset_along_mm) &&
            add(res, AOI_DEFECT_OFFSET, p->pin, 0, p->cx, p->cy) < 0)
            return -1;
    }
    res->verdict = res->ndefects ? AOI_VERDICT_FAIL : AOI_VERDICT_PASS;
    return 0;
}

/* One frame's pass: registration, the connector on its pads, every pin's
 * measures, the verdicts. */
static int measure_frame(aoi_inspector *in, const aoi_image *frame, const aoi_pose *start,
                         aoi_result *res, aoi_inspect_info *info, frame_refs *fr)
{
    pass ps;
    double t1;

    begin_frame(in, info, fr);
    res->verdict = AOI_VERDICT_PASS;
    if (locate(in, frame, start, res, info, &ps.pose) < 0)
        return -1;
    t1 = now_ms();
    if (find_body(in, frame, &ps, fr) < 0)
        return -1;
    info->present = fr->present;
    if (!fr->present) {
        info->inspect_ms = now_ms() - t1;
        res->verdict = AOI_VERDICT_FAIL;
        return add(res, AOI_DEFECT_MISSING_PART, 0, 0, 0, 0);
    }
    place_connector(in, frame, &ps, res, info, fr);
    if (measure_pins(in, frame, &ps) < 0 || judge(in, &ps, res) < 0)
        return -1;
    info->inspect_ms = now_ms() - t1;
    if (getenv("AOI_INSPECT_DEBUG"))
        fprintf(stderr,
                "inspect: tau %.3f spread %.3f body-mask %.3f uniform %.3f edge %.3f dx %.4f (%d) "
                "dy %.4f th %.4f nominal %.5f\n",
                in->tau, fr->mask_spread, fr->body_to_mask, fr->body_uniformity, fr->edge_contrast,
                ps.dx, ps.nhd, ps.dy, ps.th * 180 / M_PI, ps.nominal);
    return 0;
}

/* Margin around the footprint's extent in the undistorted region (mm). */
#define LENS_MARGIN_MM 0.6

/* Where the footprint lies in a raw (distorted) frame, to a pixel or two: on a
 * half-size copy when that stays within the scales registration is built for
 * (the distortion shrinks with it, and the search costs a quarter), else on
 * the frame itself. */
static int locate_raw(aoi_inspector *in, const aoi_image *frame, aoi_pose *pose)
{
    aoi_registrar *small;
    if (in->um * 2 <= AOI__REDUCED_MAX_UM && (small = aoi__inspector_small_registrar(in, 2)) &&
        aoi__image_half(frame, &in->half) == 0 && aoi_register(small, &in->half, NULL, pose, NULL) == 0) {
        pose->x_px = (pose->x_px + 0.5) * 2 - 0.5;
        pose->y_px = (pose->y_px + 0.5) * 2 - 0.5;
        pose->um_per_px /= 2;
        return 0;
    }
    return aoi_register(in->reg, frame, NULL, pose, NULL);
}

/* Through a lens with noticeable distortion: find the footprint on the raw
 * frame, undistort only the rectangle that holds it, measure that; the pose
 * is then in ideal (undistorted) full-frame pixels. */
int aoi__inspect_measure(aoi_inspector *in, const aoi_image *frame, const aoi_pose *start,
                         aoi_result *res, aoi_inspect_info *info, frame_refs *fr)
{
    aoi_pose pose;
    int x0, y0, w, h, rc;
    double t0 = now_ms();

    if (!in->und)
        return measure_frame(in, frame, start, res, info, fr);
    begin_frame(in, info, fr);
    if (aoi_image_check(frame) < 0)
        return -1;
    if (frame->width != in->und_w || frame->height != in->und_h)
        return aoi__error("the calibration is for %dx%d frames, this one is %dx%d", in->und_w,
                          in->und_h, frame->width, frame->height);
    int from_start = start && aoi_register_refine(in->reg, frame, start, &pose, NULL) == 0;
    if (!from_start && locate_raw(in, frame, &pose) < 0) {
        info->register_ms = now_ms() - t0;
        if (pose.score > 0) {
            res->has_pose = 1;
            res->pose = pose;
        }
        return -1;
    }
    {
        aoi_rect e = aoi_part_extent(in->part);
        double m = LENS_MARGIN_MM, xa = 1e18, ya = 1e18, xb = -1e18, yb = -1e18;
        double us[4] = {e.x0 - m, e.x1 + m, e.x1 + m, e.x0 - m};
        double vs[4] = {e.y0 - m, e.y0 - m, e.y1 + m, e.y1 + m};
        for (int k = 0; k < 4; k++) {
            double x, y;
            aoi_pose_map(&pose, in->rot, us[k], vs[k], &x, &y);
            xa = fmin(xa, x), xb = fmax(xb, x), ya = fmin(ya, y), yb = fmax(yb, y);
        }
        x0 = (int)fmax(0, floor(xa)), y0 = (int)fmax(0, floor(ya));
        w = (int)fmin(frame->width - 1, ceil(xb)) - x0 + 1;
        h = (int)fmin(frame->height - 1, ceil(yb)) - y0 + 1;
    }
    if (w < 16 || h < 16)
        return aoi__error("the footprint lies outside the frame");
    if (!in->ubuf.data || in->ubuf.format != frame->format || in->ubuf.width < w ||
        in->ubuf.height < h) {
        aoi_image_free(&in->ubuf);
        if (aoi_image_alloc(&in->ubuf, w, h, frame->format) < 0)
            return -1;
    }
    {
        aoi_image region = in->ubuf;
        region.width = w, region.height = h;
        /* The raw frame's pose is within the distortion (a few px) of the
         * undistorted one: a refinement finds it. */
        aoi_pose local = pose;
        local.x_px -= x0, local.y_px -= y0;
        if (aoi_undistort_region(in->und, frame, x0, y0, &region) < 0)
            return -1;
        rc = measure_frame(in, &region, &local, res, info, fr);
        in->refined = from_start;
    }
    info->register_ms = now_ms() - t0 - info->inspect_ms;
    if (res->has_pose) {
        res->pose.x_px += x0;
        res->pose.y_px += y0;
    }
    return rc;
}

int aoi_inspector_set_calib(aoi_inspector *in, const aoi_calib *cal)
{
    aoi_undistorter *u = NULL;
    if (cal && aoi_calib_lens_matters(cal) &&
        !(u = aoi_undistorter_new(&cal->lens, cal->width, cal->height)))
        return -1;
    aoi_undistorter_free(in->und);
    in->und = u;
    in->und_w = u ? cal->width : 0;
    in->und_h = u ? cal->height : 0;
    for (int q = 0; q < 3; q++)
        in->gain[q] = cal && cal->has_gains ? (float)cal->gain[q] : 1.0f;
    return 0;
}

int aoi__inspect_from(aoi_inspector *in, const aoi_image *frame, const aoi_pose *start,
                      aoi_result *res, aoi_inspect_info *info)
{
    aoi_inspect_info dummy;
    frame_refs fr;
    if (!info)
        info = &dummy;
    res->ndefects = 0;
    res->has_pose = 0;
    if (aoi__inspect_measure(in, frame, start, res, info, &fr) < 0) {
        res->ndefects = 0;
        aoi_result_set_error(res, "%s", aoi_errmsg());
        return -1;
    }
    return 0;
}

int aoi_inspect(aoi_inspector *in, const aoi_image *frame, aoi_result *res,
                aoi_inspect_info *info)
{
    aoi_inspect_info dummy;
    if (!info)
        info = &dummy;
    int tracking = in->track && in->have_prev;
    in->refined = 0;
    int rc = aoi__inspect_from(in, frame, tracking ? &in->prev : NULL, res, info);
    info->tracked = tracking && in->refined;
    if (in->track) {
        /* A frame that was not inspected says nothing of where the next
         * board sits: the next one is searched. */
        in->have_prev = rc == 0 && res->has_pose;
        if (in->have_prev)
            in->prev = res->pose;
    }
    return rc;
}

void aoi_inspector_set_tracking(aoi_inspector *in, int on)
{
    in->track = on != 0;
    in->have_prev = 0;
}
