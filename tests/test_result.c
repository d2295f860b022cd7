/* test_result.c - result records (JSON Lines) and the scorer on hand-made pairs. */
#include "aoi/error.h"
#include "aoi/result.h"
#include "aoi/score.h"

#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

Test(result, round_trip_keeps_everything)
{
    aoi_result r, back;
    char *line, *line2;
    aoi_result_init(&r);
    cr_assert_eq(aoi_result_set_strings(&r, "boards/0001.jpg", "AXT540124"), 0);
    r.has_pose = 1;
    r.pose = (aoi_pose){1204.37, 998.12, -0.84, 10.0, 0.97};
    aoi_defect d1 = {AOI_DEFECT_BRIDGE, 2, {7, 9}, -2.2, -1.225};
    aoi_defect d2 = {AOI_DEFECT_FLUX_RISE, 1, {12, 0}, -1.4, 1.225};
    cr_assert_eq(aoi_result_add_defect(&r, &d1), 0);
    cr_assert_eq(aoi_result_add_defect(&r, &d2), 0);
    cr_assert_eq(aoi_result_set_extra(&r, "{\"timing_ms\":1.5}"), 0);
    cr_expect_eq(r.verdict, AOI_VERDICT_FAIL);
    cr_assert_eq(aoi_result_to_json(&r, &line), 0);
    cr_expect(strstr(line, "\"x_px\":1204.37") != NULL, "%s", line);
    cr_expect(strstr(line, "\"pins\":[7,9]") != NULL, "%s", line);
    cr_expect(strstr(line, "\"error\":null") != NULL, "%s", line);
    cr_expect(strchr(line, '\n') == NULL);
    cr_assert_eq(aoi_result_from_json(line, strlen(line), &back), 0, "%s", aoi_errmsg());
    cr_expect_str_eq(back.image, "boards/0001.jpg");
    cr_expect_eq(back.verdict, AOI_VERDICT_FAIL);
    cr_expect_eq(back.ndefects, 2);
    cr_expect_eq(back.defects[0].pins[1], 9);
    cr_expect(fabs(back.pose.theta_deg + 0.84) < 1e-9);
    cr_assert_eq(aoi_result_to_json(&back, &line2), 0);
    cr_expect_str_eq(line, line2);
    free(line);
    free(line2);
    aoi_result_clear(&r);
    aoi_result_clear(&back);
}

Test(result, error_record)
{
    aoi_result r;
    char *line;
    aoi_result_init(&r);
    aoi_result_set_strings(&r, "x.jpg", "AXT640124");
    aoi_result_set_error(&r, "x.jpg: truncated JPEG");
    cr_assert_eq(aoi_result_to_json(&r, &line), 0);
    cr_expect(strstr(line, "\"verdict\":\"error\",\"error\":\"x.jpg: truncated JPEG\"") != NULL,
              "%s", line);
    cr_expect(strstr(line, "pose") == NULL);
    free(line);
    aoi_result_clear(&r);
}

