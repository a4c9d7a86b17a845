/*
 * mcscope core: the report's view of the host around mcscope — how each
 * group is received (its binding, the process holding a port), the other
 * processes' sockets on its port, and the datagrams for no joined group.
 */
#include "report_priv.h"

#include <string.h>

#include "mcscope/kstate.h"

static json_object *jaddr(const struct mc_addr *a)
{
    char buf[MC_ADDR_STRLEN];

    if (a->family == 0)
        return NULL;
    return json_object_new_string(mc_addr_format(a, buf, sizeof buf));
}

/* Sockets that joined the group on its interface(s), as /proc/net/igmp*
 * counts them (its Users column); -1 when no row. */
static long kernel_users(const struct mc_group_view *v,
                         const struct mc_kernel_snapshot *snap)
{
    const struct mc_kgroups *kg =
        v->family == AF_INET6 ? &snap->groups6 : &snap->groups4;
    long users = -1;

    for (size_t i = 0; i < kg->n; i++) {
        const struct mc_kgroup *k = &kg->v[i];

        if (!mc_addr_equal(&k->group, &v->group) ||
            (v->ifindex != 0 && k->ifindex != v->ifindex))
            continue;
        users = (users < 0 ? 0 : users) + (long)k->users;
    }
    return users;
}

/* mcscope's own memberships of v's group on its interface: one per
 * joined record (a socket per group and port). */
static long own_members(const struct mc_monitor *m,
                        const struct mc_group_view *v)
{
    struct mc_group_view o;
    long n = 0;

    for (size_t i = 0; mc_monitor_group(m, i, &o) == 0; i++)
        n += o.joined && o.ifindex == v->ifindex &&
             mc_addr_equal(&o.group, &v->group);
    return n;
}

static json_object *json_app(const struct mc_app_view *a)
{
    json_object *o = json_object_new_object();
    char local[MC_ADDR_STRLEN + 8], addr[MC_ADDR_STRLEN];

    mc_addr_format(&a->a.s.local, addr, sizeof addr);
    snprintf(local, sizeof local,
             a->a.s.family == AF_INET6 ? "[%s]:%u" : "%s:%u", addr,
             (unsigned)a->a.s.lport);
    json_object_object_add(o, "pid", json_object_new_int(a->a.pid));
    json_object_object_add(o, "comm", json_object_new_string(a->a.comm));
    json_object_object_add(o, "local", json_object_new_string(local));
    json_object_object_add(o, "receives_group",
                           json_object_new_boolean(a->receives));
    json_object_object_add(o, "rx_queue",
                           json_object_new_uint64(a->a.s.rx_queue));
    json_object_object_add(o, "drops", json_object_new_uint64(a->a.s.drops));
    json_object_object_add(o, "inode", json_object_new_uint64(a->a.s.inode));
    return o;
}

void mc__report_group_host(json_object *o, const struct mc_monitor *m,
                           const struct mc_group_view *v, size_t gi,
                           const struct mc_kernel_snapshot *snap)
{
    json_object *arr = json_object_new_array(), *h;
    struct mc_app_view a;
    long users = snap != NULL ? kernel_users(v, snap) : -1;

    json_object_object_add(o, "binding",
                           json_object_new_string(mc_binding_name(v->binding)));
    if (v->binding == MC_BIND_ANY)
        json_object_object_add(o, "other_destinations",
                               json_object_new_uint64(v->other_dst));
    if (v->binding == MC_BIND_WIRE_ONLY) {
        h = json_object_new_object();
        json_object_object_add(h, "pid", json_object_new_int(v->holder_pid));
        json_object_object_add(h, "comm",
                               json_object_new_string(v->holder_comm));
        json_object_object_add(o, "holder", h);
    }
    for (size_t k = 0; mc_monitor_group_app(m, gi, k, &a) == 0; k++)
        json_object_array_add(arr, json_app(&a));
    json_object_object_add(o, "apps", arr);
    /* /proc counts the sockets holding a membership per interface (the
     * Users column), never per process: the others are those beyond
     * mcscope's own. */
    if (users >= 0 && v->joined) {
        /* joined: mcscope holds one at least; the count of its own only
         * matters when there are more (a scan of the groups) */
        long own = users > 1 ? own_members(m, v) : 1;

        json_object_object_add(
            o, "other_members",
            json_object_new_int64(users > own ? users - own : 0));
    }
}

json_object *mc__report_strays(const struct mc_monitor *m)
{
    json_object *arr = json_object_new_array();
    struct mc_stray_view s;

    for (size_t i = 0; mc_monitor_stray(m, i, &s) == 0; i++) {
        json_object *o = json_object_new_object();
        json_object *dst =
            s.other ? json_object_new_string("other") : jaddr(&s.dst);

        json_object_object_add(o, "dst", dst);
        if (!s.other)
            json_object_object_add(o, "port", json_object_new_int(s.port));
        json_object_object_add(
            o, "seen", json_object_new_string(s.wire ? "wire" : "socket"));
        json_object_object_add(o, "packets", json_object_new_uint64(s.packets));
        if (!s.wire)
            json_object_object_add(o, "bytes", json_object_new_uint64(s.bytes));
        json_object_array_add(arr, o);
    }
    return arr;
}

void mc__report_text_host(FILE *out, const struct mc_monitor *m)
{
    struct mc_group_view v;
    struct mc_app_view a;
    struct mc_stray_view s;
    char g[MC_ADDR_STRLEN], l[MC_ADDR_STRLEN];

    for (size_t i = 0; mc_monitor_group(m, i, &v) == 0; i++) {
        mc_addr_format(&v.group, g, sizeof g);
        if (v.binding == MC_BIND_ANY && v.other_dst > 0)
            fprintf(out,
                    "%s * port %u: the wildcard socket also took %llu "
                    "datagrams for other destinations (unicast; with "
                    "multicast-all on, other sockets' groups)\n",
                    g, (unsigned)v.port, (unsigned long long)v.other_dst);
        if (v.binding == MC_BIND_WIRE_ONLY)
            fprintf(out,
                    "%s port %u: wire-only: %s (pid %d) holds the port "
                    "without SO_REUSEADDR\n",
                    g, (unsigned)v.port,
                    v.holder_comm[0] ? v.holder_comm : "another process",
                    v.holder_pid);
        for (size_t k = 0; mc_monitor_group_app(m, i, k, &a) == 0; k++)
            fprintf(out,
                    "%s port %u: also %s (pid %d) on %s, queue %u bytes, "
                    "drops %llu\n",
                    g, (unsigned)v.port, a.a.comm, a.a.pid,
                    mc_addr_format(&a.a.s.local, l, sizeof l),
                    (unsigned)a.a.s.rx_queue, (unsigned long long)a.a.s.drops);
    }
    for (size_t i = 0; mc_monitor_stray(m, i, &s) == 0; i++) {
        if (s.other)
            fprintf(out,
                    "for no group: other destinations: %llu packets (%s)\n",
                    (unsigned long long)s.packets, s.wire ? "wire" : "socket");
        else
            fprintf(out, "for no group: %s port %u: %llu packets (%s)\n",
                    s.dst.family ? mc_addr_format(&s.dst, l, sizeof l) : "?",
                    (unsigned)s.port, (unsigned long long)s.packets,
                    s.wire ? "wire" : "socket");
    }
}
