/*
 * mcscope core: the monitor's view of the link — the listeners
 * (listeners.h) fed by the wire check's MLD/IGMP messages, the streams
 * (discover.h) and the SAP sessions (sap.h) fed by its incoming multicast
 * UDP; their aging, and the on-listener hooks.
 *
 * Each of `listeners`, `discover` and `sap` is a watch: `X on` takes what
 * every capture reads (captures open on the interfaces of joined groups,
 * as `pcap on`); `X on dev IFACE` also opens a capture on IFACE (as `pcap
 * on dev IFACE`) and takes its frames.  `X off dev IFACE` forgets IFACE's
 * rows and ignores it; `X off` forgets every row.  Captures stay open
 * until `pcap off`.  SAP is read on port 9875 of 224.2.127.254 and
 * ff0e::2:7ffe (and of any group: announcements sent elsewhere count).
 *
 * A hook's command is queued when the table changes and run by the
 * monitor (monitor.c) after the frames of one wake-up were read, never
 * inside a capture's read (a command may open or close captures).  The
 * capture a watch needs is opened by monitor_apply.c (pcap on [dev]).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor_priv.h"
#include "mcscope/discover.h"
#include "mcscope/sap.h"

#define MC__ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#define LINK_IFACES 16
#define LINK_HOOKS 32
#define LINK_PENDING 32

/* A set of interface names. */
struct ifset {
    char name[LINK_IFACES][IF_NAMESIZE];
    size_t n;
};

/* Where one of listeners, discover, sap takes frames from. */
struct watch {
    bool all;         /* X on */
    struct ifset on;  /* X on dev */
    struct ifset off; /* X off dev */
};

struct mc__link {
    struct mc_listeners *ls;
    struct mc_discover *ds;
    struct mc_sap_table *sap;
    struct watch w_ls, w_ds, w_sap;
    struct mc_cmd_hook hooks[LINK_HOOKS];
    size_t nhooks;
    char pending[LINK_PENDING][MC_CMD_ECHO_MAX];
    size_t npending;
    uint64_t hooks_lost; /* pending queue full */
};

/* ---- interface sets ---- */

static bool in_set(const struct ifset *s, const char *ifname)
{
    for (size_t i = 0; i < s->n; i++)
        if (strncmp(s->name[i], ifname, IF_NAMESIZE) == 0)
            return true;
    return false;
}

static void set_del(struct ifset *s, const char *ifname)
{
    for (size_t i = 0; i < s->n; i++)
        if (strncmp(s->name[i], ifname, IF_NAMESIZE) == 0) {
            memmove(s->name[i], s->name[i + 1],
                    (s->n - i - 1) * sizeof s->name[0]);
            s->n--;
            return;
        }
}

/* false: full */
static bool set_add(struct ifset *s, const char *ifname)
{
    if (in_set(s, ifname))
        return true;
    if (s->n == LINK_IFACES)
        return false;
    memcpy(s->name[s->n++], ifname, IF_NAMESIZE);
    return true;
}

static bool takes(const struct watch *w, const char *ifname)
{
    return in_set(&w->on, ifname) || (w->all && !in_set(&w->off, ifname));
}

static bool watching(const struct watch *w)
{
    return w->all || w->on.n > 0;
}

/* ---- events and hooks ---- */

static void queue_hooks(struct mc_monitor *m, const struct mc_event *ev)
{
    struct mc__link *k = m->link;
    bool last = ev->type == MC_ET_LISTENER_LAST;

    for (size_t i = 0; i < k->nhooks; i++) {
        const struct mc_cmd_hook *h = &k->hooks[i];

        if (h->last != last || !mc_addr_equal(&h->group, &ev->group) ||
            (h->ifname[0] != '\0' &&
             strncmp(h->ifname, ev->ifname, IF_NAMESIZE) != 0))
            continue;
        if (k->npending == LINK_PENDING) {
            k->hooks_lost++;
            continue;
        }
        memcpy(k->pending[k->npending++], h->command, MC_CMD_ECHO_MAX);
    }
}

static void on_event(void *arg, const struct mc_event *ev)
{
    struct mc_monitor *m = arg;

    mc__log(m, ev);
    if (ev->type == MC_ET_LISTENER_FIRST || ev->type == MC_ET_LISTENER_LAST)
        queue_hooks(m, ev);
}

static void sap_event(struct mc_monitor *m, const struct mc_sap_session *s,
                      unsigned flags)
{
    struct mc_event ev = {.kind = MC_EV_INFO,
                          .type = MC_ET_SAP_SESSION,
                          .group = s->sdp.group,
                          .port = s->sdp.port,
                          .source = s->origin,
                          .count = s->sdp.nsources,
                          .flags = flags,
                          .detail = s->sdp.name};

    memcpy(ev.ifname, s->ifname, sizeof ev.ifname);
    mc__log(m, &ev);
}

