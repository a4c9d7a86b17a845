/*
 * mcscope core: the words of an event (event.h) — one renderer for the
 * TUI, the reports and batch mode.
 */
#include "mcscope/event.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const char *mc_event_kind_name(enum mc_event_kind kind)
{
    switch (kind) {
    case MC_EV_OK:
        return "ok";
    case MC_EV_REFUSED:
        return "refused";
    case MC_EV_ERROR:
        return "error";
    case MC_EV_ECHO:
        return "echo";
    case MC_EV_INFO:
        return "info";
    }
    return "?";
}

static const char *arrow(enum mc_wire_dir d, unsigned flags)
{
    bool utf8 = (flags & MC_EVENT_UTF8) != 0;

    switch (d) {
    case MC_WIRE_DIR_OUT:
        return utf8 ? "\xe2\x86\x92" : "->"; /* → */
    case MC_WIRE_DIR_IN:
        return utf8 ? "\xe2\x86\x90" : "<-"; /* ← */
    default:
        return "?";
    }
}

/* The protocol as people write it ("MLDv2"). */
static const char *proto_label(enum mc_wire_proto p)
{
    switch (p) {
    case MC_PROTO_MLDV1:
        return "MLDv1";
    case MC_PROTO_MLDV2:
        return "MLDv2";
    case MC_PROTO_IGMPV1:
        return "IGMPv1";
    case MC_PROTO_IGMPV2:
        return "IGMPv2";
    case MC_PROTO_IGMPV3:
        return "IGMPv3";
    default:
        return "?";
    }
}

/* " from SRC" for what came in (and has an address); "" otherwise. */
static const char *from_text(const struct mc_event *e, char *buf, size_t len)
{
    char a[MC_ADDR_STRLEN];

    buf[0] = '\0';
    if (e->dir != MC_WIRE_DIR_OUT && e->source.family != 0)
        snprintf(buf, len, " from %s", mc_addr_format(&e->source, a, sizeof a));
    return buf;
}

/* An MLD/IGMP message: arrow, protocol, interface, sender, then
 * mc_wire_format's text without its protocol word (and "report: "). */
static void wire_msg(const struct mc_event *e, char *buf, size_t len,
                     unsigned flags)
{
    char from[MC_ADDR_STRLEN + 8];
    const char *name = mc_wire_proto_name(e->proto);
    const char *b = e->detail != NULL ? e->detail : "";
    size_t n = strlen(name);

    if (strncmp(b, name, n) == 0 && b[n] == ' ')
        b += n + 1;
    if (strncmp(b, "report: ", 8) == 0)
        b += 8;
    snprintf(buf, len, "%s %s %s%s %s", arrow(e->dir, flags),
             proto_label(e->proto), e->ifname, from_text(e, from, sizeof from),
             b);
}

static const char *str(const char *s)
{
    return s != NULL ? s : "";
}

static void capture_failed(const struct mc_event *e, char *buf, size_t len)
{
    if (e->detail != NULL)
        snprintf(buf, len, "%s: %s", e->detail, str(e->why));
    else if (e->flags & MC_EVF_OPEN)
        snprintf(buf, len, "pcap on %s: %s", e->ifname, str(e->why));
    else
        snprintf(buf, len, "%s", str(e->why));
}

static void send_end(const struct mc_event *e, const char *g, char *buf,
                     size_t len)
{
    if (e->result != 0)
        snprintf(buf, len, "send %s port %u failed after %llu sent: %s", g,
                 (unsigned)e->port, (unsigned long long)e->count, str(e->why));
    else if (e->why != NULL) /* dontfrag: the path MTU said why */
        snprintf(buf, len, "send %s port %u ended after %llu sent: %s", g,
                 (unsigned)e->port, (unsigned long long)e->count, e->why);
    else
        snprintf(buf, len, "send %s port %u %s: %llu sent", g,
                 (unsigned)e->port,
                 e->flags & MC_EVF_STOPPED ? "stopped" : "done",
                 (unsigned long long)e->count);
}

static void wire_only(const struct mc_event *e, const char *g, char *buf,
                      size_t len)
{
    char who[64];

    if (e->flags & MC_EVF_ASKED) {
        snprintf(buf, len,
                 "%s port %u: bind wire: nothing bound on the port; counted "
                 "by the capture on %s%s%s",
                 g, (unsigned)e->port, e->ifname, e->why ? ": " : "",
                 e->why ? e->why : "");
        return;
    }
    if (e->count != 0)
        snprintf(who, sizeof who, "%s (pid %llu)", str(e->detail),
                 (unsigned long long)e->count);
    else
        snprintf(who, sizeof who, "another process");
    if (e->why != NULL)
        snprintf(buf, len,
                 "%s port %u: %s holds the port without SO_REUSEADDR, so "
                 "mcscope cannot bind it beside it; it holds the membership "
                 "and would watch the wire, but the capture failed: %s",
                 g, (unsigned)e->port, who, e->why);
    else
        snprintf(buf, len,
                 "%s port %u: %s holds the port without SO_REUSEADDR, so "
                 "mcscope cannot bind it beside it: wire-only, counted by "
                 "the capture on %s",
                 g, (unsigned)e->port, who, e->ifname);
}

