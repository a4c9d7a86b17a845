/*
 * mcscope: batch mode (--batch SECONDS [--json] [--expect-packets N]).
 *
 * No TUI: check every -e command and script line first (a refused line
 * anywhere means nothing runs: exit 2), then run them in time through the
 * script runner while the monitor collects for SECONDS, and print the
 * report on stdout.  Exit status: 0 done; 2 a refused command (stderr
 * names it and where it came from); 1 a failure while running (each is
 * printed on stderr as it happens, the report still comes), an interrupt,
 * or --expect-packets not met.
 */
#ifndef MCSCOPE_BATCH_H
#define MCSCOPE_BATCH_H

#include "options.h"

int batch_run(const struct options *opts);

#endif
