/*
 * mcscope core: diagnosis — the one table of checks and their verdicts
 * (mcscope/diagnose.h).  Every function here judges evidence that was read
 * elsewhere (monitor_diag.c, diagnose_kernel.c, diagnose_fw.c): nothing
 * here reads the kernel or the wire, so unit tests feed evidence and check
 * the answers.  The checks that judge the link (MLD/IGMP on the wire and
 * the stream's life) are in diagnose_link.c.
 */
#include "diagnose_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---- helpers shared with diagnose_link.c ---- */

void mc__diag_say(struct mc_diag_result *r, enum mc_diag_status s,
                  const char *fix, const char *fmt, ...)
{
    va_list ap;

    r->status = s;
    va_start(ap, fmt);
    vsnprintf(r->evidence, sizeof r->evidence, fmt, ap);
    va_end(ap);
    snprintf(r->fix, sizeof r->fix, "%s", fix != NULL ? fix : "");
}

double mc__diag_age_s(const struct mc_diag_evidence *ev, int64_t t)
{
    return (double)(ev->now_ns - t) / 1e9;
}

const char *mc__diag_addr(const struct mc_addr *a, char *buf, size_t len)
{
    return mc_addr_format(a, buf, len);
}

bool mc__diag_v1_proto(enum mc_wire_proto p)
{
    return p == MC_PROTO_MLDV1 || p == MC_PROTO_IGMPV1 || p == MC_PROTO_IGMPV2;
}

/* The source the route checks look at: the one named, else the one the
 * wire saw sending most. */
const struct mc_addr *mc__diag_source(const struct mc_diag_evidence *ev)
{
    if (ev->t.source.family != 0)
        return &ev->t.source;
    if (ev->wire_top_src.family != 0)
        return &ev->wire_top_src;
    if (ev->sock_top_src.family != 0)
        return &ev->sock_top_src;
    return NULL;
}

bool mc__diag_ssm(const struct mc_diag_evidence *ev)
{
    struct mc_group_info info;

    mc_group_classify(&ev->t.group, &info);
    return info.ssm || (ev->t.source.family != 0 && ev->mem_src_read &&
                        ev->mem_src_inc > 0);
}

static bool ssm_range(const struct mc_diag_evidence *ev)
{
    struct mc_group_info info;

    mc_group_classify(&ev->t.group, &info);
    return info.ssm;
}

static uint64_t delta(const struct mc_diag_counter *c)
{
    return c->now >= c->base ? c->now - c->base : 0;
}

/* ---- the kernel's checks ---- */

static void check_iface(const struct mc_diag_evidence *ev,
                        struct mc_diag_result *r)
{
    const char *x = ev->t.ifname;
    char fix[MC_DIAG_TEXT_MAX];

    if (x[0] == '\0') {
        mc__diag_say(r, MC_DIAG_FAIL, "diagnose GROUP dev IFACE",
                     "no interface named, none holds the group and no "
                     "route chose one");
        return;
    }
    if (!ev->if_exists) {
        mc__diag_say(r, MC_DIAG_FAIL, "ip -br link",
                     "no interface %s in this network namespace", x);
        return;
    }
    if (!ev->if_up) {
        snprintf(fix, sizeof fix, "ip link set dev %s up", x);
        mc__diag_say(r, MC_DIAG_FAIL, fix, "%s (index %u) is down", x,
                     ev->ifindex);
        return;
    }
    if (!ev->if_multicast) {
        snprintf(fix, sizeof fix, "ip link set dev %s multicast on", x);
        mc__diag_say(r, MC_DIAG_FAIL, fix,
                     "%s (index %u) has IFF_MULTICAST off: the kernel "
                     "neither joins nor receives groups there",
                     x, ev->ifindex);
        return;
    }
    if (!ev->if_has_addr) {
        snprintf(fix, sizeof fix, "ip %saddr add ADDRESS/PREFIX dev %s",
                 ev->family == AF_INET6 ? "-6 " : "", x);
        mc__diag_say(r, MC_DIAG_FAIL, fix,
                     "%s has no %s address: the kernel cannot send its "
                     "reports from it",
                     x, ev->family == AF_INET6 ? "IPv6" : "IPv4");
        return;
    }
    mc__diag_say(r, MC_DIAG_OK, NULL,
                 "%s (index %u) up, MULTICAST, has an %s address%s%s", x,
                 ev->ifindex, ev->family == AF_INET6 ? "IPv6" : "IPv4",
                 ev->iface_chosen_by != NULL && ev->iface_chosen_by[0] ? "; "
                                                                       : "",
                 ev->iface_chosen_by != NULL ? ev->iface_chosen_by : "");
}

