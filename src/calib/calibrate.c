/* calibrate.c - measuring a station from views of a calibration target:
 * target found through the OpenCV wrapper, lens distortion from
 * cv::calibrateCamera, scale and rotation per view from the undistorted
 * points, colour gains from a white reference. */
#include "aoi/calib.h"
#include "config.h"
#include "core/error_internal.h"
#include "io/image_internal.h"

#if HAVE_OPENCV
#include "aoi/cvwrap.h"
#endif

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct aoi_calibrator {
    aoi_target t;
    int npts, nviews, w, h;
    double *obj;                       /* npts (X, Y) mm */
    double *img[AOI_CALIB_MAX_VIEWS];  /* npts (x, y) px per view */
    double white[3];                   /* summed channel means of the white reference */
    int nwhite;
};

void aoi_calib_limits_default(aoi_calib_limits *l)
{
    l->min_views = 3;
    l->max_rms_px = 0.5;
    l->max_scale_spread = 0.005;
    l->tangential = 0;
    l->no_distortion = 0;
}

aoi_calibrator *aoi_calibrator_new(const aoi_target *t)
{
    aoi_calibrator *c;
    if (!t || t->cols < 2 || t->rows < 2 || t->cols > 200 || t->rows > 200 ||
        !(t->pitch_mm > 0.01 && t->pitch_mm < 100)) {
        aoi__error("calib: a target needs 2..200 columns and rows and a pitch of 0.01..100 mm");
        return NULL;
    }
    if (!(c = calloc(1, sizeof *c)) ||
        !(c->obj = malloc(sizeof *c->obj * 2 * (size_t)t->cols * (size_t)t->rows))) {
        free(c);
        aoi__error("out of memory");
        return NULL;
    }
    c->t = *t;
    c->npts = t->cols * t->rows;
    for (int i = 0; i < c->npts; i++) {
        c->obj[2 * i] = (i % t->cols) * t->pitch_mm;
        c->obj[2 * i + 1] = (i / t->cols) * t->pitch_mm;
    }
    return c;
}

void aoi_calibrator_free(aoi_calibrator *c)
{
    if (!c)
        return;
    for (int v = 0; v < c->nviews; v++)
        free(c->img[v]);
    free(c->obj);
    free(c);
}

int aoi_calibrator_add(aoi_calibrator *c, const aoi_image *view)
{
#if HAVE_OPENCV
    aoi_image g = {0};
    int found = 0, ret = -1;
    double *pts = NULL;

    if (aoi_image_check(view) < 0)
        return -1;
    if (c->nviews == AOI_CALIB_MAX_VIEWS)
        return aoi__error("calib: at most %d views", AOI_CALIB_MAX_VIEWS);
    if (c->nviews && (view->width != c->w || view->height != c->h))
        return aoi__error("calib: view is %dx%d, the earlier views are %dx%d", view->width,
                          view->height, c->w, c->h);
    if (!(pts = malloc(sizeof *pts * 2 * (size_t)c->npts))) {
        aoi__error("out of memory");
        goto bailout;
    }
    if (aoi__image_to_packed(view, AOI_FMT_GRAY8, &g) < 0) /* the detectors' luma */
        goto bailout;
    if ((c->t.kind == AOI_TARGET_CHESSBOARD
             ? aoi_cv_find_chessboard(g.data, g.width, g.height, g.stride, c->t.cols, c->t.rows,
                                      pts, &found)
             : aoi_cv_find_circles(g.data, g.width, g.height, g.stride, c->t.cols, c->t.rows, pts,
                                   &found)) < 0)
        goto bailout;
    if (!found) {
        char d[64];
        aoi_target_format(&c->t, d, sizeof d);
        aoi__error("calib: target %s not found in the view (check the size: %s counts %s)", d,
                   c->t.kind == AOI_TARGET_CHESSBOARD ? "a chessboard" : "a circle grid",
                   c->t.kind == AOI_TARGET_CHESSBOARD ? "inner corners" : "circles");
        goto bailout;
    }
    c->w = view->width, c->h = view->height;
    c->img[c->nviews++] = pts;
    pts = NULL;
    ret = 0;
bailout:
    free(pts);
    aoi_image_free(&g);
    return ret;
#else
    (void)c;
    (void)view;
    return aoi__error("calib: this build has no OpenCV (meson -Dopencv=enabled)");
#endif
}

