/*
 * mcscope core: the monitor's side of diagnosis — `diagnose` keeps a
 * target; on apply and on every tick the evidence is read (the monitor's
 * views: groups, captures, the reports list, settings; the kernel through
 * diagnose_kernel.c and diagnose_fw.c) and judged (diagnose.c), so that
 * screens and reports read a finished struct mc_diagnosis and never the
 * system.
 */
#include "diagnose_priv.h"
#include "monitor_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mcscope/apps.h"
#include "mcscope/cmsg.h"
#include "mcscope/kstate.h"
#include "mcscope/querier.h"
#include "util.h"

/* Diagnoses one monitor keeps at most. */
#define MAX_DIAG 64
/* The firewall and the port's sockets are read this often (running nft
 * and walking /proc/PID/fd cost more than a /proc/net read). */
#define SLOW_READ_NS (5 * MC_NS_PER_S)

struct diag_slot {
    struct mc_diag_evidence ev; /* its counters' bases stay */
    const char *chosen_by;
    int64_t slow_ns; /* the last firewall / sockets read */
    struct mc_diagnosis d;
};

struct mc__diag {
    struct diag_slot *v;
    size_t n;
    /* the firewall's rules listed at the start (mc_monitor_firewall_prime),
     * read when a later listing is refused */
    struct mc__diag_fw_text prime;
    int64_t prime_ns;
    /* the last listing, shared by every diagnosis (0: none yet) */
    struct mc__diag_fw_text now;
    int64_t now_ns;
};

static struct mc__diag *diag_of(struct mc_monitor *m)
{
    if (m->diag == NULL)
        m->diag = calloc(1, sizeof *m->diag);
    return m->diag;
}

void mc__diag_free(struct mc_monitor *m)
{
    if (m->diag != NULL) {
        free(m->diag->v);
        mc__diag_fw_text_free(&m->diag->prime);
        mc__diag_fw_text_free(&m->diag->now);
    }
    free(m->diag);
    m->diag = NULL;
}

void mc_monitor_firewall_prime(struct mc_monitor *m)
{
    struct mc__diag *d = m != NULL ? diag_of(m) : NULL;

    if (d == NULL)
        return;
    mc__diag_fw_list(&d->prime);
    d->prime_ns = mc_monitor_now_ns();
}

/* The rules now (one listing per SLOW_READ_NS for every diagnosis, and a
 * fresh one for a new diagnosis); when
 * listing them is refused now, those listed at the start (older, and said
 * so). */
static void read_fw(struct mc_monitor *m, struct mc_diag_evidence *ev,
                    bool fresh)
{
    struct mc__diag *d = m->diag;

    if (fresh || d->now_ns == 0 || ev->now_ns - d->now_ns >= SLOW_READ_NS) {
        mc__diag_fw_list(&d->now);
        d->now_ns = ev->now_ns;
    }
    if (d->now.state == MC_DIAG_FW_NOPERM &&
        d->prime.state == MC_DIAG_FW_READ) {
        mc__diag_fw_scan(&d->prime, &ev->t, ev->family, &ev->fw);
        ev->fw.age_ns = ev->now_ns - d->prime_ns;
    } else {
        mc__diag_fw_scan(&d->now, &ev->t, ev->family, &ev->fw);
    }
}

size_t mc_monitor_ndiagnoses(const struct mc_monitor *m)
{
    return m != NULL && m->diag != NULL ? m->diag->n : 0;
}

const struct mc_diagnosis *mc_monitor_diagnosis(const struct mc_monitor *m,
                                                size_t i)
{
    if (i >= mc_monitor_ndiagnoses(m))
        return NULL;
    return &m->diag->v[i].d;
}

/* ---- reading ---- */

static void read_iface(struct mc_diag_evidence *ev)
{
    unsigned flags = 0;

    ev->if_exists = mc_ifindex(ev->t.ifname, &ev->ifindex, NULL) == 0;
    if (ev->if_exists && mc_if_flags(ev->t.ifname, &flags) == 0) {
        ev->if_up = flags & IFF_UP;
        ev->if_multicast = flags & IFF_MULTICAST;
    }
    ev->if_has_addr =
        ev->if_exists && mc_if_has_family_addr(ev->t.ifname, ev->family);
}

