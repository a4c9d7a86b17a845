/*
 * Integration: every lesson of assets/lessons runs headless to its end,
 * `mcscope --lab --batch 120 --json --lesson NAME` (root; skips with 77
 * otherwise, and when this mcscope has no --lab), and each stage shows
 * what the lesson says it shows.  The JSON has one report per stage (the
 * state at the stage's end); a stage's count is its report's minus the
 * one before.  The lab's senders send 20 packets/s per source and group,
 * so a stage of S seconds wants about 20 * S packets from a source that
 * is let in (FULL(S)) and none (NONE: at most one that was in flight)
 * from one that is kept out; WIRE is what the capture on RX's lab0 saw.
 * The MLD and IGMP messages each stage sent are checked by type, group
 * and source, e.g. exclude-source -> BLOCK_OLD_SOURCES {fd42::2}.
 *
 * The labs run in parallel (each has its own namespaces).  Also: the
 * lesson list the program gives for an unknown name is exactly the files
 * of assets/lessons; a lesson with a refused line, an unknown lab line or
 * a command before its first stage exits 2 naming FILE:LINE, and builds
 * nothing.
 *
 * The lessons are found through MCSCOPE_LESSONS, set from this file's
 * path (SOURCE/tests/netns -> SOURCE/assets/lessons) unless given.
 */
#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include <json-c/json.h>

#include "montest.h"
#include "progrun.h"
#include "runout.h"

#define RATE 20
#define PARALLEL 4
#define LESSON_SECONDS "120"

/* Packet ranges for a stage of s seconds. */
#define FULL(s) (RATE * (s)-5), (RATE * (s) + 5)
#define NONE 0, 1
#define ANY -1, -1
#define ZERO 0, 0
#define NOMARK -1 /* tclass / hoplimit: not checked */
#define ABSENT -2 /* tclass / hoplimit: not in the report */

static char lesson_dir[PATH_MAX];

/* ---- what each lesson must show ---- */

struct count_exp {
    int stage;
    const char *group, *source;
    int lo, hi;   /* socket packets in the stage; -1: not checked */
    int wlo, whi; /* wire packets in the stage; -1: not checked */
    int tclass, hoplimit;
};

/* A message the host sent during the stage: for v2/v3 reports a record
 * (type, group, the one source or NULL for none); for MLDv1/IGMPv1-2 the
 * message type ("report", "leave") and its group. */
struct rec_exp {
    int stage;
    const char *proto, *type, *group, *source;
};

struct lesson_exp {
    const char *name;
    int nstages;
    const struct count_exp *counts;
    size_t ncounts;
    const struct rec_exp *recs;
    size_t nrecs;
    const char *const *stderr_has; /* NULL-terminated */
    bool v1_only;                  /* no MLDv2 or IGMPv3 message sent */
    /* more checks of its own (root: the JSON; err: its stderr), or NULL */
    void (*extra)(json_object *root, const char *err);
    bool pcap; /* run with --write-pcap (pcap_path), for extra */
};

/* Lessons written with a "# check:" in every stage. */
static const char *const checked_lessons[] = {"mldv1", "senders", "exclude-ssm",
                                              "unicast", "reflector"};

/* C(stage, group, source, packets lo, hi, wire lo, hi) and
 * CM(stage, group, source, packets lo, hi, tclass, hoplimit); the ranges
 * may be FULL(s), NONE, ZERO or ANY (each two numbers). */
#define C(...) C_(__VA_ARGS__)
#define C_(st, g, s, lo, hi, wlo, whi)                                         \
    {                                                                          \
        st, g, s, lo, hi, wlo, whi, -1, -1                                     \
    }
#define CM(...) CM_(__VA_ARGS__)
#define CM_(st, g, s, lo, hi, tc, hl)                                          \
    {                                                                          \
        st, g, s, lo, hi, -1, -1, tc, hl                                       \
    }

static const struct count_exp tour_c[] = {
    C(1, "ff15::1234", "fd42::1", FULL(3), FULL(3)),
    C(1, "ff15::1234", "fd42::2", FULL(3), FULL(3)),
    C(2, "ff3e::1234", "fd42::1", FULL(3), FULL(3)),
    C(2, "ff3e::1234", "fd42::2", NONE, FULL(3)),
    C(3, "ff15::1234", "fd42::1", FULL(3), FULL(3)),
    C(3, "ff15::1234", "fd42::2", NONE, FULL(3)),
    C(4, "ff15::1234", "fd42::2", FULL(3), FULL(3)),
};
static const struct rec_exp tour_r[] = {
    {1, "mldv2", "CHANGE_TO_EXCLUDE", "ff15::1234", NULL},
    {2, "mldv2", "ALLOW_NEW_SOURCES", "ff3e::1234", "fd42::1"},
    {3, "mldv2", "BLOCK_OLD_SOURCES", "ff15::1234", "fd42::2"},
    {4, "mldv2", "ALLOW_NEW_SOURCES", "ff15::1234", "fd42::2"},
};

static const struct count_exp tclass_c[] = {
    CM(1, "ff15::1234", "fd42::1", FULL(3), 0x28, 7),
    CM(1, "ff15::1234", "fd42::2", FULL(3), 0xb8, 9),
    CM(2, "ff15::4321", "fd42::10", 25, 33, 0x28, 1),
    CM(3, "ff15::4321", "fd42::10", 25, 33, 0xe0, 1),
    CM(4, "ff15::4321", "fd42::10", 25, 33, 0x48, 1),
};

static const struct count_exp join_c[] = {
    C(1, "ff15::1234", "fd42::1", FULL(3), ANY),
    C(1, "ff15::1234", "fd42::2", FULL(3), ANY),
    C(2, "239.1.1.1", "10.200.0.1", FULL(3), ANY),
    C(2, "239.1.1.1", "10.200.0.2", FULL(3), ANY),
    C(3, "ff15::1234", "fd42::1", FULL(3), ANY),
    C(3, "239.1.1.1", "10.200.0.2", FULL(3), ANY),
    C(3, "ff02::114", NULL, ZERO, ANY),
    C(4, "ff15::1234", "fd42::1", NONE, ANY),
    C(4, "239.1.1.1", "10.200.0.1", NONE, ANY),
};

static const struct count_exp cmsg_c[] = {
    CM(1, "ff15::1234", "fd42::1", FULL(3), ABSENT, ABSENT),
    CM(1, "ff15::1234", "fd42::2", FULL(3), ABSENT, ABSENT),
    CM(2, "ff15::1234", "fd42::1", FULL(3), ABSENT, 7),
    CM(2, "ff15::1234", "fd42::2", FULL(3), ABSENT, 9),
    CM(3, "ff15::1234", "fd42::1", FULL(3), 0x28, 7),
    CM(3, "ff15::1234", "fd42::2", FULL(3), 0xb8, 9),
    CM(4, "ff3e::1234", "fd42::2", FULL(3), 0xb8, 9),
};

