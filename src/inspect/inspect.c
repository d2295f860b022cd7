/* inspect.c - joint inspection on a registered frame.
 *
 * Both pad rows are rectified into strips in the footprint frame at the
 * frame's own resolution.  Appearance references come from places the
 * geometry fixes: the board between the pads beyond the toes (mask), the band
 * deep inside the body outline (body), the fillet cores at the toes (solder)
 * and the terminals just outside the body edge (terminal).  Most joints of a
 * board are good, so medians over the pins are robust references, and each
 * pin is also compared with the median of its row at the same position
 * (which absorbs escape traces and the connector's common shift).  The body
 * edges are measured per pin and fitted per row (connector y offset and
 * rotation); the hold-down terminals on the body give the x offset.  Every
 * decision is a measure in mm against a threshold of aoi_thresholds. */
#include "aoi/inspect.h"
#include "aoi/lens.h"
#include "core/error_internal.h"
#include "core/grow.h"
#include "core/select.h"
#include "inspect/inspect_internal.h"
#include "io/image_internal.h"
#include "simd/wet.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Appearance constants (dimensionless distances in feat space). */
#define NB_MIN 0.25     /* minimal distance from the mask reference for "not board" */
#define NB_SPREAD 3.0   /* ... or this many typical mask deviations */
#define BRIGHTER 0.30   /* log-intensity step that marks solder regardless of colour */
#define UNIFORM_MAX 0.30 /* body band: pad columns vs gap columns */
#define ROW_TOL 0.015     /* body edge points about a straight line, mm */
#define ROW_SLOPE_MAX 0.05 /* a body turned 1 deg on its pads: 0.017 (+ pose error) */
#define WIDTH_TOL 0.04     /* measured body width vs the model's, mm (each side) ... */
#define WIDTH_TOL_PX 2.5   /* ... or this many pixels, at coarse scales (blurred edges) */
#define EDGE_MIN 0.20   /* median step at the body edges (pad column and gap summed) */
#define BODY_SHIFT_MAX 0.30 /* the body's joint search across the rows reaches this far, mm */
/* Bare pad beside a terminal narrower than this (mm, pad side to terminal
 * side) gives no look of its own: every sample blends mask and terminal. */
#define PAD_BAND_MIN 0.03
#define TAU_PIN 0.25    /* a sample unlike the same place on the row's other pins */
#define STARVED_BOARD 0.6 /* board median below this share of the station's: use the station's */
#define SOFT_WIDTH 0.3  /* feature distance over which wet membership goes 0 -> 1 */
#define WET_MAD_MIN 0.02 /* floor of a row's toe wet spread (few samples quantise it) */
#define FLUX_SCORE 0.10 /* darkening + amber shift of a flux-covered terminal sample */
#define FLUX_GREY_MIN 0.04 /* grey frames: least darkening of a flux-covered sample ... */
#define FLUX_NOISE_K 3.0   /* ... and this many times the row's band noise */
#define TOE_ZONE 0.09   /* least depth of the toe fillet zone, mm */
#define TOE_ROOM 0.03   /* pad beyond the terminal's tip, less: the tip covers the toe zone, mm */
/* The pads' shift along the rows (from their uncovered sides) that moves the
 * reported pose (px): on generated sets the shift read 0.01-0.62 px where
 * registration was within 1.3 px, 1.7-16.7 px where it had followed the
 * terminals (and then within 0.4 px of the error). */
#define PAD_U_MIN_PX 1.0
/* A gap this narrow (mm) between solder does not separate it: where a bridge
 * meets a fillet, the saddle can show a dark seam under ring light, and the
 * optics (blur up to 1 px) do not resolve less. */
#define BRIDGE_SEAM 0.01
#define OCCLUDED 0.03   /* pad outline wider than the pad by this: a terminal covers a side, mm */
#define OCCLUDED_TOL 0.04 /* ... when the terminals' shift agrees within this, mm */

struct aoi_inspector {
    const aoi_part *part;
    double um;
    int rot;
    aoi_thresholds th;
    const aoi_station *st;
    aoi_registrar *reg;
    patch strip[2]; /* [0]: top row (v < 0), [1]: bottom row */
    patch hd;
    aoi_joint *joints;
    size_t npads;
    double *edge;   /* measured body edge |v| per signal pad */
    double *escore; /* its step */
    feat *buf;      /* scratch for medians */
    size_t bufcap;
    feat *tpl;      /* row template (pad-relative), computed where read */
    size_t tplcap;
    unsigned char *tpl_done; /* per template position: computed */
    size_t tpl_donecap;
    int *tpl_cols;  /* per row pin and template column: strip column (-1: none) */
    size_t tpl_colscap;
    float *tpl_chan; /* one position's three channels over a row's pins */
    size_t tpl_chancap;
    int tpl_row, tpl_npins, tpl_i0;
    feat *ttpl;     /* row template (terminal-relative) */
    size_t ttplcap;
    int ttpl_nu, ttpl_nw, ttpl_half, ttpl_row;
    unsigned char *ttpl_done; /* per terminal-template position: computed */
    size_t ttpl_donecap;
    feat *ttpl_col;           /* one position over a row's terminals */
    size_t ttpl_colcap;
    double tau_t;   /* "unlike the other pins" distance */
    float tau_d2, tau_t_d2; /* dist2_above(tau), dist2_above(tau_t) */
    unsigned char *seen;   /* bridge search */
    size_t seencap;
    int *queue;
    size_t queuecap;
    double *ecache;        /* edge_score() per signal pad and strip row; NAN: not yet */
    size_t ecachecap;
    int ecache_nw;
    /* step_at()'s windows: per signal pad, its own column and the gap
     * beside it, sums of (L, cr, cg, count) over the window's columns of
     * the strip rows before each row (ecache_nw + 1 rows; window_sums());
     * ewin_cols: each window's first and last strip column. */
    double *ewin;
    size_t ewincap;
    int *ewin_cols;
    size_t ewin_colscap;
    /* geometry */
    int n;
    double pitch, E, toe, pw, hw, wmin, wmax, umin, umax;
    double tau; /* not-board distance of the current frame */
    double pad_u; /* where the pads lie along the rows in the strips' frame (mm) */
    feat ref[REF_COUNT];
    /* The wetted-area kernel's references (simd/wet.h): terminal, pad,
     * mask, solder, dark solder, body; set with the metal references. */
    float wet_ref[6][3];
    int grey_metal; /* the metal references have no colour (grey frames) */
    double flux_thr;   /* a flux-covered sample's least score in the row at hand, ... */
    double *flux_base; /* ... above its pin's baseline (per pad; 0 in colour frames) */
    int tpl_nu, tpl_nw;
    double tpl_a0, tpl_w0;
    int refined;   /* the last frame's pose was refined from its start */
    int track;     /* aoi_inspector_set_tracking() */
    int have_prev; /* prev: the last frame's confident pose */
    aoi_pose prev;
    aoi_registrar *small;  /* fast path: registrar for reduced-scale frames */
    int small_denom;
    /* calibration */
    float gain[3];         /* colour balance applied when sampling */
    double nudge[2];       /* AOI_POSE_NUDGE, px: a diagnostic (see measure_frame) */
    aoi_undistorter *und;  /* lens remap table (NULL: lens negligible or none) */
    int und_w, und_h;
    aoi_image ubuf;        /* undistorted region of the current frame */
    aoi_image half;        /* half-size raw frame, to find that region */
};

const aoi_part *aoi__inspector_part(const aoi_inspector *in)
{
    return in->part;
}

double aoi__inspector_um(const aoi_inspector *in)
{
    return in->um;
}

int aoi__inspector_has_lens(const aoi_inspector *in)
{
    return in->und != NULL;
}

