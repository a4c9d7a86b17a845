/*
 * mcscope core: the sessions SAP announces (sap.h) — keyed by origin and
 * message id hash (RFC 2974 §5), bounded, aged by RFC 2974 §4.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/clock.h"
#include "mcscope/addr.h"
#include "mcscope/sap.h"

struct mc_sap_table {
    struct mc_sap_session *s;
    size_t n, max;
    struct mc_sap_counters c;
};

int mc_sap_table_new(size_t max, struct mc_sap_table **out)
{
    struct mc_sap_table *t = calloc(1, sizeof *t);

    *out = NULL;
    if (t == NULL)
        return -ENOMEM;
    t->max = max != 0 ? max : MC_SAP_SESSIONS_MAX;
    t->s = calloc(t->max, sizeof *t->s);
    if (t->s == NULL) {
        free(t);
        return -ENOMEM;
    }
    *out = t;
    return 0;
}

void mc_sap_table_free(struct mc_sap_table *t)
{
    if (t == NULL)
        return;
    free(t->s);
    free(t);
}

void mc_sap_table_clear(struct mc_sap_table *t)
{
    t->n = 0;
}

void mc_sap_table_forget(struct mc_sap_table *t, const char *ifname)
{
    size_t k = 0;

    for (size_t i = 0; i < t->n; i++)
        if (strncmp(t->s[i].ifname, ifname, IF_NAMESIZE) != 0)
            t->s[k++] = t->s[i];
    t->n = k;
}

/* RFC 2974 §4: ten announcement intervals or an hour, the greater. */
static int64_t timeout_ns(const struct mc_sap_session *s)
{
    int64_t t = 10 * s->interval_ns, min = MC_SAP_TIMEOUT_MIN_S * MC_NS_PER_S;

    return t > min ? t : min;
}

static struct mc_sap_session *find(struct mc_sap_table *t, const char *ifname,
                                   const struct mc_addr *origin, uint16_t id)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->s[i].msg_id_hash == id &&
            mc_addr_equal(&t->s[i].origin, origin) &&
            strncmp(t->s[i].ifname, ifname, IF_NAMESIZE) == 0)
            return &t->s[i];
    return NULL;
}

static void remove_at(struct mc_sap_table *t, size_t i)
{
    memmove(&t->s[i], &t->s[i + 1], (t->n - i - 1) * sizeof t->s[0]);
    t->n--;
}

static bool same_sdp(const struct mc_sdp *a, const struct mc_sdp *b)
{
    if (strcmp(a->name, b->name) != 0 || strcmp(a->origin, b->origin) != 0 ||
        strcmp(a->media, b->media) != 0 ||
        !mc_addr_equal(&a->group, &b->group) || a->port != b->port ||
        a->exclude != b->exclude || a->nsources != b->nsources)
        return false;
    for (size_t i = 0; i < a->nsources; i++)
        if (!mc_addr_equal(&a->sources[i], &b->sources[i]))
            return false;
    return true;
}

enum mc_sap_change mc_sap_table_feed(struct mc_sap_table *t, const char *ifname,
                                     const uint8_t *b, size_t len,
                                     int64_t now_ns, struct mc_sap_session *out,
                                     const char **why)
{
    struct mc_sap_msg msg;
    struct mc_sap_session *s;
    struct mc_sdp sdp;

    t->c.packets++;
    if (mc_sap_parse(b, len, &msg, why) < 0) {
        t->c.refused++;
        return MC_SAP_NONE;
    }
    s = find(t, ifname, &msg.origin, msg.msg_id_hash);
    if (msg.deletion) {
        t->c.deletions++;
        if (s == NULL)
            return MC_SAP_NONE;
        if (out != NULL)
            *out = *s;
        remove_at(t, (size_t)(s - t->s));
        return MC_SAP_DELETED;
    }
    if (mc_sdp_parse((const char *)msg.payload, msg.payload_len, &sdp, why) <
        0) {
        t->c.refused++;
        return MC_SAP_NONE;
    }
    if (s == NULL) {
        if (t->n == t->max) {
            t->c.dropped++;
            return MC_SAP_FULL;
        }
        s = &t->s[t->n++];
        memset(s, 0, sizeof *s);
        snprintf(s->ifname, sizeof s->ifname, "%s", ifname);
        s->origin = msg.origin;
        s->msg_id_hash = msg.msg_id_hash;
        s->sdp = sdp;
        s->first_ns = s->last_ns = now_ns;
        s->announcements = 1;
        s->expires_ns = now_ns + timeout_ns(s);
        if (out != NULL)
            *out = *s;
        return MC_SAP_NEW;
    }
    {
        bool changed = !same_sdp(&s->sdp, &sdp);

        s->sdp = sdp;
        s->interval_ns = now_ns - s->last_ns;
        s->last_ns = now_ns;
        s->announcements++;
        s->expires_ns = now_ns + timeout_ns(s);
        if (out != NULL)
            *out = *s;
        return changed ? MC_SAP_CHANGED : MC_SAP_REFRESH;
    }
}

size_t mc_sap_table_expire(struct mc_sap_table *t, int64_t now_ns)
{
    size_t gone = 0;

    for (size_t i = 0; i < t->n;)
        if (t->s[i].expires_ns <= now_ns) {
            remove_at(t, i);
            gone++;
        } else
            i++;
    t->c.expired += gone;
    return gone;
}

int64_t mc_sap_table_next_ns(const struct mc_sap_table *t)
{
    int64_t next = INT64_MAX;

    for (size_t i = 0; i < t->n; i++)
        if (t->s[i].expires_ns < next)
            next = t->s[i].expires_ns;
    return next;
}

size_t mc_sap_table_count(const struct mc_sap_table *t)
{
    return t->n;
}

int mc_sap_table_get(const struct mc_sap_table *t, size_t i,
                     struct mc_sap_session *out)
{
    if (i >= t->n)
        return -ENOENT;
    *out = t->s[i];
    return 0;
}

void mc_sap_table_counters(const struct mc_sap_table *t,
                           struct mc_sap_counters *out)
{
    *out = t->c;
}

int mc_sap_join_command(const struct mc_sap_session *s, char *buf, size_t len)
{
    char g[MC_ADDR_STRLEN], src[MC_ADDR_STRLEN], dev[IF_NAMESIZE + 8] = "";
    struct mc_group_info info;
    const struct mc_sdp *d = &s->sdp;
    int n;

    mc_group_classify(&d->group, &info);
    mc_addr_format(&d->group, g, sizeof g);
    if (s->ifname[0] != '\0')
        snprintf(dev, sizeof dev, " dev %s", s->ifname);
    if (!d->exclude && d->nsources > 0)
        n = snprintf(buf, len, "join-source %s %s%s port %u", g,
                     mc_addr_format(&d->sources[0], src, sizeof src), dev,
                     (unsigned)d->port);
    else if (info.ssm)
        return -EINVAL; /* RFC 4607: no any-source join there */
    else /* an excl filter: any source first; exclude-source follows */
        n = snprintf(buf, len, "join %s%s port %u", g, dev, (unsigned)d->port);
    return n < 0 || (size_t)n >= len ? -ENOSPC : n;
}
