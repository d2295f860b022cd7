/* placement.c - where the connector sits on its pads: the body's long
 * edges measured per pad column and fitted per row (the connector's offset
 * across the rows and its rotation), the hold-down terminals on the body or
 * the pads' outline (its offset along the rows), and where the pads
 * themselves lie when registration followed terminals standing past them. */
#include "core/error_internal.h"
#include "core/grow.h"
#include "inspect/inspector_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW_TOL 0.015       /* body edge points about a straight line, mm */
#define ROW_SLOPE_MAX 0.05  /* a body turned 1 deg on its pads: 0.017 (+ pose error) */
#define BODY_SHIFT_MAX 0.30 /* the body's joint search across the rows reaches this far, mm */
#define OCCLUDED 0.03     /* pad outline wider than the pad by this: a terminal covers a side, mm */
#define OCCLUDED_TOL 0.04 /* ... when the terminals' shift agrees within this, mm */

static double gap_u(const aoi_inspector *in, int k);

/* The window sums of every signal pad's column and gap (see ewin), for
 * the frame's strips.  All windows of a strip are summed together, row by
 * row (a window's column read down the rows would load a cache line a
 * row). */
static void window_sums(aoi_inspector *in)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    const size_t rows = (size_t)in->ecache_nw + 1;
    for (int q = 0; q < 2 * in->n; q++) {
        /* The strip columns within [u - 0.04, u + 0.04]. */
        const patch *s = strip_of(in, pads[q / 2].row);
        double u = q % 2 ? gap_u(in, q / 2) : pads[q / 2].cx;
        int a = (int)ceil((u - 0.04 - s->u0) / s->h), b = (int)floor((u + 0.04 - s->u0) / s->h);
        in->ewin_cols[2 * q] = a < 0 ? 0 : a;
        in->ewin_cols[2 * q + 1] = b >= s->nu ? s->nu - 1 : b;
        memset(in->ewin + (size_t)q * rows * 4, 0, 4 * sizeof *in->ewin);
    }
    for (int r = 0; r < 2; r++) {
        const patch *s = &in->strip[r];
        /* This strip's windows (its row's pads and their gaps). */
        int win[2 * 512], nwin = 0;
        for (int q = 0; q < 2 * in->n && nwin < 2 * 512; q++)
            if (strip_of(in, pads[q / 2].row) == s)
                win[nwin++] = q;
        for (int i = 0; i < s->nw; i++) {
            const feat *row = patch_at(s, 0, i);
            for (int t = 0; t < nwin; t++) {
                const int q = win[t];
                double *P = in->ewin + (size_t)q * rows * 4, a[4] = {0, 0, 0, 0};
                for (int j = in->ewin_cols[2 * q]; j <= in->ewin_cols[2 * q + 1]; j++) {
                    if (isnan(row[j].L))
                        continue;
                    a[0] += row[j].L, a[1] += row[j].cr, a[2] += row[j].cg, a[3] += 1;
                }
                for (int c = 0; c < 4; c++)
                    P[4 * (i + 1) + c] = P[4 * i + c] + a[c];
            }
        }
    }
    for (int q = 0; q < 2 * in->n; q++) {
        double *P = in->ewin + (size_t)q * rows * 4;
        size_t nw = (size_t)strip_of(in, pads[q / 2].row)->nw;
        for (size_t i = nw + 1; i < rows; i++)
            memcpy(&P[4 * i], &P[4 * nw], 4 * sizeof *P);
    }
}

/* The frame's edge score cache (nothing computed yet) and window sums
 * (window_sums()), sized for its strips. */
int aoi__edge_windows(aoi_inspector *in)
{
    in->ecache_nw = in->strip[0].nw > in->strip[1].nw ? in->strip[0].nw : in->strip[1].nw;
    if (aoi__grow((void **)&in->ecache, &in->ecachecap, (size_t)in->n * (size_t)in->ecache_nw + 1,
                  sizeof *in->ecache, 4096) < 0)
        return aoi__error("inspect: out of memory");
    for (size_t q = 0; q < (size_t)in->n * (size_t)in->ecache_nw; q++)
        in->ecache[q] = NAN;
    if (aoi__grow((void **)&in->ewin, &in->ewincap,
                  (size_t)in->n * 2 * ((size_t)in->ecache_nw + 1) * 4, sizeof *in->ewin,
                  4096) < 0 ||
        aoi__grow((void **)&in->ewin_cols, &in->ewin_colscap, (size_t)in->n * 4,
                  sizeof *in->ewin_cols, 256) < 0)
        return aoi__error("inspect: out of memory");
    window_sums(in);
    return 0;
}

