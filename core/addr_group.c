/*
 * mcscope core: multicast groups: classification (scopes, flags, SSM
 * ranges, link-local, never reported) and the explanation of an address
 * in words for the lab-teaching view (addr.h).
 */
#include "mcscope/addr.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* RFC 4607 §1: 232.0.0.0/8. */
static bool ssm4(uint32_t h)
{
    return (h >> 24) == 232;
}

/*
 * RFC 4607 §1: ff3x::/32 is set aside for SSM and ff3x::/96 is the part
 * allocated now: flags nibble 3 (P and T set, reserved bit clear), any scope,
 * bytes 2..11 zero (RFC 3306 §6: plen 0, prefix 0).
 */
static bool ssm6_block(const uint8_t *b, size_t zero_to)
{
    size_t i;

    if (b[0] != 0xff || (b[1] >> 4) != 3)
        return false;
    for (i = 2; i < zero_to; i++)
        if (b[i] != 0)
            return false;
    return true;
}

static bool ssm6(const uint8_t *b)
{
    return ssm6_block(b, 12);
}

/* ff3x::/32 outside ff3x::/96: reserved for future SSM use (RFC 4607). */
static bool ssm6_reserved(const uint8_t *b)
{
    return ssm6_block(b, 4) && !ssm6(b);
}

/*
 * IPv4 scopes, mapped onto the IPv6 scope values: 224.0.0.0/24 is
 * link-local (RFC 5771 §4, never forwarded); within the administratively
 * scoped 239.0.0.0/8 (RFC 2365 §6), 239.255.0.0/16 is the IPv4 Local Scope
 * (site) and 239.192.0.0/14 the organization-local scope; the rest of 224/4
 * is global.
 */
static enum mc_scope scope4(uint32_t h)
{
    if ((h & 0xffffff00u) == 0xe0000000u)
        return MC_SCOPE_LINK;
    if ((h & 0xffff0000u) == 0xefff0000u)
        return MC_SCOPE_SITE;
    if ((h & 0xfffc0000u) == 0xefc00000u)
        return MC_SCOPE_ORG;
    if ((h & 0xff000000u) == 0xef000000u)
        return MC_SCOPE_ADMIN;
    return MC_SCOPE_GLOBAL;
}

static void classify4(uint32_t h, struct mc_group_info *info)
{
    info->scope = scope4(h);
    info->ssm = ssm4(h);
    info->link_local = info->scope == MC_SCOPE_LINK;
    /* The kernel never reports 224.0.0.1 (IGMP_ALL_HOSTS, igmp.c). */
    info->never_reported = h == INADDR_ALLHOSTS_GROUP;
}

/* ff02::1, the link-local all-nodes group (RFC 4291 §2.7.1). */
static bool all_nodes6(const uint8_t *b)
{
    static const uint8_t ff02_1[16] = {0xff, 0x02, [15] = 0x01};

    return memcmp(b, ff02_1, 16) == 0;
}

/*
 * IPv6: ff<flags><scope>::/16 (RFC 4291 §2.7).  Interface- and link-local
 * scopes need an interface; Linux sends no MLD report for ff02::1 or any
 * group below link-local scope (MAF_NOREPORT in mcast.c mca_alloc).
 */
static void classify6(const uint8_t *b, struct mc_group_info *info)
{
    unsigned scope = b[1] & 0x0f;

    info->scope = (enum mc_scope)scope;
    info->flags =
        (b[1] >> 4) & (MC_GFLAG_TRANSIENT | MC_GFLAG_PREFIX | MC_GFLAG_RP);
    info->ssm = ssm6(b);
    info->link_local = scope == MC_SCOPE_INTERFACE || scope == MC_SCOPE_LINK;
    info->never_reported = scope < MC_SCOPE_LINK || all_nodes6(b);
}

void mc_group_classify(const struct mc_addr *a, struct mc_group_info *info)
{
    if (info == NULL)
        return;
    memset(info, 0, sizeof *info);
    if (!mc_addr_is_multicast(a))
        return;
    info->multicast = true;
    if (a->family == AF_INET)
        classify4(ntohl(a->u.v4.s_addr), info);
    else
        classify6(a->u.v6.s6_addr, info);
}

