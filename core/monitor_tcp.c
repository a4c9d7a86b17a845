/*
 * mcscope core: the monitor's unicast TCP (tcp-listen, tcp-connect; see
 * tcp.h): stepped on each dispatch, and every TCP_STEP_NS while a
 * listener or a connection is open (a timer, not the epoll set: a few
 * sockets, a lesson's pace); what happens logged as MC_ET_TCP.
 */
#include "monitor_priv.h"

#include <errno.h>
#include <string.h>

#include "mcscope/tcp.h"

#define TCP_STEP_NS (50 * MC_NS_PER_MS)

int mc__tcp_apply(struct mc_monitor *m, const struct mc_cmd *cmd,
                  struct mc_err *err)
{
    const struct mc_cmd_tcp *t = &cmd->tcp;
    int r;

    if (m->tcp == NULL) {
        r = mc_tcp_new(&m->tcp);
        if (r < 0)
            return mc_err_set(err, r, "out of memory");
    }
    if (cmd->kind == MC_CMD_TCP_CONNECT)
        r = mc_tcp_connect(m->tcp, &t->addr, t->port, err);
    else
        r = mc_tcp_listen(m->tcp, t->port, t->tclass_given ? t->tclass : -1,
                          t->hoplimit_given ? t->hoplimit : -1, err);
    if (r == 0)
        m->tcp_next_ns = mc__clock_ns(CLOCK_MONOTONIC) + TCP_STEP_NS;
    return r;
}

static void news(void *arg, enum mc_tcp_news what, const struct mc_tcp_conn *c,
                 uint64_t bytes)
{
    struct mc_event ev = {
        .kind = c->error < 0 ? MC_EV_ERROR : MC_EV_INFO,
        .type = MC_ET_TCP,
        .source = c->peer,
        .port = c->port,
        .detail = mc_tcp_news_name(what),
        .count = bytes,
        .count2 = c->accepted ? c->bytes_out : c->bytes_in,
        .result = c->error,
        .old_value = c->hoplimit,
        .new_value = c->tclass,
    };

    mc__log(arg, &ev);
}

void mc__tcp_step(struct mc_monitor *m)
{
    mc_tcp_step(m->tcp, news, m);
    m->tcp_next_ns = mc_tcp_active(m->tcp)
                         ? mc__clock_ns(CLOCK_MONOTONIC) + TCP_STEP_NS
                         : INT64_MAX;
}

int64_t mc__tcp_next_ns(const struct mc_monitor *m)
{
    return m->tcp != NULL ? m->tcp_next_ns : INT64_MAX;
}

void mc__tcp_free(struct mc_monitor *m)
{
    mc_tcp_free(m->tcp);
    m->tcp = NULL;
}

int mc_monitor_tcp_conn(const struct mc_monitor *m, size_t i,
                        struct mc_tcp_conn *out)
{
    return mc_tcp_conn(m->tcp, i, out);
}
