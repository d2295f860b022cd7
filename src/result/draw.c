/* draw.c - a result drawn into a frame of any format. */
#include "aoi/draw.h"

#include <math.h>
#include <stdint.h>

static void put(aoi_image *img, int x, int y, const uint8_t c[3])
{
    int bpp = aoi_format_bpp(img->format), ro, go, bo;
    if (x < 0 || y < 0 || x >= img->width || y >= img->height || !bpp)
        return;
    uint8_t *q = img->data + (size_t)y * img->stride + (size_t)bpp * (size_t)x;
    if (img->format == AOI_FMT_GRAY8) {
        q[0] = (uint8_t)((77 * c[0] + 150 * c[1] + 29 * c[2]) >> 8);
        return;
    }
    aoi_format_rgb_offsets(img->format, &ro, &go, &bo);
    q[ro] = c[0], q[go] = c[1], q[bo] = c[2];
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

void aoi_draw_result(aoi_image *img, const aoi_part *part, const aoi_result *res, int rot)
{
    static const uint8_t ok[3] = {40, 255, 40};
    const aoi_pad *pads = aoi_part_pads(part);
    size_t np = aoi_part_pad_count(part);
    const aoi_pose *pose = &res->pose;
    if (!res->has_pose || aoi_image_check(img) < 0 || !(pose->um_per_px > 0))
        return;
    for (size_t i = 0; i < np; i++) {
        const uint8_t *c = ok;
        for (size_t d = 0; d < res->ndefects; d++)
            for (int k = 0; k < res->defects[d].npins; k++)
                if (res->defects[d].pins[k] == pads[i].pin && (unsigned)res->defects[d].type < AOI_DEFECT_COUNT)
                    c = defect_rgb[res->defects[d].type];
        rect(img, pose, rot, pads[i].cx - pads[i].w / 2, pads[i].cy - pads[i].h / 2,
             pads[i].cx + pads[i].w / 2, pads[i].cy + pads[i].h / 2, c);
    }
    for (size_t d = 0; d < res->ndefects; d++) {
        const aoi_defect *df = &res->defects[d];
        if ((unsigned)df->type >= AOI_DEFECT_COUNT)
            continue;
        const uint8_t *c = defect_rgb[df->type];
        if (df->type == AOI_DEFECT_MISSING_PART) {
            aoi_rect e = aoi_part_extent(part);
            rect(img, pose, rot, e.x0 - 0.2, e.y0 - 0.2, e.x1 + 0.2, e.y1 + 0.2, c);
            continue;
        }
        /* A ring of 0.15 mm radius around the defect, two pixels thick. */
        double px = pose->um_per_px / 1000;
        for (double r = 0.15; r < 0.15 + 2.5 * px; r += px / 2)
            for (double a = 0; a < 2 * M_PI; a += px / r / 2) {
                double x, y;
                aoi_pose_map(pose, rot, df->x_mm + r * cos(a), df->y_mm + r * sin(a), &x, &y);
                put(img, (int)lround(x), (int)lround(y), c);
            }
    }
}
