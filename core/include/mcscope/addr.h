/*
 * mcscope core: addresses, GROUP%IFACE, interface names and group
 * classification (scopes, flags, SSM ranges) with explanations in words.
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

/* Interface name -> index.  Unknown names give -ENODEV and a message. */
int mc_ifindex(const char *name, unsigned *index, struct mc_err *err);
/* Index -> name into buf (IF_NAMESIZE); "if%u" when gone. Returns buf. */
const char *mc_ifname(unsigned index, char *buf, size_t len);

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
