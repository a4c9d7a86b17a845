/* Unit tests: the probe payload and per-source sequence analysis. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/probe.h"

#define MS 1000000LL
#define ID_A 0x0123456789abcdefULL
#define ID_B 0xfedcba9876543210ULL

/* A small deterministic generator (xorshift64*), so runs repeat exactly. */
static uint64_t rng_state;

static void rng_seed(uint64_t seed)
{
    rng_state = seed ? seed : 1;
}

static uint64_t rng_next(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Feed seq with a constant 1 ms delay, send times 10 µs apart. */
static enum mc_seq_verdict feed(struct mc_seq *s, uint64_t id, uint64_t seq)
{
    int64_t send = 1700000000LL * 1000 * MS + (int64_t)(seq % 1000000) * 10000;

    return mc_seq_feed(s, id, seq, send, send + MS);
}

static struct mc_seq_stats get(const struct mc_seq *s)
{
    struct mc_seq_stats st;

    mc_seq_get(s, &st);
    return st;
}

/* ---- wire format ---- */

static void test_encode_layout(void **state)
{
    struct mc_probe p = {.flags = 0x5a,
                         .sender_id = 0x0102030405060708ULL,
                         .seq = 0x1112131415161718ULL,
                         .send_ns = 0x2122232425262728LL};
    uint8_t buf[64];
    const uint8_t want[MC_PROBE_HDRLEN] = {
        'M',  'C',  'S',  '1',  1,    0x5a, 0,    0,    0x01, 0x02, 0x03,
        0x04, 0x05, 0x06, 0x07, 0x08, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16,
        0x17, 0x18, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28};

    (void)state;
    memset(buf, 0xee, sizeof buf);
    assert_int_equal(mc_probe_encode(&p, buf, sizeof buf), sizeof buf);
    assert_memory_equal(buf, want, sizeof want);
    for (size_t i = MC_PROBE_HDRLEN; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0); /* padding */
}

static void test_round_trip(void **state)
{
    const struct mc_probe cases[] = {
        {.sender_id = 0, .seq = 0, .send_ns = 0},
        {.flags = 0xff,
         .sender_id = UINT64_MAX,
         .seq = UINT64_MAX,
         .send_ns = INT64_MAX},
        {.sender_id = ID_A, .seq = 42, .send_ns = INT64_MIN},
        {.sender_id = ID_B, .seq = 1ULL << 63, .send_ns = -1},
    };
    const size_t sizes[] = {MC_PROBE_HDRLEN, 33, 64, 1472, 9000};
    static uint8_t buf[9000];

    (void)state;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
            struct mc_probe out;

            assert_int_equal(mc_probe_encode(&cases[c], buf, sizes[z]),
                             sizes[z]);
            assert_int_equal(mc_probe_decode(buf, sizes[z], &out), 0);
            assert_int_equal(out.version, MC_PROBE_VERSION);
            assert_int_equal(out.flags, cases[c].flags);
            assert_true(out.sender_id == cases[c].sender_id);
            assert_true(out.seq == cases[c].seq);
            assert_true(out.send_ns == cases[c].send_ns);
        }
    }
}

static void test_encode_too_small(void **state)
{
    struct mc_probe p = {.seq = 1};
    uint8_t buf[MC_PROBE_HDRLEN];

    (void)state;
    memset(buf, 0xee, sizeof buf);
    assert_int_equal(mc_probe_encode(&p, buf, MC_PROBE_HDRLEN - 1), 0);
    assert_int_equal(mc_probe_encode(&p, buf, 0), 0);
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0xee);
}