static const struct count_exp listeners_c[] = {
    C(1, "ff15::1234", "fd42::1", FULL(3), ANY),
    C(1, "ff3e::1234", "fd42::1", FULL(3), ANY),
    C(2, "ff15::1234", "fd42::1", FULL(3), ANY),
    C(2, "ff15::1234", "fd42::2", FULL(3), ANY),
    C(3, "ff15::1234", "fd42::1", NONE, ANY),
    C(3, "ff15::1234", "fd42::2", NONE, ANY),
    C(3, "ff3e::1234", "fd42::1", FULL(3), ANY),
    C(4, "ff15::1234", "fd42::1", FULL(3), ANY),
    C(4, "ff15::1234", "fd42::2", FULL(3), ANY),
    C(5, "ff15::1234", "fd42::1", NONE, ANY),
    C(5, "ff3e::1234", "fd42::1", NONE, ANY),
    /* the wildcard's row (the first of the group), joined again */
    C(6, "ff15::1234", "fd42::1", FULL(3), ANY),
    C(6, "ff15::1234", "fd42::2", FULL(3), ANY),
};
static const char *const listeners_err[] = {"another program on RX", "ends",
                                            NULL};
/* listeners stage 6: the row bound to the group beside the wildcard's */
static void listeners_extra(json_object *root, const char *err);

static const struct count_exp leave_c[] = {
    C(1, "ff15::1234", "fd42::1", FULL(3), FULL(3)),
    C(2, "ff15::1234", "fd42::1", NONE, 40, 66),
    C(2, "ff15::1234", "fd42::2", NONE, 40, 66),
    C(3, "ff15::1234", "fd42::1", FULL(3), FULL(3)),
    C(4, "239.1.1.1", "10.200.0.1", FULL(2), ANY),
    C(4, "ff15::1234", "fd42::2", FULL(2), ANY),
};
static const struct rec_exp leave_r[] = {
    {1, "mldv2", "CHANGE_TO_EXCLUDE", "ff15::1234", NULL},
    {2, "mldv2", "CHANGE_TO_INCLUDE", "ff15::1234", NULL},
    {3, "mldv2", "CHANGE_TO_EXCLUDE", "ff15::1234", NULL},
    {4, "igmpv3", "CHANGE_TO_EXCLUDE", "239.1.1.1", NULL},
    {4, "igmpv3", "CHANGE_TO_INCLUDE", "239.1.1.1", NULL},
    {4, "mldv2", "CHANGE_TO_INCLUDE", "ff15::1234", NULL},
};

static const struct count_exp ssm_c[] = {
    C(1, "ff3e::1234", "fd42::1", FULL(3), FULL(3)),
    C(1, "ff3e::1234", "fd42::2", NONE, FULL(3)),
    C(2, "ff3e::1234", "fd42::1", FULL(3), FULL(3)),
    C(2, "ff3e::1234", "fd42::2", FULL(3), FULL(3)),
    C(3, "ff3e::1234", "fd42::1", NONE, FULL(3)),
    C(3, "ff3e::1234", "fd42::2", FULL(3), FULL(3)),
    C(4, "232.1.1.1", "10.200.0.2", FULL(3), FULL(3)),
    C(4, "232.1.1.1", "10.200.0.1", NONE, FULL(3)),
    C(5, "ff3e::1234", "fd42::2", NONE, ANY),
    C(5, "232.1.1.1", "10.200.0.2", NONE, ANY),
};
static const struct rec_exp ssm_r[] = {
    {1, "mldv2", "ALLOW_NEW_SOURCES", "ff3e::1234", "fd42::1"},
    {2, "mldv2", "ALLOW_NEW_SOURCES", "ff3e::1234", "fd42::2"},
    {3, "mldv2", "BLOCK_OLD_SOURCES", "ff3e::1234", "fd42::1"},
    {4, "igmpv3", "ALLOW_NEW_SOURCES", "232.1.1.1", "10.200.0.2"},
    {5, "mldv2", "BLOCK_OLD_SOURCES", "ff3e::1234", "fd42::2"},
    {5, "igmpv3", "BLOCK_OLD_SOURCES", "232.1.1.1", "10.200.0.2"},
};

static const struct count_exp exclude_c[] = {
    C(1, "ff15::1234", "fd42::1", FULL(3), FULL(3)),
    C(1, "ff15::1234", "fd42::2", FULL(3), FULL(3)),
    C(2, "ff15::1234", "fd42::1", FULL(3), FULL(3)),
    C(2, "ff15::1234", "fd42::2", NONE, FULL(3)),
    C(3, "ff15::1234", "fd42::2", FULL(3), FULL(3)),
    C(4, "239.1.1.1", "10.200.0.2", FULL(3), FULL(3)),
    C(4, "239.1.1.1", "10.200.0.1", NONE, FULL(3)),
    C(5, "ff15::1234", "fd42::1", NONE, ANY),
    C(5, "239.1.1.1", "10.200.0.2", NONE, ANY),
};
static const struct rec_exp exclude_r[] = {
    {1, "mldv2", "CHANGE_TO_EXCLUDE", "ff15::1234", NULL},
    {2, "mldv2", "BLOCK_OLD_SOURCES", "ff15::1234", "fd42::2"},
    {3, "mldv2", "ALLOW_NEW_SOURCES", "ff15::1234", "fd42::2"},
    {4, "igmpv3", "CHANGE_TO_EXCLUDE", "239.1.1.1", "10.200.0.1"},
    {5, "mldv2", "CHANGE_TO_INCLUDE", "ff15::1234", NULL},
    {5, "igmpv3", "CHANGE_TO_INCLUDE", "239.1.1.1", NULL},
};

static const struct count_exp wire_c[] = {
    C(1, "ff15::1234", "fd42::2", FULL(2), FULL(2)),
    C(2, "ff15::1234", "fd42::2", NONE, FULL(2)),
    C(3, "ff15::1234", "fd42::2", FULL(2), FULL(2)),
    C(4, "ff15::1234", "fd42::1", NONE, ANY),
    C(5, "ff3e::1234", "fd42::1", FULL(2), ANY),
    C(6, "239.1.1.1", "10.200.0.1", FULL(2), ANY),
};
static const struct rec_exp wire_r[] = {
    {1, "mldv2", "CHANGE_TO_EXCLUDE", "ff15::1234", NULL},
    {2, "mldv2", "BLOCK_OLD_SOURCES", "ff15::1234", "fd42::2"},
    {3, "mldv2", "ALLOW_NEW_SOURCES", "ff15::1234", "fd42::2"},
    {4, "mldv2", "CHANGE_TO_INCLUDE", "ff15::1234", NULL},
    {5, "mldv2", "ALLOW_NEW_SOURCES", "ff3e::1234", "fd42::1"},
    {5, "mldv2", "BLOCK_OLD_SOURCES", "ff3e::1234", "fd42::1"},
    {6, "igmpv3", "CHANGE_TO_EXCLUDE", "239.1.1.1", NULL},
    {6, "igmpv3", "CHANGE_TO_INCLUDE", "239.1.1.1", NULL},
};

static const struct count_exp mldv1_c[] = {
    C(1, "ff3e::1234", "fd42::1", FULL(3), FULL(3)),
    C(1, "ff3e::1234", "fd42::2", NONE, FULL(3)),
    C(2, "ff15::1234", "fd42::1", FULL(3), FULL(3)),
    C(2, "ff15::1234", "fd42::2", NONE, FULL(3)),
    C(3, "232.1.1.1", "10.200.0.1", FULL(3), FULL(3)),
    C(3, "232.1.1.1", "10.200.0.2", NONE, FULL(3)),
};
static const struct rec_exp mldv1_r[] = {
    {1, "mldv1", "report", "ff3e::1234", NULL},
    {2, "mldv1", "report", "ff15::1234", NULL},
    {3, "igmpv2", "report", "232.1.1.1", NULL},
    {4, "mldv1", "leave", "ff15::1234", NULL},
    {4, "mldv1", "leave", "ff3e::1234", NULL},
    {4, "igmpv2", "leave", "232.1.1.1", NULL},
};

