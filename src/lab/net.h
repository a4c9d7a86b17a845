/*
 * mcscope: the lab's private network (reference/LAB.md), in network
 * namespaces that never touch the host's interfaces, built from one of the
 * topologies of topo.h, e.g. the bridge:
 *
 *   S1 lab0  fd42::1   10.200.0.1  --+
 *   S2 lab0  fd42::2   10.200.0.2  --+-- SW: bridge br0 (ports p0-S1 ...)
 *   RX lab0  fd42::10  10.200.0.10 --+
 *
 * A bridged link is a bridge in SW with a veth to each host (p<link>-HOST
 * in SW); the routed topology's link B is a veth pair between RT and RX,
 * and RT runs the router of router.h.  Every host has lo up, no DAD wait
 * (accept_dad 0, addresses nodad), no reverse-path filter and the route
 * 224.0.0.0/4 on its lab links (IPv6 has ff00::/8 by itself), and a
 * default route through RT where its link has one.  SW only bridges: its
 * ports carry no IPv6, and br0 has IPv6 (a link-local address) only in the
 * snooping variant, where the bridge is the MLD and IGMP querier.
 *
 * Two ways to make the namespaces:
 *  - NAMED (root): `ip netns add PREFIX<pid>-HOST`, so they show in
 *    `ip netns list` and outlive a killed run; labnet_sweep_stale removes
 *    those of runs whose pid is gone;
 *  - USERNS (anyone, where the kernel allows it): the calling process
 *    moves for good into a new user and network namespace, which is SW,
 *    and makes the hosts' namespaces with unshare(CLONE_NEWNET), keeping
 *    an fd to each.  Nothing has a name: when the process ends, the kernel
 *    frees all of it, so nothing can be left behind.
 *
 * Every `ip` this file runs runs inside one of the lab's namespaces (only
 * `ip netns add` runs where the caller is, to make one) and names only the
 * lab's own interfaces.  Nothing here is async-signal-safe: block SIGINT
 * and SIGTERM around labnet_up and labnet_down (a signal in the middle of
 * labnet_up otherwise leaves named namespaces for the next sweep).  One
 * struct labnet per process, used from one thread.
 */
#ifndef MCSCOPE_LAB_NET_H
#define MCSCOPE_LAB_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "router.h"
#include "topo.h"

#define LABNET_PREFIX "mcslab" /* names: mcslab<pid>-RX */
#define LABNET_NAME_MAX 64

enum labnet_host {
    LABNET_HOME = -1, /* where labnet_up was called (USERNS: SW) */
    LABNET_SW,
    LABNET_S1,
    LABNET_S2,
    LABNET_RX,
    LABNET_RT, /* the routed topology's router */
    LABNET_NHOSTS
};

enum labnet_mode {
    LABNET_MODE_AUTO,   /* NAMED when root, else USERNS */
    LABNET_MODE_NAMED,  /* ip netns add: needs root (CAP_SYS_ADMIN) */
    LABNET_MODE_USERNS, /* unprivileged user + network namespaces */
};

struct labnet_opts {
    const char *prefix; /* NULL: LABNET_PREFIX; at most 24 bytes */
    /* The pid in the names (0: this process).  mcscope --lab-net up names
     * the labs it leaves standing after its caller (a shell script), so
     * that they count as stale once the caller is gone. */
    pid_t owner;
    enum labnet_mode mode;
    /* What to build (topo.h): 0 is the bridge.  The snooping variant's
     * br0 has mcast_snooping 1 and mcast_querier 1, MLDv2 and IGMPv3, so
     * it keeps (S,G) state and forwards per source; otherwise
     * mcast_snooping 0: the bridge floods every group. */
    enum labtopo_id topology;
    /* RX's lab links: 0 leaves the kernel's choice; 1 or 2 sets
     * force_mld_version, 1..3 force_igmp_version (the MLDv1 lesson). */
    int rx_mld_version;
    int rx_igmp_version;
};

struct labnet {
    enum labnet_mode mode;      /* the one used */
    const struct labtopo *topo; /* what was built */
    enum labrouter_kind router; /* RT's router, if any */
    pid_t owner;
    int home_fd;               /* LABNET_HOME's namespace */
    int ns_fd[LABNET_NHOSTS];  /* -1: not made */
    bool named[LABNET_NHOSTS]; /* /run/netns/NAME made by us */
    int cur;                   /* the host the thread is in; -1: home */
    char name[LABNET_NHOSTS][LABNET_NAME_MAX]; /* "mcslab1234-RX" */
};

