/*
 * mcscope core: the kernel check — what the kernel holds (a /proc/net
 * snapshot, the socket's filter) next to what mcscope asked for, and the
 * one verdict on whether they agree, which the TUI and the reports share.
 */
#ifndef MCSCOPE_KCHECK_H
#define MCSCOPE_KCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "mcscope/err.h"
#include "mcscope/kstate.h"
#include "mcscope/member.h"

/*
 * What /proc/net says (kstate.h), read once for many groups.  A family
 * whose files cannot be read stays empty (err says why; the read still
 * returns 0 when the other family worked).  Like every /proc/net read it
 * is the calling thread's network namespace: read where the monitor was
 * made.
 */
struct mc_kernel_snapshot {
    struct mc_kgroups groups6, groups4;    /* igmp6, igmp */
    struct mc_ksources sources6, sources4; /* mcfilter6, mcfilter */
    /* Why each could not be read (code 0: it was). */
    struct mc_err groups6_err, groups4_err, sources6_err, sources4_err;
};
int mc_kernel_snapshot_read(struct mc_kernel_snapshot *s, struct mc_err *err);
void mc_kernel_snapshot_free(struct mc_kernel_snapshot *s);

/*
 * Group i as the kernel holds it, next to what mcscope asked for:
 *  - filter: the socket's filter (mc_monitor_group_kernel_filter);
 *  - proc: the interface's row of /proc/net/igmp6 or igmp (users, ...),
 *    when in_proc; proc_sources: its rows of mcfilter6 / mcfilter (how
 *    many sockets include and exclude each source).  A group joined
 *    without an interface takes the first interface that holds it;
 *  - mismatch: what mcscope asked (mode and sources) is not what the
 *    socket's filter holds; or, while joined, the interface holds no
 *    membership, or lacks an include/exclude row for a source asked
 *    (only judged when the listing covers the interface: see
 *    proc_sources_unlisted).
 *    mismatch_text says which, e.g. "mcscope asked exclude{fd42::2}, the
 *    socket holds asm".
 * Filled by mc_monitor_group_kernel (monitor.h); free with
 * mc_group_kernel_free.
 */
struct mc_group_kernel {
    /* The socket's filter could not be read: error (a negative errno)
     * and why; the other fields are empty.  0 otherwise. */
    int error;
    char error_text[MC_ERR_MSG_MAX];
    struct mc_filter filter;
    bool in_proc;
    struct mc_kgroup proc;
    struct mc_ksource *proc_sources;
    size_t nproc_sources;
    /* The kernel's listing of source filters left the interface out, so
     * proc_sources says nothing (it is not "no rows").  /proc/net/mcfilter6
     * and mcfilter start at the first interface whose newest group has a
     * source filter and skip every interface before it (Linux's
     * igmp6_mcf_get_first / igmp_mcf_get_first look at the head of each
     * interface's list only): e.g. `join ff01::114 dev X` after a
     * join-source on X hides X's source rows. */
    bool proc_sources_unlisted;
    bool mismatch;
    char mismatch_text[MC_ERR_MSG_MAX];
};
void mc_group_kernel_free(struct mc_group_kernel *k);

#endif
