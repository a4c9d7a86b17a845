/*
 * mcscope core: a rate's counts per second, minute and hour (mc_rate, see
 * mcscope/stats.h): the current second's bucket in the struct, the rings
 * made by the first packet.  A group's only source reads its group's
 * rings (mc__rate_follow) until a second source arrives (mc__rate_own).
 */
#include <stdlib.h>
#include <string.h>

#include "mcscope/stats.h"
#include "rate_priv.h"
#include "util.h"

#define SLOT_MASK (MC_RATE_SLOTS - 1)

_Static_assert((MC_RATE_SLOTS & SLOT_MASK) == 0 &&
                   MC_RATE_SLOTS > MC_RATE_MAX_WINDOW &&
                   MC_RATE_SLOTS > MC_RATE_HISTORY,
               "MC_RATE_SLOTS must be a power of two above the windows");

static int64_t clamp_time(int64_t ns)
{
    return ns < 0 ? 0 : ns;
}

/*
 * A second's or a minute's counts in 16 bytes: unit is the second or
 * minute of CLOCK_MONOTONIC (32 bits: 136 years of seconds; UINT32_MAX:
 * none), packets saturate at UINT32_MAX (4e9 in a minute: 71 million
 * packets a second).  Hours keep mc_rate_bucket (64-bit counts).
 */
struct slot16 {
    uint32_t unit;
    uint32_t packets;
    uint64_t bytes;
};
#define NO_UNIT UINT32_MAX

/* The rings of a rate: seconds, minutes and hours, made by its first
 * mc_rate_add (a group or source that never received a packet holds
 * none of them): 3.5 KiB. */
struct mc_rate_long {
    struct slot16 sec[MC_RATE_SLOTS], min[MC_RATE_SLOTS];
    struct mc_rate_bucket hour[MC_RATE_SLOTS];
};

/* The counts of unit in ring: false when it holds none of unit. */
static bool slot16_get(const struct slot16 *ring, int64_t unit,
                       uint64_t *packets, uint64_t *bytes)
{
    const struct slot16 *b;

    if (ring == NULL || unit < 0 || unit >= NO_UNIT)
        return false;
    b = &ring[(uint64_t)unit & SLOT_MASK];
    if (b->unit != (uint32_t)unit)
        return false;
    *packets = b->packets;
    *bytes = b->bytes;
    return true;
}

static void slot16_add(struct slot16 *ring, int64_t unit, uint64_t packets,
                       uint64_t bytes)
{
    struct slot16 *b = &ring[(uint64_t)unit & SLOT_MASK];

    if (unit < 0 || unit >= NO_UNIT)
        return;
    if (b->unit != (uint32_t)unit) {
        b->unit = (uint32_t)unit;
        b->packets = 0;
        b->bytes = 0;
    }
    b->packets = packets > UINT32_MAX - b->packets
                     ? UINT32_MAX
                     : b->packets + (uint32_t)packets;
    b->bytes += bytes;
}

/* Make sec the current second (its bucket starts empty when the next
 * add finds another second there). */
static void enter_second(struct mc_rate *r, int64_t sec)
{
    r->cur_sec = sec;
    r->cur_start_ns = sec * MC_NS_PER_S;
}

/* Add to the bucket of unit (a minute or an hour) in ring. */
static void long_add(struct mc_rate_bucket *ring, int64_t unit,
                     uint64_t packets, uint64_t bytes)
{
    struct mc_rate_bucket *b = &ring[(uint64_t)unit & SLOT_MASK];

    if (b->sec != unit) {
        b->sec = unit;
        b->packets = 0;
        b->bytes = 0;
    }
    b->packets += packets;
    b->bytes += bytes;
}

static struct mc_rate_long *long_new(void)
{
    struct mc_rate_long *lg = malloc(sizeof *lg);

    if (lg == NULL)
        return NULL;
    for (unsigned i = 0; i < MC_RATE_SLOTS; i++) {
        lg->sec[i].unit = lg->min[i].unit = NO_UNIT;
        lg->hour[i].sec = -1;
    }
    return lg;
}

void mc_rate_free(struct mc_rate *r)
{
    if (!r->borrowed)
        free(r->lg);
    r->lg = NULL;
    r->borrowed = false;
}

void mc__rate_follow(struct mc_rate *r, const struct mc_rate *of,
                     int64_t mono_ns)
{
    mono_ns = clamp_time(mono_ns);
    if (!r->started) {
        r->started = true;
        r->start_ns = mono_ns;
        r->cur_sec = mono_ns / MC_NS_PER_S;
        r->cur_start_ns = r->cur_sec * MC_NS_PER_S;
    } else if (mono_ns - r->cur_start_ns >= MC_NS_PER_S) {
        r->cur_sec = mono_ns / MC_NS_PER_S;
        r->cur_start_ns = r->cur_sec * MC_NS_PER_S;
    }
    r->lg = of->lg;
    r->long_failed = of->long_failed;
}

void mc__rate_own(struct mc_rate *r)
{
    const struct mc_rate_long *was = r->lg;

    if (!r->borrowed)
        return;
    r->borrowed = false;
    r->lg = NULL;
    if (was == NULL)
        return;
    r->lg = malloc(sizeof *r->lg);
    if (r->lg != NULL)
        memcpy(r->lg, was, sizeof *r->lg);
    else
        r->long_failed = true;
}

