/*
 * mcscope core: the monitor's querier timeline (querier.h) — fed by every
 * capture's MLD/IGMP messages whatever else is on, its interfaces watched
 * from the capture's opening, the kernel's counters read on the tick —
 * and the streams that stop: on the tick, a flow of a joined group silent
 * for longer than its stop threshold is an event that names the last
 * packet, the interface's last query and the host's last report.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mcscope/querier.h"
#include "monitor_priv.h"
#include "util.h"

/* The wall-clock time of a monotonic one: the frame's own stamp back,
 * through the offset of the clocks the dispatch converted it with (the
 * clocks now outside a dispatch). */
static int64_t real_of(const struct mc_monitor *m, int64_t mono_ns)
{
    if (m->real_off != 0)
        return mono_ns + m->real_off;
    return mono_ns +
           (mc__clock_ns(CLOCK_REALTIME) - mc__clock_ns(CLOCK_MONOTONIC));
}

/* The host holds a membership of family on ifname (group NULL: any). */
static bool holds(void *arg, const char *ifname, int family,
                  const struct mc_addr *group)
{
    const struct mc_monitor *m = arg;

    for (size_t i = 0; i < m->ng; i++) {
        const struct group *g = m->g[i];

        if (!g->joined || g->family != family ||
            strncmp(g->ifname, ifname, IF_NAMESIZE) != 0)
            continue;
        if (group == NULL || mc_addr_equal(&g->group, group))
            return true;
    }
    return false;
}

int mc__querier_new(struct mc_monitor *m, struct mc_err *err)
{
    struct mc_querier_opts o = {.member = holds, .arg = m};

    if (mc_querier_new(&o, &m->qr) < 0)
        return mc_err_set(err, -ENOMEM, "out of memory for a monitor");
    return 0;
}

void mc__querier_free(struct mc_monitor *m)
{
    mc_querier_free(m->qr);
    m->qr = NULL;
}

void mc__querier_capture_open(struct mc_monitor *m, const char *ifname)
{
    int64_t mono = mc__clock_ns(CLOCK_MONOTONIC);

    mc_querier_watch(m->qr, ifname, mono, real_of(m, mono));
}

void mc__querier_wire_msg(struct mc_monitor *m, const char *ifname,
                          const struct mc_wire_pkt *p, int64_t mono_ns)
{
    mc_querier_feed(m->qr, ifname, &p->src, p->dir == MC_WIRE_DIR_OUT, &p->msg,
                    mono_ns, real_of(m, mono_ns));
}

/* The interface's last query and the host's last report, real time. */
static void link_times(const struct mc_monitor *m, const struct group *g,
                       struct mc_event *ev)
{
    struct mc_querier_snap s;
    const struct mc_querier_iface *i;
    const struct mc_querier_member *mb;

    if (mc_monitor_querier(m, &s) < 0)
        return;
    i = mc_querier_snap_iface(&s, g->ifname, g->family);
    if (i != NULL) {
        const struct mc_querier_query *q =
            mc_querier_iface_last_query(i, &g->group);

        ev->at_query_ns = q != NULL ? q->real_ns : 0;
        mb = mc_querier_iface_member(i, &g->group);
        ev->at_report_ns =
            mb != NULL ? mb->last_report_real_ns : i->last_report_real_ns;
    }
    mc_querier_snap_free(&s);
}

struct stop_ctx {
    struct mc_monitor *m;
    const struct group *g;
};

static void log_stop(void *ctx, const struct mc_source_stats *s,
                     const struct mc_flow *f)
{
    struct stop_ctx *c = ctx;
    struct mc_event ev = {
        .kind = MC_EV_INFO,
        .type = MC_ET_STREAM_STOPPED,
        .group = c->g->group,
        .port = c->g->port,
        .flags = c->g->any ? MC_EVF_ANY : 0,
        .source = *mc_source_addr(s),
        .sport = f->sport,
        .count = f->stops,
        .count2 = (uint64_t)(mc_flow_stop_threshold_ns(f) / MC_NS_PER_MS),
        .at_packet_ns = f->stop_last_ns,
    };

    memcpy(ev.ifname, c->g->ifname, sizeof ev.ifname);
    link_times(c->m, c->g, &ev);
    mc__log(c->m, &ev);
}