int aoi__inspector_rot(const aoi_inspector *in)
{
    return in->rot;
}

aoi_registrar *aoi__inspector_small_registrar(aoi_inspector *in, int denom)
{
    if (in->small && in->small_denom == denom)
        return in->small;
    aoi_registrar_free(in->small);
    in->small = aoi_registrar_new(in->part, in->um * denom, in->rot);
    /* Its poses are refined on the full frame, which is searched when that
     * fails: no second look on the reduced copy. */
    aoi_registrar_set_second_look(in->small, 0);
    in->small_denom = in->small ? denom : 0;
    return in->small;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

aoi_inspector *aoi_inspector_new(const aoi_part *part, double um_per_px, int rotation,
                                 const aoi_thresholds *t, const aoi_station *station)
{
    aoi_inspector *in;
    const aoi_pad *pads;
    if (!part || !t) {
        aoi__error("inspect: part and thresholds are required");
        return NULL;
    }
    if (station && strcmp(station->part, aoi_part_number(part)) != 0) {
        aoi__error("inspect: the station model was taught for %s, not %s", station->part,
                   aoi_part_number(part));
        return NULL;
    }
    if (!(in = calloc(1, sizeof *in))) {
        aoi__error("inspect: out of memory");
        return NULL;
    }
    in->part = part, in->um = um_per_px, in->rot = rotation, in->th = *t, in->st = station;
    in->gain[0] = in->gain[1] = in->gain[2] = 1;
    {
        const char *nudge = getenv("AOI_POSE_NUDGE");
        double nx, ny;
        if (nudge && sscanf(nudge, "%lf,%lf", &nx, &ny) == 2 && fabs(nx) < 1 && fabs(ny) < 1)
            in->nudge[0] = nx, in->nudge[1] = ny;
    }
    if (!(in->reg = aoi_registrar_new(part, um_per_px, rotation)))
        goto bailout;
    in->npads = aoi_part_pad_count(part);
    in->n = aoi_part_pins(part);
    in->joints = calloc(in->npads, sizeof *in->joints);
    in->edge = calloc(in->npads, sizeof *in->edge);
    in->escore = calloc(in->npads, sizeof *in->escore);
    in->flux_base = calloc(in->npads, sizeof *in->flux_base);
    if (!in->joints || !in->edge || !in->escore || !in->flux_base) {
        aoi__error("inspect: out of memory");
        goto bailout;
    }
    pads = aoi_part_pads(part);
    in->pitch = aoi_part_pitch(part);
    in->E = aoi_part_body(part).y1;
    in->toe = fabs(pads[0].cy) + pads[0].h / 2;
    in->pw = pads[0].w;
    in->hw = pads[0].w / 2;
    in->wmin = in->E - 0.42;
    in->wmax = in->toe + 0.30;
    in->umin = pads[0].cx - 0.3;
    in->umax = pads[in->n - 1].cx + 0.3;
    return in;
bailout:
    aoi_inspector_free(in);
    return NULL;
}

void aoi_inspector_free(aoi_inspector *in)
{
    if (!in)
        return;
    aoi_registrar_free(in->reg);
    aoi_registrar_free(in->small);
    aoi__patch_free(&in->strip[0]);
    aoi__patch_free(&in->strip[1]);
    aoi__patch_free(&in->hd);
    free(in->joints);
    free(in->edge);
    free(in->escore);
    free(in->flux_base);
    free(in->buf);
    free(in->tpl);
    free(in->tpl_done);
    free(in->tpl_cols);
    free(in->tpl_chan);
    free(in->ttpl);
    free(in->ttpl_done);
    free(in->ttpl_col);
    free(in->seen);
    free(in->queue);
    free(in->ecache);
    free(in->ewin);
    free(in->ewin_cols);
    aoi_undistorter_free(in->und);
    aoi_image_free(&in->ubuf);
    aoi_image_free(&in->half);
    free(in);
}

void aoi_inspector_set_station(aoi_inspector *in, const aoi_station *station)
{
    in->st = station;
}

static feat *scratch(aoi_inspector *in, size_t n)
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

static const patch *strip_of(const aoi_inspector *in, int row)
{
    return &in->strip[row > 0];
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

/* Feature distance above tau (feat_dist() > tau, without the root). */
static inline int not_board(const aoi_inspector *in, const feat *x)
{
    return feat_dist2(*x, in->ref[REF_MASK]) >= in->tau_d2;
}

/* Nearest reference is one of the two solder looks (by the distances'
 * squares: the root of the least square is the least root). */
static inline int solder_like(const aoi_inspector *in, const feat *x)
{
    float ds = minf(feat_dist2(*x, in->ref[REF_SOLDER]), feat_dist2(*x, in->ref[REF_SOLDER_DARK]));
    return root_less(ds, feat_dist2(*x, in->ref[REF_TERMINAL])) &&
           root_less(ds, feat_dist2(*x, in->ref[REF_MASK])) &&
           root_less(ds, feat_dist2(*x, in->ref[REF_BODY])) &&
           root_less(ds, feat_dist2(*x, in->ref[REF_PAD]));
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
    for (int q = 0; q < REF_COUNT; q++)
        if (q != REF_MASK && feat_dist(*x, in->ref[q]) < dm)
            return 1;
    return 0;
}

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

/* --- references ---------------------------------------------------------- */

static int frame_references(aoi_inspector *in, frame_refs *fr)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    size_t cap = 0, n = 0, npad = 0, ngap = 0;
    feat *buf, bpad, bgap;
    double B2 = fabs(pads[0].cx);
    /* Upper bound of samples gathered. */
    for (int r = 0; r < 2; r++)
        cap += (size_t)in->strip[r].nu * (size_t)in->strip[r].nw;
    if (!(buf = scratch(in, cap)))
        return aoi__error("inspect: out of memory");

    /* Mask: between the pads beyond the toes, both rows. */
    for (int r = 0; r < 2; r++)
        for (int k = 0; k + 1 < in->n / 2; k++) {
            double ug = pads[2 * k].cx + in->pitch / 2;
            n = gather(&in->strip[r], ug - 0.03, ug + 0.03, in->toe + 0.10, in->toe + 0.28, buf,
                       n, cap);
        }
    if (n < 8)
        return aoi__error("inspect: too little board visible beside the pads");
    in->ref[REF_MASK] = fr->ref[REF_MASK] = aoi__feat_median(buf, n);
    {
        float *d = malloc(n * sizeof *d);
        if (!d)
            return aoi__error("inspect: out of memory");
        for (size_t i = 0; i < n; i++)
            d[i] = feat_dist(buf[i], fr->ref[REF_MASK]);
        fr->mask_spread = aoi__select_k(d, n, n * 9 / 10); /* 90th percentile */
        free(d);
    }
    in->tau = fmax(NB_MIN, NB_SPREAD * fr->mask_spread);
    in->tau_t = TAU_PIN;
    in->tau_d2 = dist2_above(in->tau);
    in->tau_t_d2 = dist2_above(in->tau_t);

    /* Body: the band deep inside the outline, pad and gap columns apart. */
    n = 0;
    for (int r = 0; r < 2; r++)
        for (int k = 0; k < in->n / 2; k++)
            n = gather(&in->strip[r], pads[2 * k].cx - 0.05, pads[2 * k].cx + 0.05, in->E - 0.40,
                       in->E - 0.27, buf, n, cap);
    npad = n;
    bpad = aoi__feat_median(buf, n);
    n = 0;
    for (int r = 0; r < 2; r++)
        for (int k = 0; k + 1 < in->n / 2; k++) {
            double ug = pads[2 * k].cx + in->pitch / 2;
            n = gather(&in->strip[r], ug - 0.05, ug + 0.05, in->E - 0.40, in->E - 0.27, buf, n, cap);
        }
    ngap = n;
    bgap = aoi__feat_median(buf, n);
    n = 0;
    for (int r = 0; r < 2; r++)
        n = gather(&in->strip[r], -B2, B2, in->E - 0.40, in->E - 0.27, buf, n, cap);
    if (npad < 4 || n < 8)
        return aoi__error("inspect: the body region is outside the frame");
    in->ref[REF_BODY] = fr->ref[REF_BODY] = aoi__feat_median(buf, n);
    fr->body_uniformity = ngap >= 4 ? feat_dist(bpad, bgap) : 0;
    fr->body_to_mask = feat_dist(fr->ref[REF_BODY], fr->ref[REF_MASK]);
    return 0;
}

#define FEAT_L(f) ((f).L)
AOI__DEFINE_SELECT_BY(select_by_L, feat, FEAT_L)

/* Terminal and bare-pad references just outside the body edge, then solder:
 * what lies on the pads where the fillets are and is neither metal nor
 * board, split by brightness into the lit and the shaded look. */
static void metal_references(aoi_inspector *in, frame_refs *fr)
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

/* --- body edges and connector placement ------------------------------------ */

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
static double body_shift(aoi_inspector *in)
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
static void body_edge(aoi_inspector *in, int k, double dy0)
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
static void fit_row(aoi_inspector *in, int row, double *a, double *sl)
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
static double holddown_dx(aoi_inspector *in, const aoi_image *f, const aoi_pose *pose, double dy,
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
static int outline_dx(aoi_inspector *in, double *dx, double *pu)
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
        fprintf(stderr, "inspect: pad sides %.4f %.4f, no hold-down terminal: dx %.4f from the outline\n",
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
static double pads_shift(aoi_inspector *in, double dx, int nhd)
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
    if (over < OCCLUDED || fabs(fabs(dx - e) - (over + in->hw - (t->x1 - t->x0) / 2)) > OCCLUDED_TOL)
        return 0;
    return e;
}

/* --- per-pin measures --------------------------------------------------------- */

/* Median of each row's pins at each pad-relative position (a, w), computed
 * when first read (tpl_get): the checks read a few hundred of a row's
 * thousands of positions. */
static int row_template(aoi_inspector *in, int row)
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

/* The row template at (a, w), computed on first use; NULL outside it. */
static const feat *tpl_get(aoi_inspector *in, double a, double w)
{
    const patch *s = strip_of(in, in->tpl_row);
    int j = (int)lround((a - in->tpl_a0) / s->h);
    int i = (int)lround((w - in->tpl_w0) / s->h);
    if (j < 0 || i < 0 || j >= in->tpl_nu || i >= in->tpl_nw)
        return NULL;
    size_t at = (size_t)i * (size_t)in->tpl_nu + (size_t)j;
    feat *t = &in->tpl[at];
    if (in->tpl_done[at])
        return t;
    in->tpl_done[at] = 1;
    *t = (feat){NAN, 0, 0};
    if (i < in->tpl_i0 || in->tpl_npins < 3)
        return t;
    /* The three channels of this position over the row's pins. */
    int np = 0, n = in->tpl_npins;
    float *cl = in->tpl_chan, *cr = cl + n, *cg = cr + n;
    for (int k = 0; k < n; k++) {
        int c = in->tpl_cols[(size_t)k * (size_t)in->tpl_nu + (size_t)j];
        if (c < 0)
            continue;
        const feat *x = patch_at(s, c, i);
        if (isnan(x->L))
            continue;
        cl[np] = x->L, cr[np] = x->cr, cg[np] = x->cg;
        np++;
    }
    size_t m = (size_t)np;
    if (np >= 3)
        *t = (feat){aoi__select_k(cl, m, m / 2), aoi__select_k(cr, m, m / 2),
                    aoi__select_k(cg, m, m / 2)};
    return t;
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
        const feat *t = tpl_get(in, a, w + d * h);
        if (t && !isnan(t->L) && feat_dist2(*x, *t) < in->tau_d2)
            return 1;
    }
    return 0;
}

/* Overhang beyond the toe and beside the pad (mm); the side runs that reach
 * half the pitch toward a neighbour belong to bridges and are left to the
 * bridge check (terminals standing past their pads' sides on a connector
 * off along its rows reach there too), and so is the whole side toward a
 * neighbour it bridges to (bridged[0] toward -u, bridged[1] toward +u):
 * where a bridge narrows, its rows stop short of half the pitch.  Beyond a
 * row's end pin there is no neighbour (neighbour[], the same sides, says
 * where the row has a pad): a run there is overhang however far
 * it reaches (a ring-lit side overhang of 0.08 mm blurs past half the
 * pitch). */
static double overhang(aoi_inspector *in, int k, const int bridged[2], const int neighbour[2])
{
    const aoi_pad *pads = aoi_part_pads(in->part), *p = &pads[k];
    const patch *s = strip_of(in, p->row);
    double h = s->h, runs[256], side = 0, toe, pu = in->pad_u;
    int nr = 0;
    /* Toe: columns across the pad (where the pads lie, pu along the rows). */
    for (double a = -in->hw + h; a <= in->hw - h + 1e-9 && nr < 256; a += h) {
        double last = in->toe;
        for (double w = in->toe + h / 2; w < in->toe + 0.28; w += h) {
            const feat *x = aoi__patch_get(s, p->cx + pu + a, w);
            if (!x || !solder_out(in, x, tpl_get(in, pu + a, w)))
                break;
            last = w;
        }
        runs[nr++] = last > in->toe ? last - in->toe + h / 2 : 0;
    }
    toe = second_largest(runs, nr);
    /* Sides: rows from past the body edge to the toe. */
    for (int dir = -1; dir <= 1; dir += 2) {
        nr = 0;
        if (bridged[dir > 0])
            continue;
        for (double w = in->edge[k] + 0.05; w <= in->toe - 0.02 && nr < 256; w += h) {
            double last = in->hw;
            int bridge = 0;
            for (double a = in->hw + h / 2; a < in->pitch / 2 + h; a += h) {
                const feat *x = aoi__patch_get(s, p->cx + pu + dir * a, w);
                if (!x || !solder_out(in, x, tpl_get(in, pu + dir * a, w)) ||
                    like_nearby(in, x, pu + dir * a, w))
                    break;
                last = a;
                if (a >= in->pitch / 2 - h && neighbour[dir > 0])
                    bridge = 1;
            }
            runs[nr++] = bridge || last <= in->hw ? 0 : last - in->hw + h / 2;
        }
        double sd = second_largest(runs, nr);
        if (sd > side)
            side = sd;
    }
    return fmax(toe, side);
}

/* Median of each row's terminals at each terminal-relative position
 * (a' across from the moved terminal centre, w' out from the body edge),
 * computed when first read (ttpl_get). */
static int terminal_template(aoi_inspector *in, int row)
{
    const patch *s = strip_of(in, row);
    double h = s->h;
    int half = (int)ceil(0.06 / h), nu = 2 * half + 1, nw = (int)ceil(0.24 / h) + 1;
    size_t need = (size_t)nu * (size_t)nw;
    if (aoi__grow((void **)&in->ttpl, &in->ttplcap, need, sizeof *in->ttpl, 1024) < 0 ||
        aoi__grow((void **)&in->ttpl_done, &in->ttpl_donecap, need, 1, 1024) < 0 ||
        aoi__grow((void **)&in->ttpl_col, &in->ttpl_colcap, (size_t)in->n, sizeof *in->ttpl_col, 256) < 0)
        return aoi__error("inspect: out of memory");
    memset(in->ttpl_done, 0, need);
    in->ttpl_nu = nu, in->ttpl_nw = nw, in->ttpl_half = half, in->ttpl_row = row;
    return 0;
}

/* The terminal template at (j, i), computed on first use; NULL outside it
 * or where fewer than 3 terminals show. */
static const feat *ttpl_get(aoi_inspector *in, int j, int i)
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
            const feat *x = aoi__patch_get(s, pads[k].cx + in->joints[k].offset_x_mm + (j - in->ttpl_half) * h,
                                           in->edge[k] + i * h);
            if (x)
                in->ttpl_col[m++] = *x;
        }
        *f = m >= 3 ? aoi__feat_median(in->ttpl_col, (size_t)m) : (feat){NAN, 0, 0};
        in->ttpl_done[at] = 1;
    }
    return isnan(f->L) ? NULL : f;
}

