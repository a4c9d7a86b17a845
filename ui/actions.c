/*
 * mcscope ui: what the key table's bindings do.
 *
 * A command binding's line is filled from the selection — the selected
 * group, its interface and port, the selected source (or the group's
 * only listed source) — and offered at the prompt with the cursor where
 * the missing word goes.  Handlers return reactions (screen.h): steps
 * (hop limit, traffic class, loopback, wire) ask ui.c to run their line
 * at once.  Nothing here changes the monitor: every change is a command
 * line that ui.c runs (exec.c).
 */
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "mcscope/sockopt.h"
#include "columns.h"
#include "screen.h"

/*
 * An interface to offer when no group is selected: the multicast
 * interface set with "set mcast-if", else the first interface that is up,
 * multicast-capable and not loopback.  "" when there is none.
 */
static void default_iface(const struct ui_ctx *c, char *buf, size_t len)
{
    struct mc_monitor_settings s;

    buf[0] = '\0';
    mc_monitor_settings(c->m, &s);
    if (s.v6.mcast_ifname[0] != '\0' || s.v4.mcast_ifname[0] != '\0') {
        snprintf(buf, len, "%s",
                 s.v6.mcast_ifname[0] ? s.v6.mcast_ifname : s.v4.mcast_ifname);
        return;
    }
    mc_if_default_multicast(buf, len);
}

/* The only source of the group's filter list, if it has exactly one. */
static bool only_listed_source(const struct ui_ctx *c, const struct ui_row *g,
                               struct mc_addr *out)
{
    struct mc_group_view v;

    if (mc_monitor_group(c->m, g->group, &v) < 0 || v.nsources != 1)
        return false;
    *out = v.sources[0];
    return true;
}

/* Whether the group has a running sender of this host. */
static bool sending_to(const struct ui_ctx *c, const struct ui_row *g)
{
    size_t n = mc_monitor_nsenders(c->m);

    for (size_t i = 0; g != NULL && i < n; i++) {
        struct mc_sender_info si;

        if (mc_monitor_sender(c->m, i, &si) == 0 && si.running &&
            mc_addr_equal(&si.group, &g->addr))
            return true;
    }
    return false;
}

/* The value of a sending option as read back (IPv6's when it has one),
 * from the field the option table names. */
static bool current(const struct ui_ctx *c, enum mc_cmd_opt opt, int *value)
{
    const struct mc_sockopt *o = mc_sockopt_get(opt);
    struct mc_monitor_settings s;
    const struct mc_family_settings *f;

    mc_monitor_settings(c->m, &s);
    f = s.v6.ok ? &s.v6 : &s.v4;
    if (!f->ok || o == NULL || o->value == MC_SOCKOPT_IFACE ||
        o->readback.type == MC_FIELD_NONE)
        return false;
    *value = mc_field_get(f, o->readback);
    return true;
}

/* An option's value as "set" takes it (the option table says hex). */
static void option_value(enum mc_cmd_opt opt, int v, char *buf, size_t len)
{
    const struct mc_sockopt *o = mc_sockopt_get(opt);

    if (o != NULL && o->hex)
        snprintf(buf, len, "0x%02x", (unsigned)v);
    else
        snprintf(buf, len, "%d", v);
}

/* Whether g (a row bound to the group) has a joined twin bound to the
 * wildcard: the same group, interface and port with bind any. */
static bool wildcard_twin(const struct ui_ctx *c, const struct ui_row *g)
{
    struct mc_group_view v;

    for (size_t i = 0; mc_monitor_group(c->m, i, &v) == 0; i++)
        if (i != g->group && v.binding == MC_BIND_ANY && v.joined &&
            v.port == g->port && v.ifindex == g->ifindex &&
            mc_addr_equal(&v.group, &g->addr))
            return true;
    return false;
}

/*
 * The text of one word of a command binding (keys.h), "" when the
 * selection has none:
 *   {group}   the selected group
 *   {source}  the selected source row
 *   {listed}  the selected source row, else the group's only listed source
 *   {iface}   the selected group's interface; with no group selected, an
 *             interface to offer (default_iface)
 *   {port}    the group's port when it is not the default
 *   {bind}    which listener of the selected group: any for the row of
 *             the wildcard, group for the row bound to the group when the
 *             group is joined with bind any too (without the word that
 *             would be refused as ambiguous), else none
 *   {rate}    the default send rate
 *   {sending} the selected group when this host sends to it
 *   {option}  the option h/H/m/M/t/T stepped last, {value} its value
 */
