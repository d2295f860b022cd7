/* fine.c - sub-pixel fit of the pads' outline edges in the full-resolution
 * frame: search each model edge point's normal for the strongest step of the
 * frame's max channel, then a Tukey-weighted Gauss-Newton step in position,
 * rotation and scale; repeat with narrower windows. */
#include "aoi/simd.h"
#include "core/error_internal.h"
#include "core/select.h"
#include "register/register_internal.h"
#include "simd/dline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The D map's margin across the rows beyond the footprint's box (mm; see
 * ensure_dmap()): the phase's reach (0.1 mm) with room to spare. */
#define DMAP_ACROSS_MM 0.3

/* Largest D map kept (pixels). */
#define DMAP_MAX (16u << 20)

/* Makes the registrar's D map cover the candidate's footprint (plus 1 mm and
 * the search windows) for this frame and mask colour, reusing it when it
 * already does. */
static void ensure_dmap(const aoi_registrar *r, const aoi_image *f, const sampler *s,
                        const candidate *c)
{
    dcache *dc = r->dc;
    double phi = (r->rot + c->th) * M_PI / 180, k = 1000.0 / r->um;
    double hx = (fabs(cos(phi)) * r->half_len + fabs(sin(phi)) * r->half_wid) * k;
    double hy = (fabs(sin(phi)) * r->half_len + fabs(cos(phi)) * r->half_wid) * k;
    if (!(fabs(c->x) < 1e6 && fabs(c->y) < 1e6))
        return; /* no pose worth a map (and no int overflow below) */
    /* The footprint's box, clipped to the frame. */
    int x0 = (int)fmax(0, floor(c->x - hx)), x1 = (int)fmin(f->width, ceil(c->x + hx));
    int y0 = (int)fmax(0, floor(c->y - hy)), y1 = (int)fmin(f->height, ceil(c->y + hy));
    if (dc->valid && dc->frame == f->data && dc->fw == f->width && dc->fh == f->height &&
        dc->fstride == f->stride && dc->ffmt == (int)f->format && dc->mask[0] == s->mask[0] &&
        dc->mask[1] == s->mask[1] && dc->mask[2] == s->mask[2] && x0 >= dc->x0 &&
        y0 >= dc->y0 && x1 <= dc->x0 + dc->w && y1 <= dc->y0 + dc->h)
        return;
    /* Margin: along the rows 1 mm (the phase's half pitch, the scale's
     * reach and a pitch slip or two keep the map), across them the phase's
     * reach and more (DMAP_ACROSS_MM); 16 px for the fit's windows.  Reads
     * beyond the map take the same values from the frame. */
    int along_x = fabs(cos(phi)) >= fabs(sin(phi));
    int ma = (int)(k + 16), mc = (int)(DMAP_ACROSS_MM * k + 16);
    int mx = along_x ? ma : mc, my = along_x ? mc : ma;
    x0 = x0 - mx < 0 ? 0 : x0 - mx;
    y0 = y0 - my < 0 ? 0 : y0 - my;
    x1 = x1 + mx > f->width ? f->width : x1 + mx;
    y1 = y1 + my > f->height ? f->height : y1 + my;
    dc->valid = 0;
    if (x1 - x0 < 2 || y1 - y0 < 2 || (size_t)(x1 - x0) * (size_t)(y1 - y0) > DMAP_MAX)
        return;
    size_t n = (size_t)(x1 - x0) * (size_t)(y1 - y0);
    if (n > dc->cap) {
        uint16_t *d = realloc(dc->d, n * sizeof *d);
        if (!d)
            return; /* no map: the sampler reads the frame */
        dc->d = d;
        dc->cap = n;
    }
    /* The mask colour per byte position of a pixel (SIMD kernel). */
    uint8_t ref[4] = {0, 0, 0, 0};
    int xoff = 0;
    if (s->bpp == 1) {
        ref[0] = (uint8_t)s->mask[0];
    } else {
        for (int q = 0; q < 3; q++)
            ref[s->off[q]] = (uint8_t)s->mask[q];
        if (s->bpp == 4)
            xoff = 6 - s->off[0] - s->off[1] - s->off[2]; /* the byte no channel uses */
    }
    if (aoi_colour_dist(f->data + (size_t)y0 * f->stride + (size_t)x0 * (size_t)s->bpp, x1 - x0,
                        y1 - y0, f->stride, s->bpp, xoff, ref, dc->d, (size_t)(x1 - x0)) < 0)
        return; /* no map: the sampler reads the frame */
    dc->x0 = x0, dc->y0 = y0, dc->w = x1 - x0, dc->h = y1 - y0;
    memcpy(dc->mask, s->mask, sizeof dc->mask);
    dc->frame = f->data, dc->fw = f->width, dc->fh = f->height;
    dc->fstride = f->stride, dc->ffmt = (int)f->format;
    dc->valid = 1;
}

static void make_sampler(const aoi_registrar *r, const aoi_image *f, const candidate *c,
                         sampler *s)
{
    s->d = f->data;
    s->w = f->width;
    s->h = f->height;
    s->bpp = aoi_format_bpp(f->format);
    s->stride = f->stride;
    aoi_format_rgb_offsets(f->format, &s->off[0], &s->off[1], &s->off[2]);
    for (int k = 0; k < 3; k++)
        s->mask[k] = c->mask[k];
    s->map = NULL;
    s->unit = s->bpp == 1 ? 3 : 1;
    ensure_dmap(r, f, s, c);
    if (r->dc->valid && r->dc->frame == f->data) {
        s->map = r->dc->d;
        s->mx0 = r->dc->x0, s->my0 = r->dc->y0;
        s->mx1 = r->dc->x0 + r->dc->w, s->my1 = r->dc->y0 + r->dc->h;
        s->mw = (size_t)r->dc->w;
    }
}

void aoi__register_mask_colour(const aoi_registrar *r, const aoi_image *f, candidate *c)
{
    /* Median colour of the context boxes (beyond the toes and row ends). */
    double phi = (r->rot + c->th) * M_PI / 180, cs = cos(phi), sn = sin(phi), k = 1000.0 / r->um;
    int bpp = aoi_format_bpp(f->format), off[3], n = 0;
    unsigned hist[3][256] = {{0}};
    aoi_format_rgb_offsets(f->format, &off[0], &off[1], &off[2]);
    for (size_t i = 0; i < r->nfine; i++) {
        const tbox *b = &r->fine_boxes[i];
        if (b->sign > 0)
            continue;
        for (double du = -b->hu; du <= b->hu; du += 0.08)
            for (double dv = -b->hv; dv <= b->hv; dv += 0.08) {
                double u = b->uc + du, v = b->vc + dv;
                int x = (int)lround(c->x + (u * cs - v * sn) * k), y = (int)lround(c->y + (u * sn + v * cs) * k);
                if (x < 0 || y < 0 || x >= f->width || y >= f->height || n >= 4096)
                    continue;
                const uint8_t *p = f->data + (size_t)y * f->stride + (size_t)x * bpp;
                for (int q = 0; q < 3; q++)
                    hist[q][bpp == 1 ? p[0] : p[off[q]]]++;
                n++;
            }
    }
    /* The median of each channel: the value of rank n / 2 (0 if none). */
    for (int q = 0; q < 3; q++) {
        int v = 0;
        for (unsigned below = 0; n && v < 255 && below + hist[q][v] <= (unsigned)n / 2; v++)
            below += hist[q][v];
        c->mask[q] = n ? v : 0;
    }
}

