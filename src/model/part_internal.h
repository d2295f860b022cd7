/* part_internal.h - helpers of the model module (library-internal). */
#ifndef AOI_PART_INTERNAL_H
#define AOI_PART_INTERNAL_H

#include <stddef.h>

/* Levenshtein distance, case-insensitive. */
size_t aoi__edit_distance(const char *a, const char *b);

#endif
