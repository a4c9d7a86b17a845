/* Unit tests: counters, rate windows, history rings and source tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "mcscope/stats.h"

#define S 1000000000LL
#define MS 1000000LL

static struct mc_addr addr6(const char *text)
{
    struct mc_addr a;

    memset(&a, 0, sizeof a);
    a.family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, text, &a.u.v6), 1);
    return a;
}

static struct mc_addr addr4(const char *text)
{
    struct mc_addr a;

    memset(&a, 0xcc, sizeof a); /* unused bytes must not matter */
    a.family = AF_INET;
    assert_int_equal(inet_pton(AF_INET, text, &a.u.v4), 1);
    return a;
}

/* A v6 source number i: fd42::<i>. */
static struct mc_addr src_n(uint32_t i)
{
    struct mc_addr a = addr6("fd42::");

    a.u.v6.s6_addr[12] = (uint8_t)(i >> 24);
    a.u.v6.s6_addr[13] = (uint8_t)(i >> 16);
    a.u.v6.s6_addr[14] = (uint8_t)(i >> 8);
    a.u.v6.s6_addr[15] = (uint8_t)i;
    return a;
}

static struct mc_cmsg cm_from(const struct mc_addr *src)
{
    struct mc_cmsg cm;

    memset(&cm, 0, sizeof cm);
    cm.src = *src;
    return cm;
}

static struct mc_rate_value rate(const struct mc_rate *r, int64_t now,
                                 unsigned w)
{
    struct mc_rate_value v;

    mc_rate_get(r, now, w, &v);
    return v;
}

static void assert_rate(const struct mc_rate *r, int64_t now, unsigned w,
                        double pps)
{
    struct mc_rate_value v = rate(r, now, w);

    assert_true(v.known);
    assert_true(v.pps == pps);
}

/* pps packets of bytes each, evenly spread over [from_s, to_s). */
static void add_steady(struct mc_rate *r, int64_t from_s, int64_t to_s,
                       unsigned pps, uint64_t bytes)
{
    for (int64_t t = from_s * S; t < to_s * S; t += S / pps)
        mc_rate_add(r, t, 1, bytes);
}

/* ---- rates ---- */

static void test_rate_unknown_before_data(void **state)
{
    struct mc_rate r;
    uint64_t h[60];

    (void)state;
    mc_rate_init(&r);
    assert_false(rate(&r, 0, 1).known);
    assert_false(rate(&r, 100 * S, 10).known);
    assert_false(rate(&r, 100 * S, 60).known);
    assert_int_equal(mc_rate_history(&r, 100 * S, h, 60), 0);
    for (int i = 0; i < 60; i++)
        assert_int_equal(h[i], 0);

    /* windows out of range are never known */
    add_steady(&r, 0, 5, 10, 1);
    assert_false(rate(&r, 5 * S, 0).known);
    assert_false(rate(&r, 5 * S, MC_RATE_MAX_WINDOW + 1).known);
    assert_true(rate(&r, 5 * S, MC_RATE_MAX_WINDOW).known);
}

static void test_rate_exact(void **state)
{
    struct mc_rate r;
    struct mc_rate_value v;

    (void)state;
    mc_rate_init(&r);
    add_steady(&r, 0, 10, 100, 64);  /* seconds 0..9: 100 pps */
    add_steady(&r, 10, 20, 200, 64); /* seconds 10..19: 200 pps */

    v = rate(&r, 20 * S, 1);
    assert_true(v.known);
    assert_true(v.pps == 200);
    assert_true(v.bps == 200 * 64 * 8);
    assert_int_equal(v.packets, 200);
    assert_int_equal(v.bytes, 200 * 64);
    assert_true(v.covered_s == 1);
    assert_rate(&r, 20 * S, 10, 200);
    /* 60 s window, 20 s measured */
    v = rate(&r, 20 * S + 999 * MS, 60);
    assert_true(v.pps == 150);
    assert_true(v.covered_s == 20);
    /* at 15.5 s the 10 s window holds seconds 5..14 */
    assert_rate(&r, 15 * S + 500 * MS, 10, 150);
    assert_rate(&r, 15 * S + 500 * MS, 1, 200);
    assert_rate(&r, 10 * S, 1, 100);
}

