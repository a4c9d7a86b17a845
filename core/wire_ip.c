/*
 * mcscope core: the IP layer of the wire decoder: the IPv4 header and its
 * options (RFC 791), the IPv6 header and its extension headers (RFC 8200),
 * then the upper layer (UDP, MLD, IGMP) by protocol number.  Linux sends
 * MLD behind a Hop-by-Hop header with Router Alert and IGMP with the IPv4
 * Router Alert option: both are walked here.
 */
#include "wire_priv.h"

#include <errno.h>

#include "mcscope/hdr.h"

static enum mc_wire_status decode_l4(struct mc_wire_pkt *p, const struct l4 *u)
{
    if (p->later_fragment) {
        p->kind = MC_WIRE_KIND_OTHER;
        return MC_WIRE_OK;
    }
    switch (p->ip_proto) {
    case PROTO_UDP:
        return mc__wire_udp(p, u);
    case PROTO_ICMPV6:
        if (p->family == AF_INET6)
            return mc__wire_icmp6(p, u);
        break;
    case PROTO_IGMP:
        if (p->family == AF_INET)
            return mc__wire_igmp(p, u);
        break;
    default:
        break;
    }
    p->kind = MC_WIRE_KIND_OTHER;
    return MC_WIRE_OK;
}

/* ---- IPv4 (RFC 791) ---- */

/*
 * Walk the options (RFC 791 §3.1): End of List (0) ends them, No
 * Operation (1) is one byte, every other is type, length (counting both),
 * data.  Router Alert (RFC 2113) is type 0x94, length 4.
 */
static bool ip4_options(const uint8_t *o, size_t len, bool *router_alert)
{
    size_t i = 0;

    while (i < len) {
        unsigned t = o[i], olen;

        if (t == 0)
            break;
        if (t == 1) {
            i++;
            continue;
        }
        if (len - i < 2)
            return false;
        olen = o[i + 1];
        if (olen < 2 || olen > len - i)
            return false;
        if (t == 0x94 && olen == 4)
            *router_alert = true;
        i += olen;
    }
    return true;
}

enum mc_wire_status mc__wire_ip4(struct mc_wire_pkt *p, const uint8_t *b,
                                 size_t len)
{
    struct mc_ip4_hdr h;
    struct l4 u;
    int rc = mc_ip4_hdr_parse(b, len, &h);

    if (rc == -EMSGSIZE)
        return malformed(p, "truncated IPv4 header");
    if (rc < 0)
        return malformed(p, "bad IPv4 header (version, IHL or length)");
    /* the addresses first: a malformed packet still says who sent it */
    p->family = AF_INET;
    p->src = h.src;
    p->dst = h.dst;
    p->hoplimit = h.ttl;
    p->tclass = h.tos;
    p->ip_proto = h.protocol;
    p->ip_len = h.total_len;
    if (mc_inet_checksum(b, h.len) != 0)
        return malformed(p, "bad IPv4 header checksum");
    if (!ip4_options(h.options, h.options_len, &p->router_alert))
        return malformed(p, "bad IPv4 option");
    p->fragment = (h.flags & 1) != 0 || h.frag_off != 0;
    p->later_fragment = h.frag_off != 0;
    p->truncated = len < h.total_len;
    u.b = b + h.len;
    u.wire = h.total_len - h.len;
    u.cap = (p->truncated ? len : h.total_len) - h.len;
    return decode_l4(p, &u);
}

/* ---- IPv6 (RFC 8200) ---- */

/*
 * The options of a Hop-by-Hop or Destination Options header (RFC 8200
 * §4.2): Pad1 (0) is one byte, every other is type, data length, data.
 * Router Alert (RFC 2711) is type 5 with 2 bytes of data.
 */
static bool ip6_options(const uint8_t *o, size_t len, bool hbh,
                        bool *router_alert)
{
    size_t i = 0;

    while (i < len) {
        size_t dlen;

        if (o[i] == 0) {
            i++;
            continue;
        }
        if (len - i < 2)
            return false;
        dlen = o[i + 1];
        if (dlen > len - i - 2)
            return false;
        if (hbh && o[i] == 5 && dlen == 2)
            *router_alert = true;
        i += 2 + dlen;
    }
    return true;
}

