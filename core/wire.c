/*
 * mcscope core: the wire.  Frame decoding (link layer, IPv4/IPv6 with
 * options and extension headers, UDP, MLD, IGMP) and the libpcap capture
 * around it.  See mcscope/wire.h for the contracts.
 *
 * Decoding reads a frame through bounds known up front: every read is
 * preceded by a check against the bytes that remain, and the IP length
 * field only ever shrinks what is read (trailing Ethernet padding), never
 * extends it.  The MLD and IGMP message layouts:
 *
 *   MLDv1 (RFC 2710 §3), 24 bytes:
 *     0 type | 1 code | 2-3 checksum | 4-5 max resp delay (ms) |
 *     6-7 reserved | 8-23 multicast address
 *   MLDv2 query (RFC 3810 §5.1), 28 + 16 N bytes:
 *     MLDv1's first 24 (4-5: max resp code) | 24 resv:4 S:1 QRV:3 |
 *     25 QQIC | 26-27 N | 28.. N sources
 *   MLDv2 report (RFC 3810 §5.2):
 *     0 type 143 | 1 reserved | 2-3 checksum | 4-5 reserved | 6-7 M |
 *     8.. M records: 0 type | 1 aux len (words) | 2-3 N | 4-19 group |
 *                    N sources of 16 bytes | aux len * 4 bytes
 *   IGMPv1/v2 (RFC 1112 App. I, RFC 2236 §2), 8 bytes:
 *     0 type | 1 max resp time (1/10 s; v1: 0) | 2-3 checksum | 4-7 group
 *   IGMPv3 query (RFC 3376 §4.1), 12 + 4 N bytes:
 *     IGMPv2's first 8 (1: max resp code) | 8 resv:4 S:1 QRV:3 | 9 QQIC |
 *     10-11 N | 12.. N sources
 *   IGMPv3 report (RFC 3376 §4.2):
 *     0 type 0x22 | 1 reserved | 2-3 checksum | 4-5 reserved | 6-7 M |
 *     8.. M records: 0 type | 1 aux len | 2-3 N | 4-7 group |
 *                    N sources of 4 bytes | aux len * 4 bytes
 */
#include "mcscope/wire.h"

#include <errno.h>
#include <net/if.h>
#include <pcap/pcap.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mcscope/hdr.h"
#include "mcscope/priv.h"

#define ETH_HLEN 14
#define SLL_HLEN 16
#define SLL2_HLEN 20

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd

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

/* Linux packet types in the cooked headers (<linux/if_packet.h>). */
#define PKT_HOST 0
#define PKT_BROADCAST 1
#define PKT_MULTICAST 2
#define PKT_OTHERHOST 3
#define PKT_OUTGOING 4

/* ---- bytes ---- */

static unsigned get16(const uint8_t *b)
{
    return (unsigned)b[0] << 8 | b[1];
}

static uint32_t get32(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 |
           b[3];
}

static void addr_from(int family, const uint8_t *b, struct mc_addr *a)
{
    memset(a, 0, sizeof *a);
    a->family = family;
    if (family == AF_INET)
        memcpy(&a->u.v4, b, 4);
    else
        memcpy(&a->u.v6, b, 16);
}

static size_t addr_size(int family)
{
    return family == AF_INET ? 4 : 16;
}

static enum mc_wire_status malformed(struct mc_wire_pkt *p, const char *why)
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

/* ---- names ---- */

const char *mc_wire_proto_name(enum mc_wire_proto p)
{
    static const char *const names[] = {"none",   "mldv1",  "mldv2",
                                        "igmpv1", "igmpv2", "igmpv3"};

    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "none";
}

const char *mc_wire_rec_type_name(unsigned type)
{
    static const char *const names[] = {
        "UNKNOWN",           "MODE_IS_INCLUDE",   "MODE_IS_EXCLUDE",
        "CHANGE_TO_INCLUDE", "CHANGE_TO_EXCLUDE", "ALLOW_NEW_SOURCES",
        "BLOCK_OLD_SOURCES",
    };

    return type < sizeof names / sizeof names[0] ? names[type] : names[0];
}

const char *mc_wire_msg_type_name(enum mc_wire_msg_type t)
{
    switch (t) {
    case MC_MSG_QUERY:
        return "query";
    case MC_MSG_REPORT:
        return "report";
    case MC_MSG_LEAVE:
        return "leave";
    default:
        return "none";
    }
}

const char *mc_wire_dir_name(enum mc_wire_dir d)
{
    return d == MC_WIRE_DIR_IN ? "in" : d == MC_WIRE_DIR_OUT ? "out" : "?";
}

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

/* ---- query timers ---- */

/*
 * RFC 3810 §5.1.3: a Maximum Response Code below 32768 is milliseconds;
 * otherwise 1 | exp:3 | mant:12 means (mant | 0x1000) << (exp + 3).
 */
static uint32_t mld2_max_resp_ms(unsigned code)
{
    if (code < 0x8000)
        return code;
    return (uint32_t)((code & 0xfff) | 0x1000) << (((code >> 12) & 7) + 3);
}

