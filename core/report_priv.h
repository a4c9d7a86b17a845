/* mcscope core, private: the parts of the reports in other files. */
#ifndef MCSCOPE_REPORT_PRIV_H
#define MCSCOPE_REPORT_PRIV_H

#include <json-c/json.h>
#include <stdint.h>

#include "mcscope/stats.h"

/* report_flow.c: a source's "flows" list, "hoplimits" and "tclasses"
 * (DESIGN.md "Real streams"); now_ns on CLOCK_MONOTONIC. */
void mc__report_flows(json_object *o, const struct mc_source_stats *s,
                      int64_t now_ns);

#endif
