/*
 * mcscope core: the command language's verbs: one parser per verb, reached
 * through the verb table of cmd.c.
 */
#include "cmd_priv.h"

#include <stdio.h>
#include <string.h>

#include "mcscope/cmsg.h"

static const char *ssm_range(int family)
{
    return family == AF_INET ? "232.0.0.0/8" : "ff3x::/96";
}

/* The SSM range takes no any-source join and so no exclude mode, unless
 * `force` asks to see what the kernel does anyway. */
static int check_ssm(struct mc__parser *ps, enum mc_member_op op,
                     const struct mc_addr *g, const struct mc_group_info *info,
                     bool force)
{
    char a[MC_ADDR_STRLEN];

    if (force && !info->ssm)
        return mc__cmd_fail(ps,
                            "%s: force takes an SSM group (%s, %s) in "
                            "exclude mode; %s is not in them: drop force",
                            ps->ctx, ssm_range(AF_INET), ssm_range(AF_INET6),
                            ps->gword);
    if (!info->ssm || force)
        return 0;
    mc_addr_format(g, a, sizeof a);
    if (op == MC_OP_JOIN)
        return mc__cmd_fail(
            ps,
            "%s: %s is in the SSM range %s, where any-source joins "
            "are refused (RFC 4607): use join-source %s SOURCE (force "
            "joins anyway, to see what the kernel does)",
            ps->ctx, a, ssm_range(g->family), ps->gword);
    if (op == MC_OP_EXCLUDE_SOURCE || op == MC_OP_INCLUDE_SOURCE)
        return mc__cmd_fail(
            ps,
            "%s: %s is in the SSM range %s, which has no exclude "
            "mode (RFC 4607, RFC 4604): use join-source or "
            "leave-source (force, after join ... force, shows what the "
            "kernel does)",
            ps->ctx, a, ssm_range(g->family));
    return 0;
}

/* Interface- and link-local groups need an interface to join on. */
static int check_scope(struct mc__parser *ps, const struct mc_addr *g,
                       const struct mc_group_info *info, const char *ifname)
{
    char a[MC_ADDR_STRLEN];

    if (!info->link_local || ifname[0] != '\0')
        return 0;
    mc_addr_format(g, a, sizeof a);
    return mc__cmd_fail(
        ps, "%s: %s is %s: name an interface (%s%%IFACE or dev IFACE)", ps->ctx,
        a, info->scope == MC_SCOPE_INTERFACE ? "interface-local" : "link-local",
        a);
}

int mc__cmd_parse_member(struct mc__parser *ps, struct mc_cmd *out)
{
    struct mc_cmd_member *m = &out->member;
    struct mc_group_info info;
    struct mc__opts o;
    struct mc__word w;
    int r;

    out->kind = MC_CMD_MEMBER;
    m->op = ps->impl->op;
    r = mc__cmd_need_group(ps, &m->group, m->ifname, &info);
    if (r == 0 && ps->impl->has_source) {
        r = mc__cmd_need_word(ps, "SOURCE", &w);
        if (r == 0)
            r = mc__cmd_check_source(ps, ps->ctx, &w, &m->group, &m->source);
    }
    if (r != 0)
        return r;
    mc__cmd_opts_init(&o, ps->impl->options, &m->group, m->ifname);
    r = mc__cmd_parse_options(ps, &o);
    if (r != 0)
        return r;
    memcpy(m->ifname, o.ifname, sizeof m->ifname);
    m->port = (uint16_t)o.port;
    m->port_given = o.seen & KWB(KW_PORT);
    m->bind = o.bind;
    m->bind_given = (o.seen & KWB(KW_BIND)) != 0;
    m->force = o.force;
    r = check_ssm(ps, m->op, &m->group, &info, m->force);
    if (r != 0)
        return r;
    return check_scope(ps, &m->group, &info, m->ifname);
}

/* diagnose GROUP [SOURCE] [dev IFACE] [port N]: SOURCE is the word after
 * GROUP unless it is an option's keyword. */
int mc__cmd_parse_diagnose(struct mc__parser *ps, struct mc_cmd *out)
{
    struct mc_cmd_diagnose *d = &out->diag;
    struct mc_group_info info;
    struct mc__opts o;
    struct mc__word w;
    const char *save;
    int r;

    out->kind = MC_CMD_DIAGNOSE;
    r = mc__cmd_need_group(ps, &d->group, d->ifname, &info);
    if (r != 0)
        return r;
    save = ps->p;
    r = mc__cmd_next_word(ps, &w);
    if (r < 0)
        return r;
    if (r > 0 && !mc__cmd_word_is(&w, "dev") && !mc__cmd_word_is(&w, "port")) {
        mc__cmd_ctx_add(ps, &w);
        r = mc__cmd_check_source(ps, ps->ctx, &w, &d->group, &d->source);
        if (r != 0)
            return r;
    } else {
        ps->p = save;
    }
    mc__cmd_opts_init(&o, ps->impl->options, &d->group, d->ifname);
    r = mc__cmd_parse_options(ps, &o);
    if (r != 0)
        return r;
    memcpy(d->ifname, o.ifname, sizeof d->ifname);
    d->port = (uint16_t)o.port;
    d->port_given = o.seen & KWB(KW_PORT);
    return check_scope(ps, &d->group, &info, d->ifname);
}

