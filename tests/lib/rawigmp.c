/* Test helper: hand-made IGMP messages (see rawigmp.h). */
#include "rawigmp.h"

#include <netinet/in.h>
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
