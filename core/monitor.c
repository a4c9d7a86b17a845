/*
 * mcscope core: the monitor state (see monitor.h).
 *
 * Layout of this file: the event log; listeners and group records; the
 * commands; the receive path; timers and dispatch; the views; scripts.
 */
#include "mcscope/monitor.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "mcscope/cmsg.h"
#include "mcscope/io.h"
#include "mcscope/probe.h"
#include "mcscope/sock.h"

#define NS_PER_S 1000000000LL
#define NS_PER_MS 1000000LL
/* recvmmsg calls per socket and wake-up before the others get a turn. */
#define DRAIN_MAX_BATCHES 64
/* Finished senders kept for the views. */
#define FINISHED_SENDERS_KEPT 64
/* A refused line is quoted up to this many bytes in the log. */
#define QUOTE_MAX 120
/* The tick comes this long after a whole second, so that the second just
 * completed is in the rates (stats.h counts whole seconds). */
#define TICK_LAG_NS NS_PER_MS

enum { F6, F4, NFAM }; /* family slots */

struct group {
    int family;
    struct mc_addr group;
    unsigned ifindex;
    char ifname[IF_NAMESIZE];
    uint16_t port;
    enum mc_filter_mode mode;
    bool joined;
    struct mc_addr *src; /* as asked */
    size_t nsrc, capsrc;
    struct mc_group_stats *stats;
    int64_t first_join_ns, left_ns;
};

struct listener {
    struct mc_listener *l;
    int family;
    uint16_t port;
};

/* The last SO_RXQ_OVFL value seen on a receive socket. */
struct dropmark {
    int fd;
    uint32_t last;
};

/* A sender and whether its end is in the log yet. */
struct sender_slot {
    struct mc_sender *s;
    bool end_logged;
};

struct event {
    uint64_t seq;
    int64_t mono_ns, real_ns;
    enum mc_event_kind kind;
    char *text;
};

struct mc_monitor {
    struct mc_monitor_opts o;
    int tfd;
    int setfd[NFAM]; /* settings sockets; -1 when the family is missing */
    struct mc_sender_env env[NFAM];
    struct mc_family_settings rb[NFAM]; /* read back after each change */
    bool multicast_all;
    unsigned cm_user;
    int rcvbuf_granted;

    struct listener *ls;
    size_t nls, capls;
    struct group **g;
    size_t ng, capg;
    struct group *last_hit; /* attribution cache */
    struct sender_slot *snd;
    size_t nsnd, capsnd;
    struct dropmark *dm;
    size_t ndm, capdm;
    struct mc_rxbatch *rx;

    struct event *ev;
    size_t evhead, evcount;
    uint64_t evseq;

    struct mc_monitor_counters c;
    int64_t start_ns, next_tick_ns, holdoff_until_ns, armed_ns;
    bool holding;
};

static int fam_slot(int family)
{
    return family == AF_INET6 ? F6 : F4;
}

static int slot_family(int slot)
{
    return slot == F6 ? AF_INET6 : AF_INET;
}

int64_t mc_monitor_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static int64_t real_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/*
 * Room for one more item in an array of n items of elem bytes with
 * capacity *cap: returns the array (moved when it had to grow), or NULL
 * when out of memory (the old array is untouched).
 */
static void *grown(void *arr, size_t *cap, size_t n, size_t elem)
{
    size_t ncap;
    void *p;

    if (n < *cap)
        return arr;
    ncap = *cap ? *cap * 2 : 8;
    p = realloc(arr, ncap * elem);
    if (p != NULL)
        *cap = ncap;
    return p;
}

/* ---- the event log ---- */

const char *mc_event_kind_name(enum mc_event_kind kind)
{
    switch (kind) {
    case MC_EV_OK:
        return "ok";
    case MC_EV_REFUSED:
        return "refused";
    case MC_EV_ERROR:
        return "error";
    case MC_EV_ECHO:
        return "echo";
    case MC_EV_INFO:
        return "info";
    }
    return "?";
}

__attribute__((format(printf, 3, 4))) static void
log_event(struct mc_monitor *m, enum mc_event_kind kind, const char *fmt, ...)
{
    struct event *e;
    va_list ap;
    char *text;

    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
    va_end(ap);
    if (text == NULL)
        return; /* out of memory: the log loses an entry, nothing else */
    if (m->evcount == m->o.max_events) {
        e = &m->ev[m->evhead];
        free(e->text);
        m->evhead = (m->evhead + 1) % m->o.max_events;
        m->evcount--;
    }
    e = &m->ev[(m->evhead + m->evcount) % m->o.max_events];
    m->evcount++;
    e->seq = ++m->evseq;
    e->mono_ns = mc_monitor_now_ns();
    e->real_ns = real_now_ns();
    e->kind = kind;
    e->text = text;
}

/* A command's canonical text (mc_cmd_format), for the log. */
static void cmd_text(const struct mc_cmd *cmd, char *buf, size_t len)
{
    if (mc_cmd_format(cmd, buf, len) < 0 && len > 0 && buf[0] == '\0')
        snprintf(buf, len, "%s", mc_cmd_verb_name(cmd));
}

/* Log a command's result: ok, or the error with its explanation. */
static int log_result(struct mc_monitor *m, const struct mc_cmd *cmd, int rc,
                      const struct mc_err *err)
{
    char text[MC_CMD_TEXT_MAX];

    cmd_text(cmd, text, sizeof text);
    if (rc == 0) {
        log_event(m, MC_EV_OK, "%s", text);
    } else {
        m->c.errors++;
        log_event(m, MC_EV_ERROR, "%s: %s", text,
                  err->msg[0] != '\0' ? err->msg : mc_strerror(rc));
    }
    return rc;
}

/* ---- listeners ---- */

/* The control-message flags a family has (no path MTU on IPv4). */
static unsigned family_mask(int family)
{
    return family == AF_INET ? MC_CM_ALL_V4 : MC_CM_ALL_V6;
}

