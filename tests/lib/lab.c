/* Test helper: build, enter and remove the namespace lab (see lab.h). */
#include "lab.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "mcscope/sock.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/common_interface_defs.h>
#define LAB_HAVE_SANITIZER 1
#endif

extern char **environ;

#define NHOSTS 4
#define NETNS_DIR "/run/netns"
#define NS_PREFIX "mct"
#define MAX_ARGS 24
#define READY_TIMEOUT_MS 5000
#define PROBE_PORT 40999

enum { H_SW, H_S1, H_S2, H_RX };
static const char *const host_names[NHOSTS] = {"SW", "S1", "S2", "RX"};

struct lab {
    bool second_link;
    int orig_fd; /* the namespace the process started in */
    int ns_fd[NHOSTS];
    char ns[NHOSTS][32];
    int cur; /* host index we are in, -1: the start */
};

/*
 * What the exit and signal paths remove.  Plain static arrays, filled
 * before a namespace exists, so the signal handler needs no allocation.
 */
static char reg_path[NHOSTS][64];
static int reg_orig_fd = -1;
static pid_t reg_owner;
static struct lab *the_lab;
static bool handlers_installed;

/* ---- running ip(8) ---- */

static void read_all(int fd, char *out, size_t len)
{
    size_t used = 0;
    ssize_t n;

    for (;;) {
        if (used + 1 >= len) {
            char sink[256];
            n = read(fd, sink, sizeof sink); /* keep the pipe flowing */
        } else {
            n = read(fd, out + used, len - used - 1);
            if (n > 0)
                used += (size_t)n;
        }
        if (n == 0 || (n < 0 && errno != EINTR))
            break;
    }
    out[used] = '\0';
}

/* Run argv without a shell; stdout into out when out != NULL.  Returns the
 * exit status, or -errno when it could not run. */
