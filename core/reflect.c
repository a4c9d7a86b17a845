/* mcscope core: the reflector and the round trips (see reflect.h). */
#include "mcscope/reflect.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mcscope/probe.h"

void mc_rtt_add(struct mc_rtt *r, int64_t ns)
{
    if (r->n == 0 || ns < r->min_ns)
        r->min_ns = ns;
    if (r->n == 0 || ns > r->max_ns)
        r->max_ns = ns;
    r->sum_ns += ns;
    r->n++;
}

int64_t mc_rtt_avg_ns(const struct mc_rtt *r)
{
    return r->n != 0 ? r->sum_ns / (int64_t)r->n : 0;
}

int mc_rtt_of_reply(const uint8_t *payload, size_t len, uint64_t sender_id,
                    int64_t rx_real_ns, int64_t *rtt_ns)
{
    struct mc_probe p;

    if (mc_probe_decode(payload, len, &p) != 0 || p.sender_id != sender_id ||
        p.send_ns > rx_real_ns)
        return -EINVAL;
    *rtt_ns = rx_real_ns - p.send_ns;
    return 0;
}

int mc_rtt_prepare(int fd)
{
    int on = 1;

    return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0
               ? -errno
               : 0;
}

/* The receive time of a datagram: SO_TIMESTAMPNS, else now. */
static int64_t rx_time(struct msghdr *mh)
{
    struct timespec ts;

    for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); cm != NULL;
         cm = CMSG_NXTHDR(mh, cm))
        if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_TIMESTAMPNS &&
            cm->cmsg_len >= CMSG_LEN(sizeof ts)) {
            memcpy(&ts, CMSG_DATA(cm), sizeof ts);
            return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
        }
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

size_t mc_rtt_read(int fd, uint64_t sender_id, struct mc_rtt *r)
{
    uint8_t buf[MC_PROBE_HDRLEN];
    union {
        struct cmsghdr align;
        uint8_t b[CMSG_SPACE(sizeof(struct timespec))];
    } ctl;
    size_t added = 0;

    for (;;) {
        struct iovec iov = {buf, sizeof buf};
        struct msghdr mh = {.msg_iov = &iov,
                            .msg_iovlen = 1,
                            .msg_control = ctl.b,
                            .msg_controllen = sizeof ctl.b};
        ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT);
        int64_t rtt;

        if (n < 0)
            return added;
        if (mc_rtt_of_reply(buf, (size_t)n, sender_id, rx_time(&mh), &rtt) ==
            0) {
            mc_rtt_add(r, rtt);
            added++;
        }
    }
}

struct mc_reflector {
    int fd4, fd6;
};

int mc_reflector_new(struct mc_reflector **out)
{
    struct mc_reflector *r = malloc(sizeof *r);

    if (r == NULL)
        return -ENOMEM;
    /* made now, in the caller's network namespace (the host that asked
     * reflect on), never later in whatever namespace dispatches */
    r->fd4 = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    r->fd6 = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (r->fd4 < 0 && r->fd6 < 0) {
        int e = -errno;

        free(r);
        return e;
    }
    *out = r;
    return 0;
}

void mc_reflector_free(struct mc_reflector *r)
{
    if (r == NULL)
        return;
    if (r->fd4 >= 0)
        close(r->fd4);
    if (r->fd6 >= 0)
        close(r->fd6);
    free(r);
}

int mc_reflect(struct mc_reflector *r, const struct mc_addr *src, uint16_t port,
               const uint8_t *payload, size_t len)
{
    int *fd = src->family == AF_INET6 ? &r->fd6 : &r->fd4;
    struct sockaddr_storage ss;
    socklen_t sl;

    if ((src->family != AF_INET && src->family != AF_INET6) || *fd < 0)
        return -EAFNOSUPPORT;
    sl = mc_addr_to_sockaddr(src, port, 0, &ss);
    if (sendto(*fd, payload, len, MSG_DONTWAIT, (struct sockaddr *)&ss, sl) < 0)
        return -errno;
    return 0;
}