static const struct count_exp snooping_c[] = {
    C(1, "ff3e::1234", "fd42::1", FULL(3), FULL(3)),
    C(1, "ff3e::1234", "fd42::2", ZERO, ZERO),
    C(2, "ff3e::1234", "fd42::1", FULL(3), FULL(3)),
    C(2, "ff3e::1234", "fd42::2", FULL(3), FULL(3)),
    C(3, "ff15::1234", "fd42::1", FULL(3), FULL(3)),
    C(3, "ff15::1234", "fd42::2", ZERO, ZERO),
};
static const struct rec_exp snooping_r[] = {
    {1, "mldv2", "ALLOW_NEW_SOURCES", "ff3e::1234", "fd42::1"},
    {3, "mldv2", "CHANGE_TO_EXCLUDE", "ff15::1234", "fd42::2"},
};
static const char *const snooping_err[] = {
    "grp ff3e::1234 src fd42::1",
    "filter_mode include source_list fd42::1",
    "grp ff15::1234 src fd42::2",
    "blocked",
    "filter_mode exclude source_list fd42::2",
    NULL};

/* streams: S1's lesson stream, 100 packets/s to ff15::5004 port 5004. */
static const struct count_exp streams_c[] = {
    C(1, "ff15::5004", "fd42::1", 380, 405, ANY), /* 4 s at 100/s; a loaded
                                                   * machine starts S1 late */
};

static void streams_extra(json_object *root, const char *err);
/* link: RX joins its own announced stream in stage 3 (5 pps, 3 s, looped
 * back to the socket; its own packets never count on the wire). */
static const struct count_exp link_c[] = {
    C(3, "ff15::99", NULL, 10, 20, ANY),
};

/* The link's views at a stage's end: a discovered stream (source set) or
 * a SAP session (source NULL) of group and port, present or not. */
struct link_exp {
    int stage;
    const char *key, *group, *source;
    int port;
    bool present;
};
static const struct link_exp link_x[] = {
    {1, "discovered", "ff15::1234", "fd42::1", 5001, true},
    {1, "discovered", "ff3e::1234", "fd42::2", 5001, true},
    {1, "sessions", "ff15::99", NULL, 5004, false},
    {2, "sessions", "ff15::99", NULL, 5004, true},
    {3, "sessions", "ff15::99", NULL, 5004, true},
    {4, "sessions", "ff15::99", NULL, 5004, false},
};

/* The listeners view (listeners on) at a stage's end: RX's own entry for
 * group in mode with the one source (NULL: the group has no entry). */
struct lst_exp {
    const char *lesson;
    int stage;
    const char *group, *mode, *source;
};
static const struct lst_exp listeners_x[] = {
    {"snooping", 1, "ff3e::1234", "include", "fd42::1"},
    {"snooping", 2, "ff3e::1234", "include", NULL},
    {"snooping", 3, "ff15::1234", "exclude", "fd42::2"},
    {"snooping", 3, "ff3e::1234", NULL, NULL},
    {"snooping", 4, "ff15::1234", NULL, NULL},
};

/* diagnose: the lab's faults port-drop (stage 2), rp-filter (3) and
 * no-querier (4), each found by its check (diagnose_extra). */
static const struct count_exp diagnose_c[] = {
    C(1, "239.1.1.1", "10.200.0.1", FULL(3), FULL(3)),
    C(2, "ff15::1234", "fd42::1", ZERO, FULL(3)),
    C(3, "232.1.1.1", "10.200.0.1", ZERO, FULL(3)),
    C(3, "232.1.1.1", "10.200.0.2", ZERO, FULL(3)),
};
static const char *const diagnose_err[] = {
    "lab: fault port-drop is on",  "lab: fault port-drop is off",
    "lab: fault rp-filter is on",  "lab: fault rp-filter is off",
    "lab: fault no-querier is on", NULL};
static void diagnose_extra(json_object *root, const char *err);

/* dual: S1 and S2 on en0 only; RX's own sends out of en0 and en1 (10
 * packets/s, 2 s) come back on each (dual_extra: per interface). */
static const struct count_exp dual_c[] = {
    CM(1, "ff15::1234", "fd42::1", FULL(2), 0x28, 7),
    CM(1, "ff15::1234", "fd42::2", FULL(2), 0xb8, 9),
    C(4, "ff15::1234", "fd42::1", FULL(2), ANY),
};
static void dual_extra(json_object *root, const char *err);

/* router: RT takes one off the hop limit / TTL (7 -> 6, 9 -> 8); S1's
 * stream with the default multicast hop limit 1 never reaches subnet B. */
static const struct count_exp router_c[] = {
    CM(1, "ff15::1234", "fd42::1", FULL(2), 0x28, 6),
    CM(1, "ff15::1234", "fd42::2", FULL(2), 0xb8, 8),
    CM(1, "239.1.1.1", "10.200.0.1", FULL(2), 0x28, 6),
    CM(1, "239.1.1.1", "10.200.0.2", FULL(2), 0xb8, 8),
    CM(2, "ff15::1234", "fd42::1", FULL(2), 0x28, 6),
    C(2, "ff15::5004", NULL, ZERO, ZERO),
};
/* "RT runs": the lab says which router; the stand-in's counters are
 * nft's, checked in netns.topo and only where it runs. */
static const char *const router_err[] = {"RT runs", NULL};

/* pmtu: RX's own single datagrams to ff15::4321 (looped back): 1232
 * bytes fit the 1280-byte link, 1300 with dontfrag are refused, 1300
 * without are fragmented and arrive whole. */
static const struct count_exp pmtu_c[] = {
    C(1, "ff15::4321", "fd43::10", 1, 1, ANY),
    C(2, "ff15::4321", "fd43::10", ZERO, ANY),
    C(3, "ff15::4321", "fd43::10", 1, 1, ANY),
};
static void pmtu_extra(json_object *root, const char *err);

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define LESSON(name, n, c, r, err, v1)                                         \
    {                                                                          \
        name, n, c, N(c), r, N(r), err, v1, NULL, false                        \
    }
#define LESSON_NR(name, n, c, err)                                             \
    {                                                                          \
        name, n, c, N(c), NULL, 0, err, false, NULL, false                     \
    }

/* senders: S1's hop limit 7, then 2 (on s1 set mcast-hoplimit 2); S2's
 * traffic class 0xb8, then 0x48 (its new send), 40 packets/s */
static const struct count_exp senders_c[] = {
    CM(1, "ff15::1234", "fd42::1", FULL(2), 0x28, 7),
    CM(1, "ff15::1234", "fd42::2", FULL(2), 0xb8, 9),
    CM(2, "ff15::1234", "fd42::1", FULL(2), 0x28, 2),
    CM(2, "239.1.1.1", "10.200.0.1", FULL(2), 0x28, 2),
    CM(3, "ff15::1234", "fd42::2", 75, 85, 0x48, 9),
    CM(4, "ff15::1234", "fd42::1", NONE, NOMARK, NOMARK),
    CM(4, "ff15::1234", "fd42::2", NONE, NOMARK, NOMARK),
};
static void senders_extra(json_object *root, const char *err);

/* exclude-ssm: the channel (fd42::1) in stage 1; the forced join and
 * exclude in stage 2, where fd42::2 is delivered only in the second
 * before the exclude (about 20) and arrives all along (the wire); the
 * kernel's records for it; its mcfilter6 line: fd42::2 excluded on lab0 */
