/* register_internal.h - the registrar's state, shared by its files. */
#ifndef AOI_REGISTER_INTERNAL_H
#define AOI_REGISTER_INTERNAL_H

#include "aoi/register.h"

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* A sample of the pads' outline: position and outward normal (mm). */
typedef struct {
    double u, v, nu, nv;
    int visible;         /* 2 visible, 1 visible unless the body sits off-centre, 0 hidden */
    int pad;             /* pad index; -1 for a point of an absent pad (see below) */
    int tside;           /* a pad side a terminal covers when the connector sits
                            off along the rows that way (-1, +1; 0: none) */
    int tip;             /* a toe point in line with the terminal, whose tip
                            stands over it when the body sits off across;
                            2: the tip stands so near the toe that the final
                            fit leaves the point out (model.c, TIP_NEAR_MM) */
    int keep;            /* kept when the toe-corner refit's first iterations
                            use a third of the points: the corners beside tip 2 */
} mpoint;
/* Besides the pads, the model holds "absent pad" points one pitch beyond each
 * row end, where the board must show mask: the pitch check counts edges there
 * against a pose, so that a row shifted by a pitch loses twice. */

/* An axis-aligned box of the coarse template in the footprint frame. */
typedef struct {
    double uc, vc, hu, hv;
    int sign;            /* +1 pad rows, -1 context, -2 the body's inside (BOX_INSIDE) */
} tbox;

/* tbox.sign of the box inside the body (coarse.c, box_class()). */
#define BOX_INSIDE (-2)

/* A grey image owned by the registrar. */
typedef struct {
    uint8_t *data;
    int w, h;
    size_t stride, cap;
} gimg;

/* The fine stages' D image (fine.c: distance of each pixel's colour from the
 * mask's) over a rectangle around the footprint, kept between the fits of one
 * frame.  Keyed by the frame's buffer and the mask colour; aoi_register()
 * forgets it on entry, so callers of the internal stages that change a
 * buffer's pixels between calls must clear `valid` themselves. */
typedef struct {
    uint16_t *d;
    size_t cap;
    int x0, y0, w, h;
    int mask[3];
    const uint8_t *frame;
    int fw, fh, ffmt;
    size_t fstride;
    int valid;
} dcache;

struct aoi_registrar {
    const aoi_part *part;
    double um;           /* stated */
    int rot;
    mpoint *pts;
    size_t npts, nvisible;
    tbox *fine_boxes, *coarse_boxes;
    size_t nfine, ncoarse;
    double pitch;
    double half_len, half_wid; /* footprint half extents (mm) */
    int short_rows;      /* toes further apart than the rows are long (sockets of
                            10-20 pins, headers of 10-16) */
    int cf;              /* the coarse search's first level: the frame reduced cf times */
    int cf2_finer;       /* the finer second level's reduction (coarse_opts.finer) */
    /* scratch */
    gimg l1, e1, e2, e2f; /* e2f: e1 reduced cf2_finer times */
    int levels_valid;    /* l1, e1, e2 are of the current frame (a second look) */
    int finer_valid;     /* e2f too */
    int lx0, ly0;        /* ... of its region from this pixel (a hinted search) */
    int second_look;     /* aoi_registrar_set_second_look() */
    int pitch_range;     /* whole pitches the slip checks search either way */
    uint32_t *integ;
    size_t integ_cap;
    dcache *dc;          /* a pointer so that the const stages can fill it */
    int skip_tips;       /* the row (-1, +1) whose tip points the fit and its
                            score leave out (terminal tips past the toes); 0 */
    int near_tips;       /* toe points marked tip 2 in the model */
    int corners_only;    /* the toe-corner refit: tip points marked 2 left out */
    int fits;            /* aoi__register_fine() calls for this frame */
    /* The mate (the other side of the mated pair, same pins) and its
     * registrar, made at the first weak fit (see mate_check()); mate_state
     * 0 not yet, 1 made, -1 none (no model, or this is a mate's registrar). */
    aoi_part *mate;
    aoi_registrar *mate_reg;
    int mate_state;
};

typedef struct {
    double x, y, th;     /* origin (full-resolution px) and residual rotation (deg) */
    double score;        /* for choosing between fits: the mean of the strict share
                            and the share of edges no body can hide */
    int mask[3];         /* the solder mask's colour near the footprint (R, G, B) */
    double scale;        /* true / stated scale factor (pixels per mm relative to stated) */
    double strict;       /* the score with every visible side counted (confidence) */
} candidate;

