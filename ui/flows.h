/* mcscope ui: the flows part of the detail view (ui/flows.c). */
#ifndef MCSCOPE_UI_FLOWS_H
#define MCSCOPE_UI_FLOWS_H

#include "lines.h"
#include "model.h"
#include "screen.h"

/* The flows of group row g's sources: one line each, the RTP and MPEG-TS
 * figures, the PID table and the inter-arrival histogram. */
void ui_detail_flows(const struct ui_ctx *c, struct ui_lines *l,
                     const struct ui_row *g);

#endif
