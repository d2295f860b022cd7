/* synth.c - the generator's entry point: draws the conditions from the seed,
 * builds the scene, renders it through the pose with supersampling, and
 * applies the camera (blur, vignetting, gain, gamma, offset, noise). */
#include "aoi/synth.h"
#include "core/error_internal.h"
#include "synth/synth_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const mask_names[] = {"green", "blue", "red", "black"};
static const char *const finish_names[] = {"enig", "osp"};
static const char *const light_names[] = {"coaxial", "ring", "rgb"};

const char *aoi_mask_colour_name(int m) { return (unsigned)m < AOI_MASK_COUNT ? mask_names[m] : "?"; }
const char *aoi_finish_name(int f) { return (unsigned)f < AOI_FINISH_COUNT ? finish_names[f] : "?"; }
const char *aoi_lighting_name(int l) { return (unsigned)l < AOI_LIGHT_COUNT ? light_names[l] : "?"; }

void aoi_synth_params_default(aoi_synth_params *p)
{
    memset(p, 0, sizeof *p);
    p->rotation = -1;
    p->mask = p->finish = p->lighting = -1;
    p->file_format = -1;
}

static void set_looks(scene *s, rng_t *r, int mask, int finish, int body_kind)
{
    static const double mask_rgb[AOI_MASK_COUNT][3] = {
        {0.07, 0.30, 0.12}, {0.05, 0.12, 0.38}, {0.38, 0.06, 0.05}, {0.035, 0.035, 0.04}};
    static const double finish_rgb[AOI_FINISH_COUNT][3] = {{0.95, 0.74, 0.33}, {0.95, 0.52, 0.32}};
    static const double body_rgb[3][3] = {{0.05, 0.05, 0.055}, {0.17, 0.17, 0.18}, {0.20, 0.12, 0.07}};
    double v = rng_uniform(r, 0.8, 1.2);
    for (int c = 0; c < 3; c++) {
        s->look[AOI_MAT_MASK].rgb[c] = mask_rgb[mask][c] * v;
        s->look[AOI_MAT_TRACE].rgb[c] = mask_rgb[mask][c] * v * 1.35 + 0.03;
        s->look[AOI_MAT_SILK].rgb[c] = c == 2 ? 0.80 : 0.86;
        s->look[AOI_MAT_COPPER].rgb[c] = finish_rgb[finish][c];
        s->look[AOI_MAT_PAD].rgb[c] = finish_rgb[finish][c];
        s->look[AOI_MAT_SOLDER].rgb[c] = 0.74 + 0.02 * c;
        s->look[AOI_MAT_TERMINAL].rgb[c] = finish_rgb[0][c] * 1.02;
        s->look[AOI_MAT_BODY].rgb[c] = body_rgb[body_kind][c];
        s->look[AOI_MAT_HOLE].rgb[c] = 0.02;
    }
    s->look[AOI_MAT_MASK] = (material_look){{0}, 1.0, 0.10, 6};
    for (int c = 0; c < 3; c++)
        s->look[AOI_MAT_MASK].rgb[c] = mask_rgb[mask][c] * v;
    s->look[AOI_MAT_TRACE].kd = 1.0, s->look[AOI_MAT_TRACE].ks = 0.12, s->look[AOI_MAT_TRACE].rough_deg = 6;
    s->look[AOI_MAT_SILK].kd = 1.0, s->look[AOI_MAT_SILK].ks = 0.02, s->look[AOI_MAT_SILK].rough_deg = 30;
    s->look[AOI_MAT_COPPER].kd = 0.5, s->look[AOI_MAT_COPPER].ks = 0.7, s->look[AOI_MAT_COPPER].rough_deg = 7;
    s->look[AOI_MAT_PAD].kd = 0.5, s->look[AOI_MAT_PAD].ks = rng_uniform(r, 0.5, 0.9);
    s->look[AOI_MAT_PAD].rough_deg = rng_uniform(r, 5, 10);
    s->look[AOI_MAT_SOLDER].kd = 0.25, s->look[AOI_MAT_SOLDER].ks = rng_uniform(r, 1.2, 2.0);
    s->look[AOI_MAT_SOLDER].rough_deg = rng_uniform(r, 3, 8);
    s->look[AOI_MAT_TERMINAL].kd = 0.55, s->look[AOI_MAT_TERMINAL].ks = 0.8;
    s->look[AOI_MAT_TERMINAL].rough_deg = 8;
    s->look[AOI_MAT_BODY].kd = 1.0, s->look[AOI_MAT_BODY].ks = 0.04, s->look[AOI_MAT_BODY].rough_deg = 25;
    s->look[AOI_MAT_HOLE].kd = 1.0;
    s->mask_tex = rng_uniform(r, 0.05, 0.2);
    s->body_tex = rng_uniform(r, 0.02, 0.08);
}

