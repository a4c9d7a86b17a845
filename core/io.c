/*
 * mcscope core: batch receive and send (x/net ReadBatch/WriteBatch), each
 * packet with its control message, over recvmmsg(2) and sendmmsg(2).
 *
 * A receive batch allocates everything once: n payload slots, n control
 * buffers of mc_cmsg_space() bytes, n source-address buffers, the iovecs
 * and the mmsghdrs.  A receive only resets the lengths the kernel changed.
 */
#include "mcscope/io.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "mcscope/sock.h"
#include "util.h"

/* recvmmsg(2)/sendmmsg(2) take at most UIO_MAXIOV (1024) per call. */
#define MC_MMSG_MAX 1024

struct mc_rxbatch {
    unsigned cap;   /* slots */
    unsigned count; /* packets from the last receive */
    unsigned dirty; /* slots the kernel may have written since set up */
    size_t slot;    /* bytes per payload slot */
    size_t cspace;  /* bytes per control buffer */
    uint8_t *data;  /* cap * slot */
    uint8_t *ctrl;  /* cap * cspace */
    struct sockaddr_storage *names;
    struct iovec *iov;
    struct mmsghdr *hdrs;
    struct mc_pkt *pkts;
};

/* Set up slots first .. end-1: what the kernel writes back (the name and
 * control lengths, the flags, the length) and where each points. */
static void rx_reset(struct mc_rxbatch *b, unsigned first, unsigned end)
{
    struct msghdr *h;
    unsigned i;

    for (i = first; i < end; i++) {
        b->iov[i].iov_base = b->data + (size_t)i * b->slot;
        b->iov[i].iov_len = b->slot;
        h = &b->hdrs[i].msg_hdr;
        h->msg_name = &b->names[i];
        h->msg_namelen = sizeof b->names[i];
        h->msg_iov = &b->iov[i];
        h->msg_iovlen = 1;
        h->msg_control = b->ctrl + (size_t)i * b->cspace;
        h->msg_controllen = b->cspace;
        h->msg_flags = 0;
        b->hdrs[i].msg_len = 0;
    }
}

struct mc_rxbatch *mc_rxbatch_new(unsigned n, size_t slot_size)
{
    struct mc_rxbatch *b;

    if (n == 0 || n > MC_MMSG_MAX || slot_size == 0 ||
        slot_size > SIZE_MAX / n) {
        errno = EINVAL;
        return NULL;
    }
    b = calloc(1, sizeof *b);
    if (b == NULL)
        return NULL;
    b->cap = n;
    b->slot = slot_size;
    /* Each control buffer starts cmsg-aligned: malloc's alignment plus a
     * multiple of the cmsg alignment. */
    b->cspace = CMSG_ALIGN(mc_cmsg_space());
    b->data = malloc(n * slot_size);
    b->ctrl = calloc(n, b->cspace);
    b->names = calloc(n, sizeof *b->names);
    b->iov = calloc(n, sizeof *b->iov);
    b->hdrs = calloc(n, sizeof *b->hdrs);
    b->pkts = calloc(n, sizeof *b->pkts);
    if (b->data == NULL || b->ctrl == NULL || b->names == NULL ||
        b->iov == NULL || b->hdrs == NULL || b->pkts == NULL) {
        mc_rxbatch_free(b);
        errno = ENOMEM;
        return NULL;
    }
    rx_reset(b, 0, n);
    return b;
}

void mc_rxbatch_free(struct mc_rxbatch *b)
{
    if (b == NULL)
        return;
    free(b->data);
    free(b->ctrl);
    free(b->names);
    free(b->iov);
    free(b->hdrs);
    free(b->pkts);
    free(b);
}

unsigned mc_rxbatch_capacity(const struct mc_rxbatch *b)
{
    return b == NULL ? 0 : b->cap;
}

const struct mc_pkt *mc_rxbatch_get(const struct mc_rxbatch *b, unsigned i)
{
    if (b == NULL || i >= b->count)
        return NULL;
    return &b->pkts[i];
}

static void rx_fill(struct mc_rxbatch *b, unsigned i)
{
    const struct msghdr *h = &b->hdrs[i].msg_hdr;
    struct mc_pkt *p = &b->pkts[i];

    mc_cmsg_parse(h, &p->cm);
    p->data = b->iov[i].iov_base;
    /* With MSG_TRUNC in the flags, msg_len is the datagram's length
     * (udp(7), raw(7)), not what was stored. */
    p->wire_len = b->hdrs[i].msg_len;
    p->len = p->wire_len < b->slot ? p->wire_len : b->slot;
    /* the parser read msg_name already */
    p->src_port = (p->cm.have & MC_CM_SRC) ? p->cm.src_port : 0;
}

