/*
 * mcscope core: the UDP sockets of this network namespace from the
 * kernel's sock_diag (NETLINK_SOCK_DIAG, net/ipv4/udp_diag.c) — what
 * /proc/net/udp{,6} shows, in one dump per family.  /proc walks its table
 * again from the first socket for every page read, so that reading it is
 * quadratic in the sockets of one port (10,000 sockets of mcscope's on
 * one port: about 170 ms a read); the dump resumes where it stopped.
 * The fields are the ones /proc prints: the queues are udp_rqueue_get and
 * sk_wmem_alloc_get in both, the drops SK_MEMINFO_DROPS (sk_drops).
 */
#include "mcscope/apps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define DIAG_BUF (64 * 1024)

static int diag_request(int fd, int family)
{
    struct {
        struct nlmsghdr nlh;
        struct inet_diag_req_v2 r;
    } q;
    struct sockaddr_nl nl = {.nl_family = AF_NETLINK};

    memset(&q, 0, sizeof q);
    q.nlh.nlmsg_len = sizeof q;
    q.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    q.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    q.nlh.nlmsg_seq = 1;
    q.r.sdiag_family = (uint8_t)family;
    q.r.sdiag_protocol = IPPROTO_UDP;
    q.r.idiag_states = ~0u; /* bound (CLOSE) and connected alike */
    q.r.idiag_ext = 1u << (INET_DIAG_SKMEMINFO - 1);
    if (sendto(fd, &q, sizeof q, 0, (struct sockaddr *)&nl, sizeof nl) < 0)
        return -errno;
    return 0;
}

/* One inet_diag_msg (len bytes with its attributes) into s. */
static void diag_sock(const struct inet_diag_msg *d, size_t len,
                      struct mc_udp_sock *s)
{
    size_t alen = d->idiag_family == AF_INET6 ? 16 : 4;
    const struct rtattr *a = (const struct rtattr *)(d + 1);
    int left = len > sizeof *d ? (int)(len - sizeof *d) : 0;

    memset(s, 0, sizeof *s);
    s->family = d->idiag_family;
    s->local.family = s->remote.family = d->idiag_family;
    memcpy(&s->local.u, d->id.idiag_src, alen);
    memcpy(&s->remote.u, d->id.idiag_dst, alen);
    s->lport = ntohs(d->id.idiag_sport);
    s->rport = ntohs(d->id.idiag_dport);
    s->state = d->idiag_state;
    s->tx_queue = d->idiag_wqueue;
    s->rx_queue = d->idiag_rqueue;
    s->uid = d->idiag_uid;
    s->inode = d->idiag_inode;
    for (; RTA_OK(a, left); a = RTA_NEXT(a, left)) {
        const uint32_t *mem = RTA_DATA(a);

        if (a->rta_type == INET_DIAG_SKMEMINFO &&
            RTA_PAYLOAD(a) >= (int)((SK_MEMINFO_DROPS + 1) * sizeof *mem))
            s->drops = mem[SK_MEMINFO_DROPS];
    }
}

/* Read the dump's answers; cb gets each socket.  0 or a negative errno. */
static int diag_answers(int fd, int family,
                        int (*cb)(void *arg, const struct mc_udp_sock *s),
                        void *arg)
{
    char *buf = malloc(DIAG_BUF);
    int rc = 0;

    if (buf == NULL)
        return -ENOMEM;
    for (;;) {
        ssize_t got = recv(fd, buf, DIAG_BUF, 0);
        const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
        size_t left; /* size_t: NLMSG_OK compares it with a __u32 */

        if (got < 0) {
            rc = errno == EINTR ? 0 : -errno;
            if (rc < 0)
                break;
            continue;
        }
        left = (size_t)got;
        for (; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
            struct mc_udp_sock s;

            if (h->nlmsg_type == NLMSG_DONE)
                goto out;
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(h);

                rc = e->error < 0 ? e->error : -EIO;
                goto out;
            }
            if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
                h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
                continue;
            diag_sock(NLMSG_DATA(h), h->nlmsg_len - NLMSG_LENGTH(0), &s);
            if (s.family != family)
                continue;
            rc = cb(arg, &s);
            if (rc < 0)
                goto out;
        }
        if (got == 0) {
            rc = -EIO;
            break;
        }
    }
out:
    free(buf);
    return rc;
}

int mc_udp_diag_read(int family,
                     int (*cb)(void *arg, const struct mc_udp_sock *s),
                     void *arg)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    int rc;

    if (fd < 0)
        return -errno;
    rc = diag_request(fd, family);
    if (rc == 0)
        rc = diag_answers(fd, family, cb, arg);
    close(fd);
    return rc;
}
