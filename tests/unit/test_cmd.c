/*
 * Unit tests: core/cmd.c — the command language.  Every verb in its valid
 * forms (every parsed field checked), every kind of bad argument for every
 * verb (the exact message, or its words at fault and key words where the
 * text comes from addr.c), GROUP%IFACE against dev, comments, blanks and
 * tabs, the canonical text and its round trip for every kind, long lines,
 * and unknown words with suggestions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/cmd.h"
#include "mcscope/cmsg.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- expected commands ---- */

/* What a valid line must give; fields a kind does not use are ignored. */
struct want {
    enum mc_cmd_kind kind;
    enum mc_member_op op;
    const char *group, *source, *ifname; /* NULL: unset / "" */
    unsigned port;
    bool port_given;
    enum mc_cmd_opt opt;
    int value;
    unsigned flag;
    bool on;
    unsigned rate, size;
    uint32_t count;
    int tclass, hoplimit;
    bool tclass_given, hoplimit_given;
    double wait;
    const char *echo;
    enum mc_send_payload payload;
    enum mc_analyze_mode mode;
    unsigned clock, offset, width, gap;
    bool le, gap_given;
    bool sap, dontfrag;
};

#define P MC_CMD_DEFAULT_PORT
#define NONE_                                                                  \
    {                                                                          \
        .kind = MC_CMD_NONE                                                    \
    }
#define MEMBER(op_, g, s, ifn, port_, given)                                   \
    {                                                                          \
        .kind = MC_CMD_MEMBER, .op = (op_), .group = (g), .source = (s),       \
        .ifname = (ifn), .port = (port_), .port_given = (given)                \
    }
#define SET(o, v, ifn)                                                         \
    {                                                                          \
        .kind = MC_CMD_SET, .opt = (o), .value = (v), .ifname = (ifn)          \
    }
#define CMSG(f, on_)                                                           \
    {                                                                          \
        .kind = MC_CMD_CMSG, .flag = (f), .on = (on_)                          \
    }
#define PCAP(on_, ifn)                                                         \
    {                                                                          \
        .kind = MC_CMD_PCAP, .on = (on_), .ifname = (ifn)                      \
    }
/* send with everything at its default but group, interface and port */
#define SEND(g, ifn, port_, given)                                             \
    {                                                                          \
        .kind = MC_CMD_SEND, .group = (g), .ifname = (ifn), .port = (port_),   \
        .port_given = (given), .rate = 10, .size = 64                          \
    }
#define SENDX(g, ifn, rate_, count_, size_, tc, tcg, hl, hlg, src)             \
    {                                                                          \
        .kind = MC_CMD_SEND, .group = (g), .ifname = (ifn), .port = P,         \
        .rate = (rate_), .count = (count_), .size = (size_), .tclass = (tc),   \
        .tclass_given = (tcg), .hoplimit = (hl), .hoplimit_given = (hlg),      \
        .source = (src)                                                        \
    }
#define STOP(g)                                                                \
    {                                                                          \
        .kind = MC_CMD_STOP_SEND, .group = (g)                                 \
    }
#define RESET(g)                                                               \
    {                                                                          \
        .kind = MC_CMD_RESET, .group = (g)                                     \
    }
#define WAIT(s)                                                                \
    {                                                                          \
        .kind = MC_CMD_WAIT, .wait = (s)                                       \
    }
#define ECHO(t)                                                                \
    {                                                                          \
        .kind = MC_CMD_ECHO, .echo = (t)                                       \
    }
#define SENDP(g, size_, pl)                                                    \
    {                                                                          \
        .kind = MC_CMD_SEND, .group = (g), .port = P, .rate = 10,              \
        .size = (size_), .payload = (pl)                                       \
    }
/* analyze GROUP MODE with clock, seq offset/width/le, dev, port, gap */
#define ANALYZE(g, m, clk, off, wid, le_, ifn, port_, given, gap_, gapg)       \
    {                                                                          \
        .kind = MC_CMD_ANALYZE, .group = (g), .mode = (m), .clock = (clk),     \
        .offset = (off), .width = (wid), .le = (le_), .ifname = (ifn),         \
        .port = (port_), .port_given = (given), .gap = (gap_),                 \
        .gap_given = (gapg)                                                    \
    }

#define ONOFF(k, on_, ifn)                                                     \
    {                                                                          \
        .kind = (k), .on = (on_), .ifname = (ifn)                              \
    }
#define LISTENERS(on_, ifn)                                                    \
    {                                                                          \
        .kind = MC_CMD_LISTENERS, .on = (on_), .ifname = (ifn)                 \
    }
#define DIAG(g, src, ifn, port_, given)                                        \
    {                                                                          \
        .kind = MC_CMD_DIAGNOSE, .group = (g), .source = (src),                \
        .ifname = (ifn), .port = (port_), .port_given = (given)                \
    }
/* on-listener: on is "last", echo the command's canonical text */
#define HOOK(g, ifn, last, c)                                                  \
    {                                                                          \
        .kind = MC_CMD_HOOK, .group = (g), .ifname = (ifn), .on = (last),      \
        .echo = (c)                                                            \
    }

/* on HOST: ifname is the host, echo the command's canonical text */
#define ON(host, c)                                                            \
    {                                                                          \
        .kind = MC_CMD_ON, .ifname = (host), .echo = (c)                       \
    }

/* tcp-listen / tcp-connect: group is the address (connect) */
#define TCP(k, a, port_, tc, tcg, hl, hlg)                                     \
    {                                                                          \
        .kind = (k), .group = (a), .port = (port_), .tclass = (tc),            \
        .tclass_given = (tcg), .hoplimit = (hl), .hoplimit_given = (hlg)       \
    }

struct vcase {
    const char *line;
    struct want w;
};

