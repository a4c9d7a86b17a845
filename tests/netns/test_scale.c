/*
 * Integration at scale: many groups on one port through mc_listener (1,000
 * IPv4 groups, well past igmp_max_memberships per socket, and 100 IPv6
 * groups), each getting exactly its own packets; and a 5,000-packet stream
 * sent with mc_send_batch and received with mc_rxbatch_recv, counted
 * exactly, without duplicates, in order.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>

#include "lab.h"
#include "mcscope/member.h"
#include "mcscope/sock.h"

#define PER_GROUP 2
#define SEND_CHUNK 100
#define STREAM 5000
#define STREAM_BATCH 64
#define RCVBUF (4 << 20)

static struct lab *lab;

/* ---- 8. many groups ---- */

/* Group i: 239.20.(i/256).(i%256) or ff15::20:i. */
static struct mc_addr group_n(int family, unsigned i)
{
    struct mc_addr a;

    memset(&a, 0, sizeof a);
    a.family = family;
    if (family == AF_INET) {
        a.u.v4.s_addr = htonl(0xef140000u | i);
    } else {
        a.u.v6.s6_addr[0] = 0xff;
        a.u.v6.s6_addr[1] = 0x15;
        a.u.v6.s6_addr[13] = 0x20;
        a.u.v6.s6_addr[14] = (uint8_t)(i >> 8);
        a.u.v6.s6_addr[15] = (uint8_t)i;
    }
    return a;
}

struct per_group {
    int family;
    unsigned ngroups;
    const int *fds; /* the listener's sockets */
    unsigned ifindex;
    unsigned *count;       /* per group index */
    unsigned stray;        /* destination not one of ours, or no destination */
    unsigned wrong_socket; /* arrived on a socket that did not join it */
    struct lab_tally *tally;
};

/* The index of a destination made by group_n, or ngroups when not ours. */
static unsigned group_index(const struct per_group *pg,
                            const struct mc_addr *dst)
{
    unsigned i;

    if (dst->family != pg->family)
        return pg->ngroups;
    if (pg->family == AF_INET)
        i = ntohl(dst->u.v4.s_addr) & 0xffffu;
    else
        i = (unsigned)dst->u.v6.s6_addr[14] << 8 | dst->u.v6.s6_addr[15];
    if (i >= pg->ngroups) {
        return pg->ngroups;
    } else {
        struct mc_addr want = group_n(pg->family, i);

        return mc_addr_equal(&want, dst) ? i : pg->ngroups;
    }
}

/* Whether socket fd holds a membership of group on ifindex. */
static bool holds(int fd, unsigned ifindex, const struct mc_addr *group)
{
    struct mc_filter f;
    struct mc_err err;
    bool joined;

    memset(&f, 0, sizeof f);
    lab_ok(mc_filter_get(fd, ifindex, group, &f, &err), &err, "mc_filter_get");
    joined = f.mode != MC_MODE_NONE;
    mc_filter_free(&f);
    return joined;
}

/*
 * Count per group (by the destination control message) and check that the
 * socket the packet came from is the one that joined that group: with
 * MULTICAST_ALL off no other socket of the listener may get it.
 */
static void count_group(size_t fd_index, const struct mc_pkt *p, void *arg)
{
    struct per_group *pg = arg;
    unsigned i = pg->ngroups;

    lab_tally_add(pg->tally, p);
    if (p->cm.have & MC_CM_DST)
        i = group_index(pg, &p->cm.dst);
    if (i < pg->ngroups)
        pg->count[i]++;
    else
        pg->stray++;
    if (i < pg->ngroups && !holds(pg->fds[fd_index], pg->ifindex, &p->cm.dst))
        pg->wrong_socket++;
}

