/*
 * mcscope core: the monitor — the state the TUI shows and scripts drive.
 *
 * One opaque struct mc_monitor owns:
 *  - listeners (member.h), one per (family, UDP port), opened by the first
 *    join on that port and closed when its last membership goes;
 *  - memberships: per (group, interface, port) the mode and source list as
 *    asked, kept in step with the kernel because every change goes through
 *    mc_listener_apply and is recorded only when the kernel took it;
 *  - settings (`set`): hop limits, traffic class, loopback, multicast
 *    interface on the senders' sockets (and on one unbound "settings"
 *    socket per family, from which they are read back for display);
 *    multicast-all on the receive sockets;
 *  - control-message flags (`cmsg`): the user's flags decide what is shown
 *    and which receive options are on, except that PKTINFO (MC_CM_DST and
 *    MC_CM_IFACE) always stays on: the monitor attributes every packet to
 *    a group by its destination and arrival interface;
 *  - senders (send.h), per-group statistics (stats.h) and an event log.
 *
 * Nothing here blocks, sleeps, prints or exits.  The caller owns the one
 * poll() (src/loop.c):
 *
 *     for (;;) {
 *         n = mc_monitor_pollfds(m, fds, cap);       // + the caller's fds
 *         poll(fds, n, mc_monitor_next_timeout_ms(m));
 *         flags = mc_monitor_dispatch(m, fds, n);     // redraw if CHANGED
 *     }
 *
 * The receive path is built for load (LAB.md: a wake-up costs about 4 us
 * per packet when every packet wakes the reader):
 *  - every readable socket is drained with recvmmsg (mc_rxbatch_recv) in
 *    batches of opts.batch (256) until it is empty;
 *  - each packet's time is the kernel's (SO_TIMESTAMPNS), not the read's;
 *  - after a drain that returned packets the data sockets are left out of
 *    the poll set for opts.holdoff_us (1 ms): the monitor's timerfd wakes
 *    the loop when the holdoff ends and the sockets are drained again right
 *    then.  So at 100,000 packets/s each wake-up drains about 100 packets,
 *    while an idle monitor sleeps in poll() until a packet comes or the
 *    1 s statistics tick (no busy-waiting).  The cost is up to one holdoff
 *    of extra latency, and the receive buffer must hold one holdoff of
 *    traffic: opts.rcvbuf (4 MiB, about 11,000 small packets) does.
 * SO_RXQ_OVFL is on, so packets the socket dropped are counted.
 *
 * Times are CLOCK_MONOTONIC nanoseconds unless named "real".
 */
#ifndef MCSCOPE_MONITOR_H
#define MCSCOPE_MONITOR_H

#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"
#include "mcscope/apps.h"
#include "mcscope/clock.h"
#include "mcscope/cmd.h"
#include "mcscope/diagnose.h"
#include "mcscope/err.h"
#include "mcscope/event.h"
#include "mcscope/kcheck.h"
#include "mcscope/kstate.h"
#include "mcscope/discover.h"
#include "mcscope/listeners.h"
#include "mcscope/sap.h"
#include "mcscope/member.h"
#include "mcscope/script.h" /* the script runner drives a monitor */
#include "mcscope/send.h"
#include "mcscope/sockopt.h" /* struct mc_family_settings */
#include "mcscope/stats.h"
#include "mcscope/wire.h"
#include "mcscope/wirecheck.h"

/* Defaults of struct mc_monitor_opts. */
#define MC_MON_DEFAULT_RCVBUF (4 << 20) /* bytes asked per receive socket */
#define MC_MON_DEFAULT_HOLDOFF_US 1000u /* 1 ms */
#define MC_MON_DEFAULT_BATCH 256u       /* packets per recvmmsg */
#define MC_MON_DEFAULT_SLOT 9216u       /* bytes stored per packet */
#define MC_MON_DEFAULT_EVENTS 1000u     /* event log entries kept */
#define MC_MON_TICK_NS MC_NS_PER_S      /* the statistics tick */

