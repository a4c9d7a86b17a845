/*
 * Unit tests: core/cmsg.c — flag words, the receive options the flags turn
 * on and off, marshal-then-parse round trips for both families, the
 * parser's handling of odd control data (unknown, short, malformed,
 * MSG_CTRUNC), and formatting.  One test has the kernel cut a control
 * buffer short over 127.0.0.1 in a private network namespace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mcscope/cmsg.h"
#include "mcscope/sock.h"
#include "testns.h"
#include "testutil.h"

/* A control buffer aligned as cmsg(3) wants it. */
union ctl {
    struct cmsghdr align;
    unsigned char b[512];
};

/* Append one control message by hand, with any length field. */
static size_t put(union ctl *c, size_t at, int level, int type,
                  const void *data, size_t len, size_t cmsg_len)
{
    struct cmsghdr h;

    memset(&h, 0, sizeof h);
    h.cmsg_level = level;
    h.cmsg_type = type;
    h.cmsg_len = cmsg_len;
    memcpy(c->b + at, &h, sizeof h);
    memcpy(c->b + at + CMSG_LEN(0), data, len);
    return at + CMSG_SPACE(len);
}

static struct msghdr msg_of(union ctl *c, size_t len, int flags)
{
    struct msghdr m;

    memset(&m, 0, sizeof m);
    m.msg_control = c->b;
    m.msg_controllen = len;
    m.msg_flags = flags;
    return m;
}

/* ---- flag words ---- */

static void test_flag_names(void **state)
{
    (void)state;
    assert_string_equal(mc_cm_flag_name(MC_CM_TCLASS, AF_INET6), "tclass");
    assert_string_equal(mc_cm_flag_name(MC_CM_TCLASS, AF_INET), "tos");
    assert_string_equal(mc_cm_flag_name(MC_CM_HOPLIMIT, AF_INET6), "hoplimit");
    assert_string_equal(mc_cm_flag_name(MC_CM_HOPLIMIT, AF_INET), "ttl");
    assert_string_equal(mc_cm_flag_name(MC_CM_SRC, AF_INET), "src");
    assert_string_equal(mc_cm_flag_name(MC_CM_DST, AF_INET6), "dst");
    assert_string_equal(mc_cm_flag_name(MC_CM_IFACE, AF_INET6), "iface");
    assert_string_equal(mc_cm_flag_name(MC_CM_PATHMTU, AF_INET6), "pathmtu");
    assert_string_equal(mc_cm_flag_name(0x40, AF_INET6), "?");
    assert_string_equal(mc_cm_flag_name(MC_CM_SRC | MC_CM_DST, AF_INET6), "?");
}

static void test_flag_parse(void **state)
{
    static const struct {
        const char *word;
        unsigned flag;
    } words[] = {
        {"tclass", MC_CM_TCLASS},     {"tos", MC_CM_TCLASS},
        {"hoplimit", MC_CM_HOPLIMIT}, {"ttl", MC_CM_HOPLIMIT},
        {"src", MC_CM_SRC},           {"dst", MC_CM_DST},
        {"iface", MC_CM_IFACE},       {"pathmtu", MC_CM_PATHMTU},
    };
    struct mc_err err;
    unsigned flag;
    size_t i;

    (void)state;
    for (i = 0; i < sizeof words / sizeof words[0]; i++) {
        flag = 0;
        assert_int_equal(mc_cm_flag_parse(words[i].word, &flag, &err), 0);
        assert_int_equal(flag, words[i].flag);
        assert_int_equal(err.code, 0);
    }
    flag = 99;
    assert_int_equal(mc_cm_flag_parse("hops", &flag, &err), -EINVAL);
    assert_int_equal(err.code, -EINVAL);
    assert_string_equal(err.msg, "unknown control-message flag \"hops\": use "
                                 "tclass, hoplimit, src, dst, iface, "
                                 "pathmtu, ttl or tos");
    assert_int_equal(flag, 99);
    assert_int_equal(mc_cm_flag_parse("", &flag, NULL), -EINVAL);
    assert_int_equal(mc_cm_flag_parse(NULL, &flag, &err), -EINVAL);
}

/* The flag table: every bit once, in the order the views list them,
 * with the labels of the status line, and the words of the parser. */
