/*
 * mcscope core: per-group and per-source statistics.  See mcscope/stats.h.
 *
 * The per-packet path (mc_group_stats_rx / _wire) does a source lookup —
 * first a one-entry cache of the last source, then a small open-addressing
 * hash table (linear probing, at most half full, no deletions) — and adds
 * to counters and rate buckets.  It allocates only when a source is seen
 * for the first time.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/stats.h"
#include "rate_priv.h"
#include "util.h"

#define EMPTY UINT32_MAX

/* ---- counters ---- */

static void count_rx(struct mc_counters *c, const struct mc_cmsg *cm,
                     size_t bytes, bool probe, int64_t mono_ns)
{
    if (c->packets == 0)
        c->first_ns = mono_ns;
    c->last_ns = mono_ns;
    c->packets++;
    c->bytes += bytes;
    c->truncated += cm->trunc;
    c->probes += probe;
    /* The fields of this packet only: a field it did not carry is not
     * known, so a row never combines fields of different packets. */
    c->tclass = cm->have & MC_CM_TCLASS ? cm->tclass : -1;
    c->hoplimit = cm->have & MC_CM_HOPLIMIT ? cm->hoplimit : -1;
    if (cm->have & MC_CM_DST)
        c->dst = cm->dst;
    c->ifindex = cm->have & MC_CM_IFACE ? cm->ifindex : 0;
    c->have =
        cm->have & (MC_CM_TCLASS | MC_CM_HOPLIMIT | MC_CM_DST | MC_CM_IFACE);
}

static void count_wire(struct mc_counters *c, size_t bytes, int64_t mono_ns)
{
    if (c->wire_packets == 0)
        c->wire_first_ns = mono_ns;
    c->wire_last_ns = mono_ns;
    c->wire_packets++;
    c->wire_bytes += bytes;
}

/* ---- sources ---- */

struct mc_source_stats {
    struct mc_addr addr; /* normalised: unused bytes zero */
    struct mc_counters c;
    struct mc_rate rate;
    struct mc_seq *seq; /* made by its first probe (NULL: none yet, or out
                         * of memory: its probes go unanalysed) */
    unsigned nflows;    /* in flows[], the other-flows bucket included */
    unsigned last_flow; /* index of the last flow hit */
    struct mc_flow *other_flow; /* also in flows[] once used */
    struct mc_flow *flows[MC_STATS_MAX_FLOWS + 1];
};

struct mc_group_stats {
    unsigned max_sources;
    unsigned nsources;
    unsigned mask; /* hash table size - 1 */
    unsigned last; /* index of the last source hit, EMPTY if none */
    /* Made by the first source (a group that never received a packet
     * holds neither): */
    uint32_t *slots; /* index into sources, or EMPTY; mask + 1 entries */
    struct mc_source_stats **sources; /* capsrc entries */
    unsigned capsrc; /* grows by doubling up to max_sources, as the table
                      * grows to keep at most half of it used */
    /* The other-sources bucket, made by its first packet (NULL: none yet;
     * other_failed: out of memory, those packets count in the group
     * only). */
    struct mc_source_stats *other;
    bool other_failed;
    struct mc_counters c;
    struct mc_rate rate;
    struct mc_analyze_cfg an_cfg; /* for flows */
    int64_t gap_ns;
};

static size_t addr_len(int family)
{
    if (family == AF_INET)
        return sizeof(struct in_addr);
    if (family == AF_INET6)
        return sizeof(struct in6_addr);
    return 0;
}

/* Only the address bytes of its family; 0 when the family is unknown. */
static size_t addr_key(const struct mc_addr *a, const uint8_t **bytes)
{
    *bytes = (const uint8_t *)&a->u;
    return addr_len(a->family);
}

static bool addr_same(const struct mc_addr *a, const struct mc_addr *b)
{
    const uint8_t *pa, *pb;
    size_t n = addr_key(a, &pa);

    return a->family == b->family && n == addr_key(b, &pb) &&
           memcmp(pa, pb, n) == 0;
}

static uint32_t addr_hash(const struct mc_addr *a)
{
    const uint8_t *p;
    size_t n = addr_key(a, &p);
    uint64_t h = (uint64_t)a->family;

    for (size_t i = 0; i < n; i += 4) {
        uint32_t w;

        memcpy(&w, p + i, 4);
        h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
    }
    return (uint32_t)(h ^ (h >> 29) ^ (h >> 47));
}

