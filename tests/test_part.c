/* test_part.c - part models against the catalog; numbering; loader errors. */
#include "aoi/error.h"
#include "aoi/part.h"

#include <criterion/criterion.h>
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const int PINS[13] = {10, 16, 20, 24, 26, 30, 34, 40, 42, 48, 50, 60, 80};

/* The catalog's dimension tables (A, B, C), transcribed as printed. */
static const double SOCKET_ABC[13][3] = {
    {4.50, 1.60, 3.40},   {5.70, 2.80, 4.60},   {6.50, 3.60, 5.40},   {7.30, 4.40, 6.20},
    {7.70, 4.80, 6.60},   {8.50, 5.60, 7.40},   {9.30, 6.40, 8.20},   {10.50, 7.60, 9.40},
    {10.90, 8.00, 9.80},  {12.10, 9.20, 11.00}, {12.50, 9.60, 11.40}, {14.50, 11.60, 13.40},
    {18.50, 15.60, 17.40},
};
static const double HEADER_ABC[13][3] = {
    {3.80, 1.60, 3.20},   {5.00, 2.80, 4.40},   {5.80, 3.60, 5.20},   {6.60, 4.40, 6.00},
    {7.00, 4.80, 6.40},   {7.80, 5.60, 7.20},   {8.60, 6.40, 8.00},   {9.80, 7.60, 9.20},
    {10.20, 8.00, 9.60},  {11.40, 9.20, 10.80}, {11.80, 9.60, 11.20}, {13.80, 11.60, 13.20},
    {17.80, 15.60, 17.20},
};

#define NEAR(a, b) (fabs((a) - (b)) < 1e-9)

static aoi_part *load_ok(const char *name)
{
    aoi_part *p = aoi_part_load(name, NULL);
    cr_assert_not_null(p, "%s: %s", name, aoi_errmsg());
    return p;
}

Test(part, lists_52_part_numbers)
{
    char **names = NULL;
    size_t n = 0;
    cr_assert_eq(aoi_part_list(NULL, &names, &n), 0, "%s", aoi_errmsg());
    cr_expect_eq(n, 52);
    for (int i = 0; i < 13; i++) {
        char want[4][16];
        snprintf(want[0], 16, "AXT5%02d124", PINS[i]);
        snprintf(want[1], 16, "AXT6%02d124", PINS[i]);
        snprintf(want[2], 16, "AXT5E%02d26", PINS[i]);
        snprintf(want[3], 16, "AXT6E%02d26", PINS[i]);
        for (int k = 0; k < 4; k++) {
            int found = 0;
            for (char **s = names; *s; s++)
                found |= strcmp(*s, want[k]) == 0;
            cr_expect(found, "part %s is missing", want[k]);
        }
    }
    aoi_strv_free(names);
}

