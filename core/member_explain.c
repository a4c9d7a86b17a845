/*
 * mcscope core: what a membership call's arguments and the kernel's errno
 * mean in multicast terms.  Every refusal comes back as a negative errno
 * and a text naming the cause and the fix; the kernel's answers are those
 * of net/ipv4/igmp.c and net/ipv6/mcast.c (SOCKET-API.md §2.2).
 */
#include "member_priv.h"

#include <errno.h>
#include <stdio.h>

#include "mcscope/kstate.h"
#include "util.h"

/* The socket's family (SO_DOMAIN), or a negative errno. */
static int sock_domain(int fd)
{
    int domain = 0;
    socklen_t len = sizeof domain;

    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
        return -errno;
    return domain;
}

void mc__member_words(struct mc__words *w, enum mc_member_op op,
                      unsigned ifindex, const struct mc_addr *group,
                      const struct mc_addr *source)
{
    struct mc_group_info gi;

    memset(w, 0, sizeof *w);
    w->op = mc_member_op_name(op);
    w->family = addr_set(group) ? group->family : 0;
    if (addr_set(group)) {
        mc_addr_format(group, w->g, sizeof w->g);
        mc_group_classify(group, &gi);
        w->ssm = gi.ssm;
    } else {
        snprintf(w->g, sizeof w->g, "GROUP");
    }
    if (addr_set(source))
        mc_addr_format(source, w->s, sizeof w->s);
    else
        snprintf(w->s, sizeof w->s, "SOURCE");
    if (ifindex == 0) {
        snprintf(w->ifn, sizeof w->ifn, "IFACE");
        return;
    }
    w->if_exists = mc_if_exists(ifindex);
    mc_ifname(ifindex, w->ifn, sizeof w->ifn);
    snprintf(w->on, sizeof w->on, " on %s", w->ifn);
    snprintf(w->dev, sizeof w->dev, " dev %s", w->ifn);
}

/* A sysctl's value as text, or why it cannot be read here. */
static void sysctl_text(const char *name, char *buf, size_t len)
{
    long v;
    int rc = mc_sysctl_read_long(name, &v);

    if (rc == 0)
        snprintf(buf, len, "%ld", v);
    else if (rc == -ENOENT)
        snprintf(buf, len, "(not visible in this network namespace)");
    else
        snprintf(buf, len, "(unreadable: %s)", mc_strerror(rc));
}

static int explain_generic(int e, const struct mc__words *w, struct mc_err *err)
{
    return mc_err_set(err, -e, "%s %s%s failed: %s (%s)", w->op, w->g, w->dev,
                      mc_errno_name(e), mc_strerror(e));
}

static int explain_not_multicast(const struct mc__words *w, struct mc_err *err)
{
    return mc_err_set(err, -EINVAL,
                      "%s is not a multicast group: groups are "
                      "224.0.0.0/4 or ff00::/8",
                      w->g);
}

/* EINVAL from exclude-source / include-source (MCAST_(UN)BLOCK_SOURCE):
 * no prior join, or the group is in INCLUDE mode. */
static int einval_block(enum mc_member_op op, const struct mc__words *w,
                        enum mc_filter_mode mode, struct mc_err *err)
{
    if (mode != MC_MODE_INCLUDE)
        return mc_err_set(err, -EINVAL,
                          "%s needs the group joined first: %s is not "
                          "joined%s on this socket: join %s%s, then "
                          "exclude-source%s",
                          w->op, w->g, w->on, w->g, w->dev,
                          op == MC_OP_INCLUDE_SOURCE
                              ? " (include-source undoes an exclude-source)"
                              : "");
    if (op == MC_OP_INCLUDE_SOURCE)
        return mc_err_set(err, -EINVAL,
                          "mode conflict: %s is in INCLUDE mode "
                          "(join-source); include-source undoes an "
                          "exclude-source in exclude mode: to receive %s "
                          "too, use join-source %s %s%s",
                          w->g, w->s, w->g, w->s, w->dev);
    if (w->ssm)
        /* RFC 4604 §2: no exclude mode for SSM addresses. */
        return mc_err_set(err, -EINVAL,
                          "mode conflict: %s is in INCLUDE mode "
                          "(join-source); exclude-source works in exclude "
                          "mode, which an SSM group (RFC 4607) does not "
                          "have: leave-source %s SOURCE%s drops a source",
                          w->g, w->g, w->dev);
    return mc_err_set(err, -EINVAL,
                      "mode conflict: %s is in INCLUDE mode (join-source); "
                      "exclude-source works in exclude mode: leave %s%s, "
                      "join %s%s, then exclude-source",
                      w->g, w->g, w->dev, w->g, w->dev);
}

