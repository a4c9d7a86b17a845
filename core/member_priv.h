/*
 * mcscope core: what the files of the memberships share (private; not
 * under core/include).  The public contract is mcscope/member.h.
 *
 * The calls go one way: member_listener.c (the sockets of one port) ->
 * member.c (one operation on one socket) -> member_filter.c (reading the
 * filter back) -> member_explain.c (the checks and the texts of every
 * refusal) -> member_op.c (the table of operations).
 */
#ifndef MCSCOPE_MEMBER_PRIV_H
#define MCSCOPE_MEMBER_PRIV_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "mcscope/member.h"

static inline int sock_level(int family)
{
    return family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6;
}

static inline bool addr_set(const struct mc_addr *a)
{
    return a != NULL && (a->family == AF_INET || a->family == AF_INET6);
}

static inline void fill_sockaddr(const struct mc_addr *a,
                                 struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    mc_addr_to_sockaddr(a, 0, 0, ss);
}

/* member_op.c: one operation's word, MCAST_* option and whether it names
 * a source; NULL for an operation that does not exist. */
struct mc__member_op {
    const char *name; /* the command-language word */
    int optname;      /* the MCAST_* option */
    bool has_source;  /* group_source_req rather than group_req */
};
const struct mc__member_op *mc__member_op(enum mc_member_op op);

/* member_explain.c: what the texts say about one operation. */
struct mc__words {
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
void mc__member_words(struct mc__words *w, enum mc_member_op op,
                      unsigned ifindex, const struct mc_addr *group,
                      const struct mc_addr *source);
/* Checks shared by every call: the group, and the socket's family. */
int mc__member_check_group(int fd, enum mc_member_op op, unsigned ifindex,
                           const struct mc_addr *group, struct mc_err *err);

/* member_filter.c: the socket's mode for (group, ifindex); NONE when
 * unknown. */
enum mc_filter_mode mc__member_mode_now(int fd, unsigned ifindex,
                                        const struct mc_addr *group);

#endif