/* Receive flags on the sockets of a family: the user's plus PKTINFO. */
static unsigned cm_on(const struct mc_monitor *m, int family)
{
    return (m->cm_user | MC_CM_DST | MC_CM_IFACE) & family_mask(family);
}

static struct listener *find_listener(struct mc_monitor *m, int family,
                                      uint16_t port)
{
    for (size_t i = 0; i < m->nls; i++)
        if (m->ls[i].family == family && m->ls[i].port == port)
            return &m->ls[i];
    return NULL;
}

static struct listener *fd_listener(struct mc_monitor *m, int fd)
{
    for (size_t i = 0; i < m->nls; i++) {
        size_t n = mc_listener_nsockets(m->ls[i].l);

        for (size_t j = 0; j < n; j++)
            if (mc_listener_fd(m->ls[i].l, j) == fd)
                return &m->ls[i];
    }
    return NULL;
}

static int open_listener(struct mc_monitor *m, int family, uint16_t port,
                         struct listener **out, struct mc_err *err)
{
    struct mc_listener_opts lo = {
        .family = family,
        .port = port,
        .multicast_all = m->multicast_all,
        .rcvbuf = m->o.rcvbuf,
        .cm_flags = cm_on(m, family),
        .timestamps = true,
    };
    struct listener *ls;
    struct mc_listener *l;
    int rc, granted;

    ls = grown(m->ls, &m->capls, m->nls, sizeof *m->ls);
    if (ls == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a listener");
    m->ls = ls;
    rc = mc_listener_new(&lo, &l, err);
    if (rc < 0)
        return rc;
    if (mc_sock_get_rcvbuf(mc_listener_fd(l, 0), &granted, NULL) == 0)
        m->rcvbuf_granted = granted;
    m->ls[m->nls].l = l;
    m->ls[m->nls].family = family;
    m->ls[m->nls].port = port;
    *out = &m->ls[m->nls++];
    return 0;
}

static void close_listener(struct mc_monitor *m, struct listener *L)
{
    size_t i = (size_t)(L - m->ls);

    mc_listener_free(L->l);
    memmove(&m->ls[i], &m->ls[i + 1], (m->nls - i - 1) * sizeof m->ls[0]);
    m->nls--;
}

/* Keep one drop mark per receive socket: those of closed sockets go, new
 * sockets start from 0 (their counter starts there). */
static void sync_dropmarks(struct mc_monitor *m)
{
    struct dropmark *old = m->dm;
    size_t nold = m->ndm;

    m->dm = NULL;
    m->ndm = 0;
    m->capdm = 0;
    for (size_t i = 0; i < m->nls; i++) {
        size_t n = mc_listener_nsockets(m->ls[i].l);

        for (size_t j = 0; j < n; j++) {
            int fd = mc_listener_fd(m->ls[i].l, j);
            struct dropmark *dm;
            uint32_t last = 0;

            for (size_t k = 0; k < nold; k++)
                if (old[k].fd == fd)
                    last = old[k].last;
            dm = grown(m->dm, &m->capdm, m->ndm, sizeof *m->dm);
            if (dm == NULL)
                continue; /* drops on this socket go uncounted */
            m->dm = dm;
            m->dm[m->ndm].fd = fd;
            m->dm[m->ndm].last = last;
            m->ndm++;
        }
    }
    free(old);
}

/* ---- group records ---- */

/*
 * The record of (family, group, ifindex, port).  With loose, ifindex 0
 * matches a record on any interface and a record with ifindex 0 matches
 * any ifindex (the route chose its interface), as the listener does.
 */
static struct group *find_group(struct mc_monitor *m,
                                const struct mc_addr *group, unsigned ifindex,
                                uint16_t port, bool loose)
{
    struct group *any = NULL;

    for (size_t i = 0; i < m->ng; i++) {
        struct group *g = m->g[i];

        if (g->port != port || !mc_addr_equal(&g->group, group))
            continue;
        if (g->ifindex == ifindex)
            return g;
        if (loose && (ifindex == 0 || g->ifindex == 0) && any == NULL)
            any = g;
    }
    return any;
}

static struct group *new_group(struct mc_monitor *m, const struct mc_addr *grp,
                               unsigned ifindex, const char *ifname,
                               uint16_t port)
{
    struct group **gv, *g;

    gv = grown(m->g, &m->capg, m->ng, sizeof *m->g);
    if (gv == NULL)
        return NULL;
    m->g = gv;
    g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    g->stats = mc_group_stats_new(m->o.max_sources);
    if (g->stats == NULL) {
        free(g);
        return NULL;
    }
    g->family = grp->family;
    g->group = *grp;
    g->ifindex = ifindex;
    snprintf(g->ifname, sizeof g->ifname, "%s", ifname);
    g->port = port;
    m->g[m->ng++] = g;
    return g;
}

static void free_group(struct group *g)
{
    mc_group_stats_free(g->stats);
    free(g->src);
    free(g);
}

static size_t src_index(const struct group *g, const struct mc_addr *a)
{
    for (size_t i = 0; i < g->nsrc; i++)
        if (mc_addr_equal(&g->src[i], a))
            return i;
    return (size_t)-1;
}

static void src_add(struct group *g, const struct mc_addr *a)
{
    struct mc_addr *v;

    if (src_index(g, a) != (size_t)-1)
        return;
    v = grown(g->src, &g->capsrc, g->nsrc, sizeof *g->src);
    if (v == NULL)
        return; /* the kernel holds it; only the display misses it */
    g->src = v;
    g->src[g->nsrc++] = *a;
}

static void src_del(struct group *g, const struct mc_addr *a)
{
    size_t i = src_index(g, a);

    if (i == (size_t)-1)
        return;
    memmove(&g->src[i], &g->src[i + 1], (g->nsrc - i - 1) * sizeof *g->src);
    g->nsrc--;
}

static void group_leave(struct group *g, int64_t now)
{
    g->mode = MC_MODE_NONE;
    g->joined = false;
    g->nsrc = 0;
    g->left_ns = now;
}

static void group_join(struct group *g, enum mc_filter_mode mode, int64_t now)
{
    if (!g->joined) {
        g->nsrc = 0;
        g->left_ns = 0;
        if (g->first_join_ns == 0) {
            g->first_join_ns = now;
            mc_group_stats_start(g->stats, now);
        }
    }
    g->joined = true;
    g->mode = mode;
}

/* Record what the kernel just accepted. */
static void record_member(struct group *g, const struct mc_cmd_member *c,
                          int64_t now)
{
    switch (c->op) {
    case MC_OP_JOIN:
        group_join(g, MC_MODE_ASM, now);
        g->nsrc = 0;
        break;
    case MC_OP_LEAVE:
        group_leave(g, now);
        break;
    case MC_OP_JOIN_SOURCE:
        group_join(g, MC_MODE_INCLUDE, now);
        src_add(g, &c->source);
        break;
    case MC_OP_LEAVE_SOURCE:
        src_del(g, &c->source);
        if (g->nsrc == 0)
            group_leave(g, now); /* the kernel left the group too */
        break;
    case MC_OP_EXCLUDE_SOURCE:
        g->mode = MC_MODE_EXCLUDE;
        src_add(g, &c->source);
        break;
    case MC_OP_INCLUDE_SOURCE:
        src_del(g, &c->source);
        if (g->nsrc == 0)
            g->mode = MC_MODE_ASM;
        break;
    }
}

/* ---- commands ---- */

static bool is_join(enum mc_member_op op)
{
    return op == MC_OP_JOIN || op == MC_OP_JOIN_SOURCE;
}

static int apply_member(struct mc_monitor *m, const struct mc_cmd_member *c,
                        struct mc_err *err)
{
    const struct mc_addr *src = c->source.family != 0 ? &c->source : NULL;
    struct listener *L;
    struct group *g;
    unsigned ifindex = 0;
    int rc;

