/*
 * mcscope ui: the detail of one group — what a person checks when "tcpdump
 * sees it, my app gets nothing": the membership as asked and as the
 * kernel holds it (MCAST_MSFILTER and the /proc rows), what the address
 * is (mc_group_explain), the totals and probe analysis, every source's
 * figures, and the group's last packets with their control data.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "format.h"
#include "lines.h"
#include "mcscope/cmsg.h"
#include "mcscope/kstate.h"
#include "flows.h"
#include "screen.h"

#define LABEL_WIDTH 21

struct detail {
    size_t first;
    int rows, cols;
    struct ui_lines lines;
    /* While the display is paused the lines stay as they were drawn last
     * for this group: the whole view is frozen, not just its totals. */
    bool built;
    size_t built_group;
};

static void *detail_init(void)
{
    return calloc(1, sizeof(struct detail));
}

static void detail_free(void *st)
{
    struct detail *d = st;

    ui_lines_free(&d->lines);
    free(d);
}

static void detail_resize(void *st, int rows, int cols)
{
    struct detail *d = st;

    d->rows = rows;
    d->cols = cols;
}

/* "{fd42::1, fd42::2}" from a list of addresses. */
static void list_text(const struct mc_addr *v, size_t n, size_t total,
                      char *buf, size_t len)
{
    char a[MC_ADDR_STRLEN];
    size_t o;

    o = (size_t)snprintf(buf, len, "{");
    for (size_t i = 0; i < n && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "",
                              mc_addr_format(&v[i], a, sizeof a));
    if (total > n && o < len)
        o += (size_t)snprintf(buf + o, len - o, ", ... %zu in all", total);
    if (o < len)
        snprintf(buf + o, len - o, "}");
}

static const char *mode_word(enum mc_filter_mode mode)
{
    switch (mode) {
    case MC_MODE_ASM:
        return "ASM (exclude mode, no source blocked)";
    case MC_MODE_INCLUDE:
        return "INCLUDE";
    case MC_MODE_EXCLUDE:
        return "EXCLUDE";
    default:
        return "not joined";
    }
}

static void add_label(struct ui_lines *l, const char *label, enum ui_role role,
                      const char *text)
{
    char indented[LABEL_WIDTH + 1];

    snprintf(indented, sizeof indented, "  %s", label);
    ui_lines_add2(l, UI_ROLE_DIM, LABEL_WIDTH, indented, role, "%s", text);
}

static void add_membership(const struct ui_ctx *c, struct ui_lines *l,
                           size_t gi)
{
    const struct mc_group_kernel *k = mc_monitor_kernel_view(c->m, gi);
    const struct mc_filter *f;
    struct mc_group_view v;
    char text[1024], list[900];

    if (mc_monitor_group(c->m, gi, &v) < 0)
        return;
    ui_lines_add(l, UI_ROLE_TITLE, "Membership");
    list_text(v.sources, v.nsources, v.nsources, list, sizeof list);
    snprintf(text, sizeof text, "%s%s%s",
             v.emptied ? "EXCLUDE{0}: an exclude list emptied again (as ASM, "
                         "but join-source is refused until a leave)"
                       : mode_word(v.mode),
             v.nsources > 0 ? " " : "", v.nsources > 0 ? list : "");
    add_label(l, "as asked", UI_ROLE_NORMAL, text);
    /* The monitor's view, taken outside drawing (core: the one verdict
     * the JSON report gives too). */
    if (k == NULL) {
        add_label(l, "kernel (MSFILTER)", UI_ROLE_DIM, "not read yet");
        return;
    }
    if (k->error < 0) {
        add_label(l, "kernel (MSFILTER)", UI_ROLE_EV_ERROR, k->error_text);
        return;
    }
    f = &k->filter;
    list_text(f->sources, f->nsources < f->cap ? f->nsources : f->cap,
              f->nsources, list, sizeof list);
    snprintf(text, sizeof text, "%s%s%s", mode_word(f->mode),
             f->nsources > 0 ? " " : "", f->nsources > 0 ? list : "");
    add_label(l, "kernel (MSFILTER)", UI_ROLE_NORMAL, text);
    if (k->mismatch)
        add_label(l, "", UI_ROLE_WARN, k->mismatch_text);
    else
        add_label(l, "", UI_ROLE_DIM, "the kernel holds what was asked");
}

