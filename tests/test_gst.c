/* test_gst.c - the f4saoi element through GstHarness: negotiation for every
 * format, odd widths and padded strides, results identical to the library
 * on the same frame, property changes mid-stream, renegotiation to another
 * resolution, garbage and black frames, bus message fields, meta on the
 * output buffer, and a real gst-launch-1.0 pipeline over generated JPEGs. */
#include "aoi/error.h"
#include "aoi/inspect.h"
#include "aoi/part.h"
#include "aoi/synth.h"

#include <criterion/criterion.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void setup(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/src", getenv("AOI_BUILD_ROOT"));
    setenv("GST_PLUGIN_PATH", path, 1);
    /* A private registry, so a stale system one cannot hide the build's plugin. */
    snprintf(path, sizeof path, "%s/aoi-gst-registry-%ld.bin", g_get_tmp_dir(), (long)getpid());
    setenv("GST_REGISTRY", path, 1);
    /* Scan in this process: an ASan-built plugin cannot load into the
     * uninstrumented gst-plugin-scanner. */
    setenv("GST_REGISTRY_FORK", "no", 1);
    gst_init(NULL, NULL);
}

static void teardown(void)
{
    unlink(getenv("GST_REGISTRY"));
}

TestSuite(gst, .init = setup, .fini = teardown, .timeout = 600);

typedef struct {
    aoi_part *part;
    aoi_image img; /* RGB */
    aoi_result truth;
    double um;
} frame;

static void make(frame *f, const char *part, uint64_t seed, unsigned defects)
{
    aoi_synth_params p;
    memset(f, 0, sizeof *f);
    f->part = aoi_part_load(part, NULL);
    cr_assert_not_null(f->part, "%s", aoi_errmsg());
    aoi_synth_params_default(&p);
    p.seed = seed;
    p.defects = defects;
    p.um_per_px = 12;
    p.rotation = 0;
    p.lighting = 0;
    p.mask = 0;
    cr_assert_eq(aoi_synth_render(f->part, &p, &f->img, &f->truth, NULL, NULL), 0, "%s", aoi_errmsg());
    f->um = 12;
}

static void drop(frame *f)
{
    aoi_image_free(&f->img);
    aoi_result_clear(&f->truth);
    aoi_part_free(f->part);
}

/* Copies the RGB frame into a buffer of the given format and stride. */
static GstBuffer *to_buffer(const aoi_image *rgb, GstVideoFormat fmt, int width, int stride)
{
    GstVideoInfo info;
    gst_video_info_set_format(&info, fmt, (guint)width, (guint)rgb->height);
    int bpp = (int)GST_VIDEO_INFO_COMP_PSTRIDE(&info, 0);
    if (stride <= 0)
        stride = (int)GST_VIDEO_INFO_PLANE_STRIDE(&info, 0);
    GstBuffer *buf = gst_buffer_new_allocate(NULL, (gsize)stride * (gsize)rgb->height, NULL);
    GstMapInfo map;
    gst_buffer_map(buf, &map, GST_MAP_WRITE);
    memset(map.data, 0, map.size);
    for (int y = 0; y < rgb->height; y++)
        for (int x = 0; x < width && x < rgb->width; x++) {
            const uint8_t *s = rgb->data + (size_t)y * rgb->stride + 3 * (size_t)x;
            uint8_t *d = map.data + (size_t)y * (size_t)stride + (size_t)(bpp * x);
            switch (fmt) {
            case GST_VIDEO_FORMAT_GRAY8: d[0] = (uint8_t)((s[0] * 77 + s[1] * 150 + s[2] * 29) >> 8); break;
            case GST_VIDEO_FORMAT_RGB:
            case GST_VIDEO_FORMAT_RGBx: d[0] = s[0], d[1] = s[1], d[2] = s[2]; break;
            case GST_VIDEO_FORMAT_BGR:
            case GST_VIDEO_FORMAT_BGRx: d[0] = s[2], d[1] = s[1], d[2] = s[0]; break;
            case GST_VIDEO_FORMAT_xRGB: d[1] = s[0], d[2] = s[1], d[3] = s[2]; break;
            case GST_VIDEO_FORMAT_xBGR: d[1] = s[2], d[2] = s[1], d[3] = s[0]; break;
            default: break;
            }
        }
    gst_buffer_unmap(buf, &map);
    gsize offset[GST_VIDEO_MAX_PLANES] = {0};
    gint strides[GST_VIDEO_MAX_PLANES] = {stride};
    gst_buffer_add_video_meta_full(buf, GST_VIDEO_FRAME_FLAG_NONE, fmt, (guint)width,
                                   (guint)rgb->height, 1, offset, strides);
    GST_BUFFER_PTS(buf) = 42 * GST_MSECOND;
    GST_BUFFER_DURATION(buf) = 40 * GST_MSECOND;
    return buf;
}

