/*
 * mcscope: the control socket (--lab-control FD) — how the lab's hosts
 * take commands: each datagram on FD is one line of the command language,
 * run on this monitor as if typed; the answer is one datagram, "0 TEXT"
 * (TEXT: the command's line in the event log) or "-ERRNO TEXT" (the
 * refusal, cause and fix).  The lab gives each of its senders one end of
 * a socketpair (no name in any file system), and `on HOST COMMAND` in the
 * receiver speaks through the other end (src/lab/programs.c).
 */
#ifndef MCSCOPE_CONTROL_H
#define MCSCOPE_CONTROL_H

#include "mcscope/monitor.h"

/* The longest datagram either way. */
#define CONTROL_MSG_MAX 1024

/* Serve one datagram waiting on fd.  0; -1 when the other end is gone
 * (the run should end). */
int control_serve(struct mc_monitor *m, int fd);

#endif