/* The events of a flow: "GROUP port P: SOURCE:SPORT ..." */
static void flow_event(const struct mc_event *e, const char *g, const char *s,
                       char *buf, size_t len)
{
    char what[96];

    switch (e->type) {
    case MC_ET_FLOW_SILENT:
        snprintf(what, sizeof what, "silent for over %llu ms (a gap)",
                 (unsigned long long)e->count2);
        break;
    case MC_ET_FLOW_RESUMED:
        snprintf(what, sizeof what, "resumed after a gap of %llu ms",
                 (unsigned long long)e->count2);
        break;
    case MC_ET_FLOW_PATH_CHANGE:
        snprintf(what, sizeof what, "%s changed %lld -> %lld", str(e->detail),
                 (long long)e->old_value, (long long)e->new_value);
        break;
    case MC_ET_SSRC_CHANGE:
        snprintf(what, sizeof what, "RTP SSRC changed 0x%08llx -> 0x%08llx",
                 (unsigned long long)e->old_value,
                 (unsigned long long)e->new_value);
        break;
    default:
        snprintf(what, sizeof what, "payload %s", str(e->detail));
        break;
    }
    snprintf(buf, len, "%s port %u: %s sport %u %s", g, (unsigned)e->port, s,
             (unsigned)e->sport, what);
}

/* ", last query 12.3 s before it" relative to the last packet. */
static void before(char *buf, size_t len, const char *what, int64_t at,
                   int64_t ref)
{
    if (at == 0)
        snprintf(buf, len, ", no %s seen", what);
    else if (at <= ref)
        snprintf(buf, len, ", last %s %.3f s before it", what,
                 (double)(ref - at) / 1e9);
    else
        snprintf(buf, len, ", last %s %.3f s after it", what,
                 (double)(at - ref) / 1e9);
}

/* "GROUP port P: SOURCE sport S on IF stopped: no packet for over N ms
 * (the last at 12:00:01.234), last query ..., last report ..." */
static void stream_event(const struct mc_event *e, const char *g, const char *s,
                         char *buf, size_t len)
{
    char q[64], r[64], at[32];
    time_t t = (time_t)(e->at_packet_ns / 1000000000);
    struct tm tm;

    before(q, sizeof q, "query", e->at_query_ns, e->at_packet_ns);
    before(r, sizeof r, "report", e->at_report_ns, e->at_packet_ns);
    if (localtime_r(&t, &tm) != NULL)
        snprintf(at, sizeof at, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min,
                 tm.tm_sec, (int)(e->at_packet_ns / 1000000 % 1000));
    else
        snprintf(at, sizeof at, "?");
    if (e->type == MC_ET_STREAM_STOPPED)
        snprintf(buf, len,
                 "%s port %u: %s sport %u%s%s stopped: no packet for over "
                 "%llu ms (the last at %s)%s%s",
                 g, (unsigned)e->port, s, (unsigned)e->sport,
                 e->ifname[0] ? " on " : "", e->ifname,
                 (unsigned long long)e->count2, at, q, r);
    else
        snprintf(buf, len,
                 "%s port %u: %s sport %u%s%s resumed at %s after %.3f s "
                 "of silence%s%s",
                 g, (unsigned)e->port, s, (unsigned)e->sport,
                 e->ifname[0] ? " on " : "", e->ifname, at,
                 (double)e->old_value / 1e9, q, r);
}

/* "listener fe80::1 on lab0 joined ff15::1 exclude {} (MLDv2)" */
static void listener(const struct mc_event *e, const char *g, const char *s,
                     char *buf, size_t len)
{
    static const char *const what[] = {
        [MC_ET_LISTENER_JOIN - MC_ET_LISTENER_JOIN] = "joined",
        [MC_ET_LISTENER_FILTER - MC_ET_LISTENER_JOIN] = "changed its filter of",
        [MC_ET_LISTENER_LEAVE - MC_ET_LISTENER_JOIN] = "left",
    };

    if (e->type == MC_ET_LISTENER_LEAVE)
        snprintf(buf, len, "listener %s on %s %s %s%s", s, e->ifname,
                 e->flags & MC_EVF_EXPIRED ? "aged out of" : "left", g,
                 e->flags & MC_EVF_EXPIRED ? " (no report within the interval)"
                                           : "");
    else
        snprintf(buf, len, "listener %s on %s %s %s: %s %s (%s)", s, e->ifname,
                 what[e->type - MC_ET_LISTENER_JOIN], g,
                 e->flags & MC_EVF_EXCLUDE ? "exclude" : "include",
                 str(e->detail), proto_label(e->proto));
}

