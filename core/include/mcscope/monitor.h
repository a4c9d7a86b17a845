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
#include "mcscope/cmd.h"
#include "mcscope/err.h"
#include "mcscope/member.h"
#include "mcscope/send.h"
#include "mcscope/stats.h"

/* Defaults of struct mc_monitor_opts. */
#define MC_MON_DEFAULT_RCVBUF (4 << 20) /* bytes asked per receive socket */
#define MC_MON_DEFAULT_HOLDOFF_US 1000u /* 1 ms */
#define MC_MON_DEFAULT_BATCH 256u       /* packets per recvmmsg */
#define MC_MON_DEFAULT_SLOT 9216u       /* bytes stored per packet */
#define MC_MON_DEFAULT_EVENTS 1000u     /* event log entries kept */
#define MC_MON_TICK_NS 1000000000LL     /* the statistics tick */

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
 * Apply a parsed command.  Every command is logged with its canonical text
 * (mc_cmd_format) and its result: MC_EV_OK, or MC_EV_ERROR with the
 * explanation ("TEXT: why").  A failed command changes nothing.  Returns 0
 * or a negative errno.  Run-time refusals include: an interface that does
 * not exist (ENODEV); leave/leave-source/exclude-source/include-source of
 * a group not joined (EADDRNOTAVAIL); a mode conflict (the kernel's answer
 * explained by member.c); `set hoplimit 0` (-EINVAL: IPv4's TTL must be
 * 1..255); `pcap on` (-ENOTSUP: the wire cross-check comes with the
 * capture module, not built yet); a second sender to one group and port
 * (-EBUSY); stop-send with no sender (-ESRCH).
 *
 * wait does nothing here (the monitor never sleeps: struct mc_script
 * below times scripts) and echo logs its text as MC_EV_ECHO.
 */
int mc_monitor_apply(struct mc_monitor *m, const struct mc_cmd *cmd,
                     struct mc_err *err);

/* ---- the event loop interface ---- */

/* mc_monitor_dispatch returns a combination of: */
#define MC_MON_PACKETS 0x1 /* counters moved (packets received or sent) */
#define MC_MON_EVENTS 0x2  /* the event log or the state changed */
#define MC_MON_TICK 0x4    /* a statistics tick (once a second) passed */
#define MC_MON_CHANGED (MC_MON_PACKETS | MC_MON_EVENTS | MC_MON_TICK)

/*
 * Write the monitor's pollfds into fds (at most cap): its timerfd, then the
 * receive sockets unless a holdoff is running.  Returns how many it needs
 * (may exceed cap: call again with more room).  Valid until the next
 * command or dispatch.
 */
size_t mc_monitor_pollfds(struct mc_monitor *m, struct pollfd *fds, size_t cap);

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

/* One group (group address + interface + port) the monitor joined during
 * its life.  A group that was left stays, with its counts, as mode
 * MC_MODE_NONE; a new join of it counts on. */
struct mc_group_view {
    int family;
    struct mc_addr group;
    unsigned ifindex;         /* 0: the route chose */
    char ifname[IF_NAMESIZE]; /* as named; "" when ifindex is 0 */
    uint16_t port;
    enum mc_filter_mode mode; /* as asked; MC_MODE_NONE once left */
    bool joined;
    const struct mc_addr *sources; /* include or exclude list, as asked */
    size_t nsources;
    const struct mc_group_stats *stats;
    int64_t first_join_ns; /* the first join */
    int64_t left_ns;       /* the last leave, 0 while joined */
};
size_t mc_monitor_ngroups(const struct mc_monitor *m);
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

/* Settings as the kernel reports them back, per family. */
struct mc_family_settings {
    int hoplimit;       /* unicast hop limit / TTL */
    int mcast_hoplimit; /* multicast hop limit / TTL */
    int tclass;         /* traffic class / TOS */
    bool loopback;
    unsigned mcast_if; /* 0: none */
    char mcast_ifname[IF_NAMESIZE];
    bool ok; /* false: the family is not available here */
};
struct mc_monitor_settings {
    struct mc_family_settings v6, v4;
    bool multicast_all;
    unsigned cm_flags;    /* the user's MC_CM_* flags (what is shown) */
    unsigned cm_flags_on; /* on the sockets: cm_flags | DST | IFACE */
    int rcvbuf_asked;     /* opts.rcvbuf */
    int rcvbuf_granted;   /* read back from a receive socket; -1: none */
    unsigned holdoff_us, batch, slot_size;
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
};
void mc_monitor_counters(const struct mc_monitor *m,
                         struct mc_monitor_counters *out);

