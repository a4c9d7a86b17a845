/*
 * mcscope core: the command language.
 *
 * One parser serves the TUI's ':' prompt, -e on the command line, script
 * files and the tests.  It turns one line of text into a struct mc_cmd, or
 * refuses it with one line of text that names the word at fault and what
 * would be right.  It changes nothing and asks the kernel nothing: in
 * particular interface names are checked for form only and never resolved
 * to indexes, because which interfaces exist depends on the network
 * namespace at the time the command runs.
 *
 *   join GROUP [dev IFACE] [port N]
 *   leave GROUP [dev IFACE] [port N]
 *   join-source GROUP SOURCE [dev IFACE] [port N]
 *   leave-source GROUP SOURCE [dev IFACE] [port N]
 *   exclude-source GROUP SOURCE [dev IFACE] [port N]
 *   include-source GROUP SOURCE [dev IFACE] [port N]
 *   set hoplimit|mcast-hoplimit|tclass|ttl|tos|loopback|mcast-if|
 *       multicast-all VALUE
 *   cmsg tclass|hoplimit|src|dst|iface|pathmtu|ttl|tos on|off
 *   pcap on|off [dev IFACE]
 *   send GROUP [dev IFACE] [port N] [rate PPS] [count N] [size BYTES]
 *        [tclass N] [hoplimit N] [source ADDR] [sap] [dontfrag]
 *   stop-send [GROUP]
 *   reset [GROUP]
 *   wait SECONDS
 *   echo TEXT
 *   listeners on|off [dev IFACE]
 *   discover on|off [dev IFACE]
 *   sap on|off [dev IFACE]
 *   on-listener GROUP first|last COMMAND...|none
 *   on HOST COMMAND...
 *   diagnose GROUP [SOURCE] [dev IFACE] [port N]
 *
 * Lexical rules:
 * - Words are separated by blanks (spaces and tabs).  Trailing CR and LF
 *   are ignored (script lines); any other control character, a CR or LF
 *   inside the line included, is refused: a line is one command.
 * - '#' starts a comment only at the start of a word: "join ff3e::1 # x"
 *   has a comment, "echo step#2" has none.  An empty, blank or
 *   comment-only line is the valid command MC_CMD_NONE.
 * - Keywords are lower case and exact; a near miss is refused with a
 *   suggestion ("jion" -> "did you mean 'join'?").
 * - Options after the positional words come in any order, each at most
 *   once.  GROUP%IFACE is the same as GROUP dev IFACE; giving both is
 *   accepted when they name the same interface and refused otherwise.
 * - Numbers are decimal (leading zeros allowed, no sign); a traffic class
 *   or TOS may also be written in hex with 0x (0x28).  wait takes decimal
 *   seconds with up to 9 decimals (2, 0.5, .25), no exponent or unit.
 * - An IFACE follows Linux's rules for names: 1..15 bytes, not "." or
 *   "..", no '/', ':' or '%'.  "set mcast-if none" clears the interface.
 * - echo: the text is the rest of the line after "echo" and one blank,
 *   verbatim (inner and leading blanks kept), up to a '#' that starts a
 *   word (a comment, as everywhere); trailing blanks are dropped.  A '#'
 *   inside a word stays text.  The text may be empty.
 *
 * Checks made here, because they need nothing but the line:
 * - a GROUP is a multicast address (224.0.0.0/4, ff00::/8); a SOURCE is a
 *   unicast address of the group's family, without %IFACE;
 * - join (ASM) of a group in the SSM range (232/8, ff3x::/96) is refused,
 *   citing RFC 4607, and so are exclude-source and include-source there
 *   (exclude mode needs an any-source join, RFC 4604 §2);
 * - the membership verbs on an interface- or link-local group (ff01::/16,
 *   ff02::/16, 224.0.0.0/24) need an interface (GROUP%IFACE or dev IFACE).
 *   send does not: its interface may come from "set mcast-if";
 * - ranges of every number (see the MC_CMD_* limits below).
 * What depends on the system (does the interface exist, is the group
 * joined, which family the sockets have, IPv4 TTL >= 1) is checked when
 * the command runs.
 */
#ifndef MCSCOPE_CMD_H
#define MCSCOPE_CMD_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"
#include "mcscope/analyze.h"
#include "mcscope/err.h"
#include "mcscope/member.h"
#include "mcscope/probe.h"
#include "mcscope/send.h"
#include "mcscope/sockopt.h"

/* The UDP port a command means when it names none (iperf2's default). */
#define MC_CMD_DEFAULT_PORT 5001

/* send: packets per second (default and range). */
#define MC_CMD_SEND_RATE_DEFAULT 10u
#define MC_CMD_SEND_RATE_MAX 1000000u
/* send: UDP payload bytes (default and range).  The minimum is the probe
 * header (probe.h); the maximum fits a UDP datagram of either family. */
