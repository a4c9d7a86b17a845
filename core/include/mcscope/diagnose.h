/*
 * mcscope core: diagnosis — "why does (or did) this stream not arrive"
 * (DESIGN.md "Diagnosis").
 *
 *   diagnose GROUP [SOURCE] [dev IFACE] [port N]
 *
 * runs the checks of one table (mc_diag_checks): each reads evidence from
 * the kernel (sysctls, /proc/net, a netlink route lookup, the firewall's
 * rules through nft or iptables-save) and from the wire (the monitor's
 * captures), and answers ok, warn, fail or unknown (and why it cannot
 * tell), with the evidence in words and the fix as a command a person can
 * type.
 *
 * Reading and judging are apart: struct mc_diag_evidence is plain data,
 * filled by the monitor (monitor_diag.c, from its views and
 * diagnose_kernel.c / diagnose_fw.c) or by hand in tests, and
 * mc_diag_judge turns it into a struct mc_diagnosis without reading
 * anything.
 */
#ifndef MCSCOPE_DIAGNOSE_H
#define MCSCOPE_DIAGNOSE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"
#include "mcscope/wire.h"

enum mc_diag_status {
    MC_DIAG_OK,
    MC_DIAG_WARN,
    MC_DIAG_FAIL,
    MC_DIAG_UNKNOWN, /* cannot tell: the evidence says why */
};
/* "ok", "warn", "fail", "unknown". */
const char *mc_diag_status_name(enum mc_diag_status s);

/* The checks, in the order of DESIGN.md's table; the ids are stable. */
enum mc_diag_id {
    MC_DIAG_IFACE,
    MC_DIAG_MEMBERSHIP,
    MC_DIAG_REPORTS_SENT,
    MC_DIAG_IGMP_VERSION,
    MC_DIAG_QUERIER,
    MC_DIAG_REPORTS_BLOCKED,
    MC_DIAG_WIRE,
    MC_DIAG_RP_FILTER,
    MC_DIAG_ROUTE,
    MC_DIAG_FIREWALL_INPUT,
    MC_DIAG_SOCKET_OVERFLOW,
    MC_DIAG_CHECKSUM,
    MC_DIAG_HOPLIMIT,
    MC_DIAG_MULTICAST_ALL,
    MC_DIAG_STOPPED,
    MC_DIAG_NCHECKS
};

/* One row of the check table. */
struct mc_diag_check_info {
    enum mc_diag_id id;
    const char *name;  /* "rp_filter": the stable id */
    const char *reads; /* what it reads, in words (help, the TUI) */
};
/* The table, in id order; *n gets MC_DIAG_NCHECKS. */
const struct mc_diag_check_info *mc_diag_checks(size_t *n);
/* The id's name; "?" out of range. */
const char *mc_diag_id_name(enum mc_diag_id id);

#define MC_DIAG_TEXT_MAX 480
#define MC_DIAG_RULE_MAX 200

/* What one check answered. */
struct mc_diag_result {
    enum mc_diag_id id;
    enum mc_diag_status status;
    char evidence[MC_DIAG_TEXT_MAX]; /* what it read, in words */
    char fix[MC_DIAG_TEXT_MAX];      /* a command to type; "" for none */
};

/* What is diagnosed: the command's words, the interface resolved. */
struct mc_diag_target {
    struct mc_addr group;
    struct mc_addr source; /* family 0: none named */
    char ifname[IF_NAMESIZE];
    uint16_t port;
};

struct mc_diagnosis {
    struct mc_diag_target t;
    enum mc_diag_status verdict; /* fail > warn > ok; unknown does not count */
    unsigned nfail, nwarn, nunknown;
    struct mc_diag_result checks[MC_DIAG_NCHECKS];
};

/* A counter of /proc/net/snmp(6) or netstat: read or not, its value when
 * diagnose began and now. */
struct mc_diag_counter {
    bool read;
    uint64_t base, now;
};

