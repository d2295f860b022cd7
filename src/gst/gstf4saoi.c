/* gstf4saoi.c - the f4saoi GStreamer element: a video filter that inspects
 * the F4S connector's solder joints in each raw frame in place and passes
 * the frame on, posting an "f4saoi-result" element message and attaching the
 * result to the buffer (custom meta "F4saoiResultMeta" plus one
 * GstVideoRegionOfInterestMeta per defect).
 *
 *   gst-launch-1.0 multifilesrc location=boards/%04d.jpg ! jpegdec ! videoconvert ! \
 *       f4saoi part=AXT540124 um-per-px=12 ! fakesink
 */
#include "aoi/calib.h"
#include "aoi/draw.h"
#include "aoi/error.h"
#include "aoi/inspect.h"
#include "aoi/part.h"
#include "aoi/result.h"
#include "config.h"

#include <gst/gst.h>
#include <gst/video/gstvideofilter.h>
#include <gst/video/gstvideometa.h>
#include <gst/video/video.h>
#include <math.h>
#include <string.h>

GST_DEBUG_CATEGORY_STATIC(f4saoi_debug);
#define GST_CAT_DEFAULT f4saoi_debug

#define GST_TYPE_F4SAOI (gst_f4saoi_get_type())
G_DECLARE_FINAL_TYPE(GstF4saoi, gst_f4saoi, GST, F4SAOI, GstVideoFilter)

#define RESULT_META "F4saoiResultMeta"
#define N_THRESHOLDS ((int)AOI_THRESHOLD_COUNT)

struct _GstF4saoi {
    GstVideoFilter parent;
    GMutex lock; /* guards the settings and the inspector */
    /* settings */
    gchar *part_name, *calib, *model;
    gdouble um_per_px;
    gint rotation;
    gboolean overlay, message, track;
    gdouble th_override[N_THRESHOLDS]; /* < 0: from the thresholds file */
    gboolean dirty;                    /* settings changed: rebuild at the next frame */
    /* state built from the settings */
    aoi_part *part;
    aoi_station *station;
    aoi_inspector *in;
    gdouble um_effective;
    gint rot_effective;
};

enum {
    PROP_0,
    PROP_PART,
    PROP_UM_PER_PX,
    PROP_CALIB,
    PROP_MODEL,
    PROP_ROTATION,
    PROP_OVERLAY,
    PROP_MESSAGE,
    PROP_TRACK,
    PROP_TH0, /* the thresholds, in aoi_threshold_names() order */
};

#define FORMATS "{ GRAY8, RGB, BGR, RGBx, BGRx, xRGB, xBGR }"

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE(
    "sink", GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(FORMATS)));
static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE(
    "src", GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS(GST_VIDEO_CAPS_MAKE(FORMATS)));

G_DEFINE_TYPE(GstF4saoi, gst_f4saoi, GST_TYPE_VIDEO_FILTER)

/* What each threshold does; class_init adds the accepted range. */
static const char *const th_blurb[] = {
    "Excess solder: solder more than this beyond the pad outline (mm)",
    "Excess solder: solder on the terminal closer than this to the body edge (mm)",
    "Flux rise: band from the body edge in which flux on a terminal counts (mm)",
    "Flux rise: share of that band flux must cover",
    "Flux rise: share of the band flux must cover where the pin's solder begins within it",
    "Insufficient solder: wetted area below this share of nominal",
    "Insufficient solder: the area counts when the toe relief is below this share",
    "Insufficient solder (no toe fillet): toe relief below this share of the row's",
    "Insufficient solder (dry toe): toe wetted share this far below the row's",
    "Insufficient solder (dry toe): ... and this many row MADs below it",
    "Insufficient solder (dry toe): ... and toe relief below this share of the row's",
    "Insufficient solder (dry toe): ... and the wetted area below this share of nominal",
    "Insufficient solder: where the terminal covers the toe zone, a call needs the toe zone's and "
    "the pad beside the tip's wetted shares, each over its row's median, to sum below this "
    "(in colour frames that sum also confirms a small wetted area) ...",
    "Insufficient solder: ... or, where the terminal covers the toe zone, the toe relief below "
    "this share of the row's",
    "Offset: terminal off the pad centre across the pad (mm)",
    "Offset: terminal off the pad centre along the pad (mm)",
    "Registration confidence below which a frame is an error",
    "Excess solder: on a row the connector sits toward, land beyond the body edge shorter than "
    "this puts the joint's solder within the rise limit (mm)",
};
_Static_assert(sizeof th_blurb / sizeof *th_blurb == AOI_THRESHOLD_COUNT,
               "a blurb for every threshold, in aoi_threshold_names() order");

