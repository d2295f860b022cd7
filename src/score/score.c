/* score.c - results against ground truth: per-type recall, escapes, false
 * calls (ppm of joints), board NG recall / false-NG, errors, pose error, and
 * the same broken down by the truth's rendering conditions. */
#include "aoi/score.h"
#include "aoi/part.h"
#include "core/error_internal.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LINE_ERRORS 20
#define NCOND 7

static const char *const cond_keys[NCOND] = {"lighting", "mask", "finish", "file",
                                             "rotation", "scale", "gray"};

typedef struct {
    aoi_result truth;
    const aoi_result *res;     /* matched result or NULL */
    char cond[NCOND][24];      /* condition values */
    int board_ok;              /* verdict agrees (pass/fail), no error */
    int defects_truth, defects_found;
    double pos_err, rot_err;   /* -1 when no pose */
} entry;

typedef struct {
    char name[48];
    long images, board_ok, errors, dtruth, dfound, poses;
    double *pos;               /* errors for a median */
} cond_stat;

struct aoi_score {
    entry *e;
    size_t ne;
    aoi_result *res;
    size_t nres;
    aoi_score_summary sum;
    char *escapes;             /* text list */
    size_t esc_len, esc_cap;
    char line_errors[MAX_LINE_ERRORS][160];
    int nline_errors;
    cond_stat *cs;
    size_t ncs;
};

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static void note_line_error(aoi_score *s, const char *file, long line, const char *msg)
{
    if (s->nline_errors < MAX_LINE_ERRORS)
        snprintf(s->line_errors[s->nline_errors++], sizeof s->line_errors[0], "%s:%ld: %s",
                 base_name(file), line, msg);
}