/* The rows /proc/net/igmp6 (igmp) and mcfilter6 (mcfilter) have for the
 * group on its interface (every interface when the route chose). */
static void add_proc(const struct ui_ctx *c, struct ui_lines *l,
                     const struct ui_row *g)
{
    const struct mc_kernel_snapshot *snap = mc_monitor_kernel_snapshot(c->m);
    const struct mc_group_kernel *kv = mc_monitor_kernel_view(c->m, g->group);
    const char *gfile =
        g->family == AF_INET6 ? "/proc/net/igmp6" : "/proc/net/igmp";
    const char *sfile =
        g->family == AF_INET6 ? "/proc/net/mcfilter6" : "/proc/net/mcfilter";
    const struct mc_kgroups *kg;
    const struct mc_ksources *ks;
    const struct mc_err *gerr, *serr;
    char text[256], a[MC_ADDR_STRLEN];
    bool any = false;

    if (snap == NULL) {
        add_label(l, gfile, UI_ROLE_DIM, "not read yet");
        return;
    }
    kg = g->family == AF_INET6 ? &snap->groups6 : &snap->groups4;
    ks = g->family == AF_INET6 ? &snap->sources6 : &snap->sources4;
    gerr = g->family == AF_INET6 ? &snap->groups6_err : &snap->groups4_err;
    serr = g->family == AF_INET6 ? &snap->sources6_err : &snap->sources4_err;
    if (gerr->code < 0) {
        add_label(l, gfile, UI_ROLE_EV_ERROR, gerr->msg);
    } else {
        for (size_t i = 0; i < kg->n; i++) {
            const struct mc_kgroup *k = &kg->v[i];

            if (!mc_addr_equal(&k->group, &g->addr) ||
                (g->ifindex != 0 && k->ifindex != g->ifindex))
                continue;
            snprintf(text, sizeof text, "%s users %u flags 0x%x timer %lu%s%s",
                     k->ifname, k->users, k->flags, k->timer,
                     k->querier[0] ? " querier " : "", k->querier);
            add_label(l, any ? "" : gfile, UI_ROLE_NORMAL, text);
            any = true;
        }
        if (!any)
            add_label(l, gfile, UI_ROLE_DIM,
                      "no row: the interface does not hold the group");
    }
    any = false;
    if (serr->code < 0) {
        add_label(l, sfile, UI_ROLE_EV_ERROR, serr->msg);
        return;
    }
    for (size_t i = 0; i < ks->n; i++) {
        const struct mc_ksource *k = &ks->v[i];

        if (!mc_addr_equal(&k->group, &g->addr) ||
            (g->ifindex != 0 && k->ifindex != g->ifindex))
            continue;
        snprintf(text, sizeof text, "%s %s include %u exclude %u", k->ifname,
                 mc_addr_format(&k->source, a, sizeof a), k->inc, k->exc);
        add_label(l, any ? "" : sfile, UI_ROLE_NORMAL, text);
        any = true;
    }
    if (!any && kv != NULL && kv->proc_sources_unlisted)
        add_label(l, sfile, UI_ROLE_DIM,
                  "not listed: the kernel's listing skips this interface "
                  "(its newest group has no source filter); MSFILTER above "
                  "is the socket's own answer");
    else if (!any)
        add_label(l, sfile, UI_ROLE_DIM, "no source filter rows");
}

/* How mcscope receives the group, the other processes' sockets on its
 * port (read on the monitor's tick), and what came to the port for no
 * joined group. */