static int run_argv(char *const argv[], char *out, size_t outlen)
{
    posix_spawn_file_actions_t fa;
    int pfd[2] = {-1, -1};
    pid_t pid;
    int rc, status;

    if (out != NULL && pipe2(pfd, O_CLOEXEC) < 0)
        return -errno;
    posix_spawn_file_actions_init(&fa);
    if (out != NULL)
        posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
    rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (out != NULL)
        close(pfd[1]);
    if (rc != 0) {
        if (out != NULL)
            close(pfd[0]);
        return -rc;
    }
    if (out != NULL) {
        read_all(pfd[0], out, outlen);
        close(pfd[0]);
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

/* "ip ARGS..." with ARGS formatted and split on blanks (names hold none). */
static int ip_out(char *out, size_t outlen, const char *fmt, va_list ap)
{
    char line[256];
    char *argv[MAX_ARGS + 1];
    char *save = NULL, *word;
    int argc = 0;

    argv[argc++] = (char *)"ip";
    vsnprintf(line, sizeof line, fmt, ap);
    for (word = strtok_r(line, " ", &save); word && argc < MAX_ARGS;
         word = strtok_r(NULL, " ", &save))
        argv[argc++] = word;
    argv[argc] = NULL;
    return run_argv(argv, out, outlen);
}

/* Run an ip command; print it when it fails.  True on success. */
__attribute__((format(printf, 1, 2))) static bool ip_cmd(const char *fmt, ...)
{
    va_list ap;
    char line[256];
    int rc;

    va_start(ap, fmt);
    rc = ip_out(NULL, 0, fmt, ap);
    va_end(ap);
    if (rc != 0) {
        va_start(ap, fmt);
        vsnprintf(line, sizeof line, fmt, ap);
        va_end(ap);
        fprintf(stderr, "lab: `ip %s` failed (%s %d)\n", line,
                rc < 0 ? "errno" : "status", rc < 0 ? -rc : rc);
    }
    return rc == 0;
}

__attribute__((format(printf, 3, 4))) static int
ip_capture(char *out, size_t outlen, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = ip_out(out, outlen, fmt, ap);
    va_end(ap);
    return rc;
}

/* ---- removing namespaces ---- */

/* What `ip netns del` does, with syscalls only (async-signal-safe). */
static void unmount_ns_path(const char *path)
{
    umount2(path, MNT_DETACH);
    unlink(path);
}

/* Kill what runs inside (`ip netns pids`), then `ip netns del`. */
static void remove_ns(const char *name)
{
    char pids[4096], path[96];
    char *save = NULL, *word;

    snprintf(path, sizeof path, NETNS_DIR "/%s", name);
    if (access(path, F_OK) != 0)
        return; /* never made (a build that failed early) */

    if (ip_capture(pids, sizeof pids, "netns pids %s", name) == 0) {
        for (word = strtok_r(pids, " \n", &save); word;
             word = strtok_r(NULL, " \n", &save)) {
            pid_t pid = (pid_t)atoi(word);

            if (pid > 1 && pid != getpid())
                kill(pid, SIGKILL);
        }
    }
    if (!ip_cmd("netns del %s", name))
        unmount_ns_path(path);
}

/* Remove namespaces of earlier runs whose process is gone (SIGKILL,
 * sanitizer exit): "mct<pid>-HOST" with no process <pid>. */
static void sweep_stale(void)
{
    DIR *d = opendir(NETNS_DIR);
    struct dirent *e;
    char name[NHOSTS * 16][64];
    size_t n = 0;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL && n < NHOSTS * 16) {
        int pid;
        char host[8];

        if (sscanf(e->d_name, NS_PREFIX "%d-%7s", &pid, host) != 2)
            continue;
        if (pid <= 0 || pid == getpid() || strlen(e->d_name) >= 64)
            continue;
        if (kill(pid, 0) == 0 || errno != ESRCH)
            continue;
        memcpy(name[n++], e->d_name, strlen(e->d_name) + 1);
    }
    closedir(d);
    for (size_t i = 0; i < n; i++) {
        fprintf(stderr, "lab: removing %s, left by a run that died\n", name[i]);
        remove_ns(name[i]);
    }
}

/* Signal path: back to the start namespace, unmount every name. */
static void unregister_all_signal_safe(void)
{
    if (reg_orig_fd >= 0)
        setns(reg_orig_fd, CLONE_NEWNET);
    for (int i = 0; i < NHOSTS; i++) {
        if (reg_path[i][0] != '\0') {
            unmount_ns_path(reg_path[i]);
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

static int host_index(const char *host)
{
    for (int i = 0; i < NHOSTS; i++)
        if (strcmp(host, host_names[i]) == 0)
            return i;
    fail_msg("lab: no host \"%s\" (SW, S1, S2, RX)", host);
    return -1;
}

/* Switch to host index h (-1: the start); returns where we were. */
static int lab_switch(struct lab *lab, int h)
{
    int prev = lab->cur;
    int fd = h < 0 ? lab->orig_fd : lab->ns_fd[h];

    if (h == prev)
        return prev;
    if (setns(fd, CLONE_NEWNET) < 0) {
        fprintf(stderr, "lab: setns into %s: %s\n",
                h < 0 ? "the start namespace" : lab->ns[h], strerror(errno));
        abort();
    }
    lab->cur = h;
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
    return lab->ns[host_index(host)];
}

/* ---- building ---- */

static bool sysctl_set(const char *name, const char *value)
{
    char path[160];
    int fd;
    ssize_t n;

    snprintf(path, sizeof path, "/proc/sys/%s", name);
    fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "lab: open %s: %s\n", path, strerror(errno));
        return false;
    }
    n = write(fd, value, strlen(value));
    close(fd);
    if (n < 0)
        fprintf(stderr, "lab: write %s: %s\n", path, strerror(errno));
    return n >= 0;
}

/*
 * Per host, before any lab interface exists (so "default" applies to
 * them): no DAD wait, no reverse-path filter; SW only bridges, so it
 * carries no IPv6 addresses of its own.
 */
static bool host_sysctls(struct lab *lab, int h)
{
    bool ok = true;

    lab_switch(lab, h);
    ok &= sysctl_set("net/ipv6/conf/all/accept_dad", "0");
    ok &= sysctl_set("net/ipv6/conf/default/accept_dad", "0");
    ok &= sysctl_set("net/ipv4/conf/all/rp_filter", "0");
    ok &= sysctl_set("net/ipv4/conf/default/rp_filter", "0");
    if (h == H_SW)
        ok &= sysctl_set("net/ipv6/conf/default/disable_ipv6", "1");
    lab_switch(lab, -1);
    return ok;
}

static bool add_namespaces(struct lab *lab)
{
    char path[96];

    for (int h = 0; h < NHOSTS; h++) {
        /* Registered first: a signal during `ip netns add` still cleans. */
        snprintf(reg_path[h], sizeof reg_path[h], NETNS_DIR "/%s", lab->ns[h]);
        if (!ip_cmd("netns add %s", lab->ns[h]))
            return false;
        snprintf(path, sizeof path, NETNS_DIR "/%s", lab->ns[h]);
        lab->ns_fd[h] = open(path, O_RDONLY | O_CLOEXEC);
        if (lab->ns_fd[h] < 0) {
            fprintf(stderr, "lab: open %s: %s\n", path, strerror(errno));
            return false;
        }
        if (!host_sysctls(lab, h) ||
            !ip_cmd("-n %s link set lo up", lab->ns[h]))
            return false;
    }
    return true;
}

/* Host h's end of link (lab0 or lab1) on bridge br<link>, addressed. */
static bool add_port(struct lab *lab, int h, int link)
{
    const char *sw = lab->ns[H_SW], *ns = lab->ns[h];
    const char *host = host_names[h];
    char a6[64], a4[64];
    struct in_addr v4;
    struct in6_addr v6;
    struct mc_addr a;

    lab_host_addr(host, AF_INET6, link, &a);
    v6 = a.u.v6;
    lab_host_addr(host, AF_INET, link, &a);
    v4 = a.u.v4;
    inet_ntop(AF_INET6, &v6, a6, sizeof a6);
    inet_ntop(AF_INET, &v4, a4, sizeof a4);
    return ip_cmd("-n %s link add p%d-%s type veth peer name lab%d netns %s",
                  sw, link, host, link, ns) &&
           ip_cmd("-n %s link set p%d-%s master br%d up", sw, link, host,
                  link) &&
           ip_cmd("-n %s addr add %s/64 dev lab%d nodad", ns, a6, link) &&
           ip_cmd("-n %s addr add %s/24 dev lab%d", ns, a4, link) &&
           ip_cmd("-n %s link set lab%d up", ns, link) &&
           ip_cmd("-n %s route add 224.0.0.0/4 dev lab%d metric %d", ns, link,
                  10 + link);
}

static bool add_links(struct lab *lab)
{
    const char *sw = lab->ns[H_SW];

    if (!ip_cmd("-n %s link add br0 type bridge mcast_snooping 0", sw) ||
        !ip_cmd("-n %s link set br0 up", sw))
        return false;
    for (int h = H_S1; h <= H_RX; h++)
        if (!add_port(lab, h, 0))
            return false;
    if (!lab->second_link)
        return true;
    if (!ip_cmd("-n %s link add br1 type bridge mcast_snooping 0", sw) ||
        !ip_cmd("-n %s link set br1 up", sw))
        return false;
    return add_port(lab, H_S1, 1) && add_port(lab, H_RX, 1);
}

/* IFF_RUNNING (carrier, and the link watcher done) in the current ns. */
static bool iface_running(const char *ifname)
{
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    bool up = false;

    if (fd < 0)
        return false;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0)
        up = (ifr.ifr_flags & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING);
    close(fd);
    return up;
}

static bool host_running(struct lab *lab, int h)
{
    bool up = true;
    int links = lab->second_link ? 2 : 1;
    char name[IF_NAMESIZE];

    lab_switch(lab, h);
    if (h == H_SW) {
        for (int l = 0; l < links; l++) {
            snprintf(name, sizeof name, "br%d", l);
            up &= iface_running(name);
        }
    } else {
        up &= iface_running("lab0");
        if (lab->second_link && h != H_S2)
            up &= iface_running("lab1");
    }
    lab_switch(lab, -1);
    return up;
}

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

static bool wait_running(struct lab *lab)
{
    long deadline = now_ms() + READY_TIMEOUT_MS;

    for (;;) {
        bool all = true;

        for (int h = 0; h < NHOSTS; h++)
            all &= host_running(lab, h);
        if (all)
            return true;
        if (now_ms() > deadline) {
            fprintf(stderr, "lab: interfaces not running after %d ms\n",
                    READY_TIMEOUT_MS);
            return false;
        }
        lab_sleep_us(10000);
    }
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
    size_t n = lab->second_link ? 3 : 2;
    int rx[2] = {-1, -1};
    long deadline = now_ms() + READY_TIMEOUT_MS;
    bool ok = false, all = false;

    lab_switch(lab, H_RX);
    for (int l = 0; l < (lab->second_link ? 2 : 1); l++)
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
    char *argv[] = {(char *)"ip", (char *)"-V", NULL};
    char out[256];

    if (geteuid() != 0) {
        printf("SKIP: needs root to create network namespaces "
               "(CI runs as root)\n");
        return false;
    }
    if (run_argv(argv, out, sizeof out) != 0) {
        printf("SKIP: needs iproute2 (the ip command) to build the lab\n");
        return false;
    }
    return true;
}

struct lab *lab_create(bool second_link)
{
    struct lab *lab;

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
    lab->second_link = second_link;
    lab->cur = -1;
    for (int h = 0; h < NHOSTS; h++) {
        lab->ns_fd[h] = -1;
        snprintf(lab->ns[h], sizeof lab->ns[h], NS_PREFIX "%ld-%s",
                 (long)getpid(), host_names[h]);
    }
    lab->orig_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (lab->orig_fd < 0) {
        perror("lab: /proc/self/ns/net");
        exit(1);
    }
    reg_orig_fd = lab->orig_fd;
    reg_owner = getpid();
    the_lab = lab;
    install_handlers();
    sweep_stale();
    if (!add_namespaces(lab) || !add_links(lab) || !wait_running(lab) ||
        !probe_family(lab, AF_INET6) || !probe_family(lab, AF_INET)) {
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
    lab_switch(lab, -1);
    for (int h = NHOSTS - 1; h >= 0; h--) {
        if (lab->ns_fd[h] >= 0)
            close(lab->ns_fd[h]);
        if (reg_path[h][0] != '\0') {
            remove_ns(lab->ns[h]);
            reg_path[h][0] = '\0';
        }
    }
    if (the_lab == lab)
        the_lab = NULL;
    reg_orig_fd = -1;
    close(lab->orig_fd);
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
