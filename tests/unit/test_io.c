/*
 * Unit tests: core/io.c — real packets in a private network namespace:
 * batches over 127.0.0.1 and ::1 and to 239.1.2.3 joined on lo, each
 * packet with its own TOS/traffic class, TTL/hop limit, source and
 * interface; truncation; timestamps; the drop counter; batches over 1024;
 * and the refusals.  (IPv6 multicast is not delivered on lo, so IPv6 runs
 * over ::1.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mcscope/io.h"
#include "mcscope/sock.h"
#include "testns.h"
#include "testutil.h"

#define NPKT 64

/* A UDP socket from mc_sock_open_udp, bound (a NULL address: wildcard). */
static int bound(int family, const char *at, uint16_t port, bool reuse)
{
    struct mc_addr a;
    struct mc_err err;
    int fd = mc_sock_open_udp(family, &err);

    assert_true(fd >= 0);
    if (at != NULL)
        a = tu_addr(at);
    assert_int_equal(
        mc_sock_bind(fd, at != NULL ? &a : NULL, port, 0, reuse, &err), 0);
    return fd;
}

static void join4(int fd, const char *group, unsigned ifindex)
{
    struct group_req gr;
    struct sockaddr_in *sin = (struct sockaddr_in *)&gr.gr_group;

    memset(&gr, 0, sizeof gr);
    gr.gr_interface = ifindex;
    sin->sin_family = AF_INET;
    assert_int_equal(inet_pton(AF_INET, group, &sin->sin_addr), 1);
    assert_int_equal(
        setsockopt(fd, IPPROTO_IP, MCAST_JOIN_GROUP, &gr, sizeof gr), 0);
}

/* Payload of packet i: its number, then a length that grows with i. */
static size_t payload(unsigned i, unsigned char *buf, size_t cap)
{
    size_t len = 20 + i, k;

    assert_true(len <= cap);
    for (k = 0; k < len; k++)
        buf[k] = (unsigned char)(i * 7 + k);
    buf[0] = (unsigned char)i;
    return len;
}

static void expect_payload(const struct mc_pkt *p, unsigned i)
{
    unsigned char want[256];
    size_t len = payload(i, want, sizeof want);

    assert_int_equal(p->len, len);
    assert_int_equal(p->wire_len, len);
    assert_memory_equal(p->data, want, len);
    assert_false(p->cm.trunc);
    assert_false(p->cm.ctrunc);
}

typedef void check_fn(const struct mc_pkt *p, unsigned i, void *ctx);

/*
 * Receive until want packets came (waiting up to a second for the first,
 * then up to 200 ms for each lull), checking each in order; then make sure
 * nothing more is waiting.
 */
static unsigned drain(struct mc_rxbatch *b, int fd, unsigned want,
                      check_fn *check, void *ctx)
{
    struct pollfd pfd = {fd, POLLIN, 0};
    struct mc_err err;
    unsigned got = 0, i;
    int n;

    while (got < want && poll(&pfd, 1, got == 0 ? 1000 : 200) == 1) {
        n = mc_rxbatch_recv(b, fd, &err);
        assert_true(n >= 0);
        for (i = 0; i < (unsigned)n; i++)
            if (check != NULL)
                check(mc_rxbatch_get(b, i), got + i, ctx);
        assert_null(mc_rxbatch_get(b, (unsigned)n));
        got += (unsigned)n;
    }
    assert_int_equal(mc_rxbatch_recv(b, fd, &err), 0);
    assert_int_equal(err.code, 0);
    return got;
}

/* Nothing arrives within 100 ms (after a sender's packets went to a
 * socket that did get them, so they had time). */
static void expect_none(int fd)
{
    struct pollfd pfd = {fd, POLLIN, 0};

    assert_int_equal(poll(&pfd, 1, 100), 0);
}

/* Packets kept past the batch's next receive (drain ends with one). */
struct kept {
    struct mc_pkt p[4];
    unsigned char data[4][64];
};

static void keep(const struct mc_pkt *p, unsigned i, void *ctx)
{
    struct kept *k = ctx;

    assert_true(i < 4);
    k->p[i] = *p;
    memcpy(k->data[i], p->data, p->len < 64 ? p->len : 64);
    k->p[i].data = k->data[i];
}

