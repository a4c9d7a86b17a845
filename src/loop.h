/*
 * mcscope: the one event loop — a single poll() over the monitor's fds
 * (its receive sockets and timerfd, see monitor.h), a signalfd for SIGINT
 * and SIGTERM, and any fds the caller adds (the TUI's stdin).  Timeouts
 * come from the monitor, the script runner and the loop's deadline; the
 * loop never sleeps otherwise, so an idle monitor costs no CPU.
 *
 * Each pass: run the script lines that are due, poll, read a signal if one
 * came, call the callbacks of ready extra fds, mc_monitor_dispatch, then
 * the pass callback with the monitor's MC_MON_* flags (redraw there, at
 * most once per pass).
 */
#ifndef MCSCOPE_LOOP_H
#define MCSCOPE_LOOP_H

#include <stdint.h>

#include "mcscope/monitor.h"

struct loop;

typedef void (*loop_fd_fn)(void *arg, int fd, short revents);
typedef void (*loop_pass_fn)(void *arg, int mon_flags);
/* Milliseconds until the fd's owner wants its callback even when poll()
 * reports nothing (then called with revents 0); -1: no such time. */
typedef int (*loop_timeout_fn)(void *arg);

enum loop_end {
    LOOP_DEADLINE, /* the deadline passed */
    LOOP_SIGNAL,   /* SIGINT or SIGTERM (loop_signal says which) */
    LOOP_STOPPED,  /* loop_stop was called */
    LOOP_ERROR,    /* poll() failed (errno kept) */
};

/*
 * A loop over m, running script (may be NULL; not owned).  Blocks SIGINT
 * and SIGTERM in the calling thread and reads them from a signalfd, so
 * they end the loop cleanly; loop_free restores the signal mask.  NULL
 * with errno set on failure.
 */
struct loop *loop_new(struct mc_monitor *m, struct mc_script *script);
void loop_free(struct loop *lp);

/* Watch fd for events and call fn when poll() reports it.  0 or -errno. */
int loop_add_fd(struct loop *lp, int fd, short events, loop_fd_fn fn,
                void *arg);
/* The same, and call fn (revents 0) also when timeout_fn's time passed:
 * for a library that keeps its own timers (libmicrohttpd's idle
 * connections). */
int loop_add_fd_timed(struct loop *lp, int fd, short events, loop_fd_fn fn,
                      loop_timeout_fn timeout_fn, void *arg);
/* End the loop at mono_ns (CLOCK_MONOTONIC); INT64_MAX: never. */
void loop_set_deadline(struct loop *lp, int64_t mono_ns);
void loop_on_pass(struct loop *lp, loop_pass_fn fn, void *arg);
/* From a callback: end the loop after this pass. */
void loop_stop(struct loop *lp);

enum loop_end loop_run(struct loop *lp);
/* The signal that ended the loop (LOOP_SIGNAL), else 0. */
int loop_signal(const struct loop *lp);

#endif
