/*
 * mcscope core: diagnosis — the checks that judge the link: the host's
 * reports, the querier, reports that a query asked for and that never
 * left, the group's packets on the wire, and a stream that stopped.  Pure:
 * they read struct mc_diag_evidence only (diagnose_priv.h).
 */
#include "diagnose_priv.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* RFC 3810 §9.2 / RFC 3376 §8.2: the default query interval. */
#define QUERY_INTERVAL_S 125
/* RFC 3810 §9.4: the multicast listener interval, robustness 2 times the
 * query interval plus the response time: a snooping switch forgets a
 * listener that did not report for that long. */
#define LISTENER_INTERVAL_S 260
/* A capture younger than this has not seen enough to say "nothing". */
#define WIRE_SETTLE_NS (3 * (int64_t)1000000000)
/* A stop this close after the membership's expiry lines up with it. */
#define MC_DIAG_SLACK_NS (5 * (int64_t)1000000000)

/* "wire cross-check off: pcap on dev X" into buf; the fix (its tail) is
 * returned. */
static const char *wire_off(const struct mc_diag_evidence *ev, char *buf,
                            size_t len)
{
    snprintf(buf, len, "wire cross-check off: pcap on dev %s",
             ev->t.ifname[0] ? ev->t.ifname : "IFACE");
    return strstr(buf, "pcap on");
}

static unsigned interval_s(const struct mc_diag_evidence *ev)
{
    return ev->query_interval_s > 0 ? ev->query_interval_s : QUERY_INTERVAL_S;
}

void mc__diag_reports_sent(const struct mc_diag_evidence *ev,
                           struct mc_diag_result *r)
{
    char g[MC_ADDR_STRLEN], fix[MC_DIAG_TEXT_MAX], off[96];

    mc__diag_addr(&ev->t.group, g, sizeof g);
    if (!ev->wire_on) {
        const char *pcap = wire_off(ev, off, sizeof off);

        mc__diag_say(r, MC_DIAG_UNKNOWN, pcap, "%s", off);
        return;
    }
    if (ev->reports_out > 0) {
        bool v1 = mc__diag_v1_proto(ev->report_proto);

        mc__diag_say(
            r, v1 && mc__diag_ssm(ev) ? MC_DIAG_WARN : MC_DIAG_OK, NULL,
            "%u report(s) of %s left %s, the last (%s) %.1f s ago%s",
            ev->reports_out, g, ev->t.ifname,
            mc_wire_proto_name(ev->report_proto),
            mc__diag_age_s(ev, ev->last_report_ns),
            v1 && mc__diag_ssm(ev) ? ": a version without sources" : "");
        return;
    }
    snprintf(fix, sizeof fix,
             "nft list ruleset (as root): an output rule "
             "may drop them");
    /* the cause found: reports_blocked fails, this one points there */
    if (ev->report_due_missing ||
        (ev->fw.state == MC_DIAG_FW_READ && ev->fw.out_drop)) {
        mc__diag_say(r, MC_DIAG_WARN, NULL,
                     "no report of %s left %s in %.1f s of capture: "
                     "reports_blocked says why",
                     g, ev->t.ifname, mc__diag_age_s(ev, ev->wire_since_ns));
        return;
    }
    if (ev->mc_joined && ev->mem_held && ev->joined_ns > ev->wire_since_ns &&
        ev->now_ns - ev->joined_ns > WIRE_SETTLE_NS) {
        mc__diag_say(r, MC_DIAG_FAIL, fix,
                     "mcscope joined %s %.1f s ago while the capture on %s "
                     "ran, and no report of it left",
                     g, mc__diag_age_s(ev, ev->joined_ns), ev->t.ifname);
        return;
    }
    mc__diag_say(r, MC_DIAG_UNKNOWN, NULL,
                 "no report of %s in %.1f s of capture, and none was due "
                 "(the join came before the capture; no query asked since)",
                 g, mc__diag_age_s(ev, ev->wire_since_ns));
}

void mc__diag_querier(const struct mc_diag_evidence *ev,
                      struct mc_diag_result *r)
{
    char q[MC_ADDR_STRLEN], off[96];
    double span = mc__diag_age_s(ev, ev->wire_since_ns);
    unsigned iv = interval_s(ev);
    const char *fix = "ip link set dev BRIDGE type bridge mcast_querier 1 "
                      "(on the snooping bridge), or the router's querier";

