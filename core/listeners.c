/*
 * mcscope core: the listeners of a link (listeners.h) — one host's
 * per-group state from its reports, aged like a router's.
 */
#include "mcscope/listeners.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/querier.h"
#include "util.h"

#define MAX_IFACES 32

struct entry {
    char ifname[IF_NAMESIZE];
    struct mc_addr host, group;
    enum mc_listener_mode mode;
    size_t n;
    struct mc_addr *src; /* max_sources */
    enum mc_wire_proto proto;
    bool own;
    int64_t last_ns, expires_ns;
};

struct iface_timers {
    char ifname[IF_NAMESIZE];
    struct mc_listeners_timers t;
};

struct mc_listeners {
    struct mc_listeners_opts o;
    struct entry *e;
    size_t n;
    struct iface_timers ift[MAX_IFACES];
    size_t nift;
    struct mc_listeners_counters c;
};

int mc_listeners_new(const struct mc_listeners_opts *o,
                     struct mc_listeners **out)
{
    struct mc_listeners *l = calloc(1, sizeof *l);

    *out = NULL;
    if (l == NULL)
        return -ENOMEM;
    if (o != NULL)
        l->o = *o;
    if (l->o.max_entries == 0)
        l->o.max_entries = MC_LISTENERS_MAX_DEFAULT;
    if (l->o.max_sources == 0)
        l->o.max_sources = MC_LISTENERS_SOURCES_DEFAULT;
    l->e = calloc(l->o.max_entries, sizeof *l->e);
    if (l->e == NULL) {
        free(l);
        return -ENOMEM;
    }
    *out = l;
    return 0;
}

void mc_listeners_clear(struct mc_listeners *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->e[i].src);
    l->n = 0;
    l->nift = 0;
}

void mc_listeners_forget(struct mc_listeners *l, const char *ifname)
{
    size_t k = 0;

    if (ifname[0] == '\0') {
        mc_listeners_clear(l);
        return;
    }
    for (size_t i = 0; i < l->n; i++) {
        if (strncmp(l->e[i].ifname, ifname, IF_NAMESIZE) == 0)
            free(l->e[i].src);
        else
            l->e[k++] = l->e[i];
    }
    l->n = k;
    for (size_t i = 0; i < l->nift; i++)
        if (strncmp(l->ift[i].ifname, ifname, IF_NAMESIZE) == 0) {
            l->ift[i] = l->ift[--l->nift];
            break;
        }
}

void mc_listeners_free(struct mc_listeners *l)
{
    if (l == NULL)
        return;
    mc_listeners_clear(l);
    free(l->e);
    free(l);
}

const char *mc_listener_mode_name(enum mc_listener_mode m)
{
    return m == MC_LISTENER_EXCLUDE ? "exclude" : "include";
}

/* ---- timers ---- */

static void default_timers(struct mc_listeners_timers *t)
{
    t->qrv = MC_LISTENERS_QRV_DEFAULT;
    t->qqi_s = MC_LISTENERS_QQI_DEFAULT_S;
    t->qri_ms = MC_LISTENERS_QRI_DEFAULT_MS;
    t->from_querier = false;
}

static struct iface_timers *find_ift(const struct mc_listeners *l,
                                     const char *ifname)
{
    for (size_t i = 0; i < l->nift; i++)
        if (strcmp(l->ift[i].ifname, ifname) == 0)
            return (struct iface_timers *)&l->ift[i];
    return NULL;
}

void mc_listeners_timers(const struct mc_listeners *l, const char *ifname,
                         struct mc_listeners_timers *out)
{
    const struct iface_timers *it = find_ift(l, ifname);

    if (it != NULL)
        *out = it->t;
    else
        default_timers(out);
}