    if (c->ifname[0] != '\0') {
        rc = mc_ifindex(c->ifname, &ifindex, err);
        if (rc < 0)
            return rc;
    }
    L = find_listener(m, c->group.family, c->port);
    if (L == NULL && !is_join(c->op))
        /* No socket on that port: nothing there is joined.  The text is
         * the one the kernel's answer would get. */
        return mc_member_explain(EADDRNOTAVAIL, c->op, ifindex, &c->group, src,
                                 MC_MODE_NONE, err);
    if (L == NULL) {
        rc = open_listener(m, c->group.family, c->port, &L, err);
        if (rc < 0)
            return rc;
    }
    rc = mc_listener_apply(L->l, c->op, ifindex, &c->group, src, err);
    if (rc == 0) {
        g = find_group(m, &c->group, ifindex, c->port, !is_join(c->op));
        if (g == NULL && is_join(c->op))
            g = new_group(m, &c->group, ifindex, c->ifname, c->port);
        if (g != NULL)
            record_member(g, c, mc_monitor_now_ns());
        else if (is_join(c->op))
            log_event(m, MC_EV_INFO,
                      "out of memory: the packets of this group count as "
                      "unattributed");
    }
    /* A port with nothing joined needs no socket (and frees the port). */
    if (mc_listener_ngroups(L->l) == 0)
        close_listener(m, L);
    sync_dropmarks(m);
    m->last_hit = NULL;
    return rc;
}

/* Set one option on the settings socket of a family. */
static int set_family(struct mc_monitor *m, int slot, enum mc_cmd_opt opt,
                      int value, struct mc_err *err)
{
    if (m->setfd[slot] < 0)
        return 0;
    return mc_send_sock_option(m->setfd[slot], opt, value, err);
}

/* The value a family reads back for opt, to restore it. */
static int readback_value(const struct mc_family_settings *rb,
                          enum mc_cmd_opt opt)
{
    switch (opt) {
    case MC_OPT_HOPLIMIT:
        return rb->hoplimit;
    case MC_OPT_MCAST_HOPLIMIT:
        return rb->mcast_hoplimit;
    case MC_OPT_TCLASS:
        return rb->tclass;
    case MC_OPT_LOOPBACK:
        return rb->loopback;
    case MC_OPT_MCAST_IF:
        return (int)rb->mcast_if;
    default:
        return 0;
    }
}

static void env_store(struct mc_sender_env *env, enum mc_cmd_opt opt, int value)
{
    switch (opt) {
    case MC_OPT_HOPLIMIT:
        env->hoplimit = value;
        break;
    case MC_OPT_MCAST_HOPLIMIT:
        env->mcast_hoplimit = value;
        break;
    case MC_OPT_TCLASS:
        env->tclass = value;
        break;
    case MC_OPT_LOOPBACK:
        env->loopback = value;
        break;
    case MC_OPT_MCAST_IF:
        env->mcast_if = (unsigned)value;
        break;
    default:
        break;
    }
}

static void read_back(struct mc_monitor *m)
{
    for (int f = 0; f < NFAM; f++) {
        struct mc_family_settings *rb = &m->rb[f];
        int fd = m->setfd[f];

        memset(rb, 0, sizeof *rb);
        if (fd < 0)
            continue;
        rb->ok =
            mc_sock_get_hoplimit(fd, &rb->hoplimit, NULL) == 0 &&
            mc_sock_get_mcast_hoplimit(fd, &rb->mcast_hoplimit, NULL) == 0 &&
            mc_sock_get_tclass(fd, &rb->tclass, NULL) == 0 &&
            mc_sock_get_mcast_loop(fd, &rb->loopback, NULL) == 0 &&
            mc_sock_get_mcast_if(fd, &rb->mcast_if, NULL) == 0;
        if (rb->mcast_if != 0)
            mc_ifname(rb->mcast_if, rb->mcast_ifname, sizeof rb->mcast_ifname);
    }
}

static int set_multicast_all(struct mc_monitor *m, bool on, struct mc_err *err)
{
    struct mc_err undo;
    size_t i;
    int rc = 0;

    for (i = 0; i < m->nls && rc == 0; i++)
        rc = mc_listener_set_multicast_all(m->ls[i].l, on, err);
    if (rc < 0) {
        while (i-- > 0)
            mc_listener_set_multicast_all(m->ls[i].l, !on, &undo);
        return rc;
    }
    m->multicast_all = on;
    return 0;
}

/* A sending option: both families' settings sockets (IPv4 first: its
 * ranges are the narrower), then every running sender.  A refusal by
 * either family puts the other back. */
static int set_send_option(struct mc_monitor *m, enum mc_cmd_opt opt, int value,
                           struct mc_err *err)
{
    struct mc_err e2;
    int rc;

