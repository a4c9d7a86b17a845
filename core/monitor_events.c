/*
 * mcscope core: the monitor's event log — a ring of the newest
 * opts.max_events events (event.h: fields, not words), and its views.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "monitor_priv.h"

static void event_free(struct event *e)
{
    free(e->detail);
    free(e->why);
    memset(e, 0, sizeof *e);
}

/* A copy of s, or NULL (for NULL, or out of memory: *lost set). */
static char *copy(const char *s, bool *lost)
{
    char *c;

    if (s == NULL)
        return NULL;
    c = strdup(s);
    if (c == NULL)
        *lost = true;
    return c;
}

uint64_t mc__log(struct mc_monitor *m, const struct mc_event *ev)
{
    struct event *e, n;
    bool lost = false;

    memset(&n, 0, sizeof n);
    n.e = *ev;
    n.detail = copy(ev->detail, &lost);
    n.why = copy(ev->why, &lost);
    if (lost) {
        event_free(&n);
        return 0; /* out of memory: the log loses an entry, nothing else */
    }
    n.e.detail = n.detail;
    n.e.why = n.why;
    if (m->evcount == m->o.max_events) {
        event_free(&m->ev[m->evhead]);
        m->evhead = (m->evhead + 1) % m->o.max_events;
        m->evcount--;
    }
    e = &m->ev[(m->evhead + m->evcount) % m->o.max_events];
    m->evcount++;
    *e = n;
    e->e.seq = ++m->evseq;
    e->e.mono_ns = mc__clock_ns(CLOCK_MONOTONIC);
    e->e.real_ns = mc__clock_ns(CLOCK_REALTIME);
    return e->e.seq;
}

size_t mc_monitor_nevents(const struct mc_monitor *m)
{
    return m->evcount;
}

int mc_monitor_event(const struct mc_monitor *m, size_t i, struct mc_event *out)
{
    if (i >= m->evcount)
        return -ENOENT;
    *out = m->ev[(m->evhead + i) % m->o.max_events].e;
    return 0;
}

int mc_monitor_event_by_seq(const struct mc_monitor *m, uint64_t seq,
                            struct mc_event *out)
{
    uint64_t oldest;

    if (m->evcount == 0 || seq == 0)
        return -ENOENT;
    oldest = m->ev[m->evhead].e.seq;
    if (seq < oldest || seq - oldest >= m->evcount)
        return -ENOENT;
    return mc_monitor_event(m, (size_t)(seq - oldest), out);
}

int mc_monitor_command_event(const struct mc_monitor *m, struct mc_event *out)
{
    return mc_monitor_event_by_seq(m, m->cmd_seq, out);
}

uint64_t mc_monitor_last_event_seq(const struct mc_monitor *m)
{
    return m->evseq;
}

void mc__events_free(struct mc_monitor *m)
{
    if (m->ev != NULL)
        for (size_t i = 0; i < m->evcount; i++)
            event_free(&m->ev[(m->evhead + i) % m->o.max_events]);
    free(m->ev);
}
