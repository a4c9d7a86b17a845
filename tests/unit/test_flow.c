/* Unit tests: one flow's timing, gaps, peaks and path values, and the
 * flows of a source in core/stats (split by UDP source port and RTP SSRC,
 * capped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/flow.h"
#include "mcscope/stats.h"

#define MS 1000000LL
#define US 1000LL

static struct mc_flow *new_flow(void)
{
    struct mc_flow *f = malloc(sizeof *f);
    struct mc_analyze_cfg cfg = {.mode = MC_ANALYZE_AUTO};

    assert_non_null(f);
    mc_flow_init(f, 5000, &cfg);
    return f;
}

static int pkt(struct mc_flow *f, int64_t t, int hl, int tc,
               struct mc_flow_news *n)
{
    struct mc_cmsg cm = {
        .have = MC_CM_HOPLIMIT | MC_CM_TCLASS, .hoplimit = hl, .tclass = tc};
    uint8_t b[20] = {0};

    return mc_flow_packet(f, &cm, b, sizeof b, sizeof b, t, 1000 * MS, n);
}

static void test_iat_and_histogram(void **state)
{
    struct mc_flow *f = new_flow();
    struct mc_flow_news n;
    struct mc_flow_iat iat;
    const int64_t gaps[] = {1 * US, 3 * US, 10 * MS, 10 * MS, 20 * MS};
    int64_t t = 1000 * MS;

    (void)state;
    mc_flow_iat(f, &iat);
    assert_false(iat.known);
    pkt(f, t, 64, 0, &n);
    for (unsigned i = 0; i < 5; i++)
        pkt(f, t += gaps[i], 64, 0, &n);
    mc_flow_iat(f, &iat);
    assert_true(iat.known);
    assert_int_equal(iat.min_ns, 1 * US);
    assert_int_equal(iat.max_ns, 20 * MS);
    assert_true(iat.mean_ns > (40 * MS + 4 * US) / 5.0 - 1 &&
                iat.mean_ns < (40 * MS + 4 * US) / 5.0 + 1);
    assert_int_equal(f->hist[0], 1);  /* 1 µs: under 2 */
    assert_int_equal(f->hist[1], 1);  /* 3 µs: [2, 4) */
    assert_int_equal(f->hist[13], 2); /* 10000 µs: [8192, 16384) */
    assert_int_equal(f->hist[14], 1); /* 20000 µs */
    assert_int_equal(mc_iat_bucket_us(13), 8192);
    assert_int_equal(mc_iat_bucket_us(0), 0);
    free(f);
}

static void test_gaps(void **state)
{
    struct mc_flow *f = new_flow();
    struct mc_flow_news n;
    int64_t t = 5000 * MS;

    (void)state;
    for (int i = 0; i < 10; i++)
        assert_int_equal(pkt(f, t += 10 * MS, 64, 0, &n) & MC_FLOW_RESUMED, 0);
    assert_false(mc_flow_silent(f, t + 1000 * MS, 1000 * MS)); /* not over */
    assert_true(mc_flow_silent(f, t + 1001 * MS, 1000 * MS));
    assert_false(mc_flow_silent(f, t + 2000 * MS, 1000 * MS)); /* once */
    t += 3000 * MS;
    assert_true(pkt(f, t, 64, 0, &n) & MC_FLOW_RESUMED);
    assert_int_equal(n.gap_ns, 3000 * MS);
    assert_int_equal(f->gaps, 1);
    assert_int_equal(f->max_gap_ns, 3000 * MS);
    assert_false(f->silent);
    free(f);
}

/* A stream that stops: silent for max(1 s, 5 x its mean inter-arrival),
 * once per silence; the next packet (or a new flow of the source)
 * resumes it. */
