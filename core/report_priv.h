/*
 * mcscope core, private: the parts of the JSON report (report.h) built
 * outside report.c.  Not installed.
 */
#ifndef MCSCOPE_REPORT_PRIV_H
#define MCSCOPE_REPORT_PRIV_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "mcscope/monitor.h"

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
