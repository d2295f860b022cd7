/* station.c - station models: teaching from golden frames, the versioned
 * JSON file, and the per-pin measures as JSON. */
#include "aoi/inspect.h"
#include "core/error_internal.h"
#include "core/fileio.h"
#include "inspect/inspect_internal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define STATION_MAX_BYTES (4 << 20)
#define TEACH_MAX_IMAGES 64

static const char *const ref_names[REF_COUNT] = {"mask", "solder", "terminal", "body", "pad", "solder_dark"};

void aoi_station_free(aoi_station *st)
{
    if (!st)
        return;
    free(st->nominal_area);
    free(st);
}

const char *aoi_station_part(const aoi_station *st)
{
    return st->part;
}

int aoi_station_images(const aoi_station *st)
{
    return st->images;
}

static cJSON *feat_json(feat f)
{
    double v[3] = {round(f.L * 1e5) / 1e5, round(f.cr * 1e5) / 1e5, round(f.cg * 1e5) / 1e5};
    return cJSON_CreateDoubleArray(v, 3);
}

int aoi_station_save(const aoi_station *st, const char *path)
{
    cJSON *root = cJSON_CreateObject(), *a, *t, *arr;
    char *text = NULL, date[32];
    int ret = -1;
    time_t now = time(NULL);
    struct tm tmv;
    if (!root)
        return aoi__error("out of memory");
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tmv));
    cJSON_AddStringToObject(root, "format", "f4saoi-station");
    cJSON_AddNumberToObject(root, "version", AOI_STATION_VERSION);
    cJSON_AddStringToObject(root, "part", st->part);
    t = cJSON_AddObjectToObject(root, "taught");
    cJSON_AddNumberToObject(t, "images", st->images);
    cJSON_AddNumberToObject(t, "um_per_px", st->um_per_px);
    cJSON_AddNumberToObject(t, "rotation", st->rotation);
    cJSON_AddStringToObject(t, "date", date);
    a = cJSON_AddObjectToObject(root, "appearance");
    cJSON_AddStringToObject(a, "space", "[log(mean+8), r/(sum+24), g/(sum+24)]");
    for (int i = 0; i < REF_COUNT; i++)
        cJSON_AddItemToObject(a, ref_names[i], feat_json(st->ref[i]));
    cJSON_AddNumberToObject(a, "mask_spread", round(st->mask_spread * 1e5) / 1e5);
    cJSON_AddNumberToObject(a, "body_to_mask", round(st->body_to_mask * 1e5) / 1e5);
    arr = cJSON_AddArrayToObject(root, "nominal_area_mm2");
    for (size_t i = 0; i < st->npads; i++)
        cJSON_AddItemToArray(arr, isfinite(st->nominal_area[i])
                                      ? cJSON_CreateNumber(round(st->nominal_area[i] * 1e6) / 1e6)
                                      : cJSON_CreateNull());
    if (!(text = cJSON_Print(root))) {
        aoi__error("out of memory");
        goto bailout;
    }
    if (aoi__write_text_file(path, text) < 0)
        goto bailout;
    ret = 0;
bailout:
    free(text);
    cJSON_Delete(root);
    return ret;
}

static int get_feat(const char *path, cJSON *a, const char *name, feat *out)
{
    cJSON *v = cJSON_GetObjectItemCaseSensitive(a, name);
    double x[3];
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) != 3)
        return aoi__error("%s: field 'appearance.%s' must be an array of 3 numbers", path, name);
    for (int i = 0; i < 3; i++) {
        cJSON *e = cJSON_GetArrayItem(v, i);
        if (!cJSON_IsNumber(e) || !isfinite(e->valuedouble))
            return aoi__error("%s: field 'appearance.%s[%d]' is not a number", path, name, i);
        x[i] = e->valuedouble;
    }
    if (x[0] < 0 || x[0] > 7 || x[1] < 0 || x[1] > 1 || x[2] < 0 || x[2] > 1)
        return aoi__error("%s: field 'appearance.%s' is out of range", path, name);
    *out = (feat){(float)x[0], (float)x[1], (float)x[2]};
    return 0;
}

