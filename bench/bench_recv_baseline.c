/*
 * The baseline receiver of bench/recv_cpu.sh, and its CPU clock reader.
 *
 *   bench_recv_baseline recv GROUP IFACE [PORT]
 *       join GROUP on IFACE (IPv4 or IPv6; port 5001 by default) and read
 *       it with one blocking recvfrom() per packet, nothing else: no
 *       control messages, no timestamps, no statistics.  On SIGTERM or
 *       SIGINT print "received N" and exit 0.  The receive buffer is the
 *       one mcscope asks for (4 MiB, SO_RCVBUFFORCE), so that both queue
 *       the same amount.
 *
 *   bench_recv_baseline mrecv GROUP IFACE [PORT]
 *       the same with recvmmsg(2): up to BATCH datagrams a call
 *       (MSG_WAITFORONE: it blocks for the first only), their sources
 *       taken, nothing else.  The floor of a batching receiver: the
 *       lossless ceiling (bench/ceiling.sh) compares mcscope with it.
 *
 *   bench_recv_baseline cpu PID
 *       print the CPU time PID has used so far, all its threads, in ns
 *       (the kernel's process CPU clock: clock_getcpuclockid(3)), which is
 *       exact where /proc/PID/stat counts 10 ms ticks.
 *
 * This is the floor a receiver cannot go under with one wake-up per
 * packet; the script compares mcscope and iperf2 against it.
 */
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#ifndef IPV6_MULTICAST_ALL
#define IPV6_MULTICAST_ALL 29 /* missing from Debian 12's headers */
#endif

#define RCVBUF_BYTES (4 << 20)
#define BATCH 64
#define BATCH_BUF 2048 /* per datagram: bigger ones are cut (counted) */

static volatile sig_atomic_t stop;

static void on_signal(int signo)
{
    (void)signo;
    stop = 1;
}

static int usage(void)
{
    fprintf(stderr, "usage: bench_recv_baseline recv GROUP IFACE [PORT]\n"
                    "       bench_recv_baseline mrecv GROUP IFACE [PORT]\n"
                    "       bench_recv_baseline cpu PID\n");
    return 2;
}

static int fail(const char *what)
{
    fprintf(stderr, "bench_recv_baseline: %s: %s\n", what, strerror(errno));
    return 1;
}

/* A socket bound to the wildcard address and PORT, joined to GROUP on
 * the interface numbered ifindex; -1 after a message. */
static int open_joined(const char *group, unsigned ifindex, unsigned port)
{
    struct sockaddr_storage ss;
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    struct ip_mreqn mr4;
    struct ipv6_mreq mr6;
    int fd, one = 1, zero = 0, rcvbuf = RCVBUF_BYTES;
    struct timeval tv = {.tv_sec = 0, .tv_usec = 200000};
    const char *what;

    memset(&ss, 0, sizeof ss);
    memset(&mr4, 0, sizeof mr4);
    memset(&mr6, 0, sizeof mr6);
    if (inet_pton(AF_INET, group, &mr4.imr_multiaddr) == 1) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        mr4.imr_ifindex = (int)ifindex;
    } else if (inet_pton(AF_INET6, group, &mr6.ipv6mr_multiaddr) == 1) {
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t)port);
        mr6.ipv6mr_interface = ifindex;
    } else {
        fprintf(stderr, "bench_recv_baseline: %s is no IP address\n", group);
        return -1;
    }
    fd = socket(ss.ss_family, SOCK_DGRAM, 0);
    if (fd < 0) {
        fail("socket");
        return -1;
    }
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) < 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    /* The timeout only bounds how long a stop request can wait. */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ss.ss_family == AF_INET) {
        setsockopt(fd, IPPROTO_IP, IP_MULTICAST_ALL, &zero, sizeof zero);
        if (bind(fd, (struct sockaddr *)sin, sizeof *sin) < 0) {
            what = "bind";
            goto bad;
        }
        if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mr4, sizeof mr4) <
            0) {
            what = "IP_ADD_MEMBERSHIP";
            goto bad;
        }
    } else {
        setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, &zero, sizeof zero);
        if (bind(fd, (struct sockaddr *)sin6, sizeof *sin6) < 0) {
            what = "bind";
            goto bad;
        }
        if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mr6, sizeof mr6) <
            0) {
            what = "IPV6_JOIN_GROUP";
            goto bad;
        }
    }
    return fd;

bad:
    fail(what);
    close(fd);
    return -1;
}

/* Read fd with recvmmsg until stopped; the datagrams read. */
static unsigned long long read_batches(int fd)
{
    static unsigned char bufs[BATCH][BATCH_BUF];
    static struct sockaddr_storage from[BATCH];
    struct mmsghdr msgs[BATCH];
    struct iovec iov[BATCH];
    unsigned long long received = 0;

    while (!stop) {
        int n;

        memset(msgs, 0, sizeof msgs);
        for (int i = 0; i < BATCH; i++) {
            iov[i] = (struct iovec){bufs[i], sizeof bufs[i]};
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_name = &from[i];
            msgs[i].msg_hdr.msg_namelen = sizeof from[i];
        }
        n = recvmmsg(fd, msgs, BATCH, MSG_WAITFORONE, NULL);
        if (n > 0)
            received += (unsigned long long)n;
        else if (n < 0 && errno != EINTR && errno != EAGAIN &&
                 errno != EWOULDBLOCK) {
            fail("recvmmsg");
            exit(1);
        }
    }
    return received;
}

static int do_recv(int argc, char **argv, bool batched)
{
    struct sigaction sa;
    unsigned long long received = 0;
    unsigned ifindex, port = 5001;
    unsigned char buf[65536];
    int fd;

    if (argc < 4 || argc > 5)
        return usage();
    ifindex = if_nametoindex(argv[3]);
    if (ifindex == 0)
        return fail(argv[3]);
    if (argc == 5) {
        char *end;
        unsigned long p = strtoul(argv[4], &end, 10);

        if (*end != '\0' || p == 0 || p > 65535)
            return usage();
        port = (unsigned)p;
    }
    /* No SA_RESTART: a signal ends a blocked recvfrom() with EINTR. */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    fd = open_joined(argv[2], ifindex, port);
    if (fd < 0)
        return 1;
    if (batched)
        received = read_batches(fd);
    while (!stop) {
        struct sockaddr_storage from;
        socklen_t flen = sizeof from;
        ssize_t n =
            recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen);

        if (n >= 0)
            received++;
        else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
            return fail("recvfrom");
    }
    close(fd);
    printf("received %llu\n", received);
    return 0;
}

static int do_cpu(int argc, char **argv)
{
    clockid_t clk;
    struct timespec ts;
    char *end;
    long pid;
    int rc;

    if (argc != 3)
        return usage();
    pid = strtol(argv[2], &end, 10);
    if (*end != '\0' || pid <= 0)
        return usage();
    rc = clock_getcpuclockid((pid_t)pid, &clk);
    if (rc != 0) {
        errno = rc;
        return fail(argv[2]);
    }
    if (clock_gettime(clk, &ts) < 0)
        return fail(argv[2]);
    printf("%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "recv") == 0)
        return do_recv(argc, argv, false);
    if (argc >= 2 && strcmp(argv[1], "mrecv") == 0)
        return do_recv(argc, argv, true);
    if (argc >= 2 && strcmp(argv[1], "cpu") == 0)
        return do_cpu(argc, argv);
    return usage();
}
