/*
 * mcscope: the programs the lab runs in its hosts — this program again,
 * headless: a sender in S1 and one in S2 (`--batch` with `send`), every
 * group of the lab at LABPROG_RATE packets/s:
 *
 *   group        S1 (fd42::1, 10.200.0.1)   S2 (fd42::2, 10.200.0.2)
 *   ff15::1234   ASM, IPv6                  the same groups, port 5001,
 *   ff3e::1234   SSM (ff3x::/96), IPv6      20 packets/s each
 *   239.1.1.1    ASM, IPv4
 *   232.1.1.1    SSM (232/8), IPv4
 *   traffic class / TOS 0x28, hop limit 7   0xb8, hop limit 9
 *
 * and, when a lesson asks, a second listener on RX that joins a group,
 * and a stream from S1 (`send GROUP port LABIMPAIR_PORT rate
 * LABPROG_STREAM_RATE payload rtp|mpegts`).
 * Each is a child of the calling process (labnet_spawn: it dies with it).
 * The senders take commands (`on s1 COMMAND` in the receiver): each has
 * one end of a socketpair as --lab-control 3 (src/control.h), the lab
 * keeps the other (labprogs_command).
 */
#ifndef MCSCOPE_LAB_PROGRAMS_H
#define MCSCOPE_LAB_PROGRAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "net.h"

#define LABPROG_RATE 20
#define LABPROG_NSENDERS 2

struct labprogs {
    struct labnet *net;
    const char *exe;                /* this program */
    pid_t sender[LABPROG_NSENDERS]; /* 0: none */
    int ctl[LABPROG_NSENDERS];      /* its control socket; <= 0: none */
    pid_t listener;                 /* 0: none */
    pid_t stream;                   /* 0: none */
};

#define LABPROG_STREAM_RATE 100

/* The stream sender in S1: kind "rtp" or "mpegts" to group (its send
 * line in line).  Stops the one before.  Its pid, or -errno. */
pid_t labprogs_start_stream(struct labprogs *p, const char *kind,
                            const char *group, char *line, size_t line_len);
/* Stop it; its pid, 0: none ran. */
pid_t labprogs_stop_stream(struct labprogs *p);

/* Start both senders and check that they live.  0, or -1 with why on
 * stderr (what started is stopped by labprogs_stop_all). */
int labprogs_start_senders(struct labprogs *p);

/*
 * on HOST COMMAND: send line (a command, canonical text) to the sender of
 * host ("s1", "s2") over its control socket (a socketpair; the sender runs
 * mcscope --batch --lab-control 3, control.h) and wait for its answer.
 * 0 with "S1 says: TEXT" in reply, or -errno with the refusal: an unknown
 * host (which there are), a sender not running, its own refusal, no
 * answer in 2 s.
 */
int labprogs_command(struct labprogs *p, const char *host, const char *line,
                     char *reply, size_t len);

/* The senders as they started (after `on` changed them): every send
 * stopped, the hop limit and traffic class set again, the sends started
 * again.  The commands that failed. */
size_t labprogs_reset_senders(struct labprogs *p);

/* A sender that ended since: each said on stderr.  0, or 1 when one did. */
int labprogs_check_senders(struct labprogs *p);

/* The second listener on RX: `join GROUP dev lab0` (its line in join).
 * Stops the one before.  Its pid, or -errno when it did not start. */
pid_t labprogs_start_listener(struct labprogs *p, const char *group, char *join,
                              size_t join_len);

/* Stop the second listener (SIGTERM, then SIGKILL); its pid, 0: none ran. */
pid_t labprogs_stop_listener(struct labprogs *p);

/* Stop every program (SIGTERM, then SIGKILL), reaped. */
void labprogs_stop_all(struct labprogs *p);

#endif
