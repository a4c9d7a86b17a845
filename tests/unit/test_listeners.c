/*
 * Unit tests: core/listeners.c without a monitor: hand-made IGMP messages
 * (v1/v2 reports and leaves, v3 reports with records, v2/v3 queries) are
 * decoded by core/wire_*.c and fed to the table as the wire check would.
 *
 * Covered: a v2 join, its leave; v3 include / exclude / allow / block and a
 * mode change, each with its event; include {} is a leave; the group's
 * first and last listener; aging with the default interval (260 s) and
 * with a querier's QRV/QQI/QRI; a group-specific query leaves the timers;
 * the caps on entries and sources; unknown record types ignored.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "mcscope/hdr.h"
#include "mcscope/listeners.h"
#include "testutil.h"

#define S_NS INT64_C(1000000000)

struct log {
    char text[64][300];
    enum mc_event_type type[64];
    size_t n;
};

static void on_event(void *arg, const struct mc_event *ev)
{
    struct log *lg = arg;

    if (lg->n == 64)
        return;
    lg->type[lg->n] = ev->type;
    mc_event_format(ev, lg->text[lg->n], sizeof lg->text[0], 0);
    lg->n++;
}

/* ---- messages ---- */

struct msg {
    uint8_t b[1600];
    size_t len;
    struct mc_wire_pkt p;
};

static void put_addr(uint8_t *at, const char *a)
{
    struct mc_addr x = tu_addr(a);

    memcpy(at, &x.u.v4, 4);
}

/* IGMP bytes m (len) from src to dst, decoded into out->p. */
static void igmp(struct msg *out, const char *src, const char *dst, uint8_t *m,
                 size_t len)
{
    static const uint8_t router_alert[4] = {0x94, 0x04, 0x00, 0x00};
    struct mc_ip4_hdr h;
    uint16_t ck;
    int n;

    ck = mc_inet_checksum(m, len);
    m[2] = (uint8_t)(ck >> 8);
    m[3] = (uint8_t)ck;
    memset(&h, 0, sizeof h);
    h.version = 4;
    h.ttl = 1;
    h.protocol = 2;
    h.src = tu_addr(src);
    h.dst = tu_addr(dst);
    memcpy(h.options, router_alert, sizeof router_alert);
    h.options_len = sizeof router_alert;
    h.len = 20 + h.options_len;
    h.total_len = (unsigned)(h.len + len);
    n = mc_ip4_hdr_marshal(&h, out->b, 60);
    assert_true(n >= 20);
    memcpy(out->b + n, m, len);
    out->len = (size_t)n + len;
    assert_int_equal(mc_wire_decode(MC_LINK_IPV4, out->b, out->len, &out->p),
                     MC_WIRE_OK);
}

static void v2(struct msg *out, const char *host, unsigned type,
               const char *group)
{
    uint8_t m[8] = {(uint8_t)type};

    put_addr(m + 4, group);
    igmp(out, host, type == 0x17 ? "224.0.0.2" : group, m, sizeof m);
}

/* An IGMPv3 report of one record: type, group, sources (NULL-ended). */
static void v3(struct msg *out, const char *host, unsigned rtype,
               const char *group, const char *const *srcs)
{
    uint8_t m[8 + 8 + 4 * 80] = {0x22};
    size_t n = 0;

    while (srcs != NULL && srcs[n] != NULL) {
        put_addr(m + 16 + 4 * n, srcs[n]);
        n++;
    }
    m[7] = 1;
    m[8] = (uint8_t)rtype;
    m[10] = (uint8_t)(n >> 8);
    m[11] = (uint8_t)n;
    put_addr(m + 12, group);
    igmp(out, host, "224.0.0.22", m, 16 + 4 * n);
}

/* An IGMPv3 query: group ("0.0.0.0": general), QRV, QQIC, max resp code. */
static void v3q(struct msg *out, const char *group, unsigned qrv, unsigned qqic,
                unsigned mrc)
{
    uint8_t m[12] = {0x11, (uint8_t)mrc};

    put_addr(m + 4, group);
    m[8] = (uint8_t)qrv;
    m[9] = (uint8_t)qqic;
    igmp(out, "10.0.0.1", "224.0.0.1", m, sizeof m);
}

static struct mc_listeners *table(struct log *lg, size_t max, size_t maxsrc)
{
    struct mc_listeners_opts o = {.max_entries = max,
                                  .max_sources = maxsrc,
                                  .event = on_event,
                                  .arg = lg};
    struct mc_listeners *l;

    memset(lg, 0, sizeof *lg);
    assert_int_equal(mc_listeners_new(&o, &l), 0);
    return l;
}