/* A general query: the querier's QRV, QQI (v3/MLDv2) and QRI. */
static void query(struct mc_listeners *l, const char *ifname,
                  const struct mc_wire_msg *msg)
{
    struct iface_timers *it = find_ift(l, ifname);

    l->c.queries++;
    if (!mc_querier_is_general(msg))
        return; /* group-specific: its max response is the LLQI */
    if (it == NULL) {
        if (l->nift == MAX_IFACES)
            return; /* defaults for the rest */
        it = &l->ift[l->nift++];
        snprintf(it->ifname, sizeof it->ifname, "%s", ifname);
        default_timers(&it->t);
    }
    it->t.from_querier =
        mc_querier_take_timers(msg, &it->t.qrv, &it->t.qqi_s, &it->t.qri_ms);
}

/* The listening interval on ifname: QRV * QQI + QRI. */
static int64_t interval_ns(const struct mc_listeners *l, const char *ifname)
{
    struct mc_listeners_timers t;

    mc_listeners_timers(l, ifname, &t);
    return mc_querier_mali_ns(t.qrv, t.qqi_s, t.qri_ms);
}

/* ---- sets ---- */

static bool has(const struct entry *e, const struct mc_addr *a)
{
    for (size_t i = 0; i < e->n; i++)
        if (mc_addr_equal(&e->src[i], a))
            return true;
    return false;
}

static void add(struct mc_listeners *l, struct entry *e,
                const struct mc_addr *a)
{
    if (has(e, a))
        return;
    if (e->n == l->o.max_sources) {
        l->c.sources_cut++;
        return;
    }
    e->src[e->n++] = *a;
}

static void del(struct entry *e, const struct mc_addr *a)
{
    for (size_t i = 0; i < e->n; i++)
        if (mc_addr_equal(&e->src[i], a)) {
            e->src[i] = e->src[--e->n];
            return;
        }
}

static bool same_set(const struct entry *a, const struct entry *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (!has(b, &a->src[i]))
            return false;
    return true;
}

/* One record applied to e (RFC 3810 §7.4 with one host). */
static void apply(struct mc_listeners *l, struct entry *e,
                  const struct mc_wire_rec *r)
{
    struct mc_addr a;
    bool replace = r->type == MC_REC_MODE_IS_INCLUDE ||
                   r->type == MC_REC_CHANGE_TO_INCLUDE ||
                   r->type == MC_REC_MODE_IS_EXCLUDE ||
                   r->type == MC_REC_CHANGE_TO_EXCLUDE;

    if (r->type < MC_REC_MODE_IS_INCLUDE || r->type > MC_REC_BLOCK_OLD_SOURCES)
        return; /* RFC 3810 §5.2.12: ignore unknown record types */
    if (replace) {
        e->n = 0;
        e->mode = r->type == MC_REC_MODE_IS_INCLUDE ||
                          r->type == MC_REC_CHANGE_TO_INCLUDE
                      ? MC_LISTENER_INCLUDE
                      : MC_LISTENER_EXCLUDE;
    }
    for (size_t i = 0; i < r->nsources; i++) {
        bool grow = replace || (r->type == MC_REC_ALLOW_NEW_SOURCES) ==
                                   (e->mode == MC_LISTENER_INCLUDE);

        mc_wire_rec_source(r, i, &a);
        if (grow)
            add(l, e, &a);
        else
            del(e, &a);
    }
}

/* ---- entries and events ---- */

static struct entry *find(struct mc_listeners *l, const char *ifname,
                          const struct mc_addr *host,
                          const struct mc_addr *group)
{
    for (size_t i = 0; i < l->n; i++) {
        struct entry *e = &l->e[i];

        if (strcmp(e->ifname, ifname) == 0 && mc_addr_equal(&e->host, host) &&
            mc_addr_equal(&e->group, group))
            return e;
    }
    return NULL;
}

static size_t hosts_of(const struct mc_listeners *l, const char *ifname,
                       const struct mc_addr *group)
{
    size_t n = 0;

    for (size_t i = 0; i < l->n; i++)
        if ((ifname[0] == '\0' || strcmp(l->e[i].ifname, ifname) == 0) &&
            mc_addr_equal(&l->e[i].group, group))
            n++;
    return n;
}

size_t mc_listeners_hosts(const struct mc_listeners *l, const char *ifname,
                          const struct mc_addr *group)
{
    return hosts_of(l, ifname, group);
}

