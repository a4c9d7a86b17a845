/*
 * mcscope ui: a list to choose from — an overlay over the screen, one
 * line per item, the selected one marked; Enter picks it (the mode's
 * callback runs, the list closes), Esc closes it.  The lab's lesson list
 * (ui_open_choice).
 */
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "screen.h"

struct choice {
    const char *title;
    const char *const *items;
    size_t n, sel, first;
    int rows;
    void (*pick)(void *arg, size_t i);
    void *arg;
};

static void *choice_init(void)
{
    return calloc(1, sizeof(struct choice));
}

static void choice_free(void *st)
{
    free(st);
}

static void choice_resize(void *st, int rows, int cols)
{
    struct choice *p = st;

    (void)cols;
    p->rows = rows;
}

void ui_choice_set(void *st, const char *title, const char *const *items,
                   size_t n, void (*pick)(void *arg, size_t i), void *arg)
{
    struct choice *p = st;

    p->title = title;
    p->items = items;
    p->n = n;
    p->sel = p->first = 0;
    p->pick = pick;
    p->arg = arg;
}

static unsigned choice_key(struct ui_ctx *c, void *st, enum ui_action act,
                           int ch, struct ui_reply *out)
{
    struct choice *p = st;

    (void)c;
    (void)ch;
    (void)out;
    if (p->n == 0)
        return UI_R_CLOSE;
    switch (act) {
    case UI_ACT_UP:
        p->sel = p->sel > 0 ? p->sel - 1 : p->n - 1;
        return UI_R_REDRAW;
    case UI_ACT_DOWN:
        p->sel = (p->sel + 1) % p->n;
        return UI_R_REDRAW;
    case UI_ACT_PICK:
        if (p->pick != NULL)
            p->pick(p->arg, p->sel);
        return UI_R_CLOSE | UI_R_REBUILD;
    default:
        return UI_R_NONE;
    }
}

static void choice_draw(const struct ui_ctx *c, void *st, WINDOW *w, int top,
                        int rows, int cols)
{
    struct choice *p = st;
    int wd = cols - 4 < 100 ? cols - 4 : 100;
    int h = (int)p->n + 2 < rows ? (int)p->n + 2 : rows;
    int y = top + (rows - h) / 2, x = (cols - wd) / 2, shown = h - 2;

    (void)c;
    if (shown < 1)
        return;
    if (p->sel < p->first)
        p->first = p->sel;
    if (p->sel >= p->first + (size_t)shown)
        p->first = p->sel - (size_t)shown + 1;
    ui_box(w, y, x, h, wd, ui_attr(UI_ROLE_RULE));
    ui_put(w, y, x + 2, wd - 4, ui_attr(UI_ROLE_TITLE), p->title);
    for (int i = 0; i < shown && p->first + (size_t)i < p->n; i++) {
        size_t k = p->first + (size_t)i;

        ui_put_field(w, y + 1 + i, x + 1, wd - 2, false,
                     ui_attr(k == p->sel ? UI_ROLE_SELECTED : UI_ROLE_NORMAL),
                     p->items[k]);
    }
}

const struct ui_screen_ops ui_choice_list = {
    .ctx = UI_CTX_CHOICE,
    .init = choice_init,
    .free = choice_free,
    .resize = choice_resize,
    .key = choice_key,
    .draw = choice_draw,
};
