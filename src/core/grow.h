/* grow.h - growable arrays (library-internal). */
#ifndef AOI_GROW_H
#define AOI_GROW_H

#include <stddef.h>

/* Makes room for at least `need` elements of `elem` bytes in *buf, whose
 * capacity is *cap (doubling, starting at `first`).  Overflow-checked.
 * Returns 0, or -1 with "out of memory" set. */
int aoi__grow(void **buf, size_t *cap, size_t need, size_t elem, size_t first);

#endif
