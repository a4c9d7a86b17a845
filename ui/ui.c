/*
 * mcscope ui: the UI — its state (struct ui, private to this file), the
 * stack of layers (a screen, overlays over it), key dispatch through the
 * key table, carrying out the reactions keys return, and the frame
 * around the screens: status line, message line (exec.c), key line and
 * prompt.
 */
#include "ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "format.h"
#include "mcscope/cmsg.h"
#include "screen.h"

#define MAX_LAYERS 4 /* a screen, the panel, "too small" */

static const struct ui_screen_ops *const screens[UI_SCREEN_COUNT] = {
    [UI_SCREEN_GROUPS] = &ui_groups_screen,
    [UI_SCREEN_DETAIL] = &ui_detail_screen,
    [UI_SCREEN_EVENTS] = &ui_events_screen,
    [UI_SCREEN_HELP] = &ui_help_screen,
    [UI_SCREEN_LISTENERS] = &ui_listeners_screen,
    [UI_SCREEN_STREAMS] = &ui_streams_screen,
    [UI_SCREEN_QUERIER] = &ui_querier_screen,
};

/* A screen or an overlay, with its state. */
struct layer {
    const struct ui_screen_ops *ops;
    void *st;
};

struct ui {
    struct mc_monitor *m;
    int rows, cols;
    enum ui_screen_id screen;
    void *state[UI_SCREEN_COUNT];
    void *panel_state;
    void *small_state;
    void *choice_state;
    /* layers[0] is the screen; the top one has the input */
    struct layer layers[MAX_LAYERS];
    size_t nlayers;
    struct ui_prompt prompt;
    struct ui_model model;    /* the groups table */
    struct ui_exec exec;      /* command lines and the message line */
    struct ui_ctx ctx;        /* what screens and handlers see */
    struct ui_narration narr; /* a lesson's words (ui_set_lesson) */

    const char *quit_question; /* ui_set_quit_confirm, or NULL */
    bool quit_asked;           /* the question is on the message line */
    uint64_t follow_seq;       /* events ui_model_follow has seen */
    int pending;               /* UI_DRAW_* */
    bool clear_next;           /* ^L: repaint every cell */
    bool quit;
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
    /* a click selects a row, a double click opens it, the wheel scrolls
     * (KEY_MOUSE); Shift+drag still selects text in most terminals */
    mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED |
                  BUTTON5_PRESSED,
              NULL);
    ui_draw_init();
    ui_colors_init(colour);
}

struct ui *ui_new(struct mc_monitor *m, bool colour)
{
    struct ui *ui = calloc(1, sizeof *ui);

    if (ui == NULL)
        return NULL;
    ui->m = m;
    ui->exec.m = m;
    ui->exec.md = &ui->model;
    ui->prompt.m = m;
    ui->ctx = (struct ui_ctx){.m = m,
                              .model = &ui->model,
                              .exec = &ui->exec,
                              .last_opt = MC_OPT_MCAST_HOPLIMIT,
                              .narr = &ui->narr};
    terminal_modes(colour);
    for (int i = 0; i < UI_SCREEN_COUNT; i++) {
        ui->state[i] = screens[i]->init();
        if (ui->state[i] == NULL) {
            ui_free(ui);
            return NULL;
        }
    }
    ui->panel_state = ui_cmsg_panel.init();
    ui->small_state = ui_small_screen.init();
    ui->choice_state = ui_choice_list.init();
    if (ui->panel_state == NULL || ui->small_state == NULL ||
        ui->choice_state == NULL) {
        ui_free(ui);
        return NULL;
    }
    ui->layers[0] = (struct layer){screens[0], ui->state[0]};
    ui->nlayers = 1;
    ui->follow_seq = mc_monitor_last_event_seq(m);
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
    if (ui->choice_state != NULL)
        ui_choice_list.free(ui->choice_state);
    ui_prompt_free(&ui->prompt);
    ui_model_free(&ui->model);
    ui_narration_free(&ui->narr);
    free(ui);
}

/* ---- layers ---- */

static const struct layer *top(const struct ui *ui)
{
    return &ui->layers[ui->nlayers - 1];
}

