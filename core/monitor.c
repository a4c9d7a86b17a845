/*
 * mcscope core: the monitor state (see monitor.h).
 *
 * Layout of this file: the event log; listeners and group records; the
 * wire cross-check (captures, what they count, the reports list); the
 * commands; the receive path; timers and dispatch; the views (the kernel's
 * state among them); scripts.
 */
#include "mcscope/monitor.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "mcscope/cmsg.h"
#include "mcscope/io.h"
#include "mcscope/priv.h"
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

/* Wire packets of one source that came while the filter as asked kept it
 * out, by why (they name the difference between wire and socket). */
struct wsrc {
    struct mc_addr a;
    uint64_t excluded, not_included, not_joined;
};

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
    bool wired;          /* a capture covered its interface */
    uint64_t sock_drops; /* SO_RXQ_OVFL drops on its port's sockets */
    struct wsrc *ws;     /* sources the filter kept out, capped */
    size_t nws, capws;
    /* The last packets: a ring, recent_next the slot written next. */
    struct mc_pkt_record recent[MC_MON_RECENT_PACKETS];
    unsigned nrecent, recent_next;
};

/*
 * One interface of the wire cross-check.  The record stays when its
 * capture closes (its counts do), and serves the next open.
 */
struct wcap {
    char ifname[IF_NAMESIZE];
    unsigned ifindex;
    /* [0]: both directions, or incoming when split; [1]: outgoing when
     * split.  NULL while closed. */
    struct mc_capture *c[2];
    bool split;
    bool named;     /* pcap on dev IFACE */
    bool skip;      /* pcap off dev IFACE while pcap on: not for its joins */
    bool failed;    /* pcap on's open failed: not retried until pcap on */
    char *file;     /* its pcap file; NULL: none */
    bool file_done; /* the file was closed: never written again */
    struct mc_capture_stats past; /* of its captures closed before */
    int64_t opened_ns, closed_ns;
    int64_t linger_ns; /* close then (no group left on it); 0: none */
};

/* One MLD/IGMP message of the reports list; the view points into the
 * allocations next to it. */
struct wmsg {
    struct mc_wiremsg_view v;
    char *text;
    struct mc_wiremsg_rec *recs;
    struct mc_addr *addrs;
};

/* What one drain knows about the clocks. */
struct rx_clock {
    int64_t mono_now;
    int64_t real_now;
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
    struct group *wire_hit; /* the same for the captures */
    struct sender_slot *snd;
    size_t nsnd, capsnd;
    struct dropmark *dm;
    size_t ndm, capdm;
    struct mc_rxbatch *rx;

    struct event *ev;
    size_t evhead, evcount;
    uint64_t evseq;