static void test_rate_warm_up(void **state)
{
    struct mc_rate r;
    struct mc_rate_value v;

    (void)state;
    /* first packet a quarter into second 0, then 100 pps */
    mc_rate_init(&r);
    for (int64_t t = 250 * MS; t < 5 * S; t += 10 * MS)
        mc_rate_add(&r, t, 1, 100);
    /* under a second measured: unknown, not a wild guess */
    assert_false(rate(&r, 999 * MS, 1).known);
    assert_false(rate(&r, S, 1).known);
    assert_false(rate(&r, S + 500 * MS, 10).known);
    /* from 2 s: 75 + 100 packets over the 1.75 s measured */
    v = rate(&r, 2 * S, 10);
    assert_true(v.known);
    assert_true(v.covered_s == 1.75);
    assert_int_equal(v.packets, 175);
    assert_true(v.pps == 100);
    assert_true(v.bps == 100 * 100 * 8);
    assert_rate(&r, 2 * S, 1, 100);
    assert_rate(&r, 5 * S, 60, 100); /* 475 over 4.75 s */
}

static void test_rate_stale(void **state)
{
    struct mc_rate r;

    (void)state;
    mc_rate_init(&r);
    add_steady(&r, 0, 20, 100, 10); /* then silence */
    assert_rate(&r, 20 * S, 1, 100);
    assert_rate(&r, 21 * S + 500 * MS, 1, 0); /* known, and 0 */
    assert_rate(&r, 25 * S, 10, 50);          /* seconds 15..24 */
    assert_rate(&r, 30 * S, 10, 0);
    assert_rate(&r, 30 * S, 60, 2000.0 / 30);
    assert_rate(&r, 80 * S, 60, 0);
    /* much later: old buckets are not mistaken for recent ones */
    assert_rate(&r, 64 * S * 10 + 5 * S, 60, 0);
    mc_rate_add(&r, 1000 * S, 1, 10);
    assert_rate(&r, 1001 * S, 1, 1);
    assert_rate(&r, 1001 * S, 60, 1.0 / 60);
}

static void test_rate_start_silent(void **state)
{
    struct mc_rate r;
    uint64_t h[10];

    (void)state;
    mc_rate_init(&r);
    mc_rate_start(&r, 3 * S);
    assert_false(rate(&r, 3 * S + 900 * MS, 1).known);
    assert_rate(&r, 4 * S, 1, 0);
    assert_rate(&r, 4 * S, 60, 0);
    assert_int_equal(mc_rate_history(&r, 6 * S, h, 10), 3);
    /* a second start does not move the start */
    mc_rate_start(&r, 50 * S);
    mc_rate_add(&r, 5 * S, 4, 4);
    assert_rate(&r, 6 * S, 10, 4.0 / 3);
}

static void test_rate_time_backwards(void **state)
{
    struct mc_rate r;

    (void)state;
    mc_rate_init(&r);
    mc_rate_add(&r, 5 * S + 10, 1, 1);
    mc_rate_add(&r, 4 * S, 1, 1); /* counted in second 5 */
    mc_rate_add(&r, -7, 1, 1);    /* likewise */
    assert_int_equal(rate(&r, 7 * S, 10).packets, 3);
}