/* Mean feature of the window over the strip rows within [w0, w1], from two
 * prefix sums; returns how many samples (0: none).  The sums are those of
 * the box summed sample by sample: exact in double for L (at most a few
 * thousand values between 2 and 8), and for the chromaticities unless an
 * interpolated channel lies within 1/10000 of a grey level above zero. */
static int window_mean(const patch *s, const double *P, double w0, double w1, feat *out)
{
    int i0 = (int)ceil((w0 - s->w0) / s->h), i1 = (int)floor((w1 - s->w0) / s->h);
    i0 = i0 < 0 ? 0 : i0;
    i1 = i1 >= s->nw ? s->nw - 1 : i1;
    if (i1 < i0)
        return 0;
    const double *a = &P[4 * (size_t)i0], *b = &P[4 * ((size_t)i1 + 1)];
    double n = b[3] - a[3];
    if (n <= 0)
        return 0;
    *out =
        (feat){(float)((b[0] - a[0]) / n), (float)((b[1] - a[1]) / n), (float)((b[2] - a[2]) / n)};
    return (int)n;
}

/* How much a body edge at wi (strip row i) explains the window's column
 * (see window_sums()): the inside must look like the body (twice the
 * weight), the outside must not.  -1e9 where the windows leave the strip. */
static double step_at(const aoi_inspector *in, const patch *s, int k, int which, int i)
{
    double h = s->h, wi = s->w0 + i * h;
    int span = (int)ceil(0.04 / h), gap = (int)ceil(0.01 / h);
    const double *P = in->ewin + ((size_t)k * 2 + (size_t)which) * ((size_t)in->ecache_nw + 1) * 4;
    feat fin, fout;
    if (!window_mean(s, P, wi - (gap + span) * h, wi - gap * h, &fin) ||
        !window_mean(s, P, wi + gap * h, wi + (gap + span) * h, &fout))
        return -1e9;
    return feat_dist(fout, in->ref[REF_BODY]) - 2 * feat_dist(fin, in->ref[REF_BODY]);
}

/* The gap beside pad k in its row (toward its next pad, or at the row's
 * end its previous one): there the body's edge meets the mask, with no
 * fillet or terminal beside it. */
static double gap_u(const aoi_inspector *in, int k)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    int nb = k + 2 < in->n ? k + 2 : k - 2;
    return nb >= 0 ? (pads[k].cx + pads[nb].cx) / 2 : pads[k].cx;
}

/* The body edge at wi for pad k: its own column and the gap beside it.  On
 * the pad a fillet's rim or a terminal's tip can step as strongly as the
 * body (a weak body step: black mask, ring light); in the gap the body
 * meets the mask alone, and the two agree only at the body's edge.  (Pad
 * columns alone: a good 80-pin socket called missing, its row's line taken
 * through the rims at 0.19 mm out.) */
static double edge_score(const aoi_inspector *in, int k, int i)
{
    const aoi_pad *p = &aoi_part_pads(in->part)[k];
    const patch *s = strip_of(in, p->row);
    double a = step_at(in, s, k, 0, i), b;
    if (a < -1e8)
        return a;
    b = step_at(in, s, k, 1, i);
    return b < -1e8 ? a : a + b;
}

/* edge_score() remembered for the frame: the joint shift's search and each
 * column's own search read many of the same places. */
static double edge_score_at(aoi_inspector *in, int k, int i)
{
    if (i < 0 || i >= in->ecache_nw)
        return edge_score(in, k, i);
    double *c = &in->ecache[(size_t)k * (size_t)in->ecache_nw + (size_t)i];
    if (isnan(*c))
        *c = edge_score(in, k, i);
    return *c;
}

/* Where both long edges of the body lie together: the shift across the rows
 * (mm, +v) under which the two rows' edge steps, a body width apart, are
 * strongest, over every other pad column.  A connector may sit up to
 * 0.2 mm off its pads (imaging.md), where one row's edge is at the end of
 * the per-column search below and a stronger step inside it wins. */