static void word(const struct ui_ctx *c, const char *name, size_t n, char *buf,
                 size_t len)
{
    const struct ui_row *r = ui_model_selected(c->model);
    const struct ui_row *g = ui_model_selected_group(c->model);
    struct mc_addr src = {0};
    int v;

#define IS(w) (n == sizeof(w) - 1 && memcmp(name, w, n) == 0)
    buf[0] = '\0';
    if (IS("group") && g != NULL) {
        mc_addr_format(&g->addr, buf, len);
    } else if ((IS("source") || IS("listed")) && g != NULL) {
        if (r != NULL && r->kind == UI_ROW_SOURCE)
            src = r->addr;
        else if (!IS("listed") || !only_listed_source(c, g, &src))
            src.family = 0;
        if (src.family != 0)
            mc_addr_format(&src, buf, len);
    } else if (IS("iface")) {
        if (g == NULL)
            default_iface(c, buf, len);
        else
            snprintf(buf, len, "%s", g->ifname);
    } else if (IS("port") && g != NULL && g->port != MC_CMD_DEFAULT_PORT) {
        snprintf(buf, len, "%u", (unsigned)g->port);
    } else if (IS("bind") && g != NULL && (g->any || wildcard_twin(c, g))) {
        snprintf(buf, len, "%s", g->any ? "any" : "group");
    } else if (IS("rate")) {
        snprintf(buf, len, "%u", MC_CMD_SEND_RATE_DEFAULT);
    } else if (IS("sending") && sending_to(c, g)) {
        mc_addr_format(&g->addr, buf, len);
    } else if (IS("option")) {
        snprintf(buf, len, "%s", mc_cmd_opt_name(c->last_opt));
    } else if (IS("value") && current(c, c->last_opt, &v)) {
        option_value(c->last_opt, v, buf, len);
    }
#undef IS
}

/* Append s to out->line. */
static void append(struct ui_reply *out, size_t *at, const char *s, size_t n)
{
    if (*at + n >= sizeof out->line)
        n = sizeof out->line - 1 - *at;
    memcpy(out->line + *at, s, n);
    *at += n;
    out->line[*at] = '\0';
}

/*
 * Fill tmpl's {words} (word above).  A part in [ ] is left out when a
 * word in it is empty; the cursor goes where the first empty word outside
 * [ ] is (what the person must type), else to the end.
 */
unsigned ui_fill_command(struct ui_ctx *c, const char *tmpl,
                         struct ui_reply *out)
{
    size_t at = 0, opt_at = 0;
    bool in_opt = false, opt_ok = true, cursor_set = false;
    char w[MC_ADDR_STRLEN + IF_NAMESIZE];

    out->line[0] = '\0';
    for (const char *p = tmpl; *p != '\0'; p++) {
        const char *end;

        if (*p == '[') {
            in_opt = true;
            opt_ok = true;
            opt_at = at;
        } else if (*p == ']') {
            if (!opt_ok) {
                at = opt_at; /* leave the part out */
                out->line[at] = '\0';
            }
            in_opt = false;
        } else if (*p == '{' && (end = strchr(p, '}')) != NULL) {
            word(c, p + 1, (size_t)(end - p - 1), w, sizeof w);
            if (w[0] == '\0' && in_opt)
                opt_ok = false;
            if (w[0] == '\0' && !in_opt && !cursor_set) {
                out->cursor = at;
                cursor_set = true;
            }
            append(out, &at, w, strlen(w));
            p = end;
        } else {
            append(out, &at, p, 1);
        }
    }
    if (!cursor_set)
        out->cursor = at;
    return UI_R_PROMPT;
}

/* ---- handlers ---- */

/* Step a numeric option one step (the option table's) in direction dir. */
static unsigned step(struct ui_ctx *c, enum mc_cmd_opt opt, int dir,
                     struct ui_reply *out)
{
    const struct mc_sockopt *o = mc_sockopt_get(opt);
    const char *name = o->name;
    char value[16];
    int v, to;

