/*
 * mcscope core: the link's part of the JSON report (report.h) —
 * `listeners`: the table of listeners.h, one object per host and group.
 */
#include <json-c/json.h>
#include <stdio.h>

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
