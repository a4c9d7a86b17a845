/*
 * Integration: the Prometheus exposition (core/metrics.c) of a monitor
 * that received real traffic in the lab, in IPv6 and IPv4: RX captures
 * (pcap on) and joins, S1 and S2 send 300 and 200 probes.  Every sample
 * line of the text equals the senders' counts and the JSON report's
 * (packets, bytes, wire packets, lost, duplicates, reordered); a left
 * group keeps its counters and loses its membership_info line; label
 * values are escaped as the exposition format says.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lab.h"
#include "montest.h"
#include "mcscope/metrics.h"
#include "mcscope/monitor.h"

static struct lab *lab;

struct fam {
    int family;
    const char *g, *s1, *s2;
    uint16_t port;
};

static const struct fam v6 = {AF_INET6, "ff15::e001", "fd42::1", "fd42::2",
                              7900};
static const struct fam v4 = {AF_INET, "239.10.9.1", "10.200.0.1", "10.200.0.2",
                              7901};

/* The value of the sample NAME{group,iface,port,source}, or -1. */
static long long sample(const char *text, const char *name, const struct fam *f,
                        const char *src)
{
    char head[256];
    const char *p;

    snprintf(head, sizeof head,
             "\n%s{group=\"%s\",iface=\"lab0\",port=\"%u\",source=\"%s\"} ",
             name, f->g, (unsigned)f->port, src);
    p = strstr(text, head);
    return p != NULL ? strtoll(p + strlen(head), NULL, 10) : -1;
}

static void exposition(const struct fam *f)
{
    const char *src[2] = {f->s1, f->s2};
    const long long sent[2] = {300, 200};
    char *text, line[256];
    json_object *root, *s;
    struct rig r;
    size_t len;

    rig_open(&r, lab, f->family);
    RIG_OK(&r, RX, "pcap on");
    RIG_OK(&r, RX, "join %s dev lab0 port %u", f->g, f->port);
    RIG_OK(&r, S1, "send %s dev lab0 port %u rate 2000 count 300 size 100",
           f->g, f->port);
    RIG_OK(&r, S2, "send %s dev lab0 port %u rate 2000 count 200", f->g,
           f->port);
    rig_pump(&r, 300, NULL, NULL);
    text = mc_metrics_text(r.m[RX], mc_monitor_now_ns(), "1.0\"x\\", &len);
    assert_non_null(text);
    assert_int_equal(strlen(text), len);
    root = rig_report(&r);
    for (int i = 0; i < 2; i++) {
        struct mc_addr a;

        assert_int_equal(mc_addr_parse(src[i], &a, NULL, 0, NULL), 0);
        s = tj_source(root, f->g, &a);
        assert_int_equal(sample(text, "mcscope_packets_total", f, src[i]),
                         sent[i]);
        assert_int_equal(tj_int(s, "packets"), sent[i]);
        assert_int_equal(sample(text, "mcscope_bytes_total", f, src[i]),
                         tj_int(s, "bytes"));
        assert_int_equal(sample(text, "mcscope_wire_packets_total", f, src[i]),
                         tj_int(s, "wire_packets"));
        assert_int_equal(tj_int(s, "wire_packets"), sent[i]);
        assert_int_equal(sample(text, "mcscope_lost_packets_total", f, src[i]),
                         0);
        assert_int_equal(
            sample(text, "mcscope_duplicate_packets_total", f, src[i]), 0);
        assert_int_equal(
            sample(text, "mcscope_reordered_packets_total", f, src[i]), 0);
        assert_true(
            sample(text, "mcscope_last_packet_age_seconds", f, src[i]) >= 0);
    }
    assert_int_equal(sample(text, "mcscope_bytes_total", f, f->s1), 30000);
    /* Every family is typed once; the version is escaped. */
    assert_non_null(strstr(text, "# TYPE mcscope_packets_total counter\n"));
    assert_non_null(strstr(text, "# TYPE mcscope_jitter_seconds gauge\n"));
    assert_non_null(
        strstr(text, "mcscope_build_info{version=\"1.0\\\"x\\\\\"} 1\n"));
    assert_non_null(strstr(text, "\nmcscope_socket_drops_total 0\n"));
    snprintf(line, sizeof line,
             "\nmcscope_membership_info{group=\"%s\",iface=\"lab0\","
             "port=\"%u\",mode=\"asm\"} 1\n",
             f->g, (unsigned)f->port);
    assert_non_null(strstr(text, line));
    free(text);
    json_object_put(root);

    /* Left: the counters stay (they never go back), the membership goes. */
    RIG_OK(&r, RX, "leave %s dev lab0 port %u", f->g, f->port);
    text = mc_metrics_text(r.m[RX], mc_monitor_now_ns(), "1", NULL);
    assert_non_null(text);
    assert_int_equal(sample(text, "mcscope_packets_total", f, f->s1), 300);
    assert_null(strstr(text, line));
    free(text);
    rig_close(&r);
}

LAB_BOTH_FAMILIES(exposition, &v6, &v4)

#define CASE(fn) cmocka_unit_test_teardown(fn, lab_leave_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        CASE(exposition_v6),
        CASE(exposition_v4),
    };
    int rc;

    lab = lab_create(false);
    rc = cmocka_run_group_tests(tests, NULL, NULL);
    lab_destroy(lab);
    return rc;
}