/* Senders, running and finished (the newest 64 finished are kept). */
size_t mc_monitor_nsenders(const struct mc_monitor *m);
int mc_monitor_sender(const struct mc_monitor *m, size_t i,
                      struct mc_sender_info *out);
/* Senders still running. */
size_t mc_monitor_senders_running(const struct mc_monitor *m);

/* The event log: a ring of the newest opts.max_events entries. */
enum mc_event_kind {
    MC_EV_OK,      /* a command that worked */
    MC_EV_REFUSED, /* a line the parser refused: nothing changed */
    MC_EV_ERROR,   /* a command (or a sender) the system refused */
    MC_EV_ECHO,    /* echo TEXT */
    MC_EV_INFO,    /* news: a sender finished, a source restarted, ... */
};
const char *mc_event_kind_name(enum mc_event_kind kind); /* "ok", ... */

struct mc_event {
    uint64_t seq;    /* 1, 2, ... over the monitor's life */
    int64_t mono_ns; /* CLOCK_MONOTONIC */
    int64_t real_ns; /* CLOCK_REALTIME, for the clock on screen */
    enum mc_event_kind kind;
    const char *text; /* "join 239.1.2.3 dev lab0" or "TEXT: why" */
};
/* Entries held; index 0 is the oldest held. */
size_t mc_monitor_nevents(const struct mc_monitor *m);
int mc_monitor_event(const struct mc_monitor *m, size_t i,
                     struct mc_event *out);
/* seq of the newest event (0: none yet). */
uint64_t mc_monitor_last_event_seq(const struct mc_monitor *m);

/* When the monitor was made (CLOCK_MONOTONIC ns) and the time now. */
int64_t mc_monitor_start_ns(const struct mc_monitor *m);
int64_t mc_monitor_now_ns(void);

/* ---- scripts: -e commands and -f files, run in time ---- */

/*
 * A script runner: lines run in order; "wait S" makes it due again at
 * now + S.  It never sleeps: the event loop calls mc_script_step when
 * mc_script_next_ns says, so batch mode and the TUI run scripts the same
 * way, with packets flowing during the waits.
 */
struct mc_script; /* opaque */

struct mc_script *mc_script_new(void); /* NULL when out of memory */
void mc_script_free(struct mc_script *s);

/*
 * Add a line (copied).  origin names where it came from for messages
 * ("-e 2", "demo.mcs:9").
 */
int mc_script_add(struct mc_script *s, const char *line, const char *origin);
/* Add every line of a file (origin "PATH:LINE").  -errno and a text when
 * the file cannot be read. */
int mc_script_load(struct mc_script *s, const char *path, struct mc_err *err);

size_t mc_script_nlines(const struct mc_script *s);
const char *mc_script_line(const struct mc_script *s, size_t i);
const char *mc_script_origin(const struct mc_script *s, size_t i);

/*
 * Parse every line without running any (mc_cmd_parse).  Returns the
 * number refused; for the first max_report of them, fn (may be NULL) is
 * called with the line's index and the parser's text.
 */
typedef void (*mc_script_refusal_fn)(void *arg, size_t index,
                                     const struct mc_err *why);
size_t mc_script_check(const struct mc_script *s, mc_script_refusal_fn fn,
                       void *arg);

/*
 * Run the lines due at now_ns on m, up to the next wait (or the end).
 * Returns how many of them failed (refused or errors; each is in m's event
 * log).  Does nothing before mc_script_next_ns.
 */
size_t mc_script_step(struct mc_script *s, struct mc_monitor *m,
                      int64_t now_ns);
/* When the script is due next; INT64_MAX when it has run to the end. */
int64_t mc_script_next_ns(const struct mc_script *s);
bool mc_script_done(const struct mc_script *s);
/* Lines run so far. */
size_t mc_script_position(const struct mc_script *s);

#endif
