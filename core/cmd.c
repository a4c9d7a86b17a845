/*
 * mcscope core: the command language (see cmd.h for the grammar): the one
 * verb table, one line parsed by it (mc__cmd_parse_one; mc_cmd_parse in
 * cmd_parse.c adds the nested command of a hook), the names of kinds and
 * verbs, equality.
 *
 * The parser reads the line left to right with a cursor: a verb, its
 * positional words, then options in any order.  Nothing is copied except
 * the few words that go to mc_addr_parse, so a line may be of any length.
 * Every refusal goes through mc__cmd_fail (cmd_lex.c), which writes one
 * line starting with the words at fault: the verb and the positional words
 * read so far (the context, ps->ctx) for a positional word, or KEYWORD
 * VALUE for an option.  cmd_priv.h lists the files of the parser.
 */
#include "cmd_priv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* ---- the verb table ---- */

#define MEMBER_OPTS (KWB(KW_DEV) | KWB(KW_PORT))
#define JOIN_OPTS (MEMBER_OPTS | KWB(KW_BIND))
/* The verbs that address a joined record: `bind any|group` picks the
 * listener (the socket bound to the wildcard or to the group). */
#define PICK_OPTS JOIN_OPTS
#define SEND_OPTS                                                              \
    (KWB(KW_DEV) | KWB(KW_PORT) | KWB(KW_RATE) | KWB(KW_COUNT) |               \
     KWB(KW_SIZE) | KWB(KW_TCLASS) | KWB(KW_HOPLIMIT) | KWB(KW_SOURCE) |       \
     KWB(KW_PAYLOAD) | KWB(KW_SAP) | KWB(KW_DONTFRAG))
#define ANALYZE_OPTS (KWB(KW_DEV) | KWB(KW_PORT) | KWB(KW_GAP))