static void tcp_event(const struct mc_event *e, const char *s, char *buf,
                      size_t len)
{
    char hl[24] = "default", tc[24] = "default";
    bool accepted = e->detail != NULL && strcmp(e->detail, "accepted") == 0;

    if (e->old_value >= 0)
        snprintf(hl, sizeof hl, "%lld", (long long)e->old_value);
    if (e->new_value >= 0)
        snprintf(tc, sizeof tc, "0x%02llx", (unsigned long long)e->new_value);
    if (accepted)
        snprintf(buf, len,
                 "tcp port %u: accepted %s, set traffic class %s, hop limit "
                 "%s, wrote %llu bytes and closed",
                 (unsigned)e->port, s, tc, hl, (unsigned long long)e->count);
    else if (e->detail != NULL && strcmp(e->detail, "connected") == 0)
        snprintf(buf, len, "tcp: connected to %s port %u", s,
                 (unsigned)e->port);
    else if (e->detail != NULL && strcmp(e->detail, "data") == 0)
        snprintf(buf, len,
                 "tcp from %s port %u: %llu bytes (%llu in all), the last "
                 "segment's traffic class %s, hop limit %s",
                 s, (unsigned)e->port, (unsigned long long)e->count,
                 (unsigned long long)e->count2,
                 e->new_value >= 0 ? tc : "unknown",
                 e->old_value >= 0 ? hl : "unknown");
    else
        snprintf(buf, len, "tcp: %s port %u closed after %llu bytes%s%s", s,
                 (unsigned)e->port, (unsigned long long)e->count2,
                 e->result < 0 ? ": " : "",
                 e->result < 0 ? strerror(-e->result) : "");
}