static void add_receiving(const struct ui_ctx *c, struct ui_lines *l,
                          const struct ui_row *g)
{
    struct mc_group_view v;
    struct mc_app_view a;
    struct mc_stray_view s;
    char text[256], addr[MC_ADDR_STRLEN];
    size_t k;

    if (mc_monitor_group(c->m, g->group, &v) < 0)
        return;
    ui_lines_add(l, UI_ROLE_TITLE, "Receiving");
    if (v.binding == MC_BIND_WIRE_ONLY) {
        snprintf(text, sizeof text,
                 "wire-only: %s (pid %d) holds port %u without SO_REUSEADDR; "
                 "counted by the capture",
                 v.holder_comm[0] ? v.holder_comm : "another process",
                 v.holder_pid, (unsigned)v.port);
        add_label(l, "binding", UI_ROLE_WARN, text);
    } else {
        add_label(l, "binding", UI_ROLE_NORMAL,
                  v.binding == MC_BIND_ANY
                      ? "any: the wildcard (bind any), shares the port's "
                        "unicast with the other receivers"
                      : "group: bound to the group address (passive)");
    }
    if (v.binding == MC_BIND_ANY) {
        snprintf(text, sizeof text,
                 "%llu: unicast to port %u, or other sockets' groups "
                 "(multicast-all on)",
                 (unsigned long long)v.other_dst, (unsigned)v.port);
        add_label(l, "other destinations", UI_ROLE_NORMAL, text);
    }
    for (k = 0; mc_monitor_group_app(c->m, g->group, k, &a) == 0; k++) {
        mc_addr_format(&a.a.s.local, addr, sizeof addr);
        snprintf(
            text, sizeof text, "%s pid %d on %s:%u  queue %u B  drops %llu%s",
            a.a.comm[0] ? a.a.comm : "?", a.a.pid, addr, (unsigned)a.a.s.lport,
            (unsigned)a.a.s.rx_queue, (unsigned long long)a.a.s.drops,
            a.receives ? "" : "  (another address: not this group)");
        add_label(l, k == 0 ? "other sockets" : "", UI_ROLE_NORMAL, text);
    }
    if (k == 0)
        add_label(l, "other sockets", UI_ROLE_DIM,
                  "none on this port (read each second)");
    k = 0;
    for (size_t i = 0; mc_monitor_stray(c->m, i, &s) == 0; i++) {
        if (s.other || s.port != v.port)
            continue;
        mc_addr_format(&s.dst, addr, sizeof addr);
        snprintf(text, sizeof text, "%s port %u: %llu packets (%s)",
                 s.dst.family ? addr : "?", (unsigned)s.port,
                 (unsigned long long)s.packets, s.wire ? "wire" : "socket");
        add_label(l, k++ == 0 ? "no group's" : "", UI_ROLE_NORMAL, text);
    }
}

static void add_totals(struct ui_lines *l, const struct ui_row *g)
{
    const struct mc_seq_stats *q = &g->seq;
    char p[16], b[16], t[16], pps[16], bps[16], text[256];
    char lost[16], pct[16], d1[16], d2[16], d3[16], jit[16];

    ui_lines_add(l, UI_ROLE_TITLE, "Totals");
    snprintf(text, sizeof text,
             "packets %s  bytes %s  truncated %s  %s pkt/s  %s bit/s",
             ui_format_count(g->c.packets, p, sizeof p),
             ui_format_count(g->c.bytes, b, sizeof b),
             ui_format_count(g->c.truncated, t, sizeof t),
             ui_format_si(g->rate.pps, g->rate.known, pps, sizeof pps),
             ui_format_si(g->rate.bps, g->rate.known, bps, sizeof bps));
    add_label(l, "socket", UI_ROLE_NORMAL, text);
    if (g->wire) {
        snprintf(text, sizeof text, "packets %s  bytes %s%s",
                 ui_format_count(g->c.wire_packets, p, sizeof p),
                 ui_format_count(g->c.wire_bytes, b, sizeof b),
                 g->wire_now ? ""
                             : "  (stopped: pcap is off for it, the counts "
                               "are those until then)");
        add_label(l, "wire (capture)",
                  g->wire_now ? UI_ROLE_NORMAL : UI_ROLE_WARN, text);
    }
    if (!q->known) {
        add_label(l, "sequence", UI_ROLE_DIM,
                  "none seen: loss, duplicates and order are unknown "
                  "(probes, RTP and analyze ... seq carry one)");
        return;
    }
    snprintf(text, sizeof text,
             "lost %s (%s)  duplicates %" PRIu64 "  reordered %" PRIu64
             "  too old %" PRIu64 "  runs %" PRIu64,
             ui_format_count(q->lost, lost, sizeof lost),
             ui_format_percent(q->lost, q->expected, true, pct, sizeof pct),
             q->duplicates, q->reordered, q->too_old, q->runs);
    add_label(l, q->delay_known ? "probes" : "sequence (flows)", UI_ROLE_NORMAL,
              text);
    if (!q->delay_known)
        return; /* no send times: no delay */
    snprintf(text, sizeof text, "min %s  avg %s  max %s  jitter %s",
             ui_format_delay(q->delay_min_ns, q->delay_known, d1, sizeof d1),
             ui_format_delay(q->delay_avg_ns, q->delay_known, d2, sizeof d2),
             ui_format_delay(q->delay_max_ns, q->delay_known, d3, sizeof d3),
             ui_format_delay(q->jitter_ns, q->jitter_known, jit, sizeof jit));
    add_label(l, "one-way delay", UI_ROLE_NORMAL, text);
}

