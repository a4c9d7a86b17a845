/*
 * mcscope core: the JSON and text reports (see report.h).
 */
#include "mcscope/report.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/cmsg.h"
#include "mcscope/priv.h"
#include "mcscope/probe.h"
#include "mcscope/wire.h"
#include "report_priv.h"
#include "util.h"

/* ---- shared: the numbers both reports show ---- */

static const char *family_key(int family)
{
    return family == AF_INET6 ? "ipv6" : "ipv4";
}

/* ---- JSON ---- */

static json_object *jdouble(double v, int decimals)
{
    char buf[64];

    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return json_object_new_double_s(v, buf);
}

static json_object *jaddr(const struct mc_addr *a)
{
    char buf[MC_ADDR_STRLEN];

    return json_object_new_string(mc_addr_format(a, buf, sizeof buf));
}

static void put(json_object *o, const char *key, json_object *v)
{
    json_object_object_add(o, key, v);
}

static void put_u64(json_object *o, const char *key, uint64_t v)
{
    put(o, key, json_object_new_uint64(v));
}

/*
 * Keys shared by groups and sources: times, rates, truncation.  pps and
 * bps are current: over the last MC_REPORT_RATE_WINDOW seconds (or the
 * time measured, when shorter; rate_window_s says which); under a second
 * measured they are the mean while packets came.  mean_pps and mean_bps
 * are that lifetime mean, (packets - 1) / (last - first).
 */
static void put_counts(json_object *o, const struct mc_monitor *m,
                       const struct mc_counters *c, const struct mc_rate *r,
                       int64_t now_ns)
{
    struct mc_rate_value rv;
    double pps, bps;
    bool mean = mc__report_rate_of(c, &pps, &bps);

    put_u64(o, "packets", c->packets);
    put_u64(o, "bytes", c->bytes);
    put_u64(o, "truncated", c->truncated);
    mc_rate_get(r, now_ns, MC_REPORT_RATE_WINDOW, &rv);
    if (rv.known) {
        put(o, "pps", jdouble(rv.pps, 1));
        put(o, "bps", jdouble(rv.bps, 0));
        put(o, "rate_window_s", jdouble(rv.covered_s, 0));
    } else if (mean) {
        put(o, "pps", jdouble(pps, 1));
        put(o, "bps", jdouble(bps, 0));
    }
    if (mean) {
        put(o, "mean_pps", jdouble(pps, 1));
        put(o, "mean_bps", jdouble(bps, 0));
    }
    if (c->packets > 0) {
        put(o, "first_s", jdouble(mc__report_rel_s(m, c->first_ns), 3));
        put(o, "last_s", jdouble(mc__report_rel_s(m, c->last_ns), 3));
    }
}

static void put_seq(json_object *o, const struct mc_seq_stats *q, bool full)
{
    json_object *d;

    if (!q->known)
        return;
    put_u64(o, "lost", q->lost);
    put_u64(o, "duplicates", q->duplicates);
    put_u64(o, "reordered", q->reordered);
    if (!full)
        return;
    put_u64(o, "probes", q->packets);
    put_u64(o, "too_old", q->too_old);
    put_u64(o, "runs", q->runs);
    if (q->delay_known) {
        d = json_object_new_object();
        put(d, "min", jdouble((double)q->delay_min_ns / 1e3, 1));
        put(d, "avg", jdouble((double)q->delay_avg_ns / 1e3, 1));
        put(d, "max", jdouble((double)q->delay_max_ns / 1e3, 1));
        put(o, "delay_us", d);
    }
    if (q->jitter_known)
        put(o, "jitter_us", jdouble((double)q->jitter_ns / 1e3, 1));
}

/* A source's wire keys: wire_packets (when a capture covered the group),
 * wire_note (when wire and socket differ) and, when the filter kept some
 * of its wire packets out, wire_filtered {excluded, not_included,
 * not_joined}. */
static void put_source_wire(json_object *o, const struct mc_monitor *m,
                            const struct mc_group_view *v, size_t gi,
                            const struct mc_source_stats *s)
{
    struct mc_source_wire sw;
    json_object *f;

    if (!v->wire || mc_monitor_source_wire(m, gi, mc_source_addr(s), &sw) < 0)
        return;
    put_u64(o, "wire_packets", sw.wire_packets);
    if (sw.note != MC_WIRE_NOTE_NONE)
        put(o, "wire_note", json_object_new_string(mc_wire_note_text(sw.note)));
    if (sw.excluded + sw.not_included + sw.not_joined == 0)
        return;
    f = json_object_new_object();
    put_u64(f, "excluded", sw.excluded);
    put_u64(f, "not_included", sw.not_included);
    put_u64(f, "not_joined", sw.not_joined);
    put(o, "wire_filtered", f);
}

