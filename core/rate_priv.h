/*
 * mcscope core, private: what stats.c asks of a rate (rate.c) beyond
 * mcscope/stats.h.
 */
#ifndef MCSCOPE_RATE_PRIV_H
#define MCSCOPE_RATE_PRIV_H

#include <stdint.h>

#include "mcscope/stats.h"

/* r counts what of counts (of just counted it): r keeps its own clock and
 * reads of's rings (a group's only source: stats.c sets r->borrowed). */
void mc__rate_follow(struct mc_rate *r, const struct mc_rate *of,
                     int64_t mono_ns);
/* r's rings its own again: a copy of the ones it read (unknown when out
 * of memory). */
void mc__rate_own(struct mc_rate *r);

#endif
