/*
 * libFuzzer target: the MPEG-TS analysis on datagrams cut from the input.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *       -Icore/include tests/fuzz/fuzz_mpegts.c core/mpegts.c \
 *       -o /tmp/fuzz_mpegts && /tmp/fuzz_mpegts -max_total_time=30
 *
 * The input is a stream of datagrams: two bytes (a length in TS packets,
 * an arrival step in ms), then that many packets' worth of bytes, whose
 * first byte is forced to the sync byte unless the length byte is odd,
 * so that most packets reach the counter, table and PCR code.  The
 * counting invariants are checked after each datagram.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/mpegts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct mc_mpegts *t, uint64_t fed)
{
    struct mc_mpegts_stats st;
    struct mc_ts_pid_stats ps;
    uint64_t sum = 0, errs = 0;

    mc_mpegts_get(t, &st);
    if (st.packets != fed || st.npids > MC_TS_MAX_PIDS)
        abort();
    for (unsigned i = 0; mc_mpegts_pid(t, i, 0, &ps); i++) {
        sum += ps.packets;
        errs += ps.cc_errors;
    }
    if (sum + st.other_pid_packets + st.sync_errors < st.packets)
        abort();
    if (errs != st.cc_errors || st.max_pcr_interval_ms < 0)
        abort();
    if (st.df_known && !(st.mdi_df_ms >= 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mc_mpegts t;
    static uint8_t buf[8 * MC_TS_PKTLEN];
    int64_t at = 0;
    uint64_t fed = 0;

    mc_mpegts_init(&t);
    while (size >= 2) {
        size_t n = (size_t)(data[0] % 8) * MC_TS_PKTLEN;
        bool raw = data[0] & 1;

        at += (int64_t)data[1] * 1000000;
        data += 2, size -= 2;
        if (n > size)
            n = size;
        memcpy(buf, data, n);
        for (size_t off = 0; !raw && off < n; off += MC_TS_PKTLEN)
            buf[off] = MC_TS_SYNC;
        mc_mpegts_feed(&t, buf, n, at);
        fed += n / MC_TS_PKTLEN; /* a partial packet is a sync error */
        check(&t, fed);
        (void)mc_mpegts_detect(buf, n);
        data += n, size -= n;
    }
    return 0;
}
