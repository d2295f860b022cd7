/* test_cvwrap.c - the OpenCV C wrapper: results and errors cross as C. */
#include "aoi/cvwrap.h"
#include "aoi/error.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

Test(cvwrap, version) { cr_expect(strncmp(aoi_cv_version(), "4.", 2) == 0); }

Test(cvwrap, finds_template_with_padded_strides)
{
    enum { W = 97, H = 61, S = 112, TW = 13, TH = 9, TS = 16 };
    uint8_t *img = calloc(S * H, 1), *tpl = calloc(TS * TH, 1);
    unsigned seed = 7;
    for (int i = 0; i < S * H; i++)
        img[i] = (uint8_t)((seed = seed * 1103515245u + 12345u) >> 24);
    for (int y = 0; y < TH; y++)
        memcpy(tpl + y * TS, img + (y + 40) * S + 71, TW);
    double x, y, sc;
    cr_assert_eq(aoi_cv_match_template(img, W, H, S, tpl, TW, TH, TS, &x, &y, &sc), 0, "%s",
                 aoi_errmsg());
    cr_expect(fabs(x - 71) < 0.5 && fabs(y - 40) < 0.5, "found at %g,%g", x, y);
    cr_expect(sc > 0.99);
    free(img);
    free(tpl);
}

Test(cvwrap, bad_sizes_are_errors_not_exceptions)
{
    uint8_t img[16] = {0};
    double x, y, s;
    cr_expect_eq(aoi_cv_match_template(img, 4, 4, 4, img, 8, 2, 8, &x, &y, &s), -1);
    cr_expect(strstr(aoi_errmsg(), "bad sizes") != NULL, "%s", aoi_errmsg());
}
