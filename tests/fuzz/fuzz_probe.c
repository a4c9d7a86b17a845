/*
 * libFuzzer target: the probe decoder and the sequence analysis.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *       -Icore/include tests/fuzz/fuzz_probe.c core/probe.c core/seq.c \
 *       -o /tmp/fuzz_probe && /tmp/fuzz_probe -max_total_time=30
 *
 * 1. The whole input is decoded as a datagram payload; a probe must
 *    re-encode to the same header bytes (reserved bytes aside).
 * 2. The input is then read as a stream of 17-byte records (selector,
 *    seq, time) fed to one struct mc_seq (64 bits wide, or narrower when
 *    the first byte's top bit is set), checking the counting invariants
 *    after each.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t load64(const uint8_t *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof v);
    return v;
}

static void check_decode(const uint8_t *data, size_t size)
{
    struct mc_probe p;
    uint8_t again[MC_PROBE_HDRLEN];

    if (mc_probe_decode(data, size, &p) != 0)
        return;
    if (size < MC_PROBE_HDRLEN || p.version != MC_PROBE_VERSION)
        abort();
    if (mc_probe_encode(&p, again, sizeof again) != sizeof again)
        abort();
    if (memcmp(again, data, 6) != 0 ||
        memcmp(again + 8, data + 8, MC_PROBE_HDRLEN - 8) != 0)
        abort();
}

static void check_invariants(const struct mc_seq *s)
{
    struct mc_seq_stats st;

    mc_seq_get(s, &st);
    if (st.packets != st.received + st.duplicates + st.too_old)
        abort();
    if (st.expected != st.received + st.lost)
        abort();
    if (st.reordered > st.received)
        abort();
    if (st.loss_runs > st.lost || (st.lost > 0 && st.max_loss_run == 0))
        abort();
    if (st.delay_known && (st.delay_min_ns > st.delay_avg_ns ||
                           st.delay_avg_ns > st.delay_max_ns))
        abort();
}

static void feed_records(const uint8_t *data, size_t size)
{
    static const uint64_t ids[4] = {1, 2, 0x8000000000000000ULL, UINT64_MAX};
    struct mc_seq s;
    uint64_t base = 0;

    /* a narrow width (1..64 bits) when the first byte's top bit is set */
    if (size > 0 && (data[0] & 0x80))
        mc_seq_init_width(&s, 1 + data[0] % 64);
    else
        mc_seq_init(&s);
    for (; size >= 17; data += 17, size -= 17) {
        uint8_t sel = data[0];
        uint64_t v = load64(data + 1);
        int64_t t = (int64_t)load64(data + 9);
        uint64_t seq;

        /* small steps around the last seq most of the time, so that
         * late, duplicate and gap cases are reached, raw values else */
        switch ((sel >> 2) & 3) {
        case 0:
            seq = base + (v & 0xff);
            break;
        case 1:
            seq = base - (v & 0x1fff);
            break;
        case 2:
            seq = base + 1;
            break;
        default:
            seq = v;
        }
        base = seq;
        /* receive time: a few ns after t, wrapping like the clock would */
        mc_seq_feed(&s, ids[sel & 3], seq, t,
                    (int64_t)((uint64_t)t + (sel >> 4)));
        check_invariants(&s);
    }
    (void)mc_seq_verdict_name((enum mc_seq_verdict)(base & 15));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_decode(data, size);
    feed_records(data, size);
    return 0;
}