static json_object *json_source(const struct mc_monitor *m,
                                const struct mc_group_view *v, size_t gi,
                                const struct mc_source_stats *s, int64_t now_ns)
{
    const struct mc_counters *c = mc_source_counters(s);
    json_object *o = json_object_new_object();
    struct mc_seq_stats q;

    put(o, "source", jaddr(mc_source_addr(s)));
    put_counts(o, m, c, mc_source_rate(s), now_ns);
    put_source_wire(o, m, v, gi, s);
    mc_source_seq(s, &q);
    if (!q.known) /* no probes: the sum of the flows that carry a sequence */
        mc_source_flows_seq(s, &q);
    put_seq(o, &q, true);
    if (c->have & MC_CM_HOPLIMIT)
        put(o, "hoplimit", json_object_new_int(c->hoplimit));
    if (c->have & MC_CM_TCLASS)
        put(o, "tclass", json_object_new_int(c->tclass));
    mc__report_flows(o, s, now_ns);
    return o;
}

static json_object *jaddrs(const struct mc_addr *a, size_t n)
{
    json_object *arr = json_object_new_array();

    for (size_t i = 0; i < n; i++)
        json_object_array_add(arr, jaddr(&a[i]));
    return arr;
}

static json_object *json_proc(const struct mc_group_kernel *k)
{
    json_object *o = json_object_new_object();
    json_object *arr = json_object_new_array();

    put(o, "iface", json_object_new_string(k->proc.ifname));
    put_u64(o, "users", k->proc.users);
    put_u64(o, "flags", k->proc.flags);
    if (k->proc.querier[0] != '\0')
        put(o, "querier", json_object_new_string(k->proc.querier));
    for (size_t i = 0; i < k->nproc_sources; i++) {
        json_object *r = json_object_new_object();

        put(r, "source", jaddr(&k->proc_sources[i].source));
        put_u64(r, "inc", k->proc_sources[i].inc);
        put_u64(r, "exc", k->proc_sources[i].exc);
        json_object_array_add(arr, r);
    }
    put(o, "sources", arr);
    /* false: the kernel's listing left the interface out (kcheck.h) */
    put(o, "sources_listed",
        json_object_new_boolean(!k->proc_sources_unlisted));
    return o;
}

/* "kernel": the filter the socket holds, the interface's /proc rows and
 * whether they match what mcscope asked; NULL when it cannot be read. */
static json_object *json_kernel(const struct mc_monitor *m, size_t gi,
                                const struct mc_kernel_snapshot *snap)
{
    struct mc_group_kernel k;
    json_object *o;
    size_t n;

    if (mc_monitor_group_kernel(m, gi, snap, &k, NULL) < 0)
        return NULL;
    o = json_object_new_object();
    n = k.filter.nsources < k.filter.cap ? k.filter.nsources : k.filter.cap;
    put(o, "mode", json_object_new_string(mc_filter_mode_name(k.filter.mode)));
    put(o, "sources", jaddrs(k.filter.sources, n));
    if (k.in_proc)
        put(o, "proc", json_proc(&k));
    put(o, "mismatch", json_object_new_boolean(k.mismatch));
    if (k.mismatch)
        put(o, "mismatch_text", json_object_new_string(k.mismatch_text));
    mc_group_kernel_free(&k);
    return o;
}

