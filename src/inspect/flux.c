/* flux.c - flux residue on the terminals: the band from the body edge
 * outward, each sample darker and more amber than the row's terminals
 * there, by more than the pin's neighbours are (in grey frames: darker,
 * beyond the row's noise). */
#include "core/error_internal.h"
#include "core/grow.h"
#include "inspect/inspector_internal.h"

#include <math.h>
#include <string.h>

#define FLUX_SCORE 0.10    /* darkening + amber shift of a flux-covered terminal sample */
#define FLUX_GREY_MIN 0.04 /* grey frames: least darkening of a flux-covered sample ... */
#define FLUX_NOISE_K 3.0   /* ... and this many times the row's band noise */

/* The flux score of sample x against the row's terminals there (t):
 * darkening plus a shift toward amber (red up, blue down). */
static float flux_score(const feat *x, const feat *t)
{
    float cb_x = 1 - x->cr - x->cg, cb_r = 1 - t->cr - t->cg;
    return (t->L - x->L) + 2 * ((x->cr - t->cr) - (cb_x - cb_r));
}

/* How many samples a flux band holds at most, h apart: 0.04 mm either side
 * of the terminal's centre, from 0.015 mm to band (mm) out from the body
 * edge (band_scores()). */
static size_t band_size(double h, double band)
{
    size_t rows = 0;
    /* The rows as band_scores() steps through them. */
    for (int i = (int)ceil(0.015 / h); i * h <= band + 1e-9; i++)
        rows++;
    return rows * (size_t)(2 * (int)floor(0.04 / h) + 1);
}

/* The flux scores of those samples (at most band_size()) into v, against the
 * row's terminals there; -INFINITY for a sample that looks like solder where
 * colour tells them apart, or in grey frames is darker than a film makes a
 * terminal (GREY_FILM_MAX); each sample's strip row into rows.  Returns how
 * many. */
static size_t band_scores(aoi_inspector *in, int k, double band, float *v, int *rows)
{
    const aoi_pad *p = &aoi_part_pads(in->part)[k];
    const patch *s = strip_of(in, p->row);
    double h = s->h, c = p->cx + in->joints[k].offset_x_mm;
    int jb = (int)floor(0.04 / h);
    size_t n = 0;
    for (int i = (int)ceil(0.015 / h); i * h <= band + 1e-9; i++)
        for (int j = in->ttpl_half - jb; j <= in->ttpl_half + jb; j++) {
            const feat *x = aoi__patch_get(s, c + (j - in->ttpl_half) * h, in->edge[k] + i * h);
            const feat *q = aoi__ttpl_get(in, j, i, NULL);
            if (!x || !q)
                continue;
            float f = flux_score(x, q);
            if (in->grey_metal ? f > GREY_FILM_MAX : solder_like(in, x))
                f = -INFINITY;
            rows[n] = i;
            v[n++] = f;
        }
    return n;
}

/* Most pins either side of a pin whose bands, with its own, give its
 * baseline. */
#define FLUX_NEIGHBOURS 4

/* The least score of a flux-covered sample in row r, and each pin's
 * baseline: the median band score of it and up to FLUX_NEIGHBOURS pins
 * either side (light falls off toward a long row's ends, and across a
 * side-lit frame: against the whole row's terminals the dim end's pins
 * look filmed and the bright end's films clean).  In colour frames a
 * sample must pass it by FLUX_SCORE: flux darkens the terminal and turns
 * it amber.  In grey frames only the darkening is left, and a thin film
 * darkens a lit terminal by less than that (0.06 to 0.1 in log intensity)
 * - but evenly over the band, where clean terminals match their row's
 * within the noise: there a sample must pass its baseline by
 * FLUX_GREY_MIN and by FLUX_NOISE_K times the row's noise: 1.4826 times the
 * median absolute difference of every band sample of the row from its own
 * pin's median.  A film darkens its band evenly, so filmed pins and pins
 * with risen solder add little to it; against the baseline they did (a
 * 10-pin part's row of five with two films and two risen joints had its
 * limit at 0.41, the films reading 0.1).  -1: out of memory. */
