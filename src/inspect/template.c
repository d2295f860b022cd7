/* template.c - each row's median pin: at every position relative to the
 * pad (row template) or to the pin's measured terminal (terminal template),
 * the median over the row's pins, computed where first read.  A pin is
 * compared with it to see what differs from its row at the same place
 * (which absorbs escape traces and the connector's common shift). */
#include "core/error_internal.h"
#include "core/grow.h"
#include "inspect/inspector_internal.h"

#include <math.h>
#include <string.h>

/* Median of each row's pins at each pad-relative position (a, w), computed
 * when first read (aoi__tpl_get()): the checks read a few hundred of a row's
 * thousands of positions. */
int aoi__row_template(aoi_inspector *in, int row)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    const patch *s = strip_of(in, row);
    int half = (int)ceil(in->pitch / 2 / s->h);
    int nu = 2 * half + 1, nw = s->nw, nk = 0;
    size_t need = (size_t)nu * (size_t)nw;
    if (aoi__grow((void **)&in->tpl, &in->tplcap, need, sizeof *in->tpl, 4096) < 0 ||
        aoi__grow((void **)&in->tpl_done, &in->tpl_donecap, need, 1, 4096) < 0 ||
        aoi__grow((void **)&in->tpl_cols, &in->tpl_colscap, (size_t)in->n * (size_t)nu + 1,
                  sizeof *in->tpl_cols, 1024) < 0 ||
        aoi__grow((void **)&in->tpl_chan, &in->tpl_chancap, 3 * (size_t)in->n + 1,
                  sizeof *in->tpl_chan, 256) < 0)
        return aoi__error("inspect: out of memory");
    /* Each pin of the row's strip column at each template column. */
    for (int k = 0; k < in->n; k++)
        if (pads[k].row == row) {
            for (int j = 0; j < nu; j++) {
                /* As aoi__patch_get() rounds it. */
                int c = (int)lround((pads[k].cx + (j - half) * s->h - s->u0) / s->h);
                in->tpl_cols[(size_t)nk * (size_t)nu + (size_t)j] = c >= 0 && c < s->nu ? c : -1;
            }
            nk++;
        }
    in->tpl_row = row, in->tpl_npins = nk;
    in->tpl_nu = nu, in->tpl_nw = nw, in->tpl_a0 = -half * s->h, in->tpl_w0 = s->w0;
    memset(in->tpl_done, 0, need);
    /* The template is read only past the body edge (overhang: sides from
     * 0.05 mm past each pin's edge, and beyond the toe): rows nearer the
     * body than the row's nearest edge are left out. */
    in->tpl_i0 = 0;
    {
        double lo = INFINITY;
        for (int k = 0; k < in->n; k++)
            if (pads[k].row == row && isfinite(in->edge[k]))
                lo = fmin(lo, in->edge[k]);
        if (isfinite(lo))
            in->tpl_i0 = (int)floor((lo + 0.05 - s->w0) / s->h) - 1;
        in->tpl_i0 = in->tpl_i0 < 0 ? 0 : in->tpl_i0 > nw ? nw : in->tpl_i0;
    }
    return 0;
}

/* The row template's place at (a, w): its index, -1 outside. */
static long tpl_index(const aoi_inspector *in, double a, double w)
{
    const patch *s = strip_of(in, in->tpl_row);
    int j = (int)lround((a - in->tpl_a0) / s->h);
    int i = (int)lround((w - in->tpl_w0) / s->h);
    if (j < 0 || i < 0 || j >= in->tpl_nu || i >= in->tpl_nw)
        return -1;
    return (long)i * in->tpl_nu + j;
}

/* Computes the template at place 'at' (row i of the strip, column j of
 * the template): the brightness median alone (TPL_L) or all three
 * channels (TPL_ALL); in->tpl_done[at] says how far it is done.  A median
 * is the same whichever is asked first. */
