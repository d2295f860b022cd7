/* result.c - result records: building, JSON Lines in and out, pose mapping. */
#include "aoi/result.h"
#include "core/error_internal.h"
#include "core/grow.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const defect_names[AOI_DEFECT_COUNT] = {
    "bridge", "excess_solder", "flux_rise", "insufficient_solder", "offset", "missing_part",
};

const char *aoi_defect_name(aoi_defect_type t)
{
    return (unsigned)t < AOI_DEFECT_COUNT ? defect_names[t] : "unknown";
}

int aoi_defect_from_name(const char *name)
{
    for (int i = 0; i < AOI_DEFECT_COUNT; i++)
        if (strcmp(name, defect_names[i]) == 0)
            return i;
    return -1;
}

const char *aoi_verdict_name(aoi_verdict v)
{
    return v == AOI_VERDICT_PASS ? "pass" : v == AOI_VERDICT_FAIL ? "fail" : "error";
}

void aoi_result_init(aoi_result *r)
{
    memset(r, 0, sizeof *r);
}

void aoi_result_clear(aoi_result *r)
{
    free(r->image);
    free(r->part);
    free(r->error);
    free(r->defects);
    free(r->extra_json);
    aoi_result_init(r);
}

static int replace_str(char **dst, const char *src)
{
    char *s = NULL;
    if (src && !(s = strdup(src)))
        return aoi__error("out of memory");
    free(*dst);
    *dst = s;
    return 0;
}

int aoi_result_set_strings(aoi_result *r, const char *image, const char *part)
{
    return replace_str(&r->image, image) < 0 || replace_str(&r->part, part) < 0 ? -1 : 0;
}

int aoi_result_set_error(aoi_result *r, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    r->verdict = AOI_VERDICT_ERROR;
    return replace_str(&r->error, buf);
}

int aoi_result_add_defect(aoi_result *r, const aoi_defect *d)
{
    if (aoi__grow((void **)&r->defects, &r->cap, r->ndefects + 1, sizeof *r->defects, 8) < 0)
        return -1;
    r->defects[r->ndefects++] = *d;
    if (r->verdict == AOI_VERDICT_PASS)
        r->verdict = AOI_VERDICT_FAIL;
    return 0;
}

int aoi_result_set_extra(aoi_result *r, const char *json_object)
{
    cJSON *n = json_object ? cJSON_Parse(json_object) : NULL;
    int ok = cJSON_IsObject(n);
    cJSON_Delete(n);
    if (json_object && !ok)
        return aoi__error("extra fields must be a JSON object");
    return replace_str(&r->extra_json, json_object);
}

/* Rounds to 1e-4 so records stay short and stable. */
static double r4(double v)
{
    return round(v * 1e4) / 1e4;
}

static int add_num(cJSON *o, const char *name, double v)
{
    return cJSON_AddNumberToObject(o, name, r4(v)) ? 0 : -1;
}

