/* params.c - the physical thresholds of the inspection: loaded from a JSON
 * file where each value carries its reason, overridable by name per job. */
#include "aoi/inspect.h"
#include "core/error_internal.h"
#include "core/fileio.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *name;
    size_t offset;
    double lo, hi; /* accepted range */
} field;

#define F(n, lo, hi) {#n, offsetof(aoi_thresholds, n), lo, hi}
static const field fields[] = {
    F(overhang_mm, 0.005, 1.0),           F(rise_mm, 0.0, 1.0),
    F(flux_band_mm, 0.01, 1.0),           F(flux_cover, 0.01, 1.0),
    F(flux_cover_short_band, 0.01, 1.0),  F(insufficient_ratio, 0.0, 1.0),
    F(area_confirm_ratio, 0.0, 2.0),      F(toe_relief_ratio, 0.0, 1.0),
    F(toe_wet_drop, 0.0, 1.0),            F(toe_wet_mads, 0.0, 100.0),
    F(dry_toe_relief_ratio, 0.0, 2.0),    F(dry_toe_area_ratio, 0.0, 10.0),
    F(covered_wet_sum, 0.0, 4.0),         F(covered_toe_relief_ratio, 0.0, 1.0),
    F(offset_across_mm, 0.005, 1.0),      F(offset_along_mm, 0.005, 2.0),
    F(min_score, 0.0, 1.0),               F(squeezed_land_mm, 0.0, 2.0),
};
#undef F
#define NFIELDS (sizeof fields / sizeof *fields)
_Static_assert(NFIELDS == AOI_THRESHOLD_COUNT && sizeof(aoi_thresholds) % sizeof(double) == 0,
               "a name and a range for every threshold");

const char *const *aoi_threshold_names(void)
{
    static const char *names[NFIELDS + 1];
    if (!names[0])
        for (size_t i = 0; i < NFIELDS; i++)
            names[i] = fields[i].name;
    return names;
}

int aoi_threshold_range(const char *name, double *lo, double *hi)
{
    for (size_t i = 0; i < NFIELDS; i++)
        if (strcmp(fields[i].name, name) == 0) {
            *lo = fields[i].lo;
            *hi = fields[i].hi;
            return 0;
        }
    return aoi__error("unknown threshold '%s'", name);
}

static double *slot(aoi_thresholds *t, const field *f)
{
    return (double *)((char *)t + f->offset);
}

static int check_range(const char *origin, const field *f, double v)
{
    if (!isfinite(v) || v < f->lo || v > f->hi)
        return aoi__error("%s: threshold '%s' = %g is outside %g..%g", origin, f->name, v, f->lo,
                          f->hi);
    return 0;
}

int aoi_thresholds_load(const char *path, aoi_thresholds *t)
{
    char *data = NULL;
    size_t len = 0;
    const char *end = NULL;
    cJSON *root = NULL, *th, *fmt, *ver;
    aoi_thresholds tmp;
    int ret = -1;

    if (aoi__read_small_file(path, 1 << 20, &data, &len) < 0)
        goto bailout;
    if (!(root = cJSON_ParseWithLengthOpts(data, len, &end, 0))) {
        aoi__json_syntax_error(path, data, len, end);
        goto bailout;
    }
    fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    ver = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!cJSON_IsString(fmt) || strcmp(fmt->valuestring, "f4saoi-thresholds") != 0) {
        aoi__error("%s: not a thresholds file (field 'format' must be \"f4saoi-thresholds\")", path);
        goto bailout;
    }
    if (!cJSON_IsNumber(ver) || ver->valuedouble != 1) {
        aoi__error("%s: unsupported thresholds version (this build reads version 1)", path);
        goto bailout;
    }
    th = cJSON_GetObjectItemCaseSensitive(root, "thresholds");
    if (!cJSON_IsObject(th)) {
        aoi__error("%s: field 'thresholds' missing or not an object", path);
        goto bailout;
    }
    for (size_t i = 0; i < NFIELDS; i++) {
        cJSON *o = cJSON_GetObjectItemCaseSensitive(th, fields[i].name), *v;
        v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, "value") : NULL;
        if (!cJSON_IsNumber(v)) {
            aoi__error("%s: field 'thresholds.%s.value' missing or not a number", path,
                       fields[i].name);
            goto bailout;
        }
        if (check_range(path, &fields[i], v->valuedouble) < 0)
            goto bailout;
        *slot(&tmp, &fields[i]) = v->valuedouble;
    }
    for (cJSON *o = th->child; o; o = o->next) {
        size_t i;
        for (i = 0; i < NFIELDS && strcmp(o->string, fields[i].name) != 0; i++)
            ;
        if (i == NFIELDS) {
            aoi__error("%s: unknown threshold 'thresholds.%s'", path, o->string);
            goto bailout;
        }
    }
    *t = tmp;
    ret = 0;
bailout:
    cJSON_Delete(root);
    free(data);
    return ret;
}

int aoi_thresholds_load_default(const char *models_dir, aoi_thresholds *t)
{
    char path[4096];
    if (!models_dir)
        models_dir = aoi_models_dir();
    if ((size_t)snprintf(path, sizeof path, "%s/inspection.json", models_dir) >= sizeof path)
        return aoi__error("models directory path too long");
    return aoi_thresholds_load(path, t);
}

/* Sets the threshold named name[0..len) to v, range-checked as an
 * override. */
static int set_named(aoi_thresholds *t, const char *name, size_t len, double v)
{
    for (size_t i = 0; i < NFIELDS; i++)
        if (strlen(fields[i].name) == len && strncmp(name, fields[i].name, len) == 0) {
            if (check_range("override", &fields[i], v) < 0)
                return -1;
            *slot(t, &fields[i]) = v;
            return 0;
        }
    char known[512];
    size_t at = 0;
    known[0] = '\0';
    for (size_t i = 0; i < NFIELDS && at < sizeof known; i++)
        at +=
            (size_t)snprintf(known + at, sizeof known - at, "%s%s", i ? ", " : "", fields[i].name);
    return aoi__error("unknown threshold '%.*s' (known: %s)", (int)len, name, known);
}

int aoi_thresholds_set_value(aoi_thresholds *t, const char *name, double value)
{
    if (!t || !name)
        return aoi__error("aoi_thresholds_set_value(): no thresholds or no name");
    return set_named(t, name, strlen(name), value);
}

int aoi_thresholds_set(aoi_thresholds *t, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    char *end;
    if (!eq)
        return aoi__error("threshold override '%s' is not NAME=VALUE", assignment);
    double v = strtod(eq + 1, &end);
    if (end == eq + 1 || *end)
        return aoi__error("threshold override '%s': '%s' is not a number", assignment, eq + 1);
    return set_named(t, assignment, (size_t)(eq - assignment), v);
}
