/* error_internal.h - setting the per-thread error message (library-internal). */
#ifndef AOI_ERROR_INTERNAL_H
#define AOI_ERROR_INTERNAL_H

#include "aoi/error.h"

#include <stddef.h>

#if defined(__GNUC__)
#define AOI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define AOI_PRINTF(a, b)
#endif

/* Formats the message of this thread; always returns -1 so callers can write
 * `return aoi__error("...")`. */
int aoi__error(const char *fmt, ...) AOI_PRINTF(1, 2);

/* Prefixes the current message with "context: ". Returns -1. */
int aoi__error_prefix(const char *fmt, ...) AOI_PRINTF(1, 2);

/* Sets "origin: not valid JSON: ... at line L, column C" from the position
 * where the parser stopped (end may be NULL). Returns -1. */
int aoi__json_syntax_error(const char *origin, const char *data, size_t len, const char *end);

#endif
