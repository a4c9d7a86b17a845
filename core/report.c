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

/* Seconds of a monotonic time after the monitor's start. */
static double rel_s(const struct mc_monitor *m, int64_t ns)
{
    return (double)(ns - mc_monitor_start_ns(m)) / (double)MC_NS_PER_S;
}

/* The rate while packets came: (packets - 1) / (last - first). */
static bool rate_of(const struct mc_counters *c, double *pps, double *bps)
{
    double span = (double)(c->last_ns - c->first_ns) / (double)MC_NS_PER_S;

    if (c->packets < 2 || span <= 0)
        return false;
    *pps = (double)(c->packets - 1) / span;
    *bps = *pps * 8.0 * (double)c->bytes / (double)c->packets;
    return true;
}

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

/* Keys shared by groups and sources: times, rates, truncation. */
static void put_counts(json_object *o, const struct mc_monitor *m,
                       const struct mc_counters *c)
{
    double pps, bps;

    put_u64(o, "packets", c->packets);
    put_u64(o, "bytes", c->bytes);
    put_u64(o, "truncated", c->truncated);
    if (rate_of(c, &pps, &bps)) {
        put(o, "pps", jdouble(pps, 1));
        put(o, "bps", jdouble(bps, 0));
    }
    if (c->packets > 0) {
        put(o, "first_s", jdouble(rel_s(m, c->first_ns), 3));
        put(o, "last_s", jdouble(rel_s(m, c->last_ns), 3));
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
                                const struct mc_source_stats *s)
{
    const struct mc_counters *c = mc_source_counters(s);
    json_object *o = json_object_new_object();
    struct mc_seq_stats q;

    put(o, "source", jaddr(mc_source_addr(s)));
    put_counts(o, m, c);
    put_source_wire(o, m, v, gi, s);
    mc_source_seq(s, &q);
    put_seq(o, &q, true);
    if (c->have & MC_CM_HOPLIMIT)
        put(o, "hoplimit", json_object_new_int(c->hoplimit));
    if (c->have & MC_CM_TCLASS)
        put(o, "tclass", json_object_new_int(c->tclass));
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
                               const struct mc_kernel_snapshot *snap)
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
    put_counts(o, m, c);
    if (v->wire) {
        put_u64(o, "wire_packets", c->wire_packets);
        put_u64(o, "wire_bytes", c->wire_bytes);
    }
    if (v->socket_drops > 0)
        put_u64(o, "socket_drops", v->socket_drops);
    mc_group_stats_seq(v->stats, &q);
    put_seq(o, &q, false);
    oc = mc_source_counters(mc_group_stats_other(v->stats));
    if (oc->packets > 0) {
        other = json_object_new_object();
        put_u64(other, "packets", oc->packets);
        put_u64(other, "bytes", oc->bytes);
        put(o, "other_sources", other);
    }
    arr = json_object_new_array();
    n = mc_group_stats_source_count(v->stats);
    for (unsigned i = 0; i < n; i++)
        json_object_array_add(
            arr, json_source(m, v, gi, mc_group_stats_source(v->stats, i)));
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

    put(o, "t", jdouble(rel_s(m, w->mono_ns), 3));
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
    put(o, "opened_s", jdouble(rel_s(m, cv->opened_ns), 3));
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
    if (si->error != 0)
        put(o, "error", json_object_new_string(si->error_text));
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
    put(root, "elapsed_s", jdouble(rel_s(m, now_ns), 3));
    arr = json_object_new_array();
    mc_kernel_snapshot_read(&snap, NULL);
    for (size_t i = 0; mc_monitor_group(m, i, &v) == 0; i++)
        json_object_array_add(arr, json_group(m, &v, i, &snap));
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
    return root;
}

static int64_t report_time(int64_t now_ns)
{
    return now_ns != 0 ? now_ns : mc_monitor_now_ns();
}

struct json_object *mc_report_json_object(const struct mc_monitor *m,
                                          int64_t now_ns)
{
    return json_report(m, report_time(now_ns));
}

