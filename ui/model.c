/* mcscope ui: the table model (see model.h). */
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *ui_sort_name(enum ui_sort s)
{
    static const char *const names[UI_SORT_COUNT] = {
        [UI_SORT_JOIN] = "join order", [UI_SORT_GROUP] = "group",
        [UI_SORT_PACKETS] = "packets", [UI_SORT_PPS] = "pkt/s",
        [UI_SORT_BPS] = "bit/s",       [UI_SORT_LOSS] = "loss",
    };

    return (int)s >= 0 && s < UI_SORT_COUNT ? names[s] : "?";
}

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    size_t ncap;
    void *np;

    if (need <= *cap)
        return 0;
    ncap = *cap < 16 ? 16 : *cap;
    while (ncap < need)
        ncap *= 2;
    np = realloc(*p, ncap * elem);
    if (np == NULL)
        return -ENOMEM;
    *p = np;
    *cap = ncap;
    return 0;
}

static struct ui_row *new_row(struct ui_model *md)
{
    struct ui_row *r;

    if (grow((void **)&md->rows, &md->caprows, md->nrows + 1, sizeof *r) < 0)
        return NULL;
    r = &md->rows[md->nrows++];
    memset(r, 0, sizeof *r);
    return r;
}

/* A history of the pool for a row (its 1 + index, 0 when out of memory),
 * zeroed: the pool holds only the histories of the rows that show, not
 * UI_HISTORY counts in each of 10,000 rows. */
static uint32_t hist_slot(struct ui_model *md)
{
    if (grow((void **)&md->hist, &md->caphist, md->nhist + 1,
             sizeof *md->hist) < 0 ||
        md->nhist >= UINT32_MAX)
        return 0;
    memset(md->hist[md->nhist], 0, sizeof md->hist[md->nhist]);
    return (uint32_t)++md->nhist;
}

const uint64_t *ui_row_hist(const struct ui_model *md, const struct ui_row *r)
{
    static const uint64_t none[UI_HISTORY];

    return r->hist > 0 && r->hist <= md->nhist ? md->hist[r->hist - 1] : none;
}

/* Row r's history from rate as of now, into a slot of the pool. */
static void fill_hist(struct ui_model *md, struct ui_row *r,
                      const struct mc_rate *rate, int64_t now)
{
    r->hist_done = true;
    if (rate == NULL || (r->hist = hist_slot(md)) == 0)
        return;
    r->hist_measured =
        mc_rate_history_span(rate, now, ui_span_seconds(md->span),
                             md->hist[r->hist - 1], UI_HISTORY);
}

/* Figures shared by group and source rows. */
static void fill_figures(struct ui_model *md, struct ui_row *r,
                         const struct mc_counters *c,
                         const struct mc_rate *rate, int64_t now)
{
    unsigned cm_flags = md->cm_flags;

    r->c = *c;
    /* what the kernel no longer reports is not known (a flag turned off) */
    r->c.have &= cm_flags | ~(unsigned)(MC_CM_TCLASS | MC_CM_HOPLIMIT);
    if (rate != NULL)
        mc_rate_get(rate, now, 1, &r->rate);
    /* the history only for rows that show (ui_model_detail), or for all
     * in the snapshot a pause keeps */
    r->hist_done = rate == NULL;
    if (md->full)
        fill_hist(md, r, rate, now);
}

static bool listed(const struct mc_group_view *v, const struct mc_addr *a)
{
    for (size_t i = 0; i < v->nsources; i++)
        if (mc_addr_equal(&v->sources[i], a))
            return true;
    return false;
}

static enum ui_src_state source_state(const struct mc_group_view *v,
                                      const struct mc_addr *a)
{
    bool in = listed(v, a);

    if (v->mode == MC_MODE_EXCLUDE && in)
        return UI_SRC_BLOCKED;
    if (v->mode == MC_MODE_INCLUDE)
        return in ? UI_SRC_INCLUDED : UI_SRC_NOT_INCLUDED;
    return UI_SRC_SEEN;
}

/* A source row with the group's identity copied in. */
static struct ui_row *child_row(struct ui_model *md, size_t gi,
                                enum ui_row_kind kind)
{
    struct ui_row *r = new_row(md);

