/* calib.c - reading and writing station calibration files. */
#include "aoi/calib.h"
#include "core/error_internal.h"
#include "core/fileio.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CALIB_MAX_BYTES (1 << 20)

/* Reads n numbers of an array field into v; -1 (message) when malformed. */
static int numbers(const cJSON *a, int n, double *v)
{
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != n)
        return -1;
    for (int i = 0; i < n; i++) {
        const cJSON *e = cJSON_GetArrayItem(a, i);
        if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble))
            return -1;
        v[i] = e->valuedouble;
    }
    return 0;
}

static int load_lens(const cJSON *root, const char *path, aoi_calib *c)
{
    const cJSON *km = cJSON_GetObjectItemCaseSensitive(root, "camera_matrix");
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(root, "distortion");
    const cJSON *sz = cJSON_GetObjectItemCaseSensitive(root, "image_size");
    double K[9], dist[5], size[2];
    if (!km && !d)
        return 0;
    if (!km || !d)
        return aoi__error("%s: 'camera_matrix' and 'distortion' go together", path);
    for (int r = 0; r < 3; r++)
        if (!cJSON_IsArray(km) || cJSON_GetArraySize(km) != 3 ||
            numbers(cJSON_GetArrayItem(km, r), 3, K + 3 * r) < 0)
            return aoi__error("%s: field 'camera_matrix' must be 3 rows of 3 numbers", path);
    if (K[1] != 0 || K[3] != 0 || K[6] != 0 || K[7] != 0 || K[8] != 1)
        return aoi__error("%s: field 'camera_matrix' must be [[fx,0,cx],[0,fy,cy],[0,0,1]]", path);
    if (numbers(d, 5, dist) < 0)
        return aoi__error("%s: field 'distortion' must be [k1, k2, p1, p2, k3]", path);
    if (numbers(sz, 2, size) < 0 || !(size[0] >= 16 && size[0] <= 65535) ||
        !(size[1] >= 16 && size[1] <= 65535) || size[0] != floor(size[0]) ||
        size[1] != floor(size[1]))
        return aoi__error("%s: field 'image_size' must be [width, height] of the calibrated "
                          "frames (16..65535)",
                          path);
    c->width = (int)size[0], c->height = (int)size[1];
    c->lens = (aoi_lens){K[0], K[4], K[2], K[5], dist[0], dist[1], dist[2], dist[3], dist[4]};
    if (aoi_lens_check(&c->lens, c->width, c->height) < 0)
        return aoi__error_prefix("%s: fields 'camera_matrix'/'distortion'", path);
    c->has_lens = 1;
    return 0;
}

static int load_gains(const cJSON *root, const char *path, aoi_calib *c)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(root, "gains");
    if (!g || cJSON_IsNull(g))
        return 0;
    if (numbers(g, 3, c->gain) < 0)
        return aoi__error("%s: field 'gains' must be [r, g, b]", path);
    for (int q = 0; q < 3; q++)
        if (!(c->gain[q] >= 0.2 && c->gain[q] <= 5))
            return aoi__error("%s: field 'gains' (%g, %g, %g) outside 0.2..5", path, c->gain[0],
                              c->gain[1], c->gain[2]);
    c->has_gains = 1;
    return 0;
}

int aoi_calib_load(const char *path, aoi_calib *cal)
{
    char *data = NULL;
    size_t len = 0;
    const char *end = NULL;
    cJSON *root = NULL, *x;
    aoi_calib c = {0};
    int ret = -1;

    if (aoi__read_small_file(path, CALIB_MAX_BYTES, &data, &len) < 0)
        goto bailout;
    if (!(root = cJSON_ParseWithLengthOpts(data, len, &end, 0))) {
        aoi__json_syntax_error(path, data, len, end);
        goto bailout;
    }
    x = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(x) || strcmp(x->valuestring, "f4saoi-calibration") != 0) {
        aoi__error("%s: not a calibration file (field 'format' must be \"f4saoi-calibration\")",
                   path);
        goto bailout;
    }
    x = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!cJSON_IsNumber(x) || x->valuedouble != 1) {
        aoi__error("%s: unsupported calibration version (this build reads version 1)", path);
        goto bailout;
    }
    x = cJSON_GetObjectItemCaseSensitive(root, "um_per_px");
    if (!cJSON_IsArray(x) || cJSON_GetArraySize(x) != 2 ||
        !cJSON_IsNumber(cJSON_GetArrayItem(x, 0)) || !cJSON_IsNumber(cJSON_GetArrayItem(x, 1))) {
        aoi__error("%s: field 'um_per_px' must be [x, y] in micrometres per pixel", path);
        goto bailout;
    }
    c.um_per_px_x = cJSON_GetArrayItem(x, 0)->valuedouble;
    c.um_per_px_y = cJSON_GetArrayItem(x, 1)->valuedouble;
    if (!(c.um_per_px_x >= 1 && c.um_per_px_x <= 100 && c.um_per_px_y >= 1 &&
          c.um_per_px_y <= 100)) {
        aoi__error("%s: field 'um_per_px' (%g, %g) is outside 1..100", path, c.um_per_px_x,
                   c.um_per_px_y);
        goto bailout;
    }
    if (fabs(c.um_per_px_x / c.um_per_px_y - 1) > 0.02) {
        aoi__error("%s: pixels are not square (%g x %g um); the inspection needs a telecentric "
                   "view with square pixels",
                   path, c.um_per_px_x, c.um_per_px_y);
        goto bailout;
    }
    x = cJSON_GetObjectItemCaseSensitive(root, "rms_px");
    c.rms_px = cJSON_IsNumber(x) ? x->valuedouble : 0;
    x = cJSON_GetObjectItemCaseSensitive(root, "views");
    c.views = cJSON_IsNumber(x) ? x->valueint : 0;
    x = cJSON_GetObjectItemCaseSensitive(root, "rotation_deg");
    c.rotation_deg = cJSON_IsNumber(x) ? x->valuedouble : 0;
    if (load_lens(root, path, &c) < 0 || load_gains(root, path, &c) < 0)
        goto bailout;
    *cal = c;
    ret = 0;
