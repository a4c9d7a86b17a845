/*
 * mcscope core: the probe sender behind the `send` command.
 *
 *   send GROUP [dev IFACE] [port N] [rate PPS] [count N] [size BYTES]
 *        [tclass N] [hoplimit N] [source ADDR]
 *
 * A sender owns one UDP socket (mc_sock_open_udp) and transmits probe
 * payloads (probe.h: a random 64-bit sender id per sender, drawn with
 * getrandom(2); sequence numbers from 0; the CLOCK_REALTIME send time) at
 * the rate asked, padded to the size asked, until count datagrams went
 * (count 0: until stopped).
 *
 * Pacing: packet k is due at start + k / rate.  The sender never sleeps:
 * its owner (the monitor) calls mc_sender_run when mc_sender_next_ns says,
 * and each call sends every packet due by then in mc_send_batch calls, so
 * 100,000 packets/s need about 1,000 wake-ups, not 100,000
 * (MC_SEND_QUANTUM_NS is the shortest gap between two runs).  After a
 * stall (a slow terminal, a stopped process) at most a 20 ms burst is sent
 * at once and the schedule slides instead of flooding the receivers.
 * A full socket buffer (EAGAIN, ENOBUFS) is not an error: what did not go
 * is sent at the next run; only the datagrams the kernel accepted count
 * as sent.
 *
 * The sender is below the command language: it takes plain arguments
 * (struct mc_send_args; mc_send_args_from_cmd in cmd.h makes them from a
 * parsed `send`).  Per packet (struct mc_cmsg, cmsg.h): the traffic class
 * / TOS and hop limit / TTL asked, the interface of `dev IFACE` and the
 * source of `source ADDR`.  The socket gets the monitor's `set` values (struct
 * mc_sender_env) and, with `dev IFACE`, that interface as its multicast
 * interface.
 *
 * Times are CLOCK_MONOTONIC nanoseconds passed in by the caller.
 */
#ifndef MCSCOPE_SEND_H
#define MCSCOPE_SEND_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "mcscope/reflect.h"
#include "mcscope/addr.h"
#include "mcscope/err.h"
#include "mcscope/sockopt.h"

/* The shortest gap between two runs of a sender (1 ms). */
#define MC_SEND_QUANTUM_NS 1000000LL
/* After a stall, at most this much of the schedule is sent at once. */
#define MC_SEND_CATCHUP_NS 20000000LL

/*
 * What a datagram carries:
 *   probe  - mcscope's probe (probe.h), padded to size;
 *   rtp    - an RTP header (RFC 3550: PT 33 MP2T, 90 kHz timestamps from
 *            the schedule, SSRC the low 32 bits of sender_id, sequence from
 *            0) and as many TS packets as fit (mpegts.h's small stream;
 *            with under 188 bytes left, PT 96 and zeros);
 *   mpegts - TS packets only (size rounded down to whole packets).
 */
enum mc_send_payload {
    MC_SEND_PROBE,
    MC_SEND_RTP,
    MC_SEND_MPEGTS,
};

/* What to send. */
struct mc_send_args {
    struct mc_addr group;     /* multicast */
    uint16_t port;            /* UDP destination port */
    char ifname[IF_NAMESIZE]; /* the outgoing interface; "" for none */
    unsigned rate;            /* packets per second, at least 1 */
    uint32_t count;           /* packets to send; 0: until stopped */
    unsigned size;            /* payload bytes, at least MC_PROBE_HDRLEN */
    int tclass;               /* per packet, 0..255; -1: the socket's */
    int hoplimit;             /* per packet, 0..255; -1: the socket's */
    struct mc_addr source;    /* per packet; family 0: the kernel's choice */
    bool sap; /* announce the stream with SAP (RFC 2974): at the start,
                 every MC_SAP_INTERVAL_S, a deletion at the end */
    enum mc_send_payload payload;
    /* IPv6: IPV6_DONTFRAG and IPV6_RECVPATHMTU on the socket.  A datagram
     * larger than the path MTU is then refused by the kernel (EMSGSIZE)
     * instead of fragmented, and the kernel hands the socket the path MTU
     * in an IPV6_PATHMTU control message: the sender ends there, not as a
     * failure (mc_sender_info.pathmtu; mc_sender_run returns 0). */
    bool dontfrag;
};

