/* grow.c - growable arrays with overflow-checked capacity doubling. */
#include "core/grow.h"
#include "core/error_internal.h"

#include <stdint.h>
#include <stdlib.h>

int aoi__grow(void **buf, size_t *cap, size_t need, size_t elem, size_t first)
{
    size_t ncap = *cap ? *cap : first;
    void *nb;
    if (need <= *cap)
        return 0;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return aoi__error("out of memory");
        ncap *= 2;
    }
    if (elem && ncap > SIZE_MAX / elem)
        return aoi__error("out of memory");
    if (!(nb = realloc(*buf, ncap * elem)))
        return aoi__error("out of memory");
    *buf = nb;
    *cap = ncap;
    return 0;
}
