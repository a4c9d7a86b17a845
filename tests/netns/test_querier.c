/*
 * Integration test: the querier timeline (core/querier.c through the
 * monitor) and a stream that stops, against tshark's decoding of the same
 * capture.  One lab, one run:
 *
 *  1. RX joins ff15::123 and 239.1.2.3 on lab0 with `pcap on dev lab0`
 *     writing a pcap file.  S1 plays the querier with raw sockets (the
 *     test's own bytes, from S1's link-local address, hop limit 1, Router
 *     Alert): an MLDv2 general query, an MLDv2 query for the group, one
 *     for two of its sources with the S flag, an IGMPv3 general query, an
 *     IGMPv3 query for the group, an IGMPv2 general query, an MLDv1
 *     general query.  RX's kernel answers each.  The timeline's entries
 *     (count, time, querier, version, kind, group, max response, QRV, QQI,
 *     S, sources) equal tshark's decoding of the file one for one, and
 *     each answer's delay is that of a report of RX's that tshark sees
 *     (to the microsecond of the capture).  The kernel's counters
 *     (dev_snmp6) equal tshark's count of the queries RX received and of
 *     the reports it sent; IGMP: /proc/net/igmp says V2 after the v2 query.
 *  2. A query about a group RX does not hold is in the timeline but not
 *     one the stack had to take.  An nft input rule in RX drops MLD
 *     queries: the next query is on the wire (the timeline has it) and
 *     not in the kernel's count (not_processed 1), and no report left
 *     (unanswered 1).
 *  3. S1 sends a stream and stops: the stop event names the last packet's
 *     time, equal to tshark's last frame of the stream, and the last
 *     query and report; the stream resumes: a resumed event; the JSON
 *     report has the flow's stops and stopped_at and the querier section.
 *  4. A querier with short timers goes silent: "no querier" and RX's
 *     group aged out on a snooping switch, as events.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "lab.h"
#include "mcscope/querier.h"
#include "montest.h"
#include "rawigmp.h"
#include "runout.h"

#define OUT_MAX (1 << 20)
#define MAX_ROWS 1024
#define NCOL 20
/* the capture's stamps are µs; mcscope's times pass the monotonic clock */
#define TIME_TOL 0.001

static struct lab *lab;

/* ---- queries as bytes ---- */

static void put_addr(uint8_t *p, const char *text)
{
    struct mc_addr a = tu_addr(text);

    if (a.family == AF_INET6)
        memcpy(p, &a.u.v6, 16);
    else
        memcpy(p, &a.u.v4, 4);
}

/* MLDv2 query (RFC 3810 §5.1): code in ms (< 32768), S, QRV, QQIC. */
static size_t mld2_query(uint8_t *b, unsigned code, const char *group, bool s,
                         unsigned qrv, unsigned qqic, const char *const *src,
                         size_t n)
{
    memset(b, 0, 28 + 16 * n);
    b[0] = 130;
    b[4] = (uint8_t)(code >> 8);
    b[5] = (uint8_t)code;
    put_addr(b + 8, group);
    b[24] = (uint8_t)((s ? 8 : 0) | qrv);
    b[25] = (uint8_t)qqic;
    b[27] = (uint8_t)n;
    for (size_t i = 0; i < n; i++)
        put_addr(b + 28 + 16 * i, src[i]);
    return 28 + 16 * n;
}

/* MLDv1 query (RFC 2710): 24 bytes, the delay in ms. */
static size_t mld1_query(uint8_t *b, unsigned delay_ms)
{
    memset(b, 0, 24);
    b[0] = 130;
    b[4] = (uint8_t)(delay_ms >> 8);
    b[5] = (uint8_t)delay_ms;
    return 24;
}

/* IGMPv3 query (RFC 3376 §4.1): code in 1/10 s (< 128). */
static size_t igmp3_query(uint8_t *b, unsigned code, const char *group, bool s,
                          unsigned qrv, unsigned qqic, const char *const *src,
                          size_t n)
{
    memset(b, 0, 12 + 4 * n);
    b[0] = 0x11;
    b[1] = (uint8_t)code;
    put_addr(b + 4, group);
    b[8] = (uint8_t)((s ? 8 : 0) | qrv);
    b[9] = (uint8_t)qqic;
    b[11] = (uint8_t)n;
    for (size_t i = 0; i < n; i++)
        put_addr(b + 12 + 4 * i, src[i]);
    rawigmp_checksum(b, 12 + 4 * n);
    return 12 + 4 * n;
}