static void join_fix(const struct mc_diag_evidence *ev, char *fix, size_t len)
{
    char g[MC_ADDR_STRLEN], s[MC_ADDR_STRLEN];

    mc__diag_addr(&ev->t.group, g, sizeof g);
    if (ev->t.source.family != 0)
        snprintf(fix, len, "join-source %s %s dev %s port %u", g,
                 mc__diag_addr(&ev->t.source, s, sizeof s), ev->t.ifname,
                 (unsigned)ev->t.port);
    else
        snprintf(fix, len, "join %s dev %s port %u", g, ev->t.ifname,
                 (unsigned)ev->t.port);
}

static void check_membership(const struct mc_diag_evidence *ev,
                             struct mc_diag_result *r)
{
    const char *file = ev->family == AF_INET6 ? "igmp6" : "igmp";
    const char *ffile = ev->family == AF_INET6 ? "mcfilter6" : "mcfilter";
    char g[MC_ADDR_STRLEN], s[MC_ADDR_STRLEN], fix[MC_DIAG_TEXT_MAX];

    mc__diag_addr(&ev->t.group, g, sizeof g);
    join_fix(ev, fix, sizeof fix);
    if (!ev->mem_read) {
        mc__diag_say(r, MC_DIAG_UNKNOWN, NULL, "/proc/net/%s could not be read",
                     file);
        return;
    }
    if (!ev->mem_held) {
        mc__diag_say(r, MC_DIAG_FAIL, fix,
                     "/proc/net/%s: %s holds no membership of %s: no socket "
                     "on this host joined it there",
                     file, ev->t.ifname, g);
        return;
    }
    if (ev->mc_mismatch[0] != '\0') {
        mc__diag_say(r, MC_DIAG_FAIL, fix, "%s", ev->mc_mismatch);
        return;
    }
    if (ev->t.source.family != 0 && ev->mem_src_read) {
        mc__diag_addr(&ev->t.source, s, sizeof s);
        /* the SSM range takes a source only by an include (RFC 4607) */
        if (ev->mem_src_inc == 0 && ssm_range(ev)) {
            mc__diag_say(r, MC_DIAG_FAIL, fix,
                         "/proc/net/%s: %s holds %s (%u users) but no socket "
                         "includes the source %s (/proc/net/%s)",
                         file, ev->t.ifname, g, ev->mem_users, s, ffile);
            return;
        }
        /* elsewhere an any-source socket takes it unless every socket
         * holding the group excludes it */
        if (ev->mem_src_inc == 0 && ev->mem_src_exc > 0 &&
            ev->mem_src_exc >= ev->mem_users) {
            snprintf(fix, sizeof fix, "include-source %s %s dev %s port %u", g,
                     s, ev->t.ifname, (unsigned)ev->t.port);
            mc__diag_say(r, MC_DIAG_FAIL, fix,
                         "/proc/net/%s: every socket holding %s on %s (%u) "
                         "excludes %s",
                         ffile, g, ev->t.ifname, ev->mem_users, s);
            return;
        }
        if (ev->mem_src_inc > 0)
            mc__diag_say(r, MC_DIAG_OK, NULL,
                         "/proc/net/%s: %s holds %s (%u users); /proc/net/%s: "
                         "%s included by %u socket(s)",
                         file, ev->t.ifname, g, ev->mem_users, ffile, s,
                         ev->mem_src_inc);
        else
            mc__diag_say(r, MC_DIAG_OK, NULL,
                         "/proc/net/%s: %s holds %s (%u users); /proc/net/%s: "
                         "%u socket(s) exclude %s, so an any-source "
                         "membership takes it",
                         file, ev->t.ifname, g, ev->mem_users, ffile,
                         ev->mem_src_exc, s);
        return;
    }
    mc__diag_say(r, MC_DIAG_OK, NULL, "/proc/net/%s: %s holds %s (%u users)",
                 file, ev->t.ifname, g, ev->mem_users);
}

