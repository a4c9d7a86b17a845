/* mcscope ui: lines of text for the scrolling screens (see lines.h). */
#include "lines.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"

void ui_lines_clear(struct ui_lines *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].prefix);
        free(l->v[i].text);
    }
    l->n = 0;
}

void ui_lines_free(struct ui_lines *l)
{
    ui_lines_clear(l);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static struct ui_line *new_line(struct ui_lines *l)
{
    if (l->n == l->cap) {
        size_t ncap = l->cap < 32 ? 32 : l->cap * 2;
        struct ui_line *nv = realloc(l->v, ncap * sizeof *nv);

        if (nv == NULL)
            return NULL;
        l->v = nv;
        l->cap = ncap;
    }
    memset(&l->v[l->n], 0, sizeof l->v[0]);
    return &l->v[l->n];
}

static void add_va(struct ui_lines *l, enum ui_role prefix_role,
                   int prefix_width, const char *prefix, enum ui_role role,
                   const char *fmt, va_list ap)
{
    struct ui_line *line = new_line(l);

    if (line == NULL || vasprintf(&line->text, fmt, ap) < 0)
        return;
    if (prefix != NULL && (line->prefix = strdup(prefix)) == NULL) {
        free(line->text);
        return;
    }
    line->prefix_role = prefix_role;
    line->prefix_width = prefix_width;
    line->role = role;
    l->n++;
}

void ui_lines_add(struct ui_lines *l, enum ui_role role, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    add_va(l, UI_ROLE_NORMAL, 0, NULL, role, fmt, ap);
    va_end(ap);
}

void ui_lines_add2(struct ui_lines *l, enum ui_role prefix_role,
                   int prefix_width, const char *prefix, enum ui_role role,
                   const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    add_va(l, prefix_role, prefix_width, prefix, role, fmt, ap);
    va_end(ap);
}

void ui_lines_wrap(struct ui_lines *l, enum ui_role role, int indent, int width,
                   const char *text)
{
    char buf[512];
    int room = width - indent;

    if (room < 10)
        room = 10;
    while (*text != '\0') {
        size_t len = strlen(text), cut = len, o;

        while (*text == ' ')
            text++;
        len = strlen(text);
        cut = len;
        if (ui_text_width(text) > room) {
            ui_cut(buf, sizeof buf, text, room);
            cut = strlen(buf);
            /* break at the last blank that fits, if there is one */
            for (o = cut; o > 0 && text[o] != ' '; o--)
                ;
            if (o > 0)
                cut = o;
        }
        if (cut >= sizeof buf)
            cut = sizeof buf - 1;
        memcpy(buf, text, cut);
        buf[cut] = '\0';
        ui_lines_add(l, role, "%*s%s", indent, "", buf);
        text += cut;
        if (cut == 0)
            break;
    }
}

void ui_lines_draw(const struct ui_lines *l, WINDOW *w, int y, int x, int rows,
                   int cols, size_t first)
{
    for (int r = 0; r < rows; r++) {
        size_t i = first + (size_t)r;
        const struct ui_line *line;
        int at = x;

        ui_fill(w, y + r, x, cols, A_NORMAL);
        if (i >= l->n)
            continue;
        line = &l->v[i];
        if (line->prefix != NULL) {
            ui_put(w, y + r, at, line->prefix_width, ui_attr(line->prefix_role),
                   line->prefix);
            at += line->prefix_width + 1;
        }
        ui_put(w, y + r, at, cols - (at - x), ui_attr(line->role), line->text);
    }
}

size_t ui_lines_max_first(const struct ui_lines *l, int rows)
{
    if (rows <= 0 || l->n <= (size_t)rows)
        return 0;
    return l->n - (size_t)rows;
}

bool ui_lines_scroll(size_t *first, enum ui_action act, int rows)
{
    size_t page = rows > 2 ? (size_t)rows - 2 : 1;

    switch (act) {
    case UI_ACT_UP:
        *first -= *first > 0;
        return true;
    case UI_ACT_DOWN:
        (*first)++;
        return true;
    case UI_ACT_PAGE_UP:
        *first = *first > page ? *first - page : 0;
        return true;
    case UI_ACT_PAGE_DOWN:
        *first += page;
        return true;
    case UI_ACT_TOP:
        *first = 0;
        return true;
    case UI_ACT_BOTTOM:
        *first = SIZE_MAX / 2; /* clamped when drawn */
        return true;
    default:
        return false;
    }
}
