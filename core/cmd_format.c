/*
 * mcscope core: the command language's canonical text (mc_cmd_format): a
 * command back to the line that parses to it.
 */
#include "cmd_priv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mcscope/cmsg.h"
#include "util.h"

/* ---- format ---- */

/* Text being written by mc_cmd_format; put() stops at the end. */
struct out {
    char *buf;
    size_t len, n;
};

static void put(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = vsnprintf(o->n < o->len ? o->buf + o->n : NULL,
                  o->n < o->len ? o->len - o->n : 0, fmt, ap);
    va_end(ap);
    if (r > 0)
        o->n += (size_t)r;
}

static void put_addr(struct out *o, const char *before, const struct mc_addr *a)
{
    char s[MC_ADDR_STRLEN];

    put(o, "%s%s", before, mc_addr_format(a, s, sizeof s));
}

static bool family_ok(const struct mc_addr *a)
{
    return a->family == AF_INET || a->family == AF_INET6;
}

static void put_dev_port(struct out *o, const char *ifname, uint16_t port,
                         bool port_given)
{
    if (ifname[0] != '\0')
        put(o, " dev %.*s", IF_NAMESIZE - 1, ifname);
    if (port_given)
        put(o, " port %u", (unsigned)port);
}

static int format_member(struct out *o, const struct mc_cmd *c)
{
    const struct mc_cmd_member *m = &c->member;
    const char *verb = mc_cmd_verb_name(c);
    bool source = m->op != MC_OP_JOIN && m->op != MC_OP_LEAVE;

    if (strcmp(verb, "unknown") == 0 || !family_ok(&m->group) ||
        (source && !family_ok(&m->source)))
        return -EINVAL;
    put(o, "%s", verb);
    put_addr(o, " ", &m->group);
    if (source)
        put_addr(o, " ", &m->source);
    put_dev_port(o, m->ifname, m->port, m->port_given);
    if (m->bind == MC_CMD_BIND_ANY)
        put(o, " bind any");
    else if (m->bind == MC_CMD_BIND_WIRE)
        put(o, " bind wire");
    else if (m->bind_given)
        put(o, " bind group");
    if (m->force)
        put(o, " force");
    return 0;
}

static int format_set(struct out *o, const struct mc_cmd_set *s)
{
    const struct mc_sockopt *opt = mc_sockopt_get(s->opt);

    if (opt == NULL)
        return -EINVAL;
    put(o, "set %s ", opt->name);
    switch (opt->value) {
    case MC_SOCKOPT_ONOFF:
        put(o, "%s", s->value ? "on" : "off");
        break;
    case MC_SOCKOPT_IFACE:
        put(o, "%.*s", IF_NAMESIZE - 1,
            s->ifname[0] != '\0' ? s->ifname : "none");
        break;
    default:
        if (opt->hex)
            put(o, "0x%02x", (unsigned)s->value);
        else
            put(o, "%d", s->value);
        break;
    }
    return 0;
}

static int format_send(struct out *o, const struct mc_cmd_send *s)
{
    if (!family_ok(&s->group))
        return -EINVAL;
    put_addr(o, "send ", &s->group);
    put_dev_port(o, s->ifname, s->port, s->port_given);
    if (s->rate != MC_CMD_SEND_RATE_DEFAULT)
        put(o, " rate %u", s->rate);
    if (s->count != 0)
        put(o, " count %lu", (unsigned long)s->count);
    if (s->size != MC_CMD_SEND_SIZE_DEFAULT)
        put(o, " size %u", s->size);
    if (s->tclass_given)
        put(o, " tclass 0x%02x", (unsigned)s->tclass);
    if (s->hoplimit_given)
        put(o, " hoplimit %d", s->hoplimit);
    if (family_ok(&s->source))
        put_addr(o, " source ", &s->source);
    if (s->sap)
        put(o, " sap");
    if (s->dontfrag)
        put(o, " dontfrag");
    if (s->payload == MC_SEND_RTP)
        put(o, " payload rtp");
    else if (s->payload == MC_SEND_MPEGTS)
        put(o, " payload mpegts");
    return 0;
}

static int format_tcp(struct out *o, const struct mc_cmd *c)
{
    const struct mc_cmd_tcp *t = &c->tcp;

    if (c->kind == MC_CMD_TCP_CONNECT) {
        if (t->addr.family != AF_INET6)
            return -EINVAL;
        put_addr(o, "tcp-connect ", &t->addr);
    } else {
        put(o, "tcp-listen");
    }
    put(o, " port %u", (unsigned)t->port);
    if (t->tclass_given)
        put(o, " tclass 0x%02x", (unsigned)t->tclass);
    if (t->hoplimit_given)
        put(o, " hoplimit %d", t->hoplimit);
    return 0;
}

