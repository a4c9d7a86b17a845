/*
 * mcscope core: addresses, GROUP%IFACE, interface names and group
 * classification (scopes, flags, SSM ranges) with explanations in words.
 *
 * Contracts beyond addr.h:
 * - mc_addr_parse leaves *out and ifname untouched when it fails.
 * - mc_addr_format writes "(unset)" for a NULL address or family 0 and
 *   "(invalid)" for any other family that is not AF_INET or AF_INET6.
 * - An unset address (family 0) counts as unspecified; two unset addresses
 *   are equal.
 * - mc_addr_from_sockaddr turns an IPv4-mapped IPv6 address
 *   (::ffff:a.b.c.d, as a dual-stack socket reports IPv4 peers) into the
 *   AF_INET form, so that it compares equal to what mc_addr_parse returns.
 */
#include "mcscope/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* What a person should write instead of something that is not an address. */
#define ADDR_EXAMPLE "write e.g. 239.1.2.3 or ff3e::1234"
/* Used only inside format strings, hence %%. */
#define IFACE_EXAMPLE "write GROUP%%IFACE, e.g. ff02::114%%eth0"
#define IP_LINK "list them with 'ip link'"

/* User text quoted in a message is cut to this many bytes, plus "...". */
#define QUOTE_MAX 48
#define QUOTE_BUF (QUOTE_MAX + 4)

static const char *quote(const char *text, size_t n, char out[QUOTE_BUF])
{
    return mc_err_quote(text, n, QUOTE_MAX, out);
}

/*
 * The rules Linux applies to a new interface's name (dev_valid_name and
 * dev_get_valid_name in net/core/dev.c): 1..IF_NAMESIZE-1 bytes, not "."
 * or "..", no '/', ':' or white space, and no '%' (a name with '%' is a
 * template such as "eth%d").  Control characters are refused as well.
 * Returns 0, -EINVAL for an empty name, -ENAMETOOLONG, or -EILSEQ.
 */
static int check_ifname(const char *name)
{
    size_t n = strlen(name);
    size_t i;

    if (n == 0)
        return -EINVAL;
    if (n > IF_NAMESIZE - 1)
        return -ENAMETOOLONG;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return -EILSEQ;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c <= 0x20 || c == 0x7f || c == '/' || c == ':' || c == '%')
            return -EILSEQ;
    }
    return 0;
}

/* Parse the n bytes of text before any '%' as an IPv4 or IPv6 literal. */
static int parse_literal(const char *text, size_t n, struct mc_addr *a,
                         struct mc_err *err)
{
    char buf[INET6_ADDRSTRLEN];
    char q[QUOTE_BUF];
    char v4[INET_ADDRSTRLEN];

    if (n == 0)
        return mc_err_set(err, -EINVAL,
                          "'%s' has no address before '%%': " IFACE_EXAMPLE,
                          quote(text, strlen(text), q));
    if (n >= sizeof buf)
        goto bad;
    memcpy(buf, text, n);
    buf[n] = '\0';
    memset(a, 0, sizeof *a);
    if (inet_pton(AF_INET, buf, &a->u.v4) == 1) {
        a->family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, buf, &a->u.v6) != 1)
        goto bad;
    a->family = AF_INET6;
    if (IN6_IS_ADDR_V4MAPPED(&a->u.v6)) {
        inet_ntop(AF_INET, &a->u.v6.s6_addr[12], v4, sizeof v4);
        return mc_err_set(err, -EINVAL,
                          "'%s' is an IPv4-mapped IPv6 address: write the "
                          "IPv4 form %s",
                          quote(text, n, q), v4);
    }
    return 0;
bad:
    return mc_err_set(err, -EINVAL,
                      "'%s' is not an IPv4 or IPv6 address: " ADDR_EXAMPLE,
                      quote(text, n, q));
}

