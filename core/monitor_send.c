/*
 * mcscope core: the monitor's senders (send.h) — send and stop-send,
 * running them when due, their ends in the event log.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "monitor_priv.h"

/* Finished senders kept for the views. */
#define FINISHED_SENDERS_KEPT 64

/* Drop the oldest finished senders (their end logged) beyond
 * FINISHED_SENDERS_KEPT. */
static void prune_senders(struct mc_monitor *m)
{
    size_t finished = 0;

    for (size_t i = 0; i < m->nsnd; i++)
        finished += m->snd[i].end_logged;
    for (size_t i = 0; i < m->nsnd && finished > FINISHED_SENDERS_KEPT;) {
        if (!m->snd[i].end_logged) {
            i++;
            continue;
        }
        mc_sender_free(m->snd[i].s);
        memmove(&m->snd[i], &m->snd[i + 1],
                (m->nsnd - i - 1) * sizeof m->snd[0]);
        m->nsnd--;
        finished--;
    }
}

static bool same_target(const struct mc_sender_info *a,
                        const struct mc_cmd_send *c)
{
    return mc_addr_equal(&a->group, &c->group) && a->port == c->port &&
           strcmp(a->ifname, c->ifname) == 0;
}

int mc__send_apply(struct mc_monitor *m, const struct mc_cmd_send *c,
                   struct mc_err *err)
{
    struct mc_send_args args;
    struct mc_sender_info si;
    struct sender_slot *slots;
    struct mc_sender *s;
    char g[MC_ADDR_STRLEN];
    int64_t now = mc__clock_ns(CLOCK_MONOTONIC);
    int rc;

    for (size_t i = 0; i < m->nsnd; i++) {
        mc_sender_get(m->snd[i].s, &si);
        if (si.running && same_target(&si, c))
            return mc_err_set(err, -EBUSY,
                              "a sender to %s port %u is already running: "
                              "stop-send %s first",
                              mc_addr_format(&c->group, g, sizeof g),
                              (unsigned)c->port, g);
    }
    if (m->setfd[fam_slot(c->group.family)] < 0)
        return mc_err_set(err, -EAFNOSUPPORT,
                          "%s is not available here: send to a group of the "
                          "other family",
                          mc_family_name(c->group.family));
    slots = mc__grown(m->snd, &m->capsnd, m->nsnd, sizeof *m->snd);
    if (slots == NULL)
        return mc_err_set(err, -ENOMEM, "out of memory for a sender");
    m->snd = slots;
    mc_send_args_from_cmd(c, &args);
    rc = mc_sender_new(&args, &m->env[fam_slot(c->group.family)], now, &s, err);
    if (rc < 0)
        return rc;
    /* The first packet goes now, so that a refusal (no route, a firewall)
     * answers the command itself. */
    rc = mc_sender_run(s, now, err);
    if (rc < 0) {
        mc_sender_free(s);
        return rc;
    }
    m->snd[m->nsnd].s = s;
    m->snd[m->nsnd].end_logged = false;
    m->nsnd++;
    prune_senders(m);
    return 0;
}

static void log_sender_end(struct mc_monitor *m, const struct mc_sender *s)
{
    struct mc_sender_info si;
    struct mc_event ev = {.kind = MC_EV_INFO, .type = MC_ET_SEND_END};

    mc_sender_get(s, &si);
    ev.group = si.group;
    ev.port = si.port;
    ev.count = si.sent;
    if (si.error != 0) {
        m->c.errors++;
        ev.kind = MC_EV_ERROR;
        ev.result = si.error < 0 ? si.error : -si.error;
        ev.why = si.error_text;
    } else if (si.stopped) {
        ev.flags = MC_EVF_STOPPED;
    } else if (si.pathmtu > 0) {
        ev.why = si.error_text; /* dontfrag: the path MTU */
    }
    mc__log(m, &ev);
}

/* A stopped sender's replies (reflect.h), added to err's text: what
 * `on s1 stop-send` answers. */