/* EINVAL from join-source: the group is in exclude mode. */
static int einval_join_source(const struct mc__words *w,
                              enum mc_filter_mode mode, struct mc_err *err)
{
    if (mode == MC_MODE_EXCLUDE)
        return mc_err_set(err, -EINVAL,
                          "mode conflict: %s%s is in EXCLUDE mode "
                          "(exclude-source); join-source works in INCLUDE "
                          "mode: leave %s%s, then join-source %s %s%s",
                          w->g, w->on, w->g, w->dev, w->g, w->s, w->dev);
    /*
     * An ASM join may switch to INCLUDE{S} ("allow mode switches for
     * empty-set filters", igmp.c ip_mc_source), but once a source was
     * blocked and unblocked the empty exclude list stays, and with it the
     * exclude mode until the group is left.
     */
    return mc_err_set(err, -EINVAL,
                      "mode conflict: %s%s is in exclude mode (a source was "
                      "excluded and included again; the kernel keeps the "
                      "empty exclude filter): join-source needs INCLUDE "
                      "mode: leave %s%s, then join-source %s %s%s",
                      w->g, w->on, w->g, w->dev, w->g, w->s, w->dev);
}

static int einval_leave_source(const struct mc__words *w,
                               enum mc_filter_mode mode, struct mc_err *err)
{
    if (mode == MC_MODE_EXCLUDE || mode == MC_MODE_ASM)
        return mc_err_set(err, -EINVAL,
                          "mode conflict: %s%s is in EXCLUDE mode; "
                          "leave-source undoes join-source (INCLUDE mode): "
                          "include-source %s %s%s stops excluding it, or "
                          "leave %s%s",
                          w->g, w->on, w->g, w->s, w->dev, w->g, w->dev);
    return mc_err_set(err, -EINVAL,
                      "leave-source needs the group joined first: %s is not "
                      "joined%s on this socket (join-source %s %s%s joins "
                      "it in INCLUDE mode)",
                      w->g, w->on, w->g, w->s, w->dev);
}

static int explain_einval(enum mc_member_op op, const struct mc__words *w,
                          enum mc_filter_mode mode, struct mc_err *err)
{
    switch (op) {
    case MC_OP_EXCLUDE_SOURCE:
    case MC_OP_INCLUDE_SOURCE:
        return einval_block(op, w, mode, err);
    case MC_OP_JOIN_SOURCE:
        if (mode != MC_MODE_NONE && mode != MC_MODE_INCLUDE)
            return einval_join_source(w, mode, err);
        break;
    case MC_OP_LEAVE_SOURCE:
        return einval_leave_source(w, mode, err);
    default:
        break;
    }
    /* What is left: a malformed request (IPv4: a group_req whose address
     * family is not AF_INET; a short optlen). */
    return mc_err_set(err, -EINVAL,
                      "%s %s%s: the kernel found the request malformed "
                      "(EINVAL): the group and the socket must be of one "
                      "family (IPv4 groups on an IPv4 socket, IPv6 on IPv6)",
                      w->op, w->g, w->dev);
}

static int explain_eaddrinuse(enum mc_member_op op, const struct mc__words *w,
                              enum mc_filter_mode mode, struct mc_err *err)
{
    if (op == MC_OP_JOIN && mode == MC_MODE_INCLUDE)
        return mc_err_set(err, -EADDRINUSE,
                          "%s%s is in INCLUDE mode on this socket "
                          "(join-source): a plain join needs it left first: "
                          "leave %s%s, then join %s%s",
                          w->g, w->on, w->g, w->dev, w->g, w->dev);
    if (mode == MC_MODE_NONE && w->dev[0] == '\0')
        /* IPv6 with ifindex 0 matches a join on any interface
         * (mcast.c ipv6_sock_mc_join). */
        return mc_err_set(err, -EADDRINUSE,
                          "%s is already joined on this socket on some "
                          "interface (with no interface named, IPv6 matches "
                          "any): name it (%s%%IFACE), or leave it first",
                          w->g, w->g);
    return mc_err_set(err, -EADDRINUSE,
                      "%s%s is already joined on this socket: leave it "
                      "first (leave %s%s)",
                      w->g, w->on, w->g, w->dev);
}

static int explain_eaddrnotavail(enum mc_member_op op,
                                 const struct mc__words *w,
                                 enum mc_filter_mode mode, struct mc_err *err)
{
    const int e = -EADDRNOTAVAIL;

