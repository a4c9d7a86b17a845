/* mcscope: the lab of faults (see fault.h). */
#include "fault.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proc.h"

#define MAX_WORDS 32
#define RPF_LINK "mcs-rpf" /* rp-filter: RX's other link to S1 */
#define RPF_PEER "mcs-rpf-peer"
#define RPF_ADDR "10.202.0.10/24"
#define RPF_GW "10.202.0.1"
#define QUERIER_BR "mcs-q" /* no-querier: the querier that vanishes */
#define QUERIER_PORT "mcs-qa"
#define QUERIER_PEER "mcs-qb"
#define QUERIER_PRESENT_CS "360000" /* the bridge believes it for 1 h */
#define QUERY_WAIT_MS 300
#define REPORT_TABLE "mcslab_report_drop"
#define PORT_TABLE "mcslab_port_drop"
#define LAB_PORT 5001

/* ---- running things in the lab's hosts ---- */

/*
 * argv (the format split on blanks; a word in single quotes may hold
 * blanks) in host h.  0, or -1 with why naming the command and its answer.
 */
__attribute__((format(printf, 5, 6))) static int run(struct labfaults *f,
                                                     enum labnet_host h,
                                                     char *why, size_t len,
                                                     const char *fmt, ...)
{
    char line[768], shown[768], out[512], *argv[MAX_WORDS + 1], *p;
    int argc = 0, rc;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    memcpy(shown, line, sizeof shown);
    for (p = line; *p != '\0' && argc < MAX_WORDS;) {
        p += strspn(p, " ");
        if (*p == '\0')
            break;
        if (*p == '\'') {
            argv[argc++] = ++p;
            p += strcspn(p, "'");
        } else {
            argv[argc++] = p;
            p += strcspn(p, " ");
        }
        if (*p != '\0')
            *p++ = '\0';
    }
    argv[argc] = NULL;
    rc = labnet_run(f->net, h, argv, out, sizeof out);
    if (rc == 0)
        return 0;
    out[strcspn(out, "\n")] = '\0';
    if (why != NULL)
        snprintf(why, len, "`%.200s` in %s: %s%.200s", shown,
                 labnet_host_name(h),
                 rc == -ENOENT ? "not installed " : "failed: ", out);
    return -1;
}

/* Read or write /proc/sys/KEY inside host h; the thread goes back to the
 * namespace it was in (the lab's monitor lives in RX). */
