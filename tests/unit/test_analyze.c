/* Unit tests: payload detection and the analyser interface. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/analyze.h"
#include "mcscope/probe.h"

#define MS 1000000LL

static struct mc_analysis *new_analysis(enum mc_analyze_mode mode)
{
    struct mc_analyze_cfg cfg = {.mode = mode};
    struct mc_analysis *a = malloc(sizeof *a);

    assert_non_null(a);
    mc_analysis_init(a, &cfg);
    return a;
}

static int feed(struct mc_analysis *a, const uint8_t *b, size_t len, int64_t t)
{
    struct mc_an_pkt p = {.data = b, .len = len, .real_ns = t};

    return mc_analysis_packet(a, &p);
}

static size_t rtp(uint8_t *b, size_t len, uint16_t seq, uint32_t ssrc,
                  uint8_t pt)
{
    struct mc_rtp_hdr h = {
        .pt = pt, .seq = seq, .ts = seq * 900u, .ssrc = ssrc};

    memset(b, 0, len);
    return mc_rtp_write(&h, b, len) ? len : 0;
}

static void test_detect_rtp_counts_first(void **state)
{
    uint8_t b[172];
    struct mc_analysis *a = new_analysis(MC_ANALYZE_AUTO);
    struct mc_an_report r;

    (void)state;
    assert_int_equal(feed(a, b, rtp(b, sizeof b, 100, 5, 0), 0), 0);
    mc_analysis_get(a, &r);
    assert_int_equal(r.payload, MC_PAYLOAD_UNKNOWN);
    assert_string_equal(mc_payload_name(r.payload), "?");
    assert_int_equal(feed(a, b, rtp(b, sizeof b, 101, 5, 0), 10 * MS),
                     MC_AN_DETECTED);
    for (uint16_t s = 103; s < 110; s++) /* 102 lost */
        feed(a, b, rtp(b, sizeof b, s, 5, 0), s * 10 * MS);
    mc_analysis_get(a, &r);
    assert_int_equal(r.payload, MC_PAYLOAD_RTP);
    assert_true(r.rtp_known);
    assert_true(r.seq_known);
    assert_false(r.ts_known);
    assert_int_equal(r.rtp.expected, 10); /* 100 .. 109 */
    assert_int_equal(r.rtp.lost, 1);
    assert_int_equal(r.rtp.clock_hz, 8000);
    assert_int_equal(feed(a, b, rtp(b, sizeof b, 7, 6, 0), 200 * MS),
                     MC_AN_SSRC_CHANGE);
    mc_analysis_free(a);
    free(a);
}

static void test_detect_rtp_needs_same_ssrc(void **state)
{
    uint8_t b[64];
    struct mc_analysis *a = new_analysis(MC_ANALYZE_AUTO);
    struct mc_an_report r;

    (void)state;
    /* RTP-looking bytes whose SSRC changes every time: never RTP */
    for (uint16_t i = 0; i < MC_DETECT_PACKETS; i++)
        feed(a, b, rtp(b, sizeof b, i, i, 0), i * MS);
    mc_analysis_get(a, &r);
    assert_int_equal(r.payload, MC_PAYLOAD_RAW);
    assert_false(r.seq_known);
    mc_analysis_free(a);
    free(a);
}

static void test_detect_ts_probe(void **state)
{
    uint8_t b[7 * MC_TS_PKTLEN];
    struct mc_ts_gen g;
    struct mc_probe pr = {.sender_id = 1, .seq = 5};
    struct mc_analysis *a = new_analysis(MC_ANALYZE_AUTO);
    struct mc_an_report r;

    (void)state;
    mc_ts_gen_init(&g);
    mc_ts_gen_fill(&g, b, sizeof b, 0);
    assert_int_equal(feed(a, b, sizeof b, 0), MC_AN_DETECTED);
    mc_analysis_get(a, &r);
    assert_int_equal(r.payload, MC_PAYLOAD_MPEGTS);
    assert_true(r.ts_known);
    assert_non_null(r.ts_state);
    assert_int_equal(r.ts.packets, 7);
    assert_false(r.seq_known);

    mc_analysis_free(a);
    mc_analysis_init(a, &(struct mc_analyze_cfg){0});
    mc_probe_encode(&pr, b, 64);
    assert_int_equal(feed(a, b, 64, 0), MC_AN_DETECTED);
    pr.seq = 7;
    mc_probe_encode(&pr, b, 64);
    feed(a, b, 64, MS);
    mc_analysis_get(a, &r);
    assert_int_equal(r.payload, MC_PAYLOAD_PROBE);
    assert_true(r.seq_known);
    assert_int_equal(r.seq.lost, 1);
    mc_analysis_free(a);
    free(a);
}