static void test_decode_not_probe(void **state)
{
    struct mc_probe p = {.sender_id = ID_A, .seq = 7, .send_ns = 9};
    struct mc_probe out, untouched;
    uint8_t buf[64], bad[64];

    (void)state;
    mc_probe_encode(&p, buf, sizeof buf);
    memset(&untouched, 0x77, sizeof untouched);

    /* every length short of the header, even with a valid start */
    for (size_t len = 0; len < MC_PROBE_HDRLEN; len++) {
        out = untouched;
        assert_int_equal(mc_probe_decode(buf, len, &out), -EINVAL);
        assert_memory_equal(&out, &untouched, sizeof out);
    }
    assert_int_equal(mc_probe_decode(NULL, 64, &out), -EINVAL);

    /* each magic byte wrong, and the version wrong */
    for (size_t i = 0; i < 5; i++) {
        memcpy(bad, buf, sizeof bad);
        bad[i] ^= 0x20;
        assert_int_equal(mc_probe_decode(bad, sizeof bad, &out), -EINVAL);
    }
    memcpy(bad, buf, sizeof bad);
    bad[4] = 0;
    assert_int_equal(mc_probe_decode(bad, sizeof bad, &out), -EINVAL);
    bad[4] = MC_PROBE_VERSION + 1;
    assert_int_equal(mc_probe_decode(bad, sizeof bad, &out), -EINVAL);

    /* plain text and all-zero payloads (iperf, ssmping, ...) */
    memset(bad, 0, sizeof bad);
    assert_int_equal(mc_probe_decode(bad, sizeof bad, &out), -EINVAL);
    memcpy(bad, "hello multicast world, this is no probe at all!", 48);
    assert_int_equal(mc_probe_decode(bad, 48, &out), -EINVAL);

    /* flags and reserved bytes do not matter; padding is not checked */
    memcpy(bad, buf, sizeof bad);
    bad[6] = 0xff;
    bad[7] = 0xff;
    bad[40] = 0xab;
    assert_int_equal(mc_probe_decode(bad, sizeof bad, &out), 0);
    assert_true(out.seq == 7);
}

static void test_decode_garbage(void **state)
{
    uint8_t buf[80];
    struct mc_probe out;
    unsigned ok = 0;

    (void)state;
    rng_seed(99);
    for (int n = 0; n < 100000; n++) {
        size_t len = rng_next() % sizeof buf;

        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)rng_next();
        if (n % 4 == 0 && len >= 5) /* often a right magic */
            memcpy(buf, "MCS1\x01", 5);
        if (mc_probe_decode(buf, len, &out) == 0) {
            assert_true(len >= MC_PROBE_HDRLEN);
            assert_memory_equal(buf, "MCS1\x01", 5);
            ok++;
        }
    }
    assert_true(ok > 0);
}

/* ---- sequence analysis ---- */

static void test_in_order(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    mc_seq_init(&s);
    st = get(&s);
    assert_false(st.known);
    assert_false(st.delay_known);
    assert_false(st.jitter_known);

    assert_int_equal(feed(&s, ID_A, 1000), MC_SEQ_FIRST);
    for (uint64_t i = 1001; i < 11000; i++)
        assert_int_equal(feed(&s, ID_A, i), MC_SEQ_NEXT);
    st = get(&s);
    assert_true(st.known);
    assert_int_equal(st.packets, 10000);
    assert_int_equal(st.received, 10000);
    assert_int_equal(st.expected, 10000);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.duplicates, 0);
    assert_int_equal(st.reordered, 0);
    assert_int_equal(st.too_old, 0);
    assert_int_equal(st.runs, 1);
    assert_int_equal(st.highest, 10999);
    assert_true(st.sender_id == ID_A);
}

/* N packets, k of them dropped at random (never the first or the last:
 * loss before the first or after the last packet received is invisible). */
static void run_drops(uint64_t seed, uint64_t first, unsigned n, unsigned k)
{
    struct mc_seq s;
    struct mc_seq_stats st;
    bool *drop = calloc(n, sizeof *drop);
    unsigned dropped = 0;

    assert_non_null(drop);
    rng_seed(seed);
    while (dropped < k) {
        unsigned i = 1 + (unsigned)(rng_next() % (n - 2));

        if (!drop[i]) {
            drop[i] = true;
            dropped++;
        }
    }
    mc_seq_init(&s);
    for (unsigned i = 0; i < n; i++)
        if (!drop[i])
            feed(&s, ID_A, first + i);
    st = get(&s);
    assert_int_equal(st.lost, k);
    assert_int_equal(st.received, n - k);
    assert_int_equal(st.expected, n);
    assert_int_equal(st.duplicates, 0);
    assert_int_equal(st.reordered, 0);
    free(drop);
}

static void test_random_drops(void **state)
{
    (void)state;
    run_drops(1, 0, 10000, 137);
    run_drops(2, 5, 10000, 1);
    run_drops(3, 77, 100000, 5000); /* 5 % */
    run_drops(4, 0, 2000, 1000);    /* half, bursts longer than 64 bits */
}

static void test_drop_first(void **state)
{
    struct mc_seq s;

    (void)state;
    /* the first packet received defines the start: no loss before it */
    mc_seq_init(&s);
    for (uint64_t i = 3; i < 10; i++)
        feed(&s, ID_A, i);
    assert_int_equal(get(&s).lost, 0);
    /* a long gap: counted exactly, the window is cleared in one go */
    assert_int_equal(feed(&s, ID_A, 10 + 100000), MC_SEQ_GAP);
    assert_int_equal(get(&s).lost, 100000);
}

