/*
 * Unit tests: core/diagnose.c, diagnose_link.c — the verdicts from fed
 * evidence: a healthy group is all ok (no fail, no warn), and for every
 * check the case that fails (or warns) names the evidence and the fix
 * while no other check fails; unknown says why.  And diagnose_fw.c's
 * reading of rules as nft and iptables-save print them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "../../core/diagnose_priv.h"

#define S(x) ((int64_t)((x)*1e9))

static struct mc_addr addr(const char *s)
{
    struct mc_addr a;

    assert_int_equal(mc_addr_parse(s, &a, NULL, 0, NULL), 0);
    return a;
}

/* A healthy group: joined during a capture, reported, queried, arriving. */
static void healthy(struct mc_diag_evidence *ev, int family)
{
    struct mc_diag_target t = {0};
    struct mc_diag_counter zero = {true, 7, 7};

    t.group = addr(family == AF_INET6 ? "ff15::1234" : "239.1.2.3");
    snprintf(t.ifname, sizeof t.ifname, "lab0");
    t.port = 5001;
    mc_diag_evidence_init(ev, &t);
    ev->now_ns = S(100);
    ev->since_ns = S(90);
    ev->iface_chosen_by = "";
    ev->if_exists = ev->if_up = ev->if_multicast = ev->if_has_addr = true;
    ev->ifindex = 2;
    ev->mem_read = ev->mem_held = true;
    ev->mem_users = 1;
    ev->mc_joined = true;
    ev->joined_ns = S(91);
    ev->wire_on = true;
    ev->wire_since_ns = S(90);
    ev->group_record = true;
    ev->wire_packets = ev->packets = ev->wire_top_packets = 180;
    ev->wire_top_src = addr(family == AF_INET6 ? "fd42::1" : "10.200.0.1");
    ev->first_ns = S(91);
    ev->last_ns = ev->wire_last_ns = S(99.95);
    ev->reports_out = 2;
    ev->report_proto = family == AF_INET6 ? MC_PROTO_MLDV2 : MC_PROTO_IGMPV3;
    ev->last_report_ns = S(91.1);
    ev->queries_in = 1;
    ev->query_proto = ev->report_proto;
    ev->querier = addr(family == AF_INET6 ? "fe80::1" : "10.200.0.254");
    ev->last_query_ns = S(95);
    ev->query_max_resp_ms = 10000;
    ev->force_all = ev->force_if = 0;
    if (family == AF_INET)
        ev->rp_all = ev->rp_if = 0;
    ev->route_read = ev->route_found = true;
    ev->route_to = ev->wire_top_src;
    snprintf(ev->route_oif, sizeof ev->route_oif, "lab0");
    ev->rcvbuf_errors = ev->csum_errors = ev->socket_drops = zero;
    ev->in_queries = (struct mc_diag_counter){family == AF_INET6, 3, 4};
    ev->out_reports = (struct mc_diag_counter){family == AF_INET6, 3, 6};
    ev->rpf_drops = zero;
    ev->fw.state = MC_DIAG_FW_READ;
    ev->fw.tool = "nft";
    ev->fw.nrules = 3;
    ev->hoplimit = 1;
    ev->apps_read = true;
}

static const struct mc_diag_result *judge(const struct mc_diag_evidence *ev,
                                          struct mc_diagnosis *d,
                                          enum mc_diag_id id)
{
    mc_diag_judge(ev, d);
    return &d->checks[id];
}

static void no_alarm(const struct mc_diagnosis *d)
{
    for (size_t i = 0; i < MC_DIAG_NCHECKS; i++)
        if (d->checks[i].status == MC_DIAG_FAIL ||
            d->checks[i].status == MC_DIAG_WARN)
            fail_msg("healthy: %s is %s: %s", mc_diag_id_name(i),
                     mc_diag_status_name(d->checks[i].status),
                     d->checks[i].evidence);
}

/* Check id answers want, its evidence and fix hold the words given, and
 * no other check fails (except the one named also, may be -1). */
static void expect_only(const struct mc_diag_evidence *ev, enum mc_diag_id id,
                        enum mc_diag_status want, const char *evidence,
                        const char *fix)
{
    struct mc_diagnosis d;
    const struct mc_diag_result *r = judge(ev, &d, id);

    if (r->status != want)
        fail_msg("%s: %s, want %s: %s", mc_diag_id_name(id),
                 mc_diag_status_name(r->status), mc_diag_status_name(want),
                 r->evidence);
    if (strstr(r->evidence, evidence) == NULL)
        fail_msg("%s: evidence '%s' lacks '%s'", mc_diag_id_name(id),
                 r->evidence, evidence);
    if (fix != NULL && strstr(r->fix, fix) == NULL)
        fail_msg("%s: fix '%s' lacks '%s'", mc_diag_id_name(id), r->fix, fix);
    for (size_t i = 0; i < MC_DIAG_NCHECKS; i++)
        if (i != id && d.checks[i].status == MC_DIAG_FAIL)
            fail_msg("%s fails too: %s", mc_diag_id_name(i),
                     d.checks[i].evidence);
    if (want == MC_DIAG_FAIL)
        assert_int_equal(d.verdict, MC_DIAG_FAIL);
}

