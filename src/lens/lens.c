/* lens.c - lens model and region undistortion through a coarse remap table. */
#include "aoi/lens.h"
#include "core/error_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define GRID 8             /* ideal pixels between remap table nodes */
#define UNDISTORT_ITERS 40

void aoi_lens_distort(const aoi_lens *l, double xu, double yu, double *xd, double *yd)
{
    double x = (xu - l->cx) / l->fx, y = (yu - l->cy) / l->fy;
    double r2 = x * x + y * y;
    double rad = 1 + r2 * (l->k1 + r2 * (l->k2 + r2 * l->k3));
    double dx = x * rad + 2 * l->p1 * x * y + l->p2 * (r2 + 2 * x * x);
    double dy = y * rad + l->p1 * (r2 + 2 * y * y) + 2 * l->p2 * x * y;
    *xd = dx * l->fx + l->cx;
    *yd = dy * l->fy + l->cy;
}

int aoi_lens_undistort_point(const aoi_lens *l, double xd, double yd, double *xu, double *yu)
{
    /* Fixed-point iteration on the normalised coordinates (as OpenCV's
     * undistortPoints), then a check through the forward model. */
    double x0 = (xd - l->cx) / l->fx, y0 = (yd - l->cy) / l->fy, x = x0, y = y0, ex, ey;
    for (int i = 0; i < UNDISTORT_ITERS; i++) {
        double r2 = x * x + y * y;
        double rad = 1 + r2 * (l->k1 + r2 * (l->k2 + r2 * l->k3));
        double dx = 2 * l->p1 * x * y + l->p2 * (r2 + 2 * x * x);
        double dy = l->p1 * (r2 + 2 * y * y) + 2 * l->p2 * x * y;
        if (!(rad > 0.1))
            break;
        double nx = (x0 - dx) / rad, ny = (y0 - dy) / rad;
        int done = fabs(nx - x) + fabs(ny - y) < 1e-12;
        x = nx, y = ny;
        if (done)
            break;
    }
    *xu = x * l->fx + l->cx;
    *yu = y * l->fy + l->cy;
    aoi_lens_distort(l, *xu, *yu, &ex, &ey);
    if (!(hypot(ex - xd, ey - yd) < 1e-3))
        return aoi__error("lens: the distortion cannot be inverted at (%.1f, %.1f)", xd, yd);
    return 0;
}

double aoi_lens_max_shift(const aoi_lens *l, int w, int h)
{
    double m = 0;
    for (int j = 0; j <= 32; j++)
        for (int i = 0; i <= 32; i++) {
            double x = (w - 1) * i / 32.0, y = (h - 1) * j / 32.0, xd, yd;
            aoi_lens_distort(l, x, y, &xd, &yd);
            m = fmax(m, hypot(xd - x, yd - y));
        }
    return m;
}

int aoi_lens_check(const aoi_lens *l, int w, int h)
{
    const double v[9] = {l->fx, l->fy, l->cx, l->cy, l->k1, l->k2, l->p1, l->p2, l->k3};
    for (int i = 0; i < 9; i++)
        if (!isfinite(v[i]))
            return aoi__error("lens: a value is not a finite number");
    if (!(l->fx > 0 && l->fy > 0))
        return aoi__error("lens: focal lengths must be positive (fx %g, fy %g)", l->fx, l->fy);
    if (w <= 0 || h <= 0 || !(l->cx >= 0 && l->cx <= w - 1 && l->cy >= 0 && l->cy <= h - 1))
        return aoi__error("lens: principal point (%g, %g) outside the %dx%d frame", l->cx, l->cy,
                          w, h);
    double s = aoi_lens_max_shift(l, w, h);
    if (!(s < 0.1 * (w < h ? w : h)))
        return aoi__error("lens: distortion moves pixels by %.0f px in a %dx%d frame; "
                          "that is not a lens this model can describe",
                          s, w, h);
    return 0;
}

struct aoi_undistorter {
    int w, h, nx, ny;
    float *node; /* nx * ny pairs (x, y) */
};

aoi_undistorter *aoi_undistorter_new(const aoi_lens *l, int w, int h)
{
    aoi_undistorter *u = NULL;
    if (aoi_lens_check(l, w, h) < 0)
        return NULL;
    if (!(u = calloc(1, sizeof *u))) {
        aoi__error("out of memory");
        return NULL;
    }
    u->w = w, u->h = h;
    u->nx = (w - 1 + GRID - 1) / GRID + 2;
    u->ny = (h - 1 + GRID - 1) / GRID + 2;
    if (!(u->node = malloc(sizeof *u->node * 2 * (size_t)u->nx * (size_t)u->ny))) {
        free(u);
        aoi__error("out of memory");
        return NULL;
    }
    for (int j = 0; j < u->ny; j++)
        for (int i = 0; i < u->nx; i++) {
            double xd, yd;
            aoi_lens_distort(l, (double)i * GRID, (double)j * GRID, &xd, &yd);
            u->node[2 * ((size_t)j * u->nx + i)] = (float)xd;
            u->node[2 * ((size_t)j * u->nx + i) + 1] = (float)yd;
        }
    return u;
}

