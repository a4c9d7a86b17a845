/*
 * mcscope core: the host around mcscope — the other processes' sockets
 * on the ports of joined groups (apps.h, read on the tick: their receive
 * queues and drop counters, a rise of which is an event), and the
 * datagrams that belong to no joined group and port, by destination.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "monitor_priv.h"

/* ---- the other sockets of the ports ---- */

/* The ports of joined groups, each once (allocated; NULL with 0). */
static size_t joined_ports(const struct mc_monitor *m, uint16_t **out)
{
    uint16_t *v = NULL;
    size_t n = 0, cap = 0;

    for (size_t i = 0; i < m->ng; i++) {
        uint16_t *nv;
        bool seen = false;

        if (!m->g[i]->joined)
            continue;
        for (size_t k = 0; k < n && !seen; k++)
            seen = v[k] == m->g[i]->port;
        if (seen)
            continue;
        nv = mc__grown(v, &cap, n, sizeof *v);
        if (nv == NULL)
            break;
        v = nv;
        v[n++] = m->g[i]->port;
    }
    *out = v;
    return n;
}

static int by_inode(const void *a, const void *b)
{
    const struct mc_app *x = a, *y = b;

    return x->s.inode < y->s.inode ? -1 : x->s.inode > y->s.inode;
}

/* A socket of another process whose drop counter rose since the last
 * look: an event with its fields. */
static void note_app_drops(struct mc_monitor *m, const struct mc_app *now,
                           const struct mc_app *was)
{
    struct mc_event ev = {
        .kind = MC_EV_INFO,
        .type = MC_ET_APP_DROPS,
        .port = now->s.lport,
        .source = now->s.local,
        .count = now->s.drops - was->s.drops,
        .count2 = (uint64_t)now->pid,
        .detail = now->comm,
    };

    mc__log(m, &ev);
}

/* The sockets of other processes, for the views (mcscope's own can be
 * thousands: a socket per group and port). */
static void keep_others(struct mc_monitor *m, int self)
{
    size_t k = 0;

    free(m->others);
    m->others = NULL;
    m->nothers = 0;
    for (size_t i = 0; i < m->napps; i++)
        k += m->apps[i].pid != self;
    if (k == 0 || (m->others = calloc(k, sizeof *m->others)) == NULL)
        return;
    for (size_t i = 0; i < m->napps; i++)
        if (m->apps[i].pid != self)
            m->others[m->nothers++] = m->apps[i];
}

/*
 * What names the sockets: the last look's, and mcscope's own receive
 * sockets by their inodes (the fd table has them), so that a new socket of
 * mcscope's never costs a walk of its own thousands of descriptors;
 * sorted by inode.  NULL with 0 when there is none or no memory.
 */
static struct mc_app *known_sockets(const struct mc_monitor *m, int self,
                                    size_t *n)
{
    struct mc_app *v;
    char comm[MC_COMM_MAX] = "";
    size_t k = m->napps;

    *n = 0;
    for (size_t fd = 0; fd < m->nfdo; fd++)
        k += m->fdo[fd].kind == FD_LISTENER && m->fdo[fd].ino != 0;
    if (k == 0 || (v = malloc(k * sizeof *v)) == NULL)
        return NULL;
    if (m->napps > 0)
        memcpy(v, m->apps, m->napps * sizeof *v);
    *n = m->napps;
    if (k > m->napps)
        prctl(PR_GET_NAME, comm, 0, 0, 0);
    for (size_t fd = 0; fd < m->nfdo; fd++) {
        if (m->fdo[fd].kind != FD_LISTENER || m->fdo[fd].ino == 0)
            continue;
        memset(&v[*n], 0, sizeof v[*n]);
        v[*n].s.inode = m->fdo[fd].ino;
        v[*n].pid = self;
        memcpy(v[*n].comm, comm, sizeof v[*n].comm);
        (*n)++;
    }
    qsort(v, *n, sizeof *v, by_inode);
    return v;
}

/* The sockets on the joined ports read now. */
static void apps_read(struct mc_monitor *m)
{
    struct mc_app *v = NULL, *known;
    uint16_t *ports;
    size_t n = 0, nknown, np = joined_ports(m, &ports);
    int self = (int)getpid();
    struct mc_err err;
    int rc;

    if (np == 0) {
        free(ports);
        free(m->apps);
        m->apps = NULL;
        m->napps = 0;
        keep_others(m, self);
        return;
    }
    known = known_sockets(m, self, &nknown);
    rc = known != NULL
             ? mc_apps_read(NULL, ports, np, known, nknown, &v, &n, &err)
             : mc_apps_read(NULL, ports, np, m->apps, m->napps, &v, &n, &err);
    free(known);
    if (rc < 0) {
        free(ports);
        return;
    }
    free(ports);
    for (size_t i = 0; i < n; i++) {
        const struct mc_app *was;

        if (v[i].pid == self)
            continue;
        was = m->apps == NULL ? NULL
                              : bsearch(&v[i], m->apps, m->napps,
                                        sizeof *m->apps, by_inode);
        if (was != NULL && v[i].s.drops > was->s.drops)
            note_app_drops(m, &v[i], was);
    }
    free(m->apps);
    m->apps = v;
    m->napps = n;
    keep_others(m, self);
}

