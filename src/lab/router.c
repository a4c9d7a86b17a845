/* mcscope: the router of the routed lab (see router.h). */
#include "router.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "proc.h"

#define RULESET_MAX 32768
#define HOP_MAX 255

/* What smcroute forwards (static (*,G) routes): the lab's groups are in
 * these; link-scope groups never are. */
static const char *const smc_routes[] = {
    "ff05::/16", "ff0e::/16", "ff15::/16",   "ff1e::/16",
    "ff35::/16", "ff3e::/16", "232.0.0.0/8", "239.0.0.0/8"};

int labrouter_kernel_mroute(char *why, size_t len)
{
    if (access("/proc/net/ip_mr_vif", F_OK) != 0) {
        snprintf(why, len, "kernel without CONFIG_IP_MROUTE");
        return -1;
    }
    if (access("/proc/net/ip6_mr_vif", F_OK) != 0) {
        snprintf(why, len, "kernel without CONFIG_IPV6_MROUTE");
        return -1;
    }
    return 0;
}

/* snprintf that stops adding once out is full; the length so far. */
__attribute__((format(printf, 4, 5))) static size_t
add(char *out, size_t len, size_t at, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (at >= len)
        return at;
    va_start(ap, fmt);
    n = vsnprintf(out + at, len - at, fmt, ap);
    va_end(ap);
    return n < 0 ? len : at + (size_t)n;
}

int labrouter_ruleset(const char *up, const char *down, char *out, size_t len)
{
    size_t at = 0;

    at = add(out, len, at,
             "table netdev " LABROUTER_TABLE " {\n"
             "  map dec6 { typeof ip6 hoplimit : ip6 hoplimit; elements = {");
    for (int v = 2; v <= HOP_MAX; v++)
        at = add(out, len, at, "%s%d : %d", v > 2 ? ", " : " ", v, v - 1);
    at = add(out, len, at,
             " } }\n"
             "  chain ingress {\n"
             "    type filter hook ingress device \"%s\" priority 0; "
             "policy accept;\n"
             "    ip6 daddr ff00::/8 meta l4proto udp jump mc6\n"
             "    ip daddr 224.0.0.0/4 ip protocol udp jump mc4\n"
             "  }\n"
             "  chain mc6 {\n"
             "    @nh,200,8 & 0xf < 0x3 return\n"
             "    ip6 hoplimit <= 1 counter drop\n"
             "    counter ip6 hoplimit set ip6 hoplimit map @dec6 "
             "fwd to \"%s\"\n"
             "  }\n"
             "  chain mc4 {\n"
             "    ip daddr 224.0.0.0/24 return\n"
             "    ip ttl <= 1 counter drop\n",
             up, down);
    /* nft takes no map for a field under the IPv4 header checksum. */
    for (int v = 2; v <= HOP_MAX; v++)
        at = add(out, len, at,
                 "    ip ttl %d counter ip ttl set %d fwd to \"%s\"\n", v,
                 v - 1, down);
    at = add(out, len, at, "  }\n}\n");
    return at < len ? 0 : -ENOSPC;
}

/* text in a memory file, rewound: its fd, or -errno. */
static int text_fd(const char *text)
{
    int fd = memfd_create("mcscope-router", MFD_CLOEXEC);
    size_t n = strlen(text);

    if (fd < 0)
        return -errno;
    if (write(fd, text, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) < 0) {
        int e = errno;

        close(fd);
        return -e;
    }
    return fd;
}