static json_object *json_group(const struct mc_monitor *m,
                               const struct mc_group_view *v, size_t gi,
                               const struct mc_kernel_snapshot *snap,
                               int64_t now_ns)
{
    const struct mc_counters *c = mc_group_stats_counters(v->stats);
    const struct mc_counters *oc;
    json_object *o = json_object_new_object();
    json_object *arr, *other;
    struct mc_seq_stats q;
    unsigned n;

    put(o, "group", jaddr(&v->group));
    put(o, "iface", json_object_new_string(v->ifname));
    put(o, "port", json_object_new_int(v->port));
    put(o, "family", json_object_new_string(family_key(v->family)));
    put(o, "mode", json_object_new_string(mc_filter_mode_name(v->mode)));
    arr = json_object_new_array();
    for (size_t i = 0; i < v->nsources; i++)
        json_object_array_add(arr, jaddr(&v->sources[i]));
    put(o, "filter", arr);
    put(o, "joined", json_object_new_boolean(v->joined));
    put_counts(o, m, c, mc_group_stats_rate(v->stats), now_ns);
    if (v->wire) {
        put_u64(o, "wire_packets", c->wire_packets);
        put_u64(o, "wire_bytes", c->wire_bytes);
    }
    if (v->socket_drops > 0)
        put_u64(o, "socket_drops", v->socket_drops);
    if (v->reflected > 0) /* reflect on (reflect.h) */
        put_u64(o, "reflected", v->reflected);
    mc_group_stats_seq(v->stats, &q);
    put_seq(o, &q, false);
    oc = mc_source_counters(mc_group_stats_other(v->stats));
    if (oc->packets > 0 || oc->wire_packets > 0) {
        other = json_object_new_object();
        put_u64(other, "packets", oc->packets);
        put_u64(other, "bytes", oc->bytes);
        if (oc->wire_packets > 0)
            put_u64(other, "wire_packets", oc->wire_packets);
        put(o, "other_sources", other);
    }
    arr = json_object_new_array();
    n = mc_group_stats_source_count(v->stats);
    for (unsigned i = 0; i < n; i++)
        json_object_array_add(
            arr,
            json_source(m, v, gi, mc_group_stats_source(v->stats, i), now_ns));
    put(o, "by_source", arr);
    other = json_kernel(m, gi, snap);
    if (other != NULL)
        put(o, "kernel", other);
    mc__report_group_host(o, m, v, gi, snap);
    return o;
}

/* One record of a v2/v3 report. */
static json_object *json_record(const struct mc_wiremsg_rec *r)
{
    json_object *o = json_object_new_object();

    put(o, "type", json_object_new_string(mc_wire_rec_type_name(r->type)));
    put(o, "group", jaddr(&r->group));
    put(o, "sources", jaddrs(r->sources, r->nsources));
    return o;
}

/*
 * One MLD/IGMP message of the reports list: DESIGN.md's t, dir, iface,
 * proto, records[], and: type (report/query/leave), src (the sender),
 * group (messages without records: v1/v2 reports, leaves, queries),
 * sources and max_resp_ms (queries).
 */
static json_object *json_wiremsg(const struct mc_monitor *m,
                                 const struct mc_wiremsg_view *w)
{
    json_object *o = json_object_new_object();
    json_object *recs = json_object_new_array();

    put(o, "t", jdouble(mc__report_rel_s(m, w->mono_ns), 3));
    put(o, "dir", json_object_new_string(mc_wire_dir_name(w->dir)));
    put(o, "iface", json_object_new_string(w->ifname));
    put(o, "proto", json_object_new_string(mc_wire_proto_name(w->proto)));
    put(o, "type", json_object_new_string(mc_wire_msg_type_name(w->type)));
    put(o, "src", jaddr(&w->src));
    if (w->group.family != 0)
        put(o, "group", jaddr(&w->group));
    if (w->type == MC_MSG_QUERY) {
        put(o, "sources", jaddrs(w->sources, w->nsources));
        put_u64(o, "max_resp_ms", w->max_resp_ms);
    }
    for (size_t i = 0; i < w->nrecords; i++)
        json_object_array_add(recs, json_record(&w->records[i]));
    put(o, "records", recs);
    return o;
}

static json_object *json_reports(const struct mc_monitor *m)
{
    json_object *arr = json_object_new_array();
    struct mc_wiremsg_view w;

    for (size_t i = 0; mc_monitor_wiremsg(m, i, &w) == 0; i++)
        json_object_array_add(arr, json_wiremsg(m, &w));
    return arr;
}