const char *mc_event_format(const struct mc_event *e, char *buf, size_t len,
                            unsigned flags)
{
    char g[MC_ADDR_STRLEN + 2], s[MC_ADDR_STRLEN], from[MC_ADDR_STRLEN + 8];

    if (len == 0)
        return buf;
    buf[0] = '\0';
    mc_addr_format(&e->group, g, MC_ADDR_STRLEN);
    if (e->flags & MC_EVF_ANY)
        strcat(g, " *"); /* the wildcard's row */
    mc_addr_format(&e->source, s, sizeof s);
    switch (e->type) {
    case MC_ET_COMMAND:
        if (e->result == 0 && e->why == NULL)
            snprintf(buf, len, "%s", str(e->detail));
        else if (e->result == 0) /* on HOST: what the host answered */
            snprintf(buf, len, "%s: %s", str(e->detail), e->why);
        else
            snprintf(buf, len, "%s: %s", str(e->detail), str(e->why));
        break;
    case MC_ET_REFUSED:
        snprintf(buf, len, "%s: %s", str(e->detail), str(e->why));
        break;
    case MC_ET_ECHO:
        snprintf(buf, len, "%s", str(e->detail));
        break;
    case MC_ET_NEW_SOURCE:
        snprintf(buf, len, "%s port %u: new source %s%s", g, (unsigned)e->port,
                 s, e->flags & MC_EVF_WIRE ? " on the wire" : "");
        break;
    case MC_ET_SOURCE_RESTART:
        snprintf(buf, len,
                 "%s port %u: source %s restarted: its probes count from a "
                 "new sequence",
                 g, (unsigned)e->port, s);
        break;
    case MC_ET_SEND_END:
        send_end(e, g, buf, len);
        break;
    case MC_ET_SEND_KEPT_OPTION:
        snprintf(buf, len, "a running sender kept its old %s: %s",
                 str(e->detail), str(e->why));
        break;
    case MC_ET_RECEIVE_ERROR:
        snprintf(buf, len, "receive: %s", str(e->why));
        break;
    case MC_ET_GROUP_NO_MEMORY:
        snprintf(buf, len,
                 "out of memory: the packets of this group count as "
                 "unattributed");
        break;
    case MC_ET_CAPTURE_OPEN:
        snprintf(buf, len, "capturing on %s (%s)%s%s", e->ifname,
                 e->flags & MC_EVF_SPLIT ? "incoming and outgoing, two captures"
                                         : "both directions",
                 e->detail != NULL ? ", writing " : "", str(e->detail));
        break;
    case MC_ET_CAPTURE_NOT_SAVED:
        snprintf(buf, len,
                 "%s was written and closed before: this capture on %s is "
                 "not saved again",
                 str(e->detail), e->ifname);
        break;
    case MC_ET_CAPTURE_CLOSED:
        snprintf(buf, len,
                 "capture on %s closed (%s): %llu frames, %llu dropped by "
                 "pcap",
                 e->ifname, str(e->detail), (unsigned long long)e->count,
                 (unsigned long long)e->count2);
        break;
    case MC_ET_CAPTURE_WRITING:
        snprintf(buf, len, "writing the capture on %s to %s", e->ifname,
                 str(e->detail));
        break;
    case MC_ET_CAPTURE_FAILED:
        capture_failed(e, buf, len);
        break;
    case MC_ET_PCAP_WAITING:
        snprintf(buf, len,
                 "no interface has joined groups yet: capturing starts with "
                 "the first join that names one");
        break;
    case MC_ET_WIRE_MSG:
        wire_msg(e, buf, len, flags);
        break;
    case MC_ET_WIRE_MALFORMED:
        snprintf(buf, len, "%s %s malformed frame%s: %s", arrow(e->dir, flags),
                 e->ifname, from_text(e, from, sizeof from),
                 e->why != NULL ? e->why : "?");
        break;
    case MC_ET_FLOW_SILENT:
    case MC_ET_FLOW_RESUMED:
    case MC_ET_FLOW_PATH_CHANGE:
    case MC_ET_SSRC_CHANGE:
    case MC_ET_FLOW_PAYLOAD:
        flow_event(e, g, s, buf, len);
        break;
    case MC_ET_WIRE_UNLOGGED:
        snprintf(buf, len,
                 "%llu more wire events were not logged (over %llu a "
                 "second): the reports list has every MLD/IGMP message",
                 (unsigned long long)e->count, (unsigned long long)e->count2);
        break;
    case MC_ET_WIRE_ONLY:
        wire_only(e, g, buf, len);
        break;
    case MC_ET_APP_DROPS:
        snprintf(buf, len,
                 "app %llu (%s) on %s port %u dropped %llu datagrams: its "
                 "receive buffer is full",
                 (unsigned long long)e->count2, str(e->detail), s,
                 (unsigned)e->port, (unsigned long long)e->count);
        break;
    case MC_ET_LISTENER_JOIN:
    case MC_ET_LISTENER_FILTER:
    case MC_ET_LISTENER_LEAVE:
        listener(e, g, s, buf, len);
        break;
    case MC_ET_LISTENER_FIRST:
        snprintf(buf, len, "%s has its first listener on %s", g, e->ifname);
        break;
    case MC_ET_LISTENER_LAST:
        snprintf(buf, len, "%s lost its last listener on %s", g, e->ifname);
        break;
    case MC_ET_STREAM_SEEN:
        snprintf(buf, len, "stream %s port %u from %s on %s", g,
                 (unsigned)e->port, s, e->ifname);
        break;
    case MC_ET_TCP:
        tcp_event(e, s, buf, len);
        break;
    case MC_ET_STREAM_STOPPED:
    case MC_ET_STREAM_RESUMED:
        stream_event(e, g, s, buf, len);
        break;
    case MC_ET_QUERIER_ABSENT:
        snprintf(buf, len,
                 "no %s querier on %s for %.1f s (over %.1f s): nothing asks "
                 "for reports, so a snooping switch would age memberships "
                 "out",
                 str(e->detail), e->ifname, (double)e->count / 1e3,
                 (double)e->count2 / 1e3);
        break;
    case MC_ET_MEMBERSHIP_AGED:
        snprintf(buf, len,
                 "%s on %s: this host's last report is %.1f s old, over the "
                 "listening interval of %.1f s: a snooping switch on the "
                 "link would have aged the membership out by now",
                 g, e->ifname, (double)e->count / 1e3, (double)e->count2 / 1e3);
        break;
    case MC_ET_SAP_SESSION:
        snprintf(buf, len,
                 "SAP session \"%s\" from %s on %s: %s port %u, %llu "
                 "sources: %s",
                 str(e->detail), s, e->ifname, g, (unsigned)e->port,
                 (unsigned long long)e->count,
                 e->flags & MC_EVF_DELETED   ? "deleted"
                 : e->flags & MC_EVF_EXPIRED ? "expired (no announcement)"
                 : e->flags & MC_EVF_CHANGED ? "changed"
                                             : "announced");
        break;
    }
    return buf;
}