#define MC_CMD_SEND_SIZE_DEFAULT 64u
#define MC_CMD_SEND_SIZE_MIN MC_PROBE_HDRLEN
#define MC_CMD_SEND_SIZE_MAX 65000u
/* send: count 0 means "until stopped"; at most UINT32_MAX. */

/* wait: 0 < SECONDS <= MC_CMD_WAIT_MAX, at most 9 decimals (ns). */
#define MC_CMD_WAIT_MAX 86400

/* echo: the text holds at most MC_CMD_ECHO_MAX - 1 bytes. */
#define MC_CMD_ECHO_MAX 512

/* A buffer of this size always holds mc_cmd_format's text. */
#define MC_CMD_TEXT_MAX 640

enum mc_cmd_kind {
    MC_CMD_NONE = 0,    /* empty or comment-only line: do nothing */
    MC_CMD_MEMBER,      /* the six membership verbs; member.op says which */
    MC_CMD_SET,         /* set OPTION VALUE */
    MC_CMD_CMSG,        /* cmsg FLAG on|off */
    MC_CMD_PCAP,        /* pcap on|off [dev IFACE] */
    MC_CMD_SEND,        /* send GROUP ... */
    MC_CMD_STOP_SEND,   /* stop-send [GROUP] */
    MC_CMD_WAIT,        /* wait SECONDS */
    MC_CMD_ECHO,        /* echo TEXT */
    MC_CMD_ANALYZE,     /* analyze GROUP MODE ... */
    MC_CMD_RESET,       /* reset [GROUP] */
    MC_CMD_LISTENERS,   /* listeners on|off [dev IFACE] */
    MC_CMD_HOOK,        /* on-listener GROUP first|last COMMAND|none */
    MC_CMD_DISCOVER,    /* discover on|off [dev IFACE] */
    MC_CMD_SAP,         /* sap on|off [dev IFACE] */
    MC_CMD_ON,          /* on HOST COMMAND */
    MC_CMD_TCP_LISTEN,  /* tcp-listen [port N] [tclass N] [hoplimit N] */
    MC_CMD_TCP_CONNECT, /* tcp-connect ADDR [port N] */
    MC_CMD_REFLECT,     /* reflect on|off [dev IFACE] */
    MC_CMD_DIAGNOSE,    /* diagnose GROUP [SOURCE] [dev IFACE] [port N] */
};
/* The last kind (tests walk them all). */
#define MC_CMD_KIND_LAST MC_CMD_DIAGNOSE

/* send ... payload probe|rtp|mpegts (enum mc_send_payload, send.h).
 * The size of rtp and mpegts payloads when size is not given: 7 TS
 * packets (1316 bytes), and the RTP header. */
#define MC_CMD_SEND_SIZE_TS 1316u
#define MC_CMD_SEND_SIZE_RTP (1316u + 12u)

/* analyze: the limits of its numbers. */
#define MC_CMD_GAP_MAX_MS 3600000u
#define MC_CMD_RTP_CLOCK_MAX 100000000u
#define MC_CMD_SEQ_OFFSET_MAX 65535u

/* join, leave, join-source, leave-source, exclude-source, include-source */
/* bind group|any|wire of join and join-source (and the record the other
 * member verbs address). */
enum mc_cmd_bind {
    /* group (the default, passive): the group address and port, so no
     * unicast to the port and no other group reaches mcscope */
    MC_CMD_BIND_GROUP,
    /* any: the wildcard and port, shared with the port's other
     * receivers (SO_REUSEADDR): it also takes the port's unicast */
    MC_CMD_BIND_ANY,
    /* wire: no bind on the port at all (the membership is held on port
     * 0): an application that binds the port later without SO_REUSEADDR
     * can; the group is counted by a capture */
    MC_CMD_BIND_WIRE,
};

struct mc_cmd_member {
    enum mc_member_op op;
    struct mc_addr group;     /* multicast */
    struct mc_addr source;    /* unicast; family 0 for join and leave */
    char ifname[IF_NAMESIZE]; /* "" when not given */
    uint16_t port;            /* MC_CMD_DEFAULT_PORT when not given */
    bool port_given;
    /* join, join-source: what the receive socket binds (`bind ...`).
     * leave, leave-source, exclude-source, include-source: which record
     * when the group, interface and port are joined twice, bound to the
     * group and to the wildcard (bind any; group and wire: the one bound
     * to the group).  bind_given: the word was on the line; without it
     * the one record joined is meant, and two are refused (ambiguous). */
    enum mc_cmd_bind bind;
    bool bind_given;
    /* `force`: an SSM-range group taken in exclude mode anyway (join,
     * exclude-source, include-source), to see what the kernel does:
     * RFC 4604 §2 says a host SHOULD NOT, RFC 4607 §1 that a router
     * ignores it (mc_member_apply_forced) */
    bool force;
};

