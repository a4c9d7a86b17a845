/*
 * mcscope core: the flows of a source in the JSON report — the keys of
 * DESIGN.md "Real streams": per flow src_port, payload, packets, bytes,
 * iat_us, gaps, max_gap_ms, last_age_ms, stops, stop_threshold_ms,
 * stopped, stopped_at (epoch s of the last packet before the last stop),
 * silent_s (while stopped), peak_pps_10ms, peak_pps_100ms,
 * the sequence figures where known, rtp {...} and mpegts {...}; and the
 * source's hoplimits and tclasses (value -> packets, over its flows).
 * And the flows in the text report: one line a flow, its TTL / hop limit
 * and TOS / traffic class tables (value: packets, and the changes), its
 * RTP and MPEG-TS lines.
 */
#include <inttypes.h>
#include <stdio.h>
#include <sys/socket.h>

#include "mcscope/monitor.h"
#include "report_priv.h"
#include "util.h"

static void jput(json_object *o, const char *key, json_object *v)
{
    json_object_object_add(o, key, v);
}

static json_object *jnum(double v, int decimals)
{
    char buf[64];

    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return json_object_new_double_s(v, buf);
}

static json_object *ju64(uint64_t v)
{
    return json_object_new_uint64(v);
}

static void put_seq(json_object *o, const struct mc_seq_stats *q)
{
    jput(o, "lost", ju64(q->lost));
    jput(o, "duplicates", ju64(q->duplicates));
    jput(o, "reordered", ju64(q->reordered));
    jput(o, "loss_runs", ju64(q->loss_runs));
    jput(o, "max_loss_run", ju64(q->max_loss_run));
}

static json_object *json_rtp(const struct mc_rtp_stats *r)
{
    json_object *o = json_object_new_object();

    jput(o, "ssrc", ju64(r->ssrc));
    jput(o, "pt", json_object_new_int(r->pt));
    jput(o, "clock_hz", ju64(r->clock_hz));
    jput(o, "expected", ju64(r->expected));
    jput(o, "lost", ju64(r->lost));
    jput(o, "seq_errors", ju64(r->seq_errors));
    jput(o, "ssrc_changes", ju64(r->ssrc_changes));
    jput(o, "max_delta_ms", jnum(r->max_delta_ms, 3));
    if (r->jitter_known) {
        jput(o, "jitter_ms", jnum(r->jitter_ms, 3));
        jput(o, "mean_jitter_ms", jnum(r->mean_jitter_ms, 3));
        jput(o, "max_jitter_ms", jnum(r->max_jitter_ms, 3));
    }
    return o;
}

static json_object *json_mpegts(const struct mc_an_report *r, int64_t real_ns)
{
    const struct mc_mpegts_stats *t = &r->ts;
    json_object *o = json_object_new_object();
    json_object *pids = json_object_new_array();
    struct mc_ts_pid_stats p;

    jput(o, "packets", ju64(t->packets));
    jput(o, "cc_errors", ju64(t->cc_errors));
    jput(o, "sync_errors", ju64(t->sync_errors));
    jput(o, "pat_seen", json_object_new_boolean(t->pat_seen));
    jput(o, "pmt_seen", json_object_new_boolean(t->pmt_seen));
    for (unsigned i = 0; mc_mpegts_pid(r->ts_state, i, real_ns, &p); i++) {
        json_object *x = json_object_new_object();

        jput(x, "pid", json_object_new_int(p.pid));
        jput(x, "packets", ju64(p.packets));
        jput(x, "cc_errors", ju64(p.cc_errors));
        jput(x, "pps", jnum(p.pps, 0));
        json_object_array_add(pids, x);
    }
    jput(o, "pids", pids);
    if (t->other_pid_packets > 0)
        jput(o, "other_pid_packets", ju64(t->other_pid_packets));
    if (t->pcr_pid >= 0)
        jput(o, "pcr_pid", json_object_new_int(t->pcr_pid));
    if (t->pcr_known) {
        jput(o, "max_pcr_interval_ms", jnum(t->max_pcr_interval_ms, 3));
        jput(o, "pcr_over_40ms", ju64(t->pcr_over_40ms));
    }
    if (t->df_known)
        jput(o, "mdi_df_ms", jnum(t->mdi_df_ms, 3));
    jput(o, "mdi_mlr", jnum(t->mdi_mlr, 1));
    return o;
}

