/* mcscope core: unicast TCP over IPv6 (see tcp.h). */
#include "mcscope/tcp.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IPV6_2292PKTOPTIONS
#define IPV6_2292PKTOPTIONS 6
#endif

struct conn {
    struct mc_tcp_conn c;
    int fd; /* -1 when closed */
    bool connecting;
};

struct lsn {
    int fd; /* -1: a free slot */
    uint16_t port;
    int tclass, hoplimit;
};

struct mc_tcp {
    struct lsn ls[MC_TCP_MAX_LISTENERS];
    struct conn cs[MC_TCP_MAX_CONNS];
    size_t ncs;
};

const char *mc_tcp_news_name(enum mc_tcp_news n)
{
    static const char *const names[] = {"accepted", "connected", "data",
                                        "closed"};

    return (unsigned)n < sizeof names / sizeof names[0] ? names[n] : "?";
}

int mc_tcp_new(struct mc_tcp **out)
{
    struct mc_tcp *t = calloc(1, sizeof *t);

    if (t == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < MC_TCP_MAX_LISTENERS; i++)
        t->ls[i].fd = -1;
    *out = t;
    return 0;
}

void mc_tcp_free(struct mc_tcp *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < MC_TCP_MAX_LISTENERS; i++)
        if (t->ls[i].fd >= 0)
            close(t->ls[i].fd);
    for (size_t i = 0; i < t->ncs; i++)
        if (t->cs[i].fd >= 0)
            close(t->cs[i].fd);
    free(t);
}

static int set_int(int fd, int level, int name, int v)
{
    return setsockopt(fd, level, name, &v, sizeof v) < 0 ? -errno : 0;
}

int mc_tcp_listen(struct mc_tcp *t, uint16_t port, int tclass, int hoplimit,
                  struct mc_err *err)
{
    struct sockaddr_in6 sa = {.sin6_family = AF_INET6,
                              .sin6_port = htons(port),
                              .sin6_addr = IN6ADDR_ANY_INIT};
    struct lsn *slot = NULL;
    int fd, r;

    for (size_t i = 0; i < MC_TCP_MAX_LISTENERS; i++)
        if (t->ls[i].fd >= 0 && t->ls[i].port == port) {
            close(t->ls[i].fd); /* replaced */
            t->ls[i].fd = -1;
        }
    for (size_t i = 0; i < MC_TCP_MAX_LISTENERS && slot == NULL; i++)
        if (t->ls[i].fd < 0)
            slot = &t->ls[i];
    if (slot == NULL)
        return mc_err_set(err, -ENOSPC,
                          "tcp-listen: %d ports listen already, the most "
                          "there can be",
                          MC_TCP_MAX_LISTENERS);
    fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return mc_err_set(err, -errno, "tcp-listen: socket: %s",
                          strerror(errno));
    r = set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1);
    if (r == 0)
        r = set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
    if (r == 0 && bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
        r = -errno;
    if (r == 0 && listen(fd, 8) < 0)
        r = -errno;
    if (r < 0) {
        close(fd);
        return mc_err_set(
            err, r, "tcp-listen port %u: %s%s", (unsigned)port, strerror(-r),
            r == -EADDRINUSE ? ": another socket listens there: pick "
                               "another port"
                             : "");
    }
    *slot = (struct lsn){fd, port, tclass, hoplimit};
    return 0;
}

/* A new connection record: the oldest closed one makes room. */
static struct conn *new_conn(struct mc_tcp *t)
{
    if (t->ncs == MC_TCP_MAX_CONNS) {
        size_t k = 0;

        while (k < t->ncs && t->cs[k].fd >= 0)
            k++;
        if (k == t->ncs)
            return NULL;
        memmove(&t->cs[k], &t->cs[k + 1], (t->ncs - k - 1) * sizeof t->cs[0]);
        t->ncs--;
    }
    memset(&t->cs[t->ncs], 0, sizeof t->cs[0]);
    t->cs[t->ncs].fd = -1;
    t->cs[t->ncs].c.tclass = t->cs[t->ncs].c.hoplimit = -1;
    return &t->cs[t->ncs++];
}

int mc_tcp_connect(struct mc_tcp *t, const struct mc_addr *addr, uint16_t port,
                   struct mc_err *err)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    struct conn *c;
    int fd, r;

    if (addr->family != AF_INET6)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "tcp-connect: IPv6 only: give an IPv6 address");
    c = new_conn(t);
    if (c == NULL)
        return mc_err_set(err, -ENOSPC,
                          "tcp-connect: %d connections are open, the most "
                          "there can be",
                          MC_TCP_MAX_CONNS);
    t->ncs--; /* kept only when it starts */
    fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return mc_err_set(err, -errno, "tcp-connect: socket: %s",
                          strerror(errno));
    r = set_int(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, 1);
    if (r == 0)
        r = set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
    sl = mc_addr_to_sockaddr(addr, port, 0, &ss);
    if (r == 0 && connect(fd, (struct sockaddr *)&ss, sl) < 0 &&
        errno != EINPROGRESS)
        r = -errno;
    if (r < 0) {
        close(fd);
        return mc_err_set(err, r, "tcp-connect port %u: %s", (unsigned)port,
                          strerror(-r));
    }
    t->ncs++;
    c->fd = fd;
    c->connecting = true;
    c->c.peer = *addr;
    c->c.port = port;
    c->c.open = true;
    return 0;
}

