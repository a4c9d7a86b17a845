/*
 * Integration: the Prometheus exposition (core/metrics.c) of a monitor
 * that received real traffic in the lab, in IPv6 and IPv4: RX captures
 * (pcap on) and joins, S1 sends 300 probes and S2 200 MPEG-TS datagrams.
 * Every sample line of the text equals the senders' counts and the JSON
 * report's (packets, bytes, wire packets, lost, duplicates, reordered)
 * and its flows' (interarrival max, gaps, cc errors per PID of the TS); a
 * left group keeps its counters and loses its membership_info line; label
 * values are escaped as the exposition format says.
 */
#include <inttypes.h>
#include <math.h>
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

/* Where the value of the sample NAME{group,iface,port,source} starts, or
 * NULL. */
static const char *value_of(const char *text, const char *name,
                            const struct fam *f, const char *src)
{
    char head[256];
    const char *p;

    snprintf(head, sizeof head,
             "\n%s{group=\"%s\",iface=\"lab0\",port=\"%u\",source=\"%s\"} ",
             name, f->g, (unsigned)f->port, src);
    p = strstr(text, head);
    return p != NULL ? p + strlen(head) : NULL;
}

/* A whole sample's value, or -1. */
static long long sample(const char *text, const char *name, const struct fam *f,
                        const char *src)
{
    const char *v = value_of(text, name, f, src);

    return v != NULL ? strtoll(v, NULL, 10) : -1;
}

/* A gauge's value, or NAN. */
static double gauge(const char *text, const char *name, const struct fam *f,
                    const char *src)
{
    const char *v = value_of(text, name, f, src);

    return v != NULL ? strtod(v, NULL) : NAN;
}

/* The flow families equal the JSON report's flows: the largest iat_us.max,
 * the gaps summed, and per MPEG-TS PID its cc_errors. */
static void flows_agree(const char *text, const struct fam *f, const char *src,
                        json_object *s)
{
    json_object *flows = tj_key(s, "flows", json_type_array);
    double max_us = 0;
    long long gaps = 0;
    size_t npid = 0;
    char line[256];

    for (size_t k = 0; k < json_object_array_length(flows); k++) {
        json_object *fl = json_object_array_get_idx(flows, k), *ts;

        gaps += tj_int(fl, "gaps");
        if (tj_has(fl, "iat_us")) {
            json_object *iat = tj_key(fl, "iat_us", json_type_object);
            double m =
                json_object_get_double(json_object_object_get(iat, "max"));

            if (m > max_us)
                max_us = m;
        }
        if (!tj_has(fl, "mpegts"))
            continue;
        ts = tj_key(tj_key(fl, "mpegts", json_type_object), "pids",
                    json_type_array);
        for (size_t p = 0; p < json_object_array_length(ts); p++, npid++) {
            json_object *x = json_object_array_get_idx(ts, p);

            snprintf(line, sizeof line,
                     "\nmcscope_mpegts_cc_errors_total{group=\"%s\","
                     "iface=\"lab0\",port=\"%u\",source=\"%s\",pid=\"%lld\"} "
                     "%lld\n",
                     f->g, (unsigned)f->port, src, (long long)tj_int(x, "pid"),
                     (long long)tj_int(x, "cc_errors"));
            if (strstr(text, line) == NULL)
                fail_msg("no '%s' in:\n%s", line + 1, text);
        }
    }
    assert_true(max_us > 0);
    /* the JSON rounds to 0.1 us */
    assert_true(fabs(gauge(text, "mcscope_interarrival_max_seconds", f, src) -
                     max_us / 1e6) < 1e-6);
    assert_int_equal(sample(text, "mcscope_gaps_total", f, src), gaps);
    if (strcmp(src, f->s2) == 0) /* the TS sender: PAT, PMT, its PID */
        assert_true(npid >= 3);
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
    RIG_OK(&r, S2,
           "send %s dev lab0 port %u rate 2000 count 200 size 1316 payload "
           "mpegts",
           f->g, f->port);
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
        assert_true(
            sample(text, "mcscope_last_packet_age_seconds", f, src[i]) >= 0);
        flows_agree(text, f, src[i], s);
    }
    /* The probes' sequence (S1); S2's TS carries none. */
    assert_int_equal(sample(text, "mcscope_lost_packets_total", f, f->s1), 0);
    assert_int_equal(sample(text, "mcscope_duplicate_packets_total", f, f->s1),
                     0);
    assert_int_equal(sample(text, "mcscope_reordered_packets_total", f, f->s1),
                     0);
    assert_int_equal(sample(text, "mcscope_lost_packets_total", f, f->s2), -1);
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