/* The version the kernel is forced to: the "all" value wins when set
 * (Linux's mld_in_v1_mode, IGMP_V1_SEEN / IGMP_V2_SEEN). */
static long forced(const struct mc_diag_evidence *ev)
{
    return ev->force_all > 0 ? ev->force_all : ev->force_if;
}

static void check_igmp_version(const struct mc_diag_evidence *ev,
                               struct mc_diag_result *r)
{
    bool v6 = ev->family == AF_INET6;
    const char *name = v6 ? "force_mld_version" : "force_igmp_version";
    const char *fam = v6 ? "ipv6" : "ipv4";
    const char *v1name = v6 ? "MLDv1" : "IGMPv1/v2";
    long f = forced(ev);
    bool forced_v1 = v6 ? f == 1 : (f == 1 || f == 2);
    bool querier_v1 = ev->queries_in > 0 && mc__diag_v1_proto(ev->query_proto);
    char fix[MC_DIAG_TEXT_MAX], q[MC_ADDR_STRLEN];

    if (ev->force_all < 0 || ev->force_if < 0) {
        mc__diag_say(r, MC_DIAG_UNKNOWN, NULL,
                     "net.%s.conf.%s.%s could not be read", fam,
                     ev->force_if < 0 ? ev->t.ifname : "all", name);
        return;
    }
    if (forced_v1) {
        snprintf(fix, sizeof fix,
                 "sysctl -w net.%s.conf.all.%s=0 net.%s.conf.%s.%s=0", fam,
                 name, fam, ev->t.ifname, name);
        mc__diag_say(r, mc__diag_ssm(ev) ? MC_DIAG_FAIL : MC_DIAG_OK,
                     mc__diag_ssm(ev) ? fix : NULL,
                     "net.%s.conf.all.%s=%ld, net.%s.conf.%s.%s=%ld: %s "
                     "forced%s",
                     fam, name, ev->force_all, fam, ev->t.ifname, name,
                     ev->force_if, v1name,
                     mc__diag_ssm(ev) ? ", which cannot carry a source "
                                        "(SSM needs MLDv2 / IGMPv3)"
                                      : " (enough for an any-source join)");
        return;
    }
    if (querier_v1) {
        mc__diag_addr(&ev->querier, q, sizeof q);
        mc__diag_say(r, mc__diag_ssm(ev) ? MC_DIAG_FAIL : MC_DIAG_OK,
                     mc__diag_ssm(ev) ? "the querier (router) must speak "
                                        "MLDv2 / IGMPv3: set its version"
                                      : NULL,
                     "%s=%ld (all), %ld (%s); the querier %s sends %s "
                     "queries, so the host answers in %s%s",
                     name, ev->force_all, ev->force_if, ev->t.ifname, q,
                     mc_wire_proto_name(ev->query_proto), v1name,
                     mc__diag_ssm(ev) ? ", which cannot carry a source" : "");
        return;
    }
    mc__diag_say(r, MC_DIAG_OK, NULL,
                 "net.%s.conf.all.%s=%ld, net.%s.conf.%s.%s=%ld%s%s", fam, name,
                 ev->force_all, fam, ev->t.ifname, name, ev->force_if,
                 ev->queries_in > 0 ? "; queries are " : "",
                 ev->queries_in > 0 ? mc_wire_proto_name(ev->query_proto) : "");
}

const char *mc__diag_fw_tool(const struct mc_diag_fw *fw, char *buf, size_t len)
{
    if (fw->age_ns > 0)
        snprintf(buf, len,
                 "%s (the rules as listed at the start, %.0f s ago: "
                 "mcscope dropped CAP_NET_ADMIN since)",
                 fw->tool != NULL ? fw->tool : "?", (double)fw->age_ns / 1e9);
    else
        snprintf(buf, len, "%s", fw->tool != NULL ? fw->tool : "?");
    return buf;
}