static void test_history(void **state)
{
    struct mc_rate r;
    uint64_t h[MC_RATE_HISTORY + 10];

    (void)state;
    mc_rate_init(&r);
    /* second s gets s % 7 + 1 packets, for 200 s: the ring wraps thrice */
    for (int64_t s = 0; s < 200; s++)
        for (int64_t k = 0; k <= s % 7; k++)
            mc_rate_add(&r, s * S + k * MS, 1, 1);
    assert_int_equal(mc_rate_history(&r, 200 * S, h, 60), 60);
    for (int i = 0; i < 60; i++)
        assert_int_equal(h[i], (uint64_t)((140 + i) % 7 + 1));
    /* a shorter request ends at the same, newest second */
    assert_int_equal(mc_rate_history(&r, 200 * S + 400 * MS, h, 5), 5);
    for (int i = 0; i < 5; i++)
        assert_int_equal(h[i], (uint64_t)((195 + i) % 7 + 1));
    /* more than MC_RATE_HISTORY is capped */
    assert_int_equal(mc_rate_history(&r, 200 * S, h, 70), 60);
    /* after silence the newest seconds are 0 */
    assert_int_equal(mc_rate_history(&r, 203 * S, h, 60), 60);
    assert_int_equal(h[59], 0);
    assert_int_equal(h[58], 0);
    assert_int_equal(h[57], 0);
    assert_int_equal(h[56], (uint64_t)(199 % 7 + 1));

    /* early on: only the newest entries lie in measured time */
    mc_rate_init(&r);
    add_steady(&r, 10, 13, 5, 1);
    assert_int_equal(mc_rate_history(&r, 13 * S + 5, h, 60), 3);
    for (int i = 0; i < 57; i++)
        assert_int_equal(h[i], 0);
    for (int i = 57; i < 60; i++)
        assert_int_equal(h[i], 5);
    assert_int_equal(mc_rate_history(&r, 10 * S + 5, h, 60), 0);
}

/* ---- groups and sources ---- */

static void test_group_new(void **state)
{
    struct mc_group_stats *g;
    const struct mc_counters *c;

    (void)state;
    g = mc_group_stats_new(0);
    assert_non_null(g);
    assert_int_equal(mc_group_stats_max_sources(g), MC_STATS_DEFAULT_SOURCES);
    assert_int_equal(mc_group_stats_source_count(g), 0);
    assert_null(mc_group_stats_source(g, 0));
    c = mc_group_stats_counters(g);
    assert_int_equal(c->packets, 0);
    assert_false(rate(mc_group_stats_rate(g), 10 * S, 1).known);
    mc_group_stats_free(g);
    mc_group_stats_free(NULL);

    errno = 0;
    assert_null(mc_group_stats_new(MC_STATS_MAX_SOURCES + 1));
    assert_int_equal(errno, EINVAL);
    g = mc_group_stats_new(MC_STATS_MAX_SOURCES);
    assert_non_null(g);
    mc_group_stats_free(g);
}