/* A fact of the timeline as an event, for the links and groups this host
 * uses (an IPv4 timeline of an IPv6-only host stays quiet). */
static void fact(void *arg, const struct mc_querier_fact *f)
{
    struct mc_monitor *m = arg;
    struct mc_event ev = {
        .kind = MC_EV_INFO,
        .count = (uint64_t)(f->age_ns / MC_NS_PER_MS),
        .count2 = (uint64_t)(f->limit_ns / MC_NS_PER_MS),
    };

    if (!holds(m, f->ifname, f->family,
               f->kind == MC_QF_AGED_OUT ? &f->group : NULL))
        return;
    snprintf(ev.ifname, sizeof ev.ifname, "%s", f->ifname);
    if (f->kind == MC_QF_NO_QUERIER) {
        ev.type = MC_ET_QUERIER_ABSENT;
        ev.detail = f->family == AF_INET6 ? "MLD" : "IGMP";
    } else {
        ev.type = MC_ET_MEMBERSHIP_AGED;
        ev.group = f->group;
    }
    mc__log(m, &ev);
}

void mc__querier_tick(struct mc_monitor *m, int64_t real_now)
{
    mc_querier_read_kernel(m->qr);
    mc_querier_facts(m->qr, mc__clock_ns(CLOCK_MONOTONIC), fact, m);
    for (size_t i = 0; i < m->ng; i++) {
        struct stop_ctx c = {m, m->g[i]};

        if (m->g[i]->stats != NULL)
            mc_group_stats_stopped(m->g[i]->stats, real_now, log_stop, &c);
    }
}

void mc__querier_resumed(struct mc_monitor *m, const struct group *g,
                         const struct mc_cmsg *cm, int64_t real_ns,
                         int64_t gap_ns)
{
    struct mc_event ev = {
        .kind = MC_EV_INFO,
        .type = MC_ET_STREAM_RESUMED,
        .group = g->group,
        .port = g->port,
        .flags = g->any ? MC_EVF_ANY : 0,
        .source = cm->src,
        .sport = cm->src_port,
        .old_value = gap_ns,
        .count2 = (uint64_t)(gap_ns / MC_NS_PER_MS),
        .at_packet_ns = real_ns,
    };

    memcpy(ev.ifname, g->ifname, sizeof ev.ifname);
    link_times(m, g, &ev);
    mc__log(m, &ev);
}

/* ---- views ---- */

int mc_monitor_querier(const struct mc_monitor *m, struct mc_querier_snap *out)
{
    if (m == NULL || m->qr == NULL) {
        memset(out, 0, sizeof *out);
        return -ENOENT;
    }
    return mc_querier_snapshot(m->qr, mc__clock_ns(CLOCK_MONOTONIC),
                               mc__clock_ns(CLOCK_REALTIME), out);
}

size_t mc_monitor_stream_stops(const struct mc_monitor *m,
                               struct mc_stream_stop *out, size_t cap)
{
    int64_t real_now = mc__clock_ns(CLOCK_REALTIME);
    size_t n = 0;

    for (size_t i = 0; i < m->ng; i++) {
        const struct group *g = m->g[i];
        unsigned ns = g->stats ? mc_group_stats_source_count(g->stats) : 0;

        for (unsigned k = 0; k < ns; k++) {
            const struct mc_source_stats *s =
                mc_group_stats_source(g->stats, k);
            unsigned nf = mc_source_flow_count(s);

            for (unsigned j = 0; j < nf; j++) {
                const struct mc_flow *f = mc_source_flow(s, j);
                struct mc_stream_stop *o;

                if (f->stops == 0)
                    continue;
                if (out != NULL && n < cap) {
                    o = &out[n];
                    memset(o, 0, sizeof *o);
                    o->group = g->group;
                    o->source = *mc_source_addr(s);
                    o->port = g->port;
                    o->sport = f->sport;
                    memcpy(o->ifname, g->ifname, sizeof o->ifname);
                    o->stopped = f->stopped;
                    o->stops = f->stops;
                    o->last_packet_real_ns = f->last_ns;
                    o->stopped_real_ns = f->stopped_ns;
                    o->silent_ns = f->stopped ? real_now - f->last_ns : 0;
                    o->threshold_ns = mc_flow_stop_threshold_ns(f);
                }
                n++;
            }
        }
    }
    return n;
}