const char *mc__diag_fw_unknown(const struct mc_diag_fw *fw)
{
    switch (fw->state) {
    case MC_DIAG_FW_READ:
        return NULL;
    case MC_DIAG_FW_NOPERM:
        return "reading the firewall's rules needs CAP_NET_ADMIN: run "
               "mcscope as root, or sudo setcap cap_net_admin+ep "
               "$(command -v mcscope)";
    case MC_DIAG_FW_NOTOOL:
        return "neither nft nor iptables-save could be run: install "
               "nftables (apt-get install nftables)";
    default:
        return "the firewall's rules were not read";
    }
}

static void check_firewall_input(const struct mc_diag_evidence *ev,
                                 struct mc_diag_result *r)
{
    const char *why = mc__diag_fw_unknown(&ev->fw);
    char tool[128];

    mc__diag_fw_tool(&ev->fw, tool, sizeof tool);
    if (why != NULL) {
        mc__diag_say(r, MC_DIAG_UNKNOWN, NULL, "%s", why);
        return;
    }
    if (ev->fw.in_drop) {
        mc__diag_say(r, MC_DIAG_FAIL, ev->fw.in_fix,
                     "%s: \"%s\" drops UDP to port %u", tool, ev->fw.in_rule,
                     (unsigned)ev->t.port);
        return;
    }
    mc__diag_say(r, MC_DIAG_OK, NULL,
                 "%s: no input rule drops UDP to port %u (%u rule(s) of the "
                 "family read)",
                 tool, (unsigned)ev->t.port, ev->fw.nrules);
}

static void check_socket_overflow(const struct mc_diag_evidence *ev,
                                  struct mc_diag_result *r)
{
    const char *name =
        ev->family == AF_INET6 ? "Udp6RcvbufErrors" : "Udp RcvbufErrors";
    const char *file = ev->family == AF_INET6 ? "snmp6" : "snmp";
    uint64_t d = delta(&ev->rcvbuf_errors), o = delta(&ev->socket_drops);
    double span = mc__diag_age_s(ev, ev->since_ns);

    if (!ev->rcvbuf_errors.read) {
        mc__diag_say(r, MC_DIAG_UNKNOWN, NULL, "/proc/net/%s could not be read",
                     file);
        return;
    }
    if (d > 0 || o > 0) {
        mc__diag_say(r, MC_DIAG_FAIL,
                     "sysctl -w net.core.rmem_max=26214400 "
                     "net.core.rmem_default=26214400",
                     "%s +%llu in %.1f s (/proc/net/%s); mcscope's socket "
                     "dropped %llu (SO_RXQ_OVFL): a receive buffer is full, "
                     "the application reads too slowly or its SO_RCVBUF is "
                     "too small",
                     name, (unsigned long long)d, span, file,
                     (unsigned long long)o);
        return;
    }
    mc__diag_say(r, MC_DIAG_OK, NULL,
                 "%s +0 in %.1f s (/proc/net/%s); SO_RXQ_OVFL +0", name, span,
                 file);
}

static void check_checksum(const struct mc_diag_evidence *ev,
                           struct mc_diag_result *r)
{
    const char *name =
        ev->family == AF_INET6 ? "Udp6InCsumErrors" : "Udp InCsumErrors";
    const char *file = ev->family == AF_INET6 ? "snmp6" : "snmp";
    uint64_t d = delta(&ev->csum_errors);
    double span = mc__diag_age_s(ev, ev->since_ns);
    char fix[MC_DIAG_TEXT_MAX];

    if (!ev->csum_errors.read) {
        mc__diag_say(r, MC_DIAG_UNKNOWN, NULL, "/proc/net/%s could not be read",
                     file);
        return;
    }
    if (d > 0) {
        snprintf(fix, sizeof fix, "tcpdump -ni %s -vv udp port %u",
                 ev->t.ifname, (unsigned)ev->t.port);
        mc__diag_say(r, MC_DIAG_FAIL, fix,
                     "%s +%llu in %.1f s (/proc/net/%s): datagrams arrive "
                     "with a bad UDP checksum and are dropped",
                     name, (unsigned long long)d, span, file);
        return;
    }
    mc__diag_say(r, MC_DIAG_OK, NULL, "%s +0 in %.1f s (/proc/net/%s)", name,
                 span, file);
}