/* A firewall reading: done (rules listed), and the rule that matches. */
enum mc_diag_fw_state {
    MC_DIAG_FW_UNREAD = 0, /* not read yet */
    MC_DIAG_FW_READ,       /* the rules were read */
    MC_DIAG_FW_NOPERM,     /* reading them needs CAP_NET_ADMIN */
    MC_DIAG_FW_NOTOOL,     /* neither nft nor iptables-save runs */
};
struct mc_diag_fw {
    enum mc_diag_fw_state state;
    const char *tool; /* "nft", "iptables-save", "ip6tables-save" */
    /* Output rules that drop the MLD/IGMP reports, input rules that drop
     * the group's UDP port: the first such rule as the tool prints it. */
    bool out_drop;
    char out_rule[MC_DIAG_RULE_MAX];
    char out_fix[MC_DIAG_RULE_MAX]; /* the command that removes it */
    bool in_drop;
    char in_rule[MC_DIAG_RULE_MAX];
    char in_fix[MC_DIAG_RULE_MAX];
    /* input rules that drop MLD/IGMP queries: the host never answers */
    bool query_drop;
    char query_rule[MC_DIAG_RULE_MAX];
    char query_fix[MC_DIAG_RULE_MAX];
    unsigned nrules; /* rules read */
    /* the rules were listed when mcscope started (before it dropped
     * CAP_NET_ADMIN), this long before now; 0: listed now */
    int64_t age_ns;
};

/*
 * The evidence.  Each part has a flag saying it was read; a part not read
 * makes its check answer unknown.  Times are CLOCK_MONOTONIC ns; now_ns
 * is when it was read, since_ns when diagnose began (the counters' base).
 */
struct mc_diag_evidence {
    struct mc_diag_target t;
    int64_t now_ns, since_ns;
    int family;

    /* iface: the interface (t.ifname, or the one the kernel chose:
     * iface_chosen_by says how, "" when named) */
    const char *iface_chosen_by;
    bool if_exists;
    unsigned ifindex;
    bool if_up, if_multicast, if_has_addr;

    /* membership: /proc/net/igmp6|igmp and mcfilter6|mcfilter */
    bool mem_read;
    bool mem_held;
    unsigned mem_users;
    bool mem_src_read;    /* the source's filter row was looked for */
    unsigned mem_src_inc; /* sockets including t.source */
    unsigned mem_src_exc; /* sockets excluding it */
    bool mc_joined;       /* mcscope itself joined the group there */
    int64_t joined_ns;    /* when mcscope joined it (0: not) */
    char mc_mismatch[MC_DIAG_TEXT_MAX]; /* mcscope's kernel check; "" ok */

    /* the wire: a capture covers the interface (wire_on), since when */
    bool wire_on;
    int64_t wire_since_ns;
    bool group_record;         /* the monitor counts the group (joined by it) */
    uint64_t wire_packets;     /* the group's port on the wire */
    uint64_t wire_from_source; /* of them from t.source */
    struct mc_addr wire_top_src; /* the source that sent most */
    struct mc_addr sock_top_src; /* the one the socket delivered most of */
    uint64_t wire_top_packets;
    uint64_t packets;          /* what mcscope's socket delivered */
    int64_t first_ns, last_ns; /* socket packets (0: none) */
    int64_t wire_last_ns;      /* wire packets (0: none) */

    /* MLD/IGMP on the wire (counted since the capture began) */
    unsigned reports_out;            /* the host's reports naming the group */
    enum mc_wire_proto report_proto; /* of the last one */
    int64_t last_report_ns;
    unsigned queries_in;
    enum mc_wire_proto query_proto; /* of the last one */
    struct mc_addr querier;
    int64_t last_query_ns;
    uint32_t query_max_resp_ms;
    uint32_t query_interval_s; /* QQI of the last v2/v3 query; 0 unknown */
    /* a query that asked for the group (general or specific) and no
     * report of it left within its maximum response time (+1 s) */
    bool report_due_missing;
    int64_t due_query_ns;