static void test_flag_table(void **state)
{
    static const char *const on[] = {"TC", "HL", "SRC", "DST", "IF", "PMTU"};
    const char *words[16];
    size_t n, i;
    const struct mc_cm_flag_info *f = mc_cm_flags(&n);
    unsigned all = 0;

    (void)state;
    assert_int_equal(n, 6);
    for (i = 0; i < n; i++) {
        assert_int_equal(f[i].flag, 1u << i);
        all |= f[i].flag;
        assert_string_equal(f[i].label_on, on[i]);
        assert_non_null(f[i].label_off);
        assert_non_null(f[i].what);
        assert_string_equal(f[i].json, mc_cm_flag_name(f[i].flag, AF_INET6));
    }
    assert_int_equal(all, MC_CM_ALL_V6);
    assert_int_equal(mc_cm_flag_words(words, 16), 8);
    assert_string_equal(words[0], "tclass");
    assert_string_equal(words[5], "pathmtu");
    assert_string_equal(words[6], "ttl");
    assert_string_equal(words[7], "tos");
    /* A short array gets the first words and the whole count. */
    assert_int_equal(mc_cm_flag_words(words, 2), 8);
}

/* ---- receive options ---- */

static void test_set_flags_v6(void **state)
{
    struct mc_err err;
    int fd = mc_sock_open_udp(AF_INET6, &err);

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(mc_cmsg_set_flags(fd, MC_CM_ALL_V6, true, &err), 0);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS), 1);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT), 1);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO), 1);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_RECVPATHMTU), 1);
    assert_int_equal(
        mc_cmsg_set_flags(fd, MC_CM_TCLASS | MC_CM_PATHMTU, false, &err), 0);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS), 0);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT), 1);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO), 1);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_RECVPATHMTU), 0);
    /* DST and IFACE share IPV6_RECVPKTINFO: one off turns both off. */
    assert_int_equal(mc_cmsg_set_flags(fd, MC_CM_IFACE, false, &err), 0);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO), 0);
    assert_int_equal(mc_cmsg_set_flags(fd, MC_CM_DST, true, &err), 0);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO), 1);
    /* SRC needs no option. */
    assert_int_equal(mc_cmsg_set_flags(fd, MC_CM_ALL_V6, false, &err), 0);
    assert_int_equal(mc_cmsg_set_flags(fd, MC_CM_SRC, true, &err), 0);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS), 0);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT), 0);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO), 0);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_RECVPATHMTU), 0);
    assert_int_equal(mc_cmsg_set_flags(fd, 0x40, true, &err), -EINVAL);
    assert_string_equal(err.msg, "unknown control-message flags 0x40: use "
                                 "the MC_CM_* flags");
    close(fd);
}

static void test_set_flags_v4(void **state)
{
    struct mc_err err;
    int fd = mc_sock_open_udp(AF_INET, &err), p[2];

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(mc_cmsg_set_flags(fd, MC_CM_ALL_V4, true, &err), 0);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IP, IP_RECVTOS), 1);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IP, IP_RECVTTL), 1);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IP, IP_PKTINFO), 1);
    assert_int_equal(mc_cmsg_set_flags(fd, MC_CM_HOPLIMIT, false, &err), 0);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IP, IP_RECVTOS), 1);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IP, IP_RECVTTL), 0);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IP, IP_PKTINFO), 1);
    /* No path MTU messages on IPv4: refused, and nothing changes. */
    assert_int_equal(mc_cmsg_set_flags(fd, MC_CM_ALL_V6, false, &err),
                     -ENOPROTOOPT);
    assert_int_equal(err.code, -ENOPROTOOPT);
    assert_string_equal(err.msg,
                        "path MTU control messages exist only for IPv6 "
                        "(IPV6_RECVPATHMTU): on IPv4, read the path MTU of a "
                        "connected socket instead");
    assert_int_equal(tu_sockopt(fd, IPPROTO_IP, IP_RECVTOS), 1);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IP, IP_PKTINFO), 1);
    assert_int_equal(mc_cmsg_set_flags(fd, MC_CM_ALL_V4, false, &err), 0);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IP, IP_RECVTOS), 0);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IP, IP_PKTINFO), 0);
    close(fd);
    assert_int_equal(pipe(p), 0);
    assert_int_equal(mc_cmsg_set_flags(p[0], MC_CM_DST, true, &err), -ENOTSOCK);
    assert_int_equal(err.code, -ENOTSOCK);
    close(p[0]);
    close(p[1]);
}

