/* mcscope: the lab's private network (see net.h). */
#include "net.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mcscope/addr.h"
#include "mcscope/clock.h"
#include "proc.h"
#include "router.h"

#define NETNS_DIR "/run/netns"
#define SELF_NS "/proc/thread-self/ns/net"
#define READY_MS 5000 /* links must be running by then */
#define MAX_WORDS 32
#define PREFIX_MAX 24
/* The snooping bridge's query response interval (centiseconds): 1 s
 * instead of 10 s, see start_querier. */
#define QUERIER_DELAY_CS 100
#define QUERIER_MARGIN_MS 200

static const char *const host_names[LABNET_NHOSTS] = {"SW", "S1", "S2", "RX",
                                                      "RT"};

/* The labnet that is up in this process (one at most). */
static const struct labnet *live;

/* ---- names and addresses ---- */

const char *labnet_host_name(enum labnet_host h)
{
    if (h == LABNET_HOME)
        return "home";
    return h >= 0 && h < LABNET_NHOSTS ? host_names[h] : "?";
}

enum labnet_host labnet_host_by_name(const char *name)
{
    for (int h = 0; h < LABNET_NHOSTS; h++)
        if (strcasecmp(name, host_names[h]) == 0)
            return (enum labnet_host)h;
    return LABNET_NHOSTS;
}

const char *labnet_addr(const struct labnet *net, enum labnet_host h,
                        int family, int link)
{
    const struct labtopo_port *p =
        link < 0 ? NULL : labtopo_port(net->topo, h, (size_t)link);

    return p == NULL ? NULL : family == AF_INET ? p->a4 : p->a6;
}

const char *labnet_ifname(const struct labnet *net, enum labnet_host h)
{
    const struct labtopo_port *p = labtopo_first_port(net->topo, h);

    return p != NULL ? p->ifname : NULL;
}

bool labnet_has(const struct labnet *net, enum labnet_host h)
{
    return h >= 0 && h < LABNET_NHOSTS && labtopo_has_host(net->topo, h);
}

static int host_fd(const struct labnet *net, enum labnet_host h)
{
    if (h == LABNET_HOME)
        return net->home_fd;
    return h >= 0 && h < LABNET_NHOSTS ? net->ns_fd[h] : -1;
}

/* The namespace a child must enter to be in h: -1 when the calling
 * thread is there already (a child starts where its parent's thread is,
 * and entering one's own namespace would need CAP_SYS_ADMIN). */
static int child_ns(const struct labnet *net, enum labnet_host h)
{
    return h == (enum labnet_host)net->cur ? -1 : host_fd(net, h);
}

pid_t labnet_spawn(struct labnet *net, enum labnet_host h, char *const argv[],
                   int out_fd, int err_fd)
{
    struct labproc_io io = {child_ns(net, h), out_fd, err_fd, -1};

    if (host_fd(net, h) < 0)
        return -EBADF;
    return labproc_spawn(&io, argv);
}

pid_t labnet_spawn_fd(struct labnet *net, enum labnet_host h,
                      char *const argv[], int pass_fd)
{
    struct labproc_io io = {child_ns(net, h), -1, -1, pass_fd};

    if (host_fd(net, h) < 0)
        return -EBADF;
    return labproc_spawn(&io, argv);
}

int labnet_run(struct labnet *net, enum labnet_host h, char *const argv[],
               char *out, size_t out_len)
{
    if (host_fd(net, h) < 0)
        return -EBADF;
    return labproc_run(child_ns(net, h), -1, argv, out, out_len);
}

/* The first line of text, for a message. */
static void first_line(const char *text, char *out, size_t len)
{
    size_t n = strcspn(text, "\n");

    snprintf(out, len, "%.*s", (int)(n > 160 ? 160 : n), text);
}

/*
 * `ip ARGS` inside host h (ARGS formatted, split on blanks: the lab's
 * names hold none), with pass (a host, or LABNET_HOME for none) as
 * LABPROC_PASS_PATH.  0, or -1 with why naming the command and ip's answer.
 */
