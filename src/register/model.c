/* model.c - what the registrar looks for: the pads' visible outline edges
 * (fine stage) and the pad rows as boxes of edge energy (coarse stage). */
#include "core/error_internal.h"
#include "core/grow.h"
#include "register/register_internal.h"

#include <math.h>
#include <stdlib.h>

/* A terminal whose tip stands this close to its pad's toe (mm) reaches it
 * whenever the connector sits toward that row by half its placement
 * tolerance (imaging.md: 0.2 mm across the rows), and its tip's own edges
 * and the fillet under it draw the toe's edge in line with it: on the
 * sockets (0.05 mm) those toe points sat up to 1.1 px inside the corners
 * beside them (eval_register's 60 socket frames), and the fits up to 0.74
 * px off across the rows.  The settled fit is refitted from the corners
 * there (register.c, toe_corners()).  The headers' tips stand 0.2 mm back. */
#define TIP_NEAR_MM (BODY_SHIFT_MM / 2)

static int add_point(aoi_registrar *r, size_t *cap, double u, double v, double nu, double nv,
                     int visible, int pad)
{
    if (aoi__grow((void **)&r->pts, cap, r->npts + 1, sizeof *r->pts, 512) < 0)
        return -1;
    r->pts[r->npts++] = (mpoint){u, v, nu, nv, visible, pad, 0, 0, 0};
    r->nvisible += (size_t)(visible > 0);
    return 0;
}

static int add_box(tbox **b, size_t *n, double u0, double u1, double v0, double v1, int sign)
{
    tbox *nb = realloc(*b, (*n + 1) * sizeof *nb);
    if (!nb)
        return aoi__error("out of memory");
    *b = nb;
    nb[(*n)++] = (tbox){(u0 + u1) / 2, (v0 + v1) / 2, (u1 - u0) / 2, (v1 - v0) / 2, sign};
    return 0;
}

/* How far the box inside the body keeps from its edges and from the
 * hold-down metal (mm): the body's placement tolerance and a margin for
 * blur and the coarse levels' pixels. */
#define INSIDE_CLEAR_MM (BODY_SHIFT_MM + 0.1)

/* The least number of the coarse search's second-level cells across the
 * pad rows' visible band on parts with short rows, where the third look
 * reduces the second level less.  A socket shows 0.3 mm of each pad beside
 * its body, and its context strips begin 0.12 mm past the toes: in cells of
 * 0.19 mm (12 um/px, reduced 16 times) the toes' edges fall as often into
 * the strips as into the band, and board clutter outranked a 10-pin
 * socket's place beyond the 128th (held-out station frames of session 33).
 * Long rows outweigh clutter at any cell; the first search keeps the
 * coarser cells, a quarter of the work. */
#define ROW_BAND_CELLS 3.0

/* Row bands (visible pad area) split into segments of at most seg mm, and
 * context strips beyond the toes and the row ends. */
static int make_boxes(aoi_registrar *r, tbox **b, size_t *n, double seg)
{
    const aoi_pad *p = aoi_part_pads(r->part);
    aoi_rect body = aoi_part_body(r->part);
    double outer = fabs(p[0].cy) + p[0].h / 2, inner = fmax(body.y1, fabs(p[0].cy) - p[0].h / 2);
    double u0 = p[0].cx - p[0].w / 2, u1 = -u0, len = u1 - u0;
    int nseg = (int)ceil(len / seg);
    for (int row = -1; row <= 1; row += 2) {
        for (int k = 0; k < nseg; k++) {
            double a = u0 + len * k / nseg, b2 = u0 + len * (k + 1) / nseg;
            double v0 = row < 0 ? -outer : inner, v1 = row < 0 ? -inner : outer;
            double c0 = row < 0 ? -outer - 0.45 : outer + 0.12, c1 = row < 0 ? -outer - 0.12 : outer + 0.45;
            if (add_box(b, n, a, b2, v0, v1, 1) < 0 || add_box(b, n, a, b2, c0, c1, -1) < 0)
                return -1;
        }
        /* Beyond the row ends, between the last pad and the hold-down pad. */
        for (int side = -1; side <= 1; side += 2) {
            double e0 = side < 0 ? u0 - 0.3 : u1 + 0.12, e1 = side < 0 ? u0 - 0.12 : u1 + 0.3;
            double v0 = row < 0 ? -outer : inner, v1 = row < 0 ? -inner : outer;
            if (add_box(b, n, e0, e1, v0, v1, -1) < 0)
                return -1;
        }
    }
    /* Inside the body, clear of its edges by its placement tolerance and of
     * the hold-down metal at its ends: no edges on a moulded body. */
    {
        size_t np = aoi_part_pad_count(r->part);
        double hx = body.x1 - INSIDE_CLEAR_MM, hy = body.y1 - INSIDE_CLEAR_MM;
        for (size_t i = 0; i < np; i++)
            if (p[i].kind == AOI_PAD_HOLDDOWN)
                hx = fmin(hx, fabs(p[i].cx) - p[i].w / 2 - INSIDE_CLEAR_MM);
        if (hx >= 0.1 && hy >= 0.1 && add_box(b, n, -hx, hx, -hy, hy, BOX_INSIDE) < 0)
            return -1;
    }
    return 0;
}

