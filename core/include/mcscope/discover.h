/*
 * mcscope core: the multicast UDP streams seen on a link (`discover on`),
 * whoever joined them — one row per (interface, group, port, source), in
 * the order first seen, with packets, bytes and the rate while packets
 * came; bounded like the source tables: at most max rows, and what does
 * not fit is counted in the other bucket.
 */
#ifndef MCSCOPE_DISCOVER_H
#define MCSCOPE_DISCOVER_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"

#define MC_DISCOVER_MAX_DEFAULT 256u

struct mc_discover; /* opaque */

struct mc_stream_view {
    char ifname[IF_NAMESIZE];
    struct mc_addr group, source;
    uint16_t port;
    uint64_t packets, bytes; /* bytes: UDP payload */
    int64_t first_ns, last_ns;
};

struct mc_discover_other {
    uint64_t packets, bytes; /* streams beyond the cap */
};

int mc_discover_new(size_t max, struct mc_discover **out); /* 0, -ENOMEM */
void mc_discover_free(struct mc_discover *d);              /* NULL ok */
/* Forget the rows of ifname ("": all) and, for "", the other bucket. */
void mc_discover_forget(struct mc_discover *d, const char *ifname);
/* One datagram; true when it started a new row. */
bool mc_discover_feed(struct mc_discover *d, const char *ifname,
                      const struct mc_addr *group, uint16_t port,
                      const struct mc_addr *source, size_t len, int64_t now_ns);
size_t mc_discover_count(const struct mc_discover *d);
int mc_discover_get(const struct mc_discover *d, size_t i,
                    struct mc_stream_view *out);
void mc_discover_other(const struct mc_discover *d,
                       struct mc_discover_other *out);
/* (packets - 1) / (last - first) seconds; false with fewer than 2. */
bool mc_stream_pps(const struct mc_stream_view *v, double *pps);

#endif