static void source_init(struct mc_source_stats *s, const struct mc_addr *a,
                        int64_t mono_ns)
{
    const uint8_t *p;
    size_t n = addr_key(a, &p);

    memset(s, 0, sizeof *s);
    s->addr.family = a->family;
    memcpy(&s->addr.u, p, n);
    mc_rate_init(&s->rate);
    mc_rate_start(&s->rate, mono_ns);
    s->seq = NULL;
}

/* The slot that holds a, or the empty slot where it would go (the
 * table exists). */
static uint32_t *find_slot(const struct mc_group_stats *g,
                           const struct mc_addr *a)
{
    uint32_t h = addr_hash(a) & g->mask;

    for (;;) {
        uint32_t *slot = &g->slots[h];

        if (*slot == EMPTY || addr_same(&g->sources[*slot]->addr, a))
            return slot;
        h = (h + 1) & g->mask;
    }
}

/* The hash table at size slots (a power of two), every source in it
 * again: 0 or -ENOMEM (the table is unchanged). */
static int table_resize(struct mc_group_stats *g, unsigned size)
{
    uint32_t *slots = malloc((size_t)size * sizeof *slots);

    if (slots == NULL)
        return -ENOMEM;
    free(g->slots);
    g->slots = slots;
    g->mask = size - 1;
    for (unsigned i = 0; i < size; i++)
        slots[i] = EMPTY;
    for (unsigned i = 0; i < g->nsources; i++)
        *find_slot(g, &g->sources[i]->addr) = i;
    return 0;
}

/* Room for one more source (the first makes the table; it grows with
 * the sources, so that a group of one source holds a small one): 0 or
 * -ENOMEM. */
static int table_room(struct mc_group_stats *g)
{
    if (g->nsources == g->capsrc) {
        unsigned cap = g->capsrc ? 2 * g->capsrc : 4;
        struct mc_source_stats **v;

        if (cap > g->max_sources)
            cap = g->max_sources;
        v = realloc(g->sources, cap * sizeof *v);
        if (v == NULL)
            return -ENOMEM;
        g->sources = v;
        g->capsrc = cap;
    }
    if (g->slots == NULL || (g->nsources + 1) * 2 > g->mask + 1)
        return table_resize(g, g->slots == NULL ? 8 : 2 * (g->mask + 1));
    return 0;
}

/* The other-sources bucket, made by its first packet; NULL when out of
 * memory. */
static struct mc_source_stats *other_get(struct mc_group_stats *g)
{
    struct mc_addr none = {0};

    if (g->other == NULL && !g->other_failed) {
        g->other = malloc(sizeof *g->other);
        g->other_failed = g->other == NULL;
        if (g->other != NULL) {
            source_init(g->other, &none, 0);
            mc_rate_init(&g->other->rate); /* started by its first packet */
        }
    }
    return g->other;
}

/* The record of src, made now if there is room; else the other bucket
 * (NULL: out of memory for that too). */
static struct mc_source_stats *source_get(struct mc_group_stats *g,
                                          const struct mc_addr *src,
                                          int64_t mono_ns, int *flags)
{
    struct mc_source_stats *s;
    uint32_t *slot;

    if (g->last != EMPTY && addr_same(&g->sources[g->last]->addr, src))
        return g->sources[g->last];
    if (addr_len(src->family) == 0)
        goto other;
    if (g->slots != NULL) {
        slot = find_slot(g, src);
        if (*slot != EMPTY) {
            g->last = *slot;
            return g->sources[*slot];
        }
    }
    if (g->nsources == g->max_sources || table_room(g) < 0)
        goto other;
    slot = find_slot(g, src); /* the table may have grown */
    s = malloc(sizeof *s);
    if (s == NULL)
        goto other;
    source_init(s, src, mono_ns);
    /* The group's first packet is its first source's: while that source
     * is alone, the group's rings are its rings. */
    s->rate.borrowed = g->c.packets == 0 && g->nsources == 0;
    g->sources[g->nsources] = s;
    *slot = g->nsources;
    g->last = g->nsources;
    g->nsources++;
    *flags |= MC_RX_NEW_SOURCE;
    return s;
other:
    *flags |= MC_RX_OTHER;
    return other_get(g);
}

static void source_free(struct mc_source_stats *s)
{
    mc_rate_free(&s->rate);
    for (unsigned i = 0; i < s->nflows; i++)
        mc_flow_free(s->flows[i]);
    free(s->seq);
    free(s);
}

/* ---- groups ---- */

