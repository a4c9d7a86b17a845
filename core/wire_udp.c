/*
 * mcscope core: UDP (RFC 768) in the wire decoder: ports, the payload and
 * whether it carries an mcscope probe.
 */
#include "wire_priv.h"

enum mc_wire_status mc__wire_udp(struct mc_wire_pkt *p, const struct l4 *u)
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