__attribute__((format(printf, 6, 7))) static int
ipcmd(struct labnet *net, enum labnet_host h, enum labnet_host pass, char *why,
      size_t why_len, const char *fmt, ...)
{
    char shown[256], line[256], out[512], msg[192];
    char *argv[MAX_WORDS + 1], *save = NULL, *w;
    int argc = 0, rc;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(shown, sizeof shown, fmt, ap);
    va_end(ap);
    memcpy(line, shown, sizeof line);
    argv[argc++] = (char *)"ip";
    for (w = strtok_r(line, " ", &save); w != NULL && argc < MAX_WORDS;
         w = strtok_r(NULL, " ", &save))
        argv[argc++] = w;
    argv[argc] = NULL;
    rc = labproc_run(child_ns(net, h),
                     pass == LABNET_HOME ? -1 : host_fd(net, pass), argv, out,
                     sizeof out);
    if (rc == 0)
        return 0;
    if (rc == -ENOENT) {
        snprintf(why, why_len,
                 "the lab needs the ip command of iproute2: install it "
                 "(apt-get install iproute2)");
    } else if (rc < 0) {
        snprintf(why, why_len, "cannot run `ip %s` in %s: %s", shown,
                 labnet_host_name(h), strerror(-rc));
    } else {
        first_line(out, msg, sizeof msg);
        snprintf(why, why_len, "`ip %s` in %s failed (status %d): %s", shown,
                 labnet_host_name(h), rc, msg);
    }
    return -1;
}

/* ---- entering hosts ---- */

int labnet_enter(struct labnet *net, enum labnet_host h)
{
    int fd = host_fd(net, h);

    if (h == (enum labnet_host)net->cur)
        return 0;
    if (fd < 0)
        return -EBADF;
    if (setns(fd, CLONE_NEWNET) < 0)
        return -errno;
    net->cur = h;
    return 0;
}

int labnet_leave(struct labnet *net)
{
    return labnet_enter(net, LABNET_HOME);
}

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    int rc = 0;

    if (fd < 0)
        return -errno;
    if (write(fd, text, strlen(text)) < 0)
        rc = -errno;
    close(fd);
    return rc;
}

/* Write value to /proc/sys/KEY inside host h. */
static int host_sysctl(struct labnet *net, enum labnet_host h, const char *key,
                       const char *value, char *why, size_t why_len)
{
    char path[160];
    int rc = labnet_enter(net, h);

    snprintf(path, sizeof path, "/proc/sys/%s", key);
    if (rc == 0)
        rc = write_file(path, value);
    labnet_leave(net);
    if (rc < 0)
        snprintf(why, why_len, "cannot set %s=%s in %s: %s", key, value,
                 labnet_host_name(h), strerror(-rc));
    return rc < 0 ? -1 : 0;
}

size_t labnet_pids(const struct labnet *net, enum labnet_host h, pid_t *pids,
                   size_t max)
{
    return labproc_pids_in(host_fd(net, h), pids, max);
}

/* What `ip netns del` does. */
static void remove_named(const char *name)
{
    char path[sizeof NETNS_DIR + LABNET_NAME_MAX];

    snprintf(path, sizeof path, NETNS_DIR "/%s", name);
    umount2(path, MNT_DETACH);
    unlink(path);
}

/* ---- making the namespaces ---- */

static int make_named(struct labnet *net, char *why, size_t why_len)
{
    char path[sizeof NETNS_DIR + LABNET_NAME_MAX];

    for (int h = 0; h < LABNET_NHOSTS; h++) {
        if (!labnet_has(net, (enum labnet_host)h))
            continue;
        /* (ip removes what it made when it fails half-way.) */
        if (ipcmd(net, LABNET_HOME, LABNET_HOME, why, why_len, "netns add %s",
                  net->name[h]) < 0)
            return -1;
        net->named[h] = true;
        snprintf(path, sizeof path, NETNS_DIR "/%s", net->name[h]);
        net->ns_fd[h] = open(path, O_RDONLY | O_CLOEXEC);
        if (net->ns_fd[h] < 0) {
            snprintf(why, why_len, "cannot open %s: %s", path, strerror(errno));
            return -1;
        }
    }
    return 0;
}