/* ---- marshal, then parse ---- */

static void test_roundtrip_v6(void **state)
{
    struct mc_cmsg cm, got;
    union ctl c;
    struct msghdr m;
    struct cmsghdr *h;
    struct in6_pktinfo pi;
    struct mc_err err;
    int v, n;

    (void)state;
    memset(&cm, 0, sizeof cm);
    cm.have = MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_SRC | MC_CM_IFACE;
    cm.tclass = 0x28;
    cm.hoplimit = 7;
    cm.src = tu_addr("fd42::1");
    cm.ifindex = 3;
    memset(&c, 0x5a, sizeof c);
    n = mc_cmsg_marshal(&cm, AF_INET6, c.b, sizeof c.b, &err);
    assert_int_equal(n, CMSG_SPACE(sizeof(int)) * 2 +
                            CMSG_SPACE(sizeof(struct in6_pktinfo)));
    assert_int_equal(n, 88);
    /* What the kernel will read: RFC 3542 §6 types and sizes. */
    m = msg_of(&c, (size_t)n, 0);
    h = CMSG_FIRSTHDR(&m);
    assert_int_equal(h->cmsg_level, IPPROTO_IPV6);
    assert_int_equal(h->cmsg_type, IPV6_TCLASS);
    assert_int_equal(h->cmsg_len, CMSG_LEN(sizeof(int)));
    memcpy(&v, CMSG_DATA(h), sizeof v);
    assert_int_equal(v, 0x28);
    h = CMSG_NXTHDR(&m, h);
    assert_int_equal(h->cmsg_type, IPV6_HOPLIMIT);
    memcpy(&v, CMSG_DATA(h), sizeof v);
    assert_int_equal(v, 7);
    h = CMSG_NXTHDR(&m, h);
    assert_int_equal(h->cmsg_type, IPV6_PKTINFO);
    assert_int_equal(h->cmsg_len, CMSG_LEN(sizeof pi));
    memcpy(&pi, CMSG_DATA(h), sizeof pi);
    assert_int_equal(pi.ipi6_ifindex, 3);
    assert_memory_equal(&pi.ipi6_addr, &cm.src.u.v6, 16);
    assert_null(CMSG_NXTHDR(&m, h));

    /* Parsed back, PKTINFO's address reads as the destination. */
    mc_cmsg_parse(&m, &got);
    assert_int_equal(got.have,
                     MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_DST | MC_CM_IFACE);
    assert_int_equal(got.tclass, 0x28);
    assert_int_equal(got.hoplimit, 7);
    tu_expect_addr(&got.dst, "fd42::1");
    assert_int_equal(got.ifindex, 3);
    assert_false(got.trunc);
    assert_false(got.ctrunc);
    assert_false(got.have_time);
    assert_false(got.have_drops);

    /* Only an interface: PKTINFO with ::. */
    cm.have = MC_CM_IFACE;
    n = mc_cmsg_marshal(&cm, AF_INET6, c.b, sizeof c.b, &err);
    assert_int_equal(n, CMSG_SPACE(sizeof(struct in6_pktinfo)));
    m = msg_of(&c, (size_t)n, 0);
    mc_cmsg_parse(&m, &got);
    assert_int_equal(got.have, MC_CM_DST | MC_CM_IFACE);
    tu_expect_addr(&got.dst, "::");
    assert_int_equal(got.ifindex, 3);
    /* Hop limit 0 is valid on IPv6. */
    cm.have = MC_CM_HOPLIMIT;
    cm.hoplimit = 0;
    assert_int_equal(mc_cmsg_marshal(&cm, AF_INET6, c.b, sizeof c.b, &err),
                     CMSG_SPACE(sizeof(int)));
}