static void test_stops(void **state)
{
    struct mc_flow *f = new_flow(), *g = new_flow();
    struct mc_flow_news n;
    int64_t t = 5000 * MS;

    (void)state;
    assert_int_equal(mc_flow_stop_threshold_ns(f), 1000 * MS); /* no IAT */
    assert_false(mc_flow_stopped(f, t + 5000 * MS));           /* no packet */
    for (int i = 0; i < 5; i++)
        pkt(f, t += 10 * MS, 64, 0, &n);
    assert_int_equal(mc_flow_stop_threshold_ns(f), 1000 * MS); /* 5 x 10 ms */
    assert_false(mc_flow_stopped(f, t + 1000 * MS));
    assert_true(mc_flow_stopped(f, t + 1000 * MS + 1));
    assert_false(mc_flow_stopped(f, t + 9000 * MS)); /* once */
    assert_int_equal(f->stops, 1);
    assert_int_equal(f->stop_last_ns, t);
    assert_int_equal(f->stopped_ns, t + 1000 * MS + 1);
    t += 1500 * MS;
    assert_true(pkt(f, t, 64, 0, &n) & MC_FLOW_RESTARTED);
    assert_int_equal(n.gap_ns, 1500 * MS);
    assert_false(f->stopped);
    /* the gap counts in the mean: (4 x 10 + 1500) / 5 ms = 308 ms,
     * x 5 = 1540 ms */
    assert_int_equal(mc_flow_stop_threshold_ns(f), 1540 * MS);
    assert_false(mc_flow_stopped(f, t + 1540 * MS));
    assert_true(mc_flow_stopped(f, t + 1541 * MS));
    /* a new flow of the source resumes the stopped one */
    memset(&n, 0, sizeof n);
    pkt(g, t + 2000 * MS, 64, 0, &n);
    assert_int_equal(mc_flow_supersede(f, t + 2000 * MS, &n),
                     MC_FLOW_RESTARTED);
    assert_int_equal(n.gap_ns, 2000 * MS);
    assert_false(f->stopped);
    assert_int_equal(mc_flow_supersede(f, t + 2001 * MS, &n), 0);
    free(f);
    free(g);
}

static void test_peaks(void **state)
{
    struct mc_flow *f = new_flow();
    struct mc_flow_news n;
    int64_t t = 10000 * MS;

    (void)state;
    /* 100 pps steady for a second, then a burst of 20 in 1 ms */
    for (int i = 0; i < 100; i++)
        pkt(f, t += 10 * MS, 64, 0, &n);
    for (int i = 0; i < 20; i++)
        pkt(f, t + 5 * MS + i * 50 * US, 64, 0, &n);
    assert_true(mc_flow_peak_pps(f, 10) >= 2000.0); /* 20 in one 10 ms */
    assert_true(mc_flow_peak_pps(f, 100) >= 200.0); /* 21 in 100 ms */
    assert_true(mc_flow_peak_pps(f, 100) <= 220.0);
    assert_true(mc_flow_peak_pps(f, 5) == 0);
    free(f);
}

static void test_path_values(void **state)
{
    struct mc_flow *f = new_flow();
    struct mc_flow_news n;
    int64_t t = 0;

    (void)state;
    for (int i = 0; i < 5; i++)
        assert_int_equal(pkt(f, t += MS, 64, 0, &n) &
                             (MC_FLOW_HOPLIMIT | MC_FLOW_TCLASS),
                         0);
    assert_int_equal(pkt(f, t += MS, 63, 0, &n) & MC_FLOW_HOPLIMIT,
                     MC_FLOW_HOPLIMIT);
    assert_int_equal(n.hl_old, 64);
    assert_int_equal(n.hl_new, 63);
    assert_int_equal(pkt(f, t += MS, 63, 0xb8, &n) & MC_FLOW_TCLASS,
                     MC_FLOW_TCLASS);
    for (int v = 1; v <= 6; v++) /* more values than rows: other */
        pkt(f, t += MS, v, 0xb8, &n);
    assert_int_equal(f->hoplimit.n, MC_FLOW_VALUES);
    assert_int_equal(f->hoplimit.v[0].value, 64);
    assert_int_equal(f->hoplimit.v[0].packets, 5);
    assert_int_equal(f->hoplimit.v[1].packets, 2);
    assert_int_equal(f->hoplimit.other, 4);
    assert_int_equal(f->hoplimit.changes, 7);
    assert_int_equal(f->tclass.changes, 1);
    free(f);
}

static void test_source_flows_capped(void **state)
{
    struct mc_group_stats *g = mc_group_stats_new(4);
    struct mc_cmsg cm = {0};
    struct mc_flow_news n;
    const struct mc_source_stats *s;
    uint8_t b[40] = {0};

    (void)state;
    assert_non_null(g);
    cm.src.family = AF_INET;
    inet_pton(AF_INET, "10.0.0.1", &cm.src.u.v4);
    for (uint16_t port = 1000; port < 1000 + MC_STATS_MAX_FLOWS + 3; port++) {
        cm.src_port = port;
        for (int i = 0; i < 2; i++) {
            mc_group_stats_rx(g, &cm, sizeof b, NULL, i * MS, i * MS);
            mc_group_stats_flow(g, &cm, b, sizeof b, sizeof b, i * MS, &n);
        }
    }
    s = mc_group_stats_source(g, 0);
    assert_non_null(s);
    assert_int_equal(mc_group_stats_source_count(g), 1);
    assert_int_equal(mc_source_flow_count(s), MC_STATS_MAX_FLOWS + 1);
    assert_int_equal(mc_source_flow(s, 0)->sport, 1000);
    assert_int_equal(mc_source_flow(s, 0)->packets, 2);
    assert_int_equal(mc_source_flow(s, MC_STATS_MAX_FLOWS)->sport, 0);
    assert_int_equal(mc_source_flow(s, MC_STATS_MAX_FLOWS)->packets, 6);
    assert_null(mc_source_flow(s, MC_STATS_MAX_FLOWS + 1));
    mc_group_stats_free(g);
}

