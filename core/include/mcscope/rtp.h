/*
 * mcscope core: RTP (RFC 3550) — the fixed header, and the analysis of one
 * flow's RTP packets: SSRC, payload type, clock rate, the sequence (by
 * mcscope/seq.h at 16 bits, the SSRC as the run's id), sequence errors,
 * the largest inter-arrival (max delta) and the interarrival jitter of
 * RFC 3550 §6.4.1 (current, mean and max).
 *
 * Jitter is computed as Wireshark's RTP analysis does, in seconds:
 * D = (R_i - R_{i-1}) - (T_i - T_{i-1}) / clock with R the arrival
 * (kernel) time and T the RTP timestamp, J += (|D| - J) / 16 for every
 * packet after the first that is not a duplicate; the mean is that of J
 * over the same packets.  Without a clock rate (a dynamic payload type and
 * no `analyze … rtp clock HZ`), jitter is unknown.
 *
 * Nothing here reads a clock, allocates or prints.
 */
#ifndef MCSCOPE_RTP_H
#define MCSCOPE_RTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/seq.h"

#define MC_RTP_HDRLEN 12

struct mc_rtp_hdr {
    uint8_t version; /* 2 */
    bool padding, extension, marker;
    uint8_t csrc_count;
    uint8_t pt;
    uint16_t seq;
    uint32_t ts, ssrc;
    size_t hdrlen; /* fixed header + CSRCs + extension: where payload starts */
    size_t payload_len; /* without padding */
};

/*
 * Parse the RTP header of a UDP payload of len bytes.  Returns 0, or
 * -EINVAL when it is not RTP version 2 or its lengths do not fit (CSRCs,
 * extension or padding beyond len).  Never reads past len.
 */
int mc_rtp_parse(const uint8_t *buf, size_t len, struct mc_rtp_hdr *out);

/*
 * Write a 12-byte RTP header (version 2, no CSRC, no extension, no
 * padding; marker, pt, seq, ts, ssrc from h) at buf.  Returns
 * MC_RTP_HDRLEN, or 0 when len is smaller.  For the sender.
 */
size_t mc_rtp_write(const struct mc_rtp_hdr *h, uint8_t *buf, size_t len);

/* The clock rate of a static payload type of RFC 3551 (table 4 and 5),
 * or 0 for dynamic and unassigned types. */
unsigned mc_rtp_static_clock(unsigned pt);

struct mc_rtp {
    struct mc_seq seq;
    unsigned clock_set; /* `analyze … rtp clock`, 0: by payload type */
    bool have;          /* one packet seen */
    uint32_t ssrc;
    uint8_t pt;
    uint64_t ssrc_changes;
    uint64_t seq_errors;
    int64_t last_arrival_ns;
    uint32_t last_ts;
    int64_t max_delta_ns;
    bool have_jitter;
    double jitter_s, max_jitter_s, jitter_sum_s;
    uint64_t jitter_n;
};

struct mc_rtp_stats {
    bool known; /* one RTP packet seen */
    uint32_t ssrc;
    uint8_t pt;
    unsigned clock_hz; /* 0: unknown */
    struct mc_seq_stats seq;
    uint64_t expected, lost, seq_errors, ssrc_changes;
    double max_delta_ms;
    bool jitter_known;
    double jitter_ms, mean_jitter_ms, max_jitter_ms;
};

/* clock_hz: the rate to use whatever the payload type, 0 for RFC 3551's. */
void mc_rtp_init(struct mc_rtp *r, unsigned clock_hz);

/* mc_rtp_feed returns a combination of: */
#define MC_RTP_SSRC_CHANGE 0x1 /* the SSRC changed with this packet */

/* One parsed packet and its arrival time (ns, any clock that does not go
 * backwards within a flow: the kernel stamp). */
int mc_rtp_feed(struct mc_rtp *r, const struct mc_rtp_hdr *h,
                int64_t arrival_ns);

void mc_rtp_get(const struct mc_rtp *r, struct mc_rtp_stats *out);

#endif