static void read_membership(struct mc_diag_evidence *ev)
{
    struct mc_kgroups g = {0};
    struct mc_ksources s = {0};
    const struct mc_kgroup *row;

    ev->mem_read = mc_kstate_read_groups(ev->family, &g, NULL) == 0;
    row = ev->mem_read ? mc_kgroups_find(&g, ev->ifindex, &ev->t.group) : NULL;
    ev->mem_held = row != NULL;
    ev->mem_users = row != NULL ? row->users : 0;
    ev->other_groups = 0;
    for (size_t i = 0; ev->mem_read && i < g.n; i++) {
        struct mc_group_info info;
        bool seen = mc_addr_equal(&g.v[i].group, &ev->t.group);

        mc_group_classify(&g.v[i].group, &info);
        for (size_t k = 0; k < i && !seen; k++)
            seen = mc_addr_equal(&g.v[k].group, &g.v[i].group);
        if (seen || info.link_local)
            continue;
        if (ev->other_groups++ == 0)
            ev->other_group = g.v[i].group;
    }
    ev->mem_src_inc = ev->mem_src_exc = 0;
    ev->mem_src_read = ev->t.source.family != 0 &&
                       mc_kstate_read_sources(ev->family, &s, NULL) == 0;
    for (size_t i = 0; ev->mem_src_read && i < s.n; i++)
        if (s.v[i].ifindex == ev->ifindex &&
            mc_addr_equal(&s.v[i].group, &ev->t.group) &&
            mc_addr_equal(&s.v[i].source, &ev->t.source)) {
            ev->mem_src_inc += s.v[i].inc;
            ev->mem_src_exc += s.v[i].exc;
        }
    mc_kgroups_free(&g);
    mc_ksources_free(&s);
}

/* mcscope's group record of the target: its index, or -1. */
static long find_group(const struct mc_monitor *m,
                       const struct mc_diag_target *t, unsigned ifindex,
                       struct mc_group_view *v)
{
    for (size_t i = 0; mc_monitor_group(m, i, v) == 0; i++)
        if (mc_addr_equal(&v->group, &t->group) && v->port == t->port &&
            (v->ifindex == ifindex || v->ifindex == 0))
            return (long)i;
    return -1;
}

static void read_group(const struct mc_monitor *m, struct mc_diag_evidence *ev,
                       bool base)
{
    struct mc_group_view v;
    long gi = find_group(m, &ev->t, ev->ifindex, &v);
    const struct mc_group_kernel *k;
    const struct mc_counters *c;
    uint64_t top = 0;

    ev->group_record = gi >= 0;
    ev->mc_joined = false;
    ev->mc_mismatch[0] = '\0';
    ev->wire_packets = ev->wire_from_source = ev->wire_top_packets = 0;
    memset(&ev->wire_top_src, 0, sizeof ev->wire_top_src);
    memset(&ev->sock_top_src, 0, sizeof ev->sock_top_src);
    if (gi < 0)
        return;
    ev->mc_joined = v.joined;
    ev->joined_ns = v.first_join_ns;
    k = mc_monitor_kernel_view(m, (size_t)gi);
    if (v.joined && k != NULL && k->mismatch)
        snprintf(ev->mc_mismatch, sizeof ev->mc_mismatch, "%s",
                 k->mismatch_text);
    c = mc_group_stats_counters(v.stats);
    ev->packets = c->packets;
    ev->first_ns = c->first_ns;
    ev->last_ns = c->last_ns;
    ev->wire_last_ns = c->wire_last_ns;
    ev->wire_packets = c->wire_packets;
    ev->hoplimit = (c->have & MC_CM_HOPLIMIT) ? c->hoplimit : -1;
    if (ev->t.source.family != 0) { /* the source's, when it sent */
        ev->packets = 0;
        ev->first_ns = ev->last_ns = 0;
    }
    ev->socket_drops.read = true;
    ev->socket_drops.now = v.socket_drops;
    if (base)
        ev->socket_drops.base = v.socket_drops;
    for (unsigned i = 0; i < mc_group_stats_source_count(v.stats); i++) {
        const struct mc_source_stats *s = mc_group_stats_source(v.stats, i);
        uint64_t w = mc_source_counters(s)->wire_packets;

        if (ev->t.source.family != 0 &&
            mc_addr_equal(mc_source_addr(s), &ev->t.source)) {
            const struct mc_counters *sc = mc_source_counters(s);

            ev->wire_from_source = w;
            /* the stream asked about is the source's */
            ev->packets = sc->packets;
            ev->first_ns = sc->first_ns;
            ev->last_ns = sc->last_ns;
        }
        if (mc_source_counters(s)->packets > top) {
            top = mc_source_counters(s)->packets;
            ev->sock_top_src = *mc_source_addr(s);
        }
        if (w > ev->wire_top_packets) {
            ev->wire_top_packets = w;
            ev->wire_top_src = *mc_source_addr(s);
        }
    }
}

