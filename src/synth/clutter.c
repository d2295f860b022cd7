/* clutter.c - ordinary board around the connector: traces, vias, silkscreen,
 * fiducials and other parts' pads (including periodic rows that resemble a
 * connector's), none of it inside the connector's keep-out. */
#include "synth/synth_internal.h"

#include <math.h>

static int overlaps(const item *it, aoi_rect k)
{
    double ex = it->kind == SH_CIRCLE ? it->hx : fabs(it->ca) * it->hx + fabs(it->sa) * it->hy;
    double ey = it->kind == SH_CIRCLE ? it->hx : fabs(it->sa) * it->hx + fabs(it->ca) * it->hy;
    return it->cx + ex > k.x0 && it->cx - ex < k.x1 && it->cy + ey > k.y0 && it->cy - ey < k.y1;
}

static int put(scene *s, const item *it, aoi_rect keep)
{
    return overlaps(it, keep) ? 0 : scene_add(s, it);
}

static item rect_item(int mat, int layer, double cx, double cy, double hx, double hy, double th)
{
    return (item){.kind = SH_RECT, .mat = mat, .layer = layer, .cx = cx, .cy = cy, .hx = hx,
                  .hy = hy, .ca = cos(th), .sa = sin(th)};
}

int synth_clutter(scene *s, rng_t *r, const aoi_part *part, double x0, double y0, double x1,
                  double y1, aoi_rect keep)
{
    double area = (x1 - x0) * (y1 - y0);
    int ntrace = (int)(area / 6) + rng_int(r, 6), nvia = (int)(area / 10) + rng_int(r, 5);
    item it;

    /* Escape traces from the signal pads, under the mask (visible as a tint). */
    if (rng_int(r, 2)) {
        const aoi_pad *pads = aoi_part_pads(part);
        for (int i = 0; i < aoi_part_pins(part); i++) {
            double len = rng_uniform(r, 0.6, 2.5), y = pads[i].cy + pads[i].row * (pads[i].h / 2 + len / 2);
            it = rect_item(AOI_MAT_TRACE, L_BOARD, pads[i].cx, y, 0.05, len / 2, 0);
            if (scene_add(s, &it) < 0)
                return -1;
        }
    }
    for (int i = 0; i < ntrace; i++) {
        double th = rng_int(r, 4) * M_PI / 4, len = rng_uniform(r, 1, 8);
        it = rect_item(AOI_MAT_TRACE, L_BOARD, rng_uniform(r, x0, x1), rng_uniform(r, y0, y1),
                       len / 2, rng_uniform(r, 0.04, 0.15), th);
        if (put(s, &it, keep) < 0)
            return -1;
    }
    for (int i = 0; i < nvia; i++) {
        double cx = rng_uniform(r, x0, x1), cy = rng_uniform(r, y0, y1), ro = rng_uniform(r, 0.18, 0.3);
        it = (item){.kind = SH_CIRCLE, .mat = AOI_MAT_COPPER, .layer = L_PAD, .cx = cx, .cy = cy,
                    .hx = ro, .r_in = ro * 0.5};
        if (put(s, &it, keep) < 0)
            return -1;
        it = (item){.kind = SH_CIRCLE, .mat = AOI_MAT_HOLE, .layer = L_PAD, .cx = cx, .cy = cy,
                    .hx = ro * 0.5};
        if (put(s, &it, keep) < 0)
            return -1;
    }
    /* Silkscreen: an outline around the connector and text-like strokes. */
    if (rng_int(r, 2)) {
        double m = rng_uniform(r, 0.35, 0.7), w = rng_uniform(r, 0.05, 0.08);
        aoi_rect o = {keep.x0 - m, keep.y0 - m, keep.x1 + m, keep.y1 + m};
        item e[4] = {
            rect_item(AOI_MAT_SILK, L_BOARD, (o.x0 + o.x1) / 2, o.y0, (o.x1 - o.x0) / 2, w, 0),
            rect_item(AOI_MAT_SILK, L_BOARD, (o.x0 + o.x1) / 2, o.y1, (o.x1 - o.x0) / 2, w, 0),
            rect_item(AOI_MAT_SILK, L_BOARD, o.x0, (o.y0 + o.y1) / 2, w, (o.y1 - o.y0) / 2, 0),
            rect_item(AOI_MAT_SILK, L_BOARD, o.x1, (o.y0 + o.y1) / 2, w, (o.y1 - o.y0) / 2, 0),
        };
        for (int k = 0; k < 4; k++)
            if (scene_add(s, &e[k]) < 0)
                return -1;
    }
    for (int t = 0, nt = 1 + rng_int(r, 4); t < nt; t++) {
        double tx = rng_uniform(r, x0, x1), ty = rng_uniform(r, y0, y1), hgt = rng_uniform(r, 0.5, 1.0);
        for (int c = 0; c < 4 + rng_int(r, 5); c++)
            for (int k = 0; k < 3; k++) {
                double sx = tx + c * hgt * 0.7 + rng_uniform(r, 0, hgt * 0.5);
                double sy = ty + rng_uniform(r, 0, hgt);
                int vert = rng_int(r, 2);
                it = rect_item(AOI_MAT_SILK, L_BOARD, sx, sy, vert ? 0.06 : hgt * 0.25,
                               vert ? hgt * 0.3 : 0.06, 0);
                if (put(s, &it, keep) < 0)
                    return -1;
            }
    }
    /* Fiducials. */
    for (int i = 0, nf = rng_int(r, 3); i < nf; i++) {
        it = (item){.kind = SH_CIRCLE, .mat = AOI_MAT_COPPER, .layer = L_PAD,
                    .cx = rng_uniform(r, x0, x1), .cy = rng_uniform(r, y0, y1), .hx = 0.5};
        if (put(s, &it, keep) < 0)
            return -1;
    }
    /* Other parts: chip pad pairs with solder and a body, and fine-pitch rows. */
    for (int i = 0, np = (int)(area / 25) + rng_int(r, 4); i < np; i++) {
        double cx = rng_uniform(r, x0, x1), cy = rng_uniform(r, y0, y1), th = rng_int(r, 2) * M_PI / 2;
        double c = cos(th), sn = sin(th);
        if (rng_int(r, 3) == 0) {
            /* A row of fine-pitch pads (0.4 or 0.5 mm) with solder: looks like a connector row. */
            double pitch = rng_int(r, 2) ? 0.4 : 0.5;
            int count = 6 + rng_int(r, 12);
            for (int k = 0; k < count; k++) {
                double off = (k - (count - 1) / 2.0) * pitch;
                it = rect_item(AOI_MAT_PAD, L_PAD, cx + off * c, cy + off * sn, 0.11, 0.35, th);
                if (put(s, &it, keep) < 0)
                    return -1;
                it = (item){.kind = SH_BLOB, .mat = AOI_MAT_SOLDER, .layer = L_SOLDER,
                            .cx = cx + off * c, .cy = cy + off * sn, .hx = th ? 0.25 : 0.09,
                            .hy = th ? 0.09 : 0.25, .ca = 1, .p = 3, .height = 0.05};
                if (put(s, &it, keep) < 0)
                    return -1;
            }
        } else {
            double gap = rng_uniform(r, 0.5, 1.2), pw = rng_uniform(r, 0.3, 0.7);
            for (int k = -1; k <= 1; k += 2) {
                double px = cx + k * gap / 2 * c, py = cy + k * gap / 2 * sn;
                it = rect_item(AOI_MAT_PAD, L_PAD, px, py, pw / 2, pw / 2 * 1.2, th);
                if (put(s, &it, keep) < 0)
                    return -1;
                it = (item){.kind = SH_BLOB, .mat = AOI_MAT_SOLDER, .layer = L_SOLDER, .cx = px,
                            .cy = py, .hx = pw / 2 * 0.9, .hy = pw / 2 * 1.05, .ca = 1, .p = 2.5,
                            .height = 0.08};
                if (put(s, &it, keep) < 0)
                    return -1;
            }
            it = rect_item(AOI_MAT_BODY, L_BODY, cx, cy, gap / 2 * (th ? 0.6 : 1), gap / 2 * (th ? 1 : 0.6), 0);
            if (put(s, &it, keep) < 0)
                return -1;
        }
    }
    return 0;
}
