/*
 * mcscope core: the probe payload that mcscope's sender puts in every
 * datagram, and the per-source sequence analysis a receiver runs on it.
 *
 * Wire format (MC_PROBE_HDRLEN = 32 bytes, every field in network byte
 * order, 64-bit fields on 8-byte offsets), then zero padding up to the
 * datagram size the sender asked for:
 *
 *   offset size field
 *    0     4    magic      "MCS1" (0x4d 0x43 0x53 0x31)
 *    4     1    version    MC_PROBE_VERSION (1)
 *    5     1    flags      none defined yet: sent as 0, ignored on receive
 *    6     2    reserved   sent as 0, ignored on receive
 *    8     8    sender_id  random per sender run: a restart is recognisable
 *   16     8    seq        sequence number, +1 per datagram of a run
 *   24     8    send_ns    CLOCK_REALTIME at send, ns since the epoch
 *                          (two's complement)
 *
 * Datagrams shorter than 32 bytes, or with another magic or version, are
 * not probes: the decoder says so (-EINVAL) and never reads past len.
 */
#ifndef MCSCOPE_PROBE_H
#define MCSCOPE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MC_PROBE_MAGIC "MCS1"
#define MC_PROBE_VERSION 1
#define MC_PROBE_HDRLEN 32

struct mc_probe {
    uint8_t version;    /* decode: as received; encode writes VERSION */
    uint8_t flags;      /* carried as is */
    uint64_t sender_id; /* random per sender run */
    uint64_t seq;       /* per-run sequence number */
    int64_t send_ns;    /* CLOCK_REALTIME at send */
};

/*
 * Write the probe header for p into buf and zero the rest of buf: the whole
 * of buf[0..len) is the datagram payload.  Returns len, or 0 (nothing
 * written) when len < MC_PROBE_HDRLEN.
 */
size_t mc_probe_encode(const struct mc_probe *p, uint8_t *buf, size_t len);

/*
 * Read a probe from a received payload of len bytes.  Returns 0 and fills
 * out, or -EINVAL (out untouched) when the payload is not a probe: shorter
 * than MC_PROBE_HDRLEN, another magic or another version.  Padding is not
 * checked, so a truncated-but-complete header still decodes.
 */
int mc_probe_decode(const uint8_t *buf, size_t len, struct mc_probe *out);

/*
 * Sequence analysis of one source's probes.
 *
 * A run is a stream of probes with one sender_id.  Per run, with serial
 * number arithmetic on the 64-bit seq (RFC 1982 style: a step of less than
 * 2^63 forward is ahead, so UINT64_MAX -> 0 is +1):
 *
 *   expected = highest - first + 1     (first: lowest seq seen of the run;
 *                                        no loss is assumed before it)
 *   lost     = expected - received     (received: distinct seqs)
 *
 * so a late packet fills the hole it had left and "lost" goes down again.
 * Totals are cumulative over runs: a new run closes the old one with its
 * loss (packets lost after a run's last received packet cannot be seen).
 *
 * Duplicates are found with a bitmap of the last MC_SEQ_WINDOW sequence
 * numbers up to the highest.  A packet further behind than that cannot be
 * told apart as late or duplicate: it is counted in too_old only (not in
 * received, duplicates or reordered, and loss is not reduced).
 *
 * A packet with a new sender_id starts a new run (MC_SEQ_RESTART).  A
 * straggler of the run just replaced (the previous sender_id) is counted
 * in too_old and does not switch back.  With the same sender_id, two
 * consecutive packets s, s+1 both more than the window behind mean the
 * sender started over (RFC 3550 A.1's resynchronisation): a new run begins
 * at s (MC_SEQ_RESYNC).  A forward jump of any size is taken as loss.
 *
 * Reordered counts packets below the highest seq seen that are not
 * duplicates (late arrivals), too_old excluded.
 *
 * Timing, for each packet counted as received: the one-way delay
 * recv_ns - send_ns (meaningful only when sender and receiver share a
 * clock, e.g. one host; otherwise it carries the clock offset and may be
 * negative) as min/avg/max, and the interarrival jitter of RFC 3550
 * §6.4.1, J += (|D| - J) / 16 with D the change in transit time between
 * consecutive arrivals, kept in ns scaled by 16 as in RFC 3550 A.8.
 *
 * struct mc_seq is embedded by value; its fields are private to probe.c:
 * read them through mc_seq_get.  Nothing is allocated.
 */
#define MC_SEQ_WINDOW 4096u /* power of two */

enum mc_seq_verdict {
    MC_SEQ_FIRST,     /* the first probe ever */
    MC_SEQ_NEXT,      /* highest + 1 */
    MC_SEQ_GAP,       /* further ahead: the seqs between are missing */
    MC_SEQ_LATE,      /* behind the highest, not seen before: reordered */
    MC_SEQ_DUPLICATE, /* seen before, within the window */
    MC_SEQ_TOO_OLD,   /* beyond the window or of the previous run */
    MC_SEQ_RESTART,   /* a new sender_id: a new run began */
    MC_SEQ_RESYNC,    /* same sender_id started over far behind */
};

struct mc_seq {
    /* current run */
    uint64_t sender_id;
    uint64_t first, highest;
    uint64_t run_expected, run_received;
    /* all runs */
    uint64_t packets, received, closed_lost;
    uint64_t duplicates, reordered, too_old, runs;
    uint64_t prev_id;
    bool have_prev_id;
    bool cand_valid; /* a too-old packet that may start a resync */
    uint64_t cand_next;
    /* timing */
    bool have_transit;
    int64_t last_transit;
    bool have_jitter;  /* one D computed */
    uint64_t jitter16; /* RFC 3550 A.8: jitter in ns, times 16 */
    int64_t delay_min, delay_max;
    double delay_sum;
    uint64_t delay_n;
    uint64_t bits[MC_SEQ_WINDOW / 64];
};

/* What mc_seq_get reports; all counts are totals over every run. */
struct mc_seq_stats {
    bool known;          /* at least one probe: otherwise loss is unknown */
    uint64_t packets;    /* probes fed = received + duplicates + too_old */
    uint64_t received;   /* distinct sequence numbers */
    uint64_t expected;   /* received + lost */
    uint64_t lost;       /* holes in the sequences */
    uint64_t duplicates; /* within the window */
    uint64_t reordered;  /* late arrivals, a subset of received */
    uint64_t too_old;    /* beyond the window or of a replaced run */
    uint64_t runs;       /* 1 + restarts and resyncs */
    uint64_t sender_id;  /* of the current run */
    uint64_t highest;    /* highest seq of the current run */
    bool delay_known;    /* delay_* valid */
    int64_t delay_min_ns, delay_avg_ns, delay_max_ns;
    bool jitter_known; /* jitter_ns valid: two timed packets seen */
    int64_t jitter_ns;
};

void mc_seq_init(struct mc_seq *s);

/*
 * Account one probe: its sender_id and seq, the send time it carries and
 * the receive time on CLOCK_REALTIME (the kernel stamp when there is one).
 * Never reads a clock.  Returns how the packet was classified.
 */
enum mc_seq_verdict mc_seq_feed(struct mc_seq *s, uint64_t sender_id,
                                uint64_t seq, int64_t send_ns, int64_t recv_ns);

/* A snapshot of the counters (out fully written). */
void mc_seq_get(const struct mc_seq *s, struct mc_seq_stats *out);

/* The verdict's name ("late", "duplicate", ...), for logs and tests. */
const char *mc_seq_verdict_name(enum mc_seq_verdict v);

#endif
