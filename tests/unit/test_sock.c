/*
 * Unit tests: core/sock*.c — every option setter and getter on real
 * sockets, the refusals (ours and the kernel's) with their texts, and the
 * raw-socket options (ICMP filters, checksum offset, header include) with
 * packets that show the kernel obeys them.  Everything runs in a private
 * network namespace (tests/lib/testns.h): the only interface is its lo.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <linux/filter.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mcscope/addr.h"
#include "mcscope/sock.h"
#include "testns.h"
#include "testutil.h"

#define SOL_RAW_ 255
#define ICMP_FILTER_ 1 /* <linux/icmp.h> */

static int udp(int family)
{
    struct mc_err err;
    int fd = mc_sock_open_udp(family, &err);

    assert_true(fd >= 0);
    assert_int_equal(err.code, 0);
    return fd;
}

static int raw(int family, int proto)
{
    int fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, proto);

    assert_true(fd >= 0);
    return fd;
}

/* A refusal: the code, the record and the exact text. */
static void expect_err(int rc, const struct mc_err *err, int code,
                       const char *msg)
{
    assert_int_equal(rc, code);
    assert_int_equal(err->code, code);
    if (msg != NULL)
        assert_string_equal(err->msg, msg);
}

static void expect_err_has(int rc, const struct mc_err *err, int code,
                           const char *part)
{
    assert_int_equal(rc, code);
    assert_int_equal(err->code, code);
    if (strstr(err->msg, part) == NULL)
        fail_msg("\"%s\" lacks \"%s\"", err->msg, part);
}

/* ---- family, open ---- */

static void test_family(void **state)
{
    struct mc_err err;
    int v4 = udp(AF_INET), v6 = udp(AF_INET6);
    int un = socket(AF_UNIX, SOCK_DGRAM, 0);
    int p[2];

    (void)state;
    assert_int_equal(mc_sock_family(v4), AF_INET);
    assert_int_equal(mc_sock_family(v6), AF_INET6);
    assert_int_equal(mc_sock_family(un), -EAFNOSUPPORT);
    assert_int_equal(pipe(p), 0);
    assert_int_equal(mc_sock_family(p[0]), -ENOTSOCK);
    expect_err(mc_sock_set_tclass(p[0], 0, &err), &err, -ENOTSOCK, NULL);
    expect_err_has(mc_sock_set_tclass(p[0], 0, &err), &err, -ENOTSOCK,
                   "is not a socket");
    expect_err_has(mc_sock_set_tclass(un, 0, &err), &err, -EAFNOSUPPORT,
                   "is not an IPv4 or IPv6 socket");
    close(p[0]);
    assert_int_equal(mc_sock_family(p[0]), -EBADF);
    expect_err_has(mc_sock_set_hoplimit(p[0], 5, &err), &err, -EBADF,
                   "is not open");
    /* The record is optional. */
    assert_int_equal(mc_sock_set_tclass(p[0], 0, NULL), -EBADF);
    close(p[1]);
    close(un);
    close(v4);
    close(v6);
}

static void test_open_udp(void **state)
{
    static const int fams[] = {AF_INET, AF_INET6};
    struct mc_err err;
    bool all = true;
    size_t i;
    int fd;

    (void)state;
    for (i = 0; i < 2; i++) {
        fd = udp(fams[i]);
        assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        assert_int_equal(tu_sockopt(fd, SOL_SOCKET, SO_TYPE), SOCK_DGRAM);
        assert_int_equal(tu_sockopt(fd, SOL_SOCKET, SO_PROTOCOL), IPPROTO_UDP);
        assert_int_equal(mc_sock_get_multicast_all(fd, &all, &err), 0);
        assert_false(all);
        if (fams[i] == AF_INET6) {
            assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL),
                             0);
            assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY), 1);
        } else {
            assert_int_equal(tu_sockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL), 0);
        }
        close(fd);
        /* The kernel's default, for contrast: on. */
        fd = socket(fams[i], SOCK_DGRAM, 0);
        assert_int_equal(mc_sock_get_multicast_all(fd, &all, &err), 0);
        assert_true(all);
        close(fd);
    }
    expect_err(mc_sock_open_udp(AF_UNIX, &err), &err, -EAFNOSUPPORT,
               "address family 1 is neither IPv4 (AF_INET) nor IPv6 "
               "(AF_INET6): open one of those");
}

/* ---- traffic class, hop limits ---- */

static void test_tclass(void **state)
{
    struct mc_err err;
    int v6 = udp(AF_INET6), v4 = udp(AF_INET), v = -7;

    (void)state;
    assert_int_equal(mc_sock_get_tclass(v6, &v, &err), 0);
    assert_int_equal(v, 0);
    assert_int_equal(mc_sock_set_tclass(v6, 0x28, &err), 0);
    assert_int_equal(mc_sock_get_tclass(v6, &v, &err), 0);
    assert_int_equal(v, 0x28);
    assert_int_equal(tu_sockopt(v6, IPPROTO_IPV6, IPV6_TCLASS), 0x28);
    assert_int_equal(mc_sock_set_tclass(v6, 255, &err), 0);
    assert_int_equal(mc_sock_get_tclass(v6, &v, &err), 0);
    assert_int_equal(v, 255);
    expect_err(mc_sock_set_tclass(v6, 256, &err), &err, -EINVAL,
               "traffic class 256 is out of range: use 0..255 (0x00..0xff)");
    expect_err(mc_sock_set_tclass(v6, -2, &err), &err, -EINVAL,
               "traffic class -2 is out of range: use 0..255 (0x00..0xff)");
    /* A refusal changes nothing. */
    assert_int_equal(mc_sock_get_tclass(v6, &v, &err), 0);
    assert_int_equal(v, 255);
    /* -1 is the default, 0 (RFC 3542 §6.5). */
    assert_int_equal(mc_sock_set_tclass(v6, -1, &err), 0);
    assert_int_equal(mc_sock_get_tclass(v6, &v, &err), 0);
    assert_int_equal(v, 0);

    assert_int_equal(mc_sock_set_tclass(v4, 0xb8, &err), 0);
    assert_int_equal(mc_sock_get_tclass(v4, &v, &err), 0);
    assert_int_equal(v, 0xb8);
    assert_int_equal(tu_sockopt(v4, IPPROTO_IP, IP_TOS), 0xb8);
    expect_err(mc_sock_set_tclass(v4, -1, &err), &err, -EINVAL,
               "TOS -1 is out of range: use 0..255 (0x00..0xff)");
    expect_err(mc_sock_set_tclass(v4, 256, &err), &err, -EINVAL,
               "TOS 256 is out of range: use 0..255 (0x00..0xff)");
    assert_int_equal(mc_sock_get_tclass(v4, &v, &err), 0);
    assert_int_equal(v, 0xb8);
    close(v4);
    close(v6);
}

