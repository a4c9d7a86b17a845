/*
 * mcscope core: the wire cross-check — captures (libpcap, wire.h) on the
 * interfaces of a host's groups, and what they see: per-source wire
 * counts, the MLD/IGMP messages (the reports list) and wire events.
 *
 * It knows nothing of the monitor: the host (core/monitor_wire.c) gives it
 * the interfaces its joined groups use, and answers through
 * struct mc_wirecheck_ops which group a datagram belongs to and counts it.
 * Frames come from its captures (mc_wirecheck_drain) or, for tests, from
 * the caller (mc_wirecheck_feed).
 *
 * `pcap on` captures on every interface that has joined groups, and on
 * each interface a later join names, until `pcap off`; `pcap on dev IFACE`
 * captures on IFACE whatever is joined there, until `pcap off` or `pcap
 * off dev IFACE` (which also keeps `pcap on` from capturing there again
 * until the next `pcap on`).  A capture `pcap on` opened for its groups
 * closes MC_MON_PCAP_LINGER_NS after the last group on its interface was
 * left (so the leave's reports, sent twice within a second, are still
 * seen), unless it writes a pcap file: those stay until `pcap off`.  A
 * group joined without an interface (the route chose) gets no capture of
 * its own; captures on other interfaces count its packets there.
 *
 * Capture needs CAP_NET_RAW: without it `pcap on` is refused (-EPERM)
 * with wire_capture.c's text (MC_PRIV_HOWTO: how to grant it), nothing else
 * changes.  Opening happens in the calling thread's network namespace.
 *
 * Directions: an Ethernet interface (not loopback) is captured once in
 * both directions (wire_capture.c tells outgoing frames by the interface's own
 * MAC); any other link is captured twice, incoming and outgoing, since
 * its frames do not say.
 *
 * What a capture does with a frame:
 *  - incoming UDP to a group of the host (ops->find_group) is counted by
 *    ops->count (the host's per-source wire counts).  Only incoming: the
 *    host's own packets never count on the wire.  A source new to the
 *    group is an event ("GROUP port P: new source S on the wire");
 *  - MLD and IGMP messages, in either direction, become an event
 *    (MC_EV_INFO, MC_ET_WIRE_MSG: direction, protocol, interface, the
 *    sender when it came in, mc_wire_format's text; event.h renders it
 *    as "→ MLDv2 lab0 BLOCK_OLD_SOURCES ff15::1234 {fd42::2}") and an
 *    entry in the reports list;
 *  - a malformed or truncated frame is counted (malformed) and logged
 *    (MC_ET_WIRE_MALFORMED: "← lab0 malformed frame from SRC: REASON");
 *  - at most MC_MON_WIRE_EVENTS_PER_S wire events are logged a second;
 *    the rest are counted (events_unlogged) and summed up in one event at
 *    the next mc_wirecheck_tick (the reports list keeps them all).
 */
#ifndef MCSCOPE_WIRECHECK_H
#define MCSCOPE_WIRECHECK_H

#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"
#include "mcscope/clock.h"
#include "mcscope/err.h"
#include "mcscope/event.h"
#include "mcscope/wire.h"

#define MC_MON_DEFAULT_REPORTS 1000u
#define MC_MON_PCAP_LINGER_NS (3 * MC_NS_PER_S)
#define MC_MON_WIRE_EVENTS_PER_S 50u

struct mc_wirecheck; /* opaque */

/* What the host answers. */
struct mc_wirecheck_ops {
    /* The group incoming UDP to dst port captured on ifindex counts for
     * (an opaque handle of the host), or NULL: none of the host's. */
    void *(*find_group)(void *arg, unsigned ifindex, const struct mc_addr *dst,
                        uint16_t port);
    /* Count one incoming datagram of src (len: UDP payload bytes) for a
     * find_group answer, at mono_ns.  Returns true when src is new to the
     * group (an event says so). */
    bool (*count)(void *arg, void *group, const struct mc_addr *src, size_t len,
                  int64_t mono_ns);
    /* An event for the host's log (MC_EV_INFO or MC_EV_ERROR; seq and
     * times are the host's to set): valid during the call only. */
    void (*event)(void *arg, const struct mc_event *ev);
};

