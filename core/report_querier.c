/*
 * mcscope core: the querier timeline in the reports (querier.h) — JSON
 * `querier` [{iface, family, querier, version, ..., members, kernel,
 * queries: [{..., answered: [...]}]}] and its lines in the text report.
 * Times: `t` seconds after the monitor's start, `at` wall-clock seconds
 * since the epoch (as tshark's frame.time_epoch).
 */
#include <inttypes.h>
#include <stdio.h>
#include <sys/socket.h>

#include "mcscope/querier.h"
#include "report_priv.h"

static void put(json_object *o, const char *key, json_object *v)
{
    json_object_object_add(o, key, v);
}

static json_object *jnum(double v, int decimals)
{
    char buf[64];

    snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return json_object_new_double_s(v, buf);
}

static json_object *jsec(int64_t ns)
{
    return jnum((double)ns / 1e9, 3);
}

static json_object *jat(int64_t real_ns)
{
    return real_ns != 0 ? jnum((double)real_ns / 1e9, 6) : NULL;
}

static json_object *jaddr(const struct mc_addr *a)
{
    char buf[MC_ADDR_STRLEN];

    if (a->family == 0)
        return NULL;
    return json_object_new_string(mc_addr_format(a, buf, sizeof buf));
}

static json_object *json_query(const struct mc_monitor *m,
                               const struct mc_querier_query *q)
{
    json_object *o = json_object_new_object();
    json_object *src = json_object_new_array();
    json_object *ans = json_object_new_array();

    put(o, "seq", json_object_new_uint64(q->seq));
    put(o, "t", jnum(mc__report_rel_s(m, q->mono_ns), 3));
    put(o, "at", jat(q->real_ns));
    put(o, "querier", jaddr(&q->querier));
    put(o, "proto", json_object_new_string(mc_wire_proto_name(q->proto)));
    put(o, "kind", json_object_new_string(mc_query_kind_name(q->kind)));
    put(o, "group", jaddr(&q->group));
    for (size_t i = 0; i < q->nsources && i < MC_QUERIER_SOURCES; i++)
        json_object_array_add(src, jaddr(&q->sources[i]));
    put(o, "sources", src);
    put(o, "nsources", json_object_new_uint64(q->nsources));
    put(o, "max_resp_ms", json_object_new_uint64(q->max_resp_ms));
    put(o, "qrv", json_object_new_uint64(q->qrv));
    put(o, "qqi_s", json_object_new_uint64(q->qqi_s));
    put(o, "s_flag", json_object_new_boolean(q->s_flag));
    put(o, "expected", json_object_new_boolean(q->expected));
    for (size_t i = 0; i < q->nanswers && i < MC_QUERIER_ANSWERS; i++) {
        const struct mc_querier_answer *a = &q->answers[i];
        json_object *x = json_object_new_object();

        put(x, "at", jat(a->real_ns));
        put(x, "delay_ms", jnum((double)a->delay_ns / 1e6, 3));
        put(x, "proto", json_object_new_string(mc_wire_proto_name(a->proto)));
        put(x, "records", json_object_new_uint64(a->nrecords));
        put(x, "group", jaddr(&a->group));
        json_object_array_add(ans, x);
    }
    put(o, "answered", ans);
    put(o, "nanswers", json_object_new_uint64(q->nanswers));
    put(o, "unanswered", json_object_new_boolean(q->unanswered));
    return o;
}

static json_object *json_kernel(const struct mc_querier_kernel *k)
{
    json_object *o = json_object_new_object();

    put(o, "counted", json_object_new_boolean(k->counted));
    put(o, "file", json_object_new_string(k->file != NULL ? k->file : ""));
    put(o, "read", json_object_new_boolean(k->read_ok));
    if (k->why != NULL)
        put(o, "why", json_object_new_string(k->why));
    put(o, "wire_queries", json_object_new_uint64(k->wire_queries));
    if (k->counted) {
        put(o, "in_queries", json_object_new_uint64(k->in_queries));
        put(o, "out_responses", json_object_new_uint64(k->out_responses));
        put(o, "out_reductions", json_object_new_uint64(k->out_reductions));
        put(o, "out_mldv2_reports", json_object_new_uint64(k->out_v2_reports));
        put(o, "not_processed", json_object_new_uint64(k->not_processed));
    }
    if (k->igmp_version[0] != '\0')
        put(o, "igmp_version", json_object_new_string(k->igmp_version));
    return o;
}

static json_object *json_member(const struct mc_querier_member *b,
                                int64_t now_ns)
{
    json_object *o = json_object_new_object();

    put(o, "group", jaddr(&b->group));
    put(o, "proto", json_object_new_string(mc_wire_proto_name(b->proto)));
    put(o, "last_report_at", jat(b->last_report_real_ns));
    put(o, "age_s", jsec(now_ns - b->last_report_mono_ns));
    put(o, "left", json_object_new_boolean(b->left));
    if (!b->left) {
        put(o, "expires_in_s", jsec(b->expires_mono_ns - now_ns));
        put(o, "expired", json_object_new_boolean(b->expired));
    }
    return o;
}

