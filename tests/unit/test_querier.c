/*
 * Unit tests: the querier timeline's arithmetic and facts (querier.h) —
 * MALI/GMI and the Other Querier Present Interval from the RFCs' values,
 * "no querier for N s", "a report was due and none left", the host's
 * groups' expiry, the ring's bound, and the kernel's counters read from
 * files laid out as /proc/net's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "mcscope/clock.h"
#include "mcscope/querier.h"
#include "testutil.h"

#define S(x) ((int64_t)(x)*MC_NS_PER_S)
#define MS(x) ((int64_t)(x)*MC_NS_PER_MS)

static void test_mali(void **state)
{
    (void)state;
    /* RFC 3810 §9.4 / RFC 3376 §8.4 with the defaults of §9.1-9.3:
     * 2 * 125 s + 10 s */
    assert_int_equal(mc_querier_mali_ns(2, 125, 10000), S(260));
    /* §9.5 / §8.5: 2 * 125 s + 10 s / 2 */
    assert_int_equal(mc_querier_oqpi_ns(2, 125, 10000), S(255));
    /* a querier's own values: 3 * 20 s + 0.5 s */
    assert_int_equal(mc_querier_mali_ns(3, 20, 500), MS(60500));
    assert_int_equal(mc_querier_oqpi_ns(3, 20, 500), MS(60250));
    assert_int_equal(mc_querier_mali_ns(MC_QUERIER_QRV_DEFAULT,
                                        MC_QUERIER_QQI_DEFAULT_S,
                                        MC_QUERIER_QRI_DEFAULT_MS),
                     S(260));
    assert_string_equal(mc_query_kind_name(MC_QUERY_GENERAL), "general");
    assert_string_equal(mc_query_kind_name(MC_QUERY_GROUP_SOURCE),
                        "group-source");
}

/* ---- messages as the decoder gives them ---- */

static struct mc_addr host6, group6;
static bool member_answer = true;

static bool member(void *arg, const char *ifname, int family,
                   const struct mc_addr *group)
{
    (void)arg;
    (void)ifname;
    (void)family;
    return member_answer && (group == NULL || mc_addr_equal(group, &group6));
}

static struct mc_wire_msg query(enum mc_wire_proto p, const char *group,
                                uint32_t max_ms, unsigned qrv, uint32_t qqi)
{
    struct mc_wire_msg m = {.proto = p,
                            .type = MC_MSG_QUERY,
                            .max_resp_ms = max_ms,
                            .qrv = qrv,
                            .qqi_s = qqi};

    m.group = tu_addr(group);
    return m;
}

/* An MLDv2 report of one record (type) for group6, no sources. */
static uint8_t rec_bytes[20];
static struct mc_wire_msg report(unsigned type)
{
    struct mc_wire_msg m = {.proto = MC_PROTO_MLDV2,
                            .type = MC_MSG_REPORT,
                            .nrecords = 1,
                            .list = rec_bytes};

    memset(rec_bytes, 0, sizeof rec_bytes);
    rec_bytes[0] = (uint8_t)type;
    memcpy(rec_bytes + 4, &group6.u.v6, 16);
    return m;
}

static struct mc_querier *make(size_t ring, const char *proc)
{
    struct mc_querier_opts o = {
        .ring = ring, .member = member, .proc_root = proc};
    struct mc_querier *q;

    assert_int_equal(mc_querier_new(&o, &q), 0);
    return q;
}

static const struct mc_querier_iface *
snap(struct mc_querier *q, struct mc_querier_snap *s, int64_t now)
{
    mc_querier_snap_free(s);
    assert_int_equal(mc_querier_snapshot(q, now, now + S(1000), s), 0);
    return mc_querier_snap_iface(s, "lab0", AF_INET6);
}

static void setup_addrs(void)
{
    host6 = tu_addr("fe80::1");
    group6 = tu_addr("ff15::123");
}

/* "no querier for N s": the last query's age against QRV * QQI + QRI / 2;
 * with none, the time watched against the QQI. */
