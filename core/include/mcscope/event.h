/*
 * mcscope core: the events of a monitor's log — what happened, when, and
 * whether it worked.  The monitor keeps them in a ring (monitor.h,
 * mc_monitor_event); the TUI and the reports show them.
 */
#ifndef MCSCOPE_EVENT_H
#define MCSCOPE_EVENT_H

#include <stdint.h>

enum mc_event_kind {
    MC_EV_OK,      /* a command that worked */
    MC_EV_REFUSED, /* a line the parser refused: nothing changed */
    MC_EV_ERROR,   /* a command (or a sender) the system refused */
    MC_EV_ECHO,    /* echo TEXT */
    MC_EV_INFO,    /* news: a sender finished, a source restarted, ... */
};
const char *mc_event_kind_name(enum mc_event_kind kind); /* "ok", ... */

struct mc_event {
    uint64_t seq;    /* 1, 2, ... over the monitor's life */
    int64_t mono_ns; /* CLOCK_MONOTONIC */
    int64_t real_ns; /* CLOCK_REALTIME, for the clock on screen */
    enum mc_event_kind kind;
    const char *text; /* "join 239.1.2.3 dev lab0" or "TEXT: why" */
};

#endif