    if (!ev->wire_on) {
        const char *pcap = wire_off(ev, off, sizeof off);

        mc__diag_say(r, MC_DIAG_UNKNOWN, pcap, "%s", off);
        return;
    }
    if (ev->timeline && ev->querier_absent) {
        mc__diag_say(r, MC_DIAG_WARN, fix,
                     "no query on %s for %.0f s, longer than the %s %.0f s: "
                     "no querier, so a snooping switch forgets this host's "
                     "membership %.0f s (MALI) after its last report",
                     ev->t.ifname, (double)ev->no_querier_ns / 1e9,
                     ev->queries_in > 0 ? "other-querier interval"
                                        : "query interval",
                     ev->queries_in > 0 ? (double)ev->oqpi_ns / 1e9
                                        : (double)interval_s(ev),
                     (double)ev->mali_ns / 1e9);
        return;
    }
    if (ev->queries_in > 0) {
        double age = mc__diag_age_s(ev, ev->last_query_ns);

        mc__diag_addr(&ev->querier, q, sizeof q);
        if (!ev->timeline && age > iv + ev->query_max_resp_ms / 1000.0 + 1) {
            mc__diag_say(r, MC_DIAG_WARN, fix,
                         "the last query (%s, from %s) came %.0f s ago, "
                         "more than the query interval %u s: the querier "
                         "is gone",
                         mc_wire_proto_name(ev->query_proto), q, age, iv);
            return;
        }
        mc__diag_say(r, MC_DIAG_OK, NULL,
                     "querier %s (%s): %u query(ies), the last %.1f s ago; "
                     "interval %u s%s",
                     q, mc_wire_proto_name(ev->query_proto), ev->queries_in,
                     age, iv, ev->query_interval_s ? " (QQI)" : " (default)");
        return;
    }
    if (!ev->timeline && span > QUERY_INTERVAL_S + 10) {
        mc__diag_say(r, MC_DIAG_WARN, fix,
                     "no query on %s in %.0f s of capture: no querier, so a "
                     "snooping switch ages the membership out after about "
                     "%d s",
                     ev->t.ifname, span, LISTENER_INTERVAL_S);
        return;
    }
    mc__diag_say(r, MC_DIAG_UNKNOWN, NULL,
                 "no query on %s yet in %.0f s of capture (a querier sends "
                 "one every %d s by default)",
                 ev->t.ifname, span, QUERY_INTERVAL_S);
}

/* "; queries processed by the stack +N, reports sent +M" */
static void stack_counts(const struct mc_diag_evidence *ev, char *buf,
                         size_t len)
{
    const struct mc_diag_counter *q = &ev->in_queries, *o = &ev->out_reports;

    if (!q->read || !o->read) {
        snprintf(buf, len, "%s",
                 ev->family == AF_INET
                     ? "; the kernel counts no IGMP in /proc/net/snmp, so a "
                       "query on the wire cannot be told from one the stack "
                       "processed"
                     : "");
        return;
    }
    snprintf(buf, len,
             "; the kernel counted Icmp6InGroupMembQueries +%llu (queries "
             "its stack processed), Icmp6OutMLDv2Reports + "
             "Icmp6OutGroupMembResponses +%llu (reports it sent)%s",
             (unsigned long long)(q->now - q->base),
             (unsigned long long)(o->now - o->base),
             ev->not_processed > 0 ? "; queries on the wire it did not "
                                     "process: an input rule drops them"
                                   : "");
}

void mc__diag_reports_blocked(const struct mc_diag_evidence *ev,
                              struct mc_diag_result *r)
{
    const char *why = mc__diag_fw_unknown(&ev->fw);
    char g[MC_ADDR_STRLEN], counts[320], wire[120] = "", tool[128];
    bool processed_none =
        ev->in_queries.read && ev->in_queries.now == ev->in_queries.base;

