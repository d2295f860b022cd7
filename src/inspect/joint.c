/* joint.c - per-pin solder measures in mm: overhang beyond the pad, the
 * nearest solder to the body edge, the wetted area on the pad, the toe
 * fillet zone's relief and wetted share, and the hold-down pads' toe
 * overhang. */
#include "core/error_internal.h"
#include "inspect/inspector_internal.h"
#include "simd/wet.h"

#include <math.h>

#define TOE_ZONE 0.09 /* least depth of the toe fillet zone, mm */
#define BRIGHTER 0.30 /* log-intensity step that marks solder regardless of colour */
/* Overhang told by brightness alone (relief_run): a run may cross this
 * many mm of samples like the row (the shading of a fillet's slope passes
 * through the board's brightness), and must span this many mm of
 * neighbouring rows or columns (a single row's run is noise). */
#define RELIEF_GAP 0.02
#define RELIEF_ROWS 0.03
/* Grey frames: the most a flux film's darkening of a terminal varies across
 * its width (log intensity).  A film is thin and even; solder risen on the
 * terminal is a curved surface, shaded unevenly.  Measured on two grey
 * flux+excess sets: films 0.006-0.05, risen solder 0.09-1.0. */
#define FILM_EVEN 0.07f
/* Grey frames: a terminal sample brighter than the row's terminals there
 * by this much (log intensity) is solder - the lit rim of solder risen on
 * the terminal under the tiered RGB light, 0.15-0.2 brighter where it was
 * measured, while a flux film only darkens a terminal; three times the
 * clean board's 90th-percentile deviation from the row (0.04). */
#define GREY_BRIGHT 0.12f

/* Solder outside the pad: unlike the board, unlike what this position shows
 * on the other pins of the row, and solder-coloured or much brighter. */
static inline int solder_out(const aoi_inspector *in, const feat *x, const feat *pos)
{
    if (isnan(x->L) || !not_board(in, x))
        return 0;
    if (pos && !isnan(pos->L) && feat_dist2(*x, *pos) < in->tau_d2)
        return 0;
    /* Flux films tint the board but keep it saturated; solder is grey. */
    return solder_like(in, x) || x->L - in->ref[REF_MASK].L > BRIGHTER * 2 ||
           (pos && !isnan(pos->L) && x->L - pos->L > BRIGHTER) ||
           feat_saturation(*x) < 0.5f * feat_saturation(in->ref[REF_MASK]);
}

static double second_largest(const double *v, int n)
{
    double a = 0, b = 0;
    for (int i = 0; i < n; i++) {
        if (v[i] > a)
            b = a, a = v[i];
        else if (v[i] > b)
            b = v[i];
    }
    return n >= 2 ? b : a;
}

/* Whether x looks like the row's template within 0.012 mm along the pad
 * of w: a connector turned a little puts the terminal tips of the row's
 * ends a sample or two from where the row's median shows them, and a tip
 * standing past the pad's side would read as a side overhang. */
static int like_nearby(aoi_inspector *in, const feat *x, double a, double w)
{
    const double h = strip_of(in, in->tpl_row)->h;
    const int n = (int)fmax(1, lround(0.012 / h));
    for (int d = -n; d <= n; d++) {
        if (d == 0)
            continue; /* the caller compared with w itself */
        const feat *t = aoi__tpl_get(in, a, w + d * h);
        if (t && !isnan(t->L) && feat_dist2(*x, *t) < in->tau_d2)
            return 1;
    }
    return 0;
}

/* Whether the row's template at (a, w) shows the clean board (within the
 * relief threshold, relief_d2, of the mask reference) and x's brightness
 * differs from it by more than that threshold wherever the pin's edges lie within half
 * a sample along (da, dw) - a unit step of a or w: the pins' sampling
 * phases differ - and within 0.012 mm across it.  Brightness alone: near
 * the pads' edges the colour planes of subsampled JPEG frames blur across
 * samples, and colour is solder_out()'s. */
