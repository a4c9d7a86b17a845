/*
 * mcscope core: the querier timeline — per interface and family, every
 * MLD/IGMP query the capture saw (who asked, which version, general or
 * about a group, with which timers), the host's own reports that answered
 * each one and how long after, and the facts that follow:
 *
 *  - "no querier for N s": the age of the last query against the Other
 *    Querier Present Interval, QRV * QQI + QRI / 2 (RFC 3810 §9.5, RFC
 *    3376 §8.5); with no query seen, the time watched against the QQI;
 *  - the membership a snooping switch or a router keeps for this host's
 *    group: it ages out at the host's last report + the Multicast Address
 *    Listening Interval (RFC 3810 §9.4, MALI) / Group Membership Interval
 *    (RFC 3376 §8.4, GMI), both QRV * QQI + QRI — the querier's values
 *    when a general query was seen, the RFC defaults (2, 125 s, 10 s:
 *    260 s) otherwise;
 *  - "a report was due and none left": a query about a membership the host
 *    holds, whose maximum response time (+ MC_QUERIER_GRACE_MS) passed
 *    without a report of the host on the wire.
 *
 * A query on the wire is not a query the host processed: libpcap sees a
 * frame before netfilter, so an input rule that drops queries still shows
 * them captured.  The kernel counts what its stack processed for IPv6 per
 * interface (/proc/net/dev_snmp6/IFACE: Icmp6InGroupMembQueries, and the
 * host's Icmp6OutGroupMembResponses, Icmp6OutGroupMembReductions,
 * Icmp6OutMLDv2Reports); the timeline holds those counters' deltas since
 * the interface was first watched next to the capture's count.  For IPv4
 * the kernel keeps no IGMP counters (/proc/net/snmp has none): the
 * timeline says so (kernel.counted false, kernel.why), and gives what
 * /proc/net/igmp shows instead, the version the interface runs ("V1",
 * "V2", "V3": an IGMPv1/v2 query the stack processed lowers it).
 *
 * Bounded: MC_QUERIER_IFACES (interface, family) timelines, each a ring of
 * the newest `ring` queries (MC_QUERIER_RING_DEFAULT), MC_QUERIER_ANSWERS
 * answers and MC_QUERIER_SOURCES sources kept per query (the counts say
 * how many there were), MC_QUERIER_GROUPS of the host's own groups.
 *
 * Times are CLOCK_MONOTONIC (mono_ns) with the frame's wall-clock stamp
 * (real_ns, as tshark's frame.time_epoch) beside it.  The core never reads
 * the kernel while a screen draws: mc_querier_read_kernel runs on the
 * statistics tick, and views come from a snapshot (a copy).
 *
 * "A stream that stops" (mcscope/flow.h): a flow that was arriving and
 * has had no packet for max(MC_FLOW_STOP_MIN_MS, MC_FLOW_STOP_FACTOR x its
 * mean inter-arrival) stopped; event MC_ET_STREAM_STOPPED (and
 * MC_ET_STREAM_RESUMED when it comes back) with the last packet's time and
 * the interface's last query and last own report (event.h).  The flows
 * that stopped are listed by mc_monitor_stream_stops.  The monitor also
 * logs, once each, MC_ET_QUERIER_ABSENT (no querier on a link where it
 * holds groups) and MC_ET_MEMBERSHIP_AGED (one of its groups aged out on
 * a snooping switch): mc_querier_facts.
 */
#ifndef MCSCOPE_QUERIER_H
#define MCSCOPE_QUERIER_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"
#include "mcscope/wire.h"

