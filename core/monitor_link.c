/*
 * mcscope core: the monitor's view of the link (listeners.h) — which
 * interfaces `listeners on` takes reports from, the table fed by the wire
 * check's MLD/IGMP messages, its aging, and the on-listener hooks.
 *
 * `listeners on` takes the reports of every capture (captures open on the
 * interfaces of joined groups, as `pcap on`); `listeners on dev IFACE`
 * also opens a capture on IFACE (as `pcap on dev IFACE`) and takes its
 * reports even after a plain `listeners off dev` of another one.
 * `listeners off dev IFACE` forgets IFACE's entries and ignores its
 * reports; `listeners off` forgets every entry.  Captures stay open until
 * `pcap off`.
 *
 * A hook's command runs after the frames of one wake-up were read, never
 * inside a capture's read (a command may open or close captures).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "monitor_priv.h"

#define LINK_IFACES 16
#define LINK_HOOKS 32
#define LINK_PENDING 32

/* A set of interface names. */
struct ifset {
    char name[LINK_IFACES][IF_NAMESIZE];
    size_t n;
};

struct mc__link {
    struct mc_listeners *ls;
    bool all;         /* listeners on */
    struct ifset on;  /* listeners on dev */
    struct ifset off; /* listeners off dev */
    struct mc_cmd_hook hooks[LINK_HOOKS];
    size_t nhooks;
    char pending[LINK_PENDING][MC_CMD_ECHO_MAX];
    size_t npending;
    uint64_t hooks_lost; /* pending queue full */
};

/* ---- interface sets ---- */

static bool in_set(const struct ifset *s, const char *ifname)
{
    for (size_t i = 0; i < s->n; i++)
        if (strncmp(s->name[i], ifname, IF_NAMESIZE) == 0)
            return true;
    return false;
}

static void set_del(struct ifset *s, const char *ifname)
{
    for (size_t i = 0; i < s->n; i++)
        if (strncmp(s->name[i], ifname, IF_NAMESIZE) == 0) {
            memmove(s->name[i], s->name[i + 1],
                    (s->n - i - 1) * sizeof s->name[0]);
            s->n--;
            return;
        }
}

/* false: full */
static bool set_add(struct ifset *s, const char *ifname)
{
    if (in_set(s, ifname))
        return true;
    if (s->n == LINK_IFACES)
        return false;
    memcpy(s->name[s->n++], ifname, IF_NAMESIZE);
    return true;
}

static bool takes(const struct mc__link *k, const char *ifname)
{
    return in_set(&k->on, ifname) || (k->all && !in_set(&k->off, ifname));
}

/* ---- events and hooks ---- */

static void queue_hooks(struct mc_monitor *m, const struct mc_event *ev)
{
    struct mc__link *k = m->link;
    bool last = ev->type == MC_ET_LISTENER_LAST;

    for (size_t i = 0; i < k->nhooks; i++) {
        const struct mc_cmd_hook *h = &k->hooks[i];

        if (h->last != last || !mc_addr_equal(&h->group, &ev->group) ||
            (h->ifname[0] != '\0' &&
             strncmp(h->ifname, ev->ifname, IF_NAMESIZE) != 0))
            continue;
        if (k->npending == LINK_PENDING) {
            k->hooks_lost++;
            continue;
        }
        memcpy(k->pending[k->npending++], h->command, MC_CMD_ECHO_MAX);
    }
}

static void on_event(void *arg, const struct mc_event *ev)
{
    struct mc_monitor *m = arg;

    mc__log(m, ev);
    if (ev->type == MC_ET_LISTENER_FIRST || ev->type == MC_ET_LISTENER_LAST)
        queue_hooks(m, ev);
}

int mc__link_new(struct mc_monitor *m, struct mc_err *err)
{
    struct mc_listeners_opts o = {.event = on_event, .arg = m};

    m->link = calloc(1, sizeof *m->link);
    if (m->link == NULL || mc_listeners_new(&o, &m->link->ls) < 0) {
        free(m->link);
        m->link = NULL;
        return mc_err_set(err, -ENOMEM, "out of memory for a monitor");
    }
    return 0;
}

void mc__link_free(struct mc_monitor *m)
{
    if (m->link == NULL)
        return;
    mc_listeners_free(m->link->ls);
    free(m->link);
    m->link = NULL;
}

/* A message the wire check decoded (wirecheck.h's ops->msg). */
void mc__link_wire_msg(struct mc_monitor *m, const char *ifname,
                       const struct mc_wire_pkt *p, int64_t mono_ns)
{
    if (m->link == NULL || !takes(m->link, ifname))
        return;
    mc_listeners_feed(m->link->ls, ifname, &p->src, p->dir == MC_WIRE_DIR_OUT,
                      &p->msg, mono_ns);
}

