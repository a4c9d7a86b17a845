/*
 * mcscope core: the streams seen on a link (discover.h).
 */
#include "mcscope/discover.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mcscope/clock.h"

struct mc_discover {
    struct mc_stream_view *v;
    size_t n, max;
    size_t last; /* the row of the last datagram: bursts are of one */
    struct mc_discover_other other;
};

int mc_discover_new(size_t max, struct mc_discover **out)
{
    struct mc_discover *d = calloc(1, sizeof *d);

    *out = NULL;
    if (d == NULL)
        return -ENOMEM;
    d->max = max != 0 ? max : MC_DISCOVER_MAX_DEFAULT;
    d->v = calloc(d->max, sizeof *d->v);
    if (d->v == NULL) {
        free(d);
        return -ENOMEM;
    }
    *out = d;
    return 0;
}

void mc_discover_free(struct mc_discover *d)
{
    if (d == NULL)
        return;
    free(d->v);
    free(d);
}

void mc_discover_forget(struct mc_discover *d, const char *ifname)
{
    size_t k = 0;

    for (size_t i = 0; i < d->n; i++)
        if (ifname[0] != '\0' &&
            strncmp(d->v[i].ifname, ifname, IF_NAMESIZE) != 0)
            d->v[k++] = d->v[i];
    d->n = k;
    d->last = 0;
    if (ifname[0] == '\0')
        memset(&d->other, 0, sizeof d->other);
}

static bool is(const struct mc_stream_view *v, const char *ifname,
               const struct mc_addr *group, uint16_t port,
               const struct mc_addr *source)
{
    return v->port == port && mc_addr_equal(&v->group, group) &&
           mc_addr_equal(&v->source, source) &&
           strncmp(v->ifname, ifname, IF_NAMESIZE) == 0;
}

bool mc_discover_feed(struct mc_discover *d, const char *ifname,
                      const struct mc_addr *group, uint16_t port,
                      const struct mc_addr *source, size_t len, int64_t now_ns)
{
    struct mc_stream_view *v = NULL;
    bool fresh = false;

    if (d->last < d->n && is(&d->v[d->last], ifname, group, port, source))
        v = &d->v[d->last];
    for (size_t i = 0; v == NULL && i < d->n; i++)
        if (is(&d->v[i], ifname, group, port, source)) {
            v = &d->v[i];
            d->last = i;
        }
    if (v == NULL) {
        if (d->n == d->max) {
            d->other.packets++;
            d->other.bytes += len;
            return false;
        }
        d->last = d->n;
        v = &d->v[d->n++];
        memset(v, 0, sizeof *v);
        snprintf(v->ifname, sizeof v->ifname, "%s", ifname);
        v->group = *group;
        v->source = *source;
        v->port = port;
        v->first_ns = now_ns;
        fresh = true;
    }
    v->packets++;
    v->bytes += len;
    v->last_ns = now_ns;
    return fresh;
}

size_t mc_discover_count(const struct mc_discover *d)
{
    return d->n;
}

int mc_discover_get(const struct mc_discover *d, size_t i,
                    struct mc_stream_view *out)
{
    if (i >= d->n)
        return -ENOENT;
    *out = d->v[i];
    return 0;
}

void mc_discover_other(const struct mc_discover *d,
                       struct mc_discover_other *out)
{
    *out = d->other;
}

bool mc_stream_pps(const struct mc_stream_view *v, double *pps)
{
    double span = (double)(v->last_ns - v->first_ns) / (double)MC_NS_PER_S;

    if (v->packets < 2 || span <= 0)
        return false;
    *pps = (double)(v->packets - 1) / span;
    return true;
}