/*
 * RFC 3376 §4.1.1 and §4.1.7, RFC 3810 §5.1.9: an 8-bit code below 128 is
 * the value; otherwise 1 | exp:3 | mant:4 means (mant | 0x10) << (exp + 3).
 */
static uint32_t code8_value(unsigned code)
{
    if (code < 0x80)
        return code;
    return (uint32_t)((code & 0xf) | 0x10) << (((code >> 4) & 7) + 3);
}

/* ---- checksums ---- */

/* The ones' complement sum (RFC 1071), folded, of len bytes. */
static unsigned sum16(const void *b, size_t len)
{
    return (uint16_t)~mc_inet_checksum(b, len);
}

/*
 * The ICMPv6 checksum (RFC 4443 §2.3) covers the pseudo-header of RFC
 * 8200 §8.1 (source, destination, upper-layer length, next header 58) and
 * the message.  The pseudo-header's 40 bytes keep the message's words
 * aligned, so the two sums add up as one.  The destination is the header's:
 * with a Routing header it would be the final one (MLD never has one).
 */
static bool icmp6_checksum_ok(const struct mc_wire_pkt *p, const uint8_t *m,
                              size_t len)
{
    uint8_t ph[40];
    uint32_t s;

    memcpy(ph, &p->src.u.v6, 16);
    memcpy(ph + 16, &p->dst.u.v6, 16);
    ph[32] = (uint8_t)(len >> 24);
    ph[33] = (uint8_t)(len >> 16);
    ph[34] = (uint8_t)(len >> 8);
    ph[35] = (uint8_t)len;
    ph[36] = ph[37] = ph[38] = 0;
    ph[39] = PROTO_ICMPV6;
    s = sum16(ph, sizeof ph) + sum16(m, len);
    s = (s & 0xffff) + (s >> 16);
    return s == 0xffff;
}

/* ---- records ---- */

/* Size of the record at r (at least min bytes there), from its counts. */
static size_t rec_size(const uint8_t *r, int family)
{
    size_t hdr = family == AF_INET ? IGMP_REC_MIN : MLD_REC_MIN;

    return hdr + get16(r + 2) * addr_size(family) + (size_t)r[1] * 4;
}

/*
 * Check that n records fit in b[0..len): each header, its sources and its
 * aux data.  Trailing bytes after the last record are allowed.
 */
static bool records_fit(const uint8_t *b, size_t len, size_t n, int family)
{
    size_t min = family == AF_INET ? IGMP_REC_MIN : MLD_REC_MIN;

    for (size_t i = 0; i < n; i++) {
        size_t sz;

        if (len < min)
            return false;
        sz = rec_size(b, family);
        if (sz > len)
            return false;
        b += sz;
        len -= sz;
    }
    return true;
}

static int msg_family(const struct mc_wire_msg *m)
{
    return m->proto == MC_PROTO_MLDV1 || m->proto == MC_PROTO_MLDV2 ? AF_INET6
                                                                    : AF_INET;
}

void mc_wire_rec_begin(const struct mc_wire_msg *m, struct mc_wire_rec_iter *it)
{
    bool v3 = m->type == MC_MSG_REPORT &&
              (m->proto == MC_PROTO_MLDV2 || m->proto == MC_PROTO_IGMPV3);

    it->p = m->list;
    it->left = v3 && m->list != NULL ? m->nrecords : 0;
    it->family = msg_family(m);
}

bool mc_wire_rec_next(struct mc_wire_rec_iter *it, struct mc_wire_rec *rec)
{
    const uint8_t *r = it->p;
    size_t asz = addr_size(it->family);

    if (it->left == 0)
        return false;
    memset(rec, 0, sizeof *rec);
    rec->family = it->family;
    rec->type = r[0];
    rec->aux_words = r[1];
    rec->nsources = get16(r + 2);
    addr_from(it->family, r + 4, &rec->group);
    rec->sources = r + 4 + asz;
    rec->aux = rec->sources + rec->nsources * asz;
    it->p += rec_size(r, it->family);
    it->left--;
    return true;
}

void mc_wire_rec_source(const struct mc_wire_rec *r, size_t i,
                        struct mc_addr *out)
{
    if (i >= r->nsources) {
        memset(out, 0, sizeof *out);
        return;
    }
    addr_from(r->family, r->sources + i * addr_size(r->family), out);
}

void mc_wire_query_source(const struct mc_wire_msg *m, size_t i,
                          struct mc_addr *out)
{
    int family = msg_family(m);

    if (m->type != MC_MSG_QUERY || m->list == NULL || i >= m->nsources) {
        memset(out, 0, sizeof *out);
        return;
    }
    addr_from(family, m->list + i * addr_size(family), out);
}

/* ---- MLD (RFC 2710, RFC 3810) ---- */

