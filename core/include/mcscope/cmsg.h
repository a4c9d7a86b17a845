/*
 * mcscope core: control messages (x/net/ipv6 ControlMessage and
 * ControlFlags, x/net/ipv4 likewise), one set of flags for both families.
 *
 *   flag            IPv6 (receive option -> cmsg)       IPv4
 *   MC_CM_TCLASS    IPV6_RECVTCLASS -> IPV6_TCLASS int   IP_RECVTOS -> IP_TOS
 * byte MC_CM_HOPLIMIT  IPV6_RECVHOPLIMIT -> IPV6_HOPLIMIT   IP_RECVTTL ->
 * IP_TTL int MC_CM_SRC       no option: taken from msg_name      same MC_CM_DST
 * IPV6_RECVPKTINFO -> in6_pktinfo      IP_PKTINFO -> in_pktinfo MC_CM_IFACE
 * IPV6_RECVPKTINFO -> in6_pktinfo      IP_PKTINFO -> in_pktinfo MC_CM_PATHMTU
 * IPV6_RECVPATHMTU -> ip6_mtuinfo      (none: refused)
 *
 * On send, marshalling emits the per-packet traffic class / TOS, hop limit
 * / TTL and PKTINFO (source address and outgoing interface).
 */
#ifndef MCSCOPE_CMSG_H
#define MCSCOPE_CMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "mcscope/addr.h"
#include "mcscope/err.h"

enum mc_cm_flag {
    MC_CM_TCLASS = 1 << 0,   /* traffic class (IPv6) / TOS (IPv4) */
    MC_CM_HOPLIMIT = 1 << 1, /* hop limit (IPv6) / TTL (IPv4) */
    MC_CM_SRC = 1 << 2,      /* source address */
    MC_CM_DST = 1 << 3,      /* destination address */
    MC_CM_IFACE = 1 << 4,    /* arrival / outgoing interface */
    MC_CM_PATHMTU = 1 << 5,  /* path MTU (IPv6 only) */
};
#define MC_CM_ALL_V6 0x3f
#define MC_CM_ALL_V4 0x1f

/* What one received packet's control data said, or what to send with. */
struct mc_cmsg {
    unsigned have;      /* MC_CM_* bits whose fields below are valid */
    int tclass;         /* 0..255 */
    int hoplimit;       /* 0..255 */
    struct mc_addr src; /* receive: sender; send: source to use */
    uint16_t src_port;  /* receive: the sender's UDP port (with src) */
    struct mc_addr dst; /* receive: header destination */
    unsigned ifindex;   /* receive: arrival; send: outgoing interface */
    uint32_t mtu;       /* path MTU (IPv6 IPV6_PATHMTU) */
    bool have_time;     /* ts holds the kernel's SO_TIMESTAMPNS time */
    struct timespec ts; /* CLOCK_REALTIME, as the kernel stamps it */
    /* have_drops: drops holds the SO_RXQ_OVFL counter.  The kernel sends it
     * only when non-zero: with the option on, a missing cmsg means 0. */
    bool have_drops;
    uint32_t drops; /* packets the socket dropped so far */
    bool ctrunc;    /* MSG_CTRUNC: control data was cut short */
    bool trunc;     /* MSG_TRUNC: payload larger than the buffer */
};

/*
 * The flags in one table, in the order every view lists them (tclass,
 * hoplimit, src, dst, iface, pathmtu): the parser, the cmsg panel, the
 * status line and the reports all read it.
 */
struct mc_cm_flag_info {
    unsigned flag;         /* one MC_CM_* bit */
    const char *word;      /* the command word, IPv6's name ("hoplimit") */
    const char *word4;     /* the IPv4 spelling ("ttl"), NULL: the same */
    const char *label_on;  /* the status line when on ("HL") */
    const char *label_off; /* ... when off ("hl") */
    const char *what;      /* the panel: "hop limit (IPv6) / TTL (IPv4)" */
    const char *json;      /* the reports' key ("hoplimit") */
};

/* The table; *n (may be NULL) gets its length.  Static, never changes. */
const struct mc_cm_flag_info *mc_cm_flags(size_t *n);

/*
 * Every word of `cmsg FLAG`: the table's words in order, then the IPv4
 * spellings (ttl, tos): "tclass", "hoplimit", "src", "dst", "iface",
 * "pathmtu", "ttl", "tos".  Writes at most max into words; returns how
 * many there are.
 */
size_t mc_cm_flag_words(const char **words, size_t max);

/* Name of one flag as the command language spells it ("tclass"). */
const char *mc_cm_flag_name(unsigned flag, int family);
/*
 * Parse a command-language word (tclass, hoplimit, src, dst, iface,
 * pathmtu, ttl, tos) into one flag.  ttl is hoplimit and tos is tclass.
 */
int mc_cm_flag_parse(const char *word, unsigned *flag, struct mc_err *err);

/* Turn the receive options for flags on or off (SetControlMessage).  On
 * IPv4, MC_CM_PATHMTU is refused with -ENOPROTOOPT.  MC_CM_DST and
 * MC_CM_IFACE share one option (IP_PKTINFO / IPV6_RECVPKTINFO): turning
 * either off turns both off, as x/net does. */
int mc_cmsg_set_flags(int fd, unsigned flags, bool on, struct mc_err *err);

/* Control buffer size that holds every cmsg the flags (plus timestamps
 * and drop counters) can bring, for either family. */
size_t mc_cmsg_space(void);

/*
 * Parse the control data and msg_name of a received message into out
 * (cleared first).  Unknown cmsgs are skipped; msg_flags MSG_CTRUNC and
 * MSG_TRUNC are reported.  The source is taken from msg_name.
 */
void mc_cmsg_parse(const struct msghdr *msg, struct mc_cmsg *out);

/*
 * Marshal the fields of cm that `have` marks (TCLASS, HOPLIMIT, SRC and
 * IFACE) for sending on a socket of family into buf.  Returns the bytes
 * used (0 when nothing to send) or a negative errno (-ENOBUFS: buf too
 * small; -EAFNOSUPPORT: an address of the other family).
 */
int mc_cmsg_marshal(const struct mc_cmsg *cm, int family, void *buf, size_t len,
                    struct mc_err *err);

/* A one-line text of the fields present, e.g.
 * "tclass=0x28 hoplimit=7 src=fd42::1 dst=ff3e::1 if=3". Returns buf. */
const char *mc_cmsg_format(const struct mc_cmsg *cm, char *buf, size_t len);

#endif