static int unlike_row(aoi_inspector *in, const feat *x, double a, double w, int da, int dw)
{
    const double h = strip_of(in, in->tpl_row)->h;
    const int n = (int)fmax(1, lround(0.012 / h));
    const feat *c = aoi__tpl_get(in, a, w);
    if (!c || isnan(c->L) || feat_dist2(*c, in->ref[REF_MASK]) >= in->relief_d2)
        return 0;
    for (int i = 0; i <= 2 * n; i++) {
        const int d = i & 1 ? (i + 1) / 2 : -i / 2; /* 0, 1, -1, 2, -2, ... */
        const double ad = a + dw * d * h, wd = w + da * d * h;
        const float l0 = aoi__tpl_L(in, ad, wd);
        if (isnan(l0))
            continue;
        for (int e = -1; e <= 1; e += 2) {
            const float l1 = aoi__tpl_L(in, ad + e * da * h, wd + e * dw * h);
            float mid = !isnan(l1) ? (l0 + l1) / 2 : l0;
            float lo = minf(l0, mid), hi = maxf(l0, mid);
            float dl = x->L < lo ? lo - x->L : x->L > hi ? x->L - hi : 0;
            if (dl * dl < in->relief_d2)
                return 0;
        }
    }
    return 1;
}

/* A walk outward from a pad's edge, sample q at q + 1/2 samples out: the
 * run of samples out, gaps of up to RELIEF_GAP crossed. */
typedef struct {
    int last;  /* the run's last sample, -1: none */
    int gap;   /* samples since */
    int ended; /* the walk came back to the row's look */
} relief_run;

/* One sample; 1 when the walk is over. */
static int relief_step(relief_run *r, int q, int out, double h)
{
    if (out) {
        r->last = q, r->gap = 0;
        return 0;
    }
    return r->ended = ++r->gap * h > RELIEF_GAP;
}

/* The run's length from the edge (mm), as the look's runs count it; 0 for
 * a run that never came back to the row's look (a trace, a film). */
static double relief_len(const relief_run *r, double h)
{
    return r->last >= 0 && r->ended ? (r->last + 1) * h : 0;
}

/* The largest run that RELIEF_ROWS mm of neighbouring rows (or columns)
 * all reach, two at least. */
static double window_run(const double *v, int n, double h)
{
    int wn = (int)fmax(2, ceil(RELIEF_ROWS / h));
    double best = 0;
    for (int i = 0; i + wn <= n; i++) {
        double m = v[i];
        for (int j = 1; j < wn; j++)
            m = fmin(m, v[i + j]);
        best = fmax(best, m);
    }
    return best;
}

/* Overhang beyond the toe and beside the pad (mm), the larger of two
 * measures: solder by its look (solder_out()) from the pad's edge on, over
 * at least two rows (or columns); and a run from the edge whose
 * brightness differs from the row's other pins where they show the board
 * (unlike_row()), over RELIEF_ROWS mm of neighbouring rows: what tells
 * solder from a board of like colour and brightness (grey frames; coaxial
 * light, which darkens a fillet's slopes, on dark masks).  Beyond the toe
 * the relief is read against the row where this pin's terminal stands as
 * the row's middle ones do (a turned connector puts the tips of the row's
 * ends further out).
 * The side runs that reach half the pitch toward a neighbour belong to
 * bridges and are left to the bridge check (terminals standing past their
 * pads' sides on a connector off along its rows reach there too), and so
 * is the whole side toward a neighbour it bridges to (bridged[0] toward
 * -u, bridged[1] toward +u): where a bridge narrows, its rows stop short
 * of half the pitch.  Beyond a row's end pin there is no neighbour
 * (neighbour[], the same sides, says where the row has a pad): a run there
 * is overhang however far it reaches (a ring-lit side overhang of 0.08 mm
 * blurs past half the pitch). */
