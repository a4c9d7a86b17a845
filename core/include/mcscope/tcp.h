/*
 * mcscope core: unicast TCP over IPv6, the seed's unicast example.
 *
 * A listener (tcp-listen) accepts connections on a port and sets the
 * traffic class and hop limit on each accepted connection
 * (IPV6_TCLASS, IPV6_UNICAST_HOPS: what ipv6.NewConn(c).SetTrafficClass
 * and SetHopLimit do), writes one line to it and closes it, as the
 * seed's goroutine does.  A connection (tcp-connect) reads what comes and
 * the traffic class and hop limit of the last segment that brought data
 * (IPV6_RECVTCLASS and IPV6_RECVHOPLIMIT on, then getsockopt
 * IPV6_2292PKTOPTIONS: TCP has no per-read control messages on Linux,
 * the socket keeps the last segment's).
 *
 * Everything is non-blocking: mc_tcp_step accepts, connects, writes and
 * reads what is ready and tells the caller what happened.
 */
#ifndef MCSCOPE_TCP_H
#define MCSCOPE_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"
#include "mcscope/err.h"

#define MC_TCP_MAX_LISTENERS 4
#define MC_TCP_MAX_CONNS 16

struct mc_tcp;

/* One connection, either side. */
struct mc_tcp_conn {
    bool accepted;       /* a listener's; else one tcp-connect made */
    struct mc_addr peer; /* the other end */
    uint16_t port;       /* the listener's port */
    bool open;           /* false: closed (or failed: error) */
    int error;           /* 0, or the negative errno it failed with */
    uint64_t bytes_in, bytes_out;
    /* accepted: as set on the socket (-1: the kernel's default);
     * tcp-connect's: of the last segment read (-1: none yet) */
    int tclass, hoplimit;
};

enum mc_tcp_news {
    MC_TCP_ACCEPTED,  /* a listener accepted a connection and wrote */
    MC_TCP_CONNECTED, /* tcp-connect's connection is up */
    MC_TCP_DATA,      /* tcp-connect's read bytes (bytes_in grew) */
    MC_TCP_CLOSED,    /* the other end closed; error: it failed */
};
const char *mc_tcp_news_name(enum mc_tcp_news n); /* "accepted", ... */

typedef void mc_tcp_news_fn(void *arg, enum mc_tcp_news what,
                            const struct mc_tcp_conn *c, uint64_t bytes);

int mc_tcp_new(struct mc_tcp **out);
void mc_tcp_free(struct mc_tcp *t);

/* Listen on port (every IPv6 address); tclass, hoplimit: 0..255, or -1
 * for the kernel's default.  A listener on the same port is replaced. */
int mc_tcp_listen(struct mc_tcp *t, uint16_t port, int tclass, int hoplimit,
                  struct mc_err *err);
/* Start connecting to addr (IPv6 unicast), port. */
int mc_tcp_connect(struct mc_tcp *t, const struct mc_addr *addr, uint16_t port,
                   struct mc_err *err);
/* Do what is ready; fn (may be NULL) hears each thing that happened
 * (bytes: what this step read or wrote). */
void mc_tcp_step(struct mc_tcp *t, mc_tcp_news_fn *fn, void *arg);

/* Something to step: a listener, or a connection still open. */
bool mc_tcp_active(const struct mc_tcp *t);

size_t mc_tcp_nconns(const struct mc_tcp *t);
/* Connection i (0 = the oldest kept): 0, or -ENOENT. */
int mc_tcp_conn(const struct mc_tcp *t, size_t i, struct mc_tcp_conn *out);

/* Read the hop limit and traffic class out of an IPV6_2292PKTOPTIONS
 * buffer (a control message list): each -1 when absent. */
void mc_tcp_pktoptions(const void *buf, size_t len, int *hoplimit, int *tclass);

#endif
