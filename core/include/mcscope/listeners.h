/*
 * mcscope core: the listeners of a link — other hosts' MLD and IGMP
 * reports, decoded by the wire (wire.h), kept as a table of who listens to
 * which group with which source filter, aged the way a router ages them.
 *
 * The host's own reports count too (own: the capture saw them go out): a
 * router or a snooping switch keeps this host's state like any other's.
 *
 * The table is per (interface, host, group): one host's state, which is
 * what a router's per-group state is made of (RFC 3810 §7.2, RFC 3376 §6
 * with one host):
 *   IS_IN(S), TO_IN(S)   -> INCLUDE(S)       IS_EX(S), TO_EX(S) -> EXCLUDE(S)
 *   ALLOW(S): INCLUDE(A) -> INCLUDE(A+S);    EXCLUDE(X) -> EXCLUDE(X-S)
 *   BLOCK(S): INCLUDE(A) -> INCLUDE(A-S);    EXCLUDE(X) -> EXCLUDE(X+S)
 *   MLDv1/IGMPv1/v2 report -> EXCLUDE({})    MLDv1 done, IGMPv2 leave -> gone
 * INCLUDE({}) is no state: the host left (RFC 3810 §7.4.2).
 *
 * Aging (RFC 3810 §9.4, RFC 3376 §8.4): an entry not refreshed by a report
 * within the Multicast Address Listening Interval (Group Membership
 * Interval) = QRV * QQI + QRI goes.  QRV, QQI and QRI are the querier's
 * when a general query was seen on the interface (MLDv2 / IGMPv3 carry
 * QRV and QQIC, every version carries the maximum response delay = QRI),
 * the RFC defaults otherwise (2, 125 s, 10 s: 260 s).
 *
 * Bounded: at most max_entries entries (a report past it is counted in
 * dropped, never stored) and max_sources sources an entry (more are cut and
 * counted in sources_cut).
 *
 * Events (MC_EV_INFO, typed fields, mc_event_format renders them):
 *   MC_ET_LISTENER_JOIN / _FILTER / _LEAVE: ifname, source (the host),
 *   group, proto, flags (MC_EVF_EXCLUDE: exclude mode; MC_EVF_EXPIRED: the
 *   leave is an aging out), count (sources), detail ("{S1,S2}");
 *   MC_ET_LISTENER_FIRST / _LAST: ifname, group: the group gained its first
 *   or lost its last listener on the interface (the hook's events).
 */
#ifndef MCSCOPE_LISTENERS_H
#define MCSCOPE_LISTENERS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"
#include "mcscope/event.h"
#include "mcscope/querier.h"
#include "mcscope/wire.h"

#define MC_LISTENERS_MAX_DEFAULT 1024u
#define MC_LISTENERS_SOURCES_DEFAULT 64u
/* RFC 3810 §9.1, §9.2, §9.3 (and RFC 3376 §8.1-8.3) */
#define MC_LISTENERS_QRV_DEFAULT MC_QUERIER_QRV_DEFAULT
#define MC_LISTENERS_QQI_DEFAULT_S MC_QUERIER_QQI_DEFAULT_S
#define MC_LISTENERS_QRI_DEFAULT_MS MC_QUERIER_QRI_DEFAULT_MS

struct mc_listeners; /* opaque */

struct mc_listeners_opts {
    size_t max_entries; /* 0: MC_LISTENERS_MAX_DEFAULT */
    size_t max_sources; /* 0: MC_LISTENERS_SOURCES_DEFAULT */
    /* Events (valid during the call only); NULL: none. */
    void (*event)(void *arg, const struct mc_event *ev);
    void *arg;
};

int mc_listeners_new(const struct mc_listeners_opts *o,
                     struct mc_listeners **out); /* 0 or -ENOMEM */
void mc_listeners_free(struct mc_listeners *l);  /* NULL ok */
/* Forget every entry and every querier's timers (no events). */
void mc_listeners_clear(struct mc_listeners *l);
/* Forget the entries and timers of ifname ("": all), with no events. */
void mc_listeners_forget(struct mc_listeners *l, const char *ifname);

/*
 * One decoded MLD or IGMP message from host src on ifname, at now_ns
 * (monotonic); own: this host sent it.  Reports and leaves change the
 * table; general queries set the interface's timers.  Other messages are
 * ignored.
 */
void mc_listeners_feed(struct mc_listeners *l, const char *ifname,
                       const struct mc_addr *src, bool own,
                       const struct mc_wire_msg *msg, int64_t now_ns);
/* Age: entries whose interval ran out at now_ns go (a leave event each). */
void mc_listeners_expire(struct mc_listeners *l, int64_t now_ns);
/* The next expiry; INT64_MAX: none. */
int64_t mc_listeners_next_ns(const struct mc_listeners *l);

enum mc_listener_mode { MC_LISTENER_INCLUDE, MC_LISTENER_EXCLUDE };
const char *mc_listener_mode_name(enum mc_listener_mode m); /* "include".. */

struct mc_listener_view {
    char ifname[IF_NAMESIZE];
    struct mc_addr host, group;
    enum mc_listener_mode mode;
    size_t nsources;
    const struct mc_addr *sources; /* valid until the table changes */
    enum mc_wire_proto proto;      /* of the last report */
    bool own;                      /* this host's (its reports went out) */
    int64_t last_report_ns, expires_ns;
};

/* The interface's timers as the table uses them. */
struct mc_listeners_timers {
    unsigned qrv;
    uint32_t qqi_s, qri_ms;
    bool from_querier; /* a general query was seen */
};
void mc_listeners_timers(const struct mc_listeners *l, const char *ifname,
                         struct mc_listeners_timers *out);

struct mc_listeners_counters {
    uint64_t reports, leaves, queries, dropped, sources_cut, expired;
};

size_t mc_listeners_count(const struct mc_listeners *l);
/* Entry i (< count), in the order of their first report. */
int mc_listeners_get(const struct mc_listeners *l, size_t i,
                     struct mc_listener_view *out);
void mc_listeners_counters(const struct mc_listeners *l,
                           struct mc_listeners_counters *out);
/* How many hosts listen to group on ifname (ifname "": any). */
size_t mc_listeners_hosts(const struct mc_listeners *l, const char *ifname,
                          const struct mc_addr *group);
/* "{S1,S2}" of a view into buf (cut with "..." when long); returns buf. */
const char *mc_listener_sources_format(const struct mc_listener_view *v,
                                       char *buf, size_t len);

#endif
