/*
 * mcscope core: addresses: IPv4 and IPv6 literals, GROUP%IFACE, text and
 * sockaddr forms.  Interfaces are in addr_if.c, group classification in
 * addr_group.c.
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

    switch (mc_ifname_check(name)) {
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

const char *mc_family_name(int family)
{
    return family == AF_INET ? "IPv4" : family == AF_INET6 ? "IPv6" : "?";
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