/* Everything forgotten, and every table and ring freed: a cleared group
 * costs what a new one does. */
static void group_reset(struct mc_group_stats *g)
{
    for (unsigned i = 0; i < g->nsources; i++)
        source_free(g->sources[i]);
    free(g->sources);
    free(g->slots);
    g->sources = NULL;
    g->slots = NULL;
    g->capsrc = 0;
    g->mask = 0;
    g->nsources = 0;
    g->last = EMPTY;
    memset(&g->c, 0, sizeof g->c);
    mc_rate_free(&g->rate);
    mc_rate_init(&g->rate);
    if (g->other != NULL)
        source_free(g->other);
    g->other = NULL;
    g->other_failed = false;
}

struct mc_group_stats *mc_group_stats_new(unsigned max_sources)
{
    struct mc_group_stats *g;

    if (max_sources == 0)
        max_sources = MC_STATS_DEFAULT_SOURCES;
    if (max_sources > MC_STATS_MAX_SOURCES) {
        errno = EINVAL;
        return NULL;
    }
    g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    g->max_sources = max_sources;
    g->gap_ns = (int64_t)MC_GAP_DEFAULT_MS * 1000000;
    g->last = EMPTY;
    mc_rate_init(&g->rate);
    return g;
}

void mc_group_stats_free(struct mc_group_stats *g)
{
    if (g == NULL)
        return;
    group_reset(g);
    free(g);
}

void mc_group_stats_clear(struct mc_group_stats *g)
{
    group_reset(g);
}

void mc_group_stats_start(struct mc_group_stats *g, int64_t mono_ns)
{
    mc_rate_start(&g->rate, mono_ns);
}

int mc_group_stats_rx(struct mc_group_stats *g, const struct mc_cmsg *cm,
                      size_t bytes, const struct mc_probe *probe,
                      int64_t mono_ns, int64_t real_ns)
{
    int flags = 0;
    struct mc_source_stats *s = source_get(g, &cm->src, mono_ns, &flags);

    if (g->nsources > 0 && s != g->sources[0])
        mc__rate_own(&g->sources[0]->rate); /* it is not alone any more */
    count_rx(&g->c, cm, bytes, probe != NULL, mono_ns);
    mc_rate_add(&g->rate, mono_ns, 1, bytes);
    if (s == NULL)
        return flags;
    count_rx(&s->c, cm, bytes, probe != NULL, mono_ns);
    if (s->rate.borrowed)
        mc__rate_follow(&s->rate, &g->rate, mono_ns);
    else
        mc_rate_add(&s->rate, mono_ns, 1, bytes);
    if (probe != NULL && s != g->other && s->seq == NULL &&
        (s->seq = malloc(sizeof *s->seq)) != NULL)
        mc_seq_init(s->seq);
    if (probe != NULL && s != g->other && s->seq != NULL) {
        enum mc_seq_verdict v = mc_seq_feed(
            s->seq, probe->sender_id, probe->seq, probe->send_ns, real_ns);

        if (v == MC_SEQ_RESTART || v == MC_SEQ_RESYNC)
            flags |= MC_RX_RESTART;
    }
    return flags;
}

int mc_group_stats_wire(struct mc_group_stats *g, const struct mc_addr *src,
                        size_t bytes, int64_t mono_ns)
{
    int flags = 0;
    struct mc_source_stats *s = source_get(g, src, mono_ns, &flags);

    count_wire(&g->c, bytes, mono_ns);
    if (s != NULL)
        count_wire(&s->c, bytes, mono_ns);
    return flags;
}

int64_t mc_stats_rx_real_ns(const struct mc_cmsg *cm, int64_t fallback_real_ns)
{
    if (cm != NULL && cm->have_time)
        return mc__timespec_ns(&cm->ts);
    return fallback_real_ns;
}

const struct mc_counters *
mc_group_stats_counters(const struct mc_group_stats *g)
{
    return &g->c;
}

const struct mc_rate *mc_group_stats_rate(const struct mc_group_stats *g)
{
    return &g->rate;
}

unsigned mc_group_stats_max_sources(const struct mc_group_stats *g)
{
    return g->max_sources;
}

unsigned mc_group_stats_source_count(const struct mc_group_stats *g)
{
    return g->nsources;
}

const struct mc_source_stats *
mc_group_stats_source(const struct mc_group_stats *g, unsigned i)
{
    return i < g->nsources ? g->sources[i] : NULL;
}

