/*
 * mcscope core: the monitor's private header (tmux.h-style).  The one
 * struct mc_monitor and its parts, then, per file, what that file offers
 * the others (mc__ names).  Not installed; only core/monitor*.c include it.
 *
 * The files, from the bottom up (a file calls only files below it):
 *   monitor_events.c  the event log
 *   monitor_group.c   group records (and their hash), their sources as
 *                     asked, the filter verdict, the wire counts it
 *                     explains, the ring of the last packets, drops per
 *                     port
 *   monitor_listen.c  the receive sockets: one listener per (family,
 *                     port); the fd table (the owner of each polled fd)
 *   monitor_host.c    the host around: other processes' sockets on the
 *                     joined ports (apps.h), datagrams for no group
 *   monitor_wire.c    the monitor's side of the wire cross-check
 *                     (wirecheck.h): its answers and its views
 *   monitor_send.c    senders: send, stop-send, their ends in the log
 *   monitor_rx.c      the receive path: drain, attribute, count
 *   monitor_kernel.c  the kernel check: the kernel's view of a group, and
 *                     the snapshot the monitor keeps for drawing
 *   monitor_apply.c   commands: exec_line, apply, set, cmsg, membership
 *   monitor.c         making and freeing, one loop step, the views
 */
#ifndef MCSCOPE_MONITOR_PRIV_H
#define MCSCOPE_MONITOR_PRIV_H

#include <stdlib.h>
#include <time.h>

#include "mcscope/io.h"
#include "mcscope/monitor.h"
#include "mcscope/wirecheck.h"
#include "util.h"

enum { F6, F4, NFAM }; /* family slots */

static inline int fam_slot(int family)
{
    return family == AF_INET6 ? F6 : F4;
}

/* Wire packets of one source that came while the filter as asked kept it
 * out, by why (they name the difference between wire and socket). */
struct wsrc {
    struct mc_addr a;
    uint64_t excluded, not_included, not_joined;
};

/* Packets the receive sockets of one (family, port) dropped (SO_RXQ_OVFL)
 * over the monitor's life; kept while the monitor lives (a group left
 * keeps counting when the port is opened again).  other_dst: datagrams
 * the port's wildcard socket (`bind any`) took whose destination is no
 * group record bound to the wildcard on the port (the port's unicast;
 * with multicast-all on, groups that other sockets of the host joined). */
struct portdrops {
    int family;
    uint16_t port;
    uint64_t total;
    uint64_t other_dst;
};

/* One group record: (family, group, ifindex, port, any).  any: the
 * record of a socket bound to the wildcard (`bind any`), next to which
 * the same group, interface and port may have a record bound to the group
 * (passive, or wire-only): two listeners, each with its own counts. */
struct group {
    int family;
    struct mc_addr group;
    unsigned ifindex;
    char ifname[IF_NAMESIZE];
    uint16_t port;
    bool any;
    enum mc_filter_mode mode;
    bool joined;
    /* ASM by an exclude list emptied again (include-source of its last
     * source): the kernel keeps the empty list, so join-source is refused
     * where a fresh join would switch to include mode. */
    bool emptied;
    struct mc_addr *src; /* as asked */
    size_t nsrc, capsrc;
    struct mc_group_stats *stats;
    int64_t first_join_ns, left_ns;
    bool wired; /* a capture covered its interface */
    enum mc_binding binding;
    int holder_pid; /* MC_BIND_WIRE_ONLY: the process holding the port */
    char holder_comm[16];
    struct portdrops *pd; /* its port's drops; NULL: out of memory */
    uint64_t pd_base;     /* pd->total when it was made */
    uint64_t other_base;  /* pd->other_dst when it was made */
    uint64_t reflected;   /* probes sent back (reflect on) */
    struct wsrc *ws;      /* sources the filter kept out, capped */
    size_t nws, capws;
    /* The last packets: a ring of MC_MON_RECENT_PACKETS made by the first
     * packet (NULL before, and after a reset or out of memory),
     * recent_next the slot written next. */
    struct mc_pkt_record *recent;
    unsigned nrecent, recent_next;
};

