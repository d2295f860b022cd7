/* test_cli.c - the f4saoi program: parts, footprint, help and exit codes. */
#include <criterion/criterion.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int status;
    char *out, *err;
} run_result;

static run_result run(const char *const *args)
{
    run_result r = {0};
    GError *e = NULL;
    int n = 0;
    const char *argv[16];
    argv[n++] = AOI_F4SAOI_EXE;
    for (; *args && n < 15; args++)
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
    static const char *cmds[] = {"parts", "footprint", "synth", "score", "locate"};
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