static GstHarness *harness(const char *part, double um, GstVideoFormat fmt, int w, int h)
{
    gchar *desc = g_strdup_printf("f4saoi part=%s um-per-px=%g", part, um);
    GstHarness *hn = gst_harness_new_parse(desc);
    g_free(desc);
    cr_assert_not_null(hn);
    gchar *caps = g_strdup_printf("video/x-raw,format=%s,width=%d,height=%d,framerate=25/1",
                                  gst_video_format_to_string(fmt), w, h);
    gst_harness_set_src_caps_str(hn, caps);
    g_free(caps);
    return hn;
}

static const GstStructure *result_meta(GstBuffer *buf)
{
    GstCustomMeta *m = gst_buffer_get_custom_meta(buf, "F4saoiResultMeta");
    return m ? gst_custom_meta_get_structure(m) : NULL;
}

static int count_rois(GstBuffer *buf)
{
    gpointer state = NULL;
    int n = 0;
    while (gst_buffer_iterate_meta_filtered(buf, &state, GST_VIDEO_REGION_OF_INTEREST_META_API_TYPE))
        n++;
    return n;
}

Test(gst, every_format_gives_the_librarys_result)
{
    static const GstVideoFormat fmts[] = {GST_VIDEO_FORMAT_RGB,  GST_VIDEO_FORMAT_BGR,
                                          GST_VIDEO_FORMAT_RGBx, GST_VIDEO_FORMAT_BGRx,
                                          GST_VIDEO_FORMAT_xRGB, GST_VIDEO_FORMAT_xBGR,
                                          GST_VIDEO_FORMAT_GRAY8};
    frame f;
    aoi_result lib;
    aoi_thresholds th;
    make(&f, "AXT640124", 501, 1u << AOI_DEFECT_BRIDGE);
    cr_assert_eq(aoi_thresholds_load_default(NULL, &th), 0);
    aoi_inspector *in = aoi_inspector_new(f.part, f.um, 0, &th, NULL);
    aoi_result_init(&lib);
    cr_assert_eq(aoi_inspect(in, &f.img, &lib, NULL), 0, "%s", lib.error ? lib.error : "");
    for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++) {
        GstHarness *hn = harness("AXT640124", 12, fmts[i], f.img.width, f.img.height);
        GstBuffer *out = gst_harness_push_and_pull(hn, to_buffer(&f.img, fmts[i], f.img.width, 0));
        cr_assert_not_null(out);
        const GstStructure *s = result_meta(out);
        cr_assert_not_null(s, "no result meta for %s", gst_video_format_to_string(fmts[i]));
        const gchar *verdict = gst_structure_get_string(s, "verdict");
        const GValue *defects = gst_structure_get_value(s, "defects");
        if (fmts[i] != GST_VIDEO_FORMAT_GRAY8) {
            /* Same pixels as the library saw: the same record. */
            cr_expect_str_eq(verdict, aoi_verdict_name(lib.verdict), "%s",
                             gst_video_format_to_string(fmts[i]));
            cr_expect_eq(gst_value_list_get_size(defects), lib.ndefects, "%s",
                         gst_video_format_to_string(fmts[i]));
            double x;
            cr_assert(gst_structure_get_double(s, "x", &x));
            cr_expect_float_eq(x, lib.pose.x_px, 1e-9);
            cr_expect_eq(count_rois(out), (int)lib.ndefects);
        } else {
            cr_expect(strcmp(verdict, "error") != 0, "grey frame not inspected: %s",
                      gst_structure_get_string(s, "error"));
        }
        gst_buffer_unref(out);
        gst_harness_teardown(hn);
    }
    aoi_result_clear(&lib);
    aoi_inspector_free(in);
    drop(&f);
}