static const struct vcase valid[] = {
    /* nothing */
    {"", NONE_},
    {"   ", NONE_},
    {"\t \t", NONE_},
    {"# a comment", NONE_},
    {"   #indented comment # with more", NONE_},
    {"\n", NONE_},
    {"\r\n", NONE_},
    {"#", NONE_},

    /* join */
    {"join 239.1.1.1", MEMBER(MC_OP_JOIN, "239.1.1.1", NULL, NULL, P, false)},
    {"join ff15::1", MEMBER(MC_OP_JOIN, "ff15::1", NULL, NULL, P, false)},
    {"join 239.1.1.1 dev eth0",
     MEMBER(MC_OP_JOIN, "239.1.1.1", NULL, "eth0", P, false)},
    {"join 239.1.1.1%eth0",
     MEMBER(MC_OP_JOIN, "239.1.1.1", NULL, "eth0", P, false)},
    {"join ff15::1%eth0 dev eth0",
     MEMBER(MC_OP_JOIN, "ff15::1", NULL, "eth0", P, false)},
    {"join ff15::1 port 5002 dev rx0",
     MEMBER(MC_OP_JOIN, "ff15::1", NULL, "rx0", 5002, true)},
    {"join ff15::1 dev rx0 port 5002",
     MEMBER(MC_OP_JOIN, "ff15::1", NULL, "rx0", 5002, true)},
    {"join 239.1.1.1 port 5001",
     MEMBER(MC_OP_JOIN, "239.1.1.1", NULL, NULL, 5001, true)},
    {"join 239.1.1.1 port 1",
     MEMBER(MC_OP_JOIN, "239.1.1.1", NULL, NULL, 1, true)},
    {"join 239.1.1.1 port 65535",
     MEMBER(MC_OP_JOIN, "239.1.1.1", NULL, NULL, 65535, true)},
    {"join 239.1.1.1 port 0005002",
     MEMBER(MC_OP_JOIN, "239.1.1.1", NULL, NULL, 5002, true)},
    {"\t join\t239.1.1.1 \t dev  eth0   # comment port 9",
     MEMBER(MC_OP_JOIN, "239.1.1.1", NULL, "eth0", P, false)},
    {"join 239.1.1.1 #port 9",
     MEMBER(MC_OP_JOIN, "239.1.1.1", NULL, NULL, P, false)},
    {"join 239.1.1.1\r\n",
     MEMBER(MC_OP_JOIN, "239.1.1.1", NULL, NULL, P, false)},
    {"join ff02::1234%eth0",
     MEMBER(MC_OP_JOIN, "ff02::1234", NULL, "eth0", P, false)},
    {"join ff02::1234 dev eth0",
     MEMBER(MC_OP_JOIN, "ff02::1234", NULL, "eth0", P, false)},
    {"join ff01::1%lo", MEMBER(MC_OP_JOIN, "ff01::1", NULL, "lo", P, false)},
    {"join 224.0.0.251 dev eth0",
     MEMBER(MC_OP_JOIN, "224.0.0.251", NULL, "eth0", P, false)},
    {"join FF15::ABCD", MEMBER(MC_OP_JOIN, "ff15::abcd", NULL, NULL, P, false)},
    {"join ff15::1 dev eth0.100",
     MEMBER(MC_OP_JOIN, "ff15::1", NULL, "eth0.100", P, false)},
    {"join ff15::1 dev abcdefghijklmno",
     MEMBER(MC_OP_JOIN, "ff15::1", NULL, "abcdefghijklmno", P, false)},
    {"join ff15::1 dev br#0",
     MEMBER(MC_OP_JOIN, "ff15::1", NULL, "br#0", P, false)},
    /* just outside the SSM ranges */
    {"join 231.255.255.255",
     MEMBER(MC_OP_JOIN, "231.255.255.255", NULL, NULL, P, false)},
    {"join 233.0.0.1", MEMBER(MC_OP_JOIN, "233.0.0.1", NULL, NULL, P, false)},

    /* leave: also in the SSM range, to drop an SSM membership whole */
    {"leave ff15::1", MEMBER(MC_OP_LEAVE, "ff15::1", NULL, NULL, P, false)},
    {"leave 232.1.1.1", MEMBER(MC_OP_LEAVE, "232.1.1.1", NULL, NULL, P, false)},
    {"leave ff3e::1234%rx0 port 6000",
     MEMBER(MC_OP_LEAVE, "ff3e::1234", NULL, "rx0", 6000, true)},

    /* the source verbs */
    {"join-source 232.1.1.1 10.0.0.1",
     MEMBER(MC_OP_JOIN_SOURCE, "232.1.1.1", "10.0.0.1", NULL, P, false)},
    {"join-source 232.1.1.1 10.0.0.1 dev eth0 port 1234",
     MEMBER(MC_OP_JOIN_SOURCE, "232.1.1.1", "10.0.0.1", "eth0", 1234, true)},
    {"join-source ff3e::1234%rx0 fd42::1",
     MEMBER(MC_OP_JOIN_SOURCE, "ff3e::1234", "fd42::1", "rx0", P, false)},
    {"join-source ff15::1 fd42::1",
     MEMBER(MC_OP_JOIN_SOURCE, "ff15::1", "fd42::1", NULL, P, false)},
    {"join-source ff02::1234%eth0 fe80::1",
     MEMBER(MC_OP_JOIN_SOURCE, "ff02::1234", "fe80::1", "eth0", P, false)},
    {"leave-source ff3e::1234 fd42::1 dev rx0",
     MEMBER(MC_OP_LEAVE_SOURCE, "ff3e::1234", "fd42::1", "rx0", P, false)},
    {"exclude-source ff15::99 fd42::2 dev rx0 port 5003",
     MEMBER(MC_OP_EXCLUDE_SOURCE, "ff15::99", "fd42::2", "rx0", 5003, true)},
    {"exclude-source 239.1.1.1 10.0.0.2",
     MEMBER(MC_OP_EXCLUDE_SOURCE, "239.1.1.1", "10.0.0.2", NULL, P, false)},
    {"include-source 239.1.1.1%eth1 10.0.0.2",
     MEMBER(MC_OP_INCLUDE_SOURCE, "239.1.1.1", "10.0.0.2", "eth1", P, false)},
    {"include-source ff15::99 ::1",
     MEMBER(MC_OP_INCLUDE_SOURCE, "ff15::99", "::1", NULL, P, false)},

    /* set */
    {"set hoplimit 0", SET(MC_OPT_HOPLIMIT, 0, NULL)},
    {"set hoplimit 255", SET(MC_OPT_HOPLIMIT, 255, NULL)},
    {"set ttl 64", SET(MC_OPT_HOPLIMIT, 64, NULL)},
    {"set mcast-hoplimit 8", SET(MC_OPT_MCAST_HOPLIMIT, 8, NULL)},
    {"set mcast-hoplimit 0", SET(MC_OPT_MCAST_HOPLIMIT, 0, NULL)},
    {"set tclass 0x28", SET(MC_OPT_TCLASS, 0x28, NULL)},
    {"set tclass 0XfF", SET(MC_OPT_TCLASS, 255, NULL)},
    {"set tclass 40", SET(MC_OPT_TCLASS, 40, NULL)},
    {"set tclass 0", SET(MC_OPT_TCLASS, 0, NULL)},
    {"set tos 0xb8", SET(MC_OPT_TCLASS, 0xb8, NULL)},
    {"set tclass 0x0000028", SET(MC_OPT_TCLASS, 0x28, NULL)},
    {"set loopback on", SET(MC_OPT_LOOPBACK, 1, NULL)},
    {"set loopback off", SET(MC_OPT_LOOPBACK, 0, NULL)},
    {"set multicast-all on", SET(MC_OPT_MULTICAST_ALL, 1, NULL)},
    {"set multicast-all off # default", SET(MC_OPT_MULTICAST_ALL, 0, NULL)},
    {"set mcast-if eth0", SET(MC_OPT_MCAST_IF, 0, "eth0")},
    {"set mcast-if none", SET(MC_OPT_MCAST_IF, 0, NULL)},

    /* cmsg */
    {"cmsg tclass on", CMSG(MC_CM_TCLASS, true)},
    {"cmsg hoplimit off", CMSG(MC_CM_HOPLIMIT, false)},
    {"cmsg src on", CMSG(MC_CM_SRC, true)},
    {"cmsg dst on", CMSG(MC_CM_DST, true)},
    {"cmsg iface off", CMSG(MC_CM_IFACE, false)},
    {"cmsg pathmtu on", CMSG(MC_CM_PATHMTU, true)},
    {"cmsg ttl on", CMSG(MC_CM_HOPLIMIT, true)},
    {"cmsg tos off", CMSG(MC_CM_TCLASS, false)},

    /* pcap */
    {"pcap on", PCAP(true, NULL)},
    {"pcap off", PCAP(false, NULL)},
    {"pcap on dev eth0", PCAP(true, "eth0")},

    /* send */
    {"send ff15::1", SEND("ff15::1", NULL, P, false)},
    {"send 239.1.1.1%eth0 port 6000", SEND("239.1.1.1", "eth0", 6000, true)},
    {"send 239.1.1.1%eth0 dev eth0", SEND("239.1.1.1", "eth0", P, false)},
    {"send ff02::1", SEND("ff02::1", NULL, P, false)},
    {"send 232.1.1.1", SEND("232.1.1.1", NULL, P, false)},
    {"send ff3e::1234 dev rx0 rate 200 count 300 size 100 tclass 0x28 "
     "hoplimit 7 source fd42::1",
     SENDX("ff3e::1234", "rx0", 200, 300, 100, 0x28, true, 7, true, "fd42::1")},
    {"send ff3e::1234 source fd42::1 hoplimit 7 tclass 40 size 100 count 300 "
     "rate 200 dev rx0",
     SENDX("ff3e::1234", "rx0", 200, 300, 100, 0x28, true, 7, true, "fd42::1")},
    {"send 239.1.1.1 tos 0xb8 ttl 32",
     SENDX("239.1.1.1", NULL, 10, 0, 64, 0xb8, true, 32, true, NULL)},
    {"send 239.1.1.1 rate 1 count 0 size 32 tclass 0 hoplimit 0",
     SENDX("239.1.1.1", NULL, 1, 0, 32, 0, true, 0, true, NULL)},
    {"send 239.1.1.1 rate 1000000 count 4294967295 size 65000 tclass 255 "
     "hoplimit 255 source 10.0.0.1",
     SENDX("239.1.1.1", NULL, 1000000, 4294967295u, 65000, 255, true, 255, true,
           "10.0.0.1")},
    {"send 239.1.1.1 rate 10 size 64",
     SENDX("239.1.1.1", NULL, 10, 0, 64, 0, false, 0, false, NULL)},
    {"send 239.1.1.1 payload probe", SENDP("239.1.1.1", 64, MC_SEND_PROBE)},
    {"send 239.1.1.1 payload rtp", SENDP("239.1.1.1", 1328, MC_SEND_RTP)},
    {"send 239.1.1.1 payload mpegts", SENDP("239.1.1.1", 1316, MC_SEND_MPEGTS)},
    {"send 239.1.1.1 size 200 payload rtp",
     SENDP("239.1.1.1", 200, MC_SEND_RTP)},
    {"send 239.1.1.1 payload mpegts size 188",
     SENDP("239.1.1.1", 188, MC_SEND_MPEGTS)},

    /* analyze */
    {"analyze 239.1.1.1 auto", ANALYZE("239.1.1.1", MC_ANALYZE_AUTO, 0, 0, 0,
                                       false, NULL, P, false, 0, false)},
    {"analyze ff15::1%rx0 rtp clock 48000 port 5004 gap 500",
     ANALYZE("ff15::1", MC_ANALYZE_RTP, 48000, 0, 0, false, "rx0", 5004, true,
             500, true)},
    {"analyze 239.1.1.1 rtp", ANALYZE("239.1.1.1", MC_ANALYZE_RTP, 0, 0, 0,
                                      false, NULL, P, false, 0, false)},
    {"analyze 239.1.1.1 seq 4 32 le dev eth0",
     ANALYZE("239.1.1.1", MC_ANALYZE_SEQ, 0, 4, 32, true, "eth0", P, false, 0,
             false)},
    {"analyze 239.1.1.1 seq 0 16",
     ANALYZE("239.1.1.1", MC_ANALYZE_SEQ, 0, 0, 16, false, NULL, P, false, 0,
             false)},
    {"analyze 239.1.1.1 seq 65535 64 be gap 3600000",
     ANALYZE("239.1.1.1", MC_ANALYZE_SEQ, 0, 65535, 64, false, NULL, P, false,
             3600000, true)},
    {"analyze 239.1.1.1 mpegts", ANALYZE("239.1.1.1", MC_ANALYZE_MPEGTS, 0, 0,
                                         0, false, NULL, P, false, 0, false)},
    {"analyze 239.1.1.1 probe gap 1",
     ANALYZE("239.1.1.1", MC_ANALYZE_PROBE, 0, 0, 0, false, NULL, P, false, 1,
             true)},
    {"analyze 239.1.1.1 none", ANALYZE("239.1.1.1", MC_ANALYZE_NONE, 0, 0, 0,
                                       false, NULL, P, false, 0, false)},

    /* stop-send */
    {"stop-send", STOP(NULL)},
    {"stop-send ff15::1", STOP("ff15::1")},
    {"stop-send 239.1.1.1 # that one", STOP("239.1.1.1")},
    /* reset */
    {"reset", RESET(NULL)},
    {"reset ff15::1", RESET("ff15::1")},
    {"reset 239.1.1.1 # that one", RESET("239.1.1.1")},

    /* wait */
    {"wait 1", WAIT(1)},
    {"wait 0.5", WAIT(0.5)},
    {"wait .25", WAIT(0.25)},
    {"wait 3.", WAIT(3)},
    {"wait 2.500", WAIT(2.5)},
    {"wait 86400", WAIT(86400)},
    {"wait 86400.000000000", WAIT(86400)},
    {"wait 0.000000001", WAIT(1e-9)},
    {"wait 1.0000000000", WAIT(1)},
    {"wait 007", WAIT(7)},

    /* echo */
    {"echo hello world", ECHO("hello world")},
    {"send ff15::1 dev lab0 sap",
     {.kind = MC_CMD_SEND,
      .group = "ff15::1",
      .ifname = "lab0",
      .port = P,
      .rate = 10,
      .size = 64,
      .sap = true}},
    {"send ff15::1 dev lab0 size 1300 dontfrag count 1",
     {.kind = MC_CMD_SEND,
      .group = "ff15::1",
      .ifname = "lab0",
      .port = P,
      .rate = 10,
      .count = 1,
      .size = 1300,
      .dontfrag = true}},
    {"listeners on", LISTENERS(true, NULL)},
    {"listeners off", LISTENERS(false, NULL)},
    {"listeners on dev lab0", LISTENERS(true, "lab0")},
    {"discover on", ONOFF(MC_CMD_DISCOVER, true, NULL)},
    {"discover off dev lab0", ONOFF(MC_CMD_DISCOVER, false, "lab0")},
    {"sap on dev lab0", ONOFF(MC_CMD_SAP, true, "lab0")},
    {"sap off", ONOFF(MC_CMD_SAP, false, NULL)},
    {"diagnose ff15::1", DIAG("ff15::1", NULL, NULL, P, false)},
    {"diagnose ff3e::1 fd42::1 dev lab0 port 5002",
     DIAG("ff3e::1", "fd42::1", "lab0", 5002, true)},
    {"diagnose 232.1.1.1%lab0 10.0.0.1",
     DIAG("232.1.1.1", "10.0.0.1", "lab0", P, false)},
    {"diagnose 239.1.1.1 port 7 dev lab0",
     DIAG("239.1.1.1", NULL, "lab0", 7, true)},
    {"on-listener 239.1.1.1 first join 239.1.1.1 dev lab0",
     HOOK("239.1.1.1", NULL, false, "join 239.1.1.1 dev lab0")},
    {"on-listener ff02::1:3%lab0 last echo nobody listens",
     HOOK("ff02::1:3", "lab0", true, "echo nobody listens")},
    {"on-listener 232.1.1.1 last   leave-source 232.1.1.1%lab0 10.0.0.1 # c",
     HOOK("232.1.1.1", NULL, true, "leave-source 232.1.1.1 10.0.0.1 dev lab0")},
    {"on-listener 239.1.1.1 first none", HOOK("239.1.1.1", NULL, false, "")},
    {"on s1 set mcast-hoplimit 2", ON("s1", "set mcast-hoplimit 2")},
    {"on s2   send ff15::1234 port 5001 tclass 0xb8 # c",
     ON("s2", "send ff15::1234 port 5001 tclass 0xb8")},
    {"on s1 stop-send", ON("s1", "stop-send")},
    {"tcp-listen", TCP(MC_CMD_TCP_LISTEN, NULL, P, 0, false, 0, false)},
    {"tcp-listen port 5002 tclass 0x28 hoplimit 3",
     TCP(MC_CMD_TCP_LISTEN, NULL, 5002, 0x28, true, 3, true)},
    {"tcp-listen tos 184 ttl 64 # c",
     TCP(MC_CMD_TCP_LISTEN, NULL, P, 0xb8, true, 64, true)},
    {"tcp-connect fd42::1 port 5002",
     TCP(MC_CMD_TCP_CONNECT, "fd42::1", 5002, 0, false, 0, false)},
    {"tcp-connect ::1", TCP(MC_CMD_TCP_CONNECT, "::1", P, 0, false, 0, false)},
    {"reflect on", ONOFF(MC_CMD_REFLECT, true, NULL)},
    {"reflect off dev lab0 # c", ONOFF(MC_CMD_REFLECT, false, "lab0")},
    {"on s1 tcp-listen port 5002 tclass 0x28",
     ON("s1", "tcp-listen port 5002 tclass 0x28")},
    {"echo", ECHO("")},
    {"echo ", ECHO("")},
    {"echo    ", ECHO("")},
    {"echo   indented", ECHO("  indented")},
    {"echo a # comment", ECHO("a")},
    {"echo step#2 is next", ECHO("step#2 is next")},
    {"echo #all comment", ECHO("")},
    {"echo\thi", ECHO("hi")},
    {"echo tab\tinside  ", ECHO("tab\tinside")},
    {"  echo x", ECHO("x")},
    {"echo join 239.1.1.1 port 70000", ECHO("join 239.1.1.1 port 70000")},
    {"echo caf\xc3\xa9 \xe2\x86\x92 ok", ECHO("caf\xc3\xa9 \xe2\x86\x92 ok")},
    {"echo ends here\r\n", ECHO("ends here")},
};

static struct mc_addr addr_of(const char *text)
{
    struct mc_addr a;

    memset(&a, 0, sizeof a);
    if (text != NULL)
        assert_int_equal(mc_addr_parse(text, &a, NULL, 0, NULL), 0);
    return a;
}