/*
 * How often the sockets are read: every tick while mcscope holds up to
 * APPS_SOCKS_PER_TICK receive sockets; a tick more between reads for as
 * many more, up to APPS_MAX_TICKS (a read dumps every socket of the
 * ports, mcscope's own included: about 2 us a socket, 20 ms a read with
 * 10,000 groups, which would be most of the receive CPU at moderate
 * rates).  With 10,000 groups an application's drops show within 20 s.
 */
#define APPS_SOCKS_PER_TICK 512
#define APPS_MAX_TICKS 20

static unsigned apps_interval(const struct mc_monitor *m)
{
    size_t t = 1 + m->nowned / APPS_SOCKS_PER_TICK;

    return t > APPS_MAX_TICKS ? APPS_MAX_TICKS : (unsigned)t;
}

void mc__apps_tick(struct mc_monitor *m)
{
    if (m->apps_wait > 1) {
        m->apps_wait--;
        return;
    }
    m->apps_wait = apps_interval(m);
    apps_read(m);
}

/* Whether socket s is on g's port and family (an IPv6 wildcard socket
 * takes IPv4 too unless IPV6_V6ONLY, which /proc does not show). */
static bool app_on_group(const struct mc_udp_sock *s, const struct group *g)
{
    if (s->lport != g->port)
        return false;
    if (s->family == g->family)
        return true;
    return s->family == AF_INET6 && g->family == AF_INET &&
           mc_addr_is_unspecified(&s->local);
}

int mc_monitor_group_app(const struct mc_monitor *m, size_t i, size_t k,
                         struct mc_app_view *out)
{
    const struct group *g;

    if (i >= m->ng)
        return -ENOENT;
    g = m->g[i];
    for (size_t j = 0; j < m->nothers; j++) {
        const struct mc_app *a = &m->others[j];

        if (!app_on_group(&a->s, g))
            continue;
        if (k-- > 0)
            continue;
        memset(out, 0, sizeof *out);
        out->a = *a;
        out->receives = mc_addr_is_unspecified(&a->s.local) ||
                        mc_addr_equal(&a->s.local, &g->group);
        return 0;
    }
    return -ENOENT;
}

/* ---- datagrams for no joined group ---- */

void mc__stray_count(struct mc_monitor *m, bool wire, int family,
                     const struct mc_addr *dst, uint16_t port, uint64_t bytes)
{
    struct stray *s;
    size_t i;

    for (i = 0; i < m->nstray; i++) {
        s = &m->stray[i];
        if (s->wire == wire && s->family == family && s->port == port &&
            mc_addr_equal(&s->dst, dst))
            break;
    }
    if (i == m->nstray) {
        if (m->nstray == MC_MON_STRAYS) {
            s = &m->stray_other[wire ? 1 : 0];
            s->packets++;
            s->bytes += bytes;
            return;
        }
        s = &m->stray[m->nstray++];
        memset(s, 0, sizeof *s);
        s->wire = wire;
        s->family = family;
        s->dst = *dst;
        s->port = port;
    }
    s->packets++;
    s->bytes += bytes;
}

int mc_monitor_stray(const struct mc_monitor *m, size_t i,
                     struct mc_stray_view *out)
{
    const struct stray *s;

    memset(out, 0, sizeof *out);
    if (i < m->nstray) {
        s = &m->stray[i];
    } else {
        /* the "other" rows, those that have packets */
        size_t k = i - m->nstray;

        for (int w = 0; w < 2; w++) {
            if (m->stray_other[w].packets == 0)
                continue;
            if (k-- > 0)
                continue;
            out->other = true;
            out->wire = w == 1;
            out->packets = m->stray_other[w].packets;
            out->bytes = m->stray_other[w].bytes;
            return 0;
        }
        return -ENOENT;
    }
    out->family = s->family;
    out->dst = s->dst;
    out->port = s->port;
    out->wire = s->wire;
    out->packets = s->packets;
    out->bytes = s->bytes;
    return 0;
}

void mc__host_free(struct mc_monitor *m)
{
    free(m->others);
    m->others = NULL;
    m->nothers = 0;
    free(m->apps);
    m->apps = NULL;
    m->napps = 0;
}