struct mc_wirecheck_opts {
    unsigned max_reports; /* reports list size; 0: MC_MON_DEFAULT_REPORTS */
};

/* 0, or -ENOMEM.  ops and arg are kept. */
int mc_wirecheck_new(const struct mc_wirecheck_opts *o,
                     const struct mc_wirecheck_ops *ops, void *arg,
                     struct mc_wirecheck **out);
void mc_wirecheck_free(struct mc_wirecheck *wc); /* NULL ok */

/* ---- what the host tells it ---- */

/* An interface that joined groups use (ifindex != 0). */
struct mc_wire_iface {
    unsigned ifindex;
    char ifname[IF_NAMESIZE];
};

/* pcap on: every interface of in_use now and later (all or none open). */
int mc_wirecheck_pcap_on(struct mc_wirecheck *wc,
                         const struct mc_wire_iface *in_use, size_t n,
                         struct mc_err *err);
/* pcap on dev IFACE. */
int mc_wirecheck_pcap_on_dev(struct mc_wirecheck *wc, const char *ifname,
                             struct mc_err *err);
/* pcap off (ifname "": every capture) or pcap off dev IFACE. */
int mc_wirecheck_pcap_off(struct mc_wirecheck *wc, const char *ifname,
                          struct mc_err *err);
/* pcap on is in force. */
bool mc_wirecheck_auto(const struct mc_wirecheck *wc);

/* Before a join on ifindex with pcap on: open its capture first, so that
 * it sees the join's first report.  Returns whether it opened one now. */
bool mc_wirecheck_before_join(struct mc_wirecheck *wc, unsigned ifindex,
                              const char *ifname);
/* The join failed: a capture opened for it (opened) closes at once unless
 * another group uses the interface (in_use) or it writes a file. */
void mc_wirecheck_join_failed(struct mc_wirecheck *wc, bool opened,
                              unsigned ifindex, bool in_use);
/*
 * After every command, with the interfaces joined groups use: with pcap
 * on, capture each; a capture pcap on opened (not named, writing no file)
 * whose interface is no longer in use closes after the linger.
 */
void mc_wirecheck_sync(struct mc_wirecheck *wc,
                       const struct mc_wire_iface *in_use, size_t n,
                       int64_t now_ns);

/* --write-pcap (see monitor.h mc_monitor_write_pcap). */
int mc_wirecheck_write_pcap(struct mc_wirecheck *wc, const char *path,
                            struct mc_err *err);

/* Whether an open capture counts packets on ifindex (0: any capture). */
bool mc_wirecheck_covers(const struct mc_wirecheck *wc, unsigned ifindex);

/* ---- time and frames ---- */

/* The statistics tick: sum up the wire events not logged. */
void mc_wirecheck_tick(struct mc_wirecheck *wc);
/* Close the captures whose linger ran out. */
void mc_wirecheck_linger(struct mc_wirecheck *wc, int64_t now_ns);
/* The next linger deadline; INT64_MAX: none. */
int64_t mc_wirecheck_next_ns(const struct mc_wirecheck *wc);

/* The clocks of one read: frame stamps are CLOCK_REALTIME. */
struct mc_wire_clock {
    int64_t mono_now, real_now;
};

/*
 * The capture descriptors, for poll(): at most cap into fds (events
 * POLLIN) and, when handles is not NULL, each one's handle for
 * mc_wirecheck_drain.  Returns how many there are.
 */
size_t mc_wirecheck_pollfds(const struct mc_wirecheck *wc, struct pollfd *fds,
                            unsigned *handles, size_t cap);
/* Read what the capture of handle holds (frames read).  A capture that
 * fails is closed and the error logged. */
uint64_t mc_wirecheck_drain(struct mc_wirecheck *wc, unsigned handle,
                            const struct mc_wire_clock *clk);
uint64_t mc_wirecheck_drain_all(struct mc_wirecheck *wc,
                                const struct mc_wire_clock *clk);
/* Increases whenever a capture opens or closes (so the host knows its
 * poll table changed). */
uint64_t mc_wirecheck_generation(const struct mc_wirecheck *wc);

