/* footprint_svg.c - SVG drawing of a part's foot pattern (mm, top view). */
#include "aoi/footprint.h"
#include "core/error_internal.h"
#include "core/text.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#define MARGIN_MM 1.2
#define FONT_MM 0.16

static void rect(FILE *f, const char *cls, double x0, double y0, double x1, double y1)
{
    fprintf(f, "<rect class=\"%s\" x=\"%.4f\" y=\"%.4f\" width=\"%.4f\" height=\"%.4f\"", cls, x0,
            y0, x1 - x0, y1 - y0);
}

/* A horizontal dimension line at height y between x0 and x1, labelled. */
static void hdim(FILE *f, double x0, double x1, double y, const char *name, double value)
{
    fprintf(f,
            "<g class=\"dim\"><line x1=\"%.4f\" y1=\"%.4f\" x2=\"%.4f\" y2=\"%.4f\"/>"
            "<line x1=\"%.4f\" y1=\"%.4f\" x2=\"%.4f\" y2=\"%.4f\"/>"
            "<line x1=\"%.4f\" y1=\"%.4f\" x2=\"%.4f\" y2=\"%.4f\"/>"
            "<text x=\"%.4f\" y=\"%.4f\" text-anchor=\"middle\">%s = %.2f</text></g>\n",
            x0, y, x1, y, x0, y - 0.08, x0, y + 0.08, x1, y - 0.08, x1, y + 0.08, (x0 + x1) / 2,
            y - 0.06, name, value);
}

