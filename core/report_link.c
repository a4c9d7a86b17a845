/*
 * mcscope core: the link's part of the JSON report (report.h) —
 * `listeners` (listeners.h), `discovered` (discover.h) and `sessions`
 * (sap.h).
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "mcscope/listeners.h"
#include "mcscope/monitor.h"
#include "report_priv.h"

static json_object *jsec(int64_t ns)
{
    char buf[64];
    double v = (double)ns / (double)MC_NS_PER_S;

    snprintf(buf, sizeof buf, "%.3f", v);
    return json_object_new_double_s(v, buf);
}

static json_object *jaddr_of(const struct mc_addr *a)
{
    char buf[MC_ADDR_STRLEN];

    return json_object_new_string(mc_addr_format(a, buf, sizeof buf));
}

static json_object *json_listener(const struct mc_monitor *m,
                                  const struct mc_listener_view *v,
                                  int64_t now_ns)
{
    json_object *o = json_object_new_object();
    json_object *srcs = json_object_new_array();

    json_object_object_add(o, "iface", json_object_new_string(v->ifname));
    json_object_object_add(o, "host", jaddr_of(&v->host));
    json_object_object_add(o, "group", jaddr_of(&v->group));
    json_object_object_add(
        o, "mode", json_object_new_string(mc_listener_mode_name(v->mode)));
    for (size_t i = 0; i < v->nsources; i++)
        json_object_array_add(srcs, jaddr_of(&v->sources[i]));
    json_object_object_add(o, "sources", srcs);
    json_object_object_add(o, "own", json_object_new_boolean(v->own));
    json_object_object_add(
        o, "proto", json_object_new_string(mc_wire_proto_name(v->proto)));
    json_object_object_add(o, "last_report_s",
                           jsec(v->last_report_ns - mc_monitor_start_ns(m)));
    json_object_object_add(o, "age_s", jsec(now_ns - v->last_report_ns));
    json_object_object_add(o, "expires_in_s", jsec(v->expires_ns - now_ns));
    return o;
}

json_object *mc__report_listeners(const struct mc_monitor *m, int64_t now_ns)
{
    json_object *arr = json_object_new_array();
    struct mc_listener_view v;

    for (size_t i = 0; mc_monitor_listener(m, i, &v) == 0; i++)
        json_object_array_add(arr, json_listener(m, &v, now_ns));
    return arr;
}

/* The link's listener table's counters: what it saw, and what its caps
 * kept out (reports past max_entries: dropped; sources past an entry's
 * cap: sources_cut). */
json_object *mc__report_listeners_counters(const struct mc_monitor *m)
{
    const struct mc_listeners *l = mc_monitor_listeners(m);
    struct mc_listeners_counters c;
    json_object *o = json_object_new_object();

    memset(&c, 0, sizeof c);
    if (l != NULL)
        mc_listeners_counters(l, &c);
    const struct {
        const char *key;
        uint64_t v;
    } f[] = {
        {"reports", c.reports},         {"leaves", c.leaves},
        {"queries", c.queries},         {"dropped", c.dropped},
        {"sources_cut", c.sources_cut}, {"expired", c.expired},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        json_object_object_add(o, f[i].key,
                               json_object_new_int64((int64_t)f[i].v));
    return o;
}

/* Whether this host joined group port (on ifname, or without one). */
bool mc__report_joined(const struct mc_monitor *m, const char *ifname,
                       const struct mc_addr *group, uint16_t port)
{
    struct mc_group_view g;

    for (size_t i = 0; mc_monitor_group(m, i, &g) == 0; i++)
        if (g.joined && g.port == port && mc_addr_equal(&g.group, group) &&
            (g.ifname[0] == '\0' || strcmp(g.ifname, ifname) == 0))
            return true;
    return false;
}

static json_object *json_stream(const struct mc_monitor *m,
                                const struct mc_stream_view *v)
{
    json_object *o = json_object_new_object();
    double pps;

    json_object_object_add(o, "iface", json_object_new_string(v->ifname));
    json_object_object_add(o, "group", jaddr_of(&v->group));
    json_object_object_add(o, "source", jaddr_of(&v->source));
    json_object_object_add(o, "port", json_object_new_int(v->port));
    json_object_object_add(o, "packets",
                           json_object_new_int64((int64_t)v->packets));
    json_object_object_add(o, "bytes",
                           json_object_new_int64((int64_t)v->bytes));
    if (mc_stream_pps(v, &pps)) {
        char buf[32];

        snprintf(buf, sizeof buf, "%.1f", pps);
        json_object_object_add(o, "pps", json_object_new_double_s(pps, buf));
    }
    json_object_object_add(o, "joined",
                           json_object_new_boolean(mc__report_joined(
                               m, v->ifname, &v->group, v->port)));
    return o;
}

json_object *mc__report_discovered(const struct mc_monitor *m)
{
    const struct mc_discover *d = mc_monitor_discover(m);
    json_object *arr = json_object_new_array();
    struct mc_stream_view v;

    for (size_t i = 0; d != NULL && mc_discover_get(d, i, &v) == 0; i++)
        json_object_array_add(arr, json_stream(m, &v));
    return arr;
}

/* The streams beyond the discover table's cap, summed. */
json_object *mc__report_discovered_other(const struct mc_monitor *m)
{
    const struct mc_discover *d = mc_monitor_discover(m);
    struct mc_discover_other x = {0, 0};
    json_object *o = json_object_new_object();

    if (d != NULL)
        mc_discover_other(d, &x);
    json_object_object_add(o, "packets",
                           json_object_new_int64((int64_t)x.packets));
    json_object_object_add(o, "bytes", json_object_new_int64((int64_t)x.bytes));
    return o;
}

static json_object *json_session(const struct mc_sap_session *s, int64_t now_ns)
{
    json_object *o = json_object_new_object();
    json_object *srcs = json_object_new_array();
    char cmd[256];

    json_object_object_add(o, "name", json_object_new_string(s->sdp.name));
    json_object_object_add(o, "origin", json_object_new_string(s->sdp.origin));
    json_object_object_add(o, "announcer", jaddr_of(&s->origin));
    json_object_object_add(o, "group", jaddr_of(&s->sdp.group));
    json_object_object_add(o, "port", json_object_new_int(s->sdp.port));
    for (size_t i = 0; i < s->sdp.nsources; i++)
        json_object_array_add(srcs, jaddr_of(&s->sdp.sources[i]));
    json_object_object_add(o, "sources", srcs);
    json_object_object_add(
        o, "filter", json_object_new_string(s->sdp.exclude ? "excl" : "incl"));
    json_object_object_add(o, "media", json_object_new_string(s->sdp.media));
    json_object_object_add(o, "iface", json_object_new_string(s->ifname));
    json_object_object_add(o, "announcements",
                           json_object_new_int64((int64_t)s->announcements));
    json_object_object_add(o, "expires_in_s", jsec(s->expires_ns - now_ns));
    if (mc_sap_join_command(s, cmd, sizeof cmd) > 0)
        json_object_object_add(o, "join", json_object_new_string(cmd));
    return o;
}

json_object *mc__report_sessions(const struct mc_monitor *m, int64_t now_ns)
{
    const struct mc_sap_table *t = mc_monitor_sap(m);
    json_object *arr = json_object_new_array();
    struct mc_sap_session s;

    for (size_t i = 0; t != NULL && mc_sap_table_get(t, i, &s) == 0; i++)
        json_object_array_add(arr, json_session(&s, now_ns));
    return arr;
}
