/* cmd_score.c - `f4saoi score TRUTH.jsonl RESULTS.jsonl`. */
#include "aoi/error.h"
#include "aoi/score.h"
#include "cli/cli.h"

#include <getopt.h>
#include <stdio.h>

static void score_help(void)
{
    puts("Usage: f4saoi score [--json FILE] TRUTH.jsonl RESULTS.jsonl\n"
         "\n"
         "Compares inspection results with ground truth (records matched by image path,\n"
         "then by file name).  Prints, per defect type, recall, false calls and false\n"
         "calls per million inspected joints; boards' NG recall and false-NG rate; error\n"
         "verdicts; pose error (median, 95th percentile, max, in px and degrees) and\n"
         "pitch slips; the same per rendering condition; and every escape.\n"
         "Malformed lines are counted and listed, not fatal.\n"
         "\n"
         "  -j, --json FILE   also write the summary as JSON (- for standard output,\n"
         "                    which then replaces the table)\n"
         "  -h, --help        show this help");
}

int cmd_score(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *json = NULL;
    aoi_score *s;
    int c, ret = EXIT_OK;

    optind = 1;
    while ((c = getopt_long(argc, argv, "j:h", opts, NULL)) != -1) {
        switch (c) {
        case 'j': json = optarg; break;
        case 'h': score_help(); return EXIT_OK;
        default: return cli_usage_error("score", "bad option");
        }
    }
    if (argc - optind != 2)
        return cli_usage_error("score", "give TRUTH.jsonl and RESULTS.jsonl");
    if (!(s = aoi_score_files(argv[optind], argv[optind + 1]))) {
        fprintf(stderr, "f4saoi score: %s\n", aoi_errmsg());
        return EXIT_USAGE;
    }
    if (json && json[0] == '-' && !json[1]) {
        ret = aoi_score_write_json(s, stdout) < 0;
    } else {
        if (aoi_score_write_table(s, stdout) < 0)
            ret = 1;
        if (json) {
            FILE *f = fopen(json, "w");
            if (!f || aoi_score_write_json(s, f) < 0) {
                fprintf(stderr, "f4saoi score: %s: cannot write\n", json);
                ret = 1;
            }
            if (f)
                fclose(f);
        }
    }
    aoi_score_free(s);
    return ret;
}