int aoi__flux_threshold(aoi_inspector *in, int r)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    double med[512];
    int at[512], np = 0;
    size_t n = 0, cap, from[512];
    float *v, *tmp;
    in->flux_thr = FLUX_SCORE;
    for (size_t k = 0; k < in->npads; k++)
        in->flux_base[k] = 0, in->flux_lo[k] = 1, in->flux_hi[k] = 0;
    /* Every band sample of the row (kept for aoi__flux_cover()), and room
     * for a copy (tmp). */
    cap = (size_t)in->n * band_size(strip_of(in, r)->h, in->th.flux_band_mm);
    if (aoi__grow((void **)&in->flux_v, &in->flux_vcap, cap + 1, sizeof *in->flux_v, 1024) < 0 ||
        aoi__grow((void **)&in->flux_row, &in->flux_rowcap, cap + 1, sizeof *in->flux_row, 1024) <
            0 ||
        !(tmp = (float *)aoi__inspect_scratch(in, cap / 3 + 1)))
        return aoi__error("inspect: out of memory");
    v = in->flux_v;
    /* Each pin's band scores, and their median. */
    for (int k = 0; k < in->n; k++) {
        if (pads[k].row != r || !isfinite(in->edge[k]))
            continue;
        size_t first = n;
        n += band_scores(in, k, in->th.flux_band_mm, v + n, in->flux_row + n);
        in->flux_lo[k] = first, in->flux_hi[k] = n;
        if (n - first < 4 || np >= 512)
            continue;
        memcpy(tmp, v + first, (n - first) * sizeof *tmp);
        from[np] = first;
        med[np] = aoi__select_k(tmp, n - first, (n - first) / 2);
        at[np++] = k;
    }
    if (np < 3)
        return 0;
    /* Baselines from the neighbours (a row's pins in order along it), and
     * the noise: every sample against its own pin's median (samples that
     * look like solder, -INFINITY, left out). */
    size_t nn = 0;
    for (int q = 0; q < np; q++) {
        double nb[2 * FLUX_NEIGHBOURS + 1];
        int m = 0;
        for (int d = -FLUX_NEIGHBOURS; d <= FLUX_NEIGHBOURS; d++)
            if (q + d >= 0 && q + d < np)
                nb[m++] = med[q + d];
        in->flux_base[at[q]] = aoi__median(nb, m);
        if (!in->grey_metal)
            continue; /* the noise is grey frames' alone */
        for (size_t i = from[q]; i < in->flux_hi[at[q]]; i++) {
            float dv = fabsf(v[i] - (float)med[q]);
            if (isfinite(dv))
                tmp[nn++] = dv;
        }
    }
    if (in->grey_metal)
        in->flux_thr =
            nn ? fmax(FLUX_GREY_MIN, FLUX_NOISE_K * 1.4826 * aoi__select_k(tmp, nn, nn / 2))
               : FLUX_GREY_MIN;
    return 0;
}

/* Fraction of the flux band on the terminal that looks flux-covered:
 * darker and more amber than the same place on the row's other terminals,
 * by more than its neighbours are (in grey frames darker alone, beyond the
 * row's noise: see aoi__flux_threshold()).
 * Samples that look like solder count as clean where colour can tell them
 * from a filmed terminal (solder is grey, flux amber): beside solder risen
 * near the body, its shaded edge darkens the band.  In grey frames a
 * filmed terminal is as dark as a solder slope; there the band's end, where
 * this pin's solder begins (aoi__solder_to_body()), is what keeps solder out.
 * *cover is NAN when no sample of the band is in the frame; -1: out of
 * memory. */
int aoi__flux_cover(aoi_inspector *in, int k, double *cover)
{
    double h = strip_of(in, aoi_part_pads(in->part)[k].row)->h;
    /* Up to where this pin's solder begins, if that is within the band. */
    double band = fmin(in->th.flux_band_mm, in->joints[k].solder_to_body_mm - h / 2);
    size_t n = 0, fl = 0;
    /* The scores aoi__flux_threshold() kept: the band's first rows, in
     * band_scores()' order. */
    for (size_t i = in->flux_lo[k]; i < in->flux_hi[k] && in->flux_row[i] * h <= band + 1e-9; i++) {
        fl += in->flux_v[i] - in->flux_base[k] > in->flux_thr;
        n++;
    }
    *cover = n ? (double)fl / (double)n : NAN;
    return 0;
}
