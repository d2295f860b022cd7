/* cmd_inspect.c - `f4saoi inspect` and `f4saoi teach` (interfaces.md). */
#include "aoi/calib.h"
#include "aoi/draw.h"
#include "aoi/error.h"
#include "aoi/image.h"
#include "aoi/inspect.h"
#include "aoi/part.h"
#include "aoi/result.h"
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_SETS 32

static void inspect_help(void)
{
    puts("Usage: f4saoi inspect --part PART (--um-per-px F | --calib FILE) [--rotation R]\n"
         "                      [--model MODEL] [--jsonl OUT.jsonl] [--threads N] IMAGE_OR_DIR...\n"
         "\n"
         "Inspects the solder joints of one F4S connector per image (JPEG or PNG;\n"
         "directories are searched recursively) and writes one JSON object per image\n"
         "and line: image, part, verdict (pass, fail or error), error (the reason an\n"
         "image could not be inspected, else null), pose {x_px, y_px, theta_deg,\n"
         "um_per_px, score}, defects [{type, pins, x_mm, y_mm}], and per-pin measures\n"
         "(joints: solder area, overhang, solder and flux near the body edge, terminal\n"
         "offset) with the measured connector placement.  Defect types: bridge,\n"
         "excess_solder, flux_rise, insufficient_solder, offset, missing_part.\n"
         "\n"
         "  -p, --part PART        part number (e.g. AXT540124) or part model file\n"
         "  -u, --um-per-px F      scale in micrometres per pixel (6..20 typical)\n"
         "  -c, --calib FILE       a calibration from `f4saoi calib` instead: its scale,\n"
         "                         its colour gains, and its lens (the footprint's region\n"
         "                         is undistorted; poses in undistorted pixels)\n"
         "  -r, --rotation R       nominal rotation 0, 90, 180 or 270 (default 0)\n"
         "  -m, --model MODEL      station model written by `f4saoi teach` (optional;\n"
         "                         without it, appearance comes from each image)\n"
         "  -o, --jsonl FILE       write records to FILE (default: standard output)\n"
         "  -j, --threads N        inspect N images at a time (default: one per core);\n"
         "                         records are written in input order whatever N\n"
         "      --overlay DIR      write IMAGE.overlay.jpg: pads green, pads with a\n"
         "                         defect and a ring at each defect in the defect's\n"
         "                         colour (bridge red, excess orange, flux magenta,\n"
         "                         insufficient cyan, offset yellow)\n"
         "      --set NAME=VALUE   override a threshold of models/inspection.json for\n"
         "                         this job (repeatable), e.g. --set overhang_mm=0.06\n"
         "      --max-pixels N     refuse larger images (default 40000000)\n"
         "      --fast-decode      JPEGs: find the footprint on a reduced-scale decode,\n"
         "                         then decode only its region at full resolution (same\n"
         "                         results; pays a little where the footprint is a small\n"
         "                         part of the frame: ~1.1-1.3x faster for a 10- or\n"
         "                         40-pin part in a 5 Mpx frame, up to ~1.2x slower\n"
         "                         for an 80-pin one; see BENCHMARKS.md)\n"
         "      --files-from FILE  also inspect the paths listed in FILE, one per line\n"
         "                         (- for standard input)\n"
         "      --resume           with --jsonl: skip images already recorded there (a\n"
         "                         partial last line from a killed run is dropped)\n"
         "      --shard K/N        inspect only the K-th of N shares of the sorted inputs\n"
         "                         (N machines, one K each; their outputs concatenate)\n"
         "      --csv FILE         also write a summary table (image, verdict, defects,\n"
         "                         score, error) for spreadsheets\n"
         "      --progress S       progress every S seconds on standard error (default: a\n"
         "                         live line on a terminal, else every 10 s; 0: off)\n"
         "  -q, --quiet            no progress and no summary on standard error\n"
         "  -h, --help             show this help\n"
         "\n"
         "Exit status: 0 every image was inspected (pass or fail), 3 some gave error\n"
         "records (unreadable, footprint not found, confidence too low), 2 usage or\n"
         "configuration error (nothing is inspected).");
}