struct mc_monitor_opts {
    /* Receive buffer asked for every receive socket (SO_RCVBUFFORCE when
     * privileged, else SO_RCVBUF capped by net.core.rmem_max); 0 leaves
     * the kernel default. */
    int rcvbuf;
    /* After a drain that returned packets, the data sockets stay out of
     * poll() this long (0: poll them always, one wake-up per packet). */
    unsigned holdoff_us;
    unsigned batch;       /* packets per recvmmsg, 1..1024 */
    unsigned slot_size;   /* bytes kept per packet; longer ones count as
                             truncated (with their full length in bytes) */
    unsigned max_sources; /* tracked per group; 0: stats.h's default */
    unsigned max_events;  /* event log entries kept, >= 1 */
    /* MLD/IGMP messages kept in the wire's reports list (see "the wire
     * cross-check" below); 0: MC_MON_DEFAULT_REPORTS. */
    unsigned max_reports;
};

/* Fill opts with the defaults above. */
void mc_monitor_opts_init(struct mc_monitor_opts *opts);

struct mc_monitor; /* opaque */

/*
 * Make a monitor (opts NULL: the defaults).  It opens its timerfd and one
 * unbound UDP socket per family (the settings sockets) in the calling
 * thread's network namespace; every socket it opens later lives there too,
 * whatever namespace the thread is in then.  Free with mc_monitor_free.
 */
int mc_monitor_new(const struct mc_monitor_opts *opts, struct mc_monitor **out,
                   struct mc_err *err);
void mc_monitor_free(struct mc_monitor *m); /* closes everything; NULL ok */

/* ---- commands ---- */

/*
 * Parse a line with mc_cmd_parse and apply it.  A line the parser refuses
 * returns -EINVAL, changes nothing and is logged as MC_EV_REFUSED;
 * MC_CMD_NONE (blank, comment) returns 0 and logs nothing.  Otherwise as
 * mc_monitor_apply.  err (may be NULL) gets the text.
 */
int mc_monitor_exec_line(struct mc_monitor *m, const char *line,
                         struct mc_err *err);

/*
 * Apply a parsed command.  Every command is logged (MC_ET_COMMAND) with its
 * canonical text (mc_cmd_format) and its result: MC_EV_OK, or MC_EV_ERROR
 * with the explanation (rendered "TEXT: why"); mc_monitor_command_event
 * finds that entry.  A failed command changes nothing.  Returns 0
 * or a negative errno.  Run-time refusals include: an interface that does
 * not exist (ENODEV); leave/leave-source/exclude-source/include-source of
 * a group not joined (EADDRNOTAVAIL); a mode conflict (the kernel's answer
 * explained by member_explain.c); `set hoplimit 0` (-EINVAL: IPv4's TTL must be
 * 1..255); `pcap on` without CAP_NET_RAW (-EPERM, saying how to grant it;
 * see "the wire cross-check" below); `pcap off dev IFACE` with no capture
 * there (-ESRCH); a second sender to one group and port (-EBUSY);
 * stop-send with no sender (-ESRCH).
 *
 * wait does nothing here (the monitor never sleeps: script.h
 * times scripts) and echo logs its text as MC_EV_ECHO.
 */
int mc_monitor_apply(struct mc_monitor *m, const struct mc_cmd *cmd,
                     struct mc_err *err);

/*
 * on HOST COMMAND: who runs it.  The lab sets a handler that sends
 * COMMAND (canonical text) to HOST's mcscope and waits for its answer:
 * 0 with what the host said in reply ("set mcast-hoplimit 2"), or -errno
 * with the refusal in reply (an unknown host: which there are; the host's
 * own refusal).  The command's event carries the reply.  Without a
 * handler `on` is refused (-EHOSTUNREACH: no other host here).
 */
typedef int (*mc_monitor_host_fn)(void *arg, const char *host,
                                  const char *command, char *reply, size_t len);
void mc_monitor_set_hosts(struct mc_monitor *m, mc_monitor_host_fn fn,
                          void *arg);

