/*
 * mcscope core: applying commands to the monitor — exec_line and apply
 * (each logged with its result), membership changes, `set` (on the
 * settings sockets and every running sender, read back), `cmsg`.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mcscope/sock.h"
#include "mcscope/sockopt.h"
#include "monitor_priv.h"

/* A refused line is quoted up to this many bytes in the log. */
#define QUOTE_MAX 120

static int slot_family(int slot)
{
    return slot == F6 ? AF_INET6 : AF_INET;
}

/* A command's canonical text (mc_cmd_format), for the log. */
static void cmd_text(const struct mc_cmd *cmd, char *buf, size_t len)
{
    if (mc_cmd_format(cmd, buf, len) < 0 && len > 0 && buf[0] == '\0')
        snprintf(buf, len, "%s", mc_cmd_verb_name(cmd));
}

/* Log a command's result: ok, or the error with its explanation. */
static int log_result(struct mc_monitor *m, const struct mc_cmd *cmd, int rc,
                      const struct mc_err *err)
{
    char text[MC_CMD_TEXT_MAX];
    struct mc_event ev = {
        .kind = rc == 0 ? MC_EV_OK : MC_EV_ERROR,
        .type = MC_ET_COMMAND,
        .verb = mc_cmd_verb_name(cmd),
        .result = rc,
        .detail = text,
    };

    cmd_text(cmd, text, sizeof text);
    if (rc < 0) {
        m->c.errors++;
        ev.why = err->msg[0] != '\0' ? err->msg : mc_strerror(rc);
    } else if ((cmd->kind == MC_CMD_ON || cmd->kind == MC_CMD_STOP_SEND) &&
               err->msg[0] != '\0') {
        ev.why = err->msg; /* the host's answer; the senders' replies */
    }
    m->cmd_seq = mc__log(m, &ev);
    return rc;
}

static bool is_join(enum mc_member_op op)
{
    return op == MC_OP_JOIN || op == MC_OP_JOIN_SOURCE;
}

static enum mc_binding wanted_binding(const struct mc_cmd_member *c)
{
    switch (c->bind) {
    case MC_CMD_BIND_ANY:
        return MC_BIND_ANY;
    case MC_CMD_BIND_WIRE:
        return MC_BIND_WIRE_ONLY;
    default:
        return MC_BIND_GROUP;
    }
}

/* How g is received now that L holds it; wire-only: the capture that
 * counts it, and the event that names the port's holder. */
static void note_binding(struct mc_monitor *m, struct group *g,
                         const struct listener *L)
{
    struct mc_event ev = {
        .kind = MC_EV_INFO,
        .type = MC_ET_WIRE_ONLY,
        .group = g->group,
        .port = g->port,
    };
    struct mc_err werr;
    enum mc_binding was = g->binding;

    g->binding = L->wire_only ? MC_BIND_WIRE_ONLY
                 : L->key.any ? MC_BIND_ANY
                              : MC_BIND_GROUP;
    g->holder_pid = L->holder_pid;
    memcpy(g->holder_comm, L->holder_comm, sizeof g->holder_comm);
    if (!L->wire_only || (was == MC_BIND_WIRE_ONLY && g->joined))
        return;
    ev.count = (uint64_t)(L->holder_pid > 0 ? L->holder_pid : 0);
    ev.flags = L->key.wire ? MC_EVF_ASKED : 0;
    ev.detail = L->holder_comm;
    if (mc__wire_watch(m, g, ev.ifname, &werr) < 0)
        ev.why = werr.msg;
    mc__log(m, &ev);
}

static int apply_member(struct mc_monitor *m, const struct mc_cmd_member *c,
                        struct mc_err *err)
{
    const struct mc_addr *src = c->source.family != 0 ? &c->source : NULL;
    bool pre_opened = false, any = false;
    struct listener *L;
    struct group *g;
    struct lkey k;
    unsigned ifindex = 0;
    int rc;