double aoi__overhang(aoi_inspector *in, int k, const int bridged[2], const int neighbour[2],
                     double row_dy)
{
    const aoi_pad *p = &aoi_part_pads(in->part)[k];
    const patch *s = strip_of(in, p->row);
    double h = s->h, runs[256], rel[256] = {0}, side = 0, toe, pu = in->pad_u;
    int nr = 0;
    /* How much further out this pin's terminal stands than the row's. */
    const double oy = in->joints[k].offset_y_mm,
                 dt = isfinite(row_dy) && isfinite(oy) ? p->row * (oy - row_dy) : 0;
    /* Toe: columns across the pad (where the pads lie, pu along the rows). */
    for (double a = -in->hw + h; a <= in->hw - h + 1e-9 && nr < 256; a += h, nr++) {
        double last = in->toe;
        int look = 1, q = 0;
        relief_run rr = {-1, 0, 0};
        for (double w = in->toe + h / 2; w < in->toe + 0.28; w += h, q++) {
            const feat *x = aoi__patch_get(s, p->cx + pu + a, w);
            if (!x)
                break;
            if ((look = look && solder_out(in, x, aoi__tpl_get(in, pu + a, w))))
                last = w;
            int out = look || (unlike_row(in, x, pu + a, w, 0, 1) &&
                               (fabs(dt) < h / 4 || unlike_row(in, x, pu + a, w - dt, 0, 1)));
            if (relief_step(&rr, q, out, h))
                break;
        }
        runs[nr] = last > in->toe ? last - in->toe + h / 2 : 0;
        rel[nr] = relief_len(&rr, h);
    }
    toe = fmax(second_largest(runs, nr), window_run(rel, nr, h));
    /* Sides: rows from past the body edge to the toe. */
    for (int dir = -1; dir <= 1; dir += 2) {
        nr = 0;
        if (bridged[dir > 0])
            continue;
        for (double w = in->edge[k] + 0.05; w <= in->toe - 0.02 && nr < 256; w += h, nr++) {
            double last = in->hw;
            int bridge = 0, rbridge = 0, look = 1, q = 0;
            relief_run rr = {-1, 0, 0};
            for (double a = in->hw + h / 2; a < in->pitch / 2 + h; a += h, q++) {
                const feat *x = aoi__patch_get(s, p->cx + pu + dir * a, w);
                if (!x)
                    break;
                int reach = a >= in->pitch / 2 - h && neighbour[dir > 0];
                if ((look = look && solder_out(in, x, aoi__tpl_get(in, pu + dir * a, w)) &&
                            !like_nearby(in, x, pu + dir * a, w))) {
                    last = a;
                    bridge |= reach;
                }
                int out = look || unlike_row(in, x, pu + dir * a, w, 1, 0);
                rbridge |= out && reach;
                if (relief_step(&rr, q, out, h))
                    break;
            }
            runs[nr] = bridge || last <= in->hw ? 0 : last - in->hw + h / 2;
            rel[nr] = rbridge ? 0 : relief_len(&rr, h);
        }
        side = fmax(side, fmax(second_largest(runs, nr), window_run(rel, nr, h)));
    }
    return fmax(toe, side);
}

/* On a row the connector sits toward (offset along the pads beyond
 * offset_along_mm), a land - body edge to the pad's outer end - shorter
 * than squeezed_land_mm leaves no room for a toe fillet wholly beyond
 * rise_mm: whatever solder the joint has lies within land - (squeezed_land
 * - rise) of the body, the fillet's least length short of the land's end,
 * even where it is too small to be seen (a 0.06 mm fillet on a 0.1 mm land
 * under coaxial light shows as pad).  INFINITY elsewhere. */
double aoi__squeezed_bound(const aoi_inspector *in, int k, double toward)
{
    double land = in->toe - in->edge[k];
    if (!(toward > in->th.offset_along_mm && land < in->th.squeezed_land_mm))
        return INFINITY;
    /* (A limit set below rise_mm leaves the fillet no least length.) */
    return fmax(0, land - fmax(0, in->th.squeezed_land_mm - in->th.rise_mm));
}