const struct mc_source_stats *
mc_group_stats_lookup(const struct mc_group_stats *g, const struct mc_addr *src)
{
    const uint32_t *slot;

    if (addr_len(src->family) == 0 || g->slots == NULL)
        return NULL;
    slot = find_slot(g, src);
    return *slot == EMPTY ? NULL : g->sources[*slot];
}

const struct mc_source_stats *
mc_group_stats_other(const struct mc_group_stats *g)
{
    /* an other bucket that counted nothing: no address, no rate */
    static const struct mc_source_stats none;

    return g->other != NULL ? g->other : &none;
}

/* Fold one source's analysis into a running group sum. */
static void seq_sum(struct mc_seq_stats *sum, const struct mc_seq_stats *x,
                    double *delay_total)
{
    if (!x->known)
        return;
    sum->known = true;
    sum->packets += x->packets;
    sum->received += x->received;
    sum->expected += x->expected;
    sum->lost += x->lost;
    sum->duplicates += x->duplicates;
    sum->reordered += x->reordered;
    sum->too_old += x->too_old;
    sum->runs += x->runs;
    if (x->delay_known) {
        if (!sum->delay_known || x->delay_min_ns < sum->delay_min_ns)
            sum->delay_min_ns = x->delay_min_ns;
        if (!sum->delay_known || x->delay_max_ns > sum->delay_max_ns)
            sum->delay_max_ns = x->delay_max_ns;
        sum->delay_known = true;
        *delay_total += (double)x->delay_avg_ns * (double)x->received;
    }
    if (x->jitter_known &&
        (!sum->jitter_known || x->jitter_ns > sum->jitter_ns)) {
        sum->jitter_known = true;
        sum->jitter_ns = x->jitter_ns;
    }
}

void mc_group_stats_seq(const struct mc_group_stats *g,
                        struct mc_seq_stats *out)
{
    double delay_total = 0, delay_n = 0;

    memset(out, 0, sizeof *out);
    for (unsigned i = 0; i < g->nsources; i++) {
        struct mc_seq_stats x;

        mc_source_seq(g->sources[i], &x);
        seq_sum(out, &x, &delay_total);
        if (x.delay_known)
            delay_n += (double)x.received;
    }
    if (out->delay_known && delay_n > 0) {
        double avg = delay_total / delay_n;

        /* a weighted mean lies between the extremes; keep it there */
        if (avg <= (double)out->delay_min_ns)
            out->delay_avg_ns = out->delay_min_ns;
        else if (avg >= (double)out->delay_max_ns)
            out->delay_avg_ns = out->delay_max_ns;
        else
            out->delay_avg_ns = (int64_t)avg;
    }
}

const struct mc_addr *mc_source_addr(const struct mc_source_stats *s)
{
    return &s->addr;
}

const struct mc_counters *mc_source_counters(const struct mc_source_stats *s)
{
    return &s->c;
}

const struct mc_rate *mc_source_rate(const struct mc_source_stats *s)
{
    return &s->rate;
}

void mc_source_seq(const struct mc_source_stats *s, struct mc_seq_stats *out)
{
    if (s->seq != NULL)
        mc_seq_get(s->seq, out);
    else
        memset(out, 0, sizeof *out); /* no probe: unknown */
}

/* ---- flows ---- */

/* A new flow under s, or the other-flows bucket when s has no room;
 * NULL when out of memory. */
static struct mc_flow *flow_new(struct mc_group_stats *g,
                                struct mc_source_stats *s, uint16_t sport,
                                const struct mc_rtp_hdr *rtp)
{
    bool full = s->nflows - (s->other_flow != NULL) >= MC_STATS_MAX_FLOWS;
    struct mc_flow *f;

    if (full && s->other_flow != NULL)
        return s->other_flow;
    f = malloc(sizeof *f);
    if (f == NULL)
        return NULL;
    mc_flow_init(f, full ? 0 : sport, &g->an_cfg);
    if (full)
        s->other_flow = f;
    else if (rtp != NULL) {
        f->keyed = true;
        f->ssrc = rtp->ssrc;
    }
    s->last_flow = s->nflows;
    s->flows[s->nflows++] = f;
    return f;
}

/* Where a packet from sport goes when no keyed flow has its SSRC. */
struct port_flows {
    struct mc_flow *loose; /* the first flow of the port keyed by sport */
    struct mc_flow *rtp;   /* the latest decided RTP flow of the port */
    unsigned keyed;        /* flows of the port keyed by SSRC */
};

