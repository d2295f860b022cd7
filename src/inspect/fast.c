/* fast.c - inspecting files, with the batch fast path for JPEGs: find the
 * footprint on a reduced-scale decode, decode at full resolution only the
 * rectangle that holds it, inspect that. */
#include "aoi/inspect.h"
#include "aoi/register.h"
#include "core/error_internal.h"
#include "inspect/inspect_internal.h"

#include <math.h>
#include <string.h>
#include <strings.h>

/* Margin around the footprint's extent in the full-resolution region (mm). */
#define FAST_MARGIN_MM 0.6

static int is_jpeg_name(const char *p)
{
    const char *e = strrchr(p, '.');
    return e && (!strcasecmp(e, ".jpg") || !strcasecmp(e, ".jpeg"));
}

static int full_path(aoi_inspector *in, const char *path, size_t max_pixels, aoi_result *res,
                     aoi_inspect_info *info)
{
    aoi_image img;
    int rc;
    if (aoi_image_read(path, AOI_FMT_RGB, max_pixels, &img) < 0) {
        res->ndefects = 0;
        res->has_pose = 0;
        aoi_result_set_error(res, "%s", aoi_errmsg());
        if (info)
            memset(info, 0, sizeof *info);
        return -1;
    }
    rc = aoi_inspect(in, &img, res, info);
    aoi_image_free(&img);
    return rc;
}

int aoi_inspect_file(aoi_inspector *in, const char *path, size_t max_pixels, int fast,
                     aoi_result *res, aoi_inspect_info *info, int *fast_used)
{
    const aoi_part *part = aoi__inspector_part(in);
    double um = aoi__inspector_um(in);
    int rot = aoi__inspector_rot(in), denom = 1, fw, fh, ox, oy, rc;
    aoi_image small, region;
    aoi_pose pose;
    aoi_registrar *reg;

    if (fast_used)
        *fast_used = 0;
    while (denom < 8 && um * denom * 2 <= AOI__REDUCED_MAX_UM)
        denom *= 2;
    if (!fast || denom == 1 || !is_jpeg_name(path) || aoi__inspector_has_lens(in))
        return full_path(in, path, max_pixels, res, info);
    if (aoi_image_read_jpeg_scaled(path, denom, max_pixels, &small, &fw, &fh) < 0) {
        /* Let the full decode give the precise message (or succeed). */
        return full_path(in, path, max_pixels, res, info);
    }
    reg = aoi__inspector_small_registrar(in, denom);
    rc = reg ? aoi_register(reg, &small, NULL, &pose, NULL) : -1;
    aoi_image_free(&small);
    if (rc < 0)
        return full_path(in, path, max_pixels, res, info);

    /* The footprint's extent through the reduced pose, in full pixels. */
    {
        aoi_rect e = aoi_part_extent(part);
        double us[4] = {e.x0 - FAST_MARGIN_MM, e.x1 + FAST_MARGIN_MM, e.x1 + FAST_MARGIN_MM, e.x0 - FAST_MARGIN_MM};
        double vs[4] = {e.y0 - FAST_MARGIN_MM, e.y0 - FAST_MARGIN_MM, e.y1 + FAST_MARGIN_MM, e.y1 + FAST_MARGIN_MM};
        double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
        for (int k = 0; k < 4; k++) {
            double x, y;
            aoi_pose_map(&pose, rot, us[k], vs[k], &x, &y);
            /* Reduced pixel centres map to full ones as (x + 0.5) * d - 0.5. */
            x = (x + 0.5) * denom - 0.5, y = (y + 0.5) * denom - 0.5;
            x0 = fmin(x0, x), x1 = fmax(x1, x), y0 = fmin(y0, y), y1 = fmax(y1, y);
        }
        if (aoi_image_read_jpeg_region(path, (int)floor(x0), (int)floor(y0),
                                       (int)ceil(x1 - x0) + 1, (int)ceil(y1 - y0) + 1, &region,
                                       &ox, &oy) < 0)
            return full_path(in, path, max_pixels, res, info);
    }
    /* The reduced pose in the region's pixels: the full-resolution
     * registration only refines it. */
    {
        aoi_pose start = pose;
        start.x_px = (pose.x_px + 0.5) * denom - 0.5 - ox;
        start.y_px = (pose.y_px + 0.5) * denom - 0.5 - oy;
        start.um_per_px = pose.um_per_px / denom;
        rc = aoi__inspect_from(in, &region, &start, res, info);
    }
    aoi_image_free(&region);
    if (res->has_pose) {
        res->pose.x_px += ox;
        res->pose.y_px += oy;
    }
    if (rc < 0 && res->verdict == AOI_VERDICT_ERROR && !res->has_pose)
        /* Found at reduced scale, not in the region: decide on the whole frame. */
        return full_path(in, path, max_pixels, res, info);
    if (fast_used)
        *fast_used = 1;
    return rc;
}
