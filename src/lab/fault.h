/*
 * mcscope: the lab of faults — one table of the faults that keep a
 * multicast stream from an application (issue 15), each switched on and
 * off inside the lab's namespaces with one call, so that `diagnose` can be
 * learnt and tested on each:
 *
 *   rp-filter      RX: strict rp_filter on lab0, and the route back to
 *                  S1 (10.200.0.1/32) through another link (mcs-rpf, a
 *                  veth inside RX): S1's IPv4 packets are dropped
 *   report-drop    RX: an nftables output chain drops MLD and IGMP
 *                  reports and leaves (table inet mcslab_report_drop)
 *   no-querier     SW: br0 snoops with no querier of its own and a 2 s
 *                  membership interval; a querier sent one query and
 *                  vanished, so the bridge forwards only what it heard
 *                  reports for: the stream stops 2 s after the last one
 *   ttl1           S1 sends with hop limit / TTL 1 (no router passes it)
 *   wrong-source   S2 stops sending the SSM groups: a join-source of
 *                  fd42::2 / 10.200.0.2 gets nothing while S1 sends
 *   multicast-off  RX: `ip link set lab0 multicast off` (IFF_MULTICAST)
 *   tiny-rcvbuf    an application on RX with a 2 KiB receive buffer on
 *                  239.1.1.3, and S1 sending it 4,000 packets/s of 1400 bytes
 *   mldv1          RX: force_mld_version 1 and force_igmp_version 2 on
 *                  lab0: reports carry no sources (SSM breaks upstream)
 *   multicast-all  an application on RX with IP(V6)_MULTICAST_ALL on,
 *                  bound to port 5001: it gets every group anyone joined
 *   port-drop      RX: an nftables input rule drops UDP port 5001
 *                  (table inet mcslab_port_drop)
 *
 * Each entry says what the fault breaks, which check of `diagnose`
 * (DESIGN.md, "Diagnosis") must catch it and with which status, the
 * checks that may fail with it as its consequence, and the commands that
 * show it (join, diagnose).  Switching one off restores exactly what it
 * changed (the values read before, the links, tables and programs it
 * added are removed); the lab's teardown removes everything anyway.
 * nftables rules live in the lab's namespaces only.
 *
 * Faults that run programs (ttl1, wrong-source, tiny-rcvbuf,
 * multicast-all) need the lab's senders (struct labprogs); without them
 * (mcscope --lab-net) they are refused with why.
 */
#ifndef MCSCOPE_LAB_FAULT_H
#define MCSCOPE_LAB_FAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "net.h"
#include "programs.h"

#define LABFAULT_NAME_MAX 24
#define LABFAULT_SAVED 4 /* values a fault keeps to restore */
#define LABFAULT_VALUE_MAX 32

/* The group of tiny-rcvbuf, its load's rate and the application's
 * receive buffer. */
#define LABFAULT_LOAD_GROUP "239.1.1.3"
#define LABFAULT_LOAD_RATE 4000
#define LABFAULT_TINY_RCVBUF 2048
/* no-querier: the bridge's membership interval (centiseconds). */
#define LABFAULT_MEMBERSHIP_CS 200

struct labfaults;

struct labfault {
    const char *name;
    const char *breaks; /* one sentence: what it does to the stream */
    const char *check;  /* the diagnose check id that must catch it */
    /* "fail" or "warn"; "note": the check stays ok and its evidence
     * names it (a TTL of 1 on one link, which diagnose flags only behind
     * a router) */
    const char *status;
    /* checks that may also fail because of it, blank-separated ("" none) */
    const char *also;
    const char *join;     /* the command that shows it (as in a lesson) */
    const char *diagnose; /* the diagnose line that catches it */
    bool needs_progs;     /* runs or changes lab programs */
    int (*on)(struct labfaults *f, size_t i, char *why, size_t len);
    void (*off)(struct labfaults *f, size_t i);
};

/* What one fault changed, to undo it. */
struct labfault_state {
    bool on;
    char saved[LABFAULT_SAVED][LABFAULT_VALUE_MAX];
    pid_t pid[2];  /* programs it started */
    char path[64]; /* a file it made (removed when off) */
};

#define LABFAULT_MAX 16

struct labfaults {
    struct labnet *net;
    struct labprogs *progs; /* NULL: no programs (mcscope --lab-net) */
    struct labfault_state st[LABFAULT_MAX];
};

/* The table. */
size_t labfault_count(void);
const struct labfault *labfault_at(size_t i);
/* The fault named name, or NULL. */
const struct labfault *labfault_find(const char *name);
/* "rp-filter, report-drop, ..." for messages. */
void labfault_names(char *out, size_t len);

/* Ready to switch faults in net (progs may be NULL). */
void labfaults_init(struct labfaults *f, struct labnet *net,
                    struct labprogs *progs);

/*
 * Switch the fault name on (already on: nothing).  0, or -1 with why (an
 * unknown name lists the faults; a step that failed names its command
 * and what it said; what was done is undone).
 */
int labfault_on(struct labfaults *f, const char *name, char *why, size_t len);
/* Switch it off (restores what it changed).  0, or -1 with why (unknown
 * name).  A fault that is off stays off. */
int labfault_off(struct labfaults *f, const char *name, char *why, size_t len);
bool labfault_is_on(const struct labfaults *f, const char *name);
/* Every fault that is on, off (teardown, restart of a lesson). */
void labfaults_all_off(struct labfaults *f);

#endif
