/*
 * mcscope core: the other UDP sockets on the host — the application's
 * socket next to mcscope's.  /proc/net/udp and /proc/net/udp6 give each
 * socket's bound address and port, its receive queue and the kernel's
 * drop counter for it; the links in /proc/PID/fd ("socket:[INODE]") names the
 * process that holds it.  /proc shows group memberships per interface
 * (/proc/net/igmp*, mcfilter*), never per process or socket: whether one
 * process joined a group cannot be read from /proc.
 */
#ifndef MCSCOPE_APPS_H
#define MCSCOPE_APPS_H

#include <stddef.h>
#include <stdint.h>

#include "mcscope/addr.h"
#include "mcscope/err.h"

/* One line of /proc/net/udp{,6}. */
struct mc_udp_sock {
    int family; /* AF_INET (udp) or AF_INET6 (udp6) */
    struct mc_addr local, remote;
    uint16_t lport, rport;
    unsigned state;
    uint32_t tx_queue, rx_queue; /* bytes */
    uint32_t uid;
    uint64_t inode;
    uint64_t drops; /* the kernel's sk_drops for this socket */
};

/*
 * Parse one line of /proc/net/udp (family AF_INET) or /proc/net/udp6
 * (AF_INET6): 0 and *out filled; 1 for the header line; -EINVAL for a
 * line that is neither (out is then cleared).  Pure: no I/O.
 */
int mc_udp_parse_line(const char *line, int family, struct mc_udp_sock *out);

/*
 * The UDP sockets of family (AF_INET or AF_INET6) in this network
 * namespace from the kernel's sock_diag (udp_diag.c): the fields a line
 * of /proc/net/udp{,6} has, without /proc's cost (quadratic in the
 * sockets of one port).  cb gets each socket (a negative return stops
 * and is returned).  0, or a negative errno (no sock_diag for UDP: the
 * caller reads /proc instead).
 */
int mc_udp_diag_read(int family,
                     int (*cb)(void *arg, const struct mc_udp_sock *s),
                     void *arg);

#define MC_COMM_MAX 16 /* /proc/PID/comm, NUL included (TASK_COMM_LEN) */

/* A socket on one of the ports asked for, with the process holding it. */
struct mc_app {
    struct mc_udp_sock s;
    int pid; /* 0: no process found (gone, or not visible here) */
    char comm[MC_COMM_MAX];
};

/*
 * The UDP sockets of this network namespace bound to one of ports (nports
 * of them), each with its process, into *v (n entries, sorted by inode;
 * allocated, the caller frees *v).  prev (nprev entries sorted by inode,
 * may be NULL: the last answer) lends its processes to the inodes it
 * knows; one walk of /proc/PID/fd names the others, only when there are
 * any.  proc is the /proc root ("/proc" when NULL; tests pass another).
 * 0, or a negative errno with err set (*v NULL).
 */
int mc_apps_read(const char *proc, const uint16_t *ports, size_t nports,
                 const struct mc_app *prev, size_t nprev, struct mc_app **v,
                 size_t *n, struct mc_err *err);

/*
 * Who names the sockets: by default a walk of /proc/PID/fd in this
 * process.  Reading another process's fd links takes ptrace access
 * (CAP_SYS_PTRACE for a process with more capabilities), which mcscope
 * drops; it installs a namer that asks a helper that kept it (src/namer.c).
 * fn names the entries of v (n, sorted by inode) whose pid is 0.  NULL:
 * back to the walk.
 */
typedef void (*mc_apps_namer_fn)(void *arg, struct mc_app *v, size_t n);
void mc_apps_set_namer(mc_apps_namer_fn fn, void *arg);
/* The walk: names the entries of v (n, sorted by inode) whose pid is 0. */
void mc_apps_name(const char *proc, struct mc_app *v, size_t n);

/* The process holding socket inode (pid 0 and comm "" when none is
 * found).  Walks /proc/PID/fd. */
void mc_apps_owner(const char *proc, uint64_t inode, int *pid,
                   char comm[MC_COMM_MAX]);

#endif