static int run_nft(int rt_fd, const char *up, const char *down, char *why,
                   size_t len)
{
    static char rules[RULESET_MAX];
    char *argv[] = {(char *)"nft", (char *)"-f", (char *)LABPROC_PASS_PATH,
                    NULL};
    char out[512];
    int fd, rc;

    if (labrouter_ruleset(up, down, rules, sizeof rules) < 0) {
        snprintf(why, len, "the router's nft ruleset does not fit");
        return -1;
    }
    fd = text_fd(rules);
    if (fd < 0) {
        snprintf(why, len, "cannot hold the router's ruleset: %s",
                 strerror(-fd));
        return -1;
    }
    rc = labproc_run(rt_fd, fd, argv, out, sizeof out);
    close(fd);
    if (rc == -ENOENT)
        snprintf(why, len,
                 "the routed lab's stand-in router needs nft: install it "
                 "(apt-get install nftables)");
    else if (rc != 0)
        snprintf(why, len, "nft in RT refused the router's rules (%d): %.200s",
                 rc, out);
    return rc == 0 ? 0 : -1;
}

static void smc_path(char *out, size_t len, const char *rt_name,
                     const char *ext)
{
    snprintf(out, len, "/run/mcscope-%s.%s", rt_name, ext);
}

static int run_smcroute(int rt_fd, const char *rt_name, const char *up,
                        const char *down, char *why, size_t len)
{
    char conf[256], pid[256], sock[256], text[1024], out[512];
    char *argv[] = {(char *)"smcrouted",
                    (char *)"-N",
                    (char *)"-f",
                    conf,
                    (char *)"-P",
                    pid,
                    (char *)"-u",
                    sock,
                    (char *)"-i",
                    (char *)rt_name,
                    NULL};
    size_t at;
    FILE *f;
    int rc;

    smc_path(conf, sizeof conf, rt_name, "conf");
    smc_path(pid, sizeof pid, rt_name, "pid");
    smc_path(sock, sizeof sock, rt_name, "sock");
    at = add(text, sizeof text, 0, "phyint %s enable\nphyint %s enable\n", up,
             down);
    for (size_t i = 0; i < sizeof smc_routes / sizeof smc_routes[0]; i++)
        at = add(text, sizeof text, at, "mroute from %s group %s to %s\n", up,
                 smc_routes[i], down);
    f = fopen(conf, "we");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        snprintf(why, len, "cannot write %s: %s", conf, strerror(errno));
        return -1;
    }
    /* smcrouted forks into the background: it lives in RT until the lab
     * kills what runs there. */
    rc = labproc_run(rt_fd, -1, argv, out, sizeof out);
    if (rc == -ENOENT)
        snprintf(why, len,
                 "the routed lab runs smcroute where the kernel routes "
                 "multicast: install it (apt-get install smcroute)");
    else if (rc != 0)
        snprintf(why, len, "smcrouted in RT failed (%d): %.200s", rc, out);
    return rc == 0 ? 0 : -1;
}

/* Is smcrouted installed (an executable in a directory of $PATH)? */
static bool smcroute_installed(void)
{
    const char *path = getenv("PATH");
    char dir[256], file[300];

    if (path == NULL)
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    while (*path != '\0') {
        size_t n = strcspn(path, ":");

        snprintf(dir, sizeof dir, "%.*s", (int)n, path);
        snprintf(file, sizeof file, "%s/smcrouted", dir[0] ? dir : ".");
        if (access(file, X_OK) == 0)
            return true;
        path += n + (path[n] == ':');
    }
    return false;
}

int labrouter_up(int rt_fd, const char *rt_name, const char *up,
                 const char *down, enum labrouter_kind *kind, char *why,
                 size_t len)
{
    char no[128];

    /* smcroute is not installed by scripts/deps.sh (its Debian package
     * starts a daemon on the host): the stand-in serves without it. */
    if (rt_name != NULL && labrouter_kernel_mroute(no, sizeof no) == 0 &&
        smcroute_installed()) {
        *kind = LABROUTER_SMCROUTE;
        return run_smcroute(rt_fd, rt_name, up, down, why, len);
    }
    *kind = LABROUTER_NFT;
    return run_nft(rt_fd, up, down, why, len);
}

