/*
 * mcscope core: sequence analysis (RFC 3550 A.3 counting, A.1 extension
 * of narrow numbers).  See mcscope/seq.h for the counting rules.
 */
#include <string.h>

#include "mcscope/seq.h"

#define WINDOW_MASK (MC_SEQ_WINDOW - 1)

/* |D| is clamped so that the jitter, times 16, cannot overflow. */
#define JITTER_D_MAX ((uint64_t)1 << 56)

_Static_assert((MC_SEQ_WINDOW & WINDOW_MASK) == 0 && MC_SEQ_WINDOW >= 64,
               "MC_SEQ_WINDOW must be a power of two, at least 64");

/* ---- the bitmap of recently seen sequence numbers ---- */

static bool bit_test(const struct mc_seq *s, uint64_t seq)
{
    uint64_t i = seq & WINDOW_MASK;

    return (s->bits[i >> 6] >> (i & 63)) & 1;
}

static void bit_set(struct mc_seq *s, uint64_t seq)
{
    uint64_t i = seq & WINDOW_MASK;

    s->bits[i >> 6] |= (uint64_t)1 << (i & 63);
}

static void bit_clear(struct mc_seq *s, uint64_t seq)
{
    uint64_t i = seq & WINDOW_MASK;

    s->bits[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

/*
 * Move the highest seq forward by d > 0.  The bits of the numbers that
 * enter the window alias those that leave it: clear them.
 */
static void advance(struct mc_seq *s, uint64_t d)
{
    if (d >= MC_SEQ_WINDOW) {
        memset(s->bits, 0, sizeof s->bits);
    } else {
        for (uint64_t i = 1; i <= d; i++)
            bit_clear(s, s->highest + i);
    }
    s->highest += d;
    bit_set(s, s->highest);
}

/* ---- runs ---- */

static void run_start(struct mc_seq *s, uint64_t sender_id, uint64_t seq)
{
    memset(s->bits, 0, sizeof s->bits);
    s->sender_id = sender_id;
    s->first = seq;
    s->highest = seq;
    s->run_expected = 1;
    s->run_received = 1;
    s->received++;
    s->runs++;
    s->cand_valid = false;
    s->have_transit = false; /* RFC 3550: jitter state is per source run */
    bit_set(s, seq);
}

static void run_close(struct mc_seq *s)
{
    s->closed_lost += s->run_expected - s->run_received;
}

static void hole_opened(struct mc_seq *s, uint64_t len)
{
    s->loss_runs++;
    if (len > s->max_loss_run)
        s->max_loss_run = len;
}

/*
 * seq filled a hole: it closes a hole of one (both neighbours seen), or
 * splits one (neither seen).  A neighbour before the run's first, or
 * outside the window, counts as seen.
 */
static void hole_filled(struct mc_seq *s, uint64_t seq, uint64_t back)
{
    bool below =
        seq == s->first || back + 1 >= MC_SEQ_WINDOW || bit_test(s, seq - 1);
    bool above = bit_test(s, seq + 1);

    if (below && above && s->loss_runs > 0)
        s->loss_runs--;
    else if (!below && !above)
        s->loss_runs++;
}

/* A packet of the current run that is behind the highest by back. */
static enum mc_seq_verdict behind(struct mc_seq *s, uint64_t seq, uint64_t back)
{
    uint64_t before_first;

    if (bit_test(s, seq)) {
        s->duplicates++;
        return MC_SEQ_DUPLICATE;
    }
    bit_set(s, seq);
    s->run_received++;
    s->received++;
    s->reordered++;
    /* Earlier than the run's first packet: the run starts here instead. */
    before_first = s->first - seq;
    if (before_first <= back && before_first != 0) {
        s->run_expected += before_first;
        s->first = seq;
        if (before_first > 1)
            hole_opened(s, before_first - 1);
    } else {
        hole_filled(s, seq, back);
    }
    return MC_SEQ_LATE;
}

/*
 * A packet more than the window behind: too old, unless it is the
 * successor of the previous too-old packet, which means the sender started
 * over with the same id (RFC 3550 A.1's two-packet resynchronisation).
 */
static enum mc_seq_verdict too_old(struct mc_seq *s, uint64_t seq,
                                   bool cand_valid, uint64_t cand_next)
{
    if (cand_valid && seq == cand_next) {
        s->too_old--; /* the candidate opens the new run */
        run_close(s);
        run_start(s, s->sender_id, seq - 1);
        advance(s, 1);
        s->run_expected++;
        s->run_received++;
        s->received++;
        return MC_SEQ_RESYNC;
    }
    s->too_old++;
    s->cand_valid = true;
    s->cand_next = seq + 1;
    return MC_SEQ_TOO_OLD;
}

/* A packet of the current run (same sender_id). */
static enum mc_seq_verdict classify(struct mc_seq *s, uint64_t seq)
{
    bool cand_valid = s->cand_valid;
    uint64_t d = seq - s->highest; /* serial number difference */

    s->cand_valid = false;
    if (d != 0 && d < ((uint64_t)1 << 63)) {
        if (d > 1)
            hole_opened(s, d - 1);
        advance(s, d);
        s->run_expected += d;
        s->run_received++;
        s->received++;
        return d == 1 ? MC_SEQ_NEXT : MC_SEQ_GAP;
    }
    d = s->highest - seq; /* how far behind, 0 for the highest itself */
    if (d < MC_SEQ_WINDOW)
        return behind(s, seq, d);
    return too_old(s, seq, cand_valid, s->cand_next);
}

/* ---- timing: one-way delay and RFC 3550 §6.4.1 jitter ---- */

/* a - b without signed overflow (wraps like the hardware does). */
static int64_t sub_wrap(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a - (uint64_t)b);
}

static void timing(struct mc_seq *s, int64_t send_ns, int64_t recv_ns)
{
    int64_t transit = sub_wrap(recv_ns, send_ns);

    if (s->delay_n == 0 || transit < s->delay_min)
        s->delay_min = transit;
    if (s->delay_n == 0 || transit > s->delay_max)
        s->delay_max = transit;
    s->delay_sum += (double)transit;
    s->delay_n++;

    if (s->have_transit) {
        int64_t d = sub_wrap(transit, s->last_transit);
        uint64_t ad = d < 0 ? 0 - (uint64_t)d : (uint64_t)d;

        if (ad > JITTER_D_MAX)
            ad = JITTER_D_MAX;
        /* RFC 3550 A.8: jitter += |D| - ((jitter + 8) >> 4), scaled 16 */
        s->jitter16 = s->jitter16 + ad - ((s->jitter16 + 8) >> 4);
        s->have_jitter = true;
    }
    s->last_transit = transit;
    s->have_transit = true;
}

/* ---- the public face ---- */

/* A double to int64_t without the undefined behaviour out of range. */
static int64_t to_int64(double v)
{
    if (v >= 9223372036854775807.0)
        return INT64_MAX;
    if (v <= -9223372036854775807.0)
        return INT64_MIN;
    return (int64_t)v;
}

void mc_seq_init(struct mc_seq *s)
{
    mc_seq_init_width(s, 64);
}

void mc_seq_init_width(struct mc_seq *s, unsigned width)
{
    memset(s, 0, sizeof *s);
    s->width = width >= 1 && width < 64 ? width : 64;
}

/*
 * The extended number of seq (RFC 3550 A.1): within half the range of
 * the highest.  A new run's first number is put one whole range up, so
 * that numbers just behind it do not go below zero.
 */
static uint64_t extend(const struct mc_seq *s, uint64_t seq, bool new_run)
{
    uint64_t range, mask, delta;

    if (s->width >= 64)
        return seq;
    range = (uint64_t)1 << s->width;
    mask = range - 1;
    seq &= mask;
    if (new_run)
        return seq + range;
    delta = (seq - s->highest) & mask;
    if (delta < range / 2 || range == 2)
        return s->highest + delta;
    return s->highest - (range - delta);
}

enum mc_seq_verdict mc_seq_feed(struct mc_seq *s, uint64_t sender_id,
                                uint64_t seq, int64_t send_ns, int64_t recv_ns)
{
    enum mc_seq_verdict v = mc_seq_count(s, sender_id, seq);

    if (v != MC_SEQ_DUPLICATE && v != MC_SEQ_TOO_OLD)
        timing(s, send_ns, recv_ns);
    return v;
}

enum mc_seq_verdict mc_seq_count(struct mc_seq *s, uint64_t sender_id,
                                 uint64_t seq)
{
    enum mc_seq_verdict v;

    s->packets++;
    if (s->runs == 0) {
        seq = extend(s, seq, true);
        run_start(s, sender_id, seq);
        v = MC_SEQ_FIRST;
    } else if (sender_id != s->sender_id) {
        if (s->have_prev_id && sender_id == s->prev_id) {
            s->too_old++; /* a straggler of the replaced run */
            return MC_SEQ_TOO_OLD;
        }
        run_close(s);
        s->prev_id = s->sender_id;
        s->have_prev_id = true;
        run_start(s, sender_id, extend(s, seq, true));
        v = MC_SEQ_RESTART;
    } else {
        v = classify(s, extend(s, seq, false));
    }
    return v;
}

void mc_seq_get(const struct mc_seq *s, struct mc_seq_stats *out)
{
    uint64_t lost = s->closed_lost + (s->run_expected - s->run_received);

    memset(out, 0, sizeof *out);
    out->known = s->packets > 0;
    out->packets = s->packets;
    out->received = s->received;
    out->lost = lost;
    out->expected = s->received + lost;
    out->duplicates = s->duplicates;
    out->reordered = s->reordered;
    out->too_old = s->too_old;
    out->runs = s->runs;
    out->sender_id = s->sender_id;
    out->highest = s->width >= 64
                       ? s->highest
                       : s->highest & (((uint64_t)1 << s->width) - 1);
    /* The holes are counted as they open and fill; across a resync or a
     * hole wider than the window the count can outlive its packets (a
     * known gap, README): never report more runs than lost packets, nor
     * a lost packet without a run. */
    out->loss_runs = s->loss_runs < lost ? s->loss_runs : lost;
    out->max_loss_run = s->max_loss_run;
    if (lost > 0 && out->loss_runs == 0)
        out->loss_runs = 1;
    if (lost > 0 && out->max_loss_run == 0)
        out->max_loss_run = 1;
    if (s->delay_n > 0) {
        out->delay_known = true;
        out->delay_min_ns = s->delay_min;
        out->delay_max_ns = s->delay_max;
        out->delay_avg_ns = to_int64(s->delay_sum / (double)s->delay_n);
        /* rounding must not put the mean outside the extremes */
        if (out->delay_avg_ns < s->delay_min)
            out->delay_avg_ns = s->delay_min;
        if (out->delay_avg_ns > s->delay_max)
            out->delay_avg_ns = s->delay_max;
    }
    if (s->have_jitter) {
        out->jitter_known = true;
        out->jitter_ns = (int64_t)(s->jitter16 >> 4);
    }
}

const char *mc_seq_verdict_name(enum mc_seq_verdict v)
{
    switch (v) {
    case MC_SEQ_FIRST:
        return "first";
    case MC_SEQ_NEXT:
        return "next";
    case MC_SEQ_GAP:
        return "gap";
    case MC_SEQ_LATE:
        return "late";
    case MC_SEQ_DUPLICATE:
        return "duplicate";
    case MC_SEQ_TOO_OLD:
        return "too-old";
    case MC_SEQ_RESTART:
        return "restart";
    case MC_SEQ_RESYNC:
        return "resync";
    }
    return "?";
}