    rc = set_family(m, F4, opt, value, err);
    if (rc == 0) {
        rc = set_family(m, F6, opt, value, err);
        if (rc < 0)
            set_family(m, F4, opt, readback_value(&m->rb[F4], opt), &e2);
    }
    if (rc < 0)
        return rc;
    for (int f = 0; f < NFAM; f++)
        env_store(&m->env[f], opt, value);
    for (size_t i = 0; i < m->nsnd; i++) {
        if (!mc_sender_running(m->snd[i].s))
            continue;
        if (mc_sender_set_option(m->snd[i].s, opt, value, &e2) < 0)
            log_event(m, MC_EV_INFO, "a running sender kept its old %s: %s",
                      mc_cmd_opt_name(opt), e2.msg);
    }
    return 0;
}

static int apply_set(struct mc_monitor *m, const struct mc_cmd_set *c,
                     struct mc_err *err)
{
    unsigned ifindex = 0;
    int rc;

    switch (c->opt) {
    case MC_OPT_MULTICAST_ALL:
        return set_multicast_all(m, c->value != 0, err);
    case MC_OPT_HOPLIMIT:
        if (c->value < 1)
            return mc_err_set(err, -EINVAL,
                              "hoplimit %d: an IPv4 TTL must be 1..255 "
                              "(ip(7) IP_TTL) and set changes both families: "
                              "use 1..255 (to keep multicast on this host: "
                              "set mcast-hoplimit 0)",
                              c->value);
        break;
    case MC_OPT_MCAST_IF:
        if (c->ifname[0] != '\0') {
            rc = mc_ifindex(c->ifname, &ifindex, err);
            if (rc < 0)
                return rc;
        }
        rc = set_send_option(m, c->opt, (int)ifindex, err);
        read_back(m);
        return rc;
    default:
        break;
    }
    rc = set_send_option(m, c->opt, c->value, err);
    read_back(m);
    return rc;
}

static int apply_cmsg(struct mc_monitor *m, const struct mc_cmd_cmsg *c,
                      struct mc_err *err)
{
    /* PKTINFO stays on whatever the user says: attribution needs it. */
    unsigned flag = c->on ? c->flag : c->flag & ~(MC_CM_DST | MC_CM_IFACE);
    struct mc_err undo;
    size_t i;
    int rc = 0;

    for (i = 0; i < m->nls && rc == 0; i++) {
        unsigned f = flag & family_mask(m->ls[i].family);

        if (f != 0)
            rc = mc_listener_set_cm_flags(m->ls[i].l, f, c->on, err);
    }
    if (rc < 0) {
        while (i-- > 0) {
            unsigned f = flag & family_mask(m->ls[i].family);

            if (f != 0)
                mc_listener_set_cm_flags(m->ls[i].l, f, !c->on, &undo);
        }
        return rc;
    }
    if (c->on)
        m->cm_user |= c->flag;
    else
        m->cm_user &= ~c->flag;
    return 0;
}

static int apply_pcap(const struct mc_cmd_pcap *c, struct mc_err *err)
{
    if (!c->on)
        return 0; /* it is off: there is nothing to turn off */
    return mc_err_set(err, -ENOTSUP,
                      "the wire cross-check comes with the capture module, "
                      "which this build does not have yet; the socket "
                      "counts work without it");
}

static const char *family_word(int family)
{
    return family == AF_INET6 ? "IPv6" : "IPv4";
}

/* Drop the oldest finished senders (their end logged) beyond
 * FINISHED_SENDERS_KEPT. */
static void prune_senders(struct mc_monitor *m)
{
    size_t finished = 0;

    for (size_t i = 0; i < m->nsnd; i++)
        finished += m->snd[i].end_logged;
    for (size_t i = 0; i < m->nsnd && finished > FINISHED_SENDERS_KEPT;) {
        if (!m->snd[i].end_logged) {
            i++;
            continue;
        }
        mc_sender_free(m->snd[i].s);
        memmove(&m->snd[i], &m->snd[i + 1],
                (m->nsnd - i - 1) * sizeof m->snd[0]);
        m->nsnd--;
        finished--;
    }
}

static bool same_target(const struct mc_sender_info *a,
                        const struct mc_cmd_send *c)
{
    return mc_addr_equal(&a->group, &c->group) && a->port == c->port &&
           strcmp(a->ifname, c->ifname) == 0;
}

static void arm_timer(struct mc_monitor *m);

static int apply_send(struct mc_monitor *m, const struct mc_cmd_send *c,
                      struct mc_err *err)
{
    struct mc_sender_info si;
    struct sender_slot *slots;
    struct mc_sender *s;
    char g[MC_ADDR_STRLEN];
    int64_t now = mc_monitor_now_ns();
    int rc;

