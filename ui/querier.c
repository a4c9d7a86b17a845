/*
 * mcscope ui: the querier timeline ('y'), from a snapshot of
 * core/querier.c: per interface and family, who queries and with which
 * timers, whether there is a querier at all, what the kernel processed
 * against what the wire carried, this host's groups and when a snooping
 * switch ages them out, every query (newest first) with the reports that
 * answered it; and the streams that stopped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "draw.h"
#include "format.h"
#include "lines.h"
#include "mcscope/querier.h"
#include "screen.h"

/* TIME AGO QUERIER PROTO KIND GROUP MAXRESP QRV QQI S ANSWERED */
#define Q_FMT "  %-12s %8s %-26s %-6s %-12s %-22s %7s %3s %4s %1s  %s"
/* GROUP PROTO LAST-REPORT EXPIRES */
#define M_FMT "  %-28s %-6s %11s  %s"

struct qv {
    size_t first;
    int rows, cols;
    struct ui_lines lines;
};

static void *qv_init(void)
{
    return calloc(1, sizeof(struct qv));
}

static void qv_free(void *st)
{
    struct qv *s = st;

    ui_lines_free(&s->lines);
    free(s);
}

static void qv_resize(void *st, int rows, int cols)
{
    struct qv *s = st;

    s->rows = rows;
    s->cols = cols;
}

static const char *fam(const struct mc_querier_iface *i)
{
    return i->family == AF_INET6 ? "MLD" : "IGMP";
}

static void head(struct qv *s, const struct mc_querier_iface *i)
{
    char a[MC_ADDR_STRLEN], age[32], mali[32], oq[32];

    ui_format_duration(i->no_querier_ns, age, sizeof age);
    ui_format_duration(i->mali_ns, mali, sizeof mali);
    ui_format_duration(i->oqpi_ns, oq, sizeof oq);
    if (i->querier_absent)
        ui_lines_add(&s->lines, UI_ROLE_WARN,
                     "%s %s: NO QUERIER for %s (%s): a snooping switch ages "
                     "this host's memberships out %s after its last report",
                     i->ifname, fam(i), age,
                     i->seen ? "longer than the other-querier interval"
                             : "no query seen",
                     mali);
    else if (i->seen)
        ui_lines_add(&s->lines, UI_ROLE_TITLE,
                     "%s %s: querier %s (%s), last query %s ago; "
                     "absent after %s",
                     i->ifname, fam(i),
                     mc_addr_format(&i->querier, a, sizeof a),
                     mc_wire_proto_name(i->version), age, oq);
    else
        ui_lines_add(&s->lines, UI_ROLE_TITLE,
                     "%s %s: no query yet in %s of watching", i->ifname, fam(i),
                     age);
    ui_lines_add(&s->lines, UI_ROLE_DIM,
                 "  QRV %u, QQI %u s, QRI %u ms (%s): a membership lives %s "
                 "after its last report (MALI)",
                 i->qrv, (unsigned)i->qqi_s, (unsigned)i->qri_ms,
                 i->from_querier ? "the querier's" : "RFC defaults", mali);
    if (i->kernel.counted)
        ui_lines_add(&s->lines,
                     i->kernel.not_processed > 0 ? UI_ROLE_WARN : UI_ROLE_DIM,
                     "  kernel (%s): processed %llu of the %llu queries on "
                     "the wire%s; sent %llu MLDv2 and %llu MLDv1 reports",
                     i->kernel.file, (unsigned long long)i->kernel.in_queries,
                     (unsigned long long)i->kernel.wire_queries,
                     i->kernel.not_processed > 0
                         ? " — the rest were dropped before the stack (an "
                           "input firewall?)"
                         : "",
                     (unsigned long long)i->kernel.out_v2_reports,
                     (unsigned long long)i->kernel.out_responses);
    else
        ui_lines_add(&s->lines, UI_ROLE_DIM, "  kernel: %s%s%s",
                     i->kernel.why != NULL ? i->kernel.why : "not read",
                     i->kernel.igmp_version[0] ? "; it runs " : "",
                     i->kernel.igmp_version);
    if (i->unanswered > 0)
        ui_lines_add(&s->lines, UI_ROLE_WARN,
                     "  %llu queries about a group this host holds got no "
                     "report back: reports blocked on the way out?",
                     (unsigned long long)i->unanswered);
}

static void members(struct qv *s, const struct mc_querier_iface *i, int64_t now)
{
    if (i->nmembers == 0)
        return;
    ui_lines_add(&s->lines, UI_ROLE_HEADER, M_FMT, "THIS HOST'S GROUP", "PROTO",
                 "LAST REPORT", "ON A SNOOPING SWITCH");
    for (size_t k = 0; k < i->nmembers; k++) {
        const struct mc_querier_member *b = &i->members[k];
        char g[MC_ADDR_STRLEN], age[32], exp[32], what[64];

        ui_format_duration(now - b->last_report_mono_ns, age, sizeof age);
        if (b->left)
            snprintf(what, sizeof what, "left");
        else if (b->expired)
            snprintf(
                what, sizeof what, "aged out %s ago",
                ui_format_duration(now - b->expires_mono_ns, exp, sizeof exp));
        else
            snprintf(
                what, sizeof what, "expires in %s",
                ui_format_duration(b->expires_mono_ns - now, exp, sizeof exp));
        ui_lines_add(&s->lines, b->expired ? UI_ROLE_WARN : UI_ROLE_NORMAL,
                     M_FMT, mc_addr_format(&b->group, g, sizeof g),
                     mc_wire_proto_name(b->proto), age, what);
    }
}