static void test_group_counters(void **state)
{
    struct mc_group_stats *g = mc_group_stats_new(8);
    struct mc_addr s1 = addr6("fd42::1"), s2 = addr6("fd42::2");
    struct mc_addr grp = addr6("ff3e::1234");
    struct mc_cmsg cm = cm_from(&s1);
    const struct mc_counters *c, *c1, *c2;
    const struct mc_source_stats *src;
    struct mc_seq_stats sq;

    (void)state;
    cm.have = MC_CM_HOPLIMIT | MC_CM_TCLASS | MC_CM_DST | MC_CM_IFACE;
    cm.hoplimit = 7;
    cm.tclass = 0x28;
    cm.dst = grp;
    cm.ifindex = 3;
    assert_int_equal(mc_group_stats_rx(g, &cm, 64, NULL, 5 * S, 0),
                     MC_RX_NEW_SOURCE);
    assert_int_equal(mc_group_stats_rx(g, &cm, 64, NULL, 6 * S, 0), 0);
    c = mc_group_stats_counters(g);
    assert_int_equal(c->hoplimit, 7);
    assert_int_equal(c->tclass, 0x28);
    assert_int_equal(c->ifindex, 3);
    assert_true(c->have ==
                (MC_CM_HOPLIMIT | MC_CM_TCLASS | MC_CM_DST | MC_CM_IFACE));
    assert_memory_equal(&c->dst.u.v6, &grp.u.v6, 16);
    cm.trunc = true;
    cm.have = MC_CM_HOPLIMIT; /* the other fields are not known now */
    cm.hoplimit = 6;
    assert_int_equal(mc_group_stats_rx(g, &cm, 2000, NULL, 7 * S, 0), 0);
    cm = cm_from(&s2);
    assert_int_equal(mc_group_stats_rx(g, &cm, 100, NULL, 8 * S, 0),
                     MC_RX_NEW_SOURCE);

    c = mc_group_stats_counters(g);
    assert_int_equal(c->packets, 4);
    assert_int_equal(c->bytes, 64 + 64 + 2000 + 100);
    assert_int_equal(c->truncated, 1);
    assert_int_equal(c->probes, 0);
    assert_int_equal(c->first_ns, 5 * S);
    assert_int_equal(c->last_ns, 8 * S);
    assert_int_equal(c->wire_packets, 0);
    /* the group's last packet (s2's) carried no control data: nothing of
     * s1's packets is combined with it */
    assert_int_equal(c->have, 0);

    assert_int_equal(mc_group_stats_source_count(g), 2);
    src = mc_group_stats_source(g, 0); /* order of first appearance */
    assert_memory_equal(&mc_source_addr(src)->u.v6, &s1.u.v6, 16);
    assert_ptr_equal(mc_group_stats_lookup(g, &s1), src);
    c1 = mc_source_counters(src);
    assert_int_equal(c1->packets, 3);
    /* s1's last packet carried the hop limit only */
    assert_int_equal(c1->hoplimit, 6);
    assert_int_equal(c1->have, MC_CM_HOPLIMIT);
    assert_int_equal(c1->tclass, -1);
    assert_int_equal(c1->first_ns, 5 * S);
    assert_int_equal(c1->last_ns, 7 * S);
    c2 = mc_source_counters(mc_group_stats_source(g, 1));
    assert_int_equal(c2->packets, 1);
    assert_int_equal(c2->have, 0);
    assert_null(mc_group_stats_lookup(g, &grp));

    /* no probes: loss is unknown, not 0 */
    mc_source_seq(src, &sq);
    assert_false(sq.known);
    mc_group_stats_seq(g, &sq);
    assert_false(sq.known);
    assert_int_equal(mc_source_counters(mc_group_stats_other(g))->packets, 0);

    mc_group_stats_clear(g);
    assert_int_equal(mc_group_stats_source_count(g), 0);
    assert_int_equal(mc_group_stats_counters(g)->packets, 0);
    assert_null(mc_group_stats_lookup(g, &s1));
    assert_int_equal(mc_group_stats_rx(g, &cm, 1, NULL, 9 * S, 0),
                     MC_RX_NEW_SOURCE);
    mc_group_stats_free(g);
}

static void test_group_rates(void **state)
{
    struct mc_group_stats *g = mc_group_stats_new(0);
    struct mc_addr s1 = addr6("fd42::1"), s2 = addr6("fd42::2");
    struct mc_cmsg cm1 = cm_from(&s1), cm2 = cm_from(&s2);
    uint64_t h[60];

    (void)state;
    mc_group_stats_start(g, 0); /* joined at 0, traffic from 2 s */
    assert_rate(mc_group_stats_rate(g), 2 * S, 1, 0);
    for (int64_t t = 2 * S; t < 12 * S; t += 10 * MS) {
        mc_group_stats_rx(g, &cm1, 64, NULL, t, 0);
        if ((t / (10 * MS)) % 2 == 0)
            mc_group_stats_rx(g, &cm2, 128, NULL, t + MS, 0);
    }
    assert_rate(mc_group_stats_rate(g), 12 * S, 1, 150);
    assert_rate(mc_group_stats_rate(g), 12 * S, 10, 150);
    assert_rate(mc_group_stats_rate(g), 12 * S, 60, 125); /* 1500 / 12 s */
    assert_true(rate(mc_group_stats_rate(g), 12 * S, 1).bps ==
                (100 * 64 + 50 * 128) * 8);
    assert_rate(mc_source_rate(mc_group_stats_lookup(g, &s1)), 12 * S, 10, 100);
    /* s2 began at 2.001 s: its 10 s window divides by 9.999 s */
    assert_rate(mc_source_rate(mc_group_stats_lookup(g, &s2)), 12 * S, 1, 50);
    assert_true(rate(mc_source_rate(mc_group_stats_lookup(g, &s2)), 12 * S, 10)
                    .covered_s == 9.999);
    assert_int_equal(mc_rate_history(mc_group_stats_rate(g), 12 * S, h, 60),
                     12);
    assert_int_equal(h[47], 0);
    assert_int_equal(h[48], 0);
    assert_int_equal(h[49], 0);
    assert_int_equal(h[50], 150);
    assert_int_equal(h[59], 150);
    /* silence: 0 once the window has passed */
    assert_rate(mc_group_stats_rate(g), 13 * S, 1, 0);
    assert_rate(mc_group_stats_rate(g), 22 * S, 10, 0);
    mc_group_stats_free(g);
}

