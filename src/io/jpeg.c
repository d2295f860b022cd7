/* jpeg.c - JPEG reading and writing through TurboJPEG. */
#include "core/error_internal.h"
#include "io/image_internal.h"
#include "core/fileio.h"

#include <stdio.h>
#include <stdlib.h>
#include <turbojpeg.h>

#define JPEG_MAX_FILE_BYTES ((size_t)1 << 30)

int aoi__jpeg_read(const char *path, aoi_format fmt, size_t max_pixels, aoi_image *out)
{
    char *buf = NULL;
    size_t len = 0;
    tjhandle tj = NULL;
    int w, h, subsamp, cs, ret = -1;

    if (aoi__read_small_file(path, JPEG_MAX_FILE_BYTES, &buf, &len) < 0)
        goto bailout;
    if (!(tj = tjInitDecompress())) {
        aoi__error("%s: TurboJPEG: %s", path, tjGetErrorStr2(NULL));
        goto bailout;
    }
    if (tjDecompressHeader3(tj, (unsigned char *)buf, (unsigned long)len, &w, &h, &subsamp, &cs) <
        0) {
        aoi__error("%s: corrupt JPEG header: %s", path, tjGetErrorStr2(tj));
        goto bailout;
    }
    if (w <= 0 || h <= 0 || (size_t)w * (size_t)h > max_pixels) {
        aoi__error("%s: %dx%d pixels is beyond the limit of %zu pixels", path, w, h, max_pixels);
        goto bailout;
    }
    if (aoi_image_alloc(out, w, h, fmt) < 0) {
        aoi__error_prefix("%s", path);
        goto bailout;
    }
    if (tjDecompress2(tj, (unsigned char *)buf, (unsigned long)len, out->data, w, (int)out->stride,
                      h, fmt == AOI_FMT_GRAY8 ? TJPF_GRAY : TJPF_RGB,
                      TJFLAG_STOPONWARNING) < 0) {
        aoi__error("%s: %s JPEG: %s", path,
                   tjGetErrorCode(tj) == TJERR_WARNING ? "truncated or damaged" : "corrupt",
                   tjGetErrorStr2(tj));
        aoi_image_free(out);
        goto bailout;
    }
    ret = 0;
bailout:
    if (tj)
        tjDestroy(tj);
    free(buf);
    return ret;
}

int aoi_image_write_jpeg(const aoi_image *img, const char *path, int quality, int subsamp444)
{
    aoi_image packed = {0};
    tjhandle tj = NULL;
    unsigned char *jpg = NULL;
    unsigned long jlen = 0;
    FILE *f = NULL;
    int gray, ret = -1;

    if (quality < 1 || quality > 100)
        return aoi__error("%s: JPEG quality %d is outside 1..100", path, quality);
    gray = img->format == AOI_FMT_GRAY8;
    if (aoi__image_to_packed(img, gray ? AOI_FMT_GRAY8 : AOI_FMT_RGB, &packed) < 0) {
        aoi__error_prefix("%s", path);
        goto bailout;
    }
    if (!(tj = tjInitCompress())) {
        aoi__error("%s: TurboJPEG: %s", path, tjGetErrorStr2(NULL));
        goto bailout;
    }
    if (tjCompress2(tj, packed.data, packed.width, (int)packed.stride, packed.height,
                    gray ? TJPF_GRAY : TJPF_RGB, &jpg, &jlen,
                    gray ? TJSAMP_GRAY : (subsamp444 ? TJSAMP_444 : TJSAMP_420), quality,
                    TJFLAG_ACCURATEDCT) < 0) {
        aoi__error("%s: JPEG encoding failed: %s", path, tjGetErrorStr2(tj));
        goto bailout;
    }
    if (!(f = fopen(path, "wb"))) {
        aoi__error("%s: cannot create: %m", path);
        goto bailout;
    }
    if (fwrite(jpg, 1, jlen, f) != jlen) {
        aoi__error("%s: write error: %m", path);
        goto bailout;
    }
    ret = 0;
bailout:
    if (f && fclose(f) != 0 && ret == 0)
        ret = aoi__error("%s: write error: %m", path);
    if (jpg)
        tjFree(jpg);
    if (tj)
        tjDestroy(tj);
    aoi_image_free(&packed);
    return ret;
}