/* A squeezed fillet beside the terminal: a third of the samples across
 * the pad at w solder-like (the terminal's top, in the middle, is bare). */
static int solder_across(const aoi_inspector *in, int k, double w)
{
    const aoi_pad *p = &aoi_part_pads(in->part)[k];
    const patch *s = strip_of(in, p->row);
    int n = 0, sol = 0;
    for (double a = -in->hw; a <= in->hw + 1e-9; a += s->h) {
        const feat *x = aoi__patch_get(s, p->cx + a, w);
        if (!x || isnan(x->L))
            continue;
        n++;
        sol += solder_like(in, x);
    }
    return n && sol * 3 >= n;
}

/* Whether x is brighter by GREY_BRIGHT than the frame's terminal
 * reference and than the terminal template a sample nearer the body and a
 * sample further out (the caller compares it with the template at its own
 * place): near the body's blurred edge a pin whose edge lies a sample off
 * reads brighter than its row, and on a short row whose median is pulled
 * down by films and risen solder a clean terminal does. */
static int brighter_near(aoi_inspector *in, const feat *x, int j, int i)
{
    if (x->L - in->ref[REF_TERMINAL].L <= GREY_BRIGHT)
        return 0;
    for (int d = -1; d <= 1; d += 2) {
        const feat *q = aoi__ttpl_get(in, j, i + d, NULL);
        if (q && x->L - q->L <= GREY_BRIGHT)
            return 0;
    }
    return 1;
}

/* Nearest solder on the terminal to the body edge (mm; 0.24 when none before
 * the fillet): samples unlike the other terminals at that place and closer
 * to solder than to them, over at least half the terminal width; at most
 * aoi__squeezed_bound() on a squeezed row. */
double aoi__solder_to_body(aoi_inspector *in, int k)
{
    const aoi_pad *p = &aoi_part_pads(in->part)[k];
    const patch *s = strip_of(in, p->row);
    double h = s->h, c = p->cx + in->joints[k].offset_x_mm,
           toward = p->row * in->joints[k].offset_y_mm;
    double d = aoi__squeezed_bound(in, k, toward);
    int jb = (int)floor(0.045 / h);
    /* From 0.02 mm and a sample: the edge itself is a blend of body and
     * terminal, and where it lies within a sample is uncertain. */
    for (int i = (int)ceil(0.02 / h) + 1; i < in->ttpl_nw; i++) {
        int n = 0, sol = 0, tsol = 0, xsol = 0;
        /* The row's fillets begin here: where good fillets begin - unless
         * the body sits so far toward this row that its pins are offset
         * along their pads (then the row squeezes every fillet toward the
         * body, and the row is no reference for where solder should begin:
         * this pin's own solder within the rise limit counts, wherever it
         * begins there). */
        int squeezed = toward > in->th.offset_along_mm && i * h < in->th.rise_mm;
        float dmin = INFINITY, dmax = -INFINITY;
        for (int j = in->ttpl_half - jb; j <= in->ttpl_half + jb; j++) {
            const feat *x = aoi__patch_get(s, c + (j - in->ttpl_half) * h, in->edge[k] + i * h);
            int qsol;
            const feat *q = aoi__ttpl_get(in, j, i, &qsol);
            if (!x || !q)
                continue;
            n++;
            tsol += qsol;
            dmin = minf(dmin, q->L - x->L);
            dmax = fmaxf(dmax, q->L - x->L);
            float dq = feat_dist2(*x, *q);
            /* Solder, or the template's solder look at this place. */
            if (squeezed)
                xsol += solder_like(in, x) || (qsol && dq < in->tau_t_d2);
            float ds =
                minf(feat_dist2(*x, in->ref[REF_SOLDER]), feat_dist2(*x, in->ref[REF_SOLDER_DARK]));
            /* Solder: unlike the row's terminals there and nearer a solder
             * look than theirs or the body's; in grey frames also darker
             * than a film makes a terminal (a shaded slope, which grey
             * leaves nearer the body's look), or brighter than the
             * terminals (a lit slope: brighter_near()). */
            sol += (dq >= in->tau_t_d2 &&
                    ((root_less(ds, dq) && root_less(ds, feat_dist2(*x, in->ref[REF_BODY]))) ||
                     (in->grey_metal && q->L - x->L > GREY_FILM_MAX))) ||
                   (in->grey_metal && x->L - q->L > GREY_BRIGHT && brighter_near(in, x, j, i));
        }
        if (n && squeezed && (xsol * 2 >= n || solder_across(in, k, in->edge[k] + i * h)))
            return fmin(i * h, d);
        if (n && tsol * 2 >= n && !squeezed)
            break;
        /* In grey frames a flux film darkens the terminal evenly across its
         * width; solder risen on it is curved, its shading varies across. */
        if (in->grey_metal && dmin > 0 && dmax <= GREY_FILM_MAX && dmax - dmin < FILM_EVEN)
            continue;
        if (n && sol * 2 >= n)
            return fmin(i * h, d);
    }
    return fmin(0.24, d);
}

