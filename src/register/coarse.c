/* coarse.c - coarse search: the frame reduced to its max channel (one SIMD
 * pass), edge energy, and a box template of the pad rows against their
 * surroundings, over position and residual rotation. */
#include "aoi/simd.h"
#include "core/error_internal.h"
#include "register/register_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int gimg_reserve(gimg *g, int w, int h)
{
    size_t stride = ((size_t)w + 31) & ~(size_t)31, need = stride * (size_t)h;
    if (need > g->cap) {
        uint8_t *d = realloc(g->data, need);
        if (!d)
            return aoi__error("out of memory");
        g->data = d;
        g->cap = need;
    }
    g->w = w;
    g->h = h;
    g->stride = stride;
    return 0;
}

static int integral(aoi_registrar *r, const gimg *e)
{
    size_t w1 = (size_t)e->w + 1, need = w1 * ((size_t)e->h + 1);
    if (need > r->integ_cap) {
        uint32_t *n = realloc(r->integ, need * sizeof *n);
        if (!n)
            return aoi__error("out of memory");
        r->integ = n;
        r->integ_cap = need;
    }
    memset(r->integ, 0, w1 * sizeof *r->integ);
    for (int y = 0; y < e->h; y++) {
        const uint8_t *row = e->data + (size_t)y * e->stride;
        uint32_t *prev = r->integ + (size_t)y * w1, *cur = prev + w1, acc = 0;
        cur[0] = 0;
        for (int x = 0; x < e->w; x++) {
            acc += row[x];
            cur[x + 1] = prev[x + 1] + acc;
        }
    }
    return 0;
}

typedef struct {
    const uint32_t *I;
    int w, h;            /* image size */
    double k;            /* px per mm at this level */
    int rot;
    int inside;          /* the body's inside counts (box_class() 2) */
} level;

/* Rounds to the nearest integer without a libm call (|v| < 2^20). */
static inline int iround(double v)
{
    return (int)(v + 1048576.5) - 1048576;
}

/* The rotation of the template at residual angle th (rad). */
typedef struct {
    double c, s;
} turn;

static turn turn_of(const level *L, double th)
{
    double phi = L->rot * M_PI / 180 + th;
    return (turn){cos(phi), sin(phi)};
}

/* The pool a box adds to: 0 context beside the rows, 1 pad rows, 2 the
 * body's inside. */
static inline int box_class(int sign)
{
    return sign > 0 ? 1 : sign == BOX_INSIDE ? 2 : 0;
}

/* Template score at origin (x, y) of this level, turned by t: mean energy
 * in the pad rows minus mean energy around them, minus mean energy inside
 * the body (moulded, uniform: imaging.md), where board clutter that
 * mimics a short row of pads (another part's pads, silkscreen, traces)
 * has edges of its own. */
static double box_score(const level *L, const tbox *b, size_t n, double x, double y, turn t)
{
    const double c = t.c, s = t.s;
    int swap = L->rot == 90 || L->rot == 270;
    double sum[3] = {0, 0, 0}, area[3] = {0, 0, 0};
    size_t w1 = (size_t)L->w + 1;
    for (size_t i = 0; i < n; i++) {
        double cx = x + (b[i].uc * c - b[i].vc * s) * L->k, cy = y + (b[i].uc * s + b[i].vc * c) * L->k;
        double hx = (swap ? b[i].hv : b[i].hu) * L->k, hy = (swap ? b[i].hu : b[i].hv) * L->k;
        int x0 = iround(cx - hx), x1 = iround(cx + hx), y0 = iround(cy - hy), y1 = iround(cy + hy);
        x0 = x0 < 0 ? 0 : x0;
        y0 = y0 < 0 ? 0 : y0;
        x1 = x1 > L->w ? L->w : x1;
        y1 = y1 > L->h ? L->h : y1;
        if (x1 <= x0 || y1 <= y0)
            continue;
        int k = box_class(b[i].sign);
        sum[k] += (double)L->I[(size_t)y1 * w1 + x1] - L->I[(size_t)y0 * w1 + x1] -
                  L->I[(size_t)y1 * w1 + x0] + L->I[(size_t)y0 * w1 + x0];
        area[k] += (double)(x1 - x0) * (y1 - y0);
    }
    if (area[1] <= 0 || area[0] <= 0)
        return -1e9;
    return sum[1] / area[1] - sum[0] / area[0] - (L->inside && area[2] > 0 ? sum[2] / area[2] : 0);
}

