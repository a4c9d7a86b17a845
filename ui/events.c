/*
 * mcscope ui: the event log — the pane under the groups table (the
 * newest events) and a screen of its own (all of it, 'e').  Newest first;
 * each line is the time, the kind and the text, coloured by kind.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "format.h"
#include "lines.h"
#include "screen.h"

#define TAG_WIDTH 7 /* "refused" */
#define TEXT_INDENT (8 + 1 + TAG_WIDTH + 1)

enum ui_role ui_event_role(enum mc_event_kind kind)
{
    switch (kind) {
    case MC_EV_OK:
        return UI_ROLE_EV_OK;
    case MC_EV_REFUSED:
        return UI_ROLE_EV_REFUSED;
    case MC_EV_ERROR:
        return UI_ROLE_EV_ERROR;
    case MC_EV_ECHO:
        return UI_ROLE_EV_ECHO;
    default:
        return UI_ROLE_EV_INFO;
    }
}

/* "12:01:03 ok      " */
static void event_head(const struct mc_event *e, char *buf, size_t len)
{
    char clock[16];

    snprintf(buf, len, "%s %-*s ",
             ui_format_clock(e->real_ns, clock, sizeof clock), TAG_WIDTH,
             mc_event_kind_name(e->kind));
}

static void draw_event(WINDOW *w, int y, int cols, const struct mc_event *e)
{
    char head[32], text[MC_EVENT_TEXT_MAX];
    int x;

    event_head(e, head, sizeof head);
    x = ui_put(w, y, 0, cols, ui_attr(UI_ROLE_DIM), head);
    ui_put(
        w, y, x, cols - x, ui_attr(ui_event_role(e->kind)),
        mc_event_format(e, text, sizeof text, ui_utf8() ? MC_EVENT_UTF8 : 0));
}

void ui_events_pane_draw(const struct ui_ctx *c, WINDOW *w, int top, int rows,
                         int cols)
{
    const struct ui_model *md = c->model;
    size_t n = mc_monitor_nevents(c->m);
    char title[192];
    int x;

    /* the rule, with the table's sort and filter on it */
    ui_hrule(w, top, 0, cols, ui_attr(UI_ROLE_RULE));
    snprintf(
        title, sizeof title,
        " events " UI_G_HLINE UI_G_HLINE " sort: %s%s%s%s ",
        ui_sort_name(md->sort), md->filter[0] ? "  filter: " : "", md->filter,
        md->paused ? "  PAUSED: the table is frozen, events are live" : "");
    x = cols > 4 ? 2 : 0;
    ui_put(w, top, x, cols - x, ui_attr(UI_ROLE_TITLE), title);
    for (int r = 1; r < rows; r++) {
        struct mc_event e;

        if ((size_t)r > n || mc_monitor_event(c->m, n - (size_t)r, &e) < 0)
            break;
        draw_event(w, top + r, cols, &e);
    }
    if (n == 0 && rows > 1)
        ui_put(w, top + 1, 0, cols, ui_attr(UI_ROLE_DIM),
               "every command and its result shows here");
}

/* ---- the screen ---- */

struct events {
    size_t first;
    int rows, cols;
    struct ui_lines lines;
};

static void *events_init(void)
{
    return calloc(1, sizeof(struct events));
}

static void events_free(void *st)
{
    struct events *s = st;

    ui_lines_free(&s->lines);
    free(s);
}

static void events_resize(void *st, int rows, int cols)
{
    struct events *s = st;

    s->rows = rows;
    s->cols = cols;
}

static void build(const struct ui_ctx *c, struct events *s, int cols)
{
    size_t n = mc_monitor_nevents(c->m);
    char head[32], text[MC_EVENT_TEXT_MAX];

    ui_lines_clear(&s->lines);
    for (size_t i = n; i-- > 0;) {
        struct mc_event e;
        size_t at = s->lines.n;

        if (mc_monitor_event(c->m, i, &e) < 0)
            continue;
        event_head(&e, head, sizeof head);
        ui_lines_wrap(&s->lines, ui_event_role(e.kind), TEXT_INDENT, cols,
                      mc_event_format(&e, text, sizeof text,
                                      ui_utf8() ? MC_EVENT_UTF8 : 0));
        /* the time and kind go in front of the first line */
        if (at < s->lines.n) {
            struct ui_line *first = &s->lines.v[at];
            char *p = strdup(head);

            if (p != NULL) {
                memmove(first->text, first->text + TEXT_INDENT,
                        strlen(first->text + TEXT_INDENT) + 1);
                first->prefix = p;
                first->prefix_width = TEXT_INDENT - 1;
                first->prefix_role = UI_ROLE_DIM;
            }
        }
    }
    if (n == 0)
        ui_lines_add(&s->lines, UI_ROLE_DIM, "no events yet");
}

static void events_draw(const struct ui_ctx *c, void *st, WINDOW *w, int top,
                        int rows, int cols)
{
    struct events *s = st;
    char title[96];
    size_t max;

    build(c, s, cols);
    snprintf(title, sizeof title,
             "Event log: %zu entries, newest first (%s/%s scroll, Esc back)",
             s->lines.n > 0 ? mc_monitor_nevents(c->m) : 0, UI_G_UP, UI_G_DOWN);
    ui_put(w, top, 0, cols, ui_attr(UI_ROLE_TITLE), title);
    max = ui_lines_max_first(&s->lines, rows - 1);
    if (s->first > max)
        s->first = max;
    ui_lines_draw(&s->lines, w, top + 1, 0, rows - 1, cols, s->first);
}

static unsigned events_key(struct ui_ctx *c, void *st, enum ui_action act,
                           int ch, struct ui_reply *out)
{
    struct events *s = st;

    (void)c;
    (void)ch;
    (void)out;
    ui_lines_scroll(&s->first, act, s->rows);
    return UI_R_REDRAW;
}

const struct ui_screen_ops ui_events_screen = {
    .ctx = UI_CTX_EVENTS,
    .init = events_init,
    .free = events_free,
    .resize = events_resize,
    .key = events_key,
    .draw = events_draw,
};
