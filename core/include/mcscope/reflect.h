/*
 * mcscope core: the reflector, a unicast reply to the source as ssmping
 * does.  With `reflect on`, every probe (probe.h) a joined group
 * receives is sent back, as it came, by unicast to its source address
 * and port; the sender reads the replies to its own probes (its
 * sender_id) on its sending socket and keeps their round trip: the
 * kernel's receive time of the reply (SO_TIMESTAMPNS) less the send time
 * the probe carries (CLOCK_REALTIME, one clock for the lab's hosts: one
 * kernel).
 */
#ifndef MCSCOPE_REFLECT_H
#define MCSCOPE_REFLECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"

/* Round trips: how many, and min, max, sum (ns). */
struct mc_rtt {
    uint64_t n;
    int64_t min_ns, max_ns, sum_ns;
};

void mc_rtt_add(struct mc_rtt *r, int64_t ns);
int64_t mc_rtt_avg_ns(const struct mc_rtt *r); /* 0 when n is 0 */

/* A reply's round trip: 0 and *rtt_ns when payload is a probe of
 * sender_id (its send time before rx_real_ns), else -EINVAL. */
int mc_rtt_of_reply(const uint8_t *payload, size_t len, uint64_t sender_id,
                    int64_t rx_real_ns, int64_t *rtt_ns);

/* Read every reply waiting on a sender's socket fd (non-blocking):
 * those of sender_id go into r.  Returns how many were added. */
size_t mc_rtt_read(int fd, uint64_t sender_id, struct mc_rtt *r);
/* Ask fd for receive times (SO_TIMESTAMPNS): 0 or -errno. */
int mc_rtt_prepare(int fd);

/* The reflector's sockets, one per family, made by mc_reflector_new in
 * the calling thread's network namespace. */
struct mc_reflector;
int mc_reflector_new(struct mc_reflector **out);
void mc_reflector_free(struct mc_reflector *r);
/* Send payload back to src, port: 0 or -errno. */
int mc_reflect(struct mc_reflector *r, const struct mc_addr *src, uint16_t port,
               const uint8_t *payload, size_t len);

#endif