static aoi_format aoi_format_of(GstVideoFormat f)
{
    switch (f) {
    case GST_VIDEO_FORMAT_GRAY8: return AOI_FMT_GRAY8;
    case GST_VIDEO_FORMAT_RGB: return AOI_FMT_RGB;
    case GST_VIDEO_FORMAT_BGR: return AOI_FMT_BGR;
    case GST_VIDEO_FORMAT_RGBx: return AOI_FMT_RGBX;
    case GST_VIDEO_FORMAT_BGRx: return AOI_FMT_BGRX;
    case GST_VIDEO_FORMAT_xRGB: return AOI_FMT_XRGB;
    case GST_VIDEO_FORMAT_xBGR: return AOI_FMT_XBGR;
    default: return AOI_FMT_COUNT;
    }
}

/* Drops the built state (lock held). */
static void release(GstF4saoi *self)
{
    aoi_inspector_free(self->in);
    aoi_station_free(self->station);
    aoi_part_free(self->part);
    self->in = NULL;
    self->station = NULL;
    self->part = NULL;
}

/* Builds part, thresholds, station model and inspector from the settings
 * (lock held).  On failure the previous state is kept and *why says what is
 * wrong (g_free it). */
static gboolean configure(GstF4saoi *self, gchar **why)
{
    aoi_part *part = NULL;
    aoi_station *st = NULL;
    aoi_inspector *in = NULL;
    aoi_thresholds th;
    aoi_calib cal;
    int have_cal = 0;
    double um = self->um_per_px;

    if (!self->part_name || !*self->part_name) {
        *why = g_strdup("property 'part' is not set (a part number such as AXT540124, or a "
                        "part model file)");
        return FALSE;
    }
    if (!(part = aoi_part_load(self->part_name, NULL)))
        goto fail;
    if (aoi_thresholds_load_default(NULL, &th) < 0)
        goto fail;
    /* Overrides go through the range check `inspect --set` applies (the
     * property's own range only bounds it above: -1 means the file). */
    for (int i = 0; i < N_THRESHOLDS; i++)
        if (self->th_override[i] >= 0 &&
            aoi_thresholds_set_value(&th, aoi_threshold_names()[i], self->th_override[i]) < 0)
            goto fail;
    if (self->calib && *self->calib) {
        if (aoi_calib_load(self->calib, &cal) < 0)
            goto fail;
        um = aoi_calib_um_per_px(&cal);
        have_cal = 1;
    }
    if (!(um > 0)) {
        *why = g_strdup("set 'um-per-px' (micrometres per pixel) or 'calib' (a calibration file)");
        aoi_part_free(part);
        return FALSE;
    }
    if (self->model && *self->model && !(st = aoi_station_load(self->model, part)))
        goto fail;
    if (!(in = aoi_inspector_new(part, um, self->rotation, &th, st)) ||
        (have_cal && aoi_inspector_set_calib(in, &cal) < 0))
        goto fail;
    aoi_inspector_set_tracking(in, self->track);
    release(self);
    self->part = part;
    self->station = st;
    self->in = in;
    self->um_effective = um;
    self->rot_effective = self->rotation;
    self->dirty = FALSE;
    return TRUE;
fail:
    *why = g_strdup(aoi_errmsg());
    aoi_inspector_free(in);
    aoi_station_free(st);
    aoi_part_free(part);
    return FALSE;
}

static gboolean gst_f4saoi_start(GstBaseTransform *trans)
{
    GstF4saoi *self = GST_F4SAOI(trans);
    gchar *why = NULL;
    gboolean ok;
    g_mutex_lock(&self->lock);
    ok = configure(self, &why);
    g_mutex_unlock(&self->lock);
    if (!ok) {
        GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS, ("f4saoi cannot inspect: %s", why),
                          ("part=%s model=%s", self->part_name ? self->part_name : "(none)",
                           self->model ? self->model : "(none)"));
        g_free(why);
    }
    return ok;
}