/*
 * What can be known of cmd's fate before it runs (the prompt's live
 * check): -errno with the text running it would log when the monitor's
 * state shows the kernel will refuse it (a join of a group joined
 * already on that interface and port, an exclude-source of a source
 * blocked already, join-source in an exclude-mode membership, a
 * leave-source of a source not included, ...), or when apply's option
 * check refuses it (`set hoplimit 0`); 0 otherwise (it may still fail
 * when it runs).  An IPv6 group without an interface is left to the
 * kernel (it matches any interface).
 */
int mc_monitor_precheck(const struct mc_monitor *m, const struct mc_cmd *cmd,
                        struct mc_err *err);

/* ---- the event loop interface ---- */

/* mc_monitor_dispatch returns a combination of: */
#define MC_MON_PACKETS 0x1 /* counters moved (packets received or sent) */
#define MC_MON_EVENTS 0x2  /* the event log or the state changed */
#define MC_MON_TICK 0x4    /* a statistics tick (once a second) passed */
#define MC_MON_CHANGED (MC_MON_PACKETS | MC_MON_EVENTS | MC_MON_TICK)

/*
 * Write the monitor's pollfds into fds (at most cap): its timerfd, then,
 * unless a holdoff is running and while it has any, one epoll descriptor
 * that holds every receive socket (a socket per group and port) and
 * capture, so a wake-up touches only what is ready.  Returns how many it
 * needs (may exceed cap: call again with more room).  Valid until the
 * next command or dispatch.
 */
size_t mc_monitor_pollfds(struct mc_monitor *m, struct pollfd *fds, size_t cap);
/* The descriptors in that epoll set: receive sockets and captures. */
size_t mc_monitor_nwatched(const struct mc_monitor *m);

/* The poll() timeout: milliseconds until the monitor's next deadline
 * (tick, holdoff end, sender), rounded up; the timerfd fires then too. */
int mc_monitor_next_timeout_ms(const struct mc_monitor *m);

/*
 * Handle what poll() reported for the monitor's fds among fds[0..n) (other
 * fds are ignored; revents 0 is fine) and whatever fell due by now:
 * receive, tick, holdoff end, senders.  Returns MC_MON_* flags.
 */
int mc_monitor_dispatch(struct mc_monitor *m, const struct pollfd *fds,
                        size_t n);

/* ---- read-only views (valid until the next command or dispatch) ---- */

/* One group (group address + interface + port + binding) the monitor
 * joined during its life.  A group that was left stays, with its counts,
 * as mode MC_MODE_NONE; a new join of it counts on.  The same group,
 * interface and port may have two rows, one bound to the wildcard (`bind
 * any`) and one bound to the group (or wire-only): two listeners, each
 * counting what its own socket took. */
enum mc_binding {
    MC_BIND_GROUP,     /* a socket bound to the group address (passive) */
    MC_BIND_ANY,       /* a socket bound to the wildcard (bind any) */
    MC_BIND_WIRE_ONLY, /* the port is held: counted on the wire */
};
/* "group", "any", "wire-only". */
const char *mc_binding_name(enum mc_binding b);

struct mc_group_view {
    int family;
    struct mc_addr group;
    unsigned ifindex;         /* 0: the route chose */
    char ifname[IF_NAMESIZE]; /* as named; "" when ifindex is 0 */
    uint16_t port;
    enum mc_filter_mode mode; /* as asked; MC_MODE_NONE once left */
    bool joined;
    /* MC_MODE_ASM reached by emptying an exclude list again
     * (include-source of its last source), not by a join: the kernel
     * keeps the empty list, so join-source is refused (a fresh join
     * switches to include mode instead). */
    bool emptied;
    const struct mc_addr *sources; /* include or exclude list, as asked */
    size_t nsources;
    const struct mc_group_stats *stats;
    int64_t first_join_ns; /* the first join */
    int64_t left_ns;       /* the last leave, 0 while joined */
    /* The wire cross-check (see below).  wire: a capture covered the
     * group's interface at some time, so the wire counts in stats mean
     * something (JSON: wire_packets present); wire_now: one does now. */
    bool wire, wire_now;
    /* Packets the receive sockets of its port dropped (SO_RXQ_OVFL)
     * since the group was first joined. */
    uint64_t socket_drops;
    /* Probes sent back to their sources (reflect on, reflect.h). */
    uint64_t reflected;
    /* How mcscope receives the group (passive by default): its own
     * socket bound to the group address, the wildcard (`bind any`), or
     * wire-only: another process holds the port without SO_REUSEADDR, so
     * the group is counted on the wire (a capture) and holder_* name that
     * process (holder_pid 0: not found). */
    enum mc_binding binding;
    int holder_pid;
    char holder_comm[16];
    /* binding any: datagrams the port's wildcard socket took since the
     * group was first joined whose destination is no group of the port
     * bound to the wildcard (the port's unicast; with multicast-all on,
     * the groups other sockets of the host joined, this monitor's own
     * sockets bound to their group included).  The same datagrams count
     * for every such row of the port: they share the one socket.  0 for
     * the other bindings (their socket takes only its group). */
    uint64_t other_dst;
};
size_t mc_monitor_ngroups(const struct mc_monitor *m);