int aoi__register_model(aoi_registrar *r)
{
    const aoi_pad *pads = aoi_part_pads(r->part);
    size_t npads = aoi_part_pad_count(r->part), cap = 0;
    aoi_rect body = aoi_part_body(r->part), ext = aoi_part_extent(r->part);
    double step = fmax(0.025, 3.0 * r->um / 1000); /* about three pixels apart */

    r->pitch = aoi_part_pitch(r->part);
    r->half_len = fmax(-ext.x0, ext.x1);
    r->half_wid = fmax(-ext.y0, ext.y1);
    {
        const aoi_pad *p0 = &pads[0], *pn = &pads[aoi_part_pins(r->part) - 1];
        double outer = fabs(p0->cy) + p0->h / 2, inner = fmax(body.y1, fabs(p0->cy) - p0->h / 2);
        r->short_rows = 2 * outer > fabs(pn->cx - p0->cx) + p0->w;
        r->cf = r->um <= 12 ? 4 : 2;
        r->cf2_finer =
            r->short_rows && (outer - inner) * 1000 / (r->um * r->cf * 4) < ROW_BAND_CELLS ? 2 : 4;
    }
    for (size_t i = 0; i < npads; i++) {
        const aoi_pad *p = &pads[i];
        double hw = p->w / 2, hh = p->h / 2, sy = p->row;
        double outer = fabs(p->cy) + hh, inner = fabs(p->cy) - hh;
        double tip_clear = outer - fmax(fabs(p->terminal.y0), fabs(p->terminal.y1));
        /* Side edges (normals +-u), sampled along the pad, inset from the corners. */
        for (double v = inner + 0.03; v <= outer - 0.03 + 1e-9; v += step) {
            /* Within the body's placement tolerance of its edge a pad side
             * may be covered: such points help when seen, never count
             * against a pose when not. */
            int vis = v > body.y1 + BODY_SHIFT_MM + 0.03 ? 2 : v > body.y1 + 0.03 ? 1 : 0;
            if (add_point(r, &cap, p->cx - hw, sy * v, -1, 0, vis, (int)i) < 0 ||
                add_point(r, &cap, p->cx + hw, sy * v, 1, 0, vis, (int)i) < 0)
                return -1;
            /* Beside the terminal, which moves with the connector. */
            double t0 = fmin(fabs(p->terminal.y0), fabs(p->terminal.y1));
            double t1 = fmax(fabs(p->terminal.y0), fabs(p->terminal.y1));
            if (p->terminal.x1 > p->terminal.x0 && v >= t0 && v <= t1)
                r->pts[r->npts - 2].tside = -1, r->pts[r->npts - 1].tside = 1;
        }
        /* Toe (outer end, normal away from the body) and inner end (under the body). */
        for (double u = -hw + 0.03; u <= hw - 0.03 + 1e-9; u += step) {
            int vis_toe = outer > body.y1 + BODY_SHIFT_MM + 0.02 ? 2 : outer > body.y1 + 0.02;
            int vis_in = inner > body.y1 + BODY_SHIFT_MM + 0.02 ? 2 : inner > body.y1 + 0.02;
            if (add_point(r, &cap, p->cx + u, sy * outer, 0, sy, vis_toe, (int)i) < 0)
                return -1;
            /* In line with the terminal (with 0.01 mm of blur either side);
             * 2 where the tip stands near the toe. */
            if (p->kind == AOI_PAD_SIGNAL && p->terminal.x1 > p->terminal.x0 &&
                fabs(p->cx + u - (p->terminal.x0 + p->terminal.x1) / 2) <
                    (p->terminal.x1 - p->terminal.x0) / 2 + 0.01) {
                r->pts[r->npts - 1].tip = tip_clear > TIP_NEAR_MM ? 1 : 2;
                r->near_tips += tip_clear <= TIP_NEAR_MM;
            } else if (p->kind == AOI_PAD_SIGNAL && tip_clear <= TIP_NEAR_MM)
                r->pts[r->npts - 1].keep = 1;
            if (add_point(r, &cap, p->cx + u, sy * inner, 0, -sy, vis_in, (int)i) < 0)
                return -1;
        }
    }
    /* Absent pads one pitch beyond both ends of both rows. */
    {
        int n = aoi_part_pins(r->part);
        for (int e = 0; e < 4; e++) {
            const aoi_pad *p = &pads[e < 2 ? e : n - 4 + e];
            double cx = p->cx + (e < 2 ? -r->pitch : r->pitch), hw = p->w / 2, sy = p->row;
            double outer = fabs(p->cy) + p->h / 2;
            for (double v = fmax(body.y1 + 0.05, outer - p->h + 0.03); v <= outer - 0.03 + 1e-9; v += step) {
                if (add_point(r, &cap, cx - hw, sy * v, -1, 0, 0, -1) < 0 ||
                    add_point(r, &cap, cx + hw, sy * v, 1, 0, 0, -1) < 0)
                    return -1;
            }
        }
    }
    if (r->nvisible < 20)
        return aoi__error("%s: too few visible pad edges to register", aoi_part_number(r->part));
    if (make_boxes(r, &r->fine_boxes, &r->nfine, 1.0) < 0 ||
        make_boxes(r, &r->coarse_boxes, &r->ncoarse, r->half_len * 0.9) < 0)
        return -1;
    return 0;
}
