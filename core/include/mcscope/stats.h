/*
 * mcscope core: statistics of one joined group — counters, rate windows,
 * a history ring for sparklines, and a capped per-source table.
 *
 * Time is always passed in by the caller, in nanoseconds: "mono" times on
 * CLOCK_MONOTONIC (counters, rates), "real" times on CLOCK_REALTIME (probe
 * delay).  No function here reads a clock, allocates after a source's
 * first packet, prints or exits.  Monotonic times are expected not to go
 * backwards; a time earlier than one already seen counts in the latest
 * second, and negative times count as 0.
 */
#ifndef MCSCOPE_STATS_H
#define MCSCOPE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"
#include "mcscope/analyze.h"
#include "mcscope/cmsg.h"
#include "mcscope/flow.h"
#include "mcscope/probe.h"

/* ---- rates: a ring of per-second buckets ---- */

#define MC_RATE_SLOTS 64      /* power of two, > MC_RATE_MAX_WINDOW */
#define MC_RATE_MAX_WINDOW 60 /* longest window, seconds */
#define MC_RATE_HISTORY 60    /* longest history, seconds */

struct mc_rate_bucket {
    int64_t sec; /* which second (mono_ns / 1e9) the counts belong to */
    uint64_t packets, bytes;
};

/*
 * Packets and bytes per whole second of CLOCK_MONOTONIC, for the last
 * MC_RATE_SLOTS seconds.  Embedded by value (about 1.6 KiB); fields are
 * private to stats.c.
 *
 * The rate over a window of W seconds read at time now covers the W whole
 * seconds before the current (incomplete) second: [S - W, S) with S =
 * floor(now / 1 s).  It divides by the time actually covered: from the
 * start of measuring (the first packet, or mc_rate_start) when that is
 * later than S - W.  Until one second has been covered the rate is
 * unknown (known == false): dividing by a sliver of a second would
 * mislead.  After silence the rate falls to 0 (known) once the window has
 * passed.
 */
struct mc_rate_long; /* minutes and hours (stats.c), made on first use */

struct mc_rate {
    bool started;
    int64_t start_ns; /* when measuring began */
    int64_t cur_sec;  /* the second the latest add fell in */
    int64_t cur_start_ns;
    struct mc_rate_bucket b[MC_RATE_SLOTS];
    /* The last MC_RATE_SLOTS minutes and hours: allocated by the first
     * mc_rate_add (NULL before, or when out of memory: long_failed). */
    struct mc_rate_long *lg;
    bool long_failed;
};

struct mc_rate_value {
    bool known;       /* false: no data yet, or under a second covered */
    double pps;       /* packets per second */
    double bps;       /* bits per second (bytes * 8) */
    double covered_s; /* the time divided by, <= the window */
    uint64_t packets; /* counted in the window */
    uint64_t bytes;
};

/* mc_rate_init forgets everything but does not free: call mc_rate_free
 * first on a rate that was used (and before its memory goes). */
void mc_rate_init(struct mc_rate *r);
void mc_rate_free(struct mc_rate *r);
/* Start measuring at now if not started yet: a silent source then reads
 * 0 after a second instead of unknown.  mc_rate_add starts it too. */
void mc_rate_start(struct mc_rate *r, int64_t mono_ns);
void mc_rate_add(struct mc_rate *r, int64_t mono_ns, uint64_t packets,
                 uint64_t bytes);
/* The rate over the window_s seconds (1..MC_RATE_MAX_WINDOW) before the
 * current second; out->known is false for other windows. */
void mc_rate_get(const struct mc_rate *r, int64_t now_ns, unsigned window_s,
                 struct mc_rate_value *out);
/*
 * The packet counts of the n (<= MC_RATE_HISTORY) whole seconds before the
 * current one, oldest first: out[n - 1] is the last complete second.
 * Returns how many of the newest entries lie in measured time (the rest,
 * at the front, are 0 because nothing was measured then: draw them blank).
 */
unsigned mc_rate_history(const struct mc_rate *r, int64_t now_ns, uint64_t *out,
                         unsigned n);
/*
 * The same at a coarser step (like bmon): span_s 1 (seconds, as
 * mc_rate_history), 60 (the n whole minutes before the current minute) or
 * 3600 (hours); n <= MC_RATE_HISTORY.  A minute or hour counts every
 * packet added in it.  Returns how many of the newest entries lie in
 * measured time; 0 for another span, and when the minutes and hours could
 * not be kept (out of memory).
 */
#define MC_RATE_SPANS 3
unsigned mc_rate_history_span(const struct mc_rate *r, int64_t now_ns,
                              unsigned span_s, uint64_t *out, unsigned n);

/* ---- counters ---- */

/*
 * Counters of a group, a source, or the other-sources bucket.  "packets"
 * are what the socket delivered, "wire_packets" what the capture saw.
 * The first/last times are valid when the matching count is non-zero.
 */
