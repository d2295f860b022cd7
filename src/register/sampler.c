/* sampler.c - the fits' D sampler: the registrar's cached map of the
 * distance from the mask colour over a candidate's footprint, and the mask
 * colour itself (median of the context beyond the toes and row ends). */
#include "aoi/simd.h"
#include "register/edge.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
        dc->mask[1] == s->mask[1] && dc->mask[2] == s->mask[2] && x0 >= dc->x0 && y0 >= dc->y0 &&
        x1 <= dc->x0 + dc->w && y1 <= dc->y0 + dc->h)
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

void aoi__register_sampler(const aoi_registrar *r, const aoi_image *f, const candidate *c,
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
        if (b->sign != -1)
            continue;
        for (double du = -b->hu; du <= b->hu; du += 0.08)
            for (double dv = -b->hv; dv <= b->hv; dv += 0.08) {
                double u = b->uc + du, v = b->vc + dv;
                int x = (int)lround(c->x + (u * cs - v * sn) * k),
                    y = (int)lround(c->y + (u * sn + v * cs) * k);
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