static enum mc_wire_status mld_query(struct mc_wire_pkt *p, const uint8_t *m,
                                     size_t len)
{
    struct mc_wire_msg *q = &p->msg;

    q->type = MC_MSG_QUERY;
    addr_from(AF_INET6, m + 8, &q->group);
    if (len == MLD_V1_LEN) {
        q->proto = MC_PROTO_MLDV1;
        q->max_resp_ms = get16(m + 4);
        return MC_WIRE_OK;
    }
    /* RFC 3810 §8.1: 24 bytes is MLDv1, 28 or more MLDv2, others are
     * not valid queries */
    if (len < MLD_V2_QUERY_MIN)
        return malformed(p, "MLD query of 25-27 bytes (RFC 3810 §8.1)");
    q->proto = MC_PROTO_MLDV2;
    q->max_resp_ms = mld2_max_resp_ms(get16(m + 4));
    q->s_flag = (m[24] >> 3) & 1;
    q->qrv = m[24] & 7;
    q->qqi_s = code8_value(m[25]);
    q->nsources = get16(m + 26);
    if (q->nsources > (len - MLD_V2_QUERY_MIN) / 16)
        return malformed(p, "MLDv2 query: sources run past the message");
    q->list = m + MLD_V2_QUERY_MIN;
    return MC_WIRE_OK;
}

static enum mc_wire_status mld_report2(struct mc_wire_pkt *p, const uint8_t *m,
                                       size_t len)
{
    struct mc_wire_msg *r = &p->msg;

    r->proto = MC_PROTO_MLDV2;
    r->type = MC_MSG_REPORT;
    r->nrecords = get16(m + 6);
    if (!records_fit(m + 8, len - 8, r->nrecords, AF_INET6))
        return malformed(p, "MLDv2 report: records run past the message");
    r->list = m + 8;
    return MC_WIRE_OK;
}

/* Whether an ICMPv6 type is an MLD message. */
static bool is_mld_type(unsigned t)
{
    return t == 130 || t == 131 || t == 132 || t == 143;
}

/*
 * A whole, unfragmented message is needed to check the checksum and the
 * records: a snaplen cut or a fragment is malformed for our purposes.
 */
static const char *whole_message(const struct mc_wire_pkt *p,
                                 const struct l4 *u)
{
    if (p->fragment)
        return "fragmented MLD/IGMP message (not reassembled)";
    if (u->cap < u->wire)
        return "MLD/IGMP message cut short by the capture (snaplen)";
    return NULL;
}

static enum mc_wire_status decode_icmp6(struct mc_wire_pkt *p,
                                        const struct l4 *u)
{
    const uint8_t *m = u->b;
    const char *why;

    if (u->cap < 4)
        return malformed(p, u->wire < 4 ? "ICMPv6 header past the payload"
                                        : "truncated ICMPv6 header");
    p->msg.raw_type = m[0];
    if (!is_mld_type(m[0])) {
        p->kind = MC_WIRE_KIND_OTHER;
        return MC_WIRE_OK;
    }
    why = whole_message(p, u);
    if (why != NULL)
        return malformed(p, why);
    if (!icmp6_checksum_ok(p, m, u->wire))
        return malformed(p, "bad ICMPv6 checksum");
    p->kind = MC_WIRE_KIND_MLD;
    if (m[0] == 143) {
        if (u->wire < 8)
            return malformed(p, "MLDv2 report shorter than 8 bytes");
        return mld_report2(p, m, u->wire);
    }
    if (u->wire < MLD_V1_LEN)
        return malformed(p, "MLD message shorter than 24 bytes");
    if (m[0] == 130)
        return mld_query(p, m, u->wire);
    p->msg.proto = MC_PROTO_MLDV1;
    p->msg.type = m[0] == 131 ? MC_MSG_REPORT : MC_MSG_LEAVE;
    addr_from(AF_INET6, m + 8, &p->msg.group);
    return MC_WIRE_OK;
}

/* ---- IGMP (RFC 1112, RFC 2236, RFC 3376) ---- */

static enum mc_wire_status igmp_query(struct mc_wire_pkt *p, const uint8_t *m,
                                      size_t len)
{
    struct mc_wire_msg *q = &p->msg;

    q->type = MC_MSG_QUERY;
    addr_from(AF_INET, m + 4, &q->group);
    /* RFC 3376 §7.1: 8 bytes with code 0 is IGMPv1 (which means 10 s,
     * RFC 2236 §4), 8 bytes otherwise IGMPv2, 12 or more IGMPv3; other
     * lengths are to be ignored */
    if (len == IGMP_MIN) {
        q->proto = m[1] == 0 ? MC_PROTO_IGMPV1 : MC_PROTO_IGMPV2;
        q->max_resp_ms = m[1] == 0 ? 10000 : m[1] * 100u;
        return MC_WIRE_OK;
    }
    if (len < IGMP_V3_QUERY_MIN)
        return malformed(p, "IGMP query of 9-11 bytes (RFC 3376 §7.1)");
    q->proto = MC_PROTO_IGMPV3;
    q->max_resp_ms = code8_value(m[1]) * 100u;
    q->s_flag = (m[8] >> 3) & 1;
    q->qrv = m[8] & 7;
    q->qqi_s = code8_value(m[9]);
    q->nsources = get16(m + 10);
    if (q->nsources > (len - IGMP_V3_QUERY_MIN) / 4)
        return malformed(p, "IGMPv3 query: sources run past the message");
    q->list = m + IGMP_V3_QUERY_MIN;
    return MC_WIRE_OK;
}

