/*
 * mcscope core: sockets and their options, the C form of x/net/ipv6's
 * Conn/PacketConn options and their x/net/ipv4 siblings.
 *
 * Option numbers, argument types and the kernel's own checks come from
 * ip(7), ipv6(7), socket(7), raw(7), RFC 3542 and SOCKET-API.md §1.2.
 * Ranges are checked here before the kernel is asked, so that a refusal
 * can name the range that is right; whatever the kernel still refuses is
 * explained from its errno and the kind of socket it was.
 */
#include "mcscope/sock.h"

#include <errno.h>
#include <ifaddrs.h>
#include <linux/filter.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <stdio.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29 /* Linux 4.20, not in ipv6(7) */
#endif
#ifndef IP_MULTICAST_ALL
#define IP_MULTICAST_ALL 49 /* Linux 2.6.31, ip(7) */
#endif
#ifndef SOL_RAW
#define SOL_RAW 255
#endif
/* <linux/icmp.h> ICMP_FILTER at SOL_RAW: a u32, bit t set blocks type t
 * (raw(7)).  That header clashes with <net/if.h>, so the number is here. */
#define MC_ICMP_FILTER 1
#ifndef SO_BINDTOIFINDEX
#define SO_BINDTOIFINDEX 62 /* Linux 5.0, socket(7) */
#endif

/* One socket option, named for a person and for the man page. */
struct opt {
    int level;
    int name;
    const char *what;  /* "traffic class" */
    const char *cname; /* "IPV6_TCLASS" */
    bool mcast;        /* a multicast option: meaningless on TCP */
};

static const char *family_name(int family)
{
    return family == AF_INET6 ? "IPv6" : "IPv4";
}

int mc_sock_family(int fd)
{
    int v = 0;
    socklen_t len = sizeof v;

    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) < 0)
        return -errno;
    if (v != AF_INET && v != AF_INET6)
        return -EAFNOSUPPORT;
    return v;
}

/* The family of fd, or a negative errno with the reason in err. */
static int family_of(int fd, struct mc_err *err)
{
    int fam = mc_sock_family(fd);

    switch (fam) {
    case AF_INET:
    case AF_INET6:
        return fam;
    case -EBADF:
        return mc_err_set(err, fam,
                          "descriptor %d is not open: open a socket first "
                          "(mc_sock_open_udp)",
                          fd);
    case -ENOTSOCK:
        return mc_err_set(err, fam,
                          "descriptor %d is not a socket: IP options need an "
                          "IPv4 or IPv6 socket",
                          fd);
    case -EAFNOSUPPORT:
        return mc_err_set(err, fam,
                          "descriptor %d is not an IPv4 or IPv6 socket: IP "
                          "options need AF_INET or AF_INET6",
                          fd);
    default:
        return mc_err_set(err, fam,
                          "cannot tell the family of descriptor %d: %s (%s)",
                          fd, mc_strerror(fam), mc_errno_name(fam));
    }
}

static int sock_int(int fd, int name)
{
    int v = -1;
    socklen_t len = sizeof v;

    if (getsockopt(fd, SOL_SOCKET, name, &v, &len) < 0)
        return -1;
    return v;
}

/* "UDP/IPv6 socket", "raw IPv4 socket (protocol 1)", ... for messages. */
static const char *sock_kind(int fd, int family, char *buf, size_t len)
{
    int type = sock_int(fd, SO_TYPE);
    int proto = sock_int(fd, SO_PROTOCOL);
    const char *fam = family_name(family);

    if (type == SOCK_STREAM)
        snprintf(buf, len, "TCP/%s socket", fam);
    else if (type == SOCK_DGRAM)
        snprintf(buf, len, "UDP/%s socket", fam);
    else if (type == SOCK_RAW)
        snprintf(buf, len, "raw %s socket (protocol %d)", fam, proto);
    else
        snprintf(buf, len, "%s socket of type %d", fam, type);
    return buf;
}

/*
 * Explain an errno the kernel gave for option o on fd; returns e.
 * val is the value set (ignored for a getter).
 */
