/*
 * Unit tests: core/hdr.c — the RFC 1071 checksum, IPv4 header parse and
 * marshal (options, flags, network byte order), IPv6 base header parse.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "mcscope/hdr.h"

/* 192.0.2.1 -> 232.1.1.1, TOS 0xb8, 1500 bytes, id 0x1234, MF set and
 * fragment offset 185, TTL 7, UDP; checksum 0xcf68. */
static const uint8_t udp_frag[20] = {
    0x45, 0xb8, 0x05, 0xdc, 0x12, 0x34, 0x20, 0xb9, 0x07, 0x11,
    0xcf, 0x68, 0xc0, 0x00, 0x02, 0x01, 0xe8, 0x01, 0x01, 0x01,
};

/* An IGMPv3 report as Linux sends it: 10.255.0.1 -> 224.0.0.22, TOS 0xc0,
 * DF, TTL 1, protocol 2, with the Router Alert option (RFC 2113). */
static const uint8_t igmp3[24] = {
    0x46, 0xc0, 0x00, 0x28, 0x00, 0x00, 0x40, 0x00, 0x01, 0x02, 0xf8, 0xf9,
    0x0a, 0xff, 0x00, 0x01, 0xe0, 0x00, 0x00, 0x16, 0x94, 0x04, 0x00, 0x00,
};

/* IPv6: traffic class 0x28, flow label 0xabcde, 64 bytes of payload, a
 * hop-by-hop header next (as in MLD), hop limit 1, fd42::1 -> ff3e::1234. */
static const uint8_t ip6[40] = {
    0x62,
    0x8a,
    0xbc,
    0xde,
    0x00,
    0x40,
    0x00,
    0x01,
    /* src */
    0xfd,
    0x42,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0x01,
    /* dst */
    0xff,
    0x3e,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0x12,
    0x34,
};

static struct mc_addr v4(const char *text)
{
    struct mc_addr a;

    memset(&a, 0, sizeof a);
    a.family = AF_INET;
    assert_int_equal(inet_pton(AF_INET, text, &a.u.v4), 1);
    return a;
}

static struct mc_addr v6(const char *text)
{
    struct mc_addr a;

    memset(&a, 0, sizeof a);
    a.family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, text, &a.u.v6), 1);
    return a;
}

