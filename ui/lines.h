/*
 * mcscope ui: a list of text lines for the scrolling screens (detail,
 * help, event log).  A line is an optional prefix in a field of its own
 * width and role (a key name, a label) and a text in a role.  Lines own
 * copies of their texts.
 */
#ifndef MCSCOPE_UI_LINES_H
#define MCSCOPE_UI_LINES_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "colors.h"
#include "keys.h"

struct ui_line {
    char *prefix; /* NULL: none */
    int prefix_width;
    enum ui_role prefix_role;
    char *text;
    enum ui_role role;
};

struct ui_lines {
    struct ui_line *v;
    size_t n, cap;
};

/* Forget every line (the array stays for reuse). */
void ui_lines_clear(struct ui_lines *l);
void ui_lines_free(struct ui_lines *l);

/* Add a line.  Out of memory: the line is left out. */
void ui_lines_add(struct ui_lines *l, enum ui_role role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Add a line with a prefix in a field of prefix_width columns. */
void ui_lines_add2(struct ui_lines *l, enum ui_role prefix_role,
                   int prefix_width, const char *prefix, enum ui_role role,
                   const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Add text word-wrapped to width columns, every line indented. */
void ui_lines_wrap(struct ui_lines *l, enum ui_role role, int indent, int width,
                   const char *text);

/* Draw lines first.. into rows x cols at (y, x) of w. */
void ui_lines_draw(const struct ui_lines *l, WINDOW *w, int y, int x, int rows,
                   int cols, size_t first);

/* Scroll keys (up, down, pages, top, bottom) on a first-line index;
 * false for other actions.  The caller clamps with ui_lines_max_first. */
bool ui_lines_scroll(size_t *first, enum ui_action act, int rows);

/* The first line that can be on top: so that the end is on the last row. */
size_t ui_lines_max_first(const struct ui_lines *l, int rows);

#endif