/* Just check id's answer (others may fail with it). */
static void status_is(const struct mc_diag_evidence *ev, enum mc_diag_id id,
                      enum mc_diag_status want, const char *evidence)
{
    struct mc_diagnosis d;
    const struct mc_diag_result *r = judge(ev, &d, id);

    if (r->status != want || strstr(r->evidence, evidence) == NULL)
        fail_msg("%s: %s '%s', want %s '%s'", mc_diag_id_name(id),
                 mc_diag_status_name(r->status), r->evidence,
                 mc_diag_status_name(want), evidence);
}

static void test_table(void **state)
{
    size_t n;
    const struct mc_diag_check_info *t = mc_diag_checks(&n);
    static const char *const ids[] = {
        "iface",          "membership",      "reports_sent",
        "igmp_version",   "querier",         "reports_blocked",
        "wire",           "rp_filter",       "route",
        "firewall_input", "socket_overflow", "checksum",
        "hoplimit",       "multicast_all",   "stopped"};

    (void)state;
    assert_int_equal(n, MC_DIAG_NCHECKS);
    assert_int_equal(n, sizeof ids / sizeof ids[0]);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(t[i].id, i);
        assert_string_equal(t[i].name, ids[i]);
        assert_true(strlen(t[i].reads) > 10);
    }
    assert_string_equal(mc_diag_id_name(MC_DIAG_NCHECKS), "?");
    assert_string_equal(mc_diag_status_name(MC_DIAG_UNKNOWN), "unknown");
}

static void test_healthy(void **state)
{
    struct mc_diag_evidence ev;
    struct mc_diagnosis d;

    (void)state;
    healthy(&ev, AF_INET6);
    mc_diag_judge(&ev, &d);
    no_alarm(&d);
    assert_int_equal(d.verdict, MC_DIAG_OK);
    assert_int_equal(d.nunknown, 0);
    assert_non_null(strstr(d.checks[MC_DIAG_REPORTS_BLOCKED].evidence,
                           "Icmp6InGroupMembQueries +1"));
    healthy(&ev, AF_INET);
    mc_diag_judge(&ev, &d);
    no_alarm(&d);
    assert_non_null(strstr(d.checks[MC_DIAG_RP_FILTER].evidence,
                           "net.ipv4.conf.lab0.rp_filter=0"));
    /* no capture: the wire's checks say why they cannot tell */
    ev.wire_on = false;
    mc_diag_judge(&ev, &d);
    no_alarm(&d);
    assert_int_equal(d.checks[MC_DIAG_WIRE].status, MC_DIAG_UNKNOWN);
    assert_string_equal(d.checks[MC_DIAG_WIRE].evidence,
                        "wire cross-check off: pcap on dev lab0");
    assert_string_equal(d.checks[MC_DIAG_WIRE].fix, "pcap on dev lab0");
    /* the route back: the source the socket delivered most of */
    ev.wire_top_src.family = 0;
    ev.sock_top_src = addr("10.200.0.2");
    ev.route_to = ev.sock_top_src;
    mc_diag_judge(&ev, &d);
    assert_non_null(strstr(d.checks[MC_DIAG_ROUTE].evidence,
                           "ip route get 10.200.0.2: dev lab0"));
    assert_int_equal(d.checks[MC_DIAG_QUERIER].status, MC_DIAG_UNKNOWN);
    assert_int_equal(d.checks[MC_DIAG_REPORTS_SENT].status, MC_DIAG_UNKNOWN);
}

static void test_iface(void **state)
{
    struct mc_diag_evidence ev;

    (void)state;
    healthy(&ev, AF_INET6);
    expect_only(&ev, MC_DIAG_IFACE, MC_DIAG_OK, "lab0 (index 2) up", NULL);
    ev.if_up = false;
    expect_only(&ev, MC_DIAG_IFACE, MC_DIAG_FAIL, "lab0 (index 2) is down",
                "ip link set dev lab0 up");
    healthy(&ev, AF_INET6);
    ev.if_multicast = false;
    expect_only(&ev, MC_DIAG_IFACE, MC_DIAG_FAIL, "IFF_MULTICAST off",
                "ip link set dev lab0 multicast on");
    healthy(&ev, AF_INET);
    ev.if_has_addr = false;
    expect_only(&ev, MC_DIAG_IFACE, MC_DIAG_FAIL, "no IPv4 address",
                "ip addr add ADDRESS/PREFIX dev lab0");
}

