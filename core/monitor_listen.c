/*
 * mcscope core: the monitor's receive sockets — one listener (member.h)
 * per (family, UDP port), opened by the first join on the port and closed
 * with its last membership; the fd table that tells the owner of each
 * polled descriptor, and the drop mark of each receive socket.
 */
#include <errno.h>
#include <stdlib.h>
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
        if (m->ls[i]->family == family && m->ls[i]->port == port)
            return m->ls[i];
    return NULL;
}

/* ---- the fd table ---- */

/* Make fd an entry of kind (its other fields cleared).  0, or -ENOMEM. */
int mc__fd_set(struct mc_monitor *m, int fd, enum fd_kind kind)
{
    if (fd < 0)
        return -EINVAL;
    if ((size_t)fd >= m->nfdo) {
        size_t n = m->nfdo ? m->nfdo : 64;
        struct fdowner *v;

        while (n <= (size_t)fd)
            n *= 2;
        v = realloc(m->fdo, n * sizeof *v);
        if (v == NULL)
            return -ENOMEM;
        memset(v + m->nfdo, 0, (n - m->nfdo) * sizeof *v);
        m->fdo = v;
        m->nfdo = n;
    }
    memset(&m->fdo[fd], 0, sizeof m->fdo[fd]);
    m->fdo[fd].kind = kind;
    return 0;
}

/*
 * Bring the fd table in step with L's sockets (after it opened or closed
 * one): sockets it keeps keep their drop marks, new ones start from 0
 * (their counter starts there), and the entries of closed ones go.
 */
void mc__listener_sync(struct mc_monitor *m, struct listener *L)
{
    size_t n = L->l != NULL ? mc_listener_nsockets(L->l) : 0;

    for (size_t i = 0; i < L->nfds; i++) {
        struct fdowner *o = mc__fd_owner(m, L->fds[i]);

        if (o != NULL && o->L == L)
            o->seen = false;
    }
    for (size_t j = 0; j < n; j++) {
        int fd = mc_listener_fd(L->l, j);
        struct fdowner *o = mc__fd_owner(m, fd);

        if (o != NULL && o->kind == FD_LISTENER && o->L == L) {
            o->seen = true;
            continue;
        }
        if (mc__fd_set(m, fd, FD_LISTENER) < 0)
            continue; /* out of memory: this socket is not polled */
        m->fdo[fd].L = L;
        m->fdo[fd].seen = true;
    }
    for (size_t i = 0; i < L->nfds; i++) {
        struct fdowner *o = mc__fd_owner(m, L->fds[i]);

        if (o != NULL && o->L == L && !o->seen)
            memset(o, 0, sizeof *o);
    }
    L->nfds = 0;
    for (size_t j = 0; j < n; j++) {
        int fd = mc_listener_fd(L->l, j);
        int *v = mc__grown(L->fds, &L->capfds, L->nfds, sizeof *L->fds);

        if (v == NULL)
            break;
        L->fds = v;
        if (mc__fd_owner(m, fd) != NULL && m->fdo[fd].L == L)
            L->fds[L->nfds++] = fd;
    }
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
    struct listener **ls, *L;
    int rc, granted;

    ls = mc__grown(m->ls, &m->capls, m->nls, sizeof *m->ls);
    if (ls == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a listener");
    m->ls = ls;
    L = calloc(1, sizeof *L);
    if (L == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a listener");
    rc = mc_listener_new(&lo, &L->l, err);
    if (rc < 0) {
        free(L);
        return rc;
    }
    if (mc_sock_get_rcvbuf(mc_listener_fd(L->l, 0), &granted, NULL) == 0)
        m->rcvbuf_granted = granted;
    L->family = family;
    L->port = port;
    L->pd = mc__portdrops(m, family, port);
    m->ls[m->nls++] = L;
    mc__listener_sync(m, L);
    *out = L;
    return 0;
}

static void listener_free(struct mc_monitor *m, struct listener *L)
{
    mc_listener_free(L->l);
    L->l = NULL;
    mc__listener_sync(m, L); /* its entries go */
    free(L->fds);
    free(L);
}

void mc__listener_close(struct mc_monitor *m, struct listener *L)
{
    size_t i = 0;

    while (i < m->nls && m->ls[i] != L)
        i++;
    if (i == m->nls)
        return;
    listener_free(m, L);
    memmove(&m->ls[i], &m->ls[i + 1], (m->nls - i - 1) * sizeof m->ls[0]);
    m->nls--;
}

void mc__listeners_free(struct mc_monitor *m)
{
    for (size_t i = 0; i < m->nls; i++)
        listener_free(m, m->ls[i]);
    free(m->ls);
    free(m->fdo);
}