    for (size_t i = 0; i < m->nsnd; i++) {
        mc_sender_get(m->snd[i].s, &si);
        if (si.running && same_target(&si, c))
            return mc_err_set(err, -EBUSY,
                              "a sender to %s port %u is already running: "
                              "stop-send %s first",
                              mc_addr_format(&c->group, g, sizeof g),
                              (unsigned)c->port, g);
    }
    if (m->setfd[fam_slot(c->group.family)] < 0)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "%s is not available here: send to a group of the "
                          "other family",
                          family_word(c->group.family));
    slots = grown(m->snd, &m->capsnd, m->nsnd, sizeof *m->snd);
    if (slots == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a sender");
    m->snd = slots;
    rc = mc_sender_new(c, &m->env[fam_slot(c->group.family)], now, &s, err);
    if (rc < 0)
        return rc;
    /* The first packet goes now, so that a refusal (no route, a firewall)
     * answers the command itself. */
    rc = mc_sender_run(s, now, err);
    if (rc < 0) {
        mc_sender_free(s);
        return rc;
    }
    m->snd[m->nsnd].s = s;
    m->snd[m->nsnd].end_logged = false;
    m->nsnd++;
    prune_senders(m);
    arm_timer(m);
    return 0;
}

static void log_sender_end(struct mc_monitor *m, const struct mc_sender *s)
{
    struct mc_sender_info si;
    char g[MC_ADDR_STRLEN];

    mc_sender_get(s, &si);
    mc_addr_format(&si.group, g, sizeof g);
    if (si.error != 0) {
        m->c.errors++;
        log_event(m, MC_EV_ERROR, "send %s port %u failed after %llu sent: %s",
                  g, (unsigned)si.port, (unsigned long long)si.sent,
                  si.error_text);
    } else {
        log_event(m, MC_EV_INFO, "send %s port %u %s: %llu sent", g,
                  (unsigned)si.port, si.stopped ? "stopped" : "done",
                  (unsigned long long)si.sent);
    }
}

static int apply_stop(struct mc_monitor *m, const struct mc_cmd_stop_send *c,
                      struct mc_err *err)
{
    struct mc_sender_info si;
    char g[MC_ADDR_STRLEN];
    int64_t now = mc_monitor_now_ns();
    size_t stopped = 0;

    for (size_t i = 0; i < m->nsnd; i++) {
        mc_sender_get(m->snd[i].s, &si);
        if (!si.running)
            continue;
        if (c->group.family != 0 && !mc_addr_equal(&si.group, &c->group))
            continue;
        mc_sender_stop(m->snd[i].s, now);
        stopped++;
    }
    if (stopped == 0) {
        if (c->group.family == 0)
            return mc_err_set(err, -ESRCH, "no sender is running");
        return mc_err_set(err, -ESRCH,
                          "no sender to %s is running: stop-send without a "
                          "group stops every sender",
                          mc_addr_format(&c->group, g, sizeof g));
    }
    arm_timer(m);
    return 0;
}

/* Log the end of every sender that ended and is not in the log yet:
 * done, stopped or failed.  Returns whether it logged one. */
static bool log_ended(struct mc_monitor *m)
{
    bool any = false;

    for (size_t i = 0; i < m->nsnd; i++) {
        if (m->snd[i].end_logged || mc_sender_running(m->snd[i].s))
            continue;
        log_sender_end(m, m->snd[i].s);
        m->snd[i].end_logged = true;
        any = true;
    }
    return any;
}

int mc_monitor_apply(struct mc_monitor *m, const struct mc_cmd *cmd,
                     struct mc_err *err)
{
    struct mc_err local;
    int rc = 0;