static void view_of(const struct entry *e, struct mc_listener_view *v)
{
    memcpy(v->ifname, e->ifname, sizeof v->ifname);
    v->host = e->host;
    v->group = e->group;
    v->mode = e->mode;
    v->nsources = e->n;
    v->sources = e->n > 0 ? e->src : NULL;
    v->proto = e->proto;
    v->own = e->own;
    v->last_report_ns = e->last_ns;
    v->expires_ns = e->expires_ns;
}

const char *mc_listener_sources_format(const struct mc_listener_view *v,
                                       char *buf, size_t len)
{
    char a[MC_ADDR_STRLEN];
    size_t at = 0;

    if (len < 8) {
        if (len > 0)
            buf[0] = '\0';
        return buf;
    }
    buf[at++] = '{';
    for (size_t i = 0; i < v->nsources; i++) {
        int k = snprintf(buf + at, len - at, "%s%s", i > 0 ? "," : "",
                         mc_addr_format(&v->sources[i], a, sizeof a));

        if (k < 0 || (size_t)k >= len - at - 1) {
            at = len - 5 < at ? at : len - 5;
            memcpy(buf + at, "...", 3);
            at += 3;
            break;
        }
        at += (size_t)k;
    }
    buf[at++] = '}';
    buf[at] = '\0';
    return buf;
}

static void emit(struct mc_listeners *l, enum mc_event_type type,
                 const struct entry *e, unsigned flags)
{
    char srcs[512];
    struct mc_listener_view v;
    struct mc_event ev = {.kind = MC_EV_INFO, .type = type};

    if (l->o.event == NULL)
        return;
    view_of(e, &v);
    memcpy(ev.ifname, e->ifname, sizeof ev.ifname);
    ev.group = e->group;
    if (type != MC_ET_LISTENER_FIRST && type != MC_ET_LISTENER_LAST) {
        ev.source = e->host;
        ev.proto = e->proto;
        ev.count = e->n;
        ev.flags =
            flags | (e->mode == MC_LISTENER_EXCLUDE ? MC_EVF_EXCLUDE : 0);
        ev.detail = mc_listener_sources_format(&v, srcs, sizeof srcs);
    }
    l->o.event(l->o.arg, &ev);
}

/* Remove entry i, with its leave event (and the group's last). */
static void remove_at(struct mc_listeners *l, size_t i, unsigned flags)
{
    struct entry gone = l->e[i];

    memmove(&l->e[i], &l->e[i + 1], (l->n - i - 1) * sizeof *l->e);
    l->n--;
    emit(l, MC_ET_LISTENER_LEAVE, &gone, flags);
    if (hosts_of(l, gone.ifname, &gone.group) == 0)
        emit(l, MC_ET_LISTENER_LAST, &gone, 0);
    free(gone.src);
}

/* The state a host's message leaves for one group: before is its entry
 * (NULL: none), after the new state (mode INCLUDE with n 0: none). */
static void settle(struct mc_listeners *l, struct entry *before,
                   struct entry *after, int64_t now_ns)
{
    bool now_none = after->mode == MC_LISTENER_INCLUDE && after->n == 0;

    after->last_ns = now_ns;
    after->expires_ns = now_ns + interval_ns(l, after->ifname);
    if (before == NULL) {
        if (now_none) {
            free(after->src);
            return;
        }
        if (l->n == l->o.max_entries) {
            l->c.dropped++;
            free(after->src);
            return;
        }
        l->e[l->n++] = *after;
        emit(l, MC_ET_LISTENER_JOIN, after, 0);
        if (hosts_of(l, after->ifname, &after->group) == 1)
            emit(l, MC_ET_LISTENER_FIRST, after, 0);
        return;
    }
    if (now_none) {
        free(after->src);
        remove_at(l, (size_t)(before - l->e), 0);
        return;
    }
    {
        bool changed = before->mode != after->mode || !same_set(before, after);

        free(before->src);
        *before = *after;
        if (changed)
            emit(l, MC_ET_LISTENER_FILTER, before, 0);
    }
}