    if (r == NULL)
        return NULL;
    /* new_row may have moved the array: find the group row again */
    *r = md->rows[gi];
    r->kind = kind;
    r->nlisted = r->nseen = r->nchildren = 0;
    r->note = NULL;
    r->rate = (struct mc_rate_value){0};
    r->hist = 0;
    r->hist_measured = 0;
    r->hist_done = true;
    memset(&r->c, 0, sizeof r->c);
    r->seq = (struct mc_seq_stats){0};
    r->fl = (struct mc_flows_summary){0};
    return r;
}

static int add_sources(struct ui_model *md, const struct mc_monitor *m,
                       size_t gi, const struct mc_group_view *v, int64_t now)
{
    const struct mc_group_stats *st = v->stats;
    unsigned n = mc_group_stats_source_count(st);
    const struct mc_source_stats *other = mc_group_stats_other(st);
    struct ui_row *r;

    for (unsigned i = 0; i < n; i++) {
        const struct mc_source_stats *s = mc_group_stats_source(st, i);

        if (s == NULL || (r = child_row(md, gi, UI_ROW_SOURCE)) == NULL)
            return -ENOMEM;
        r->addr = *mc_source_addr(s);
        r->state = source_state(v, &r->addr);
        r->note = mc_wire_note_text(
            mc_monitor_wire_note(m, md->rows[gi].group, &r->addr));
        fill_figures(md, r, mc_source_counters(s), mc_source_rate(s), now);
        mc_source_seq(s, &r->seq);
        mc_source_flows_summary(s, &r->fl);
        if (!r->seq.known) /* no probes: what the flows' sequences say */
            r->seq = r->fl.seq;
    }
    /* Sources of the filter that never sent: they still get a row. */
    for (size_t i = 0; i < v->nsources; i++) {
        if (mc_group_stats_lookup(st, &v->sources[i]) != NULL)
            continue;
        if ((r = child_row(md, gi, UI_ROW_SOURCE)) == NULL)
            return -ENOMEM;
        r->addr = v->sources[i];
        r->state = source_state(v, &r->addr);
        /* Measured since the join like the group: 0/s is known. */
        r->rate.known = md->rows[gi].rate.known;
    }
    if (other != NULL && mc_source_counters(other)->packets > 0) {
        if ((r = child_row(md, gi, UI_ROW_OTHER)) == NULL)
            return -ENOMEM;
        memset(&r->addr, 0, sizeof r->addr);
        fill_figures(md, r, mc_source_counters(other), mc_source_rate(other),
                     now);
    }
    return 0;
}

static int add_group(struct ui_model *md, const struct mc_monitor *m, size_t i,
                     int64_t now)
{
    const struct mc_group_kernel *k;
    struct mc_group_view v;
    struct ui_row *r;
    size_t gi = md->nrows;
    int rc;

    if (mc_monitor_group(m, i, &v) < 0)
        return 0;
    if ((r = new_row(md)) == NULL)
        return -ENOMEM;
    r->kind = UI_ROW_GROUP;
    r->group = i;
    r->family = v.family;
    r->addr = v.group;
    memcpy(r->ifname, v.ifname, sizeof r->ifname);
    r->ifindex = v.ifindex;
    r->port = v.port;
    r->any = v.binding == MC_BIND_ANY;
    r->mode = v.mode;
    r->joined = v.joined;
    r->emptied = v.emptied;
    k = mc_monitor_kernel_view(m, i);
    if (v.ifindex == 0 && v.joined && k != NULL && k->in_proc)
        snprintf(r->chosen_if, sizeof r->chosen_if, "%s", k->proc.ifname);
    r->first_join_ns = v.first_join_ns;
    r->left_ns = v.left_ns;
    r->nlisted = (unsigned)v.nsources;
    r->nseen = mc_group_stats_source_count(v.stats);
    r->wire = v.wire;
    r->wire_now = v.wire_now;
    fill_figures(md, r, mc_group_stats_counters(v.stats),
                 mc_group_stats_rate(v.stats), now);
    mc_group_stats_seq(v.stats, &r->seq);
    mc_group_stats_flows_summary(v.stats, &r->fl);
    if (!r->seq.known)
        r->seq = r->fl.seq;
    rc = add_sources(md, m, gi, &v, now);
    md->rows[gi].nchildren = (unsigned)(md->nrows - gi - 1);
    if (md->nrows > gi + 1)
        md->rows[md->nrows - 1].last_child = true;
    return rc;
}

/* ---- sorting ---- */

