/*
 * mcscope ui: key actions as command lines.
 *
 * Membership and sender actions open the prompt with the line prefilled
 * from the selection: the selected group, its interface and port, and the
 * selected source (or the group's only listed source), with the cursor
 * where the missing word goes.  Steps (hop limit, traffic class,
 * loopback) run their "set" line at once.  Nothing here changes the
 * monitor except through mc_monitor_exec_line (ui_exec).
 */
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "mcscope/sockopt.h"
#include "uipriv.h"

/* The words after a group in a command: " dev IFACE" and " port N" when
 * not the default. */
static void place_words(const struct ui_row *g, char *buf, size_t len)
{
    int n = 0;

    buf[0] = '\0';
    if (g->ifname[0] != '\0')
        n = snprintf(buf, len, " dev %s", g->ifname);
    if (g->port != MC_CMD_DEFAULT_PORT && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, " port %u", (unsigned)g->port);
}

/*
 * An interface to offer when no group is selected: the multicast
 * interface set with "set mcast-if", else the first interface that is up,
 * multicast-capable and not loopback.  "" when there is none.
 */
static void default_iface(struct ui *ui, char *buf, size_t len)
{
    struct mc_monitor_settings s;
    struct ifaddrs *ifa, *i;

    buf[0] = '\0';
    mc_monitor_settings(ui->m, &s);
    if (s.v6.mcast_ifname[0] != '\0' || s.v4.mcast_ifname[0] != '\0') {
        snprintf(buf, len, "%s",
                 s.v6.mcast_ifname[0] ? s.v6.mcast_ifname : s.v4.mcast_ifname);
        return;
    }
    if (getifaddrs(&ifa) < 0)
        return;
    for (i = ifa; i != NULL; i = i->ifa_next) {
        unsigned f = i->ifa_flags;

        if ((f & IFF_UP) && (f & IFF_MULTICAST) && !(f & IFF_LOOPBACK)) {
            snprintf(buf, len, "%s", i->ifa_name);
            break;
        }
    }
    freeifaddrs(ifa);
}

/* The only source of the group's filter list, if it has exactly one. */
static bool only_listed_source(struct ui *ui, const struct ui_row *g,
                               struct mc_addr *out)
{
    struct mc_group_view v;

    if (mc_monitor_group(ui->m, g->group, &v) < 0 || v.nsources != 1)
        return false;
    *out = v.sources[0];
    return true;
}

/*
 * Open the prompt for verb: "VERB GROUP [SOURCE] dev IFACE [port N]"
 * from the selection.  needs_source: the verb takes a SOURCE; tail: words
 * that go at the end ("rate 10").
 */
static void open_member_prompt(struct ui *ui, const char *verb,
                               bool needs_source, bool listed_fallback,
                               const char *tail)
{
    const struct ui_row *r = ui_selected_row(ui);
    const struct ui_row *g = ui_selected_group(ui);
    char line[UI_PROMPT_MAX], words[64], ga[MC_ADDR_STRLEN];
    char sa[MC_ADDR_STRLEN], ifname[IF_NAMESIZE];
    struct mc_addr src;
    size_t cursor;
    int n;

    if (g == NULL) {
        default_iface(ui, ifname, sizeof ifname);
        n = snprintf(line, sizeof line, "%s ", verb);
        cursor = (size_t)n;
        snprintf(line + n, sizeof line - (size_t)n, "%s%s%s%s",
                 needs_source ? " " : "", ifname[0] ? " dev " : "", ifname,
                 tail);
        if (needs_source)
            cursor = (size_t)n; /* GROUP goes first; SOURCE after it */
        ui_prompt_command(ui, line, cursor);
        return;
    }
    mc_addr_format(&g->addr, ga, sizeof ga);
    place_words(g, words, sizeof words);
    if (!needs_source) {
        n = snprintf(line, sizeof line, "%s %s%s%s", verb, ga, words, tail);
        ui_prompt_command(ui, line, n > 0 ? (size_t)n : 0);
        return;
    }
    if (r != NULL && r->kind == UI_ROW_SOURCE)
        src = r->addr;
    else if (!listed_fallback || !only_listed_source(ui, g, &src))
        src.family = 0;
    if (src.family != 0) {
        n = snprintf(line, sizeof line, "%s %s %s%s%s", verb, ga,
                     mc_addr_format(&src, sa, sizeof sa), words, tail);
        ui_prompt_command(ui, line, n > 0 ? (size_t)n : 0);
        return;
    }
    /* the cursor where SOURCE goes */
    n = snprintf(line, sizeof line, "%s %s ", verb, ga);
    cursor = n > 0 ? (size_t)n : 0;
    snprintf(line + cursor, sizeof line - cursor, "%s%s", words, tail);
    ui_prompt_command(ui, line, cursor);
}

static void open_send_prompt(struct ui *ui)
{
    char tail[32];

    snprintf(tail, sizeof tail, " rate %u", MC_CMD_SEND_RATE_DEFAULT);
    open_member_prompt(ui, "send", false, false, tail);
}

/* stop-send: the selected group when it has a running sender, else all. */
static void open_stop_prompt(struct ui *ui)
{
    const struct ui_row *g = ui_selected_group(ui);
    size_t n = mc_monitor_nsenders(ui->m);
    char line[64 + MC_ADDR_STRLEN], ga[MC_ADDR_STRLEN];

    for (size_t i = 0; g != NULL && i < n; i++) {
        struct mc_sender_info si;

        if (mc_monitor_sender(ui->m, i, &si) == 0 && si.running &&
            mc_addr_equal(&si.group, &g->addr)) {
            snprintf(line, sizeof line, "stop-send %s",
                     mc_addr_format(&g->addr, ga, sizeof ga));
            ui_prompt_command(ui, line, strlen(line));
            return;
        }
    }
    ui_prompt_command(ui, "stop-send", 9);
}