static void userns_refused(int e, char *why, size_t why_len)
{
    char max[32] = "?";
    int fd = open("/proc/sys/user/max_user_namespaces", O_RDONLY | O_CLOEXEC);

    if (fd >= 0) {
        labproc_read_all(fd, max, sizeof max);
        max[strcspn(max, "\n")] = '\0';
        close(fd);
    }
    snprintf(why, why_len,
             "the kernel refused an unprivileged user namespace (%s): run "
             "mcscope --lab as root (sudo), or allow them: "
             "sysctl kernel.unprivileged_userns_clone=1 where it exists, "
             "user.max_user_namespaces above 0 (now %s), and on Ubuntu "
             "kernel.apparmor_restrict_unprivileged_userns=0",
             strerror(e), max);
}

/* This process into a new user + network namespace (SW), then one more
 * network namespace per host, each kept by an fd. */
static int make_userns(struct labnet *net, char *why, size_t why_len)
{
    uid_t uid = geteuid();
    gid_t gid = getegid();
    char map[64];
    int rc;

    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) < 0) {
        userns_refused(errno, why, why_len);
        return -1;
    }
    rc = write_file("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
    if (rc == 0 || rc == -ENOENT)
        rc = write_file("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
    if (rc == 0)
        rc = write_file("/proc/self/gid_map", map);
    if (rc < 0) {
        snprintf(why, why_len, "cannot map the user into its namespace: %s",
                 strerror(-rc));
        return -1;
    }
    close(net->home_fd);
    net->home_fd = open(SELF_NS, O_RDONLY | O_CLOEXEC);
    net->ns_fd[LABNET_SW] = open(SELF_NS, O_RDONLY | O_CLOEXEC);
    for (int h = LABNET_S1; h < LABNET_NHOSTS; h++) {
        if (!labnet_has(net, (enum labnet_host)h))
            continue;
        if (unshare(CLONE_NEWNET) < 0) {
            snprintf(why, why_len, "cannot make a network namespace: %s",
                     strerror(errno));
            return -1;
        }
        net->ns_fd[h] = open(SELF_NS, O_RDONLY | O_CLOEXEC);
        if (setns(net->home_fd, CLONE_NEWNET) < 0 || net->ns_fd[h] < 0) {
            snprintf(why, why_len, "cannot keep a network namespace: %s",
                     strerror(errno));
            return -1;
        }
    }
    return 0;
}

/* ---- links ---- */

/* Per host, before its links exist ("default" applies to them); RT
 * forwards. */
static int prepare_host(struct labnet *net, enum labnet_host h, char *why,
                        size_t why_len)
{
    static const char *const keys[] = {
        "net/ipv6/conf/all/accept_dad",
        "net/ipv6/conf/default/accept_dad",
        "net/ipv4/conf/all/rp_filter",
        "net/ipv4/conf/default/rp_filter",
    };
    static const char *const router_keys[] = {
        "net/ipv6/conf/all/forwarding",
        "net/ipv4/ip_forward",
    };

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (host_sysctl(net, h, keys[i], "0", why, why_len) < 0)
            return -1;
    for (size_t i = 0; h == LABNET_RT && i < 2; i++)
        if (host_sysctl(net, h, router_keys[i], "1", why, why_len) < 0)
            return -1;
    return ipcmd(net, h, LABNET_HOME, why, why_len, "link set lo up");
}

static void add_ms(struct timespec *ts, long ms)
{
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * MC_NS_PER_MS;
    if (ts->tv_nsec >= MC_NS_PER_S) {
        ts->tv_sec++;
        ts->tv_nsec -= MC_NS_PER_S;
    }
}

static int add_bridge(struct labnet *net, const char *br, char *why,
                      size_t why_len)
{
    char key[64];

    if (net->topo->snooping) {
        /* The querier is turned on later (start_querier). */
        if (ipcmd(net, LABNET_SW, LABNET_HOME, why, why_len,
                  "link add %s type bridge mcast_snooping 1 "
                  "mcast_querier 0 mcast_mld_version 2 "
                  "mcast_igmp_version 3 mcast_query_response_interval %d "
                  "mcast_startup_query_interval %d",
                  br, QUERIER_DELAY_CS, QUERIER_DELAY_CS) < 0)
            return -1;
        /* The MLD querier needs a link-local address on the bridge. */
        snprintf(key, sizeof key, "net/ipv6/conf/%s/disable_ipv6", br);
        if (host_sysctl(net, LABNET_SW, key, "0", why, why_len) < 0)
            return -1;
    } else if (ipcmd(net, LABNET_SW, LABNET_HOME, why, why_len,
                     "link add %s type bridge mcast_snooping 0", br) < 0) {
        return -1;
    }
    return ipcmd(net, LABNET_SW, LABNET_HOME, why, why_len, "link set %s up",
                 br);
}

/* RX's multicast protocol versions on ifname, before it is up. */
static int force_versions(struct labnet *net, const char *ifname, int mld,
                          int igmp, char *why, size_t why_len)
{
    char key[64], val[16];

    if (mld > 0) {
        snprintf(key, sizeof key, "net/ipv6/conf/%s/force_mld_version", ifname);
        snprintf(val, sizeof val, "%d", mld);
        if (host_sysctl(net, LABNET_RX, key, val, why, why_len) < 0)
            return -1;
    }
    if (igmp > 0) {
        snprintf(key, sizeof key, "net/ipv4/conf/%s/force_igmp_version",
                 ifname);
        snprintf(val, sizeof val, "%d", igmp);
        if (host_sysctl(net, LABNET_RX, key, val, why, why_len) < 0)
            return -1;
    }
    return 0;
}

/* " mtu N", or "" for veth's default. */
static const char *mtu_words(const struct labtopo_link *k, char *buf,
                             size_t len)
{
    if (k->mtu <= 0)
        return "";
    snprintf(buf, len, " mtu %d", k->mtu);
    return buf;
}

/* Port p of link l, its interface made: addressed, up and routed. */
static int config_port(struct labnet *net, size_t l,
                       const struct labtopo_port *p,
                       const struct labnet_opts *o, char *why, size_t why_len)
{
    const struct labtopo_link *k = &net->topo->link[l];
    enum labnet_host h = (enum labnet_host)p->host;

    if (ipcmd(net, h, LABNET_HOME, why, why_len, "addr add %s/64 dev %s nodad",
              p->a6, p->ifname) < 0 ||
        ipcmd(net, h, LABNET_HOME, why, why_len, "addr add %s/24 dev %s", p->a4,
              p->ifname) < 0)
        return -1;
    if (h == LABNET_RX && force_versions(net, p->ifname, o->rx_mld_version,
                                         o->rx_igmp_version, why, why_len) < 0)
        return -1;
    if (ipcmd(net, h, LABNET_HOME, why, why_len, "link set %s up", p->ifname) <
        0)
        return -1;
    if (h == LABNET_RT)
        return 0;
    if (ipcmd(net, h, LABNET_HOME, why, why_len,
              "route add 224.0.0.0/4 dev %s metric %zu", p->ifname, 10 + l) < 0)
        return -1;
    if (k->gw6 != NULL &&
        (ipcmd(net, h, LABNET_HOME, why, why_len,
               "-6 route add default via %s dev %s", k->gw6, p->ifname) < 0 ||
         ipcmd(net, h, LABNET_HOME, why, why_len,
               "route add default via %s dev %s", k->gw4, p->ifname) < 0))
        return -1;
    return 0;
}

/* Link l: a bridge in SW and a veth from it to each port, or a veth pair
 * between its two ports. */
static int add_link(struct labnet *net, size_t l, const struct labnet_opts *o,
                    char *why, size_t why_len)
{
    const struct labtopo_link *k = &net->topo->link[l];
    char mtu[24];

    if (k->bridge == NULL) {
        const struct labtopo_port *a = &k->port[0], *b = &k->port[1];

        if (ipcmd(net, (enum labnet_host)a->host, (enum labnet_host)b->host,
                  why, why_len,
                  "link add %s%s type veth peer name %s%s "
                  "netns " LABPROC_PASS_PATH,
                  a->ifname, mtu_words(k, mtu, sizeof mtu), b->ifname,
                  mtu_words(k, mtu, sizeof mtu)) < 0)
            return -1;
    } else {
        if (add_bridge(net, k->bridge, why, why_len) < 0)
            return -1;
        for (size_t i = 0; i < k->nports; i++) {
            const struct labtopo_port *p = &k->port[i];
            const char *hn = host_names[p->host];

            if (ipcmd(net, LABNET_SW, (enum labnet_host)p->host, why, why_len,
                      "link add p%zu-%s%s type veth peer name %s%s "
                      "netns " LABPROC_PASS_PATH,
                      l, hn, mtu_words(k, mtu, sizeof mtu), p->ifname,
                      mtu_words(k, mtu, sizeof mtu)) < 0 ||
                ipcmd(net, LABNET_SW, LABNET_HOME, why, why_len,
                      "link set p%zu-%s master %s up", l, hn, k->bridge) < 0)
                return -1;
        }
    }
    for (size_t i = 0; i < k->nports; i++)
        if (config_port(net, l, &k->port[i], o, why, why_len) < 0)
            return -1;
    return 0;
}

static int add_links(struct labnet *net, const struct labnet_opts *o, char *why,
                     size_t why_len)
{
    /* SW only bridges: no IPv6 on its ports (set before they exist). */
    if (host_sysctl(net, LABNET_SW, "net/ipv6/conf/default/disable_ipv6", "1",
                    why, why_len) < 0)
        return -1;
    for (size_t l = 0; l < net->topo->nlinks; l++)
        if (add_link(net, l, o, why, why_len) < 0)
            return -1;
    return 0;
}

/* ---- ready ---- */

/* IFF_UP and IFF_RUNNING, in the calling thread's namespace. */
static bool running(const char *ifname)
{
    unsigned flags;

    return mc_if_flags(ifname, &flags) == 0 &&
           (flags & (IFF_UP | IFF_RUNNING)) == (IFF_UP | IFF_RUNNING);
}

static bool host_running(struct labnet *net, enum labnet_host h)
{
    const struct labtopo *t = net->topo;
    bool up = true;

    if (labnet_enter(net, h) < 0)
        return false;
    for (size_t l = 0; l < t->nlinks; l++) {
        const struct labtopo_port *p = labtopo_port(t, h, l);

        if (h == LABNET_SW && t->link[l].bridge != NULL)
            up = up && running(t->link[l].bridge);
        else if (p != NULL)
            up = up && running(p->ifname);
    }
    labnet_leave(net);
    return up;
}

static int wait_running(struct labnet *net, char *why, size_t why_len)
{
    for (long waited = 0;; waited += 10) {
        int h;

        for (h = 0; h < LABNET_NHOSTS; h++)
            if (labnet_has(net, (enum labnet_host)h) &&
                !host_running(net, (enum labnet_host)h))
                break;
        if (h == LABNET_NHOSTS)
            return 0;
        if (waited >= READY_MS) {
            snprintf(why, why_len,
                     "the links of %s are not running after "
                     "%d ms",
                     host_names[h], READY_MS);
            return -1;
        }
        labproc_sleep_ms(10);
    }
}

/* RT's router between its interface on link 0 (up) and link 1 (down). */
static int start_router(struct labnet *net, char *why, size_t why_len)
{
    const struct labtopo_port *up = labtopo_port(net->topo, LABNET_RT, 0);
    const struct labtopo_port *down = labtopo_port(net->topo, LABNET_RT, 1);

    return labrouter_up(net->ns_fd[LABNET_RT],
                        net->named[LABNET_RT] ? net->name[LABNET_RT] : NULL,
                        up->ifname, down->ifname, &net->router, why, why_len);
}

/*
 * The snooping bridge becomes the MLD and IGMP querier only now that br0
 * has its link-local address (a query it cannot address is not sent, and
 * the next would come a startup interval later), then the query response
 * interval must pass before its group table decides (until then it
 * floods every group).
 */
static int start_querier(struct labnet *net, char *why, size_t why_len)
{
    struct timespec until;

    if (ipcmd(net, LABNET_SW, LABNET_HOME, why, why_len,
              "link set br0 type bridge mcast_querier 1") < 0)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &until);
    add_ms(&until, QUERIER_DELAY_CS * 10 + QUERIER_MARGIN_MS);
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL) ==
           EINTR)
        ;
    return 0;
}

