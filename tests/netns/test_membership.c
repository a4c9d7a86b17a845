/*
 * Integration: memberships with real packets.  S1 and S2 send to a group,
 * RX joins it in each mode, and the receiver's per-source counts must be
 * exact: ASM, SSM include, exclude/unblock, leave/rejoin, two listeners on
 * one port, and MULTICAST_ALL off by default.  Every case runs in IPv6 and
 * IPv4.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>

#include "lab.h"
#include "mcscope/member.h"
#include "mcscope/sock.h"

#define COUNT 50
#define RX_FLAGS (MC_CM_DST | MC_CM_IFACE)

static struct lab *lab;

struct fam {
    int family;
    const char *asm_group[7]; /* one group per test, never shared */
    const char *ssm_group;
    uint16_t port_base;
};

static const struct fam v6 = {
    AF_INET6,
    {"ff15::1234", "ff15::1235", "ff15::1236", "ff15::1237", "ff15::1238",
     "ff15::1239", "ff15::123a"},
    "ff3e::1234",
    5100,
};
static const struct fam v4 = {
    AF_INET,
    {"239.1.2.3", "239.1.2.5", "239.1.2.6", "239.1.2.7", "239.1.2.8",
     "239.1.2.9", "239.1.2.10"},
    "232.1.1.1",
    5200,
};

/* 1. ASM join on RX lab0: every packet of both sources arrives. */
static void asm_join(const struct fam *f)
{
    struct mc_addr g = tu_addr(f->asm_group[0]);
    uint16_t port = f->port_base + 1;
    struct lab_senders s;
    struct mc_err err;
    int rx;

    lab_senders_open(lab, f->family, &s);
    rx = lab_receiver(lab, "RX", f->family, port, RX_FLAGS);
    lab_ok(mc_join_group(rx, s.rx_lab0, &g, &err), &err, "join");
    lab_send_both(&s, &g, port, COUNT);
    lab_expect_both(&rx, 1, &s, COUNT, COUNT, "ASM join");
    close(rx);
    lab_senders_close(&s);
}

/*
 * 2. SSM include (join-source G S1): only S1's packets.  Leaving the last
 * included source leaves the group: nothing at all.
 */
static void ssm_include(const struct fam *f)
{
    struct mc_addr g = tu_addr(f->ssm_group);
    uint16_t port = f->port_base + 2;
    struct lab_senders s;
    struct mc_err err;
    int rx;

    lab_senders_open(lab, f->family, &s);
    rx = lab_receiver(lab, "RX", f->family, port, RX_FLAGS);
    lab_ok(mc_join_source_group(rx, s.rx_lab0, &g, &s.a1, &err), &err,
           "join-source S1");
    lab_send_both(&s, &g, port, COUNT);
    lab_expect_both(&rx, 1, &s, COUNT, 0, "SSM include S1");

    lab_ok(mc_leave_source_group(rx, s.rx_lab0, &g, &s.a1, &err), &err,
           "leave-source S1");
    lab_send_both(&s, &g, port, COUNT);
    lab_expect_both(&rx, 1, &s, 0, 0, "after leave-source of the last S");
    close(rx);
    lab_senders_close(&s);
}

/* 3. Exclude (join, exclude-source S2): S1 only; unblock S2: both again. */
static void exclude_unblock(const struct fam *f)
{
    struct mc_addr g = tu_addr(f->asm_group[1]);
    uint16_t port = f->port_base + 3;
    struct lab_senders s;
    struct mc_err err;
    int rx;

    lab_senders_open(lab, f->family, &s);
    rx = lab_receiver(lab, "RX", f->family, port, RX_FLAGS);
    lab_ok(mc_join_group(rx, s.rx_lab0, &g, &err), &err, "join");
    lab_ok(mc_exclude_source(rx, s.rx_lab0, &g, &s.a2, &err), &err,
           "exclude-source S2");
    lab_send_both(&s, &g, port, COUNT);
    lab_expect_both(&rx, 1, &s, COUNT, 0, "exclude S2");

    lab_ok(mc_include_source(rx, s.rx_lab0, &g, &s.a2, &err), &err,
           "include-source S2");
    lab_send_both(&s, &g, port, COUNT);
    lab_expect_both(&rx, 1, &s, COUNT, COUNT, "S2 unblocked");
    close(rx);
    lab_senders_close(&s);
}