static void test_no_querier(void **state)
{
    struct mc_querier *q = make(0, "/nonexistent");
    struct mc_querier_snap s = {0};
    const struct mc_querier_iface *i;
    struct mc_wire_msg m = query(MC_PROTO_MLDV2, "::", 1000, 2, 10);

    (void)state;
    setup_addrs();
    mc_querier_watch(q, "lab0", S(100), 0);
    i = snap(q, &s, S(100) + S(125));
    assert_false(i->seen);
    assert_int_equal(i->no_querier_ns, S(125));
    assert_false(i->querier_absent); /* not longer than the QQI */
    assert_false(i->from_querier);
    assert_int_equal(i->mali_ns, S(260));
    i = snap(q, &s, S(100) + S(125) + 1);
    assert_true(i->querier_absent);

    mc_querier_feed(q, "lab0", &host6, false, &m, S(300), S(1300));
    i = snap(q, &s, S(300) + MS(20500)); /* 2 * 10 s + 1 s / 2 */
    assert_true(i->seen);
    assert_true(i->from_querier);
    assert_int_equal(i->oqpi_ns, MS(20500));
    assert_int_equal(i->mali_ns, S(21));
    assert_int_equal(i->no_querier_ns, MS(20500));
    assert_false(i->querier_absent);
    tu_expect_addr(&i->querier, "fe80::1");
    assert_int_equal(i->version, MC_PROTO_MLDV2);
    assert_int_equal(i->last_query_real_ns, S(1300));
    i = snap(q, &s, S(300) + MS(20500) + 1);
    assert_true(i->querier_absent);
    /* the kernel could not be read: said so */
    assert_false(i->kernel.counted);
    assert_non_null(i->kernel.why);
    mc_querier_snap_free(&s);
    mc_querier_free(q);
}

/* A query about a membership the host holds: answered by a
 * current-state report within max resp; a state-change report is no
 * answer; none within max resp + grace: "a report was due". */
static void test_due(void **state)
{
    struct mc_querier *q = make(0, "/nonexistent");
    struct mc_querier_snap s = {0};
    const struct mc_querier_iface *i;
    struct mc_wire_msg g = query(MC_PROTO_MLDV2, "::", 1000, 2, 125);
    struct mc_wire_msg gs = query(MC_PROTO_MLDV2, "ff15::123", 1000, 2, 125);
    struct mc_wire_msg r;

    (void)state;
    setup_addrs();
    member_answer = true;
    mc_querier_feed(q, "lab0", &host6, false, &g, S(10), S(1010));
    r = report(MC_REC_CHANGE_TO_EXCLUDE); /* a join: no answer */
    mc_querier_feed(q, "lab0", &host6, true, &r, S(10) + MS(100), 1);
    r = report(MC_REC_MODE_IS_EXCLUDE);
    mc_querier_feed(q, "lab0", &host6, true, &r, S(10) + MS(300), 2);
    i = snap(q, &s, S(20));
    assert_int_equal(i->nqueries, 1);
    assert_true(i->q[0].expected);
    assert_int_equal(i->q[0].kind, MC_QUERY_GENERAL);
    assert_int_equal(i->q[0].nanswers, 1);
    assert_int_equal(i->q[0].answers[0].delay_ns, MS(300));
    assert_false(i->q[0].unanswered);
    assert_int_equal(i->own_reports, 2);

    /* a group query nobody answers */
    mc_querier_feed(q, "lab0", &host6, false, &gs, S(30), S(1030));
    i = snap(q, &s, S(30) + MS(2000)); /* max resp + grace: not yet */
    assert_int_equal(i->q[1].kind, MC_QUERY_GROUP);
    assert_false(i->q[1].unanswered);
    assert_int_equal(i->unanswered, 0);
    i = snap(q, &s, S(30) + MS(2000) + 1);
    assert_true(i->q[1].unanswered);
    assert_int_equal(i->unanswered, 1);
    assert_int_equal(i->last_unanswered_mono_ns, S(30));
    /* a report after the window answers nothing */
    mc_querier_feed(q, "lab0", &host6, true, &r, S(33), 3);
    i = snap(q, &s, S(34));
    assert_int_equal(i->q[1].nanswers, 0);

    /* not a member: not expected, never "due" */
    member_answer = false;
    mc_querier_feed(q, "lab0", &host6, false, &gs, S(40), S(1040));
    i = snap(q, &s, S(50));
    assert_false(i->q[2].expected);
    assert_false(i->q[2].unanswered);
    assert_int_equal(i->unanswered, 1);
    member_answer = true;
    mc_querier_snap_free(&s);
    mc_querier_free(q);
}

/* The host's group: its expiry on a snooping switch is the last report +
 * MALI (the querier's timers), and a TO_IN{} ends it. */