static void read_capture(const struct mc_monitor *m,
                         struct mc_diag_evidence *ev)
{
    struct mc_capture_view cv;

    ev->wire_on = false;
    for (size_t i = 0; mc_monitor_capture(m, i, &cv) == 0; i++)
        if (cv.open && strcmp(cv.ifname, ev->t.ifname) == 0) {
            ev->wire_on = true;
            ev->wire_since_ns = cv.opened_ns;
        }
}

/* The message is a report naming the group. */
static bool reports_group(const struct mc_wiremsg_view *w,
                          const struct mc_addr *g)
{
    if (w->type != MC_MSG_REPORT)
        return false;
    if (mc_addr_equal(&w->group, g))
        return true;
    for (size_t i = 0; i < w->nrecords; i++)
        if (mc_addr_equal(&w->records[i].group, g))
            return true;
    return false;
}

static void read_msgs(const struct mc_monitor *m, struct mc_diag_evidence *ev)
{
    struct mc_wiremsg_view w;
    int64_t due_at = 0;
    uint32_t due_resp = 0;

    ev->reports_out = ev->queries_in = 0;
    ev->report_due_missing = false;
    if (!ev->wire_on)
        return;
    for (size_t i = 0; mc_monitor_wiremsg(m, i, &w) == 0; i++) {
        if (strcmp(w.ifname, ev->t.ifname) != 0 ||
            w.mono_ns < ev->wire_since_ns || w.dst.family != ev->family)
            continue;
        if (w.dir == MC_WIRE_DIR_OUT && reports_group(&w, &ev->t.group)) {
            ev->reports_out++;
            ev->report_proto = w.proto;
            ev->last_report_ns = w.mono_ns;
            due_at = 0; /* answered */
        } else if (w.dir != MC_WIRE_DIR_OUT && w.type == MC_MSG_QUERY &&
                   (mc_addr_is_unspecified(&w.group) ||
                    mc_addr_equal(&w.group, &ev->t.group))) {
            ev->queries_in++;
            ev->query_proto = w.proto;
            ev->querier = w.src;
            ev->last_query_ns = w.mono_ns;
            ev->query_max_resp_ms = w.max_resp_ms;
            if (due_at == 0) {
                due_at = w.mono_ns;
                due_resp = w.max_resp_ms;
            }
        }
    }
    /* a query asked, the host holds the group, no report within the
     * maximum response time and a second */
    if (due_at != 0 && ev->mem_held &&
        ev->now_ns - due_at > (int64_t)due_resp * 1000000 + MC_NS_PER_S) {
        ev->report_due_missing = true;
        ev->due_query_ns = due_at;
    }
}

/* The querier timeline of the interface: its facts replace what
 * read_msgs derived, and its per-interface kernel counters the
 * namespace's. */
static void read_timeline(const struct mc_monitor *m,
                          struct mc_diag_evidence *ev)
{
    struct mc_querier_snap snap;
    const struct mc_querier_iface *i;
    const struct mc_querier_query *q;
    const struct mc_querier_member *mb;