int aoi__register_model(aoi_registrar *r);
/* How the coarse search picks its places. */
typedef struct {
    /* Peaks closer than spacing times the footprint's half-width to a
     * stronger one are suppressed (1: the first search; less: a second look
     * beside strong clutter).  With along_rows set, the suppression reaches
     * along the rows without limit: the strongest peak of each place across
     * the rows (a pad row gives peaks every few pitches along itself, which
     * can crowd out the other places). */
    double spacing;
    int along_rows;
    /* The energy inside the body counts against a place (the first search);
     * without, the score is the pad rows' alone (the second look's other
     * view of the frame). */
    int inside;
    /* The second level reduced cf2_finer times instead of 4 (the third
     * look; see model.c, ROW_BAND_CELLS). */
    int finer;
} coarse_opts;
/* Up to max_out candidates, strongest first. */
int aoi__register_coarse(aoi_registrar *r, const aoi_image *frame, const aoi_register_hint *hint,
                         const coarse_opts *o, candidate *out, int max_out, int *nout);
/* Estimates the mask colour around a candidate. */
void aoi__register_mask_colour(const aoi_registrar *r, const aoi_image *f, candidate *c);
/* Fixes the pitch phase along the rows (moves c by less than half a pitch). */
void aoi__register_phase(const aoi_registrar *r, const aoi_image *f, candidate *c, double reach_px,
                         candidate *alt, int *has_alt);
/* Whether a hint is used (else the whole frame is searched): a position
 * and a radius that are numbers, within sane bounds. */
static inline int aoi__hint_usable(const aoi_register_hint *h)
{
    return h && isfinite(h->x_px) && isfinite(h->y_px) && h->radius_mm >= 0 && h->radius_mm < 1e4 &&
           fabs(h->x_px) < 1e7 && fabs(h->y_px) < 1e7;
}
/* Whole pitches (within +-range) to move c along the rows to line up the row
 * ends. */
int aoi__register_pitch(const aoi_registrar *r, const aoi_image *f, const candidate *c, double scale,
                        int range);
/* How aoi__register_fine() fits (flags, or'ed; FIT_PLAIN: none). */
enum {
    FIT_PLAIN = 0,
    /* The scale measured from the pad sides only (toes and inner ends
     * left out of it). */
    FIT_SIDES_SCALE = 1 << 0,
    /* The first search windows as large in mm as at WINDOW_UM (fine.c) at
     * finer scales. */
    FIT_WIDE = 1 << 1,
};
/* Refines a candidate in place, with its fitted scale and inlier count;
 * 0, or -1 (too few edges, a degenerate fit). */
int aoi__register_fine(aoi_registrar *r, const aoi_image *frame, candidate *c, unsigned flags,
                       double *scale, int *inliers);
/* How far along the rows (mm) the connector's body shows from where a
 * candidate puts it, when that is further than a connector can sit off its
 * pads (a fit slipped by whole pitches); 0 when the body shows where it
 * should, or nowhere (no connector, a body edge too weak). */
double aoi__register_body_slip(const aoi_registrar *r, const aoi_image *f, const candidate *c,
                               double scale);
/* A body off across the rows puts one row's terminal tips past its toes,
 * and the fit settles between those tips and the other row's toes.  Checks
 * the toes in line with the terminals against the pads' corners beside
 * them; when one row's tips stand out, refits from the corners and the other
 * row's toes without that row's tip points.  When instead one row's tips and
 * corners disagree while the other row's all stand out by one distance (the
 * fit drawn toward the first row by its tips and solder), refits from the
 * other row's toes without the first row's tip points.  Returns 1 when c was
 * moved. */
int aoi__register_tips(aoi_registrar *r, const aoi_image *frame, candidate *c, double *scale,
                       int *inliers);
/* How far the connector body may sit off its pads across the rows
 * (imaging.md: +-0.2 mm along y). */
#define BODY_SHIFT_MM 0.2

/* Scores a pose without moving it: returns the score for choosing (see
 * candidate.score) and puts the strict share of the outline found, the
 * confidence, in *strict.  With body_across_too, the confidence also
 * considers a body off across the rows that hides the near part of one
 * row's pads (seen at its two long edges; costs a few thousand samples). */
double aoi__register_score(aoi_registrar *r, const aoi_image *frame, const candidate *c,
                           double scale, int polarity, int body_across_too, double *strict);

#endif