/*
 * Socket settings a new sender starts with: the monitor's `set` values,
 * one field per sending option of the option table (sockopt.h, its env
 * field).  A field of -1 (mcast_if: 0) leaves the kernel's default.
 */
struct mc_sender_env {
    int hoplimit;       /* unicast hop limit / TTL */
    int mcast_hoplimit; /* multicast hop limit / TTL */
    int tclass;         /* traffic class / TOS */
    int loopback;       /* 0 off, 1 on */
    unsigned mcast_if;  /* used when the command names no interface */
};

/* An env that leaves every kernel default. */
void mc_sender_env_init(struct mc_sender_env *env);

struct mc_sender; /* opaque */

/* What a sender is doing, for views and reports. */
struct mc_sender_info {
    struct mc_addr group;
    uint16_t port;
    unsigned ifindex;         /* dev IFACE; 0 when not named */
    char ifname[IF_NAMESIZE]; /* "" when not named */
    unsigned rate;            /* packets per second */
    uint32_t count;           /* 0: until stopped */
    unsigned size;            /* payload bytes */
    int tclass;               /* per packet; -1 when not given */
    int hoplimit;             /* per packet; -1 when not given */
    struct mc_addr source;    /* per packet; family 0 when not given */
    uint64_t sender_id;
    enum mc_send_payload payload;
    uint64_t sent;   /* datagrams the kernel accepted */
    uint64_t stalls; /* runs that found the socket buffer full */
    bool running;    /* false once count went, or stopped, or failed */
    bool stopped;    /* stop-send ended it */
    int error;       /* the negative errno that ended it, or 0 */
    char error_text[MC_ERR_MSG_MAX]; /* cause and fix, "" when none */
    int64_t start_ns, end_ns;        /* end_ns 0 while running */
    bool dontfrag;                   /* send ... dontfrag */
    /* The path MTU of the IPV6_PATHMTU control message that came with a
     * refusal (dontfrag): the sender ended there, error 0, error_text
     * saying so; 0: none came. */
    uint32_t pathmtu;
    /* replies to its probes (a reflector: reflect.h) and their round
     * trips, read by mc_sender_read_replies */
    struct mc_rtt replies;
};

/*
 * Make a sender for args, starting at now_ns (its first packet is due
 * then: call mc_sender_run right away to find out whether the kernel takes
 * it).  Checked here, each refused with a text naming cause and fix: an
 * interface that does not exist (ENODEV); an IPv4 hop limit (TTL) of 0
 * (EINVAL, ip(7): 1..255); a source that is not an address of this host
 * (EADDRNOTAVAIL, found by binding a throwaway socket to it).  The caller
 * frees the sender with mc_sender_free.
 */
int mc_sender_new(const struct mc_send_args *args,
                  const struct mc_sender_env *env, int64_t now_ns,
                  struct mc_sender **out, struct mc_err *err);
void mc_sender_free(struct mc_sender *s); /* closes its socket; NULL ok */

/*
 * Send every packet due at now_ns.  Returns the number sent now (0 when
 * none was due or the socket buffer was full), or a negative errno when the
 * kernel refused a packet for good (no route, a firewall, a bad source):
 * the sender is then finished, and err and mc_sender_info say why (e.g.
 * ENETUNREACH: "no route to GROUP: name an interface (dev IFACE) or add a
 * multicast route").
 */
int mc_sender_run(struct mc_sender *s, int64_t now_ns, struct mc_err *err);

/* When mc_sender_run has work next; INT64_MAX when finished. */
int64_t mc_sender_next_ns(const struct mc_sender *s);
bool mc_sender_running(const struct mc_sender *s);

/* Finish the sender now (stop-send); its counts stay readable. */
void mc_sender_stop(struct mc_sender *s, int64_t now_ns);

/*
 * Apply a `set` option to the sender's socket (hoplimit, mcast-hoplimit,
 * tclass, loopback, mcast-if; others are ignored).  mcast-if does not
 * change a sender whose command named an interface.
 */
int mc_sender_set_option(struct mc_sender *s, enum mc_cmd_opt opt, int value,
                         struct mc_err *err);

void mc_sender_get(const struct mc_sender *s, struct mc_sender_info *out);
/* Read the replies waiting on the sender's socket (reflect.h): how many
 * were its own (counted in info.replies). */
size_t mc_sender_read_replies(struct mc_sender *s);
/* The sender's socket (for read-back of its options). */
int mc_sender_fd(const struct mc_sender *s);

#endif