static int kernel_refused(int fd, int family, const struct opt *o, int e,
                          bool set, int val, struct mc_err *err)
{
    char kind[64];

    sock_kind(fd, family, kind, sizeof kind);
    if (o->mcast && sock_int(fd, SO_TYPE) == SOCK_STREAM &&
        (e == -EINVAL || e == -ENOPROTOOPT))
        return mc_err_set(err, e,
                          "%s (%s) applies to UDP and raw sockets, not to a "
                          "%s: set it on the socket that sends multicast",
                          o->what, o->cname, kind);
    switch (e) {
    case -EBADF:
    case -ENOTSOCK:
        return family_of(fd, err);
    case -ENOPROTOOPT:
    case -EOPNOTSUPP:
        return mc_err_set(err, e,
                          "%s (%s) does not apply to a %s: use a socket of "
                          "the kind the option is for",
                          o->what, o->cname, kind);
    case -EPERM:
    case -EACCES:
        return mc_err_set(err, e,
                          "%s (%s) needs privilege: run as root or grant "
                          "CAP_NET_ADMIN",
                          o->what, o->cname);
    default:
        break;
    }
    if (set)
        return mc_err_set(
            err, e, "the kernel refused %s %d (%s) on a %s: %s (%s)", o->what,
            val, o->cname, kind, mc_strerror(e), mc_errno_name(e));
    return mc_err_set(err, e, "reading %s (%s) from a %s failed: %s (%s)",
                      o->what, o->cname, kind, mc_strerror(e),
                      mc_errno_name(e));
}

static int set_int(int fd, int family, const struct opt *o, int val,
                   struct mc_err *err)
{
    if (setsockopt(fd, o->level, o->name, &val, sizeof val) < 0)
        return kernel_refused(fd, family, o, -errno, true, val, err);
    return 0;
}

static int get_int(int fd, int family, const struct opt *o, int *val,
                   struct mc_err *err)
{
    int v = 0;
    socklen_t len = sizeof v;

    if (getsockopt(fd, o->level, o->name, &v, &len) < 0)
        return kernel_refused(fd, family, o, -errno, false, 0, err);
    *val = v;
    return 0;
}

/* The option for a family: v6 on AF_INET6, v4 otherwise. */
static const struct opt *pick(int family, const struct opt *v4,
                              const struct opt *v6)
{
    return family == AF_INET6 ? v6 : v4;
}

/* Set an int option after finding the family; pair of v4 and v6. */
static int set_pair(int fd, const struct opt *v4, const struct opt *v6, int val,
                    struct mc_err *err)
{
    int fam;

    mc_err_clear(err);
    fam = family_of(fd, err);
    if (fam < 0)
        return fam;
    return set_int(fd, fam, pick(fam, v4, v6), val, err);
}

static int get_pair(int fd, const struct opt *v4, const struct opt *v6,
                    int *val, struct mc_err *err)
{
    int fam;

    mc_err_clear(err);
    fam = family_of(fd, err);
    if (fam < 0)
        return fam;
    return get_int(fd, fam, pick(fam, v4, v6), val, err);
}

/* ---- opening, binding ---- */

static const struct opt opt_v6only = {IPPROTO_IPV6, IPV6_V6ONLY,
                                      "IPv6-only mode", "IPV6_V6ONLY", false};

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
                              family_name(family));
        if (rc == -EMFILE || rc == -ENFILE)
            return mc_err_set(err, rc,
                              "too many open files for a new UDP socket: "
                              "close some or raise the limit (ulimit -n)");
        return mc_err_set(err, rc, "cannot open a UDP/%s socket: %s (%s)",
                          family_name(family), mc_strerror(rc),
                          mc_errno_name(rc));
    }
    if (family == AF_INET6) {
        rc = set_int(fd, family, &opt_v6only, 1, err);
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
    static const struct opt addr = {SOL_SOCKET, SO_REUSEADDR, "address reuse",
                                    "SO_REUSEADDR", false};
    int fam;

    mc_err_clear(err);
    fam = family_of(fd, err);
    if (fam < 0)
        return fam;
    return set_int(fd, fam, &addr, on, err);
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
    fam = family_of(fd, err);
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
                          family_name(fam),
                          a.family == AF_INET6 ? "IPv6" : "IPv4");
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