static void test_roundtrip_v4(void **state)
{
    struct mc_cmsg cm, got;
    union ctl c;
    struct msghdr m;
    struct cmsghdr *h;
    struct in_pktinfo pi;
    struct mc_err err;
    int v, n;

    (void)state;
    memset(&cm, 0, sizeof cm);
    cm.have = MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_SRC | MC_CM_IFACE;
    cm.tclass = 0xb8;
    cm.hoplimit = 9;
    cm.src = tu_addr("10.0.0.1");
    cm.ifindex = 2;
    n = mc_cmsg_marshal(&cm, AF_INET, c.b, sizeof c.b, &err);
    assert_int_equal(n, CMSG_SPACE(sizeof(int)) * 2 +
                            CMSG_SPACE(sizeof(struct in_pktinfo)));
    m = msg_of(&c, (size_t)n, 0);
    h = CMSG_FIRSTHDR(&m);
    assert_int_equal(h->cmsg_level, IPPROTO_IP);
    assert_int_equal(h->cmsg_type, IP_TOS);
    assert_int_equal(h->cmsg_len, CMSG_LEN(sizeof(int)));
    memcpy(&v, CMSG_DATA(h), sizeof v);
    assert_int_equal(v, 0xb8);
    h = CMSG_NXTHDR(&m, h);
    assert_int_equal(h->cmsg_type, IP_TTL);
    assert_int_equal(h->cmsg_len, CMSG_LEN(sizeof(int)));
    memcpy(&v, CMSG_DATA(h), sizeof v);
    assert_int_equal(v, 9);
    h = CMSG_NXTHDR(&m, h);
    assert_int_equal(h->cmsg_type, IP_PKTINFO);
    memcpy(&pi, CMSG_DATA(h), sizeof pi);
    /* ip(7): the source goes in ipi_spec_dst. */
    assert_int_equal(pi.ipi_ifindex, 2);
    assert_int_equal(ntohl(pi.ipi_spec_dst.s_addr), 0x0a000001);
    assert_int_equal(pi.ipi_addr.s_addr, 0);
    assert_null(CMSG_NXTHDR(&m, h));

    mc_cmsg_parse(&m, &got);
    assert_int_equal(got.have,
                     MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_DST | MC_CM_IFACE);
    assert_int_equal(got.tclass, 0xb8);
    assert_int_equal(got.hoplimit, 9);
    tu_expect_addr(&got.dst, "0.0.0.0"); /* ipi_addr: the header's dst */
    assert_int_equal(got.ifindex, 2);
}

static void test_marshal_refusals(void **state)
{
    struct mc_cmsg cm;
    union ctl c;
    struct mc_err err;

    (void)state;
    memset(&cm, 0, sizeof cm);
    assert_int_equal(mc_cmsg_marshal(NULL, AF_INET6, c.b, 0, &err), 0);
    assert_int_equal(mc_cmsg_marshal(&cm, AF_INET6, NULL, 0, &err), 0);
    /* DST, PATHMTU and the receive-only fields are not sent. */
    cm.have = MC_CM_DST | MC_CM_PATHMTU;
    cm.have_time = true;
    assert_int_equal(mc_cmsg_marshal(&cm, AF_INET6, c.b, sizeof c.b, &err), 0);
    cm.have = MC_CM_TCLASS | MC_CM_IFACE;
    cm.tclass = 1;
    cm.ifindex = 1;
    assert_int_equal(mc_cmsg_marshal(&cm, AF_INET6, c.b, 63, &err), -ENOBUFS);
    assert_int_equal(err.code, -ENOBUFS);
    assert_string_equal(err.msg, "a control buffer of 63 bytes is too "
                                 "small: these control messages need 64");
    assert_int_equal(mc_cmsg_marshal(&cm, AF_INET6, c.b, 64, &err), 64);
    assert_int_equal(mc_cmsg_marshal(&cm, AF_INET, NULL, 0, &err), -ENOBUFS);
    cm.tclass = 256;
    assert_int_equal(mc_cmsg_marshal(&cm, AF_INET6, c.b, sizeof c.b, &err),
                     -EINVAL);
    assert_string_equal(err.msg, "traffic class 256 is out of range: use "
                                 "0..255 (0x00..0xff)");
    assert_int_equal(mc_cmsg_marshal(&cm, AF_INET, c.b, sizeof c.b, &err),
                     -EINVAL);
    assert_string_equal(err.msg,
                        "TOS 256 is out of range: use 0..255 (0x00..0xff)");
    cm.have = MC_CM_HOPLIMIT;
    cm.hoplimit = 0;
    assert_int_equal(mc_cmsg_marshal(&cm, AF_INET, c.b, sizeof c.b, &err),
                     -EINVAL);
    assert_string_equal(err.msg, "TTL 0 is out of range: use 1..255");
    cm.hoplimit = 256;
    assert_int_equal(mc_cmsg_marshal(&cm, AF_INET6, c.b, sizeof c.b, &err),
                     -EINVAL);
    assert_string_equal(err.msg, "hop limit 256 is out of range: use 0..255");
    cm.have = MC_CM_SRC;
    cm.src = tu_addr("10.0.0.1");
    assert_int_equal(mc_cmsg_marshal(&cm, AF_INET6, c.b, sizeof c.b, &err),
                     -EAFNOSUPPORT);
    assert_string_equal(err.msg, "the source address is IPv4 but the socket "
                                 "is IPv6: give an IPv6 source");
    cm.src.family = 0;
    assert_int_equal(mc_cmsg_marshal(&cm, AF_INET, c.b, sizeof c.b, &err),
                     -EAFNOSUPPORT);
    assert_string_equal(err.msg, "the source address is unset but the "
                                 "socket is IPv4: give an IPv4 source");
    assert_int_equal(mc_cmsg_marshal(&cm, AF_UNIX, c.b, sizeof c.b, &err),
                     -EAFNOSUPPORT);
}