void mc_tcp_pktoptions(const void *buf, size_t len, int *hoplimit, int *tclass)
{
    struct msghdr mh = {.msg_control = (void *)buf, .msg_controllen = len};

    *hoplimit = *tclass = -1;
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm != NULL;
         cm = CMSG_NXTHDR(&mh, cm)) {
        size_t at = (size_t)((const uint8_t *)cm - (const uint8_t *)buf);
        int v;

        if (cm->cmsg_len > len - at)
            break; /* cut short */
        if (cm->cmsg_level != IPPROTO_IPV6 || cm->cmsg_len < CMSG_LEN(sizeof v))
            continue;
        memcpy(&v, CMSG_DATA(cm), sizeof v);
        if (cm->cmsg_type == IPV6_HOPLIMIT)
            *hoplimit = v;
        else if (cm->cmsg_type == IPV6_TCLASS)
            *tclass = v;
    }
}

static void end_conn(struct conn *c, int error)
{
    close(c->fd);
    c->fd = -1;
    c->c.open = false;
    c->c.error = error;
}

/* Accept on listener l: set its options, write the line, close. */
static bool accept_one(struct mc_tcp *t, const struct lsn *l,
                       mc_tcp_news_fn *fn, void *arg)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char line[160], tc[16], hl[16];
    struct conn *c;
    ssize_t n;
    int fd = accept4(l->fd, (struct sockaddr *)&ss, &sl, SOCK_CLOEXEC);

    if (fd < 0)
        return false;
    c = new_conn(t);
    if (c == NULL) {
        close(fd);
        return false;
    }
    c->fd = fd;
    c->c.accepted = true;
    c->c.port = l->port;
    c->c.open = true;
    mc_addr_from_sockaddr((struct sockaddr *)&ss, &c->c.peer, NULL);
    /* the seed: ipv6.NewConn(c).SetTrafficClass(0x28), SetHopLimit */
    if (l->tclass >= 0 &&
        set_int(fd, IPPROTO_IPV6, IPV6_TCLASS, l->tclass) == 0)
        c->c.tclass = l->tclass;
    if (l->hoplimit >= 0 &&
        set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, l->hoplimit) == 0)
        c->c.hoplimit = l->hoplimit;
    snprintf(tc, sizeof tc, l->tclass >= 0 ? "0x%02x" : "default", l->tclass);
    snprintf(hl, sizeof hl, l->hoplimit >= 0 ? "%d" : "default", l->hoplimit);
    snprintf(line, sizeof line,
             "mcscope tcp-listen port %u: traffic class %s, hop limit %s\n",
             (unsigned)l->port, tc, hl);
    n = send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0)
        c->c.bytes_out = (uint64_t)n;
    end_conn(c, n < 0 ? -errno : 0); /* the seed's defer c.Close() */
    if (fn != NULL)
        fn(arg, MC_TCP_ACCEPTED, &c->c, c->c.bytes_out);
    return true;
}

static void read_conn(struct conn *c, mc_tcp_news_fn *fn, void *arg)
{
    uint8_t buf[4096], opt[256];
    uint64_t got = 0;
    ssize_t n;

    if (c->connecting) {
        struct pollfd p = {.fd = c->fd, .events = POLLOUT};
        int e = 0;
        socklen_t el = sizeof e;

        if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e != 0) {
            end_conn(c, -e);
            if (fn != NULL)
                fn(arg, MC_TCP_CLOSED, &c->c, 0);
            return;
        }
        if (poll(&p, 1, 0) <= 0)
            return; /* still connecting */
        c->connecting = false;
        if (fn != NULL)
            fn(arg, MC_TCP_CONNECTED, &c->c, 0);
    }
    while ((n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
        got += (uint64_t)n;
    if (got > 0) {
        socklen_t ol = sizeof opt;

        c->c.bytes_in += got;
        if (getsockopt(c->fd, IPPROTO_IPV6, IPV6_2292PKTOPTIONS, opt, &ol) == 0)
            mc_tcp_pktoptions(opt, ol, &c->c.hoplimit, &c->c.tclass);
        if (fn != NULL)
            fn(arg, MC_TCP_DATA, &c->c, got);
    }
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        end_conn(c, n == 0 ? 0 : -errno);
        if (fn != NULL)
            fn(arg, MC_TCP_CLOSED, &c->c, 0);
    }
}

void mc_tcp_step(struct mc_tcp *t, mc_tcp_news_fn *fn, void *arg)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < MC_TCP_MAX_LISTENERS; i++)
        if (t->ls[i].fd >= 0)
            while (accept_one(t, &t->ls[i], fn, arg))
                ;
    for (size_t i = 0; i < t->ncs; i++)
        if (t->cs[i].fd >= 0 && !t->cs[i].c.accepted)
            read_conn(&t->cs[i], fn, arg);
}

bool mc_tcp_active(const struct mc_tcp *t)
{
    if (t == NULL)
        return false;
    for (size_t i = 0; i < MC_TCP_MAX_LISTENERS; i++)
        if (t->ls[i].fd >= 0)
            return true;
    for (size_t i = 0; i < t->ncs; i++)
        if (t->cs[i].fd >= 0)
            return true;
    return false;
}

size_t mc_tcp_nconns(const struct mc_tcp *t)
{
    return t != NULL ? t->ncs : 0;
}

int mc_tcp_conn(const struct mc_tcp *t, size_t i, struct mc_tcp_conn *out)
{
    if (t == NULL || i >= t->ncs)
        return -ENOENT;
    *out = t->cs[i].c;
    return 0;
}
