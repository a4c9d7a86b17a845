/*
 * mcscope core: the events of a monitor's log — what happened, when, and
 * whether it worked, as data: a kind (ok, refused, error, echo, info), a
 * type that says which fields count, and the fields.  The core never
 * writes an event's words; mc_event_format renders one (UTF-8 or ASCII)
 * for the TUI, the reports and batch mode alike.
 */
#ifndef MCSCOPE_EVENT_H
#define MCSCOPE_EVENT_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"
#include "mcscope/wire.h"

enum mc_event_kind {
    MC_EV_OK,      /* a command that worked */
    MC_EV_REFUSED, /* a line the parser refused: nothing changed */
    MC_EV_ERROR,   /* a command (or a sender) the system refused */
    MC_EV_ECHO,    /* echo TEXT */
    MC_EV_INFO,    /* news: a sender finished, a source restarted, ... */
};
const char *mc_event_kind_name(enum mc_event_kind kind); /* "ok", ... */

/* What an event is about, and the fields it fills (others are 0/NULL). */
enum mc_event_type {
    /* verb, detail: the command's canonical text; result 0 (MC_EV_OK) or
     * -errno with why (MC_EV_ERROR) */
    MC_ET_COMMAND,
    /* detail: the line as typed (printable ASCII, cut); why: the
     * parser's text */
    MC_ET_REFUSED,
    MC_ET_ECHO, /* detail: the text */
    /* group, port, source: a source got its record; MC_EVF_WIRE: it was
     * seen on the wire (a capture) rather than by the socket */
    MC_ET_NEW_SOURCE,
    /* group, port, source: its probe sender restarted (a new sender id,
     * or its sequence started over) */
    MC_ET_SOURCE_RESTART,
    /* group, port, count (sent): a sender ended; result 0: done, or
     * stopped (MC_EVF_STOPPED); -errno: failed, with why */
    MC_ET_SEND_END,
    /* detail: the option's name, why: a running sender kept its old value */
    MC_ET_SEND_KEPT_OPTION,
    MC_ET_RECEIVE_ERROR,   /* why: a receive call failed */
    MC_ET_GROUP_NO_MEMORY, /* a joined group got no record */
    /* ifname: a capture opened; MC_EVF_SPLIT: as two (incoming and
     * outgoing); detail: the pcap file it writes (NULL: none) */
    MC_ET_CAPTURE_OPEN,
    /* ifname, detail: the file written and closed before, not again */
    MC_ET_CAPTURE_NOT_SAVED,
    /* ifname, detail: why it closed; count: frames; count2: dropped by
     * pcap */
    MC_ET_CAPTURE_CLOSED,
    MC_ET_CAPTURE_WRITING, /* ifname, detail: the file it writes now */
    /* why; detail: the pcap file that failed (NULL: none); MC_EVF_OPEN:
     * pcap on could not open ifname */
    MC_ET_CAPTURE_FAILED,
    MC_ET_PCAP_WAITING, /* pcap on, and no interface has joined groups */
    /* dir, proto, ifname, source (the sender, when it came in): an
     * MLD/IGMP message; detail: mc_wire_format's text of it */
    MC_ET_WIRE_MSG,
    /* dir, ifname, source: a malformed frame; why: the decoder's reason */
    MC_ET_WIRE_MALFORMED,
    /* count: wire events not logged; count2: the limit a second */
    MC_ET_WIRE_UNLOGGED,
    /* group, port, ifname (the capture's; "" when none): another process
     * holds the port without SO_REUSEADDR, so the group is counted on
     * the wire; count: its pid (0: not found), detail: its name; why:
     * the capture could not open; MC_EVF_ASKED: `bind wire` (no holder) */
    MC_ET_WIRE_ONLY,
    /* group, port: the socket of another process on the port dropped
     * datagrams; count: how many since the last look, count2: its pid;
     * detail: its name; source: its bound address */
    MC_ET_APP_DROPS,
    /* group, port, source, sport: a flow fell silent for longer than the
     * gap threshold (count2, ms) */
    MC_ET_FLOW_SILENT,
    /* group, port, source, sport: traffic resumed after a gap of count2
     * ms */
    MC_ET_FLOW_RESUMED,
    /* group, port, source, sport, detail ("hop limit", "traffic class"):
     * the value changed from old_value to new_value mid-stream */
    MC_ET_FLOW_PATH_CHANGE,
    /* group, port, source, sport: the RTP SSRC changed from old_value to
     * new_value */
    MC_ET_SSRC_CHANGE,
    /* group, port, source, sport, detail: the payload detected */
    MC_ET_FLOW_PAYLOAD,
    /* ifname, source (the host), group, proto, count (sources), detail
     * ("{S1,S2}"), MC_EVF_EXCLUDE: a host of the link began to listen,
     * changed its filter, or stopped (MC_EVF_EXPIRED: aged out);
     * listeners.h */
    MC_ET_LISTENER_JOIN,
    MC_ET_LISTENER_FILTER,
    MC_ET_LISTENER_LEAVE,
    /* ifname, group: the group's first listener came, its last went */
    MC_ET_LISTENER_FIRST,
    MC_ET_LISTENER_LAST,
    /* ifname, group, port, source: a stream first seen (discover on) */
    MC_ET_STREAM_SEEN,
    /* ifname, group, port, source (the origin), detail (the session's
     * name), count (sources), flags MC_EVF_CHANGED / MC_EVF_DELETED /
     * MC_EVF_EXPIRED (none: new): a SAP session (sap on) */
    MC_ET_SAP_SESSION,
    /* group, port, source, sport, ifname (the group's): a flow that was
     * arriving stopped (no packet for count2 ms: max(1 s, 5 x its mean
     * inter-arrival); querier.h).  at_packet_ns: its last packet;
     * at_query_ns, at_report_ns: the interface's last query and the
     * host's last report seen on the wire (real time; 0: none); count:
     * how many times it stopped */
    MC_ET_STREAM_STOPPED,
    /* the same fields: it came back after a silence of old_value ns */
    MC_ET_STREAM_RESUMED,
    /* ifname, detail ("MLD", "IGMP"): no query on the link for count ms,
     * longer than count2 ms (the other-querier interval; with no query
     * ever, the query interval); querier.h */
    MC_ET_QUERIER_ABSENT,
    /* ifname, group: this host's last report for the group is count ms
     * old, older than the listening interval (MALI/GMI) of count2 ms: a
     * snooping switch or router has aged the membership out */
    MC_ET_MEMBERSHIP_AGED,
    /* source (the other end), port (the listener's), detail (tcp.h's
     * mc_tcp_news_name: accepted, connected, data, closed), count (bytes
     * this time), count2 (bytes in all: written when accepted, else
     * read), result (closed: 0 or -errno), old_value (hop limit),
     * new_value (traffic class; each -1: unknown): unicast TCP
     * (tcp-listen: as set on the accepted connection; tcp-connect: of
     * the last segment read) */
    MC_ET_TCP,
};