static void check_part(const char *number, aoi_side side, int inspection, int idx)
{
    const double(*abc)[3] = side == AOI_SIDE_SOCKET ? SOCKET_ABC : HEADER_ABC;
    int n = PINS[idx];
    aoi_part *p = load_ok(number);
    double a, b, c, d;
    double formula_b = (n / 2 - 1) * 0.4;
    double formula_a = formula_b + (side == AOI_SIDE_SOCKET ? 2.9 : 2.2);
    double formula_c = formula_b + (side == AOI_SIDE_SOCKET ? 1.8 : 1.6);

    cr_expect_str_eq(aoi_part_number(p), number);
    cr_expect_eq(aoi_part_side(p), side, "%s side", number);
    cr_expect_eq(aoi_part_is_inspection_use(p), inspection, "%s use", number);
    cr_expect_eq(aoi_part_pins(p), n);
    cr_expect(NEAR(aoi_part_mated_height(p), 1.0));
    aoi_part_catalog(p, &a, &b, &c, &d);
    /* The model's numbers equal the catalog table, and the table equals the formulas. */
    cr_expect(NEAR(a, abc[idx][0]), "%s A %g != %g", number, a, abc[idx][0]);
    cr_expect(NEAR(b, abc[idx][1]), "%s B %g != %g", number, b, abc[idx][1]);
    cr_expect(NEAR(c, abc[idx][2]), "%s C %g != %g", number, c, abc[idx][2]);
    cr_expect(fabs(abc[idx][0] - formula_a) < 1e-9, "%s A formula", number);
    cr_expect(fabs(abc[idx][1] - formula_b) < 1e-9, "%s B formula", number);
    cr_expect(fabs(abc[idx][2] - formula_c) < 1e-9, "%s C formula", number);
    cr_expect(NEAR(d, side == AOI_SIDE_SOCKET ? 0.97 : 0.83));

    /* Derived geometry: body = A x width, pad centres span B, hold-downs at C. */
    aoi_rect body = aoi_part_body(p);
    cr_expect(NEAR(body.x1 - body.x0, abc[idx][0]));
    cr_expect(NEAR(body.y1 - body.y0, side == AOI_SIDE_SOCKET ? 3.60 : 1.86));
    cr_assert_eq(aoi_part_pad_count(p), (size_t)n + 4);
    const aoi_pad *pads = aoi_part_pads(p);
    double r = side == AOI_SIDE_SOCKET ? 1.70 : 1.225;
    double pw = 0.23, ph = side == AOI_SIDE_SOCKET ? 0.80 : 0.75;
    for (int k = 0; k < n / 2; k++) {
        const aoi_pad *odd = &pads[2 * k], *even = &pads[2 * k + 1];
        cr_expect_eq(odd->pin, 2 * k + 1);
        cr_expect_eq(even->pin, 2 * k + 2);
        cr_expect(NEAR(odd->cx, -b / 2 + 0.4 * k) && NEAR(odd->cy, -r), "%s pin %d at (%g,%g)",
                  number, odd->pin, odd->cx, odd->cy);
        cr_expect(NEAR(even->cx, -b / 2 + 0.4 * k) && NEAR(even->cy, r));
        cr_expect(NEAR(odd->w, pw) && NEAR(odd->h, ph));
        cr_expect_eq(odd->kind, AOI_PAD_SIGNAL);
        /* Terminal lies on its pad, narrower than it, starting at the body edge. */
        cr_expect(odd->terminal.x1 - odd->terminal.x0 < pw);
        cr_expect(NEAR(odd->terminal.y1, body.y0) && NEAR(even->terminal.y0, body.y1));
        if (k > 0)
            cr_expect(NEAR(odd->cx - pads[2 * k - 2].cx - pw, 0.17), "0.17 mm gap");
    }
    cr_expect(NEAR(pads[0].cx, -abc[idx][1] / 2) && NEAR(pads[n - 1].cx, abc[idx][1] / 2));
    double hy = side == AOI_SIDE_SOCKET ? 1.15 : 0.703;
    double hw = 0.45, hh = side == AOI_SIDE_SOCKET ? 0.70 : 0.655;
    const double sx[4] = {-1, -1, 1, 1}, sy[4] = {-1, 1, -1, 1};
    for (int j = 0; j < 4; j++) {
        const aoi_pad *h = &pads[n + j];
        cr_expect_eq(h->pin, n + 1 + j);
        cr_expect_eq(h->kind, AOI_PAD_HOLDDOWN);
        cr_expect(NEAR(h->cx, sx[j] * abc[idx][2] / 2) && NEAR(h->cy, sy[j] * hy),
                  "%s hold-down %d at (%g,%g)", number, h->pin, h->cx, h->cy);
        cr_expect(NEAR(h->w, hw) && NEAR(h->h, hh));
    }
    /* Mask: 150 um / 48 % and 120 um / 60 %, hold-downs 100 %. */
    double t, ratio;
    cr_expect_eq(aoi_part_mask_count(p), 2);
    cr_expect(aoi_part_mask(p, 0, &t, &ratio) == 0 && NEAR(t, 0.150) && NEAR(ratio, 0.48));
    cr_expect(aoi_part_mask(p, 1, &t, &ratio) == 0 && NEAR(t, 0.120) && NEAR(ratio, 0.60));
    cr_expect(NEAR(aoi_part_holddown_mask_ratio(p), 1.0));
    aoi_part_free(p);
}

Test(part, all_52_geometries_match_catalog)
{
    for (int i = 0; i < 13; i++) {
        char num[16];
        snprintf(num, sizeof num, "AXT5%02d124", PINS[i]);
        check_part(num, AOI_SIDE_SOCKET, 0, i);
        snprintf(num, sizeof num, "AXT5E%02d26", PINS[i]);
        check_part(num, AOI_SIDE_SOCKET, 1, i);
        snprintf(num, sizeof num, "AXT6%02d124", PINS[i]);
        check_part(num, AOI_SIDE_HEADER, 0, i);
        snprintf(num, sizeof num, "AXT6E%02d26", PINS[i]);
        check_part(num, AOI_SIDE_HEADER, 1, i);
    }
}