/* What one drain knows about the clocks. */
struct rx_clock {
    int64_t mono_now;
    int64_t real_now;
};

/* What a listener is bound to: (family, port) and the group address
 * (passive; scope: the interface a link-scope IPv6 group needs), or the
 * wildcard (any, `bind any`). */
struct lkey {
    int family;
    uint16_t port;
    bool any;
    bool wire;            /* bind wire: port 0 of the group from the start */
    struct mc_addr group; /* !any */
    unsigned scope;       /* !any: the bind's scope id, 0: none needed */
};

struct listener {
    struct mc_listener *l;
    int family;
    uint16_t port;
    struct lkey key;
    /* The port was held without SO_REUSEADDR (EADDRINUSE): the sockets
     * hold the memberships bound to port 0 (they receive nothing of the
     * port) and the captures count the group; holder_* name the process
     * holding the port (pid 0: not found). */
    bool wire_only;
    int holder_pid;
    char holder_comm[16];
    struct portdrops *pd; /* NULL: out of memory, drops uncounted */
    int *fds;             /* its sockets as the fd table holds them */
    size_t nfds, capfds;
    size_t at;              /* its index in m->ls */
    struct listener *hnext; /* the next in its chain of m->lh */
};

/*
 * Who owns a polled descriptor: the fd table is indexed by fd, so that a
 * readiness event goes straight to its owner.
 */
enum fd_kind { FD_NONE, FD_LISTENER, FD_CAPTURE };
struct fdowner {
    enum fd_kind kind;
    bool seen;           /* while a listener's sockets are synced */
    struct listener *L;  /* FD_LISTENER */
    uint32_t drops_last; /* FD_LISTENER: the last SO_RXQ_OVFL value */
    uint64_t ino;        /* FD_LISTENER: the socket's inode (0: unknown) */
    unsigned handle;     /* FD_CAPTURE: wirecheck's handle */
};

/* Datagrams for no joined group, of one destination and path. */
struct stray {
    int family;
    struct mc_addr dst;
    uint16_t port;
    bool wire;
    uint64_t packets, bytes;
};

/* A sender and whether its end is in the log yet. */
struct sender_slot {
    struct mc_sender *s;
    bool end_logged;
};

/* An event of the log: e's strings point to the copies next to it. */
struct event {
    struct mc_event e;
    char *detail, *why;
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

    struct listener **ls;
    size_t nls, capls;
    struct listener **lh; /* hash of ls by key: chains through hnext */
    size_t lhcap;         /* a power of two, >= nls; 0: none yet */
    struct portdrops **pd;
    size_t npd, cappd;
    struct fdowner *fdo; /* indexed by fd */
    size_t nfdo;
    size_t nowned;   /* entries of fdo in use: the fds epfd watches */
    int epfd;        /* epoll: readiness of every receive socket and capture */
    uint64_t wc_gen; /* the wirecheck generation fdo holds */
    struct group **g;
    size_t ng, capg;
    struct group **gh;      /* hash of g by (group, ifindex, port, any) */
    size_t ghcap;           /* a power of two, >= 2 * ng; 0: none yet */
    struct group *last_hit; /* attribution cache */
    struct group *wire_hit; /* the same for the captures */
    struct sender_slot *snd;
    size_t nsnd, capsnd;
    struct mc_rxbatch *rx;

    struct event *ev;
    size_t evhead, evcount;
    uint64_t evseq;
    uint64_t cmd_seq; /* the last command's own event; 0: none */