/* Reads every record of a JSON Lines file. */
static int read_records(aoi_score *s, const char *path, aoi_result **out, size_t *n, long *bad)
{
    FILE *f = fopen(path, "r");
    char *line = NULL;
    size_t cap = 0, alloc = 0;
    ssize_t len;
    long lineno = 0;
    if (!f)
        return aoi__error("%s: cannot open: %s", path, strerror(errno));
    while ((len = getline(&line, &cap, f)) != -1) {
        aoi_result r;
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        if (aoi_result_from_json(line, (size_t)len, &r) < 0) {
            (*bad)++;
            note_line_error(s, path, lineno, aoi_errmsg());
            continue;
        }
        if (*n == alloc) {
            size_t na = alloc ? alloc * 2 : 256;
            aoi_result *nr = realloc(*out, na * sizeof *nr);
            if (!nr) {
                aoi_result_clear(&r);
                free(line);
                fclose(f);
                return aoi__error("out of memory");
            }
            *out = nr;
            alloc = na;
        }
        (*out)[(*n)++] = r;
    }
    free(line);
    fclose(f);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(double *v, size_t n, double q)
{
    if (!n)
        return 0;
    qsort(v, n, sizeof *v, cmp_double);
    return v[(size_t)fmin((double)n - 1, floor(q * (double)(n - 1) + 0.5))];
}

static int same_defect(const aoi_defect *a, const aoi_defect *b)
{
    if (a->type != b->type || a->npins != b->npins)
        return 0;
    for (int k = 0; k < a->npins; k++)
        if (a->pins[k] != b->pins[k])
            return 0;
    return 1;
}

static void escape_add(aoi_score *s, const char *fmt, const char *img, const char *type, int p0,
                       int p1)
{
    char buf[512];
    int n = snprintf(buf, sizeof buf, fmt, img, type, p0, p1);
    if (n <= 0)
        return;
    if (s->esc_len + (size_t)n + 1 > s->esc_cap) {
        size_t nc = (s->esc_cap + (size_t)n + 1) * 2;
        char *ne = realloc(s->escapes, nc);
        if (!ne)
            return;
        s->escapes = ne;
        s->esc_cap = nc;
    }
    memcpy(s->escapes + s->esc_len, buf, (size_t)n + 1);
    s->esc_len += (size_t)n;
}

static void read_conditions(entry *e)
{
    cJSON *x = e->truth.extra_json ? cJSON_Parse(e->truth.extra_json) : NULL;
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(x, "conditions"), *v;
    for (int k = 0; k < NCOND; k++)
        snprintf(e->cond[k], sizeof e->cond[k], "-");
    if (!cJSON_IsObject(c))
        goto done;
    for (int k = 0; k < 4; k++)
        if (cJSON_IsString(v = cJSON_GetObjectItemCaseSensitive(c, cond_keys[k])))
            snprintf(e->cond[k], sizeof e->cond[k], "%s", v->valuestring);
    if (cJSON_IsNumber(v = cJSON_GetObjectItemCaseSensitive(x, "rotation")))
        snprintf(e->cond[4], sizeof e->cond[4], "%d", v->valueint);
    if (e->truth.has_pose) {
        double u = e->truth.pose.um_per_px;
        snprintf(e->cond[5], sizeof e->cond[5], "%s", u < 10 ? "6-10um" : u < 14 ? "10-14um" : "14-20um");
    }
    if ((v = cJSON_GetObjectItemCaseSensitive(c, "gray")))
        snprintf(e->cond[6], sizeof e->cond[6], "%s", cJSON_IsTrue(v) ? "gray" : "rgb");
done:
    cJSON_Delete(x);
}

static long joints_of(const char *part, char cache_name[8][32], long cache_n[8])
{
    aoi_part *p;
    long n;
    if (!part || !*part)
        return 0;
    for (int i = 0; i < 8; i++)
        if (strcmp(cache_name[i], part) == 0)
            return cache_n[i];
    p = aoi_part_load(part, NULL);
    n = p ? (long)aoi_part_pad_count(p) : 0;
    aoi_part_free(p);
    for (int i = 0; i < 8; i++)
        if (!cache_name[i][0]) {
            snprintf(cache_name[i], 32, "%s", part);
            cache_n[i] = n;
            break;
        }
    return n;
}

static cond_stat *cond_get(aoi_score *s, const char *name)
{
    for (size_t i = 0; i < s->ncs; i++)
        if (strcmp(s->cs[i].name, name) == 0)
            return &s->cs[i];
    cond_stat *n = realloc(s->cs, (s->ncs + 1) * sizeof *n);
    if (!n)
        return NULL;
    s->cs = n;
    memset(&s->cs[s->ncs], 0, sizeof *s->cs);
    snprintf(s->cs[s->ncs].name, sizeof s->cs[0].name, "%s", name);
    s->cs[s->ncs].pos = calloc(s->ne ? s->ne : 1, sizeof(double));
    return &s->cs[s->ncs++];
}

static int cmp_cond(const void *a, const void *b)
{
    return strcmp(((const cond_stat *)a)->name, ((const cond_stat *)b)->name);
}

static int compute(aoi_score *s)
{
    aoi_score_summary *m = &s->sum;
    double *pos = calloc(s->ne + 1, sizeof *pos), *rot = calloc(s->ne + 1, sizeof *rot);
    char cache_name[8][32] = {{0}};
    long cache_n[8] = {0};
    unsigned char *used = calloc(s->nres + 1, 1);
    if (!pos || !rot || !used) {
        free(pos);
        free(rot);
        free(used);
        return aoi__error("out of memory");
    }
    m->images = (long)s->ne;
    for (size_t i = 0; i < s->ne; i++) {
        entry *e = &s->e[i];
        const aoi_result *t = &e->truth, *r = NULL;
        /* Match by image path, then by file name. */
        for (int pass = 0; pass < 2 && !r; pass++)
            for (size_t j = 0; j < s->nres && !r; j++)
                if (!used[j] && (pass == 0 ? strcmp(s->res[j].image, t->image) == 0
                                           : strcmp(base_name(s->res[j].image), base_name(t->image)) == 0)) {
                    r = &s->res[j];
                    used[j] = 1;
                }
        e->res = r;
        e->pos_err = e->rot_err = -1;
        read_conditions(e);
        if (t->verdict == AOI_VERDICT_FAIL)
            m->ng_truth++;
        else if (t->verdict == AOI_VERDICT_PASS)
            m->good_truth++;
        for (size_t d = 0; d < t->ndefects; d++)
            m->type[t->defects[d].type].truth++;
        e->defects_truth = (int)t->ndefects;
        if (!r) {
            m->missing++;
            for (size_t d = 0; d < t->ndefects; d++)
                escape_add(s, "%s: %s [%d %d] (no result)\n", t->image,
                           aoi_defect_name(t->defects[d].type), t->defects[d].pins[0], t->defects[d].pins[1]);
            continue;
        }
        m->results++;
        if (r->verdict == AOI_VERDICT_ERROR) {
            m->errors++;
            for (size_t d = 0; d < t->ndefects; d++)
                escape_add(s, "%s: %s [%d %d] (result: error)\n", t->image,
                           aoi_defect_name(t->defects[d].type), t->defects[d].pins[0], t->defects[d].pins[1]);
            continue;
        }
        m->joints += joints_of(t->part ? t->part : r->part, cache_name, cache_n);
        if (t->verdict == AOI_VERDICT_FAIL && r->verdict == AOI_VERDICT_FAIL)
            m->ng_found++;
        if (t->verdict == AOI_VERDICT_PASS && r->verdict == AOI_VERDICT_FAIL)
            m->good_false++;
        e->board_ok = (t->verdict == r->verdict);
        for (size_t d = 0; d < t->ndefects; d++) {
            int hit = 0;
            for (size_t q = 0; q < r->ndefects && !hit; q++)
                hit = same_defect(&t->defects[d], &r->defects[q]);
            if (hit) {
                m->type[t->defects[d].type].found++;
                e->defects_found++;
            } else {
                escape_add(s, "%s: %s [%d %d]\n", t->image, aoi_defect_name(t->defects[d].type),
                           t->defects[d].pins[0], t->defects[d].pins[1]);
            }
        }
        for (size_t q = 0; q < r->ndefects; q++) {
            int hit = 0;
            for (size_t d = 0; d < t->ndefects && !hit; d++)
                hit = same_defect(&t->defects[d], &r->defects[q]);
            if (!hit)
                m->type[r->defects[q].type].false_calls++;
        }
        if (t->has_pose && r->has_pose) {
            double dx = r->pose.x_px - t->pose.x_px, dy = r->pose.y_px - t->pose.y_px;
            double dth = fabs(fmod(r->pose.theta_deg - t->pose.theta_deg + 540.0, 360.0) - 180.0);
            e->pos_err = sqrt(dx * dx + dy * dy);
            e->rot_err = dth;
            pos[m->poses] = e->pos_err;
            rot[m->poses] = dth;
            m->poses++;
            if (e->pos_err * t->pose.um_per_px / 1000.0 > 0.2)
                m->pitch_slips++;
        }
    }
    for (size_t j = 0; j < s->nres; j++)
        if (!used[j])
            m->unmatched++;
    m->ng_recall = m->ng_truth ? (double)m->ng_found / m->ng_truth : 1;
    m->false_ng_rate = m->good_truth ? (double)m->good_false / m->good_truth : 0;
    for (int k = 0; k < AOI_DEFECT_COUNT; k++) {
        aoi_score_type *ty = &m->type[k];
        ty->recall = ty->truth ? (double)ty->found / ty->truth : 1;
        ty->false_ppm = m->joints ? 1e6 * ty->false_calls / m->joints : 0;
    }
    if (m->poses) {
        m->pos_err_median = quantile(pos, (size_t)m->poses, 0.5);
        m->pos_err_p95 = quantile(pos, (size_t)m->poses, 0.95);
        m->pos_err_max = pos[m->poses - 1];
        m->rot_err_median = quantile(rot, (size_t)m->poses, 0.5);
        m->rot_err_p95 = quantile(rot, (size_t)m->poses, 0.95);
        m->rot_err_max = rot[m->poses - 1];
    }
    /* Per condition. */
    for (size_t i = 0; i < s->ne; i++) {
        entry *e = &s->e[i];
        for (int k = 0; k < NCOND; k++) {
            char name[48];
            cond_stat *c;
            if (strcmp(e->cond[k], "-") == 0)
                continue;
            snprintf(name, sizeof name, "%s=%s", cond_keys[k], e->cond[k]);
            if (!(c = cond_get(s, name)))
                continue;
            c->images++;
            c->board_ok += e->board_ok;
            c->errors += e->res && e->res->verdict == AOI_VERDICT_ERROR;
            c->dtruth += e->defects_truth;
            c->dfound += e->defects_found;
            if (e->pos_err >= 0 && c->pos)
                c->pos[c->poses++] = e->pos_err;
        }
    }
    if (s->ncs > 1)
        qsort(s->cs, s->ncs, sizeof *s->cs, cmp_cond);
    free(pos);
    free(rot);
    free(used);
    return 0;
}

aoi_score *aoi_score_files(const char *truth_path, const char *results_path)
{
    aoi_score *s = calloc(1, sizeof *s);
    aoi_result *truth = NULL;
    size_t nt = 0;
    if (!s) {
        aoi__error("out of memory");
        return NULL;
    }
    if (read_records(s, truth_path, &truth, &nt, &s->sum.bad_truth_lines) < 0 ||
        read_records(s, results_path, &s->res, &s->nres, &s->sum.bad_result_lines) < 0)
        goto fail;
    s->e = calloc(nt ? nt : 1, sizeof *s->e);
    if (!s->e) {
        aoi__error("out of memory");
        goto fail;
    }
    for (size_t i = 0; i < nt; i++)
        s->e[i].truth = truth[i];
    s->ne = nt;
    free(truth);
    truth = NULL;
    nt = 0;
    if (compute(s) < 0)
        goto fail;
    return s;
fail:
    for (size_t i = 0; i < nt; i++)
        aoi_result_clear(&truth[i]);
    free(truth);
    aoi_score_free(s);
    return NULL;
}

void aoi_score_free(aoi_score *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->ne; i++)
        aoi_result_clear(&s->e[i].truth);
    for (size_t i = 0; i < s->nres; i++)
        aoi_result_clear(&s->res[i]);
    for (size_t i = 0; i < s->ncs; i++)
        free(s->cs[i].pos);
    free(s->cs);
    free(s->e);
    free(s->res);
    free(s->escapes);
    free(s);
}

