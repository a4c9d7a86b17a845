/*
 * mcscope core: the querier timeline (querier.h) — queries per interface
 * and family in a ring, the host's reports that answered them, the host's
 * groups as a snooping switch keeps them, and the kernel's own counters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include "mcscope/clock.h"
#include "mcscope/kstate.h"
#include "mcscope/querier.h"

#define PROC_MAX 4096

struct kbase {
    bool have;
    uint64_t in_q, out_resp, out_red, out_v2;
};

struct timeline {
    char ifname[IF_NAMESIZE];
    int family;
    int64_t watch_mono_ns;
    uint64_t queries, general, specific, own_reports, own_leaves;
    uint64_t seq;
    struct mc_querier_query *ring; /* cap entries */
    size_t head, n;                /* oldest at head */
    struct mc_querier_member members[MC_QUERIER_GROUPS];
    bool aged_told[MC_QUERIER_GROUPS]; /* mc_querier_facts said so */
    size_t nmembers;
    bool absent_told;
    int64_t last_report_mono_ns, last_report_real_ns;
    int64_t last_general_mono_ns;
    unsigned qrv;
    uint32_t qqi_s, qri_ms;
    bool from_querier;
    /* the kernel */
    struct kbase base, now;
    bool read_ok;
    uint64_t wire_queries; /* since the baseline */
    char igmp_version[4];
    char file[96];
    /* the file, opened with the timeline: a /proc/net file belongs to the
     * network namespace it was opened in (where the capture opened) */
    int kfd;
};

struct mc_querier {
    size_t cap;
    mc_querier_member_fn member;
    void *arg;
    char proc[128];
    struct timeline *t[MC_QUERIER_IFACES];
    size_t nt;
};

/* ---- the arithmetic ---- */

int64_t mc_querier_mali_ns(unsigned qrv, uint32_t qqi_s, uint32_t qri_ms)
{
    return (int64_t)qrv * qqi_s * MC_NS_PER_S + (int64_t)qri_ms * MC_NS_PER_MS;
}

int64_t mc_querier_oqpi_ns(unsigned qrv, uint32_t qqi_s, uint32_t qri_ms)
{
    return (int64_t)qrv * qqi_s * MC_NS_PER_S +
           (int64_t)qri_ms * MC_NS_PER_MS / 2;
}

bool mc_querier_is_general(const struct mc_wire_msg *m)
{
    return m->group.family == 0 || mc_addr_is_unspecified(&m->group);
}

bool mc_querier_take_timers(const struct mc_wire_msg *m, unsigned *qrv,
                            uint32_t *qqi_s, uint32_t *qri_ms)
{
    if (m->type != MC_MSG_QUERY || !mc_querier_is_general(m))
        return false;
    if (m->qrv > 0)
        *qrv = m->qrv;
    if (m->qqi_s > 0)
        *qqi_s = m->qqi_s;
    if (m->max_resp_ms > 0)
        *qri_ms = m->max_resp_ms;
    return true;
}

const char *mc_query_kind_name(enum mc_query_kind k)
{
    switch (k) {
    case MC_QUERY_GENERAL:
        return "general";
    case MC_QUERY_GROUP:
        return "group";
    case MC_QUERY_GROUP_SOURCE:
        return "group-source";
    }
    return "?";
}

/* ---- life ---- */

int mc_querier_new(const struct mc_querier_opts *o, struct mc_querier **out)
{
    struct mc_querier *q = calloc(1, sizeof *q);

    *out = NULL;
    if (q == NULL)
        return -ENOMEM;
    q->cap = o != NULL && o->ring > 0 ? o->ring : MC_QUERIER_RING_DEFAULT;
    if (o != NULL) {
        q->member = o->member;
        q->arg = o->arg;
    }
    snprintf(q->proc, sizeof q->proc, "%s",
             o != NULL && o->proc_root != NULL && o->proc_root[0] != '\0'
                 ? o->proc_root
                 : "/proc");
    *out = q;
    return 0;
}

static void timeline_free(struct timeline *t)
{
    if (t != NULL) {
        free(t->ring);
        if (t->kfd >= 0)
            close(t->kfd);
    }
    free(t);
}

void mc_querier_clear(struct mc_querier *q)
{
    if (q == NULL)
        return;
    for (size_t i = 0; i < q->nt; i++)
        timeline_free(q->t[i]);
    q->nt = 0;
}