    /* A join takes descriptors (the interface lookup, a socket per group
     * and port): without them every step would fail with a text about
     * something else. */
    if (is_join(c->op)) {
        rc = mc__fd_headroom(m, err);
        if (rc < 0)
            return rc;
    }
    if (c->ifname[0] != '\0') {
        rc = mc_ifindex(c->ifname, &ifindex, err);
        if (rc < 0)
            return rc;
    }
    /* With pcap on, the capture opens before the join, so that it sees
     * the join's first report (the kernel sends it at once). */
    if (is_join(c->op))
        pre_opened = mc__wire_before_join(m, ifindex, c->ifname);
    /* The record: a join's by its `bind` (the wildcard's, or the one
     * bound to the group), the others' the one joined (or `bind` names).
     * A group joined keeps its binding (wire-only stays so); a new one is
     * passive (bound to the group) unless `bind any` asks for the
     * wildcard. */
    rc = mc__group_pick(m, c, ifindex, !is_join(c->op), &g, &any, err);
    if (rc < 0) {
        mc__wire_join_failed(m, pre_opened, ifindex);
        return rc;
    }
    mc__lkey_group(&k, &c->group, ifindex, c->port,
                   g != NULL && g->joined ? g->binding
                   : any                  ? MC_BIND_ANY
                                          : wanted_binding(c));
    L = mc__listener_find(m, &k);
    if (L == NULL && !is_join(c->op))
        /* No socket on that port: nothing there is joined.  The text is
         * the one the kernel's answer would get. */
        return mc_member_explain(EADDRNOTAVAIL, c->op, ifindex, &c->group, src,
                                 MC_MODE_NONE, err);
    if (L == NULL) {
        rc = mc__listener_open(m, &k, &L, err);
        if (rc == -EMFILE || rc == -ENFILE)
            rc = mc__fd_shortfall(m, rc, err);
        if (rc < 0) {
            mc__wire_join_failed(m, pre_opened, ifindex);
            return rc;
        }
    }
    rc = (c->force ? mc_listener_apply_forced : mc_listener_apply)(
        L->l, c->op, ifindex, &c->group, src, err);
    if (rc == 0) {
        g = mc__group_find(m, &c->group, ifindex, c->port, any,
                           !is_join(c->op));
        if (g == NULL && is_join(c->op))
            g = mc__group_new(m, &c->group, ifindex, c->ifname, c->port, any);
        if (g != NULL && is_join(c->op))
            note_binding(m, g, L);
        if (g != NULL) {
            bool was = g->joined;

            mc__group_record_member(g, c, mc__clock_ns(CLOCK_MONOTONIC));
            mc__wire_group_joined(m, g, was);
            if (!g->wired && mc__wire_covers(m, g))
                g->wired = true;
        } else if (is_join(c->op))
            mc__log(m, &(struct mc_event){.kind = MC_EV_INFO,
                                          .type = MC_ET_GROUP_NO_MEMORY});
    }
    if (rc < 0)
        mc__wire_join_failed(m, pre_opened, ifindex);
    /* A port with nothing joined needs no socket (and frees the port). */
    if (mc_listener_ngroups(L->l) == 0)
        mc__listener_close(m, L);
    else
        mc__listener_sync(m, L); /* it may have opened or closed one */
    m->last_hit = NULL;
    m->wire_hit = NULL;
    return rc;
}

/* Set one option on the settings socket of a family. */
static int set_family(struct mc_monitor *m, int slot,
                      const struct mc_sockopt *o, int value, struct mc_err *err)
{
    if (m->setfd[slot] < 0)
        return 0;
    return o->set(m->setfd[slot], value, err);
}

/* Every sending option of the table read back into the fields its row
 * names, for each family. */
static void read_back(struct mc_monitor *m)
{
    size_t n;
    const struct mc_sockopt *t = mc_sockopt_table(&n);

    for (int f = 0; f < NFAM; f++) {
        struct mc_family_settings *rb = &m->rb[f];
        int fd = m->setfd[f];

        memset(rb, 0, sizeof *rb);
        if (fd < 0)
            continue;
        rb->ok = true;
        for (size_t i = 0; i < n && rb->ok; i++) {
            int v = 0;

            if (t[i].readback.type == MC_FIELD_NONE)
                continue;
            rb->ok = t[i].get(fd, &v, NULL) == 0;
            if (rb->ok)
                mc_field_put(rb, t[i].readback, v);
        }
        if (rb->mcast_if != 0)
            mc_ifname(rb->mcast_if, rb->mcast_ifname, sizeof rb->mcast_ifname);
    }
}