/*
 * Build the lab.  Returns 0, or a negative errno with one line in why
 * that says what failed and what would help (root, iproute2, the
 * user-namespace sysctls); on failure everything made is removed (in
 * USERNS mode the process stays in its new user namespace).  The calling
 * thread is back home when it returns.
 */
int labnet_up(const struct labnet_opts *opts, struct labnet *net, char *why,
              size_t why_len);

/* Is there an ip (iproute2) to run?  0, or -1 with why saying what to
 * install.  labnet_up checks it first. */
int labnet_check_ip(char *why, size_t why_len);

/* Go home, kill every process inside the lab's namespaces (other than
 * this one), delete them.  Safe on a struct that labnet_up failed to fill
 * or already took down. */
void labnet_down(struct labnet *net);

/*
 * Remove named namespaces PREFIX<pid>-HOST whose pid is gone (a run that
 * was killed): the processes inside are killed first.  A pid that is
 * alive (even if reused by another program) keeps its namespaces.  Each
 * removal is reported on log (may be NULL).  Returns how many were
 * removed.  Needs root; does nothing without /run/netns.
 */
size_t labnet_sweep_stale(const char *prefix, FILE *log);

/* Remove the named namespaces PREFIX<owner>-HOST, alive or not, the
 * processes inside killed first (mcscope --lab-net down).  Each removal
 * is reported on log (may be NULL); returns how many were removed. */
size_t labnet_remove_owned(const char *prefix, pid_t owner, FILE *log);

/* Switch the calling thread into host's namespace (LABNET_HOME: back
 * home).  0 or -errno.  Sockets opened there stay there. */
int labnet_enter(struct labnet *net, enum labnet_host h);
int labnet_leave(struct labnet *net);

/*
 * Start argv (PATH searched) inside host h: a forked child enters the
 * namespace, moves to a process group of its own (the terminal's ^C goes
 * to the caller only), gets SIGTERM when the caller dies
 * (PR_SET_PDEATHSIG), a clear signal mask, stdin from /dev/null, and
 * stdout / stderr on out_fd / err_fd (-1: /dev/null).  Returns the pid
 * (the caller reaps it), or -errno when the program could not start
 * (-ENOENT: not found).
 */
pid_t labnet_spawn(struct labnet *net, enum labnet_host h, char *const argv[],
                   int out_fd, int err_fd);

/* The same, stdout and stderr to /dev/null, with pass_fd as the child's
 * fd LABPROC_PASS_FD (3). */
pid_t labnet_spawn_fd(struct labnet *net, enum labnet_host h,
                      char *const argv[], int pass_fd);

/*
 * Run argv inside host h to its end, its stdout and stderr (together)
 * into out (NUL-terminated, cut at out_len; out may be NULL).  Returns the
 * exit status (128 + N after signal N), or -errno when it could not run.
 */
int labnet_run(struct labnet *net, enum labnet_host h, char *const argv[],
               char *out, size_t out_len);

/* "SW", "S1", "S2", "RX", "RT"; "home" for LABNET_HOME. */
const char *labnet_host_name(enum labnet_host h);
/* The host of a name ("rx" too), or LABNET_NHOSTS when none. */
enum labnet_host labnet_host_by_name(const char *name);
/* A host's address on link 0 or 1 ("fd42::10", "10.200.0.10"); NULL for
 * SW, home or a link the host does not have. */
const char *labnet_addr(const struct labnet *net, enum labnet_host h,
                        int family, int link);
/* A host's first interface ("lab0", "en0"); NULL when it has none. */
const char *labnet_ifname(const struct labnet *net, enum labnet_host h);
/* Is host h part of this lab's topology? */
bool labnet_has(const struct labnet *net, enum labnet_host h);

/* Pids of the processes inside host h's namespace (this one excluded):
 * up to max into pids; returns how many there are. */
size_t labnet_pids(const struct labnet *net, enum labnet_host h, pid_t *pids,
                   size_t max);

#endif
