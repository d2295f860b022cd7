/* fine.c - sub-pixel fit of the pads' outline edges in the full-resolution
 * frame: search each model edge point's normal for the strongest step of the
 * frame's distance from the mask colour, then a Tukey-weighted Gauss-Newton
 * step in position, rotation and scale; repeat with narrower windows.  And
 * the fit's score: the share of the outline's edges found. */
#include "core/error_internal.h"
#include "core/select.h"
#include "register/edge.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Solves the 4x4 system A x = b (Gaussian elimination, partial pivoting). */
static int solve4(double A[4][4], double b[4], double x[4])
{
    for (int i = 0; i < 4; i++) {
        int p = i;
        for (int j = i + 1; j < 4; j++)
            if (fabs(A[j][i]) > fabs(A[p][i]))
                p = j;
        if (fabs(A[p][i]) < 1e-12)
            return -1;
        for (int k = 0; k < 4; k++) {
            double t = A[i][k];
            A[i][k] = A[p][k];
            A[p][k] = t;
        }
        double t = b[i];
        b[i] = b[p];
        b[p] = t;
        for (int j = i + 1; j < 4; j++) {
            double f = A[j][i] / A[i][i];
            for (int k = i; k < 4; k++)
                A[j][k] -= f * A[i][k];
            b[j] -= f * b[i];
        }
    }
    for (int i = 3; i >= 0; i--) {
        double s = b[i];
        for (int k = i + 1; k < 4; k++)
            s -= A[i][k] * x[k];
        x[i] = s / A[i][i];
    }
    return 0;
}

/* A tip point standing at its toe in the toe-corner refit, or of the row
 * whose terminal tips stand past its toes. */
static inline int skipped(const aoi_registrar *r, const mpoint *m)
{
    return (m->tip == 2 && r->corners_only) ||
           (r->skip_tips && m->tip && (m->v > 0 ? 1 : -1) == r->skip_tips);
}

/* Pads continue beyond a row end when the absent pads' sides show edges at
 * this share of the rate at which the pads' own sides do. */
#define ABSENT_SHARE 0.6
/* Or when one row's absent pads show them at this share: a fit with one
 * row on a longer part's pads and the other on its traces (an 80-pin
 * header read as the 40-pin one: 0.79 on that row, under ABSENT_SHARE over
 * both).  On right fits the most one row showed was 0.58 (the four
 * inspection sets' 784 frames) and 0.13 (eval_register's 240). */
#define ROW_ABSENT_SHARE 0.7
/* A side covered by terminals: most of its edges lie at one distance. */
#define DISP_SHARE 0.6
#define HIT_MAX 8192
#define ABSENT_MAX 1024
#define UNC_MAX 8192
typedef struct {
    double u, v;
    int hit;
} unc_pt;
typedef struct {
    int end, row;
    double st;
} absent_pt;

/* Body edges across the rows: a body off its pads across the rows by up to
 * BODY_SHIFT_MM covers the near part of one row's pads (their sides were
 * modelled "visible unless the body sits off-centre").  Its two long edges
 * are measured in the gaps between pads, where the body meets the mask:
 * per gap the strongest drop of D outward within BODY_SHIFT_MM + 0.05 of the
 * model's edge, per row side a line through them (Theil-Sen), and the body
 * is taken as shifted when both lines are there, parallel, a body width
 * apart and off the same way.  Returns 0 and the edge line of each side
 * (|v| = a[side] + b[side] u, side 0 for -v, 1 for +v), or -1. */