/* The boxes placed at one angle and one sub-pixel phase (fx, fy): each
 * box's corners as integer offsets from the integer part of the origin, so
 * that a score away from the level's borders is four table reads a box.
 * box_score() rounds x + a - h; with x = X + fx (X whole) that is X plus
 * the rounding of fx + a - h. */
#define PLACED_MAX 512
typedef struct {
    int n;
    ptrdiff_t o00[PLACED_MAX], o01[PLACED_MAX], o10[PLACED_MAX], o11[PLACED_MAX];
    signed char pos[PLACED_MAX]; /* box_class() */
    int xmin, xmax, ymin, ymax;  /* extreme corner offsets */
    double area[3];
} placed;

/* Places n boxes (n <= PLACED_MAX) turned by t at phase (fx, fy). */
static void place(const level *L, const tbox *b, size_t n, double fx, double fy, turn t, placed *P)
{
    const double c = t.c, s = t.s;
    int swap = L->rot == 90 || L->rot == 270;
    ptrdiff_t w1 = (ptrdiff_t)L->w + 1;
    P->n = (int)n;
    P->xmin = P->ymin = 1 << 30;
    P->xmax = P->ymax = -(1 << 30);
    P->area[0] = P->area[1] = P->area[2] = 0;
    for (size_t i = 0; i < n; i++) {
        double cx = fx + (b[i].uc * c - b[i].vc * s) * L->k,
               cy = fy + (b[i].uc * s + b[i].vc * c) * L->k;
        double hx = (swap ? b[i].hv : b[i].hu) * L->k, hy = (swap ? b[i].hu : b[i].hv) * L->k;
        int x0 = iround(cx - hx), x1 = iround(cx + hx), y0 = iround(cy - hy), y1 = iround(cy + hy);
        P->o00[i] = y0 * w1 + x0, P->o01[i] = y0 * w1 + x1;
        P->o10[i] = y1 * w1 + x0, P->o11[i] = y1 * w1 + x1;
        P->pos[i] = (signed char)box_class(b[i].sign);
        P->xmin = x0 < P->xmin ? x0 : P->xmin, P->xmax = x1 > P->xmax ? x1 : P->xmax;
        P->ymin = y0 < P->ymin ? y0 : P->ymin, P->ymax = y1 > P->ymax ? y1 : P->ymax;
        /* Empty boxes (x1 <= x0) add nothing here, as in box_score(). */
        if (x1 > x0 && y1 > y0)
            P->area[P->pos[i]] += (double)(x1 - x0) * (y1 - y0);
        else
            P->o00[i] = P->o01[i] = P->o10[i] = P->o11[i] = 0;
    }
}

/* box_score() of the template placed by P at origin (X + fx, Y + fy):
 * the same value (whole sums, exact in double) where no box is clipped. */
static double placed_score(const level *L, const tbox *b, size_t n, const placed *P, int X, int Y,
                           double fx, double fy, turn t)
{
    if (X + P->xmin < 0 || Y + P->ymin < 0 || X + P->xmax > L->w || Y + P->ymax > L->h ||
        P->area[0] <= 0 || P->area[1] <= 0)
        return box_score(L, b, n, X + fx, Y + fy, t);
    const uint32_t *I = L->I + (size_t)Y * ((size_t)L->w + 1) + (size_t)X;
    int64_t sum[3] = {0, 0, 0};
    for (int i = 0; i < P->n; i++)
        sum[P->pos[i]] += (int64_t)I[P->o11[i]] - I[P->o01[i]] - I[P->o10[i]] + I[P->o00[i]];
    return (double)sum[1] / P->area[1] - (double)sum[0] / P->area[0] -
           (L->inside && P->area[2] > 0 ? (double)sum[2] / P->area[2] : 0);
}

/* Peaks closer than min_dist across the rows and than min_dist * stretch
 * along them are one hypothesis (the stronger kept).  With an infinite
 * stretch, one peak per place across the rows: a pad row gives a peak every
 * few pitches along itself, which can crowd out the other places. */