/*
 * The flow of a packet from sport (rtp: its RTP header when it parses as
 * RTP and the analysis may take it as RTP, else NULL) under s, made now
 * when there is room.  A keyed flow with the packet's SSRC takes it;
 * else an RTP packet makes a new keyed flow when the port has fewer than
 * MC_STATS_PORT_SSRCS and either no flow keyed by sport or one decided
 * RTP (*was: the SSRC that flow carried, an SSRC change); everything
 * else goes to the port's flow keyed by sport, made when there is none.
 */
static struct mc_flow *flow_get(struct mc_group_stats *g,
                                struct mc_source_stats *s, uint16_t sport,
                                const struct mc_rtp_hdr *rtp,
                                const struct mc_flow **was)
{
    struct port_flows pf = {NULL, NULL, 0};
    struct mc_flow *f = s->nflows > 0 ? s->flows[s->last_flow] : NULL;

    *was = NULL;
    if (f != NULL && f != s->other_flow && f->sport == sport &&
        (rtp != NULL ? f->keyed && f->ssrc == rtp->ssrc : !f->keyed))
        return f;
    for (unsigned i = 0; i < s->nflows; i++) {
        f = s->flows[i];
        if (f == s->other_flow || f->sport != sport)
            continue;
        if (!f->keyed) {
            if (pf.loose == NULL)
                pf.loose = f;
            continue;
        }
        if (rtp != NULL && f->ssrc == rtp->ssrc) {
            s->last_flow = i;
            return f;
        }
        pf.keyed++;
        if (mc_flow_payload(f) == MC_PAYLOAD_RTP &&
            (pf.rtp == NULL || f->last_ns >= pf.rtp->last_ns))
            pf.rtp = f;
    }
    if (rtp != NULL && pf.keyed < MC_STATS_PORT_SSRCS &&
        (pf.loose == NULL || pf.rtp != NULL)) {
        f = flow_new(g, s, sport, rtp);
        if (f != NULL && f->keyed)
            *was = pf.rtp;
        return f;
    }
    if (pf.loose != NULL) {
        for (unsigned i = 0; i < s->nflows; i++)
            if (s->flows[i] == pf.loose)
                s->last_flow = i;
        return pf.loose;
    }
    return flow_new(g, s, sport, NULL);
}

int mc_group_stats_flow(struct mc_group_stats *g, const struct mc_cmsg *cm,
                        const uint8_t *data, size_t len, size_t bytes,
                        int64_t real_ns, struct mc_flow_news *news)
{
    int flags = 0;
    struct mc_source_stats *s = source_get(g, &cm->src, 0, &flags);
    const struct mc_flow *was;
    struct mc_rtp_hdr h;
    bool rtp = (g->an_cfg.mode == MC_ANALYZE_AUTO ||
                g->an_cfg.mode == MC_ANALYZE_RTP) &&
               mc_rtp_parse(data, len, &h) == 0;
    struct mc_flow *f;

    memset(news, 0, sizeof *news);
    if (s == NULL || s == g->other)
        return 0;
    f = flow_get(g, s, cm->src_port, rtp ? &h : NULL, &was);
    if (f == NULL)
        return 0;
    flags = mc_flow_packet(f, cm, data, len, bytes, real_ns, g->gap_ns, news);
    for (unsigned i = 0; f->packets == 1 && i < s->nflows; i++)
        flags |= mc_flow_supersede(s->flows[i], real_ns, news);
    if (f != s->other_flow)
        mc_flow_rekey(f);
    if (was != NULL) {
        /* a new SSRC on a port that carried RTP of another */
        news->flags = flags |= MC_AN_SSRC_CHANGE;
        news->ssrc_old = was->ssrc;
        news->ssrc_new = h.ssrc;
    }
    return flags;
}

void mc_group_stats_set_analysis(struct mc_group_stats *g,
                                 const struct mc_analyze_cfg *cfg,
                                 int64_t gap_ns)
{
    bool rtp = cfg->mode == MC_ANALYZE_AUTO || cfg->mode == MC_ANALYZE_RTP;

    g->an_cfg = *cfg;
    g->gap_ns = gap_ns;
    for (unsigned i = 0; i < g->nsources; i++)
        for (unsigned k = 0; k < g->sources[i]->nflows; k++) {
            struct mc_flow *f = g->sources[i]->flows[k];

            mc_analysis_free(&f->an);
            mc_analysis_init(&f->an, cfg);
            f->keyed = f->keyed && rtp; /* no SSRC key without RTP */
        }
}

