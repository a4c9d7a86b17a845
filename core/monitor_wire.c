/*
 * mcscope core: the monitor's side of the wire cross-check (wirecheck.h)
 * — which group a captured datagram counts for and how, the interfaces
 * joined groups use, and the monitor's views of the captures.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "monitor_priv.h"

/* ---- the interfaces joined groups use ---- */

static size_t ifu_index(const struct mc_monitor *m, unsigned ifindex)
{
    for (size_t i = 0; i < m->nifu; i++)
        if (m->ifu[i].ifindex == ifindex)
            return i;
    return (size_t)-1;
}

/* One more joined group on g's interface (false: out of memory). */
static bool ifu_add(struct mc_monitor *m, const struct group *g)
{
    size_t i = ifu_index(m, g->ifindex), cap = m->capifu;
    struct mc_wire_iface *v;
    size_t *nv;

    if (i != (size_t)-1) {
        m->ifu_n[i]++;
        return true;
    }
    v = mc__grown(m->ifu, &cap, m->nifu, sizeof *v);
    if (v == NULL)
        return false;
    m->ifu = v;
    cap = m->capifu;
    nv = mc__grown(m->ifu_n, &cap, m->nifu, sizeof *nv);
    if (nv == NULL)
        return false;
    m->ifu_n = nv;
    m->capifu = cap;
    v[m->nifu].ifindex = g->ifindex;
    memcpy(v[m->nifu].ifname, g->ifname, sizeof v[m->nifu].ifname);
    m->ifu_n[m->nifu++] = 1;
    return true;
}

static void ifu_del(struct mc_monitor *m, const struct group *g)
{
    size_t i = ifu_index(m, g->ifindex);

    if (i == (size_t)-1 || --m->ifu_n[i] > 0)
        return;
    memmove(&m->ifu[i], &m->ifu[i + 1], (m->nifu - i - 1) * sizeof *m->ifu);
    memmove(&m->ifu_n[i], &m->ifu_n[i + 1],
            (m->nifu - i - 1) * sizeof *m->ifu_n);
    m->nifu--;
}

void mc__wire_group_joined(struct mc_monitor *m, struct group *g, bool was)
{
    if (g->joined == was || g->ifindex == 0)
        return;
    if (g->joined)
        ifu_add(m, g);
    else
        ifu_del(m, g);
    m->wire_dirty = true;
}

void mc__wire_ifaces_free(struct mc_monitor *m)
{
    free(m->ifu);
    free(m->ifu_n);
    m->ifu = NULL;
    m->ifu_n = NULL;
    m->nifu = m->capifu = 0;
}

/* Whether a joined group uses ifindex. */
static bool iface_in_use(const struct mc_monitor *m, unsigned ifindex)
{
    return ifu_index(m, ifindex) != (size_t)-1;
}

/* Whether an open capture counts g's packets (one on its interface; any
 * for a group joined without one). */
bool mc__wire_covers(const struct mc_monitor *m, const struct group *g)
{
    return mc_wirecheck_covers(m->wc, g->ifindex);
}

static void mark_wired(struct mc_monitor *m)
{
    for (size_t i = 0; i < m->ng; i++)
        if (!m->g[i]->wired && mc__wire_covers(m, m->g[i]))
            m->g[i]->wired = true;
}

/* ---- the answers wirecheck asks for ---- */

/* The group of a datagram captured on ifindex: the record on that
 * interface, else one joined without an interface (as the socket path
 * attributes).  The last answer is kept: bursts are of one group. */
static void *wire_group(void *arg, unsigned ifindex, const struct mc_addr *dst,
                        uint16_t port)
{
    struct mc_monitor *m = arg;
    struct group *g = m->wire_hit;

    if (g != NULL && g->port == port && g->ifindex == ifindex &&
        mc_addr_equal(&g->group, dst))
        return g;
    g = mc__group_find(m, dst, ifindex, port, false, false);
    if (g == NULL)
        g = mc__group_find(m, dst, 0, port, false, false);
    if (g == NULL)
        g = mc__group_find(m, dst, ifindex, port, true, false);
    if (g == NULL)
        g = mc__group_find(m, dst, 0, port, true, false);
    if (g != NULL && g->ifindex == ifindex)
        m->wire_hit = g;
    if (g == NULL)
        mc__stray_count(m, true, dst->family, dst, port, 0);
    return g;
}

/* A wire packet of src for g: by the filter's verdict, and per source. */
static bool wire_count(void *arg, void *group, const struct mc_addr *src,
                       size_t len, int64_t mono_ns)
{
    struct mc_monitor *m = arg;
    struct group *g = group, *twin = mc__group_twin(m, g);
    bool fresh = false;

    /* The same datagram on the wire is the wire count of both records of
     * the group, interface and port (bound to the group and to the
     * wildcard): each compares it with what its own socket took. */
    if (twin != NULL) {
        mc__group_wire_count(twin, src);
        fresh = (mc_group_stats_wire(twin->stats, src, len, mono_ns) &
                 MC_RX_NEW_SOURCE) != 0;
    }
    mc__group_wire_count(g, src);
    return (mc_group_stats_wire(g->stats, src, len, mono_ns) &
            MC_RX_NEW_SOURCE) != 0 ||
           fresh;
}

static void wire_event(void *arg, const struct mc_event *ev)
{
    struct mc_monitor *m = arg;

    if (ev->kind == MC_EV_ERROR)
        m->c.errors++;
    if (ev->type == MC_ET_CAPTURE_OPEN)
        mc__querier_capture_open(m, ev->ifname);
    mc__log(m, ev);
}

static void wire_msg(void *arg, const char *ifname, const struct mc_wire_pkt *p,
                     int64_t mono_ns)
{
    mc__querier_wire_msg(arg, ifname, p, mono_ns);
    mc__link_wire_msg(arg, ifname, p, mono_ns);
}

