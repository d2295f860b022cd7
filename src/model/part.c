/* part.c - loading and validating F4S part model files (JSON, cJSON). */
#include "aoi/part.h"
#include "core/error_internal.h"
#include "core/fileio.h"
#include "model/part_internal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MODEL_MAX_BYTES (1 << 20)
#define MODEL_FORMAT "f4saoi-part"
#define MODEL_VERSION 1
#define MAX_PINS 400
#define EPS_MM 1e-6

enum { FEAT_CATALOG, FEAT_SIGNAL, FEAT_HOLDDOWN, FEAT_BODY, FEAT_TERMINAL, FEAT_HD_TERMINAL,
       FEAT_MASK, FEAT_COUNT };

static const char *const feature_names[FEAT_COUNT] = {
    "catalog", "signal_pad", "holddown_pad", "body", "terminal", "holddown_terminal", "mask",
};

#define MASK_MAX 4

struct aoi_part {
    char number[32];
    char *path;
    aoi_side side;
    int inspection_use;
    int pins;
    double pitch, mated_height;
    double a, b, c, d;
    aoi_rect body;
    aoi_pad *pads;
    size_t npads;
    aoi_source src[FEAT_COUNT];
    char *note[FEAT_COUNT];
    size_t nmask;
    double mask_thickness[MASK_MAX], mask_ratio[MASK_MAX];
    double holddown_ratio;
};

/* Parsing context: where we are, for messages. */
typedef struct {
    const char *origin;
} ctx_t;

static const cJSON *get_object(const ctx_t *cx, const cJSON *obj, const char *parent,
                               const char *name)
{
    const cJSON *node = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!node) {
        aoi__error("%s: missing field '%s%s%s'", cx->origin, parent, *parent ? "." : "", name);
        return NULL;
    }
    if (!cJSON_IsObject(node)) {
        aoi__error("%s: field '%s%s%s' must be an object", cx->origin, parent, *parent ? "." : "",
                   name);
        return NULL;
    }
    return node;
}

static int node_number(const ctx_t *cx, const cJSON *node, const char *what, double *out)
{
    if (!cJSON_IsNumber(node))
        return aoi__error("%s: field '%s' must be a number", cx->origin, what);
    *out = node->valuedouble;
    if (!isfinite(*out))
        return aoi__error("%s: field '%s' is not finite", cx->origin, what);
    return 0;
}

/* Reads a number; min_excl: the value must be > lo (else >= lo). */
static int get_number(const ctx_t *cx, const cJSON *obj, const char *parent, const char *name,
                      double lo, int min_excl, double *out)
{
    char what[128];
    const cJSON *node = cJSON_GetObjectItemCaseSensitive(obj, name);
    snprintf(what, sizeof what, "%s%s%s", parent, *parent ? "." : "", name);
    if (!node)
        return aoi__error("%s: missing field '%s'", cx->origin, what);
    if (node_number(cx, node, what, out) < 0)
        return -1;
    if (min_excl ? !(*out > lo) : !(*out >= lo))
        return aoi__error("%s: field '%s' must be %s %g (got %g)", cx->origin, what,
                          min_excl ? ">" : ">=", lo, *out);
    return 0;
}

/* Reads [x, y], both > 0. */
static int get_size(const ctx_t *cx, const cJSON *obj, const char *parent, double out[2])
{
    char what[128];
    const cJSON *node = cJSON_GetObjectItemCaseSensitive(obj, "size_mm");
    snprintf(what, sizeof what, "%s.size_mm", parent);
    if (!node)
        return aoi__error("%s: missing field '%s'", cx->origin, what);
    if (!cJSON_IsArray(node) || cJSON_GetArraySize(node) != 2)
        return aoi__error("%s: field '%s' must be an array [x, y] of two numbers", cx->origin, what);
    for (int i = 0; i < 2; i++) {
        char item[140];
        snprintf(item, sizeof item, "%s[%d]", what, i);
        if (node_number(cx, cJSON_GetArrayItem(node, i), item, &out[i]) < 0)
            return -1;
        if (!(out[i] > 0))
            return aoi__error("%s: field '%s' must be > 0 (got %g)", cx->origin, item, out[i]);
    }
    return 0;
}

