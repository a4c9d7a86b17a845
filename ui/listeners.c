/*
 * mcscope ui: the link's listeners ('u'): who on the link listens to
 * which group with which source filter (core/listeners.c, `listeners
 * on`), one row per host and group, grouped by group; the querier's timers
 * the table ages with, and the on-listener hooks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "format.h"
#include "lines.h"
#include "screen.h"

/* HOST GROUP IFACE MODE SOURCES PROTO AGE EXPIRES */
#define ROW_FMT "%-26s %-28s %-8s %-7s %-6s %6s %7s  %s"

struct lst {
    size_t first;
    int rows, cols;
    struct ui_lines lines;
};

static void *lst_init(void)
{
    return calloc(1, sizeof(struct lst));
}

static void lst_free(void *st)
{
    struct lst *s = st;

    ui_lines_free(&s->lines);
    free(s);
}

static void lst_resize(void *st, int rows, int cols)
{
    struct lst *s = st;

    s->rows = rows;
    s->cols = cols;
}

/* Rows ordered by group, interface, host (qsort_r on table indexes). */
static int by_group(const void *a, const void *b, void *arg)
{
    const struct mc_monitor *m = arg;
    struct mc_listener_view x, y;
    char gx[MC_ADDR_STRLEN], gy[MC_ADDR_STRLEN];
    int r;

    mc_monitor_listener(m, *(const size_t *)a, &x);
    mc_monitor_listener(m, *(const size_t *)b, &y);
    r = strcmp(mc_addr_format(&x.group, gx, sizeof gx),
               mc_addr_format(&y.group, gy, sizeof gy));
    if (r == 0)
        r = strcmp(x.ifname, y.ifname);
    if (r == 0)
        r = strcmp(mc_addr_format(&x.host, gx, sizeof gx),
                   mc_addr_format(&y.host, gy, sizeof gy));
    return r;
}

static void row(struct lst *s, const struct mc_listener_view *v, int64_t now)
{
    char h[MC_ADDR_STRLEN], g[MC_ADDR_STRLEN], src[512], age[32], exp[32];

    ui_lines_add(&s->lines,
                 v->mode == MC_LISTENER_EXCLUDE && v->nsources == 0
                     ? UI_ROLE_GROUP
                     : UI_ROLE_SOURCE,
                 ROW_FMT, mc_addr_format(&v->group, g, sizeof g),
                 mc_addr_format(&v->host, h, sizeof h), v->ifname,
                 mc_listener_mode_name(v->mode), mc_wire_proto_name(v->proto),
                 ui_format_duration(now - v->last_report_ns, age, sizeof age),
                 ui_format_duration(v->expires_ns - now, exp, sizeof exp),
                 mc_listener_sources_format(v, src, sizeof src));
}

static void timers_line(const struct ui_ctx *c, struct lst *s,
                        const char *ifname)
{
    const struct mc_listeners *l = mc_monitor_listeners(c->m);
    struct mc_listeners_timers t;

    if (l == NULL)
        return;
    mc_listeners_timers(l, ifname, &t);
    ui_lines_add(&s->lines, UI_ROLE_DIM,
                 "%s: QRV %u, QQI %u s, QRI %u ms (%s): an entry lives %u s "
                 "after its last report",
                 ifname, t.qrv, (unsigned)t.qqi_s, (unsigned)t.qri_ms,
                 t.from_querier ? "the querier's" : "RFC defaults, no querier",
                 (unsigned)(t.qrv * t.qqi_s + t.qri_ms / 1000));
}

static void hooks(const struct ui_ctx *c, struct lst *s)
{
    struct mc_cmd_hook h;
    char g[MC_ADDR_STRLEN];

    for (size_t i = 0; mc_monitor_hook(c->m, i, &h) == 0; i++)
        ui_lines_add(&s->lines, UI_ROLE_DIM, "on-listener %s%s%s %s %s",
                     mc_addr_format(&h.group, g, sizeof g),
                     h.ifname[0] ? "%" : "", h.ifname,
                     h.last ? "last" : "first", h.command);
}

static void build(const struct ui_ctx *c, struct lst *s)
{
    size_t n = mc_monitor_nlisteners(c->m), *ix;
    int64_t now = mc_monitor_now_ns();
    char ifs[8][IF_NAMESIZE];
    size_t nifs = 0;

    ui_lines_clear(&s->lines);
    if (!mc_monitor_listeners_on(c->m) && n == 0) {
        ui_lines_add(&s->lines, UI_ROLE_DIM,
                     "listeners are off: type :listeners on dev IFACE to "
                     "read the MLD/IGMP reports of the other hosts there");
        hooks(c, s);
        return;
    }
    ui_lines_add(&s->lines, UI_ROLE_HEADER, ROW_FMT, "GROUP", "HOST", "IFACE",
                 "MODE", "PROTO", "AGE", "EXPIRES", "SOURCES");
    if (n == 0)
        ui_lines_add(&s->lines, UI_ROLE_DIM,
                     "no reports yet: a host that joins shows here (hosts "
                     "also report when a querier asks)");
    ix = calloc(n + 1, sizeof *ix);
    if (ix == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        ix[i] = i;
    qsort_r(ix, n, sizeof *ix, by_group, c->m);
    for (size_t i = 0; i < n; i++) {
        struct mc_listener_view v;

        if (mc_monitor_listener(c->m, ix[i], &v) == 0)
            row(s, &v, now);
    }
    ui_lines_add(&s->lines, UI_ROLE_NORMAL, "%s", "");
    for (size_t i = 0; i < n; i++) { /* each interface's timers once */
        struct mc_listener_view v;
        bool seen = false;

        if (mc_monitor_listener(c->m, i, &v) < 0)
            continue;
        for (size_t k = 0; k < nifs && !seen; k++)
            seen = strcmp(ifs[k], v.ifname) == 0;
        if (seen || nifs == 8)
            continue;
        memcpy(ifs[nifs++], v.ifname, IF_NAMESIZE);
        timers_line(c, s, v.ifname);
    }
    free(ix);
    hooks(c, s);
}

static void lst_draw(const struct ui_ctx *c, void *st, WINDOW *w, int top,
                     int rows, int cols)
{
    struct lst *s = st;
    char title[160];
    size_t max;

    build(c, s);
    snprintf(title, sizeof title,
             "Listeners of the link: %zu (host, group) entries from other "
             "hosts' MLD/IGMP reports (%s/%s scroll, Esc back)",
             mc_monitor_nlisteners(c->m), UI_G_UP, UI_G_DOWN);
    ui_put(w, top, 0, cols, ui_attr(UI_ROLE_TITLE), title);
    max = ui_lines_max_first(&s->lines, rows - 1);
    if (s->first > max)
        s->first = max;
    ui_lines_draw(&s->lines, w, top + 1, 0, rows - 1, cols, s->first);
}

static unsigned lst_key(struct ui_ctx *c, void *st, enum ui_action act, int ch,
                        struct ui_reply *out)
{
    struct lst *s = st;

    (void)c;
    (void)ch;
    (void)out;
    ui_lines_scroll(&s->first, act, s->rows);
    return UI_R_REDRAW;
}

const struct ui_screen_ops ui_listeners_screen = {
    .ctx = UI_CTX_LISTENERS,
    .init = lst_init,
    .free = lst_free,
    .resize = lst_resize,
    .key = lst_key,
    .draw = lst_draw,
};
