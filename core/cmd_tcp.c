/*
 * mcscope core: the command language's unicast TCP verbs, tcp-listen and
 * tcp-connect (cmd.h, tcp.h).
 */
#include "cmd_priv.h"

#include <string.h>

int mc__cmd_parse_tcp(struct mc__parser *ps, struct mc_cmd *out)
{
    struct mc_cmd_tcp *t = &out->tcp;
    struct mc__opts o;
    struct mc__word w;
    int r;

    out->kind = ps->verb->kind;
    if (out->kind == MC_CMD_TCP_CONNECT) {
        r = mc__cmd_need_word(ps, "ADDR", &w);
        if (r == 0)
            r = mc__cmd_parse_addr_word(ps, ps->ctx, &w, &t->addr, NULL);
        if (r != 0)
            return r;
        if (t->addr.family != AF_INET6)
            return mc__cmd_fail(
                ps,
                "%s: tcp-connect takes an IPv6 address: the traffic class "
                "and hop limit of what arrives are read with "
                "IPV6_2292PKTOPTIONS, which IPv4 lacks",
                ps->ctx);
        if (mc_addr_is_multicast(&t->addr) || mc_addr_is_unspecified(&t->addr))
            return mc__cmd_fail(ps,
                                "%s: TCP connects to one host: give a "
                                "unicast address, e.g. fd42::1",
                                ps->ctx);
    }
    mc__cmd_opts_init(&o, ps->impl->options, NULL, NULL);
    r = mc__cmd_parse_options(ps, &o);
    if (r != 0)
        return r;
    t->port = (uint16_t)o.port;
    t->tclass = (int)o.tclass;
    t->tclass_given = o.seen & KWB(KW_TCLASS);
    t->hoplimit = (int)o.hoplimit;
    t->hoplimit_given = o.seen & KWB(KW_HOPLIMIT);
    return 0;
}