    mc__diag_addr(&ev->t.group, g, sizeof g);
    mc__diag_fw_tool(&ev->fw, tool, sizeof tool);
    stack_counts(ev, counts, sizeof counts);
    if (ev->wire_on)
        snprintf(wire, sizeof wire,
                 "; on the wire: %u query(ies) in, %u "
                 "report(s) of %s out",
                 ev->queries_in, ev->reports_out, g);
    if (why == NULL && ev->fw.out_drop) {
        mc__diag_say(r, MC_DIAG_FAIL, ev->fw.out_fix,
                     "%s: \"%s\" drops the host's %s reports%s%s", tool,
                     ev->fw.out_rule, ev->family == AF_INET6 ? "MLD" : "IGMP",
                     wire, counts);
        return;
    }
    if (why == NULL && ev->fw.query_drop) {
        mc__diag_say(r, MC_DIAG_FAIL, ev->fw.query_fix,
                     "%s: \"%s\" drops the %s queries on input, so the "
                     "host never answers them%s%s",
                     tool, ev->fw.query_rule,
                     ev->family == AF_INET6 ? "MLD" : "IGMP", wire, counts);
        return;
    }
    if (ev->wire_on && ev->report_due_missing) {
        mc__diag_say(r, MC_DIAG_FAIL,
                     why != NULL ? "run mcscope as root to read the firewall's "
                                   "rules"
                                 : "nft list ruleset",
                     "queries arrive and no report of %s leaves%s%s%s%s%s", g,
                     wire, counts,
                     processed_none ? ": the stack processed none, so an "
                                      "input rule drops the queries"
                                    : "",
                     why != NULL ? "; " : "", why != NULL ? why : "");
        return;
    }
    if (why != NULL) {
        mc__diag_say(r, MC_DIAG_UNKNOWN, NULL, "%s%s%s", why, wire, counts);
        return;
    }
    mc__diag_say(
        r, MC_DIAG_OK, NULL,
        "%s: no output rule drops MLD/IGMP (%u rule(s) of the family read)%s%s",
        tool, ev->fw.nrules, wire, counts);
}

void mc__diag_wire(const struct mc_diag_evidence *ev, struct mc_diag_result *r)
{
    char g[MC_ADDR_STRLEN], s[MC_ADDR_STRLEN], top[MC_ADDR_STRLEN];
    char fix[MC_DIAG_TEXT_MAX], off[96];
    double span = mc__diag_age_s(ev, ev->wire_since_ns);

    mc__diag_addr(&ev->t.group, g, sizeof g);
    if (!ev->wire_on) {
        const char *pcap = wire_off(ev, off, sizeof off);

        mc__diag_say(r, MC_DIAG_UNKNOWN, pcap, "%s", off);
        return;
    }
    if (!ev->group_record) {
        snprintf(fix, sizeof fix, "join %s dev %s port %u bind wire", g,
                 ev->t.ifname, (unsigned)ev->t.port);
        mc__diag_say(r, MC_DIAG_UNKNOWN, fix,
                     "the wire is counted for groups mcscope joined, and "
                     "it did not join %s port %u on %s",
                     g, (unsigned)ev->t.port, ev->t.ifname);
        return;
    }
    if (ev->wire_packets == 0) {
        if (ev->now_ns - ev->wire_since_ns < WIRE_SETTLE_NS) {
            mc__diag_say(r, MC_DIAG_UNKNOWN, NULL,
                         "no packet to %s port %u yet in %.1f s of capture", g,
                         (unsigned)ev->t.port, span);
            return;
        }
        mc__diag_say(r, MC_DIAG_FAIL, NULL,
                     "no packet to %s port %u on %s in %.1f s of capture: "
                     "the sender sends nothing, or the network does not "
                     "forward it here (see reports_sent, querier)",
                     g, (unsigned)ev->t.port, ev->t.ifname, span);
        return;
    }
    if (ev->t.source.family != 0 && ev->wire_from_source == 0) {
        mc__diag_addr(&ev->t.source, s, sizeof s);
        mc__diag_addr(&ev->wire_top_src, top, sizeof top);
        snprintf(fix, sizeof fix, "join-source %s %s dev %s port %u", g, top,
                 ev->t.ifname, (unsigned)ev->t.port);
        mc__diag_say(r, MC_DIAG_FAIL, fix,
                     "%s sent nothing to %s port %u; %s sent %llu packet(s) "
                     "(the source asked for is not the one sending)",
                     s, g, (unsigned)ev->t.port, top,
                     (unsigned long long)ev->wire_top_packets);
        return;
    }
    if (ev->t.source.family != 0) {
        mc__diag_say(r, MC_DIAG_OK, NULL,
                     "%llu packet(s) from %s to %s port %u on the wire (%llu "
                     "from every source), the socket delivered %llu",
                     (unsigned long long)ev->wire_from_source,
                     mc__diag_addr(&ev->t.source, s, sizeof s), g,
                     (unsigned)ev->t.port, (unsigned long long)ev->wire_packets,
                     (unsigned long long)ev->packets);
        return;
    }
    mc__diag_say(r, MC_DIAG_OK, NULL,
                 "%llu packet(s) to %s port %u on the wire (%llu from %s, "
                 "the busiest source), the socket delivered %llu",
                 (unsigned long long)ev->wire_packets, g, (unsigned)ev->t.port,
                 (unsigned long long)ev->wire_top_packets,
                 mc__diag_addr(&ev->wire_top_src, top, sizeof top),
                 (unsigned long long)ev->packets);
}

