/* period.c - what a 0.4 mm periodic row leaves open: the pitch (a fit one
 * or more pitches along the rows, told apart by the rows' ends and
 * the hold-down pads) and the phase (the best shift along and across the
 * rows, turn and scale from a coarse candidate, by the steps at the
 * outline's points). */
#include "register/edge.h"

#include <math.h>
#include <stdlib.h>

/* The visible pad edge points of one orientation (along: normals along the
 * rows; else across) with u in [umin, umax], into idx; returns how many. */
static size_t pick(const aoi_registrar *r, int along, double umin, double umax, int *idx)
{
    size_t n = 0;
    for (size_t i = 0; i < r->npts; i++) {
        const mpoint *m = &r->pts[i];
        if (m->pad >= 0 && m->visible && (along ? m->nu != 0 : m->nv != 0) && m->u >= umin &&
            m->u <= umax)
            idx[n++] = (int)i;
    }
    return n;
}

/* Keeps every k-th point of idx[0..n) in place, counted per direction of
 * the normal (the model interleaves a pad's two sides, and its toe with its
 * inner end); returns how many are kept. */
static size_t thin(const aoi_registrar *r, int *idx, size_t n, int k)
{
    size_t m = 0;
    int seen[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        if (seen[normal_group(&r->pts[idx[i]])]++ % k == 0)
            idx[m++] = idx[i];
    }
    return m;
}

/* Sum over the outline points idx[0..n) of the step from far-from-mask
 * inside to mask outside, with the pose moved by (du, dv) px along and
 * across the rows (at absent pads beyond the row ends, an edge counts
 * against). */
AOI_HOT static double steps(const aoi_registrar *r, const sampler *s, const candidate *c,
                            double scale, double du, double dv, const int *idx, size_t n)
{
    double phi = (r->rot + c->th) * M_PI / 180, cs = cos(phi), sn = sin(phi),
           k = 1000.0 / r->um * scale;
    double sum = 0;
    for (size_t q = 0; q < n; q++) {
        const mpoint *m = &r->pts[idx[q]];
        double u = m->u * k + du, v = m->v * k + dv;
        double nx = m->nu * cs - m->nv * sn, ny = m->nu * sn + m->nv * cs;
        double x = c->x + u * cs - v * sn, y = c->y + u * sn + v * cs;
        double din = sample(s, x - 1.5 * nx, y - 1.5 * ny),
               dout = sample(s, x + 1.5 * nx, y + 1.5 * ny);
        if (din >= 0 && dout >= 0)
            sum += m->pad < 0 ? -fabs(din - dout) : din - dout;
    }
    return sum;
}

/* Most shifts shift_sums() takes (profile samples a point). */
#define SHIFTS_MAX 1024

/* steps() of the points idx[0..n) at every shift d = -reach + i * step
 * (while d <= reach) along the rows (along) or across them, the other shift
 * held at other, into sums[i] (SHIFTS_MAX entries); returns how many (0 when there would be more
 * than SHIFTS_MAX or step is not 0.5 or 1 px).  The outline's normals are
 * along the u or v axis, so the step of a point shifted by d reads the
 * line through it at d - 1.5 and d + 1.5: one profile of samples a point,
 * each read by two shifts, instead of two samples a shift. */