static void test_duplicates(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    mc_seq_init(&s);
    for (uint64_t i = 0; i < 1000; i++) {
        feed(&s, ID_A, i);
        assert_int_equal(feed(&s, ID_A, i), MC_SEQ_DUPLICATE);
    }
    /* late duplicates, within the window */
    assert_int_equal(feed(&s, ID_A, 0), MC_SEQ_DUPLICATE);
    assert_int_equal(feed(&s, ID_A, 500), MC_SEQ_DUPLICATE);
    st = get(&s);
    assert_int_equal(st.packets, 2002);
    assert_int_equal(st.received, 1000);
    assert_int_equal(st.duplicates, 1002);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.reordered, 0);
}

static void test_duplicates_older_than_window(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;
    const uint64_t n = 3 * MC_SEQ_WINDOW;

    (void)state;
    mc_seq_init(&s);
    for (uint64_t i = 0; i < n; i++)
        feed(&s, ID_A, i);
    /* the oldest number the window still knows */
    assert_int_equal(feed(&s, ID_A, n - MC_SEQ_WINDOW), MC_SEQ_DUPLICATE);
    /* one further back: cannot tell, counted as too old only */
    assert_int_equal(feed(&s, ID_A, n - MC_SEQ_WINDOW - 1), MC_SEQ_TOO_OLD);
    assert_int_equal(feed(&s, ID_A, 10), MC_SEQ_TOO_OLD);
    st = get(&s);
    assert_int_equal(st.packets, n + 3);
    assert_int_equal(st.received, n);
    assert_int_equal(st.duplicates, 1);
    assert_int_equal(st.too_old, 2);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.reordered, 0);
    assert_int_equal(st.runs, 1);

    /* a packet lost, then arriving far too late: stays lost */
    mc_seq_init(&s);
    for (uint64_t i = 0; i < n; i++)
        if (i != 100)
            feed(&s, ID_A, i);
    assert_int_equal(feed(&s, ID_A, 100), MC_SEQ_TOO_OLD);
    assert_int_equal(get(&s).lost, 1);
}

static void test_reorder_neighbours(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    /* 0 2 1 4 3 6 5 ... : every odd packet late by one */
    mc_seq_init(&s);
    feed(&s, ID_A, 0);
    for (uint64_t i = 1; i + 1 < 1000; i += 2) {
        assert_int_equal(feed(&s, ID_A, i + 1), MC_SEQ_GAP);
        assert_int_equal(get(&s).lost, 1); /* provisionally */
        assert_int_equal(feed(&s, ID_A, i), MC_SEQ_LATE);
        assert_int_equal(get(&s).lost, 0); /* restored */
    }
    st = get(&s);
    assert_int_equal(st.received, 999);
    assert_int_equal(st.reordered, 499);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.duplicates, 0);
    /* a duplicate of a late packet is still a duplicate */
    assert_int_equal(feed(&s, ID_A, 997), MC_SEQ_DUPLICATE);
}

static void test_reorder_far(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;
    const uint64_t far = MC_SEQ_WINDOW - 10;

    (void)state;
    /* packet 100 arrives after far: still within the window */
    mc_seq_init(&s);
    for (uint64_t i = 0; i <= far; i++)
        if (i != 100)
            feed(&s, ID_A, i);
    assert_int_equal(get(&s).lost, 1);
    assert_int_equal(feed(&s, ID_A, 100), MC_SEQ_LATE);
    for (uint64_t i = far + 1; i < far + 500; i++)
        feed(&s, ID_A, i);
    st = get(&s);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.reordered, 1);
    assert_int_equal(st.received, far + 500);

    /* reordering and drops together: lost counts only the drops */
    rng_seed(7);
    mc_seq_init(&s);
    {
        uint64_t seqs[4000];
        unsigned n = 0;

        for (uint64_t i = 0; i < 4000; i++)
            if (i % 97 != 13 || i == 3999)
                seqs[n++] = i;
        /* 200 random swaps at distances up to 50 */
        for (int j = 0; j < 200; j++) {
            unsigned a = (unsigned)(rng_next() % (n - 51));
            unsigned b = a + 1 + (unsigned)(rng_next() % 50);
            uint64_t t = seqs[a];

            seqs[a] = seqs[b];
            seqs[b] = t;
        }
        if (seqs[n - 1] != 3999) /* keep the last one last */
            for (unsigned i = 0; i < n; i++)
                if (seqs[i] == 3999) {
                    seqs[i] = seqs[n - 1];
                    seqs[n - 1] = 3999;
                }
        for (unsigned i = 0; i < n; i++)
            feed(&s, ID_A, seqs[i]);
        st = get(&s);
        assert_int_equal(st.received, n);
        assert_int_equal(st.lost, 4000 - n);
        assert_true(st.reordered > 0);
        assert_int_equal(st.duplicates, 0);
    }
}