/* The verbs, in help order; verb_impls[] runs in parallel. */
static const struct mc_cmd_verb verbs[] = {
    {"join", "join GROUP [dev IFACE] [port N] [bind any|wire] [force]",
     "any-source join (JoinGroup); not for the SSM range 232/8, ff3x::/96 "
     "(force: anyway, to see what the kernel does); "
     "bind any: the wildcard address instead of the group's (takes the "
     "port's unicast from other receivers; joined both ways, two "
     "listeners, two rows); bind wire: no bind on the port, counted by a "
     "capture",
     MC_CMD_MEMBER},
    {"leave", "leave GROUP [dev IFACE] [port N] [bind group|any]",
     "leave the group and drop its source filter (LeaveGroup); bind: which "
     "listener, when the group is joined both bound to the group and bound "
     "to the wildcard (bind any)",
     MC_CMD_MEMBER},
    {"join-source",
     "join-source GROUP SOURCE [dev IFACE] [port N] [bind any|wire]",
     "SSM include: receive GROUP from SOURCE (JoinSourceSpecificGroup)",
     MC_CMD_MEMBER},
    {"leave-source",
     "leave-source GROUP SOURCE [dev IFACE] [port N] [bind group|any]",
     "SSM include: stop receiving from SOURCE (LeaveSourceSpecificGroup)",
     MC_CMD_MEMBER},
    {"exclude-source",
     "exclude-source GROUP SOURCE [dev IFACE] [port N] [bind group|any] "
     "[force]",
     "exclude mode: block SOURCE (ExcludeSourceSpecificGroup)", MC_CMD_MEMBER},
    {"include-source",
     "include-source GROUP SOURCE [dev IFACE] [port N] [bind group|any] "
     "[force]",
     "exclude mode: unblock SOURCE (IncludeSourceSpecificGroup)",
     MC_CMD_MEMBER},
    {"set",
     "set hoplimit|mcast-hoplimit|tclass|ttl|tos|loopback|mcast-if|"
     "multicast-all VALUE",
     "change a socket option: hop limits 0..255, tclass 0..255, on|off, "
     "IFACE",
     MC_CMD_SET},
    {"cmsg", "cmsg tclass|hoplimit|src|dst|iface|pathmtu|ttl|tos on|off",
     "turn a control message on receive on or off (pathmtu: IPv6)",
     MC_CMD_CMSG},
    {"pcap", "pcap on|off [dev IFACE]",
     "the wire cross-check: capture with libpcap next to the socket",
     MC_CMD_PCAP},
    {"send",
     "send GROUP [dev IFACE] [port N] [rate PPS] [count N] [size BYTES] "
     "[tclass N] [hoplimit N] [source ADDR] [payload probe|rtp|mpegts] "
     "[sap] [dontfrag]",
     "send probes (or RTP, MPEG-TS) to GROUP: 10 pps, 64 bytes, count 0 = "
     "until stopped; sap: announce it with SAP; dontfrag: IPV6_DONTFRAG, "
     "a datagram over the path MTU is refused and the path MTU shown",
     MC_CMD_SEND},
    {"stop-send", "stop-send [GROUP]",
     "stop the senders to GROUP, or every sender", MC_CMD_STOP_SEND},
    {"wait", "wait SECONDS", "let time pass (scripts), e.g. wait 2.5",
     MC_CMD_WAIT},
    {"echo", "echo TEXT", "show a line of narration (scripts, lessons)",
     MC_CMD_ECHO},
    {"analyze",
     "analyze GROUP auto|probe|rtp [clock HZ]|mpegts|seq OFFSET WIDTH "
     "[be|le]|none [dev IFACE] [port N] [gap MS]",
     "how to read the group's payload (auto: detect per flow), and the gap "
     "threshold",
     MC_CMD_ANALYZE},
    {"reset", "reset [GROUP]",
     "zero the counts of GROUP (every interface and port), or of every "
     "group; counting goes on",
     MC_CMD_RESET},
    {"listeners", "listeners on|off [dev IFACE]",
     "the link's listeners: other hosts' MLD/IGMP reports as a table",
     MC_CMD_LISTENERS},
    {"on-listener", "on-listener GROUP first|last COMMAND...|none",
     "run COMMAND when GROUP gains its first or loses its last listener",
     MC_CMD_HOOK},
    {"discover", "discover on|off [dev IFACE]",
     "the link's streams: multicast UDP on the wire, joined or not",
     MC_CMD_DISCOVER},
    {"sap", "sap on|off [dev IFACE]",
     "the sessions SAP announces (224.2.127.254, ff0e::2:7ffe port 9875)",
     MC_CMD_SAP},
    {"on", "on HOST COMMAND...",
     "run COMMAND in another host's mcscope: the lab's senders, e.g. on s1 "
     "set mcast-hoplimit 2",
     MC_CMD_ON},
    {"diagnose", "diagnose GROUP [SOURCE] [dev IFACE] [port N]",
     "why does (or did) the stream not arrive: the kernel's and the "
     "wire's checks, each ok|warn|fail|unknown with evidence and fix",
     MC_CMD_DIAGNOSE},
    {"tcp-listen", "tcp-listen [port N] [tclass N] [hoplimit N]",
     "accept IPv6 TCP connections on the port; set tclass and hoplimit on "
     "each accepted one and write to it (the seed's unicast example)",
     MC_CMD_TCP_LISTEN},
    {"tcp-connect", "tcp-connect ADDR [port N]",
     "connect to ADDR (IPv6) and read: the bytes, and the traffic class "
     "and hop limit of the segments that brought them",
     MC_CMD_TCP_CONNECT},
    {"reflect", "reflect on|off [dev IFACE]",
     "send every probe a joined group receives back to its source by "
     "unicast (as ssmping does): the sender counts the replies and their "
     "round trip",
     MC_CMD_REFLECT},
};