void mc_rate_init(struct mc_rate *r)
{
    memset(r, 0, sizeof *r); /* no rings: every second reads empty */
}

void mc_rate_start(struct mc_rate *r, int64_t mono_ns)
{
    if (r->started)
        return;
    mono_ns = clamp_time(mono_ns);
    r->started = true;
    r->start_ns = mono_ns;
    enter_second(r, mono_ns / MC_NS_PER_S);
}

void mc_rate_add(struct mc_rate *r, int64_t mono_ns, uint64_t packets,
                 uint64_t bytes)
{
    mono_ns = clamp_time(mono_ns);
    if (!r->started)
        mc_rate_start(r, mono_ns);
    /* Same second as last time: the common case, no division. */
    if (mono_ns - r->cur_start_ns >= MC_NS_PER_S)
        enter_second(r, mono_ns / MC_NS_PER_S);
    /* else: this second, or earlier (counted in the latest second) */
    if (r->lg == NULL && !r->long_failed) {
        r->lg = long_new();
        r->long_failed = r->lg == NULL;
    }
    if (r->lg != NULL) {
        slot16_add(r->lg->sec, r->cur_sec, packets, bytes);
        slot16_add(r->lg->min, r->cur_sec / 60, packets, bytes);
        long_add(r->lg->hour, r->cur_sec / 3600, packets, bytes);
    }
}

void mc_rate_get(const struct mc_rate *r, int64_t now_ns, unsigned window_s,
                 struct mc_rate_value *out)
{
    int64_t sec, covered;

    memset(out, 0, sizeof *out);
    if (!r->started || r->long_failed || window_s == 0 ||
        window_s > MC_RATE_MAX_WINDOW)
        return;
    sec = clamp_time(now_ns) / MC_NS_PER_S;
    covered = sec * MC_NS_PER_S - r->start_ns;
    if (covered > (int64_t)window_s * MC_NS_PER_S)
        covered = (int64_t)window_s * MC_NS_PER_S;
    if (covered < MC_NS_PER_S)
        return; /* under a second measured: unknown */
    for (int64_t s = sec - (int64_t)window_s; s < sec; s++) {
        uint64_t p, b;

        if (r->lg != NULL && slot16_get(r->lg->sec, s, &p, &b)) {
            out->packets += p;
            out->bytes += b;
        }
    }
    out->known = true;
    out->covered_s = (double)covered / (double)MC_NS_PER_S;
    out->pps = (double)out->packets * (double)MC_NS_PER_S / (double)covered;
    out->bps = (double)out->bytes * 8.0 * (double)MC_NS_PER_S / (double)covered;
}

unsigned mc_rate_history(const struct mc_rate *r, int64_t now_ns, uint64_t *out,
                         unsigned n)
{
    int64_t sec = clamp_time(now_ns) / MC_NS_PER_S;
    int64_t measured;

    if (n > MC_RATE_HISTORY)
        n = MC_RATE_HISTORY;
    for (unsigned i = 0; i < n; i++) {
        int64_t s = sec - (int64_t)n + (int64_t)i;
        uint64_t p, b;

        out[i] = r->lg != NULL && slot16_get(r->lg->sec, s, &p, &b) ? p : 0;
    }
    if (!r->started)
        return 0;
    /* whole seconds from the one measuring started in up to sec */
    measured = sec - r->start_ns / MC_NS_PER_S;
    if (measured < 0)
        measured = 0;
    return measured > (int64_t)n ? n : (unsigned)measured;
}

unsigned mc_rate_history_span(const struct mc_rate *r, int64_t now_ns,
                              unsigned span_s, uint64_t *out, unsigned n)
{
    const struct mc_rate_bucket *ring;
    int64_t unit, measured;

    if (span_s == 1)
        return mc_rate_history(r, now_ns, out, n);
    if (n > MC_RATE_HISTORY)
        n = MC_RATE_HISTORY;
    memset(out, 0, n * sizeof *out);
    if ((span_s != 60 && span_s != 3600) || r->long_failed)
        return 0;
    unit = clamp_time(now_ns) / MC_NS_PER_S / span_s;
    ring = r->lg == NULL || span_s == 60 ? NULL : r->lg->hour;
    for (unsigned i = 0; r->lg != NULL && i < n; i++) {
        int64_t u = unit - (int64_t)n + (int64_t)i;
        const struct mc_rate_bucket *b;
        uint64_t p, by;

        if (ring == NULL) { /* minutes */
            out[i] = slot16_get(r->lg->min, u, &p, &by) ? p : 0;
            continue;
        }
        b = &ring[(uint64_t)u & SLOT_MASK];
        out[i] = (u >= 0 && b->sec == u) ? b->packets : 0;
    }
    if (!r->started)
        return 0;
    /* whole units from the one measuring started in up to this one */
    measured = unit - r->start_ns / MC_NS_PER_S / span_s;
    if (measured < 0)
        measured = 0;
    return measured > (int64_t)n ? n : (unsigned)measured;
}