    struct wcap *wc;
    size_t nwc, capwc;
    bool pcap_auto;      /* pcap on: every interface with groups */
    char *pcap_file;     /* --write-pcap; NULL: none */
    unsigned pcap_files; /* files opened so far */
    struct wmsg *wm;     /* the reports list, a ring */
    size_t wmhead, wmcount, wmmax;
    uint64_t wmseq;
    unsigned wire_ev_sec;     /* wire events logged since the tick */
    uint64_t wire_ev_pending; /* not logged since the tick */

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

__attribute__((format(printf, 3, 0))) static void
vlog_event(struct mc_monitor *m, enum mc_event_kind kind, const char *fmt,
           va_list ap)
{
    struct event *e;
    char *text;

    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
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

__attribute__((format(printf, 3, 4))) static void
log_event(struct mc_monitor *m, enum mc_event_kind kind, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog_event(m, kind, fmt, ap);
    va_end(ap);
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
    free(g->ws);
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

/* ---- the wire cross-check: captures ---- */

static void stats_add(struct mc_capture_stats *sum,
                      const struct mc_capture_stats *s)
{
    sum->received += s->received;
    sum->dropped += s->dropped;
    sum->if_dropped += s->if_dropped;
    sum->frames += s->frames;
    sum->malformed += s->malformed;
    sum->not_ip += s->not_ip;
    sum->dumped += s->dumped;
}

static bool wcap_open(const struct wcap *w)
{
    return w->c[0] != NULL;
}

/* w's counters: its closed captures' and its open ones' now. */
static void wcap_stats(const struct wcap *w, struct mc_capture_stats *out)
{
    struct mc_capture_stats s;

    *out = w->past;
    for (int k = 0; k < 2; k++)
        if (w->c[k] != NULL && mc_capture_stats(w->c[k], &s, NULL) == 0)
            stats_add(out, &s);
}

static struct wcap *find_wcap(struct mc_monitor *m, unsigned ifindex)
{
    for (size_t i = 0; i < m->nwc; i++)
        if (m->wc[i].ifindex == ifindex)
            return &m->wc[i];
    return NULL;
}

static struct wcap *find_wcap_name(struct mc_monitor *m, const char *ifname)
{
    for (size_t i = 0; i < m->nwc; i++)
        if (strcmp(m->wc[i].ifname, ifname) == 0)
            return &m->wc[i];
    return NULL;
}

/* The record of ifindex, made when missing (NULL: out of memory).  The
 * array may move: pointers into it from before are stale. */
static struct wcap *ensure_wcap(struct mc_monitor *m, unsigned ifindex,
                                const char *ifname)
{
    struct wcap *w = find_wcap(m, ifindex);

    if (w == NULL) {
        w = grown(m->wc, &m->capwc, m->nwc, sizeof *m->wc);
        if (w == NULL)
            return NULL;
        m->wc = w;
        w = &m->wc[m->nwc++];
        memset(w, 0, sizeof *w);
        w->ifindex = ifindex;
    }
    snprintf(w->ifname, sizeof w->ifname, "%s", ifname);
    return w;
}

static size_t captures_open(const struct mc_monitor *m)
{
    size_t n = 0;

    for (size_t i = 0; i < m->nwc; i++)
        n += wcap_open(&m->wc[i]);
    return n;
}

/* Whether a joined group uses ifindex. */
static bool iface_in_use(const struct mc_monitor *m, unsigned ifindex)
{
    for (size_t i = 0; i < m->ng; i++)
        if (m->g[i]->joined && m->g[i]->ifindex == ifindex)
            return true;
    return false;
}

/* Whether an open capture counts g's packets (one on its interface; any
 * for a group joined without one). */
static bool covered(const struct mc_monitor *m, const struct group *g)
{
    for (size_t i = 0; i < m->nwc; i++)
        if (wcap_open(&m->wc[i]) &&
            (g->ifindex == 0 || m->wc[i].ifindex == g->ifindex))
            return true;
    return false;
}

static void mark_wired(struct mc_monitor *m)
{
    for (size_t i = 0; i < m->ng; i++)
        if (!m->g[i]->wired && covered(m, m->g[i]))
            m->g[i]->wired = true;
}

static bool is_loopback(const struct mc_monitor *m, const char *ifname)
{
    int fd = m->setfd[F4] >= 0 ? m->setfd[F4] : m->setfd[F6];
    struct ifreq ifr;

    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    return ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 &&
           (ifr.ifr_flags & IFF_LOOPBACK) != 0;
}

/* Whether c's frames say their direction: Linux cooked headers do, and
 * Ethernet does by the interface's own source MAC (wire.h) — except on
 * loopback, where every frame carries the same zero MAC. */
static bool says_direction(const struct mc_monitor *m,
                           const struct mc_capture *c, const char *ifname)
{
    int lt = mc_capture_linktype(c);

    if (lt == MC_LINK_LINUX_SLL || lt == MC_LINK_LINUX_SLL2)
        return true;
    return lt == MC_LINK_EN10MB && !is_loopback(m, ifname);
}

/* The captures of one interface before they are installed. */
struct capset {
    struct mc_capture *c[2];
    bool split;
    char *file; /* the pcap file opened on c[0]; NULL: none */
};

static void capset_close(struct capset *cs, bool unlink_file)
{
    mc_capture_close(cs->c[0]);
    mc_capture_close(cs->c[1]);
    if (unlink_file && cs->file != NULL)
        unlink(cs->file);
    free(cs->file);
    memset(cs, 0, sizeof *cs);
}

/* --write-pcap's name for the nth file: the path, then path with
 * ".IFACE" before a final ".pcap" (or after it).  NULL: no memory. */
static char *pcap_path(const char *base, const char *ifname, unsigned nth)
{
    size_t n = strlen(base);
    char *p;

    if (nth == 0)
        return strdup(base);
    if (n > 5 && strcmp(base + n - 5, ".pcap") == 0) {
        if (asprintf(&p, "%.*s.%s.pcap", (int)(n - 5), base, ifname) < 0)
            return NULL;
    } else if (asprintf(&p, "%s.%s", base, ifname) < 0) {
        return NULL;
    }
    return p;
}

/* Open the pcap file of an interface's captures, as --write-pcap asks.
 * nth: files opened before this one (committed or pending). */
static int capset_dump(struct capset *cs, const char *base, const char *ifname,
                       unsigned nth, struct mc_err *err)
{
    int rc;

    cs->file = pcap_path(base, ifname, nth);
    if (cs->file == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a file name");
    rc = mc_capture_dump_open(cs->c[0], cs->file, err);
    if (rc < 0) {
        free(cs->file);
        cs->file = NULL;
    }
    return rc;
}

/*
 * Open the captures of ifname: one in both directions when its frames
 * say the direction, else one incoming and one outgoing.  With dump (a
 * --write-pcap base) the first also writes the nth file.
 */
static int capset_open(const struct mc_monitor *m, const char *ifname,
                       const char *dump, unsigned nth, struct capset *cs,
                       struct mc_err *err)
{
    int rc;

    memset(cs, 0, sizeof *cs);
    rc = mc_capture_open(ifname, MC_CAPTURE_BOTH, 0, 0, NULL, &cs->c[0], err);
    if (rc < 0)
        return rc;
    if (!says_direction(m, cs->c[0], ifname)) {
        mc_capture_close(cs->c[0]);
        cs->c[0] = NULL;
        cs->split = true;
        rc = mc_capture_open(ifname, MC_CAPTURE_IN, 0, 0, NULL, &cs->c[0], err);
        if (rc == 0)
            rc = mc_capture_open(ifname, MC_CAPTURE_OUT, 0, 0, NULL, &cs->c[1],
                                 err);
    }
    if (rc == 0 && dump != NULL)
        rc = capset_dump(cs, dump, ifname, nth, err);
    if (rc < 0)
        capset_close(cs, false);
    return rc;
}

/* The file w would write when opened now: m's base, unless w wrote its
 * file already (never overwritten). */
static const char *dump_for(const struct mc_monitor *m, const struct wcap *w)
{
    return w != NULL && w->file_done ? NULL : m->pcap_file;
}

/* Make cs w's captures, and say so. */
static void wcap_install(struct mc_monitor *m, struct wcap *w,
                         struct capset *cs)
{
    w->c[0] = cs->c[0];
    w->c[1] = cs->c[1];
    w->split = cs->split;
    if (cs->file != NULL) {
        free(w->file);
        w->file = cs->file;
        m->pcap_files++;
    }
    memset(cs, 0, sizeof *cs);
    w->opened_ns = mc_monitor_now_ns();
    w->closed_ns = 0;
    w->linger_ns = 0;
    w->failed = false;
    log_event(m, MC_EV_INFO, "capturing on %s (%s)%s%s", w->ifname,
              w->split ? "incoming and outgoing, two captures"
                       : "both directions",
              w->file != NULL && !w->file_done ? ", writing " : "",
              w->file != NULL && !w->file_done ? w->file : "");
    if (m->pcap_file != NULL && w->file_done)
        log_event(m, MC_EV_INFO,
                  "%s was written and closed before: this capture on %s is "
                  "not saved again",
                  w->file, w->ifname);
    mark_wired(m);
}

/* Close w's captures (and file), keeping their counts. */
static void wcap_stop(struct mc_monitor *m, struct wcap *w, const char *why)
{
    struct mc_capture_stats s;
    struct mc_err err;

    if (!wcap_open(w))
        return;
    if (w->file != NULL && !w->file_done) {
        if (mc_capture_dump_close(w->c[0], &err) < 0) {
            m->c.errors++;
            log_event(m, MC_EV_ERROR, "%s: %s", w->file, err.msg);
        }
        w->file_done = true;
    }
    for (int k = 0; k < 2; k++) {
        if (w->c[k] == NULL)
            continue;
        if (mc_capture_stats(w->c[k], &s, NULL) == 0)
            stats_add(&w->past, &s);
        mc_capture_close(w->c[k]);
        w->c[k] = NULL;
    }
    w->closed_ns = mc_monitor_now_ns();
    w->linger_ns = 0;
    log_event(m, MC_EV_INFO,
              "capture on %s closed (%s): %llu frames, %llu dropped by "
              "pcap",
              w->ifname, why, (unsigned long long)w->past.frames,
              (unsigned long long)w->past.dropped);
}

/* Append the rest of the message to a capture refusal. */
static int wire_off_err(int rc, struct mc_err *err)
{
    char why[MC_ERR_MSG_MAX];

    if (err == NULL)
        return rc;
    snprintf(why, sizeof why, "%s", err->msg);
    return mc_err_set(err, rc,
                      "%s; the wire cross-check stays off, everything else "
                      "works",
                      why);
}

/* An interface pcap on has to open, gathered before any is installed. */
struct pending {
    unsigned ifindex;
    char ifname[IF_NAMESIZE];
    struct capset cs;
};

static bool pending_has(const struct pending *p, size_t n, unsigned ifindex)
{
    for (size_t i = 0; i < n; i++)
        if (p[i].ifindex == ifindex)
            return true;
    return false;
}

/* Open every interface with joined groups and no capture, all or none. */
static int open_pending(struct mc_monitor *m, struct pending **out, size_t *np,
                        struct mc_err *err)
{
    struct pending *p = NULL;
    size_t n = 0, cap = 0;
    unsigned files = m->pcap_files;
    int rc = 0;

    for (size_t i = 0; i < m->ng && rc == 0; i++) {
        const struct group *g = m->g[i];
        struct wcap *w = find_wcap(m, g->ifindex);
        const char *dump;
        struct pending *q;

        if (!g->joined || g->ifindex == 0 || (w != NULL && wcap_open(w)) ||
            pending_has(p, n, g->ifindex))
            continue;
        q = grown(p, &cap, n, sizeof *p);
        if (q == NULL) {
            rc = mc_err_set(err, -ENOMEM, "out of memory for a capture");
            break;
        }
        p = q;
        memset(&p[n], 0, sizeof p[n]);
        p[n].ifindex = g->ifindex;
        snprintf(p[n].ifname, sizeof p[n].ifname, "%s", g->ifname);
        dump = dump_for(m, w);
        rc = capset_open(m, g->ifname, dump, files, &p[n].cs, err);
        if (rc == 0) {
            files += dump != NULL;
            n++;
        }
    }
    if (rc < 0) {
        for (size_t i = 0; i < n; i++)
            capset_close(&p[i].cs, true);
        free(p);
        return rc;
    }
    *out = p;
    *np = n;
    return 0;
}

/* pcap on: every interface with joined groups now and later. */
static int pcap_on_all(struct mc_monitor *m, struct mc_err *err)
{
    struct pending *p = NULL;
    size_t n = 0;
    int rc;

    rc = open_pending(m, &p, &n, err);
    if (rc < 0)
        return wire_off_err(rc, err);
    if (n == 0 && captures_open(m) == 0 && !mc_priv_have_net_raw())
        return mc_err_set(err, -EPERM,
                          "capturing needs CAP_NET_RAW: %s; the wire "
                          "cross-check stays off, everything else works",
                          MC_PRIV_HOWTO);
    for (size_t i = 0; i < n; i++) {
        struct wcap *w = ensure_wcap(m, p[i].ifindex, p[i].ifname);

        if (w == NULL)
            capset_close(&p[i].cs, true); /* out of memory: not counted */
        else
            wcap_install(m, w, &p[i].cs);
    }
    free(p);
    m->pcap_auto = true;
    for (size_t i = 0; i < m->nwc; i++)
        m->wc[i].skip = m->wc[i].failed = false;
    if (captures_open(m) == 0)
        log_event(m, MC_EV_INFO,
                  "no interface has joined groups yet: capturing starts "
                  "with the first join that names one");
    return 0;
}

/* pcap on dev IFACE: that interface until pcap off. */
static int pcap_on_dev(struct mc_monitor *m, const char *ifname,
                       struct mc_err *err)
{
    struct capset cs;
    struct wcap *w;
    unsigned ifindex;
    int rc;

    if (strcmp(ifname, "any") == 0)
        return mc_err_set(err, -EINVAL,
                          "dev any: mcscope captures interfaces one by one: "
                          "pcap on dev IFACE, or pcap on for every "
                          "interface with joined groups");
    rc = mc_ifindex(ifname, &ifindex, err);
    if (rc < 0)
        return rc;
    w = find_wcap(m, ifindex);
    if (w != NULL && wcap_open(w)) {
        w->named = true;
        w->skip = false;
        w->linger_ns = 0;
        return 0;
    }
    rc = capset_open(m, ifname, dump_for(m, w), m->pcap_files, &cs, err);
    if (rc < 0)
        return wire_off_err(rc, err);
    w = ensure_wcap(m, ifindex, ifname);
    if (w == NULL) {
        capset_close(&cs, true);
        return mc_err_set(err, -ENOMEM, "out of memory for a capture");
    }
    w->named = true;
    w->skip = false;
    wcap_install(m, w, &cs);
    return 0;
}

static int pcap_off(struct mc_monitor *m, const char *ifname,
                    struct mc_err *err)
{
    struct wcap *w;
    char q[IF_NAMESIZE + 4];

    if (ifname[0] == '\0') {
        for (size_t i = 0; i < m->nwc; i++) {
            wcap_stop(m, &m->wc[i], "pcap off");
            m->wc[i].named = m->wc[i].skip = m->wc[i].failed = false;
        }
        m->pcap_auto = false;
        return 0;
    }
    w = find_wcap_name(m, ifname);
    if (w == NULL || !wcap_open(w))
        return mc_err_set(err, -ESRCH,
                          "no capture is running on %s (pcap off without "
                          "dev stops every capture)",
                          mc_err_quote(ifname, strlen(ifname), IF_NAMESIZE, q));
    wcap_stop(m, w, "pcap off");
    w->named = false;
    w->skip = m->pcap_auto;
    return 0;
}

static int apply_pcap(struct mc_monitor *m, const struct mc_cmd_pcap *c,
                      struct mc_err *err)
{
    if (!c->on)
        return pcap_off(m, c->ifname, err);
    if (c->ifname[0] != '\0')
        return pcap_on_dev(m, c->ifname, err);
    return pcap_on_all(m, err);
}

/* Open the capture pcap on asks for on an interface of a join; a failure
 * is logged and not retried until the next pcap on.  Returns whether it
 * opened one now. */
static bool sync_open(struct mc_monitor *m, unsigned ifindex,
                      const char *ifname)
{
    struct wcap *w = find_wcap(m, ifindex);
    struct capset cs;
    struct mc_err err;
    int rc;

    if (w != NULL && (wcap_open(w) || w->skip || w->failed))
        return false;
    rc = capset_open(m, ifname, dump_for(m, w), m->pcap_files, &cs, &err);
    w = ensure_wcap(m, ifindex, ifname);
    if (rc == 0 && w != NULL) {
        wcap_install(m, w, &cs);
        return true;
    }
    if (rc == 0) {
        capset_close(&cs, true);
        mc_err_set(&err, -ENOMEM, "out of memory for a capture");
    }
    if (w != NULL)
        w->failed = true;
    m->c.errors++;
    log_event(m, MC_EV_ERROR, "pcap on %s: %s", ifname, err.msg);
    return false;
}

/*
 * After every command: with pcap on, capture the interfaces joined
 * groups use; a capture pcap on opened (not named, writing no file)
 * whose interface has no joined group left closes after the linger.
 */
static void wire_sync(struct mc_monitor *m)
{
    int64_t now = mc_monitor_now_ns();

    for (size_t i = 0; m->pcap_auto && i < m->ng; i++)
        if (m->g[i]->joined && m->g[i]->ifindex != 0)
            sync_open(m, m->g[i]->ifindex, m->g[i]->ifname);
    for (size_t i = 0; i < m->nwc; i++) {
        struct wcap *w = &m->wc[i];

        if (!wcap_open(w) || w->named || (w->file && !w->file_done))
            continue;
        if (iface_in_use(m, w->ifindex))
            w->linger_ns = 0;
        else if (w->linger_ns == 0)
            w->linger_ns = now + MC_MON_PCAP_LINGER_NS;
    }
    mark_wired(m);
}

/* Close the captures whose linger ran out. */
static void wire_linger(struct mc_monitor *m, int64_t now)
{
    for (size_t i = 0; i < m->nwc; i++) {
        struct wcap *w = &m->wc[i];

        if (w->linger_ns != 0 && now >= w->linger_ns)
            wcap_stop(m, w, "no group joined there any more");
    }
}

int mc_monitor_write_pcap(struct mc_monitor *m, const char *path,
                          struct mc_err *err)
{
    struct mc_err local;
    size_t i;
    int rc = 0;

    if (err == NULL)
        err = &local;
    mc_err_clear(err);
    if (path == NULL || path[0] == '\0')
        return mc_err_set(err, -EINVAL, "--write-pcap needs a file name");
    if (m->pcap_file != NULL)
        return mc_err_set(err, -EBUSY, "the capture is written to %s already",
                          m->pcap_file);
    m->pcap_file = strdup(path);
    if (m->pcap_file == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory");
    for (i = 0; i < m->nwc && rc == 0; i++) {
        struct wcap *w = &m->wc[i];
        struct capset cs = {{w->c[0], NULL}, false, NULL};

        if (!wcap_open(w) || w->file_done)
            continue;
        rc = capset_dump(&cs, path, w->ifname, m->pcap_files, err);
        if (rc == 0) {
            w->file = cs.file;
            m->pcap_files++;
            log_event(m, MC_EV_INFO, "writing the capture on %s to %s",
                      w->ifname, w->file);
        }
    }
    if (rc < 0) {
        while (i-- > 0) {
            struct wcap *w = &m->wc[i];

            if (w->file == NULL || w->file_done)
                continue;
            mc_capture_dump_close(w->c[0], NULL);
            unlink(w->file);
            free(w->file);
            w->file = NULL;
        }
        m->pcap_files = 0;
        free(m->pcap_file);
        m->pcap_file = NULL;
    }
    return rc;
}

/* ---- the wire cross-check: what the captures read ---- */

/* The monotonic time of a frame's stamp (CLOCK_REALTIME), never later
 * than now. */
static int64_t frame_mono(const struct rx_clock *clk, const struct timespec *ts)
{
    int64_t real = (int64_t)ts->tv_sec * NS_PER_S + ts->tv_nsec;
    int64_t mono = real - (clk->real_now - clk->mono_now);

    return mono < clk->mono_now ? mono : clk->mono_now;
}

/* A wire event, within MC_MON_WIRE_EVENTS_PER_S a tick. */
__attribute__((format(printf, 2, 3))) static void
wire_event(struct mc_monitor *m, const char *fmt, ...)
{
    va_list ap;

    if (m->wire_ev_sec >= MC_MON_WIRE_EVENTS_PER_S) {
        m->c.wire_events_unlogged++;
        m->wire_ev_pending++;
        return;
    }
    m->wire_ev_sec++;
    va_start(ap, fmt);
    vlog_event(m, MC_EV_INFO, fmt, ap);
    va_end(ap);
}

/* At the tick: say how many wire events were not logged, start anew. */
static void wire_event_tick(struct mc_monitor *m)
{
    if (m->wire_ev_pending > 0)
        log_event(m, MC_EV_INFO,
                  "%llu more wire events were not logged (over %u a "
                  "second): the reports list has every MLD/IGMP message",
                  (unsigned long long)m->wire_ev_pending,
                  MC_MON_WIRE_EVENTS_PER_S);
    m->wire_ev_pending = 0;
    m->wire_ev_sec = 0;
}

static const char *dir_arrow(enum mc_wire_dir d)
{
    switch (d) {
    case MC_WIRE_DIR_OUT:
        return "\xe2\x86\x92"; /* → */
    case MC_WIRE_DIR_IN:
        return "\xe2\x86\x90"; /* ← */
    default:
        return "?";
    }
}

/* The protocol as people write it ("MLDv2"). */
static const char *proto_label(enum mc_wire_proto p)
{
    switch (p) {
    case MC_PROTO_MLDV1:
        return "MLDv1";
    case MC_PROTO_MLDV2:
        return "MLDv2";
    case MC_PROTO_IGMPV1:
        return "IGMPv1";
    case MC_PROTO_IGMPV2:
        return "IGMPv2";
    case MC_PROTO_IGMPV3:
        return "IGMPv3";
    default:
        return "?";
    }
}

/* " from SRC" for what came in (and has an address); "" otherwise. */
static const char *from_text(const struct mc_wire_pkt *p, char *buf, size_t len)
{
    char a[MC_ADDR_STRLEN];

    buf[0] = '\0';
    if (p->dir != MC_WIRE_DIR_OUT && p->src.family != 0)
        snprintf(buf, len, " from %s", mc_addr_format(&p->src, a, sizeof a));
    return buf;
}

#define WIRE_TEXT_MAX 1024

/* The event line of an MLD/IGMP message: arrow, protocol, interface,
 * sender, then mc_wire_format's text without its protocol word (and
 * "report: " before records). */
static void msg_text(const char *ifname, const struct mc_wire_pkt *p, char *buf,
                     size_t len)
{
    char body[WIRE_TEXT_MAX], from[MC_ADDR_STRLEN + 8];
    const char *name = mc_wire_proto_name(p->msg.proto);
    const char *b = mc_wire_format(p, body, sizeof body);
    size_t n = strlen(name);

    if (strncmp(b, name, n) == 0 && b[n] == ' ')
        b += n + 1;
    if (strncmp(b, "report: ", 8) == 0)
        b += 8;
    snprintf(buf, len, "%s %s %s%s %s", dir_arrow(p->dir),
             proto_label(p->msg.proto), ifname, from_text(p, from, sizeof from),
             b);
}

static void wmsg_free(struct wmsg *w)
{
    free(w->text);
    free(w->recs);
    free(w->addrs);
    memset(w, 0, sizeof *w);
}

/* Copy the records and sources of p's message into w. */
static int wmsg_copy(struct wmsg *w, const struct mc_wire_msg *msg)
{
    struct mc_wire_rec_iter it;
    struct mc_wire_rec r;
    size_t nrec = 0, naddr = msg->nsources, a = 0;

    mc_wire_rec_begin(msg, &it);
    while (mc_wire_rec_next(&it, &r)) {
        nrec++;
        naddr += r.nsources;
    }
    w->recs = nrec > 0 ? calloc(nrec, sizeof *w->recs) : NULL;
    w->addrs = naddr > 0 ? calloc(naddr, sizeof *w->addrs) : NULL;
    if ((nrec > 0 && w->recs == NULL) || (naddr > 0 && w->addrs == NULL))
        return -ENOMEM;
    for (size_t i = 0; i < msg->nsources; i++)
        mc_wire_query_source(msg, i, &w->addrs[a++]);
    w->v.nsources = msg->nsources;
    w->v.sources = msg->nsources > 0 ? w->addrs : NULL;
    mc_wire_rec_begin(msg, &it);
    for (size_t i = 0; i < nrec && mc_wire_rec_next(&it, &r); i++) {
        w->recs[i].type = r.type;
        w->recs[i].group = r.group;
        w->recs[i].nsources = r.nsources;
        w->recs[i].sources = r.nsources > 0 ? &w->addrs[a] : NULL;
        for (size_t k = 0; k < r.nsources; k++)
            mc_wire_rec_source(&r, k, &w->addrs[a++]);
    }
    w->v.nrecords = nrec;
    w->v.records = w->recs;
    return 0;
}

static bool has_records(const struct mc_wire_msg *msg)
{
    return msg->type == MC_MSG_REPORT &&
           (msg->proto == MC_PROTO_MLDV2 || msg->proto == MC_PROTO_IGMPV3);
}

/* Keep a message in the reports list (the oldest goes when full). */
static void wmsg_add(struct mc_monitor *m, const char *ifname,
                     const struct mc_wire_pkt *p, int64_t mono,
                     const char *text)
{
    struct wmsg w;

    memset(&w, 0, sizeof w);
    w.text = strdup(text);
    if (w.text == NULL || wmsg_copy(&w, &p->msg) < 0) {
        wmsg_free(&w);
        return; /* out of memory: the list loses it, the log has it */
    }
    w.v.seq = ++m->wmseq;
    w.v.mono_ns = mono;
    w.v.dir = p->dir;
    snprintf(w.v.ifname, sizeof w.v.ifname, "%s", ifname);
    w.v.proto = p->msg.proto;
    w.v.type = p->msg.type;
    w.v.src = p->src;
    w.v.dst = p->dst;
    if (!has_records(&p->msg))
        w.v.group = p->msg.group;
    w.v.max_resp_ms = p->msg.type == MC_MSG_QUERY ? p->msg.max_resp_ms : 0;
    w.v.text = w.text;
    if (m->wmcount == m->wmmax) {
        wmsg_free(&m->wm[m->wmhead]);
        m->wmhead = (m->wmhead + 1) % m->wmmax;
        m->wmcount--;
    }
    m->wm[(m->wmhead + m->wmcount++) % m->wmmax] = w;
}

/* Where the filter as asked puts a source of g. */
enum wclass { W_PASS, W_EXCLUDED, W_NOT_INCLUDED, W_NOT_JOINED };

static enum wclass classify(const struct group *g, const struct mc_addr *src)
{
    bool listed;

    if (!g->joined)
        return W_NOT_JOINED;
    listed = src_index(g, src) != (size_t)-1;
    if (g->mode == MC_MODE_EXCLUDE && listed)
        return W_EXCLUDED;
    if (g->mode == MC_MODE_INCLUDE && !listed)
        return W_NOT_INCLUDED;
    return W_PASS;
}

static const struct wsrc *wsrc_find(const struct group *g,
                                    const struct mc_addr *a)
{
    for (size_t i = 0; i < g->nws; i++)
        if (mc_addr_equal(&g->ws[i].a, a))
            return &g->ws[i];
    return NULL;
}

/* Count a wire packet of src that the filter keeps out, by why.  As many
 * sources as the group's statistics track; others go uncounted. */
static void wsrc_count(struct group *g, const struct mc_addr *src)
{
    enum wclass k = classify(g, src);
    struct wsrc *w;

    if (k == W_PASS)
        return;
    w = (struct wsrc *)wsrc_find(g, src);
    if (w == NULL) {
        if (g->nws >= mc_group_stats_max_sources(g->stats))
            return;
        w = grown(g->ws, &g->capws, g->nws, sizeof *g->ws);
        if (w == NULL)
            return;
        g->ws = w;
        w = &g->ws[g->nws++];
        memset(w, 0, sizeof *w);
        w->a = *src;
    }
    if (k == W_EXCLUDED)
        w->excluded++;
    else if (k == W_NOT_INCLUDED)
        w->not_included++;
    else
        w->not_joined++;
}

/* The group of a datagram captured on ifindex: the record on that
 * interface, else one joined without an interface (as the socket path
 * attributes).  The last answer is kept: bursts are of one group. */
static struct group *wire_group(struct mc_monitor *m, unsigned ifindex,
                                const struct mc_addr *dst, uint16_t port)
{
    struct group *g = m->wire_hit;

    if (g != NULL && g->port == port && g->ifindex == ifindex &&
        mc_addr_equal(&g->group, dst))
        return g;
    g = find_group(m, dst, ifindex, port, false);
    if (g == NULL)
        g = find_group(m, dst, 0, port, false);
    if (g != NULL && g->ifindex == ifindex)
        m->wire_hit = g;
    return g;
}

struct wire_ctx {
    struct mc_monitor *m;
    const struct wcap *w;
    const struct rx_clock *clk;
};

/* Incoming UDP to one of our groups (on this interface, or joined
 * without one): the wire's count per source. */
static void wire_udp(struct wire_ctx *x, const struct mc_capture_frame *f,
                     const struct mc_wire_pkt *p)
{
    struct mc_monitor *m = x->m;
    char ga[MC_ADDR_STRLEN], sa[MC_ADDR_STRLEN];
    struct group *g;
    int flags;

    if (p->dir != MC_WIRE_DIR_IN)
        return; /* the host's own: never counted on the wire */
    g = wire_group(m, x->w->ifindex, &p->dst, p->udp.dport);
    if (g == NULL) {
        m->c.wire_udp_other++;
        return;
    }
    m->c.wire_udp++;
    wsrc_count(g, &p->src);
    flags = mc_group_stats_wire(g->stats, &p->src, p->udp.len,
                                frame_mono(x->clk, &f->ts));
    if (flags & MC_RX_NEW_SOURCE)
        log_event(m, MC_EV_INFO, "%s port %u: new source %s on the wire",
                  mc_addr_format(&g->group, ga, sizeof ga), (unsigned)g->port,
                  mc_addr_format(&p->src, sa, sizeof sa));
}

static void wire_msg(struct wire_ctx *x, const struct mc_capture_frame *f,
                     const struct mc_wire_pkt *p)
{
    char text[WIRE_TEXT_MAX];

    x->m->c.wire_msgs++;
    msg_text(x->w->ifname, p, text, sizeof text);
    wmsg_add(x->m, x->w->ifname, p, frame_mono(x->clk, &f->ts), text);
    wire_event(x->m, "%s", text);
}

static void wire_malformed(struct wire_ctx *x, const struct mc_wire_pkt *p)
{
    char from[MC_ADDR_STRLEN + 8];

    x->m->c.wire_malformed++;
    wire_event(x->m, "%s %s malformed frame%s: %s", dir_arrow(p->dir),
               x->w->ifname, from_text(p, from, sizeof from),
               p->reason != NULL ? p->reason : "?");
}

/* mc_capture_fn: one frame of one of the monitor's captures. */
static void on_frame(const struct mc_capture_frame *f,
                     const struct mc_wire_pkt *p, void *arg)
{
    struct wire_ctx *x = arg;

    x->m->c.wire_frames++;
    if (p->status == MC_WIRE_MALFORMED) {
        wire_malformed(x, p);
        return;
    }
    if (p->status != MC_WIRE_OK) {
        x->m->c.wire_not_ip++;
        return;
    }
    if (p->kind == MC_WIRE_KIND_UDP)
        wire_udp(x, f, p);
    else if (p->kind == MC_WIRE_KIND_MLD || p->kind == MC_WIRE_KIND_IGMP)
        wire_msg(x, f, p);
}

/* Read what capture k of w holds.  A capture that fails is closed (the
 * interface went away, or libpcap gave up) and the error logged. */
static uint64_t wcap_drain(struct mc_monitor *m, struct wcap *w, int k,
                           const struct rx_clock *clk)
{
    struct wire_ctx x = {m, w, clk};
    struct mc_err err;
    int n;

    if (w->c[k] == NULL)
        return 0;
    n = mc_capture_dispatch(w->c[k], on_frame, &x, &err);
    if (n >= 0)
        return (uint64_t)n;
    m->c.errors++;
    log_event(m, MC_EV_ERROR, "%s", err.msg);
    wcap_stop(m, w, "it failed");
    return 0;
}

static struct wcap *fd_wcap(struct mc_monitor *m, int fd, int *k)
{
    for (size_t i = 0; i < m->nwc; i++)
        for (int j = 0; j < 2; j++)
            if (m->wc[i].c[j] != NULL && mc_capture_fd(m->wc[i].c[j]) == fd) {
                *k = j;
                return &m->wc[i];
            }
    return NULL;
}

static uint64_t wcap_drain_all(struct mc_monitor *m, const struct rx_clock *clk)
{
    uint64_t got = 0;

    for (size_t i = 0; i < m->nwc; i++)
        for (int k = 0; k < 2; k++)
            got += wcap_drain(m, &m->wc[i], k, clk);
    return got;
}

static void wire_free(struct mc_monitor *m)
{
    for (size_t i = 0; i < m->nwc; i++) {
        if (m->wc[i].file != NULL && !m->wc[i].file_done)
            mc_capture_dump_close(m->wc[i].c[0], NULL);
        mc_capture_close(m->wc[i].c[0]);
        mc_capture_close(m->wc[i].c[1]);
        free(m->wc[i].file);
    }
    free(m->wc);
    if (m->wm != NULL)
        for (size_t i = 0; i < m->wmcount; i++)
            wmsg_free(&m->wm[(m->wmhead + i) % m->wmmax]);
    free(m->wm);
    free(m->pcap_file);
}

/* ---- commands ---- */

static bool is_join(enum mc_member_op op)
{
    return op == MC_OP_JOIN || op == MC_OP_JOIN_SOURCE;
}

/* A capture opened for a join that then failed closes at once, unless
 * another group uses its interface or it writes a file (kept until pcap
 * off, as always). */
static void unopen(struct mc_monitor *m, bool opened, unsigned ifindex)
{
    struct wcap *w = find_wcap(m, ifindex);

    if (opened && w != NULL && !iface_in_use(m, ifindex) &&
        (w->file == NULL || w->file_done))
        wcap_stop(m, w, "the join failed");
}

static int apply_member(struct mc_monitor *m, const struct mc_cmd_member *c,
                        struct mc_err *err)
{
    const struct mc_addr *src = c->source.family != 0 ? &c->source : NULL;
    bool pre_opened = false;
    struct listener *L;
    struct group *g;
    unsigned ifindex = 0;
    int rc;

    if (c->ifname[0] != '\0') {
        rc = mc_ifindex(c->ifname, &ifindex, err);
        if (rc < 0)
            return rc;
    }
    /* With pcap on, the capture opens before the join, so that it sees
     * the join's first report (the kernel sends it at once). */
    if (m->pcap_auto && is_join(c->op) && ifindex != 0)
        pre_opened = sync_open(m, ifindex, c->ifname);
    L = find_listener(m, c->group.family, c->port);
    if (L == NULL && !is_join(c->op))
        /* No socket on that port: nothing there is joined.  The text is
         * the one the kernel's answer would get. */
        return mc_member_explain(EADDRNOTAVAIL, c->op, ifindex, &c->group, src,
                                 MC_MODE_NONE, err);
    if (L == NULL) {
        rc = open_listener(m, c->group.family, c->port, &L, err);
        if (rc < 0) {
            unopen(m, pre_opened, ifindex);
            return rc;
        }
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
    if (rc < 0)
        unopen(m, pre_opened, ifindex);
    /* A port with nothing joined needs no socket (and frees the port). */
    if (mc_listener_ngroups(L->l) == 0)
        close_listener(m, L);
    sync_dropmarks(m);
    m->last_hit = NULL;
    m->wire_hit = NULL;
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
    struct mc_send_args args;
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
    mc_send_args_from_cmd(c, &args);
    rc = mc_sender_new(&args, &m->env[fam_slot(c->group.family)], now, &s, err);
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
        rc = apply_pcap(m, &cmd->pcap, err);
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
     * or a send whose count was 1), the captures it opened or closed. */
    log_ended(m);
    wire_sync(m);
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

/* The drops of a socket go to the groups of its port too (they name a
 * difference between wire and socket). */
static void group_drops(struct mc_monitor *m, int fd, uint64_t n)
{
    struct listener *L = fd_listener(m, fd);

    for (size_t i = 0; L != NULL && i < m->ng; i++)
        if (m->g[i]->family == L->family && m->g[i]->port == L->port)
            m->g[i]->sock_drops += n;
}

static void note_drops(struct mc_monitor *m, int fd, uint32_t drops)
{
    for (size_t i = 0; i < m->ndm; i++) {
        if (m->dm[i].fd != fd)
            continue;
        /* A cumulative counter (socket(7) SO_RXQ_OVFL): count the rise. */
        if (drops > m->dm[i].last) {
            m->c.socket_drops += drops - m->dm[i].last;
            group_drops(m, fd, drops - m->dm[i].last);
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

/* The packet's monotonic time from its real time (the kernel's stamp,
 * or the read's when it had none), never later than now. */
static int64_t pkt_mono(const struct rx_clock *clk, int64_t real)
{
    int64_t mono = real - (clk->real_now - clk->mono_now);

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

/* Keep the packet in the group's ring of the last ones: one store, only
 * what its control data carried. */
static void record_recent(struct group *g, const struct mc_pkt *p,
                          bool is_probe, uint64_t seq, int64_t mono,
                          int64_t real)
{
    const struct mc_cmsg *cm = &p->cm;

    g->recent[g->recent_next] = (struct mc_pkt_record){
        .mono_ns = mono,
        .real_ns = real,
        .src = cm->src,
        .src_port = p->src_port,
        .dst = cm->dst,
        .ifindex = cm->ifindex,
        .hoplimit = cm->have & MC_CM_HOPLIMIT ? cm->hoplimit : -1,
        .tclass = cm->have & MC_CM_TCLASS ? cm->tclass : -1,
        .mtu = cm->have & MC_CM_PATHMTU ? cm->mtu : 0,
        .have = cm->have,
        .len = p->wire_len,
        .trunc = cm->trunc,
        .is_probe = is_probe,
        .seq = seq,
    };
    g->recent_next = (g->recent_next + 1) % MC_MON_RECENT_PACKETS;
    if (g->nrecent < MC_MON_RECENT_PACKETS)
        g->nrecent++;
}

static void handle_pkt(struct mc_monitor *m, int fd, uint16_t port,
                       const struct mc_pkt *p, const struct rx_clock *clk)
{
    struct mc_probe probe;
    struct group *g;
    bool is_probe;
    int64_t mono, real;
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
    real = mc_stats_rx_real_ns(&p->cm, clk->real_now);
    mono = pkt_mono(clk, real);
    record_recent(g, p, is_probe, is_probe ? probe.seq : 0, mono, real);
    flags = mc_group_stats_rx(g->stats, &p->cm, p->wire_len,
                              is_probe ? &probe : NULL, mono, real);
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
    for (size_t i = 0; i < m->nwc; i++)
        if (m->wc[i].linger_ns != 0 && m->wc[i].linger_ns < t)
            t = m->wc[i].linger_ns;
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
    /* The captures rest with the sockets: one holdoff gathers both. */
    for (size_t i = 0; i < m->nwc; i++) {
        for (int j = 0; j < 2; j++) {
            int fd = m->wc[i].c[j] != NULL ? mc_capture_fd(m->wc[i].c[j]) : -1;

            if (fd < 0)
                continue;
            if (k < cap) {
                fds[k].fd = fd;
                fds[k].events = POLLIN;
                fds[k].revents = 0;
            }
            k++;
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
        struct wcap *w;
        int k;

        if (fds[i].revents == 0)
            continue;
        if (fds[i].fd == m->tfd) {
            read_timer(m);
            continue;
        }
        L = fd_listener(m, fds[i].fd);
        if (L != NULL)
            got += drain_fd(m, fds[i].fd, L->port, &clk);
        else if ((w = fd_wcap(m, fds[i].fd, &k)) != NULL)
            got += wcap_drain(m, w, k, &clk);
    }
    if (m->holding && clk.mono_now >= m->holdoff_until_ns) {
        /* The holdoff is over: read what came meanwhile right away,
         * rather than after one more trip through poll(). */
        m->holding = false;
        got += drain_all(m, &clk);
        got += wcap_drain_all(m, &clk);
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
        wire_event_tick(m);
    }
    wire_linger(m, clk.mono_now);
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
    m->wmmax =
        m->o.max_reports != 0 ? m->o.max_reports : MC_MON_DEFAULT_REPORTS;
    m->wm = calloc(m->wmmax, sizeof *m->wm);
    if (m->ev == NULL || m->rx == NULL || m->wm == NULL) {
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
    wire_free(m);
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
    out->wire = g->wired;
    out->wire_now = covered(m, g);
    out->socket_drops = g->sock_drops;
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

size_t mc_monitor_recent_packets(const struct mc_monitor *m, size_t group_index,
                                 struct mc_pkt_record *out, size_t n)
{
    const struct group *g;
    size_t k;

    if (m == NULL || group_index >= m->ng || out == NULL)
        return 0;
    g = m->g[group_index];
    for (k = 0; k < n && k < g->nrecent; k++)
        out[k] = g->recent[(g->recent_next + MC_MON_RECENT_PACKETS - 1 - k) %
                           MC_MON_RECENT_PACKETS];
    return k;
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
    out->pcap = m->pcap_auto;
    out->captures_open = captures_open(m);
    out->pcap_file = m->pcap_file;
}

void mc_monitor_counters(const struct mc_monitor *m,
                         struct mc_monitor_counters *out)
{
    struct mc_capture_stats s;

    *out = m->c;
    out->wire_dropped = 0;
    for (size_t i = 0; i < m->nwc; i++) {
        wcap_stats(&m->wc[i], &s);
        out->wire_dropped += s.dropped;
    }
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

/* ---- views: the wire cross-check ---- */

size_t mc_monitor_ncaptures(const struct mc_monitor *m)
{
    size_t n = 0;

    for (size_t i = 0; i < m->nwc; i++)
        n += m->wc[i].opened_ns != 0;
    return n;
}

int mc_monitor_capture(const struct mc_monitor *m, size_t i,
                       struct mc_capture_view *out)
{
    const struct wcap *w = NULL;

    for (size_t k = 0, seen = 0; k < m->nwc && w == NULL; k++)
        if (m->wc[k].opened_ns != 0 && seen++ == i)
            w = &m->wc[k];
    if (w == NULL)
        return -ENOENT;
    memset(out, 0, sizeof *out);
    memcpy(out->ifname, w->ifname, sizeof out->ifname);
    out->ifindex = w->ifindex;
    out->open = wcap_open(w);
    out->named = w->named;
    out->split = w->split;
    out->file = w->file;
    wcap_stats(w, &out->stats);
    out->opened_ns = w->opened_ns;
    out->closed_ns = w->closed_ns;
    return 0;
}

/* The class that counted most (ties: excluded, not included, not
 * joined); NULL when none counted. */
static const char *filter_note(const struct wsrc *w)
{
    if (w == NULL || w->excluded + w->not_included + w->not_joined == 0)
        return NULL;
    if (w->excluded >= w->not_included && w->excluded >= w->not_joined)
        return MC_NOTE_EXCLUDED;
    if (w->not_included >= w->not_joined)
        return MC_NOTE_NOT_INCLUDED;
    return MC_NOTE_NOT_JOINED;
}

/* Why wire and socket differ for a source (see monitor.h). */
static const char *wire_note(const struct group *g, const struct mc_counters *c,
                             const struct wsrc *w)
{
    uint64_t gap, why;

    if (!g->wired)
        return NULL;
    if (c->packets > c->wire_packets)
        return MC_NOTE_WIRE_FEWER;
    if (c->packets == c->wire_packets)
        return NULL;
    gap = c->wire_packets - c->packets;
    why = w != NULL ? w->excluded + w->not_included + w->not_joined : 0;
    if (why > 0 && (why >= gap || g->sock_drops == 0))
        return filter_note(w);
    return g->sock_drops > 0 ? MC_NOTE_DROPPED : MC_NOTE_UNDELIVERED;
}

int mc_monitor_source_wire(const struct mc_monitor *m, size_t i,
                           const struct mc_addr *src,
                           struct mc_source_wire *out)
{
    const struct mc_source_stats *s;
    const struct mc_counters *c;
    const struct wsrc *w;
    const struct group *g;

    if (i >= m->ng || src == NULL)
        return -ENOENT;
    g = m->g[i];
    s = mc_group_stats_lookup(g->stats, src);
    if (s == NULL)
        return -ENOENT;
    c = mc_source_counters(s);
    w = wsrc_find(g, src);
    memset(out, 0, sizeof *out);
    out->packets = c->packets;
    out->wire_packets = c->wire_packets;
    if (w != NULL) {
        out->excluded = w->excluded;
        out->not_included = w->not_included;
        out->not_joined = w->not_joined;
    }
    out->socket_drops = g->sock_drops;
    out->note = wire_note(g, c, w);
    return 0;
}

const char *mc_monitor_wire_note(const struct mc_monitor *m, size_t i,
                                 const struct mc_addr *src)
{
    struct mc_source_wire sw;

    if (mc_monitor_source_wire(m, i, src, &sw) < 0)
        return NULL;
    return sw.note;
}

size_t mc_monitor_nwiremsgs(const struct mc_monitor *m)
{
    return m->wmcount;
}

int mc_monitor_wiremsg(const struct mc_monitor *m, size_t i,
                       struct mc_wiremsg_view *out)
{
    if (i >= m->wmcount)
        return -ENOENT;
    *out = m->wm[(m->wmhead + i) % m->wmmax].v;
    return 0;
}

/* ---- views: the kernel's state next to the model ---- */

int mc_kernel_snapshot_read(struct mc_kernel_snapshot *s, struct mc_err *err)
{
    struct mc_err e[4];
    int rc[4], worked = 0;

    memset(s, 0, sizeof *s);
    mc_err_clear(err);
    rc[0] = mc_kstate_read_groups(AF_INET6, &s->groups6, &e[0]);
    rc[1] = mc_kstate_read_sources(AF_INET6, &s->sources6, &e[1]);
    rc[2] = mc_kstate_read_groups(AF_INET, &s->groups4, &e[2]);
    rc[3] = mc_kstate_read_sources(AF_INET, &s->sources4, &e[3]);
    for (int i = 0; i < 4; i++) {
        if (rc[i] == 0)
            worked++;
        else if (err != NULL && err->code == 0)
            *err = e[i];
    }
    return worked > 0 ? 0 : rc[0];
}

void mc_kernel_snapshot_free(struct mc_kernel_snapshot *s)
{
    mc_kgroups_free(&s->groups6);
    mc_kgroups_free(&s->groups4);
    mc_ksources_free(&s->sources6);
    mc_ksources_free(&s->sources4);
}

void mc_group_kernel_free(struct mc_group_kernel *k)
{
    mc_filter_free(&k->filter);
    free(k->proc_sources);
    k->proc_sources = NULL;
    k->nproc_sources = 0;
}

/* "exclude{a,b}", "asm", "none" into buf. */
static const char *describe_filter(enum mc_filter_mode mode,
                                   const struct mc_addr *src, size_t n,
                                   char *buf, size_t len)
{
    char a[MC_ADDR_STRLEN];
    size_t used;

    snprintf(buf, len, "%s", mc_filter_mode_name(mode));
    for (size_t i = 0; i < n; i++) {
        used = strlen(buf);
        snprintf(buf + used, len - used, "%c%s", i == 0 ? '{' : ',',
                 mc_addr_format(&src[i], a, sizeof a));
    }
    used = strlen(buf);
    if (n > 0 && used + 1 < len)
        snprintf(buf + used, len - used, "}");
    return buf;
}

static bool same_sources(const struct group *g, const struct mc_filter *f)
{
    size_t held = f->nsources < f->cap ? f->nsources : f->cap;

    if (f->nsources != g->nsrc)
        return false;
    for (size_t i = 0; i < held; i++)
        if (src_index(g, &f->sources[i]) == (size_t)-1)
            return false;
    return true;
}

/* The interface's rows of g from a snapshot. */
static int proc_rows(const struct group *g, const struct mc_kernel_snapshot *s,
                     struct mc_group_kernel *k)
{
    const struct mc_kgroups *gs =
        g->family == AF_INET6 ? &s->groups6 : &s->groups4;
    const struct mc_ksources *ss =
        g->family == AF_INET6 ? &s->sources6 : &s->sources4;
    const struct mc_kgroup *row = mc_kgroups_find(gs, g->ifindex, &g->group);
    unsigned ifindex = row != NULL ? row->ifindex : g->ifindex;

    if (row != NULL) {
        k->in_proc = true;
        k->proc = *row;
    }
    for (size_t i = 0; i < ss->n; i++) {
        const struct mc_ksource *r = &ss->v[i];
        struct mc_ksource *v;

        if (!mc_addr_equal(&r->group, &g->group) ||
            (ifindex != 0 && r->ifindex != ifindex))
            continue;
        v = realloc(k->proc_sources,
                    (k->nproc_sources + 1) * sizeof *k->proc_sources);
        if (v == NULL)
            return -ENOMEM;
        k->proc_sources = v;
        v[k->nproc_sources++] = *r;
    }
    return 0;
}

static const struct mc_ksource *proc_source(const struct mc_group_kernel *k,
                                            const struct mc_addr *src)
{
    for (size_t i = 0; i < k->nproc_sources; i++)
        if (mc_addr_equal(&k->proc_sources[i].source, src))
            return &k->proc_sources[i];
    return NULL;
}

/* While joined: the interface holds the group, and a row for every
 * source asked, in the mode asked.  Returns a source that lacks one. */
static const struct mc_addr *proc_lacks(const struct group *g,
                                        const struct mc_group_kernel *k)
{
    for (size_t i = 0; i < g->nsrc; i++) {
        const struct mc_ksource *r = proc_source(k, &g->src[i]);

        if (r == NULL || (g->mode == MC_MODE_EXCLUDE && r->exc == 0) ||
            (g->mode == MC_MODE_INCLUDE && r->inc == 0))
            return &g->src[i];
    }
    return NULL;
}

static void check_mismatch(const struct group *g, struct mc_group_kernel *k)
{
    const char *file =
        g->family == AF_INET6 ? "/proc/net/igmp6" : "/proc/net/igmp";
    char asked[140], held[140]; /* both fit mismatch_text */
    char a[MC_ADDR_STRLEN];
    const struct mc_addr *lack;
    size_t n =
        k->filter.nsources < k->filter.cap ? k->filter.nsources : k->filter.cap;

    if (k->filter.mode != g->mode || !same_sources(g, &k->filter)) {
        describe_filter(g->mode, g->src, g->nsrc, asked, sizeof asked);
        describe_filter(k->filter.mode, k->filter.sources, n, held,
                        sizeof held);
        snprintf(k->mismatch_text, sizeof k->mismatch_text,
                 "mcscope asked %s, the socket holds %s", asked, held);
    } else if (g->joined && !k->in_proc) {
        snprintf(k->mismatch_text, sizeof k->mismatch_text,
                 "joined, but %s shows no membership of %s on %s", file,
                 mc_addr_format(&g->group, a, sizeof a),
                 g->ifname[0] != '\0' ? g->ifname : "any interface");
    } else if (g->joined && (lack = proc_lacks(g, k)) != NULL) {
        snprintf(k->mismatch_text, sizeof k->mismatch_text,
                 "%s asked, but %s shows no %s row for %s",
                 mc_filter_mode_name(g->mode),
                 g->family == AF_INET6 ? "/proc/net/mcfilter6"
                                       : "/proc/net/mcfilter",
                 g->mode == MC_MODE_EXCLUDE ? "exclude" : "include",
                 mc_addr_format(lack, a, sizeof a));
    } else {
        return;
    }
    k->mismatch = true;
}

int mc_monitor_group_kernel(const struct mc_monitor *m, size_t i,
                            const struct mc_kernel_snapshot *snap,
                            struct mc_group_kernel *out, struct mc_err *err)
{
    struct mc_kernel_snapshot local;
    int rc;

    memset(out, 0, sizeof *out);
    rc = mc_monitor_group_kernel_filter(m, i, &out->filter, err);
    if (rc < 0)
        return rc;
    if (snap == NULL) {
        mc_kernel_snapshot_read(&local, NULL);
        rc = proc_rows(m->g[i], &local, out);
        mc_kernel_snapshot_free(&local);
    } else {
        rc = proc_rows(m->g[i], snap, out);
    }
    if (rc < 0) {
        mc_group_kernel_free(out);
        return mc_err_set(err, rc, "out of memory for the kernel's rows");
    }
    check_mismatch(m->g[i], out);
    return 0;
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