static void check_multicast_all(const struct mc_diag_evidence *ev,
                                struct mc_diag_result *r)
{
    if (ev->mc_multicast_all && ev->unattributed > 0) {
        mc__diag_say(r, MC_DIAG_WARN, "set multicast-all off",
                     "mcscope's multicast-all is on: its sockets received "
                     "%llu datagrams for groups it did not join",
                     (unsigned long long)ev->unattributed);
        return;
    }
    if (!ev->apps_read) {
        mc__diag_say(r, MC_DIAG_UNKNOWN, NULL,
                     "the port's other sockets could not be read "
                     "(/proc/net/udp%s)",
                     ev->family == AF_INET6 ? "6" : "");
        return;
    }
    if ((ev->wild_pid != 0 || ev->wild_comm[0] != '\0') &&
        ev->other_groups == 0) {
        mc__diag_say(r, MC_DIAG_OK, NULL,
                     "pid %d (%s) holds a socket bound to the wildcard on "
                     "port %u, and the host holds no other group, so "
                     "MULTICAST_ALL delivers it nothing unasked",
                     ev->wild_pid, ev->wild_comm[0] ? ev->wild_comm : "?",
                     (unsigned)ev->t.port);
        return;
    }
    if (ev->wild_pid != 0 || ev->wild_comm[0] != '\0') {
        char other[MC_ADDR_STRLEN];

        mc__diag_addr(&ev->other_group, other, sizeof other);
        mc__diag_say(r, MC_DIAG_WARN,
                     "in the application: setsockopt IP_MULTICAST_ALL / "
                     "IPV6_MULTICAST_ALL 0, or bind it to the group address",
                     "pid %d (%s) holds a socket bound to the wildcard on "
                     "port %u: with MULTICAST_ALL on (Linux's default) it "
                     "receives every group held on this host on that "
                     "port, groups it never joined included; the host "
                     "holds %u other group(s) (%s, ...)",
                     ev->wild_pid, ev->wild_comm[0] ? ev->wild_comm : "?",
                     (unsigned)ev->t.port, ev->other_groups, other);
        return;
    }
    mc__diag_say(r, MC_DIAG_OK, NULL,
                 "no other socket bound to the wildcard on port %u "
                 "(/proc/net/udp%s); mcscope's multicast-all %s",
                 (unsigned)ev->t.port, ev->family == AF_INET6 ? "6" : "",
                 ev->mc_multicast_all ? "on, nothing unasked arrived" : "off");
}

/* ---- the table ---- */

typedef void (*check_fn)(const struct mc_diag_evidence *ev,
                         struct mc_diag_result *r);

/* The table: id, name, what it reads, the function that judges. */
static const struct row {
    struct mc_diag_check_info info;
    check_fn judge;
} table[MC_DIAG_NCHECKS] = {
    {{MC_DIAG_IFACE, "iface",
      "the interface: exists, up, IFF_MULTICAST, an address of the family"},
     check_iface},
    {{MC_DIAG_MEMBERSHIP, "membership",
      "/proc/net/igmp6|igmp and mcfilter6|mcfilter, the socket's filter"},
     check_membership},
    {{MC_DIAG_REPORTS_SENT, "reports_sent",
      "the host's own MLD/IGMP reports for the group on the wire"},
     mc__diag_reports_sent},
    {{MC_DIAG_IGMP_VERSION, "igmp_version",
      "force_mld_version / force_igmp_version, the querier's version"},
     check_igmp_version},
    {{MC_DIAG_QUERIER, "querier",
      "queries on the link: querier, version, interval, age"},
     mc__diag_querier},
    {{MC_DIAG_REPORTS_BLOCKED, "reports_blocked",
      "queries in, reports out (wire and /proc/net/snmp6), output rules"},
     mc__diag_reports_blocked},
    {{MC_DIAG_WIRE, "wire",
      "the group's packets on the wire, and from which sources"},
     mc__diag_wire},
    {{MC_DIAG_RP_FILTER, "rp_filter",
      "net.ipv4.conf.*.rp_filter, the route back to the source"},
     mc__diag_rp_filter},
    {{MC_DIAG_ROUTE, "route",
      "the route to the source (RTM_GETROUTE): which interface"},
     mc__diag_route},
    {{MC_DIAG_FIREWALL_INPUT, "firewall_input",
      "input rules (nft, iptables-save) that drop the group's UDP port"},
     check_firewall_input},
    {{MC_DIAG_SOCKET_OVERFLOW, "socket_overflow",
      "UDP RcvbufErrors (/proc/net/snmp|snmp6), SO_RXQ_OVFL"},
     check_socket_overflow},
    {{MC_DIAG_CHECKSUM, "checksum", "UDP InCsumErrors (/proc/net/snmp|snmp6)"},
     check_checksum},
    {{MC_DIAG_HOPLIMIT, "hoplimit",
      "the hop limit / TTL packets arrive with (cmsg hoplimit)"},
     mc__diag_hoplimit},
    {{MC_DIAG_MULTICAST_ALL, "multicast_all",
      "sockets bound to the wildcard on the port, mcscope's multicast-all"},
     check_multicast_all},
    {{MC_DIAG_STOPPED, "stopped",
      "a stream that arrived and stopped, next to the last query and report"},
     mc__diag_stopped},
};