    switch (op) {
    case MC_OP_JOIN:
        /* mcast.c: a group_req whose address is not AF_INET6. */
        return mc_err_set(err, e,
                          "join %s%s: the address is not of this socket's "
                          "family (EADDRNOTAVAIL): join IPv6 groups on an "
                          "IPv6 socket and IPv4 groups on an IPv4 one",
                          w->g, w->dev);
    case MC_OP_LEAVE:
        return mc_err_set(err, e,
                          "%s is not joined%s on this socket: nothing to "
                          "leave (a leave-source of the last join-source "
                          "source leaves the group too)",
                          w->g, w->on);
    case MC_OP_JOIN_SOURCE:
        return mc_err_set(err, e,
                          "%s is already in the include list of %s%s "
                          "(join-source twice): nothing to add; "
                          "leave-source %s %s%s removes it",
                          w->s, w->g, w->on, w->g, w->s, w->dev);
    case MC_OP_EXCLUDE_SOURCE:
        return mc_err_set(err, e,
                          "%s is already excluded from %s%s (exclude-source "
                          "twice): nothing to add; include-source %s %s%s "
                          "lets it in again",
                          w->s, w->g, w->on, w->g, w->s, w->dev);
    case MC_OP_INCLUDE_SOURCE:
        return mc_err_set(err, e,
                          "%s is not excluded from %s%s: include-source only "
                          "undoes an exclude-source (exclude-source %s %s%s "
                          "blocks it)",
                          w->s, w->g, w->on, w->g, w->s, w->dev);
    case MC_OP_LEAVE_SOURCE:
        if (mode == MC_MODE_ASM)
            return mc_err_set(err, e,
                              "%s%s is in ASM mode (join), not INCLUDE mode: "
                              "leave-source undoes join-source; "
                              "exclude-source %s %s%s blocks the source, "
                              "leave %s%s leaves the group",
                              w->g, w->on, w->g, w->s, w->dev, w->g, w->dev);
        return mc_err_set(err, e,
                          "%s is not in the include list of %s%s: nothing "
                          "to leave (join-source %s %s%s adds it)",
                          w->s, w->g, w->on, w->g, w->s, w->dev);
    }
    return explain_generic(EADDRNOTAVAIL, w, err);
}

static int explain_enodev(const struct mc__words *w, unsigned ifindex,
                          struct mc_err *err)
{
    if (ifindex == 0)
        return mc_err_set(err, -ENODEV,
                          "%s %s: no route for %s, so the kernel cannot "
                          "choose an interface (ENODEV): name an interface: "
                          "%s%%IFACE or 'dev IFACE'",
                          w->op, w->g, w->g, w->g);
    if (w->if_exists)
        return mc_err_set(err, -ENODEV,
                          "%s %s%s: %s has no %s configuration (ENODEV): "
                          "choose an interface with %s enabled",
                          w->op, w->g, w->dev, w->ifn,
                          mc_family_name(w->family), mc_family_name(w->family));
    return mc_err_set(err, -ENODEV,
                      "%s %s: there is no interface with index %u (ENODEV): "
                      "name an existing interface (ip link lists them)",
                      w->op, w->g, ifindex);
}

/* ENOBUFS / ENOMEM when a socket cannot hold another group. */
static int explain_group_limit(int e, const struct mc__words *w,
                               struct mc_err *err)
{
    char v[64];

    if (w->family == AF_INET) {
        sysctl_text("net.ipv4.igmp_max_memberships", v, sizeof v);
        return mc_err_set(err, -e,
                          "%s %s%s: this socket already holds "
                          "net.ipv4.igmp_max_memberships = %s IPv4 groups "
                          "(%s): the listener spreads groups over several "
                          "sockets on the port; or raise the limit with "
                          "sysctl -w net.ipv4.igmp_max_memberships=N",
                          w->op, w->g, w->dev, v, mc_errno_name(e));
    }
    /* IPv6 has no group count; each membership is charged to the
     * socket's option memory (sock_kmalloc against optmem_max). */
    sysctl_text("net.core.optmem_max", v, sizeof v);
    return mc_err_set(err, -e,
                      "%s %s%s: this socket's option memory "
                      "(net.core.optmem_max = %s bytes) is full of IPv6 "
                      "memberships (%s): the listener spreads groups over "
                      "several sockets on the port; or raise "
                      "net.core.optmem_max",
                      w->op, w->g, w->dev, v, mc_errno_name(e));
}

/* ENOBUFS on a source operation: the per-socket source list is full. */
static int explain_source_limit(enum mc_member_op op, const struct mc__words *w,
                                struct mc_err *err)
{
    const char *list = op == MC_OP_JOIN_SOURCE ? "include" : "exclude";
    char v[64];
    long max;

