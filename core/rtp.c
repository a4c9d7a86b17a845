/*
 * mcscope core: RTP header parsing and per-flow RTP analysis.  See
 * mcscope/rtp.h.
 */
#include <errno.h>
#include <string.h>

#include "mcscope/rtp.h"

int mc_rtp_parse(const uint8_t *b, size_t len, struct mc_rtp_hdr *out)
{
    struct mc_rtp_hdr h;
    size_t pad = 0;

    if (b == NULL || len < MC_RTP_HDRLEN || (b[0] >> 6) != 2)
        return -EINVAL;
    memset(&h, 0, sizeof h);
    h.version = 2;
    h.padding = (b[0] >> 5) & 1;
    h.extension = (b[0] >> 4) & 1;
    h.csrc_count = b[0] & 0x0f;
    h.marker = b[1] >> 7;
    h.pt = b[1] & 0x7f;
    h.seq = (uint16_t)(b[2] << 8 | b[3]);
    h.ts = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 |
           b[7];
    h.ssrc = (uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 |
             (uint32_t)b[10] << 8 | b[11];
    h.hdrlen = MC_RTP_HDRLEN + 4 * (size_t)h.csrc_count;
    if (h.extension) {
        if (h.hdrlen + 4 > len)
            return -EINVAL;
        h.hdrlen += 4 + 4 * (size_t)(b[h.hdrlen + 2] << 8 | b[h.hdrlen + 3]);
    }
    if (h.hdrlen > len)
        return -EINVAL;
    if (h.padding) {
        pad = b[len - 1];
        if (pad == 0 || pad > len - h.hdrlen)
            return -EINVAL;
    }
    h.payload_len = len - h.hdrlen - pad;
    *out = h;
    return 0;
}

size_t mc_rtp_write(const struct mc_rtp_hdr *h, uint8_t *b, size_t len)
{
    if (len < MC_RTP_HDRLEN)
        return 0;
    b[0] = 2 << 6;
    b[1] = (uint8_t)((h->marker ? 0x80 : 0) | (h->pt & 0x7f));
    b[2] = (uint8_t)(h->seq >> 8);
    b[3] = (uint8_t)h->seq;
    for (int i = 0; i < 4; i++) {
        b[4 + i] = (uint8_t)(h->ts >> (24 - 8 * i));
        b[8 + i] = (uint8_t)(h->ssrc >> (24 - 8 * i));
    }
    return MC_RTP_HDRLEN;
}

unsigned mc_rtp_static_clock(unsigned pt)
{
    /* RFC 3551 tables 4 and 5: audio 0..18, video 25..34 */
    static const unsigned clock[35] = {
        [0] = 8000,   [3] = 8000,   [4] = 8000,   [5] = 8000,   [6] = 16000,
        [7] = 8000,   [8] = 8000,   [9] = 8000,   [10] = 44100, [11] = 44100,
        [12] = 8000,  [13] = 8000,  [14] = 90000, [15] = 8000,  [16] = 11025,
        [17] = 22050, [18] = 8000,  [25] = 90000, [26] = 90000, [28] = 90000,
        [31] = 90000, [32] = 90000, [33] = 90000, [34] = 90000,
    };

    return pt < sizeof clock / sizeof clock[0] ? clock[pt] : 0;
}

void mc_rtp_init(struct mc_rtp *r, unsigned clock_hz)
{
    memset(r, 0, sizeof *r);
    mc_seq_init_width(&r->seq, 16);
    r->clock_set = clock_hz;
}

static unsigned clock_of(const struct mc_rtp *r)
{
    return r->clock_set ? r->clock_set : mc_rtp_static_clock(r->pt);
}

/* RFC 3550 §6.4.1 with times in seconds, as Wireshark's analysis. */
static void jitter(struct mc_rtp *r, const struct mc_rtp_hdr *h,
                   int64_t arrival_ns)
{
    unsigned clock = clock_of(r);
    double d;

    if (clock == 0)
        return;
    d = (double)(arrival_ns - r->last_arrival_ns) / 1e9 -
        (double)(int32_t)(h->ts - r->last_ts) / (double)clock;
    if (d < 0)
        d = -d;
    r->jitter_s += (d - r->jitter_s) / 16.0;
    if (r->jitter_s > r->max_jitter_s)
        r->max_jitter_s = r->jitter_s;
    r->jitter_sum_s += r->jitter_s;
    r->jitter_n++;
    r->have_jitter = true;
}

int mc_rtp_feed(struct mc_rtp *r, const struct mc_rtp_hdr *h,
                int64_t arrival_ns)
{
    enum mc_seq_verdict v = mc_seq_count(&r->seq, h->ssrc, h->seq);
    int flags = 0;
    bool first = !r->have;

    if (v == MC_SEQ_TOO_OLD && r->have && h->ssrc != r->ssrc)
        return 0; /* a straggler of the replaced SSRC */
    if (r->have && h->ssrc != r->ssrc) {
        r->ssrc_changes++;
        flags |= MC_RTP_SSRC_CHANGE;
        first = true; /* timing starts over with the new source */
    } else if (v != MC_SEQ_FIRST && v != MC_SEQ_NEXT) {
        r->seq_errors++;
    }
    if (!first && v != MC_SEQ_DUPLICATE) {
        int64_t delta = arrival_ns - r->last_arrival_ns;

        if (delta > r->max_delta_ns)
            r->max_delta_ns = delta;
        jitter(r, h, arrival_ns);
    }
    r->have = true;
    r->ssrc = h->ssrc;
    r->pt = h->pt;
    if (v != MC_SEQ_DUPLICATE) {
        r->last_arrival_ns = arrival_ns;
        r->last_ts = h->ts;
    }
    return flags;
}

void mc_rtp_get(const struct mc_rtp *r, struct mc_rtp_stats *out)
{
    memset(out, 0, sizeof *out);
    out->known = r->have;
    if (!r->have)
        return;
    out->ssrc = r->ssrc;
    out->pt = r->pt;
    out->clock_hz = clock_of(r);
    mc_seq_get(&r->seq, &out->seq);
    out->expected = out->seq.expected;
    out->lost = out->seq.lost;
    out->seq_errors = r->seq_errors;
    out->ssrc_changes = r->ssrc_changes;
    out->max_delta_ms = (double)r->max_delta_ns / 1e6;
    out->jitter_known = r->have_jitter;
    if (r->have_jitter) {
        out->jitter_ms = r->jitter_s * 1e3;
        out->max_jitter_ms = r->max_jitter_s * 1e3;
        out->mean_jitter_ms = r->jitter_sum_s / (double)r->jitter_n * 1e3;
    }
}