    struct mc_wirecheck *wc;
    /* The interfaces joined groups use (monitor_wire.c), in the order
     * they were first used, with how many joined groups use each; kept
     * as groups join and leave, so that no command scans every group. */
    struct mc_wire_iface *ifu;
    size_t *ifu_n;
    size_t nifu, capifu;
    bool wire_dirty;       /* the interfaces changed since the last sync */
    struct mc__link *link; /* monitor_link.c */
    struct mc_tcp *tcp;    /* monitor_tcp.c; NULL until used */
    int64_t tcp_next_ns;   /* its next step (valid when tcp) */
    /* reflect on [dev IFACE] (monitor_rx.c): NULL when off */
    struct mc_reflector *reflector;
    char reflect_ifname[IF_NAMESIZE]; /* "": every interface */
    mc_monitor_host_fn host_fn;       /* on HOST (mc_monitor_set_hosts) */
    void *host_arg;
    struct mc_querier *qr; /* monitor_querier.c */
    struct mc__diag *diag; /* monitor_diag.c: the diagnoses */
    /* CLOCK_REALTIME - CLOCK_MONOTONIC of this dispatch's clocks (the
     * frames' times went through them); 0: outside a dispatch */
    int64_t real_off;

    /* The host around (monitor_host.c): other processes' sockets on the
     * joined ports (sorted by inode, mcscope's own included), and the
     * datagrams for no joined group; stray_other: [0] sockets, [1] wire. */
    struct mc_app *apps; /* every socket on the ports: the names' cache */
    size_t napps;
    struct mc_app *others; /* of other processes only: the views */
    size_t nothers;
    unsigned apps_wait; /* ticks to the next read of the sockets */
    struct stray stray[MC_MON_STRAYS];
    size_t nstray;
    struct stray stray_other[2];

    /* The kernel's view (monitor_kernel.c): valid when ktaken_ns != 0. */
    struct mc_kernel_snapshot ksnap;
    struct mc_group_kernel *kview;
    size_t nkview;
    int64_t ktaken_ns;
    uint64_t kcommands; /* c.commands when it was taken */

    struct mc_monitor_counters c;
    int64_t start_ns, next_tick_ns, holdoff_until_ns, armed_ns;
    bool holding;
};

/* FNV-1a: h (2166136261u to start) over the bytes of a's address, then
 * over each of the n words more (the hashes of groups, listeners and the
 * kernel's rows). */
static inline uint32_t mc__fnv_addr(const struct mc_addr *a,
                                    const uint32_t *more, size_t n)
{
    const uint8_t *b =
        a->family == AF_INET6 ? a->u.v6.s6_addr : (const uint8_t *)&a->u.v4;
    size_t len = a->family == AF_INET6 ? 16 : 4;
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * 16777619u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ more[i]) * 16777619u;
    return h;
}

/* The owner of fd, NULL when the monitor has none there. */
static inline struct fdowner *mc__fd_owner(const struct mc_monitor *m, int fd)
{
    if (fd < 0 || (size_t)fd >= m->nfdo || m->fdo[fd].kind == FD_NONE)
        return NULL;
    return &m->fdo[fd];
}

/* monitor_tcp.c: tcp-listen, tcp-connect; what is ready, logged */
int mc__tcp_apply(struct mc_monitor *m, const struct mc_cmd *cmd,
                  struct mc_err *err);
void mc__tcp_step(struct mc_monitor *m);
int64_t mc__tcp_next_ns(const struct mc_monitor *m); /* INT64_MAX: none */
void mc__tcp_free(struct mc_monitor *m);

/* monitor_rx.c: reflect on|off */
int mc__reflect_apply(struct mc_monitor *m, const struct mc_cmd_pcap *c,
                      struct mc_err *err);

/* monitor_events.c */
/* Log a copy of ev (its seq and times are set here); returns its seq (0:
 * out of memory, not logged). */
uint64_t mc__log(struct mc_monitor *m, const struct mc_event *ev);
void mc__events_free(struct mc_monitor *m);

/* monitor_group.c */
/* reset [GROUP] (monitor_reset.c): the counts of the groups named start
 * again from zero.  0, or -ENOENT when no group is named so. */
int mc__monitor_reset(struct mc_monitor *m, const struct mc_cmd_reset *c,
                      struct mc_err *err);