    ev->timeline = false;
    ev->member_known = false;
    if (mc_monitor_querier(m, &snap) != 0)
        return;
    i = mc_querier_snap_iface(&snap, ev->t.ifname, ev->family);
    if (i != NULL && ev->wire_on) {
        ev->timeline = true;
        ev->querier_absent = i->querier_absent;
        ev->no_querier_ns = i->no_querier_ns;
        ev->oqpi_ns = i->oqpi_ns;
        ev->mali_ns = i->mali_ns;
        ev->timers_from_querier = i->from_querier;
        if (i->from_querier)
            ev->query_interval_s = i->qqi_s;
        q = mc_querier_iface_last_query(i, &ev->t.group);
        if (q != NULL && q->unanswered) {
            ev->report_due_missing = true;
            ev->due_query_ns = q->mono_ns;
        }
        mb = mc_querier_iface_member(i, &ev->t.group);
        if (mb != NULL) {
            ev->member_known = true;
            ev->member_expires_ns = mb->expires_mono_ns;
        }
        if (i->kernel.counted && i->kernel.read_ok) {
            ev->in_queries =
                (struct mc_diag_counter){true, 0, i->kernel.in_queries};
            ev->out_reports = (struct mc_diag_counter){
                true, 0, i->kernel.out_v2_reports + i->kernel.out_responses};
            ev->not_processed = i->kernel.not_processed;
        }
    }
    mc_querier_snap_free(&snap);
}

static void read_stop(const struct mc_monitor *m, struct mc_diag_evidence *ev)
{
    size_t n = mc_monitor_stream_stops(m, NULL, 0);
    struct mc_stream_stop *v = n > 0 ? calloc(n, sizeof *v) : NULL;

    ev->stop_known = false;
    if (v == NULL)
        return;
    n = mc_monitor_stream_stops(m, v, n);
    for (size_t i = 0; i < n; i++) {
        if (!mc_addr_equal(&v[i].group, &ev->t.group) ||
            v[i].port != ev->t.port ||
            (v[i].ifname[0] && strcmp(v[i].ifname, ev->t.ifname) != 0) ||
            (ev->t.source.family != 0 &&
             !mc_addr_equal(&v[i].source, &ev->t.source)))
            continue;
        ev->stop_known = true;
        if (v[i].stopped && (!ev->stopped || v[i].silent_ns < ev->silent_ns)) {
            ev->stopped = true;
            ev->silent_ns = v[i].silent_ns;
            ev->stop_threshold_ns = v[i].threshold_ns;
        }
    }
    free(v);
}

static void read_apps(struct mc_diag_evidence *ev)
{
    struct mc_app *v = NULL;
    size_t n = 0;
    uint16_t port = ev->t.port;

    ev->wild_pid = 0;
    ev->wild_comm[0] = '\0';
    ev->apps_read = mc_apps_read(NULL, &port, 1, NULL, 0, &v, &n, NULL) == 0;
    for (size_t i = 0; i < n; i++) {
        const struct mc_app *a = &v[i];

        if (a->pid == getpid() || !mc_addr_is_unspecified(&a->s.local))
            continue;
        if (a->s.family == AF_INET && ev->family == AF_INET6)
            continue;
        ev->wild_pid = a->pid;
        snprintf(ev->wild_comm, sizeof ev->wild_comm, "%s",
                 a->pid != 0 ? a->comm : "not named");
        break;
    }
    free(v);
}

static void refresh(struct mc_monitor *m, struct diag_slot *s, int64_t now,
                    bool base)
{
    struct mc_diag_evidence *ev = &s->ev;
    struct mc_monitor_settings st;
    struct mc_monitor_counters c;

    ev->now_ns = now;
    ev->iface_chosen_by = s->chosen_by;
    read_iface(ev);
    read_membership(ev);
    read_group(m, ev, base);
    read_capture(m, ev);
    read_msgs(m, ev);
    mc__diag_read_sysctls(ev);
    mc__diag_read_counters(ev, base);
    ev->stopped = false;
    read_timeline(m, ev);
    read_stop(m, ev);
    mc__diag_read_route(ev);
    mc_monitor_settings(m, &st);
    mc_monitor_counters(m, &c);
    ev->mc_multicast_all = st.multicast_all;
    ev->unattributed = c.unattributed_packets;
    if (base || now - s->slow_ns >= SLOW_READ_NS) {
        s->slow_ns = now;
        read_fw(m, ev, base);
        read_apps(ev);
    }
    mc_diag_judge(ev, &s->d);
}

