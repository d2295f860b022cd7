/* cmd_calib.c - f4saoi calib: a station calibration from views of a target;
 * printable targets. */
#include "aoi/calib.h"
#include "aoi/error.h"
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void calib_help(void)
{
    puts("Usage: f4saoi calib --target TARGET -o CALIB.json [OPTIONS] VIEW_OR_DIR...\n"
         "       f4saoi calib --make-target TARGET -o TARGET.svg\n"
         "\n"
         "Measures a station's camera from views (JPEG/PNG) of a calibration target laid\n"
         "where boards lie: micrometres per pixel along x and y, lens distortion, the\n"
         "target's rotation against the image axes and, with --white-patch, colour gains.\n"
         "Move and turn the target between views so that its points cover the field;\n"
         "keep it flat and at board height.  The file written is what 'inspect --calib',\n"
         "'teach --calib' and the GStreamer element's calib= read.\n"
         "\n"
         "TARGET is chessboard:COLSxROWS:PITCH (COLS x ROWS inner corners, squares of PITCH\n"
         "mm) or circles:COLSxROWS:PITCH (COLS x ROWS dark circles of diameter PITCH/2 at\n"
         "PITCH mm), e.g. chessboard:14x10:0.5 for a 0.5 mm chrome-on-glass chessboard.\n"
         "\n"
         "Options:\n"
         "  -t, --target TARGET        the target in the views\n"
         "  -o, --output FILE          calibration file to write (JSON; convention: calib/)\n"
         "      --make-target TARGET   write a printable SVG of TARGET at true size to -o\n"
         "                             and exit (print at 100 %; a scale bar checks it)\n"
         "      --white-patch X,Y,W,H  colour gains from this rectangle (pixels) of every\n"
         "                             view, e.g. a white or grey card beside the target;\n"
         "      --white-patch target   or from the target's light cells\n"
         "      --min-views N          fewest views with the target found (default 3)\n"
         "      --max-rms PX           largest reprojection error accepted (default 0.5)\n"
         "      --max-scale-spread PCT largest scale difference between views (default 0.5)\n"
         "      --tangential           also fit tangential (decentring) distortion\n"
         "      --no-distortion        the lens is distortion-free (telecentric): measure\n"
         "                             scale, rotation and colour only; the file then\n"
         "                             fits frames of any size\n"
         "  -q, --quiet                no per-view lines\n"
         "  -h, --help                 this help\n"
         "\n"
         "Prints one line per view (scale, rotation, error) and a summary on stderr.\n"
         "A view that cannot be read or does not show the target is reported and left\n"
         "out.  Exit status: 0 calibration written; 3 calibration refused (the reason\n"
         "is printed and nothing is written) or a view could not be read (written from\n"
         "the others); 2 usage error.");
}

static int parse_patch(const char *s, int *v)
{
    char *end;
    for (int i = 0; i < 4; i++) {
        errno = 0;
        long x = strtol(s, &end, 10);
        if (end == s || errno || x < 0 || x > 65535 || (i < 3 ? *end != ',' : *end != 0))
            return -1;
        v[i] = (int)x;
        s = end + 1;
    }
    return v[2] > 0 && v[3] > 0 ? 0 : -1;
}

static int parse_pos(const char *s, double lo, double hi, double *v)
{
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && !*end && !errno && *v >= lo && *v <= hi ? 0 : -1;
}

