/* cmd_synth.c - `f4saoi synth`: write synthetic boards and their truth.jsonl. */
#include "aoi/error.h"
#include "aoi/part.h"
#include "aoi/synth.h"
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void synth_help(void)
{
    puts("Usage: f4saoi synth --part PART -o DIR [OPTIONS]\n"
         "\n"
         "Renders synthetic top-view images of a soldered F4S part with exact ground\n"
         "truth, spanning the imaging contract (mask colours, finishes, lighting, scale,\n"
         "rotation, gain, gamma, vignetting, blur, noise, JPEG/PNG).  Writes the images\n"
         "and DIR/truth.jsonl (one result record per image, as `inspect` writes them,\n"
         "plus the rendering conditions).  Deterministic from --seed.\n"
         "\n"
         "  -p, --part PART        part number or model file (required)\n"
         "  -o, --output DIR       output directory (created)\n"
         "  -n, --count N          number of images (default 10)\n"
         "  -s, --seed S           first seed (default 1); image i uses seed S+i\n"
         "  -d, --defects LIST     none, mix (default: half good, half with 1-2 types),\n"
         "                         or a comma list of: bridge, excess_solder, flux_rise,\n"
         "                         insufficient_solder, offset, missing_part\n"
         "  -u, --um-per-px F      stated scale (default: random 6..20 per image)\n"
         "  -r, --rotation R       nominal rotation 0/90/180/270 (default random)\n"
         "      --size WxH         frame size, up to 5120x5120 (default: fitted to the part)\n"
         "      --format png|jpeg  file format (default: random per image)\n"
         "      --mask COLOUR      green, blue, red, black (default random)\n"
         "      --lighting L       coaxial, ring, rgb (default random)\n"
         "      --gray             8-bit grey frames\n"
         "      --borderline       defect magnitudes just beyond the thresholds\n"
         "      --clean            no camera noise, blur or gain\n"
         "      --distortion K1    render through a lens with radial distortion K1\n"
         "                         (OpenCV's k1, focal length = the larger side of --size,\n"
         "                         which is then required; poses stay in ideal pixels)\n"
         "      --target TARGET    render views of a calibration target instead of boards\n"
         "                         (e.g. chessboard:13x9:0.5; see 'f4saoi calib --help'),\n"
         "                         moved and turned between views; -u, --size (default\n"
         "                         1280x960), --distortion, --gray and --clean apply\n"
         "  -q, --quiet            no progress on stderr\n"
         "  -h, --help             show this help");
}

static int parse_defects(const char *s, unsigned *mask, int *mix)
{
    char buf[256], *tok, *save = NULL;
    *mask = 0;
    *mix = 0;
    if (strcmp(s, "mix") == 0) {
        *mix = 1;
        return 0;
    }
    if (strcmp(s, "none") == 0)
        return 0;
    snprintf(buf, sizeof buf, "%s", s);
    for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int t = aoi_defect_from_name(tok);
        if (t < 0)
            return -1;
        *mask |= 1u << t;
    }
    return 0;
}

static int name_index(const char *s, const char *(*name)(int), int count)
{
    for (int i = 0; i < count; i++)
        if (strcmp(s, name(i)) == 0)
            return i;
    return -2;
}

/* Views of a calibration target: moved and turned at random (from the seed)
 * inside the frame, written as PNG. */
static int synth_targets(const char *desc, const char *dir, const aoi_synth_params *base,
                         long count, unsigned long long seed, int quiet)
{
    aoi_target t;
    aoi_synth_target_params p;
    char path[4096];
    int w = base->width ? base->width : 1280, h = base->height ? base->height : 960;
    double um = base->um_per_px > 0 ? base->um_per_px : 12;

    if (aoi_target_parse(desc, &t) < 0)
        return cli_usage_error("synth", "%s", aoi_errmsg());
    if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "f4saoi synth: %s: cannot create: %s\n", dir, strerror(errno));
        return EXIT_USAGE;
    }
    for (long i = 0; i < count; i++) {
        unsigned long long x = (seed + (unsigned long long)i) * 0x9E3779B97F4A7C15ull;
        double u[3];
        aoi_image img;
        for (int k = 0; k < 3; k++) {
            x ^= x >> 31, x *= 0xBF58476D1CE4E5B9ull, x ^= x >> 29;
            u[k] = (double)(x >> 11) / 9007199254740992.0;
        }
        /* Half the target's diagonal (with its quiet zone) in pixels. */
        double span = (t.kind == AOI_TARGET_CHESSBOARD ? 6 : 5) * t.pitch_mm;
        double rx = ((t.cols - 1) * t.pitch_mm + span) * 500 / um;
        double ry = ((t.rows - 1) * t.pitch_mm + span) * 500 / um, r = hypot(rx, ry);
        memset(&p, 0, sizeof p);
        p.seed = seed + (unsigned long long)i;
        p.width = w, p.height = h;
        p.um_per_px_x = p.um_per_px_y = um;
        p.rotation_deg = -15 + 30 * u[0];
        p.cx = r < w / 2.0 ? r + (w - 2 * r) * u[1] : (w - 1) / 2.0;
        p.cy = r < h / 2.0 ? r + (h - 2 * r) * u[2] : (h - 1) / 2.0;
        p.lens = base->lens;
        p.gray = base->gray;
        p.blur_px = base->clean ? 0 : 0.6;
        p.noise_dn = base->clean ? 0 : 2;
        if (aoi_synth_target(&t, &p, &img) < 0) {
            fprintf(stderr, "f4saoi synth: %s\n", aoi_errmsg());
            return 1;
        }
        snprintf(path, sizeof path, "%s/target_s%llu.png", dir, (unsigned long long)p.seed);
        int rc = aoi_image_write_png(&img, path);
        aoi_image_free(&img);
        if (rc < 0) {
            fprintf(stderr, "f4saoi synth: %s\n", aoi_errmsg());
            return 1;
        }
        if (!quiet)
            fprintf(stderr, "\rf4saoi synth: %ld/%ld %s", i + 1, count, path);
    }
    if (!quiet)
        fputc('\n', stderr);
    return EXIT_OK;
}

