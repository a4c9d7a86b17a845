/*
 * mcscope ui: the groups table — one row per group, its sources under it
 * when expanded — with the event pane below.
 *
 * Columns have a priority: on a narrow terminal the least important go
 * first (bytes, duplicates, reordering, ...), so that group, packets and
 * packets per second stay down to UI_MIN_COLS.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "columns.h"
#include "draw.h"
#include "format.h"
#include "spark.h"
#include "screen.h"

#define GROUP_MAX 44 /* an IPv6 address, a tree branch and a marker */
#define NOTE_MAX 44  /* "filtered by the kernel: SSM exclude" */
#define EVENTS_MAX 8 /* rows of the event pane */
#define TABLE_MIN 3  /* table rows a lesson's pane leaves */

struct layout {
    bool on[NCOLS];
    int x[NCOLS], w[NCOLS];
};

struct groups {
    size_t top; /* first visible row on screen */
    int table_rows;
    int table_y; /* the screen row of the table's first row */
};

static void *groups_init(void)
{
    return calloc(1, sizeof(struct groups));
}

static void groups_free(void *st)
{
    free(st);
}

static void groups_resize(void *st, int rows, int cols)
{
    (void)st;
    (void)rows;
    (void)cols;
}

/* Columns the table uses with the columns that are on. */
static int total_width(const struct layout *l)
{
    int total = -1;

    for (int c = 0; c < NCOLS; c++)
        if (l->on[c])
            total += l->w[c] + 1;
    return total;
}

/* wire: a capture covered some group (the WIRE column shows); note_want:
 * the widest note of a visible source row (0: no NOTE column); streams:
 * some flow carries a real stream (PAYLOAD and JITTER show). */
static void plan_columns(struct layout *l, const struct ui_col_order *order,
                         int cols, int group_want, bool wire, int note_want,
                         bool streams)
{
    struct ui_col_order all;
    bool listed[NCOLS] = {false};
    int extra, grow;

    if (order->n == 0) {
        ui_columns_default(&all);
        order = &all;
    }
    for (size_t i = 0; i < order->n; i++)
        listed[order->col[i]] = true;
    for (int c = 0; c < NCOLS; c++) {
        l->on[c] = listed[c] && (c != COL_WIRE || wire) &&
                   (c != COL_NOTE || note_want > 0) &&
                   ((c != COL_PAYLOAD && c != COL_JIT) || streams);
        l->w[c] = ui_columns[c].width;
        l->x[c] = 0;
    }
    while (total_width(l) > cols) {
        int drop = -1;

        for (int c = 0; c < NCOLS; c++)
            if (l->on[c] && c != COL_GROUP &&
                (drop < 0 || ui_columns[c].keep < ui_columns[drop].keep))
                drop = c;
        if (drop < 0)
            break;
        l->on[drop] = false;
    }
    extra = cols - total_width(l);
    grow = group_want - l->w[COL_GROUP];
    if (grow > 0) {
        grow = grow < extra ? grow : extra;
        l->w[COL_GROUP] += grow;
        extra -= grow;
    }
    if (l->on[COL_NOTE]) { /* a note in words, before the sparkline */
        grow = note_want - l->w[COL_NOTE];
        grow = grow < extra ? grow : extra;
        if (grow > 0) {
            l->w[COL_NOTE] += grow;
            extra -= grow;
        }
    }
    if (l->on[COL_RATE]) {
        grow = UI_HISTORY - l->w[COL_RATE];
        grow = grow < extra ? grow : extra;
        l->w[COL_RATE] += grow > 0 ? grow : 0;
    }
    for (size_t i = 0, x = 0; i < order->n; i++) {
        int c = order->col[i];

        l->x[c] = (int)x;
        if (l->on[c])
            x += (size_t)l->w[c] + 1;
    }
}