static gboolean gst_f4saoi_stop(GstBaseTransform *trans)
{
    GstF4saoi *self = GST_F4SAOI(trans);
    g_mutex_lock(&self->lock);
    release(self);
    g_mutex_unlock(&self->lock);
    return TRUE;
}

/* Writes the result's fields into s (the message's and the meta's). */
static void fill_structure(GstStructure *s, const aoi_result *res, gboolean tracked, GstBuffer *buf,
                           GstBaseTransform *trans)
{
    GstClockTime pts = GST_BUFFER_PTS(buf);
    GValue defects = G_VALUE_INIT;
    gst_structure_set(s, "timestamp", G_TYPE_UINT64, pts, "stream-time", G_TYPE_UINT64,
                      gst_segment_to_stream_time(&trans->segment, GST_FORMAT_TIME, pts),
                      "running-time", G_TYPE_UINT64,
                      gst_segment_to_running_time(&trans->segment, GST_FORMAT_TIME, pts),
                      "duration", G_TYPE_UINT64, GST_BUFFER_DURATION(buf), "verdict", G_TYPE_STRING,
                      aoi_verdict_name(res->verdict), "error", G_TYPE_STRING, res->error, NULL);
    if (res->has_pose)
        gst_structure_set(s, "x", G_TYPE_DOUBLE, res->pose.x_px, "y", G_TYPE_DOUBLE, res->pose.y_px,
                          "theta", G_TYPE_DOUBLE, res->pose.theta_deg, "score", G_TYPE_DOUBLE,
                          res->pose.score, "um-per-px", G_TYPE_DOUBLE, res->pose.um_per_px,
                          "tracked", G_TYPE_BOOLEAN, tracked, NULL);
    g_value_init(&defects, GST_TYPE_LIST);
    for (size_t i = 0; i < res->ndefects; i++) {
        const aoi_defect *d = &res->defects[i];
        GValue v = G_VALUE_INIT, pins = G_VALUE_INIT;
        GstStructure *ds = gst_structure_new("defect", "type", G_TYPE_STRING,
                                             aoi_defect_name(d->type), "x_mm", G_TYPE_DOUBLE,
                                             d->x_mm, "y_mm", G_TYPE_DOUBLE, d->y_mm, NULL);
        g_value_init(&pins, GST_TYPE_ARRAY);
        for (int k = 0; k < d->npins; k++) {
            GValue p = G_VALUE_INIT;
            g_value_init(&p, G_TYPE_INT);
            g_value_set_int(&p, d->pins[k]);
            gst_value_array_append_and_take_value(&pins, &p);
        }
        gst_structure_take_value(ds, "pins", &pins);
        g_value_init(&v, GST_TYPE_STRUCTURE);
        gst_value_set_structure(&v, ds);
        gst_structure_free(ds);
        gst_value_list_append_and_take_value(&defects, &v);
    }
    gst_structure_take_value(s, "defects", &defects);
}

/* One region of interest per defect, 0.3 mm around it (missing part: the
 * footprint). */
static void add_rois(GstBuffer *buf, const aoi_part *part, const aoi_result *res, int rot)
{
    if (!res->has_pose || !(res->pose.um_per_px > 0))
        return;
    double k = 1000.0 / res->pose.um_per_px;
    for (size_t i = 0; i < res->ndefects; i++) {
        const aoi_defect *d = &res->defects[i];
        double x, y, half = 0.15 * k;
        if (d->type == AOI_DEFECT_MISSING_PART) {
            aoi_rect e = aoi_part_extent(part);
            aoi_pose_map(&res->pose, rot, 0, 0, &x, &y);
            half = fmax(e.x1 - e.x0, e.y1 - e.y0) / 2 * k;
        } else {
            aoi_pose_map(&res->pose, rot, d->x_mm, d->y_mm, &x, &y);
        }
        double x0 = fmax(0, x - half), y0 = fmax(0, y - half);
        gst_buffer_add_video_region_of_interest_meta(buf, aoi_defect_name(d->type), (guint)x0,
                                                     (guint)y0, (guint)(2 * half),
                                                     (guint)(2 * half));
    }
}

/* Inspects one mapped frame; draws into it only when `draw` (then it is
 * mapped writable). */