const struct mc_analyze_cfg *
mc_group_stats_analysis(const struct mc_group_stats *g)
{
    return &g->an_cfg;
}

int64_t mc_group_stats_gap_ns(const struct mc_group_stats *g)
{
    return g->gap_ns;
}

/* For every flow where news(flow) says so: cb(ctx, source, flow). */
static unsigned each_news(struct mc_group_stats *g,
                          bool (*news)(struct mc_flow *f, int64_t now_ns,
                                       int64_t gap_ns),
                          int64_t now_ns,
                          void (*cb)(void *ctx, const struct mc_source_stats *s,
                                     const struct mc_flow *f),
                          void *ctx)
{
    unsigned n = 0;

    for (unsigned i = 0; i < g->nsources; i++) {
        struct mc_source_stats *s = g->sources[i];

        for (unsigned k = 0; k < s->nflows; k++)
            if (news(s->flows[k], now_ns, g->gap_ns)) {
                n++;
                if (cb != NULL)
                    cb(ctx, s, s->flows[k]);
            }
    }
    return n;
}

unsigned mc_group_stats_silent(struct mc_group_stats *g, int64_t now_ns,
                               void (*cb)(void *ctx,
                                          const struct mc_source_stats *s,
                                          const struct mc_flow *f),
                               void *ctx)
{
    return each_news(g, mc_flow_silent, now_ns, cb, ctx);
}

static bool flow_stopped(struct mc_flow *f, int64_t now_ns, int64_t gap_ns)
{
    (void)gap_ns;
    return mc_flow_stopped(f, now_ns);
}

unsigned mc_group_stats_stopped(struct mc_group_stats *g, int64_t now_ns,
                                void (*cb)(void *ctx,
                                           const struct mc_source_stats *s,
                                           const struct mc_flow *f),
                                void *ctx)
{
    return each_news(g, flow_stopped, now_ns, cb, ctx);
}

unsigned mc_source_flow_count(const struct mc_source_stats *s)
{
    return s->nflows;
}

const struct mc_flow *mc_source_flow(const struct mc_source_stats *s,
                                     unsigned i)
{
    if (i >= s->nflows)
        return NULL;
    /* the other-flows bucket last */
    if (s->other_flow != NULL) {
        unsigned at = 0;

        for (unsigned k = 0; k < s->nflows; k++) {
            if (s->flows[k] == s->other_flow)
                continue;
            if (at++ == i)
                return s->flows[k];
        }
        return s->other_flow;
    }
    return s->flows[i];
}

void mc_source_flows_seq(const struct mc_source_stats *s,
                         struct mc_seq_stats *out)
{
    struct mc_flows_summary sum;

    mc_source_flows_summary(s, &sum);
    *out = sum.seq;
}

static void summary_add(struct mc_flows_summary *out, const struct mc_flow *f,
                        double *delay_total)
{
    struct mc_an_report r;

    mc_analysis_get(&f->an, &r);
    if (r.payload != MC_PAYLOAD_UNKNOWN) {
        if (out->payload != MC_PAYLOAD_UNKNOWN && out->payload != r.payload)
            out->mixed = true;
        out->payload = r.payload;
    }
    if (r.seq_known)
        seq_sum(&out->seq, &r.seq, delay_total);
    if (r.rtp_known && r.rtp.jitter_known &&
        (!out->jitter_known || r.rtp.jitter_ms > out->jitter_ms)) {
        out->jitter_known = true;
        out->jitter_ms = r.rtp.jitter_ms;
    }
    if (r.ts_known) {
        out->ts_known = true;
        out->cc_errors += r.ts.cc_errors;
    }
}

static void source_summary(const struct mc_source_stats *s,
                           struct mc_flows_summary *out, double *delay_total)
{
    for (unsigned i = 0; i < s->nflows; i++)
        summary_add(out, s->flows[i], delay_total);
}

void mc_source_flows_summary(const struct mc_source_stats *s,
                             struct mc_flows_summary *out)
{
    double delay_total = 0;

    memset(out, 0, sizeof *out);
    source_summary(s, out, &delay_total);
    out->seq.delay_known = false;
}

void mc_group_stats_flows_summary(const struct mc_group_stats *g,
                                  struct mc_flows_summary *out)
{
    double delay_total = 0;

    memset(out, 0, sizeof *out);
    for (unsigned i = 0; i < g->nsources; i++)
        source_summary(g->sources[i], out, &delay_total);
    out->seq.delay_known = false;
}