/* ---- up and down ---- */

static void init(struct labnet *net, const struct labnet_opts *o)
{
    const char *prefix = o->prefix != NULL ? o->prefix : LABNET_PREFIX;

    memset(net, 0, sizeof *net);
    net->owner = getpid();
    net->cur = LABNET_HOME;
    net->topo = labtopo_get(o->topology);
    if (net->topo == NULL)
        net->topo = labtopo_get(LABTOPO_BRIDGE);
    net->mode = o->mode;
    if (net->mode == LABNET_MODE_AUTO)
        net->mode = geteuid() == 0 ? LABNET_MODE_NAMED : LABNET_MODE_USERNS;
    for (int h = 0; h < LABNET_NHOSTS; h++) {
        net->ns_fd[h] = -1;
        snprintf(net->name[h], sizeof net->name[h], "%.*s%ld-%s", PREFIX_MAX,
                 prefix, (long)(o->owner > 0 ? o->owner : net->owner),
                 host_names[h]);
    }
    net->home_fd = -1;
}

int labnet_check_ip(char *why, size_t why_len)
{
    char *argv[] = {(char *)"ip", (char *)"-V", NULL};
    int rc = labproc_run(-1, -1, argv, NULL, 0);

    if (rc == -ENOENT)
        snprintf(why, why_len,
                 "the lab needs the ip command of iproute2: install it "
                 "(apt-get install iproute2)");
    else if (rc != 0)
        snprintf(why, why_len, "`ip -V` does not work here (%d)", rc);
    return rc == 0 ? 0 : -1;
}