struct mc_counters {
    uint64_t packets;   /* delivered by the socket */
    uint64_t bytes;     /* their UDP payload lengths, as the caller counts */
    uint64_t truncated; /* delivered cut short (MSG_TRUNC) */
    uint64_t probes;    /* of packets, carrying a valid probe */
    int64_t first_ns, last_ns; /* CLOCK_MONOTONIC, socket packets */
    uint64_t wire_packets, wire_bytes;
    int64_t wire_first_ns, wire_last_ns;
    /* From the last packet, as its control data carried them (a field it
     * did not carry is not in have: never one packet's hop limit next to
     * another's traffic class): */
    unsigned have; /* MC_CM_TCLASS, MC_CM_HOPLIMIT, MC_CM_DST, MC_CM_IFACE */
    int tclass;    /* traffic class / TOS */
    int hoplimit;  /* hop limit / TTL */
    struct mc_addr dst;
    unsigned ifindex;
};

/* ---- a group: totals, a rate ring and the per-source table ---- */

#define MC_STATS_DEFAULT_SOURCES 64
#define MC_STATS_MAX_SOURCES 4096

/* Opaque; owned by whoever called mc_group_stats_new. */
struct mc_group_stats;
/* One source's record; owned by its group, valid until the group is
 * cleared or freed. */
struct mc_source_stats;

/*
 * A group's statistics with room for max_sources sources (0: the default,
 * MC_STATS_DEFAULT_SOURCES).  Packets from further sources are counted in
 * the other-sources bucket, so a storm of fake sources costs no memory.
 * Returns NULL when out of memory or max_sources > MC_STATS_MAX_SOURCES.
 * Free with mc_group_stats_free.
 */
struct mc_group_stats *mc_group_stats_new(unsigned max_sources);
void mc_group_stats_free(struct mc_group_stats *g); /* NULL is allowed */
/* Forget every count and source (the sources' records are freed). */
void mc_group_stats_clear(struct mc_group_stats *g);
/* Start the group's rate at mono_ns (e.g. at join), see mc_rate_start. */
void mc_group_stats_start(struct mc_group_stats *g, int64_t mono_ns);

/* mc_group_stats_rx and _wire return a combination of: */
#define MC_RX_NEW_SOURCE 0x1 /* the source got its record now */
#define MC_RX_OTHER 0x2      /* counted in the other-sources bucket */
#define MC_RX_RESTART 0x4    /* its probe sender restarted (or resynced) */

/*
 * One datagram the socket delivered.  cm is its control data (required):
 * cm->src is the source (as mc_cmsg_parse fills it from msg_name; an
 * address of no family counts as "other"), cm->trunc marks truncation, and
 * hop limit, traffic class, destination and interface are taken when
 * cm->have says so.  bytes is the datagram's UDP payload length (the full
 * length, also when truncated).  probe is the decoded probe or NULL.
 * real_ns is the receive time on CLOCK_REALTIME for the probe's delay —
 * see mc_stats_rx_real_ns.
 */
int mc_group_stats_rx(struct mc_group_stats *g, const struct mc_cmsg *cm,
                      size_t bytes, const struct mc_probe *probe,
                      int64_t mono_ns, int64_t real_ns);

/* One datagram the capture saw on the wire for this group and port from
 * src.  A source seen only there still gets a record. */
int mc_group_stats_wire(struct mc_group_stats *g, const struct mc_addr *src,
                        size_t bytes, int64_t mono_ns);

/* The receive time to give mc_group_stats_rx: the kernel's stamp
 * (SO_TIMESTAMPNS) when cm has one, else fallback_real_ns. */
int64_t mc_stats_rx_real_ns(const struct mc_cmsg *cm, int64_t fallback_real_ns);

/* Read-only views of the group.  Pointers stay valid until the next
 * mc_group_stats_clear or _free. */
const struct mc_counters *
mc_group_stats_counters(const struct mc_group_stats *g);
const struct mc_rate *mc_group_stats_rate(const struct mc_group_stats *g);
unsigned mc_group_stats_max_sources(const struct mc_group_stats *g);
/* Sources with a record, in the order they were first seen: index
 * 0 .. mc_group_stats_source_count() - 1 (NULL beyond). */
unsigned mc_group_stats_source_count(const struct mc_group_stats *g);
const struct mc_source_stats *
mc_group_stats_source(const struct mc_group_stats *g, unsigned i);
/* The record of src, or NULL. */
const struct mc_source_stats *
mc_group_stats_lookup(const struct mc_group_stats *g,
                      const struct mc_addr *src);
/* The other-sources bucket (an address of family 0, no probe analysis). */
const struct mc_source_stats *
mc_group_stats_other(const struct mc_group_stats *g);
/*
 * The sequence analysis summed over the group's sources: counts added;
 * delay min/max over sources and avg weighted by packets; jitter the
 * largest of the sources'.  known is false when no source sent probes.
 */