/* Sessions no longer announced (RFC 2974 §4) go, each with its event. */
static void sap_expire(struct mc_monitor *m, int64_t now_ns)
{
    struct mc_sap_session s;

    if (mc_sap_table_next_ns(m->link->sap) > now_ns)
        return;
    for (size_t i = 0; mc_sap_table_get(m->link->sap, i, &s) == 0; i++)
        if (s.expires_ns <= now_ns)
            sap_event(m, &s, MC_EVF_EXPIRED);
    mc_sap_table_expire(m->link->sap, now_ns);
}

int mc__link_new(struct mc_monitor *m, struct mc_err *err)
{
    struct mc_listeners_opts o = {.event = on_event, .arg = m};

    m->link = calloc(1, sizeof *m->link);
    if (m->link == NULL || mc_listeners_new(&o, &m->link->ls) < 0 ||
        mc_discover_new(0, &m->link->ds) < 0 ||
        mc_sap_table_new(0, &m->link->sap) < 0) {
        mc__link_free(m);
        return mc_err_set(err, -ENOMEM, "out of memory for a monitor");
    }
    return 0;
}

void mc__link_free(struct mc_monitor *m)
{
    if (m->link == NULL)
        return;
    mc_listeners_free(m->link->ls);
    mc_discover_free(m->link->ds);
    mc_sap_table_free(m->link->sap);
    free(m->link);
    m->link = NULL;
}

/* A message the wire check decoded (wirecheck.h's ops->msg). */
void mc__link_wire_msg(struct mc_monitor *m, const char *ifname,
                       const struct mc_wire_pkt *p, int64_t mono_ns)
{
    if (m->link == NULL || !takes(&m->link->w_ls, ifname))
        return;
    mc_listeners_feed(m->link->ls, ifname, &p->src, p->dir == MC_WIRE_DIR_OUT,
                      &p->msg, mono_ns);
}

/* An SAP packet: its session's change as an event. */
static void sap_packet(struct mc_monitor *m, const char *ifname,
                       const struct mc_wire_pkt *p, int64_t mono_ns)
{
    static const unsigned flags[] = {
        [MC_SAP_CHANGED] = MC_EVF_CHANGED,
        [MC_SAP_DELETED] = MC_EVF_DELETED,
    };
    struct mc_sap_session s;
    const char *why = NULL;
    enum mc_sap_change ch = mc_sap_table_feed(
        m->link->sap, ifname, p->udp.payload, p->udp.caplen, mono_ns, &s, &why);

    if (ch == MC_SAP_NEW || ch == MC_SAP_CHANGED || ch == MC_SAP_DELETED)
        sap_event(m, &s, ch < MC__ARRAY_LEN(flags) ? flags[ch] : 0);
}

/* Multicast UDP, either direction (wirecheck.h's ops->udp). */
void mc__link_wire_udp(struct mc_monitor *m, const char *ifname,
                       const struct mc_wire_pkt *p, int64_t mono_ns)
{
    struct mc__link *k = m->link;

    if (k == NULL)
        return;
    /* this host's own announcements are sessions of the link too */
    if (takes(&k->w_sap, ifname) && p->udp.dport == MC_SAP_PORT)
        sap_packet(m, ifname, p, mono_ns);
    if (p->dir == MC_WIRE_DIR_OUT)
        return; /* streams: what others send */
    if (takes(&k->w_ds, ifname) &&
        mc_discover_feed(k->ds, ifname, &p->dst, p->udp.dport, &p->src,
                         p->udp.len, mono_ns)) {
        struct mc_event ev = {.kind = MC_EV_INFO,
                              .type = MC_ET_STREAM_SEEN,
                              .group = p->dst,
                              .port = p->udp.dport,
                              .source = p->src};

        snprintf(ev.ifname, sizeof ev.ifname, "%s", ifname);
        mc__log(m, &ev);
    }
}

static void forget(struct mc__link *k, enum mc_cmd_kind kind,
                   const char *ifname)
{
    if (kind == MC_CMD_LISTENERS)
        mc_listeners_forget(k->ls, ifname);
    else if (kind == MC_CMD_DISCOVER)
        mc_discover_forget(k->ds, ifname);
    else if (ifname[0] == '\0')
        mc_sap_table_clear(k->sap);
    else
        mc_sap_table_forget(k->sap, ifname);
}

