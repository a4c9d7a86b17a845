/*
 * mcscope core: the listener, a set of UDP sockets on one port that holds
 * any number of memberships: the IPv4 limit of igmp_max_memberships groups
 * per socket is met by opening another socket on the same port, so a user
 * never sees it.
 */
#include "member_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "mcscope/cmsg.h"
#include "mcscope/kstate.h"
#include "mcscope/sock.h"
#include "util.h"

/* One (group, interface) a socket holds. */
struct membership {
    struct mc_addr group;
    unsigned ifindex;  /* as the caller named it (0: by route) */
    unsigned included; /* sources in its include list (join-source) */
};

struct lsock {
    int fd;
    bool full; /* the kernel refused another group on it */
    struct membership *m;
    size_t n, cap;
};

struct mc_listener {
    int family;
    uint16_t port; /* the bound port (the kernel's pick when 0 was asked) */
    bool have_bind;
    struct mc_addr bind_addr;
    unsigned bind_ifindex;
    bool multicast_all;
    int rcvbuf;
    unsigned cm_flags;
    bool timestamps;
    unsigned per_socket; /* IPv4 group limit per socket; 0: none */
    struct lsock *s;
    size_t ns, cap;
};

/* Default of net.ipv4.igmp_max_memberships (igmp.c). */
#define IGMP_MAX_MEMBERSHIPS_DEFAULT 20

static unsigned ipv4_group_limit(void)
{
    long v;

    if (mc_sysctl_read_long("net.ipv4.igmp_max_memberships", &v) < 0)
        return IGMP_MAX_MEMBERSHIPS_DEFAULT;
    /* 0 lets no socket join; plan with 1 so that the kernel's ENOBUFS
     * (and its explanation) reaches the user instead of a loop. */
    if (v < 1)
        return 1;
    return v > 1000000 ? 1000000 : (unsigned)v;
}

/* The port the first socket was bound to. */
static int learn_port(struct mc_listener *l, int fd, struct mc_err *err)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    struct mc_addr a;

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0) {
        int e = errno;

        return mc_err_set(err, -e, "getsockname: %s", mc_strerror(e));
    }
    return mc_addr_from_sockaddr((struct sockaddr *)&ss, &a, &l->port);
}

static int configure_socket(const struct mc_listener *l, int fd,
                            struct mc_err *err)
{
    int rc;

    rc = mc_sock_set_multicast_all(fd, l->multicast_all, err);
    if (rc == 0 && l->rcvbuf > 0)
        rc = mc_sock_set_rcvbuf(fd, l->rcvbuf, err);
    if (rc == 0 && l->cm_flags != 0)
        rc = mc_cmsg_set_flags(fd, l->cm_flags, true, err);
    if (rc == 0 && l->timestamps)
        rc = mc_sock_set_rx_timestamps(fd, true, err);
    if (rc == 0 && l->timestamps)
        rc = mc_sock_set_rx_drops(fd, true, err);
    return rc;
}

/* Open, bind and configure one more socket; returns its index. */
static int open_socket(struct mc_listener *l, struct mc_err *err)
{
    struct lsock *grown;
    int fd, rc;

    grown = mc__grown(l->s, &l->cap, l->ns, sizeof *l->s);
    if (grown == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a socket");
    l->s = grown;
    fd = mc_sock_open_udp(l->family, err);
    if (fd < 0)
        return fd;
    rc = mc_sock_bind(fd, l->have_bind ? &l->bind_addr : NULL, l->port,
                      l->bind_ifindex, true, err);
    if (rc == 0 && l->ns == 0)
        rc = learn_port(l, fd, err);
    if (rc == 0)
        rc = configure_socket(l, fd, err);
    if (rc < 0) {
        close(fd);
        return rc;
    }
    memset(&l->s[l->ns], 0, sizeof l->s[l->ns]);
    l->s[l->ns].fd = fd;
    return (int)l->ns++;
}

int mc_listener_new(const struct mc_listener_opts *opts,
                    struct mc_listener **out, struct mc_err *err)
{
    struct mc_listener *l;
    int rc;

    mc_err_clear(err);
    if (out == NULL || opts == NULL)
        return mc_err_set(err, -EINVAL, "no listener options");
    *out = NULL;
    if (opts->family != AF_INET && opts->family != AF_INET6)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "a listener is IPv4 (AF_INET) or IPv6 (AF_INET6)");
    if (opts->bind_addr != NULL && opts->bind_addr->family != opts->family)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "the bind address is not %s like the listener",
                          mc_family_name(opts->family));
    l = calloc(1, sizeof *l);
    if (l == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a listener");
    l->family = opts->family;
    l->port = opts->port;
    l->have_bind = opts->bind_addr != NULL;
    if (l->have_bind)
        l->bind_addr = *opts->bind_addr;
    l->bind_ifindex = opts->bind_ifindex;
    l->multicast_all = opts->multicast_all;
    l->rcvbuf = opts->rcvbuf;
    l->cm_flags = opts->cm_flags;
    l->timestamps = opts->timestamps;
    l->per_socket = l->family == AF_INET ? ipv4_group_limit() : 0;
    /* The first socket is opened now, so that a bad port or address is
     * reported here, and kept while the listener lives. */
    rc = open_socket(l, err);
    if (rc < 0) {
        mc_listener_free(l);
        return rc;
    }
    *out = l;
    return 0;
}