AOI_HOT static int shift_sums(const aoi_registrar *r, const sampler *s, const candidate *c,
                              int along, double reach, double step, double other, const int *idx,
                              size_t n, double *sums)
{
    double phi = (r->rot + c->th) * M_PI / 180, cs = cos(phi), sn = sin(phi), k = 1000.0 / r->um;
    int ns = (int)floor((2 * reach + 1e-9) / step) + 1, off = (int)lround(3.0 / step);
    double P[SHIFTS_MAX + 8];
    if (!(reach >= 0) || ns > SHIFTS_MAX || fabs(off * step - 3.0) > 1e-9 || off > 8)
        return 0;
    for (int i = 0; i < ns; i++)
        sums[i] = 0;
    for (size_t q = 0; q < n; q++) {
        const mpoint *m = &r->pts[idx[q]];
        double nn = along ? m->nu : m->nv, u0 = m->u * k + (along ? 0 : other),
               v0 = m->v * k + (along ? other : 0);
        if (fabs(nn) != 1 || (along ? m->nv : m->nu) != 0) {
            /* A normal off the shift's axis: read it shift by shift. */
            for (int i = 0; i < ns; i++) {
                double d = -reach + i * step;
                sums[i] += along ? steps(r, s, c, 1.0, d, other, &idx[q], 1)
                                 : steps(r, s, c, 1.0, other, d, &idx[q], 1);
            }
            continue;
        }
        /* The profile is a line from the point's place at t = 0 along the
         * shift's axis: read as one (SIMD) where it lies in the frame, else
         * sample by sample (-1 outside). */
        const double ax = along ? cs : -sn, ay = along ? sn : cs;
        if (sample_line(s, c->x + u0 * cs - v0 * sn, c->y + u0 * sn + v0 * cs, ax, ay, -reach - 1.5,
                        step, ns + off, P) < 0)
            for (int j = 0; j < ns + off; j++) {
                double t = -reach - 1.5 + j * step, U = along ? u0 + t : u0,
                       V = along ? v0 : v0 + t;
                P[j] = sample(s, c->x + U * cs - V * sn, c->y + U * sn + V * cs);
            }
        const double *in = nn > 0 ? P : P + off, *out = nn > 0 ? P + off : P;
        for (int i = 0; i < ns; i++)
            if (in[i] >= 0 && out[i] >= 0)
                sums[i] += m->pad < 0 ? -fabs(in[i] - out[i]) : in[i] - out[i];
    }
    return ns;
}

/* Best shift of the points idx[0..n) from -reach to reach by step, along
 * the rows (along) or across them, the other shift held at other; its sum
 * in *sum, and the sum at every shift in prof[0..*np) (SHIFTS_MAX entries),
 * when not NULL. */
static double best_shift(const aoi_registrar *r, const sampler *s, const candidate *c, int along,
                         double reach, double step, double other, const int *idx, size_t n,
                         double *sum, double *prof, int *np)
{
    double bs = -1e18, bd = 0, own[SHIFTS_MAX], *sums = prof ? prof : own;
    int ns = shift_sums(r, s, c, along, reach, step, other, idx, n, sums);
    if (ns > 0) {
        for (int i = 0; i < ns; i++)
            if (sums[i] > bs) {
                bs = sums[i];
                bd = -reach + i * step;
            }
    } else {
        /* More shifts than a profile holds: one sum a shift. */
        for (double d = -reach; d <= reach + 1e-9; d += step) {
            double e = along ? steps(r, s, c, 1.0, d, other, idx, n)
                             : steps(r, s, c, 1.0, other, d, idx, n);
            if (ns < SHIFTS_MAX)
                sums[ns++] = e;
            if (e > bs) {
                bs = e;
                bd = d;
            }
        }
    }
    if (sum)
        *sum = bs;
    if (np)
        *np = ns;
    return bd;
}

/* Whether a shift best_shift() found (searched from -reach by step) is its
 * first or last one: no edge found yet, the sums may still be rising. */
static inline int at_reach_end(double shift, double reach, double step)
{
    return fabs(shift) > reach - step;
}

/* The rest of the outline, evaluated at every shift, is thinned to about
 * this many points when it has more than twice as many. */
#define REST_POINTS 160
/* The share of the first column's edge points the pitch check reads, 1 in
 * this many. */
#define PITCH_COLUMN_EVERY 3
/* Most whole pitches to search either way (the longest row has 40 pads). */
#define PITCH_RANGE_MAX 64