static int sysctl_io(struct labfaults *f, enum labnet_host h, const char *key,
                     char *val, size_t len, bool write_it)
{
    char path[160];
    int was = f->net->cur, rc = labnet_enter(f->net, h), fd;

    snprintf(path, sizeof path, "/proc/sys/%s", key);
    if (rc == 0) {
        fd = open(path, (write_it ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
        if (fd < 0) {
            rc = -errno;
        } else if (write_it) {
            if (write(fd, val, strlen(val)) < 0)
                rc = -errno;
        } else {
            ssize_t n = read(fd, val, len - 1);

            if (n < 0)
                rc = -errno;
            val[n > 0 ? n : 0] = '\0';
            val[strcspn(val, "\n")] = '\0';
        }
        if (fd >= 0)
            close(fd);
    }
    labnet_enter(f->net, (enum labnet_host)was);
    return rc;
}

/* Set KEY to value in h, its old value kept in saved. */
static int sysctl_swap(struct labfaults *f, enum labnet_host h, const char *key,
                       const char *value, char *saved, char *why, size_t len)
{
    char v[LABFAULT_VALUE_MAX];
    int rc = sysctl_io(f, h, key, saved, LABFAULT_VALUE_MAX, false);

    snprintf(v, sizeof v, "%s", value);
    if (rc == 0)
        rc = sysctl_io(f, h, key, v, sizeof v, true);
    if (rc < 0)
        snprintf(why, len, "cannot set %s=%s in %s: %s", key, value,
                 labnet_host_name(h), strerror(-rc));
    return rc < 0 ? -1 : 0;
}

static void sysctl_put(struct labfaults *f, enum labnet_host h, const char *key,
                       char *saved)
{
    if (saved[0] != '\0')
        sysctl_io(f, h, key, saved, LABFAULT_VALUE_MAX, true);
}

static struct labfault_state *st(struct labfaults *f, size_t i)
{
    return &f->st[i];
}

/* ---- rp-filter ---- */

#define RPF_KEY "net/ipv4/conf/lab0/rp_filter"

static void rpf_off(struct labfaults *f, size_t i)
{
    run(f, LABNET_RX, NULL, 0, "ip link del " RPF_LINK);
    sysctl_put(f, LABNET_RX, RPF_KEY, st(f, i)->saved[0]);
}

static int rpf_on(struct labfaults *f, size_t i, char *why, size_t len)
{
    if (run(f, LABNET_RX, why, len,
            "ip link add " RPF_LINK " type veth peer name " RPF_PEER) < 0 ||
        run(f, LABNET_RX, why, len, "ip link set " RPF_PEER " up") < 0 ||
        run(f, LABNET_RX, why, len, "ip link set " RPF_LINK " up") < 0 ||
        run(f, LABNET_RX, why, len, "ip addr add " RPF_ADDR " dev " RPF_LINK) <
            0 ||
        run(f, LABNET_RX, why, len,
            "ip route add %s/32 via " RPF_GW " dev " RPF_LINK,
            labnet_addr(f->net, LABNET_S1, AF_INET, 0)) < 0 ||
        sysctl_swap(f, LABNET_RX, RPF_KEY, "1", st(f, i)->saved[0], why, len) <
            0)
        return -1;
    return 0;
}

/* ---- nftables: report-drop, port-drop ---- */

/* A table of its own per fault, so that off removes exactly it. */
static int nft_add(struct labfaults *f, const char *table, const char *hook,
                   const char *rules, char *why, size_t len)
{
    return run(f, LABNET_RX, why, len,
               "nft 'add table inet %s { chain %s { type filter hook %s "
               "priority filter ; policy accept ; %s } ; }'",
               table, hook, hook, rules);
}

static void report_drop_off(struct labfaults *f, size_t i)
{
    (void)i;
    run(f, LABNET_RX, NULL, 0, "nft delete table inet " REPORT_TABLE);
}

static int report_drop_on(struct labfaults *f, size_t i, char *why, size_t len)
{
    (void)i;
    return nft_add(f, REPORT_TABLE, "output",
                   "icmpv6 type { mld-listener-report, mld2-listener-report, "
                   "mld-listener-done } counter drop comment \"mcscope lab "
                   "fault report-drop\" ; ip protocol igmp counter drop "
                   "comment \"mcscope lab fault report-drop\" ;",
                   why, len);
}

static void port_drop_off(struct labfaults *f, size_t i)
{
    (void)i;
    run(f, LABNET_RX, NULL, 0, "nft delete table inet " PORT_TABLE);
}

static int port_drop_on(struct labfaults *f, size_t i, char *why, size_t len)
{
    char rule[128];

    (void)i;
    snprintf(rule, sizeof rule,
             "udp dport %d counter drop comment \"mcscope lab fault "
             "port-drop\" ;",
             LAB_PORT);
    return nft_add(f, PORT_TABLE, "input", rule, why, len);
}

/* ---- no-querier ---- */

/* The bridge settings no-querier changes, in `ip -d -j link` names and
 * as `ip link set ... type bridge` takes them. */
static const char *const br_keys[][2] = {
    {"mcast_snooping", "mcast_snooping"},
    {"mcast_querier", "mcast_querier"},
    {"mcast_membership_intvl", "mcast_membership_interval"},
    {"mcast_querier_intvl", "mcast_querier_interval"},
};
#define NBRKEYS (sizeof br_keys / sizeof br_keys[0])

/* br0's settings into saved (as numbers). */
static int br_read(struct labfaults *f, char saved[][LABFAULT_VALUE_MAX],
                   char *why, size_t len)
{
    char out[4096], key[64],
        *argv[] = {"ip", "-d", "-j", "link", "show", "br0", NULL};
    int rc = labnet_run(f->net, LABNET_SW, argv, out, sizeof out);

    for (size_t k = 0; rc == 0 && k < NBRKEYS; k++) {
        const char *p;

        snprintf(key, sizeof key, "\"%s\":", br_keys[k][0]);
        p = strstr(out, key);
        if (p == NULL) {
            rc = -1;
            break;
        }
        p += strlen(key);
        snprintf(saved[k], LABFAULT_VALUE_MAX, "%.*s",
                 (int)strspn(p, "0123456789"), p);
    }
    if (rc != 0)
        snprintf(why, len, "cannot read br0's settings in SW (ip -d -j link)");
    return rc != 0 ? -1 : 0;
}

static void no_querier_off(struct labfaults *f, size_t i)
{
    char(*s)[LABFAULT_VALUE_MAX] = st(f, i)->saved;

    run(f, LABNET_SW, NULL, 0, "ip link del " QUERIER_BR);
    run(f, LABNET_SW, NULL, 0, "ip link del " QUERIER_PORT);
    if (s[0][0] == '\0')
        return;
    /* Snooping off and on again forgets the querier that vanished (its
     * timer would keep the bridge's own querier quiet for an hour). */
    run(f, LABNET_SW, NULL, 0,
        "ip link set br0 type bridge mcast_snooping 0 %s %s %s %s %s %s",
        br_keys[2][1], s[2], br_keys[3][1], s[3], br_keys[1][1], s[1]);
    if (strcmp(s[0], "0") != 0)
        run(f, LABNET_SW, NULL, 0, "ip link set br0 type bridge %s %s",
            br_keys[0][1], s[0]);
}

static int no_querier_on(struct labfaults *f, size_t i, char *why, size_t len)
{
    char key[80], v[4] = "0";

    if (br_read(f, st(f, i)->saved, why, len) < 0 ||
        run(f, LABNET_SW, why, len,
            "ip link set br0 type bridge mcast_snooping 1 mcast_querier 0 "
            "mcast_membership_interval %d mcast_querier_interval "
            "%s",
            LABFAULT_MEMBERSHIP_CS, QUERIER_PRESENT_CS) < 0)
        return -1;
    /* The querier: a bridge on br0 that sends one general query (IGMPv3
     * and, from its link-local address, MLDv2) and is removed. */
    if (run(f, LABNET_SW, why, len,
            "ip link add " QUERIER_BR " type bridge mcast_snooping 1 "
            "mcast_querier 0 mcast_mld_version 2 mcast_igmp_version 3 "
            "mcast_query_response_interval 100") < 0)
        return -1;
    snprintf(key, sizeof key, "net/ipv6/conf/" QUERIER_BR "/disable_ipv6");
    if (sysctl_io(f, LABNET_SW, key, v, sizeof v, true) < 0 ||
        run(f, LABNET_SW, why, len,
            "ip link add " QUERIER_PORT
            " type veth peer name " QUERIER_PEER) < 0 ||
        run(f, LABNET_SW, why, len,
            "ip link set " QUERIER_PEER " master " QUERIER_BR " up") < 0 ||
        run(f, LABNET_SW, why, len,
            "ip link set " QUERIER_PORT " master br0 up") < 0 ||
        run(f, LABNET_SW, why, len, "ip link set " QUERIER_BR " up") < 0)
        return -1;
    labproc_sleep_ms(QUERY_WAIT_MS); /* its link-local address */
    if (run(f, LABNET_SW, why, len,
            "ip link set " QUERIER_BR " type bridge mcast_querier 1") < 0)
        return -1;
    labproc_sleep_ms(QUERY_WAIT_MS); /* the query went */
    run(f, LABNET_SW, NULL, 0, "ip link del " QUERIER_BR);
    run(f, LABNET_SW, NULL, 0, "ip link del " QUERIER_PORT);
    return 0;
}

/* ---- multicast-off, mldv1 ---- */

static void mc_off_off(struct labfaults *f, size_t i)
{
    (void)i;
    run(f, LABNET_RX, NULL, 0, "ip link set lab0 multicast on");
}

static int mc_off_on(struct labfaults *f, size_t i, char *why, size_t len)
{
    (void)i;
    return run(f, LABNET_RX, why, len, "ip link set lab0 multicast off");
}

#define MLD_KEY "net/ipv6/conf/lab0/force_mld_version"
#define IGMP_KEY "net/ipv4/conf/lab0/force_igmp_version"

static void mldv1_off(struct labfaults *f, size_t i)
{
    sysctl_put(f, LABNET_RX, MLD_KEY, st(f, i)->saved[0]);
    sysctl_put(f, LABNET_RX, IGMP_KEY, st(f, i)->saved[1]);
}

static int mldv1_on(struct labfaults *f, size_t i, char *why, size_t len)
{
    if (sysctl_swap(f, LABNET_RX, MLD_KEY, "1", st(f, i)->saved[0], why, len) <
            0 ||
        sysctl_swap(f, LABNET_RX, IGMP_KEY, "2", st(f, i)->saved[1], why, len) <
            0)
        return -1;
    return 0;
}

/* ---- faults with programs ---- */

static int need_progs(struct labfaults *f, char *why, size_t len)
{
    if (f->progs != NULL)
        return 0;
    snprintf(why, len,
             "this fault changes or runs the lab's programs, and this lab "
             "has none (mcscope --lab-net): use mcscope --lab --fault NAME");
    return -1;
}

/* sender k again with its settings (a fault changed them). */
static int restart_sender(struct labfaults *f, size_t k, char *why, size_t len)
{
    pid_t pid = labprogs_restart_sender(f->progs, k);

    if (pid < 0)
        snprintf(why, len, "the sender in %s did not start again: %s",
                 labnet_host_name(k == 0 ? LABNET_S1 : LABNET_S2),
                 strerror((int)-pid));
    return pid < 0 ? -1 : 0;
}

static void ttl1_off(struct labfaults *f, size_t i)
{
    char why[128];

    (void)i;
    f->progs->hoplimit[0] = 0;
    restart_sender(f, 0, why, sizeof why);
}

static int ttl1_on(struct labfaults *f, size_t i, char *why, size_t len)
{
    (void)i;
    if (need_progs(f, why, len) < 0)
        return -1;
    f->progs->hoplimit[0] = 1;
    return restart_sender(f, 0, why, len);
}

static void wrong_source_off(struct labfaults *f, size_t i)
{
    char why[128];

    (void)i;
    f->progs->asm_only[1] = false;
    restart_sender(f, 1, why, sizeof why);
}

static int wrong_source_on(struct labfaults *f, size_t i, char *why, size_t len)
{
    (void)i;
    if (need_progs(f, why, len) < 0)
        return -1;
    f->progs->asm_only[1] = true;
    return restart_sender(f, 1, why, len);
}

static void stop_programs(struct labfaults *f, size_t i)
{
    for (size_t k = 0; k < 2; k++)
        labprogs_stop(&st(f, i)->pid[k]);
    if (st(f, i)->path[0] != '\0')
        unlink(st(f, i)->path);
    st(f, i)->path[0] = '\0';
}

/* A program of the fault: `mcscope [--config PATH] --batch FOREVER -e
 * LINE...` in h, into slot k. */
static int start_program(struct labfaults *f, size_t i, size_t k,
                         enum labnet_host h, const char *config,
                         const char *const *lines, char *why, size_t len)
{
    pid_t pid = labprogs_start_in(f->progs, h, config, lines);

    if (pid < 0) {
        snprintf(why, len, "a program in %s did not start: %s",
                 labnet_host_name(h), strerror((int)-pid));
        return -1;
    }
    st(f, i)->pid[k] = pid;
    return 0;
}

static int tiny_rcvbuf_on(struct labfaults *f, size_t i, char *why, size_t len)
{
    static const char *const app[] = {"join " LABFAULT_LOAD_GROUP " dev lab0",
                                      NULL};
    char load[128], text[64];
    const char *const loads[] = {load, NULL};
    struct labfault_state *s = st(f, i);
    int fd;

    if (need_progs(f, why, len) < 0)
        return -1;
    snprintf(s->path, sizeof s->path, "/tmp/mcscope-fault-XXXXXX");
    fd = mkstemp(s->path);
    if (fd < 0) {
        snprintf(why, len, "cannot make a config file in /tmp: %s",
                 strerror(errno));
        s->path[0] = '\0';
        return -1;
    }
    snprintf(text, sizeof text, "[monitor]\nrcvbuf = %d\n",
             LABFAULT_TINY_RCVBUF);
    if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        snprintf(why, len, "cannot write %s", s->path);
        close(fd);
        return -1;
    }
    close(fd);
    snprintf(load, sizeof load, "send %s dev lab0 rate %d size 1400",
             LABFAULT_LOAD_GROUP, LABFAULT_LOAD_RATE);
    if (start_program(f, i, 0, LABNET_RX, s->path, app, why, len) < 0 ||
        start_program(f, i, 1, LABNET_S1, NULL, loads, why, len) < 0)
        return -1;
    return 0;
}

static int mc_all_on(struct labfaults *f, size_t i, char *why, size_t len)
{
    static const char *const app[] = {"set multicast-all on",
                                      "join 239.1.1.9 dev lab0 bind any",
                                      "join ff15::9 dev lab0 bind any", NULL};

    if (need_progs(f, why, len) < 0)
        return -1;
    return start_program(f, i, 0, LABNET_RX, NULL, app, why, len);
}

/* ---- the table ---- */

static const struct labfault faults[] = {
    {"rp-filter",
     "RX drops S1's IPv4 packets: strict reverse-path filter on lab0, and "
     "the route back to 10.200.0.1 leaves by another link (" RPF_LINK ")",
     "rp_filter", "fail", "route", "join-source 232.1.1.1 10.200.0.1 dev lab0",
     "diagnose 232.1.1.1 10.200.0.1 dev lab0", false, rpf_on, rpf_off},
    {"report-drop",
     "an nftables output rule on RX drops every MLD and IGMP report: no "
     "switch or router learns that RX listens",
     "reports_blocked", "fail", "reports_sent", "join ff15::1234 dev lab0",
     "diagnose ff15::1234 dev lab0", false, report_drop_on, report_drop_off},
    {"no-querier",
     "the bridge snoops, its querier vanished after one query, and it "
     "ages a membership out 2 s after the last report: the stream stops",
     "stopped", "fail", "querier", "join 239.1.1.1 dev lab0",
     "diagnose 239.1.1.1 dev lab0", false, no_querier_on, no_querier_off},
    {"ttl1",
     "S1 sends with hop limit / TTL 1: fine on this link, dropped by the "
     "first router",
     "hoplimit", "note", "", "join-source ff3e::1234 fd42::1 dev lab0",
     "diagnose ff3e::1234 fd42::1 dev lab0", true, ttl1_on, ttl1_off},
    {"wrong-source",
     "S2 no longer sends the SSM groups: a join-source of fd42::2 gets "
     "nothing while S1 sends",
     "wire", "fail", "", "join-source ff3e::1234 fd42::2 dev lab0",
     "diagnose ff3e::1234 fd42::2 dev lab0", true, wrong_source_on,
     wrong_source_off},
    {"multicast-off",
     "RX's lab0 has IFF_MULTICAST off (ip link set lab0 multicast off): a "
     "real network card would filter the groups out",
     "iface", "fail", "", "join ff15::1234 dev lab0",
     "diagnose ff15::1234 dev lab0", false, mc_off_on, mc_off_off},
    {"tiny-rcvbuf",
     "an application on RX joins " LABFAULT_LOAD_GROUP
     " with a 2 KiB receive buffer while S1 sends it 4,000 packets/s: its "
     "buffer overflows",
     "socket_overflow", "fail", "", "join " LABFAULT_LOAD_GROUP " dev lab0",
     "diagnose " LABFAULT_LOAD_GROUP " dev lab0", true, tiny_rcvbuf_on,
     stop_programs},
    {"mldv1",
     "RX is forced to MLDv1 and IGMPv2 (force_mld_version 1, "
     "force_igmp_version 2): its reports carry no sources, so an SSM join "
     "cannot reach a router",
     "igmp_version", "fail", "", "join-source ff3e::1234 fd42::1 dev lab0",
     "diagnose ff3e::1234 fd42::1 dev lab0", false, mldv1_on, mldv1_off},
    {"multicast-all",
     "another program on RX has MULTICAST_ALL on and the port bound to "
     "any address: it gets every group anyone here joins",
     "multicast_all", "warn", "", "join ff15::1234 dev lab0",
     "diagnose ff15::1234 dev lab0", true, mc_all_on, stop_programs},
    {"port-drop",
     "an nftables input rule on RX drops UDP port 5001: the wire has the "
     "stream, the socket gets nothing",
     "firewall_input", "fail", "", "join ff15::1234 dev lab0",
     "diagnose ff15::1234 dev lab0", false, port_drop_on, port_drop_off},
};
#define NFAULTS (sizeof faults / sizeof faults[0])
_Static_assert(NFAULTS <= LABFAULT_MAX, "LABFAULT_MAX too small");

size_t labfault_count(void)
{
    return NFAULTS;
}

const struct labfault *labfault_at(size_t i)
{
    return i < NFAULTS ? &faults[i] : NULL;
}

static long index_of(const char *name)
{
    for (size_t i = 0; i < NFAULTS; i++)
        if (strcmp(faults[i].name, name) == 0)
            return (long)i;
    return -1;
}

const struct labfault *labfault_find(const char *name)
{
    long i = index_of(name);

    return i < 0 ? NULL : &faults[i];
}

void labfault_names(char *out, size_t len)
{
    size_t used = 0;

    out[0] = '\0';
    for (size_t i = 0; i < NFAULTS && used < len; i++) {
        int n = snprintf(out + used, len - used, "%s%s", i ? ", " : "",
                         faults[i].name);

        if (n < 0)
            break;
        used += (size_t)n;
    }
}

void labfaults_init(struct labfaults *f, struct labnet *net,
                    struct labprogs *progs)
{
    memset(f, 0, sizeof *f);
    f->net = net;
    f->progs = progs;
}

static long lookup(const char *name, char *why, size_t len)
{
    long i = index_of(name);
    char names[256];

    if (i < 0) {
        labfault_names(names, sizeof names);
        snprintf(why, len, "no fault '%.40s' in the lab: say one of %s", name,
                 names);
    }
    return i;
}

int labfault_on(struct labfaults *f, const char *name, char *why, size_t len)
{
    long i = lookup(name, why, len);

    if (i < 0)
        return -1;
    if (f->st[i].on)
        return 0;
    /* Every fault is made on the bridge lab's br0 and RX's lab0. */
    if (f->net->topo->id != LABTOPO_BRIDGE) {
        snprintf(why, len,
                 "the lab's faults are made for the bridge lab, not the %s "
                 "lab: mcscope --lab --fault %s (without --topology, or "
                 "--topology bridge)",
                 f->net->topo->name, name);
        return -1;
    }
    memset(&f->st[i], 0, sizeof f->st[i]);
    if (faults[i].on(f, (size_t)i, why, len) < 0) {
        if (f->progs != NULL || !faults[i].needs_progs)
            faults[i].off(f, (size_t)i);
        memset(&f->st[i], 0, sizeof f->st[i]);
        return -1;
    }
    f->st[i].on = true;
    return 0;
}

int labfault_off(struct labfaults *f, const char *name, char *why, size_t len)
{
    long i = lookup(name, why, len);

    if (i < 0)
        return -1;
    if (f->st[i].on)
        faults[i].off(f, (size_t)i);
    memset(&f->st[i], 0, sizeof f->st[i]);
    return 0;
}

bool labfault_is_on(const struct labfaults *f, const char *name)
{
    long i = index_of(name);

    return i >= 0 && f->st[i].on;
}

void labfaults_all_off(struct labfaults *f)
{
    if (f->net == NULL)
        return;
    for (size_t i = NFAULTS; i-- > 0;)
        if (f->st[i].on) {
            faults[i].off(f, i);
            memset(&f->st[i], 0, sizeof f->st[i]);
        }
}
