/* refs.c - the frame's appearance references.  They come from places the
 * geometry fixes: the board between the pads beyond the toes (mask), the
 * band deep inside the body outline (body), the terminals just outside the
 * body edge (terminal), bare pad beside them (pad), and what lies on the
 * fillet zones and is neither metal nor board (the lit and the shaded
 * solder).  Most joints of a board are good, so medians over the pins are
 * robust references. */
#include "core/error_internal.h"
#include "core/select.h"
#include "inspect/inspector_internal.h"

#include <math.h>
#include <stdlib.h>

#define NB_SPREAD 3.0 /* "not board": this many typical mask deviations (at least NB_MIN) */
/* A difference in brightness from the row's other pins that tells solder
 * (aoi__overhang()): this many typical deviations of the mask's brightness
 * (NB_SPREAD), at least RELIEF_MIN - under NB_MIN, which must tell any
 * colour. */
#define RELIEF_MIN 0.10
#define TAU_PIN 0.25  /* a sample unlike the same place on the row's other pins */
/* Bare pad beside a terminal narrower than this (mm, pad side to terminal
 * side) gives no look of its own: every sample blends mask and terminal. */
#define PAD_BAND_MIN 0.03

feat *aoi__inspect_scratch(aoi_inspector *in, size_t n)
{
    if (n > in->bufcap) {
        feat *nb = realloc(in->buf, n * sizeof *nb);
        if (!nb)
            return NULL;
        in->buf = nb;
        in->bufcap = n;
    }
    return in->buf;
}

/* Appends valid samples of [u0,u1] x [w0,w1] of a patch to the scratch. */
static size_t gather(const patch *p, double u0, double u1, double w0, double w1, feat *out,
                     size_t at, size_t cap)
{
    int j0 = (int)ceil((u0 - p->u0) / p->h), j1 = (int)floor((u1 - p->u0) / p->h);
    int i0 = (int)ceil((w0 - p->w0) / p->h), i1 = (int)floor((w1 - p->w0) / p->h);
    for (int i = i0 < 0 ? 0 : i0; i <= i1 && i < p->nw; i++)
        for (int j = j0 < 0 ? 0 : j0; j <= j1 && j < p->nu; j++) {
            const feat *f = patch_at(p, j, i);
            if (!isnan(f->L) && at < cap)
                out[at++] = *f;
        }
    return at;
}

/* Appends the samples of the line u = um, w0 <= w <= w1 of a patch to the
 * scratch, each interpolated between the two columns either side of um: a
 * narrow band's look that moves smoothly with the pose and the measured
 * terminal, where whole columns would enter and leave it. */
static size_t gather_mid(const patch *p, double um, double w0, double w1, feat *out, size_t at,
                         size_t cap)
{
    double fu = (um - p->u0) / p->h;
    int j = (int)floor(fu);
    float f = (float)(fu - j);
    if (j < 0 || j + 1 >= p->nu)
        return at;
    int i0 = (int)ceil((w0 - p->w0) / p->h), i1 = (int)floor((w1 - p->w0) / p->h);
    for (int i = i0 < 0 ? 0 : i0; i <= i1 && i < p->nw; i++) {
        const feat *a = patch_at(p, j, i), *b = patch_at(p, j + 1, i);
        if (!isnan(a->L) && !isnan(b->L) && at < cap)
            out[at++] = (feat){a->L + f * (b->L - a->L), a->cr + f * (b->cr - a->cr),
                               a->cg + f * (b->cg - a->cg)};
    }
    return at;
}

/* A frame's references are medians over up to a hundred thousand samples
 * (the body band, the fillet zones); above this many, every k-th of them
 * (the least k that leaves at most this many, a lattice over the places
 * gathered).  The median of a lattice moves by a small share of the
 * samples' spread, and the work of the medians and of the solder
 * candidates' tests is per sample. */
#ifndef REF_SAMPLES
#define REF_SAMPLES 8192
#endif

/* Keeps every k-th of buf[0..n) as above; returns how many are left. */
static size_t thin(feat *buf, size_t n)
{
    if (n <= REF_SAMPLES)
        return n;
    size_t k = (n + REF_SAMPLES - 1) / REF_SAMPLES, m = 0;
    for (size_t i = 0; i < n; i += k)
        buf[m++] = buf[i];
    return m;
}

