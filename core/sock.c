/*
 * mcscope core: sockets and their options, the C form of x/net/ipv6's
 * Conn/PacketConn options and their x/net/ipv4 siblings.
 *
 * This file opens UDP sockets and binds them; the options are in
 * sock_options.c, sock_mif.c and sock_raw.c (see sock_priv.h).
 */
#include "sock_priv.h"

#include <errno.h>
#include <unistd.h>

#include "util.h"

/* ---- opening, binding ---- */

static const struct mc__sock_opt opt_v6only = {
    IPPROTO_IPV6, IPV6_V6ONLY, "IPv6-only mode", "IPV6_V6ONLY", false};

int mc_sock_open_udp(int family, struct mc_err *err)
{
    int fd, rc;

    mc_err_clear(err);
    if (family != AF_INET && family != AF_INET6)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "address family %d is neither IPv4 (AF_INET) nor "
                          "IPv6 (AF_INET6): open one of those",
                          family);
    fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
    if (fd < 0) {
        rc = -errno;
        if (rc == -EAFNOSUPPORT)
            return mc_err_set(err, rc,
                              "%s is not available in this kernel or "
                              "network namespace: enable it or use the "
                              "other family",
                              mc_family_name(family));
        if (rc == -EMFILE || rc == -ENFILE)
            return mc_err_set(err, rc,
                              "too many open files for a new UDP socket: "
                              "close some or raise the limit (ulimit -n)");
        return mc_err_set(err, rc, "cannot open a UDP/%s socket: %s (%s)",
                          mc_family_name(family), mc_strerror(rc),
                          mc_errno_name(rc));
    }
    if (family == AF_INET6) {
        rc = mc__sock_set_int(fd, family, &opt_v6only, 1, err);
        if (rc < 0)
            goto fail;
    }
    /* Off by default: otherwise the socket receives every group that
     * anyone on the host joined (ip(7) IP_MULTICAST_ALL). */
    rc = mc_sock_set_multicast_all(fd, false, err);
    if (rc < 0)
        goto fail;
    return fd;
fail:
    close(fd);
    return rc;
}

/*
 * Only SO_REUSEADDR, which is all UDP needs for several sockets to share a
 * port: each gets its own copy of a multicast (udp(7), "multicasts and
 * broadcasts go to each listener").  SO_REUSEPORT is left off on purpose:
 * with it, IPv4 early demux picks one socket of the reuseport group by a
 * flow hash and hands it the packet whatever that socket joined, its source
 * filter or IP_MULTICAST_ALL say (seen on Linux 6.18; udp_early_demux=0
 * restores correct delivery), so packets land on sockets that never asked
 * for them.
 */
int mc_sock_set_reuse(int fd, bool on, struct mc_err *err)
{
    static const struct mc__sock_opt addr = {
        SOL_SOCKET, SO_REUSEADDR, "address reuse", "SO_REUSEADDR", false};
    int fam;

    mc_err_clear(err);
    fam = mc__sock_family_of(fd, err);
    if (fam < 0)
        return fam;
    return mc__sock_set_int(fd, fam, &addr, on, err);
}

/* An IPv6 address that is ambiguous without an interface: link-local
 * unicast, interface-local and link-local multicast (RFC 4007 §6). */
static bool v6_needs_scope(const struct in6_addr *a)
{
    return IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_MC_NODELOCAL(a) ||
           IN6_IS_ADDR_MC_LINKLOCAL(a);
}

static uint16_t bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    struct mc_addr a;
    uint16_t port = 0;

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return 0;
    if (mc_addr_from_sockaddr((struct sockaddr *)&ss, &a, &port) < 0)
        return 0;
    return port;
}

static int bind_refused(int fd, const struct mc_addr *a, uint16_t port,
                        unsigned ifindex, int e, struct mc_err *err)
{
    char ab[MC_ADDR_STRLEN];
    uint16_t now;

    mc_addr_format(a, ab, sizeof ab);
    switch (e) {
    case -EADDRINUSE:
        return mc_err_set(err, e,
                          "port %u on %s is already in use: set reuse "
                          "(SO_REUSEADDR) on every listener, or choose "
                          "another port",
                          port, ab);
    case -EADDRNOTAVAIL:
        return mc_err_set(err, e,
                          "%s is not an address of this host: bind the "
                          "wildcard, a local address or a multicast group",
                          ab);
    case -EACCES:
        return mc_err_set(err, e,
                          "port %u is privileged: use a port from 1024 up, "
                          "or grant CAP_NET_BIND_SERVICE",
                          port);
    case -ENODEV:
        return mc_err_set(err, e,
                          "interface index %u does not exist in this network "
                          "namespace: choose one that `ip link` lists",
                          ifindex);
    case -EINVAL:
        now = bound_port(fd);
        if (now != 0)
            return mc_err_set(err, e,
                              "the socket is already bound (port %u): open "
                              "a new socket to bind %s port %u",
                              now, ab, port);
        break;
    default:
        break;
    }
    return mc_err_set(err, e, "cannot bind %s port %u: %s (%s)", ab, port,
                      mc_strerror(e), mc_errno_name(e));
}

int mc_sock_bind(int fd, const struct mc_addr *addr, uint16_t port,
                 unsigned ifindex, bool reuse, struct mc_err *err)
{
    struct sockaddr_storage ss;
    struct mc_addr a;
    char ab[MC_ADDR_STRLEN];
    socklen_t len;
    int fam, rc;

    mc_err_clear(err);
    fam = mc__sock_family_of(fd, err);
    if (fam < 0)
        return fam;
    if (addr == NULL)
        mc_addr_any(fam, &a);
    else
        a = *addr;
    if (a.family != fam)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "cannot bind an %s socket to an %s address: use "
                          "an address of the socket's family",
                          mc_family_name(fam), mc_family_name(a.family));
    if (fam == AF_INET6 && ifindex == 0 && v6_needs_scope(&a.u.v6)) {
        mc_addr_format(&a, ab, sizeof ab);
        return mc_err_set(err, -EINVAL,
                          "%s is link-local: binding it needs an interface "
                          "(%s%%IFACE)",
                          ab, ab);
    }
    if (reuse) {
        rc = mc_sock_set_reuse(fd, true, err);
        if (rc < 0)
            return rc;
    }
    len = mc_addr_to_sockaddr(&a, port, fam == AF_INET6 ? ifindex : 0, &ss);
    if (bind(fd, (struct sockaddr *)&ss, len) < 0)
        return bind_refused(fd, &a, port, ifindex, -errno, err);
    return 0;
}