/* ---- set ---- */

/* The value of set OPTION (o->name, or its alias when alias). */
static int parse_set_value(struct mc__parser *ps, const struct mc_sockopt *o,
                           bool alias, const struct mc__word *v,
                           struct mc_cmd_set *s)
{
    struct mc__numspec ns;
    unsigned long n = 0;
    bool on = false;
    int r;

    switch (o->value) {
    case MC_SOCKOPT_NUMBER:
        mc__cmd_sockopt_numspec(o, alias, &ns);
        r = mc__cmd_parse_number(ps, ps->ctx, v, &ns, &n);
        s->value = (int)n;
        return r;
    case MC_SOCKOPT_ONOFF:
        r = mc__cmd_parse_onoff(ps, ps->ctx, v, &on);
        s->value = on;
        return r;
    default:
        if (mc__cmd_word_is(v, "none"))
            return 0;
        return mc__cmd_parse_ifname(ps, ps->ctx, v, s->ifname);
    }
}

int mc__cmd_parse_set(struct mc__parser *ps, struct mc_cmd *out)
{
    const char *names[16];
    const struct mc_sockopt *o;
    struct mc__numspec ns;
    struct mc__word w, v;
    bool alias = false;
    int r;

    out->kind = MC_CMD_SET;
    r = mc__cmd_need_word(ps, "OPTION", &w);
    if (r != 0)
        return r;
    o = mc_sockopt_find(w.s, w.len, &alias);
    if (o == NULL)
        return mc__cmd_fail_unknown(
            ps, &w, "option", names,
            mc_sockopt_words(names, MC__ARRAY_SIZE(names)));
    out->set.opt = o->opt;
    r = mc__cmd_next_word(ps, &v);
    if (r < 0)
        return r;
    if (r == 0) {
        if (o->value != MC_SOCKOPT_NUMBER)
            return mc__cmd_fail(ps, "%s: missing VALUE: %s", ps->ctx, o->hint);
        mc__cmd_sockopt_numspec(o, alias, &ns);
        return mc__cmd_fail(ps, "%s: missing VALUE: %s %lu..%lu%s", ps->ctx,
                            ns.what, ns.min, ns.max, ns.tail);
    }
    r = parse_set_value(ps, o, alias, &v, &out->set);
    if (r != 0)
        return r;
    mc__cmd_ctx_add(ps, &v);
    return mc__cmd_expect_end(ps);
}

/* ---- cmsg, pcap ---- */

int mc__cmd_parse_cmsg(struct mc__parser *ps, struct mc_cmd *out)
{
    char buf[MC__CMD_SUGGEST_MAX + 1];
    const char *words[16];
    struct mc__word w, v;
    int r;

    out->kind = MC_CMD_CMSG;
    r = mc__cmd_need_word(ps, "FLAG", &w);
    if (r != 0)
        return r;
    if (w.len < sizeof buf) {
        memcpy(buf, w.s, w.len);
        buf[w.len] = '\0';
    }
    if (w.len >= sizeof buf ||
        mc_cm_flag_parse(buf, &out->cmsg.flag, NULL) != 0)
        return mc__cmd_fail_unknown(
            ps, &w, "flag", words,
            mc_cm_flag_words(words, MC__ARRAY_SIZE(words)));
    r = mc__cmd_next_word(ps, &v);
    if (r < 0)
        return r;
    if (r == 0)
        return mc__cmd_fail(ps, "%s: missing on|off: cmsg FLAG on|off",
                            ps->ctx);
    r = mc__cmd_parse_onoff(ps, ps->ctx, &v, &out->cmsg.on);
    if (r != 0)
        return r;
    mc__cmd_ctx_add(ps, &v);
    return mc__cmd_expect_end(ps);
}

int mc__cmd_parse_pcap(struct mc__parser *ps, struct mc_cmd *out)
{
    struct mc_cmd_pcap *t =
        ps->verb->kind == MC_CMD_PCAP ? &out->pcap : &out->link;
    struct mc__opts o;
    struct mc__word w;
    int r;

    /* pcap, listeners, discover, sap: VERB on|off [dev IFACE] */
    out->kind = ps->verb->kind;
    r = mc__cmd_need_word(ps, "on|off", &w);
    if (r == 0)
        r = mc__cmd_parse_onoff(ps, ps->verb->name, &w, &t->on);
    if (r != 0)
        return r;
    mc__cmd_opts_init(&o, ps->impl->options, NULL, NULL);
    r = mc__cmd_parse_options(ps, &o);
    if (r == 0)
        memcpy(t->ifname, o.ifname, sizeof o.ifname);
    return r;
}

