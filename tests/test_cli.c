/* test_cli.c - the f4saoi program: parts, footprint, help and exit codes. */
#include "aoi/calib.h"
#include "aoi/error.h"

#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct {
    int status;
    char *out, *err;
} run_result;

static run_result run(const char *const *args)
{
    run_result r = {0};
    GError *e = NULL;
    int n = 0;
    const char *argv[32];
    argv[n++] = AOI_F4SAOI_EXE;
    for (; *args && n < 31; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    cr_assert(g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &r.out, &r.err,
                           &r.status, &e),
              "spawn: %s", e ? e->message : "?");
    r.status = WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1;
    return r;
}

static void done(run_result *r)
{
    g_free(r->out);
    g_free(r->err);
}

Test(cli, parts_lists_52)
{
    run_result r = run((const char *[]){"parts", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    char **lines = g_strsplit(g_strstrip(r.out), "\n", -1);
    cr_expect_eq(g_strv_length(lines), 53, "header + 52 parts");
    cr_expect(strstr(r.out, "AXT540124   socket   40    1.0 standard") != NULL, "%s", r.out);
    cr_expect(strstr(r.out, "AXT6E8026   header   80    1.0 inspection") != NULL, "%s", r.out);
    g_strfreev(lines);
    done(&r);
}

Test(cli, footprint_writes_svg)
{
    char *dir = g_dir_make_tmp("f4saoi-XXXXXX", NULL);
    char *out = g_build_filename(dir, "fp.svg", NULL);
    run_result r = run((const char *[]){"footprint", "AXT640124", "-o", out, NULL});
    char *svg = NULL;
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(g_file_get_contents(out, &svg, NULL, NULL));
    cr_expect(strstr(svg, "<svg") != NULL);
    g_free(svg);
    g_unlink(out);
    g_rmdir(dir);
    g_free(out);
    g_free(dir);
    done(&r);
}

Test(cli, usage_errors_exit_2)
{
    run_result r = run((const char *[]){"footprint", "AXT540125", NULL});
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "did you mean AXT540124") != NULL, "%s", r.err);
    done(&r);
    r = run((const char *[]){"nosuchcommand", NULL});
    cr_expect_eq(r.status, 2);
    done(&r);
    r = run((const char *[]){"parts", "--bogus", NULL});
    cr_expect_eq(r.status, 2);
    done(&r);
    r = run((const char *[]){NULL});
    cr_expect_eq(r.status, 2);
    done(&r);
}

Test(cli, help_exits_0_and_explains)
{
    run_result r = run((const char *[]){"--help", NULL});
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.out, "footprint") && strstr(r.out, "parts"));
    done(&r);
    r = run((const char *[]){"footprint", "--help", NULL});
    cr_expect_eq(r.status, 0);
    cr_expect(strstr(r.out, "Usage: f4saoi footprint") != NULL);
    done(&r);
}

Test(cli, synth_then_locate_and_bad_files, .timeout = 300)
{
    char *dir = g_dir_make_tmp("f4saoi-loc-XXXXXX", NULL);
    run_result r = run((const char *[]){"synth", "-p", "AXT620124", "-o", dir, "-n", "2", "-u", "12",
                                        "-r", "180", "-d", "none", "-q", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    done(&r);
    /* A good run: every image located. */
    r = run((const char *[]){"locate", "-p", "AXT620124", "-u", "12", "-r", "180", dir, NULL});
    cr_expect_eq(r.status, 0, "%s%s", r.out, r.err);
    cr_expect(g_strstr_len(r.out, -1, "\"found\":true") != NULL, "%s", r.out);
    done(&r);
    /* Zero-byte, corrupt and truncated files: records with reasons, exit 3. */
    char *empty = g_build_filename(dir, "empty.jpg", NULL), *junk = g_build_filename(dir, "junk.png", NULL);
    g_file_set_contents(empty, "", 0, NULL);
    g_file_set_contents(junk, "\x89PNG\r\n\x1a\nnot really", 18, NULL);
    r = run((const char *[]){"locate", "-p", "AXT620124", "-u", "12", "-r", "180", dir, NULL});
    cr_expect_eq(r.status, 3);
    cr_expect(g_strstr_len(r.out, -1, "empty file (0 bytes)") != NULL, "%s", r.out);
    cr_expect(g_strstr_len(r.out, -1, "corrupt or truncated PNG") != NULL, "%s", r.out);
    cr_expect(g_strstr_len(r.out, -1, "\"found\":true") != NULL, "good images still located");
    done(&r);
    /* Usage errors: exit 2 before any work. */
    r = run((const char *[]){"locate", "-p", "AXT620125", "-u", "12", dir, NULL});
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "did you mean AXT620124") != NULL, "%s", r.err);
    done(&r);
    r = run((const char *[]){"locate", "-p", "AXT620124", "-u", "12", "-r", "45", dir, NULL});
    cr_expect_eq(r.status, 2);
    done(&r);
    g_unlink(empty);
    g_unlink(junk);
    g_free(empty);
    g_free(junk);
    char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
    g_free(cmd);
    g_free(dir);
}