static const char *state_word(const struct ui_row *r)
{
    static char mode[24];

    ui_row_mode(r, mode, sizeof mode);
    return mode[0] != '\0' ? mode : "delivered";
}

/* Append s to buf at *at in a field of width columns, after a blank. */
static void cell(char *buf, size_t len, size_t *at, const char *s, int width,
                 bool right)
{
    if (*at + 1 >= len)
        return;
    buf[(*at)++] = ' ';
    ui_pad(buf + *at, len - *at, s, width, right);
    *at += strlen(buf + *at);
}

static const int src_widths[] = {24, 9, 7, 7, 7, 7, 6, 5, 5, 8, 8};

/* The columns of the sources table; split: on two lines (the figures
 * of the probes under the counts) when one line would not fit. */
#define SRC_COLS 11
#define SRC_SPLIT 6 /* the first column of the second line */

static int src_line_width(void)
{
    int w = 1;

    for (int c = 0; c < SRC_COLS; c++)
        w += 1 + src_widths[c];
    return w;
}

/* The cells [from, to) of v as one line of text. */
static void src_cells(char v[][MC_ADDR_STRLEN + 8], int from, int to,
                      char *text, size_t len)
{
    size_t at = 1;

    text[0] = ' ';
    text[1] = '\0';
    if (from > 0) { /* under the first columns: indented */
        at = (size_t)snprintf(text, len, "%*s", 1 + src_widths[0] + 1, "");
        if (at >= len)
            at = len - 1;
    }
    for (int c = from; c < to; c++)
        cell(text, len, &at, v[c], src_widths[c], c >= 2);
}

static void source_cells(const struct ui_row *r,
                         char v[SRC_COLS][MC_ADDR_STRLEN + 8])
{
    const struct mc_seq_stats *q = &r->seq;

    ui_row_name(r, v[0], sizeof v[0]);
    snprintf(v[1], sizeof v[1], "%s", state_word(r));
    ui_format_count(r->c.packets, v[2], sizeof v[2]);
    ui_format_count(r->c.bytes, v[3], sizeof v[3]);
    ui_format_si(r->rate.pps, r->rate.known, v[4], sizeof v[4]);
    ui_format_si(r->rate.bps, r->rate.known, v[5], sizeof v[5]);
    ui_format_si((double)q->lost, q->known, v[6], sizeof v[6]);
    ui_format_si((double)q->duplicates, q->known, v[7], sizeof v[7]);
    ui_format_si((double)q->reordered, q->known, v[8], sizeof v[8]);
    ui_format_delay(q->delay_avg_ns, q->delay_known, v[9], sizeof v[9]);
    if (q->jitter_known) /* the probe's; else the flows' RTP jitter */
        ui_format_delay(q->jitter_ns, true, v[10], sizeof v[10]);
    else
        ui_format_delay((int64_t)(r->fl.jitter_ms * 1e6), r->fl.jitter_known,
                        v[10], sizeof v[10]);
}