int cmd_calib(int argc, char **argv)
{
    enum { O_MAKE = 1000, O_WHITE, O_MINV, O_RMS, O_SPREAD, O_TANG, O_NODIST };
    static const struct option opts[] = {
        {"target", required_argument, NULL, 't'},   {"output", required_argument, NULL, 'o'},
        {"make-target", required_argument, NULL, O_MAKE},
        {"white-patch", required_argument, NULL, O_WHITE},
        {"min-views", required_argument, NULL, O_MINV},
        {"max-rms", required_argument, NULL, O_RMS},
        {"max-scale-spread", required_argument, NULL, O_SPREAD},
        {"tangential", no_argument, NULL, O_TANG},  {"quiet", no_argument, NULL, 'q'},
        {"no-distortion", no_argument, NULL, O_NODIST},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    const char *target = NULL, *out = NULL, *make = NULL, *white = NULL;
    int patch[4] = {0, 0, 0, 0}, quiet = 0, c, status = EXIT_ERRORS, used = 0, unread = 0;
    aoi_calib_limits lim;
    aoi_target t;
    aoi_calibrator *cb = NULL;
    aoi_calib cal;
    cli_list views = {0};
    double v;

    aoi_calib_limits_default(&lim);
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:o:qh", opts, NULL)) != -1) {
        switch (c) {
        case 't': target = optarg; break;
        case 'o': out = optarg; break;
        case O_MAKE: make = optarg; break;
        case O_WHITE:
            white = optarg;
            if (strcmp(optarg, "target") != 0 && parse_patch(optarg, patch) < 0)
                return cli_usage_error("calib", "--white-patch takes X,Y,W,H in pixels or 'target'");
            break;
        case O_MINV:
            if (parse_pos(optarg, 1, AOI_CALIB_MAX_VIEWS, &v) < 0 || v != (int)v)
                return cli_usage_error("calib", "--min-views takes 1..%d", AOI_CALIB_MAX_VIEWS);
            lim.min_views = (int)v;
            break;
        case O_RMS:
            if (parse_pos(optarg, 0.001, 10, &v) < 0)
                return cli_usage_error("calib", "--max-rms takes 0.001..10 pixels");
            lim.max_rms_px = v;
            break;
        case O_SPREAD:
            if (parse_pos(optarg, 0.001, 20, &v) < 0)
                return cli_usage_error("calib", "--max-scale-spread takes 0.001..20 percent");
            lim.max_scale_spread = v / 100;
            break;
        case O_TANG: lim.tangential = 1; break;
        case O_NODIST: lim.no_distortion = 1; break;
        case 'q': quiet = 1; break;
        case 'h': calib_help(); return EXIT_OK;
        default: return cli_usage_error("calib", "unknown option");
        }
    }
    if (!out)
        return cli_usage_error("calib", "give the file to write with -o");
    if (make) {
        if (target || optind < argc)
            return cli_usage_error("calib", "--make-target takes no --target and no views");
        if (aoi_target_parse(make, &t) < 0)
            return cli_usage_error("calib", "%s", aoi_errmsg());
        if (aoi_target_write_svg(&t, out) < 0) {
            fprintf(stderr, "f4saoi calib: %s\n", aoi_errmsg());
            return EXIT_USAGE;
        }
        return EXIT_OK;
    }
    if (!target)
        return cli_usage_error("calib", "give the target in the views with --target");
    if (aoi_target_parse(target, &t) < 0)
        return cli_usage_error("calib", "%s", aoi_errmsg());
    if (optind >= argc)
        return cli_usage_error("calib", "give the views (image files or folders) of the target");
    if (cli_collect(argc, argv, optind, &views) < 0) {
        cli_list_free(&views);
        fprintf(stderr, "f4saoi calib: out of memory listing the views\n");
        return EXIT_USAGE;
    }
    if (views.n == 0 || views.n > AOI_CALIB_MAX_VIEWS) {
        cli_list_free(&views);
        return cli_usage_error("calib", "%zu views (JPEG or PNG) found; give 1 to %d", views.n,
                               AOI_CALIB_MAX_VIEWS);
    }
    if (!(cb = aoi_calibrator_new(&t))) {
        fprintf(stderr, "f4saoi calib: %s\n", aoi_errmsg());
        cli_list_free(&views);
        return EXIT_USAGE;
    }
    for (size_t i = 0; i < views.n; i++) {
        const char *name = views.v[i];
        aoi_image img;
        if (aoi_image_read(name, AOI_FMT_RGB, 0, &img) < 0) {
            fprintf(stderr, "f4saoi calib: %s: left out: %s\n", name, aoi_errmsg());
            unread++;
            continue;
        }
        if (aoi_calibrator_add(cb, &img) < 0) {
            fprintf(stderr, "f4saoi calib: %s: left out: %s\n", name, aoi_errmsg());
        } else {
            used++;
            if (white && aoi_calibrator_add_white(cb, &img, patch[0], patch[1], patch[2],
                                                  patch[3]) < 0)
                fprintf(stderr, "f4saoi calib: %s: no colour reference: %s\n", name,
                        aoi_errmsg());
            if (!quiet)
                fprintf(stderr, "f4saoi calib: %s: target found\n", name);
        }
        aoi_image_free(&img);
    }
    {
        int rc = aoi_calibrator_finish(cb, &lim, &cal);
        const char *why = rc < 0 ? aoi_errmsg() : NULL;
        char reason[1024];
        if (why)
            snprintf(reason, sizeof reason, "%s", why);
        if (!quiet)
            for (int k = 0; k < cal.views; k++)
                fprintf(stderr, "  view %d: %.5f x %.5f um/px, rotation %+.3f deg, error %.3f px\n",
                        k + 1, cal.view[k].um_per_px_x, cal.view[k].um_per_px_y,
                        cal.view[k].rotation_deg, cal.view[k].rms_px);
        if (cal.views)
            fprintf(stderr,
                    "f4saoi calib: %d view%s: %.5f x %.5f um/px (views within %.3f %%), "
                    "rotation %+.3f deg, reprojection error %.3f px, lens distortion up to "
                    "%.2f px%s\n",
                    cal.views, cal.views == 1 ? "" : "s", cal.um_per_px_x, cal.um_per_px_y,
                    100 * cal.scale_spread, cal.rotation_deg, cal.rms_px,
                    cal.has_lens ? aoi_lens_max_shift(&cal.lens, cal.width, cal.height) : 0,
                    cal.has_gains ? "" : ", no colour gains");
        if (lim.no_distortion && cal.views && cal.rms_px > 0.15)
            fprintf(stderr, "f4saoi calib: warning: a reprojection error of %.2f px suggests the "
                            "lens is not distortion-free; try without --no-distortion\n",
                    cal.rms_px);
        if (cal.has_gains)
            fprintf(stderr, "f4saoi calib: colour gains R %.3f G %.3f B %.3f\n", cal.gain[0],
                    cal.gain[1], cal.gain[2]);
        if (rc < 0) {
            fprintf(stderr, "f4saoi calib: refused: %s\n", reason);
            goto done;
        }
    }
    if (aoi_calib_save(&cal, &t, out) < 0) {
        fprintf(stderr, "f4saoi calib: %s\n", aoi_errmsg());
        goto done;
    }
    if (!quiet)
        fprintf(stderr, "f4saoi calib: wrote %s (%d of %zu views used)\n", out, used, views.n);
    status = unread ? EXIT_ERRORS : EXIT_OK;
done:
    aoi_calibrator_free(cb);
    cli_list_free(&views);
    return status;
}