int aoi__frame_references(aoi_inspector *in, frame_refs *fr)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    size_t cap = 0, n = 0, npad = 0, ngap = 0;
    feat *buf, bpad, bgap;
    double B2 = fabs(pads[0].cx);
    /* Upper bound of samples gathered. */
    for (int r = 0; r < 2; r++)
        cap += (size_t)in->strip[r].nu * (size_t)in->strip[r].nw;
    if (!(buf = aoi__inspect_scratch(in, cap)))
        return aoi__error("inspect: out of memory");

    /* Mask: between the pads beyond the toes, both rows. */
    for (int r = 0; r < 2; r++)
        for (int k = 0; k + 1 < in->n / 2; k++) {
            double ug = pads[2 * k].cx + in->pitch / 2;
            n = gather(&in->strip[r], ug - 0.03, ug + 0.03, in->toe + 0.10, in->toe + 0.28, buf, n,
                       cap);
        }
    if (n < 8)
        return aoi__error("inspect: too little board visible beside the pads");
    n = thin(buf, n);
    float l_spread;
    in->ref[REF_MASK] = fr->ref[REF_MASK] = aoi__feat_median(buf, n);
    {
        float *d = malloc(n * sizeof *d);
        if (!d)
            return aoi__error("inspect: out of memory");
        for (size_t i = 0; i < n; i++)
            d[i] = feat_dist(buf[i], fr->ref[REF_MASK]);
        fr->mask_spread = aoi__select_k(d, n, n * 9 / 10); /* 90th percentile */
        /* The relief (aoi__overhang()) reads brightness alone: its noise
         * is the brightness's (subsampled JPEG chroma adds to the other). */
        for (size_t i = 0; i < n; i++)
            d[i] = fabsf(buf[i].L - fr->ref[REF_MASK].L);
        l_spread = aoi__select_k(d, n, n * 9 / 10);
        free(d);
    }
    in->tau = fmax(NB_MIN, NB_SPREAD * fr->mask_spread);
    in->tau_t = TAU_PIN;
    in->tau_d2 = dist2_above(in->tau);
    in->tau_t_d2 = dist2_above(in->tau_t);
    in->relief_d2 = dist2_above(fmax(RELIEF_MIN, NB_SPREAD * l_spread));

    /* Body: the band deep inside the outline, pad and gap columns apart. */
    n = 0;
    for (int r = 0; r < 2; r++)
        for (int k = 0; k < in->n / 2; k++)
            n = gather(&in->strip[r], pads[2 * k].cx - 0.05, pads[2 * k].cx + 0.05, in->E - 0.40,
                       in->E - 0.27, buf, n, cap);
    npad = n;
    bpad = aoi__feat_median(buf, thin(buf, n));
    n = 0;
    for (int r = 0; r < 2; r++)
        for (int k = 0; k + 1 < in->n / 2; k++) {
            double ug = pads[2 * k].cx + in->pitch / 2;
            n = gather(&in->strip[r], ug - 0.05, ug + 0.05, in->E - 0.40, in->E - 0.27, buf, n,
                       cap);
        }
    ngap = n;
    bgap = aoi__feat_median(buf, thin(buf, n));
    n = 0;
    for (int r = 0; r < 2; r++)
        n = gather(&in->strip[r], -B2, B2, in->E - 0.40, in->E - 0.27, buf, n, cap);
    if (npad < 4 || n < 8)
        return aoi__error("inspect: the body region is outside the frame");
    in->ref[REF_BODY] = fr->ref[REF_BODY] = aoi__feat_median(buf, thin(buf, n));
    fr->body_uniformity = ngap >= 4 ? feat_dist(bpad, bgap) : 0;
    fr->body_to_mask = feat_dist(fr->ref[REF_BODY], fr->ref[REF_MASK]);
    return 0;
}

/* The pads' inner ends under a body whose edge on this row the fit puts
 * at a + sl u: pad columns against gap columns over the band from each
 * pad's inner end to that edge (margins of two samples, at least 0.02 mm,
 * for blur), as body_uniformity compares them deeper in.  0 where the band
 * is narrower, -1 when out of memory. */
double aoi__covered_uniformity(aoi_inspector *in, int row, double a, double sl)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    const patch *st = strip_of(in, row);
    double margin = fmax(0.02, 2 * st->h);
    size_t cap = (size_t)st->nu * (size_t)st->nw, n = 0, npad;
    feat *buf = aoi__inspect_scratch(in, cap), bpad, bgap;
    if (!buf)
        return aoi__error("inspect: out of memory");
    for (int k = 0; k < in->n; k++) {
        double inner = fabs(pads[k].cy) - pads[k].h / 2;
        if (pads[k].row == row)
            n = gather(st, pads[k].cx - 0.05, pads[k].cx + 0.05, inner + margin,
                       a + sl * pads[k].cx - margin, buf, n, cap);
    }
    npad = n;
    if (npad < 8)
        return 0;
    bpad = aoi__feat_median(buf, thin(buf, n));
    n = 0;
    for (int k = 0; k + 2 < in->n; k++) {
        double inner = fabs(pads[k].cy) - pads[k].h / 2, ug = (pads[k].cx + pads[k + 2].cx) / 2;
        if (pads[k].row == row && pads[k + 2].row == row)
            n = gather(st, ug - 0.05, ug + 0.05, inner + margin, a + sl * ug - margin, buf, n, cap);
    }
    if (n < 8)
        return 0;
    bgap = aoi__feat_median(buf, thin(buf, n));
    return feat_dist(bpad, bgap);
}

#define FEAT_L(f) ((f).L)
AOI__DEFINE_SELECT_BY(select_by_L, feat, FEAT_L)

