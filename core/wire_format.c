/*
 * mcscope core: the names of what the wire decoder reads and the one-line
 * text of a decoded packet (mc_wire_format) for the event log.
 */
#include "wire_priv.h"

#include <stdarg.h>
#include <stdio.h>

/* ---- names ---- */

const char *mc_wire_proto_name(enum mc_wire_proto p)
{
    static const char *const names[] = {"none",   "mldv1",  "mldv2",
                                        "igmpv1", "igmpv2", "igmpv3"};

    return (unsigned)p < sizeof names / sizeof names[0] ? names[p] : "none";
}

const char *mc_wire_rec_type_name(unsigned type)
{
    static const char *const names[] = {
        "UNKNOWN",           "MODE_IS_INCLUDE",   "MODE_IS_EXCLUDE",
        "CHANGE_TO_INCLUDE", "CHANGE_TO_EXCLUDE", "ALLOW_NEW_SOURCES",
        "BLOCK_OLD_SOURCES",
    };

    return type < sizeof names / sizeof names[0] ? names[type] : names[0];
}

const char *mc_wire_msg_type_name(enum mc_wire_msg_type t)
{
    switch (t) {
    case MC_MSG_QUERY:
        return "query";
    case MC_MSG_REPORT:
        return "report";
    case MC_MSG_LEAVE:
        return "leave";
    default:
        return "none";
    }
}

const char *mc_wire_dir_name(enum mc_wire_dir d)
{
    return d == MC_WIRE_DIR_IN ? "in" : d == MC_WIRE_DIR_OUT ? "out" : "?";
}

/* ---- formatting ---- */

struct outbuf {
    char *b;
    size_t len, used;
    bool cut;
};

__attribute__((format(printf, 2, 3))) static void put(struct outbuf *o,
                                                      const char *fmt, ...)
{
    va_list ap;
    int n;

    if (o->cut || o->len == 0)
        return;
    va_start(ap, fmt);
    n = vsnprintf(o->b + o->used, o->len - o->used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= o->len - o->used) {
        o->cut = true;
        o->used = o->len - 1;
        return;
    }
    o->used += (size_t)n;
}

static void put_addr(struct outbuf *o, const struct mc_addr *a)
{
    char s[MC_ADDR_STRLEN];

    put(o, "%s", mc_addr_format(a, s, sizeof s));
}

/* " {a, b}" from n sources read by get(i). */
static void put_sources(struct outbuf *o, size_t n,
                        void (*get)(const void *, size_t, struct mc_addr *),
                        const void *from)
{
    put(o, " {");
    for (size_t i = 0; i < n && !o->cut; i++) {
        struct mc_addr a;

        get(from, i, &a);
        if (i > 0)
            put(o, ", ");
        put_addr(o, &a);
    }
    put(o, "}");
}

static void rec_source_cb(const void *r, size_t i, struct mc_addr *a)
{
    mc_wire_rec_source(r, i, a);
}

static void query_source_cb(const void *m, size_t i, struct mc_addr *a)
{
    mc_wire_query_source(m, i, a);
}

static void put_msg(struct outbuf *o, const struct mc_wire_msg *m)
{
    struct mc_wire_rec_iter it;
    struct mc_wire_rec r;
    bool first = true;

    put(o, "%s %s", mc_wire_proto_name(m->proto),
        mc_wire_msg_type_name(m->type));
    if (m->type == MC_MSG_REPORT &&
        (m->proto == MC_PROTO_MLDV2 || m->proto == MC_PROTO_IGMPV3)) {
        put(o, ":");
        mc_wire_rec_begin(m, &it);
        while (mc_wire_rec_next(&it, &r) && !o->cut) {
            put(o, "%s %s ", first ? "" : ";", mc_wire_rec_type_name(r.type));
            put_addr(o, &r.group);
            put_sources(o, r.nsources, rec_source_cb, &r);
            first = false;
        }
        return;
    }
    put(o, " ");
    put_addr(o, &m->group);
    if (m->type == MC_MSG_QUERY &&
        (m->proto == MC_PROTO_MLDV2 || m->proto == MC_PROTO_IGMPV3))
        put_sources(o, m->nsources, query_source_cb, m);
}

static void put_udp(struct outbuf *o, const struct mc_wire_pkt *p)
{
    const char *l = p->family == AF_INET6 ? "[" : "";
    const char *r = p->family == AF_INET6 ? "]" : "";

    put(o, "udp %s", l);
    put_addr(o, &p->src);
    put(o, "%s:%u -> %s", r, p->udp.sport, l);
    put_addr(o, &p->dst);
    put(o, "%s:%u %zu bytes", r, p->udp.dport, p->udp.len);
}

const char *mc_wire_format(const struct mc_wire_pkt *p, char *buf, size_t len)
{
    struct outbuf o = {buf, len, 0, false};

    if (len == 0)
        return buf;
    buf[0] = '\0';
    if (p->status == MC_WIRE_MALFORMED)
        put(&o, "malformed: %s", p->reason ? p->reason : "?");
    else if (p->status == MC_WIRE_NOT_IP)
        put(&o, "not IP: %s", p->reason ? p->reason : "?");
    else if (p->kind == MC_WIRE_KIND_UDP)
        put_udp(&o, p);
    else if (p->kind == MC_WIRE_KIND_MLD || p->kind == MC_WIRE_KIND_IGMP)
        put_msg(&o, &p->msg);
    else
        put(&o, "ip protocol %u%s", p->ip_proto,
            p->later_fragment ? " (fragment)" : "");
    if (o.cut && len > 4)
        memcpy(buf + len - 4, "...", 4);
    return buf;
}