#define ACROSS_GAPS_MAX 64    /* gaps per row: 39 on the 80-pin parts */
#define ACROSS_WIDTH_TOL 0.03 /* measured width vs the model's (mm) */
#define ACROSS_MIN_SHIFT 0.04 /* less is within what the uncertain band's margin absorbs (mm) */
static int body_across(const aoi_registrar *r, const sampler *s, const frame_xf *fx,
                       const candidate *c, double a[2], double b[2])
{
    const aoi_pad *pads = aoi_part_pads(r->part);
    int n = aoi_part_pins(r->part);
    aoi_rect body = aoi_part_body(r->part);
    double y1 = body.y1, k = fx->k, dv = 0.5 / k, reach = BODY_SHIFT_MM + 0.05;
    int nv = (int)(2 * reach / dv) + 1, g = (int)ceil(1.0 / (k * dv));
    static _Thread_local double gu[2][ACROSS_GAPS_MAX], gv[2][ACROSS_GAPS_MAX];
    static _Thread_local double sl[ACROSS_GAPS_MAX * ACROSS_GAPS_MAX / 2], prof[1024];
    int ng[2] = {0, 0}, gaps[2] = {0, 0};
    if (nv > 1024 || nv < 4 * g + 2)
        return -1;
    for (int q = 0; q + 2 < n; q++) {
        const aoi_pad *p = &pads[q], *o = &pads[q + 2];
        int side = p->row > 0;
        if (o->row != p->row || ng[side] >= ACROSS_GAPS_MAX)
            continue;
        gaps[side]++;
        double u = (p->cx + o->cx) / 2, best = 4 * MIN_STRENGTH, bv = NAN;
        int ok = 1;
        for (int i = 0; i < nv && ok; i++) {
            mpoint m = {u, p->row * (y1 - reach + i * dv), 0, p->row, 0, 0, 0, 0, 0};
            proj pp;
            project(fx, c, &m, &pp);
            prof[i] = sample(s, pp.x, pp.y);
            ok = prof[i] >= 0;
        }
        if (!ok)
            continue;
        int bi = -1;
        for (int i = g; i + g < nv; i++)
            if (prof[i - g] - prof[i + g] > best)
                best = prof[i - g] - prof[i + g], bi = i;
        if (bi >= 0) {
            /* To a fraction of a sample: the vertex of the parabola through
             * the drops at bi and its neighbours (the edges' slopes come
             * from four gaps on the short parts, where whole samples put
             * a tilt of one sample over the gaps' span). */
            double d0 = bi - 1 >= g ? prof[bi - 1 - g] - prof[bi - 1 + g] : best,
                   d2 = bi + 1 + g < nv ? prof[bi + 1 - g] - prof[bi + 1 + g] : best,
                   den = d0 - 2 * best + d2, f = den < 0 ? 0.5 * (d0 - d2) / den : 0;
            bv = y1 - reach + (bi + fmax(-0.5, fmin(0.5, f))) * dv;
        }
        if (isfinite(bv)) {
            gu[side][ng[side]] = u;
            gv[side][ng[side]++] = bv;
        }
    }
    for (int side = 0; side < 2; side++) {
        int m = ng[side], ns = 0, in = 0;
        /* Four gaps at least, or all but one of a short row's four (a
         * gap's edge can be blurred under the strongest-drop floor). */
        if (m < 4 && !(m == 3 && gaps[side] == 4))
            return -1;
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++)
                if (gu[side][j] != gu[side][i])
                    sl[ns++] = (gv[side][j] - gv[side][i]) / (gu[side][j] - gu[side][i]);
        if (ns == 0)
            return -1;
        b[side] = aoi__select_double(sl, (size_t)ns, (size_t)ns / 2);
        for (int i = 0; i < m; i++)
            sl[i] = gv[side][i] - b[side] * gu[side][i];
        a[side] = aoi__select_double(sl, (size_t)m, (size_t)m / 2);
        /* Most gaps on the line (1.5 px): a straight edge, not clutter. */
        for (int i = 0; i < m; i++)
            in += fabs(gv[side][i] - a[side] - b[side] * gu[side][i]) * k < 1.5;
        if (in < 0.6 * m)
            return -1;
    }
    /* One rigid body: a body width apart, parallel where the gaps measure
     * it (over the gaps' span: on a 10-pin part four gaps span 1.2 mm of
     * a 4.5 mm footprint, and half a sample of an edge's place there is
     * a tilt that the footprint's ends would multiply by four), moved one
     * way. */
    double ulo = INFINITY, uhi = -INFINITY;
    for (int side = 0; side < 2; side++)
        for (int i = 0; i < ng[side]; i++)
            ulo = fmin(ulo, gu[side][i]), uhi = fmax(uhi, gu[side][i]);
    double d = (a[1] - a[0]) / 2;
    if (fabs(a[0] + a[1] - 2 * y1) > ACROSS_WIDTH_TOL ||
        fabs(b[0] + b[1]) * (uhi - ulo) / 2 > 0.02 || fabs(d) < ACROSS_MIN_SHIFT ||
        fabs(d) > BODY_SHIFT_MM + 0.03)
        return -1;
    return 0;
}

