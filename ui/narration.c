/* mcscope ui: the narration pane (see narration.h). */
#include "narration.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "lines.h"

static void clear_text(struct ui_narration *nr)
{
    for (size_t i = 0; i < nr->n; i++)
        free(nr->text[i]);
    nr->n = 0;
}

void ui_narration_set(struct ui_narration *nr, const struct mc_monitor *m,
                      const char *head, bool fresh)
{
    if (fresh || head == NULL) {
        clear_text(nr);
        nr->scanned = mc_monitor_last_event_seq(m);
    }
    nr->on = head != NULL;
    snprintf(nr->head, sizeof nr->head, "%s", head != NULL ? head : "");
}

static void add_text(struct ui_narration *nr, const char *s)
{
    char *copy;

    if (nr->n == nr->cap) {
        size_t cap = nr->cap < 8 ? 8 : nr->cap * 2;
        char **v = realloc(nr->text, cap * sizeof *v);

        if (v == NULL)
            return;
        nr->text = v;
        nr->cap = cap;
    }
    if ((copy = strdup(s)) != NULL)
        nr->text[nr->n++] = copy;
}

void ui_narration_collect(struct ui_narration *nr, const struct mc_monitor *m)
{
    uint64_t last = mc_monitor_last_event_seq(m);
    char text[MC_EVENT_TEXT_MAX];

    if (!nr->on) {
        nr->scanned = last;
        return;
    }
    for (uint64_t seq = nr->scanned + 1; seq <= last; seq++) {
        struct mc_event e;

        if (mc_monitor_event_by_seq(m, seq, &e) == 0 && e.kind == MC_EV_ECHO)
            add_text(nr, mc_event_format(&e, text, sizeof text,
                                         ui_utf8() ? MC_EVENT_UTF8 : 0));
    }
    nr->scanned = last;
}

void ui_narration_free(struct ui_narration *nr)
{
    clear_text(nr);
    free(nr->text);
    nr->text = NULL;
    nr->cap = 0;
    nr->on = false;
}

/* The head's lines: the first goes on the rule, the rest under it. */
static void head_lines(const struct ui_narration *nr, int cols,
                       struct ui_lines *out)
{
    ui_lines_wrap(out, UI_ROLE_TITLE, 1, cols > 6 ? cols - 4 : cols, nr->head);
}

static void wrapped(const struct ui_narration *nr, int cols,
                    struct ui_lines *out)
{
    struct ui_lines h = {0};

    head_lines(nr, cols, &h);
    for (size_t i = 1; i < h.n; i++)
        ui_lines_add(out, UI_ROLE_TITLE, "  %s", h.v[i].text + 1);
    ui_lines_free(&h);
    for (size_t i = 0; i < nr->n; i++)
        ui_lines_wrap(out, UI_ROLE_EV_ECHO, 1, cols, nr->text[i]);
}

int ui_narration_rows(const struct ui_narration *nr, int cols)
{
    struct ui_lines l = {0};
    int rows;

    if (!nr->on)
        return 0;
    wrapped(nr, cols, &l);
    rows = 1 + (int)l.n;
    ui_lines_free(&l);
    return rows;
}

void ui_narration_draw(const struct ui_narration *nr, WINDOW *w, int top,
                       int rows, int cols)
{
    struct ui_lines l = {0}, h = {0};
    char title[320];
    size_t first = 0;

    if (!nr->on || rows < 1)
        return;
    head_lines(nr, cols, &h);
    wrapped(nr, cols, &l);
    if (l.n > (size_t)rows - 1)
        first = l.n - ((size_t)rows - 1);
    ui_hrule(w, top, 0, cols, ui_attr(UI_ROLE_RULE));
    if (first > 0)
        snprintf(title, sizeof title,
                 " %s " UI_G_HLINE " %zu earlier lines: e shows them ",
                 h.n > 0 ? h.v[0].text + 1 : "", first);
    else
        snprintf(title, sizeof title, " %s ", h.n > 0 ? h.v[0].text + 1 : "");
    ui_lines_free(&h);
    ui_put(w, top, cols > 4 ? 2 : 0, cols > 4 ? cols - 2 : cols,
           ui_attr(UI_ROLE_TITLE), title);
    ui_lines_draw(&l, w, top + 1, 0, rows - 1, cols, first);
    ui_lines_free(&l);
}
