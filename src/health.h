/*
 * mcscope: the end of a batch run's health — the --expect rules
 * (core/expect.c) checked on the monitor, said on stderr, or the
 * monitoring-plugin status line of --nagios.
 *
 * --nagios (the Nagios/Icinga/Monitoring Plugins convention): stdout gets
 * exactly one line, "MCSCOPE STATUS - summary | perfdata", and the exit
 * status is the plugin's:
 *   0 OK        every rule holds and the run had no failure;
 *   1 WARNING   every rule holds, but the run had a failure (a command
 *               the system refused, an interrupt, an unwritten pcap);
 *   2 CRITICAL  a rule is broken (the line names the first; stderr all);
 *   3 UNKNOWN   a rule's value cannot be known (loss without probes, a
 *               group never joined), or the run could not start: bad
 *               usage and refused commands, which exit 2 without
 *               --nagios, exit 3 with it (2 would read as CRITICAL).
 * Performance data per group: packets (c), rate (pps), sources and, when
 * probes give it, loss (%).
 */
#ifndef MCSCOPE_HEALTH_H
#define MCSCOPE_HEALTH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mcscope/expect.h"
#include "mcscope/monitor.h"

/* Check every rule on m at now_ns; each broken or unknown one is said on
 * stderr ("mcscope: health check: ...").  0: all hold; 1: not. */
int health_check(const struct mc_monitor *m, int64_t now_ns,
                 const struct mc_expect_rule *rules, size_t n);

/* The --nagios line on out for the rules on m at now_ns, after a run
 * whose own status (0 or 1, see batch.h) was run_status.  Returns the
 * plugin's exit status (0..3). */
int health_nagios(FILE *out, const struct mc_monitor *m, int64_t now_ns,
                  const struct mc_expect_rule *rules, size_t n, int run_status);

/* The plugin's line for a run that could not start (status 3). */
void health_nagios_unknown(FILE *out, const char *why);

#endif