double aoi__body_shift(aoi_inspector *in)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    const patch *s = strip_of(in, 1);
    double h = s->h, best = -1e18, bdy = 0;
    for (double dy = -BODY_SHIFT_MAX; dy <= BODY_SHIFT_MAX + 1e-9; dy += h) {
        double sum = 0;
        /* Pins alternate between the rows: both pads of every other column. */
        for (int k = 0; k < in->n; k += k % 2 ? 3 : 1) {
            const patch *sk = strip_of(in, pads[k].row);
            int i = (int)lround((in->E + pads[k].row * dy - sk->w0) / h);
            double e = edge_score_at(in, k, i);
            if (e > -1e8)
                sum += e;
        }
        if (sum > best) {
            best = sum;
            bdy = dy;
        }
    }
    return bdy;
}

/* Body edge at one pad column: where the profile turns from body to
 * not-body, within 0.22 mm of where the body's joint shift puts it. */
void aoi__body_edge(aoi_inspector *in, int k, double dy0)
{
    const aoi_pad *p = &aoi_part_pads(in->part)[k];
    const patch *s = strip_of(in, p->row);
    double c = in->E + p->row * dy0, h = s->h, best = -1e9, bw = c;
    double w0 = c - 0.22, w1 = c + 0.22;
    int i0 = (int)ceil((w0 - s->w0) / h), i1 = (int)floor((w1 - s->w0) / h);
    double sc[512];
    int ni = 0;
    if (i1 - i0 + 1 > 512)
        i1 = i0 + 511;
    for (int i = i0; i <= i1; i++, ni++) {
        sc[ni] = edge_score_at(in, k, i);
        if (sc[ni] > best) {
            best = sc[ni];
            bw = s->w0 + i * h;
        }
    }
    /* Sub-sample: parabola through the peak and its neighbours. */
    int m = (int)lround((bw - (s->w0 + i0 * h)) / h);
    if (m > 0 && m + 1 < ni && sc[m - 1] > -1e8 && sc[m + 1] > -1e8) {
        double den = sc[m - 1] - 2 * sc[m] + sc[m + 1];
        if (den < 0)
            bw += h * 0.5 * (sc[m - 1] - sc[m + 1]) / den;
    }
    in->edge[k] = bw;
    in->escore[k] = best;
}

/* Robust line |v| = a + s*u through one row's edges: the line through two
 * of them that most others lie within ROW_TOL of (a body edge is straight;
 * where the body's step is weak, the strongest step at some pins is a
 * fillet's rim further out, scattered as the fillets are), then least
 * squares over what lies near it. */
void aoi__body_fit_row(aoi_inspector *in, int row, double *a, double *sl)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    unsigned char use[512];
    double res[512], lim = 1e9;
    int best = 0;
    *a = in->E, *sl = 0;
    for (int k = 0; k < in->n && k < 512; k++)
        use[k] = pads[k].row == row && isfinite(in->edge[k]);
    for (int k1 = 0; k1 < in->n && k1 < 512; k1++)
        for (int k2 = k1 + 1; use[k1] && k2 < in->n && k2 < 512; k2++) {
            if (!use[k2] || fabs(pads[k2].cx - pads[k1].cx) < 1e-9)
                continue;
            double s2 = (in->edge[k2] - in->edge[k1]) / (pads[k2].cx - pads[k1].cx);
            double a2 = in->edge[k1] - s2 * pads[k1].cx;
            int cnt = 0;
            if (fabs(s2) > ROW_SLOPE_MAX)
                continue;
            for (int k = 0; k < in->n && k < 512; k++)
                cnt += use[k] && fabs(in->edge[k] - (a2 + s2 * pads[k].cx)) < ROW_TOL;
            if (cnt > best)
                best = cnt, *a = a2, *sl = s2, lim = ROW_TOL;
        }
    for (int it = 0; it < 4; it++) {
        double su = 0, sw = 0, suu = 0, suw = 0, cnt = 0;
        for (int k = 0; k < in->n && k < 512; k++) {
            if (!use[k] || fabs(in->edge[k] - (*a + *sl * pads[k].cx)) > lim)
                continue;
            su += pads[k].cx, sw += in->edge[k], suu += pads[k].cx * pads[k].cx;
            suw += pads[k].cx * in->edge[k];
            cnt++;
        }
        if (cnt < 2)
            break;
        double den = cnt * suu - su * su;
        *sl = fabs(den) > 1e-12 ? (cnt * suw - su * sw) / den : 0;
        *a = (sw - *sl * su) / cnt;
        int nr = 0;
        for (int k = 0; k < in->n && k < 512; k++)
            if (use[k] && (best < 3 || fabs(in->edge[k] - (*a + *sl * pads[k].cx)) < 2 * ROW_TOL))
                res[nr++] = fabs(in->edge[k] - (*a + *sl * pads[k].cx));
        lim = fmax(0.02, 3 * 1.4826 * aoi__median(res, nr));
    }
}

