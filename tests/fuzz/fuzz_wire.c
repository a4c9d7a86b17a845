/*
 * libFuzzer target: the wire decoder (core/wire_*.c) over every link type.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *       -Icore/include tests/fuzz/fuzz_wire.c core/wire_*.c core/priv.c \
 *       core/hdr.c core/addr*.c core/err.c core/probe.c -lpcap -lcap \
 *       -o /tmp/fuzz_wire && /tmp/fuzz_wire -max_total_time=60
 *
 * The first byte chooses what the rest is:
 *   low 3 bits   the link type (Ethernet, SLL, SLL2, raw, raw IPv4/IPv6,
 *                LINKTYPE_RAW, or an unknown one);
 *   bits 3-4     0, 3: the rest is the whole frame;
 *                1: the rest is an ICMPv6 message, wrapped here in raw
 *                   IPv6 + Hop-by-Hop Router Alert with a right checksum;
 *                2: the rest is an IGMP message, wrapped in raw IPv4 with
 *                   Router Alert and a right checksum,
 * so that the checksums do not keep the fuzzer away from the MLD and
 * IGMP parsers.  After each decode, every record and source the decoder
 * exposes must lie inside the frame, and the one-line format must be a
 * string of at most its buffer.  Every MLD/IGMP message then goes into a
 * querier timeline (core/querier.c), as a query and as this host's own,
 * and a snapshot is taken.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/hdr.h"
#include "mcscope/querier.h"
#include "mcscope/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int links[8] = {
    MC_LINK_EN10MB, MC_LINK_LINUX_SLL, MC_LINK_LINUX_SLL2, MC_LINK_RAW,
    MC_LINK_IPV4,   MC_LINK_IPV6,      MC_LINK_RAW_FILE,   147,
};

#define WRAP_MAX 4096

static void put16(uint8_t *b, size_t v)
{
    b[0] = (uint8_t)(v >> 8);
    b[1] = (uint8_t)v;
}

/* IPv6 fe80::1 -> ff02::16, Hop-by-Hop Router Alert, ICMPv6 message m. */
static size_t wrap_mld(uint8_t *out, const uint8_t *m, size_t len)
{
    static const uint8_t hbh[8] = {58, 0, 5, 2, 0, 0, 1, 0};
    uint8_t *msg = out + 48;
    uint8_t ph[40];
    uint32_t s;

    memset(out, 0, 48);
    out[0] = 0x60;
    put16(out + 4, 8 + len);
    out[6] = 0;
    out[7] = 1;
    out[8] = 0xfe;
    out[9] = 0x80;
    out[23] = 1;
    out[24] = 0xff;
    out[25] = 0x02;
    out[39] = 0x16;
    memcpy(out + 40, hbh, 8);
    memcpy(msg, m, len);
    if (len < 4)
        return 48 + len;
    msg[2] = msg[3] = 0;
    memset(ph, 0, sizeof ph);
    memcpy(ph, out + 8, 32);
    put16(ph + 34, len);
    ph[39] = 58;
    s = (uint16_t)~mc_inet_checksum(ph, sizeof ph) +
        (uint16_t)~mc_inet_checksum(msg, len);
    s = (s & 0xffff) + (s >> 16);
    put16(msg + 2, (uint16_t)~s);
    return 48 + len;
}

/* IPv4 10.0.0.1 -> 224.0.0.22 with Router Alert, IGMP message m. */
static size_t wrap_igmp(uint8_t *out, const uint8_t *m, size_t len)
{
    static const uint8_t hdr[24] = {
        0x46, 0xc0, 0, 0, 0,   0, 0x40, 0,  1,    2, 0, 0,
        10,   0,    0, 1, 224, 0, 0,    22, 0x94, 4, 0, 0,
    };
    uint8_t *msg = out + 24;

    memcpy(out, hdr, sizeof hdr);
    put16(out + 2, 24 + len);
    put16(out + 10, mc_inet_checksum(out, 24));
    memcpy(msg, m, len);
    if (len >= 4) {
        msg[2] = msg[3] = 0;
        put16(msg + 2, mc_inet_checksum(msg, len));
    }
    return 24 + len;
}