void mc_group_stats_seq(const struct mc_group_stats *g,
                        struct mc_seq_stats *out);

/* ---- flows: a source's packets by UDP source port and RTP SSRC ---- */

/* Flows with their own record per source; packets from further ports
 * share one more, the other-flows bucket (sport 0). */
#define MC_STATS_MAX_FLOWS 8
/* Flows keyed by SSRC on one source port at most; an RTP packet of a
 * further SSRC goes to the port's flow keyed by port alone. */
#define MC_STATS_PORT_SSRCS 4

/*
 * The flow part of a datagram mc_group_stats_rx counted just before
 * (same cm): find or make the flow of cm->src_port (and, for RTP, of
 * the packet's SSRC) under the source (allocating only for a new flow),
 * and account the packet in it (see mcscope/flow.h).  A packet that
 * parses as RTP version 2 (analysis auto or rtp) goes to the flow of its
 * (port, SSRC); a new one is made for a new SSRC (at most
 * MC_STATS_PORT_SSRCS a port) unless the port has a flow keyed by port
 * alone (what is not RTP) and none decided RTP.  A new SSRC on a port
 * whose RTP flow carried another is news: MC_AN_SSRC_CHANGE with the
 * latest RTP flow's SSRC as the old one (two streams interleaved on one
 * port say so once, when the second starts).  Other packets go to the
 * port's flow keyed by port alone.  data/len: the payload as received; bytes
 * its full length; real_ns the kernel stamp.  Returns news->flags, 0 with
 * nothing done for the other-sources bucket or when out of memory.
 */
int mc_group_stats_flow(struct mc_group_stats *g, const struct mc_cmsg *cm,
                        const uint8_t *data, size_t len, size_t bytes,
                        int64_t real_ns, struct mc_flow_news *news);
/* The analysis for flows (new ones, and existing ones start over with
 * it) and the gap threshold (ns, 0: no gap events). */
void mc_group_stats_set_analysis(struct mc_group_stats *g,
                                 const struct mc_analyze_cfg *cfg,
                                 int64_t gap_ns);
const struct mc_analyze_cfg *
mc_group_stats_analysis(const struct mc_group_stats *g);
int64_t mc_group_stats_gap_ns(const struct mc_group_stats *g);
/* For every flow silent for longer than the gap threshold at now_ns (real
 * time), once per silence: cb(ctx, source, flow).  Returns how many. */
unsigned mc_group_stats_silent(struct mc_group_stats *g, int64_t now_ns,
                               void (*cb)(void *ctx,
                                          const struct mc_source_stats *s,
                                          const struct mc_flow *f),
                               void *ctx);
/* The same for every flow that stopped (mc_flow_stopped: querier.h). */
unsigned mc_group_stats_stopped(struct mc_group_stats *g, int64_t now_ns,
                                void (*cb)(void *ctx,
                                           const struct mc_source_stats *s,
                                           const struct mc_flow *f),
                                void *ctx);
/* A source's flows in the order first seen, the other-flows bucket (when
 * used) last: index 0 .. mc_source_flow_count() - 1. */
unsigned mc_source_flow_count(const struct mc_source_stats *s);
const struct mc_flow *mc_source_flow(const struct mc_source_stats *s,
                                     unsigned i);
/* The sequence figures summed over the source's flows that carry one
 * (known false when none does). */
void mc_source_flows_seq(const struct mc_source_stats *s,
                         struct mc_seq_stats *out);

/* What the flows of a source (or of every source of a group) say in one
 * line: for the groups table. */
struct mc_flows_summary {
    enum mc_payload payload; /* of every flow decided; UNKNOWN: none yet */
    bool mixed;              /* flows of different payloads */
    struct mc_seq_stats seq; /* summed over the flows with a sequence */
    bool jitter_known;       /* an RTP flow with a clock rate */
    double jitter_ms;        /* the largest current RTP jitter */
    bool ts_known;           /* an MPEG-TS flow (over UDP or RTP) */
    uint64_t cc_errors;      /* summed */
};
void mc_source_flows_summary(const struct mc_source_stats *s,
                             struct mc_flows_summary *out);
void mc_group_stats_flows_summary(const struct mc_group_stats *g,
                                  struct mc_flows_summary *out);

/* Read-only views of a source. */
const struct mc_addr *mc_source_addr(const struct mc_source_stats *s);
const struct mc_counters *mc_source_counters(const struct mc_source_stats *s);
/* Socket packets only; measuring starts when the record is made, so a
 * wire-only source reads 0 pps after a second. */
const struct mc_rate *mc_source_rate(const struct mc_source_stats *s);
void mc_source_seq(const struct mc_source_stats *s, struct mc_seq_stats *out);

#endif