struct group *mc__group_find(const struct mc_monitor *m,
                             const struct mc_addr *group, unsigned ifindex,
                             uint16_t port, bool any, bool loose);
/*
 * The record member command c addresses (ifindex resolved; loose as for
 * mc__group_find) into *out (NULL: none yet), and *any, the binding it
 * has or a join makes.  A join takes its `bind` (any, or the record bound
 * to the group); the other verbs the record `bind` names, or without the
 * word the one joined of the two.  -EINVAL with the refusal that names
 * both commands when both are joined and c does not say which.
 */
int mc__group_pick(const struct mc_monitor *m, const struct mc_cmd_member *c,
                   unsigned ifindex, bool loose, struct group **out, bool *any,
                   struct mc_err *err);
struct group *mc__group_twin(const struct mc_monitor *m, const struct group *g);
struct group *mc__group_new(struct mc_monitor *m, const struct mc_addr *grp,
                            unsigned ifindex, const char *ifname, uint16_t port,
                            bool any);
void mc__groups_free(struct mc_monitor *m);
uint64_t mc__group_sock_drops(const struct group *g);
uint64_t mc__group_other_dst(const struct group *g);
struct portdrops *mc__portdrops(struct mc_monitor *m, int family,
                                uint16_t port);
bool mc__group_has_source(const struct group *g, const struct mc_addr *a);
void mc__group_record_member(struct group *g, const struct mc_cmd_member *c,
                             int64_t now);
void mc__group_wire_count(struct group *g, const struct mc_addr *src);
void mc__group_record_pkt(struct group *g, const struct mc_pkt *p,
                          bool is_probe, uint64_t seq, int64_t mono,
                          int64_t real);

/* monitor_listen.c */
unsigned mc__cm_family_mask(int family);
void mc__lkey_group(struct lkey *k, const struct mc_addr *group,
                    unsigned ifindex, uint16_t port, enum mc_binding b);
struct listener *mc__listener_find(const struct mc_monitor *m,
                                   const struct lkey *k);
/* The listener holding g's membership (passive first), NULL: none. */
struct listener *mc__listener_of(const struct mc_monitor *m,
                                 const struct group *g);
int mc__listener_open(struct mc_monitor *m, const struct lkey *k,
                      struct listener **out, struct mc_err *err);
void mc__listener_close(struct mc_monitor *m, struct listener *L);
void mc__listener_sync(struct mc_monitor *m, struct listener *L);
void mc__listeners_free(struct mc_monitor *m);
/* A socket refused for want of descriptors (rc -EMFILE/-ENFILE): the
 * refusal that says how many, the limit and what to do. */
int mc__fd_shortfall(struct mc_monitor *m, int rc, struct mc_err *err);
/* 0 when two more descriptors can open (the soft limit raised when
 * needed, as far as needed, up to the hard limit), else that refusal. */
int mc__fd_headroom(struct mc_monitor *m, struct mc_err *err);
/* fd an entry of kind (its other fields cleared), watched by epfd. */
int mc__fd_set(struct mc_monitor *m, int fd, enum fd_kind kind);
/* fd's entry gone, and out of epfd (when it is still open). */
void mc__fd_clear(struct mc_monitor *m, int fd);

/* monitor_host.c */
void mc__apps_tick(struct mc_monitor *m);
void mc__stray_count(struct mc_monitor *m, bool wire, int family,
                     const struct mc_addr *dst, uint16_t port, uint64_t bytes);
void mc__host_free(struct mc_monitor *m);

/* monitor_wire.c */
int mc__wire_new(struct mc_monitor *m, struct mc_err *err);
int mc__wire_pcap(struct mc_monitor *m, const struct mc_cmd_pcap *c,
                  struct mc_err *err);
bool mc__wire_before_join(struct mc_monitor *m, unsigned ifindex,
                          const char *ifname);
