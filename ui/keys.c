/* mcscope ui: the key table (see keys.h). */
#include "keys.h"

#include <curses.h>

#include "draw.h"
#include "screen.h"

#define CTRL(c) ((c)&0x1f)
#define ESC 27

#define M UI_CTX_MAIN
#define G UI_CTX_GROUPS
#define D UI_CTX_DETAIL
#define E UI_CTX_EVENTS
#define H UI_CTX_HELP
#define P UI_CTX_PROMPT
#define C UI_CTX_PANEL
#define S UI_CTX_SMALL
#define L UI_CTX_CHOICE

/* clang-format off */
static const struct ui_binding bindings[] = {
    /* membership: every one opens a prompt with the command prefilled */
    {.key = 'j', .name = "j", .label = "join", .ctx = M, .rank = 2,
     .help = "join a group, any source (ASM): join GROUP dev IFACE",
     .command = "join {group}[ dev {iface}][ port {port}]"},
    {.key = 'J', .name = "J", .label = "join-source", .ctx = M, .rank = 3,
     .help = "SSM include: receive GROUP from SOURCE only (join-source)",
     .command = "join-source {group} {source}[ dev {iface}][ port {port}]"},
    {.key = 'x', .name = "x", .label = "exclude", .ctx = M, .rank = 4,
     .help = "exclude mode: block SOURCE of an ASM group (exclude-source)",
     .command = "exclude-source {group} {source}[ dev {iface}][ port {port}]"
                "[ bind {bind}]"},
    {.key = 'i', .name = "i", .label = "include", .ctx = M, .rank = 5,
     .help = "exclude mode: unblock a blocked SOURCE again (include-source)",
     .command = "include-source {group} {listed}[ dev {iface}][ port {port}]"
                "[ bind {bind}]"},
    {.key = 'l', .name = "l", .label = "leave", .ctx = M, .rank = 6,
     .help = "leave a group (leave GROUP)",
     .command = "leave {group}[ dev {iface}][ port {port}][ bind {bind}]"},
    {.key = 'L', .name = "L", .label = "leave-source", .ctx = M, .rank = 14,
     .help = "include mode: stop receiving one SOURCE (leave-source)",
     .command = "leave-source {group} {listed}[ dev {iface}][ port {port}]"
                "[ bind {bind}]"},
    /* socket options: step now, or type a value */
    {.key = 'h', .name = "h", .label = "hop limit", .ctx = M, .rank = 9,
     .help = "unicast hop limit (TTL) down by 1 (set hoplimit)",
     .handler = ui_do_step, .action = UI_ACT_HOPLIMIT_DOWN},
    {.key = 'H', .name = "H", .label = "hop limit", .ctx = M, .rank = 9,
     .help = "unicast hop limit (TTL) up by 1 (set hoplimit)",
     .handler = ui_do_step, .action = UI_ACT_HOPLIMIT_UP},
    {.key = 'm', .name = "m", .label = "mcast hops", .ctx = M, .rank = 10,
     .help = "multicast hop limit (TTL) down by 1: how far sent groups go",
     .handler = ui_do_step, .action = UI_ACT_MHOPLIMIT_DOWN},
    {.key = 'M', .name = "M", .label = "mcast hops", .ctx = M, .rank = 10,
     .help = "multicast hop limit (TTL) up by 1 (set mcast-hoplimit)",
     .handler = ui_do_step, .action = UI_ACT_MHOPLIMIT_UP},
    {.key = 't', .name = "t", .label = "tclass", .ctx = M, .rank = 11,
     .help = "traffic class (TOS) down one DSCP step of 4 (set tclass)",
     .handler = ui_do_step, .action = UI_ACT_TCLASS_DOWN},
    {.key = 'T', .name = "T", .label = "tclass", .ctx = M, .rank = 11,
     .help = "traffic class (TOS) up one DSCP step of 4 (set tclass)",
     .handler = ui_do_step, .action = UI_ACT_TCLASS_UP},
    {.key = '=', .name = "=", .label = "set", .ctx = M, .rank = 19,
     .help = "set a socket option to a value (prompt: set OPTION VALUE)",
     .command = "set {option} {value}"},
    {.key = 'c', .name = "c", .label = "cmsg", .ctx = M, .rank = 7,
     .help = "control-message panel: choose what each packet reports",
     .handler = ui_do_panel},
    {.key = 'o', .name = "o", .label = "loop", .ctx = M, .rank = 15,
     .help = "multicast loopback on/off (set loopback)",
     .handler = ui_do_loopback},
    {.key = 'w', .name = "w", .label = "wire", .ctx = M, .rank = 20,
     .help = "wire cross-check on/off (pcap on|off)",
     .handler = ui_do_wire},
    {.key = 's', .name = "s", .label = "send", .ctx = M, .rank = 12,
     .help = "start a probe sender (prompt: send GROUP dev IFACE rate PPS)",
     .command = "send {group}[ dev {iface}][ port {port}] rate {rate}"},
    {.key = 'S', .name = "S", .label = "stop", .ctx = M, .rank = 13,
     .help = "stop a sender (prompt: stop-send [GROUP])",
     .command = "stop-send[ {sending}]"},
    {.key = 'r', .name = "r", .label = "reset", .ctx = M, .rank = 21,
     .help = "zero the counts of the selected group, counting goes on (reset GROUP; reset alone: every group)",
     .command = "reset[ {group}]"},
    {.key = 'z', .name = "z", .label = "span", .ctx = M, .rank = 28,
     .help = "RATE sparkline: one bar a second, a minute or an hour (up to 60 h)",
     .handler = ui_do_span},
    {.key = 'O', .name = "O", .label = "columns", .ctx = G, .rank = 27,
     .help = "choose and order the table's columns (prompt: columns NAME...)",
     .handler = ui_do_columns},
    {.key = 'C', .name = "C", .label = "theme", .ctx = M, .rank = 25,
     .help = "colour theme: colour or mono (loss, errors in reverse/underline; MCSCOPE_THEME=mono)",
     .handler = ui_do_theme},
    {.key = 'W', .name = "W", .label = "write report", .ctx = M, .rank = 24,
     .help = "write the report (JSON) to a new file mcscope-report-DATE-TIME.json here",
     .handler = ui_do_write_report},
    {.key = ':', .name = ":", .label = "cmd", .ctx = M, .rank = 8,
     .help = "command prompt: any command of the language, with history",
     .command = ""},
    /* views */
    {.key = 'd', .name = "d", .label = "detail", .ctx = G, .rank = 6,
     .help = "detail of the selected group: kernel filter, /proc, sources",
     .handler = ui_do_show, .action = UI_ACT_DETAIL},
    {.key = 'e', .name = "e", .label = "events", .ctx = G, .rank = 7,
     .help = "the whole event log",
     .handler = ui_do_show, .action = UI_ACT_EVENTS},
    {.key = 'u', .name = "u", .label = "listeners", .ctx = G, .rank = 24,
     .help = "the link's listeners: who reports which group (listeners on)",
     .handler = ui_do_show, .action = UI_ACT_LISTENERS},
    {.key = 'v', .name = "v", .label = "on the link", .ctx = G, .rank = 25,
     .help = "streams on the wire and SAP sessions (discover on, sap on)",
     .handler = ui_do_show, .action = UI_ACT_STREAMS},
    {.key = 'y', .name = "y", .label = "querier", .ctx = G, .rank = 26,
     .help = "querier timeline: queries on the link, this host's answers, memberships aging out, stopped streams",
     .handler = ui_do_show, .action = UI_ACT_QUERIER},
    {.key = 'D', .name = "D", .label = "diagnose", .ctx = G, .rank = 27,
     .help = "diagnose the selected group: why its stream does not arrive, failures first",
     .handler = ui_do_diagnose},
    {.key = 'p', .name = "p", .label = "pause", .ctx = M, .rank = 17,
     .help = "pause the table (numbers freeze, commands still work); again: resume",
     .handler = ui_do_pause},
    {.key = '>', .name = ">", .label = "sort", .ctx = G, .rank = 18,
     .help = "sort by the next column: join order, group, pkts, pkt/s, bit/s (bits), loss",
     .action = UI_ACT_SORT},
    {.key = '/', .name = "/", .label = "filter", .ctx = G, .rank = 22,
     .help = "filter rows by text (group, interface, source, mode)",
     .handler = ui_do_filter},
    {.key = ESC, .name = "Esc", .label = "", .ctx = G,
     .help = "clear the filter",
     .action = UI_ACT_CLEAR_FILTER},
    {.key = '?', .name = "?", .label = "help", .ctx = M, .rank = 1,
     .help = "this help, made from the key table",
     .handler = ui_do_show, .action = UI_ACT_HELP},
    {.key = KEY_F(1), .name = "F1", .label = "", .ctx = M,
     .help = "this help, made from the key table",
     .handler = ui_do_show, .action = UI_ACT_HELP},
    {.key = 'q', .name = "q", .label = "quit", .ctx = G, .rank = 1,
     .help = "quit mcscope (the terminal is restored; in the lab it asks "
             "first, as the lab goes too)",
     .handler = ui_do_quit},
    {.key = KEY_MOUSE, .name = "mouse", .label = "", .ctx = G,
     .help = "click a row: select it; double click: open or close its "
             "sources; the wheel scrolls",
     .action = UI_ACT_MOUSE},
    {.key = 'Q', .name = "Q", .label = "quit, keep screen", .ctx = G,
     .rank = 26,
     .help = "quit, and leave the last screen in the terminal as text (for "
             "a ticket)",
     .handler = ui_do_quit, .action = UI_ACT_QUIT_KEEP},
    {.key = KEY_F(10), .name = "F10", .label = "", .ctx = M,
     .help = "quit mcscope (the terminal is restored; in the lab it asks "
             "first, as the lab goes too)",
     .handler = ui_do_quit},
    {.key = CTRL('c'), .name = "^C", .label = "", .ctx = M,
     .help = "quit mcscope (the terminal is restored; in the lab it asks "
             "first, as the lab goes too)",
     .handler = ui_do_quit},
    {.key = CTRL('l'), .name = "^L", .label = "", .ctx = M,
     .help = "redraw the whole screen",
     .handler = ui_do_repaint},
    /* moving around */
    {.key = KEY_UP, .name = UI_G_UP, .label = "", .ctx = M,
     .help = "select the row above / scroll up",
     .action = UI_ACT_UP},
    {.key = KEY_DOWN, .name = UI_G_DOWN, .label = "", .ctx = M,
     .help = "select the row below / scroll down",
     .action = UI_ACT_DOWN},
    {.key = KEY_PPAGE, .name = "PgUp", .label = "", .ctx = M,
     .help = "a page up",
     .action = UI_ACT_PAGE_UP},
    {.key = KEY_NPAGE, .name = "PgDn", .label = "", .ctx = M,
     .help = "a page down",
     .action = UI_ACT_PAGE_DOWN},
    {.key = ' ', .name = "Space", .label = "", .ctx = UI_CTX_SUB,
     .help = "a page down",
     .action = UI_ACT_PAGE_DOWN},
    {.key = KEY_HOME, .name = "Home", .label = "", .ctx = M,
     .help = "to the top",
     .action = UI_ACT_TOP},
    {.key = KEY_END, .name = "End", .label = "", .ctx = M,
     .help = "to the end",
     .action = UI_ACT_BOTTOM},
    {.key = '\n', .name = "Enter", .label = "expand", .ctx = G, .rank = 23,
     .help = "show or hide the selected group's sources, one row each",
     .action = UI_ACT_TOGGLE_EXPAND},
    {.key = '\r', .name = "Enter", .label = "", .ctx = G,
     .help = "show or hide the selected group's sources, one row each",
     .action = UI_ACT_TOGGLE_EXPAND},
    {.key = KEY_ENTER, .name = "Enter", .label = "", .ctx = G,
     .help = "show or hide the selected group's sources, one row each",
     .action = UI_ACT_TOGGLE_EXPAND},
    {.key = KEY_RIGHT, .name = UI_G_RIGHT, .label = "", .ctx = G,
     .help = "show the selected group's sources",
     .action = UI_ACT_EXPAND},
    {.key = KEY_LEFT, .name = UI_G_LEFT, .label = "", .ctx = G,
     .help = "hide the sources (on a source row: back to its group)",
     .action = UI_ACT_COLLAPSE},
    {.key = '\t', .name = "Tab", .label = "next group", .ctx = D, .rank = 2,
     .help = "the next group",
     .action = UI_ACT_NEXT_GROUP},
    {.key = KEY_BTAB, .name = "S-Tab", .label = "", .ctx = D,
     .help = "the previous group",
     .action = UI_ACT_PREV_GROUP},
    {.key = ESC, .name = "Esc", .label = "back", .ctx = UI_CTX_SUB, .rank = 1,
     .help = "back to the groups table",
     .handler = ui_do_show, .action = UI_ACT_BACK},
    {.key = 'q', .name = "q", .label = "", .ctx = UI_CTX_SUB,
     .help = "back to the groups table",
     .handler = ui_do_show, .action = UI_ACT_BACK},
    {.key = KEY_LEFT, .name = UI_G_LEFT, .label = "", .ctx = UI_CTX_SUB,
     .help = "back to the groups table",
     .handler = ui_do_show, .action = UI_ACT_BACK},
    {.key = 'd', .name = "d", .label = "", .ctx = D,
     .help = "back to the groups table",
     .handler = ui_do_show, .action = UI_ACT_BACK},
    {.key = 'e', .name = "e", .label = "", .ctx = E,
     .help = "back to the groups table",
     .handler = ui_do_show, .action = UI_ACT_BACK},
    {.key = 'u', .name = "u", .label = "", .ctx = UI_CTX_LISTENERS,
     .help = "back to the groups table",
     .handler = ui_do_show, .action = UI_ACT_BACK},
    {.key = 'v', .name = "v", .label = "", .ctx = UI_CTX_STREAMS,
     .help = "back to the groups table",
     .handler = ui_do_show, .action = UI_ACT_BACK},
    {.key = 'y', .name = "y", .label = "", .ctx = UI_CTX_QUERIER,
     .help = "back to the groups table",
     .handler = ui_do_show, .action = UI_ACT_BACK},
    {.key = 'D', .name = "D", .label = "", .ctx = UI_CTX_DIAGNOSE,
     .help = "back to the groups table",
     .handler = ui_do_show, .action = UI_ACT_BACK},
    {.key = 'j', .name = "j", .label = "", .ctx = UI_CTX_STREAMS,
     .help = "join the selected stream or session the right way (prompt)",
     .action = UI_ACT_LINK_JOIN},
    {.key = '\n', .name = "Enter", .label = "", .ctx = UI_CTX_STREAMS,
     .help = "join the selected stream or session the right way (prompt)",
     .action = UI_ACT_LINK_JOIN},
    {.key = '\r', .name = "Enter", .label = "", .ctx = UI_CTX_STREAMS,
     .help = "join the selected stream or session the right way (prompt)",
     .action = UI_ACT_LINK_JOIN},
    {.key = '?', .name = "?", .label = "", .ctx = H,
     .help = "back to the groups table",
     .handler = ui_do_show, .action = UI_ACT_BACK},
    /* the control-message panel */
    {.key = KEY_UP, .name = UI_G_UP, .label = "", .ctx = C,
     .help = "the flag above",
     .action = UI_ACT_UP},
    {.key = KEY_DOWN, .name = UI_G_DOWN, .label = "", .ctx = C,
     .help = "the flag below",
     .action = UI_ACT_DOWN},
    {.key = ' ', .name = "Space", .label = "toggle", .ctx = C, .rank = 1,
     .help = "turn the selected flag on or off",
     .action = UI_ACT_PANEL_TOGGLE},
    {.key = '\n', .name = "Enter", .label = "", .ctx = C,
     .help = "turn the selected flag on or off",
     .action = UI_ACT_PANEL_TOGGLE},
    {.key = '\r', .name = "Enter", .label = "", .ctx = C,
     .help = "turn the selected flag on or off",
     .action = UI_ACT_PANEL_TOGGLE},
    {.key = '1', .key_last = '6', .name = "1-6", .label = "flag", .ctx = C, .rank = 2,
     .help = "turn flag 1-6 on or off (cmsg FLAG on|off)",
     .action = UI_ACT_PANEL_FLAG},
    {.key = ESC, .name = "Esc", .label = "close", .ctx = C, .rank = 3,
     .help = "close the panel",
     .handler = ui_do_close},
    /* a list to choose from (the lab's lessons) */
    {.key = KEY_UP, .name = UI_G_UP, .label = "", .ctx = L,
     .help = "the item above",
     .action = UI_ACT_UP},
    {.key = KEY_DOWN, .name = UI_G_DOWN, .label = "", .ctx = L,
     .help = "the item below",
     .action = UI_ACT_DOWN},
    {.key = '\n', .name = "Enter", .label = "start", .ctx = L, .rank = 1,
     .help = "take the selected item (a lesson: it starts from stage 1)",
     .action = UI_ACT_PICK},
    {.key = '\r', .name = "Enter", .label = "start", .ctx = L,
     .help = "take the selected item (a lesson: it starts from stage 1)",
     .action = UI_ACT_PICK},
    {.key = ESC, .name = "Esc", .label = "close", .ctx = L, .rank = 2,
     .help = "close the list, nothing changes",
     .handler = ui_do_close},
    {.key = 'q', .name = "q", .label = "", .ctx = L,
     .help = "close the list, nothing changes",
     .handler = ui_do_close},
    {.key = 'c', .name = "c", .label = "", .ctx = C,
     .help = "close the panel",
     .handler = ui_do_close},
    {.key = 'q', .name = "q", .label = "", .ctx = C,
     .help = "close the panel",
     .handler = ui_do_close},
    /* the prompt */
    {.key = '\n', .name = "Enter", .label = "run", .ctx = P, .rank = 1,
     .help = "run the line; a refused line is logged and stays to edit",
     .action = UI_ACT_PROMPT_RUN},
    {.key = '\r', .name = "Enter", .label = "", .ctx = P,
     .help = "run the line; a refused line is logged and stays to edit",
     .action = UI_ACT_PROMPT_RUN},
    {.key = KEY_ENTER, .name = "Enter", .label = "", .ctx = P,
     .help = "run the line; a refused line is logged and stays to edit",
     .action = UI_ACT_PROMPT_RUN},
    {.key = ESC, .name = "Esc", .label = "cancel", .ctx = P, .rank = 2,
     .help = "cancel: nothing runs",
     .action = UI_ACT_PROMPT_CANCEL},
    {.key = CTRL('g'), .name = "^G", .label = "", .ctx = P,
     .help = "cancel: nothing runs",
     .action = UI_ACT_PROMPT_CANCEL},
    {.key = CTRL('c'), .name = "^C", .label = "", .ctx = P,
     .help = "cancel: nothing runs",
     .action = UI_ACT_PROMPT_CANCEL},
    {.key = KEY_UP, .name = UI_G_UP, .label = "history", .ctx = P, .rank = 3,
     .help = "the previous line of the history",
     .action = UI_ACT_PROMPT_HIST_PREV},
    {.key = KEY_DOWN, .name = UI_G_DOWN, .label = "history", .ctx = P, .rank = 3,
     .help = "the next line of the history",
     .action = UI_ACT_PROMPT_HIST_NEXT},
    {.key = KEY_LEFT, .name = UI_G_LEFT, .label = "", .ctx = P,
     .help = "cursor left",
     .action = UI_ACT_PROMPT_LEFT},
    {.key = KEY_RIGHT, .name = UI_G_RIGHT, .label = "", .ctx = P,
     .help = "cursor right",
     .action = UI_ACT_PROMPT_RIGHT},
    {.key = KEY_HOME, .name = "Home", .label = "", .ctx = P,
     .help = "to the start of the line",
     .action = UI_ACT_PROMPT_HOME},
    {.key = CTRL('a'), .name = "^A", .label = "", .ctx = P,
     .help = "to the start of the line",
     .action = UI_ACT_PROMPT_HOME},
    {.key = KEY_END, .name = "End", .label = "", .ctx = P,
     .help = "to the end of the line",
     .action = UI_ACT_PROMPT_END},
    {.key = CTRL('e'), .name = "^E", .label = "", .ctx = P,
     .help = "to the end of the line",
     .action = UI_ACT_PROMPT_END},
    {.key = KEY_BACKSPACE, .name = "Bksp", .label = "", .ctx = P,
     .help = "delete the character before the cursor",
     .action = UI_ACT_PROMPT_BACKSPACE},
    {.key = 127, .name = "Bksp", .label = "", .ctx = P,
     .help = "delete the character before the cursor",
     .action = UI_ACT_PROMPT_BACKSPACE},
    {.key = CTRL('h'), .name = "^H", .label = "", .ctx = P,
     .help = "delete the character before the cursor",
     .action = UI_ACT_PROMPT_BACKSPACE},
    {.key = KEY_DC, .name = "Del", .label = "", .ctx = P,
     .help = "delete the character under the cursor",
     .action = UI_ACT_PROMPT_DELETE},
    {.key = CTRL('d'), .name = "^D", .label = "", .ctx = P,
     .help = "delete the character under the cursor",
     .action = UI_ACT_PROMPT_DELETE},
    {.key = CTRL('u'), .name = "^U", .label = "", .ctx = P,
     .help = "delete to the start of the line",
     .action = UI_ACT_PROMPT_KILL_START},
    {.key = CTRL('k'), .name = "^K", .label = "", .ctx = P,
     .help = "delete to the end of the line",
     .action = UI_ACT_PROMPT_KILL_END},
    {.key = CTRL('w'), .name = "^W", .label = "", .ctx = P,
     .help = "delete the word before the cursor",
     .action = UI_ACT_PROMPT_KILL_WORD},
    /* too small */
    {.key = 'q', .name = "q", .label = "quit", .ctx = S, .rank = 1,
     .help = "quit mcscope",
     .handler = ui_do_quit},
};
/* clang-format on */