aoi_station *aoi_station_load(const char *path, const aoi_part *part)
{
    char *data = NULL;
    size_t len = 0;
    const char *end = NULL;
    cJSON *root = NULL, *x, *a, *arr, *t;
    aoi_station *st = NULL;
    size_t npads = aoi_part_pad_count(part);

    if (aoi__read_small_file(path, STATION_MAX_BYTES, &data, &len) < 0)
        goto bailout;
    if (!(root = cJSON_ParseWithLengthOpts(data, len, &end, 0))) {
        aoi__json_syntax_error(path, data, len, end);
        goto bailout;
    }
    x = cJSON_GetObjectItemCaseSensitive(root, "format");
    if (!cJSON_IsString(x) || strcmp(x->valuestring, "f4saoi-station") != 0) {
        aoi__error("%s: not a station model (field 'format' must be \"f4saoi-station\"; "
                   "part models go to --part)",
                   path);
        goto bailout;
    }
    x = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (!cJSON_IsNumber(x) || x->valuedouble != AOI_STATION_VERSION) {
        aoi__error("%s: station model version %g is not supported (this build reads version %d; "
                   "teach again)",
                   path, cJSON_IsNumber(x) ? x->valuedouble : -1.0, AOI_STATION_VERSION);
        goto bailout;
    }
    x = cJSON_GetObjectItemCaseSensitive(root, "part");
    if (!cJSON_IsString(x) || strlen(x->valuestring) >= sizeof st->part) {
        aoi__error("%s: field 'part' missing or not a part number", path);
        goto bailout;
    }
    if (strcmp(x->valuestring, aoi_part_number(part)) != 0) {
        aoi__error("%s: this station model was taught for %s, not %s", path, x->valuestring,
                   aoi_part_number(part));
        goto bailout;
    }
    if (!(st = calloc(1, sizeof *st)) || !(st->nominal_area = calloc(npads, sizeof(double)))) {
        aoi__error("out of memory");
        goto bailout;
    }
    strcpy(st->part, x->valuestring);
    st->npads = npads;
    t = cJSON_GetObjectItemCaseSensitive(root, "taught");
    x = cJSON_IsObject(t) ? cJSON_GetObjectItemCaseSensitive(t, "images") : NULL;
    if (!cJSON_IsNumber(x) || x->valuedouble < 3 || x->valuedouble > TEACH_MAX_IMAGES) {
        aoi__error("%s: field 'taught.images' missing or not 3..%d", path, TEACH_MAX_IMAGES);
        goto bailout;
    }
    st->images = x->valueint;
    x = cJSON_GetObjectItemCaseSensitive(t, "um_per_px");
    st->um_per_px = cJSON_IsNumber(x) ? x->valuedouble : 0;
    x = cJSON_GetObjectItemCaseSensitive(t, "rotation");
    st->rotation = cJSON_IsNumber(x) ? x->valueint : 0;
    a = cJSON_GetObjectItemCaseSensitive(root, "appearance");
    if (!cJSON_IsObject(a)) {
        aoi__error("%s: field 'appearance' missing or not an object", path);
        goto bailout;
    }
    for (int i = 0; i < REF_COUNT; i++)
        if (get_feat(path, a, ref_names[i], &st->ref[i]) < 0)
            goto bailout;
    x = cJSON_GetObjectItemCaseSensitive(a, "mask_spread");
    st->mask_spread = cJSON_IsNumber(x) ? x->valuedouble : 0;
    x = cJSON_GetObjectItemCaseSensitive(a, "body_to_mask");
    st->body_to_mask = cJSON_IsNumber(x) ? x->valuedouble : 0;
    arr = cJSON_GetObjectItemCaseSensitive(root, "nominal_area_mm2");
    if (!cJSON_IsArray(arr) || (size_t)cJSON_GetArraySize(arr) != npads) {
        aoi__error("%s: field 'nominal_area_mm2' must hold one entry per pad (%zu)", path, npads);
        goto bailout;
    }
    for (size_t i = 0; i < npads; i++) {
        cJSON *e = cJSON_GetArrayItem(arr, (int)i);
        if (cJSON_IsNull(e))
            st->nominal_area[i] = NAN;
        else if (cJSON_IsNumber(e) && e->valuedouble >= 0 && e->valuedouble < 10)
            st->nominal_area[i] = e->valuedouble;
        else {
            aoi__error("%s: field 'nominal_area_mm2[%zu]' is not an area in mm²", path, i);
            goto bailout;
        }
    }
    cJSON_Delete(root);
    free(data);
    return st;
bailout:
    aoi_station_free(st);
    cJSON_Delete(root);
    free(data);
    return NULL;
}