static enum mc_wire_status igmp_report3(struct mc_wire_pkt *p, const uint8_t *m,
                                        size_t len)
{
    struct mc_wire_msg *r = &p->msg;

    r->proto = MC_PROTO_IGMPV3;
    r->type = MC_MSG_REPORT;
    r->nrecords = get16(m + 6);
    if (!records_fit(m + 8, len - 8, r->nrecords, AF_INET))
        return malformed(p, "IGMPv3 report: records run past the message");
    r->list = m + 8;
    return MC_WIRE_OK;
}

/* v1/v2 reports and the v2 leave: one group. */
static enum mc_wire_status igmp_simple(struct mc_wire_pkt *p, const uint8_t *m)
{
    static const struct {
        enum mc_wire_proto proto;
        enum mc_wire_msg_type type;
    } kinds[] = {
        {MC_PROTO_IGMPV1, MC_MSG_REPORT}, /* 0x12 */
        {MC_PROTO_IGMPV2, MC_MSG_REPORT}, /* 0x16 */
        {MC_PROTO_IGMPV2, MC_MSG_LEAVE},  /* 0x17 */
    };
    unsigned k = m[0] == 0x12 ? 0 : m[0] == 0x16 ? 1 : 2;

    p->msg.proto = kinds[k].proto;
    p->msg.type = kinds[k].type;
    addr_from(AF_INET, m + 4, &p->msg.group);
    return MC_WIRE_OK;
}

static enum mc_wire_status decode_igmp(struct mc_wire_pkt *p,
                                       const struct l4 *u)
{
    const uint8_t *m = u->b;
    const char *why;

    if (u->cap < 1)
        return malformed(p, u->wire < 1 ? "IGMP message past the payload"
                                        : "truncated IGMP message");
    p->msg.raw_type = m[0];
    if (m[0] != 0x11 && m[0] != 0x12 && m[0] != 0x16 && m[0] != 0x17 &&
        m[0] != 0x22) {
        p->kind = MC_WIRE_KIND_OTHER; /* DVMRP, PIMv1, mtrace, ... */
        return MC_WIRE_OK;
    }
    why = whole_message(p, u);
    if (why != NULL)
        return malformed(p, why);
    if (u->wire < IGMP_MIN)
        return malformed(p, "IGMP message shorter than 8 bytes");
    if (mc_inet_checksum(m, u->wire) != 0)
        return malformed(p, "bad IGMP checksum");
    p->kind = MC_WIRE_KIND_IGMP;
    switch (m[0]) {
    case 0x11:
        return igmp_query(p, m, u->wire);
    case 0x22:
        return igmp_report3(p, m, u->wire);
    default:
        return igmp_simple(p, m);
    }
}

/* ---- UDP (RFC 768) ---- */

static enum mc_wire_status decode_udp(struct mc_wire_pkt *p, const struct l4 *u)
{
    const uint8_t *h = u->b;
    size_t ulen;

    if (u->wire < UDP_HLEN)
        return malformed(p, "UDP header past the IP payload");
    if (u->cap < UDP_HLEN)
        return malformed(p, "truncated UDP header");
    ulen = get16(h + 4);
    /* A first fragment holds only part of the datagram the length counts;
     * RFC 2675's jumbograms (length 0) do not carry multicast. */
    if (ulen < UDP_HLEN || (!p->fragment && ulen > u->wire))
        return malformed(p, "bad UDP length");
    p->kind = MC_WIRE_KIND_UDP;
    p->udp.sport = (uint16_t)get16(h);
    p->udp.dport = (uint16_t)get16(h + 2);
    p->udp.len = ulen - UDP_HLEN;
    p->udp.payload = h + UDP_HLEN;
    p->udp.caplen = u->cap - UDP_HLEN;
    if (p->udp.caplen > p->udp.len)
        p->udp.caplen = p->udp.len;
    p->udp.is_probe =
        mc_probe_decode(p->udp.payload, p->udp.caplen, &p->udp.probe) == 0;
    return MC_WIRE_OK;
}