/*
 * 3b. Exclude on a shared port: socket x excludes S2, socket y (same port)
 * is in ASM.  Each socket's own filter decides: x gets S1 only, y both.
 */
static void exclude_shared_port(const struct fam *f)
{
    struct mc_addr g = tu_addr(f->asm_group[6]);
    uint16_t port = f->port_base + 7;
    struct lab_senders s;
    struct mc_err err;
    int x, y;

    lab_senders_open(lab, f->family, &s);
    x = lab_receiver(lab, "RX", f->family, port, RX_FLAGS);
    y = lab_receiver(lab, "RX", f->family, port, RX_FLAGS);
    lab_ok(mc_join_group(x, s.rx_lab0, &g, &err), &err, "join x");
    lab_ok(mc_exclude_source(x, s.rx_lab0, &g, &s.a2, &err), &err,
           "exclude-source S2 on x");
    lab_ok(mc_join_group(y, s.rx_lab0, &g, &err), &err, "join y");
    lab_send_both(&s, &g, port, COUNT);
    lab_expect_both(&x, 1, &s, COUNT, 0, "socket excluding S2");
    lab_expect_both(&y, 1, &s, COUNT, COUNT, "ASM socket on that port");
    close(x);
    close(y);
    lab_senders_close(&s);
}

/* 4. Leave stops delivery; a rejoin restarts it. */
static void leave_rejoin(const struct fam *f)
{
    struct mc_addr g = tu_addr(f->asm_group[2]);
    uint16_t port = f->port_base + 4;
    struct lab_senders s;
    struct mc_err err;
    int rx;

    lab_senders_open(lab, f->family, &s);
    rx = lab_receiver(lab, "RX", f->family, port, RX_FLAGS);
    lab_ok(mc_join_group(rx, s.rx_lab0, &g, &err), &err, "join");
    lab_send_both(&s, &g, port, COUNT);
    lab_expect_both(&rx, 1, &s, COUNT, COUNT, "joined");

    lab_ok(mc_leave_group(rx, s.rx_lab0, &g, &err), &err, "leave");
    lab_send_both(&s, &g, port, COUNT);
    lab_expect_both(&rx, 1, &s, 0, 0, "after leave");

    lab_ok(mc_join_group(rx, s.rx_lab0, &g, &err), &err, "rejoin");
    lab_send_both(&s, &g, port, COUNT);
    lab_expect_both(&rx, 1, &s, COUNT, COUNT, "rejoined");
    close(rx);
    lab_senders_close(&s);
}

/* A listener in RX on port with group joined on lab0. */
static struct mc_listener *listener_joined(int family, uint16_t port,
                                           unsigned ifindex,
                                           const struct mc_addr *g)
{
    struct mc_listener_opts o = {.family = family,
                                 .port = port,
                                 .rcvbuf = LAB_RCVBUF,
                                 .cm_flags = RX_FLAGS};
    struct mc_listener *l = NULL;
    struct mc_err err;
    int rc;

    lab_enter(lab, "RX");
    rc = mc_listener_new(&o, &l, &err);
    if (rc == 0)
        rc = mc_listener_apply(l, MC_OP_JOIN, ifindex, g, NULL, &err);
    lab_leave(lab);
    lab_ok(rc, &err, "listener join");
    assert_int_equal(mc_listener_nsockets(l), 1);
    return l;
}

/*
 * 5. Two listeners on one port both get every packet: two mc_listeners,
 * then two plain sockets bound with reuse (SO_REUSEADDR).
 */