static void check_addr(const char *line, const char *what,
                       const struct mc_addr *got, const char *want)
{
    struct mc_addr w = addr_of(want);
    char g[MC_ADDR_STRLEN];

    if (got->family != w.family || !mc_addr_equal(got, &w))
        fail_msg("'%s': %s is %s, want %s", line, what,
                 mc_addr_format(got, g, sizeof g), want ? want : "(unset)");
}

static void check_str(const char *line, const char *what, const char *got,
                      const char *want)
{
    if (strcmp(got, want != NULL ? want : "") != 0)
        fail_msg("'%s': %s is '%s', want '%s'", line, what, got,
                 want != NULL ? want : "");
}

static void check_int(const char *line, const char *what, long long got,
                      long long want)
{
    if (got != want)
        fail_msg("'%s': %s is %lld, want %lld", line, what, got, want);
}

/* Every field the kind uses. */
static void check_cmd(const char *line, const struct mc_cmd *c,
                      const struct want *w)
{
    check_int(line, "kind", c->kind, w->kind);
    switch (w->kind) {
    case MC_CMD_NONE:
        break;
    case MC_CMD_MEMBER:
        check_int(line, "op", c->member.op, w->op);
        check_addr(line, "group", &c->member.group, w->group);
        check_addr(line, "source", &c->member.source, w->source);
        check_str(line, "ifname", c->member.ifname, w->ifname);
        check_int(line, "port", c->member.port, w->port);
        check_int(line, "port_given", c->member.port_given, w->port_given);
        break;
    case MC_CMD_SET:
        check_int(line, "opt", c->set.opt, w->opt);
        check_int(line, "value", c->set.value, w->value);
        check_str(line, "ifname", c->set.ifname, w->ifname);
        break;
    case MC_CMD_CMSG:
        check_int(line, "flag", c->cmsg.flag, w->flag);
        check_int(line, "on", c->cmsg.on, w->on);
        break;
    case MC_CMD_PCAP:
        check_int(line, "on", c->pcap.on, w->on);
        check_str(line, "ifname", c->pcap.ifname, w->ifname);
        break;
    case MC_CMD_SEND:
        check_addr(line, "group", &c->send.group, w->group);
        check_str(line, "ifname", c->send.ifname, w->ifname);
        check_int(line, "port", c->send.port, w->port);
        check_int(line, "port_given", c->send.port_given, w->port_given);
        check_int(line, "rate", c->send.rate, w->rate);
        check_int(line, "count", c->send.count, w->count);
        check_int(line, "size", c->send.size, w->size);
        check_int(line, "tclass", c->send.tclass, w->tclass);
        check_int(line, "tclass_given", c->send.tclass_given, w->tclass_given);
        check_int(line, "hoplimit", c->send.hoplimit, w->hoplimit);
        check_int(line, "hoplimit_given", c->send.hoplimit_given,
                  w->hoplimit_given);
        check_addr(line, "source", &c->send.source, w->source);
        check_int(line, "sap", c->send.sap, w->sap);
        check_int(line, "dontfrag", c->send.dontfrag, w->dontfrag);
        check_int(line, "payload", c->send.payload, w->payload);
        break;
    case MC_CMD_ANALYZE:
        check_addr(line, "group", &c->analyze.group, w->group);
        check_str(line, "ifname", c->analyze.ifname, w->ifname);
        check_int(line, "port", c->analyze.port, w->port);
        check_int(line, "port_given", c->analyze.port_given, w->port_given);
        check_int(line, "mode", c->analyze.cfg.mode, w->mode);
        check_int(line, "clock", c->analyze.cfg.rtp_clock_hz, w->clock);
        check_int(line, "offset", c->analyze.cfg.seq_offset, w->offset);
        check_int(line, "width", c->analyze.cfg.seq_width, w->width);
        check_int(line, "le", c->analyze.cfg.seq_le, w->le);
        check_int(line, "gap", c->analyze.gap_ms, w->gap);
        check_int(line, "gap_given", c->analyze.gap_given, w->gap_given);
        break;
    case MC_CMD_STOP_SEND:
        check_addr(line, "group", &c->stop.group, w->group);
        break;
    case MC_CMD_RESET:
        check_addr(line, "group", &c->reset.group, w->group);
        break;
    case MC_CMD_WAIT:
        if (c->wait_s != w->wait)
            fail_msg("'%s': wait is %.17g, want %.17g", line, c->wait_s,
                     w->wait);
        break;
    case MC_CMD_ECHO:
        check_str(line, "echo", c->echo, w->echo);
        break;
    case MC_CMD_LISTENERS:
    case MC_CMD_DISCOVER:
    case MC_CMD_SAP:
    case MC_CMD_REFLECT:
        check_int(line, "on", c->link.on, w->on);
        check_str(line, "ifname", c->link.ifname, w->ifname);
        break;
    case MC_CMD_DIAGNOSE:
        check_addr(line, "group", &c->diag.group, w->group);
        check_addr(line, "source", &c->diag.source, w->source);
        check_str(line, "ifname", c->diag.ifname, w->ifname);
        check_int(line, "port", c->diag.port, w->port);
        check_int(line, "port_given", c->diag.port_given, w->port_given);
        break;
    case MC_CMD_HOOK:
        check_addr(line, "group", &c->hook.group, w->group);
        check_str(line, "ifname", c->hook.ifname, w->ifname);
        check_int(line, "last", c->hook.last, w->on);
        check_str(line, "command", c->hook.command, w->echo);
        break;
    case MC_CMD_TCP_LISTEN:
    case MC_CMD_TCP_CONNECT:
        check_addr(line, "addr", &c->tcp.addr, w->group);
        check_int(line, "port", c->tcp.port, w->port);
        check_int(line, "tclass", c->tcp.tclass, w->tclass);
        check_int(line, "tclass_given", c->tcp.tclass_given, w->tclass_given);
        check_int(line, "hoplimit", c->tcp.hoplimit, w->hoplimit);
        check_int(line, "hoplimit_given", c->tcp.hoplimit_given,
                  w->hoplimit_given);
        break;
    case MC_CMD_ON:
        check_str(line, "host", c->on.host, w->ifname);
        check_str(line, "command", c->on.command, w->echo);
        break;
    }
}

static void test_valid(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(valid); i++) {
        struct mc_cmd c;
        struct mc_err err;

        memset(&c, 0x5a, sizeof c);
        memset(&err, 0x5a, sizeof err);
        if (mc_cmd_parse(valid[i].line, &c, &err) != 0)
            fail_msg("'%s' refused: %s", valid[i].line, err.msg);
        assert_int_equal(err.code, 0);
        assert_string_equal(err.msg, "");
        check_cmd(valid[i].line, &c, &valid[i].w);
    }
}

/* ---- refusals ---- */

/*
 * A line that must be refused.  key NULL: msg is the exact message.
 * Otherwise the message starts with msg (the words at fault and ": ") and
 * contains key (texts that come from addr.c).
 */
struct ecase {
    const char *line;
    const char *msg;
    const char *key;
};

#define LL_IFACE "name an interface"
#define NOT_ADDR "is not an IPv4 or IPv6 address"
#define SSM_JOIN(g, range)                                                     \
    "join " g ": " g " is in the SSM range " range ", where any-source "       \
    "joins are refused (RFC 4607): use join-source " g " SOURCE (force joins " \
    "anyway, to see what the kernel does)"
#define SSM_EXCL(verb, g, s, range)                                            \
    verb " " g " " s ": " g " is in the SSM range " range ", which has no "    \
         "exclude mode (RFC 4607, RFC 4604): use join-source or "              \
         "leave-source (force, after join ... force, shows what the kernel "   \
         "does)"
#define NOT_GROUP(verb, g)                                                     \
    verb " " g ": '" g "' is not a multicast group: groups are 224.0.0.0/4 "   \
         "or ff00::/8"
#define CONTROL(col, hex)                                                      \
    "column " col ": control character " hex ": a line holds one command "     \
    "in printable text"
#define MEMBER_USAGE(v) v " GROUP [dev IFACE] [port N]"
#define SOURCE_USAGE(v) v " GROUP SOURCE [dev IFACE] [port N]"
#define JOIN_USAGE MEMBER_USAGE("join") " [bind any|wire] [force]"
#define JOIN_SOURCE_USAGE SOURCE_USAGE("join-source") " [bind any|wire]"
#define PICK " [bind group|any]"
#define SET_USAGE                                                              \
    "set hoplimit|mcast-hoplimit|tclass|ttl|tos|loopback|mcast-if|"            \
    "multicast-all VALUE"
#define SEND_USAGE                                                             \
    "send GROUP [dev IFACE] [port N] [rate PPS] [count N] [size BYTES] "       \
    "[tclass N] [hoplimit N] [source ADDR] [payload probe|rtp|mpegts] [sap] "  \
    "[dontfrag]"
#define ANALYZE_USAGE                                                          \
    "analyze GROUP auto|probe|rtp [clock HZ]|mpegts|seq OFFSET WIDTH "         \
    "[be|le]|none [dev IFACE] [port N] [gap MS]"
#define VERB_LIST                                                              \
    "use join, leave, join-source, leave-source, exclude-source, "             \
    "include-source, set, cmsg, pcap, send, stop-send, wait, echo, analyze, "  \
    "reset, listeners, on-listener, discover, sap, on, diagnose, "             \
    "tcp-listen, tcp-connect or reflect"
#define IFNAME_BAD(kw, n)                                                      \
    kw " " n ": '" n "' is not an interface name (no '/', ':' or '%'): "       \
       "list them with 'ip link'"
#define IFNAME_LONG(kw, n)                                                     \
    kw " " n ": interface names are at most 15 characters: list them with "    \
       "'ip link'"
#define PORT_RANGE(v) "port " v ": the port must be 1..65535"
#define TCLASS_RANGE "traffic class is 0..255 (e.g. 0x28 for AF11)"

