/* mcscope core: the Prometheus text exposition (see metrics.h). */
#include "mcscope/metrics.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "mcscope/analyze.h"
#include "mcscope/flow.h"
#include "mcscope/member.h"
#include "mcscope/mpegts.h"
#include "mcscope/stats.h"

/* A value: a whole counter, or a gauge in base units. */
struct value {
    bool whole;
    uint64_t u;
    double d;
};

/* One row of the per-source families: a source of a group, or the
 * other-sources bucket. */
struct row {
    const struct mc_group_view *v;
    const char *source;
    const struct mc_counters *c;
    struct mc_seq_stats q;
    bool wire; /* a capture covered the group */
    int64_t now_ns;
    /* From the source's flows (flow.h): */
    bool iat_known;
    int64_t iat_max_ns;
    uint64_t gaps;
    bool rtp_jitter_known; /* an RTP flow with a clock rate */
    double rtp_jitter_ms;  /* the largest current RTP jitter */
};

/* What the flows of s add to its row. */
static void row_flows(struct row *r, const struct mc_source_stats *s)
{
    unsigned n = mc_source_flow_count(s);

    r->iat_known = r->rtp_jitter_known = false;
    r->iat_max_ns = 0;
    r->gaps = 0;
    r->rtp_jitter_ms = 0;
    for (unsigned i = 0; i < n; i++) {
        const struct mc_flow *f = mc_source_flow(s, i);
        struct mc_an_report an;

        r->gaps += f->gaps;
        if (f->iat_n > 0 && (!r->iat_known || f->iat_max_ns > r->iat_max_ns)) {
            r->iat_known = true;
            r->iat_max_ns = f->iat_max_ns;
        }
        mc_analysis_get(&f->an, &an);
        if (an.rtp_known && an.rtp.jitter_known &&
            (!r->rtp_jitter_known || an.rtp.jitter_ms > r->rtp_jitter_ms)) {
            r->rtp_jitter_known = true;
            r->rtp_jitter_ms = an.rtp.jitter_ms;
        }
    }
    /* Lost, duplicates, reordered: the probes', else the flows' (RTP,
     * analyze ... seq), as the JSON report takes them. */
    mc_source_seq(s, &r->q);
    if (!r->q.known)
        mc_source_flows_seq(s, &r->q);
}

typedef bool (*row_fn)(const struct row *r, struct value *out);

static bool whole(uint64_t u, struct value *out)
{
    *out = (struct value){.whole = true, .u = u};
    return true;
}

static bool gauge(double d, struct value *out)
{
    *out = (struct value){.d = d};
    return true;
}

static bool v_packets(const struct row *r, struct value *out)
{
    return whole(r->c->packets, out);
}

static bool v_bytes(const struct row *r, struct value *out)
{
    return whole(r->c->bytes, out);
}

static bool v_wire(const struct row *r, struct value *out)
{
    return r->wire && whole(r->c->wire_packets, out);
}

static bool v_lost(const struct row *r, struct value *out)
{
    return r->q.known && whole(r->q.lost, out);
}

static bool v_dup(const struct row *r, struct value *out)
{
    return r->q.known && whole(r->q.duplicates, out);
}

static bool v_reordered(const struct row *r, struct value *out)
{
    return r->q.known && whole(r->q.reordered, out);
}

/* RTP's interarrival jitter (RFC 3550) when the source sends RTP, else
 * the probes' delay jitter. */
static bool v_jitter(const struct row *r, struct value *out)
{
    if (r->rtp_jitter_known)
        return gauge(r->rtp_jitter_ms / 1e3, out);
    return r->q.known && r->q.jitter_known &&
           gauge((double)r->q.jitter_ns / (double)MC_NS_PER_S, out);
}

static bool v_iat_max(const struct row *r, struct value *out)
{
    return r->iat_known &&
           gauge((double)r->iat_max_ns / (double)MC_NS_PER_S, out);
}

static bool v_gaps(const struct row *r, struct value *out)
{
    return r->iat_known && whole(r->gaps, out);
}

static bool v_age(const struct row *r, struct value *out)
{
    int64_t age = r->now_ns - r->c->last_ns;

    if (r->c->packets == 0)
        return false;
    return gauge(age > 0 ? (double)age / (double)MC_NS_PER_S : 0.0, out);
}

