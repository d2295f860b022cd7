/* test_synth.c - the generator's truth agrees with its pictures; determinism. */
#include "aoi/error.h"
#include "aoi/part.h"
#include "aoi/synth.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    aoi_part *part;
    aoi_image img, lab;
    aoi_result truth;
    int rot;
} shot;

static void render_at(shot *s, const char *part, uint64_t seed, unsigned defects, int clean,
                      double um_per_px)
{
    aoi_synth_params p;
    memset(s, 0, sizeof *s);
    s->part = aoi_part_load(part, NULL);
    cr_assert_not_null(s->part, "%s", aoi_errmsg());
    aoi_synth_params_default(&p);
    p.seed = seed;
    p.defects = defects;
    p.clean = clean;
    p.um_per_px = um_per_px > 0 ? um_per_px : 8 + (seed % 5) * 3;
    cr_assert_eq(aoi_synth_render(s->part, &p, &s->img, &s->truth, &s->lab, NULL), 0, "%s",
                 aoi_errmsg());
    const char *r = strstr(s->truth.extra_json, "\"rotation\":");
    cr_assert_not_null(r);
    s->rot = atoi(r + 11);
}

static void render(shot *s, const char *part, uint64_t seed, unsigned defects, int clean)
{
    render_at(s, part, seed, defects, clean, 0);
}

static void done(shot *s)
{
    aoi_image_free(&s->img);
    aoi_image_free(&s->lab);
    aoi_result_clear(&s->truth);
    aoi_part_free(s->part);
}

static int label_at(const shot *s, double u, double v)
{
    double x, y;
    aoi_pose_map(&s->truth.pose, s->rot, u, v, &x, &y);
    int ix = (int)lround(x), iy = (int)lround(y);
    cr_assert(ix >= 0 && iy >= 0 && ix < s->lab.width && iy < s->lab.height, "(%g,%g) off frame", u, v);
    return s->lab.data[(size_t)iy * s->lab.stride + ix];
}

/* The moved body's edge (|v| mm) at footprint x, from the truth's conditions. */
static double body_edge_at(const shot *s, double x, int row)
{
    const char *c = strstr(s->truth.extra_json, "\"connector_offset_mm\":[");
    const char *r = strstr(s->truth.extra_json, "\"connector_rot_deg\":");
    cr_assert(c && r);
    double dy = strtod(strchr(c, ',') + 1, NULL), th = strtod(r + 20, NULL) * M_PI / 180;
    double edge = aoi_part_body(s->part).y1;
    return fabs(x * sin(th) + row * edge * cos(th) + dy);
}

static int is_metal(int l)
{
    l &= ~AOI_MAT_FLUX_BIT;
    return l == AOI_MAT_PAD || l == AOI_MAT_SOLDER || l == AOI_MAT_TERMINAL;
}

Test(synth, deterministic_from_seed)
{
    shot a, b;
    render(&a, "AXT620124", 42, 1u << AOI_DEFECT_BRIDGE, 0);
    render(&b, "AXT620124", 42, 1u << AOI_DEFECT_BRIDGE, 0);
    cr_assert_eq(a.img.width, b.img.width);
    cr_assert_eq(a.img.height, b.img.height);
    cr_expect(memcmp(a.img.data, b.img.data, a.img.stride * a.img.height) == 0, "pixels differ");
    char *ja, *jb;
    cr_assert_eq(aoi_result_to_json(&a.truth, &ja), 0);
    cr_assert_eq(aoi_result_to_json(&b.truth, &jb), 0);
    cr_expect_str_eq(ja, jb);
    free(ja);
    free(jb);
    done(&a);
    done(&b);
    shot c;
    render(&c, "AXT620124", 43, 1u << AOI_DEFECT_BRIDGE, 0);
    cr_expect(c.img.width != a.img.width || c.img.height != a.img.height ||
                  memcmp(c.img.data, a.img.data, 64) != 0,
              "another seed gave the same picture");
    done(&c);
}

/* The pose maps every pad's visible part onto pad/solder/terminal pixels, and
 * the mask just beyond each pad's toe onto board pixels. */
