/*
 * mcscope core: per-flow timing, gaps, peaks, hop limit and traffic class
 * values, and the payload analysis.  See mcscope/flow.h.
 */
#include <string.h>

#include "mcscope/clock.h"
#include "mcscope/flow.h"

static void values_init(struct mc_flow_values *v)
{
    memset(v, 0, sizeof *v);
    v->last = -1;
}

void mc_flow_init(struct mc_flow *f, uint16_t sport,
                  const struct mc_analyze_cfg *cfg)
{
    memset(f, 0, sizeof *f);
    f->sport = sport;
    values_init(&f->hoplimit);
    values_init(&f->tclass);
    f->win10 = f->win100 = -1;
    mc_analysis_init(&f->an, cfg);
}

/* Count value; true when it differs from the last packet's. */
static bool value_seen(struct mc_flow_values *v, int value)
{
    bool changed = v->last >= 0 && v->last != value;
    unsigned i;

    for (i = 0; i < v->n && v->v[i].value != value; i++)
        ;
    if (i < v->n)
        v->v[i].packets++;
    else if (v->n < MC_FLOW_VALUES)
        v->v[v->n++] = (struct mc_flow_value){value, 1};
    else
        v->other++;
    v->changes += changed;
    v->last = value;
    return changed;
}

static unsigned bucket_of(int64_t iat_ns)
{
    uint64_t us = iat_ns < 0 ? 0 : (uint64_t)(iat_ns / 1000);
    unsigned k = 0;

    while (us >= 2 && k < MC_IAT_BUCKETS - 1) {
        us >>= 1;
        k++;
    }
    return k;
}

uint64_t mc_iat_bucket_us(unsigned k)
{
    return k == 0 ? 0 : (uint64_t)1 << k;
}

static void peak(int64_t t, int64_t width, int64_t *win, uint64_t *cnt,
                 uint64_t *peak_cnt)
{
    int64_t w = t / width;

    if (w != *win) {
        *win = w;
        *cnt = 0;
    }
    if (++*cnt > *peak_cnt)
        *peak_cnt = *cnt;
}

static void interarrival(struct mc_flow *f, int64_t iat, int64_t gap_ns,
                         struct mc_flow_news *news)
{
    if (iat < 0)
        iat = 0; /* stamps out of order: no negative time */
    if (f->iat_n == 0 || iat < f->iat_min_ns)
        f->iat_min_ns = iat;
    if (iat > f->iat_max_ns)
        f->iat_max_ns = iat;
    f->iat_sum_ns += (double)iat;
    f->iat_n++;
    f->hist[bucket_of(iat)]++;
    if (gap_ns > 0 && iat > gap_ns) {
        f->gaps++;
        if (iat > f->max_gap_ns)
            f->max_gap_ns = iat;
        news->flags |= MC_FLOW_RESUMED;
        news->gap_ns = iat;
    }
    if (f->stopped) {
        news->flags |= MC_FLOW_RESTARTED;
        news->gap_ns = iat;
    }
    f->silent = false;
    f->stopped = false;
}

int mc_flow_packet(struct mc_flow *f, const struct mc_cmsg *cm,
                   const uint8_t *data, size_t len, size_t bytes,
                   int64_t real_ns, int64_t gap_ns, struct mc_flow_news *news)
{
    struct mc_an_pkt p = {.data = data, .len = len, .real_ns = real_ns};

    memset(news, 0, sizeof *news);
    if (f->packets == 0)
        f->first_ns = real_ns;
    else
        interarrival(f, real_ns - f->last_ns, gap_ns, news);
    f->last_ns = real_ns;
    f->packets++;
    f->bytes += bytes;
    peak(real_ns, 10 * MC_NS_PER_MS, &f->win10, &f->cnt10, &f->peak10);
    peak(real_ns, 100 * MC_NS_PER_MS, &f->win100, &f->cnt100, &f->peak100);
    if (cm->have & MC_CM_HOPLIMIT) {
        news->hl_old = f->hoplimit.last;
        news->hl_new = cm->hoplimit;
        if (value_seen(&f->hoplimit, cm->hoplimit))
            news->flags |= MC_FLOW_HOPLIMIT;
    }
    if (cm->have & MC_CM_TCLASS) {
        news->tc_old = f->tclass.last;
        news->tc_new = cm->tclass;
        if (value_seen(&f->tclass, cm->tclass))
            news->flags |= MC_FLOW_TCLASS;
    }
    news->ssrc_old = f->an.st.rtp.rtp.ssrc;
    news->flags |= mc_analysis_packet(&f->an, &p);
    if (news->flags & MC_AN_SSRC_CHANGE)
        news->ssrc_new = f->an.st.rtp.rtp.ssrc;
    return news->flags;
}

enum mc_payload mc_flow_payload(const struct mc_flow *f)
{
    return f->an.an == NULL ? MC_PAYLOAD_UNKNOWN : f->an.an->payload;
}

void mc_flow_rekey(struct mc_flow *f)
{
    enum mc_payload p = mc_flow_payload(f);

    if (p == MC_PAYLOAD_UNKNOWN)
        return;
    if (p != MC_PAYLOAD_RTP) {
        f->keyed = false;
    } else if (!f->keyed && f->an.st.rtp.rtp.have) {
        f->keyed = true;
        f->ssrc = f->an.st.rtp.rtp.ssrc;
    }
}

bool mc_flow_silent(struct mc_flow *f, int64_t now_ns, int64_t gap_ns)
{
    if (f->packets == 0 || f->silent || gap_ns <= 0 ||
        now_ns - f->last_ns <= gap_ns)
        return false;
    f->silent = true;
    return true;
}

int64_t mc_flow_stop_threshold_ns(const struct mc_flow *f)
{
    int64_t min = (int64_t)MC_FLOW_STOP_MIN_MS * 1000000;
    double t;

    if (f->iat_n == 0)
        return min;
    t = MC_FLOW_STOP_FACTOR * (f->iat_sum_ns / (double)f->iat_n);
    return t > (double)min ? (int64_t)t : min;
}

bool mc_flow_stopped(struct mc_flow *f, int64_t now_ns)
{
    if (f->packets == 0 || f->stopped ||
        now_ns - f->last_ns <= mc_flow_stop_threshold_ns(f))
        return false;
    f->stopped = true;
    f->stops++;
    f->stopped_ns = now_ns;
    f->stop_last_ns = f->last_ns;
    return true;
}

int mc_flow_supersede(struct mc_flow *f, int64_t real_ns,
                      struct mc_flow_news *news)
{
    if (!f->stopped)
        return 0;
    f->stopped = false;
    news->flags |= MC_FLOW_RESTARTED;
    news->gap_ns = real_ns - f->last_ns;
    return MC_FLOW_RESTARTED;
}

void mc_flow_iat(const struct mc_flow *f, struct mc_flow_iat *out)
{
    memset(out, 0, sizeof *out);
    if (f->iat_n == 0)
        return;
    out->known = true;
    out->min_ns = f->iat_min_ns;
    out->max_ns = f->iat_max_ns;
    out->mean_ns = f->iat_sum_ns / (double)f->iat_n;
}

double mc_flow_peak_pps(const struct mc_flow *f, unsigned window_ms)
{
    if (window_ms == 10)
        return (double)f->peak10 * 100.0;
    if (window_ms == 100)
        return (double)f->peak100 * 10.0;
    return 0;
}
