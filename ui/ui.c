/*
 * mcscope ui: the frame around the screens — status line, message line,
 * key line and prompt — key dispatch, the table's model and selection.
 */
#include "ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "format.h"
#include "uipriv.h"

#define MESSAGE_NS 8000000000LL /* an action's result stays 8 s */

static const struct ui_screen_ops *const screens[UI_SCREEN_COUNT] = {
    [UI_SCREEN_GROUPS] = &ui_groups_screen,
    [UI_SCREEN_DETAIL] = &ui_detail_screen,
    [UI_SCREEN_EVENTS] = &ui_events_screen,
    [UI_SCREEN_HELP] = &ui_help_screen,
};

/* ---- making and freeing ---- */

static void terminal_modes(bool colour)
{
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    intrflush(stdscr, FALSE);
    set_escdelay(25);
    curs_set(0);
    ui_draw_init();
    ui_colors_init(colour);
}

struct ui *ui_new(struct mc_monitor *m, bool colour)
{
    struct ui *ui = calloc(1, sizeof *ui);

    if (ui == NULL)
        return NULL;
    ui->m = m;
    ui->last_opt = MC_OPT_MCAST_HOPLIMIT;
    terminal_modes(colour);
    for (int i = 0; i < UI_SCREEN_COUNT; i++) {
        ui->state[i] = screens[i]->init(ui);
        if (ui->state[i] == NULL) {
            ui_free(ui);
            return NULL;
        }
    }
    ui->panel_state = ui_cmsg_panel.init(ui);
    ui->small_state = ui_small_screen.init(ui);
    if (ui->panel_state == NULL || ui->small_state == NULL) {
        ui_free(ui);
        return NULL;
    }
    ui->pending = UI_DRAW_NOW;
    return ui;
}

void ui_free(struct ui *ui)
{
    if (ui == NULL)
        return;
    for (int i = 0; i < UI_SCREEN_COUNT; i++)
        if (ui->state[i] != NULL)
            screens[i]->free(ui->state[i]);
    if (ui->panel_state != NULL)
        ui_cmsg_panel.free(ui->panel_state);
    if (ui->small_state != NULL)
        ui_small_screen.free(ui->small_state);
    ui_prompt_free(&ui->prompt);
    ui_model_free(&ui->model);
    free(ui->expanded);
    free(ui);
}

/* ---- model and selection ---- */

static bool row_is_sel(const struct ui_row *r, const struct ui_sel *s)
{
    if (r->group != s->group || r->kind != s->kind)
        return false;
    return r->kind != UI_ROW_SOURCE || mc_addr_equal(&r->addr, &s->source);
}

static void take_identity(struct ui *ui, size_t vis)
{
    const struct ui_row *r = &ui->model.rows[ui->model.vis[vis]];

    ui->sel_vis = vis;
    ui->sel.have = true;
    ui->sel.group = r->group;
    ui->sel.kind = r->kind;
    ui->sel.source = r->addr;
}

/* Find the selected row again after the visible rows changed. */
static void reselect(struct ui *ui)
{
    const struct ui_model *md = &ui->model;

    if (md->nvis == 0) {
        ui->sel_vis = 0;
        return;
    }
    if (ui->sel.have) {
        for (size_t i = 0; i < md->nvis; i++)
            if (row_is_sel(&md->rows[md->vis[i]], &ui->sel)) {
                ui->sel_vis = i;
                return;
            }
        /* a source row that went away: its group */
        for (size_t i = 0; i < md->nvis; i++) {
            const struct ui_row *r = &md->rows[md->vis[i]];

            if (r->kind == UI_ROW_GROUP && r->group == ui->sel.group) {
                take_identity(ui, i);
                return;
            }
        }
    }
    take_identity(ui, ui->sel_vis < md->nvis ? ui->sel_vis : md->nvis - 1);
}

