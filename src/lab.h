/*
 * mcscope: the lab mode (mcscope --lab [--lesson NAME]).
 *
 * Builds the private network of labnet.h (two sources S1, S2 and a
 * receiver RX on a bridge, in network namespaces), starts mcscope's own
 * sender in S1 and in S2 (child processes running `--batch` with `send`):
 *
 *   group        S1 (fd42::1, 10.200.0.1)   S2 (fd42::2, 10.200.0.2)
 *   ff15::1234   ASM, IPv6                  the same groups, port 5001,
 *   ff3e::1234   SSM (ff3x::/96), IPv6      20 packets/s each
 *   239.1.1.1    ASM, IPv4
 *   232.1.1.1    SSM (232/8), IPv4
 *   traffic class / TOS 0x28, hop limit 7   0xb8, hop limit 9
 *
 * then moves into RX (every socket of the monitor lives there) and runs
 * the TUI, or batch mode, on a script: without a lesson, the demo (join
 * the ASM groups, wire cross-check on); with one, the lesson's stages.
 * Everything is removed on every way out: q, SIGINT, SIGTERM, SIGHUP (the
 * children are killed, the namespaces deleted); a run killed with SIGKILL
 * leaves named namespaces, which the next start removes (root), and its
 * children end with it (PR_SET_PDEATHSIG).  As root the namespaces are
 * named ("mcslab<pid>-RX", see `ip netns list`); without root they are
 * unprivileged user + network namespaces, or a message says what the
 * kernel needs.
 *
 * Lessons are files NAME.mcs in the command language, found in
 * $MCSCOPE_LESSONS, then (relative to the program) ../share/mcscope/
 * lessons, assets/lessons, ../assets/lessons, ../../assets/lessons, and
 * MCSCOPE_LESSON_DIR when the build defines it; --lesson also takes a
 * path to a .mcs file.  Besides commands and `echo` narration a lesson
 * holds comment lines the lab reads (every other line is checked by the
 * command parser before the lab is built):
 *
 *   # title: TEXT              the lesson's title (before stage 1)
 *   # lab: snooping            the bridge variant (before stage 1)
 *   # lab: mld-version N       force_mld_version=N on RX (before stage 1)
 *   # lab: igmp-version N      force_igmp_version=N on RX (before stage 1)
 *   # --- stage: TITLE         a stage begins
 *   # lab: mdb                 run `bridge mdb show` in SW, its lines
 *                              into the event log (in a stage)
 *   # lab: listener GROUP      start a second program on RX (mcscope
 *                              --batch) that joins GROUP dev lab0 port
 *                              5001 (in a stage)
 *   # lab: listener stop       stop it (in a stage)
 *
 * Stage 1 starts at once.  When a stage's lines have run (its last wait
 * included), the TUI says so and the key of the TUI hook ('n') starts the
 * next; in batch mode the next starts at once and the report of each
 * stage is kept.
 */
#ifndef MCSCOPE_LAB_H
#define MCSCOPE_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct lab_opts {
    const char *lesson; /* --lesson NAME or PATH.mcs; NULL: the demo */
    /* --batch SECONDS: < 0 runs the TUI.  Without a lesson: collect for
     * SECONDS, then the report.  With one: run every stage, at most
     * SECONDS in all (not finished by then: exit 1), then the report of
     * each stage. */
    double batch_seconds;
    bool json; /* batch: JSON instead of text */
    /* -e commands and the -f script: run in RX before the demo's hints or
     * the lesson's stage 1 (after the lab's own start lines). */
    const char *const *commands;
    size_t ncommands;
    const char *script;
    bool pcap;              /* --pcap: the wire cross-check from the start */
    const char *write_pcap; /* --write-pcap FILE */
    bool userns;            /* user namespaces even as root (tests) */
};

void lab_opts_init(struct lab_opts *opts); /* the TUI, no lesson */

/*
 * Run the lab; returns the exit status: 0 done (q in the TUI; batch run to
 * its end); 2 bad usage (an unknown lesson, a lesson, -e or -f line the
 * parser refuses: stderr names it, nothing was built); 1 a failure (the
 * lab could not be built: stderr says what it needs; a signal; in batch
 * mode a command that failed, a sender that died, a lesson that did not
 * finish in time).
 */
int lab_run(const struct lab_opts *opts);

/* The lessons, one "  NAME  summary" line each, for --help. */
void lab_lessons_usage(FILE *out);

#endif
