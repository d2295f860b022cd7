/* part_internal.h - helpers shared inside the library (not installed). */
#ifndef AOI_PART_INTERNAL_H
#define AOI_PART_INTERNAL_H

#include <stddef.h>

/* Reads a whole regular file of at most max_bytes into a NUL-terminated
 * malloc'd buffer.  Messages name the path. */
int aoi__read_small_file(const char *path, size_t max_bytes, char **data, size_t *len);

/* Levenshtein distance, case-insensitive. */
size_t aoi__edit_distance(const char *a, const char *b);

#endif