/* A number entering the window shares its bit with one leaving it. */
static void test_window_aliasing(void **state)
{
    struct mc_seq s;
    const uint64_t w = MC_SEQ_WINDOW;

    (void)state;
    /* step by step: w is late, its bit was 0's */
    mc_seq_init(&s);
    for (uint64_t i = 0; i < w; i++)
        feed(&s, ID_A, i);
    assert_int_equal(feed(&s, ID_A, w + 1), MC_SEQ_GAP);
    assert_int_equal(feed(&s, ID_A, w), MC_SEQ_LATE);
    /* a gap of less than the window, longer than a word */
    assert_int_equal(feed(&s, ID_A, w + 300), MC_SEQ_GAP);
    for (uint64_t i = w + 2; i < w + 300; i++)
        assert_int_equal(feed(&s, ID_A, i), MC_SEQ_LATE);
    /* a gap of more than the window */
    assert_int_equal(feed(&s, ID_A, 3 * w + 5), MC_SEQ_GAP);
    assert_int_equal(feed(&s, ID_A, 3 * w + 3), MC_SEQ_LATE);
    assert_int_equal(feed(&s, ID_A, 2 * w + 6), MC_SEQ_LATE);
    assert_int_equal(feed(&s, ID_A, 2 * w + 5), MC_SEQ_TOO_OLD);
    assert_int_equal(get(&s).duplicates, 0);
    /* 0 .. w + 300 and three more received out of 0 .. 3w + 5 */
    assert_int_equal(get(&s).lost, 3 * w + 6 - (w + 301) - 3);
}

static void test_reorder_before_first(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    /* joined mid-stream: 11 arrives before 10, which is before 12 */
    mc_seq_init(&s);
    assert_int_equal(feed(&s, ID_A, 11), MC_SEQ_FIRST);
    assert_int_equal(feed(&s, ID_A, 10), MC_SEQ_LATE);
    assert_int_equal(feed(&s, ID_A, 12), MC_SEQ_NEXT);
    st = get(&s);
    assert_int_equal(st.received, 3);
    assert_int_equal(st.expected, 3);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.reordered, 1);
}

static void test_sender_restart(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    mc_seq_init(&s);
    for (uint64_t i = 0; i < 500; i++)
        if (i % 100 != 50) /* 5 lost */
            feed(&s, ID_A, i);
    /* restarted sender: new id, numbers from 0 again */
    assert_int_equal(feed(&s, ID_B, 0), MC_SEQ_RESTART);
    for (uint64_t i = 1; i < 300; i++)
        if (i % 100 != 20) /* 3 lost */
            assert_int_equal(feed(&s, ID_B, i),
                             i % 100 == 21 ? MC_SEQ_GAP : MC_SEQ_NEXT);
    /* a straggler of the old run does not switch back */
    assert_int_equal(feed(&s, ID_A, 499), MC_SEQ_TOO_OLD);
    assert_int_equal(feed(&s, ID_B, 300), MC_SEQ_NEXT);
    st = get(&s);
    assert_int_equal(st.runs, 2);
    assert_true(st.sender_id == ID_B);
    assert_int_equal(st.lost, 8);
    assert_int_equal(st.received, 495 + 298);
    assert_int_equal(st.expected, 495 + 298 + 8);
    assert_int_equal(st.too_old, 1);
    assert_int_equal(st.duplicates, 0);
    assert_int_equal(st.reordered, 0);

    /* a third run, started high: no loss counted before its first */
    assert_int_equal(feed(&s, ID_A ^ 1, 1ULL << 40), MC_SEQ_RESTART);
    st = get(&s);
    assert_int_equal(st.runs, 3);
    assert_int_equal(st.lost, 8);
}