#define MC_QUERIER_RING_DEFAULT 64u /* queries kept per timeline */
#define MC_QUERIER_IFACES 32u       /* (interface, family) timelines */
#define MC_QUERIER_ANSWERS 4u       /* own reports kept per query */
#define MC_QUERIER_SOURCES 8u       /* sources kept per query */
#define MC_QUERIER_GROUPS 256u      /* own groups kept per timeline */
/* Slack after a query's maximum response time before "none left". */
#define MC_QUERIER_GRACE_MS 1000u
/* RFC 3810 §9.1-9.3, RFC 3376 §8.1-8.3 */
#define MC_QUERIER_QRV_DEFAULT 2u
#define MC_QUERIER_QQI_DEFAULT_S 125u
#define MC_QUERIER_QRI_DEFAULT_MS 10000u

/* ---- the arithmetic (pure) ---- */

/* MALI / GMI: QRV * QQI + QRI (RFC 3810 §9.4, RFC 3376 §8.4). */
int64_t mc_querier_mali_ns(unsigned qrv, uint32_t qqi_s, uint32_t qri_ms);
/* Other Querier Present Interval: QRV * QQI + QRI / 2 (§9.5, §8.5). */
int64_t mc_querier_oqpi_ns(unsigned qrv, uint32_t qqi_s, uint32_t qri_ms);
/* Whether m is a general query (group unspecified). */
bool mc_querier_is_general(const struct mc_wire_msg *m);
/*
 * The timers a general query m sets (RFC 3810 §9, RFC 3376 §8): QRV and
 * QQI where it carries them (MLDv2, IGMPv3), QRI from its maximum
 * response; the rest stay.  A group query changes nothing (its maximum
 * response is the Last Listener Query Interval).  Returns whether m set
 * them.  The one rule for the timeline and the listeners table.
 */
bool mc_querier_take_timers(const struct mc_wire_msg *m, unsigned *qrv,
                            uint32_t *qqi_s, uint32_t *qri_ms);

/* ---- the timeline ---- */

struct mc_querier; /* opaque */

/*
 * Whether the host is expected to answer a query on ifname: it holds a
 * membership of family there (group NULL: any, for a general query) or of
 * group.  Asked when a query is fed; NULL: never expected.
 */
typedef bool (*mc_querier_member_fn)(void *arg, const char *ifname, int family,
                                     const struct mc_addr *group);

struct mc_querier_opts {
    size_t ring; /* queries kept per timeline; 0: MC_QUERIER_RING_DEFAULT */
    mc_querier_member_fn member;
    void *arg;
    /* where /proc is ("": "/proc"); tests point it at files of their own */
    const char *proc_root;
};

int mc_querier_new(const struct mc_querier_opts *o,
                   struct mc_querier **out); /* 0 or -ENOMEM */
void mc_querier_free(struct mc_querier *q);  /* NULL ok */
/* Forget every timeline. */
void mc_querier_clear(struct mc_querier *q);

/*
 * ifname is watched from now (a capture opened on it): its timelines start
 * (the time watched counts from here, the kernel's counters' baseline is
 * read now).  A timeline a message starts without a watch reads its
 * baseline then (the message may already be in it).  Again: no change.
 */
void mc_querier_watch(struct mc_querier *q, const char *ifname, int64_t mono_ns,
                      int64_t real_ns);

/*
 * One decoded MLD/IGMP message from src on ifname; own: this host sent it
 * (the capture saw it go out).  Queries go into the timeline, the host's
 * own reports answer them and refresh its groups, its leaves end them.
 */
void mc_querier_feed(struct mc_querier *q, const char *ifname,
                     const struct mc_addr *src, bool own,
                     const struct mc_wire_msg *msg, int64_t mono_ns,
                     int64_t real_ns);

/* Read the kernel's counters of every timeline (the statistics tick). */
void mc_querier_read_kernel(struct mc_querier *q);

/*
 * Facts that became true since the last call, each once (until it stops
 * being true): a timeline's querier went absent (querier_absent below),
 * or one of the host's groups aged out on a snooping switch (its last
 * report older than the MALI, and not left).  On the statistics tick.
 */
