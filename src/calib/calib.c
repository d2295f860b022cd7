/* calib.c - reading station calibration files. */
#include "aoi/calib.h"
#include "core/error_internal.h"
#include "core/fileio.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CALIB_MAX_BYTES (1 << 20)

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
