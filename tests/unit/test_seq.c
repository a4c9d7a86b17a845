/*
 * Unit tests: the sequence analysis at widths other than the probe's 64
 * bits (RFC 3550 A.1 extension, wrap-around), and loss runs.  The 64-bit
 * rules themselves are tested through the probe in test_probe.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <string.h>

#include "mcscope/seq.h"

static struct mc_seq_stats get(const struct mc_seq *s)
{
    struct mc_seq_stats st;

    mc_seq_get(s, &st);
    return st;
}

/* Feed the numbers of list, in order, with sender id 7. */
static void feed_list(struct mc_seq *s, const uint64_t *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        mc_seq_count(s, 7, list[i]);
}

static void test_wrap_16(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    mc_seq_init_width(&s, 16);
    assert_int_equal(mc_seq_count(&s, 7, 65530), MC_SEQ_FIRST);
    for (uint64_t i = 65531; i < 65536 + 10; i++)
        assert_int_equal(mc_seq_count(&s, 7, i & 0xffff), MC_SEQ_NEXT);
    st = get(&s);
    assert_int_equal(st.received, 16);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.expected, 16);
    assert_int_equal(st.highest, 9);
    /* after the wrap: 9 then 12, 10 and 11 lost */
    assert_int_equal(mc_seq_count(&s, 7, 12), MC_SEQ_GAP);
    assert_int_equal(get(&s).lost, 2);
}

static void test_loss_across_wrap_16(void **state)
{
    const uint64_t list[] = {65533, 65534, 1, 2}; /* 65535 and 0 lost */
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    mc_seq_init_width(&s, 16);
    feed_list(&s, list, 4);
    st = get(&s);
    assert_int_equal(st.lost, 2);
    assert_int_equal(st.expected, 6);
    assert_int_equal(st.loss_runs, 1);
    assert_int_equal(st.max_loss_run, 2);
    /* 65535 arrives late, behind the wrap: a late packet, not a jump */
    assert_int_equal(mc_seq_count(&s, 7, 65535), MC_SEQ_LATE);
    st = get(&s);
    assert_int_equal(st.lost, 1);
    assert_int_equal(st.reordered, 1);
    assert_int_equal(st.loss_runs, 1); /* the hole shrank: 0 still missing */
    assert_int_equal(mc_seq_count(&s, 7, 0), MC_SEQ_LATE);
    st = get(&s);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.loss_runs, 0);
    assert_int_equal(st.max_loss_run, 2); /* as seen when it happened */
}

static void test_late_before_first_across_wrap(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    mc_seq_init_width(&s, 16);
    mc_seq_count(&s, 7, 1);
    mc_seq_count(&s, 7, 2);
    /* 65534: three behind 1, before the first: the run starts there */
    assert_int_equal(mc_seq_count(&s, 7, 65534), MC_SEQ_LATE);
    st = get(&s);
    assert_int_equal(st.expected, 5); /* 65534 65535 0 1 2 */
    assert_int_equal(st.lost, 2);
    assert_int_equal(st.loss_runs, 1);
    assert_int_equal(st.max_loss_run, 2);
}

static void test_duplicates_and_swaps(void **state)
{
    /* 3 duplicated, 5 and 6 swapped, 9 duplicated after 10 */
    const uint64_t list[] = {1, 2, 3, 3, 4, 6, 5, 7, 8, 10, 9, 9, 11};
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    mc_seq_init_width(&s, 16);
    feed_list(&s, list, sizeof list / sizeof list[0]);
    st = get(&s);
    assert_int_equal(st.packets, 13);
    assert_int_equal(st.received, 11);
    assert_int_equal(st.duplicates, 2);
    assert_int_equal(st.reordered, 2);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.loss_runs, 0);
    assert_int_equal(st.max_loss_run, 1);
}

static void test_loss_runs_split(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    mc_seq_init_width(&s, 32);
    mc_seq_count(&s, 7, 100);
    mc_seq_count(&s, 7, 106); /* 101..105 missing: one run of 5 */
    st = get(&s);
    assert_int_equal(st.loss_runs, 1);
    assert_int_equal(st.max_loss_run, 5);
    mc_seq_count(&s, 7, 103); /* splits it: 101-102 and 104-105 */
    assert_int_equal(get(&s).loss_runs, 2);
    mc_seq_count(&s, 7, 101); /* 102 left below 103 */
    assert_int_equal(get(&s).loss_runs, 2);
    mc_seq_count(&s, 7, 102); /* closed */
    assert_int_equal(get(&s).loss_runs, 1);
    mc_seq_count(&s, 7, 110); /* 107..109 */
    st = get(&s);
    assert_int_equal(st.loss_runs, 2);
    assert_int_equal(st.lost, 2 + 3);
    assert_int_equal(st.max_loss_run, 5);
}