Test(gst, odd_width_and_padded_stride)
{
    frame f;
    make(&f, "AXT540124", 502, 0);
    int w = f.img.width - 1 - (f.img.width % 2 == 0); /* odd */
    GstHarness *hn = harness("AXT540124", 12, GST_VIDEO_FORMAT_RGB, w, f.img.height);
    GstBuffer *out = gst_harness_push_and_pull(
        hn, to_buffer(&f.img, GST_VIDEO_FORMAT_RGB, w, 3 * w + 61));
    const GstStructure *s = result_meta(out);
    cr_assert_not_null(s);
    cr_expect_str_neq(gst_structure_get_string(s, "verdict"), "error", "%s",
                      gst_structure_get_string(s, "error"));
    gst_buffer_unref(out);
    gst_harness_teardown(hn);
    drop(&f);
}

/* A frame another branch still holds (a tee): inspecting it must not copy
 * its pixels, and drawing the overlay must not draw into the other branch's
 * frame. */
Test(gst, shared_frames_are_read_not_copied)
{
    frame f;
    make(&f, "AXT640124", 501, 1u << AOI_DEFECT_BRIDGE);
    for (int overlay = 0; overlay <= 1; overlay++) {
        GstHarness *hn = harness("AXT640124", 12, GST_VIDEO_FORMAT_RGB, f.img.width, f.img.height);
        GstElement *e = gst_harness_find_element(hn, "f4saoi");
        cr_assert_not_null(e);
        g_object_set(e, "overlay", overlay, NULL);
        gst_object_unref(e);
        GstBuffer *in = to_buffer(&f.img, GST_VIDEO_FORMAT_RGB, f.img.width, 0);
        GstMapInfo before, after;
        cr_assert(gst_buffer_map(in, &before, GST_MAP_READ));
        guint8 *copy = g_memdup2(before.data, before.size);
        gsize size = before.size;
        gst_buffer_unmap(in, &before);
        GstBuffer *out = gst_harness_push_and_pull(hn, gst_buffer_ref(in));
        cr_assert_not_null(out);
        cr_assert_not_null(result_meta(out));
        cr_assert(gst_buffer_map(in, &after, GST_MAP_READ));
        cr_expect(after.size == size && memcmp(after.data, copy, size) == 0,
                  "overlay=%d: the shared input frame was written to", overlay);
        gst_buffer_unmap(in, &after);
        if (!overlay)
            cr_expect(gst_buffer_peek_memory(out, 0) == gst_buffer_peek_memory(in, 0),
                      "without the overlay the frame's memory must pass through uncopied");
        else
            cr_expect(gst_buffer_peek_memory(out, 0) != gst_buffer_peek_memory(in, 0),
                      "the overlay is drawn into a copy");
        g_free(copy);
        gst_buffer_unref(out);
        gst_buffer_unref(in);
        gst_harness_teardown(hn);
    }
    drop(&f);
}