/* Wetted area on the pad past the body edge (mm²): samples whose nearest
 * reference is solder, or the body's dark look (on a pad past the body edge
 * that can only be a shaded solder slope) - not metal, not board. */
double aoi__solder_area(aoi_inspector *in, int k)
{
    const aoi_pad *p = &aoi_part_pads(in->part)[k];
    const patch *s = strip_of(in, p->row);
    double h = s->h;
    double cnt = 0;
    /* The strip columns of the positions across (as aoi__patch_get() rounds
     * them), once per pin rather than per sample; -1 outside the strip. */
    int cols[256], nc = 0;
    for (double a = -in->hw - 0.03; a <= in->hw + 0.03 && nc < 256; a += h) {
        int j = (int)lround((p->cx + a - s->u0) / h);
        cols[nc++] = j >= 0 && j < s->nu ? j : -1;
    }
    /* Nearest of metal and board against nearest of solder and body, soft
     * (blends at the fillet's outline count in part): simd/wet.h. */
    const float(*ref)[3] = (const float(*)[3])in->wet_ref;
    /* The columns are side by side but where the rounding of a steps twice
     * or not at all, or they leave the strip: then the row's samples are
     * copied together first. */
    int run = nc > 0 && cols[0] >= 0 && cols[nc - 1] == cols[0] + nc - 1;
    for (int q = 1; q < nc && run; q++)
        run = cols[q] == cols[q - 1] + 1;
    for (double w = in->edge[k] + 0.03; w <= in->toe + 0.03; w += h) {
        int i = (int)lround((w - s->w0) / h), m = 0;
        if (i < 0 || i >= s->nw)
            continue;
        const feat *row = patch_at(s, 0, i);
        if (run) {
            cnt += aoi__wet_sum(&row[cols[0]].L, nc, ref, (float)SOFT_WIDTH);
            continue;
        }
        feat tmp[256];
        for (int q = 0; q < nc; q++)
            if (cols[q] >= 0)
                tmp[m++] = row[cols[q]];
        cnt += aoi__wet_sum(&tmp[0].L, m, ref, (float)SOFT_WIDTH);
    }
    return cnt * h * h;
}

/* Where pin k's terminal tip lies out from the body (w, mm), the body edge
 * as measured: the connector's shift toward or away from the row moves it. */
double aoi__tip_w(const aoi_inspector *in, int k)
{
    const aoi_pad *p = &aoi_part_pads(in->part)[k];
    return in->edge[k] + (fabs(p->row > 0 ? p->terminal.y1 : p->terminal.y0) - in->E);
}

/* The toe fillet zone's measures.  *relief: its shading, p90 - p10 of log
 * intensity over the middle of the pad from just past the terminal tip to
 * the pad's outer end (at least TOE_ZONE deep, reaching back over the tip
 * where the terminal ends near the pad's end, as on sockets).  A fillet's slopes are shaded by
 * the light whatever its colour; bare pad metal, or a flat film of solder,
 * is not.  *wet gets the zone's wetted share (the soft membership of
 * simd/wet.h, as aoi__solder_area() counts it): bare pad where a fillet should
 * be shows little.  Both are NAN when the zone is not in the frame. */
