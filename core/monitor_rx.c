/*
 * mcscope core: the monitor's receive path — drain a socket with
 * recvmmsg, attribute each packet to its group by destination and arrival
 * interface, count it (stats.h) and in its flow (flow.h: timing, gaps,
 * payload analysis), and keep it in the group's ring; socket drops
 * (SO_RXQ_OVFL) go to the groups of the port.
 */
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>

#include "mcscope/cmsg.h"
#include "mcscope/io.h"
#include "mcscope/probe.h"
#include "mcscope/reflect.h"
#include "monitor_priv.h"

/* recvmmsg calls per socket and wake-up before the others get a turn. */
#define DRAIN_MAX_BATCHES 64

/* A cumulative counter (socket(7) SO_RXQ_OVFL) of o's socket: count the
 * rise, for the monitor and for the groups of its port (they name a
 * difference between wire and socket). */
static void note_drops(struct mc_monitor *m, struct fdowner *o, uint32_t drops)
{
    if (drops <= o->drops_last)
        return;
    m->c.socket_drops += drops - o->drops_last;
    if (o->L->pd != NULL)
        o->L->pd->total += drops - o->drops_last;
    o->drops_last = drops;
}

/* The group a packet belongs to: its destination and arrival interface
 * on the listener's port, among the records of the listener's binding (a
 * socket bound to the group feeds the record bound to the group, the
 * wildcard socket the records bound to the wildcard: the same datagram
 * counts once in each).  A record with ifindex 0 takes any interface. */
static struct group *attribute(struct mc_monitor *m, uint16_t port, bool any,
                               const struct mc_cmsg *cm)
{
    struct group *g = m->last_hit;

    if (!(cm->have & MC_CM_DST))
        return NULL;
    if (g != NULL && g->port == port && g->any == any &&
        mc_addr_equal(&g->group, &cm->dst) &&
        (g->ifindex == cm->ifindex || g->ifindex == 0))
        return g;
    g = mc__group_find(m, &cm->dst, cm->ifindex, port, any, false);
    if (g == NULL)
        g = mc__group_find(m, &cm->dst, 0, port, any, false);
    if (g != NULL)
        m->last_hit = g;
    return g;
}

/* The packet's monotonic time from its real time (the kernel's stamp,
 * or the read's when it had none), never later than now. */
static int64_t pkt_mono(const struct rx_clock *clk, int64_t real)
{
    return mc__real_to_mono(real, clk->real_now, clk->mono_now);
}

/* What a packet's statistics flags say to the log: a new source, a
 * source whose probe sender restarted. */
static void log_source_news(struct mc_monitor *m, const struct group *g,
                            const struct mc_cmsg *cm, int flags)
{
    struct mc_event ev = {
        .kind = MC_EV_INFO,
        .group = g->group,
        .port = g->port,
        .flags = g->any ? MC_EVF_ANY : 0,
        .source = cm->src,
    };

    if (flags & MC_RX_NEW_SOURCE) {
        ev.type = MC_ET_NEW_SOURCE;
        mc__log(m, &ev);
    }
    if (flags & MC_RX_RESTART) {
        ev.type = MC_ET_SOURCE_RESTART;
        mc__log(m, &ev);
    }
}

/* What a packet did to its flow, to the log: a gap ended, a hop limit or
 * traffic class changed, an SSRC changed, the payload was detected. */
static void log_flow_news(struct mc_monitor *m, const struct group *g,
                          const struct mc_cmsg *cm,
                          const struct mc_flow_news *n, int64_t real_ns)
{
    struct mc_event ev = {
        .kind = MC_EV_INFO,
        .group = g->group,
        .port = g->port,
        .flags = g->any ? MC_EVF_ANY : 0,
        .source = cm->src,
        .sport = cm->src_port,
    };

    if (n->flags & MC_FLOW_RESTARTED)
        mc__querier_resumed(m, g, cm, real_ns, n->gap_ns);
    if (n->flags & MC_FLOW_RESUMED) {
        ev.type = MC_ET_FLOW_RESUMED;
        ev.count2 = (uint64_t)(n->gap_ns / 1000000);
        mc__log(m, &ev);
    }
    ev.type = MC_ET_FLOW_PATH_CHANGE;
    if (n->flags & MC_FLOW_HOPLIMIT) {
        ev.detail = cm->src.family == AF_INET ? "TTL" : "hop limit";
        ev.old_value = n->hl_old;
        ev.new_value = n->hl_new;
        mc__log(m, &ev);
    }
    if (n->flags & MC_FLOW_TCLASS) {
        ev.detail = cm->src.family == AF_INET ? "TOS" : "traffic class";
        ev.old_value = n->tc_old;
        ev.new_value = n->tc_new;
        mc__log(m, &ev);
    }
    if (n->flags & MC_AN_SSRC_CHANGE) {
        ev.type = MC_ET_SSRC_CHANGE;
        ev.detail = NULL;
        ev.old_value = n->ssrc_old;
        ev.new_value = n->ssrc_new;
        mc__log(m, &ev);
    }
}

