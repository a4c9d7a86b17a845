/*
 * mcscope core: what the kernel holds, read from /proc/net (per network
 * namespace of the calling thread).
 *
 *   /proc/net/igmp6     ifindex dev group(32 hex) users flags timer
 *   /proc/net/mcfilter6 header, then Idx Device MCA SRC INC EXC
 *   /proc/net/igmp      per device "Idx Device : Count Querier", then rows
 *                       "Group Users Timer Reporter" with the group a
 *                       __be32 printed %08X: byte-reversed on little endian
 *   /proc/net/mcfilter  header, then Idx Device MCA SRC INC EXC (readable hex)
 *
 * The parse functions take the file's text (for tests and fuzzing); the
 * read functions read the live file.  Neither file shows a filter mode:
 * use mc_filter_get for one socket's mode.
 */
#ifndef MCSCOPE_KSTATE_H
#define MCSCOPE_KSTATE_H

#include <net/if.h>
#include <stddef.h>

#include "mcscope/addr.h"
#include "mcscope/err.h"

/* One group the kernel holds on an interface (igmp6 / igmp rows). */
struct mc_kgroup {
    unsigned ifindex;
    char ifname[IF_NAMESIZE];
    struct mc_addr group;
    unsigned users;      /* sockets (and the stack) holding it */
    unsigned flags;      /* igmp6 flags (1 timer, 2 last reporter, 4 loaded,
                            8 noreport); IPv4: reporter (0/1) */
    unsigned long timer; /* as printed */
    char querier[4];     /* IPv4 only: the device's querier "V1".."V3" */
};

/* One source in an interface-level filter (mcfilter / mcfilter6 rows). */
struct mc_ksource {
    unsigned ifindex;
    char ifname[IF_NAMESIZE];
    struct mc_addr group;
    struct mc_addr source;
    unsigned inc; /* sockets including this source */
    unsigned exc; /* sockets excluding it */
};

struct mc_kgroups {
    struct mc_kgroup *v;
    size_t n;
};
struct mc_ksources {
    struct mc_ksource *v;
    size_t n;
};
void mc_kgroups_free(struct mc_kgroups *g);
void mc_ksources_free(struct mc_ksources *s);

/* Parse file text.  Malformed lines are skipped and counted in *bad (may be
 * NULL).  Returns 0 or -ENOMEM. The result is appended to out. */
int mc_kstate_parse_igmp6(const char *text, struct mc_kgroups *out,
                          size_t *bad);
int mc_kstate_parse_igmp(const char *text, struct mc_kgroups *out, size_t *bad);
int mc_kstate_parse_mcfilter6(const char *text, struct mc_ksources *out,
                              size_t *bad);
int mc_kstate_parse_mcfilter(const char *text, struct mc_ksources *out,
                             size_t *bad);

/* Read the live files (family AF_INET or AF_INET6). */
int mc_kstate_read_groups(int family, struct mc_kgroups *out,
                          struct mc_err *err);
int mc_kstate_read_sources(int family, struct mc_ksources *out,
                           struct mc_err *err);

/* Find a group row; NULL when the kernel does not hold it. */
const struct mc_kgroup *mc_kgroups_find(const struct mc_kgroups *g,
                                        unsigned ifindex,
                                        const struct mc_addr *group);

/* Read a sysctl under /proc/sys (e.g. "net/ipv4/igmp_max_memberships").
 * Returns 0 and *value, or a negative errno. */
int mc_sysctl_read_long(const char *name, long *value);

#endif
