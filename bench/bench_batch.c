/* bench_batch.c - batch throughput on 2448x2048 JPEGs of an 80-pin part:
 * inspection with the fast path (reduced-scale decode to find the
 * footprint, full-resolution decode of its region only), inspection with
 * full decodes, and a plain full-size decode of the same files as the
 * baseline; decodes at 1/8 (the entropy decoding every reader of the file
 * pays) and 1/2; 1 and 2 threads; peak memory (getrusage); then the fast
 * path's gain on a 10- and a 40-pin part.  Medians of runs. */
#include "bench_util.h"
#include "aoi/error.h"
#include "aoi/inspect.h"
#include "aoi/part.h"
#include "aoi/synth.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NFILES 8
#define RUNS 5

static char files[NFILES][256];
static aoi_part *part;
static aoi_thresholds th;

/* One measured configuration: its workers live through every run.  Each
 * first goes through all the files untimed, so the runs measure the steady
 * state a batch reaches after its first images (the allocator's heaps
 * grown, file pages cached); with a thread per run instead, each 15 MB
 * frame buffer was faulted in afresh, which on a host with costly page
 * faults (this VM: ~15 us each, ~45 ms per frame) inflated the plain
 * decode's time 3-4 x and with it every ratio quoted against it. */
typedef struct {
    int mode; /* 0 plain decode, 1 fast inspect, 2 full inspect, 3 decode at 1/denom */
    int denom;
    atomic_int next;
    pthread_barrier_t start, end;
} job;

static void one(const job *j, aoi_inspector *in, aoi_result *res, int i)
{
    if (j->mode == 0) {
        aoi_image img;
        if (aoi_image_read(files[i], AOI_FMT_RGB, AOI_DEFAULT_MAX_PIXELS, &img) == 0)
            aoi_image_free(&img);
    } else if (j->mode == 3) {
        aoi_image img;
        int fw, fh;
        if (aoi_image_read_jpeg_scaled(files[i], j->denom, AOI_DEFAULT_MAX_PIXELS, &img, &fw,
                                       &fh) == 0)
            aoi_image_free(&img);
    } else {
        aoi_inspect_file(in, files[i], AOI_DEFAULT_MAX_PIXELS, j->mode == 1, res, NULL, NULL);
    }
}

static void *work(void *arg)
{
    job *j = arg;
    aoi_inspector *in = aoi_inspector_new(part, 9.0, 0, &th, NULL);
    aoi_result res;
    aoi_result_init(&res);
    for (int i = 0; i < NFILES; i++) /* warm-up, untimed */
        one(j, in, &res, i);
    for (int r = 0; r < RUNS; r++) {
        int i;
        pthread_barrier_wait(&j->start);
        while ((i = atomic_fetch_add(&j->next, 1)) < NFILES)
            one(j, in, &res, i);
        pthread_barrier_wait(&j->end);
    }
    aoi_result_clear(&res);
    aoi_inspector_free(in);
    return NULL;
}

static double run_scaled(int mode, int denom, int threads)
{
    double t[RUNS];
    job j = {.mode = mode, .denom = denom};
    pthread_t tid[8];
    pthread_barrier_init(&j.start, NULL, (unsigned)threads + 1);
    pthread_barrier_init(&j.end, NULL, (unsigned)threads + 1);
    for (int k = 0; k < threads; k++)
        pthread_create(&tid[k], NULL, work, &j);
    for (int r = 0; r < RUNS; r++) {
        atomic_store(&j.next, 0);
        pthread_barrier_wait(&j.start); /* the workers have warmed up / finished the last run */
        double t0 = bench_now_ms();
        pthread_barrier_wait(&j.end);
        t[r] = bench_now_ms() - t0;
    }
    for (int k = 0; k < threads; k++)
        pthread_join(tid[k], NULL);
    pthread_barrier_destroy(&j.start);
    pthread_barrier_destroy(&j.end);
    return NFILES * 1000.0 / bench_median(t, RUNS); /* images per second */
}

static double run(int mode, int threads)
{
    return run_scaled(mode, 1, threads);
}

/* The f4saoi program itself over the folder with N threads: images per
 * second and the child's peak resident memory (wait4). */
static int run_cli(const char *exe, const char *dir, const char *threads, int fast, double *ips,
                   double *rss_mb)
{
    double t0 = bench_now_ms();
    struct rusage ru;
    int st;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 1);
        char *args[] = {(char *)exe, "inspect", "-p", "AXT680124", "-u", "9", "-j", (char *)threads,
                        "-q", (char *)dir, fast ? "--fast-decode" : NULL, NULL};
        execv(exe, args);
        _exit(127);
    }
    if (wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) > 3)
        return -1;
    *ips = NFILES * 1000.0 / (bench_now_ms() - t0);
    *rss_mb = ru.ru_maxrss / 1024.0;
    return 0;
}

/* NFILES frames of the current part, 2448x2048 at 9 um/px, as JPEGs in dir. */
static int make_files(const char *dir)
{
    for (int i = 0; i < NFILES; i++) {
        aoi_synth_params p;
        aoi_image img;
        aoi_result truth;
        aoi_synth_params_default(&p);
        p.seed = 300 + (uint64_t)i;
        p.width = 2448, p.height = 2048, p.um_per_px = 9.0, p.rotation = 0;
        if (aoi_synth_render(part, &p, &img, &truth, NULL, NULL) < 0)
            return -1;
        snprintf(files[i], sizeof files[i], "%s/%02d.jpg", dir, i);
        int rc = aoi_image_write_jpeg(&img, files[i], 90, 0);
        aoi_image_free(&img);
        aoi_result_clear(&truth);
        if (rc < 0)
            return -1;
    }
    return 0;
}