static void test_hoplimit(void **state)
{
    struct mc_err err;
    int v6 = udp(AF_INET6), v4 = udp(AF_INET), v = -7;

    (void)state;
    /* The namespace's defaults: 64 for both. */
    assert_int_equal(mc_sock_get_hoplimit(v6, &v, &err), 0);
    assert_int_equal(v, 64);
    assert_int_equal(mc_sock_get_hoplimit(v4, &v, &err), 0);
    assert_int_equal(v, 64);

    assert_int_equal(mc_sock_set_hoplimit(v6, 16, &err), 0);
    assert_int_equal(mc_sock_get_hoplimit(v6, &v, &err), 0);
    assert_int_equal(v, 16);
    assert_int_equal(tu_sockopt(v6, IPPROTO_IPV6, IPV6_UNICAST_HOPS), 16);
    assert_int_equal(mc_sock_set_hoplimit(v6, 255, &err), 0);
    assert_int_equal(mc_sock_get_hoplimit(v6, &v, &err), 0);
    assert_int_equal(v, 255);
    assert_int_equal(mc_sock_set_hoplimit(v6, 0, &err), 0);
    assert_int_equal(mc_sock_get_hoplimit(v6, &v, &err), 0);
    assert_int_equal(v, 0);
    expect_err(mc_sock_set_hoplimit(v6, 256, &err), &err, -EINVAL,
               "hop limit 256 is out of range: use 0..255, or -1 for the "
               "route's default");
    expect_err(mc_sock_set_hoplimit(v6, -2, &err), &err, -EINVAL, NULL);
    assert_int_equal(mc_sock_set_hoplimit(v6, -1, &err), 0);
    assert_int_equal(mc_sock_get_hoplimit(v6, &v, &err), 0);
    assert_int_equal(v, 64);

    assert_int_equal(mc_sock_set_hoplimit(v4, 1, &err), 0);
    assert_int_equal(mc_sock_get_hoplimit(v4, &v, &err), 0);
    assert_int_equal(v, 1);
    assert_int_equal(mc_sock_set_hoplimit(v4, 255, &err), 0);
    assert_int_equal(tu_sockopt(v4, IPPROTO_IP, IP_TTL), 255);
    expect_err(mc_sock_set_hoplimit(v4, 0, &err), &err, -EINVAL,
               "TTL 0 is out of range: use 1..255");
    expect_err(mc_sock_set_hoplimit(v4, 256, &err), &err, -EINVAL,
               "TTL 256 is out of range: use 1..255");
    expect_err(mc_sock_set_hoplimit(v4, -1, &err), &err, -EINVAL,
               "TTL -1 is out of range: use 1..255");
    assert_int_equal(mc_sock_get_hoplimit(v4, &v, &err), 0);
    assert_int_equal(v, 255);
    close(v4);
    close(v6);
}

static void test_mcast_hoplimit(void **state)
{
    static const int fams[] = {AF_INET, AF_INET6};
    struct mc_err err;
    size_t i;
    int fd, v = -7;

    (void)state;
    for (i = 0; i < 2; i++) {
        fd = udp(fams[i]);
        assert_int_equal(mc_sock_get_mcast_hoplimit(fd, &v, &err), 0);
        assert_int_equal(v, 1);
        assert_int_equal(mc_sock_set_mcast_hoplimit(fd, 255, &err), 0);
        assert_int_equal(mc_sock_get_mcast_hoplimit(fd, &v, &err), 0);
        assert_int_equal(v, 255);
        assert_int_equal(mc_sock_set_mcast_hoplimit(fd, 0, &err), 0);
        assert_int_equal(mc_sock_get_mcast_hoplimit(fd, &v, &err), 0);
        assert_int_equal(v, 0);
        assert_int_equal(mc_sock_set_mcast_hoplimit(fd, 8, &err), 0);
        assert_int_equal(
            tu_sockopt(fd, fams[i] == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
                       fams[i] == AF_INET ? IP_MULTICAST_TTL
                                          : IPV6_MULTICAST_HOPS),
            8);
        expect_err(mc_sock_set_mcast_hoplimit(fd, 256, &err), &err, -EINVAL,
                   fams[i] == AF_INET
                       ? "multicast TTL 256 is out of range: use 0..255, or "
                         "-1 to reset it to 1"
                       : "multicast hop limit 256 is out of range: use "
                         "0..255, or -1 to reset it to 1");
        expect_err(mc_sock_set_mcast_hoplimit(fd, -2, &err), &err, -EINVAL,
                   NULL);
        assert_int_equal(mc_sock_get_mcast_hoplimit(fd, &v, &err), 0);
        assert_int_equal(v, 8);
        assert_int_equal(mc_sock_set_mcast_hoplimit(fd, -1, &err), 0);
        assert_int_equal(mc_sock_get_mcast_hoplimit(fd, &v, &err), 0);
        assert_int_equal(v, 1);
        close(fd);
    }
}

/* ---- multicast interface ---- */