/* The per-packet values the batch tests send. */
static int tos_of(unsigned i)
{
    return (int)((i * 4 + (i & 3)) & 0xff);
}

static int ttl_of(unsigned i)
{
    return (int)(1 + i * 3);
}

struct batch {
    unsigned char data[NPKT][256];
    struct mc_txmsg msgs[NPKT];
    struct mc_cmsg cms[NPKT];
};

static void batch_fill(struct batch *t, const char *dst, uint16_t port)
{
    unsigned i;

    memset(t, 0, sizeof *t);
    for (i = 0; i < NPKT; i++) {
        t->msgs[i].data = t->data[i];
        t->msgs[i].len = payload(i, t->data[i], sizeof t->data[i]);
        t->msgs[i].dst = tu_addr(dst);
        t->msgs[i].port = port;
        t->msgs[i].cm = &t->cms[i];
        t->cms[i].have = MC_CM_TCLASS | MC_CM_HOPLIMIT;
        t->cms[i].tclass = tos_of(i);
        t->cms[i].hoplimit = ttl_of(i);
    }
}

/* ---- IPv4 unicast, with timestamps ---- */

struct v4_ctx {
    struct timespec t0, last;
};

static bool ts_le(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec ||
           (a->tv_sec == b->tv_sec && a->tv_nsec <= b->tv_nsec);
}

static void check_v4(const struct mc_pkt *p, unsigned i, void *vctx)
{
    struct v4_ctx *ctx = vctx;
    struct timespec now;

    expect_payload(p, i);
    assert_int_equal(p->cm.have, MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_SRC |
                                     MC_CM_DST | MC_CM_IFACE);
    assert_int_equal(p->cm.tclass, tos_of(i));
    assert_int_equal(p->cm.hoplimit, ttl_of(i));
    tu_expect_addr(&p->cm.src, "127.0.0.1");
    assert_int_equal(p->src_port, 6101);
    tu_expect_addr(&p->cm.dst, "127.0.0.1");
    assert_int_equal(p->cm.ifindex, testns_lo_index());
    /* Stamped on arrival, which may come after sendmmsg returned (the
     * softirq of lo): between the send and now, and in order. */
    clock_gettime(CLOCK_REALTIME, &now);
    assert_true(p->cm.have_time);
    assert_true(ts_le(&ctx->t0, &p->cm.ts));
    assert_true(ts_le(&ctx->last, &p->cm.ts));
    assert_true(ts_le(&p->cm.ts, &now));
    ctx->last = p->cm.ts;
    assert_false(p->cm.have_drops);
}

static void test_batch_v4_unicast(void **state)
{
    static struct batch t;
    struct v4_ctx ctx;
    struct mc_rxbatch *b = mc_rxbatch_new(NPKT, 2048);
    struct mc_err err;
    int rx = bound(AF_INET, "127.0.0.1", 6001, false);
    int tx = bound(AF_INET, "127.0.0.1", 6101, false);

    (void)state;
    assert_non_null(b);
    assert_int_equal(mc_cmsg_set_flags(rx, MC_CM_ALL_V4, true, &err), 0);
    assert_int_equal(mc_sock_set_rx_timestamps(rx, true, &err), 0);
    batch_fill(&t, "127.0.0.1", 6001);
    clock_gettime(CLOCK_REALTIME, &ctx.t0);
    ctx.last = ctx.t0;
    assert_int_equal(mc_send_batch(tx, t.msgs, NPKT, &err), NPKT);
    assert_int_equal(err.code, 0);
    assert_int_equal(drain(b, rx, NPKT, check_v4, &ctx), NPKT);
    mc_rxbatch_free(b);
    close(rx);
    close(tx);
}

/* ---- IPv4 multicast on lo: per-packet source and interface ---- */

