/* cmd_locate.c - `f4saoi locate`: register images to a part's foot pattern
 * and write one JSON record per image (pose and confidence, or the reason it
 * was not found), optionally with overlay pictures. */
#include "aoi/draw.h"
#include "aoi/error.h"
#include "aoi/image.h"
#include "aoi/part.h"
#include "aoi/register.h"
#include "aoi/result.h"
#include "cli/cli.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static void locate_help(void)
{
    puts("Usage: f4saoi locate --part PART --um-per-px F [--rotation R] [OPTIONS] IMAGE_OR_DIR...\n"
         "\n"
         "Registers each image (JPEG or PNG; directories are searched recursively) to\n"
         "PART's recommended foot pattern and writes one JSON object per line: image,\n"
         "part, found (true/false), error (why it was not found, or null), and pose\n"
         "{x_px, y_px, theta_deg, um_per_px, score} as in the result record of\n"
         "`inspect` (footprint origin in pixels, residual rotation beside the nominal\n"
         "one, measured scale, confidence 0..1).  Joint inspection is `inspect`.\n"
         "\n"
         "  -p, --part PART        part number (e.g. AXT540124) or model file\n"
         "  -u, --um-per-px F      stated scale in micrometres per pixel (6..20)\n"
         "  -r, --rotation R       nominal rotation 0, 90, 180 or 270 (default 0)\n"
         "  -o, --jsonl FILE       write records to FILE (default: standard output)\n"
         "      --overlay DIR      write IMAGE.overlay.jpg with the pads outlined\n"
         "  -h, --help             show this help\n"
         "\n"
         "Exit status: 0 every image located, 3 some were not (or were unreadable),\n"
         "2 usage or configuration error (nothing is processed).");
}

int cmd_locate(int argc, char **argv)
{
    enum { O_OVERLAY = 1000 };
    static const struct option opts[] = {
        {"part", required_argument, NULL, 'p'},     {"um-per-px", required_argument, NULL, 'u'},
        {"rotation", required_argument, NULL, 'r'}, {"jsonl", required_argument, NULL, 'o'},
        {"overlay", required_argument, NULL, O_OVERLAY}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *partname = NULL, *out = NULL, *overlay = NULL;
    double um = 0;
    int rot = 0, c, status = EXIT_OK;
    aoi_part *part = NULL;
    aoi_registrar *reg = NULL;
    FILE *f = stdout;
    cli_list files = {0};

    optind = 1;
    while ((c = getopt_long(argc, argv, "p:u:r:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': partname = optarg; break;
        case 'u':
            if (cli_parse_um("locate", optarg, &um) < 0)
                return EXIT_USAGE;
            break;
        case 'r':
            if (cli_parse_rotation("locate", optarg, &rot) < 0)
                return EXIT_USAGE;
            break;
        case 'o': out = optarg; break;
        case O_OVERLAY: overlay = optarg; break;
        case 'h': locate_help(); return EXIT_OK;
        default: return cli_usage_error("locate", "bad option");
        }
    }
    if (!partname || um <= 0)
        return cli_usage_error("locate", "--part and --um-per-px are required");
    if (optind >= argc)
        return cli_usage_error("locate", "give at least one image or directory");
    if (!(part = aoi_part_load(partname, NULL)) || !(reg = aoi_registrar_new(part, um, rot))) {
        fprintf(stderr, "f4saoi locate: %s\n", aoi_errmsg());
        aoi_part_free(part);
        return EXIT_USAGE;
    }
    if (overlay && mkdir(overlay, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "f4saoi locate: %s: cannot create: %s\n", overlay, strerror(errno));
        status = EXIT_USAGE;
        goto done;
    }
    if (out && !(f = fopen(out, "w"))) {
        fprintf(stderr, "f4saoi locate: %s: cannot create: %s\n", out, strerror(errno));
        status = EXIT_USAGE;
        goto done;
    }
    if (cli_collect(argc, argv, optind, &files) < 0) {
        fprintf(stderr, "f4saoi locate: out of memory listing the inputs\n");
        status = EXIT_USAGE;
        goto done;
    }
    for (size_t i = 0; i < files.n; i++) {
        aoi_image img;
        aoi_pose pose;
        aoi_register_info info;
        cJSON *o = cJSON_CreateObject(), *p;
        char *line;
        int found = 0;
        const char *why = NULL;
        cJSON_AddStringToObject(o, "image", files.v[i]);
        cJSON_AddStringToObject(o, "part", aoi_part_number(part));
        if (aoi_image_read(files.v[i], AOI_FMT_RGB, 0, &img) < 0) {
            why = aoi_errmsg();
        } else {
            found = aoi_register(reg, &img, NULL, &pose, &info) == 0;
            if (!found)
                why = aoi_errmsg();
            if (found || pose.score > 0) {
                p = cJSON_AddObjectToObject(o, "pose");
                cJSON_AddNumberToObject(p, "x_px", round(pose.x_px * 1e4) / 1e4);
                cJSON_AddNumberToObject(p, "y_px", round(pose.y_px * 1e4) / 1e4);
                cJSON_AddNumberToObject(p, "theta_deg", round(pose.theta_deg * 1e4) / 1e4);
                cJSON_AddNumberToObject(p, "um_per_px", round(pose.um_per_px * 1e4) / 1e4);
                cJSON_AddNumberToObject(p, "score", round(pose.score * 1e3) / 1e3);
                cJSON_AddNumberToObject(o, "time_ms", round((info.coarse_ms + info.fine_ms) * 100) / 100);
            }
            if (found && overlay) {
                char op[4096];
                const char *base = strrchr(files.v[i], '/');
                snprintf(op, sizeof op, "%s/%s.overlay.jpg", overlay, base ? base + 1 : files.v[i]);
                aoi_result drawn;
                aoi_result_init(&drawn);
                drawn.has_pose = 1;
                drawn.pose = pose;
                aoi_draw_result(&img, part, &drawn, rot);
                if (aoi_image_write_jpeg(&img, op, 90, 1) < 0)
                    fprintf(stderr, "f4saoi locate: %s\n", aoi_errmsg());
            }
            aoi_image_free(&img);
        }
        cJSON_AddBoolToObject(o, "found", found);
        if (why)
            cJSON_AddStringToObject(o, "error", why);
        else
            cJSON_AddNullToObject(o, "error");
        line = cJSON_PrintUnformatted(o);
        if (line)
            fprintf(f, "%s\n", line);
        fflush(f);
        free(line);
        cJSON_Delete(o);
        if (!found)
            status = EXIT_ERRORS;
    }
    if (files.n == 0) {
        fprintf(stderr, "f4saoi locate: no JPEG or PNG images found\n");
        status = EXIT_ERRORS;
    }
done:
    if (f && f != stdout && fclose(f) != 0)
        status = EXIT_ERRORS;
    cli_list_free(&files);
    aoi_registrar_free(reg);
    aoi_part_free(part);
    return status;
}