static void test_mcast_if_v6(void **state)
{
    unsigned lo = testns_lo_index(), idx = 77;
    struct mc_err err;
    int fd = udp(AF_INET6);

    (void)state;
    assert_int_equal(mc_sock_get_mcast_if(fd, &idx, &err), 0);
    assert_int_equal(idx, 0);
    assert_int_equal(mc_sock_set_mcast_if(fd, lo, &err), 0);
    assert_int_equal(mc_sock_get_mcast_if(fd, &idx, &err), 0);
    assert_int_equal(idx, lo);
    assert_int_equal(tu_sockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF), (int)lo);
    /* The kernel's own refusal of an unknown index. */
    expect_err(mc_sock_set_mcast_if(fd, 9999, &err), &err, -ENODEV,
               "interface index 9999 does not exist in this network "
               "namespace: choose one that `ip link` lists");
    assert_int_equal(mc_sock_get_mcast_if(fd, &idx, &err), 0);
    assert_int_equal(idx, lo);
    assert_int_equal(mc_sock_set_mcast_if(fd, 0, &err), 0);
    assert_int_equal(mc_sock_get_mcast_if(fd, &idx, &err), 0);
    assert_int_equal(idx, 0);
    close(fd);
}

static void test_mcast_if_v4(void **state)
{
    unsigned lo = testns_lo_index(), idx = 77, veth;
    struct in_addr a;
    socklen_t len = sizeof a;
    struct mc_err err;
    int fd = udp(AF_INET);

    (void)state;
    assert_int_equal(mc_sock_get_mcast_if(fd, &idx, &err), 0);
    assert_int_equal(idx, 0);
    assert_int_equal(mc_sock_set_mcast_if(fd, lo, &err), 0);
    assert_int_equal(mc_sock_get_mcast_if(fd, &idx, &err), 0);
    assert_int_equal(idx, lo);
    /* Set by index only: the kernel reads back 0.0.0.0, so no source
     * address is pinned; the index comes from user space. */
    assert_int_equal(getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &a, &len), 0);
    assert_int_equal(len, sizeof a);
    assert_int_equal(a.s_addr, htonl(INADDR_ANY));
    /* An interface chosen by another address of lo maps back to lo. */
    a.s_addr = htonl(0x0aff0001); /* 10.255.0.1 */
    assert_int_equal(setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &a, sizeof a),
                     0);
    assert_int_equal(mc_sock_get_mcast_if(fd, &idx, &err), 0);
    assert_int_equal(idx, lo);
    /* IPv4 says EADDRNOTAVAIL for an unknown index. */
    expect_err(mc_sock_set_mcast_if(fd, 9999, &err), &err, -EADDRNOTAVAIL,
               "interface index 9999 does not exist in this network "
               "namespace: choose one that `ip link` lists");
    assert_int_equal(mc_sock_set_mcast_if(fd, 0, &err), 0);
    assert_int_equal(mc_sock_get_mcast_if(fd, &idx, &err), 0);
    assert_int_equal(idx, 0);
    /* An interface without an IPv4 address reads back too (a veth pair
     * inside the private namespace; nothing is sent). */
    if (system("ip link add mcs0 type veth peer name mcs1 2>/dev/null") == 0) {
        veth = if_nametoindex("mcs0");
        assert_true(veth > 0);
        assert_int_equal(mc_sock_set_mcast_if(fd, veth, &err), 0);
        assert_int_equal(mc_sock_get_mcast_if(fd, &idx, &err), 0);
        assert_int_equal(idx, veth);
        assert_int_equal(system("ip link del mcs0"), 0);
    }
    /* A new socket that reuses the descriptor number starts with none. */
    assert_int_equal(mc_sock_set_mcast_if(fd, lo, &err), 0);
    close(fd);
    fd = udp(AF_INET);
    assert_int_equal(mc_sock_get_mcast_if(fd, &idx, &err), 0);
    assert_int_equal(idx, 0);
    close(fd);
}

/* ---- loopback, multicast-all ---- */

static void test_loop_and_all(void **state)
{
    static const int fams[] = {AF_INET, AF_INET6};
    struct mc_err err;
    bool on;
    size_t i;
    int fd;

    (void)state;
    for (i = 0; i < 2; i++) {
        fd = udp(fams[i]);
        on = false;
        assert_int_equal(mc_sock_get_mcast_loop(fd, &on, &err), 0);
        assert_true(on);
        assert_int_equal(mc_sock_set_mcast_loop(fd, false, &err), 0);
        assert_int_equal(mc_sock_get_mcast_loop(fd, &on, &err), 0);
        assert_false(on);
        assert_int_equal(
            tu_sockopt(fd, fams[i] == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
                       fams[i] == AF_INET ? IP_MULTICAST_LOOP
                                          : IPV6_MULTICAST_LOOP),
            0);
        assert_int_equal(mc_sock_set_mcast_loop(fd, true, &err), 0);
        assert_int_equal(mc_sock_get_mcast_loop(fd, &on, &err), 0);
        assert_true(on);

        assert_int_equal(mc_sock_set_multicast_all(fd, true, &err), 0);
        assert_int_equal(mc_sock_get_multicast_all(fd, &on, &err), 0);
        assert_true(on);
        assert_int_equal(
            tu_sockopt(fd, fams[i] == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
                       fams[i] == AF_INET ? IP_MULTICAST_ALL
                                          : IPV6_MULTICAST_ALL),
            1);
        assert_int_equal(mc_sock_set_multicast_all(fd, false, &err), 0);
        assert_int_equal(mc_sock_get_multicast_all(fd, &on, &err), 0);
        assert_false(on);
        close(fd);
    }
}

/* ---- TCP: the seed's unicast example ---- */