static int rx_refused(int fd, int e, struct mc_err *err)
{
    switch (e) {
    case -EBADF:
    case -ENOTSOCK:
        return mc_err_set(err, e,
                          "descriptor %d is not an open socket: receive from "
                          "a socket that mc_sock_open_udp opened",
                          fd);
    case -ECONNREFUSED:
        return mc_err_set(err, e,
                          "a datagram this socket sent earlier was refused "
                          "(ICMP port unreachable): nothing listens at that "
                          "destination; the error is reported once");
    default:
        return mc_err_set(err, e, "receiving on descriptor %d failed: %s (%s)",
                          fd, mc_strerror(e), mc_errno_name(e));
    }
}

/*
 * The fd must be a datagram (UDP or raw) socket: MSG_TRUNC as a receive
 * flag means "tell the full length" there, but "discard" on TCP.
 */
int mc_rxbatch_recv(struct mc_rxbatch *b, int fd, struct mc_err *err)
{
    unsigned i;
    int n;

    mc_err_clear(err);
    if (b == NULL)
        return mc_err_set(err, -EINVAL,
                          "no receive batch: make one with mc_rxbatch_new");
    /* only the slots the last receive used: the rest are as set up (a
     * batch of 256 slots set up again per call cost more than reading a
     * few packets) */
    rx_reset(b, 0, b->dirty);
    b->count = 0;
    n = recvmmsg(fd, b->hdrs, b->cap, MSG_DONTWAIT | MSG_TRUNC, NULL);
    b->dirty = n > 0 ? (unsigned)n : 1; /* a failed first one, to be sure */
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return 0;
        return rx_refused(fd, -errno, err);
    }
    for (i = 0; i < (unsigned)n; i++)
        rx_fill(b, i);
    b->count = (unsigned)n;
    return n;
}

/* ---- send ---- */

/* The largest control data mc_cmsg_marshal writes: TCLASS, HOPLIMIT and
 * IPV6_PKTINFO (the IPv4 set is smaller). */
#define TX_CTL_MAX                                                             \
    (CMSG_SPACE(sizeof(int)) * 2 + CMSG_SPACE(sizeof(struct in6_pktinfo)))

/* One message's storage for sendmmsg. */
struct tx_slot {
    struct sockaddr_storage name;
    struct iovec iov;
    union {
        struct cmsghdr align;
        unsigned char b[TX_CTL_MAX];
    } ctl;
};

/* Fill h for m (packet number idx), or a negative errno. */
static int tx_prepare(int family, const struct mc_txmsg *m, unsigned idx,
                      struct msghdr *h, struct tx_slot *s, struct mc_err *err)
{
    char why[MC_ERR_MSG_MAX];
    struct mc_err e2;
    int n;

    if (m->data == NULL && m->len > 0)
        return mc_err_set(err, -EINVAL,
                          "packet %u has a length but no data: give it a "
                          "payload",
                          idx);
    if (m->dst.family != AF_INET && m->dst.family != AF_INET6)
        return mc_err_set(err, -EDESTADDRREQ,
                          "packet %u has no destination address: give it one",
                          idx);
    if (m->dst.family != family)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "packet %u goes to an %s address but the socket is "
                          "%s: send it from an %s socket",
                          idx, mc_family_name(m->dst.family),
                          mc_family_name(family),
                          mc_family_name(m->dst.family));
    memset(h, 0, sizeof *h);
    s->iov.iov_base = (void *)m->data;
    s->iov.iov_len = m->len;
    h->msg_name = &s->name;
    h->msg_namelen = mc_addr_to_sockaddr(
        &m->dst, m->port, family == AF_INET6 ? m->scope_id : 0, &s->name);
    h->msg_iov = &s->iov;
    h->msg_iovlen = 1;
    n = mc_cmsg_marshal(m->cm, family, s->ctl.b, sizeof s->ctl.b, &e2);
    if (n < 0) {
        snprintf(why, sizeof why, "%s", e2.msg);
        return mc_err_set(err, n, "packet %u: %s", idx, why);
    }
    if (n > 0) {
        h->msg_control = s->ctl.b;
        h->msg_controllen = (size_t)n;
    }
    return 0;
}

static int tx_refused(int fd, const struct mc_txmsg *m, unsigned idx, int e,
                      struct mc_err *err)
{
    char a[MC_ADDR_STRLEN];
    char s[MC_ADDR_STRLEN] = "";