static int get_string(const ctx_t *cx, const cJSON *obj, const char *parent, const char *name,
                      const char **out)
{
    const cJSON *node = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!node)
        return aoi__error("%s: missing field '%s%s%s'", cx->origin, parent, *parent ? "." : "",
                          name);
    if (!cJSON_IsString(node))
        return aoi__error("%s: field '%s%s%s' must be a string", cx->origin, parent,
                          *parent ? "." : "", name);
    *out = node->valuestring;
    return 0;
}

static int get_provenance(const ctx_t *cx, const cJSON *feat, const char *parent, aoi_part *p, int f)
{
    static const char *const names[] = {"catalog", "cad", "provisional"};
    const cJSON *prov = get_object(cx, feat, parent, "provenance");
    const char *src = NULL, *note = "";
    char where[64];
    if (!prov)
        return -1;
    snprintf(where, sizeof where, "%s.provenance", parent);
    if (get_string(cx, prov, where, "source", &src) < 0)
        return -1;
    if (cJSON_GetObjectItemCaseSensitive(prov, "note") && get_string(cx, prov, where, "note", &note) < 0)
        return -1;
    for (int i = 0; i < 3; i++) {
        if (strcmp(src, names[i]) == 0) {
            p->src[f] = (aoi_source)i;
            p->note[f] = strdup(note);
            return p->note[f] ? 0 : aoi__error("out of memory");
        }
    }
    return aoi__error("%s: field '%s.source' must be catalog, cad or provisional (got '%s')",
                      cx->origin, where, src);
}

static int parse_header(const ctx_t *cx, const cJSON *root, aoi_part *p)
{
    const char *s = NULL;
    double v;
    if (get_string(cx, root, "", "format", &s) < 0)
        return -1;
    if (strcmp(s, MODEL_FORMAT) != 0)
        return aoi__error("%s: field 'format' must be \"%s\" (got \"%s\"): not a part model",
                          cx->origin, MODEL_FORMAT, s);
    if (get_number(cx, root, "", "version", 1, 0, &v) < 0)
        return -1;
    if (v != MODEL_VERSION)
        return aoi__error("%s: model version %g is not supported (this build reads version %d)",
                          cx->origin, v, MODEL_VERSION);
    if (get_string(cx, root, "", "part", &s) < 0)
        return -1;
    if (strlen(s) == 0 || strlen(s) >= sizeof p->number)
        return aoi__error("%s: field 'part' must be 1 to %zu characters", cx->origin,
                          sizeof p->number - 1);
    strcpy(p->number, s);
    if (get_string(cx, root, "", "side", &s) < 0)
        return -1;
    if (strcmp(s, "socket") == 0)
        p->side = AOI_SIDE_SOCKET;
    else if (strcmp(s, "header") == 0)
        p->side = AOI_SIDE_HEADER;
    else
        return aoi__error("%s: field 'side' must be socket or header (got '%s')", cx->origin, s);
    if (get_string(cx, root, "", "use", &s) < 0)
        return -1;
    if (strcmp(s, "standard") != 0 && strcmp(s, "inspection") != 0)
        return aoi__error("%s: field 'use' must be standard or inspection (got '%s')", cx->origin,
                          s);
    p->inspection_use = strcmp(s, "inspection") == 0;
    if (get_number(cx, root, "", "pins", 2, 0, &v) < 0)
        return -1;
    if (v != floor(v) || (int)v % 2 != 0 || v > MAX_PINS)
        return aoi__error("%s: field 'pins' must be an even whole number from 2 to %d (got %g)",
                          cx->origin, MAX_PINS, v);
    p->pins = (int)v;
    if (get_number(cx, root, "", "pitch_mm", 0, 1, &p->pitch) < 0 ||
        get_number(cx, root, "", "mated_height_mm", 0, 1, &p->mated_height) < 0)
        return -1;
    return 0;
}