static const struct count_exp exclude_ssm_c[] = {
    C(2, "ff32::8000:9", "fd42::1", FULL(2), ANY),
    C(3, "ff32::8000:9", "fd42::1", FULL(3), ANY),
    C(3, "ff32::8000:9", "fd42::2", 15, 25, FULL(3)),
    C(4, "ff32::8000:9", "fd42::2", NONE, FULL(1)),
};
static const struct rec_exp exclude_ssm_r[] = {
    {2, "mldv2", "ALLOW_NEW_SOURCES", "ff32::8000:9", "fd42::1"},
    {3, "mldv2", "CHANGE_TO_EXCLUDE", "ff32::8000:9", NULL},
    {3, "mldv2", "BLOCK_OLD_SOURCES", "ff32::8000:9", "fd42::2"},
};
static const char *const exclude_ssm_err[] = {
    "mcscope refuses it: exclude-source ff32::8000:9 fd42::2: ff32::8000:9 "
    "is in the SSM range ff3x::/96, which has no exclude mode",
    "lab0 ff320000000000000000000080000009 fd420000000000000000000000000002 "
    "     0      1",
    NULL,
};

static const struct lesson_exp lessons[] = {
    LESSON("tour", 4, tour_c, tour_r, NULL, false),
    LESSON_NR("tclass", 4, tclass_c, NULL),
    LESSON_NR("join", 4, join_c, NULL),
    LESSON_NR("cmsg", 4, cmsg_c, NULL),
    {"listeners", 6, listeners_c, N(listeners_c), NULL, 0, listeners_err, false,
     listeners_extra, false},
    LESSON("leave", 4, leave_c, leave_r, NULL, false),
    LESSON("ssm", 5, ssm_c, ssm_r, NULL, false),
    LESSON("exclude", 5, exclude_c, exclude_r, NULL, false),
    LESSON("wire", 6, wire_c, wire_r, NULL, false),
    LESSON("mldv1", 4, mldv1_c, mldv1_r, NULL, true),
    LESSON("snooping", 4, snooping_c, snooping_r, snooping_err, false),
    {"streams", 3, streams_c, N(streams_c), NULL, 0, NULL, false, streams_extra,
     false},
    LESSON_NR("link", 4, link_c, NULL),
    {"diagnose", 4, diagnose_c, N(diagnose_c), NULL, 0, diagnose_err, false,
     diagnose_extra, false},
    LESSON("exclude-ssm", 5, exclude_ssm_c, exclude_ssm_r, exclude_ssm_err,
           false),
    {"senders", 4, senders_c, N(senders_c), NULL, 0, NULL, false, senders_extra,
     true},
    {"dual", 4, dual_c, N(dual_c), NULL, 0, NULL, false, dual_extra, false},
    LESSON_NR("router", 3, router_c, router_err),
    {"pmtu", 3, pmtu_c, N(pmtu_c), NULL, 0, NULL, false, pmtu_extra, false},
    /* unicast: its checks (the traffic class and hop limit RX read);
     * netns.tcp compares the same with tshark on RX's link */
    {"unicast", 2, NULL, 0, NULL, 0, NULL, false, NULL, false},
    /* reflector: its checks (RX's probes sent back); netns.reflect
     * compares the replies and round trips with tshark */
    {"reflector", 2, NULL, 0, NULL, 0, NULL, false, NULL, false},
};
#define NLESSONS N(lessons)

/* ---- running the program ---- */

struct run {
    struct prog p;
    int status;
    char *stdout_text, *stderr_text;
};

static struct run runs[NLESSONS];

/* Wait for r to end (no time limit): its status and output in r. */
static void finish(struct run *r)
{
    r->status = prog_wait(&r->p, -1, &r->stdout_text, &r->stderr_text);
}

static char pcap_path[64]; /* --write-pcap of the lessons that ask */

/* mcscope --lab --batch S --json --lesson NAME, to its end. */
static void start_lesson(struct run *r, const struct lesson_exp *l)
{
    if (l->pcap)
        prog_start_direct(&r->p, "--lab", "--batch", LESSON_SECONDS, "--json",
                          "--lesson", l->name, "--write-pcap", pcap_path, NULL);
    else
        prog_start_direct(&r->p, "--lab", "--batch", LESSON_SECONDS, "--json",
                          "--lesson", l->name, NULL);
}

/* Every lesson, PARALLEL at a time. */
static int run_all(void **state)
{
    (void)state;
    for (size_t i = 0; i < NLESSONS; i += PARALLEL) {
        for (size_t j = i; j < i + PARALLEL && j < NLESSONS; j++)
            start_lesson(&runs[j], &lessons[j]);
        for (size_t j = i; j < i + PARALLEL && j < NLESSONS; j++)
            finish(&runs[j]);
    }
    return 0;
}

static int free_all(void **state)
{
    (void)state;
    unlink(pcap_path);
    for (size_t i = 0; i < NLESSONS; i++) {
        free(runs[i].stdout_text);
        free(runs[i].stderr_text);
    }
    return 0;
}

/* ---- reading the stage reports ---- */

/* The report of stage k (1-based); k 0: none (all counts 0). */
static json_object *stage_report(json_object *root, int k)
{
    json_object *stages = tj_key(root, "stages", json_type_array);

    if (k == 0)
        return NULL;
    return tj_key(json_object_array_get_idx(stages, (size_t)k - 1), "report",
                  json_type_object);
}

/* The group (and source) in report: NULL when not there. */
static json_object *find_row(json_object *report, const char *group,
                             const char *source)
{
    json_object *g, *bs;

    if (report == NULL)
        return NULL;
    g = tj_find(tj_key(report, "groups", json_type_array), "group", group);
    if (g == NULL || source == NULL)
        return g;
    if (!json_object_object_get_ex(g, "by_source", &bs))
        return NULL;
    return tj_find(bs, "source", source);
}

static int64_t count_of(json_object *row, const char *key)
{
    json_object *v;

    if (row == NULL || !json_object_object_get_ex(row, key, &v))
        return 0;
    return json_object_get_int64(v);
}

static void check_mark(json_object *row, const char *key, int want,
                       const char *what)
{
    json_object *v;
    bool has = row != NULL && json_object_object_get_ex(row, key, &v);

    if (want == NOMARK)
        return;
    if (want == ABSENT) {
        if (has)
            fail_msg("%s: %s is %s, want none", what, key,
                     json_object_to_json_string(v));
        return;
    }
    if (!has || json_object_get_int(v) != want)
        fail_msg("%s: %s is %s, want %d", what, key,
                 has ? json_object_to_json_string(v) : "absent", want);
}

static void check_range(int64_t got, int lo, int hi, const char *key,
                        const char *what)
{
    if (lo < 0)
        return;
    if (got < lo || got > hi)
        fail_msg("%s: %s %lld, want %d..%d", what, key, (long long)got, lo, hi);
}

