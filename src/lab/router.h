/*
 * mcscope: the router of the routed lab (topo.h), in RT.
 *
 * RT always routes unicast (forwarding on, net.c): ICMPv6 Packet Too Big
 * and the path MTU work as on any router.  Multicast is forwarded from
 * subnet A (up0) to subnet B (dn0) by one of two:
 *
 *  - smcroute (Debian's smcroute), where the kernel does multicast
 *    routing (CONFIG_IP_MROUTE and CONFIG_IPV6_MROUTE: /proc/net/ip_mr_vif
 *    and /proc/net/ip6_mr_vif exist): smcrouted in RT with static (*,G)
 *    routes from up0 to dn0 for the lab's prefixes (LABROUTER_ROUTES);
 *    the kernel's multicast forwarding decrements the hop limit and
 *    drops what would leave with 0.  No PIM: an SSM join from RX does not
 *    travel upstream; the routes are static, so every configured group is
 *    forwarded whether or not RX is a member.
 *
 *  - a stand-in in the kernel's datapath, where the kernel has no
 *    multicast routing (the build and CI machines of this project): an
 *    nftables netdev table on up0's ingress that takes every multicast
 *    UDP datagram wider than link scope (IPv6 scope 3 and up; IPv4
 *    outside 224.0.0.0/24), drops it when its hop limit / TTL is 1 or 0
 *    (as a router does), else sets the hop limit / TTL one lower (IPv6:
 *    one map; IPv4: one rule per value, nft updates the header checksum)
 *    and forwards it (`fwd`) out of dn0.  It cannot: speak PIM or MLD/IGMP
 *    (it forwards every such group whether or not RX is a member, the
 *    SSM (S,G) included: RX's own kernel still filters what its sockets
 *    get, but the wire of subnet B carries every source); send ICMPv6
 *    Packet Too Big for a multicast datagram larger than dn0's MTU (it is
 *    dropped silently); rewrite the Ethernet source (the frame keeps the
 *    sender's MAC).  Its counters (nft list table netdev mcslab) count
 *    what it forwarded and what it dropped.
 */
#ifndef MCSCOPE_LAB_ROUTER_H
#define MCSCOPE_LAB_ROUTER_H

#include <stddef.h>

#include "topo.h"

enum labrouter_kind {
    LABROUTER_NONE,
    LABROUTER_NFT,      /* the stand-in */
    LABROUTER_SMCROUTE, /* smcrouted with static routes */
};

/* The nft table's name in RT. */
#define LABROUTER_TABLE "mcslab"

/* Does this kernel route multicast (both families)?  When not, why says
 * which option it lacks. */
int labrouter_kernel_mroute(char *why, size_t len);

/*
 * Start the router in the namespace of rt_fd (rt_name: the namespace's
 * name, for smcroute's files; NULL in user namespaces) between up and down
 * (RT's interfaces on links 0 and 1): smcroute where the kernel routes
 * multicast, else the stand-in.  0 (kind set), or -1 with why.
 */
int labrouter_up(int rt_fd, const char *rt_name, const char *up,
                 const char *down, enum labrouter_kind *kind, char *why,
                 size_t len);

/* Remove the files smcroute's run of rt_name used (the namespace's end
 * stops the daemon and takes the nft table with it). */
void labrouter_forget(const char *rt_name);

/* One short line: which router runs (the lab's picture). */
const char *labrouter_name(enum labrouter_kind kind);

/* "nftables stand-in (netdev fwd, ...)" or "smcroute (static ...)": what
 * runs and what it cannot do, one line. */
const char *labrouter_describe(enum labrouter_kind kind);

/*
 * What the router forwarded and dropped, one line at a time to say: the
 * stand-in's counters that moved (`nft list chain netdev mcslab mc6 / mc4`,
 * with the command first), or smcroute's kernel routes (`ip mroute show`,
 * both families).  0, or -1 with why.
 */
int labrouter_show(int rt_fd, enum labrouter_kind kind,
                   void (*say)(void *arg, const char *line), void *arg,
                   char *why, size_t len);

/* The nft ruleset of the stand-in, into out (for tests). */
int labrouter_ruleset(const char *up, const char *down, char *out, size_t len);

#endif