/* x offset of the connector from the hold-down terminals on the body. */
double aoi__holddown_dx(aoi_inspector *in, const aoi_image *f, const aoi_pose *pose, double dy,
                        double th, int *nvalid)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    double dxs[4];
    int nd = 0;
    for (size_t i = (size_t)in->n; i < in->npads; i++) {
        const aoi_rect *t = &pads[i].terminal;
        double uc = (t->x0 + t->x1) / 2, vc = (t->y0 + t->y1) / 2 + dy + th * uc;
        double wt = t->x1 - t->x0, h = in->strip[0].h;
        int row = vc > 0 ? 1 : -1;
        double hv = fmin(0.08, (t->y1 - t->y0) / 3);
        if (aoi__patch_sample(&in->hd, f, pose, in->rot, row, t->x0 - 0.25, t->x1 + 0.25,
                              fabs(vc) - hv, fabs(vc) + hv, h, in->gain) < 0)
            continue;
        double prof[1024];
        int nu = in->hd.nu < 1024 ? in->hd.nu : 1024, bad = 0;
        for (int j = 0; j < nu; j++) {
            double s = 0;
            int c = 0;
            for (int ii = 0; ii < in->hd.nw; ii++) {
                const feat *x = patch_at(&in->hd, j, ii);
                if (!isnan(x->L))
                    s += feat_dist(*x, in->ref[REF_BODY]), c++;
            }
            if (!c)
                bad = 1;
            prof[j] = c ? s / c : 0;
        }
        if (bad)
            continue;
        int dd = (int)ceil(0.02 / h) > 1 ? (int)ceil(0.02 / h) : 1;
        double bl = -1e9, br = -1e9, ul = 0, ur = 0;
        for (int j = dd; j + dd < nu; j++) {
            double u = in->hd.u0 + j * h;
            double gl = prof[j + dd] - prof[j - dd];
            if (fabs(u - t->x0) < 0.18 && gl > bl)
                bl = gl, ul = u;
            if (fabs(u - t->x1) < 0.18 && -gl > br)
                br = -gl, ur = u;
        }
        if (bl < 0.3 || br < 0.3 || fabs((ur - ul) - wt) > 0.3 * wt + 2 * h)
            continue;
        dxs[nd++] = (ul + ur) / 2 - uc + th * vc;
    }
    *nvalid = nd;
    return nd ? aoi__median(dxs, nd) : 0;
}

/* Where prof (2 * half + 1 values, the middle at index half) first falls
 * below t going out from the middle in direction dir (+1 or -1): offset in
 * samples, interpolated; NAN when it does not within half. */
static double crossing(const double *prof, int half, double t, int dir)
{
    for (int j = 0; j < half; j++) {
        double a = prof[half + dir * j], b = prof[half + dir * (j + 1)];
        if (a >= t && b < t)
            return dir * (j + (a - t) / (a - b));
    }
    return NAN;
}

/* Where a pad's outline shows across u in the band just outside the body
 * edge, against the model's pad sides (mm, median over the signal pads):
 * *rl for the left side, *rr for the right.  A terminal standing off its
 * pad covers that side of the pad, so the outline there is the terminal's;
 * the other side is the pad's own.  The crossing is at half-way between
 * the pad's middle and the gaps (symmetric blur cancels).  -1 when too few
 * pads show both sides. */