/*
 * The application's socket next to mcscope's: the k-th socket of another
 * process on group i's port (read from /proc on the monitor's tick, never
 * while drawing; apps.h).  receives: bound to the wildcard or to the
 * group, so it gets the group's datagrams when the host holds the
 * membership.  0, or -ENOENT past the end.
 */
struct mc_app_view {
    struct mc_app a;
    bool receives;
};
int mc_monitor_group_app(const struct mc_monitor *m, size_t i, size_t k,
                         struct mc_app_view *out);

/*
 * Datagrams for no joined group and port, by destination (address and
 * port) and by where they were seen (the sockets, or a capture on the
 * wire): at most MC_MON_STRAYS rows, the rest summed in one row with
 * other set.  0, or -ENOENT past the end.
 */
#define MC_MON_STRAYS 32
struct mc_stray_view {
    int family;
    struct mc_addr dst; /* unset (family 0) when the socket did not say */
    uint16_t port;
    bool wire;  /* seen by a capture (else by mcscope's sockets) */
    bool other; /* the rows beyond MC_MON_STRAYS, summed */
    uint64_t packets, bytes;
};
int mc_monitor_stray(const struct mc_monitor *m, size_t i,
                     struct mc_stray_view *out);
/* 0, or -ENOENT past the end. */
int mc_monitor_group(const struct mc_monitor *m, size_t i,
                     struct mc_group_view *out);
/*
 * The kernel's filter of group i as the socket holding it reads it back
 * (MCAST_MSFILTER): for checking that "as asked" is what the kernel holds.
 * A group not joined reads MC_MODE_NONE.  out->sources is allocated:
 * mc_filter_free.
 */
int mc_monitor_group_kernel_filter(const struct mc_monitor *m, size_t i,
                                   struct mc_filter *out, struct mc_err *err);

/*
 * The last packets received for a group: each group keeps the newest
 * MC_MON_RECENT_PACKETS in a ring (filled on the receive path, no
 * allocation).  A field counts only when `have` marks it, i.e. when the
 * packet's control data carried it (MC_CM_SRC: always, from msg_name;
 * MC_CM_DST and MC_CM_IFACE: always, PKTINFO stays on; MC_CM_TCLASS,
 * MC_CM_HOPLIMIT and MC_CM_PATHMTU: when their flag is on and the kernel
 * sent them).  Fields not carried hold -1 (hoplimit, tclass) or 0 (mtu).
 */
#define MC_MON_RECENT_PACKETS 16
struct mc_pkt_record {
    int64_t mono_ns; /* the kernel's receive time, CLOCK_MONOTONIC */
    int64_t real_ns; /* and CLOCK_REALTIME */
    struct mc_addr src;
    uint16_t src_port;
    struct mc_addr dst;
    unsigned ifindex;
    int hoplimit;
    int tclass;
    uint32_t mtu;
    unsigned have; /* MC_CM_* valid */
    size_t len;    /* full datagram length */
    bool trunc;    /* longer than opts.slot_size */
    bool is_probe; /* an mcscope probe (probe.h) */
    uint64_t seq;  /* probe seq */
};
/*
 * Copy up to n of group i's last packets into out, newest first.  Returns
 * how many were copied: 0 when none came yet or there is no group i.
 */