/* On a row the connector sits toward (offset along the pads beyond
 * offset_along_mm), a land - body edge to the pad's outer end - shorter
 * than squeezed_land_mm leaves no room for a toe fillet wholly beyond
 * rise_mm: whatever solder the joint has lies within land - (squeezed_land
 * - rise) of the body, the fillet's least length short of the land's end,
 * even where it is too small to be seen (a 0.06 mm fillet on a 0.1 mm land
 * under coaxial light shows as pad).  INFINITY elsewhere. */
static double squeezed_bound(const aoi_inspector *in, int k, double toward)
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

/* Nearest solder on the terminal to the body edge (mm; 0.24 when none before
 * the fillet): samples unlike the other terminals at that place and closer
 * to solder than to them, over at least half the terminal width; at most
 * squeezed_bound() on a squeezed row. */
static double solder_to_body(aoi_inspector *in, int k)
{
    const aoi_pad *p = &aoi_part_pads(in->part)[k];
    const patch *s = strip_of(in, p->row);
    double h = s->h, c = p->cx + in->joints[k].offset_x_mm, toward = p->row * in->joints[k].offset_y_mm;
    double d = squeezed_bound(in, k, toward);
    int jb = (int)floor(0.045 / h);
    /* From 0.02 mm and a sample: the edge itself is a blend of body and
     * terminal, and where it lies within a sample is uncertain. */
    for (int i = (int)ceil(0.02 / h) + 1; i < in->ttpl_nw; i++) {
        int n = 0, sol = 0, tsol = 0, xsol = 0;
        for (int j = in->ttpl_half - jb; j <= in->ttpl_half + jb; j++) {
            const feat *x = aoi__patch_get(s, c + (j - in->ttpl_half) * h, in->edge[k] + i * h);
            const feat *q = ttpl_get(in, j, i);
            if (!x || !q)
                continue;
            n++;
            tsol += solder_like(in, q);
            /* Solder, or the template's solder look at this place. */
            float dq = feat_dist2(*x, *q);
            xsol += solder_like(in, x) || (solder_like(in, q) && dq < in->tau_t_d2);
            float ds =
                minf(feat_dist2(*x, in->ref[REF_SOLDER]), feat_dist2(*x, in->ref[REF_SOLDER_DARK]));
            sol += dq >= in->tau_t_d2 && root_less(ds, dq) &&
                   root_less(ds, feat_dist2(*x, in->ref[REF_BODY]));
        }
        /* The row's fillets begin here: where good fillets begin - unless
         * the body sits so far toward this row that its pins are offset
         * along their pads (then the row squeezes every fillet toward the
         * body, and the row is no reference for where solder should begin:
         * this pin's own solder within the rise limit counts, wherever it
         * begins there). */
        int squeezed = toward > in->th.offset_along_mm && i * h < in->th.rise_mm;
        if (n && squeezed && (xsol * 2 >= n || solder_across(in, k, in->edge[k] + i * h)))
            return fmin(i * h, d);
        if (n && tsol * 2 >= n && !squeezed)
            break;
        if (n && sol * 2 >= n)
            return fmin(i * h, d);
    }
    return fmin(0.24, d);
}

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
 * colour tells them apart (not grey frames).  Returns how many. */
