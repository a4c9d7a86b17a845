/*
 * mcscope ui: help — made from the key table (keys.c), section by
 * context, then the command language from mc_cmd_verbs: so it lists
 * exactly the keys that work and the commands the parser takes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "lines.h"
#include "screen.h"

#define KEY_WIDTH 12

struct help {
    size_t first;
    int rows, cols;
    struct ui_lines lines;
};

static void *help_init(void)
{
    return calloc(1, sizeof(struct help));
}

static void help_free(void *st)
{
    struct help *h = st;

    ui_lines_free(&h->lines);
    free(h);
}

static void help_resize(void *st, int rows, int cols)
{
    struct help *h = st;

    h->rows = rows;
    h->cols = cols;
}

/* Add name to a line's key list ("Enter", then "Enter, ^M"). */
static void add_key_name(struct ui_line *line, const char *name)
{
    size_t len = strlen(line->prefix), add = strlen(name);
    char *p;

    if (strcmp(line->prefix, name) == 0 ||
        (len > add && strcmp(line->prefix + len - add, name) == 0 &&
         line->prefix[len - add - 1] == ' '))
        return;
    p = realloc(line->prefix, len + add + 3);
    if (p == NULL)
        return;
    memcpy(p + len, ", ", 2);
    memcpy(p + len + 2, name, add + 1);
    line->prefix = p;
}

/* Keys whose command line runs at once (shown in the event log) instead
 * of opening at the prompt. */
static bool acts_at_once(const struct ui_binding *b)
{
    return b->handler == ui_do_step || b->handler == ui_do_loopback ||
           b->handler == ui_do_wire;
}

/* Bindings of one context value, in table order; bindings that do the
 * same thing share a line. */
static void add_section(struct ui_lines *l, unsigned ctx)
{
    size_t n;
    const struct ui_binding *t = ui_bindings(&n);
    const char *last_help = NULL;
    bool any = false;

    for (size_t i = 0; i < n; i++) {
        if (t[i].ctx != ctx)
            continue;
        if (!any)
            ui_lines_add(l, UI_ROLE_TITLE, "%s", ui_ctx_title(ctx));
        any = true;
        if (last_help != NULL && strcmp(last_help, t[i].help) == 0 &&
            l->n > 0 && l->v[l->n - 1].prefix != NULL) {
            add_key_name(&l->v[l->n - 1], t[i].name);
            continue;
        }
        ui_lines_add2(l, UI_ROLE_KEY, KEY_WIDTH, t[i].name, UI_ROLE_NORMAL,
                      "%s%s", t[i].help,
                      acts_at_once(&t[i]) ? " (at once)" : "");
        last_help = t[i].help;
    }
    if (any)
        ui_lines_add(l, UI_ROLE_NORMAL, "%s", "");
}

static void build(struct help *h, const struct ui_ctx *c)
{
    static const unsigned order[] = {
        UI_CTX_MAIN,    UI_CTX_GROUPS, UI_CTX_DETAIL,    UI_CTX_SUB,
        UI_CTX_EVENTS,  UI_CTX_HELP,   UI_CTX_LISTENERS, UI_CTX_STREAMS,
        UI_CTX_QUERIER, UI_CTX_PANEL,  UI_CTX_CHOICE,    UI_CTX_PROMPT,
        UI_CTX_SMALL,
    };
    const struct mc_cmd_verb *verbs;
    size_t nverbs;

    ui_lines_clear(&h->lines);
    ui_lines_wrap(&h->lines, UI_ROLE_NORMAL, 0, h->cols,
                  "Every action is a command line: the key opens it "
                  "prefilled with the selected group, Enter runs it; the "
                  "keys marked (at once) run theirs right away, and the "
                  "event log shows the line.");
    ui_lines_add(&h->lines, UI_ROLE_NORMAL, "%s", "");
    if (c->next > 0) {
        char name[8];

        ui_lines_add(&h->lines, UI_ROLE_TITLE, "The lesson (groups table)");
        for (size_t i = 0; i < c->next; i++) {
            snprintf(name, sizeof name, "%c", c->ext[i].key);
            if (c->ext[i].help != NULL)
                ui_lines_add2(&h->lines, UI_ROLE_KEY, KEY_WIDTH, name,
                              UI_ROLE_NORMAL, "%s: %s", c->ext[i].label,
                              c->ext[i].help);
            else
                ui_lines_add2(&h->lines, UI_ROLE_KEY, KEY_WIDTH, name,
                              UI_ROLE_NORMAL,
                              "%s: the stage that waits starts; pressed "
                              "while one runs, the next starts when it ends",
                              c->ext[i].label);
        }
        ui_lines_add(&h->lines, UI_ROLE_NORMAL, "%s", "");
    }
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
        add_section(&h->lines, order[i]);
    ui_lines_add(&h->lines, UI_ROLE_TITLE,
                 "Commands (at ':', with -e, in scripts)");
    verbs = mc_cmd_verbs(&nverbs);
    for (size_t i = 0; i < nverbs; i++) {
        ui_lines_add(&h->lines, UI_ROLE_KEY_LABEL, "  %s", verbs[i].usage);
        ui_lines_wrap(&h->lines, UI_ROLE_DIM, 6, h->cols, verbs[i].help);
    }
}

static void help_draw(const struct ui_ctx *c, void *st, WINDOW *w, int top,
                      int rows, int cols)
{
    struct help *h = st;
    char title[96];
    size_t max;

    h->cols = cols;
    build(h, c);
    snprintf(title, sizeof title,
             "Help (%s/%s PgUp/PgDn scroll, Esc or ? back)", UI_G_UP,
             UI_G_DOWN);
    ui_put(w, top, 0, cols, ui_attr(UI_ROLE_TITLE), title);
    max = ui_lines_max_first(&h->lines, rows - 1);
    if (h->first > max)
        h->first = max;
    ui_lines_draw(&h->lines, w, top + 1, 0, rows - 1, cols, h->first);
}

static unsigned help_key(struct ui_ctx *c, void *st, enum ui_action act, int ch,
                         struct ui_reply *out)
{
    struct help *h = st;

    (void)c;
    (void)ch;
    (void)out;
    ui_lines_scroll(&h->first, act, h->rows - 1);
    return UI_R_REDRAW;
}

const struct ui_screen_ops ui_help_screen = {
    .ctx = UI_CTX_HELP,
    .init = help_init,
    .free = help_free,
    .resize = help_resize,
    .key = help_key,
    .draw = help_draw,
};