/* IGMPv2 query (RFC 2236): 8 bytes. */
static size_t igmp2_query(uint8_t *b, unsigned code, const char *group)
{
    memset(b, 0, 8);
    b[0] = 0x11;
    b[1] = (uint8_t)code;
    put_addr(b + 4, group);
    rawigmp_checksum(b, 8);
    return 8;
}

static void send_query(int family, const char *dst, const uint8_t *b,
                       size_t len)
{
    unsigned ifindex = lab_ifindex(lab, "S1", "lab0");

    lab_enter(lab, "S1");
    if (family == AF_INET6)
        rawmld_send(ifindex, dst, b, len);
    else
        rawigmp_send(ifindex, dst, b, len);
    lab_leave(lab);
}

/* ---- tshark ---- */

enum {
    C_TIME,
    C_SRC4,
    C_SRC6,
    C_ICMP6,
    C_IGMP,
    C_IGMPVER,
    C_IGMP_MAXRESP,
    C_IGMP_S,
    C_IGMP_QRV,
    C_IGMP_QQIC,
    C_IGMP_SADDR,
    C_IGMP_MADDR,
    C_MLD_CODE,
    C_MLD_DELAY,
    C_MLD_S,
    C_MLD_QRV,
    C_MLD_QQI,
    C_MLD_SRC,
    C_MLD_GROUP,
    C_UDP_DPORT,
};

static const char *const fields[NCOL] = {
    "frame.time_epoch",
    "ip.src",
    "ipv6.src",
    "icmpv6.type",
    "igmp.type",
    "igmp.version",
    "igmp.max_resp",
    "igmp.s",
    "igmp.qrv",
    "igmp.qqic",
    "igmp.saddr",
    "igmp.maddr",
    "icmpv6.mld.maximum_response_code",
    "icmpv6.mld.maximum_response_delay",
    "icmpv6.mld.flag.s",
    "icmpv6.mld.flag.qrv",
    "icmpv6.mld.qqi",
    "icmpv6.mld.source_address",
    "icmpv6.mld.multicast_address",
    "udp.dstport",
};

struct rows {
    size_t n;
    char *c[MAX_ROWS][NCOL];
};

static char tsh_out[OUT_MAX];

static void tshark(const char *path, struct rows *r)
{
    char *argv[8 + 2 * NCOL];
    char *lines[MAX_ROWS];
    size_t k = 0, n;

    argv[k++] = "tshark";
    argv[k++] = "-r";
    argv[k++] = (char *)path;
    argv[k++] = "-T";
    argv[k++] = "fields";
    for (int i = 0; i < NCOL; i++) {
        argv[k++] = "-e";
        argv[k++] = (char *)fields[i];
    }
    argv[k++] = "-Y";
    argv[k++] = "igmp || icmpv6.type == 130 || icmpv6.type == 131 || "
                "icmpv6.type == 143 || udp.dstport == 5009";
    argv[k] = NULL;
    assert_int_equal(tu_run_out(argv, tsh_out, sizeof tsh_out), 0);
    n = tu_split(tsh_out, '\n', lines, MAX_ROWS);
    r->n = 0;
    for (size_t i = 0; i < n; i++) {
        char *col[NCOL];
        size_t nc;

        if (lines[i][0] == '\0')
            continue;
        nc = tu_split(lines[i], '\t', col, NCOL);
        for (size_t j = 0; j < NCOL; j++)
            r->c[r->n][j] = j < nc ? col[j] : "";
        r->n++;
    }
}

static bool is_query(const struct rows *r, size_t i, int family)
{
    if (family == AF_INET6)
        return strcmp(r->c[i][C_ICMP6], "130") == 0;
    return strcmp(r->c[i][C_IGMP], "0x11") == 0 ||
           strcmp(r->c[i][C_IGMP], "17") == 0;
}

static const char *src_of(const struct rows *r, size_t i, int family)
{
    return r->c[i][family == AF_INET6 ? C_SRC6 : C_SRC4];
}

