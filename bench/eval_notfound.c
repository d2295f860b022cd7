/* eval_notfound.c - registration must not be confident where the part is not:
 * bare boards, another part, a wrong scale, and the part's mate (a header
 * where the job says socket, and the other way: the same pins, the closest
 * foot pattern there is).  Prints the score distribution. */
#include "aoi/error.h"
#include "aoi/image.h"
#include "aoi/part.h"
#include "aoi/register.h"
#include "aoi/synth.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    /* eval_notfound [N [FIRST]]: seeds FIRST .. FIRST + N - 1 (5000 + i). */
    int n = argc > 1 ? atoi(argv[1]) : 20, first = argc > 2 ? atoi(argv[2]) : 0, confident = 0;
    const char *parts[] = {"AXT640124", "AXT540124", "AXT610124", "AXT680124"};
    for (int i = first; i < first + n; i++) {
        for (int mode = 0; mode < 4; mode++) {
            aoi_part *part = aoi_part_load(parts[i % 4], NULL);
            aoi_part *other =
                mode == 3 ? aoi_part_load_mate(part) : aoi_part_load(parts[(i + 1) % 4], NULL);
            if (!part || !other) {
                fprintf(stderr, "eval_notfound: %s\n", aoi_errmsg());
                return 1;
            }
            aoi_synth_params p;
            aoi_image img;
            aoi_result truth;
            aoi_pose pose;
            aoi_synth_params_default(&p);
            p.seed = 5000 + (uint64_t)i;
            p.um_per_px = 8 + i % 10;
            p.rotation = 90 * (i % 4);
            p.bare = mode == 0;
            if (aoi_synth_render(part, &p, &img, &truth, NULL, NULL) < 0)
                return 1;
            double um = mode == 2 ? p.um_per_px * 1.35 : p.um_per_px;
            aoi_registrar *r =
                aoi_registrar_new(mode == 1 || mode == 3 ? other : part, um, p.rotation);
            int rc = aoi_register(r, &img, NULL, &pose, NULL);
            printf("%-6s %s as %s: rc %d score %.2f %s\n",
                   mode == 0   ? "bare"
                   : mode == 1 ? "other"
                   : mode == 2 ? "scale"
                               : "mate",
                   parts[i % 4], mode == 1 || mode == 3 ? aoi_part_number(other) : parts[i % 4], rc,
                   pose.score, rc < 0 ? aoi_errmsg() : "CONFIDENT");
            confident += rc == 0;
            /* EVAL_NOTFOUND_DUMP=DIR: the confident frames as PNG, to look at. */
            if (rc == 0 && getenv("EVAL_NOTFOUND_DUMP")) {
                char path[4096];
                snprintf(path, sizeof path, "%s/notfound-%d-%d.png", getenv("EVAL_NOTFOUND_DUMP"),
                         i, mode);
                if (aoi_image_write_png(&img, path) < 0)
                    fprintf(stderr, "eval_notfound: %s\n", aoi_errmsg());
            }
            aoi_registrar_free(r);
            aoi_image_free(&img);
            aoi_result_clear(&truth);
            aoi_part_free(part);
            aoi_part_free(other);
        }
    }
    printf("confident poses where the part is not: %d of %d\n", confident, 4 * n);
    return 0;
}