/* Sums the mean R, G, B of a rectangle into m[]; n pixels. */
static long box_sum(const aoi_image *v, double cx, double cy, double half, double m[3])
{
    int ro, go, bo, bpp = aoi_format_bpp(v->format);
    int x0 = (int)ceil(cx - half), x1 = (int)floor(cx + half);
    int y0 = (int)ceil(cy - half), y1 = (int)floor(cy + half);
    long n = 0;
    aoi_format_rgb_offsets(v->format, &ro, &go, &bo);
    if (x0 < 0 || y0 < 0 || x1 >= v->width || y1 >= v->height)
        return 0;
    for (int y = y0; y <= y1; y++) {
        const uint8_t *s = v->data + (size_t)y * v->stride + (size_t)x0 * (size_t)bpp;
        for (int x = x0; x <= x1; x++, s += bpp, n++)
            m[0] += s[ro], m[1] += s[go], m[2] += s[bo];
    }
    return n;
}

int aoi_calibrator_add_white(aoi_calibrator *c, const aoi_image *view, int x, int y, int w, int h)
{
    double m[3] = {0, 0, 0};
    long n = 0;

    if (aoi_image_check(view) < 0)
        return -1;
    if (view->format == AOI_FMT_GRAY8)
        return aoi__error("calib: a colour reference needs colour views (this one is grey)");
    if (w > 0) {
        if (x < 0 || y < 0 || h <= 0 || x + w > view->width || y + h > view->height)
            return aoi__error("calib: white patch %d,%d,%d,%d is not inside the %dx%d view", x, y,
                              w, h, view->width, view->height);
        for (int j = y; j < y + h; j++) {
            double mm[3] = {0, 0, 0};
            long k = box_sum(view, x + (w - 1) / 2.0, j, (w - 1) / 2.0, mm);
            n += k;
            for (int q = 0; q < 3; q++)
                m[q] += mm[q];
        }
    } else {
        /* The target's lightest cells in the view last added: the centres of
         * the cells between grid points (both parities) and the grid points
         * themselves; the set with the highest mean is the white one. */
        const double *p = c->nviews ? c->img[c->nviews - 1] : NULL;
        double s[3][3] = {{0}}, lum[3];
        long ns[3] = {0, 0, 0};
        int cols = c->t.cols, best = 0;
        if (!p || view->width != c->w || view->height != c->h)
            return aoi__error("calib: add the view (target found) before taking white from it");
        for (int j = 0; j + 1 < c->t.rows; j++)
            for (int i = 0; i + 1 < cols; i++) {
                const double *a = p + 2 * (j * cols + i), *b = a + 2, *d = a + 2 * cols, *e = d + 2;
                double cx = (a[0] + b[0] + d[0] + e[0]) / 4, cy = (a[1] + b[1] + d[1] + e[1]) / 4;
                double half = 0.2 * hypot(b[0] - a[0], b[1] - a[1]);
                ns[(i + j) & 1] += box_sum(view, cx, cy, half, s[(i + j) & 1]);
                ns[2] += box_sum(view, a[0], a[1], half * 0.5, s[2]);
            }
        for (int k = 0; k < 3; k++)
            lum[k] = ns[k] ? (s[k][0] + s[k][1] + s[k][2]) / (double)ns[k] : -1;
        for (int k = 1; k < 3; k++)
            if (lum[k] > lum[best])
                best = k;
        n = ns[best];
        memcpy(m, s[best], sizeof m);
    }
    if (n == 0)
        return aoi__error("calib: the white reference has no pixels inside the view");
    for (int q = 0; q < 3; q++)
        m[q] /= (double)n;
    if (m[0] < 8 || m[1] < 8 || m[2] < 8 || m[0] > 250 || m[1] > 250 || m[2] > 250)
        return aoi__error("calib: the white reference is too dark or clipped (R %.0f G %.0f B %.0f); "
                          "change the exposure or the patch",
                          m[0], m[1], m[2]);
    for (int q = 0; q < 3; q++)
        c->white[q] += m[q];
    c->nwhite++;
    return 0;
}