char *mc_report_json_string(const struct mc_monitor *m, int64_t now_ns,
                            unsigned flags)
{
    json_object *root = json_report(m, report_time(now_ns));
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

static int write_text(FILE *out, char *text, struct mc_err *err)
{
    int rc = 0;

    if (text == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for the report");
    if (fputs(text, out) == EOF)
        rc = mc_err_set(err, -EIO, "writing the report failed");
    free(text);
    return rc;
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
    return write_text(out, line, err);
}

/* ---- text ---- */

enum {
    C_GROUP,
    C_IFACE,
    C_PORT,
    C_MODE,
    C_SRC,
    C_PKTS,
    C_BYTES,
    C_PPS,
    C_LOSS,
    C_DUP,
    C_REORD,
    C_HL,
    C_TC,
    C_WIRE, /* the wire columns: only when a capture covered a group */
    C_NOTE,
    NCOL
};

static const char *const col_head[NCOL] = {
    "GROUP", "IFACE", "PORT",  "MODE", "SRC", "PACKETS", "BYTES", "PPS",
    "LOSS",  "DUP",   "REORD", "HL",   "TC",  "WIRE",    "NOTE"};
/* Numbers are right-aligned. */
static const bool col_right[NCOL] = {false, false, true, false, true,
                                     true,  true,  true, true,  true,
                                     true,  true,  true, true,  false};

#define CELL_MAX 512

struct row {
    char cell[NCOL][CELL_MAX];
};

struct table {
    struct row *r;
    size_t n, cap;
};

static struct row *add_row(struct table *t)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct row *p = realloc(t->r, cap * sizeof *p);

        if (p == NULL)
            return NULL;
        t->r = p;
        t->cap = cap;
    }
    memset(&t->r[t->n], 0, sizeof t->r[0]);
    return &t->r[t->n++];
}