static enum mc_wire_status decode_l4(struct mc_wire_pkt *p, const struct l4 *u)
{
    if (p->later_fragment) {
        p->kind = MC_WIRE_KIND_OTHER;
        return MC_WIRE_OK;
    }
    switch (p->ip_proto) {
    case PROTO_UDP:
        return decode_udp(p, u);
    case PROTO_ICMPV6:
        if (p->family == AF_INET6)
            return decode_icmp6(p, u);
        break;
    case PROTO_IGMP:
        if (p->family == AF_INET)
            return decode_igmp(p, u);
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

static enum mc_wire_status decode_ip4(struct mc_wire_pkt *p, const uint8_t *b,
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

static enum mc_wire_status decode_ip6(struct mc_wire_pkt *p, const uint8_t *b,
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
        return decode_ip4(p, b, len);
    if (type == ETHERTYPE_IPV6)
        return decode_ip6(p, b, len);
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
        return decode_ip4(p, b, len);
    if (version == 6)
        return decode_ip6(p, b, len);
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

/* ---- formatting ---- */

struct outbuf {
    char *b;
    size_t len, used;
    bool cut;
};

__attribute__((format(printf, 2, 3))) static void put(struct outbuf *o,
                                                      const char *fmt, ...)
{
    va_list ap;
    int n;

    if (o->cut || o->len == 0)
        return;
    va_start(ap, fmt);
    n = vsnprintf(o->b + o->used, o->len - o->used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= o->len - o->used) {
        o->cut = true;
        o->used = o->len - 1;
        return;
    }
    o->used += (size_t)n;
}

static void put_addr(struct outbuf *o, const struct mc_addr *a)
{
    char s[MC_ADDR_STRLEN];

    put(o, "%s", mc_addr_format(a, s, sizeof s));
}

/* " {a, b}" from n sources read by get(i). */
static void put_sources(struct outbuf *o, size_t n,
                        void (*get)(const void *, size_t, struct mc_addr *),
                        const void *from)
{
    put(o, " {");
    for (size_t i = 0; i < n && !o->cut; i++) {
        struct mc_addr a;

        get(from, i, &a);
        if (i > 0)
            put(o, ", ");
        put_addr(o, &a);
    }
    put(o, "}");
}

static void rec_source_cb(const void *r, size_t i, struct mc_addr *a)
{
    mc_wire_rec_source(r, i, a);
}

static void query_source_cb(const void *m, size_t i, struct mc_addr *a)
{
    mc_wire_query_source(m, i, a);
}

static void put_msg(struct outbuf *o, const struct mc_wire_msg *m)
{
    struct mc_wire_rec_iter it;
    struct mc_wire_rec r;
    bool first = true;

    put(o, "%s %s", mc_wire_proto_name(m->proto),
        mc_wire_msg_type_name(m->type));
    if (m->type == MC_MSG_REPORT &&
        (m->proto == MC_PROTO_MLDV2 || m->proto == MC_PROTO_IGMPV3)) {
        put(o, ":");
        mc_wire_rec_begin(m, &it);
        while (mc_wire_rec_next(&it, &r) && !o->cut) {
            put(o, "%s %s ", first ? "" : ";", mc_wire_rec_type_name(r.type));
            put_addr(o, &r.group);
            put_sources(o, r.nsources, rec_source_cb, &r);
            first = false;
        }
        return;
    }
    put(o, " ");
    put_addr(o, &m->group);
    if (m->type == MC_MSG_QUERY &&
        (m->proto == MC_PROTO_MLDV2 || m->proto == MC_PROTO_IGMPV3))
        put_sources(o, m->nsources, query_source_cb, m);
}

static void put_udp(struct outbuf *o, const struct mc_wire_pkt *p)
{
    const char *l = p->family == AF_INET6 ? "[" : "";
    const char *r = p->family == AF_INET6 ? "]" : "";

    put(o, "udp %s", l);
    put_addr(o, &p->src);
    put(o, "%s:%u -> %s", r, p->udp.sport, l);
    put_addr(o, &p->dst);
    put(o, "%s:%u %zu bytes", r, p->udp.dport, p->udp.len);
}

const char *mc_wire_format(const struct mc_wire_pkt *p, char *buf, size_t len)
{
    struct outbuf o = {buf, len, 0, false};

    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (p->status == MC_WIRE_MALFORMED)
        put(&o, "malformed: %s", p->reason ? p->reason : "?");
    else if (p->status == MC_WIRE_NOT_IP)
        put(&o, "not IP: %s", p->reason ? p->reason : "?");
    else if (p->kind == MC_WIRE_KIND_UDP)
        put_udp(&o, p);
    else if (p->kind == MC_WIRE_KIND_MLD || p->kind == MC_WIRE_KIND_IGMP)
        put_msg(&o, &p->msg);
    else
        put(&o, "ip protocol %u%s", p->ip_proto,
            p->later_fragment ? " (fragment)" : "");
    if (o.cut && len > 4)
        memcpy(buf + len - 4, "...", 4);
    return buf;
}

/* ---- capture (libpcap) ---- */

#define DISPATCH_CHUNK 256
#define QUOTE_MAX 64

struct mc_capture {
    pcap_t *p;
    pcap_dumper_t *dump;
    char *name; /* interface, or the file's path */
    enum mc_capture_dir dir;
    int linktype;
    bool nano; /* time stamps in ns (else us) */
    bool offline;
    bool have_mac; /* the interface's own MAC, for MC_CAPTURE_BOTH */
    uint8_t mac[6];
    struct mc_capture_stats st;
    bool dumped_since_flush;
    mc_capture_fn fn; /* during mc_capture_dispatch */
    void *arg;
};

static const char *quote(const char *text, char *out)
{
    return mc_err_quote(text, strlen(text), QUOTE_MAX, out);
}

static struct mc_capture *capture_new(const char *name)
{
    struct mc_capture *c = calloc(1, sizeof *c);

    if (c == NULL)
        return NULL;
    c->name = strdup(name);
    if (c->name == NULL) {
        free(c);
        return NULL;
    }
    return c;
}

void mc_capture_close(struct mc_capture *c)
{
    if (c == NULL)
        return;
    mc_capture_dump_close(c, NULL);
    if (c->p != NULL)
        pcap_close(c->p);
    free(c->name);
    free(c);
}

/* The filter (NULL: the default, "": none) compiled and set on c. */
static int set_filter(struct mc_capture *c, const char *filter,
                      struct mc_err *err)
{
    struct bpf_program prog;
    char q[QUOTE_MAX + 4], e[PCAP_ERRBUF_SIZE + 4];
    int rc;

    if (filter == NULL)
        filter = MC_CAPTURE_FILTER_DEFAULT;
    if (filter[0] == '\0')
        return 0;
    if (pcap_compile(c->p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
        return mc_err_set(err, -EINVAL,
                          "capture filter \"%s\" does not compile: %s "
                          "(see pcap-filter(7))",
                          quote(filter, q), quote(pcap_geterr(c->p), e));
    rc = pcap_setfilter(c->p, &prog);
    pcap_freecode(&prog);
    if (rc < 0)
        return mc_err_set(err, -EIO, "cannot set the capture filter: %s",
                          quote(pcap_geterr(c->p), e));
    return 0;
}

/* pcap_activate's refusal as an errno and a sentence with the fix. */
static int activate_error(struct mc_capture *c, int rc, struct mc_err *err)
{
    char n[QUOTE_MAX + 4], e[PCAP_ERRBUF_SIZE + 4];
    const char *why = pcap_geterr(c->p);

    quote(c->name, n);
    if (rc == PCAP_ERROR_PERM_DENIED || strstr(why, "not permitted") != NULL)
        return mc_err_set(err, -EPERM, "capturing on %s needs CAP_NET_RAW: %s",
                          n, MC_PRIV_HOWTO);
    if (rc == PCAP_ERROR_NO_SUCH_DEVICE)
        return mc_err_set(err, -ENODEV,
                          "no interface %s in this network namespace: "
                          "see `ip link`",
                          n);
    if (rc == PCAP_ERROR_IFACE_NOT_UP)
        return mc_err_set(err, -ENETDOWN,
                          "%s is down: bring it up (ip link set %s up)", n, n);
    return mc_err_set(err, -EIO, "cannot capture on %s: %s", n, quote(why, e));
}

/* The interface's MAC (SIOCGIFHWADDR in the current network namespace). */
static void own_mac(struct mc_capture *c)
{
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", c->name);
    if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) {
        memcpy(c->mac, ifr.ifr_hwaddr.sa_data, 6);
        c->have_mac = true;
    }
    close(fd);
}

/* The interface's MTU (SIOCGIFMTU), or 0. */
static int iface_mtu(const char *name)
{
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int mtu = 0;

    if (fd < 0)
        return 0;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    if (ioctl(fd, SIOCGIFMTU, &ifr) == 0)
        mtu = ifr.ifr_mtu;
    close(fd);
    return mtu;
}

/*
 * The default snaplen: whole frames (MTU + 32: an SLL2 header and two
 * VLAN tags) and no more, because libpcap's immediate-mode ring has
 * fixed slots of snaplen bytes (see wire.h).
 */
static int default_snaplen(const char *name)
{
    int mtu = iface_mtu(name);

    if (mtu <= 0)
        return MC_CAPTURE_SNAPLEN_ANY;
    if (mtu > 65535 - 32)
        return 65535;
    return mtu + 32 < 256 ? 256 : mtu + 32;
}

/* Everything pcap_create'd handles need set before pcap_activate. */
static void configure(pcap_t *p, const char *name, int snaplen, int bufsize)
{
    pcap_set_snaplen(p, snaplen > 0 ? snaplen : default_snaplen(name));
    pcap_set_promisc(p, 0);
    /* deliver each frame at once, not when a ring block fills */
    pcap_set_immediate_mode(p, 1);
    pcap_set_buffer_size(p, bufsize > 0 ? bufsize : MC_CAPTURE_BUFSIZE_DEFAULT);
    /* refused (PCAP_ERROR_TSTAMP_PRECISION_NOTSUP) means microseconds */
    pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
}

/* pcap_setdirection(3PCAP): Linux supports it on live captures. */
static int set_direction(struct mc_capture *c, struct mc_err *err)
{
    char e[PCAP_ERRBUF_SIZE + 4];
    pcap_direction_t d = c->dir == MC_CAPTURE_IN ? PCAP_D_IN : PCAP_D_OUT;

    if (c->dir == MC_CAPTURE_BOTH)
        return 0;
    if (pcap_setdirection(c->p, d) < 0)
        return mc_err_set(err, -ENOTSUP,
                          "cannot capture only %s frames here: %s",
                          c->dir == MC_CAPTURE_IN ? "incoming" : "outgoing",
                          quote(pcap_geterr(c->p), e));
    return 0;
}

static int open_live(struct mc_capture *c, int snaplen, int bufsize,
                     const char *filter, struct mc_err *err)
{
    char ebuf[PCAP_ERRBUF_SIZE], e[PCAP_ERRBUF_SIZE + 4];
    int rc;

    ebuf[0] = '\0';
    c->p = pcap_create(c->name, ebuf);
    if (c->p == NULL)
        return mc_err_set(err, -EIO, "pcap_create: %s", quote(ebuf, e));
    configure(c->p, c->name, snaplen, bufsize);
    rc = pcap_activate(c->p);
    if (rc < 0)
        return activate_error(c, rc, err);
    if (pcap_setnonblock(c->p, 1, ebuf) < 0)
        return mc_err_set(err, -EIO, "pcap_setnonblock: %s", quote(ebuf, e));
    rc = set_direction(c, err);
    if (rc == 0)
        rc = set_filter(c, filter, err);
    if (rc < 0)
        return rc;
    c->linktype = pcap_datalink(c->p);
    c->nano = pcap_get_tstamp_precision(c->p) == PCAP_TSTAMP_PRECISION_NANO;
    if (c->linktype == MC_LINK_EN10MB)
        own_mac(c);
    return 0;
}

int mc_capture_open(const char *ifname, enum mc_capture_dir dir, int snaplen,
                    int bufsize, const char *filter, struct mc_capture **out,
                    struct mc_err *err)
{
    struct mc_capture *c;
    int rc;

    mc_err_clear(err);
    *out = NULL;
    if (ifname == NULL || ifname[0] == '\0' || strlen(ifname) >= IF_NAMESIZE)
        return mc_err_set(err, -EINVAL,
                          "pcap needs an interface name (pcap on dev IFACE)");
    if (dir != MC_CAPTURE_BOTH && dir != MC_CAPTURE_IN && dir != MC_CAPTURE_OUT)
        return mc_err_set(err, -EINVAL, "capture direction %d unknown",
                          (int)dir);
    c = capture_new(ifname);
    if (c == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory");
    c->dir = dir;
    rc = open_live(c, snaplen, bufsize, filter, err);
    if (rc < 0) {
        mc_capture_close(c);
        return rc;
    }
    *out = c;
    return 0;
}

int mc_capture_open_offline(const char *path, const char *filter,
                            struct mc_capture **out, struct mc_err *err)
{
    char ebuf[PCAP_ERRBUF_SIZE], q[QUOTE_MAX + 4], e[PCAP_ERRBUF_SIZE + 4];
    struct mc_capture *c;
    int rc;

    mc_err_clear(err);
    *out = NULL;
    if (path == NULL)
        return mc_err_set(err, -EINVAL, "no pcap file named");
    c = capture_new(path);
    if (c == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory");
    c->offline = true;
    ebuf[0] = '\0';
    errno = 0;
    c->p = pcap_open_offline_with_tstamp_precision(
        path, PCAP_TSTAMP_PRECISION_NANO, ebuf);
    if (c->p == NULL) {
        rc = errno == ENOENT || errno == EACCES ? -errno : -EINVAL;
        mc_capture_close(c);
        return mc_err_set(err, rc, "cannot read %s as a pcap file: %s",
                          quote(path, q), quote(ebuf, e));
    }
    rc = set_filter(c, filter, err);
    if (rc < 0) {
        mc_capture_close(c);
        return rc;
    }
    c->linktype = pcap_datalink(c->p);
    c->nano = true;
    *out = c;
    return 0;
}

int mc_capture_fd(const struct mc_capture *c)
{
    return c->offline ? -1 : pcap_get_selectable_fd(c->p);
}

int mc_capture_linktype(const struct mc_capture *c)
{
    return c->linktype;
}

int mc_capture_snaplen(const struct mc_capture *c)
{
    return pcap_snapshot(c->p);
}

const char *mc_capture_ifname(const struct mc_capture *c)
{
    return c->name;
}

/* The direction of a frame the link layer did not describe. */
static enum mc_wire_dir infer_dir(const struct mc_capture *c,
                                  const struct mc_wire_pkt *pkt)
{
    if (c->dir == MC_CAPTURE_IN)
        return MC_WIRE_DIR_IN;
    if (c->dir == MC_CAPTURE_OUT)
        return MC_WIRE_DIR_OUT;
    if (c->have_mac && pkt->have_src_mac)
        return memcmp(c->mac, pkt->src_mac, 6) == 0 ? MC_WIRE_DIR_OUT
                                                    : MC_WIRE_DIR_IN;
    return MC_WIRE_DIR_UNKNOWN;
}

static void on_frame(u_char *user, const struct pcap_pkthdr *h,
                     const u_char *bytes)
{
    struct mc_capture *c = (struct mc_capture *)user;
    struct mc_capture_frame f;
    struct mc_wire_pkt pkt;

    if (c->dump != NULL) {
        pcap_dump((u_char *)c->dump, h, bytes);
        c->st.dumped++;
        c->dumped_since_flush = true;
    }
    f.ts.tv_sec = h->ts.tv_sec;
    f.ts.tv_nsec = (long)h->ts.tv_usec * (c->nano ? 1 : 1000);
    f.data = bytes;
    f.caplen = h->caplen;
    f.len = h->len;
    f.linktype = c->linktype;
    mc_wire_decode(c->linktype, bytes, h->caplen, &pkt);
    if (pkt.dir == MC_WIRE_DIR_UNKNOWN && !c->offline)
        pkt.dir = infer_dir(c, &pkt);
    c->st.frames++;
    if (pkt.status == MC_WIRE_MALFORMED)
        c->st.malformed++;
    else if (pkt.status == MC_WIRE_NOT_IP)
        c->st.not_ip++;
    if (c->fn != NULL)
        c->fn(&f, &pkt, c->arg);
}

static int dispatch_error(struct mc_capture *c, struct mc_err *err)
{
    char n[QUOTE_MAX + 4], e[PCAP_ERRBUF_SIZE + 4];
    const char *why = pcap_geterr(c->p);

    quote(c->name, n);
    /* libpcap on Linux: "The interface went down" / "... disappeared" */
    if (strstr(why, "interface") != NULL || strstr(why, "Interface") != NULL)
        return mc_err_set(err, -ENETDOWN, "capture on %s stopped: %s", n,
                          quote(why, e));
    return mc_err_set(err, -EIO, "capture on %s failed: %s", n, quote(why, e));
}

int mc_capture_dispatch(struct mc_capture *c, mc_capture_fn fn, void *arg,
                        struct mc_err *err)
{
    int total = 0, rc = 0;

    c->fn = fn;
    c->arg = arg;
    while (total < MC_CAPTURE_DISPATCH_MAX) {
        int want = MC_CAPTURE_DISPATCH_MAX - total;
        int n =
            pcap_dispatch(c->p, want < DISPATCH_CHUNK ? want : DISPATCH_CHUNK,
                          on_frame, (u_char *)c);

        if (n == 0 || n == PCAP_ERROR_BREAK)
            break;
        if (n < 0) {
            rc = dispatch_error(c, err);
            break;
        }
        total += n;
    }
    c->fn = NULL;
    c->arg = NULL;
    if (c->dump != NULL && c->dumped_since_flush) {
        pcap_dump_flush(c->dump);
        c->dumped_since_flush = false;
    }
    return rc < 0 ? rc : total;
}

int mc_capture_stats(struct mc_capture *c, struct mc_capture_stats *out,
                     struct mc_err *err)
{
    struct pcap_stat ps;
    char e[PCAP_ERRBUF_SIZE + 4];

    *out = c->st;
    if (c->offline)
        return 0;
    if (pcap_stats(c->p, &ps) < 0)
        return mc_err_set(err, -EIO, "pcap_stats: %s",
                          quote(pcap_geterr(c->p), e));
    out->received = ps.ps_recv;
    out->dropped = ps.ps_drop;
    out->if_dropped = ps.ps_ifdrop;
    return 0;
}

int mc_capture_dump_open(struct mc_capture *c, const char *path,
                         struct mc_err *err)
{
    char q[QUOTE_MAX + 4], e[PCAP_ERRBUF_SIZE + 4];
    int saved;

    if (c->dump != NULL)
        return mc_err_set(err, -EBUSY,
                          "the capture on %s is already being written: "
                          "one file at a time",
                          quote(c->name, q));
    if (path == NULL || path[0] == '\0')
        return mc_err_set(err, -EINVAL, "no file named to write to");
    errno = 0;
    c->dump = pcap_dump_open(c->p, path);
    if (c->dump == NULL) {
        saved = errno != 0 ? errno : EIO;
        return mc_err_set(err, -saved, "cannot write the capture to %s: %s",
                          quote(path, q), quote(pcap_geterr(c->p), e));
    }
    return 0;
}

int mc_capture_dump_close(struct mc_capture *c, struct mc_err *err)
{
    int rc = 0;

    if (c->dump == NULL)
        return 0;
    if (pcap_dump_flush(c->dump) < 0)
        rc = mc_err_set(err, -EIO,
                        "the capture file could not be written "
                        "in full (disk full?)");
    pcap_dump_close(c->dump);
    c->dump = NULL;
    c->dumped_since_flush = false;
    return rc;
}

int mc_capture_filter_check(int linktype, const char *filter,
                            struct mc_err *err)
{
    struct bpf_program prog;
    char q[QUOTE_MAX + 4], e[PCAP_ERRBUF_SIZE + 4];
    pcap_t *p;
    int rc = 0;

    if (filter == NULL || filter[0] == '\0')
        return 0;
    p = pcap_open_dead(linktype, 65535);
    if (p == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory");
    if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) < 0)
        rc = mc_err_set(err, -EINVAL,
                        "capture filter \"%s\" does not compile: %s "
                        "(see pcap-filter(7))",
                        quote(filter, q), quote(pcap_geterr(p), e));
    else
        pcap_freecode(&prog);
    pcap_close(p);
    return rc;
}