static void add_sources(struct ui_lines *l, const struct ui_row *g, int cols)
{
    static const char *const titles[SRC_COLS] = {
        "SOURCE", "STATE", "PKTS", "BYTES", "PKT/S",  "BIT/S",
        "LOSS",   "DUP",   "ORD",  "DELAY", "JITTER",
    };
    char v[SRC_COLS][MC_ADDR_STRLEN + 8], text[512];
    bool split = src_line_width() > cols;
    int end = split ? SRC_SPLIT : SRC_COLS;

    ui_lines_add(l, UI_ROLE_TITLE, "Sources (%u)", g->nchildren);
    if (g->nchildren == 0) {
        ui_lines_add(l, UI_ROLE_DIM, "  no packet from any source yet");
        return;
    }
    for (int c = 0; c < SRC_COLS; c++)
        snprintf(v[c], sizeof v[c], "%s", titles[c]);
    src_cells(v, 0, end, text, sizeof text);
    ui_lines_add(l, UI_ROLE_HEADER, "%s", text);
    if (split) {
        src_cells(v, SRC_SPLIT, SRC_COLS, text, sizeof text);
        ui_lines_add(l, UI_ROLE_HEADER, "%s", text);
    }
    for (unsigned i = 0; i < g->nchildren; i++) {
        const struct ui_row *r = g + 1 + i;
        enum ui_role role =
            r->state == UI_SRC_BLOCKED || r->state == UI_SRC_NOT_INCLUDED
                ? UI_ROLE_BLOCKED
                : UI_ROLE_NORMAL;

        source_cells(r, v);
        src_cells(v, 0, end, text, sizeof text);
        ui_lines_add(l, role, "%s", text);
        if (split) {
            src_cells(v, SRC_SPLIT, SRC_COLS, text, sizeof text);
            ui_lines_add(l, role, "%s", text);
        }
        if (r->note != NULL) /* why the wire and the socket differ */
            ui_lines_add(l, UI_ROLE_DIM, "%*swire: %s", 1 + src_widths[0] + 1,
                         "", r->note);
    }
}

/* "tclass hoplimit dst": the control-message flags that are on. */
static void flag_list(unsigned flags, char *buf, size_t len)
{
    size_t n, o = 0;
    const struct mc_cm_flag_info *f = mc_cm_flags(&n);

    buf[0] = '\0';
    for (size_t i = 0; i < n && o < len; i++)
        if (flags & f[i].flag)
            o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? " " : "",
                                  f[i].word);
    if (o == 0)
        snprintf(buf, len, "none");
}

/* The texts of one of the last packets' fields. */
struct pkt_text {
    char age[16], src[MC_ADDR_STRLEN], dst[MC_ADDR_STRLEN];
    char ifn[IF_NAMESIZE], hl[16], tc[16], mtu[16], size[24], note[40];
};

/* prev, prev_t: the line before (NULL: none), whose interface name
 * serves again when the interface is the same. */
static void pkt_text(const struct mc_pkt_record *r, int64_t now,
                     const struct mc_pkt_record *prev,
                     const struct pkt_text *prev_t, struct pkt_text *t)
{
    ui_format_duration(now - r->mono_ns, t->age, sizeof t->age);
    snprintf(t->src, sizeof t->src, "%s", UI_UNKNOWN);
    if (r->have & MC_CM_SRC)
        mc_addr_format(&r->src, t->src, sizeof t->src);
    snprintf(t->dst, sizeof t->dst, "%s", UI_UNKNOWN);
    if (r->have & MC_CM_DST)
        mc_addr_format(&r->dst, t->dst, sizeof t->dst);
    if (!(r->have & MC_CM_IFACE))
        snprintf(t->ifn, sizeof t->ifn, "%s", UI_UNKNOWN);
    else if (prev != NULL && (prev->have & MC_CM_IFACE) &&
             prev->ifindex == r->ifindex)
        snprintf(t->ifn, sizeof t->ifn, "%s", prev_t->ifn);
    else
        mc_ifname(r->ifindex, t->ifn, sizeof t->ifn);
    ui_format_int(r->hoplimit, r->have & MC_CM_HOPLIMIT, t->hl, sizeof t->hl);
    ui_format_tclass(r->tclass, r->have & MC_CM_TCLASS, t->tc, sizeof t->tc);
    ui_format_int(r->mtu, r->have & MC_CM_PATHMTU, t->mtu, sizeof t->mtu);
    snprintf(t->size, sizeof t->size, "%zu", r->len);
    snprintf(t->note, sizeof t->note, "%s", r->trunc ? "  trunc" : "");
    if (r->is_probe)
        snprintf(t->note + strlen(t->note), sizeof t->note - strlen(t->note),
                 "  seq %" PRIu64, r->seq);
}

static void widen(int *w, const char *s)
{
    int n = ui_text_width(s);

    if (n > *w)
        *w = n;
}

/* The fields of one packet's line, padded. */
struct pkt_fields {
    char v[8][MC_ADDR_STRLEN + 16]; /* age src dst if hl tc mtu size */
    const char *note;
};

