/* aoi/error.h - the error contract shared by every f4saoi module.
 *
 * Every fallible function returns 0 on success and -1 on failure (or NULL for
 * constructors).  On failure the reason is stored per thread and can be read
 * with aoi_errmsg() until the next failing call on the same thread. */
#ifndef AOI_ERROR_H
#define AOI_ERROR_H

#include "aoi/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The message of the last failure on this thread ("" if none). */
AOI_API const char *aoi_errmsg(void);

/* Clears the message of this thread. */
AOI_API void aoi_error_clear(void);

#ifdef __cplusplus
}
#endif

#endif