static int parse_catalog(const ctx_t *cx, const cJSON *root, aoi_part *p)
{
    const cJSON *o = get_object(cx, root, "", "catalog");
    double expect;
    if (!o || get_number(cx, o, "catalog", "A_mm", 0, 1, &p->a) < 0 ||
        get_number(cx, o, "catalog", "B_mm", 0, 0, &p->b) < 0 ||
        get_number(cx, o, "catalog", "C_mm", 0, 1, &p->c) < 0 ||
        get_number(cx, o, "catalog", "D_mm", 0, 1, &p->d) < 0 ||
        get_provenance(cx, o, "catalog", p, FEAT_CATALOG) < 0)
        return -1;
    expect = (p->pins / 2 - 1) * p->pitch;
    if (fabs(p->b - expect) > EPS_MM)
        return aoi__error("%s: field 'catalog.B_mm' is %g but (pins/2 - 1) x pitch_mm = %g: "
                          "the pad span must match the pin count",
                          cx->origin, p->b, expect);
    return 0;
}

static int parse_geometry(const ctx_t *cx, const cJSON *root, aoi_part *p)
{
    const cJSON *sig, *hd, *body, *term, *hdt;
    double sig_sz[2], hd_sz[2], hdt_sz[2], row_y, hd_y, body_w, term_w, tip_y;
    int n = p->pins;

    if (!(sig = get_object(cx, root, "", "signal_pad")) || get_size(cx, sig, "signal_pad", sig_sz) < 0 ||
        get_number(cx, sig, "signal_pad", "row_y_mm", 0, 1, &row_y) < 0 ||
        get_provenance(cx, sig, "signal_pad", p, FEAT_SIGNAL) < 0)
        return -1;
    if (!(hd = get_object(cx, root, "", "holddown_pad")) || get_size(cx, hd, "holddown_pad", hd_sz) < 0 ||
        get_number(cx, hd, "holddown_pad", "y_mm", 0, 0, &hd_y) < 0 ||
        get_provenance(cx, hd, "holddown_pad", p, FEAT_HOLDDOWN) < 0)
        return -1;
    if (!(body = get_object(cx, root, "", "body")) ||
        get_number(cx, body, "body", "width_mm", 0, 1, &body_w) < 0 ||
        get_provenance(cx, body, "body", p, FEAT_BODY) < 0)
        return -1;
    if (!(term = get_object(cx, root, "", "terminal")) ||
        get_number(cx, term, "terminal", "width_mm", 0, 1, &term_w) < 0 ||
        get_number(cx, term, "terminal", "tip_y_mm", 0, 1, &tip_y) < 0 ||
        get_provenance(cx, term, "terminal", p, FEAT_TERMINAL) < 0)
        return -1;
    if (!(hdt = get_object(cx, root, "", "holddown_terminal")) ||
        get_size(cx, hdt, "holddown_terminal", hdt_sz) < 0 ||
        get_provenance(cx, hdt, "holddown_terminal", p, FEAT_HD_TERMINAL) < 0)
        return -1;
    if (term_w > sig_sz[0])
        return aoi__error("%s: field 'terminal.width_mm' (%g) is wider than the signal pad (%g)",
                          cx->origin, term_w, sig_sz[0]);
    if (tip_y <= body_w / 2)
        return aoi__error("%s: field 'terminal.tip_y_mm' (%g) must lie outside the body edge "
                          "(body.width_mm / 2 = %g)",
                          cx->origin, tip_y, body_w / 2);
    if (tip_y > row_y + sig_sz[1] / 2)
        return aoi__error("%s: field 'terminal.tip_y_mm' (%g) runs past the pad's outer end (%g)",
                          cx->origin, tip_y, row_y + sig_sz[1] / 2);

    p->body = (aoi_rect){-p->a / 2, -body_w / 2, p->a / 2, body_w / 2};
    p->npads = (size_t)n + 4;
    p->pads = calloc(p->npads, sizeof *p->pads);
    if (!p->pads)
        return aoi__error("out of memory");
    for (int i = 0; i < n; i++) {
        aoi_pad *pad = &p->pads[i];
        int k = i / 2, bottom = i % 2;
        double y0 = body_w / 2, y1 = tip_y;
        pad->pin = i + 1;
        pad->kind = AOI_PAD_SIGNAL;
        pad->row = bottom ? 1 : -1;
        pad->cx = -p->b / 2 + p->pitch * k;
        pad->cy = pad->row * row_y;
        pad->w = sig_sz[0];
        pad->h = sig_sz[1];
        pad->terminal.x0 = pad->cx - term_w / 2;
        pad->terminal.x1 = pad->cx + term_w / 2;
        pad->terminal.y0 = bottom ? y0 : -y1;
        pad->terminal.y1 = bottom ? y1 : -y0;
    }
    for (int j = 0; j < 4; j++) {
        aoi_pad *pad = &p->pads[n + j];
        double sx = j < 2 ? -1 : 1, sy = (j % 2) ? 1 : -1;
        pad->pin = n + 1 + j;
        pad->kind = AOI_PAD_HOLDDOWN;
        pad->row = (int)sy;
        pad->cx = sx * p->c / 2;
        pad->cy = sy * hd_y;
        pad->w = hd_sz[0];
        pad->h = hd_sz[1];
        pad->terminal = (aoi_rect){pad->cx - hdt_sz[0] / 2, pad->cy - hdt_sz[1] / 2,
                                   pad->cx + hdt_sz[0] / 2, pad->cy + hdt_sz[1] / 2};
    }
    return 0;
}