/* mc_event.flags */
#define MC_EVF_WIRE 0x1      /* MC_ET_NEW_SOURCE */
#define MC_EVF_STOPPED 0x2   /* MC_ET_SEND_END */
#define MC_EVF_SPLIT 0x4     /* MC_ET_CAPTURE_OPEN */
#define MC_EVF_OPEN 0x8      /* MC_ET_CAPTURE_FAILED */
#define MC_EVF_ASKED 0x10    /* MC_ET_WIRE_ONLY: bind wire asked for it */
#define MC_EVF_EXCLUDE 0x20  /* MC_ET_LISTENER_*: exclude mode */
#define MC_EVF_EXPIRED 0x40  /* MC_ET_LISTENER_LEAVE, _SAP_SESSION: aged out */
#define MC_EVF_CHANGED 0x80  /* MC_ET_SAP_SESSION: its SDP changed */
#define MC_EVF_DELETED 0x100 /* MC_ET_SAP_SESSION: a deletion packet */
/* A group's event from its row bound to the wildcard (bind any), next to
 * which its row bound to the group may log the same: the text reads
 * "GROUP *", as the table does. */
#define MC_EVF_ANY 0x200

struct mc_event {
    uint64_t seq;    /* 1, 2, ... over the monitor's life */
    int64_t mono_ns; /* CLOCK_MONOTONIC */
    int64_t real_ns; /* CLOCK_REALTIME, for the clock on screen */
    enum mc_event_kind kind;
    enum mc_event_type type;
    const char *verb; /* MC_ET_COMMAND: mc_cmd_verb_name's */
    struct mc_addr group, source;
    uint16_t port;
    char ifname[IF_NAMESIZE];
    int result; /* 0 or a negative errno */
    uint64_t count, count2;
    unsigned flags; /* MC_EVF_* */
    enum mc_wire_dir dir;
    enum mc_wire_proto proto;
    const char *detail; /* free text, by type (NULL: none) */
    const char *why;    /* an explanation (NULL: none) */
    uint16_t sport;     /* a flow's UDP source port */
    int64_t old_value, new_value;
    /* MC_ET_STREAM_*: CLOCK_REALTIME stamps (0: none) */
    int64_t at_packet_ns, at_query_ns, at_report_ns;
};

/* A buffer this long holds any event's line whole. */
#define MC_EVENT_TEXT_MAX 2048

/* mc_event_format flags */
#define MC_EVENT_UTF8 0x1 /* arrows as UTF-8; else "->" and "<-" */

/*
 * The event's line, e.g. "join 239.1.2.3 dev lab0", "send ff15::1 port
 * 5000 done: 10 sent", "← MLDv2 lab0 from fe80::1 ALLOW_NEW_SOURCES
 * ff15::1 {fd42::2}" (time and kind are the caller's).  Writes at most
 * len bytes (cut when longer); returns buf.
 */
const char *mc_event_format(const struct mc_event *e, char *buf, size_t len,
                            unsigned flags);

#endif