static void test_ts_inside_rtp(void **state)
{
    uint8_t b[MC_RTP_HDRLEN + 7 * MC_TS_PKTLEN];
    struct mc_ts_gen g;
    struct mc_analysis *a = new_analysis(MC_ANALYZE_RTP);
    struct mc_an_report r;

    (void)state;
    mc_ts_gen_init(&g);
    for (uint16_t i = 0; i < 12; i++) {
        rtp(b, sizeof b, i, 77, 33);
        mc_ts_gen_fill(&g, b + MC_RTP_HDRLEN, sizeof b - MC_RTP_HDRLEN, 0);
        if (i != 4) /* one datagram lost: 7 TS packets */
            feed(a, b, sizeof b, i * MS);
    }
    mc_analysis_get(a, &r);
    assert_int_equal(r.payload, MC_PAYLOAD_RTP);
    assert_int_equal(r.rtp.lost, 1);
    assert_int_equal(r.rtp.clock_hz, 90000);
    assert_true(r.ts_known);
    assert_int_equal(r.ts.packets, 77);
    assert_int_equal(r.ts.cc_errors, 1); /* the elementary PID's jump */
    mc_analysis_free(a);
    free(a);
}

static void test_seq_field(void **state)
{
    struct mc_analyze_cfg cfg = {.mode = MC_ANALYZE_SEQ,
                                 .seq_offset = 2,
                                 .seq_width = 32,
                                 .seq_le = true};
    struct mc_analysis *a = new_analysis(MC_ANALYZE_AUTO);
    struct mc_an_report r;
    uint8_t b[8] = {0};
    const uint32_t seqs[] = {0xfffffffe, 0xffffffff, 1, 1, 2}; /* 0 lost */

    (void)state;
    mc_analysis_free(a);
    mc_analysis_init(a, &cfg);
    for (unsigned i = 0; i < 5; i++) {
        b[2] = (uint8_t)seqs[i];
        b[3] = (uint8_t)(seqs[i] >> 8);
        b[4] = (uint8_t)(seqs[i] >> 16);
        b[5] = (uint8_t)(seqs[i] >> 24);
        feed(a, b, sizeof b, i * MS);
    }
    feed(a, b, 5, 9 * MS); /* too short for the field: not counted */
    mc_analysis_get(a, &r);
    assert_int_equal(r.payload, MC_PAYLOAD_RAW);
    assert_true(r.seq_known);
    assert_int_equal(r.seq.packets, 5);
    assert_int_equal(r.seq.lost, 1);
    assert_int_equal(r.seq.duplicates, 1);
    assert_int_equal(r.seq.highest, 2);
    /* big-endian 16 bits at offset 0 */
    cfg = (struct mc_analyze_cfg){.mode = MC_ANALYZE_SEQ, .seq_width = 16};
    mc_analysis_free(a);
    mc_analysis_init(a, &cfg);
    for (unsigned s = 65534; s < 65540; s++) {
        b[0] = (uint8_t)(s >> 8 & 0xff);
        b[1] = (uint8_t)s;
        if (s != 65536)
            feed(a, b, 2, 0);
    }
    mc_analysis_get(a, &r);
    assert_int_equal(r.seq.lost, 1);
    assert_int_equal(r.seq.received, 5);
    mc_analysis_free(a);
    free(a);
}

static void test_none_and_names(void **state)
{
    uint8_t b[7 * MC_TS_PKTLEN];
    struct mc_ts_gen g;
    struct mc_analysis *a = new_analysis(MC_ANALYZE_NONE);
    struct mc_an_report r;

    (void)state;
    mc_ts_gen_init(&g);
    mc_ts_gen_fill(&g, b, sizeof b, 0);
    assert_int_equal(feed(a, b, sizeof b, 0), 0);
    mc_analysis_get(a, &r);
    assert_int_equal(r.payload, MC_PAYLOAD_RAW);
    assert_false(r.ts_known);
    assert_false(r.seq_known);
    for (int m = MC_ANALYZE_AUTO; m <= MC_ANALYZE_NONE; m++)
        assert_int_equal(mc_analyze_mode_parse(mc_analyze_mode_name(m)), m);
    assert_int_equal(mc_analyze_mode_parse("rtcp"), -1);
    assert_string_equal(mc_payload_name(MC_PAYLOAD_MPEGTS), "mpegts");
    mc_analysis_free(a);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detect_rtp_counts_first),
        cmocka_unit_test(test_detect_rtp_needs_same_ssrc),
        cmocka_unit_test(test_detect_ts_probe),
        cmocka_unit_test(test_ts_inside_rtp),
        cmocka_unit_test(test_seq_field),
        cmocka_unit_test(test_none_and_names),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
