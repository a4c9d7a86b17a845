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
 *    membership, or lacks an include/exclude row for a source asked.
 *    mismatch_text says which, e.g. "mcscope asked exclude{fd42::2}, the
 *    socket holds asm".
 * Filled by mc_monitor_group_kernel (monitor.h); free with
 * mc_group_kernel_free.
 */
struct mc_group_kernel {
    struct mc_filter filter;
    bool in_proc;
    struct mc_kgroup proc;
    struct mc_ksource *proc_sources;
    size_t nproc_sources;
    bool mismatch;
    char mismatch_text[MC_ERR_MSG_MAX];
};
void mc_group_kernel_free(struct mc_group_kernel *k);

#endif
