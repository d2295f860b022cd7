/* bridge.c - solder across the gap between a row's neighbouring pads: a
 * breadth-first search for a path of not-board samples from one pad's side
 * to the other's. */
#include "core/error_internal.h"
#include "core/grow.h"
#include "inspect/inspector_internal.h"

#include <math.h>
#include <string.h>

/* A gap this narrow (mm) between solder does not separate it: where a bridge
 * meets a fillet, the saddle can show a dark seam under ring light, and the
 * optics (blur up to 1 px) do not resolve less. */
#define BRIDGE_SEAM 0.01

/* Whether x, at distance dm from the mask reference, lies nearer another
 * reference (the body's too, unless skip_body). */
static inline int nearer_than_mask(const aoi_inspector *in, const feat *x, float dm,
                                   int skip_body)
{
    for (int q = 0; q < REF_COUNT; q++)
        if (q != REF_MASK && !(skip_body && q == REF_BODY) && feat_dist(*x, in->ref[q]) < dm)
            return 1;
    return 0;
}

/* For the bridge search: unlike the board by distance, or nearer to any
 * other reference than to the mask while well outside the mask's core (a
 * fillet's shaded rim can lie within the mask's spread yet belong to the
 * solder). */
static inline int off_board(const aoi_inspector *in, const feat *x)
{
    float dm = feat_dist(*x, in->ref[REF_MASK]);
    if (dm > in->tau)
        return 1;
    if (dm < 0.5f * in->tau || dm < NB_MIN)
        return 0;
    return nearer_than_mask(in, x, dm, 0);
}

/* A bridge's sample between two pads' sides: clearly unlike the mask, and
 * further from it (by half the mask's tolerance) than the row's other gaps
 * are there (the row template at pad-relative (a, w), read for the row the
 * template was made for) unless those show metal there (nearer the terminal
 * or pad look than the mask's: a terminal standing out over its pad's
 * side).  A blurred sliver of mask left between such a terminal and the next
 * pad is not solder, though its mixed colour passes the rim clause of
 * off_board() and, in noise, the mask distance too.  And, unless twice
 * the mask's tolerance from it, nearer a metal look (solder, pad, terminal)
 * than the mask's: where a chroma-subsampled image (a JPEG's 4:2:0, a
 * camera's) bleeds a terminal's colour a sample or two into the gap, the
 * mask there shifts in chroma alone, by up to 0.3 of the row's other gaps
 * at a place (the 40-pin socket of `shifted_terminals_make_no_bridges`,
 * seed 509: two samples' height at a JPEG block edge), still nearest the
 * mask; solder across the gap lies nearer its own look. */
static int in_gap(aoi_inspector *in, const feat *x, double a, double w)
{
    if (feat_dist2(*x, in->ref[REF_MASK]) < in->tau_d2)
        return 0;
    const feat *t = aoi__tpl_get(in, a, w);
    if (!t || isnan(t->L))
        return 1;
    float tm = feat_dist(*t, in->ref[REF_MASK]);
    if (minf(feat_dist(*t, in->ref[REF_TERMINAL]), feat_dist(*t, in->ref[REF_PAD])) < tm)
        return 1;
    /* The margin is over the template's place and its neighbours a sample
     * out and in along the pads: the row's blurred fillet ends move in and
     * out of a place as the pose moves by a hundredth of a pixel. */
    double h = strip_of(in, in->tpl_row)->h;
    for (int d = -1; d <= 1; d += 2) {
        const feat *tn = aoi__tpl_get(in, a, w + d * h);
        if (tn && !isnan(tn->L))
            tm = fmaxf(tm, feat_dist(*tn, in->ref[REF_MASK]));
    }
    float dm = feat_dist(*x, in->ref[REF_MASK]);
    if (!(dm - tm > 0.5f * in->tau))
        return 0;
    return dm > 2 * in->tau || nearer_than_mask(in, x, dm, 1);
}

/* Solder from pin k to pin k+2 across the gap between their pads' sides: a
 * path of not-board samples (in the gap, in_gap() samples) from pad k's half
 * towards pad k+2 to pad k+2's side (4-connected; stepping over seams of one
 * sample where samples are at most BRIDGE_SEAM apart).  1: bridged, 0: not,
 * -1: out of memory. */
