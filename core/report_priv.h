/*
 * mcscope core: what report_host.c offers report.c (not installed).
 */
#ifndef MCSCOPE_REPORT_PRIV_H
#define MCSCOPE_REPORT_PRIV_H

#include <json-c/json.h>
#include <stdio.h>

#include "mcscope/monitor.h"

/* binding, holder (wire-only), apps and other_members of group gi. */
void mc__report_group_host(json_object *o, const struct mc_monitor *m,
                           const struct mc_group_view *v, size_t gi,
                           const struct mc_kernel_snapshot *snap);
/* unattributed.by_destination: the datagrams for no joined group. */
json_object *mc__report_strays(const struct mc_monitor *m);

/* The text report's lines: wire-only groups with the port's holder, the
 * other processes' sockets, the datagrams for no group by destination. */
void mc__report_text_host(FILE *out, const struct mc_monitor *m);

#endif
