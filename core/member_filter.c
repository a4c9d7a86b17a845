/*
 * mcscope core: reading a socket's source filter back from the kernel
 * (getsockopt MCAST_MSFILTER, RFC 3678 §5.2; igmp.c ip_mc_gsfget, mcast.c
 * ip6_mc_msfget).
 */
#include "member_priv.h"

#include <errno.h>
#include <stdlib.h>

void mc_filter_free(struct mc_filter *f)
{
    if (f == NULL)
        return;
    free(f->sources);
    f->sources = NULL;
    f->nsources = 0;
    f->cap = 0;
}

/* ---- reading the filter back (MCAST_MSFILTER) ---- */

/* First guess at the source count; more is read on a second call. */
#define FILTER_ROOM0 8
/* Beyond any igmp_max_msf / mld_max_msf seen in practice. */
#define FILTER_ROOM_MAX 65536u

static enum mc_filter_mode mode_of_kernel(uint32_t fmode, size_t n)
{
    if (fmode == MCAST_INCLUDE)
        /*
         * INCLUDE{} is not "not joined": the kernel holds the membership
         * and delivers nothing (a leave-source on an ASM group makes it,
         * see guard_leave_source).  It reads back as include mode with no
         * source.
         */
        return MC_MODE_INCLUDE;
    return n == 0 ? MC_MODE_ASM : MC_MODE_EXCLUDE;
}

/* Copy the kernel's answer into out: the mode, the total and the first
 * min(total, room) sources. */
static int filter_take(const struct group_filter *gf, size_t room,
                       struct mc_filter *out)
{
    const struct sockaddr_storage *slist = gf->gf_slist;
    size_t n = gf->gf_numsrc < room ? gf->gf_numsrc : room;
    size_t i;

    out->mode = mode_of_kernel(gf->gf_fmode, gf->gf_numsrc);
    out->nsources = gf->gf_numsrc;
    out->cap = n;
    out->sources = NULL;
    if (n == 0)
        return 0;
    out->sources = calloc(n, sizeof *out->sources);
    if (out->sources == NULL) {
        out->cap = 0;
        return -ENOMEM;
    }
    for (i = 0; i < n; i++)
        mc_addr_from_sockaddr((const struct sockaddr *)&slist[i],
                              &out->sources[i], NULL);
    return 0;
}

/*
 * One getsockopt(MCAST_MSFILTER) with room for `room` sources.  The kernel
 * needs optlen >= GROUP_FILTER_SIZE(0), writes the total into gf_numsrc
 * and copies min(total, room) sources.  Returns 0 (out filled), 1 when
 * the group is not joined, or a negative errno.
 */
static int filter_call(int fd, int level, unsigned ifindex,
                       const struct mc_addr *group, size_t room,
                       struct mc_filter *out)
{
    size_t size = GROUP_FILTER_SIZE(room);
    struct group_filter *gf;
    socklen_t len = (socklen_t)size;
    int rc;

    if (size < sizeof *gf)
        size = sizeof *gf;
    gf = calloc(1, size);
    if (gf == NULL)
        return -ENOMEM;
    gf->gf_interface = ifindex;
    fill_sockaddr(group, &gf->gf_group);
    gf->gf_numsrc = (uint32_t)room;
    if (getsockopt(fd, level, MCAST_MSFILTER, gf, &len) < 0) {
        rc = -errno;
        free(gf);
        /* "must have a prior join": EADDRNOTAVAIL (igmp.c ip_mc_gsfget,
         * mcast.c ip6_mc_msfget); some kernels said EINVAL. */
        return rc == -EADDRNOTAVAIL || rc == -EINVAL ? 1 : rc;
    }
    rc = filter_take(gf, room, out);
    free(gf);
    return rc;
}

/* The filter on one interface: 0, 1 when not joined there, or a negative
 * errno. */
static int filter_read(int fd, int level, unsigned ifindex,
                       const struct mc_addr *group, struct mc_filter *out)
{
    size_t room = FILTER_ROOM0;
    int tries, rc;

    for (tries = 0;; tries++) {
        rc = filter_call(fd, level, ifindex, group, room, out);
        if (rc != 0 || out->nsources <= room || room >= FILTER_ROOM_MAX)
            return rc;
        /* More sources than room: ask again with room for all of them.
         * The list may grow in between; the last try takes the most. */
        room = out->nsources;
        if (room > FILTER_ROOM_MAX || tries >= 2)
            room = FILTER_ROOM_MAX;
        mc_filter_free(out);
    }
}

/*
 * ifindex 0: the kernel stored the interface it chose by route (igmp.c
 * ip_mc_find_dev, mcast.c ipv6_sock_mc_join) and MCAST_MSFILTER compares
 * gf_interface exactly, so look on every interface.
 */
static int filter_read_any(int fd, int level, const struct mc_addr *group,
                           struct mc_filter *out)
{
    unsigned *ifs;
    size_t n;
    int rc = 1;

    if (mc_if_indexes(&ifs, &n) < 0)
        return 1;
    for (size_t i = 0; i < n; i++) {
        /* An interface the kernel will not answer for holds nothing. */
        if (filter_read(fd, level, ifs[i], group, out) == 0) {
            rc = 0;
            break;
        }
    }
    free(ifs);
    return rc;
}

int mc_filter_get(int fd, unsigned ifindex, const struct mc_addr *group,
                  struct mc_filter *out, struct mc_err *err)
{
    struct mc__words w;
    int rc;

    mc_err_clear(err);
    if (out == NULL)
        return mc_err_set(err, -EINVAL, "no filter to fill");
    memset(out, 0, sizeof *out);
    rc = mc__member_check_group(fd, MC_OP_JOIN, ifindex, group, err);
    if (rc < 0)
        return rc;
    if (ifindex == 0)
        rc = filter_read_any(fd, sock_level(group->family), group, out);
    else
        rc = filter_read(fd, sock_level(group->family), ifindex, group, out);
    if (rc == 1) {
        memset(out, 0, sizeof *out);
        out->mode = MC_MODE_NONE;
        return 0;
    }
    if (rc < 0) {
        mc__member_words(&w, MC_OP_JOIN, ifindex, group, NULL);
        return mc_err_set(err, rc,
                          "reading the filter of %s%s (MCAST_MSFILTER) "
                          "failed: %s (%s)",
                          w.g, w.on, mc_errno_name(rc), mc_strerror(rc));
    }
    return 0;
}

/* The socket's mode for (group, ifindex); NONE when unknown. */
enum mc_filter_mode mc__member_mode_now(int fd, unsigned ifindex,
                                        const struct mc_addr *group)
{
    struct mc_filter f;
    enum mc_filter_mode mode = MC_MODE_NONE;

    if (mc_filter_get(fd, ifindex, group, &f, NULL) == 0)
        mode = f.mode;
    mc_filter_free(&f);
    return mode;
}
