/*
 * Integration: what a sender sets is what the receiver's control messages
 * report.  Traffic class / TOS and hop limit / TTL set as socket options
 * and per packet (struct mc_cmsg in mc_send_batch), the destination and
 * arrival interface on the receiver; and the seed's example of sending the
 * same datagram out of two interfaces, each with its own traffic class and
 * hop limit, chosen per packet.  IPv6 and IPv4.
 */
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

#define COUNT 20
#define PAIRS 30
#define RX_FLAGS (MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_DST | MC_CM_IFACE)

static struct lab *lab;

struct fam {
    int family;
    const char *group[2];
    uint16_t port_base;
};

static const struct fam v6 = {AF_INET6, {"ff15::4321", "ff15::4322"}, 5300};
static const struct fam v4 = {AF_INET, {"239.4.3.21", "239.4.3.22"}, 5400};

/* What every packet of a phase must carry, per arrival link. */
struct want {
    struct mc_addr dst;
    struct mc_addr src[2];
    unsigned rx_if[2];
    int tclass[2], hoplimit[2];
    size_t nlinks;
    /* results */
    unsigned per_link[2];
    unsigned bad;
    char first_bad[256];
    struct lab_tally *tally;
};

static int link_of(const struct want *w, unsigned ifindex)
{
    for (size_t l = 0; l < w->nlinks; l++)
        if (w->rx_if[l] == ifindex)
            return (int)l;
    return -1;
}

/* Why p differs from what link l should bring, or NULL. */
static const char *mismatch(const struct want *w, const struct mc_pkt *p, int l)
{
    if ((p->cm.have & RX_FLAGS) != RX_FLAGS)
        return "control messages missing";
    if (l < 0)
        return "arrived on an interface that was not joined";
    if (p->cm.tclass != w->tclass[l])
        return "traffic class";
    if (p->cm.hoplimit != w->hoplimit[l])
        return "hop limit";
    if (!mc_addr_equal(&p->cm.dst, &w->dst))
        return "destination is not the group";
    if (!mc_addr_equal(&p->cm.src, &w->src[l]))
        return "source is not the sender's address on that link";
    return NULL;
}

static void check_pkt(size_t fd_index, const struct mc_pkt *p, void *arg)
{
    struct want *w = arg;
    int l = link_of(w, p->cm.ifindex);
    const char *why = mismatch(w, p, l);
    char cm[200];

    (void)fd_index;
    lab_tally_add(w->tally, p);
    if (l >= 0)
        w->per_link[l]++;
    if (why == NULL)
        return;
    if (w->bad++ == 0)
        snprintf(w->first_bad, sizeof w->first_bad, "%s: %s", why,
                 mc_cmsg_format(&p->cm, cm, sizeof cm));
}

static void drain_and_check(int rx, struct want *w, const char *what)
{
    w->per_link[0] = w->per_link[1] = 0;
    w->bad = 0;
    w->first_bad[0] = '\0';
    lab_tally_reset(w->tally);
    lab_drain(&rx, 1, LAB_IDLE_MS, check_pkt, w);
    if (w->bad != 0)
        fail_msg("%s: %u packets wrong, first: %s", what, w->bad, w->first_bad);
}

/*
 * 6. Socket options on S1's sender (tclass 0x28, multicast hop limit 7),
 * then per-packet control data overriding both, then only the hop limit:
 * the receiver reports exactly those, the group as destination and RX's
 * lab0 as the arrival interface.
 */