Test(cli, every_command_explains_itself)
{
    static const char *cmds[] = {"parts", "footprint", "synth", "score", "locate", "inspect", "teach", "report", "calib"};
    for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++) {
        run_result r = run((const char *[]){cmds[i], "--help", NULL});
        char want[64];
        snprintf(want, sizeof want, "Usage: f4saoi %s", cmds[i]);
        cr_expect_eq(r.status, 0, "%s --help", cmds[i]);
        cr_expect(strstr(r.out, want) != NULL, "%s --help: %s", cmds[i], r.out);
        done(&r);
        r = run((const char *[]){cmds[i], "--no-such-flag", NULL});
        cr_expect_eq(r.status, 2, "%s with a bad flag", cmds[i]);
        done(&r);
    }
}

/* teach and inspect as in interfaces.md: records, error records for bad
 * files, exit codes, the station model round trip, overlays, threads. */
Test(cli, teach_and_inspect, .timeout = 600)
{
    char *dir = g_dir_make_tmp("f4saoi-insp-XXXXXX", NULL);
    char *gold = g_build_filename(dir, "golden", NULL), *boards = g_build_filename(dir, "boards", NULL);
    char *model = g_build_filename(dir, "station.json", NULL), *ov = g_build_filename(dir, "ov", NULL);
    char *out = g_build_filename(dir, "out.jsonl", NULL);
    run_result r = run((const char *[]){"synth", "-p", "AXT640124", "-o", gold, "-n", "3", "-u", "12",
                                        "-r", "0", "-d", "none", "--lighting", "coaxial", "--mask",
                                        "blue", "-s", "31", "-q", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    done(&r);
    r = run((const char *[]){"synth", "-p", "AXT640124", "-o", boards, "-n", "4", "-u", "12", "-r",
                             "0", "-d", "bridge", "--lighting", "coaxial", "--mask", "blue", "-s",
                             "41", "-q", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    done(&r);

    /* Teaching: a model from the golden images. */
    r = run((const char *[]){"teach", "-p", "AXT640124", "-u", "12", "-o", model, gold, NULL});
    /* A directory is not an image: teach takes image files. */
    cr_expect_neq(r.status, 0);
    done(&r);
    GDir *d = g_dir_open(gold, 0, NULL);
    const char *name, *files[8];
    int nf = 0;
    while ((name = g_dir_read_name(d)) && nf < 8)
        if (!g_str_has_suffix(name, ".jsonl"))
            files[nf++] = g_build_filename(gold, name, NULL);
    g_dir_close(d);
    cr_assert_eq(nf, 3);
    r = run((const char *[]){"teach", "-p", "AXT640124", "-u", "12", "-o", model, files[0], files[1],
                             files[2], NULL});
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(g_file_test(model, G_FILE_TEST_EXISTS));
    done(&r);

    /* Inspection with the model, threads and overlays; plus bad files. */
    char *empty = g_build_filename(boards, "empty.jpg", NULL), *junk = g_build_filename(boards, "junk.jpg", NULL);
    char *text = g_build_filename(boards, "notes.png", NULL);
    g_file_set_contents(empty, "", 0, NULL);
    g_file_set_contents(junk, "\xff\xd8\xff\xe0 truncated", 14, NULL);
    g_file_set_contents(text, "hello", 5, NULL);
    r = run((const char *[]){"inspect", "-p", "AXT640124", "-u", "12", "--model", model, "-j", "3",
                             "--overlay", ov, "--jsonl", out, boards, NULL});
    cr_expect_eq(r.status, 3, "%s", r.err);
    done(&r);
    gchar *lines = NULL;
    cr_assert(g_file_get_contents(out, &lines, NULL, NULL));
    int nl = 0, nerr = 0, nfail = 0;
    for (char *l = lines; *l; l = strchr(l, '\n') + 1) {
        nl++;
        nerr += g_strstr_len(l, strchr(l, '\n') - l, "\"verdict\":\"error\"") != NULL;
        nfail += g_strstr_len(l, strchr(l, '\n') - l, "\"type\":\"bridge\"") != NULL;
    }
    cr_expect_eq(nl, 7, "one record per input: %s", lines);
    cr_expect_eq(nerr, 3, "three error records: %s", lines);
    cr_expect_geq(nfail, 3, "bridges reported: %s", lines);
    cr_expect(g_strstr_len(lines, -1, "empty file (0 bytes)") != NULL, "%s", lines);
    cr_expect(g_strstr_len(lines, -1, "\"joints\":[{\"pin\":1,") != NULL);
    g_free(lines);
    char *ovf = g_build_filename(ov, "AXT640124_s41.png.overlay.jpg", NULL);
    char *ovf2 = g_build_filename(ov, "AXT640124_s41.jpg.overlay.jpg", NULL);
    cr_expect(g_file_test(ovf, G_FILE_TEST_EXISTS) || g_file_test(ovf2, G_FILE_TEST_EXISTS));

    /* Too large for the pixel limit: an error record, not a crash. */
    r = run((const char *[]){"inspect", "-p", "AXT640124", "-u", "12", "--max-pixels", "1000",
                             files[0], NULL});
    cr_expect_eq(r.status, 3);
    cr_expect(g_strstr_len(r.out, -1, "\"verdict\":\"error\"") != NULL, "%s", r.out);
    done(&r);

    /* Configuration errors: exit 2, nothing inspected. */
    g_file_set_contents(model, "{\"format\":\"f4saoi-station\",\"version\":7}", -1, NULL);
    r = run((const char *[]){"inspect", "-p", "AXT640124", "-u", "12", "--model", model, boards, NULL});
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "version") != NULL, "%s", r.err);
    cr_expect_str_eq(r.out, "");
    done(&r);
    r = run((const char *[]){"inspect", "-p", "AXT999999", "-u", "12", boards, NULL});
    cr_expect_eq(r.status, 2);
    done(&r);
    r = run((const char *[]){"inspect", "-p", "AXT640124", boards, NULL});
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "--um-per-px") != NULL, "%s", r.err);
    done(&r);
    r = run((const char *[]){"inspect", "-p", "AXT640124", "-u", "12", "--set", "nonsense=1", boards, NULL});
    cr_expect_eq(r.status, 2);
    cr_expect(strstr(r.err, "unknown threshold") != NULL, "%s", r.err);
    done(&r);
    /* Teaching refuses a defective board and needs three good ones. */
    char *bad = NULL;
    d = g_dir_open(boards, 0, NULL);
    while ((name = g_dir_read_name(d)))
        if (g_str_has_prefix(name, "AXT640124_s4"))
            bad = g_build_filename(boards, name, NULL);
    g_dir_close(d);
    r = run((const char *[]){"teach", "-p", "AXT640124", "-u", "12", "-o", model, files[0], files[1], bad, NULL});
    cr_expect_eq(r.status, 3);
    cr_expect(strstr(r.err, "does not look defect-free") != NULL, "%s", r.err);
    cr_expect(strstr(r.err, "at least 3") != NULL, "%s", r.err);
    done(&r);

    for (int i = 0; i < nf; i++)
        g_free((char *)files[i]);
    g_free(bad);
    g_free(ovf);
    g_free(ovf2);
    g_free(empty);
    g_free(junk);
    g_free(text);
    char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
    g_free(cmd);
    g_free(out);
    g_free(ov);
    g_free(model);
    g_free(gold);
    g_free(boards);
    g_free(dir);
}