static void teach_help(void)
{
    puts("Usage: f4saoi teach --part PART (--um-per-px F | --calib FILE) [--rotation R]\n"
         "                    -o MODEL GOLDEN...\n"
         "\n"
         "Learns from 3 or more golden (defect-free) images of one station and part\n"
         "what the station's lighting makes of solder mask, solder, terminals and the\n"
         "connector body, and the nominal solder area of every joint, and writes a\n"
         "versioned station model (JSON) for `inspect --model`.  Images that do not\n"
         "register or that show a defect are refused with the reason.\n"
         "\n"
         "  -p, --part PART        part number or part model file\n"
         "  -u, --um-per-px F      scale in micrometres per pixel\n"
         "  -c, --calib FILE       a calibration from `f4saoi calib` instead: its scale,\n"
         "                         its colour gains, and its lens (the footprint's region\n"
         "                         is undistorted; poses in undistorted pixels)\n"
         "  -r, --rotation R       nominal rotation 0, 90, 180 or 270 (default 0)\n"
         "  -o, --output MODEL     station model to write\n"
         "      --set NAME=VALUE   threshold override used to judge the golden images\n"
         "  -h, --help             show this help\n"
         "\n"
         "Exit status: 0 model written, 3 fewer than 3 images accepted (nothing\n"
         "written), 2 usage or configuration error.");
}

typedef struct {
    const char *cmd;
    const char *part, *calib, *model, *out, *overlay;
    const char *sets[MAX_SETS];
    int nsets, rot, threads, quiet, resume, shard_k, shard_n, progress, fast_decode;
    const char *csv, *files_from;
    double um;
    size_t max_pixels;
    aoi_calib cal;       /* with --calib */
} job;

enum { O_OVERLAY = 1000, O_SET, O_MAXPIX, O_RESUME, O_SHARD, O_CSV, O_PROGRESS, O_FULL, O_FROM };

static int parse(job *j, int argc, char **argv, int *first)
{
    static const struct option opts[] = {
        {"part", required_argument, NULL, 'p'},     {"um-per-px", required_argument, NULL, 'u'},
        {"calib", required_argument, NULL, 'c'},    {"rotation", required_argument, NULL, 'r'},
        {"model", required_argument, NULL, 'm'},    {"jsonl", required_argument, NULL, 'o'},
        {"output", required_argument, NULL, 'o'},   {"threads", required_argument, NULL, 'j'},
        {"overlay", required_argument, NULL, O_OVERLAY}, {"set", required_argument, NULL, O_SET},
        {"max-pixels", required_argument, NULL, O_MAXPIX}, {"quiet", no_argument, NULL, 'q'},
        {"resume", no_argument, NULL, O_RESUME},     {"shard", required_argument, NULL, O_SHARD},
        {"csv", required_argument, NULL, O_CSV},     {"progress", required_argument, NULL, O_PROGRESS},
        {"fast-decode", no_argument, NULL, O_FULL},  {"files-from", required_argument, NULL, O_FROM},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
    };
    int c;
    char *end;
    optind = 1;
    while ((c = getopt_long(argc, argv, "p:u:c:r:m:o:j:qh", opts, NULL)) != -1) {
        switch (c) {
        case 'p': j->part = optarg; break;
        case 'u':
            if (cli_parse_um(j->cmd, optarg, &j->um) < 0)
                return EXIT_USAGE;
            break;
        case 'c': j->calib = optarg; break;
        case 'r':
            if (cli_parse_rotation(j->cmd, optarg, &j->rot) < 0)
                return EXIT_USAGE;
            break;
        case 'm': j->model = optarg; break;
        case 'o': j->out = optarg; break;
        case 'j': {
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 1 || v > 256)
                return cli_usage_error(j->cmd, "--threads must be 1..256 (got '%s')", optarg);
            j->threads = (int)v;
            break;
        }
        case O_OVERLAY: j->overlay = optarg; break;
        case O_SET:
            if (j->nsets == MAX_SETS)
                return cli_usage_error(j->cmd, "at most %d --set options", MAX_SETS);
            j->sets[j->nsets++] = optarg;
            break;
        case O_MAXPIX: {
            unsigned long long v = strtoull(optarg, &end, 10);
            if (end == optarg || *end || v < 256 || v > 1000000000ull)
                return cli_usage_error(j->cmd, "--max-pixels must be 256..1000000000");
            j->max_pixels = (size_t)v;
            break;
        }
        case 'q': j->quiet = 1; break;
        case O_RESUME: j->resume = 1; break;
        case O_FULL: j->fast_decode = 1; break;
        case O_FROM: j->files_from = optarg; break;
        case O_SHARD:
            if (sscanf(optarg, "%d/%d", &j->shard_k, &j->shard_n) != 2 || j->shard_n < 1 ||
                j->shard_k < 1 || j->shard_k > j->shard_n)
                return cli_usage_error(j->cmd, "--shard must be K/N with 1 <= K <= N (got '%s')",
                                       optarg);
            break;
        case O_CSV: j->csv = optarg; break;
        case O_PROGRESS: {
            long v = strtol(optarg, &end, 10);
            if (end == optarg || *end || v < 0 || v > 3600)
                return cli_usage_error(j->cmd, "--progress takes seconds 0..3600 (got '%s')", optarg);
            j->progress = (int)v;
            break;
        }
        case 'h': return -1;
        default: return cli_usage_error(j->cmd, "bad option");
        }
    }
    if (!j->part)
        return cli_usage_error(j->cmd, "--part is required");
    if ((j->um > 0) == (j->calib != NULL))
        return cli_usage_error(j->cmd, "give exactly one of --um-per-px and --calib");
    if (optind >= argc && !j->files_from)
        return cli_usage_error(j->cmd, "give at least one image%s",
                               strcmp(j->cmd, "inspect") == 0 ? " or directory" : "");
    *first = optind;
    return 0;
}