/* A connected pair over loopback: *srv is the accepted socket. */
static void tcp_pair(int family, int *cli, int *srv)
{
    struct sockaddr_storage ss;
    socklen_t len;
    struct mc_addr lo = tu_addr(family == AF_INET ? "127.0.0.1" : "::1");
    int l = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

    assert_true(l >= 0);
    len = mc_addr_to_sockaddr(&lo, 0, 0, &ss);
    assert_int_equal(bind(l, (struct sockaddr *)&ss, len), 0);
    assert_int_equal(listen(l, 1), 0);
    len = sizeof ss;
    assert_int_equal(getsockname(l, (struct sockaddr *)&ss, &len), 0);
    *cli = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_int_equal(connect(*cli, (struct sockaddr *)&ss, len), 0);
    *srv = accept(l, NULL, NULL);
    assert_true(*srv >= 0);
    close(l);
}

static void test_tcp_options(void **state)
{
    struct mc_err err;
    int cli, srv, v = -7;
    unsigned idx;

    (void)state;
    /* ipv6.NewConn(c).SetTrafficClass(0x28) on the accepted socket. */
    tcp_pair(AF_INET6, &cli, &srv);
    assert_int_equal(mc_sock_family(srv), AF_INET6);
    assert_int_equal(mc_sock_set_tclass(srv, 0x28, &err), 0);
    assert_int_equal(mc_sock_get_tclass(srv, &v, &err), 0);
    assert_int_equal(v, 0x28);
    assert_int_equal(mc_sock_set_hoplimit(srv, 16, &err), 0);
    assert_int_equal(mc_sock_get_hoplimit(srv, &v, &err), 0);
    assert_int_equal(v, 16);
    assert_int_equal(write(srv, "x", 1), 1);
    /* The kernel keeps a TCP socket's ECN bits (the low two) itself:
     * 0x2b reads back as 0x28. */
    assert_int_equal(mc_sock_set_tclass(srv, 0x2b, &err), 0);
    assert_int_equal(mc_sock_get_tclass(srv, &v, &err), 0);
    assert_int_equal(v, 0x28);
    /* Multicast options mean nothing on TCP: the kernel says so. */
    expect_err(mc_sock_set_mcast_hoplimit(srv, 5, &err), &err, -ENOPROTOOPT,
               "multicast hop limit (IPV6_MULTICAST_HOPS) applies to UDP "
               "and raw sockets, not to a TCP/IPv6 socket: set it on the "
               "socket that sends multicast");
    expect_err(mc_sock_set_mcast_if(srv, testns_lo_index(), &err), &err,
               -ENOPROTOOPT,
               "multicast interface (IPV6_MULTICAST_IF) applies to UDP and "
               "raw sockets, not to a TCP/IPv6 socket: set it on the socket "
               "that sends multicast");
    close(cli);
    close(srv);

    tcp_pair(AF_INET, &cli, &srv);
    assert_int_equal(mc_sock_set_tclass(srv, 0x28, &err), 0);
    assert_int_equal(mc_sock_get_tclass(srv, &v, &err), 0);
    assert_int_equal(v, 0x28);
    assert_int_equal(mc_sock_set_tclass(srv, 0xbb, &err), 0);
    assert_int_equal(mc_sock_get_tclass(srv, &v, &err), 0);
    assert_int_equal(v, 0xb8);
    assert_int_equal(mc_sock_set_hoplimit(srv, 9, &err), 0);
    assert_int_equal(mc_sock_get_hoplimit(srv, &v, &err), 0);
    assert_int_equal(v, 9);
    expect_err(mc_sock_set_mcast_if(srv, testns_lo_index(), &err), &err,
               -EINVAL,
               "multicast interface (IP_MULTICAST_IF) applies to UDP and "
               "raw sockets, not to a TCP/IPv4 socket: set it on the socket "
               "that sends multicast");
    expect_err(mc_sock_set_mcast_hoplimit(srv, 5, &err), &err, -EINVAL, NULL);
    idx = 5;
    assert_int_equal(mc_sock_get_mcast_if(srv, &idx, &err), 0);
    assert_int_equal(idx, 0);
    close(cli);
    close(srv);
}

/* ---- path MTU ---- */

static int lo_mtu(void)
{
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "lo");
    assert_int_equal(ioctl(fd, SIOCGIFMTU, &ifr), 0);
    close(fd);
    return ifr.ifr_mtu;
}

static void test_path_mtu(void **state)
{
    static const char *const dst[] = {"127.0.0.1", "::1"};
    static const int fams[] = {AF_INET, AF_INET6};
    struct sockaddr_storage ss;
    struct mc_addr a;
    struct mc_err err;
    socklen_t len;
    size_t i;
    int fd, mtu;

    (void)state;
    for (i = 0; i < 2; i++) {
        fd = udp(fams[i]);
        mtu = -7;
        expect_err(mc_sock_path_mtu(fd, &mtu, &err), &err, -ENOTCONN,
                   "the socket is not connected: path MTU is known only for "
                   "a connected socket (connect it to the destination "
                   "first)");
        assert_int_equal(mtu, -7);
        a = tu_addr(dst[i]);
        len = mc_addr_to_sockaddr(&a, 9, 0, &ss);
        assert_int_equal(connect(fd, (struct sockaddr *)&ss, len), 0);
        assert_int_equal(mc_sock_path_mtu(fd, &mtu, &err), 0);
        /* lo's MTU is 65536, but an IPv4 route's MTU is capped at
         * IP_MAX_MTU, 65535 (net/ipv4/route.c); IPv6 is not. */
        assert_int_equal(mtu, fams[i] == AF_INET ? 65535 : lo_mtu());
        close(fd);
    }
    assert_int_equal(lo_mtu(), 65536);
}

/* ---- buffers, timestamps, drops, reuse ---- */

