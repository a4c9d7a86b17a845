/*
 * mcscope ui: the lab's picture (the lab's key g), for the projector:
 * the topology as the lab drew it (src/lab/topo.c: links, hosts,
 * interfaces, addresses, the router), and on each of RX's interfaces
 * ("{IFNAME}" in the picture) what arrives there now, from the table's
 * snapshot (the groups' rates over the last second), then per interface
 * the groups that carry it.  Only RX's links are measured: mcscope runs
 * in RX, so a link RX is not on shows no rate.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "format.h"
#include "screen.h"

struct labmap {
    int rows, cols;
    const struct ui_labmap *map; /* not owned; NULL: none set */
};

static void *map_init(void)
{
    return calloc(1, sizeof(struct labmap));
}

static void map_free(void *st)
{
    free(st);
}

static void map_resize(void *st, int rows, int cols)
{
    struct labmap *s = st;

    s->rows = rows;
    s->cols = cols;
}

static unsigned map_key(struct ui_ctx *c, void *st, enum ui_action act, int ch,
                        struct ui_reply *out)
{
    (void)c, (void)st, (void)act, (void)ch, (void)out;
    return UI_R_NONE;
}

/* What arrives on ifname: the sum of its group rows' rates, into out. */
static void iface_rate(const struct ui_model *md, const char *ifname, char *out,
                       size_t len)
{
    double pps = 0, bps = 0;
    size_t groups = 0;
    bool known = false;
    char p[16], b[16];

    for (size_t i = 0; i < md->nrows; i++) {
        const struct ui_row *r = &md->rows[i];

        if (r->kind != UI_ROW_GROUP || strcmp(r->ifname, ifname) != 0)
            continue;
        groups++;
        known = known || r->rate.known;
        pps += r->rate.pps;
        bps += r->rate.bps;
    }
    snprintf(out, len, "%s pkt/s, %s bit/s in %zu group%s",
             ui_format_si(pps, known, p, sizeof p),
             ui_format_si(bps, known, b, sizeof b), groups,
             groups == 1 ? "" : "s");
}

/* line with each "{IFNAME}" replaced by what arrives there. */
static void fill_line(const struct ui_model *md, const char *line, char *out,
                      size_t len)
{
    const char *open = strchr(line, '{'), *close;
    char ifname[IF_NAMESIZE], rate[96];

    if (open == NULL || (close = strchr(open, '}')) == NULL ||
        (size_t)(close - open - 1) >= sizeof ifname) {
        snprintf(out, len, "%s", line);
        return;
    }
    snprintf(ifname, sizeof ifname, "%.*s", (int)(close - open - 1), open + 1);
    iface_rate(md, ifname, rate, sizeof rate);
    snprintf(out, len, "%.*s%s%s", (int)(open - line), line, rate, close + 1);
}

/* One row of the table: a group (on ifname) or one of its sources. */
static void row_line(const struct ui_row *r, const char *ifname, char *out,
                     size_t len)
{
    char a[MC_ADDR_STRLEN], p[16], hl[16], tc[16];

    mc_addr_format(&r->addr, a, sizeof a);
    ui_format_si(r->rate.pps, r->rate.known, p, sizeof p);
    ui_format_int(r->c.hoplimit, r->c.have & MC_CM_HOPLIMIT, hl, sizeof hl);
    ui_format_tclass(r->c.tclass, r->c.have & MC_CM_TCLASS, tc, sizeof tc);
    if (r->kind == UI_ROW_GROUP)
        snprintf(out, len, "  %-6s %-28s %6s pkt/s", ifname, a, p);
    else
        snprintf(out, len, "           from %-22s %6s pkt/s  HL %-4s TC %s", a,
                 p, hl, tc);
}

/* The groups on ifname and their sources, one line each, from row y on;
 * the next row. */
static int draw_groups(const struct ui_model *md, const char *ifname, WINDOW *w,
                       int y, int end, int cols)
{
    char line[256];
    bool on = false; /* in a block of a group on ifname */

    for (size_t i = 0; i < md->nrows && y < end; i++) {
        const struct ui_row *r = &md->rows[i];

        if (r->kind == UI_ROW_GROUP)
            on = strcmp(r->ifname, ifname) == 0;
        if (!on || r->kind == UI_ROW_OTHER)
            continue;
        row_line(r, ifname, line, sizeof line);
        ui_put(
            w, y++, 0, cols,
            ui_attr(r->kind == UI_ROW_GROUP ? UI_ROLE_GROUP : UI_ROLE_SOURCE),
            line);
    }
    return y;
}

static void map_draw(const struct ui_ctx *c, void *st, WINDOW *w, int top,
                     int rows, int cols)
{
    struct labmap *s = st;
    const struct ui_labmap *map = s->map;
    int y = top, end = top + rows;
    char line[256];

    if (map == NULL) {
        ui_put(w, y, 0, cols, ui_attr(UI_ROLE_DIM),
               " no lab here: the lab's picture is mcscope --lab's");
        return;
    }
    ui_put(w, y++, 0, cols, ui_attr(UI_ROLE_HEADER), map->title);
    for (size_t i = 0; i < map->nlines && y < end; i++) {
        fill_line(c->model, map->lines[i], line, sizeof line);
        ui_put(w, y++, 1, cols - 1, ui_attr(UI_ROLE_NORMAL), line);
    }
    if (y < end)
        y++;
    if (y < end)
        ui_put(w, y++, 0, cols, ui_attr(UI_ROLE_HEADER),
               " what arrives at RX now (the table's last second; RX "
               "measures only its own links)");
    for (size_t k = 0; k < map->nifs && y < end; k++)
        y = draw_groups(c->model, map->ifname[k], w, y, end, cols);
}

const struct ui_screen_ops ui_labmap_screen = {
    .ctx = UI_CTX_LABMAP,
    .init = map_init,
    .free = map_free,
    .resize = map_resize,
    .key = map_key,
    .draw = map_draw,
};

void ui_labmap_set(void *st, const struct ui_labmap *map)
{
    ((struct labmap *)st)->map = map;
}