/* Part, thresholds (+ overrides) and scale: everything checked before any work. */
static int configure(job *j, aoi_part **part, aoi_thresholds *th)
{
    if (!(*part = aoi_part_load(j->part, NULL)))
        goto fail;
    if (aoi_thresholds_load_default(NULL, th) < 0)
        goto fail;
    for (int i = 0; i < j->nsets; i++)
        if (aoi_thresholds_set(th, j->sets[i]) < 0)
            goto fail;
    if (j->calib) {
        if (aoi_calib_load(j->calib, &j->cal) < 0)
            goto fail;
        j->um = aoi_calib_um_per_px(&j->cal);
    }
    return 0;
fail:
    fprintf(stderr, "f4saoi %s: %s\n", j->cmd, aoi_errmsg());
    aoi_part_free(*part);
    *part = NULL;
    return EXIT_USAGE;
}

/* --- inspect ------------------------------------------------------------------- */

typedef struct {
    const job *j;
    const aoi_part *part;
    const aoi_thresholds *th;
    const aoi_station *st;
    const cli_list *files;
    atomic_size_t next;
    pthread_mutex_t lock;
    pthread_cond_t written;  /* next_out moved */
    /* Records leave in input order: finished ones wait here (JSON line and
     * CSV row) until those before them are written; a worker does not start
     * an image more than `window` ahead of the next one to write. */
    char **lines, **rows;
    size_t next_out, window;
    int out_fd;
    FILE *csv;
    batch_progress prog;
    size_t npass, nfail, nerror;
    int write_failed;
} pool;

