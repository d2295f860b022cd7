/* fileio.c - bounded whole-file reads and all-or-nothing writes, with precise
 * messages. */
#include "core/error_internal.h"
#include "core/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int aoi__read_small_file(const char *path, size_t max_bytes, char **data, size_t *len)
{
    struct stat st;
    char *buf = NULL;
    size_t got = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int ret = -1;

    if (fd < 0) {
        aoi__error("%s: cannot open: %s", path, strerror(errno));
        goto bailout;
    }
    if (fstat(fd, &st) < 0) {
        aoi__error("%s: cannot stat: %s", path, strerror(errno));
        goto bailout;
    }
    if (!S_ISREG(st.st_mode)) {
        aoi__error("%s: not a regular file", path);
        goto bailout;
    }
    if ((unsigned long long)st.st_size > max_bytes) {
        aoi__error("%s: %lld bytes is more than the limit of %zu", path, (long long)st.st_size,
                   max_bytes);
        goto bailout;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        aoi__error("%s: out of memory", path);
        goto bailout;
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            aoi__error("%s: read error: %s", path, strerror(errno));
            goto bailout;
        }
        if (r == 0)
            break;
        got += (size_t)r;
    }
    buf[got] = '\0';
    *data = buf;
    *len = got;
    buf = NULL;
    ret = 0;
bailout:
    free(buf);
    if (fd >= 0)
        close(fd);
    return ret;
}

int aoi__write_text_file(const char *path, const char *text)
{
    char tmp[4096];
    FILE *f = NULL;
    int ret = -1;
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp", path) >= sizeof tmp)
        return aoi__error("%s: path too long", path);
    if (!(f = fopen(tmp, "w"))) {
        aoi__error("%s: cannot create: %s", tmp, strerror(errno));
        goto bailout;
    }
    if (fputs(text, f) < 0 || fputc('\n', f) < 0 || fflush(f) != 0) {
        aoi__error("%s: write failed: %s", tmp, strerror(errno));
        goto bailout;
    }
    if (fclose(f) != 0) {
        f = NULL;
        aoi__error("%s: write failed: %s", tmp, strerror(errno));
        goto bailout;
    }
    f = NULL;
    if (rename(tmp, path) != 0) {
        aoi__error("%s: cannot replace: %s", path, strerror(errno));
        goto bailout;
    }
    ret = 0;
bailout:
    if (f)
        fclose(f);
    if (ret < 0)
        unlink(tmp);
    return ret;
}