static int parse_mask(const ctx_t *cx, const cJSON *root, aoi_part *p)
{
    const cJSON *m = get_object(cx, root, "", "mask"), *arr;
    if (!m)
        return -1;
    arr = cJSON_GetObjectItemCaseSensitive(m, "signal_openings");
    if (!cJSON_IsArray(arr))
        return aoi__error("%s: field 'mask.signal_openings' must be an array", cx->origin);
    p->nmask = (size_t)cJSON_GetArraySize(arr);
    if (p->nmask == 0 || p->nmask > MASK_MAX)
        return aoi__error("%s: field 'mask.signal_openings' must hold 1 to %d stencils",
                          cx->origin, MASK_MAX);
    for (size_t i = 0; i < p->nmask; i++) {
        const cJSON *e = cJSON_GetArrayItem(arr, (int)i);
        char where[64];
        snprintf(where, sizeof where, "mask.signal_openings[%zu]", i);
        if (!cJSON_IsObject(e))
            return aoi__error("%s: field '%s' must be an object", cx->origin, where);
        if (get_number(cx, e, where, "thickness_mm", 0, 1, &p->mask_thickness[i]) < 0 ||
            get_number(cx, e, where, "opening_ratio", 0, 1, &p->mask_ratio[i]) < 0)
            return -1;
        if (p->mask_ratio[i] > 1)
            return aoi__error("%s: field '%s.opening_ratio' must be <= 1 (got %g)", cx->origin,
                              where, p->mask_ratio[i]);
    }
    if (get_number(cx, m, "mask", "holddown_opening_ratio", 0, 1, &p->holddown_ratio) < 0)
        return -1;
    if (p->holddown_ratio > 1)
        return aoi__error("%s: field 'mask.holddown_opening_ratio' must be <= 1 (got %g)",
                          cx->origin, p->holddown_ratio);
    return get_provenance(cx, m, "mask", p, FEAT_MASK);
}

static int check_overlaps(const ctx_t *cx, const aoi_part *p)
{
    for (size_t i = 0; i < p->npads; i++) {
        const aoi_pad *a = &p->pads[i];
        for (size_t j = i + 1; j < p->npads; j++) {
            const aoi_pad *b = &p->pads[j];
            double gx = fabs(a->cx - b->cx) - (a->w + b->w) / 2;
            double gy = fabs(a->cy - b->cy) - (a->h + b->h) / 2;
            if (gx < -EPS_MM && gy < -EPS_MM)
                return aoi__error("%s: pads of pins %d and %d overlap (by %.3f x %.3f mm)",
                                  cx->origin, a->pin, b->pin, -gx, -gy);
        }
    }
    return 0;
}

aoi_part *aoi_part_load_data(const char *data, size_t len, const char *origin)
{
    ctx_t cx = {origin ? origin : "(memory)"};
    cJSON *root = NULL;
    aoi_part *p = NULL;
    const char *end = NULL;

    if (len > MODEL_MAX_BYTES) {
        aoi__error("%s: %zu bytes is too large for a part model (limit %d)", cx.origin, len,
                   MODEL_MAX_BYTES);
        goto bailout;
    }
    root = cJSON_ParseWithLengthOpts(data, len, &end, 0);
    if (!root) {
        aoi__json_syntax_error(cx.origin, data, len, end);
        goto bailout;
    }
    if (!cJSON_IsObject(root)) {
        aoi__error("%s: a part model must be a JSON object", cx.origin);
        goto bailout;
    }
    p = calloc(1, sizeof *p);
    if (!p) {
        aoi__error("out of memory");
        goto bailout;
    }
    if (parse_header(&cx, root, p) < 0 || parse_catalog(&cx, root, p) < 0 ||
        parse_geometry(&cx, root, p) < 0 || parse_mask(&cx, root, p) < 0 ||
        check_overlaps(&cx, p) < 0 ||
        (!(p->path = strdup(cx.origin)) && aoi__error("out of memory") < 0)) {
        aoi_part_free(p);
        p = NULL;
    }
bailout:
    cJSON_Delete(root);
    return p;
}