static bool has_overlay(const struct ui *ui, const struct ui_screen_ops *ops)
{
    for (size_t i = 1; i < ui->nlayers; i++)
        if (ui->layers[i].ops == ops)
            return true;
    return false;
}

static void push_overlay(struct ui *ui, const struct ui_screen_ops *ops,
                         void *st)
{
    if (has_overlay(ui, ops) || ui->nlayers == MAX_LAYERS)
        return;
    ui->layers[ui->nlayers++] = (struct layer){ops, st};
}

static void remove_overlay(struct ui *ui, const struct ui_screen_ops *ops)
{
    for (size_t i = 1; i < ui->nlayers; i++)
        if (ui->layers[i].ops == ops) {
            memmove(&ui->layers[i], &ui->layers[i + 1],
                    (ui->nlayers - i - 1) * sizeof ui->layers[0]);
            ui->nlayers--;
            return;
        }
}

/* The rows a layer gets: the area inside the frame, or all of them. */
static int layer_rows(const struct ui *ui, const struct ui_screen_ops *ops)
{
    return ops->full ? ui->rows : ui->rows - 3;
}

static void show_screen(struct ui *ui, enum ui_screen_id id)
{
    if ((int)id < 0 || id >= UI_SCREEN_COUNT)
        return;
    ui->screen = id;
    ui->layers[0] = (struct layer){screens[id], ui->state[id]};
    screens[id]->resize(ui->state[id], layer_rows(ui, screens[id]), ui->cols);
    ui->pending |= UI_DRAW_NOW;
}

void ui_show(struct ui *ui, enum ui_screen_id id)
{
    show_screen(ui, id);
}

bool ui_quit_requested(const struct ui *ui)
{
    return ui->quit;
}

bool ui_keep_screen(const struct ui *ui)
{
    return ui->quit && ui->ctx.keep_screen;
}

/* Take the terminal's size; "too small" is an overlay while it is. */
static void measure(struct ui *ui)
{
    int rows, cols;

    getmaxyx(stdscr, rows, cols);
    if (rows == ui->rows && cols == ui->cols)
        return;
    ui->rows = rows;
    ui->cols = cols;
    for (int i = 0; i < UI_SCREEN_COUNT; i++)
        screens[i]->resize(ui->state[i], layer_rows(ui, screens[i]), cols);
    ui_cmsg_panel.resize(ui->panel_state, layer_rows(ui, &ui_cmsg_panel), cols);
    ui_small_screen.resize(ui->small_state, layer_rows(ui, &ui_small_screen),
                           cols);
    ui_choice_list.resize(ui->choice_state, layer_rows(ui, &ui_choice_list),
                          cols);
    if (cols < UI_MIN_COLS || rows < UI_MIN_ROWS)
        push_overlay(ui, &ui_small_screen, ui->small_state);
    else
        remove_overlay(ui, &ui_small_screen);
}

/* ---- keys ---- */

/* Carry out what a key asked for. */
static void react(struct ui *ui, unsigned r, const struct ui_reply *out)
{
    if (r & UI_R_REBUILD)
        ui_model_refresh(&ui->model, ui->m);
    if (r & UI_R_RUN)
        ui_exec(&ui->exec, out->line);
    if (r & UI_R_PROMPT)
        ui_prompt_open(&ui->prompt, UI_PROMPT_COMMAND, out->line, out->cursor);
    if (r & UI_R_FILTER)
        ui_prompt_open(&ui->prompt, UI_PROMPT_FILTER, ui->model.filter,
                       SIZE_MAX);
    if (r & UI_R_SHOW)
        show_screen(ui, out->screen);
    if (r & UI_R_PANEL)
        push_overlay(ui, &ui_cmsg_panel, ui->panel_state);
    if (r & UI_R_CLOSE && ui->nlayers > 1)
        ui->nlayers--;
    if (r & UI_R_REPAINT)
        ui->clear_next = true;
    if ((r & UI_R_QUIT) && ui->quit_question != NULL) {
        ui->quit_asked = true; /* the next key answers */
        ui_message(&ui->exec, UI_ROLE_WARN, "%s", ui->quit_question);
    } else if (r & UI_R_QUIT) {
        ui->quit = true;
    }
    ui->pending |= UI_DRAW_NOW;
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
    ui_exec(&ui->exec, line);
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
         * logs the refusal (nothing changes) and the line stays.  A line
         * with a character that is not ASCII never runs: what the parser
         * made of it is not what was typed. */
        if (ui->prompt.not_ascii)
            break;
        ui_prompt_remember(&ui->prompt, ui->prompt.text);
        ui_exec(&ui->exec, ui->prompt.text);
        break;
    case UI_PROMPT_CANCEL:
        ui_prompt_close(&ui->prompt);
        if (filter)
            ui_model_set_filter(&ui->model, "");
        break;
    case UI_PROMPT_CHANGED:
        if (filter)
            ui_model_set_filter(&ui->model, ui->prompt.text);
        break;
    default:
        break;
    }
}