static void replies_said(struct mc_sender *s, struct mc_err *err)
{
    struct mc_sender_info si;
    size_t n = strlen(err->msg);
    char g[MC_ADDR_STRLEN];

    mc_sender_read_replies(s);
    mc_sender_get(s, &si);
    if (si.replies.n == 0 || n + 1 >= sizeof err->msg)
        return;
    snprintf(err->msg + n, sizeof err->msg - n,
             "%s%s port %u: %llu sent, %llu replies, round trip min %.3f "
             "avg %.3f max %.3f ms",
             n > 0 ? "; " : "", mc_addr_format(&si.group, g, sizeof g),
             (unsigned)si.port, (unsigned long long)si.sent,
             (unsigned long long)si.replies.n, si.replies.min_ns / 1e6,
             mc_rtt_avg_ns(&si.replies) / 1e6, si.replies.max_ns / 1e6);
}

int mc__send_stop(struct mc_monitor *m, const struct mc_cmd_stop_send *c,
                  struct mc_err *err)
{
    struct mc_sender_info si;
    char g[MC_ADDR_STRLEN];
    int64_t now = mc__clock_ns(CLOCK_MONOTONIC);
    size_t stopped = 0;

    for (size_t i = 0; i < m->nsnd; i++) {
        mc_sender_get(m->snd[i].s, &si);
        if (!si.running)
            continue;
        if (c->group.family != 0 && !mc_addr_equal(&si.group, &c->group))
            continue;
        mc_sender_stop(m->snd[i].s, now);
        stopped++;
        replies_said(m->snd[i].s, err);
    }
    if (stopped == 0) {
        if (c->group.family == 0)
            return mc_err_set(err, -ESRCH, "no sender is running");
        return mc_err_set(err, -ESRCH,
                          "no sender to %s is running: stop-send without a "
                          "group stops every sender",
                          mc_addr_format(&c->group, g, sizeof g));
    }
    return 0;
}

/* Log the end of every sender that ended and is not in the log yet:
 * done, stopped or failed.  Returns whether it logged one. */
bool mc__send_log_ended(struct mc_monitor *m)
{
    bool any = false;

    for (size_t i = 0; i < m->nsnd; i++) {
        if (m->snd[i].end_logged || mc_sender_running(m->snd[i].s))
            continue;
        log_sender_end(m, m->snd[i].s);
        m->snd[i].end_logged = true;
        any = true;
    }
    return any;
}

int mc__send_run(struct mc_monitor *m, int64_t now)
{
    int flags = 0;
    struct mc_err err;

    for (size_t i = 0; i < m->nsnd; i++) {
        struct mc_sender *s = m->snd[i].s;
        int rc;

        if (mc_sender_read_replies(s) > 0)
            flags |= MC_MON_PACKETS;
        if (!mc_sender_running(s) || mc_sender_next_ns(s) > now)
            continue;
        rc = mc_sender_run(s, now, &err);
        if (rc > 0)
            flags |= MC_MON_PACKETS;
    }
    if (mc__send_log_ended(m))
        flags |= MC_MON_EVENTS;
    return flags;
}

size_t mc_monitor_nsenders(const struct mc_monitor *m)
{
    return m->nsnd;
}

int mc_monitor_sender(const struct mc_monitor *m, size_t i,
                      struct mc_sender_info *out)
{
    if (i >= m->nsnd)
        return -ENOENT;
    mc_sender_get(m->snd[i].s, out);
    return 0;
}

size_t mc_monitor_senders_running(const struct mc_monitor *m)
{
    size_t n = 0;

    for (size_t i = 0; i < m->nsnd; i++)
        n += mc_sender_running(m->snd[i].s);
    return n;
}

int64_t mc__send_next_ns(const struct mc_monitor *m)
{
    int64_t t = INT64_MAX;

    for (size_t i = 0; i < m->nsnd; i++) {
        int64_t s = mc_sender_next_ns(m->snd[i].s);

        if (s < t)
            t = s;
    }
    return t;
}

void mc__send_free(struct mc_monitor *m)
{
    for (size_t i = 0; i < m->nsnd; i++)
        mc_sender_free(m->snd[i].s);
    free(m->snd);
}
