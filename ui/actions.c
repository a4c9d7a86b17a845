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
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "uipriv.h"

#define TCLASS_STEP 4 /* one DSCP code point */

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

    buf[0] = '\0';
    mc_monitor_settings(ui->m, &s);
    if (s.v6.mcast_ifname[0] != '\0' || s.v4.mcast_ifname[0] != '\0') {
        snprintf(buf, len, "%s",
                 s.v6.mcast_ifname[0] ? s.v6.mcast_ifname : s.v4.mcast_ifname);
        return;
    }
    mc_if_default_multicast(buf, len);
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

/* The value of a sending option as read back (IPv6's when it has one). */
static bool current(struct ui *ui, enum mc_cmd_opt opt, int *value)
{
    struct mc_monitor_settings s;
    const struct mc_family_settings *f;

    mc_monitor_settings(ui->m, &s);
    f = s.v6.ok ? &s.v6 : &s.v4;
    if (!f->ok)
        return false;
    switch (opt) {
    case MC_OPT_HOPLIMIT:
        *value = f->hoplimit;
        return true;
    case MC_OPT_MCAST_HOPLIMIT:
        *value = f->mcast_hoplimit;
        return true;
    case MC_OPT_TCLASS:
        *value = f->tclass;
        return true;
    case MC_OPT_LOOPBACK:
        *value = f->loopback;
        return true;
    default:
        return false;
    }
}

/* Step a numeric option by delta within [lo, 255]. */
static void step(struct ui *ui, enum mc_cmd_opt opt, int delta, int lo)
{
    const char *name = mc_cmd_opt_name(opt);
    char line[64];
    int v, to;

    ui->last_opt = opt;
    if (!current(ui, opt, &v)) {
        snprintf(line, sizeof line, "set %s ", name);
        ui_prompt_command(ui, line, strlen(line));
        return;
    }
    to = v + delta;
    to = to < lo ? lo : to > 255 ? 255 : to;
    if (to == v) {
        ui_message(ui, UI_ROLE_EV_REFUSED,
                   "%s is already %d, the %s it can be (%d..255)", name, v,
                   delta < 0 ? "lowest" : "highest", lo);
        return;
    }
    if (opt == MC_OPT_TCLASS)
        snprintf(line, sizeof line, "set %s 0x%02x", name, (unsigned)to);
    else
        snprintf(line, sizeof line, "set %s %d", name, to);
    ui_exec(ui, line);
}

static void open_set_prompt(struct ui *ui)
{
    char line[64];
    int v;

    if (current(ui, ui->last_opt, &v))
        snprintf(line, sizeof line,
                 ui->last_opt == MC_OPT_TCLASS ? "set %s 0x%02x" : "set %s %d",
                 mc_cmd_opt_name(ui->last_opt), v);
    else
        snprintf(line, sizeof line, "set %s ", mc_cmd_opt_name(ui->last_opt));
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
        step(ui, MC_OPT_HOPLIMIT, act == UI_ACT_HOPLIMIT_UP ? 1 : -1, 1);
        return true;
    case UI_ACT_MHOPLIMIT_DOWN:
    case UI_ACT_MHOPLIMIT_UP:
        step(ui, MC_OPT_MCAST_HOPLIMIT, act == UI_ACT_MHOPLIMIT_UP ? 1 : -1, 0);
        return true;
    case UI_ACT_TCLASS_DOWN:
    case UI_ACT_TCLASS_UP:
        step(ui, MC_OPT_TCLASS,
             act == UI_ACT_TCLASS_UP ? TCLASS_STEP : -TCLASS_STEP, 0);
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
