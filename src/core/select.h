/* select.h - k-th smallest element in place (Hoare's quickselect), for float
 * and double arrays, or any type by a key (library-internal).  The value
 * returned equals that of a full sort at index k; the array is left
 * partitioned around it (v[i] <= v[k] for i < k, >= for i > k, by key). */
#ifndef AOI_SELECT_H
#define AOI_SELECT_H

#include <stddef.h>

#define AOI__DEFINE_SELECT_BY(name, T, KEY)                                                        \
    static inline T name(T *v, size_t n, size_t k)                                                 \
    {                                                                                              \
        size_t lo = 0, hi = n - 1;                                                                 \
        while (lo < hi) {                                                                          \
            T piv = v[(lo + hi) / 2];                                                              \
            size_t i = lo, j = hi;                                                                 \
            while (i <= j) {                                                                       \
                while (KEY(v[i]) < KEY(piv))                                                       \
                    i++;                                                                           \
                while (KEY(v[j]) > KEY(piv))                                                       \
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

#define AOI__SELECT_SELF(x) (x)
AOI__DEFINE_SELECT_BY(aoi__select_float, float, AOI__SELECT_SELF)
AOI__DEFINE_SELECT_BY(aoi__select_double, double, AOI__SELECT_SELF)

#endif