static void feed(struct mc_listeners *l, const struct msg *m, int64_t now)
{
    mc_listeners_feed(l, "lab0", &m->p.src, false, &m->p.msg, now);
}

static void expect_entry(const struct mc_listeners *l, size_t i,
                         const char *host, const char *group,
                         enum mc_listener_mode mode, const char *sources,
                         enum mc_wire_proto proto)
{
    struct mc_listener_view v;
    char buf[512];

    assert_int_equal(mc_listeners_get(l, i, &v), 0);
    tu_expect_addr(&v.host, host);
    tu_expect_addr(&v.group, group);
    assert_int_equal(v.mode, mode);
    assert_string_equal(mc_listener_sources_format(&v, buf, sizeof buf),
                        sources);
    assert_int_equal(v.proto, proto);
    assert_string_equal(v.ifname, "lab0");
}

static const char *const S1[] = {"10.0.0.1", NULL};
static const char *const S12[] = {"10.0.0.1", "10.0.0.2", NULL};
static const char *const S2[] = {"10.0.0.2", NULL};
static const char *const S3[] = {"10.0.0.3", NULL};

static void test_v2_join_leave(void **state)
{
    struct log lg;
    struct mc_listeners *l = table(&lg, 0, 0);
    struct msg m;

    (void)state;
    v2(&m, "10.9.0.5", 0x16, "239.1.2.3");
    feed(l, &m, 1 * S_NS);
    assert_int_equal(mc_listeners_count(l), 1);
    expect_entry(l, 0, "10.9.0.5", "239.1.2.3", MC_LISTENER_EXCLUDE, "{}",
                 MC_PROTO_IGMPV2);
    assert_int_equal(lg.n, 2);
    assert_int_equal(lg.type[0], MC_ET_LISTENER_JOIN);
    assert_string_equal(lg.text[0], "listener 10.9.0.5 on lab0 joined "
                                    "239.1.2.3: exclude {} (IGMPv2)");
    assert_int_equal(lg.type[1], MC_ET_LISTENER_FIRST);
    assert_string_equal(lg.text[1], "239.1.2.3 has its first listener on lab0");
    /* a second report only refreshes */
    feed(l, &m, 2 * S_NS);
    assert_int_equal(lg.n, 2);
    assert_int_equal(mc_listeners_next_ns(l), 2 * S_NS + 260 * S_NS);
    v2(&m, "10.9.0.5", 0x17, "239.1.2.3");
    feed(l, &m, 3 * S_NS);
    assert_int_equal(mc_listeners_count(l), 0);
    assert_int_equal(lg.n, 4);
    assert_string_equal(lg.text[2], "listener 10.9.0.5 on lab0 left 239.1.2.3");
    assert_int_equal(lg.type[3], MC_ET_LISTENER_LAST);
    assert_string_equal(lg.text[3], "239.1.2.3 lost its last listener on lab0");
    /* this host's own report: flagged own */
    v2(&m, "10.9.0.5", 0x16, "239.1.2.3");
    mc_listeners_feed(l, "lab0", &m.p.src, true, &m.p.msg, 4 * S_NS);
    {
        struct mc_listener_view v;

        assert_int_equal(mc_listeners_get(l, 0, &v), 0);
        assert_true(v.own);
    }
    mc_listeners_free(l);
}

