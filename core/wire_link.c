/*
 * mcscope core: the link layer of the wire decoder (Ethernet with VLAN
 * tags, Linux cooked v1 and v2, raw IP) and mc_wire_decode, where every
 * frame starts.
 */
#include "wire_priv.h"

#define ETH_HLEN 14
#define SLL_HLEN 16
#define SLL2_HLEN 20

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd

/* Linux packet types in the cooked headers (<linux/if_packet.h>). */
#define PKT_HOST 0
#define PKT_BROADCAST 1
#define PKT_MULTICAST 2
#define PKT_OTHERHOST 3
#define PKT_OUTGOING 4

bool mc_wire_link_supported(int linktype)
{
    switch (linktype) {
    case MC_LINK_EN10MB:
    case MC_LINK_RAW:
    case MC_LINK_RAW_FILE:
    case MC_LINK_LINUX_SLL:
    case MC_LINK_IPV4:
    case MC_LINK_IPV6:
    case MC_LINK_LINUX_SLL2:
        return true;
    default:
        return false;
    }
}

/* ---- link layers ---- */

static bool is_vlan(unsigned ethertype)
{
    return ethertype == 0x8100 || ethertype == 0x88a8 || ethertype == 0x9100;
}

/* From an ethertype at b[-2..-1] on: VLAN tags, then IPv4 or IPv6. */
static enum mc_wire_status decode_ethertype(struct mc_wire_pkt *p,
                                            unsigned type, const uint8_t *b,
                                            size_t len)
{
    while (is_vlan(type)) {
        if (len < 4)
            return malformed(p, "truncated VLAN tag");
        if (p->nvlan++ == 0)
            p->vlan_id = get16(b) & 0xfff;
        type = get16(b + 2);
        b += 4;
        len -= 4;
    }
    p->ethertype = type;
    if (type == ETHERTYPE_IPV4)
        return mc__wire_ip4(p, b, len);
    if (type == ETHERTYPE_IPV6)
        return mc__wire_ip6(p, b, len);
    p->status = MC_WIRE_NOT_IP;
    p->reason = "not IPv4 or IPv6";
    return p->status;
}

static enum mc_wire_dir dir_of_pkttype(unsigned t)
{
    switch (t) {
    case PKT_HOST:
    case PKT_BROADCAST:
    case PKT_MULTICAST:
    case PKT_OTHERHOST:
        return MC_WIRE_DIR_IN;
    case PKT_OUTGOING:
        return MC_WIRE_DIR_OUT;
    default:
        return MC_WIRE_DIR_UNKNOWN;
    }
}

/* The link address of a cooked header, when it is a 6-byte MAC. */
static void sll_mac(struct mc_wire_pkt *p, unsigned halen, const uint8_t *a)
{
    if (halen != 6)
        return;
    p->have_src_mac = true;
    memcpy(p->src_mac, a, 6);
}

/*
 * Linux cooked v1 (pcap-linktype(7) LINKTYPE_LINUX_SLL): 0-1 packet type |
 * 2-3 ARPHRD type | 4-5 address length | 6-13 address | 14-15 protocol.
 */
static enum mc_wire_status decode_sll(struct mc_wire_pkt *p, const uint8_t *b,
                                      size_t len)
{
    if (len < SLL_HLEN)
        return malformed(p, "truncated cooked (SLL) header");
    p->pkttype = (int)get16(b);
    p->dir = dir_of_pkttype(get16(b));
    sll_mac(p, get16(b + 4), b + 6);
    return decode_ethertype(p, get16(b + 14), b + SLL_HLEN, len - SLL_HLEN);
}

/*
 * Linux cooked v2 (LINKTYPE_LINUX_SLL2): 0-1 protocol | 2-3 reserved |
 * 4-7 interface index | 8-9 ARPHRD type | 10 packet type |
 * 11 address length | 12-19 address.
 */
static enum mc_wire_status decode_sll2(struct mc_wire_pkt *p, const uint8_t *b,
                                       size_t len)
{
    if (len < SLL2_HLEN)
        return malformed(p, "truncated cooked (SLL2) header");
    p->ifindex = get32(b + 4);
    p->pkttype = b[10];
    p->dir = dir_of_pkttype(b[10]);
    sll_mac(p, b[11], b + 12);
    return decode_ethertype(p, get16(b), b + SLL2_HLEN, len - SLL2_HLEN);
}

static enum mc_wire_status decode_ether(struct mc_wire_pkt *p, const uint8_t *b,
                                        size_t len)
{
    if (len < ETH_HLEN)
        return malformed(p, "truncated Ethernet header");
    p->have_src_mac = true;
    memcpy(p->src_mac, b + 6, 6);
    return decode_ethertype(p, get16(b + 12), b + ETH_HLEN, len - ETH_HLEN);
}

/* Raw IP: the version nibble decides, unless the link type fixed it. */
static enum mc_wire_status decode_raw(struct mc_wire_pkt *p, int version,
                                      const uint8_t *b, size_t len)
{
    if (version == 0) {
        if (len < 1)
            return malformed(p, "empty raw IP frame");
        version = b[0] >> 4;
    }
    if (version == 4)
        return mc__wire_ip4(p, b, len);
    if (version == 6)
        return mc__wire_ip6(p, b, len);
    return malformed(p, "raw IP frame of an unknown IP version");
}

enum mc_wire_status mc_wire_decode(int linktype, const uint8_t *frame,
                                   size_t caplen, struct mc_wire_pkt *out)
{
    memset(out, 0, sizeof *out);
    out->linktype = linktype;
    out->pkttype = -1;
    out->status = MC_WIRE_OK;
    if (frame == NULL)
        caplen = 0;
    switch (linktype) {
    case MC_LINK_EN10MB:
        return decode_ether(out, frame, caplen);
    case MC_LINK_LINUX_SLL:
        return decode_sll(out, frame, caplen);
    case MC_LINK_LINUX_SLL2:
        return decode_sll2(out, frame, caplen);
    case MC_LINK_RAW:
    case MC_LINK_RAW_FILE:
        return decode_raw(out, 0, frame, caplen);
    case MC_LINK_IPV4:
        return decode_raw(out, 4, frame, caplen);
    case MC_LINK_IPV6:
        return decode_raw(out, 6, frame, caplen);
    default:
        out->status = MC_WIRE_NOT_IP;
        out->reason = "link type not decoded";
        return out->status;
    }
}
