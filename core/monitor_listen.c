/*
 * mcscope core: the monitor's receive sockets — one listener (member.h)
 * per (family, UDP port), opened by the first join on the port and closed
 * with its last membership; the fd table that tells the owner of each
 * polled descriptor, and the drop mark of each receive socket.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mcscope/apps.h"
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

/* An IPv6 group that is ambiguous without an interface (RFC 4007 §6):
 * its bind needs the scope id (SOCKET-API.md §2.1, EINVAL without). */
static bool needs_scope(const struct mc_addr *g)
{
    return g->family == AF_INET6 && (IN6_IS_ADDR_MC_LINKLOCAL(&g->u.v6) ||
                                     IN6_IS_ADDR_MC_NODELOCAL(&g->u.v6));
}

void mc__lkey_group(struct lkey *k, const struct mc_addr *group,
                    unsigned ifindex, uint16_t port, enum mc_binding b)
{
    memset(k, 0, sizeof *k);
    k->family = group->family;
    k->port = port;
    k->any = b == MC_BIND_ANY;
    k->wire = b == MC_BIND_WIRE_ONLY; /* a hint for opening, not a key */
    if (!k->any) {
        k->group = *group;
        k->scope = needs_scope(group) ? ifindex : 0;
    }
}

static bool lkey_equal(const struct lkey *a, const struct lkey *b)
{
    if (a->family != b->family || a->port != b->port || a->any != b->any)
        return false;
    return a->any ||
           (mc_addr_equal(&a->group, &b->group) && a->scope == b->scope);
}

/* ---- the hash of listeners by key ---- */

/* FNV-1a over what lkey_equal compares. */
static size_t lkey_hash(const struct lkey *k)
{
    static const struct mc_addr none;
    uint32_t more[4] = {(uint32_t)k->family, k->port, k->any,
                        k->any ? 0 : k->scope};

    return mc__fnv_addr(k->any ? &none : &k->group, more, 4);
}

static void lh_put(struct listener **tab, size_t cap, struct listener *L)
{
    size_t i = lkey_hash(&L->key) & (cap - 1);

    L->hnext = tab[i];
    tab[i] = L;
}

/* Room for one more listener at a load of at most one: 0 or -ENOMEM
 * (the table is unchanged). */
static int lh_room(struct mc_monitor *m)
{
    size_t cap = m->lhcap ? m->lhcap : 16;
    struct listener **tab;

    while (m->nls + 1 > cap)
        cap *= 2;
    if (cap == m->lhcap)
        return 0;
    tab = calloc(cap, sizeof *tab);
    if (tab == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < m->nls; i++)
        lh_put(tab, cap, m->ls[i]);
    free(m->lh);
    m->lh = tab;
    m->lhcap = cap;
    return 0;
}

static void lh_remove(struct mc_monitor *m, struct listener *L)
{
    struct listener **p;

    if (m->lhcap == 0)
        return;
    p = &m->lh[lkey_hash(&L->key) & (m->lhcap - 1)];
    while (*p != NULL && *p != L)
        p = &(*p)->hnext;
    if (*p != NULL)
        *p = L->hnext;
}

/* The listener of key k: O(1). */
struct listener *mc__listener_find(const struct mc_monitor *m,
                                   const struct lkey *k)
{
    if (m->lhcap == 0)
        return NULL;
    for (struct listener *L = m->lh[lkey_hash(k) & (m->lhcap - 1)]; L != NULL;
         L = L->hnext)
        if (lkey_equal(&L->key, k))
            return L;
    return NULL;
}

struct listener *mc__listener_of(const struct mc_monitor *m,
                                 const struct group *g)
{
    struct lkey k;

    mc__lkey_group(&k, &g->group, g->ifindex, g->port, g->binding);
    return mc__listener_find(m, &k);
}

/* ---- the fd table ---- */

/* fd in the epoll set, whether or not it was (a number reused after a
 * close is a new file the set does not hold). */
