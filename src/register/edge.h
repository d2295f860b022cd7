/* edge.h - what the registration's fits read from a frame (library-
 * internal): the D sampler (distance from the mask colour, bilinear, from a
 * cached map where it covers), steps along a normal, the model's points in
 * the image.  Shared by sampler.c, period.c (pitch and phase), fine.c (the
 * sub-pixel fit and its score) and tips.c (the body's ends and the tips
 * check). */
#ifndef AOI_REGISTER_EDGE_H
#define AOI_REGISTER_EDGE_H

#include "register/register_internal.h"
#include "simd/dline.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* Inlined where called, whatever the compiler's count of callers (the
 * inner loops' helpers: out of line they cost 15-25 % of registration). */
#if defined(__GNUC__)
#define AOI_HOT __attribute__((always_inline)) inline
#else
#define AOI_HOT
#endif

/* The fine stage looks at how far each pixel's colour is from the solder
 * mask's: D = |R - Mr| + |G - Mg| + |B - Mb| (grey: 3 |V - M|, a grey pixel
 * standing for three equal channels, so that the edge thresholds below mean
 * the same in grey frames as in colour ones).  Mask is flat
 * and diffuse under every light, while pad metal, solder and terminals are
 * far from its colour whatever the lighting makes of them, so pad outlines
 * are steps of D with the larger side inside. */
typedef struct {
    const uint8_t *d;
    int w, h, bpp;
    size_t stride;
    int off[3];
    int mask[3];
    /* D precomputed over [mx0, mx1) x [my0, my1) (NULL: none).  Both it
     * and vmax_at() sum the bytes a pixel has (aoi_colour_dist()); sample()
     * scales by unit (3 for a grey byte). */
    const uint16_t *map;
    int mx0, my0, mx1, my1;
    size_t mw;
    double unit;
} sampler;

static inline int vmax_at(const sampler *s, int x, int y)
{
    const uint8_t *p = s->d + (size_t)y * s->stride + (size_t)x * s->bpp;
    if (s->bpp == 1)
        return abs(p[0] - s->mask[0]);
    return abs(p[s->off[0]] - s->mask[0]) + abs(p[s->off[1]] - s->mask[1]) +
           abs(p[s->off[2]] - s->mask[2]);
}

/* Bilinear D at pose coordinates (pixel centres at integers); -1 outside.
 * From the cached map where it covers the 2 x 2 block (the same integers). */
AOI_HOT static double sample(const sampler *s, double x, double y)
{
    /* floor(x) < 0 exactly when x < 0; past that, truncation is floor (and
     * cheaper than floor() without SSE4.1). */
    if (!(x >= 0 && y >= 0 && x < 1e9 && y < 1e9))
        return -1;
    int ix = (int)x, iy = (int)y;
    double fx = x - ix, fy = y - iy;
    if (s->map && ix >= s->mx0 && iy >= s->my0 && ix + 1 < s->mx1 && iy + 1 < s->my1) {
        const uint16_t *q = s->map + (size_t)(iy - s->my0) * s->mw + (size_t)(ix - s->mx0);
        return ((q[0] * (1 - fx) + q[1] * fx) * (1 - fy) +
                (q[s->mw] * (1 - fx) + q[s->mw + 1] * fx) * fy) *
               s->unit;
    }
    if (ix + 1 >= s->w || iy + 1 >= s->h)
        return -1;
    return ((vmax_at(s, ix, iy) * (1 - fx) + vmax_at(s, ix + 1, iy) * fx) * (1 - fy) +
            (vmax_at(s, ix, iy + 1) * (1 - fx) + vmax_at(s, ix + 1, iy + 1) * fx) * fy) *
           s->unit;
}

/* D at n points (x + t_i nx, y + t_i ny), t_i = t0 + i * step, into v, as
 * sample() gives them (the same operations); -1 when one is outside the
 * frame.  When both ends lie in the map's 2 x 2 blocks, so do the points
 * between (each coordinate is monotonic in t, rounding included), and the
 * loop has no tests. */
AOI_HOT static int sample_line(const sampler *s, double x, double y, double nx, double ny,
                               double t0, double step, int n, double *v)
{
    double xa = x + t0 * nx, ya = y + t0 * ny;
    double xb = x + (t0 + (n - 1) * step) * nx, yb = y + (t0 + (n - 1) * step) * ny;
    double xlo = fmin(xa, xb), xhi = fmax(xa, xb), ylo = fmin(ya, yb), yhi = fmax(ya, yb);
    if (s->map && xlo >= s->mx0 && ylo >= s->my0 && xhi < 1e9 && yhi < 1e9 &&
        (int)xhi + 1 < s->mx1 && (int)yhi + 1 < s->my1) {
        const aoi__dmap m = {s->map, s->mw, s->mx0, s->my0, s->unit};
        aoi__dline(&m, x, y, nx, ny, t0, step, n, v); /* sample()'s operations (SIMD kernel) */
        return 0;
    }
    for (int i = 0; i < n; i++) {
        double t = t0 + i * step;
        if ((v[i] = sample(s, x + t * nx, y + t * ny)) < 0)
            return -1;
    }
    return 0;
}

