/*
 * mcscope core: addresses, GROUP%IFACE, interfaces (names, indexes,
 * flags, MTU, link address) and group classification (scopes, flags, SSM
 * ranges) with explanations in words.
 */
#ifndef MCSCOPE_ADDR_H
#define MCSCOPE_ADDR_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "mcscope/err.h"

/* An IPv4 or IPv6 address.  family is AF_INET or AF_INET6 (0: unset). */
struct mc_addr {
    int family;
    union {
        struct in_addr v4;
        struct in6_addr v6;
    } u;
};

/* Longest text mc_addr_format writes, NUL included. */
#define MC_ADDR_STRLEN INET6_ADDRSTRLEN

/*
 * Parse an IPv4 or IPv6 literal.  With ifname non-NULL, a "%IFACE" suffix is
 * accepted and copied there (empty when absent); with ifname NULL a '%' is
 * refused.  IPv4-mapped IPv6 addresses are refused (use the IPv4 form).
 */
int mc_addr_parse(const char *text, struct mc_addr *out, char *ifname,
                  size_t ifname_len, struct mc_err *err);

/* Format into buf (at least MC_ADDR_STRLEN); returns buf. */
const char *mc_addr_format(const struct mc_addr *a, char *buf, size_t len);

/* "IPv4", "IPv6", or "?" for any other family (never NULL). */
const char *mc_family_name(int family);

bool mc_addr_equal(const struct mc_addr *a, const struct mc_addr *b);
bool mc_addr_is_multicast(const struct mc_addr *a);
bool mc_addr_is_unspecified(const struct mc_addr *a);

/* Build a sockaddr for a, port (host order) and IPv6 scope id. */
socklen_t mc_addr_to_sockaddr(const struct mc_addr *a, uint16_t port,
                              uint32_t scope_id, struct sockaddr_storage *ss);
/* Fill a (and port, if non-NULL) from an AF_INET/AF_INET6 sockaddr. */
int mc_addr_from_sockaddr(const struct sockaddr *sa, struct mc_addr *a,
                          uint16_t *port);

/* The wildcard address of a family. */
void mc_addr_any(int family, struct mc_addr *out);

/*
 * ---- interfaces (addr_if.c) ----
 *
 * Every query answers for the calling thread's network namespace, at the
 * moment of the call; every interface query of mcscope goes through these.
 */

/* Interface name -> index.  Unknown names give -ENODEV and a message. */
int mc_ifindex(const char *name, unsigned *index, struct mc_err *err);
/* Index -> name into buf (IF_NAMESIZE); "if%u" when gone. Returns buf. */
const char *mc_ifname(unsigned index, char *buf, size_t len);

/* Linux's rules for an interface name (dev_valid_name in net/core/dev.c):
 * 1..IF_NAMESIZE-1 bytes, not "." or "..", no '/', ':', '%', blank or
 * control character.  0, -EINVAL (empty), -ENAMETOOLONG or -EILSEQ. */
int mc_ifname_check(const char *name);

/* Whether index names an interface (0 never does). */
bool mc_if_exists(unsigned index);

/* The indexes of every interface (if_nameindex(3)), in the kernel's
 * order: 0 with *out (free() it) holding *n indexes, or a negative errno
 * (*out NULL, *n 0). */
int mc_if_indexes(unsigned **out, size_t *n);

/* The interface's flags (SIOCGIFFLAGS: IFF_UP, IFF_RUNNING, IFF_LOOPBACK,
 * IFF_MULTICAST, ...): 0 with *flags, or a negative errno (-ENODEV: no
 * such interface). */
int mc_if_flags(const char *ifname, unsigned *flags);
/* Its MTU (SIOCGIFMTU): 0 with *mtu, or a negative errno. */
int mc_if_mtu(const char *ifname, int *mtu);
/* The first 6 bytes of its link-layer address (SIOCGIFHWADDR: the MAC on
 * Ethernet): 0 with mac filled, or a negative errno. */
int mc_if_hwaddr(const char *ifname, uint8_t mac[6]);

/* The index of the interface an IPv4 or IPv6 address is configured on
 * (getifaddrs(3); an IPv4 alias label "eth0:1" counts as its device
 * "eth0"), or 0 when none holds it. */
unsigned mc_if_with_addr(const struct mc_addr *a);
/* Whether the interface has an address of family (AF_INET, AF_INET6; a
 * link-local IPv6 address counts). */
bool mc_if_has_family_addr(const char *ifname, int family);

/* The name of the first interface (getifaddrs(3) order) that is up,
 * multicast-capable and not loopback into buf (IF_NAMESIZE): 0, or
 * -ENODEV when there is none (buf ""), or another negative errno. */
int mc_if_default_multicast(char *buf, size_t len);

/* IPv6 multicast scopes (RFC 4291 §2.7, RFC 7346); IPv4 mapped onto them. */
enum mc_scope {
    /* MC_SCOPE_NONE: not multicast; also IPv6's reserved scope 0, which
     * mc_group_info.multicast tells apart. */
    MC_SCOPE_NONE = 0,
    MC_SCOPE_INTERFACE = 1,
    MC_SCOPE_LINK = 2,
    MC_SCOPE_REALM = 3,
    MC_SCOPE_ADMIN = 4,
    MC_SCOPE_SITE = 5,
    MC_SCOPE_ORG = 8,
    MC_SCOPE_GLOBAL = 14,
};

/* IPv6 multicast flag bits (RFC 4291, RFC 3306, RFC 3956). */
#define MC_GFLAG_TRANSIENT 0x1 /* T: not a well-known address */
#define MC_GFLAG_PREFIX 0x2    /* P: unicast-prefix-based */
#define MC_GFLAG_RP 0x4        /* R: embedded rendezvous point */

struct mc_group_info {
    bool multicast;
    bool ssm;            /* 232/8 or ff3x::/96 (RFC 4607) */
    bool link_local;     /* needs an interface: ff02::/16, ff01::, 224.0.0/24 */
    bool never_reported; /* ff02::1, ff01::/16, 224.0.0.1: no MLD/IGMP report */
    enum mc_scope scope; /* IPv6 scope nibble, or IPv4 equivalent */
    unsigned flags;      /* MC_GFLAG_* (IPv6 only) */
};

/* Classify an address; fills info for non-multicast too (multicast=false). */
void mc_group_classify(const struct mc_addr *a, struct mc_group_info *info);

/* The scope's name: "link-local", "site-local", "global", ... */
const char *mc_scope_name(enum mc_scope scope);

/*
 * Explain an address in one or two sentences for the lab-teaching view,
 * e.g. "ff3e::1234: IPv6 multicast, global scope, flags T P, inside the SSM
 * range ff3x::/96 (RFC 4607): join it with join-source GROUP SOURCE."
 * Returns the length written (truncated to len-1).
 */
size_t mc_group_explain(const struct mc_addr *a, char *buf, size_t len);

#endif
