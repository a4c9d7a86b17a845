/*
 * mcscope core: `reset [GROUP]` — a group's counts start again from zero
 * while counting goes on: its statistics and sources (the socket's and the
 * wire's), the sources its filter kept out, its last packets, and its
 * port's drops from now on.  Monitor-wide counters (mc_monitor_counters)
 * are the monitor's life and stay.
 */
#include "monitor_priv.h"

#include <errno.h>

int mc__monitor_reset(struct mc_monitor *m, const struct mc_cmd_reset *c,
                      struct mc_err *err)
{
    int64_t now = mc__clock_ns(CLOCK_MONOTONIC);
    char a[MC_ADDR_STRLEN];
    size_t n = 0;

    for (size_t i = 0; i < m->ng; i++) {
        struct group *g = m->g[i];

        if (c->group.family != 0 && !mc_addr_equal(&g->group, &c->group))
            continue;
        mc_group_stats_clear(g->stats);
        mc_group_stats_start(g->stats, now);
        if (g->pd != NULL) {
            g->pd_base = g->pd->total;
            g->other_base = g->pd->other_dst;
        }
        g->nws = 0;
        free(g->recent); /* made again by the next packet */
        g->recent = NULL;
        g->nrecent = 0;
        g->recent_next = 0;
        n++;
    }
    if (n > 0)
        return 0;
    if (c->group.family == 0)
        return mc_err_set(err, -ENOENT, "no group to reset: join one first");
    return mc_err_set(err, -ENOENT,
                      "no group %s in the table: reset without a group "
                      "resets every one",
                      mc_addr_format(&c->group, a, sizeof a));
}