void ui_key(struct ui *ui, int ch)
{
    const struct layer *l;
    const struct ui_binding *b;
    struct ui_reply out = {.screen = UI_SCREEN_GROUPS};
    unsigned r;

    ui->pending |= UI_DRAW_NOW;
    measure(ui);
    if (ch == KEY_RESIZE || ch == ERR)
        return;
    if (ui->quit_asked) {
        ui->quit_asked = false;
        if (ch == 'y' || ch == 'q' || ch == KEY_F(10) || ch == 3 /* ^C */)
            ui->quit = true;
        else
            ui_message(&ui->exec, UI_ROLE_EV_INFO, "%s",
                       "not quitting: all goes on");
        ui->ctx.keep_screen = ui->quit && ui->ctx.keep_screen;
        return;
    }
    l = top(ui);
    if (ui->prompt.active && !l->ops->full) {
        prompt_key(ui, ch);
        return;
    }
    b = ui_binding_find(ch, l->ops->ctx);
    if (b == NULL)
        return;
    if (b->command != NULL)
        r = ui_fill_command(&ui->ctx, b->command, &out);
    else if (b->handler != NULL)
        r = b->handler(&ui->ctx, b, &out);
    else
        r = l->ops->key(&ui->ctx, l->st, b->action, ch, &out);
    react(ui, r, &out);
}