/* Terminal and bare-pad references just outside the body edge, then solder:
 * what lies on the pads where the fillets are and is neither metal nor
 * board, split by brightness into the lit and the shaded look. */
void aoi__metal_references(aoi_inspector *in, frame_refs *fr)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    size_t cap = in->bufcap, n = 0, m = 0;
    feat *buf = in->buf;
    double th = pads[0].terminal.x1 - pads[0].terminal.x0, heel = fabs(pads[0].cy) - pads[0].h / 2;
    for (int k = 0; k < in->n; k++) {
        double c = pads[k].cx + in->joints[k].offset_x_mm;
        n = gather(strip_of(in, pads[k].row), c - 0.03, c + 0.03, in->edge[k] + 0.03,
                   in->edge[k] + 0.09, buf, n, cap);
    }
    in->ref[REF_TERMINAL] = fr->ref[REF_TERMINAL] = aoi__feat_median(buf, n);
    n = 0;
    for (int k = 0; k < in->n; k++) {
        double c = pads[k].cx + in->joints[k].offset_x_mm, x0 = pads[k].cx - in->hw,
               x1 = pads[k].cx + in->hw;
        /* From the body edge or, where the body stands back from this
         * row, from the pad's inner end (mask lies between). */
        double w0 = fmax(in->edge[k] + 0.03, heel + 0.015);
        const patch *s = strip_of(in, pads[k].row);
        if (c - th / 2 - x0 >= PAD_BAND_MIN)
            n = gather_mid(s, (x0 + c - th / 2) / 2, w0, w0 + 0.06, buf, n, cap);
        if (x1 - c - th / 2 >= PAD_BAND_MIN)
            n = gather_mid(s, (x1 + c + th / 2) / 2, w0, w0 + 0.06, buf, n, cap);
    }
    in->ref[REF_PAD] = fr->ref[REF_PAD] = n >= 8 ? aoi__feat_median(buf, n) : in->ref[REF_TERMINAL];
    /* Candidates for solder on the fillet zone of every pin. */
    n = 0;
    for (int k = 0; k < in->n; k++)
        n = gather(strip_of(in, pads[k].row), pads[k].cx - in->hw * 0.8, pads[k].cx + in->hw * 0.8,
                   in->edge[k] + 0.12, in->toe - 0.01, buf, n, cap);
    n = thin(buf, n);
    float msat = minf(feat_saturation(in->ref[REF_TERMINAL]), feat_saturation(in->ref[REF_PAD]));
    float mL = minf(in->ref[REF_TERMINAL].L, in->ref[REF_PAD].L);
    in->grey_metal = msat == 0;
    const float q_grey = sqrt_at_least(SAT_GREY), q_c = sqrt_at_least(0.6f * msat);
    for (size_t i = 0; i < n; i++) {
        const feat *x = &buf[i];
        /* Solder is grey where the metal is coloured, and darker where its
         * slopes turn from the light; where the metal is grey too (grey
         * frames), solder is what lies far from both metal looks.  (The
         * distances by their squares: the root of the least square is the
         * least root.) */
        if (not_board(in, x) &&
            (x->L < mL - 0.5f || saturation_below(*x, q_grey, q_c) ||
             (msat == 0 && minf(feat_dist2(*x, in->ref[REF_TERMINAL]),
                                feat_dist2(*x, in->ref[REF_PAD])) >= in->tau_d2)))
            buf[m++] = *x;
    }
    if (m >= 8) {
        /* Lit tops are the small bright end; slopes the dark half (by log
         * intensity: partitions, not a sort). */
        select_by_L(buf, m, m / 2);
        select_by_L(buf + m / 2, m - m / 2, m * 3 / 4 - m / 2);
        in->ref[REF_SOLDER_DARK] = aoi__feat_median(buf, m / 2);
        in->ref[REF_SOLDER] = aoi__feat_median(buf + m * 3 / 4, m - m * 3 / 4);
    } else {
        /* No fillets to learn from: solder as bright, grey metal. */
        feat t = in->ref[REF_TERMINAL];
        float s = 3.0f * (expf(t.L) - 8.0f), g = s / (s + 24.0f) / 3.0f;
        in->ref[REF_SOLDER] = (feat){t.L + 0.2f, g, g};
        in->ref[REF_SOLDER_DARK] = (feat){t.L - 0.8f, g, g};
    }
    fr->ref[REF_SOLDER] = in->ref[REF_SOLDER];
    fr->ref[REF_SOLDER_DARK] = in->ref[REF_SOLDER_DARK];
    static const int wet_order[6] = {REF_TERMINAL, REF_PAD,         REF_MASK,
                                     REF_SOLDER,   REF_SOLDER_DARK, REF_BODY};
    for (int q = 0; q < 6; q++) {
        const feat *f = &in->ref[wet_order[q]];
        in->wet_ref[q][0] = f->L, in->wet_ref[q][1] = f->cr, in->wet_ref[q][2] = f->cg;
    }
}
