/*
 * libFuzzer target: the RTP parser, and the analysis (with detection)
 * fed a stream of datagrams cut from the input.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *       -Icore/include tests/fuzz/fuzz_rtp.c core/rtp.c core/seq.c \
 *       core/mpegts.c core/probe.c core/analyze.c \
 *       -o /tmp/fuzz_rtp && /tmp/fuzz_rtp -max_total_time=30
 *
 * 1. The whole input is parsed as a UDP payload: the header and payload
 *    lengths must lie within it, and a re-written fixed header must parse
 *    to the same fields.
 * 2. The input is then cut into datagrams (a length byte, then that many
 *    bytes), each fed to one analysis in mode auto and one in mode rtp,
 *    checking the counting invariants after each.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/analyze.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_parse(const uint8_t *data, size_t size)
{
    struct mc_rtp_hdr h, again;
    uint8_t b[MC_RTP_HDRLEN];

    if (mc_rtp_parse(data, size, &h) != 0)
        return;
    if (h.hdrlen < MC_RTP_HDRLEN || h.hdrlen + h.payload_len > size)
        abort();
    if (mc_rtp_write(&h, b, sizeof b) != MC_RTP_HDRLEN ||
        mc_rtp_parse(b, sizeof b, &again) != 0)
        abort();
    if (again.seq != h.seq || again.ts != h.ts || again.ssrc != h.ssrc ||
        again.pt != h.pt || again.marker != h.marker)
        abort();
}

static void check(const struct mc_analysis *a)
{
    struct mc_an_report r;

    mc_analysis_get(a, &r);
    if (r.seq_known &&
        (r.seq.expected != r.seq.received + r.seq.lost ||
         r.seq.packets != r.seq.received + r.seq.duplicates + r.seq.too_old))
        abort();
    if (r.rtp_known && r.rtp.jitter_known &&
        (r.rtp.jitter_ms < 0 || r.rtp.mean_jitter_ms > r.rtp.max_jitter_ms))
        abort();
    if (r.ts_known && r.ts.npids > MC_TS_MAX_PIDS)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct mc_analysis a, b;
    int64_t t = 0;

    check_parse(data, size);
    mc_analysis_free(&a); /* the last input's */
    mc_analysis_free(&b);
    mc_analysis_init(&a, &(struct mc_analyze_cfg){.mode = MC_ANALYZE_AUTO});
    mc_analysis_init(&b, &(struct mc_analyze_cfg){.mode = MC_ANALYZE_RTP,
                                                  .rtp_clock_hz = 90000});
    while (size > 0) {
        size_t n = data[0];
        struct mc_an_pkt p;

        data++, size--;
        if (n > size)
            n = size;
        t += 1000000 + (n << 10);
        p = (struct mc_an_pkt){.data = data, .len = n, .real_ns = t};
        mc_analysis_packet(&a, &p);
        mc_analysis_packet(&b, &p);
        check(&a);
        check(&b);
        data += n, size -= n;
    }
    return 0;
}