/* ---- traffic class / TOS and hop limits ---- */

static const struct opt opt_tos = {IPPROTO_IP, IP_TOS, "TOS", "IP_TOS", false};
static const struct opt opt_tclass = {IPPROTO_IPV6, IPV6_TCLASS,
                                      "traffic class", "IPV6_TCLASS", false};

int mc_sock_set_tclass(int fd, int tclass, struct mc_err *err)
{
    int fam;

    mc_err_clear(err);
    fam = family_of(fd, err);
    if (fam < 0)
        return fam;
    /* ipv6(7) and RFC 3542 §6.5: -1 is the default, 0. */
    if (tclass < (fam == AF_INET6 ? -1 : 0) || tclass > 255)
        return mc_err_set(err, -EINVAL,
                          "%s %d is out of range: use 0..255 (0x00..0xff)",
                          fam == AF_INET6 ? "traffic class" : "TOS", tclass);
    return set_int(fd, fam, pick(fam, &opt_tos, &opt_tclass), tclass, err);
}

int mc_sock_get_tclass(int fd, int *tclass, struct mc_err *err)
{
    return get_pair(fd, &opt_tos, &opt_tclass, tclass, err);
}

static const struct opt opt_ttl = {IPPROTO_IP, IP_TTL, "TTL", "IP_TTL", false};
static const struct opt opt_hops = {IPPROTO_IPV6, IPV6_UNICAST_HOPS,
                                    "hop limit", "IPV6_UNICAST_HOPS", false};

int mc_sock_set_hoplimit(int fd, int hops, struct mc_err *err)
{
    int fam;

    mc_err_clear(err);
    fam = family_of(fd, err);
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
    return set_int(fd, fam, pick(fam, &opt_ttl, &opt_hops), hops, err);
}

int mc_sock_get_hoplimit(int fd, int *hops, struct mc_err *err)
{
    return get_pair(fd, &opt_ttl, &opt_hops, hops, err);
}

static const struct opt opt_mttl = {IPPROTO_IP, IP_MULTICAST_TTL,
                                    "multicast TTL", "IP_MULTICAST_TTL", true};
static const struct opt opt_mhops = {IPPROTO_IPV6, IPV6_MULTICAST_HOPS,
                                     "multicast hop limit",
                                     "IPV6_MULTICAST_HOPS", true};

int mc_sock_set_mcast_hoplimit(int fd, int hops, struct mc_err *err)
{
    int fam;

    mc_err_clear(err);
    fam = family_of(fd, err);
    if (fam < 0)
        return fam;
    if (hops < -1 || hops > 255)
        return mc_err_set(
            err, -EINVAL,
            "%s %d is out of range: use 0..255, or -1 to reset "
            "it to 1",
            fam == AF_INET6 ? "multicast hop limit" : "multicast TTL", hops);
    return set_int(fd, fam, pick(fam, &opt_mttl, &opt_mhops), hops, err);
}

int mc_sock_get_mcast_hoplimit(int fd, int *hops, struct mc_err *err)
{
    return get_pair(fd, &opt_mttl, &opt_mhops, hops, err);
}

/* ---- multicast interface ---- */

static const struct opt opt_mif4 = {IPPROTO_IP, IP_MULTICAST_IF,
                                    "multicast interface", "IP_MULTICAST_IF",
                                    true};
static const struct opt opt_mif6 = {IPPROTO_IPV6, IPV6_MULTICAST_IF,
                                    "multicast interface", "IPV6_MULTICAST_IF",
                                    true};

/* getifaddrs(3) names IPv4 aliases "eth0:1"; the device is "eth0". */
static unsigned ifa_index(const char *label)
{
    char name[IF_NAMESIZE];
    char *colon;

    snprintf(name, sizeof name, "%s", label);
    colon = strchr(name, ':');
    if (colon != NULL)
        *colon = '\0';
    return if_nametoindex(name);
}

