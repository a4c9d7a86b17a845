/*
 * Unit tests of core/tcp.c's pure part: reading the hop limit and traffic
 * class out of an IPV6_2292PKTOPTIONS buffer (a control message list as
 * the kernel writes it), and the names of what happened; the
 * reflector's round trips (reflect.h).
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mcscope/probe.h"
#include "mcscope/reflect.h"
#include "mcscope/tcp.h"

/* Append a control message (level, type, int v) at *off of buf. */
static void put_cm(uint8_t *buf, size_t *off, int level, int type, int v)
{
    struct cmsghdr cm = {
        .cmsg_len = CMSG_LEN(sizeof v), .cmsg_level = level, .cmsg_type = type};

    memcpy(buf + *off, &cm, sizeof cm);
    memcpy(buf + *off + CMSG_LEN(0), &v, sizeof v);
    *off += CMSG_SPACE(sizeof v);
}

static void pktoptions(void **state)
{
    uint8_t buf[256] __attribute__((aligned(8)));
    size_t n = 0;
    int hl, tc;

    (void)state;
    memset(buf, 0, sizeof buf);
    /* as the kernel answered on lo: hop limit 3, tclass 0x28 */
    put_cm(buf, &n, IPPROTO_IPV6, IPV6_HOPLIMIT, 3);
    put_cm(buf, &n, IPPROTO_IPV6, IPV6_TCLASS, 0x28);
    mc_tcp_pktoptions(buf, n, &hl, &tc);
    assert_int_equal(hl, 3);
    assert_int_equal(tc, 0x28);
    /* the other order, a message of another level in between */
    n = 0;
    put_cm(buf, &n, IPPROTO_IPV6, IPV6_TCLASS, 0xb8);
    put_cm(buf, &n, SOL_SOCKET, IPV6_HOPLIMIT, 99);
    put_cm(buf, &n, IPPROTO_IPV6, IPV6_HOPLIMIT, 64);
    mc_tcp_pktoptions(buf, n, &hl, &tc);
    assert_int_equal(hl, 64);
    assert_int_equal(tc, 0xb8);
    /* nothing, or cut short: unknown */
    mc_tcp_pktoptions(buf, 0, &hl, &tc);
    assert_int_equal(hl, -1);
    assert_int_equal(tc, -1);
    mc_tcp_pktoptions(buf, CMSG_LEN(0) + 2, &hl, &tc);
    assert_int_equal(tc, -1);
    assert_int_equal(hl, -1);
}

static void names(void **state)
{
    (void)state;
    assert_string_equal(mc_tcp_news_name(MC_TCP_ACCEPTED), "accepted");
    assert_string_equal(mc_tcp_news_name(MC_TCP_CONNECTED), "connected");
    assert_string_equal(mc_tcp_news_name(MC_TCP_DATA), "data");
    assert_string_equal(mc_tcp_news_name(MC_TCP_CLOSED), "closed");
    assert_string_equal(mc_tcp_news_name((enum mc_tcp_news)9), "?");
}

/* IPv4 is refused before any socket is made (no traffic anywhere). */
static void ipv4_refused(void **state)
{
    struct mc_tcp *t;
    struct mc_addr a;
    struct mc_err err;

    (void)state;
    assert_int_equal(mc_tcp_new(&t), 0);
    assert_int_equal(mc_addr_parse("10.0.0.1", &a, NULL, 0, &err), 0);
    assert_int_equal(mc_tcp_connect(t, &a, 1, &err), -EAFNOSUPPORT);
    assert_non_null(strstr(err.msg, "IPv6 only"));
    assert_int_equal(mc_tcp_nconns(t), 0);
    assert_int_equal(mc_tcp_conn(t, 0, &(struct mc_tcp_conn){0}), -ENOENT);
    mc_tcp_free(t);
}

/* The round trips: min, max, average; a reply is a probe of ours. */
static void rtt(void **state)
{
    struct mc_probe p = {.sender_id = 42, .seq = 7, .send_ns = 1000000};
    uint8_t buf[MC_PROBE_HDRLEN];
    struct mc_rtt r = {0};
    int64_t ns = -1;

    (void)state;
    assert_int_equal(mc_rtt_avg_ns(&r), 0);
    mc_rtt_add(&r, 300);
    mc_rtt_add(&r, 100);
    mc_rtt_add(&r, 200);
    assert_int_equal(r.n, 3);
    assert_int_equal(r.min_ns, 100);
    assert_int_equal(r.max_ns, 300);
    assert_int_equal(mc_rtt_avg_ns(&r), 200);
    assert_int_equal(mc_probe_encode(&p, buf, sizeof buf), sizeof buf);
    assert_int_equal(mc_rtt_of_reply(buf, sizeof buf, 42, 1250000, &ns), 0);
    assert_int_equal(ns, 250000);
    /* another sender's probe, a time before the send, not a probe */
    assert_int_equal(mc_rtt_of_reply(buf, sizeof buf, 43, 1250000, &ns),
                     -EINVAL);
    assert_int_equal(mc_rtt_of_reply(buf, sizeof buf, 42, 999999, &ns),
                     -EINVAL);
    assert_int_equal(mc_rtt_of_reply(buf, sizeof buf - 1, 42, 1250000, &ns),
                     -EINVAL);
    assert_int_equal(ns, 250000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pktoptions),
        cmocka_unit_test(names),
        cmocka_unit_test(ipv4_refused),
        cmocka_unit_test(rtt),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