static const struct ecase refused[] = {
    /* listeners and on-listener */
    {"listeners", "listeners: missing on|off: listeners on|off [dev IFACE]",
     NULL},
    {"listeners maybe", "listeners maybe: use on or off", NULL},
    {"send ff15::1 sap sap", "sap: given twice", NULL},
    {"send ff15::1 dontfrag dontfrag", "dontfrag: given twice", NULL},
    {"listeners on port 5",
     "listeners on port: unknown option 'port': listeners on|off [dev IFACE]",
     NULL},
    {"on-listener",
     "on-listener: missing GROUP: on-listener GROUP first|last COMMAND...|none",
     NULL},
    {"on-listener 10.0.0.1 first echo x",
     "on-listener 10.0.0.1: '10.0.0.1' is not a multicast group: groups are "
     "224.0.0.0/4 or ff00::/8",
     NULL},
    {"on-listener 239.1.1.1",
     "on-listener 239.1.1.1: missing first|last: on-listener GROUP first|last "
     "COMMAND...|none",
     NULL},
    {"on-listener 239.1.1.1 second join 239.1.1.1",
     "on-listener 239.1.1.1 second: not first or last: on-listener GROUP "
     "first|last COMMAND...|none",
     NULL},
    {"on-listener 239.1.1.1 first",
     "on-listener 239.1.1.1 first: missing COMMAND: on-listener GROUP "
     "first|last COMMAND...|none",
     NULL},
    {"on-listener 239.1.1.1 first # only a comment",
     "on-listener 239.1.1.1 first: missing COMMAND: on-listener GROUP "
     "first|last COMMAND...|none",
     NULL},
    {"on-listener 239.1.1.1 first jion 239.1.1.1",
     "on-listener 239.1.1.1 first: jion: unknown command 'jion': did you mean "
     "'join'?",
     NULL},
    {"on-listener 239.1.1.1 first join 232.1.1.1",
     "on-listener 239.1.1.1 first: join 232.1.1.1: 232.1.1.1 is in the SSM "
     "range 232.0.0.0/8, where any-source joins are refused (RFC 4607): use "
     "join-source 232.1.1.1 SOURCE (force joins anyway, to see what the "
     "kernel does)",
     NULL},
    {"on-listener 239.1.1.1 first wait 1",
     "on-listener 239.1.1.1 first: a hook's COMMAND cannot be wait: it runs "
     "one command at once (join, leave, send, echo, ...)",
     NULL},
    {"on-listener 239.1.1.1 last on-listener 239.1.1.1 first none",
     "on-listener 239.1.1.1 last: a hook's COMMAND cannot be on-listener: it "
     "runs one command at once (join, leave, send, echo, ...)",
     NULL},
    {"on", "on: missing HOST: on HOST COMMAND...", NULL},
    {"on s1",
     "on s1: missing COMMAND: on HOST COMMAND..., e.g. on s1 set "
     "mcast-hoplimit 2",
     NULL},
    {"on S1 stop-send",
     "on S1: S1 is not a host's name (lower-case letters and digits, e.g. "
     "s1): on HOST COMMAND..., e.g. on s1 set mcast-hoplimit 2",
     NULL},
    /* fuzz.cmd found this: the refusal quoted the raw bytes of the name */
    {"on \xc6\xc6 stop-send",
     "on ??: ?? is not a host's name (lower-case letters and digits, e.g. "
     "s1): on HOST COMMAND..., e.g. on s1 set mcast-hoplimit 2",
     NULL},
    {"on s1 wait 1",
     "on s1: on's COMMAND cannot be wait: it runs one command at once "
     "(join, leave, send, echo, ...)",
     NULL},
    {"on s1 on s2 stop-send",
     "on s1: on's COMMAND cannot be on: it runs one command at once (join, "
     "leave, send, echo, ...)",
     NULL},
    {"on s1 set mcast-hoplimit 300",
     "on s1: set mcast-hoplimit 300: the multicast hop limit is 0..255", NULL},
    {"tcp-connect", "tcp-connect: missing ADDR: tcp-connect ADDR [port N]",
     NULL},
    {"tcp-connect 10.0.0.1",
     "tcp-connect 10.0.0.1: tcp-connect takes an IPv6 address: the traffic "
     "class and hop limit of what arrives are read with IPV6_2292PKTOPTIONS, "
     "which IPv4 lacks",
     NULL},
    {"tcp-connect ff15::1",
     "tcp-connect ff15::1: TCP connects to one host: give a unicast "
     "address, e.g. fd42::1",
     NULL},
    {"tcp-connect fd42::1 tclass 1",
     "tcp-connect fd42::1 tclass: unknown option 'tclass': tcp-connect ADDR "
     "[port N]",
     NULL},
    {"tcp-listen port 0", "port 0: the port must be 1..65535", NULL},
    {"reflect", "reflect: missing on|off: reflect on|off [dev IFACE]", NULL},
    {"tcp-listen tclass 256",
     "tclass 256: traffic class is 0..255 (e.g. 0x28 for AF11)", NULL},
    {"on-listener 239.1.1.1 first none extra",
     "on-listener 239.1.1.1 first extra: unexpected 'extra': on-listener GROUP "
     "first|last COMMAND...|none",
     NULL},
    /* unknown commands, with and without a suggestion */
    {"jion ff15::1", "jion: unknown command 'jion': did you mean 'join'?",
     NULL},
    {"lave ff15::1", "lave: unknown command 'lave': did you mean 'leave'?",
     NULL},
    {"joinsource ff15::1 fd00::1",
     "joinsource: unknown command 'joinsource': did you mean 'join-source'?",
     NULL},
    {"exclude ff15::1 fd00::1",
     "exclude: unknown command 'exclude': did you mean 'exclude-source'?",
     NULL},
    {"stopsend",
     "stopsend: unknown command 'stopsend': did you mean "
     "'stop-send'?",
     NULL},
    {"sned ff15::1", "sned: unknown command 'sned': did you mean 'send'?",
     NULL},
    {"JOIN ff15::1", "JOIN: unknown command 'JOIN': did you mean 'join'?",
     NULL},
    {"ech hi", "ech: unknown command 'ech': did you mean 'echo'?", NULL},
    {"frob", "frob: unknown command 'frob': " VERB_LIST, NULL},
    {"help", "help: unknown command 'help': " VERB_LIST, NULL},
    {"239.1.1.1", "239.1.1.1: unknown command '239.1.1.1': " VERB_LIST, NULL},
    {"join#x", "join#x: unknown command 'join#x': did you mean 'join'?", NULL},

    /* control characters: one command per line */
    {"join\x01", CONTROL("5", "0x01"), NULL},
    {"join ff15::1\njoin ff15::2", CONTROL("13", "0x0a"), NULL},
    {"\x1b[2J", CONTROL("1", "0x1b"), NULL},
    {"echo red \x1b[31m", CONTROL("10", "0x1b"), NULL},
    {"echo a\rb", CONTROL("7", "0x0d"), NULL},
    {"wait 1\x7f", CONTROL("7", "0x7f"), NULL},

    /* join */
    {"join", "join: missing GROUP: " JOIN_USAGE, NULL},
    {"join   # only a comment", "join: missing GROUP: " JOIN_USAGE, NULL},
    {"join dev eth0", "join: missing GROUP: " JOIN_USAGE, NULL},
    {"join port 5002", "join: missing GROUP: " JOIN_USAGE, NULL},
    {"join 10.0.0.1", NOT_GROUP("join", "10.0.0.1"), NULL},
    {"join fd00::1", NOT_GROUP("join", "fd00::1"), NULL},
    {"join 0.0.0.0", NOT_GROUP("join", "0.0.0.0"), NULL},
    {"join 10.0.0.1%eth0",
     "join 10.0.0.1%eth0: '10.0.0.1' is not a multicast group: groups are "
     "224.0.0.0/4 or ff00::/8",
     NULL},
    {"join foo", "join foo: ", NOT_ADDR},
    {"join 239.1.1.1#x", "join 239.1.1.1#x: ", NOT_ADDR},
    {"join 239.1.1", "join 239.1.1: ", NOT_ADDR},
    {"join ::ffff:239.1.1.1", "join ::ffff:239.1.1.1: ", "IPv4-mapped"},
    {"join ff15::1%", "join ff15::1%: ", "names no interface"},
    {"join %eth0", "join %eth0: ", "no address before"},
    {"join ff15::1%a/b", "join ff15::1%a/b: ", "not an interface name"},
    {"join ff15::1%abcdefghijklmnop",
     "join ff15::1%abcdefghijklmnop: ", "longer than 15"},
    {"join 232.1.1.1", SSM_JOIN("232.1.1.1", "232.0.0.0/8"), NULL},
    {"join 232.255.255.255 port 5002",
     SSM_JOIN("232.255.255.255", "232.0.0.0/8"), NULL},
    {"join ff3e::1234", SSM_JOIN("ff3e::1234", "ff3x::/96"), NULL},
    {"join ff35::8000:1", SSM_JOIN("ff35::8000:1", "ff3x::/96"), NULL},
    {"join 232.1.1.1%eth0",
     "join 232.1.1.1%eth0: 232.1.1.1 is in the SSM range 232.0.0.0/8, "
     "where any-source joins are refused (RFC 4607): use join-source "
     "232.1.1.1%eth0 SOURCE (force joins anyway, to see what the kernel "
     "does)",
     NULL},
    {"join ff02::1234",
     "join ff02::1234: ff02::1234 is link-local: name an interface "
     "(ff02::1234%IFACE or dev IFACE)",
     NULL},
    {"join ff02::1234 port 5002", "join ff02::1234: ", LL_IFACE},
    {"join 224.0.0.251",
     "join 224.0.0.251: 224.0.0.251 is link-local: name an interface "
     "(224.0.0.251%IFACE or dev IFACE)",
     NULL},
    {"join ff01::1",
     "join ff01::1: ff01::1 is interface-local: name an interface "
     "(ff01::1%IFACE or dev IFACE)",
     NULL},
    {"join ff15::1 port 70000", PORT_RANGE("70000"), NULL},
    {"join ff15::1 port 0", PORT_RANGE("0"), NULL},
    {"join ff15::1 port 65536", PORT_RANGE("65536"), NULL},
    {"join ff15::1 port 99999999999999999999999",
     PORT_RANGE("99999999999999999999999"), NULL},
    {"join ff15::1 port -1",
     "port -1: '-1' is not a number: the port must be 1..65535", NULL},
    {"join ff15::1 port +5",
     "port +5: '+5' is not a number: the port must be 1..65535", NULL},
    {"join ff15::1 port 0x10",
     "port 0x10: '0x10' is not a number: the port must be 1..65535", NULL},
    {"join ff15::1 port 50o1",
     "port 50o1: '50o1' is not a number: the port must be 1..65535", NULL},
    {"join ff15::1 port", "port: missing N: the port must be 1..65535", NULL},
    {"join ff15::1 port # 5002", "port: missing N: the port must be 1..65535",
     NULL},
    {"join ff15::1 port 5002 port 5003", "port 5003: port given twice", NULL},
    {"join ff15::1 port 5002 port 5002", "port 5002: port given twice", NULL},
    {"join ff15::1 dev eth0 dev eth1", "dev eth1: dev given twice", NULL},
    {"join ff15::1 dev eth0 dev eth0", "dev eth0: dev given twice", NULL},
    {"join ff15::1%eth0 dev eth1",
     "dev eth1: ff15::1%eth0 already names interface eth0", NULL},
    {"join ff15::1%eth0 dev eth0 dev eth0", "dev eth0: dev given twice", NULL},
    {"join ff15::1 dev", "dev: missing IFACE: dev IFACE", NULL},
    {"join ff15::1 dev a/b", IFNAME_BAD("dev", "a/b"), NULL},
    {"join ff15::1 dev eth0:1", IFNAME_BAD("dev", "eth0:1"), NULL},
    {"join ff15::1 dev eth%d", IFNAME_BAD("dev", "eth%d"), NULL},
    {"join ff15::1 dev .", IFNAME_BAD("dev", "."), NULL},
    {"join ff15::1 dev ..", IFNAME_BAD("dev", ".."), NULL},
    {"join ff15::1 dev abcdefghijklmnop",
     IFNAME_LONG("dev", "abcdefghijklmnop"), NULL},
    {"join ff15::1 fd00::1",
     "join ff15::1 fd00::1: join takes no SOURCE: use join-source ff15::1 "
     "fd00::1",
     NULL},
    {"join ff15::1%eth0 port 5002 fd00::1",
     "join ff15::1%eth0 fd00::1: join takes no SOURCE: use join-source "
     "ff15::1%eth0 fd00::1",
     NULL},
    {"join ff15::1 prot 5002",
     "join ff15::1 prot: unknown option 'prot': did you mean 'port'?", NULL},
    {"join ff15::1 deb eth0",
     "join ff15::1 deb: unknown option 'deb': did you mean 'dev'?", NULL},
    {"join ff15::1 rate 5",
     "join ff15::1 rate: unknown option 'rate': " JOIN_USAGE, NULL},
    {"join ff15::1 bogus",
     "join ff15::1 bogus: unknown option 'bogus': " JOIN_USAGE, NULL},
    {"join ff15::1 dev eth0 port 5002 extra",
     "join ff15::1 extra: unknown option 'extra': " JOIN_USAGE, NULL},

    /* leave */
    {"leave", "leave: missing GROUP: " MEMBER_USAGE("leave") PICK, NULL},
    {"leave 10.1.2.3", NOT_GROUP("leave", "10.1.2.3"), NULL},
    {"leave ff02::1", "leave ff02::1: ", LL_IFACE},
    {"leave ff15::1 fd00::1",
     "leave ff15::1 fd00::1: leave takes no SOURCE: use leave-source "
     "ff15::1 fd00::1",
     NULL},
    {"leave ff15::1 port 1 port 2", "port 2: port given twice", NULL},
    {"leave ff15::1 source fd00::1",
     "leave ff15::1 source: unknown option 'source': " MEMBER_USAGE("leave")
         PICK,
     NULL},

    /* join-source and the other source verbs */
    {"join-source", "join-source: missing GROUP: " JOIN_SOURCE_USAGE, NULL},
    {"join-source ff15::1",
     "join-source ff15::1: missing SOURCE: " JOIN_SOURCE_USAGE, NULL},
    {"join-source ff15::1 dev eth0",
     "join-source ff15::1: missing SOURCE: " JOIN_SOURCE_USAGE, NULL},
    {"join-source ff15::1 10.0.0.1",
     "join-source ff15::1 10.0.0.1: the source is IPv4 but the group is "
     "IPv6",
     NULL},
    {"join-source 232.1.1.1 fd00::1",
     "join-source 232.1.1.1 fd00::1: the source is IPv6 but the group is "
     "IPv4",
     NULL},
    {"join-source 239.1.1.1 239.2.2.2",
     "join-source 239.1.1.1 239.2.2.2: the source must be a unicast address",
     NULL},
    {"join-source 239.1.1.1 0.0.0.0",
     "join-source 239.1.1.1 0.0.0.0: the source must be a unicast address",
     NULL},
    {"join-source ff15::1 ::",
     "join-source ff15::1 ::: the source must be a unicast address", NULL},
    {"join-source ff15::1 fd00::1%eth0",
     "join-source ff15::1 fd00::1%eth0: a SOURCE takes no %IFACE: name the "
     "interface with GROUP%IFACE or dev IFACE",
     NULL},
    {"join-source ff15::1 bar", "join-source ff15::1 bar: ", NOT_ADDR},
    {"join-source 10.1.1.1 10.0.0.1", NOT_GROUP("join-source", "10.1.1.1"),
     NULL},
    {"join-source ff02::1 fe80::1", "join-source ff02::1 fe80::1: ", LL_IFACE},
    {"join-source ff15::1 fd00::1 fd00::2",
     "join-source ff15::1 fd00::1 fd00::2: unknown option 'fd00::2': "
     "" JOIN_SOURCE_USAGE,
     NULL},
    {"join-source ff15::1 fd00::1 port 99999", PORT_RANGE("99999"), NULL},
    {"leave-source ff15::1",
     "leave-source ff15::1: missing SOURCE: " SOURCE_USAGE("leave-source") PICK,
     NULL},
    {"leave-source 239.1.1.1 ff15::1",
     "leave-source 239.1.1.1 ff15::1: the source is IPv6 but the group is "
     "IPv4",
     NULL},
    {"leave-source ff15::1 fd00::1 dev a/b", IFNAME_BAD("dev", "a/b"), NULL},
    {"exclude-source 232.1.1.1 10.0.0.1",
     SSM_EXCL("exclude-source", "232.1.1.1", "10.0.0.1", "232.0.0.0/8"), NULL},
    {"exclude-source ff15::1",
     "exclude-source ff15::1: missing SOURCE: " SOURCE_USAGE("exclude-source")
         PICK " [force]",
     NULL},
    {"exclude-source ff15::1 ff15::2",
     "exclude-source ff15::1 ff15::2: the source must be a unicast address",
     NULL},
    {"exclude-source ff02::1 fe80::1 port 5002",
     "exclude-source ff02::1 fe80::1: ", LL_IFACE},
    {"include-source ff3e::1 fd00::1",
     SSM_EXCL("include-source", "ff3e::1", "fd00::1", "ff3x::/96"), NULL},
    {"include-source 239.1.1.1 10.0.0.1 dev x dev y", "dev y: dev given twice",
     NULL},
    {"include-source 239.1.1.1",
     "include-source 239.1.1.1: missing SOURCE: "
     "" SOURCE_USAGE("include-source") PICK " [force]",
     NULL},

    /* set */
    {"set", "set: missing OPTION: " SET_USAGE, NULL},
    {"set foo 1",
     "set foo: unknown option 'foo': use hoplimit, mcast-hoplimit, tclass, "
     "ttl, tos, loopback, mcast-if or multicast-all",
     NULL},
    {"set hoplimt 1",
     "set hoplimt: unknown option 'hoplimt': did you mean 'hoplimit'?", NULL},
    {"set loop on", "set loop: unknown option 'loop': did you mean 'loopback'?",
     NULL},
    {"set mcast-ttl 5",
     "set mcast-ttl: unknown option 'mcast-ttl': use hoplimit, "
     "mcast-hoplimit, tclass, ttl, tos, loopback, mcast-if or multicast-all",
     NULL},
    {"set tclass 300", "set tclass 300: " TCLASS_RANGE, NULL},
    {"set tclass 0x100", "set tclass 0x100: " TCLASS_RANGE, NULL},
    {"set tclass abc", "set tclass abc: 'abc' is not a number: " TCLASS_RANGE,
     NULL},
    {"set tclass 0x", "set tclass 0x: '0x' is not a number: " TCLASS_RANGE,
     NULL},
    {"set tclass 0xg1",
     "set tclass 0xg1: '0xg1' is not a number: " TCLASS_RANGE, NULL},
    {"set tclass -1", "set tclass -1: '-1' is not a number: " TCLASS_RANGE,
     NULL},
    {"set tos 256", "set tos 256: TOS is 0..255 (e.g. 0x28 for AF11)", NULL},
    {"set tclass", "set tclass: missing VALUE: " TCLASS_RANGE, NULL},
    {"set hoplimit 256", "set hoplimit 256: the hop limit is 0..255", NULL},
    {"set hoplimit -1",
     "set hoplimit -1: '-1' is not a number: the hop limit is 0..255", NULL},
    {"set hoplimit 0x10",
     "set hoplimit 0x10: '0x10' is not a number: the hop limit is 0..255",
     NULL},
    {"set ttl 256", "set ttl 256: the TTL is 0..255", NULL},
    {"set mcast-hoplimit 300",
     "set mcast-hoplimit 300: the multicast hop limit is 0..255", NULL},
    {"set hoplimit", "set hoplimit: missing VALUE: the hop limit is 0..255",
     NULL},
    {"set hoplimit 5 6", "set hoplimit 5 6: unexpected '6': " SET_USAGE, NULL},
    {"set loopback maybe", "set loopback maybe: use on or off", NULL},
    {"set loopback 1", "set loopback 1: use on or off", NULL},
    {"set loopback ON", "set loopback ON: use on or off", NULL},
    {"set loopback", "set loopback: missing VALUE: use on or off", NULL},
    {"set multicast-all yes", "set multicast-all yes: use on or off", NULL},
    {"set multicast-all on off",
     "set multicast-all on off: unexpected 'off': " SET_USAGE, NULL},
    {"set mcast-if",
     "set mcast-if: missing VALUE: name an interface, or none to clear it",
     NULL},
    {"set mcast-if a:b", IFNAME_BAD("set mcast-if", "a:b"), NULL},
    {"set mcast-if abcdefghijklmnop",
     IFNAME_LONG("set mcast-if", "abcdefghijklmnop"), NULL},
    {"set mcast-if eth0 eth1",
     "set mcast-if eth0 eth1: unexpected 'eth1': " SET_USAGE, NULL},

    /* cmsg */
    {"cmsg",
     "cmsg: missing FLAG: cmsg tclass|hoplimit|src|dst|iface|pathmtu|ttl|tos "
     "on|off",
     NULL},
    {"cmsg foo on",
     "cmsg foo: unknown flag 'foo': use tclass, hoplimit, src, dst, iface, "
     "pathmtu, ttl or tos",
     NULL},
    {"cmsg tclas on",
     "cmsg tclas: unknown flag 'tclas': did you mean 'tclass'?", NULL},
    {"cmsg path on", "cmsg path: unknown flag 'path': did you mean 'pathmtu'?",
     NULL},
    {"cmsg TCLASS on",
     "cmsg TCLASS: unknown flag 'TCLASS': did you mean 'tclass'?", NULL},
    {"cmsg tclass", "cmsg tclass: missing on|off: cmsg FLAG on|off", NULL},
    {"cmsg tclass yes", "cmsg tclass yes: use on or off", NULL},
    {"cmsg tclass on off",
     "cmsg tclass on off: unexpected 'off': cmsg "
     "tclass|hoplimit|src|dst|iface|pathmtu|ttl|tos on|off",
     NULL},

    /* pcap */
    {"pcap", "pcap: missing on|off: pcap on|off [dev IFACE]", NULL},
    {"pcap yes", "pcap yes: use on or off", NULL},
    {"pcap on eth0",
     "pcap on eth0: unknown option 'eth0': pcap on|off [dev IFACE]", NULL},
    {"pcap on port 5",
     "pcap on port: unknown option 'port': pcap on|off [dev IFACE]", NULL},
    {"pcap on dev", "dev: missing IFACE: dev IFACE", NULL},
    {"pcap on dev x dev y", "dev y: dev given twice", NULL},
    {"pcap off dev a/b", IFNAME_BAD("dev", "a/b"), NULL},

    /* send */
    {"send", "send: missing GROUP: " SEND_USAGE, NULL},
    {"send rate 5", "send: missing GROUP: " SEND_USAGE, NULL},
    {"send 10.0.0.1", NOT_GROUP("send", "10.0.0.1"), NULL},
    {"send foo", "send foo: ", NOT_ADDR},
    {"send ff15::1 rate 0",
     "rate 0: the rate must be 1..1000000 packets per second", NULL},
    {"send ff15::1 rate 1000001",
     "rate 1000001: the rate must be 1..1000000 packets per second", NULL},
    {"send ff15::1 rate 1.5",
     "rate 1.5: '1.5' is not a number: the rate must be 1..1000000 packets "
     "per second",
     NULL},
    {"send ff15::1 rate",
     "rate: missing PPS: the rate must be 1..1000000 packets per second", NULL},
    {"send ff15::1 rate 5 rate 6", "rate 6: rate given twice", NULL},
    {"send ff15::1 count 4294967296",
     "count 4294967296: count is 0..4294967295 packets (0: until stopped)",
     NULL},
    {"send ff15::1 count x",
     "count x: 'x' is not a number: count is 0..4294967295 packets (0: "
     "until stopped)",
     NULL},
    {"send ff15::1 size 31",
     "size 31: the size must be 32..65000 bytes (the probe header takes 32)",
     NULL},
    {"send ff15::1 size 65001",
     "size 65001: the size must be 32..65000 bytes (the probe header takes "
     "32)",
     NULL},
    {"send ff15::1 size",
     "size: missing BYTES: the size must be 32..65000 bytes (the probe "
     "header takes 32)",
     NULL},
    {"send ff15::1 tclass 256", "tclass 256: " TCLASS_RANGE, NULL},
    {"send ff15::1 tos 0x100", "tos 0x100: TOS is 0..255 (e.g. 0x28 for AF11)",
     NULL},
    {"send ff15::1 hoplimit 256", "hoplimit 256: the hop limit is 0..255",
     NULL},
    {"send ff15::1 ttl 300", "ttl 300: the TTL is 0..255", NULL},
    {"send ff15::1 hoplimit 3 ttl 4", "ttl 4: hoplimit given twice", NULL},
    {"send ff15::1 tclass 1 tos 2", "tos 2: tclass given twice", NULL},
    {"send ff15::1 source ff15::2",
     "source ff15::2: the source must be a unicast address", NULL},
    {"send ff15::1 source 10.0.0.1",
     "source 10.0.0.1: the source is IPv4 but the group is IPv6", NULL},
    {"send ff15::1 source fd00::1%eth0",
     "source fd00::1%eth0: a SOURCE takes no %IFACE: name the interface with "
     "GROUP%IFACE or dev IFACE",
     NULL},
    {"send ff15::1 source nowhere", "source nowhere: ", NOT_ADDR},
    {"send ff15::1 source", "source: missing ADDR: source ADDR", NULL},
    {"send ff15::1 source fd00::1 source fd00::2",
     "source fd00::2: source given twice", NULL},
    {"send ff15::1%eth0 dev eth1",
     "dev eth1: ff15::1%eth0 already names interface eth0", NULL},
    {"send ff15::1 sise 100",
     "send ff15::1 sise: unknown option 'sise': did you mean 'size'?", NULL},
    {"send ff15::1 bogus 1",
     "send ff15::1 bogus: unknown option 'bogus': " SEND_USAGE, NULL},
    {"send ff15::1 fd00::1",
     "send ff15::1 fd00::1: unknown option 'fd00::1': " SEND_USAGE, NULL},

    /* stop-send */
    {"stop-send 10.0.0.1", NOT_GROUP("stop-send", "10.0.0.1"), NULL},
    {"stop-send foo", "stop-send foo: ", NOT_ADDR},
    {"stop-send ff15::1%eth0",
     "stop-send ff15::1%eth0: stop-send takes a GROUP without %IFACE: it "
     "stops every sender to that group",
     NULL},
    {"stop-send ff15::1 ff15::2",
     "stop-send ff15::1 ff15::2: unexpected 'ff15::2': stop-send [GROUP]",
     NULL},
    {"reset 10.0.0.1", NOT_GROUP("reset", "10.0.0.1"), NULL},
    {"reset ff15::1%eth0",
     "reset ff15::1%eth0: reset takes a GROUP without %IFACE: it resets the "
     "group on every interface and port",
     NULL},
    {"reset ff15::1 ff15::2",
     "reset ff15::1 ff15::2: unexpected 'ff15::2': reset [GROUP]", NULL},
    {"stop-send ff15::1 dev eth0",
     "stop-send ff15::1 dev: unexpected 'dev': stop-send [GROUP]", NULL},

    /* send payload */
    {"send 239.1.1.1 payload mp3",
     "payload: unknown payload 'mp3': use probe, rtp or mpegts", NULL},
    {"send 239.1.1.1 payload rpt",
     "payload: unknown payload 'rpt': did you mean 'rtp'?", NULL},
    {"send 239.1.1.1 payload",
     "payload: missing probe|rtp|mpegts: payload "
     "probe|rtp|mpegts",
     NULL},
    {"send 239.1.1.1 payload mpegts size 100",
     "size 100: payload mpegts sends whole 188-byte TS packets: use size 188 "
     "or more (1316: 7 packets), or leave size out",
     NULL},
    {"send 239.1.1.1 payload rtp payload rtp",
     "payload rtp: payload given twice", NULL},

    /* analyze */
    {"analyze", "analyze: missing GROUP: " ANALYZE_USAGE, NULL},
    {"analyze 10.0.0.1 auto", NOT_GROUP("analyze", "10.0.0.1"), NULL},
    {"analyze 239.1.1.1",
     "analyze 239.1.1.1: missing MODE: auto, probe, rtp, mpegts, seq OFFSET "
     "WIDTH or none",
     NULL},
    {"analyze 239.1.1.1 rpt",
     "analyze 239.1.1.1: unknown mode 'rpt': did you mean 'rtp'?", NULL},
    {"analyze 239.1.1.1 xyzzy",
     "analyze 239.1.1.1: unknown mode 'xyzzy': use auto, probe, rtp, mpegts, "
     "seq or none",
     NULL},
    {"analyze 239.1.1.1 rtp clock",
     "analyze 239.1.1.1 rtp clock: missing HZ: " ANALYZE_USAGE, NULL},
    {"analyze 239.1.1.1 rtp clock 0",
     "analyze 239.1.1.1 rtp clock 0: the RTP clock rate must be "
     "1..100000000 Hz",
     NULL},
    {"analyze 239.1.1.1 rtp clock 100000001",
     "analyze 239.1.1.1 rtp clock 100000001: the RTP clock rate must be "
     "1..100000000 Hz",
     NULL},
    {"analyze 239.1.1.1 rtp clock 90000 clock 5",
     "analyze 239.1.1.1 rtp clock 90000 clock: unknown option 'clock': "
     "" ANALYZE_USAGE,
     NULL},
    {"analyze 239.1.1.1 mpegts clock 90000",
     "analyze 239.1.1.1 mpegts clock: a clock rate is for RTP: analyze "
     "239.1.1.1 rtp clock HZ",
     NULL},
    {"analyze 239.1.1.1 seq",
     "analyze 239.1.1.1 seq: missing OFFSET: " ANALYZE_USAGE, NULL},
    {"analyze 239.1.1.1 seq 4",
     "analyze 239.1.1.1 seq 4: missing WIDTH: " ANALYZE_USAGE, NULL},
    {"analyze 239.1.1.1 seq x 16",
     "analyze 239.1.1.1 seq x: 'x' is not a number: the offset must be "
     "0..65535 bytes into the UDP payload",
     NULL},
    {"analyze 239.1.1.1 seq 70000 16",
     "analyze 239.1.1.1 seq 70000: the offset must be 0..65535 bytes into the "
     "UDP payload",
     NULL},
    {"analyze 239.1.1.1 seq 4 12",
     "analyze 239.1.1.1 seq 4 12: the width must be a whole number of bytes: "
     "8, 16, 24, 32, 40, 48, 56 or 64 bits",
     NULL},
    {"analyze 239.1.1.1 seq 4 72",
     "analyze 239.1.1.1 seq 4 72: the width must be 8..64 bits, a multiple "
     "of 8",
     NULL},
    {"analyze 239.1.1.1 seq 4 16 middle",
     "analyze 239.1.1.1 seq 4 16 middle: unknown option 'middle': "
     "" ANALYZE_USAGE,
     NULL},
    {"analyze 239.1.1.1 auto gap 0",
     "gap 0: the gap threshold must be 1..3600000 ms", NULL},
    {"analyze 239.1.1.1 auto gap",
     "gap: missing MS: the gap threshold must be 1..3600000 ms", NULL},
    {"analyze 239.1.1.1 auto rate 5",
     "analyze 239.1.1.1 auto rate: unknown option 'rate': " ANALYZE_USAGE,
     NULL},
    {"analyze 239.1.1.1 auto port 0", PORT_RANGE("0"), NULL},

    /* wait */
    {"wait", "wait: missing SECONDS: wait SECONDS", NULL},
    {"wait 0", "wait 0: wait takes 0 < SECONDS <= 86400", NULL},
    {"wait 0.0", "wait 0.0: wait takes 0 < SECONDS <= 86400", NULL},
    {"wait 0.0000000001",
     "wait 0.0000000001: at most 9 decimals "
     "(nanoseconds)",
     NULL},
    {"wait 1.0000000001",
     "wait 1.0000000001: at most 9 decimals "
     "(nanoseconds)",
     NULL},
    {"wait 86400.000000001",
     "wait 86400.000000001: wait takes 0 < SECONDS <= 86400", NULL},
    {"wait 86401", "wait 86401: wait takes 0 < SECONDS <= 86400", NULL},
    {"wait 99999999999999999999999",
     "wait 99999999999999999999999: wait takes 0 < SECONDS <= 86400", NULL},
    {"wait -1", "wait -1: '-1' is not a number of seconds: write e.g. 2 or 0.5",
     NULL},
    {"wait 1e3",
     "wait 1e3: '1e3' is not a number of seconds: write e.g. 2 or 0.5", NULL},
    {"wait 1,5",
     "wait 1,5: '1,5' is not a number of seconds: write e.g. 2 or 0.5", NULL},
    {"wait inf",
     "wait inf: 'inf' is not a number of seconds: write e.g. 2 or 0.5", NULL},
    {"wait .", "wait .: '.' is not a number of seconds: write e.g. 2 or 0.5",
     NULL},
    {"wait 1.2.3",
     "wait 1.2.3: '1.2.3' is not a number of seconds: write e.g. 2 or 0.5",
     NULL},
    {"wait 5s", "wait 5s: '5s' is not a number of seconds: write e.g. 2 or 0.5",
     NULL},
    {"wait 2 3", "wait 2 3: unexpected '3': wait SECONDS", NULL},
};