double aoi__register_score(aoi_registrar *r, const aoi_image *frame, const candidate *c,
                           double scale, int polarity, int body_across_too, double *strict)
{
    sampler s;
    int in = 0, n = 0, unc_n = 0, unc_in = 0;
    /* Edges of pad sides a terminal may cover, found beyond the side by up
     * to TERMINAL_REACH_MM: their displacements, per side (-u, +u). */
    static _Thread_local double disp[2][2048];
    /* The steps found at the pads' certain edges, and at the absent pads'. */
    static _Thread_local double hst[HIT_MAX];
    static _Thread_local absent_pt astr[ABSENT_MAX];
    static _Thread_local unc_pt unc[UNC_MAX];
    int nd[2] = {0, 0}, nh = 0, na = 0, side_n = 0, side_in = 0, nu = 0;
    double reach = fmin(TERMINAL_REACH_MM * 1000.0 / r->um * scale, 2 * MAX_REACH_PX);
    frame_xf fx = xf_of(r, c, scale);
    aoi__register_sampler(r, frame, c, &s);
    for (size_t i = 0; i < r->npts; i++) {
        proj p;
        double t, st;
        if (r->pts[i].pad < 0) {
            /* An edge where the board must be bare mask. */
            int end = r->pts[i].u > 0;
            project(&fx, c, &r->pts[i], &p);
            if (na < ABSENT_MAX)
                astr[na++] = (absent_pt){
                    end, r->pts[i].v > 0,
                    find_edge(&s, p.x, p.y, p.nx, p.ny, 1.5, 0, STRONGEST, &t, &st) == 0 ? st : 0};
            continue;
        }
        if (!r->pts[i].visible || skipped(r, &r->pts[i]))
            continue;
        project(&fx, c, &r->pts[i], &p);
        /* The fit's own rule: scored by the strongest step, a fit settled
         * on the pads' outer edges lost to fits a pixel off toward the rims
         * (and a right pose was refused at 0.49 that way). */
        int hit = find_edge(&s, p.x, p.y, p.nx, p.ny, 1.5, polarity, OUTERMOST, &t, &st) == 0 &&
                  fabs(t) < 1.0 && st >= MIN_STRENGTH;
        if (!hit && r->pts[i].tside && reach > 2) {
            int g = r->pts[i].tside > 0;
            double h = reach / 2, c0 = h + 1;
            if (nd[g] < 2048 &&
                find_edge(&s, p.x + c0 * p.nx, p.y + c0 * p.ny, p.nx, p.ny, h, polarity, OUTERMOST,
                          &t, &st) == 0 &&
                st >= MIN_STRENGTH)
                disp[g][nd[g]++] = t + c0;
        }
        if (hit && r->pts[i].visible == 2 && nh < HIT_MAX)
            hst[nh++] = st;
        if (r->pts[i].visible == 2 && r->pts[i].nv == 0) {
            side_n++;
            side_in += hit;
        }
        if (r->pts[i].visible == 2) {
            n++;
            in += hit;
        } else {
            unc_n++;
            unc_in += hit;
            if (body_across_too && nu < UNC_MAX)
                unc[nu++] = (unc_pt){r->pts[i].u, r->pts[i].v, hit};
        }
    }
    /* Strict: every visible side counts (the confidence, so that a wrong
     * fit cannot hide behind the body).  For choosing between fits, the
     * strict share is averaged with the share of the edges no body can hide
     * (toes, outer sides): a body sitting off its pads hides sides near it,
     * and a fit that slid to explain those loses the toes. */
    double st = n + unc_n ? (double)(in + unc_in) / (n + unc_n) : 0;
    double certain = n ? (double)in / n : 0;
    double choose = (st + certain) / 2;
    /* A connector off its pads along the rows covers one side of every pad
     * with its terminals: those sides' edges show further out, all by the
     * same amount.  Under that hypothesis (either way) the points of the
     * covered side whose edge lies within 1 px of the group's median
     * displacement are explained too; the confidence is the best share (a
     * wrong fit's misses do not line up one way at one distance). */
    for (int g = 0; g < 2; g++) {
        if (nd[g] < 8)
            continue;
        double med = aoi__select_double(disp[g], (size_t)nd[g], (size_t)nd[g] / 2);
        int more = 0;
        for (int q = 0; q < nd[g]; q++)
            more += fabs(disp[g][q] - med) < 1.0;
        if (more < DISP_SHARE * nd[g])
            continue; /* no one distance: clutter's edges at random */
        if (n + unc_n && (double)(in + unc_in + more) / (n + unc_n) > st)
            st = (double)(in + unc_in + more) / (n + unc_n);
    }
    /* A body off across the rows, seen at its two long edges, hides the
     * near part of the pads of the row it moved toward: under that
     * hypothesis those points (uncertain by the model) are left out. */
    double ea[2], eb[2];
    if (body_across_too && nu < UNC_MAX && body_across(r, &s, &fx, c, ea, eb) == 0) {
        int side = ea[1] > ea[0], hid = 0, hid_in = 0;
        for (int q = 0; q < nu; q++)
            if ((unc[q].v > 0) == side && fabs(unc[q].v) < ea[side] + eb[side] * unc[q].u) {
                hid++;
                hid_in += unc[q].hit;
            }
        if (n + unc_n - hid > 0 && (double)(in + unc_in - hid_in) / (n + unc_n - hid) > st)
            st = (double)(in + unc_in - hid_in) / (n + unc_n - hid);
    }
    /* Pads continuing beyond the row ends: a longer part, or a row slipped.
     * An edge there counts when it is like the pads' own (half their median
     * step): a noisy mask's texture shows steps of a few DN everywhere. */
    double like = nh ? 0.5 * aoi__select_double(hst, (size_t)nh, (size_t)nh / 2) : 0;
    int absent[2][2] = {{0, 0}, {0, 0}}, hits[2][2] = {{0, 0}, {0, 0}}; /* [end][row] */
    for (int q = 0; q < na; q++) {
        absent[astr[q].end][astr[q].row]++;
        hits[astr[q].end][astr[q].row] += astr[q].st >= fmax(MIN_STRENGTH * 2, like);
    }
    double side_rate = side_n ? (double)side_in / side_n : 0;
    for (int e = 0; e < 2; e++) {
        int na_e = absent[e][0] + absent[e][1],
            more = na_e && hits[e][0] + hits[e][1] > na_e * ABSENT_SHARE * side_rate;
        for (int w = 0; w < 2; w++)
            more |= absent[e][w] && hits[e][w] > absent[e][w] * ROW_ABSENT_SHARE * side_rate;
        if (more) {
            choose *= 0.5;
            st *= 0.5;
        }
    }
    *strict = st;
    return choose;
}