static void test_membership(void **state)
{
    struct mc_diag_evidence ev;

    (void)state;
    healthy(&ev, AF_INET6);
    expect_only(&ev, MC_DIAG_MEMBERSHIP, MC_DIAG_OK,
                "/proc/net/igmp6: lab0 holds ff15::1234 (1 users)", NULL);
    ev.mem_held = false;
    expect_only(&ev, MC_DIAG_MEMBERSHIP, MC_DIAG_FAIL,
                "lab0 holds no membership of ff15::1234",
                "join ff15::1234 dev lab0 port 5001");
    /* SSM: held, but no socket includes the source */
    healthy(&ev, AF_INET6);
    ev.t.group = addr("ff3e::1234");
    ev.t.source = ev.wire_top_src;
    ev.wire_from_source = 180;
    ev.mem_src_read = true;
    expect_only(&ev, MC_DIAG_MEMBERSHIP, MC_DIAG_FAIL,
                "no socket includes the source fd42::1",
                "join-source ff3e::1234 fd42::1 dev lab0 port 5001");
    ev.mem_src_inc = 1;
    expect_only(&ev, MC_DIAG_MEMBERSHIP, MC_DIAG_OK,
                "fd42::1 included by 1 socket", NULL);
    /* any-source: no row for the source, and it is taken */
    healthy(&ev, AF_INET6);
    ev.t.source = addr("fd42::2");
    ev.wire_from_source = 10;
    ev.mem_src_read = true;
    expect_only(&ev, MC_DIAG_MEMBERSHIP, MC_DIAG_OK,
                "0 socket(s) exclude fd42::2, so an any-source membership "
                "takes it",
                NULL);
    ev.mem_src_exc = 1;
    expect_only(&ev, MC_DIAG_MEMBERSHIP, MC_DIAG_FAIL,
                "every socket holding ff15::1234 on lab0 (1) excludes fd42::2",
                "include-source ff15::1234 fd42::2 dev lab0 port 5001");
    ev.mem_users = 2; /* another socket takes it */
    expect_only(&ev, MC_DIAG_MEMBERSHIP, MC_DIAG_OK, "1 socket(s) exclude",
                NULL);
}

static void test_reports_sent(void **state)
{
    struct mc_diag_evidence ev;

    (void)state;
    healthy(&ev, AF_INET6);
    expect_only(&ev, MC_DIAG_REPORTS_SENT, MC_DIAG_OK,
                "2 report(s) of ff15::1234 left lab0, the last (mldv2)", NULL);
    ev.reports_out = 0;
    ev.queries_in = 0;
    expect_only(&ev, MC_DIAG_REPORTS_SENT, MC_DIAG_FAIL,
                "mcscope joined ff15::1234 9.0 s ago while the capture on "
                "lab0 ran, and no report of it left",
                "nft list ruleset");
    /* joined before the capture, no query since: nothing was due */
    ev.joined_ns = S(80);
    expect_only(&ev, MC_DIAG_REPORTS_SENT, MC_DIAG_UNKNOWN, "none was due",
                NULL);
}

static void test_igmp_version(void **state)
{
    struct mc_diag_evidence ev;

    (void)state;
    healthy(&ev, AF_INET6);
    expect_only(&ev, MC_DIAG_IGMP_VERSION, MC_DIAG_OK,
                "net.ipv6.conf.lab0.force_mld_version=0", NULL);
    ev.t.source = ev.wire_top_src;
    ev.wire_from_source = 180;
    ev.mem_src_read = true;
    ev.mem_src_inc = 1; /* a source-specific join */
    ev.force_if = 1;
    expect_only(&ev, MC_DIAG_IGMP_VERSION, MC_DIAG_FAIL,
                "net.ipv6.conf.lab0.force_mld_version=1: MLDv1 forced, "
                "which cannot carry a source",
                "sysctl -w net.ipv6.conf.all.force_mld_version=0 "
                "net.ipv6.conf.lab0.force_mld_version=0");
    /* ASM under MLDv1 works, a source named or not */
    ev.mem_src_inc = 0;
    expect_only(&ev, MC_DIAG_IGMP_VERSION, MC_DIAG_OK,
                "enough for an any-source join", NULL);
    ev.t.source.family = 0;
    expect_only(&ev, MC_DIAG_IGMP_VERSION, MC_DIAG_OK,
                "enough for an any-source join", NULL);
    /* an IGMPv2 querier imposes v2 on an SSM join */
    healthy(&ev, AF_INET);
    ev.t.group = addr("232.1.1.1");
    ev.query_proto = MC_PROTO_IGMPV2;
    expect_only(&ev, MC_DIAG_IGMP_VERSION, MC_DIAG_FAIL,
                "the querier 10.200.0.254 sends igmpv2 queries", NULL);
    healthy(&ev, AF_INET);
    ev.force_all = -1;
    expect_only(&ev, MC_DIAG_IGMP_VERSION, MC_DIAG_UNKNOWN,
                "net.ipv4.conf.all.force_igmp_version could not be read", NULL);
}

