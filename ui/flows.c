/*
 * mcscope ui: the flows of a group in its detail view — per flow (a
 * source's UDP source port) the payload, counts, inter-arrival, gaps,
 * age, peaks and sequence figures; for RTP the SSRC, payload type, clock,
 * loss and jitter; for MPEG-TS the errors, PCR, MDI and the PID table;
 * and the inter-arrival histogram (its non-empty log buckets).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "flows.h"
#include "format.h"
#include "mcscope/clock.h"
#include "mcscope/monitor.h"
#include "mcscope/stats.h"

#define HIST_BAR 20

/* The flows' stamps are real time: now on that clock. */
static int64_t real_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * MC_NS_PER_S + ts.tv_nsec;
}

static void flow_line(struct ui_lines *l, const struct mc_source_stats *s,
                      const struct mc_flow *f, const struct mc_an_report *r,
                      int64_t now)
{
    char a[MC_ADDR_STRLEN], who[MC_ADDR_STRLEN + 16], pk[16], i1[16], i2[16],
        i3[16], gap[16], age[16], lost[16];
    struct mc_flow_iat iat;

    mc_flow_iat(f, &iat);
    mc_addr_format(mc_source_addr(s), a, sizeof a);
    if (f->sport == 0)
        snprintf(who, sizeof who, "%s (other ports)", a);
    else
        snprintf(who, sizeof who, "%s sport %u", a, (unsigned)f->sport);
    ui_lines_add(
        l, UI_ROLE_NORMAL,
        " %-34s %-6s pkts %s  iat %s/%s/%s  gaps %" PRIu64
        " (max %s)  age %s  peak %.0f/%.0f pps  lost %s",
        who, mc_payload_name(r->payload),
        ui_format_count(f->packets, pk, sizeof pk),
        ui_format_delay(iat.min_ns, iat.known, i1, sizeof i1),
        ui_format_delay((int64_t)iat.mean_ns, iat.known, i2, sizeof i2),
        ui_format_delay(iat.max_ns, iat.known, i3, sizeof i3), f->gaps,
        ui_format_delay(f->max_gap_ns, f->gaps > 0, gap, sizeof gap),
        ui_format_delay(now - f->last_ns, true, age, sizeof age),
        mc_flow_peak_pps(f, 10), mc_flow_peak_pps(f, 100),
        ui_format_si((double)r->seq.lost, r->seq_known, lost, sizeof lost));
}

static void rtp_line(struct ui_lines *l, const struct mc_rtp_stats *t)
{
    char j1[16], j2[16], j3[16];

    ui_lines_add(
        l, UI_ROLE_NORMAL,
        "     RTP ssrc 0x%08" PRIx32 " pt %u %s%u Hz  expected %" PRIu64
        "  lost %" PRIu64 "  seq errors %" PRIu64 "  max delta %.1f ms"
        "  jitter %s (mean %s, max %s)  ssrc changes %" PRIu64,
        t->ssrc, (unsigned)t->pt, t->clock_hz ? "" : "clock ? ", t->clock_hz,
        t->expected, t->lost, t->seq_errors, t->max_delta_ms,
        ui_format_delay((int64_t)(t->jitter_ms * 1e6), t->jitter_known, j1,
                        sizeof j1),
        ui_format_delay((int64_t)(t->mean_jitter_ms * 1e6), t->jitter_known, j2,
                        sizeof j2),
        ui_format_delay((int64_t)(t->max_jitter_ms * 1e6), t->jitter_known, j3,
                        sizeof j3),
        t->ssrc_changes);
}