size_t mc_monitor_recent_packets(const struct mc_monitor *m, size_t group_index,
                                 struct mc_pkt_record *out, size_t n);

struct mc_monitor_settings {
    struct mc_family_settings v6, v4;
    bool multicast_all;
    unsigned cm_flags;    /* the user's MC_CM_* flags (what is shown) */
    unsigned cm_flags_on; /* on the sockets: cm_flags | DST | IFACE */
    int rcvbuf_asked;     /* opts.rcvbuf */
    int rcvbuf_granted;   /* read back from a receive socket; -1: none */
    unsigned holdoff_us, batch, slot_size;
    /* The wire cross-check: `pcap on` (every interface with joined
     * groups) is in force; captures open now; the --write-pcap file
     * (NULL: none). */
    bool pcap;
    size_t captures_open;
    const char *pcap_file;
};
void mc_monitor_settings(const struct mc_monitor *m,
                         struct mc_monitor_settings *out);

/* Monitor-wide counters. */
struct mc_monitor_counters {
    uint64_t rx_packets, rx_bytes; /* every packet read */
    uint64_t unattributed_packets; /* for no group of ours (e.g. */
    uint64_t unattributed_bytes;   /* multicast-all on) */
    uint64_t socket_drops;         /* SO_RXQ_OVFL, summed */
    uint64_t truncated;            /* longer than opts.slot_size */
    uint64_t rx_errors;            /* receive calls that failed */
    uint64_t wakeups;              /* dispatch calls */
    uint64_t recv_calls;           /* recvmmsg calls */
    uint64_t holdoffs;             /* holdoffs started */
    uint64_t ticks;
    uint64_t commands, refused, errors; /* refused: parse; errors: run */
    /* The wire cross-check, over every capture the monitor had: */
    uint64_t wire_frames;          /* frames read */
    uint64_t wire_malformed;       /* of which malformed or truncated */
    uint64_t wire_not_ip;          /* of which not IPv4/IPv6 */
    uint64_t wire_msgs;            /* MLD/IGMP messages decoded */
    uint64_t wire_udp;             /* incoming UDP counted for a group */
    uint64_t wire_udp_other;       /* incoming UDP for no group of ours */
    uint64_t wire_dropped;         /* libpcap's drops (ps_drop), summed */
    uint64_t wire_events_unlogged; /* over MC_MON_WIRE_EVENTS_PER_S */
};
void mc_monitor_counters(const struct mc_monitor *m,
                         struct mc_monitor_counters *out);

/* Senders, running and finished (the newest 64 finished are kept). */
size_t mc_monitor_nsenders(const struct mc_monitor *m);
int mc_monitor_sender(const struct mc_monitor *m, size_t i,
                      struct mc_sender_info *out);
/* Senders still running. */
size_t mc_monitor_senders_running(const struct mc_monitor *m);

/* The event log: a ring of the newest opts.max_events entries (event.h). */
/* Entries held; index 0 is the oldest held. */
size_t mc_monitor_nevents(const struct mc_monitor *m);
int mc_monitor_event(const struct mc_monitor *m, size_t i,
                     struct mc_event *out);
/* The event of that seq: 0, or -ENOENT when it left the ring (or never
 * was).  O(1). */
int mc_monitor_event_by_seq(const struct mc_monitor *m, uint64_t seq,
                            struct mc_event *out);
/*
 * The event the last mc_monitor_exec_line or mc_monitor_apply logged for
 * the command itself (its result, its refusal, or its echo): 0, or
 * -ENOENT when it logged none (a blank line, a comment) or the entry left
 * the ring.  The events the command caused besides (a sender's end, a
 * capture) come after it.
 */
int mc_monitor_command_event(const struct mc_monitor *m, struct mc_event *out);
/* seq of the newest event (0: none yet). */
uint64_t mc_monitor_last_event_seq(const struct mc_monitor *m);

/* When the monitor was made (CLOCK_MONOTONIC ns) and the time now. */
int64_t mc_monitor_start_ns(const struct mc_monitor *m);
int64_t mc_monitor_now_ns(void);