int aoi__bridged(aoi_inspector *in, int k, double *bu, double *bw)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    const patch *s = strip_of(in, pads[k].row);
    double h = s->h, wlo = fmax(in->edge[k], in->edge[k + 2]) + 0.05, whi = in->toe + 0.01;
    int j0 = (int)lround((pads[k].cx - s->u0) / h), j1 = (int)lround((pads[k + 2].cx - s->u0) / h);
    int i0 = (int)ceil((wlo - s->w0) / h), i1 = (int)floor((whi - s->w0) / h);
    int nu = j1 - j0 + 1, nw = i1 - i0 + 1, found = 0;
    /* The gap between the pads' sides: window columns g0..g1 (in_gap()). */
    int g0 = (int)ceil((pads[k].cx + pads[k].w / 2 - s->u0) / h) - j0;
    int g1 = (int)floor((pads[k + 2].cx - pads[k + 2].w / 2 - s->u0) / h) - j0;
    double gu[64]; /* each gap column's position in the row template */
    if (g1 - g0 + 1 > 64)
        g1 = g0 + 63;
    for (int j = g0; j <= g1; j++) {
        double a = s->u0 + (j0 + j) * h - pads[k].cx;
        gu[j - g0] = a > in->pitch / 2 ? a - in->pitch : a;
    }
    /* Where a sample is no wider than BRIDGE_SEAM, a one-sample gap does not
     * separate: the path may step over it. */
    int reach = h <= BRIDGE_SEAM + 1e-9 ? 2 : 1;
    if (nu < 3 || nw < 1 || j0 < 0 || j1 >= s->nu || i0 < 0 || i1 >= s->nw || g0 < 1 ||
        g1 > nu - 2 || g0 > g1)
        return 0;
    /* Breadth-first search over the window with a border of `reach`
     * blocked samples (no bounds checks); each queue entry holds the
     * window index and the strip index, which move together by the
     * neighbour's two deltas.  Both buffers live in the inspector. */
    const int wb = nu + 2 * reach, hb = nw + 2 * reach;
    const size_t need = (size_t)wb * (size_t)hb;
    if (aoi__grow((void **)&in->seen, &in->seencap, need, 1, 4096) < 0 ||
        aoi__grow((void **)&in->queue, &in->queuecap, 2 * (size_t)nu * (size_t)nw,
                  sizeof *in->queue, 4096) < 0)
        return aoi__error("inspect: out of memory");
    unsigned char *seen = in->seen; /* 0 not judged, 1 reached, 2 board or border */
    int *queue = in->queue, qd[24], pd[24], nd = 0;
    for (int d = 0; d < (2 * reach + 1) * (2 * reach + 1); d++) {
        int di = d / (2 * reach + 1) - reach, dj = d % (2 * reach + 1) - reach;
        if ((di == 0 && dj == 0) || (reach == 1 && di != 0 && dj != 0))
            continue;
        qd[nd] = di * wb + dj;
        pd[nd] = di * s->nu + dj;
        nd++;
    }
    /* Seeds: pin k's own metal and solder, from its pad's centre to its
     * side (a shadow line between terminal and fillet inside the pad does
     * not separate the pin from itself).  Every such sample is reached, and
     * what else lies there is board, so a path can leave that half only from
     * the seeds within `reach` of the gap: only those are judged and queued,
     * the rest of the half is marked done (the same search, same order). */
    const int f0 = g0 - reach > 0 ? g0 - reach : 0;
    memset(seen, 2, need);
    for (int i = 0; i < nw; i++)
        memset(seen + (size_t)(i + reach) * (size_t)wb + (size_t)(reach + f0), 0,
               (size_t)(nu - f0));
    size_t qh = 0, qt = 0;
    for (int i = 0; i < nw; i++)
        for (int j = f0; j < g0; j++) {
            int p = (i0 + i) * s->nu + j0 + j, q = (i + reach) * wb + reach + j;
            const feat *x = &s->px[p];
            if (!isnan(x->L) && off_board(in, x)) {
                seen[q] = 1;
                queue[qt++] = q;
                queue[qt++] = p;
            }
        }
    while (qh < qt && !found) {
        int q0 = queue[qh++], p0 = queue[qh++];
        for (int d = 0; d < nd; d++) {
            int q = q0 + qd[d];
            if (seen[q])
                continue;
            int p = p0 + pd[d];
            const feat *x = &s->px[p];
            int nj = q % wb - reach;
            if (isnan(x->L) || !(nj >= g0 && nj <= g1
                                     ? in_gap(in, x, gu[nj - g0], s->w0 + (q / wb - reach + i0) * h)
                                     : off_board(in, x))) {
                seen[q] = 2;
                continue;
            }
            seen[q] = 1;
            if (nj == nu / 2) {
                *bu = s->u0 + (j0 + nj) * h;
                *bw = s->w0 + (q / wb - reach + i0) * h;
            }
            if (nj > g1) { /* across the gap: pin k+2's side */
                found = 1;
                break;
            }
            queue[qt++] = q;
            queue[qt++] = p;
        }
    }
    return found;
}