static json_object *json_capture(const struct mc_monitor *m,
                                 const struct mc_capture_view *cv)
{
    json_object *o = json_object_new_object();

    put(o, "iface", json_object_new_string(cv->ifname));
    put(o, "open", json_object_new_boolean(cv->open));
    put(o, "directions", json_object_new_string(cv->split ? "in+out" : "both"));
    put_u64(o, "frames", cv->stats.frames);
    put_u64(o, "received", cv->stats.received);
    put_u64(o, "dropped", cv->stats.dropped);
    put_u64(o, "if_dropped", cv->stats.if_dropped);
    put_u64(o, "malformed", cv->stats.malformed);
    put(o, "opened_s", jdouble(mc__report_rel_s(m, cv->opened_ns), 3));
    if (cv->file != NULL) {
        put(o, "file", json_object_new_string(cv->file));
        put_u64(o, "written", cv->stats.dumped);
    }
    return o;
}

/* "wire": the cross-check's state, its captures and counters. */
static json_object *json_wire(const struct mc_monitor *m,
                              const struct mc_monitor_counters *c)
{
    json_object *o = json_object_new_object();
    json_object *arr = json_object_new_array();
    struct mc_monitor_settings st;
    struct mc_capture_view cv;

    mc_monitor_settings(m, &st);
    put(o, "pcap", json_object_new_boolean(st.pcap));
    for (size_t i = 0; mc_monitor_capture(m, i, &cv) == 0; i++)
        json_object_array_add(arr, json_capture(m, &cv));
    put(o, "captures", arr);
    put_u64(o, "frames", c->wire_frames);
    put_u64(o, "malformed", c->wire_malformed);
    put_u64(o, "not_ip", c->wire_not_ip);
    put_u64(o, "messages", c->wire_msgs);
    put_u64(o, "udp", c->wire_udp);
    put_u64(o, "udp_unattributed", c->wire_udp_other);
    put_u64(o, "pcap_dropped", c->wire_dropped);
    put_u64(o, "events_not_logged", c->wire_events_unlogged);
    return o;
}

static json_object *json_sender(const struct mc_sender_info *si)
{
    json_object *o = json_object_new_object();
    char id[24];

    put(o, "group", jaddr(&si->group));
    put(o, "iface", json_object_new_string(si->ifname));
    put(o, "port", json_object_new_int(si->port));
    put_u64(o, "rate", si->rate);
    put_u64(o, "count", si->count);
    put_u64(o, "size", si->size);
    put_u64(o, "sent", si->sent);
    put(o, "running", json_object_new_boolean(si->running));
    snprintf(id, sizeof id, "%016" PRIx64, si->sender_id);
    put(o, "sender_id", json_object_new_string(id));
    if (si->tclass >= 0)
        put(o, "tclass", json_object_new_int(si->tclass));
    if (si->hoplimit >= 0)
        put(o, "hoplimit", json_object_new_int(si->hoplimit));
    if (si->dontfrag)
        put(o, "dontfrag", json_object_new_boolean(true));
    if (si->pathmtu > 0)
        put_u64(o, "pathmtu", si->pathmtu);
    if (si->error != 0)
        put(o, "error", json_object_new_string(si->error_text));
    else if (si->pathmtu > 0)
        put(o, "refused", json_object_new_string(si->error_text));
    if (si->replies.n > 0) { /* a reflector answered (reflect.h) */
        put_u64(o, "replies", si->replies.n);
        put(o, "rtt_min_ms", json_object_new_double(si->replies.min_ns / 1e6));
        put(o, "rtt_avg_ms",
            json_object_new_double(mc_rtt_avg_ns(&si->replies) / 1e6));
        put(o, "rtt_max_ms", json_object_new_double(si->replies.max_ns / 1e6));
    }
    return o;
}

static json_object *json_family_settings(const struct mc_family_settings *f)
{
    json_object *o = json_object_new_object();

    put(o, "hoplimit", json_object_new_int(f->hoplimit));
    put(o, "mcast_hoplimit", json_object_new_int(f->mcast_hoplimit));
    put(o, "tclass", json_object_new_int(f->tclass));
    put(o, "loopback", json_object_new_boolean(f->loopback));
    put(o, "mcast_if", json_object_new_string(f->mcast_ifname));
    return o;
}

static json_object *json_settings(const struct mc_monitor *m)
{
    size_t nflags;
    const struct mc_cm_flag_info *flags = mc_cm_flags(&nflags);
    struct mc_monitor_settings st;
    json_object *o = json_object_new_object();
    json_object *cm = json_object_new_array();
    char caps[256];

    mc_monitor_settings(m, &st);
    if (st.v6.ok)
        put(o, "ipv6", json_family_settings(&st.v6));
    if (st.v4.ok)
        put(o, "ipv4", json_family_settings(&st.v4));
    put(o, "multicast_all", json_object_new_boolean(st.multicast_all));
    for (size_t i = 0; i < nflags; i++)
        if (st.cm_flags & flags[i].flag)
            json_object_array_add(cm, json_object_new_string(flags[i].json));
    put(o, "cmsg", cm);
    put(o, "rcvbuf", json_object_new_int(st.rcvbuf_granted));
    put(o, "capabilities",
        json_object_new_string(mc_priv_describe(caps, sizeof caps)));
    return o;
}

