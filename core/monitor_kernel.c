/*
 * mcscope core: the kernel check (kcheck.h) — a /proc/net snapshot, the
 * socket's filter of a group, and whether they hold what mcscope asked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor_priv.h"

int mc_monitor_group_kernel_filter(const struct mc_monitor *m, size_t i,
                                   struct mc_filter *out, struct mc_err *err)
{
    const struct group *g;
    const struct listener *L;

    mc_err_clear(err);
    if (i >= m->ng)
        return mc_err_set(err, -ENOENT, "no group %zu", i);
    g = m->g[i];
    memset(out, 0, sizeof *out);
    L = mc__listener_of(m, g);
    if (L != NULL)
        return mc_listener_filter(L->l, g->ifindex, &g->group, out, err);
    out->mode = MC_MODE_NONE; /* no socket on that port holds anything */
    return 0;
}

int mc_kernel_snapshot_read(struct mc_kernel_snapshot *s, struct mc_err *err)
{
    struct mc_err e[4];
    int rc[4], worked = 0;

    memset(s, 0, sizeof *s);
    mc_err_clear(err);
    rc[0] = mc_kstate_read_groups(AF_INET6, &s->groups6, &e[0]);
    rc[1] = mc_kstate_read_sources(AF_INET6, &s->sources6, &e[1]);
    rc[2] = mc_kstate_read_groups(AF_INET, &s->groups4, &e[2]);
    rc[3] = mc_kstate_read_sources(AF_INET, &s->sources4, &e[3]);
    s->groups6_err = e[0];
    s->sources6_err = e[1];
    s->groups4_err = e[2];
    s->sources4_err = e[3];
    for (int i = 0; i < 4; i++) {
        if (rc[i] == 0)
            worked++;
        else if (err != NULL && err->code == 0)
            *err = e[i];
    }
    return worked > 0 ? 0 : rc[0];
}

void mc_kernel_snapshot_free(struct mc_kernel_snapshot *s)
{
    mc_kgroups_free(&s->groups6);
    mc_kgroups_free(&s->groups4);
    mc_ksources_free(&s->sources6);
    mc_ksources_free(&s->sources4);
}

void mc_group_kernel_free(struct mc_group_kernel *k)
{
    mc_filter_free(&k->filter);
    free(k->proc_sources);
    k->proc_sources = NULL;
    k->nproc_sources = 0;
}

static bool same_sources(const struct group *g, const struct mc_filter *f)
{
    size_t held = f->nsources < f->cap ? f->nsources : f->cap;

    if (f->nsources != g->nsrc)
        return false;
    for (size_t i = 0; i < held; i++)
        if (!mc__group_has_source(g, &f->sources[i]))
            return false;
    return true;
}

/* Where interface ifindex first comes in the groups file (both files list
 * the interfaces in one order); -1 when it is not there. */
static long if_position(const struct mc_kgroups *gs, unsigned ifindex)
{
    long pos = -1;
    unsigned last = 0;

    for (size_t i = 0; i < gs->n; i++) {
        if (i == 0 || gs->v[i].ifindex != last)
            pos++;
        last = gs->v[i].ifindex;
        if (last == ifindex)
            return pos;
    }
    return -1;
}

/* The source listing covers interface ifindex: it starts at or before it
 * (kcheck.h, proc_sources_unlisted). */
static bool sources_listed(const struct mc_kgroups *gs,
                           const struct mc_ksources *ss, unsigned ifindex)
{
    long at = if_position(gs, ifindex);

    if (at < 0)
        return false;
    for (size_t i = 0; i < ss->n; i++) {
        long p = if_position(gs, ss->v[i].ifindex);

        if (p >= 0 && p <= at)
            return true;
    }
    return false;
}

/* ---- an index of a snapshot's group rows by (group, interface) ---- */

/* Row numbers of one family's rows in a table of a power-of-two size at
 * most half full; UINT32_MAX: empty. */
struct kindex {
    uint32_t *slot;
    size_t mask;
};

static size_t krow_hash(const struct mc_addr *a, unsigned ifindex)
{
    uint32_t more = ifindex;

    return mc__fnv_addr(a, &more, 1);
}