static struct mc_listener *join_many(int family, uint16_t port,
                                     unsigned ifindex, unsigned n)
{
    struct mc_listener_opts o = {
        .family = family, .port = port, .cm_flags = MC_CM_DST};
    struct mc_listener *l = NULL;
    struct mc_err err;
    int rc;

    lab_enter(lab, "RX"); /* a join may open a socket: it must be in RX */
    lab_ok(mc_listener_new(&o, &l, &err), &err, "mc_listener_new");
    for (unsigned i = 0; i < n; i++) {
        struct mc_addr g = group_n(family, i);
        char what[64];

        rc = mc_listener_apply(l, MC_OP_JOIN, ifindex, &g, NULL, &err);
        snprintf(what, sizeof what, "join of group %u of %u", i + 1, n);
        lab_ok(rc, &err, what);
    }
    lab_leave(lab);
    return l;
}

/* Every group gets PER_GROUP packets, sent SEND_CHUNK at a time. */
static void send_to_all(int s1, int family, uint16_t port, unsigned n,
                        const int *fds, size_t nfds, struct per_group *pg)
{
    static uint8_t data[SEND_CHUNK][LAB_PAYLOAD_LEN];
    struct mc_txmsg msgs[SEND_CHUNK];
    unsigned total = n * PER_GROUP, k = 0;

    while (k < total) {
        unsigned chunk = total - k < SEND_CHUNK ? total - k : SEND_CHUNK;

        for (unsigned j = 0; j < chunk; j++, k++) {
            memset(&msgs[j], 0, sizeof msgs[j]);
            lab_payload_fill(data[j], 0, k);
            msgs[j].data = data[j];
            msgs[j].len = LAB_PAYLOAD_LEN;
            msgs[j].dst = group_n(family, k % n);
            msgs[j].port = port;
        }
        lab_send_msgs(s1, msgs, chunk);
        lab_drain_now(fds, nfds, count_group, pg);
        lab_sleep_us(1000);
    }
}

static void expect_each_group(const struct per_group *pg)
{
    unsigned wrong = 0, first = 0;

    for (unsigned i = 0; i < pg->ngroups; i++) {
        if (pg->count[i] != PER_GROUP && wrong++ == 0)
            first = i;
    }
    if (wrong != 0) {
        struct mc_addr g = group_n(pg->family, first);
        char a[MC_ADDR_STRLEN];

        fail_msg("%u of %u groups did not get exactly %d packets; first "
                 "%s got %u",
                 wrong, pg->ngroups, PER_GROUP, mc_addr_format(&g, a, sizeof a),
                 pg->count[first]);
    }
    assert_int_equal(pg->stray, 0);
    if (pg->wrong_socket != 0)
        fail_msg("%u of %u packets arrived on a listener socket that did "
                 "not join their group",
                 pg->wrong_socket, pg->ngroups * PER_GROUP);
}

static void many_groups(int family, unsigned n, uint16_t port)
{
    unsigned rx_if = lab_ifindex(lab, "RX", "lab0");
    struct per_group pg = {.family = family, .ngroups = n, .ifindex = rx_if};
    struct mc_listener *l = join_many(family, port, rx_if, n);
    unsigned per = mc_listener_groups_per_socket(l);
    size_t nfds = mc_listener_nsockets(l);
    int *fds = calloc(nfds, sizeof *fds);
    struct mc_addr a1;
    int s1 = lab_sender(lab, "S1", family, 0);

    assert_non_null(fds);
    assert_int_equal(mc_listener_ngroups(l), n);
    if (family == AF_INET) {
        /* A fresh namespace keeps the kernel default of 20. */
        assert_int_equal(per, 20);
        assert_int_equal(nfds, (n + per - 1) / per);
    } else {
        assert_int_equal(per, 0);
        assert_true(nfds >= 1);
    }
    for (size_t i = 0; i < nfds; i++)
        fds[i] = mc_listener_fd(l, i);
    pg.fds = fds;
    pg.count = calloc(n, sizeof *pg.count);
    pg.tally = lab_tally_new();
    assert_non_null(pg.count);

    send_to_all(s1, family, port, n, fds, nfds, &pg);
    lab_drain(fds, nfds, LAB_IDLE_MS, count_group, &pg);
    expect_each_group(&pg);
    lab_host_addr("S1", family, 0, &a1);
    lab_expect_src_unordered(pg.tally, &a1, n * PER_GROUP, "all groups");
    lab_expect_total(pg.tally, n * PER_GROUP, "all groups");

    mc_listener_free(l);
    close(s1);
    free(fds);
    free(pg.count);
    free(pg.tally);
}