int aoi_footprint_svg_write(const aoi_part *part, double scale, FILE *f)
{
    const aoi_pad *pads = aoi_part_pads(part);
    size_t npads = aoi_part_pad_count(part);
    aoi_rect ext = aoi_part_extent(part), body = aoi_part_body(part);
    double a, b, c, d, x0, y0, w, h;
    aoi_source src;
    int provisional = 0;
    static const char *const feats[] = {"signal_pad", "holddown_pad", "body", "terminal"};

    if (scale <= 0)
        scale = 10;
    aoi_part_catalog(part, &a, &b, &c, &d);
    x0 = ext.x0 - MARGIN_MM;
    y0 = ext.y0 - MARGIN_MM - 0.9;
    w = ext.x1 - ext.x0 + 2 * MARGIN_MM;
    h = ext.y1 - ext.y0 + 2 * MARGIN_MM + 1.6;
    for (size_t i = 0; i < sizeof feats / sizeof *feats; i++)
        if (aoi_part_provenance(part, feats[i], &src, NULL) == 0 && src == AOI_SRC_PROVISIONAL)
            provisional = 1;

    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    fprintf(f,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.2fmm\" "
            "height=\"%.2fmm\" viewBox=\"%.4f %.4f %.4f %.4f\">\n",
            w * scale, h * scale, x0, y0, w, h);
    fputs("<title>", f);
    aoi__put_escaped(f, aoi_part_number(part));
    fputs(" recommended PC board pattern (top view, mm)</title>\n", f);
    fputs("<style>\n"
          ".bg{fill:#ffffff}\n"
          ".pad{fill:#d98c3a;stroke:#7a4a12;stroke-width:0.01}\n"
          ".holddown{fill:#c9a227}\n"
          ".terminal{fill:#f2d16b;fill-opacity:0.75;stroke:#8a6d00;stroke-width:0.008}\n"
          ".body{fill:#2b2b2b;fill-opacity:0.12;stroke:#222;stroke-width:0.02;"
          "stroke-dasharray:0.12 0.06}\n"
          ".pin{font-family:sans-serif;font-size:0.16px;fill:#000}\n"
          ".dim line{stroke:#1f5fbf;stroke-width:0.012}\n"
          ".dim text,.axis text,.label{font-family:sans-serif;font-size:0.2px;fill:#1f5fbf}\n"
          ".axis line{stroke:#c0392b;stroke-width:0.015}\n"
          ".axis text{fill:#c0392b}\n"
          ".warn{font-family:sans-serif;font-size:0.2px;fill:#b03000}\n"
          "</style>\n",
          f);
    fprintf(f, "<rect class=\"bg\" x=\"%.4f\" y=\"%.4f\" width=\"%.4f\" height=\"%.4f\"/>\n", x0,
            y0, w, h);

    rect(f, "body", body.x0, body.y0, body.x1, body.y1);
    fputs("/>\n", f);
    for (size_t i = 0; i < npads; i++) {
        const aoi_pad *p = &pads[i];
        rect(f, p->kind == AOI_PAD_SIGNAL ? "pad" : "pad holddown", p->cx - p->w / 2,
             p->cy - p->h / 2, p->cx + p->w / 2, p->cy + p->h / 2);
        fprintf(f, " data-pin=\"%d\" data-kind=\"%s\"/>\n", p->pin,
                p->kind == AOI_PAD_SIGNAL ? "signal" : "holddown");
    }
    for (size_t i = 0; i < npads; i++) {
        const aoi_rect *t = &pads[i].terminal;
        rect(f, "terminal", t->x0, t->y0, t->x1, t->y1);
        fprintf(f, " data-pin=\"%d\"/>\n", pads[i].pin);
    }
    /* Pin numbers outside each row, written across the row so they fit the pitch. */
    for (size_t i = 0; i < npads; i++) {
        const aoi_pad *p = &pads[i];
        double ty = p->cy + p->row * (p->h / 2 + 0.05);
        if (p->kind == AOI_PAD_HOLDDOWN)
            ty = p->row * (fmax(fabs(p->cy) + p->h / 2, ext.y1 - 0.0) + 0.05);
        fprintf(f,
                "<text class=\"pin\" x=\"%.4f\" y=\"%.4f\" transform=\"rotate(-90 %.4f %.4f)\" "
                "text-anchor=\"%s\" dominant-baseline=\"central\">%d</text>\n",
                p->cx, ty, p->cx, ty, p->row > 0 ? "end" : "start", p->pin);
    }
    /* Axes at the origin. */
    fputs("<g class=\"axis\">", f);
    fputs("<line x1=\"0\" y1=\"0\" x2=\"0.6\" y2=\"0\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"0.6\"/>"
          "<text x=\"0.65\" y=\"0.07\">+x</text><text x=\"0.03\" y=\"0.8\">+y</text></g>\n",
          f);
    hdim(f, -b / 2, b / 2, ext.y0 - 0.45, "B", b);
    hdim(f, -c / 2, c / 2, ext.y0 - 0.75, "C", c);
    hdim(f, body.x0, body.x1, ext.y1 + 0.55, "A", a);

    fprintf(f, "<text class=\"label\" x=\"%.4f\" y=\"%.4f\">", x0 + 0.15, ext.y1 + 1.05);
    aoi__put_escaped(f, aoi_part_number(part));
    fprintf(f, " - %s, %d pins, pitch %.2f mm, mated height %.1f mm; scale %g:1</text>\n",
            aoi_side_name(aoi_part_side(part)), aoi_part_pins(part), aoi_part_pitch(part),
            aoi_part_mated_height(part), scale);
    if (provisional)
        fprintf(f,
                "<text class=\"warn\" x=\"%.4f\" y=\"%.4f\">Some dimensions are PROVISIONAL "
                "(see the model file's provenance): check against the official drawing.</text>\n",
                x0 + 0.15, ext.y1 + 1.35);
    fputs("</svg>\n", f);
    if (ferror(f))
        return aoi__error("writing SVG: %s", strerror(errno));
    return 0;
}

int aoi_footprint_svg_save(const aoi_part *part, double scale, const char *path)
{
    FILE *f = fopen(path, "w");
    int ret;
    if (!f)
        return aoi__error("%s: cannot create: %s", path, strerror(errno));
    ret = aoi_footprint_svg_write(part, scale, f);
    if (ret < 0)
        aoi__error_prefix("%s", path);
    if (fclose(f) != 0 && ret == 0)
        ret = aoi__error("%s: write error: %s", path, strerror(errno));
    return ret;
}