Test(synth, pose_maps_pins_onto_their_pads)
{
    const char *parts[] = {"AXT640124", "AXT540124", "AXT6E1026", "AXT580124"};
    for (int k = 0; k < 4; k++) {
        for (uint64_t seed = 1; seed <= 3; seed++) {
            shot s;
            render(&s, parts[k], seed * 7 + k, 0, 1);
            const aoi_pad *pads = aoi_part_pads(s.part);
            aoi_rect body = aoi_part_body(s.part);
            double px_mm = s.truth.pose.um_per_px / 1000;
            for (int i = 0; i < aoi_part_pins(s.part); i++) {
                double outer = fabs(pads[i].cy) + pads[i].h / 2;
                double vis = (outer + body.y1) / 2; /* middle of the visible part */
                int l = label_at(&s, pads[i].cx, pads[i].row * vis);
                cr_expect(is_metal(l), "%s seed %d pin %d: label %d on its pad", parts[k],
                          (int)seed, pads[i].pin, l);
                l = label_at(&s, pads[i].cx, pads[i].row * (outer + 0.03 + 2 * px_mm));
                cr_expect(!is_metal(l), "%s pin %d: metal beyond the toe", parts[k], pads[i].pin);
            }
            done(&s);
        }
    }
}

/* 4-connected components of metal (pad, solder, terminal): across a 0.17 mm
 * gap only solder can join two pins, and a terminal lying over a thin fillet
 * hides solder that is still there. */
static int *components(const shot *s)
{
    int w = s->lab.width, h = s->lab.height, *comp = calloc((size_t)w * h, sizeof *comp), next = 1;
    int *stack = malloc(sizeof *stack * (size_t)w * h);
    for (int i = 0; i < w * h; i++) {
        if (comp[i] || !is_metal(s->lab.data[(size_t)(i / w) * s->lab.stride + i % w]))
            continue;
        int sp = 0;
        stack[sp++] = i;
        comp[i] = next;
        while (sp) {
            int q = stack[--sp], x = q % w, y = q / w;
            int nb[4] = {x > 0 ? q - 1 : -1, x < w - 1 ? q + 1 : -1, y > 0 ? q - w : -1, y < h - 1 ? q + w : -1};
            for (int k = 0; k < 4; k++) {
                int n = nb[k];
                if (n >= 0 && !comp[n] && is_metal(s->lab.data[(size_t)(n / w) * s->lab.stride + n % w])) {
                    comp[n] = next;
                    stack[sp++] = n;
                }
            }
        }
        next++;
    }
    free(stack);
    return comp;
}

/* Component of the solder nearest a pad's toe (searching along the pad). */
static int pad_component(const shot *s, const int *comp, const aoi_pad *p)
{
    double outer = fabs(p->cy) + p->h / 2;
    for (double v = outer; v > outer - p->h; v -= 0.005)
        for (double du = -0.11; du <= 0.11; du += 0.01) {
            double x, y;
            aoi_pose_map(&s->truth.pose, s->rot, p->cx + du, p->row * v, &x, &y);
            int c = comp[(int)lround(y) * s->lab.width + (int)lround(x)];
            if (c)
                return c;
        }
    return 0;
}

Test(synth, bridge_joins_the_two_solder_regions)
{
    int bridges = 0;
    for (uint64_t seed = 1; seed <= 6; seed++) {
        shot s;
        render(&s, seed % 2 ? "AXT630124" : "AXT530124", seed, 1u << AOI_DEFECT_BRIDGE, 1);
        int *comp = components(&s);
        const aoi_pad *pads = aoi_part_pads(s.part);
        int n = aoi_part_pins(s.part);
        for (int i = 0; i + 2 < n; i++) {
            int a = pad_component(&s, comp, &pads[i]), b = pad_component(&s, comp, &pads[i + 2]);
            int truth = 0;
            for (size_t d = 0; d < s.truth.ndefects; d++)
                truth |= s.truth.defects[d].type == AOI_DEFECT_BRIDGE &&
                         s.truth.defects[d].pins[0] == i + 1 && s.truth.defects[d].pins[1] == i + 3;
            cr_expect(a && b, "seed %d: no solder found on pins %d/%d", (int)seed, i + 1, i + 3);
            cr_expect_eq(a == b, truth, "seed %d pins %d-%d: connected %d, truth %d", (int)seed,
                         i + 1, i + 3, a == b, truth);
            bridges += truth;
        }
        free(comp);
        done(&s);
    }
    cr_expect(bridges >= 6, "only %d bridges rendered", bridges);
}