static void insert_candidate(candidate *c, int *n, int max, candidate nc, double min_dist,
                             int rows_along_y, double stretch)
{
    for (int i = 0; i < *n; i++) {
        double dx = c[i].x - nc.x, dy = c[i].y - nc.y;
        if (rows_along_y)
            dy /= stretch;
        else
            dx /= stretch;
        if (dx * dx + dy * dy < min_dist * min_dist) {
            if (nc.score > c[i].score)
                c[i] = nc;
            else
                return;
            /* keep order: bubble up */
            for (int j = i; j > 0 && c[j].score > c[j - 1].score; j--) {
                candidate t = c[j];
                c[j] = c[j - 1];
                c[j - 1] = t;
            }
            return;
        }
    }
    if (*n < max)
        c[(*n)++] = nc;
    else if (nc.score > c[max - 1].score)
        c[max - 1] = nc;
    else
        return;
    for (int j = *n - 1; j > 0 && c[j].score > c[j - 1].score; j--) {
        candidate t = c[j];
        c[j] = c[j - 1];
        c[j - 1] = t;
    }
}

/* The largest residual angle the search tries (deg): stage B's 3 and its
 * last refinement's 0.25, with room to spare. */
#define COARSE_ANGLE_MAX_DEG 3.5
/* The most places the first stage keeps (the third look asks for 24). */
#define COARSE_KEEP_MAX 32

