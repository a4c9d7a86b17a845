/*
 * mcscope core: one flow — a source's packets from one UDP source port,
 * and for RTP from one SSRC — with what is measured for every flow
 * whatever its payload, and its payload analysis (mcscope/analyze.h).
 *
 * The key: (sport, SSRC) for a flow that is keyed (its first packet
 * parsed as RTP version 2, or its analysis decided RTP), sport alone for
 * the others.  mc_flow_rekey keeps the key in step with the analysis;
 * mcscope/stats.h says how packets find their flow.
 *
 * For every flow, from the packets' times (the kernel's receive stamps):
 *   - inter-arrival time min / mean / max and a histogram of
 *     MC_IAT_BUCKETS logarithmic buckets: bucket 0 holds gaps under 2 µs,
 *     bucket k (1 .. MC_IAT_BUCKETS - 2) those of [2^k, 2^(k+1)) µs, the
 *     last everything longer;
 *   - gaps: a silence longer than the gap threshold.  mc_flow_silent
 *     (called on a timer) says once when one starts; the packet that
 *     ends it counts the gap, with its length (MC_FLOW_RESUMED);
 *   - the age of the last packet (by the caller, from last_ns);
 *   - peak rate over 10 ms and 100 ms windows (aligned windows of the
 *     arrival clock: the most packets in one window, as packets a second);
 *   - the hop limit / TTL and traffic class values seen, with counts (up
 *     to MC_FLOW_VALUES distinct ones each, more counted in "other"), and
 *     a change of either from one packet to the next (MC_FLOW_HOPLIMIT,
 *     MC_FLOW_TCLASS, with the old and new value).
 * The struct is about 6 KiB: it is allocated once, with the flow's
 * first packet; nothing is allocated per packet.
 */
#ifndef MCSCOPE_FLOW_H
#define MCSCOPE_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "mcscope/analyze.h"
#include "mcscope/cmsg.h"

#define MC_IAT_BUCKETS 24
#define MC_FLOW_VALUES 4
#define MC_GAP_DEFAULT_MS 1000
/* A stream that stops (querier.h): silent for max(MC_FLOW_STOP_MIN_MS,
 * MC_FLOW_STOP_FACTOR x the mean inter-arrival). */
#define MC_FLOW_STOP_MIN_MS 1000
#define MC_FLOW_STOP_FACTOR 5

struct mc_flow_value {
    int value;
    uint64_t packets;
};

struct mc_flow_values {
    unsigned n;
    struct mc_flow_value v[MC_FLOW_VALUES];
    uint64_t other;
    int last; /* -1: none yet */
    uint64_t changes;
};

struct mc_flow {
    uint16_t sport; /* 0: the other-flows bucket */
    bool keyed;     /* an RTP flow: ssrc is part of the key */
    uint32_t ssrc;
    uint64_t packets, bytes;
    int64_t first_ns, last_ns; /* arrival (kernel stamp), real time */
    /* inter-arrival */
    int64_t iat_min_ns, iat_max_ns;
    double iat_sum_ns;
    uint64_t iat_n;
    uint64_t hist[MC_IAT_BUCKETS];
    /* gaps */
    uint64_t gaps;
    int64_t max_gap_ns;
    bool silent; /* mc_flow_silent said so; not ended yet */
    /* stops (mc_flow_stopped) */
    bool stopped;         /* said so; no packet since */
    uint64_t stops;       /* times it stopped */
    int64_t stopped_ns;   /* when the last stop was declared (real) */
    int64_t stop_last_ns; /* the last packet before it (real) */
    /* peaks */
    int64_t win10, win100; /* the window the counts are of */
    uint64_t cnt10, cnt100, peak10, peak100;
    struct mc_flow_values hoplimit, tclass;
    struct mc_analysis an;
};

/* What one packet did (mc_flow_packet's news). */
#define MC_FLOW_RESUMED 0x100   /* a gap ended: news->gap_ns */
#define MC_FLOW_HOPLIMIT 0x200  /* the hop limit changed: old, new */
#define MC_FLOW_TCLASS 0x400    /* the traffic class changed: old, new */
#define MC_FLOW_RESTARTED 0x800 /* a stop ended (mc_flow_stopped): gap_ns */
/* and the MC_AN_* flags of the analysis (0x1 .. 0x4) */

struct mc_flow_news {
    int flags;
    int64_t gap_ns;
    int hl_old, hl_new, tc_old, tc_new;
    uint32_t ssrc_old, ssrc_new; /* MC_AN_SSRC_CHANGE */
};

void mc_flow_init(struct mc_flow *f, uint16_t sport,
                  const struct mc_analyze_cfg *cfg);
/*
 * One packet: data/len its payload (len the bytes there are), bytes its
 * full length, real_ns its arrival (kernel stamp), cm for hop limit and
 * traffic class, gap_ns the gap threshold.  Fills news; returns
 * news->flags.
 */
int mc_flow_packet(struct mc_flow *f, const struct mc_cmsg *cm,
                   const uint8_t *data, size_t len, size_t bytes,
                   int64_t real_ns, int64_t gap_ns, struct mc_flow_news *news);
/* After a packet: a keyed flow whose analysis decided another payload
 * than RTP is keyed by sport alone from now on; an unkeyed one that
 * decided RTP is keyed by its SSRC. */
void mc_flow_rekey(struct mc_flow *f);
/* The flow's payload (MC_PAYLOAD_UNKNOWN while undecided). */
enum mc_payload mc_flow_payload(const struct mc_flow *f);
/* True once when the flow has been silent for more than gap_ns at
 * now_ns (real time): a gap starts. */
bool mc_flow_silent(struct mc_flow *f, int64_t now_ns, int64_t gap_ns);

/* The silence after which the flow stopped: max(MC_FLOW_STOP_MIN_MS,
 * MC_FLOW_STOP_FACTOR x mean inter-arrival); the minimum before two
 * packets. */
int64_t mc_flow_stop_threshold_ns(const struct mc_flow *f);
/* True once when the flow, which was arriving, has had no packet for
 * longer than its stop threshold at now_ns (real time): it stopped. */
bool mc_flow_stopped(struct mc_flow *f, int64_t now_ns);

/* A new flow of the same source (a sender that restarted on another
 * port): a stopped flow f counts as resumed by it — MC_FLOW_RESTARTED in
 * news with the gap since f's last packet (the flags it added). */
int mc_flow_supersede(struct mc_flow *f, int64_t real_ns,
                      struct mc_flow_news *news);

struct mc_flow_iat {
    bool known; /* two packets seen */
    int64_t min_ns, max_ns;
    double mean_ns;
};
void mc_flow_iat(const struct mc_flow *f, struct mc_flow_iat *out);
/* The lower bound of histogram bucket k, in µs (0 for bucket 0). */
uint64_t mc_iat_bucket_us(unsigned k);
/* Peak packets a second over 10 ms and 100 ms windows. */
double mc_flow_peak_pps(const struct mc_flow *f, unsigned window_ms);

#endif