static void test_member(void **state)
{
    struct mc_querier *q = make(0, "/nonexistent");
    struct mc_querier_snap s = {0};
    const struct mc_querier_iface *i;
    const struct mc_querier_member *b;
    struct mc_wire_msg r = report(MC_REC_CHANGE_TO_EXCLUDE);
    struct mc_wire_msg g;

    (void)state;
    setup_addrs();
    mc_querier_feed(q, "lab0", &host6, true, &r, S(5), S(1005));
    i = snap(q, &s, S(6));
    b = mc_querier_iface_member(i, &group6);
    assert_non_null(b);
    assert_int_equal(b->expires_mono_ns, S(5) + S(260)); /* RFC defaults */
    assert_false(b->expired);
    i = snap(q, &s, S(5) + S(260) + 1);
    b = mc_querier_iface_member(i, &group6);
    assert_true(b->expired);
    /* a querier with a short interval: 2 * 10 s + 1 s */
    g = query(MC_PROTO_MLDV2, "::", 1000, 2, 10);
    mc_querier_feed(q, "lab0", &host6, false, &g, S(300), S(1300));
    r = report(MC_REC_MODE_IS_EXCLUDE);
    mc_querier_feed(q, "lab0", &host6, true, &r, S(300) + MS(400), 7);
    i = snap(q, &s, S(301));
    b = mc_querier_iface_member(i, &group6);
    assert_int_equal(b->expires_mono_ns, S(300) + MS(400) + S(21));
    assert_int_equal(b->last_report_real_ns, 7);
    assert_ptr_equal(mc_querier_iface_last_query(i, &group6), &i->q[0]);
    r = report(MC_REC_CHANGE_TO_INCLUDE);
    mc_querier_feed(q, "lab0", &host6, true, &r, S(302), 8);
    i = snap(q, &s, S(303));
    b = mc_querier_iface_member(i, &group6);
    assert_true(b->left);
    assert_false(b->expired);
    mc_querier_snap_free(&s);
    mc_querier_free(q);
}

static int nfacts;
static struct mc_querier_fact facts[8];

static void fact_cb(void *arg, const struct mc_querier_fact *f)
{
    (void)arg;
    if (nfacts < 8)
        facts[nfacts] = *f;
    nfacts++;
}

/* Facts become events once each: no querier past the OQPI, a group past
 * the MALI; a new query and a new report make them new again. */
static void test_facts(void **state)
{
    struct mc_querier *q = make(0, "/nonexistent");
    struct mc_wire_msg g = query(MC_PROTO_MLDV2, "::", 100, 1, 1);
    struct mc_wire_msg r = report(MC_REC_MODE_IS_EXCLUDE);

    (void)state;
    setup_addrs();
    nfacts = 0;
    mc_querier_feed(q, "lab0", &host6, false, &g, S(10), 0);
    mc_querier_feed(q, "lab0", &host6, true, &r, S(10) + MS(50), 0);
    mc_querier_facts(q, S(10) + MS(1050), fact_cb, NULL); /* OQPI 1.05 s */
    assert_int_equal(nfacts, 0);
    mc_querier_facts(q, S(10) + MS(1051), fact_cb, NULL);
    assert_int_equal(nfacts, 1);
    assert_int_equal(facts[0].kind, MC_QF_NO_QUERIER);
    assert_int_equal(facts[0].family, AF_INET6);
    assert_string_equal(facts[0].ifname, "lab0");
    assert_int_equal(facts[0].limit_ns, MS(1050));
    mc_querier_facts(q, S(10) + MS(1150), fact_cb, NULL); /* MALI 1.1 s */
    assert_int_equal(nfacts, 1);
    mc_querier_facts(q, S(10) + MS(1151), fact_cb, NULL);
    assert_int_equal(nfacts, 2);
    assert_int_equal(facts[1].kind, MC_QF_AGED_OUT);
    assert_true(mc_addr_equal(&facts[1].group, &group6));
    assert_int_equal(facts[1].age_ns, MS(1101));
    assert_int_equal(facts[1].limit_ns, MS(1100));
    mc_querier_facts(q, S(20), fact_cb, NULL); /* once */
    assert_int_equal(nfacts, 2);
    /* the querier comes back, the host answers: both true again later */
    mc_querier_feed(q, "lab0", &host6, false, &g, S(30), 0);
    mc_querier_feed(q, "lab0", &host6, true, &r, S(30) + MS(10), 0);
    mc_querier_facts(q, S(30) + MS(500), fact_cb, NULL);
    assert_int_equal(nfacts, 2);
    mc_querier_facts(q, S(40), fact_cb, NULL);
    assert_int_equal(nfacts, 4);
    mc_querier_free(q);
}

/* The ring keeps the newest queries. */
static void test_ring(void **state)
{
    struct mc_querier *q = make(4, "/nonexistent");
    struct mc_querier_snap s = {0};
    const struct mc_querier_iface *i;
    struct mc_wire_msg g = query(MC_PROTO_MLDV1, "::", 10000, 0, 0);

    (void)state;
    setup_addrs();
    for (int k = 0; k < 10; k++)
        mc_querier_feed(q, "lab0", &host6, false, &g, S(k + 1), 0);
    i = snap(q, &s, S(11));
    assert_int_equal(i->queries, 10);
    assert_int_equal(i->nqueries, 4);
    assert_int_equal(i->q[0].seq, 7);
    assert_int_equal(i->q[3].seq, 10);
    assert_int_equal(i->q[3].mono_ns, S(10));
    /* MLDv1 carries no QRV/QQI: the defaults stay, QRI is the query's */
    assert_int_equal(i->qrv, 2);
    assert_int_equal(i->qqi_s, 125);
    assert_int_equal(i->qri_ms, 10000);
    mc_querier_snap_free(&s);
    mc_querier_free(q);
}