/* A copy of host's state for group (or a fresh INCLUDE({})), its source
 * array allocated.  false: out of memory. */
static bool start(struct mc_listeners *l, const char *ifname,
                  const struct mc_addr *host, bool own,
                  const struct mc_addr *group, enum mc_wire_proto proto,
                  struct entry **before, struct entry *after)
{
    *before = find(l, ifname, host, group);
    memset(after, 0, sizeof *after);
    if (*before != NULL)
        *after = **before;
    else {
        snprintf(after->ifname, sizeof after->ifname, "%s", ifname);
        after->host = *host;
        after->group = *group;
        after->mode = MC_LISTENER_INCLUDE;
    }
    after->proto = proto;
    after->own = own;
    after->src = malloc(l->o.max_sources * sizeof *after->src);
    if (after->src == NULL)
        return false;
    if (*before != NULL)
        memcpy(after->src, (*before)->src, after->n * sizeof *after->src);
    return true;
}

static void v1v2(struct mc_listeners *l, const char *ifname,
                 const struct mc_addr *src, bool own,
                 const struct mc_wire_msg *msg, int64_t now_ns)
{
    struct entry *before, after;

    if (msg->group.family == 0 || !mc_addr_is_multicast(&msg->group))
        return;
    if (msg->type == MC_MSG_LEAVE) {
        l->c.leaves++;
        before = find(l, ifname, src, &msg->group);
        if (before != NULL)
            remove_at(l, (size_t)(before - l->e), 0);
        return;
    }
    l->c.reports++;
    if (!start(l, ifname, src, own, &msg->group, msg->proto, &before, &after))
        return;
    after.mode = MC_LISTENER_EXCLUDE;
    after.n = 0;
    settle(l, before, &after, now_ns);
}

void mc_listeners_feed(struct mc_listeners *l, const char *ifname,
                       const struct mc_addr *src, bool own,
                       const struct mc_wire_msg *msg, int64_t now_ns)
{
    struct mc_wire_rec_iter it;
    struct mc_wire_rec r;

    if (msg->type == MC_MSG_QUERY) {
        query(l, ifname, msg);
        return;
    }
    if (msg->type == MC_MSG_LEAVE ||
        (msg->type == MC_MSG_REPORT && msg->proto != MC_PROTO_MLDV2 &&
         msg->proto != MC_PROTO_IGMPV3)) {
        v1v2(l, ifname, src, own, msg, now_ns);
        return;
    }
    if (msg->type != MC_MSG_REPORT)
        return;
    l->c.reports++;
    mc_wire_rec_begin(msg, &it);
    while (mc_wire_rec_next(&it, &r)) {
        struct entry *before, after;

        if (!mc_addr_is_multicast(&r.group))
            continue;
        if (!start(l, ifname, src, own, &r.group, msg->proto, &before, &after))
            return;
        apply(l, &after, &r);
        settle(l, before, &after, now_ns);
    }
}

void mc_listeners_expire(struct mc_listeners *l, int64_t now_ns)
{
    for (size_t i = 0; i < l->n;) {
        if (l->e[i].expires_ns <= now_ns) {
            l->c.expired++;
            remove_at(l, i, MC_EVF_EXPIRED);
        } else
            i++;
    }
}

int64_t mc_listeners_next_ns(const struct mc_listeners *l)
{
    int64_t t = INT64_MAX;

    for (size_t i = 0; i < l->n; i++)
        if (l->e[i].expires_ns < t)
            t = l->e[i].expires_ns;
    return t;
}

size_t mc_listeners_count(const struct mc_listeners *l)
{
    return l->n;
}

int mc_listeners_get(const struct mc_listeners *l, size_t i,
                     struct mc_listener_view *out)
{
    if (i >= l->n)
        return -ENOENT;
    view_of(&l->e[i], out);
    return 0;
}

void mc_listeners_counters(const struct mc_listeners *l,
                           struct mc_listeners_counters *out)
{
    *out = l->c;
}
