/* sample_scalar.c - the strip sampler's log table and reference path (see
 * simd/sample.h). */
#include "simd/sample.h"

#include <math.h>
#include <pthread.h>

static float log_tab[(1 << AOI__LOG_BITS) + 1];
static pthread_once_t log_once = PTHREAD_ONCE_INIT;

static void log_init(void)
{
    for (int i = 0; i <= 1 << AOI__LOG_BITS; i++)
        log_tab[i] = (float)log1p((double)i / (1 << AOI__LOG_BITS));
}

const float *aoi__log_table(void)
{
    pthread_once(&log_once, log_init);
    return log_tab;
}

void aoi__sample_row_scalar(const aoi__sample_src *s, const float *tab, double x0, double y0,
                            double dx, double dy, double cx, double cy, int n, float *f)
{
    for (int j = 0; j < n; j++)
        aoi__sample_one(s, tab, x0, y0, dx, dy, cx, cy, j, f);
}