int aoi__register_pitch(const aoi_registrar *r, const aoi_image *f, const candidate *c,
                        double scale, int range)
{
    /* Evidence of the whole outline at whole-pitch shifts along the rows is a
     * tent peaked where the row ends (and hold-downs) line up: climb it,
     * every shift in range (the tent can have noisy shoulders).  The signal
     * pads repeat every pitch, so the rows' evidence at shift k is the sum
     * of one column's evidence at the columns k further on: that is computed
     * once at every column the shifted rows can reach; the rest of the
     * outline at each shift. */
    sampler s;
    int npins = aoi_part_pins(r->part), ncols = npins / 2, bk = 0;
    double step = r->pitch * 1000.0 / r->um * scale, best = -1e300;
    double col[2 * PITCH_RANGE_MAX + 256];
    /* The first column's visible points (its two signal pads), and the
     * rest: hold-down pads and absent pads, thinned. */
    int *idx = malloc(sizeof *idx * (r->npts + 1));
    size_t n0 = 0, nrest = 0, every;
    if (!idx)
        return 0; /* no check: the fit stands as it is */
    if (range > PITCH_RANGE_MAX)
        range = PITCH_RANGE_MAX;
    if (ncols + 2 * range > (int)(sizeof col / sizeof *col)) {
        free(idx);
        return 0;
    }
    for (size_t i = 0; i < r->npts; i++)
        nrest += r->pts[i].pad < 0 || (r->pts[i].pad >= npins && r->pts[i].visible);
    every = nrest > 2 * REST_POINTS ? nrest / REST_POINTS : 1;
    nrest = 0;
    for (size_t i = 0; i < r->npts; i++) {
        const mpoint *m = &r->pts[i];
        if (m->pad >= 0 && m->pad <= 1 && m->visible)
            idx[n0++] = (int)i;
    }
    /* Every column repeats the first's evidence: a third of its points
     * (per normal direction) still sums thousands over a row. */
    size_t nall = n0;
    n0 = thin(r, idx, n0, PITCH_COLUMN_EVERY);
    double cw = n0 ? (double)nall / (double)n0 : 1; /* the column's weight kept */
    int *rest = idx + n0;
    for (size_t i = 0, seen = 0; i < r->npts; i++) {
        const mpoint *m = &r->pts[i];
        if ((m->pad < 0 || (m->pad >= npins && m->visible)) && seen++ % every == 0)
            rest[nrest++] = (int)i;
    }
    aoi__register_sampler(r, f, c, &s);
    for (int m = 0; m < ncols + 2 * range; m++)
        col[m] = steps(r, &s, c, scale, (m - range) * step, 0, idx, n0) * cw;
    for (int k = -range; k <= range; k++) {
        double e = steps(r, &s, c, scale, k * step, 0, rest, nrest) * (double)every;
        for (int q = 0; q < ncols; q++)
            e += col[q + k + range];
        /* Ties go to the smaller shift (k = 0 first). */
        if (e > best + 1e-9 * fabs(best) ||
            (fabs(e - best) <= 1e-9 * fabs(best) && abs(k) < abs(bk))) {
            best = e;
            bk = k;
        }
    }
    free(idx);
    return bk;
}

/* Best shift along the rows of the side edges idx[0..n), with the shift
 * across the rows dv applied: whole pixels, then the half pixels either
 * side of the best. */
static double best_du(const aoi_registrar *r, const sampler *s, const candidate *c, double reach,
                      double dv, const int *idx, size_t n, double *sum)
{
    double bs, b0 = best_shift(r, s, c, 1, reach, 1.0, dv, idx, n, &bs, NULL, NULL), bu = b0;
    for (int side = -1; side <= 1; side += 2) {
        double e = steps(r, s, c, 1.0, b0 + 0.5 * side, dv, idx, n);
        if (e > bs) {
            bs = e;
            bu = b0 + 0.5 * side;
        }
    }
    if (sum)
        *sum = bs;
    return bu;
}

/* The stated scale may be 1 % off (imaging.md): on a long row that moves
 * the end pads by more than the fine fit's first windows.  With the phase
 * fixed at the centre, the outer quarters' side edges are found (within
 * the scale's reach plus a margin, well under half a pitch, so no pitch is
 * mistaken) and their spread gives the scale. */
#define SCALE_REACH 0.012

/* Angle uncertainty left by the coarse stage (its angle step is 0.5 deg). */
#define ANGLE_REACH_DEG 1.2

/* Short rows: angles tried either side of the coarse one (0.25 deg apart),
 * first on an outline thinned to about this many side points (and whole
 * pixels across the rows). */