void mc__diag_stopped(const struct mc_diag_evidence *ev,
                      struct mc_diag_result *r)
{
    /* the socket's packets: a stream that arrived is one that was
     * delivered (the wire check says what the wire saw) */
    int64_t last = ev->packets > 0 ? ev->last_ns : 0;
    int64_t gap = WIRE_SETTLE_NS, per;
    char q[80] = "no query seen", rep[80] = "no report seen", hint[200] = "";
    const char *fix = NULL;

    if (last == 0) {
        mc__diag_say(r, MC_DIAG_UNKNOWN, NULL,
                     "no packet was delivered, so none stopped (wire "
                     "says what the wire saw)");
        return;
    }
    if (ev->packets > 1 && ev->last_ns > ev->first_ns) {
        per = (ev->last_ns - ev->first_ns) / (int64_t)(ev->packets - 1);
        if (5 * per > gap)
            gap = 5 * per;
    }
    /* the monitor's per-flow stop, for the group (or the source named)
     * as a whole: silent past the stopped flow's threshold */
    if (ev->stop_known)
        gap = ev->stopped ? ev->stop_threshold_ns : INT64_MAX;
    if (ev->now_ns - last <= gap) {
        mc__diag_say(r, MC_DIAG_OK, NULL,
                     "arriving: the last packet %.2f s ago",
                     mc__diag_age_s(ev, last));
        return;
    }
    if (ev->queries_in > 0)
        snprintf(q, sizeof q, "the last query %.1f s ago",
                 mc__diag_age_s(ev, ev->last_query_ns));
    else if (ev->wire_on)
        fix = "ip link set dev BRIDGE type bridge mcast_querier 1 (on the "
              "snooping bridge), or the router's querier";
    if (ev->reports_out > 0)
        snprintf(rep, sizeof rep, "the last report %.1f s ago",
                 mc__diag_age_s(ev, ev->last_report_ns));
    if (ev->member_known && ev->member_expires_ns <= last + MC_DIAG_SLACK_NS)
        snprintf(hint, sizeof hint,
                 ": it stopped %.1f s after a snooping switch's membership "
                 "of this host expired (the last report + MALI %.0f s)",
                 (double)(last - ev->member_expires_ns) / 1e9,
                 (double)ev->mali_ns / 1e9);
    else if (!ev->member_known && ev->wire_on &&
             (ev->reports_out == 0 ||
              last - ev->last_report_ns >
                  (int64_t)LISTENER_INTERVAL_S * 1000000000 - gap))
        snprintf(hint, sizeof hint,
                 ": no report for the group in the %d s before it stopped — "
                 "a snooping switch ages the membership out so",
                 LISTENER_INTERVAL_S);
    else if (ev->wire_on && ev->queries_in == 0)
        snprintf(hint, sizeof hint,
                 ": no querier on the link, so nothing refreshes the "
                 "membership on a snooping switch, which forgets it after "
                 "its membership interval (%d s by default, often shorter)",
                 LISTENER_INTERVAL_S);
    if (!ev->wire_on)
        snprintf(hint, sizeof hint,
                 " (pcap on shows the queries and "
                 "reports around it)");
    mc__diag_say(
        r, MC_DIAG_FAIL, fix,
        "the stream stopped %.1f s ago after %llu packet(s); %s, "
        "%s%s",
        mc__diag_age_s(ev, last),
        (unsigned long long)(ev->packets > 0 ? ev->packets : ev->wire_packets),
        q, rep, hint);
}