static void test_querier(void **state)
{
    struct mc_diag_evidence ev;

    (void)state;
    healthy(&ev, AF_INET6);
    expect_only(&ev, MC_DIAG_QUERIER, MC_DIAG_OK,
                "querier fe80::1 (mldv2): 1 query(ies), the last 5.0 s ago",
                NULL);
    ev.queries_in = 0;
    expect_only(&ev, MC_DIAG_QUERIER, MC_DIAG_UNKNOWN,
                "no query on lab0 yet in 10 s of capture", NULL);
    ev.wire_since_ns = S(-200);
    expect_only(&ev, MC_DIAG_QUERIER, MC_DIAG_WARN,
                "no query on lab0 in 300 s of capture: no querier",
                "mcast_querier 1");
    healthy(&ev, AF_INET6);
    ev.wire_since_ns = S(-200);
    ev.last_query_ns = S(-100);
    expect_only(&ev, MC_DIAG_QUERIER, MC_DIAG_WARN,
                "came 200 s ago, more than the query interval 125 s",
                "mcast_querier 1");
    /* the querier timeline's facts (querier.h) */
    healthy(&ev, AF_INET6);
    ev.timeline = true;
    expect_only(&ev, MC_DIAG_QUERIER, MC_DIAG_OK, "querier fe80::1", NULL);
    ev.querier_absent = true;
    ev.no_querier_ns = S(300);
    ev.oqpi_ns = S(255);
    ev.mali_ns = S(260);
    expect_only(&ev, MC_DIAG_QUERIER, MC_DIAG_WARN,
                "no query on lab0 for 300 s, longer than the other-querier "
                "interval 255 s",
                "mcast_querier 1");
}

static void test_reports_blocked(void **state)
{
    struct mc_diag_evidence ev;

    (void)state;
    healthy(&ev, AF_INET6);
    expect_only(
        &ev, MC_DIAG_REPORTS_BLOCKED, MC_DIAG_OK,
        "nft: no output rule drops MLD/IGMP (3 rule(s) of the family read)",
        NULL);
    ev.fw.out_drop = true;
    snprintf(ev.fw.out_rule, sizeof ev.fw.out_rule,
             "icmpv6 type mld2-listener-report drop");
    snprintf(ev.fw.out_fix, sizeof ev.fw.out_fix,
             "nft delete rule inet t out handle 2");
    ev.reports_out = 0;
    ev.out_reports.now = ev.out_reports.base;
    expect_only(&ev, MC_DIAG_REPORTS_BLOCKED, MC_DIAG_FAIL,
                "nft: \"icmpv6 type mld2-listener-report drop\" drops the "
                "host's MLD reports",
                "nft delete rule inet t out handle 2");
    /* the symptom points at the cause */
    status_is(&ev, MC_DIAG_REPORTS_SENT, MC_DIAG_WARN,
              "reports_blocked says why");
    /* an input rule that drops the queries */
    healthy(&ev, AF_INET6);
    ev.fw.query_drop = true;
    snprintf(ev.fw.query_rule, sizeof ev.fw.query_rule,
             "icmpv6 type mld-listener-query drop");
    snprintf(ev.fw.query_fix, sizeof ev.fw.query_fix,
             "nft delete rule inet t in handle 7");
    expect_only(&ev, MC_DIAG_REPORTS_BLOCKED, MC_DIAG_FAIL,
                "nft: \"icmpv6 type mld-listener-query drop\" drops the MLD "
                "queries on input, so the host never answers them",
                "nft delete rule inet t in handle 7");
    /* without the rules: the wire shows a query left unanswered */
    healthy(&ev, AF_INET6);
    ev.fw.state = MC_DIAG_FW_NOPERM;
    expect_only(&ev, MC_DIAG_REPORTS_BLOCKED, MC_DIAG_UNKNOWN,
                "needs CAP_NET_ADMIN", NULL);
    ev.reports_out = 0;
    ev.report_due_missing = true;
    ev.due_query_ns = S(95);
    ev.in_queries.now = ev.in_queries.base;
    expect_only(&ev, MC_DIAG_REPORTS_BLOCKED, MC_DIAG_FAIL,
                "the stack processed none, so an input rule drops the "
                "queries",
                NULL);
}

