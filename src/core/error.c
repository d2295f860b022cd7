/* error.c - per-thread error messages behind aoi_errmsg(). */
#include "error_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define AOI_ERRMSG_MAX 1024

static _Thread_local char errmsg[AOI_ERRMSG_MAX];

const char *aoi_errmsg(void)
{
    return errmsg;
}

void aoi_error_clear(void)
{
    errmsg[0] = '\0';
}

int aoi__error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(errmsg, sizeof errmsg, fmt, ap);
    va_end(ap);
    return -1;
}

int aoi__error_prefix(const char *fmt, ...)
{
    char out[AOI_ERRMSG_MAX];
    size_t plen, olen = strlen(errmsg);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(out, sizeof out, fmt, ap);
    va_end(ap);
    plen = strlen(out);
    if (plen + 2 < sizeof out) {
        memcpy(out + plen, ": ", 2);
        plen += 2;
        if (olen > sizeof out - 1 - plen)
            olen = sizeof out - 1 - plen;
        memcpy(out + plen, errmsg, olen);
        plen += olen;
    }
    out[plen] = '\0';
    memcpy(errmsg, out, plen + 1);
    return -1;
}

int aoi__json_syntax_error(const char *origin, const char *data, size_t len, const char *end)
{
    size_t line = 1, col = 1, stop;
    int blank = 1;
    for (size_t i = 0; i < len; i++)
        if (data[i] != ' ' && data[i] != '\n' && data[i] != '\r' && data[i] != '\t')
            blank = 0;
    if (blank)
        return aoi__error("%s: not valid JSON: empty input", origin);
    stop = end && end >= data && end <= data + len ? (size_t)(end - data) : len;
    for (size_t i = 0; i < stop; i++) {
        if (data[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    return aoi__error("%s: not valid JSON: syntax error at line %zu, column %zu", origin, line,
                      col);
}