static void handle_pkt(struct mc_monitor *m, struct fdowner *o,
                       const struct mc_pkt *p, const struct rx_clock *clk)
{
    struct mc_probe probe;
    struct mc_flow_news news;
    struct group *g;
    bool is_probe;
    int64_t mono, real;
    int flags;

    m->c.rx_packets++;
    m->c.rx_bytes += p->wire_len;
    if (p->cm.trunc)
        m->c.truncated++;
    if (p->cm.have_drops)
        note_drops(m, o, p->cm.drops);
    g = attribute(m, mc_listener_port(o->L->l), o->L->key.any, &p->cm);
    if (g == NULL && o->L->key.any && o->L->pd != NULL)
        o->L->pd->other_dst++; /* the wildcard's other destinations */
    if (g == NULL) {
        m->c.unattributed_packets++;
        m->c.unattributed_bytes += p->wire_len;
        mc__stray_count(m, false, o->L->family,
                        (p->cm.have & MC_CM_DST) ? &p->cm.dst
                                                 : &(struct mc_addr){0},
                        mc_listener_port(o->L->l), p->wire_len);
        return;
    }
    is_probe = mc_probe_decode(p->data, p->len, &probe) == 0;
    real = mc_stats_rx_real_ns(&p->cm, clk->real_now);
    mono = pkt_mono(clk, real);
    mc__group_record_pkt(g, p, is_probe, is_probe ? probe.seq : 0, mono, real);
    flags = mc_group_stats_rx(g->stats, &p->cm, p->wire_len,
                              is_probe ? &probe : NULL, mono, real);
    if (flags & (MC_RX_NEW_SOURCE | MC_RX_RESTART))
        log_source_news(m, g, &p->cm, flags);
    if (is_probe && m->reflector != NULL &&
        (m->reflect_ifname[0] == '\0' ||
         strcmp(m->reflect_ifname, g->ifname) == 0) &&
        mc_reflect(m->reflector, &p->cm.src, p->src_port, p->data, p->len) == 0)
        g->reflected++;
    if (mc_group_stats_flow(g->stats, &p->cm, p->data, p->len, p->wire_len,
                            real, &news) &
        (MC_FLOW_RESUMED | MC_FLOW_RESTARTED | MC_FLOW_HOPLIMIT |
         MC_FLOW_TCLASS | MC_AN_SSRC_CHANGE))
        log_flow_news(m, g, &p->cm, &news, real);
}

struct silent_ctx {
    struct mc_monitor *m;
    const struct group *g;
};

static void log_silent(void *ctx, const struct mc_source_stats *s,
                       const struct mc_flow *f)
{
    struct silent_ctx *c = ctx;

    mc__log(c->m, &(struct mc_event){
                      .kind = MC_EV_INFO,
                      .type = MC_ET_FLOW_SILENT,
                      .group = c->g->group,
                      .port = c->g->port,
                      .flags = c->g->any ? MC_EVF_ANY : 0,
                      .source = *mc_source_addr(s),
                      .sport = f->sport,
                      .count2 = (uint64_t)(mc_group_stats_gap_ns(c->g->stats) /
                                           1000000),
                  });
}

void mc__rx_check_silence(struct mc_monitor *m, const struct rx_clock *clk)
{
    for (size_t i = 0; i < m->ng; i++) {
        struct silent_ctx c = {m, m->g[i]};

        if (m->g[i]->stats != NULL)
            mc_group_stats_silent(m->g[i]->stats, clk->real_now, log_silent,
                                  &c);
    }
}

/* Read a listener's socket fd until it is empty (or DRAIN_MAX_BATCHES
 * batches went). */
uint64_t mc__rx_drain_fd(struct mc_monitor *m, int fd,
                         const struct rx_clock *clk)
{
    unsigned cap = mc_rxbatch_capacity(m->rx);
    struct fdowner *o = mc__fd_owner(m, fd);
    uint64_t got = 0;
    struct mc_err err;

    if (o == NULL || o->kind != FD_LISTENER)
        return 0;
    for (int b = 0; b < DRAIN_MAX_BATCHES; b++) {
        int n = mc_rxbatch_recv(m->rx, fd, &err);

        m->c.recv_calls++;
        if (n < 0) {
            if (m->c.rx_errors++ == 0)
                mc__log(m, &(struct mc_event){.kind = MC_EV_ERROR,
                                              .type = MC_ET_RECEIVE_ERROR,
                                              .why = err.msg});
            break;
        }
        for (int i = 0; i < n; i++)
            handle_pkt(m, o, mc_rxbatch_get(m->rx, (unsigned)i), clk);
        got += (uint64_t)n;
        if ((unsigned)n < cap)
            break;
    }
    return got;
}

/* Ready descriptors per epoll_wait, and rounds per wake-up. */
#define READY_MAX 64
#define READY_ROUNDS 64

uint64_t mc__rx_drain_ready(struct mc_monitor *m, const struct rx_clock *clk)
{
    struct mc_wire_clock wclk = {clk->mono_now, clk->real_now};
    struct epoll_event ev[READY_MAX];
    uint64_t got = 0;

    for (int r = 0; r < READY_ROUNDS; r++) {
        int n = epoll_wait(m->epfd, ev, READY_MAX, 0);

        for (int i = 0; i < n; i++) {
            const struct fdowner *o = mc__fd_owner(m, ev[i].data.fd);

            if (o == NULL)
                continue; /* not the monitor's (any more) */
            if (o->kind == FD_LISTENER)
                got += mc__rx_drain_fd(m, ev[i].data.fd, clk);
            else
                got += mc_wirecheck_drain(m->wc, o->handle, &wclk);
        }
        if (n < READY_MAX)
            break;
    }
    return got;
}

int mc__reflect_apply(struct mc_monitor *m, const struct mc_cmd_pcap *c,
                      struct mc_err *err)
{
    int r;

    if (!c->on) {
        mc_reflector_free(m->reflector);
        m->reflector = NULL;
        return 0;
    }
    if (m->reflector == NULL) {
        r = mc_reflector_new(&m->reflector);
        if (r < 0)
            return mc_err_set(err, r, "reflect on: %s", mc_strerror(r));
    }
    snprintf(m->reflect_ifname, sizeof m->reflect_ifname, "%s", c->ifname);
    return 0;
}
