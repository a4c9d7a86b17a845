/*
 * mcscope core: IPv4 and IPv6 headers (ipv4.Header, ipv6.Header) for raw
 * sockets and the wire decoder.  Fields are in host order.
 */
#ifndef MCSCOPE_HDR_H
#define MCSCOPE_HDR_H

#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"

#define MC_IP4_HDRLEN 20
#define MC_IP6_HDRLEN 40

struct mc_ip4_hdr {
    unsigned version, len; /* len: header length in bytes, options included */
    unsigned tos;
    unsigned total_len;
    unsigned id;
    unsigned flags;    /* 1 more fragments, 2 don't fragment */
    unsigned frag_off; /* in 8-byte units */
    unsigned ttl, protocol, checksum;
    struct mc_addr src, dst;
    uint8_t options[40];
    size_t options_len;
};

struct mc_ip6_hdr {
    unsigned version, tclass;
    uint32_t flow_label;
    unsigned payload_len, next_header, hop_limit;
    struct mc_addr src, dst;
};

/* Parse; -EINVAL (wrong version, or a length field that does not fit) or
 * -EMSGSIZE (shorter than the header) on bad input. */
int mc_ip4_hdr_parse(const uint8_t *b, size_t len, struct mc_ip4_hdr *h);
int mc_ip6_hdr_parse(const uint8_t *b, size_t len, struct mc_ip6_hdr *h);
/* Marshal into b (h->len bytes, checksum computed); returns bytes or
 * a negative errno. */
int mc_ip4_hdr_marshal(const struct mc_ip4_hdr *h, uint8_t *b, size_t len);

/* The Internet checksum (RFC 1071) of len bytes. */
uint16_t mc_inet_checksum(const void *data, size_t len);

#endif