int mc__link_listeners(struct mc_monitor *m, const struct mc_cmd_pcap *c,
                       struct mc_err *err)
{
    struct mc__link *k = m->link;

    if (!c->on) {
        if (c->ifname[0] == '\0') {
            k->all = false;
            k->on.n = k->off.n = 0;
        } else {
            set_del(&k->on, c->ifname);
            if (!set_add(&k->off, c->ifname))
                return mc_err_set(err, -ENOSPC,
                                  "listeners off dev %s: at most %d "
                                  "interfaces are named: use listeners off",
                                  c->ifname, LINK_IFACES);
        }
        mc_listeners_forget(k->ls, c->ifname);
        return 0;
    }
    if (c->ifname[0] != '\0' && !in_set(&k->on, c->ifname) &&
        k->on.n == LINK_IFACES)
        return mc_err_set(err, -ENOSPC,
                          "listeners on dev %s: at most %d interfaces are "
                          "named: use listeners on for every capture",
                          c->ifname, LINK_IFACES);
    {
        int rc = mc__wire_pcap(m, c, err);

        if (rc < 0)
            return rc;
    }
    if (c->ifname[0] == '\0') {
        k->all = true;
        k->off.n = 0;
    } else {
        set_del(&k->off, c->ifname);
        set_add(&k->on, c->ifname);
    }
    return 0;
}

int mc__link_hook(struct mc_monitor *m, const struct mc_cmd_hook *h,
                  struct mc_err *err)
{
    struct mc__link *k = m->link;

    for (size_t i = 0; i < k->nhooks; i++) {
        struct mc_cmd_hook *o = &k->hooks[i];

        if (o->last != h->last || !mc_addr_equal(&o->group, &h->group) ||
            strncmp(o->ifname, h->ifname, IF_NAMESIZE) != 0)
            continue;
        if (h->command[0] == '\0') {
            memmove(&k->hooks[i], &k->hooks[i + 1],
                    (k->nhooks - i - 1) * sizeof k->hooks[0]);
            k->nhooks--;
        } else
            *o = *h;
        return 0;
    }
    if (h->command[0] == '\0')
        return mc_err_set(err, -ENOENT,
                          "no such hook to remove: list them in the "
                          "listeners view");
    if (k->nhooks == LINK_HOOKS)
        return mc_err_set(err, -ENOSPC,
                          "at most %d hooks: remove one with on-listener "
                          "GROUP first|last none",
                          LINK_HOOKS);
    k->hooks[k->nhooks++] = *h;
    return 0;
}

/* After a wake-up's reads: age the table, run the hooks it queued. */
void mc__link_step(struct mc_monitor *m, int64_t now_ns)
{
    struct mc__link *k = m->link;
    char cmds[LINK_PENDING][MC_CMD_ECHO_MAX];
    size_t n;

    if (k == NULL)
        return;
    mc_listeners_expire(k->ls, now_ns);
    n = k->npending;
    memcpy(cmds, k->pending, n * sizeof cmds[0]);
    k->npending = 0;
    for (size_t i = 0; i < n; i++)
        mc_monitor_exec_line(m, cmds[i], NULL); /* logs what it did */
}

int64_t mc__link_next_ns(const struct mc_monitor *m)
{
    if (m->link == NULL)
        return INT64_MAX;
    return m->link->npending > 0 ? 0 : mc_listeners_next_ns(m->link->ls);
}

/* ---- views ---- */

bool mc_monitor_listeners_on(const struct mc_monitor *m)
{
    return m->link != NULL && (m->link->all || m->link->on.n > 0);
}

size_t mc_monitor_nlisteners(const struct mc_monitor *m)
{
    return m->link != NULL ? mc_listeners_count(m->link->ls) : 0;
}

int mc_monitor_listener(const struct mc_monitor *m, size_t i,
                        struct mc_listener_view *out)
{
    if (m->link == NULL)
        return -ENOENT;
    return mc_listeners_get(m->link->ls, i, out);
}

const struct mc_listeners *mc_monitor_listeners(const struct mc_monitor *m)
{
    return m->link != NULL ? m->link->ls : NULL;
}

size_t mc_monitor_nhooks(const struct mc_monitor *m)
{
    return m->link != NULL ? m->link->nhooks : 0;
}

int mc_monitor_hook(const struct mc_monitor *m, size_t i,
                    struct mc_cmd_hook *out)
{
    if (m->link == NULL || i >= m->link->nhooks)
        return -ENOENT;
    *out = m->link->hooks[i];
    return 0;
}