/* ---- parse: what the kernel (or a bug) may hand us ---- */

static void test_parse_odd(void **state)
{
    struct sockaddr_in6 sin6;
    struct mc_cmsg got;
    struct in_pktinfo pi;
    struct timespec ts = {1700000000, 123456789};
    uint32_t drops = 42;
    unsigned char tos = 0x2e;
    union ctl c;
    struct msghdr m;
    size_t at = 0;
    int junk = 5, ttl = 33, big = 300;

    (void)state;
    memset(&c, 0, sizeof c);
    /* Unknown level and type first: skipped. */
    at = put(&c, at, 1234, 5, &junk, sizeof junk, CMSG_LEN(sizeof junk));
    at = put(&c, at, IPPROTO_IPV6, 99, &junk, sizeof junk,
             CMSG_LEN(sizeof junk));
    /* IP_TOS on receive is one byte (ip(7)). */
    at = put(&c, at, IPPROTO_IP, IP_TOS, &tos, 1, CMSG_LEN(1));
    at =
        put(&c, at, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl, CMSG_LEN(sizeof ttl));
    /* A value out of range is not believed. */
    at = put(&c, at, IPPROTO_IPV6, IPV6_HOPLIMIT, &big, sizeof big,
             CMSG_LEN(sizeof big));
    at = put(&c, at, SOL_SOCKET, SCM_TIMESTAMPNS, &ts, sizeof ts,
             CMSG_LEN(sizeof ts));
    at = put(&c, at, SOL_SOCKET, SO_RXQ_OVFL, &drops, sizeof drops,
             CMSG_LEN(sizeof drops));
    /* A PKTINFO cut short, as the kernel leaves one with MSG_CTRUNC. */
    memset(&pi, 0, sizeof pi);
    pi.ipi_ifindex = 7;
    at = put(&c, at, IPPROTO_IP, IP_PKTINFO, &pi, 4, CMSG_LEN(4));
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(5000);
    assert_int_equal(inet_pton(AF_INET6, "fd42::9", &sin6.sin6_addr), 1);
    m = msg_of(&c, at, MSG_CTRUNC | MSG_TRUNC);
    m.msg_name = &sin6;
    m.msg_namelen = sizeof sin6;
    mc_cmsg_parse(&m, &got);
    assert_int_equal(got.have, MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_SRC);
    assert_int_equal(got.tclass, 0x2e);
    assert_int_equal(got.hoplimit, 33);
    tu_expect_addr(&got.src, "fd42::9");
    assert_int_equal(got.src_port, 5000); /* the flow's key */
    assert_true(got.have_time);
    assert_int_equal(got.ts.tv_sec, 1700000000);
    assert_int_equal(got.ts.tv_nsec, 123456789);
    assert_true(got.have_drops);
    assert_int_equal(got.drops, 42);
    assert_true(got.ctrunc);
    assert_true(got.trunc);
    assert_int_equal(got.ifindex, 0);

    /* A length beyond the buffer ends the walk; what came before stays. */
    memset(&c, 0, sizeof c);
    at = put(&c, 0, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl, CMSG_LEN(sizeof ttl));
    at = put(&c, at, IPPROTO_IP, IP_TOS, &tos, 1, 4000);
    m = msg_of(&c, at, 0);
    mc_cmsg_parse(&m, &got);
    assert_int_equal(got.have, MC_CM_HOPLIMIT);
    assert_false(got.ctrunc);
    /* A length below the header's, too. */
    at = put(&c, 0, IPPROTO_IP, IP_TTL, &ttl, sizeof ttl, 3);
    m = msg_of(&c, at, 0);
    mc_cmsg_parse(&m, &got);
    assert_int_equal(got.have, 0);
    /* A name too short for its family is no source. */
    m = msg_of(&c, 0, 0);
    m.msg_name = &sin6;
    m.msg_namelen = sizeof(struct sockaddr_in6) - 1;
    mc_cmsg_parse(&m, &got);
    assert_int_equal(got.have, 0);
    /* No control buffer at all. */
    m.msg_control = NULL;
    m.msg_controllen = 100;
    m.msg_namelen = sizeof sin6;
    mc_cmsg_parse(&m, &got);
    assert_int_equal(got.have, MC_CM_SRC);
    mc_cmsg_parse(NULL, &got);
    assert_int_equal(got.have, 0);
}