/* Long runs: whole lines, resume after a kill (no loss, no duplicates),
 * shards that are disjoint and complete, the CSV summary, progress lines
 * when standard error is not a terminal. */
Test(cli, batch_resume_shards_csv_progress, .timeout = 600)
{
    char *dir = g_dir_make_tmp("f4saoi-batch-XXXXXX", NULL);
    char *out = g_build_filename(dir, "out.jsonl", NULL), *csv = g_build_filename(dir, "s.csv", NULL);
    char *imgs = g_build_filename(dir, "imgs", NULL);
    run_result r = run((const char *[]){"synth", "-p", "AXT620124", "-o", imgs, "-n", "6", "-u", "12",
                                        "-r", "0", "-s", "77", "-q", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    done(&r);
    r = run((const char *[]){"inspect", "-p", "AXT620124", "-u", "12", "--jsonl", out, "--csv", csv,
                             "--progress", "1", "-j", "2", imgs, NULL});
    cr_expect(r.status == 0 || r.status == 3, "%s", r.err);
    cr_expect(strstr(r.err, "6/6 images") != NULL, "plain progress lines: %s", r.err);
    done(&r);
    gchar *full = NULL, *c = NULL;
    gsize flen = 0;
    cr_assert(g_file_get_contents(out, &full, &flen, NULL));
    cr_assert(g_file_get_contents(csv, &c, NULL, NULL));
    cr_expect(g_str_has_prefix(c, "image,part,verdict,defects,defect_list,score,error\n"));
    int rows = 0;
    for (char *p = c; *p; p++)
        rows += *p == '\n';
    cr_expect_eq(rows, 7, "%s", c);
    /* A run killed while writing: three whole lines and half of the fourth. */
    char *nl = full;
    for (int i = 0; i < 3; i++)
        nl = strchr(nl, '\n') + 1;
    size_t keep = (size_t)(nl - full) + 40;
    g_file_set_contents(out, full, (gssize)keep, NULL);
    r = run((const char *[]){"inspect", "-p", "AXT620124", "-u", "12", "--jsonl", out, "--resume",
                             imgs, NULL});
    cr_expect(r.status == 0 || r.status == 3, "%s", r.err);
    cr_expect(strstr(r.err, "3 already recorded") != NULL, "%s", r.err);
    done(&r);
    gchar *after = NULL;
    cr_assert(g_file_get_contents(out, &after, NULL, NULL));
    gchar **lines = g_strsplit(after, "\n", -1);
    int n = 0;
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
    for (gchar **l = lines; *l && **l; l++) {
        char *img = strstr(*l, "\"image\":\"");
        cr_assert_not_null(img, "a line that is not a record: %s", *l);
        char *end = strchr(img + 9, '"');
        *end = 0;
        cr_expect(!g_hash_table_contains(seen, img + 9), "duplicate %s", img + 9);
        g_hash_table_add(seen, img + 9);
        n++;
    }
    cr_expect_eq(n, 6, "exactly one record per image after resume");
    g_hash_table_destroy(seen);
    g_strfreev(lines);
    /* Shards 1/3..3/3: disjoint and complete. */
    GString *all = g_string_new(NULL);
    for (int k = 1; k <= 3; k++) {
        char sh[16];
        snprintf(sh, sizeof sh, "%d/3", k);
        r = run((const char *[]){"inspect", "-p", "AXT620124", "-u", "12", "--shard", sh, "-q", imgs, NULL});
        g_string_append(all, r.out);
        int m = 0;
        for (char *p = r.out; *p; p++)
            m += *p == '\n';
        cr_expect_eq(m, 2, "shard %s: %d records", sh, m);
        done(&r);
    }
    for (int i = 0; i < 6; i++) {
        char name[64];
        snprintf(name, sizeof name, "AXT620124_s%d.", 77 + i);
        char *a = strstr(all->str, name);
        cr_expect(a != NULL && strstr(a + 1, name) == NULL, "%s in exactly one shard", name);
    }
    g_string_free(all, TRUE);
    r = run((const char *[]){"inspect", "-p", "AXT620124", "-u", "12", "--shard", "4/3", imgs, NULL});
    cr_expect_eq(r.status, 2);
    done(&r);
    r = run((const char *[]){"inspect", "-p", "AXT620124", "-u", "12", "--resume", imgs, NULL});
    cr_expect_eq(r.status, 2, "--resume without --jsonl");
    done(&r);
    g_free(full);
    g_free(after);
    g_free(c);
    char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
    g_free(cmd);
    g_free(out);
    g_free(csv);
    g_free(imgs);
    g_free(dir);
}

/* The HTML review page: counts, a row per board, defect crops; a hostile
 * file name is shown as text, never run; rendered in headless Chromium when
 * it is installed (run.sh installs it). */
Test(cli, report_escapes_and_renders, .timeout = 600)
{
    char *dir = g_dir_make_tmp("f4saoi-rep-XXXXXX", NULL);
    char *imgs = g_build_filename(dir, "imgs", NULL), *out = g_build_filename(dir, "r.jsonl", NULL);
    char *rep = g_build_filename(dir, "rep", NULL);
    run_result r = run((const char *[]){"synth", "-p", "AXT640124", "-o", imgs, "-n", "2", "-u", "12",
                                        "-r", "0", "-d", "bridge", "--lighting", "coaxial", "-s", "5",
                                        "--format", "png", "-q", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    done(&r);
    /* A hostile name for the first image. */
    char *src = g_build_filename(imgs, "AXT640124_s5.png", NULL);
    char *evil = g_build_filename(imgs, "x<img src=x onerror=alert(1)>&\"'.png", NULL);
    cr_assert_eq(g_rename(src, evil), 0);
    r = run((const char *[]){"inspect", "-p", "AXT640124", "-u", "12", "--jsonl", out, "-q", imgs, NULL});
    done(&r);
    gchar *junk = g_strdup_printf("echo '{\"image\": \"<b>broken' >> '%s'", out);
    cr_assert_eq(system(junk), 0);
    g_free(junk);
    r = run((const char *[]){"report", out, "-o", rep, NULL});
    cr_expect_eq(r.status, 3, "a malformed line makes exit 3: %s", r.err);
    done(&r);
    char *index = g_build_filename(rep, "index.html", NULL);
    gchar *html = NULL;
    cr_assert(g_file_get_contents(index, &html, NULL, NULL));
    cr_expect(strstr(html, "<img src=x") == NULL, "no injected element in the page");
    cr_expect(strstr(html, "x&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;.png") != NULL,
              "the hostile name is escaped");
    cr_expect(strstr(html, "&lt;b&gt;broken") == NULL || strstr(html, "<b>broken") == NULL);
    cr_expect(strstr(html, "crops/d000000.jpg") != NULL, "defect crops referenced");
    if (g_file_test("/usr/bin/chromium", G_FILE_TEST_IS_EXECUTABLE)) {
        gchar *cmd = g_strdup_printf("chromium --headless --no-sandbox --disable-gpu --dump-dom "
                                     "'file://%s'",
                                     index);
        gchar *dom = NULL, *errs = NULL;
        gint st = 0;
        cr_assert(g_spawn_command_line_sync(cmd, &dom, &errs, &st, NULL));
        g_free(errs);
        cr_expect(dom && strstr(dom, "onerror=\"") == NULL, "Chromium's DOM has no injected element");
        cr_expect(dom && strstr(dom, "x&lt;img src=x onerror=alert(1)&gt;") != NULL,
                  "the hostile name renders as text");
        cr_expect(dom && strstr(dom, "<table id=\"boards\">") != NULL);
        int imgs_n = 0;
        for (char *p = dom; p && (p = strstr(p, "<img ")); p++)
            imgs_n++;
        cr_expect_geq(imgs_n, 2, "defect crops shown: %d", imgs_n);
        g_free(dom);
        g_free(cmd);
    } else {
        cr_log_warn("chromium not installed: the page was checked as text only");
    }
    g_free(html);
    g_free(index);
    char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
    g_free(cmd);
    g_free(src);
    g_free(evil);
    g_free(rep);
    g_free(out);
    g_free(imgs);
    g_free(dir);
}

/* The JPEG fast path (reduced-scale decode to find the footprint, the
 * region decoded in full) gives the same records as full decodes. */
/* Compares two runs' records line by line: same image, verdict and defects,
 * poses within tol px.  Returns the number of records compared. */
static int same_records(const char *a, const char *b, double tol)
{
    gchar **la = g_strsplit(a, "\n", -1), **lb = g_strsplit(b, "\n", -1);
    int n = 0;
    for (int i = 0; la[i] && lb[i] && *la[i]; i++, n++) {
        char *va = strstr(la[i], "\"verdict\""), *vb = strstr(lb[i], "\"verdict\"");
        char *da = strstr(la[i], "\"defects\""), *db = strstr(lb[i], "\"defects\"");
        cr_assert(va && vb && da && db);
        cr_expect_eq(strncmp(la[i], lb[i], 20), 0, "%.60s vs %.60s", la[i], lb[i]);
        cr_expect_eq(strncmp(va, vb, 20), 0, "%.60s vs %.60s", va, vb);
        char *ea = strstr(da, "]"), *eb = strstr(db, "]");
        cr_expect(ea - da == eb - db && strncmp(da, db, (size_t)(ea - da)) == 0,
                  "defects differ: %.200s | %.200s", da, db);
        char *xa = strstr(la[i], "\"x_px\":"), *xb = strstr(lb[i], "\"x_px\":");
        cr_expect((xa == NULL) == (xb == NULL));
        if (xa && xb)
            cr_expect(fabs(strtod(xa + 7, NULL) - strtod(xb + 7, NULL)) < tol, "%.40s vs %.40s",
                      xa, xb);
    }
    g_strfreev(la);
    g_strfreev(lb);
    return n;
}

Test(cli, fast_decode_equals_full_decode, .timeout = 600)
{
    char *dir = g_dir_make_tmp("f4saoi-fast-XXXXXX", NULL);
    run_result r = run((const char *[]){"synth", "-p", "AXT640124", "-o", dir, "-n", "4", "-u", "9",
                                        "-r", "90", "--format", "jpeg", "-s", "900", "-q", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    done(&r);
    run_result a = run((const char *[]){"inspect", "-p", "AXT640124", "-u", "9", "-r", "90", "-q",
                                        "--fast-decode", dir, NULL});
    run_result b = run((const char *[]){"inspect", "-p", "AXT640124", "-u", "9", "-r", "90", "-q", dir, NULL});
    cr_expect_eq(a.status, b.status);
    cr_expect_eq(same_records(a.out, b.out, 0.05), 4);
    done(&a);
    done(&b);
    char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
    g_free(cmd);
    g_free(dir);
}

/* Inputs from a list file; a symlink loop and an unreadable file give error
 * records and the run completes with exit 3. */
Test(cli, file_lists_symlink_loops_permissions, .timeout = 300)
{
    char *dir = g_dir_make_tmp("f4saoi-list-XXXXXX", NULL);
    run_result r = run((const char *[]){"synth", "-p", "AXT620124", "-o", dir, "-n", "2", "-u", "12",
                                        "-r", "0", "-s", "55", "--format", "png", "-q", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    done(&r);
    char *loop = g_build_filename(dir, "loop.png", NULL), *locked = g_build_filename(dir, "locked.png", NULL);
    char *good = g_build_filename(dir, "AXT620124_s55.png", NULL), *list = g_build_filename(dir, "list.txt", NULL);
    cr_assert_eq(symlink("loop.png", loop), 0);
    g_file_set_contents(locked, "x", 1, NULL);
    chmod(locked, 0);
    gchar *text = g_strdup_printf("%s\n%s\n%s\n", good, loop, locked);
    g_file_set_contents(list, text, -1, NULL);
    r = run((const char *[]){"inspect", "-p", "AXT620124", "-u", "12", "-q", "--files-from", list, NULL});
    cr_expect_eq(r.status, 3, "%s", r.err);
    int n = 0;
    for (char *p = r.out; *p; p++)
        n += *p == '\n';
    cr_expect_eq(n, 3, "one record per listed path: %s", r.out);
    cr_expect(strstr(r.out, "symbolic links") != NULL, "%s", r.out);
    /* As root the unreadable file can still be opened: then it is not an image. */
    cr_expect(strstr(r.out, "locked.png") != NULL && strstr(r.out, "\"verdict\":\"error\"") != NULL);
    done(&r);
    g_free(text);
    char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
    g_free(cmd);
    g_free(loop);
    g_free(locked);
    g_free(good);
    g_free(list);
    g_free(dir);
}

/* f4saoi calib: printable target; a calibration from rendered views through a
 * lens; views without the target or unreadable are left out and reported;
 * inspect --calib equals --um-per-px when the calibration says the same. */
Test(cli, calib_target_views_and_inspect, .timeout = 900)
{
    char *dir = g_dir_make_tmp("f4saoi-calib-XXXXXX", NULL);
    char *svg = g_build_filename(dir, "target.svg", NULL);
    char *views = g_build_filename(dir, "views", NULL);
    char *cal = g_build_filename(dir, "station.json", NULL);
    char *flat = g_build_filename(dir, "flat.json", NULL);
    char *boards = g_build_filename(dir, "boards", NULL);
    char *junk = g_build_filename(views, "zz-junk.png", NULL);
    char *blank = g_build_filename(dir, "blank", NULL);
    gchar *text = NULL;

    run_result r = run((const char *[]){"calib", "--make-target", "chessboard:13x9:0.5", "-o", svg, NULL});
    cr_expect_eq(r.status, 0, "%s", r.err);
    cr_expect(g_file_get_contents(svg, &text, NULL, NULL) && strstr(text, "<svg") &&
              strstr(text, "width=\"9mm\""), "%.300s", text ? text : "(none)");
    g_free(text);
    done(&r);

    r = run((const char *[]){"synth", "--target", "chessboard:13x9:0.5", "-u", "12", "--size",
                             "1280x960", "--distortion", "-0.05", "-n", "4", "-o", views, "-q", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    done(&r);
    cr_assert(g_file_set_contents(junk, "not a png", -1, NULL));
    gchar *v1 = g_build_filename(views, "target_s1.png", NULL), *v2 = g_build_filename(views, "target_s2.png", NULL);
    gchar *v3 = g_build_filename(views, "target_s3.png", NULL), *v4 = g_build_filename(views, "target_s4.png", NULL);
    r = run((const char *[]){"calib", "--target", "chessboard:13x9:0.5", "-o", cal, views, NULL});
    cr_expect_eq(r.status, 3, "an unreadable view gives exit 3: %s", r.err);
    cr_expect(strstr(r.err, "zz-junk.png: left out") != NULL, "%s", r.err);
    cr_expect(strstr(r.err, "wrote") != NULL, "%s", r.err);
    done(&r);
    {
        aoi_calib c;
        cr_assert_eq(aoi_calib_load(cal, &c), 0, "%s", aoi_errmsg());
        cr_expect(fabs(aoi_calib_um_per_px(&c) / 12 - 1) < 0.001, "%.5f", aoi_calib_um_per_px(&c));
        cr_expect(aoi_calib_lens_matters(&c));
        cr_expect(fabs(c.lens.k1 + 0.05) < 0.005, "k1 %.4f", c.lens.k1);
    }

    /* Refusals: a wrong target size finds nothing; too few views. */
    r = run((const char *[]){"calib", "--target", "chessboard:11x9:0.5", "-o", blank, v1, NULL});
    cr_expect_eq(r.status, 3, "%s", r.err);
    cr_expect(strstr(r.err, "not found") && strstr(r.err, "refused"), "%s", r.err);
    cr_expect(access(blank, F_OK) != 0, "nothing written when refused");
    done(&r);
    r = run((const char *[]){"calib", "--target", "chessboard:13x9", "-o", blank, v1, NULL});
    cr_expect_eq(r.status, 2, "%s", r.err);
    done(&r);

    /* Boards through the same lens: with the calibration, the poses match the
     * truth (ideal pixels). */
    r = run((const char *[]){"synth", "-p", "AXT640124", "-u", "12", "-r", "0", "--size", "1280x960",
                             "--distortion", "-0.05", "-n", "3", "-s", "70", "-o", boards, "-q", NULL});
    cr_assert_eq(r.status, 0, "%s", r.err);
    done(&r);
    r = run((const char *[]){"inspect", "-p", "AXT640124", "--calib", cal, "-q", boards, NULL});
    cr_expect(r.status == 0, "%s", r.err);
    {
        gchar **lines = g_strsplit(r.out, "\n", -1);
        gchar *truth = NULL;
        gchar *tp = g_build_filename(boards, "truth.jsonl", NULL);
        cr_assert(g_file_get_contents(tp, &truth, NULL, NULL));
        gchar **tl = g_strsplit(truth, "\n", -1);
        for (int i = 0; i < 3; i++) {
            char *xa = strstr(lines[i], "\"x_px\":"), *xb = strstr(tl[i], "\"x_px\":");
            cr_assert(xa && xb, "%s", lines[i]);
            cr_expect(fabs(strtod(xa + 7, NULL) - strtod(xb + 7, NULL)) < 0.3, "%.40s vs truth %.40s", xa, xb);
        }
        g_strfreev(lines);
        g_strfreev(tl);
        g_free(truth);
        g_free(tp);
    }
    done(&r);

    /* A calibration without lens or gains inspects as --um-per-px. */
    cr_assert(g_file_set_contents(flat, "{\"format\": \"f4saoi-calibration\", \"version\": 1, "
                                        "\"um_per_px\": [12, 12]}", -1, NULL));
    run_result a = run((const char *[]){"inspect", "-p", "AXT640124", "--calib", flat, "-q", views, boards, NULL});
    run_result b = run((const char *[]){"inspect", "-p", "AXT640124", "-u", "12", "-q", views, boards, NULL});
    cr_expect_eq(a.status, b.status);
    cr_expect_eq(same_records(a.out, b.out, 1e-9), 8);
    done(&a);
    done(&b);

    g_free(v1), g_free(v2), g_free(v3), g_free(v4);
    char *cmd = g_strdup_printf("rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
    g_free(cmd);
    g_free(dir), g_free(svg), g_free(views), g_free(cal), g_free(flat), g_free(boards), g_free(junk), g_free(blank);
}

/* Records leave in input order whatever the thread count (default: one
 * thread per core), with the same content as a single thread's. */
Test(cli, threads_keep_input_order, .timeout = 300)
{
    /* The bundled samples, beside the models directory the suite uses. */
    gchar *root = g_path_get_dirname(g_getenv("AOI_MODELS_DIR"));
    char *dir = g_build_filename(root, "samples", "header", NULL);
    g_free(root);
    run_result one = run((const char *[]){"inspect", "-p", "AXT640124", "-u", "12", "-j", "1", "-q", dir, NULL});
    run_result four = run((const char *[]){"inspect", "-p", "AXT640124", "-u", "12", "-j", "4", "-q", dir, NULL});
    run_result dflt = run((const char *[]){"inspect", "-p", "AXT640124", "-u", "12", "-q", dir, NULL});
    cr_expect_eq(same_records(one.out, four.out, 1e-9), 9);
    cr_expect_eq(same_records(one.out, dflt.out, 1e-9), 9);
    gchar **l = g_strsplit(four.out, "\n", -1);
    for (int i = 0; l[i] && l[i + 1] && *l[i + 1]; i++)
        cr_expect(strcmp(l[i], l[i + 1]) < 0, "out of order: %.60s / %.60s", l[i], l[i + 1]);
    g_strfreev(l);
    done(&one);
    done(&four);
    done(&dflt);
    g_free(dir);
}