void mc__diag_tick(struct mc_monitor *m, int64_t now)
{
    for (size_t i = 0; m->diag != NULL && i < m->diag->n; i++)
        refresh(m, &m->diag->v[i], now, false);
}

/* ---- the command ---- */

/* The interface for a diagnose without dev: the one mcscope joined the
 * group on, else the first that holds it. */
static int choose_iface(const struct mc_monitor *m, struct mc_diag_target *t,
                        bool port_given, const char **how)
{
    struct mc_kgroups g = {0};
    struct mc_group_view v;
    int rc = -ENOENT;

    for (size_t i = 0; mc_monitor_group(m, i, &v) == 0; i++)
        if (mc_addr_equal(&v.group, &t->group) &&
            (!port_given || v.port == t->port) && v.ifname[0] != '\0') {
            snprintf(t->ifname, sizeof t->ifname, "%s", v.ifname);
            t->port = v.port;
            *how = "the interface mcscope joined the group on";
            return 0;
        }
    if (mc_kstate_read_groups(t->group.family, &g, NULL) == 0)
        for (size_t i = 0; i < g.n; i++)
            if (mc_addr_equal(&g.v[i].group, &t->group)) {
                snprintf(t->ifname, sizeof t->ifname, "%s", g.v[i].ifname);
                *how = t->group.family == AF_INET6
                           ? "the interface holding the group "
                             "(/proc/net/igmp6)"
                           : "the interface holding the group "
                             "(/proc/net/igmp)";
                rc = 0;
                break;
            }
    mc_kgroups_free(&g);
    return rc;
}

int mc__diag_apply(struct mc_monitor *m, const struct mc_cmd_diagnose *c,
                   struct mc_err *err)
{
    struct mc_diag_target t = {0};
    struct diag_slot *s;
    const char *how = "";
    char g[MC_ADDR_STRLEN];
    unsigned idx;

    t.group = c->group;
    t.source = c->source;
    t.port = c->port;
    mc_addr_format(&c->group, g, sizeof g);
    if (c->ifname[0] != '\0') {
        if (mc_ifindex(c->ifname, &idx, NULL) != 0)
            return mc_err_set(err, -ENODEV,
                              "no interface named '%s' in this network "
                              "namespace: list them with 'ip link'",
                              c->ifname);
        snprintf(t.ifname, sizeof t.ifname, "%s", c->ifname);
    } else if (choose_iface(m, &t, c->port_given, &how) != 0) {
        return mc_err_set(err, -ENOENT,
                          "no interface holds %s (/proc/net/%s) and mcscope "
                          "did not join it: name the interface: diagnose %s "
                          "dev IFACE",
                          g, c->group.family == AF_INET6 ? "igmp6" : "igmp", g);
    }
    if (diag_of(m) == NULL)
        return mc_err_set(err, -ENOMEM, "diagnose: out of memory");
    for (size_t i = 0; i < m->diag->n; i++) {
        s = &m->diag->v[i];
        if (mc_addr_equal(&s->ev.t.group, &t.group) &&
            mc_addr_equal(&s->ev.t.source, &t.source) &&
            strcmp(s->ev.t.ifname, t.ifname) == 0 && s->ev.t.port == t.port) {
            refresh(m, s, mc_monitor_now_ns(), false);
            return 0; /* the same diagnosis goes on */
        }
    }
    if (m->diag->n >= MAX_DIAG)
        return mc_err_set(err, -ENOSPC,
                          "diagnose: %d diagnoses run already: no more",
                          MAX_DIAG);
    s = realloc(m->diag->v, (m->diag->n + 1) * sizeof *s);
    if (s == NULL)
        return mc_err_set(err, -ENOMEM, "diagnose: out of memory");
    m->diag->v = s;
    s = &m->diag->v[m->diag->n++];
    memset(s, 0, sizeof *s);
    mc_diag_evidence_init(&s->ev, &t);
    s->chosen_by = how;
    s->ev.since_ns = mc_monitor_now_ns();
    refresh(m, s, s->ev.since_ns, true);
    return 0;
}
