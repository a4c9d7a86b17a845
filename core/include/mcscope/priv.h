/*
 * mcscope core: privileges.  Capturing (libpcap, AF_PACKET) needs
 * CAP_NET_RAW; mcscope needs nothing else to capture.  Run as root or with
 * file capabilities, it keeps only what it uses (libcap, capabilities(7)).
 */
#ifndef MCSCOPE_PRIV_H
#define MCSCOPE_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include "mcscope/err.h"

/* How to get the capability, for every refusal that needs it. */
#define MC_PRIV_HOWTO                                                          \
    "run as root, or grant the capability: "                                   \
    "setcap cap_net_raw+ep $(command -v mcscope)"

/* Whether the capability is in the effective set (cap_get_proc). */
bool mc_priv_have_net_raw(void);
bool mc_priv_have_net_admin(void);

/*
 * Keep only the capabilities named, of those the process holds: the
 * permitted and effective sets become {CAP_NET_RAW if keep_net_raw and
 * held, CAP_NET_ADMIN if keep_net_admin and held}, the inheritable set
 * (and so the ambient set) empty.  When CAP_SETPCAP is held (root), the
 * others are also dropped from the bounding set first, so that a program
 * executed later, even as uid 0, cannot get them back.  A process without
 * capabilities is left as it is (0).  Irreversible: open every dump file
 * and build every namespace first; keep CAP_NET_RAW while `pcap on` may
 * still come.  Returns 0 or a negative errno (-EPERM) with the cause.
 */
int mc_priv_drop_unneeded(bool keep_net_raw, bool keep_net_admin,
                          struct mc_err *err);

/*
 * Whether a receive buffer of bytes needs CAP_NET_ADMIN: only
 * SO_RCVBUFFORCE goes beyond net.core.rmem_max (socket(7)), so it is
 * needed when bytes is larger than rmem_max (read from
 * /proc/sys/net/core/rmem_max; unreadable: assumed needed).  Joins,
 * socket options and captures need no CAP_NET_ADMIN.
 */
bool mc_priv_rcvbuf_needs_admin(int bytes);

/* The process's capabilities as libcap spells them ("=" for none,
 * "cap_net_raw=ep"), cut to len - 1.  Returns buf. */
const char *mc_priv_describe(char *buf, size_t len);

#endif