static double num(const char *s)
{
    return s[0] != '\0' ? strtod(s, NULL) : 0;
}

static void addr_text(const struct mc_addr *a, char *buf)
{
    if (a->family == 0)
        buf[0] = '\0';
    else
        mc_addr_format(a, buf, MC_ADDR_STRLEN);
}

/* One timeline entry against tshark's row i. */
static void same_query(const struct mc_querier_query *q, const struct rows *r,
                       size_t i, int family)
{
    char a[MC_ADDR_STRLEN], g[MC_ADDR_STRLEN];
    const char *const *c = (const char *const *)r->c[i];
    double t = num(c[C_TIME]);

    print_message("    #%llu %s %s %s max %u qrv %u qqi %u s %d nsrc %zu; "
                  "tshark: %s\n",
                  (unsigned long long)q->seq, mc_wire_proto_name(q->proto),
                  mc_query_kind_name(q->kind), (addr_text(&q->group, g), g),
                  q->max_resp_ms, q->qrv, q->qqi_s, q->s_flag, q->nsources,
                  c[C_TIME]);
    if (fabs((double)q->real_ns / 1e9 - t) > TIME_TOL)
        fail_msg("query %llu at %.6f, tshark %s", (unsigned long long)q->seq,
                 (double)q->real_ns / 1e9, c[C_TIME]);
    addr_text(&q->querier, a);
    assert_string_equal(a, src_of(r, i, family));
    addr_text(&q->group, g);
    if (family == AF_INET6) {
        bool v1 = c[C_MLD_QRV][0] == '\0';

        assert_int_equal(q->proto, v1 ? MC_PROTO_MLDV1 : MC_PROTO_MLDV2);
        assert_int_equal(q->max_resp_ms,
                         (unsigned)num(v1 ? c[C_MLD_DELAY] : c[C_MLD_CODE]));
        if (q->kind == MC_QUERY_GENERAL)
            assert_string_equal(c[C_MLD_GROUP], "::");
        else
            assert_string_equal(g, c[C_MLD_GROUP]);
        if (!v1) {
            assert_int_equal(q->qrv, (unsigned)num(c[C_MLD_QRV]));
            assert_int_equal(q->qqi_s, (unsigned)num(c[C_MLD_QQI]));
            assert_int_equal(q->s_flag, strcmp(c[C_MLD_S], "True") == 0 ||
                                            strcmp(c[C_MLD_S], "1") == 0);
        }
    } else {
        unsigned ver = (unsigned)num(c[C_IGMPVER]);

        assert_int_equal(q->proto, ver == 3   ? MC_PROTO_IGMPV3
                                   : ver == 2 ? MC_PROTO_IGMPV2
                                              : MC_PROTO_IGMPV1);
        /* tshark: tenths of a second (the code; v3 below 128) */
        assert_int_equal(q->max_resp_ms,
                         (unsigned)(num(c[C_IGMP_MAXRESP]) * 100 + 0.5));
        if (q->kind == MC_QUERY_GENERAL)
            assert_string_equal(c[C_IGMP_MADDR], "0.0.0.0");
        else
            assert_string_equal(g, c[C_IGMP_MADDR]);
        if (ver == 3) {
            assert_int_equal(q->qrv, (unsigned)num(c[C_IGMP_QRV]));
            assert_int_equal(q->qqi_s, (unsigned)num(c[C_IGMP_QQIC]));
            assert_int_equal(q->s_flag, strcmp(c[C_IGMP_S], "True") == 0 ||
                                            strcmp(c[C_IGMP_S], "1") == 0);
        }
    }
    {
        char list[512] = "";
        const char *want = c[family == AF_INET6 ? C_MLD_SRC : C_IGMP_SADDR];

        for (size_t k = 0; k < q->nsources; k++) {
            char s[MC_ADDR_STRLEN];

            addr_text(&q->sources[k], s);
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                     k ? "," : "", s);
        }
        assert_string_equal(list, want);
    }
}

/* RX's report in tshark's rows at time t (within the tolerance): its
 * row, or fail. */