static void remove_files(const char *dir)
{
    for (int i = 0; i < NFILES; i++)
        unlink(files[i]);
    rmdir(dir);
}

/* The fast path's gain by the part's size: the region it decodes, and the
 * joints it inspects, grow with the pin count. */
static void by_part(void)
{
    static const char *const parts[] = {"AXT510124", "AXT540124"};
    printf("by part (1 thread, img/s): plain decode / inspection, full decode / fast path\n");
    for (size_t q = 0; q < sizeof parts / sizeof *parts; q++) {
        char dir[] = "/tmp/aoi-bench-batch-XXXXXX";
        aoi_part *keep = part;
        if (!mkdtemp(dir) || !(part = aoi_part_load(parts[q], NULL))) {
            part = keep;
            continue;
        }
        if (make_files(dir) == 0) {
            double d = run(0, 1), full = run(2, 1), fast = run(1, 1);
            printf("  %s (%d pins): %.2f / %.2f / %.2f (fast / full %.2fx, fast / decode %.2fx)\n",
                   parts[q], aoi_part_pins(part), d, full, fast, fast / full, fast / d);
        }
        remove_files(dir);
        aoi_part_free(part);
        part = keep;
    }
}

int main(int argc, char **argv)
{
    char dir[] = "/tmp/aoi-bench-batch-XXXXXX";
    if (!mkdtemp(dir) || !(part = aoi_part_load("AXT680124", NULL)) ||
        aoi_thresholds_load_default(NULL, &th) < 0) {
        fprintf(stderr, "setup: %s\n", aoi_errmsg());
        return 1;
    }
    if (make_files(dir) < 0) {
        fprintf(stderr, "setup: %s\n", aoi_errmsg());
        return 1;
    }
    double dec1 = run(0, 1), fast1 = run(1, 1), full1 = run(2, 1), fast2 = run(1, 2);
    double dec8 = run_scaled(3, 8, 1), dec2 = run_scaled(3, 2, 1);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("%d JPEGs 2448x2048 (quality 90, 4:2:0), AXT680124 at 9 um/px\n", NFILES);
    printf("%-46s %8.2f img/s\n", "plain full-size decode (TurboJPEG), 1 thread", dec1);
    printf("%-46s %8.2f img/s\n", "inspection, full decode, 1 thread", full1);
    printf("%-46s %8.2f img/s\n", "inspection, fast path, 1 thread", fast1);
    printf("%-46s %8.2f img/s\n", "inspection, fast path, 2 threads", fast2);
    printf("fast path / plain decode: %.2fx; fast / full-decode inspection: %.2fx; "
           "2 threads / 1: %.2fx\n",
           fast1 / dec1, fast1 / full1, fast2 / fast1);
    /* Without restart markers every byte of the entropy-coded data must be
     * decoded to reach any pixel; the 1/8-scale decode (DC coefficients,
     * no inverse DCT to speak of) is about that alone: whatever reads the
     * file cannot run faster, and the fast path reads it twice (the 1/2
     * decode, then the region's rows). */
    printf("%-46s %8.2f img/s (%.0f %% of a plain decode's time)\n",
           "decode at 1/8 (entropy decoding, ~nothing else)", dec8, 100 * dec1 / dec8);
    printf("%-46s %8.2f img/s (%.0f %%; the fast path's first look)\n", "decode at 1/2", dec2,
           100 * dec1 / dec2);
    printf("ceiling of any one-pass reader / plain decode: %.2fx (the goal: 2x)\n", dec8 / dec1);
    printf("peak resident memory of this benchmark (generation included): %.1f MB (frame %.1f MB)\n",
           ru.ru_maxrss / 1024.0, 2448.0 * 2048 * 3 / 1e6);
    if (argc > 1) {
        static const char *const nt[] = {"1", "2"};
        /* A forked child starts with this process's resident pages, and its
         * peak (wait4) counts them until exec: give the freed heap back. */
#ifdef __GLIBC__
        malloc_trim(0);
#endif
        for (int f = 0; f < 2; f++)
            for (int k = 0; k < 2; k++) {
                double ips[RUNS], rss = 0, r;
                int ok = 1;
                for (int q = 0; q < RUNS && ok; q++) {
                    ok = run_cli(argv[1], dir, nt[k], f, &ips[q], &r) == 0;
                    rss = r > rss ? r : rss;
                }
                if (ok)
                    printf("f4saoi inspect -j %s%-14s %8.2f img/s, peak RSS %.1f MB "
                           "(budget 64 + 2 frames x %s = %.0f MB)\n",
                           nt[k], f ? " --fast-decode" : "", bench_median(ips, RUNS), rss, nt[k],
                           64 + 2 * 15.04 * atoi(nt[k]));
                else
                    printf("f4saoi inspect -j %s: could not run %s\n", nt[k], argv[1]);
            }
    }
    remove_files(dir);
    by_part();
    aoi_part_free(part);
    return 0;
}