int aoi_result_to_json(const aoi_result *r, char **line)
{
    cJSON *o = cJSON_CreateObject(), *defects, *extra = NULL;
    int ret = -1;

    *line = NULL;
    if (!o || !cJSON_AddStringToObject(o, "image", r->image ? r->image : "") ||
        !cJSON_AddStringToObject(o, "part", r->part ? r->part : "") ||
        !cJSON_AddStringToObject(o, "verdict", aoi_verdict_name(r->verdict)) ||
        !(r->error ? cJSON_AddStringToObject(o, "error", r->error) : cJSON_AddNullToObject(o, "error")))
        goto oom;
    if (r->has_pose) {
        cJSON *p = cJSON_AddObjectToObject(o, "pose");
        if (!p || add_num(p, "x_px", r->pose.x_px) < 0 || add_num(p, "y_px", r->pose.y_px) < 0 ||
            add_num(p, "theta_deg", r->pose.theta_deg) < 0 ||
            add_num(p, "um_per_px", r->pose.um_per_px) < 0 || add_num(p, "score", r->pose.score) < 0)
            goto oom;
    }
    if (!(defects = cJSON_AddArrayToObject(o, "defects")))
        goto oom;
    for (size_t i = 0; i < r->ndefects; i++) {
        const aoi_defect *d = &r->defects[i];
        cJSON *dj = cJSON_CreateObject(), *pins;
        if (!dj || !cJSON_AddItemToArray(defects, dj) ||
            !cJSON_AddStringToObject(dj, "type", aoi_defect_name(d->type)) ||
            !(pins = cJSON_AddArrayToObject(dj, "pins")))
            goto oom;
        for (int k = 0; k < d->npins; k++)
            if (!cJSON_AddItemToArray(pins, cJSON_CreateNumber(d->pins[k])))
                goto oom;
        if (add_num(dj, "x_mm", d->x_mm) < 0 || add_num(dj, "y_mm", d->y_mm) < 0)
            goto oom;
    }
    if (r->extra_json) {
        cJSON *it;
        extra = cJSON_Parse(r->extra_json);
        if (!cJSON_IsObject(extra)) {
            aoi__error("extra fields are not a JSON object");
            goto bailout;
        }
        while ((it = extra->child)) {
            cJSON_DetachItemViaPointer(extra, it);
            if (cJSON_GetObjectItemCaseSensitive(o, it->string))
                cJSON_Delete(it);
            else
                cJSON_AddItemToObject(o, it->string, it);
        }
    }
    if (!(*line = cJSON_PrintUnformatted(o)))
        goto oom;
    ret = 0;
    goto bailout;
oom:
    aoi__error("out of memory");
bailout:
    cJSON_Delete(extra);
    cJSON_Delete(o);
    return ret;
}

static int num_member(const cJSON *o, const char *name, double *out)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsNumber(n))
        return -1;
    *out = n->valuedouble;
    return isfinite(*out) ? 0 : -1;
}

static const char *str_member(const cJSON *o, const char *name)
{
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(n) ? n->valuestring : NULL;
}

static int parse_defect(const cJSON *o, aoi_defect *d, int idx)
{
    const cJSON *pins;
    const char *type;
    int t;
    memset(d, 0, sizeof *d);
    if (!cJSON_IsObject(o))
        return aoi__error("defects[%d] is not an object", idx);
    if (!(type = str_member(o, "type")))
        return aoi__error("defects[%d].type missing or not a string", idx);
    if ((t = aoi_defect_from_name(type)) < 0)
        return aoi__error("defects[%d].type '%s' is not a defect type", idx, type);
    d->type = (aoi_defect_type)t;
    pins = cJSON_GetObjectItemCaseSensitive(o, "pins");
    if (!cJSON_IsArray(pins) || cJSON_GetArraySize(pins) > 2)
        return aoi__error("defects[%d].pins must be an array of at most 2 pins", idx);
    d->npins = cJSON_GetArraySize(pins);
    for (int k = 0; k < d->npins; k++) {
        const cJSON *p = cJSON_GetArrayItem(pins, k);
        if (!cJSON_IsNumber(p) || p->valuedouble != floor(p->valuedouble) || p->valuedouble < 1 ||
            p->valuedouble > 100000)
            return aoi__error("defects[%d].pins[%d] is not a pin number", idx, k);
        d->pins[k] = (int)p->valuedouble;
    }
    if (num_member(o, "x_mm", &d->x_mm) < 0 || num_member(o, "y_mm", &d->y_mm) < 0)
        return aoi__error("defects[%d] needs numeric x_mm and y_mm", idx);
    return 0;
}