/* The line of a packet: labelled in full, or compact (to fit 80 columns
 * with IPv4 addresses). */
static void pkt_line(const struct pkt_fields *f, bool compact, char *buf,
                     size_t len)
{
    if (compact)
        snprintf(buf, len,
                 "  %s  %s " UI_G_RIGHT " %s if %s hl %s tc %s "
                 "pmtu %s size %s%s",
                 f->v[0], f->v[1], f->v[2], f->v[3], f->v[4], f->v[5], f->v[6],
                 f->v[7], f->note);
    else
        snprintf(buf, len,
                 "  %s ago  src %s  dst %s  if %s  hoplimit %s  "
                 "tclass %s  pathmtu %s  size %s%s",
                 f->v[0], f->v[1], f->v[2], f->v[3], f->v[4], f->v[5], f->v[6],
                 f->v[7], f->note);
}

/*
 * The group's last packets, newest first, as many as the view has rows
 * for (the monitor keeps MC_MON_RECENT_PACKETS), each with every field its
 * control data carried (UI_UNKNOWN for the others).  Fields are padded to
 * the widest of the lines shown, so the lines read as columns; lines too
 * wide for cols take the compact form.
 */
static void add_last_packets(const struct ui_ctx *c, struct ui_lines *l,
                             const struct ui_row *g, int rows, int cols)
{
    struct mc_monitor_settings s;
    struct mc_pkt_record rec[MC_MON_RECENT_PACKETS];
    struct pkt_text t[MC_MON_RECENT_PACKETS];
    int w[8] = {0};
    struct pkt_fields f;
    char line[1024], on[64];
    size_t fit = rows > 3 ? (size_t)rows - 2 : 1, n;
    int64_t now = mc_monitor_now_ns();
    bool compact = false;

    mc_monitor_settings(c->m, &s);
    flag_list(s.cm_flags, on, sizeof on);
    snprintf(line, sizeof line,
             "Last packets (control messages on: %s; c changes them)", on);
    ui_lines_wrap(l, UI_ROLE_TITLE, 0, cols, line);
    n = mc_monitor_recent_packets(
        c->m, g->group, rec,
        fit < MC_MON_RECENT_PACKETS ? fit : MC_MON_RECENT_PACKETS);
    if (n == 0) {
        ui_lines_add(l, UI_ROLE_DIM, "  no packet received yet");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        pkt_text(&rec[i], now, i > 0 ? &rec[i - 1] : NULL,
                 i > 0 ? &t[i - 1] : NULL, &t[i]);
        widen(&w[0], t[i].age);
        widen(&w[1], t[i].src);
        widen(&w[2], t[i].dst);
        widen(&w[3], t[i].ifn);
        widen(&w[4], t[i].hl);
        widen(&w[5], t[i].tc);
        widen(&w[6], t[i].mtu);
        widen(&w[7], t[i].size);
    }
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < n; i++) {
            const char *v[8] = {t[i].age, t[i].src, t[i].dst, t[i].ifn,
                                t[i].hl,  t[i].tc,  t[i].mtu, t[i].size};

            for (int k = 0; k < 8; k++)
                ui_pad(f.v[k], sizeof f.v[k], v[k], w[k], k == 0);
            f.note = t[i].note;
            pkt_line(&f, compact, line, sizeof line);
            if (pass == 0 && !compact && ui_text_width(line) > cols)
                compact = true; /* decided on the first pass */
            if (pass == 1)
                ui_lines_add(l, UI_ROLE_NORMAL, "%s", line);
        }
    }
}

static void add_senders(const struct ui_ctx *c, struct ui_lines *l,
                        const struct ui_row *g)
{
    size_t n = mc_monitor_nsenders(c->m);
    char sent[16];
    bool any = false;

    for (size_t i = 0; i < n; i++) {
        struct mc_sender_info si;

        if (mc_monitor_sender(c->m, i, &si) < 0 ||
            !mc_addr_equal(&si.group, &g->addr) || si.port != g->port)
            continue;
        if (!any)
            ui_lines_add(l, UI_ROLE_TITLE, "Senders of this host to it");
        any = true;
        ui_lines_add(l, si.error ? UI_ROLE_EV_ERROR : UI_ROLE_NORMAL,
                     "  %s%s rate %u/s size %u: %s sent, %s%s%s",
                     si.ifname[0] ? "dev " : "", si.ifname, si.rate, si.size,
                     ui_format_count(si.sent, sent, sizeof sent),
                     si.running ? "running" : "ended",
                     si.error_text[0] ? ": " : "", si.error_text);
    }
}