static void query(struct qv *s, const struct mc_querier_query *q, int64_t now)
{
    char t[32], ago[32], a[MC_ADDR_STRLEN], g[MC_ADDR_STRLEN], mr[16];
    char qrv[8], qqi[8], ans[96];

    ui_format_clock(q->real_ns, t, sizeof t);
    ui_format_duration(now - q->mono_ns, ago, sizeof ago);
    if (q->kind == MC_QUERY_GENERAL)
        snprintf(g, sizeof g, "-");
    else
        mc_addr_format(&q->group, g, sizeof g);
    snprintf(mr, sizeof mr, "%u ms", (unsigned)q->max_resp_ms);
    snprintf(qrv, sizeof qrv, "%u", q->qrv);
    snprintf(qqi, sizeof qqi, "%u", (unsigned)q->qqi_s);
    if (q->nanswers > 0)
        snprintf(ans, sizeof ans, "after %.1f ms (%zu report%s)",
                 (double)q->answers[0].delay_ns / 1e6, q->nanswers,
                 q->nanswers == 1 ? "" : "s");
    else if (q->unanswered)
        snprintf(ans, sizeof ans, "NONE: a report was due");
    else
        snprintf(ans, sizeof ans, q->expected ? "(waiting)" : "-");
    ui_lines_add(&s->lines, q->unanswered ? UI_ROLE_WARN : UI_ROLE_NORMAL,
                 Q_FMT, t, ago, mc_addr_format(&q->querier, a, sizeof a),
                 mc_wire_proto_name(q->proto), mc_query_kind_name(q->kind), g,
                 mr, q->qrv ? qrv : "-", q->qqi_s ? qqi : "-",
                 q->s_flag ? "S" : "", ans);
}

static void stops(const struct ui_ctx *c, struct qv *s)
{
    struct mc_stream_stop v[16];
    size_t n = mc_monitor_stream_stops(c->m, v, 16);

    if (n == 0)
        return;
    ui_lines_add(&s->lines, UI_ROLE_TITLE, "Streams that stopped: %zu", n);
    for (size_t i = 0; i < n && i < 16; i++) {
        char g[MC_ADDR_STRLEN], a[MC_ADDR_STRLEN], at[32], sil[32];

        ui_format_clock(v[i].last_packet_real_ns, at, sizeof at);
        ui_lines_add(
            &s->lines, v[i].stopped ? UI_ROLE_WARN : UI_ROLE_NORMAL,
            "  %s port %u from %s sport %u%s%s: %llu stop%s, last "
            "packet %s%s%s",
            mc_addr_format(&v[i].group, g, sizeof g), (unsigned)v[i].port,
            mc_addr_format(&v[i].source, a, sizeof a), (unsigned)v[i].sport,
            v[i].ifname[0] ? " on " : "", v[i].ifname,
            (unsigned long long)v[i].stops, v[i].stops == 1 ? "" : "s", at,
            v[i].stopped ? ", silent for " : " (resumed)",
            v[i].stopped ? ui_format_duration(v[i].silent_ns, sil, sizeof sil)
                         : "");
    }
    ui_lines_add(&s->lines, UI_ROLE_NORMAL, "%s", "");
}

static void build(const struct ui_ctx *c, struct qv *s)
{
    struct mc_querier_snap snap;
    size_t shown = 0;

    ui_lines_clear(&s->lines);
    stops(c, s);
    if (mc_monitor_querier(c->m, &snap) < 0)
        return;
    for (size_t k = 0; k < snap.nifaces; k++) {
        const struct mc_querier_iface *i = &snap.ifaces[k];

        if (i->queries == 0 && i->own_reports == 0 && i->nmembers == 0)
            continue;
        shown++;
        head(s, i);
        members(s, i, snap.mono_ns);
        ui_lines_add(&s->lines, UI_ROLE_HEADER, Q_FMT, "QUERY AT", "AGO",
                     "QUERIER", "PROTO", "KIND", "GROUP", "MAXRESP", "QRV",
                     "QQI", "S", "ANSWERED BY THIS HOST");
        if (i->nqueries == 0)
            ui_lines_add(&s->lines, UI_ROLE_DIM, "  no query seen");
        for (size_t j = i->nqueries; j-- > 0;)
            query(s, &i->q[j], snap.mono_ns);
        ui_lines_add(&s->lines, UI_ROLE_NORMAL, "%s", "");
    }
    if (shown == 0)
        ui_lines_add(&s->lines, UI_ROLE_DIM,
                     "no MLD/IGMP seen: the timeline comes from the wire "
                     "cross-check (w, or :pcap on dev IFACE)");
    mc_querier_snap_free(&snap);
}

static void qv_draw(const struct ui_ctx *c, void *st, WINDOW *w, int top,
                    int rows, int cols)
{
    struct qv *s = st;
    char title[160];
    size_t max;

    build(c, s);
    snprintf(title, sizeof title,
             "Querier timeline: queries on the link, this host's answers "
             "(%s/%s scroll, Esc back)",
             UI_G_UP, UI_G_DOWN);
    ui_put(w, top, 0, cols, ui_attr(UI_ROLE_TITLE), title);
    max = ui_lines_max_first(&s->lines, rows - 1);
    if (s->first > max)
        s->first = max;
    ui_lines_draw(&s->lines, w, top + 1, 0, rows - 1, cols, s->first);
}

static unsigned qv_key(struct ui_ctx *c, void *st, enum ui_action act, int ch,
                       struct ui_reply *out)
{
    struct qv *s = st;

    (void)c;
    (void)ch;
    (void)out;
    ui_lines_scroll(&s->first, act, s->rows);
    return UI_R_REDRAW;
}

const struct ui_screen_ops ui_querier_screen = {
    .ctx = UI_CTX_QUERIER,
    .init = qv_init,
    .free = qv_free,
    .resize = qv_resize,
    .key = qv_key,
    .draw = qv_draw,
};