static void expect_refused(const struct ecase *e)
{
    struct mc_cmd c, zero;
    struct mc_err err;
    int r;

    memset(&c, 0x5a, sizeof c);
    memset(&zero, 0, sizeof zero);
    mc_err_clear(&err);
    r = mc_cmd_parse(e->line, &c, &err);
    if (r != -EINVAL)
        fail_msg("'%s' gave %d, want -EINVAL", e->line, r);
    assert_int_equal(err.code, -EINVAL);
    if (memcmp(&c, &zero, sizeof c) != 0)
        fail_msg("'%s': the command is not cleared", e->line);
    if (e->key == NULL) {
        if (strcmp(err.msg, e->msg) != 0)
            fail_msg("'%s':\n  got  '%s'\n  want '%s'", e->line, err.msg,
                     e->msg);
        return;
    }
    if (strncmp(err.msg, e->msg, strlen(e->msg)) != 0 ||
        strstr(err.msg, e->key) == NULL)
        fail_msg("'%s':\n  got '%s'\n  want '%s...%s...'", e->line, err.msg,
                 e->msg, e->key);
}

static void test_refused(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(refused); i++)
        expect_refused(&refused[i]);
}

/* Every refusal names its own fault in one line that fits. */
static void test_refusals_are_one_line(void **state)
{
    size_t i, j;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(refused); i++) {
        struct mc_err err;
        size_t n;

        mc_cmd_parse(refused[i].line, NULL, &err);
        n = strlen(err.msg);
        assert_true(n > 0 && n < sizeof err.msg - 1);
        for (j = 0; j < n; j++)
            assert_true(err.msg[j] >= 0x20 && err.msg[j] < 0x7f);
        assert_non_null(strstr(err.msg, ": "));
    }
}