static void test_checksum_vectors(void **state)
{
    /* RFC 1071 §3: the sum is ddf2, so the checksum is 220d. */
    static const uint8_t rfc1071[] = {0x00, 0x01, 0xf2, 0x03,
                                      0xf4, 0xf5, 0xf6, 0xf7};
    /* The usual IPv4 example: 192.168.0.1 -> 192.168.0.199, checksum
     * field zeroed. */
    static const uint8_t hdr[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
                                    0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
                                    0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    static const uint8_t ones[4] = {0xff, 0xff, 0xff, 0xff};
    static const uint8_t carry[4] = {0x80, 0x00, 0x80, 0x00};
    static const uint8_t odd[3] = {0x00, 0x01, 0xf2};
    static const uint8_t one[1] = {0x01};

    (void)state;
    assert_int_equal(mc_inet_checksum(rfc1071, sizeof rfc1071), 0x220d);
    assert_int_equal(mc_inet_checksum(hdr, sizeof hdr), 0xb861);
    assert_int_equal(mc_inet_checksum(ones, sizeof ones), 0x0000);
    /* 0x8000 + 0x8000 carries out: 0x10000 folds to 0x0001. */
    assert_int_equal(mc_inet_checksum(carry, sizeof carry), 0xfffe);
    /* An odd last byte is the high byte of a zero-padded word. */
    assert_int_equal(mc_inet_checksum(odd, sizeof odd), 0x0dfe);
    assert_int_equal(mc_inet_checksum(one, sizeof one), 0xfeff);
    assert_int_equal(mc_inet_checksum(NULL, 0), 0xffff);
}

static void test_checksum_verifies(void **state)
{
    static uint8_t big[4096];

    (void)state;
    /* Data that carries its own checksum sums to 0. */
    assert_int_equal(mc_inet_checksum(udp_frag, sizeof udp_frag), 0);
    assert_int_equal(mc_inet_checksum(igmp3, sizeof igmp3), 0);
    /* Many carries: 2048 words of 0xffff. */
    memset(big, 0xff, sizeof big);
    assert_int_equal(mc_inet_checksum(big, sizeof big), 0);
    big[0] = 0xfe;
    assert_int_equal(mc_inet_checksum(big, sizeof big), 0x0100);
}

static void test_ip4_parse(void **state)
{
    struct mc_ip4_hdr h;
    struct mc_addr src = v4("192.0.2.1"), dst = v4("232.1.1.1");

    (void)state;
    assert_int_equal(mc_ip4_hdr_parse(udp_frag, sizeof udp_frag, &h), 0);
    assert_int_equal(h.version, 4);
    assert_int_equal(h.len, 20);
    assert_int_equal(h.tos, 0xb8);
    /* Network order on Linux: 05 dc is 1500, not 0xdc05. */
    assert_int_equal(h.total_len, 1500);
    assert_int_equal(h.id, 0x1234);
    assert_int_equal(h.flags, 1);
    assert_int_equal(h.frag_off, 185);
    assert_int_equal(h.ttl, 7);
    assert_int_equal(h.protocol, 17);
    assert_int_equal(h.checksum, 0xcf68);
    assert_true(mc_addr_equal(&h.src, &src));
    assert_true(mc_addr_equal(&h.dst, &dst));
    assert_int_equal(h.options_len, 0);
}

static void test_ip4_parse_options(void **state)
{
    static const uint8_t ra[4] = {0x94, 0x04, 0x00, 0x00};
    struct mc_ip4_hdr h;
    struct mc_addr src = v4("10.255.0.1"), dst = v4("224.0.0.22");
    uint8_t pkt[64];

    (void)state;
    /* The payload after the header is not part of it. */
    memset(pkt, 0xee, sizeof pkt);
    memcpy(pkt, igmp3, sizeof igmp3);
    assert_int_equal(mc_ip4_hdr_parse(pkt, sizeof pkt, &h), 0);
    assert_int_equal(h.len, 24);
    assert_int_equal(h.tos, 0xc0);
    assert_int_equal(h.total_len, 40);
    assert_int_equal(h.id, 0);
    assert_int_equal(h.flags, 2);
    assert_int_equal(h.frag_off, 0);
    assert_int_equal(h.ttl, 1);
    assert_int_equal(h.protocol, 2);
    assert_int_equal(h.checksum, 0xf8f9);
    assert_true(mc_addr_equal(&h.src, &src));
    assert_true(mc_addr_equal(&h.dst, &dst));
    assert_int_equal(h.options_len, 4);
    assert_memory_equal(h.options, ra, sizeof ra);
}

static void test_ip4_parse_flags(void **state)
{
    uint8_t b[20];
    struct mc_ip4_hdr h;

    (void)state;
    memcpy(b, udp_frag, sizeof b);
    /* The reserved bit is kept; the offset is its 13 bits alone. */
    b[6] = 0x9f;
    b[7] = 0xff;
    assert_int_equal(mc_ip4_hdr_parse(b, sizeof b, &h), 0);
    assert_int_equal(h.flags, 4);
    assert_int_equal(h.frag_off, 0x1fff);
    b[6] = 0x60;
    b[7] = 0x00;
    assert_int_equal(mc_ip4_hdr_parse(b, sizeof b, &h), 0);
    assert_int_equal(h.flags, 3);
    assert_int_equal(h.frag_off, 0);
}

static void test_ip4_parse_max_options(void **state)
{
    uint8_t b[60];
    struct mc_ip4_hdr h;
    size_t i;

    (void)state;
    memcpy(b, udp_frag, 20);
    b[0] = 0x4f;
    for (i = 20; i < sizeof b; i++)
        b[i] = (uint8_t)i;
    assert_int_equal(mc_ip4_hdr_parse(b, sizeof b, &h), 0);
    assert_int_equal(h.len, 60);
    assert_int_equal(h.options_len, 40);
    assert_memory_equal(h.options, b + 20, 40);
}

static void test_ip4_parse_bad(void **state)
{
    struct mc_ip4_hdr h, before, ok;
    uint8_t b[24];

    (void)state;
    memset(&h, 0x5a, sizeof h);
    before = h;
    /* Shorter than a header. */
    assert_int_equal(mc_ip4_hdr_parse(udp_frag, 19, &h), -EMSGSIZE);
    assert_int_equal(mc_ip4_hdr_parse(udp_frag, 0, &h), -EMSGSIZE);
    /* IHL 6 announces 24 bytes; only 20 are there. */
    assert_int_equal(mc_ip4_hdr_parse(igmp3, 20, &h), -EMSGSIZE);
    assert_int_equal(mc_ip4_hdr_parse(igmp3, 23, &h), -EMSGSIZE);
    /* Wrong version. */
    memcpy(b, udp_frag, 20);
    b[0] = 0x65;
    assert_int_equal(mc_ip4_hdr_parse(b, 20, &h), -EINVAL);
    b[0] = 0x05;
    assert_int_equal(mc_ip4_hdr_parse(b, 20, &h), -EINVAL);
    /* IHL below 5. */
    b[0] = 0x44;
    assert_int_equal(mc_ip4_hdr_parse(b, 20, &h), -EINVAL);
    b[0] = 0x40;
    assert_int_equal(mc_ip4_hdr_parse(b, 20, &h), -EINVAL);
    /* Total length shorter than the header. */
    b[0] = 0x45;
    b[2] = 0x00;
    b[3] = 19;
    assert_int_equal(mc_ip4_hdr_parse(b, 20, &h), -EINVAL);
    memcpy(b, igmp3, 24);
    b[3] = 23;
    assert_int_equal(mc_ip4_hdr_parse(b, 24, &h), -EINVAL);
    /* Total length equal to the header is fine (no payload). */
    b[3] = 24;
    assert_int_equal(mc_ip4_hdr_parse(b, 24, &ok), 0);

    assert_int_equal(mc_ip4_hdr_parse(NULL, 20, &h), -EINVAL);
    assert_int_equal(mc_ip4_hdr_parse(udp_frag, 20, NULL), -EINVAL);
    /* A failed parse leaves h as it was. */
    assert_memory_equal(&h, &before, sizeof h);
}

static void test_ip4_marshal(void **state)
{
    struct mc_ip4_hdr h;
    uint8_t b[64];

    (void)state;
    memset(&h, 0, sizeof h);
    h.version = 4;
    h.len = 20;
    h.tos = 0xb8;
    h.total_len = 1500;
    h.id = 0x1234;
    h.flags = 1;
    h.frag_off = 185;
    h.ttl = 7;
    h.protocol = 17;
    h.checksum = 0xdead; /* ignored */
    h.src = v4("192.0.2.1");
    h.dst = v4("232.1.1.1");
    memset(b, 0xee, sizeof b);
    assert_int_equal(mc_ip4_hdr_marshal(&h, b, sizeof b), 20);
    assert_memory_equal(b, udp_frag, sizeof udp_frag);
    assert_int_equal(b[20], 0xee);
    /* Exactly the header's size is enough. */
    assert_int_equal(mc_ip4_hdr_marshal(&h, b, 20), 20);
}

static void test_ip4_round_trip(void **state)
{
    struct mc_ip4_hdr h, h2;
    uint8_t b[64];

    (void)state;
    /* bytes -> header -> bytes */
    assert_int_equal(mc_ip4_hdr_parse(igmp3, sizeof igmp3, &h), 0);
    assert_int_equal(mc_ip4_hdr_marshal(&h, b, sizeof b), 24);
    assert_memory_equal(b, igmp3, sizeof igmp3);
    /* header -> bytes -> header, with the reserved flag and an options
     * length that needs padding */
    h.flags = 7;
    h.frag_off = 0x1fff;
    h.options[0] = 0x01; /* NOP */
    h.options[1] = 0x94;
    h.options[2] = 0x04;
    h.options_len = 3;
    h.len = 24;
    assert_int_equal(mc_ip4_hdr_marshal(&h, b, sizeof b), 24);
    assert_int_equal(b[23], 0x00); /* padding: End of Option List */
    assert_int_equal(mc_inet_checksum(b, 24), 0);
    assert_int_equal(mc_ip4_hdr_parse(b, 24, &h2), 0);
    assert_int_equal(h2.flags, 7);
    assert_int_equal(h2.frag_off, 0x1fff);
    assert_int_equal(h2.options_len, 4);
    assert_memory_equal(h2.options, "\x01\x94\x04\x00", 4);
    assert_int_equal(h2.checksum, (unsigned)b[10] << 8 | b[11]);
    assert_int_equal(h2.total_len, h.total_len);
    assert_true(mc_addr_equal(&h2.src, &h.src));
    assert_true(mc_addr_equal(&h2.dst, &h.dst));
}

static void test_ip4_marshal_unset_addr(void **state)
{
    struct mc_ip4_hdr h;
    uint8_t b[20];

    (void)state;
    assert_int_equal(mc_ip4_hdr_parse(udp_frag, sizeof udp_frag, &h), 0);
    /* An unset source goes out as 0.0.0.0 (IP_HDRINCL fills it in). */
    memset(&h.src, 0, sizeof h.src);
    assert_int_equal(mc_ip4_hdr_marshal(&h, b, sizeof b), 20);
    assert_memory_equal(b + 12, "\0\0\0\0", 4);
    assert_memory_equal(b + 16, udp_frag + 16, 4);
    assert_int_equal(mc_inet_checksum(b, sizeof b), 0);
}

static void test_ip4_marshal_bad(void **state)
{
    struct mc_ip4_hdr good, h;
    uint8_t b[64];

    (void)state;
    assert_int_equal(mc_ip4_hdr_parse(igmp3, sizeof igmp3, &good), 0);

    assert_int_equal(mc_ip4_hdr_marshal(&good, b, 23), -EMSGSIZE);
    assert_int_equal(mc_ip4_hdr_marshal(NULL, b, sizeof b), -EINVAL);
    assert_int_equal(mc_ip4_hdr_marshal(&good, NULL, 0), -EINVAL);

#define EXPECT_BAD(field, value, rc)                                           \
    do {                                                                       \
        h = good;                                                              \
        h.field = (value);                                                     \
        assert_int_equal(mc_ip4_hdr_marshal(&h, b, sizeof b), (rc));           \
    } while (0)

    EXPECT_BAD(version, 6, -EINVAL);
    EXPECT_BAD(version, 0, -EINVAL);
    EXPECT_BAD(len, 20, -EINVAL); /* options_len 4 needs 24 */
    EXPECT_BAD(len, 28, -EINVAL);
    EXPECT_BAD(options_len, 41, -EINVAL);
    EXPECT_BAD(tos, 0x100, -EINVAL);
    EXPECT_BAD(total_len, 0x10000, -EINVAL);
    EXPECT_BAD(id, 0x10000, -EINVAL);
    EXPECT_BAD(flags, 8, -EINVAL);
    EXPECT_BAD(frag_off, 0x2000, -EINVAL);
    EXPECT_BAD(ttl, 256, -EINVAL);
    EXPECT_BAD(protocol, 256, -EINVAL);
    EXPECT_BAD(src, v6("fd42::1"), -EAFNOSUPPORT);
    EXPECT_BAD(dst, v6("ff3e::1234"), -EAFNOSUPPORT);
#undef EXPECT_BAD

    /* The largest values that fit are accepted. */
    h = good;
    h.tos = h.ttl = h.protocol = 0xff;
    h.total_len = h.id = 0xffff;
    h.options_len = 40;
    h.len = 60;
    assert_int_equal(mc_ip4_hdr_marshal(&h, b, sizeof b), 60);
    assert_int_equal(b[0], 0x4f);
}

static void test_ip6_parse(void **state)
{
    struct mc_ip6_hdr h;
    struct mc_addr src = v6("fd42::1"), dst = v6("ff3e::1234");
    uint8_t pkt[48];

    (void)state;
    memset(pkt, 0xee, sizeof pkt);
    memcpy(pkt, ip6, sizeof ip6);
    assert_int_equal(mc_ip6_hdr_parse(pkt, sizeof pkt, &h), 0);
    assert_int_equal(h.version, 6);
    assert_int_equal(h.tclass, 0x28);
    assert_int_equal(h.flow_label, 0xabcde);
    assert_int_equal(h.payload_len, 64);
    assert_int_equal(h.next_header, 0); /* not walked */
    assert_int_equal(h.hop_limit, 1);
    assert_true(mc_addr_equal(&h.src, &src));
    assert_true(mc_addr_equal(&h.dst, &dst));
    /* The header alone is enough; the payload length is not checked. */
    assert_int_equal(mc_ip6_hdr_parse(ip6, sizeof ip6, &h), 0);
}

static void test_ip6_parse_fields(void **state)
{
    struct mc_ip6_hdr h;
    uint8_t b[40];

    (void)state;
    memcpy(b, ip6, sizeof b);
    b[0] = 0x6f;
    b[1] = 0xff;
    b[2] = 0xff;
    b[3] = 0xff;
    b[4] = 0xff;
    b[5] = 0xfe;
    b[6] = 17;
    b[7] = 255;
    assert_int_equal(mc_ip6_hdr_parse(b, sizeof b, &h), 0);
    assert_int_equal(h.tclass, 0xff);
    assert_int_equal(h.flow_label, 0xfffff);
    assert_int_equal(h.payload_len, 0xfffe);
    assert_int_equal(h.next_header, 17);
    assert_int_equal(h.hop_limit, 255);
    b[0] = 0x60;
    b[1] = 0x00;
    b[2] = 0x00;
    b[3] = 0x00;
    assert_int_equal(mc_ip6_hdr_parse(b, sizeof b, &h), 0);
    assert_int_equal(h.tclass, 0);
    assert_int_equal(h.flow_label, 0);
}

static void test_ip6_parse_bad(void **state)
{
    struct mc_ip6_hdr h, before;
    struct mc_ip4_hdr h4;
    uint8_t b[40], pkt4[40];

    (void)state;
    memset(&h, 0x5a, sizeof h);
    before = h;
    memset(pkt4, 0, sizeof pkt4);
    memcpy(pkt4, igmp3, sizeof igmp3);
    assert_int_equal(mc_ip6_hdr_parse(ip6, 39, &h), -EMSGSIZE);
    assert_int_equal(mc_ip6_hdr_parse(ip6, 0, &h), -EMSGSIZE);
    memcpy(b, ip6, sizeof b);
    b[0] = 0x45;
    assert_int_equal(mc_ip6_hdr_parse(b, sizeof b, &h), -EINVAL);
    b[0] = 0x72;
    assert_int_equal(mc_ip6_hdr_parse(b, sizeof b, &h), -EINVAL);
    /* An IPv4 header is not an IPv6 one, and the reverse. */
    assert_int_equal(mc_ip4_hdr_parse(ip6, sizeof ip6, &h4), -EINVAL);
    assert_int_equal(mc_ip6_hdr_parse(igmp3, sizeof igmp3, &h), -EMSGSIZE);
    assert_int_equal(mc_ip6_hdr_parse(pkt4, sizeof pkt4, &h), -EINVAL);
    assert_int_equal(mc_ip6_hdr_parse(NULL, 40, &h), -EINVAL);
    assert_int_equal(mc_ip6_hdr_parse(ip6, 40, NULL), -EINVAL);
    assert_memory_equal(&h, &before, sizeof h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_checksum_vectors),
        cmocka_unit_test(test_checksum_verifies),
        cmocka_unit_test(test_ip4_parse),
        cmocka_unit_test(test_ip4_parse_options),
        cmocka_unit_test(test_ip4_parse_flags),
        cmocka_unit_test(test_ip4_parse_max_options),
        cmocka_unit_test(test_ip4_parse_bad),
        cmocka_unit_test(test_ip4_marshal),
        cmocka_unit_test(test_ip4_round_trip),
        cmocka_unit_test(test_ip4_marshal_unset_addr),
        cmocka_unit_test(test_ip4_marshal_bad),
        cmocka_unit_test(test_ip6_parse),
        cmocka_unit_test(test_ip6_parse_fields),
        cmocka_unit_test(test_ip6_parse_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