/* --- teaching -------------------------------------------------------------- */

struct aoi_teacher {
    const aoi_part *part;
    aoi_inspector *in;
    double um;
    int rot, n;
    feat refs[TEACH_MAX_IMAGES][REF_COUNT];
    double spread[TEACH_MAX_IMAGES], b2m[TEACH_MAX_IMAGES];
    double *areas; /* n x npads */
    size_t npads;
};

aoi_teacher *aoi_teacher_new(const aoi_part *part, double um_per_px, int rotation,
                             const aoi_thresholds *t)
{
    aoi_teacher *tc = calloc(1, sizeof *tc);
    if (!tc) {
        aoi__error("out of memory");
        return NULL;
    }
    tc->part = part, tc->um = um_per_px, tc->rot = rotation;
    tc->npads = aoi_part_pad_count(part);
    if (!(tc->in = aoi_inspector_new(part, um_per_px, rotation, t, NULL)) ||
        !(tc->areas = calloc(TEACH_MAX_IMAGES * tc->npads, sizeof(double)))) {
        if (tc->in)
            aoi__error("out of memory");
        aoi_teacher_free(tc);
        return NULL;
    }
    return tc;
}

void aoi_teacher_free(aoi_teacher *tc)
{
    if (!tc)
        return;
    aoi_inspector_free(tc->in);
    free(tc->areas);
    free(tc);
}

int aoi_teacher_set_calib(aoi_teacher *tc, const aoi_calib *cal)
{
    return aoi_inspector_set_calib(tc->in, cal);
}

int aoi_teacher_add(aoi_teacher *tc, const aoi_image *golden)
{
    aoi_result res;
    aoi_inspect_info info;
    frame_refs fr;
    int ret = -1;
    aoi_result_init(&res);
    if (tc->n >= TEACH_MAX_IMAGES) {
        aoi__error("teaching takes at most %d golden images", TEACH_MAX_IMAGES);
        goto bailout;
    }
    if (aoi__inspect_measure(tc->in, golden, NULL, &res, &info, &fr) < 0) {
        aoi__error_prefix("not usable as a golden image");
        goto bailout;
    }
    if (res.ndefects) {
        const aoi_defect *d = &res.defects[0];
        aoi__error("does not look defect-free: %zu defect(s), first %s at pin %d (a golden image "
                   "must show a good board)",
                   res.ndefects, aoi_defect_name(d->type), d->npins ? d->pins[0] : 0);
        goto bailout;
    }
    for (int i = 0; i < REF_COUNT; i++)
        tc->refs[tc->n][i] = fr.ref[i];
    tc->spread[tc->n] = fr.mask_spread;
    tc->b2m[tc->n] = fr.body_to_mask;
    for (size_t i = 0; i < tc->npads; i++)
        tc->areas[(size_t)tc->n * tc->npads + i] = info.joints[i].solder_area_mm2;
    tc->n++;
    ret = 0;
bailout:
    aoi_result_clear(&res);
    return ret;
}