static void test_same_id_backwards_jump(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;

    (void)state;
    mc_seq_init(&s);
    for (uint64_t i = 0; i < 20000; i++)
        feed(&s, ID_A, i);
    /* same id, started over at 0: the second packet confirms it */
    assert_int_equal(feed(&s, ID_A, 0), MC_SEQ_TOO_OLD);
    assert_int_equal(feed(&s, ID_A, 1), MC_SEQ_RESYNC);
    for (uint64_t i = 2; i < 100; i++)
        assert_int_equal(feed(&s, ID_A, i), MC_SEQ_NEXT);
    st = get(&s);
    assert_int_equal(st.runs, 2);
    assert_int_equal(st.received, 20100);
    assert_int_equal(st.too_old, 0);
    assert_int_equal(st.lost, 0);
    assert_int_equal(st.duplicates, 0);
    assert_int_equal(st.highest, 99);

    /* lone stragglers far behind do not resync */
    assert_int_equal(feed(&s, ID_A, 100), MC_SEQ_NEXT);
    mc_seq_init(&s);
    for (uint64_t i = 0; i < 20000; i++)
        feed(&s, ID_A, i);
    assert_int_equal(feed(&s, ID_A, 7), MC_SEQ_TOO_OLD);
    assert_int_equal(feed(&s, ID_A, 20000), MC_SEQ_NEXT);
    assert_int_equal(feed(&s, ID_A, 8), MC_SEQ_TOO_OLD);
    assert_int_equal(feed(&s, ID_A, 3), MC_SEQ_TOO_OLD);
    st = get(&s);
    assert_int_equal(st.runs, 1);
    assert_int_equal(st.too_old, 3);
    assert_int_equal(st.lost, 0);
}

static void test_64bit_wrap(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;
    const uint64_t start = UINT64_MAX - 1000;

    (void)state;
    /* through UINT64_MAX -> 0 with drops and a swap across the wrap */
    mc_seq_init(&s);
    for (uint64_t i = 0; i < 3000; i++) {
        uint64_t seq = start + i; /* wraps */

        if (i % 300 == 7 || i == 1000 || i == 1001)
            continue;
        feed(&s, ID_A, seq);
    }
    assert_int_equal(feed(&s, ID_A, start + 1000), MC_SEQ_LATE); /* MAX */
    assert_int_equal(feed(&s, ID_A, start + 1001), MC_SEQ_LATE); /* 0 */
    assert_int_equal(feed(&s, ID_A, UINT64_MAX), MC_SEQ_DUPLICATE);
    st = get(&s);
    assert_int_equal(st.lost, 10);
    assert_int_equal(st.received, 2990);
    assert_int_equal(st.reordered, 2);
    assert_true(st.highest == start + 2999);

    /* large values with a big gap in the middle of 2^63 */
    mc_seq_init(&s);
    feed(&s, ID_A, (1ULL << 63) - 5);
    assert_int_equal(feed(&s, ID_A, (1ULL << 63) + 5), MC_SEQ_GAP);
    assert_int_equal(get(&s).lost, 9);
}

static void test_delay(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;
    const int64_t t0 = 1700000000LL * 1000 * MS;

    (void)state;
    mc_seq_init(&s);
    mc_seq_feed(&s, ID_A, 0, t0, t0 + 2 * MS);
    st = get(&s);
    assert_true(st.delay_known);
    assert_false(st.jitter_known); /* needs two packets */
    mc_seq_feed(&s, ID_A, 1, t0 + MS, t0 + 5 * MS);
    mc_seq_feed(&s, ID_A, 2, t0 + 2 * MS, t0 + 5 * MS);
    mc_seq_feed(&s, ID_A, 2, t0 + 2 * MS, t0 + 9 * MS); /* dup: ignored */
    st = get(&s);
    assert_int_equal(st.delay_min_ns, 2 * MS);
    assert_int_equal(st.delay_max_ns, 4 * MS);
    assert_int_equal(st.delay_avg_ns, 3 * MS);

    /* clocks not shared: the delay may be negative */
    mc_seq_init(&s);
    mc_seq_feed(&s, ID_A, 0, t0, t0 - 5 * MS);
    st = get(&s);
    assert_int_equal(st.delay_min_ns, -5 * MS);
}

static void test_jitter_constant(void **state)
{
    struct mc_seq s;
    struct mc_seq_stats st;
    const int64_t t0 = 1700000000LL * 1000 * MS;

    (void)state;
    mc_seq_init(&s);
    for (uint64_t i = 0; i < 1000; i++) {
        int64_t send = t0 + (int64_t)i * 10 * MS + (int64_t)(i % 3) * 777;

        mc_seq_feed(&s, ID_A, i, send, send + 3 * MS);
    }
    st = get(&s);
    assert_true(st.jitter_known);
    assert_int_equal(st.jitter_ns, 0);
    assert_int_equal(st.delay_min_ns, 3 * MS);
    assert_int_equal(st.delay_max_ns, 3 * MS);
    assert_int_equal(st.delay_avg_ns, 3 * MS);
}

