/*
 * mcscope core: network interfaces, in the calling thread's network
 * namespace: names and their rules, indexes, flags, MTU, link address,
 * the interface that holds an address.  Every interface query of mcscope
 * (if_nametoindex, getifaddrs, SIOCGIF*) is made here (addr.h).
 */
#include "mcscope/addr.h"

#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define IP_LINK "list them with 'ip link'"

/* User text quoted in a message is cut to this many bytes, plus "...". */
#define QUOTE_MAX 48
#define QUOTE_BUF (QUOTE_MAX + 4)

/*
 * The rules Linux applies to a new interface's name (dev_valid_name and
 * dev_get_valid_name in net/core/dev.c): 1..IF_NAMESIZE-1 bytes, not "."
 * or "..", no '/', ':' or white space, and no '%' (a name with '%' is a
 * template such as "eth%d").  Control characters are refused as well.
 * Returns 0, -EINVAL for an empty name, -ENAMETOOLONG, or -EILSEQ.
 */
int mc_ifname_check(const char *name)
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

int mc_ifindex(const char *name, unsigned *index, struct mc_err *err)
{
    char q[QUOTE_BUF];
    unsigned i;
    int rc, e;

    if (name == NULL || *name == '\0')
        return mc_err_set(err, -EINVAL,
                          "no interface given: name one (" IP_LINK ")");
    mc_err_quote(name, strlen(name), QUOTE_MAX, q);
    rc = mc_ifname_check(name);
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

bool mc_if_exists(unsigned index)
{
    char tmp[IF_NAMESIZE];

    return index != 0 && if_indextoname(index, tmp) != NULL;
}

int mc_if_indexes(unsigned **out, size_t *n)
{
    struct if_nameindex *ifs = if_nameindex(), *p;
    unsigned *v;
    size_t k = 0;

    *out = NULL;
    *n = 0;
    if (ifs == NULL)
        return -errno;
    for (p = ifs; p->if_index != 0; p++)
        k++;
    v = calloc(k ? k : 1, sizeof *v);
    if (v == NULL) {
        if_freenameindex(ifs);
        return -ENOMEM;
    }
    for (k = 0, p = ifs; p->if_index != 0; p++)
        v[k++] = p->if_index;
    if_freenameindex(ifs);
    *out = v;
    *n = k;
    return 0;
}

/* One SIOCGIF* request for ifname on a throwaway socket. */
static int if_ioctl(const char *ifname, unsigned long request,
                    struct ifreq *ifr)
{
    int fd, rc = 0;

    if (ifname == NULL || ifname[0] == '\0' || strlen(ifname) >= IF_NAMESIZE)
        return -ENODEV;
    fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    memset(ifr, 0, sizeof *ifr);
    snprintf(ifr->ifr_name, sizeof ifr->ifr_name, "%s", ifname);
    if (ioctl(fd, request, ifr) < 0)
        rc = -errno;
    close(fd);
    return rc;
}

int mc_if_flags(const char *ifname, unsigned *flags)
{
    struct ifreq ifr;
    int rc = if_ioctl(ifname, SIOCGIFFLAGS, &ifr);

    if (rc == 0)
        *flags = (unsigned short)ifr.ifr_flags;
    return rc;
}

int mc_if_mtu(const char *ifname, int *mtu)
{
    struct ifreq ifr;
    int rc = if_ioctl(ifname, SIOCGIFMTU, &ifr);

    if (rc == 0)
        *mtu = ifr.ifr_mtu;
    return rc;
}

int mc_if_hwaddr(const char *ifname, uint8_t mac[6])
{
    struct ifreq ifr;
    int rc = if_ioctl(ifname, SIOCGIFHWADDR, &ifr);

    if (rc == 0)
        memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    return rc;
}

/* getifaddrs(3) names IPv4 aliases "eth0:1"; the device is "eth0". */
static unsigned label_index(const char *label)
{
    char name[IF_NAMESIZE];
    char *colon;

    snprintf(name, sizeof name, "%s", label);
    colon = strchr(name, ':');
    if (colon != NULL)
        *colon = '\0';
    return if_nametoindex(name);
}

static bool holds(const struct ifaddrs *i, const struct mc_addr *a)
{
    const struct sockaddr *sa = i->ifa_addr;

    if (sa == NULL || sa->sa_family != a->family)
        return false;
    if (a->family == AF_INET)
        return ((const struct sockaddr_in *)(const void *)sa)
                   ->sin_addr.s_addr == a->u.v4.s_addr;
    return memcmp(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
                  &a->u.v6, sizeof a->u.v6) == 0;
}

unsigned mc_if_with_addr(const struct mc_addr *a)
{
    struct ifaddrs *all, *i;
    unsigned idx = 0;

    if (a == NULL || (a->family != AF_INET && a->family != AF_INET6))
        return 0;
    if (getifaddrs(&all) < 0)
        return 0;
    for (i = all; i != NULL; i = i->ifa_next) {
        if (holds(i, a)) {
            idx = label_index(i->ifa_name);
            break;
        }
    }
    freeifaddrs(all);
    return idx;
}

bool mc_if_has_family_addr(const char *ifname, int family)
{
    struct ifaddrs *all, *i;
    bool found = false;

    if (ifname == NULL || getifaddrs(&all) < 0)
        return false;
    for (i = all; i != NULL && !found; i = i->ifa_next)
        found = i->ifa_addr != NULL && i->ifa_addr->sa_family == family &&
                label_index(i->ifa_name) == if_nametoindex(ifname);
    freeifaddrs(all);
    return found;
}

int mc_if_default_multicast(char *buf, size_t len)
{
    struct ifaddrs *ifa, *i;
    int rc = -ENODEV;

    if (buf == NULL || len == 0)
        return -EINVAL;
    buf[0] = '\0';
    if (getifaddrs(&ifa) < 0)
        return -errno;
    for (i = ifa; i != NULL; i = i->ifa_next) {
        unsigned f = i->ifa_flags;

        if ((f & IFF_UP) && (f & IFF_MULTICAST) && !(f & IFF_LOOPBACK)) {
            snprintf(buf, len, "%s", i->ifa_name);
            rc = 0;
            break;
        }
    }
    freeifaddrs(ifa);
    return rc;
}