static void tclass_hoplimit(const struct fam *f)
{
    struct mc_addr g = tu_addr(f->group[0]);
    uint16_t port = f->port_base + 1;
    struct mc_cmsg both = {
        .have = MC_CM_TCLASS | MC_CM_HOPLIMIT, .tclass = 0xb8, .hoplimit = 3};
    struct mc_cmsg hops = {.have = MC_CM_HOPLIMIT, .hoplimit = 5};
    struct want w = {.dst = g, .nlinks = 1};
    struct mc_err err;
    int s1, rx, v;

    w.tally = lab_tally_new();
    w.rx_if[0] = lab_ifindex(lab, "RX", "lab0");
    lab_host_addr("S1", f->family, 0, &w.src[0]);
    s1 = lab_sender(lab, "S1", f->family, 0);
    rx = lab_receiver(lab, "RX", f->family, port, RX_FLAGS);
    lab_ok(mc_join_group(rx, w.rx_if[0], &g, &err), &err, "join");

    lab_ok(mc_sock_set_tclass(s1, 0x28, &err), &err, "set tclass");
    lab_ok(mc_sock_set_mcast_hoplimit(s1, 7, &err), &err, "set mhops");
    lab_ok(mc_sock_get_tclass(s1, &v, &err), &err, "get tclass");
    assert_int_equal(v, 0x28);
    lab_ok(mc_sock_get_mcast_hoplimit(s1, &v, &err), &err, "get mhops");
    assert_int_equal(v, 7);

    w.tclass[0] = 0x28;
    w.hoplimit[0] = 7;
    lab_send(s1, &g, port, COUNT, 1, 0, NULL, NULL);
    drain_and_check(rx, &w, "socket options 0x28/7");
    lab_expect_src(w.tally, &w.src[0], COUNT, "socket options");
    lab_expect_total(w.tally, COUNT, "socket options");

    w.tclass[0] = 0xb8;
    w.hoplimit[0] = 3;
    lab_send(s1, &g, port, COUNT, 2, 0, &both, NULL);
    drain_and_check(rx, &w, "per-packet 0xb8/3");
    lab_expect_src(w.tally, &w.src[0], COUNT, "per-packet tclass+hops");
    lab_expect_total(w.tally, COUNT, "per-packet tclass+hops");

    w.tclass[0] = 0x28; /* the socket's, as nothing per packet says */
    w.hoplimit[0] = 5;
    lab_send(s1, &g, port, COUNT, 3, 0, &hops, NULL);
    drain_and_check(rx, &w, "per-packet hop limit 5, socket tclass");
    lab_expect_src(w.tally, &w.src[0], COUNT, "per-packet hops only");
    lab_expect_total(w.tally, COUNT, "per-packet hops only");
    close(rx);
    close(s1);
    free(w.tally);
}

/*
 * 7. The seed's example: the same datagram out of lab0 and lab1, each with
 * its own traffic class and hop limit, the interface chosen per packet
 * (IPV6_PKTINFO / IP_PKTINFO ifindex) in one mc_send_batch.  RX joined on
 * both: each interface gets exactly its packets, with its values.
 */
static void per_packet_iface(const struct fam *f)
{
    static uint8_t data[PAIRS][LAB_PAYLOAD_LEN];
    struct mc_txmsg msgs[2 * PAIRS];
    struct mc_addr g = tu_addr(f->group[1]);
    uint16_t port = f->port_base + 2;
    struct want w = {
        .dst = g, .nlinks = 2, .tclass = {0x20, 0xe0}, .hoplimit = {9, 1}};
    struct mc_cmsg cm[2];
    struct mc_err err;
    int s1, rx;

    w.tally = lab_tally_new();
    s1 = lab_sender(lab, "S1", f->family, 0);
    rx = lab_receiver(lab, "RX", f->family, port, RX_FLAGS);
    for (int l = 0; l < 2; l++) {
        char ifname[8];

        snprintf(ifname, sizeof ifname, "lab%d", l);
        w.rx_if[l] = lab_ifindex(lab, "RX", ifname);
        lab_host_addr("S1", f->family, l, &w.src[l]);
        memset(&cm[l], 0, sizeof cm[l]);
        cm[l].have = MC_CM_IFACE | MC_CM_TCLASS | MC_CM_HOPLIMIT;
        cm[l].ifindex = lab_ifindex(lab, "S1", ifname);
        cm[l].tclass = w.tclass[l];
        cm[l].hoplimit = w.hoplimit[l];
        lab_ok(mc_join_group(rx, w.rx_if[l], &g, &err), &err, "join");
    }
    for (unsigned i = 0; i < PAIRS; i++) {
        lab_payload_fill(data[i], 0, i);
        for (int l = 0; l < 2; l++) {
            struct mc_txmsg *m = &msgs[2 * i + (unsigned)l];

            memset(m, 0, sizeof *m);
            m->data = data[i];
            m->len = LAB_PAYLOAD_LEN;
            m->dst = g;
            m->port = port;
            m->cm = &cm[l];
        }
    }
    for (unsigned i = 0; i < 2 * PAIRS; i += 12) {
        lab_send_msgs(s1, msgs + i, 12);
        lab_sleep_us(1000);
    }
    drain_and_check(rx, &w, "per-packet interface");
    assert_int_equal(w.per_link[0], PAIRS);
    assert_int_equal(w.per_link[1], PAIRS);
    lab_expect_src(w.tally, &w.src[0], PAIRS, "S1 out of lab0");
    lab_expect_src(w.tally, &w.src[1], PAIRS, "S1 out of lab1");
    lab_expect_total(w.tally, 2 * PAIRS, "per-packet interface");
    close(rx);
    close(s1);
    free(w.tally);
}

LAB_BOTH_FAMILIES(tclass_hoplimit, &v6, &v4)
LAB_BOTH_FAMILIES(per_packet_iface, &v6, &v4)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tclass_hoplimit_v6),
        cmocka_unit_test(tclass_hoplimit_v4),
        cmocka_unit_test(per_packet_iface_v6),
        cmocka_unit_test(per_packet_iface_v4),
    };
    int rc;

    lab = lab_create(true);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