/* A sampler of frame f for candidate c's mask colour, with the registrar's
 * D map made to cover c's footprint (sampler.c). */
void aoi__register_sampler(const aoi_registrar *r, const aoi_image *f, const candidate *c,
                           sampler *s);

/* Which way an outline point's normal points: +u, -u, +v, -v. */
static inline int normal_group(const mpoint *m)
{
    return m->nu > 0 ? 0 : m->nu < 0 ? 1 : m->nv > 0 ? 2 : 3;
}

#define STEP 0.5
#define MAXS 64
/* Half the widest window find_edge() can search (px). */
#define MAX_REACH_PX ((MAXS - 3) * STEP / 2)
/* How far beyond a pad's side a terminal's edge can stand: the connector
 * off its pads along the rows by up to 0.2 mm, less the margin of the pad's
 * half-width over the terminal's (0.05 mm in the F4S foot patterns). */
#define TERMINAL_REACH_MM 0.15

/* Where the fits look for a pad's edge: not the strongest step but the
 * outermost one at least this share of it.  A pad's edge is where the mask
 * ends; whatever lies on the pad (a fillet's bright rim under ring light,
 * a shaded terminal) can only be further in, and is often the stronger
 * step.  0.35: on the 240-frame evaluation p95 0.30 px (0.25: 0.30, 0.5:
 * 0.36, the strongest step: 0.77). */
#define OUTER_SHARE 0.35
enum { STRONGEST, OUTERMOST };

/* A step along the normal within +-win px whose sign matches polarity (-1:
 * brighter inside, +1: darker inside, 0: either): the strongest, or with
 * OUTERMOST and a polarity the outermost local peak of at least OUTER_SHARE
 * of the strongest.  Returns the offset (px) along the normal, and the
 * step's size in *strength. */
AOI_HOT static int find_edge(const sampler *s, double x, double y, double nx, double ny, double win,
                             int polarity, int which, double *t_out, double *strength)
{
    double v[MAXS + 2], sd[MAXS + 2];
    int n = (int)(2 * win / STEP) + 3, best = -1;
    double bestd = 0;
    if (n > MAXS)
        n = MAXS;
    if (sample_line(s, x, y, nx, ny, -win - STEP, STEP, n, v) < 0)
        return -1;
    /* sd[i]: v[i+1] - v[i-1] at t_i, negative where the step is of the
     * wanted sign. */
    for (int i = 1; i < n - 1; i++) {
        double d = v[i + 1] - v[i - 1];
        sd[i] = polarity == 0 ? -fabs(d) : polarity < 0 ? d : -d;
        if (sd[i] < bestd) {
            bestd = sd[i];
            best = i;
        }
    }
    /* A peak, with a neighbour either side (a slope still falling at the
     * window's end is no edge yet). */
    if (which == OUTERMOST && polarity != 0 && best > 0)
        for (int i = n - 3; i > best; i--)
            if (sd[i] <= OUTER_SHARE * bestd && sd[i] <= sd[i - 1] && sd[i] <= sd[i + 1]) {
                best = i;
                break;
            }
    if (best <= 1 || best >= n - 2)
        return -1;
    {
        double dm = v[best] - v[best - 2], d0 = v[best + 1] - v[best - 1],
               dp = v[best + 2] - v[best];
        double den = dm - 2 * d0 + dp, off = 0;
        if (fabs(den) > 1e-9)
            off = 0.5 * (dm - dp) / den;
        if (off > 0.5)
            off = 0.5;
        if (off < -0.5)
            off = -0.5;
        *t_out = -win - STEP + (best + off) * STEP;
        *strength = fabs(d0) / (2 * STEP);
    }
    return 0;
}

/* Minimum edge step (DN per px) that counts as an edge. */
#define MIN_STRENGTH 4.0

typedef struct {
    double x, y, nx, ny; /* model point and normal in the image */
    double dth_x, dth_y; /* d(point)/d(theta) */
} proj;

typedef struct {
    double cs, sn, k;
} frame_xf;

static inline frame_xf xf_of(const aoi_registrar *r, const candidate *c, double scale)
{
    double phi = (r->rot + c->th) * M_PI / 180;
    return (frame_xf){cos(phi), sin(phi), 1000.0 / r->um * scale};
}

static inline void project(const frame_xf *f, const candidate *c, const mpoint *m, proj *p)
{
    double cs = f->cs, sn = f->sn, k = f->k;
    p->x = c->x + (m->u * cs - m->v * sn) * k;
    p->y = c->y + (m->u * sn + m->v * cs) * k;
    p->nx = m->nu * cs - m->nv * sn;
    p->ny = m->nu * sn + m->nv * cs;
    p->dth_x = (-m->u * sn - m->v * cs) * k * M_PI / 180;
    p->dth_y = (m->u * cs - m->v * sn) * k * M_PI / 180;
}

#endif
