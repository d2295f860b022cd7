/* cmd_parts.c - `f4saoi parts` and `f4saoi footprint`: the part catalogue. */
#include "aoi/error.h"
#include "aoi/footprint.h"
#include "aoi/part.h"
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void parts_help(void)
{
    puts("Usage: f4saoi parts [--models DIR] [--long]\n"
         "\n"
         "Lists the F4S part numbers that have a model file, one per line:\n"
         "part number, side (socket/header), signal pins, mated height (mm) and use\n"
         "(standard or inspection-use).  With --long, also the catalog dimensions\n"
         "A/B/C (mm) and the model file.\n"
         "\n"
         "  -m, --models DIR  read models from DIR (default: $AOI_MODELS_DIR or the\n"
         "                    installed models)\n"
         "  -l, --long        add catalog dimensions and the model path\n"
         "  -h, --help        show this help");
}

int cmd_parts(int argc, char **argv)
{
    static const struct option opts[] = {
        {"models", required_argument, NULL, 'm'},
        {"long", no_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *models = NULL;
    char **names = NULL;
    size_t n = 0;
    int lng = 0, c, bad = 0;

    optind = 1;
    while ((c = getopt_long(argc, argv, "m:lh", opts, NULL)) != -1) {
        switch (c) {
        case 'm': models = optarg; break;
        case 'l': lng = 1; break;
        case 'h': parts_help(); return EXIT_OK;
        default: return cli_usage_error("parts", "bad option");
        }
    }
    if (optind < argc)
        return cli_usage_error("parts", "unexpected argument '%s'", argv[optind]);
    if (aoi_part_list(models, &names, &n) < 0) {
        fprintf(stderr, "f4saoi parts: %s\n", aoi_errmsg());
        return EXIT_USAGE;
    }
    printf(lng ? "%-11s %-6s %4s %6s %-10s %6s %6s %6s  %s\n" : "%-11s %-6s %4s %6s %s\n", "PART",
           "SIDE", "PINS", "HEIGHT", "USE", "A", "B", "C", "MODEL");
    for (size_t i = 0; i < n; i++) {
        aoi_part *p = aoi_part_load(names[i], models);
        double a, b, cc;
        if (!p) {
            fprintf(stderr, "f4saoi parts: %s\n", aoi_errmsg());
            bad = 1;
            continue;
        }
        aoi_part_catalog(p, &a, &b, &cc, NULL);
        printf(lng ? "%-11s %-6s %4d %6.1f %-10s %6.2f %6.2f %6.2f  %s\n"
                   : "%-11s %-6s %4d %6.1f %s\n",
               aoi_part_number(p), aoi_side_name(aoi_part_side(p)), aoi_part_pins(p),
               aoi_part_mated_height(p), aoi_part_is_inspection_use(p) ? "inspection" : "standard",
               a, b, cc, aoi_part_path(p));
        aoi_part_free(p);
    }
    aoi_strv_free(names);
    return bad ? EXIT_USAGE : EXIT_OK;
}

static void footprint_help(void)
{
    puts("Usage: f4saoi footprint PART [-o OUT.svg] [--scale S] [--models DIR]\n"
         "\n"
         "Draws the recommended PC board pattern of PART (a part number such as\n"
         "AXT540124, or a model file) as an SVG in millimetres: pads with pin numbers,\n"
         "hold-down pads, terminals, the body outline and the catalog dimensions A, B, C.\n"
         "Hold it against the catalog drawing to check a model.\n"
         "\n"
         "  -o, --output FILE  write to FILE (default: standard output)\n"
         "  -s, --scale S      print scale S:1 (default 10)\n"
         "  -m, --models DIR   read models from DIR\n"
         "  -h, --help         show this help");
}

int cmd_footprint(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, NULL, 'o'},
        {"scale", required_argument, NULL, 's'},
        {"models", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *out = NULL, *models = NULL;
    double scale = 10;
    aoi_part *p;
    int c, ret;
    char *end;

    optind = 1;
    while ((c = getopt_long(argc, argv, "o:s:m:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'm': models = optarg; break;
        case 's':
            scale = strtod(optarg, &end);
            if (*end || !(scale > 0 && scale <= 1000))
                return cli_usage_error("footprint", "--scale must be a number in (0, 1000]");
            break;
        case 'h': footprint_help(); return EXIT_OK;
        default: return cli_usage_error("footprint", "bad option");
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("footprint", "give exactly one PART");
    if (!(p = aoi_part_load(argv[optind], models))) {
        fprintf(stderr, "f4saoi footprint: %s\n", aoi_errmsg());
        return EXIT_USAGE;
    }
    ret = out ? aoi_footprint_svg_save(p, scale, out) : aoi_footprint_svg_write(p, scale, stdout);
    if (ret < 0)
        fprintf(stderr, "f4saoi footprint: %s\n", aoi_errmsg());
    aoi_part_free(p);
    return ret < 0 ? 1 : EXIT_OK;
}
