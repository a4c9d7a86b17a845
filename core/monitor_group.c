/*
 * mcscope core: the monitor's group model — one record per (family,
 * group, interface, port, bound to the wildcard or not) joined during the
 * monitor's life, its sources
 * as asked, the filter's verdict on a source (which names the difference
 * between wire and socket), and the ring of its last packets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor_priv.h"

/* ---- the hash of group records by (group, ifindex, port, any) ---- */

/* FNV-1a over the address, the interface, the port and the binding. */
static size_t group_hash(const struct mc_addr *a, unsigned ifindex,
                         uint16_t port, bool any)
{
    uint32_t more[3] = {ifindex, port, any};

    return mc__fnv_addr(a, more, 3);
}

static void hash_put(struct group **tab, size_t cap, struct group *g)
{
    size_t i = group_hash(&g->group, g->ifindex, g->port, g->any) & (cap - 1);

    while (tab[i] != NULL)
        i = (i + 1) & (cap - 1);
    tab[i] = g;
}

/* Room for one more record at a load of at most one half.  0 or -ENOMEM
 * (the table is unchanged). */
static int hash_room(struct mc_monitor *m)
{
    size_t cap = m->ghcap ? m->ghcap : 16;
    struct group **tab;

    while ((m->ng + 1) * 2 > cap)
        cap *= 2;
    if (cap == m->ghcap)
        return 0;
    tab = calloc(cap, sizeof *tab);
    if (tab == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < m->ng; i++)
        hash_put(tab, cap, m->g[i]);
    free(m->gh);
    m->gh = tab;
    m->ghcap = cap;
    return 0;
}

/* The record of exactly (group, ifindex, port, any): O(1). */
static struct group *hash_get(const struct mc_monitor *m,
                              const struct mc_addr *group, unsigned ifindex,
                              uint16_t port, bool any)
{
    size_t i;

    if (m->ghcap == 0)
        return NULL;
    i = group_hash(group, ifindex, port, any) & (m->ghcap - 1);
    for (; m->gh[i] != NULL; i = (i + 1) & (m->ghcap - 1)) {
        struct group *g = m->gh[i];

        if (g->port == port && g->ifindex == ifindex && g->any == any &&
            mc_addr_equal(&g->group, group))
            return g;
    }
    return NULL;
}

/*
 * The record of (family, group, ifindex, port) bound to the wildcard
 * (any) or not.  With loose, ifindex 0 matches a record on any interface
 * and a record with ifindex 0 matches any ifindex (the route chose its
 * interface), as the listener does: a scan, for commands only.
 */
struct group *mc__group_find(const struct mc_monitor *m,
                             const struct mc_addr *group, unsigned ifindex,
                             uint16_t port, bool any, bool loose)
{
    struct group *g = hash_get(m, group, ifindex, port, any);

    if (g != NULL || !loose)
        return g;
    for (size_t i = 0; i < m->ng; i++) {
        g = m->g[i];
        if (g->port == port && g->any == any &&
            mc_addr_equal(&g->group, group) &&
            (ifindex == 0 || g->ifindex == 0))
            return g;
    }
    return NULL;
}

/* The record of g's group, interface and port with the other binding
 * (bound to the group where g is bound to the wildcard, and the other
 * way round), NULL: none. */
struct group *mc__group_twin(const struct mc_monitor *m, const struct group *g)
{
    return hash_get(m, &g->group, g->ifindex, g->port, !g->any);
}

/* ---- the record a member command addresses ---- */

/* c's text with `bind WORD` on it, for the refusal that asks for it. */
static void with_bind(const struct mc_cmd_member *c, enum mc_cmd_bind b,
                      char *buf, size_t len)
{
    struct mc_cmd cmd = {.kind = MC_CMD_MEMBER, .member = *c};

    cmd.member.bind = b;
    cmd.member.bind_given = true;
    if (mc_cmd_format(&cmd, buf, len) < 0)
        snprintf(buf, len, "%s", mc_cmd_verb_name(&cmd));
}