static const struct mc__verb_impl verb_impls[] = {
    {mc__cmd_parse_member, MC_OP_JOIN, false, "join-source",
     JOIN_OPTS | KWB(KW_FORCE)},
    {mc__cmd_parse_member, MC_OP_LEAVE, false, "leave-source", PICK_OPTS},
    {mc__cmd_parse_member, MC_OP_JOIN_SOURCE, true, NULL, JOIN_OPTS},
    {mc__cmd_parse_member, MC_OP_LEAVE_SOURCE, true, NULL, PICK_OPTS},
    {mc__cmd_parse_member, MC_OP_EXCLUDE_SOURCE, true, NULL,
     PICK_OPTS | KWB(KW_FORCE)},
    {mc__cmd_parse_member, MC_OP_INCLUDE_SOURCE, true, NULL,
     PICK_OPTS | KWB(KW_FORCE)},
    {mc__cmd_parse_set, 0, false, NULL, 0},
    {mc__cmd_parse_cmsg, 0, false, NULL, 0},
    {mc__cmd_parse_pcap, 0, false, NULL, KWB(KW_DEV)},
    {mc__cmd_parse_send, 0, false, NULL, SEND_OPTS},
    {mc__cmd_parse_stop_send, 0, false, NULL, 0},
    {mc__cmd_parse_wait, 0, false, NULL, 0},
    {mc__cmd_parse_echo, 0, false, NULL, 0},
    {mc__cmd_parse_analyze, 0, false, NULL, ANALYZE_OPTS},
    {mc__cmd_parse_reset, 0, false, NULL, 0},
    {mc__cmd_parse_pcap, 0, false, NULL, KWB(KW_DEV)},
    {mc__cmd_parse_hook, 0, false, NULL, 0},
    {mc__cmd_parse_pcap, 0, false, NULL, KWB(KW_DEV)},
    {mc__cmd_parse_pcap, 0, false, NULL, KWB(KW_DEV)},
    {mc__cmd_parse_on, 0, false, NULL, 0},
    {mc__cmd_parse_diagnose, 0, false, NULL, MEMBER_OPTS},
    {mc__cmd_parse_tcp, 0, false, NULL,
     KWB(KW_PORT) | KWB(KW_TCLASS) | KWB(KW_HOPLIMIT)},
    {mc__cmd_parse_tcp, 0, false, NULL, KWB(KW_PORT)},
    {mc__cmd_parse_pcap, 0, false, NULL, KWB(KW_DEV)},
};

_Static_assert(MC__ARRAY_SIZE(verbs) == MC__ARRAY_SIZE(verb_impls),
               "verbs and verb_impls run in parallel");

const struct mc_cmd_verb *mc_cmd_verbs(size_t *n)
{
    if (n != NULL)
        *n = MC__ARRAY_SIZE(verbs);
    return verbs;
}

static int fail_unknown_verb(struct mc__parser *ps, const struct mc__word *w)
{
    const char *names[MC__ARRAY_SIZE(verbs)];
    size_t i;

    for (i = 0; i < MC__ARRAY_SIZE(verbs); i++)
        names[i] = verbs[i].name;
    return mc__cmd_fail_unknown(ps, w, "command", names, MC__ARRAY_SIZE(names));
}

int mc__cmd_parse_one(const char *line, struct mc_cmd *out, struct mc_err *err,
                      char *ctx, size_t ctxlen)
{
    struct mc__parser ps;
    struct mc__word w;
    size_t i;
    int r;

    mc_err_clear(err);
    memset(out, 0, sizeof *out);
    memset(&ps, 0, sizeof ps);
    ps.err = err;
    if (line == NULL)
        return mc__cmd_fail(&ps, "no command line given");
    ps.line = ps.p = line;
    ps.end = line + strlen(line);
    while (ps.end > line && (ps.end[-1] == '\n' || ps.end[-1] == '\r'))
        ps.end--;
    r = mc__cmd_next_word(&ps, &w);
    if (r <= 0)
        return r;
    for (i = 0; i < MC__ARRAY_SIZE(verbs); i++)
        if (mc__cmd_word_is(&w, verbs[i].name))
            break;
    if (i == MC__ARRAY_SIZE(verbs)) {
        mc__cmd_qword(&w, ps.ctx);
        r = fail_unknown_verb(&ps, &w);
    } else {
        ps.verb = &verbs[i];
        ps.impl = &verb_impls[i];
        snprintf(ps.ctx, sizeof ps.ctx, "%s", ps.verb->name);
        r = ps.impl->parse(&ps, out);
    }
    if (r != 0)
        memset(out, 0, sizeof *out);
    else if (ctx != NULL && ctxlen > 0)
        snprintf(ctx, ctxlen, "%s", ps.ctx);
    return r;
}

