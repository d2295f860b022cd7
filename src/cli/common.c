/* common.c - what the sub-commands share: option values, input lists,
 * overlay drawing. */
#include "aoi/result.h"
#include "cli/cli.h"
#include "core/grow.h"

#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int cli_parse_um(const char *cmd, const char *s, double *um)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= 1 && v <= 100)) {
        cli_usage_error(cmd, "--um-per-px must be a number in 1..100 (got '%s')", s);
        return -1;
    }
    *um = v;
    return 0;
}

int cli_parse_rotation(const char *cmd, const char *s, int *rot)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || (v != 0 && v != 90 && v != 180 && v != 270)) {
        cli_usage_error(cmd, "--rotation must be 0, 90, 180 or 270 (got '%s')", s);
        return -1;
    }
    *rot = (int)v;
    return 0;
}

void cli_list_free(cli_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int list_add(cli_list *l, const char *s)
{
    char *d = strdup(s);
    if (!d || aoi__grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v, 64) < 0) {
        free(d);
        return -1;
    }
    l->v[l->n++] = d;
    return 0;
}

static int is_image_name(const char *n)
{
    const char *e = strrchr(n, '.');
    return e && (!strcasecmp(e, ".jpg") || !strcasecmp(e, ".jpeg") || !strcasecmp(e, ".png")) &&
           !strstr(n, ".overlay.");
}

/* Directories are searched recursively for JPEG and PNG names; anything
 * else named on the command line is kept (and fails later with a record). */
static int scan(cli_list *l, const char *path, int depth)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    int ret = 0;
    if (depth > 32 || stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return depth == 0 ? list_add(l, path) : 0;
    if (!(d = opendir(path)))
        return list_add(l, path);
    while ((e = readdir(d)) && ret == 0) {
        char sub[4096];
        if (e->d_name[0] == '.')
            continue;
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= sizeof sub)
            continue;
        if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            ret = scan(l, sub, depth + 1);
        else if (is_image_name(e->d_name))
            ret = list_add(l, sub);
    }
    closedir(d);
    return ret;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cli_collect(int argc, char **argv, int first, cli_list *l)
{
    for (int i = first; i < argc; i++)
        if (scan(l, argv[i], 0) < 0)
            return -1;
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, cmp_str);
    return 0;
}

static void put(aoi_image *img, int x, int y, const uint8_t c[3])
{
    if (x < 0 || y < 0 || x >= img->width || y >= img->height)
        return;
    uint8_t *q = img->data + (size_t)y * img->stride + 3 * (size_t)x;
    q[0] = c[0], q[1] = c[1], q[2] = c[2];
}

/* Outline of a footprint rectangle, drawn 2 samples per pixel. */
static void rect(aoi_image *img, const aoi_pose *pose, int rot, double u0, double v0, double u1,
                 double v1, const uint8_t c[3])
{
    double step = pose->um_per_px / 1000 / 2;
    for (double t = 0; t <= 1; t += step / fmax(u1 - u0, v1 - v0)) {
        double u[4] = {u0 + t * (u1 - u0), u1, u0 + t * (u1 - u0), u0};
        double v[4] = {v0, v0 + t * (v1 - v0), v1, v0 + t * (v1 - v0)};
        for (int k = 0; k < 4; k++) {
            double x, y;
            aoi_pose_map(pose, rot, u[k], v[k], &x, &y);
            put(img, (int)lround(x), (int)lround(y), c);
        }
    }
}

static const uint8_t defect_rgb[AOI_DEFECT_COUNT][3] = {
    {255, 0, 0},     /* bridge */
    {255, 140, 0},   /* excess_solder */
    {255, 0, 255},   /* flux_rise */
    {0, 200, 255},   /* insufficient_solder */
    {255, 255, 0},   /* offset */
    {255, 0, 0},     /* missing_part */
};

void cli_draw_overlay(aoi_image *img, const aoi_part *part, const aoi_result *res, int rot)
{
    static const uint8_t ok[3] = {40, 255, 40};
    const aoi_pad *pads = aoi_part_pads(part);
    size_t np = aoi_part_pad_count(part);
    const aoi_pose *pose = &res->pose;
    if (!res->has_pose)
        return;
    for (size_t i = 0; i < np; i++) {
        const uint8_t *c = ok;
        for (size_t d = 0; d < res->ndefects; d++)
            for (int k = 0; k < res->defects[d].npins; k++)
                if (res->defects[d].pins[k] == pads[i].pin)
                    c = defect_rgb[res->defects[d].type];
        rect(img, pose, rot, pads[i].cx - pads[i].w / 2, pads[i].cy - pads[i].h / 2,
             pads[i].cx + pads[i].w / 2, pads[i].cy + pads[i].h / 2, c);
    }
    for (size_t d = 0; d < res->ndefects; d++) {
        const aoi_defect *df = &res->defects[d];
        const uint8_t *c = defect_rgb[df->type];
        if (df->type == AOI_DEFECT_MISSING_PART) {
            aoi_rect e = aoi_part_extent(part);
            rect(img, pose, rot, e.x0 - 0.2, e.y0 - 0.2, e.x1 + 0.2, e.y1 + 0.2, c);
            continue;
        }
        /* A ring of 0.15 mm radius around the defect, two pixels thick. */
        for (double r = 0.15; r < 0.15 + 2.5 * pose->um_per_px / 1000; r += pose->um_per_px / 2000)
            for (double a = 0; a < 2 * M_PI; a += pose->um_per_px / 1000 / r / 2) {
                double x, y;
                aoi_pose_map(pose, rot, df->x_mm + r * cos(a), df->y_mm + r * sin(a), &x, &y);
                put(img, (int)lround(x), (int)lround(y), c);
            }
    }
}
