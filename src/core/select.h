/* select.h - k-th smallest element in place (Hoare's quickselect), for float
 * and double arrays (library-internal).  The value returned equals that of a
 * full sort at index k; the array is left partitioned around it. */
#ifndef AOI_SELECT_H
#define AOI_SELECT_H

#include <stddef.h>

#define AOI__DEFINE_SELECT(name, T)                                                                \
    static inline T name(T *v, size_t n, size_t k)                                                 \
    {                                                                                              \
        size_t lo = 0, hi = n - 1;                                                                 \
        while (lo < hi) {                                                                          \
            T piv = v[(lo + hi) / 2];                                                              \
            size_t i = lo, j = hi;                                                                 \
            while (i <= j) {                                                                       \
                while (v[i] < piv)                                                                 \
                    i++;                                                                           \
                while (v[j] > piv)                                                                 \
                    j--;                                                                           \
                if (i <= j) {                                                                      \
                    T t = v[i];                                                                    \
                    v[i] = v[j], v[j] = t;                                                         \
                    i++;                                                                           \
                    if (j == 0)                                                                    \
                        break;                                                                     \
                    j--;                                                                           \
                }                                                                                  \
            }                                                                                      \
            if (k <= j)                                                                            \
                hi = j;                                                                            \
            else if (k >= i)                                                                       \
                lo = i;                                                                            \
            else                                                                                   \
                break;                                                                             \
        }                                                                                          \
        return v[k];                                                                               \
    }

AOI__DEFINE_SELECT(aoi__select_float, float)
AOI__DEFINE_SELECT(aoi__select_double, double)

#endif
