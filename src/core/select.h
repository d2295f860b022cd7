/* select.h - k-th smallest element in place (Hoare's quickselect), for float
 * and double arrays, or any type by a key (library-internal).  The value
 * returned equals that of a full sort at index k; the array is left
 * partitioned around it (v[i] <= v[k] for i < k, >= for i > k, by key). */
#ifndef AOI_SELECT_H
#define AOI_SELECT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

/* Radix selection for floats (no NaN): keys[0..n) holds aoi__float_key()
 * of the values, whose unsigned order is the floats' order; returns the
 * k-th smallest value in three passes of 11, 11 and 10 bits, each over the
 * keys still in the running bucket (keys is overwritten).  The same value
 * as aoi__select_float() (of -0 and +0, the one ordered first) at about a
 * third of its time on tens of thousands of values. */
static inline uint32_t aoi__float_key(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    return b & 0x80000000u ? ~b : b | 0x80000000u;
}

static inline float aoi__radix_select(uint32_t *keys, size_t n, size_t k)
{
    static const int shift[3] = {21, 10, 0};
    static const uint32_t digit[3] = {0x7FF, 0x7FF, 0x3FF};
    uint32_t hist[2048], prefix = 0, pmask = 0, b, bits;
    size_t m = n;
    float f;
    for (int p = 0; p < 3; p++) {
        memset(hist, 0, sizeof hist);
        for (size_t i = 0; i < m; i++)
            hist[(keys[i] >> shift[p]) & digit[p]]++;
        for (b = 0; k >= hist[b]; b++)
            k -= hist[b];
        prefix |= b << shift[p];
        pmask |= digit[p] << shift[p];
        if (p < 2) {
            size_t w = 0;
            for (size_t i = 0; i < m; i++)
                if ((keys[i] & pmask) == prefix)
                    keys[w++] = keys[i];
            m = w;
        }
    }
    bits = prefix & 0x80000000u ? prefix & 0x7FFFFFFFu : ~prefix;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* k-th smallest of a few floats (no NaN) by counting: the value with at
 * most k values below it and more than k at or below it.  No branches on
 * the data but the exit: on a few dozen values several times faster than
 * quickselect, whose comparisons the branch predictor cannot guess.  The
 * same value as a full sort's v[k] (of -0 and +0, either). */
#define AOI__RANK_MAX 64
static inline float aoi__select_rank(const float *v, size_t n, size_t k)
{
    for (size_t i = 0; i < n; i++) {
        const float x = v[i];
        unsigned lt = 0, le = 0;
        for (size_t j = 0; j < n; j++) {
            lt += v[j] < x;
            le += v[j] <= x;
        }
        if (lt <= k && k < le)
            return x;
    }
    return v[k];
}

#define AOI__SELECT_SELF(x) (x)
AOI__DEFINE_SELECT_BY(aoi__select_float, float, AOI__SELECT_SELF)
AOI__DEFINE_SELECT_BY(aoi__select_double, double, AOI__SELECT_SELF)

#endif
