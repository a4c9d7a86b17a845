/*
 * mcscope core: IPv4 and IPv6 headers (ipv4.Header, ipv6.Header).
 *
 * On the wire every field is in network byte order.  On Linux that holds
 * for the IPv4 total length and fragment offset too, also on raw sockets
 * (the host-order swap of x/net/ipv4's header.go is for the BSDs only).
 *
 * Contracts beyond hdr.h:
 * - A parse that fails leaves *h untouched.
 * - mc_ip4_hdr_parse does not verify the checksum: a header is intact when
 *   mc_inet_checksum(b, h->len) == 0.  It keeps the three flag bits as they
 *   are (bit 4 is the reserved one) and checks only that the header fits:
 *   IHL at least 5 and total length at least the header length.
 * - mc_ip6_hdr_parse reads the 40-byte base header only: it does not walk
 *   extension headers, and it does not compare the payload length with
 *   len (a capture may be cut short; a jumbogram says 0).
 * - mc_ip4_hdr_marshal needs version 4, len == 20 + options_len rounded up
 *   to a multiple of 4 (the padding is written as zeros, End of Option
 *   List), every field within its width, and src/dst of family AF_INET or
 *   unset (0.0.0.0, which Linux fills in on an IP_HDRINCL socket).  It
 *   ignores h->checksum and writes the computed one.
 */
#include "mcscope/hdr.h"

#include <errno.h>
#include <string.h>

/* Big-endian 16-bit load and store. */
static unsigned get16(const uint8_t *b)
{
    return (unsigned)b[0] << 8 | b[1];
}

static void put16(uint8_t *b, unsigned v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

static void get_addr4(const uint8_t *b, struct mc_addr *a)
{
    memset(a, 0, sizeof *a);
    a->family = AF_INET;
    memcpy(&a->u.v4, b, 4);
}

static void get_addr6(const uint8_t *b, struct mc_addr *a)
{
    memset(a, 0, sizeof *a);
    a->family = AF_INET6;
    memcpy(&a->u.v6, b, 16);
}

/*
 * The IPv4 header (RFC 791 §3.1):
 *   0 version:4 ihl:4 | 1 tos | 2-3 total length | 4-5 id |
 *   6-7 flags:3 fragment offset:13 | 8 ttl | 9 protocol | 10-11 checksum |
 *   12-15 source | 16-19 destination | 20.. options (ihl * 4 - 20 bytes)
 */
int mc_ip4_hdr_parse(const uint8_t *b, size_t len, struct mc_ip4_hdr *h)
{
    struct mc_ip4_hdr t;
    unsigned fo;

    if (b == NULL || h == NULL)
        return -EINVAL;
    if (len < MC_IP4_HDRLEN)
        return -EMSGSIZE;
    memset(&t, 0, sizeof t);
    t.version = b[0] >> 4;
    t.len = (b[0] & 0x0fu) * 4;
    if (t.version != 4 || t.len < MC_IP4_HDRLEN)
        return -EINVAL;
    if (t.len > len)
        return -EMSGSIZE;
    t.total_len = get16(b + 2);
    if (t.total_len < t.len)
        return -EINVAL;
    t.tos = b[1];
    t.id = get16(b + 4);
    fo = get16(b + 6);
    t.flags = fo >> 13;
    t.frag_off = fo & 0x1fff;
    t.ttl = b[8];
    t.protocol = b[9];
    t.checksum = get16(b + 10);
    get_addr4(b + 12, &t.src);
    get_addr4(b + 16, &t.dst);
    t.options_len = t.len - MC_IP4_HDRLEN;
    memcpy(t.options, b + MC_IP4_HDRLEN, t.options_len);
    *h = t;
    return 0;
}

/*
 * The IPv6 base header (RFC 8200 §3):
 *   0-3 version:4 traffic class:8 flow label:20 | 4-5 payload length |
 *   6 next header | 7 hop limit | 8-23 source | 24-39 destination
 */
int mc_ip6_hdr_parse(const uint8_t *b, size_t len, struct mc_ip6_hdr *h)
{
    struct mc_ip6_hdr t;

    if (b == NULL || h == NULL)
        return -EINVAL;
    if (len < MC_IP6_HDRLEN)
        return -EMSGSIZE;
    memset(&t, 0, sizeof t);
    t.version = b[0] >> 4;
    if (t.version != 6)
        return -EINVAL;
    t.tclass = (b[0] & 0x0fu) << 4 | b[1] >> 4;
    t.flow_label = (uint32_t)(b[1] & 0x0f) << 16 | get16(b + 2);
    t.payload_len = get16(b + 4);
    t.next_header = b[6];
    t.hop_limit = b[7];
    get_addr6(b + 8, &t.src);
    get_addr6(b + 24, &t.dst);
    *h = t;
    return 0;
}

/* An address the IPv4 header can carry: AF_INET, or unset (0.0.0.0). */
static int check_addr4(const struct mc_addr *a)
{
    return a->family == AF_INET || a->family == 0 ? 0 : -EAFNOSUPPORT;
}

/* Whether every field of h fits the wire format (see the top comment). */
static int check_ip4(const struct mc_ip4_hdr *h)
{
    size_t padded = (h->options_len + 3) & ~(size_t)3;

    if (h->version != 4 || h->options_len > sizeof h->options ||
        h->len != MC_IP4_HDRLEN + padded)
        return -EINVAL;
    if (h->tos > 0xff || h->total_len > 0xffff || h->id > 0xffff ||
        h->flags > 0x7 || h->frag_off > 0x1fff || h->ttl > 0xff ||
        h->protocol > 0xff)
        return -EINVAL;
    if (check_addr4(&h->src) != 0 || check_addr4(&h->dst) != 0)
        return -EAFNOSUPPORT;
    return 0;
}

static void put_addr4(uint8_t *b, const struct mc_addr *a)
{
    if (a->family == AF_INET)
        memcpy(b, &a->u.v4, 4);
    else
        memset(b, 0, 4);
}

int mc_ip4_hdr_marshal(const struct mc_ip4_hdr *h, uint8_t *b, size_t len)
{
    int rc;

    if (h == NULL || b == NULL)
        return -EINVAL;
    rc = check_ip4(h);
    if (rc != 0)
        return rc;
    if (len < h->len)
        return -EMSGSIZE;
    memset(b, 0, h->len);
    b[0] = (uint8_t)(4 << 4 | h->len / 4);
    b[1] = (uint8_t)h->tos;
    put16(b + 2, h->total_len);
    put16(b + 4, h->id);
    put16(b + 6, h->flags << 13 | h->frag_off);
    b[8] = (uint8_t)h->ttl;
    b[9] = (uint8_t)h->protocol;
    put_addr4(b + 12, &h->src);
    put_addr4(b + 16, &h->dst);
    memcpy(b + MC_IP4_HDRLEN, h->options, h->options_len);
    put16(b + 10, mc_inet_checksum(b, h->len));
    return (int)h->len;
}

/*
 * RFC 1071: the ones' complement of the ones' complement sum of the data
 * taken as big-endian 16-bit words, an odd last byte padded with a zero.
 * The result is a number to store big-endian (put16, htons); summing data
 * that already holds its correct checksum gives 0.  data may be NULL when
 * len is 0 (the checksum of nothing is 0xffff).
 */
uint16_t mc_inet_checksum(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t sum = 0;
    size_t i;

    for (i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    if (len & 1)
        sum += (unsigned)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}