/* Cross-check the transcribed tables against the catalog text itself when the
 * shared reference is beside the checkout. */
Test(part, transcription_matches_catalog_text)
{
    const char *src = getenv("AOI_MODELS_DIR");
    char *path, *text = NULL;
    cr_assert_not_null(src);
    path = g_build_filename(src, "..", "..", "shared", "reference", "F4S-catalog.txt", NULL);
    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        g_free(path);
        cr_skip_test("catalog text not beside the checkout");
    }
    const char *sock = strstr(text, "### Socket (Mated height");
    const char *head = strstr(text, "### Header (Mated height");
    cr_assert(sock && head);
    for (int side = 0; side < 2; side++) {
        const char *s = side == 0 ? sock : head;
        const double(*abc)[3] = side == 0 ? SOCKET_ABC : HEADER_ABC;
        for (int i = 0; i < 13; i++) {
            char row[64];
            snprintf(row, sizeof row, "\n%d\t%.2f\t%.2f\t%.2f\n", PINS[i], abc[i][0], abc[i][1],
                     abc[i][2]);
            const char *hit = strstr(s, row);
            cr_expect(hit && (side == 1 || hit < head), "catalog row '%d %.2f %.2f %.2f' not found",
                      PINS[i], abc[i][0], abc[i][1], abc[i][2]);
        }
    }
    g_free(text);
    g_free(path);
}

Test(part, lookup_is_case_insensitive_and_by_path)
{
    aoi_part *p = load_ok("axt6e2426");
    cr_expect_str_eq(aoi_part_number(p), "AXT6E2426");
    char *path = g_strdup(aoi_part_path(p));
    aoi_part_free(p);
    p = load_ok(path);
    cr_expect_str_eq(aoi_part_number(p), "AXT6E2426");
    aoi_part_free(p);
    g_free(path);
}

Test(part, mate_is_the_other_side_with_the_same_pins)
{
    static const char *pairs[][2] = {{"AXT540124", "AXT640124"},
                                     {"AXT680124", "AXT580124"},
                                     {"AXT5E1026", "AXT6E1026"},
                                     {"AXT6E8026", "AXT5E8026"}};
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        aoi_part *p = load_ok(pairs[i][0]);
        aoi_part *m = aoi_part_load_mate(p);
        cr_assert_not_null(m, "%s: %s", pairs[i][0], aoi_errmsg());
        cr_expect_str_eq(aoi_part_number(m), pairs[i][1]);
        cr_expect_eq(aoi_part_pins(m), aoi_part_pins(p));
        cr_expect_neq(aoi_part_side(m), aoi_part_side(p));
        aoi_part_free(m);
        aoi_part_free(p);
    }
    /* A model file alone in its directory has no mate there. */
    aoi_part *p = load_ok("AXT524124");
    char *text = NULL, dir[] = "/tmp/f4saoi-mate-XXXXXX", *path;
    gsize len;
    cr_assert(g_file_get_contents(aoi_part_path(p), &text, &len, NULL));
    cr_assert_not_null(mkdtemp(dir));
    path = g_build_filename(dir, "AXT524124.json", NULL);
    cr_assert(g_file_set_contents(path, text, (gssize)len, NULL));
    aoi_part *alone = aoi_part_load(path, NULL);
    cr_assert_not_null(alone, "%s", aoi_errmsg());
    cr_expect_null(aoi_part_load_mate(alone));
    cr_expect(strstr(aoi_errmsg(), "mate AXT624124 of AXT524124: no model file") != NULL, "%s",
              aoi_errmsg());
    aoi_part_free(alone);
    aoi_part_free(p);
    unlink(path);
    rmdir(dir);
    g_free(path);
    g_free(text);
}

Test(part, unknown_number_suggests_closest)
{
    cr_assert_null(aoi_part_load("AXT540125", NULL));
    cr_expect(strstr(aoi_errmsg(), "unknown part number 'AXT540125'") != NULL, "%s", aoi_errmsg());
    cr_expect(strstr(aoi_errmsg(), "did you mean AXT540124") != NULL, "%s", aoi_errmsg());
    cr_assert_null(aoi_part_load("XYZ", NULL));
    cr_expect(strstr(aoi_errmsg(), "unknown part number 'XYZ'") != NULL, "%s", aoi_errmsg());
    cr_assert_null(aoi_part_load("AXT5<40124", NULL));
    cr_expect(strstr(aoi_errmsg(), "not a part number") != NULL, "%s", aoi_errmsg());
}