void mc_querier_free(struct mc_querier *q)
{
    mc_querier_clear(q);
    free(q);
}

/* ---- the kernel ---- */

/* The timeline's file (<proc>/net/path, opened once) into buf; its
 * length, or -1. */
static long slurp(const struct mc_querier *q, struct timeline *t,
                  const char *path, char *buf, size_t len)
{
    size_t n = 0;

    if (t->kfd < 0) {
        char full[256];

        snprintf(full, sizeof full, "%s/net/%s", q->proc, path);
        t->kfd = open(full, O_RDONLY | O_CLOEXEC);
        if (t->kfd < 0)
            return -1;
    }
    if (lseek(t->kfd, 0, SEEK_SET) < 0)
        return -1;
    while (n < len - 1) {
        ssize_t r = read(t->kfd, buf + n, len - 1 - n);

        if (r <= 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    return (long)n;
}

static bool snmp_value(const char *text, const char *name, uint64_t *out)
{
    size_t nl = strlen(name);

    for (const char *p = text; p != NULL && *p != '\0';) {
        if (strncmp(p, name, nl) == 0 && (p[nl] == ' ' || p[nl] == '\t')) {
            *out = strtoull(p + nl, NULL, 10);
            return true;
        }
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    return false;
}

static void read_v6(struct mc_querier *q, struct timeline *t)
{
    char path[64], buf[PROC_MAX * 2];
    struct kbase k = {.have = true};

    snprintf(path, sizeof path, "dev_snmp6/%s", t->ifname);
    snprintf(t->file, sizeof t->file, "/proc/net/%s", path);
    t->read_ok = slurp(q, t, path, buf, sizeof buf) >= 0 &&
                 snmp_value(buf, "Icmp6InGroupMembQueries", &k.in_q) &&
                 snmp_value(buf, "Icmp6OutGroupMembResponses", &k.out_resp) &&
                 snmp_value(buf, "Icmp6OutGroupMembReductions", &k.out_red) &&
                 snmp_value(buf, "Icmp6OutMLDv2Reports", &k.out_v2);
    if (!t->read_ok)
        return;
    if (!t->base.have) {
        t->base = k;
        t->wire_queries = 0;
    }
    t->now = k;
}

static void read_v4(struct mc_querier *q, struct timeline *t)
{
    char *buf = malloc(PROC_MAX * 16);
    struct mc_kgroups g = {0};

    snprintf(t->file, sizeof t->file, "/proc/net/igmp");
    t->read_ok = false;
    if (buf == NULL)
        return;
    if (slurp(q, t, "igmp", buf, PROC_MAX * 16) >= 0 &&
        mc_kstate_parse_igmp(buf, &g, NULL) == 0)
        for (size_t i = 0; i < g.n; i++)
            if (strncmp(g.v[i].ifname, t->ifname, IF_NAMESIZE) == 0 &&
                g.v[i].querier[0] != '\0') {
                memcpy(t->igmp_version, g.v[i].querier, sizeof t->igmp_version);
                t->read_ok = true;
                break;
            }
    mc_kgroups_free(&g);
    free(buf);
}

static void read_kernel(struct mc_querier *q, struct timeline *t)
{
    if (t->family == AF_INET6)
        read_v6(q, t);
    else
        read_v4(q, t);
}

void mc_querier_read_kernel(struct mc_querier *q)
{
    for (size_t i = 0; q != NULL && i < q->nt; i++)
        read_kernel(q, q->t[i]);
}

/* ---- timelines ---- */

static struct timeline *find(const struct mc_querier *q, const char *ifname,
                             int family)
{
    for (size_t i = 0; i < q->nt; i++)
        if (q->t[i]->family == family &&
            strncmp(q->t[i]->ifname, ifname, IF_NAMESIZE) == 0)
            return q->t[i];
    return NULL;
}

static struct timeline *get(struct mc_querier *q, const char *ifname,
                            int family, int64_t mono_ns)
{
    struct timeline *t = find(q, ifname, family);

    if (t != NULL || q->nt == MC_QUERIER_IFACES)
        return t;
    t = calloc(1, sizeof *t);
    if (t == NULL)
        return NULL;
    t->ring = calloc(q->cap, sizeof *t->ring);
    if (t->ring == NULL) {
        free(t);
        return NULL;
    }
    snprintf(t->ifname, sizeof t->ifname, "%s", ifname);
    t->family = family;
    t->kfd = -1;
    t->watch_mono_ns = mono_ns;
    t->qrv = MC_QUERIER_QRV_DEFAULT;
    t->qqi_s = MC_QUERIER_QQI_DEFAULT_S;
    t->qri_ms = MC_QUERIER_QRI_DEFAULT_MS;
    read_kernel(q, t);
    q->t[q->nt++] = t;
    return t;
}

void mc_querier_watch(struct mc_querier *q, const char *ifname, int64_t mono_ns,
                      int64_t real_ns)
{
    (void)real_ns;
    if (q == NULL || ifname == NULL || ifname[0] == '\0')
        return;
    get(q, ifname, AF_INET6, mono_ns);
    get(q, ifname, AF_INET, mono_ns);
}

static struct mc_querier_query *ring_at(const struct mc_querier *q,
                                        const struct timeline *t, size_t i)
{
    return &t->ring[(t->head + i) % q->cap];
}

static void add_query(struct mc_querier *q, struct timeline *t,
                      const struct mc_addr *src, const struct mc_wire_msg *m,
                      int64_t mono_ns, int64_t real_ns)
{
    struct mc_querier_query *e;
    bool general = mc_querier_is_general(m);

    if (t->n == q->cap) {
        t->head = (t->head + 1) % q->cap;
        t->n--;
    }
    e = ring_at(q, t, t->n++);
    memset(e, 0, sizeof *e);
    e->seq = ++t->seq;
    e->mono_ns = mono_ns;
    e->real_ns = real_ns;
    e->querier = *src;
    e->proto = m->proto;
    e->kind = general           ? MC_QUERY_GENERAL
              : m->nsources > 0 ? MC_QUERY_GROUP_SOURCE
                                : MC_QUERY_GROUP;
    if (!general)
        e->group = m->group;
    e->nsources = m->nsources;
    for (size_t i = 0; i < m->nsources && i < MC_QUERIER_SOURCES; i++)
        mc_wire_query_source(m, i, &e->sources[i]);
    e->max_resp_ms = m->max_resp_ms;
    e->qrv = m->qrv;
    e->qqi_s = m->qqi_s;
    e->s_flag = m->s_flag;
    e->due_mono_ns = mono_ns + (int64_t)m->max_resp_ms * MC_NS_PER_MS;
    e->expected = q->member != NULL && q->member(q->arg, t->ifname, t->family,
                                                 general ? NULL : &m->group);
    t->queries++;
    if (mc_querier_take_timers(m, &t->qrv, &t->qqi_s, &t->qri_ms)) {
        t->general++;
        t->last_general_mono_ns = mono_ns;
        t->from_querier = true;
    } else {
        t->specific++;
    }
    /* what the stack had to take: a query about a group it does not hold
     * is dropped before ICMPv6/IGMP (not a member), firewall or not */
    if (general || e->expected)
        t->wire_queries++;
}

/* ---- the host's groups ---- */

static struct mc_querier_member *member_get(struct timeline *t,
                                            const struct mc_addr *g)
{
    for (size_t i = 0; i < t->nmembers; i++)
        if (mc_addr_equal(&t->members[i].group, g))
            return &t->members[i];
    if (t->nmembers == MC_QUERIER_GROUPS) {
        size_t i = 0; /* room: the oldest that left, else none */

        while (i < t->nmembers && !t->members[i].left)
            i++;
        if (i == t->nmembers)
            return NULL;
        memmove(&t->members[i], &t->members[i + 1],
                (t->nmembers - i - 1) * sizeof t->members[0]);
        memmove(&t->aged_told[i], &t->aged_told[i + 1],
                (t->nmembers - i - 1) * sizeof t->aged_told[0]);
        t->nmembers--;
    }
    memset(&t->members[t->nmembers], 0, sizeof t->members[0]);
    t->aged_told[t->nmembers] = false;
    t->members[t->nmembers].group = *g;
    return &t->members[t->nmembers++];
}

static void member_report(struct timeline *t, const struct mc_addr *g,
                          enum mc_wire_proto proto, int64_t mono_ns,
                          int64_t real_ns)
{
    struct mc_querier_member *e = member_get(t, g);

    if (e == NULL)
        return;
    if (e->first_report_mono_ns == 0 || e->left)
        e->first_report_mono_ns = mono_ns;
    e->proto = proto;
    t->aged_told[e - t->members] = false;
    e->last_report_mono_ns = mono_ns;
    e->last_report_real_ns = real_ns;
    e->left = false;
    e->left_mono_ns = 0;
}

static void member_leave(struct timeline *t, const struct mc_addr *g,
                         int64_t mono_ns)
{
    for (size_t i = 0; i < t->nmembers; i++)
        if (mc_addr_equal(&t->members[i].group, g) && !t->members[i].left) {
            t->members[i].left = true;
            t->members[i].left_mono_ns = mono_ns;
        }
}

/* ---- answers ---- */

/* Whether an own report answers query e: a current-state report
 * (v2/v3 MODE_IS_*, or a v1/v2 report) in e's window, about e's group
 * when e names one. */
static bool answers(const struct mc_querier_query *e,
                    const struct mc_wire_msg *m, int64_t mono_ns)
{
    struct mc_wire_rec_iter it;
    struct mc_wire_rec r;

    if (mono_ns < e->mono_ns ||
        mono_ns > e->due_mono_ns + (int64_t)MC_QUERIER_GRACE_MS * MC_NS_PER_MS)
        return false;
    if (m->nrecords == 0 && m->group.family != 0)
        return e->kind == MC_QUERY_GENERAL ||
               mc_addr_equal(&e->group, &m->group);
    mc_wire_rec_begin(m, &it);
    while (mc_wire_rec_next(&it, &r)) {
        if (r.type != MC_REC_MODE_IS_INCLUDE &&
            r.type != MC_REC_MODE_IS_EXCLUDE)
            continue;
        if (e->kind == MC_QUERY_GENERAL || mc_addr_equal(&e->group, &r.group))
            return true;
    }
    return false;
}

static void own_report(struct mc_querier *q, struct timeline *t,
                       const struct mc_wire_msg *m, int64_t mono_ns,
                       int64_t real_ns)
{
    struct mc_wire_rec_iter it;
    struct mc_wire_rec r;
    struct mc_addr first = m->group;

    t->own_reports++;
    t->last_report_mono_ns = mono_ns;
    t->last_report_real_ns = real_ns;
    if (m->nrecords == 0 && m->group.family != 0) {
        member_report(t, &m->group, m->proto, mono_ns, real_ns);
    } else {
        bool got = false;

        mc_wire_rec_begin(m, &it);
        while (mc_wire_rec_next(&it, &r)) {
            if (!got) {
                first = r.group;
                got = true;
            }
            if ((r.type == MC_REC_CHANGE_TO_INCLUDE ||
                 r.type == MC_REC_MODE_IS_INCLUDE) &&
                r.nsources == 0)
                member_leave(t, &r.group, mono_ns);
            else
                member_report(t, &r.group, m->proto, mono_ns, real_ns);
        }
    }
    /* the newest query in whose window it falls takes it */
    for (size_t i = t->n; i-- > 0;) {
        struct mc_querier_query *e = ring_at(q, t, i);
        struct mc_querier_answer *a;

        if (!answers(e, m, mono_ns))
            continue;
        if (e->nanswers < MC_QUERIER_ANSWERS) {
            a = &e->answers[e->nanswers];
            a->mono_ns = mono_ns;
            a->real_ns = real_ns;
            a->delay_ns = mono_ns - e->mono_ns;
            a->proto = m->proto;
            a->nrecords = m->nrecords > 0 ? (unsigned)m->nrecords : 1;
            a->group = first;
        }
        e->nanswers++;
        break;
    }
}

void mc_querier_feed(struct mc_querier *q, const char *ifname,
                     const struct mc_addr *src, bool own,
                     const struct mc_wire_msg *msg, int64_t mono_ns,
                     int64_t real_ns)
{
    int family;
    struct timeline *t;

    if (q == NULL || msg == NULL)
        return;
    family = msg->proto == MC_PROTO_MLDV1 || msg->proto == MC_PROTO_MLDV2
                 ? AF_INET6
                 : AF_INET;
    if (msg->proto == MC_PROTO_NONE)
        return;
    t = get(q, ifname, family, mono_ns);
    if (t == NULL)
        return;
    switch (msg->type) {
    case MC_MSG_QUERY:
        if (!own)
            add_query(q, t, src, msg, mono_ns, real_ns);
        break;
    case MC_MSG_REPORT:
        if (own)
            own_report(q, t, msg, mono_ns, real_ns);
        break;
    case MC_MSG_LEAVE:
        if (own) {
            t->own_leaves++;
            member_leave(t, &msg->group, mono_ns);
        }
        break;
    default:
        break;
    }
}

/* ---- facts that became true ---- */

/* Time without a query on t at now, and the interval it is held to. */
static void querier_age(const struct mc_querier *q, const struct timeline *t,
                        int64_t now, int64_t *age, int64_t *limit)
{
    if (t->n > 0) {
        *age = now - ring_at(q, t, t->n - 1)->mono_ns;
        *limit = mc_querier_oqpi_ns(t->qrv, t->qqi_s, t->qri_ms);
    } else {
        *age = now - t->watch_mono_ns;
        *limit = (int64_t)t->qqi_s * MC_NS_PER_S;
    }
}

void mc_querier_facts(struct mc_querier *q, int64_t now_mono_ns,
                      void (*cb)(void *arg, const struct mc_querier_fact *f),
                      void *arg)
{
    for (size_t k = 0; q != NULL && k < q->nt; k++) {
        struct timeline *t = q->t[k];
        struct mc_querier_fact f = {.ifname = t->ifname, .family = t->family};
        int64_t mali = mc_querier_mali_ns(t->qrv, t->qqi_s, t->qri_ms);

        querier_age(q, t, now_mono_ns, &f.age_ns, &f.limit_ns);
        if (f.age_ns <= f.limit_ns) {
            t->absent_told = false;
        } else if (!t->absent_told) {
            t->absent_told = true;
            f.kind = MC_QF_NO_QUERIER;
            cb(arg, &f);
        }
        for (size_t i = 0; i < t->nmembers; i++) {
            const struct mc_querier_member *b = &t->members[i];

            if (b->left || t->aged_told[i] ||
                now_mono_ns - b->last_report_mono_ns <= mali)
                continue;
            t->aged_told[i] = true;
            f.kind = MC_QF_AGED_OUT;
            f.group = b->group;
            f.age_ns = now_mono_ns - b->last_report_mono_ns;
            f.limit_ns = mali;
            cb(arg, &f);
        }
    }
}

/* ---- the snapshot ---- */

static void kernel_view(const struct timeline *t, struct mc_querier_kernel *k)
{
    memset(k, 0, sizeof *k);
    k->file = t->file;
    k->read_ok = t->read_ok;
    k->wire_queries = t->wire_queries;
    memcpy(k->igmp_version, t->igmp_version, sizeof k->igmp_version);
    if (t->family == AF_INET) {
        k->why = "no IGMP counters in the kernel (/proc/net/snmp has "
                 "none); /proc/net/igmp shows the version it runs";
        return;
    }
    if (!t->read_ok || !t->base.have) {
        k->why = "/proc/net/dev_snmp6 could not be read for the interface";
        return;
    }
    k->counted = true;
    k->in_queries = t->now.in_q - t->base.in_q;
    k->out_responses = t->now.out_resp - t->base.out_resp;
    k->out_reductions = t->now.out_red - t->base.out_red;
    k->out_v2_reports = t->now.out_v2 - t->base.out_v2;
    k->not_processed =
        k->wire_queries > k->in_queries ? k->wire_queries - k->in_queries : 0;
}

static int snap_one(const struct mc_querier *q, const struct timeline *t,
                    int64_t now, struct mc_querier_iface *v)
{
    memset(v, 0, sizeof *v);
    memcpy(v->ifname, t->ifname, sizeof v->ifname);
    v->family = t->family;
    v->watch_mono_ns = t->watch_mono_ns;
    v->queries = t->queries;
    v->general = t->general;
    v->specific = t->specific;
    v->own_reports = t->own_reports;
    v->own_leaves = t->own_leaves;
    v->q = calloc(t->n ? t->n : 1, sizeof *v->q);
    v->members = calloc(t->nmembers ? t->nmembers : 1, sizeof *v->members);
    if (v->q == NULL || v->members == NULL)
        return -ENOMEM;
    v->qrv = t->qrv;
    v->qqi_s = t->qqi_s;
    v->qri_ms = t->qri_ms;
    v->from_querier = t->from_querier;
    v->mali_ns = mc_querier_mali_ns(t->qrv, t->qqi_s, t->qri_ms);
    v->oqpi_ns = mc_querier_oqpi_ns(t->qrv, t->qqi_s, t->qri_ms);
    v->nqueries = t->n;
    for (size_t i = 0; i < t->n; i++) {
        struct mc_querier_query *e = &v->q[i];

        *e = *ring_at(q, t, i);
        e->unanswered =
            e->expected && e->nanswers == 0 &&
            now > e->due_mono_ns + (int64_t)MC_QUERIER_GRACE_MS * MC_NS_PER_MS;
        if (e->unanswered) {
            v->unanswered++;
            v->last_unanswered_mono_ns = e->mono_ns;
        }
    }
    if (t->n > 0) {
        const struct mc_querier_query *last = &v->q[t->n - 1];

        v->seen = true;
        v->querier = last->querier;
        v->version = last->proto;
        v->last_query_mono_ns = last->mono_ns;
        v->last_query_real_ns = last->real_ns;
    }
    v->last_general_mono_ns = t->last_general_mono_ns;
    v->last_report_mono_ns = t->last_report_mono_ns;
    v->last_report_real_ns = t->last_report_real_ns;
    v->nmembers = t->nmembers;
    for (size_t i = 0; i < t->nmembers; i++) {
        struct mc_querier_member *e = &v->members[i];

        *e = t->members[i];
        e->expires_mono_ns = e->last_report_mono_ns + v->mali_ns;
        e->expired = !e->left && now > e->expires_mono_ns;
    }
    {
        int64_t limit;

        querier_age(q, t, now, &v->no_querier_ns, &limit);
        v->querier_absent = v->no_querier_ns > limit;
    }
    kernel_view(t, &v->kernel);
    return 0;
}

int mc_querier_snapshot(const struct mc_querier *q, int64_t now_mono_ns,
                        int64_t now_real_ns, struct mc_querier_snap *out)
{
    memset(out, 0, sizeof *out);
    out->mono_ns = now_mono_ns;
    out->real_ns = now_real_ns;
    if (q == NULL || q->nt == 0)
        return 0;
    out->ifaces = calloc(q->nt, sizeof *out->ifaces);
    if (out->ifaces == NULL)
        return -ENOMEM;
    for (size_t i = 0; i < q->nt; i++) {
        out->nifaces++;
        if (snap_one(q, q->t[i], now_mono_ns, &out->ifaces[i]) < 0) {
            mc_querier_snap_free(out);
            return -ENOMEM;
        }
    }
    return 0;
}

void mc_querier_snap_free(struct mc_querier_snap *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->nifaces; i++) {
        free(s->ifaces[i].q);
        free(s->ifaces[i].members);
    }
    free(s->ifaces);
    memset(s, 0, sizeof *s);
}

const struct mc_querier_iface *
mc_querier_snap_iface(const struct mc_querier_snap *s, const char *ifname,
                      int family)
{
    for (size_t i = 0; s != NULL && i < s->nifaces; i++)
        if (s->ifaces[i].family == family &&
            strncmp(s->ifaces[i].ifname, ifname, IF_NAMESIZE) == 0)
            return &s->ifaces[i];
    return NULL;
}

const struct mc_querier_member *
mc_querier_iface_member(const struct mc_querier_iface *i,
                        const struct mc_addr *group)
{
    for (size_t k = 0; i != NULL && k < i->nmembers; k++)
        if (mc_addr_equal(&i->members[k].group, group))
            return &i->members[k];
    return NULL;
}

const struct mc_querier_query *
mc_querier_iface_last_query(const struct mc_querier_iface *i,
                            const struct mc_addr *group)
{
    for (size_t k = i != NULL ? i->nqueries : 0; k-- > 0;) {
        const struct mc_querier_query *e = &i->q[k];

        if (group == NULL || e->kind == MC_QUERY_GENERAL ||
            mc_addr_equal(&e->group, group))
            return e;
    }
    return NULL;
}