static void test_source_flows_seq_sum(void **state)
{
    struct mc_group_stats *g = mc_group_stats_new(0);
    struct mc_cmsg cm = {0};
    struct mc_flow_news n;
    struct mc_seq_stats q;
    struct mc_analyze_cfg cfg = {.mode = MC_ANALYZE_SEQ, .seq_width = 8};
    uint8_t b[4] = {0};

    (void)state;
    assert_non_null(g);
    mc_group_stats_set_analysis(g, &cfg, 0);
    cm.src.family = AF_INET;
    inet_pton(AF_INET, "10.0.0.2", &cm.src.u.v4);
    /* port 1: 0 1 3 (2 lost); port 2: 5 5 6 (a duplicate) */
    const uint8_t seq1[] = {0, 1, 3}, seq2[] = {5, 5, 6};
    for (int i = 0; i < 3; i++) {
        cm.src_port = 1;
        b[0] = seq1[i];
        mc_group_stats_rx(g, &cm, 4, NULL, i, i);
        mc_group_stats_flow(g, &cm, b, 4, 4, i, &n);
        cm.src_port = 2;
        b[0] = seq2[i];
        mc_group_stats_rx(g, &cm, 4, NULL, i, i);
        mc_group_stats_flow(g, &cm, b, 4, 4, i, &n);
    }
    mc_source_flows_seq(mc_group_stats_source(g, 0), &q);
    assert_true(q.known);
    assert_int_equal(q.lost, 1);
    assert_int_equal(q.duplicates, 1);
    assert_int_equal(q.received, 5);
    mc_group_stats_free(g);
}

/* One RTP packet (PCMU, 20 ms) from port 4000 of 10.0.0.3 into g at t. */
static int rtp_in(struct mc_group_stats *g, uint32_t ssrc, uint16_t seq,
                  uint32_t i, uint16_t port, struct mc_flow_news *n)
{
    struct mc_cmsg cm = {0};
    struct mc_rtp_hdr h = {.pt = 0, .seq = seq, .ts = 160 * i, .ssrc = ssrc};
    uint8_t b[172];

    memset(b, 0x7f, sizeof b);
    assert_int_equal(mc_rtp_write(&h, b, sizeof b), MC_RTP_HDRLEN);
    cm.src.family = AF_INET;
    inet_pton(AF_INET, "10.0.0.3", &cm.src.u.v4);
    cm.src_port = port;
    mc_group_stats_rx(g, &cm, sizeof b, NULL, i * 20 * MS, i * 20 * MS);
    return mc_group_stats_flow(g, &cm, b, sizeof b, sizeof b, i * 20 * MS, n);
}

static void rtp_of(const struct mc_flow *f, struct mc_an_report *r)
{
    assert_non_null(f);
    mc_analysis_get(&f->an, r);
    assert_int_equal(r->payload, MC_PAYLOAD_RTP);
    assert_true(r->rtp_known);
}

/* Two SSRCs interleaved on one port from the first packet: two flows,
 * each with its own sequence; no SSRC change. */
static void test_flows_by_ssrc_interleaved(void **state)
{
    struct mc_group_stats *g = mc_group_stats_new(0);
    const struct mc_source_stats *s;
    struct mc_flow_news n;
    struct mc_an_report a, b;
    int news = 0;

    (void)state;
    assert_non_null(g);
    /* A: seq 100.., 40 packets, 7 and 8 dropped; B: seq 9000.., 40, 20
     * dropped */
    for (uint32_t i = 0; i < 40; i++) {
        if (i != 7 && i != 8)
            news |= rtp_in(g, 0xaaaa0001, (uint16_t)(100 + i), i, 4000, &n);
        if (i != 20)
            news |= rtp_in(g, 0xbbbb0002, (uint16_t)(9000 + i), i, 4000, &n);
    }
    assert_false(news & MC_AN_SSRC_CHANGE);
    s = mc_group_stats_source(g, 0);
    assert_int_equal(mc_source_flow_count(s), 2);
    assert_int_equal(mc_source_flow(s, 0)->sport, 4000);
    assert_int_equal(mc_source_flow(s, 1)->sport, 4000);
    assert_int_equal(mc_source_flow(s, 0)->packets, 38);
    assert_int_equal(mc_source_flow(s, 1)->packets, 39);
    rtp_of(mc_source_flow(s, 0), &a);
    rtp_of(mc_source_flow(s, 1), &b);
    assert_int_equal(a.rtp.ssrc, 0xaaaa0001);
    assert_int_equal(b.rtp.ssrc, 0xbbbb0002);
    assert_int_equal(a.rtp.expected, 40);
    assert_int_equal(a.rtp.lost, 2);
    assert_int_equal(b.rtp.expected, 40);
    assert_int_equal(b.rtp.lost, 1);
    assert_int_equal(a.rtp.ssrc_changes + b.rtp.ssrc_changes, 0);
    /* both arrive every 20 ms: the clock says no jitter */
    assert_true(a.rtp.max_jitter_ms < 1e-9 && b.rtp.max_jitter_ms < 1e-9);
    mc_group_stats_free(g);
}