static void check_count(json_object *root, const char *lesson,
                        const struct count_exp *e)
{
    json_object *now =
        find_row(stage_report(root, e->stage), e->group, e->source);
    json_object *before =
        find_row(stage_report(root, e->stage - 1), e->group, e->source);
    char what[160];

    snprintf(what, sizeof what, "lesson %s stage %d, %s from %s", lesson,
             e->stage, e->group, e->source ? e->source : "any source");
    if (e->source == NULL && now == NULL)
        fail_msg("%s: the group is not in the report", what);
    check_range(count_of(now, "packets") - count_of(before, "packets"), e->lo,
                e->hi, "packets", what);
    check_range(count_of(now, "wire_packets") -
                    count_of(before, "wire_packets"),
                e->wlo, e->whi, "wire packets", what);
    check_mark(now, "tclass", e->tclass, what);
    check_mark(now, "hoplimit", e->hoplimit, what);
}

static void check_link(json_object *root, const struct link_exp *e)
{
    json_object *arr =
        tj_key(stage_report(root, e->stage), e->key, json_type_array);
    bool found = false;

    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *o = json_object_array_get_idx(arr, i);

        if (!strcmp(tj_str(o, "group"), e->group) &&
            tj_int(o, "port") == e->port &&
            (e->source == NULL || !strcmp(tj_str(o, "source"), e->source)))
            found = true;
    }
    if (found != e->present)
        fail_msg("lesson link stage %d: %s %s port %d %s: %s", e->stage, e->key,
                 e->group, e->port, e->present ? "missing" : "still there",
                 json_object_to_json_string(arr));
}

static void check_listener(json_object *root, const struct lst_exp *e)
{
    json_object *arr =
        tj_key(stage_report(root, e->stage), "listeners", json_type_array);
    json_object *hit = NULL;

    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *o = json_object_array_get_idx(arr, i);

        if (!strcmp(tj_str(o, "group"), e->group) &&
            json_object_get_boolean(tj_key(o, "own", json_type_boolean)))
            hit = o;
    }
    if (e->mode == NULL) {
        if (hit != NULL)
            fail_msg("lesson %s stage %d: %s still listed: %s", e->lesson,
                     e->stage, e->group, json_object_to_json_string(hit));
        return;
    }
    if (hit == NULL)
        fail_msg("lesson %s stage %d: no own listener of %s: %s", e->lesson,
                 e->stage, e->group, json_object_to_json_string(arr));
    assert_string_equal(tj_str(hit, "mode"), e->mode);
    assert_string_equal(tj_str(hit, "proto"), "mldv2");
    if (e->source != NULL) {
        json_object *s = tj_key(hit, "sources", json_type_array);

        assert_int_equal(json_object_array_length(s), 1);
        assert_string_equal(
            json_object_get_string(json_object_array_get_idx(s, 0)), e->source);
    }
}

/* Does message m (an outgoing one) match e? */
static bool rec_matches(json_object *m, const struct rec_exp *e)
{
    json_object *recs = tj_key(m, "records", json_type_array), *v;

    if (strcmp(tj_str(m, "dir"), "out") != 0 ||
        strcmp(tj_str(m, "proto"), e->proto) != 0)
        return false;
    if (json_object_array_length(recs) == 0)
        return json_object_object_get_ex(m, "group", &v) &&
               strcmp(tj_str(m, "type"), e->type) == 0 &&
               strcmp(json_object_get_string(v), e->group) == 0;
    for (size_t i = 0; i < json_object_array_length(recs); i++) {
        json_object *r = json_object_array_get_idx(recs, i);
        json_object *src = tj_key(r, "sources", json_type_array);
        size_t n = json_object_array_length(src);

        if (strcmp(tj_str(r, "type"), e->type) != 0 ||
            strcmp(tj_str(r, "group"), e->group) != 0)
            continue;
        if (e->source == NULL
                ? n == 0
                : n == 1 && !strcmp(json_object_get_string(
                                        json_object_array_get_idx(src, 0)),
                                    e->source))
            return true;
    }
    return false;
}

/* The messages of stage k: those after the previous stage's. */
static void stage_msgs(json_object *root, int k, size_t *from, size_t *to,
                       json_object **msgs)
{
    json_object *prev = stage_report(root, k - 1);

    *msgs = tj_key(stage_report(root, k), "reports", json_type_array);
    *from =
        prev
            ? json_object_array_length(tj_key(prev, "reports", json_type_array))
            : 0;
    *to = json_object_array_length(*msgs);
}

static void check_rec(json_object *root, const char *lesson,
                      const struct rec_exp *e)
{
    json_object *msgs;
    size_t from, to;

    stage_msgs(root, e->stage, &from, &to, &msgs);
    for (size_t i = from; i < to; i++)
        if (rec_matches(json_object_array_get_idx(msgs, i), e))
            return;
    fail_msg("lesson %s stage %d: no %s %s %s {%s} among the messages "
             "sent: %.600s",
             lesson, e->stage, e->proto, e->type, e->group,
             e->source ? e->source : "", json_object_to_json_string(msgs));
}

static void check_v1_only(json_object *root, const char *lesson)
{
    json_object *msgs = tj_key(tj_key(root, "report", json_type_object),
                               "reports", json_type_array);

    for (size_t i = 0; i < json_object_array_length(msgs); i++) {
        json_object *m = json_object_array_get_idx(msgs, i);
        const char *proto = tj_str(m, "proto");

        if (!strcmp(tj_str(m, "dir"), "out") &&
            (!strcmp(proto, "mldv2") || !strcmp(proto, "igmpv3")))
            fail_msg("lesson %s: RX sent %s with MLDv1 forced: %s", lesson,
                     proto, json_object_to_json_string(m));
    }
}

/* The RTP and MPEG-TS figures of S1's one flow at the end of stage k. */
static void stream_figures(json_object *root, int k, int64_t *lost, int64_t *cc,
                           int64_t *loss_runs, const char **payload)
{
    json_object *row = find_row(stage_report(root, k), "ff15::5004", "fd42::1");
    json_object *fl;

    if (row == NULL)
        fail_msg("lesson streams stage %d: no row of fd42::1", k);
    fl = json_object_array_get_idx(tj_key(row, "flows", json_type_array), 0);
    assert_non_null(fl);
    *payload = tj_str(fl, "payload");
    *loss_runs = tj_int(fl, "loss_runs");
    *lost = tj_int(tj_key(fl, "rtp", json_type_object), "lost");
    *cc = tj_int(tj_key(fl, "mpegts", json_type_object), "cc_errors");
}

/*
 * Stage 1, a clean link: rtp, no loss, no CC error.  Stage 2, 5 % loss:
 * loss, and at least one CC error per loss run (a run of lost datagrams
 * breaks the counter of the video PID, which every datagram carries,
 * once; consecutive losses are one break, so CC errors may be fewer than
 * the datagrams lost).  Stage 3: what the link's filter
 * dropped (the lab says it from the action's statistics) is what RTP
 * counts lost, give or take one packet dropped while the statistics
 * were read, before the filter went.
 */
/* The status of check id in stage k's diagnosis of group (and source,
 * or NULL for none). */
static const char *diag_status(json_object *root, int k, const char *group,
                               const char *source, const char *id)
{
    json_object *list =
        tj_key(stage_report(root, k), "diagnosis", json_type_array);

    for (size_t i = 0; i < json_object_array_length(list); i++) {
        json_object *d = json_object_array_get_idx(list, i), *src;
        bool has = json_object_object_get_ex(d, "source", &src) &&
                   json_object_is_type(src, json_type_string);

        if (strcmp(tj_str(d, "group"), group) != 0 ||
            (source == NULL) != !has ||
            (has && strcmp(json_object_get_string(src), source) != 0))
            continue;
        return tj_str(tj_need(tj_key(d, "checks", json_type_array), "id", id),
                      "status");
    }
    fail_msg("lesson diagnose stage %d: no diagnosis of %s %s", k, group,
             source != NULL ? source : "");
    return NULL;
}