int aoi_result_from_json(const char *line, size_t len, aoi_result *r)
{
    static const char *const known[] = {"image", "part", "verdict", "error", "pose", "defects"};
    cJSON *o = NULL, *extra = NULL, *it;
    const cJSON *n;
    const char *s, *end = NULL;
    int ret = -1;

    aoi_result_init(r);
    o = cJSON_ParseWithLengthOpts(line, len, &end, 0);
    if (!o) {
        aoi__json_syntax_error("record", line, len, end);
        goto bailout;
    }
    if (!cJSON_IsObject(o)) {
        aoi__error("a record must be a JSON object");
        goto bailout;
    }
    if (!(s = str_member(o, "image"))) {
        aoi__error("field 'image' missing or not a string");
        goto bailout;
    }
    if (aoi_result_set_strings(r, s, str_member(o, "part")) < 0)
        goto bailout;
    if (!(s = str_member(o, "verdict"))) {
        aoi__error("field 'verdict' missing or not a string");
        goto bailout;
    }
    if (strcmp(s, "pass") == 0)
        r->verdict = AOI_VERDICT_PASS;
    else if (strcmp(s, "fail") == 0)
        r->verdict = AOI_VERDICT_FAIL;
    else if (strcmp(s, "error") == 0)
        r->verdict = AOI_VERDICT_ERROR;
    else {
        aoi__error("field 'verdict' is '%s' (pass, fail or error)", s);
        goto bailout;
    }
    if ((s = str_member(o, "error")) && replace_str(&r->error, s) < 0)
        goto bailout;
    n = cJSON_GetObjectItemCaseSensitive(o, "pose");
    if (cJSON_IsObject(n)) {
        if (num_member(n, "x_px", &r->pose.x_px) < 0 || num_member(n, "y_px", &r->pose.y_px) < 0 ||
            num_member(n, "theta_deg", &r->pose.theta_deg) < 0) {
            aoi__error("field 'pose' needs numeric x_px, y_px and theta_deg");
            goto bailout;
        }
        if (num_member(n, "um_per_px", &r->pose.um_per_px) < 0)
            r->pose.um_per_px = 0;
        if (num_member(n, "score", &r->pose.score) < 0)
            r->pose.score = 0;
        r->has_pose = 1;
    }
    n = cJSON_GetObjectItemCaseSensitive(o, "defects");
    if (n && !cJSON_IsNull(n)) {
        aoi_verdict v = r->verdict;
        int i = 0;
        const cJSON *e;
        if (!cJSON_IsArray(n)) {
            aoi__error("field 'defects' must be an array");
            goto bailout;
        }
        cJSON_ArrayForEach(e, n)
        {
            aoi_defect d;
            if (parse_defect(e, &d, i++) < 0 || aoi_result_add_defect(r, &d) < 0)
                goto bailout;
        }
        r->verdict = v;
    }
    /* Keep what we do not interpret. */
    it = o->child;
    while (it) {
        cJSON *next = it->next;
        int is_known = 0;
        for (size_t k = 0; k < sizeof known / sizeof *known; k++)
            is_known |= it->string && strcmp(it->string, known[k]) == 0;
        if (!is_known) {
            if (!extra && !(extra = cJSON_CreateObject()))
                goto bailout;
            cJSON_DetachItemViaPointer(o, it);
            cJSON_AddItemToObject(extra, it->string, it);
        }
        it = next;
    }
    if (extra && !(r->extra_json = cJSON_PrintUnformatted(extra))) {
        aoi__error("out of memory");
        goto bailout;
    }
    ret = 0;
bailout:
    cJSON_Delete(extra);
    cJSON_Delete(o);
    if (ret < 0)
        aoi_result_clear(r);
    return ret;
}

void aoi_pose_map(const aoi_pose *p, int rot_deg, double u, double v, double *x, double *y)
{
    double th = (p->theta_deg + rot_deg) * M_PI / 180.0, k = 1000.0 / p->um_per_px;
    double c = cos(th), s = sin(th);
    *x = p->x_px + (u * c - v * s) * k;
    *y = p->y_px + (u * s + v * c) * k;
}

void aoi_pose_unmap(const aoi_pose *p, int rot_deg, double x, double y, double *u, double *v)
{
    double th = (p->theta_deg + rot_deg) * M_PI / 180.0, k = p->um_per_px / 1000.0;
    double c = cos(th), s = sin(th), dx = x - p->x_px, dy = y - p->y_px;
    *u = (dx * c + dy * s) * k;
    *v = (-dx * s + dy * c) * k;
}
