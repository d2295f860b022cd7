/* synth_internal.h - pieces of the generator shared between its files. */
#ifndef AOI_SYNTH_INTERNAL_H
#define AOI_SYNTH_INTERNAL_H

#include "synth/scene.h"

/* The largest frame the generator renders: the imaging contract's 25 Mpx,
 * its example 5120 x 5120. */
#define AOI__SYNTH_MAX_PIXELS (5120.0 * 5120.0)

/* The connector's rigid placement relative to its pads (mm, rad). */
typedef struct {
    double dx, dy, th;
} conn_xf;

/* Adds pads, fillets, terminals, body, flux and the requested defects;
 * appends the defects' truth. */
int synth_connector(scene *s, rng_t *r, const aoi_part *part, const conn_xf *xf, unsigned defects,
                    int borderline, aoi_result *truth);

/* Adds board clutter inside [x0,x1]x[y0,y1], keeping out of `keep`. */
int synth_clutter(scene *s, rng_t *r, const aoi_part *part, double x0, double y0, double x1,
                  double y1, aoi_rect keep);

void synth_sort_defects(aoi_result *t);
/* Separable Gaussian blur (sigma in px) of a float RGB image in place. */
int synth_blur(float *img, int w, int h, double sigma);

#endif