static void test_v3_filters(void **state)
{
    struct log lg;
    struct mc_listeners *l = table(&lg, 0, 0);
    struct mc_listeners_counters c;
    struct msg m;

    (void)state;
    /* include {S1,S2} */
    v3(&m, "10.9.0.5", MC_REC_CHANGE_TO_INCLUDE, "232.1.1.1", S12);
    feed(l, &m, S_NS);
    expect_entry(l, 0, "10.9.0.5", "232.1.1.1", MC_LISTENER_INCLUDE,
                 "{10.0.0.1,10.0.0.2}", MC_PROTO_IGMPV3);
    assert_int_equal(lg.type[0], MC_ET_LISTENER_JOIN);
    /* block S1 -> include {S2} */
    v3(&m, "10.9.0.5", MC_REC_BLOCK_OLD_SOURCES, "232.1.1.1", S1);
    feed(l, &m, S_NS);
    expect_entry(l, 0, "10.9.0.5", "232.1.1.1", MC_LISTENER_INCLUDE,
                 "{10.0.0.2}", MC_PROTO_IGMPV3);
    assert_int_equal(lg.type[2], MC_ET_LISTENER_FILTER);
    assert_string_equal(lg.text[2],
                        "listener 10.9.0.5 on lab0 changed its filter of "
                        "232.1.1.1: include {10.0.0.2} (IGMPv3)");
    /* allow S3 -> include {S2,S3} */
    v3(&m, "10.9.0.5", MC_REC_ALLOW_NEW_SOURCES, "232.1.1.1", S3);
    feed(l, &m, S_NS);
    expect_entry(l, 0, "10.9.0.5", "232.1.1.1", MC_LISTENER_INCLUDE,
                 "{10.0.0.2,10.0.0.3}", MC_PROTO_IGMPV3);
    /* the same state again (a current-state report): no event */
    v3(&m, "10.9.0.5", MC_REC_MODE_IS_INCLUDE, "232.1.1.1",
       (const char *const[]){"10.0.0.3", "10.0.0.2", NULL});
    feed(l, &m, S_NS);
    assert_int_equal(lg.n, 4);
    /* to exclude {S1}, then allow S1 -> exclude {}, block S2 -> {S2} */
    v3(&m, "10.9.0.5", MC_REC_CHANGE_TO_EXCLUDE, "232.1.1.1", S1);
    feed(l, &m, S_NS);
    expect_entry(l, 0, "10.9.0.5", "232.1.1.1", MC_LISTENER_EXCLUDE,
                 "{10.0.0.1}", MC_PROTO_IGMPV3);
    assert_string_equal(lg.text[4],
                        "listener 10.9.0.5 on lab0 changed its filter of "
                        "232.1.1.1: exclude {10.0.0.1} (IGMPv3)");
    v3(&m, "10.9.0.5", MC_REC_ALLOW_NEW_SOURCES, "232.1.1.1", S1);
    feed(l, &m, S_NS);
    expect_entry(l, 0, "10.9.0.5", "232.1.1.1", MC_LISTENER_EXCLUDE, "{}",
                 MC_PROTO_IGMPV3);
    v3(&m, "10.9.0.5", MC_REC_BLOCK_OLD_SOURCES, "232.1.1.1", S2);
    feed(l, &m, S_NS);
    expect_entry(l, 0, "10.9.0.5", "232.1.1.1", MC_LISTENER_EXCLUDE,
                 "{10.0.0.2}", MC_PROTO_IGMPV3);
    /* an unknown record type is ignored */
    v3(&m, "10.9.0.5", 9, "232.1.1.1", S3);
    feed(l, &m, S_NS);
    expect_entry(l, 0, "10.9.0.5", "232.1.1.1", MC_LISTENER_EXCLUDE,
                 "{10.0.0.2}", MC_PROTO_IGMPV3);
    assert_int_equal(lg.n, 7);
    /* to include {}: the host left */
    v3(&m, "10.9.0.5", MC_REC_CHANGE_TO_INCLUDE, "232.1.1.1", NULL);
    feed(l, &m, S_NS);
    assert_int_equal(mc_listeners_count(l), 0);
    assert_int_equal(lg.type[7], MC_ET_LISTENER_LEAVE);
    assert_int_equal(lg.type[8], MC_ET_LISTENER_LAST);
    mc_listeners_counters(l, &c);
    assert_int_equal(c.reports, 9);
    mc_listeners_free(l);
}

static void test_block_to_empty_include_leaves(void **state)
{
    struct log lg;
    struct mc_listeners *l = table(&lg, 0, 0);
    struct msg m;

    (void)state;
    v3(&m, "10.9.0.5", MC_REC_ALLOW_NEW_SOURCES, "232.1.1.1", S1);
    feed(l, &m, S_NS);
    assert_int_equal(mc_listeners_count(l), 1);
    v3(&m, "10.9.0.5", MC_REC_BLOCK_OLD_SOURCES, "232.1.1.1", S1);
    feed(l, &m, S_NS);
    assert_int_equal(mc_listeners_count(l), 0);
    /* block with no state makes none */
    feed(l, &m, S_NS);
    assert_int_equal(mc_listeners_count(l), 0);
    assert_int_equal(lg.n, 4);
    mc_listeners_free(l);
}

