/*
 * mcscope ui: the control-message panel ('c') — an overlay over the
 * screen, one line per flag with whether it is on; toggling a flag runs
 * "cmsg FLAG on|off".
 */
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "mcscope/cmsg.h"
#include "screen.h"

/* The rows: the control-message flag table (cmsg.h), in its order. */
static size_t nflags(void)
{
    size_t n;

    mc_cm_flags(&n);
    return n;
}

struct panel {
    int sel;
};

static void *panel_init(void)
{
    return calloc(1, sizeof(struct panel));
}

static void panel_free(void *st)
{
    free(st);
}

static void panel_resize(void *st, int rows, int cols)
{
    (void)st;
    (void)rows;
    (void)cols;
}

/* The line that turns flag i over: "cmsg FLAG on|off". */
static unsigned toggle(const struct ui_ctx *c, int i, struct ui_reply *out)
{
    struct mc_monitor_settings s;

    if (i < 0 || (size_t)i >= nflags())
        return UI_R_NONE;
    mc_monitor_settings(c->m, &s);
    snprintf(out->line, sizeof out->line, "cmsg %s %s",
             mc_cm_flags(NULL)[i].word,
             s.cm_flags & mc_cm_flags(NULL)[i].flag ? "off" : "on");
    return UI_R_RUN;
}

static unsigned panel_key(struct ui_ctx *c, void *st, enum ui_action act,
                          int ch, struct ui_reply *out)
{
    struct panel *p = st;

    switch (act) {
    case UI_ACT_UP:
        p->sel = p->sel > 0 ? p->sel - 1 : (int)nflags() - 1;
        return UI_R_REDRAW;
    case UI_ACT_DOWN:
        p->sel = (p->sel + 1) % (int)nflags();
        return UI_R_REDRAW;
    case UI_ACT_PANEL_TOGGLE:
        return toggle(c, p->sel, out);
    case UI_ACT_PANEL_FLAG:
        p->sel = ch - '1';
        return toggle(c, p->sel, out);
    default:
        return UI_R_NONE;
    }
}

static void panel_draw(const struct ui_ctx *c, void *st, WINDOW *w, int top,
                       int rows, int cols)
{
    struct panel *p = st;
    struct mc_monitor_settings s;
    int h = (int)nflags() + 4, wd = cols - 4 < 66 ? cols - 4 : 66;
    int y = top + (rows - h) / 2, x = (cols - wd) / 2;
    char line[128];

    if (h > rows) {
        h = rows;
        y = top;
    }
    mc_monitor_settings(c->m, &s);
    ui_box(w, y, x, h, wd, ui_attr(UI_ROLE_RULE));
    ui_put(w, y, x + 2, wd - 4, ui_attr(UI_ROLE_TITLE),
           " control messages: what each packet reports ");
    for (int i = 0; i < (int)nflags() && 1 + i < h - 1; i++) {
        bool on = (s.cm_flags & mc_cm_flags(NULL)[i].flag) != 0;

        snprintf(line, sizeof line, " %d [%s] %-8s  %s", i + 1, on ? "x" : " ",
                 mc_cm_flags(NULL)[i].word, mc_cm_flags(NULL)[i].what);
        ui_put_field(w, y + 1 + i, x + 1, wd - 2, false,
                     ui_attr(i == p->sel ? UI_ROLE_SELECTED
                             : on        ? UI_ROLE_EV_OK
                                         : UI_ROLE_NORMAL),
                     line);
    }
    if (h >= (int)nflags() + 3)
        ui_put(w, y + 1 + (int)nflags(), x + 2, wd - 4, ui_attr(UI_ROLE_DIM),
               "dst and iface stay on at the socket either way:");
    if (h >= (int)nflags() + 4)
        ui_put(w, y + 2 + (int)nflags(), x + 2, wd - 4, ui_attr(UI_ROLE_DIM),
               "the monitor sorts packets into groups by them.");
}

const struct ui_screen_ops ui_cmsg_panel = {
    .ctx = UI_CTX_PANEL,
    .init = panel_init,
    .free = panel_free,
    .resize = panel_resize,
    .key = panel_key,
    .draw = panel_draw,
};
