/*
 * mcscope core: multicast memberships.
 *
 * Two levels:
 *  - per-socket primitives, the seed's PacketConn operations on one fd
 *    (JoinGroup, LeaveGroup, JoinSourceSpecificGroup, ...), using the
 *    protocol-independent MCAST_* options of RFC 3678 §5.1;
 *  - struct mc_listener, a set of UDP sockets on one port that holds any
 *    number of memberships: the IPv4 limit of igmp_max_memberships (20)
 *    groups per socket is met by opening another socket on the same port,
 *    so a user never sees it.
 *
 * Every kernel refusal comes back as a negative errno *and* a text naming
 * the cause and the fix (SOCKET-API.md §2.2).  An ASM join inside the SSM
 * range (232/8, ff3x::/96) is refused here, as RFC 4604 §2 asks of an
 * SSM-aware host, although the Linux kernel would accept it.
 */
#ifndef MCSCOPE_MEMBER_H
#define MCSCOPE_MEMBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"
#include "mcscope/err.h"

/* The operations, for error texts and the event log. */
enum mc_member_op {
    MC_OP_JOIN,           /* MCAST_JOIN_GROUP */
    MC_OP_LEAVE,          /* MCAST_LEAVE_GROUP */
    MC_OP_JOIN_SOURCE,    /* MCAST_JOIN_SOURCE_GROUP (include mode) */
    MC_OP_LEAVE_SOURCE,   /* MCAST_LEAVE_SOURCE_GROUP */
    MC_OP_EXCLUDE_SOURCE, /* MCAST_BLOCK_SOURCE (exclude mode) */
    MC_OP_INCLUDE_SOURCE, /* MCAST_UNBLOCK_SOURCE */
};

/* The command-language word of an operation ("join-source"). */
const char *mc_member_op_name(enum mc_member_op op);

enum mc_filter_mode {
    MC_MODE_NONE = 0, /* not joined */
    MC_MODE_ASM,      /* exclude mode with no sources */
    MC_MODE_INCLUDE,
    MC_MODE_EXCLUDE, /* exclude mode with at least one blocked source */
};
const char *mc_filter_mode_name(enum mc_filter_mode mode); /* "asm", ... */

/* A filter mode with its sources as text, the one form every view uses:
 * "exclude{a,b}", "include{a}", "asm", "none" (the mode's name, then the
 * n sources in braces when n > 0), cut to len - 1 bytes.  Returns buf. */
const char *mc_filter_format(enum mc_filter_mode mode,
                             const struct mc_addr *src, size_t n, char *buf,
                             size_t len);

/* A socket's filter for one (group, interface), as the kernel holds it. */
struct mc_filter {
    enum mc_filter_mode mode;
    size_t nsources;         /* total the kernel holds */
    struct mc_addr *sources; /* the first min(nsources, cap) of them */
    size_t cap;
};
void mc_filter_free(struct mc_filter *f); /* frees sources, keeps struct */

/*
 * One membership operation on one socket.  source is NULL for MC_OP_JOIN
 * and MC_OP_LEAVE and required for the others.  ifindex 0 lets the kernel
 * choose by route (the seed calls it "not recommended"); a link-local group
 * without an interface is refused before the kernel is asked.
 */
/* A family mismatch (socket vs group, group vs source) gives -EAFNOSUPPORT;
 * a source given to join or leave, -EINVAL. */
int mc_member_apply(int fd, enum mc_member_op op, unsigned ifindex,
                    const struct mc_addr *group, const struct mc_addr *source,
                    struct mc_err *err);

/* The same without mcscope's own refusal of an any-source join in an SSM
 * range (RFC 4604 §2, RFC 4607 §1): what the kernel does with it (Linux
 * accepts it, and exclude-source after it).  The command language's
 * `force` (join GROUP ... force). */
int mc_member_apply_forced(int fd, enum mc_member_op op, unsigned ifindex,
                           const struct mc_addr *group,
                           const struct mc_addr *source, struct mc_err *err);

/* The seed's names, as thin wrappers of mc_member_apply. */
int mc_join_group(int fd, unsigned ifindex, const struct mc_addr *group,
                  struct mc_err *err);
int mc_leave_group(int fd, unsigned ifindex, const struct mc_addr *group,
                   struct mc_err *err);