int cmd_synth(int argc, char **argv)
{
    enum { O_SIZE = 1000, O_FORMAT, O_MASK, O_LIGHT, O_GRAY, O_BORDER, O_CLEAN, O_TARGET, O_DIST };
    static const struct option opts[] = {
        {"part", required_argument, NULL, 'p'},     {"output", required_argument, NULL, 'o'},
        {"count", required_argument, NULL, 'n'},    {"seed", required_argument, NULL, 's'},
        {"defects", required_argument, NULL, 'd'},  {"um-per-px", required_argument, NULL, 'u'},
        {"rotation", required_argument, NULL, 'r'}, {"size", required_argument, NULL, O_SIZE},
        {"format", required_argument, NULL, O_FORMAT}, {"mask", required_argument, NULL, O_MASK},
        {"lighting", required_argument, NULL, O_LIGHT}, {"gray", no_argument, NULL, O_GRAY},
        {"borderline", no_argument, NULL, O_BORDER}, {"clean", no_argument, NULL, O_CLEAN},
        {"target", required_argument, NULL, O_TARGET},
        {"distortion", required_argument, NULL, O_DIST},
        {"quiet", no_argument, NULL, 'q'},          {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *partname = NULL, *dir = NULL, *target = NULL;
    double k1 = 0;
    aoi_lens lens;
    long count = 10;
    unsigned long long seed = 1;
    unsigned defects = 0;
    int mix = 1, quiet = 0, c, status = EXIT_OK;
    aoi_synth_params base;
    aoi_part *part = NULL;
    FILE *truthf = NULL;
    char *end, path[4096];

    aoi_synth_params_default(&base);
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:o:n:s:d:u:r:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'p': partname = optarg; break;
        case 'o': dir = optarg; break;
        case 'n':
            count = strtol(optarg, &end, 10);
            if (*end || count < 1 || count > 1000000)
                return cli_usage_error("synth", "--count must be 1..1000000");
            break;
        case 's':
            seed = strtoull(optarg, &end, 10);
            if (*end)
                return cli_usage_error("synth", "--seed must be a whole number");
            break;
        case 'd':
            if (parse_defects(optarg, &defects, &mix) < 0)
                return cli_usage_error("synth", "unknown defect type in '%s'", optarg);
            break;
        case 'u':
            base.um_per_px = strtod(optarg, &end);
            if (*end || base.um_per_px < 1 || base.um_per_px > 100)
                return cli_usage_error("synth", "--um-per-px must be a number in 1..100");
            break;
        case 'r':
            base.rotation = (int)strtol(optarg, &end, 10);
            if (*end || (base.rotation != 0 && base.rotation != 90 && base.rotation != 180 &&
                         base.rotation != 270))
                return cli_usage_error("synth", "--rotation must be 0, 90, 180 or 270");
            break;
        case O_SIZE:
            if (sscanf(optarg, "%dx%d", &base.width, &base.height) != 2 || base.width < 16 ||
                base.height < 16)
                return cli_usage_error("synth", "--size must be WxH, e.g. 2448x2048");
            break;
        case O_FORMAT:
            if (strcmp(optarg, "png") == 0)
                base.file_format = 0;
            else if (strcmp(optarg, "jpeg") == 0 || strcmp(optarg, "jpg") == 0)
                base.file_format = 1;
            else
                return cli_usage_error("synth", "--format must be png or jpeg");
            break;
        case O_MASK:
            if ((base.mask = name_index(optarg, aoi_mask_colour_name, AOI_MASK_COUNT)) < 0)
                return cli_usage_error("synth", "--mask must be green, blue, red or black");
            break;
        case O_LIGHT:
            if ((base.lighting = name_index(optarg, aoi_lighting_name, AOI_LIGHT_COUNT)) < 0)
                return cli_usage_error("synth", "--lighting must be coaxial, ring or rgb");
            break;
        case O_GRAY: base.gray = 1; break;
        case O_BORDER: base.borderline = 1; break;
        case O_CLEAN: base.clean = 1; break;
        case O_TARGET: target = optarg; break;
        case O_DIST:
            k1 = strtod(optarg, &end);
            if (*end || !(k1 >= -0.5 && k1 <= 0.5))
                return cli_usage_error("synth", "--distortion takes k1 in -0.5..0.5");
            break;
        case 'q': quiet = 1; break;
        case 'h': synth_help(); return EXIT_OK;
        default: return cli_usage_error("synth", "bad option");
        }
    }
    if (optind < argc)
        return cli_usage_error("synth", "unexpected argument '%s'", argv[optind]);
    if (k1 != 0) {
        if (!base.width)
            return cli_usage_error("synth", "--distortion needs a fixed frame --size");
        double f = base.width > base.height ? base.width : base.height;
        lens = (aoi_lens){f, f, (base.width - 1) / 2.0, (base.height - 1) / 2.0, k1, 0, 0, 0, 0};
        base.lens = &lens;
    }
    if (target) {
        if (partname || !dir)
            return cli_usage_error("synth", "--target takes --output and no --part");
        return synth_targets(target, dir, &base, count, seed, quiet);
    }
    if (!partname || !dir)
        return cli_usage_error("synth", "--part and --output are required");
    if (!(part = aoi_part_load(partname, NULL))) {
        fprintf(stderr, "f4saoi synth: %s\n", aoi_errmsg());
        return EXIT_USAGE;
    }
    if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "f4saoi synth: %s: cannot create: %s\n", dir, strerror(errno));
        aoi_part_free(part);
        return EXIT_USAGE;
    }
    snprintf(path, sizeof path, "%s/truth.jsonl", dir);
    if (!(truthf = fopen(path, "w"))) {
        fprintf(stderr, "f4saoi synth: %s: cannot create: %s\n", path, strerror(errno));
        aoi_part_free(part);
        return EXIT_USAGE;
    }
    for (long i = 0; i < count; i++) {
        aoi_synth_params p = base;
        aoi_image img, *labels = NULL;
        aoi_result truth;
        aoi_synth_file file;
        char name[256], *line = NULL;
        p.seed = seed + (unsigned long long)i;
        p.defects = defects;
        if (mix) {
            /* Half good boards; the rest one or two types (missing part alone). */
            unsigned h = (unsigned)((p.seed * 2654435761u) >> 7);
            if (h % 2) {
                int t1 = (int)((h >> 1) % 11);
                if (t1 >= AOI_DEFECT_COUNT)
                    t1 = (int)((h >> 5) % (AOI_DEFECT_COUNT - 1));
                p.defects = 1u << t1;
                if (t1 != AOI_DEFECT_MISSING_PART && (h >> 9) % 3 == 0)
                    p.defects |= 1u << ((h >> 11) % (AOI_DEFECT_COUNT - 1));
            }
        }
        if (aoi_synth_render(part, &p, &img, &truth, labels, &file) < 0) {
            fprintf(stderr, "f4saoi synth: seed %llu: %s\n", (unsigned long long)p.seed, aoi_errmsg());
            status = 1;
            break;
        }
        snprintf(name, sizeof name, "%s_s%llu.%s", aoi_part_number(part),
                 (unsigned long long)p.seed, file.jpeg ? "jpg" : "png");
        snprintf(path, sizeof path, "%s/%s", dir, name);
        if (aoi_synth_save(&img, &file, path) < 0 || aoi_result_set_strings(&truth, name, aoi_part_number(part)) < 0 ||
            aoi_result_to_json(&truth, &line) < 0) {
            fprintf(stderr, "f4saoi synth: %s\n", aoi_errmsg());
            status = 1;
        } else {
            fprintf(truthf, "%s\n", line);
            fflush(truthf);
        }
        free(line);
        aoi_result_clear(&truth);
        aoi_image_free(&img);
        if (!quiet)
            fprintf(stderr, "\rf4saoi synth: %ld/%ld %s", i + 1, count, name);
        if (status)
            break;
    }
    if (!quiet)
        fputc('\n', stderr);
    if (fclose(truthf) != 0)
        status = 1;
    aoi_part_free(part);
    return status;
}