/* listeners, discover, sap: on|off [dev IFACE]. */
int mc__link_watch(struct mc_monitor *m, enum mc_cmd_kind kind,
                   const struct mc_cmd_pcap *c, struct mc_err *err)
{
    struct mc__link *k = m->link;
    struct watch *w = kind == MC_CMD_LISTENERS  ? &k->w_ls
                      : kind == MC_CMD_DISCOVER ? &k->w_ds
                                                : &k->w_sap;
    const char *verb = kind == MC_CMD_LISTENERS  ? "listeners"
                       : kind == MC_CMD_DISCOVER ? "discover"
                                                 : "sap";

    if (!c->on) {
        if (c->ifname[0] == '\0') {
            w->all = false;
            w->on.n = w->off.n = 0;
        } else {
            set_del(&w->on, c->ifname);
            if (!set_add(&w->off, c->ifname))
                return mc_err_set(err, -ENOSPC,
                                  "%s off dev %s: at most %d interfaces are "
                                  "named: use %s off",
                                  verb, c->ifname, LINK_IFACES, verb);
        }
        forget(k, kind, c->ifname);
        return 0;
    }
    if (c->ifname[0] != '\0' && !in_set(&w->on, c->ifname) &&
        w->on.n == LINK_IFACES)
        return mc_err_set(err, -ENOSPC,
                          "%s on dev %s: at most %d interfaces are named: "
                          "use %s on for every capture",
                          verb, c->ifname, LINK_IFACES, verb);
    if (c->ifname[0] == '\0') {
        w->all = true;
        w->off.n = 0;
    } else {
        set_del(&w->off, c->ifname);
        set_add(&w->on, c->ifname);
    }
    return 0;
}

int mc__link_hook(struct mc_monitor *m, const struct mc_cmd_hook *h,
                  struct mc_err *err)
{
    struct mc__link *k = m->link;

    for (size_t i = 0; i < k->nhooks; i++) {
        struct mc_cmd_hook *o = &k->hooks[i];

        if (o->last != h->last || !mc_addr_equal(&o->group, &h->group) ||
            strncmp(o->ifname, h->ifname, IF_NAMESIZE) != 0)
            continue;
        if (h->command[0] == '\0') {
            memmove(&k->hooks[i], &k->hooks[i + 1],
                    (k->nhooks - i - 1) * sizeof k->hooks[0]);
            k->nhooks--;
        } else
            *o = *h;
        return 0;
    }
    if (h->command[0] == '\0')
        return mc_err_set(err, -ENOENT,
                          "no such hook to remove: list them in the "
                          "listeners view");
    if (k->nhooks == LINK_HOOKS)
        return mc_err_set(err, -ENOSPC,
                          "at most %d hooks: remove one with on-listener "
                          "GROUP first|last none",
                          LINK_HOOKS);
    k->hooks[k->nhooks++] = *h;
    return 0;
}

/* After a wake-up's reads: age the tables. */
void mc__link_step(struct mc_monitor *m, int64_t now_ns)
{
    if (m->link == NULL)
        return;
    mc_listeners_expire(m->link->ls, now_ns);
    sap_expire(m, now_ns);
}

bool mc__link_take_hook(struct mc_monitor *m, char line[MC_CMD_ECHO_MAX])
{
    struct mc__link *k = m->link;

    if (k == NULL || k->npending == 0)
        return false;
    memcpy(line, k->pending[0], MC_CMD_ECHO_MAX);
    memmove(k->pending[0], k->pending[1],
            (k->npending - 1) * sizeof k->pending[0]);
    k->npending--;
    return true;
}

int64_t mc__link_next_ns(const struct mc_monitor *m)
{
    if (m->link == NULL)
        return INT64_MAX;
    int64_t a, b;

    if (m->link->npending > 0)
        return 0;
    a = mc_listeners_next_ns(m->link->ls);
    b = mc_sap_table_next_ns(m->link->sap);
    return a < b ? a : b;
}

/* ---- views ---- */

bool mc_monitor_listeners_on(const struct mc_monitor *m)
{
    return m->link != NULL && watching(&m->link->w_ls);
}

size_t mc_monitor_nlisteners(const struct mc_monitor *m)
{
    return m->link != NULL ? mc_listeners_count(m->link->ls) : 0;
}

int mc_monitor_listener(const struct mc_monitor *m, size_t i,
                        struct mc_listener_view *out)
{
    if (m->link == NULL)
        return -ENOENT;
    return mc_listeners_get(m->link->ls, i, out);
}

const struct mc_listeners *mc_monitor_listeners(const struct mc_monitor *m)
{
    return m->link != NULL ? m->link->ls : NULL;
}

size_t mc_monitor_nhooks(const struct mc_monitor *m)
{
    return m->link != NULL ? m->link->nhooks : 0;
}

int mc_monitor_hook(const struct mc_monitor *m, size_t i,
                    struct mc_cmd_hook *out)
{
    if (m->link == NULL || i >= m->link->nhooks)
        return -ENOENT;
    *out = m->link->hooks[i];
    return 0;
}

bool mc_monitor_discover_on(const struct mc_monitor *m)
{
    return m->link != NULL && watching(&m->link->w_ds);
}

bool mc_monitor_sap_on(const struct mc_monitor *m)
{
    return m->link != NULL && watching(&m->link->w_sap);
}

const struct mc_discover *mc_monitor_discover(const struct mc_monitor *m)
{
    return m->link != NULL ? m->link->ds : NULL;
}

const struct mc_sap_table *mc_monitor_sap(const struct mc_monitor *m)
{
    return m->link != NULL ? m->link->sap : NULL;
}