static void test_wrap_32_and_narrow(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    mc_seq_init_width(&s, 32);
    mc_seq_count(&s, 1, 0xfffffffe);
    mc_seq_count(&s, 1, 0xffffffff);
    assert_int_equal(mc_seq_count(&s, 1, 0), MC_SEQ_NEXT);
    /* bits above the width are ignored */
    assert_int_equal(mc_seq_count(&s, 1, 0x500000001ULL), MC_SEQ_NEXT);
    st = get(&s);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.highest, 1);

    /* 8 bits: a jump of under half the range is loss */
    mc_seq_init_width(&s, 8);
    mc_seq_count(&s, 1, 250);
    assert_int_equal(mc_seq_count(&s, 1, 10), MC_SEQ_GAP); /* +16 */
    assert_int_equal(get(&s).lost, 15);
    /* 1 bit: every packet is the next */
    mc_seq_init_width(&s, 1);
    for (uint64_t i = 0; i < 10; i++)
        mc_seq_count(&s, 1, i);
    st = get(&s);
    assert_int_equal(st.received, 10);
    assert_int_equal(st.lost, 0);
    /* width 0 and over 64 are 64 */
    mc_seq_init_width(&s, 0);
    mc_seq_count(&s, 1, 0x10000);
    assert_int_equal(mc_seq_count(&s, 1, 0x10001), MC_SEQ_NEXT);
    assert_int_equal(get(&s).highest, 0x10001);
}

static void test_ssrc_change_16(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    mc_seq_init_width(&s, 16);
    for (uint64_t i = 0; i < 10; i++)
        mc_seq_count(&s, 0x1111, i);
    mc_seq_count(&s, 0x1111, 12); /* 10, 11 lost, then the sender changes */
    assert_int_equal(mc_seq_count(&s, 0x2222, 40000), MC_SEQ_RESTART);
    assert_int_equal(mc_seq_count(&s, 0x2222, 40001), MC_SEQ_NEXT);
    assert_int_equal(mc_seq_count(&s, 0x1111, 13), MC_SEQ_TOO_OLD);
    st = get(&s);
    assert_int_equal(st.runs, 2);
    assert_int_equal(st.lost, 2);
    assert_int_equal(st.sender_id, 0x2222);
    assert_int_equal(st.highest, 40001);
}

static void test_resync_16(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    mc_seq_init_width(&s, 16);
    for (uint64_t i = 20000; i < 20010; i++)
        mc_seq_count(&s, 9, i);
    /* the sender starts over 10000 back: two in a row resync */
    assert_int_equal(mc_seq_count(&s, 9, 10000), MC_SEQ_TOO_OLD);
    assert_int_equal(mc_seq_count(&s, 9, 10001), MC_SEQ_RESYNC);
    assert_int_equal(mc_seq_count(&s, 9, 10002), MC_SEQ_NEXT);
    st = get(&s);
    assert_int_equal(st.runs, 2);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.too_old, 0);
    assert_int_equal(st.received, 13);
}

static void test_count_has_no_timing(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    mc_seq_init_width(&s, 16);
    mc_seq_count(&s, 1, 1);
    mc_seq_count(&s, 1, 2);
    st = get(&s);
    assert_false(st.delay_known);
    assert_false(st.jitter_known);
    mc_seq_feed(&s, 1, 3, 1000, 2000);
    mc_seq_feed(&s, 1, 4, 2000, 3500);
    st = get(&s);
    assert_true(st.delay_known);
    assert_int_equal(st.delay_min_ns, 1000);
    assert_int_equal(st.delay_max_ns, 1500);
    assert_true(st.jitter_known);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wrap_16),
        cmocka_unit_test(test_loss_across_wrap_16),
        cmocka_unit_test(test_late_before_first_across_wrap),
        cmocka_unit_test(test_duplicates_and_swaps),
        cmocka_unit_test(test_loss_runs_split),
        cmocka_unit_test(test_wrap_32_and_narrow),
        cmocka_unit_test(test_ssrc_change_16),
        cmocka_unit_test(test_resync_16),
        cmocka_unit_test(test_count_has_no_timing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