static size_t band_scores(aoi_inspector *in, int k, double band, float *v)
{
    const aoi_pad *p = &aoi_part_pads(in->part)[k];
    const patch *s = strip_of(in, p->row);
    double h = s->h, c = p->cx + in->joints[k].offset_x_mm;
    int jb = (int)floor(0.04 / h);
    size_t n = 0;
    for (int i = (int)ceil(0.015 / h); i * h <= band + 1e-9; i++)
        for (int j = in->ttpl_half - jb; j <= in->ttpl_half + jb; j++) {
            const feat *x = aoi__patch_get(s, c + (j - in->ttpl_half) * h, in->edge[k] + i * h);
            const feat *q = ttpl_get(in, j, i);
            if (x && q)
                v[n++] = in->grey_metal || !solder_like(in, x) ? flux_score(x, q) : -INFINITY;
        }
    return n;
}

/* Most pins either side of a pin whose bands, with its own, give its
 * grey-frame baseline. */
#define FLUX_NEIGHBOURS 4

/* The least score of a flux-covered sample in row r, and each pin's
 * baseline.  In colour frames FLUX_SCORE over a baseline of 0: flux darkens
 * the terminal and turns it amber.  In grey frames only the darkening is
 * left, and a thin film darkens a lit terminal by less than that (0.06 to
 * 0.1 in log intensity) - but evenly over the band, where clean terminals
 * match their row's within the noise.  There each pin's baseline is the
 * median band score of it and up to FLUX_NEIGHBOURS pins either side (light
 * falls off toward a long row's ends: against the whole row's terminals the
 * last pins look filmed), and a sample must pass its baseline by
 * FLUX_GREY_MIN and by FLUX_NOISE_K times the row's noise (1.4826 times the
 * median absolute difference of every band sample of the row from its pin's
 * baseline; flux on a few pins moves that median little).  -1: out of
 * memory. */
static int flux_threshold(aoi_inspector *in, int r)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    double med[512];
    int at[512], np = 0;
    size_t n = 0, cap, from[513];
    float *v, *tmp;
    in->flux_thr = FLUX_SCORE;
    for (size_t k = 0; k < in->npads; k++)
        in->flux_base[k] = 0;
    if (!in->grey_metal)
        return 0;
    /* Every band sample of the row (v), and as much room for a copy (tmp). */
    cap = (size_t)in->n * band_size(strip_of(in, r)->h, in->th.flux_band_mm);
    if (!(v = (float *)scratch(in, 2 * cap / 3 + 1)))
        return aoi__error("inspect: out of memory");
    tmp = v + cap;
    /* Each pin's band scores, and their median. */
    for (int k = 0; k < in->n && np < 512; k++) {
        if (pads[k].row != r || !isfinite(in->edge[k]))
            continue;
        size_t first = n;
        n += band_scores(in, k, in->th.flux_band_mm, v + n);
        if (n - first < 4) {
            n = first;
            continue;
        }
        memcpy(tmp, v + first, (n - first) * sizeof *tmp);
        from[np] = first;
        med[np] = aoi__select_k(tmp, n - first, (n - first) / 2);
        at[np++] = k;
    }
    from[np] = n;
    if (np < 3)
        return 0;
    /* Baselines from the neighbours (a row's pins in order along it), and
     * the noise: every sample against its pin's baseline. */
    for (int q = 0; q < np; q++) {
        double nb[2 * FLUX_NEIGHBOURS + 1];
        int m = 0;
        for (int d = -FLUX_NEIGHBOURS; d <= FLUX_NEIGHBOURS; d++)
            if (q + d >= 0 && q + d < np)
                nb[m++] = med[q + d];
        in->flux_base[at[q]] = aoi__median(nb, m);
        for (size_t i = from[q]; i < from[q + 1]; i++)
            tmp[i] = fabsf(v[i] - (float)in->flux_base[at[q]]);
    }
    in->flux_thr = fmax(FLUX_GREY_MIN, FLUX_NOISE_K * 1.4826 * aoi__select_k(tmp, n, n / 2));
    return 0;
}

