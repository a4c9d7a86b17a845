/* mcscope ui: running command lines and the message line (see exec.h). */
#include "exec.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "columns.h"
#include "draw.h"
#include "format.h"
#include "screen.h"

#define MESSAGE_NS 8000000000LL /* an action's result stays 8 s */

void ui_message(struct ui_exec *x, enum ui_role role, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(x->msg, sizeof x->msg, fmt, ap);
    va_end(ap);
    x->msg_role = role;
    x->msg_until_ns = mc_monitor_now_ns() + MESSAGE_NS;
}

/* `columns ...`: the groups table's columns, the UI's own line. */
static int exec_columns(struct ui_exec *x, const char *line)
{
    char why[MC_ERR_MSG_MAX], text[MC_CMD_TEXT_MAX];

    if (ui_columns_parse(line, &x->md->cols, why, sizeof why) < 0) {
        ui_message(x, UI_ROLE_EV_REFUSED, UI_G_CROSS " %s", why);
        return -EINVAL;
    }
    ui_columns_format(&x->md->cols, text, sizeof text);
    ui_message(x, UI_ROLE_EV_OK, UI_G_CHECK " %s", text);
    return 0;
}

int ui_exec(struct ui_exec *x, const char *line)
{
    char text[MC_EVENT_TEXT_MAX];
    struct mc_err err;
    struct mc_event e;
    int rc;

    if (x->md != NULL && ui_columns_line(line))
        return exec_columns(x, line);
    rc = mc_monitor_exec_line(x->m, line, &err);

    if (mc_monitor_command_event(x->m, &e) == 0)
        ui_message(x, ui_event_role(e.kind), "%s %s",
                   rc == 0 ? UI_G_CHECK : UI_G_CROSS,
                   mc_event_format(&e, text, sizeof text,
                                   ui_utf8() ? MC_EVENT_UTF8 : 0));
    else if (rc < 0)
        ui_message(x, UI_ROLE_EV_ERROR, UI_G_CROSS " %s", err.msg);
    x->seen_seq = mc_monitor_last_event_seq(x->m);
    return rc;
}

/*
 * Events that did not come from a key (a script's echo lines and errors,
 * a sender that failed) go on the message line as captions, so a lesson's
 * narration and a failure are read where the eyes are.
 */
static void caption_new_events(struct ui_exec *x)
{
    size_t n = mc_monitor_nevents(x->m);
    char text[MC_EVENT_TEXT_MAX];
    struct mc_event e;

    for (size_t i = 0; i < n; i++) {
        if (mc_monitor_event(x->m, i, &e) < 0 || e.seq <= x->seen_seq)
            continue;
        mc_event_format(&e, text, sizeof text, ui_utf8() ? MC_EVENT_UTF8 : 0);
        if (e.kind == MC_EV_ECHO)
            ui_message(x, UI_ROLE_EV_ECHO, "%s", text);
        else if (e.kind == MC_EV_ERROR || e.kind == MC_EV_REFUSED)
            ui_message(x, ui_event_role(e.kind), UI_G_CROSS " %s", text);
    }
    x->seen_seq = mc_monitor_last_event_seq(x->m);
}

bool ui_exec_captions(struct ui_exec *x)
{
    /* Script lines run outside mc_monitor_dispatch, so their events do not
     * raise MC_MON_EVENTS: the log's sequence number tells. */
    if (mc_monitor_last_event_seq(x->m) == x->seen_seq)
        return false;
    caption_new_events(x);
    return true;
}

/* The summary shown on the message line when there is no message. */
static void summary(const struct ui_exec *x, const struct ui_model *md,
                    char *buf, size_t len)
{
    struct mc_monitor_counters c;
    char rx[16], drops[16], un[16];
    size_t senders = mc_monitor_senders_running(x->m);

    mc_monitor_counters(x->m, &c);
    snprintf(buf, len,
             "%zu group%s  rx %s packets  socket drops %s  for no group %s  "
             "%zu sender%s running  sort %s%s%s",
             mc_monitor_ngroups(x->m), mc_monitor_ngroups(x->m) == 1 ? "" : "s",
             ui_format_count(c.rx_packets, rx, sizeof rx),
             ui_format_count(c.socket_drops, drops, sizeof drops),
             ui_format_count(c.unattributed_packets, un, sizeof un), senders,
             senders == 1 ? "" : "s", ui_sort_name(md->sort),
             md->filter[0] != '\0' ? "  filter " : "", md->filter);
}

void ui_message_draw(const struct ui_exec *x, const struct ui_prompt *p,
                     const struct ui_model *md, WINDOW *w, int y, int cols)
{
    char text[sizeof x->msg];

    ui_fill(w, y, 0, cols, A_NORMAL);
    if (p->active && p->kind == UI_PROMPT_FILTER) {
        snprintf(text, sizeof text,
                 "filter: %zu of %zu rows shown "
                 "(Enter keeps it, Esc clears it)",
                 md->nvis, md->nrows);
        ui_put(w, y, 0, cols, ui_attr(UI_ROLE_DIM), text);
    } else if (p->active && p->valid && p->canonical[0] == '\0') {
        ui_put(w, y, 0, cols, ui_attr(UI_ROLE_DIM),
               "type a command (? lists them); Enter runs it, Esc cancels");
    } else if (p->active && p->valid) {
        snprintf(text, sizeof text, UI_G_CHECK " %s", p->canonical);
        ui_put(w, y, 0, cols, ui_attr(UI_ROLE_VALID), text);
    } else if (p->active) {
        snprintf(text, sizeof text, UI_G_CROSS " %s", p->why.msg);
        ui_put(w, y, 0, cols, ui_attr(UI_ROLE_INVALID), text);
    } else if (x->msg[0] != '\0' && mc_monitor_now_ns() < x->msg_until_ns) {
        ui_put(w, y, 0, cols, ui_attr(x->msg_role), x->msg);
    } else {
        summary(x, md, text, sizeof text);
        ui_put(w, y, 0, cols, ui_attr(UI_ROLE_DIM), text);
    }
}