void mc_listener_free(struct mc_listener *l)
{
    size_t i;

    if (l == NULL)
        return;
    for (i = 0; i < l->ns; i++) {
        close(l->s[i].fd);
        free(l->s[i].m);
    }
    free(l->s);
    free(l);
}

/* The socket and entry holding (group, ifindex).  ifindex 0 falls back to
 * the group on any interface, as the kernel does for IPv6. */
static bool find_membership(const struct mc_listener *l, unsigned ifindex,
                            const struct mc_addr *group, size_t *si, size_t *mi)
{
    size_t i, j;
    int pass;

    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < l->ns; i++) {
            for (j = 0; j < l->s[i].n; j++) {
                const struct membership *m = &l->s[i].m[j];

                if (!mc_addr_equal(&m->group, group))
                    continue;
                if (pass == 0 && m->ifindex != ifindex)
                    continue;
                *si = i;
                *mi = j;
                return true;
            }
        }
        if (ifindex != 0)
            break;
    }
    return false;
}

static int add_membership(struct mc_listener *l, size_t si, unsigned ifindex,
                          const struct mc_addr *group, unsigned included,
                          struct mc_err *err)
{
    struct lsock *s = &l->s[si];
    struct membership *grown = mc__grown(s->m, &s->cap, s->n, sizeof *s->m);

    if (grown == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a membership");
    s->m = grown;
    s->m[s->n].group = *group;
    s->m[s->n].ifindex = ifindex;
    s->m[s->n].included = included;
    s->n++;
    return 0;
}

/* Close socket si when it holds nothing, unless it is the first. */
static void drop_if_empty(struct mc_listener *l, size_t si)
{
    if (si == 0 || si >= l->ns || l->s[si].n != 0)
        return;
    close(l->s[si].fd);
    free(l->s[si].m);
    memmove(&l->s[si], &l->s[si + 1], (l->ns - si - 1) * sizeof l->s[0]);
    l->ns--;
}

static void remove_membership(struct mc_listener *l, size_t si, size_t mi)
{
    struct lsock *s = &l->s[si];

    s->m[mi] = s->m[s->n - 1];
    s->n--;
    s->full = false;
    drop_if_empty(l, si);
}

/* A socket with room for one more group, opened when all are full. */
static int socket_with_room(struct mc_listener *l, struct mc_err *err)
{
    size_t i;

    for (i = 0; i < l->ns; i++) {
        if (l->s[i].full)
            continue;
        if (l->per_socket == 0 || l->s[i].n < l->per_socket)
            return (int)i;
    }
    return open_socket(l, err);
}

/* The kernel's answer when a socket holds as many groups as it may:
 * ENOBUFS (IPv4 igmp_max_memberships, or sock_kmalloc in igmp.c), ENOMEM
 * (IPv6: sock_kmalloc against optmem_max in mcast.c). */
static bool is_socket_full(int rc)
{
    return rc == -ENOBUFS || rc == -ENOMEM;
}

/* join / join-source of a (group, ifindex) no socket holds yet. */
/* The one membership call: forced or not (mc_member_apply_forced). */
typedef int member_fn(int fd, enum mc_member_op op, unsigned ifindex,
                      const struct mc_addr *group, const struct mc_addr *source,
                      struct mc_err *err);

static int join_new(struct mc_listener *l, member_fn *apply,
                    enum mc_member_op op, unsigned ifindex,
                    const struct mc_addr *group, const struct mc_addr *source,
                    struct mc_err *err)
{
    struct mc_err open_err;
    int si, rc, retry;

    si = socket_with_room(l, err);
    if (si < 0)
        return si;
    rc = apply(l->s[si].fd, op, ifindex, group, source, err);
    if (is_socket_full(rc)) {
        /* The limit changed since we read it, or optmem ran out: once
         * more on a fresh socket. */
        l->s[si].full = true;
        retry = open_socket(l, &open_err);
        if (retry < 0)
            return rc;
        si = retry;
        rc = apply(l->s[si].fd, op, ifindex, group, source, err);
    }
    if (rc < 0) {
        drop_if_empty(l, (size_t)si);
        return rc;
    }
    return add_membership(l, (size_t)si, ifindex, group,
                          op == MC_OP_JOIN_SOURCE ? 1 : 0, err);
}

/* An operation on a (group, ifindex) that socket si holds as entry mi. */
static int apply_held(struct mc_listener *l, member_fn *apply, size_t si,
                      size_t mi, enum mc_member_op op, unsigned ifindex,
                      const struct mc_addr *group, const struct mc_addr *source,
                      struct mc_err *err)
{
    struct membership *m = &l->s[si].m[mi];
    int rc;