static size_t report_at(const struct rows *r, int family, const char *rx,
                        double t)
{
    for (size_t i = 0; i < r->n; i++) {
        const char *const *c = (const char *const *)r->c[i];
        bool rep = family == AF_INET6 ? strcmp(c[C_ICMP6], "143") == 0 ||
                                            strcmp(c[C_ICMP6], "131") == 0
                                      : strcmp(c[C_IGMP], "0x22") == 0 ||
                                            strcmp(c[C_IGMP], "0x16") == 0 ||
                                            strcmp(c[C_IGMP], "34") == 0 ||
                                            strcmp(c[C_IGMP], "22") == 0;

        if (rep && strcmp(src_of(r, i, family), rx) == 0 &&
            fabs(num(c[C_TIME]) - t) <= TIME_TOL)
            return i;
    }
    fail_msg("no report of %s at %.6f in tshark's decoding", rx, t);
    return 0;
}

/* Rows from rx of family whose type is one of types. */
static unsigned count_from(const struct rows *r, int family, const char *rx,
                           const char *type)
{
    unsigned n = 0;

    for (size_t i = 0; i < r->n; i++)
        n += strcmp(src_of(r, i, family), rx) == 0 &&
             strcmp(r->c[i][family == AF_INET6 ? C_ICMP6 : C_IGMP], type) == 0;
    return n;
}

static unsigned count_queries(const struct rows *r, int family)
{
    unsigned n = 0;

    for (size_t i = 0; i < r->n; i++)
        n += is_query(r, i, family);
    return n;
}

/* The timeline of family equals tshark's queries one for one; each answer
 * is a report of RX's at the time it says. */
static void same_timeline(const struct mc_querier_iface *t,
                          const struct rows *r, int family, const char *rx)
{
    size_t k = 0;

    print_message("  %s: %zu queries\n", family == AF_INET6 ? "MLD" : "IGMP",
                  t->nqueries);
    for (size_t i = 0; i < r->n; i++) {
        if (!is_query(r, i, family))
            continue;
        if (k >= t->nqueries)
            fail_msg("tshark has more queries than the timeline (%zu)",
                     t->nqueries);
        same_query(&t->q[k], r, i, family);
        for (size_t a = 0; a < t->q[k].nanswers && a < MC_QUERIER_ANSWERS;
             a++) {
            const struct mc_querier_answer *x = &t->q[k].answers[a];
            size_t j = report_at(r, family, rx, (double)x->real_ns / 1e9);
            double d = num(r->c[j][C_TIME]) - num(r->c[i][C_TIME]);

            print_message("      answered after %.3f ms (tshark %.3f ms)\n",
                          (double)x->delay_ns / 1e6, d * 1e3);
            assert_true(fabs((double)x->delay_ns / 1e9 - d) <= TIME_TOL);
            assert_true(x->delay_ns >= 0);
            assert_true(x->delay_ns <=
                        (int64_t)(t->q[k].max_resp_ms + MC_QUERIER_GRACE_MS) *
                            1000000);
        }
        k++;
    }
    assert_int_equal(k, t->nqueries);
    assert_int_equal(t->queries, t->nqueries);
}

/* RX's address reports come from (link-local for MLD). */
static void rx_src(int family, char *out)
{
    struct mc_addr a;

    if (family == AF_INET) {
        lab_host_addr("RX", AF_INET, 0, &a);
        mc_addr_format(&a, out, MC_ADDR_STRLEN);
        return;
    }
    {
        char *argv[] = {"ip",   "netns", "exec", (char *)lab_ns_name(lab, "RX"),
                        "ip",   "-6",    "-o",   "addr",
                        "show", "dev",   "lab0", "scope",
                        "link", NULL};
        static char buf[1024];
        char *p, *slash;

        assert_int_equal(tu_run_out(argv, buf, sizeof buf), 0);
        p = strstr(buf, "inet6 ");
        assert_non_null(p);
        p += 6;
        slash = strchr(p, '/');
        assert_non_null(slash);
        *slash = '\0';
        snprintf(out, MC_ADDR_STRLEN, "%s", p);
    }
}

static void nft(const char *cmd)
{
    char *argv[] = {"ip",  "netns",     "exec", (char *)lab_ns_name(lab, "RX"),
                    "nft", (char *)cmd, NULL};
    static char buf[256];

    assert_int_equal(tu_run_out(argv, buf, sizeof buf), 0);
}