static int addr_cmp(const struct mc_addr *a, const struct mc_addr *b)
{
    if (a->family != b->family)
        return a->family == AF_INET ? -1 : b->family == AF_INET ? 1 : 0;
    if (a->family == AF_INET)
        return memcmp(&a->u.v4, &b->u.v4, sizeof a->u.v4);
    if (a->family == AF_INET6)
        return memcmp(&a->u.v6, &b->u.v6, sizeof a->u.v6);
    return 0;
}

static int u64_desc(uint64_t a, uint64_t b)
{
    return a > b ? -1 : a < b ? 1 : 0;
}

static int dbl_desc(double a, bool ka, double b, bool kb)
{
    if (ka != kb)
        return ka ? -1 : 1; /* unknown values last */
    return a > b ? -1 : a < b ? 1 : 0;
}

static int row_cmp(const struct ui_row *a, const struct ui_row *b,
                   enum ui_sort sort)
{
    int c = 0;

    if (a->kind != b->kind)
        return a->kind == UI_ROW_OTHER ? 1 : b->kind == UI_ROW_OTHER ? -1 : 0;
    switch (sort) {
    case UI_SORT_PACKETS:
        c = u64_desc(a->c.packets, b->c.packets);
        break;
    case UI_SORT_PPS:
        c = dbl_desc(a->rate.pps, a->rate.known, b->rate.pps, b->rate.known);
        break;
    case UI_SORT_BPS:
        c = dbl_desc(a->rate.bps, a->rate.known, b->rate.bps, b->rate.known);
        break;
    case UI_SORT_LOSS:
        c = dbl_desc((double)a->seq.lost, a->seq.known, (double)b->seq.lost,
                     b->seq.known);
        break;
    case UI_SORT_JOIN:
        if (a->kind == UI_ROW_GROUP)
            c = a->group < b->group ? -1 : a->group > b->group;
        break;
    default:
        break;
    }
    if (c == 0)
        c = addr_cmp(&a->addr, &b->addr);
    if (c == 0 && a->kind == UI_ROW_GROUP)
        c = a->group < b->group ? -1 : a->group > b->group;
    return c;
}

static int children_cmp(const void *pa, const void *pb, void *arg)
{
    return row_cmp(pa, pb, *(const enum ui_sort *)arg);
}

struct order_ctx {
    const struct ui_row *rows;
    enum ui_sort sort;
};

static int order_cmp(const void *pa, const void *pb, void *arg)
{
    const struct order_ctx *ctx = arg;

    return row_cmp(&ctx->rows[*(const size_t *)pa],
                   &ctx->rows[*(const size_t *)pb], ctx->sort);
}

static int model_sort(struct ui_model *md, enum ui_sort sort)
{
    struct order_ctx ctx = {md->rows, sort};
    size_t k = 0;

    md->ngroups = 0;
    for (size_t i = 0; i < md->nrows; i++)
        md->ngroups += md->rows[i].kind == UI_ROW_GROUP;
    if (grow((void **)&md->order, &md->caporder, md->ngroups,
             sizeof *md->order) < 0)
        return -ENOMEM;
    for (size_t i = 0; i < md->nrows; i += 1 + md->rows[i].nchildren) {
        struct ui_row *g = &md->rows[i];

        md->order[k++] = i;
        if (g->nchildren > 1)
            qsort_r(g + 1, g->nchildren, sizeof *g, children_cmp, &sort);
        for (unsigned c = 0; c < g->nchildren; c++)
            g[1 + c].last_child = c + 1 == g->nchildren;
    }
    if (md->ngroups > 1)
        qsort_r(md->order, md->ngroups, sizeof *md->order, order_cmp, &ctx);
    return 0;
}

/* Copy the monitor's groups and sources into md, sorted.  Returns 0, or
 * -ENOMEM (md then holds what fitted). */
static int model_build(struct ui_model *md, const struct mc_monitor *m,
                       int64_t now_ns, enum ui_sort sort)
{
    size_t n = mc_monitor_ngroups(m);
    struct mc_monitor_settings set;
    int rc = 0;

    mc_monitor_settings(m, &set);
    md->cm_flags = set.cm_flags;
    md->nrows = 0;
    md->ngroups = 0;
    md->nvis = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t mark = md->nrows;

        rc = add_group(md, m, i, now_ns);
        if (rc < 0)
            md->nrows = mark; /* drop the half-made block */
    }
    if (model_sort(md, sort) < 0)
        rc = -ENOMEM;
    return rc;
}

/* ---- filtering ---- */