/* Fraction of the flux band on the terminal that looks flux-covered:
 * darker and more amber than the same place on the row's other terminals
 * (in grey frames, darker than its neighbours beyond the row's noise: see
 * flux_threshold()).
 * Samples that look like solder count as clean where colour can tell them
 * from a filmed terminal (solder is grey, flux amber): beside solder risen
 * near the body, its shaded edge darkens the band.  In grey frames a
 * filmed terminal is as dark as a solder slope; there the band's end, where
 * this pin's solder begins (solder_to_body()), is what keeps solder out.
 * *cover is NAN when no sample of the band is in the frame; -1: out of
 * memory. */
static int flux_cover(aoi_inspector *in, int k, double *cover)
{
    double h = strip_of(in, aoi_part_pads(in->part)[k].row)->h;
    /* Up to where this pin's solder begins, if that is within the band. */
    double band = fmin(in->th.flux_band_mm, in->joints[k].solder_to_body_mm - h / 2);
    float *v = (float *)scratch(in, band_size(h, in->th.flux_band_mm) / 3 + 1);
    size_t n, fl = 0;
    if (!v)
        return aoi__error("inspect: out of memory");
    n = band_scores(in, k, band, v);
    for (size_t i = 0; i < n; i++)
        fl += v[i] - in->flux_base[k] > in->flux_thr;
    *cover = n ? (double)fl / (double)n : NAN;
    return 0;
}

/* Wetted area on the pad past the body edge (mm²): samples whose nearest
 * reference is solder, or the body's dark look (on a pad past the body edge
 * that can only be a shaded solder slope) - not metal, not board. */
static double solder_area(aoi_inspector *in, int k)
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
static double tip_w(const aoi_inspector *in, int k)
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
 * simd/wet.h, as solder_area() counts it): bare pad where a fillet should
 * be shows little.  Both are NAN when the zone is not in the frame. */
static int toe_measures(aoi_inspector *in, int k, double *relief, double *wet)
{
    const aoi_pad *p = &aoi_part_pads(in->part)[k];
    const patch *s = strip_of(in, p->row);
    double h = s->h, w1 = in->toe - 0.01, w0 = fmin(tip_w(in, k) + 0.02, w1 - TOE_ZONE);
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
    if (!(L = (float *)scratch(in, ((size_t)(iw1 - iw0 + 1) * (size_t)(2 * ia + 1)) / 3 + 1)))
        return aoi__error("inspect: out of memory");
    for (int i = iw0; i <= iw1; i++)
        for (int j = j0 - ia; j <= j0 + ia; j++) {
            if (j < 0 || j >= s->nu)
                continue;
            const feat *x = patch_at(s, j, i);
            if (!isnan(x->L)) {
                L[n++] = x->L;
                ws += aoi__wet_one(&x->L, ref, (float)SOFT_WIDTH);
            }
        }
    if (n >= 4) {
        *wet = ws / (double)n;
        *relief = aoi__select_k(L, n, n * 9 / 10) - aoi__select_k(L, n, n / 10);
    }
    return 0;
}

/* A bridge's sample between two pads' sides: clearly unlike the mask, and
 * further from it (by half the mask's tolerance) than the row's other gaps
 * are there (the row template at pad-relative (a, w), read for the row the
 * template was made for) unless those show metal there (nearer the terminal
 * or pad look than the mask's: a terminal standing out over its pad's
 * side).  A blurred sliver of mask left between such a terminal and the next
 * pad is not solder, though its mixed colour passes the rim clause of
 * off_board() and, in noise, the mask distance too. */
static int in_gap(aoi_inspector *in, const feat *x, double a, double w)
{
    if (feat_dist2(*x, in->ref[REF_MASK]) < in->tau_d2)
        return 0;
    const feat *t = tpl_get(in, a, w);
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
        const feat *tn = tpl_get(in, a, w + d * h);
        if (tn && !isnan(tn->L))
            tm = fmaxf(tm, feat_dist(*tn, in->ref[REF_MASK]));
    }
    return feat_dist(*x, in->ref[REF_MASK]) - tm > 0.5f * in->tau;
}

/* Solder from pin k to pin k+2 across the gap between their pads' sides: a
 * path of not-board samples (in the gap, in_gap() samples) from pad k's half
 * towards pad k+2 to pad k+2's side (4-connected; stepping over seams of one
 * sample where samples are at most BRIDGE_SEAM apart).  1: bridged, 0: not,
 * -1: out of memory. */