static void many_groups_v4(void **state)
{
    (void)state;
    many_groups(AF_INET, 1000, 5601);
}

/* Few enough sockets (3) that the kernel's early demux looks them up. */
static void some_groups_v4(void **state)
{
    (void)state;
    many_groups(AF_INET, 60, 5603);
}

static void many_groups_v6(void **state)
{
    (void)state;
    many_groups(AF_INET6, 100, 5602);
}

/* ---- 10. a batch stream ---- */

struct stream {
    struct lab_tally *tally;
    uint32_t drops;
    bool have_drops;
};

static void count_stream(size_t fd_index, const struct mc_pkt *p, void *arg)
{
    struct stream *st = arg;

    (void)fd_index;
    lab_tally_add(st->tally, p);
    if (p->cm.have_drops) {
        st->have_drops = true;
        st->drops = p->cm.drops;
    }
}

static void batch_stream(int family, const char *group, uint16_t port)
{
    struct mc_addr g = tu_addr(group);
    struct stream st = {.tally = lab_tally_new()};
    struct lab_pacing pace = {.batch = STREAM_BATCH,
                              .gap_us = 200,
                              .nrx = 1,
                              .fn = count_stream,
                              .arg = &st};
    struct mc_addr a1;
    struct mc_err err;
    int s1, rx, granted = 0;

    lab_host_addr("S1", family, 0, &a1);
    s1 = lab_sender(lab, "S1", family, 0);
    rx = lab_receiver(lab, "RX", family, port, MC_CM_DST);
    pace.rx_fds = &rx;
    lab_ok(mc_sock_set_rcvbuf(rx, RCVBUF, &err), &err, "rcvbuf");
    lab_ok(mc_sock_get_rcvbuf(rx, &granted, &err), &err, "get rcvbuf");
    assert_true(granted >= RCVBUF);
    lab_ok(mc_sock_set_rx_drops(rx, true, &err), &err, "SO_RXQ_OVFL");
    lab_ok(mc_join_group(rx, lab_ifindex(lab, "RX", "lab0"), &g, &err), &err,
           "join");

    lab_send(s1, &g, port, STREAM, 1, 0, NULL, &pace);
    lab_drain(&rx, 1, LAB_IDLE_MS, count_stream, &st);
    lab_expect_src(st.tally, &a1, STREAM, "batch stream");
    lab_expect_total(st.tally, STREAM, "batch stream");
    /* The kernel's drop counter comes with every packet once one was lost
     * (SO_RXQ_OVFL); when it came, it must say 0. */
    if (st.have_drops)
        assert_int_equal(st.drops, 0);
    close(rx);
    close(s1);
    free(st.tally);
}

static void batch_stream_v6(void **state)
{
    (void)state;
    batch_stream(AF_INET6, "ff15::5000", 5701);
}

static void batch_stream_v4(void **state)
{
    (void)state;
    batch_stream(AF_INET, "239.5.0.0", 5702);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(many_groups_v4, lab_leave_teardown),
        cmocka_unit_test_teardown(some_groups_v4, lab_leave_teardown),
        cmocka_unit_test_teardown(many_groups_v6, lab_leave_teardown),
        cmocka_unit_test(batch_stream_v6),
        cmocka_unit_test(batch_stream_v4),
    };
    int rc;

    lab = lab_create(false);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