const char *ui_row_name(const struct ui_row *r, char *buf, size_t len)
{
    if (r->kind == UI_ROW_OTHER) {
        snprintf(buf, len, "other sources");
        return buf;
    }
    return mc_addr_format(&r->addr, buf, len);
}

const char *ui_row_mode(const struct ui_row *r, char *buf, size_t len)
{
    static const char *const src_words[] = {
        [UI_SRC_SEEN] = "",
        [UI_SRC_BLOCKED] = "blocked",
        [UI_SRC_INCLUDED] = "included",
        [UI_SRC_NOT_INCLUDED] = "not incl.",
    };

    if (r->kind == UI_ROW_OTHER) {
        snprintf(buf, len, "over cap");
        return buf;
    }
    if (r->kind == UI_ROW_SOURCE) {
        if (r->state == UI_SRC_SEEN && r->c.packets == 0 &&
            r->c.wire_packets > 0) {
            snprintf(buf, len, "wire only"); /* the socket got none */
            return buf;
        }
        snprintf(buf, len, "%s", src_words[r->state]);
        return buf;
    }
    switch (r->mode) {
    case MC_MODE_ASM:
        snprintf(buf, len, "%s", r->emptied ? "EXCLUDE{0}" : "ASM");
        break;
    case MC_MODE_INCLUDE:
        snprintf(buf, len, "INCLUDE{%u}", r->nlisted);
        break;
    case MC_MODE_EXCLUDE:
        snprintf(buf, len, "EXCLUDE{%u}", r->nlisted);
        break;
    default:
        snprintf(buf, len, "left");
        break;
    }
    return buf;
}

/* A group's address as text, kept from one snapshot to the next by the
 * monitor's group index (a filter looks at every group's name on every
 * key). */
static const char *group_name(struct ui_model *md, const struct ui_row *r,
                              char *buf, size_t len)
{
    struct ui_name *n;

    if (r->group >= md->nnames) {
        size_t cap = md->nnames;

        if (grow((void **)&md->names, &cap, r->group + 1, sizeof *n) < 0)
            return mc_addr_format(&r->addr, buf, len);
        memset(md->names + md->nnames, 0,
               (cap - md->nnames) * sizeof *md->names);
        md->nnames = cap;
    }
    n = &md->names[r->group];
    if (!mc_addr_equal(&n->addr, &r->addr)) {
        n->addr = r->addr;
        mc_addr_format(&r->addr, n->text, sizeof n->text);
    }
    return n->text;
}

/* Append s and a space to the text at *p (end: one past its buffer). */
static void put_word(char **p, const char *end, const char *s)
{
    size_t n = strnlen(s, (size_t)(end - *p) - 2);

    memcpy(*p, s, n);
    (*p)[n] = ' ';
    *p += n + 1;
    **p = '\0';
}