static int bridged(aoi_inspector *in, int k, double *bu, double *bw)
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
        aoi__grow((void **)&in->queue, &in->queuecap, 2 * (size_t)nu * (size_t)nw, sizeof *in->queue, 4096) < 0)
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
        memset(seen + (size_t)(i + reach) * (size_t)wb + (size_t)(reach + f0), 0, (size_t)(nu - f0));
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
            if (isnan(x->L) || !(nj >= g0 && nj <= g1 ? in_gap(in, x, gu[nj - g0], s->w0 + (q / wb - reach + i0) * h)
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

/* Hold-down pads whose outer end shows beyond the body: toe overhang. */
static double holddown_overhang(aoi_inspector *in, const aoi_image *f, const aoi_pose *pose,
                                int i, double dy)
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
    for (int j = 1; j + 1 < in->hd.nu && nr < 256; j++) {
        double last = 0;
        for (int ii = 0; ii < in->hd.nw; ii++) {
            const feat *x = patch_at(&in->hd, j, ii);
            if (!solder_out(in, x, NULL))
                break;
            last = ii * h;
        }
        runs[nr++] = last;
    }
    return second_largest(runs, nr);
}

/* Development aid: AOI_INSPECT_DUMP=PREFIX writes each row strip as
 * PREFIX-top.png / PREFIX-bottom.png, left half the rectified frame, right
 * half the nearest references (solder red / dark red, terminal yellow,
 * pad pink, body blue, mask green). */
static void dump_strips(const aoi_inspector *in)
{
    const char *pre = getenv("AOI_INSPECT_DUMP");
    if (!pre)
        return;
    for (int r = 0; r < 2; r++) {
        const patch *s = &in->strip[r];
        aoi_image img;
        char path[4096];
        if (aoi_image_alloc(&img, s->nu, 2 * s->nw, AOI_FMT_RGB) < 0)
            return;
        for (int i = 0; i < s->nw; i++)
            for (int j = 0; j < s->nu; j++) {
                const feat *x = patch_at(s, j, i);
                uint8_t *a = img.data + (size_t)i * img.stride + 3 * (size_t)j;
                uint8_t *b = img.data + (size_t)(i + s->nw) * img.stride + 3 * (size_t)j;
                if (isnan(x->L))
                    continue;
                double I = exp(x->L) - 8, t = 3 * I + 24;
                double rr = x->cr * t, gg = x->cg * t, bb = 3 * I - rr - gg;
                a[0] = (uint8_t)fmin(255, fmax(0, rr)), a[1] = (uint8_t)fmin(255, fmax(0, gg));
                a[2] = (uint8_t)fmin(255, fmax(0, bb));
                int c = 0;
                float best = 1e9f;
                for (int q = 0; q < REF_COUNT; q++) {
                    float d = feat_dist(*x, in->ref[q]);
                    if (d < best)
                        best = d, c = q;
                }
                static const uint8_t col[REF_COUNT][3] = {{0, 160, 0}, {255, 0, 0}, {255, 220, 0},
                                                          {0, 0, 255}, {255, 160, 200}, {140, 0, 0}};
                b[0] = col[c][0], b[1] = col[c][1], b[2] = col[c][2];
            }
        snprintf(path, sizeof path, "%s-%s.png", pre, r ? "bottom" : "top");
        aoi_image_write_png(&img, path);
        aoi_image_free(&img);
    }
}

/* --- the whole inspection --------------------------------------------------- */

static int add(aoi_result *res, aoi_defect_type t, int p0, int p1, double x, double y)
{
    aoi_defect d = {.type = t, .npins = p0 ? (p1 ? 2 : 1) : 0, .pins = {p0, p1}, .x_mm = x, .y_mm = y};
    return aoi_result_add_defect(res, &d);
}

static void joints_nan(aoi_inspector *in)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    for (size_t i = 0; i < in->npads; i++)
        in->joints[i] =
            (aoi_joint){pads[i].pin, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
}

/* Cleared measures for a new frame: no joint measured yet. */
static void begin_frame(aoi_inspector *in, aoi_inspect_info *info, frame_refs *fr)
{
    memset(info, 0, sizeof *info);
    memset(fr, 0, sizeof *fr);
    info->rotation = in->rot;
    joints_nan(in);
    info->joints = in->joints;
    info->njoints = in->npads;
}

static int measure_frame(aoi_inspector *in, const aoi_image *frame, const aoi_pose *start,
                         aoi_result *res, aoi_inspect_info *info, frame_refs *fr)
{
    const aoi_pad *pads = aoi_part_pads(in->part);
    aoi_pose pose;
    aoi_register_info ri;
    double t0 = now_ms(), t1, h, at, st, ab, sb, th, dy, dx;
    int nhd = 0;

    begin_frame(in, info, fr);
    res->verdict = AOI_VERDICT_PASS;
    /* From a starting pose (found on a reduced or a raw frame), a refinement
     * is enough unless it fails; otherwise the full search. */
    int refined = start && aoi_register_refine(in->reg, frame, start, &pose, &ri) == 0;
    in->refined = refined;
    if (start && !refined && getenv("AOI_INSPECT_DEBUG"))
        fprintf(stderr, "refine failed: %s\n", aoi_errmsg());
    if (!refined && aoi_register(in->reg, frame, NULL, &pose, &ri) < 0) {
        info->register_ms = now_ms() - t0;
        if (pose.score > 0) {
            res->has_pose = 1;
            res->pose = pose;
        }
        return -1;
    }
    /* A diagnostic: AOI_POSE_NUDGE="dx,dy" (px, read when the inspector is
     * made) measures at the pose moved by that much, to find verdicts that
     * hinge on a hundredth of a pixel (tools/eval-stability.sh). */
    pose.x_px += in->nudge[0];
    pose.y_px += in->nudge[1];
    res->has_pose = 1;
    res->pose = pose;
    t1 = now_ms();
    info->register_ms = t1 - t0;
    if (pose.score < in->th.min_score)
        return aoi__error("registration confidence %.2f is below min_score %.2f", pose.score,
                          in->th.min_score);

    h = fmax(0.004, pose.um_per_px / 1000);
    for (int r = 0; r < 2; r++)
        if (aoi__patch_sample(&in->strip[r], frame, &pose, in->rot, r ? 1 : -1, in->umin, in->umax,
                              in->wmin, in->wmax, h, in->gain) < 0)
            return -1;
    if (frame_references(in, fr) < 0)
        return -1;
    in->ecache_nw = in->strip[0].nw > in->strip[1].nw ? in->strip[0].nw : in->strip[1].nw;
    if (aoi__grow((void **)&in->ecache, &in->ecachecap, (size_t)in->n * (size_t)in->ecache_nw + 1,
                  sizeof *in->ecache, 4096) < 0)
        return aoi__error("inspect: out of memory");
    for (size_t q = 0; q < (size_t)in->n * (size_t)in->ecache_nw; q++)
        in->ecache[q] = NAN;
    if (aoi__grow((void **)&in->ewin, &in->ewincap,
                  (size_t)in->n * 2 * ((size_t)in->ecache_nw + 1) * 4, sizeof *in->ewin,
                  4096) < 0 ||
        aoi__grow((void **)&in->ewin_cols, &in->ewin_colscap, (size_t)in->n * 4, sizeof *in->ewin_cols,
                  256) < 0)
        return aoi__error("inspect: out of memory");
    window_sums(in);
    /* Body edges, connector placement. */
    double sc[512], dy0 = body_shift(in);
    if (getenv("AOI_INSPECT_DEBUG"))
        fprintf(stderr, "inspect: body shift %.4f mm\n", dy0);
    for (int k = 0; k < in->n; k++) {
        body_edge(in, k, dy0);
        if (k < 512)
            sc[k] = in->escore[k];
    }
    fr->edge_contrast = aoi__median(sc, in->n < 512 ? in->n : 512);
    if (getenv("AOI_INSPECT_DEBUG") && atoi(getenv("AOI_INSPECT_DEBUG")) > 1)
        for (int k = 0; k < in->n; k++)
            fprintf(stderr, "  pin %d edge %.4f step %.3f\n", pads[k].pin, in->edge[k], in->escore[k]);
    fit_row(in, -1, &at, &st);
    fit_row(in, 1, &ab, &sb);
    th = (sb - st) / 2;
    dy = (ab - at) / 2;
    /* A connector is there when the band inside the body outline is uniform
     * (no pads showing through) and the two long edges lie a body width
     * apart; bare pads give either pads in the band or edges at the pads'
     * inner ends. */
    fr->body_width_error = (ab + at) / 2 - in->E;
    fr->present = fr->body_uniformity < UNIFORM_MAX &&
                  fabs(fr->body_width_error) < fmax(WIDTH_TOL, WIDTH_TOL_PX * in->um / 1000) &&
                  fr->edge_contrast > EDGE_MIN;
    info->present = fr->present;
    if (getenv("AOI_INSPECT_DEBUG"))
        fprintf(stderr, "inspect: uniform %.3f width error %.4f edge %.3f body-mask %.3f\n",
                fr->body_uniformity, fr->body_width_error, fr->edge_contrast, fr->body_to_mask);
    if (!fr->present) {
        info->inspect_ms = now_ms() - t1;
        res->verdict = AOI_VERDICT_FAIL;
        return add(res, AOI_DEFECT_MISSING_PART, 0, 0, 0, 0);
    }
    for (int k = 0; k < in->n; k++)
        in->edge[k] = pads[k].row > 0 ? ab + sb * pads[k].cx : at + st * pads[k].cx;
    dx = holddown_dx(in, frame, &pose, dy, th, &nhd);
    /* Where the pads really are across the rows, in the strips' frame. */
    double pad_u = 0;
    if (nhd > 0)
        pad_u = pads_shift(in, dx, nhd);
    else if (outline_dx(in, &dx, &pad_u) < 0)
        pad_u = 0; /* nothing says the connector moved along the rows */
    in->pad_u = pad_u;
    /* Registration follows terminals standing past one side of their
     * pads part of the way (a covered side's edges are the terminals');
     * the pads' uncovered sides put the footprint where the pads are.  The
     * reported pose moves there when that is more than the measure's own
     * spread (PAD_U_MIN_PX); the strips stay where they were sampled. */
    if (fabs(pad_u) * 1000 / pose.um_per_px > PAD_U_MIN_PX)
        aoi_pose_map(&pose, in->rot, pad_u, 0, &res->pose.x_px, &res->pose.y_px);
    info->connector_dx_mm = dx - pad_u;
    info->connector_dy_mm = dy;
    info->connector_rot_deg = th * 180 / M_PI;
    for (size_t i = 0; i < in->npads; i++) {
        const aoi_rect *t = &pads[i].terminal;
        double tcx = (t->x0 + t->x1) / 2, tcy = (t->y0 + t->y1) / 2;
        in->joints[i].offset_x_mm = dx - th * tcy;
        in->joints[i].offset_y_mm = dy + th * tcx;
    }
    metal_references(in, fr);

    /* Per-pin measures. */
    double areas[512], bu[512], bw[512], rarea[2][512], wmed[2] = {NAN, NAN}, wmad[2] = {NAN, NAN};
    int na = 0, nra[2] = {0, 0};
    signed char bb[512] = {0};
    for (int r = -1; r <= 1; r += 2) {
        if (row_template(in, r) < 0 || terminal_template(in, r) < 0 || flux_threshold(in, r) < 0)
            return -1;
        for (int k = 0; k < in->n; k++) {
            if (pads[k].row != r)
                continue;
            aoi_joint *j = &in->joints[k];
            /* The bridge to the next pad of the row, while the template is
             * this row's. */
            if (k + 2 < in->n && k < 512) {
                bu[k] = pads[k].cx + in->pitch / 2, bw[k] = in->toe - 0.1;
                if ((bb[k] = bridged(in, k, &bu[k], &bw[k])) < 0)
                    return -1;
            }
            /* The row's pads on either side (none beyond a row's end pin)
             * and the sides bridged to them, toward -u and +u: up, the
             * next pad of the row lies toward +u. */
            int up = k + 2 < in->n ? pads[k + 2].cx > pads[k].cx : k >= 2 ? pads[k - 2].cx < pads[k].cx : 1;
            int hl = k >= 2, hn = k + 2 < in->n;
            int bl = hl && k - 2 < 512 && bb[k - 2] > 0, bn = hn && k < 512 && bb[k] > 0;
            const int sides[2] = {up ? bl : bn, up ? bn : bl},
                      near[2] = {up ? hl : hn, up ? hn : hl};
            j->solder_area_mm2 = solder_area(in, k);
            j->overhang_mm = overhang(in, k, sides, near);
            j->solder_to_body_mm = solder_to_body(in, k);
            if (flux_cover(in, k, &j->flux_cover) < 0 ||
                toe_measures(in, k, &j->toe_relief, &j->toe_wet) < 0)
                return -1;
            if (na < 512)
                areas[na++] = j->solder_area_mm2;
            if (nra[r > 0] < 512)
                rarea[r > 0][nra[r > 0]++] = j->solder_area_mm2;
        }
        /* Each toe against its row's median: the two rows face the light
         * differently under ring and multi-angle lights. */
        double rel[512], mrel;
        int nr = 0;
        for (int k = 0; k < in->n && nr < 512; k++)
            if (pads[k].row == r)
                rel[nr++] = in->joints[k].toe_relief;
        mrel = aoi__median(rel, nr);
        for (int k = 0; k < in->n; k++)
            if (pads[k].row == r)
                in->joints[k].toe_ratio = mrel > 0 ? in->joints[k].toe_relief / mrel : NAN;
        /* The toe zones' wetted shares: the row's median and its spread
         * (median absolute deviation). */
        nr = 0;
        for (int k = 0; k < in->n && nr < 512; k++)
            if (pads[k].row == r && isfinite(in->joints[k].toe_wet))
                rel[nr++] = in->joints[k].toe_wet;
        wmed[r > 0] = aoi__median(rel, nr);
        for (int q = 0; q < nr; q++)
            rel[q] = fabs(rel[q] - wmed[r > 0]);
        wmad[r > 0] = fmax(aoi__median(rel, nr), WET_MAD_MIN);
    }
    double nominal = aoi__median(areas, na), st_nominal = NAN;
    double row_nom[2] = {aoi__median(rarea[0], nra[0]), aoi__median(rarea[1], nra[1])};
    if (in->st) {
        double v[512];
        int nv = 0;
        for (size_t i = 0; i < in->st->npads && (int)i < in->n && nv < 512; i++)
            if (isfinite(in->st->nominal_area[i]))
                v[nv++] = in->st->nominal_area[i];
        st_nominal = aoi__median(v, nv);
    }
    for (size_t i = (size_t)in->n; i < in->npads; i++)
        in->joints[i].overhang_mm = holddown_overhang(in, frame, &pose, (int)i, dy);

    dump_strips(in);

    /* Terminals were found in the strips' frame; their offsets are from the
     * pads. */
    for (size_t i = 0; i < in->npads; i++)
        in->joints[i].offset_x_mm -= pad_u;

    /* Verdicts. */
    for (int k = 0; k + 2 < in->n && k < 512; k++)
        if (bb[k] && add(res, AOI_DEFECT_BRIDGE, pads[k].pin, pads[k + 2].pin, bu[k], pads[k].row * bw[k]) < 0)
            return -1;
    for (size_t i = 0; i < in->npads; i++) {
        aoi_joint *j = &in->joints[i];
        const aoi_pad *p = &pads[i];
        /* Nominal: the median joint of this row of this board (robust to
         * the frame's own light, which the two rows face differently, and to
         * a body sitting toward one row, which leaves its fillets less room
         * to show); a taught station's golden median takes over when the
         * whole board is starved, which a board's own median cannot show. */
        double nom = (int)i < in->n ? row_nom[p->row > 0] : nominal;
        if (in->st && isfinite(st_nominal) && nominal < STARVED_BOARD * st_nominal)
            nom = st_nominal;
        j->nominal_area_mm2 = (int)i < in->n ? nom : NAN;
        if ((j->overhang_mm > in->th.overhang_mm ||
             ((int)i < in->n && j->solder_to_body_mm < in->th.rise_mm)) &&
            add(res, AOI_DEFECT_EXCESS_SOLDER, p->pin, 0, p->cx, p->cy) < 0)
            return -1;
        /* More than the share: with the few samples of a coarse scale a
         * band half covered and half clean is a tie, not a cover. */
        if ((int)i < in->n && j->flux_cover > in->th.flux_cover &&
            add(res, AOI_DEFECT_FLUX_RISE, p->pin, 0, p->cx, p->row * (in->edge[i] + 0.05)) < 0)
            return -1;
        double ratio = j->solder_area_mm2 / j->nominal_area_mm2;
        if ((int)i < in->n)
            j->wet_ratio = ratio;
        /* No toe fillet; or too little wetted area, when the toe agrees
         * (the area alone confuses lit solder with bare metal; a toe that
         * could not be measured leaves the area to decide). */
        int no_toe = j->toe_ratio < in->th.toe_relief_ratio;
        /* Or a dry toe: the zone shows far less solder than the row's
         * (bare pad where the fillet should be) and less relief too. */
        if ((int)i < in->n) {
            double drop = wmed[p->row > 0] - j->toe_wet;
            no_toe |= drop >= in->th.toe_wet_drop &&
                      drop >= in->th.toe_wet_mads * wmad[p->row > 0] &&
                      j->toe_ratio < in->th.dry_toe_relief_ratio;
        }
        /* Where the terminal's tip, with the body edge measured, comes
         * within TOE_ROOM of the pad's outer end (a connector sitting
         * toward this row), it covers the toe zone's middle: a good fillet
         * tucked under the tip is as flat there as a missing one, so the
         * area must agree. */
        if ((int)i < in->n && no_toe && !(ratio < in->th.covered_toe_area_ratio))
            no_toe = in->toe - tip_w(in, (int)i) >= TOE_ROOM;
        int starved = ratio < in->th.insufficient_ratio &&
                      !(j->toe_ratio >= in->th.area_confirm_ratio);
        /* Not on a squeezed land (squeezed_bound()): it holds no toe
         * fillet to judge, a starved joint looks as a squeezed good one,
         * and the joint is excess solder already. */
        if ((int)i < in->n && (no_toe || starved) &&
            !isfinite(squeezed_bound(in, (int)i, p->row * j->offset_y_mm)) &&
            add(res, AOI_DEFECT_INSUFFICIENT_SOLDER, p->pin, 0, p->cx, p->cy) < 0)
            return -1;
        if ((fabs(j->offset_x_mm) > in->th.offset_across_mm ||
             fabs(j->offset_y_mm) > in->th.offset_along_mm) &&
            add(res, AOI_DEFECT_OFFSET, p->pin, 0, p->cx, p->cy) < 0)
            return -1;
    }
    res->verdict = res->ndefects ? AOI_VERDICT_FAIL : AOI_VERDICT_PASS;
    info->inspect_ms = now_ms() - t1;
    if (getenv("AOI_INSPECT_DEBUG"))
        fprintf(stderr,
                "inspect: tau %.3f spread %.3f body-mask %.3f uniform %.3f edge %.3f dx %.4f (%d) "
                "dy %.4f th %.4f nominal %.5f\n",
                in->tau, fr->mask_spread, fr->body_to_mask, fr->body_uniformity, fr->edge_contrast,
                dx, nhd, dy, th * 180 / M_PI, nominal);
    return 0;
}

/* Margin around the footprint's extent in the undistorted region (mm). */
#define LENS_MARGIN_MM 0.6

/* Where the footprint lies in a raw (distorted) frame, to a pixel or two: on a
 * half-size copy when that stays within the scales registration is built for
 * (the distortion shrinks with it, and the search costs a quarter), else on
 * the frame itself. */
static int locate_raw(aoi_inspector *in, const aoi_image *frame, aoi_pose *pose)
{
    aoi_registrar *small;
    if (in->um * 2 <= AOI__REDUCED_MAX_UM && (small = aoi__inspector_small_registrar(in, 2)) &&
        aoi__image_half(frame, &in->half) == 0 && aoi_register(small, &in->half, NULL, pose, NULL) == 0) {
        pose->x_px = (pose->x_px + 0.5) * 2 - 0.5;
        pose->y_px = (pose->y_px + 0.5) * 2 - 0.5;
        pose->um_per_px /= 2;
        return 0;
    }
    return aoi_register(in->reg, frame, NULL, pose, NULL);
}

/* Through a lens with noticeable distortion: find the footprint on the raw
 * frame, undistort only the rectangle that holds it, measure that; the pose
 * is then in ideal (undistorted) full-frame pixels. */
int aoi__inspect_measure(aoi_inspector *in, const aoi_image *frame, const aoi_pose *start,
                         aoi_result *res, aoi_inspect_info *info, frame_refs *fr)
{
    aoi_pose pose;
    int x0, y0, w, h, rc;
    double t0 = now_ms();

    if (!in->und)
        return measure_frame(in, frame, start, res, info, fr);
    begin_frame(in, info, fr);
    if (aoi_image_check(frame) < 0)
        return -1;
    if (frame->width != in->und_w || frame->height != in->und_h)
        return aoi__error("the calibration is for %dx%d frames, this one is %dx%d", in->und_w,
                          in->und_h, frame->width, frame->height);
    int from_start = start && aoi_register_refine(in->reg, frame, start, &pose, NULL) == 0;
    if (!from_start && locate_raw(in, frame, &pose) < 0) {
        info->register_ms = now_ms() - t0;
        if (pose.score > 0) {
            res->has_pose = 1;
            res->pose = pose;
        }
        return -1;
    }
    {
        aoi_rect e = aoi_part_extent(in->part);
        double m = LENS_MARGIN_MM, xa = 1e18, ya = 1e18, xb = -1e18, yb = -1e18;
        double us[4] = {e.x0 - m, e.x1 + m, e.x1 + m, e.x0 - m};
        double vs[4] = {e.y0 - m, e.y0 - m, e.y1 + m, e.y1 + m};
        for (int k = 0; k < 4; k++) {
            double x, y;
            aoi_pose_map(&pose, in->rot, us[k], vs[k], &x, &y);
            xa = fmin(xa, x), xb = fmax(xb, x), ya = fmin(ya, y), yb = fmax(yb, y);
        }
        x0 = (int)fmax(0, floor(xa)), y0 = (int)fmax(0, floor(ya));
        w = (int)fmin(frame->width - 1, ceil(xb)) - x0 + 1;
        h = (int)fmin(frame->height - 1, ceil(yb)) - y0 + 1;
    }
    if (w < 16 || h < 16)
        return aoi__error("the footprint lies outside the frame");
    if (!in->ubuf.data || in->ubuf.format != frame->format || in->ubuf.width < w ||
        in->ubuf.height < h) {
        aoi_image_free(&in->ubuf);
        if (aoi_image_alloc(&in->ubuf, w, h, frame->format) < 0)
            return -1;
    }
    {
        aoi_image region = in->ubuf;
        region.width = w, region.height = h;
        /* The raw frame's pose is within the distortion (a few px) of the
         * undistorted one: a refinement finds it. */
        aoi_pose local = pose;
        local.x_px -= x0, local.y_px -= y0;
        if (aoi_undistort_region(in->und, frame, x0, y0, &region) < 0)
            return -1;
        rc = measure_frame(in, &region, &local, res, info, fr);
        in->refined = from_start;
    }
    info->register_ms = now_ms() - t0 - info->inspect_ms;
    if (res->has_pose) {
        res->pose.x_px += x0;
        res->pose.y_px += y0;
    }
    return rc;
}

int aoi_inspector_set_calib(aoi_inspector *in, const aoi_calib *cal)
{
    aoi_undistorter *u = NULL;
    if (cal && aoi_calib_lens_matters(cal) &&
        !(u = aoi_undistorter_new(&cal->lens, cal->width, cal->height)))
        return -1;
    aoi_undistorter_free(in->und);
    in->und = u;
    in->und_w = u ? cal->width : 0;
    in->und_h = u ? cal->height : 0;
    for (int q = 0; q < 3; q++)
        in->gain[q] = cal && cal->has_gains ? (float)cal->gain[q] : 1.0f;
    return 0;
}

int aoi__inspect_from(aoi_inspector *in, const aoi_image *frame, const aoi_pose *start,
                      aoi_result *res, aoi_inspect_info *info)
{
    aoi_inspect_info dummy;
    frame_refs fr;
    if (!info)
        info = &dummy;
    res->ndefects = 0;
    res->has_pose = 0;
    if (aoi__inspect_measure(in, frame, start, res, info, &fr) < 0) {
        res->ndefects = 0;
        aoi_result_set_error(res, "%s", aoi_errmsg());
        return -1;
    }
    return 0;
}

int aoi_inspect(aoi_inspector *in, const aoi_image *frame, aoi_result *res,
                aoi_inspect_info *info)
{
    aoi_inspect_info dummy;
    if (!info)
        info = &dummy;
    int tracking = in->track && in->have_prev;
    in->refined = 0;
    int rc = aoi__inspect_from(in, frame, tracking ? &in->prev : NULL, res, info);
    info->tracked = tracking && in->refined;
    if (in->track) {
        /* A frame that was not inspected says nothing of where the next
         * board sits: the next one is searched. */
        in->have_prev = rc == 0 && res->has_pose;
        if (in->have_prev)
            in->prev = res->pose;
    }
    return rc;
}

void aoi_inspector_set_tracking(aoi_inspector *in, int on)
{
    in->track = on != 0;
    in->have_prev = 0;
}
