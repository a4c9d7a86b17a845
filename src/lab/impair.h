/*
 * mcscope: impairing a lab link for a lesson — loss on the lesson
 * stream's packets leaving S1 (UDP to LABIMPAIR_PORT, IPv6 or IPv4).
 *
 * The lab kernels may have no tc netem (CONFIG_NET_SCH_NETEM off), so
 * loss comes from what they do have: a clsact qdisc on S1's lab0, a
 * cls_bpf filter whose classic-BPF program matches UDP packets to the
 * port and then a random share of them (the SKF_AD_RANDOM ancillary
 * load), and a mirred action that redirects them to an ifb device that
 * is down, which drops them.  The action's statistics count what it
 * took: the packets the link lost.
 */
#ifndef MCSCOPE_LAB_IMPAIR_H
#define MCSCOPE_LAB_IMPAIR_H

#include <stddef.h>
#include <stdint.h>

#include "net.h"

#define LABIMPAIR_PORT 5004
#define LABIMPAIR_MAX_PERCENT 50

/* Drop percent (1..LABIMPAIR_MAX_PERCENT) of the stream's packets on
 * host h's lab0.  0, or -1 with why. */
int labimpair_loss(struct labnet *net, enum labnet_host h, unsigned percent,
                   char *why, size_t len);

/* Remove the loss; the packets it dropped, or -1 when none was on (or
 * its statistics could not be read). */
long labimpair_off(struct labnet *net, enum labnet_host h);

/* The cls_bpf bytecode of the filter ("16,40 0 0 12,..."), for tests. */
void labimpair_bytecode(unsigned percent, uint16_t port, char *out, size_t len);

#endif