/* Largest distance (mm) of a pin's solder outside its pad, and smallest
 * distance of solder on the terminal to the body edge. */
static void solder_extent(const shot *s, const aoi_pad *p, double *over, double *to_body)
{
    double px_mm = s->truth.pose.um_per_px / 1000, edge = body_edge_at(s, p->cx, p->row);
    *over = 0;
    *to_body = 1e9;
    double reach = p->kind == AOI_PAD_SIGNAL ? 0.2 : p->w / 2 + 0.15;
    for (double v = 0; v <= 0.2 + p->h; v += px_mm / 2)
        for (double u = -reach; u <= reach; u += px_mm / 2) {
            double vv = fabs(p->cy) - p->h / 2 + v;
            int l = label_at(s, p->cx + u, p->row * vv) & 0x7f;
            if (l != AOI_MAT_SOLDER)
                continue;
            double ox = fabs(u) - p->w / 2, oy = vv - (fabs(p->cy) + p->h / 2);
            double o = fmax(ox, oy);
            /* Solder within half a pitch is this pin's (overhangs stay short of it). */
            if (o > *over)
                *over = o;
            if (p->kind == AOI_PAD_SIGNAL && fabs(u) < 0.08 && vv - edge < *to_body)
                *to_body = vv - edge;
        }
}

/* Whether the truth labels pad i excess solder; expects the rendered solder
 * to say the same (beyond 0.05 mm of the pad, or within 0.10 mm of the body
 * edge on the terminal, a pixel's tolerance either way). */
static int excess_label_matches_geometry(const shot *s, int i, uint64_t seed)
{
    const aoi_pad *p = &aoi_part_pads(s->part)[i];
    double px_mm = s->truth.pose.um_per_px / 1000, over, to_body;
    int truth = 0;
    for (size_t d = 0; d < s->truth.ndefects; d++)
        truth |= s->truth.defects[d].type == AOI_DEFECT_EXCESS_SOLDER &&
                 s->truth.defects[d].pins[0] == p->pin;
    solder_extent(s, p, &over, &to_body);
    int measured = over > 0.05 + px_mm || to_body < 0.10 - px_mm;
    cr_expect_eq(measured, truth, "seed %d pin %d: overhang %.3f, to body %.3f, truth %d", (int)seed,
                 p->pin, over, to_body, truth);
    return truth;
}

Test(synth, excess_solder_truth_matches_geometry)
{
    int seen = 0, holddowns = 0;
    for (uint64_t seed = 1; seed <= 12; seed++) {
        shot s;
        render_at(&s, seed % 2 ? "AXT640124" : "AXT540124", seed + 100,
                  1u << AOI_DEFECT_EXCESS_SOLDER, 1, 6);
        const aoi_pad *pads = aoi_part_pads(s.part);
        for (int i = 0; i < (int)aoi_part_pad_count(s.part); i++) {
            /* Hold-down lands are checked where their outer end shows beyond the body. */
            if (pads[i].kind == AOI_PAD_HOLDDOWN &&
                fabs(pads[i].cy) + pads[i].h / 2 < body_edge_at(&s, pads[i].cx, pads[i].row) + 0.05)
                continue;
            int truth = excess_label_matches_geometry(&s, i, seed);
            seen += truth;
            holddowns += truth && pads[i].kind == AOI_PAD_HOLDDOWN;
        }
        done(&s);
    }
    cr_expect(seen >= 8);
    cr_expect(holddowns >= 1, "no excess solder on a hold-down pad was rendered");
}

/* A connector shifted across its rows by up to 0.2 mm leaves the fillets of
 * the row it moves toward no room: the solder it renders within 0.10 mm of
 * the body edge is labelled excess solder, as defects.md defines it. */
