/*
 * mcscope core: health rules (--expect RULE, DESIGN.md "Command line").
 *
 *   RULE   := [SCOPE ':'] METRIC OP NUMBER [UNIT]
 *   SCOPE  := GROUP[%IFACE] | GROUP[%IFACE] '/' SOURCE
 *   METRIC := packets | loss | rate | gap | sources | failed
 *   OP     := >= | <= | > | < | =
 *
 *   packets  packets the socket delivered          no unit
 *   loss     lost / expected, from probe sequences  %  (required)
 *   rate     mean packets per second since join    no unit, or pps
 *   gap      the longest silence: between two      ms, s or us (required)
 *            packets of a flow, or at the end (the
 *            time since the last packet)
 *   sources  sources that delivered packets         no unit; not with
 *                                                   GROUP/SOURCE
 *   failed   checks of a `diagnose` of the group   no unit; not with
 *            that failed (diagnose.h), at the end   GROUP/SOURCE
 *
 * Examples: packets>=1000, loss<=0.1%, rate>=100, gap<=200ms, sources>=2,
 * failed=0 (every diagnosis without a failed check),
 * ff15::1234:loss<=0.1%, 232.1.1.1/10.0.0.1:packets>=1.  The metric is
 * the word after the last ':' before the operator, so IPv6 scopes need no
 * brackets.  Without a scope the rule holds for every group the run
 * joined; with GROUP for every record of that group (each interface and
 * port, or the one of %IFACE); with GROUP/SOURCE for that source in them.
 *
 * The parser and the checker are pure: the checker reads subjects (the
 * values of a group or of one of its sources), built from a monitor by
 * mc_expect_subjects or by hand in tests.
 */
#ifndef MCSCOPE_EXPECT_H
#define MCSCOPE_EXPECT_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"
#include "mcscope/err.h"

enum mc_expect_metric {
    MC_EXP_PACKETS,
    MC_EXP_LOSS, /* a fraction, 0..1 */
    MC_EXP_RATE, /* packets per second */
    MC_EXP_GAP,  /* seconds */
    MC_EXP_SOURCES,
    MC_EXP_FAILED, /* failed checks of a diagnosis */
    MC_EXP_NMETRICS
};

enum mc_expect_op { MC_EXP_GE, MC_EXP_LE, MC_EXP_GT, MC_EXP_LT, MC_EXP_EQ };

#define MC_EXPECT_TEXT_MAX 160
#define MC_EXPECT_RESULT_MAX 640

struct mc_expect_rule {
    char text[MC_EXPECT_TEXT_MAX]; /* as given (cut when longer) */
    enum mc_expect_metric metric;
    enum mc_expect_op op;
    double value; /* in the metric's base unit (loss: a fraction) */
    bool scoped;  /* group (and iface) set */
    struct mc_addr group;
    char ifname[IF_NAMESIZE]; /* "" : any interface */
    bool has_source;
    struct mc_addr source;
};

/* Parse text.  0, or -EINVAL with the cause and the fix in err. */
int mc_expect_parse(const char *text, struct mc_expect_rule *out,
                    struct mc_err *err);

/* The metric's name ("loss"). */
const char *mc_expect_metric_name(enum mc_expect_metric m);

/* What a rule is checked against: a group record (source NULL) or one of
 * its sources. */
struct mc_expect_subject {
    struct mc_addr group;
    char ifname[IF_NAMESIZE];
    uint16_t port;
    bool has_source;
    struct mc_addr source;
    bool known[MC_EXP_NMETRICS]; /* false: cannot be known (loss without
                                    probes, gap before any packet) */
    double value[MC_EXP_NMETRICS];
    uint64_t lost, expected; /* for the words of a loss */
    /* A diagnosis (only MC_EXP_FAILED applies to it, and only to it):
     * its first failed check, for the words of a broken rule. */
    bool diagnosis;
    char failed_id[32];
};

enum mc_expect_status {
    MC_EXPECT_OK,
    MC_EXPECT_BROKEN,  /* a value breaks the rule */
    MC_EXPECT_UNKNOWN, /* a value cannot be known, or nothing matched */
};

struct mc_expect_result {
    enum mc_expect_status status;
    size_t matched; /* subjects the rule applied to */
    /* The first subject that broke it (or was unknown): the rule, the
     * value and the group or source in words. */
    char text[MC_EXPECT_RESULT_MAX];
};

/*
 * Check rule against the subjects (n of them).  A rule without a source
 * applies to the group subjects in scope, one with a source to that
 * source's subjects; a scoped rule with no subject in scope is UNKNOWN
 * (the group was never joined, or the source never sent).  A BROKEN
 * subject wins over an UNKNOWN one.  Returns result->status.
 */
enum mc_expect_status mc_expect_check(const struct mc_expect_rule *rule,
                                      const struct mc_expect_subject *subj,
                                      size_t n,
                                      struct mc_expect_result *result);

/* A value in the metric's words: "400", "0.25%", "133.3 pps", "1.2 s". */
const char *mc_expect_value_format(enum mc_expect_metric m, double v, char *buf,
                                   size_t len);

struct mc_monitor;
/*
 * The subjects of a monitor at now_ns: for every group record it joined
 * during its life, the group, then each of its sources.  *out is
 * allocated (free()); returns the count, or -ENOMEM.
 */
int mc_expect_subjects(const struct mc_monitor *m, int64_t now_ns,
                       struct mc_expect_subject **out);

#endif