/* Separable Gaussian blur of a float RGB image in place. */
int synth_blur(float *img, int w, int h, double sigma)
{
    int rad = (int)ceil(3 * sigma);
    float k[16], *tmp;
    double sum = 0;
    if (sigma < 0.05)
        return 0;
    if (rad > 7)
        rad = 7;
    for (int i = -rad; i <= rad; i++)
        sum += k[i + rad] = (float)exp(-i * i / (2 * sigma * sigma));
    for (int i = 0; i <= 2 * rad; i++)
        k[i] = (float)(k[i] / sum);
    tmp = malloc(sizeof *tmp * 3 * (size_t)(w > h ? w : h));
    if (!tmp)
        return aoi__error("out of memory");
    for (int y = 0; y < h; y++) {
        float *row = img + (size_t)y * w * 3;
        for (int x = 0; x < w; x++)
            for (int c = 0; c < 3; c++) {
                float a = 0;
                for (int i = -rad; i <= rad; i++) {
                    int xx = x + i < 0 ? 0 : x + i >= w ? w - 1 : x + i;
                    a += k[i + rad] * row[xx * 3 + c];
                }
                tmp[x * 3 + c] = a;
            }
        memcpy(row, tmp, sizeof *tmp * 3 * (size_t)w);
    }
    for (int x = 0; x < w; x++) {
        for (int y = 0; y < h; y++)
            for (int c = 0; c < 3; c++) {
                float a = 0;
                for (int i = -rad; i <= rad; i++) {
                    int yy = y + i < 0 ? 0 : y + i >= h ? h - 1 : y + i;
                    a += k[i + rad] * img[((size_t)yy * w + x) * 3 + c];
                }
                tmp[y * 3 + c] = a;
            }
        for (int y = 0; y < h; y++)
            for (int c = 0; c < 3; c++)
                img[((size_t)y * w + x) * 3 + c] = tmp[y * 3 + c];
    }
    free(tmp);
    return 0;
}

/* Where the footprint lies in the frame: the frame's size (the
 * parameters' or drawn to hold the whole footprint with a 0.3 mm margin)
 * and the footprint origin's pixel (drawn inside it).  The footprint frame
 * turns by (cs, sn) and k pixels per mm. */
static int frame_layout(const aoi_part *part, const aoi_synth_params *prm, rng_t *r, double cs,
                        double sn, double k, double scale, int *w, int *h, double *ox, double *oy)
{
    aoi_rect ext = aoi_part_extent(part);
    double cu[4] = {ext.x0, ext.x1, ext.x1, ext.x0}, cv[4] = {ext.y0, ext.y0, ext.y1, ext.y1};
    double bx0 = 1e9, bx1 = -1e9, by0 = 1e9, by1 = -1e9, m = 0.3 * k + 2;
    for (int i = 0; i < 4; i++) {
        double px = (cu[i] * cs - cv[i] * sn) * k, py = (cu[i] * sn + cv[i] * cs) * k;
        bx0 = fmin(bx0, px), bx1 = fmax(bx1, px), by0 = fmin(by0, py), by1 = fmax(by1, py);
    }
    *w = prm->width > 0 ? prm->width : (int)((bx1 - bx0 + 2 * m) * rng_uniform(r, 1.1, 1.5));
    *h = prm->height > 0 ? prm->height : (int)((by1 - by0 + 2 * m) * rng_uniform(r, 1.1, 1.6));
    if ((double)*w * *h > AOI__SYNTH_MAX_PIXELS || *w < 16 || *h < 16)
        return aoi__error("synth: frame %dx%d outside 16x16 .. 5120x5120 pixels (25 Mpx)", *w, *h);
    if (prm->lens && aoi_lens_check(prm->lens, *w, *h) < 0) {
        aoi__error_prefix("synth");
        return -1;
    }
    if (bx1 - bx0 + 2 * m > *w || by1 - by0 + 2 * m > *h)
        return aoi__error("synth: a %dx%d frame cannot hold %s at %.2f um/px", *w, *h,
                          aoi_part_number(part), scale);
    *ox = rng_uniform(r, m - bx0, *w - 1 - m - bx1);
    *oy = rng_uniform(r, m - by0, *h - 1 - m - by1);
    return 0;
}