    rc = apply(l->s[si].fd, op, ifindex, group, source, err);
    if (rc < 0)
        return rc;
    switch (op) {
    case MC_OP_LEAVE:
        remove_membership(l, si, mi);
        break;
    case MC_OP_JOIN_SOURCE:
        m->included++;
        break;
    case MC_OP_LEAVE_SOURCE:
        /* Leaving the last include source leaves the group (igmp.c
         * ip_mc_source, mcast.c ip6_mc_source: "leavegroup"). */
        if (m->included > 0)
            m->included--;
        if (m->included == 0)
            remove_membership(l, si, mi);
        break;
    default:
        break;
    }
    return 0;
}

static int listener_apply(struct mc_listener *l, member_fn *apply,
                          enum mc_member_op op, unsigned ifindex,
                          const struct mc_addr *group,
                          const struct mc_addr *source, struct mc_err *err)
{
    size_t si, mi;

    mc_err_clear(err);
    if (l == NULL)
        return mc_err_set(err, -EINVAL, "no listener");
    if (addr_set(group) && find_membership(l, ifindex, group, &si, &mi))
        return apply_held(l, apply, si, mi, op, ifindex, group, source, err);
    if (op == MC_OP_JOIN || op == MC_OP_JOIN_SOURCE)
        return join_new(l, apply, op, ifindex, group, source, err);
    /* Not held: let the kernel refuse it on the first socket, with the
     * text that goes with its errno. */
    return apply(l->s[0].fd, op, ifindex, group, source, err);
}

int mc_listener_apply(struct mc_listener *l, enum mc_member_op op,
                      unsigned ifindex, const struct mc_addr *group,
                      const struct mc_addr *source, struct mc_err *err)
{
    return listener_apply(l, mc_member_apply, op, ifindex, group, source, err);
}

int mc_listener_apply_forced(struct mc_listener *l, enum mc_member_op op,
                             unsigned ifindex, const struct mc_addr *group,
                             const struct mc_addr *source, struct mc_err *err)
{
    return listener_apply(l, mc_member_apply_forced, op, ifindex, group, source,
                          err);
}

int mc_listener_filter(const struct mc_listener *l, unsigned ifindex,
                       const struct mc_addr *group, struct mc_filter *out,
                       struct mc_err *err)
{
    size_t si = 0, mi;

    mc_err_clear(err);
    if (l == NULL)
        return mc_err_set(err, -EINVAL, "no listener");
    if (addr_set(group))
        find_membership(l, ifindex, group, &si, &mi);
    return mc_filter_get(l->s[si].fd, ifindex, group, out, err);
}

int mc_listener_set_cm_flags(struct mc_listener *l, unsigned flags, bool on,
                             struct mc_err *err)
{
    size_t i;
    int rc;

    mc_err_clear(err);
    if (l == NULL)
        return mc_err_set(err, -EINVAL, "no listener");
    for (i = 0; i < l->ns; i++) {
        rc = mc_cmsg_set_flags(l->s[i].fd, flags, on, err);
        if (rc < 0)
            return rc;
    }
    if (on)
        l->cm_flags |= flags;
    else
        l->cm_flags &= ~flags;
    return 0;
}

int mc_listener_set_multicast_all(struct mc_listener *l, bool on,
                                  struct mc_err *err)
{
    size_t i;
    int rc;

    mc_err_clear(err);
    if (l == NULL)
        return mc_err_set(err, -EINVAL, "no listener");
    for (i = 0; i < l->ns; i++) {
        rc = mc_sock_set_multicast_all(l->s[i].fd, on, err);
        if (rc < 0)
            return rc;
    }
    l->multicast_all = on;
    return 0;
}

size_t mc_listener_nsockets(const struct mc_listener *l)
{
    return l != NULL ? l->ns : 0;
}

int mc_listener_fd(const struct mc_listener *l, size_t i)
{
    if (l == NULL || i >= l->ns)
        return -EINVAL;
    return l->s[i].fd;
}

size_t mc_listener_ngroups(const struct mc_listener *l)
{
    size_t i, n = 0;

    if (l == NULL)
        return 0;
    for (i = 0; i < l->ns; i++)
        n += l->s[i].n;
    return n;
}

int mc_listener_family(const struct mc_listener *l)
{
    return l != NULL ? l->family : 0;
}

uint16_t mc_listener_port(const struct mc_listener *l)
{
    return l != NULL ? l->port : 0;
}

unsigned mc_listener_groups_per_socket(const struct mc_listener *l)
{
    return l != NULL ? l->per_socket : 0;
}