/* The text of the GROUP cell. */
static void group_cell(const struct ui_model *md, const struct ui_row *r,
                       char *buf, size_t len)
{
    char name[MC_ADDR_STRLEN + 16];
    const char *mark = " ";

    ui_row_name(r, name, sizeof name);
    if (r->kind != UI_ROW_GROUP) {
        snprintf(buf, len, " %s %s", r->last_child ? UI_G_ELBOW : UI_G_TEE,
                 name);
        return;
    }
    if (r->nchildren > 0)
        mark = ui_model_is_expanded(md, r->group) ? "\xe2\x96\xbe" /* ▾ */
                                                  : UI_G_MARKER;
    /* " *": the row of the socket bound to the wildcard (bind any; * as
     * ss writes the wildcard), next to which the group may have its row
     * bound to the group */
    snprintf(buf, len, "%s%s%s", mark, name, r->any ? " *" : "");
}

/* The widest group cell of the rows that show (from top, rows of them),
 * at most GROUP_MAX. */
static int group_width_wanted(const struct ui_model *md, size_t top,
                              size_t rows)
{
    char cell[MC_ADDR_STRLEN + 32];
    int want = ui_columns[COL_GROUP].width;

    for (size_t i = top; i < md->nvis && i - top < rows; i++) {
        int w;

        group_cell(md, &md->rows[md->vis[i]], cell, sizeof cell);
        w = ui_text_width(cell);
        if (w > want)
            want = w;
    }
    return want > GROUP_MAX ? GROUP_MAX : want;
}

/* The widest note of the rows that show (at most NOTE_MAX), 0 for none. */
static int note_width_wanted(const struct ui_model *md, size_t top, size_t rows)
{
    int want = 0;

    for (size_t i = top; i < md->nvis && i - top < rows; i++) {
        const char *n = md->rows[md->vis[i]].note;
        int w = n != NULL ? ui_text_width(n) : 0;

        want = w > want ? w : want;
    }
    return want > NOTE_MAX ? NOTE_MAX : want;
}

/* A flow of some row is RTP, MPEG-TS or raw (not only probes). */
static bool any_stream(const struct ui_model *md)
{
    for (size_t i = 0; i < md->nrows; i++) {
        enum mc_payload p = md->rows[i].fl.payload;

        if (md->rows[i].fl.mixed ||
            (p != MC_PAYLOAD_UNKNOWN && p != MC_PAYLOAD_PROBE))
            return true;
    }
    return false;
}

static bool any_wire(const struct ui_model *md)
{
    for (size_t i = 0; i < md->nrows; i++)
        if (md->rows[i].wire)
            return true;
    return false;
}

static void draw_header(const struct ui_model *md, WINDOW *w, int y,
                        const struct layout *l, int cols)
{
    char title[32];

    ui_fill(w, y, 0, cols, ui_attr(UI_ROLE_HEADER));
    for (int c = 0; c < NCOLS; c++) {
        enum ui_role role =
            ui_columns[c].by == md->sort ? UI_ROLE_SORTED : UI_ROLE_HEADER;

        if (!l->on[c])
            continue;
        if (c == COL_RATE && l->w[c] >= 12)
            snprintf(title, sizeof title, "RATE (%d %s)", l->w[c],
                     ui_span_unit(md->span));
        else
            snprintf(title, sizeof title, "%s", ui_columns[c].title);
        ui_put_field(w, y, l->x[c], l->w[c], ui_columns[c].right, ui_attr(role),
                     title);
    }
}

/* What the flows carry: "rtp", "mpegts", "probe", "raw", "mixed"; "—"
 * until a packet decided it. */
static void payload_text(const struct ui_row *r, char *buf, size_t len)
{
    if (r->fl.mixed)
        snprintf(buf, len, "mixed");
    else if (r->fl.payload == MC_PAYLOAD_UNKNOWN)
        ui_format_si(0, false, buf, len);
    else
        snprintf(buf, len, "%s", mc_payload_name(r->fl.payload));
}