Test(result, malformed_records_are_refused_with_reasons)
{
    static const struct {
        const char *line, *want;
    } bad[] = {
        {"{\"image\":\"a\",\"verdict\":\"pass\"", "not valid JSON"},
        {"[1]", "must be a JSON object"},
        {"{\"verdict\":\"pass\"}", "'image'"},
        {"{\"image\":\"a\",\"verdict\":\"maybe\"}", "'verdict' is 'maybe'"},
        {"{\"image\":\"a\",\"verdict\":\"fail\",\"defects\":[{\"type\":\"smudge\",\"pins\":[],\"x_mm\":0,\"y_mm\":0}]}", "not a defect type"},
        {"{\"image\":\"a\",\"verdict\":\"fail\",\"defects\":[{\"type\":\"bridge\",\"pins\":[1,2,3],\"x_mm\":0,\"y_mm\":0}]}", "at most 2"},
        {"{\"image\":\"a\",\"verdict\":\"fail\",\"defects\":[{\"type\":\"bridge\",\"pins\":[1.5],\"x_mm\":0,\"y_mm\":0}]}", "not a pin number"},
        {"{\"image\":\"a\",\"verdict\":\"pass\",\"pose\":{\"x_px\":\"1\"}}", "'pose'"},
        {"", "empty input"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        aoi_result r;
        cr_expect_eq(aoi_result_from_json(bad[i].line, strlen(bad[i].line), &r), -1, "accepted %s",
                     bad[i].line);
        cr_expect(strstr(aoi_errmsg(), bad[i].want) != NULL, "'%s': message '%s' lacks '%s'",
                  bad[i].line, aoi_errmsg(), bad[i].want);
    }
}

Test(result, pose_map_follows_interfaces_md)
{
    aoi_pose p = {100, 200, 0, 10, 1};
    double x, y, u, v;
    aoi_pose_map(&p, 0, 1.0, 0.5, &x, &y);
    cr_expect(fabs(x - 200) < 1e-9 && fabs(y - 250) < 1e-9);
    aoi_pose_map(&p, 90, 1.0, 0.0, &x, &y); /* +x of the footprint points down the image */
    cr_expect(fabs(x - 100) < 1e-9 && fabs(y - 300) < 1e-9, "%g %g", x, y);
    p.theta_deg = 1.7;
    aoi_pose_map(&p, 270, 3.3, -1.2, &x, &y);
    aoi_pose_unmap(&p, 270, x, y, &u, &v);
    cr_expect(fabs(u - 3.3) < 1e-9 && fabs(v + 1.2) < 1e-9);
}

static char *write_tmp(const char *dir, const char *name, const char *text)
{
    char *p = g_build_filename(dir, name, NULL);
    cr_assert(g_file_set_contents(p, text, -1, NULL));
    return p;
}

Test(score, hand_made_pairs)
{
    char *dir = g_dir_make_tmp("f4saoi-score-XXXXXX", NULL);
    /* Three boards: a bridge found plus a false flux call; a missed
     * excess; a good board called good; one malformed result line; a result for
     * an image not in the truth. */
    char *truth = write_tmp(dir, "truth.jsonl",
        "{\"image\":\"a.png\",\"part\":\"AXT640124\",\"verdict\":\"fail\",\"error\":null,"
        "\"pose\":{\"x_px\":100,\"y_px\":100,\"theta_deg\":1,\"um_per_px\":10,\"score\":1},"
        "\"defects\":[{\"type\":\"bridge\",\"pins\":[7,9],\"x_mm\":0,\"y_mm\":0}],"
        "\"rotation\":0,\"conditions\":{\"lighting\":\"ring\",\"mask\":\"green\"}}\n"
        "{\"image\":\"b.png\",\"part\":\"AXT640124\",\"verdict\":\"fail\",\"error\":null,"
        "\"pose\":{\"x_px\":50,\"y_px\":60,\"theta_deg\":0,\"um_per_px\":10,\"score\":1},"
        "\"defects\":[{\"type\":\"excess_solder\",\"pins\":[3],\"x_mm\":0,\"y_mm\":0}],"
        "\"conditions\":{\"lighting\":\"coaxial\",\"mask\":\"green\"}}\n"
        "{\"image\":\"c.png\",\"part\":\"AXT640124\",\"verdict\":\"pass\",\"error\":null,\"defects\":[]}\n"
        "this is not json\n");
    char *res = write_tmp(dir, "res.jsonl",
        "{\"image\":\"/data/a.png\",\"part\":\"AXT640124\",\"verdict\":\"fail\",\"error\":null,"
        "\"pose\":{\"x_px\":103,\"y_px\":104,\"theta_deg\":1.5,\"um_per_px\":10,\"score\":0.9},"
        "\"defects\":[{\"type\":\"bridge\",\"pins\":[7,9],\"x_mm\":0,\"y_mm\":0},"
        "{\"type\":\"flux_rise\",\"pins\":[4],\"x_mm\":0,\"y_mm\":0}]}\n"
        "{\"image\":\"b.png\",\"part\":\"AXT640124\",\"verdict\":\"pass\",\"error\":null,"
        "\"pose\":{\"x_px\":50,\"y_px\":60,\"theta_deg\":0,\"um_per_px\":10,\"score\":1},\"defects\":[]}\n"
        "{\"image\":\"c.png\",\"part\":\"AXT640124\",\"verdict\":\"error\",\"error\":\"not found\"}\n"
        "{\"image\":\"zzz.png\",\"verdict\":\"pass\"}\n"
        "{\"image\": \"trunc\n");
    aoi_score *s = aoi_score_files(truth, res);
    cr_assert_not_null(s, "%s", aoi_errmsg());
    const aoi_score_summary *m = aoi_score_get(s);
    cr_expect_eq(m->images, 3);
    cr_expect_eq(m->results, 3);
    cr_expect_eq(m->unmatched, 1);
    cr_expect_eq(m->bad_truth_lines, 1);
    cr_expect_eq(m->bad_result_lines, 1);
    cr_expect_eq(m->errors, 1);
    cr_expect_eq(m->type[AOI_DEFECT_BRIDGE].found, 1);
    cr_expect(fabs(m->type[AOI_DEFECT_BRIDGE].recall - 1) < 1e-12);
    cr_expect_eq(m->type[AOI_DEFECT_EXCESS_SOLDER].truth, 1);
    cr_expect_eq(m->type[AOI_DEFECT_EXCESS_SOLDER].found, 0);
    cr_expect_eq(m->type[AOI_DEFECT_FLUX_RISE].false_calls, 1);
    cr_expect_eq(m->joints, 88, "two non-error results x 44 joints");
    cr_expect(fabs(m->type[AOI_DEFECT_FLUX_RISE].false_ppm - 1e6 / 88) < 1e-6);
    cr_expect_eq(m->ng_truth, 2);
    cr_expect_eq(m->ng_found, 1);
    cr_expect(fabs(m->ng_recall - 0.5) < 1e-12);
    cr_expect_eq(m->good_truth, 1);
    cr_expect_eq(m->good_false, 0);
    cr_expect_eq(m->poses, 2);
    cr_expect(fabs(m->pos_err_max - 5) < 1e-9, "3-4-5 triangle: %g", m->pos_err_max);
    cr_expect(fabs(m->rot_err_max - 0.5) < 1e-9);
    cr_expect_eq(m->pitch_slips, 0);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    cr_assert_eq(aoi_score_write_table(s, f), 0);
    cr_assert_eq(aoi_score_write_json(s, f), 0);
    fclose(f);
    cr_expect(strstr(buf, "b.png: excess_solder [3 0]") != NULL, "escape listed:\n%s", buf);
    cr_expect(strstr(buf, "truth.jsonl:4:") != NULL, "malformed line named:\n%s", buf);
    cr_expect(strstr(buf, "lighting=ring") != NULL, "conditions broken down");
    free(buf);
    aoi_score_free(s);
    cr_expect_null(aoi_score_files("/nonexistent.jsonl", res));
    cr_expect(strstr(aoi_errmsg(), "/nonexistent.jsonl: cannot open") != NULL);
    g_unlink(truth);
    g_unlink(res);
    g_rmdir(dir);
    g_free(truth);
    g_free(res);
    g_free(dir);
}