struct mc_cmd_set {
    enum mc_cmd_opt opt;
    int value;                /* the number; on = 1, off = 0; 0 mcast-if */
    char ifname[IF_NAMESIZE]; /* mcast-if: the interface, "" for none */
};

struct mc_cmd_cmsg {
    unsigned flag; /* exactly one MC_CM_* bit (ttl = hoplimit, tos = tclass) */
    bool on;
};

struct mc_cmd_pcap {
    bool on;
    char ifname[IF_NAMESIZE]; /* "" when not given */
};

/*
 * on-listener GROUP[%IFACE] first|last COMMAND: run COMMAND (any verb but
 * wait and on-listener, checked here, kept in canonical text) when GROUP
 * gains its first / loses its last listener of the link (listeners.h), on
 * IFACE or any interface; COMMAND "none" removes the hook.
 */
struct mc_cmd_hook {
    struct mc_addr group;
    char ifname[IF_NAMESIZE];      /* "" when not given */
    bool last;                     /* false: first */
    char command[MC_CMD_ECHO_MAX]; /* "" for none */
};

/*
 * on HOST COMMAND: run COMMAND (any verb but wait, on and on-listener,
 * checked here, kept in canonical text) in the mcscope of another host —
 * the lab's senders (s1, s2): `on s1 set mcast-hoplimit 2`.  HOST is a
 * word of lower-case letters and digits; which hosts there are is the
 * monitor's host handler's business (mc_monitor_set_hosts).
 */
#define MC_CMD_HOST_MAX 16
struct mc_cmd_on {
    char host[MC_CMD_HOST_MAX];
    char command[MC_CMD_ECHO_MAX];
};

/*
 * The seed's unicast example (tcp.h): tcp-listen accepts IPv6 TCP
 * connections on port (every address) and sets tclass and hoplimit on
 * each accepted connection, as ipv6.NewConn(c).SetTrafficClass and
 * SetHopLimit do, then writes to it; tcp-connect ADDR connects to it and
 * reads what comes, with the traffic class and hop limit of the segments
 * that brought it.  IPv6 only: those are read with IPV6_2292PKTOPTIONS.
 */
struct mc_cmd_tcp {
    struct mc_addr addr; /* tcp-connect: IPv6 unicast; else family 0 */
    uint16_t port;       /* MC_CMD_DEFAULT_PORT when not given */
    int tclass;          /* 0..255 when tclass_given (tcp-listen) */
    bool tclass_given;
    int hoplimit; /* 0..255 when hoplimit_given (tcp-listen) */
    bool hoplimit_given;
};

struct mc_cmd_send {
    struct mc_addr group;     /* multicast */
    char ifname[IF_NAMESIZE]; /* "" when not given */
    uint16_t port;            /* MC_CMD_DEFAULT_PORT when not given */
    bool port_given;
    unsigned rate;  /* packets per second, 1..RATE_MAX */
    uint32_t count; /* packets to send; 0: until stopped */
    unsigned size;  /* payload bytes, SIZE_MIN..SIZE_MAX */
    int tclass;     /* 0..255 when tclass_given (alias tos) */
    bool tclass_given;
    int hoplimit; /* 0..255 when hoplimit_given (alias ttl) */
    bool hoplimit_given;
    struct mc_addr source; /* unicast; family 0 when not given */
    bool sap;              /* announce the stream with SAP (sap.h) */
    bool dontfrag;         /* IPV6_DONTFRAG: refused, not fragmented */
    enum mc_send_payload payload;
};

/*
 * analyze GROUP [dev IFACE] [port N] auto|probe|rtp|mpegts|none [gap MS]
 * analyze GROUP ... rtp clock HZ
 * analyze GROUP ... seq OFFSET WIDTH [be|le]
 */
struct mc_cmd_analyze {
    struct mc_addr group;     /* multicast */
    char ifname[IF_NAMESIZE]; /* "" when not given */
    uint16_t port;            /* MC_CMD_DEFAULT_PORT when not given */
    bool port_given;
    struct mc_analyze_cfg cfg;
    unsigned gap_ms; /* 1..MC_CMD_GAP_MAX_MS when gap_given */
    bool gap_given;
};

struct mc_cmd_stop_send {
    struct mc_addr group; /* family 0: every sender */
};

/* reset [GROUP]: the counts of GROUP (every interface and port it is
 * joined on) start again from zero; without GROUP, of every group. */
struct mc_cmd_reset {
    struct mc_addr group; /* family 0: every group */
};

/* diagnose GROUP [SOURCE] [dev IFACE] [port N] (diagnose.h): SOURCE of
 * the group's family, family 0 when not given. */