static void test_rcvbuf_and_flags(void **state)
{
    struct mc_err err;
    int fd = udp(AF_INET6), v = 0;

    (void)state;
    /* socket(7): the kernel doubles the size. */
    assert_int_equal(mc_sock_set_rcvbuf(fd, 65536, &err), 0);
    assert_int_equal(mc_sock_get_rcvbuf(fd, &v, &err), 0);
    assert_int_equal(v, 131072);
    /* As root, SO_RCVBUFFORCE goes beyond net.core.rmem_max. */
    assert_int_equal(mc_sock_set_rcvbuf(fd, 8 << 20, &err), 0);
    assert_int_equal(mc_sock_get_rcvbuf(fd, &v, &err), 0);
    assert_int_equal(v, 16 << 20);
    expect_err(mc_sock_set_rcvbuf(fd, -1, &err), &err, -EINVAL,
               "receive buffer size -1 is negative: give a size in bytes");

    assert_int_equal(tu_sockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS), 0);
    assert_int_equal(mc_sock_set_rx_timestamps(fd, true, &err), 0);
    assert_int_equal(tu_sockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS), 1);
    assert_int_equal(mc_sock_set_rx_timestamps(fd, false, &err), 0);
    assert_int_equal(tu_sockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS), 0);
    assert_int_equal(tu_sockopt(fd, SOL_SOCKET, SO_RXQ_OVFL), 0);
    assert_int_equal(mc_sock_set_rx_drops(fd, true, &err), 0);
    assert_int_equal(tu_sockopt(fd, SOL_SOCKET, SO_RXQ_OVFL), 1);
    assert_int_equal(mc_sock_set_rx_drops(fd, false, &err), 0);
    assert_int_equal(tu_sockopt(fd, SOL_SOCKET, SO_RXQ_OVFL), 0);

    assert_int_equal(mc_sock_set_reuse(fd, true, &err), 0);
    assert_int_equal(tu_sockopt(fd, SOL_SOCKET, SO_REUSEADDR), 1);
    /* Never SO_REUSEPORT: it misdelivers IPv4 multicast (see sock.c). */
    assert_int_equal(tu_sockopt(fd, SOL_SOCKET, SO_REUSEPORT), 0);
    assert_int_equal(mc_sock_set_reuse(fd, false, &err), 0);
    assert_int_equal(tu_sockopt(fd, SOL_SOCKET, SO_REUSEADDR), 0);
    assert_int_equal(tu_sockopt(fd, SOL_SOCKET, SO_REUSEPORT), 0);
    close(fd);
}

/* ---- bind ---- */

static void test_bind(void **state)
{
    struct mc_addr g4 = tu_addr("239.1.2.3"), ll = tu_addr("ff02::1");
    struct mc_addr far = tu_addr("192.0.2.1");
    struct mc_err err;
    int a = udp(AF_INET), b = udp(AF_INET), c = udp(AF_INET);
    int d = udp(AF_INET6), e = udp(AF_INET6);

    (void)state;
    /* Two listeners on one group and port, with reuse. */
    assert_int_equal(mc_sock_bind(a, &g4, 5001, 0, true, &err), 0);
    assert_int_equal(mc_sock_bind(b, &g4, 5001, 0, true, &err), 0);
    expect_err(mc_sock_bind(c, &g4, 5001, 0, false, &err), &err, -EADDRINUSE,
               "port 5001 on 239.1.2.3 is already in use: set reuse "
               "(SO_REUSEADDR) on every listener, or choose another port");
    expect_err(mc_sock_bind(a, NULL, 5002, 0, false, &err), &err, -EINVAL,
               "the socket is already bound (port 5001): open a new socket "
               "to bind 0.0.0.0 port 5002");
    expect_err(mc_sock_bind(c, &far, 5001, 0, false, &err), &err,
               -EADDRNOTAVAIL,
               "192.0.2.1 is not an address of this host: bind the "
               "wildcard, a local address or a multicast group");
    expect_err(mc_sock_bind(c, &ll, 5001, 0, false, &err), &err, -EAFNOSUPPORT,
               "cannot bind an IPv4 socket to an IPv6 address: use an "
               "address of the socket's family");
    /* ff02::/16 needs an interface. */
    expect_err(mc_sock_bind(d, &ll, 5003, 0, true, &err), &err, -EINVAL,
               "ff02::1 is link-local: binding it needs an interface "
               "(ff02::1%IFACE)");
    expect_err(mc_sock_bind(d, &ll, 5003, 9999, true, &err), &err, -ENODEV,
               "interface index 9999 does not exist in this network "
               "namespace: choose one that `ip link` lists");
    assert_int_equal(mc_sock_bind(d, &ll, 5003, testns_lo_index(), true, &err),
                     0);
    assert_int_equal(tu_sockopt(d, SOL_SOCKET, SO_BINDTOIFINDEX),
                     (int)testns_lo_index());
    assert_int_equal(mc_sock_bind(e, NULL, 5003, 0, true, &err), 0);
    close(a);
    close(b);
    close(c);
    close(d);
    close(e);
}

/* ---- raw: header include ---- */

static void test_hdrincl(void **state)
{
    struct mc_err err;
    int r = raw(AF_INET, IPPROTO_UDP), u = udp(AF_INET), u6 = udp(AF_INET6);

    (void)state;
    assert_int_equal(tu_sockopt(r, IPPROTO_IP, IP_HDRINCL), 0);
    assert_int_equal(mc_sock_set_hdrincl(r, true, &err), 0);
    assert_int_equal(tu_sockopt(r, IPPROTO_IP, IP_HDRINCL), 1);
    assert_int_equal(mc_sock_set_hdrincl(r, false, &err), 0);
    assert_int_equal(tu_sockopt(r, IPPROTO_IP, IP_HDRINCL), 0);
    expect_err(mc_sock_set_hdrincl(u, true, &err), &err, -ENOPROTOOPT,
               "header include (IP_HDRINCL) applies to raw IPv4 sockets "
               "only: open the socket with SOCK_RAW");
    expect_err(mc_sock_set_hdrincl(u6, true, &err), &err, -ENOPROTOOPT,
               "header include (IP_HDRINCL) is an IPv4 raw-socket option "
               "and this is an IPv6 socket: open a raw IPv4 socket "
               "(SOCK_RAW, AF_INET)");
    close(r);
    close(u);
    close(u6);
}

