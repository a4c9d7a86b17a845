/*
 * Unit tests: the ipv4.RawConn path — a raw IPv4 socket with IP_HDRINCL
 * (mc_sock_set_hdrincl) sends a datagram whose IPv4 header we marshal
 * ourselves (mc_ip4_hdr_marshal) to a group joined on lo; a UDP receiver's
 * control messages report our TTL and TOS, and a second raw socket reads
 * the header back (mc_ip4_hdr_parse).  In a private network namespace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mcscope/cmsg.h"
#include "mcscope/hdr.h"
#include "mcscope/io.h"
#include "mcscope/member.h"
#include "mcscope/sock.h"
#include "testns.h"
#include "testutil.h"

#define PORT 47123
#define PAYLOAD "rawconn"

/* IPv4 header + UDP header + PAYLOAD into buf; returns the length. */
static size_t build_datagram(uint8_t *buf, size_t cap)
{
    const size_t plen = sizeof PAYLOAD - 1, total = 20 + 8 + plen;
    struct mc_ip4_hdr h;

    assert_true(cap >= total);
    memset(&h, 0, sizeof h);
    h.version = 4;
    h.len = MC_IP4_HDRLEN;
    h.tos = 0x48;
    h.total_len = (unsigned)total;
    h.id = 0x1234;
    h.flags = 2; /* don't fragment */
    h.ttl = 9;
    h.protocol = IPPROTO_UDP;
    h.src = tu_addr("10.255.0.1");
    h.dst = tu_addr("239.9.9.9");
    assert_int_equal(mc_ip4_hdr_marshal(&h, buf, cap), MC_IP4_HDRLEN);
    /* UDP: ports, length, checksum 0 ("none", allowed for IPv4). */
    buf[20] = 4242 >> 8;
    buf[21] = 4242 & 0xff;
    buf[22] = PORT >> 8;
    buf[23] = PORT & 0xff;
    buf[24] = (uint8_t)((8 + plen) >> 8);
    buf[25] = (uint8_t)((8 + plen) & 0xff);
    buf[26] = buf[27] = 0;
    memcpy(buf + 28, PAYLOAD, plen);
    return total;
}

static int wait_readable(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};

    return poll(&p, 1, 2000);
}

static void test_hdrincl_send_to_group(void **state)
{
    struct mc_addr group = tu_addr("239.9.9.9");
    unsigned lo = testns_lo_index();
    struct sockaddr_in to = {.sin_family = AF_INET};
    struct mc_rxbatch *b = mc_rxbatch_new(4, 2048);
    const struct mc_pkt *p;
    struct mc_ip4_hdr seen;
    struct mc_err err;
    uint8_t dgram[128], back[256];
    size_t len = build_datagram(dgram, sizeof dgram);
    int rx, raw, sniff;
    ssize_t n;

    (void)state;
    assert_non_null(b);
    rx = mc_sock_open_udp(AF_INET, &err);
    assert_true(rx >= 0);
    assert_int_equal(mc_sock_bind(rx, NULL, PORT, 0, true, &err), 0);
    assert_int_equal(mc_join_group(rx, lo, &group, &err), 0);
    assert_int_equal(mc_cmsg_set_flags(rx,
                                       MC_CM_TCLASS | MC_CM_HOPLIMIT |
                                           MC_CM_DST | MC_CM_IFACE,
                                       true, &err),
                     0);
    /* A raw UDP socket sees every UDP datagram with its IPv4 header. */
    sniff = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_UDP);
    assert_true(sniff >= 0);
    assert_int_equal(mc_join_group(sniff, lo, &group, &err), 0);

    raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_UDP);
    assert_true(raw >= 0);
    assert_int_equal(mc_sock_set_hdrincl(raw, true, &err), 0);
    assert_int_equal(mc_sock_set_mcast_if(raw, lo, &err), 0);
    to.sin_addr = group.u.v4;
    assert_int_equal(
        sendto(raw, dgram, len, 0, (struct sockaddr *)&to, sizeof to),
        (ssize_t)len);

    /* The UDP receiver: our payload, with the TTL and TOS we wrote. */
    assert_int_equal(wait_readable(rx), 1);
    assert_int_equal(mc_rxbatch_recv(b, rx, &err), 1);
    p = mc_rxbatch_get(b, 0);
    assert_int_equal(p->len, sizeof PAYLOAD - 1);
    assert_memory_equal(p->data, PAYLOAD, p->len);
    assert_int_equal(p->src_port, 4242);
    assert_int_equal(p->cm.hoplimit, 9);
    assert_int_equal(p->cm.tclass, 0x48);
    assert_true(mc_addr_equal(&p->cm.dst, &group));
    assert_int_equal(p->cm.ifindex, lo);
    assert_string_equal(inet_ntoa(p->cm.src.u.v4), "10.255.0.1");

    /* The sniffer: the header parses back to what we marshalled. */
    assert_int_equal(wait_readable(sniff), 1);
    n = recv(sniff, back, sizeof back, MSG_DONTWAIT);
    assert_int_equal(n, (ssize_t)len);
    assert_int_equal(mc_ip4_hdr_parse(back, (size_t)n, &seen), 0);
    assert_int_equal(seen.tos, 0x48);
    assert_int_equal(seen.ttl, 9);
    assert_int_equal(seen.id, 0x1234);
    assert_int_equal(seen.flags, 2);
    assert_int_equal(seen.protocol, IPPROTO_UDP);
    assert_int_equal(seen.total_len, len);
    assert_true(mc_addr_equal(&seen.dst, &group));
    assert_int_equal(mc_inet_checksum(back, seen.len), 0);

    close(raw);
    close(sniff);
    close(rx);
    mc_rxbatch_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hdrincl_send_to_group),
    };

    testns_enter_private_or_skip();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
