/* cmd_report.c - `f4saoi report`: a static HTML review page of inspection
 * results - counts per defect type, a row per board, and a crop of every
 * defect with the foot pattern drawn on it.  Every string that comes from a
 * file (names, messages, part numbers) is escaped. */
#include "aoi/draw.h"
#include "aoi/error.h"
#include "aoi/image.h"
#include "aoi/part.h"
#include "aoi/result.h"
#include "cli/cli.h"
#include "core/text.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_PARTS 16

static void report_help(void)
{
    puts("Usage: f4saoi report RESULTS.jsonl... -o DIR\n"
         "\n"
         "Writes DIR/index.html, a static page for reviewing inspection results: counts\n"
         "per verdict and defect type, a row per board (image, verdict, defects, error),\n"
         "and a crop of every defect from its image with the foot pattern drawn on it\n"
         "(DIR/crops/*.jpg).  Images are read from the paths in the records (relative\n"
         "to the current directory, as `inspect` wrote them).  Malformed lines are\n"
         "counted and listed, not fatal.\n"
         "\n"
         "  -o, --output DIR       directory to write (created)\n"
         "      --crop-mm MM       side of a defect crop in mm (default 1.2)\n"
         "  -h, --help             show this help\n"
         "\n"
         "Exit status: 0 page written, 2 usage error, 3 the page was written but some\n"
         "lines were malformed or some images could not be read.");
}

typedef struct {
    char name[64];
    aoi_part *part;
} part_slot;

static const aoi_part *part_for(part_slot *slots, int *n, const char *name)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(slots[i].name, name) == 0)
            return slots[i].part;
    if (*n == MAX_PARTS || strlen(name) >= sizeof slots[0].name)
        return NULL;
    aoi_part *p = aoi_part_load(name, NULL);
    if (!p)
        return NULL;
    snprintf(slots[*n].name, sizeof slots[0].name, "%s", name);
    slots[*n].part = p;
    return slots[(*n)++].part;
}

/* Square crop of side `side` px around (cx, cy), enlarged to at least 160 px
 * by whole-pixel zoom, written as JPEG. */
static int write_crop(const aoi_image *img, double cx, double cy, int side, const char *path)
{
    aoi_image out;
    int zoom = side < 160 ? (160 + side - 1) / side : 1, ret;
    if (side < 8)
        side = 8;
    if (aoi_image_alloc(&out, side * zoom, side * zoom, AOI_FMT_RGB) < 0)
        return -1;
    int x0 = (int)lround(cx) - side / 2, y0 = (int)lround(cy) - side / 2;
    for (int y = 0; y < out.height; y++)
        for (int x = 0; x < out.width; x++) {
            int sx = x0 + x / zoom, sy = y0 + y / zoom;
            uint8_t *d = out.data + (size_t)y * out.stride + 3 * (size_t)x;
            if (sx < 0 || sy < 0 || sx >= img->width || sy >= img->height)
                continue;
            const uint8_t *s = img->data + (size_t)sy * img->stride + 3 * (size_t)sx;
            d[0] = s[0], d[1] = s[1], d[2] = s[2];
        }
    ret = aoi_image_write_jpeg(&out, path, 90, 1);
    aoi_image_free(&out);
    return ret;
}

typedef struct {
    long images, pass, fail, error, malformed, unreadable;
    long types[AOI_DEFECT_COUNT];
} totals;

/* The job's nominal rotation, which `inspect` records beside the result
 * (0 when absent). */