    if (err == NULL)
        err = &local;
    mc_err_clear(err);
    if (m == NULL || cmd == NULL)
        return mc_err_set(err, -EINVAL, "no monitor or command");
    switch (cmd->kind) {
    case MC_CMD_NONE:
        return 0;
    case MC_CMD_MEMBER:
        rc = apply_member(m, &cmd->member, err);
        break;
    case MC_CMD_SET:
        rc = apply_set(m, &cmd->set, err);
        break;
    case MC_CMD_CMSG:
        rc = apply_cmsg(m, &cmd->cmsg, err);
        break;
    case MC_CMD_PCAP:
        rc = apply_pcap(&cmd->pcap, err);
        break;
    case MC_CMD_SEND:
        rc = apply_send(m, &cmd->send, err);
        break;
    case MC_CMD_STOP_SEND:
        rc = apply_stop(m, &cmd->stop, err);
        break;
    case MC_CMD_WAIT:
        break; /* timing is the script runner's */
    case MC_CMD_ECHO:
        m->c.commands++;
        log_event(m, MC_EV_ECHO, "%s", cmd->echo);
        return 0;
    default:
        return mc_err_set(err, -EINVAL, "unknown command kind %d",
                          (int)cmd->kind);
    }
    m->c.commands++;
    log_result(m, cmd, rc, err);
    /* After the command's own entry: the senders it ended (stop-send,
     * or a send whose count was 1). */
    log_ended(m);
    return rc;
}

/* Quote a line for the log: printable ASCII, cut to QUOTE_MAX bytes. */
static void quote_line(const char *line, char *out, size_t len)
{
    size_t i, o = 0;

    for (i = 0; line[i] != '\0' && o + 4 < len && i < QUOTE_MAX; i++) {
        unsigned char ch = (unsigned char)line[i];

        if (ch == '\n' || ch == '\r')
            continue;
        out[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    if (line[i] != '\0' && o + 4 <= len) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

int mc_monitor_exec_line(struct mc_monitor *m, const char *line,
                         struct mc_err *err)
{
    struct mc_err local;
    struct mc_cmd cmd;
    char q[QUOTE_MAX + 8];
    int rc;

    if (err == NULL)
        err = &local;
    if (m == NULL || line == NULL)
        return mc_err_set(err, -EINVAL, "no monitor or line");
    rc = mc_cmd_parse(line, &cmd, err);
    if (rc < 0) {
        quote_line(line, q, sizeof q);
        m->c.refused++;
        log_event(m, MC_EV_REFUSED, "%s: %s", q, err->msg);
        return rc;
    }
    return mc_monitor_apply(m, &cmd, err);
}

/* ---- the receive path ---- */

static void note_drops(struct mc_monitor *m, int fd, uint32_t drops)
{
    for (size_t i = 0; i < m->ndm; i++) {
        if (m->dm[i].fd != fd)
            continue;
        /* A cumulative counter (socket(7) SO_RXQ_OVFL): count the rise. */
        if (drops > m->dm[i].last) {
            m->c.socket_drops += drops - m->dm[i].last;
            m->dm[i].last = drops;
        }
        return;
    }
}

/* The group a packet belongs to: its destination and arrival interface
 * on the listener's port.  A record with ifindex 0 takes any interface. */
static struct group *attribute(struct mc_monitor *m, uint16_t port,
                               const struct mc_cmsg *cm)
{
    struct group *g = m->last_hit;

    if (!(cm->have & MC_CM_DST))
        return NULL;
    if (g != NULL && g->port == port && mc_addr_equal(&g->group, &cm->dst) &&
        (g->ifindex == cm->ifindex || g->ifindex == 0))
        return g;
    g = find_group(m, &cm->dst, cm->ifindex, port, false);
    if (g == NULL)
        g = find_group(m, &cm->dst, 0, port, false);
    if (g != NULL)
        m->last_hit = g;
    return g;
}

/* What one drain knows about the clocks. */
struct rx_clock {
    int64_t mono_now;
    int64_t real_now;
};

/* The packet's monotonic time from its kernel stamp (CLOCK_REALTIME),
 * never later than now. */
static int64_t pkt_mono(const struct rx_clock *clk, const struct mc_cmsg *cm)
{
    int64_t real, mono;

    if (!cm->have_time)
        return clk->mono_now;
    real = mc_stats_rx_real_ns(cm, clk->real_now);
    mono = real - (clk->real_now - clk->mono_now);
    return mono < clk->mono_now ? mono : clk->mono_now;
}

static void log_new_source(struct mc_monitor *m, const struct group *g,
                           const struct mc_cmsg *cm, int flags)
{
    char ga[MC_ADDR_STRLEN], sa[MC_ADDR_STRLEN];

    mc_addr_format(&g->group, ga, sizeof ga);
    if (flags & MC_RX_NEW_SOURCE)
        log_event(m, MC_EV_INFO, "%s port %u: new source %s", ga,
                  (unsigned)g->port, mc_addr_format(&cm->src, sa, sizeof sa));
}

static void handle_pkt(struct mc_monitor *m, int fd, uint16_t port,
                       const struct mc_pkt *p, const struct rx_clock *clk)
{
    struct mc_probe probe;
    struct group *g;
    bool is_probe;
    int flags;

    m->c.rx_packets++;
    m->c.rx_bytes += p->wire_len;
    if (p->cm.trunc)
        m->c.truncated++;
    if (p->cm.have_drops)
        note_drops(m, fd, p->cm.drops);
    g = attribute(m, port, &p->cm);
    if (g == NULL) {
        m->c.unattributed_packets++;
        m->c.unattributed_bytes += p->wire_len;
        return;
    }
    is_probe = mc_probe_decode(p->data, p->len, &probe) == 0;
    flags = mc_group_stats_rx(g->stats, &p->cm, p->wire_len,
                              is_probe ? &probe : NULL, pkt_mono(clk, &p->cm),
                              mc_stats_rx_real_ns(&p->cm, clk->real_now));
    if (flags & MC_RX_NEW_SOURCE)
        log_new_source(m, g, &p->cm, flags);
}

/* Read fd until it is empty (or DRAIN_MAX_BATCHES batches went). */
static uint64_t drain_fd(struct mc_monitor *m, int fd, uint16_t port,
                         const struct rx_clock *clk)
{
    unsigned cap = mc_rxbatch_capacity(m->rx);
    uint64_t got = 0;
    struct mc_err err;

    for (int b = 0; b < DRAIN_MAX_BATCHES; b++) {
        int n = mc_rxbatch_recv(m->rx, fd, &err);

        m->c.recv_calls++;
        if (n < 0) {
            if (m->c.rx_errors++ == 0)
                log_event(m, MC_EV_ERROR, "receive: %s", err.msg);
            break;
        }
        for (int i = 0; i < n; i++)
            handle_pkt(m, fd, port, mc_rxbatch_get(m->rx, (unsigned)i), clk);
        got += (uint64_t)n;
        if ((unsigned)n < cap)
            break;
    }
    return got;
}

static uint64_t drain_all(struct mc_monitor *m, const struct rx_clock *clk)
{
    uint64_t got = 0;

    for (size_t i = 0; i < m->nls; i++) {
        size_t n = mc_listener_nsockets(m->ls[i].l);

        for (size_t j = 0; j < n; j++)
            got +=
                drain_fd(m, mc_listener_fd(m->ls[i].l, j), m->ls[i].port, clk);
    }
    return got;
}

/* ---- timers and dispatch ---- */

static int64_t next_deadline(const struct mc_monitor *m)
{
    int64_t t = m->next_tick_ns;

    if (m->holding && m->holdoff_until_ns < t)
        t = m->holdoff_until_ns;
    for (size_t i = 0; i < m->nsnd; i++) {
        int64_t s = mc_sender_next_ns(m->snd[i].s);

        if (s < t)
            t = s;
    }
    return t;
}

static void arm_timer(struct mc_monitor *m)
{
    struct itimerspec its;
    int64_t t = next_deadline(m);

    if (t == m->armed_ns)
        return;
    if (t <= 0)
        t = 1; /* 0 would disarm it */
    memset(&its, 0, sizeof its);
    its.it_value.tv_sec = t / NS_PER_S;
    its.it_value.tv_nsec = t % NS_PER_S;
    if (timerfd_settime(m->tfd, TFD_TIMER_ABSTIME, &its, NULL) == 0)
        m->armed_ns = t;
}

static int64_t tick_after(int64_t now)
{
    return (now / NS_PER_S + 1) * NS_PER_S + TICK_LAG_NS;
}

size_t mc_monitor_pollfds(struct mc_monitor *m, struct pollfd *fds, size_t cap)
{
    size_t k = 0;
    bool data = !m->holding || mc_monitor_now_ns() >= m->holdoff_until_ns;

    if (k < cap) {
        fds[k].fd = m->tfd;
        fds[k].events = POLLIN;
        fds[k].revents = 0;
    }
    k++;
    if (!data)
        return k;
    for (size_t i = 0; i < m->nls; i++) {
        size_t n = mc_listener_nsockets(m->ls[i].l);

        for (size_t j = 0; j < n; j++, k++) {
            if (k >= cap)
                continue;
            fds[k].fd = mc_listener_fd(m->ls[i].l, j);
            fds[k].events = POLLIN;
            fds[k].revents = 0;
        }
    }
    return k;
}

int mc_monitor_next_timeout_ms(const struct mc_monitor *m)
{
    int64_t left = next_deadline(m) - mc_monitor_now_ns();

    if (left <= 0)
        return 0;
    left = (left + NS_PER_MS - 1) / NS_PER_MS;
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

static int run_senders(struct mc_monitor *m, int64_t now)
{
    int flags = 0;
    struct mc_err err;

    for (size_t i = 0; i < m->nsnd; i++) {
        struct mc_sender *s = m->snd[i].s;
        int rc;

        if (!mc_sender_running(s) || mc_sender_next_ns(s) > now)
            continue;
        rc = mc_sender_run(s, now, &err);
        if (rc > 0)
            flags |= MC_MON_PACKETS;
    }
    if (log_ended(m))
        flags |= MC_MON_EVENTS;
    return flags;
}

int mc_monitor_dispatch(struct mc_monitor *m, const struct pollfd *fds,
                        size_t n)
{
    struct rx_clock clk;
    uint64_t got = 0, seq0 = m->evseq;
    int flags = 0;

    clk.mono_now = mc_monitor_now_ns();
    clk.real_now = real_now_ns();
    m->c.wakeups++;
    for (size_t i = 0; i < n; i++) {
        struct listener *L;

        if (fds[i].revents == 0)
            continue;
        if (fds[i].fd == m->tfd) {
            read_timer(m);
            continue;
        }
        L = fd_listener(m, fds[i].fd);
        if (L != NULL)
            got += drain_fd(m, fds[i].fd, L->port, &clk);
    }
    if (m->holding && clk.mono_now >= m->holdoff_until_ns) {
        /* The holdoff is over: read what came meanwhile right away,
         * rather than after one more trip through poll(). */
        m->holding = false;
        got += drain_all(m, &clk);
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
    }
    flags |= run_senders(m, clk.mono_now);
    if (m->evseq != seq0)
        flags |= MC_MON_EVENTS;
    arm_timer(m);
    return flags;
}

/* ---- making and freeing ---- */

void mc_monitor_opts_init(struct mc_monitor_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->rcvbuf = MC_MON_DEFAULT_RCVBUF;
    opts->holdoff_us = MC_MON_DEFAULT_HOLDOFF_US;
    opts->batch = MC_MON_DEFAULT_BATCH;
    opts->slot_size = MC_MON_DEFAULT_SLOT;
    opts->max_sources = 0;
    opts->max_events = MC_MON_DEFAULT_EVENTS;
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
    return 0;
}

/* The settings sockets: one per family, unbound.  A family the kernel
 * lacks is skipped (its settings read "not available"). */
static int open_settings(struct mc_monitor *m, struct mc_err *err)
{
    int opened = 0;

    for (int f = 0; f < NFAM; f++) {
        struct mc_err e2;

        m->setfd[f] = mc_sock_open_udp(slot_family(f), &e2);
        if (m->setfd[f] >= 0)
            opened++;
        else if (f == F4)
            *err = e2;
        mc_sender_env_init(&m->env[f]);
    }
    if (opened == 0)
        return err->code != 0 ? err->code : -EAFNOSUPPORT;
    read_back(m);
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
    m->setfd[F6] = m->setfd[F4] = -1;
    m->rcvbuf_granted = -1;
    m->cm_user =
        MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_SRC | MC_CM_DST | MC_CM_IFACE;
    m->ev = calloc(m->o.max_events, sizeof *m->ev);
    m->rx = mc_rxbatch_new(m->o.batch, m->o.slot_size);
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
    rc = open_settings(m, err);
    if (rc < 0) {
        mc_monitor_free(m);
        return rc;
    }
    mc_err_clear(err);
    m->start_ns = mc_monitor_now_ns();
    m->next_tick_ns = tick_after(m->start_ns);
    arm_timer(m);
    *out = m;
    return 0;
}

void mc_monitor_free(struct mc_monitor *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->nls; i++)
        mc_listener_free(m->ls[i].l);
    free(m->ls);
    for (size_t i = 0; i < m->ng; i++)
        free_group(m->g[i]);
    free(m->g);
    for (size_t i = 0; i < m->nsnd; i++)
        mc_sender_free(m->snd[i].s);
    free(m->snd);
    free(m->dm);
    mc_rxbatch_free(m->rx);
    if (m->ev != NULL)
        for (size_t i = 0; i < m->evcount; i++)
            free(m->ev[(m->evhead + i) % m->o.max_events].text);
    free(m->ev);
    for (int f = 0; f < NFAM; f++)
        if (m->setfd[f] >= 0)
            close(m->setfd[f]);
    if (m->tfd >= 0)
        close(m->tfd);
    free(m);
}

/* ---- views ---- */

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
    out->sources = g->src;
    out->nsources = g->nsrc;
    out->stats = g->stats;
    out->first_join_ns = g->first_join_ns;
    out->left_ns = g->left_ns;
    return 0;
}

int mc_monitor_group_kernel_filter(const struct mc_monitor *m, size_t i,
                                   struct mc_filter *out, struct mc_err *err)
{
    const struct group *g;

    mc_err_clear(err);
    if (i >= m->ng)
        return mc_err_set(err, -ENOENT, "no group %zu", i);
    g = m->g[i];
    memset(out, 0, sizeof *out);
    for (size_t k = 0; k < m->nls; k++)
        if (m->ls[k].family == g->family && m->ls[k].port == g->port)
            return mc_listener_filter(m->ls[k].l, g->ifindex, &g->group, out,
                                      err);
    out->mode = MC_MODE_NONE; /* no socket on that port holds anything */
    return 0;
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
    if (m->nls > 0 && mc_sock_get_multicast_all(mc_listener_fd(m->ls[0].l, 0),
                                                &all, NULL) == 0)
        out->multicast_all = all;
    out->cm_flags = m->cm_user;
    out->cm_flags_on = m->cm_user | MC_CM_DST | MC_CM_IFACE;
    out->rcvbuf_asked = m->o.rcvbuf;
    out->rcvbuf_granted = m->rcvbuf_granted;
    out->holdoff_us = m->o.holdoff_us;
    out->batch = m->o.batch;
    out->slot_size = m->o.slot_size;
}

void mc_monitor_counters(const struct mc_monitor *m,
                         struct mc_monitor_counters *out)
{
    *out = m->c;
}

size_t mc_monitor_nsenders(const struct mc_monitor *m)
{
    return m->nsnd;
}

int mc_monitor_sender(const struct mc_monitor *m, size_t i,
                      struct mc_sender_info *out)
{
    if (i >= m->nsnd)
        return -ENOENT;
    mc_sender_get(m->snd[i].s, out);
    return 0;
}

size_t mc_monitor_senders_running(const struct mc_monitor *m)
{
    size_t n = 0;

    for (size_t i = 0; i < m->nsnd; i++)
        n += mc_sender_running(m->snd[i].s);
    return n;
}

size_t mc_monitor_nevents(const struct mc_monitor *m)
{
    return m->evcount;
}

int mc_monitor_event(const struct mc_monitor *m, size_t i, struct mc_event *out)
{
    const struct event *e;

    if (i >= m->evcount)
        return -ENOENT;
    e = &m->ev[(m->evhead + i) % m->o.max_events];
    out->seq = e->seq;
    out->mono_ns = e->mono_ns;
    out->real_ns = e->real_ns;
    out->kind = e->kind;
    out->text = e->text;
    return 0;
}

uint64_t mc_monitor_last_event_seq(const struct mc_monitor *m)
{
    return m->evseq;
}

int64_t mc_monitor_start_ns(const struct mc_monitor *m)
{
    return m->start_ns;
}

/* ---- scripts ---- */

struct script_line {
    char *text;
    char *origin;
};

struct mc_script {
    struct script_line *v;
    size_t n, cap;
    size_t pos;     /* next line to run */
    int64_t due_ns; /* 0: due now */
};

struct mc_script *mc_script_new(void)
{
    return calloc(1, sizeof(struct mc_script));
}

void mc_script_free(struct mc_script *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i].text);
        free(s->v[i].origin);
    }
    free(s->v);
    free(s);
}