static GstFlowReturn inspect_frame(GstF4saoi *self, GstVideoFrame *frame, gboolean draw)
{
    GstBaseTransform *trans = GST_BASE_TRANSFORM(self);
    aoi_result res;
    aoi_image img = {
        .data = GST_VIDEO_FRAME_PLANE_DATA(frame, 0),
        .width = GST_VIDEO_FRAME_WIDTH(frame),
        .height = GST_VIDEO_FRAME_HEIGHT(frame),
        .stride = (size_t)GST_VIDEO_FRAME_PLANE_STRIDE(frame, 0),
        .format = aoi_format_of(GST_VIDEO_FRAME_FORMAT(frame)),
    };
    GstStructure *msg = NULL;
    gchar *why = NULL;
    gboolean post, tracked = FALSE;
    aoi_inspect_info info;

    aoi_result_init(&res);
    g_mutex_lock(&self->lock);
    if (self->dirty && !configure(self, &why)) {
        /* Keep inspecting with the previous settings, if any. */
        GST_ELEMENT_WARNING(self, RESOURCE, SETTINGS, ("f4saoi: new settings rejected: %s", why),
                            (NULL));
        g_free(why);
        self->dirty = FALSE;
    }
    if (!self->in)
        aoi_result_set_error(&res, "no inspection configured");
    else if (img.format == AOI_FMT_COUNT)
        aoi_result_set_error(&res, "unsupported video format");
    else if (aoi_inspect(self->in, &img, &res, &info) == 0)
        tracked = info.tracked != 0;
    aoi_result_set_strings(&res, NULL, self->part ? aoi_part_number(self->part) : NULL);
    if (draw && self->part && img.format != AOI_FMT_COUNT)
        aoi_draw_result(&img, self->part, &res, self->rot_effective);
    if (self->part)
        add_rois(frame->buffer, self->part, &res, self->rot_effective);
    post = self->message;
    g_mutex_unlock(&self->lock);

    GstCustomMeta *meta = gst_buffer_add_custom_meta(frame->buffer, RESULT_META);
    if (meta)
        fill_structure(gst_custom_meta_get_structure(meta), &res, tracked, frame->buffer, trans);
    if (post) {
        msg = gst_structure_new_empty("f4saoi-result");
        fill_structure(msg, &res, tracked, frame->buffer, trans);
        if (res.part)
            gst_structure_set(msg, "part", G_TYPE_STRING, res.part, NULL);
        gst_element_post_message(GST_ELEMENT(self),
                                 gst_message_new_element(GST_OBJECT(self), msg));
    }
    aoi_result_clear(&res);
    return GST_FLOW_OK;
}

/* GstVideoFilter maps every frame read-write, which copies a frame that is
 * shared (a tee, a buffer pool held upstream): 15 MB per 5 Mpx frame.  The
 * pixels are only written when the overlay is drawn; the metas need a
 * writable buffer, which GstBaseTransform already gives (a shallow copy). */
static GstFlowReturn gst_f4saoi_transform_ip(GstBaseTransform *trans, GstBuffer *buf)
{
    GstF4saoi *self = GST_F4SAOI(trans);
    GstVideoFilter *filter = GST_VIDEO_FILTER(trans);
    GstVideoFrame frame;
    GstFlowReturn ret;
    gboolean draw;

    if (!filter->negotiated) {
        GST_ELEMENT_ERROR(self, CORE, NEGOTIATION, (NULL), ("f4saoi: frame before caps were set"));
        return GST_FLOW_NOT_NEGOTIATED;
    }
    g_mutex_lock(&self->lock);
    draw = self->overlay;
    g_mutex_unlock(&self->lock);
    if (!gst_video_frame_map(&frame, &filter->in_info, buf,
                             GST_MAP_READ | GST_VIDEO_FRAME_MAP_FLAG_NO_REF | (draw ? GST_MAP_WRITE : 0))) {
        GST_ELEMENT_ERROR(self, STREAM, FORMAT, (NULL),
                          ("f4saoi: cannot map a frame (%" G_GSIZE_FORMAT " bytes) as the caps say",
                           gst_buffer_get_size(buf)));
        return GST_FLOW_ERROR;
    }
    ret = inspect_frame(self, &frame, draw);
    gst_video_frame_unmap(&frame);
    return ret;
}