static json_object *json_iface(const struct mc_monitor *m,
                               const struct mc_querier_iface *i, int64_t now_ns)
{
    json_object *o = json_object_new_object();
    json_object *arr = json_object_new_array();

    put(o, "iface", json_object_new_string(i->ifname));
    put(o, "family",
        json_object_new_string(i->family == AF_INET6 ? "ipv6" : "ipv4"));
    put(o, "watched_s", jsec(now_ns - i->watch_mono_ns));
    put(o, "queries_seen", json_object_new_uint64(i->queries));
    put(o, "general", json_object_new_uint64(i->general));
    put(o, "specific", json_object_new_uint64(i->specific));
    put(o, "own_reports", json_object_new_uint64(i->own_reports));
    put(o, "own_leaves", json_object_new_uint64(i->own_leaves));
    put(o, "querier", i->seen ? jaddr(&i->querier) : NULL);
    put(o, "version",
        i->seen ? json_object_new_string(mc_wire_proto_name(i->version))
                : NULL);
    put(o, "last_query_at", jat(i->last_query_real_ns));
    put(o, "last_report_at", jat(i->last_report_real_ns));
    put(o, "qrv", json_object_new_uint64(i->qrv));
    put(o, "qqi_s", json_object_new_uint64(i->qqi_s));
    put(o, "qri_ms", json_object_new_uint64(i->qri_ms));
    put(o, "timers",
        json_object_new_string(i->from_querier ? "querier" : "defaults"));
    put(o, "mali_s", jsec(i->mali_ns));
    put(o, "other_querier_s", jsec(i->oqpi_ns));
    put(o, "no_querier_s", jsec(i->no_querier_ns));
    put(o, "querier_absent", json_object_new_boolean(i->querier_absent));
    put(o, "unanswered", json_object_new_uint64(i->unanswered));
    for (size_t k = 0; k < i->nmembers; k++)
        json_object_array_add(arr, json_member(&i->members[k], now_ns));
    put(o, "members", arr);
    put(o, "kernel", json_kernel(&i->kernel));
    arr = json_object_new_array();
    for (size_t k = 0; k < i->nqueries; k++)
        json_object_array_add(arr, json_query(m, &i->q[k]));
    put(o, "queries", arr);
    return o;
}

json_object *mc__report_querier(const struct mc_monitor *m)
{
    json_object *arr = json_object_new_array();
    struct mc_querier_snap s;

    if (mc_monitor_querier(m, &s) < 0)
        return arr;
    for (size_t i = 0; i < s.nifaces; i++)
        json_object_array_add(arr, json_iface(m, &s.ifaces[i], s.mono_ns));
    mc_querier_snap_free(&s);
    return arr;
}

/* ---- text ---- */

static void text_query(FILE *out, const struct mc_monitor *m,
                       const struct mc_querier_query *q)
{
    char a[MC_ADDR_STRLEN], g[MC_ADDR_STRLEN];

    fprintf(out, "  %9.3f s %s %s %s", mc__report_rel_s(m, q->mono_ns),
            mc_wire_proto_name(q->proto),
            mc_addr_format(&q->querier, a, sizeof a),
            mc_query_kind_name(q->kind));
    if (q->kind != MC_QUERY_GENERAL)
        fprintf(out, " %s", mc_addr_format(&q->group, g, sizeof g));
    if (q->nsources > 0)
        fprintf(out, " (%zu sources)", q->nsources);
    fprintf(out, "  max resp %" PRIu32 " ms", q->max_resp_ms);
    if (q->qrv > 0 || q->qqi_s > 0)
        fprintf(out, "  QRV %u QQI %" PRIu32 " s%s", q->qrv, q->qqi_s,
                q->s_flag ? " S" : "");
    if (q->nanswers > 0)
        fprintf(out, "  answered after %.1f ms (%zu reports)",
                (double)q->answers[0].delay_ns / 1e6, q->nanswers);
    else if (q->unanswered)
        fputs("  NO REPORT LEFT (one was due)", out);
    fputc('\n', out);
}

void mc__report_querier_text(FILE *out, const struct mc_monitor *m)
{
    struct mc_querier_snap s;
    char a[MC_ADDR_STRLEN];

    if (mc_monitor_querier(m, &s) < 0)
        return;
    for (size_t k = 0; k < s.nifaces; k++) {
        const struct mc_querier_iface *i = &s.ifaces[k];

        if (i->queries == 0 && i->own_reports == 0)
            continue;
        fprintf(out, "\nquerier %s %s: ", i->ifname,
                i->family == AF_INET6 ? "MLD" : "IGMP");
        if (i->seen)
            fprintf(out, "%s %s, last query %.1f s ago",
                    mc_wire_proto_name(i->version),
                    mc_addr_format(&i->querier, a, sizeof a),
                    (double)i->no_querier_ns / 1e9);
        else
            fprintf(out, "no query in %.1f s", (double)i->no_querier_ns / 1e9);
        fprintf(out,
                "%s; %" PRIu64 " queries; MALI %.1f s (%s); %" PRIu64
                " unanswered\n",
                i->querier_absent ? " (no querier)" : "", i->queries,
                (double)i->mali_ns / 1e9,
                i->from_querier ? "querier's timers" : "RFC defaults",
                i->unanswered);
        if (i->kernel.counted)
            fprintf(out,
                    "  kernel (%s): %" PRIu64 " queries processed of %" PRIu64
                    " on the wire\n",
                    i->kernel.file, i->kernel.in_queries,
                    i->kernel.wire_queries);
        else
            fprintf(out, "  kernel: %s%s%s\n", i->kernel.why,
                    i->kernel.igmp_version[0] ? "; version now " : "",
                    i->kernel.igmp_version);
        for (size_t j = 0; j < i->nqueries; j++)
            text_query(out, m, &i->q[j]);
    }
    mc_querier_snap_free(&s);
}