static int format_analyze(struct out *o, const struct mc_cmd_analyze *a)
{
    const struct mc_analyze_cfg *c = &a->cfg;

    if (!family_ok(&a->group) || c->mode > MC_ANALYZE_NONE)
        return -EINVAL;
    put_addr(o, "analyze ", &a->group);
    put(o, " %s", mc_analyze_mode_name(c->mode));
    if (c->mode == MC_ANALYZE_RTP && c->rtp_clock_hz != 0)
        put(o, " clock %u", c->rtp_clock_hz);
    if (c->mode == MC_ANALYZE_SEQ)
        put(o, " %u %u %s", c->seq_offset, c->seq_width,
            c->seq_le ? "le" : "be");
    put_dev_port(o, a->ifname, a->port, a->port_given);
    if (a->gap_given)
        put(o, " gap %u", a->gap_ms);
    return 0;
}

/* Seconds as whole nanoseconds: "2", "0.5", "0.000000001". */
static int format_wait(struct out *o, double s)
{
    unsigned long long ns, whole, frac;
    char digits[10];
    int i;

    if (!(s > 0 && s <= MC_CMD_WAIT_MAX))
        return -EINVAL;
    ns = (unsigned long long)(s * (double)MC_NS_PER_S + 0.5);
    whole = ns / MC_NS_PER_S;
    frac = ns % MC_NS_PER_S;
    if (ns == 0)
        return -EINVAL;
    if (frac == 0) {
        put(o, "wait %llu", whole);
        return 0;
    }
    snprintf(digits, sizeof digits, "%09llu", frac);
    for (i = 8; i > 0 && digits[i] == '0'; i--)
        digits[i] = '\0';
    put(o, "wait %llu.%s", whole, digits);
    return 0;
}

int mc_cmd_format(const struct mc_cmd *c, char *buf, size_t len)
{
    struct out o = {buf, buf != NULL ? len : 0, 0};
    int r = 0;

    if (buf != NULL && len > 0)
        buf[0] = '\0';
    if (c == NULL)
        return -EINVAL;
    switch (c->kind) {
    case MC_CMD_NONE:
        break;
    case MC_CMD_MEMBER:
        r = format_member(&o, c);
        break;
    case MC_CMD_SET:
        r = format_set(&o, &c->set);
        break;
    case MC_CMD_CMSG: {
        const char *name = mc_cm_flag_name(c->cmsg.flag, AF_INET6);

        if (strcmp(name, "?") == 0)
            return -EINVAL;
        put(&o, "cmsg %s %s", name, c->cmsg.on ? "on" : "off");
        break;
    }
    case MC_CMD_PCAP:
        put(&o, "pcap %s", c->pcap.on ? "on" : "off");
        put_dev_port(&o, c->pcap.ifname, 0, false);
        break;
    case MC_CMD_SEND:
        r = format_send(&o, &c->send);
        break;
    case MC_CMD_STOP_SEND:
    case MC_CMD_RESET: {
        const struct mc_addr *g =
            c->kind == MC_CMD_RESET ? &c->reset.group : &c->stop.group;

        put(&o, "%s", c->kind == MC_CMD_RESET ? "reset" : "stop-send");
        if (family_ok(g))
            put_addr(&o, " ", g);
        break;
    }
    case MC_CMD_WAIT:
        r = format_wait(&o, c->wait_s);
        break;
    case MC_CMD_ECHO:
        put(&o, "echo%s%.*s", c->echo[0] != '\0' ? " " : "",
            MC_CMD_ECHO_MAX - 1, c->echo);
        break;
    case MC_CMD_ANALYZE:
        r = format_analyze(&o, &c->analyze);
        break;
    case MC_CMD_LISTENERS:
    case MC_CMD_DISCOVER:
    case MC_CMD_SAP:
    case MC_CMD_REFLECT:
        put(&o, "%s %s", mc_cmd_verb_name(c), c->link.on ? "on" : "off");
        put_dev_port(&o, c->link.ifname, 0, false);
        break;
    case MC_CMD_DIAGNOSE:
        if (!family_ok(&c->diag.group))
            return -EINVAL;
        put_addr(&o, "diagnose ", &c->diag.group);
        if (family_ok(&c->diag.source))
            put_addr(&o, " ", &c->diag.source);
        put_dev_port(&o, c->diag.ifname, c->diag.port, c->diag.port_given);
        break;
    case MC_CMD_HOOK:
        if (!family_ok(&c->hook.group))
            return -EINVAL;
        put_addr(&o, "on-listener ", &c->hook.group);
        if (c->hook.ifname[0] != '\0')
            put(&o, "%%%s", c->hook.ifname);
        put(&o, " %s %.*s", c->hook.last ? "last" : "first",
            MC_CMD_ECHO_MAX - 1,
            c->hook.command[0] != '\0' ? c->hook.command : "none");
        break;
    case MC_CMD_TCP_LISTEN:
    case MC_CMD_TCP_CONNECT:
        r = format_tcp(&o, c);
        break;
    case MC_CMD_ON:
        put(&o, "on %s %.*s", c->on.host, MC_CMD_ECHO_MAX - 1, c->on.command);
        break;
    default:
        return -EINVAL;
    }
    if (r != 0) {
        if (buf != NULL && len > 0)
            buf[0] = '\0';
        return r;
    }
    if (o.n >= o.len)
        return -ENOSPC;
    return (int)o.n;
}
