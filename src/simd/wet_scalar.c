/* wet_scalar.c - the soft solder membership's reference path (see
 * simd/wet.h). */
#include "simd/wet.h"

double aoi__wet_sum_scalar(const float *f, int n, const float ref[6][3], float soft)
{
    double sum = 0;
    for (int j = 0; j < n; j++)
        sum += aoi__wet_one(f + 3 * j, ref, soft);
    return sum;
}
