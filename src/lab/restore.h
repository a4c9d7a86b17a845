/*
 * mcscope: the monitor brought back to a state it had — the lab's
 * restart and previous stage (stage.h).
 *
 * restore_save keeps the monitor's settings (socket options, cmsg flags,
 * the wire cross-check) as they are; restore_run later runs, through the
 * command language (each line is in the event log as if typed), what
 * brings the monitor back to them: stop-send, a leave of every group that
 * is joined, then a set, cmsg or pcap line for each setting that differs
 * from the saved one.  Left groups stay in the table as every left group
 * does (mode none, their counts kept); what is joined, the options, flags
 * and captures are those of the saved state.
 */
#ifndef MCSCOPE_LAB_RESTORE_H
#define MCSCOPE_LAB_RESTORE_H

#include <stdbool.h>
#include <stddef.h>

#include "mcscope/monitor.h"

struct restore_point {
    struct mc_monitor_settings s;
    bool saved;
};

void restore_save(struct restore_point *p, const struct mc_monitor *m);

/* Run the lines; returns how many failed (each is in the log). */
size_t restore_run(const struct restore_point *p, struct mc_monitor *m);

#endif