Test(synth, excess_truth_on_shifted_connectors)
{
    int labelled = 0;
    for (uint64_t seed = 1; seed <= 16; seed++) {
        shot s;
        render_at(&s, "AXT540124", seed + 300, 1u << AOI_DEFECT_OFFSET, 1, 6);
        for (int i = 0; i < aoi_part_pins(s.part); i++)
            labelled += excess_label_matches_geometry(&s, i, seed);
        done(&s);
    }
    cr_expect_gt(labelled, 0, "no connector was shifted toward a row");
}

Test(synth, flux_rise_covers_the_band_at_the_body_edge)
{
    for (uint64_t seed = 1; seed <= 4; seed++) {
        shot s;
        render(&s, "AXT650124", seed + 300, 1u << AOI_DEFECT_FLUX_RISE, 1);
        const aoi_pad *pads = aoi_part_pads(s.part);
        int found = 0;
        for (size_t d = 0; d < s.truth.ndefects; d++) {
            const aoi_pad *p = &pads[s.truth.defects[d].pins[0] - 1];
            cr_assert_eq(s.truth.defects[d].type, AOI_DEFECT_FLUX_RISE);
            double edge = body_edge_at(&s, p->cx, p->row);
            for (double b = 0.02; b <= 0.08; b += 0.02)
                cr_expect(label_at(&s, p->cx, p->row * (edge + b)) & AOI_MAT_FLUX_BIT,
                          "seed %d pin %d: no flux %.2f mm from the body", (int)seed, p->pin, b);
            found++;
        }
        cr_expect(found >= 1);
        done(&s);
    }
}

Test(synth, missing_part_has_no_body)
{
    shot s;
    render(&s, "AXT540124", 9, 1u << AOI_DEFECT_MISSING_PART, 1);
    cr_expect_eq(s.truth.ndefects, 1);
    cr_expect_eq(s.truth.defects[0].type, AOI_DEFECT_MISSING_PART);
    cr_expect_eq(label_at(&s, 0, 0) & 0x7f, AOI_MAT_MASK);
    const aoi_pad *p = aoi_part_pads(s.part);
    cr_expect(is_metal(label_at(&s, p[0].cx, p[0].cy)), "pad under the absent body is visible");
    done(&s);
}

Test(synth, offset_defect_lists_pins_beyond_threshold)
{
    shot s;
    render(&s, "AXT630124", 5, 1u << AOI_DEFECT_OFFSET, 1);
    cr_expect(s.truth.ndefects >= 30, "a shifted connector is off on most pins (%zu)", s.truth.ndefects);
    for (size_t d = 0; d < s.truth.ndefects; d++)
        cr_expect_eq(s.truth.defects[d].type, AOI_DEFECT_OFFSET);
    done(&s);
    render(&s, "AXT630124", 5, 0, 1);
    cr_expect_eq(s.truth.ndefects, 0);
    cr_expect_eq(s.truth.verdict, AOI_VERDICT_PASS);
    done(&s);
}

/* The imaging contract's largest frame, 5120 x 5120 (its "25 Mpx"),
 * renders with the part inside it; a pixel more is refused by name. */
Test(synth, the_contract_s_largest_frame, .timeout = 300)
{
    aoi_part *part = aoi_part_load("AXT510124", NULL);
    aoi_synth_params p;
    aoi_image img = {0};
    aoi_result truth;
    cr_assert_not_null(part, "%s", aoi_errmsg());
    aoi_synth_params_default(&p);
    p.seed = 5120, p.um_per_px = 6, p.width = 5120, p.height = 5120, p.clean = 1;
    cr_assert_eq(aoi_synth_render(part, &p, &img, &truth, NULL, NULL), 0, "%s", aoi_errmsg());
    cr_expect(img.width == 5120 && img.height == 5120);
    cr_expect(truth.pose.x_px > 0 && truth.pose.x_px < 5120 && truth.pose.y_px > 0 &&
              truth.pose.y_px < 5120);
    aoi_image_free(&img);
    aoi_result_clear(&truth);
    p.width = 5121;
    cr_expect_eq(aoi_synth_render(part, &p, &img, &truth, NULL, NULL), -1);
    cr_expect(strstr(aoi_errmsg(), "5121x5120") != NULL, "%s", aoi_errmsg());
    aoi_part_free(part);
}
