/* main.c - the f4saoi command: dispatch to sub-commands. */
#include "cli/cli.h"
#include "config.h"
#include "aoi/simd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"parts", cmd_parts, "list the known F4S part numbers (side, pins, mated height)"},
    {"footprint", cmd_footprint, "draw a part's recommended foot pattern as SVG (mm)"},
    {"synth", cmd_synth, "render synthetic boards with exact ground truth"},
    {"score", cmd_score, "score inspection results against ground truth"},
    {"inspect", cmd_inspect, "inspect the solder joints of images: JSON Lines records"},
    {"teach", cmd_teach, "learn a station model from golden images"},
    {"report", cmd_report, "HTML review page of inspection results with defect crops"},
    {"locate", cmd_locate, "register images to the foot pattern: pose and confidence"},
    {"calib", cmd_calib, "measure a station's scale, lens and colour from target views"},
};

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: f4saoi COMMAND [OPTIONS...]\n"
            "\n"
            "Automated optical inspection of Panasonic F4S (0.4 mm pitch) board-to-board\n"
            "connector solder joints.\n"
            "\n"
            "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\n"
            "Run 'f4saoi COMMAND --help' for a command's options.\n"
            "Part models are read from %s\n"
            "(override with the environment variable AOI_MODELS_DIR).\n",
            AOI_MODELS_INSTALL_DIR);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "f4saoi %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'f4saoi %s --help'.\n", cmd);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
        printf("f4saoi %s (SIMD path: %s; force with AOI_SIMD=scalar|sse41|avx2)\n", AOI_VERSION,
               aoi_isa_name(aoi_simd_isa()));
        return EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "f4saoi: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return EXIT_USAGE;
}