int labnet_up(const struct labnet_opts *opts, struct labnet *net, char *why,
              size_t why_len)
{
    int rc;

    init(net, opts);
    if (live != NULL) {
        snprintf(why, why_len, "a lab is already up in this process");
        return -EBUSY;
    }
    net->home_fd = open(SELF_NS, O_RDONLY | O_CLOEXEC);
    if (net->home_fd < 0) {
        snprintf(why, why_len, "cannot open %s: %s", SELF_NS, strerror(errno));
        return -errno;
    }
    if (net->mode == LABNET_MODE_NAMED && geteuid() != 0) {
        snprintf(why, why_len,
                 "named network namespaces need root: run as "
                 "root, or without root for user namespaces");
        return -EPERM;
    }
    live = net;
    rc = labnet_check_ip(why, why_len);
    if (rc == 0)
        rc = net->mode == LABNET_MODE_NAMED ? make_named(net, why, why_len)
                                            : make_userns(net, why, why_len);
    for (int h = 0; rc == 0 && h < LABNET_NHOSTS; h++)
        if (labnet_has(net, (enum labnet_host)h))
            rc = prepare_host(net, (enum labnet_host)h, why, why_len);
    if (rc == 0)
        rc = add_links(net, opts, why, why_len);
    if (rc == 0)
        rc = wait_running(net, why, why_len);
    if (rc == 0 && net->topo->snooping)
        rc = start_querier(net, why, why_len);
    if (rc == 0 && net->topo->router)
        rc = start_router(net, why, why_len);
    labnet_leave(net);
    if (rc < 0) {
        labnet_down(net);
        return -EIO;
    }
    return 0;
}