enum mc_querier_fact_kind { MC_QF_NO_QUERIER, MC_QF_AGED_OUT };
struct mc_querier_fact {
    enum mc_querier_fact_kind kind;
    const char *ifname;
    int family;
    struct mc_addr group; /* MC_QF_AGED_OUT */
    int64_t age_ns;       /* without a query / since the last report */
    int64_t limit_ns;     /* the interval it passed: OQPI (or QQI) / MALI */
};
void mc_querier_facts(struct mc_querier *q, int64_t now_mono_ns,
                      void (*cb)(void *arg, const struct mc_querier_fact *f),
                      void *arg);

/* ---- the snapshot ---- */

enum mc_query_kind {
    MC_QUERY_GENERAL,      /* group unspecified */
    MC_QUERY_GROUP,        /* about one group */
    MC_QUERY_GROUP_SOURCE, /* about sources of one group (v2/v3) */
};
const char *mc_query_kind_name(enum mc_query_kind k); /* "general", ... */

/* One of the host's reports that answered a query. */
struct mc_querier_answer {
    int64_t mono_ns, real_ns;
    int64_t delay_ns; /* after the query */
    enum mc_wire_proto proto;
    unsigned nrecords;    /* v2/v3: records in it; v1/v2: 1 */
    struct mc_addr group; /* the first group it reports */
};

struct mc_querier_query {
    uint64_t seq; /* 1, 2, ... per timeline */
    int64_t mono_ns, real_ns;
    struct mc_addr querier; /* the IP source */
    enum mc_wire_proto proto;
    enum mc_query_kind kind;
    struct mc_addr group; /* unspecified for a general query */
    size_t nsources;      /* as the query says */
    struct mc_addr sources[MC_QUERIER_SOURCES]; /* the first ones */
    uint32_t max_resp_ms;
    unsigned qrv;        /* v2/v3; 0: none */
    uint32_t qqi_s;      /* v2/v3; 0: none */
    bool s_flag;         /* v2/v3 */
    bool expected;       /* the host held a membership the query asks about */
    int64_t due_mono_ns; /* mono_ns + max_resp_ms: answers due by then */
    size_t nanswers;     /* own reports that answered (more than kept) */
    struct mc_querier_answer answers[MC_QUERIER_ANSWERS];
    bool unanswered; /* expected, due + grace passed, no answer */
};

/* A group this host reported on the timeline's interface. */
struct mc_querier_member {
    struct mc_addr group;
    enum mc_wire_proto proto; /* of the last report */
    int64_t first_report_mono_ns;
    int64_t last_report_mono_ns, last_report_real_ns;
    /* a snooping switch ages the membership out at last report + MALI */
    int64_t expires_mono_ns;
    bool expired; /* expires_mono_ns passed at the snapshot */
    bool left;    /* the host's leave / TO_IN{} went out */
    int64_t left_mono_ns;
};

/* What the kernel counted, since the interface was first watched. */
struct mc_querier_kernel {
    bool counted;     /* the kernel counts this family's queries */
    const char *why;  /* when not: why (static text) */
    const char *file; /* the file read ("/proc/net/dev_snmp6/lab0") */
    bool read_ok;     /* the last read worked */
    /* deltas (IPv6) */
    uint64_t in_queries;     /* Icmp6InGroupMembQueries */
    uint64_t out_responses;  /* Icmp6OutGroupMembResponses (MLDv1) */
    uint64_t out_reductions; /* Icmp6OutGroupMembReductions (done) */
    uint64_t out_v2_reports; /* Icmp6OutMLDv2Reports */
    /* the capture's count of queries that came in over the same time and
     * that the stack had to take: general ones, and those about a group
     * this host holds (mc_querier_member_fn) */
    uint64_t wire_queries;
    /* counted: wire_queries - in_queries when positive — queries on the
     * wire the stack did not process (an input firewall, a bad hop
     * limit...); 0 otherwise */
    uint64_t not_processed;
    /* IPv4: /proc/net/igmp's "Querier" column for the interface ("V3");
     * "" when not read */
    char igmp_version[4];
};