Test(gst, garbage_and_black_frames_are_errors_not_passes)
{
    GstHarness *hn = harness("AXT540124", 12, GST_VIDEO_FORMAT_RGB, 640, 480);
    aoi_image black;
    cr_assert_eq(aoi_image_alloc(&black, 640, 480, AOI_FMT_RGB), 0);
    GstBuffer *out = gst_harness_push_and_pull(hn, to_buffer(&black, GST_VIDEO_FORMAT_RGB, 640, 0));
    cr_expect_str_eq(gst_structure_get_string(result_meta(out), "verdict"), "error");
    gst_buffer_unref(out);
    for (size_t i = 0; i < black.stride * 480; i++)
        black.data[i] = (uint8_t)(i * 2654435761u >> 24);
    out = gst_harness_push_and_pull(hn, to_buffer(&black, GST_VIDEO_FORMAT_RGB, 640, 0));
    cr_expect_str_eq(gst_structure_get_string(result_meta(out), "verdict"), "error");
    gst_buffer_unref(out);
    /* Tiny frames. */
    gst_harness_set_src_caps_str(hn, "video/x-raw,format=RGB,width=3,height=2,framerate=25/1");
    aoi_image tiny;
    cr_assert_eq(aoi_image_alloc(&tiny, 3, 2, AOI_FMT_RGB), 0);
    out = gst_harness_push_and_pull(hn, to_buffer(&tiny, GST_VIDEO_FORMAT_RGB, 3, 0));
    cr_expect_str_eq(gst_structure_get_string(result_meta(out), "verdict"), "error");
    gst_buffer_unref(out);
    aoi_image_free(&tiny);
    aoi_image_free(&black);
    gst_harness_teardown(hn);
}

Test(gst, property_change_and_renegotiation_mid_stream)
{
    frame f, g;
    make(&f, "AXT540124", 503, 0);
    make(&g, "AXT640124", 504, 0);
    GstHarness *hn = harness("AXT540124", 12, GST_VIDEO_FORMAT_RGB, f.img.width, f.img.height);
    GstBuffer *out = gst_harness_push_and_pull(hn, to_buffer(&f.img, GST_VIDEO_FORMAT_RGB, f.img.width, 0));
    cr_expect_str_neq(gst_structure_get_string(result_meta(out), "verdict"), "error");
    gst_buffer_unref(out);
    /* Another part while playing: the next frame is inspected for it; the
     * header frame has another size, so the caps change too. */
    GstElement *e = gst_harness_find_element(hn, "f4saoi");
    g_object_set(e, "part", "AXT640124", NULL);
    gst_object_unref(e);
    gchar *caps = g_strdup_printf("video/x-raw,format=RGB,width=%d,height=%d,framerate=25/1",
                                  g.img.width, g.img.height);
    gst_harness_set_src_caps_str(hn, caps);
    g_free(caps);
    out = gst_harness_push_and_pull(hn, to_buffer(&g.img, GST_VIDEO_FORMAT_RGB, g.img.width, 0));
    cr_expect_str_neq(gst_structure_get_string(result_meta(out), "verdict"), "error", "%s",
                      gst_structure_get_string(result_meta(out), "error"));
    gst_buffer_unref(out);
    /* The socket frame is not a header: not a pass. */
    gchar *caps2 = g_strdup_printf("video/x-raw,format=RGB,width=%d,height=%d,framerate=25/1",
                                   f.img.width, f.img.height);
    gst_harness_set_src_caps_str(hn, caps2);
    g_free(caps2);
    out = gst_harness_push_and_pull(hn, to_buffer(&f.img, GST_VIDEO_FORMAT_RGB, f.img.width, 0));
    cr_expect_str_neq(gst_structure_get_string(result_meta(out), "verdict"), "pass");
    gst_buffer_unref(out);
    gst_harness_teardown(hn);
    drop(&f);
    drop(&g);
}

