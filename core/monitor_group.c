/*
 * mcscope core: the monitor's group model — one record per (family,
 * group, interface, port) joined during the monitor's life, its sources
 * as asked, the filter's verdict on a source (which names the difference
 * between wire and socket), and the ring of its last packets.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "monitor_priv.h"

/*
 * The record of (family, group, ifindex, port).  With loose, ifindex 0
 * matches a record on any interface and a record with ifindex 0 matches
 * any ifindex (the route chose its interface), as the listener does.
 */
struct group *mc__group_find(struct mc_monitor *m, const struct mc_addr *group,
                             unsigned ifindex, uint16_t port, bool loose)
{
    struct group *any = NULL;

    for (size_t i = 0; i < m->ng; i++) {
        struct group *g = m->g[i];

        if (g->port != port || !mc_addr_equal(&g->group, group))
            continue;
        if (g->ifindex == ifindex)
            return g;
        if (loose && (ifindex == 0 || g->ifindex == 0) && any == NULL)
            any = g;
    }
    return any;
}

struct group *mc__group_new(struct mc_monitor *m, const struct mc_addr *grp,
                            unsigned ifindex, const char *ifname, uint16_t port)
{
    struct group **gv, *g;

    gv = mc__grown(m->g, &m->capg, m->ng, sizeof *m->g);
    if (gv == NULL)
        return NULL;
    m->g = gv;
    g = calloc(1, sizeof *g);
    if (g == NULL)
        return NULL;
    g->stats = mc_group_stats_new(m->o.max_sources);
    if (g->stats == NULL) {
        free(g);
        return NULL;
    }
    g->family = grp->family;
    g->group = *grp;
    g->ifindex = ifindex;
    snprintf(g->ifname, sizeof g->ifname, "%s", ifname);
    g->port = port;
    m->g[m->ng++] = g;
    return g;
}

void mc__group_free(struct group *g)
{
    mc_group_stats_free(g->stats);
    free(g->src);
    free(g->ws);
    free(g);
}

static size_t src_index(const struct group *g, const struct mc_addr *a)
{
    for (size_t i = 0; i < g->nsrc; i++)
        if (mc_addr_equal(&g->src[i], a))
            return i;
    return (size_t)-1;
}

static void src_add(struct group *g, const struct mc_addr *a)
{
    struct mc_addr *v;

    if (src_index(g, a) != (size_t)-1)
        return;
    v = mc__grown(g->src, &g->capsrc, g->nsrc, sizeof *g->src);
    if (v == NULL)
        return; /* the kernel holds it; only the display misses it */
    g->src = v;
    g->src[g->nsrc++] = *a;
}

static void src_del(struct group *g, const struct mc_addr *a)
{
    size_t i = src_index(g, a);

    if (i == (size_t)-1)
        return;
    memmove(&g->src[i], &g->src[i + 1], (g->nsrc - i - 1) * sizeof *g->src);
    g->nsrc--;
}

static void group_leave(struct group *g, int64_t now)
{
    g->mode = MC_MODE_NONE;
    g->joined = false;
    g->nsrc = 0;
    g->left_ns = now;
}

static void group_join(struct group *g, enum mc_filter_mode mode, int64_t now)
{
    if (!g->joined) {
        g->nsrc = 0;
        g->left_ns = 0;
        if (g->first_join_ns == 0) {
            g->first_join_ns = now;
            mc_group_stats_start(g->stats, now);
        }
    }
    g->joined = true;
    g->mode = mode;
}

/* Record what the kernel just accepted. */
void mc__group_record_member(struct group *g, const struct mc_cmd_member *c,
                             int64_t now)
{
    switch (c->op) {
    case MC_OP_JOIN:
        group_join(g, MC_MODE_ASM, now);
        g->nsrc = 0;
        break;
    case MC_OP_LEAVE:
        group_leave(g, now);
        break;
    case MC_OP_JOIN_SOURCE:
        group_join(g, MC_MODE_INCLUDE, now);
        src_add(g, &c->source);
        break;
    case MC_OP_LEAVE_SOURCE:
        src_del(g, &c->source);
        if (g->nsrc == 0)
            group_leave(g, now); /* the kernel left the group too */
        break;
    case MC_OP_EXCLUDE_SOURCE:
        g->mode = MC_MODE_EXCLUDE;
        src_add(g, &c->source);
        break;
    case MC_OP_INCLUDE_SOURCE:
        src_del(g, &c->source);
        if (g->nsrc == 0)
            g->mode = MC_MODE_ASM;
        break;
    }
}

/* Where the filter as asked puts a source of g. */
enum wclass { W_PASS, W_EXCLUDED, W_NOT_INCLUDED, W_NOT_JOINED };

static enum wclass classify(const struct group *g, const struct mc_addr *src)
{
    bool listed;

    if (!g->joined)
        return W_NOT_JOINED;
    listed = src_index(g, src) != (size_t)-1;
    if (g->mode == MC_MODE_EXCLUDE && listed)
        return W_EXCLUDED;
    if (g->mode == MC_MODE_INCLUDE && !listed)
        return W_NOT_INCLUDED;
    return W_PASS;
}

static const struct wsrc *wsrc_find(const struct group *g,
                                    const struct mc_addr *a)
{
    for (size_t i = 0; i < g->nws; i++)
        if (mc_addr_equal(&g->ws[i].a, a))
            return &g->ws[i];
    return NULL;
}

