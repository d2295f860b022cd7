/* connector.c - the synthetic connector: pads, fillets, terminals, body,
 * flux, and the defects of defects.md injected with their exact truth. */
#include "synth/synth_internal.h"
#include "core/error_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Thresholds of defects.md (mm); the generator keeps good joints clearly
 * inside and defects clearly outside, unless borderline. */
#define OVERHANG_T 0.05
#define RISE_T 0.10
#define FLUX_T 0.10
#define OFFSET_ACROSS_T 0.06
#define OFFSET_ALONG_T 0.15

static void xf_apply(const conn_xf *x, double u, double v, double *ou, double *ov)
{
    double c = cos(x->th), s = sin(x->th);
    *ou = u * c - v * s + x->dx;
    *ov = u * s + v * c + x->dy;
}

static int add_rect(scene *s, int mat, int layer, double cx, double cy, double hx, double hy,
                    double th)
{
    item it = {.kind = SH_RECT, .mat = mat, .layer = layer, .cx = cx, .cy = cy, .hx = hx,
               .hy = hy, .ca = cos(th), .sa = sin(th)};
    return scene_add(s, &it);
}

static int add_blob(scene *s, double cx, double cy, double hx, double hy, double h, double p)
{
    item it = {.kind = SH_BLOB, .mat = AOI_MAT_SOLDER, .layer = L_SOLDER, .cx = cx, .cy = cy,
               .hx = hx, .hy = hy, .ca = 1, .p = p, .height = h};
    return scene_add(s, &it);
}

static int add_film(scene *s, double cx, double cy, double hx, double hy, double opacity)
{
    item it = {.kind = SH_FILM, .mat = AOI_MAT_MASK, .layer = L_FLUX, .cx = cx, .cy = cy,
               .hx = hx, .hy = hy, .ca = 1, .p = 4, .opacity = opacity};
    return scene_add(s, &it);
}