void ui_refresh_view(struct ui *ui)
{
    ui_model_view(&ui->model, ui->expanded, ui->nexpanded, ui->filter);
    reselect(ui);
}

void ui_refresh_model(struct ui *ui)
{
    if (!ui->paused || !ui->model_built) {
        ui_model_build(&ui->model, ui->m, mc_monitor_now_ns(), ui->sort);
        ui->model_built = true;
    }
    ui_refresh_view(ui);
}

const struct ui_row *ui_selected_row(const struct ui *ui)
{
    if (ui->model.nvis == 0 || ui->sel_vis >= ui->model.nvis)
        return NULL;
    return &ui->model.rows[ui->model.vis[ui->sel_vis]];
}

const struct ui_row *ui_selected_group(const struct ui *ui)
{
    const struct ui_row *r = ui_selected_row(ui);

    if (r == NULL)
        return NULL;
    return ui_model_group_row(&ui->model, (size_t)(r - ui->model.rows));
}

void ui_select_visible(struct ui *ui, size_t i)
{
    if (ui->model.nvis == 0)
        return;
    take_identity(ui, i < ui->model.nvis ? i : ui->model.nvis - 1);
}

void ui_select_group(struct ui *ui, size_t gi)
{
    ui->sel.have = true;
    ui->sel.group = gi;
    ui->sel.kind = UI_ROW_GROUP;
    reselect(ui);
}

bool ui_is_expanded(const struct ui *ui, size_t group)
{
    return group < ui->nexpanded && ui->expanded[group];
}

void ui_set_expanded(struct ui *ui, size_t group, bool on)
{
    if (group >= ui->nexpanded) {
        size_t n = group + 16;
        bool *e = realloc(ui->expanded, n * sizeof *e);

        if (e == NULL)
            return;
        memset(e + ui->nexpanded, 0, (n - ui->nexpanded) * sizeof *e);
        ui->expanded = e;
        ui->nexpanded = n;
    }
    ui->expanded[group] = on;
    ui_refresh_view(ui);
}

/* ---- actions shared by the screens ---- */

void ui_message(struct ui *ui, enum ui_role role, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
    va_end(ap);
    ui->msg_role = role;
    ui->msg_until_ns = mc_monitor_now_ns() + MESSAGE_NS;
    ui->pending |= UI_DRAW_NOW;
}

int ui_exec(struct ui *ui, const char *line)
{
    char text[MC_EVENT_TEXT_MAX];
    struct mc_err err;
    struct mc_event e;
    int rc = mc_monitor_exec_line(ui->m, line, &err);

    if (mc_monitor_command_event(ui->m, &e) == 0)
        ui_message(ui, ui_event_role(e.kind), "%s %s",
                   rc == 0 ? UI_G_CHECK : UI_G_CROSS,
                   mc_event_format(&e, text, sizeof text,
                                   ui_utf8() ? MC_EVENT_UTF8 : 0));
    else if (rc < 0)
        ui_message(ui, UI_ROLE_EV_ERROR, UI_G_CROSS " %s", err.msg);
    ui->seen_seq = mc_monitor_last_event_seq(ui->m);
    ui->pending |= UI_DRAW_NOW;
    return rc;
}

void ui_prompt_command(struct ui *ui, const char *text, size_t cursor)
{
    ui_prompt_open(&ui->prompt, UI_PROMPT_COMMAND, text, cursor);
    ui->pending |= UI_DRAW_NOW;
}

void ui_switch(struct ui *ui, enum ui_screen_id id)
{
    if ((int)id < 0 || id >= UI_SCREEN_COUNT)
        return;
    ui->screen = id;
    screens[id]->resize(ui, ui->state[id], ui->rows - 3, ui->cols);
    ui->pending |= UI_DRAW_NOW;
}

void ui_open_panel(struct ui *ui)
{
    ui->panel_open = true;
    ui->pending |= UI_DRAW_NOW;
}