/* The connector's placement on its pads: within the placement tolerance,
 * or off by an offset defect's amount. */
static void connector_placement(const aoi_synth_params *prm, rng_t *r, conn_xf *xf)
{
    if (prm->defects & (1u << AOI_DEFECT_OFFSET)) {
        double mag = prm->borderline ? rng_uniform(r, 0.065, 0.08) : rng_uniform(r, 0.10, 0.15);
        if (rng_int(r, 3))
            xf->dx = rng_int(r, 2) ? mag : -mag;
        else
            xf->dy =
                (rng_int(r, 2) ? 1 : -1) * (prm->borderline ? 0.16 : rng_uniform(r, 0.19, 0.2));
        xf->th = rng_uniform(r, -0.1, 0.1) * M_PI / 180;
    } else {
        xf->dx = rng_uniform(r, -0.02, 0.02);
        xf->dy = rng_uniform(r, -0.06, 0.06);
        xf->th = rng_uniform(r, -0.1, 0.1) * M_PI / 180;
    }
}

/* The scene's linear light at every pixel (w x h x 3 floats into lin): ss x
 * ss samples per pixel through the exact pose (footprint origin at (ox,
 * oy), turned by (cs, sn), scale um per pixel), through the lens if any;
 * labels (may be NULL) get each pixel centre's material. */
static void shade_frame(const scene *s, const aoi_synth_params *prm, int w, int h, int ss,
                        double ox, double oy, double cs, double sn, double scale, float *lin,
                        aoi_image *labels)
{
    double kinv = scale / 1000.0;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            float acc[3] = {0, 0, 0}, rgb[3];
            uint8_t lab;
            double ux = x, uy = y;
            /* Through a lens: the pixel centre's ideal position; samples
             * keep their offsets (the lens scales them by under 1 %). */
            if (prm->lens)
                aoi_lens_undistort_point(prm->lens, x, y, &ux, &uy);
            for (int j = 0; j < ss; j++)
                for (int i = 0; i < ss; i++) {
                    double sx = ux + (i + 0.5) / ss - 0.5, sy = uy + (j + 0.5) / ss - 0.5;
                    double dx = sx - ox, dy = sy - oy;
                    scene_shade(s, (dx * cs + dy * sn) * kinv, (-dx * sn + dy * cs) * kinv, rgb,
                                &lab);
                    acc[0] += rgb[0], acc[1] += rgb[1], acc[2] += rgb[2];
                }
            if (labels) {
                double dx = ux - ox, dy = uy - oy;
                scene_shade(s, (dx * cs + dy * sn) * kinv, (-dx * sn + dy * cs) * kinv, rgb, &lab);
                labels->data[(size_t)y * labels->stride + x] = lab;
            }
            for (int q = 0; q < 3; q++)
                lin[((size_t)y * w + x) * 3 + q] = acc[q] / (float)(ss * ss);
        }
}

/* What the camera does to the light: blur, vignetting, exposure and gain,
 * gamma, offset, noise. */
typedef struct {
    double blur_px, noise, vign, gamma, gain[3], offset[3];
} camera;

static void draw_camera(const aoi_synth_params *prm, rng_t *r, camera *cam)
{
    cam->blur_px = prm->clean ? 0 : rng_uniform(r, 0, 1.0);
    cam->noise = prm->clean ? 0 : rng_uniform(r, 0, 5);
    cam->vign = prm->clean ? 0 : rng_uniform(r, 0, 0.25);
    cam->gamma = prm->clean ? 2.2 : rng_uniform(r, 1.8, 2.4);
    for (int q = 0; q < 3; q++) {
        cam->gain[q] = prm->clean ? 1 : rng_uniform(r, 0.7, 1.3);
        cam->offset[q] = prm->clean ? 0 : rng_uniform(r, -10, 10);
    }
}