static void check_mc(const struct mc_pkt *p, unsigned i, void *vctx)
{
    uint16_t port = *(uint16_t *)vctx;

    expect_payload(p, i);
    assert_int_equal(p->cm.have, MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_SRC |
                                     MC_CM_DST | MC_CM_IFACE);
    assert_int_equal(p->cm.tclass, tos_of(i));
    assert_int_equal(p->cm.hoplimit, ttl_of(i));
    tu_expect_addr(&p->cm.src, i % 2 ? "127.0.0.1" : "10.255.0.1");
    assert_int_equal(p->src_port, port);
    tu_expect_addr(&p->cm.dst, "239.1.2.3");
    assert_int_equal(p->cm.ifindex, testns_lo_index());
    assert_false(p->cm.have_time);
}

static void test_batch_v4_multicast(void **state)
{
    static struct batch t;
    struct sockaddr_in me;
    socklen_t len = sizeof me;
    struct mc_rxbatch *b = mc_rxbatch_new(NPKT, 1500);
    struct mc_err err;
    unsigned lo = testns_lo_index(), i;
    int rx = bound(AF_INET, NULL, 6002, true);
    int other = bound(AF_INET, NULL, 6002, true);
    int leaky = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int tx = mc_sock_open_udp(AF_INET, &err);
    uint16_t port;

    (void)state;
    assert_non_null(b);
    assert_true(tx >= 0);
    /* leaky keeps the kernel's default, IP_MULTICAST_ALL on. */
    assert_int_equal(mc_sock_bind(leaky, NULL, 6002, 0, true, &err), 0);
    join4(rx, "239.1.2.3", lo);
    assert_int_equal(mc_cmsg_set_flags(rx, MC_CM_ALL_V4, true, &err), 0);
    assert_int_equal(mc_cmsg_set_flags(leaky, MC_CM_ALL_V4, true, &err), 0);
    /* Every packet names lo; even ones come from 10.255.0.1, odd ones
     * from 127.0.0.1, both by IP_PKTINFO. */
    batch_fill(&t, "239.1.2.3", 6002);
    for (i = 0; i < NPKT; i++) {
        t.cms[i].have |= MC_CM_IFACE | MC_CM_SRC;
        t.cms[i].ifindex = lo;
        t.cms[i].src = tu_addr(i % 2 ? "127.0.0.1" : "10.255.0.1");
    }
    assert_int_equal(mc_send_batch(tx, t.msgs, NPKT, &err), NPKT);
    assert_int_equal(getsockname(tx, (struct sockaddr *)&me, &len), 0);
    port = ntohs(me.sin_port);
    assert_int_equal(drain(b, rx, NPKT, check_mc, &port), NPKT);
    /* Not joined, IP_MULTICAST_ALL off (mc_sock_open_udp): nothing. */
    expect_none(other);
    /* Not joined, IP_MULTICAST_ALL on: every packet (ip(7)). */
    assert_int_equal(drain(b, leaky, NPKT, check_mc, &port), NPKT);
    mc_rxbatch_free(b);
    close(rx);
    close(other);
    close(leaky);
    close(tx);
}

/* ---- IPv6 unicast over ::1 ---- */

static void check_v6(const struct mc_pkt *p, unsigned i, void *vctx)
{
    (void)vctx;
    expect_payload(p, i);
    assert_int_equal(p->cm.have, MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_SRC |
                                     MC_CM_DST | MC_CM_IFACE);
    assert_int_equal(p->cm.tclass, tos_of(i));
    assert_int_equal(p->cm.hoplimit, ttl_of(i));
    tu_expect_addr(&p->cm.src, "::1");
    assert_int_equal(p->src_port, 6103);
    tu_expect_addr(&p->cm.dst, "::1");
    assert_int_equal(p->cm.ifindex, testns_lo_index());
    assert_false(p->cm.have_time);
    assert_false(p->cm.have_drops);
}

