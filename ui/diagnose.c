/*
 * mcscope ui: the diagnosis of the selected group ('D'): `diagnose` runs
 * for it (the monitor reads the evidence anew on every tick, never while
 * this draws) and this screen shows the answer — the verdict, then every
 * check, failures first, each with its evidence and fix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "lines.h"
#include "screen.h"

/* "fail    socket_overflow  " */
#define HEAD_W 25

struct dg {
    size_t first;
    int rows, cols;
    struct ui_lines lines;
};

static void *dg_init(void)
{
    return calloc(1, sizeof(struct dg));
}

static void dg_free(void *st)
{
    struct dg *s = st;

    ui_lines_free(&s->lines);
    free(s);
}

static void dg_resize(void *st, int rows, int cols)
{
    struct dg *s = st;

    s->rows = rows;
    s->cols = cols;
}

/* The diagnosis of the selected group, else the newest one. */
static const struct mc_diagnosis *pick(const struct ui_ctx *c)
{
    const struct ui_row *g = ui_model_selected_group(c->model);
    size_t n = mc_monitor_ndiagnoses(c->m);

    for (size_t i = n; g != NULL && i-- > 0;) {
        const struct mc_diagnosis *d = mc_monitor_diagnosis(c->m, i);
        const char *ifn = g->ifname[0] ? g->ifname : g->chosen_if;

        if (mc_addr_equal(&d->t.group, &g->addr) && d->t.port == g->port &&
            (ifn[0] == '\0' || strcmp(d->t.ifname, ifn) == 0))
            return d;
    }
    return n > 0 ? mc_monitor_diagnosis(c->m, n - 1) : NULL;
}

static enum ui_role role_of(enum mc_diag_status st)
{
    switch (st) {
    case MC_DIAG_FAIL:
        return UI_ROLE_EV_ERROR;
    case MC_DIAG_WARN:
        return UI_ROLE_WARN;
    case MC_DIAG_UNKNOWN:
        return UI_ROLE_DIM;
    default:
        return UI_ROLE_NORMAL;
    }
}

/* text in lines of at most width columns (broken at blanks), the first
 * after head in its field, the others under it. */
static void add_wrapped(struct ui_lines *l, const char *head,
                        enum ui_role hrole, enum ui_role role, const char *text,
                        int width)
{
    const char *p = text;
    bool first = true;

    while (*p != '\0') {
        size_t n = strlen(p);

        if ((int)n > width) {
            n = (size_t)width;
            while (n > 0 && p[n] != ' ')
                n--;
            if (n == 0)
                n = (size_t)width;
        }
        ui_lines_add2(l, hrole, HEAD_W, first ? head : "", role, "%.*s", (int)n,
                      p);
        p += n;
        while (*p == ' ')
            p++;
        first = false;
    }
}

static void build(const struct ui_ctx *c, struct dg *s)
{
    const struct mc_diagnosis *d = pick(c);
    size_t idx[MC_DIAG_NCHECKS];
    char t[2 * MC_ADDR_STRLEN + IF_NAMESIZE + 32];
    int width = s->cols > HEAD_W + 20 ? s->cols - HEAD_W - 1 : 20;

    ui_lines_clear(&s->lines);
    if (d == NULL) {
        ui_lines_add(&s->lines, UI_ROLE_DIM,
                     "no diagnosis yet: select a group and press D, or type "
                     ":diagnose GROUP [SOURCE] [dev IFACE] [port N]");
        return;
    }
    ui_lines_add(&s->lines, role_of(d->verdict),
                 "diagnose %s: %s — %u fail, %u warn, %u unknown",
                 mc_diag_target_format(&d->t, t, sizeof t),
                 mc_diag_status_name(d->verdict), d->nfail, d->nwarn,
                 d->nunknown);
    ui_lines_add(&s->lines, UI_ROLE_NORMAL, "%s", "");
    mc_diag_order(d, idx);
    for (size_t k = 0; k < MC_DIAG_NCHECKS; k++) {
        const struct mc_diag_result *r = &d->checks[idx[k]];
        char head[40];

        snprintf(head, sizeof head, "%-7s %-16s",
                 mc_diag_status_name(r->status), mc_diag_id_name(r->id));
        add_wrapped(&s->lines, head, role_of(r->status), UI_ROLE_NORMAL,
                    r->evidence, width);
        if (r->fix[0] != '\0' && r->status != MC_DIAG_OK) {
            char fix[MC_DIAG_TEXT_MAX + 8];

            snprintf(fix, sizeof fix, "fix: %s", r->fix);
            add_wrapped(&s->lines, "", UI_ROLE_NORMAL, UI_ROLE_GROUP, fix,
                        width);
        }
    }
}

static void dg_draw(const struct ui_ctx *c, void *st, WINDOW *w, int top,
                    int rows, int cols)
{
    struct dg *s = st;
    char title[160];
    size_t max;

    s->cols = cols;
    build(c, s);
    snprintf(title, sizeof title,
             "Diagnosis: why does the stream not arrive — failures first, "
             "live (%s/%s scroll, Esc back)",
             UI_G_UP, UI_G_DOWN);
    ui_put(w, top, 0, cols, ui_attr(UI_ROLE_TITLE), title);
    max = ui_lines_max_first(&s->lines, rows - 1);
    if (s->first > max)
        s->first = max;
    ui_lines_draw(&s->lines, w, top + 1, 0, rows - 1, cols, s->first);
}

static unsigned dg_key(struct ui_ctx *c, void *st, enum ui_action act, int ch,
                       struct ui_reply *out)
{
    struct dg *s = st;

    (void)c;
    (void)ch;
    (void)out;
    ui_lines_scroll(&s->first, act, s->rows);
    return UI_R_REDRAW;
}

const struct ui_screen_ops ui_diagnose_screen = {
    .ctx = UI_CTX_DIAGNOSE,
    .init = dg_init,
    .free = dg_free,
    .resize = dg_resize,
    .key = dg_key,
    .draw = dg_draw,
};