static void inspect_one(pool *pl, aoi_inspector *in, size_t index)
{
    const char *path = pl->files->v[index];
    aoi_result res;
    aoi_image img = {0};
    aoi_inspect_info info;
    char *line = NULL, *extra = NULL, *row = NULL;
    aoi_result_init(&res);
    aoi_result_set_strings(&res, path, aoi_part_number(pl->part));
    if (!in) {
        aoi_result_set_error(&res, "inspector not available: %s", aoi_errmsg());
    } else if (!pl->j->overlay) {
        /* With --fast-decode, JPEGs: footprint found on a reduced decode, only its
         * region decoded in full. */
        aoi_inspect_file(in, path, pl->j->max_pixels, pl->j->fast_decode, &res, &info, NULL);
        aoi_result_set_strings(&res, path, aoi_part_number(pl->part));
        if (res.verdict != AOI_VERDICT_ERROR && (extra = aoi_inspect_info_json(&info)))
            aoi_result_set_extra(&res, extra);
    } else if (aoi_image_read(path, AOI_FMT_RGB, pl->j->max_pixels, &img) < 0) {
        aoi_result_set_error(&res, "%s", aoi_errmsg());
    } else {
        aoi_inspect(in, &img, &res, &info);
        if (res.verdict != AOI_VERDICT_ERROR && (extra = aoi_inspect_info_json(&info)))
            aoi_result_set_extra(&res, extra);
        if (pl->j->overlay && res.has_pose) {
            char op[4096];
            const char *base = strrchr(path, '/');
            aoi_draw_result(&img, pl->part, &res, pl->j->rot);
            if ((size_t)snprintf(op, sizeof op, "%s/%s.overlay.jpg", pl->j->overlay,
                                 base ? base + 1 : path) < sizeof op &&
                aoi_image_write_jpeg(&img, op, 90, 1) < 0)
                fprintf(stderr, "f4saoi inspect: %s\n", aoi_errmsg());
        }
    }
    aoi_image_free(&img);
    if (aoi_result_to_json(&res, &line) < 0)
        line = NULL;
    if (pl->csv) {
        size_t len = 0;
        FILE *m = open_memstream(&row, &len);
        if (m) {
            batch_csv_row(m, &res);
            if (fclose(m) != 0) {
                free(row);
                row = NULL;
            }
        }
    }
    pthread_mutex_lock(&pl->lock);
    if (!line || (pl->csv && !row))
        pl->write_failed = 1;
    pl->lines[index] = line ? line : strdup("");
    pl->rows[index] = row ? row : strdup("");
    line = row = NULL;
    /* Write what is now complete from the front. */
    while (pl->next_out < pl->files->n && pl->lines[pl->next_out]) {
        size_t k = pl->next_out++;
        if (*pl->lines[k] && batch_write_line(pl->out_fd, pl->lines[k]) < 0)
            pl->write_failed = 1;
        if (pl->csv && fputs(pl->rows[k], pl->csv) < 0)
            pl->write_failed = 1;
        free(pl->lines[k]);
        free(pl->rows[k]);
        pl->lines[k] = pl->rows[k] = NULL;
        pthread_cond_broadcast(&pl->written);
    }
    if (res.verdict == AOI_VERDICT_PASS)
        pl->npass++;
    else if (res.verdict == AOI_VERDICT_FAIL)
        pl->nfail++;
    else
        pl->nerror++;
    batch_progress_update(&pl->prog, pl->npass + pl->nfail + pl->nerror, pl->nfail + pl->nerror, 0);
    pthread_mutex_unlock(&pl->lock);
    free(line);
    free(extra);
    aoi_result_clear(&res);
}

static void *worker(void *arg)
{
    pool *pl = arg;
    aoi_inspector *in = aoi_inspector_new(pl->part, pl->j->um, pl->j->rot, pl->th, pl->st);
    size_t i;
    if (in && pl->j->calib && aoi_inspector_set_calib(in, &pl->j->cal) < 0) {
        aoi_inspector_free(in);
        in = NULL;
    }
    while ((i = atomic_fetch_add(&pl->next, 1)) < pl->files->n) {
        pthread_mutex_lock(&pl->lock);
        while (i >= pl->next_out + pl->window)
            pthread_cond_wait(&pl->written, &pl->lock);
        pthread_mutex_unlock(&pl->lock);
        inspect_one(pl, in, i);
    }
    aoi_inspector_free(in);
    return NULL;
}