static void ts_lines(struct ui_lines *l, const struct mc_an_report *r,
                     int64_t now)
{
    const struct mc_mpegts_stats *t = &r->ts;
    struct mc_ts_pid_stats p;
    char pcr[64] = "PCR ?", df[24] = "DF ?";

    if (t->pcr_known)
        snprintf(pcr, sizeof pcr, "PCR PID 0x%04x, max interval %.1f ms%s",
                 t->pcr_pid, t->max_pcr_interval_ms,
                 t->pcr_over_40ms ? " (over 40 ms!)" : "");
    if (t->df_known)
        snprintf(df, sizeof df, "DF %.1f ms", t->mdi_df_ms);
    ui_lines_add(
        l, t->cc_errors || t->sync_errors ? UI_ROLE_BLOCKED : UI_ROLE_NORMAL,
        "     MPEG-TS %" PRIu64 " pkts  cc errors %" PRIu64
        "  sync errors %" PRIu64 "  PAT %s PMT %s  %s  MDI %s:%.1f",
        t->packets, t->cc_errors, t->sync_errors,
        t->pat_seen ? "seen" : "not seen", t->pmt_seen ? "seen" : "not seen",
        pcr, df, t->mdi_mlr);
    ui_lines_add(l, UI_ROLE_HEADER, "       %-8s %10s %8s %9s", "PID", "PKTS",
                 "PPS", "CC ERR");
    for (unsigned i = 0; mc_mpegts_pid(r->ts_state, i, now, &p); i++)
        ui_lines_add(l, p.cc_errors ? UI_ROLE_BLOCKED : UI_ROLE_NORMAL,
                     "       0x%04x   %10" PRIu64 " %8.0f %9" PRIu64, p.pid,
                     p.packets, p.pps, p.cc_errors);
}

/* The non-empty buckets of the inter-arrival histogram, with bars. */
static void histogram(struct ui_lines *l, const struct mc_flow *f)
{
    uint64_t most = 0;
    char lo[16], bar[HIST_BAR + 1];

    for (unsigned k = 0; k < MC_IAT_BUCKETS; k++)
        if (f->hist[k] > most)
            most = f->hist[k];
    if (most == 0)
        return;
    for (unsigned k = 0; k < MC_IAT_BUCKETS; k++) {
        unsigned n;

        if (f->hist[k] == 0)
            continue;
        n = (unsigned)(f->hist[k] * HIST_BAR / most);
        memset(bar, '#', n > 0 ? n : 1);
        bar[n > 0 ? n : 1] = '\0';
        ui_format_delay((int64_t)mc_iat_bucket_us(k) * 1000, true, lo,
                        sizeof lo);
        ui_lines_add(l, UI_ROLE_NORMAL, "     iat >= %-9s %10" PRIu64 " %s",
                     k == 0 ? "0" : lo, f->hist[k], bar);
    }
}

void ui_detail_flows(const struct ui_ctx *c, struct ui_lines *l,
                     const struct ui_row *g)
{
    struct mc_group_view v;
    unsigned n, total = 0;
    int64_t now = real_now();

    if (mc_monitor_group(c->m, g->group, &v) < 0)
        return;
    n = mc_group_stats_source_count(v.stats);
    for (unsigned i = 0; i < n; i++)
        total += mc_source_flow_count(mc_group_stats_source(v.stats, i));
    ui_lines_add(l, UI_ROLE_TITLE, "Flows (%u)", total);
    if (total == 0) {
        ui_lines_add(l, UI_ROLE_DIM, "  no packet yet");
        return;
    }
    for (unsigned i = 0; i < n; i++) {
        const struct mc_source_stats *s = mc_group_stats_source(v.stats, i);

        for (unsigned k = 0; k < mc_source_flow_count(s); k++) {
            const struct mc_flow *f = mc_source_flow(s, k);
            struct mc_an_report r;

            mc_analysis_get(&f->an, &r);
            flow_line(l, s, f, &r, now);
            if (r.rtp_known)
                rtp_line(l, &r.rtp);
            if (r.ts_known)
                ts_lines(l, &r, now);
            histogram(l, f);
        }
    }
    ui_lines_add(l, UI_ROLE_NORMAL, "%s", "");
}