#if HAVE_OPENCV
/* Least-squares affine map target (X, Y) -> pixels; returns the RMS residual. */
static double fit_affine(const double *obj, const double *px, int n, double M[2][2])
{
    double sx = 0, sy = 0, su = 0, sv = 0, a = 0, b = 0, d = 0, pu[2] = {0, 0}, pv[2] = {0, 0};
    double r = 0;
    for (int i = 0; i < n; i++)
        sx += obj[2 * i], sy += obj[2 * i + 1], su += px[2 * i], sv += px[2 * i + 1];
    sx /= n, sy /= n, su /= n, sv /= n;
    for (int i = 0; i < n; i++) {
        double X = obj[2 * i] - sx, Y = obj[2 * i + 1] - sy;
        double u = px[2 * i] - su, v = px[2 * i + 1] - sv;
        a += X * X, b += X * Y, d += Y * Y;
        pu[0] += X * u, pu[1] += Y * u, pv[0] += X * v, pv[1] += Y * v;
    }
    double det = a * d - b * b;
    M[0][0] = (d * pu[0] - b * pu[1]) / det;
    M[0][1] = (a * pu[1] - b * pu[0]) / det;
    M[1][0] = (d * pv[0] - b * pv[1]) / det;
    M[1][1] = (a * pv[1] - b * pv[0]) / det;
    for (int i = 0; i < n; i++) {
        double X = obj[2 * i] - sx, Y = obj[2 * i + 1] - sy;
        double eu = M[0][0] * X + M[0][1] * Y - (px[2 * i] - su);
        double ev = M[1][0] * X + M[1][1] * Y - (px[2 * i + 1] - sv);
        r += eu * eu + ev * ev;
    }
    return sqrt(r / n);
}

#endif

