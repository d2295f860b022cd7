/* scene.h - the synthetic scene: primitives in footprint mm, and its builder
 * and renderer (internal to src/synth). */
#ifndef AOI_SYNTH_SCENE_H
#define AOI_SYNTH_SCENE_H

#include "aoi/synth.h"

#include <stddef.h>
#include <stdint.h>

typedef enum { SH_RECT, SH_CIRCLE, SH_BLOB, SH_FILM } shape_kind;

/* Layers are composited in this order. */
enum { L_BOARD = 0, L_PAD, L_SOLDER, L_TERMINAL, L_FLUX, L_BODY, L_ONBODY, L_COUNT };

typedef struct {
    shape_kind kind;
    int mat;             /* aoi_material */
    int layer;
    double cx, cy;       /* centre (mm) */
    double hx, hy;       /* half sizes along the item's axes (mm); circle: hx = outer radius */
    double ca, sa;       /* cos/sin of the item's rotation */
    double r_in;         /* circle: inner radius (annulus), 0 for a disc */
    double p;            /* blob/film superellipse exponent */
    double height;       /* blob peak height (mm) */
    double opacity;      /* film */
    double x0, y0, x1, y1; /* bounding box */
} item;

/* Deterministic random numbers (xoshiro256**). */
typedef struct {
    uint64_t s[4];
} rng_t;

void rng_seed(rng_t *r, uint64_t seed);
double rng_uniform(rng_t *r, double lo, double hi);
int rng_int(rng_t *r, int n);          /* 0..n-1 */
double rng_gauss(rng_t *r);

typedef struct {
    double rgb[3];
    double kd, ks, rough_deg;
} material_look;

typedef struct {
    item *items;
    size_t n, cap;
    /* Looks (per image). */
    material_look look[AOI_MAT_COUNT];
    double mask_tex, body_tex;   /* texture strengths */
    uint64_t tex_seed;
    int lighting;
    /* Acceleration grid over [gx0, gx0 + gw*cell] x [gy0, ...]. */
    double gx0, gy0, cell;
    int gw, gh;
    uint32_t *cell_start, *cell_items;
} scene;

int scene_add(scene *s, const item *it);
void scene_free(scene *s);
int scene_build_grid(scene *s, double x0, double y0, double x1, double y1);

/* Evaluates the scene at (u, v) mm: linear RGB radiance and material label. */
void scene_shade(const scene *s, double u, double v, float rgb[3], uint8_t *label);

#endif
