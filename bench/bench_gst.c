/* bench_gst.c - throughput of the f4saoi element against calling the
 * library directly on the same frames (the element's overhead: mapping,
 * result structure, meta, bus message).  Medians of repeated runs. */
#include "bench_util.h"
#include "aoi/error.h"
#include "aoi/inspect.h"
#include "aoi/part.h"
#include "aoi/synth.h"

#include <gst/check/gstharness.h>
#include <gst/gst.h>
#include <gst/video/video.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FRAMES 20
#define RUNS 5

int main(int argc, char **argv)
{
    const char *partname = argc > 1 ? argv[1] : "AXT680124";
    aoi_part *part = aoi_part_load(partname, NULL);
    aoi_synth_params p;
    aoi_image img;
    aoi_result truth, res;
    aoi_thresholds th;
    double t_lib[RUNS], t_gst[RUNS];
    char desc[256];

    gst_init(&argc, &argv);
    if (!part || aoi_thresholds_load_default(NULL, &th) < 0) {
        fprintf(stderr, "%s\n", aoi_errmsg());
        return 1;
    }
    bench_frame_params(&p);
    if (aoi_synth_render(part, &p, &img, &truth, NULL, NULL) < 0) {
        fprintf(stderr, "synth: %s\n", aoi_errmsg());
        return 1;
    }
    aoi_inspector *in = aoi_inspector_new(part, 9.0, 0, &th, NULL);
    snprintf(desc, sizeof desc, "f4saoi part=%s um-per-px=9", partname);
    GstHarness *hn = gst_harness_new_parse(desc);
    if (!in || !hn) {
        fprintf(stderr, "cannot set up (GST_PLUGIN_PATH?)\n");
        return 1;
    }
    GstBus *bus = gst_bus_new();
    gst_element_set_bus(hn->element, bus);
    gst_harness_set_src_caps_str(hn, "video/x-raw,format=RGB,width=2448,height=2048,framerate=25/1");
    /* The frame's own row stride, declared to downstream by a video meta. */
    GstBuffer *frame = gst_buffer_new_memdup(img.data, img.stride * (size_t)img.height);
    gsize offsets[GST_VIDEO_MAX_PLANES] = {0};
    gint strides[GST_VIDEO_MAX_PLANES] = {(gint)img.stride};
    gst_buffer_add_video_meta_full(frame, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_FORMAT_RGB,
                                   (guint)img.width, (guint)img.height, 1, offsets, strides);
    aoi_result_init(&res);
    aoi_inspect(in, &img, &res, NULL); /* warm-up: first-use allocations */
    gst_buffer_unref(gst_harness_push_and_pull(hn, gst_buffer_ref(frame)));
    for (int r = 0; r < RUNS; r++) {
        double t0 = bench_now_ms();
        for (int i = 0; i < FRAMES; i++)
            aoi_inspect(in, &img, &res, NULL);
        t_lib[r] = (bench_now_ms() - t0) / FRAMES;
        t0 = bench_now_ms();
        for (int i = 0; i < FRAMES; i++) {
            GstBuffer *out = gst_harness_push_and_pull(hn, gst_buffer_ref(frame));
            gst_buffer_unref(out);
            GstMessage *m;
            while ((m = gst_bus_pop(bus)))
                gst_message_unref(m);
        }
        t_gst[r] = (bench_now_ms() - t0) / FRAMES;
    }
    double lib_ms = bench_median(t_lib, RUNS), gst_ms = bench_median(t_gst, RUNS);
    GstBuffer *last = gst_harness_push_and_pull(hn, gst_buffer_ref(frame));
    GstCustomMeta *cm = gst_buffer_get_custom_meta(last, "F4saoiResultMeta");
    printf("frame 2448x2048 RGB, %s at 9 um/px, verdict library %s, element %s\n", partname,
           aoi_verdict_name(res.verdict),
           cm ? gst_structure_get_string(gst_custom_meta_get_structure(cm), "verdict") : "?");
    gst_buffer_unref(last);
    printf("%-40s %10.3f ms/frame\n", "library aoi_inspect", lib_ms);
    printf("%-40s %10.3f ms/frame\n", "f4saoi element (GstHarness)", gst_ms);
    printf("element overhead: %+.1f%%\n", 100 * (gst_ms / lib_ms - 1));
    gst_buffer_unref(frame);
    gst_element_set_bus(hn->element, NULL);
    gst_object_unref(bus);
    gst_harness_teardown(hn);
    aoi_result_clear(&res);
    aoi_result_clear(&truth);
    aoi_inspector_free(in);
    aoi_image_free(&img);
    aoi_part_free(part);
    return 0;
}
