/* tips.c - what breaks a fit drawn off its pads by terminals and bodies:
 * the body's two ends along the rows (a fit slipped by whole pitches) and
 * the terminal tips against the pads' toe corners (a fit drawn across the
 * rows by one row's tips). */
#include "core/select.h"
#include "register/edge.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The body's placement tolerance along the rows (imaging.md: 0.2 mm) with
 * a margin, and the most whole pitches a slipped fit is looked for. */
#define BODY_TOL_MM 0.25
#define BODY_SLIP_PITCHES 6
/* How far the body's two ends may be from the model's length apart, as
 * measured (mm): the body's tolerance and what the fitted scale leaves of
 * the scale's error over the length (an 80-pin socket, 18.5 mm, grey at
 * 20 um/px: 0.06 mm, where a 2 px match of the two ends found none). */
#define BODY_LEN_TOL_MM 0.1

double aoi__register_body_slip(const aoi_registrar *r, const aoi_image *f, const candidate *c,
                               double scale)
{
    aoi_rect body = aoi_part_body(r->part);
    double phi = (r->rot + c->th) * M_PI / 180, cs = cos(phi), sn = sin(phi);
    double k = 1000.0 / r->um * scale, reach = BODY_SLIP_PITCHES * r->pitch + BODY_TOL_MM;
    double du = fmax(0.5 / k, 0.01), near = 0, far = 0, cfar = 0;
    int nu = (int)(2 * reach / du) + 1;
    static _Thread_local double prof[2][1024];
    sampler s;
    if (nu > 1024 || nu < 8 || !(body.x1 > body.x0))
        return 0;
    aoi__register_sampler(r, f, c, &s);
    /* Each short end's D profile along the rows, averaged over lines across
     * the body's middle half (clear of the pads). */
    for (int e = 0; e < 2; e++)
        for (int i = 0; i < nu; i++) {
            double u = (e ? body.x1 : body.x0) - reach + i * du, sum = 0;
            int n = 0;
            for (int q = -3; q <= 3; q++) {
                double v = (body.y0 + body.y1) / 2 + q * (body.y1 - body.y0) / 16;
                double d = sample(&s, c->x + (u * cs - v * sn) * k, c->y + (u * sn + v * cs) * k);
                if (d >= 0)
                    sum += d, n++;
            }
            prof[e][i] = n == 7 ? sum / n : NAN;
        }
    /* Both ends moved by about the same amount (a rigid body of about the
     * model's length: BODY_LEN_TOL_MM either way): the step from outside
     * to inside, over about 2 px, at both ends, the end-1 step within the
     * tolerance of the end-0 one.  What is fixed to the body symmetrically
     * (hold-down terminals) moves its two ends' edges opposite ways and
     * never lines up. */
    int g = (int)ceil(1.0 / (k * du)), m = (int)ceil(BODY_LEN_TOL_MM / du);
    for (int i = g; i + g < nu; i++) {
        double a = prof[0][i + g] - prof[0][i - g];
        if (!isfinite(a) || fabs(a) < 4 * MIN_STRENGTH)
            continue;
        for (int j = i - m; j <= i + m; j++) {
            if (j < g || j + g >= nu)
                continue;
            double b = prof[1][j - g] - prof[1][j + g], cu = -reach + (i + j) * du / 2;
            if (!isfinite(b) || a * b <= 0 || fabs(b) < 4 * MIN_STRENGTH)
                continue;
            if (fabs(cu) <= BODY_TOL_MM)
                near = fmax(near, fabs(a + b));
            else if (fabs(a + b) > far)
                far = fabs(a + b), cfar = cu;
        }
    }
    /* Slipped: the body shows clearly only where the connector cannot be. */
    return far > 2 * near ? cfar : 0;
}

/* How far from the model the toes are looked for (mm): a fit drawn by
 * tips up to 0.15 mm past the toes is off by half of that, and the edge
 * needs room. */
#define TIPS_REACH_MM 0.2
/* Most toe points of one row looked at. */
#define TIPS_MAX 2048
/* Tips standing out past the corners beside them by this much (px) on one
 * row, and by at most half of it on the other, say a body off across. */
#define TIPS_OUT_PX 1.5

static double median_of(double *v, int n)
{
    return aoi__select_double(v, (size_t)n, (size_t)n / 2);
}