static int set_multicast_all(struct mc_monitor *m, bool on, struct mc_err *err)
{
    struct mc_err undo;
    size_t i;
    int rc = 0;

    for (i = 0; i < m->nls && rc == 0; i++)
        rc = mc_listener_set_multicast_all(m->ls[i]->l, on, err);
    if (rc < 0) {
        while (i-- > 0)
            mc_listener_set_multicast_all(m->ls[i]->l, !on, &undo);
        return rc;
    }
    m->multicast_all = on;
    return 0;
}

/* A sending option: both families' settings sockets (IPv4 first: its
 * ranges are the narrower), then every running sender.  A refusal by
 * either family puts the other back (to the value it read back). */
static int set_send_option(struct mc_monitor *m, const struct mc_sockopt *o,
                           int value, struct mc_err *err)
{
    struct mc_err e2;
    int rc;

    rc = set_family(m, F4, o, value, err);
    if (rc == 0) {
        rc = set_family(m, F6, o, value, err);
        if (rc < 0)
            set_family(m, F4, o, mc_field_get(&m->rb[F4], o->readback), &e2);
    }
    if (rc < 0)
        return rc;
    for (int f = 0; f < NFAM; f++)
        mc_field_put(&m->env[f], o->env, value);
    for (size_t i = 0; i < m->nsnd; i++) {
        if (!mc_sender_running(m->snd[i].s))
            continue;
        if (mc_sender_set_option(m->snd[i].s, o->opt, value, &e2) < 0)
            mc__log(m, &(struct mc_event){.kind = MC_EV_INFO,
                                          .type = MC_ET_SEND_KEPT_OPTION,
                                          .detail = o->name,
                                          .why = e2.msg});
    }
    return 0;
}

/* set OPTION VALUE, by the option's row: a receive option on every
 * listener; a sending option checked (apply_min), its interface resolved,
 * set, and read back. */
static int apply_set(struct mc_monitor *m, const struct mc_cmd_set *c,
                     struct mc_err *err)
{
    const struct mc_sockopt *o = mc_sockopt_get(c->opt);
    unsigned ifindex = 0;
    int value = c->value;
    int rc;

    if (o == NULL)
        return mc_err_set(err, -EINVAL,
                          "? is not an option of a sending socket");
    if (o->where == MC_SOCKOPT_RECEIVE)
        return set_multicast_all(m, c->value != 0, err);
    rc = mc_sockopt_check_apply(o, c->value, err);
    if (rc < 0)
        return rc;
    if (o->value == MC_SOCKOPT_IFACE) {
        if (c->ifname[0] != '\0') {
            rc = mc_ifindex(c->ifname, &ifindex, err);
            if (rc < 0)
                return rc;
        }
        value = (int)ifindex;
    }
    rc = set_send_option(m, o, value, err);
    read_back(m);
    return rc;
}

/* analyze: every record of the group on the port (on the interface, when
 * named) reads its flows as asked from now on. */
static int apply_analyze(struct mc_monitor *m, const struct mc_cmd_analyze *a,
                         struct mc_err *err)
{
    unsigned ifindex = a->ifname[0] != '\0' ? if_nametoindex(a->ifname) : 0;
    char g[MC_ADDR_STRLEN];
    size_t hit = 0;