void aoi_part_free(aoi_part *p)
{
    if (!p)
        return;
    for (int i = 0; i < FEAT_COUNT; i++)
        free(p->note[i]);
    free(p->pads);
    free(p->path);
    free(p);
}

aoi_part *aoi_part_load_file(const char *path)
{
    char *data = NULL;
    size_t len = 0;
    aoi_part *p = NULL;
    if (aoi__read_small_file(path, MODEL_MAX_BYTES, &data, &len) < 0)
        return NULL;
    p = aoi_part_load_data(data, len, path);
    free(data);
    return p;
}

const char *aoi_part_number(const aoi_part *p) { return p->number; }
aoi_side aoi_part_side(const aoi_part *p) { return p->side; }
const char *aoi_side_name(aoi_side s) { return s == AOI_SIDE_SOCKET ? "socket" : "header"; }
int aoi_part_is_inspection_use(const aoi_part *p) { return p->inspection_use; }
int aoi_part_pins(const aoi_part *p) { return p->pins; }
double aoi_part_pitch(const aoi_part *p) { return p->pitch; }
double aoi_part_mated_height(const aoi_part *p) { return p->mated_height; }
const char *aoi_part_path(const aoi_part *p) { return p->path; }
size_t aoi_part_pad_count(const aoi_part *p) { return p->npads; }
const aoi_pad *aoi_part_pads(const aoi_part *p) { return p->pads; }
aoi_rect aoi_part_body(const aoi_part *p) { return p->body; }
size_t aoi_part_mask_count(const aoi_part *p) { return p->nmask; }
double aoi_part_holddown_mask_ratio(const aoi_part *p) { return p->holddown_ratio; }

void aoi_part_catalog(const aoi_part *p, double *a, double *b, double *c, double *d)
{
    if (a) *a = p->a;
    if (b) *b = p->b;
    if (c) *c = p->c;
    if (d) *d = p->d;
}

aoi_rect aoi_part_extent(const aoi_part *p)
{
    aoi_rect r = p->body;
    for (size_t i = 0; i < p->npads; i++) {
        const aoi_pad *q = &p->pads[i];
        r.x0 = fmin(r.x0, fmin(q->cx - q->w / 2, q->terminal.x0));
        r.x1 = fmax(r.x1, fmax(q->cx + q->w / 2, q->terminal.x1));
        r.y0 = fmin(r.y0, fmin(q->cy - q->h / 2, q->terminal.y0));
        r.y1 = fmax(r.y1, fmax(q->cy + q->h / 2, q->terminal.y1));
    }
    return r;
}

int aoi_part_mask(const aoi_part *p, size_t i, double *thickness_mm, double *ratio)
{
    if (i >= p->nmask)
        return aoi__error("aoi_part_mask(): stencil %zu out of range (%zu)", i, p->nmask);
    *thickness_mm = p->mask_thickness[i];
    *ratio = p->mask_ratio[i];
    return 0;
}

int aoi_part_provenance(const aoi_part *p, const char *feature, aoi_source *src, const char **note)
{
    for (int i = 0; i < FEAT_COUNT; i++) {
        if (strcmp(feature, feature_names[i]) == 0) {
            *src = p->src[i];
            if (note)
                *note = p->note[i];
            return 0;
        }
    }
    return aoi__error("aoi_part_provenance(): unknown feature '%s'", feature);
}

const char *aoi_source_name(aoi_source s)
{
    switch (s) {
    case AOI_SRC_CATALOG: return "catalog";
    case AOI_SRC_CAD: return "cad";
    default: return "provisional";
    }
}