int aoi__toe_measures(aoi_inspector *in, int k, double *relief, double *wet)
{
    const aoi_pad *p = &aoi_part_pads(in->part)[k];
    const patch *s = strip_of(in, p->row);
    double h = s->h, w1 = in->toe - 0.01, w0 = fmin(aoi__tip_w(in, k) + 0.02, w1 - TOE_ZONE);
    *relief = NAN;
    *wet = NAN;
    if (!isfinite(w0))
        return 0;
    int ia = (int)floor(0.8 * in->hw / h), iw0 = (int)ceil((w0 - s->w0) / h),
        iw1 = (int)floor((w1 - s->w0) / h), j0 = (int)lround((p->cx - s->u0) / h);
    size_t n = 0;
    double ws = 0;
    float *L;
    const float(*ref)[3] = (const float(*)[3])in->wet_ref;
    iw0 = iw0 < 0 ? 0 : iw0;
    iw1 = iw1 >= s->nw ? s->nw - 1 : iw1;
    if (iw1 < iw0)
        return 0;
    /* Three floats per feat of scratch. */
    if (!(L = (float *)aoi__inspect_scratch(
              in, ((size_t)(iw1 - iw0 + 1) * (size_t)(2 * ia + 1)) / 3 + 1)))
        return aoi__error("inspect: out of memory");
    /* The zone's columns inside the strip; each row's run of them at once
     * (the weights' sum is exact in any order: simd/wet.h). */
    const int ja = j0 - ia < 0 ? 0 : j0 - ia, jb = j0 + ia >= s->nu ? s->nu - 1 : j0 + ia;
    for (int i = iw0; i <= iw1 && ja <= jb; i++) {
        const feat *row = patch_at(s, 0, i);
        ws += aoi__wet_sum(&row[ja].L, jb - ja + 1, ref, (float)SOFT_WIDTH);
        for (int j = ja; j <= jb; j++)
            if (!isnan(row[j].L))
                L[n++] = row[j].L;
    }
    if (n >= 4) {
        *wet = ws / (double)n;
        *relief = aoi__select_k(L, n, n * 9 / 10) - aoi__select_k(L, n, n / 10);
    }
    return 0;
}

/* How far inside the terminal's tip the side zone begins (mm): a good
 * fillet runs at least this far up the terminal's sides (its toe end may
 * lie under the tip), and the zone stays clear of the body's shadow. */
#define SIDE_REACH 0.10
/* Margins of the side zone from the terminal's sides and the pad's sides
 * (mm): their edges, blurred, are neither fillet nor bare pad. */
#define SIDE_TERMINAL_MARGIN 0.015
#define SIDE_PAD_MARGIN 0.01

/* The wetted share of the pad beside pin k's terminal (the soft
 * membership of simd/wet.h, as aoi__solder_area() counts it), from
 * SIDE_REACH inside the tip to the pad's outer end: where the tip covers
 * the toe zone, this is where a fillet shows and a starved joint's bare
 * pad does.  NAN when fewer than 4 samples lie in the strip. */