    mc_addr_format(&m->dst, a, sizeof a);
    if (m->cm != NULL && (m->cm->have & MC_CM_SRC))
        mc_addr_format(&m->cm->src, s, sizeof s);
    /* A source that is not ours: IPv6 says EINVAL (RFC 3542 §6.1 check
     * in ip6_datagram_send_ctl), IPv4 ENETUNREACH (no route from it). */
    if (s[0] != '\0' &&
        (e == -EINVAL || e == -EADDRNOTAVAIL || e == -ENETUNREACH))
        return mc_err_set(err, e,
                          "the kernel refused packet %u to %s from source %s "
                          "(%s): use a source address of this host, with a "
                          "route to %s",
                          idx, a, s, mc_errno_name(e), a);
    switch (e) {
    case -EAGAIN:
        return mc_err_set(err, e,
                          "the send buffer is full: send again when poll() "
                          "reports the socket writable");
    case -EMSGSIZE:
        return mc_err_set(err, e,
                          "packet %u (%zu bytes) to %s is too large for the "
                          "path: send a smaller payload",
                          idx, m->len, a);
    case -ENETUNREACH:
    case -EHOSTUNREACH:
        return mc_err_set(err, e,
                          "no route to %s for packet %u: add a route, or name "
                          "the outgoing interface (dev IFACE)",
                          a, idx);
    case -ENODEV:
    case -ENXIO:
        return mc_err_set(err, e,
                          "the outgoing interface of packet %u does not "
                          "exist: choose one that `ip link` lists",
                          idx);
    case -EBADF:
    case -ENOTSOCK:
        return mc_err_set(err, e,
                          "descriptor %d is not an open socket: send from a "
                          "socket that mc_sock_open_udp opened",
                          fd);
    case -ECONNREFUSED:
        return mc_err_set(err, e,
                          "an earlier datagram to %s was refused (ICMP port "
                          "unreachable): nothing listens there",
                          a);
    case -EPERM:
    case -EACCES:
        return mc_err_set(err, e,
                          "sending packet %u to %s was not permitted (%s): a "
                          "firewall rule, or a broadcast address without "
                          "SO_BROADCAST",
                          idx, a, mc_errno_name(e));
    default:
        break;
    }
    return mc_err_set(err, e, "sending packet %u to %s failed: %s (%s)", idx, a,
                      mc_strerror(e), mc_errno_name(e));
}

static int tx_family(int fd, struct mc_err *err)
{
    int fam = mc_sock_family(fd);

    if (fam == -EBADF || fam == -ENOTSOCK)
        return mc_err_set(err, fam,
                          "descriptor %d is not an open socket: send from a "
                          "socket that mc_sock_open_udp opened",
                          fd);
    if (fam < 0)
        return mc_err_set(err, fam,
                          "descriptor %d is not an IPv4 or IPv6 socket: send "
                          "from one",
                          fd);
    return fam;
}

/*
 * The socket's own blocking mode decides whether a full send buffer
 * blocks; sockets from mc_sock_open_udp never block.  sendmmsg stops at
 * the first message that fails and returns the count before it, so after a
 * short count the loop tries again from there: either that message goes
 * now, or its error ends the batch (reported only when nothing was sent).
 */
int mc_send_batch(int fd, const struct mc_txmsg *msgs, unsigned n,
                  struct mc_err *err)
{
    struct mmsghdr *hdrs;
    struct tx_slot *slots;
    unsigned chunk, done = 0, k;
    int fam, rc = 0, sent;

    mc_err_clear(err);
    if (n == 0)
        return 0;
    if (msgs == NULL)
        return mc_err_set(err, -EINVAL, "no packets to send: give an array");
    if (n > INT_MAX)
        n = INT_MAX;
    fam = tx_family(fd, err);
    if (fam < 0)
        return fam;
    chunk = n < MC_MMSG_MAX ? n : MC_MMSG_MAX;
    hdrs = calloc(chunk, sizeof *hdrs);
    slots = calloc(chunk, sizeof *slots);
    if (hdrs == NULL || slots == NULL) {
        rc = mc_err_set(err, -ENOMEM,
                        "out of memory for a batch of %u: send fewer at once",
                        n);
        goto out;
    }
    while (done < n) {
        for (k = 0; k < chunk && done + k < n; k++) {
            rc = tx_prepare(fam, &msgs[done + k], done + k, &hdrs[k].msg_hdr,
                            &slots[k], err);
            if (rc < 0)
                break;
        }
        if (k == 0)
            break; /* the next packet is bad: rc and err say why */
        sent = sendmmsg(fd, hdrs, k, 0);
        if (sent < 0) {
            rc = -errno;
            if (rc == -EAGAIN || rc == -EWOULDBLOCK) {
                rc = 0; /* would block: report what went */
                break;
            }
            tx_refused(fd, &msgs[done], done, rc, err);
            break;
        }
        if (sent == 0)
            break;
        done += (unsigned)sent;
        rc = 0;
    }
out:
    free(hdrs);
    free(slots);
    if (done > 0) {
        mc_err_clear(err);
        return (int)done;
    }
    return rc;
}

int mc_send_one(int fd, const struct mc_txmsg *msg, struct mc_err *err)
{
    struct tx_slot slot;
    struct msghdr h;
    ssize_t n;
    int fam, rc;

    mc_err_clear(err);
    if (msg == NULL)
        return mc_err_set(err, -EINVAL, "no packet to send: give one");
    fam = tx_family(fd, err);
    if (fam < 0)
        return fam;
    rc = tx_prepare(fam, msg, 0, &h, &slot, err);
    if (rc < 0)
        return rc;
    n = sendmsg(fd, &h, 0);
    if (n < 0)
        return tx_refused(fd, msg, 0, -errno, err);
    return (int)n;
}
