/*
 * mcscope core: sequence analysis, shared by every payload that carries a
 * sequence number — mcscope's probe (64 bits), RTP (16 bits), and feeds
 * with a field of their own (`analyze … seq OFFSET WIDTH`, 1 to 64 bits).
 *
 * A run is a stream of packets with one sender_id (the probe's sender_id,
 * the RTP SSRC, 0 for a plain field).  Sequence numbers narrower than 64
 * bits are first extended as RFC 3550 A.1 does: the number of wraps is
 * counted, and a number is placed within half the range of the highest
 * seen, so 65535 -> 0 in 16 bits is +1 and 0 -> 65535 is one back.  Then,
 * per run, with serial number arithmetic on the extended number:
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
 * at s (MC_SEQ_RESYNC).  A forward jump of any size (below half the range)
 * is taken as loss.
 *
 * Reordered counts packets below the highest seq seen that are not
 * duplicates (late arrivals), too_old excluded.
 *
 * Loss runs: a forward jump of d > 1 opens a hole of d - 1 numbers, a
 * "loss run"; loss_runs is the number of holes not filled (a late packet
 * that fills a hole of one closes it, one in the middle of a hole splits
 * it in two), so a swap of two packets leaves 0.  max_loss_run is the
 * longest hole a jump opened, late packets or not (loss as it was seen
 * when it happened).
 *
 * Timing (mc_seq_feed only; mc_seq_count does none), for each packet
 * counted as received: the one-way delay recv_ns - send_ns (meaningful
 * only when sender and receiver share a clock, e.g. one host; otherwise
 * it carries the clock offset and may be negative) as min/avg/max, and
 * the interarrival jitter of RFC 3550 §6.4.1, J += (|D| - J) / 16 with D
 * the change in transit time between consecutive arrivals, kept in ns
 * scaled by 16 as in RFC 3550 A.8.
 *
 * struct mc_seq is embedded by value; its fields are private to seq.c:
 * read them through mc_seq_get.  Nothing is allocated.
 */
#ifndef MCSCOPE_SEQ_H
#define MCSCOPE_SEQ_H

#include <stdbool.h>
#include <stdint.h>

#define MC_SEQ_WINDOW 4096u /* power of two */

enum mc_seq_verdict {
    MC_SEQ_FIRST,     /* the first packet ever */
    MC_SEQ_NEXT,      /* highest + 1 */
    MC_SEQ_GAP,       /* further ahead: the seqs between are missing */
    MC_SEQ_LATE,      /* behind the highest, not seen before: reordered */
    MC_SEQ_DUPLICATE, /* seen before, within the window */
    MC_SEQ_TOO_OLD,   /* beyond the window or of the previous run */
    MC_SEQ_RESTART,   /* a new sender_id: a new run began */
    MC_SEQ_RESYNC,    /* same sender_id started over far behind */
};

struct mc_seq {
    unsigned width; /* bits of the sequence number, 1..64 */
    /* current run, extended numbers */
    uint64_t sender_id;
    uint64_t first, highest;
    uint64_t run_expected, run_received;
    /* all runs */
    uint64_t packets, received, closed_lost;
    uint64_t duplicates, reordered, too_old, runs;
    uint64_t loss_runs, max_loss_run;
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
    bool known;            /* at least one packet: otherwise loss is unknown */
    uint64_t packets;      /* fed = received + duplicates + too_old */
    uint64_t received;     /* distinct sequence numbers */
    uint64_t expected;     /* received + lost */
    uint64_t lost;         /* holes in the sequences */
    uint64_t duplicates;   /* within the window */
    uint64_t reordered;    /* late arrivals, a subset of received */
    uint64_t too_old;      /* beyond the window or of a replaced run */
    uint64_t runs;         /* 1 + restarts and resyncs */
    uint64_t loss_runs;    /* holes not filled */
    uint64_t max_loss_run; /* longest hole a jump opened */
    uint64_t sender_id;    /* of the current run */
    uint64_t highest;      /* highest seq of the current run (width bits) */
    bool delay_known;      /* delay_* valid */
    int64_t delay_min_ns, delay_avg_ns, delay_max_ns;
    bool jitter_known; /* jitter_ns valid: two timed packets seen */
    int64_t jitter_ns;
};

/* A 64-bit sequence (the probe's). */
void mc_seq_init(struct mc_seq *s);
/* A sequence of width bits (1..64; other values are taken as 64). */
void mc_seq_init_width(struct mc_seq *s, unsigned width);

/*
 * Account one packet: its sender_id and seq (bits above the width are
 * ignored), the send time it carries and the receive time on
 * CLOCK_REALTIME (the kernel stamp when there is one).  Never reads a
 * clock.  Returns how the packet was classified.
 */
enum mc_seq_verdict mc_seq_feed(struct mc_seq *s, uint64_t sender_id,
                                uint64_t seq, int64_t send_ns, int64_t recv_ns);
/* The same without timing: for payloads that carry no send time. */
enum mc_seq_verdict mc_seq_count(struct mc_seq *s, uint64_t sender_id,
                                 uint64_t seq);

/* A snapshot of the counters (out fully written). */
void mc_seq_get(const struct mc_seq *s, struct mc_seq_stats *out);

/* The verdict's name ("late", "duplicate", ...), for logs and tests. */
const char *mc_seq_verdict_name(enum mc_seq_verdict v);

#endif
