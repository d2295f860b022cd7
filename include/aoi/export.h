/* aoi/export.h - symbol visibility of the public API. */
#ifndef AOI_EXPORT_H
#define AOI_EXPORT_H

#if defined(__GNUC__)
#define AOI_API __attribute__((visibility("default")))
#else
#define AOI_API
#endif

#endif
