/* catalog.c - finding part models by part number in the models directory. */
#include "aoi/part.h"
#include "core/error_internal.h"
#include "core/grow.h"
#include "model/part_internal.h"
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NUMBER_MAX 31

static int dir_has_parts(const char *dir)
{
    char path[4096];
    struct stat st;
    int n = snprintf(path, sizeof path, "%s/parts", dir);
    return n > 0 && (size_t)n < sizeof path && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

const char *aoi_models_dir(void)
{
    const char *env = getenv("AOI_MODELS_DIR");
    if (env && *env)
        return env;
    if (dir_has_parts(AOI_MODELS_INSTALL_DIR))
        return AOI_MODELS_INSTALL_DIR;
    return AOI_MODELS_SOURCE_DIR;
}

void aoi_strv_free(char **v)
{
    if (!v)
        return;
    for (char **s = v; *s; s++)
        free(*s);
    free(v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int aoi_part_list(const char *models_dir, char ***out, size_t *count)
{
    char path[4096];
    DIR *d = NULL;
    struct dirent *e;
    char **v = NULL;
    size_t n = 0, cap = 0;
    int ret = -1;

    if (!models_dir)
        models_dir = aoi_models_dir();
    if ((size_t)snprintf(path, sizeof path, "%s/parts", models_dir) >= sizeof path) {
        aoi__error("models directory path too long");
        goto bailout;
    }
    d = opendir(path);
    if (!d) {
        aoi__error("%s: cannot open the part models directory (set AOI_MODELS_DIR?)", path);
        goto bailout;
    }
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || len - 5 > NUMBER_MAX || strcmp(e->d_name + len - 5, ".json") != 0)
            continue;
        if (aoi__grow((void **)&v, &cap, n + 2, sizeof *v, 64) < 0)
            goto bailout;
        if (!(v[n] = strndup(e->d_name, len - 5))) {
            aoi__error("out of memory");
            goto bailout;
        }
        v[++n] = NULL;
    }
    if (n == 0) {
        aoi__error("%s: no part models (*.json) found", path);
        goto bailout;
    }
    qsort(v, n, sizeof *v, cmp_str);
    *out = v;
    if (count)
        *count = n;
    v = NULL;
    ret = 0;
bailout:
    if (d)
        closedir(d);
    aoi_strv_free(v);
    return ret;
}

size_t aoi__edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];
    if (lb >= 64 || la >= 64)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t cost = toupper((unsigned char)a[i - 1]) != toupper((unsigned char)b[j - 1]);
            size_t best = diag + cost;
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

static int looks_like_path(const char *s)
{
    size_t len = strlen(s);
    return strchr(s, '/') != NULL || (len > 5 && strcmp(s + len - 5, ".json") == 0);
}

static void unknown_part(const char *number, const char *models_dir)
{
    char **all = NULL;
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    if (aoi_part_list(models_dir, &all, NULL) < 0) {
        aoi__error_prefix("unknown part number '%s'", number);
        return;
    }
    for (char **s = all; *s; s++) {
        size_t d = aoi__edit_distance(number, *s);
        if (d < best_d) {
            best_d = d;
            best = *s;
        }
    }
    if (best && best_d <= 3)
        aoi__error("unknown part number '%s'; did you mean %s? (f4saoi parts lists them all)",
                   number, best);
    else
        aoi__error("unknown part number '%s' (f4saoi parts lists the known ones)", number);
    aoi_strv_free(all);
}

aoi_part *aoi_part_load(const char *name, const char *models_dir)
{
    char upper[NUMBER_MAX + 1], path[4096];
    struct stat st;
    size_t len;

    if (!name || !*name) {
        aoi__error("no part number given");
        return NULL;
    }
    if (looks_like_path(name) || (stat(name, &st) == 0 && S_ISREG(st.st_mode)))
        return aoi_part_load_file(name);
    len = strlen(name);
    if (len > NUMBER_MAX) {
        aoi__error("unknown part number '%.40s...': too long", name);
        return NULL;
    }
    for (size_t i = 0; i <= len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c && !isalnum(c)) {
            aoi__error("'%s' is not a part number (letters and digits only) nor a model file",
                       name);
            return NULL;
        }
        upper[i] = (char)toupper(c);
    }
    if (!models_dir)
        models_dir = aoi_models_dir();
    snprintf(path, sizeof path, "%s/parts/%s.json", models_dir, upper);
    if (stat(path, &st) != 0) {
        unknown_part(upper, models_dir);
        return NULL;
    }
    return aoi_part_load_file(path);
}

aoi_part *aoi_part_load_mate(const aoi_part *part)
{
    const char *number = part ? aoi_part_number(part) : NULL, *path, *slash;
    char mate[NUMBER_MAX + 1], file[4096];
    struct stat st;
    int n;

    if (!number || strlen(number) > NUMBER_MAX || strncmp(number, "AXT", 3) != 0 ||
        (number[3] != '5' && number[3] != '6')) {
        aoi__error("part '%s' has no mate (a socket AXT5... or a header AXT6...)",
                   number ? number : "(none)");
        return NULL;
    }
    strcpy(mate, number);
    mate[3] = number[3] == '5' ? '6' : '5';
    path = aoi_part_path(part);
    slash = path ? strrchr(path, '/') : NULL;
    n = slash ? snprintf(file, sizeof file, "%.*s/%s.json", (int)(slash - path), path, mate)
              : snprintf(file, sizeof file, "%s.json", mate);
    if (n < 0 || (size_t)n >= sizeof file || stat(file, &st) != 0 || !S_ISREG(st.st_mode)) {
        aoi__error("mate %s of %s: no model file %s", mate, number,
                   n < 0 || (size_t)n >= sizeof file ? "(path too long)" : file);
        return NULL;
    }
    return aoi_part_load_file(file);
}