    if (a->ifname[0] != '\0' && ifindex == 0)
        return mc_err_set(err, -ENODEV,
                          "analyze: no interface %s: list them with 'ip link'",
                          a->ifname);
    for (size_t i = 0; i < m->ng; i++) {
        struct group *x = m->g[i];
        int64_t gap;

        if (!mc_addr_equal(&x->group, &a->group) || x->port != a->port ||
            (ifindex != 0 && x->ifindex != ifindex) || x->stats == NULL)
            continue;
        gap = a->gap_given ? (int64_t)a->gap_ms * 1000000
                           : mc_group_stats_gap_ns(x->stats);
        mc_group_stats_set_analysis(x->stats, &a->cfg, gap);
        hit++;
    }
    if (hit == 0)
        return mc_err_set(err, -ENOENT,
                          "analyze: no group %s port %u has been joined: join "
                          "it first, then analyze",
                          mc_addr_format(&a->group, g, sizeof g),
                          (unsigned)a->port);
    return 0;
}

static int apply_cmsg(struct mc_monitor *m, const struct mc_cmd_cmsg *c,
                      struct mc_err *err)
{
    /* PKTINFO stays on whatever the user says: attribution needs it. */
    unsigned flag = c->on ? c->flag : c->flag & ~(MC_CM_DST | MC_CM_IFACE);
    struct mc_err undo;
    size_t i;
    int rc = 0;

    for (i = 0; i < m->nls && rc == 0; i++) {
        unsigned f = flag & mc__cm_family_mask(m->ls[i]->family);

        if (f != 0)
            rc = mc_listener_set_cm_flags(m->ls[i]->l, f, c->on, err);
    }
    if (rc < 0) {
        while (i-- > 0) {
            unsigned f = flag & mc__cm_family_mask(m->ls[i]->family);

            if (f != 0)
                mc_listener_set_cm_flags(m->ls[i]->l, f, !c->on, &undo);
        }
        return rc;
    }
    if (c->on)
        m->cm_user |= c->flag;
    else
        m->cm_user &= ~c->flag;
    return 0;
}

void mc_monitor_set_hosts(struct mc_monitor *m, mc_monitor_host_fn fn,
                          void *arg)
{
    m->host_fn = fn;
    m->host_arg = arg;
}

/* on HOST COMMAND: the host handler runs it; without one there is no
 * other host to speak to. */
static int apply_on(struct mc_monitor *m, const struct mc_cmd_on *c,
                    struct mc_err *err)
{
    char reply[sizeof err->msg];
    int rc;

    if (m->host_fn == NULL)
        return mc_err_set(err, -EHOSTUNREACH,
                          "there is no host %s here: on HOST speaks to the "
                          "hosts of mcscope --lab (on s1 ..., on s2 ...); "
                          "elsewhere run the command in that host's "
                          "mcscope (mcscope -e '%s')",
                          c->host, c->command);
    reply[0] = '\0';
    rc = m->host_fn(m->host_arg, c->host, c->command, reply, sizeof reply);
    if (rc < 0)
        return mc_err_set(err, rc, "%s", reply[0] != '\0' ? reply : "failed");
    snprintf(err->msg, sizeof err->msg, "%s", reply);
    return 0;
}

int mc_monitor_apply(struct mc_monitor *m, const struct mc_cmd *cmd,
                     struct mc_err *err)
{
    struct mc_err local;
    int rc = 0;

