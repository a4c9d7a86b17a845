/*
 * mcscope core: the IP-level options of a socket: traffic class / TOS,
 * hop limits, multicast loopback, multicast-all, path MTU, receive buffer,
 * receive timestamps and the drop counter.
 */
#include "sock_priv.h"

#include <errno.h>

/* ---- traffic class / TOS and hop limits ---- */

static const struct mc__sock_opt opt_tos = {IPPROTO_IP, IP_TOS, "TOS", "IP_TOS",
                                            false};
static const struct mc__sock_opt opt_tclass = {
    IPPROTO_IPV6, IPV6_TCLASS, "traffic class", "IPV6_TCLASS", false};

int mc_sock_set_tclass(int fd, int tclass, struct mc_err *err)
{
    int fam;

    mc_err_clear(err);
    fam = mc__sock_family_of(fd, err);
    if (fam < 0)
        return fam;
    /* ipv6(7) and RFC 3542 §6.5: -1 is the default, 0. */
    if (tclass < (fam == AF_INET6 ? -1 : 0) || tclass > 255)
        return mc_err_set(err, -EINVAL,
                          "%s %d is out of range: use 0..255 (0x00..0xff)",
                          fam == AF_INET6 ? "traffic class" : "TOS", tclass);
    return mc__sock_set_int(fd, fam, mc__sock_pick(fam, &opt_tos, &opt_tclass),
                            tclass, err);
}

int mc_sock_get_tclass(int fd, int *tclass, struct mc_err *err)
{
    return mc__sock_get_pair(fd, &opt_tos, &opt_tclass, tclass, err);
}

static const struct mc__sock_opt opt_ttl = {IPPROTO_IP, IP_TTL, "TTL", "IP_TTL",
                                            false};
static const struct mc__sock_opt opt_hops = {
    IPPROTO_IPV6, IPV6_UNICAST_HOPS, "hop limit", "IPV6_UNICAST_HOPS", false};

int mc_sock_set_hoplimit(int fd, int hops, struct mc_err *err)
{
    int fam;

    mc_err_clear(err);
    fam = mc__sock_family_of(fd, err);
    if (fam < 0)
        return fam;
    if (fam == AF_INET && (hops < 1 || hops > 255))
        return mc_err_set(err, -EINVAL, "TTL %d is out of range: use 1..255",
                          hops);
    if (fam == AF_INET6 && (hops < -1 || hops > 255))
        return mc_err_set(err, -EINVAL,
                          "hop limit %d is out of range: use 0..255, or -1 "
                          "for the route's default",
                          hops);
    return mc__sock_set_int(fd, fam, mc__sock_pick(fam, &opt_ttl, &opt_hops),
                            hops, err);
}

int mc_sock_get_hoplimit(int fd, int *hops, struct mc_err *err)
{
    return mc__sock_get_pair(fd, &opt_ttl, &opt_hops, hops, err);
}

static const struct mc__sock_opt opt_mttl = {
    IPPROTO_IP, IP_MULTICAST_TTL, "multicast TTL", "IP_MULTICAST_TTL", true};
static const struct mc__sock_opt opt_mhops = {IPPROTO_IPV6, IPV6_MULTICAST_HOPS,
                                              "multicast hop limit",
                                              "IPV6_MULTICAST_HOPS", true};

int mc_sock_set_mcast_hoplimit(int fd, int hops, struct mc_err *err)
{
    int fam;

    mc_err_clear(err);
    fam = mc__sock_family_of(fd, err);
    if (fam < 0)
        return fam;
    if (hops < -1 || hops > 255)
        return mc_err_set(
            err, -EINVAL,
            "%s %d is out of range: use 0..255, or -1 to reset "
            "it to 1",
            fam == AF_INET6 ? "multicast hop limit" : "multicast TTL", hops);
    return mc__sock_set_int(fd, fam, mc__sock_pick(fam, &opt_mttl, &opt_mhops),
                            hops, err);
}

int mc_sock_get_mcast_hoplimit(int fd, int *hops, struct mc_err *err)
{
    return mc__sock_get_pair(fd, &opt_mttl, &opt_mhops, hops, err);
}

/* ---- loopback, multicast-all ---- */

static const struct mc__sock_opt opt_loop4 = {IPPROTO_IP, IP_MULTICAST_LOOP,
                                              "multicast loopback",
                                              "IP_MULTICAST_LOOP", true};
static const struct mc__sock_opt opt_loop6 = {IPPROTO_IPV6, IPV6_MULTICAST_LOOP,
                                              "multicast loopback",
                                              "IPV6_MULTICAST_LOOP", true};