int aoi__register_coarse(aoi_registrar *r, const aoi_image *frame, const aoi_register_hint *hint,
                         const coarse_opts *o, candidate *out, int max_out, int *nout)
{
    int f = r->cf, f2 = o->finer ? r->cf2_finer : 4, bpp = aoi_format_bpp(frame->format), xoff = 0;
    int ro, go, bo, inside = o->inside;
    level L1, L2;
    candidate cand[COARSE_KEEP_MAX];
    int ncand = 0, x0, y0, x1, y1;
    double u1, k2;

    aoi_format_rgb_offsets(frame->format, &ro, &go, &bo);
    if (bpp == 4)
        xoff = (ro == 0 || bo == 0) ? 3 : 0;
    if (frame->width < 16 * f || frame->height < 16 * f)
        return aoi__error("frame %dx%d is too small to search", frame->width, frame->height);
    /* A hinted search reads only the region any footprint within the hint's
     * radius can reach (its half-extent along x and y at the nominal
     * rotation, turned by up to the search's angle, the context boxes'
     * 0.45 mm and a margin), cut on the levels' grid so that every reduced
     * pixel is the one a whole-frame search would compute (the edge energy
     * differs only on the region's border, which no box of an allowed
     * origin reaches).  The grid is the coarser second level's, so that
     * both second levels reduce the same first level. */
    int gx0 = 0, gy0 = 0, gx1 = frame->width, gy1 = frame->height, cell = f * 4;
    int swap = r->rot == 90 || r->rot == 270;
    if (aoi__hint_usable(hint)) {
        /* 4 cells: the first level's origins reach a cell past the radius,
         * the second's five pixels past those, and the border's energy is 0. */
        double ex = swap ? r->half_wid : r->half_len, ey = swap ? r->half_len : r->half_wid;
        double sa = sin(COARSE_ANGLE_MAX_DEG * M_PI / 180);
        double mx = (hint->radius_mm + ex + sa * ey + 0.7) * 1000 / r->um + 4.0 * cell;
        double my = (hint->radius_mm + ey + sa * ex + 0.7) * 1000 / r->um + 4.0 * cell;
        int ax0 = (int)floor((hint->x_px - mx) / cell) * cell,
            ay0 = (int)floor((hint->y_px - my) / cell) * cell;
        int ax1 = (int)ceil((hint->x_px + mx) / cell) * cell,
            ay1 = (int)ceil((hint->y_px + my) / cell) * cell;
        gx0 = ax0 > 0 ? ax0 : 0, gy0 = ay0 > 0 ? ay0 : 0;
        /* The far edges stay on the whole frame's grid too: whole cells, or
         * the frame's edge. */
        gx1 = ax1 < frame->width ? ax1 : frame->width;
        gy1 = ay1 < frame->height ? ay1 : frame->height;
        if (gx1 - gx0 < 4 * cell || gy1 - gy0 < 4 * cell)
            gx0 = 0, gy0 = 0, gx1 = frame->width, gy1 = frame->height; /* hint off the frame */
    }
    const uint8_t *src = frame->data + (size_t)gy0 * frame->stride + (size_t)gx0 * (size_t)bpp;
    /* The reduced frame and its edge energy: once per frame and region (a
     * second look at the same frame reuses them). */
    if (r->levels_valid && (r->lx0 != gx0 || r->ly0 != gy0 || r->l1.w != (gx1 - gx0) / f ||
                            r->l1.h != (gy1 - gy0) / f))
        r->levels_valid = 0;
    if (!r->levels_valid) {
        if (gimg_reserve(&r->l1, (gx1 - gx0) / f, (gy1 - gy0) / f) < 0 ||
            aoi_reduce_max(src, gx1 - gx0, gy1 - gy0, frame->stride, bpp, xoff, f, r->l1.data,
                           r->l1.stride) < 0 ||
            gimg_reserve(&r->e1, r->l1.w, r->l1.h) < 0)
            return -1;
        /* E = |dV/dx| + |dV/dy| (central differences, halved), 0 on the border. */
        const gimg *v = &r->l1;
        if (aoi_edge_energy(v->data, v->w, v->h, v->stride, r->e1.data, r->e1.stride) < 0)
            return -1;
        if (gimg_reserve(&r->e2, r->e1.w / 4, r->e1.h / 4) < 0 ||
            aoi_reduce_max(r->e1.data, r->e1.w, r->e1.h, r->e1.stride, 1, 0, 4, r->e2.data,
                           r->e2.stride) < 0)
            return -1;
        r->levels_valid = 1;
        r->finer_valid = 0;
        r->lx0 = gx0, r->ly0 = gy0;
    }
    gimg *e2 = &r->e2;
    if (f2 != 4) {
        e2 = &r->e2f;
        if (!r->finer_valid &&
            (gimg_reserve(e2, r->e1.w / f2, r->e1.h / f2) < 0 ||
             aoi_reduce_max(r->e1.data, r->e1.w, r->e1.h, r->e1.stride, 1, 0, f2, e2->data,
                            e2->stride) < 0))
            return -1;
        r->finer_valid = 1;
    }
    if (integral(r, e2) < 0)
        return -1;

    /* Stage A: the reduced energy map, whole rows as two segments, 3 angles. */
    u1 = r->um * f;
    k2 = 1000.0 / (u1 * f2);
    L2 = (level){r->integ, e2->w, e2->h, k2, r->rot, inside};
    /* The whole footprint lies inside the frame (imaging.md), so only origins
     * that keep it inside are tried (inside the region: the region holds
     * every origin the hint allows with the footprint around it). */
    {
        double hx = (swap ? r->half_wid : r->half_len) * k2, hy = (swap ? r->half_len : r->half_wid) * k2;
        x0 = (int)floor(hx * 0.9), y0 = (int)floor(hy * 0.9);
        x1 = (int)ceil(e2->w - hx * 0.9) - 1, y1 = (int)ceil(e2->h - hy * 0.9) - 1;
    }
    if (hint) {
        double c = (f * f2);
        double rad = hint->radius_mm * 1000 / r->um / c + 1;
        x0 = (int)fmax(x0, (hint->x_px - gx0) / c - rad);
        x1 = (int)fmin(x1, (hint->x_px - gx0) / c + rad);
        y0 = (int)fmax(y0, (hint->y_px - gy0) / c - rad);
        y1 = (int)fmin(y1, (hint->y_px - gy0) / c + rad);
    }
    double stretch = o->along_rows ? INFINITY : 1.0;
    /* At least the 8 places the first search has always kept. */
    int keep = max_out < 8 ? 8 : max_out > COARSE_KEEP_MAX ? COARSE_KEEP_MAX : max_out;
    placed *P = r->ncoarse <= PLACED_MAX && r->nfine <= PLACED_MAX ? malloc(sizeof *P) : NULL;
    for (int a = -1; a <= 1; a++) {
        const turn ta = turn_of(&L2, a * 2.0 * M_PI / 180);
        if (P)
            place(&L2, r->coarse_boxes, r->ncoarse, 0.5, 0.5, ta, P);
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++) {
                double s = P ? placed_score(&L2, r->coarse_boxes, r->ncoarse, P, x, y, 0.5, 0.5, ta)
                             : box_score(&L2, r->coarse_boxes, r->ncoarse, x + 0.5, y + 0.5, ta);
                if (s > 0)
                    insert_candidate(cand, &ncand, keep,
                                     (candidate){x + 0.5, y + 0.5, a * 2.0, s, {0, 0, 0}, 1.0, 0},
                                     r->half_wid * k2 * o->spacing, swap, stretch);
            }
    }
    if (!ncand) {
        free(P);
        return aoi__error("no pad rows of %s found in the frame", aoi_part_number(r->part));
    }

    if (getenv("AOI_REGISTER_DEBUG"))
        for (int i = 0; i < ncand; i++)
            fprintf(stderr, "coarse A%d (%.0f, %.0f) th %.0f score %.2f\n", i, cand[i].x * f2 * f + gx0,
                    cand[i].y * f2 * f + gy0, cand[i].th, cand[i].score);
    /* Stage B: the level-1 energy map, 1 mm segments, finer angles and positions. */
    if (integral(r, &r->e1) < 0) {
        free(P);
        return -1;
    }
    L1 = (level){r->integ, r->e1.w, r->e1.h, 1000.0 / u1, r->rot, inside};
    *nout = 0;
    for (int i = 0; i < ncand && *nout < max_out; i++) {
        candidate best = {0, 0, 0, -1e9, {0, 0, 0}, 1.0, 0};
        double cx = cand[i].x * f2, cy = cand[i].y * f2;
        /* Every other position first (the response is smooth at this level),
         * then the neighbours of the best.  cx, cy are whole ((X + 0.5) * 4),
         * so the placed template serves the first search. */
        for (double th = -3; th <= 3.001; th += 0.5) {
            const turn tt = turn_of(&L1, th * M_PI / 180);
            if (P)
                place(&L1, r->fine_boxes, r->nfine, 0, 0, tt, P);
            for (int dy = -f2 - 1; dy <= f2 + 1; dy += 2)
                for (int dx = -f2 - 1; dx <= f2 + 1; dx += 2) {
                    double s = P ? placed_score(&L1, r->fine_boxes, r->nfine, P, (int)cx + dx,
                                                (int)cy + dy, 0, 0, tt)
                                 : box_score(&L1, r->fine_boxes, r->nfine, cx + dx, cy + dy, tt);
                    if (s > best.score)
                        best = (candidate){cx + dx, cy + dy, th, s, {0, 0, 0}, 1.0, 0};
                }
        }
        {
            candidate b0 = best;
            const turn t0 = turn_of(&L1, b0.th * M_PI / 180);
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    double s = box_score(&L1, r->fine_boxes, r->nfine, b0.x + dx, b0.y + dy, t0);
                    if (s > best.score)
                        best = (candidate){b0.x + dx, b0.y + dy, b0.th, s, {0, 0, 0}, 1.0, 0};
                }
        }
        for (double th = best.th - 0.25; th <= best.th + 0.251; th += 0.125) {
            const turn tt = turn_of(&L1, th * M_PI / 180);
            for (int dy = -1; dy <= 1; dy++)
                for (int dx = -1; dx <= 1; dx++) {
                    double s = box_score(&L1, r->fine_boxes, r->nfine, best.x + dx * 0.5,
                                         best.y + dy * 0.5, tt);
                    if (s > best.score)
                        best = (candidate){best.x + dx * 0.5, best.y + dy * 0.5, th, s, {0, 0, 0}, 1.0, 0};
                }
        }
        /* Level-1 coordinates to full-resolution pixels of the frame. */
        best.x = best.x * f - 0.5 + gx0;
        best.y = best.y * f - 0.5 + gy0;
        /* Two level-2 candidates can climb to the same level-1 peak (the
         * hinted search's small window makes that common): fit it once. */
        int seen = 0;
        for (int q = 0; q < *nout; q++)
            seen |= out[q].x == best.x && out[q].y == best.y && out[q].th == best.th;
        if (!seen)
            out[(*nout)++] = best;
    }
    free(P);
    return 0;
}