/* ---- send, stop-send ---- */

int mc__cmd_parse_send(struct mc__parser *ps, struct mc_cmd *out)
{
    struct mc_cmd_send *s = &out->send;
    struct mc_group_info info;
    struct mc__opts o;
    int r;

    out->kind = MC_CMD_SEND;
    r = mc__cmd_need_group(ps, &s->group, s->ifname, &info);
    if (r != 0)
        return r;
    mc__cmd_opts_init(&o, ps->impl->options, &s->group, s->ifname);
    r = mc__cmd_parse_options(ps, &o);
    if (r != 0)
        return r;
    memcpy(s->ifname, o.ifname, sizeof s->ifname);
    s->port = (uint16_t)o.port;
    s->port_given = o.seen & KWB(KW_PORT);
    s->rate = (unsigned)o.rate;
    s->count = (uint32_t)o.count;
    s->size = (unsigned)o.size;
    s->tclass = (int)o.tclass;
    s->tclass_given = o.seen & KWB(KW_TCLASS);
    s->hoplimit = (int)o.hoplimit;
    s->hoplimit_given = o.seen & KWB(KW_HOPLIMIT);
    s->source = o.source;
    s->sap = o.sap;
    s->dontfrag = o.dontfrag;
    s->payload = (enum mc_send_payload)o.payload;
    if (s->payload != MC_SEND_PROBE && !(o.seen & KWB(KW_SIZE)))
        s->size = s->payload == MC_SEND_RTP ? MC_CMD_SEND_SIZE_RTP
                                            : MC_CMD_SEND_SIZE_TS;
    if (s->payload == MC_SEND_MPEGTS && s->size < MC_TS_PKTLEN)
        return mc__cmd_fail(ps,
                            "size %u: payload mpegts sends whole 188-byte TS "
                            "packets: use size 188 or more (%u: 7 packets), "
                            "or leave size out",
                            s->size, MC_CMD_SEND_SIZE_TS);
    return 0;
}

/* [GROUP] without %IFACE: what stop-send and reset take. */
static int parse_any_group(struct mc__parser *ps, const char *verb,
                           const char *what, struct mc_addr *group)
{
    struct mc_group_info info;
    struct mc__word w;
    int r;

    r = mc__cmd_next_word(ps, &w);
    if (r <= 0)
        return r;
    mc__cmd_ctx_add(ps, &w);
    if (memchr(w.s, '%', w.len) != NULL)
        return mc__cmd_fail(ps, "%s: %s takes a GROUP without %%IFACE: %s",
                            ps->ctx, verb, what);
    r = mc__cmd_parse_addr_word(ps, ps->ctx, &w, group, NULL);
    if (r == 0)
        r = mc__cmd_check_group(ps, &w, group, &info);
    return r != 0 ? r : mc__cmd_expect_end(ps);
}

int mc__cmd_parse_stop_send(struct mc__parser *ps, struct mc_cmd *out)
{
    out->kind = MC_CMD_STOP_SEND;
    return parse_any_group(ps, "stop-send",
                           "it stops every sender to that group",
                           &out->stop.group);
}

int mc__cmd_parse_reset(struct mc__parser *ps, struct mc_cmd *out)
{
    out->kind = MC_CMD_RESET;
    return parse_any_group(ps, "reset",
                           "it resets the group on every interface and port",
                           &out->reset.group);
}

/* ---- wait, echo ---- */

int mc__cmd_parse_wait(struct mc__parser *ps, struct mc_cmd *out)
{
    struct mc__word w;
    int r;

    out->kind = MC_CMD_WAIT;
    r = mc__cmd_need_word(ps, "SECONDS", &w);
    if (r == 0)
        r = mc__cmd_parse_seconds(ps, &w, &out->wait_s);
    return r != 0 ? r : mc__cmd_expect_end(ps);
}

/* The rest of the line after one blank, up to a comment; see cmd.h. */
int mc__cmd_parse_echo(struct mc__parser *ps, struct mc_cmd *out)
{
    const char *p = ps->p, *end;

    out->kind = MC_CMD_ECHO;
    if (p < ps->end)
        p++; /* the one blank after the verb */
    for (end = p; end < ps->end; end++) {
        if (*end == '#' && mc__cmd_is_blank(end[-1]))
            break;
        if (mc__cmd_is_control(*end))
            return mc__cmd_fail_control(ps, end);
    }
    while (end > p && mc__cmd_is_blank(end[-1]))
        end--;
    if ((size_t)(end - p) > MC_CMD_ECHO_MAX - 1)
        return mc__cmd_fail(
            ps,
            "echo: the text is %zu bytes, more than %d: split it "
            "over several echo lines",
            (size_t)(end - p), MC_CMD_ECHO_MAX - 1);
    memcpy(out->echo, p, (size_t)(end - p));
    out->echo[end - p] = '\0';
    ps->p = ps->end;
    return 0;
}