static void test_source_cap(void **state)
{
    struct mc_group_stats *g = mc_group_stats_new(4);
    const struct mc_source_stats *other;
    struct mc_seq_stats sq;

    (void)state;
    for (uint32_t round = 0; round < 3; round++) {
        for (uint32_t i = 0; i < 10; i++) {
            struct mc_addr a = src_n(i);
            struct mc_cmsg cm = cm_from(&a);
            struct mc_probe p = {.sender_id = i, .seq = round};
            int f = mc_group_stats_rx(g, &cm, 10, &p, (int64_t)round * S, 0);

            if (i < 4)
                assert_int_equal(f, round == 0 ? MC_RX_NEW_SOURCE : 0);
            else
                assert_int_equal(f, MC_RX_OTHER);
        }
    }
    assert_int_equal(mc_group_stats_source_count(g), 4);
    for (uint32_t i = 0; i < 10; i++) {
        struct mc_addr a = src_n(i);
        const struct mc_source_stats *s = mc_group_stats_lookup(g, &a);

        if (i < 4) {
            assert_non_null(s);
            assert_int_equal(mc_source_counters(s)->packets, 3);
        } else {
            assert_null(s);
        }
    }
    other = mc_group_stats_other(g);
    assert_int_equal(mc_source_addr(other)->family, 0);
    assert_int_equal(mc_source_counters(other)->packets, 18);
    assert_int_equal(mc_source_counters(other)->probes, 18);
    assert_int_equal(mc_source_counters(other)->bytes, 180);
    mc_source_seq(other, &sq); /* mixed senders: no sequence analysis */
    assert_false(sq.known);
    assert_rate(mc_source_rate(other), 3 * S, 10, 6);
    assert_int_equal(mc_group_stats_counters(g)->packets, 30);
    mc_group_stats_seq(g, &sq);
    assert_true(sq.known);
    assert_int_equal(sq.received, 12);
    assert_int_equal(sq.lost, 0);
    mc_group_stats_free(g);
}

static void test_source_storm(void **state)
{
    struct mc_group_stats *g = mc_group_stats_new(0);
    struct mc_addr a;
    struct mc_cmsg cm;
    unsigned news = 0, others = 0;

    (void)state;
    for (uint32_t i = 0; i < 200000; i++) {
        int f;

        a = src_n(i * 2654435761u);
        cm = cm_from(&a);
        f = mc_group_stats_rx(g, &cm, 1, NULL, i * 1000, 0);
        news += (f & MC_RX_NEW_SOURCE) != 0;
        others += (f & MC_RX_OTHER) != 0;
    }
    assert_int_equal(news, MC_STATS_DEFAULT_SOURCES);
    assert_int_equal(others, 200000 - MC_STATS_DEFAULT_SOURCES);
    assert_int_equal(mc_group_stats_source_count(g), 64);
    /* the first 64 can still be found and counted */
    a = src_n(5 * 2654435761u);
    cm = cm_from(&a);
    assert_int_equal(mc_group_stats_rx(g, &cm, 1, NULL, S, 0), 0);
    assert_int_equal(mc_source_counters(mc_group_stats_lookup(g, &a))->packets,
                     2);
    mc_group_stats_free(g);
}

