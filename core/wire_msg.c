/*
 * mcscope core: what MLD and IGMP messages share (wire_priv.h): the
 * records of v2/v3 reports and their iterators, the sources of v2/v3
 * queries, the 8-bit exponential codes, and the rule that a message must
 * be whole to be read.
 */
#include "wire_priv.h"

/*
 * RFC 3376 §4.1.1 and §4.1.7, RFC 3810 §5.1.9: an 8-bit code below 128 is
 * the value; otherwise 1 | exp:3 | mant:4 means (mant | 0x10) << (exp + 3).
 */
uint32_t mc__wire_code8_value(unsigned code)
{
    if (code < 0x80)
        return code;
    return (uint32_t)((code & 0xf) | 0x10) << (((code >> 4) & 7) + 3);
}

/* ---- records ---- */

static int msg_family(const struct mc_wire_msg *m)
{
    return m->proto == MC_PROTO_MLDV1 || m->proto == MC_PROTO_MLDV2 ? AF_INET6
                                                                    : AF_INET;
}

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

/*
 * A whole, unfragmented message is needed to check the checksum and the
 * records: a snaplen cut or a fragment is malformed for our purposes.
 */
const char *mc__wire_whole_message(const struct mc_wire_pkt *p,
                                   const struct l4 *u)
{
    if (p->fragment)
        return "fragmented MLD/IGMP message (not reassembled)";
    if (u->cap < u->wire)
        return "MLD/IGMP message cut short by the capture (snaplen)";
    return NULL;
}

enum mc_wire_status mc__wire_query_v3(struct mc_wire_pkt *p, const uint8_t *t,
                                      size_t len)
{
    struct mc_wire_msg *q = &p->msg;
    int family = msg_family(q);

    q->s_flag = (t[0] >> 3) & 1;
    q->qrv = t[0] & 7;
    q->qqi_s = mc__wire_code8_value(t[1]);
    q->nsources = get16(t + 2);
    if (q->nsources > (len - 4) / addr_size(family))
        return malformed(p, family == AF_INET6
                                ? "MLDv2 query: sources run past the message"
                                : "IGMPv3 query: sources run past the message");
    q->list = t + 4;
    return MC_WIRE_OK;
}

enum mc_wire_status mc__wire_report_v3(struct mc_wire_pkt *p,
                                       enum mc_wire_proto proto,
                                       const uint8_t *m, size_t len)
{
    struct mc_wire_msg *r = &p->msg;
    int family;

    r->proto = proto;
    r->type = MC_MSG_REPORT;
    r->nrecords = get16(m + 6);
    family = msg_family(r);
    if (!records_fit(m + 8, len - 8, r->nrecords, family))
        return malformed(p,
                         family == AF_INET6
                             ? "MLDv2 report: records run past the message"
                             : "IGMPv3 report: records run past the message");
    r->list = m + 8;
    return MC_WIRE_OK;
}