static void build(const struct ui_ctx *c, struct detail *d,
                  const struct ui_row *g, int rows)
{
    char a[MC_ADDR_STRLEN], text[512], dur[16], where[IF_NAMESIZE + 48];
    struct mc_group_view v;
    int64_t now = mc_monitor_now_ns();

    ui_lines_clear(&d->lines);
    if (c->model->paused) /* opened in pause: not all of it is frozen */
        ui_lines_wrap(&d->lines, UI_ROLE_WARN, 0, d->cols,
                      "PAUSED: the totals and sources are as of the pause; "
                      "the rest was read when this view opened. All of it "
                      "stays as it is until p resumes.");
    if (g->ifname[0] != '\0')
        snprintf(where, sizeof where, " dev %s", g->ifname);
    else if (g->chosen_if[0] != '\0')
        snprintf(where, sizeof where,
                 " (no interface named: the kernel chose %s)", g->chosen_if);
    else
        where[0] = '\0';
    snprintf(
        text, sizeof text, "%s%s port %u  %s  %s %s ago",
        mc_addr_format(&g->addr, a, sizeof a), where, (unsigned)g->port,
        mc_family_name(g->family), g->joined ? "joined" : "left",
        ui_format_duration(now - (g->joined ? g->first_join_ns : g->left_ns),
                           dur, sizeof dur));
    ui_lines_add(&d->lines, UI_ROLE_GROUP, "%s", text);
    if (mc_monitor_group(c->m, g->group, &v) == 0 &&
        v.binding == MC_BIND_WIRE_ONLY)
        ui_lines_add(&d->lines, UI_ROLE_WARN,
                     "wire-only: counted by the capture (see Receiving)");
    mc_group_explain(&g->addr, text, sizeof text);
    ui_lines_wrap(&d->lines, UI_ROLE_NORMAL, 0, d->cols, text);
    ui_lines_add(&d->lines, UI_ROLE_NORMAL, "%s", "");
    add_membership(c, &d->lines, g->group);
    add_proc(c, &d->lines, g);
    add_totals(&d->lines, g);
    add_sources(&d->lines, g, d->cols);
    add_receiving(c, &d->lines, g);
    ui_detail_flows(c, &d->lines, g);
    add_last_packets(c, &d->lines, g, rows, d->cols);
    add_senders(c, &d->lines, g);
}

static void detail_draw(const struct ui_ctx *c, void *st, WINDOW *w, int top,
                        int rows, int cols)
{
    struct detail *d = st;
    const struct ui_row *g = ui_model_selected_group(c->model);
    size_t max;

    d->cols = cols;
    if (g == NULL) {
        ui_put(w, top, 0, cols, ui_attr(UI_ROLE_DIM),
               "No group selected: join one first (j), then d shows it "
               "here. Esc goes back.");
        return;
    }
    if (!c->model->paused || !d->built || d->built_group != g->group) {
        build(c, d, g, rows);
        d->built = true;
        d->built_group = g->group;
    }
    max = ui_lines_max_first(&d->lines, rows);
    if (d->first > max)
        d->first = max;
    ui_lines_draw(&d->lines, w, top, 0, rows, cols, d->first);
}

static unsigned detail_key(struct ui_ctx *c, void *st, enum ui_action act,
                           int ch, struct ui_reply *out)
{
    struct detail *d = st;

    (void)ch;
    (void)out;
    if (act == UI_ACT_NEXT_GROUP || act == UI_ACT_PREV_GROUP) {
        ui_model_step_group(c->model, act == UI_ACT_NEXT_GROUP ? 1 : -1);
        d->first = 0;
        return UI_R_REDRAW;
    }
    ui_lines_scroll(&d->first, act, d->rows);
    return UI_R_REDRAW;
}

const struct ui_screen_ops ui_detail_screen = {
    .ctx = UI_CTX_DETAIL,
    .init = detail_init,
    .free = detail_free,
    .resize = detail_resize,
    .key = detail_key,
    .draw = detail_draw,
};
