/* Unit tests: the MPEG-TS analysis (TR 101 290 1.2, 1.4, 2.3; RFC 4445)
 * and the synthetic stream of the sender. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "mcscope/mpegts.h"

#define MS 1000000LL

/* One TS packet of pid: afc 1 payload, 2 adaptation only, 3 both. */
static void pkt(uint8_t *b, unsigned pid, unsigned afc, unsigned cc,
                bool discontinuity)
{
    memset(b, 0xff, MC_TS_PKTLEN);
    b[0] = MC_TS_SYNC;
    b[1] = (uint8_t)(pid >> 8 & 0x1f);
    b[2] = (uint8_t)pid;
    b[3] = (uint8_t)(afc << 4 | cc);
    if (afc & 2) {
        b[4] = 1;
        b[5] = discontinuity ? 0x80 : 0;
    }
}

/* Feed one packet alone; returns the cc errors it caused. */
static uint64_t one(struct mc_mpegts *t, unsigned pid, unsigned afc,
                    unsigned cc, bool disc)
{
    uint8_t b[MC_TS_PKTLEN];

    pkt(b, pid, afc, cc, disc);
    return mc_mpegts_feed(t, b, sizeof b, 0);
}

static void test_cc_rules(void **state)
{
    struct mc_mpegts t;
    struct mc_mpegts_stats st;
    struct mc_ts_pid_stats ps;

    (void)state;
    mc_mpegts_init(&t);
    assert_int_equal(one(&t, 0x100, 1, 14, false), 0); /* first */
    assert_int_equal(one(&t, 0x100, 1, 15, false), 0);
    assert_int_equal(one(&t, 0x100, 1, 0, false), 0); /* wraps */
    assert_int_equal(one(&t, 0x100, 1, 0, false), 0); /* one repeat */
    assert_int_equal(one(&t, 0x100, 1, 0, false), 1); /* a second: error */
    assert_int_equal(one(&t, 0x100, 2, 0, false), 0); /* adaptation only */
    assert_int_equal(one(&t, 0x100, 2, 1, false), 1); /* must not advance */
    assert_int_equal(one(&t, 0x100, 3, 2, false), 0);
    assert_int_equal(one(&t, 0x100, 1, 6, false), 1); /* 3, 4, 5 skipped */
    assert_int_equal(one(&t, 0x100, 3, 11, true), 0); /* discontinuity */
    assert_int_equal(one(&t, 0x100, 1, 12, false), 0);
    assert_int_equal(one(&t, 0x1fff, 1, 0, false), 0); /* null PID */
    assert_int_equal(one(&t, 0x1fff, 1, 9, false), 0);
    assert_int_equal(one(&t, 0x101, 1, 3, false), 0); /* another PID */
    mc_mpegts_get(&t, &st);
    assert_int_equal(st.packets, 14);
    assert_int_equal(st.cc_errors, 3);
    assert_int_equal(st.sync_errors, 0);
    assert_int_equal(st.npids, 3);
    assert_int_equal(t.cc_skipped, 3);
    assert_true(mc_mpegts_pid(&t, 0, 0, &ps));
    assert_int_equal(ps.pid, 0x100);
    assert_int_equal(ps.packets, 11);
    assert_int_equal(ps.cc_errors, 3);
    assert_true(mc_mpegts_pid(&t, 2, 0, &ps));
    assert_int_equal(ps.pid, 0x101);
    assert_false(mc_mpegts_pid(&t, 3, 0, &ps));
}

static void test_sync_and_detect(void **state)
{
    uint8_t b[3 * MC_TS_PKTLEN + 10];
    struct mc_mpegts t;
    struct mc_mpegts_stats st;

    (void)state;
    for (int i = 0; i < 3; i++)
        pkt(b + i * MC_TS_PKTLEN, 0x100, 1, (unsigned)i, false);
    assert_true(mc_mpegts_detect(b, 3 * MC_TS_PKTLEN));
    assert_false(mc_mpegts_detect(b, 3 * MC_TS_PKTLEN + 10)); /* partial */
    assert_false(mc_mpegts_detect(b, 100));
    assert_false(mc_mpegts_detect(NULL, 188));
    b[MC_TS_PKTLEN] = 0x48;
    assert_false(mc_mpegts_detect(b, 3 * MC_TS_PKTLEN));
    mc_mpegts_init(&t);
    /* the middle packet lost its sync byte: skipped, so 0 -> 2 is a jump */
    assert_int_equal(mc_mpegts_feed(&t, b, sizeof b, 0), 1);
    mc_mpegts_get(&t, &st);
    assert_int_equal(st.packets, 3);
    assert_int_equal(st.sync_errors, 2); /* the bad one and the partial */
}

static void test_pid_cap(void **state)
{
    struct mc_mpegts t;
    struct mc_mpegts_stats st;

    (void)state;
    mc_mpegts_init(&t);
    for (unsigned pid = 0x20; pid < 0x20 + MC_TS_MAX_PIDS + 6; pid++)
        one(&t, pid, 1, 0, false);
    mc_mpegts_get(&t, &st);
    assert_int_equal(st.npids, MC_TS_MAX_PIDS);
    assert_int_equal(st.other_pid_packets, 6);
    assert_int_equal(st.packets, MC_TS_MAX_PIDS + 6);
}