/* The visible pad edge points of one orientation (along: normals along the
 * rows; else across) with u in [umin, umax], into idx; returns how many. */
static size_t pick(const aoi_registrar *r, int along, double umin, double umax, int *idx)
{
    size_t n = 0;
    for (size_t i = 0; i < r->npts; i++) {
        const mpoint *m = &r->pts[i];
        if (m->pad >= 0 && m->visible && (along ? m->nu != 0 : m->nv != 0) && m->u >= umin && m->u <= umax)
            idx[n++] = (int)i;
    }
    return n;
}

/* Which way an outline point's normal points: +u, -u, +v, -v. */
static int normal_group(const mpoint *m)
{
    return m->nu > 0 ? 0 : m->nu < 0 ? 1 : m->nv > 0 ? 2 : 3;
}

/* Keeps every k-th point of idx[0..n) in place, counted per direction of
 * the normal (the model interleaves a pad's two sides, and its toe with its
 * inner end); returns how many are kept. */
static size_t thin(const aoi_registrar *r, int *idx, size_t n, int k)
{
    size_t m = 0;
    int seen[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (seen[normal_group(&r->pts[idx[i]])]++ % k == 0)
            idx[m++] = idx[i];
    }
    return m;
}

/* Sum over the outline points idx[0..n) of the step from far-from-mask
 * inside to mask outside, with the pose moved by (du, dv) px along and
 * across the rows (at absent pads beyond the row ends, an edge counts
 * against). */
AOI_HOT static double steps(const aoi_registrar *r, const sampler *s, const candidate *c, double scale,
                            double du, double dv, const int *idx, size_t n)
{
    double phi = (r->rot + c->th) * M_PI / 180, cs = cos(phi), sn = sin(phi), k = 1000.0 / r->um * scale;
    double sum = 0;
    for (size_t q = 0; q < n; q++) {
        const mpoint *m = &r->pts[idx[q]];
        double u = m->u * k + du, v = m->v * k + dv;
        double nx = m->nu * cs - m->nv * sn, ny = m->nu * sn + m->nv * cs;
        double x = c->x + u * cs - v * sn, y = c->y + u * sn + v * cs;
        double din = sample(s, x - 1.5 * nx, y - 1.5 * ny), dout = sample(s, x + 1.5 * nx, y + 1.5 * ny);
        if (din >= 0 && dout >= 0)
            sum += m->pad < 0 ? -fabs(din - dout) : din - dout;
    }
    return sum;
}

/* Most shifts shift_sums() takes (profile samples a point). */
#define SHIFTS_MAX 1024

/* steps() of the points idx[0..n) at every shift d = -reach + i * step
 * (while d <= reach) along the rows (along) or across them, the other shift
 * held at other, into sums[i] (SHIFTS_MAX entries); returns how many (0 when there would be more
 * than SHIFTS_MAX or step is not 0.5 or 1 px).  The outline's normals are
 * along the u or v axis, so the step of a point shifted by d reads the
 * line through it at d - 1.5 and d + 1.5: one profile of samples a point,
 * each read by two shifts, instead of two samples a shift. */
AOI_HOT static int shift_sums(const aoi_registrar *r, const sampler *s, const candidate *c,
                              int along, double reach, double step, double other, const int *idx,
                              size_t n, double *sums)
{
    double phi = (r->rot + c->th) * M_PI / 180, cs = cos(phi), sn = sin(phi), k = 1000.0 / r->um;
    int ns = (int)floor((2 * reach + 1e-9) / step) + 1, off = (int)lround(3.0 / step);
    double P[SHIFTS_MAX + 8];
    if (!(reach >= 0) || ns > SHIFTS_MAX || fabs(off * step - 3.0) > 1e-9 || off > 8)
        return 0;
    for (int i = 0; i < ns; i++)
        sums[i] = 0;
    for (size_t q = 0; q < n; q++) {
        const mpoint *m = &r->pts[idx[q]];
        double nn = along ? m->nu : m->nv, u0 = m->u * k + (along ? 0 : other),
               v0 = m->v * k + (along ? other : 0);
        if (fabs(nn) != 1 || (along ? m->nv : m->nu) != 0) {
            /* A normal off the shift's axis: read it shift by shift. */
            for (int i = 0; i < ns; i++) {
                double d = -reach + i * step;
                sums[i] += along ? steps(r, s, c, 1.0, d, other, &idx[q], 1)
                                 : steps(r, s, c, 1.0, other, d, &idx[q], 1);
            }
            continue;
        }
        /* The profile is a line from the point's place at t = 0 along the
         * shift's axis: read as one (SIMD) where it lies in the frame, else
         * sample by sample (-1 outside). */
        const double ax = along ? cs : -sn, ay = along ? sn : cs;
        if (sample_line(s, c->x + u0 * cs - v0 * sn, c->y + u0 * sn + v0 * cs, ax, ay, -reach - 1.5,
                        step, ns + off, P) < 0)
            for (int j = 0; j < ns + off; j++) {
                double t = -reach - 1.5 + j * step, U = along ? u0 + t : u0,
                       V = along ? v0 : v0 + t;
                P[j] = sample(s, c->x + U * cs - V * sn, c->y + U * sn + V * cs);
            }
        const double *in = nn > 0 ? P : P + off, *out = nn > 0 ? P + off : P;
        for (int i = 0; i < ns; i++)
            if (in[i] >= 0 && out[i] >= 0)
                sums[i] += m->pad < 0 ? -fabs(in[i] - out[i]) : in[i] - out[i];
    }
    return ns;
}

/* Best shift of the points idx[0..n) from -reach to reach by step, along
 * the rows (along) or across them, the other shift held at other; its sum
 * in *sum, and the sum at every shift in prof[0..*np) (SHIFTS_MAX entries),
 * when not NULL. */