void labnet_down(struct labnet *net)
{
    if (net->owner != getpid())
        return; /* a forked child never takes the lab down */
    labnet_leave(net);
    for (int h = LABNET_NHOSTS - 1; h >= 0; h--) {
        if (net->ns_fd[h] >= 0) {
            /* USERNS: SW is where this process lives. */
            if (!(net->mode == LABNET_MODE_USERNS && h == LABNET_SW))
                labproc_kill_in(net->ns_fd[h]);
            close(net->ns_fd[h]);
            net->ns_fd[h] = -1;
        }
        if (net->named[h]) {
            labrouter_forget(net->name[h]);
            remove_named(net->name[h]);
            net->named[h] = false;
        }
    }
    if (net->home_fd >= 0)
        close(net->home_fd);
    net->home_fd = -1;
    if (live == net)
        live = NULL;
}

/* ---- stale labs ---- */

/* "PREFIX<pid>-HOST": the pid, or 0 when the name is not of that form. */
static long owner_of(const char *name, const char *prefix)
{
    size_t plen = strlen(prefix);
    char *end;
    long pid;

    if (strncmp(name, prefix, plen) != 0 || name[plen] < '0' ||
        name[plen] > '9')
        return 0;
    pid = strtol(name + plen, &end, 10);
    return *end == '-' && end[1] != '\0' ? pid : 0;
}

