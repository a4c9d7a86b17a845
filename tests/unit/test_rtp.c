/* Unit tests: the RTP header parser and the per-flow RTP analysis. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "mcscope/rtp.h"

#define MS 1000000LL

static void test_parse_layout(void **state)
{
    /* V=2 P=1 X=1 CC=1, M=1 PT=96, seq 0x1234, ts, ssrc, 1 CSRC,
     * extension of one word, 3 payload bytes, 2 bytes of padding */
    const uint8_t b[] = {0xb1, 0xe0, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef,
                         0x01, 0x02, 0x03, 0x04, 0xaa, 0xbb, 0xcc, 0xdd,
                         0xbe, 0xde, 0x00, 0x01, 1,    2,    3,    4,
                         'x',  'y',  'z',  0,    2};
    struct mc_rtp_hdr h;

    (void)state;
    assert_int_equal(mc_rtp_parse(b, sizeof b, &h), 0);
    assert_int_equal(h.version, 2);
    assert_true(h.padding);
    assert_true(h.extension);
    assert_true(h.marker);
    assert_int_equal(h.csrc_count, 1);
    assert_int_equal(h.pt, 96);
    assert_int_equal(h.seq, 0x1234);
    assert_int_equal(h.ts, 0xdeadbeef);
    assert_int_equal(h.ssrc, 0x01020304);
    assert_int_equal(h.hdrlen, 24);
    assert_int_equal(h.payload_len, 3);
}

static void test_parse_refusals(void **state)
{
    uint8_t b[40] = {0x80, 33};
    struct mc_rtp_hdr h;

    (void)state;
    assert_int_equal(mc_rtp_parse(b, 12, &h), 0);
    assert_int_equal(h.payload_len, 0);
    assert_int_equal(mc_rtp_parse(b, 11, &h), -EINVAL); /* short */
    assert_int_equal(mc_rtp_parse(NULL, 12, &h), -EINVAL);
    b[0] = 0x40; /* version 1 */
    assert_int_equal(mc_rtp_parse(b, 12, &h), -EINVAL);
    b[0] = 0x8f; /* 15 CSRCs do not fit in 40 bytes */
    assert_int_equal(mc_rtp_parse(b, 40, &h), -EINVAL);
    b[0] = 0x90; /* extension header missing */
    assert_int_equal(mc_rtp_parse(b, 14, &h), -EINVAL);
    b[12] = 0, b[13] = 0, b[14] = 0, b[15] = 9; /* 9 words: too long */
    assert_int_equal(mc_rtp_parse(b, 40, &h), -EINVAL);
    b[0] = 0xa0; /* padding longer than the payload */
    b[19] = 9;
    assert_int_equal(mc_rtp_parse(b, 20, &h), -EINVAL);
    b[19] = 0; /* a padding count of 0 is wrong too */
    assert_int_equal(mc_rtp_parse(b, 20, &h), -EINVAL);
    b[19] = 8;
    assert_int_equal(mc_rtp_parse(b, 20, &h), 0);
    assert_int_equal(h.payload_len, 0);
}

static void test_write_round_trip(void **state)
{
    struct mc_rtp_hdr in = {.marker = true,
                            .pt = 33,
                            .seq = 65535,
                            .ts = 0x89abcdef,
                            .ssrc = 0xcafef00d};
    struct mc_rtp_hdr out;
    uint8_t b[20] = {0};

    (void)state;
    assert_int_equal(mc_rtp_write(&in, b, 11), 0);
    assert_int_equal(mc_rtp_write(&in, b, sizeof b), MC_RTP_HDRLEN);
    assert_int_equal(mc_rtp_parse(b, sizeof b, &out), 0);
    assert_true(out.marker);
    assert_int_equal(out.pt, 33);
    assert_int_equal(out.seq, 65535);
    assert_int_equal(out.ts, 0x89abcdef);
    assert_int_equal(out.ssrc, 0xcafef00d);
    assert_int_equal(out.payload_len, 8);
}

static void test_static_clocks(void **state)
{
    (void)state;
    assert_int_equal(mc_rtp_static_clock(0), 8000);   /* PCMU */
    assert_int_equal(mc_rtp_static_clock(8), 8000);   /* PCMA */
    assert_int_equal(mc_rtp_static_clock(10), 44100); /* L16 stereo */
    assert_int_equal(mc_rtp_static_clock(14), 90000); /* MPA */
    assert_int_equal(mc_rtp_static_clock(33), 90000); /* MP2T */
    assert_int_equal(mc_rtp_static_clock(1), 0);      /* reserved */
    assert_int_equal(mc_rtp_static_clock(96), 0);     /* dynamic */
    assert_int_equal(mc_rtp_static_clock(200), 0);
}

/* Feed seq with timestamp ts (90 kHz) arriving at t ns. */
static int feed(struct mc_rtp *r, uint32_t ssrc, uint16_t seq, uint32_t ts,
                int64_t t)
{
    struct mc_rtp_hdr h = {
        .version = 2, .pt = 33, .seq = seq, .ts = ts, .ssrc = ssrc};

    return mc_rtp_feed(r, &h, t);
}