const struct ui_binding *ui_bindings(size_t *n)
{
    if (n != NULL)
        *n = sizeof bindings / sizeof bindings[0];
    return bindings;
}

static bool matches(const struct ui_binding *b, int key)
{
    if (b->key_last != 0)
        return key >= b->key && key <= b->key_last;
    return key == b->key;
}

const struct ui_binding *ui_binding_find(int key, unsigned ctx)
{
    const struct ui_binding *shared = NULL;
    size_t n;
    const struct ui_binding *t = ui_bindings(&n);

    for (size_t i = 0; i < n; i++) {
        if (!(t[i].ctx & ctx) || !matches(&t[i], key))
            continue;
        if (t[i].ctx == ctx)
            return &t[i];
        if (shared == NULL)
            shared = &t[i];
    }
    return shared;
}

const char *ui_ctx_title(unsigned ctx)
{
    switch (ctx) {
    case UI_CTX_MAIN:
        return "Everywhere";
    case UI_CTX_GROUPS:
        return "Groups table";
    case UI_CTX_DETAIL:
        return "Group detail";
    case UI_CTX_EVENTS:
        return "Event log";
    case UI_CTX_HELP:
        return "Help";
    case UI_CTX_SUB:
        return "Detail, event log, help, listeners, streams, querier, "
               "diagnosis, the lab's picture";
    case UI_CTX_LISTENERS:
        return "Listeners of the link";
    case UI_CTX_STREAMS:
        return "Streams and SAP sessions on the link";
    case UI_CTX_QUERIER:
        return "Querier timeline";
    case UI_CTX_DIAGNOSE:
        return "Diagnosis";
    case UI_CTX_LABMAP:
        return "The lab's picture";
    case UI_CTX_PROMPT:
        return "Prompt (every action's command line, and :)";
    case UI_CTX_PANEL:
        return "Control-message panel";
    case UI_CTX_SMALL:
        return "Terminal too small";
    case UI_CTX_CHOICE:
        return "A list to choose from (the lessons)";
    default:
        return "Other";
    }
}