/*
 * The IPv4 multicast interface set by index, kept in user space: the kernel
 * keeps the index but getsockopt(IP_MULTICAST_IF) returns only an address
 * (ip(7)), which is 0.0.0.0 when the interface was chosen by index.  Giving
 * the interface's address instead would pin the source address of every
 * packet the socket sends, per-packet IP_PKTINFO interfaces included, so the
 * index is remembered here, keyed by the socket's inode (unique while the
 * socket lives, unlike its descriptor number).
 */
#define MIF4_MEMO 128
struct mif4_memo {
    dev_t dev;
    ino_t ino;
    unsigned ifindex;
};
static struct mif4_memo mif4_memo[MIF4_MEMO];
static unsigned mif4_next;
static pthread_mutex_t mif4_lock = PTHREAD_MUTEX_INITIALIZER;

static int sock_identity(int fd, dev_t *dev, ino_t *ino)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
        return -errno;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return 0;
}

static void mif4_remember(int fd, unsigned ifindex)
{
    struct mif4_memo *slot = NULL;
    dev_t dev;
    ino_t ino;
    unsigned i;

    if (sock_identity(fd, &dev, &ino) < 0)
        return;
    pthread_mutex_lock(&mif4_lock);
    for (i = 0; i < MIF4_MEMO && slot == NULL; i++)
        if (mif4_memo[i].ino == ino && mif4_memo[i].dev == dev)
            slot = &mif4_memo[i];
    if (slot == NULL) {
        slot = &mif4_memo[mif4_next];
        mif4_next = (mif4_next + 1) % MIF4_MEMO;
    }
    slot->dev = dev;
    slot->ino = ino;
    slot->ifindex = ifindex;
    pthread_mutex_unlock(&mif4_lock);
}

static unsigned mif4_recall(int fd)
{
    unsigned i, ifindex = 0;
    dev_t dev;
    ino_t ino;

    if (sock_identity(fd, &dev, &ino) < 0)
        return 0;
    pthread_mutex_lock(&mif4_lock);
    for (i = 0; i < MIF4_MEMO; i++)
        if (mif4_memo[i].ino == ino && mif4_memo[i].dev == dev)
            ifindex = mif4_memo[i].ifindex;
    pthread_mutex_unlock(&mif4_lock);
    return ifindex;
}

/* The interface that holds IPv4 address a (0 when none does). */
static unsigned v4_addr_index(struct in_addr a)
{
    struct ifaddrs *all, *i;
    const struct sockaddr_in *sin;
    unsigned idx = 0;

    if (getifaddrs(&all) < 0)
        return 0;
    for (i = all; i != NULL; i = i->ifa_next) {
        if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET)
            continue;
        sin = (const struct sockaddr_in *)(void *)i->ifa_addr;
        if (sin->sin_addr.s_addr == a.s_addr) {
            idx = ifa_index(i->ifa_name);
            break;
        }
    }
    freeifaddrs(all);
    return idx;
}

static int mcast_if_refused(int fd, int fam, unsigned ifindex, int e,
                            struct mc_err *err)
{
    int bound = sock_int(fd, SO_BINDTOIFINDEX);

    /* IPv6 says ENODEV for an unknown index, IPv4 EADDRNOTAVAIL. */
    if (e == -ENODEV || (fam == AF_INET && e == -EADDRNOTAVAIL))
        return mc_err_set(err, e,
                          "interface index %u does not exist in this network "
                          "namespace: choose one that `ip link` lists",
                          ifindex);
    if (e == -EINVAL && bound > 0 && (unsigned)bound != ifindex)
        return mc_err_set(err, e,
                          "the socket is bound to interface index %d "
                          "(SO_BINDTODEVICE): its multicast interface must "
                          "be that one",
                          bound);
    return kernel_refused(fd, fam, pick(fam, &opt_mif4, &opt_mif6), e, true,
                          (int)ifindex, err);
}

