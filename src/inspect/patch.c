/* patch.c - rectified patches of the frame in the footprint frame, colour
 * features, medians. */
#include "core/error_internal.h"
#include "core/grow.h"
#include "core/select.h"
#include "inspect/inspect_internal.h"
#include "simd/sample.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PATCH_MAX_SAMPLES (16u * 1024u * 1024u)

void aoi__patch_free(patch *p)
{
    free(p->px);
    free(p->col);
    memset(p, 0, sizeof *p);
}

int aoi__patch_sample(patch *p, const aoi_image *f, const aoi_pose *pose, int rot, int row,
                      double u0, double u1, double w0, double w1, double h, const float gain[3])
{
    static const float unit[3] = {1, 1, 1};
    int bpp = aoi_format_bpp(f->format), ro, go, bo;
    double x0, y0, xu, yu, xw, yw;
    size_t n;

    if (!(h > 0) || !(u1 > u0) || !(w1 > w0))
        return aoi__error("inspect: empty patch");
    p->nu = (int)ceil((u1 - u0) / h) + 1;
    p->nw = (int)ceil((w1 - w0) / h) + 1;
    n = (size_t)p->nu * (size_t)p->nw;
    if (n > PATCH_MAX_SAMPLES)
        return aoi__error("inspect: patch of %zu samples is too large", n);
    if (n > p->cap) {
        feat *np = realloc(p->px, n * sizeof *np);
        if (!np)
            return aoi__error("inspect: out of memory");
        p->px = np;
        p->cap = n;
    }
    p->u0 = u0, p->w0 = w0, p->h = h, p->row = row;
    aoi_format_rgb_offsets(f->format, &ro, &go, &bo);
    if (f->format == AOI_FMT_GRAY8)
        gain = unit;
    /* The map is affine: origin and the two steps. */
    aoi_pose_map(pose, rot, u0, row * w0, &x0, &y0);
    aoi_pose_map(pose, rot, u0 + h, row * w0, &xu, &yu);
    aoi_pose_map(pose, rot, u0, row * (w0 + h), &xw, &yw);
    xu -= x0, yu -= y0, xw -= x0, yw -= y0;
    const aoi__sample_src src = {f->data, f->stride, f->width, f->height, bpp, {ro, go, bo},
                                 {gain[0], gain[1], gain[2]}};
    /* Sample (j, i) is at (x0 + i * xw) + j * xu (and y alike) either way.
     * Along u where u runs along the frame's rows; where it runs down the
     * frame's columns (rotations 90 and 270), along w, one strip column at
     * a time: the samples of a line then lie side by side in the frame. */
    if (fabs(yu) <= fabs(xu)) {
        for (int i = 0; i < p->nw; i++)
            aoi__sample_row(&src, x0 + i * xw, y0 + i * yw, xu, yu, 0, 0, p->nu,
                            &p->px[(size_t)i * (size_t)p->nu].L);
        return 0;
    }
    /* BLOCK columns at a time, then written to the strip a row of BLOCK at
     * a time.  The copy is the costly part (its writes stride the strip):
     * on the bench frame turned 90 degrees (2 x 1799 x 156 samples) it took
     * 1.3 ms with blocks of 8 and whole features copied, 0.6 ms with blocks
     * of 64 and 16-byte moves (the scratch: 64 columns, 120 KB). */
    enum { BLOCK = 64 };
    if (aoi__grow((void **)&p->col, &p->colcap, BLOCK * (size_t)p->nw, sizeof *p->col, 256) < 0)
        return -1;
    feat *col = p->col;
    for (int j0 = 0; j0 < p->nu; j0 += BLOCK) {
        int nb = p->nu - j0 < BLOCK ? p->nu - j0 : BLOCK;
        for (int c = 0; c < nb; c++)
            aoi__sample_row(&src, x0, y0, xw, yw, (j0 + c) * xu, (j0 + c) * yu, p->nw,
                            &col[(size_t)c * (size_t)p->nw].L);
        /* 16 bytes a feature but the row's last: the fourth float lands on
         * the next feature's L, which is written next (the bytes read lie
         * inside col: in[c nw + 1] for c < nb - 1). */
        for (int i = 0; i < p->nw; i++) {
            feat *out = &p->px[(size_t)i * (size_t)p->nu + (size_t)j0];
            const feat *in = &col[i];
            int c = 0;
            for (; c + 1 < nb; c++)
                memcpy(&out[c], &in[(size_t)c * (size_t)p->nw], 16);
            out[c] = in[(size_t)c * (size_t)p->nw];
        }
    }
    return 0;
}

const feat *aoi__patch_get(const patch *p, double u, double w)
{
    int j = (int)lround((u - p->u0) / p->h), i = (int)lround((w - p->w0) / p->h);
    if (j < 0 || i < 0 || j >= p->nu || i >= p->nw)
        return NULL;
    const feat *f = patch_at(p, j, i);
    return isnan(f->L) ? NULL : f;
}

float aoi__select_k(float *v, size_t n, size_t k)
{
    return n <= AOI__RANK_MAX ? aoi__select_rank(v, n, k) : aoi__select_float(v, n, k);
}

/* Above this many values, radix selection (see core/select.h). */
#define RADIX_FROM 512

feat aoi__feat_median(feat *v, size_t n)
{
    feat m = {NAN, 0, 0};
    float stack[RADIX_FROM], *tmp = stack;
    if (n == 0)
        return m;
    if (n > RADIX_FROM) {
        /* The references' medians over tens of thousands of samples. */
        uint32_t *keys = malloc(n * sizeof *keys);
        if (!keys)
            return m;
        for (size_t i = 0; i < n; i++)
            keys[i] = aoi__float_key(v[i].L);
        m.L = aoi__radix_select(keys, n, n / 2);
        for (size_t i = 0; i < n; i++)
            keys[i] = aoi__float_key(v[i].cr);
        m.cr = aoi__radix_select(keys, n, n / 2);
        for (size_t i = 0; i < n; i++)
            keys[i] = aoi__float_key(v[i].cg);
        m.cg = aoi__radix_select(keys, n, n / 2);
        free(keys);
        return m;
    }
    /* Per-position medians over a row's pins are small: no allocation. */
    for (size_t i = 0; i < n; i++)
        tmp[i] = v[i].L;
    m.L = aoi__select_k(tmp, n, n / 2);
    for (size_t i = 0; i < n; i++)
        tmp[i] = v[i].cr;
    m.cr = aoi__select_k(tmp, n, n / 2);
    for (size_t i = 0; i < n; i++)
        tmp[i] = v[i].cg;
    m.cg = aoi__select_k(tmp, n, n / 2);
    return m;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double aoi__median(double *v, int n)
{
    int m = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i]))
            v[m++] = v[i];
    if (m == 0)
        return NAN;
    qsort(v, (size_t)m, sizeof *v, cmp_double);
    return m % 2 ? v[m / 2] : (v[m / 2 - 1] + v[m / 2]) / 2;
}