static const struct mc_querier_iface *timeline(struct mc_querier_snap *s,
                                               struct rig *r, int family)
{
    const struct mc_querier_iface *t;

    mc_querier_snap_free(s);
    assert_int_equal(mc_monitor_querier(r->m[RX], s), 0);
    t = mc_querier_snap_iface(s, "lab0", family);
    assert_non_null(t);
    return t;
}

/* The last event of type in RX's log, or fail. */
static struct mc_event last_event(struct rig *r, enum mc_event_type type)
{
    struct mc_event ev, got = {0};
    bool found = false;

    for (size_t i = 0; mc_monitor_event(r->m[RX], i, &ev) == 0; i++)
        if (ev.type == type) {
            got = ev;
            found = true;
        }
    if (!found)
        fail_msg("no event of type %d", (int)type);
    return got;
}

static bool has_event(struct rig *r, enum mc_event_type type)
{
    struct mc_event ev;

    for (size_t i = 0; mc_monitor_event(r->m[RX], i, &ev) == 0; i++)
        if (ev.type == type)
            return true;
    return false;
}

static void test_querier(void **state)
{
    static struct rows rows;
    struct rig r;
    struct mc_err err;
    struct mc_querier_snap s = {0};
    const struct mc_querier_iface *t6, *t4;
    char path[64], rx6[MC_ADDR_STRLEN], rx4[MC_ADDR_STRLEN];
    const char *const src6[] = {"fd42::1", "fd42::2"};
    const char *const src4[] = {"10.200.0.1"};
    uint8_t b[128];
    size_t n;

    (void)state;
    if (!tu_have_prog("tshark") || !tu_have_prog("nft"))
        skip(); /* scripts/deps.sh installs both */
    snprintf(path, sizeof path, "/tmp/mcscope-querier-%d.pcap", (int)getpid());
    rx_src(AF_INET6, rx6);
    rx_src(AF_INET, rx4);
    rig_open(&r, lab, AF_INET6);
    lab_ok(mc_monitor_write_pcap(r.m[RX], path, &err), &err, "write pcap");
    RIG_OK(&r, RX, "pcap on dev lab0");
    RIG_OK(&r, RX, "join ff15::123 dev lab0 port 5009");
    RIG_OK(&r, RX, "join 239.1.2.3 dev lab0 port 5009");
    rig_pump_ms(&r, 1500); /* the joins' reports (twice within 1 s) */

    /* 1. the querier's queries, each answered within 500 ms */
    n = mld2_query(b, 500, "::", false, 2, 10, NULL, 0);
    send_query(AF_INET6, "ff02::1", b, n);
    rig_pump_ms(&r, 800);
    n = mld2_query(b, 500, "ff15::123", false, 2, 10, NULL, 0);
    send_query(AF_INET6, "ff15::123", b, n);
    rig_pump_ms(&r, 800);
    n = mld2_query(b, 500, "ff15::123", true, 3, 20, src6, 2);
    send_query(AF_INET6, "ff15::123", b, n);
    rig_pump_ms(&r, 800);
    n = igmp3_query(b, 5, "0.0.0.0", false, 2, 10, NULL, 0);
    send_query(AF_INET, "224.0.0.1", b, n);
    rig_pump_ms(&r, 800);
    n = igmp3_query(b, 5, "239.1.2.3", true, 2, 10, src4, 1);
    send_query(AF_INET, "239.1.2.3", b, n);
    rig_pump_ms(&r, 800);
    n = igmp2_query(b, 5, "0.0.0.0");
    send_query(AF_INET, "224.0.0.1", b, n);
    rig_pump_ms(&r, 800);
    n = mld1_query(b, 500);
    send_query(AF_INET6, "ff02::1", b, n);
    rig_pump_ms(&r, 2100); /* answers, then a tick reads the kernel */

    tshark(path, &rows);
    t6 = timeline(&s, &r, AF_INET6);
    assert_int_equal(count_queries(&rows, AF_INET6), 4);
    same_timeline(t6, &rows, AF_INET6, rx6);
    t4 = mc_querier_snap_iface(&s, "lab0", AF_INET);
    assert_non_null(t4);
    assert_int_equal(count_queries(&rows, AF_INET), 3);
    same_timeline(t4, &rows, AF_INET, rx4);
    for (size_t i = 0; i < t6->nqueries; i++) {
        assert_true(t6->q[i].expected);
        assert_true(t6->q[i].nanswers > 0);
    }
    for (size_t i = 0; i < t4->nqueries; i++)
        assert_true(t4->q[i].nanswers > 0);
    assert_int_equal(t6->unanswered, 0);
    assert_int_equal(t4->unanswered, 0);
    /* the derived facts: the timers of the last general query */
    assert_true(t6->seen && !t6->querier_absent);
    assert_int_equal(t6->version, MC_PROTO_MLDV1);
    assert_true(t6->from_querier);
    assert_int_equal(t6->mali_ns,
                     mc_querier_mali_ns(t6->qrv, t6->qqi_s, t6->qri_ms));
    {
        struct mc_addr g = tu_addr("ff15::123");
        const struct mc_querier_member *mb = mc_querier_iface_member(t6, &g);

        assert_non_null(mb);
        assert_false(mb->left);
        assert_int_equal(mb->expires_mono_ns,
                         mb->last_report_mono_ns + t6->mali_ns);
        report_at(&rows, AF_INET6, rx6, (double)mb->last_report_real_ns / 1e9);
    }
    /* what the kernel processed equals the wire, and what it sent equals
     * what tshark saw RX send */
    print_message("  kernel: %s read %d why %s\n", t6->kernel.file,
                  t6->kernel.read_ok, t6->kernel.why ? t6->kernel.why : "");
    assert_true(t6->kernel.counted);
    assert_int_equal(t6->kernel.wire_queries, 4);
    assert_int_equal(t6->kernel.in_queries, 4);
    assert_int_equal(t6->kernel.not_processed, 0);
    assert_int_equal(t6->kernel.out_v2_reports,
                     count_from(&rows, AF_INET6, rx6, "143"));
    assert_int_equal(t6->kernel.out_responses,
                     count_from(&rows, AF_INET6, rx6, "131"));
    assert_false(t4->kernel.counted);
    assert_non_null(t4->kernel.why);
    assert_string_equal(t4->kernel.igmp_version, "V2");

    /* a query about a group RX does not hold: in the timeline, not
     * expected, and not one the stack had to take (it drops it as no
     * member, firewall or not) */
    n = mld2_query(b, 500, "ff15::999", false, 2, 10, NULL, 0);
    send_query(AF_INET6, "ff15::999", b, n);
    rig_pump_ms(&r, 300);

    /* 2. an input rule drops MLD queries: on the wire, not processed */
    nft("add table inet mcsq");
    nft("add chain inet mcsq in { type filter hook input priority 0 ; }");
    nft("add rule inet mcsq in icmpv6 type mld-listener-query drop");
    n = mld2_query(b, 500, "::", false, 2, 10, NULL, 0);
    send_query(AF_INET6, "ff02::1", b, n);
    rig_pump_ms(&r, 2700); /* max resp + grace, and a tick */
    nft("delete table inet mcsq");
    t6 = timeline(&s, &r, AF_INET6);
    assert_int_equal(t6->nqueries, 6);
    assert_false(t6->q[4].expected);
    assert_int_equal(t6->q[4].kind, MC_QUERY_GROUP);
    assert_false(t6->q[4].unanswered);
    assert_int_equal(t6->kernel.wire_queries, 5);
    assert_int_equal(t6->kernel.in_queries, 4);
    assert_int_equal(t6->kernel.not_processed, 1);
    assert_true(t6->q[5].expected);
    assert_int_equal(t6->q[5].nanswers, 0);
    assert_true(t6->q[5].unanswered);
    assert_int_equal(t6->unanswered, 1);

    /* 3. a stream that stops, and resumes */
    RIG_OK(&r, S1, "send ff15::123 dev lab0 port 5009 rate 50 count 40");
    rig_pump(&r, 300, NULL, NULL);
    {
        struct mc_event ev;
        double last = 0;

        for (int i = 0; i < 40 && !has_event(&r, MC_ET_STREAM_STOPPED); i++)
            rig_pump_ms(&r, 100);
        ev = last_event(&r, MC_ET_STREAM_STOPPED);
        tshark(path, &rows);
        for (size_t i = 0; i < rows.n; i++)
            if (strcmp(rows.c[i][C_UDP_DPORT], "5009") == 0)
                last = num(rows.c[i][C_TIME]);
        print_message("  stopped: %s\n  last packet %.6f, tshark %.6f\n",
                      tu_event_text(&ev), (double)ev.at_packet_ns / 1e9, last);
        assert_true(fabs((double)ev.at_packet_ns / 1e9 - last) <= TIME_TOL);
        assert_int_equal(ev.count, 1);
        assert_int_equal(ev.count2, 1000); /* max(1 s, 5 x 20 ms) */
        t6 = timeline(&s, &r, AF_INET6);
        assert_int_equal(ev.at_query_ns, t6->q[5].real_ns);
        assert_true(ev.at_report_ns > 0);
        report_at(&rows, AF_INET6, rx6, (double)ev.at_report_ns / 1e9);
        assert_string_equal(ev.ifname, "lab0");
    }
    {
        struct mc_stream_stop st[4];

        assert_int_equal(mc_monitor_stream_stops(r.m[RX], st, 4), 1);
        assert_true(st[0].stopped);
        assert_int_equal(st[0].stops, 1);
    }
    RIG_OK(&r, S1, "send ff15::123 dev lab0 port 5009 rate 50 count 5");
    rig_pump(&r, 300, NULL, NULL);
    {
        struct mc_event ev = last_event(&r, MC_ET_STREAM_RESUMED);
        json_object *root = rig_report(&r);
        json_object *q = tj_key(root, "querier", json_type_array);
        json_object *l6 = NULL;

        print_message("  resumed: %s\n", tu_event_text(&ev));
        assert_true(ev.old_value > 1000000000);
        for (size_t i = 0; i < json_object_array_length(q); i++) {
            json_object *e = json_object_array_get_idx(q, i);

            if (strcmp(tj_str(e, "family"), "ipv6") == 0)
                l6 = e;
        }
        assert_non_null(l6);
        assert_string_equal(tj_str(l6, "iface"), "lab0");
        assert_int_equal(
            json_object_array_length(tj_key(l6, "queries", json_type_array)),
            6);
        assert_int_equal(
            tj_int(tj_key(l6, "kernel", json_type_object), "not_processed"), 1);
        {
            json_object *src = tj_source(root, "ff15::123", &r.a1);
            json_object *fl = tj_key(src, "flows", json_type_array);
            json_object *f0 = json_object_array_get_idx(fl, 0);

            assert_int_equal(tj_int(f0, "stops"), 1);
            assert_false(json_object_get_boolean(
                tj_key(f0, "stopped", json_type_boolean)));
            assert_true(tj_has(f0, "stopped_at"));
        }
        json_object_put(root);
    }

    /* 4. a querier with QRV 1, QQI 1 s, max resp 100 ms, then silence:
     * absent after 1 s + 50 ms, RX's group aged out 1.1 s after its
     * answer — both said once as events */
    n = mld2_query(b, 100, "::", false, 1, 1, NULL, 0);
    send_query(AF_INET6, "ff02::1", b, n);
    for (int i = 0; i < 40 && !has_event(&r, MC_ET_MEMBERSHIP_AGED); i++)
        rig_pump_ms(&r, 100);
    {
        struct mc_event ev = last_event(&r, MC_ET_QUERIER_ABSENT);

        print_message("  %s\n", tu_event_text(&ev));
        assert_string_equal(ev.detail, "MLD");
        assert_string_equal(ev.ifname, "lab0");
        assert_int_equal(ev.count2, 1050);
        ev = last_event(&r, MC_ET_MEMBERSHIP_AGED);
        print_message("  %s\n", tu_event_text(&ev));
        tu_expect_addr(&ev.group, "ff15::123");
        assert_int_equal(ev.count2, 1100);
        t6 = timeline(&s, &r, AF_INET6);
        assert_true(t6->querier_absent);
        assert_int_equal(t6->oqpi_ns, 1050000000);
        assert_int_equal(t6->mali_ns, 1100000000);
    }
    mc_querier_snap_free(&s);
    rig_close(&r);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_querier, lab_leave_teardown),
    };
    int rc;

    lab = lab_create(false);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