/* ---- the kernel's counters, from files laid out as /proc/net ---- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void snmp6(const char *path, unsigned in_q, unsigned resp, unsigned red,
                  unsigned v2)
{
    char text[512];

    snprintf(text, sizeof text,
             "Icmp6InMsgs                     \t12\n"
             "Icmp6InGroupMembQueries         \t%u\n"
             "Icmp6OutGroupMembResponses      \t%u\n"
             "Icmp6OutGroupMembReductions     \t%u\n"
             "Icmp6InMLDv2Reports             \t99\n"
             "Icmp6OutMLDv2Reports            \t%u\n",
             in_q, resp, red, v2);
    write_file(path, text);
}

static void test_kernel(void **state)
{
    char root[] = "/tmp/mcscope-querier-XXXXXX", p[256];
    struct mc_querier *q;
    struct mc_querier_snap s = {0};
    const struct mc_querier_iface *i;
    struct mc_wire_msg g = query(MC_PROTO_MLDV2, "::", 1000, 2, 125);
    struct mc_wire_msg g4 = query(MC_PROTO_IGMPV2, "0.0.0.0", 1000, 0, 0);

    (void)state;
    setup_addrs();
    assert_non_null(mkdtemp(root));
    snprintf(p, sizeof p, "%s/net", root);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/net/dev_snmp6", root);
    assert_int_equal(mkdir(p, 0700), 0);
    snprintf(p, sizeof p, "%s/net/dev_snmp6/lab0", root);
    snmp6(p, 7, 1, 0, 20);
    snprintf(p, sizeof p, "%s/net/igmp", root);
    write_file(p, "Idx\tDevice    : Count Querier\tGroup    Users Timer\t"
                  "Reporter\n"
                  "1\tlo        :     1      V3\n"
                  "\t\t\t\t010000E0     1 0:00000000\t\t0\n"
                  "5\tlab0      :     2      V2\n"
                  "\t\t\t\t010000E0     1 0:00000000\t\t0\n");
    q = make(0, root);
    mc_querier_watch(q, "lab0", S(1), 0); /* the baseline: 7, 1, 0, 20 */
    mc_querier_feed(q, "lab0", &host6, false, &g, S(2), 0);
    mc_querier_feed(q, "lab0", &host6, false, &g, S(3), 0);
    mc_querier_feed(q, "lab0", &host6, false, &g4, S(3), 0);
    snprintf(p, sizeof p, "%s/net/dev_snmp6/lab0", root);
    snmp6(p, 8, 3, 1, 24); /* one of the two queries processed */
    mc_querier_read_kernel(q);
    i = snap(q, &s, S(4));
    assert_true(i->kernel.counted);
    assert_true(i->kernel.read_ok);
    assert_string_equal(i->kernel.file, "/proc/net/dev_snmp6/lab0");
    assert_int_equal(i->kernel.wire_queries, 2);
    assert_int_equal(i->kernel.in_queries, 1);
    assert_int_equal(i->kernel.not_processed, 1);
    assert_int_equal(i->kernel.out_responses, 2);
    assert_int_equal(i->kernel.out_reductions, 1);
    assert_int_equal(i->kernel.out_v2_reports, 4);
    i = mc_querier_snap_iface(&s, "lab0", AF_INET);
    assert_non_null(i);
    assert_false(i->kernel.counted);
    assert_non_null(strstr(i->kernel.why, "/proc/net/snmp"));
    assert_string_equal(i->kernel.igmp_version, "V2");
    assert_int_equal(i->version, MC_PROTO_IGMPV2);
    assert_int_equal(s.nifaces, 2);
    mc_querier_snap_free(&s);
    mc_querier_free(q);
    snprintf(p, sizeof p, "%s/net/dev_snmp6/lab0", root);
    unlink(p);
    snprintf(p, sizeof p, "%s/net/dev_snmp6", root);
    rmdir(p);
    snprintf(p, sizeof p, "%s/net/igmp", root);
    unlink(p);
    snprintf(p, sizeof p, "%s/net", root);
    rmdir(p);
    rmdir(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mali),   cmocka_unit_test(test_no_querier),
        cmocka_unit_test(test_due),    cmocka_unit_test(test_member),
        cmocka_unit_test(test_ring),   cmocka_unit_test(test_facts),
        cmocka_unit_test(test_kernel),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