/* Each stage's fault is found by its check: none in stage 1, then
 * firewall_input, rp_filter, stopped. */
static void diagnose_extra(json_object *root, const char *err)
{
    static const struct {
        int stage;
        const char *group, *source, *id, *status;
    } want[] = {
        {1, "239.1.1.1", NULL, "firewall_input", "ok"},
        {1, "239.1.1.1", NULL, "rp_filter", "ok"},
        {1, "239.1.1.1", NULL, "stopped", "ok"},
        {2, "ff15::1234", NULL, "firewall_input", "fail"},
        {3, "232.1.1.1", "10.200.0.1", "rp_filter", "fail"},
        {4, "239.1.1.1", NULL, "stopped", "fail"},
    };

    (void)err;
    for (size_t i = 0; i < N(want); i++) {
        const char *st = diag_status(root, want[i].stage, want[i].group,
                                     want[i].source, want[i].id);

        if (strcmp(st, want[i].status) != 0)
            fail_msg("lesson diagnose stage %d: %s %s: check %s is %s, want "
                     "%s",
                     want[i].stage, want[i].group,
                     want[i].source != NULL ? want[i].source : "", want[i].id,
                     st, want[i].status);
    }
}

/* The row of group on iface in the report of stage k; fails when none. */
static json_object *iface_row(json_object *root, int k, const char *group,
                              const char *iface)
{
    json_object *groups =
        tj_key(stage_report(root, k), "groups", json_type_array);

    for (size_t i = 0; i < json_object_array_length(groups); i++) {
        json_object *g = json_object_array_get_idx(groups, i);

        if (!strcmp(tj_str(g, "group"), group) &&
            !strcmp(tj_str(g, "iface"), iface))
            return g;
    }
    fail_msg("stage %d: no row of %s on %s", k, group, iface);
    return NULL;
}

/* A row's only source has every packet with this hop limit and tclass. */
static void row_marks(json_object *g, int64_t packets, int hl, int tc)
{
    json_object *bs = tj_key(g, "by_source", json_type_array);
    json_object *src = json_object_array_get_idx(bs, 0);
    char key[8];

    assert_int_equal(json_object_array_length(bs), 1);
    snprintf(key, sizeof key, "%d", hl);
    assert_int_equal(tj_int(tj_key(src, "hoplimits", json_type_object), key),
                     packets);
    snprintf(key, sizeof key, "%d", tc);
    assert_int_equal(tj_int(tj_key(src, "tclasses", json_type_object), key),
                     packets);
}

static void dual_extra(json_object *root, const char *err)
{
    json_object *en0, *en1;
    int64_t n0, n1;

    (void)err;
    /* Stage 2: the en1 row exists and counts nothing. */
    assert_int_equal(tj_int(iface_row(root, 2, "ff15::1234", "en1"), "packets"),
                     0);
    /* Stage 3: ff02::114 per interface, each with its own marks. */
    en0 = iface_row(root, 3, "ff02::114", "en0");
    en1 = iface_row(root, 3, "ff02::114", "en1");
    n0 = tj_int(en0, "packets");
    n1 = tj_int(en1, "packets");
    if (n0 < 15 || n0 > 23 || n1 < 15 || n1 > 23)
        fail_msg("lesson dual stage 3: ff02::114 got %lld on en0, %lld on en1 "
                 "(want 15..23 each)",
                 (long long)n0, (long long)n1);
    row_marks(en0, n0, 1, 0xe0);
    row_marks(en1, n1, 2, 0x28);
}

static void pmtu_extra(json_object *root, const char *err)
{
    json_object *snd =
        tj_key(stage_report(root, 2), "senders", json_type_array);
    int found = 0;

    (void)err;
    for (size_t i = 0; i < json_object_array_length(snd); i++) {
        json_object *s = json_object_array_get_idx(snd, i);

        if (tj_int(s, "size") != 1300)
            continue;
        found++;
        assert_int_equal(tj_int(s, "sent"), 0);
        assert_int_equal(tj_int(s, "pathmtu"), 1280);
    }
    assert_int_equal(found, 1);
}

static void streams_extra(json_object *root, const char *err)
{
    const char *pl, *at = strstr(err, "it dropped ");
    int64_t lost, cc, nruns, lost2, cc2, nruns2;
    long dropped;

    stream_figures(root, 1, &lost, &cc, &nruns, &pl);
    assert_string_equal(pl, "rtp");
    assert_int_equal(lost, 0);
    assert_int_equal(cc, 0);
    stream_figures(root, 2, &lost2, &cc2, &nruns2, &pl);
    if (lost2 == 0 || nruns2 == 0 || cc2 < nruns2)
        fail_msg("lesson streams stage 2: lost %lld in %lld runs, cc errors "
                 "%lld",
                 (long long)lost2, (long long)nruns2, (long long)cc2);
    stream_figures(root, 3, &lost, &cc, &nruns, &pl);
    if (at == NULL)
        fail_msg("lesson streams: the lab did not say what it dropped: %s",
                 err);
    dropped = strtol(at + strlen("it dropped "), NULL, 10);
    print_message("  streams: the link dropped %ld, RTP lost %lld, CC errors "
                  "%lld\n",
                  dropped, (long long)lost, (long long)cc);
    if (lost < dropped || lost > dropped + 1)
        fail_msg("lesson streams: the link dropped %ld, RTP counts %lld lost",
                 dropped, (long long)lost);
}

/* Each stage's checks all held; a lesson of checked_lessons has one in
 * every stage. */
static void check_checks(json_object *root, const char *lesson)
{
    json_object *stages = tj_key(root, "stages", json_type_array);
    bool every = false;

    for (size_t i = 0; i < N(checked_lessons); i++)
        every |= strcmp(checked_lessons[i], lesson) == 0;
    for (size_t k = 0; k < json_object_array_length(stages); k++) {
        json_object *st = json_object_array_get_idx(stages, k);
        json_object *cs = tj_key(st, "checks", json_type_array);

        if (tj_int(st, "checks_failed") != 0)
            fail_msg("lesson %s stage %zu: a check failed: %s", lesson, k + 1,
                     json_object_to_json_string(cs));
        if (every && json_object_array_length(cs) == 0)
            fail_msg("lesson %s stage %zu has no check", lesson, k + 1);
    }
}

/* tshark's count of UDP packets from src to group in the lesson's pcap
 * with field (ipv6.hlim, ipv6.tclass) equal to value. */
static long tshark_count(const char *src, const char *group, const char *field,
                         const char *value)
{
    static char out[1 << 16];
    char filter[256];
    char *argv[] = {(char *)"tshark",
                    (char *)"-r",
                    pcap_path,
                    (char *)"-Y",
                    filter,
                    (char *)"-T",
                    (char *)"fields",
                    (char *)"-e",
                    (char *)"frame.number",
                    NULL};
    long n = 0;

    snprintf(filter, sizeof filter,
             "ipv6.src==%s && ipv6.dst==%s && udp && %s==%s", src, group, field,
             value);
    if (tu_run_out(argv, out, sizeof out) != 0)
        fail_msg("tshark -r %s -Y '%s' failed", pcap_path, filter);
    for (const char *p = out; *p != '\0'; p++)
        n += *p == '\n';
    return n;
}

/* The monitor's count of packets of a source with hop limit / traffic
 * class value (its "hoplimits" or "tclasses" histogram) at the end. */