static json_object *json_flow(const struct mc_flow *f, int64_t real_ns)
{
    json_object *o = json_object_new_object();
    struct mc_an_report r;
    struct mc_flow_iat iat;

    mc_analysis_get(&f->an, &r);
    mc_flow_iat(f, &iat);
    jput(o, "src_port", json_object_new_int(f->sport));
    jput(o, "payload", json_object_new_string(mc_payload_name(r.payload)));
    jput(o, "packets", ju64(f->packets));
    jput(o, "bytes", ju64(f->bytes));
    if (iat.known) {
        json_object *i = json_object_new_object();

        jput(i, "min", jnum((double)iat.min_ns / 1e3, 1));
        jput(i, "mean", jnum(iat.mean_ns / 1e3, 1));
        jput(i, "max", jnum((double)iat.max_ns / 1e3, 1));
        jput(o, "iat_us", i);
    }
    jput(o, "gaps", ju64(f->gaps));
    jput(o, "max_gap_ms", jnum((double)f->max_gap_ns / 1e6, 1));
    jput(o, "last_age_ms", jnum((double)(real_ns - f->last_ns) / 1e6, 1));
    /* a stream that stops (querier.h) */
    jput(o, "stops", ju64(f->stops));
    jput(o, "stop_threshold_ms",
         jnum((double)mc_flow_stop_threshold_ns(f) / 1e6, 1));
    jput(o, "stopped", json_object_new_boolean(f->stopped));
    if (f->stops > 0)
        jput(o, "stopped_at", jnum((double)f->stop_last_ns / 1e9, 6));
    if (f->stopped)
        jput(o, "silent_s", jnum((double)(real_ns - f->last_ns) / 1e9, 3));
    jput(o, "peak_pps_10ms", jnum(mc_flow_peak_pps(f, 10), 0));
    jput(o, "peak_pps_100ms", jnum(mc_flow_peak_pps(f, 100), 0));
    if (r.seq_known)
        put_seq(o, &r.seq);
    if (r.rtp_known)
        jput(o, "rtp", json_rtp(&r.rtp));
    if (r.ts_known)
        jput(o, "mpegts", json_mpegts(&r, real_ns));
    return o;
}

/* value -> packets over the flows, for one of the two value tables. */
static json_object *json_values(const struct mc_source_stats *s, bool tc)
{
    json_object *o = json_object_new_object();
    unsigned n = mc_source_flow_count(s);

    for (unsigned i = 0; i < n; i++) {
        const struct mc_flow *f = mc_source_flow(s, i);
        const struct mc_flow_values *v = tc ? &f->tclass : &f->hoplimit;

        for (unsigned k = 0; k < v->n; k++) {
            char key[16];
            json_object *old;
            uint64_t sum = v->v[k].packets;

            snprintf(key, sizeof key, "%d", v->v[k].value);
            if (json_object_object_get_ex(o, key, &old))
                sum += json_object_get_uint64(old);
            jput(o, key, ju64(sum));
        }
    }
    return o;
}

void mc__report_flows(json_object *o, const struct mc_source_stats *s,
                      int64_t now_ns)
{
    unsigned n = mc_source_flow_count(s);
    json_object *arr = json_object_new_array();
    int64_t real_ns;

    if (n == 0) {
        json_object_put(arr);
        return;
    }
    /* the flows' times are kernel stamps (real time): now in real time */
    real_ns = now_ns + (mc__clock_ns(CLOCK_REALTIME) - mc_monitor_now_ns());
    for (unsigned i = 0; i < n; i++)
        json_object_array_add(arr, json_flow(mc_source_flow(s, i), real_ns));
    jput(o, "flows", arr);
    jput(o, "hoplimits", json_values(s, false));
    jput(o, "tclasses", json_values(s, true));
}

/* ---- the text report ---- */

/* One value table of a flow: "    TTL 64: 197, 32: 100 (1 change)"; the
 * traffic class in hex, as the groups table shows it.  Nothing when no
 * packet carried the value. */
static void text_values(FILE *out, const char *name,
                        const struct mc_flow_values *v, bool hex)
{
    if (v->n == 0)
        return;
    fprintf(out, "    %s", name);
    for (unsigned k = 0; k < v->n; k++)
        fprintf(out, hex ? "%s0x%02x: %" PRIu64 : "%s%d: %" PRIu64,
                k == 0 ? " " : ", ", v->v[k].value, v->v[k].packets);
    if (v->other > 0)
        fprintf(out, ", other: %" PRIu64, v->other);
    fprintf(out, " (%" PRIu64 " change%s)\n", v->changes,
            v->changes == 1 ? "" : "s");
}

