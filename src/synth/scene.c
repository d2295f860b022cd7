/* scene.c - synthetic scene primitives: random numbers, spatial grid, and
 * per-point evaluation and shading (surface normals under the station light). */
#include "synth/scene.h"
#include "core/error_internal.h"
#include "core/grow.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void rng_seed(rng_t *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix(&seed);
}

static uint64_t rng_next(rng_t *r)
{
    uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return res;
}

double rng_uniform(rng_t *r, double lo, double hi)
{
    return lo + (hi - lo) * ((double)(rng_next(r) >> 11) * 0x1.0p-53);
}

int rng_int(rng_t *r, int n)
{
    return (int)(rng_uniform(r, 0, n));
}

double rng_gauss(rng_t *r)
{
    double u1 = rng_uniform(r, 1e-12, 1), u2 = rng_uniform(r, 0, 1);
    return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

int scene_add(scene *s, const item *src)
{
    item it = *src;
    double ex, ey;
    if (aoi__grow((void **)&s->items, &s->cap, s->n + 1, sizeof *s->items, 256) < 0)
        return -1;
    if (it.ca == 0 && it.sa == 0)
        it.ca = 1;
    if (it.kind == SH_CIRCLE) {
        ex = ey = it.hx;
    } else {
        ex = fabs(it.ca) * it.hx + fabs(it.sa) * it.hy;
        ey = fabs(it.sa) * it.hx + fabs(it.ca) * it.hy;
    }
    it.x0 = it.cx - ex;
    it.x1 = it.cx + ex;
    it.y0 = it.cy - ey;
    it.y1 = it.cy + ey;
    s->items[s->n++] = it;
    return 0;
}

void scene_free(scene *s)
{
    free(s->items);
    free(s->cell_start);
    free(s->cell_items);
    memset(s, 0, sizeof *s);
}

int scene_build_grid(scene *s, double x0, double y0, double x1, double y1)
{
    size_t total = 0, ncell;
    s->cell = 0.25;
    s->gx0 = x0;
    s->gy0 = y0;
    s->gw = (int)ceil((x1 - x0) / s->cell) + 1;
    s->gh = (int)ceil((y1 - y0) / s->cell) + 1;
    if (s->gw <= 0 || s->gh <= 0 || (double)s->gw * s->gh > 5e7)
        return aoi__error("synthetic scene too large");
    /* Stable order by layer, so each cell's list is composited in order. */
    {
        size_t n = s->n;
        item *tmp = malloc(n * sizeof *tmp);
        size_t k = 0;
        if (!tmp && n)
            return aoi__error("out of memory");
        for (int l = 0; l < L_COUNT; l++)
            for (size_t i = 0; i < n; i++)
                if (s->items[i].layer == l)
                    tmp[k++] = s->items[i];
        memcpy(s->items, tmp, k * sizeof *tmp);
        s->n = k;
        free(tmp);
    }
    ncell = (size_t)s->gw * (size_t)s->gh;
    s->cell_start = calloc(ncell + 1, sizeof *s->cell_start);
    if (!s->cell_start)
        return aoi__error("out of memory");
    for (int pass = 0; pass < 2; pass++) {
        uint32_t *fill = NULL;
        if (pass == 1) {
            for (size_t c = 0; c < ncell; c++)
                s->cell_start[c + 1] += s->cell_start[c];
            total = s->cell_start[ncell];
            s->cell_items = malloc((total ? total : 1) * sizeof *s->cell_items);
            fill = calloc(ncell, sizeof *fill);
            if (!s->cell_items || !fill) {
                free(fill);
                return aoi__error("out of memory");
            }
        }
        for (size_t i = 0; i < s->n; i++) {
            const item *it = &s->items[i];
            int cx0 = (int)floor((it->x0 - x0) / s->cell), cx1 = (int)floor((it->x1 - x0) / s->cell);
            int cy0 = (int)floor((it->y0 - y0) / s->cell), cy1 = (int)floor((it->y1 - y0) / s->cell);
            cx0 = cx0 < 0 ? 0 : cx0;
            cy0 = cy0 < 0 ? 0 : cy0;
            cx1 = cx1 >= s->gw ? s->gw - 1 : cx1;
            cy1 = cy1 >= s->gh ? s->gh - 1 : cy1;
            for (int cy = cy0; cy <= cy1; cy++)
                for (int cx = cx0; cx <= cx1; cx++) {
                    size_t c = (size_t)cy * s->gw + cx;
                    if (pass == 0)
                        s->cell_start[c + 1]++;
                    else
                        s->cell_items[s->cell_start[c] + fill[c]++] = (uint32_t)i;
                }
        }
        free(fill);
    }
    return 0;
}

/* Value noise in [-1, 1] on a lattice of the given period (mm). */
static double vnoise(uint64_t seed, double u, double v, double period)
{
    double x = u / period, y = v / period, fx = floor(x), fy = floor(y), tx = x - fx, ty = y - fy;
    double c[4];
    for (int k = 0; k < 4; k++) {
        uint64_t h = seed ^ ((uint64_t)(int64_t)(fx + (k & 1)) * 0x9E3779B185EBCA87ull) ^
                     ((uint64_t)(int64_t)(fy + (k >> 1)) * 0xC2B2AE3D27D4EB4Full);
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9ull;
        h ^= h >> 32;
        c[k] = (double)(h >> 11) * 0x1.0p-52 - 1.0;
    }
    tx = tx * tx * (3 - 2 * tx);
    ty = ty * ty * (3 - 2 * ty);
    return (c[0] * (1 - tx) + c[1] * tx) * (1 - ty) + (c[2] * (1 - tx) + c[3] * tx) * ty;
}

/* Item-local coordinates. */
static void to_local(const item *it, double u, double v, double *lx, double *ly)
{
    double dx = u - it->cx, dy = v - it->cy;
    *lx = dx * it->ca + dy * it->sa;
    *ly = -dx * it->sa + dy * it->ca;
}

static int inside(const item *it, double u, double v)
{
    double lx, ly;
    if (u < it->x0 || u > it->x1 || v < it->y0 || v > it->y1)
        return 0;
    if (it->kind == SH_CIRCLE) {
        double r2 = (u - it->cx) * (u - it->cx) + (v - it->cy) * (v - it->cy);
        return r2 <= it->hx * it->hx && r2 >= it->r_in * it->r_in;
    }
    to_local(it, u, v, &lx, &ly);
    return fabs(lx) <= it->hx && fabs(ly) <= it->hy;
}

/* Superellipse "radius" R = |x/a|^p + |y/b|^p and its gradient (local axes). */
static double superellipse(const item *it, double lx, double ly, double *gx, double *gy)
{
    double ax = fabs(lx) / it->hx, ay = fabs(ly) / it->hy, p = it->p;
    double px = pow(ax, p), py = pow(ay, p);
    *gx = ax > 0 ? p * px / ax / it->hx * (lx < 0 ? -1 : 1) : 0;
    *gy = ay > 0 ? p * py / ay / it->hy * (ly < 0 ? -1 : 1) : 0;
    return px + py;
}

/* Blob height h = H (1 - R)^0.5 and its gradient in the scene frame. */
static double blob_height(const item *it, double u, double v, double *hu, double *hv)
{
    double lx, ly, gx, gy, R, f, dh;
    if (u < it->x0 || u > it->x1 || v < it->y0 || v > it->y1)
        return -1;
    to_local(it, u, v, &lx, &ly);
    R = superellipse(it, lx, ly, &gx, &gy);
    if (R >= 1)
        return -1;
    f = 1 - R;
    dh = -it->height * 0.5 / sqrt(f > 1e-4 ? f : 1e-4);
    gx *= dh;
    gy *= dh;
    *hu = gx * it->ca - gy * it->sa;
    *hv = gx * it->sa + gy * it->ca;
    return it->height * sqrt(f);
}

static double film_alpha(const item *it, double u, double v)
{
    double lx, ly, gx, gy, R;
    if (u < it->x0 || u > it->x1 || v < it->y0 || v > it->y1)
        return 0;
    to_local(it, u, v, &lx, &ly);
    R = superellipse(it, lx, ly, &gx, &gy);
    if (R >= 1)
        return 0;
    /* Smooth edge over the outer 15 % of the radius. */
    R = (1 - R) / 0.15;
    return it->opacity * (R >= 1 ? 1 : R * R * (3 - 2 * R));
}

typedef struct {
    double elev_deg;
    double rgb[3];
} light;

static int lights_of(int lighting, light *l)
{
    switch (lighting) {
    case AOI_LIGHT_RING:
        l[0] = (light){22, {1.0, 1.0, 1.0}};
        return 1;
    case AOI_LIGHT_RGB:
        l[0] = (light){72, {1.0, 0.05, 0.05}};
        l[1] = (light){42, {0.05, 1.0, 0.05}};
        l[2] = (light){15, {0.05, 0.05, 1.0}};
        return 3;
    default:
        l[0] = (light){90, {1.0, 1.0, 1.0}};
        return 1;
    }
}

/* Radiance of a surface with normal tilt t (deg from vertical) under ring
 * lights: Lambertian part averaged over the ring's azimuth, and a mirror lobe
 * that reaches the camera when the ring's elevation is 90 - 2t. */
static void shade(const scene *s, const material_look *m, double tilt_deg, float out[3])
{
    light l[3];
    int nl = lights_of(s->lighting, l);
    double t = tilt_deg * M_PI / 180, ambient = 0.08;
    for (int c = 0; c < 3; c++)
        out[c] = (float)(ambient * m->rgb[c] * m->kd);
    for (int i = 0; i < nl; i++) {
        double e = l[i].elev_deg * M_PI / 180;
        double diff = fmax(0, cos(t) * sin(e)) + 0.35 * sin(t) * cos(e);
        double sigma = m->rough_deg + 6, d = (90 - 2 * tilt_deg) - l[i].elev_deg;
        double spec = m->ks * exp(-d * d / (2 * sigma * sigma));
        for (int c = 0; c < 3; c++)
            out[c] += (float)(l[i].rgb[c] * (m->kd * m->rgb[c] * diff +
                                             spec * (0.6 + 0.4 * m->rgb[c])));
    }
}

void scene_shade(const scene *s, double u, double v, float rgb[3], uint8_t *label)
{
    int mat = AOI_MAT_MASK;
    double tilt = 0, solder_h = -1, flux = 0, hu = 0, hv = 0;
    int cx = (int)floor((u - s->gx0) / s->cell), cy = (int)floor((v - s->gy0) / s->cell);
    material_look m;

    if (cx >= 0 && cy >= 0 && cx < s->gw && cy < s->gh) {
        size_t c = (size_t)cy * s->gw + cx;
        for (uint32_t k = s->cell_start[c]; k < s->cell_start[c + 1]; k++) {
            const item *it = &s->items[s->cell_items[k]];
            double h, gu, gv;
            switch (it->kind) {
            case SH_BLOB:
                h = blob_height(it, u, v, &gu, &gv);
                if (h > solder_h) {
                    solder_h = h;
                    hu = gu;
                    hv = gv;
                    mat = AOI_MAT_SOLDER;
                }
                break;
            case SH_FILM:
                if (mat != AOI_MAT_BODY) {
                    double a = film_alpha(it, u, v);
                    flux = 1 - (1 - flux) * (1 - a);
                }
                break;
            default:
                if (!inside(it, u, v))
                    break;
                /* A terminal disappears under a thick fillet. */
                if (it->mat == AOI_MAT_TERMINAL && it->layer == L_TERMINAL && solder_h > 0.045)
                    break;
                mat = it->mat;
                if (it->layer >= L_TERMINAL) {
                    solder_h = -1;
                    hu = hv = 0;
                }
                if (it->layer >= L_BODY)
                    flux = 0;
            }
        }
    }
    m = s->look[mat];
    if (mat == AOI_MAT_SOLDER) {
        double g = sqrt(hu * hu + hv * hv);
        tilt = atan(g) * 180 / M_PI;
    } else if (mat == AOI_MAT_MASK || mat == AOI_MAT_TRACE || mat == AOI_MAT_BODY) {
        double amp = mat == AOI_MAT_BODY ? s->body_tex : s->mask_tex;
        double n = 0.6 * vnoise(s->tex_seed, u, v, 0.6) + 0.4 * vnoise(s->tex_seed + 1, u, v, 0.05);
        for (int c = 0; c < 3; c++)
            m.rgb[c] *= 1 + amp * n;
        tilt = 4 * fabs(vnoise(s->tex_seed + 2, u, v, 0.08));
    } else if (mat == AOI_MAT_PAD || mat == AOI_MAT_COPPER) {
        tilt = 3 * fabs(vnoise(s->tex_seed + 3, u, v, 0.03));
    }
    shade(s, &m, tilt, rgb);
    if (flux > 0) {
        /* Amber film: tints and darkens what is under it, with a faint gloss. */
        static const double tint[3] = {0.80, 0.52, 0.18};
        for (int c = 0; c < 3; c++)
            rgb[c] = (float)(rgb[c] * (1 - flux * (1 - tint[c] * 0.85)) + flux * 0.03);
    }
    *label = (uint8_t)(mat | (flux > 0.25 ? AOI_MAT_FLUX_BIT : 0));
}