    c->last_opt = opt;
    if (!current(c, opt, &v)) {
        snprintf(out->line, sizeof out->line, "set %s ", name);
        out->cursor = strlen(out->line);
        return UI_R_PROMPT;
    }
    to = mc_sockopt_step(o, v, dir);
    if (to == v) {
        ui_message(c->exec, UI_ROLE_EV_REFUSED,
                   "%s is already %d, the %s it can be (%d..%d)", name, v,
                   dir < 0 ? "lowest" : "highest", o->step_min, o->step_max);
        return UI_R_REDRAW;
    }
    option_value(opt, to, value, sizeof value);
    snprintf(out->line, sizeof out->line, "set %s %s", name, value);
    return UI_R_RUN;
}

unsigned ui_do_step(struct ui_ctx *c, const struct ui_binding *b,
                    struct ui_reply *out)
{
    enum ui_action act = b->action;

    switch (act) {
    case UI_ACT_HOPLIMIT_DOWN:
    case UI_ACT_HOPLIMIT_UP:
        return step(c, MC_OPT_HOPLIMIT, act == UI_ACT_HOPLIMIT_UP ? 1 : -1,
                    out);
    case UI_ACT_MHOPLIMIT_DOWN:
    case UI_ACT_MHOPLIMIT_UP:
        return step(c, MC_OPT_MCAST_HOPLIMIT,
                    act == UI_ACT_MHOPLIMIT_UP ? 1 : -1, out);
    case UI_ACT_TCLASS_DOWN:
    case UI_ACT_TCLASS_UP:
        return step(c, MC_OPT_TCLASS, act == UI_ACT_TCLASS_UP ? 1 : -1, out);
    default:
        return UI_R_NONE;
    }
}

unsigned ui_do_loopback(struct ui_ctx *c, const struct ui_binding *b,
                        struct ui_reply *out)
{
    int v;

    (void)b;
    if (!current(c, MC_OPT_LOOPBACK, &v)) {
        snprintf(out->line, sizeof out->line, "set loopback ");
        out->cursor = strlen(out->line);
        return UI_R_PROMPT;
    }
    snprintf(out->line, sizeof out->line, "%s",
             v ? "set loopback off" : "set loopback on");
    return UI_R_RUN;
}

/* The wire cross-check on or off: `pcap on` captures every interface
 * with joined groups, now and later (it is refused, with the fix, without
 * CAP_NET_RAW). */
unsigned ui_do_wire(struct ui_ctx *c, const struct ui_binding *b,
                    struct ui_reply *out)
{
    struct mc_monitor_settings s;

    (void)b;
    mc_monitor_settings(c->m, &s);
    snprintf(out->line, sizeof out->line, "%s",
             s.pcap || s.captures_open > 0 ? "pcap off" : "pcap on");
    return UI_R_RUN;
}

unsigned ui_do_diagnose(struct ui_ctx *c, const struct ui_binding *b,
                        struct ui_reply *out)
{
    const struct ui_row *g = ui_model_selected_group(c->model);
    const struct ui_row *r = ui_model_selected(c->model);
    const char *ifn;
    char a[MC_ADDR_STRLEN], s[MC_ADDR_STRLEN + 1] = "";

    (void)b;
    if (g == NULL) {
        ui_message(c->exec, UI_ROLE_WARN, "%s",
                   "no group to diagnose: join one, or type :diagnose GROUP "
                   "[SOURCE] dev IFACE [port N]");
        return UI_R_REDRAW;
    }
    ifn = g->ifname[0] ? g->ifname : g->chosen_if;
    if (r != NULL && r != g && r->kind == UI_ROW_SOURCE) {
        s[0] = ' ';
        mc_addr_format(&r->addr, s + 1, sizeof s - 1);
    }
    snprintf(out->line, sizeof out->line, "diagnose %s%s%s%s port %u",
             mc_addr_format(&g->addr, a, sizeof a), s, ifn[0] ? " dev " : "",
             ifn, (unsigned)g->port);
    out->screen = UI_SCREEN_DIAGNOSE;
    return UI_R_RUN | UI_R_SHOW;
}