    if (err == NULL)
        err = &local;
    mc_err_clear(err);
    if (m == NULL || cmd == NULL)
        return mc_err_set(err, -EINVAL, "no monitor or command");
    m->cmd_seq = 0;
    switch (cmd->kind) {
    case MC_CMD_NONE:
        return 0;
    case MC_CMD_MEMBER:
        rc = apply_member(m, &cmd->member, err);
        break;
    case MC_CMD_SET:
        rc = apply_set(m, &cmd->set, err);
        break;
    case MC_CMD_CMSG:
        rc = apply_cmsg(m, &cmd->cmsg, err);
        break;
    case MC_CMD_PCAP:
        rc = mc__wire_pcap(m, &cmd->pcap, err);
        break;
    case MC_CMD_LISTENERS:
    case MC_CMD_DISCOVER:
    case MC_CMD_SAP:
        /* X on [dev IFACE] captures as pcap on [dev IFACE] does */
        rc = cmd->link.on ? mc__wire_pcap(m, &cmd->link, err) : 0;
        if (rc == 0)
            rc = mc__link_watch(m, cmd->kind, &cmd->link, err);
        break;
    case MC_CMD_HOOK:
        rc = mc__link_hook(m, &cmd->hook, err);
        break;
    case MC_CMD_DIAGNOSE:
        rc = mc__diag_apply(m, &cmd->diag, err);
        break;
    case MC_CMD_SEND:
        rc = mc__send_apply(m, &cmd->send, err);
        break;
    case MC_CMD_STOP_SEND:
        rc = mc__send_stop(m, &cmd->stop, err);
        break;
    case MC_CMD_RESET:
        rc = mc__monitor_reset(m, &cmd->reset, err);
        break;
    case MC_CMD_WAIT:
        break; /* timing is the script runner's */
    case MC_CMD_ANALYZE:
        rc = apply_analyze(m, &cmd->analyze, err);
        break;
    case MC_CMD_ON:
        rc = apply_on(m, &cmd->on, err);
        break;
    case MC_CMD_REFLECT:
        rc = mc__reflect_apply(m, &cmd->link, err);
        break;
    case MC_CMD_TCP_LISTEN:
    case MC_CMD_TCP_CONNECT:
        rc = mc__tcp_apply(m, cmd, err);
        break;
    case MC_CMD_ECHO:
        m->c.commands++;
        m->cmd_seq = mc__log(m, &(struct mc_event){.kind = MC_EV_ECHO,
                                                   .type = MC_ET_ECHO,
                                                   .detail = cmd->echo});
        return 0;
    default:
        return mc_err_set(err, -EINVAL, "unknown command kind %d",
                          (int)cmd->kind);
    }
    m->c.commands++;
    log_result(m, cmd, rc, err);
    /* After the command's own entry: the senders it ended (stop-send,
     * or a send whose count was 1), the captures it opened or closed. */
    mc__send_log_ended(m);
    if (cmd->kind != MC_CMD_MEMBER)
        m->wire_dirty = true; /* a member command said what it changed */
    mc__wire_sync(m);
    return rc;
}

/* Quote a line for the log: printable ASCII, cut to QUOTE_MAX bytes. */
static void quote_line(const char *line, char *out, size_t len)
{
    size_t i, o = 0;

    for (i = 0; line[i] != '\0' && o + 4 < len && i < QUOTE_MAX; i++) {
        unsigned char ch = (unsigned char)line[i];

        if (ch == '\n' || ch == '\r')
            continue;
        out[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
    }
    if (line[i] != '\0' && o + 4 <= len) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
}

int mc_monitor_exec_line(struct mc_monitor *m, const char *line,
                         struct mc_err *err)
{
    struct mc_err local;
    struct mc_cmd cmd;
    char q[QUOTE_MAX + 8];
    int rc;

    if (err == NULL)
        err = &local;
    if (m == NULL || line == NULL)
        return mc_err_set(err, -EINVAL, "no monitor or line");
    rc = mc_cmd_parse(line, &cmd, err);
    if (rc < 0) {
        quote_line(line, q, sizeof q);
        m->c.refused++;
        m->cmd_seq = mc__log(m, &(struct mc_event){.kind = MC_EV_REFUSED,
                                                   .type = MC_ET_REFUSED,
                                                   .detail = q,
                                                   .why = err->msg});
        return rc;
    }
    return mc_monitor_apply(m, &cmd, err);
}

/* The settings sockets: one per family, unbound.  A family the kernel
 * lacks is skipped (its settings read "not available"). */
int mc__settings_open(struct mc_monitor *m, struct mc_err *err)
{
    int opened = 0;

    for (int f = 0; f < NFAM; f++) {
        struct mc_err e2;

        m->setfd[f] = mc_sock_open_udp(slot_family(f), &e2);
        if (m->setfd[f] >= 0)
            opened++;
        else if (f == F4)
            *err = e2;
        mc_sender_env_init(&m->env[f]);
    }
    if (opened == 0)
        return err->code != 0 ? err->code : -EAFNOSUPPORT;
    read_back(m);
    return 0;
}