    /* the querier timeline (querier.h) of the interface, when read */
    bool timeline;
    bool querier_absent;   /* older than the other-querier interval */
    int64_t no_querier_ns; /* no query for this long */
    int64_t oqpi_ns, mali_ns;
    bool timers_from_querier;  /* else the RFC defaults */
    bool member_known;         /* the host's reports of the group seen */
    int64_t member_expires_ns; /* a snooping switch forgets it then */
    uint64_t not_processed;    /* queries on the wire the stack did not
                                  process (IPv6, dev_snmp6) */
    /* the stream's stop as the monitor declared it (mc_stream_stop) */
    bool stop_known;
    bool stopped;
    int64_t silent_ns, stop_threshold_ns;

    /* sysctls: -1 when not read */
    long force_all, force_if; /* force_mld_version / force_igmp_version */
    long rp_all, rp_if;       /* IPv4 rp_filter */

    /* the route back to the source (RTM_GETROUTE): read, found, oif */
    bool route_read;
    bool route_found;
    int route_errno;
    char route_oif[IF_NAMESIZE];
    char route_via[MC_ADDR_STRLEN]; /* gateway, "" when on-link */
    struct mc_addr route_to;        /* the source the route was asked for */
    /* the group's own route: where a join without an interface lands */
    bool groute_found;
    char groute_oif[IF_NAMESIZE];
    /* net.FAM.conf.IFACE.mc_forwarding: a multicast router runs (-1: not
     * read) */
    long mc_forwarding;

    /* counters (delta = now - base) */
    struct mc_diag_counter rcvbuf_errors; /* Udp(6) RcvbufErrors */
    struct mc_diag_counter csum_errors;   /* Udp(6) InCsumErrors */
    struct mc_diag_counter rpf_drops;     /* TcpExt IPReversePathFilter */
    struct mc_diag_counter in_queries;    /* Icmp6InGroupMembQueries /
                                             IGMP queries processed */
    struct mc_diag_counter out_reports;   /* Icmp6OutMLDv2Reports +
                                             OutGroupMembResponses */
    struct mc_diag_counter socket_drops;  /* mcscope's SO_RXQ_OVFL */

    /* the firewall */
    struct mc_diag_fw fw;

    /* hop limit of the last packet (cmsg hoplimit): -1 not carried */
    int hoplimit;

    /* multicast_all: mcscope's setting; another process's socket bound
     * to the wildcard on the port (IP_MULTICAST_ALL is Linux's default) */
    bool mc_multicast_all;
    uint64_t unattributed; /* datagrams for no group of mcscope's */
    bool apps_read;
    int wild_pid; /* 0: none found */
    char wild_comm[16];
    /* groups of the family other than t.group that the host holds
     * (/proc/net/igmp6|igmp, link-local scopes left out): what such a
     * socket gets besides; one of them named */
    unsigned other_groups;
    struct mc_addr other_group;
};

/* Evidence with nothing read: every sysctl -1, hoplimit -1. */
void mc_diag_evidence_init(struct mc_diag_evidence *ev,
                           const struct mc_diag_target *t);

/* Judge: every check of the table on ev into *out.  Reads nothing. */
void mc_diag_judge(const struct mc_diag_evidence *ev, struct mc_diagnosis *out);

/* The checks of d in the order to show them: fail, warn, unknown, ok
 * (the table's order within each); idx gets MC_DIAG_NCHECKS indexes. */
void mc_diag_order(const struct mc_diagnosis *d, size_t idx[MC_DIAG_NCHECKS]);

/* "ff15::1 from fd42::1 dev rx0 port 5001" */
const char *mc_diag_target_format(const struct mc_diag_target *t, char *buf,
                                  size_t len);

#endif