unsigned ui_do_show(struct ui_ctx *c, const struct ui_binding *b,
                    struct ui_reply *out)
{
    (void)c;
    switch (b->action) {
    case UI_ACT_HELP:
        out->screen = UI_SCREEN_HELP;
        break;
    case UI_ACT_EVENTS:
        out->screen = UI_SCREEN_EVENTS;
        break;
    case UI_ACT_LISTENERS:
        out->screen = UI_SCREEN_LISTENERS;
        break;
    case UI_ACT_STREAMS:
        out->screen = UI_SCREEN_STREAMS;
        break;
    case UI_ACT_QUERIER:
        out->screen = UI_SCREEN_QUERIER;
        break;
    case UI_ACT_DETAIL:
        out->screen = UI_SCREEN_DETAIL;
        break;
    default:
        out->screen = UI_SCREEN_GROUPS;
        break;
    }
    return UI_R_SHOW;
}

unsigned ui_do_pause(struct ui_ctx *c, const struct ui_binding *b,
                     struct ui_reply *out)
{
    (void)b;
    (void)out;
    c->model->paused = !c->model->paused;
    ui_message(c->exec, UI_ROLE_EV_INFO, "%s",
               c->model->paused ? "paused: the table and the detail view "
                                  "keep these numbers, events stay live; "
                                  "commands still run (p resumes)"
                                : "resumed");
    return c->model->paused ? UI_R_REDRAW : UI_R_REBUILD;
}

unsigned ui_do_filter(struct ui_ctx *c, const struct ui_binding *b,
                      struct ui_reply *out)
{
    (void)c;
    (void)b;
    (void)out;
    return UI_R_FILTER;
}

unsigned ui_do_panel(struct ui_ctx *c, const struct ui_binding *b,
                     struct ui_reply *out)
{
    (void)c;
    (void)b;
    (void)out;
    return UI_R_PANEL;
}

unsigned ui_do_close(struct ui_ctx *c, const struct ui_binding *b,
                     struct ui_reply *out)
{
    (void)c;
    (void)b;
    (void)out;
    return UI_R_CLOSE;
}

unsigned ui_do_repaint(struct ui_ctx *c, const struct ui_binding *b,
                       struct ui_reply *out)
{
    (void)c;
    (void)b;
    (void)out;
    return UI_R_REPAINT;
}

unsigned ui_do_quit(struct ui_ctx *c, const struct ui_binding *b,
                    struct ui_reply *out)
{
    (void)out;
    c->keep_screen = b->action == UI_ACT_QUIT_KEEP;
    return UI_R_QUIT;
}

unsigned ui_do_span(struct ui_ctx *c, const struct ui_binding *b,
                    struct ui_reply *out)
{
    (void)b;
    (void)out;
    c->model->span = (c->model->span + 1) % MC_RATE_SPANS;
    ui_message(c->exec, UI_ROLE_EV_INFO,
               "RATE: one bar per %s (z: the next: seconds, minutes, hours)",
               c->model->span == 0   ? "second"
               : c->model->span == 1 ? "minute"
                                     : "hour");
    return UI_R_REBUILD;
}

unsigned ui_do_columns(struct ui_ctx *c, const struct ui_binding *b,
                       struct ui_reply *out)
{
    struct ui_col_order all;

    (void)b;
    if (c->model->cols.n == 0)
        ui_columns_default(&all);
    ui_columns_format(c->model->cols.n == 0 ? &all : &c->model->cols, out->line,
                      sizeof out->line);
    out->cursor = strlen(out->line);
    return UI_R_PROMPT;
}

unsigned ui_do_theme(struct ui_ctx *c, const struct ui_binding *b,
                     struct ui_reply *out)
{
    enum ui_theme next =
        ui_colors_theme() == UI_THEME_COLOUR ? UI_THEME_MONO : UI_THEME_COLOUR;

    (void)b;
    (void)out;
    if (ui_colors_set_theme(next) < 0)
        ui_message(c->exec, UI_ROLE_WARN, "%s",
                   ui_colors_no_color()
                       ? "NO_COLOR is set: no colours (unset it for them)"
                       : "this terminal has no colours: the mono theme stays");
    else
        ui_message(c->exec, UI_ROLE_EV_INFO, "%s",
                   next == UI_THEME_MONO
                       ? "theme mono: no colours; loss and errors in reverse "
                         "video and underline (C: colour)"
                       : "theme colour (C: mono)");
    return UI_R_REPAINT;
}