static int pad_sides(aoi_inspector *in, double *rl, double *rr)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    double h = in->strip[0].h, ls[512], rs[512], prof[512];
    /* Out to 0.1 mm past the gaps' middles: the pose may have followed a
     * shifted connector by that much. */
    int nl = 0, half = (int)ceil((in->pitch / 2 + 0.1) / h);
    if (2 * half + 1 > 512)
        return -1;
    for (int k = 0; k < in->n && nl < 512; k++) {
        const patch *s = strip_of(in, pads[k].row);
        if (!isfinite(in->edge[k]))
            continue;
        int jc = (int)lround((pads[k].cx - s->u0) / h), ok = 1;
        int i0 = (int)ceil((in->edge[k] + 0.03 - s->w0) / h);
        int i1 = (int)floor((in->edge[k] + 0.10 - s->w0) / h);
        if (jc - half < 0 || jc + half >= s->nu || i0 < 0 || i1 >= s->nw || i1 < i0)
            continue;
        /* Mean distance from the mask over the band, column by column. */
        for (int j = -half; j <= half && ok; j++) {
            double sum = 0;
            int cnt = 0;
            for (int i = i0; i <= i1; i++) {
                const feat *x = patch_at(s, jc + j, i);
                if (!isnan(x->L))
                    sum += feat_dist(*x, in->ref[REF_MASK]), cnt++;
            }
            ok = cnt > 0;
            prof[j + half] = ok ? sum / cnt : 0;
        }
        if (!ok)
            continue;
        /* Inside: the pad's middle; outside: the gaps' middles. */
        int c = (int)floor(0.04 / h), g = (int)ceil((in->pitch / 2 - 0.03) / h);
        double d0 = s->u0 + jc * h - pads[k].cx; /* the middle column's offset */
        double vin = 0, vout = (prof[0] + prof[2 * half]) / 2;
        for (int j = -c; j <= c; j++)
            vin += prof[j + half] / (2 * c + 1);
        for (int j = g; j <= half; j++)
            vout = fmin(vout, fmin(prof[half - j], prof[half + j]));
        if (vin - vout < in->tau)
            continue;
        double t = (vin + vout) / 2, al = crossing(prof, half, t, -1) * h,
               ar = crossing(prof, half, t, 1) * h;
        if (isnan(al) || isnan(ar))
            continue;
        ls[nl] = al + d0 + in->hw;
        rs[nl++] = ar + d0 - in->hw;
    }
    if (nl < 3)
        return -1;
    *rl = aoi__median(ls, nl);
    *rr = aoi__median(rs, nl);
    return 0;
}

/* The connector's shift along the rows from the pads' outline alone, when
 * no hold-down terminal could be measured: an outline wider than the pads
 * by at least OCCLUDED on one side only is the terminals standing past that
 * side; they are then that far out plus the pad's margin over the
 * terminal's half-width, from where the other side puts the pads.  *pu
 * gets the pads' own shift.  -1 when the outline does not say. */
int aoi__outline_dx(aoi_inspector *in, double *dx, double *pu)
{
    const aoi_rect *t = &aoi_part_pads(in->part)[0].terminal;
    double rl, rr, margin = in->hw - (t->x1 - t->x0) / 2;
    if (!(t->x1 > t->x0) || pad_sides(in, &rl, &rr) < 0 || rr - rl < OCCLUDED)
        return -1;
    /* The side that moved out is the one the terminals cover. */
    int right = rr > -rl;
    double e = right ? rl : rr;
    if (fabs(e) > OCCLUDED / 2)
        return -1;
    *pu = e;
    *dx = e + (right ? 1 : -1) * (rr - rl + margin);
    if (getenv("AOI_INSPECT_DEBUG"))
        fprintf(stderr,
                "inspect: pad sides %.4f %.4f, no hold-down terminal: dx %.4f from the outline\n",
                rl, rr, *dx);
    return 0;
}

/* How far the pads lie along the rows from where the pose puts them (mm).
 * Registration fits the pads' outline; a connector shifted along the rows
 * by more than the pad's and the terminal's half-widths differ covers one
 * side of every pad with its terminal, and the fit follows it part of the
 * way.  Then the outline is wider than the pad by the overhang, and the
 * side away from the terminals (the hold-down terminals say which) is the
 * pads' own.  The overhang must also agree with the terminals' measured
 * shift; otherwise 0. */
double aoi__pads_shift(aoi_inspector *in, double dx, int nhd)
{
    const aoi_rect *t = &aoi_part_pads(in->part)[0].terminal;
    double rl, rr, e, over;
    if (nhd == 0 || pad_sides(in, &rl, &rr) < 0)
        return 0;
    over = rr - rl;
    e = dx > 0 ? rl : rr;
    if (getenv("AOI_INSPECT_DEBUG"))
        fprintf(stderr, "inspect: pad sides %.4f %.4f (outline %.4f wider), terminals %.4f (%d)\n",
                rl, rr, over, dx, nhd);
    if (over < OCCLUDED ||
        fabs(fabs(dx - e) - (over + in->hw - (t->x1 - t->x0) / 2)) > OCCLUDED_TOL)
        return 0;
    return e;
}