static void test_batch_v6_unicast(void **state)
{
    static struct batch t;
    struct kept k;
    struct mc_rxbatch *b = mc_rxbatch_new(NPKT, 2048);
    struct mc_err err;
    unsigned i;
    int rx = bound(AF_INET6, "::1", 6003, false);
    int tx = bound(AF_INET6, "::1", 6103, false);

    (void)state;
    assert_non_null(b);
    assert_int_equal(mc_cmsg_set_flags(rx, MC_CM_ALL_V6, true, &err), 0);
    batch_fill(&t, "::1", 6003);
    for (i = 0; i < NPKT; i += 2) {
        t.cms[i].have |= MC_CM_IFACE | MC_CM_SRC;
        t.cms[i].ifindex = testns_lo_index();
        t.cms[i].src = tu_addr("::1");
    }
    assert_int_equal(mc_send_batch(tx, t.msgs, NPKT, &err), NPKT);
    assert_int_equal(drain(b, rx, NPKT, check_v6, NULL), NPKT);
    /* One without control data: the socket's own values. */
    assert_int_equal(mc_sock_set_tclass(tx, 0x28, &err), 0);
    assert_int_equal(mc_sock_set_hoplimit(tx, 42, &err), 0);
    t.msgs[0].cm = NULL;
    assert_int_equal(mc_send_one(tx, &t.msgs[0], &err), 20);
    assert_int_equal(drain(b, rx, 1, keep, &k), 1);
    assert_int_equal(k.p[0].cm.tclass, 0x28);
    assert_int_equal(k.p[0].cm.hoplimit, 42);
    mc_rxbatch_free(b);
    close(rx);
    close(tx);
}

/* ---- truncation ---- */