/* The blurred linear light lin to 8-bit pixels of out (grey: the luma of
 * the three channels). */
static void expose(const camera *cam, rng_t *r, const float *lin, aoi_image *out, int gray)
{
    const int w = out->width, h = out->height;
    double exposure = rng_uniform(r, 0.6, 0.9), cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
    double rmax2 = cx * cx + cy * cy;
    for (int y = 0; y < h; y++) {
        uint8_t *row = out->data + (size_t)y * out->stride;
        for (int x = 0; x < w; x++) {
            double vg = 1 - cam->vign * ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / rmax2;
            double dn[3];
            for (int q = 0; q < 3; q++) {
                double e = lin[((size_t)y * w + x) * 3 + q] * exposure * vg * cam->gain[q];
                dn[q] = 255 * pow(e > 0 ? e : 0, 1 / cam->gamma) + cam->offset[q] +
                        cam->noise * rng_gauss(r);
            }
            if (gray) {
                double g = 0.299 * dn[0] + 0.587 * dn[1] + 0.114 * dn[2];
                row[x] = (uint8_t)(g < 0 ? 0 : g > 255 ? 255 : lrint(g));
            } else {
                for (int q = 0; q < 3; q++)
                    row[3 * x + q] = (uint8_t)(dn[q] < 0 ? 0 : dn[q] > 255 ? 255 : lrint(dn[q]));
            }
        }
    }
}

