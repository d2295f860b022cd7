/* common.c - what the sub-commands share: option values, input lists,
 * overlay drawing. */
#include "aoi/result.h"
#include "cli/cli.h"
#include "core/grow.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

int cli_parse_um(const char *cmd, const char *s, double *um)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= 1 && v <= 100)) {
        cli_usage_error(cmd, "--um-per-px must be a number in 1..100 (got '%s')", s);
        return -1;
    }
    *um = v;
    return 0;
}

int cli_parse_rotation(const char *cmd, const char *s, int *rot)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (end == s || *end || (v != 0 && v != 90 && v != 180 && v != 270)) {
        cli_usage_error(cmd, "--rotation must be 0, 90, 180 or 270 (got '%s')", s);
        return -1;
    }
    *rot = (int)v;
    return 0;
}

void cli_list_free(cli_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int list_add(cli_list *l, const char *s)
{
    char *d = strdup(s);
    if (!d || aoi__grow((void **)&l->v, &l->cap, l->n + 1, sizeof *l->v, 64) < 0) {
        free(d);
        return -1;
    }
    l->v[l->n++] = d;
    return 0;
}

static int is_image_name(const char *n)
{
    const char *e = strrchr(n, '.');
    return e && (!strcasecmp(e, ".jpg") || !strcasecmp(e, ".jpeg") || !strcasecmp(e, ".png")) &&
           !strstr(n, ".overlay.");
}

/* Directories are searched recursively for JPEG and PNG names; anything
 * else named on the command line is kept (and fails later with a record). */
static int scan(cli_list *l, const char *path, int depth)
{
    struct stat st;
    DIR *d;
    struct dirent *e;
    int ret = 0;
    if (depth > 32 || stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return depth == 0 ? list_add(l, path) : 0;
    if (!(d = opendir(path)))
        return list_add(l, path);
    while ((e = readdir(d)) && ret == 0) {
        char sub[4096];
        if (e->d_name[0] == '.')
            continue;
        if ((size_t)snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) >= sizeof sub)
            continue;
        if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            ret = scan(l, sub, depth + 1);
        else if (is_image_name(e->d_name))
            ret = list_add(l, sub);
    }
    closedir(d);
    return ret;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cli_collect_file(const char *list, cli_list *l)
{
    FILE *f = strcmp(list, "-") == 0 ? stdin : fopen(list, "r");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int ret = 0;
    if (!f)
        return -1;
    while (ret == 0 && (len = getline(&line, &cap, f)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = 0;
        if (len > 0)
            ret = scan(l, line, 0);
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return ret;
}

int cli_collect(int argc, char **argv, int first, cli_list *l)
{
    for (int i = first; i < argc; i++)
        if (scan(l, argv[i], 0) < 0)
            return -1;
    if (l->n > 1)
        qsort(l->v, l->n, sizeof *l->v, cmp_str);
    return 0;
}