int mc_sock_set_mcast_if(int fd, unsigned ifindex, struct mc_err *err)
{
    struct ip_mreqn mreq;
    int fam, rc;

    mc_err_clear(err);
    fam = family_of(fd, err);
    if (fam < 0)
        return fam;
    if (ifindex > (unsigned)INT_MAX)
        return mc_err_set(err, -EINVAL,
                          "interface index %u is out of range: choose one "
                          "that `ip link` lists",
                          ifindex);
    if (fam == AF_INET6) {
        int v = (int)ifindex;

        rc = setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &v, sizeof v);
    } else {
        /* ip(7): struct ip_mreqn, by index only (see mif4_memo). */
        memset(&mreq, 0, sizeof mreq);
        mreq.imr_ifindex = (int)ifindex;
        rc = setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq);
    }
    if (rc < 0)
        return mcast_if_refused(fd, fam, ifindex, -errno, err);
    if (fam == AF_INET)
        mif4_remember(fd, ifindex);
    return 0;
}

int mc_sock_get_mcast_if(int fd, unsigned *ifindex, struct mc_err *err)
{
    struct in_addr a = {0};
    socklen_t len = sizeof a;
    int fam, v = 0, rc;

    mc_err_clear(err);
    fam = family_of(fd, err);
    if (fam < 0)
        return fam;
    if (fam == AF_INET6) {
        rc = get_int(fd, fam, &opt_mif6, &v, err);
        if (rc == 0)
            *ifindex = (unsigned)v;
        return rc;
    }
    /* The IPv4 kernel keeps the index but reads back only the address. */
    if (getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &a, &len) < 0)
        return kernel_refused(fd, fam, &opt_mif4, -errno, false, 0, err);
    /* Set by address (by another program, say): map it back; set by
     * index: what mc_sock_set_mcast_if remembered. */
    *ifindex = a.s_addr == INADDR_ANY ? mif4_recall(fd) : v4_addr_index(a);
    return 0;
}

/* ---- loopback, multicast-all ---- */

static const struct opt opt_loop4 = {IPPROTO_IP, IP_MULTICAST_LOOP,
                                     "multicast loopback", "IP_MULTICAST_LOOP",
                                     true};
static const struct opt opt_loop6 = {IPPROTO_IPV6, IPV6_MULTICAST_LOOP,
                                     "multicast loopback",
                                     "IPV6_MULTICAST_LOOP", true};

int mc_sock_set_mcast_loop(int fd, bool on, struct mc_err *err)
{
    return set_pair(fd, &opt_loop4, &opt_loop6, on ? 1 : 0, err);
}

static int get_bool(int fd, const struct opt *v4, const struct opt *v6,
                    bool *on, struct mc_err *err)
{
    int v = 0;
    int rc = get_pair(fd, v4, v6, &v, err);

    if (rc == 0)
        *on = v != 0;
    return rc;
}

int mc_sock_get_mcast_loop(int fd, bool *on, struct mc_err *err)
{
    return get_bool(fd, &opt_loop4, &opt_loop6, on, err);
}

static const struct opt opt_all4 = {IPPROTO_IP, IP_MULTICAST_ALL,
                                    "multicast-all", "IP_MULTICAST_ALL", false};
static const struct opt opt_all6 = {IPPROTO_IPV6, IPV6_MULTICAST_ALL,
                                    "multicast-all", "IPV6_MULTICAST_ALL",
                                    false};

int mc_sock_set_multicast_all(int fd, bool on, struct mc_err *err)
{
    return set_pair(fd, &opt_all4, &opt_all6, on ? 1 : 0, err);
}

int mc_sock_get_multicast_all(int fd, bool *on, struct mc_err *err)
{
    return get_bool(fd, &opt_all4, &opt_all6, on, err);
}

/* ---- path MTU ---- */