void mc__wire_join_failed(struct mc_monitor *m, bool opened, unsigned ifindex);
/* After a sync, only what changed is synced again: */
void mc__wire_sync(struct mc_monitor *m);
/* g's joined state went from was to g->joined (its interface counted). */
void mc__wire_group_joined(struct mc_monitor *m, struct group *g, bool was);
void mc__wire_ifaces_free(struct mc_monitor *m);
bool mc__wire_covers(const struct mc_monitor *m, const struct group *g);
/* A wire-only group: capture its interface (named, or the route's);
 * ifname gets the interface. */
int mc__wire_watch(struct mc_monitor *m, const struct group *g,
                   char ifname[IF_NAMESIZE], struct mc_err *err);
void mc__wire_fds(struct mc_monitor *m);

/* monitor_querier.c: the querier timeline and the streams that stop */
int mc__querier_new(struct mc_monitor *m, struct mc_err *err);
void mc__querier_free(struct mc_monitor *m);
void mc__querier_capture_open(struct mc_monitor *m, const char *ifname);
void mc__querier_wire_msg(struct mc_monitor *m, const char *ifname,
                          const struct mc_wire_pkt *p, int64_t mono_ns);
void mc__querier_tick(struct mc_monitor *m, int64_t real_now);
void mc__querier_resumed(struct mc_monitor *m, const struct group *g,
                         const struct mc_cmsg *cm, int64_t real_ns,
                         int64_t gap_ns);

/* monitor_link.c */
struct mc__link;
struct mc__diag;
/* monitor_diag.c: `diagnose`; every diagnosis read anew on the tick. */
int mc__diag_apply(struct mc_monitor *m, const struct mc_cmd_diagnose *c,
                   struct mc_err *err);
void mc__diag_tick(struct mc_monitor *m, int64_t now);
void mc__diag_free(struct mc_monitor *m);
int mc__link_new(struct mc_monitor *m, struct mc_err *err);
void mc__link_free(struct mc_monitor *m);
void mc__link_wire_msg(struct mc_monitor *m, const char *ifname,
                       const struct mc_wire_pkt *p, int64_t mono_ns);
void mc__link_wire_udp(struct mc_monitor *m, const char *ifname,
                       const struct mc_wire_pkt *p, int64_t mono_ns);
int mc__link_watch(struct mc_monitor *m, enum mc_cmd_kind kind,
                   const struct mc_cmd_pcap *c, struct mc_err *err);
int mc__link_hook(struct mc_monitor *m, const struct mc_cmd_hook *h,
                  struct mc_err *err);
void mc__link_step(struct mc_monitor *m, int64_t now_ns);
/* The next hook command queued (false: none). */
bool mc__link_take_hook(struct mc_monitor *m, char line[MC_CMD_ECHO_MAX]);
int64_t mc__link_next_ns(const struct mc_monitor *m);

/* monitor_send.c */
int mc__send_apply(struct mc_monitor *m, const struct mc_cmd_send *c,
                   struct mc_err *err);
int mc__send_stop(struct mc_monitor *m, const struct mc_cmd_stop_send *c,
                  struct mc_err *err);
bool mc__send_log_ended(struct mc_monitor *m);
int mc__send_run(struct mc_monitor *m, int64_t now);
int64_t mc__send_next_ns(const struct mc_monitor *m);
void mc__send_free(struct mc_monitor *m);

/* monitor_rx.c */
uint64_t mc__rx_drain_fd(struct mc_monitor *m, int fd,
                         const struct rx_clock *clk);
/* Drain what epoll says is ready (sockets and captures). */
uint64_t mc__rx_drain_ready(struct mc_monitor *m, const struct rx_clock *clk);
/* On the tick: log the flows that fell silent (a gap starts). */
void mc__rx_check_silence(struct mc_monitor *m, const struct rx_clock *clk);

/* monitor_kernel.c */
void mc__kernel_free(struct mc_monitor *m);

/* monitor_apply.c */
int mc__settings_open(struct mc_monitor *m, struct mc_err *err);

#endif