struct mc_cmd_diagnose {
    struct mc_addr group;
    struct mc_addr source;
    char ifname[IF_NAMESIZE]; /* "" when not given */
    uint16_t port;            /* MC_CMD_DEFAULT_PORT when not given */
    bool port_given;
};

/*
 * A parsed command.  mc_cmd_parse clears the whole struct first, so bytes
 * a kind does not use are zero.
 */
struct mc_cmd {
    enum mc_cmd_kind kind;
    union {
        struct mc_cmd_member member;   /* MC_CMD_MEMBER */
        struct mc_cmd_set set;         /* MC_CMD_SET */
        struct mc_cmd_cmsg cmsg;       /* MC_CMD_CMSG */
        struct mc_cmd_pcap pcap;       /* MC_CMD_PCAP */
        struct mc_cmd_pcap link;       /* MC_CMD_LISTENERS, _DISCOVER, _SAP,
                                          _REFLECT */
        struct mc_cmd_hook hook;       /* MC_CMD_HOOK */
        struct mc_cmd_on on;           /* MC_CMD_ON */
        struct mc_cmd_send send;       /* MC_CMD_SEND */
        struct mc_cmd_stop_send stop;  /* MC_CMD_STOP_SEND */
        double wait_s;                 /* MC_CMD_WAIT: seconds */
        char echo[MC_CMD_ECHO_MAX];    /* MC_CMD_ECHO: the text */
        struct mc_cmd_analyze analyze; /* MC_CMD_ANALYZE */
        struct mc_cmd_reset reset;     /* MC_CMD_RESET */
        struct mc_cmd_diagnose diag;   /* MC_CMD_DIAGNOSE */
        struct mc_cmd_tcp tcp;         /* MC_CMD_TCP_LISTEN, _CONNECT */
    };
};

/*
 * Parse one line (NUL-terminated, any length).  Returns 0 and fills *out,
 * or returns -EINVAL, leaves *out cleared (MC_CMD_NONE) and puts one line
 * in err (may be NULL) of the form "WORDS: what is wrong: what is right",
 * where WORDS are the words at fault, e.g.
 *   "port 70000: the port must be 1..65535"
 *   "jion: unknown command 'jion': did you mean 'join'?"
 * User text in a message is cut to 40 bytes and shown as printable ASCII.
 * On success err is cleared.  out may be NULL to only check a line.
 */
int mc_cmd_parse(const char *line, struct mc_cmd *out, struct mc_err *err);

/*
 * Write the canonical text of c into buf: the verb, the positional words,
 * then the options in usage order, "dev IFACE" rather than GROUP%IFACE,
 * port only when given, send's rate/count/size only when not the default,
 * tclass in hex (0x28), wait in decimal seconds.  For every c that
 * mc_cmd_parse produced, mc_cmd_parse(text) gives back an equal command
 * (mc_cmd_equal).  MC_CMD_NONE writes "".  Returns the length of the text
 * (without the NUL), -ENOSPC when buf is too small (buf then holds a cut
 * text, NUL-terminated when len > 0), or -EINVAL for a command no line
 * can express (unknown kind, op, option or flag; missing group).
 */
int mc_cmd_format(const struct mc_cmd *c, char *buf, size_t len);

/* Equal as commands: compares the fields c->kind uses. */
bool mc_cmd_equal(const struct mc_cmd *a, const struct mc_cmd *b);

/* "none", "member", "set", "cmsg", "pcap", "send", "stop-send", "wait",
 * "echo", "listeners", "hook", "discover", "sap"; "unknown" for anything
 * else. */
const char *mc_cmd_kind_name(enum mc_cmd_kind kind);

/* The verb of a command as the language spells it ("join-source", "set");
 * "" for MC_CMD_NONE. */
const char *mc_cmd_verb_name(const struct mc_cmd *c);

/* The spelling of a set option ("mcast-hoplimit"); "?" when unknown
 * (mc_sockopt_name: the table of options is in sockopt.h). */
const char *mc_cmd_opt_name(enum mc_cmd_opt opt);

/*
 * The sender's arguments for a parsed `send` (the command layer knows the
 * sender, not the reverse): a tclass or hoplimit not given becomes -1.
 */
void mc_send_args_from_cmd(const struct mc_cmd_send *c,
                           struct mc_send_args *out);

/* One verb of the language, for the TUI's help and the error texts. */
struct mc_cmd_verb {
    const char *name;  /* "join-source" */
    const char *usage; /* "join-source GROUP SOURCE [dev IFACE] [port N]" */
    const char *help;  /* one line: what it does */
    enum mc_cmd_kind kind;
};

/* The verbs in help order; *n (may be NULL) gets their number.  The
 * table is static: never freed, never changes. */
const struct mc_cmd_verb *mc_cmd_verbs(size_t *n);

#endif
