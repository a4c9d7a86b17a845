/*
 * mcscope core: multicast memberships: one operation on one socket.
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
#include "member_priv.h"

#include <errno.h>

#include "util.h"

/* ---- applying an operation ---- */

static int check_source(enum mc_member_op op, const struct mc_addr *group,
                        const struct mc_addr *source, struct mc_err *err)
{
    char g[MC_ADDR_STRLEN], s[MC_ADDR_STRLEN];
    const char *word = mc_member_op_name(op);

    mc_addr_format(group, g, sizeof g);
    if (!mc__member_op(op)->has_source) {
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
                          s, mc_family_name(source->family), g,
                          mc_family_name(group->family));
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

/* Refusals the kernel would not make (RFC 4604 §2, RFC 4607); force
 * lets an any-source join of an SSM group through to the kernel. */
static int check_scope(enum mc_member_op op, unsigned ifindex,
                       const struct mc_addr *group, bool force,
                       struct mc_err *err)
{
    struct mc_group_info gi;
    char g[MC_ADDR_STRLEN];

    mc_group_classify(group, &gi);
    mc_addr_format(group, g, sizeof g);
    if (op == MC_OP_JOIN && gi.ssm && !force)
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
                      bool force, struct mc_err *err)
{
    int rc;

    if (mc__member_op(op) == NULL)
        return mc_err_set(err, -EINVAL, "unknown membership operation %d",
                          (int)op);
    rc = mc__member_check_group(fd, op, ifindex, group, err);
    if (rc == 0)
        rc = check_source(op, group, source, err);
    if (rc == 0)
        rc = check_scope(op, ifindex, group, force, err);
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

    if (mc__member_op(op)->has_source) {
        memset(&gsr, 0, sizeof gsr);
        gsr.gsr_interface = ifindex;
        fill_sockaddr(group, &gsr.gsr_group);
        fill_sockaddr(source, &gsr.gsr_source);
        rc =
            setsockopt(fd, level, mc__member_op(op)->optname, &gsr, sizeof gsr);
    } else {
        memset(&gr, 0, sizeof gr);
        gr.gr_interface = ifindex;
        fill_sockaddr(group, &gr.gr_group);
        rc = setsockopt(fd, level, mc__member_op(op)->optname, &gr, sizeof gr);
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
    if (mc__member_mode_now(fd, ifindex, group) != MC_MODE_ASM)
        return 0;
    return mc_member_explain(EADDRNOTAVAIL, MC_OP_LEAVE_SOURCE, ifindex, group,
                             source, MC_MODE_ASM, err);
}

static int member_apply(int fd, enum mc_member_op op, unsigned ifindex,
                        const struct mc_addr *group,
                        const struct mc_addr *source, bool force,
                        struct mc_err *err)
{
    enum mc_filter_mode mode = MC_MODE_NONE;
    int rc;

    mc_err_clear(err);
    rc = check_args(fd, op, ifindex, group, source, force, err);
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
        mode = mc__member_mode_now(fd, ifindex, group);
    return mc_member_explain(rc, op, ifindex, group, source, mode, err);
}

int mc_member_apply(int fd, enum mc_member_op op, unsigned ifindex,
                    const struct mc_addr *group, const struct mc_addr *source,
                    struct mc_err *err)
{
    return member_apply(fd, op, ifindex, group, source, false, err);
}

int mc_member_apply_forced(int fd, enum mc_member_op op, unsigned ifindex,
                           const struct mc_addr *group,
                           const struct mc_addr *source, struct mc_err *err)
{
    return member_apply(fd, op, ifindex, group, source, true, err);
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