/* One frame as a capture on (ifindex, ifname) delivers it: for tests. */
void mc_wirecheck_feed(struct mc_wirecheck *wc, unsigned ifindex,
                       const char *ifname, const struct mc_capture_frame *f,
                       const struct mc_wire_pkt *p,
                       const struct mc_wire_clock *clk);

/* ---- views ---- */

struct mc_wirecheck_counters {
    uint64_t frames;          /* frames read */
    uint64_t malformed;       /* of which malformed or truncated */
    uint64_t not_ip;          /* of which not IPv4/IPv6 */
    uint64_t msgs;            /* MLD/IGMP messages decoded */
    uint64_t udp;             /* incoming UDP counted for a group */
    uint64_t udp_other;       /* incoming UDP for no group of the host */
    uint64_t dropped;         /* libpcap's drops (ps_drop), summed */
    uint64_t events_unlogged; /* over MC_MON_WIRE_EVENTS_PER_S */
    uint64_t errors;          /* captures or files that failed */
};
void mc_wirecheck_counters(const struct mc_wirecheck *wc,
                           struct mc_wirecheck_counters *out);
/* Captures open now; the --write-pcap base (NULL: none). */
size_t mc_wirecheck_captures_open(const struct mc_wirecheck *wc);
const char *mc_wirecheck_pcap_file(const struct mc_wirecheck *wc);

/* One interface captured on, or that was. */
struct mc_capture_view {
    char ifname[IF_NAMESIZE];
    unsigned ifindex;
    bool open;
    bool named;       /* pcap on dev IFACE: stays until pcap off */
    bool split;       /* captured twice (incoming, outgoing): not Ethernet */
    const char *file; /* the pcap file it writes or wrote; NULL: none */
    /* libpcap's and wire_capture.c's counters (mc_capture_stats), summed over
     * its captures and every time it was open: dropped is what libpcap
     * had no room for, if_dropped what the interface dropped. */
    struct mc_capture_stats stats;
    int64_t opened_ns, closed_ns; /* the last open; closed_ns 0 if open */
};
/* Interfaces captured on, open or not, in the order first opened. */
size_t mc_wirecheck_ncaptures(const struct mc_wirecheck *wc);
int mc_wirecheck_capture(const struct mc_wirecheck *wc, size_t i,
                         struct mc_capture_view *out);

/*
 * The reports list: every MLD/IGMP message decoded, the newest
 * max_reports kept.  v2/v3 reports carry records; MLDv1 and IGMPv1/v2
 * reports, leaves (MLDv1 done) and queries carry none, only type and
 * group (the JSON writes "records": [] with "type" and "group").
 * Pointers are valid until the next command or drain.
 */
struct mc_wiremsg_rec {
    unsigned type; /* enum mc_wire_rec_type; others are possible */
    struct mc_addr group;
    size_t nsources;
    const struct mc_addr *sources;
};
struct mc_wiremsg_view {
    uint64_t seq;    /* 1, 2, ... over the list's life */
    int64_t mono_ns; /* the frame's time on CLOCK_MONOTONIC */
    enum mc_wire_dir dir;
    char ifname[IF_NAMESIZE];
    enum mc_wire_proto proto;
    enum mc_wire_msg_type type;
    struct mc_addr src, dst; /* the IP header's */
    /* v1/v2 reports and leaves: the group; queries: the group asked
     * about (unspecified for a general query); v2/v3 reports: family 0 */
    struct mc_addr group;
    uint32_t max_resp_ms; /* queries */
    size_t nsources;      /* v2/v3 queries: the sources asked about */
    const struct mc_addr *sources;
    size_t nrecords; /* v2/v3 reports */
    const struct mc_wiremsg_rec *records;
    const char *text; /* mc_wire_format's text of the message */
};
/* The line of a message as its event has it (mc_event_format). */
const char *mc_wiremsg_format(const struct mc_wiremsg_view *w, char *buf,
                              size_t len, unsigned flags);
/* Entries held; index 0 is the oldest held. */
size_t mc_wirecheck_nmsgs(const struct mc_wirecheck *wc);
int mc_wirecheck_msg(const struct mc_wirecheck *wc, size_t i,
                     struct mc_wiremsg_view *out);

#endif