int mc_script_add(struct mc_script *s, const char *line, const char *origin)
{
    struct script_line *v;
    char *t, *o;

    v = grown(s->v, &s->cap, s->n, sizeof *s->v);
    if (v == NULL)
        return -ENOMEM;
    s->v = v;
    t = strdup(line);
    o = strdup(origin != NULL ? origin : "");
    if (t == NULL || o == NULL) {
        free(t);
        free(o);
        return -ENOMEM;
    }
    s->v[s->n].text = t;
    s->v[s->n].origin = o;
    s->n++;
    return 0;
}

int mc_script_load(struct mc_script *s, const char *path, struct mc_err *err)
{
    char origin[512];
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    FILE *f;
    int rc = 0;

    mc_err_clear(err);
    f = fopen(path, "re");
    if (f == NULL) {
        rc = -errno;
        return mc_err_set(err, rc, "cannot read the script %s: %s", path,
                          mc_strerror(rc));
    }
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        snprintf(origin, sizeof origin, "%s:%u", path, lineno);
        rc = mc_script_add(s, line, origin);
        if (rc < 0) {
            mc_err_set(err, rc, "out of memory reading %s", path);
            break;
        }
    }
    if (rc == 0 && ferror(f)) {
        rc = -EIO;
        mc_err_set(err, rc, "error reading the script %s", path);
    }
    free(line);
    fclose(f);
    return rc;
}

