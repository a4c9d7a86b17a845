/*
 * mcscope core: batch receive and send (ReadBatch/WriteBatch), each packet
 * with its control message: recvmmsg(2) and sendmmsg(2).
 */
#ifndef MCSCOPE_IO_H
#define MCSCOPE_IO_H

#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"
#include "mcscope/cmsg.h"
#include "mcscope/err.h"

/* One received packet.  data points into the batch's own storage. */
struct mc_pkt {
    const uint8_t *data;
    size_t len;        /* bytes stored in data (<= the slot size) */
    size_t wire_len;   /* the datagram's full length (> len when trunc) */
    uint16_t src_port; /* sender's port */
    struct mc_cmsg cm; /* control data, src always filled from msg_name */
};

/* Opaque receive batch: n slots of slot_size bytes, each with a control
 * buffer of mc_cmsg_space().  Owned by the caller: mc_rxbatch_free. */
struct mc_rxbatch;

struct mc_rxbatch *mc_rxbatch_new(unsigned n, size_t slot_size);
void mc_rxbatch_free(struct mc_rxbatch *b);
unsigned mc_rxbatch_capacity(const struct mc_rxbatch *b);

/*
 * Receive up to the batch's capacity from fd with one recvmmsg call
 * (MSG_DONTWAIT | MSG_TRUNC, so wire_len is the datagram's real length;
 * for UDP and raw sockets only: on TCP, MSG_TRUNC discards data).  Returns the
 * number received (0 when nothing was waiting: EAGAIN is not an error) or a
 * negative errno.  Packets stay valid until the next call.
 */
int mc_rxbatch_recv(struct mc_rxbatch *b, int fd, struct mc_err *err);
const struct mc_pkt *mc_rxbatch_get(const struct mc_rxbatch *b, unsigned i);

/* One packet to send. cm may be NULL (no per-packet control data). */
struct mc_txmsg {
    const void *data;
    size_t len;
    struct mc_addr dst;
    uint16_t port;
    uint32_t scope_id;        /* IPv6 destination scope (link-local) */
    const struct mc_cmsg *cm; /* per-packet tclass, hoplimit, src, ifindex */
};

/*
 * Send msgs with sendmmsg (up to 1024 per call, looping).  Follows the
 * socket's blocking mode (mc_sock_open_udp sockets never block: a batch
 * that would block returns 0).  Returns the
 * number sent (may be fewer than n when the socket would block) or a
 * negative errno when the first one failed.
 */
int mc_send_batch(int fd, const struct mc_txmsg *msgs, unsigned n,
                  struct mc_err *err);

/* Send one datagram (WriteTo). Returns bytes sent or a negative errno. */
int mc_send_one(int fd, const struct mc_txmsg *msg, struct mc_err *err);

#endif