/* The probe's jitter, else the largest RTP jitter of the flows (RFC 3550,
 * current); "—" when neither is known (raw, TS over UDP, no clock). */
static void jitter_text(const struct ui_row *r, char *buf, size_t len)
{
    if (r->seq.jitter_known)
        ui_format_delay(r->seq.jitter_ns, true, buf, len);
    else
        ui_format_delay((int64_t)(r->fl.jitter_ms * 1e6), r->fl.jitter_known,
                        buf, len);
}

/* The text of every cell but GROUP and RATE. */
static void cell_text(const struct ui_row *r, int c, char *buf, size_t len)
{
    bool group = r->kind == UI_ROW_GROUP;
    const struct mc_seq_stats *q = &r->seq;

    buf[0] = '\0';
    switch (c) {
    case COL_IFACE:
        /* no interface named: the one the kernel chose, in brackets */
        if (group && r->ifname[0] == '\0' && r->chosen_if[0] != '\0')
            snprintf(buf, len, "(%s)", r->chosen_if);
        else if (group)
            snprintf(buf, len, "%s", r->ifname[0] ? r->ifname : "route");
        break;
    case COL_PORT:
        if (group)
            snprintf(buf, len, "%u", (unsigned)r->port);
        break;
    case COL_MODE:
        ui_row_mode(r, buf, len);
        break;
    case COL_SRC:
        if (group)
            snprintf(buf, len, "%u", r->nseen);
        break;
    case COL_PKTS:
        ui_format_count(r->c.packets, buf, len);
        break;
    case COL_BYTES:
        ui_format_count(r->c.bytes, buf, len);
        break;
    case COL_PPS:
        ui_format_si(r->rate.pps, r->rate.known, buf, len);
        break;
    case COL_BPS:
        ui_format_si(r->rate.bps, r->rate.known, buf, len);
        break;
    case COL_PAYLOAD:
        payload_text(r, buf, len);
        break;
    case COL_LOSS:
        ui_format_si((double)q->lost, q->known, buf, len);
        break;
    case COL_JIT:
        jitter_text(r, buf, len);
        break;
    case COL_DUP:
        ui_format_si((double)q->duplicates, q->known, buf, len);
        break;
    case COL_ORD:
        ui_format_si((double)q->reordered, q->known, buf, len);
        break;
    case COL_HL:
        ui_format_int(r->c.hoplimit, (r->c.have & MC_CM_HOPLIMIT) != 0, buf,
                      len);
        break;
    case COL_TC:
        ui_format_tclass(r->c.tclass, (r->c.have & MC_CM_TCLASS) != 0, buf,
                         len);
        break;
    case COL_NOTE:
        if (r->note != NULL)
            snprintf(buf, len, "%s", r->note);
        break;
    case COL_WIRE:
        /* never covered: unknown; covered no more: the count stopped */
        if (!r->wire)
            snprintf(buf, len, "%s", UI_UNKNOWN);
        else if (!r->wire_now)
            snprintf(buf, len, "stopped");
        else
            ui_format_count(r->c.wire_packets, buf, len);
        break;
    default:
        break;
    }
}

static enum ui_role row_role(const struct ui_row *r)
{
    if (r->kind == UI_ROW_GROUP)
        return r->joined ? UI_ROLE_GROUP : UI_ROLE_LEFT;
    if (r->state == UI_SRC_BLOCKED || r->state == UI_SRC_NOT_INCLUDED)
        return UI_ROLE_BLOCKED;
    return UI_ROLE_SOURCE;
}