static void test_wire(void **state)
{
    struct mc_diag_evidence ev;

    (void)state;
    healthy(&ev, AF_INET6);
    expect_only(&ev, MC_DIAG_WIRE, MC_DIAG_OK,
                "180 packet(s) to ff15::1234 port 5001 on the wire", NULL);
    ev.wire_packets = ev.wire_top_packets = ev.packets = 0;
    ev.last_ns = ev.wire_last_ns = 0;
    ev.hoplimit = -1;
    expect_only(&ev, MC_DIAG_WIRE, MC_DIAG_FAIL,
                "no packet to ff15::1234 port 5001 on lab0 in 10.0 s", NULL);
    /* SSM: the source asked for is not the one sending */
    healthy(&ev, AF_INET6);
    ev.t.source = addr("fd42::9");
    expect_only(&ev, MC_DIAG_WIRE, MC_DIAG_FAIL,
                "fd42::9 sent nothing to ff15::1234 port 5001; fd42::1 sent "
                "180",
                "join-source ff15::1234 fd42::1 dev lab0 port 5001");
    healthy(&ev, AF_INET6);
    ev.group_record = false;
    expect_only(&ev, MC_DIAG_WIRE, MC_DIAG_UNKNOWN,
                "it did not join ff15::1234 port 5001 on lab0", "bind wire");
}

static void test_rp_filter(void **state)
{
    struct mc_diag_evidence ev;

    (void)state;
    healthy(&ev, AF_INET6);
    expect_only(&ev, MC_DIAG_RP_FILTER, MC_DIAG_OK, "IPv6: the kernel has no",
                NULL);
    healthy(&ev, AF_INET);
    ev.rp_if = 1;
    expect_only(&ev, MC_DIAG_RP_FILTER, MC_DIAG_OK,
                "(strict): the route back to 10.200.0.1 leaves by lab0", NULL);
    snprintf(ev.route_oif, sizeof ev.route_oif, "rpx0");
    ev.rpf_drops.now = ev.rpf_drops.base + 100;
    expect_only(&ev, MC_DIAG_RP_FILTER, MC_DIAG_FAIL,
                "net.ipv4.conf.all.rp_filter=0, net.ipv4.conf.lab0.rp_filter=1 "
                "(strict): the route back to 10.200.0.1 leaves by rpx0, not "
                "lab0: the kernel drops its packets; IPReversePathFilter +100",
                "sysctl -w net.ipv4.conf.all.rp_filter=2 "
                "net.ipv4.conf.lab0.rp_filter=2");
    ev.rp_if = 2;
    ev.rpf_drops.now = ev.rpf_drops.base;
    expect_only(&ev, MC_DIAG_RP_FILTER, MC_DIAG_OK,
                "(loose): a route back to 10.200.0.1 exists", NULL);
    ev.route_found = false;
    expect_only(&ev, MC_DIAG_RP_FILTER, MC_DIAG_FAIL,
                "(loose): no route back to 10.200.0.1 at all",
                "ip route add 10.200.0.1 dev lab0");
}

static void test_route(void **state)
{
    struct mc_diag_evidence ev;

    (void)state;
    healthy(&ev, AF_INET6);
    expect_only(&ev, MC_DIAG_ROUTE, MC_DIAG_OK,
                "ip route get fd42::1: dev lab0", NULL);
    snprintf(ev.route_oif, sizeof ev.route_oif, "lab1");
    expect_only(&ev, MC_DIAG_ROUTE, MC_DIAG_WARN,
                "dev lab1, but the stream is asked on lab0",
                "ip -6 route add fd42::1 dev lab0");
    ev.wire_top_src.family = 0;
    expect_only(&ev, MC_DIAG_ROUTE, MC_DIAG_UNKNOWN, "no source named", NULL);
    /* the wrong interface: not held where asked, and a join without an
     * interface lands on another one */
    healthy(&ev, AF_INET6);
    ev.groute_found = true;
    snprintf(ev.groute_oif, sizeof ev.groute_oif, "lab0");
    ev.mc_forwarding = 1;
    expect_only(&ev, MC_DIAG_ROUTE, MC_DIAG_OK,
                "ip route get fd42::1: dev lab0; ip route get ff15::1234: dev "
                "lab0; net.ipv6.conf.lab0.mc_forwarding=1",
                NULL);
    snprintf(ev.groute_oif, sizeof ev.groute_oif, "lab1");
    ev.mem_held = false;
    status_is(&ev, MC_DIAG_ROUTE, MC_DIAG_WARN,
              "ip route get ff15::1234: dev lab1: a join without an interface "
              "lands on lab1, not lab0");
}

