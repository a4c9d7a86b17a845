/*
 * mcscope core: multicast memberships.
 *
 * The per-socket primitives use the protocol-independent options of
 * RFC 3678 §5.1 (MCAST_JOIN_GROUP, MCAST_BLOCK_SOURCE, ...) with struct
 * group_req / group_source_req, at level IPPROTO_IP for IPv4 groups and
 * IPPROTO_IPV6 for IPv6 groups, and read the filter back with
 * MCAST_MSFILTER (RFC 3678 §5.2).  The kernel's answers are those of
 * net/ipv4/igmp.c (ip_mc_join_group, ip_mc_source, ip_mc_gsfget) and
 * net/ipv6/mcast.c (ipv6_sock_mc_join, ip6_mc_source, ip6_mc_msfget); see
 * SOCKET-API.md §2.2 for the errno of each misuse.
 */
#include "mcscope/member.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mcscope/cmsg.h"
#include "mcscope/kstate.h"
#include "mcscope/sock.h"

/* ---- operations ---- */

struct op_info {
    const char *name; /* the command-language word */
    int optname;      /* the MCAST_* option */
    bool has_source;  /* group_source_req rather than group_req */
};

static const struct op_info op_table[] = {
    [MC_OP_JOIN] = {"join", MCAST_JOIN_GROUP, false},
    [MC_OP_LEAVE] = {"leave", MCAST_LEAVE_GROUP, false},
    [MC_OP_JOIN_SOURCE] = {"join-source", MCAST_JOIN_SOURCE_GROUP, true},
    [MC_OP_LEAVE_SOURCE] = {"leave-source", MCAST_LEAVE_SOURCE_GROUP, true},
    [MC_OP_EXCLUDE_SOURCE] = {"exclude-source", MCAST_BLOCK_SOURCE, true},
    [MC_OP_INCLUDE_SOURCE] = {"include-source", MCAST_UNBLOCK_SOURCE, true},
};

#define N_OPS (sizeof op_table / sizeof op_table[0])

static bool op_valid(enum mc_member_op op)
{
    return (unsigned)op < N_OPS;
}

const char *mc_member_op_name(enum mc_member_op op)
{
    return op_valid(op) ? op_table[op].name : "membership operation";
}

const char *mc_filter_mode_name(enum mc_filter_mode mode)
{
    switch (mode) {
    case MC_MODE_NONE:
        return "none";
    case MC_MODE_ASM:
        return "asm";
    case MC_MODE_INCLUDE:
        return "include";
    case MC_MODE_EXCLUDE:
        return "exclude";
    }
    return "?";
}

void mc_filter_free(struct mc_filter *f)
{
    if (f == NULL)
        return;
    free(f->sources);
    f->sources = NULL;
    f->nsources = 0;
    f->cap = 0;
}

static int sock_level(int family)
{
    return family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
}

static const char *family_name(int family)
{
    return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "?";
}

/* The socket's family (SO_DOMAIN), or a negative errno. */
static int sock_domain(int fd)
{
    int domain = 0;
    socklen_t len = sizeof domain;

    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0)
        return -errno;
    return domain;
}

static bool addr_set(const struct mc_addr *a)
{
    return a != NULL && (a->family == AF_INET || a->family == AF_INET6);
}

/* ---- the words of an error text ---- */

/* What the texts say about one operation. */
struct words {
    const char *op;             /* "join" */
    int family;                 /* the group's */
    char g[MC_ADDR_STRLEN];     /* group */
    char s[MC_ADDR_STRLEN];     /* source, or "SOURCE" */
    char ifn[IF_NAMESIZE + 12]; /* interface name, or "IFACE" */
    char on[IF_NAMESIZE + 20];  /* " on lo", or "" when ifindex is 0 */
    char dev[IF_NAMESIZE + 20]; /* " dev lo", or "" when ifindex is 0 */
    bool if_exists;             /* ifindex names a live interface */
    bool ssm;                   /* the group is in 232/8 or ff3x::/96 */
};