static void test_generator_tables_and_pcr(void **state)
{
    uint8_t b[7 * MC_TS_PKTLEN + 5];
    struct mc_ts_gen g;
    struct mc_mpegts t;
    struct mc_mpegts_stats st;

    (void)state;
    mc_ts_gen_init(&g);
    mc_mpegts_init(&t);
    assert_int_equal(mc_ts_gen_fill(&g, b, 100, 0), 0);
    /* 30 datagrams, PCR every 10 ms, one 50 ms hole in the PCR */
    for (int i = 0; i < 30; i++) {
        int64_t at = i * 10 * MS + (i >= 20 ? 40 * MS : 0);

        assert_int_equal(
            mc_ts_gen_fill(&g, b, sizeof b, (uint64_t)at * 27 / 1000),
            7 * MC_TS_PKTLEN);
        assert_true(mc_mpegts_detect(b, 7 * MC_TS_PKTLEN));
        assert_int_equal(mc_mpegts_feed(&t, b, 7 * MC_TS_PKTLEN, at), 0);
    }
    mc_mpegts_get(&t, &st);
    assert_int_equal(st.packets, 210);
    assert_int_equal(st.cc_errors, 0);
    assert_true(st.pat_seen);
    assert_true(st.pmt_seen);
    assert_int_equal(st.pcr_pid, MC_TS_GEN_PID);
    assert_true(st.pcr_known);
    assert_true(st.max_pcr_interval_ms > 49.99 &&
                st.max_pcr_interval_ms < 50.01);
    assert_int_equal(st.pcr_over_40ms, 1);
    assert_int_equal(st.npids, 3);
}

static void test_mdi(void **state)
{
    uint8_t b[7 * MC_TS_PKTLEN];
    struct mc_ts_gen g;
    struct mc_mpegts t;
    struct mc_mpegts_stats st;
    int64_t at = 0;

    (void)state;
    mc_ts_gen_init(&g);
    mc_mpegts_init(&t);
    /* 2 s steady at 100 datagrams/s: then DF is one datagram's worth */
    for (int i = 0; i < 201; i++, at += 10 * MS) {
        mc_ts_gen_fill(&g, b, sizeof b, 0);
        mc_mpegts_feed(&t, b, sizeof b, at);
    }
    mc_mpegts_get(&t, &st);
    assert_true(st.df_known);
    /* VB swings by one datagram: 1316 bytes at 131600 B/s = 10 ms */
    assert_true(st.mdi_df_ms > 9.9 && st.mdi_df_ms < 10.1);
    assert_true(st.mdi_mlr < 1e-9);
    /* a second with bursts of 10 back to back every 100 ms, and a
     * datagram lost from the stream every 100 ms (7 TS packets) */
    for (int i = 0; i < 100; i++) {
        mc_ts_gen_fill(&g, b, sizeof b, 0);
        if (i % 10 == 5)
            continue;
        mc_mpegts_feed(&t, b, sizeof b, at + (i / 10) * 100 * MS);
    }
    at += 1000 * MS;
    mc_ts_gen_fill(&g, b, sizeof b, 0);
    mc_mpegts_feed(&t, b, sizeof b, at); /* closes the interval */
    mc_mpegts_get(&t, &st);
    assert_true(st.mdi_df_ms > 80); /* 9 datagrams at once: ~90 ms */
    /* 70 TS packets lost in the interval from 2.0 s to 3.01 s */
    assert_true(st.mdi_mlr > 70 / 1.01 - 0.01 && st.mdi_mlr < 70 / 1.01 + 0.01);
    assert_int_equal(st.cc_errors, 10);
}

/* Seeking to datagram n gives the bytes a generator run from 0 gives. */
static void test_generator_seek(void **state)
{
    uint8_t a[7 * MC_TS_PKTLEN], b[7 * MC_TS_PKTLEN];
    struct mc_ts_gen run, seek;
    size_t lens[] = {MC_TS_PKTLEN, 2 * MC_TS_PKTLEN, 7 * MC_TS_PKTLEN};

    (void)state;
    for (unsigned l = 0; l < 3; l++) {
        mc_ts_gen_init(&run);
        for (uint64_t n = 0; n < 45; n++) {
            mc_ts_gen_fill(&run, a, lens[l], n * 1000);
            mc_ts_gen_seek(&seek, lens[l], n);
            mc_ts_gen_fill(&seek, b, lens[l], n * 1000);
            assert_memory_equal(a, b, lens[l]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cc_rules),
        cmocka_unit_test(test_sync_and_detect),
        cmocka_unit_test(test_pid_cap),
        cmocka_unit_test(test_generator_tables_and_pcr),
        cmocka_unit_test(test_mdi),
        cmocka_unit_test(test_generator_seek),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