int cmd_inspect(int argc, char **argv)
{
    job j = {.cmd = "inspect", .threads = 0, .max_pixels = AOI_DEFAULT_MAX_PIXELS, .progress = -1};
    aoi_part *part = NULL;
    aoi_station *st = NULL;
    aoi_thresholds th;
    cli_list files = {0}, done_list = {0};
    pool pl;
    size_t listed = 0;
    pthread_t tids[256];
    int first = 0, status, nt = 0;

    if ((status = parse(&j, argc, argv, &first)) != 0) {
        if (status < 0)
            inspect_help();
        return status < 0 ? EXIT_OK : status;
    }
    if ((status = configure(&j, &part, &th)) != 0)
        return status;
    memset(&pl, 0, sizeof pl);
    pl.out_fd = STDOUT_FILENO;
    if (j.resume && !j.out) {
        status = cli_usage_error("inspect", "--resume needs --jsonl FILE (the records to resume)");
        goto done;
    }
    if (j.model && !(st = aoi_station_load(j.model, part))) {
        fprintf(stderr, "f4saoi inspect: %s\n", aoi_errmsg());
        status = EXIT_USAGE;
        goto done;
    }
    if (j.overlay && mkdir(j.overlay, 0777) < 0 && errno != EEXIST) {
        fprintf(stderr, "f4saoi inspect: %s: cannot create: %s\n", j.overlay, strerror(errno));
        status = EXIT_USAGE;
        goto done;
    }
    if (j.files_from && cli_collect_file(j.files_from, &files) < 0) {
        fprintf(stderr, "f4saoi inspect: %s: cannot read the list: %s\n", j.files_from, strerror(errno));
        status = EXIT_USAGE;
        goto done;
    }
    if (cli_collect(argc, argv, first, &files) < 0) {
        fprintf(stderr, "f4saoi inspect: out of memory listing the inputs\n");
        status = EXIT_USAGE;
        goto done;
    }
    if (files.n == 0) {
        fprintf(stderr, "f4saoi inspect: no JPEG or PNG images found\n");
        status = EXIT_ERRORS;
        goto done;
    }
    if (j.resume) {
        char why[4200];
        if (batch_resume_scan(j.out, &done_list, why, sizeof why) < 0) {
            fprintf(stderr, "f4saoi inspect: %s\n", why);
            status = EXIT_USAGE;
            goto done;
        }
    }
    listed = files.n;
    batch_filter(&files, j.shard_k, j.shard_n, &done_list);
    if (j.out && (pl.out_fd = open(j.out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
                                              (j.resume ? 0 : O_TRUNC), 0666)) < 0) {
        fprintf(stderr, "f4saoi inspect: %s: cannot create: %s\n", j.out, strerror(errno));
        status = EXIT_USAGE;
        goto done;
    }
    if (j.csv) {
        if (!(pl.csv = fopen(j.csv, "w"))) {
            fprintf(stderr, "f4saoi inspect: %s: cannot create: %s\n", j.csv, strerror(errno));
            status = EXIT_USAGE;
            goto done;
        }
        batch_csv_header(pl.csv);
    }
    if (!j.quiet && (done_list.n || j.shard_n > 1))
        fprintf(stderr, "f4saoi inspect: %zu image(s) to inspect (%zu found, %zu already recorded%s)\n",
                files.n, listed, done_list.n, j.shard_n > 1 ? ", this shard only" : "");
    batch_progress_init(&pl.prog, files.n, j.progress, j.quiet);
    pl.j = &j, pl.part = part, pl.th = &th, pl.st = st, pl.files = &files;
    atomic_init(&pl.next, 0);
    if (j.threads == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        j.threads = cores < 1 ? 1 : cores > 256 ? 256 : (int)cores;
    }
    if ((size_t)j.threads > files.n)
        j.threads = files.n ? (int)files.n : 1;
    pl.window = 4 * (size_t)j.threads;
    if (!(pl.lines = calloc(files.n, sizeof *pl.lines)) ||
        !(pl.rows = calloc(files.n, sizeof *pl.rows))) {
        fprintf(stderr, "f4saoi inspect: out of memory for %zu records\n", files.n);
        status = EXIT_USAGE;
        goto done;
    }
    pthread_mutex_init(&pl.lock, NULL);
    pthread_cond_init(&pl.written, NULL);
    for (nt = 0; nt < j.threads - 1; nt++)
        if (pthread_create(&tids[nt], NULL, worker, &pl) != 0)
            break;
    worker(&pl);
    for (int i = 0; i < nt; i++)
        pthread_join(tids[i], NULL);
    pthread_mutex_destroy(&pl.lock);
    pthread_cond_destroy(&pl.written);
    batch_progress_update(&pl.prog, files.n, pl.nfail + pl.nerror, 1);
    if (!j.quiet)
        fprintf(stderr, "f4saoi inspect: %zu image(s): %zu pass, %zu fail, %zu error\n", files.n,
                pl.npass, pl.nfail, pl.nerror);
    status = pl.nerror ? EXIT_ERRORS : EXIT_OK;
    if (pl.write_failed) {
        fprintf(stderr, "f4saoi inspect: writing the records failed\n");
        status = EXIT_ERRORS;
    }
done:
    if (pl.out_fd > STDOUT_FILENO && close(pl.out_fd) != 0) {
        fprintf(stderr, "f4saoi inspect: %s: %s\n", j.out, strerror(errno));
        status = EXIT_ERRORS;
    }
    if (pl.csv && fclose(pl.csv) != 0) {
        fprintf(stderr, "f4saoi inspect: %s: %s\n", j.csv, strerror(errno));
        status = EXIT_ERRORS;
    }
    free(pl.lines);
    free(pl.rows);
    cli_list_free(&files);
    cli_list_free(&done_list);
    aoi_station_free(st);
    aoi_part_free(part);
    return status;
}