static void test_firewall_input(void **state)
{
    struct mc_diag_evidence ev;

    (void)state;
    healthy(&ev, AF_INET6);
    expect_only(&ev, MC_DIAG_FIREWALL_INPUT, MC_DIAG_OK,
                "nft: no input rule drops UDP to port 5001", NULL);
    ev.fw.in_drop = true;
    snprintf(ev.fw.in_rule, sizeof ev.fw.in_rule, "udp dport 5001 drop");
    snprintf(ev.fw.in_fix, sizeof ev.fw.in_fix,
             "nft delete rule inet t in handle 4");
    expect_only(&ev, MC_DIAG_FIREWALL_INPUT, MC_DIAG_FAIL,
                "nft: \"udp dport 5001 drop\" drops UDP to port 5001",
                "nft delete rule inet t in handle 4");
    ev.fw.age_ns = S(12);
    expect_only(&ev, MC_DIAG_FIREWALL_INPUT, MC_DIAG_FAIL,
                "as listed at the start, 12 s ago", NULL);
    ev.fw.state = MC_DIAG_FW_NOPERM;
    expect_only(&ev, MC_DIAG_FIREWALL_INPUT, MC_DIAG_UNKNOWN,
                "needs CAP_NET_ADMIN", NULL);
    ev.fw.state = MC_DIAG_FW_NOTOOL;
    expect_only(&ev, MC_DIAG_FIREWALL_INPUT, MC_DIAG_UNKNOWN,
                "neither nft nor iptables-save", NULL);
}

static void test_counters(void **state)
{
    struct mc_diag_evidence ev;

    (void)state;
    healthy(&ev, AF_INET6);
    expect_only(&ev, MC_DIAG_SOCKET_OVERFLOW, MC_DIAG_OK,
                "Udp6RcvbufErrors +0 in 10.0 s", NULL);
    ev.rcvbuf_errors.now += 120;
    ev.socket_drops.now += 118;
    expect_only(&ev, MC_DIAG_SOCKET_OVERFLOW, MC_DIAG_FAIL,
                "Udp6RcvbufErrors +120 in 10.0 s (/proc/net/snmp6); mcscope's "
                "socket dropped 118 (SO_RXQ_OVFL)",
                "net.core.rmem_max");
    healthy(&ev, AF_INET);
    expect_only(&ev, MC_DIAG_CHECKSUM, MC_DIAG_OK, "Udp InCsumErrors +0", NULL);
    ev.csum_errors.now += 3;
    expect_only(&ev, MC_DIAG_CHECKSUM, MC_DIAG_FAIL,
                "Udp InCsumErrors +3 in 10.0 s (/proc/net/snmp)",
                "tcpdump -ni lab0 -vv udp port 5001");
    ev.csum_errors.read = false;
    expect_only(&ev, MC_DIAG_CHECKSUM, MC_DIAG_UNKNOWN,
                "/proc/net/snmp could not be read", NULL);
}

static void test_hoplimit(void **state)
{
    struct mc_diag_evidence ev;

    (void)state;
    healthy(&ev, AF_INET6);
    expect_only(&ev, MC_DIAG_HOPLIMIT, MC_DIAG_OK,
                "hop limit 1 (the sender is on this link", NULL);
    snprintf(ev.route_via, sizeof ev.route_via, "fd42::fe");
    expect_only(&ev, MC_DIAG_HOPLIMIT, MC_DIAG_WARN,
                "hop limit 1 from fd42::1 behind the router fd42::fe",
                "set mcast-hoplimit 8");
    /* nothing arrives from a source behind a router */
    ev.t.source = ev.wire_top_src;
    ev.wire_from_source = 0;
    ev.hoplimit = -1;
    ev.packets = ev.wire_packets = ev.wire_top_packets = 0;
    ev.last_ns = ev.wire_last_ns = 0;
    status_is(&ev, MC_DIAG_HOPLIMIT, MC_DIAG_WARN,
              "and 1 does not cross a router");
    healthy(&ev, AF_INET6);
    ev.hoplimit = -1;
    expect_only(&ev, MC_DIAG_HOPLIMIT, MC_DIAG_UNKNOWN, "cmsg hoplimit is off",
                "cmsg hoplimit on");
}

static void test_multicast_all(void **state)
{
    struct mc_diag_evidence ev;

    (void)state;
    healthy(&ev, AF_INET);
    expect_only(&ev, MC_DIAG_MULTICAST_ALL, MC_DIAG_OK,
                "no other socket bound to the wildcard on port 5001", NULL);
    ev.wild_pid = 4321;
    snprintf(ev.wild_comm, sizeof ev.wild_comm, "socat");
    /* the application's own socket, alone with its group: nothing extra */
    expect_only(&ev, MC_DIAG_MULTICAST_ALL, MC_DIAG_OK,
                "the host holds no other group", NULL);
    ev.other_groups = 2;
    ev.other_group = addr("239.9.9.9");
    expect_only(&ev, MC_DIAG_MULTICAST_ALL, MC_DIAG_WARN,
                "pid 4321 (socat) holds a socket bound to the wildcard on "
                "port 5001: with MULTICAST_ALL on (Linux's default) it "
                "receives every group held on this host on that port, "
                "groups it never joined included; the host holds 2 other "
                "group(s) (239.9.9.9, ...)",
                "IP_MULTICAST_ALL");
    healthy(&ev, AF_INET);
    ev.mc_multicast_all = true;
    ev.unattributed = 40;
    expect_only(&ev, MC_DIAG_MULTICAST_ALL, MC_DIAG_WARN,
                "received 40 datagrams for groups it did not join",
                "set multicast-all off");
}