static void test_source_families(void **state)
{
    struct mc_group_stats *g = mc_group_stats_new(0);
    struct mc_addr v4a = addr4("10.200.0.1"), v4b = addr4("10.200.0.1");
    struct mc_addr v6 = addr6("::"), none;
    struct mc_cmsg cm;

    (void)state;
    /* the same first four bytes in another family is another source */
    memcpy(&v6.u.v6, &v4a.u.v4, 4);
    memset(&v4b.u, 0x11, sizeof v4b.u);
    memcpy(&v4b.u.v4, &v4a.u.v4, 4); /* same address, other junk */
    cm = cm_from(&v4a);
    assert_int_equal(mc_group_stats_rx(g, &cm, 1, NULL, 0, 0),
                     MC_RX_NEW_SOURCE);
    cm = cm_from(&v6);
    assert_int_equal(mc_group_stats_rx(g, &cm, 1, NULL, 0, 0),
                     MC_RX_NEW_SOURCE);
    cm = cm_from(&v4b);
    assert_int_equal(mc_group_stats_rx(g, &cm, 1, NULL, 0, 0), 0);
    assert_int_equal(
        mc_source_counters(mc_group_stats_lookup(g, &v4a))->packets, 2);
    assert_int_equal(mc_group_stats_source_count(g), 2);
    /* no address at all: counted, under "other" */
    memset(&none, 0, sizeof none);
    cm = cm_from(&none);
    assert_int_equal(mc_group_stats_rx(g, &cm, 1, NULL, 0, 0), MC_RX_OTHER);
    assert_null(mc_group_stats_lookup(g, &none));
    assert_int_equal(mc_group_stats_counters(g)->packets, 4);
    mc_group_stats_free(g);
}

static void test_wire_only_source(void **state)
{
    struct mc_group_stats *g = mc_group_stats_new(0);
    struct mc_addr s1 = addr6("fd42::1"), s2 = addr6("fd42::2");
    struct mc_cmsg cm = cm_from(&s1);
    const struct mc_source_stats *x;
    const struct mc_counters *c;
    struct mc_seq_stats sq;

    (void)state;
    for (int64_t t = 0; t < 3 * S; t += 10 * MS) {
        /* the wire sees both, the socket only s1 (s2 is excluded) */
        assert_int_equal(mc_group_stats_wire(g, &s1, 64, t),
                         t == 0 ? MC_RX_NEW_SOURCE : 0);
        mc_group_stats_rx(g, &cm, 64, NULL, t + 1000, 0);
        assert_int_equal(mc_group_stats_wire(g, &s2, 64, t + 2000),
                         t == 0 ? MC_RX_NEW_SOURCE : 0);
    }
    c = mc_group_stats_counters(g);
    assert_int_equal(c->packets, 300);
    assert_int_equal(c->wire_packets, 600);
    assert_int_equal(c->wire_bytes, 600 * 64);
    assert_int_equal(c->wire_first_ns, 0);

    x = mc_group_stats_lookup(g, &s2);
    assert_non_null(x);
    c = mc_source_counters(x);
    assert_int_equal(c->packets, 0);
    assert_int_equal(c->bytes, 0);
    assert_int_equal(c->wire_packets, 300);
    assert_int_equal(c->wire_first_ns, 2000);
    assert_int_equal(c->wire_last_ns, 3 * S - 10 * MS + 2000);
    /* socket rate of a wire-only source: a true 0 once measured */
    assert_rate(mc_source_rate(x), 3 * S, 1, 0);
    mc_source_seq(x, &sq);
    assert_false(sq.known);

    c = mc_source_counters(mc_group_stats_lookup(g, &s1));
    assert_int_equal(c->packets, 300);
    assert_int_equal(c->wire_packets, 300);
    assert_rate(mc_source_rate(mc_group_stats_lookup(g, &s1)), 3 * S, 1, 100);
    mc_group_stats_free(g);
}

