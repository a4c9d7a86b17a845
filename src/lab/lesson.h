/*
 * mcscope: a lesson file and its parser — pure: no I/O but reading the
 * file (lesson_read) or a buffer (lesson_parse), nothing runs, no root.
 *
 * A lesson is a file NAME.mcs in the command language.  Besides commands
 * and `echo` narration it holds comment lines the lab reads (every other
 * line must pass the command parser):
 *
 *   # title: TEXT              the lesson's title (before stage 1)
 *   # lab: topology NAME       the lab's topology, topo.h: bridge,
 *                              dual, routed or snooping (before stage 1)
 *   # lab: snooping            the same as `# lab: topology snooping`
 *   # lab: mld-version N       force_mld_version=N on RX (before stage 1)
 *   # lab: igmp-version N      force_igmp_version=N on RX (before stage 1)
 *   # --- stage: TITLE         a stage begins
 *   # lab: mdb                 run `bridge mdb show` in SW, its lines
 *                              into the event log (in a stage)
 *   # lab: router              what RT's router forwarded and dropped
 *                              (the routed lab; in a stage)
 *   # lab: listener GROUP      start a second program on RX (mcscope
 *                              --batch) that joins GROUP dev lab0 port
 *                              5001 (in a stage)
 *   # lab: listener stop       stop it (in a stage)
 *   # lab: stream rtp|mpegts GROUP   S1 sends a real stream to GROUP
 *                              port 5004, 100 packets/s (in a stage)
 *   # lab: stream stop         stop it (in a stage)
 *   # lab: loss PERCENT        S1's link drops PERCENT (1..50) of the
 *                              stream's packets (in a stage)
 *   # lab: loss off            a clean link again; says how many it
 *                              dropped (in a stage)
 *   # lab: fault NAME          switch the lab's fault NAME on (fault.h:
 *                              rp-filter, report-drop, ...; in a stage)
 *   # lab: fault NAME off      switch it off again (in a stage)
 *   # lab: mcfilter            RX's /proc/net/mcfilter6 and mcfilter
 *                              (the kernel's source filters) into the
 *                              event log (in a stage)
 *   # check: RULE              a condition on the monitor, shown ✓ or ✗
 *                              (check.h; in a stage)
 *   # lab: refused LINE        show LINE refused, with mcscope's reason
 *                              (in a stage; LINE must be one the command
 *                              parser refuses)
 *
 * A lesson needs at least one stage and no command before its first.
 */
#ifndef MCSCOPE_LAB_LESSON_H
#define MCSCOPE_LAB_LESSON_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "mcscope/monitor.h"
#include "topo.h"

#define LESSON_MAX_STAGES 24
#define LESSON_TITLE_MAX 160
#define LESSON_NAME_MAX 64

struct lesson_stage {
    char title[LESSON_TITLE_MAX];
    size_t first, end; /* lines [first, end) of the lesson */
    size_t nchecks;    /* its "# check:" lines */
};

struct lesson {
    char name[LESSON_NAME_MAX];
    char path[PATH_MAX];
    char title[LESSON_TITLE_MAX];  /* the name when the file gives none */
    struct mc_script *src;         /* the file's lines, origins PATH:LINE */
    enum labtopo_id topology;      /* LABTOPO_BRIDGE unless it says */
    int mld_version, igmp_version; /* 0: the kernel's choice */
    struct lesson_stage stage[LESSON_MAX_STAGES];
    size_t nstages;
};

/* The lab line of a lesson line (a "# lab:" directive inside a stage). */
enum lesson_action {
    LESSON_ACT_NONE, /* not one: a command, echo or comment */
    LESSON_ACT_MDB,
    LESSON_ACT_ROUTER,   /* # lab: router: RT's forwarding state */
    LESSON_ACT_LISTENER, /* group: the GROUP */
    LESSON_ACT_LISTENER_STOP,
    LESSON_ACT_STREAM,      /* group: "KIND GROUP" */
    LESSON_ACT_STREAM_STOP, /* # lab: stream stop */
    LESSON_ACT_LOSS,        /* group: the percent */
    LESSON_ACT_LOSS_OFF,    /* # lab: loss off */
    LESSON_ACT_REFUSED,     /* group: the LINE */
    LESSON_ACT_FAULT,       /* group: the fault's NAME */
    LESSON_ACT_FAULT_OFF,   /* group: the fault's NAME */
    LESSON_ACT_MCFILTER,    /* # lab: mcfilter */
};

/*
 * Where the parser's complaints go.  problem gets one line without a
 * program prefix ("lesson.mcs:2: '# lab: frobnicate': in a stage ...");
 * parsing stops at the first.  refused gets each command line the command
 * parser refuses (mc_script_check), with the lesson's script as its arg.
 * Either may be NULL.
 */
struct lesson_complaints {
    void (*problem)(void *arg, const char *msg);
    void *arg;
    mc_script_refusal_fn refused;
};

/*
 * Parse text (a whole file's contents) as the lesson name, its lines
 * named path:LINE.  Returns the lesson (free with lesson_free), or NULL
 * when it is not a good lesson (each complaint said through c) or out of
 * memory (problem: "out of memory").
 */
struct lesson *lesson_parse(const char *text, const char *name,
                            const char *path,
                            const struct lesson_complaints *c);

/* The same for the file at path. */
struct lesson *lesson_read(const char *path, const char *name,
                           const struct lesson_complaints *c);

void lesson_free(struct lesson *ls);

/* What a lesson line asks of the lab; group (may be NULL) gets a
 * listener's GROUP. */
enum lesson_action lesson_action_of(const char *line, char *group, size_t len);

#endif