/* A zombie (killed, not reaped yet) counts as gone. */
static bool zombie(long pid)
{
    char path[64], stat[256], *p;
    int fd;

    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    labproc_read_all(fd, stat, sizeof stat);
    close(fd);
    p = strrchr(stat, ')'); /* "PID (COMM) STATE ..." */
    return p != NULL && (p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

static bool stale(long pid)
{
    if (pid == (long)getpid())
        return live == NULL; /* our pid, reused: not made by us */
    if (kill((pid_t)pid, 0) < 0)
        return errno == ESRCH;
    return zombie(pid);
}

/* Kill what runs in the named namespaces and remove them (each said on
 * log when log is not NULL). */
static void remove_all(char (*names)[LABNET_NAME_MAX], size_t n, FILE *log,
                       const char *how)
{
    for (size_t i = 0; i < n; i++) {
        char path[sizeof NETNS_DIR + LABNET_NAME_MAX];
        int fd;

        snprintf(path, sizeof path, NETNS_DIR "/%s", names[i]);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        labproc_kill_in(fd);
        if (fd >= 0)
            close(fd);
        labrouter_forget(names[i]);
        remove_named(names[i]);
        if (log != NULL)
            fprintf(log, "mcscope: removed the network namespace %s%s\n",
                    names[i], how);
    }
}

/* Remove the named namespaces PREFIX<pid>-HOST of owner (0: of every
 * owner whose pid is gone). */
static size_t remove_labs(const char *prefix, long owner, FILE *log)
{
    char(*names)[LABNET_NAME_MAX] = NULL;
    size_t n = 0, cap = 0;
    DIR *d = opendir(NETNS_DIR);
    struct dirent *e;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        long pid = owner_of(e->d_name, prefix != NULL ? prefix : LABNET_PREFIX);

        if (pid <= 0 || strlen(e->d_name) >= LABNET_NAME_MAX ||
            (owner > 0 ? pid != owner : !stale(pid)))
            continue;
        if (n == cap) {
            void *p = realloc(names, (cap + 8) * sizeof *names);

            if (p == NULL)
                break;
            names = p;
            cap += 8;
        }
        memcpy(names[n++], e->d_name, strlen(e->d_name) + 1);
    }
    closedir(d);
    remove_all(names, n, log,
               owner > 0 ? "" : ", left by a lab that was killed");
    free(names);
    return n;
}

size_t labnet_sweep_stale(const char *prefix, FILE *log)
{
    return remove_labs(prefix, 0, log);
}

size_t labnet_remove_owned(const char *prefix, pid_t owner, FILE *log)
{
    return owner > 0 ? remove_labs(prefix, (long)owner, log) : 0;
}