static double best_shift(const aoi_registrar *r, const sampler *s, const candidate *c, int along,
                         double reach, double step, double other, const int *idx, size_t n,
                         double *sum, double *prof, int *np)
{
    double bs = -1e18, bd = 0, own[SHIFTS_MAX], *sums = prof ? prof : own;
    int ns = shift_sums(r, s, c, along, reach, step, other, idx, n, sums);
    if (ns > 0) {
        for (int i = 0; i < ns; i++)
            if (sums[i] > bs) {
                bs = sums[i];
                bd = -reach + i * step;
            }
    } else {
        /* More shifts than a profile holds: one sum a shift. */
        for (double d = -reach; d <= reach + 1e-9; d += step) {
            double e = along ? steps(r, s, c, 1.0, d, other, idx, n)
                             : steps(r, s, c, 1.0, other, d, idx, n);
            if (ns < SHIFTS_MAX)
                sums[ns++] = e;
            if (e > bs) {
                bs = e;
                bd = d;
            }
        }
    }
    if (sum)
        *sum = bs;
    if (np)
        *np = ns;
    return bd;
}

/* The rest of the outline, evaluated at every shift, is thinned to about
 * this many points when it has more than twice as many. */
#define REST_POINTS 160
/* The share of the first column's edge points the pitch check reads, 1 in
 * this many. */
#define PITCH_COLUMN_EVERY 3
/* Most whole pitches to search either way (the longest row has 40 pads). */
#define PITCH_RANGE_MAX 64

int aoi__register_pitch(const aoi_registrar *r, const aoi_image *f, const candidate *c, double scale,
                        int range)
{
    /* Evidence of the whole outline at whole-pitch shifts along the rows is a
     * tent peaked where the row ends (and hold-downs) line up: climb it,
     * every shift in range (the tent can have noisy shoulders).  The signal
     * pads repeat every pitch, so the rows' evidence at shift k is the sum
     * of one column's evidence at the columns k further on: that is computed
     * once at every column the shifted rows can reach; the rest of the
     * outline at each shift. */
    sampler s;
    int npins = aoi_part_pins(r->part), ncols = npins / 2, bk = 0;
    double step = r->pitch * 1000.0 / r->um * scale, best = -1e300;
    double col[2 * PITCH_RANGE_MAX + 256];
    /* The first column's visible points (its two signal pads), and the
     * rest: hold-down pads and absent pads, thinned. */
    int *idx = malloc(sizeof *idx * (r->npts + 1));
    size_t n0 = 0, nrest = 0, every;
    if (!idx)
        return 0; /* no check: the fit stands as it is */
    if (range > PITCH_RANGE_MAX)
        range = PITCH_RANGE_MAX;
    if (ncols + 2 * range > (int)(sizeof col / sizeof *col)) {
        free(idx);
        return 0;
    }
    for (size_t i = 0; i < r->npts; i++)
        nrest += r->pts[i].pad < 0 || (r->pts[i].pad >= npins && r->pts[i].visible);
    every = nrest > 2 * REST_POINTS ? nrest / REST_POINTS : 1;
    nrest = 0;
    for (size_t i = 0; i < r->npts; i++) {
        const mpoint *m = &r->pts[i];
        if (m->pad >= 0 && m->pad <= 1 && m->visible)
            idx[n0++] = (int)i;
    }
    /* Every column repeats the first's evidence: a third of its points
     * (per normal direction) still sums thousands over a row. */
    size_t nall = n0;
    n0 = thin(r, idx, n0, PITCH_COLUMN_EVERY);
    double cw = n0 ? (double)nall / (double)n0 : 1; /* the column's weight kept */
    int *rest = idx + n0;
    for (size_t i = 0, seen = 0; i < r->npts; i++) {
        const mpoint *m = &r->pts[i];
        if ((m->pad < 0 || (m->pad >= npins && m->visible)) && seen++ % every == 0)
            rest[nrest++] = (int)i;
    }
    make_sampler(r, f, c, &s);
    for (int m = 0; m < ncols + 2 * range; m++)
        col[m] = steps(r, &s, c, scale, (m - range) * step, 0, idx, n0) * cw;
    for (int k = -range; k <= range; k++) {
        double e = steps(r, &s, c, scale, k * step, 0, rest, nrest) * (double)every;
        for (int q = 0; q < ncols; q++)
            e += col[q + k + range];
        /* Ties go to the smaller shift (k = 0 first). */
        if (e > best + 1e-9 * fabs(best) || (fabs(e - best) <= 1e-9 * fabs(best) && abs(k) < abs(bk))) {
            best = e;
            bk = k;
        }
    }
    free(idx);
    return bk;
}

/* Best shift along the rows of the side edges idx[0..n), with the shift
 * across the rows dv applied: whole pixels, then the half pixels either
 * side of the best. */
static double best_du(const aoi_registrar *r, const sampler *s, const candidate *c, double reach,
                      double dv, const int *idx, size_t n, double *sum)
{
    double bs, b0 = best_shift(r, s, c, 1, reach, 1.0, dv, idx, n, &bs, NULL, NULL), bu = b0;
    for (int side = -1; side <= 1; side += 2) {
        double e = steps(r, s, c, 1.0, b0 + 0.5 * side, dv, idx, n);
        if (e > bs) {
            bs = e;
            bu = b0 + 0.5 * side;
        }
    }
    if (sum)
        *sum = bs;
    return bu;
}

/* The stated scale may be 1 % off (imaging.md): on a long row that moves
 * the end pads by more than the fine fit's first windows.  With the phase
 * fixed at the centre, the outer quarters' side edges are found (within
 * the scale's reach plus a margin, well under half a pitch, so no pitch is
 * mistaken) and their spread gives the scale. */
#define SCALE_REACH 0.012

/* Angle uncertainty left by the coarse stage (its angle step is 0.5 deg). */
#define ANGLE_REACH_DEG 1.2

/* Short rows: angles tried either side of the coarse one (0.25 deg apart),
 * first on an outline thinned to about this many side points (and whole
 * pixels across the rows). */
#define PHASE_ANGLES_MAX 6
#define PHASE_THIN_POINTS 80
/* Second local maximum of an across-row profile (sampled every 0.5 px from
 * -reach): returns its value (0 if none qualifies) and its shift in *dv. */
static double runner_up(const double *prof, int np, double bv, double reach, double best, double *dv)
{
    double rv = 0;
    for (int i = 1; i + 1 < np; i++) {
        double d = -reach + 0.5 * i;
        if (fabs(d - bv) < 3 || prof[i] < prof[i - 1] || prof[i] < prof[i + 1] ||
            prof[i] < best / 3 || prof[i] <= rv)
            continue;
        rv = prof[i];
        *dv = d;
    }
    return rv;
}

