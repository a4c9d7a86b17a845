/*
 * mcscope core: the monitor's receive sockets — one listener (member.h)
 * per (family, UDP port), opened by the first join on the port and closed
 * with its last membership, and the drop mark of each of its sockets.
 */
#include <errno.h>
#include <string.h>

#include "mcscope/sock.h"
#include "monitor_priv.h"

/* The control-message flags a family has (no path MTU on IPv4). */
unsigned mc__cm_family_mask(int family)
{
    return family == AF_INET ? MC_CM_ALL_V4 : MC_CM_ALL_V6;
}

/* Receive flags on the sockets of a family: the user's plus PKTINFO. */
static unsigned cm_on(const struct mc_monitor *m, int family)
{
    return (m->cm_user | MC_CM_DST | MC_CM_IFACE) & mc__cm_family_mask(family);
}

struct listener *mc__listener_find(struct mc_monitor *m, int family,
                                   uint16_t port)
{
    for (size_t i = 0; i < m->nls; i++)
        if (m->ls[i].family == family && m->ls[i].port == port)
            return &m->ls[i];
    return NULL;
}

struct listener *mc__listener_of_fd(struct mc_monitor *m, int fd)
{
    for (size_t i = 0; i < m->nls; i++) {
        size_t n = mc_listener_nsockets(m->ls[i].l);

        for (size_t j = 0; j < n; j++)
            if (mc_listener_fd(m->ls[i].l, j) == fd)
                return &m->ls[i];
    }
    return NULL;
}

int mc__listener_open(struct mc_monitor *m, int family, uint16_t port,
                      struct listener **out, struct mc_err *err)
{
    struct mc_listener_opts lo = {
        .family = family,
        .port = port,
        .multicast_all = m->multicast_all,
        .rcvbuf = m->o.rcvbuf,
        .cm_flags = cm_on(m, family),
        .timestamps = true,
    };
    struct listener *ls;
    struct mc_listener *l;
    int rc, granted;

    ls = mc__grown(m->ls, &m->capls, m->nls, sizeof *m->ls);
    if (ls == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a listener");
    m->ls = ls;
    rc = mc_listener_new(&lo, &l, err);
    if (rc < 0)
        return rc;
    if (mc_sock_get_rcvbuf(mc_listener_fd(l, 0), &granted, NULL) == 0)
        m->rcvbuf_granted = granted;
    m->ls[m->nls].l = l;
    m->ls[m->nls].family = family;
    m->ls[m->nls].port = port;
    *out = &m->ls[m->nls++];
    return 0;
}

void mc__listener_close(struct mc_monitor *m, struct listener *L)
{
    size_t i = (size_t)(L - m->ls);

    mc_listener_free(L->l);
    memmove(&m->ls[i], &m->ls[i + 1], (m->nls - i - 1) * sizeof m->ls[0]);
    m->nls--;
}

/* Keep one drop mark per receive socket: those of closed sockets go, new
 * sockets start from 0 (their counter starts there). */
void mc__dropmarks_sync(struct mc_monitor *m)
{
    struct dropmark *old = m->dm;
    size_t nold = m->ndm;

    m->dm = NULL;
    m->ndm = 0;
    m->capdm = 0;
    for (size_t i = 0; i < m->nls; i++) {
        size_t n = mc_listener_nsockets(m->ls[i].l);

        for (size_t j = 0; j < n; j++) {
            int fd = mc_listener_fd(m->ls[i].l, j);
            struct dropmark *dm;
            uint32_t last = 0;

            for (size_t k = 0; k < nold; k++)
                if (old[k].fd == fd)
                    last = old[k].last;
            dm = mc__grown(m->dm, &m->capdm, m->ndm, sizeof *m->dm);
            if (dm == NULL)
                continue; /* drops on this socket go uncounted */
            m->dm = dm;
            m->dm[m->ndm].fd = fd;
            m->dm[m->ndm].last = last;
            m->ndm++;
        }
    }
    free(old);
}