/* Blob spanning [x0,x1] x [y0,y1]. */
static int blob_box(scene *s, double x0, double x1, double y0, double y1, double h)
{
    return add_blob(s, (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2, (y1 - y0) / 2, h, 3.0);
}

static int pick_pin(rng_t *r, const aoi_part *part, unsigned char *used, int signal_only)
{
    int n = aoi_part_pins(part), total = signal_only ? n : n + 4;
    for (int tries = 0; tries < 200; tries++) {
        int i = rng_int(r, total);
        if (!used[i]) {
            used[i] = 1;
            return i;
        }
    }
    return -1;
}

static int defect(aoi_result *t, aoi_defect_type type, int p0, int p1, double x, double y)
{
    aoi_defect d = {.type = type, .npins = p0 ? (p1 ? 2 : 1) : 0, .pins = {p0, p1}, .x_mm = x,
                    .y_mm = y};
    return aoi_result_add_defect(t, &d);
}

/* Fillet of a good or modified signal joint; extents in the footprint frame. */
typedef struct {
    double x0, x1, y_in, y_out, h; /* y_in: end toward the body; y_out: toe */
} fillet;

/* One connector's rendering: its part and placement, the scene and truth
 * it adds to, and what the steps below hand on (in order: they draw from
 * one random stream). */
typedef struct {
    scene *s;
    rng_t *r;
    const aoi_part *part;
    const conn_xf *xf;
    aoi_result *truth;
    const aoi_pad *pads;
    int n, npads;            /* signal pins; all pads (hold-downs last) */
    double edge;             /* the body's half-width */
    int borderline;          /* defect magnitudes just past the thresholds */
    unsigned char used[512]; /* pins given a defect already */
    fillet f[512];           /* each signal pin's fillet */
    double pe[512];          /* the moved body's edge at each pin (|v|, mm) */
    double hd_over[4];       /* toe overhang of each hold-down fillet */
} build;

/* Pads (exposed metal). */
static int lay_pads(build *b)
{
    const aoi_pad *pads = b->pads;
    for (int i = 0; i < b->npads; i++)
        if (add_rect(b->s, AOI_MAT_PAD, L_PAD, pads[i].cx, pads[i].cy, pads[i].w / 2, pads[i].h / 2,
                     0) < 0)
            return -1;
    return 0;
}

/* A missing connector: reflowed paste on bare pads, domes, no terminals,
 * no body. */
static int bare_pads(build *b)
{
    rng_t *r = b->r;
    for (int i = 0; i < b->npads; i++) {
        const aoi_pad *p = &b->pads[i];
        if (add_blob(b->s, p->cx + rng_uniform(r, -0.01, 0.01), p->cy + rng_uniform(r, -0.02, 0.02),
                     p->w / 2 * rng_uniform(r, 0.75, 0.92), p->h / 2 * rng_uniform(r, 0.7, 0.9),
                     rng_uniform(r, 0.03, 0.06), 3.0) < 0)
            return -1;
    }
    return defect(b->truth, AOI_DEFECT_MISSING_PART, 0, 0, 0, 0);
}

/* Terminal positions after the connector's rigid offset; offset truth. */
static int offset_truth(build *b)
{
    for (int i = 0; i < b->npads; i++) {
        const aoi_pad *p = &b->pads[i];
        double tcx = (p->terminal.x0 + p->terminal.x1) / 2, tcy = (p->terminal.y0 + p->terminal.y1) / 2;
        double ox, oy;
        xf_apply(b->xf, tcx, tcy, &ox, &oy);
        if (fabs(ox - tcx) > OFFSET_ACROSS_T || fabs(oy - tcy) > OFFSET_ALONG_T)
            if (defect(b->truth, AOI_DEFECT_OFFSET, p->pin, 0, p->cx, p->cy) < 0)
                return -1;
    }
    return 0;
}

/* The moved body's edge at each pin (|v|, mm). */
static void moved_body_edges(build *b)
{
    double bu, bv;
    for (int i = 0; i < b->npads; i++) {
        xf_apply(b->xf, b->pads[i].cx, b->pads[i].row * b->edge, &bu, &bv);
        b->pe[i] = fabs(bv);
    }
}

/* Good fillets, varying pin to pin. */
static void good_fillets(build *b)
{
    rng_t *r = b->r;
    for (int i = 0; i < b->n; i++) {
        const aoi_pad *p = &b->pads[i];
        double tx, ty, outer = fabs(p->cy) + p->h / 2, hw = p->w / 2;
        double tipy = p->row > 0 ? p->terminal.y1 : p->terminal.y0;
        xf_apply(b->xf, p->cx, tipy, &tx, &ty);
        double t_abs = fabs(ty);
        /* The toe end retreats by at most 15 % of the fillet's length, so a
         * good joint keeps well over half the nominal area (defects.md). */
        double retreat = rng_uniform(r, 0.0, 0.15), over = rng_uniform(r, 0, 0.015);
        double y_in =
            fmax(t_abs - rng_uniform(r, 0.12, 0.28), b->pe[i] + 0.16 + rng_uniform(r, 0, 0.04));
        double y_out = outer - retreat * (outer - y_in) + over;
        double half = hw * rng_uniform(r, 0.78, 0.97);
        double cx = p->cx + 0.5 * (tx - p->cx);
        if (cx - half < p->cx - hw - 0.015)
            cx = p->cx - hw - 0.015 + half;
        if (cx + half > p->cx + hw + 0.015)
            cx = p->cx + hw + 0.015 - half;
        if (y_in > y_out - 0.06)
            y_in = y_out - 0.06;
        b->f[i] = (fillet){cx - half, cx + half, y_in, y_out, rng_uniform(r, 0.04, 0.09)};
    }
}

/* Insufficient solder: fillets reshaped. */
static int starved_fillets(build *b)
{
    rng_t *r = b->r;
    fillet *f = b->f;
    unsigned char *used = b->used;
    int k = 1 + rng_int(r, 2);
    for (int j = 0; j < k; j++) {
        int i = pick_pin(r, b->part, used, 1);
        if (i < 0)
            continue;
        const aoi_pad *p = &b->pads[i];
        double hw = p->w / 2, t_abs = fabs(p->row > 0 ? p->terminal.y1 : p->terminal.y0);
        double frac = b->borderline ? 0.42 : rng_uniform(r, 0.12, 0.3);
        double len = fmax(0.05, (f[i].y_out - f[i].y_in) * frac * 1.2);
        /* No toe fillet: a thin line of solder ending before the terminal tip. */
        f[i].x0 = p->cx - hw * 0.55;
        f[i].x1 = p->cx + hw * 0.55;
        f[i].y_out = t_abs - 0.01;
        f[i].y_in = f[i].y_out - len;
        if (f[i].y_in < b->pe[i] + 0.16) {
            f[i].y_in = b->pe[i] + 0.16;
            f[i].y_out = fmax(f[i].y_out, f[i].y_in + 0.04);
        }
        f[i].h = 0.02;
        if (defect(b->truth, AOI_DEFECT_INSUFFICIENT_SOLDER, p->pin, 0, p->cx, p->cy) < 0)
            return -1;
    }
    return 0;
}

/* Excess solder: toe or side overhang, solder rising to the body, or a
 * hold-down fillet past its pad's end (hd_over). */
static int excess_solder(build *b)
{
    rng_t *r = b->r;
    const int borderline = b->borderline;
    fillet *f = b->f;
    unsigned char *used = b->used;
    int k = 1 + rng_int(r, 2);
    /* Sometimes on a hold-down pad, where its outer end shows beyond the body. */
    if (rng_int(r, 3) == 0) {
        int h = rng_int(r, 4);
        const aoi_pad *p = &b->pads[b->n + h];
        if (fabs(p->cy) + p->h / 2 > b->pe[b->n + h] + 0.05) {
            b->hd_over[h] = borderline ? rng_uniform(r, 0.065, 0.08) : rng_uniform(r, 0.09, 0.14);
            if (defect(b->truth, AOI_DEFECT_EXCESS_SOLDER, p->pin, 0, p->cx, p->cy) < 0)
                return -1;
            k--;
        }
    }
    for (int j = 0; j < k; j++) {
        int i = pick_pin(r, b->part, used, 1);
        if (i < 0)
            continue;
        const aoi_pad *p = &b->pads[i];
        int mode = rng_int(r, 3);
        double over = borderline ? rng_uniform(r, 0.065, 0.08) : rng_uniform(r, 0.09, 0.14);
        double outer = fabs(p->cy) + p->h / 2;
        if (mode == 0) { /* toe overhang */
            f[i].y_out = outer + over;
            f[i].h = 0.1;
        } else if (mode == 1) { /* side overhang, less than half the gap */
            over = borderline ? over : rng_uniform(r, 0.068, 0.08);
            if (rng_int(r, 2))
                f[i].x1 = p->cx + p->w / 2 + over;
            else
                f[i].x0 = p->cx - p->w / 2 - over;
            f[i].h = 0.1;
        } else { /* solder rising along the terminal to the body */
            double gap = borderline ? rng_uniform(r, 0.07, 0.085) : rng_uniform(r, 0.0, 0.05);
            double tx0 = p->terminal.x0, tx1 = p->terminal.x1, txc, tyc;
            xf_apply(b->xf, (tx0 + tx1) / 2, p->cy, &txc, &tyc);
            double y0 = b->pe[i] + gap, y1 = f[i].y_in + 0.05;
            if (blob_box(b->s, txc - (tx1 - tx0) / 2 - 0.01, txc + (tx1 - tx0) / 2 + 0.01,
                         p->row > 0 ? y0 : -y1, p->row > 0 ? y1 : -y0, 0.08) < 0)
                return -1;
        }
        if (defect(b->truth, AOI_DEFECT_EXCESS_SOLDER, p->pin, 0, p->cx, p->cy) < 0)
            return -1;
    }
    return 0;
}

/* A body shifted out over its pads leaves the fillet no room: solder the
 * layout itself puts on the terminal within RISE_T of the body edge is
 * excess solder by defects.md, whatever was asked for. */
static int squeezed_excess(build *b)
{
    aoi_result *truth = b->truth;
    fillet *f = b->f;
    for (int i = 0; i < b->n; i++) {
        const aoi_pad *p = &b->pads[i];
        double tx, ty, thw = (p->terminal.x1 - p->terminal.x0) / 2;
        int labelled = 0;
        xf_apply(b->xf, (p->terminal.x0 + p->terminal.x1) / 2, p->cy, &tx, &ty);
        for (size_t q = 0; q < truth->ndefects; q++)
            labelled |= truth->defects[q].type == AOI_DEFECT_EXCESS_SOLDER &&
                        truth->defects[q].pins[0] == p->pin;
        if (!labelled && f[i].y_in < b->pe[i] + RISE_T && f[i].x1 > tx - thw &&
            f[i].x0 < tx + thw &&
            defect(truth, AOI_DEFECT_EXCESS_SOLDER, p->pin, 0, p->cx, p->cy) < 0)
            return -1;
    }
    return 0;
}

/* Signal fillets. */
static int signal_fillets(build *b)
{
    fillet *f = b->f;
    for (int i = 0; i < b->n; i++) {
        double y0 = b->pads[i].row > 0 ? f[i].y_in : -f[i].y_out;
        double y1 = b->pads[i].row > 0 ? f[i].y_out : -f[i].y_in;
        if (blob_box(b->s, f[i].x0, f[i].x1, y0, y1, f[i].h) < 0)
            return -1;
    }
    return 0;
}

/* Hold-down fillets: on the visible part of the land, outside the body. */
static int holddown_fillets(build *b)
{
    for (int i = b->n; i < b->npads; i++) {
        const aoi_pad *p = &b->pads[i];
        double outer = fabs(p->cy) + p->h / 2;
        if (outer > b->edge + 0.03) {
            double y_in = b->edge - 0.02,
                   y_out = outer - rng_uniform(b->r, 0, 0.02) + b->hd_over[i - b->n];
            if (blob_box(b->s, p->cx - p->w / 2 * 0.95, p->cx + p->w / 2 * 0.95,
                         p->row > 0 ? y_in : -y_out, p->row > 0 ? y_out : -y_in,
                         rng_uniform(b->r, 0.04, 0.08)) < 0)
                return -1;
        }
    }
    return 0;
}

/* Bridges between neighbours on one row. */
static int bridges(build *b)
{
    rng_t *r = b->r;
    const aoi_pad *pads = b->pads;
    fillet *f = b->f;
    unsigned char *used = b->used;
    int k = 1 + rng_int(r, 2);
    for (int j = 0; j < k; j++) {
        int i = rng_int(r, b->n - 2), pa = i, pb = i + 2;
        if (used[pa] || used[pb])
            continue;
        used[pa] = used[pb] = 1;
        double ylo = fmax(f[pa].y_in, f[pb].y_in), yhi = fmin(f[pa].y_out, f[pb].y_out);
        double w = b->borderline ? 0.03 : rng_uniform(r, 0.05, 0.16);
        if (yhi - ylo < w)
            w = yhi - ylo;
        double mid = (ylo + yhi) / 2, span = (yhi - ylo) * 0.3;
        double yc = rng_uniform(r, mid - fmax(0, span - w / 2), mid + fmax(0, span - w / 2));
        double xa = pads[pa].cx, xb = pads[pb].cx;
        double yy = pads[pa].row > 0 ? yc : -yc;
        if (blob_box(b->s, xa, xb, yy - w / 2 - 0.005, yy + w / 2 + 0.005, 0.045) < 0)
            return -1;
        if (defect(b->truth, AOI_DEFECT_BRIDGE, pads[pa].pin, pads[pb].pin, (xa + xb) / 2, yy) < 0)
            return -1;
    }
    return 0;
}

/* Terminals (gold strips on their pads), moved with the connector. */
static int terminals(build *b)
{
    double bu, bv;
    for (int i = 0; i < b->n; i++) {
        const aoi_pad *p = &b->pads[i];
        /* Reaches 0.05 mm under the body so no seam shows at its edge. */
        double cx = (p->terminal.x0 + p->terminal.x1) / 2;
        double cy = (p->terminal.y0 + p->terminal.y1) / 2 - p->row * 0.025;
        xf_apply(b->xf, cx, cy, &bu, &bv);
        if (add_rect(b->s, AOI_MAT_TERMINAL, L_TERMINAL, bu, bv,
                     (p->terminal.x1 - p->terminal.x0) / 2,
                     (p->terminal.y1 - p->terminal.y0) / 2 + 0.025, b->xf->th) < 0)
            return -1;
    }
    return 0;
}

/* Flux: benign residue beyond the toes. */
static int benign_flux(build *b)
{
    rng_t *r = b->r;
    if (rng_int(r, 3) == 0) {
        int row = rng_int(r, 2) ? 1 : -1;
        double outer = fabs(b->pads[0].cy) + b->pads[0].h / 2;
        double y = outer + rng_uniform(r, 0.1, 0.25);
        if (y - 0.08 > b->edge + 0.25 &&
            add_film(b->s, rng_uniform(r, -1, 1), row * y, rng_uniform(r, 0.5, 2.0), 0.08,
                     rng_uniform(r, 0.3, 0.7)) < 0)
            return -1;
    }
    return 0;
}

/* Flux rising up terminals. */
static int flux_rise(build *b)
{
    rng_t *r = b->r;
    double *pe = b->pe;
    int k = 1 + rng_int(r, 2);
    unsigned char fused[512] = {0};
    for (int j = 0; j < k; j++) {
        int i = pick_pin(r, b->part, fused, 1);
        if (i < 0)
            continue;
        const aoi_pad *p = &b->pads[i];
        double txc, tyc, reach = b->borderline ? 0.12 : rng_uniform(r, 0.16, 0.3);
        xf_apply(b->xf, p->cx, p->cy, &txc, &tyc);
        double y0 = pe[i] - 0.06, y1 = pe[i] + reach;
        double half = (p->terminal.x1 - p->terminal.x0) / 2 + rng_uniform(r, 0.03, 0.06);
        if (add_film(b->s, txc, p->row * (y0 + y1) / 2, half, (y1 - y0) / 2,
                     rng_uniform(r, 0.55, 0.85)) < 0)
            return -1;
        if (defect(b->truth, AOI_DEFECT_FLUX_RISE, p->pin, 0, p->cx, p->row * (pe[i] + 0.05)) < 0)
            return -1;
    }
    return 0;
}

/* Body, then the hold-down metal visible on top of it. */
static int body_and_holddowns(build *b)
{
    const conn_xf *xf = b->xf;
    const aoi_rect body = aoi_part_body(b->part);
    double bu, bv;
    xf_apply(xf, 0, 0, &bu, &bv);
    if (add_rect(b->s, AOI_MAT_BODY, L_BODY, bu, bv, (body.x1 - body.x0) / 2,
                 (body.y1 - body.y0) / 2, xf->th) < 0)
        return -1;
    for (int i = b->n; i < b->npads; i++) {
        const aoi_rect *t = &b->pads[i].terminal;
        xf_apply(xf, (t->x0 + t->x1) / 2, (t->y0 + t->y1) / 2, &bu, &bv);
        if (add_rect(b->s, AOI_MAT_TERMINAL, L_ONBODY, bu, bv, (t->x1 - t->x0) / 2,
                     (t->y1 - t->y0) / 2, xf->th) < 0)
            return -1;
    }
    return 0;
}

int synth_connector(scene *s, rng_t *r, const aoi_part *part, const conn_xf *xf, unsigned defects,
                    int borderline, aoi_result *truth)
{
    build b = {.s = s,
               .r = r,
               .part = part,
               .xf = xf,
               .truth = truth,
               .pads = aoi_part_pads(part),
               .n = aoi_part_pins(part),
               .npads = (int)aoi_part_pad_count(part),
               .edge = aoi_part_body(part).y1,
               .borderline = borderline};
    if (b.npads > 500)
        return aoi__error("synth: too many pads");
    if (lay_pads(&b) < 0)
        return -1;
    if (defects & (1u << AOI_DEFECT_MISSING_PART))
        return bare_pads(&b);
    if (offset_truth(&b) < 0)
        return -1;
    moved_body_edges(&b);
    good_fillets(&b);
    /* Defects that reshape fillets, then the fillets; bridges, terminals,
     * flux, the body. */
    if (((defects & (1u << AOI_DEFECT_INSUFFICIENT_SOLDER)) && starved_fillets(&b) < 0) ||
        ((defects & (1u << AOI_DEFECT_EXCESS_SOLDER)) && excess_solder(&b) < 0) ||
        squeezed_excess(&b) < 0 || signal_fillets(&b) < 0 || holddown_fillets(&b) < 0 ||
        ((defects & (1u << AOI_DEFECT_BRIDGE)) && bridges(&b) < 0) || terminals(&b) < 0 ||
        benign_flux(&b) < 0 || ((defects & (1u << AOI_DEFECT_FLUX_RISE)) && flux_rise(&b) < 0))
        return -1;
    return body_and_holddowns(&b);
}

/* Sorts defects by type then first pin, so truth reads in a stable order. */
static int cmp_defect(const void *a, const void *b)
{
    const aoi_defect *x = a, *y = b;
    if (x->type != y->type)
        return (int)x->type - (int)y->type;
    return x->pins[0] - y->pins[0];
}

void synth_sort_defects(aoi_result *t)
{
    if (t->ndefects > 1)
        qsort(t->defects, t->ndefects, sizeof *t->defects, cmp_defect);
}