int mc_join_source_group(int fd, unsigned ifindex, const struct mc_addr *group,
                         const struct mc_addr *source, struct mc_err *err);
int mc_leave_source_group(int fd, unsigned ifindex, const struct mc_addr *group,
                          const struct mc_addr *source, struct mc_err *err);
int mc_exclude_source(int fd, unsigned ifindex, const struct mc_addr *group,
                      const struct mc_addr *source, struct mc_err *err);
int mc_include_source(int fd, unsigned ifindex, const struct mc_addr *group,
                      const struct mc_addr *source, struct mc_err *err);

/*
 * Read the socket's filter for (group, ifindex) back from the kernel
 * (getsockopt MCAST_MSFILTER, RFC 3678 §5.2).  A group this socket has not
 * joined gives mode MC_MODE_NONE and 0 (not an error).  out->sources is
 * allocated; free with mc_filter_free.
 */
int mc_filter_get(int fd, unsigned ifindex, const struct mc_addr *group,
                  struct mc_filter *out, struct mc_err *err);

/*
 * Explain a kernel errno from a membership operation: fills err with the
 * cause and fix for op on group/source/interface.  mode_now is the filter
 * mode before the call (MC_MODE_NONE when unknown/not joined).  Returns
 * -errnum.  Exposed for the unit tests of the errno table.
 */
int mc_member_explain(int errnum, enum mc_member_op op, unsigned ifindex,
                      const struct mc_addr *group, const struct mc_addr *source,
                      enum mc_filter_mode mode_now, struct mc_err *err);

/* ---- listeners: several sockets on one port, memberships spread ---- */

struct mc_listener; /* opaque */

struct mc_listener_opts {
    int family; /* AF_INET or AF_INET6 */
    uint16_t port;
    const struct mc_addr *bind_addr; /* NULL: wildcard (the usual) */
    unsigned bind_ifindex;           /* scope for a link-local bind_addr */
    bool multicast_all; /* default false: IP(V6)_MULTICAST_ALL off */
    int rcvbuf;         /* 0: kernel default */
    unsigned cm_flags;  /* MC_CM_* receive flags for every socket */
    bool timestamps;    /* SO_TIMESTAMPNS + SO_RXQ_OVFL */
};

int mc_listener_new(const struct mc_listener_opts *opts,
                    struct mc_listener **out, struct mc_err *err);
void mc_listener_free(struct mc_listener *l); /* closes its sockets */

/* Membership operation routed to the socket that holds (group, ifindex),
 * or, for a new group, to one with room (opening a socket when all are
 * full).  Errors as mc_member_apply. */
int mc_listener_apply(struct mc_listener *l, enum mc_member_op op,
                      unsigned ifindex, const struct mc_addr *group,
                      const struct mc_addr *source, struct mc_err *err);
/* The same by mc_member_apply_forced (`force`). */
int mc_listener_apply_forced(struct mc_listener *l, enum mc_member_op op,
                             unsigned ifindex, const struct mc_addr *group,
                             const struct mc_addr *source, struct mc_err *err);
int mc_listener_filter(const struct mc_listener *l, unsigned ifindex,
                       const struct mc_addr *group, struct mc_filter *out,
                       struct mc_err *err);

/* Apply a setting to every socket (and to sockets opened later). */
int mc_listener_set_cm_flags(struct mc_listener *l, unsigned flags, bool on,
                             struct mc_err *err);
int mc_listener_set_multicast_all(struct mc_listener *l, bool on,
                                  struct mc_err *err);

/* The sockets, for poll(): count and fd of each.  Valid until the next
 * membership change. */
size_t mc_listener_nsockets(const struct mc_listener *l);
int mc_listener_fd(const struct mc_listener *l, size_t i);
/* Memberships held, over all sockets. */
size_t mc_listener_ngroups(const struct mc_listener *l);
int mc_listener_family(const struct mc_listener *l);
uint16_t mc_listener_port(const struct mc_listener *l);

/* The per-socket group limit the listener plans with (IPv4: the netns's
 * net.ipv4.igmp_max_memberships, read once; IPv6: none, 0). */
unsigned mc_listener_groups_per_socket(const struct mc_listener *l);

#endif
