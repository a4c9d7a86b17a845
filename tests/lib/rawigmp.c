/* Test helper: hand-made IGMP messages (see rawigmp.h). */
#include "rawigmp.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

#include "mcscope/hdr.h"
#include "mcscope/sock.h"
#include "testutil.h"

void rawigmp_checksum(uint8_t *msg, size_t len)
{
    uint16_t c;

    msg[2] = msg[3] = 0;
    c = mc_inet_checksum(msg, len);
    msg[2] = (uint8_t)(c >> 8);
    msg[3] = (uint8_t)(c & 0xff);
}

void rawigmp_send(unsigned ifindex, const char *dst, const uint8_t *msg,
                  size_t len)
{
    struct mc_addr a = tu_addr(dst);
    struct sockaddr_storage ss;
    socklen_t sl = mc_addr_to_sockaddr(&a, 0, 0, &ss);
    struct mc_err err;
    int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_IGMP);

    if (fd < 0)
        fail_msg("raw IGMP socket: no CAP_NET_RAW?");
    if (mc_sock_set_mcast_if(fd, ifindex, &err) < 0)
        fail_msg("IP_MULTICAST_IF: %s", err.msg);
    assert_int_equal(sendto(fd, msg, len, 0, (struct sockaddr *)&ss, sl),
                     (ssize_t)len);
    close(fd);
}

/* The link-local address of ifindex. */
static void link_local(unsigned ifindex, struct sockaddr_in6 *out)
{
    struct ifaddrs *ifa = NULL;
    char name[IF_NAMESIZE];

    if (if_indextoname(ifindex, name) == NULL || getifaddrs(&ifa) < 0) {
        fail_msg("interface %u: no such interface", ifindex);
        return;
    }
    for (struct ifaddrs *i = ifa; i != NULL; i = i->ifa_next) {
        const struct sockaddr_in6 *a = (const void *)i->ifa_addr;

        if (a == NULL || a->sin6_family != AF_INET6 ||
            strcmp(i->ifa_name, name) != 0 ||
            !IN6_IS_ADDR_LINKLOCAL(&a->sin6_addr))
            continue;
        *out = *a;
        out->sin6_port = 0;
        out->sin6_scope_id = ifindex;
        freeifaddrs(ifa);
        return;
    }
    freeifaddrs(ifa);
    fail_msg("%s has no link-local address", name);
}

void rawmld_send(unsigned ifindex, const char *dst, const uint8_t *msg,
                 size_t len)
{
    /* Hop-by-Hop: Router Alert (MLD) and a PadN of 2 (8 bytes) */
    static const uint8_t hbh[8] = {0, 0, 5, 2, 0, 0, 1, 0};
    struct mc_addr a = tu_addr(dst);
    struct sockaddr_storage ss;
    socklen_t sl = mc_addr_to_sockaddr(&a, 0, ifindex, &ss);
    struct sockaddr_in6 ll;
    int one = 1;
    int fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);

    if (fd < 0)
        fail_msg("raw ICMPv6 socket: no CAP_NET_RAW?");
    link_local(ifindex, &ll);
    assert_int_equal(bind(fd, (struct sockaddr *)&ll, sizeof ll), 0);
    assert_int_equal(setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &ifindex,
                                sizeof ifindex),
                     0);
    assert_int_equal(
        setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &one, sizeof one), 0);
    assert_int_equal(
        setsockopt(fd, IPPROTO_IPV6, IPV6_HOPOPTS, hbh, sizeof hbh), 0);
    assert_int_equal(sendto(fd, msg, len, 0, (struct sockaddr *)&ss, sl),
                     (ssize_t)len);
    close(fd);
}
