/*
 * mcscope: the lab mode (mcscope --lab [--lesson NAME]).
 *
 * Builds the private network of net.h (two sources S1, S2 and a
 * receiver RX on a bridge, in network namespaces), starts mcscope's own
 * sender in S1 and in S2 (programs.h), then moves into RX (every socket
 * of the monitor lives there) and runs the TUI, or batch mode, on a
 * script: without a lesson, the demo (join the ASM groups, wire
 * cross-check on); with one (catalog.h, lesson.h), the lesson's stages
 * (stage.h).  Batch mode is batch.c's, with the lesson as its hook: the
 * report of each stage, then the final one, in one document.
 *
 * Everything is removed on every way out: q, SIGINT, SIGTERM, SIGHUP (the
 * children are killed, the namespaces deleted); a run killed with SIGKILL
 * leaves named namespaces, which the next start removes (root), and its
 * children end with it (PR_SET_PDEATHSIG).  As root the namespaces are
 * named ("mcslab<pid>-RX", see `ip netns list`); without root they are
 * unprivileged user + network namespaces, or a message says what the
 * kernel needs.
 */
#ifndef MCSCOPE_LAB_H
#define MCSCOPE_LAB_H

#include <stdbool.h>
#include <stddef.h>

struct lab_opts {
    const char *lesson; /* --lesson NAME or PATH.mcs; NULL: the demo */
    /* --topology NAME (topo.h); NULL: the lesson's, else the bridge.  A
     * lesson that names another topology is refused (exit 2). */
    const char *topology;
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
    /* --fault NAME...: faults of fault.h switched on once the senders
     * run, before the monitor's first line */
    const char *const *faults;
    size_t nfaults;
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

#endif
