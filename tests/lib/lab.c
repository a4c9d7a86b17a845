/* Test helper: build, enter and remove the namespace lab (see lab.h).  The
 * namespaces themselves are made and removed by src/lab/net.c. */
#include "lab.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "lab/net.h"
#include "mcscope/sock.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define LAB_HAVE_SANITIZER 1
#endif

#define NETNS_DIR "/run/netns"
#define NS_PREFIX "mct"
#define READY_TIMEOUT_MS 5000
#define PROBE_PORT 40999

enum { H_SW = LABNET_SW, H_S1 = LABNET_S1, H_S2 = LABNET_S2, H_RX = LABNET_RX };

struct lab {
    struct labnet net;
};

/*
 * What the exit and signal paths remove.  Plain static arrays, filled
 * before a namespace exists (with labnet's names, PREFIX<pid>-HOST), so
 * the signal handler needs no allocation.
 */
static char reg_path[LABNET_NHOSTS][64];
static int reg_orig_fd = -1;
static pid_t reg_owner;
static struct lab *the_lab;
static bool handlers_installed;

/* ---- removing namespaces ---- */

/* Signal path: back to the start namespace, unmount every name (what
 * `ip netns del` does, with syscalls only: async-signal-safe). */
static void unregister_all_signal_safe(void)
{
    if (reg_orig_fd >= 0)
        setns(reg_orig_fd, CLONE_NEWNET);
    for (int i = 0; i < LABNET_NHOSTS; i++) {
        if (reg_path[i][0] != '\0') {
            umount2(reg_path[i], MNT_DETACH);
            unlink(reg_path[i]);
            reg_path[i][0] = '\0';
        }
    }
}

static void on_fatal_signal(int sig)
{
    int saved = errno;

    if (getpid() == reg_owner)
        unregister_all_signal_safe();
    errno = saved;
    raise(sig); /* SA_RESETHAND: the default action, once we return */
}

static void on_exit_cleanup(void)
{
    if (the_lab != NULL && getpid() == reg_owner)
        lab_destroy(the_lab);
}

#ifdef LAB_HAVE_SANITIZER
/* A sanitizer report ends the process with _exit: no atexit handlers. */
static void on_sanitizer_death(void)
{
    if (getpid() == reg_owner)
        unregister_all_signal_safe();
}
#endif

static void install_handlers(void)
{
    static const int sigs[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT, SIGABRT,
                               SIGPIPE, SIGALRM, SIGUSR1, SIGUSR2};
    struct sigaction sa;

    if (handlers_installed)
        return;
    handlers_installed = true;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
    atexit(on_exit_cleanup);
#ifdef LAB_HAVE_SANITIZER
    __sanitizer_set_death_callback(on_sanitizer_death);
#endif
}

/* ---- entering hosts ---- */
/* ---- entering hosts ---- */

static int host_index(const char *host)
{
    for (int i = 0; i < LABNET_NHOSTS; i++)
        if (strcmp(host, labnet_host_name((enum labnet_host)i)) == 0)
            return i;
    fail_msg("lab: no host \"%s\" (SW, S1, S2, RX)", host);
    return -1;
}

/* Switch to host index h (-1: the start); returns where we were. */
static int lab_switch(struct lab *lab, int h)
{
    int prev = lab->net.cur;
    int rc;

    if (h == prev)
        return prev;
    rc = labnet_enter(&lab->net, (enum labnet_host)h);
    if (rc < 0) {
        fprintf(stderr, "lab: setns into %s: %s\n",
                h < 0 ? "the start namespace" : lab->net.name[h],
                strerror(-rc));
        abort();
    }
    return prev;
}

void lab_enter(struct lab *lab, const char *host)
{
    lab_switch(lab, host_index(host));
}

void lab_leave(struct lab *lab)
{
    lab_switch(lab, -1);
}

int lab_leave_teardown(void **state)
{
    (void)state;
    if (the_lab != NULL)
        lab_switch(the_lab, -1);
    return 0;
}

const char *lab_ns_name(const struct lab *lab, const char *host)
{
    return lab->net.name[host_index(host)];
}