static void watch(struct mc_monitor *m, int fd)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};

    if (epoll_ctl(m->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 && errno == ENOENT)
        epoll_ctl(m->epfd, EPOLL_CTL_ADD, fd, &ev);
}

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
    if (m->fdo[fd].kind == FD_NONE)
        m->nowned++;
    memset(&m->fdo[fd], 0, sizeof m->fdo[fd]);
    m->fdo[fd].kind = kind;
    watch(m, fd);
    return 0;
}

void mc__fd_clear(struct mc_monitor *m, int fd)
{
    struct fdowner *o = mc__fd_owner(m, fd);

    if (o == NULL)
        return;
    /* A closed fd left the set with its file; one still open leaves it
     * here (ENOENT and EBADF say it was gone). */
    epoll_ctl(m->epfd, EPOLL_CTL_DEL, fd, NULL);
    memset(o, 0, sizeof *o);
    m->nowned--;
}

/*
 * Bring the fd table in step with L's sockets (after it opened or closed
 * one): sockets it keeps keep their drop marks, new ones start from 0
 * (their counter starts there), and the entries of closed ones go.
 */
void mc__listener_sync(struct mc_monitor *m, struct listener *L)
{
    size_t n = L->l != NULL ? mc_listener_nsockets(L->l) : 0;
    struct stat st;

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
            watch(m, fd); /* the number may be a new socket's */
            continue;
        }
        if (mc__fd_set(m, fd, FD_LISTENER) < 0)
            continue; /* out of memory: this socket is not polled */
        m->fdo[fd].L = L;
        m->fdo[fd].seen = true;
        if (fstat(fd, &st) == 0)
            m->fdo[fd].ino = (uint64_t)st.st_ino; /* names it as ours */
    }
    for (size_t i = 0; i < L->nfds; i++) {
        struct fdowner *o = mc__fd_owner(m, L->fds[i]);

        if (o != NULL && o->L == L && !o->seen)
            mc__fd_clear(m, L->fds[i]);
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

/* The process holding port k->port where k's bind collides: a socket of
 * another process on the port bound to the wildcard or to the group. */
static void find_holder(const struct lkey *k, struct listener *L)
{
    struct mc_app *v = NULL;
    size_t n = 0;
    struct mc_err err;
    int self = (int)getpid();

    if (mc_apps_read(NULL, &k->port, 1, NULL, 0, &v, &n, &err) < 0)
        return;
    for (size_t i = 0; i < n; i++) {
        const struct mc_udp_sock *s = &v[i].s;
        bool wild = mc_addr_is_unspecified(&s->local);

        if (v[i].pid == self || v[i].pid == 0)
            continue;
        if (!wild && !(s->local.family == k->family &&
                       mc_addr_equal(&s->local, &k->group)))
            continue;
        L->holder_pid = v[i].pid;
        memcpy(L->holder_comm, v[i].comm, sizeof L->holder_comm);
        break;
    }
    free(v);
}

/* Open k's mc_listener.  Passive: bound to the group; when another
 * process holds the port without SO_REUSEADDR, bound to port 0 of the
 * group instead (wire-only: it holds the memberships, the capture
 * counts). */
static int open_bound(struct mc_monitor *m, const struct lkey *k,
                      struct mc_listener_opts *lo, struct listener *L,
                      struct mc_err *err)
{
    int rc;

    lo->bind_addr = k->any ? NULL : &k->group;
    lo->bind_ifindex = k->any ? 0 : k->scope;
    if (k->wire) {
        L->wire_only = true; /* asked for: no holder to name */
    } else {
        rc = mc_listener_new(lo, &L->l, err);
        if (rc != -EADDRINUSE || k->any)
            return rc;
        find_holder(k, L);
    }
    lo->port = 0;
    rc = mc_listener_new(lo, &L->l, err);
    if (rc == 0)
        L->wire_only = true;
    (void)m;
    return rc;
}

int mc__listener_open(struct mc_monitor *m, const struct lkey *k,
                      struct listener **out, struct mc_err *err)
{
    int family = k->family;
    uint16_t port = k->port;
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
    if (lh_room(m) < 0)
        return mc_err_set(err, -ENOMEM, "out of memory for a listener");
    L = calloc(1, sizeof *L);
    if (L == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a listener");
    rc = open_bound(m, k, &lo, L, err);
    if (rc < 0) {
        free(L);
        return rc;
    }
    L->key = *k;
    if (mc_sock_get_rcvbuf(mc_listener_fd(L->l, 0), &granted, NULL) == 0)
        m->rcvbuf_granted = granted;
    L->family = family;
    L->port = port;
    L->pd = mc__portdrops(m, family, port);
    L->at = m->nls;
    m->ls[m->nls++] = L;
    lh_put(m->lh, m->lhcap, L);
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

/* L closed and freed; the last listener takes its place in m->ls. */
void mc__listener_close(struct mc_monitor *m, struct listener *L)
{
    size_t i = L->at;

    if (i >= m->nls || m->ls[i] != L)
        return;
    lh_remove(m, L);
    listener_free(m, L);
    if (i < --m->nls) {
        m->ls[i] = m->ls[m->nls];
        m->ls[i]->at = i;
    }
}

void mc__listeners_free(struct mc_monitor *m)
{
    for (size_t i = 0; i < m->nls; i++)
        listener_free(m, m->ls[i]);
    free(m->ls);
    free(m->lh);
    free(m->fdo);
}

/* ---- the descriptor limit ---- */

/* The soft descriptor limit raised when more are needed, only as far as
 * needed (doubled, at least 64 more, never past the hard limit): true
 * when it rose. */
static bool fd_limit_grow(void)
{
    struct rlimit rl;
    rlim_t want;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= rl.rlim_max)
        return false;
    want = rl.rlim_cur < 64 ? rl.rlim_cur + 64 : 2 * rl.rlim_cur;
    rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
    return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

/* Whether two more descriptors open now: 0 or the errno. */
static int fd_two_more(const struct mc_monitor *m)
{
    int a = fcntl(m->epfd, F_DUPFD_CLOEXEC, 0), b = -1, e = 0;

    if (a < 0)
        e = errno;
    else if ((b = fcntl(m->epfd, F_DUPFD_CLOEXEC, 0)) < 0)
        e = errno;
    if (a >= 0)
        close(a);
    if (b >= 0)
        close(b);
    return e;
}

int mc__fd_headroom(struct mc_monitor *m, struct mc_err *err)
{
    int e = fd_two_more(m);

    while (e == EMFILE && fd_limit_grow())
        e = fd_two_more(m);
    if (e == EMFILE || e == ENFILE)
        return mc__fd_shortfall(m, -e, err);
    return 0;
}

int mc__fd_shortfall(struct mc_monitor *m, int rc, struct mc_err *err)
{
    struct rlimit rl;
    size_t socks = 0;

    for (size_t i = 0; i < m->nls; i++)
        socks += m->ls[i]->nfds;
    if (rc == -ENFILE)
        return mc_err_set(err, rc,
                          "the system has no file descriptor left "
                          "(fs.file-max): mcscope holds %zu receive sockets, "
                          "one per group and port; raise fs.file-max, or "
                          "join with bind any (one socket per port)",
                          socks);
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        rl.rlim_cur = rl.rlim_max = 0;
    return mc_err_set(err, rc,
                      "no file descriptor left: mcscope holds %zu receive "
                      "sockets, one per group and port (passive: each bound "
                      "to its group), and the limit is %llu (raised to the "
                      "hard limit %llu): raise the hard limit (ulimit -Hn, "
                      "LimitNOFILE=), or join with bind any (one socket per "
                      "port)",
                      socks, (unsigned long long)rl.rlim_cur,
                      (unsigned long long)rl.rlim_max);
}