Test(gst, bus_message_fields)
{
    frame f;
    make(&f, "AXT640124", 505, 1u << AOI_DEFECT_FLUX_RISE);
    GstHarness *hn = harness("AXT640124", 12, GST_VIDEO_FORMAT_RGB, f.img.width, f.img.height);
    GstBus *bus = gst_bus_new();
    gst_element_set_bus(hn->element, bus);
    GstBuffer *out = gst_harness_push_and_pull(hn, to_buffer(&f.img, GST_VIDEO_FORMAT_RGB, f.img.width, 0));
    gst_buffer_unref(out);
    GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_ELEMENT);
    cr_assert_not_null(m);
    const GstStructure *s = gst_message_get_structure(m);
    cr_expect(gst_structure_has_name(s, "f4saoi-result"));
    guint64 ts, dur;
    cr_assert(gst_structure_get_uint64(s, "timestamp", &ts));
    cr_expect_eq(ts, 42 * GST_MSECOND);
    cr_assert(gst_structure_get_uint64(s, "duration", &dur));
    cr_expect_eq(dur, 40 * GST_MSECOND);
    cr_expect(gst_structure_has_field(s, "running-time"));
    cr_expect(gst_structure_has_field(s, "stream-time"));
    cr_expect_str_eq(gst_structure_get_string(s, "verdict"), "fail");
    const GValue *defects = gst_structure_get_value(s, "defects");
    cr_assert(defects && gst_value_list_get_size(defects) >= 1);
    const GstStructure *d = gst_value_get_structure(gst_value_list_get_value(defects, 0));
    cr_expect_str_eq(gst_structure_get_string(d, "type"), "flux_rise");
    cr_expect(gst_structure_has_field(d, "pins") && gst_structure_has_field(d, "x_mm"));
    double sc;
    cr_expect(gst_structure_get_double(s, "score", &sc) && sc > 0.6);
    gst_message_unref(m);
    gst_element_set_bus(hn->element, NULL);
    gst_object_unref(bus);
    gst_harness_teardown(hn);
    drop(&f);
}

/* Starting a configured element fails with an error message on the bus
 * that contains `says`. */
static void expect_start_fails(GstElement *e, const char *says)
{
    GstBus *bus = gst_bus_new();
    gst_element_set_bus(e, bus);
    cr_expect_eq(gst_element_set_state(e, GST_STATE_PAUSED), GST_STATE_CHANGE_FAILURE);
    GstMessage *m = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    cr_assert_not_null(m);
    GError *err = NULL;
    gst_message_parse_error(m, &err, NULL);
    cr_expect_not_null(strstr(err->message, says), "%s", err->message);
    g_error_free(err);
    gst_message_unref(m);
    gst_element_set_state(e, GST_STATE_NULL);
    gst_element_set_bus(e, NULL);
    gst_object_unref(bus);
    gst_object_unref(e);
}

Test(gst, bad_part_fails_at_state_change)
{
    GstElement *e = gst_element_factory_make("f4saoi", NULL);
    cr_assert_not_null(e);
    g_object_set(e, "part", "AXT999999", "um-per-px", 12.0, NULL);
    expect_start_fails(e, "AXT999999");
}

Test(gst, threshold_below_its_range_fails_at_state_change)
{
    GstElement *e = gst_element_factory_make("f4saoi", NULL);
    cr_assert_not_null(e);
    /* flux_cover's range is 0.01..1; the property only knows -1..1. */
    g_object_set(e, "part", "AXT540124", "um-per-px", 12.0, "flux-cover", 0.001, NULL);
    expect_start_fails(e, "flux_cover");
}