#define PHASE_ANGLES_MAX 6
#define PHASE_THIN_POINTS 80
/* Second local maximum of an across-row profile (sampled every 0.5 px from
 * -reach): returns its value (0 if none qualifies) and its shift in *dv. */
static double runner_up(const double *prof, int np, double bv, double reach, double best,
                        double *dv)
{
    double rv = 0;
    for (int i = 1; i + 1 < np; i++) {
        double d = -reach + 0.5 * i;
        if (fabs(d - bv) < 3 || prof[i] < prof[i - 1] || prof[i] < prof[i + 1] ||
            prof[i] < best / 3 || prof[i] <= rv)
            continue;
        rv = prof[i];
        *dv = d;
    }
    return rv;
}

void aoi__register_phase(const aoi_registrar *r, const aoi_image *f, candidate *c, double reach_px,
                         candidate *alt, int *has_alt)
{
    /* The box template fixes the rows but hardly where the pads lie along
     * them: slide the pads across the rows by up to reach_px (toe edges),
     * then along them by up to half a pitch (side edges), looking only at the
     * pads within 2 mm of the centre so that the unknown 1 % of scale cannot
     * smear the phase.  Short rows give the coarse stage little grip on the
     * angle, so for them angles around the coarse one are tried too.  The row
     * ends are left to the pitch-slip check, scale and angle to the fit. */
    sampler s;
    double k = 1000.0 / r->um, half = r->pitch / 2 * k, best_total = -1e18;
    int na = r->half_len < 3.0 ? PHASE_ANGLES_MAX : 0;
    double across_best = 0, q = r->half_len * 0.5;
    candidate best = *c;
    /* The points each search reads: toe (0) and side (1) edges within 2 mm
     * of the centre, and of the outer quarters (left, right). */
    /* Three pairs of disjoint sets (toes and sides; the two quarters' toes;
     * their sides) and the thinned copy: at most 4 npts. */
    int *buf = malloc(sizeof *buf * (4 * r->npts + 1));
    *has_alt = 0;
    if (!buf)
        return; /* the coarse pose stands; the fit starts from it */
    int *toe = buf, *side = toe + pick(r, 0, -2.0, 2.0, toe);
    int *ql0 = side + pick(r, 1, -2.0, 2.0, side), *qr0 = ql0 + pick(r, 0, -1e9, -q, ql0);
    int *ql1 = qr0 + pick(r, 0, q, 1e9, qr0), *qr1 = ql1 + pick(r, 1, -1e9, -q, ql1);
    size_t ntoe = (size_t)(side - toe), nside = (size_t)(ql0 - side), nql0 = (size_t)(qr0 - ql0);
    size_t nqr0 = (size_t)(ql1 - qr0), nql1 = (size_t)(qr1 - ql1), nqr1 = pick(r, 1, q, 1e9, qr1);
    int *spare = qr1 + nqr1;
    aoi__register_sampler(r, f, c, &s);
    if (!na) {
        /* Long rows: the angle from the toe edges of the two outer quarters,
         * whose lever arm is long enough to measure it directly. */
        double um = (r->half_len + q) / 2 * k;
        for (int it = 0; it < 2; it++) {
            double reach = it ? 4 : fmax(reach_px, ANGLE_REACH_DEG * M_PI / 180 * um);
            double st = it ? 0.5 : 1.0;
            double vl = best_shift(r, &s, c, 0, reach, st, 0, ql0, nql0, NULL, NULL, NULL);
            double vr = best_shift(r, &s, c, 0, reach, st, 0, qr0, nqr0, NULL, NULL, NULL);
            /* A shift at the end of its reach is no edge found yet (the
             * sums still rising there): once more with twice the reach, and
             * if still there, the pose stands (a 40-pin socket's quarters
             * read 16 px at the end of a 16.7 px reach where the true
             * shifts were 8 px: the pose turned 0.9 deg off; another's
             * true 11.7 px lay beyond a 10.6 px reach). */
            if (at_reach_end(vl, reach, st) || at_reach_end(vr, reach, st)) {
                reach *= 2;
                vl = best_shift(r, &s, c, 0, reach, st, 0, ql0, nql0, NULL, NULL, NULL);
                vr = best_shift(r, &s, c, 0, reach, st, 0, qr0, nqr0, NULL, NULL, NULL);
                if (at_reach_end(vl, reach, st) || at_reach_end(vr, reach, st))
                    break;
            }
            double phi = (r->rot + c->th) * M_PI / 180, dv = (vl + vr) / 2;
            c->th += atan2(vr - vl, 2 * um) * 180 / M_PI;
            c->x += -dv * sin(phi);
            c->y += dv * cos(phi);
        }
        best = *c;
    }
    /* Short rows try 2 na + 1 angles: each on the outline thinned to about
     * PHASE_THIN_POINTS side points (toes at whole pixels) first, then the
     * best two on the whole outline. */
    int try_ia[2 * PHASE_ANGLES_MAX + 1], ntry = 0;
    size_t every = nside > 2 * PHASE_THIN_POINTS ? nside / PHASE_THIN_POINTS : 1;
    if (na && every > 1) {
        double tot[2 * PHASE_ANGLES_MAX + 1];
        int *tt = spare, *ts, nt = 0, nts = 0;
        for (size_t i = 0; i < ntoe; i += every)
            tt[nt++] = toe[i];
        ts = tt + nt;
        for (size_t i = 0; i < nside; i += every)
            ts[nts++] = side[i];
        for (int ia = -na; ia <= na; ia++) {
            candidate t = *c;
            double bs = -1e18;
            t.th += ia * 0.25;
            double bv = best_shift(r, &s, &t, 0, reach_px, 1.0, 0, tt, (size_t)nt, &bs, NULL, NULL);
            tot[ia + na] = bs;
            best_du(r, &s, &t, half, bv, ts, (size_t)nts, &bs);
            tot[ia + na] += bs;
        }
        /* The two best, best first (ties to the smaller angle). */
        for (int pass = 0; pass < 2; pass++) {
            int bi = -1;
            for (int i = 0; i <= 2 * na; i++)
                if ((pass == 0 || i != try_ia[0] + na) &&
                    (bi < 0 || tot[i] > tot[bi] ||
                     (tot[i] == tot[bi] && abs(i - na) < abs(bi - na))))
                    bi = i;
            try_ia[ntry++] = bi - na;
        }
    } else {
        for (int ia = -na; ia <= na; ia++)
            try_ia[ntry++] = ia;
    }
    for (int ti = 0; ti < ntry; ti++) {
        int ia = try_ia[ti];
        candidate t = *c;
        double bv = 0, bu = 0, bs = -1e18, total, prof[SHIFTS_MAX];
        int np = 0;
        t.th += ia * 0.25;
        bv = best_shift(r, &s, &t, 0, reach_px, 0.5, 0, toe, ntoe, &bs, prof, &np);
        total = bs;
        across_best = bs;
        bu = best_du(r, &s, &t, half, bv, side, nside, &bs);
        total += bs;
        if (total > best_total) {
            double phi = (r->rot + t.th) * M_PI / 180, cs = cos(phi), sn = sin(phi);
            best_total = total;
            best = t;
            best.x += bu * cs - bv * sn;
            best.y += bu * sn + bv * cs;
            /* The runner-up across the rows: a local maximum at least 3 px
             * from the best with a third of its evidence (a body sitting off
             * its pads can make the wrong one win; the fit's score decides). */
            *has_alt = 0;
            double av = 0, as = runner_up(prof, np, bv, reach_px, across_best, &av);
            if (alt && as > 0) {
                *alt = best;
                alt->x += -(av - bv) * sn;
                alt->y += (av - bv) * cs;
                *has_alt = 1;
            }
        }
    }
    if (!na) {
        double um = (r->half_len + q) / 2 * k;
        double reach = fmin(SCALE_REACH * r->half_len * k + 2, half - 2);
        double ul = best_du(r, &s, &best, reach, 0, ql1, nql1, NULL),
               ur = best_du(r, &s, &best, reach, 0, qr1, nqr1, NULL);
        double sc = 1 + (ur - ul) / (2 * um);
        if (fabs(sc - 1) <= SCALE_REACH)
            best.scale = sc;
    }
    *c = best;
    free(buf);
}