void labrouter_forget(const char *rt_name)
{
    static const char *const ext[] = {"conf", "pid", "sock"};
    char path[256];

    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        smc_path(path, sizeof path, rt_name, ext[i]);
        unlink(path);
    }
}

const char *labrouter_name(enum labrouter_kind kind)
{
    return kind == LABROUTER_SMCROUTE ? "smcroute: static routes, no PIM"
           : kind == LABROUTER_NFT    ? "a stand-in in nftables: no PIM, no "
                                        "MLD; forwards members or not"
                                      : "no router";
}

const char *labrouter_describe(enum labrouter_kind kind)
{
    switch (kind) {
    case LABROUTER_SMCROUTE:
        return "RT runs smcroute: static (*,G) routes up0 -> dn0; no PIM, "
               "so an SSM join does not travel upstream and every routed "
               "group is forwarded whether RX is a member or not";
    case LABROUTER_NFT:
        return "RT runs a stand-in router (this kernel has no multicast "
               "routing, or smcroute is not installed): nftables on up0's "
               "ingress forwards every "
               "multicast UDP datagram wider than link scope to dn0, hop "
               "limit / TTL one lower, 1 dropped; no PIM, MLD or IGMP: "
               "it forwards whether RX is a member or not (SSM sources "
               "too), sends no Packet Too Big for multicast";
    case LABROUTER_NONE:
        break;
    }
    return "no router";
}

/* Run argv in RT and pass its lines to say (all, or only the counters
 * that moved); 0, or -1 with why. */
static int show_cmd(int rt_fd, char *const argv[], bool moved_only,
                    void (*say)(void *arg, const char *line), void *arg,
                    char *why, size_t len)
{
    static char out[RULESET_MAX];
    char head[160] = "$", *save = NULL, *line;
    int rc, shown = 0;

    for (size_t i = 0; argv[i] != NULL; i++)
        snprintf(head + strlen(head), sizeof head - strlen(head), " %s",
                 argv[i]);
    snprintf(head + strlen(head), sizeof head - strlen(head), "    (in RT)");
    say(arg, head);
    rc = labproc_run(rt_fd, -1, argv, out, sizeof out);
    if (rc != 0) {
        snprintf(why, len, "%s did not run: %s", argv[0],
                 rc < 0 ? strerror(-rc) : "it failed");
        return -1;
    }
    for (line = strtok_r(out, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        line += strspn(line, " \t");
        if (moved_only && (strstr(line, "counter packets ") == NULL ||
                           strstr(line, "counter packets 0 ") != NULL))
            continue;
        say(arg, line);
        shown++;
    }
    if (shown == 0)
        say(arg, moved_only ? "(no packet counted yet)" : "(nothing)");
    return 0;
}

int labrouter_show(int rt_fd, enum labrouter_kind kind,
                   void (*say)(void *arg, const char *line), void *arg,
                   char *why, size_t len)
{
    char *nft6[] = {(char *)"nft",
                    (char *)"list",
                    (char *)"chain",
                    (char *)"netdev",
                    (char *)LABROUTER_TABLE,
                    (char *)"mc6",
                    NULL};
    char *nft4[] = {(char *)"nft",
                    (char *)"list",
                    (char *)"chain",
                    (char *)"netdev",
                    (char *)LABROUTER_TABLE,
                    (char *)"mc4",
                    NULL};
    char *mr6[] = {(char *)"ip", (char *)"-6", (char *)"mroute", (char *)"show",
                   NULL};
    char *mr4[] = {(char *)"ip", (char *)"-4", (char *)"mroute", (char *)"show",
                   NULL};
    bool nft = kind == LABROUTER_NFT;

    if (kind == LABROUTER_NONE) {
        snprintf(why, len, "no router runs");
        return -1;
    }
    if (show_cmd(rt_fd, nft ? nft6 : mr6, nft, say, arg, why, len) < 0)
        return -1;
    return show_cmd(rt_fd, nft ? nft4 : mr4, nft, say, arg, why, len);
}