static void words_fill(struct words *w, enum mc_member_op op, unsigned ifindex,
                       const struct mc_addr *group,
                       const struct mc_addr *source)
{
    char tmp[IF_NAMESIZE];
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
    w->if_exists = if_indextoname(ifindex, tmp) != NULL;
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

static int explain_generic(int e, const struct words *w, struct mc_err *err)
{
    return mc_err_set(err, -e, "%s %s%s failed: %s (%s)", w->op, w->g, w->dev,
                      mc_errno_name(e), mc_strerror(e));
}

static int explain_not_multicast(const struct words *w, struct mc_err *err)
{
    return mc_err_set(err, -EINVAL,
                      "%s is not a multicast group: groups are "
                      "224.0.0.0/4 or ff00::/8",
                      w->g);
}

/* EINVAL from exclude-source / include-source (MCAST_(UN)BLOCK_SOURCE):
 * no prior join, or the group is in INCLUDE mode. */
static int einval_block(enum mc_member_op op, const struct words *w,
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
static int einval_join_source(const struct words *w, enum mc_filter_mode mode,
                              struct mc_err *err)
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

static int einval_leave_source(const struct words *w, enum mc_filter_mode mode,
                               struct mc_err *err)
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

static int explain_einval(enum mc_member_op op, const struct words *w,
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

static int explain_eaddrinuse(enum mc_member_op op, const struct words *w,
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

static int explain_eaddrnotavail(enum mc_member_op op, const struct words *w,
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

static int explain_enodev(const struct words *w, unsigned ifindex,
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
                          w->op, w->g, w->dev, w->ifn, family_name(w->family),
                          family_name(w->family));
    return mc_err_set(err, -ENODEV,
                      "%s %s: there is no interface with index %u (ENODEV): "
                      "name an existing interface (ip link lists them)",
                      w->op, w->g, ifindex);
}

/* ENOBUFS / ENOMEM when a socket cannot hold another group. */
static int explain_group_limit(int e, const struct words *w, struct mc_err *err)
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
static int explain_source_limit(enum mc_member_op op, const struct words *w,
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

static int explain_eperm(int e, const struct words *w, struct mc_err *err)
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
    struct words w;

    words_fill(&w, op, ifindex, group, source);
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

/* ---- reading the filter back (MCAST_MSFILTER) ---- */

/* First guess at the source count; more is read on a second call. */
#define FILTER_ROOM0 8
/* Beyond any igmp_max_msf / mld_max_msf seen in practice. */
#define FILTER_ROOM_MAX 65536u

static void fill_sockaddr(const struct mc_addr *a, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    mc_addr_to_sockaddr(a, 0, 0, ss);
}

static enum mc_filter_mode mode_of_kernel(uint32_t fmode, size_t n)
{
    if (fmode == MCAST_INCLUDE)
        /*
         * INCLUDE{} is not "not joined": the kernel holds the membership
         * and delivers nothing (a leave-source on an ASM group makes it,
         * see guard_leave_source).  It reads back as include mode with no
         * source.
         */
        return MC_MODE_INCLUDE;
    return n == 0 ? MC_MODE_ASM : MC_MODE_EXCLUDE;
}

/* Copy the kernel's answer into out: the mode, the total and the first
 * min(total, room) sources. */
static int filter_take(const struct group_filter *gf, size_t room,
                       struct mc_filter *out)
{
    const struct sockaddr_storage *slist = gf->gf_slist;
    size_t n = gf->gf_numsrc < room ? gf->gf_numsrc : room;
    size_t i;

    out->mode = mode_of_kernel(gf->gf_fmode, gf->gf_numsrc);
    out->nsources = gf->gf_numsrc;
    out->cap = n;
    out->sources = NULL;
    if (n == 0)
        return 0;
    out->sources = calloc(n, sizeof *out->sources);
    if (out->sources == NULL) {
        out->cap = 0;
        return -ENOMEM;
    }
    for (i = 0; i < n; i++)
        mc_addr_from_sockaddr((const struct sockaddr *)&slist[i],
                              &out->sources[i], NULL);
    return 0;
}

/*
 * One getsockopt(MCAST_MSFILTER) with room for `room` sources.  The kernel
 * needs optlen >= GROUP_FILTER_SIZE(0), writes the total into gf_numsrc
 * and copies min(total, room) sources.  Returns 0 (out filled), 1 when
 * the group is not joined, or a negative errno.
 */
static int filter_call(int fd, int level, unsigned ifindex,
                       const struct mc_addr *group, size_t room,
                       struct mc_filter *out)
{
    size_t size = GROUP_FILTER_SIZE(room);
    struct group_filter *gf;
    socklen_t len = (socklen_t)size;
    int rc;

    if (size < sizeof *gf)
        size = sizeof *gf;
    gf = calloc(1, size);
    if (gf == NULL)
        return -ENOMEM;
    gf->gf_interface = ifindex;
    fill_sockaddr(group, &gf->gf_group);
    gf->gf_numsrc = (uint32_t)room;
    if (getsockopt(fd, level, MCAST_MSFILTER, gf, &len) < 0) {
        rc = -errno;
        free(gf);
        /* "must have a prior join": EADDRNOTAVAIL (igmp.c ip_mc_gsfget,
         * mcast.c ip6_mc_msfget); some kernels said EINVAL. */
        return rc == -EADDRNOTAVAIL || rc == -EINVAL ? 1 : rc;
    }
    rc = filter_take(gf, room, out);
    free(gf);
    return rc;
}

/* The filter on one interface: 0, 1 when not joined there, or a negative
 * errno. */
static int filter_read(int fd, int level, unsigned ifindex,
                       const struct mc_addr *group, struct mc_filter *out)
{
    size_t room = FILTER_ROOM0;
    int tries, rc;

    for (tries = 0;; tries++) {
        rc = filter_call(fd, level, ifindex, group, room, out);
        if (rc != 0 || out->nsources <= room || room >= FILTER_ROOM_MAX)
            return rc;
        /* More sources than room: ask again with room for all of them.
         * The list may grow in between; the last try takes the most. */
        room = out->nsources;
        if (room > FILTER_ROOM_MAX || tries >= 2)
            room = FILTER_ROOM_MAX;
        mc_filter_free(out);
    }
}

/*
 * ifindex 0: the kernel stored the interface it chose by route (igmp.c
 * ip_mc_find_dev, mcast.c ipv6_sock_mc_join) and MCAST_MSFILTER compares
 * gf_interface exactly, so look on every interface.
 */
static int filter_read_any(int fd, int level, const struct mc_addr *group,
                           struct mc_filter *out)
{
    struct if_nameindex *ifs = if_nameindex(), *p;
    int rc = 1;

    if (ifs == NULL)
        return 1;
    for (p = ifs; p->if_index != 0; p++) {
        /* An interface the kernel will not answer for holds nothing. */
        if (filter_read(fd, level, p->if_index, group, out) == 0) {
            rc = 0;
            break;
        }
    }
    if_freenameindex(ifs);
    return rc;
}

/* Checks shared by every call: the group, and the socket's family. */
static int check_group(int fd, enum mc_member_op op, unsigned ifindex,
                       const struct mc_addr *group, struct mc_err *err)
{
    struct words w;
    int domain;

    if (!addr_set(group))
        return mc_err_set(err, -EINVAL,
                          "%s needs a group address (224.0.0.0/4 or "
                          "ff00::/8)",
                          mc_member_op_name(op));
    words_fill(&w, op, ifindex, group, NULL);
    if (!mc_addr_is_multicast(group))
        return explain_not_multicast(&w, err);
    domain = sock_domain(fd);
    if (domain < 0)
        return explain_generic(-domain, &w, err);
    if (domain != group->family)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "%s is an %s group but this socket is %s: "
                          "memberships are per family, use an %s socket",
                          w.g, family_name(group->family),
                          domain == AF_INET || domain == AF_INET6
                              ? family_name(domain)
                              : "not an IP socket",
                          family_name(group->family));
    return 0;
}

int mc_filter_get(int fd, unsigned ifindex, const struct mc_addr *group,
                  struct mc_filter *out, struct mc_err *err)
{
    struct words w;
    int rc;

    mc_err_clear(err);
    if (out == NULL)
        return mc_err_set(err, -EINVAL, "no filter to fill");
    memset(out, 0, sizeof *out);
    rc = check_group(fd, MC_OP_JOIN, ifindex, group, err);
    if (rc < 0)
        return rc;
    if (ifindex == 0)
        rc = filter_read_any(fd, sock_level(group->family), group, out);
    else
        rc = filter_read(fd, sock_level(group->family), ifindex, group, out);
    if (rc == 1) {
        memset(out, 0, sizeof *out);
        out->mode = MC_MODE_NONE;
        return 0;
    }
    if (rc < 0) {
        words_fill(&w, MC_OP_JOIN, ifindex, group, NULL);
        return mc_err_set(err, rc,
                          "reading the filter of %s%s (MCAST_MSFILTER) "
                          "failed: %s (%s)",
                          w.g, w.on, mc_errno_name(rc), mc_strerror(rc));
    }
    return 0;
}

/* The socket's mode for (group, ifindex); NONE when unknown. */
static enum mc_filter_mode mode_now(int fd, unsigned ifindex,
                                    const struct mc_addr *group)
{
    struct mc_filter f;
    enum mc_filter_mode mode = MC_MODE_NONE;

    if (mc_filter_get(fd, ifindex, group, &f, NULL) == 0)
        mode = f.mode;
    mc_filter_free(&f);
    return mode;
}

/* ---- applying an operation ---- */

static int check_source(enum mc_member_op op, const struct mc_addr *group,
                        const struct mc_addr *source, struct mc_err *err)
{
    char g[MC_ADDR_STRLEN], s[MC_ADDR_STRLEN];
    const char *word = mc_member_op_name(op);

    mc_addr_format(group, g, sizeof g);
    if (!op_table[op].has_source) {
        if (addr_set(source))
            return mc_err_set(err, -EINVAL,
                              "%s takes no source: use join-source, "
                              "leave-source, exclude-source or "
                              "include-source GROUP SOURCE",
                              word);
        return 0;
    }
    if (!addr_set(source))
        return mc_err_set(err, -EINVAL, "%s needs a source: %s %s SOURCE", word,
                          word, g);
    mc_addr_format(source, s, sizeof s);
    if (source->family != group->family)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "source %s is %s but group %s is %s: a source "
                          "and its group are of one family",
                          s, family_name(source->family), g,
                          family_name(group->family));
    if (mc_addr_is_multicast(source))
        return mc_err_set(err, -EINVAL,
                          "source %s is a multicast address: a source is "
                          "the unicast address of a sender",
                          s);
    if (mc_addr_is_unspecified(source))
        return mc_err_set(err, -EINVAL,
                          "source %s is the unspecified address: name the "
                          "sender's unicast address",
                          s);
    return 0;
}

/* Refusals the kernel would not make (RFC 4604 §2, RFC 4607). */
static int check_scope(enum mc_member_op op, unsigned ifindex,
                       const struct mc_addr *group, struct mc_err *err)
{
    struct mc_group_info gi;
    char g[MC_ADDR_STRLEN];

    mc_group_classify(group, &gi);
    mc_addr_format(group, g, sizeof g);
    if (op == MC_OP_JOIN && gi.ssm)
        /* RFC 4604 §2: an SSM-aware host SHOULD refuse an ASM join
         * (exclude mode) of an SSM address; Linux accepts it. */
        return mc_err_set(
            err, -EINVAL,
            "%s is in the SSM range %s (RFC 4607): it has no "
            "any-source join: use join-source GROUP SOURCE",
            g, group->family == AF_INET ? "232.0.0.0/8" : "ff3x::/96");
    if (gi.link_local && ifindex == 0)
        return mc_err_set(err, -EINVAL,
                          "%s is a link-local group: it needs an interface: "
                          "%s%%IFACE or 'dev IFACE'",
                          g, g);
    return 0;
}

static int check_args(int fd, enum mc_member_op op, unsigned ifindex,
                      const struct mc_addr *group, const struct mc_addr *source,
                      struct mc_err *err)
{
    int rc;

    if (!op_valid(op))
        return mc_err_set(err, -EINVAL, "unknown membership operation %d",
                          (int)op);
    rc = check_group(fd, op, ifindex, group, err);
    if (rc == 0)
        rc = check_source(op, group, source, err);
    if (rc == 0)
        rc = check_scope(op, ifindex, group, err);
    return rc;
}

/* The setsockopt itself; 0 or a negative errno. */
static int member_setsockopt(int fd, enum mc_member_op op, unsigned ifindex,
                             const struct mc_addr *group,
                             const struct mc_addr *source)
{
    int level = sock_level(group->family);
    struct group_source_req gsr;
    struct group_req gr;
    int rc;

    if (op_table[op].has_source) {
        memset(&gsr, 0, sizeof gsr);
        gsr.gsr_interface = ifindex;
        fill_sockaddr(group, &gsr.gsr_group);
        fill_sockaddr(source, &gsr.gsr_source);
        rc = setsockopt(fd, level, op_table[op].optname, &gsr, sizeof gsr);
    } else {
        memset(&gr, 0, sizeof gr);
        gr.gr_interface = ifindex;
        fill_sockaddr(group, &gr.gr_group);
        rc = setsockopt(fd, level, op_table[op].optname, &gr, sizeof gr);
    }
    return rc < 0 ? -errno : 0;
}

/*
 * A leave-source on a group joined in ASM mode: the kernel answers
 * EADDRNOTAVAIL, but first switches the empty exclude filter to an empty
 * include filter ("allow mode switches for empty-set filters" in
 * ip_mc_source / ip6_mc_source), so the socket stays joined and receives
 * nothing.  Refuse it before the kernel is asked.
 */
static int guard_leave_source(int fd, unsigned ifindex,
                              const struct mc_addr *group,
                              const struct mc_addr *source, struct mc_err *err)
{
    if (mode_now(fd, ifindex, group) != MC_MODE_ASM)
        return 0;
    return mc_member_explain(EADDRNOTAVAIL, MC_OP_LEAVE_SOURCE, ifindex, group,
                             source, MC_MODE_ASM, err);
}

int mc_member_apply(int fd, enum mc_member_op op, unsigned ifindex,
                    const struct mc_addr *group, const struct mc_addr *source,
                    struct mc_err *err)
{
    enum mc_filter_mode mode = MC_MODE_NONE;
    int rc;

    mc_err_clear(err);
    rc = check_args(fd, op, ifindex, group, source, err);
    if (rc < 0)
        return rc;
    if (op == MC_OP_LEAVE_SOURCE) {
        rc = guard_leave_source(fd, ifindex, group, source, err);
        if (rc < 0)
            return rc;
    }
    rc = member_setsockopt(fd, op, ifindex, group, source);
    if (rc == 0)
        return 0;
    /*
     * The texts for these depend on the mode.  A refused call leaves the
     * filter as it was, so reading it now gives the mode before the call.
     */
    if (rc == -EINVAL || rc == -EADDRINUSE || rc == -EADDRNOTAVAIL ||
        rc == -ENOBUFS)
        mode = mode_now(fd, ifindex, group);
    return mc_member_explain(rc, op, ifindex, group, source, mode, err);
}

int mc_join_group(int fd, unsigned ifindex, const struct mc_addr *group,
                  struct mc_err *err)
{
    return mc_member_apply(fd, MC_OP_JOIN, ifindex, group, NULL, err);
}

int mc_leave_group(int fd, unsigned ifindex, const struct mc_addr *group,
                   struct mc_err *err)
{
    return mc_member_apply(fd, MC_OP_LEAVE, ifindex, group, NULL, err);
}

int mc_join_source_group(int fd, unsigned ifindex, const struct mc_addr *group,
                         const struct mc_addr *source, struct mc_err *err)
{
    return mc_member_apply(fd, MC_OP_JOIN_SOURCE, ifindex, group, source, err);
}

int mc_leave_source_group(int fd, unsigned ifindex, const struct mc_addr *group,
                          const struct mc_addr *source, struct mc_err *err)
{
    return mc_member_apply(fd, MC_OP_LEAVE_SOURCE, ifindex, group, source, err);
}

int mc_exclude_source(int fd, unsigned ifindex, const struct mc_addr *group,
                      const struct mc_addr *source, struct mc_err *err)
{
    return mc_member_apply(fd, MC_OP_EXCLUDE_SOURCE, ifindex, group, source,
                           err);
}

int mc_include_source(int fd, unsigned ifindex, const struct mc_addr *group,
                      const struct mc_addr *source, struct mc_err *err)
{
    return mc_member_apply(fd, MC_OP_INCLUDE_SOURCE, ifindex, group, source,
                           err);
}

/* ---- listeners ---- */

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

    if (l->ns == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 4;

        grown = realloc(l->s, cap * sizeof *grown);
        if (grown == NULL)
            return mc_err_set(err, -ENOMEM, "out of memory for a socket");
        l->s = grown;
        l->cap = cap;
    }
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
                          family_name(opts->family));
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

    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        struct membership *grown = realloc(s->m, cap * sizeof *grown);

        if (grown == NULL)
            return mc_err_set(err, -ENOMEM, "out of memory for a membership");
        s->m = grown;
        s->cap = cap;
    }
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
static int join_new(struct mc_listener *l, enum mc_member_op op,
                    unsigned ifindex, const struct mc_addr *group,
                    const struct mc_addr *source, struct mc_err *err)
{
    struct mc_err open_err;
    int si, rc, retry;

    si = socket_with_room(l, err);
    if (si < 0)
        return si;
    rc = mc_member_apply(l->s[si].fd, op, ifindex, group, source, err);
    if (is_socket_full(rc)) {
        /* The limit changed since we read it, or optmem ran out: once
         * more on a fresh socket. */
        l->s[si].full = true;
        retry = open_socket(l, &open_err);
        if (retry < 0)
            return rc;
        si = retry;
        rc = mc_member_apply(l->s[si].fd, op, ifindex, group, source, err);
    }
    if (rc < 0) {
        drop_if_empty(l, (size_t)si);
        return rc;
    }
    return add_membership(l, (size_t)si, ifindex, group,
                          op == MC_OP_JOIN_SOURCE ? 1 : 0, err);
}

/* An operation on a (group, ifindex) that socket si holds as entry mi. */
static int apply_held(struct mc_listener *l, size_t si, size_t mi,
                      enum mc_member_op op, unsigned ifindex,
                      const struct mc_addr *group, const struct mc_addr *source,
                      struct mc_err *err)
{
    struct membership *m = &l->s[si].m[mi];
    int rc;

    rc = mc_member_apply(l->s[si].fd, op, ifindex, group, source, err);
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

int mc_listener_apply(struct mc_listener *l, enum mc_member_op op,
                      unsigned ifindex, const struct mc_addr *group,
                      const struct mc_addr *source, struct mc_err *err)
{
    size_t si, mi;

    mc_err_clear(err);
    if (l == NULL)
        return mc_err_set(err, -EINVAL, "no listener");
    if (addr_set(group) && find_membership(l, ifindex, group, &si, &mi))
        return apply_held(l, si, mi, op, ifindex, group, source, err);
    if (op == MC_OP_JOIN || op == MC_OP_JOIN_SOURCE)
        return join_new(l, op, ifindex, group, source, err);
    /* Not held: let the kernel refuse it on the first socket, with the
     * text that goes with its errno. */
    return mc_member_apply(l->s[0].fd, op, ifindex, group, source, err);
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