/* Loads AXT640124's model text, replaces `from` with `to`, and expects a failure
 * whose message contains `want`. */
static void expect_bad(const char *from, const char *to, const char *want)
{
    char *path = g_build_filename(getenv("AOI_MODELS_DIR"), "parts", "AXT640124.json", NULL);
    char *text = NULL;
    cr_assert(g_file_get_contents(path, &text, NULL, NULL));
    cr_assert(strstr(text, from), "fixture lacks '%s'", from);
    GString *s = g_string_new(text);
    g_string_replace(s, from, to, 1);
    aoi_part *p = aoi_part_load_data(s->str, s->len, "bad.json");
    cr_expect_null(p, "accepted a model with '%s' -> '%s'", from, to);
    cr_expect(strstr(aoi_errmsg(), want) != NULL, "message '%s' lacks '%s'", aoi_errmsg(), want);
    cr_expect(strncmp(aoi_errmsg(), "bad.json: ", 10) == 0, "message names the file: %s",
              aoi_errmsg());
    aoi_part_free(p);
    g_string_free(s, TRUE);
    g_free(text);
    g_free(path);
}

Test(part_errors, malformed_json) { expect_bad("\"pins\": 40,", "\"pins\": 40", "not valid JSON"); }
Test(part_errors, missing_field) { expect_bad("\"signal_pad\"", "\"signal_padx\"", "missing field 'signal_pad'"); }
Test(part_errors, negative_size) { expect_bad("0.23,", "-0.23,", "'signal_pad.size_mm[0]' must be > 0"); }
Test(part_errors, zero_size) { expect_bad("\"width_mm\": 1.86", "\"width_mm\": 0", "'body.width_mm' must be > 0"); }
Test(part_errors, wrong_type) { expect_bad("\"pins\": 40", "\"pins\": \"40\"", "'pins' must be a number"); }
Test(part_errors, odd_pins) { expect_bad("\"pins\": 40", "\"pins\": 41", "'pins' must be an even"); }
Test(part_errors, span_mismatch) { expect_bad("\"B_mm\": 7.6", "\"B_mm\": 7.5", "catalog.B_mm"); }
Test(part_errors, bad_side) { expect_bad("\"header\"", "\"plug\"", "'side' must be socket or header"); }
Test(part_errors, bad_provenance) { expect_bad("\"cad\"", "\"guess\"", "must be catalog, cad or provisional"); }
Test(part_errors, future_version) { expect_bad("\"version\": 1", "\"version\": 7", "version 7 is not supported"); }
Test(part_errors, not_a_model) { expect_bad("f4saoi-part", "something-else", "not a part model"); }
Test(part_errors, ratio_above_one) { expect_bad("0.48", "1.48", "opening_ratio' must be <= 1"); }
Test(part_errors, overlapping_pads)
{
    /* Hold-down pads moved onto the signal rows' ends. */
    expect_bad("\"C_mm\": 9.2", "\"C_mm\": 7.7", "overlap");
}
Test(part_errors, terminal_wider_than_pad) { expect_bad("\"width_mm\": 0.13", "\"width_mm\": 0.3", "wider than the signal pad"); }

Test(part_errors, empty_and_not_object)
{
    cr_expect_null(aoi_part_load_data("", 0, "empty.json"));
    cr_expect(strstr(aoi_errmsg(), "empty.json") != NULL, "%s", aoi_errmsg());
    cr_expect_null(aoi_part_load_data("[1,2]", 5, "arr.json"));
    cr_expect(strstr(aoi_errmsg(), "must be a JSON object") != NULL, "%s", aoi_errmsg());
}

Test(part_errors, missing_and_non_regular_files)
{
    cr_expect_null(aoi_part_load("/nonexistent/model.json", NULL));
    cr_expect(strstr(aoi_errmsg(), "/nonexistent/model.json: cannot open") != NULL, "%s",
              aoi_errmsg());
    cr_expect_null(aoi_part_load_file("/"));
    cr_expect(strstr(aoi_errmsg(), "not a regular file") != NULL, "%s", aoi_errmsg());
}

Test(part_errors, missing_models_dir)
{
    char **names = NULL;
    cr_expect_eq(aoi_part_list("/nonexistent", &names, NULL), -1);
    cr_expect(strstr(aoi_errmsg(), "/nonexistent/parts") != NULL, "%s", aoi_errmsg());
}