enum { TPL_NONE, TPL_L, TPL_ALL };
static void tpl_fill(aoi_inspector *in, long at, int need)
{
    const patch *s = strip_of(in, in->tpl_row);
    const int i = (int)(at / in->tpl_nu), j = (int)(at % in->tpl_nu);
    feat *t = &in->tpl[at];
    if (in->tpl_done[at] == TPL_NONE)
        *t = (feat){NAN, 0, 0};
    in->tpl_done[at] = (unsigned char)need;
    if (i < in->tpl_i0 || in->tpl_npins < 3)
        return;
    /* The channels of this position over the row's pins. */
    int np = 0, n = in->tpl_npins;
    float *cl = in->tpl_chan, *cr = cl + n, *cg = cr + n;
    for (int k = 0; k < n; k++) {
        int c = in->tpl_cols[(size_t)k * (size_t)in->tpl_nu + (size_t)j];
        if (c < 0)
            continue;
        const feat *x = patch_at(s, c, i);
        if (isnan(x->L))
            continue;
        cl[np] = x->L;
        if (need == TPL_ALL)
            cr[np] = x->cr, cg[np] = x->cg;
        np++;
    }
    if (np < 3)
        return;
    const size_t m = (size_t)np;
    if (isnan(t->L))
        t->L = aoi__select_k(cl, m, m / 2);
    if (need == TPL_ALL)
        t->cr = aoi__select_k(cr, m, m / 2), t->cg = aoi__select_k(cg, m, m / 2);
}

/* The row template at (a, w), computed on first use; NULL outside it. */
const feat *aoi__tpl_get(aoi_inspector *in, double a, double w)
{
    const long at = tpl_index(in, a, w);
    if (at < 0)
        return NULL;
    if (in->tpl_done[at] != TPL_ALL)
        tpl_fill(in, at, TPL_ALL);
    return &in->tpl[at];
}

/* Its brightness alone (NAN where the template is not there). */
float aoi__tpl_L(aoi_inspector *in, double a, double w)
{
    const long at = tpl_index(in, a, w);
    if (at < 0)
        return NAN;
    if (in->tpl_done[at] == TPL_NONE)
        tpl_fill(in, at, TPL_L);
    return in->tpl[at].L;
}

/* Median of each row's terminals at each terminal-relative position
 * (a' across from the moved terminal centre, w' out from the body edge),
 * computed when first read (aoi__ttpl_get()). */
int aoi__terminal_template(aoi_inspector *in, int row)
{
    const patch *s = strip_of(in, row);
    double h = s->h;
    int half = (int)ceil(0.06 / h), nu = 2 * half + 1, nw = (int)ceil(0.24 / h) + 1;
    size_t need = (size_t)nu * (size_t)nw;
    if (aoi__grow((void **)&in->ttpl, &in->ttplcap, need, sizeof *in->ttpl, 1024) < 0 ||
        aoi__grow((void **)&in->ttpl_done, &in->ttpl_donecap, need, 1, 1024) < 0 ||
        aoi__grow((void **)&in->ttpl_col, &in->ttpl_colcap, (size_t)in->n, sizeof *in->ttpl_col,
                  256) < 0)
        return aoi__error("inspect: out of memory");
    memset(in->ttpl_done, 0, need);
    in->ttpl_nu = nu, in->ttpl_nw = nw, in->ttpl_half = half, in->ttpl_row = row;
    return 0;
}

/* The terminal template at (j, i), computed on first use; NULL outside it
 * or where fewer than 3 terminals show. */
const feat *aoi__ttpl_get(aoi_inspector *in, int j, int i, int *solder)
{
    if (j < 0 || i < 0 || j >= in->ttpl_nu || i >= in->ttpl_nw)
        return NULL;
    size_t at = (size_t)i * (size_t)in->ttpl_nu + (size_t)j;
    feat *f = &in->ttpl[at];
    if (!in->ttpl_done[at]) {
        const aoi_pad *pads = aoi_part_pads(in->part);
        const patch *s = strip_of(in, in->ttpl_row);
        double h = s->h;
        int m = 0;
        for (int k = 0; k < in->n; k++) {
            if (pads[k].row != in->ttpl_row)
                continue;
            const feat *x =
                aoi__patch_get(s, pads[k].cx + in->joints[k].offset_x_mm + (j - in->ttpl_half) * h,
                               in->edge[k] + i * h);
            if (x)
                in->ttpl_col[m++] = *x;
        }
        *f = m >= 3 ? aoi__feat_median(in->ttpl_col, (size_t)m) : (feat){NAN, 0, 0};
        in->ttpl_done[at] = isnan(f->L) || !solder_like(in, f) ? 1 : 2;
    }
    if (solder)
        *solder = in->ttpl_done[at] == 2;
    return isnan(f->L) ? NULL : f;
}