static const struct family {
    const char *name, *type, *help;
    row_fn fn;
} row_families[] = {
    {"mcscope_packets_total", "counter",
     "Packets the receive socket delivered, per group and source.", v_packets},
    {"mcscope_bytes_total", "counter",
     "UDP payload bytes the receive socket delivered.", v_bytes},
    {"mcscope_wire_packets_total", "counter",
     "Packets the capture saw on the interface (wire cross-check).", v_wire},
    {"mcscope_lost_packets_total", "counter",
     "Packets missing from the probe sequence.", v_lost},
    {"mcscope_duplicate_packets_total", "counter",
     "Probe packets received more than once.", v_dup},
    {"mcscope_reordered_packets_total", "counter",
     "Probe packets that arrived late (out of order).", v_reordered},
    {"mcscope_jitter_seconds", "gauge",
     "RTP interarrival jitter (RFC 3550), else the probes' delay jitter.",
     v_jitter},
    {"mcscope_interarrival_max_seconds", "gauge",
     "The longest time between two packets of one flow of the source.",
     v_iat_max},
    {"mcscope_gaps_total", "counter",
     "Silences longer than the gap threshold (analyze ... gap MS).", v_gaps},
    {"mcscope_last_packet_age_seconds", "gauge",
     "Time since the last packet the socket delivered.", v_age},
};