/* Count a wire packet of src that the filter keeps out, by why.  As many
 * sources as the group's statistics track; others go uncounted. */
void mc__group_wire_count(struct group *g, const struct mc_addr *src)
{
    enum wclass k = classify(g, src);
    struct wsrc *w;

    if (k == W_PASS)
        return;
    w = (struct wsrc *)wsrc_find(g, src);
    if (w == NULL) {
        if (g->nws >= mc_group_stats_max_sources(g->stats))
            return;
        w = mc__grown(g->ws, &g->capws, g->nws, sizeof *g->ws);
        if (w == NULL)
            return;
        g->ws = w;
        w = &g->ws[g->nws++];
        memset(w, 0, sizeof *w);
        w->a = *src;
    }
    if (k == W_EXCLUDED)
        w->excluded++;
    else if (k == W_NOT_INCLUDED)
        w->not_included++;
    else
        w->not_joined++;
}

/* Keep the packet in the group's ring of the last ones: one store, only
 * what its control data carried. */
void mc__group_record_pkt(struct group *g, const struct mc_pkt *p,
                          bool is_probe, uint64_t seq, int64_t mono,
                          int64_t real)
{
    const struct mc_cmsg *cm = &p->cm;

    g->recent[g->recent_next] = (struct mc_pkt_record){
        .mono_ns = mono,
        .real_ns = real,
        .src = cm->src,
        .src_port = p->src_port,
        .dst = cm->dst,
        .ifindex = cm->ifindex,
        .hoplimit = cm->have & MC_CM_HOPLIMIT ? cm->hoplimit : -1,
        .tclass = cm->have & MC_CM_TCLASS ? cm->tclass : -1,
        .mtu = cm->have & MC_CM_PATHMTU ? cm->mtu : 0,
        .have = cm->have,
        .len = p->wire_len,
        .trunc = cm->trunc,
        .is_probe = is_probe,
        .seq = seq,
    };
    g->recent_next = (g->recent_next + 1) % MC_MON_RECENT_PACKETS;
    if (g->nrecent < MC_MON_RECENT_PACKETS)
        g->nrecent++;
}

size_t mc_monitor_recent_packets(const struct mc_monitor *m, size_t group_index,
                                 struct mc_pkt_record *out, size_t n)
{
    const struct group *g;
    size_t k;

    if (m == NULL || group_index >= m->ng || out == NULL)
        return 0;
    g = m->g[group_index];
    for (k = 0; k < n && k < g->nrecent; k++)
        out[k] = g->recent[(g->recent_next + MC_MON_RECENT_PACKETS - 1 - k) %
                           MC_MON_RECENT_PACKETS];
    return k;
}

/* The class that counted most (ties: excluded, not included, not
 * joined); NULL when none counted. */
static const char *filter_note(const struct wsrc *w)
{
    if (w == NULL || w->excluded + w->not_included + w->not_joined == 0)
        return NULL;
    if (w->excluded >= w->not_included && w->excluded >= w->not_joined)
        return MC_NOTE_EXCLUDED;
    if (w->not_included >= w->not_joined)
        return MC_NOTE_NOT_INCLUDED;
    return MC_NOTE_NOT_JOINED;
}

/* Why wire and socket differ for a source (see monitor.h). */
static const char *wire_note(const struct group *g, const struct mc_counters *c,
                             const struct wsrc *w)
{
    uint64_t gap, why;

    if (!g->wired)
        return NULL;
    if (c->packets > c->wire_packets)
        return MC_NOTE_WIRE_FEWER;
    if (c->packets == c->wire_packets)
        return NULL;
    gap = c->wire_packets - c->packets;
    why = w != NULL ? w->excluded + w->not_included + w->not_joined : 0;
    if (why > 0 && (why >= gap || g->sock_drops == 0))
        return filter_note(w);
    return g->sock_drops > 0 ? MC_NOTE_DROPPED : MC_NOTE_UNDELIVERED;
}

int mc_monitor_source_wire(const struct mc_monitor *m, size_t i,
                           const struct mc_addr *src,
                           struct mc_source_wire *out)
{
    const struct mc_source_stats *s;
    const struct mc_counters *c;
    const struct wsrc *w;
    const struct group *g;

    if (i >= m->ng || src == NULL)
        return -ENOENT;
    g = m->g[i];
    s = mc_group_stats_lookup(g->stats, src);
    if (s == NULL)
        return -ENOENT;
    c = mc_source_counters(s);
    w = wsrc_find(g, src);
    memset(out, 0, sizeof *out);
    out->packets = c->packets;
    out->wire_packets = c->wire_packets;
    if (w != NULL) {
        out->excluded = w->excluded;
        out->not_included = w->not_included;
        out->not_joined = w->not_joined;
    }
    out->socket_drops = g->sock_drops;
    out->note = wire_note(g, c, w);
    return 0;
}

const char *mc_monitor_wire_note(const struct mc_monitor *m, size_t i,
                                 const struct mc_addr *src)
{
    struct mc_source_wire sw;

    if (mc_monitor_source_wire(m, i, src, &sw) < 0)
        return NULL;
    return sw.note;
}

bool mc__group_has_source(const struct group *g, const struct mc_addr *a)
{
    return src_index(g, a) != (size_t)-1;
}
