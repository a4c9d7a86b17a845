/*
 * mcscope core: the monitor itself (monitor.h) — making and freeing it,
 * one step of the event loop (its pollfds, the timers, dispatch) and the
 * views of its state.  The rest of it is in the files monitor_priv.h
 * lists.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "mcscope/io.h"
#include "mcscope/probe.h"
#include "mcscope/sock.h"
#include "monitor_priv.h"

/* The tick comes this long after a whole second, so that the second just
 * completed is in the rates (stats.h counts whole seconds). */
#define TICK_LAG_NS MC_NS_PER_MS

int64_t mc_monitor_now_ns(void)
{
    return mc__clock_ns(CLOCK_MONOTONIC);
}

static int64_t next_deadline(const struct mc_monitor *m)
{
    int64_t t = m->next_tick_ns;

    if (m->holding && m->holdoff_until_ns < t)
        t = m->holdoff_until_ns;
    if (mc__send_next_ns(m) < t)
        t = mc__send_next_ns(m);
    if (mc_wirecheck_next_ns(m->wc) < t)
        t = mc_wirecheck_next_ns(m->wc);
    if (mc__link_next_ns(m) < t)
        t = mc__link_next_ns(m);
    if (mc__tcp_next_ns(m) < t)
        t = mc__tcp_next_ns(m);
    return t;
}

static void arm_timer(struct mc_monitor *m)
{
    int64_t t = next_deadline(m);

    if (t == m->armed_ns)
        return;
    if (t <= 0)
        t = 1; /* 0 would disarm it (mc_timerfd_arm does the same) */
    if (mc_timerfd_arm(m->tfd, t, true) == 0)
        m->armed_ns = t;
}

static int64_t tick_after(int64_t now)
{
    return (now / MC_NS_PER_S + 1) * MC_NS_PER_S + TICK_LAG_NS;
}

size_t mc_monitor_pollfds(struct mc_monitor *m, struct pollfd *fds, size_t cap)
{
    size_t k = 0;
    bool data =
        !m->holding || mc__clock_ns(CLOCK_MONOTONIC) >= m->holdoff_until_ns;

    arm_timer(m); /* commands may have changed the deadlines */
    if (k < cap) {
        fds[k].fd = m->tfd;
        fds[k].events = POLLIN;
        fds[k].revents = 0;
    }
    k++;
    if (!data || m->nowned == 0)
        return k;
    /* Every receive socket and capture is in one epoll set: one
     * descriptor however many groups (the captures rest with the sockets:
     * one holdoff gathers both). */
    if (k < cap) {
        fds[k].fd = m->epfd;
        fds[k].events = POLLIN;
        fds[k].revents = 0;
    }
    k++;
    return k;
}

size_t mc_monitor_nwatched(const struct mc_monitor *m)
{
    return m->nowned;
}

int mc_monitor_next_timeout_ms(const struct mc_monitor *m)
{
    int64_t left = next_deadline(m) - mc__clock_ns(CLOCK_MONOTONIC);

    if (left <= 0)
        return 0;
    left = (left + MC_NS_PER_MS - 1) / MC_NS_PER_MS;
    return left > 60000 ? 60000 : (int)left;
}

static void read_timer(struct mc_monitor *m)
{
    uint64_t expirations;

    /* Non-blocking: EAGAIN when it had not fired. */
    if (read(m->tfd, &expirations, sizeof expirations) < 0)
        return;
    m->armed_ns = 0;
}

int mc_monitor_dispatch(struct mc_monitor *m, const struct pollfd *fds,
                        size_t n)
{
    struct rx_clock clk;
    struct mc_wire_clock wclk;
    uint64_t got = 0, seq0 = m->evseq;
    int flags = 0;

    clk.mono_now = mc__clock_ns(CLOCK_MONOTONIC);
    clk.real_now = mc__clock_ns(CLOCK_REALTIME);
    wclk.mono_now = clk.mono_now;
    wclk.real_now = clk.real_now;
    m->real_off = clk.real_now - clk.mono_now;
    m->c.wakeups++;
    for (size_t i = 0; i < n; i++) {
        const struct fdowner *o;

        if (fds[i].revents == 0)
            continue;
        if (fds[i].fd == m->tfd) {
            read_timer(m);
            continue;
        }
        if (fds[i].fd == m->epfd) {
            got += mc__rx_drain_ready(m, &clk);
            continue;
        }
        o = mc__fd_owner(m, fds[i].fd);
        if (o == NULL)
            continue; /* not the monitor's (any more) */
        if (o->kind == FD_LISTENER)
            got += mc__rx_drain_fd(m, fds[i].fd, &clk);
        else
            got += mc_wirecheck_drain(m->wc, o->handle, &wclk);
    }
    if (m->holding && clk.mono_now >= m->holdoff_until_ns) {
        /* The holdoff is over: read what came meanwhile right away,
         * rather than after one more trip through poll(). */
        m->holding = false;
        got += mc__rx_drain_ready(m, &clk);
    }
    if (got > 0) {
        flags |= MC_MON_PACKETS;
        if (m->o.holdoff_us > 0 && !m->holding) {
            m->holding = true;
            m->holdoff_until_ns =
                clk.mono_now + (int64_t)m->o.holdoff_us * 1000;
            m->c.holdoffs++;
        }
    }
    if (clk.mono_now >= m->next_tick_ns) {
        flags |= MC_MON_TICK;
        m->c.ticks++;
        m->next_tick_ns = tick_after(clk.mono_now);
        mc_wirecheck_tick(m->wc);
        mc__apps_tick(m);
        mc__rx_check_silence(m, &clk);
        mc__querier_tick(m, clk.real_now);
        mc__diag_tick(m, clk.mono_now);
    }
    mc_wirecheck_linger(m->wc, clk.mono_now);
    mc__wire_fds(m);                /* captures that failed or lingered out */
    mc__link_step(m, clk.mono_now); /* aging, after the reads */
    {
        char line[MC_CMD_ECHO_MAX];

        while (mc__link_take_hook(m, line)) /* on-listener: logged */
            mc_monitor_exec_line(m, line, NULL);
    }
    flags |= mc__send_run(m, clk.mono_now);
    mc__tcp_step(m);
    if (m->evseq != seq0)
        flags |= MC_MON_EVENTS;
    m->real_off = 0;
    arm_timer(m);
    return flags;
}