/* The index of gs (slot NULL when out of memory: the caller searches). */
static void kindex_make(struct kindex *x, const struct mc_kgroups *gs)
{
    size_t cap = 16;

    x->slot = NULL;
    x->mask = 0;
    while (cap < 2 * gs->n)
        cap *= 2;
    if (gs->n == 0 || (x->slot = malloc(cap * sizeof *x->slot)) == NULL)
        return;
    x->mask = cap - 1;
    memset(x->slot, 0xff, cap * sizeof *x->slot);
    for (size_t r = gs->n; r-- > 0;) { /* the first row wins, as a search */
        size_t i = krow_hash(&gs->v[r].group, gs->v[r].ifindex) & x->mask;

        while (x->slot[i] != UINT32_MAX &&
               !(gs->v[x->slot[i]].ifindex == gs->v[r].ifindex &&
                 mc_addr_equal(&gs->v[x->slot[i]].group, &gs->v[r].group)))
            i = (i + 1) & x->mask;
        x->slot[i] = (uint32_t)r;
    }
}

/* The row of group on ifindex, as mc_kgroups_find answers (ifindex 0:
 * any interface, a search). */
static const struct mc_kgroup *kindex_find(const struct kindex *x,
                                           const struct mc_kgroups *gs,
                                           unsigned ifindex,
                                           const struct mc_addr *group)
{
    size_t i;

    if (x == NULL || x->slot == NULL || ifindex == 0)
        return mc_kgroups_find(gs, ifindex, group);
    for (i = krow_hash(group, ifindex) & x->mask; x->slot[i] != UINT32_MAX;
         i = (i + 1) & x->mask) {
        const struct mc_kgroup *r = &gs->v[x->slot[i]];

        if (r->ifindex == ifindex && mc_addr_equal(&r->group, group))
            return r;
    }
    return NULL;
}

/* The interface's rows of g from a snapshot (x: an index of its
 * family's rows, or NULL). */
static int proc_rows(const struct group *g, const struct mc_kernel_snapshot *s,
                     const struct kindex *x, struct mc_group_kernel *k)
{
    const struct mc_kgroups *gs =
        g->family == AF_INET6 ? &s->groups6 : &s->groups4;
    const struct mc_ksources *ss =
        g->family == AF_INET6 ? &s->sources6 : &s->sources4;
    const struct mc_kgroup *row = kindex_find(x, gs, g->ifindex, &g->group);
    unsigned ifindex = row != NULL ? row->ifindex : g->ifindex;

    if (row != NULL) {
        k->in_proc = true;
        k->proc = *row;
        k->proc_sources_unlisted = !sources_listed(gs, ss, ifindex);
    }
    for (size_t i = 0; i < ss->n; i++) {
        const struct mc_ksource *r = &ss->v[i];
        struct mc_ksource *v;

        if (!mc_addr_equal(&r->group, &g->group) ||
            (ifindex != 0 && r->ifindex != ifindex))
            continue;
        v = realloc(k->proc_sources,
                    (k->nproc_sources + 1) * sizeof *k->proc_sources);
        if (v == NULL)
            return -ENOMEM;
        k->proc_sources = v;
        v[k->nproc_sources++] = *r;
    }
    return 0;
}

static const struct mc_ksource *proc_source(const struct mc_group_kernel *k,
                                            const struct mc_addr *src)
{
    for (size_t i = 0; i < k->nproc_sources; i++)
        if (mc_addr_equal(&k->proc_sources[i].source, src))
            return &k->proc_sources[i];
    return NULL;
}

/* While joined: the interface holds the group, and a row for every
 * source asked, in the mode asked.  Returns a source that lacks one. */
static const struct mc_addr *proc_lacks(const struct group *g,
                                        const struct mc_group_kernel *k)
{
    for (size_t i = 0; i < g->nsrc; i++) {
        const struct mc_ksource *r = proc_source(k, &g->src[i]);

        if (r == NULL || (g->mode == MC_MODE_EXCLUDE && r->exc == 0) ||
            (g->mode == MC_MODE_INCLUDE && r->inc == 0))
            return &g->src[i];
    }
    return NULL;
}

static void check_mismatch(const struct group *g, struct mc_group_kernel *k)
{
    const char *file =
        g->family == AF_INET6 ? "/proc/net/igmp6" : "/proc/net/igmp";
    char asked[140], held[140]; /* both fit mismatch_text */
    char a[MC_ADDR_STRLEN];
    const struct mc_addr *lack;
    size_t n =
        k->filter.nsources < k->filter.cap ? k->filter.nsources : k->filter.cap;

    if (k->filter.mode != g->mode || !same_sources(g, &k->filter)) {
        mc_filter_format(g->mode, g->src, g->nsrc, asked, sizeof asked);
        mc_filter_format(k->filter.mode, k->filter.sources, n, held,
                         sizeof held);
        snprintf(k->mismatch_text, sizeof k->mismatch_text,
                 "mcscope asked %s, the socket holds %s", asked, held);
    } else if (g->joined && !k->in_proc) {
        snprintf(k->mismatch_text, sizeof k->mismatch_text,
                 "joined, but %s shows no membership of %s on %s", file,
                 mc_addr_format(&g->group, a, sizeof a),
                 g->ifname[0] != '\0' ? g->ifname : "any interface");
    } else if (g->joined && !k->proc_sources_unlisted &&
               (lack = proc_lacks(g, k)) != NULL) {
        snprintf(k->mismatch_text, sizeof k->mismatch_text,
                 "%s asked, but %s shows no %s row for %s",
                 mc_filter_mode_name(g->mode),
                 g->family == AF_INET6 ? "/proc/net/mcfilter6"
                                       : "/proc/net/mcfilter",
                 g->mode == MC_MODE_EXCLUDE ? "exclude" : "include",
                 mc_addr_format(lack, a, sizeof a));
    } else {
        return;
    }
    k->mismatch = true;
}