/* Length of the extension header at h (2 bytes readable), by its kind. */
static size_t ext_len(unsigned nh, const uint8_t *h)
{
    if (nh == PROTO_FRAGMENT)
        return 8;
    if (nh == PROTO_AH)
        return ((size_t)h[1] + 2) * 4; /* RFC 4302 §2.2 */
    return ((size_t)h[1] + 1) * 8;     /* RFC 8200 §4.3, RFC 7045 */
}

static bool is_ext(unsigned nh)
{
    return nh == PROTO_HOPOPTS || nh == PROTO_ROUTING || nh == PROTO_FRAGMENT ||
           nh == PROTO_AH || nh == PROTO_DSTOPTS || nh == PROTO_MOBILITY ||
           nh == PROTO_HIP || nh == PROTO_SHIM6;
}

/* What one extension header tells (already bounds-checked). */
static const char *ext_header(struct mc_wire_pkt *p, unsigned nh,
                              const uint8_t *h, size_t hl, bool first)
{
    if (nh == PROTO_HOPOPTS && !first)
        return "Hop-by-Hop header not first (RFC 8200 §4.1)";
    if ((nh == PROTO_HOPOPTS || nh == PROTO_DSTOPTS) &&
        !ip6_options(h + 2, hl - 2, nh == PROTO_HOPOPTS, &p->router_alert))
        return "bad IPv6 option";
    if (nh == PROTO_FRAGMENT) {
        unsigned off = get16(h + 2);

        p->fragment = true;
        /* fragment offset in 8-byte units, then 2 reserved bits, M */
        if (off >> 3 != 0)
            p->later_fragment = true;
    }
    return NULL;
}

/*
 * Walk the extension headers up to the upper layer (RFC 8200 §4).  Each
 * is at least 8 bytes, so the walk ends.  u->b/wire/cap then describe the
 * upper layer; a later fragment stops at its Fragment header.
 */
static enum mc_wire_status walk_ext(struct mc_wire_pkt *p, struct l4 *u,
                                    unsigned nh)
{
    bool first = true;

    while (is_ext(nh) && !p->later_fragment) {
        const char *why;
        size_t hl;

        if (u->wire < 2)
            return malformed(p, "extension header past the payload length");
        if (u->cap < 2)
            return malformed(p, "truncated extension header");
        hl = ext_len(nh, u->b);
        if (hl > u->wire)
            return malformed(p, "extension header past the payload length");
        if (hl > u->cap)
            return malformed(p, "truncated extension header");
        why = ext_header(p, nh, u->b, hl, first);
        if (why != NULL)
            return malformed(p, why);
        nh = u->b[0];
        u->b += hl;
        u->wire -= hl;
        u->cap -= hl;
        first = false;
    }
    p->ip_proto = nh;
    return MC_WIRE_OK;
}

enum mc_wire_status mc__wire_ip6(struct mc_wire_pkt *p, const uint8_t *b,
                                 size_t len)
{
    struct mc_ip6_hdr h;
    struct l4 u;
    int rc = mc_ip6_hdr_parse(b, len, &h);

    if (rc == -EMSGSIZE)
        return malformed(p, "truncated IPv6 header");
    if (rc < 0)
        return malformed(p, "bad IPv6 header (version)");
    p->family = AF_INET6;
    p->src = h.src;
    p->dst = h.dst;
    p->hoplimit = h.hop_limit;
    p->tclass = h.tclass;
    p->ip_len = MC_IP6_HDRLEN + (size_t)h.payload_len;
    p->truncated = len < p->ip_len;
    u.b = b + MC_IP6_HDRLEN;
    u.wire = h.payload_len;
    u.cap = (p->truncated ? len : p->ip_len) - MC_IP6_HDRLEN;
    if (walk_ext(p, &u, h.next_header) != MC_WIRE_OK)
        return p->status;
    return decode_l4(p, &u);
}