const struct mc_diag_check_info *mc_diag_checks(size_t *n)
{
    static struct mc_diag_check_info infos[MC_DIAG_NCHECKS];

    for (size_t i = 0; i < MC_DIAG_NCHECKS; i++)
        infos[i] = table[i].info;
    if (n != NULL)
        *n = MC_DIAG_NCHECKS;
    return infos;
}

const char *mc_diag_id_name(enum mc_diag_id id)
{
    return (unsigned)id < MC_DIAG_NCHECKS ? table[id].info.name : "?";
}

const char *mc_diag_status_name(enum mc_diag_status s)
{
    static const char *const names[] = {"ok", "warn", "fail", "unknown"};

    return (unsigned)s < 4 ? names[s] : "?";
}

/* ---- the whole ---- */

void mc_diag_evidence_init(struct mc_diag_evidence *ev,
                           const struct mc_diag_target *t)
{
    memset(ev, 0, sizeof *ev);
    if (t != NULL)
        ev->t = *t;
    ev->family = ev->t.group.family;
    ev->force_all = ev->force_if = -1;
    ev->rp_all = ev->rp_if = -1;
    ev->mc_forwarding = -1;
    ev->hoplimit = -1;
}

void mc_diag_judge(const struct mc_diag_evidence *ev, struct mc_diagnosis *out)
{
    memset(out, 0, sizeof *out);
    out->t = ev->t;
    for (size_t i = 0; i < MC_DIAG_NCHECKS; i++) {
        struct mc_diag_result *r = &out->checks[i];

        r->id = table[i].info.id;
        table[i].judge(ev, r);
        if (r->status == MC_DIAG_FAIL)
            out->nfail++;
        else if (r->status == MC_DIAG_WARN)
            out->nwarn++;
        else if (r->status == MC_DIAG_UNKNOWN)
            out->nunknown++;
    }
    out->verdict = out->nfail   ? MC_DIAG_FAIL
                   : out->nwarn ? MC_DIAG_WARN
                                : MC_DIAG_OK;
}

void mc_diag_order(const struct mc_diagnosis *d, size_t idx[MC_DIAG_NCHECKS])
{
    static const enum mc_diag_status order[] = {MC_DIAG_FAIL, MC_DIAG_WARN,
                                                MC_DIAG_UNKNOWN, MC_DIAG_OK};
    size_t n = 0;

    for (size_t k = 0; k < 4; k++)
        for (size_t i = 0; i < MC_DIAG_NCHECKS; i++)
            if (d->checks[i].status == order[k])
                idx[n++] = i;
}

const char *mc_diag_target_format(const struct mc_diag_target *t, char *buf,
                                  size_t len)
{
    char g[MC_ADDR_STRLEN], s[MC_ADDR_STRLEN] = "";

    mc_addr_format(&t->group, g, sizeof g);
    if (t->source.family != 0)
        mc_addr_format(&t->source, s, sizeof s);
    snprintf(buf, len, "%s%s%s%s%s port %u", g, s[0] ? " from " : "", s,
             t->ifname[0] ? " dev " : "", t->ifname, (unsigned)t->port);
    return buf;
}
