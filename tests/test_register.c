/* test_register.c - registration: accuracy on generated frames spanning the
 * contract, no pitch slips, no confident pose where the part is not, every
 * pixel format and stride, bad input. */
#include "aoi/error.h"
#include "aoi/image.h"
#include "aoi/part.h"
#include "aoi/register.h"
#include "aoi/synth.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef struct {
    aoi_part *part;
    aoi_image img;
    aoi_result truth;
    int rot;
    double um;
} frame;

/* Renders part with p (seed, defects, ...) as the generator would. */
static void render(frame *f, const char *part, const aoi_synth_params *p)
{
    memset(f, 0, sizeof *f);
    f->part = aoi_part_load(part, NULL);
    cr_assert_not_null(f->part, "%s", aoi_errmsg());
    cr_assert_eq(aoi_synth_render(f->part, p, &f->img, &f->truth, NULL, NULL), 0, "%s", aoi_errmsg());
    f->rot = atoi(strstr(f->truth.extra_json, "\"rotation\":") + 11);
    f->um = strtod(strstr(f->truth.extra_json, "\"um_per_px_stated\":") + 19, NULL);
}

static void make(frame *f, const char *part, uint64_t seed, unsigned defects, int bare)
{
    aoi_synth_params p;
    aoi_synth_params_default(&p);
    p.seed = seed;
    p.defects = defects;
    p.bare = bare;
    render(f, part, &p);
}

/* The parameters of `f4saoi synth -s SEED -u UM -r ROT -d DEFECTS`. */
static aoi_synth_params params_at(uint64_t seed, unsigned defects, double um, int rot)
{
    aoi_synth_params p;
    aoi_synth_params_default(&p);
    p.seed = seed;
    p.defects = defects;
    p.um_per_px = um;
    p.rotation = rot;
    return p;
}

/* As `f4saoi synth -p PART -s SEED -u UM -r ROT -d DEFECTS` renders it. */
static void make_at(frame *f, const char *part, uint64_t seed, unsigned defects, double um, int rot)
{
    aoi_synth_params p = params_at(seed, defects, um, rot);
    render(f, part, &p);
}

/* Registers a frame at its stated scale and rotation; expects the pose
 * within 1 px of the truth, and returns it. */
static aoi_pose registered(const frame *f)
{
    aoi_pose pose;
    aoi_register_info info;
    aoi_registrar *r = aoi_registrar_new(f->part, f->um, f->rot);
    cr_assert_not_null(r, "%s", aoi_errmsg());
    cr_assert_eq(aoi_register(r, &f->img, NULL, &pose, &info), 0, "%s", aoi_errmsg());
    cr_expect(hypot(pose.x_px - f->truth.pose.x_px, pose.y_px - f->truth.pose.y_px) < 1.0,
              "pose %.2f,%.2f vs truth %.2f,%.2f (confidence %.2f)", pose.x_px, pose.y_px,
              f->truth.pose.x_px, f->truth.pose.y_px, pose.score);
    aoi_registrar_free(r);
    return pose;
}

static void drop(frame *f)
{
    aoi_image_free(&f->img);
    aoi_result_clear(&f->truth);
    aoi_part_free(f->part);
}

