// cvwrap_cv.cpp - C wrapper over OpenCV; the project's only C++ file.
// Exceptions never cross this file's functions: each body runs inside
// guard(), which turns them into -1 and an aoi_errmsg() message.
#include "aoi/cvwrap.h"

extern "C" {
#include "core/error_internal.h"
}

#include <exception>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/calib3d.hpp>
#include <opencv2/features2d.hpp>

#include <algorithm>
#include <vector>

namespace {

template <typename F> int guard(const char *fn, F &&body)
{
    try {
        return body();
    } catch (const cv::Exception &e) {
        return aoi__error("%s(): OpenCV: %s", fn, e.what());
    } catch (const std::exception &e) {
        return aoi__error("%s(): %s", fn, e.what());
    } catch (...) {
        return aoi__error("%s(): unknown C++ exception", fn);
    }
}

cv::Mat wrap(const uint8_t *data, int w, int h, size_t stride)
{
    return cv::Mat(h, w, CV_8UC1, const_cast<uint8_t *>(data), stride);
}

// Vertex of the parabola through (-1, a), (0, b), (1, c).
double parabola(float a, float b, float c)
{
    double d = (double)a - 2.0 * b + c;
    return d < 0 ? 0.5 * (a - c) / d : 0.0;
}

} // namespace

extern "C" const char *aoi_cv_version(void)
{
    return CV_VERSION;
}

extern "C" int aoi_cv_match_template(const uint8_t *img, int w, int h, size_t stride,
                                     const uint8_t *tpl, int tw, int th, size_t tstride, double *x,
                                     double *y, double *score)
{
    return guard("aoi_cv_match_template", [&]() -> int {
        if (!img || !tpl || w <= 0 || h <= 0 || tw <= 0 || th <= 0 || tw > w || th > h ||
            stride < (size_t)w || tstride < (size_t)tw)
            return aoi__error("aoi_cv_match_template(): bad sizes (image %dx%d stride %zu, "
                              "template %dx%d stride %zu)",
                              w, h, stride, tw, th, tstride);
        cv::Mat res;
        cv::matchTemplate(wrap(img, w, h, stride), wrap(tpl, tw, th, tstride), res,
                          cv::TM_CCOEFF_NORMED);
        double maxv;
        cv::Point p;
        cv::minMaxLoc(res, nullptr, &maxv, nullptr, &p);
        double dx = 0, dy = 0;
        if (p.x > 0 && p.x < res.cols - 1)
            dx = parabola(res.at<float>(p.y, p.x - 1), res.at<float>(p.y, p.x),
                          res.at<float>(p.y, p.x + 1));
        if (p.y > 0 && p.y < res.rows - 1)
            dy = parabola(res.at<float>(p.y - 1, p.x), res.at<float>(p.y, p.x),
                          res.at<float>(p.y + 1, p.x));
        *x = p.x + dx;
        *y = p.y + dy;
        *score = maxv;
        return 0;
    });
}

namespace {

// Corner refinement window: about a third of the corner spacing, 2..15 px.
int subpix_window(const std::vector<cv::Point2f> &c, int cols)
{
    double d = 1e9;
    for (size_t i = 0; i + 1 < c.size(); i++)
        if ((int)((i + 1) % (size_t)cols) != 0)
            d = std::min(d, (double)cv::norm(c[i + 1] - c[i]));
    int win = (int)(d / 3);
    return win < 2 ? 2 : win > 15 ? 15 : win;
}

void put_points(const std::vector<cv::Point2f> &c, double *xy)
{
    for (size_t i = 0; i < c.size(); i++) {
        xy[2 * i] = c[i].x;
        xy[2 * i + 1] = c[i].y;
    }
}

int check_grid_args(const char *fn, const uint8_t *img, int w, int h, size_t stride, int cols,
                    int rows, const double *xy, const int *found)
{
    if (!img || !xy || !found || w <= 0 || h <= 0 || stride < (size_t)w || cols < 2 ||
        rows < 2 || cols > 200 || rows > 200)
        return aoi__error("%s(): bad arguments (image %dx%d stride %zu, grid %dx%d)", fn, w, h,
                          stride, cols, rows);
    return 0;
}

} // namespace

extern "C" int aoi_cv_find_chessboard(const uint8_t *img, int w, int h, size_t stride, int cols,
                                      int rows, double *xy, int *found)
{
    return guard("aoi_cv_find_chessboard", [&]() -> int {
        if (check_grid_args("aoi_cv_find_chessboard", img, w, h, stride, cols, rows, xy, found) < 0)
            return -1;
        *found = 0;
        cv::Mat full = wrap(img, w, h, stride), small;
        // The detector's cost grows with the pixels: look on a copy of at
        // most about 1.5 Mpx, refine on the full frame.
        int f = 1;
        while ((double)w * h / ((double)f * f) > 1.5e6)
            f++;
        if (f > 1)
            cv::resize(full, small, cv::Size(w / f, h / f), 0, 0, cv::INTER_AREA);
        else
            small = full;
        std::vector<cv::Point2f> c;
        int flags = cv::CALIB_CB_ADAPTIVE_THRESH | cv::CALIB_CB_NORMALIZE_IMAGE;
        if (!cv::findChessboardCorners(small, cv::Size(cols, rows), c, flags))
            return 0;
        for (auto &p : c)
            p = cv::Point2f((p.x + 0.5f) * (float)f - 0.5f, (p.y + 0.5f) * (float)f - 0.5f);
        int win = subpix_window(c, cols);
        cv::cornerSubPix(full, c, cv::Size(win, win), cv::Size(-1, -1),
                         cv::TermCriteria(cv::TermCriteria::EPS + cv::TermCriteria::COUNT, 100,
                                          1e-4));
        put_points(c, xy);
        *found = 1;
        return 0;
    });
}