/* ---- building ---- */

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

void lab_sleep_us(unsigned us)
{
    struct timespec ts = {us / 1000000u, (long)(us % 1000000u) * 1000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/*
 * End-to-end readiness, with plain sockets (the lab must not depend on the
 * code under test): RX joins a probe group on each link, and each source
 * sends until RX has heard it.
 */
struct probe_path {
    int src_host, link;
    int tx, rx; /* sockets */
    bool heard;
};

static int probe_socket(int family)
{
    int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;

    if (fd >= 0 && family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    return fd;
}

static void probe_group(int family, int link, struct sockaddr_storage *ss)
{
    memset(ss, 0, sizeof *ss);
    if (family == AF_INET) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

        s4->sin_family = AF_INET;
        s4->sin_port = htons(PROBE_PORT + link);
        inet_pton(AF_INET, link ? "239.255.77.2" : "239.255.77.1",
                  &s4->sin_addr);
    } else {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(PROBE_PORT + link);
        inet_pton(AF_INET6, link ? "ff15::77:2" : "ff15::77:1", &s6->sin6_addr);
    }
}

/* An RX socket on the probe port of link, joined to its probe group. */
static int probe_rx(int family, int link)
{
    struct sockaddr_storage g, any;
    unsigned idx = if_nametoindex(link ? "lab1" : "lab0");
    int fd = probe_socket(family);
    int rc = -1;

    if (fd < 0)
        return -1;
    probe_group(family, link, &g);
    memset(&any, 0, sizeof any);
    any.ss_family = (sa_family_t)family;
    ((struct sockaddr_in *)&any)->sin_port = htons(PROBE_PORT + link);
    if (bind(fd, (struct sockaddr *)&any, sizeof any) < 0)
        goto out;
    if (family == AF_INET) {
        struct ip_mreqn m = {.imr_ifindex = (int)idx};

        m.imr_multiaddr = ((struct sockaddr_in *)&g)->sin_addr;
        rc = setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof m);
    } else {
        struct ipv6_mreq m = {.ipv6mr_interface = idx};

        m.ipv6mr_multiaddr = ((struct sockaddr_in6 *)&g)->sin6_addr;
        rc = setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &m, sizeof m);
    }
out:
    if (rc < 0) {
        fprintf(stderr, "lab: probe receiver: %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int probe_tx(int family, int link)
{
    unsigned idx = if_nametoindex(link ? "lab1" : "lab0");
    int fd = probe_socket(family);
    int rc;

    if (fd < 0)
        return -1;
    if (family == AF_INET) {
        struct ip_mreqn m = {.imr_ifindex = (int)idx};

        rc = setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &m, sizeof m);
    } else {
        int i = (int)idx;

        rc = setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &i, sizeof i);
    }
    if (rc < 0) {
        fprintf(stderr, "lab: probe sender: %s\n", strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Send from every path not yet heard, then read what arrived. */
static void probe_round(struct probe_path *p, size_t n, int family)
{
    struct sockaddr_storage g;
    char buf[64];

    for (size_t i = 0; i < n; i++) {
        if (p[i].heard)
            continue;
        probe_group(family, p[i].link, &g);
        snprintf(buf, sizeof buf, "lab-probe %d", p[i].src_host);
        sendto(p[i].tx, buf, strlen(buf), 0, (struct sockaddr *)&g, sizeof g);
    }
    lab_sleep_us(20000);
    for (size_t i = 0; i < n; i++) {
        ssize_t len;

        while ((len = recv(p[i].rx, buf, sizeof buf - 1, 0)) > 0) {
            int from = -1;

            buf[len] = '\0';
            if (sscanf(buf, "lab-probe %d", &from) != 1)
                continue;
            /* All paths of one link share its rx socket. */
            for (size_t j = 0; j < n; j++)
                if (p[j].src_host == from && p[j].link == p[i].link)
                    p[j].heard = true;
        }
    }
}

static bool probe_family(struct lab *lab, int family)
{
    struct probe_path p[3] = {{H_S1, 0, -1, -1, false},
                              {H_S2, 0, -1, -1, false},
                              {H_S1, 1, -1, -1, false}};
    size_t n = lab->net.topo->nlinks > 1 ? 3 : 2;
    int rx[2] = {-1, -1};
    long deadline = now_ms() + READY_TIMEOUT_MS;
    bool ok = false, all = false;

    lab_switch(lab, H_RX);
    for (int l = 0; l < (int)lab->net.topo->nlinks; l++)
        rx[l] = probe_rx(family, l);
    for (size_t i = 0; i < n; i++) {
        lab_switch(lab, p[i].src_host);
        p[i].tx = probe_tx(family, p[i].link);
        p[i].rx = rx[p[i].link];
    }
    lab_switch(lab, -1);
    for (size_t i = 0; i < n; i++)
        if (p[i].tx < 0 || p[i].rx < 0)
            goto out;
    while (!all && now_ms() < deadline) {
        probe_round(p, n, family);
        all = true;
        for (size_t i = 0; i < n; i++)
            all &= p[i].heard;
    }
    ok = all;
    if (!ok)
        fprintf(stderr, "lab: %s probe packets did not cross the lab\n",
                family == AF_INET ? "IPv4" : "IPv6");
out:
    for (size_t i = 0; i < n; i++)
        if (p[i].tx >= 0)
            close(p[i].tx);
    for (int l = 0; l < 2; l++)
        if (rx[l] >= 0)
            close(rx[l]);
    return ok;
}

static bool can_build(void)
{
    char why[256];

    if (geteuid() != 0) {
        printf("SKIP: needs root to create network namespaces "
               "(CI runs as root)\n");
        return false;
    }
    if (labnet_check_ip(why, sizeof why) != 0) {
        printf("SKIP: needs iproute2 (the ip command) to build the lab\n");
        return false;
    }
    return true;
}

struct lab *lab_create(bool second_link)
{
    struct labnet_opts opts = {.prefix = NS_PREFIX,
                               .mode = LABNET_MODE_NAMED,
                               .topology = second_link ? LABTOPO_TWOLINK
                                                       : LABTOPO_BRIDGE};
    struct lab *lab;
    char why[512];

    if (!can_build())
        exit(LAB_SKIP);
    if (the_lab != NULL) {
        fprintf(stderr, "lab: one lab per process\n");
        exit(1);
    }
    if (getenv("MCSCOPE_TEST_FILTER") != NULL)
        cmocka_set_test_filter(getenv("MCSCOPE_TEST_FILTER"));
    lab = calloc(1, sizeof *lab);
    if (lab == NULL)
        exit(1);
    reg_owner = getpid();
    /* Registered first: a signal during labnet_up still cleans. */
    for (int h = 0; h < LABNET_NHOSTS; h++)
        snprintf(reg_path[h], sizeof reg_path[h], NETNS_DIR "/%s%ld-%s",
                 NS_PREFIX, (long)reg_owner,
                 labnet_host_name((enum labnet_host)h));
    the_lab = lab;
    install_handlers();
    labnet_sweep_stale(NS_PREFIX, stderr);
    if (labnet_up(&opts, &lab->net, why, sizeof why) < 0) {
        fprintf(stderr, "lab: %s\n", why);
        fprintf(stderr, "lab: could not build the lab; removing it\n");
        lab_destroy(lab);
        exit(1);
    }
    reg_orig_fd = lab->net.home_fd;
    if (!probe_family(lab, AF_INET6) || !probe_family(lab, AF_INET)) {
        fprintf(stderr, "lab: could not build the lab; removing it\n");
        lab_destroy(lab);
        exit(1);
    }
    return lab;
}

void lab_destroy(struct lab *lab)
{
    if (lab == NULL)
        return;
    reg_orig_fd = -1;
    labnet_down(&lab->net);
    for (int h = 0; h < LABNET_NHOSTS; h++)
        reg_path[h][0] = '\0';
    if (the_lab == lab)
        the_lab = NULL;
    free(lab);
}

/* ---- addresses, interfaces, sockets ---- */

unsigned lab_ifindex(struct lab *lab, const char *host, const char *ifname)
{
    struct mc_err err;
    unsigned idx = 0;
    int prev = lab_switch(lab, host_index(host));
    int rc = mc_ifindex(ifname, &idx, &err);

    lab_switch(lab, prev);
    if (rc < 0 || idx == 0)
        fail_msg("mc_ifindex(%s) in %s: %d %s", ifname, host, rc, err.msg);
    return idx;
}

void lab_host_addr(const char *host, int family, int link, struct mc_addr *out)
{
    static const struct {
        const char *host;
        unsigned last;
    } hosts[] = {{"S1", 1}, {"S2", 2}, {"RX", 10}};
    unsigned last = 0;

    for (size_t i = 0; i < sizeof hosts / sizeof hosts[0]; i++)
        if (strcmp(host, hosts[i].host) == 0)
            last = hosts[i].last;
    memset(out, 0, sizeof *out);
    out->family = family;
    if (family == AF_INET) {
        /* 10.200.0.N on lab0, 10.201.0.N on lab1 */
        out->u.v4.s_addr = htonl(0x0ac80000u + ((unsigned)link << 16) + last);
    } else {
        /* fd42::N on lab0, fd43::N on lab1 */
        out->u.v6.s6_addr[0] = 0xfd;
        out->u.v6.s6_addr[1] = (uint8_t)(0x42 + link);
        out->u.v6.s6_addr[15] = (uint8_t)last;
    }
}

int lab_sender(struct lab *lab, const char *host, int family, int link)
{
    char ifname[IF_NAMESIZE];
    struct mc_err err;
    unsigned idx;
    int prev, fd, rc;

    snprintf(ifname, sizeof ifname, "lab%d", link);
    idx = lab_ifindex(lab, host, ifname);
    prev = lab_switch(lab, host_index(host));
    fd = mc_sock_open_udp(family, &err);
    rc = fd < 0 ? fd : mc_sock_set_mcast_if(fd, idx, &err);
    lab_switch(lab, prev);
    if (fd < 0 || rc < 0)
        fail_msg("sender in %s on %s: %d %s", host, ifname, rc, err.msg);
    return fd;
}

int lab_receiver(struct lab *lab, const char *host, int family, uint16_t port,
                 unsigned cm_flags)
{
    struct mc_err err;
    int prev = lab_switch(lab, host_index(host));
    int fd = mc_sock_open_udp(family, &err);
    int rc = fd;

    /* Room for every packet a test sends before it drains. */
    if (fd >= 0)
        rc = mc_sock_set_rcvbuf(fd, LAB_RCVBUF, &err);
    if (rc >= 0)
        rc = mc_sock_bind(fd, NULL, port, 0, true, &err);
    if (rc >= 0 && cm_flags != 0)
        rc = mc_cmsg_set_flags(fd, cm_flags, true, &err);
    lab_switch(lab, prev);
    if (rc < 0)
        fail_msg("receiver in %s port %u: %d %s", host, port, rc, err.msg);
    return fd;
}

/* ---- payload ---- */

static void put32(uint8_t *b, uint32_t v)
{
    v = htonl(v);
    memcpy(b, &v, 4);
}

static uint32_t get32(const uint8_t *b)
{
    uint32_t v;

    memcpy(&v, b, 4);
    return ntohl(v);
}

void lab_payload_fill(uint8_t *buf, uint32_t tag, uint32_t seq)
{
    memset(buf, 0xa5, LAB_PAYLOAD_LEN);
    put32(buf, LAB_MAGIC);
    put32(buf + 4, tag);
    put32(buf + 8, seq);
}

/* Ours only when whole: magic, length and the fill bytes intact. */
bool lab_payload_decode(const struct mc_pkt *p, uint32_t *tag, uint32_t *seq)
{
    if (p->len != LAB_PAYLOAD_LEN || p->wire_len != LAB_PAYLOAD_LEN ||
        get32(p->data) != LAB_MAGIC)
        return false;
    for (size_t i = 12; i < LAB_PAYLOAD_LEN; i++)
        if (p->data[i] != 0xa5)
            return false;
    *tag = get32(p->data + 4);
    *seq = get32(p->data + 8);
    return true;
}

/* ---- sending ---- */

#define SEND_RETRIES 2000 /* of 1 ms each */
#define MAX_BATCH 256

void lab_send_msgs(int fd, const struct mc_txmsg *msgs, unsigned n)
{
    struct mc_err err;
    unsigned done = 0, tries = 0;

    while (done < n) {
        int rc = mc_send_batch(fd, msgs + done, n - done, &err);

        if (rc > 0 && (unsigned)rc <= n - done) {
            done += (unsigned)rc;
            continue;
        }
        if (rc > 0)
            fail_msg("mc_send_batch(%u messages) returned %d", n - done, rc);
        if ((rc == 0 || rc == -EAGAIN || rc == -ENOBUFS) &&
            ++tries < SEND_RETRIES) {
            lab_sleep_us(1000);
            continue;
        }
        fail_msg("mc_send_batch: sent %u of %u: %d (%s) %s", done, n, rc,
                 mc_errno_name(rc), err.msg);
    }
}

void lab_send(int fd, const struct mc_addr *group, uint16_t port,
              unsigned count, uint32_t tag, uint32_t first_seq,
              const struct mc_cmsg *cm, const struct lab_pacing *pacing)
{
    static uint8_t buf[MAX_BATCH][LAB_PAYLOAD_LEN];
    static struct mc_txmsg msgs[MAX_BATCH];
    unsigned batch = pacing && pacing->batch ? pacing->batch : 16;
    unsigned gap = pacing && pacing->gap_us ? pacing->gap_us : 1000;
    unsigned sent = 0;

    if (batch > MAX_BATCH)
        batch = MAX_BATCH;
    while (sent < count) {
        unsigned n = count - sent < batch ? count - sent : batch;

        for (unsigned i = 0; i < n; i++) {
            lab_payload_fill(buf[i], tag, first_seq + sent + i);
            memset(&msgs[i], 0, sizeof msgs[i]);
            msgs[i].data = buf[i];
            msgs[i].len = LAB_PAYLOAD_LEN;
            msgs[i].dst = *group;
            msgs[i].port = port;
            msgs[i].cm = cm;
        }
        lab_send_msgs(fd, msgs, n);
        sent += n;
        if (pacing && pacing->nrx > 0)
            lab_drain_now(pacing->rx_fds, pacing->nrx, pacing->fn, pacing->arg);
        if (sent < count)
            lab_sleep_us(gap);
    }
}

/* ---- receiving ---- */

#define RX_SLOTS 64
#define RX_SLOT_SIZE 2048
#define DRAIN_LIMIT_MS 60000

static unsigned drain_with(struct mc_rxbatch *b, const int *fds, size_t nfds,
                           lab_pkt_fn fn, void *arg)
{
    struct mc_err err;
    unsigned total = 0;

    for (size_t i = 0; i < nfds; i++) {
        for (;;) {
            int n = mc_rxbatch_recv(b, fds[i], &err);

            if (n < 0)
                fail_msg("mc_rxbatch_recv(fd %d): %d (%s) %s", fds[i], n,
                         mc_errno_name(n), err.msg);
            if (n == 0)
                break;
            if ((unsigned)n > mc_rxbatch_capacity(b))
                fail_msg("mc_rxbatch_recv returned %d > capacity %u", n,
                         mc_rxbatch_capacity(b));
            for (int k = 0; k < n; k++)
                fn(i, mc_rxbatch_get(b, (unsigned)k), arg);
            total += (unsigned)n;
        }
    }
    return total;
}

static struct mc_rxbatch *rx_batch(void)
{
    struct mc_rxbatch *b = mc_rxbatch_new(RX_SLOTS, RX_SLOT_SIZE);

    if (b == NULL)
        fail_msg("mc_rxbatch_new(%d, %d) failed", RX_SLOTS, RX_SLOT_SIZE);
    return b;
}

unsigned lab_drain_now(const int *fds, size_t nfds, lab_pkt_fn fn, void *arg)
{
    struct mc_rxbatch *b = rx_batch();
    unsigned n = drain_with(b, fds, nfds, fn, arg);

    mc_rxbatch_free(b);
    return n;
}

unsigned lab_drain(const int *fds, size_t nfds, unsigned idle_ms, lab_pkt_fn fn,
                   void *arg)
{
    struct pollfd *pfd = calloc(nfds, sizeof *pfd);
    struct mc_rxbatch *b = rx_batch();
    long deadline = now_ms() + DRAIN_LIMIT_MS;
    unsigned total = 0;

    assert_non_null(pfd);
    for (size_t i = 0; i < nfds; i++) {
        pfd[i].fd = fds[i];
        pfd[i].events = POLLIN;
    }
    for (;;) {
        int rc;

        total += drain_with(b, fds, nfds, fn, arg);
        if (now_ms() > deadline) {
            free(pfd);
            mc_rxbatch_free(b);
            fail_msg("lab_drain: still receiving after %d ms", DRAIN_LIMIT_MS);
        }
        rc = poll(pfd, nfds, (int)idle_ms);
        if (rc == 0)
            break;
        if (rc < 0 && errno != EINTR) {
            free(pfd);
            mc_rxbatch_free(b);
            fail_msg("poll: %s", strerror(errno));
        }
    }
    free(pfd);
    mc_rxbatch_free(b);
    return total;
}

/* ---- tally ---- */

struct lab_tally *lab_tally_new(void)
{
    struct lab_tally *t = calloc(1, sizeof *t);

    assert_non_null(t);
    return t;
}

void lab_tally_reset(struct lab_tally *t)
{
    memset(t, 0, sizeof *t);
}

const struct lab_src_count *lab_tally_find(const struct lab_tally *t,
                                           const struct mc_addr *src)
{
    for (size_t i = 0; i < t->nsrc; i++)
        if (mc_addr_equal(&t->src[i].addr, src))
            return &t->src[i];
    return NULL;
}

unsigned lab_tally_of(const struct lab_tally *t, const struct mc_addr *src)
{
    const struct lab_src_count *s = lab_tally_find(t, src);

    return s ? s->packets : 0;
}

static struct lab_src_count *tally_slot(struct lab_tally *t,
                                        const struct mc_addr *src)
{
    struct lab_src_count *s = (struct lab_src_count *)lab_tally_find(t, src);

    if (s != NULL || t->nsrc == LAB_MAX_SRC)
        return s;
    s = &t->src[t->nsrc++];
    s->addr = *src;
    return s;
}

static void track_seq(struct lab_src_count *s, uint32_t tag, uint32_t seq)
{
    uint8_t bit = (uint8_t)(1u << (seq % 8));

    if (tag >= 4)
        return;
    if (seq >= LAB_MAX_SEQ) {
        s->bad_seq++;
        return;
    }
    if (s->seen[tag][seq / 8] & bit) {
        s->dups++;
        return;
    }
    s->seen[tag][seq / 8] |= bit;
    if (seq + 1 < s->max_seq[tag])
        s->reordered++;
    else
        s->max_seq[tag] = seq + 1;
}

void lab_tally_add(struct lab_tally *t, const struct mc_pkt *p)
{
    struct lab_src_count *s;
    uint32_t tag, seq;

    if (!lab_payload_decode(p, &tag, &seq)) {
        t->foreign++;
        return;
    }
    t->total++;
    if (p->cm.src.family != AF_INET && p->cm.src.family != AF_INET6) {
        t->no_src++;
        return;
    }
    s = tally_slot(t, &p->cm.src);
    if (s == NULL) {
        t->overflow++;
        return;
    }
    s->packets++;
    track_seq(s, tag, seq);
}

void lab_tally_fn(size_t fd_index, const struct mc_pkt *p, void *arg)
{
    (void)fd_index;
    lab_tally_add(arg, p);
}

void lab_count(const int *fds, size_t nfds, struct lab_tally *t)
{
    lab_tally_reset(t);
    lab_drain(fds, nfds, LAB_IDLE_MS, lab_tally_fn, t);
}

static void expect_src(const struct lab_tally *t, const struct mc_addr *src,
                       unsigned want, const char *what, bool in_order)
{
    const struct lab_src_count *s = lab_tally_find(t, src);
    char a[MC_ADDR_STRLEN];
    unsigned got = s ? s->packets : 0;
    unsigned reordered = s && in_order ? s->reordered : 0;

    if (got == want &&
        (s == NULL || (s->dups == 0 && reordered == 0 && s->bad_seq == 0)))
        return;
    mc_addr_format(src, a, sizeof a);
    fail_msg("%s: from %s got %u packets (dups %u, reordered %u, bad seq "
             "%u), want exactly %u",
             what, a, got, s ? s->dups : 0, reordered, s ? s->bad_seq : 0,
             want);
}

void lab_expect_src(const struct lab_tally *t, const struct mc_addr *src,
                    unsigned want, const char *what)
{
    expect_src(t, src, want, what, true);
}

void lab_expect_src_unordered(const struct lab_tally *t,
                              const struct mc_addr *src, unsigned want,
                              const char *what)
{
    expect_src(t, src, want, what, false);
}

void lab_expect_total(const struct lab_tally *t, unsigned want,
                      const char *what)
{
    if (t->total == want && t->foreign == 0 && t->no_src == 0 &&
        t->overflow == 0)
        return;
    fail_msg("%s: got %u packets of ours (want exactly %u), %u foreign, "
             "%u without a source, %u from too many sources",
             what, t->total, want, t->foreign, t->no_src, t->overflow);
}

/* ---- the usual two sources ---- */

void lab_ok(int rc, const struct mc_err *err, const char *what)
{
    if (rc < 0)
        fail_msg("%s: %d (%s) %s", what, rc, mc_errno_name(rc),
                 err ? err->msg : "");
}

void lab_senders_open(struct lab *lab, int family, struct lab_senders *s)
{
    memset(s, 0, sizeof *s);
    s->family = family;
    for (int i = 0; i < LAB_SPORTS; i++) {
        s->s1[i] = lab_sender(lab, "S1", family, 0);
        s->s2[i] = lab_sender(lab, "S2", family, 0);
    }
    lab_host_addr("S1", family, 0, &s->a1);
    lab_host_addr("S2", family, 0, &s->a2);
    s->rx_lab0 = lab_ifindex(lab, "RX", "lab0");
}

void lab_senders_close(struct lab_senders *s)
{
    for (int i = 0; i < LAB_SPORTS; i++) {
        close(s->s1[i]);
        close(s->s2[i]);
        s->s1[i] = s->s2[i] = -1;
    }
}

/* count packets with tag, split over the LAB_SPORTS sockets of fds. */
static void send_spread(const int *fds, const struct mc_addr *group,
                        uint16_t port, unsigned count, uint32_t tag)
{
    unsigned sent = 0;

    for (unsigned i = 0; i < LAB_SPORTS; i++) {
        unsigned n = (count - sent) / (LAB_SPORTS - i);

        lab_send(fds[i], group, port, n, tag, sent, NULL, NULL);
        sent += n;
    }
}

void lab_send_both(const struct lab_senders *s, const struct mc_addr *group,
                   uint16_t port, unsigned count)
{
    send_spread(s->s1, group, port, count, 1);
    send_spread(s->s2, group, port, count, 2);
}

void lab_expect_both(const int *fds, size_t nfds, const struct lab_senders *s,
                     unsigned want1, unsigned want2, const char *what)
{
    /* Static, not allocated: a failed assertion longjmps out of here. */
    static struct lab_tally t;
    char msg[160];

    lab_count(fds, nfds, &t);
    snprintf(msg, sizeof msg, "%s (S1)", what);
    lab_expect_src(&t, &s->a1, want1, msg);
    snprintf(msg, sizeof msg, "%s (S2)", what);
    lab_expect_src(&t, &s->a2, want2, msg);
    lab_expect_total(&t, want1 + want2, what);
}