/* ---- the wire cross-check: pcap on|off ---- */

/*
 * `pcap on|off [dev IFACE]` run the wire cross-check (wirecheck.h: what
 * is captured when, and what a capture does with a frame) over the
 * monitor's groups.  Without CAP_NET_RAW `pcap on` is refused (-EPERM)
 * and every other command works.  The capture descriptors join
 * mc_monitor_pollfds (with the receive sockets, so the receive holdoff
 * applies to them too) and mc_monitor_dispatch reads them.  Incoming UDP
 * to a group of the monitor (group, interface and port of a group
 * record, joined or left) counts per source with mc_group_stats_wire: the
 * group's and source's wire_packets; a source only the wire saw gets a
 * source record with 0 socket packets.  Each wire packet is also
 * classified by the filter as asked at that moment (excluded, not in the
 * include list, group not joined), which names the difference between
 * wire and socket (mc_monitor_source_wire).
 */

/*
 * --write-pcap: every capture opened from now on (and those open now)
 * also writes what it reads to a pcap file (mc_capture_dump_open;
 * tcpdump -r and Wireshark read it).  The first interface writes path;
 * each further one writes path with ".IFACE" inserted before a final
 * ".pcap" (or appended when path has none): "x.pcap" -> "x.lab1.pcap";
 * an event names each file.  On a link captured twice (not Ethernet) the
 * file holds the incoming frames.  A file is written once: an interface
 * captured again after `pcap off` is not written again (an event says
 * so), so no file is ever overwritten.  -EBUSY when a path was set
 * already; errors of files opened now as mc_capture_dump_open.
 */
int mc_monitor_write_pcap(struct mc_monitor *m, const char *path,
                          struct mc_err *err);

/* Interfaces captured on, open or not, in the order first opened. */
size_t mc_monitor_ncaptures(const struct mc_monitor *m);
int mc_monitor_capture(const struct mc_monitor *m, size_t i,
                       struct mc_capture_view *out);

/*
 * Why the wire and the socket differ for a source:
 *  - more on the wire, mostly while the filter kept the source out:
 *    MC_WIRE_NOTE_EXCLUDED, _NOT_INCLUDED or _NOT_JOINED, by which of
 *    those classes counted most;
 *  - more on the wire, not explained by the filter, and the sockets of
 *    the group's port dropped packets (SO_RXQ_OVFL): _DROPPED;
 *  - more on the wire otherwise: _UNDELIVERED (in flight: the socket has
 *    not been read yet; or lost before the socket);
 *  - more from the socket: _WIRE_FEWER.
 */
enum mc_wire_note {
    MC_WIRE_NOTE_NONE, /* the counts agree, or no capture covered it */
    MC_WIRE_NOTE_EXCLUDED,
    MC_WIRE_NOTE_NOT_INCLUDED,
    MC_WIRE_NOTE_NOT_JOINED,
    MC_WIRE_NOTE_DROPPED,
    MC_WIRE_NOTE_UNDELIVERED,
    MC_WIRE_NOTE_WIRE_FEWER,
};
/* The note in words ("filtered by the kernel: SSM exclude", ...; the JSON
 * report's wire_note); NULL for MC_WIRE_NOTE_NONE. */
const char *mc_wire_note_text(enum mc_wire_note note);

struct mc_source_wire {
    uint64_t packets;      /* the socket delivered */
    uint64_t wire_packets; /* the capture saw (incoming) */
    /* Of wire_packets, those that came while the filter as asked kept
     * the source out: excluded, not in the include list, not joined. */
    uint64_t excluded, not_included, not_joined;
    uint64_t socket_drops; /* the group's, see mc_group_view */
    enum mc_wire_note note;
};
/* The wire view of source src in group i: 0, or -ENOENT (no such group,
 * or no record of src in it). */
int mc_monitor_source_wire(const struct mc_monitor *m, size_t i,
                           const struct mc_addr *src,
                           struct mc_source_wire *out);
/* Just the note (NONE when none, or no such group or source). */
enum mc_wire_note mc_monitor_wire_note(const struct mc_monitor *m, size_t i,
                                       const struct mc_addr *src);