static void test_steady_stream(void **state)
{
    struct mc_rtp r;
    struct mc_rtp_stats st;

    (void)state;
    mc_rtp_init(&r, 0);
    /* 100 packets every 10 ms, timestamps 900 apart at 90 kHz: no jitter */
    for (int i = 0; i < 100; i++)
        feed(&r, 7, (uint16_t)(65500 + i), (uint32_t)(i * 900),
             1000 * MS + i * 10 * MS);
    mc_rtp_get(&r, &st);
    assert_true(st.known);
    assert_int_equal(st.clock_hz, 90000);
    assert_int_equal(st.expected, 100);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.seq_errors, 0);
    assert_true(st.jitter_known);
    assert_true(st.max_jitter_ms < 1e-9);
    assert_true(st.max_delta_ms > 9.999 && st.max_delta_ms < 10.001);
}

static void test_jitter_by_rfc3550(void **state)
{
    struct mc_rtp r;
    struct mc_rtp_stats st;
    double j = 0, jmax = 0, jsum = 0;

    (void)state;
    mc_rtp_init(&r, 0);
    feed(&r, 7, 0, 0, 0);
    /* every second packet 2 ms late: |D| = 2 ms each time */
    for (int i = 1; i <= 20; i++) {
        feed(&r, 7, (uint16_t)i, (uint32_t)(i * 900),
             i * 10 * MS + (i % 2) * 2 * MS);
        j += (2.0 - j) / 16.0;
        jmax = j > jmax ? j : jmax;
        jsum += j;
    }
    mc_rtp_get(&r, &st);
    assert_true(st.jitter_ms > j - 1e-9 && st.jitter_ms < j + 1e-9);
    assert_true(st.max_jitter_ms > jmax - 1e-9 &&
                st.max_jitter_ms < jmax + 1e-9);
    assert_true(st.mean_jitter_ms > jsum / 20 - 1e-9 &&
                st.mean_jitter_ms < jsum / 20 + 1e-9);
    assert_true(st.max_delta_ms > 11.999 && st.max_delta_ms < 12.001);
}

static void test_loss_dup_swap_and_ssrc(void **state)
{
    /* 0 1 2 4 3 5 5 8 (6, 7 lost), then SSRC 9 from 1000 */
    const uint16_t seqs[] = {0, 1, 2, 4, 3, 5, 5, 8};
    struct mc_rtp r;
    struct mc_rtp_stats st;

    (void)state;
    mc_rtp_init(&r, 0);
    for (unsigned i = 0; i < 8; i++)
        assert_int_equal(
            feed(&r, 7, seqs[i], seqs[i] * 900u, (int64_t)i * 10 * MS), 0);
    mc_rtp_get(&r, &st);
    assert_int_equal(st.expected, 9);
    assert_int_equal(st.lost, 2);
    assert_int_equal(st.seq.duplicates, 1);
    assert_int_equal(st.seq.reordered, 1);
    assert_int_equal(st.seq_errors, 4); /* 4 (jump), 3 (late), 5, 8 */
    assert_int_equal(feed(&r, 9, 1000, 5, 100 * MS), MC_RTP_SSRC_CHANGE);
    assert_int_equal(feed(&r, 7, 9, 9 * 900, 110 * MS), 0); /* straggler */
    assert_int_equal(feed(&r, 9, 1001, 905, 120 * MS), 0);
    mc_rtp_get(&r, &st);
    assert_int_equal(st.ssrc, 9);
    assert_int_equal(st.ssrc_changes, 1);
    assert_int_equal(st.lost, 2);
    assert_int_equal(st.expected, 11);
    assert_int_equal(st.seq_errors, 4);
}

static void test_dynamic_pt_needs_clock(void **state)
{
    struct mc_rtp r;
    struct mc_rtp_stats st;
    struct mc_rtp_hdr h = {.version = 2, .pt = 96, .ssrc = 1};

    (void)state;
    mc_rtp_init(&r, 0);
    for (int i = 0; i < 5; i++) {
        h.seq = (uint16_t)i;
        h.ts = (uint32_t)i * 480;
        mc_rtp_feed(&r, &h, i * 10 * MS);
    }
    mc_rtp_get(&r, &st);
    assert_int_equal(st.clock_hz, 0);
    assert_false(st.jitter_known);
    assert_int_equal(st.lost, 0);
    /* with `rtp clock 48000` it is known, and 0 */
    mc_rtp_init(&r, 48000);
    for (int i = 0; i < 5; i++) {
        h.seq = (uint16_t)i;
        h.ts = (uint32_t)i * 480;
        mc_rtp_feed(&r, &h, i * 10 * MS);
    }
    mc_rtp_get(&r, &st);
    assert_int_equal(st.clock_hz, 48000);
    assert_true(st.jitter_known);
    assert_true(st.max_jitter_ms < 1e-9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_layout),
        cmocka_unit_test(test_parse_refusals),
        cmocka_unit_test(test_write_round_trip),
        cmocka_unit_test(test_static_clocks),
        cmocka_unit_test(test_steady_stream),
        cmocka_unit_test(test_jitter_by_rfc3550),
        cmocka_unit_test(test_loss_dup_swap_and_ssrc),
        cmocka_unit_test(test_dynamic_pt_needs_clock),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
