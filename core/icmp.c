/*
 * mcscope core: ICMP and ICMPv6 message type names (x/net's ICMPType
 * String()), from the IANA registries "ICMP Type Numbers" and "ICMPv6
 * 'type' Numbers".
 */
#include "mcscope/sock.h"

#include <sys/socket.h>

struct icmp_name {
    unsigned char type;
    const char *name;
};

static const struct icmp_name icmp4_names[] = {
    {0, "echo reply"},
    {3, "destination unreachable"},
    {5, "redirect"},
    {8, "echo"},
    {9, "router advertisement"},
    {10, "router selection"},
    {11, "time exceeded"},
    {12, "parameter problem"},
    {13, "timestamp"},
    {14, "timestamp reply"},
    {40, "photuris"},
    {42, "extended echo request"},
    {43, "extended echo reply"},
};

static const struct icmp_name icmp6_names[] = {
    {1, "destination unreachable"},
    {2, "packet too big"},
    {3, "time exceeded"},
    {4, "parameter problem"},
    {128, "echo request"},
    {129, "echo reply"},
    {130, "multicast listener query"},
    {131, "multicast listener report"},
    {132, "multicast listener done"},
    {133, "router solicitation"},
    {134, "router advertisement"},
    {135, "neighbor solicitation"},
    {136, "neighbor advertisement"},
    {137, "redirect message"},
    {138, "router renumbering"},
    {139, "icmp node information query"},
    {140, "icmp node information response"},
    {141, "inverse neighbor discovery solicitation"},
    {142, "inverse neighbor discovery advertisement"},
    {143, "version 2 multicast listener report"},
    {144, "home agent address discovery request"},
    {145, "home agent address discovery reply"},
    {146, "mobile prefix solicitation"},
    {147, "mobile prefix advertisement"},
    {148, "certification path solicitation"},
    {149, "certification path advertisement"},
    {151, "multicast router advertisement"},
    {152, "multicast router solicitation"},
    {153, "multicast router termination"},
    {154, "fmipv6 messages"},
    {155, "rpl control message"},
    {156, "ilnpv6 locator update message"},
    {157, "duplicate address request"},
    {158, "duplicate address confirmation"},
    {159, "mpl control message"},
    {160, "extended echo request"},
    {161, "extended echo reply"},
};

static const char *lookup(const struct icmp_name *v, size_t n, unsigned type)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (v[i].type == type)
            return v[i].name;
    return "unassigned";
}

const char *mc_icmp_type_name(int family, unsigned type)
{
    if (family == AF_INET)
        return lookup(icmp4_names, sizeof icmp4_names / sizeof icmp4_names[0],
                      type);
    if (family == AF_INET6)
        return lookup(icmp6_names, sizeof icmp6_names / sizeof icmp6_names[0],
                      type);
    return "unassigned";
}