extern "C" int aoi_cv_find_circles(const uint8_t *img, int w, int h, size_t stride, int cols,
                                   int rows, double *xy, int *found)
{
    return guard("aoi_cv_find_circles", [&]() -> int {
        if (check_grid_args("aoi_cv_find_circles", img, w, h, stride, cols, rows, xy, found) < 0)
            return -1;
        *found = 0;
        std::vector<cv::Point2f> c;
        // The blob detector's default area limits (25..5000 px) are for
        // small circles; a grid may fill the frame.
        cv::SimpleBlobDetector::Params p;
        p.minArea = 20;
        p.maxArea = (float)((double)w * h / (cols * rows));
        // Dark circles on a light ground first, then light ones on dark
        // (chrome on glass under coaxial light).
        bool ok = false;
        for (int polarity = 0; polarity < 2 && !ok; polarity++) {
            p.blobColor = polarity ? 255 : 0;
            cv::Ptr<cv::FeatureDetector> det = cv::SimpleBlobDetector::create(p);
            ok = cv::findCirclesGrid(wrap(img, w, h, stride), cv::Size(cols, rows), c,
                                     cv::CALIB_CB_SYMMETRIC_GRID, det);
        }
        if (!ok)
            return 0;
        put_points(c, xy);
        *found = 1;
        return 0;
    });
}

extern "C" int aoi_cv_calibrate(int nviews, int npts, const double *obj, const double *img, int w,
                                int h, const double K[9], int tangential, double dist[5],
                                double *rms, double *err_views)
{
    return guard("aoi_cv_calibrate", [&]() -> int {
        if (nviews < 1 || npts < 4 || !obj || !img || !K || !dist || !rms || w <= 0 || h <= 0)
            return aoi__error("aoi_cv_calibrate(): bad arguments (%d views of %d points)", nviews,
                              npts);
        std::vector<std::vector<cv::Point3f>> op((size_t)nviews);
        std::vector<std::vector<cv::Point2f>> ip((size_t)nviews);
        for (int v = 0; v < nviews; v++)
            for (int i = 0; i < npts; i++) {
                op[v].emplace_back((float)obj[2 * i], (float)obj[2 * i + 1], 0.0f);
                const double *q = img + 2 * ((size_t)v * npts + i);
                ip[v].emplace_back((float)q[0], (float)q[1]);
            }
        cv::Mat cam(3, 3, CV_64F), d = cv::Mat::zeros(1, 5, CV_64F), stdi, stde, perview;
        for (int i = 0; i < 9; i++)
            cam.at<double>(i / 3, i % 3) = K[i];
        std::vector<cv::Mat> rv, tv;
        int flags = cv::CALIB_USE_INTRINSIC_GUESS | cv::CALIB_FIX_FOCAL_LENGTH |
                    cv::CALIB_FIX_PRINCIPAL_POINT | cv::CALIB_FIX_K3;
        if (!tangential)
            flags |= cv::CALIB_ZERO_TANGENT_DIST;
        *rms = cv::calibrateCamera(op, ip, cv::Size(w, h), cam, d, rv, tv, stdi, stde, perview,
                                   flags);
        for (int i = 0; i < 5; i++)
            dist[i] = d.at<double>(0, i);
        if (err_views)
            for (int v = 0; v < nviews; v++)
                err_views[v] = perview.at<double>(v, 0);
        return 0;
    });
}

extern "C" int aoi_cv_undistort_points(const double K[9], const double dist[5], int n,
                                       const double *in, double *out)
{
    return guard("aoi_cv_undistort_points", [&]() -> int {
        if (n < 0 || !K || !dist || (n && (!in || !out)))
            return aoi__error("aoi_cv_undistort_points(): bad arguments");
        if (n == 0)
            return 0;
        cv::Mat cam(3, 3, CV_64F), d(1, 5, CV_64F);
        for (int i = 0; i < 9; i++)
            cam.at<double>(i / 3, i % 3) = K[i];
        for (int i = 0; i < 5; i++)
            d.at<double>(0, i) = dist[i];
        std::vector<cv::Point2d> a, b;
        for (int i = 0; i < n; i++)
            a.emplace_back(in[2 * i], in[2 * i + 1]);
        cv::undistortPoints(a, b, cam, d, cv::noArray(), cam,
                            cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS, 50,
                                             1e-12));
        for (int i = 0; i < n; i++)
            out[2 * i] = b[i].x, out[2 * i + 1] = b[i].y;
        return 0;
    });
}