/* An IPv4 packet on a dual-stack IPv6 socket: v4-mapped addresses come
 * out in their IPv4 form, as the source does. */
static void test_parse_v4_mapped(void **state)
{
    struct sockaddr_in6 sin6;
    struct in6_pktinfo pi;
    struct mc_cmsg got;
    union ctl c;
    struct msghdr m;
    size_t at;

    (void)state;
    memset(&pi, 0, sizeof pi);
    assert_int_equal(inet_pton(AF_INET6, "::ffff:239.1.2.3", &pi.ipi6_addr), 1);
    pi.ipi6_ifindex = 4;
    at = put(&c, 0, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof pi,
             CMSG_LEN(sizeof pi));
    memset(&sin6, 0, sizeof sin6);
    sin6.sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, "::ffff:10.0.0.7", &sin6.sin6_addr),
                     1);
    m = msg_of(&c, at, 0);
    m.msg_name = &sin6;
    m.msg_namelen = sizeof sin6;
    mc_cmsg_parse(&m, &got);
    assert_int_equal(got.have, MC_CM_SRC | MC_CM_DST | MC_CM_IFACE);
    assert_int_equal(got.src.family, AF_INET);
    tu_expect_addr(&got.src, "10.0.0.7");
    assert_int_equal(got.dst.family, AF_INET);
    tu_expect_addr(&got.dst, "239.1.2.3");
    assert_int_equal(got.ifindex, 4);
}

/* The kernel cuts control data short when the buffer is too small. */
static void test_ctrunc_from_kernel(void **state)
{
    union ctl c;
    struct sockaddr_in to, from;
    struct iovec iov;
    struct msghdr m;
    struct mc_cmsg got;
    struct mc_err err;
    char buf[16];
    int rx = mc_sock_open_udp(AF_INET, &err);
    int tx = mc_sock_open_udp(AF_INET, &err);
    socklen_t len = sizeof to;

    (void)state;
    assert_true(rx >= 0 && tx >= 0);
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(rx, (struct sockaddr *)&to, sizeof to), 0);
    assert_int_equal(getsockname(rx, (struct sockaddr *)&to, &len), 0);
    assert_int_equal(
        mc_cmsg_set_flags(rx, MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_DST, true,
                          &err),
        0);
    assert_int_equal(
        sendto(tx, "hello", 5, 0, (struct sockaddr *)&to, sizeof to), 5);
    /* Room for IP_PKTINFO only; the kernel writes it first (ip(7) order
     * in ip_cmsg_recv_offset), then has no room for TTL and TOS. */
    iov.iov_base = buf;
    iov.iov_len = sizeof buf;
    memset(&m, 0, sizeof m);
    m.msg_name = &from;
    m.msg_namelen = sizeof from;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = c.b;
    m.msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo));
    assert_int_equal(recvmsg(rx, &m, MSG_DONTWAIT), 5);
    assert_true(m.msg_flags & MSG_CTRUNC);
    mc_cmsg_parse(&m, &got);
    assert_true(got.ctrunc);
    assert_false(got.trunc);
    assert_int_equal(got.have, MC_CM_SRC | MC_CM_DST | MC_CM_IFACE);
    tu_expect_addr(&got.src, "127.0.0.1");
    tu_expect_addr(&got.dst, "127.0.0.1");
    assert_int_equal(got.ifindex, testns_lo_index());
    close(rx);
    close(tx);
}