/* Check the interface name after the '%' of text. */
static int parse_scope(const char *text, const char *name, struct mc_err *err)
{
    char q[QUOTE_BUF], qn[QUOTE_BUF];

    switch (check_ifname(name)) {
    case 0:
        return 0;
    case -EINVAL:
        return mc_err_set(err, -EINVAL,
                          "'%s' names no interface after '%%': " IFACE_EXAMPLE,
                          quote(text, strlen(text), q));
    case -ENAMETOOLONG:
        return mc_err_set(err, -EINVAL,
                          "interface name '%s' is longer than %d "
                          "characters: " IP_LINK,
                          quote(name, strlen(name), qn), IF_NAMESIZE - 1);
    default:
        return mc_err_set(err, -EINVAL,
                          "'%s' is not an interface name (no '/', ':', '%%' "
                          "or blanks): " IP_LINK,
                          quote(name, strlen(name), qn));
    }
}

int mc_addr_parse(const char *text, struct mc_addr *out, char *ifname,
                  size_t ifname_len, struct mc_err *err)
{
    struct mc_addr a;
    const char *pct;
    char q[QUOTE_BUF];
    size_t n;
    int rc;

    if (out == NULL || (ifname != NULL && ifname_len == 0))
        return mc_err_set(err, -EINVAL,
                          "mc_addr_parse: no room for the result");
    if (text == NULL || *text == '\0')
        return mc_err_set(err, -EINVAL, "no address given: " ADDR_EXAMPLE);
    pct = strchr(text, '%');
    n = pct != NULL ? (size_t)(pct - text) : strlen(text);
    if (pct != NULL && ifname == NULL)
        return mc_err_set(err, -EINVAL,
                          "'%s': an interface is not accepted here: write "
                          "the address without '%%'",
                          quote(text, strlen(text), q));
    rc = parse_literal(text, n, &a, err);
    if (rc == 0 && pct != NULL)
        rc = parse_scope(text, pct + 1, err);
    if (rc != 0)
        return rc;
    if (ifname != NULL) {
        const char *name = pct != NULL ? pct + 1 : "";
        size_t len = strlen(name);

        if (len >= ifname_len)
            return mc_err_set(err, -ERANGE,
                              "mc_addr_parse: the interface name needs a "
                              "buffer of %d bytes",
                              IF_NAMESIZE);
        memcpy(ifname, name, len + 1);
    }
    *out = a;
    return 0;
}

const char *mc_addr_format(const struct mc_addr *a, char *buf, size_t len)
{
    char tmp[MC_ADDR_STRLEN];
    const char *s = "(invalid)";

    if (buf == NULL || len == 0)
        return buf;
    if (a == NULL || a->family == 0)
        s = "(unset)";
    else if (a->family == AF_INET &&
             inet_ntop(AF_INET, &a->u.v4, tmp, sizeof tmp) != NULL)
        s = tmp;
    else if (a->family == AF_INET6 &&
             inet_ntop(AF_INET6, &a->u.v6, tmp, sizeof tmp) != NULL)
        s = tmp;
    snprintf(buf, len, "%s", s);
    return buf;
}

bool mc_addr_equal(const struct mc_addr *a, const struct mc_addr *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    if (a->family != b->family)
        return false;
    switch (a->family) {
    case 0:
        return true;
    case AF_INET:
        return a->u.v4.s_addr == b->u.v4.s_addr;
    case AF_INET6:
        return IN6_ARE_ADDR_EQUAL(&a->u.v6, &b->u.v6);
    default:
        return memcmp(&a->u, &b->u, sizeof a->u) == 0;
    }
}

bool mc_addr_is_multicast(const struct mc_addr *a)
{
    if (a == NULL)
        return false;
    if (a->family == AF_INET)
        return IN_MULTICAST(ntohl(a->u.v4.s_addr));
    if (a->family == AF_INET6)
        return IN6_IS_ADDR_MULTICAST(&a->u.v6);
    return false;
}

bool mc_addr_is_unspecified(const struct mc_addr *a)
{
    if (a == NULL || a->family == 0)
        return true;
    if (a->family == AF_INET)
        return a->u.v4.s_addr == htonl(INADDR_ANY);
    if (a->family == AF_INET6)
        return IN6_IS_ADDR_UNSPECIFIED(&a->u.v6);
    return false;
}