/* ---- GROUP%IFACE, comments, blanks ---- */

static void parse_ok(const char *line, struct mc_cmd *c)
{
    struct mc_err err;

    if (mc_cmd_parse(line, c, &err) != 0)
        fail_msg("'%s' refused: %s", line, err.msg);
}

static void test_percent_vs_dev(void **state)
{
    struct mc_cmd a, b;

    (void)state;
    parse_ok("join-source ff3e::1234%rx0 fd42::1 port 5002", &a);
    parse_ok("join-source ff3e::1234 fd42::1 dev rx0 port 5002", &b);
    assert_true(mc_cmd_equal(&a, &b));
    parse_ok("join-source ff3e::1234 fd42::1 port 5002 dev rx0", &b);
    assert_true(mc_cmd_equal(&a, &b));
    parse_ok("join-source ff3e::1234%rx0 fd42::1 dev rx0 port 5002", &b);
    assert_true(mc_cmd_equal(&a, &b));
    parse_ok("send 239.1.1.1%eth0", &a);
    parse_ok("send 239.1.1.1 dev eth0", &b);
    assert_true(mc_cmd_equal(&a, &b));
    /* an interface differs: not equal */
    parse_ok("send 239.1.1.1 dev eth1", &b);
    assert_false(mc_cmd_equal(&a, &b));
}

/* force: an SSM group in exclude mode anyway; kept in the canonical
 * text and in equality; refused on a group outside the SSM ranges. */
static void test_force(void **state)
{
    struct mc_cmd a, b;
    struct mc_err err;
    char text[MC_CMD_TEXT_MAX];

    (void)state;
    parse_ok("join ff32::8000:9 dev lab0 force", &a);
    assert_true(a.member.force);
    assert_int_equal(a.member.op, MC_OP_JOIN);
    assert_true(mc_cmd_format(&a, text, sizeof text) > 0);
    assert_string_equal(text, "join ff32::8000:9 dev lab0 force");
    parse_ok("exclude-source ff32::8000:9 fd42::2 force dev lab0", &b);
    assert_true(b.member.force);
    assert_true(mc_cmd_format(&b, text, sizeof text) > 0);
    assert_string_equal(text, "exclude-source ff32::8000:9 fd42::2 dev lab0 "
                              "force");
    parse_ok("include-source 232.1.1.1 10.0.0.1 force", &b);
    assert_true(b.member.force);
    parse_ok("join ff32::8000:9 dev lab0 force", &b);
    assert_true(mc_cmd_equal(&a, &b));
    parse_ok("join-source ff32::8000:9 fd42::1 dev lab0", &b);
    assert_false(b.member.force);
    assert_int_equal(mc_cmd_parse("join ff15::1 force", &b, &err), -EINVAL);
    assert_string_equal(err.msg,
                        "join ff15::1: force takes an SSM group "
                        "(232.0.0.0/8, ff3x::/96) in exclude mode; ff15::1 "
                        "is not in them: drop force");
    assert_int_equal(mc_cmd_parse("join ff32::8000:9 force force", &b, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "given twice"));
    assert_int_equal(
        mc_cmd_parse("leave ff32::8000:9 dev lab0 force", &b, &err), -EINVAL);
    assert_int_equal(
        mc_cmd_parse("join-source ff32::8000:9 fd42::1 force", &b, &err),
        -EINVAL);
}

/* bind on the verbs that address a joined record (leave, leave-source,
 * exclude-source, include-source): which of two listeners of the group
 * and port, the one bound to the group or to the wildcard; given or not
 * is kept (without it the one joined is meant), in the text and in
 * equality. */