static void two_listeners(const struct fam *f)
{
    struct mc_addr g = tu_addr(f->asm_group[3]);
    uint16_t port = f->port_base + 5;
    struct lab_senders s;
    struct mc_listener *l1, *l2;
    struct mc_err err;
    int fd[2];

    lab_senders_open(lab, f->family, &s);
    l1 = listener_joined(f->family, port, s.rx_lab0, &g);
    l2 = listener_joined(f->family, port, s.rx_lab0, &g);
    lab_send_both(&s, &g, port, COUNT);
    fd[0] = mc_listener_fd(l1, 0);
    fd[1] = mc_listener_fd(l2, 0);
    lab_expect_both(&fd[0], 1, &s, COUNT, COUNT, "listener 1 of 2");
    lab_expect_both(&fd[1], 1, &s, COUNT, COUNT, "listener 2 of 2");
    mc_listener_free(l1);
    mc_listener_free(l2);

    for (int i = 0; i < 2; i++) {
        fd[i] = lab_receiver(lab, "RX", f->family, port, RX_FLAGS);
        lab_ok(mc_join_group(fd[i], s.rx_lab0, &g, &err), &err, "join");
    }
    lab_send_both(&s, &g, port, COUNT);
    lab_expect_both(&fd[0], 1, &s, COUNT, COUNT, "socket 1 of 2");
    lab_expect_both(&fd[1], 1, &s, COUNT, COUNT, "socket 2 of 2");
    close(fd[0]);
    close(fd[1]);
    lab_senders_close(&s);
}

/*
 * MULTICAST_ALL off by default: a second socket on the same port that
 * joined nothing gets none of the group another socket joined (and with
 * multicast_all on it gets all of it).  A listener joined to another group
 * on that port gets none either.
 */
static void multicast_all(const struct fam *f)
{
    struct mc_addr g = tu_addr(f->asm_group[4]);
    struct mc_addr other = tu_addr(f->asm_group[5]);
    uint16_t port = f->port_base + 6;
    struct lab_senders s;
    struct mc_listener *l;
    struct mc_err err;
    bool all = true;
    int a, b, lfd;

    lab_senders_open(lab, f->family, &s);
    a = lab_receiver(lab, "RX", f->family, port, RX_FLAGS);
    b = lab_receiver(lab, "RX", f->family, port, RX_FLAGS);
    lab_ok(mc_sock_get_multicast_all(b, &all, &err), &err, "get multicast_all");
    assert_false(all);
    l = listener_joined(f->family, port, s.rx_lab0, &other);
    lfd = mc_listener_fd(l, 0);
    lab_ok(mc_join_group(a, s.rx_lab0, &g, &err), &err, "join on a");

    lab_send_both(&s, &g, port, COUNT);
    lab_expect_both(&a, 1, &s, COUNT, COUNT, "the socket that joined");
    lab_expect_both(&b, 1, &s, 0, 0, "a socket that joined nothing");
    lab_expect_both(&lfd, 1, &s, 0, 0, "a listener on another group");

    lab_ok(mc_sock_set_multicast_all(b, true, &err), &err, "multicast_all on");
    lab_ok(mc_sock_get_multicast_all(b, &all, &err), &err, "get multicast_all");
    assert_true(all);
    lab_send_both(&s, &g, port, COUNT);
    lab_expect_both(&a, 1, &s, COUNT, COUNT, "the socket that joined");
    lab_expect_both(&b, 1, &s, COUNT, COUNT, "multicast_all on, no join");
    lab_expect_both(&lfd, 1, &s, 0, 0, "a listener on another group");
    mc_listener_free(l);
    close(a);
    close(b);
    lab_senders_close(&s);
}

LAB_BOTH_FAMILIES(asm_join, &v6, &v4)
LAB_BOTH_FAMILIES(ssm_include, &v6, &v4)
LAB_BOTH_FAMILIES(exclude_unblock, &v6, &v4)
LAB_BOTH_FAMILIES(exclude_shared_port, &v6, &v4)
LAB_BOTH_FAMILIES(leave_rejoin, &v6, &v4)
LAB_BOTH_FAMILIES(two_listeners, &v6, &v4)
LAB_BOTH_FAMILIES(multicast_all, &v6, &v4)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(asm_join_v6),
        cmocka_unit_test(asm_join_v4),
        cmocka_unit_test(ssm_include_v6),
        cmocka_unit_test(ssm_include_v4),
        cmocka_unit_test(exclude_unblock_v6),
        cmocka_unit_test(exclude_unblock_v4),
        cmocka_unit_test(exclude_shared_port_v6),
        cmocka_unit_test(exclude_shared_port_v4),
        cmocka_unit_test(leave_rejoin_v6),
        cmocka_unit_test(leave_rejoin_v4),
        cmocka_unit_test(two_listeners_v6),
        cmocka_unit_test(two_listeners_v4),
        cmocka_unit_test(multicast_all_v6),
        cmocka_unit_test(multicast_all_v4),
    };
    int rc;

    lab = lab_create(false);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
