/*
 * mcscope ui: "terminal too small" — the overlay over everything (the
 * frame included) below UI_MIN_COLS x UI_MIN_ROWS, so a tiny terminal
 * gets a readable sentence instead of a garbled table.  Only q works here
 * (and resizing).
 */
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "screen.h"

static void *small_init(void)
{
    return calloc(1, 1);
}

static void small_free(void *st)
{
    free(st);
}

static void small_resize(void *st, int rows, int cols)
{
    (void)st;
    (void)rows;
    (void)cols;
}

/* Nothing of its own: its one key, q, is a handler (keys.c). */
static unsigned small_key(struct ui_ctx *c, void *st, enum ui_action act,
                          int ch, struct ui_reply *out)
{
    (void)c;
    (void)st;
    (void)act;
    (void)ch;
    (void)out;
    return UI_R_NONE;
}

static void small_draw(const struct ui_ctx *c, void *st, WINDOW *w, int top,
                       int rows, int cols)
{
    char lines[3][48];
    int y;

    (void)c;
    (void)st;
    snprintf(lines[0], sizeof lines[0], "terminal too small");
    snprintf(lines[1], sizeof lines[1], "%dx%d, need %dx%d", cols, rows,
             UI_MIN_COLS, UI_MIN_ROWS);
    snprintf(lines[2], sizeof lines[2], "q quits");
    y = top + (rows > 3 ? (rows - 3) / 2 : 0);
    for (int i = 0; i < 3 && y + i < top + rows; i++) {
        int tw = ui_text_width(lines[i]);
        int x = tw < cols ? (cols - tw) / 2 : 0;

        ui_put(w, y + i, x, cols - x,
               ui_attr(i == 0 ? UI_ROLE_WARN : UI_ROLE_NORMAL), lines[i]);
    }
}

const struct ui_screen_ops ui_small_screen = {
    .ctx = UI_CTX_SMALL,
    .full = true,
    .init = small_init,
    .free = small_free,
    .resize = small_resize,
    .key = small_key,
    .draw = small_draw,
};