/* The row's text "NAME IFNAME MODE PORT" holds filter (any case). */
static bool row_matches(struct ui_model *md, const struct ui_row *r,
                        const char *filter)
{
    char text[MC_ADDR_STRLEN + IF_NAMESIZE + 32], *p = text;
    const char *end = text + sizeof text;
    char name[MC_ADDR_STRLEN], mode[24], port[8];
    unsigned v = r->port, k = sizeof port - 1;

    put_word(&p, end,
             r->kind == UI_ROW_GROUP ? group_name(md, r, name, sizeof name)
                                     : ui_row_name(r, name, sizeof name));
    put_word(&p, end, r->ifname);
    put_word(&p, end, ui_row_mode(r, mode, sizeof mode));
    port[k] = '\0';
    do {
        port[--k] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    put_word(&p, end, port + k);
    p[-1] = '\0'; /* no space after the last */
    return strcasestr(text, filter) != NULL;
}

/*
 * Work out the visible rows: each group that matches filter (or has a
 * source that does), and the source rows of the groups expanded[i] says
 * (expanded may be shorter than the groups: nexp).  filter "" shows all;
 * it matches text case-insensitively.
 */
static int model_view(struct ui_model *md, const bool *expanded, size_t nexp,
                      const char *filter)
{
    bool all = filter == NULL || filter[0] == '\0';

    md->nvis = 0;
    if (grow((void **)&md->vis, &md->capvis, md->nrows, sizeof *md->vis) < 0)
        return -ENOMEM;
    for (size_t k = 0; k < md->ngroups; k++) {
        size_t gi = md->order[k];
        const struct ui_row *g = &md->rows[gi];
        bool open = g->group < nexp && expanded[g->group];
        bool hit = all || row_matches(md, g, filter);

        for (unsigned c = 0; c < g->nchildren && !hit; c++)
            hit = row_matches(md, &g[1 + c], filter);
        if (!hit)
            continue;
        md->vis[md->nvis++] = gi;
        for (unsigned c = 0; open && c < g->nchildren; c++)
            md->vis[md->nvis++] = gi + 1 + c;
    }
    return 0;
}

/* The group row of a row's block. */
static const struct ui_row *group_row_of(const struct ui_model *md, size_t row)
{
    while (row > 0 && md->rows[row].kind != UI_ROW_GROUP)
        row--;
    return md->nrows > 0 ? &md->rows[row] : NULL;
}

/* ---- the selection ---- */

static bool row_is_sel(const struct ui_row *r, const struct ui_sel *s)
{
    if (r->group != s->group || r->kind != s->kind)
        return false;
    return r->kind != UI_ROW_SOURCE || mc_addr_equal(&r->addr, &s->source);
}

static void take_identity(struct ui_model *md, size_t vis)
{
    const struct ui_row *r = &md->rows[md->vis[vis]];

    md->sel_vis = vis;
    md->sel.have = true;
    md->sel.group = r->group;
    md->sel.kind = r->kind;
    md->sel.source = r->addr;
}

/* Find the selected row again after the visible rows changed. */
static void reselect(struct ui_model *md)
{
    if (md->nvis == 0) {
        md->sel_vis = 0;
        return;
    }
    if (md->sel.have) {
        for (size_t i = 0; i < md->nvis; i++)
            if (row_is_sel(&md->rows[md->vis[i]], &md->sel)) {
                md->sel_vis = i;
                return;
            }
        /* a source row that went away: its group */
        for (size_t i = 0; i < md->nvis; i++) {
            const struct ui_row *r = &md->rows[md->vis[i]];

            if (r->kind == UI_ROW_GROUP && r->group == md->sel.group) {
                take_identity(md, i);
                return;
            }
        }
    }
    take_identity(md, md->sel_vis < md->nvis ? md->sel_vis : md->nvis - 1);
}

void ui_model_refresh_view(struct ui_model *md)
{
    model_view(md, md->expanded, md->nexpanded, md->filter);
    reselect(md);
}

void ui_model_refresh(struct ui_model *md, const struct mc_monitor *m)
{
    /* Live: the rows without their history (ui_model_detail fills it in
     * for the rows that show).  Paused: one whole snapshot, kept. */
    if (!md->paused || !md->built || !md->full) {
        md->full = md->paused;
        md->nhist = 0;
        md->built_ns = mc_monitor_now_ns();
        model_build(md, m, md->built_ns, md->sort);
        md->built = true;
    }
    ui_model_refresh_view(md);
}

/* The monitor's index of the group a member command is about, or -1. */
static long group_of(const struct mc_monitor *m, const struct mc_cmd_member *c)
{
    size_t n = mc_monitor_ngroups(m);

    for (size_t i = 0; i < n; i++) {
        struct mc_group_view v;

        if (mc_monitor_group(m, i, &v) == 0 && v.port == c->port &&
            mc_addr_equal(&v.group, &c->group) &&
            strcmp(v.ifname, c->ifname) == 0 &&
            (!c->bind_given ||
             (v.binding == MC_BIND_ANY) == (c->bind == MC_CMD_BIND_ANY)))
            return (long)i;
    }
    return -1;
}

void ui_model_follow(struct ui_model *md, const struct mc_monitor *m,
                     uint64_t *seq)
{
    uint64_t last = mc_monitor_last_event_seq(m);

    for (uint64_t s = *seq + 1; s <= last; s++) {
        struct mc_event e;
        struct mc_cmd cmd;
        long gi;

        if (mc_monitor_event_by_seq(m, s, &e) < 0 || e.kind != MC_EV_OK ||
            e.type != MC_ET_COMMAND || e.detail == NULL ||
            mc_cmd_parse(e.detail, &cmd, NULL) < 0 ||
            cmd.kind != MC_CMD_MEMBER || cmd.member.source.family == 0)
            continue;
        gi = group_of(m, &cmd.member);
        if (gi >= 0)
            ui_model_set_expanded(md, (size_t)gi, true);
    }
    *seq = last;
}

void ui_model_set_filter(struct ui_model *md, const char *text)
{
    size_t n = strnlen(text, sizeof md->filter - 1);

    memcpy(md->filter, text, n); /* cut: it is a filter */
    md->filter[n] = '\0';
    ui_model_refresh_view(md);
}

void ui_model_next_sort(struct ui_model *md)
{
    md->sort = (enum ui_sort)((md->sort + 1) % UI_SORT_COUNT);
    model_sort(md, md->sort);
    ui_model_refresh_view(md);
}

const struct ui_row *ui_model_selected(const struct ui_model *md)
{
    if (md->nvis == 0 || md->sel_vis >= md->nvis)
        return NULL;
    return &md->rows[md->vis[md->sel_vis]];
}

const struct ui_row *ui_model_selected_group(const struct ui_model *md)
{
    const struct ui_row *r = ui_model_selected(md);

    if (r == NULL)
        return NULL;
    return group_row_of(md, (size_t)(r - md->rows));
}

void ui_model_select_visible(struct ui_model *md, size_t i)
{
    if (md->nvis == 0)
        return;
    take_identity(md, i < md->nvis ? i : md->nvis - 1);
}

void ui_model_select_group(struct ui_model *md, size_t gi)
{
    md->sel.have = true;
    md->sel.group = gi;
    md->sel.kind = UI_ROW_GROUP;
    reselect(md);
}

void ui_model_step_group(struct ui_model *md, int dir)
{
    const struct ui_row *g = ui_model_selected_group(md);
    size_t at = 0;

    if (g == NULL || md->ngroups == 0)
        return;
    for (size_t k = 0; k < md->ngroups; k++)
        if (md->rows[md->order[k]].group == g->group)
            at = k;
    at = (at + md->ngroups + (size_t)(dir > 0 ? 1 : md->ngroups - 1)) %
         md->ngroups;
    ui_model_select_group(md, md->rows[md->order[at]].group);
}

bool ui_model_is_expanded(const struct ui_model *md, size_t group)
{
    return group < md->nexpanded && md->expanded[group];
}

void ui_model_set_expanded(struct ui_model *md, size_t group, bool on)
{
    if (group >= md->nexpanded) {
        size_t n = group + 16;
        bool *e = realloc(md->expanded, n * sizeof *e);

        if (e == NULL)
            return;
        memset(e + md->nexpanded, 0, (n - md->nexpanded) * sizeof *e);
        md->expanded = e;
        md->nexpanded = n;
    }
    md->expanded[group] = on;
    ui_model_refresh_view(md);
}

/* The rate of row r in the monitor as it is now, or NULL (the group or
 * the source went away since the snapshot). */
static const struct mc_rate *row_rate(const struct mc_monitor *m,
                                      const struct ui_row *r)
{
    struct mc_group_view v;
    const struct mc_source_stats *s;

    if (mc_monitor_group(m, r->group, &v) < 0 || v.port != r->port ||
        v.ifindex != r->ifindex)
        return NULL;
    if (r->kind == UI_ROW_GROUP)
        return mc_addr_equal(&v.group, &r->addr) ? mc_group_stats_rate(v.stats)
                                                 : NULL;
    s = r->kind == UI_ROW_OTHER ? mc_group_stats_other(v.stats)
                                : mc_group_stats_lookup(v.stats, &r->addr);
    return s != NULL ? mc_source_rate(s) : NULL;
}

void ui_model_detail(struct ui_model *md, const struct mc_monitor *m,
                     size_t first, size_t n)
{
    for (size_t i = first; i < md->nvis && i - first < n; i++) {
        struct ui_row *r = &md->rows[md->vis[i]];
        const struct mc_rate *rate;

        if (r->hist_done)
            continue;
        rate = row_rate(m, r);
        fill_hist(md, r, rate, md->built_ns);
    }
}

void ui_model_free(struct ui_model *md)
{
    free(md->rows);
    free(md->order);
    free(md->vis);
    free(md->expanded);
    free(md->names);
    free(md->hist);
    memset(md, 0, sizeof *md);
}

unsigned ui_span_seconds(unsigned span)
{
    static const unsigned s[MC_RATE_SPANS] = {1, 60, 3600};

    return s[span % MC_RATE_SPANS];
}

const char *ui_span_unit(unsigned span)
{
    static const char *const u[MC_RATE_SPANS] = {"s", "min", "h"};

    return u[span % MC_RATE_SPANS];
}