static void draw_row(const struct ui_model *md, WINDOW *w, int y,
                     const struct ui_row *r, const struct layout *l, int cols,
                     bool selected)
{
    char text[UI_SPARK_BYTES(UI_HISTORY) + 64];
    attr_t base = ui_attr(selected ? UI_ROLE_SELECTED : row_role(r));

    ui_fill(w, y, 0, cols, base);
    group_cell(md, r, text, sizeof text);
    ui_put_field(w, y, l->x[COL_GROUP], l->w[COL_GROUP], false, base, text);
    for (int c = COL_GROUP + 1; c < COL_RATE; c++) {
        if (!l->on[c])
            continue;
        cell_text(r, c, text, sizeof text);
        ui_put_field(
            w, y, l->x[c], l->w[c], ui_columns[c].right,
            c == COL_LOSS && r->seq.known && r->seq.lost > 0
                ? (selected ? base | A_UNDERLINE : ui_attr(UI_ROLE_LOSS))
                : base,
            text);
    }
    if (l->on[COL_RATE]) {
        ui_spark(ui_row_hist(md, r), UI_HISTORY, r->hist_measured,
                 l->w[COL_RATE], text, sizeof text);
        ui_put(w, y, l->x[COL_RATE], l->w[COL_RATE],
               selected ? base : ui_attr(UI_ROLE_SPARK), text);
    }
}

static void draw_empty(const struct ui_model *md, WINDOW *w, int y, int rows,
                       int cols)
{
    static const char *const lines[] = {
        "No group joined yet.",
        "Press j to join one (e.g. ff15::1234 dev IFACE),",
        "J for a source-specific join, : for any command, ? for help.",
    };

    for (size_t i = 0; i < 3 && (int)i < rows; i++) {
        int tw = ui_text_width(lines[i]);
        int x = tw < cols ? (cols - tw) / 2 : 0;

        ui_put(w, y + (int)i, x, cols, ui_attr(UI_ROLE_DIM), lines[i]);
    }
    if (md->nrows > 0 && rows > 4)
        ui_put(w, y + 4, 0, cols, ui_attr(UI_ROLE_WARN),
               "(the filter hides every group: Esc clears it)");
}

/* Keep the selection on screen. */
static void scroll_to_selection(const struct ui_model *md, struct groups *g,
                                int rows)
{
    size_t sel = md->sel_vis;

    if (rows <= 0)
        return;
    if (sel < g->top)
        g->top = sel;
    if (sel >= g->top + (size_t)rows)
        g->top = sel - (size_t)rows + 1;
    if (md->nvis <= (size_t)rows)
        g->top = 0;
    else if (g->top > md->nvis - (size_t)rows)
        g->top = md->nvis - (size_t)rows;
}

static int events_rows(int area)
{
    int e = (area - 2) / 4;

    if (area < 8)
        return 0;
    return e < 1 ? 1 : e > EVENTS_MAX ? EVENTS_MAX : e;
}

static void groups_draw(const struct ui_ctx *c, void *st, WINDOW *w, int top,
                        int rows, int cols)
{
    struct groups *g = st;
    struct ui_model *md = c->model;
    /* a lesson's pane takes what it needs; the table keeps its header and
     * TABLE_MIN rows */
    int nr = c->narr != NULL ? ui_narration_rows(c->narr, cols) : 0;
    int ev, table;
    size_t shown;
    struct layout l;

    if (nr > rows - 1 - TABLE_MIN)
        nr = rows - 1 - TABLE_MIN > 0 ? rows - 1 - TABLE_MIN : 0;
    ev = events_rows(rows - nr);
    table = rows - nr - 1 - (ev > 0 ? ev + 1 : 0);

    g->table_rows = table;
    g->table_y = top + 1;
    scroll_to_selection(md, g, table);
    /* only the rows that show are measured and get their history */
    shown = table > 0 ? (size_t)table : 0;
    ui_model_detail(md, c->m, g->top, shown);
    plan_columns(&l, &md->cols, cols, group_width_wanted(md, g->top, shown),
                 any_wire(md), note_width_wanted(md, g->top, shown),
                 any_stream(md));
    draw_header(md, w, top, &l, cols);
    if (md->nvis == 0)
        draw_empty(md, w, top + 1, table, cols);
    for (int i = 0; i < table && g->top + (size_t)i < md->nvis; i++) {
        size_t v = g->top + (size_t)i;

        draw_row(md, w, top + 1 + i, &md->rows[md->vis[v]], &l, cols,
                 v == md->sel_vis);
    }
    if (nr > 0)
        ui_narration_draw(c->narr, w, top + 1 + table, nr, cols);
    if (ev > 0)
        ui_events_pane_draw(c, w, top + 1 + table + nr, ev + 1, cols);
}