/* Scope names from RFC 7346 §2; 15 is reserved, 6, 7 and 9..13 unassigned. */
const char *mc_scope_name(enum mc_scope scope)
{
    switch ((int)scope) {
    case MC_SCOPE_NONE:
        return "none";
    case MC_SCOPE_INTERFACE:
        return "interface-local";
    case MC_SCOPE_LINK:
        return "link-local";
    case MC_SCOPE_REALM:
        return "realm-local";
    case MC_SCOPE_ADMIN:
        return "admin-local";
    case MC_SCOPE_SITE:
        return "site-local";
    case MC_SCOPE_ORG:
        return "organization-local";
    case MC_SCOPE_GLOBAL:
        return "global";
    case 15:
        return "reserved";
    default:
        return "unassigned";
    }
}

/* Text being built for mc_group_explain; put() stops at the end. */
#define EXPLAIN_MAX 512

struct text {
    char s[EXPLAIN_MAX];
    size_t n;
};

static void put(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Append to t; text past the end is dropped. */
static void put(struct text *t, const char *fmt, ...)
{
    va_list ap;
    int r;

    if (t->n >= sizeof t->s - 1)
        return;
    va_start(ap, fmt);
    r = vsnprintf(t->s + t->n, sizeof t->s - t->n, fmt, ap);
    va_end(ap);
    if (r < 0)
        return;
    t->n += (size_t)r;
    if (t->n > sizeof t->s - 1)
        t->n = sizeof t->s - 1;
}

/* Groups with a name worth teaching (IANA multicast registries). */
struct known_group {
    const char *addr;
    const char *what;
};

static const struct known_group known_groups[] = {
    {"ff01::1", "the interface-local all-nodes group (RFC 4291)"},
    {"ff02::1", "the all-nodes group (RFC 4291)"},
    {"ff01::2", "the interface-local all-routers group (RFC 4291)"},
    {"ff02::2", "the all-routers group (RFC 4291)"},
    {"ff05::2", "the site-local all-routers group (RFC 4291)"},
    {"ff02::16", "the MLDv2 routers group (RFC 3810)"},
    {"ff02::fb", "the mDNS group (RFC 6762)"},
    {"ff02::1:2", "the DHCPv6 relays and servers group (RFC 8415)"},
    {"224.0.0.1", "the all-systems group (RFC 1112)"},
    {"224.0.0.2", "the all-routers group (RFC 5771)"},
    {"224.0.0.22", "the IGMPv3 routers group (RFC 3376)"},
    {"224.0.0.251", "the mDNS group (RFC 6762)"},
};

/* The name of a well-known group, from its canonical text; NULL if none. */
static const char *known_name(const struct mc_addr *a, const char *text)
{
    size_t i;

    /* ff02::1:ff00:0/104 (RFC 4291 §2.7.1). */
    if (a->family == AF_INET6 &&
        memcmp(a->u.v6.s6_addr, "\xff\x02\0\0\0\0\0\0\0\0\0\x01\xff", 13) == 0)
        return "a solicited-node group, used by Neighbor Discovery "
               "(RFC 4861)";
    for (i = 0; i < sizeof known_groups / sizeof known_groups[0]; i++)
        if (strcmp(known_groups[i].addr, text) == 0)
            return known_groups[i].what;
    return NULL;
}

static void put_scope4(struct text *t, enum mc_scope scope)
{
    switch (scope) {
    case MC_SCOPE_LINK:
        put(t, ", link-local scope (224.0.0.0/24, never forwarded)");
        break;
    case MC_SCOPE_SITE:
        put(t, ", site-local scope (239.255.0.0/16, RFC 2365)");
        break;
    case MC_SCOPE_ORG:
        put(t, ", organization-local scope (239.192.0.0/14, RFC 2365)");
        break;
    case MC_SCOPE_ADMIN:
        put(t, ", admin-local scope (239.0.0.0/8, RFC 2365)");
        break;
    default:
        put(t, ", global scope");
        break;
    }
}

static void put_scope6(struct text *t, unsigned scope)
{
    const char *name = mc_scope_name((enum mc_scope)scope);

    if (scope == 0 || scope == 15)
        put(t, ", reserved scope %x (RFC 4291)", scope);
    else if (strcmp(name, "unassigned") == 0)
        put(t, ", unassigned scope %x (RFC 7346)", scope);
    else if (scope == MC_SCOPE_INTERFACE)
        put(t, ", %s scope (it never leaves this host)", name);
    else
        put(t, ", %s scope", name);
}

/* ", flags T P (transient, unicast-prefix-based)" (RFC 3306, RFC 3956). */
static void put_flags(struct text *t, unsigned flags)
{
    static const struct {
        unsigned bit;
        const char *letter, *word;
    } f[] = {
        {MC_GFLAG_TRANSIENT, "T", "transient"},
        {MC_GFLAG_PREFIX, "P", "unicast-prefix-based"},
        {MC_GFLAG_RP, "R", "embedded-RP"},
    };
    const char *sep = " (";
    size_t i;

    if (flags == 0)
        return;
    put(t, ", flags");
    for (i = 0; i < 3; i++)
        if (flags & f[i].bit)
            put(t, " %s", f[i].letter);
    for (i = 0; i < 3; i++)
        if (flags & f[i].bit) {
            put(t, "%s%s", sep, f[i].word);
            sep = ", ";
        }
    put(t, ")");
}

/* What an address that is not a multicast group is. */
static void put_not_group(struct text *t, const struct mc_addr *a)
{
    char v4[INET_ADDRSTRLEN];
    uint32_t h;

    if (a == NULL || (a->family != AF_INET && a->family != AF_INET6)) {
        put(t, ": no address, not a multicast group.");
        return;
    }
    if (a->family == AF_INET6) {
        if (IN6_IS_ADDR_V4MAPPED(&a->u.v6)) {
            inet_ntop(AF_INET, &a->u.v6.s6_addr[12], v4, sizeof v4);
            put(t,
                ": IPv4-mapped IPv6 address, not a multicast group: write "
                "the IPv4 form %s.",
                v4);
            return;
        }
        put(t, ": IPv6 %s, not a multicast group.",
            mc_addr_is_unspecified(a) ? "unspecified address" : "unicast");
        return;
    }
    h = ntohl(a->u.v4.s_addr);
    if (h == INADDR_ANY)
        put(t, ": IPv4 unspecified address, not a multicast group.");
    else if (h == INADDR_BROADCAST)
        put(t, ": IPv4 limited broadcast, not a multicast group.");
    else if ((h >> 28) == 0xf)
        put(t, ": IPv4 reserved (240.0.0.0/4), not a multicast group.");
    else
        put(t, ": IPv4 unicast, not a multicast group.");
}

/* "ADDR: IPv6 multicast, SCOPE[, FLAGS][, NAME][, SSM][, REPORTS]" */
static void put_group(struct text *t, const struct mc_addr *a,
                      const struct mc_group_info *gi, const char *addr)
{
    const char *name = known_name(a, addr);
    bool v6 = a->family == AF_INET6;

    put(t, ": IPv%d multicast", v6 ? 6 : 4);
    if (v6) {
        put_scope6(t, a->u.v6.s6_addr[1] & 0x0f);
        put_flags(t, gi->flags);
    } else {
        put_scope4(t, gi->scope);
    }
    if (name != NULL)
        put(t, ", %s", name);
    if (gi->ssm)
        put(t, ", inside the SSM range %s (RFC 4607)",
            v6 ? "ff3x::/96" : "232.0.0.0/8");
    else if (v6 && ssm6_reserved(a->u.v6.s6_addr))
        put(t, ", in ff3x::/32 but outside the SSM range ff3x::/96 "
               "(RFC 4607 keeps the rest reserved)");
    if (gi->never_reported)
        put(t, ", never reported (the kernel sends no %s report for it)",
            v6 ? "MLD" : "IGMP");
}

/* ": receive it with join-source GROUP SOURCE; name an interface (...)." */
static void put_advice(struct text *t, const struct mc_group_info *gi,
                       const char *addr)
{
    const char *sep = ": ";

    if (gi->ssm) {
        put(t, "%sreceive it with join-source GROUP SOURCE", sep);
        sep = "; ";
    }
    if (gi->link_local)
        put(t, "%sname an interface (%s%%IFACE)", sep, addr);
    put(t, ".");
}

size_t mc_group_explain(const struct mc_addr *a, char *buf, size_t len)
{
    struct mc_group_info gi;
    char addr[MC_ADDR_STRLEN];
    struct text t;

    if (buf == NULL || len == 0)
        return 0;
    t.n = 0;
    t.s[0] = '\0';
    mc_addr_format(a, addr, sizeof addr);
    put(&t, "%s", addr);
    mc_group_classify(a, &gi);
    if (gi.multicast) {
        put_group(&t, a, &gi, addr);
        put_advice(&t, &gi, addr);
    } else {
        put_not_group(&t, a);
    }
    if (t.n > len - 1)
        t.n = len - 1;
    memcpy(buf, t.s, t.n);
    buf[t.n] = '\0';
    return t.n;
}