static int rotation_of(const aoi_result *r)
{
    cJSON *o = r->extra_json ? cJSON_Parse(r->extra_json) : NULL;
    cJSON *rot = cJSON_GetObjectItemCaseSensitive(o, "rotation");
    int v = cJSON_IsNumber(rot) ? rot->valueint : 0;
    cJSON_Delete(o);
    return v;
}

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"crop-mm", required_argument, NULL, 1000},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL;
    double crop_mm = 1.2;
    int c, status = EXIT_OK, nparts = 0, crop_id = 0;
    char path[4096], *end;
    part_slot parts[MAX_PARTS];
    totals t = {0};
    FILE *page = NULL, *rows = NULL;
    char *rows_buf = NULL;
    size_t rows_len = 0;

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': dir = optarg; break;
        case 1000:
            crop_mm = strtod(optarg, &end);
            if (end == optarg || *end || !(crop_mm >= 0.2 && crop_mm <= 20))
                return cli_usage_error("report", "--crop-mm must be 0.2..20");
            break;
        case 'h': report_help(); return EXIT_OK;
        default: return cli_usage_error("report", "bad option");
        }
    }
    if (!dir)
        return cli_usage_error("report", "-o DIR is required");
    if (optind >= argc)
        return cli_usage_error("report", "give at least one RESULTS.jsonl");
    snprintf(path, sizeof path, "%s/crops", dir);
    if ((mkdir(dir, 0777) < 0 && errno != EEXIST) || (mkdir(path, 0777) < 0 && errno != EEXIST)) {
        fprintf(stderr, "f4saoi report: %s: cannot create: %s\n", path, strerror(errno));
        return EXIT_USAGE;
    }
    if (!(rows = open_memstream(&rows_buf, &rows_len)))
        return EXIT_USAGE;

    for (int a = optind; a < argc; a++) {
        FILE *in = fopen(argv[a], "r");
        char *line = NULL;
        size_t cap = 0;
        ssize_t len;
        long lineno = 0;
        if (!in) {
            fprintf(stderr, "f4saoi report: %s: cannot open: %s\n", argv[a], strerror(errno));
            status = EXIT_ERRORS;
            continue;
        }
        while ((len = getline(&line, &cap, in)) > 0) {
            aoi_result r;
            lineno++;
            if (len == 1 && line[0] == '\n')
                continue;
            aoi_result_init(&r);
            if (aoi_result_from_json(line, (size_t)len, &r) < 0) {
                t.malformed++;
                fprintf(rows, "<tr class=\"bad\"><td colspan=\"4\">");
                aoi__put_escaped(rows, argv[a]);
                fprintf(rows, " line %ld: malformed record: ", lineno);
                aoi__put_escaped(rows, aoi_errmsg());
                fprintf(rows, "</td></tr>\n");
                aoi_result_clear(&r);
                continue;
            }
            t.images++;
            if (r.verdict == AOI_VERDICT_PASS)
                t.pass++;
            else if (r.verdict == AOI_VERDICT_FAIL)
                t.fail++;
            else
                t.error++;
            fprintf(rows, "<tr class=\"%s\"><td class=\"img\">", aoi_verdict_name(r.verdict));
            aoi__put_escaped(rows, r.image);
            fprintf(rows, "</td><td class=\"verdict\">%s</td><td>", aoi_verdict_name(r.verdict));
            for (size_t k = 0; k < r.ndefects; k++) {
                const aoi_defect *d = &r.defects[k];
                if ((unsigned)d->type < AOI_DEFECT_COUNT)
                    t.types[d->type]++;
                fprintf(rows, "%s%s", k ? ", " : "", aoi_defect_name(d->type));
                for (int q = 0; q < d->npins; q++)
                    fprintf(rows, "%s%d", q ? "&ndash;" : " ", d->pins[q]);
            }
            fprintf(rows, "</td><td class=\"why\">");
            aoi__put_escaped(rows, r.error);
            fprintf(rows, "</td></tr>\n");
            /* Crops of every defect. */
            if (r.ndefects && r.has_pose && r.image && r.part) {
                const aoi_part *part = part_for(parts, &nparts, r.part);
                aoi_image img;
                if (!part || aoi_image_read(r.image, AOI_FMT_RGB, 0, &img) < 0) {
                    t.unreadable++;
                    fprintf(rows, "<tr><td colspan=\"4\" class=\"note\">crops not available: ");
                    aoi__put_escaped(rows, part ? aoi_errmsg() : "unknown part");
                    fprintf(rows, "</td></tr>\n");
                } else {
                    int rot = rotation_of(&r);
                    aoi_draw_result(&img, part, &r, rot);
                    fprintf(rows, "<tr><td colspan=\"4\" class=\"crops\">");
                    for (size_t k = 0; k < r.ndefects; k++) {
                        const aoi_defect *d = &r.defects[k];
                        double x, y;
                        int side = (int)lround(crop_mm * 1000 / r.pose.um_per_px);
                        if (d->type == AOI_DEFECT_MISSING_PART) {
                            aoi_rect e = aoi_part_extent(part);
                            side = (int)lround((fmax(e.x1 - e.x0, e.y1 - e.y0) + 0.6) * 1000 /
                                               r.pose.um_per_px);
                        }
                        aoi_pose_map(&r.pose, rot, d->x_mm, d->y_mm, &x, &y);
                        snprintf(path, sizeof path, "%s/crops/d%06d.jpg", dir, crop_id);
                        if (write_crop(&img, x, y, side, path) == 0) {
                            fprintf(rows,
                                    "<figure><img src=\"crops/d%06d.jpg\" alt=\"%s\"><figcaption>%s",
                                    crop_id, aoi_defect_name(d->type), aoi_defect_name(d->type));
                            for (int q = 0; q < d->npins; q++)
                                fprintf(rows, "%s%d", q ? "&ndash;" : " pin ", d->pins[q]);
                            fprintf(rows, "</figcaption></figure>");
                            crop_id++;
                        }
                    }
                    fprintf(rows, "</td></tr>\n");
                    aoi_image_free(&img);
                }
            }
            aoi_result_clear(&r);
        }
        free(line);
        fclose(in);
    }
    fclose(rows);

    snprintf(path, sizeof path, "%s/index.html", dir);
    if (!(page = fopen(path, "w"))) {
        fprintf(stderr, "f4saoi report: %s: cannot create: %s\n", path, strerror(errno));
        free(rows_buf);
        status = EXIT_USAGE;
        goto done;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "img-src 'self'; style-src 'unsafe-inline'\">\n"
          "<title>f4saoi inspection review</title>\n<style>\n"
          "body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left}"
          "tr.fail td.verdict{color:#b00;font-weight:bold}tr.error td.verdict{color:#a60}"
          "tr.pass td.verdict{color:#070}tr.bad td{color:#a00}td.note{color:#666}"
          "figure{display:inline-block;margin:.3em;text-align:center}"
          "figure img{display:block;border:1px solid #888}\n"
          "</style></head><body>\n<h1>f4saoi inspection review</h1>\n",
          page);
    fprintf(page,
            "<table id=\"counts\"><tr><th>images</th><th>pass</th><th>fail</th><th>error</th>"
            "<th>malformed lines</th></tr><tr><td>%ld</td><td>%ld</td><td>%ld</td><td>%ld</td>"
            "<td>%ld</td></tr></table>\n<h2>Defects by type</h2>\n<table id=\"types\">",
            t.images, t.pass, t.fail, t.error, t.malformed);
    for (int k = 0; k < AOI_DEFECT_COUNT; k++)
        fprintf(page, "<tr><td>%s</td><td>%ld</td></tr>", aoi_defect_name((aoi_defect_type)k),
                t.types[k]);
    fprintf(page, "</table>\n<h2>Boards</h2>\n<table id=\"boards\"><tr><th>image</th>"
                  "<th>verdict</th><th>defects</th><th>error</th></tr>\n");
    fwrite(rows_buf, 1, rows_len, page);
    fputs("</table>\n</body></html>\n", page);
    free(rows_buf);
    if (fclose(page) != 0) {
        fprintf(stderr, "f4saoi report: %s: write failed\n", path);
        status = EXIT_ERRORS;
    }
    fprintf(stderr, "f4saoi report: wrote %s (%ld images, %d defect crops)\n", path, t.images,
            crop_id);
    if (t.malformed || t.unreadable)
        status = EXIT_ERRORS;
done:
    for (int i = 0; i < nparts; i++)
        aoi_part_free(parts[i].part);
    return status;
}
