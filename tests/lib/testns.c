/* Test helper: a private network namespace for the calling process. */
#include "testns.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -errno;
    n = write(fd, text, strlen(text));
    close(fd);
    return n < 0 ? -errno : 0;
}

/* As an unprivileged user: a user namespace that maps us to root. */
static int enter_user_and_net(void)
{
    char map[64];
    uid_t uid = getuid();
    gid_t gid = getgid();

    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0)
        return -errno;
    write_file("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
    if (write_file("/proc/self/uid_map", map) < 0)
        return -EPERM;
    snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
    write_file("/proc/self/gid_map", map);
    return 0;
}

int testns_enter_private(char *why, unsigned long why_len)
{
    int rc;

    if (unshare(CLONE_NEWNET) == 0)
        rc = 0;
    else
        rc = enter_user_and_net();
    if (rc < 0) {
        snprintf(why, why_len,
                 "no private network namespace (%s): run as root, or allow "
                 "unprivileged user namespaces "
                 "(sysctl kernel.unprivileged_userns_clone=1)",
                 strerror(-rc));
        return rc;
    }
    /* The commands run in a child, which inherits our new namespace. */
    if (system("ip link set lo up multicast on && "
               "ip addr add 10.255.0.1/32 dev lo && "
               "ip route add 224.0.0.0/4 dev lo && "
               "ip -6 route add ff00::/8 dev lo table local") != 0) {
        snprintf(why, why_len,
                 "could not set up lo in the private namespace: is iproute2 "
                 "(the ip command) installed?");
        return -ENOEXEC;
    }
    return 0;
}

void testns_enter_private_or_skip(void)
{
    char why[256];

    if (testns_enter_private(why, sizeof why) < 0) {
        printf("SKIP: %s\n", why);
        exit(TESTNS_SKIP);
    }
}

unsigned testns_lo_index(void)
{
    return if_nametoindex("lo");
}
