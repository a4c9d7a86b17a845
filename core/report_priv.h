/*
 * mcscope core, private: the parts of the JSON report (report.h) built
 * outside report.c.  Not installed.
 */
#ifndef MCSCOPE_REPORT_PRIV_H
#define MCSCOPE_REPORT_PRIV_H

#include <json-c/json.h>
#include <stdint.h>

#include "mcscope/monitor.h"

/* report_link.c: `listeners` [{iface, host, group, mode, sources, own,
 * proto, last_report_s, age_s, expires_in_s}] */
json_object *mc__report_listeners(const struct mc_monitor *m, int64_t now_ns);

#endif