const aoi_score_summary *aoi_score_get(const aoi_score *s)
{
    return &s->sum;
}

int aoi_score_write_json(const aoi_score *s, FILE *f)
{
    const aoi_score_summary *m = &s->sum;
    cJSON *o = cJSON_CreateObject(), *types, *pose, *conds, *esc, *le;
    char *txt;
    int ret = -1;
    if (!o)
        return aoi__error("out of memory");
    cJSON_AddNumberToObject(o, "images", (double)m->images);
    cJSON_AddNumberToObject(o, "results", (double)m->results);
    cJSON_AddNumberToObject(o, "missing", (double)m->missing);
    cJSON_AddNumberToObject(o, "unmatched_results", (double)m->unmatched);
    cJSON_AddNumberToObject(o, "bad_truth_lines", (double)m->bad_truth_lines);
    cJSON_AddNumberToObject(o, "bad_result_lines", (double)m->bad_result_lines);
    cJSON_AddNumberToObject(o, "errors", (double)m->errors);
    cJSON_AddNumberToObject(o, "joints", (double)m->joints);
    cJSON_AddNumberToObject(o, "ng_recall", m->ng_recall);
    cJSON_AddNumberToObject(o, "false_ng_rate", m->false_ng_rate);
    types = cJSON_AddObjectToObject(o, "defects");
    for (int k = 0; k < AOI_DEFECT_COUNT; k++) {
        cJSON *t = cJSON_AddObjectToObject(types, aoi_defect_name((aoi_defect_type)k));
        cJSON_AddNumberToObject(t, "truth", (double)m->type[k].truth);
        cJSON_AddNumberToObject(t, "found", (double)m->type[k].found);
        cJSON_AddNumberToObject(t, "recall", m->type[k].recall);
        cJSON_AddNumberToObject(t, "false_calls", (double)m->type[k].false_calls);
        cJSON_AddNumberToObject(t, "false_ppm", m->type[k].false_ppm);
    }
    pose = cJSON_AddObjectToObject(o, "pose");
    cJSON_AddNumberToObject(pose, "n", (double)m->poses);
    cJSON_AddNumberToObject(pose, "pos_err_px_median", m->pos_err_median);
    cJSON_AddNumberToObject(pose, "pos_err_px_p95", m->pos_err_p95);
    cJSON_AddNumberToObject(pose, "pos_err_px_max", m->pos_err_max);
    cJSON_AddNumberToObject(pose, "rot_err_deg_median", m->rot_err_median);
    cJSON_AddNumberToObject(pose, "rot_err_deg_p95", m->rot_err_p95);
    cJSON_AddNumberToObject(pose, "rot_err_deg_max", m->rot_err_max);
    cJSON_AddNumberToObject(pose, "pitch_slips", (double)m->pitch_slips);
    conds = cJSON_AddObjectToObject(o, "conditions");
    for (size_t i = 0; i < s->ncs; i++) {
        cond_stat *c = &s->cs[i];
        cJSON *x = cJSON_AddObjectToObject(conds, c->name);
        cJSON_AddNumberToObject(x, "images", (double)c->images);
        cJSON_AddNumberToObject(x, "board_accuracy", c->images ? (double)c->board_ok / c->images : 0);
        cJSON_AddNumberToObject(x, "errors", (double)c->errors);
        cJSON_AddNumberToObject(x, "defect_recall", c->dtruth ? (double)c->dfound / c->dtruth : 1);
        cJSON_AddNumberToObject(x, "pos_err_px_median", quantile(c->pos, (size_t)c->poses, 0.5));
    }
    esc = cJSON_AddStringToObject(o, "escapes", s->escapes ? s->escapes : "");
    le = cJSON_AddArrayToObject(o, "line_errors");
    for (int i = 0; i < s->nline_errors; i++)
        cJSON_AddItemToArray(le, cJSON_CreateString(s->line_errors[i]));
    (void)esc;
    txt = cJSON_Print(o);
    if (txt && fprintf(f, "%s\n", txt) > 0)
        ret = 0;
    else
        aoi__error("cannot write the score");
    free(txt);
    cJSON_Delete(o);
    return ret;
}