static void test_space(void **state)
{
    (void)state;
    /* At least every message both families' flags, timestamps and drop
     * counters bring at once. */
    assert_true(mc_cmsg_space() >= CMSG_SPACE(sizeof(int)) * 4 +
                                       CMSG_SPACE(sizeof(struct in6_pktinfo)) +
                                       CMSG_SPACE(sizeof(struct ip6_mtuinfo)) +
                                       CMSG_SPACE(sizeof(struct in_pktinfo)) +
                                       CMSG_SPACE(sizeof(struct timespec)) +
                                       CMSG_SPACE(sizeof(uint32_t)));
}

/* ---- format ---- */

static void test_format(void **state)
{
    struct mc_cmsg cm;
    char buf[160], small[10];

    (void)state;
    memset(&cm, 0, sizeof cm);
    assert_string_equal(mc_cmsg_format(&cm, buf, sizeof buf), "");
    cm.have =
        MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_SRC | MC_CM_DST | MC_CM_IFACE;
    cm.tclass = 0x28;
    cm.hoplimit = 7;
    cm.src = tu_addr("fd42::1");
    cm.dst = tu_addr("ff3e::1");
    cm.ifindex = 3;
    assert_string_equal(mc_cmsg_format(&cm, buf, sizeof buf),
                        "tclass=0x28 hoplimit=7 src=fd42::1 dst=ff3e::1 if=3");
    cm.have |= MC_CM_PATHMTU;
    cm.mtu = 1280;
    cm.have_time = true;
    cm.ts.tv_sec = 12;
    cm.ts.tv_nsec = 5;
    cm.ctrunc = true;
    assert_string_equal(mc_cmsg_format(&cm, buf, sizeof buf),
                        "tclass=0x28 hoplimit=7 src=fd42::1 dst=ff3e::1 if=3 "
                        "mtu=1280 t=12.000000005 ctrunc");
    memset(&cm, 0, sizeof cm);
    cm.have =
        MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_SRC | MC_CM_DST | MC_CM_IFACE;
    cm.tclass = 0xb8;
    cm.hoplimit = 9;
    cm.src = tu_addr("10.0.0.1");
    cm.dst = tu_addr("239.1.1.1");
    cm.ifindex = 1;
    cm.have_drops = true;
    cm.drops = 5;
    cm.trunc = true;
    assert_string_equal(mc_cmsg_format(&cm, buf, sizeof buf),
                        "tos=0xb8 ttl=9 src=10.0.0.1 dst=239.1.1.1 if=1 "
                        "drops=5 trunc");
    /* A field that does not fit is left out whole. */
    assert_string_equal(mc_cmsg_format(&cm, small, sizeof small), "tos=0xb8");
    assert_string_equal(mc_cmsg_format(&cm, small, 1), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flag_names),
        cmocka_unit_test(test_flag_parse),
        cmocka_unit_test(test_flag_table),
        cmocka_unit_test(test_set_flags_v6),
        cmocka_unit_test(test_set_flags_v4),
        cmocka_unit_test(test_roundtrip_v6),
        cmocka_unit_test(test_roundtrip_v4),
        cmocka_unit_test(test_marshal_refusals),
        cmocka_unit_test(test_parse_odd),
        cmocka_unit_test(test_parse_v4_mapped),
        cmocka_unit_test(test_ctrunc_from_kernel),
        cmocka_unit_test(test_space),
        cmocka_unit_test(test_format),
    };

    testns_enter_private_or_skip();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