static int cmpd(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

Test(register, accuracy_over_the_contract, .timeout = 600)
{
    static const char *parts[] = {"AXT640124", "AXT540124", "AXT620124", "AXT560124"};
    enum { N = 24 };
    double err[N], rerr[N];
    int found = 0;
    for (int i = 0; i < N; i++) {
        frame f;
        aoi_pose pose;
        make(&f, parts[i % 4], 9000 + (uint64_t)i, i % 3 ? 0 : 1u << (i / 3 % 6), 0);
        aoi_registrar *r = aoi_registrar_new(f.part, f.um, f.rot);
        cr_assert_not_null(r, "%s", aoi_errmsg());
        int rc = aoi_register(r, &f.img, NULL, &pose, NULL);
        double e = hypot(pose.x_px - f.truth.pose.x_px, pose.y_px - f.truth.pose.y_px);
        /* Never a pitch slip, found or not. */
        cr_expect(e * f.um / 1000 < 0.2 || rc < 0, "frame %d: confident pose %.1f px off", i, e);
        if (rc < 0)
            cr_log_info("frame %d (%s, %.1f um/px, rot %d): %s", i, parts[i % 4], f.um, f.rot, aoi_errmsg());
        if (rc == 0) {
            err[found] = e;
            rerr[found] = fabs(pose.theta_deg - f.truth.pose.theta_deg);
            found++;
        }
        aoi_registrar_free(r);
        drop(&f);
    }
    qsort(err, (size_t)found, sizeof *err, cmpd);
    qsort(rerr, (size_t)found, sizeof *rerr, cmpd);
    /* Known gap (issue 4): a few weak fits are still refused (never confident
     * and wrong); this bounds how many. */
    cr_expect(found >= N - 3, "found %d of %d", found, N);
    cr_expect(err[found / 2] <= 0.05, "median position error %.3f px", err[found / 2]);
    cr_expect(err[(found * 9) / 10] <= 1.0, "90th percentile %.3f px", err[(found * 9) / 10]);
    cr_expect(rerr[found / 2] <= 0.02, "median rotation error %.4f deg", rerr[found / 2]);
}

Test(register, no_confident_pose_without_the_part, .timeout = 600)
{
    static const char *parts[] = {"AXT640124", "AXT540124", "AXT610124", "AXT680124"};
    for (int i = 0; i < 8; i++) {
        frame f;
        aoi_pose pose;
        int mode = i % 3; /* bare board, another part, a wrong scale */
        make(&f, parts[i % 4], 7000 + (uint64_t)i, 0, mode == 0);
        aoi_part *other = aoi_part_load(parts[(i + 1) % 4], NULL);
        aoi_registrar *r = aoi_registrar_new(mode == 1 ? other : f.part, mode == 2 ? f.um * 1.35 : f.um, f.rot);
        cr_assert_not_null(r);
        cr_expect_eq(aoi_register(r, &f.img, NULL, &pose, NULL), -1, "case %d mode %d: found with score %.2f", i, mode, pose.score);
        cr_expect(strstr(aoi_errmsg(), "not found") != NULL, "%s", aoi_errmsg());
        cr_expect(pose.score < AOI_REGISTER_MIN_SCORE);
        aoi_registrar_free(r);
        aoi_part_free(other);
        drop(&f);
    }
}

/* The job names the wrong side of the mated pair: the header's board taken
 * for the socket and the other way round.  These frames' wrong fits
 * explain 60-69 % of the pad edges (one row on a row of the mate, the other
 * on its fan-out traces): confident, but for the mate check. */
Test(register, mate_of_the_part_is_told_apart, .timeout = 300)
{
    static const struct {
        const char *part, *job;
        uint64_t seed;
        double um;
        int rot;
    } cases[] = {{"AXT640124", "AXT540124", 3110, 12, 0},
                 {"AXT640124", "AXT540124", 3111, 12, 0},
                 {"AXT540124", "AXT640124", 4009, 16, 0},
                 {"AXT580124", "AXT680124", 4002, 16, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        frame f;
        aoi_pose pose;
        char want[64];
        make_at(&f, cases[i].part, cases[i].seed, 0, cases[i].um, cases[i].rot);
        aoi_part *job = aoi_part_load(cases[i].job, NULL);
        aoi_registrar *r = aoi_registrar_new(job, f.um, f.rot);
        cr_assert_not_null(r, "%s", aoi_errmsg());
        cr_expect_eq(aoi_register(r, &f.img, NULL, &pose, NULL), -1, "%s as %s: found, score %.2f",
                     cases[i].part, cases[i].job, pose.score);
        snprintf(want, sizeof want, "the board shows the %s %s",
                 aoi_side_name(aoi_part_side(f.part)), cases[i].part);
        cr_expect(strstr(aoi_errmsg(), want) != NULL, "%s", aoi_errmsg());
        cr_expect(pose.score < 0.5, "score %.2f", pose.score);
        aoi_registrar_free(r);
        /* The board's own part is found there, and its mate check leaves it. */
        (void)registered(&f);
        aoi_part_free(job);
        drop(&f);
    }
}

/* A shorter part's foot pattern laid on a longer one (the 40-pin header on
 * an 80-pin header's board, eval_notfound seed 35): one row on the first 20
 * pads of a row, the other on the fan-out traces, explaining 61 % of the
 * pad edges.  The pads continuing beyond that row's end give it away,
 * though over both rows (the traces' row shows few) they stay under the
 * share that says so. */
Test(register, pads_continuing_beyond_one_rows_end_refuse_the_fit, .timeout = 300)
{
    frame f;
    aoi_pose pose;
    make_at(&f, "AXT680124", 5035, 0, 13, 270);
    aoi_part *job = aoi_part_load("AXT640124", NULL);
    aoi_registrar *r = aoi_registrar_new(job, f.um, f.rot);
    cr_assert_not_null(r, "%s", aoi_errmsg());
    cr_expect_eq(aoi_register(r, &f.img, NULL, &pose, NULL), -1, "found, score %.2f", pose.score);
    cr_expect(pose.score < AOI_REGISTER_MIN_SCORE, "score %.2f", pose.score);
    aoi_registrar_free(r);
    /* The board's own part is found. */
    (void)registered(&f);
    aoi_part_free(job);
    drop(&f);
}

/* Repacks an RGB frame into another format with a padded, odd stride. */
static aoi_image repack(const aoi_image *src, aoi_format fmt, uint8_t **buf)
{
    int bpp = aoi_format_bpp(fmt), ro, go, bo;
    size_t stride = (size_t)src->width * bpp + 13;
    aoi_image out = {NULL, src->width, src->height, stride, fmt};
    *buf = malloc(stride * src->height + 1);
    out.data = *buf + 1; /* unaligned rows */
    aoi_format_rgb_offsets(fmt, &ro, &go, &bo);
    for (int y = 0; y < src->height; y++)
        for (int x = 0; x < src->width; x++) {
            const uint8_t *s = src->data + (size_t)y * src->stride + 3 * x;
            uint8_t *d = out.data + (size_t)y * stride + (size_t)x * bpp;
            if (bpp == 1) {
                d[0] = (uint8_t)((77 * s[0] + 150 * s[1] + 29 * s[2] + 128) >> 8);
                continue;
            }
            if (bpp == 4)
                memset(d, 0x5A, 4);
            d[ro] = s[0];
            d[go] = s[1];
            d[bo] = s[2];
        }
    return out;
}

Test(register, every_format_and_stride_gives_the_same_pose, .timeout = 300)
{
    frame f;
    aoi_pose ref, pose;
    make(&f, "AXT630124", 4242, 0, 0);
    aoi_registrar *r = aoi_registrar_new(f.part, f.um, f.rot);
    cr_assert_eq(aoi_register(r, &f.img, NULL, &ref, NULL), 0, "%s", aoi_errmsg());
    for (int fmt = 0; fmt < AOI_FMT_COUNT; fmt++) {
        uint8_t *buf;
        aoi_image img = repack(&f.img, (aoi_format)fmt, &buf);
        cr_expect_eq(aoi_register(r, &img, NULL, &pose, NULL), 0, "%s: %s",
                     aoi_format_name((aoi_format)fmt), aoi_errmsg());
        double tol = fmt == AOI_FMT_GRAY8 ? 0.5 : 1e-6;
        cr_expect(fabs(pose.x_px - ref.x_px) <= tol && fabs(pose.y_px - ref.y_px) <= tol,
                  "%s: (%.4f, %.4f) vs (%.4f, %.4f)", aoi_format_name((aoi_format)fmt), pose.x_px,
                  pose.y_px, ref.x_px, ref.y_px);
        free(buf);
    }
    /* A hint of +-1 mm around a point 0.3 mm away finds the same pose. */
    aoi_register_hint hint = {ref.x_px + 300 / f.um, ref.y_px - 200 / f.um, 1.0};
    cr_expect_eq(aoi_register(r, &f.img, &hint, &pose, NULL), 0, "%s", aoi_errmsg());
    cr_expect(hypot(pose.x_px - ref.x_px, pose.y_px - ref.y_px) < 0.05);
    aoi_registrar_free(r);
    drop(&f);
}

/* The frame's rows copied into pages of their own, those farther than
 * reach_px from row yc made unreadable: a read there ends the test. */
static aoi_image guarded(const aoi_image *src, double yc, double reach_px, void **map, size_t *len)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t stride = ((size_t)src->width * 3 + page - 1) / page * page;
    aoi_image g = {NULL, src->width, src->height, stride, AOI_FMT_RGB};
    int y0 = (int)fmax(0, floor(yc - reach_px)), y1 = (int)fmin(src->height, ceil(yc + reach_px));
    *len = stride * (size_t)src->height;
    *map = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(*map, MAP_FAILED);
    g.data = *map;
    for (int y = 0; y < src->height; y++)
        memcpy(g.data + (size_t)y * stride, src->data + (size_t)y * src->stride,
               (size_t)src->width * 3);
    if (y0 > 0)
        cr_assert_eq(mprotect(g.data, stride * (size_t)y0, PROT_NONE), 0);
    if (y1 < src->height)
        cr_assert_eq(
            mprotect(g.data + stride * (size_t)y1, stride * (size_t)(src->height - y1), PROT_NONE),
            0);
    return g;
}

/* Hints within 1 mm of ref (0 to 0.95 mm off) find ref within 0.02 px in
 * f's frame whose rows farther than reach_mm from the hint are unreadable. */
static void expect_hinted_in_rows(aoi_registrar *r, const frame *f, const aoi_pose *ref,
                                  double reach_mm, const char *what)
{
    const double off[][2] = {{0, 0}, {0.7, -0.6}, {-0.6, 0.7}, {0.2, -0.95}};
    for (size_t i = 0; i < sizeof off / sizeof *off; i++) {
        aoi_register_hint hint = {ref->x_px + off[i][0] * 1000 / f->um,
                                  ref->y_px + off[i][1] * 1000 / f->um, 1.0};
        aoi_pose pose;
        void *map;
        size_t len;
        aoi_image g = guarded(&f->img, hint.y_px, reach_mm * 1000 / f->um, &map, &len);
        cr_expect_eq(aoi_register(r, &g, &hint, &pose, NULL), 0, "%s", aoi_errmsg());
        cr_expect(hypot(pose.x_px - ref->x_px, pose.y_px - ref->y_px) < 0.02,
                  "%s, hint %zu: (%.3f, %.3f) vs (%.3f, %.3f)", what, i, pose.x_px, pose.y_px,
                  ref->x_px, ref->y_px);
        munmap(map, len);
    }
}

/* A hinted search reads only what the footprints within the hint's radius
 * can reach: a 10-pin part in a station frame whose rows beyond that are
 * unreadable (the whole-frame search reads them all) is found at the
 * whole-frame search's pose, with the hint anywhere within its radius; a
 * hint 3 mm from the part finds nothing outside its radius; an unusable
 * hint searches the whole frame; across the rows the region is about the
 * footprint's width, not its diagonal. */
Test(register, hinted_search_reads_only_its_region, .timeout = 300)
{
    frame f;
    aoi_synth_params p;
    aoi_pose ref, pose;
    aoi_synth_params_default(&p);
    p.seed = 616;
    p.width = 2448;
    p.height = 2048;
    p.um_per_px = 9.0;
    p.rotation = 90; /* rows along y: the reads along the rows reach farthest */
    render(&f, "AXT610124", &p);
    aoi_registrar *r = aoi_registrar_new(f.part, f.um, f.rot);
    cr_assert_not_null(r, "%s", aoi_errmsg());
    cr_assert_eq(aoi_register(r, &f.img, NULL, &ref, NULL), 0, "%s", aoi_errmsg());
    cr_assert(hypot(ref.x_px - f.truth.pose.x_px, ref.y_px - f.truth.pose.y_px) < 0.5);
    aoi_rect e = aoi_part_extent(f.part);
    double half_diag = hypot(fmax(-e.x0, e.x1), fmax(-e.y0, e.y1));
    /* Beyond the radius, the footprint's half-diagonal and 3 mm (the
     * body-slip check looks 6 pitches past the body's ends). */
    expect_hinted_in_rows(r, &f, &ref, 1.0 + half_diag + 3.0, "rotation 90");
    /* The part 3 mm from the hint, searched within 1 mm of it. */
    aoi_register_hint away = {ref.x_px + 3000 / f.um, ref.y_px, 1.0};
    if (aoi_register(r, &f.img, &away, &pose, NULL) == 0)
        cr_expect(hypot(pose.x_px - away.x_px, pose.y_px - away.y_px) < 1000 / f.um + 2,
                  "found (%.1f, %.1f) outside the hint's radius", pose.x_px, pose.y_px);
    /* Not a number: the whole frame. */
    aoi_register_hint bad = {NAN, ref.y_px, 1.0};
    cr_expect_eq(aoi_register(r, &f.img, &bad, &pose, NULL), 0, "%s", aoi_errmsg());
    cr_expect(hypot(pose.x_px - ref.x_px, pose.y_px - ref.y_px) < 0.02);
    aoi_registrar_free(r);
    drop(&f);

    /* Rows along x: across them the region is the footprint's half-width
     * (and what a turn of a few degrees adds) beyond the radius, not its
     * half-diagonal: rows farther than 1.8 mm beyond both are unreadable. */
    p.rotation = 0;
    render(&f, "AXT610124", &p);
    r = aoi_registrar_new(f.part, f.um, f.rot);
    cr_assert_not_null(r, "%s", aoi_errmsg());
    cr_assert_eq(aoi_register(r, &f.img, NULL, &ref, NULL), 0, "%s", aoi_errmsg());
    expect_hinted_in_rows(r, &f, &ref, 1.0 + fmax(-e.y0, e.y1) + 1.8, "rotation 0");
    aoi_registrar_free(r);
    drop(&f);
}

Test(register, bad_input_is_an_error_not_a_crash)
{
    aoi_part *p = aoi_part_load("AXT640124", NULL);
    aoi_pose pose;
    uint8_t tiny[64 * 3] = {0};
    cr_expect_null(aoi_registrar_new(p, 0, 0));
    cr_expect(strstr(aoi_errmsg(), "scale") != NULL);
    cr_expect_null(aoi_registrar_new(p, 10, 45));
    cr_expect(strstr(aoi_errmsg(), "rotation 45") != NULL);
    aoi_registrar *r = aoi_registrar_new(p, 10, 0);
    aoi_image none = {NULL, 100, 100, 300, AOI_FMT_RGB};
    cr_expect_eq(aoi_register(r, &none, NULL, &pose, NULL), -1);
    cr_expect(strstr(aoi_errmsg(), "no pixel data") != NULL, "%s", aoi_errmsg());
    aoi_image small = {tiny, 8, 8, 24, AOI_FMT_RGB};
    cr_expect_eq(aoi_register(r, &small, NULL, &pose, NULL), -1);
    cr_expect(strstr(aoi_errmsg(), "too small") != NULL, "%s", aoi_errmsg());
    aoi_image narrow = {tiny, 64, 1, 10, AOI_FMT_RGB};
    cr_expect_eq(aoi_register(r, &narrow, NULL, &pose, NULL), -1);
    cr_expect(strstr(aoi_errmsg(), "stride") != NULL, "%s", aoi_errmsg());
    /* A black frame. */
    aoi_image black;
    cr_assert_eq(aoi_image_alloc(&black, 640, 480, AOI_FMT_RGB), 0);
    cr_expect_eq(aoi_register(r, &black, NULL, &pose, NULL), -1);
    cr_expect(strstr(aoi_errmsg(), "not found") != NULL, "%s", aoi_errmsg());
    aoi_image_free(&black);
    aoi_registrar_free(r);
    aoi_part_free(p);
}

/* Refinement from a pose a few pixels and a tenth of a degree off converges
 * to the search's pose; from a pose a pitch off the pitch-slip check brings it
 * back; on a frame without the part, or from nowhere, it says not found. */
Test(register, refine_from_a_nearby_pose, .timeout = 300)
{
    frame f, bare;
    aoi_pose pose, out, start;
    make(&f, "AXT640124", 31, 0, 0);
    make(&bare, "AXT640124", 31, 0, 1);
    aoi_registrar *r = aoi_registrar_new(f.part, f.um, f.rot);
    cr_assert_eq(aoi_register(r, &f.img, NULL, &pose, NULL), 0, "%s", aoi_errmsg());
    start = pose;
    start.x_px += 2.5, start.y_px -= 1.5, start.theta_deg += 0.1;
    cr_assert_eq(aoi_register_refine(r, &f.img, &start, &out, NULL), 0, "%s", aoi_errmsg());
    cr_expect(hypot(out.x_px - pose.x_px, out.y_px - pose.y_px) < 0.02, "refined %.3f,%.3f vs %.3f,%.3f",
              out.x_px, out.y_px, pose.x_px, pose.y_px);
    cr_expect(hypot(out.x_px - f.truth.pose.x_px, out.y_px - f.truth.pose.y_px) < 0.5);
    /* One pitch along the rows. */
    {
        double phi = (f.rot + pose.theta_deg) * M_PI / 180, d = 0.4 * 1000 / pose.um_per_px;
        aoi_register_info info;
        start = pose;
        start.x_px += d * cos(phi), start.y_px += d * sin(phi);
        cr_assert_eq(aoi_register_refine(r, &f.img, &start, &out, &info), 0, "%s", aoi_errmsg());
        cr_expect(hypot(out.x_px - pose.x_px, out.y_px - pose.y_px) < 0.05,
                  "from a pitch off: %.3f,%.3f vs %.3f,%.3f (shift %d)", out.x_px, out.y_px,
                  pose.x_px, pose.y_px, info.pitch_shift);
    }
    cr_expect_eq(aoi_register_refine(r, &bare.img, &pose, &out, NULL), -1);
    cr_expect(strstr(aoi_errmsg(), "not found") != NULL, "%s", aoi_errmsg());
    start.x_px = NAN;
    cr_expect_eq(aoi_register_refine(r, &f.img, &start, &out, NULL), -1);
    cr_expect_eq(aoi_register_refine(r, &f.img, NULL, &out, NULL), -1);
    aoi_registrar_free(r);
    drop(&f);
    drop(&bare);
}

/* A 10-pin socket at 20 um/px beside a row of larger pads and traces: the
 * coarse peak of the part lay within the suppression radius of stronger
 * clutter peaks, and the best of the first candidates was a wrong fit that
 * explained 65 % of the edges (a confident wrong pose).  The second look
 * finds the part. */
Test(register, small_part_beside_clutter, .timeout = 300)
{
    frame f;
    /* as `f4saoi synth -p AXT510124 -s 20300 -u 20 -r 270 -d insufficient_solder` */
    make_at(&f, "AXT510124", 20302, 1u << AOI_DEFECT_INSUFFICIENT_SOLDER, 20, 270);
    aoi_pose pose = registered(&f);
    cr_expect_gt(pose.score, 0.8, "confidence %.3f at %.2f,%.2f (truth %.2f,%.2f)", pose.score, pose.x_px,
                 pose.y_px, f.truth.pose.x_px, f.truth.pose.y_px);
    drop(&f);
}

/* A socket whose body sits 0.19 mm off its pads across the rows, under ring
 * light at 6 um/px: the phase stage leaves the pose ~6 px along the rows,
 * beyond the fine stage's first window; the fit tried from either side
 * finds it (before: "footprint not found", 60 % of the edges needed). */
Test(register, socket_with_its_body_off_the_pads, .timeout = 300)
{
    frame f;
    /* as `tools/eval-inspect.sh` renders AXT540124 at 6 um/px, rotation 0 */
    make_at(&f, "AXT540124", 9402, 1u << AOI_DEFECT_OFFSET, 6, 0);
    registered(&f);
    drop(&f);
}

/* The true scale 0.9-1 % off the stated one on 40- and 80-pin sockets at
 * 6 um/px (as `tools/eval-inspect.sh` renders them): 6-13 px at the row
 * ends, beyond the fine fit's first windows.  Both were refused before the
 * phase stage measured the scale from the outer quarters. */
Test(register, long_rows_with_the_scale_one_percent_off, .timeout = 300)
{
    static const struct {
        const char *part;
        uint64_t seed;
    } cases[] = {{"AXT540124", 9405}, {"AXT580124", 9806}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        frame f;
        make_at(&f, cases[i].part, cases[i].seed, 1u << AOI_DEFECT_EXCESS_SOLDER, 6, 0);
        cr_assert_gt(fabs(f.um / f.truth.pose.um_per_px - 1), 0.008, "the case must be 1 %% off");
        aoi_pose pose = registered(&f);
        cr_expect_lt(fabs(pose.um_per_px / f.truth.pose.um_per_px - 1), 0.001,
                     "%s: scale %.4f vs true %.4f um/px", cases[i].part, pose.um_per_px,
                     f.truth.pose.um_per_px);
        drop(&f);
    }
}

/* A connector 0.10-0.13 mm off its pads along the rows: its terminals
 * cover one side of every pad, whose edges then show further out.  These
 * three were refused (confidence 0.56-0.59) before those edges were
 * counted as explained when they line up at one distance.  Known gap
 * (README): the pose is still drawn toward the terminals by up to half
 * their overhang (0.08 mm here; the inspection measures the pads' own
 * sides), so this asks for the part found within 0.1 mm, not 1 px. */
Test(register, connector_off_along_the_rows_is_found, .timeout = 300)
{
    static const struct {
        const char *part;
        uint64_t seed;
        double um;
        int rot;
    } cases[] = {{"AXT540124", 30109, 10, 180}, {"AXT540124", 30121, 20, 0}, {"AXT610124", 30206, 20, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        frame f;
        make_at(&f, cases[i].part, cases[i].seed, 1u << AOI_DEFECT_BRIDGE | 1u << AOI_DEFECT_OFFSET,
                cases[i].um, cases[i].rot);
        const char *off = strstr(f.truth.extra_json, "\"connector_offset_mm\":[");
        cr_assert_not_null(off);
        cr_assert_gt(fabs(strtod(off + 23, NULL)), 0.09, "the case must be offset along the rows");
        aoi_pose pose;
        aoi_registrar *r = aoi_registrar_new(f.part, f.um, f.rot);
        cr_assert_not_null(r, "%s", aoi_errmsg());
        cr_expect_eq(aoi_register(r, &f.img, NULL, &pose, NULL), 0, "seed %llu: %s",
                     (unsigned long long)cases[i].seed, aoi_errmsg());
        double e = hypot(pose.x_px - f.truth.pose.x_px, pose.y_px - f.truth.pose.y_px) * f.um / 1000;
        cr_expect_lt(e, 0.1, "seed %llu: pose %.3f mm off", (unsigned long long)cases[i].seed, e);
        aoi_registrar_free(r);
        drop(&f);
    }
}

/* Frames of `eval_register` (seeds 1000 + frame) whose fits settled 1.1 px
 * off when each pad edge was the strongest step near it: a fillet's rim or
 * a shaded terminal inside the pad is often stronger than the pad's own
 * edge.  The fits now take the outermost step of at least a third of the
 * strongest. */
Test(register, steps_inside_the_pads_do_not_pull_the_fit, .timeout = 300)
{
    static const struct {
        const char *part;
        uint64_t seed;
        unsigned defects;
    } cases[] = {{"AXT610124", 1018, 1u << 0}, {"AXT610124", 1158, 0}, {"AXT610124", 1218, 0}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        frame f;
        make(&f, cases[i].part, cases[i].seed, cases[i].defects, 0);
        aoi_pose pose = registered(&f);
        double e = hypot(pose.x_px - f.truth.pose.x_px, pose.y_px - f.truth.pose.y_px);
        cr_expect_lt(e, 0.5, "seed %llu: pose %.2f px off", (unsigned long long)cases[i].seed, e);
        drop(&f);
    }
}

/* Frames of `eval_register` (seeds 1000 + frame; 10-pin headers under ring
 * light) whose fits stopped 5.1 and 1.6 px off across the rows at weaker
 * optima (choosing scores 0.76 and 0.75; the fits within 0.1 px of the
 * true poses score 0.87 and 0.83): a chosen fit that is not convincing is
 * tried again 5 px either side across the rows. */
Test(register, weak_fits_are_tried_again_across_the_rows, .timeout = 300)
{
    static const uint64_t seeds[] = {1434, 1466};
    for (size_t i = 0; i < sizeof seeds / sizeof *seeds; i++) {
        frame f;
        make(&f, "AXT610124", seeds[i], 0, 0);
        aoi_pose pose = registered(&f);
        double e = hypot(pose.x_px - f.truth.pose.x_px, pose.y_px - f.truth.pose.y_px);
        cr_expect_lt(e, 0.3, "seed %llu: pose %.2f px off", (unsigned long long)seeds[i], e);
        drop(&f);
    }
}

/* Short parts, whose toes lie further apart (3.2-4.2 mm) than a row is long
 * (1.6 mm on 10 pins): frames of `eval_register 240 AXT510124 AXT580124`
 * (10-pin sockets, seeds 1050 and 1106) and of `eval_register 240` (a
 * 10-pin header, seed 1062) registered 3.5, 1.7 and 1.1 px off across the
 * rows with a scale the toes' edges (each where its fillet ends) had drawn
 * 1-1.6 % off.  The chosen fit is now fitted again with the scale from the
 * pad sides.  Seed 1040 (`eval_register 240 AXT510124 AXT580124`, a
 * 10-pin socket 1.8 px off) is taken from the pad sides although both
 * scores are lower there (0.85/0.91 against 0.87/0.92): where the toes'
 * edges are fillet ends the true pose explains fewer pad edges than the
 * toes' fit. */
Test(register, short_parts_take_their_scale_from_the_pad_sides, .timeout = 300)
{
    static const struct {
        const char *part;
        uint64_t seed;
    } cases[] = {
        {"AXT510124", 1050}, {"AXT510124", 1106}, {"AXT610124", 1062}, {"AXT510124", 1040}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        frame f;
        make(&f, cases[i].part, cases[i].seed, 0, 0);
        aoi_pose pose = registered(&f);
        double e = hypot(pose.x_px - f.truth.pose.x_px, pose.y_px - f.truth.pose.y_px);
        cr_expect_lt(e, 0.3, "%s seed %llu: pose %.2f px off", cases[i].part,
                     (unsigned long long)cases[i].seed, e);
        drop(&f);
    }
}

/* Renders p as `f4saoi synth` stores it, read back as `f4saoi` reads files
 * (RGB). */
static void make_read_back(frame *f, const char *part, const aoi_synth_params *p)
{
    aoi_synth_file file;
    char path[] = "/tmp/aoi-frame-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    close(fd);
    memset(f, 0, sizeof *f);
    f->part = aoi_part_load(part, NULL);
    cr_assert_not_null(f->part, "%s", aoi_errmsg());
    cr_assert_eq(aoi_synth_render(f->part, p, &f->img, &f->truth, NULL, &file), 0, "%s",
                 aoi_errmsg());
    f->rot = atoi(strstr(f->truth.extra_json, "\"rotation\":") + 11);
    f->um = strtod(strstr(f->truth.extra_json, "\"um_per_px_stated\":") + 19, NULL);
    cr_assert_eq(aoi_synth_save(&f->img, &file, path), 0, "%s", aoi_errmsg());
    aoi_image_free(&f->img);
    cr_assert_eq(aoi_image_read(path, AOI_FMT_RGB, 0, &f->img), 0, "%s", aoi_errmsg());
    unlink(path);
}

/* make_read_back(), registered(); the pose's distance from the truth (px)
 * in *err. */
static aoi_pose read_back_registered(frame *f, const char *part, const aoi_synth_params *p,
                                     double *err)
{
    make_read_back(f, part, p);
    aoi_pose pose = registered(f);
    *err = hypot(pose.x_px - f->truth.pose.x_px, pose.y_px - f->truth.pose.y_px);
    return pose;
}

/* `f4saoi synth -p PART -s SEED -d DEFECTS -u UM -r ROT` read back and
 * registered: found within max_err px of the truth, confidently. */
static void expect_found_as(const char *part, const aoi_synth_params *p, double max_err)
{
    frame f;
    double e;
    aoi_pose pose = read_back_registered(&f, part, p, &e);
    cr_expect_lt(e, max_err, "%s seed %llu: pose %.2f px off", part, (unsigned long long)p->seed,
                 e);
    cr_expect_geq(pose.score, 0.6, "%s seed %llu: confidence %.2f", part,
                  (unsigned long long)p->seed, pose.score);
    drop(&f);
}

static void expect_found(const char *part, uint64_t seed, unsigned defects, double um, int rot,
                         double max_err)
{
    aoi_synth_params p = params_at(seed, defects, um, rot);
    expect_found_as(part, &p, max_err);
}

/* A 40-pin socket at 6 um/px on black mask under coaxial light with 24 %
 * vignetting (`tools/eval-inspect.sh` seed 160000, board 160405): the
 * phase stage took the angle from the outer quarters' toes at shifts found
 * at the end of their reach (one quarter 16 px, the sums there still
 * rising), turned the pose 0.9 deg off, and the fit there explained more
 * edges (0.54 / 0.68) than the one from the coarse angle: found 5.4 px off,
 * the row ends read as overhangs.  (A 40-pin socket turned 1.6 deg whose
 * quarters' shifts lie just beyond the first reach, eval_register's frame
 * 105, is why the reach is doubled once before the pose is left alone.) */
Test(register, a_shift_at_the_end_of_its_reach_gives_no_angle, .timeout = 300)
{
    expect_found("AXT540124", 160405, 0, 6, 0, 1.0);
}

/* Good boards in whole 2448 x 2048 station frames (`f4saoi synth -p PART -s
 * 7000 -n 30 -d none -u UM -r ROT --size 2448x2048`, board SEED - 7000):
 * each found within 1 px of the truth, confidently. */
typedef struct {
    const char *part;
    uint64_t seed;
    double um;
    int rot;
} station_case;

static void expect_found_in_station_frames(const station_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        aoi_synth_params p = params_at(cases[i].seed, 0, cases[i].um, cases[i].rot);
        p.width = 2448, p.height = 2048;
        expect_found_as(cases[i].part, &p, 1.0);
    }
}

/* An 80-pin socket in grey under ring light at 20 um/px (`f4saoi synth -p
 * AXT580124 -s 31100 -u 20 -r 270 --gray`, the sixth board): its pads are
 * grey on grey, only the fillets' rims show, and a fit five pitches along
 * the rows explained a few edges more (0.70) than the right one (0.65).
 * The body's two short ends, a body length apart, show where the
 * connector is; the fit is moved there.  (Session 17: the body's two ends
 * show 0.06 mm further apart than the model's length, and the check paired
 * them within 2 px: it saw no body end, and the frame registered on the
 * fits' scores alone, 0.678 against the slipped fit's 0.647.  The ends are
 * now paired within 0.1 mm; with 12 fine-fit iterations, where the slipped
 * fit explains more, the body moves it back.) */
Test(register, the_body_ends_undo_a_pitch_slip, .timeout = 300)
{
    frame f;
    aoi_synth_params p;
    aoi_synth_params_default(&p);
    p.seed = 31105;
    p.um_per_px = 20;
    p.rotation = 270;
    p.gray = 1;
    double e;
    read_back_registered(&f, "AXT580124", &p, &e);
    cr_expect_lt(e, 1.0, "pose %.1f px off", e);
    drop(&f);
}

/* Sockets whose bodies sit 0.19-0.2 mm off their pads across the rows: one
 * row's terminal tips stand past its toes, and the fit settled between
 * them and the other row's toes.  The toes in line with the terminals stand
 * out past the pads' corners beside them on that row only; the fit is redone
 * from the corners and the other row's toes.  The demo's socket offset
 * sample (`tools/make-samples.sh`: seed 205, 12 um/px, JPEG) was 12 px off
 * (0.04 px now; on the inspection sets a 40-pin socket 10 px off likewise). */
Test(register, terminal_tips_past_the_toes_do_not_pull_the_fit, .timeout = 300)
{
    static const struct {
        uint64_t seed;
        unsigned defects;
        double um;
        int rot, file_format;
    } cases[] = {{205, 1u << AOI_DEFECT_OFFSET, 12, 0, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        frame f;
        aoi_synth_params p;
        aoi_synth_params_default(&p);
        p.seed = cases[i].seed;
        p.defects = cases[i].defects;
        p.um_per_px = cases[i].um;
        p.rotation = cases[i].rot;
        p.file_format = cases[i].file_format;
        make_read_back(&f, "AXT540124", &p);
        const char *off = strstr(f.truth.extra_json, "\"connector_offset_mm\":[");
        cr_assert_not_null(off);
        off = strchr(off + 23, ',');
        cr_assert_not_null(off);
        cr_assert_gt(fabs(strtod(off + 1, NULL)), 0.15, "the case must be off across the rows");
        aoi_pose pose = registered(&f);
        double e = hypot(pose.x_px - f.truth.pose.x_px, pose.y_px - f.truth.pose.y_px);
        cr_expect_lt(e, 1.0, "seed %llu: pose %.1f px off", (unsigned long long)cases[i].seed, e);
        drop(&f);
    }
}

/* A 10-pin socket at 6 um/px whose body sits 0.19 mm off its pads across
 * the rows (`tools/eval-inspect.sh`'s board `f4saoi synth -p AXT510124 -s
 * 30001 -u 6 -r 0`): the body pulls the coarse pose 13 px across the rows,
 * beyond the phase search's 10 px (0.06 mm at this scale), and every fit
 * settled 23 px off at 0.58 ("footprint not found").  The phase now reaches
 * at least 0.1 mm. */
Test(register, body_off_across_at_the_finest_scale, .timeout = 300)
{
    expect_found("AXT510124", 30001, 1u << AOI_DEFECT_OFFSET, 6, 0, 1.0);
}

/* An 80-pin header at 14 um/px, rotation 270, its body 0.2 mm off across
 * the rows, beside another part's row of pads at about the row spacing
 * (`tools/eval-offset.sh`'s board `f4saoi synth -p AXT680124 -s 30227 -u 14
 * -r 270 -d bridge,offset`): the squeezed row's fillets hide under the
 * body, so the strongest coarse peaks pair the clutter row with the part's
 * other row, and every candidate of both looks lay on that line, one every
 * few pitches along it ("footprint not found", 45 % of the edges).  The
 * second look also takes the strongest peak of each place across the
 * rows. */
Test(register, clutter_row_beside_a_squeezed_row, .timeout = 300)
{
    expect_found("AXT680124", 30227, 1u << AOI_DEFECT_BRIDGE | 1u << AOI_DEFECT_OFFSET, 14, 270,
                 1.0);
}

/* An 80-pin socket at 14 um/px under ring light, its body 0.19 mm off
 * across the rows (`tools/eval-inspect.sh`'s board `f4saoi synth -p
 * AXT580124 -s 10001 -u 14 -r 180`): the body covers the near half of one
 * row's pads, and the fit, right to 0.2 px, explained 55 % of the outline
 * ("footprint not found", 60 % needed).  The body's two long edges, seen in
 * the gaps between pads a body width apart, say which pad sides it hides. */
Test(register, body_off_across_hides_one_rows_sides, .timeout = 300)
{
    /* the defects `synth`'s mix draws for this seed */
    expect_found("AXT580124", 10001, 1u << AOI_DEFECT_OFFSET, 14, 180, 0.5);
}

/* A 10-pin socket in grey under ring light at 14 um/px, turned 180 deg,
 * its body 0.2 mm off across the rows (board 125201 of
 * `tools/eval-inspect.sh BUILD DIR 8 125000`, the defects `synth`'s mix
 * draws for this seed): the fit, 0.9 px from the truth, explained 54 % of
 * the outline ("footprint not found").  The body's long edges, in the
 * four gaps of each row, lay a body width apart and 0.19 mm off, but the
 * check that they are parallel took their slopes (whole samples over the
 * gaps' 1.2 mm) out to the footprint's ends, 2.25 mm, and refused them.
 * Edges are now placed to a fraction of a sample, and parallel where the
 * gaps measure them. */
Test(register, body_off_across_on_a_short_part, .timeout = 300)
{
    aoi_synth_params p = params_at(125201, 1u << AOI_DEFECT_OFFSET, 14, 180);
    p.gray = 1;
    expect_found_as("AXT510124", &p, 1.0);
}

/* A 10-pin header at 20 um/px under ring light, turned 270 deg, its body
 * 0.2 mm off across the rows, with two bridges (`f4saoi synth -p
 * AXT610124 -s 1500 -u 20 -r 270`, the second board; in the seed-52000
 * inspection set): one row's four gaps show the body's edge in three (the
 * fourth's drop is blurred under the floor), and the body's hypothesis,
 * which needed four, was not taken ("footprint not found", 58 %, both
 * bridges escaped).  Three of a short row's four now do. */
Test(register, body_off_across_seen_in_three_of_four_gaps, .timeout = 300)
{
    expect_found("AXT610124", 1501, 1u << AOI_DEFECT_BRIDGE | 1u << AOI_DEFECT_OFFSET, 20, 270,
                 1.0);
}

/* A 40-pin socket in grey under coaxial light at 10 um/px, its body 0.2 mm
 * off across the rows (`tools/eval-inspect.sh`'s board `f4saoi synth -p
 * AXT540124 -s 52504 -u 10 -r 90 --gray`, the defects `synth`'s mix draws
 * for this seed): the body covers all but 0.1 mm of one row's pads.  The
 * first search's fit stopped 14.7 px off (choosing score 0.61, confidence
 * 0.706); the second look fitted the right pose from another peak (0.75,
 * 0.714) but needed 0.1 more confidence to replace a fit elsewhere.  A fit
 * at the same place, better by both measures, now replaces it. */
Test(register, second_look_at_the_same_place, .timeout = 300)
{
    frame f;
    aoi_synth_params p = params_at(52504, 1u << AOI_DEFECT_OFFSET, 10, 90);
    double e;
    p.gray = 1;
    read_back_registered(&f, "AXT540124", &p, &e);
    cr_expect_lt(e, 0.5, "pose %.1f px off", e);
    drop(&f);
}

/* A 40-pin socket in grey on black mask under coaxial light at 10 um/px,
 * its body 0.2 mm off across the rows and solder past the toes of the row it
 * moved toward (`tools/eval-inspect.sh`'s board `f4saoi synth -p AXT540124
 * -s 70507 -u 10 -r 90 --gray`, the defects `synth`'s mix draws for this
 * seed): that row's terminal tips and solder drew the fit 15 px toward it
 * (confidence 0.77) while the other row's toes, tips and corners alike,
 * stood 14.9 px out; its 44 offset pins and 17 of its excess-solder pins
 * went unreported and 9 pins of the other row were called excess.  Such a
 * fit is moved onto the other row's toes and refitted without the drawing
 * row's tips. */
Test(register, a_fit_drawn_by_one_rows_tips_moves_to_the_other_rows_toes, .timeout = 300)
{
    aoi_synth_params p =
        params_at(70507, 1u << AOI_DEFECT_BRIDGE | 1u << AOI_DEFECT_OFFSET, 10, 90);
    p.gray = 1;
    expect_found_as("AXT540124", &p, 0.5);
}

/* A good 80-pin socket in grey at 20 um/px, 3 deg off (`tools/eval-inspect.sh`'s
 * board `f4saoi synth -p AXT580124 -s 71102 -u 20 -r 270 --gray`), a
 * silkscreen outline 0.4 mm outside each row: at the coarse search's reduced
 * level the pad rows paired with those long lines outscore the true place,
 * 0.8 mm across, and the second look's one peak per place across the rows
 * (places then closer than half the footprint's width, 2.2 mm, were one)
 * kept the lines' peak; no fit explained more than 31 % of the pad edges and
 * the frame was refused ("footprint not found").  Places across the rows
 * are one within 0.6 mm now. */
Test(register, a_place_beside_long_lines_is_not_hidden_by_them, .timeout = 300)
{
    aoi_synth_params p = params_at(71102, 0, 20, 270);
    p.gray = 1;
    expect_found_as("AXT580124", &p, 0.5);
}

/* An 80-pin socket on black mask under coaxial light, 2.6 deg off (`f4saoi
 * synth -p AXT580124 -s 777 -u 10`, the first board): the first search's
 * three coarse peaks lie whole pitches apart along one row, and each leads
 * to the same fit (choosing score 0.82, below the 0.9 that needs no second
 * opinion).  The first one fitted takes the long way (7 fine fits); the
 * other two, once their first fit ends there too, are not fitted again
 * (20 fine fits before, 9 now; the pose the same within 0.01 px). */
Test(register, candidates_leading_to_one_fit_are_fitted_once, .timeout = 300)
{
    frame f;
    aoi_synth_params p = params_at(777, 0, 10, 0);
    aoi_pose pose;
    aoi_register_info info;
    make_read_back(&f, "AXT580124", &p);
    aoi_registrar *r = aoi_registrar_new(f.part, f.um, f.rot);
    cr_assert_not_null(r, "%s", aoi_errmsg());
    cr_assert_eq(aoi_register(r, &f.img, NULL, &pose, &info), 0, "%s", aoi_errmsg());
    double e = hypot(pose.x_px - f.truth.pose.x_px, pose.y_px - f.truth.pose.y_px);
    cr_expect_lt(e, 0.3, "pose %.2f px off", e);
    cr_expect_geq(info.candidates, 3, "%d candidates (the case needs three)", info.candidates);
    cr_expect_leq(info.fits, 12, "%d fine fits", info.fits);
    aoi_registrar_free(r);
    drop(&f);
}

/* Sockets' terminal tips stand 0.05 mm inside their pads' toes: the toe's
 * edge in line with a terminal is its tip's and its fillet's wherever the
 * connector sits a little toward that row, and those points drew the fit
 * across the rows.  `eval_register`'s frames 65 (a 40-pin socket 0.04 mm
 * off across, ring light, 9.4 um/px) and 17 (grey, tiered light, 16.8
 * um/px) were 0.40 and 0.74 px off; the toes beside the tips are fitted
 * instead (0.06 and 0.07 px). */
Test(register, socket_toes_are_read_beside_the_terminal_tips, .timeout = 300)
{
    static const struct {
        uint64_t seed;
        int gray;
    } cases[] = {{1065, 0}, {1017, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        frame f;
        aoi_synth_params p;
        aoi_synth_params_default(&p);
        p.seed = cases[i].seed;
        p.gray = cases[i].gray;
        render(&f, "AXT540124", &p);
        aoi_pose pose = registered(&f);
        double e = hypot(pose.x_px - f.truth.pose.x_px, pose.y_px - f.truth.pose.y_px);
        cr_expect_lt(e, 0.15, "seed %llu: pose %.3f px off", (unsigned long long)cases[i].seed, e);
        drop(&f);
    }
}

/* Small sockets in a whole station frame (2448 x 2048, imaging.md's typical
 * one: `f4saoi synth -p AXT510124 -s 7000 -n 30 -d none -u 12 -r 90 --size
 * 2448x2048`, boards 7, 21 and 25, and board 14 at 20 um/px, 270).  A 10-pin
 * socket shows only 0.3 mm of each pad beside its 4.5 x 3.6 mm body; under
 * ring light those short rows scored below several places of board clutter
 * (other parts' pads, silkscreen, traces) and were never fitted: 12 of 60
 * such frames were "not found", 8 of 60 of the 16-pin socket's.  The first
 * coarse search now also counts the edges inside the body (a moulded body
 * has none) against a place: 4 of 60 and 0 of 60. */
Test(register, small_socket_in_a_whole_station_frame, .timeout = 600)
{
    static const station_case cases[] = {{"AXT510124", 7007, 12, 90},
                                         {"AXT510124", 7021, 12, 90},
                                         {"AXT510124", 7025, 12, 90},
                                         {"AXT510124", 7014, 20, 270}};
    expect_found_in_station_frames(cases, sizeof cases / sizeof *cases);
}

/* A 20-pin socket at 6 um/px in a whole station frame (`f4saoi synth -p
 * AXT520124 -s 7000 -n 30 -d none -u 6 -r 0 --size 2448x2048`, board 9):
 * the first candidate is the part, but its fit lands 10 px off across the
 * rows (explaining 0.60 of the edges, 0.79 by the strict share); a similar
 * pad pattern 650 px away explained 0.69 (strict 0.68) and was kept, and the
 * board passed.  The first search's fits are now ranked by the strict share,
 * as the looks after it are. */
Test(register, first_fits_ranked_by_the_strict_share, .timeout = 600)
{
    static const station_case one = {"AXT520124", 7009, 6, 0};
    expect_found_in_station_frames(&one, 1);
}

/* Sockets of 10 and 20 pins in whole station frames (`f4saoi synth -p PART
 * -s 7000 -n 30 -d none -u UM -r ROT --size 2448x2048`, boards 16, 22 and
 * 27) whose coarse angle was 1.1-1.4 deg off: the fine fit's basin in
 * rotation is about +-0.7 deg there, and the fits stopped turned, 5-6 px
 * off, explaining 0.73-0.74 of the edges (two of the boards failed for
 * offset).  A fit that is not convincing is fitted again turned a degree
 * either way. */
Test(register, a_fit_a_degree_off_is_turned, .timeout = 600)
{
    static const station_case cases[] = {
        {"AXT510124", 7016, 12, 90}, {"AXT520124", 7022, 12, 90}, {"AXT520124", 7027, 6, 0}};
    expect_found_in_station_frames(cases, sizeof cases / sizeof *cases);
}

/* A 16-pin socket at 6 um/px in a whole station frame (`f4saoi synth -p
 * AXT516124 -s 7000 -n 30 -d none -u 6 -r 0 --size 2448x2048`, board 22):
 * its fit stopped 5.6 px off across the rows, explaining 0.49 of the
 * edges, and the body's pull, tried before the nudge across the rows,
 * moved it 23 px the other way (0.57): 19.5 px off.  The nudge now comes
 * first and finds the true pose. */
Test(register, the_nudge_across_comes_before_the_body_pull, .timeout = 600)
{
    static const station_case one = {"AXT516124", 7022, 6, 0};
    expect_found_in_station_frames(&one, 1);
}

/* A 10-pin socket at 6 um/px in a whole station frame (board 28 of
 * `f4saoi synth -p AXT510124 -s 7000 -n 30 -d none -u 6 -r 0 --size
 * 2448x2048`): its fit stopped 5.4 px (0.03 mm) off across the rows, its
 * windows 4 px wide; refitted from there with windows as wide in mm as at
 * 12 um/px it comes to the true pose. */
Test(register, a_weak_fit_at_a_fine_scale_is_refitted_wider, .timeout = 600)
{
    static const station_case one = {"AXT510124", 7028, 6, 0};
    expect_found_in_station_frames(&one, 1);
}

/* 10-pin sockets under ring light on red mask in whole station frames at
 * 15 um/px (`f4saoi synth -p AXT510124 -s 8000 -n 20 -d none -u 15 -r 0
 * --size 2448x2048`, boards 12 and 19): the true place ranked 8th and 11th
 * of the first search and its fit explains 0.78-0.84; of the places fitted
 * before, board 12's best explained 0.55 (refused) and board 19's a place
 * of clutter 1012 px away 0.64 (taken: a missing part).  When the best
 * fit would be refused or taken narrowly (under 0.7), a third look fits
 * places down to the 24th. */
Test(register, a_small_socket_outranked_by_clutter_is_found_further_down, .timeout = 900)
{
    static const station_case cases[] = {{"AXT510124", 8012, 15, 0}, {"AXT510124", 8019, 15, 0}};
    expect_found_in_station_frames(cases, sizeof cases / sizeof *cases);
}

/* A 10-pin socket in a whole station frame at 12 um/px (`f4saoi synth -p
 * AXT510124 -s 8000 -n 20 -d none -u 12 -r 0 --size 2448x2048`, board 7):
 * its 0.3 mm of each pad beside the body spanned 1.6 cells of the coarse
 * search's 0.19 mm, its toes fell into the strips beside as often as into
 * the rows, and the true place was not among the first search's 128
 * places.  On parts with short rows the third look searches cells half as
 * large. */
Test(register, a_small_socket_is_searched_in_cells_its_rows_span, .timeout = 900)
{
    static const station_case one = {"AXT510124", 8007, 12, 0};
    expect_found_in_station_frames(&one, 1);
}
