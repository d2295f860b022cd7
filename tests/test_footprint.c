/* test_footprint.c - the SVG foot pattern parses as XML and has one pad per pad. */
#include "aoi/error.h"
#include "aoi/footprint.h"
#include "aoi/part.h"

#include <criterion/criterion.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int pads, holddowns, terminals, svg_roots;
    unsigned char seen[128];
} svg_count;

static void on_start(GMarkupParseContext *ctx, const char *name, const char **an, const char **av,
                     gpointer data, GError **err)
{
    svg_count *c = data;
    const char *cls = NULL, *pin = NULL;
    (void)ctx;
    (void)err;
    for (int i = 0; an[i]; i++) {
        if (strcmp(an[i], "class") == 0)
            cls = av[i];
        if (strcmp(an[i], "data-pin") == 0)
            pin = av[i];
    }
    if (strcmp(name, "svg") == 0)
        c->svg_roots++;
    if (strcmp(name, "rect") != 0 || !cls)
        return;
    if (strncmp(cls, "pad", 3) == 0) {
        int p = pin ? atoi(pin) : 0;
        c->pads++;
        if (strstr(cls, "holddown"))
            c->holddowns++;
        if (p > 0 && p < 128)
            c->seen[p]++;
    } else if (strcmp(cls, "terminal") == 0) {
        c->terminals++;
    }
}

static void parse_svg(const char *text, size_t len, svg_count *c)
{
    GMarkupParser parser = {.start_element = on_start};
    GError *err = NULL;
    GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, c, NULL);
    memset(c, 0, sizeof *c);
    gboolean ok = g_markup_parse_context_parse(ctx, text, (gssize)len, &err) &&
                  g_markup_parse_context_end_parse(ctx, &err);
    cr_assert(ok, "SVG is not well-formed XML: %s", err ? err->message : "?");
    g_markup_parse_context_free(ctx);
}

static char *svg_of(const char *number, size_t *len)
{
    aoi_part *p = aoi_part_load(number, NULL);
    char *buf = NULL;
    cr_assert_not_null(p, "%s", aoi_errmsg());
    FILE *f = open_memstream(&buf, len);
    cr_assert_eq(aoi_footprint_svg_write(p, 10, f), 0, "%s", aoi_errmsg());
    fclose(f);
    aoi_part_free(p);
    return buf;
}

Test(footprint, every_part_one_pad_element_per_pad)
{
    char **names = NULL;
    cr_assert_eq(aoi_part_list(NULL, &names, NULL), 0);
    for (char **s = names; *s; s++) {
        size_t len;
        char *svg = svg_of(*s, &len);
        svg_count c;
        aoi_part *p = aoi_part_load(*s, NULL);
        int n = aoi_part_pins(p);
        parse_svg(svg, len, &c);
        cr_expect_eq(c.svg_roots, 1);
        cr_expect_eq(c.pads, n + 4, "%s: %d pad elements for %d pads", *s, c.pads, n + 4);
        cr_expect_eq(c.holddowns, 4, "%s", *s);
        cr_expect_eq(c.terminals, n + 4, "%s", *s);
        for (int pin = 1; pin <= n + 4; pin++)
            cr_expect_eq(c.seen[pin], 1, "%s: pin %d drawn %d times", *s, pin, c.seen[pin]);
        aoi_part_free(p);
        free(svg);
    }
    aoi_strv_free(names);
}

Test(footprint, size_in_mm_at_scale_and_labels)
{
    size_t len;
    char *svg = svg_of("AXT540124", &len);
    /* viewBox in mm; catalog dimensions printed. */
    cr_expect(strstr(svg, "B = 7.60") && strstr(svg, "C = 9.40") && strstr(svg, "A = 10.50"),
              "dimension labels missing");
    cr_expect(strstr(svg, "AXT540124 - socket, 40 pins") != NULL);
    cr_expect(strstr(svg, "PROVISIONAL") != NULL, "socket geometry is provisional");
    free(svg);
}

Test(footprint, save_to_unwritable_path_fails_clearly)
{
    aoi_part *p = aoi_part_load("AXT640124", NULL);
    cr_assert_not_null(p);
    cr_expect_eq(aoi_footprint_svg_save(p, 10, "/nonexistent/dir/x.svg"), -1);
    cr_expect(strstr(aoi_errmsg(), "/nonexistent/dir/x.svg: cannot create") != NULL, "%s",
              aoi_errmsg());
    aoi_part_free(p);
}