struct mc_querier_iface {
    char ifname[IF_NAMESIZE];
    int family;                          /* AF_INET6 (MLD) or AF_INET (IGMP) */
    int64_t watch_mono_ns;               /* watched since */
    uint64_t queries, general, specific; /* seen, ever */
    uint64_t own_reports, own_leaves;    /* the host's, seen */
    /* the timeline, oldest first */
    size_t nqueries;
    struct mc_querier_query *q;
    /* the host's groups, in order of their first report */
    size_t nmembers;
    struct mc_querier_member *members;

    /* derived at the snapshot's time */
    bool seen;                  /* a query was seen */
    struct mc_addr querier;     /* the last query's source */
    enum mc_wire_proto version; /* the last query's */
    int64_t last_query_mono_ns, last_query_real_ns;   /* 0: none */
    int64_t last_general_mono_ns;                     /* 0: none */
    int64_t last_report_mono_ns, last_report_real_ns; /* own; 0: none */
    /* the timers in force: the last general query's, else RFC defaults */
    unsigned qrv;
    uint32_t qqi_s, qri_ms;
    bool from_querier;
    int64_t mali_ns; /* QRV * QQI + QRI */
    int64_t oqpi_ns; /* QRV * QQI + QRI / 2 */
    /* no query for this long (since the last, or since watched) */
    int64_t no_querier_ns;
    /* no querier: the last query is older than oqpi_ns, or none was seen
     * in more than qqi_s of watching */
    bool querier_absent;
    uint64_t unanswered; /* queries whose report was due and none left */
    int64_t last_unanswered_mono_ns;
    struct mc_querier_kernel kernel;
};

struct mc_querier_snap {
    int64_t mono_ns, real_ns; /* when taken */
    size_t nifaces;
    struct mc_querier_iface *ifaces; /* in the order first watched */
};

/* A copy of every timeline with its facts at now.  0 or -ENOMEM. */
int mc_querier_snapshot(const struct mc_querier *q, int64_t now_mono_ns,
                        int64_t now_real_ns, struct mc_querier_snap *out);
void mc_querier_snap_free(struct mc_querier_snap *s); /* zeroes it */

/* The timeline of (ifname, family), or NULL. */
const struct mc_querier_iface *
mc_querier_snap_iface(const struct mc_querier_snap *s, const char *ifname,
                      int family);
/* The host's group on a timeline, or NULL. */
const struct mc_querier_member *
mc_querier_iface_member(const struct mc_querier_iface *i,
                        const struct mc_addr *group);
/* The newest query that asked about group (a general one, or one about
 * the group; group NULL: any), or NULL. */
const struct mc_querier_query *
mc_querier_iface_last_query(const struct mc_querier_iface *i,
                            const struct mc_addr *group);

/* ---- the monitor's ---- */

struct mc_monitor;

/*
 * The monitor's timeline (fed by every capture, whatever else is on):
 * a snapshot at the monitor's now.  0, -ENOMEM, or -ENOENT (no timeline).
 */
int mc_monitor_querier(const struct mc_monitor *m, struct mc_querier_snap *out);

/* A flow of a joined group that stopped (mcscope/flow.h), now or before. */
struct mc_stream_stop {
    struct mc_addr group, source;
    uint16_t port, sport;
    char ifname[IF_NAMESIZE];    /* the group's ("" when the route chose) */
    bool stopped;                /* silent now */
    uint64_t stops;              /* times it stopped */
    int64_t last_packet_real_ns; /* the last packet (kernel stamp) */
    int64_t stopped_real_ns;     /* when the last stop was declared */
    int64_t silent_ns;           /* stopped: silent for this long */
    int64_t threshold_ns;        /* max(1 s, 5 x mean inter-arrival) */
};
/*
 * The flows that stopped at least once, at most cap into out (NULL: just
 * count).  Returns how many there are.
 */
size_t mc_monitor_stream_stops(const struct mc_monitor *m,
                               struct mc_stream_stop *out, size_t cap);

#endif