/* The reports list (wirecheck.h): every MLD/IGMP message the captures
 * decoded, the newest opts.max_reports kept. */
/* Entries held; index 0 is the oldest held. */
size_t mc_monitor_nwiremsgs(const struct mc_monitor *m);
int mc_monitor_wiremsg(const struct mc_monitor *m, size_t i,
                       struct mc_wiremsg_view *out);

/* The link's listeners (listeners.h; monitor_link.c): `listeners on` is in
 * force (every capture or some named), the table, the on-listener hooks. */
bool mc_monitor_listeners_on(const struct mc_monitor *m);
size_t mc_monitor_nlisteners(const struct mc_monitor *m);
int mc_monitor_listener(const struct mc_monitor *m, size_t i,
                        struct mc_listener_view *out);
const struct mc_listeners *mc_monitor_listeners(const struct mc_monitor *m);
size_t mc_monitor_nhooks(const struct mc_monitor *m);
/* The link's streams (discover.h, discover on) and SAP sessions (sap.h,
 * sap on). */
bool mc_monitor_discover_on(const struct mc_monitor *m);
bool mc_monitor_sap_on(const struct mc_monitor *m);
const struct mc_discover *mc_monitor_discover(const struct mc_monitor *m);
const struct mc_sap_table *mc_monitor_sap(const struct mc_monitor *m);
int mc_monitor_hook(const struct mc_monitor *m, size_t i,
                    struct mc_cmd_hook *out);

/* ---- diagnosis (diagnose.h) ---- */

/* The diagnoses `diagnose` started, in the order given, each read anew on
 * every tick (never while drawing): a view valid until the next command
 * or dispatch; NULL past the end. */
size_t mc_monitor_ndiagnoses(const struct mc_monitor *m);
const struct mc_diagnosis *mc_monitor_diagnosis(const struct mc_monitor *m,
                                                size_t i);
/*
 * List the firewall's rules now (nft, else iptables-save), for diagnoses
 * to read when listing them later is refused: listing needs CAP_NET_ADMIN,
 * which a run drops after its start (priv.h); call it just before.  The
 * checks then say how old the listing is.
 */
void mc_monitor_firewall_prime(struct mc_monitor *m);

/* ---- kernel state next to the model (kcheck.h) ---- */

/*
 * Group i as the kernel holds it, next to what mcscope asked for (see
 * struct mc_group_kernel).  snap: a snapshot to use (NULL: read /proc now,
 * in the calling thread's namespace).  Free with mc_group_kernel_free.
 */
int mc_monitor_group_kernel(const struct mc_monitor *m, size_t i,
                            const struct mc_kernel_snapshot *snap,
                            struct mc_group_kernel *out, struct mc_err *err);

/*
 * The kernel's view the monitor keeps, so that screens draw from data and
 * never read the system while drawing: one /proc/net snapshot and, for
 * every group, mc_monitor_group_kernel's answer (its error included).
 * mc_monitor_refresh_kernel takes it anew when force is set, when none
 * was taken, when a command ran since, or when a statistics tick
 * (MC_MON_TICK_NS) passed since; otherwise it does nothing.  Call it
 * outside drawing (the TUI's loop does, every pass), in the monitor's
 * namespace.  Returns whether it took one.
 */
bool mc_monitor_refresh_kernel(struct mc_monitor *m, bool force);
/* The snapshot of the last refresh; NULL before the first.  Valid until
 * the next refresh. */
const struct mc_kernel_snapshot *
mc_monitor_kernel_snapshot(const struct mc_monitor *m);
/* Group i as of the last refresh; NULL when it was not read (no refresh
 * since it was joined, or no group i).  Valid until the next refresh. */
const struct mc_group_kernel *mc_monitor_kernel_view(const struct mc_monitor *m,
                                                     size_t i);

/* Unicast TCP connection i (tcp-listen's and tcp-connect's, tcp.h): 0,
 * or -ENOENT past the last. */
struct mc_tcp_conn;
int mc_monitor_tcp_conn(const struct mc_monitor *m, size_t i,
                        struct mc_tcp_conn *out);

#endif