static void test_probes_through_group(void **state)
{
    struct mc_group_stats *g = mc_group_stats_new(0);
    struct mc_addr s1 = addr6("fd42::1"), s2 = addr6("fd42::2");
    struct mc_cmsg cm1 = cm_from(&s1), cm2 = cm_from(&s2);
    const int64_t real0 = 1700000000LL * S;
    struct mc_seq_stats sq;
    int f;

    (void)state;
    for (uint64_t i = 0; i < 1000; i++) {
        struct mc_probe p1 = {
            .sender_id = 11, .seq = i, .send_ns = real0 + (int64_t)i * MS};
        struct mc_probe p2 = {
            .sender_id = 22, .seq = i, .send_ns = real0 + (int64_t)i * MS};
        int64_t t = (int64_t)i * MS;

        if (i % 100 != 50)
            mc_group_stats_rx(g, &cm1, 64, &p1, t, p1.send_ns + 2 * MS);
        if (i % 250 != 99)
            mc_group_stats_rx(g, &cm2, 64, &p2, t, p2.send_ns + 4 * MS);
    }
    mc_source_seq(mc_group_stats_lookup(g, &s1), &sq);
    assert_int_equal(sq.lost, 10);
    assert_int_equal(sq.delay_avg_ns, 2 * MS);
    mc_source_seq(mc_group_stats_lookup(g, &s2), &sq);
    assert_int_equal(sq.lost, 4);
    mc_group_stats_seq(g, &sq);
    assert_true(sq.known);
    assert_int_equal(sq.lost, 14);
    assert_int_equal(sq.received, 2000 - 14);
    assert_int_equal(sq.delay_min_ns, 2 * MS);
    assert_int_equal(sq.delay_max_ns, 4 * MS);
    assert_true(sq.delay_avg_ns > 2 * MS && sq.delay_avg_ns < 4 * MS);
    assert_true(sq.jitter_known);
    assert_int_equal(sq.jitter_ns, 0);
    assert_int_equal(mc_group_stats_counters(g)->probes, 2000 - 14);

    /* a restarted sender is flagged */
    {
        struct mc_probe p = {.sender_id = 33, .seq = 0, .send_ns = real0};

        f = mc_group_stats_rx(g, &cm1, 64, &p, S, real0);
        assert_int_equal(f, MC_RX_RESTART);
    }
    mc_group_stats_free(g);
}

static void test_rx_real_ns(void **state)
{
    struct mc_cmsg cm;

    (void)state;
    memset(&cm, 0, sizeof cm);
    assert_int_equal(mc_stats_rx_real_ns(&cm, 42), 42);
    assert_int_equal(mc_stats_rx_real_ns(NULL, 43), 43);
    cm.have_time = true;
    cm.ts.tv_sec = 1700000000;
    cm.ts.tv_nsec = 123456789;
    assert_int_equal(mc_stats_rx_real_ns(&cm, 42),
                     1700000000LL * S + 123456789);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rate_unknown_before_data),
        cmocka_unit_test(test_rate_exact),
        cmocka_unit_test(test_rate_warm_up),
        cmocka_unit_test(test_rate_stale),
        cmocka_unit_test(test_rate_start_silent),
        cmocka_unit_test(test_rate_time_backwards),
        cmocka_unit_test(test_history),
        cmocka_unit_test(test_group_new),
        cmocka_unit_test(test_group_counters),
        cmocka_unit_test(test_group_rates),
        cmocka_unit_test(test_source_cap),
        cmocka_unit_test(test_source_storm),
        cmocka_unit_test(test_source_families),
        cmocka_unit_test(test_wire_only_source),
        cmocka_unit_test(test_probes_through_group),
        cmocka_unit_test(test_rx_real_ns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