int aoi_calibrator_finish(aoi_calibrator *c, const aoi_calib_limits *lim, aoi_calib *cal)
{
#if HAVE_OPENCV
    aoi_calib_limits dl;
    double K[9], dist[5], rms = 0, *und = NULL, *perview = NULL, *all = NULL, smin = 1e18;
    double smax = 0, ssum = 0;
    double rx = 0, ry = 0, rs = 0, rc = 0;
    int ret = -1;

    memset(cal, 0, sizeof *cal);
    if (!lim) {
        aoi_calib_limits_default(&dl);
        lim = &dl;
    }
    if (c->nviews < lim->min_views || c->nviews < 1) {
        aoi__error("calib: %d view%s with the target found; at least %d are needed (move and turn "
                   "the target between views so its points cover the field)",
                   c->nviews, c->nviews == 1 ? "" : "s", lim->min_views < 1 ? 1 : lim->min_views);
        goto bailout;
    }
    if (!(und = malloc(sizeof *und * 2 * (size_t)c->npts)) ||
        !(perview = malloc(sizeof *perview * (size_t)c->nviews)) ||
        !(all = malloc(sizeof *all * 2 * (size_t)c->npts * (size_t)c->nviews))) {
        aoi__error("out of memory");
        goto bailout;
    }
    for (int v = 0; v < c->nviews; v++)
        memcpy(all + 2 * (size_t)v * c->npts, c->img[v], sizeof *all * 2 * (size_t)c->npts);
    /* The held focal length only sets the unit of the distortion terms; its
     * y/x ratio is the pixels' aspect, measured on the points undistorted by
     * the previous pass (the raw points first: distortion biases them). */
    {
        double f = c->w > c->h ? c->w : c->h, asp = 1;
        aoi_lens l = {f, f, (c->w - 1) / 2.0, (c->h - 1) / 2.0, 0, 0, 0, 0, 0};
        memcpy(K, (const double[9]){f, 0, l.cx, 0, f, l.cy, 0, 0, 1}, sizeof K);
        memset(dist, 0, sizeof dist);
        for (int pass = 0; pass < 4 && !lim->no_distortion; pass++) {
            double a = 0;
            for (int v = 0; v < c->nviews; v++) {
                double M[2][2];
                for (int i = 0; i < c->npts; i++)
                    if (aoi_lens_undistort_point(&l, c->img[v][2 * i], c->img[v][2 * i + 1],
                                                 &und[2 * i], &und[2 * i + 1]) < 0)
                        goto bailout;
                fit_affine(c->obj, und, c->npts, M);
                a += hypot(M[1][0], M[1][1]) / hypot(M[0][0], M[0][1]);
            }
            a /= c->nviews;
            if (pass > 0 && fabs(a / asp - 1) < 1e-5)
                break;
            asp = a;
            const double k[9] = {f, 0, (c->w - 1) / 2.0, 0, f * asp, (c->h - 1) / 2.0, 0, 0, 1};
            memcpy(K, k, sizeof K);
            if (aoi_cv_calibrate(c->nviews, c->npts, c->obj, all, c->w, c->h, K, lim->tangential,
                                 dist, &rms, perview) < 0)
                goto bailout;
            l = (aoi_lens){K[0], K[4], K[2], K[5], dist[0], dist[1], dist[2], dist[3], dist[4]};
            if (aoi_lens_check(&l, c->w, c->h) < 0) {
                aoi__error_prefix("calib: the fitted distortion is implausible");
                goto bailout;
            }
        }
    }
    cal->width = c->w, cal->height = c->h;
    cal->lens = (aoi_lens){K[0], K[4], K[2], K[5], dist[0], dist[1], dist[2], dist[3], dist[4]};
    cal->has_lens = !lim->no_distortion;
    cal->rms_px = rms;
    cal->views = c->nviews;
    if (aoi_lens_check(&cal->lens, c->w, c->h) < 0) {
        aoi__error_prefix("calib: the fitted distortion is implausible");
        goto bailout;
    }
    for (int v = 0; v < c->nviews; v++) {
        double M[2][2];
        for (int i = 0; i < c->npts; i++)
            if (aoi_lens_undistort_point(&cal->lens, c->img[v][2 * i], c->img[v][2 * i + 1],
                                         &und[2 * i], &und[2 * i + 1]) < 0)
                goto bailout;
        double res = fit_affine(c->obj, und, c->npts, M);
        aoi_calib_view *cv = &cal->view[v];
        if (lim->no_distortion)
            perview[v] = res;
        cv->um_per_px_x = 1000.0 / hypot(M[0][0], M[0][1]);
        cv->um_per_px_y = 1000.0 / hypot(M[1][0], M[1][1]);
        /* Modulo 180 degrees: the detectors may number a target from
         * either end. */
        cv->rotation_deg = fmod(atan2(M[1][0], M[0][0]) * 180 / M_PI + 360, 180);
        if (cv->rotation_deg > 90)
            cv->rotation_deg -= 180;
        cv->rms_px = perview[v];
        rx += cv->um_per_px_x, ry += cv->um_per_px_y;
        double s = (cv->um_per_px_x + cv->um_per_px_y) / 2;
        smin = fmin(smin, s), smax = fmax(smax, s), ssum += s;
        /* Mean of axes (angles modulo 180) through the doubled angle. */
        rs += sin(cv->rotation_deg * M_PI / 90), rc += cos(cv->rotation_deg * M_PI / 90);
    }
    if (lim->no_distortion) {
        double q = 0;
        for (int v = 0; v < c->nviews; v++)
            q += perview[v] * perview[v];
        cal->rms_px = sqrt(q / c->nviews);
        cal->width = cal->height = 0;
    }
    cal->um_per_px_x = rx / c->nviews;
    cal->um_per_px_y = ry / c->nviews;
    cal->rotation_deg = atan2(rs, rc) * 90 / M_PI;
    cal->scale_spread = (smax - smin) / (ssum / c->nviews);
    if (c->nwhite) {
        double m = (c->white[0] + c->white[1] + c->white[2]) / 3;
        for (int q = 0; q < 3; q++)
            cal->gain[q] = m / c->white[q];
        cal->has_gains = 1;
    }
    if (cal->rms_px > lim->max_rms_px) {
        aoi__error("calib: reprojection error %.3f px is above the limit %.3f px (blurred or "
                   "dirty target, target not flat, or a wrong pitch)",
                   cal->rms_px, lim->max_rms_px);
        goto bailout;
    }
    if (cal->scale_spread > lim->max_scale_spread) {
        aoi__error("calib: the views' scales differ by %.2f %% (%.4f .. %.4f um/px; limit "
                   "%.2f %%): the target was not at board height in every view, or is not flat",
                   100 * cal->scale_spread, smin, smax, 100 * lim->max_scale_spread);
        goto bailout;
    }
    if (fabs(cal->um_per_px_x / cal->um_per_px_y - 1) > 0.02) {
        aoi__error("calib: pixels are not square (%.4f x %.4f um); the inspection needs square "
                   "pixels",
                   cal->um_per_px_x, cal->um_per_px_y);
        goto bailout;
    }
    ret = 0;
bailout:
    free(und);
    free(perview);
    free(all);
    return ret;
#else
    (void)c;
    (void)lim;
    memset(cal, 0, sizeof *cal);
    return aoi__error("calib: this build has no OpenCV (meson -Dopencv=enabled)");
#endif
}