    if (w->family == AF_INET) {
        sysctl_text("net.ipv4.igmp_max_msf", v, sizeof v);
        return mc_err_set(err, -ENOBUFS,
                          "%s %s %s%s: the %s list is full: one socket may "
                          "list net.ipv4.igmp_max_msf = %s sources per "
                          "group (ENOBUFS); raise it: sysctl -w "
                          "net.ipv4.igmp_max_msf=N",
                          w->op, w->g, w->s, w->dev, list, v);
    }
    /* net.ipv6.mld_max_msf is global (not per netns) and absent inside
     * a network namespace other than the initial one. */
    if (mc_sysctl_read_long("net.ipv6.mld_max_msf", &max) == 0)
        snprintf(v, sizeof v, "= %ld", max);
    else
        snprintf(v, sizeof v, "(64 by default; not visible here)");
    return mc_err_set(err, -ENOBUFS,
                      "%s %s %s%s: the %s list is full: one socket may list "
                      "net.ipv6.mld_max_msf %s sources per group (ENOBUFS); "
                      "it is global: raise it in the host's initial "
                      "namespace: sysctl -w net.ipv6.mld_max_msf=N",
                      w->op, w->g, w->s, w->dev, list, v);
}

static int explain_eperm(int e, const struct mc__words *w, struct mc_err *err)
{
    return mc_err_set(err, -e,
                      "%s %s%s: not permitted (%s, %s): a security policy "
                      "(seccomp, SELinux/AppArmor or a cgroup BPF sockopt "
                      "program) refuses this socket option; run with the "
                      "rights it needs or change the policy",
                      w->op, w->g, w->dev, mc_errno_name(e), mc_strerror(e));
}

int mc_member_explain(int errnum, enum mc_member_op op, unsigned ifindex,
                      const struct mc_addr *group, const struct mc_addr *source,
                      enum mc_filter_mode mode_now, struct mc_err *err)
{
    int e = errnum < 0 ? -errnum : errnum;
    bool group_op = op == MC_OP_JOIN || op == MC_OP_LEAVE;
    struct mc__words w;

    mc__member_words(&w, op, ifindex, group, source);
    if (addr_set(group) && !mc_addr_is_multicast(group) && e == EINVAL)
        return explain_not_multicast(&w, err);
    switch (e) {
    case EINVAL:
        return explain_einval(op, &w, mode_now, err);
    case EADDRINUSE:
        return explain_eaddrinuse(op, &w, mode_now, err);
    case EADDRNOTAVAIL:
        return explain_eaddrnotavail(op, &w, mode_now, err);
    case ENODEV:
        return explain_enodev(&w, ifindex, err);
    case ENOBUFS:
        /* A join-source of a group not yet joined fails in its join
         * step; any other source operation at the source list limit. */
        if (op == MC_OP_JOIN ||
            (op == MC_OP_JOIN_SOURCE && mode_now == MC_MODE_NONE))
            return explain_group_limit(e, &w, err);
        if (group_op)
            break;
        return explain_source_limit(op, &w, err);
    case ENOMEM:
        /* IPv6 charges each membership to optmem (mcast.c
         * ipv6_sock_mc_join: sock_kmalloc); on IPv4 it is just memory. */
        if (w.family == AF_INET6 &&
            (op == MC_OP_JOIN || op == MC_OP_JOIN_SOURCE))
            return explain_group_limit(e, &w, err);
        break;
    case EPERM:
    case EACCES:
        return explain_eperm(e, &w, err);
    default:
        break;
    }
    return explain_generic(e, &w, err);
}

/* Checks shared by every call: the group, and the socket's family. */
int mc__member_check_group(int fd, enum mc_member_op op, unsigned ifindex,
                           const struct mc_addr *group, struct mc_err *err)
{
    struct mc__words w;
    int domain;

    if (!addr_set(group))
        return mc_err_set(err, -EINVAL,
                          "%s needs a group address (224.0.0.0/4 or "
                          "ff00::/8)",
                          mc_member_op_name(op));
    mc__member_words(&w, op, ifindex, group, NULL);
    if (!mc_addr_is_multicast(group))
        return explain_not_multicast(&w, err);
    domain = sock_domain(fd);
    if (domain < 0)
        return explain_generic(-domain, &w, err);
    if (domain != group->family)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "%s is an %s group but this socket is %s: "
                          "memberships are per family, use an %s socket",
                          w.g, mc_family_name(group->family),
                          domain == AF_INET || domain == AF_INET6
                              ? mc_family_name(domain)
                              : "not an IP socket",
                          mc_family_name(group->family));
    return 0;
}