/* A label value, escaped as the exposition format says. */
static void put_label(FILE *f, const char *name, const char *val, bool first)
{
    fprintf(f, "%s%s=\"", first ? "" : ",", name);
    for (const char *p = val; *p != '\0'; p++) {
        if (*p == '\\' || *p == '"')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

static void put_value(FILE *f, const struct value *v)
{
    if (v->whole)
        fprintf(f, " %" PRIu64 "\n", v->u);
    else
        fprintf(f, " %.9g\n", v->d);
}

static void put_head(FILE *f, const char *name, const char *type,
                     const char *help)
{
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* group, iface and port of v; bind="any" for the row of a socket bound
 * to the wildcard (next to which the group's own row may be: two series,
 * never one twice). */
static void put_group_labels(FILE *f, const struct mc_group_view *v)
{
    char a[MC_ADDR_STRLEN], port[8];

    snprintf(port, sizeof port, "%u", (unsigned)v->port);
    put_label(f, "group", mc_addr_format(&v->group, a, sizeof a), true);
    put_label(f, "iface", v->ifname, false);
    put_label(f, "port", port, false);
    if (v->binding == MC_BIND_ANY)
        put_label(f, "bind", "any", false);
}

static void put_row(FILE *f, const struct family *fam, const struct row *r)
{
    struct value val;

    if (!fam->fn(r, &val))
        return;
    fprintf(f, "%s{", fam->name);
    put_group_labels(f, r->v);
    put_label(f, "source", r->source, false);
    fputc('}', f);
    put_value(f, &val);
}

/* Every row of one family: each group's sources, then its other bucket
 * when it counted anything. */
static void put_family(FILE *f, const struct mc_monitor *m,
                       const struct family *fam, int64_t now_ns)
{
    struct mc_group_view v;
    char a[MC_ADDR_STRLEN];

    put_head(f, fam->name, fam->type, fam->help);
    for (size_t gi = 0; mc_monitor_group(m, gi, &v) == 0; gi++) {
        unsigned n = mc_group_stats_source_count(v.stats);
        const struct mc_source_stats *s;
        struct row r = {.v = &v, .wire = v.wire, .now_ns = now_ns};

        for (unsigned i = 0; i < n; i++) {
            s = mc_group_stats_source(v.stats, i);
            r.source = mc_addr_format(mc_source_addr(s), a, sizeof a);
            r.c = mc_source_counters(s);
            row_flows(&r, s);
            put_row(f, fam, &r);
        }
        s = mc_group_stats_other(v.stats);
        r.c = mc_source_counters(s);
        if (r.c->packets == 0 && r.c->wire_packets == 0)
            continue;
        r.source = "other";
        row_flows(&r, s);
        put_row(f, fam, &r);
    }
}

/* A PID's continuity errors, summed over a source's flows. */
struct pid_cc {
    uint16_t pid;
    uint64_t cc;
};

/* The PIDs of s's MPEG-TS flows into *arr (grown); their count, or -1. */
static long source_pids(const struct mc_source_stats *s, struct pid_cc **arr,
                        size_t *cap)
{
    unsigned n = mc_source_flow_count(s);
    size_t np = 0;

    for (unsigned i = 0; i < n; i++) {
        struct mc_an_report an;
        struct mc_ts_pid_stats ps;

        mc_analysis_get(&mc_source_flow(s, i)->an, &an);
        if (!an.ts_known || an.ts_state == NULL)
            continue;
        for (unsigned k = 0; mc_mpegts_pid(an.ts_state, k, 0, &ps); k++) {
            size_t j = 0;

            while (j < np && (*arr)[j].pid != ps.pid)
                j++;
            if (j == np) {
                if (np == *cap) {
                    size_t nc = *cap ? 2 * *cap : 16;
                    struct pid_cc *p = realloc(*arr, nc * sizeof *p);

                    if (p == NULL)
                        return -1;
                    *arr = p;
                    *cap = nc;
                }
                (*arr)[np++] = (struct pid_cc){ps.pid, 0};
            }
            (*arr)[j].cc += ps.cc_errors;
        }
    }
    return (long)np;
}

/* mcscope_mpegts_cc_errors_total{group,iface,port,source,pid}: the
 * source label as the other families'; pid bounded by TS (13 bits). */
static void put_mpegts(FILE *f, const struct mc_monitor *m)
{
    struct mc_group_view v;
    struct pid_cc *pids = NULL;
    size_t cap = 0;
    char a[MC_ADDR_STRLEN], pid[8];

    put_head(f, "mcscope_mpegts_cc_errors_total", "counter",
             "MPEG-TS continuity-counter errors per PID (TR 101 290 1.4).");
    for (size_t gi = 0; mc_monitor_group(m, gi, &v) == 0; gi++) {
        unsigned n = mc_group_stats_source_count(v.stats);

        for (unsigned i = 0; i <= n; i++) {
            const struct mc_source_stats *s =
                i < n ? mc_group_stats_source(v.stats, i)
                      : mc_group_stats_other(v.stats);
            long np = source_pids(s, &pids, &cap);

            for (long k = 0; k < np; k++) {
                snprintf(pid, sizeof pid, "%u", (unsigned)pids[k].pid);
                fputs("mcscope_mpegts_cc_errors_total{", f);
                put_group_labels(f, &v);
                put_label(f, "source",
                          i < n ? mc_addr_format(mc_source_addr(s), a, sizeof a)
                                : "other",
                          false);
                put_label(f, "pid", pid, false);
                fprintf(f, "} %" PRIu64 "\n", pids[k].cc);
            }
        }
    }
    free(pids);
}

static void put_membership(FILE *f, const struct mc_monitor *m)
{
    struct mc_group_view v;

    put_head(f, "mcscope_membership_info", "gauge",
             "1 for each group joined now, with its filter mode.");
    for (size_t gi = 0; mc_monitor_group(m, gi, &v) == 0; gi++) {
        if (!v.joined)
            continue;
        fputs("mcscope_membership_info{", f);
        put_group_labels(f, &v);
        put_label(f, "mode", mc_filter_mode_name(v.mode), false);
        fputs("} 1\n", f);
    }
}

char *mc_metrics_text(const struct mc_monitor *m, int64_t now_ns,
                      const char *version, size_t *len)
{
    struct mc_monitor_counters c;
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);

    if (f == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof row_families / sizeof row_families[0]; i++)
        put_family(f, m, &row_families[i], now_ns);
    put_mpegts(f, m);
    mc_monitor_counters(m, &c);
    put_head(f, "mcscope_socket_drops_total", "counter",
             "Packets the receive sockets dropped (SO_RXQ_OVFL), summed.");
    fprintf(f, "mcscope_socket_drops_total %" PRIu64 "\n", c.socket_drops);
    put_membership(f, m);
    put_head(f, "mcscope_build_info", "gauge", "1, with the version.");
    fputs("mcscope_build_info{", f);
    put_label(f, "version", version, true);
    fputs("} 1\n", f);
    if (ferror(f)) {
        fclose(f);
        free(buf);
        return NULL;
    }
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    if (len != NULL)
        *len = n;
    return buf;
}