size_t mc_script_nlines(const struct mc_script *s)
{
    return s->n;
}

const char *mc_script_line(const struct mc_script *s, size_t i)
{
    return i < s->n ? s->v[i].text : NULL;
}

const char *mc_script_origin(const struct mc_script *s, size_t i)
{
    return i < s->n ? s->v[i].origin : NULL;
}

size_t mc_script_check(const struct mc_script *s, mc_script_refusal_fn fn,
                       void *arg)
{
    size_t bad = 0;
    struct mc_err err;

    for (size_t i = 0; i < s->n; i++) {
        if (mc_cmd_parse(s->v[i].text, NULL, &err) == 0)
            continue;
        bad++;
        if (fn != NULL)
            fn(arg, i, &err);
    }
    return bad;
}

size_t mc_script_step(struct mc_script *s, struct mc_monitor *m, int64_t now_ns)
{
    size_t failed = 0;
    struct mc_cmd cmd;
    struct mc_err err;

    if (s->pos >= s->n || now_ns < s->due_ns)
        return 0;
    while (s->pos < s->n) {
        const char *line = s->v[s->pos++].text;

        if (mc_cmd_parse(line, &cmd, &err) < 0) {
            mc_monitor_exec_line(m, line, &err); /* logs the refusal */
            failed++;
            continue;
        }
        if (mc_monitor_apply(m, &cmd, &err) < 0)
            failed++;
        if (cmd.kind == MC_CMD_WAIT) {
            s->due_ns = now_ns + (int64_t)(cmd.wait_s * 1e9 + 0.5);
            break;
        }
    }
    return failed;
}

int64_t mc_script_next_ns(const struct mc_script *s)
{
    if (s == NULL || s->pos >= s->n)
        return INT64_MAX;
    return s->due_ns;
}

bool mc_script_done(const struct mc_script *s)
{
    return s == NULL || s->pos >= s->n;
}

size_t mc_script_position(const struct mc_script *s)
{
    return s->pos;
}