int aoi_synth_render(const aoi_part *part, const aoi_synth_params *prm, aoi_image *out,
                     aoi_result *truth, aoi_image *labels, aoi_synth_file *file)
{
    rng_t r;
    scene s = {0};
    aoi_rect ext = aoi_part_extent(part);
    float *lin = NULL;
    int mask, finish, lighting, rot, w, h, ss, ret = -1, gray;
    double stated, scale, resid, th, c, sn, k, ox = 0, oy = 0;
    camera cam;
    conn_xf xf = {0};
    char extra[1024];
    aoi_synth_file fl;

    memset(out, 0, sizeof *out);
    if (labels)
        memset(labels, 0, sizeof *labels);
    aoi_result_init(truth);
    rng_seed(&r, prm->seed * 0x9E3779B97F4A7C15ull + 0x1234567ull);

    mask = prm->mask >= 0 ? prm->mask % AOI_MASK_COUNT : rng_int(&r, AOI_MASK_COUNT);
    finish = prm->finish >= 0 ? prm->finish % AOI_FINISH_COUNT : rng_int(&r, AOI_FINISH_COUNT);
    lighting = prm->lighting >= 0 ? prm->lighting % AOI_LIGHT_COUNT : rng_int(&r, AOI_LIGHT_COUNT);
    stated = prm->um_per_px > 0 ? prm->um_per_px : rng_uniform(&r, 6, 20);
    scale = stated * (prm->clean ? 1.0 : 1 + rng_uniform(&r, -0.01, 0.01));
    rot = prm->rotation >= 0 ? prm->rotation : 90 * rng_int(&r, 4);
    if (rot % 90 != 0 || rot < 0 || rot > 270) {
        aoi__error("synth: rotation must be 0, 90, 180 or 270 (got %d)", rot);
        goto bailout;
    }
    resid = rng_uniform(&r, -3, 3);
    gray = prm->gray;
    th = (rot + resid) * M_PI / 180;
    c = cos(th);
    sn = sin(th);
    k = 1000.0 / scale;
    if (frame_layout(part, prm, &r, c, sn, k, scale, &w, &h, &ox, &oy) < 0)
        goto bailout;
    connector_placement(prm, &r, &xf);

    set_looks(&s, &r, mask, finish, rng_int(&r, 3));
    s.lighting = lighting;
    s.tex_seed = prm->seed * 31 + 7;
    {
        /* Scene area: the frame's corners in the footprint frame. */
        aoi_pose pose = {ox, oy, resid, scale, 1};
        double u0 = 1e9, u1 = -1e9, v0 = 1e9, v1 = -1e9;
        double px[4] = {-1, w, w, -1}, py[4] = {-1, -1, h, h};
        aoi_rect keep = {ext.x0 - 0.3, ext.y0 - 0.3, ext.x1 + 0.3, ext.y1 + 0.3};
        for (int i = 0; i < 4; i++) {
            double u, v;
            aoi_pose_unmap(&pose, rot, px[i], py[i], &u, &v);
            u0 = fmin(u0, u), u1 = fmax(u1, u), v0 = fmin(v0, v), v1 = fmax(v1, v);
        }
        if (synth_clutter(&s, &r, part, u0, v0, u1, v1, keep) < 0 ||
            (!prm->bare &&
             synth_connector(&s, &r, part, &xf, prm->defects, prm->borderline, truth) < 0) ||
            scene_build_grid(&s, u0 - 1, v0 - 1, u1 + 1, v1 + 1) < 0)
            goto bailout;
    }

    /* Render: ss x ss samples per pixel through the exact pose. */
    ss = (double)w * h <= 2.5e6 ? 3 : 2;
    lin = malloc(sizeof *lin * 3 * (size_t)w * (size_t)h);
    if (!lin || aoi_image_alloc(out, w, h, gray ? AOI_FMT_GRAY8 : AOI_FMT_RGB) < 0 ||
        (labels && aoi_image_alloc(labels, w, h, AOI_FMT_GRAY8) < 0)) {
        if (!lin)
            aoi__error("out of memory");
        goto bailout;
    }
    shade_frame(&s, prm, w, h, ss, ox, oy, c, sn, scale, lin, labels);

    /* Camera. */
    draw_camera(prm, &r, &cam);
    if (synth_blur(lin, w, h, cam.blur_px) < 0)
        goto bailout;
    expose(&cam, &r, lin, out, gray);

    fl.jpeg = prm->file_format >= 0 ? prm->file_format : rng_int(&r, 2);
    fl.quality = 70 + rng_int(&r, 29);
    fl.subsamp444 = rng_int(&r, 2);
    if (file)
        *file = fl;

    /* Truth. */
    synth_sort_defects(truth);
    truth->verdict = truth->ndefects ? AOI_VERDICT_FAIL : AOI_VERDICT_PASS;
    truth->has_pose = 1;
    truth->pose = (aoi_pose){ox, oy, resid, scale, 1.0};
    if (aoi_result_set_strings(truth, "", aoi_part_number(part)) < 0)
        goto bailout;
    snprintf(extra, sizeof extra,
             "{\"rotation\":%d,\"um_per_px_stated\":%.4f,\"conditions\":{\"mask\":\"%s\","
             "\"finish\":\"%s\",\"lighting\":\"%s\",\"gray\":%s,\"borderline\":%s,"
             "\"blur_px\":%.3f,\"noise_dn\":%.3f,\"vignette\":%.3f,\"gamma\":%.3f,"
             "\"gain\":[%.3f,%.3f,%.3f],\"offset_dn\":[%.2f,%.2f,%.2f],"
             "\"file\":\"%s\",\"jpeg_quality\":%d,\"chroma\":\"%s\","
             "\"connector_offset_mm\":[%.4f,%.4f],\"connector_rot_deg\":%.4f,\"size\":[%d,%d]}}",
             rot, stated, mask_names[mask], finish_names[finish], light_names[lighting],
             gray ? "true" : "false", prm->borderline ? "true" : "false", cam.blur_px, cam.noise,
             cam.vign, cam.gamma, cam.gain[0], cam.gain[1], cam.gain[2], cam.offset[0],
             cam.offset[1], cam.offset[2], fl.jpeg ? "jpeg" : "png", fl.jpeg ? fl.quality : 0,
             fl.subsamp444 ? "444" : "420", xf.dx, xf.dy, xf.th * 180 / M_PI, w, h);
    if (aoi_result_set_extra(truth, extra) < 0)
        goto bailout;
    ret = 0;
bailout:
    free(lin);
    scene_free(&s);
    if (ret < 0) {
        aoi_image_free(out);
        if (labels)
            aoi_image_free(labels);
        aoi_result_clear(truth);
    }
    return ret;
}

int aoi_synth_save(const aoi_image *img, const aoi_synth_file *file, const char *path)
{
    if (file && file->jpeg)
        return aoi_image_write_jpeg(img, path, file->quality, file->subsamp444);
    return aoi_image_write_png(img, path);
}