void ui_close_panel(struct ui *ui)
{
    ui->panel_open = false;
    ui->pending |= UI_DRAW_NOW;
}

enum ui_screen_id ui_screen(const struct ui *ui)
{
    return ui->screen;
}

void ui_show(struct ui *ui, enum ui_screen_id id)
{
    ui_switch(ui, id);
}

bool ui_quit_requested(const struct ui *ui)
{
    return ui->quit;
}

/* ---- keys ---- */

static bool too_small(const struct ui *ui)
{
    return ui->cols < UI_MIN_COLS || ui->rows < UI_MIN_ROWS;
}

static void measure(struct ui *ui)
{
    int rows, cols;

    getmaxyx(stdscr, rows, cols);
    if (rows == ui->rows && cols == ui->cols)
        return;
    ui->rows = rows;
    ui->cols = cols;
    for (int i = 0; i < UI_SCREEN_COUNT; i++)
        screens[i]->resize(ui, ui->state[i], rows - 3, cols);
    ui_cmsg_panel.resize(ui, ui->panel_state, rows - 3, cols);
    ui_small_screen.resize(ui, ui->small_state, rows, cols);
}

static void prompt_submit(struct ui *ui)
{
    char line[UI_PROMPT_MAX];

    ui_prompt_close(&ui->prompt);
    if (ui->prompt.kind == UI_PROMPT_FILTER)
        return; /* the filter already applies as typed */
    memcpy(line, ui->prompt.text, ui->prompt.len + 1);
    ui_prompt_remember(&ui->prompt, line);
    if (ui->prompt.canonical[0] == '\0' && line[strspn(line, " \t")] == '\0')
        return; /* an empty line: nothing to do */
    ui_exec(ui, line);
}

static void prompt_key(struct ui *ui, int ch)
{
    const struct ui_binding *b = ui_binding_find(ch, UI_CTX_PROMPT);
    enum ui_prompt_result res =
        ui_prompt_key(&ui->prompt, b != NULL ? (int)b->action : 0, ch);
    bool filter = ui->prompt.kind == UI_PROMPT_FILTER;

    switch (res) {
    case UI_PROMPT_SUBMIT:
        prompt_submit(ui);
        break;
    case UI_PROMPT_REFUSED:
        /* The parser's reason is on the line above already; running it
         * logs the refusal (nothing changes) and the line stays. */
        ui_prompt_remember(&ui->prompt, ui->prompt.text);
        ui_exec(ui, ui->prompt.text);
        break;
    case UI_PROMPT_CANCEL:
        ui_prompt_close(&ui->prompt);
        if (filter) {
            ui->filter[0] = '\0';
            ui_refresh_view(ui);
        }
        break;
    case UI_PROMPT_CHANGED:
        if (filter) {
            size_t n = strnlen(ui->prompt.text, sizeof ui->filter - 1);

            memcpy(ui->filter, ui->prompt.text, n); /* cut: it is a filter */
            ui->filter[n] = '\0';
            ui_refresh_view(ui);
        }
        break;
    default:
        break;
    }
}

static void global_action(struct ui *ui, enum ui_action act)
{
    switch (act) {
    case UI_ACT_HELP:
        ui_switch(ui, UI_SCREEN_HELP);
        break;
    case UI_ACT_EVENTS:
        ui_switch(ui, UI_SCREEN_EVENTS);
        break;
    case UI_ACT_DETAIL:
        ui_switch(ui, UI_SCREEN_DETAIL);
        break;
    case UI_ACT_BACK:
        ui_switch(ui, UI_SCREEN_GROUPS);
        break;
    case UI_ACT_PAUSE:
        ui->paused = !ui->paused;
        if (!ui->paused)
            ui_refresh_model(ui);
        ui_message(ui, UI_ROLE_EV_INFO, "%s",
                   ui->paused ? "paused: the table keeps these numbers; "
                                "commands still run (p resumes)"
                              : "resumed");
        break;
    case UI_ACT_CMSG_PANEL:
        ui_open_panel(ui);
        break;
    case UI_ACT_REDRAW:
        ui->clear_next = true;
        break;
    case UI_ACT_QUIT:
        ui->quit = true;
        break;
    case UI_ACT_FILTER:
        ui_prompt_open(&ui->prompt, UI_PROMPT_FILTER, ui->filter, SIZE_MAX);
        break;
    default:
        ui_command_action(ui, act);
        break;
    }
}