static void check_inside(const uint8_t *p, size_t n, const uint8_t *frame,
                         size_t len)
{
    if (n == 0)
        return;
    if (p < frame || p > frame + len || n > (size_t)(frame + len - p))
        abort();
}

static void check_pkt(const struct mc_wire_pkt *p, const uint8_t *frame,
                      size_t len)
{
    struct mc_wire_rec_iter it;
    struct mc_wire_rec r;
    struct mc_addr a;
    size_t asz, nrec = 0;
    char buf[64];

    if (p->status == MC_WIRE_MALFORMED && p->reason == NULL)
        abort();
    if (p->kind == MC_WIRE_KIND_UDP) {
        check_inside(p->udp.payload, p->udp.caplen, frame, len);
        if (p->udp.caplen > p->udp.len)
            abort();
    }
    if (p->kind == MC_WIRE_KIND_MLD || p->kind == MC_WIRE_KIND_IGMP) {
        asz = p->kind == MC_WIRE_KIND_MLD ? 16 : 4;
        if (p->msg.type == MC_MSG_QUERY)
            check_inside(p->msg.list, p->msg.nsources * asz, frame, len);
        for (size_t i = 0; i < p->msg.nsources; i++)
            mc_wire_query_source(&p->msg, i, &a);
        mc_wire_rec_begin(&p->msg, &it);
        while (mc_wire_rec_next(&it, &r)) {
            nrec++;
            check_inside(r.sources, r.nsources * asz, frame, len);
            check_inside(r.aux, r.aux_words * 4u, frame, len);
            for (size_t i = 0; i < r.nsources; i++)
                mc_wire_rec_source(&r, i, &a);
            (void)mc_wire_rec_type_name(r.type);
        }
        if (p->msg.type == MC_MSG_REPORT &&
            (p->msg.proto == MC_PROTO_MLDV2 ||
             p->msg.proto == MC_PROTO_IGMPV3) &&
            nrec != p->msg.nrecords)
            abort();
    }
    mc_wire_format(p, buf, sizeof buf);
    if (strlen(buf) >= sizeof buf)
        abort();
}

static bool any_member(void *arg, const char *ifname, int family,
                       const struct mc_addr *group)
{
    (void)arg;
    (void)ifname;
    (void)family;
    (void)group;
    return true;
}

/* The message into a timeline kept across inputs (bounded: a small ring). */
static void timeline(const struct mc_wire_pkt *p)
{
    static struct mc_querier *q;
    static int64_t t;
    struct mc_querier_opts o = {
        .ring = 8, .member = any_member, .proc_root = "/nonexistent"};
    struct mc_querier_snap s;

    if (p->status != MC_WIRE_OK ||
        (p->kind != MC_WIRE_KIND_MLD && p->kind != MC_WIRE_KIND_IGMP))
        return;
    if (q == NULL && mc_querier_new(&o, &q) < 0)
        return;
    t += 100000000;
    mc_querier_feed(q, "lab0", &p->src, false, &p->msg, t, t);
    mc_querier_feed(q, "lab0", &p->src, true, &p->msg, t + 1, t + 1);
    if (mc_querier_snapshot(q, t + 2, t + 2, &s) == 0)
        mc_querier_snap_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t wrapped[WRAP_MAX + 64];
    struct mc_wire_pkt p;
    uint8_t *frame;
    size_t len;
    int lt, mode;

    if (size < 1)
        return 0;
    lt = links[data[0] & 7];
    mode = (data[0] >> 3) & 3;
    data++;
    size--;
    if ((mode == 1 || mode == 2) && size <= WRAP_MAX) {
        len = mode == 1 ? wrap_mld(wrapped, data, size)
                        : wrap_igmp(wrapped, data, size);
        lt = mode == 1 ? MC_LINK_IPV6 : MC_LINK_IPV4;
    } else {
        memcpy(wrapped, data, size < WRAP_MAX ? size : WRAP_MAX);
        len = size < WRAP_MAX ? size : WRAP_MAX;
    }
    /* an exact-size copy: a read past the end is an ASan report */
    frame = malloc(len ? len : 1);
    if (frame == NULL)
        return 0;
    memcpy(frame, wrapped, len);
    mc_wire_decode(lt, frame, len, &p);
    check_pkt(&p, frame, len);
    timeline(&p);
    free(frame);
    return 0;
}
