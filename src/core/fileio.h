/* fileio.h - bounded whole-file reads (library-internal). */
#ifndef AOI_FILEIO_H
#define AOI_FILEIO_H

#include <stddef.h>

/* Reads a whole regular file of at most max_bytes into a NUL-terminated
 * malloc'd buffer.  Messages name the path. */
int aoi__read_small_file(const char *path, size_t max_bytes, char **data, size_t *len);

#endif