void mc_monitor_opts_init(struct mc_monitor_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->rcvbuf = MC_MON_DEFAULT_RCVBUF;
    opts->holdoff_us = MC_MON_DEFAULT_HOLDOFF_US;
    opts->batch = MC_MON_DEFAULT_BATCH;
    opts->slot_size = MC_MON_DEFAULT_SLOT;
    opts->max_sources = 0;
    opts->max_events = MC_MON_DEFAULT_EVENTS;
    opts->max_reports = MC_MON_DEFAULT_REPORTS;
}

static int check_opts(const struct mc_monitor_opts *o, struct mc_err *err)
{
    if (o->batch < 1 || o->batch > 1024)
        return mc_err_set(err, -EINVAL,
                          "receive batch %u: use 1..1024 (recvmmsg takes at "
                          "most 1024)",
                          o->batch);
    if (o->slot_size < MC_PROBE_HDRLEN || o->slot_size > 65536)
        return mc_err_set(err, -EINVAL, "slot size %u: use %d..65536 bytes",
                          o->slot_size, MC_PROBE_HDRLEN);
    if (o->max_events < 1 || o->max_events > 1000000)
        return mc_err_set(err, -EINVAL, "event log size %u: use 1..1000000",
                          o->max_events);
    if (o->max_sources > MC_STATS_MAX_SOURCES)
        return mc_err_set(err, -EINVAL, "max sources %u: use 0..%d",
                          o->max_sources, MC_STATS_MAX_SOURCES);
    if (o->holdoff_us > 1000000)
        return mc_err_set(err, -EINVAL,
                          "holdoff %u us: use 0..1000000 (a second)",
                          o->holdoff_us);
    if (o->rcvbuf < 0)
        return mc_err_set(err, -EINVAL, "receive buffer %d: not negative",
                          o->rcvbuf);
    if (o->max_reports > 1000000)
        return mc_err_set(err, -EINVAL, "reports list size %u: use 1..1000000",
                          o->max_reports);
    return 0;
}

int mc_monitor_new(const struct mc_monitor_opts *opts, struct mc_monitor **out,
                   struct mc_err *err)
{
    struct mc_monitor_opts defaults;
    struct mc_monitor *m;
    struct mc_err local;
    int rc;