Test(gst, gst_launch_pipeline_over_generated_jpegs)
{
#if defined(__SANITIZE_ADDRESS__)
    cr_skip_test("gst-launch-1.0 is not instrumented and cannot load the ASan-built plugin");
#endif
    char dir[] = "/tmp/aoi-gst-XXXXXX", cmd[8192];
    cr_assert_not_null(mkdtemp(dir));
    aoi_part *part = aoi_part_load("AXT640124", NULL);
    for (int i = 0; i < 3; i++) {
        aoi_synth_params p;
        aoi_image img;
        aoi_result truth;
        char path[4200];
        aoi_synth_params_default(&p);
        p.seed = 600 + (uint64_t)i;
        p.um_per_px = 12;
        p.rotation = 0;
        cr_assert_eq(aoi_synth_render(part, &p, &img, &truth, NULL, NULL), 0);
        snprintf(path, sizeof path, "%s/%04d.jpg", dir, i);
        cr_assert_eq(aoi_image_write_jpeg(&img, path, 92, 1), 0);
        aoi_image_free(&img);
        aoi_result_clear(&truth);
    }
    aoi_part_free(part);
    snprintf(cmd, sizeof cmd,
             "gst-launch-1.0 -m multifilesrc location=%s/%%04d.jpg index=0 stop-index=2 "
             "caps=image/jpeg,framerate=1/1 ! jpegdec ! videoconvert ! "
             "f4saoi part=AXT640124 um-per-px=12 overlay=true ! videoconvert ! jpegenc ! "
             "multifilesink location=%s/out%%04d.jpg > %s/log.txt 2>&1",
             dir, dir, dir);
    int rc = system(cmd);
    cr_assert(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "gst-launch failed (see %s/log.txt)", dir);
    snprintf(cmd, sizeof cmd, "test $(grep -c 'f4saoi-result' %s/log.txt) -eq 3 && test -s %s/out0002.jpg",
             dir, dir);
    rc = system(cmd);
    cr_expect(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "expected 3 results and overlay JPEGs in %s", dir);
    /* videotestsrc: no footprint anywhere, error verdicts, no crash; and a
     * tee with queues as vision stacks have them. */
    snprintf(cmd, sizeof cmd,
             "gst-launch-1.0 -m videotestsrc num-buffers=3 ! videoconvert ! tee name=t ! queue ! "
             "f4saoi part=AXT640124 um-per-px=12 ! fakesink t. ! queue ! fakesink > %s/log2.txt 2>&1 "
             "&& test $(grep -c 'verdict=(string)error' %s/log2.txt) -eq 3 && "
             "! grep -q 'verdict=(string)pass' %s/log2.txt",
             dir, dir, dir);
    rc = system(cmd);
    cr_expect(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "videotestsrc pipeline (see %s/log2.txt)", dir);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

/* calib=: a lens calibration undistorts what the element inspects (pose
 * against the truth in ideal pixels); frames of another size are error
 * verdicts naming the calibrated size; a malformed file fails the start. */
Test(gst, calibration_file_with_a_lens)
{
    const aoi_lens lens = {1700, 1700, 639.5, 479.5, -0.045, 0.02, 0, 0, 0};
    aoi_calib cal = {.um_per_px_x = 12, .um_per_px_y = 12, .width = 1280, .height = 960,
                     .has_lens = 1, .lens = lens};
    char path[] = "/tmp/f4saoi-gstcal-XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    close(fd);
    cr_assert_eq(aoi_calib_save(&cal, NULL, path), 0, "%s", aoi_errmsg());

    aoi_synth_params p;
    aoi_image img;
    aoi_result truth;
    aoi_part *part = aoi_part_load("AXT640124", NULL);
    aoi_synth_params_default(&p);
    p.seed = 61, p.um_per_px = 12, p.rotation = 0, p.lighting = 0, p.mask = 0;
    p.width = 1280, p.height = 960, p.lens = &lens;
    cr_assert_eq(aoi_synth_render(part, &p, &img, &truth, NULL, NULL), 0, "%s", aoi_errmsg());

    gchar *desc = g_strdup_printf("f4saoi part=AXT640124 calib=%s", path);
    GstHarness *hn = gst_harness_new_parse(desc);
    gst_harness_set_src_caps_str(hn, "video/x-raw,format=RGB,width=1280,height=960,framerate=25/1");
    GstBuffer *out = gst_harness_push_and_pull(hn, to_buffer(&img, GST_VIDEO_FORMAT_RGB, 1280, 0));
    const GstStructure *s = result_meta(out);
    double x, y;
    cr_assert_not_null(s);
    cr_expect_str_neq(gst_structure_get_string(s, "verdict"), "error", "%s",
                      gst_structure_get_string(s, "error"));
    cr_assert(gst_structure_get_double(s, "x", &x) && gst_structure_get_double(s, "y", &y));
    cr_expect(hypot(x - truth.pose.x_px, y - truth.pose.y_px) < 0.3, "pose %.2f,%.2f truth %.2f,%.2f",
              x, y, truth.pose.x_px, truth.pose.y_px);
    gst_buffer_unref(out);

    /* Another frame size: error verdict, never pass. */
    gst_harness_set_src_caps_str(hn, "video/x-raw,format=RGB,width=1200,height=960,framerate=25/1");
    out = gst_harness_push_and_pull(hn, to_buffer(&img, GST_VIDEO_FORMAT_RGB, 1200, 0));
    s = result_meta(out);
    cr_assert_not_null(s);
    cr_expect_str_eq(gst_structure_get_string(s, "verdict"), "error");
    cr_expect(strstr(gst_structure_get_string(s, "error"), "1280x960") != NULL, "%s",
              gst_structure_get_string(s, "error"));
    gst_buffer_unref(out);
    gst_harness_teardown(hn);
    g_free(desc);

    /* A malformed calibration fails the state change, naming the field. */
    FILE *f = fopen(path, "w");
    fputs("{\"format\":\"f4saoi-calibration\",\"version\":1,\"um_per_px\":[12]}", f);
    fclose(f);
    GstElement *e = gst_element_factory_make("f4saoi", NULL);
    g_object_set(e, "part", "AXT640124", "calib", path, NULL);
    expect_start_fails(e, "um_per_px");

    unlink(path);
    aoi_image_free(&img);
    aoi_result_clear(&truth);
    aoi_part_free(part);
}

/* track=true: frames after the first start from the previous pose; the
 * records are those of a search (default off; settable while playing). */
Test(gst, tracking_gives_the_searched_records)
{
    frame f;
    make(&f, "AXT640124", 506, 1u << AOI_DEFECT_BRIDGE);
    GstHarness *hn = harness("AXT640124", 12, GST_VIDEO_FORMAT_RGB, f.img.width, f.img.height);
    GstElement *e = gst_harness_find_element(hn, "f4saoi");
    gboolean track = TRUE;
    g_object_get(e, "track", &track, NULL);
    cr_expect(!track, "tracking is off by default");
    GstBuffer *out =
        gst_harness_push_and_pull(hn, to_buffer(&f.img, GST_VIDEO_FORMAT_RGB, f.img.width, 0));
    double x0, y0, x, y;
    cr_assert(gst_structure_get_double(result_meta(out), "x", &x0) &&
              gst_structure_get_double(result_meta(out), "y", &y0));
    gchar *verdict = g_strdup(gst_structure_get_string(result_meta(out), "verdict"));
    guint nd = gst_value_list_get_size(gst_structure_get_value(result_meta(out), "defects"));
    gboolean tracked = TRUE;
    cr_assert(gst_structure_get_boolean(result_meta(out), "tracked", &tracked));
    cr_expect(!tracked);
    gst_buffer_unref(out);
    g_object_set(e, "track", TRUE, NULL);
    g_object_get(e, "track", &track, NULL);
    cr_expect(track);
    for (int i = 0; i < 3; i++) {
        out =
            gst_harness_push_and_pull(hn, to_buffer(&f.img, GST_VIDEO_FORMAT_RGB, f.img.width, 0));
        const GstStructure *s = result_meta(out);
        cr_expect_str_eq(gst_structure_get_string(s, "verdict"), verdict);
        cr_expect_eq(gst_value_list_get_size(gst_structure_get_value(s, "defects")), nd);
        cr_assert(gst_structure_get_double(s, "x", &x) && gst_structure_get_double(s, "y", &y));
        cr_expect_lt(hypot(x - x0, y - y0), 0.05, "frame %d: %.3f,%.3f vs %.3f,%.3f", i, x, y, x0,
                     y0);
        tracked = FALSE;
        cr_assert(gst_structure_get_boolean(s, "tracked", &tracked));
        /* Turning tracking on forgets the last pose: the first frame after
         * is searched, the next ones refined. */
        cr_expect_eq(tracked, i > 0, "frame %d: tracked %d", i, tracked);
        gst_buffer_unref(out);
    }
    g_free(verdict);
    gst_object_unref(e);
    gst_harness_teardown(hn);
    drop(&f);
}
