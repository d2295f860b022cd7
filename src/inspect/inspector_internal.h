/* inspector_internal.h - the inspector's state and its measuring steps,
 * shared by inspect.c (the inspector, a frame's pass, the verdicts) and the
 * modules that measure: refs.c (appearance references), placement.c (body
 * edges, where the connector sits on its pads), template.c (each row's
 * median pin), joint.c (per-pin solder measures), flux.c (flux on the
 * terminals) and bridge.c (solder across a gap).  Library-internal. */
#ifndef AOI_INSPECTOR_INTERNAL_H
#define AOI_INSPECTOR_INTERNAL_H

#include "aoi/lens.h"
#include "inspect/inspect_internal.h"

#include <math.h>
#include <stddef.h>

/* Appearance constants shared by the modules (dimensionless distances in
 * feat space). */
#define NB_MIN 0.25 /* minimal distance from the mask reference for "not board" */
/* Grey frames: the most a flux film darkens a terminal sample (log
 * intensity).  Darker is the shaded slope of solder risen toward the body,
 * which colour would tell from a film (solder_like()) and grey cannot: on
 * 144 grey boards with flux and excess solder (`tools/eval-inspect.sh
 * BUILD DIR 6 40000 -d flux_rise,excess_solder --gray`) filmed bands
 * darkened by at most 0.30 (row medians), and 7 of the 15 bands called
 * filmed on pins with risen solder alone by 0.43-0.90.  Such samples are
 * no film (flux.c) and are solder (aoi__solder_to_body()). */
#define GREY_FILM_MAX 0.45f
/* Feature distance over which wet membership goes 0 -> 1 (simd/wet.h). */
#define SOFT_WIDTH 0.3

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
    feat *tpl; /* row template (pad-relative), computed where read */
    size_t tplcap;
    unsigned char *tpl_done; /* per template position: 0 not computed, 1 L only, 2 all */
    size_t tpl_donecap;
    int *tpl_cols; /* per row pin and template column: strip column (-1: none) */
    size_t tpl_colscap;
    float *tpl_chan; /* one position's three channels over a row's pins */
    size_t tpl_chancap;
    int tpl_row, tpl_npins, tpl_i0;
    feat *ttpl; /* row template (terminal-relative) */
    size_t ttplcap;
    int ttpl_nu, ttpl_nw, ttpl_half, ttpl_row;
    unsigned char *ttpl_done; /* per terminal-template position: 0 not computed, 1 computed, 2
                                 computed and solder_like() */
    size_t ttpl_donecap;
    feat *ttpl_col; /* one position over a row's terminals */
    size_t ttpl_colcap;
    double tau_t;           /* "unlike the other pins" distance */
    float tau_d2, tau_t_d2; /* dist2_above(tau), dist2_above(tau_t) */
    float relief_d2;        /* dist2_above(the relief threshold), aoi__overhang() */
    unsigned char *seen;    /* bridge search */
    size_t seencap;
    int *queue;
    size_t queuecap;
    double *ecache; /* edge_score() per signal pad and strip row; NAN: not yet */
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
    double tau;   /* not-board distance of the current frame */
    double pad_u; /* where the pads lie along the rows in the strips' frame (mm) */
    feat ref[REF_COUNT];
    /* The wetted-area kernel's references (simd/wet.h): terminal, pad,
     * mask, solder, dark solder, body; set with the metal references. */
    float wet_ref[6][3];
    int grey_metal;    /* the metal references have no colour (grey frames) */
    double flux_thr;   /* a flux-covered sample's least score in the row at hand, ... */
    double *flux_base; /* ... above its pin's baseline (per pad) */
    /* The row's band scores (aoi__flux_threshold()), read again by
     * aoi__flux_cover(): each sample's score and strip row, and per signal
     * pad its first and end sample (flux_lo > flux_hi: none kept). */
    float *flux_v;
    int *flux_row;
    size_t flux_vcap, flux_rowcap, *flux_lo, *flux_hi;
    int tpl_nu, tpl_nw;
    double tpl_a0, tpl_w0;
    int refined;   /* the last frame's pose was refined from its start */
    int track;     /* aoi_inspector_set_tracking() */
    int have_prev; /* prev: the last frame's confident pose */
    aoi_pose prev;
    aoi_registrar *small; /* fast path: registrar for reduced-scale frames */
    int small_denom;
    /* calibration */
    float gain[3];        /* colour balance applied when sampling */
    double nudge[2];      /* AOI_POSE_NUDGE, px: a diagnostic (see measure_frame) */
    aoi_undistorter *und; /* lens remap table (NULL: lens negligible or none) */
    int und_w, und_h;
    aoi_image ubuf; /* undistorted region of the current frame */
    aoi_image half; /* half-size raw frame, to find that region */
};

/* --- what each sample looks like ---------------------------------------------- */

