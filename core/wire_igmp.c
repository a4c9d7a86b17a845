/*
 * mcscope core: IGMP (RFC 1112, RFC 2236, RFC 3376) in the wire decoder.
 * The layouts:
 *
 *   IGMPv1/v2 (RFC 1112 App. I, RFC 2236 §2), 8 bytes:
 *     0 type | 1 max resp time (1/10 s; v1: 0) | 2-3 checksum | 4-7 group
 *   IGMPv3 query (RFC 3376 §4.1), 12 + 4 N bytes:
 *     IGMPv2's first 8 (1: max resp code) | 8 resv:4 S:1 QRV:3 | 9 QQIC |
 *     10-11 N | 12.. N sources
 *   IGMPv3 report (RFC 3376 §4.2):
 *     0 type 0x22 | 1 reserved | 2-3 checksum | 4-5 reserved | 6-7 M |
 *     8.. M records: 0 type | 1 aux len | 2-3 N | 4-7 group |
 */
#include "wire_priv.h"

#include "mcscope/hdr.h"

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
    q->max_resp_ms = mc__wire_code8_value(m[1]) * 100u;
    return mc__wire_query_v3(p, m + 8, len - 8);
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

enum mc_wire_status mc__wire_igmp(struct mc_wire_pkt *p, const struct l4 *u)
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
    why = mc__wire_whole_message(p, u);
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
        return mc__wire_report_v3(p, MC_PROTO_IGMPV3, m, u->wire);
    default:
        return igmp_simple(p, m);
    }
}
