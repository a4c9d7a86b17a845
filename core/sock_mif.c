/*
 * mcscope core: the multicast interface of a socket (IP_MULTICAST_IF,
 * IPV6_MULTICAST_IF), and for IPv4 the index it was set to, which the
 * kernel keeps but does not read back.
 */
#include "sock_priv.h"

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>

/* ---- multicast interface ---- */

static const struct mc__sock_opt opt_mif4 = {IPPROTO_IP, IP_MULTICAST_IF,
                                             "multicast interface",
                                             "IP_MULTICAST_IF", true};
static const struct mc__sock_opt opt_mif6 = {IPPROTO_IPV6, IPV6_MULTICAST_IF,
                                             "multicast interface",
                                             "IPV6_MULTICAST_IF", true};

/*
 * The IPv4 multicast interface set by index, kept in user space: the kernel
 * keeps the index but getsockopt(IP_MULTICAST_IF) returns only an address
 * (ip(7)), which is 0.0.0.0 when the interface was chosen by index.  Giving
 * the interface's address instead would pin the source address of every
 * packet the socket sends, per-packet IP_PKTINFO interfaces included, so the
 * index is remembered here, keyed by the socket's inode (unique while the
 * socket lives, unlike its descriptor number).
 */
#define MIF4_MEMO 128
struct mif4_memo {
    dev_t dev;
    ino_t ino;
    unsigned ifindex;
};
static struct mif4_memo mif4_memo[MIF4_MEMO];
static unsigned mif4_next;
static pthread_mutex_t mif4_lock = PTHREAD_MUTEX_INITIALIZER;

/* The socket's identity (device and inode); false when fstat fails. */
static bool sock_identity(int fd, dev_t *dev, ino_t *ino)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
        return false;
    *dev = st.st_dev;
    *ino = st.st_ino;
    return true;
}

static void mif4_remember(int fd, unsigned ifindex)
{
    struct mif4_memo *slot = NULL;
    dev_t dev;
    ino_t ino;
    unsigned i;

    if (!sock_identity(fd, &dev, &ino))
        return;
    pthread_mutex_lock(&mif4_lock);
    for (i = 0; i < MIF4_MEMO && slot == NULL; i++)
        if (mif4_memo[i].ino == ino && mif4_memo[i].dev == dev)
            slot = &mif4_memo[i];
    if (slot == NULL) {
        slot = &mif4_memo[mif4_next];
        mif4_next = (mif4_next + 1) % MIF4_MEMO;
    }
    slot->dev = dev;
    slot->ino = ino;
    slot->ifindex = ifindex;
    pthread_mutex_unlock(&mif4_lock);
}

static unsigned mif4_recall(int fd)
{
    unsigned i, ifindex = 0;
    dev_t dev;
    ino_t ino;

    if (!sock_identity(fd, &dev, &ino))
        return 0;
    pthread_mutex_lock(&mif4_lock);
    for (i = 0; i < MIF4_MEMO; i++)
        if (mif4_memo[i].ino == ino && mif4_memo[i].dev == dev)
            ifindex = mif4_memo[i].ifindex;
    pthread_mutex_unlock(&mif4_lock);
    return ifindex;
}

static int mcast_if_refused(int fd, int fam, unsigned ifindex, int e,
                            struct mc_err *err)
{
    int bound = mc__sock_int(fd, SO_BINDTOIFINDEX);

    /* IPv6 says ENODEV for an unknown index, IPv4 EADDRNOTAVAIL. */
    if (e == -ENODEV || (fam == AF_INET && e == -EADDRNOTAVAIL))
        return mc_err_set(err, e,
                          "interface index %u does not exist in this network "
                          "namespace: choose one that `ip link` lists",
                          ifindex);
    if (e == -EINVAL && bound > 0 && (unsigned)bound != ifindex)
        return mc_err_set(err, e,
                          "the socket is bound to interface index %d "
                          "(SO_BINDTODEVICE): its multicast interface must "
                          "be that one",
                          bound);
    return mc__sock_refused(fd, fam, mc__sock_pick(fam, &opt_mif4, &opt_mif6),
                            e, true, (int)ifindex, err);
}

int mc_sock_set_mcast_if(int fd, unsigned ifindex, struct mc_err *err)
{
    struct ip_mreqn mreq;
    int fam, rc;

    mc_err_clear(err);
    fam = mc__sock_family_of(fd, err);
    if (fam < 0)
        return fam;
    if (ifindex > (unsigned)INT_MAX)
        return mc_err_set(err, -EINVAL,
                          "interface index %u is out of range: choose one "
                          "that `ip link` lists",
                          ifindex);
    if (fam == AF_INET6) {
        int v = (int)ifindex;

        rc = setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &v, sizeof v);
    } else {
        /* ip(7): struct ip_mreqn, by index only (see mif4_memo). */
        memset(&mreq, 0, sizeof mreq);
        mreq.imr_ifindex = (int)ifindex;
        rc = setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &mreq, sizeof mreq);
    }
    if (rc < 0)
        return mcast_if_refused(fd, fam, ifindex, -errno, err);
    if (fam == AF_INET)
        mif4_remember(fd, ifindex);
    return 0;
}

int mc_sock_get_mcast_if(int fd, unsigned *ifindex, struct mc_err *err)
{
    struct in_addr a = {0};
    struct mc_addr held = {0};
    socklen_t len = sizeof a;
    int fam, v = 0, rc;

    mc_err_clear(err);
    fam = mc__sock_family_of(fd, err);
    if (fam < 0)
        return fam;
    if (fam == AF_INET6) {
        rc = mc__sock_get_int(fd, fam, &opt_mif6, &v, err);
        if (rc == 0)
            *ifindex = (unsigned)v;
        return rc;
    }
    /* The IPv4 kernel keeps the index but reads back only the address. */
    if (getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &a, &len) < 0)
        return mc__sock_refused(fd, fam, &opt_mif4, -errno, false, 0, err);
    /* Set by address (by another program, say): map it back; set by
     * index: what mc_sock_set_mcast_if remembered. */
    if (a.s_addr == INADDR_ANY) {
        *ifindex = mif4_recall(fd);
    } else {
        held.family = AF_INET;
        held.u.v4 = a;
        *ifindex = mc_if_with_addr(&held);
    }
    return 0;
}
