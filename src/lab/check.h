/*
 * mcscope: a lesson's checks — `# check: RULE`, a condition on the
 * monitor that the lab asserts where the line stands in time and shows
 * as ✓ or ✗ (the narration pane, the event log, the headless lesson's
 * JSON per stage and its exit status).
 *
 *   RULE := [SCOPE ':'] METRIC OP VALUE       (the --expect grammar)
 *
 * The metrics of --expect (packets, loss, rate, gap, sources: expect.h)
 * are checked by core/expect.c as --expect checks them; the lesson's own
 * need a GROUP scope (GROUP[%IFACE] or GROUP/SOURCE):
 *
 *   mode = asm|include|exclude|none   the group's filter mode as asked
 *   hoplimit OP N, tclass OP N        the newest packet's (of SOURCE
 *                                     when scoped so; cmsg hoplimit /
 *                                     tclass must be on)
 *   wire OP N                         packets a capture saw for the
 *                                     group (or its SOURCE)
 *   report = KIND                     a report this host sent names the
 *                                     group: KIND is a protocol (mldv1,
 *                                     mldv2, igmpv2, igmpv3) or a record
 *                                     type (MODE_IS_INCLUDE ...
 *                                     BLOCK_OLD_SOURCES, also TO_EX,
 *                                     TO_IN, ALLOW, BLOCK, IS_IN, IS_EX)
 *
 * and three scoped by a unicast ADDR, tcp-connect's connection to it
 * (the newest): tcp-bytes OP N (read), tcp-hoplimit OP N, tcp-tclass
 * OP N (of the last segment read, IPV6_2292PKTOPTIONS): e.g.
 * fd42::1:tcp-tclass=0x28.  And reflected OP N: the group's probes sent
 * back to their sources (reflect on); listeners OP N: the group's rows
 * joined now (two when joined bound to the group and with bind any);
 * other OP N: what its rows bound to the wildcard took for other
 * destinations (the port's unicast; multicast-all on: groups other
 * sockets joined).
 *
 * Parsing is pure (unit-tested); checking reads the monitor's views.
 */
#ifndef MCSCOPE_LAB_CHECK_H
#define MCSCOPE_LAB_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcscope/err.h"
#include "mcscope/expect.h"
#include "mcscope/monitor.h"

#define LAB_CHECK_WORD_MAX 24

struct lab_check {
    int metric; /* index of the check table; 0: an --expect rule */
    struct mc_expect_rule rule; /* the rule (expect), or the scope */
    enum mc_expect_op op;
    double value;
    char word[LAB_CHECK_WORD_MAX]; /* mode, report: the value */
    struct mc_addr peer;           /* tcp-*: the scope */
};

/* Parse text ("ff15::1234:mode=exclude").  0, or -EINVAL with the cause
 * and the fix in err. */
int lab_check_parse(const char *text, struct lab_check *out,
                    struct mc_err *err);

/* Check c on m at now_ns: true when it holds; what was found in said
 * ("ff15::1234: hoplimit 2"). */
bool lab_check_eval(const struct lab_check *c, const struct mc_monitor *m,
                    int64_t now_ns, char *said, size_t len);

#endif
