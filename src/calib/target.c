/* target.c - calibration target descriptions and printable SVG targets. */
#include "aoi/calib.h"
#include "core/error_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int aoi_target_parse(const char *text, aoi_target *t)
{
    aoi_target r = {0};
    const char *p;
    char *end;
    long cols, rows;

    if (!text)
        return aoi__error("target: empty description");
    if (!strncmp(text, "chessboard:", 11)) {
        r.kind = AOI_TARGET_CHESSBOARD;
        p = text + 11;
    } else if (!strncmp(text, "circles:", 8)) {
        r.kind = AOI_TARGET_CIRCLES;
        p = text + 8;
    } else {
        return aoi__error("target '%s': give chessboard:COLSxROWS:PITCH_MM or "
                          "circles:COLSxROWS:PITCH_MM",
                          text);
    }
    errno = 0;
    cols = strtol(p, &end, 10);
    if (end == p || *end != 'x')
        return aoi__error("target '%s': expected COLSxROWS after the kind", text);
    p = end + 1;
    rows = strtol(p, &end, 10);
    if (end == p || *end != ':')
        return aoi__error("target '%s': expected ':PITCH_MM' after COLSxROWS", text);
    p = end + 1;
    r.pitch_mm = strtod(p, &end);
    if (end == p || *end || errno)
        return aoi__error("target '%s': the pitch must be a number of millimetres", text);
    if (cols < 2 || rows < 2 || cols > 200 || rows > 200)
        return aoi__error("target '%s': columns and rows must be 2..200 (%s)", text,
                          r.kind == AOI_TARGET_CHESSBOARD ? "inner corners" : "circles");
    if (!(r.pitch_mm >= 0.01 && r.pitch_mm <= 100))
        return aoi__error("target '%s': pitch must be 0.01..100 mm", text);
    r.cols = (int)cols, r.rows = (int)rows;
    *t = r;
    return 0;
}

void aoi_target_format(const aoi_target *t, char *buf, size_t size)
{
    snprintf(buf, size, "%s:%dx%d:%g", t->kind == AOI_TARGET_CHESSBOARD ? "chessboard" : "circles",
             t->cols, t->rows, t->pitch_mm);
}

int aoi_target_write_svg(const aoi_target *t, const char *path)
{
    FILE *f = NULL;
    double p = t->pitch_mm, q = 2 * p; /* quiet zone */
    int nx = t->kind == AOI_TARGET_CHESSBOARD ? t->cols + 1 : t->cols;
    int ny = t->kind == AOI_TARGET_CHESSBOARD ? t->rows + 1 : t->rows;
    double gw = nx * p, gh = ny * p, W = gw + 2 * q, cap = 3 + 0.5 * p, H = gh + 2 * q + cap;
    char desc[64];
    int ret = -1;

    if (t->cols < 2 || t->rows < 2 || t->cols > 200 || t->rows > 200 || !(p >= 0.01 && p <= 100))
        return aoi__error("target: 2..200 columns and rows, pitch 0.01..100 mm");
    aoi_target_format(t, desc, sizeof desc);
    if (!(f = fopen(path, "w"))) {
        aoi__error("%s: %s", path, strerror(errno));
        goto bailout;
    }
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%gmm\" height=\"%gmm\" "
            "viewBox=\"0 0 %g %g\">\n"
            "<title>f4saoi calibration target %s</title>\n"
            "<rect x=\"0\" y=\"0\" width=\"%g\" height=\"%g\" fill=\"#fff\"/>\n",
            W, H, W, H, desc, W, H);
    if (t->kind == AOI_TARGET_CHESSBOARD) {
        /* The top-left square is dark; inner corners are where four meet. */
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++)
                if (((i + j) & 1) == 0)
                    fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\"/>\n", q + i * p,
                            q + j * p, p, p);
    } else {
        /* Circles centred on the grid, half a pitch in from the grid's edge. */
        for (int j = 0; j < ny; j++)
            for (int i = 0; i < nx; i++)
                fprintf(f, "<circle cx=\"%g\" cy=\"%g\" r=\"%g\"/>\n", q + (i + 0.5) * p,
                        q + (j + 0.5) * p, p / 4);
    }
    /* A 10 mm bar (or the grid's width, if smaller) to check the print scale. */
    {
        double bar = gw >= 10 ? 10 : gw, y = q + gh + q / 2, fs = cap / 3;
        fprintf(f,
                "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\"/>\n"
                "<text x=\"%g\" y=\"%g\" font-family=\"sans-serif\" font-size=\"%g\">%s, "
                "print at 100 %%: the bar is %g mm</text>\n</svg>\n",
                q, y, bar, fs / 4, q, y + fs * 1.5, fs, desc, bar);
    }
    if (ferror(f)) {
        aoi__error("%s: write error", path);
        goto bailout;
    }
    ret = 0;
bailout:
    if (f && fclose(f) != 0 && ret == 0)
        ret = aoi__error("%s: %s", path, strerror(errno));
    return ret;
}