int aoi__register_tips(aoi_registrar *r, const aoi_image *frame, candidate *c, double *scale,
                       int *inliers)
{
    static _Thread_local double tip[2][TIPS_MAX], cor[2][TIPS_MAX], all[2][2 * TIPS_MAX];
    int nt[2] = {0, 0}, nc[2] = {0, 0}, na[2] = {0, 0};
    double k = 1000.0 / r->um * *scale;
    double win = fmin(TIPS_REACH_MM * k, MAX_REACH_PX), mt[2], mc[2], ma[2];
    frame_xf fx = xf_of(r, c, *scale);
    sampler s;
    aoi__register_sampler(r, frame, c, &s);
    /* Every toe's edge, outermost strong step within the terminals' reach
     * (px along the outward normal). */
    for (size_t i = 0; i < r->npts; i++) {
        const mpoint *m = &r->pts[i];
        proj p;
        double t = 0, st = 0;
        if (m->pad < 0 || !m->visible || m->nv == 0 || m->nv * m->v <= 0)
            continue;
        project(&fx, c, m, &p);
        if (find_edge(&s, p.x, p.y, p.nx, p.ny, win, -1, OUTERMOST, &t, &st) < 0 ||
            st < MIN_STRENGTH)
            continue;
        int g = m->v > 0;
        if (m->tip && nt[g] < TIPS_MAX)
            tip[g][nt[g]++] = t;
        else if (!m->tip && nc[g] < TIPS_MAX)
            cor[g][nc[g]++] = t;
        if (na[g] < 2 * TIPS_MAX)
            all[g][na[g]++] = t;
    }
    for (int g = 0; g < 2; g++) {
        if (nt[g] < 6 || nc[g] < 6)
            return 0;
        mt[g] = median_of(tip[g], nt[g]);
        mc[g] = median_of(cor[g], nc[g]);
        ma[g] = median_of(all[g], na[g]);
    }
    double d0 = mt[0] - mc[0], d1 = mt[1] - mc[1];
    int a = d1 > TIPS_OUT_PX && fabs(d0) < TIPS_OUT_PX / 2   ? 1
            : d0 > TIPS_OUT_PX && fabs(d1) < TIPS_OUT_PX / 2 ? 0
                                                             : -1;
    /* Or the fit was drawn toward row a by what stands past its toes and
     * hides them (terminal tips, overhanging solder: its tips and corners
     * then disagree), while the other row's toes, tips and corners alike,
     * stand out by one distance: they are the pads' own ends. */
    int drawn = 0;
    for (int g = 0; g < 2 && a < 0; g++)
        if (mt[1 - g] > TIPS_OUT_PX && mc[1 - g] > TIPS_OUT_PX &&
            fabs(mt[1 - g] - mc[1 - g]) < TIPS_OUT_PX / 2 && fabs(mt[g] - mc[g]) > TIPS_OUT_PX)
            a = g, drawn = 1;
    if (getenv("AOI_REGISTER_DEBUG"))
        fprintf(stderr,
                "tips: row -v tip %.2f corner %.2f (%d/%d), row +v tip %.2f corner %.2f (%d/%d) -> "
                "%d%s\n",
                mt[0], mc[0], nt[0], nc[0], mt[1], mc[1], nt[1], nc[1], a, drawn ? " (drawn)" : "");
    if (a < 0)
        return 0;
    /* Move across the rows so that row a's corners and the other row's toes
     * both sit on the model (least squares of the two); drawn, so that the
     * other row's toes do.  Then refit without row a's tip points. */
    double sa = a ? 1 : -1, mu = drawn ? -sa * ma[1 - a] : sa * (mc[a] - ma[1 - a]) / 2;
    double phi = (r->rot + c->th) * M_PI / 180, sc2;
    candidate c2 = *c;
    int in2;
    c2.x += -sin(phi) * mu;
    c2.y += cos(phi) * mu;
    r->skip_tips = a ? 1 : -1;
    /* Kept when confident and chosen over the fit it replaces by the
     * choosing score (every move of the inspection sets raised it). */
    if (aoi__register_fine(r, frame, &c2, FIT_PLAIN, &sc2, &in2) < 0 ||
        c2.strict < AOI_REGISTER_MIN_SCORE || c2.score < c->score) {
        r->skip_tips = 0;
        return 0;
    }
    *c = c2;
    *scale = sc2;
    *inliers = in2;
    return 1;
}
