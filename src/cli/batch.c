/* batch.c - what long runs over folders need: results appended a whole line
 * at a time, resuming after a kill, deterministic shards, a CSV summary and
 * progress on standard error. */
#include "cli/cli.h"
#include "core/grow.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int batch_resume_scan(const char *path, cli_list *done, char *why, size_t whylen)
{
    FILE *f = fopen(path, "r+");
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    off_t good_end = 0;
    int ret = -1;

    if (!f) {
        if (errno == ENOENT)
            return 0; /* nothing recorded yet */
        snprintf(why, whylen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    while ((len = getline(&line, &cap, f)) > 0) {
        cJSON *o, *img;
        if (line[len - 1] != '\n')
            break; /* a partial last line: a run killed while writing */
        o = cJSON_ParseWithLength(line, (size_t)len);
        img = o ? cJSON_GetObjectItemCaseSensitive(o, "image") : NULL;
        if (!cJSON_IsString(img)) {
            cJSON_Delete(o);
            break; /* not a whole record: drop it and what follows */
        }
        char *d = strdup(img->valuestring);
        if (!d || aoi__grow((void **)&done->v, &done->cap, done->n + 1, sizeof *done->v, 64) < 0) {
            free(d);
            cJSON_Delete(o);
            snprintf(why, whylen, "out of memory reading %s", path);
            goto bailout;
        }
        done->v[done->n++] = d;
        cJSON_Delete(o);
        good_end = ftello(f);
    }
    if (ftruncate(fileno(f), good_end) < 0) {
        snprintf(why, whylen, "%s: cannot drop the partial last line: %s", path, strerror(errno));
        goto bailout;
    }
    if (done->n > 1)
        qsort(done->v, done->n, sizeof *done->v, cmp_str);
    ret = 0;
bailout:
    free(line);
    fclose(f);
    return ret;
}

int batch_seen(const cli_list *done, const char *image)
{
    return done->n && bsearch(&image, done->v, done->n, sizeof *done->v, cmp_str) != NULL;
}

void batch_filter(cli_list *l, int shard_k, int shard_n, const cli_list *done)
{
    size_t m = 0;
    for (size_t i = 0; i < l->n; i++) {
        int keep = (shard_n <= 1 || (int)(i % (size_t)shard_n) == shard_k - 1) &&
                   !batch_seen(done, l->v[i]);
        if (keep)
            l->v[m++] = l->v[i];
        else
            free(l->v[i]);
    }
    l->n = m;
}

int batch_write_line(int fd, const char *line)
{
    size_t n = strlen(line);
    char *buf = malloc(n + 1);
    size_t off = 0;
    if (!buf)
        return -1;
    memcpy(buf, line, n);
    buf[n++] = '\n';
    /* One write of the whole line (O_APPEND): a kill leaves whole lines, or
     * at worst one partial last line that --resume drops. */
    while (off < n) {
        ssize_t w = write(fd, buf + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            free(buf);
            return -1;
        }
        off += (size_t)w;
    }
    free(buf);
    return 0;
}

static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
    fputc('"', f);
}

void batch_csv_header(FILE *f)
{
    fputs("image,part,verdict,defects,defect_list,score,error\n", f);
}

void batch_csv_row(FILE *f, const aoi_result *r)
{
    char list[2048] = "";
    size_t used = 0;
    for (size_t i = 0; i < r->ndefects && used < sizeof list - 64; i++) {
        const aoi_defect *d = &r->defects[i];
        int w = d->npins == 2 ? snprintf(list + used, sizeof list - used, "%s%s %d-%d", i ? "; " : "",
                                         aoi_defect_name(d->type), d->pins[0], d->pins[1])
                : d->npins == 1 ? snprintf(list + used, sizeof list - used, "%s%s %d", i ? "; " : "",
                                           aoi_defect_name(d->type), d->pins[0])
                                : snprintf(list + used, sizeof list - used, "%s%s", i ? "; " : "",
                                           aoi_defect_name(d->type));
        if (w > 0)
            used += (size_t)w;
    }
    csv_field(f, r->image);
    fputc(',', f);
    csv_field(f, r->part);
    fprintf(f, ",%s,%zu,", aoi_verdict_name(r->verdict), r->ndefects);
    csv_field(f, list);
    if (r->has_pose)
        fprintf(f, ",%.3f,", r->pose.score);
    else
        fputs(",,", f);
    csv_field(f, r->error);
    fputc('\n', f);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

void batch_progress_init(batch_progress *p, size_t total, int interval_s, int quiet)
{
    memset(p, 0, sizeof *p);
    p->total = total;
    p->tty = isatty(STDERR_FILENO);
    /* A live line on a terminal; plain lines every interval otherwise. */
    p->interval = interval_s >= 0 ? interval_s : p->tty ? 0 : 10;
    p->enabled = !quiet && interval_s != 0;
    p->start = p->last = now_s();
}

void batch_progress_update(batch_progress *p, size_t done, size_t ng, int final)
{
    double t = now_s(), el = t - p->start;
    if (!p->enabled || (!final && t - p->last < (p->tty && p->interval == 0 ? 0.2 : p->interval)))
        return;
    p->last = t;
    double rate = el > 0 ? done / el : 0, eta = rate > 0 ? (p->total - done) / rate : 0;
    if (p->tty && p->interval == 0)
        fprintf(stderr, "\r\033[K%zu/%zu images  %.1f img/s  ETA %d:%02d  NG %zu%s", done, p->total,
                rate, (int)eta / 60, (int)eta % 60, ng, final ? "\n" : "");
    else
        fprintf(stderr, "f4saoi inspect: %zu/%zu images, %.1f img/s, ETA %d:%02d, NG %zu\n", done,
                p->total, rate, (int)eta / 60, (int)eta % 60, ng);
    fflush(stderr);
}