static void test_stopped(void **state)
{
    struct mc_diag_evidence ev;

    (void)state;
    healthy(&ev, AF_INET6);
    expect_only(&ev, MC_DIAG_STOPPED, MC_DIAG_OK,
                "arriving: the last packet 0.05 s ago", NULL);
    ev.last_ns = ev.wire_last_ns = S(70);
    ev.first_ns = S(10);
    ev.now_ns = S(400);
    ev.since_ns = S(0);
    ev.wire_since_ns = ev.joined_ns = S(0);
    ev.last_query_ns = S(5);
    ev.last_report_ns = S(1);
    expect_only(&ev, MC_DIAG_STOPPED, MC_DIAG_FAIL,
                "the stream stopped 330.0 s ago after 180 packet(s); the "
                "last query 395.0 s ago, the last report 399.0 s ago",
                NULL);
    ev.queries_in = 0;
    ev.last_report_ns = S(60); /* reported 10 s before it stopped */
    expect_only(&ev, MC_DIAG_STOPPED, MC_DIAG_FAIL,
                "no query seen, the last report 340.0 s ago: no querier on "
                "the link, so nothing refreshes the membership",
                "mcast_querier 1");
    /* the monitor's stop, lined up with the membership's expiry */
    ev.stop_known = ev.stopped = ev.member_known = true;
    ev.member_expires_ns = S(68);
    ev.mali_ns = S(260);
    expect_only(&ev, MC_DIAG_STOPPED, MC_DIAG_FAIL,
                "it stopped 2.0 s after a snooping switch's membership of "
                "this host expired (the last report + MALI 260 s)",
                NULL);
    ev.stopped = false;
    expect_only(&ev, MC_DIAG_STOPPED, MC_DIAG_OK, "arriving", NULL);
    healthy(&ev, AF_INET6);
    ev.packets = ev.wire_packets = 0;
    ev.last_ns = ev.wire_last_ns = 0;
    status_is(&ev, MC_DIAG_STOPPED, MC_DIAG_UNKNOWN, "no packet was delivered");
}

static void test_order(void **state)
{
    struct mc_diag_evidence ev;
    struct mc_diagnosis d;
    size_t idx[MC_DIAG_NCHECKS];
    char buf[128];

    (void)state;
    healthy(&ev, AF_INET6);
    ev.if_up = false;
    ev.wild_pid = 9;
    ev.other_groups = 1;
    ev.fw.state = MC_DIAG_FW_NOPERM;
    mc_diag_judge(&ev, &d);
    mc_diag_order(&d, idx);
    assert_int_equal(idx[0], MC_DIAG_IFACE);
    assert_int_equal(idx[1], MC_DIAG_MULTICAST_ALL);
    assert_int_equal(d.checks[idx[2]].status, MC_DIAG_UNKNOWN);
    assert_int_equal(d.checks[idx[MC_DIAG_NCHECKS - 1]].status, MC_DIAG_OK);
    assert_int_equal(d.nfail, 1);
    assert_int_equal(d.nwarn, 1);
    assert_int_equal(d.verdict, MC_DIAG_FAIL);
    ev.t.source = addr("fd42::1");
    assert_string_equal(mc_diag_target_format(&ev.t, buf, sizeof buf),
                        "ff15::1234 from fd42::1 dev lab0 port 5001");
}

/* ---- the firewall's rules as the tools print them ---- */

static const char nft_text[] =
    "table inet mcf { # handle 1\n"
    "\tchain out { # handle 1\n"
    "\t\ttype filter hook output priority filter; policy accept;\n"
    "\t\ticmpv6 type mld2-listener-report drop # handle 2\n"
    "\t}\n"
    "\tchain in { # handle 3\n"
    "\t\ttype filter hook input priority filter; policy accept;\n"
    "\t\tiifname \"lab1\" udp dport 5001 drop # handle 4\n"
    "\t\ticmpv6 type mld-listener-query drop # handle 7\n"
    "\t\tudp dport != 5001 drop # handle 5\n"
    "\t\tudp dport { 4000, 5000-5010 } counter packets 3 bytes 9 drop "
    "# handle 6\n"
    "\t}\n"
    "}\n"
    "table ip v4only { # handle 2\n"
    "\tchain out { # handle 1\n"
    "\t\ttype filter hook output priority filter; policy accept;\n"
    "\t\tip protocol igmp drop # handle 2\n"
    "\t}\n"
    "}\n";