double aoi__side_wet(const aoi_inspector *in, int k)
{
    const aoi_pad *p = &aoi_part_pads(in->part)[k];
    const patch *s = strip_of(in, p->row);
    const double h = s->h, thw = (p->terminal.x1 - p->terminal.x0) / 2;
    const double c = p->cx + in->joints[k].offset_x_mm, pc = p->cx + in->pad_u,
                 tip = aoi__tip_w(in, k);
    const float(*ref)[3] = (const float(*)[3])in->wet_ref;
    if (!isfinite(c) || !isfinite(tip) || !isfinite(in->toe))
        return NAN;
    /* Each side's columns: [pad side + margin, terminal side - margin]. */
    const int ja[2] = {(int)ceil((pc - in->hw + SIDE_PAD_MARGIN - s->u0) / h),
                       (int)ceil((c + thw + SIDE_TERMINAL_MARGIN - s->u0) / h)},
              jb[2] = {(int)floor((c - thw - SIDE_TERMINAL_MARGIN - s->u0) / h),
                       (int)floor((pc + in->hw - SIDE_PAD_MARGIN - s->u0) / h)};
    const int i0 = (int)ceil((tip - SIDE_REACH - s->w0) / h),
              i1 = (int)floor((in->toe - 0.01 - s->w0) / h);
    double ws = 0;
    long n = 0;
    /* Each side's run of a row at once (a sample with no number weighs 0;
     * the weights' sum is exact in any order: simd/wet.h). */
    for (int i = i0 < 0 ? 0 : i0; i <= i1 && i < s->nw; i++) {
        const feat *row = patch_at(s, 0, i);
        for (int q = 0; q < 2; q++) {
            int a = ja[q] < 0 ? 0 : ja[q], b = jb[q] >= s->nu ? s->nu - 1 : jb[q];
            if (a > b)
                continue;
            ws += aoi__wet_sum(&row[a].L, b - a + 1, ref, (float)SOFT_WIDTH);
            for (int j = a; j <= b; j++)
                n += !isnan(row[j].L);
        }
    }
    return n >= 4 ? ws / (double)n : NAN;
}

/* Hold-down pads whose outer end shows beyond the body: toe overhang. */
double aoi__holddown_overhang(aoi_inspector *in, const aoi_image *f, const aoi_pose *pose, int i,
                              double dy)
{
    const aoi_pad *p = &aoi_part_pads(in->part)[i];
    double outer = fabs(p->cy) + p->h / 2, h = in->strip[0].h, runs[256];
    double edge = in->E + (p->row > 0 ? dy : -dy);
    int nr = 0;
    if (outer < edge + 0.03)
        return NAN;
    if (aoi__patch_sample(&in->hd, f, pose, in->rot, p->row, p->cx - p->w / 2, p->cx + p->w / 2,
                          outer, outer + 0.28, h, in->gain) < 0)
        return NAN;
    /* As the pins' overhang (aoi__overhang()), also by relief: a run from
     * the pad's end whose brightness differs from the board beyond it -
     * the median of the patch's far 0.06 mm, where that is the clean
     * board - by the relief threshold.  (The four hold-down pads are no
     * row to compare with.) */
    float far[1024], ref = NAN;
    int nf = 0, i0 = in->hd.nw - (int)ceil(0.06 / h);
    for (int j = 0; j < in->hd.nu; j++)
        for (int ii = i0 < 0 ? 0 : i0; ii < in->hd.nw && nf < 1024; ii++) {
            const feat *x = patch_at(&in->hd, j, ii);
            if (!isnan(x->L))
                far[nf++] = x->L;
        }
    if (nf >= 8) {
        ref = aoi__select_k(far, (size_t)nf, (size_t)nf / 2);
        float dm = ref - in->ref[REF_MASK].L;
        if (dm * dm >= in->relief_d2)
            ref = NAN; /* no clean board there */
    }
    double rel[256] = {0};
    for (int j = 1; j + 1 < in->hd.nu && nr < 256; j++, nr++) {
        double last = 0;
        int look = 1;
        relief_run rr = {-1, 0, 0};
        for (int ii = 0; ii < in->hd.nw; ii++) {
            const feat *x = patch_at(&in->hd, j, ii);
            if ((look = look && solder_out(in, x, NULL)))
                last = ii * h;
            float d = isnan(x->L) || isnan(ref) ? 0 : x->L - ref;
            if (relief_step(&rr, ii, look || d * d >= in->relief_d2, h))
                break;
        }
        runs[nr] = last;
        rel[nr] = fmax(0, relief_len(&rr, h) - h); /* runs here count from 0 */
    }
    return fmax(second_largest(runs, nr), window_run(rel, nr, h));
}