static void wire_udp(void *arg, const char *ifname, const struct mc_wire_pkt *p,
                     int64_t mono_ns)
{
    mc__link_wire_udp(arg, ifname, p, mono_ns);
}

int mc__wire_new(struct mc_monitor *m, struct mc_err *err)
{
    static const struct mc_wirecheck_ops ops = {
        .find_group = wire_group,
        .count = wire_count,
        .event = wire_event,
        .msg = wire_msg,
        .udp = wire_udp,
    };
    struct mc_wirecheck_opts o = {
        .max_reports = m->o.max_reports,
    };

    if (mc_wirecheck_new(&o, &ops, m, &m->wc) < 0)
        return mc_err_set(err, -ENOMEM, "out of memory for a monitor");
    return 0;
}

/* ---- commands ---- */

int mc__wire_pcap(struct mc_monitor *m, const struct mc_cmd_pcap *c,
                  struct mc_err *err)
{
    if (!c->on)
        return mc_wirecheck_pcap_off(m->wc, c->ifname, err);
    if (c->ifname[0] != '\0')
        return mc_wirecheck_pcap_on_dev(m->wc, c->ifname, err);
    m->wire_dirty = true;
    return mc_wirecheck_pcap_on(m->wc, m->ifu, m->nifu, err);
}

bool mc__wire_before_join(struct mc_monitor *m, unsigned ifindex,
                          const char *ifname)
{
    return mc_wirecheck_before_join(m->wc, ifindex, ifname);
}

void mc__wire_join_failed(struct mc_monitor *m, bool opened, unsigned ifindex)
{
    mc_wirecheck_join_failed(m->wc, opened, ifindex, iface_in_use(m, ifindex));
}

/* The captures in step with the interfaces in use, when those changed;
 * the groups' wired marks when the captures changed. */
void mc__wire_sync(struct mc_monitor *m)
{
    uint64_t gen = m->wc_gen;

    if (m->wire_dirty)
        mc_wirecheck_sync(m->wc, m->ifu, m->nifu,
                          mc__clock_ns(CLOCK_MONOTONIC));
    m->wire_dirty = false;
    mc__wire_fds(m);
    if (gen != m->wc_gen)
        mark_wired(m);
}

/* The captures' descriptors in the fd table, when they changed. */
void mc__wire_fds(struct mc_monitor *m)
{
    uint64_t gen = mc_wirecheck_generation(m->wc);
    struct pollfd *fds;
    unsigned *handles;
    size_t n;

    if (gen == m->wc_gen)
        return;
    for (size_t fd = 0; fd < m->nfdo; fd++)
        if (m->fdo[fd].kind == FD_CAPTURE)
            mc__fd_clear(m, (int)fd);
    n = mc_wirecheck_pollfds(m->wc, NULL, NULL, 0);
    fds = calloc(n + 1, sizeof *fds);
    handles = calloc(n + 1, sizeof *handles);
    if (fds != NULL && handles != NULL) {
        n = mc_wirecheck_pollfds(m->wc, fds, handles, n);
        for (size_t i = 0; i < n; i++)
            if (mc__fd_set(m, fds[i].fd, FD_CAPTURE) == 0)
                m->fdo[fds[i].fd].handle = handles[i];
        m->wc_gen = gen;
    }
    free(fds);
    free(handles);
}

/* The interface the route takes to group: the one with the local address
 * a socket connected to it gets.  0: none found. */
static unsigned route_ifindex(const struct mc_addr *group, uint16_t port)
{
    struct sockaddr_storage ss;
    socklen_t len;
    struct mc_addr local;
    uint16_t lport;
    unsigned ifindex = 0;
    int fd = socket(group->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return 0;
    len = mc_addr_to_sockaddr(group, port, 0, &ss);
    if (len > 0 && connect(fd, (struct sockaddr *)&ss, len) == 0) {
        len = sizeof ss;
        if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 &&
            mc_addr_from_sockaddr((struct sockaddr *)&ss, &local, &lport) == 0)
            ifindex = mc_if_with_addr(&local);
    }
    close(fd);
    return ifindex;
}

int mc__wire_watch(struct mc_monitor *m, const struct group *g,
                   char ifname[IF_NAMESIZE], struct mc_err *err)
{
    unsigned ifindex = g->ifindex;

    ifname[0] = '\0';
    if (ifindex == 0)
        ifindex = route_ifindex(&g->group, g->port);
    if (ifindex == 0 || if_indextoname(ifindex, ifname) == NULL) {
        ifname[0] = '\0';
        return mc_err_set(err, -ENODEV,
                          "no interface found for the capture: join with "
                          "dev IFACE");
    }
    return mc_wirecheck_pcap_on_dev(m->wc, ifname, err);
}

/* ---- views ---- */

int mc_monitor_write_pcap(struct mc_monitor *m, const char *path,
                          struct mc_err *err)
{
    return mc_wirecheck_write_pcap(m->wc, path, err);
}

size_t mc_monitor_ncaptures(const struct mc_monitor *m)
{
    return mc_wirecheck_ncaptures(m->wc);
}

int mc_monitor_capture(const struct mc_monitor *m, size_t i,
                       struct mc_capture_view *out)
{
    return mc_wirecheck_capture(m->wc, i, out);
}

size_t mc_monitor_nwiremsgs(const struct mc_monitor *m)
{
    return mc_wirecheck_nmsgs(m->wc);
}

int mc_monitor_wiremsg(const struct mc_monitor *m, size_t i,
                       struct mc_wiremsg_view *out)
{
    return mc_wirecheck_msg(m->wc, i, out);
}