static json_object *json_errors(const struct mc_monitor *m)
{
    json_object *arr = json_object_new_array();
    struct mc_event e;
    char text[MC_EVENT_TEXT_MAX];

    for (size_t i = 0; i < mc_monitor_nevents(m); i++) {
        if (mc_monitor_event(m, i, &e) < 0)
            break;
        if (e.kind == MC_EV_REFUSED || e.kind == MC_EV_ERROR)
            json_object_array_add(arr,
                                  json_object_new_string(mc_event_format(
                                      &e, text, sizeof text, MC_EVENT_UTF8)));
    }
    return arr;
}

static json_object *json_report(const struct mc_monitor *m, int64_t now_ns)
{
    json_object *root = json_object_new_object();
    json_object *arr, *o;
    struct mc_group_view v;
    struct mc_sender_info si;
    struct mc_monitor_counters c;
    struct mc_kernel_snapshot snap;

    mc_monitor_counters(m, &c);
    put(root, "elapsed_s", jdouble(mc__report_rel_s(m, now_ns), 3));
    arr = json_object_new_array();
    mc_kernel_snapshot_read(&snap, NULL);
    for (size_t i = 0; mc_monitor_group(m, i, &v) == 0; i++)
        json_object_array_add(arr, json_group(m, &v, i, &snap, now_ns));
    mc_kernel_snapshot_free(&snap);
    put(root, "groups", arr);
    put(root, "reports", json_reports(m));
    put(root, "errors", json_errors(m));
    o = json_object_new_object();
    put_u64(o, "packets", c.unattributed_packets);
    put_u64(o, "bytes", c.unattributed_bytes);
    put(o, "by_destination", mc__report_strays(m));
    put(root, "unattributed", o);
    put_u64(root, "socket_drops", c.socket_drops);
    put_u64(root, "truncated", c.truncated);
    arr = json_object_new_array();
    for (size_t i = 0; mc_monitor_sender(m, i, &si) == 0; i++)
        json_object_array_add(arr, json_sender(&si));
    put(root, "senders", arr);
    put(root, "settings", json_settings(m));
    put(root, "wire", json_wire(m, &c));
    put(root, "listeners", mc__report_listeners(m, now_ns));
    put(root, "listeners_counters", mc__report_listeners_counters(m));
    put(root, "discovered", mc__report_discovered(m));
    put(root, "discovered_other", mc__report_discovered_other(m));
    put(root, "sessions", mc__report_sessions(m, now_ns));
    put(root, "querier", mc__report_querier(m));
    put(root, "diagnosis", mc__report_diagnosis(m));
    return root;
}

struct json_object *mc_report_json_object(const struct mc_monitor *m,
                                          int64_t now_ns)
{
    return json_report(m, mc__report_time(now_ns));
}

char *mc_report_json_string(const struct mc_monitor *m, int64_t now_ns,
                            unsigned flags)
{
    json_object *root = json_report(m, mc__report_time(now_ns));
    int jflags = JSON_C_TO_STRING_NOSLASHESCAPE;
    const char *text;
    char *out = NULL;

    if (root == NULL)
        return NULL;
    if (flags & MC_REPORT_PRETTY)
        jflags |= JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED;
    else
        jflags |= JSON_C_TO_STRING_PLAIN;
    text = json_object_to_json_string_ext(root, jflags);
    if (text != NULL)
        out = strdup(text);
    json_object_put(root);
    return out;
}

int mc_report_json(const struct mc_monitor *m, int64_t now_ns, unsigned flags,
                   FILE *out, struct mc_err *err)
{
    char *text = mc_report_json_string(m, now_ns, flags);
    char *line = NULL;

    mc_err_clear(err);
    if (text != NULL && asprintf(&line, "%s\n", text) < 0)
        line = NULL;
    free(text);
    return mc__report_write(out, line, err);
}