static void test_first_last_two_hosts(void **state)
{
    struct log lg;
    struct mc_listeners *l = table(&lg, 0, 0);
    struct mc_addr g = tu_addr("239.1.1.1");
    struct msg m;

    (void)state;
    v2(&m, "10.9.0.5", 0x16, "239.1.1.1");
    feed(l, &m, S_NS);
    v2(&m, "10.9.0.6", 0x16, "239.1.1.1");
    feed(l, &m, S_NS);
    assert_int_equal(mc_listeners_hosts(l, "lab0", &g), 2);
    assert_int_equal(mc_listeners_hosts(l, "", &g), 2);
    assert_int_equal(mc_listeners_hosts(l, "lab1", &g), 0);
    /* join, first, join */
    assert_int_equal(lg.n, 3);
    assert_int_equal(lg.type[2], MC_ET_LISTENER_JOIN);
    v2(&m, "10.9.0.5", 0x17, "239.1.1.1");
    feed(l, &m, S_NS);
    assert_int_equal(lg.n, 4); /* a leave, not the last */
    expect_entry(l, 0, "10.9.0.6", "239.1.1.1", MC_LISTENER_EXCLUDE, "{}",
                 MC_PROTO_IGMPV2);
    v2(&m, "10.9.0.6", 0x17, "239.1.1.1");
    feed(l, &m, S_NS);
    assert_int_equal(lg.n, 6);
    assert_int_equal(lg.type[5], MC_ET_LISTENER_LAST);
    mc_listeners_free(l);
}

static void test_aging_defaults_and_querier(void **state)
{
    struct log lg;
    struct mc_listeners *l = table(&lg, 0, 0);
    struct mc_listeners_timers t;
    struct msg m;

    (void)state;
    mc_listeners_timers(l, "lab0", &t);
    assert_int_equal(t.qrv, 2);
    assert_int_equal(t.qqi_s, 125);
    assert_int_equal(t.qri_ms, 10000);
    assert_false(t.from_querier);
    v2(&m, "10.9.0.5", 0x16, "239.1.2.3");
    feed(l, &m, 0);
    mc_listeners_expire(l, 260 * S_NS - 1);
    assert_int_equal(mc_listeners_count(l), 1);
    mc_listeners_expire(l, 260 * S_NS);
    assert_int_equal(mc_listeners_count(l), 0);
    assert_string_equal(lg.text[2], "listener 10.9.0.5 on lab0 aged out of "
                                    "239.1.2.3 (no report within the "
                                    "interval)");
    /* a group-specific query does not set the timers */
    v3q(&m, "239.1.2.3", 3, 10, 10);
    feed(l, &m, 0);
    mc_listeners_timers(l, "lab0", &t);
    assert_false(t.from_querier);
    /* a general query with QRV 3, QQIC 10 s, max resp 2.0 s: 32 s */
    v3q(&m, "0.0.0.0", 3, 10, 20);
    feed(l, &m, 0);
    mc_listeners_timers(l, "lab0", &t);
    assert_true(t.from_querier);
    assert_int_equal(t.qrv, 3);
    assert_int_equal(t.qqi_s, 10);
    assert_int_equal(t.qri_ms, 2000);
    v2(&m, "10.9.0.5", 0x16, "239.1.2.3");
    feed(l, &m, 100 * S_NS);
    assert_int_equal(mc_listeners_next_ns(l), 132 * S_NS);
    mc_listeners_expire(l, 132 * S_NS - 1);
    assert_int_equal(mc_listeners_count(l), 1);
    mc_listeners_expire(l, 132 * S_NS);
    assert_int_equal(mc_listeners_count(l), 0);
    assert_int_equal(mc_listeners_next_ns(l), INT64_MAX);
    mc_listeners_free(l);
}

static void test_caps(void **state)
{
    struct log lg;
    struct mc_listeners *l = table(&lg, 3, 2);
    struct mc_listeners_counters c;
    struct msg m;
    char g[32];

    (void)state;
    for (unsigned i = 0; i < 100; i++) {
        snprintf(g, sizeof g, "239.0.%u.%u", i / 200, i % 200 + 1);
        v2(&m, "10.9.0.5", 0x16, g);
        feed(l, &m, S_NS);
    }
    assert_int_equal(mc_listeners_count(l), 3);
    mc_listeners_counters(l, &c);
    assert_int_equal(c.dropped, 97);
    mc_listeners_clear(l);
    assert_int_equal(mc_listeners_count(l), 0);
    v3(&m, "10.9.0.5", MC_REC_CHANGE_TO_INCLUDE, "232.1.1.1",
       (const char *const[]){"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4",
                             NULL});
    feed(l, &m, S_NS);
    expect_entry(l, 0, "10.9.0.5", "232.1.1.1", MC_LISTENER_INCLUDE,
                 "{10.0.0.1,10.0.0.2}", MC_PROTO_IGMPV3);
    mc_listeners_counters(l, &c);
    assert_int_equal(c.sources_cut, 2);
    mc_listeners_free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v2_join_leave),
        cmocka_unit_test(test_v3_filters),
        cmocka_unit_test(test_block_to_empty_include_leaves),
        cmocka_unit_test(test_first_last_two_hosts),
        cmocka_unit_test(test_aging_defaults_and_querier),
        cmocka_unit_test(test_caps),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