/* Columns on a terminal: UTF-8 continuation bytes take none. */
static size_t display_width(const char *s)
{
    size_t w = 0;

    for (; *s != '\0'; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            w++;
    return w;
}

__attribute__((format(printf, 3, 4))) static void cellf(struct row *r, int col,
                                                        const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(r->cell[col], CELL_MAX, fmt, ap);
    va_end(ap);
}

static void cell_mode(struct row *r, const struct mc_group_view *v)
{
    char a[MC_ADDR_STRLEN];
    size_t len;

    cellf(r, C_MODE, "%s", mc_filter_mode_name(v->mode));
    if (v->nsources == 0)
        return;
    len = strlen(r->cell[C_MODE]);
    for (size_t i = 0; i < v->nsources && len + 2 < CELL_MAX; i++) {
        len += (size_t)snprintf(r->cell[C_MODE] + len, CELL_MAX - len, "%c%s",
                                i == 0 ? '{' : ',',
                                mc_addr_format(&v->sources[i], a, sizeof a));
        if (len >= CELL_MAX)
            len = CELL_MAX - 1;
    }
    if (len + 1 < CELL_MAX)
        strcat(r->cell[C_MODE], "}");
}

/* The numbers of a group or source row. */
static void cells_counts(struct row *r, const struct mc_counters *c,
                         const struct mc_seq_stats *q)
{
    double pps, bps;

    cellf(r, C_PKTS, "%" PRIu64, c->packets);
    cellf(r, C_BYTES, "%" PRIu64, c->bytes);
    if (rate_of(c, &pps, &bps))
        cellf(r, C_PPS, "%.1f", pps);
    else
        cellf(r, C_PPS, MC__UNKNOWN);
    if (q != NULL && q->known) {
        cellf(r, C_LOSS, "%" PRIu64, q->lost);
        cellf(r, C_DUP, "%" PRIu64, q->duplicates);
        cellf(r, C_REORD, "%" PRIu64, q->reordered);
    } else {
        cellf(r, C_LOSS, MC__UNKNOWN);
        cellf(r, C_DUP, MC__UNKNOWN);
        cellf(r, C_REORD, MC__UNKNOWN);
    }
    if (c->have & MC_CM_HOPLIMIT)
        cellf(r, C_HL, "%d", c->hoplimit);
    else
        cellf(r, C_HL, MC__UNKNOWN);
    if (c->have & MC_CM_TCLASS)
        cellf(r, C_TC, "0x%02x", (unsigned)c->tclass);
    else
        cellf(r, C_TC, MC__UNKNOWN);
}

/* The wire cells of a source row. */
static void cells_wire(struct row *r, const struct mc_monitor *m,
                       const struct mc_group_view *v, size_t gi,
                       const struct mc_source_stats *s)
{
    struct mc_source_wire sw;

    if (!v->wire || mc_monitor_source_wire(m, gi, mc_source_addr(s), &sw) < 0)
        return;
    cellf(r, C_WIRE, "%" PRIu64, sw.wire_packets);
    if (sw.note != MC_WIRE_NOTE_NONE)
        cellf(r, C_NOTE, "%s", mc_wire_note_text(sw.note));
}

static void rows_group(struct table *t, const struct mc_monitor *m,
                       const struct mc_group_view *v, size_t gi)
{
    const struct mc_source_stats *s;
    struct mc_seq_stats q;
    unsigned n = mc_group_stats_source_count(v->stats);
    char a[MC_ADDR_STRLEN];
    struct row *r = add_row(t);

    if (r == NULL)
        return;
    cellf(r, C_GROUP, "%s", mc_addr_format(&v->group, a, sizeof a));
    cellf(r, C_IFACE, "%s", v->ifname[0] != '\0' ? v->ifname : "-");
    cellf(r, C_PORT, "%u", (unsigned)v->port);
    cell_mode(r, v);
    cellf(r, C_SRC, "%u", n);
    mc_group_stats_seq(v->stats, &q);
    cells_counts(r, mc_group_stats_counters(v->stats), &q);
    if (v->wire)
        cellf(r, C_WIRE, "%" PRIu64,
              mc_group_stats_counters(v->stats)->wire_packets);
    for (unsigned i = 0; i < n; i++) {
        s = mc_group_stats_source(v->stats, i);
        r = add_row(t);
        if (r == NULL)
            return;
        cellf(r, C_GROUP, "  %s",
              mc_addr_format(mc_source_addr(s), a, sizeof a));
        mc_source_seq(s, &q);
        cells_counts(r, mc_source_counters(s), &q);
        cells_wire(r, m, v, gi, s);
    }
    s = mc_group_stats_other(v->stats);
    if (mc_source_counters(s)->packets > 0 && (r = add_row(t)) != NULL) {
        cellf(r, C_GROUP, "  (other sources)");
        cells_counts(r, mc_source_counters(s), NULL);
    }
}

/* The table's first ncol columns. */
static void print_table(FILE *out, const struct table *t, int ncol)
{
    size_t w[NCOL];

    for (int c = 0; c < ncol; c++) {
        w[c] = strlen(col_head[c]);
        for (size_t i = 0; i < t->n; i++) {
            size_t x = display_width(t->r[i].cell[c]);

            if (x > w[c])
                w[c] = x;
        }
    }
    for (size_t i = 0; i <= t->n; i++) {
        for (int c = 0; c < ncol; c++) {
            const char *s = i == 0 ? col_head[c] : t->r[i - 1].cell[c];
            size_t pad = w[c] - display_width(s);

            if (c > 0)
                fputc(' ', out);
            if (col_right[c])
                fprintf(out, "%*s%s", (int)pad, "", s);
            else if (c == ncol - 1)
                fputs(s, out);
            else
                fprintf(out, "%s%*s", s, (int)pad, "");
        }
        fputc('\n', out);
    }
}

static void print_senders(FILE *out, const struct mc_monitor *m)
{
    struct mc_sender_info si;
    char a[MC_ADDR_STRLEN];

    for (size_t i = 0; mc_monitor_sender(m, i, &si) == 0; i++) {
        fprintf(out, "sender %s port %u%s%s: %" PRIu64 " sent at %u/s (%s)",
                mc_addr_format(&si.group, a, sizeof a), (unsigned)si.port,
                si.ifname[0] != '\0' ? " dev " : "", si.ifname, si.sent,
                si.rate,
                si.running   ? "running"
                : si.error   ? "failed"
                : si.stopped ? "stopped"
                             : "done");
        if (si.error != 0)
            fprintf(out, ": %s", si.error_text);
        fputc('\n', out);
    }
}

/* Each capture: its state, libpcap's drops, its file. */
static void print_captures(FILE *out, const struct mc_monitor *m)
{
    struct mc_capture_view cv;

    for (size_t i = 0; mc_monitor_capture(m, i, &cv) == 0; i++) {
        fprintf(out,
                "capture %s (%s, %s): %" PRIu64 " frames, %" PRIu64
                " dropped by pcap, %" PRIu64 " by the interface, %" PRIu64
                " malformed",
                cv.ifname, cv.open ? "open" : "closed",
                cv.split ? "in+out" : "both directions", cv.stats.frames,
                cv.stats.dropped, cv.stats.if_dropped, cv.stats.malformed);
        if (cv.file != NULL)
            fprintf(out, "; %" PRIu64 " written to %s", cv.stats.dumped,
                    cv.file);
        fputc('\n', out);
    }
}

/* Groups whose kernel state is not what mcscope asked. */
static void print_mismatches(FILE *out, const struct mc_monitor *m)
{
    struct mc_kernel_snapshot snap;
    struct mc_group_kernel k;
    struct mc_group_view v;
    char a[MC_ADDR_STRLEN];

    mc_kernel_snapshot_read(&snap, NULL);
    for (size_t i = 0; mc_monitor_group(m, i, &v) == 0; i++) {
        if (mc_monitor_group_kernel(m, i, &snap, &k, NULL) < 0)
            continue;
        if (k.mismatch)
            fprintf(out, "kernel mismatch: %s%s%s port %u: %s\n",
                    mc_addr_format(&v.group, a, sizeof a),
                    v.ifname[0] != '\0' ? " dev " : "", v.ifname,
                    (unsigned)v.port, k.mismatch_text);
        mc_group_kernel_free(&k);
    }
    mc_kernel_snapshot_free(&snap);
}

/* The reports list, one line each with its time. */
static void print_wiremsgs(FILE *out, const struct mc_monitor *m)
{
    struct mc_wiremsg_view w;
    size_t n = mc_monitor_nwiremsgs(m);
    char text[MC_EVENT_TEXT_MAX];

    if (n == 0)
        return;
    fprintf(out, "MLD/IGMP on the wire (%zu):\n", n);
    for (size_t i = 0; mc_monitor_wiremsg(m, i, &w) == 0; i++)
        fprintf(out, "  %8.3f s %s\n", rel_s(m, w.mono_ns),
                mc_wiremsg_format(&w, text, sizeof text, MC_EVENT_UTF8));
}

static void print_text(FILE *out, const struct mc_monitor *m, int64_t now_ns)
{
    struct table t = {0};
    struct mc_group_view v;
    struct mc_monitor_counters c;
    struct mc_event e;
    char text[MC_EVENT_TEXT_MAX];
    bool wire = false;

    for (size_t i = 0; mc_monitor_group(m, i, &v) == 0; i++) {
        rows_group(&t, m, &v, i);
        wire |= v.wire;
    }
    if (t.n > 0)
        print_table(out, &t, wire ? NCOL : C_WIRE);
    else
        fputs("no groups joined\n", out);
    free(t.r);
    mc_monitor_counters(m, &c);
    fprintf(out,
            "\nelapsed %.3f s; unattributed %" PRIu64 " packets; socket "
            "drops %" PRIu64 "; truncated %" PRIu64 "\n",
            rel_s(m, now_ns), c.unattributed_packets, c.socket_drops,
            c.truncated);
    if (mc_monitor_ncaptures(m) > 0)
        fprintf(out,
                "wire: %" PRIu64 " frames, %" PRIu64 " malformed, %" PRIu64
                " MLD/IGMP messages, %" PRIu64 " UDP for no group\n",
                c.wire_frames, c.wire_malformed, c.wire_msgs, c.wire_udp_other);
    mc__report_text_host(out, m);
    print_captures(out, m);
    print_mismatches(out, m);
    print_senders(out, m);
    print_wiremsgs(out, m);
    for (size_t i = 0; mc_monitor_event(m, i, &e) == 0; i++)
        if (e.kind == MC_EV_REFUSED || e.kind == MC_EV_ERROR)
            fprintf(out, "%s: %s\n", mc_event_kind_name(e.kind),
                    mc_event_format(&e, text, sizeof text, MC_EVENT_UTF8));
}

char *mc_report_text_string(const struct mc_monitor *m, int64_t now_ns)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    if (f == NULL)
        return NULL;
    print_text(f, m, report_time(now_ns));
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

int mc_report_text(const struct mc_monitor *m, int64_t now_ns, FILE *out,
                   struct mc_err *err)
{
    mc_err_clear(err);
    return write_text(out, mc_report_text_string(m, now_ns), err);
}
