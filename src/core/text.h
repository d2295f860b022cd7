/* text.h - escaping text for XML and HTML output (library-internal). */
#ifndef AOI_TEXT_H
#define AOI_TEXT_H

#include <stdio.h>

/* Writes s with & < > " ' escaped, so that it is text in element content and
 * in quoted attribute values alike.  NULL writes nothing. */
void aoi__put_escaped(FILE *f, const char *s);

#endif