/* ---- ICMP filters ---- */

static void test_icmp_filter_struct(void **state)
{
    struct mc_icmp_filter f, g;
    unsigned t;

    (void)state;
    mc_icmp_filter_set_all(&f, false);
    for (t = 0; t < 256; t++)
        assert_false(mc_icmp_filter_will_block(&f, t));
    mc_icmp_filter_block(&f, 143);
    assert_true(mc_icmp_filter_will_block(&f, 143));
    assert_false(mc_icmp_filter_will_block(&f, 142));
    assert_false(mc_icmp_filter_will_block(&f, 144));
    assert_int_equal(f.accept[4], 0xffffffffu & ~(1u << 15));
    mc_icmp_filter_set_all(&f, true);
    for (t = 0; t < 256; t++)
        assert_true(mc_icmp_filter_will_block(&f, t));
    mc_icmp_filter_accept(&f, 130);
    mc_icmp_filter_accept(&f, 0);
    mc_icmp_filter_accept(&f, 255);
    for (t = 0; t < 256; t++)
        assert_int_equal(mc_icmp_filter_will_block(&f, t),
                         !(t == 0 || t == 130 || t == 255));
    assert_int_equal(f.accept[0], 1u);
    assert_int_equal(f.accept[4], 1u << 2);
    assert_int_equal(f.accept[7], 1u << 31);
    /* Beyond 255 there is no ICMP type: nothing changes, and it blocks. */
    g = f;
    mc_icmp_filter_accept(&g, 256);
    mc_icmp_filter_block(&g, 1000);
    assert_memory_equal(&f, &g, sizeof f);
    assert_true(mc_icmp_filter_will_block(&f, 256));
}

static void wait_readable(int fd, int ms, bool expect)
{
    struct pollfd p = {fd, POLLIN, 0};

    assert_int_equal(poll(&p, 1, ms), expect ? 1 : 0);
}

static void test_icmp6_filter(void **state)
{
    struct sockaddr_in6 to;
    struct icmp6_filter k;
    struct mc_icmp_filter f, g;
    struct mc_err err;
    socklen_t len = sizeof k;
    unsigned char pkt[8] = {128, 0, 0, 0, 0x12, 0x34, 0, 7}, in[64];
    int req = raw(AF_INET6, IPPROTO_ICMPV6), rep = raw(AF_INET6, 58);
    int tx = raw(AF_INET6, IPPROTO_ICMPV6), u = udp(AF_INET6);
    int other = raw(AF_INET6, 253);
    unsigned t;

    (void)state;
    /* Linux passes everything until a filter is set. */
    assert_int_equal(mc_sock_get_icmp_filter(req, &g, &err), 0);
    for (t = 0; t < 256; t++)
        assert_false(mc_icmp_filter_will_block(&g, t));
    /* req sees only echo requests, rep only echo replies. */
    mc_icmp_filter_set_all(&f, true);
    mc_icmp_filter_accept(&f, ICMP6_ECHO_REQUEST);
    assert_int_equal(mc_sock_set_icmp_filter(req, &f, &err), 0);
    assert_int_equal(mc_sock_get_icmp_filter(req, &g, &err), 0);
    assert_memory_equal(&f, &g, sizeof f);
    /* The kernel holds the Linux form: a set bit blocks. */
    assert_int_equal(getsockopt(req, IPPROTO_ICMPV6, ICMP6_FILTER, &k, &len),
                     0);
    assert_true(ICMP6_FILTER_WILLPASS(ICMP6_ECHO_REQUEST, &k));
    assert_true(ICMP6_FILTER_WILLBLOCK(ICMP6_ECHO_REPLY, &k));
    assert_true(ICMP6_FILTER_WILLBLOCK(143, &k));
    mc_icmp_filter_set_all(&f, true);
    mc_icmp_filter_accept(&f, ICMP6_ECHO_REPLY);
    assert_int_equal(mc_sock_set_icmp_filter(rep, &f, &err), 0);

    memset(&to, 0, sizeof to);
    to.sin6_family = AF_INET6;
    to.sin6_addr = in6addr_loopback;
    assert_int_equal(
        sendto(tx, pkt, sizeof pkt, 0, (struct sockaddr *)&to, sizeof to),
        (ssize_t)sizeof pkt);
    wait_readable(req, 2000, true);
    assert_int_equal(recv(req, in, sizeof in, MSG_DONTWAIT), 8);
    assert_int_equal(in[0], ICMP6_ECHO_REQUEST);
    assert_int_equal(in[7], 7);
    wait_readable(rep, 2000, true);
    assert_int_equal(recv(rep, in, sizeof in, MSG_DONTWAIT), 8);
    assert_int_equal(in[0], ICMP6_ECHO_REPLY);
    assert_int_equal(in[4], 0x12);
    assert_int_equal(in[7], 7);
    /* Nothing else got through either filter. */
    wait_readable(req, 100, false);
    wait_readable(rep, 0, false);

    expect_err(mc_sock_set_icmp_filter(u, &f, &err), &err, -ENOPROTOOPT,
               "ICMP filters apply to raw ICMP sockets only: open the socket "
               "with SOCK_RAW, IPPROTO_ICMPV6");
    expect_err(mc_sock_get_icmp_filter(u, &g, &err), &err, -ENOPROTOOPT,
               "ICMP filters apply to raw ICMP sockets only: open the socket "
               "with SOCK_RAW, IPPROTO_ICMPV6");
    expect_err(mc_sock_set_icmp_filter(other, &f, &err), &err, -EOPNOTSUPP,
               "ICMP filters apply to raw ICMP sockets only: open the socket "
               "with SOCK_RAW, IPPROTO_ICMPV6");
    close(req);
    close(rep);
    close(tx);
    close(u);
    close(other);
}