/* --- teach --------------------------------------------------------------------- */

int cmd_teach(int argc, char **argv)
{
    job j = {.cmd = "teach", .threads = 1, .max_pixels = AOI_DEFAULT_MAX_PIXELS};
    aoi_part *part = NULL;
    aoi_thresholds th;
    aoi_teacher *tc = NULL;
    aoi_station *st = NULL;
    int first = 0, status, accepted = 0;

    if ((status = parse(&j, argc, argv, &first)) != 0) {
        if (status < 0)
            teach_help();
        return status < 0 ? EXIT_OK : status;
    }
    if (!j.out)
        return cli_usage_error("teach", "-o MODEL is required");
    if (j.model || j.overlay || j.threads != 1 || j.files_from || j.resume || j.csv)
        return cli_usage_error("teach", "--model, --overlay, --threads, --files-from, --resume "
                                        "and --csv belong to inspect");
    if ((status = configure(&j, &part, &th)) != 0)
        return status;
    if (!(tc = aoi_teacher_new(part, j.um, j.rot, &th)) ||
        (j.calib && aoi_teacher_set_calib(tc, &j.cal) < 0)) {
        fprintf(stderr, "f4saoi teach: %s\n", aoi_errmsg());
        status = EXIT_USAGE;
        goto done;
    }
    for (int i = first; i < argc; i++) {
        aoi_image img;
        if (aoi_image_read(argv[i], AOI_FMT_RGB, j.max_pixels, &img) < 0) {
            fprintf(stderr, "f4saoi teach: refused %s: %s\n", argv[i], aoi_errmsg());
            continue;
        }
        if (aoi_teacher_add(tc, &img) < 0)
            fprintf(stderr, "f4saoi teach: refused %s: %s\n", argv[i], aoi_errmsg());
        else {
            accepted++;
            if (!j.quiet)
                fprintf(stderr, "f4saoi teach: accepted %s\n", argv[i]);
        }
        aoi_image_free(&img);
    }
    if (!(st = aoi_teacher_finish(tc)) || aoi_station_save(st, j.out) < 0) {
        fprintf(stderr, "f4saoi teach: %s\n", aoi_errmsg());
        status = EXIT_ERRORS;
        goto done;
    }
    if (!j.quiet)
        fprintf(stderr, "f4saoi teach: wrote %s from %d golden image(s)\n", j.out, accepted);
    status = EXIT_OK;
done:
    aoi_station_free(st);
    aoi_teacher_free(tc);
    aoi_part_free(part);
    return status;
}
