/* mcscope core, private: the parts of the reports in other files. */
#ifndef MCSCOPE_REPORT_PRIV_H
#define MCSCOPE_REPORT_PRIV_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mcscope/err.h"
#include "mcscope/monitor.h"
#include "mcscope/stats.h"

/* report_util.c: shared by the JSON (report.c) and text (report_text.c)
 * reports. */
/* Seconds of a monotonic time after the monitor's start. */
double mc__report_rel_s(const struct mc_monitor *m, int64_t ns);
/* The rate while packets came: (packets - 1) / (last - first); false
 * under two packets. */
bool mc__report_rate_of(const struct mc_counters *c, double *pps, double *bps);
/* now_ns, or the monotonic clock's now when it is 0. */
int64_t mc__report_time(int64_t now_ns);
/* Write text (taken: freed) to out; -ENOMEM for NULL, -EIO. */
int mc__report_write(FILE *out, char *text, struct mc_err *err);

/* report_flow.c: a source's "flows" list, "hoplimits" and "tclasses"
 * (DESIGN.md "Real streams"); now_ns on CLOCK_MONOTONIC. */
void mc__report_flows(json_object *o, const struct mc_source_stats *s,
                      int64_t now_ns);
/* report_flow.c: the flows of every group in the text report. */
void mc__report_flows_text(FILE *out, const struct mc_monitor *m);

/* report_host.c: binding, holder (wire-only), apps and other_members of
 * group gi. */
void mc__report_group_host(json_object *o, const struct mc_monitor *m,
                           const struct mc_group_view *v, size_t gi,
                           const struct mc_kernel_snapshot *snap);
/* report_host.c: unattributed.by_destination, the datagrams for no
 * joined group. */
json_object *mc__report_strays(const struct mc_monitor *m);
/* report_host.c: the text report's lines: wire-only groups with the
 * port's holder, the other processes' sockets, the datagrams for no group
 * by destination. */
void mc__report_text_host(FILE *out, const struct mc_monitor *m);
/* report_querier.c: `querier` (querier.h), and its text lines. */
json_object *mc__report_querier(const struct mc_monitor *m);
void mc__report_querier_text(FILE *out, const struct mc_monitor *m);
/* report_link.c: `listeners` [{iface, host, group, mode, sources, own,
 * proto, last_report_s, age_s, expires_in_s}] */
json_object *mc__report_listeners(const struct mc_monitor *m, int64_t now_ns);
/* `discovered` [{iface, group, source, port, packets, bytes, pps, joined}] */
json_object *mc__report_discovered(const struct mc_monitor *m);
/* `sessions` [{name, origin, announcer, group, port, sources, filter,
 * media, iface, announcements, expires_in_s, join}] */
json_object *mc__report_sessions(const struct mc_monitor *m, int64_t now_ns);
/* Whether this host joined group port (on ifname, or without one). */
bool mc__report_joined(const struct mc_monitor *m, const char *ifname,
                       const struct mc_addr *group, uint16_t port);

#endif