void ui_key(struct ui *ui, int ch)
{
    const struct ui_screen_ops *ops = screens[ui->screen];
    const struct ui_binding *b;

    ui->pending |= UI_DRAW_NOW;
    measure(ui);
    if (ch == KEY_RESIZE || ch == ERR)
        return;
    if (too_small(ui)) {
        b = ui_binding_find(ch, UI_CTX_SMALL);
        if (b != NULL)
            ui_small_screen.key(ui, ui->small_state, b->action, ch);
        return;
    }
    if (ui->prompt.active) {
        prompt_key(ui, ch);
        return;
    }
    if (ui->panel_open) {
        b = ui_binding_find(ch, UI_CTX_PANEL);
        if (b != NULL)
            ui_cmsg_panel.key(ui, ui->panel_state, b->action, ch);
        return;
    }
    b = ui_binding_find(ch, ops->ctx);
    if (b == NULL)
        return;
    if (!ops->key(ui, ui->state[ui->screen], b->action, ch))
        global_action(ui, b->action);
}

/*
 * Events that did not come from a key (a script's echo lines and errors,
 * a sender that failed) go on the message line as captions, so a lesson's
 * narration and a failure are read where the eyes are.
 */
static void caption_new_events(struct ui *ui)
{
    size_t n = mc_monitor_nevents(ui->m);
    char text[MC_EVENT_TEXT_MAX];
    struct mc_event e;

    for (size_t i = 0; i < n; i++) {
        if (mc_monitor_event(ui->m, i, &e) < 0 || e.seq <= ui->seen_seq)
            continue;
        mc_event_format(&e, text, sizeof text, ui_utf8() ? MC_EVENT_UTF8 : 0);
        if (e.kind == MC_EV_ECHO)
            ui_message(ui, UI_ROLE_EV_ECHO, "%s", text);
        else if (e.kind == MC_EV_ERROR || e.kind == MC_EV_REFUSED)
            ui_message(ui, ui_event_role(e.kind), UI_G_CROSS " %s", text);
    }
    ui->seen_seq = mc_monitor_last_event_seq(ui->m);
}

void ui_monitor_changed(struct ui *ui, int mon_flags)
{
    /* Script lines run outside mc_monitor_dispatch, so their events do not
     * raise MC_MON_EVENTS: the log's sequence number tells. */
    if (mc_monitor_last_event_seq(ui->m) != ui->seen_seq) {
        caption_new_events(ui);
        mon_flags |= MC_MON_EVENTS;
    }
    if (mon_flags & (MC_MON_EVENTS | MC_MON_TICK))
        ui->pending |= UI_DRAW_NOW;
    if ((mon_flags & MC_MON_PACKETS) && !ui->paused)
        ui->pending |= UI_DRAW_DATA;
}

int ui_pending(const struct ui *ui)
{
    return ui->pending;
}

/* ---- the frame ---- */

static void setting_value(int v, bool hex, char *buf, size_t len)
{
    if (hex && v >= 0 && v <= 0xff)
        snprintf(buf, len, "0x%02x", (unsigned)v);
    else
        snprintf(buf, len, "%d", v);
}

