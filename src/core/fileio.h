/* fileio.h - bounded whole-file reads, all-or-nothing writes (library-internal). */
#ifndef AOI_FILEIO_H
#define AOI_FILEIO_H

#include <stddef.h>

/* Reads a whole regular file of at most max_bytes into a NUL-terminated
 * malloc'd buffer.  Messages name the path. */
int aoi__read_small_file(const char *path, size_t max_bytes, char **data, size_t *len);

/* Writes text and a newline to path + ".tmp" and renames it over path, so
 * that path is never left half written; the temporary is removed on
 * failure.  Messages name the path. */
int aoi__write_text_file(const char *path, const char *text);

#endif
