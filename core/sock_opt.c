/*
 * mcscope core: one socket option to the kernel and back: the socket's
 * family and kind, an int option set or read, and what the kernel's
 * refusal means for the kind of socket it was.
 */
#include "sock_priv.h"

#include <errno.h>
#include <stdio.h>

#include "util.h"

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
int mc__sock_family_of(int fd, struct mc_err *err)
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

int mc__sock_int(int fd, int name)
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
    int type = mc__sock_int(fd, SO_TYPE);
    int proto = mc__sock_int(fd, SO_PROTOCOL);
    const char *fam = mc_family_name(family);

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
int mc__sock_refused(int fd, int family, const struct mc__sock_opt *o, int e,
                     bool set, int val, struct mc_err *err)
{
    char kind[64];

    sock_kind(fd, family, kind, sizeof kind);
    if (o->mcast && mc__sock_int(fd, SO_TYPE) == SOCK_STREAM &&
        (e == -EINVAL || e == -ENOPROTOOPT))
        return mc_err_set(err, e,
                          "%s (%s) applies to UDP and raw sockets, not to a "
                          "%s: set it on the socket that sends multicast",
                          o->what, o->cname, kind);
    switch (e) {
    case -EBADF:
    case -ENOTSOCK:
        return mc__sock_family_of(fd, err);
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

int mc__sock_set_int(int fd, int family, const struct mc__sock_opt *o, int val,
                     struct mc_err *err)
{
    if (setsockopt(fd, o->level, o->name, &val, sizeof val) < 0)
        return mc__sock_refused(fd, family, o, -errno, true, val, err);
    return 0;
}

int mc__sock_get_int(int fd, int family, const struct mc__sock_opt *o, int *val,
                     struct mc_err *err)
{
    int v = 0;
    socklen_t len = sizeof v;

    if (getsockopt(fd, o->level, o->name, &v, &len) < 0)
        return mc__sock_refused(fd, family, o, -errno, false, 0, err);
    *val = v;
    return 0;
}

/* Set an int option after finding the family; pair of v4 and v6. */
int mc__sock_set_pair(int fd, const struct mc__sock_opt *v4,
                      const struct mc__sock_opt *v6, int val,
                      struct mc_err *err)
{
    int fam;

    mc_err_clear(err);
    fam = mc__sock_family_of(fd, err);
    if (fam < 0)
        return fam;
    return mc__sock_set_int(fd, fam, mc__sock_pick(fam, v4, v6), val, err);
}

int mc__sock_get_pair(int fd, const struct mc__sock_opt *v4,
                      const struct mc__sock_opt *v6, int *val,
                      struct mc_err *err)
{
    int fam;

    mc_err_clear(err);
    fam = mc__sock_family_of(fd, err);
    if (fam < 0)
        return fam;
    return mc__sock_get_int(fd, fam, mc__sock_pick(fam, v4, v6), val, err);
}

int mc__sock_get_bool(int fd, const struct mc__sock_opt *v4,
                      const struct mc__sock_opt *v6, bool *on,
                      struct mc_err *err)
{
    int v = 0;
    int rc = mc__sock_get_pair(fd, v4, v6, &v, err);

    if (rc == 0)
        *on = v != 0;
    return rc;
}