    if (err == NULL)
        err = &local;
    mc_err_clear(err);
    if (out == NULL)
        return mc_err_set(err, -EINVAL, "nowhere to put the monitor");
    *out = NULL;
    if (opts == NULL) {
        mc_monitor_opts_init(&defaults);
        opts = &defaults;
    }
    rc = check_opts(opts, err);
    if (rc < 0)
        return rc;
    m = calloc(1, sizeof *m);
    if (m == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a monitor");
    m->o = *opts;
    m->tfd = -1;
    m->epfd = epoll_create1(EPOLL_CLOEXEC);
    m->setfd[F6] = m->setfd[F4] = -1;
    m->rcvbuf_granted = -1;
    m->cm_user =
        MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_SRC | MC_CM_DST | MC_CM_IFACE;
    m->ev = calloc(m->o.max_events, sizeof *m->ev);
    m->rx = mc_rxbatch_new(m->o.batch, m->o.slot_size);
    if (m->epfd < 0) {
        rc = -errno;
        mc_monitor_free(m);
        return mc_err_set(err, rc, "epoll_create1: %s", mc_strerror(rc));
    }
    if (m->ev == NULL || m->rx == NULL) {
        mc_monitor_free(m);
        return mc_err_set(err, -ENOMEM, "out of memory for a monitor");
    }
    m->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (m->tfd < 0) {
        rc = -errno;
        mc_monitor_free(m);
        return mc_err_set(err, rc, "timerfd_create: %s", mc_strerror(rc));
    }
    rc = mc__settings_open(m, err);
    if (rc == 0)
        rc = mc__wire_new(m, err);
    if (rc == 0)
        rc = mc__link_new(m, err);
    if (rc == 0)
        rc = mc__querier_new(m, err);
    if (rc < 0) {
        mc_monitor_free(m);
        return rc;
    }
    mc_err_clear(err);
    m->start_ns = mc__clock_ns(CLOCK_MONOTONIC);
    m->next_tick_ns = tick_after(m->start_ns);
    arm_timer(m);
    *out = m;
    return 0;
}

void mc_monitor_free(struct mc_monitor *m)
{
    if (m == NULL)
        return;
    mc_wirecheck_free(m->wc);
    mc__link_free(m);
    mc__tcp_free(m);
    mc_reflector_free(m->reflector);
    mc__querier_free(m);
    mc__diag_free(m);
    mc__listeners_free(m);
    mc__groups_free(m);
    mc__wire_ifaces_free(m);
    mc__send_free(m);
    mc_rxbatch_free(m->rx);
    mc__events_free(m);
    mc__kernel_free(m);
    mc__host_free(m);
    for (int f = 0; f < NFAM; f++)
        if (m->setfd[f] >= 0)
            close(m->setfd[f]);
    if (m->tfd >= 0)
        close(m->tfd);
    if (m->epfd >= 0)
        close(m->epfd);
    free(m);
}

size_t mc_monitor_ngroups(const struct mc_monitor *m)
{
    return m->ng;
}

int mc_monitor_group(const struct mc_monitor *m, size_t i,
                     struct mc_group_view *out)
{
    const struct group *g;

    if (i >= m->ng)
        return -ENOENT;
    g = m->g[i];
    memset(out, 0, sizeof *out);
    out->family = g->family;
    out->group = g->group;
    out->ifindex = g->ifindex;
    memcpy(out->ifname, g->ifname, sizeof out->ifname);
    out->port = g->port;
    out->mode = g->mode;
    out->joined = g->joined;
    out->emptied = g->joined && g->emptied;
    out->sources = g->src;
    out->nsources = g->nsrc;
    out->stats = g->stats;
    out->first_join_ns = g->first_join_ns;
    out->left_ns = g->left_ns;
    out->wire = g->wired;
    out->wire_now = mc__wire_covers(m, g);
    out->socket_drops = mc__group_sock_drops(g);
    out->reflected = g->reflected;
    out->binding = g->binding;
    out->other_dst = mc__group_other_dst(g);
    out->holder_pid = g->holder_pid;
    memcpy(out->holder_comm, g->holder_comm, sizeof out->holder_comm);
    return 0;
}

const char *mc_binding_name(enum mc_binding b)
{
    switch (b) {
    case MC_BIND_GROUP:
        return "group";
    case MC_BIND_ANY:
        return "any";
    case MC_BIND_WIRE_ONLY:
        return "wire-only";
    }
    return "?";
}

void mc_monitor_settings(const struct mc_monitor *m,
                         struct mc_monitor_settings *out)
{
    bool all;

    memset(out, 0, sizeof *out);
    out->v6 = m->rb[F6];
    out->v4 = m->rb[F4];
    out->multicast_all = m->multicast_all;
    /* The kernel's word when a receive socket exists. */
    if (m->nls > 0 && mc_sock_get_multicast_all(mc_listener_fd(m->ls[0]->l, 0),
                                                &all, NULL) == 0)
        out->multicast_all = all;
    out->cm_flags = m->cm_user;
    out->cm_flags_on = m->cm_user | MC_CM_DST | MC_CM_IFACE;
    out->rcvbuf_asked = m->o.rcvbuf;
    out->rcvbuf_granted = m->rcvbuf_granted;
    out->holdoff_us = m->o.holdoff_us;
    out->batch = m->o.batch;
    out->slot_size = m->o.slot_size;
    out->pcap = mc_wirecheck_auto(m->wc);
    out->captures_open = mc_wirecheck_captures_open(m->wc);
    out->pcap_file = mc_wirecheck_pcap_file(m->wc);
}

void mc_monitor_counters(const struct mc_monitor *m,
                         struct mc_monitor_counters *out)
{
    struct mc_wirecheck_counters w;

    *out = m->c;
    mc_wirecheck_counters(m->wc, &w);
    out->wire_frames = w.frames;
    out->wire_malformed = w.malformed;
    out->wire_not_ip = w.not_ip;
    out->wire_msgs = w.msgs;
    out->wire_udp = w.udp;
    out->wire_udp_other = w.udp_other;
    out->wire_dropped = w.dropped;
    out->wire_events_unlogged = w.events_unlogged;
}

int64_t mc_monitor_start_ns(const struct mc_monitor *m)
{
    return m->start_ns;
}
