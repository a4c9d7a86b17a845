/*
 * mcscope ui: "terminal too small" — shown instead of the screens below
 * UI_MIN_COLS x UI_MIN_ROWS, so a tiny terminal gets a readable sentence
 * instead of a garbled table.  Only q works here (and resizing).
 */
#include <stdio.h>
#include <stdlib.h>

#include "draw.h"
#include "uipriv.h"

static void *small_init(struct ui *ui)
{
    (void)ui;
    return calloc(1, 1);
}

static void small_free(void *st)
{
    free(st);
}

static void small_resize(struct ui *ui, void *st, int rows, int cols)
{
    (void)ui;
    (void)st;
    (void)rows;
    (void)cols;
}

static bool small_key(struct ui *ui, void *st, enum ui_action act, int ch)
{
    (void)st;
    (void)ch;
    if (act != UI_ACT_QUIT)
        return false;
    ui->quit = true;
    return true;
}

static void small_draw(struct ui *ui, void *st, WINDOW *w, int top, int rows,
                       int cols)
{
    char lines[3][48];
    int y;

    (void)ui;
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
    .name = "too small",
    .ctx = UI_CTX_SMALL,
    .init = small_init,
    .free = small_free,
    .resize = small_resize,
    .key = small_key,
    .draw = small_draw,
};