/* mc_monitor_group_kernel with an index of snap's rows (x, or NULL). */
static int group_kernel(const struct mc_monitor *m, size_t i,
                        const struct mc_kernel_snapshot *snap,
                        const struct kindex *x, struct mc_group_kernel *out,
                        struct mc_err *err)
{
    struct mc_kernel_snapshot local;
    int rc;

    memset(out, 0, sizeof *out);
    rc = mc_monitor_group_kernel_filter(m, i, &out->filter, err);
    if (rc < 0)
        return rc;
    if (snap == NULL) {
        mc_kernel_snapshot_read(&local, NULL);
        rc = proc_rows(m->g[i], &local, NULL, out);
        mc_kernel_snapshot_free(&local);
    } else {
        rc = proc_rows(m->g[i], snap, x, out);
    }
    if (rc < 0) {
        mc_group_kernel_free(out);
        return mc_err_set(err, rc, "out of memory for the kernel's rows");
    }
    check_mismatch(m->g[i], out);
    return 0;
}

int mc_monitor_group_kernel(const struct mc_monitor *m, size_t i,
                            const struct mc_kernel_snapshot *snap,
                            struct mc_group_kernel *out, struct mc_err *err)
{
    return group_kernel(m, i, snap, NULL, out, err);
}

/* ---- the view the monitor keeps ---- */

static void view_free(struct mc_monitor *m)
{
    for (size_t i = 0; i < m->nkview; i++)
        mc_group_kernel_free(&m->kview[i]);
    free(m->kview);
    m->kview = NULL;
    m->nkview = 0;
    if (m->ktaken_ns != 0)
        mc_kernel_snapshot_free(&m->ksnap);
    memset(&m->ksnap, 0, sizeof m->ksnap);
    m->ktaken_ns = 0;
}

bool mc_monitor_refresh_kernel(struct mc_monitor *m, bool force)
{
    int64_t now = mc__clock_ns(CLOCK_MONOTONIC);
    struct kindex x[NFAM];
    struct mc_err err;

    if (!force && m->ktaken_ns != 0 && m->kcommands == m->c.commands &&
        now - m->ktaken_ns < MC_MON_TICK_NS)
        return false;
    view_free(m);
    mc_kernel_snapshot_read(&m->ksnap, NULL);
    m->ktaken_ns = now;
    m->kcommands = m->c.commands;
    m->kview = m->ng > 0 ? calloc(m->ng, sizeof *m->kview) : NULL;
    if (m->kview == NULL)
        return true; /* the snapshot alone (or no group) */
    m->nkview = m->ng;
    kindex_make(&x[F6], &m->ksnap.groups6);
    kindex_make(&x[F4], &m->ksnap.groups4);
    for (size_t i = 0; i < m->ng; i++) {
        struct mc_group_kernel *k = &m->kview[i];

        if (group_kernel(m, i, &m->ksnap, &x[fam_slot(m->g[i]->family)], k,
                         &err) < 0) {
            memset(k, 0, sizeof *k);
            k->error = err.code != 0 ? err.code : -EIO;
            snprintf(k->error_text, sizeof k->error_text, "%s", err.msg);
        }
    }
    free(x[F6].slot);
    free(x[F4].slot);
    return true;
}

const struct mc_kernel_snapshot *
mc_monitor_kernel_snapshot(const struct mc_monitor *m)
{
    return m->ktaken_ns != 0 ? &m->ksnap : NULL;
}

const struct mc_group_kernel *mc_monitor_kernel_view(const struct mc_monitor *m,
                                                     size_t i)
{
    return i < m->nkview ? &m->kview[i] : NULL;
}

void mc__kernel_free(struct mc_monitor *m)
{
    view_free(m);
}
