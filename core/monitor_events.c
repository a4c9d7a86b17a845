/*
 * mcscope core: the monitor's event log — a ring of the newest
 * opts.max_events entries (monitor.h), and its views.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "monitor_priv.h"

const char *mc_event_kind_name(enum mc_event_kind kind)
{
    switch (kind) {
    case MC_EV_OK:
        return "ok";
    case MC_EV_REFUSED:
        return "refused";
    case MC_EV_ERROR:
        return "error";
    case MC_EV_ECHO:
        return "echo";
    case MC_EV_INFO:
        return "info";
    }
    return "?";
}

__attribute__((format(printf, 3, 0))) static void
vlog_event(struct mc_monitor *m, enum mc_event_kind kind, const char *fmt,
           va_list ap)
{
    struct event *e;
    char *text;

    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
    if (text == NULL)
        return; /* out of memory: the log loses an entry, nothing else */
    if (m->evcount == m->o.max_events) {
        e = &m->ev[m->evhead];
        free(e->text);
        m->evhead = (m->evhead + 1) % m->o.max_events;
        m->evcount--;
    }
    e = &m->ev[(m->evhead + m->evcount) % m->o.max_events];
    m->evcount++;
    e->seq = ++m->evseq;
    e->mono_ns = mc__mono_now();
    e->real_ns = mc__real_now();
    e->kind = kind;
    e->text = text;
}

void mc__log_event(struct mc_monitor *m, enum mc_event_kind kind,
                   const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog_event(m, kind, fmt, ap);
    va_end(ap);
}

size_t mc_monitor_nevents(const struct mc_monitor *m)
{
    return m->evcount;
}

int mc_monitor_event(const struct mc_monitor *m, size_t i, struct mc_event *out)
{
    const struct event *e;

    if (i >= m->evcount)
        return -ENOENT;
    e = &m->ev[(m->evhead + i) % m->o.max_events];
    out->seq = e->seq;
    out->mono_ns = e->mono_ns;
    out->real_ns = e->real_ns;
    out->kind = e->kind;
    out->text = e->text;
    return 0;
}

uint64_t mc_monitor_last_event_seq(const struct mc_monitor *m)
{
    return m->evseq;
}

void mc__events_free(struct mc_monitor *m)
{
    if (m->ev != NULL)
        for (size_t i = 0; i < m->evcount; i++)
            free(m->ev[(m->evhead + i) % m->o.max_events].text);
    free(m->ev);
}