static void test_bind_pick(void **state)
{
    struct mc_cmd a, b;
    struct mc_err err;

    (void)state;
    parse_ok("leave ff15::1234 dev lab0 port 5001", &a);
    assert_false(a.member.bind_given);
    assert_int_equal(a.member.bind, MC_CMD_BIND_GROUP);
    parse_ok("leave ff15::1234 dev lab0 port 5001 bind group", &b);
    assert_true(b.member.bind_given);
    assert_int_equal(b.member.bind, MC_CMD_BIND_GROUP);
    assert_false(mc_cmd_equal(&a, &b));
    parse_ok("leave ff15::1234 dev lab0 port 5001 bind any", &b);
    assert_true(b.member.bind_given);
    assert_int_equal(b.member.bind, MC_CMD_BIND_ANY);
    assert_false(mc_cmd_equal(&a, &b));
    parse_ok("exclude-source ff15::1234 fd42::2 bind any dev lab0", &b);
    assert_int_equal(b.member.op, MC_OP_EXCLUDE_SOURCE);
    assert_int_equal(b.member.bind, MC_CMD_BIND_ANY);
    parse_ok("include-source ff15::1234 fd42::2 dev lab0 bind wire", &b);
    assert_int_equal(b.member.bind, MC_CMD_BIND_WIRE);
    parse_ok("join ff15::1234 dev lab0 bind any", &a);
    parse_ok("join ff15::1234 dev lab0", &b);
    assert_false(mc_cmd_equal(&a, &b)); /* two listeners, two commands */
    assert_int_equal(
        mc_cmd_parse("leave ff15::1234 bind any bind group", &b, &err),
        -EINVAL);
    assert_non_null(strstr(err.msg, "given twice"));
    assert_int_equal(mc_cmd_parse("leave ff15::1234 bind all", &b, &err),
                     -EINVAL);
    assert_non_null(strstr(err.msg, "bind all: bind takes group, any or wire"));
    /* diagnose names a group, not a listener */
    assert_int_equal(mc_cmd_parse("diagnose ff15::1234 bind any", &b, &err),
                     -EINVAL);
}

static void test_comments_and_blanks(void **state)
{
    struct mc_cmd a, b;

    (void)state;
    parse_ok("join 239.1.1.1 dev eth0 port 5002", &a);
    parse_ok("  \tjoin\t\t239.1.1.1  dev\teth0 port   5002\t ", &b);
    assert_true(mc_cmd_equal(&a, &b));
    parse_ok("join 239.1.1.1 dev eth0 port 5002 # port 9 dev x", &b);
    assert_true(mc_cmd_equal(&a, &b));
    parse_ok("join 239.1.1.1 dev eth0 port 5002 #\x01 control in a comment",
             &b);
    assert_true(mc_cmd_equal(&a, &b));
    parse_ok("join 239.1.1.1 dev eth0 port 5002\r\n", &b);
    assert_true(mc_cmd_equal(&a, &b));
    parse_ok("join 239.1.1.1 dev eth0 port 5002\n\n\r", &b);
    assert_true(mc_cmd_equal(&a, &b));
}

/* A lone trailing CR (a DOS line end without LF) is dropped too. */
static void test_crlf(void **state)
{
    struct mc_cmd c;

    (void)state;
    parse_ok("join ff15::1\r", &c);
    assert_int_equal(c.kind, MC_CMD_MEMBER);
    parse_ok("echo a b\r", &c);
    assert_string_equal(c.echo, "a b");
}

/* ---- format and round trip ---- */

struct fcase {
    const char *line, *text;
};

static const struct fcase canonical[] = {
    {"", ""},
    {"# only a comment", ""},
    {"join 239.1.1.1", "join 239.1.1.1"},
    {"join FF15:0::01%eth0", "join ff15::1 dev eth0"},
    {"join 239.1.1.1 port 5001 dev eth0", "join 239.1.1.1 dev eth0 port 5001"},
    {"leave 232.1.1.1", "leave 232.1.1.1"},
    {"join-source ff3e::1234%rx0 fd42:0::1",
     "join-source ff3e::1234 fd42::1 dev rx0"},
    {"leave-source 232.1.1.1 10.0.0.1 port 9",
     "leave-source 232.1.1.1 10.0.0.1 port 9"},
    {"exclude-source ff15::99 fd42::2 dev rx0",
     "exclude-source ff15::99 fd42::2 dev rx0"},
    {"include-source ff15::99 fd42::2 dev rx0",
     "include-source ff15::99 fd42::2 dev rx0"},
    {"leave ff15::1234 bind any dev lab0 port 5001",
     "leave ff15::1234 dev lab0 port 5001 bind any"},
    {"leave ff15::1234 dev lab0 bind group",
     "leave ff15::1234 dev lab0 bind group"},
    {"leave-source ff3e::1234 fd42::1 bind any",
     "leave-source ff3e::1234 fd42::1 bind any"},
    {"exclude-source ff32::8000:9 fd42::2 bind group force dev lab0",
     "exclude-source ff32::8000:9 fd42::2 dev lab0 bind group force"},
    {"set ttl 5", "set hoplimit 5"},
    {"set mcast-hoplimit 08", "set mcast-hoplimit 8"},
    {"set tos 40", "set tclass 0x28"},
    {"set tclass 0XB8", "set tclass 0xb8"},
    {"set loopback on", "set loopback on"},
    {"set multicast-all off", "set multicast-all off"},
    {"set mcast-if eth0", "set mcast-if eth0"},
    {"set mcast-if none", "set mcast-if none"},
    {"cmsg ttl on", "cmsg hoplimit on"},
    {"cmsg tos off", "cmsg tclass off"},
    {"cmsg pathmtu on", "cmsg pathmtu on"},
    {"pcap on", "pcap on"},
    {"pcap off dev eth0", "pcap off dev eth0"},
    {"send ff15::1", "send ff15::1"},
    {"send ff15::1 rate 10 size 64 count 0", "send ff15::1"},
    {"send ff15::1 source fd42::1 ttl 7 tos 40 size 100 count 5 rate 20 "
     "port 6000 dev rx0",
     "send ff15::1 dev rx0 port 6000 rate 20 count 5 size 100 tclass 0x28 "
     "hoplimit 7 source fd42::1"},
    {"stop-send", "stop-send"},
    {"stop-send ff15::1", "stop-send ff15::1"},
    {"reset", "reset"},
    {"reset 239.1.1.1", "reset 239.1.1.1"},
    {"tcp-listen", "tcp-listen port 5001"},
    {"tcp-listen hoplimit 3 tos 40 port 5002",
     "tcp-listen port 5002 tclass 0x28 hoplimit 3"},
    {"tcp-connect FD42:0::1 port 5002", "tcp-connect fd42::1 port 5002"},
    {"reflect  on  dev lab0", "reflect on dev lab0"},
    {"wait 2", "wait 2"},
    {"wait 2.50", "wait 2.5"},
    {"wait .000000001", "wait 0.000000001"},
    {"wait 86400.0", "wait 86400"},
    {"wait 0.1", "wait 0.1"},
    {"wait 123.456789012", "wait 123.456789012"},
    {"echo   two spaces # c", "echo   two spaces"},
    {"echo", "echo"},
    {"echo step#2", "echo step#2"},
    {"send 239.1.1.1 payload rtp", "send 239.1.1.1 size 1328 payload rtp"},
    {"send 239.1.1.1 payload probe", "send 239.1.1.1"},
    {"analyze 239.1.1.1 auto", "analyze 239.1.1.1 auto"},
    {"analyze ff15::1%rx0 rtp clock 8000 gap 500 port 5004",
     "analyze ff15::1 rtp clock 8000 dev rx0 port 5004 gap 500"},
    {"analyze 239.1.1.1 seq 4 32", "analyze 239.1.1.1 seq 4 32 be"},
    {"analyze 239.1.1.1 seq 4 32 le", "analyze 239.1.1.1 seq 4 32 le"},
    {"analyze 239.1.1.1 none", "analyze 239.1.1.1 none"},
};

static void test_format(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(canonical); i++) {
        char buf[MC_CMD_TEXT_MAX];
        struct mc_cmd c;
        int n;

        parse_ok(canonical[i].line, &c);
        n = mc_cmd_format(&c, buf, sizeof buf);
        if (n < 0 || strcmp(buf, canonical[i].text) != 0)
            fail_msg("'%s' formats as '%s' (%d), want '%s'", canonical[i].line,
                     buf, n, canonical[i].text);
        assert_int_equal(n, (int)strlen(buf));
    }
}

/* parse(format(c)) == c and format is stable, for every valid line. */
static void round_trip(const char *line)
{
    char text[MC_CMD_TEXT_MAX], again[MC_CMD_TEXT_MAX];
    struct mc_cmd c, back;
    struct mc_err err;
    int n;

    parse_ok(line, &c);
    n = mc_cmd_format(&c, text, sizeof text);
    if (n < 0)
        fail_msg("'%s': format gave %d", line, n);
    if (mc_cmd_parse(text, &back, &err) != 0)
        fail_msg("'%s' -> '%s' refused: %s", line, text, err.msg);
    if (!mc_cmd_equal(&c, &back))
        fail_msg("'%s' -> '%s' parses to another command", line, text);
    assert_int_equal(mc_cmd_format(&back, again, sizeof again), n);
    assert_string_equal(again, text);
}

static void test_round_trip(void **state)
{
    bool kinds[MC_CMD_KIND_LAST + 1] = {false};
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(valid); i++) {
        round_trip(valid[i].line);
        kinds[valid[i].w.kind] = true;
    }
    for (i = 0; i < ARRAY_SIZE(canonical); i++)
        round_trip(canonical[i].line);
    for (i = 0; i <= MC_CMD_KIND_LAST; i++)
        if (!kinds[i])
            fail_msg("no round trip for kind %s",
                     mc_cmd_kind_name((enum mc_cmd_kind)i));
}

/* Every nanosecond count comes back exactly, over the whole range. */
static void test_wait_round_trip(void **state)
{
    unsigned long long ns = 1;
    unsigned i;

    (void)state;
    srand(4607);
    for (i = 0; i < 20000; i++) {
        char line[64];

        if (i < 1000)
            ns = i + 1;
        else if (i < 2000)
            ns = 86400000000000ull - (i - 1000);
        else
            ns = (((unsigned long long)rand() << 31) ^ (unsigned)rand()) %
                     86400000000000ull +
                 1;
        snprintf(line, sizeof line, "wait %llu.%09llu", ns / 1000000000ull,
                 ns % 1000000000ull);
        round_trip(line);
    }
}

static void test_format_edges(void **state)
{
    char buf[MC_CMD_TEXT_MAX], small[8];
    struct mc_cmd c;

    (void)state;
    /* too small: -ENOSPC and the beginning of the text */
    parse_ok("join 239.1.1.1 dev eth0", &c);
    assert_int_equal(mc_cmd_format(&c, small, sizeof small), -ENOSPC);
    assert_string_equal(small, "join 23");
    assert_int_equal(mc_cmd_format(&c, buf, 23), -ENOSPC);
    assert_int_equal(mc_cmd_format(&c, buf, 24), 23);
    assert_int_equal(mc_cmd_format(&c, NULL, 0), -ENOSPC);
    /* nothing */
    parse_ok("", &c);
    assert_int_equal(mc_cmd_format(&c, small, sizeof small), 0);
    assert_string_equal(small, "");
    /* commands no line can say */
    assert_int_equal(mc_cmd_format(NULL, buf, sizeof buf), -EINVAL);
    memset(&c, 0, sizeof c);
    c.kind = (enum mc_cmd_kind)99;
    assert_int_equal(mc_cmd_format(&c, buf, sizeof buf), -EINVAL);
    assert_string_equal(buf, "");
    memset(&c, 0, sizeof c);
    c.kind = MC_CMD_MEMBER; /* no group */
    assert_int_equal(mc_cmd_format(&c, buf, sizeof buf), -EINVAL);
    parse_ok("join-source 232.1.1.1 10.0.0.1", &c);
    c.member.op = (enum mc_member_op)42;
    assert_int_equal(mc_cmd_format(&c, buf, sizeof buf), -EINVAL);
    parse_ok("cmsg src on", &c);
    c.cmsg.flag = MC_CM_SRC | MC_CM_DST;
    assert_int_equal(mc_cmd_format(&c, buf, sizeof buf), -EINVAL);
    parse_ok("set loopback on", &c);
    c.set.opt = (enum mc_cmd_opt)77;
    assert_int_equal(mc_cmd_format(&c, buf, sizeof buf), -EINVAL);
    parse_ok("wait 1", &c);
    c.wait_s = 0;
    assert_int_equal(mc_cmd_format(&c, buf, sizeof buf), -EINVAL);
    c.wait_s = 86401;
    assert_int_equal(mc_cmd_format(&c, buf, sizeof buf), -EINVAL);
}