int mc_sock_set_mcast_loop(int fd, bool on, struct mc_err *err)
{
    return mc__sock_set_pair(fd, &opt_loop4, &opt_loop6, on ? 1 : 0, err);
}

int mc_sock_get_mcast_loop(int fd, bool *on, struct mc_err *err)
{
    return mc__sock_get_bool(fd, &opt_loop4, &opt_loop6, on, err);
}

static const struct mc__sock_opt opt_all4 = {
    IPPROTO_IP, IP_MULTICAST_ALL, "multicast-all", "IP_MULTICAST_ALL", false};
static const struct mc__sock_opt opt_all6 = {IPPROTO_IPV6, IPV6_MULTICAST_ALL,
                                             "multicast-all",
                                             "IPV6_MULTICAST_ALL", false};

int mc_sock_set_multicast_all(int fd, bool on, struct mc_err *err)
{
    return mc__sock_set_pair(fd, &opt_all4, &opt_all6, on ? 1 : 0, err);
}

int mc_sock_get_multicast_all(int fd, bool *on, struct mc_err *err)
{
    return mc__sock_get_bool(fd, &opt_all4, &opt_all6, on, err);
}

/* ---- path MTU ---- */

int mc_sock_path_mtu(int fd, int *mtu, struct mc_err *err)
{
    static const struct mc__sock_opt v4 = {IPPROTO_IP, IP_MTU, "path MTU",
                                           "IP_MTU", false};
    static const struct mc__sock_opt v6 = {IPPROTO_IPV6, IPV6_PATHMTU,
                                           "path MTU", "IPV6_PATHMTU", false};
    struct ip6_mtuinfo mi;
    socklen_t len = sizeof mi;
    int fam, rc = 0;

    mc_err_clear(err);
    fam = mc__sock_family_of(fd, err);
    if (fam < 0)
        return fam;
    if (fam == AF_INET)
        rc = mc__sock_get_int(fd, fam, &v4, mtu, NULL);
    else if (getsockopt(fd, IPPROTO_IPV6, IPV6_PATHMTU, &mi, &len) < 0)
        rc = -errno;
    else
        *mtu = (int)mi.ip6m_mtu;
    if (rc == -ENOTCONN)
        return mc_err_set(err, rc,
                          "the socket is not connected: path MTU is known "
                          "only for a connected socket (connect it to the "
                          "destination first)");
    if (rc < 0)
        return mc__sock_refused(fd, fam, mc__sock_pick(fam, &v4, &v6), rc,
                                false, 0, err);
    return 0;
}

/* ---- buffers, timestamps, drops ---- */

static const struct mc__sock_opt opt_rcvbuf = {
    SOL_SOCKET, SO_RCVBUF, "receive buffer", "SO_RCVBUF", false};

int mc_sock_set_rcvbuf(int fd, int bytes, struct mc_err *err)
{
    static const struct mc__sock_opt force = {
        SOL_SOCKET, SO_RCVBUFFORCE, "receive buffer", "SO_RCVBUFFORCE", false};
    int fam;

    mc_err_clear(err);
    fam = mc__sock_family_of(fd, err);
    if (fam < 0)
        return fam;
    if (bytes < 0)
        return mc_err_set(err, -EINVAL,
                          "receive buffer size %d is negative: give a size "
                          "in bytes",
                          bytes);
    /* socket(7): SO_RCVBUFFORCE needs CAP_NET_ADMIN and is not capped by
     * net.core.rmem_max; without it, SO_RCVBUF is (silently). */
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) == 0)
        return 0;
    if (errno != EPERM)
        return mc__sock_refused(fd, fam, &force, -errno, true, bytes, err);
    return mc__sock_set_int(fd, fam, &opt_rcvbuf, bytes, err);
}

int mc_sock_get_rcvbuf(int fd, int *bytes, struct mc_err *err)
{
    /* socket(7): the kernel doubles the size asked for (bookkeeping
     * overhead) and reports the doubled value; that is what we return. */
    return mc__sock_get_pair(fd, &opt_rcvbuf, &opt_rcvbuf, bytes, err);
}

int mc_sock_set_rx_timestamps(int fd, bool on, struct mc_err *err)
{
    static const struct mc__sock_opt o = {SOL_SOCKET, SO_TIMESTAMPNS,
                                          "receive timestamps",
                                          "SO_TIMESTAMPNS", false};

    return mc__sock_set_pair(fd, &o, &o, on ? 1 : 0, err);
}

int mc_sock_set_rx_drops(int fd, bool on, struct mc_err *err)
{
    static const struct mc__sock_opt o = {SOL_SOCKET, SO_RXQ_OVFL,
                                          "drop counter", "SO_RXQ_OVFL", false};

    return mc__sock_set_pair(fd, &o, &o, on ? 1 : 0, err);
}
