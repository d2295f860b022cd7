/* bench_util.h - what the benchmarks share: a monotonic clock and medians
 * (the machines are shared and noisy: every figure is a median of runs). */
#ifndef AOI_BENCH_UTIL_H
#define AOI_BENCH_UTIL_H

#include <stdlib.h>
#include <time.h>

#include "aoi/synth.h"

/* The benchmark frame: 2448 x 2048 RGB, seed 77, 9 um/px, rotation 0 (the
 * part is the caller's: the 80-pin header by default). */
static inline void bench_frame_params(aoi_synth_params *p)
{
    aoi_synth_params_default(p);
    p->seed = 77;
    p->width = 2448;
    p->height = 2048;
    p->um_per_px = 9.0;
    p->rotation = 0;
}

static inline double bench_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n) (reorders v; the upper one for even n). */
static inline double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, bench_cmp_double);
    return v[n / 2];
}

#endif