/* ---- names ---- */

const char *mc_cmd_kind_name(enum mc_cmd_kind kind)
{
    static const char *const names[] = {
        [MC_CMD_NONE] = "none",
        [MC_CMD_MEMBER] = "member",
        [MC_CMD_SET] = "set",
        [MC_CMD_CMSG] = "cmsg",
        [MC_CMD_PCAP] = "pcap",
        [MC_CMD_SEND] = "send",
        [MC_CMD_STOP_SEND] = "stop-send",
        [MC_CMD_WAIT] = "wait",
        [MC_CMD_ECHO] = "echo",
        [MC_CMD_ANALYZE] = "analyze",
        [MC_CMD_RESET] = "reset",
        [MC_CMD_LISTENERS] = "listeners",
        [MC_CMD_HOOK] = "hook",
        [MC_CMD_DISCOVER] = "discover",
        [MC_CMD_SAP] = "sap",
        [MC_CMD_ON] = "on",
        [MC_CMD_DIAGNOSE] = "diagnose",
        [MC_CMD_TCP_LISTEN] = "tcp-listen",
        [MC_CMD_TCP_CONNECT] = "tcp-connect",
        [MC_CMD_REFLECT] = "reflect",
    };

    if ((unsigned)kind >= MC__ARRAY_SIZE(names))
        return "unknown";
    return names[kind];
}

const char *mc_cmd_verb_name(const struct mc_cmd *c)
{
    size_t i;

    if (c == NULL || c->kind == MC_CMD_NONE)
        return "";
    for (i = 0; i < MC__ARRAY_SIZE(verbs); i++)
        if (verbs[i].kind == c->kind &&
            (c->kind != MC_CMD_MEMBER || verb_impls[i].op == c->member.op))
            return verbs[i].name;
    return "unknown";
}

const char *mc_cmd_opt_name(enum mc_cmd_opt opt)
{
    return mc_sockopt_name(opt);
}

/* ---- to the sender ---- */

void mc_send_args_from_cmd(const struct mc_cmd_send *c,
                           struct mc_send_args *out)
{
    memset(out, 0, sizeof *out);
    out->group = c->group;
    out->port = c->port;
    memcpy(out->ifname, c->ifname, sizeof out->ifname);
    out->rate = c->rate;
    out->count = c->count;
    out->size = c->size;
    out->tclass = c->tclass_given ? c->tclass : -1;
    out->hoplimit = c->hoplimit_given ? c->hoplimit : -1;
    out->source = c->source;
    out->payload = c->payload;
    out->sap = c->sap;
    out->dontfrag = c->dontfrag;
}

/* ---- equality ---- */

static bool addr_eq(const struct mc_addr *a, const struct mc_addr *b)
{
    if (a->family != b->family)
        return false;
    if (a->family == AF_INET)
        return a->u.v4.s_addr == b->u.v4.s_addr;
    if (a->family == AF_INET6)
        return memcmp(&a->u.v6, &b->u.v6, sizeof a->u.v6) == 0;
    return true;
}

static bool ifname_eq(const char *a, const char *b)
{
    return strncmp(a, b, IF_NAMESIZE) == 0;
}

static bool member_eq(const struct mc_cmd_member *a,
                      const struct mc_cmd_member *b)
{
    return a->op == b->op && addr_eq(&a->group, &b->group) &&
           addr_eq(&a->source, &b->source) && ifname_eq(a->ifname, b->ifname) &&
           a->port == b->port && a->port_given == b->port_given &&
           a->bind == b->bind && a->bind_given == b->bind_given &&
           a->force == b->force;
}

static bool send_eq(const struct mc_cmd_send *a, const struct mc_cmd_send *b)
{
    return addr_eq(&a->group, &b->group) && ifname_eq(a->ifname, b->ifname) &&
           a->port == b->port && a->port_given == b->port_given &&
           a->rate == b->rate && a->count == b->count && a->size == b->size &&
           a->tclass_given == b->tclass_given &&
           (!a->tclass_given || a->tclass == b->tclass) &&
           a->hoplimit_given == b->hoplimit_given &&
           (!a->hoplimit_given || a->hoplimit == b->hoplimit) &&
           addr_eq(&a->source, &b->source) && a->payload == b->payload &&
           a->sap == b->sap && a->dontfrag == b->dontfrag;
}