void ui_monitor_changed(struct ui *ui, int mon_flags)
{
    ui_narration_collect(&ui->narr, ui->m);
    if (ui_exec_captions(&ui->exec))
        mon_flags |= MC_MON_EVENTS;
    if (mon_flags & (MC_MON_EVENTS | MC_MON_TICK))
        ui->pending |= UI_DRAW_NOW;
    if ((mon_flags & MC_MON_PACKETS) && !ui->model.paused)
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
    size_t n;
    const struct mc_cm_flag_info *f = mc_cm_flags(&n);

    status_put(w, y, x, cols, UI_ROLE_STATUS, "cmsg");
    for (size_t i = 0; i < n; i++) {
        bool on = (flags & f[i].flag) != 0;

        status_put(w, y, x, cols, UI_ROLE_STATUS, " ");
        status_put(w, y, x, cols, on ? UI_ROLE_STATUS_ON : UI_ROLE_STATUS,
                   on ? f[i].label_on : f[i].label_off);
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
    if (ui->model.paused)
        status_put(w, y, &x, cols, UI_ROLE_PAUSED, "PAUSED");
    status_put(w, y, &x, cols, UI_ROLE_STATUS, ui->model.paused ? " " : "");
    /* the wire state early: it stays at 80 columns */
    if (s.pcap || s.captures_open > 0)
        snprintf(text, sizeof text, UI_G_VLINE " wire on (%zu open) ",
                 s.captures_open);
    else
        snprintf(text, sizeof text, UI_G_VLINE " wire off ");
    status_put(w, y, &x, cols, UI_ROLE_STATUS, text);
    status_put(w, y, &x, cols, UI_ROLE_STATUS, UI_G_VLINE " ");
    snprintf(text, sizeof text,
             "hops %s mhops %s tclass %s loop %s all %s mif %s " UI_G_VLINE " ",
             hops, mhops, tc,
             (a->ok ? a->loopback : b->loopback) ? "on" : "off",
             s.multicast_all ? "on" : "off", mif);
    status_put(w, y, &x, cols, UI_ROLE_STATUS, text);
    status_cmsg(w, y, &x, cols, s.cm_flags);
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

/* The mode's own keys, first on the groups screen's key line. */
static size_t ext_keyitems(const struct ui *ui, unsigned ctx,
                           struct keyitem *items, size_t n, size_t cap)
{
    if (!(ctx & UI_CTX_GROUPS))
        return n;
    for (size_t i = 0; i < ui->ctx.next && n < cap; i++, n++) {
        const struct ui_ext_key *k = &ui->ctx.ext[i];

        snprintf(items[n].names, sizeof items[n].names, "%c", k->key);
        items[n].label = k->label;
        items[n].rank = i == 0 ? 1 : 16;
        items[n].width = 1 + 1 + ui_text_width(k->label) + 2;
        items[n].shown = false;
    }
    return n;
}

static void draw_keyline(const struct ui *ui, WINDOW *w, int y, int cols,
                         unsigned ctx)
{
    struct keyitem items[64];
    size_t n = ext_keyitems(ui, ctx, items,
                            keyline_items(ctx, items, 64 - UI_EXT_KEYS), 64);
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
    return top(ui)->ops->ctx;
}

void ui_draw(struct ui *ui)
{
    const struct layer *l;
    int area, cursor_x = -1;

    measure(ui);
    ui_narration_collect(&ui->narr, ui->m);
    ui_model_follow(&ui->model, ui->m, &ui->follow_seq);
    l = top(ui);
    if (ui->clear_next) {
        clearok(curscr, TRUE);
        ui->clear_next = false;
    }
    werase(stdscr);
    if (l->ops->full) {
        l->ops->draw(&ui->ctx, l->st, stdscr, 0, ui->rows, ui->cols);
    } else {
        area = ui->rows - 3;
        ui_model_refresh(&ui->model, ui->m);
        draw_status(ui, stdscr, 0, ui->cols);
        for (size_t i = 0; i < ui->nlayers; i++)
            ui->layers[i].ops->draw(&ui->ctx, ui->layers[i].st, stdscr, 1, area,
                                    ui->cols);
        ui_message_draw(&ui->exec, &ui->prompt, &ui->model, stdscr,
                        ui->rows - 2, ui->cols);
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

void ui_set_lesson(struct ui *ui, const char *head, bool fresh)
{
    ui_narration_collect(&ui->narr, ui->m); /* what came before it */
    ui_narration_set(&ui->narr, ui->m, head, fresh);
    ui->pending |= UI_DRAW_NOW;
}

void ui_set_quit_confirm(struct ui *ui, const char *question)
{
    ui->quit_question = question;
}

void ui_set_ext_key(struct ui *ui, int key, const char *label)
{
    ui->ctx.ext[0] = (struct ui_ext_key){
        .key = key, .label = label != NULL ? label : "", .help = NULL};
    if (key == 0)
        ui->ctx.next = 0;
    else if (ui->ctx.next == 0)
        ui->ctx.next = 1;
    ui->pending |= UI_DRAW_NOW;
}

void ui_add_ext_key(struct ui *ui, int key, const char *label, const char *help)
{
    if (ui->ctx.next == 0 || ui->ctx.next >= UI_EXT_KEYS)
        return;
    ui->ctx.ext[ui->ctx.next++] = (struct ui_ext_key){
        .key = key, .label = label != NULL ? label : "", .help = help};
    ui->pending |= UI_DRAW_NOW;
}

bool ui_ext_key_ready(const struct ui *ui, int ch)
{
    bool mine = false;

    for (size_t i = 0; i < ui->ctx.next; i++)
        mine = mine || ch == ui->ctx.ext[i].key;
    return mine && ui->screen == UI_SCREEN_GROUPS &&
           !has_overlay(ui, &ui_cmsg_panel) &&
           !has_overlay(ui, &ui_choice_list) && !ui->prompt.active;
}

void ui_open_choice(struct ui *ui, const char *title, const char *const *items,
                    size_t n, void (*pick)(void *arg, size_t i), void *arg)
{
    ui_choice_set(ui->choice_state, title, items, n, pick, arg);
    push_overlay(ui, &ui_choice_list, ui->choice_state);
    ui->pending |= UI_DRAW_NOW;
}