int mc_sock_path_mtu(int fd, int *mtu, struct mc_err *err)
{
    static const struct opt v4 = {IPPROTO_IP, IP_MTU, "path MTU", "IP_MTU",
                                  false};
    static const struct opt v6 = {IPPROTO_IPV6, IPV6_PATHMTU, "path MTU",
                                  "IPV6_PATHMTU", false};
    struct ip6_mtuinfo mi;
    socklen_t len = sizeof mi;
    int fam, rc = 0;

    mc_err_clear(err);
    fam = family_of(fd, err);
    if (fam < 0)
        return fam;
    if (fam == AF_INET)
        rc = get_int(fd, fam, &v4, mtu, NULL);
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
        return kernel_refused(fd, fam, pick(fam, &v4, &v6), rc, false, 0, err);
    return 0;
}

/* ---- buffers, timestamps, drops ---- */

static const struct opt opt_rcvbuf = {SOL_SOCKET, SO_RCVBUF, "receive buffer",
                                      "SO_RCVBUF", false};

int mc_sock_set_rcvbuf(int fd, int bytes, struct mc_err *err)
{
    static const struct opt force = {SOL_SOCKET, SO_RCVBUFFORCE,
                                     "receive buffer", "SO_RCVBUFFORCE", false};
    int fam;

    mc_err_clear(err);
    fam = family_of(fd, err);
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
        return kernel_refused(fd, fam, &force, -errno, true, bytes, err);
    return set_int(fd, fam, &opt_rcvbuf, bytes, err);
}

int mc_sock_get_rcvbuf(int fd, int *bytes, struct mc_err *err)
{
    /* socket(7): the kernel doubles the size asked for (bookkeeping
     * overhead) and reports the doubled value; that is what we return. */
    return get_pair(fd, &opt_rcvbuf, &opt_rcvbuf, bytes, err);
}

int mc_sock_set_rx_timestamps(int fd, bool on, struct mc_err *err)
{
    static const struct opt o = {SOL_SOCKET, SO_TIMESTAMPNS,
                                 "receive timestamps", "SO_TIMESTAMPNS", false};

    return set_pair(fd, &o, &o, on ? 1 : 0, err);
}

int mc_sock_set_rx_drops(int fd, bool on, struct mc_err *err)
{
    static const struct opt o = {SOL_SOCKET, SO_RXQ_OVFL, "drop counter",
                                 "SO_RXQ_OVFL", false};

    return set_pair(fd, &o, &o, on ? 1 : 0, err);
}

/* ---- raw sockets: header include, ICMP filters, checksum ---- */

int mc_sock_set_hdrincl(int fd, bool on, struct mc_err *err)
{
    static const struct opt o = {IPPROTO_IP, IP_HDRINCL, "header include",
                                 "IP_HDRINCL", false};
    int fam, rc;

    mc_err_clear(err);
    fam = family_of(fd, err);
    if (fam < 0)
        return fam;
    if (fam != AF_INET)
        return mc_err_set(err, -ENOPROTOOPT,
                          "header include (IP_HDRINCL) is an IPv4 raw-socket "
                          "option and this is an IPv6 socket: open a raw "
                          "IPv4 socket (SOCK_RAW, AF_INET)");
    rc = set_int(fd, fam, &o, on ? 1 : 0, NULL);
    if (rc == -ENOPROTOOPT)
        return mc_err_set(err, rc,
                          "header include (IP_HDRINCL) applies to raw IPv4 "
                          "sockets only: open the socket with SOCK_RAW");
    if (rc < 0)
        return kernel_refused(fd, fam, &o, rc, true, on, err);
    return 0;
}

void mc_icmp_filter_accept(struct mc_icmp_filter *f, unsigned type)
{
    if (type < 256)
        f->accept[type >> 5] |= 1u << (type & 31);
}

void mc_icmp_filter_block(struct mc_icmp_filter *f, unsigned type)
{
    if (type < 256)
        f->accept[type >> 5] &= ~(1u << (type & 31));
}

void mc_icmp_filter_set_all(struct mc_icmp_filter *f, bool block)
{
    memset(f->accept, block ? 0x00 : 0xff, sizeof f->accept);
}