static void test_jitter_alternating(void **state)
{
    struct mc_seq s;
    const int64_t t0 = 1700000000LL * 1000 * MS;
    const int64_t d = 2 * MS; /* delays alternate 1 ms, 3 ms: |D| = 2 ms */
    double ref = 0;           /* RFC 3550 §6.4.1 in exact arithmetic */

    (void)state;
    mc_seq_init(&s);
    for (uint64_t i = 0; i < 400; i++) {
        int64_t send = t0 + (int64_t)i * 10 * MS;
        struct mc_seq_stats st;

        mc_seq_feed(&s, ID_A, i, send, send + MS + (int64_t)(i % 2) * d);
        if (i == 0)
            continue;
        ref += ((double)d - ref) / 16;
        st = get(&s);
        /* A.8's integer form stays within 2 ns of the exact value */
        assert_true(st.jitter_ns >= (int64_t)ref - 2);
        assert_true(st.jitter_ns <= (int64_t)ref + 2);
        if (i == 1)
            assert_int_equal(st.jitter_ns, d / 16);
    }
    /* converged to |D| */
    assert_true(get(&s).jitter_ns >= d - 1);
    assert_true(get(&s).jitter_ns <= d);
}

static void test_verdict_names(void **state)
{
    (void)state;
    assert_string_equal(mc_seq_verdict_name(MC_SEQ_LATE), "late");
    assert_string_equal(mc_seq_verdict_name(MC_SEQ_DUPLICATE), "duplicate");
    assert_string_equal(mc_seq_verdict_name(MC_SEQ_RESYNC), "resync");
    assert_string_equal(mc_seq_verdict_name((enum mc_seq_verdict)99), "?");
}

/* Invariants under random mixtures of everything. */
static void test_invariants(void **state)
{
    struct mc_seq s;
    uint64_t hi = 0, id = ID_A, old_id = ID_B;

    (void)state;
    rng_seed(12345);
    mc_seq_init(&s);
    for (int n = 0; n < 200000; n++) {
        uint64_t r = rng_next();
        uint64_t seq, use = id;
        struct mc_seq_stats st;

        if ((r & 0x3fff) == 0) { /* a restarted sender */
            old_id = id;
            id = rng_next();
            use = id;
        } else if ((r & 0x3fff) == 1) { /* a straggler of the old one */
            use = old_id;
        }
        switch ((r >> 16) % 8) {
        case 0:
            seq = hi - (r >> 24) % 100; /* late or duplicate */
            break;
        case 1:
            seq = hi - (r >> 24) % 10000; /* maybe too old */
            break;
        case 2:
            seq = hi + (r >> 24) % 50; /* gap */
            break;
        default:
            seq = hi + 1;
        }
        if (seq - hi < (1ULL << 63))
            hi = seq;
        feed(&s, use, seq);
        st = get(&s);
        assert_true(st.packets == st.received + st.duplicates + st.too_old);
        assert_true(st.expected == st.received + st.lost);
        assert_true(st.reordered <= st.received);
        assert_true(st.lost < (1ULL << 40)); /* never wrapped below 0 */
    }
    assert_true(get(&s).runs > 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encode_layout),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_encode_too_small),
        cmocka_unit_test(test_decode_not_probe),
        cmocka_unit_test(test_decode_garbage),
        cmocka_unit_test(test_in_order),
        cmocka_unit_test(test_random_drops),
        cmocka_unit_test(test_drop_first),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_duplicates_older_than_window),
        cmocka_unit_test(test_reorder_neighbours),
        cmocka_unit_test(test_reorder_far),
        cmocka_unit_test(test_window_aliasing),
        cmocka_unit_test(test_reorder_before_first),
        cmocka_unit_test(test_sender_restart),
        cmocka_unit_test(test_same_id_backwards_jump),
        cmocka_unit_test(test_64bit_wrap),
        cmocka_unit_test(test_delay),
        cmocka_unit_test(test_jitter_constant),
        cmocka_unit_test(test_jitter_alternating),
        cmocka_unit_test(test_verdict_names),
        cmocka_unit_test(test_invariants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