int mc__group_pick(const struct mc_monitor *m, const struct mc_cmd_member *c,
                   unsigned ifindex, bool loose, struct group **out, bool *any,
                   struct mc_err *err)
{
    struct group *gg, *ga;
    char a[MC_CMD_TEXT_MAX], b[MC_CMD_TEXT_MAX], g[MC_ADDR_STRLEN];
    bool join = c->op == MC_OP_JOIN || c->op == MC_OP_JOIN_SOURCE;

    if (join || c->bind_given) {
        *any = c->bind == MC_CMD_BIND_ANY;
        *out = mc__group_find(m, &c->group, ifindex, c->port, *any, loose);
        return 0;
    }
    gg = mc__group_find(m, &c->group, ifindex, c->port, false, loose);
    ga = mc__group_find(m, &c->group, ifindex, c->port, true, loose);
    if (gg != NULL && gg->joined && ga != NULL && ga->joined) {
        with_bind(c, MC_CMD_BIND_GROUP, a, sizeof a);
        with_bind(c, MC_CMD_BIND_ANY, b, sizeof b);
        return mc_err_set(err, -EINVAL,
                          "%s %s port %u: joined twice, by a socket bound to "
                          "the group and by one bound to the wildcard (bind "
                          "any): say which, '%s' or '%s'",
                          mc_cmd_verb_name(&(struct mc_cmd){
                              .kind = MC_CMD_MEMBER, .member = *c}),
                          mc_addr_format(&c->group, g, sizeof g),
                          (unsigned)c->port, a, b);
    }
    *any = ga != NULL && ga->joined;
    *out = *any ? ga : gg != NULL ? gg : ga;
    if (*out != NULL)
        *any = (*out)->any;
    return 0;
}

/* ---- drops per port ---- */

struct portdrops *mc__portdrops(struct mc_monitor *m, int family, uint16_t port)
{
    struct portdrops **v, *pd;

    for (size_t i = 0; i < m->npd; i++)
        if (m->pd[i]->family == family && m->pd[i]->port == port)
            return m->pd[i];
    v = mc__grown(m->pd, &m->cappd, m->npd, sizeof *m->pd);
    if (v == NULL)
        return NULL;
    m->pd = v;
    pd = calloc(1, sizeof *pd);
    if (pd == NULL)
        return NULL;
    pd->family = family;
    pd->port = port;
    m->pd[m->npd++] = pd;
    return pd;
}

/* Drops on the sockets of g's port since g was made. */
uint64_t mc__group_sock_drops(const struct group *g)
{
    return g->pd != NULL ? g->pd->total - g->pd_base : 0;
}

/* What the wildcard socket of g's port took for other destinations since
 * g was made: for a record bound to the wildcard, 0 otherwise. */
uint64_t mc__group_other_dst(const struct group *g)
{
    return g->any && g->pd != NULL ? g->pd->other_dst - g->other_base : 0;
}

/* ---- records ---- */

struct group *mc__group_new(struct mc_monitor *m, const struct mc_addr *grp,
                            unsigned ifindex, const char *ifname, uint16_t port,
                            bool any)
{
    struct group **gv, *g;

    gv = mc__grown(m->g, &m->capg, m->ng, sizeof *m->g);
    if (gv == NULL)
        return NULL;
    m->g = gv;
    if (hash_room(m) < 0)
        return NULL;
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
    g->any = any;
    g->binding = any ? MC_BIND_ANY : MC_BIND_GROUP;
    g->pd = mc__portdrops(m, grp->family, port);
    g->pd_base = g->pd != NULL ? g->pd->total : 0;
    g->other_base = g->pd != NULL ? g->pd->other_dst : 0;
    m->g[m->ng++] = g;
    hash_put(m->gh, m->ghcap, g);
    return g;
}

static void group_free(struct group *g)
{
    mc_group_stats_free(g->stats);
    free(g->recent);
    free(g->src);
    free(g->ws);
    free(g);
}