/* The longest command of every kind fits MC_CMD_TEXT_MAX. */
static void test_format_longest(void **state)
{
    char line[1024], buf[MC_CMD_TEXT_MAX];
    struct mc_cmd c;
    int n;

    (void)state;
    parse_ok("send ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff dev abcdefghijklmno "
             "port 65535 rate 999999 count 4294967295 size 65000 tclass 255 "
             "hoplimit 255 source 1111:2222:3333:4444:5555:6666:7777:8888",
             &c);
    n = mc_cmd_format(&c, buf, sizeof buf);
    assert_true(n > 0 && n < MC_CMD_TEXT_MAX);
    memset(line, 'x', sizeof line);
    memcpy(line, "echo ", 5);
    line[5 + MC_CMD_ECHO_MAX - 1] = '\0';
    parse_ok(line, &c);
    assert_int_equal(strlen(c.echo), MC_CMD_ECHO_MAX - 1);
    n = mc_cmd_format(&c, buf, sizeof buf);
    assert_int_equal(n, 5 + MC_CMD_ECHO_MAX - 1);
    assert_string_equal(buf, line);
}

/* ---- long lines ---- */

static void test_long_lines(void **state)
{
    const size_t big = 200000;
    char *line = malloc(big + 64);
    size_t i;
    struct mc_err err;
    struct mc_cmd c;

    (void)state;
    assert_non_null(line);

    /* blanks before a command */
    memset(line, ' ', big);
    strcpy(line + big, "join 239.1.1.1");
    parse_ok(line, &c);
    assert_int_equal(c.kind, MC_CMD_MEMBER);

    /* a long comment after one */
    strcpy(line, "join 239.1.1.1 #");
    memset(line + 16, 'c', big);
    line[16 + big] = '\0';
    parse_ok(line, &c);
    assert_int_equal(c.kind, MC_CMD_MEMBER);

    /* a long word where a group goes: cut in the message */
    strcpy(line, "join ");
    memset(line + 5, 'a', big);
    line[5 + big] = '\0';
    assert_int_equal(mc_cmd_parse(line, &c, &err), -EINVAL);
    assert_true(strlen(err.msg) < sizeof err.msg - 1);
    assert_non_null(strstr(err.msg, "aaa...: "));
    assert_non_null(strstr(err.msg, NOT_ADDR));

    /* a long unknown command: no suggestion, a short message */
    memset(line, 'j', big);
    line[big] = '\0';
    assert_int_equal(mc_cmd_parse(line, &c, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "unknown command"));
    assert_non_null(strstr(err.msg, VERB_LIST));

    /* a long port, a long option, a long trailing word */
    strcpy(line, "join 239.1.1.1 port ");
    memset(line + 20, '9', big);
    line[20 + big] = '\0';
    assert_int_equal(mc_cmd_parse(line, &c, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "the port must be 1..65535"));
    strcpy(line, "join 239.1.1.1 ");
    memset(line + 15, 'p', big);
    line[15 + big] = '\0';
    assert_int_equal(mc_cmd_parse(line, &c, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "unknown option 'ppp"));

    /* echo: 511 bytes of text are fine, 512 are not */
    strcpy(line, "echo ");
    memset(line + 5, 'e', big);
    line[5 + MC_CMD_ECHO_MAX] = '\0';
    assert_int_equal(mc_cmd_parse(line, &c, &err), -EINVAL);
    assert_string_equal(err.msg, "echo: the text is 512 bytes, more than "
                                 "511: split it over several echo lines");
    line[5 + MC_CMD_ECHO_MAX - 1] = '\0';
    parse_ok(line, &c);
    /* ... and a long comment after a short text does not count */
    strcpy(line, "echo short #");
    memset(line + 12, 'e', big);
    line[12 + big] = '\0';
    parse_ok(line, &c);
    assert_string_equal(c.echo, "short");
    /* many words */
    for (i = 0; i + 7 < big; i += 7)
        memcpy(line + i, "port 1 ", 7);
    line[i] = '\0';
    assert_int_equal(mc_cmd_parse(line, &c, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "unknown command 'port'"));
    free(line);
}

/* ---- the verb table, names, API edges ---- */

static void test_verbs(void **state)
{
    const struct mc_cmd_verb *v;
    size_t n, i, j;

    (void)state;
    v = mc_cmd_verbs(&n);
    assert_non_null(v);
    assert_int_equal(n, 24); /* analyze, reset, link verbs, on, diagnose, tcp,
                                reflect */
    assert_ptr_equal(mc_cmd_verbs(NULL), v);
    for (i = 0; i < n; i++) {
        size_t len = strlen(v[i].name);
        struct mc_cmd c;
        struct mc_err err;

        assert_true(strncmp(v[i].usage, v[i].name, len) == 0);
        assert_true(v[i].usage[len] == ' ');
        assert_true(strlen(v[i].help) > 10);
        for (j = 0; j < i; j++)
            assert_string_not_equal(v[i].name, v[j].name);
        /* the verb alone is known: refused for a missing word, or not */
        mc_cmd_parse(v[i].name, &c, &err);
        assert_null(strstr(err.msg, "unknown command"));
    }
    assert_string_equal(v[0].usage,
                        "join GROUP [dev IFACE] [port N] [bind any|wire] "
                        "[force]");
    assert_string_equal(v[9].usage, SEND_USAGE);
    assert_string_equal(v[13].usage, ANALYZE_USAGE);
}

/* The verbs of the six operations are member_op.c's names for them. */
static void test_member_names(void **state)
{
    static const char *const lines[] = {
        "join ff15::1",
        "leave ff15::1",
        "join-source ff15::1 fd00::1",
        "leave-source ff15::1 fd00::1",
        "exclude-source ff15::1 fd00::1",
        "include-source ff15::1 fd00::1",
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(lines); i++) {
        struct mc_cmd c;

        parse_ok(lines[i], &c);
        assert_int_equal(c.kind, MC_CMD_MEMBER);
        assert_int_equal(c.member.op, (enum mc_member_op)i);
        assert_string_equal(mc_cmd_verb_name(&c),
                            mc_member_op_name(c.member.op));
        assert_true(strncmp(lines[i], mc_cmd_verb_name(&c),
                            strlen(mc_cmd_verb_name(&c))) == 0);
    }
}

static void test_names(void **state)
{
    static const struct {
        const char *line, *verb;
        enum mc_cmd_kind kind;
        const char *kind_name;
    } t[] = {
        {"", "", MC_CMD_NONE, "none"},
        {"join ff15::1", "join", MC_CMD_MEMBER, "member"},
        {"set ttl 1", "set", MC_CMD_SET, "set"},
        {"cmsg src on", "cmsg", MC_CMD_CMSG, "cmsg"},
        {"pcap on", "pcap", MC_CMD_PCAP, "pcap"},
        {"send ff15::1", "send", MC_CMD_SEND, "send"},
        {"stop-send", "stop-send", MC_CMD_STOP_SEND, "stop-send"},
        {"wait 1", "wait", MC_CMD_WAIT, "wait"},
        {"echo", "echo", MC_CMD_ECHO, "echo"},
        {"analyze ff15::1 auto", "analyze", MC_CMD_ANALYZE, "analyze"},
        {"reset", "reset", MC_CMD_RESET, "reset"},
        {"listeners on", "listeners", MC_CMD_LISTENERS, "listeners"},
        {"on-listener ff15::1 first none", "on-listener", MC_CMD_HOOK, "hook"},
        {"discover on", "discover", MC_CMD_DISCOVER, "discover"},
        {"sap off", "sap", MC_CMD_SAP, "sap"},
        {"on s1 stop-send", "on", MC_CMD_ON, "on"},
        {"diagnose ff15::1", "diagnose", MC_CMD_DIAGNOSE, "diagnose"},
        {"tcp-listen", "tcp-listen", MC_CMD_TCP_LISTEN, "tcp-listen"},
        {"tcp-connect ::1", "tcp-connect", MC_CMD_TCP_CONNECT, "tcp-connect"},
        {"reflect on", "reflect", MC_CMD_REFLECT, "reflect"},
    };
    struct mc_cmd c;
    size_t i;

    (void)state;
    for (i = 0; i < ARRAY_SIZE(t); i++) {
        parse_ok(t[i].line, &c);
        assert_int_equal(c.kind, t[i].kind);
        assert_string_equal(mc_cmd_verb_name(&c), t[i].verb);
        assert_string_equal(mc_cmd_kind_name(c.kind), t[i].kind_name);
    }
    assert_string_equal(mc_cmd_kind_name((enum mc_cmd_kind)99), "unknown");
    assert_string_equal(mc_cmd_kind_name((enum mc_cmd_kind) - 1), "unknown");
    assert_string_equal(mc_cmd_verb_name(NULL), "");
    assert_string_equal(mc_cmd_opt_name(MC_OPT_HOPLIMIT), "hoplimit");
    assert_string_equal(mc_cmd_opt_name(MC_OPT_MCAST_HOPLIMIT),
                        "mcast-hoplimit");
    assert_string_equal(mc_cmd_opt_name(MC_OPT_TCLASS), "tclass");
    assert_string_equal(mc_cmd_opt_name(MC_OPT_LOOPBACK), "loopback");
    assert_string_equal(mc_cmd_opt_name(MC_OPT_MCAST_IF), "mcast-if");
    assert_string_equal(mc_cmd_opt_name(MC_OPT_MULTICAST_ALL), "multicast-all");
    assert_string_equal(mc_cmd_opt_name((enum mc_cmd_opt)50), "?");
}

static void test_api_edges(void **state)
{
    struct mc_cmd c, d;
    struct mc_err err;

    (void)state;
    /* NULL line */
    assert_int_equal(mc_cmd_parse(NULL, &c, &err), -EINVAL);
    assert_string_equal(err.msg, "no command line given");
    /* no err: still refused, still parsed */
    assert_int_equal(mc_cmd_parse("join 10.0.0.1", &c, NULL), -EINVAL);
    assert_int_equal(c.kind, MC_CMD_NONE);
    assert_int_equal(mc_cmd_parse("join 239.1.1.1", &c, NULL), 0);
    assert_int_equal(c.kind, MC_CMD_MEMBER);
    /* no out: only check */
    assert_int_equal(mc_cmd_parse("join 239.1.1.1", NULL, &err), 0);
    assert_int_equal(mc_cmd_parse("join 10.0.0.1", NULL, &err), -EINVAL);
    assert_int_equal(err.code, -EINVAL);
    /* a success clears an earlier error */
    assert_int_equal(mc_cmd_parse("wait 1", &c, &err), 0);
    assert_int_equal(err.code, 0);
    assert_string_equal(err.msg, "");
    /* equality */
    parse_ok("wait 1", &c);
    parse_ok("wait 1.5", &d);
    assert_false(mc_cmd_equal(&c, &d));
    parse_ok("wait 1.0", &d);
    assert_true(mc_cmd_equal(&c, &d));
    parse_ok("echo 1", &d);
    assert_false(mc_cmd_equal(&c, &d));
    assert_false(mc_cmd_equal(&c, NULL));
    assert_false(mc_cmd_equal(NULL, &c));
    parse_ok("join 239.1.1.1 port 5001", &c);
    parse_ok("join 239.1.1.1", &d);
    assert_false(mc_cmd_equal(&c, &d)); /* port_given differs */
    parse_ok("send 239.1.1.1 tclass 0", &c);
    parse_ok("send 239.1.1.1", &d);
    assert_false(mc_cmd_equal(&c, &d)); /* tclass_given differs */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_refusals_are_one_line),
        cmocka_unit_test(test_percent_vs_dev),
        cmocka_unit_test(test_force),
        cmocka_unit_test(test_bind_pick),
        cmocka_unit_test(test_comments_and_blanks),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_wait_round_trip),
        cmocka_unit_test(test_format_edges),
        cmocka_unit_test(test_format_longest),
        cmocka_unit_test(test_long_lines),
        cmocka_unit_test(test_verbs),
        cmocka_unit_test(test_member_names),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_api_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