/* ---- keys ---- */

static void move_selection(struct ui_model *md, long delta)
{
    long to = (long)md->sel_vis + delta;

    if (to < 0)
        to = 0;
    ui_model_select_visible(md, (size_t)to);
}

static void expand(struct ui_model *md, bool toggle, bool open);

/* KEY_MOUSE: a click on a row selects it (a double click also opens or
 * closes its sources); the wheel moves the selection by 3 rows. */
static void mouse(struct groups *g, struct ui_model *md)
{
    MEVENT ev;
    int row;

    if (getmouse(&ev) != OK)
        return;
    if (ev.bstate & BUTTON4_PRESSED) {
        move_selection(md, -3);
        return;
    }
    if (ev.bstate & BUTTON5_PRESSED) {
        move_selection(md, 3);
        return;
    }
    row = ev.y - g->table_y;
    if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED)) || row < 0 ||
        row >= g->table_rows || g->top + (size_t)row >= md->nvis)
        return;
    ui_model_select_visible(md, g->top + (size_t)row);
    if (ev.bstate & BUTTON1_DOUBLE_CLICKED)
        expand(md, true, false);
}

static void expand(struct ui_model *md, bool toggle, bool open)
{
    const struct ui_row *r = ui_model_selected(md);

    if (r == NULL)
        return;
    if (r->kind != UI_ROW_GROUP) {
        size_t gi = r->group;

        if (toggle || !open) {
            ui_model_select_group(md, gi);
            ui_model_set_expanded(md, gi, false);
        }
        return;
    }
    ui_model_set_expanded(md, r->group,
                          toggle ? !ui_model_is_expanded(md, r->group) : open);
}

static unsigned groups_key(struct ui_ctx *c, void *st, enum ui_action act,
                           int ch, struct ui_reply *out)
{
    struct groups *g = st;
    struct ui_model *md = c->model;
    long page = g->table_rows > 1 ? g->table_rows - 1 : 1;

    (void)ch;
    (void)out;
    switch (act) {
    case UI_ACT_UP:
        move_selection(md, -1);
        break;
    case UI_ACT_DOWN:
        move_selection(md, 1);
        break;
    case UI_ACT_MOUSE:
        mouse(g, md);
        break;
    case UI_ACT_PAGE_UP:
        move_selection(md, -page);
        break;
    case UI_ACT_PAGE_DOWN:
        move_selection(md, page);
        break;
    case UI_ACT_TOP:
        ui_model_select_visible(md, 0);
        break;
    case UI_ACT_BOTTOM:
        ui_model_select_visible(md, SIZE_MAX);
        break;
    case UI_ACT_TOGGLE_EXPAND:
        expand(md, true, false);
        break;
    case UI_ACT_EXPAND:
        expand(md, false, true);
        break;
    case UI_ACT_COLLAPSE:
        expand(md, false, false);
        break;
    case UI_ACT_SORT:
        ui_model_next_sort(md);
        ui_message(c->exec, UI_ROLE_EV_INFO, "sorted by %s (> for the next)",
                   ui_sort_name(md->sort));
        break;
    case UI_ACT_CLEAR_FILTER:
        ui_model_set_filter(md, "");
        break;
    default:
        return UI_R_NONE;
    }
    return UI_R_REDRAW;
}

const struct ui_screen_ops ui_groups_screen = {
    .ctx = UI_CTX_GROUPS,
    .init = groups_init,
    .free = groups_free,
    .resize = groups_resize,
    .key = groups_key,
    .draw = groups_draw,
};
