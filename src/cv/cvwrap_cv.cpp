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
