/*
 * mcscope core: what the files of the wire decoder share (private; not
 * under core/include).  The public contract is mcscope/wire.h.
 *
 * A frame goes down one way: wire_link.c (link layers, mc_wire_decode) ->
 * wire_ip.c (IPv4 options, IPv6 extension headers, the upper layer) ->
 * wire_udp.c, wire_mld.c, wire_igmp.c; the last two read their records
 * through wire_msg.c.  wire_format.c names and formats what was decoded;
 * wire_capture.c reads frames from libpcap and hands them to
 * mc_wire_decode.
 *
 * Decoding reads a frame through bounds known up front: every read is
 * preceded by a check against the bytes that remain, and the IP length
 * field only ever shrinks what is read (trailing Ethernet padding), never
 * extends it.
 */
#ifndef MCSCOPE_WIRE_PRIV_H
#define MCSCOPE_WIRE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "mcscope/wire.h"

#define PROTO_HOPOPTS 0
#define PROTO_IGMP 2
#define PROTO_UDP 17
#define PROTO_ROUTING 43
#define PROTO_FRAGMENT 44
#define PROTO_AH 51
#define PROTO_ICMPV6 58
#define PROTO_NONE 59
#define PROTO_DSTOPTS 60
#define PROTO_MOBILITY 135
#define PROTO_HIP 139
#define PROTO_SHIM6 140

#define UDP_HLEN 8
#define MLD_V1_LEN 24
#define MLD_V2_QUERY_MIN 28
#define MLD_REC_MIN 20
#define IGMP_MIN 8
#define IGMP_V3_QUERY_MIN 12
#define IGMP_REC_MIN 8

/* ---- bytes ---- */

static inline unsigned get16(const uint8_t *b)
{
    return (unsigned)b[0] << 8 | b[1];
}

static inline uint32_t get32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
           b[3];
}

static inline void addr_from(int family, const uint8_t *b, struct mc_addr *a)
{
    memset(a, 0, sizeof *a);
    a->family = family;
    if (family == AF_INET)
        memcpy(&a->u.v4, b, 4);
    else
        memcpy(&a->u.v6, b, 16);
}

static inline size_t addr_size(int family)
{
    return family == AF_INET ? 4 : 16;
}

static inline enum mc_wire_status malformed(struct mc_wire_pkt *p,
                                            const char *why)
{
    p->status = MC_WIRE_MALFORMED;
    p->reason = why;
    p->kind = MC_WIRE_KIND_NONE;
    return p->status;
}

/*
 * The upper-layer bytes of one packet: wire is what the IP header says
 * they are, cap what the frame holds (cap <= wire).
 */
struct l4 {
    const uint8_t *b;
    size_t wire, cap;
};

/* wire_ip.c: an IPv4 or IPv6 packet of len bytes at b, down to the upper
 * layer */
enum mc_wire_status mc__wire_ip4(struct mc_wire_pkt *p, const uint8_t *b,
                                 size_t len);
enum mc_wire_status mc__wire_ip6(struct mc_wire_pkt *p, const uint8_t *b,
                                 size_t len);

/* wire_udp.c */
enum mc_wire_status mc__wire_udp(struct mc_wire_pkt *p, const struct l4 *u);

/* wire_mld.c: an ICMPv6 message (MLD or another type) */
enum mc_wire_status mc__wire_icmp6(struct mc_wire_pkt *p, const struct l4 *u);

/* wire_igmp.c */
enum mc_wire_status mc__wire_igmp(struct mc_wire_pkt *p, const struct l4 *u);

/* wire_msg.c: what MLD and IGMP messages share */
uint32_t mc__wire_code8_value(unsigned code);
/* The part an MLDv2 query (from byte 24) and an IGMPv3 query (from byte
 * 8) have in common: resv:4 S:1 QRV:3 | QQIC | N (2 bytes) | N sources.
 * t points at it, len >= 4 bytes from there; p->msg.proto is set. */
enum mc_wire_status mc__wire_query_v3(struct mc_wire_pkt *p, const uint8_t *t,
                                      size_t len);
/* An MLDv2 or IGMPv3 report (the same layout: 6-7 record count, records
 * from byte 8) of len >= 8 bytes. */
enum mc_wire_status mc__wire_report_v3(struct mc_wire_pkt *p,
                                       enum mc_wire_proto proto,
                                       const uint8_t *m, size_t len);
const char *mc__wire_whole_message(const struct mc_wire_pkt *p,
                                   const struct l4 *u);

#endif