/* The value of a sending option as read back (IPv6's when it has one),
 * from the field the option table names. */
static bool current(struct ui *ui, enum mc_cmd_opt opt, int *value)
{
    const struct mc_sockopt *o = mc_sockopt_get(opt);
    struct mc_monitor_settings s;
    const struct mc_family_settings *f;

    mc_monitor_settings(ui->m, &s);
    f = s.v6.ok ? &s.v6 : &s.v4;
    if (!f->ok || o == NULL || o->value == MC_SOCKOPT_IFACE ||
        o->readback.type == MC_FIELD_NONE)
        return false;
    *value = mc_field_get(f, o->readback);
    return true;
}

/* "set NAME VALUE" with the value as the option is written. */
static void set_line(char *line, size_t len, const struct mc_sockopt *o, int v)
{
    if (o->hex)
        snprintf(line, len, "set %s 0x%02x", o->name, (unsigned)v);
    else
        snprintf(line, len, "set %s %d", o->name, v);
}

/* Step a numeric option one step (the option table's) in direction dir. */
static void step(struct ui *ui, enum mc_cmd_opt opt, int dir)
{
    const struct mc_sockopt *o = mc_sockopt_get(opt);
    char line[64];
    int v, to;

    ui->last_opt = opt;
    if (!current(ui, opt, &v)) {
        snprintf(line, sizeof line, "set %s ", o->name);
        ui_prompt_command(ui, line, strlen(line));
        return;
    }
    to = mc_sockopt_step(o, v, dir);
    if (to == v) {
        ui_message(ui, UI_ROLE_EV_REFUSED,
                   "%s is already %d, the %s it can be (%d..%d)", o->name, v,
                   dir < 0 ? "lowest" : "highest", o->step_min, o->step_max);
        return;
    }
    set_line(line, sizeof line, o, to);
    ui_exec(ui, line);
}

static void open_set_prompt(struct ui *ui)
{
    const struct mc_sockopt *o = mc_sockopt_get(ui->last_opt);
    char line[64];
    int v;

    if (current(ui, ui->last_opt, &v))
        set_line(line, sizeof line, o, v);
    else
        snprintf(line, sizeof line, "set %s ", o->name);
    ui_prompt_command(ui, line, strlen(line));
}

static void toggle_loopback(struct ui *ui)
{
    int v;

    if (!current(ui, MC_OPT_LOOPBACK, &v)) {
        ui_prompt_command(ui, "set loopback ", 13);
        return;
    }
    ui_exec(ui, v ? "set loopback off" : "set loopback on");
}

/* The wire cross-check on or off: `pcap on` captures every interface
 * with joined groups, now and later (it is refused, with the fix, without
 * CAP_NET_RAW). */
static void toggle_wire(struct ui *ui)
{
    struct mc_monitor_settings s;

    mc_monitor_settings(ui->m, &s);
    ui_exec(ui, s.pcap || s.captures_open > 0 ? "pcap off" : "pcap on");
}

bool ui_command_action(struct ui *ui, enum ui_action act)
{
    switch (act) {
    case UI_ACT_JOIN:
        open_member_prompt(ui, "join", false, false, "");
        return true;
    case UI_ACT_LEAVE:
        open_member_prompt(ui, "leave", false, false, "");
        return true;
    case UI_ACT_JOIN_SOURCE:
        open_member_prompt(ui, "join-source", true, false, "");
        return true;
    case UI_ACT_EXCLUDE_SOURCE:
        open_member_prompt(ui, "exclude-source", true, false, "");
        return true;
    case UI_ACT_INCLUDE_SOURCE:
        open_member_prompt(ui, "include-source", true, true, "");
        return true;
    case UI_ACT_LEAVE_SOURCE:
        open_member_prompt(ui, "leave-source", true, true, "");
        return true;
    case UI_ACT_HOPLIMIT_DOWN:
    case UI_ACT_HOPLIMIT_UP:
        step(ui, MC_OPT_HOPLIMIT, act == UI_ACT_HOPLIMIT_UP ? 1 : -1);
        return true;
    case UI_ACT_MHOPLIMIT_DOWN:
    case UI_ACT_MHOPLIMIT_UP:
        step(ui, MC_OPT_MCAST_HOPLIMIT, act == UI_ACT_MHOPLIMIT_UP ? 1 : -1);
        return true;
    case UI_ACT_TCLASS_DOWN:
    case UI_ACT_TCLASS_UP:
        step(ui, MC_OPT_TCLASS, act == UI_ACT_TCLASS_UP ? 1 : -1);
        return true;
    case UI_ACT_SET:
        open_set_prompt(ui);
        return true;
    case UI_ACT_LOOPBACK:
        toggle_loopback(ui);
        return true;
    case UI_ACT_WIRE:
        toggle_wire(ui);
        return true;
    case UI_ACT_SEND:
        open_send_prompt(ui);
        return true;
    case UI_ACT_STOP_SEND:
        open_stop_prompt(ui);
        return true;
    case UI_ACT_COMMAND:
        ui_prompt_command(ui, "", 0);
        return true;
    default:
        return false;
    }
}
