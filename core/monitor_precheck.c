/*
 * mcscope core: the precheck — what can be known of a command's fate
 * before it runs, from the monitor's own state: the refusals the kernel
 * will give (a join of a group joined already, an exclude-source of a
 * source blocked already, a mode conflict) and the option checks of
 * apply (`set hoplimit 0`).  The prompt's live checker asks it as the
 * line is typed; the texts are the ones running the line would log.
 */
#include <errno.h>

#include "mcscope/sockopt.h"
#include "monitor_priv.h"

/* The kernel's errno for a member command on a group in mode (NONE: not
 * joined; emptied: see struct group) with the source listed or not; 0
 * when it will take it. */
static int kernel_answer(enum mc_member_op op, enum mc_filter_mode mode,
                         bool emptied, bool listed)
{
    bool excl = mode == MC_MODE_ASM || mode == MC_MODE_EXCLUDE;

    switch (op) {
    case MC_OP_JOIN:
        return mode != MC_MODE_NONE ? EADDRINUSE : 0;
    case MC_OP_JOIN_SOURCE:
        /* a mode switch needs an empty filter the kernel never listed
         * sources in (igmp.c ip_mc_source, mcast.c ip6_mc_source) */
        if (mode == MC_MODE_EXCLUDE || (mode == MC_MODE_ASM && emptied))
            return EINVAL; /* include in an exclude-mode membership */
        return mode == MC_MODE_INCLUDE && listed ? EADDRNOTAVAIL : 0;
    case MC_OP_LEAVE:
        return mode == MC_MODE_NONE ? EADDRNOTAVAIL : 0;
    case MC_OP_EXCLUDE_SOURCE:
        if (mode == MC_MODE_NONE)
            return EADDRNOTAVAIL;
        if (mode == MC_MODE_INCLUDE)
            return EINVAL;
        return listed ? EADDRNOTAVAIL : 0;
    case MC_OP_INCLUDE_SOURCE:
        if (mode == MC_MODE_NONE)
            return EADDRNOTAVAIL;
        if (mode == MC_MODE_INCLUDE)
            return EINVAL;
        return listed ? 0 : EADDRNOTAVAIL;
    case MC_OP_LEAVE_SOURCE:
        if (mode == MC_MODE_NONE || excl)
            return EADDRNOTAVAIL;
        return listed ? 0 : EADDRNOTAVAIL;
    }
    return 0;
}

static int precheck_member(const struct mc_monitor *m,
                           const struct mc_cmd_member *c, struct mc_err *err)
{
    const struct mc_addr *src = c->source.family != 0 ? &c->source : NULL;
    const struct group *g;
    struct group *pick;
    unsigned ifindex = 0;
    bool any;
    int e;

    if (c->ifname[0] != '\0') {
        e = mc_ifindex(c->ifname, &ifindex, err);
        if (e < 0)
            return e; /* as apply would refuse it */
    }
    if (ifindex == 0 && c->group.family == AF_INET6)
        return 0; /* the kernel matches any interface: left to it */
    /* The record the command addresses, as apply picks it (a join's by
     * its bind; two joined and no bind: refused as apply refuses it). */
    e = mc__group_pick(m, c, ifindex, false, &pick, &any, err);
    if (e < 0)
        return e;
    g = pick != NULL && pick->joined ? pick : NULL;
    e = kernel_answer(c->op, g != NULL ? g->mode : MC_MODE_NONE,
                      g != NULL && g->emptied,
                      g != NULL && src != NULL && mc__group_has_source(g, src));
    if (e == 0)
        return 0;
    return mc_member_explain(e, c->op, ifindex, &c->group, src,
                             g != NULL ? g->mode : MC_MODE_NONE, err);
}

int mc_monitor_precheck(const struct mc_monitor *m, const struct mc_cmd *cmd,
                        struct mc_err *err)
{
    const struct mc_sockopt *o;

    mc_err_clear(err);
    switch (cmd->kind) {
    case MC_CMD_MEMBER:
        return precheck_member(m, &cmd->member, err);
    case MC_CMD_SET:
        o = mc_sockopt_get(cmd->set.opt);
        if (o == NULL || o->where == MC_SOCKOPT_RECEIVE)
            return 0;
        return mc_sockopt_check_apply(o, cmd->set.value, err);
    default:
        return 0;
    }
}