static void test_fw_nft(void **state)
{
    struct mc__diag_fw_text txt = {MC_DIAG_FW_READ, (char *)nft_text, NULL,
                                   NULL};
    struct mc_diag_target t = {0};
    struct mc_diag_fw fw;

    (void)state;
    t.group = addr("ff15::1234");
    snprintf(t.ifname, sizeof t.ifname, "lab0");
    t.port = 5001;
    mc__diag_fw_scan(&txt, &t, AF_INET6, &fw);
    assert_int_equal(fw.state, MC_DIAG_FW_READ);
    assert_int_equal(fw.nrules, 5); /* the ip table is IPv4's */
    assert_true(fw.query_drop);
    assert_string_equal(fw.query_rule, "icmpv6 type mld-listener-query drop");
    assert_string_equal(fw.query_fix, "nft delete rule inet mcf in handle 7");
    assert_true(fw.out_drop);
    assert_string_equal(fw.out_rule, "icmpv6 type mld2-listener-report drop");
    assert_string_equal(fw.out_fix, "nft delete rule inet mcf out handle 2");
    assert_true(fw.in_drop);
    assert_string_equal(fw.in_fix, "nft delete rule inet mcf in handle 6");
    /* another port is not dropped by any of them */
    t.port = 6000;
    mc__diag_fw_scan(&txt, &t, AF_INET6, &fw);
    assert_false(fw.in_drop);
    /* IPv4: the igmp rule of the ip table */
    t.group = addr("239.1.2.3");
    mc__diag_fw_scan(&txt, &t, AF_INET, &fw);
    assert_true(fw.out_drop);
    assert_string_equal(fw.out_fix, "nft delete rule ip v4only out handle 2");
    txt.state = MC_DIAG_FW_NOPERM;
    mc__diag_fw_scan(&txt, &t, AF_INET, &fw);
    assert_int_equal(fw.state, MC_DIAG_FW_NOPERM);
    assert_false(fw.out_drop);
}

static void test_fw_iptables(void **state)
{
    char v6[] = "*filter\n"
                ":INPUT ACCEPT [0:0]\n"
                "-A INPUT -i lab0 -p udp -m udp --dport 5001 -j DROP\n"
                "-A OUTPUT -p ipv6-icmp -m icmp6 --icmpv6-type 143 -j DROP\n"
                "COMMIT\n";
    struct mc__diag_fw_text txt = {MC_DIAG_FW_READ, NULL, NULL, v6};
    struct mc_diag_target t = {0};
    struct mc_diag_fw fw;

    (void)state;
    t.group = addr("ff15::1234");
    snprintf(t.ifname, sizeof t.ifname, "lab0");
    t.port = 5001;
    mc__diag_fw_scan(&txt, &t, AF_INET6, &fw);
    assert_string_equal(fw.tool, "ip6tables-save");
    assert_int_equal(fw.nrules, 2);
    assert_true(fw.in_drop);
    assert_string_equal(fw.in_fix,
                        "ip6tables -D INPUT -i lab0 -p udp -m udp --dport 5001 "
                        "-j DROP");
    assert_true(fw.out_drop);
    /* on another interface the input rule does not apply */
    snprintf(t.ifname, sizeof t.ifname, "lab1");
    mc__diag_fw_scan(&txt, &t, AF_INET6, &fw);
    assert_false(fw.in_drop);
}

/* The counters of /proc/net/snmp's two-line form and snmp6's. */
static void test_proc_counter(void **state)
{
    char path[] = "/tmp/mcscope-diag-XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    uint64_t v = 0;

    (void)state;
    assert_non_null(f);
    fputs("Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors\n"
          "Udp: 10 2 3 4 77\n"
          "Udp6RcvbufErrors                 \t12\n",
          f);
    fclose(f);
    assert_int_equal(mc__diag_proc_counter(path, "Udp:RcvbufErrors", &v), 0);
    assert_int_equal(v, 77);
    assert_int_equal(mc__diag_proc_counter(path, "Udp6RcvbufErrors", &v), 0);
    assert_int_equal(v, 12);
    assert_int_equal(mc__diag_proc_counter(path, "Udp:Nothing", &v), -ENOENT);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_healthy),
        cmocka_unit_test(test_iface),
        cmocka_unit_test(test_membership),
        cmocka_unit_test(test_reports_sent),
        cmocka_unit_test(test_igmp_version),
        cmocka_unit_test(test_querier),
        cmocka_unit_test(test_reports_blocked),
        cmocka_unit_test(test_wire),
        cmocka_unit_test(test_rp_filter),
        cmocka_unit_test(test_route),
        cmocka_unit_test(test_firewall_input),
        cmocka_unit_test(test_counters),
        cmocka_unit_test(test_hoplimit),
        cmocka_unit_test(test_multicast_all),
        cmocka_unit_test(test_stopped),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_fw_nft),
        cmocka_unit_test(test_fw_iptables),
        cmocka_unit_test(test_proc_counter),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