/* "64", or "64/63" when IPv6 and IPv4 differ; "—" when unknown. */
static void setting_text(int v6, bool ok6, int v4, bool ok4, bool hex,
                         char *buf, size_t len)
{
    char a[12], b[12]; /* an int's longest text: "-2147483648" */

    setting_value(v6, hex, a, sizeof a);
    setting_value(v4, hex, b, sizeof b);
    if (ok6 && ok4 && v6 != v4)
        snprintf(buf, len, "%s/%s", a, b);
    else if (ok6 || ok4)
        snprintf(buf, len, "%s", ok6 ? a : b);
    else
        snprintf(buf, len, "%s", UI_UNKNOWN);
}

/* Put text at *x on the status line; advances *x. */
static void status_put(WINDOW *w, int y, int *x, int cols, enum ui_role role,
                       const char *text)
{
    *x += ui_put(w, y, *x, cols - *x, ui_attr(role), text);
}

static void status_cmsg(WINDOW *w, int y, int *x, int cols, unsigned flags)
{
    static const struct {
        unsigned flag;
        const char *on, *off;
    } f[] = {
        {MC_CM_TCLASS, "TC", "tc"}, {MC_CM_HOPLIMIT, "HL", "hl"},
        {MC_CM_SRC, "SRC", "src"},  {MC_CM_DST, "DST", "dst"},
        {MC_CM_IFACE, "IF", "if"},  {MC_CM_PATHMTU, "PMTU", "pmtu"},
    };

    status_put(w, y, x, cols, UI_ROLE_STATUS, "cmsg");
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        bool on = (flags & f[i].flag) != 0;

        status_put(w, y, x, cols, UI_ROLE_STATUS, " ");
        status_put(w, y, x, cols, on ? UI_ROLE_STATUS_ON : UI_ROLE_STATUS,
                   on ? f[i].on : f[i].off);
    }
}

static void draw_status(struct ui *ui, WINDOW *w, int y, int cols)
{
    struct mc_monitor_settings s;
    const struct mc_family_settings *a = &s.v6, *b = &s.v4;
    char hops[24], mhops[24], tc[24], text[160];
    const char *mif;
    int x = 0;

    mc_monitor_settings(ui->m, &s);
    setting_text(a->hoplimit, a->ok, b->hoplimit, b->ok, false, hops,
                 sizeof hops);
    setting_text(a->mcast_hoplimit, a->ok, b->mcast_hoplimit, b->ok, false,
                 mhops, sizeof mhops);
    setting_text(a->tclass, a->ok, b->tclass, b->ok, true, tc, sizeof tc);
    mif = a->mcast_ifname[0] != '\0'   ? a->mcast_ifname
          : b->mcast_ifname[0] != '\0' ? b->mcast_ifname
                                       : UI_UNKNOWN;
    ui_fill(w, y, 0, cols, ui_attr(UI_ROLE_STATUS));
    snprintf(text, sizeof text, " mcscope %s ", MCSCOPE_VERSION);
    status_put(w, y, &x, cols, UI_ROLE_STATUS, text);
    if (ui->paused)
        status_put(w, y, &x, cols, UI_ROLE_PAUSED, "PAUSED");
    status_put(w, y, &x, cols, UI_ROLE_STATUS, ui->paused ? " " : "");
    status_put(w, y, &x, cols, UI_ROLE_STATUS, UI_G_VLINE " ");
    snprintf(text, sizeof text,
             "hops %s mhops %s tclass %s loop %s all %s mif %s " UI_G_VLINE " ",
             hops, mhops, tc,
             (a->ok ? a->loopback : b->loopback) ? "on" : "off",
             s.multicast_all ? "on" : "off", mif);
    status_put(w, y, &x, cols, UI_ROLE_STATUS, text);
    status_cmsg(w, y, &x, cols, s.cm_flags);
    if (s.pcap || s.captures_open > 0)
        snprintf(text, sizeof text, " " UI_G_VLINE " wire on (%zu open)",
                 s.captures_open);
    else
        snprintf(text, sizeof text, " " UI_G_VLINE " wire off");
    status_put(w, y, &x, cols, UI_ROLE_STATUS, text);
}