int aoi_score_write_table(const aoi_score *s, FILE *f)
{
    const aoi_score_summary *m = &s->sum;
    fprintf(f, "images %ld, results %ld, missing %ld, unmatched %ld, error verdicts %ld, "
               "joints inspected %ld\n",
            m->images, m->results, m->missing, m->unmatched, m->errors, m->joints);
    if (m->bad_truth_lines || m->bad_result_lines)
        fprintf(f, "malformed lines: truth %ld, results %ld\n", m->bad_truth_lines,
                m->bad_result_lines);
    for (int i = 0; i < s->nline_errors; i++)
        fprintf(f, "  %s\n", s->line_errors[i]);
    fprintf(f, "\n%-20s %7s %7s %8s %7s %10s\n", "defect", "truth", "found", "recall", "false",
            "false ppm");
    for (int k = 0; k < AOI_DEFECT_COUNT; k++)
        fprintf(f, "%-20s %7ld %7ld %7.2f%% %7ld %10.1f\n", aoi_defect_name((aoi_defect_type)k),
                m->type[k].truth, m->type[k].found, 100 * m->type[k].recall,
                m->type[k].false_calls, m->type[k].false_ppm);
    fprintf(f, "\nboards: NG recall %.2f%% (%ld/%ld), false NG %.2f%% (%ld/%ld)\n",
            100 * m->ng_recall, m->ng_found, m->ng_truth, 100 * m->false_ng_rate, m->good_false,
            m->good_truth);
    fprintf(f, "pose (%ld): position px median %.3f p95 %.3f max %.3f; rotation deg median "
               "%.4f p95 %.4f max %.4f; pitch slips %ld\n",
            m->poses, m->pos_err_median, m->pos_err_p95, m->pos_err_max, m->rot_err_median,
            m->rot_err_p95, m->rot_err_max, m->pitch_slips);
    if (s->ncs) {
        fprintf(f, "\n%-22s %7s %9s %7s %9s %10s\n", "condition", "images", "boards ok",
                "errors", "recall", "pos px med");
        for (size_t i = 0; i < s->ncs; i++) {
            cond_stat *c = &s->cs[i];
            fprintf(f, "%-22s %7ld %8.1f%% %7ld %8.1f%% %10.3f\n", c->name, c->images,
                    c->images ? 100.0 * c->board_ok / c->images : 0, c->errors,
                    c->dtruth ? 100.0 * c->dfound / c->dtruth : 100.0,
                    quantile(c->pos, (size_t)c->poses, 0.5));
        }
    }
    if (s->esc_len)
        fprintf(f, "\nescapes (defects in the truth not reported):\n%s", s->escapes);
    return ferror(f) ? aoi__error("cannot write the score table") : 0;
}