socklen_t mc_addr_to_sockaddr(const struct mc_addr *a, uint16_t port,
                              uint32_t scope_id, struct sockaddr_storage *ss)
{
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;

    if (ss == NULL)
        return 0;
    memset(ss, 0, sizeof *ss);
    if (a == NULL)
        return 0;
    if (a->family == AF_INET) {
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_port = htons(port);
        sin.sin_addr = a->u.v4;
        memcpy(ss, &sin, sizeof sin);
        return sizeof sin;
    }
    if (a->family == AF_INET6) {
        memset(&sin6, 0, sizeof sin6);
        sin6.sin6_family = AF_INET6;
        sin6.sin6_port = htons(port);
        sin6.sin6_addr = a->u.v6;
        sin6.sin6_scope_id = scope_id;
        memcpy(ss, &sin6, sizeof sin6);
        return sizeof sin6;
    }
    return 0;
}

int mc_addr_from_sockaddr(const struct sockaddr *sa, struct mc_addr *a,
                          uint16_t *port)
{
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;

    if (sa == NULL || a == NULL)
        return -EINVAL;
    if (sa->sa_family == AF_INET) {
        memcpy(&sin, sa, sizeof sin);
        memset(a, 0, sizeof *a);
        a->family = AF_INET;
        a->u.v4 = sin.sin_addr;
        if (port != NULL)
            *port = ntohs(sin.sin_port);
        return 0;
    }
    if (sa->sa_family != AF_INET6)
        return -EAFNOSUPPORT;
    memcpy(&sin6, sa, sizeof sin6);
    memset(a, 0, sizeof *a);
    if (IN6_IS_ADDR_V4MAPPED(&sin6.sin6_addr)) {
        a->family = AF_INET;
        memcpy(&a->u.v4, &sin6.sin6_addr.s6_addr[12], 4);
    } else {
        a->family = AF_INET6;
        a->u.v6 = sin6.sin6_addr;
    }
    if (port != NULL)
        *port = ntohs(sin6.sin6_port);
    return 0;
}

void mc_addr_any(int family, struct mc_addr *out)
{
    if (out == NULL)
        return;
    memset(out, 0, sizeof *out);
    if (family == AF_INET) {
        out->family = AF_INET;
        out->u.v4.s_addr = htonl(INADDR_ANY);
    } else if (family == AF_INET6) {
        out->family = AF_INET6;
        out->u.v6 = in6addr_any;
    }
}

int mc_ifindex(const char *name, unsigned *index, struct mc_err *err)
{
    char q[QUOTE_BUF];
    unsigned i;
    int rc, e;

    if (name == NULL || *name == '\0')
        return mc_err_set(err, -EINVAL,
                          "no interface given: name one (" IP_LINK ")");
    quote(name, strlen(name), q);
    rc = check_ifname(name);
    if (rc == -ENAMETOOLONG)
        return mc_err_set(err, -ENODEV,
                          "no interface named '%s': names are at most %d "
                          "characters; " IP_LINK,
                          q, IF_NAMESIZE - 1);
    if (rc != 0)
        return mc_err_set(err, -ENODEV,
                          "'%s' is not an interface name (no '/', ':', '%%' "
                          "or blanks): " IP_LINK,
                          q);
    errno = 0;
    i = if_nametoindex(name);
    e = errno;
    if (i == 0 && (e == ENODEV || e == ENXIO || e == 0))
        return mc_err_set(err, -ENODEV,
                          "no interface named '%s' in this network "
                          "namespace: " IP_LINK,
                          q);
    if (i == 0)
        return mc_err_set(err, -e, "cannot look up interface '%s': %s", q,
                          strerror(e));
    if (index != NULL)
        *index = i;
    return 0;
}

const char *mc_ifname(unsigned index, char *buf, size_t len)
{
    char tmp[IF_NAMESIZE];

    if (buf == NULL || len == 0)
        return buf;
    if (index != 0 && if_indextoname(index, tmp) != NULL)
        snprintf(buf, len, "%s", tmp);
    else
        snprintf(buf, len, "if%u", index);
    return buf;
}

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