void aoi__register_phase(const aoi_registrar *r, const aoi_image *f, candidate *c, double reach_px,
                         candidate *alt, int *has_alt)
{
    /* The box template fixes the rows but hardly where the pads lie along
     * them: slide the pads across the rows by up to reach_px (toe edges),
     * then along them by up to half a pitch (side edges), looking only at the
     * pads within 2 mm of the centre so that the unknown 1 % of scale cannot
     * smear the phase.  Short rows give the coarse stage little grip on the
     * angle, so for them angles around the coarse one are tried too.  The row
     * ends are left to the pitch-slip check, scale and angle to the fit. */
    sampler s;
    double k = 1000.0 / r->um, half = r->pitch / 2 * k, best_total = -1e18;
    int na = r->half_len < 3.0 ? PHASE_ANGLES_MAX : 0;
    double across_best = 0, q = r->half_len * 0.5;
    candidate best = *c;
    /* The points each search reads: toe (0) and side (1) edges within 2 mm
     * of the centre, and of the outer quarters (left, right). */
    /* Three pairs of disjoint sets (toes and sides; the two quarters' toes;
     * their sides) and the thinned copy: at most 4 npts. */
    int *buf = malloc(sizeof *buf * (4 * r->npts + 1));
    *has_alt = 0;
    if (!buf)
        return; /* the coarse pose stands; the fit starts from it */
    int *toe = buf, *side = toe + pick(r, 0, -2.0, 2.0, toe);
    int *ql0 = side + pick(r, 1, -2.0, 2.0, side), *qr0 = ql0 + pick(r, 0, -1e9, -q, ql0);
    int *ql1 = qr0 + pick(r, 0, q, 1e9, qr0), *qr1 = ql1 + pick(r, 1, -1e9, -q, ql1);
    size_t ntoe = (size_t)(side - toe), nside = (size_t)(ql0 - side), nql0 = (size_t)(qr0 - ql0);
    size_t nqr0 = (size_t)(ql1 - qr0), nql1 = (size_t)(qr1 - ql1), nqr1 = pick(r, 1, q, 1e9, qr1);
    int *spare = qr1 + nqr1;
    make_sampler(r, f, c, &s);
    if (!na) {
        /* Long rows: the angle from the toe edges of the two outer quarters,
         * whose lever arm is long enough to measure it directly. */
        double um = (r->half_len + q) / 2 * k;
        for (int it = 0; it < 2; it++) {
            double reach = it ? 4 : fmax(reach_px, ANGLE_REACH_DEG * M_PI / 180 * um);
            double st = it ? 0.5 : 1.0;
            double vl = best_shift(r, &s, c, 0, reach, st, 0, ql0, nql0, NULL, NULL, NULL);
            double vr = best_shift(r, &s, c, 0, reach, st, 0, qr0, nqr0, NULL, NULL, NULL);
            double phi = (r->rot + c->th) * M_PI / 180, dv = (vl + vr) / 2;
            c->th += atan2(vr - vl, 2 * um) * 180 / M_PI;
            c->x += -dv * sin(phi);
            c->y += dv * cos(phi);
        }
        best = *c;
    }
    /* Short rows try 2 na + 1 angles: each on the outline thinned to about
     * PHASE_THIN_POINTS side points (toes at whole pixels) first, then the
     * best two on the whole outline. */
    int try_ia[2 * PHASE_ANGLES_MAX + 1], ntry = 0;
    size_t every = nside > 2 * PHASE_THIN_POINTS ? nside / PHASE_THIN_POINTS : 1;
    if (na && every > 1) {
        double tot[2 * PHASE_ANGLES_MAX + 1];
        int *tt = spare, *ts, nt = 0, nts = 0;
        for (size_t i = 0; i < ntoe; i += every)
            tt[nt++] = toe[i];
        ts = tt + nt;
        for (size_t i = 0; i < nside; i += every)
            ts[nts++] = side[i];
        for (int ia = -na; ia <= na; ia++) {
            candidate t = *c;
            double bs = -1e18;
            t.th += ia * 0.25;
            double bv = best_shift(r, &s, &t, 0, reach_px, 1.0, 0, tt, (size_t)nt, &bs, NULL, NULL);
            tot[ia + na] = bs;
            best_du(r, &s, &t, half, bv, ts, (size_t)nts, &bs);
            tot[ia + na] += bs;
        }
        /* The two best, best first (ties to the smaller angle). */
        for (int pass = 0; pass < 2; pass++) {
            int bi = -1;
            for (int i = 0; i <= 2 * na; i++)
                if ((pass == 0 || i != try_ia[0] + na) &&
                    (bi < 0 || tot[i] > tot[bi] ||
                     (tot[i] == tot[bi] && abs(i - na) < abs(bi - na))))
                    bi = i;
            try_ia[ntry++] = bi - na;
        }
    } else {
        for (int ia = -na; ia <= na; ia++)
            try_ia[ntry++] = ia;
    }
    for (int ti = 0; ti < ntry; ti++) {
        int ia = try_ia[ti];
        candidate t = *c;
        double bv = 0, bu = 0, bs = -1e18, total, prof[SHIFTS_MAX];
        int np = 0;
        t.th += ia * 0.25;
        bv = best_shift(r, &s, &t, 0, reach_px, 0.5, 0, toe, ntoe, &bs, prof, &np);
        total = bs;
        across_best = bs;
        bu = best_du(r, &s, &t, half, bv, side, nside, &bs);
        total += bs;
        if (total > best_total) {
            double phi = (r->rot + t.th) * M_PI / 180, cs = cos(phi), sn = sin(phi);
            best_total = total;
            best = t;
            best.x += bu * cs - bv * sn;
            best.y += bu * sn + bv * cs;
            /* The runner-up across the rows: a local maximum at least 3 px
             * from the best with a third of its evidence (a body sitting off
             * its pads can make the wrong one win; the fit's score decides). */
            *has_alt = 0;
            double av = 0, as = runner_up(prof, np, bv, reach_px, across_best, &av);
            if (alt && as > 0) {
                *alt = best;
                alt->x += -(av - bv) * sn;
                alt->y += (av - bv) * cs;
                *has_alt = 1;
            }
        }
    }
    if (!na) {
        double um = (r->half_len + q) / 2 * k;
        double reach = fmin(SCALE_REACH * r->half_len * k + 2, half - 2);
        double ul = best_du(r, &s, &best, reach, 0, ql1, nql1, NULL),
               ur = best_du(r, &s, &best, reach, 0, qr1, nqr1, NULL);
        double sc = 1 + (ur - ul) / (2 * um);
        if (fabs(sc - 1) <= SCALE_REACH)
            best.scale = sc;
    }
    *c = best;
    free(buf);
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
        double dm = v[best] - v[best - 2], d0 = v[best + 1] - v[best - 1], dp = v[best + 2] - v[best];
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

typedef struct {
    double x, y, nx, ny;   /* model point and normal in the image */
    double dth_x, dth_y;   /* d(point)/d(theta) */
} proj;

typedef struct {
    double cs, sn, k;
} frame_xf;

static frame_xf xf_of(const aoi_registrar *r, const candidate *c, double scale)
{
    double phi = (r->rot + c->th) * M_PI / 180;
    return (frame_xf){cos(phi), sin(phi), 1000.0 / r->um * scale};
}

static void project(const frame_xf *f, const candidate *c, const mpoint *m, proj *p)
{
    double cs = f->cs, sn = f->sn, k = f->k;
    p->x = c->x + (m->u * cs - m->v * sn) * k;
    p->y = c->y + (m->u * sn + m->v * cs) * k;
    p->nx = m->nu * cs - m->nv * sn;
    p->ny = m->nu * sn + m->nv * cs;
    p->dth_x = (-m->u * sn - m->v * cs) * k * M_PI / 180;
    p->dth_y = (m->u * cs - m->v * sn) * k * M_PI / 180;
}

/* Solves the 4x4 system A x = b (Gaussian elimination, partial pivoting). */
static int solve4(double A[4][4], double b[4], double x[4])
{
    for (int i = 0; i < 4; i++) {
        int p = i;
        for (int j = i + 1; j < 4; j++)
            if (fabs(A[j][i]) > fabs(A[p][i]))
                p = j;
        if (fabs(A[p][i]) < 1e-12)
            return -1;
        for (int k = 0; k < 4; k++) {
            double t = A[i][k];
            A[i][k] = A[p][k];
            A[p][k] = t;
        }
        double t = b[i];
        b[i] = b[p];
        b[p] = t;
        for (int j = i + 1; j < 4; j++) {
            double f = A[j][i] / A[i][i];
            for (int k = i; k < 4; k++)
                A[j][k] -= f * A[i][k];
            b[j] -= f * b[i];
        }
    }
    for (int i = 3; i >= 0; i--) {
        double s = b[i];
        for (int k = i + 1; k < 4; k++)
            s -= A[i][k] * x[k];
        x[i] = s / A[i][i];
    }
    return 0;
}

/* Minimum edge step (DN per px) that counts as an edge. */
#define MIN_STRENGTH 4.0

/* A tip point of the row whose terminal tips stand past its toes. */
static inline int skipped(const aoi_registrar *r, const mpoint *m)
{
    return r->skip_tips && m->tip && (m->v > 0 ? 1 : -1) == r->skip_tips;
}

/* Pads continue beyond a row end when the absent pads' sides show edges at
 * this share of the rate at which the pads' own sides do. */
#define ABSENT_SHARE 0.6
/* A side covered by terminals: most of its edges lie at one distance. */
#define DISP_SHARE 0.6
#define HIT_MAX 8192
#define ABSENT_MAX 1024
#define UNC_MAX 8192
typedef struct {
    double u, v;
    int hit;
} unc_pt;
typedef struct {
    int end;
    double st;
} absent_pt;

/* Body edges across the rows: a body off its pads across the rows by up to
 * BODY_SHIFT_MM covers the near part of one row's pads (their sides were
 * modelled "visible unless the body sits off-centre").  Its two long edges
 * are measured in the gaps between pads, where the body meets the mask:
 * per gap the strongest drop of D outward within BODY_SHIFT_MM + 0.05 of the
 * model's edge, per row side a line through them (Theil-Sen), and the body
 * is taken as shifted when both lines are there, parallel, a body width
 * apart and off the same way.  Returns 0 and the edge line of each side
 * (|v| = a[side] + b[side] u, side 0 for -v, 1 for +v), or -1. */
#define ACROSS_GAPS_MAX 64    /* gaps per row: 39 on the 80-pin parts */
#define ACROSS_WIDTH_TOL 0.03 /* measured width vs the model's (mm) */
#define ACROSS_MIN_SHIFT 0.04 /* less is within what the uncertain band's margin absorbs (mm) */
static int body_across(const aoi_registrar *r, const sampler *s, const frame_xf *fx,
                       const candidate *c, double a[2], double b[2])
{
    const aoi_pad *pads = aoi_part_pads(r->part);
    int n = aoi_part_pins(r->part);
    aoi_rect body = aoi_part_body(r->part);
    double y1 = body.y1, k = fx->k, dv = 0.5 / k, reach = BODY_SHIFT_MM + 0.05;
    int nv = (int)(2 * reach / dv) + 1, g = (int)ceil(1.0 / (k * dv));
    static _Thread_local double gu[2][ACROSS_GAPS_MAX], gv[2][ACROSS_GAPS_MAX];
    static _Thread_local double sl[ACROSS_GAPS_MAX * ACROSS_GAPS_MAX / 2], prof[1024];
    int ng[2] = {0, 0};
    if (nv > 1024 || nv < 4 * g + 2)
        return -1;
    for (int q = 0; q + 2 < n; q++) {
        const aoi_pad *p = &pads[q], *o = &pads[q + 2];
        int side = p->row > 0;
        if (o->row != p->row || ng[side] >= ACROSS_GAPS_MAX)
            continue;
        double u = (p->cx + o->cx) / 2, best = 4 * MIN_STRENGTH, bv = NAN;
        int ok = 1;
        for (int i = 0; i < nv && ok; i++) {
            mpoint m = {u, p->row * (y1 - reach + i * dv), 0, p->row, 0, 0, 0, 0};
            proj pp;
            project(fx, c, &m, &pp);
            prof[i] = sample(s, pp.x, pp.y);
            ok = prof[i] >= 0;
        }
        if (!ok)
            continue;
        for (int i = g; i + g < nv; i++)
            if (prof[i - g] - prof[i + g] > best)
                best = prof[i - g] - prof[i + g], bv = y1 - reach + i * dv;
        if (isfinite(bv)) {
            gu[side][ng[side]] = u;
            gv[side][ng[side]++] = bv;
        }
    }
    for (int side = 0; side < 2; side++) {
        int m = ng[side], ns = 0, in = 0;
        if (m < 4)
            return -1;
        for (int i = 0; i < m; i++)
            for (int j = i + 1; j < m; j++)
                if (gu[side][j] != gu[side][i])
                    sl[ns++] = (gv[side][j] - gv[side][i]) / (gu[side][j] - gu[side][i]);
        if (ns == 0)
            return -1;
        b[side] = aoi__select_double(sl, (size_t)ns, (size_t)ns / 2);
        for (int i = 0; i < m; i++)
            sl[i] = gv[side][i] - b[side] * gu[side][i];
        a[side] = aoi__select_double(sl, (size_t)m, (size_t)m / 2);
        /* Most gaps on the line (1.5 px): a straight edge, not clutter. */
        for (int i = 0; i < m; i++)
            in += fabs(gv[side][i] - a[side] - b[side] * gu[side][i]) * k < 1.5;
        if (in < 0.6 * m)
            return -1;
    }
    /* One rigid body: a body width apart, parallel, moved one way. */
    double d = (a[1] - a[0]) / 2;
    if (fabs(a[0] + a[1] - 2 * y1) > ACROSS_WIDTH_TOL || fabs(b[0] + b[1]) * r->half_len > 0.02 ||
        fabs(d) < ACROSS_MIN_SHIFT || fabs(d) > BODY_SHIFT_MM + 0.03)
        return -1;
    return 0;
}

double aoi__register_score(aoi_registrar *r, const aoi_image *frame, const candidate *c,
                           double scale, int polarity, int body_across_too, double *strict)
{
    sampler s;
    int in = 0, n = 0, absent[2] = {0, 0}, absent_hit[2] = {0, 0}, unc_n = 0, unc_in = 0;
    /* Edges of pad sides a terminal may cover, found beyond the side by up
     * to TERMINAL_REACH_MM: their displacements, per side (-u, +u). */
    static _Thread_local double disp[2][2048];
    /* The steps found at the pads' certain edges, and at the absent pads'. */
    static _Thread_local double hst[HIT_MAX];
    static _Thread_local absent_pt astr[ABSENT_MAX];
    static _Thread_local unc_pt unc[UNC_MAX];
    int nd[2] = {0, 0}, nh = 0, na = 0, side_n = 0, side_in = 0, nu = 0;
    double reach = fmin(TERMINAL_REACH_MM * 1000.0 / r->um * scale, 2 * MAX_REACH_PX);
    frame_xf fx = xf_of(r, c, scale);
    make_sampler(r, frame, c, &s);
    for (size_t i = 0; i < r->npts; i++) {
        proj p;
        double t, st;
        if (r->pts[i].pad < 0) {
            /* An edge where the board must be bare mask. */
            int end = r->pts[i].u > 0;
            project(&fx, c, &r->pts[i], &p);
            if (na < ABSENT_MAX)
                astr[na++] = (absent_pt){
                    end,
                    find_edge(&s, p.x, p.y, p.nx, p.ny, 1.5, 0, STRONGEST, &t, &st) == 0 ? st : 0};
            continue;
        }
        if (!r->pts[i].visible || skipped(r, &r->pts[i]))
            continue;
        project(&fx, c, &r->pts[i], &p);
        /* The fit's own rule: scored by the strongest step, a fit settled
         * on the pads' outer edges lost to fits a pixel off toward the rims
         * (and a right pose was refused at 0.49 that way). */
        int hit = find_edge(&s, p.x, p.y, p.nx, p.ny, 1.5, polarity, OUTERMOST, &t, &st) == 0 &&
                  fabs(t) < 1.0 && st >= MIN_STRENGTH;
        if (!hit && r->pts[i].tside && reach > 2) {
            int g = r->pts[i].tside > 0;
            double h = reach / 2, c0 = h + 1;
            if (nd[g] < 2048 &&
                find_edge(&s, p.x + c0 * p.nx, p.y + c0 * p.ny, p.nx, p.ny, h, polarity, OUTERMOST,
                          &t, &st) == 0 &&
                st >= MIN_STRENGTH)
                disp[g][nd[g]++] = t + c0;
        }
        if (hit && r->pts[i].visible == 2 && nh < HIT_MAX)
            hst[nh++] = st;
        if (r->pts[i].visible == 2 && r->pts[i].nv == 0) {
            side_n++;
            side_in += hit;
        }
        if (r->pts[i].visible == 2) {
            n++;
            in += hit;
        } else {
            unc_n++;
            unc_in += hit;
            if (body_across_too && nu < UNC_MAX)
                unc[nu++] = (unc_pt){r->pts[i].u, r->pts[i].v, hit};
        }
    }
    /* Strict: every visible side counts (the confidence, so that a wrong
     * fit cannot hide behind the body).  For choosing between fits, the
     * strict share is averaged with the share of the edges no body can hide
     * (toes, outer sides): a body sitting off its pads hides sides near it,
     * and a fit that slid to explain those loses the toes. */
    double st = n + unc_n ? (double)(in + unc_in) / (n + unc_n) : 0;
    double certain = n ? (double)in / n : 0;
    double choose = (st + certain) / 2;
    /* A connector off its pads along the rows covers one side of every pad
     * with its terminals: those sides' edges show further out, all by the
     * same amount.  Under that hypothesis (either way) the points of the
     * covered side whose edge lies within 1 px of the group's median
     * displacement are explained too; the confidence is the best share (a
     * wrong fit's misses do not line up one way at one distance). */
    for (int g = 0; g < 2; g++) {
        if (nd[g] < 8)
            continue;
        double med = aoi__select_double(disp[g], (size_t)nd[g], (size_t)nd[g] / 2);
        int more = 0;
        for (int q = 0; q < nd[g]; q++)
            more += fabs(disp[g][q] - med) < 1.0;
        if (more < DISP_SHARE * nd[g])
            continue; /* no one distance: clutter's edges at random */
        if (n + unc_n && (double)(in + unc_in + more) / (n + unc_n) > st)
            st = (double)(in + unc_in + more) / (n + unc_n);
    }
    /* A body off across the rows, seen at its two long edges, hides the
     * near part of the pads of the row it moved toward: under that
     * hypothesis those points (uncertain by the model) are left out. */
    double ea[2], eb[2];
    if (body_across_too && nu < UNC_MAX && body_across(r, &s, &fx, c, ea, eb) == 0) {
        int side = ea[1] > ea[0], hid = 0, hid_in = 0;
        for (int q = 0; q < nu; q++)
            if ((unc[q].v > 0) == side && fabs(unc[q].v) < ea[side] + eb[side] * unc[q].u) {
                hid++;
                hid_in += unc[q].hit;
            }
        if (n + unc_n - hid > 0 && (double)(in + unc_in - hid_in) / (n + unc_n - hid) > st)
            st = (double)(in + unc_in - hid_in) / (n + unc_n - hid);
    }
    /* Pads continuing beyond the row ends: a longer part, or a row slipped.
     * An edge there counts when it is like the pads' own (half their median
     * step): a noisy mask's texture shows steps of a few DN everywhere. */
    double like = nh ? 0.5 * aoi__select_double(hst, (size_t)nh, (size_t)nh / 2) : 0;
    for (int q = 0; q < na; q++) {
        absent[astr[q].end]++;
        absent_hit[astr[q].end] += astr[q].st >= fmax(MIN_STRENGTH * 2, like);
    }
    double side_rate = side_n ? (double)side_in / side_n : 0;
    for (int e = 0; e < 2; e++)
        if (absent[e] && absent_hit[e] > absent[e] * ABSENT_SHARE * side_rate) {
            choose *= 0.5;
            st *= 0.5;
        }
    *strict = st;
    return choose;
}

static int fine_fit(aoi_registrar *r, const aoi_image *frame, candidate *c, double *scale,
                    int *inliers, int sides_scale)
{
    static const double windows[] = {4.0, 3.0, 3.0, 2.5, 2.0, 1.5, 1.5, 1.5};
    /* Reach along the rows (mm): the centre first, so that an unknown 1 %
     * of scale does not throw the far pads out of the search window. */
    static const double reach[] = {2, 2, 4, 8, 1e9, 1e9, 1e9, 1e9};
    sampler s;
    double *res = malloc(sizeof *res * r->npts);
    int *ok = malloc(sizeof *ok * r->npts), polarity = -1, ret = 0; /* D is larger inside */
    proj *pp = malloc(sizeof *pp * r->npts);
    double sc = c->scale > 0.9 && c->scale < 1.1 ? c->scale : 1.0;

    if (!res || !ok || !pp) {
        ret = aoi__error("out of memory");
        goto bailout;
    }
    r->fits++;
    make_sampler(r, frame, c, &s);
    for (size_t it = 0; it < sizeof windows / sizeof *windows; it++) {
        double A[4][4] = {{0}}, b[4] = {0}, x[4] = {0}, win = windows[it];
        int n = 0;
        /* Residuals by the direction of their normal (+u, -u, +v, -v).  Each group's median is its consensus shift; a
         * point is weighted by how far it strays from its own group's
         * consensus, so that a group that is wholly off (the toes, when the
         * coarse stage missed across the rows) still pulls the fit. */
        static _Thread_local double grp[4][4096];
        int ng[4] = {0, 0, 0, 0};
        double med[4] = {0, 0, 0, 0}, cthr[4] = {win, win, win, win};
        frame_xf fx = xf_of(r, c, sc);
        for (size_t i = 0; i < r->npts; i++) {
            double t, st;
            ok[i] = 0;
            if (!r->pts[i].visible || fabs(r->pts[i].u) > reach[it] || (it < 5 && i % 3) ||
                skipped(r, &r->pts[i]))
                continue;
            project(&fx, c, &r->pts[i], &pp[i]);
            if (find_edge(&s, pp[i].x, pp[i].y, pp[i].nx, pp[i].ny, win, polarity, OUTERMOST, &t,
                          &st) < 0 ||
                st < MIN_STRENGTH)
                continue;
            ok[i] = 1;
            res[i] = t;
            int g = normal_group(&r->pts[i]);
            if (ng[g] < 4096)
                grp[g][ng[g]++] = t;
            n++;
        }
        if (n < 12) {
            ret = aoi__error("too few pad edges found (%d)", n);
            goto bailout;
        }
        for (int g = 0; g < 4; g++) {
            if (!ng[g])
                continue;
            med[g] = aoi__select_double(grp[g], (size_t)ng[g], (size_t)ng[g] / 2);
            for (int q = 0; q < ng[g]; q++)
                grp[g][q] = fabs(grp[g][q] - med[g]);
            double mad = aoi__select_double(grp[g], (size_t)ng[g], (size_t)ng[g] / 2);
            cthr[g] = fmin(win, fmax(0.6, 4.0 * 1.4826 * mad));
        }
        for (size_t i = 0; i < r->npts; i++) {
            if (!ok[i])
                continue;
            int g = normal_group(&r->pts[i]);
            double u = (res[i] - med[g]) / cthr[g], w = fabs(u) < 1 ? (1 - u * u) * (1 - u * u) : 0;
            double J[4] = {pp[i].nx, pp[i].ny, pp[i].nx * pp[i].dth_x + pp[i].ny * pp[i].dth_y,
                           pp[i].nx * (pp[i].x - c->x) + pp[i].ny * (pp[i].y - c->y)};
            /* Toes and inner ends out of the scale. */
            if (sides_scale && r->pts[i].nu == 0)
                J[3] = 0;
            for (int a2 = 0; a2 < 4; a2++) {
                for (int bb = 0; bb < 4; bb++)
                    A[a2][bb] += w * J[a2] * J[bb];
                b[a2] += w * J[a2] * res[i];
            }
        }
        /* Scale is left alone until position and angle have settled. */
        A[3][3] += it < 1 ? 1e30 : 50.0 * r->npts;
        if (solve4(A, b, x) < 0) {
            ret = aoi__error("degenerate edge fit");
            goto bailout;
        }
        c->x += x[0];
        c->y += x[1];
        c->th += x[2];
        sc *= exp(x[3]);
        if (getenv("AOI_REGISTER_DEBUG") && atoi(getenv("AOI_REGISTER_DEBUG")) > 1)
            fprintf(stderr,
                    "   it %zu win %.1f reach %.0f n %d -> (%.3f, %.3f, %.4f) sc %.4f med %.2f "
                    "%.2f %.2f %.2f ng %d %d %d %d\n",
                    it, win, reach[it], n, c->x, c->y, c->th, sc, med[0], med[1], med[2], med[3],
                    ng[0], ng[1], ng[2], ng[3]);
        if (sc > 1.03)
            sc = 1.03;
        if (sc < 0.97)
            sc = 0.97;
        /* Converged once the full outline is in use and the step is tiny
         * (0.005 px, 0.0005 deg, 5e-6 in scale). */
        if (reach[it] > 1e8 && it >= 5 && fabs(x[0]) < 0.005 && fabs(x[1]) < 0.005 &&
            fabs(x[2]) < 5e-4 && fabs(x[3]) < 5e-6)
            break;
    }
    {
        int in = 0;
        for (size_t i = 0; i < r->npts; i++)
            in += ok[i] && r->pts[i].visible && !skipped(r, &r->pts[i]) && fabs(res[i]) < 1.0;
        *inliers = in;
    }
    *scale = sc;
    c->score = aoi__register_score(r, frame, c, sc, polarity, 0, &c->strict);
bailout:
    free(res);
    free(ok);
    free(pp);
    return ret;
}

int aoi__register_fine(aoi_registrar *r, const aoi_image *frame, candidate *c, double *scale,
                       int *inliers)
{
    return fine_fit(r, frame, c, scale, inliers, 0);
}

int aoi__register_fine_sides_scale(aoi_registrar *r, const aoi_image *frame, candidate *c,
                                   double *scale, int *inliers)
{
    return fine_fit(r, frame, c, scale, inliers, 1);
}

/* The body's placement tolerance along the rows (imaging.md: 0.2 mm) with
 * a margin, and the most whole pitches a slipped fit is looked for. */
#define BODY_TOL_MM 0.25
#define BODY_SLIP_PITCHES 6
/* How far the body's two ends may be from the model's length apart, as
 * measured (mm): the body's tolerance and what the fitted scale leaves of
 * the scale's error over the length (an 80-pin socket, 18.5 mm, grey at
 * 20 um/px: 0.06 mm, where a 2 px match of the two ends found none). */
#define BODY_LEN_TOL_MM 0.1

double aoi__register_body_slip(const aoi_registrar *r, const aoi_image *f, const candidate *c,
                               double scale)
{
    aoi_rect body = aoi_part_body(r->part);
    double phi = (r->rot + c->th) * M_PI / 180, cs = cos(phi), sn = sin(phi);
    double k = 1000.0 / r->um * scale, reach = BODY_SLIP_PITCHES * r->pitch + BODY_TOL_MM;
    double du = fmax(0.5 / k, 0.01), near = 0, far = 0, cfar = 0;
    int nu = (int)(2 * reach / du) + 1;
    static _Thread_local double prof[2][1024];
    sampler s;
    if (nu > 1024 || nu < 8 || !(body.x1 > body.x0))
        return 0;
    make_sampler(r, f, c, &s);
    /* Each short end's D profile along the rows, averaged over lines across
     * the body's middle half (clear of the pads). */
    for (int e = 0; e < 2; e++)
        for (int i = 0; i < nu; i++) {
            double u = (e ? body.x1 : body.x0) - reach + i * du, sum = 0;
            int n = 0;
            for (int q = -3; q <= 3; q++) {
                double v = (body.y0 + body.y1) / 2 + q * (body.y1 - body.y0) / 16;
                double d = sample(&s, c->x + (u * cs - v * sn) * k, c->y + (u * sn + v * cs) * k);
                if (d >= 0)
                    sum += d, n++;
            }
            prof[e][i] = n == 7 ? sum / n : NAN;
        }
    /* Both ends moved by about the same amount (a rigid body of about the
     * model's length: BODY_LEN_TOL_MM either way): the step from outside
     * to inside, over about 2 px, at both ends, the end-1 step within the
     * tolerance of the end-0 one.  What is fixed to the body symmetrically
     * (hold-down terminals) moves its two ends' edges opposite ways and
     * never lines up. */
    int g = (int)ceil(1.0 / (k * du)), m = (int)ceil(BODY_LEN_TOL_MM / du);
    for (int i = g; i + g < nu; i++) {
        double a = prof[0][i + g] - prof[0][i - g];
        if (!isfinite(a) || fabs(a) < 4 * MIN_STRENGTH)
            continue;
        for (int j = i - m; j <= i + m; j++) {
            if (j < g || j + g >= nu)
                continue;
            double b = prof[1][j - g] - prof[1][j + g], cu = -reach + (i + j) * du / 2;
            if (!isfinite(b) || a * b <= 0 || fabs(b) < 4 * MIN_STRENGTH)
                continue;
            if (fabs(cu) <= BODY_TOL_MM)
                near = fmax(near, fabs(a + b));
            else if (fabs(a + b) > far)
                far = fabs(a + b), cfar = cu;
        }
    }
    /* Slipped: the body shows clearly only where the connector cannot be. */
    return far > 2 * near ? cfar : 0;
}

/* How far from the model the toes are looked for (mm): a fit drawn by
 * tips up to 0.15 mm past the toes is off by half of that, and the edge
 * needs room. */
#define TIPS_REACH_MM 0.2
/* Most toe points of one row looked at. */
#define TIPS_MAX 2048
/* Tips standing out past the corners beside them by this much (px) on one
 * row, and by at most half of it on the other, say a body off across. */
#define TIPS_OUT_PX 1.5

static double median_of(double *v, int n)
{
    return aoi__select_double(v, (size_t)n, (size_t)n / 2);
}

int aoi__register_tips(aoi_registrar *r, const aoi_image *frame, candidate *c, double *scale,
                       int *inliers)
{
    static _Thread_local double tip[2][TIPS_MAX], cor[2][TIPS_MAX], all[2][2 * TIPS_MAX];
    int nt[2] = {0, 0}, nc[2] = {0, 0}, na[2] = {0, 0};
    double k = 1000.0 / r->um * *scale;
    double win = fmin(TIPS_REACH_MM * k, MAX_REACH_PX), mt[2], mc[2], ma[2];
    frame_xf fx = xf_of(r, c, *scale);
    sampler s;
    make_sampler(r, frame, c, &s);
    /* Every toe's edge, outermost strong step within the terminals' reach
     * (px along the outward normal). */
    for (size_t i = 0; i < r->npts; i++) {
        const mpoint *m = &r->pts[i];
        proj p;
        double t = 0, st = 0;
        if (m->pad < 0 || !m->visible || m->nv == 0 || m->nv * m->v <= 0)
            continue;
        project(&fx, c, m, &p);
        if (find_edge(&s, p.x, p.y, p.nx, p.ny, win, -1, OUTERMOST, &t, &st) < 0 ||
            st < MIN_STRENGTH)
            continue;
        int g = m->v > 0;
        if (m->tip && nt[g] < TIPS_MAX)
            tip[g][nt[g]++] = t;
        else if (!m->tip && nc[g] < TIPS_MAX)
            cor[g][nc[g]++] = t;
        if (na[g] < 2 * TIPS_MAX)
            all[g][na[g]++] = t;
    }
    for (int g = 0; g < 2; g++) {
        if (nt[g] < 6 || nc[g] < 6)
            return 0;
        mt[g] = median_of(tip[g], nt[g]);
        mc[g] = median_of(cor[g], nc[g]);
        ma[g] = median_of(all[g], na[g]);
    }
    double d0 = mt[0] - mc[0], d1 = mt[1] - mc[1];
    int a = d1 > TIPS_OUT_PX && fabs(d0) < TIPS_OUT_PX / 2   ? 1
            : d0 > TIPS_OUT_PX && fabs(d1) < TIPS_OUT_PX / 2 ? 0
                                                             : -1;
    /* Or the fit was drawn toward row a by what stands past its toes and
     * hides them (terminal tips, overhanging solder: its tips and corners
     * then disagree), while the other row's toes, tips and corners alike,
     * stand out by one distance: they are the pads' own ends. */
    int drawn = 0;
    for (int g = 0; g < 2 && a < 0; g++)
        if (mt[1 - g] > TIPS_OUT_PX && mc[1 - g] > TIPS_OUT_PX &&
            fabs(mt[1 - g] - mc[1 - g]) < TIPS_OUT_PX / 2 && fabs(mt[g] - mc[g]) > TIPS_OUT_PX)
            a = g, drawn = 1;
    if (getenv("AOI_REGISTER_DEBUG"))
        fprintf(stderr,
                "tips: row -v tip %.2f corner %.2f (%d/%d), row +v tip %.2f corner %.2f (%d/%d) -> "
                "%d%s\n",
                mt[0], mc[0], nt[0], nc[0], mt[1], mc[1], nt[1], nc[1], a, drawn ? " (drawn)" : "");
    if (a < 0)
        return 0;
    /* Move across the rows so that row a's corners and the other row's toes
     * both sit on the model (least squares of the two); drawn, so that the
     * other row's toes do.  Then refit without row a's tip points. */
    double sa = a ? 1 : -1, mu = drawn ? -sa * ma[1 - a] : sa * (mc[a] - ma[1 - a]) / 2;
    double phi = (r->rot + c->th) * M_PI / 180, sc2;
    candidate c2 = *c;
    int in2;
    c2.x += -sin(phi) * mu;
    c2.y += cos(phi) * mu;
    r->skip_tips = a ? 1 : -1;
    /* Kept when confident and chosen over the fit it replaces by the
     * choosing score (every move of the inspection sets raised it). */
    if (aoi__register_fine(r, frame, &c2, &sc2, &in2) < 0 || c2.strict < AOI_REGISTER_MIN_SCORE ||
        c2.score < c->score) {
        r->skip_tips = 0;
        return 0;
    }
    *c = c2;
    *scale = sc2;
    *inliers = in2;
    return 1;
}