static void text_flow(FILE *out, const struct mc_source_stats *s,
                      const struct mc_flow *f, int64_t real_ns)
{
    char a[MC_ADDR_STRLEN];
    struct mc_an_report r;
    struct mc_flow_iat iat;
    bool v4 = mc_source_addr(s)->family == AF_INET;

    mc_analysis_get(&f->an, &r);
    mc_flow_iat(f, &iat);
    fprintf(out, "  %s sport %u  %s  packets %" PRIu64,
            mc_addr_format(mc_source_addr(s), a, sizeof a), (unsigned)f->sport,
            mc_payload_name(r.payload), f->packets);
    if (iat.known)
        fprintf(out, "  iat %.1f/%.1f/%.1f us", (double)iat.min_ns / 1e3,
                iat.mean_ns / 1e3, (double)iat.max_ns / 1e3);
    fprintf(out,
            "  gaps %" PRIu64 " (max %.1f ms)  last %.1f ms ago  peak "
            "%.0f/%.0f pps (10/100 ms)",
            f->gaps, (double)f->max_gap_ns / 1e6,
            (double)(real_ns - f->last_ns) / 1e6, mc_flow_peak_pps(f, 10),
            mc_flow_peak_pps(f, 100));
    if (f->stops > 0)
        fprintf(out, "  stops %" PRIu64 "%s", f->stops,
                f->stopped ? " (stopped now)" : "");
    if (r.seq_known)
        fprintf(out,
                "  lost %" PRIu64 " dup %" PRIu64 " reord %" PRIu64
                " runs %" PRIu64 " (longest %" PRIu64 ")",
                r.seq.lost, r.seq.duplicates, r.seq.reordered, r.seq.loss_runs,
                r.seq.max_loss_run);
    fputc('\n', out);
    text_values(out, v4 ? "TTL" : "hop limit", &f->hoplimit, false);
    text_values(out, v4 ? "TOS" : "traffic class", &f->tclass, true);
    if (r.rtp_known)
        fprintf(out,
                "    rtp ssrc 0x%08" PRIx32
                " pt %u clock %u Hz  expected %" PRIu64 " lost %" PRIu64
                " seq errors %" PRIu64
                "  max delta %.3f ms  jitter %.3f/%.3f/%.3f ms\n",
                r.rtp.ssrc, (unsigned)r.rtp.pt, r.rtp.clock_hz, r.rtp.expected,
                r.rtp.lost, r.rtp.seq_errors, r.rtp.max_delta_ms,
                r.rtp.jitter_ms, r.rtp.mean_jitter_ms, r.rtp.max_jitter_ms);
    if (r.ts_known)
        fprintf(out,
                "    mpegts packets %" PRIu64 " cc errors %" PRIu64
                " sync errors %" PRIu64 " PAT %s PMT %s PCR PID %d max "
                "interval %.1f ms  MDI %.1f:%.1f  PIDs %u\n",
                r.ts.packets, r.ts.cc_errors, r.ts.sync_errors,
                r.ts.pat_seen ? "seen" : "not seen",
                r.ts.pmt_seen ? "seen" : "not seen", r.ts.pcr_pid,
                r.ts.max_pcr_interval_ms, r.ts.mdi_df_ms, r.ts.mdi_mlr,
                r.ts.npids);
}

void mc__report_flows_text(FILE *out, const struct mc_monitor *m)
{
    struct mc_group_view v;
    int64_t real_ns = mc__clock_ns(CLOCK_REALTIME);
    char g[MC_ADDR_STRLEN];

    for (size_t i = 0; mc_monitor_group(m, i, &v) == 0; i++) {
        unsigned n = mc_group_stats_source_count(v.stats);
        bool head = false;

        for (unsigned k = 0; k < n; k++) {
            const struct mc_source_stats *s = mc_group_stats_source(v.stats, k);

            for (unsigned f = 0; f < mc_source_flow_count(s); f++) {
                if (!head)
                    fprintf(out, "\nflows of %s port %u:\n",
                            mc_addr_format(&v.group, g, sizeof g),
                            (unsigned)v.port);
                head = true;
                text_flow(out, s, mc_source_flow(s, f), real_ns);
            }
        }
    }
}