static uint16_t inet_sum(const unsigned char *b, size_t len, uint32_t sum)
{
    size_t i;

    for (i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(b[i] << 8 | b[i + 1]);
    if (len & 1)
        sum += (uint32_t)b[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

static void test_icmp4_filter(void **state)
{
    struct sockaddr_in to;
    struct mc_icmp_filter f, g;
    struct mc_err err;
    uint32_t k = 0;
    socklen_t len = sizeof k;
    unsigned char pkt[8] = {8, 0, 0, 0, 0x56, 0x78, 0, 9}, in[128];
    int req = raw(AF_INET, IPPROTO_ICMP), rep = raw(AF_INET, IPPROTO_ICMP);
    int u = udp(AF_INET);
    uint16_t sum;
    unsigned t;

    (void)state;
    mc_icmp_filter_set_all(&f, true);
    mc_icmp_filter_accept(&f, 8); /* echo request */
    mc_icmp_filter_accept(&f, 3);
    assert_int_equal(mc_sock_set_icmp_filter(req, &f, &err), 0);
    assert_int_equal(getsockopt(req, SOL_RAW_, ICMP_FILTER_, &k, &len), 0);
    assert_int_equal(len, 4);
    assert_int_equal(k, ~((1u << 8) | (1u << 3)));
    /* Linux filters types 0..31 only: 32 and up always pass. */
    assert_int_equal(mc_sock_get_icmp_filter(req, &g, &err), 0);
    assert_int_equal(g.accept[0], (1u << 8) | (1u << 3));
    for (t = 32; t < 256; t++)
        assert_false(mc_icmp_filter_will_block(&g, t));
    mc_icmp_filter_set_all(&f, true);
    mc_icmp_filter_accept(&f, 0); /* echo reply */
    assert_int_equal(mc_sock_set_icmp_filter(rep, &f, &err), 0);

    sum = (uint16_t)~inet_sum(pkt, sizeof pkt, 0);
    pkt[2] = (unsigned char)(sum >> 8);
    pkt[3] = (unsigned char)sum;
    memset(&to, 0, sizeof to);
    to.sin_family = AF_INET;
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(
        sendto(rep, pkt, sizeof pkt, 0, (struct sockaddr *)&to, sizeof to),
        (ssize_t)sizeof pkt);
    /* IPv4 raw sockets receive the IP header (20 bytes here) too. */
    wait_readable(req, 2000, true);
    assert_int_equal(recv(req, in, sizeof in, MSG_DONTWAIT), 28);
    assert_int_equal(in[20], 8);
    assert_int_equal(in[27], 9);
    wait_readable(rep, 2000, true);
    assert_int_equal(recv(rep, in, sizeof in, MSG_DONTWAIT), 28);
    assert_int_equal(in[20], 0);
    assert_int_equal(in[24], 0x56);
    wait_readable(req, 100, false);
    wait_readable(rep, 0, false);

    expect_err(mc_sock_set_icmp_filter(u, &f, &err), &err, -ENOPROTOOPT,
               "ICMP filters apply to raw ICMP sockets only: open the socket "
               "with SOCK_RAW, IPPROTO_ICMP");
    close(req);
    close(rep);
    close(u);
}

/* ---- IPv6 checksum offset ---- */

static void test_checksum(void **state)
{
    struct sockaddr_in6 to;
    struct mc_err err;
    unsigned char pkt[8] = {0xab, 0xcd, 0, 0, 1, 2, 3, 4}, in[64];
    unsigned char pseudo[40];
    int tx = raw(AF_INET6, 253), rx = raw(AF_INET6, 253);
    int icmp = raw(AF_INET6, IPPROTO_ICMPV6), u = udp(AF_INET6);
    int v4 = udp(AF_INET), off = 7;

    (void)state;
    assert_int_equal(mc_sock_get_checksum(tx, &off, &err), 0);
    assert_int_equal(off, -1);
    assert_int_equal(mc_sock_set_checksum(tx, 4, &err), 0);
    assert_int_equal(mc_sock_get_checksum(tx, &off, &err), 0);
    assert_int_equal(off, 4);
    expect_err(mc_sock_set_checksum(tx, 3, &err), &err, -EINVAL,
               "checksum offset 3 is odd: the 16-bit checksum must sit at "
               "an even offset (ipv6(7)), or use -1 for off");
    expect_err(mc_sock_set_checksum(tx, -2, &err), &err, -EINVAL,
               "checksum offset -2 is out of range: use an even offset from "
               "0, or -1 for off");
    assert_int_equal(mc_sock_get_checksum(tx, &off, &err), 0);
    assert_int_equal(off, 4);
    assert_int_equal(mc_sock_set_checksum(tx, -1, &err), 0);
    assert_int_equal(mc_sock_get_checksum(tx, &off, &err), 0);
    assert_int_equal(off, -1);

    /* An ICMPv6 socket checksums at 2, always. */
    assert_int_equal(mc_sock_get_checksum(icmp, &off, &err), 0);
    assert_int_equal(off, 2);
    expect_err(mc_sock_set_checksum(icmp, 2, &err), &err, -EINVAL,
               "an ICMPv6 socket always computes the checksum at offset 2 "
               "(RFC 3542 §3.1): it cannot be changed");
    expect_err(mc_sock_get_checksum(u, &off, &err), &err, -ENOPROTOOPT,
               "the checksum offset (IPV6_CHECKSUM) applies to raw IPv6 "
               "sockets only: open the socket with SOCK_RAW and the protocol "
               "to checksum");
    expect_err(mc_sock_set_checksum(v4, 2, &err), &err, -ENOPROTOOPT,
               "the checksum offset (IPV6_CHECKSUM) is an IPv6 raw-socket "
               "option and this is an IPv4 socket: open a raw IPv6 socket");

    /* The kernel fills the checksum in at offset 2: with the pseudo
     * header (RFC 8200 §8.1) the sum over the packet is 0xffff. */
    assert_int_equal(mc_sock_set_checksum(tx, 2, &err), 0);
    memset(&to, 0, sizeof to);
    to.sin6_family = AF_INET6;
    to.sin6_addr = in6addr_loopback;
    assert_int_equal(
        sendto(tx, pkt, sizeof pkt, 0, (struct sockaddr *)&to, sizeof to), 8);
    wait_readable(rx, 2000, true);
    assert_int_equal(recv(rx, in, sizeof in, MSG_DONTWAIT), 8);
    assert_false(in[2] == 0 && in[3] == 0);
    memset(pseudo, 0, sizeof pseudo);
    memcpy(pseudo, &in6addr_loopback, 16);
    memcpy(pseudo + 16, &in6addr_loopback, 16);
    pseudo[35] = 8;   /* upper-layer length */
    pseudo[39] = 253; /* next header */
    assert_int_equal(inet_sum(in, 8, inet_sum(pseudo, 40, 0)), 0xffff);
    /* Off: the bytes go out as they are. */
    assert_int_equal(mc_sock_set_checksum(tx, -1, &err), 0);
    assert_int_equal(
        sendto(tx, pkt, sizeof pkt, 0, (struct sockaddr *)&to, sizeof to), 8);
    wait_readable(rx, 2000, true);
    assert_int_equal(recv(rx, in, sizeof in, MSG_DONTWAIT), 8);
    assert_memory_equal(in, pkt, 8);
    close(tx);
    close(rx);
    close(icmp);
    close(u);
    close(v4);
}

/* ---- classic BPF (SetBPF) ---- */

/* Send one datagram to port on 127.0.0.1; is it queued on rx? */
static bool bpf_delivers(int rx, uint16_t port)
{
    struct sockaddr_in to = {.sin_family = AF_INET,
                             .sin_port = htons(port),
                             .sin_addr.s_addr = htonl(0x7f000001)};
    int tx = udp(AF_INET);
    char buf[16];
    ssize_t n;

    assert_int_equal(sendto(tx, "bpf", 3, 0, (struct sockaddr *)&to, sizeof to),
                     3);
    close(tx);
    n = recv(rx, buf, sizeof buf, MSG_DONTWAIT);
    if (n < 0)
        assert_int_equal(errno, EAGAIN);
    return n == 3;
}

static void test_bpf(void **state)
{
    struct sock_filter drop_all[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
    struct sock_filter keep_all[] = {BPF_STMT(BPF_RET | BPF_K, 0xffff)};
    /* Jumps past the end: the kernel's checker refuses it. */
    struct sock_filter bad[] = {BPF_JUMP(BPF_JMP | BPF_JA, 5, 0, 0)};
    struct mc_addr lo4 = tu_addr("127.0.0.1");
    struct mc_err err;
    int rx = udp(AF_INET);
    uint16_t port = 47001;

    (void)state;
    assert_int_equal(mc_sock_bind(rx, &lo4, port, 0, false, &err), 0);
    assert_true(bpf_delivers(rx, port));

    assert_int_equal(mc_sock_attach_bpf(rx, drop_all, 1, &err), 0);
    assert_false(bpf_delivers(rx, port));
    assert_int_equal(mc_sock_attach_bpf(rx, keep_all, 1, &err), 0);
    assert_true(bpf_delivers(rx, port));
    assert_int_equal(mc_sock_attach_bpf(rx, drop_all, 1, &err), 0);
    assert_int_equal(mc_sock_detach_bpf(rx, &err), 0);
    assert_true(bpf_delivers(rx, port));

    expect_err(mc_sock_detach_bpf(rx, &err), &err, -ENOENT,
               "no socket filter is attached: nothing to detach");
    expect_err_has(mc_sock_attach_bpf(rx, NULL, 0, &err), &err, -EINVAL,
                   "at least one BPF instruction");
    expect_err_has(mc_sock_attach_bpf(rx, bad, 1, &err), &err, -EINVAL,
                   "BPF checker refused the filter (1 instructions)");
    expect_err_has(mc_sock_attach_bpf(-1, drop_all, 1, &err), &err, -EBADF,
                   "descriptor -1");
    close(rx);
}

static void test_icmp_type_names(void **state)
{
    (void)state;
    assert_string_equal(mc_icmp_type_name(AF_INET, 8), "echo");
    assert_string_equal(mc_icmp_type_name(AF_INET, 43), "extended echo reply");
    assert_string_equal(mc_icmp_type_name(AF_INET, 1), "unassigned");
    assert_string_equal(mc_icmp_type_name(AF_INET6, 130),
                        "multicast listener query");
    assert_string_equal(mc_icmp_type_name(AF_INET6, 143),
                        "version 2 multicast listener report");
    assert_string_equal(mc_icmp_type_name(AF_INET6, 150), "unassigned");
    assert_string_equal(mc_icmp_type_name(AF_INET6, 161),
                        "extended echo reply");
    assert_string_equal(mc_icmp_type_name(AF_UNIX, 8), "unassigned");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_family),
        cmocka_unit_test(test_open_udp),
        cmocka_unit_test(test_tclass),
        cmocka_unit_test(test_hoplimit),
        cmocka_unit_test(test_mcast_hoplimit),
        cmocka_unit_test(test_mcast_if_v6),
        cmocka_unit_test(test_mcast_if_v4),
        cmocka_unit_test(test_loop_and_all),
        cmocka_unit_test(test_tcp_options),
        cmocka_unit_test(test_path_mtu),
        cmocka_unit_test(test_rcvbuf_and_flags),
        cmocka_unit_test(test_bind),
        cmocka_unit_test(test_hdrincl),
        cmocka_unit_test(test_icmp_filter_struct),
        cmocka_unit_test(test_icmp6_filter),
        cmocka_unit_test(test_icmp4_filter),
        cmocka_unit_test(test_checksum),
        cmocka_unit_test(test_bpf),
        cmocka_unit_test(test_icmp_type_names),
    };

    testns_enter_private_or_skip();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