/* A type beyond 255 cannot be in an ICMP header; such a type "blocks". */
bool mc_icmp_filter_will_block(const struct mc_icmp_filter *f, unsigned type)
{
    if (type >= 256)
        return true;
    return (f->accept[type >> 5] & (1u << (type & 31))) == 0;
}

static int icmp_filter_refused(int fd, int fam, int e, bool set,
                               struct mc_err *err)
{
    static const struct opt v4 = {SOL_RAW, MC_ICMP_FILTER, "ICMP filter",
                                  "ICMP_FILTER", false};
    static const struct opt v6 = {IPPROTO_ICMPV6, ICMP6_FILTER, "ICMPv6 filter",
                                  "ICMP6_FILTER", false};

    /* A UDP socket says ENOPROTOOPT, a raw socket of another protocol
     * EOPNOTSUPP (raw(7), net/ipv6/raw.c). */
    if (e == -ENOPROTOOPT || e == -EOPNOTSUPP)
        return mc_err_set(err, e,
                          "ICMP filters apply to raw ICMP sockets only: open "
                          "the socket with SOCK_RAW, %s",
                          fam == AF_INET6 ? "IPPROTO_ICMPV6" : "IPPROTO_ICMP");
    return kernel_refused(fd, fam, pick(fam, &v4, &v6), e, set, 0, err);
}

/*
 * Linux blocks where a bit is set (RFC 3542 §3.2 macros for IPv6, raw(7)
 * for IPv4); our struct accepts where a bit is set.  IPv4 filters only
 * types 0..31 and lets every other type through.
 */
int mc_sock_set_icmp_filter(int fd, const struct mc_icmp_filter *f,
                            struct mc_err *err)
{
    struct icmp6_filter f6;
    uint32_t f4;
    unsigned t;
    int fam, rc;

    mc_err_clear(err);
    fam = family_of(fd, err);
    if (fam < 0)
        return fam;
    if (fam == AF_INET6) {
        ICMP6_FILTER_SETBLOCKALL(&f6);
        for (t = 0; t < 256; t++)
            if (!mc_icmp_filter_will_block(f, t))
                ICMP6_FILTER_SETPASS(t, &f6);
        rc = setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f6, sizeof f6);
    } else {
        f4 = ~f->accept[0];
        rc = setsockopt(fd, SOL_RAW, MC_ICMP_FILTER, &f4, sizeof f4);
    }
    if (rc < 0)
        return icmp_filter_refused(fd, fam, -errno, true, err);
    return 0;
}

int mc_sock_get_icmp_filter(int fd, struct mc_icmp_filter *f,
                            struct mc_err *err)
{
    struct icmp6_filter f6;
    uint32_t f4 = 0;
    socklen_t len;
    unsigned t;
    int fam, rc;

    mc_err_clear(err);
    fam = family_of(fd, err);
    if (fam < 0)
        return fam;
    if (fam == AF_INET6) {
        len = sizeof f6;
        rc = getsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f6, &len);
    } else {
        len = sizeof f4;
        rc = getsockopt(fd, SOL_RAW, MC_ICMP_FILTER, &f4, &len);
    }
    if (rc < 0)
        return icmp_filter_refused(fd, fam, -errno, false, err);
    mc_icmp_filter_set_all(f, false);
    if (fam == AF_INET6) {
        for (t = 0; t < 256; t++)
            if (ICMP6_FILTER_WILLBLOCK(t, &f6))
                mc_icmp_filter_block(f, t);
    } else {
        f->accept[0] = ~f4;
    }
    return 0;
}

static const struct opt opt_csum = {SOL_RAW, IPV6_CHECKSUM, "checksum offset",
                                    "IPV6_CHECKSUM", false};

static int checksum_refused(int fd, int fam, int e, bool set, int val,
                            struct mc_err *err)
{
    if (e == -ENOPROTOOPT || e == -EOPNOTSUPP)
        return mc_err_set(err, e,
                          "the checksum offset (IPV6_CHECKSUM) applies to "
                          "raw IPv6 sockets only: open the socket with "
                          "SOCK_RAW and the protocol to checksum");
    return kernel_refused(fd, fam, &opt_csum, e, set, val, err);
}