static void gst_f4saoi_set_property(GObject *obj, guint id, const GValue *v, GParamSpec *ps)
{
    GstF4saoi *self = GST_F4SAOI(obj);
    g_mutex_lock(&self->lock);
    switch (id) {
    case PROP_PART:
        g_free(self->part_name);
        self->part_name = g_value_dup_string(v);
        break;
    case PROP_UM_PER_PX: self->um_per_px = g_value_get_double(v); break;
    case PROP_CALIB:
        g_free(self->calib);
        self->calib = g_value_dup_string(v);
        break;
    case PROP_MODEL:
        g_free(self->model);
        self->model = g_value_dup_string(v);
        break;
    case PROP_ROTATION: {
        int r = g_value_get_int(v);
        if (r % 90) {
            GST_WARNING_OBJECT(self, "rotation %d is not 0, 90, 180 or 270; ignored", r);
            g_mutex_unlock(&self->lock);
            return;
        }
        self->rotation = r;
        break;
    }
    case PROP_OVERLAY: self->overlay = g_value_get_boolean(v); break;
    case PROP_MESSAGE: self->message = g_value_get_boolean(v); break;
    case PROP_TRACK:
        self->track = g_value_get_boolean(v);
        if (self->in)
            aoi_inspector_set_tracking(self->in, self->track);
        break;
    default:
        if (id >= PROP_TH0 && id < PROP_TH0 + N_THRESHOLDS) {
            self->th_override[id - PROP_TH0] = g_value_get_double(v);
            break;
        }
        G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, ps);
        g_mutex_unlock(&self->lock);
        return;
    }
    if (id != PROP_OVERLAY && id != PROP_MESSAGE && id != PROP_TRACK)
        self->dirty = TRUE;
    g_mutex_unlock(&self->lock);
}

static void gst_f4saoi_get_property(GObject *obj, guint id, GValue *v, GParamSpec *ps)
{
    GstF4saoi *self = GST_F4SAOI(obj);
    g_mutex_lock(&self->lock);
    switch (id) {
    case PROP_PART: g_value_set_string(v, self->part_name); break;
    case PROP_UM_PER_PX: g_value_set_double(v, self->um_per_px); break;
    case PROP_CALIB: g_value_set_string(v, self->calib); break;
    case PROP_MODEL: g_value_set_string(v, self->model); break;
    case PROP_ROTATION: g_value_set_int(v, self->rotation); break;
    case PROP_OVERLAY: g_value_set_boolean(v, self->overlay); break;
    case PROP_MESSAGE: g_value_set_boolean(v, self->message); break;
    case PROP_TRACK: g_value_set_boolean(v, self->track); break;
    default:
        if (id >= PROP_TH0 && id < PROP_TH0 + N_THRESHOLDS)
            g_value_set_double(v, self->th_override[id - PROP_TH0]);
        else
            G_OBJECT_WARN_INVALID_PROPERTY_ID(obj, id, ps);
    }
    g_mutex_unlock(&self->lock);
}

static void gst_f4saoi_finalize(GObject *obj)
{
    GstF4saoi *self = GST_F4SAOI(obj);
    release(self);
    g_free(self->part_name);
    g_free(self->calib);
    g_free(self->model);
    g_mutex_clear(&self->lock);
    G_OBJECT_CLASS(gst_f4saoi_parent_class)->finalize(obj);
}