void aoi_undistorter_free(aoi_undistorter *u)
{
    if (u) {
        free(u->node);
        free(u);
    }
}

/* Cell index and fraction of an ideal coordinate (clamped to the table). */
static inline int cell(double v, int n, double *f)
{
    double c = floor(v / GRID);
    if (c < 0)
        c = 0;
    if (c > n - 2)
        c = n - 2;
    *f = v / GRID - c;
    return (int)c;
}

void aoi_undistorter_map(const aoi_undistorter *u, double xu, double yu, double *xd, double *yd)
{
    double fx, fy;
    int i = cell(xu, u->nx, &fx), j = cell(yu, u->ny, &fy);
    const float *a = u->node + 2 * ((size_t)j * u->nx + i), *b = a + 2 * u->nx;
    double out[2];
    for (int k = 0; k < 2; k++) {
        double t = a[k] + fx * (a[2 + k] - a[k]), s = b[k] + fx * (b[2 + k] - b[k]);
        out[k] = t + fy * (s - t);
    }
    *xd = out[0];
    *yd = out[1];
}

/* One destination row: row[] holds the table's distorted (x, y) at every
 * node column for this row; bpp is a constant in each caller so the channel
 * loop unrolls.  Everything is in locals: the byte stores would otherwise
 * make the compiler reload the images' fields after each one. */
static inline void remap_row(const float *restrict row, int nx, int x0, int w,
                             const uint8_t *restrict sdata, size_t sstride, int sw, int sh,
                             uint8_t *restrict out, const int bpp)
{
    const float maxx = (float)(sw - 1), maxy = (float)(sh - 1);
    for (int x = 0; x < w; x++) {
        /* Cell of the ideal column without floor() or a division. */
        int X = x0 + x, i = X >= 0 ? X / GRID : -((GRID - 1 - X) / GRID);
        if (i < 0)
            i = 0;
        if (i > nx - 2)
            i = nx - 2;
        float fx = (float)(X - i * GRID) * (1.0f / GRID);
        float xd = row[2 * i] + fx * (row[2 * i + 2] - row[2 * i]);
        float yd = row[2 * i + 1] + fx * (row[2 * i + 3] - row[2 * i + 1]);
        uint8_t *o = out + (size_t)x * (size_t)bpp;
        if (!(xd >= 0 && yd >= 0 && xd < maxx && yd < maxy)) {
            for (int k = 0; k < bpp; k++)
                o[k] = 0;
            continue;
        }
        /* Bilinear in fixed point: 10-bit fractions, weights summing to 2^20. */
        int ix = (int)xd, iy = (int)yd;
        int ax = (int)((xd - (float)ix) * 1024.0f), ay = (int)((yd - (float)iy) * 1024.0f);
        int w00 = (1024 - ax) * (1024 - ay), w01 = ax * (1024 - ay);
        int w10 = (1024 - ax) * ay, w11 = ax * ay;
        const uint8_t *p = sdata + (size_t)iy * sstride + (size_t)ix * (size_t)bpp;
        const uint8_t *q = p + sstride;
        for (int k = 0; k < bpp; k++)
            o[k] = (uint8_t)((p[k] * w00 + p[k + bpp] * w01 + q[k] * w10 + q[k + bpp] * w11 +
                              (1 << 19)) >> 20);
    }
}

int aoi_undistort_region(const aoi_undistorter *u, const aoi_image *src, int x0, int y0,
                         aoi_image *dst)
{
    int bpp = aoi_format_bpp(src->format);
    float *row = NULL;
    int ret = -1;

    if (aoi_image_check(src) < 0 || aoi_image_check(dst) < 0)
        goto bailout;
    if (src->width != u->w || src->height != u->h) {
        aoi__error("undistort: the calibration is for %dx%d frames, this one is %dx%d", u->w,
                   u->h, src->width, src->height);
        goto bailout;
    }
    if (dst->format != src->format) {
        aoi__error("undistort: destination format %s differs from the frame's %s",
                   aoi_format_name(dst->format), aoi_format_name(src->format));
        goto bailout;
    }
    /* One row of table values (vertically interpolated) per destination row. */
    if (!(row = malloc(sizeof *row * 2 * (size_t)u->nx))) {
        aoi__error("out of memory");
        goto bailout;
    }
    for (int y = 0; y < dst->height; y++) {
        double fy;
        int j = cell((double)y0 + y, u->ny, &fy);
        const float *a = u->node + 2 * (size_t)j * u->nx, *b = a + 2 * u->nx;
        uint8_t *out = dst->data + (size_t)y * dst->stride;
        for (int i = 0; i < 2 * u->nx; i++)
            row[i] = (float)(a[i] + fy * (b[i] - a[i]));
        switch (bpp) {
        case 1: remap_row(row, u->nx, x0, dst->width, src->data, src->stride, src->width, src->height, out, 1); break;
        case 3: remap_row(row, u->nx, x0, dst->width, src->data, src->stride, src->width, src->height, out, 3); break;
        default: remap_row(row, u->nx, x0, dst->width, src->data, src->stride, src->width, src->height, out, 4); break;
        }
    }
    ret = 0;
bailout:
    free(row);
    return ret;
}