static bool analyze_eq(const struct mc_cmd_analyze *a,
                       const struct mc_cmd_analyze *b)
{
    const struct mc_analyze_cfg *x = &a->cfg, *y = &b->cfg;

    return addr_eq(&a->group, &b->group) && ifname_eq(a->ifname, b->ifname) &&
           a->port == b->port && a->port_given == b->port_given &&
           x->mode == y->mode && x->rtp_clock_hz == y->rtp_clock_hz &&
           x->seq_offset == y->seq_offset && x->seq_width == y->seq_width &&
           x->seq_le == y->seq_le && a->gap_given == b->gap_given &&
           (!a->gap_given || a->gap_ms == b->gap_ms);
}

static bool tcp_eq(const struct mc_cmd_tcp *a, const struct mc_cmd_tcp *b)
{
    return addr_eq(&a->addr, &b->addr) && a->port == b->port &&
           a->tclass_given == b->tclass_given &&
           (!a->tclass_given || a->tclass == b->tclass) &&
           a->hoplimit_given == b->hoplimit_given &&
           (!a->hoplimit_given || a->hoplimit == b->hoplimit);
}

bool mc_cmd_equal(const struct mc_cmd *a, const struct mc_cmd *b)
{
    if (a == NULL || b == NULL || a->kind != b->kind)
        return false;
    switch (a->kind) {
    case MC_CMD_NONE:
        return true;
    case MC_CMD_MEMBER:
        return member_eq(&a->member, &b->member);
    case MC_CMD_SET:
        return a->set.opt == b->set.opt && a->set.value == b->set.value &&
               ifname_eq(a->set.ifname, b->set.ifname);
    case MC_CMD_CMSG:
        return a->cmsg.flag == b->cmsg.flag && a->cmsg.on == b->cmsg.on;
    case MC_CMD_PCAP:
        return a->pcap.on == b->pcap.on &&
               ifname_eq(a->pcap.ifname, b->pcap.ifname);
    case MC_CMD_SEND:
        return send_eq(&a->send, &b->send);
    case MC_CMD_STOP_SEND:
        return addr_eq(&a->stop.group, &b->stop.group);
    case MC_CMD_RESET:
        return addr_eq(&a->reset.group, &b->reset.group);
    case MC_CMD_WAIT:
        return a->wait_s == b->wait_s;
    case MC_CMD_ECHO:
        return strncmp(a->echo, b->echo, MC_CMD_ECHO_MAX) == 0;
    case MC_CMD_ANALYZE:
        return analyze_eq(&a->analyze, &b->analyze);
    case MC_CMD_LISTENERS:
    case MC_CMD_DISCOVER:
    case MC_CMD_SAP:
    case MC_CMD_REFLECT:
        return a->link.on == b->link.on &&
               ifname_eq(a->link.ifname, b->link.ifname);
    case MC_CMD_DIAGNOSE:
        return addr_eq(&a->diag.group, &b->diag.group) &&
               addr_eq(&a->diag.source, &b->diag.source) &&
               ifname_eq(a->diag.ifname, b->diag.ifname) &&
               a->diag.port == b->diag.port &&
               a->diag.port_given == b->diag.port_given;
    case MC_CMD_HOOK:
        return addr_eq(&a->hook.group, &b->hook.group) &&
               ifname_eq(a->hook.ifname, b->hook.ifname) &&
               a->hook.last == b->hook.last &&
               strncmp(a->hook.command, b->hook.command, MC_CMD_ECHO_MAX) == 0;
    case MC_CMD_TCP_LISTEN:
    case MC_CMD_TCP_CONNECT:
        return tcp_eq(&a->tcp, &b->tcp);
    case MC_CMD_ON:
        return strcmp(a->on.host, b->on.host) == 0 &&
               strncmp(a->on.command, b->on.command, MC_CMD_ECHO_MAX) == 0;
    default:
        return false;
    }
}