/* One SSRC stops, another starts on the port: two flows and one SSRC
 * change, with the old and the new SSRC. */
static void test_flows_ssrc_change(void **state)
{
    struct mc_group_stats *g = mc_group_stats_new(0);
    const struct mc_source_stats *s;
    struct mc_flow_news n;
    int changes = 0;

    (void)state;
    assert_non_null(g);
    for (uint32_t i = 0; i < 20; i++) {
        uint32_t ssrc = i < 10 ? 0xaaaa0001 : 0xbbbb0002;

        if (rtp_in(g, ssrc, (uint16_t)(i < 10 ? 65530 + i : 7 + i), i, 4000,
                   &n) &
            MC_AN_SSRC_CHANGE) {
            changes++;
            assert_int_equal(i, 10);
            assert_int_equal(n.ssrc_old, 0xaaaa0001);
            assert_int_equal(n.ssrc_new, 0xbbbb0002);
        }
    }
    assert_int_equal(changes, 1);
    s = mc_group_stats_source(g, 0);
    assert_int_equal(mc_source_flow_count(s), 2);
    assert_int_equal(mc_source_flow(s, 0)->packets, 10);
    assert_int_equal(mc_source_flow(s, 1)->packets, 10);
    assert_true(mc_source_flow(s, 0)->keyed);
    assert_int_equal(mc_source_flow(s, 1)->ssrc, 0xbbbb0002);
    mc_group_stats_free(g);
}

/* RTP-looking packets whose SSRC never repeats: at most
 * MC_STATS_PORT_SSRCS flows keyed by SSRC on the port, the rest in one
 * keyed by the port; raw data on another port: one flow; SSRCs over
 * many ports: capped with the other-flows bucket. */
static void test_flows_ssrc_bounded(void **state)
{
    struct mc_group_stats *g = mc_group_stats_new(0);
    const struct mc_source_stats *s;
    struct mc_flow_news n;
    uint64_t sum = 0;
    unsigned k;

    (void)state;
    assert_non_null(g);
    for (uint32_t i = 0; i < 30; i++)
        rtp_in(g, 0x1000 + i * 7919, (uint16_t)(i * 4099), i, 5000, &n);
    s = mc_group_stats_source(g, 0);
    assert_int_equal(mc_source_flow_count(s), MC_STATS_PORT_SSRCS + 1);
    for (k = 0; k < mc_source_flow_count(s); k++) {
        assert_int_equal(mc_source_flow(s, k)->sport, 5000);
        assert_int_equal(mc_source_flow(s, k)->keyed, k < MC_STATS_PORT_SSRCS);
        sum += mc_source_flow(s, k)->packets;
    }
    assert_int_equal(sum, 30);
    assert_int_equal(mc_source_flow(s, MC_STATS_PORT_SSRCS)->packets,
                     30 - MC_STATS_PORT_SSRCS);
    /* 4 SSRCs on each of 3 more ports: the cap holds */
    for (uint16_t port = 6000; port < 6003; port++)
        for (uint32_t i = 0; i < 8; i++)
            rtp_in(g, 0xc0de0000 + i % 4, (uint16_t)(i / 4), i, port, &n);
    assert_int_equal(mc_source_flow_count(s), MC_STATS_MAX_FLOWS + 1);
    assert_int_equal(mc_source_flow(s, MC_STATS_MAX_FLOWS)->sport, 0);
    sum = 0;
    for (k = 0; k < mc_source_flow_count(s); k++)
        sum += mc_source_flow(s, k)->packets;
    assert_int_equal(sum, 30 + 3 * 8);
    mc_group_stats_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iat_and_histogram),
        cmocka_unit_test(test_gaps),
        cmocka_unit_test(test_stops),
        cmocka_unit_test(test_peaks),
        cmocka_unit_test(test_path_values),
        cmocka_unit_test(test_source_flows_capped),
        cmocka_unit_test(test_source_flows_seq_sum),
        cmocka_unit_test(test_flows_by_ssrc_interleaved),
        cmocka_unit_test(test_flows_ssrc_change),
        cmocka_unit_test(test_flows_ssrc_bounded),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