aoi_station *aoi_teacher_finish(aoi_teacher *tc)
{
    aoi_station *st;
    double v[TEACH_MAX_IMAGES];
    if (tc->n < 3) {
        aoi__error("teaching needs at least 3 accepted golden images (have %d)", tc->n);
        return NULL;
    }
    if (!(st = calloc(1, sizeof *st)) || !(st->nominal_area = calloc(tc->npads, sizeof(double)))) {
        aoi__error("out of memory");
        aoi_station_free(st);
        return NULL;
    }
    snprintf(st->part, sizeof st->part, "%s", aoi_part_number(tc->part));
    st->images = tc->n;
    st->um_per_px = tc->um;
    st->rotation = tc->rot;
    st->npads = tc->npads;
    for (int r = 0; r < REF_COUNT; r++) {
        float *dst[3] = {&st->ref[r].L, &st->ref[r].cr, &st->ref[r].cg};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < tc->n; i++)
                v[i] = c == 0 ? tc->refs[i][r].L : c == 1 ? tc->refs[i][r].cr : tc->refs[i][r].cg;
            *dst[c] = (float)aoi__median(v, tc->n);
        }
    }
    memcpy(v, tc->spread, (size_t)tc->n * sizeof *v);
    st->mask_spread = aoi__median(v, tc->n);
    memcpy(v, tc->b2m, (size_t)tc->n * sizeof *v);
    st->body_to_mask = aoi__median(v, tc->n);
    for (size_t p = 0; p < tc->npads; p++) {
        for (int i = 0; i < tc->n; i++)
            v[i] = tc->areas[(size_t)i * tc->npads + p];
        st->nominal_area[p] = aoi__median(v, tc->n);
    }
    return st;
}

/* --- per-pin measures as JSON ------------------------------------------------ */

static void add_num(cJSON *o, const char *k, double v, double scale)
{
    if (isfinite(v))
        cJSON_AddNumberToObject(o, k, round(v * scale) / scale);
    else
        cJSON_AddNullToObject(o, k);
}

char *aoi_inspect_info_json(const aoi_inspect_info *info)
{
    cJSON *root = cJSON_CreateObject(), *arr, *c;
    char *s;
    if (!root)
        return NULL;
    cJSON_AddNumberToObject(root, "rotation", info->rotation);
    c = cJSON_AddObjectToObject(root, "connector");
    cJSON_AddBoolToObject(c, "present", info->present);
    if (info->present) {
        add_num(c, "dx_mm", info->connector_dx_mm, 1e4);
        add_num(c, "dy_mm", info->connector_dy_mm, 1e4);
        add_num(c, "rot_deg", info->connector_rot_deg, 1e3);
    }
    add_num(root, "register_ms", info->register_ms, 1e2);
    add_num(root, "inspect_ms", info->inspect_ms, 1e2);
    arr = cJSON_AddArrayToObject(root, "joints");
    for (size_t i = 0; info->present && i < info->njoints; i++) {
        const aoi_joint *j = &info->joints[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "pin", j->pin);
        add_num(o, "solder_area_mm2", j->solder_area_mm2, 1e5);
        add_num(o, "nominal_area_mm2", j->nominal_area_mm2, 1e5);
        add_num(o, "wet_ratio", j->wet_ratio, 1e3);
        add_num(o, "overhang_mm", j->overhang_mm, 1e3);
        add_num(o, "solder_to_body_mm", j->solder_to_body_mm, 1e3);
        add_num(o, "flux_cover", j->flux_cover, 1e2);
        add_num(o, "offset_x_mm", j->offset_x_mm, 1e3);
        add_num(o, "offset_y_mm", j->offset_y_mm, 1e3);
        add_num(o, "toe_relief", j->toe_relief, 1e3);
        add_num(o, "toe_ratio", j->toe_ratio, 1e3);
        add_num(o, "toe_wet", j->toe_wet, 1e3);
        add_num(o, "side_wet", j->side_wet, 1e3);
        cJSON_AddItemToArray(arr, o);
    }
    s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return s;
}