static long json_hist(json_object *root, const char *group, const char *src,
                      const char *hist, int value)
{
    json_object *row = find_row(tj_key(root, "report", json_type_object), group,
                                src),
                *h, *n;
    char key[16];

    snprintf(key, sizeof key, "%d", value);
    if (row == NULL || !json_object_object_get_ex(row, hist, &h) ||
        !json_object_object_get_ex(h, key, &n))
        return 0;
    return (long)json_object_get_int64(n);
}

/*
 * senders: what `on s1 set mcast-hoplimit 2` and S2's new send with
 * tclass 0x48 changed, as tshark reads it in the capture on RX: the
 * monitor's count of S1's packets with hop limit 2 and of S2's with
 * traffic class 0x48 (all sent while joined, both stopped 2 s before
 * the end) equal tshark's exactly; its counts with S1's first hop limit
 * (7) are at most the wire's (the capture opened before the join).
 */
static void senders_extra(json_object *root, const char *err)
{
    long mon_hl2 = json_hist(root, "ff15::1234", "fd42::1", "hoplimits", 2);
    long mon_hl7 = json_hist(root, "ff15::1234", "fd42::1", "hoplimits", 7);
    long mon_tc48 = json_hist(root, "ff15::1234", "fd42::2", "tclasses", 0x48);
    long ts_hl2, ts_hl7, ts_tc48;

    (void)err;
    if (!tu_have_prog("tshark")) {
        print_message("  senders: no tshark, the wire is not compared\n");
        return;
    }
    ts_hl2 = tshark_count("fd42::1", "ff15::1234", "ipv6.hlim", "2");
    ts_hl7 = tshark_count("fd42::1", "ff15::1234", "ipv6.hlim", "7");
    ts_tc48 = tshark_count("fd42::2", "ff15::1234", "ipv6.tclass", "0x48");
    print_message("  senders: hop limit 2 %ld (tshark %ld), 7 %ld (tshark "
                  "%ld), tclass 0x48 %ld (tshark %ld)\n",
                  mon_hl2, ts_hl2, mon_hl7, ts_hl7, mon_tc48, ts_tc48);
    assert_true(mon_hl2 >= 60);
    assert_int_equal(mon_hl2, ts_hl2);
    assert_int_equal(mon_tc48, ts_tc48);
    assert_true(mon_hl7 > 0 && mon_hl7 <= ts_hl7);
}

/* The row of group bound to binding in a stage's report (NULL: none). */
static json_object *row_bound(json_object *report, const char *group,
                              const char *binding)
{
    json_object *arr = tj_key(report, "groups", json_type_array);

    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *g = json_object_array_get_idx(arr, i);

        if (!strcmp(tj_str(g, "group"), group) &&
            !strcmp(tj_str(g, "binding"), binding))
            return g;
    }
    return NULL;
}

static int64_t source_packets(json_object *row, const char *source)
{
    json_object *bs;

    if (row == NULL || !json_object_object_get_ex(row, "by_source", &bs))
        return 0;
    return count_of(tj_find(bs, "source", source), "packets");
}

/* Stage 6 of listeners: ff15::1234 has two rows, the wildcard's (from
 * stage 1, joined again) and the group's (new); in the stage each got the
 * senders' packets (the same ones: at most one apart, the joins ran one
 * after the other) and the wildcard nothing for other destinations
 * (multicast-all off, no unicast). */
static void listeners_extra(json_object *root, const char *err)
{
    static const char *const src[] = {"fd42::1", "fd42::2"};
    json_object *grp = row_bound(stage_report(root, 6), "ff15::1234", "group");
    json_object *any = row_bound(stage_report(root, 6), "ff15::1234", "any");
    json_object *any5 = row_bound(stage_report(root, 5), "ff15::1234", "any");

    (void)err;
    if (grp == NULL || any == NULL || any5 == NULL)
        fail_msg("lesson listeners stage 6: ff15::1234 has no row bound to "
                 "the group and one bound to the wildcard");
    for (size_t i = 0; i < N(src); i++) {
        int64_t g = source_packets(grp, src[i]);
        int64_t a = source_packets(any, src[i]) - source_packets(any5, src[i]);

        print_message("  listeners stage 6: %s bound to the group %lld, to "
                      "the wildcard %lld\n",
                      src[i], (long long)g, (long long)a);
        if (g < RATE * 3 - 5 || g > RATE * 3 + 5 || g - a > 1 || a - g > 1)
            fail_msg("lesson listeners stage 6, %s: bound to the group %lld, "
                     "to the wildcard %lld: want %d..%d each, at most one "
                     "apart",
                     src[i], (long long)g, (long long)a, RATE * 3 - 5,
                     RATE * 3 + 5);
    }
    assert_int_equal(count_of(any, "other_destinations") -
                         count_of(any5, "other_destinations"),
                     0);
    assert_false(tj_has(grp, "other_destinations"));
}

static void check_lesson(const struct lesson_exp *l, const struct run *r)
{
    json_object *root;

    if (r->status != 0)
        fail_msg("lesson %s: exit %d: %s", l->name, r->status, r->stderr_text);
    root = json_tokener_parse(r->stdout_text);
    if (root == NULL)
        fail_msg("lesson %s: not JSON: %.300s", l->name, r->stdout_text);
    assert_string_equal(tj_str(root, "lesson"), l->name);
    assert_true(
        json_object_get_boolean(tj_key(root, "complete", json_type_boolean)));
    assert_int_equal(
        json_object_array_length(tj_key(root, "stages", json_type_array)),
        l->nstages);
    assert_int_equal(json_object_array_length(
                         tj_key(tj_key(root, "report", json_type_object),
                                "errors", json_type_array)),
                     0);
    for (size_t i = 0; i < l->ncounts; i++)
        check_count(root, l->name, &l->counts[i]);
    for (size_t i = 0; i < l->nrecs; i++)
        check_rec(root, l->name, &l->recs[i]);
    for (size_t i = 0; l->stderr_has != NULL && l->stderr_has[i]; i++)
        if (strstr(r->stderr_text, l->stderr_has[i]) == NULL)
            fail_msg("lesson %s: \"%s\" is not in its output: %s", l->name,
                     l->stderr_has[i], r->stderr_text);
    if (l->v1_only)
        check_v1_only(root, l->name);
    check_checks(root, l->name);
    if (l->extra != NULL)
        l->extra(root, r->stderr_text);
    for (size_t i = 0; !strcmp(l->name, "link") && i < N(link_x); i++)
        check_link(root, &link_x[i]);
    for (size_t i = 0; i < N(listeners_x); i++)
        if (!strcmp(listeners_x[i].lesson, l->name))
            check_listener(root, &listeners_x[i]);
    json_object_put(root);
}

/* One lesson's checks; state: its index in lessons[]. */
static void lesson_test(void **state)
{
    size_t i = (size_t)(uintptr_t)*state;

    check_lesson(&lessons[i], &runs[i]);
}

/* ---- the list and bad lessons ---- */

/* Every file of the lesson folder is a lesson here, and the program's
 * list for an unknown name is exactly these. */