bailout:
    cJSON_Delete(root);
    free(data);
    return ret;
}

double aoi_calib_um_per_px(const aoi_calib *cal)
{
    return (cal->um_per_px_x + cal->um_per_px_y) / 2;
}

int aoi_calib_lens_matters(const aoi_calib *cal)
{
    return cal->has_lens && aoi_lens_max_shift(&cal->lens, cal->width, cal->height) > 0.05;
}

static cJSON *array_of(const double *v, int n)
{
    return cJSON_CreateDoubleArray(v, n);
}

int aoi_calib_save(const aoi_calib *cal, const aoi_target *target, const char *path)
{
    cJSON *root = cJSON_CreateObject(), *views;
    char *text = NULL, date[32], desc[64];
    time_t now = time(NULL);
    struct tm tm;
    int ret = -1;

    if (!root)
        goto oom;
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    {
        const double um[2] = {cal->um_per_px_x, cal->um_per_px_y};
        if (!cJSON_AddStringToObject(root, "format", "f4saoi-calibration") ||
            !cJSON_AddNumberToObject(root, "version", 1) ||
            !cJSON_AddStringToObject(root, "date", date) ||
            !cJSON_AddItemToObject(root, "um_per_px", array_of(um, 2)) ||
            !cJSON_AddNumberToObject(root, "rotation_deg", cal->rotation_deg) ||
            !cJSON_AddNumberToObject(root, "rms_px", cal->rms_px) ||
            !cJSON_AddNumberToObject(root, "views", cal->views) ||
            !cJSON_AddNumberToObject(root, "scale_spread", cal->scale_spread))
            goto oom;
    }
    if (target) {
        aoi_target_format(target, desc, sizeof desc);
        if (!cJSON_AddStringToObject(root, "target", desc))
            goto oom;
    }
    if (cal->has_lens) {
        const aoi_lens *l = &cal->lens;
        const double r0[3] = {l->fx, 0, l->cx}, r1[3] = {0, l->fy, l->cy}, r2[3] = {0, 0, 1};
        const double d[5] = {l->k1, l->k2, l->p1, l->p2, l->k3};
        const double sz[2] = {cal->width, cal->height};
        cJSON *km = cJSON_AddArrayToObject(root, "camera_matrix");
        if (!km || !cJSON_AddItemToArray(km, array_of(r0, 3)) ||
            !cJSON_AddItemToArray(km, array_of(r1, 3)) ||
            !cJSON_AddItemToArray(km, array_of(r2, 3)) ||
            !cJSON_AddItemToObject(root, "distortion", array_of(d, 5)) ||
            !cJSON_AddItemToObject(root, "image_size", array_of(sz, 2)) ||
            !cJSON_AddNumberToObject(root, "max_distortion_px",
                                     aoi_lens_max_shift(l, cal->width, cal->height)))
            goto oom;
    }
    if (cal->has_gains && !cJSON_AddItemToObject(root, "gains", array_of(cal->gain, 3)))
        goto oom;
    if (!(views = cJSON_AddArrayToObject(root, "per_view")))
        goto oom;
    for (int v = 0; v < cal->views && v < AOI_CALIB_MAX_VIEWS; v++) {
        const aoi_calib_view *cv = &cal->view[v];
        const double um[2] = {cv->um_per_px_x, cv->um_per_px_y};
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddItemToArray(views, o) ||
            !cJSON_AddItemToObject(o, "um_per_px", array_of(um, 2)) ||
            !cJSON_AddNumberToObject(o, "rotation_deg", cv->rotation_deg) ||
            !cJSON_AddNumberToObject(o, "rms_px", cv->rms_px))
            goto oom;
    }
    if (!(text = cJSON_Print(root)))
        goto oom;
    /* All or nothing: a station's calibration is never left half written. */
    if (aoi__write_text_file(path, text) < 0)
        goto bailout;
    ret = 0;
    goto bailout;
oom:
    aoi__error("out of memory");
bailout:
    free(text);
    cJSON_Delete(root);
    return ret;
}