/* The summary shown on the message line when there is no message. */
static void summary(struct ui *ui, char *buf, size_t len)
{
    struct mc_monitor_counters c;
    char rx[16], drops[16], un[16];
    size_t senders = mc_monitor_senders_running(ui->m);

    mc_monitor_counters(ui->m, &c);
    snprintf(buf, len,
             "%zu group%s  rx %s packets  socket drops %s  for no group %s  "
             "%zu sender%s running  sort %s%s%s",
             mc_monitor_ngroups(ui->m),
             mc_monitor_ngroups(ui->m) == 1 ? "" : "s",
             ui_format_count(c.rx_packets, rx, sizeof rx),
             ui_format_count(c.socket_drops, drops, sizeof drops),
             ui_format_count(c.unattributed_packets, un, sizeof un), senders,
             senders == 1 ? "" : "s", ui_sort_name(ui->sort),
             ui->filter[0] != '\0' ? "  filter " : "", ui->filter);
}

static void draw_message(struct ui *ui, WINDOW *w, int y, int cols)
{
    const struct ui_prompt *p = &ui->prompt;
    char text[sizeof ui->msg];

    ui_fill(w, y, 0, cols, A_NORMAL);
    if (p->active && p->kind == UI_PROMPT_FILTER) {
        snprintf(text, sizeof text,
                 "filter: %zu of %zu rows shown "
                 "(Enter keeps it, Esc clears it)",
                 ui->model.nvis, ui->model.nrows);
        ui_put(w, y, 0, cols, ui_attr(UI_ROLE_DIM), text);
    } else if (p->active && p->valid && p->canonical[0] == '\0') {
        ui_put(w, y, 0, cols, ui_attr(UI_ROLE_DIM),
               "type a command (? lists them); Enter runs it, Esc cancels");
    } else if (p->active && p->valid) {
        snprintf(text, sizeof text, UI_G_CHECK " %s", p->canonical);
        ui_put(w, y, 0, cols, ui_attr(UI_ROLE_VALID), text);
    } else if (p->active) {
        snprintf(text, sizeof text, UI_G_CROSS " %s", p->why.msg);
        ui_put(w, y, 0, cols, ui_attr(UI_ROLE_INVALID), text);
    } else if (ui->msg[0] != '\0' && mc_monitor_now_ns() < ui->msg_until_ns) {
        ui_put(w, y, 0, cols, ui_attr(ui->msg_role), ui->msg);
    } else {
        summary(ui, text, sizeof text);
        ui_put(w, y, 0, cols, ui_attr(UI_ROLE_DIM), text);
    }
}

/* One item of the key line: adjacent bindings with one label merge
 * ("h/H hop limit"). */
struct keyitem {
    char names[24];
    const char *label;
    unsigned rank;
    int width;
    bool shown;
};

static size_t keyline_items(unsigned ctx, struct keyitem *items, size_t cap)
{
    size_t n, k = 0;
    const struct ui_binding *t = ui_bindings(&n);

    for (size_t i = 0; i < n && k < cap; i++) {
        struct keyitem *prev = k > 0 ? &items[k - 1] : NULL;

        if (!(t[i].ctx & ctx) || t[i].rank == 0)
            continue;
        if (prev != NULL && strcmp(prev->label, t[i].label) == 0 &&
            prev->rank == t[i].rank) {
            size_t len = strlen(prev->names);

            snprintf(prev->names + len, sizeof prev->names - len, "/%s",
                     t[i].name);
            prev->width =
                ui_text_width(prev->names) + 1 + ui_text_width(prev->label) + 2;
            continue;
        }
        snprintf(items[k].names, sizeof items[k].names, "%s", t[i].name);
        items[k].label = t[i].label;
        items[k].rank = t[i].rank;
        items[k].width =
            ui_text_width(t[i].name) + 1 + ui_text_width(t[i].label) + 2;
        items[k].shown = false;
        k++;
    }
    return k;
}

