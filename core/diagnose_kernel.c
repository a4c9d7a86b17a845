/*
 * mcscope core: diagnosis — reading the kernel: counters of
 * /proc/net/snmp, snmp6 and netstat, and the route to an address
 * (RTM_GETROUTE, as `ip route get` asks).  Reads only; the verdicts are
 * diagnose.c's.
 */
#include "diagnose_priv.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "mcscope/kstate.h"

/*
 * One counter of a /proc/net file.  snmp6 has "NAME VALUE" lines
 * (name "Udp6RcvbufErrors"); snmp and netstat have pairs of lines
 * "Proto: NAME..." / "Proto: VALUE..." (name "Udp:RcvbufErrors").
 * 0 and *v, -ENOENT when the file lacks it, or a negative errno.
 */
int mc__diag_proc_counter(const char *path, const char *name, uint64_t *v)
{
    const char *colon = strchr(name, ':');
    char line[4096], vals[4096];
    int rc = -ENOENT;
    FILE *f = fopen(path, "re");

    if (f == NULL)
        return -errno;
    while (rc == -ENOENT && fgets(line, sizeof line, f) != NULL) {
        char *save = NULL, *save2 = NULL, *k, *x;
        size_t plen;

        if (colon == NULL) {
            char key[128];
            unsigned long long n;

            if (sscanf(line, "%127s %llu", key, &n) == 2 &&
                strcmp(key, name) == 0) {
                *v = n;
                rc = 0;
            }
            continue;
        }
        plen = (size_t)(colon - name) + 1;
        if (strncmp(line, name, plen) != 0 || line[plen] != ' ')
            continue;
        if (fgets(vals, sizeof vals, f) == NULL)
            break;
        k = strtok_r(line + plen, " \n", &save);
        x = strtok_r(vals + plen, " \n", &save2);
        for (; k != NULL && x != NULL; k = strtok_r(NULL, " \n", &save),
                                       x = strtok_r(NULL, " \n", &save2))
            if (strcmp(k, colon + 1) == 0) {
                *v = strtoull(x, NULL, 10);
                rc = 0;
                break;
            }
    }
    fclose(f);
    return rc;
}

static void read_counter(struct mc_diag_counter *c, bool base, const char *path,
                         const char *const *names)
{
    uint64_t sum = 0, v;

    for (; *names != NULL; names++) {
        if (mc__diag_proc_counter(path, *names, &v) != 0) {
            c->read = false;
            return;
        }
        sum += v;
    }
    c->read = true;
    c->now = sum;
    if (base)
        c->base = sum;
}

void mc__diag_read_counters(struct mc_diag_evidence *ev, bool base)
{
    static const char *const rcv6[] = {"Udp6RcvbufErrors", NULL};
    static const char *const csum6[] = {"Udp6InCsumErrors", NULL};
    static const char *const q6[] = {"Icmp6InGroupMembQueries", NULL};
    static const char *const out6[] = {"Icmp6OutMLDv2Reports",
                                       "Icmp6OutGroupMembResponses", NULL};
    static const char *const rcv4[] = {"Udp:RcvbufErrors", NULL};
    static const char *const csum4[] = {"Udp:InCsumErrors", NULL};
    static const char *const rpf[] = {"TcpExt:IPReversePathFilter", NULL};

    if (ev->family == AF_INET6) {
        read_counter(&ev->rcvbuf_errors, base, "/proc/net/snmp6", rcv6);
        read_counter(&ev->csum_errors, base, "/proc/net/snmp6", csum6);
        read_counter(&ev->in_queries, base, "/proc/net/snmp6", q6);
        read_counter(&ev->out_reports, base, "/proc/net/snmp6", out6);
    } else {
        read_counter(&ev->rcvbuf_errors, base, "/proc/net/snmp", rcv4);
        read_counter(&ev->csum_errors, base, "/proc/net/snmp", csum4);
        read_counter(&ev->rpf_drops, base, "/proc/net/netstat", rpf);
        /* the kernel keeps no IGMP counters: in_queries stays unread */
    }
}

/* net.FAM.conf.IFACE.NAME, or -1 when it cannot be read. */
static long conf(const char *fam, const char *ifname, const char *name)
{
    char path[160];
    long v;

    if (ifname[0] == '\0')
        return -1;
    snprintf(path, sizeof path, "net/%s/conf/%s/%s", fam, ifname, name);
    return mc_sysctl_read_long(path, &v) == 0 ? v : -1;
}