static void test_trunc(void **state)
{
    static const size_t sizes[] = {100, 16, 0};
    unsigned char data[100];
    struct kept k;
    struct mc_txmsg m;
    struct mc_rxbatch *b = mc_rxbatch_new(4, 16);
    struct mc_err err;
    const struct mc_pkt *p;
    size_t i;
    int rx = bound(AF_INET6, "::1", 6004, false);
    int tx = bound(AF_INET6, "::1", 0, false);

    (void)state;
    assert_non_null(b);
    for (i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(255 - i);
    memset(&m, 0, sizeof m);
    m.data = data;
    m.dst = tu_addr("::1");
    m.port = 6004;
    for (i = 0; i < 3; i++) {
        m.len = sizes[i];
        assert_int_equal(mc_send_one(tx, &m, &err), (int)sizes[i]);
    }
    assert_int_equal(drain(b, rx, 3, keep, &k), 3);
    p = &k.p[0];
    assert_int_equal(p->len, 16);
    assert_int_equal(p->wire_len, 100);
    assert_true(p->cm.trunc);
    assert_memory_equal(p->data, data, 16);
    p = &k.p[1];
    assert_int_equal(p->len, 16);
    assert_int_equal(p->wire_len, 16);
    assert_false(p->cm.trunc);
    p = &k.p[2];
    assert_int_equal(p->len, 0);
    assert_int_equal(p->wire_len, 0);
    assert_false(p->cm.trunc);
    tu_expect_addr(&p->cm.src, "::1");
    mc_rxbatch_free(b);
    close(rx);
    close(tx);
}

/* ---- the drop counter ---- */

/* The kernel adds SO_RXQ_OVFL only when the count is not 0 (sock.h
 * sock_recv_drops). */
static void check_no_drops(const struct mc_pkt *p, unsigned i, void *ctx)
{
    (void)i;
    (void)ctx;
    assert_false(p->cm.have_drops);
    assert_int_equal(p->cm.drops, 0);
}

static void test_drops(void **state)
{
    static unsigned char data[1000];
    static struct mc_txmsg m[200];
    struct kept k;
    struct mc_rxbatch *b = mc_rxbatch_new(256, 1024);
    struct mc_err err;
    unsigned i, sent = 0, got;
    int rx = bound(AF_INET, "127.0.0.1", 6005, false);
    int tx = bound(AF_INET, "127.0.0.1", 0, false);
    int n, buf = 0;

    (void)state;
    assert_non_null(b);
    /* The smallest buffer the kernel grants (socket(7) SOCK_MIN_RCVBUF). */
    assert_int_equal(mc_sock_set_rcvbuf(rx, 0, &err), 0);
    assert_int_equal(mc_sock_get_rcvbuf(rx, &buf, &err), 0);
    assert_true(buf < 10000);
    assert_int_equal(mc_sock_set_rx_drops(rx, true, &err), 0);
    for (i = 0; i < 200; i++) {
        m[i].data = data;
        m[i].len = sizeof data;
        m[i].dst = tu_addr("127.0.0.1");
        m[i].port = 6005;
    }
    while (sent < 200) {
        n = mc_send_batch(tx, m + sent, 200 - sent, &err);
        assert_true(n > 0);
        sent += (unsigned)n;
    }
    /* What was queued came before the first drop: no counter yet. */
    got = drain(b, rx, 200, check_no_drops, NULL);
    assert_true(got > 0);
    assert_true(got < 200);
    /* The next packet carries the count of those dropped since. */
    assert_int_equal(mc_send_one(tx, &m[0], &err), 1000);
    assert_int_equal(drain(b, rx, 1, keep, &k), 1);
    assert_true(k.p[0].cm.have_drops);
    assert_int_equal(k.p[0].cm.drops, 200 - got);
    mc_rxbatch_free(b);
    close(rx);
    close(tx);
}

/* ---- more than one sendmmsg call ---- */

static void check_seq(const struct mc_pkt *p, unsigned i, void *ctx)
{
    uint32_t seq;

    (void)ctx;
    assert_int_equal(p->len, sizeof seq);
    memcpy(&seq, p->data, sizeof seq);
    assert_int_equal(seq, i);
}

static void test_batch_over_1024(void **state)
{
    enum { N = 1500 };
    static uint32_t seq[N];
    static struct mc_txmsg m[N];
    struct mc_rxbatch *b = mc_rxbatch_new(256, 64);
    struct mc_err err;
    unsigned i;
    int rx = bound(AF_INET, "127.0.0.1", 6006, false);
    int tx = bound(AF_INET, "127.0.0.1", 0, false);

    (void)state;
    assert_non_null(b);
    assert_int_equal(mc_sock_set_rcvbuf(rx, 16 << 20, &err), 0);
    for (i = 0; i < N; i++) {
        seq[i] = i;
        m[i].data = &seq[i];
        m[i].len = sizeof seq[i];
        m[i].dst = tu_addr("127.0.0.1");
        m[i].port = 6006;
    }
    assert_int_equal(mc_send_batch(tx, m, N, &err), N);
    assert_int_equal(drain(b, rx, N, check_seq, NULL), N);
    mc_rxbatch_free(b);
    close(rx);
    close(tx);
}

/* ---- refusals ---- */

static void expect_err(int rc, const struct mc_err *err, int code,
                       const char *msg)
{
    assert_int_equal(rc, code);
    assert_int_equal(err->code, code);
    assert_string_equal(err->msg, msg);
}

static void test_send_refusals(void **state)
{
    unsigned char data[8] = "refusal";
    static unsigned char big[70000];
    struct mc_txmsg m[5];
    struct mc_cmsg cm[5];
    struct mc_rxbatch *b = mc_rxbatch_new(8, 64);
    struct mc_err err;
    unsigned i;
    int v4 = bound(AF_INET, "127.0.0.1", 6007, false);
    int v6 = bound(AF_INET6, "::1", 0, false);

    (void)state;
    assert_non_null(b);
    memset(m, 0, sizeof m);
    memset(cm, 0, sizeof cm);
    for (i = 0; i < 5; i++) {
        m[i].data = data;
        m[i].len = sizeof data;
        m[i].dst = tu_addr("127.0.0.1");
        m[i].port = 6007;
        m[i].cm = &cm[i];
    }
    assert_int_equal(mc_send_batch(v4, m, 0, &err), 0);
    expect_err(mc_send_batch(v6, m, 5, &err), &err, -EAFNOSUPPORT,
               "packet 0 goes to an IPv4 address but the socket is IPv6: "
               "send it from an IPv4 socket");
    /* A bad packet in the middle: those before it go. */
    cm[3].have = MC_CM_TCLASS;
    cm[3].tclass = 300;
    assert_int_equal(mc_send_batch(v4, m, 5, &err), 3);
    assert_int_equal(err.code, 0);
    assert_int_equal(drain(b, v4, 3, NULL, NULL), 3);
    expect_err(mc_send_batch(v4, m + 3, 2, &err), &err, -EINVAL,
               "packet 0: TOS 300 is out of range: use 0..255 (0x00..0xff)");
    cm[3].have = 0;
    m[3].dst.family = 0;
    expect_err(mc_send_one(v4, &m[3], &err), &err, -EDESTADDRREQ,
               "packet 0 has no destination address: give it one");
    /* The kernel's refusals. */
    m[3].dst = tu_addr("198.51.100.1");
    expect_err(mc_send_one(v4, &m[3], &err), &err, -ENETUNREACH,
               "no route to 198.51.100.1 for packet 0: add a route, or name "
               "the outgoing interface (dev IFACE)");
    m[3].dst = tu_addr("127.0.0.1");
    cm[3].have = MC_CM_SRC;
    cm[3].src = tu_addr("192.0.2.1");
    expect_err(mc_send_one(v4, &m[3], &err), &err, -ENETUNREACH,
               "the kernel refused packet 0 to 127.0.0.1 from source "
               "192.0.2.1 (ENETUNREACH): use a source address of this host, "
               "with a route to 127.0.0.1");
    m[4].dst = tu_addr("::1");
    cm[4].have = MC_CM_SRC;
    cm[4].src = tu_addr("2001:db8::1");
    expect_err(mc_send_one(v6, &m[4], &err), &err, -EINVAL,
               "the kernel refused packet 0 to ::1 from source 2001:db8::1 "
               "(EINVAL): use a source address of this host, with a route "
               "to ::1");
    cm[3].have = MC_CM_IFACE;
    cm[3].ifindex = 9999;
    expect_err(mc_send_one(v4, &m[3], &err), &err, -ENODEV,
               "the outgoing interface of packet 0 does not exist: choose "
               "one that `ip link` lists");
    cm[3].have = 0;
    m[3].data = big;
    m[3].len = sizeof big;
    expect_err(mc_send_one(v4, &m[3], &err), &err, -EMSGSIZE,
               "packet 0 (70000 bytes) to 127.0.0.1 is too large for the "
               "path: send a smaller payload");
    m[3].data = NULL;
    expect_err(mc_send_one(v4, &m[3], &err), &err, -EINVAL,
               "packet 0 has a length but no data: give it a payload");
    expect_none(v4);
    mc_rxbatch_free(b);
    close(v4);
    close(v6);
}

static void test_rxbatch(void **state)
{
    struct mc_rxbatch *b;
    struct mc_err err;
    char want[MC_ERR_MSG_MAX];
    int p[2], fd;

    (void)state;
    errno = 0;
    assert_null(mc_rxbatch_new(0, 64));
    assert_int_equal(errno, EINVAL);
    assert_null(mc_rxbatch_new(1025, 64));
    assert_null(mc_rxbatch_new(4, 0));
    b = mc_rxbatch_new(1024, 8);
    assert_non_null(b);
    assert_int_equal(mc_rxbatch_capacity(b), 1024);
    assert_null(mc_rxbatch_get(b, 0));
    mc_rxbatch_free(b);
    mc_rxbatch_free(NULL);
    assert_int_equal(mc_rxbatch_capacity(NULL), 0);
    assert_int_equal(mc_rxbatch_recv(NULL, 0, &err), -EINVAL);

    b = mc_rxbatch_new(8, 64);
    /* Nothing waiting is not an error. */
    fd = bound(AF_INET6, "::1", 6008, false);
    assert_int_equal(mc_rxbatch_recv(b, fd, &err), 0);
    assert_int_equal(err.code, 0);
    close(fd);
    assert_int_equal(pipe(p), 0);
    snprintf(want, sizeof want,
             "descriptor %d is not an open socket: receive from a socket "
             "that mc_sock_open_udp opened",
             p[0]);
    expect_err(mc_rxbatch_recv(b, p[0], &err), &err, -ENOTSOCK, want);
    close(p[0]);
    close(p[1]);
    mc_rxbatch_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rxbatch),
        cmocka_unit_test(test_batch_v4_unicast),
        cmocka_unit_test(test_batch_v4_multicast),
        cmocka_unit_test(test_batch_v6_unicast),
        cmocka_unit_test(test_trunc),
        cmocka_unit_test(test_drops),
        cmocka_unit_test(test_batch_over_1024),
        cmocka_unit_test(test_send_refusals),
    };

    testns_enter_private_or_skip();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