static void lesson_list(void **state)
{
    DIR *d = opendir(lesson_dir);
    struct dirent *e;
    struct run r;
    size_t files = 0, listed = 0;
    char *p;

    (void)state;
    assert_non_null(d);
    prog_start_direct(&r.p, "--lab", "--batch", "1", "--lesson", "nosuch",
                      NULL);
    finish(&r);
    assert_int_equal(r.status, 2);
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name), i;

        if (n < 5 || strcmp(e->d_name + n - 4, ".mcs") != 0)
            continue;
        files++;
        for (i = 0; i < NLESSONS; i++)
            if (strlen(lessons[i].name) == n - 4 &&
                !strncmp(lessons[i].name, e->d_name, n - 4))
                break;
        if (i == NLESSONS)
            fail_msg("%s has no test here", e->d_name);
    }
    closedir(d);
    assert_int_equal(files, NLESSONS);
    p = strstr(r.stderr_text, "the lessons are");
    assert_non_null(p);
    for (size_t i = 0; i < NLESSONS; i++)
        if (strstr(p, lessons[i].name) != NULL)
            listed++;
    assert_int_equal(listed, NLESSONS);
    free(r.stdout_text);
    free(r.stderr_text);
}

/* A lesson file with text; its run exits 2 naming want, builds nothing. */
static void bad_lesson(const char *text, const char *want)
{
    char path[64], prefix[32];
    struct run r;
    FILE *f;
    DIR *d;
    struct dirent *e;

    snprintf(path, sizeof path, "/tmp/mcs-bad-%d.mcs", (int)getpid());
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    prog_start_direct(&r.p, "--lab", "--batch", "5", "--lesson", path, NULL);
    finish(&r);
    unlink(path);
    if (r.status != 2 || strstr(r.stderr_text, want) == NULL)
        fail_msg("exit %d, want 2 and \"%s\": %s", r.status, want,
                 r.stderr_text);
    assert_null(strstr(r.stderr_text, "the lab is up"));
    snprintf(prefix, sizeof prefix, "mcslab%d-", (int)r.p.pid);
    d = opendir("/run/netns");
    while (d != NULL && (e = readdir(d)) != NULL)
        if (strncmp(e->d_name, prefix, strlen(prefix)) == 0)
            fail_msg("a bad lesson built %s", e->d_name);
    if (d != NULL)
        closedir(d);
    free(r.stdout_text);
    free(r.stderr_text);
}

/* A lesson whose check fails: ✗ in its words, exit 1, the check in its
 * stage's JSON with ok false; the one that holds, ok true. */
static void failing_check(void **state)
{
    char path[64];
    struct run r;
    json_object *root, *cs;
    FILE *f;

    (void)state;
    snprintf(path, sizeof path, "/tmp/mcs-fail-%d.mcs", (int)getpid());
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("# --- stage: one\njoin ff15::1234 dev lab0\nwait 1\n"
          "# check: ff15::1234:packets>=100000\n"
          "# check: ff15::1234:mode=asm\n",
          f);
    fclose(f);
    prog_start_direct(&r.p, "--lab", "--batch", "20", "--json", "--lesson",
                      path, NULL);
    finish(&r);
    unlink(path);
    if (r.status != 1 ||
        strstr(r.stderr_text, "\u2717 check ff15::1234:packets>=100000") ==
            NULL ||
        strstr(r.stderr_text, "\u2713 check ff15::1234:mode=asm") == NULL ||
        strstr(r.stderr_text, "stage 1: check ff15::1234:packets>=100000 "
                              "failed") == NULL)
        fail_msg("exit %d, want 1 with the failed check: %s", r.status,
                 r.stderr_text);
    root = json_tokener_parse(r.stdout_text);
    assert_non_null(root);
    cs = tj_key(
        json_object_array_get_idx(tj_key(root, "stages", json_type_array), 0),
        "checks", json_type_array);
    assert_int_equal(json_object_array_length(cs), 2);
    assert_false(json_object_get_boolean(
        tj_key(json_object_array_get_idx(cs, 0), "ok", json_type_boolean)));
    assert_true(json_object_get_boolean(
        tj_key(json_object_array_get_idx(cs, 1), "ok", json_type_boolean)));
    json_object_put(root);
    free(r.stdout_text);
    free(r.stderr_text);
}

static void bad_lessons(void **state)
{
    (void)state;
    bad_lesson("# --- stage: one\n# check: frob>1\n",
               ".mcs:2: check 'frob>1': 'frob' is not a metric");
    bad_lesson("# --- stage: one\njoin ff15::1234 dev lab0\njion x\n",
               ".mcs:3: refused 'jion x'");
    bad_lesson("# --- stage: one\n# lab: frobnicate\n",
               ".mcs:2: '# lab: frobnicate'");
    bad_lesson("# lab: snooping\njoin ff15::1234 dev lab0\n",
               ".mcs:2: a command before the first");
    bad_lesson("echo no stage\n", "a command before the first");
    bad_lesson("# title: nothing\n", "has no '# --- stage: TITLE' line");
}

/* ---- setting up ---- */

/* MCSCOPE_LESSONS, or SOURCE/assets/lessons from this file's path. */
static void find_lessons(void)
{
    const char *env = getenv("MCSCOPE_LESSONS");
    const char *tail = "tests/netns/test_lessons.c", *file = __FILE__;
    size_t n = strlen(file), t = strlen(tail);

    if (env != NULL && env[0] != '\0') {
        snprintf(lesson_dir, sizeof lesson_dir, "%s", env);
    } else if (n > t && file[0] == '/' && strcmp(&file[n - t], tail) == 0) {
        snprintf(lesson_dir, sizeof lesson_dir, "%.*sassets/lessons",
                 (int)(n - t), file);
        setenv("MCSCOPE_LESSONS", lesson_dir, 1);
    } else {
        fprintf(stderr, "set MCSCOPE_LESSONS to the assets/lessons folder\n");
        exit(1);
    }
}

static void require_lab(void)
{
    struct run r;

    prog_start_direct(&r.p, "--lab", "--batch", "1", "--lesson", "nosuch",
                      NULL);
    finish(&r);
    if (r.status != 2 || strstr(r.stderr_text, "no lesson") == NULL) {
        printf("SKIP: this mcscope runs no lab (--lab --lesson gave %d: "
               "%.200s)\n",
               r.status, r.stderr_text);
        exit(77);
    }
    free(r.stdout_text);
    free(r.stderr_text);
}

int main(void)
{
    struct CMUnitTest tests[NLESSONS + 3];
    char names[NLESSONS][32];

    for (size_t i = 0; i < NLESSONS; i++) {
        snprintf(names[i], sizeof names[i], "lesson %s", lessons[i].name);
        tests[i] = (struct CMUnitTest){names[i], lesson_test, NULL, NULL,
                                       (void *)(uintptr_t)i};
    }
    tests[NLESSONS] = (struct CMUnitTest)cmocka_unit_test(lesson_list);
    tests[NLESSONS + 1] = (struct CMUnitTest)cmocka_unit_test(bad_lessons);
    tests[NLESSONS + 2] = (struct CMUnitTest)cmocka_unit_test(failing_check);
    if (geteuid() != 0) {
        printf("SKIP: needs root to create network namespaces (CI runs as "
               "root)\n");
        return 77;
    }
    prog_find();
    find_lessons();
    snprintf(pcap_path, sizeof pcap_path, "/tmp/mcs-lessons-%d.pcap",
             (int)getpid());
    require_lab();
    if (getenv("MCSCOPE_TEST_FILTER") != NULL)
        cmocka_set_test_filter(getenv("MCSCOPE_TEST_FILTER"));
    return cmocka_run_group_tests_name("lessons", tests, run_all, free_all);
}
