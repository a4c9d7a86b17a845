/*
 * mcscope core: MLD (RFC 2710, RFC 3810), the ICMPv6 messages of the
 * wire decoder.  The layouts:
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
 */
#include "wire_priv.h"

#include "mcscope/hdr.h"

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
    return mc__wire_query_v3(p, m + 24, len - 24);
}

/* Whether an ICMPv6 type is an MLD message. */
static bool is_mld_type(unsigned t)
{
    return t == 130 || t == 131 || t == 132 || t == 143;
}

enum mc_wire_status mc__wire_icmp6(struct mc_wire_pkt *p, const struct l4 *u)
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
    why = mc__wire_whole_message(p, u);
    if (why != NULL)
        return malformed(p, why);
    if (!icmp6_checksum_ok(p, m, u->wire))
        return malformed(p, "bad ICMPv6 checksum");
    p->kind = MC_WIRE_KIND_MLD;
    if (m[0] == 143) {
        if (u->wire < 8)
            return malformed(p, "MLDv2 report shorter than 8 bytes");
        return mc__wire_report_v3(p, MC_PROTO_MLDV2, m, u->wire);
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