static inline const patch *strip_of(const aoi_inspector *in, int row)
{
    return &in->strip[row > 0];
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

/* --- refs.c: the frame's appearance references ------------------------------- */

/* The inspector's scratch of at least n features (reused; NULL: out of
 * memory). */
feat *aoi__inspect_scratch(aoi_inspector *in, size_t n);
/* Mask (with its spread and the not-board distance) and body references;
 * -1 when too little of either is in the frame. */
int aoi__frame_references(aoi_inspector *in, frame_refs *fr);
/* Pad columns against gap columns between the pads' inner ends and the
 * body edge a + sl u fitted on a row (0: no such band; -1: out of memory). */
double aoi__covered_uniformity(aoi_inspector *in, int row, double a, double sl);
/* Terminal, bare pad and the two solder looks, once the body edges and the
 * terminals' offsets are measured. */
void aoi__metal_references(aoi_inspector *in, frame_refs *fr);

/* --- placement.c: body edges, the connector on its pads ---------------------- */

/* Sets up the body-edge windows of the frame's strips; -1: out of memory. */
int aoi__edge_windows(aoi_inspector *in);
/* Shift of both body edges together across the rows (mm, +v). */
double aoi__body_shift(aoi_inspector *in);
/* Body edge of signal pad k's column (in->edge[k], its step in->escore[k]). */
void aoi__body_edge(aoi_inspector *in, int k, double dy0);
/* Robust line |v| = *a + *sl * u through one row's body edges. */
void aoi__body_fit_row(aoi_inspector *in, int row, double *a, double *sl);
/* The connector's shift along the rows from the hold-down terminals (mm);
 * *nvalid: how many were measured (0: the result is 0). */
double aoi__holddown_dx(aoi_inspector *in, const aoi_image *f, const aoi_pose *pose, double dy,
                        double th, int *nvalid);
/* The same from the pads' outline when no hold-down terminal was measured;
 * *pu: the pads' own shift.  -1 when the outline does not say. */
int aoi__outline_dx(aoi_inspector *in, double *dx, double *pu);
/* Where the pads lie along the rows from where the pose puts them (mm). */
double aoi__pads_shift(aoi_inspector *in, double dx, int nhd);

/* --- template.c: each row's median pin ------------------------------------- */

/* Starts the row template of row (pad-relative); -1: out of memory. */
int aoi__row_template(aoi_inspector *in, int row);
/* The row template at pad-relative (a, w); NULL outside it. */
const feat *aoi__tpl_get(aoi_inspector *in, double a, double w);
/* Its brightness (L) alone, NAN outside it: the same value, cheaper. */
float aoi__tpl_L(aoi_inspector *in, double a, double w);
/* Starts the terminal template of row (terminal-relative); -1: out of memory. */
int aoi__terminal_template(aoi_inspector *in, int row);
/* The terminal template at (j, i); NULL outside it or where under 3 show.
 * *solder (when not NULL): whether it looks like solder (solder_like()),
 * remembered with it. */
const feat *aoi__ttpl_get(aoi_inspector *in, int j, int i, int *solder);

/* --- joint.c: per-pin solder measures --------------------------------------- */

/* Overhang beyond the toe and beside the pad (mm); row_dy: the mean
 * terminal offset along the pads (offset_y_mm) of the pin's row, NAN if
 * none was measured. */
double aoi__overhang(aoi_inspector *in, int k, const int bridged[2], const int neighbour[2],
                     double row_dy);
/* Bound on the solder's distance from the body on a squeezed land (mm);
 * INFINITY elsewhere. */
double aoi__squeezed_bound(const aoi_inspector *in, int k, double toward);
/* Nearest solder on the terminal to the body edge (mm). */
double aoi__solder_to_body(aoi_inspector *in, int k);
/* Wetted area on the pad past the body edge (mm²). */
double aoi__solder_area(aoi_inspector *in, int k);
/* Where pin k's terminal tip lies out from the body (w, mm). */
double aoi__tip_w(const aoi_inspector *in, int k);
/* The toe fillet zone's shading relief and wetted share; -1: out of memory. */
int aoi__toe_measures(aoi_inspector *in, int k, double *relief, double *wet);
/* The wetted share of the pad beside the terminal's tip; NAN if not in the frame. */
double aoi__side_wet(const aoi_inspector *in, int k);
/* Toe overhang of hold-down pad i (mm); NAN where its end is under the body. */
double aoi__holddown_overhang(aoi_inspector *in, const aoi_image *f, const aoi_pose *pose, int i,
                              double dy);

/* --- flux.c: flux on the terminals -------------------------------------------- */

/* Row r's flux score threshold and each pin's baseline; -1: out of memory. */
int aoi__flux_threshold(aoi_inspector *in, int r);
/* Share of pin k's flux band that looks covered; -1: out of memory. */
int aoi__flux_cover(aoi_inspector *in, int k, double *cover);

/* --- bridge.c: solder across a gap ------------------------------------------- */

/* Solder from pin k to pin k+2 (*bu, *bw: a point on it); 1 bridged, 0 not,
 * -1 out of memory. */
int aoi__bridged(aoi_inspector *in, int k, double *bu, double *bw);

#endif