/* The mode's own key, first on the groups screen's key line. */
static size_t ext_keyitem(const struct ui *ui, unsigned ctx,
                          struct keyitem *items, size_t n, size_t cap)
{
    if (ui->ext_key == 0 || !(ctx & UI_CTX_GROUPS) || n >= cap)
        return n;
    snprintf(items[n].names, sizeof items[n].names, "%c", ui->ext_key);
    items[n].label = ui->ext_label;
    items[n].rank = 1;
    items[n].width = 1 + 1 + ui_text_width(ui->ext_label) + 2;
    items[n].shown = false;
    return n + 1;
}

static void draw_keyline(const struct ui *ui, WINDOW *w, int y, int cols,
                         unsigned ctx)
{
    struct keyitem items[64];
    size_t n = ext_keyitem(ui, ctx, items, keyline_items(ctx, items, 63), 64);
    int used = 0, x = 0;

    ui_fill(w, y, 0, cols, A_NORMAL);
    /* The most important first, while they fit; then in table order. */
    for (unsigned rank = 1; rank < 64; rank++)
        for (size_t i = 0; i < n; i++)
            if (items[i].rank == rank && used + items[i].width <= cols) {
                items[i].shown = true;
                used += items[i].width;
            }
    for (size_t i = 0; i < n; i++) {
        if (!items[i].shown)
            continue;
        x += ui_put(w, y, x, cols - x, ui_attr(UI_ROLE_KEY), items[i].names);
        x += ui_put(w, y, x, cols - x, A_NORMAL, " ");
        x += ui_put(w, y, x, cols - x, ui_attr(UI_ROLE_KEY_LABEL),
                    items[i].label);
        x += ui_put(w, y, x, cols - x, A_NORMAL, "  ");
    }
}

static unsigned input_ctx(const struct ui *ui)
{
    if (ui->prompt.active)
        return UI_CTX_PROMPT;
    if (ui->panel_open)
        return UI_CTX_PANEL;
    return screens[ui->screen]->ctx;
}

void ui_draw(struct ui *ui)
{
    int area, cursor_x = -1;

    measure(ui);
    if (ui->clear_next) {
        clearok(curscr, TRUE);
        ui->clear_next = false;
    }
    werase(stdscr);
    if (too_small(ui)) {
        ui_small_screen.draw(ui, ui->small_state, stdscr, 0, ui->rows,
                             ui->cols);
    } else {
        area = ui->rows - 3;
        ui_refresh_model(ui);
        draw_status(ui, stdscr, 0, ui->cols);
        screens[ui->screen]->draw(ui, ui->state[ui->screen], stdscr, 1, area,
                                  ui->cols);
        if (ui->panel_open)
            ui_cmsg_panel.draw(ui, ui->panel_state, stdscr, 1, area, ui->cols);
        draw_message(ui, stdscr, ui->rows - 2, ui->cols);
        if (ui->prompt.active)
            cursor_x =
                ui_prompt_draw(&ui->prompt, stdscr, ui->rows - 1, ui->cols);
        else
            draw_keyline(ui, stdscr, ui->rows - 1, ui->cols, input_ctx(ui));
    }
    if (cursor_x >= 0) {
        curs_set(1);
        wmove(stdscr, ui->rows - 1, cursor_x);
    } else {
        curs_set(0);
    }
    wnoutrefresh(stdscr);
    doupdate();
    ui->pending = 0;
}

void ui_set_ext_key(struct ui *ui, int key, const char *label)
{
    ui->ext_key = key;
    ui->ext_label = label != NULL ? label : "";
    ui->pending |= UI_DRAW_NOW;
}

bool ui_ext_key_ready(const struct ui *ui, int ch)
{
    return ui->ext_key != 0 && ch == ui->ext_key &&
           ui->screen == UI_SCREEN_GROUPS && !ui->panel_open &&
           !ui->prompt.active;
}