void mc__groups_free(struct mc_monitor *m)
{
    for (size_t i = 0; i < m->ng; i++)
        group_free(m->g[i]);
    free(m->g);
    free(m->gh);
    for (size_t i = 0; i < m->npd; i++)
        free(m->pd[i]);
    free(m->pd);
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
        g->emptied = false;
        break;
    case MC_OP_LEAVE:
        group_leave(g, now);
        g->emptied = false;
        break;
    case MC_OP_JOIN_SOURCE:
        group_join(g, MC_MODE_INCLUDE, now);
        g->emptied = false;
        src_add(g, &c->source);
        break;
    case MC_OP_LEAVE_SOURCE:
        src_del(g, &c->source);
        if (g->nsrc == 0) {
            group_leave(g, now); /* the kernel left the group too */
            g->emptied = false;
        }
        break;
    case MC_OP_EXCLUDE_SOURCE:
        g->mode = MC_MODE_EXCLUDE;
        src_add(g, &c->source);
        break;
    case MC_OP_INCLUDE_SOURCE:
        src_del(g, &c->source);
        if (g->nsrc == 0) {
            g->mode = MC_MODE_ASM;
            g->emptied = true;
        }
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

    if (g->recent == NULL) {
        g->recent = malloc(MC_MON_RECENT_PACKETS * sizeof *g->recent);
        if (g->recent == NULL)
            return;
        g->nrecent = 0;
        g->recent_next = 0;
    }
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

const char *mc_wire_note_text(enum mc_wire_note note)
{
    switch (note) {
    case MC_WIRE_NOTE_NONE:
        return NULL;
    case MC_WIRE_NOTE_EXCLUDED:
        return "filtered by the kernel: SSM exclude";
    case MC_WIRE_NOTE_NOT_INCLUDED:
        return "not included: SSM include of other sources";
    case MC_WIRE_NOTE_NOT_JOINED:
        return "not joined";
    case MC_WIRE_NOTE_DROPPED:
        return "dropped: receive buffer full";
    case MC_WIRE_NOTE_UNDELIVERED:
        return "not delivered (yet): in flight, or dropped before the socket "
               "(rp_filter, netfilter, checksum)";
    case MC_WIRE_NOTE_WIRE_FEWER:
        return "the wire saw fewer: own looped-back packets, or the capture "
               "started later or dropped frames";
    }
    return NULL;
}

/* The class that counted most (ties: excluded, not included, not
 * joined); NONE when none counted. */
static enum mc_wire_note filter_note(const struct wsrc *w)
{
    if (w == NULL || w->excluded + w->not_included + w->not_joined == 0)
        return MC_WIRE_NOTE_NONE;
    if (w->excluded >= w->not_included && w->excluded >= w->not_joined)
        return MC_WIRE_NOTE_EXCLUDED;
    if (w->not_included >= w->not_joined)
        return MC_WIRE_NOTE_NOT_INCLUDED;
    return MC_WIRE_NOTE_NOT_JOINED;
}

/* Why wire and socket differ for a source (see monitor.h). */
static enum mc_wire_note wire_note(const struct group *g,
                                   const struct mc_counters *c,
                                   const struct wsrc *w)
{
    uint64_t gap, why;

    if (!g->wired)
        return MC_WIRE_NOTE_NONE;
    if (c->packets > c->wire_packets)
        return MC_WIRE_NOTE_WIRE_FEWER;
    if (c->packets == c->wire_packets)
        return MC_WIRE_NOTE_NONE;
    gap = c->wire_packets - c->packets;
    why = w != NULL ? w->excluded + w->not_included + w->not_joined : 0;
    if (why > 0 && (why >= gap || mc__group_sock_drops(g) == 0))
        return filter_note(w);
    return mc__group_sock_drops(g) > 0 ? MC_WIRE_NOTE_DROPPED
                                       : MC_WIRE_NOTE_UNDELIVERED;
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
    out->socket_drops = mc__group_sock_drops(g);
    out->note = wire_note(g, c, w);
    return 0;
}

enum mc_wire_note mc_monitor_wire_note(const struct mc_monitor *m, size_t i,
                                       const struct mc_addr *src)
{
    struct mc_source_wire sw;

    if (mc_monitor_source_wire(m, i, src, &sw) < 0)
        return MC_WIRE_NOTE_NONE;
    return sw.note;
}

bool mc__group_has_source(const struct group *g, const struct mc_addr *a)
{
    return src_index(g, a) != (size_t)-1;
}