static void gst_f4saoi_class_init(GstF4saoiClass *klass)
{
    GObjectClass *oc = G_OBJECT_CLASS(klass);
    GstElementClass *ec = GST_ELEMENT_CLASS(klass);
    GstBaseTransformClass *bc = GST_BASE_TRANSFORM_CLASS(klass);
    const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_PLAYING;
    const char *const *names = aoi_threshold_names();

    /* One property per threshold, in the library's order. */
    g_assert(names[N_THRESHOLDS - 1] && !names[N_THRESHOLDS]);
    oc->set_property = gst_f4saoi_set_property;
    oc->get_property = gst_f4saoi_get_property;
    oc->finalize = gst_f4saoi_finalize;
    g_object_class_install_property(
        oc, PROP_PART,
        g_param_spec_string("part", "Part",
                            "F4S part number (e.g. AXT540124 socket, AXT640124 header) or path to a "
                            "part model file; a change takes effect at the next frame",
                            NULL, rw));
    g_object_class_install_property(
        oc, PROP_UM_PER_PX,
        g_param_spec_double("um-per-px", "Micrometres per pixel",
                            "Scale of the view (6..20 typical); ignored when 'calib' is set", 0,
                            100, 0, rw));
    g_object_class_install_property(
        oc, PROP_CALIB,
        g_param_spec_string("calib", "Calibration file",
                            "Station calibration file (calib/*.json, from f4saoi calib): scale, and lens distortion and colour gains when it has them", NULL, rw));
    g_object_class_install_property(
        oc, PROP_MODEL,
        g_param_spec_string("model", "Station model",
                            "Station model written by `f4saoi teach` (optional); a change takes "
                            "effect at the next frame",
                            NULL, rw));
    g_object_class_install_property(
        oc, PROP_ROTATION,
        g_param_spec_int("rotation", "Nominal rotation",
                         "Nominal rotation of the footprint in the frame: 0, 90, 180 or 270 degrees",
                         0, 270, 0, rw));
    g_object_class_install_property(
        oc, PROP_OVERLAY,
        g_param_spec_boolean("overlay", "Overlay",
                             "Draw the foot pattern and the defects into the frame", FALSE, rw));
    g_object_class_install_property(
        oc, PROP_MESSAGE,
        g_param_spec_boolean("message", "Post messages",
                             "Post an f4saoi-result element message per frame", TRUE, rw));
    g_object_class_install_property(
        oc, PROP_TRACK,
        g_param_spec_boolean("track", "Track the pose",
                             "Start each frame's registration from the previous frame's pose "
                             "(boards held in a fixture: about half the search's time); the "
                             "whole frame is searched when that fails",
                             FALSE, rw));
    for (int i = 0; i < N_THRESHOLDS; i++) {
        gchar *nick = g_strdelimit(g_strdup(names[i]), "_", '-');
        double lo = 0, hi = 2;
        (void)aoi_threshold_range(names[i], &lo, &hi);
        gchar *blurb = g_strdup_printf("%s; %g..%g, -1: the thresholds file", th_blurb[i], lo, hi);
        g_object_class_install_property(
            oc, PROP_TH0 + (guint)i,
            g_param_spec_double(nick, names[i], blurb, -1, hi, -1,
                                G_PARAM_READWRITE | GST_PARAM_MUTABLE_PLAYING));
        /* Without the static-string flags GParamSpec keeps copies. */
        g_free(nick);
        g_free(blurb);
    }

    gst_element_class_set_static_metadata(
        ec, "F4S solder-joint inspection", "Filter/Analyzer/Video",
        "Inspects the solder joints of a Panasonic F4S board-to-board connector in each frame "
        "(bridges, excess solder, flux rise, insufficient solder, offset, missing part), posts "
        "f4saoi-result messages and attaches the result as meta",
        "f4saoi developers");
    gst_element_class_add_static_pad_template(ec, &sink_template);
    gst_element_class_add_static_pad_template(ec, &src_template);
    bc->start = GST_DEBUG_FUNCPTR(gst_f4saoi_start);
    bc->stop = GST_DEBUG_FUNCPTR(gst_f4saoi_stop);
    bc->transform_ip = GST_DEBUG_FUNCPTR(gst_f4saoi_transform_ip);
}

static void gst_f4saoi_init(GstF4saoi *self)
{
    g_mutex_init(&self->lock);
    self->message = TRUE;
    for (int i = 0; i < N_THRESHOLDS; i++)
        self->th_override[i] = -1;
    gst_base_transform_set_in_place(GST_BASE_TRANSFORM(self), TRUE);
}

GST_ELEMENT_REGISTER_DECLARE(f4saoi);
GST_ELEMENT_REGISTER_DEFINE(f4saoi, "f4saoi", GST_RANK_NONE, GST_TYPE_F4SAOI);

static gboolean plugin_init(GstPlugin *plugin)
{
    static const gchar *tags[] = {NULL};
    GST_DEBUG_CATEGORY_INIT(f4saoi_debug, "f4saoi", 0, "F4S solder-joint inspection");
    if (!gst_meta_get_info(RESULT_META))
        gst_meta_register_custom(RESULT_META, tags, NULL, NULL, NULL);
    return GST_ELEMENT_REGISTER(f4saoi, plugin);
}

#define PACKAGE "f4saoi"
GST_PLUGIN_DEFINE(GST_VERSION_MAJOR, GST_VERSION_MINOR, f4saoi,
                  "Solder-joint inspection of Panasonic F4S board-to-board connectors", plugin_init,
                  AOI_VERSION, "MIT/X11", "f4saoi", "https://example.invalid/f4saoi")