void mc__diag_read_sysctls(struct mc_diag_evidence *ev)
{
    bool v6 = ev->family == AF_INET6;
    const char *fam = v6 ? "ipv6" : "ipv4";
    const char *force = v6 ? "force_mld_version" : "force_igmp_version";

    ev->force_all = conf(fam, "all", force);
    ev->force_if = conf(fam, ev->t.ifname, force);
    ev->mc_forwarding = conf(fam, ev->t.ifname, "mc_forwarding");
    if (!v6) {
        ev->rp_all = conf(fam, "all", "rp_filter");
        ev->rp_if = conf(fam, ev->t.ifname, "rp_filter");
    }
}

/* ---- the route: RTM_GETROUTE ---- */

struct route_req {
    struct nlmsghdr nh;
    struct rtmsg rt;
    char attrs[64];
};

static void add_attr(struct nlmsghdr *nh, unsigned short type, const void *d,
                     size_t len)
{
    struct rtattr *rta =
        (struct rtattr *)(void *)((char *)nh + NLMSG_ALIGN(nh->nlmsg_len));

    rta->rta_type = type;
    rta->rta_len = (unsigned short)RTA_LENGTH(len);
    memcpy(RTA_DATA(rta), d, len);
    nh->nlmsg_len = NLMSG_ALIGN(nh->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

static int parse_route(struct nlmsghdr *nh, size_t n, int family, unsigned *oif,
                       struct mc_addr *gw)
{
    for (; NLMSG_OK(nh, n); nh = NLMSG_NEXT(nh, n)) {
        struct rtmsg *rt;
        struct rtattr *a;
        int len;

        if (nh->nlmsg_type == NLMSG_ERROR) {
            struct nlmsgerr *e = NLMSG_DATA(nh);

            return e->error != 0 ? e->error : -ENOENT;
        }
        if (nh->nlmsg_type != RTM_NEWROUTE)
            continue;
        rt = NLMSG_DATA(nh);
        len = (int)RTM_PAYLOAD(nh);
        for (a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
            if (a->rta_type == RTA_OIF)
                memcpy(oif, RTA_DATA(a), sizeof *oif);
            else if (a->rta_type == RTA_GATEWAY) {
                gw->family = family;
                memcpy(&gw->u, RTA_DATA(a), family == AF_INET6 ? 16 : 4);
            }
        }
        return 0;
    }
    return -ENOENT;
}

int mc__diag_route_get(const struct mc_addr *to, unsigned *oif,
                       struct mc_addr *gw)
{
    struct route_req req;
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
    struct timeval tv = {1, 0};
    char buf[8192];
    ssize_t n;
    int fd, rc;

    *oif = 0;
    memset(gw, 0, sizeof *gw);
    memset(&req, 0, sizeof req);
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof req.rt);
    req.nh.nlmsg_type = RTM_GETROUTE;
    req.nh.nlmsg_flags = NLM_F_REQUEST;
    req.nh.nlmsg_seq = 1;
    req.rt.rtm_family = (unsigned char)to->family;
    req.rt.rtm_dst_len = to->family == AF_INET6 ? 128 : 32;
    add_attr(&req.nh, RTA_DST, &to->u, to->family == AF_INET6 ? 16 : 4);
    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return -errno;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (sendto(fd, &req, req.nh.nlmsg_len, 0, (struct sockaddr *)&sa,
               sizeof sa) < 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    n = recv(fd, buf, sizeof buf, 0);
    rc = n < 0 ? -errno
               : parse_route((struct nlmsghdr *)(void *)buf, (size_t)n,
                             to->family, oif, gw);
    close(fd);
    return rc;
}

void mc__diag_read_route(struct mc_diag_evidence *ev)
{
    const struct mc_addr *src = mc__diag_source(ev);
    struct mc_addr gw;
    unsigned oif;
    int rc;

    ev->route_read = false;
    ev->groute_found = mc__diag_route_get(&ev->t.group, &oif, &gw) == 0 &&
                       oif != 0 && if_indextoname(oif, ev->groute_oif) != NULL;
    if (src == NULL)
        return;
    ev->route_to = *src;
    rc = mc__diag_route_get(src, &oif, &gw);
    ev->route_read = true;
    ev->route_found = rc == 0 && oif != 0;
    ev->route_errno = rc < 0 ? -rc : (oif == 0 ? ENETUNREACH : 0);
    ev->route_oif[0] = '\0';
    ev->route_via[0] = '\0';
    if (ev->route_found && if_indextoname(oif, ev->route_oif) == NULL)
        snprintf(ev->route_oif, sizeof ev->route_oif, "#%u", oif);
    if (gw.family != 0)
        mc_addr_format(&gw, ev->route_via, sizeof ev->route_via);
}