/* The search windows below are pixels; a wide fit keeps its first five at
 * their size in mm at this scale on finer ones (at 6 um/px twice as many
 * pixels).  What leads a fit astray across the rows - a fillet's rim
 * inside the toe, a pose a few hundredths of a mm off - is as large in mm
 * at every scale: at 6 um/px small sockets in station frames stopped 3-8
 * px (0.02-0.05 mm) off with windows of 4 px (0.024 mm).  (Every fit wide:
 * six of them found, but seven others moved 0.5-2 px off.) */
#define WINDOW_UM 12.0

int aoi__register_fine(aoi_registrar *r, const aoi_image *frame, candidate *c, unsigned flags,
                       double *scale, int *inliers)
{
    static const double windows[] = {4.0, 3.0, 3.0, 2.5, 2.0, 1.5, 1.5, 1.5};
    /* Reach along the rows (mm): the centre first, so that an unknown 1 %
     * of scale does not throw the far pads out of the search window. */
    static const double reach[] = {2, 2, 4, 8, 1e9, 1e9, 1e9, 1e9};
    sampler s;
    double *res = malloc(sizeof *res * r->npts);
    int *ok = malloc(sizeof *ok * r->npts), polarity = -1, ret = 0; /* D is larger inside */
    proj *pp = malloc(sizeof *pp * r->npts);
    double sc = c->scale > 0.9 && c->scale < 1.1 ? c->scale : 1.0;
    const double wk = flags & FIT_WIDE ? fmax(1.0, WINDOW_UM / r->um) : 1.0;

    if (!res || !ok || !pp) {
        ret = aoi__error("out of memory");
        goto bailout;
    }
    r->fits++;
    aoi__register_sampler(r, frame, c, &s);
    for (size_t it = 0; it < sizeof windows / sizeof *windows; it++) {
        double A[4][4] = {{0}}, b[4] = {0}, x[4] = {0};
        double win = it < 5 ? windows[it] * wk : windows[it];
        int n = 0;
        /* Residuals by the direction of their normal (+u, -u, +v, -v).  Each group's median is its
         * consensus shift; a point is weighted by how far it strays from its own group's consensus,
         * so that a group that is wholly off (the toes, when the coarse stage missed across the
         * rows) still pulls the fit. */
        static _Thread_local double grp[4][4096];
        int ng[4] = {0, 0, 0, 0};
        double med[4] = {0, 0, 0, 0}, cthr[4] = {win, win, win, win};
        frame_xf fx = xf_of(r, c, sc);
        for (size_t i = 0; i < r->npts; i++) {
            double t, st;
            ok[i] = 0;
            if (!r->pts[i].visible || fabs(r->pts[i].u) > reach[it] ||
                (it < 5 && i % 3 && !(r->corners_only && r->pts[i].keep)) || skipped(r, &r->pts[i]))
                continue;
            project(&fx, c, &r->pts[i], &pp[i]);
            if (find_edge(&s, pp[i].x, pp[i].y, pp[i].nx, pp[i].ny, win, polarity, OUTERMOST, &t,
                          &st) < 0 ||
                st < MIN_STRENGTH)
                continue;
            ok[i] = 1;
            res[i] = t;
            int g = normal_group(&r->pts[i]);
            if (ng[g] < 4096)
                grp[g][ng[g]++] = t;
            n++;
        }
        if (n < 12) {
            ret = aoi__error("too few pad edges found (%d)", n);
            goto bailout;
        }
        for (int g = 0; g < 4; g++) {
            if (!ng[g])
                continue;
            med[g] = aoi__select_double(grp[g], (size_t)ng[g], (size_t)ng[g] / 2);
            for (int q = 0; q < ng[g]; q++)
                grp[g][q] = fabs(grp[g][q] - med[g]);
            double mad = aoi__select_double(grp[g], (size_t)ng[g], (size_t)ng[g] / 2);
            cthr[g] = fmin(win, fmax(0.6, 4.0 * 1.4826 * mad));
        }
        for (size_t i = 0; i < r->npts; i++) {
            if (!ok[i])
                continue;
            int g = normal_group(&r->pts[i]);
            double u = (res[i] - med[g]) / cthr[g], w = fabs(u) < 1 ? (1 - u * u) * (1 - u * u) : 0;
            double J[4] = {pp[i].nx, pp[i].ny, pp[i].nx * pp[i].dth_x + pp[i].ny * pp[i].dth_y,
                           pp[i].nx * (pp[i].x - c->x) + pp[i].ny * (pp[i].y - c->y)};
            /* Toes and inner ends out of the scale. */
            if ((flags & FIT_SIDES_SCALE) && r->pts[i].nu == 0)
                J[3] = 0;
            for (int a2 = 0; a2 < 4; a2++) {
                for (int bb = 0; bb < 4; bb++)
                    A[a2][bb] += w * J[a2] * J[bb];
                b[a2] += w * J[a2] * res[i];
            }
        }
        /* Scale is left alone until position and angle have settled. */
        A[3][3] += it < 1 ? 1e30 : 50.0 * r->npts;
        if (solve4(A, b, x) < 0) {
            ret = aoi__error("degenerate edge fit");
            goto bailout;
        }
        c->x += x[0];
        c->y += x[1];
        c->th += x[2];
        sc *= exp(x[3]);
        if (getenv("AOI_REGISTER_DEBUG") && atoi(getenv("AOI_REGISTER_DEBUG")) > 1)
            fprintf(stderr,
                    "   it %zu win %.1f reach %.0f n %d -> (%.3f, %.3f, %.4f) sc %.4f med %.2f "
                    "%.2f %.2f %.2f ng %d %d %d %d\n",
                    it, win, reach[it], n, c->x, c->y, c->th, sc, med[0], med[1], med[2], med[3],
                    ng[0], ng[1], ng[2], ng[3]);
        if (sc > 1.03)
            sc = 1.03;
        if (sc < 0.97)
            sc = 0.97;
        /* Converged once the full outline is in use and the step is tiny
         * (0.005 px, 0.0005 deg, 5e-6 in scale). */
        if (reach[it] > 1e8 && it >= 5 && fabs(x[0]) < 0.005 && fabs(x[1]) < 0.005 &&
            fabs(x[2]) < 5e-4 && fabs(x[3]) < 5e-6)
            break;
    }
    {
        int in = 0;
        for (size_t i = 0; i < r->npts; i++)
            in += ok[i] && r->pts[i].visible && !skipped(r, &r->pts[i]) && fabs(res[i]) < 1.0;
        *inliers = in;
    }
    *scale = sc;
    c->score = aoi__register_score(r, frame, c, sc, polarity, 0, &c->strict);
bailout:
    free(res);
    free(ok);
    free(pp);
    return ret;
}