static int checksum_family(int fd, struct mc_err *err)
{
    int fam = family_of(fd, err);

    if (fam == AF_INET)
        return mc_err_set(err, -ENOPROTOOPT,
                          "the checksum offset (IPV6_CHECKSUM) is an IPv6 "
                          "raw-socket option and this is an IPv4 socket: "
                          "open a raw IPv6 socket");
    return fam;
}

int mc_sock_set_checksum(int fd, int offset, struct mc_err *err)
{
    int fam, rc;

    mc_err_clear(err);
    fam = checksum_family(fd, err);
    if (fam < 0)
        return fam;
    if (offset < -1)
        return mc_err_set(err, -EINVAL,
                          "checksum offset %d is out of range: use an even "
                          "offset from 0, or -1 for off",
                          offset);
    if (offset > 0 && (offset & 1))
        return mc_err_set(err, -EINVAL,
                          "checksum offset %d is odd: the 16-bit checksum "
                          "must sit at an even offset (ipv6(7)), or use -1 "
                          "for off",
                          offset);
    /* RFC 3542 §3.1: an ICMPv6 socket always checksums at offset 2. */
    if (sock_int(fd, SO_TYPE) == SOCK_RAW &&
        sock_int(fd, SO_PROTOCOL) == IPPROTO_ICMPV6)
        return mc_err_set(err, -EINVAL,
                          "an ICMPv6 socket always computes the checksum at "
                          "offset 2 (RFC 3542 §3.1): it cannot be changed");
    if (setsockopt(fd, SOL_RAW, IPV6_CHECKSUM, &offset, sizeof offset) < 0) {
        rc = -errno;
        return checksum_refused(fd, fam, rc, true, offset, err);
    }
    return 0;
}

int mc_sock_get_checksum(int fd, int *offset, struct mc_err *err)
{
    socklen_t len = sizeof *offset;
    int fam, v = 0;

    mc_err_clear(err);
    fam = checksum_family(fd, err);
    if (fam < 0)
        return fam;
    if (getsockopt(fd, SOL_RAW, IPV6_CHECKSUM, &v, &len) < 0)
        return checksum_refused(fd, fam, -errno, false, 0, err);
    *offset = v;
    return 0;
}

/* ---- classic BPF (SetBPF) ---- */

static const struct opt opt_bpf = {SOL_SOCKET, SO_ATTACH_FILTER,
                                   "socket filter", "SO_ATTACH_FILTER", false};

int mc_sock_attach_bpf(int fd, const struct sock_filter *insns,
                       unsigned short n, struct mc_err *err)
{
    struct sock_fprog prog = {.len = n, .filter = (struct sock_filter *)insns};
    int fam = family_of(fd, err);

    if (fam < 0)
        return fam;
    if (insns == NULL || n == 0)
        return mc_err_set(err, -EINVAL,
                          "an empty socket filter: give at least one BPF "
                          "instruction (a final 'ret')");
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) {
        if (errno == EINVAL)
            return mc_err_set(err, -EINVAL,
                              "the kernel's BPF checker refused the filter "
                              "(%u instructions): it must end in 'ret' and "
                              "jump only forward inside the program",
                              (unsigned)n);
        return kernel_refused(fd, fam, &opt_bpf, -errno, true, n, err);
    }
    return 0;
}

int mc_sock_detach_bpf(int fd, struct mc_err *err)
{
    int fam = family_of(fd, err);
    int zero = 0;

    if (fam < 0)
        return fam;
    if (setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &zero, sizeof zero) < 0) {
        if (errno == ENOENT)
            return mc_err_set(err, -ENOENT,
                              "no socket filter is attached: nothing to "
                              "detach");
        return kernel_refused(fd, fam, &opt_bpf, -errno, true, 0, err);
    }
    return 0;
}
